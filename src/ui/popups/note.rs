//! Adding a note to the timeline and journal. Allowed in read-only mode: observers take notes too.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::popup_frame;
use crate::text::sanitize;
use crate::ui::theme;

pub fn render(frame: &mut Frame, area: Rect, text: &str) {
    let inner = popup_frame(frame, area, 70, 7, "add a note", false);
    let lines = vec![
        Line::from(Span::styled("Goes to the timeline and the journal. Enter saves, Esc cancels.", theme::dim())),
        Line::from(""),
        Line::from(vec![Span::raw("> "), Span::raw(sanitize(text, 500)), Span::styled("█", theme::dim())]),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
