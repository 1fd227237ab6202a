//! What telemetry has told us: resources, metric series and the timeline, folded from observations.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::model::{
    AlarmStatus, ClusterStatus, DlqStatus, EventKind, FunctionStatus, InstanceStatus, MetricKind, Observation,
    QueueStatus, RedriveTask, Series, TimelineEvent,
};

/// Timeline entries kept in memory; the journal keeps the full record.
const TIMELINE_CAPACITY: usize = 2000;

#[derive(Debug, Clone, Default)]
pub struct Identity {
    pub account: String,
    pub region: String,
    pub principal: String,
}

#[derive(Debug, Clone, Default)]
pub struct Data {
    pub alarms: Vec<AlarmStatus>,
    pub queues: Vec<QueueStatus>,
    pub dlqs: Vec<DlqStatus>,
    pub redrives: BTreeMap<String, RedriveTask>,
    pub functions: Vec<FunctionStatus>,
    pub clusters: Vec<ClusterStatus>,
    pub metrics: BTreeMap<(String, MetricKind), Series>,
    /// Oldest first; panes show it newest first.
    pub timeline: Vec<TimelineEvent>,
    pub identity: Option<Identity>,
    /// Resources the config names that do not exist, shown as "not found" in their panes.
    pub missing: std::collections::BTreeSet<(crate::model::ResourceKind, String)>,
    /// Kinds discovery cut short, with how many it kept.
    pub truncated: BTreeMap<crate::model::ResourceKind, usize>,
}

fn upsert<T>(items: &mut Vec<T>, item: T, same: impl Fn(&T) -> bool) {
    match items.iter_mut().find(|i| same(i)) {
        Some(slot) => *slot = item,
        None => items.push(item),
    }
}

impl Data {
    /// Folds one observation in. Returns the new clock when the observation carried one.
    pub fn apply(&mut self, obs: Observation) -> Option<DateTime<Utc>> {
        match obs {
            Observation::Clock(t) => return Some(t),
            Observation::Identity { account, region, principal } => {
                self.identity = Some(Identity { account, region, principal });
            }
            Observation::Alarm(a) => {
                let name = a.name.clone();
                upsert(&mut self.alarms, a, |x| x.name == name);
                self.alarms.sort_by(|x, y| x.state.cmp(&y.state).then(x.name.cmp(&y.name)));
            }
            Observation::Queue(q) => {
                let name = q.name.clone();
                upsert(&mut self.queues, q, |x| x.name == name);
            }
            Observation::Dlq(d) => {
                let name = d.name.clone();
                upsert(&mut self.dlqs, d, |x| x.name == name);
            }
            Observation::Redrive(t) => {
                self.redrives.insert(t.dlq.clone(), t);
            }
            Observation::Function(f) => {
                let key = (f.name.clone(), f.alias.clone());
                upsert(&mut self.functions, f, |x| {
                    (x.name.as_str(), x.alias.as_str()) == (key.0.as_str(), key.1.as_str())
                });
            }
            Observation::Cluster(c) => {
                let id = c.id.clone();
                upsert(&mut self.clusters, c, |x| x.id == id);
            }
            Observation::Metric { resource, metric, at, value } => {
                self.metrics.entry((resource, metric)).or_default().push(at, value);
            }
            Observation::Event(e) => self.push_event(e),
            Observation::Missing { kind, name } => {
                self.missing.insert((kind, name));
            }
            Observation::Truncated { kind, limit } => {
                self.truncated.insert(kind, limit);
            }
            // Problems belong to the feed that reported them; State keeps them with the feed's health.
            Observation::Problem { .. } => {}
        }
        None
    }

    pub fn push_event(&mut self, event: TimelineEvent) {
        let at = self.timeline.partition_point(|e| e.at <= event.at);
        self.timeline.insert(at, event);
        if self.timeline.len() > TIMELINE_CAPACITY {
            self.timeline.remove(0);
        }
    }

    pub fn series(&self, resource: &str, metric: MetricKind) -> Option<&Series> {
        self.metrics.get(&(resource.to_string(), metric))
    }

    pub fn latest(&self, resource: &str, metric: MetricKind) -> Option<f64> {
        self.series(resource, metric).and_then(|s| s.latest()).map(|p| p.value)
    }

    /// Times that mark every chart's x axis: deploys and other changes.
    pub fn markers(&self) -> impl Iterator<Item = &TimelineEvent> {
        self.timeline.iter().filter(|e| e.kind.is_marker())
    }

    pub fn instances(&self) -> impl Iterator<Item = (&ClusterStatus, &InstanceStatus)> {
        self.clusters.iter().flat_map(|c| c.members.iter().map(move |m| (c, m)))
    }

    /// DLQ growth over the last `minutes` of its depth series.
    pub fn dlq_growth(&self, dlq: &str, minutes: i64, now: DateTime<Utc>) -> Option<f64> {
        let series = self.series(dlq, MetricKind::DlqDepth)?;
        let then = series.value_at(now - chrono::Duration::minutes(minutes))?;
        let depth = self.dlqs.iter().find(|d| d.name == dlq).map(|d| d.depth as f64)?;
        Some(depth - then)
    }

    pub fn missing(&self, kind: crate::model::ResourceKind) -> impl Iterator<Item = &str> {
        self.missing.iter().filter(move |(k, _)| *k == kind).map(|(_, n)| n.as_str())
    }

    pub fn alarm_count(&self) -> usize {
        self.alarms.iter().filter(|a| a.state == crate::model::AlarmState::Alarm).count()
    }

    pub fn has_event(&self, kind: EventKind) -> bool {
        self.timeline.iter().any(|e| e.kind == kind)
    }
}
