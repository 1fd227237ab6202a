//! One file per pane. Each renders its rows from `State::rows()`, so what is highlighted is what an operation
//! key acts on.

pub mod alarms;
pub mod database;
pub mod deploys;
pub mod dlqs;
pub mod footer;
pub mod header;
pub mod queues;
pub mod timeline;
pub mod trigger;

use ratatui_core::style::Style;
use ratatui_core::text::Line;

use super::theme;
use warroom_core::state::{PaneId, State};

/// The style of row `index` of `pane`: reversed when selected and the pane has focus, underlined when selected
/// elsewhere (so the target of an operation key is visible from any pane).
pub fn row_style(state: &State, pane: PaneId, index: usize) -> Style {
    if state.ui.selected(pane) != index {
        return Style::new();
    }
    if state.ui.focus == pane {
        theme::selected()
    } else {
        Style::new().add_modifier(ratatui_core::style::Modifier::UNDERLINED)
    }
}

/// Applies a row style to a whole line without losing its spans' colours.
pub fn styled_line(line: Line<'static>, style: Style) -> Line<'static> {
    line.patch_style(style)
}

/// Keeps the selected row in view: the first row to draw when only `height` rows fit.
pub fn scroll_offset(selected: usize, height: usize) -> usize {
    if height == 0 { 0 } else { selected.saturating_sub(height - 1) }
}

/// The same for rows of different heights (row `i` takes `lines(i)` lines): the first row to draw so that
/// every row from it to the selected one fits in `room` lines, scrolling no further than it must.
pub fn first_row(selected: usize, room: usize, lines: impl Fn(usize) -> usize) -> usize {
    let mut first = selected;
    let mut used = lines(selected);
    while first > 0 && used + lines(first - 1) <= room {
        first -= 1;
        used += lines(first);
    }
    first
}

/// "name  not found" rows for resources of `kinds` the config names but AWS does not have.
pub fn missing_lines(state: &State, kinds: &[warroom_core::model::ResourceKind]) -> Vec<Line<'static>> {
    kinds
        .iter()
        .flat_map(|k| state.data.missing(*k))
        .map(|name| {
            Line::from(vec![
                ratatui_core::text::Span::raw(format!("{:<16} ", crate::text::sanitize(name, 16))),
                ratatui_core::text::Span::styled("not found", theme::warn()),
            ])
        })
        .collect()
}
