//! The log view: one consumer's error lines (or their groups), newest first, with the view's state — following
//! or held, grouped or not, the filter — in its title, and why there are none when there are none.

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::{Paragraph, Wrap};
use warroom_core::keymap::Keymap;
use warroom_core::model::LogsAccess;
use warroom_core::state::{LogRows, LogView, State};

use super::popup_frame;
use crate::text::sanitize;
use crate::{hints, theme};

/// The widest the view gets: log lines are long.
const WIDTH: u16 = 160;

/// A line longer than this is cut even though the view wraps: a stack trace squeezed into one event would
/// otherwise fill the view.
const LINE_MAX: usize = 600;

/// Why the view has no lines.
fn empty_line(state: &State, view: &LogView) -> String {
    let logs = state.data.logs.get(&view.function);
    match logs.and_then(|l| l.access.as_ref()) {
        None => format!("{}'s log group not read yet", view.function),
        Some(LogsAccess::NoGroup) => format!(
            "log group {} does not exist: {} has not logged yet, or its LoggingConfig names another group",
            logs.map_or("", |l| l.group.as_str()),
            view.function
        ),
        Some(LogsAccess::Failed(error)) => format!("not read: {error}"),
        Some(LogsAccess::Read) if !view.filter.is_empty() => format!("no line contains \"{}\"", view.filter),
        Some(LogsAccess::Read) => {
            "no error lines matched the pattern in what was read (from 30 minutes before warroom started)".to_string()
        }
    }
}

/// Draws the view.
pub fn render(frame: &mut Frame, area: Rect, state: &State, keymap: &Keymap, view: &LogView) {
    let width = WIDTH.min(area.width);
    let room = usize::from(width.saturating_sub(2));
    let logs = state.data.logs.get(&view.function);
    let group = logs.map_or(String::new(), |l| l.group.clone());
    let how = match (view.follow, view.grouped) {
        (_, true) => "grouped".to_string(),
        (true, false) => "following".to_string(),
        (false, false) => {
            view.pinned.map_or("held".to_string(), |(_, at)| format!("held at {}", at.format("%H:%M:%S")))
        }
    };
    let title = format!("errors of {} · {group} · {how}", view.function);
    let mut lines: Vec<Line<'static>> = Vec::new();
    if view.typing || !view.filter.is_empty() {
        let cursor = if view.typing { "▏" } else { "" };
        lines
            .push(Line::from(Span::styled(format!("filter: {}{cursor}", sanitize(&view.filter, room)), theme::bold())));
    }
    let rows = state.log_rows(view);
    if rows.is_empty() {
        lines.push(Line::from(Span::styled(sanitize(&empty_line(state, view), room), theme::dim())));
    }
    match rows {
        LogRows::Lines(shown) => {
            for l in shown.into_iter().skip(view.offset) {
                let when = l.at.format("%H:%M:%S").to_string();
                lines.push(Line::from(vec![
                    Span::styled(format!("{when} "), theme::dim()),
                    // Whole, to wrap: the end of a connection error is where it says what failed.
                    Span::raw(sanitize(&l.text(), LINE_MAX)),
                ]));
            }
        }
        LogRows::Groups(groups) => {
            for g in groups.into_iter().skip(view.offset) {
                let span = format!("{}–{}", g.first.format("%H:%M"), g.last.format("%H:%M"));
                let head = format!("×{:<6} {span} ", g.count);
                lines.push(Line::from(vec![
                    Span::styled(head, theme::warn()),
                    Span::raw(sanitize(&g.sample, LINE_MAX)),
                ]));
            }
        }
    }
    let height = area.height.saturating_sub(2);
    let bottom = Line::from(hints::spans(keymap, &hints::LOGS, theme::dim()));
    let inner =
        popup_frame(frame, area, (width, height), &sanitize(&title, room.saturating_sub(4)), false, Some(bottom));
    // Long lines wrap: the end of a connection error is where it says what failed.
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
