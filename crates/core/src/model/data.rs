//! What telemetry has told us: resources, metric series and the timeline, folded from observations.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{
    AlarmState, AlarmStatus, AliasMove, CappedList, ClusterStatus, ConsumerLogs, CredentialSource, DlqStatus,
    EventKind, EventSourceMapping, FunctionStatus, InstanceInsights, InstanceStatus, MetricKind, Observation,
    QueueStatus, RedriveTask, ResourceKind, Series, TimelineEvent,
};

/// Timeline entries kept in memory; the journal keeps the full record.
const TIMELINE_CAPACITY: usize = 2000;

/// Whose credentials the live session uses (STS GetCallerIdentity) and where.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    /// The 12-digit account id.
    pub account: String,
    /// The region the clients call.
    pub region: String,
    /// The caller's ARN.
    pub principal: String,
    /// Where the credentials come from, and what to run when they stop working.
    pub credentials: CredentialSource,
}

/// Everything telemetry has said so far, folded: the rows of every pane, each metric's series and the timeline.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Data {
    /// Alarms, ALARM first, then by name.
    pub alarms: Vec<AlarmStatus>,
    /// Source queues, in the order they were first reported.
    pub queues: Vec<QueueStatus>,
    /// Dead-letter queues.
    pub dlqs: Vec<DlqStatus>,
    /// Each DLQ's latest message move task, by DLQ name.
    pub redrives: BTreeMap<String, RedriveTask>,
    /// Each watched queue's event source mappings, by queue name, those that consume first.
    pub mappings: BTreeMap<String, Vec<EventSourceMapping>>,
    /// Function aliases.
    pub functions: Vec<FunctionStatus>,
    /// Every alias move recorded, each once (records of one move merged), oldest first.
    pub alias_moves: Vec<AliasMove>,
    /// Database clusters (standalone instances as clusters of one).
    pub clusters: Vec<ClusterStatus>,
    /// Each DB instance's Performance Insights: whether it answers, its top statements and load history.
    pub insights: BTreeMap<String, InstanceInsights>,
    /// Each consumer function's error lines and their groups, by function name.
    pub logs: BTreeMap<String, ConsumerLogs>,
    /// One series per (resource, metric), one point a minute.
    #[serde(with = "metric_pairs")]
    pub metrics: BTreeMap<(String, MetricKind), Series>,
    /// Oldest first; panes show it newest first. At most `TIMELINE_CAPACITY` entries.
    pub timeline: Vec<TimelineEvent>,
    /// Whose credentials a live session uses; `None` in the demo, and with several targets (see `targets`).
    pub identity: Option<Identity>,
    /// How often each queue's and DLQ's counts are read, seconds, by name, when not every one is read every fast
    /// poll (a big account); empty otherwise.
    #[serde(default)]
    pub read_every: BTreeMap<String, u32>,
    /// With more than one target: how each stands, in the config's order. Empty with one target, whose rows are
    /// not qualified by a label.
    #[serde(default)]
    pub targets: Vec<super::TargetStatus>,
    /// Calls the endpoint does not implement (an emulator's), with its answer: "sqs:ListMessageMoveTasks" →
    /// "HTTP 400 InvalidAction".
    pub unsupported: BTreeMap<String, String>,
    /// Resources the config names that do not exist, shown as "not found" in their panes.
    pub missing: std::collections::BTreeSet<(ResourceKind, String)>,
    /// Kinds discovery cut short, with how many it kept.
    pub truncated: BTreeMap<ResourceKind, usize>,
    /// Lists whose last read a page cap cut, with how many items were read.
    pub capped: BTreeMap<CappedList, usize>,
    /// Changes this dashboard's verified operations made (a re-point, a restore), so the poll that reads them does
    /// not report them as somebody's deploy; oldest first.
    pub own_changes: Vec<(DateTime<Utc>, super::OwnChange)>,
}

/// The metric series as a list of ((resource, metric), series) pairs: a JSON object's keys are strings only.
mod metric_pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serializer};

    use crate::model::{MetricKind, Series};

    type Metrics = BTreeMap<(String, MetricKind), Series>;

    pub fn serialize<S: Serializer>(metrics: &Metrics, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(metrics.iter())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Metrics, D::Error> {
        Ok(Vec::<((String, MetricKind), Series)>::deserialize(d)?.into_iter().collect())
    }
}

fn upsert<T>(items: &mut Vec<T>, item: T, same: impl Fn(&T) -> bool) {
    match items.iter_mut().find(|i| same(i)) {
        Some(slot) => *slot = item,
        None => items.push(item),
    }
}

impl Data {
    /// Forgets what another dashboard's polls said, for a follower that starts polling AWS itself: the rows,
    /// series, targets and identity go (its own polls may watch other targets, whose labels would double every
    /// row); the timeline, the alias moves and the own changes stay, history its polls read again.
    pub fn forget_polled(&mut self) {
        *self = Data {
            timeline: std::mem::take(&mut self.timeline),
            alias_moves: std::mem::take(&mut self.alias_moves),
            own_changes: std::mem::take(&mut self.own_changes),
            ..Data::default()
        };
    }

    /// The target a resource named `name` belongs to, when several are watched; `None` with one target.
    pub fn target_of(&self, name: &str) -> Option<&super::TargetStatus> {
        super::split(&self.targets, name).map(|(target, _)| target)
    }

    /// Whether a consumer `from` may write to the database `to`: in one target, or in a target whose `writes_to`
    /// names `to`'s (always, with one target).
    pub fn writes_into(&self, from: &str, to: &str) -> bool {
        super::target_writes_into(self.target_of(from), self.target_of(to))
    }

    /// Whether resources `a` and `b` are in one target (always, with one target).
    pub fn same_target(&self, a: &str, b: &str) -> bool {
        self.target_of(a).map(|t| &t.label) == self.target_of(b).map(|t| &t.label)
    }

    /// Folds one observation in. Returns the new clock when the observation carried one.
    pub fn apply(&mut self, obs: Observation) -> Option<DateTime<Utc>> {
        match obs {
            Observation::Clock(t) => return Some(t),
            // Where the session is, or what targets it watches: journaled moves take the names they have here.
            Observation::Identity(identity) => {
                self.identity = Some(identity);
                self.localize_moves();
            }
            Observation::Targets(targets) => {
                self.targets = targets;
                self.localize_moves();
            }
            Observation::ReadEvery(every) => self.read_every = every.into_iter().collect(),
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
            Observation::Function(mut f) => {
                if let Some(known) = self.last_move_to(&f.name, &f.alias, &f.version)
                    && f.last_move.as_ref().is_none_or(|m| known.same_move(m) || m.source < known.source)
                {
                    f.take_history(known);
                }
                let key = (f.name.clone(), f.alias.clone());
                upsert(&mut self.functions, f, |x| {
                    (x.name.as_str(), x.alias.as_str()) == (key.0.as_str(), key.1.as_str())
                });
            }
            Observation::AliasMoved(m) => self.record_move(m),
            Observation::Mappings { queue, mappings, at } => self.fold_mappings(queue, mappings, at),
            Observation::Cluster(c) => {
                let id = c.id.clone();
                upsert(&mut self.clusters, c, |x| x.id == id);
            }
            Observation::Insights { instance, enabled, vcpus } => {
                let insights = self.insights.entry(instance).or_default();
                insights.enabled = Some(enabled);
                insights.vcpus = vcpus.or(insights.vcpus);
            }
            Observation::InsightsRead { instance, error } => {
                self.insights.entry(instance).or_default().read_error = error
            }
            Observation::TopSql { instance, top } => self.insights.entry(instance).or_default().top = Some(top),
            Observation::Load { instance, key, points } => {
                self.insights.entry(instance).or_default().fold(key, &points);
            }
            Observation::ConsumerLog { function, group, access, lines } => {
                let logs = self.logs.entry(function).or_default();
                logs.group = group;
                logs.access = Some(access);
                logs.fold(lines);
            }
            Observation::Metric { resource, metric, at, value } => {
                self.metrics.entry((resource, metric)).or_default().push(at, value);
            }
            Observation::Event(e) if e.kind == EventKind::Deploy => self.record_deploy(e),
            Observation::Event(e) => self.push_event(e),
            Observation::Unsupported { call, answer } => {
                self.unsupported.insert(call, answer);
            }
            Observation::Missing { kind, name } => {
                self.missing.insert((kind, name));
            }
            Observation::Capped { list, shown: Some(shown) } => {
                self.capped.insert(list, shown);
            }
            Observation::Capped { list, shown: None } => {
                self.capped.remove(&list);
            }
            Observation::Truncated { kind, limit } => {
                self.truncated.insert(kind, limit);
            }
            // Problems belong to the feed that reported them; State keeps them with the feed's health.
            Observation::Problem(_) => {}
        }
        None
    }

    /// The move that brought `function:alias` to `version`: the alias's latest recorded move, when it went to
    /// that version. An older move to it, with a later move away on record, is not how it got there now.
    fn last_move_to(&self, function: &str, alias: &str, version: &str) -> Option<&AliasMove> {
        self.alias_moves.iter().rev().find(|m| m.function == function && m.alias == alias).filter(|m| m.to == version)
    }

    /// Whether a recorded move of the same alias to another version lies between `a` and `b`: then they are two
    /// moves (→1, →2, →1 again), however close in time.
    fn moved_between(&self, a: &AliasMove, b: &AliasMove) -> bool {
        let (from, to) = if a.at <= b.at { (a.at, b.at) } else { (b.at, a.at) };
        self.alias_moves
            .iter()
            .any(|m| (&m.function, &m.alias) == (&a.function, &a.alias) && m.to != a.to && m.at >= from && m.at <= to)
    }

    /// Folds in one record of a move: merged with an earlier record of the same move (its timeline entry
    /// replaced by the merged one's), else added with its own; and the alias's row, when it is at that version,
    /// takes the move as its history.
    /// Where the record of the same move as `record` is among the moves recorded, if one is.
    pub fn known_move(&self, record: &AliasMove) -> Option<usize> {
        self.alias_moves.iter().position(|m| m.same_move(record) && !self.moved_between(m, record))
    }

    /// Where `name` is: its target's account and region (or the one account's) and its name there, for a
    /// journal line another session can place (`AliasMove::place`). `None` before the account is known, in a demo,
    /// or for a name no watched target carries.
    pub fn place_of(&self, name: &str) -> Option<super::Place> {
        let place = |account: &str, region: &str, name: &str| super::Place {
            account: account.to_string(),
            region: region.to_string(),
            name: name.to_string(),
        };
        match super::split(&self.targets, name) {
            Some((target, bare)) => Some(place(target.account.as_deref()?, &target.region, bare)),
            None if self.targets.is_empty() => self.identity.as_ref().map(|id| place(&id.account, &id.region, name)),
            None => None,
        }
    }

    /// A journaled move's function under this session's name for it, when its place is one this session watches:
    /// a rollback journaled as `prod/us-east-1/orders-consumer` is `orders-consumer`'s in a session of that one
    /// account and region, and the other way round.
    fn localize(&self, moved: &mut AliasMove) {
        let identity = self.identity.as_ref().map(|id| (id.account.as_str(), id.region.as_str()));
        if let Some(name) = moved.place.as_ref().and_then(|p| p.local_name(&self.targets, identity)) {
            moved.function = name;
        }
    }

    /// Every journaled move's name made this session's again (`localize`), once it knows where it is.
    fn localize_moves(&mut self) {
        if self.alias_moves.iter().all(|m| m.place.is_none()) {
            return;
        }
        let mut moves = std::mem::take(&mut self.alias_moves);
        moves.iter_mut().for_each(|m| self.localize(m));
        self.alias_moves = moves;
    }

    fn record_move(&mut self, mut record: AliasMove) {
        self.localize(&mut record);
        let merged = match self.known_move(&record) {
            Some(i) => {
                let earlier = self.alias_moves.remove(i);
                if let Some(old) = earlier.timeline_event() {
                    self.timeline.retain(|e| *e != old);
                }
                earlier.merged(&record)
            }
            None => record,
        };
        if let Some(event) = merged.timeline_event() {
            self.push_event(event);
        }
        if let Some(f) = self
            .functions
            .iter_mut()
            .find(|f| (&f.name, &f.alias, &f.version) == (&merged.function, &merged.alias, &merged.to))
            && f.last_move.as_ref().is_none_or(|m| m.at <= merged.at || m.same_move(&merged))
        {
            f.take_history(&merged);
        }
        let at = self.alias_moves.partition_point(|m| m.at <= merged.at);
        self.alias_moves.insert(at, merged);
    }

    /// Inserts an event in time order (after others at the same moment), dropping the oldest past the capacity;
    /// one already there (the same moment, kind, resource and words) is not inserted again.
    pub fn push_event(&mut self, event: TimelineEvent) {
        let (from, at) =
            (self.timeline.partition_point(|e| e.at < event.at), self.timeline.partition_point(|e| e.at <= event.at));
        // Read twice (a follower's own polls re-reading the history its publisher's had): said once.
        let same = |e: &TimelineEvent| e.kind == event.kind && e.text == event.text && e.resource == event.resource;
        if self.timeline[from..at].iter().any(same) {
            return;
        }
        self.timeline.insert(at, event);
        if self.timeline.len() > TIMELINE_CAPACITY {
            self.timeline.remove(0);
        }
    }

    /// `queue`'s event source mappings, those that consume first; empty when none are known.
    pub fn mappings_of(&self, queue: &str) -> &[EventSourceMapping] {
        self.mappings.get(queue).map_or(&[], Vec::as_slice)
    }

    /// Why nothing consumes `queue`, when its mappings are known and none is enabled: "no consumer: mapping
    /// Disabled (USER_INITIATED)". `None` when one consumes, or when no mapping is known (something outside
    /// Lambda may consume it).
    pub fn no_consumer(&self, queue: &str) -> Option<String> {
        let mappings = self.mappings_of(queue);
        let mut reasons: Vec<String> = mappings.iter().map(EventSourceMapping::idle_reason).collect::<Option<_>>()?;
        reasons.dedup();
        (!reasons.is_empty()).then(|| format!("no consumer: {}", reasons.join(", ")))
    }

    /// The series of `metric` for `resource`, if any point has arrived.
    pub fn series(&self, resource: &str, metric: MetricKind) -> Option<&Series> {
        self.metrics.get(&(resource.to_string(), metric))
    }

    /// The newest value of `metric` for `resource`, in the metric's unit; `None` before the first point.
    pub fn latest(&self, resource: &str, metric: MetricKind) -> Option<f64> {
        self.series(resource, metric).and_then(|s| s.latest()).map(|p| p.value)
    }

    /// Times that mark every chart's x axis: deploys and other changes.
    pub fn markers(&self) -> impl Iterator<Item = &TimelineEvent> {
        self.timeline.iter().filter(|e| e.kind.is_marker())
    }

    /// Every DB instance with its cluster, cluster by cluster.
    pub fn instances(&self) -> impl Iterator<Item = (&ClusterStatus, &InstanceStatus)> {
        self.clusters.iter().flat_map(|c| c.members.iter().map(move |m| (c, m)))
    }

    /// DLQ growth over the last `minutes`: its depth now (GetQueueAttributes) less its depth series' value then;
    /// `None` without either.
    pub fn dlq_growth(&self, dlq: &str, minutes: i64, now: DateTime<Utc>) -> Option<f64> {
        let series = self.series(dlq, MetricKind::DlqDepth)?;
        let then = series.value_at(now - chrono::Duration::minutes(minutes))?;
        let depth = self.dlqs.iter().find(|d| d.name == dlq).map(|d| d.depth as f64)?;
        Some(depth - then)
    }

    /// The names of the resources of `kind` the config names but AWS does not have.
    pub fn missing(&self, kind: ResourceKind) -> impl Iterator<Item = &str> {
        self.missing.iter().filter(move |(k, _)| *k == kind).map(|(_, n)| n.as_str())
    }

    /// How many alarms are in ALARM.
    pub fn alarm_count(&self) -> usize {
        self.alarms.iter().filter(|a| a.state == AlarmState::Alarm).count()
    }

    /// Whether the timeline holds an event of `kind`.
    pub fn has_event(&self, kind: EventKind) -> bool {
        self.timeline.iter().any(|e| e.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MoveSource;

    fn moved(to: &str, minute: i64, source: MoveSource) -> AliasMove {
        let t0 = DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
        AliasMove {
            function: "checkout-worker".into(),
            alias: "prod".into(),
            from: None,
            to: to.into(),
            at: t0 + chrono::Duration::minutes(minute),
            source,
            actor: Some("alice".into()),
            place: None,
        }
    }

    /// →1, →2 and →1 again within minutes are three moves, not one: a move to another version lies between.
    /// And the history of an alias at 1 is its latest move, not an older move to 1 with a move away after it.
    #[test]
    fn moves_to_one_version_stay_apart_when_another_lies_between() {
        let mut data = Data::default();
        for m in [moved("1", 0, MoveSource::CloudTrail), moved("2", 2, MoveSource::CloudTrail)] {
            data.apply(Observation::AliasMoved(m));
        }
        assert!(data.last_move_to("checkout-worker", "prod", "1").is_none(), "moved away to 2 since");
        data.apply(Observation::AliasMoved(moved("1", 4, MoveSource::CloudTrail)));
        let times: Vec<i64> = data.alias_moves.iter().map(|m| m.at.timestamp() / 60 % 10).collect();
        assert_eq!(data.alias_moves.len(), 3, "{times:?}");
        // The rollback's own record (its call a few seconds after CloudTrail's) is the third move, not the first.
        let rollback = AliasMove {
            at: moved("1", 4, MoveSource::Operation).at + chrono::Duration::seconds(3),
            ..moved("1", 4, MoveSource::Operation)
        };
        data.apply(Observation::AliasMoved(rollback));
        assert_eq!(data.alias_moves.len(), 3);
        let last = data.last_move_to("checkout-worker", "prod", "1").expect("the rollback");
        assert_eq!((last.source, last.at), (MoveSource::Operation, moved("1", 4, MoveSource::CloudTrail).at));
    }
}
