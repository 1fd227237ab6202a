//! Dead-letter queues: depth, growth, source queue, and the redrive task's progress.

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::Paragraph;

use super::{row_style, styled_line};
use crate::text::sanitize;
use crate::{Density, theme};
use warroom_core::model::ResourceKind;
use warroom_core::model::{DlqStatus, RedriveStatus};
use warroom_core::state::{PaneId, State};
use warroom_core::text::compact_count;

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

pub fn render(frame: &mut Frame, area: Rect, state: &State, density: Density) {
    let block = super::super::widgets::pane_block(state, PaneId::Dlqs, "");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let rows = state.rows().dlqs();
    let mut lines = Vec::new();
    if density == Density::Rich {
        lines.push(Line::from(Span::styled(
            format!("{:<16} {:>7} {:>8}  {:<12} redrive", "dlq", "depth", "5m", "source"),
            theme::dim(),
        )));
    }
    let fits = (inner.height as usize).saturating_sub(lines.len()).max(1);
    let skip = super::scroll_offset(state.ui.selected(PaneId::Dlqs), fits);
    for (i, d) in rows.iter().enumerate().skip(skip).take(fits) {
        let growth = state.data.dlq_growth(&d.name, 5, state.now);
        let depth_style = if d.depth > 0 { theme::alarm() } else { theme::ok() };
        let growth_span = match growth {
            Some(g) if g > 0.0 => Span::styled(format!("{:>8}", format!("+{}", compact_count(g))), theme::alarm()),
            Some(g) => Span::styled(format!("{:>8}", compact_count(g)), theme::dim()),
            None => Span::styled(format!("{:>8}", "–"), theme::dim()),
        };
        let mut spans = vec![
            Span::raw(format!("{:<16} ", sanitize(&d.name, 16))),
            Span::styled(format!("{:>7}", compact_count(d.depth as f64)), depth_style),
            growth_span,
        ];
        if density == Density::Rich || width > 50 {
            spans.push(Span::styled(format!("  {:<12} ", sanitize(&d.source, 12)), theme::dim()));
        }
        if let Some(r) = redrive_text(state, d) {
            spans.push(Span::raw(" "));
            spans.push(r);
        }
        lines.push(styled_line(Line::from(spans), row_style(state, PaneId::Dlqs, i)));
    }
    let missing = super::missing_lines(state, &[ResourceKind::Dlq]);
    if rows.is_empty() && missing.is_empty() {
        lines.push(Line::from(Span::styled("no dead-letter queues", theme::dim())));
    }
    lines.extend(missing);
    frame.render_widget(Paragraph::new(lines), inner);
}
