//! Deploys: function, alias → version, the previous version (the rollback target), when it changed, and its
//! health on a line of its own.

use ratatui_core::layout::Rect;
use ratatui_core::style::Style;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use warroom_core::model::{FunctionStatus, MetricKind, ResourceKind};
use warroom_core::state::{PaneId, State};
use warroom_core::text::{compact_count, compact_duration};

use crate::table::{Cell, Column, PaneTable};
use crate::text::sanitize;
use crate::{Density, theme};

/// "(was v41)": the rollback target.
fn before(f: &FunctionStatus) -> String {
    f.previous_version.as_deref().map_or(String::new(), |p| format!("(was v{})", sanitize(p, 8)))
}

fn health(state: &State, f: &FunctionStatus, density: Density) -> Line<'static> {
    let errors = state.data.latest(&f.name, MetricKind::Errors);
    let p99 = state.data.latest(&f.name, MetricKind::DurationP99);
    let mut spans = vec![Span::raw("  ")];
    // Compact: the rollback target moves down here, so the first line has room for the name and the age.
    if density == Density::Compact && f.previous_version.is_some() {
        spans.push(Span::styled(format!("{} ", before(f)), theme::dim()));
    }
    spans.extend([
        Span::raw("err "),
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
    ]);
    if density == Density::Rich {
        let invocations = state.data.latest(&f.name, MetricKind::Invocations).map_or("–".into(), compact_count);
        spans.push(Span::styled(format!("  invocations {invocations}/min"), theme::dim()));
    }
    Line::from(spans)
}

/// Draws the deploys pane.
pub fn render(frame: &mut Frame, area: Rect, state: &State, density: Density) {
    let rows = state.rows().functions();
    let mut columns: Vec<Column<&FunctionStatus>> = vec![
        Column::name("function", 8, theme::bold(), |f: &&FunctionStatus| f.name.clone()),
        Column::content("alias", 4, |f: &&FunctionStatus| {
            Cell::Spans(vec![
                Span::raw(format!("{}→", sanitize(&f.alias, 16))),
                Span::styled(format!("v{}", sanitize(&f.version, 8)), theme::marker()),
            ])
        }),
    ];
    if density == Density::Rich {
        columns.push(Column::content("before", 0, |f: &&FunctionStatus| Cell::text(before(f), theme::dim())));
    }
    columns.push(Column::fill("changed", 0, usize::MAX, |f: &&FunctionStatus, _| {
        // No record of the move to this version: say so, rather than pass its publish time off as a deploy.
        let mut spans = vec![match f.changed_at() {
            Some(t) => Span::styled(format!("{} ago", compact_duration(state.now - t)), Style::new()),
            None => Span::styled("history unknown", theme::dim()),
        }];
        if let Some(op) = state.latest_operation_on(&f.name).filter(|o| o.phase.in_progress()) {
            spans.push(Span::styled(format!(" {}…", op.phase.label()), theme::warn()));
        }
        Cell::Spans(spans)
    }));
    // Health goes on its own line: a long function name must not push the error rate off screen.
    PaneTable::new(state, PaneId::Deploys, &rows, columns)
        .under(|f: &&FunctionStatus, _| health(state, f, density))
        .missing(&[ResourceKind::Function], "no functions")
        .render(frame, area);
}
