//! `warroom snapshot`: one poll of every feed, folded into the same `State` the dashboard uses, printed as
//! text or JSON. For scripts, and for checking a config before the incident rather than during it.

use serde::Serialize;

use crate::model::{AlarmKind, MetricKind, MoveSource};
use crate::state::State;
use crate::text::compact_duration;

/// What one poll of every feed found, as `warroom snapshot` prints it (text, or this structure as JSON).
#[derive(Debug, Serialize)]
pub struct Snapshot {
    /// When, on the dashboard's clock, `YYYY-MM-DD HH:MM:SS UTC`.
    pub time: String,
    /// "live" or "demo" (`SessionKind::name`); `mode` in the JSON, the name scripts already read.
    #[serde(rename = "mode")]
    pub session: &'static str,
    /// The account and region (or "simulated").
    pub location: String,
    /// With several targets, each one's label, account, region, whether it is read-only, and why it is not
    /// answering (a failing one is also among `problems`); empty with one.
    pub targets: Vec<crate::model::TargetStatus>,
    /// The line under the dashboard's header: "likely trigger: …" or "no change found before the first anomaly:
    /// …"; `None` while nothing is wrong.
    pub likely_trigger: Option<String>,
    /// Every alarm, ALARM first.
    pub alarms: Vec<AlarmRow>,
    /// Every source queue.
    pub queues: Vec<QueueRow>,
    /// Every dead-letter queue.
    pub dlqs: Vec<DlqRow>,
    /// Every database cluster with its instances.
    pub databases: Vec<DatabaseRow>,
    /// Every function alias.
    pub deploys: Vec<DeployRow>,
    /// Resources the config names that AWS does not have: "queue: payments".
    pub not_found: Vec<String>,
    /// Failed polls and failed calls, each naming the call.
    pub problems: Vec<String>,
    /// Calls that failed where the panes only lose a detail, as `doctor` warns of them: Performance Insights
    /// failing for an instance (no top SQL), a call the endpoint does not implement (an emulator's missing
    /// ListMessageMoveTasks: no redrive progress). Said, not counted against `healthy`.
    pub warnings: Vec<String>,
    /// What is worth knowing but not wrong: discovery keeping only the first resources of a kind.
    pub notes: Vec<String>,
}

/// One alarm.
#[derive(Debug, Serialize)]
pub struct AlarmRow {
    /// AlarmName.
    pub name: String,
    /// "ALARM", "INSUFF" or "OK".
    pub state: &'static str,
    /// When it entered its state, `YYYY-MM-DD HH:MM:SS UTC`.
    pub since: String,
    /// "metric", "metric math" or "composite".
    pub kind: &'static str,
    /// The resources it watches, comma-separated ("–" for none).
    pub resource: String,
    /// A composite alarm's rule; empty for metric alarms.
    pub rule: String,
    /// A composite alarm's children in ALARM.
    pub children_in_alarm: Vec<String>,
}

/// One source queue.
#[derive(Debug, Serialize)]
pub struct QueueRow {
    /// Queue name.
    pub name: String,
    /// Age of the oldest message, seconds (the newest one-minute Maximum); `None` before the first point.
    pub age_seconds: Option<f64>,
    /// Whether the age is above the threshold.
    pub breached: bool,
    /// Messages waiting.
    pub visible: u64,
    /// Messages being processed.
    pub in_flight: u64,
    /// Messages sent in the newest minute.
    pub sent_per_min: Option<f64>,
    /// Messages deleted (done) in the newest minute.
    pub deleted_per_min: Option<f64>,
    /// Its DLQ.
    pub dlq: Option<String>,
    /// Its Lambda consumer.
    pub consumer: Option<String>,
    /// Why nothing reads the queue, as the queue pane says it (`no consumer: mapping Disabled
    /// (USER_INITIATED)`); `None` while a mapping delivers its messages.
    pub idle: Option<String>,
    /// Traffic or the consumers, as the queue pane's verdict says it (`verdict::Verdict::line`); `None` while
    /// nothing is wrong or there is no history to compare.
    pub verdict: Option<String>,
}

/// One dead-letter queue.
#[derive(Debug, Serialize)]
pub struct DlqRow {
    /// Queue name.
    pub name: String,
    /// Messages in it.
    pub depth: u64,
    /// Its source queue.
    pub source: String,
    /// The latest move task: "RUNNING 40/1200".
    pub redrive: Option<String>,
}

/// One DB instance.
#[derive(Debug, Serialize)]
pub struct InstanceRow {
    /// DBInstanceIdentifier.
    pub id: String,
    /// "writer" or "reader".
    pub role: &'static str,
    /// DBInstanceStatus.
    pub status: String,
    /// CPU %, the newest one-minute Average; `None` before the first point.
    pub cpu_percent: Option<f64>,
    /// Whether the CPU is above the threshold.
    pub breached: bool,
}

/// One database cluster.
#[derive(Debug, Serialize)]
pub struct DatabaseRow {
    /// DBClusterIdentifier.
    pub id: String,
    /// Engine.
    pub engine: String,
    /// Status.
    pub status: String,
    /// Its instances.
    pub instances: Vec<InstanceRow>,
}

/// One function alias.
#[derive(Debug, Serialize)]
pub struct DeployRow {
    /// Function name.
    pub function: String,
    /// Alias name.
    pub alias: String,
    /// The version it points to.
    pub version: String,
    /// The rollback target.
    pub previous_version: Option<String>,
    /// When it moved, `YYYY-MM-DD HH:MM:SS UTC`; `None` while no record of the move exists.
    pub changed_at: Option<String>,
    /// What recorded the move (`polled`, `cloud_trail`, `operation`); `None`: the history is unknown.
    pub recorded_by: Option<MoveSource>,
}

impl Snapshot {
    /// The snapshot of what `state` holds.
    pub fn of(state: &State) -> Snapshot {
        let d = &state.data;
        let lines = d.threshold_index(&state.thresholds);
        Snapshot {
            time: state.now.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            session: state.session.kind.name(),
            location: d.identity.as_ref().map_or(state.location.clone(), |i| format!("{} · {}", i.account, i.region)),
            likely_trigger: state.analysis.trigger_line(),
            targets: if d.targets.len() > 1 { d.targets.clone() } else { Vec::new() },
            alarms: d
                .alarms
                .iter()
                .map(|a| AlarmRow {
                    name: a.name.clone(),
                    state: a.state.label(),
                    since: a.since.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                    kind: a.kind.label(),
                    resource: a.resource_list(),
                    rule: match &a.kind {
                        AlarmKind::Composite { rule, .. } => rule.clone(),
                        _ => String::new(),
                    },
                    children_in_alarm: a.kind.children_in_alarm().into_iter().map(str::to_string).collect(),
                })
                .collect(),
            queues: d
                .queues
                .iter()
                .map(|q| {
                    let age = d.latest(&q.name, MetricKind::QueueAge);
                    QueueRow {
                        name: q.name.clone(),
                        age_seconds: age,
                        breached: age.is_some_and(|a| a > lines.value(&q.name, MetricKind::QueueAge)),
                        visible: q.visible,
                        in_flight: q.in_flight,
                        sent_per_min: d.latest(&q.name, MetricKind::Sent),
                        deleted_per_min: d.latest(&q.name, MetricKind::Deleted),
                        dlq: q.dlq.clone(),
                        consumer: q.consumer.clone(),
                        idle: d.no_consumer(&q.name),
                        verdict: state.analysis.verdict(&q.name).map(|v| v.line.clone()),
                    }
                })
                .collect(),
            dlqs: d
                .dlqs
                .iter()
                .map(|q| DlqRow {
                    name: q.name.clone(),
                    depth: q.depth,
                    source: q.source_label(),
                    redrive: d.redrives.get(&q.name).map(|r| format!("{} {}/{}", r.status.label(), r.moved, r.to_move)),
                })
                .collect(),
            databases: d
                .clusters
                .iter()
                .map(|c| DatabaseRow {
                    id: c.id.clone(),
                    engine: c.engine.clone(),
                    status: c.status.to_string(),
                    instances: c
                        .members
                        .iter()
                        .map(|m| {
                            let cpu = d.latest(&m.id, MetricKind::DbCpu);
                            InstanceRow {
                                id: m.id.clone(),
                                role: m.role.label(),
                                status: m.status.to_string(),
                                cpu_percent: cpu,
                                breached: cpu.is_some_and(|c| c > lines.value(&m.id, MetricKind::DbCpu)),
                            }
                        })
                        .collect(),
                })
                .collect(),
            deploys: d
                .functions
                .iter()
                .map(|f| DeployRow {
                    function: f.name.clone(),
                    alias: f.alias.clone(),
                    version: f.version.clone(),
                    previous_version: f.previous_version.clone(),
                    changed_at: f.changed_at().map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
                    recorded_by: f.last_move.as_ref().map(|m| m.source),
                })
                .collect(),
            not_found: d.missing.iter().map(|(k, n)| format!("{}: {n}", k.label())).collect(),
            // Each once: a target that cannot be reached fails every pane its polls fill, in the same words.
            problems: state
                .feeds
                .iter()
                .flat_map(|f| f.last_error.iter().cloned().chain(f.problems.iter().map(|p| p.problem.to_string())))
                .fold(Vec::new(), |mut seen, p| {
                    if !seen.contains(&p) {
                        seen.push(p);
                    }
                    seen
                }),
            warnings: d
                .insights
                .iter()
                .filter_map(|(id, i)| match i.access()? {
                    crate::model::InsightsAccess::Failed(error) => Some(format!("{id}: no top SQL: {error}")),
                    _ => None,
                })
                .chain(
                    d.unsupported
                        .iter()
                        .map(|(call, answer)| format!("{call}: {answer} (not implemented by this endpoint)")),
                )
                .collect(),
            notes: d
                .truncated
                .iter()
                .map(|(k, limit)| format!("more {k}s than discovery watches: the first {limit} shown", k = k.label()))
                .chain(d.capped.iter().map(|(list, shown)| {
                    format!("{}: AWS has more than the page cap reads; the first {shown} shown", list.label())
                }))
                .collect(),
        }
    }

    /// Whether the snapshot found everything it was told to watch, every call answered and every target did
    /// (one that did not answer in time leaves no problem of its own calls, only its status).
    pub fn healthy(&self) -> bool {
        self.not_found.is_empty()
            && self.problems.is_empty()
            && self.targets.iter().all(|t| t.error.is_none() && t.answered)
    }

    /// The snapshot as the text `warroom snapshot` prints.
    pub fn text(&self, state: &State) -> String {
        let mut out = format!("warroom snapshot · {} · {} · {}\n", self.session, self.location, self.time);
        if let Some(line) = &self.likely_trigger {
            out.push_str(&format!("{line}\n"));
        }
        let opt = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.0}"));
        if !self.targets.is_empty() {
            out.push_str("\nTARGETS\n");
            let labels = self.targets.iter().map(|t| t.label.chars().count()).max().unwrap_or(0);
            let places = self.targets.iter().map(|t| t.place().chars().count()).max().unwrap_or(0);
            for t in &self.targets {
                let read_only = if t.read_only { "read-only" } else { "operable" };
                let health = match &t.error {
                    Some(e) => format!("FAILING: {e}"),
                    None if !t.answered => "not answered yet".to_string(),
                    None => "answering".to_string(),
                };
                out.push_str(&format!("  {:<labels$}  {:<places$}  {read_only:<9}  {health}\n", t.label, t.place()));
            }
        }
        out.push_str("\nALARMS\n");
        for a in &self.alarms {
            let age =
                state.data.alarms.iter().find(|x| x.name == a.name).map(|x| compact_duration(state.now - x.since));
            out.push_str(&format!("  {:<6} {}  (for {}, {})\n", a.state, a.name, age.unwrap_or_default(), a.resource));
            if !a.rule.is_empty() {
                let firing =
                    if a.children_in_alarm.is_empty() { "none".into() } else { a.children_in_alarm.join(", ") };
                out.push_str(&format!("         composite: {}  · children in ALARM: {firing}\n", a.rule));
            }
        }
        out.push_str("\nQUEUES\n");
        for q in &self.queues {
            out.push_str(&format!(
                "  {}  age {} s{}  visible {}  in flight {}  sent/min {}  deleted/min {}  dlq {}  consumer {}{}\n",
                q.name,
                opt(q.age_seconds),
                if q.breached { " BREACHED" } else { "" },
                q.visible,
                q.in_flight,
                opt(q.sent_per_min),
                opt(q.deleted_per_min),
                q.dlq.as_deref().unwrap_or("–"),
                q.consumer.as_deref().unwrap_or("–"),
                q.idle.as_deref().map_or(String::new(), |why| format!(" ({why})"))
            ));
            if let Some(verdict) = &q.verdict {
                out.push_str(&format!("    {verdict}\n"));
            }
        }
        out.push_str("\nDEAD-LETTER QUEUES\n");
        for q in &self.dlqs {
            out.push_str(&format!(
                "  {}  depth {}  source {}  redrive {}\n",
                q.name,
                q.depth,
                q.source,
                q.redrive.as_deref().unwrap_or("–")
            ));
        }
        out.push_str("\nDATABASES\n");
        for c in &self.databases {
            let engine = if c.engine.is_empty() { "engine unknown" } else { c.engine.as_str() };
            out.push_str(&format!("  {} ({engine}, {})\n", c.id, c.status));
            for i in &c.instances {
                out.push_str(&format!(
                    "    {} {} {}  CPU {}{}\n",
                    i.id,
                    i.role,
                    i.status,
                    i.cpu_percent.map_or("–".to_string(), |c| format!("{c:.1} %")),
                    if i.breached { " BREACHED" } else { "" }
                ));
            }
        }
        out.push_str("\nFUNCTIONS\n");
        for f in &self.deploys {
            out.push_str(&format!(
                "  {} {} → v{}  previous {}  changed {}\n",
                f.function,
                f.alias,
                f.version,
                f.previous_version.as_deref().map_or("–".to_string(), |p| format!("v{p}")),
                f.changed_at.as_deref().unwrap_or("– (history unknown)")
            ));
        }
        for (title, items) in [
            ("NOT FOUND", &self.not_found),
            ("PROBLEMS", &self.problems),
            ("WARNINGS", &self.warnings),
            ("NOTES", &self.notes),
        ] {
            if !items.is_empty() {
                out.push_str(&format!("\n{title}\n"));
                for item in items {
                    out.push_str(&format!("  {item}\n"));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Observation;

    /// What only loses a detail is a warning: said, and the snapshot still healthy.
    #[test]
    fn failing_performance_insights_and_an_unsupported_call_are_warnings() {
        let mut state = crate::scene::Scene::at_minute(45.0, false).state;
        let insights = state.data.insights.entry("core-db-1".into()).or_default();
        insights.enabled = Some(true);
        insights.read_error = Some("pi:DescribeDimensionKeys: AccessDeniedException: not authorized".into());
        state.data.apply(Observation::Unsupported {
            call: "sqs:ListMessageMoveTasks".into(),
            answer: "InvalidAction: not valid for this endpoint".into(),
        });
        let snap = Snapshot::of(&state);
        assert_eq!(
            snap.warnings,
            [
                "core-db-1: no top SQL: pi:DescribeDimensionKeys: AccessDeniedException: not authorized",
                "sqs:ListMessageMoveTasks: InvalidAction: not valid for this endpoint (not implemented by this endpoint)",
            ]
        );
        assert!(snap.healthy());
        assert!(snap.text(&state).contains("\nWARNINGS\n  core-db-1: no top SQL"));
    }
}
