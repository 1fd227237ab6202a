//! Queues: age of oldest message (value, sparkline, threshold colour), visible, in flight, sent vs deleted; the
//! selected queue's traffic-or-consumers verdict above them, and (rich) its age chart below.

use chrono::Duration;
use ratatui_core::layout::Rect;
use ratatui_core::style::Style;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use warroom_core::incident::Cause;
use warroom_core::model::{MetricKind, QueueStatus, ResourceKind};
use warroom_core::state::{PaneId, State};
use warroom_core::text::compact_count;

use crate::table::{Align, Cell, Column, PaneTable};
use crate::text::sanitize;
use crate::widgets::{ChartLine, Marker, TimeChart, sparkline, threshold, threshold_note, time_chart};
use crate::{Density, theme};

fn age(state: &State, q: &QueueStatus) -> Cell {
    match state.data.latest(&q.name, MetricKind::QueueAge) {
        Some(age) => {
            Cell::text(format!("{age:.0}s"), theme::threshold(age, threshold(state, &q.name, MetricKind::QueueAge)))
        }
        None => Cell::text("–", theme::dim()),
    }
}

fn rate(state: &State, q: &QueueStatus, metric: MetricKind) -> String {
    state.data.latest(&q.name, metric).map_or("–".to_string(), compact_count)
}

fn age_sparkline(state: &State, q: &QueueStatus, width: usize, markers: &[Marker<'_>]) -> Line<'static> {
    let series = state.data.series(&q.name, MetricKind::QueueAge);
    sparkline(series, state.now, width, Some(threshold(state, &q.name, MetricKind::QueueAge)), markers)
}

/// Whether anything consumes the queue: its leading mapping's state, "OFF" (and why) when none is enabled, "–"
/// when no mapping is known.
fn consumer(state: &State, q: &QueueStatus) -> Cell {
    let mappings = state.data.mappings_of(&q.name);
    match (state.data.no_consumer(&q.name), mappings.first()) {
        (Some(_), Some(m)) => Cell::text(format!("OFF: {}", m.state.label()), theme::warn()),
        (None, Some(m)) => {
            let more = if mappings.len() > 1 { format!(" +{}", mappings.len() - 1) } else { String::new() };
            let limit = m.max_concurrency.map_or(String::new(), |c| format!(" max {c}"));
            Cell::text(format!("{}{limit}{more}", m.state.label()), theme::dim())
        }
        _ => Cell::text("–", theme::dim()),
    }
}

/// The verdict as the pane shows it in `room` cells: the whole line where it fits (charts beside the tables),
/// else the short form, on two lines where one is too narrow (split after a comma), so the conclusion, the
/// numbers that decided it and the consumers' top error all stay on screen.
pub fn verdict_lines(v: &warroom_core::incident::Verdict, room: usize, density: Density) -> Vec<String> {
    if density == Density::Rich && crate::text::width(&v.line) <= room {
        return vec![v.line.clone()];
    }
    if crate::text::width(&v.short) <= room {
        return vec![v.short.clone()];
    }
    let parts: Vec<&str> = v.short.split(", ").collect();
    // The most parts that fit on the first line (at least one); the rest below, indented.
    let first = (1..parts.len()).rev().find(|&n| crate::text::width(&parts[..n].join(", ")) < room).unwrap_or(1);
    let head = format!("{},", parts[..first].join(", "));
    let tail = format!("  {}", parts[first..].join(", "));
    [head, tail].into_iter().filter(|l| l.trim() != ",").map(|l| sanitize(&l, room)).collect()
}

/// The queue whose verdict (and, rich, chart) the pane shows among `rows`: the selected row, the last when the
/// selection is past the end (a filter shortened the list).
pub fn selected<'a>(state: &State, rows: &[&'a QueueStatus]) -> Option<&'a QueueStatus> {
    rows.get(crate::table::selected_index(state, PaneId::Queues, rows.len())).copied()
}

/// Draws the queues pane.
pub fn render(frame: &mut Frame, area: Rect, state: &State, density: Density) {
    let rows = state.rows().queues();
    let markers = crate::widgets::markers(state);
    let room = area.width.saturating_sub(2) as usize;
    // Is it traffic or is it us: the selected queue's verdict, above the rows, so scrolling never hides it.
    let selected = selected(state, &rows);
    let verdict = selected.and_then(|q| state.analysis.verdict(&q.name));
    let above = verdict.map_or(Vec::new(), |v| {
        let style = if matches!(v.cause, Cause::Neither | Cause::Recovering | Cause::Settling) {
            theme::dim()
        } else {
            theme::warn()
        };
        verdict_lines(v, room, density).into_iter().map(|l| Line::from(Span::styled(l, style))).collect()
    });
    // A pane squeezed to fewer lines than the verdict, the header and one row shows the rows: what the verdict
    // is about comes first.
    let above = if usize::from(area.height.saturating_sub(2)) < above.len() + 2 { Vec::new() } else { above };
    let name = Column::name("queue", 8, theme::bold(), |q: &&QueueStatus| q.name.clone());
    let age_column = Column::fixed("age", 6, Align::Right, |q: &&QueueStatus| age(state, q));
    let count = |header: &str, cells, value: fn(&QueueStatus) -> u64| {
        Column::fixed(header, cells, Align::Right, move |q: &&QueueStatus| {
            Cell::text(compact_count(value(q) as f64), Style::new())
        })
    };
    // A big account's queues are not all read every fast poll: each row says how often its counts are.
    let read_every = |q: &&QueueStatus| {
        let every = state.data.read_every.get(&q.name).map_or("–".to_string(), |s| format!("{s}s"));
        Cell::text(every, theme::dim())
    };
    let tiered = !state.data.read_every.is_empty();
    let table = match density {
        Density::Compact => {
            let mut columns = vec![
                name,
                age_column,
                Column::fixed("", 3, Align::Right, |_: &&QueueStatus| Cell::text("vis", theme::dim())),
                count("visible", 5, |q| q.visible),
                Column::fixed("", 2, Align::Right, |_: &&QueueStatus| Cell::text("fl", theme::dim())),
                count("in flight", 4, |q| q.in_flight),
            ];
            if tiered {
                columns.push(Column::fixed("read", 4, Align::Right, read_every));
            }
            PaneTable::new(state, PaneId::Queues, &rows, columns).under(|q: &&QueueStatus, width| {
                // Nothing consuming says more than the rates, which it explains.
                let (tail, style) = match state.data.no_consumer(&q.name) {
                    Some(_) => (" no consumer".to_string(), theme::warn()),
                    None => (
                        format!(" +{}/-{}", rate(state, q, MetricKind::Sent), rate(state, q, MetricKind::Deleted)),
                        theme::dim(),
                    ),
                };
                let mut line =
                    age_sparkline(state, q, width.saturating_sub(crate::text::width(&tail)).max(4), &markers);
                line.spans.push(Span::styled(tail, style));
                line
            })
        }
        Density::Rich => {
            let per_minute = |header: &str, metric: MetricKind| {
                Column::fixed(header, 8, Align::Right, move |q: &&QueueStatus| {
                    Cell::text(rate(state, q, metric), Style::new())
                })
            };
            let mut columns = vec![
                name,
                age_column,
                Column::fill("age by minute", 10, 60, |q: &&QueueStatus, width| {
                    Cell::Spans(age_sparkline(state, q, width, &markers).spans)
                }),
                count("visible", 7, |q| q.visible),
                count("inflight", 8, |q| q.in_flight),
                per_minute("sent/min", MetricKind::Sent),
                per_minute("del/min", MetricKind::Deleted),
            ];
            if tiered {
                columns.push(Column::fixed("read", 5, Align::Right, read_every));
            }
            columns.push(Column::content("consumer", 8, |q: &&QueueStatus| consumer(state, q)).optional());
            PaneTable::new(state, PaneId::Queues, &rows, columns).header(true)
        }
    };
    let rest = table
        .title_note(threshold_note(
            state,
            state.data.queues.iter().map(|q| q.name.as_str()),
            MetricKind::QueueAge,
            ("age threshold", "s", "queue"),
        ))
        .above(above)
        .missing(&[ResourceKind::Queue], "no queues")
        .render(frame, area);
    // With room to spare, chart the selected queue's age against its threshold.
    if let (Density::Rich, Some(q)) = (density, selected) {
        let lines = [ChartLine {
            label: format!("{} age of oldest (s)", q.name),
            series: state.data.series(&q.name, MetricKind::QueueAge),
            style: Style::new().fg(theme::ACCENT),
            percent: false,
        }];
        let chart = TimeChart {
            now: state.now,
            window: Duration::minutes(60),
            lines: &lines,
            threshold: Some(threshold(state, &q.name, MetricKind::QueueAge)),
            markers: &markers,
            y_floor: 10.0,
        };
        time_chart(frame, rest, &chart);
    }
}
