//! Asks before quitting while an operation is in progress: its outcome would go unseen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::popup_frame;
use crate::state::State;
use crate::text::sanitize;
use crate::ui::theme;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let inner = popup_frame(frame, area, 70, 8, "quit?", true);
    let mut lines = vec![Line::from(Span::styled("An operation is in progress:", theme::bold()))];
    for op in state.operations.iter().filter(|o| o.phase.in_progress()) {
        lines.push(Line::from(format!("  {} ({})", sanitize(&op.op.summary(), 56), op.phase.label())));
    }
    lines.push(Line::from(""));
    lines.push(Line::from("Quit anyway? The journal keeps its intent. y quits, n or Esc stays."));
    frame.render_widget(Paragraph::new(lines), inner);
}
