//! The help overlay, generated from the Action descriptions and the active keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::popup_frame;
use crate::action::Action;
use crate::keymap::Keymap;
use crate::ui::theme;

pub fn render(frame: &mut Frame, area: Rect, keymap: &Keymap) {
    let height = Action::ALL.len() as u16 + 5;
    let inner = popup_frame(frame, area, 100, height, "help", false);
    let mut lines =
        vec![Line::from(Span::styled(format!("{:<18} {:<16} {}", "keys", "action", "what it does"), theme::dim()))];
    for &action in Action::ALL {
        let keys = keymap.keys_for(action);
        let keys = if keys.is_empty() { "(unbound)".to_string() } else { keys.join(" ") };
        let style = if action.is_mutating() { theme::warn() } else { ratatui::style::Style::new() };
        lines.push(Line::from(vec![
            Span::styled(format!("{keys:<18} "), theme::bold()),
            Span::styled(format!("{:<16} ", action.name()), style),
            Span::raw(action.description()),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Operations open a plan first; nothing runs until you type the target's name.",
        theme::dim(),
    )));
    frame.render_widget(Paragraph::new(lines), inner);
}
