//! Database clusters: each cluster above its instances with role and status, CPU against the threshold (with a
//! sparkline under each instance when compact), each writer's top SQL (Performance Insights), and (rich) a CPU
//! chart of the selected instance's cluster.

use chrono::Duration;
use ratatui_core::layout::Rect;
use ratatui_core::style::Style;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use warroom_core::model::{ClusterStatus, InstanceStatus, MetricKind, ResourceKind, Role};
use warroom_core::state::{PaneId, State};

use crate::table::{Align, Cell, Column, Groups, PaneTable};
use crate::text::{fit_name, width};
use crate::widgets::{ChartLine, TimeChart, sparkline, threshold, threshold_note, time_chart};
use crate::{Density, theme};

type Row<'a> = (&'a ClusterStatus, &'a InstanceStatus);

/// "core-db aurora-postgresql available": the cluster's id whole where there is room; the engine goes before the
/// id or the status are cut.
fn cluster_line(cluster: &ClusterStatus, room: usize) -> Line<'static> {
    let status_style = if cluster.status.is_available() { theme::ok() } else { theme::warn() };
    let id = crate::text::sanitize(&cluster.id, usize::MAX);
    let engine = match cluster.engine.as_str() {
        "" => "engine unknown".to_string(),
        engine => crate::text::sanitize(engine, 24),
    };
    let status = crate::text::sanitize(cluster.status.as_str(), 16);
    let (id_width, status_width) = (width(&id), width(&status));
    let engine_shown = id_width + width(&engine) + status_width + 2 <= room;
    let id_room = if engine_shown { id_width } else { room.saturating_sub(status_width + 1) };
    let mut spans = vec![Span::styled(fit_name(&cluster.id, id_room), theme::bold())];
    if engine_shown {
        spans.push(Span::styled(format!(" {engine}"), theme::dim()));
    }
    spans.push(Span::styled(format!(" {status}"), status_style));
    Line::from(spans)
}

/// Draws the database pane.
pub fn render(frame: &mut Frame, area: Rect, state: &State, density: Density) {
    let cpu_threshold = |id: &str| threshold(state, id, MetricKind::DbCpu);
    let markers = crate::widgets::markers(state);
    let rows = state.rows().instances();
    let mut columns: Vec<Column<Row>> = vec![
        Column::name("instance", 8, Style::new(), |(_, i): &Row| i.id.clone()),
        Column::fixed("role", 6, Align::Left, |(_, i): &Row| {
            let style = if i.role == Role::Writer { theme::bold() } else { Style::new() };
            Cell::text(i.role.label(), style)
        }),
        // As wide as the longest status shown: `failing-over` whole during a failover, when it matters most.
        Column::content("status", 9, |(_, i): &Row| {
            let style = if i.status.is_available() { theme::ok() } else { theme::warn() };
            Cell::text(i.status.as_str(), style)
        }),
    ];
    if density == Density::Rich {
        columns.push(Column::fixed("", 3, Align::Left, |_: &Row| Cell::text("CPU", Style::new())));
    }
    columns.push(Column::fixed("CPU", 6, Align::Right, |(_, i): &Row| {
        match state.data.latest(&i.id, MetricKind::DbCpu) {
            Some(c) => Cell::text(format!("{c:.1}%"), theme::threshold(c, cpu_threshold(&i.id))),
            None => Cell::text("–", theme::dim()),
        }
    }));
    columns.push(Column::fill("", 0, usize::MAX, |(_, i): &Row, _| {
        match state.latest_operation_on(&i.id).filter(|o| o.phase.in_progress()) {
            Some(op) => Cell::text(format!("{}…", op.phase.label()), theme::warn()),
            None => Cell::text("", Style::new()),
        }
    }));
    let room = usize::from(area.width.saturating_sub(2));
    let mut empty: Vec<Line<'static>> = state
        .rows()
        .clusters_without_instances()
        .into_iter()
        .flat_map(|c| [cluster_line(c, room), Line::from(Span::styled(" no instances listed", theme::dim()))])
        .collect();
    empty.extend(super::top_sql::pane_lines(state, room));
    let mut table = PaneTable::new(state, PaneId::Database, &rows, columns)
        .title_note(threshold_note(
            state,
            state.data.instances().map(|(_, i)| i.id.as_str()),
            MetricKind::DbCpu,
            ("CPU threshold", "%", "instance"),
        ))
        .groups(Groups {
            key: Box::new(|(c, _): &Row| c.id.as_str()),
            line: Box::new(|(c, _): &Row, room| cluster_line(c, room)),
        })
        .after(empty)
        .missing(&[ResourceKind::Cluster, ResourceKind::Instance], "no database clusters");
    if density == Density::Compact {
        table = table.under(|(_, i): &Row, width| {
            let mut spark = sparkline(
                state.data.series(&i.id, MetricKind::DbCpu),
                state.now,
                width.saturating_sub(2).max(4),
                Some(cpu_threshold(&i.id)),
                &markers,
            );
            spark.spans.insert(0, Span::raw(" "));
            spark
        });
    }
    let rest = table.render(frame, area);
    if density == Density::Rich {
        // Readable on Solarized Light too, where White (colour 7) is the background's neighbour.
        let palette = [theme::ACCENT, ratatui_core::style::Color::LightBlue, ratatui_core::style::Color::Reset];
        // The selected instance's cluster: its writer and readers side by side. Every instance of a large
        // account would be hundreds of lines no one can tell apart, drawn on every frame.
        let selected = rows.get(crate::table::selected_index(state, PaneId::Database, rows.len()));
        let charted: Vec<&Row> = rows.iter().filter(|(c, _)| selected.is_some_and(|(s, _)| s.id == c.id)).collect();
        let lines: Vec<ChartLine> = charted
            .iter()
            .enumerate()
            .map(|(i, (_, inst))| ChartLine {
                label: format!("{} CPU %", inst.id),
                series: state.data.series(&inst.id, MetricKind::DbCpu),
                style: Style::new().fg(palette[i % palette.len()]),
                percent: true,
            })
            .collect();
        let chart = TimeChart {
            now: state.now,
            window: Duration::minutes(60),
            lines: &lines,
            // The first instance's (the writer's, listed first): one line is readable, several are not.
            threshold: charted.first().map(|(_, i)| cpu_threshold(&i.id)),
            markers: &markers,
            y_floor: 100.0,
        };
        time_chart(frame, rest, &chart);
    }
}
