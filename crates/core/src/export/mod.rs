//! `warroom export`: a timeline ready to paste into a postmortem, built after the fact from the journal and the
//! metric and alarm history (CloudWatch, or the replayed simulation), without the dashboard having been open:
//! alarm transitions, deploys and other changes, operations (who, what, the exact call, the result), notes,
//! the suspect-change analysis, and per-resource summaries with a small chart each.

mod demo_run;
pub use demo_run::{ANNOTATE_PREFIX, RunInProgress, run_in_progress, takes_a_note};
mod markdown;
pub mod replay;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::incident::onset::crossings;
use crate::incident::{Analysis, lead_text};
use crate::journal::{EntryKind, JournalEntry};
use crate::model::{EventKind, MetricKind, Series, SessionKind};
use crate::state::State;

/// A postmortem timeline: what `warroom export` writes (Markdown, or this structure as JSON).
#[derive(Debug, Clone, Serialize)]
pub struct Postmortem {
    /// The incident's title (the scenario's name, or the account and region).
    pub title: String,
    /// Where the history came from.
    pub source: String,
    /// The window's start.
    pub since: DateTime<Utc>,
    /// The window's end.
    pub until: DateTime<Utc>,
    /// "likely trigger: …" when a change came shortly before the first anomaly, "no change found before the
    /// first anomaly: …" when none did; `None` without an anomaly.
    pub likely_trigger: Option<String>,
    /// Each queue's traffic-or-consumers verdict, as it stood before anyone acted: "orders: traffic flat (+0 %),
    /// … : consumers are slow, not a traffic spike".
    pub verdicts: Vec<String>,
    /// When `verdicts` were taken: just before the first operation, or a quarter of an hour into the incident.
    pub verdicts_at: DateTime<Utc>,
    /// Each queue's verdict at the window's end, as a dashboard showed it then (`recovering: …` mid-recovery);
    /// empty when it says the same as `verdicts` or the window ends where they were taken.
    pub verdicts_at_end: Vec<String>,
    /// Everything that happened, in time order.
    pub timeline: Vec<Entry>,
    /// Each onset with the changes before it, best suspect first.
    pub suspects: Vec<SuspectList>,
    /// Every operation of the window.
    pub operations: Vec<Operation>,
    /// Each resource's peak, breach and recovery, with a sparkline.
    pub resources: Vec<ResourceSummary>,
    /// Each DB instance's top statements (Performance Insights) in the hour before the first onset and during
    /// the incident (from the onset until the first operation or a quarter of an hour).
    pub top_sql: Vec<SqlList>,
    /// Each consumer's top error groups seen in the window, from its log group.
    pub consumer_errors: Vec<ErrorList>,
}

/// One consumer's top error groups.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorList {
    /// The consumer function.
    pub function: String,
    /// Its log group.
    pub group: String,
    /// Most lines first: "×412 · 14:06–14:31 · canceling statement due to statement timeout".
    pub errors: Vec<String>,
}

/// Error groups shown per consumer in a postmortem.
const ERRORS_LISTED: usize = 5;

/// Each consumer's top error groups between `since` and `until`, counted from its kept lines.
fn error_lists(data: &crate::model::Data, since: DateTime<Utc>, until: DateTime<Utc>) -> Vec<ErrorList> {
    data.logs
        .iter()
        .filter_map(|(function, logs)| {
            let errors: Vec<String> = logs
                .counts_between(since, until)
                .into_iter()
                .take(ERRORS_LISTED)
                .map(|c| {
                    let plus = if c.at_least { "+" } else { "" };
                    format!(
                        "×{}{plus} · {}–{} · {}",
                        c.count,
                        c.first.format("%H:%M"),
                        c.last.format("%H:%M"),
                        c.sample
                    )
                })
                .collect();
            (!errors.is_empty()).then(|| ErrorList { function: function.clone(), group: logs.group.clone(), errors })
        })
        .collect()
}

/// One DB instance's top statements over one window of the incident.
#[derive(Debug, Clone, Serialize)]
pub struct SqlList {
    /// The DB instance.
    pub instance: String,
    /// "before" or "during".
    pub when: String,
    /// The window's start.
    pub from: DateTime<Utc>,
    /// Its end.
    pub to: DateTime<Utc>,
    /// Heaviest first: "61 % · 2.45 AAS · new since 14:02 · SELECT … FROM orders WHERE customer_id = ?".
    pub statements: Vec<String>,
}

/// The lists of `sql` as the postmortem has them.
fn sql_lists(sql: &[crate::incident::InstanceSql], when: &str) -> Vec<SqlList> {
    sql.iter()
        .map(|s| SqlList {
            instance: s.instance.clone(),
            when: when.to_string(),
            from: s.from,
            to: s.to,
            statements: s
                .rows
                .iter()
                .map(|r| {
                    let mut parts = vec![r.share.map_or("–".to_string(), |x| format!("{:.0} %", x * 100.0))];
                    parts.push(format!("{:.2} AAS", r.load));
                    parts.extend(r.new_text());
                    if r.statement.is_ddl() {
                        parts.push("DDL".to_string());
                    }
                    parts.push(r.statement.one_line());
                    parts.join(" · ")
                })
                .collect(),
        })
        .collect()
}

/// One line of the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// When.
    pub at: DateTime<Utc>,
    /// alarm, deploy, change, operation, event, note, onset.
    pub kind: String,
    /// Who, when known.
    pub who: Option<String>,
    /// What happened.
    pub text: String,
}

/// An onset and its suspects.
#[derive(Debug, Clone, Serialize)]
pub struct SuspectList {
    /// What was breached: "core-db CPU > 70 %".
    pub onset: String,
    /// When it began.
    pub at: DateTime<Utc>,
    /// "14:02 deploy orders-consumer live → v42 (was v41) — 2 min before, upstream, by ci-pipeline"
    pub changes: Vec<String>,
}

/// An operation from its journal lines: the intent (before the call) and the outcome (after it), if written.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// When the intent was journaled.
    pub started: DateTime<Utc>,
    /// When the outcome was journaled.
    pub finished: Option<DateTime<Utc>>,
    /// Who.
    pub who: String,
    /// "roll back orders-consumer:live 42 → 41".
    pub what: String,
    /// The exact API call.
    pub call: String,
    /// succeeded, failed, refused, outcome unknown; "no outcome written" when the session ended first.
    pub result: String,
    /// What the service answered and what verification saw.
    pub detail: String,
}

/// One resource's metric over the window.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceSummary {
    /// "orders age of oldest message (s)".
    pub metric: String,
    /// The highest value in the window, in the metric's unit.
    pub peak: f64,
    /// When it peaked.
    pub peak_at: Option<DateTime<Utc>>,
    /// The breach threshold, for metrics that have one.
    pub threshold: Option<f64>,
    /// When the series first went over its threshold in the window.
    pub breached_at: Option<DateTime<Utc>>,
    /// When it came back under.
    pub recovered_at: Option<DateTime<Utc>>,
    /// One character per time slice of the window.
    pub sparkline: String,
}

const SPARK_WIDTH: usize = 48;
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The window's values in `SPARK_WIDTH` slices, each the slice's maximum; a gap is a space.
fn sparkline(series: &Series, since: DateTime<Utc>, until: DateTime<Utc>, floor: f64) -> String {
    let slice = (until - since) / SPARK_WIDTH as i32;
    let slices: Vec<Option<f64>> = (0..SPARK_WIDTH as i32)
        .map(|i| {
            let (from, to) = (since + slice * i, since + slice * (i + 1));
            // A datapoint stands for its whole minute: a slice shorter than a minute (a window under 48
            // minutes) takes the minute it falls in rather than showing a gap.
            let covering = from - chrono::Duration::seconds(59);
            series.since(covering).take_while(|p| p.at < to).map(|p| p.value).reduce(f64::max)
        })
        .collect();
    let max = slices.iter().flatten().copied().fold(floor, f64::max).max(1e-9);
    slices.iter().map(|v| v.map_or(' ', |v| BARS[((v / max) * 7.0).round().clamp(0.0, 7.0) as usize])).collect()
}

fn summarize(
    state: &State,
    resource: &str,
    metric: MetricKind,
    threshold: Option<f64>,
    window: (DateTime<Utc>, DateTime<Utc>),
) -> Option<ResourceSummary> {
    let (since, until) = window;
    let series = state.data.series(resource, metric)?;
    let peak = series.since(since).filter(|p| p.at <= until).max_by(|a, b| a.value.total_cmp(&b.value))?;
    // The first breach in the window, one under way when it opens included.
    let episode = threshold
        .and_then(|t| crossings(series, t).into_iter().find(|(s, e)| *s <= until && e.is_none_or(|e| e >= since)));
    Some(ResourceSummary {
        metric: format!("{resource} {}", metric.label()),
        peak: peak.value,
        peak_at: Some(peak.at),
        threshold,
        breached_at: episode.map(|(s, _)| s),
        recovered_at: episode.and_then(|(_, e)| e),
        sparkline: sparkline(series, since, until, threshold.unwrap_or(1.0)),
    })
}

/// The operations under way in `since..until`, each with its outcome wherever the journal has it: one that
/// finished after the window still reads as it ended (its `finished` lies past `until`), and one that began
/// before the window and ended in it (or never ended) is in it too (its `started` lies before `since`): a window
/// that cuts an operation in half keeps the operation that explains what follows.
fn operations(journal: &[JournalEntry], since: DateTime<Utc>, until: DateTime<Utc>) -> Vec<Operation> {
    let ended = |id: &Option<String>| {
        journal.iter().find(|o| o.kind == EntryKind::Outcome && o.op_id.is_some() && o.op_id == *id).map(|o| o.clock)
    };
    let mut out: Vec<(Option<String>, Operation)> = Vec::new();
    for e in journal {
        match e.kind {
            EntryKind::Intent if e.clock > until || (e.clock < since && ended(&e.op_id).is_some_and(|t| t < since)) => {
            }
            EntryKind::Intent => {
                let what = e.op().map(|op| op.summary()).or(e.operation.clone()).unwrap_or_default();
                out.push((
                    e.op_id.clone(),
                    Operation {
                        started: e.clock,
                        finished: None,
                        who: e.author(),
                        what,
                        call: e.api_call.clone().unwrap_or_default(),
                        result: "no outcome written".to_string(),
                        detail: String::new(),
                    },
                ));
            }
            EntryKind::Outcome => {
                if let Some((_, op)) = out.iter_mut().find(|(id, _)| id.is_some() && *id == e.op_id) {
                    op.finished = Some(e.clock);
                    op.result = e.result.clone().unwrap_or_default();
                    op.detail = e.text.clone().unwrap_or_default();
                }
            }
            EntryKind::Note | EntryKind::Annotation | EntryKind::Observed | EntryKind::Opened | EntryKind::Closed => {}
        }
    }
    out.into_iter().map(|(_, op)| op).collect()
}

impl Postmortem {
    /// True when the window holds nothing at all: no timeline entry, no operation, no datapoint (a DLQ's depth
    /// as SQS answered counts as one, when it was answered inside the window).
    pub fn is_empty(&self) -> bool {
        self.timeline.is_empty() && self.operations.is_empty() && self.resources.iter().all(|r| r.peak_at.is_none())
    }

    /// Builds the postmortem from a state that holds the window's history and from the journal's entries.
    pub fn build(
        state: &State,
        journal: &[JournalEntry],
        title: String,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Postmortem {
        let mut operations = operations(journal, since, until);
        // `e` mid-operation: the dashboard knows it is still running, which its journal cannot say yet.
        for op in operations.iter_mut().filter(|o| o.finished.is_none()) {
            if state.operations.iter().any(|r| r.phase.in_progress() && r.op.summary() == op.what) {
                op.result = format!("in progress at {}", until.format("%H:%M:%S"));
            }
        }
        // "Before anyone acted" means before the first operation of the incident, inside the window or not.
        let first_operation = journal.iter().filter(|e| e.kind == EntryKind::Intent).map(|e| e.clock).min();
        let journal: Vec<JournalEntry> =
            journal.iter().filter(|e| e.clock >= since && e.clock <= until).cloned().collect();
        let mut data = state.data.clone();
        // Alias moves the journal recorded (a dashboard's observation, a verified rollback) are the deploy
        // history a first read of the aliases cannot give.
        for moved in crate::journal::alias_moves(&journal) {
            data.apply(crate::model::Observation::AliasMoved(moved));
        }
        // Annotations and operations (each once, as it started) are changes ranked with the rest: the dashboard
        // has them from its keys and the journal; the export reads them from the journal.
        let changes = journal.iter().filter(|e| matches!(e.kind, EntryKind::Annotation | EntryKind::Intent));
        for event in changes.filter_map(|e| e.timeline_event()) {
            if !data.timeline.iter().any(|t| t.at == event.at && t.text == event.text) {
                data.push_event(event);
            }
        }
        let analysis = Analysis::of_window(&data, &state.thresholds, since, until, first_operation);
        let mut timeline: Vec<Entry> = data
            .timeline
            .iter()
            .filter(|e| e.at >= since && e.at <= until)
            // Operations come from the journal, with who and the exact call; notes likewise.
            .filter(|e| {
                !matches!(e.kind, EventKind::Note | EventKind::Look | EventKind::Operation | EventKind::Outcome)
            })
            .map(|e| Entry { at: e.at, kind: e.kind.label().to_string(), who: e.actor.clone(), text: e.text.clone() })
            .collect();
        for op in &operations {
            let finished = op.finished.map_or(String::new(), |f| format!(" at {}", f.format("%H:%M:%S")));
            let before = if op.started < since { " (started before the window)" } else { "" };
            timeline.push(Entry {
                at: op.started,
                kind: "operation".into(),
                who: Some(op.who.clone()),
                text: format!("{}{before} — `{}` — {}{finished}", op.what, op.call, op.result),
            });
        }
        // Notes typed in a dashboard and `annotate`'s notes (its deploys and migrations are changes, above).
        let is_note = |e: &&JournalEntry| {
            e.kind == EntryKind::Note
                || (e.kind == EntryKind::Annotation && e.timeline_event().is_some_and(|t| t.kind == EventKind::Note))
        };
        for note in journal.iter().filter(is_note) {
            timeline.push(Entry {
                at: note.clock,
                kind: "note".into(),
                who: Some(note.author()),
                text: note.text.clone().unwrap_or_default(),
            });
        }
        for (onset, _) in &analysis.onsets {
            timeline.push(Entry { at: onset.at, kind: "onset".into(), who: None, text: onset.what.clone() });
        }
        for r in &analysis.rebreaches {
            timeline.push(Entry { at: r.at, kind: "onset".into(), who: None, text: format!("{} (again)", r.what) });
        }
        timeline.sort_by_key(|e| e.at);
        let changes = |suspects: &[crate::incident::Suspect]| -> Vec<String> {
            suspects
                .iter()
                .map(|s| {
                    let upstream = if s.upstream { ", upstream" } else { "" };
                    let who = s.change.actor.as_deref().map_or(String::new(), |a| format!(", by {a}"));
                    let evidence: String = s.evidence.iter().map(|e| format!("; {e}")).collect();
                    format!(
                        "{} {} {} — {} before{upstream}{who}{evidence}",
                        s.change.at.format("%H:%M"),
                        s.change.kind.label(),
                        s.change.text,
                        lead_text(s.lead)
                    )
                })
                .collect()
        };
        // Each onset, then its re-breaches under it: the dashboard's `c` and the export are one analysis.
        let mut suspects = Vec::new();
        for (onset, ranked) in &analysis.onsets {
            let follows = onset.follows.as_ref().map_or(String::new(), |(what, at)| {
                format!(" — follows {what} (from {}): the changes before that", at.format("%H:%M:%S"))
            });
            suspects.push(SuspectList {
                onset: format!("{}{follows}", onset.what),
                at: onset.at,
                changes: changes(ranked),
            });
            for r in analysis.rebreaches.iter().filter(|r| r.resource == onset.resource) {
                let onset = format!("{} — over again (changes since the breach before)", r.what);
                suspects.push(SuspectList { onset, at: r.at, changes: changes(&r.suspects) });
            }
        }
        let t = |resource: &str, metric| Some(state.data.threshold_value(&state.thresholds, resource, metric));
        let window = (since, until);
        let mut resources = Vec::new();
        for q in &state.data.queues {
            resources.extend(summarize(state, &q.name, MetricKind::QueueAge, t(&q.name, MetricKind::QueueAge), window));
        }
        for d in &state.data.dlqs {
            if state.data.series(&d.name, MetricKind::DlqDepth).is_some() {
                resources.extend(summarize(state, &d.name, MetricKind::DlqDepth, None, window));
                continue;
            }
            // No CloudWatch history at all (an emulator publishes none; a new DLQ has none yet): its depth as SQS
            // answered, when that answer lies in the window, so the DLQ is not missing from the table.
            let answered_in_window = since <= state.now && state.now <= until + chrono::Duration::minutes(1);
            if !answered_in_window {
                continue;
            }
            resources.push({
                ResourceSummary {
                    metric: format!(
                        "{} {} (GetQueueAttributes; no CloudWatch history)",
                        d.name,
                        MetricKind::DlqDepth.label()
                    ),
                    peak: d.depth as f64,
                    peak_at: Some(state.now),
                    threshold: None,
                    breached_at: None,
                    recovered_at: None,
                    sparkline: String::new(),
                }
            });
        }
        for (_, i) in state.data.instances() {
            resources.extend(summarize(state, &i.id, MetricKind::DbCpu, t(&i.id, MetricKind::DbCpu), window));
        }
        for f in &state.data.functions {
            resources.extend(summarize(state, &f.name, MetricKind::DurationP99, None, window));
        }
        let said = |verdicts: &[crate::incident::verdict::Verdict]| -> Vec<String> {
            verdicts.iter().map(|v| format!("{}: {}", v.queue, v.line)).collect()
        };
        let verdicts = said(&analysis.verdicts);
        // The dashboard's verdict at the window's end (what `e` saw on screen), when it says something else.
        let verdicts_at_end = if until > analysis.verdicts_at {
            Some(said(&Analysis::of(&data, &state.thresholds, until).verdicts)).filter(|end| *end != verdicts)
        } else {
            None
        };
        let verdicts_at_end = verdicts_at_end.unwrap_or_default();
        let mut top_sql = Vec::new();
        if let Some(end) = analysis.baseline_end {
            let before = crate::incident::top_sql::between(&data, end - crate::incident::top_sql::BEFORE, end, None);
            top_sql.extend(sql_lists(&before, "before"));
            top_sql.extend(sql_lists(&analysis.sql, "during"));
        }
        Postmortem {
            title,
            source: state.location.clone(),
            since,
            until,
            likely_trigger: analysis.trigger_line(),
            verdicts,
            verdicts_at: analysis.verdicts_at,
            verdicts_at_end,
            timeline,
            suspects,
            operations,
            resources,
            top_sql,
            consumer_errors: error_lists(&data, since, until),
        }
    }

    /// The postmortem as Markdown.
    pub fn markdown(&self) -> String {
        markdown::render(self)
    }
}

/// The default window: from half an hour before the first thing that happened (but not before the history
/// starts) to `until`.
pub fn default_since(state: &State, journal: &[JournalEntry], until: DateTime<Utc>) -> DateTime<Utc> {
    let first_change = state.data.timeline.iter().map(|e| e.at).chain(journal.iter().map(|e| e.clock)).min();
    let history_starts = state.data.metrics.values().filter_map(|s| s.iter().next().map(|p| p.at)).min();
    let since = first_change.map_or(until - Duration::hours(3), |t| t - Duration::minutes(30));
    since.max(history_starts.unwrap_or(since)).max(until - Duration::hours(24))
}

/// A time on the command line: RFC 3339, "YYYY-MM-DD HH:MM[:SS]", or "HH:MM[:SS]" on the day of `reference`
/// (all UTC).
pub fn parse_time(text: &str, reference: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    use chrono::{NaiveDateTime, NaiveTime};
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(t.and_utc());
        }
    }
    for format in ["%H:%M:%S", "%H:%M"] {
        if let Ok(t) = NaiveTime::parse_from_str(text, format) {
            return Ok(reference.date_naive().and_time(t).and_utc());
        }
    }
    Err(format!("`{text}` is not a time: use 2026-11-23T14:05:00Z, \"2026-11-23 14:05\" or 14:05 (UTC)"))
}

/// How a postmortem is written: `--format md` or `--format json`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Format {
    /// Markdown, ready to paste into a postmortem document.
    #[default]
    #[cfg_attr(feature = "clap", value(name = "md"))]
    Markdown,
    /// The same content as JSON, for tools.
    Json,
}

impl Postmortem {
    /// The postmortem in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")),
            Format::Markdown => self.markdown(),
        }
    }
}

/// The journal lines a postmortem of this kind of session is made from: every live line (the window then picks), or the
/// last demo session's (earlier demo runs replayed the same simulated hours).
pub fn session_lines(all: &[JournalEntry], kind: SessionKind) -> Vec<JournalEntry> {
    match kind {
        SessionKind::Live => all.iter().filter(|e| e.session.kind == SessionKind::Live).cloned().collect(),
        SessionKind::Demo => demo_run::last_demo_run(all, chrono::Utc::now()),
    }
}

/// The postmortem's title, one rule for the dashboard's export key and `warroom export`, live or demo: where
/// the data comes from (`123456789012 · eu-west-1`, `<scenario name> (simulated)`).
pub fn title(state: &State) -> String {
    state.location.clone()
}

/// The dashboard's export key: the postmortem of what the dashboard holds, from half an hour before the first
/// change to now, written as Markdown beside the journal. Returns where.
pub fn write_beside_journal(state: &State, journal_path: &std::path::Path) -> Result<std::path::PathBuf, String> {
    let all = if journal_path.exists() {
        crate::journal::Journal::read_all(journal_path).map_err(|e| format!("{}: {e}", journal_path.display()))?
    } else {
        Vec::new()
    };
    let journal = session_lines(&all, state.session.kind);
    let until = state.now;
    let since = default_since(state, &journal, until);
    let postmortem = Postmortem::build(state, &journal, title(state), since, until);
    let dir = journal_path.parent().unwrap_or(std::path::Path::new("."));
    let path = dir.join(format!("postmortem-{}.md", chrono::Utc::now().format("%Y%m%d-%H%M%S")));
    crate::files::write_private(&path, postmortem.markdown().as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_three_forms() {
        let reference = DateTime::parse_from_rfc3339("2026-11-23T20:00:00Z").expect("t").with_timezone(&Utc);
        let want = DateTime::parse_from_rfc3339("2026-11-23T14:05:00Z").expect("t").with_timezone(&Utc);
        assert_eq!(parse_time("2026-11-23T14:05:00Z", reference), Ok(want));
        assert_eq!(parse_time("2026-11-23 14:05", reference), Ok(want));
        assert_eq!(parse_time("14:05", reference), Ok(want));
        assert!(parse_time("yesterday", reference).expect_err("bad").contains("not a time"));
    }
}
