//! Dead-letter queues: depth, growth over five minutes, source queue, and the redrive task's progress.

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use ratatui_core::text::Span;
use warroom_core::model::{DlqStatus, RedriveStatus, ResourceKind};
use warroom_core::state::{PaneId, State};
use warroom_core::text::compact_count;

use crate::table::{Align, Cell, Column, PaneTable};
use crate::{Density, theme};

fn redrive_text(state: &State, dlq: &DlqStatus) -> Option<Span<'static>> {
    if let Some(op) = state.latest_operation_on(&dlq.name).filter(|o| o.phase.in_progress()) {
        return Some(Span::styled(format!("{}…", op.phase.label()), theme::warn()));
    }
    let task = state.data.redrives.get(&dlq.name)?;
    let pct = (task.moved * 100).checked_div(task.to_move).unwrap_or(100);
    let (text, style) = match task.status {
        RedriveStatus::Running => (format!("redrive {pct}% {}/{}", task.moved, task.to_move), theme::warn()),
        RedriveStatus::Completed => (format!("redriven {} ✓", task.moved), theme::ok()),
        RedriveStatus::Cancelled => (format!("cancelled at {}/{}", task.moved, task.to_move), theme::dim()),
        RedriveStatus::Failed => (format!("redrive failed at {}/{}", task.moved, task.to_move), theme::alarm()),
    };
    Some(Span::styled(text, style))
}

/// Draws the DLQ pane.
pub fn render(frame: &mut Frame, area: Rect, state: &State, density: Density) {
    let rows = state.rows().dlqs();
    let mut columns: Vec<Column<&DlqStatus>> = vec![
        Column::name("dlq", 8, ratatui_core::style::Style::new(), |d: &&DlqStatus| d.name.clone()),
        Column::fixed("depth", 6, Align::Right, |d: &&DlqStatus| {
            let style = if d.depth > 0 { theme::alarm() } else { theme::ok() };
            Cell::text(compact_count(d.depth as f64), style)
        }),
        Column::fixed("5m", 6, Align::Right, |d: &&DlqStatus| match state.data.dlq_growth(&d.name, 5, state.now) {
            Some(g) if g > 0.0 => Cell::text(format!("+{}", compact_count(g)), theme::alarm()),
            Some(g) => Cell::text(compact_count(g), theme::dim()),
            None => Cell::text("–", theme::dim()),
        }),
    ];
    // Where the messages came from, when there is room for it beside the redrive.
    if density == Density::Rich || area.width > 52 {
        columns.push(Column::name("source", 10, theme::dim(), |d: &&DlqStatus| d.source_label()).optional());
    }
    columns.push(Column::fill("redrive", 0, usize::MAX, |d: &&DlqStatus, _| {
        Cell::Spans(redrive_text(state, d).into_iter().collect())
    }));
    PaneTable::new(state, PaneId::Dlqs, &rows, columns)
        .header(density == Density::Rich)
        .missing(&[ResourceKind::Dlq], "no dead-letter queues")
        .render(frame, area);
}
