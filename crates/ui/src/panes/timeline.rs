//! The timeline: alarm transitions, deploys, changes, operations and notes, newest first.

use ratatui_core::layout::Rect;
use ratatui_core::style::Style;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::Paragraph;

use super::{row_style, scroll_offset, styled_line};
use crate::text::sanitize;
use crate::{Density, theme};
use warroom_core::model::{EventKind, TimelineEvent};
use warroom_core::state::{PaneId, State};

pub fn kind_style(event: &TimelineEvent) -> Style {
    match event.kind {
        EventKind::Alarm if event.text.ends_with("ALARM") => theme::alarm(),
        EventKind::Alarm => theme::ok(),
        EventKind::Deploy | EventKind::Change => theme::marker(),
        EventKind::Operation => theme::warn(),
        EventKind::Note => Style::new().fg(theme::ACCENT),
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, density: Density) {
    let block = super::super::widgets::pane_block(state, PaneId::Timeline, "newest first");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let rows = state.rows().timeline();
    let height = inner.height as usize;
    let skip = scroll_offset(state.ui.selected(PaneId::Timeline), height);
    let time_fmt = if density == Density::Rich { "%H:%M:%S" } else { "%H:%M" };
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(skip)
        .take(height)
        .map(|(i, e)| {
            let time = e.at.format(time_fmt).to_string();
            // Who did it matters, but not more than what happened: narrow panes drop the actor.
            let actor = match (&e.actor, width >= 60) {
                (Some(a), true) => format!(" · {}", sanitize(a, 20)),
                _ => String::new(),
            };
            let used = time.len() + 8;
            let line = Line::from(vec![
                Span::styled(time, theme::dim()),
                Span::styled(format!(" {:<6} ", e.kind.label()), kind_style(e)),
                Span::raw(sanitize(&e.text, width.saturating_sub(used + actor.chars().count()).max(8))),
                Span::styled(actor, theme::dim()),
            ]);
            styled_line(line, row_style(state, PaneId::Timeline, i))
        })
        .collect();
    let lines = if lines.is_empty() { vec![Line::from(Span::styled("nothing yet", theme::dim()))] } else { lines };
    frame.render_widget(Paragraph::new(lines), inner);
}
