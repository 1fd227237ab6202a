//! Asks before quitting while an operation is in progress: its outcome would go unseen.

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::Paragraph;
use warroom_core::keymap::Keymap;
use warroom_core::state::State;

use super::popup_frame;
use crate::hints;
use crate::text::sanitize;
use crate::theme;

/// Draws the question, with the operations still running.
pub fn render(frame: &mut Frame, area: Rect, state: &State, keymap: &Keymap) {
    let inner = popup_frame(frame, area, (70, 8), "quit?", true, None);
    let mut lines = vec![Line::from(Span::styled("An operation is in progress:", theme::bold()))];
    for op in state.operations.iter().filter(|o| o.phase.in_progress()) {
        lines.push(Line::from(format!("  {} ({})", sanitize(&op.op.summary(), 56), op.phase.label())));
    }
    lines.push(Line::from(""));
    let mut ask = vec![Span::raw("Quit anyway? The journal keeps its intent. ")];
    ask.extend(hints::spans(keymap, &hints::QUIT, ratatui_core::style::Style::new()));
    lines.push(Line::from(ask));
    frame.render_widget(Paragraph::new(lines), inner);
}
