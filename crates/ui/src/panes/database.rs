//! Database clusters: instances with role and status, CPU against the threshold, and (rich) a CPU chart.

use chrono::Duration;
use ratatui_core::layout::{Constraint, Layout, Rect};
use ratatui_core::style::Style;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::Paragraph;

use super::{row_style, styled_line};
use crate::text::sanitize;
use crate::widgets::{ChartLine, TimeChart, pane_block, sparkline, time_chart};
use crate::{Density, theme};
use warroom_core::model::ResourceKind;
use warroom_core::model::{ClusterStatus, MetricKind, Role};
use warroom_core::state::{PaneId, State};

fn cluster_line(cluster: &ClusterStatus) -> Line<'static> {
    let status_style = if cluster.status.is_available() { theme::ok() } else { theme::warn() };
    Line::from(vec![
        Span::styled(sanitize(&cluster.id, 20), theme::bold()),
        Span::styled(format!(" {} ", sanitize(&cluster.engine, 20)), theme::dim()),
        Span::styled(sanitize(cluster.status.as_str(), 16), status_style),
    ])
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, density: Density) {
    let threshold = state.thresholds.db_cpu_percent;
    let block = pane_block(state, PaneId::Database, &format!("CPU threshold {threshold:.0}%"));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let markers = crate::widgets::markers(state);
    let rows = state.rows().instances();
    let mut lines = Vec::new();
    let mut last_cluster = None;
    // An instance takes a line (two with its sparkline), and the first of its cluster one more for the cluster;
    // one line is kept for the header of a cluster whose first instances scrolled away.
    let per_instance = if density == Density::Compact { 2 } else { 1 };
    let cost = |i: usize| per_instance + usize::from(i == 0 || rows[i - 1].0.id != rows[i].0.id);
    let room = inner.height as usize;
    // Clamped here too: the state clamps on update, but a draw must not index past the rows whatever it holds.
    let selected = state.ui.selected(PaneId::Database).min(rows.len().saturating_sub(1));
    let first = super::first_row(selected, room.saturating_sub(1), cost);
    for (i, (cluster, inst)) in rows.iter().enumerate().skip(first) {
        if lines.len() + per_instance > room {
            break;
        }
        if last_cluster != Some(&cluster.id) {
            lines.push(cluster_line(cluster));
            last_cluster = Some(&cluster.id);
        }
        let cpu = state.data.latest(&inst.id, MetricKind::DbCpu);
        let cpu_span = match cpu {
            Some(c) => Span::styled(format!("{c:>5.1}%"), theme::threshold(c, threshold)),
            None => Span::styled("     –", theme::dim()),
        };
        let role_style = if inst.role == Role::Writer { theme::bold() } else { Style::new() };
        let status_style = if inst.status.is_available() { theme::ok() } else { theme::warn() };
        let (status_w, cpu_label) = if density == Density::Rich { (12, " CPU") } else { (9, "") };
        let mut spans = vec![
            Span::raw(format!(" {:<12} ", sanitize(&inst.id, 12))),
            Span::styled(format!("{:<6} ", inst.role.label()), role_style),
            Span::styled(format!("{:<status_w$}", sanitize(inst.status.as_str(), status_w)), status_style),
            Span::raw(cpu_label),
            cpu_span,
        ];
        if let Some(op) = state.latest_operation_on(&inst.id).filter(|o| o.phase.in_progress()) {
            spans.push(Span::styled(format!(" {}…", op.phase.label()), theme::warn()));
        }
        lines.push(styled_line(Line::from(spans), row_style(state, PaneId::Database, i)));
        let spark_w = match density {
            Density::Compact => width.saturating_sub(2).max(4),
            Density::Rich => width.saturating_sub(2).min(60),
        };
        let mut spark =
            sparkline(state.data.series(&inst.id, MetricKind::DbCpu), state.now, spark_w, Some(threshold), &markers);
        spark.spans.insert(0, Span::raw(" "));
        if density == Density::Compact {
            lines.push(spark);
        }
    }
    let empty = state.rows().clusters_without_instances();
    for cluster in &empty {
        lines.push(cluster_line(cluster));
        lines.push(Line::from(Span::styled(" no instances listed", theme::dim())));
    }
    let missing = super::missing_lines(state, &[ResourceKind::Cluster, ResourceKind::Instance]);
    if rows.is_empty() && empty.is_empty() && missing.is_empty() {
        lines.push(Line::from(Span::styled("no database clusters", theme::dim())));
    }
    lines.extend(missing);
    let used = lines.len() as u16;
    let [table, rest] = Layout::vertical([Constraint::Length(used), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(lines), table);
    if density == Density::Rich {
        let palette = [theme::ACCENT, ratatui_core::style::Color::LightBlue, ratatui_core::style::Color::White];
        let lines: Vec<ChartLine> = rows
            .iter()
            .enumerate()
            .map(|(i, (_, inst))| ChartLine {
                label: format!("{} CPU %", inst.id),
                series: state.data.series(&inst.id, MetricKind::DbCpu),
                style: Style::new().fg(palette[i % palette.len()]),
            })
            .collect();
        let chart = TimeChart {
            now: state.now,
            window: Duration::minutes(60),
            lines: &lines,
            threshold: Some(threshold),
            markers: &markers,
            y_floor: 100.0,
        };
        time_chart(frame, rest, &chart);
    }
}
