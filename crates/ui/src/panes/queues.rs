//! Queues: age of oldest message (value, sparkline, threshold colour), visible, in flight, sent vs deleted.

use chrono::Duration;
use ratatui_core::layout::{Constraint, Layout, Rect};
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::Paragraph;

use super::{row_style, scroll_offset, styled_line};
use crate::text::sanitize;
use crate::widgets::{ChartLine, TimeChart, pane_block, sparkline, time_chart};
use crate::{Density, theme};
use warroom_core::incident::Cause;
use warroom_core::model::ResourceKind;
use warroom_core::model::{MetricKind, QueueStatus};
use warroom_core::state::{PaneId, State};
use warroom_core::text::compact_count;

fn age_span(state: &State, q: &QueueStatus) -> Span<'static> {
    match state.data.latest(&q.name, MetricKind::QueueAge) {
        Some(age) => Span::styled(format!("{age:>5.0}s"), theme::threshold(age, state.thresholds.queue_age_seconds)),
        None => Span::styled(format!("{:>6}", "–"), theme::dim()),
    }
}

fn rate(state: &State, q: &QueueStatus, metric: MetricKind) -> String {
    state.data.latest(&q.name, metric).map_or("–".to_string(), compact_count)
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, density: Density) {
    let block = pane_block(state, PaneId::Queues, &format!("age threshold {:.0}s", state.thresholds.queue_age_seconds));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = state.rows().queues();
    let markers = crate::widgets::markers(state);
    let width = inner.width as usize;
    let mut lines = Vec::new();
    // Is it traffic or is it us: the selected queue's verdict, first, so scrolling never hides it.
    let verdict = rows.get(state.ui.selected(PaneId::Queues)).and_then(|q| state.analysis.verdict(&q.name));
    if let Some(v) = verdict {
        let text = match density {
            Density::Compact => v.short.as_str(),
            Density::Rich => v.line.as_str(),
        };
        let style = if v.cause == Cause::Neither { theme::dim() } else { theme::warn() };
        lines.push(Line::from(Span::styled(sanitize(text, width), style)));
    }
    match density {
        Density::Compact => {
            let room = inner.height as usize - lines.len().min(inner.height as usize);
            let fits = (room / 2).max(1);
            let skip = scroll_offset(state.ui.selected(PaneId::Queues), fits);
            // Only the rows that fit are built: a sparkline per queue is most of a frame's cost.
            for (i, q) in rows.iter().enumerate().skip(skip).take(fits) {
                let head = Line::from(vec![
                    Span::styled(format!("{:<12}", sanitize(&q.name, 12)), theme::bold()),
                    Span::raw(" age"),
                    age_span(state, q),
                    Span::raw(format!(
                        " vis {} fl {}",
                        compact_count(q.visible as f64),
                        compact_count(q.in_flight as f64)
                    )),
                ]);
                lines.push(styled_line(head, row_style(state, PaneId::Queues, i)));
                let spark_w = width.saturating_sub(16).max(4);
                let mut spark = sparkline(
                    state.data.series(&q.name, MetricKind::QueueAge),
                    state.now,
                    spark_w,
                    Some(state.thresholds.queue_age_seconds),
                    &markers,
                );
                spark.spans.push(Span::styled(
                    format!(" +{}/-{}", rate(state, q, MetricKind::Sent), rate(state, q, MetricKind::Deleted)),
                    theme::dim(),
                ));
                lines.push(spark);
            }
        }
        Density::Rich => {
            let spark_w = width.saturating_sub(62).clamp(10, 60);
            lines.push(Line::from(Span::styled(
                format!(
                    "{:<16} {:>6}  {:<spark_w$}  {:>7} {:>7} {:>8} {:>8}",
                    "queue",
                    "age",
                    format!("age, last {spark_w} min"),
                    "visible",
                    "inflight",
                    "sent/min",
                    "del/min"
                ),
                theme::dim(),
            )));
            let fits = (inner.height as usize).saturating_sub(lines.len()).max(1);
            let skip = scroll_offset(state.ui.selected(PaneId::Queues), fits);
            for (i, q) in rows.iter().enumerate().skip(skip).take(fits) {
                let mut spans =
                    vec![Span::raw(format!("{:<16} ", sanitize(&q.name, 16))), age_span(state, q), Span::raw("  ")];
                spans.extend(
                    sparkline(
                        state.data.series(&q.name, MetricKind::QueueAge),
                        state.now,
                        spark_w,
                        Some(state.thresholds.queue_age_seconds),
                        &markers,
                    )
                    .spans,
                );
                spans.push(Span::raw(format!(
                    "  {:>7} {:>7} {:>8} {:>8}",
                    compact_count(q.visible as f64),
                    compact_count(q.in_flight as f64),
                    rate(state, q, MetricKind::Sent),
                    rate(state, q, MetricKind::Deleted)
                )));
                lines.push(styled_line(Line::from(spans), row_style(state, PaneId::Queues, i)));
            }
        }
    }
    let missing = super::missing_lines(state, &[ResourceKind::Queue]);
    if rows.is_empty() && missing.is_empty() {
        lines.push(Line::from(Span::styled("no queues", theme::dim())));
    }
    lines.extend(missing);
    let used = lines.len() as u16;
    let [table, rest] = Layout::vertical([Constraint::Length(used), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(lines), table);
    // With room to spare, chart the selected queue's age against its threshold.
    let selected = rows.get(state.ui.selected(PaneId::Queues));
    if let (Density::Rich, Some(q)) = (density, selected) {
        let lines = [ChartLine {
            label: format!("{} age of oldest (s)", q.name),
            series: state.data.series(&q.name, MetricKind::QueueAge),
            style: ratatui_core::style::Style::new().fg(theme::ACCENT),
        }];
        let chart = TimeChart {
            now: state.now,
            window: Duration::minutes(60),
            lines: &lines,
            threshold: Some(state.thresholds.queue_age_seconds),
            markers: &markers,
            y_floor: 10.0,
        };
        time_chart(frame, rest, &chart);
    }
}
