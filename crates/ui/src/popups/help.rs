//! The help overlay: every mode's actions with their keys, generated from the command table and the active
//! keymap. It scrolls when the terminal is shorter than the list.

use ratatui_core::layout::Rect;
use ratatui_core::style::Style;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::Paragraph;
use warroom_core::action::{Action, Mode};
use warroom_core::keymap::Keymap;

use super::popup_frame;
use crate::hints;
use crate::theme;

/// Every line of the overlay: a heading per mode, then its actions, the columns as wide as their widest entry.
fn lines(keymap: &Keymap) -> Vec<Line<'static>> {
    let keys_of = |mode: Mode, action: Action| {
        let keys: Vec<String> = keymap.keys_for(mode, action).iter().map(ToString::to_string).collect();
        if keys.is_empty() { "(unbound)".to_string() } else { keys.join(" ") }
    };
    let rows = || Mode::ALL.into_iter().flat_map(|mode| Action::of_mode(mode).map(move |a| (mode, a)));
    let keys_width = rows().map(|(m, a)| keys_of(m, a).chars().count()).max().unwrap_or(0);
    let name_width = rows().map(|(_, a)| a.name().len()).max().unwrap_or(0);
    let mut lines = Vec::new();
    for mode in Mode::ALL {
        if !lines.is_empty() {
            lines.push(Line::from(""));
        }
        lines.push(Line::from(vec![
            Span::styled(format!("{:<width$} ", mode.name(), width = keys_width + name_width + 3), theme::bold()),
            Span::styled(mode.description(), theme::dim()),
        ]));
        for action in Action::of_mode(mode) {
            let style = if action.is_mutating() { theme::warn() } else { Style::new() };
            lines.push(Line::from(vec![
                Span::raw("  "),
                Span::styled(format!("{:<keys_width$}", keys_of(mode, action)), theme::key()),
                Span::styled(format!(" {:<name_width$} ", action.name()), style),
                Span::raw(action.description()),
            ]));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Operations open a plan first; nothing runs until you type the target's name.",
        theme::dim(),
    )));
    lines
}

/// Draws the overlay, scrolled down `offset` lines (clamped so the end stays in view).
pub fn render(frame: &mut Frame, area: Rect, keymap: &Keymap, offset: usize) {
    let lines = lines(keymap);
    // Leaves the header and the footer in view: what state the dashboard is in stays readable behind help.
    let height = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let bottom = Line::from(hints::spans(keymap, &hints::HELP, theme::dim()));
    let inner = popup_frame(frame, area, (110, height), "help", false, Some(bottom));
    let offset = offset.min(lines.len().saturating_sub(inner.height as usize)) as u16;
    frame.render_widget(Paragraph::new(lines).scroll((offset, 0)), inner);
}
