//! Functions: function, alias → version, the previous version (the rollback target), when it changed, which queues
//! invoke it, and its health on a line of its own; then each queue's mapping that invokes a version or `$LATEST`,
//! with the code that runs there.

use ratatui_core::layout::Rect;
use ratatui_core::style::Style;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use warroom_core::model::{EventSourceMapping, FunctionStatus, MetricKind, Qualifier, ResourceKind};
use warroom_core::state::{DeployRow, PaneId, State};
use warroom_core::text::{compact_count, compact_duration};

use crate::table::{Cell, Column, PaneTable};
use crate::text::sanitize;
use crate::{Density, theme};

/// "(was v41)": the rollback target, when a record of the alias's last move says so; "(v41 before?)" when no
/// record does and it is the newest published version below, a guess (the plan says so too).
fn before(f: &FunctionStatus) -> String {
    let Some(p) = f.previous_version.as_deref() else { return String::new() };
    if f.previous_known() { format!("(was v{})", sanitize(p, 8)) } else { format!("(v{} before?)", sanitize(p, 8)) }
}

fn health(state: &State, f: &FunctionStatus, density: Density) -> Line<'static> {
    // Compact: the rollback target moves down here, so the first line has room for the name and the age.
    let before = (density == Density::Compact && f.previous_version.is_some()).then(|| before(f));
    health_of(state, &f.name, before, density)
}

/// A function's errors and p99 (and, rich, invocations) on a line, after `lead` when given.
fn health_of(state: &State, function: &str, lead: Option<String>, density: Density) -> Line<'static> {
    let errors = state.data.latest(function, MetricKind::Errors);
    let p99 = state.data.latest(function, MetricKind::DurationP99);
    let mut spans = vec![Span::raw("  ")];
    if let Some(lead) = lead {
        spans.push(Span::styled(format!("{lead} "), theme::dim()));
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
        let invocations = state.data.latest(function, MetricKind::Invocations).map_or("–".into(), compact_count);
        spans.push(Span::styled(format!("  invocations {invocations}/min"), theme::dim()));
    }
    Line::from(spans)
}

/// What a mapping row invokes: `:41`, `($LATEST)`.
fn qualifier(m: &EventSourceMapping) -> String {
    qualifier_words(&m.qualifier)
}

fn qualifier_words(q: &Qualifier) -> String {
    match q {
        Qualifier::Version(v) => format!(":{}", sanitize(v, 8)),
        Qualifier::Latest => "($LATEST)".to_string(),
        Qualifier::Alias(a) => format!(":{}", sanitize(a, 16)),
    }
}

/// A mapping row's state when it does not consume, and its code: "v41 3f2a9c1b 2h ago", "Disabled · $LATEST
/// 3f2a9c1b 5m ago".
fn code(state: &State, m: &EventSourceMapping) -> Vec<Span<'static>> {
    // The state first: a mapping that consumes nothing matters more than which code it would run.
    let mut spans = Vec::new();
    if !m.state.consumes() {
        spans.push(Span::styled(format!("{} · ", m.state.label()), theme::warn()));
    }
    spans.push(match &m.code {
        Some(c) => {
            let version = if c.version == "$LATEST" { c.version.clone() } else { format!("v{}", c.version) };
            let age = c.last_modified.map_or(String::new(), |t| format!(" {} ago", compact_duration(state.now - t)));
            Span::raw(format!("{} {}{age}", sanitize(&version, 10), sanitize(c.sha_prefix(), 8)))
        }
        None => Span::styled("code unknown", theme::dim()),
    });
    // Re-pointed (a rollback pinned it): what it invoked before, where the next infrastructure deploy takes it.
    if let Some(previous) = &m.previous {
        spans.push(Span::styled(format!(" (was {})", qualifier_words(previous)), theme::dim()));
    }
    spans
}

/// Which queues invoke an alias row: "← orders", or, when the function's mappings invoke something else, a warning
/// that no queue invokes this alias (rolling it back would change nothing they run).
fn invoked_by(state: &State, f: &FunctionStatus) -> Option<Span<'static>> {
    let rows = state.rows();
    let queues: Vec<String> = rows.invoking(&f.name, &f.alias).iter().map(|m| m.queue.clone()).collect();
    if !queues.is_empty() {
        return Some(Span::styled(format!("  ← {}", sanitize(&queues.join(","), 30)), theme::dim()));
    }
    let elsewhere = state.data.mappings.values().flatten().any(|m| m.function == f.name);
    elsewhere.then(|| Span::styled("  no queue invokes this alias", theme::warn()))
}

/// Draws the deploys pane.
pub fn render(frame: &mut Frame, area: Rect, state: &State, density: Density) {
    let rows = state.rows().deploys();
    let mut columns: Vec<Column<DeployRow>> = vec![
        Column::name("function", 8, theme::bold(), |r: &DeployRow| r.function().to_string()),
        Column::content("alias", 4, |r: &DeployRow| match r {
            DeployRow::Alias(f) => Cell::Spans(vec![
                Span::raw(format!("{}→", sanitize(&f.alias, 16))),
                Span::styled(format!("v{}", sanitize(&f.version, 8)), theme::marker()),
            ]),
            // The queue stays with what it invokes: a mapping row without it does not say whose consumer it is.
            DeployRow::Mapping(m) => Cell::Spans(vec![
                Span::styled(qualifier(m), theme::marker()),
                Span::styled(format!(" ← {}", sanitize(&m.queue, 20)), theme::dim()),
            ]),
        }),
    ];
    if density == Density::Rich {
        columns.push(Column::content("before", 0, |r: &DeployRow| match r {
            DeployRow::Alias(f) => Cell::text(before(f), theme::dim()),
            DeployRow::Mapping(_) => Cell::text(String::new(), theme::dim()),
        }));
    }
    columns.push(Column::fill("changed", 0, usize::MAX, |r: &DeployRow, _| {
        let mut spans = match r {
            // No record of the move to this version: say so, rather than pass its publish time off as a deploy.
            DeployRow::Alias(f) => vec![match f.changed_at() {
                Some(t) => Span::styled(format!("{} ago", compact_duration(state.now - t)), Style::new()),
                None => Span::styled("history unknown", theme::dim()),
            }],
            DeployRow::Mapping(m) => code(state, m),
        };
        if let Some(op) = state.latest_operation_on(r.function()).filter(|o| o.phase.in_progress()) {
            spans.push(Span::styled(format!(" {}…", op.phase.label()), theme::warn()));
        }
        Cell::Spans(spans)
    }));
    // Health goes on its own line: a long function name must not push the error rate off screen.
    PaneTable::new(state, PaneId::Functions, &rows, columns)
        .under(|r: &DeployRow, _| {
            let mut line = match r {
                DeployRow::Alias(f) => health(state, f, density),
                DeployRow::Mapping(m) => health_of(state, &m.function, None, density),
            };
            if let DeployRow::Alias(f) = r
                && let Some(by) = invoked_by(state, f)
            {
                // Last: the health comes first when the pane is narrow.
                line.spans.push(by);
            }
            line
        })
        .missing(&[ResourceKind::Function], "no functions")
        .render(frame, area);
}
