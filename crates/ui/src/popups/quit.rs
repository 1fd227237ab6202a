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

/// Draws the question, with the operations still running; once they have all ended while it was open, with how
/// the last one ended instead (the question then is only whether to quit).
pub fn render(frame: &mut Frame, area: Rect, state: &State, keymap: &Keymap) {
    let inner = popup_frame(frame, area, (70, 8), "quit?", true, None);
    let running: Vec<_> = state.operations.iter().filter(|o| o.phase.in_progress()).collect();
    let (heading, listed, ask, keys) = if running.is_empty() {
        let last = state.operations.iter().max_by_key(|o| o.started).into_iter().collect();
        ("Nothing is in progress now. The operation ended:", last, "Quit? ", &hints::QUIT_NOW)
    } else {
        ("An operation is in progress:", running, "Quit anyway? The journal keeps its intent. ", &hints::QUIT)
    };
    let mut lines = vec![Line::from(Span::styled(heading, theme::bold()))];
    for op in listed {
        lines.push(Line::from(format!("  {} ({})", sanitize(&op.op.summary(), 56), op.phase.label())));
    }
    lines.push(Line::from(""));
    let mut ask = vec![Span::raw(ask)];
    ask.extend(hints::spans(keymap, keys, ratatui_core::style::Style::new()));
    lines.push(Line::from(ask));
    frame.render_widget(Paragraph::new(lines), inner);
}
