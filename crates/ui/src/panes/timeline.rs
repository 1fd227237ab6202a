//! The timeline: alarm transitions, deploys, changes, operations and notes, newest first.

use ratatui_core::layout::Rect;
use ratatui_core::style::Style;
use ratatui_core::terminal::Frame;
use warroom_core::model::{EventKind, TimelineEvent};
use warroom_core::state::{PaneId, State};

use crate::Density;
use crate::table::{Align, Cell, Column, PaneTable};
use crate::theme;

/// The colour of an event's kind: alarms by where they went, changes as markers, operations as warnings.
pub fn kind_style(event: &TimelineEvent) -> Style {
    match event.kind {
        EventKind::Alarm if event.text.ends_with("ALARM") => theme::alarm(),
        EventKind::Alarm => theme::ok(),
        EventKind::Deploy | EventKind::Change => theme::marker(),
        EventKind::Operation => theme::warn(),
        EventKind::Note => Style::new().fg(theme::ACCENT),
    }
}

/// Draws the timeline pane.
pub fn render(frame: &mut Frame, area: Rect, state: &State, density: Density) {
    let rows = state.rows().timeline();
    let (time_format, time_width) = if density == Density::Rich { ("%H:%M:%S", 8) } else { ("%H:%M", 5) };
    let mut columns: Vec<Column<&TimelineEvent>> = vec![
        Column::fixed("time", time_width, Align::Left, move |e: &&TimelineEvent| {
            Cell::text(e.at.format(time_format).to_string(), theme::dim())
        }),
        Column::fixed("kind", 6, Align::Left, |e: &&TimelineEvent| Cell::text(e.kind.label(), kind_style(e))),
        Column::content("what", 8, |e: &&TimelineEvent| Cell::text(e.text.clone(), Style::new())),
    ];
    // Who did it matters, but not more than what happened: narrow panes leave the actor out.
    if area.width >= 62 {
        columns.push(Column::content("", 0, |e: &&TimelineEvent| match &e.actor {
            Some(actor) => Cell::text(format!("· {}", crate::text::sanitize(actor, 20)), theme::dim()),
            None => Cell::text("", theme::dim()),
        }));
    }
    PaneTable::new(state, PaneId::Timeline, &rows, columns)
        .title_note("newest first".to_string())
        .missing(&[], "nothing yet")
        .render(frame, area);
}
