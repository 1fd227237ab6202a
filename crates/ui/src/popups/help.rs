//! The help overlay: every mode's actions with their keys, generated from the command table and the active
//! keymap. It scrolls when the terminal is shorter than the list.

use ratatui_core::layout::Rect;
use ratatui_core::style::Style;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use warroom_core::action::{Action, Mode};
use warroom_core::keymap::Keymap;

use crate::hints;
use crate::text;
use crate::theme;

/// The narrowest a description column gets (cells).
const MIN_DESCRIPTION: usize = 24;
/// The overlay's widest (cells, with its border): wider, the eye loses the row between key and description.
const WIDTH: u16 = 110;

/// Every line of the overlay for `width` cells: a heading per mode, then its actions, the columns as wide as
/// their widest entry; a description that does not fit continues on the next lines, under itself.
fn lines(keymap: &Keymap, width: usize) -> Vec<Line<'static>> {
    let keys_of = |mode: Mode, action: Action| {
        let keys: Vec<String> = keymap.keys_for(mode, action).iter().map(ToString::to_string).collect();
        if keys.is_empty() { "(unbound)".to_string() } else { keys.join(" ") }
    };
    let rows = || Mode::ALL.into_iter().flat_map(|mode| Action::of_mode(mode).map(move |a| (mode, a)));
    let keys_width = rows().map(|(m, a)| text::width(&keys_of(m, a))).max().unwrap_or(0);
    let name_width = rows().map(|(_, a)| a.name().len()).max().unwrap_or(0);
    let indent = keys_width + name_width + 4;
    // Below this, a description would wrap into a column of single words: let the frame cut it instead.
    let description_width = width.saturating_sub(indent).max(MIN_DESCRIPTION);
    let mut lines = Vec::new();
    let mut push = |first: Vec<Span<'static>>, description: &str, style: Style| {
        let mut parts = text::wrap(description, description_width).into_iter();
        let mut first = first;
        first.push(Span::styled(parts.next().unwrap_or_default(), style));
        lines.push(Line::from(first));
        lines.extend(parts.map(|part| Line::from(vec![Span::raw(" ".repeat(indent)), Span::styled(part, style)])));
    };
    for (i, mode) in Mode::ALL.into_iter().enumerate() {
        if i > 0 {
            push(Vec::new(), "", Style::new());
        }
        let heading = Span::styled(format!("{:<indent$}", mode.name()), theme::bold());
        push(vec![heading], mode.description(), theme::dim());
        for action in Action::of_mode(mode) {
            let style = if action.is_mutating() { theme::warn() } else { Style::new() };
            let keys_and_name = vec![
                Span::raw("  "),
                Span::styled(format!("{:<keys_width$}", keys_of(mode, action)), theme::key()),
                Span::styled(format!(" {:<name_width$} ", action.name()), style),
            ];
            push(keys_and_name, action.description(), Style::new());
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Operations open a plan first; nothing runs until you type the target's name.",
        theme::dim(),
    )));
    lines
}

/// Draws the overlay, scrolled down `offset` lines (clamped so the end stays in view); returns the largest offset
/// that still fills it.
pub fn render(frame: &mut Frame, area: Rect, keymap: &Keymap, keys: &[hints::Hint], offset: usize) -> usize {
    // Leaves the header and the footer in view: what state the dashboard is in stays readable behind help.
    let width = WIDTH.min(area.width);
    let lines = lines(keymap, usize::from(width.saturating_sub(2)));
    let bottom = Line::from(hints::spans(keymap, keys, theme::dim()));
    super::scrolling_view(frame, area, (width, "help"), lines, bottom, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_description_shows_whole_wrapped_under_itself() {
        let keymap = Keymap::defaults().expect("keymap");
        for width in [76, 108] {
            let lines = lines(&keymap, width);
            let text: Vec<String> =
                lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect::<String>()).collect();
            assert!(text.iter().all(|l| crate::text::width(l) <= width), "a line is wider than {width}: {text:#?}");
            let words = text.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
            for &action in Action::ALL {
                let description = action.description().split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(words.contains(&description), "{} cut at {width}: {text:#?}", action.name());
            }
        }
    }
}
