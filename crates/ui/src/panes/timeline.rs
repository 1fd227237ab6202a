//! The timeline: alarm transitions, deploys, changes, operations and notes, newest first.

use ratatui_core::layout::Rect;
use ratatui_core::style::Style;
use ratatui_core::terminal::Frame;
use ratatui_core::text::Span;
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
        EventKind::Operation | EventKind::Outcome => theme::warn(),
        EventKind::Event => theme::dim(),
        EventKind::Note | EventKind::Look => Style::new().fg(theme::ACCENT),
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
    ];
    // Who did it follows what happened, and is cut first; narrow panes leave it out.
    let with_actor = area.width >= 62;
    columns.push(Column::content("what", 8, move |e: &&TimelineEvent| {
        // With several targets, every entry in one style: its target's label in front, and the names in its
        // words without it ("[stg/eu-west-1] orders-consumer live → v2", not "stg/eu-west-1/orders-consumer …").
        let target = e.resource.as_deref().and_then(|r| state.data.target_of(r)).map(|t| t.label.as_str());
        let mut spans = match target {
            Some(label) => {
                let words = e.text.replace(&format!("{label}{}", warroom_core::model::SEPARATOR), "");
                let words = words.strip_prefix(&format!("[{label}] ")).map_or(words.clone(), str::to_string);
                vec![Span::styled(format!("[{label}] "), theme::dim()), Span::raw(words)]
            }
            None => vec![Span::raw(e.text.clone())],
        };
        // Who did it, once: "… confirmed by alice" is followed by the principal alone.
        if let Some(actor) = e.actor_beyond_text().filter(|_| with_actor) {
            spans.push(Span::styled(format!(" · {}", crate::text::sanitize(&actor, 20)), theme::dim()));
        }
        Cell::Spans(spans)
    }));
    PaneTable::new(state, PaneId::Timeline, &rows, columns)
        .title_note("newest first".to_string())
        .missing(&[], "nothing yet")
        .render(frame, area);
}
