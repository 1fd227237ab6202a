//! Deploys: function, alias → version, the previous version (the rollback target), when it changed, health.

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::Paragraph;

use super::{row_style, styled_line};
use crate::text::sanitize;
use crate::{Density, theme};
use warroom_core::model::ResourceKind;
use warroom_core::model::{FunctionStatus, MetricKind};
use warroom_core::state::{PaneId, State};
use warroom_core::text::{compact_count, compact_duration};

fn health(state: &State, f: &FunctionStatus) -> Vec<Span<'static>> {
    let errors = state.data.latest(&f.name, MetricKind::Errors);
    let p99 = state.data.latest(&f.name, MetricKind::DurationP99);
    vec![
        Span::raw(" err "),
        match errors {
            Some(e) => {
                Span::styled(format!("{}/min", compact_count(e)), if e > 0.0 { theme::alarm() } else { theme::ok() })
            }
            None => Span::styled("–", theme::dim()),
        },
        Span::raw(" p99 "),
        match p99 {
            Some(d) => Span::styled(format!("{d:.0}ms"), if d > 1000.0 { theme::warn() } else { theme::ok() }),
            None => Span::styled("–", theme::dim()),
        },
    ]
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, density: Density) {
    let block = super::super::widgets::pane_block(state, PaneId::Deploys, "");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = state.rows().functions();
    let mut lines = Vec::new();
    // Two lines a function: its alias, then its health.
    let fits = (inner.height as usize / 2).max(1);
    let skip = super::scroll_offset(state.ui.selected(PaneId::Deploys), fits);
    for (i, f) in rows.iter().enumerate().skip(skip).take(fits) {
        let changed = f.changed_at.map_or("–".to_string(), |t| format!("{} ago", compact_duration(state.now - t)));
        let prev = f.previous_version.as_deref().map_or(String::new(), |p| format!(" (was v{p})"));
        let mut head = vec![
            Span::styled(sanitize(&f.name, 18), theme::bold()),
            Span::raw(format!(" {}→", sanitize(&f.alias, 10))),
            Span::styled(format!("v{}", sanitize(&f.version, 8)), theme::marker()),
            Span::styled(prev, theme::dim()),
            Span::raw(format!(" {changed}")),
        ];
        if let Some(op) = state.latest_operation_on(&f.name).filter(|o| o.phase.in_progress()) {
            head.push(Span::styled(format!(" {}…", op.phase.label()), theme::warn()));
        }
        // Health goes on its own line: a long function name must not push the error rate off screen.
        lines.push(styled_line(Line::from(head), row_style(state, PaneId::Deploys, i)));
        let mut h = health(state, f);
        h.insert(0, Span::raw(" "));
        if density == Density::Rich {
            h.push(Span::styled(
                format!(
                    "  invocations {}/min",
                    state.data.latest(&f.name, MetricKind::Invocations).map_or("–".into(), compact_count)
                ),
                theme::dim(),
            ));
        }
        lines.push(Line::from(h));
    }
    let missing = super::missing_lines(state, &[ResourceKind::Function]);
    if rows.is_empty() && missing.is_empty() {
        lines.push(Line::from(Span::styled("no functions", theme::dim())));
    }
    lines.extend(missing);
    frame.render_widget(Paragraph::new(lines), inner);
}
