//! The detail view: the selected resource with larger charts and the numbers behind them.

use chrono::Duration;
use ratatui_core::layout::{Constraint, Layout, Rect};
use ratatui_core::style::Style;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::{Paragraph, Wrap};

use super::popup_frame;
use crate::hints;
use crate::text::sanitize;
use crate::theme;
use crate::widgets::{ChartLine, TimeChart, threshold, time_chart};
use warroom_core::incident::verdict::Compared;
use warroom_core::keymap::Keymap;
use warroom_core::model::{AlarmKind, AlarmStatus, EventSourceMapping, MetricKind};
use warroom_core::state::{DetailTarget, State};

/// Draws the detail view of `target`: its numbers, then its charts.
pub fn render(frame: &mut Frame, area: Rect, state: &State, keymap: &Keymap, target: &DetailTarget) {
    let width = area.width.saturating_sub(4);
    let height = area.height.saturating_sub(2);
    let (title, mut facts, charts) = describe(state, target);
    if let DetailTarget::Queue(name) = target {
        facts.extend(verdict_facts(state, name));
    }
    let bottom = Line::from(hints::spans(keymap, &hints::DETAIL, theme::dim()));
    let inner = popup_frame(
        frame,
        area,
        (width, height),
        &sanitize(&title, width.saturating_sub(4) as usize),
        false,
        Some(bottom),
    );
    // The facts take what they need, leaving at least one chart its room; the charts share the rest, as many as
    // get `MIN_CHART` lines each (on a small terminal, the first: the resource's own metric).
    let room = if charts.is_empty() { inner.height } else { inner.height.saturating_sub(MIN_CHART) };
    let (facts, rows) = fit_facts(facts, inner.width, room);
    let facts_h = if charts.is_empty() { inner.height } else { rows.saturating_add(1).min(room) };
    let [text, chart_area] = Layout::vertical([Constraint::Length(facts_h), Constraint::Min(0)]).areas(inner);
    let shown = usize::from(chart_area.height / MIN_CHART).clamp(1, charts.len().max(1));
    let charts = &charts[..shown.min(charts.len())];
    frame.render_widget(facts, text);
    let window = Duration::minutes(if inner.width > 120 { 90 } else { 60 });
    let markers = crate::widgets::markers(state);
    if charts.is_empty() {
        return;
    }
    let areas = Layout::vertical(charts.iter().map(|_| Constraint::Ratio(1, charts.len() as u32))).split(chart_area);
    for ((lines, threshold), area) in charts.iter().zip(areas.iter()) {
        let chart = TimeChart { now: state.now, window, lines, threshold: *threshold, markers: &markers, y_floor: 1.0 };
        time_chart(frame, *area, &chart);
    }
}

type Charts<'a> = Vec<(Vec<ChartLine<'a>>, Option<f64>)>;

fn line<'a>(state: &'a State, resource: &str, metric: MetricKind, color: ratatui_core::style::Color) -> ChartLine<'a> {
    ChartLine {
        label: format!("{resource} {}", metric.label()),
        series: state.data.series(resource, metric),
        style: Style::new().fg(color),
        percent: metric.is_percent(),
    }
}

/// What to know before redriving: where the messages came from and after how many receives, how old the
/// oldest is and how long until SQS deletes it, and the queue's ARN (what StartMessageMoveTask names).
fn dlq_facts(state: &State, dlq: &warroom_core::model::DlqStatus) -> Vec<Line<'static>> {
    use warroom_core::text::compact_duration;
    let limit = |source: &str| {
        dlq.max_receive_counts
            .iter()
            .find(|(s, _)| s == source)
            .map_or(String::new(), |(_, n)| format!(" (maxReceiveCount {n})"))
    };
    let sources = match dlq.sources.queues() {
        [] => dlq.source_label(),
        queues => queues.iter().map(|q| format!("{q}{}", limit(q))).collect::<Vec<_>>().join(", "),
    };
    let oldest = state.data.latest(&dlq.name, MetricKind::QueueAge).filter(|_| dlq.depth > 0);
    let retention = dlq.retention_seconds.map(|r| chrono::Duration::seconds(r as i64));
    let age = match (oldest, retention) {
        (Some(age), Some(kept)) => {
            let age = chrono::Duration::seconds(age as i64);
            // A standard queue keeps a message's first enqueue time when it moves to the DLQ: it may expire sooner.
            format!("{} (SQS deletes it in {} at the latest)", compact_duration(age), compact_duration(kept - age))
        }
        (Some(age), None) => compact_duration(chrono::Duration::seconds(age as i64)),
        (None, _) if dlq.depth == 0 => "– (empty)".to_string(),
        (None, _) => "–".to_string(),
    };
    vec![
        fact("source queues", sources),
        fact("oldest message", age),
        fact("retention", retention.map_or("–".to_string(), compact_duration)),
        fact("ARN", dlq.arn.clone().unwrap_or("–".to_string())),
    ]
}

/// Each alias of `function` with the version it points to and how it got there: `live → 42 (was 41, 14:02 by
/// ci-pipeline)`, or `history unknown` before any record of a move.
fn alias_facts(state: &State, function: &str) -> Vec<Line<'static>> {
    state
        .data
        .functions
        .iter()
        .filter(|f| f.name == function)
        .map(|f| {
            let how = match &f.last_move {
                Some(m) => {
                    let was = m.from.as_deref().map_or(String::new(), |v| format!("was {v}, "));
                    let by = m.actor.as_deref().map_or(String::new(), |a| format!(" by {a}"));
                    format!("{was}{}{by}", m.at.format("%H:%M"))
                }
                None => "history unknown".to_string(),
            };
            fact("alias", format!("{} → {} ({how})", f.alias, f.version))
        })
        .collect()
}

/// What the function's logs say most: its top error groups since the incident's first onset (or all of them),
/// `×412 since 14:06 · canceling statement due to statement timeout`, or why there are none.
fn error_facts(state: &State, function: &str) -> Vec<Line<'static>> {
    use warroom_core::model::LogsAccess;
    let Some(logs) = state.data.logs.get(function) else { return Vec::new() };
    let since = state.analysis.onsets.first().map_or(chrono::DateTime::<chrono::Utc>::MIN_UTC, |(o, _)| o.at);
    let groups = logs.top_groups(since);
    match &logs.access {
        Some(LogsAccess::NoGroup) => return vec![fact("errors (logs)", format!("{}: no such log group", logs.group))],
        Some(LogsAccess::Failed(e)) => return vec![fact("errors (logs)", e.clone())],
        _ if groups.is_empty() => return vec![fact("errors (logs)", format!("none in {}", logs.group))],
        _ => {}
    }
    groups
        .into_iter()
        .take(5)
        .map(|g| fact("errors (logs)", format!("×{} since {} · {}", g.count, g.first.format("%H:%M"), g.sample)))
        .collect()
}

/// The function's newest published versions, newest first (ListVersionsByFunction), each with the aliases
/// that point to it and whether it is a rollback target:
/// `41 (live before) · 2026-11-20 13:30 · release 41 · 8Spz4naU`.
fn version_facts(state: &State, function: &str) -> Vec<Line<'static>> {
    let aliases: Vec<&warroom_core::model::FunctionStatus> =
        state.data.functions.iter().filter(|f| f.name == function).collect();
    let mut versions: Vec<&warroom_core::model::PublishedVersion> =
        aliases.iter().flat_map(|f| f.versions.iter().chain(&f.published)).collect();
    versions.sort_by_key(|v| std::cmp::Reverse(v.version.parse::<u64>().unwrap_or(0)));
    versions.dedup_by(|a, b| a.version == b.version);
    versions
        .into_iter()
        .map(|v| {
            let mut head = v.version.clone();
            for f in &aliases {
                if f.version == v.version {
                    head.push_str(&format!(" ← {}", f.alias));
                } else if f.previous_version.as_ref() == Some(&v.version) {
                    // Known from a record of the move, else the newest version below: a guess, marked so.
                    let mark = if f.previous_known() { "" } else { "?" };
                    head.push_str(&format!(" ({} before{mark})", f.alias));
                }
            }
            let mut parts = vec![head];
            parts.extend(v.published_at.map(|t| t.format("%Y-%m-%d %H:%M").to_string()));
            parts.extend((!v.description.is_empty()).then(|| v.description.clone()));
            parts.extend((!v.sha256.is_empty()).then(|| v.sha256.chars().take(8).collect::<String>()));
            fact("version", parts.join(" · "))
        })
        .collect()
}

/// The fewest lines a chart in the detail view gets: its legend, four rows of plot and its axis.
const MIN_CHART: u16 = 7;

/// The width of a fact's label column.
const LABEL: usize = 18;

fn fact(label: &str, value: String) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{label:<LABEL$}"), theme::dim()), Span::raw(sanitize(&value, 500))])
}

/// The facts as a paragraph for `room` rows of `width` cells, and the rows it takes. Wrapped whole when that
/// fits; on a short terminal each fact on one row, cut with "…" (every top-SQL statement and the waits stay in
/// view rather than the first statements' tails); when even that does not fit, the last row says how many are
/// hidden.
fn fit_facts(facts: Vec<Line<'static>>, width: u16, room: u16) -> (Paragraph<'static>, u16) {
    let cells = usize::from(width);
    let whole = Paragraph::new(hang(facts.clone(), cells)).wrap(Wrap { trim: false });
    let rows = u16::try_from(whole.line_count(width)).unwrap_or(u16::MAX);
    if rows < room {
        return (whole, rows);
    }
    let mut cut: Vec<Line<'static>> = facts.into_iter().map(|l| crate::table::fit_line(l, cells)).collect();
    let fits = usize::from(room.saturating_sub(1));
    if cut.len() > fits + 1 {
        let hidden = cut.len() - fits.saturating_sub(1);
        cut.truncate(fits.saturating_sub(1));
        let note = format!("… {hidden} more lines: a taller terminal shows them");
        cut.push(Line::from(Span::styled(sanitize(&note, cells), theme::dim())));
    }
    let rows = u16::try_from(cut.len()).unwrap_or(u16::MAX);
    (Paragraph::new(cut), rows)
}

/// Lines wider than `width`: their last span (a fact's value, a top-SQL row's statement) wrapped under where
/// it starts, not under the label.
fn hang(facts: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::with_capacity(facts.len());
    for line in facts {
        // The last span is the value; everything before it (a fact's label, a top-SQL row's rank and share) is
        // what the continuation lines hang under.
        let Some((value, head)) = line.spans.split_last() else {
            out.push(line);
            continue;
        };
        let indent: usize = head.iter().map(|s| crate::text::width(&s.content)).sum();
        if line.width() <= width || head.is_empty() || width <= indent + 10 {
            out.push(line);
            continue;
        }
        let mut parts = crate::text::wrap(&value.content, width - indent).into_iter();
        let mut first = head.to_vec();
        first.push(Span::styled(parts.next().unwrap_or_default(), value.style));
        out.push(Line::from(first));
        out.extend(parts.map(|part| Line::from(vec![Span::raw(" ".repeat(indent)), Span::styled(part, value.style)])));
    }
    out
}

/// The numbers behind the queue's traffic-or-throughput verdict: each metric now against the hour before.
fn verdict_facts(state: &State, queue: &str) -> Vec<Line<'static>> {
    let Some(v) = state.analysis.verdict(queue) else { return Vec::new() };
    let start = state.analysis.onsets.first().map_or(String::new(), |(o, _)| o.at.format("%H:%M").to_string());
    let row = |label: &str, c: Option<Compared>, unit: &str| {
        let text = c.map_or("–".to_string(), |c| {
            let change = match (c.percent(), c.ratio()) {
                (Some(p), Some(r)) if r >= 2.0 => format!("×{r:.1}, {p:+.0} %"),
                (Some(p), _) => format!("{p:+.0} %"),
                _ => "no history".to_string(),
            };
            format!("{:.0} → {:.0}{unit} ({change})", c.before, c.now)
        });
        fact(label, text)
    };
    vec![
        fact("verdict", v.line.clone()),
        fact("compared with", format!("the hour before {start} (the incident's first onset), now = last 5 min")),
        row("sent / min", Some(v.sent), ""),
        row("deleted / min", Some(v.deleted), ""),
        row("invocations / min", v.invocations, ""),
        row("p99 duration", v.duration, " ms"),
    ]
}

/// An alarm's facts: its state, what it evaluates (a composite's rule and each child's state, a metric-math
/// expression), the resources it is attributed to, and its reason.
fn alarm_facts(alarm: &AlarmStatus) -> Vec<Line<'static>> {
    let mut facts = vec![
        fact("state", format!("{} since {}", alarm.state.label(), alarm.since.format("%H:%M:%S"))),
        fact("kind", alarm.kind.label().to_string()),
    ];
    match &alarm.kind {
        AlarmKind::Metric => {}
        AlarmKind::MetricMath { expression } => facts.push(fact("expression", expression.clone())),
        AlarmKind::Composite { rule, children } => {
            facts.push(fact("rule", rule.clone()));
            for (name, state) in children {
                facts.push(fact("child", format!("{} {name}", state.map_or("unknown", |s| s.label()))));
            }
        }
    }
    facts.push(fact("resources", alarm.resource_list()));
    facts.push(fact("reason", alarm.reason.clone()));
    facts
}

/// The chart of what an alarm's resource is: a queue's age of oldest message, a DLQ's depth, an instance's CPU
/// (a cluster's writer's), a function's errors, each against its threshold where warroom has one; `None` for a
/// resource warroom does not watch (charting a queue as "CPU %" says nothing true).
fn resource_chart<'a>(state: &'a State, resource: &str) -> Option<(Vec<ChartLine<'a>>, Option<f64>)> {
    let d = &state.data;
    let chart = |id: &str, metric, threshold| Some((vec![line(state, id, metric, theme::ACCENT)], threshold));
    let limit = |id: &str, metric| Some(threshold(state, id, metric));
    if d.queues.iter().any(|q| q.name == resource) {
        return chart(resource, MetricKind::QueueAge, limit(resource, MetricKind::QueueAge));
    }
    if d.dlqs.iter().any(|q| q.name == resource) {
        return chart(resource, MetricKind::DlqDepth, None);
    }
    if d.instances().any(|(_, i)| i.id == resource) {
        return chart(resource, MetricKind::DbCpu, limit(resource, MetricKind::DbCpu));
    }
    if let Some(writer) = d.clusters.iter().find(|c| c.id == resource).and_then(|c| c.writer()) {
        return chart(&writer.id, MetricKind::DbCpu, limit(&writer.id, MetricKind::DbCpu));
    }
    if d.functions.iter().any(|f| f.name == resource) {
        return chart(resource, MetricKind::Errors, None);
    }
    None
}

/// A queue's consumers: each event source mapping (what it invokes, its state, batch size, maximum concurrency,
/// the code that runs), or the consumer discovery named when no mapping is known.
fn consumer_facts(state: &State, queue: &str) -> Vec<Line<'static>> {
    let mappings = state.data.mappings_of(queue);
    if mappings.is_empty() {
        let consumer = state.data.queues.iter().find(|q| q.name == queue).and_then(|q| q.consumer.clone());
        return vec![fact("consumer", consumer.unwrap_or("– (no event source mapping)".into()))];
    }
    let mut facts: Vec<Line<'static>> =
        state.data.no_consumer(queue).map(|why| fact("consumer", why)).into_iter().collect();
    for m in mappings {
        facts.push(fact("mapping", mapping_line(m)));
    }
    facts
}

/// One mapping in a line: "orders-consumer:live · Enabled · batch 10 · max concurrency 5 · v42 3f2a9c1b
/// modified 14:02 · UUID a1b2…".
pub(crate) fn mapping_line(m: &EventSourceMapping) -> String {
    let reason = if m.reason.is_empty() || m.state.consumes() { String::new() } else { format!(" ({})", m.reason) };
    let mut parts = vec![m.invoked(), format!("{}{reason}", m.state.label())];
    if let Some(b) = m.batch_size {
        parts.push(format!("batch {b}"));
    }
    parts.push(m.max_concurrency.map_or("no max concurrency".to_string(), |c| format!("max concurrency {c}")));
    if let Some(r) = m.reserved_concurrency {
        parts.push(format!("function reserved concurrency {r}"));
    }
    if let Some(code) = &m.code {
        let modified =
            code.last_modified.map_or(String::new(), |t| format!(" modified {}", t.format("%Y-%m-%d %H:%M")));
        parts.push(format!("runs {} {}{modified}", code.version, code.sha_prefix()));
    }
    parts.push(format!("UUID {}", m.uuid));
    parts.join(" · ")
}

fn latest(state: &State, resource: &str, metric: MetricKind) -> String {
    state.data.latest(resource, metric).map_or("–".to_string(), |v| format!("{v:.0}"))
}

/// "160 s (threshold 300 s from alarm orders-age)": the value against the resource's own line and where
/// that line comes from.
fn against_threshold(state: &State, resource: &str, metric: MetricKind, unit: &str) -> String {
    let value = latest(state, resource, metric);
    match state.data.threshold(&state.thresholds, resource, metric) {
        Some(t) => format!("{value} {unit} (threshold {:.0} {unit} {})", t.value, t.source_label()),
        None => format!("{value} {unit}"),
    }
}

fn describe<'a>(state: &'a State, target: &DetailTarget) -> (String, Vec<Line<'static>>, Charts<'a>) {
    let limit = |id: &str, metric| Some(threshold(state, id, metric));
    match target {
        DetailTarget::Queue(name) => (
            format!("queue {name}"),
            vec![
                fact("age of oldest", against_threshold(state, name, MetricKind::QueueAge, "s")),
                fact(
                    "sent / deleted",
                    format!(
                        "{} / {} per min",
                        latest(state, name, MetricKind::Sent),
                        latest(state, name, MetricKind::Deleted)
                    ),
                ),
            ]
            .into_iter()
            .chain(consumer_facts(state, name))
            .collect(),
            vec![
                (vec![line(state, name, MetricKind::QueueAge, theme::ACCENT)], limit(name, MetricKind::QueueAge)),
                (
                    vec![
                        line(state, name, MetricKind::Sent, theme::WARN),
                        line(state, name, MetricKind::Deleted, theme::OK),
                    ],
                    None,
                ),
            ],
        ),
        DetailTarget::Dlq(name) => (
            format!("dead-letter queue {name}"),
            {
                // The pane's number (SQS, polled every few seconds) first, then CloudWatch's minute.
                let dlq = state.data.dlqs.iter().find(|d| &d.name == name);
                let mut facts = vec![
                    fact("depth", dlq.map_or("–".to_string(), |d| d.depth.to_string())),
                    fact("CloudWatch depth", latest(state, name, MetricKind::DlqDepth)),
                ];
                facts.extend(dlq.map(|d| dlq_facts(state, d)).unwrap_or_default());
                facts
            },
            vec![
                (vec![line(state, name, MetricKind::DlqDepth, theme::ALARM)], None),
                (vec![line(state, name, MetricKind::QueueAge, theme::WARN)], None),
            ],
        ),
        DetailTarget::Instance { cluster, instance } => (
            format!("{cluster} / {instance}"),
            [
                fact("CPU", against_threshold(state, instance, MetricKind::DbCpu, "%")),
                fact("connections", latest(state, instance, MetricKind::DbConnections)),
            ]
            .into_iter()
            .chain(crate::panes::top_sql::detail_lines(state, instance))
            .collect(),
            vec![
                (vec![line(state, instance, MetricKind::DbCpu, theme::ACCENT)], limit(instance, MetricKind::DbCpu)),
                // Load above the vCPU count is sessions queueing for CPU: the chart's threshold line is the vCPUs.
                (
                    vec![
                        line(state, instance, MetricKind::DbLoad, theme::ALARM),
                        line(state, instance, MetricKind::DbLoadCpu, theme::WARN),
                        line(state, instance, MetricKind::DbLoadNonCpu, theme::ACCENT),
                    ],
                    state.data.insights.get(instance.as_str()).and_then(|i| i.vcpus).map(f64::from),
                ),
                (vec![line(state, instance, MetricKind::DbConnections, theme::WARN)], None),
            ],
        ),
        DetailTarget::Function(name) => (
            format!("function {name}"),
            {
                let mut facts = vec![
                    fact("invocations", format!("{} per min", latest(state, name, MetricKind::Invocations))),
                    fact("errors", format!("{} per min", latest(state, name, MetricKind::Errors))),
                    fact("duration p99", format!("{} ms", latest(state, name, MetricKind::DurationP99))),
                ];
                facts.extend(alias_facts(state, name));
                // Which queues invoke it, and how: what a rollback of it would change.
                let invoking = state.data.mappings.values().flatten().filter(|m| m.function == *name);
                facts.extend(invoking.map(|m| fact("mapping", format!("{} → {}", m.queue, mapping_line(m)))));
                facts.extend(version_facts(state, name));
                facts.extend(error_facts(state, name));
                facts
            },
            vec![
                (vec![line(state, name, MetricKind::DurationP99, theme::ACCENT)], None),
                (
                    vec![
                        line(state, name, MetricKind::Invocations, theme::OK),
                        line(state, name, MetricKind::Errors, theme::ALARM),
                    ],
                    None,
                ),
            ],
        ),
        DetailTarget::Alarm(name) => {
            let alarm = state.data.alarms.iter().find(|a| a.name == *name);
            let facts = alarm.map_or(Vec::new(), alarm_facts);
            let resources = alarm.map_or(&[][..], |a| a.resources.as_slice());
            let charts = resources.iter().filter_map(|r| resource_chart(state, r)).take(2).collect();
            (format!("alarm {name}"), facts, charts)
        }
        DetailTarget::Event(index) => {
            let rows = state.rows().timeline();
            let facts = rows.get(*index).map_or(Vec::new(), |e| {
                vec![
                    fact("time", e.at.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
                    fact("kind", e.kind.label().to_string()),
                    fact("resource", e.resource.clone().unwrap_or("–".into())),
                    fact("by", e.actor.clone().unwrap_or("–".into())),
                    fact("what", e.text.clone()),
                ]
            });
            ("timeline event".to_string(), facts, Vec::new())
        }
    }
}
