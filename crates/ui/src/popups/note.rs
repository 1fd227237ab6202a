//! Adding a note to the timeline and journal. Allowed in a read-only session: observers take notes too.

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::{Paragraph, Wrap};
use warroom_core::keymap::Keymap;

use super::popup_frame;
use crate::hints;
use crate::text::sanitize;
use crate::theme;

/// Draws the note field with what has been typed so far.
pub fn render(frame: &mut Frame, area: Rect, keymap: &Keymap, text: &str) {
    let inner = popup_frame(frame, area, (70, 7), "add a note", false, None);
    let mut about = vec![Span::styled("Goes to the timeline and the journal. ", theme::dim())];
    about.extend(hints::spans(keymap, &hints::NOTE, theme::dim()));
    let lines = vec![
        Line::from(about),
        Line::from(""),
        Line::from(vec![Span::raw("> "), Span::raw(sanitize(text, 500)), Span::styled("█", theme::dim())]),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
