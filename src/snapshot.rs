//! `warroom snapshot`: one poll of every feed, folded into the same `State` the dashboard uses, printed as
//! text or JSON. For scripts, and for checking a config before the incident rather than during it.

use serde::Serialize;

use crate::model::{MetricKind, ResourceKind};
use crate::state::State;
use crate::text::compact_duration;

#[derive(Debug, Serialize)]
pub struct Snapshot {
    pub time: String,
    pub mode: &'static str,
    pub location: String,
    pub alarms: Vec<AlarmRow>,
    pub queues: Vec<QueueRow>,
    pub dlqs: Vec<DlqRow>,
    pub databases: Vec<DatabaseRow>,
    pub deploys: Vec<DeployRow>,
    pub not_found: Vec<String>,
    pub problems: Vec<String>,
    /// What is worth knowing but not wrong: discovery keeping only the first resources of a kind.
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct AlarmRow {
    pub name: String,
    pub state: &'static str,
    pub since: String,
    pub resource: String,
}

#[derive(Debug, Serialize)]
pub struct QueueRow {
    pub name: String,
    pub age_seconds: Option<f64>,
    pub breached: bool,
    pub visible: u64,
    pub in_flight: u64,
    pub sent_per_min: Option<f64>,
    pub deleted_per_min: Option<f64>,
    pub dlq: Option<String>,
    pub consumer: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DlqRow {
    pub name: String,
    pub depth: u64,
    pub source: String,
    pub redrive: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct InstanceRow {
    pub id: String,
    pub role: &'static str,
    pub status: String,
    pub cpu_percent: Option<f64>,
    pub breached: bool,
}

#[derive(Debug, Serialize)]
pub struct DatabaseRow {
    pub id: String,
    pub engine: String,
    pub status: String,
    pub instances: Vec<InstanceRow>,
}

#[derive(Debug, Serialize)]
pub struct DeployRow {
    pub function: String,
    pub alias: String,
    pub version: String,
    pub previous_version: Option<String>,
    pub changed_at: Option<String>,
}

impl Snapshot {
    pub fn of(state: &State) -> Snapshot {
        let d = &state.data;
        let t = &state.thresholds;
        Snapshot {
            time: state.now.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            mode: if state.mode.source.live { "live" } else { "demo" },
            location: d
                .identity
                .as_ref()
                .map_or(state.mode.source.location.clone(), |i| format!("{} · {}", i.account, i.region)),
            alarms: d
                .alarms
                .iter()
                .map(|a| AlarmRow {
                    name: a.name.clone(),
                    state: a.state.label(),
                    since: a.since.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                    resource: a.resource.clone(),
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
                        breached: age.is_some_and(|a| a > t.queue_age_seconds),
                        visible: q.visible,
                        in_flight: q.in_flight,
                        sent_per_min: d.latest(&q.name, MetricKind::Sent),
                        deleted_per_min: d.latest(&q.name, MetricKind::Deleted),
                        dlq: q.dlq.clone(),
                        consumer: q.consumer.clone(),
                    }
                })
                .collect(),
            dlqs: d
                .dlqs
                .iter()
                .map(|q| DlqRow {
                    name: q.name.clone(),
                    depth: q.depth,
                    source: q.source.clone(),
                    redrive: d.redrives.get(&q.name).map(|r| format!("{} {}/{}", r.status.label(), r.moved, r.to_move)),
                })
                .collect(),
            databases: d
                .clusters
                .iter()
                .map(|c| DatabaseRow {
                    id: c.id.clone(),
                    engine: c.engine.clone(),
                    status: c.status.clone(),
                    instances: c
                        .members
                        .iter()
                        .map(|m| {
                            let cpu = d.latest(&m.id, MetricKind::DbCpu);
                            InstanceRow {
                                id: m.id.clone(),
                                role: m.role.label(),
                                status: m.status.clone(),
                                cpu_percent: cpu,
                                breached: cpu.is_some_and(|c| c > t.db_cpu_percent),
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
                    changed_at: f.changed_at.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()),
                })
                .collect(),
            not_found: d.missing.iter().map(|(k, n)| format!("{}: {n}", kind_label(*k))).collect(),
            problems: state
                .feeds
                .iter()
                .flat_map(|f| f.last_error.iter().cloned().chain(f.problems.iter().map(|p| p.text.clone())))
                .collect(),
            notes: d
                .truncated
                .iter()
                .map(|(k, limit)| {
                    format!("more {k}s than discovery watches: the first {limit} shown", k = kind_label(*k))
                })
                .collect(),
        }
    }

    /// Whether the snapshot found everything it was told to watch and every call answered.
    pub fn healthy(&self) -> bool {
        self.not_found.is_empty() && self.problems.is_empty()
    }

    pub fn text(&self, state: &State) -> String {
        let mut out = format!("warroom snapshot · {} · {} · {}\n", self.mode, self.location, self.time);
        let opt = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.0}"));
        out.push_str("\nALARMS\n");
        for a in &self.alarms {
            let age =
                state.data.alarms.iter().find(|x| x.name == a.name).map(|x| compact_duration(state.now - x.since));
            out.push_str(&format!("  {:<6} {}  (for {}, {})\n", a.state, a.name, age.unwrap_or_default(), a.resource));
        }
        out.push_str("\nQUEUES\n");
        for q in &self.queues {
            out.push_str(&format!(
                "  {}  age {} s{}  visible {}  in flight {}  sent/min {}  deleted/min {}  dlq {}  consumer {}\n",
                q.name,
                opt(q.age_seconds),
                if q.breached { " BREACHED" } else { "" },
                q.visible,
                q.in_flight,
                opt(q.sent_per_min),
                opt(q.deleted_per_min),
                q.dlq.as_deref().unwrap_or("–"),
                q.consumer.as_deref().unwrap_or("–")
            ));
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
            out.push_str(&format!("  {} ({}, {})\n", c.id, c.engine, c.status));
            for i in &c.instances {
                out.push_str(&format!(
                    "    {} {} {}  CPU {} %{}\n",
                    i.id,
                    i.role,
                    i.status,
                    i.cpu_percent.map_or("–".to_string(), |c| format!("{c:.1}")),
                    if i.breached { " BREACHED" } else { "" }
                ));
            }
        }
        out.push_str("\nDEPLOYS\n");
        for f in &self.deploys {
            out.push_str(&format!(
                "  {} {} → v{}  previous {}  changed {}\n",
                f.function,
                f.alias,
                f.version,
                f.previous_version.as_deref().map_or("–".to_string(), |p| format!("v{p}")),
                f.changed_at.as_deref().unwrap_or("–")
            ));
        }
        for (title, items) in [("NOT FOUND", &self.not_found), ("PROBLEMS", &self.problems), ("NOTES", &self.notes)] {
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

fn kind_label(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Queue => "queue",
        ResourceKind::Dlq => "dlq",
        ResourceKind::Function => "function",
        ResourceKind::Cluster => "cluster",
        ResourceKind::Instance => "instance",
    }
}
