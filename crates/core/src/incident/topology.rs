//! How the watched resources feed each other (queue → consumer → database), and which earlier onset is upstream
//! of another: what ranks suspects and tells a queue's backlog that follows a database's CPU.

use std::collections::{HashMap, HashSet};

use super::onset::Onset;
use crate::model::{Data, TargetStatus, target_writes_into};

/// How the resources feed each other, from discovery: each queue's consumer, and the databases the consumers
/// write to. Nothing in AWS names a function's database, so every watched database counts as downstream of every
/// consumer: on a dashboard scoped to one service that is the truth, and a wider one only loses ranking detail.
/// With several targets, of every consumer in its own target and in those whose `writes_to` names it
/// (`Data::writes_into`): a consumer in one account is upstream of a database in another when the config says so.
///
/// Built once per analysis (one pass over the queues and clusters), so that each question is a few hash lookups:
/// the analysis asks it for every pair of onsets and every change on the timeline, and scanning every queue for
/// each made a 6,000-resource dashboard's analysis take seconds.
pub struct Topology<'a> {
    data: &'a Data,
    /// Each queue with a consumer, to that consumer.
    consumer_of: HashMap<&'a str, &'a str>,
    /// Every queue's consumer.
    consumers: HashSet<&'a str>,
    /// Every cluster's and DB instance's identifier.
    databases: HashSet<&'a str>,
}

impl<'a> Topology<'a> {
    /// The topology of `data`'s queues, consumers and databases.
    pub fn of(data: &'a Data) -> Self {
        let consumer_of: HashMap<&str, &str> =
            data.queues.iter().filter_map(|q| Some((q.name.as_str(), q.consumer.as_deref()?))).collect();
        let consumers = consumer_of.values().copied().collect();
        let databases = data
            .clusters
            .iter()
            .flat_map(|c| std::iter::once(c.id.as_str()).chain(c.members.iter().map(|m| m.id.as_str())))
            .collect();
        Topology { data, consumer_of, consumers, databases }
    }

    /// The data it was built from.
    pub fn data(&self) -> &'a Data {
        self.data
    }

    /// Whether a change to `changed` can reach `breached`: the same resource, a queue's consumer, a consumer
    /// or a queue upstream of a database, or a database its queues' consumers wait on.
    pub fn feeds(&self, changed: &str, breached: &str) -> bool {
        if changed == breached {
            return true;
        }
        let writes_into = |consumer: &str, database: &str| self.data.writes_into(consumer, database);
        let consumer_of_queue = self.consumer_of.get(breached) == Some(&changed);
        let is_database = self.databases.contains(breached);
        let consumer_into_database = is_database && self.consumers.contains(changed) && writes_into(changed, breached);
        // A queue's traffic reaches its consumer and so the database.
        let queue_into_database =
            is_database && self.consumer_of.get(changed).is_some_and(|c| writes_into(c, breached));
        // And the other way: the consumers wait on the database, so a change to it (a reboot, a migration) holds
        // the queue back.
        let database_under_queue =
            self.databases.contains(changed) && self.consumer_of.get(breached).is_some_and(|c| writes_into(c, changed));
        consumer_of_queue || consumer_into_database || queue_into_database || database_under_queue
    }
}

/// One analysis's onsets, indexed by role and target so that the earliest onset upstream of each is found
/// without asking `Topology::feeds` of every pair: a large account can have thousands of onsets at once, and
/// pairs made that quadratic. Whether one resource feeds another depends only on their roles and their targets,
/// so the earliest onset of each role in each target stands for all of that group.
pub struct Upstream<'a> {
    topology: &'a Topology<'a>,
    onsets: &'a [Onset],
    /// Each resource's onset.
    by_resource: HashMap<&'a str, usize>,
    /// The earliest onset of a consumer or of a queue with a consumer, per the consumer's target (by label;
    /// `None` with one target), with that target.
    writers: HashMap<Option<&'a str>, (Option<&'a TargetStatus>, usize)>,
    /// The earliest onset of a database, per its target.
    databases: HashMap<Option<&'a str>, (Option<&'a TargetStatus>, usize)>,
}

impl<'a> Upstream<'a> {
    /// The index of `onsets` in `topology`.
    pub fn new(topology: &'a Topology<'a>, onsets: &'a [Onset]) -> Self {
        let data = topology.data;
        let earlier = |i: usize, j: usize| (onsets[i].at, i) < (onsets[j].at, j);
        let keep = |groups: &mut HashMap<Option<&'a str>, (Option<&'a TargetStatus>, usize)>, name: &str, i| {
            let target = data.target_of(name);
            let slot = groups.entry(target.map(|t| t.label.as_str())).or_insert((target, i));
            if earlier(i, slot.1) {
                slot.1 = i;
            }
        };
        let (mut by_resource, mut writers, mut databases) = (HashMap::new(), HashMap::new(), HashMap::new());
        for (i, o) in onsets.iter().enumerate() {
            let resource = o.resource.as_str();
            by_resource.entry(resource).or_insert(i);
            if topology.consumers.contains(resource) {
                keep(&mut writers, resource, i);
            }
            if let Some(consumer) = topology.consumer_of.get(resource) {
                keep(&mut writers, consumer, i);
            }
            if topology.databases.contains(resource) {
                keep(&mut databases, resource, i);
            }
        }
        Upstream { topology, onsets, by_resource, writers, databases }
    }

    /// The earliest onset before `o` of another resource that feeds `o`'s (`Topology::feeds`), the first listed
    /// on a tie: the anomaly `o` follows. `None` when nothing upstream went over first.
    pub fn of(&self, o: &Onset) -> Option<&'a Onset> {
        let (topology, data) = (self.topology, self.topology.data);
        let mut candidates: Vec<usize> = Vec::new();
        if let Some(consumer) = topology.consumer_of.get(o.resource.as_str()) {
            // A queue: its consumer, and the databases its consumer waits on.
            candidates.extend(self.by_resource.get(consumer));
            let from = data.target_of(consumer);
            candidates.extend(self.databases.values().filter(|(to, _)| target_writes_into(from, *to)).map(|g| g.1));
        }
        if topology.databases.contains(o.resource.as_str()) {
            // A database: the consumers that may write to it, and their queues.
            let to = data.target_of(&o.resource);
            candidates.extend(self.writers.values().filter(|(from, _)| target_writes_into(*from, to)).map(|g| g.1));
        }
        candidates
            .into_iter()
            .filter(|&i| self.onsets[i].at < o.at && self.onsets[i].resource != o.resource)
            .min_by_key(|&i| (self.onsets[i].at, i))
            .map(|i| &self.onsets[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use chrono::{DateTime, Duration, Utc};

    fn feeds(data: &Data, changed: &str, breached: &str) -> bool {
        Topology::of(data).feeds(changed, breached)
    }

    fn target(label: &str, writes_to: &[&str]) -> TargetStatus {
        TargetStatus {
            label: label.to_string(),
            account: None,
            region: "us-east-1".to_string(),
            read_only: false,
            principal: None,
            credentials: None,
            error: None,
            writes_to: writes_to.iter().map(|w| w.to_string()).collect(),
            answered: true,
        }
    }

    /// Issue 18: with several targets a consumer is upstream of the databases of its own target, and of another
    /// target's only when the config's `writes_to` says its consumers write there.
    #[test]
    fn a_consumer_is_upstream_of_another_targets_database_only_when_the_config_says_so() {
        let fixture = Fixture::new()
            .queue("app/us-east-1/orders", Some("app/us-east-1/orders-consumer"), None)
            .aurora("data/us-east-1/core-db", "data/us-east-1/core-db-1", "data/us-east-1/core-db-2")
            .aurora("app/us-east-1/cache-db", "app/us-east-1/cache-db-1", "app/us-east-1/cache-db-2");
        let mut data = fixture.data();
        let consumer = "app/us-east-1/orders-consumer";
        data.targets = vec![target("app/us-east-1", &[]), target("data/us-east-1", &[])];
        assert!(feeds(&data, consumer, "app/us-east-1/cache-db-1"), "its own target's database");
        assert!(!feeds(&data, consumer, "data/us-east-1/core-db-1"), "another account's, unless said");
        assert!(!feeds(&data, "data/us-east-1/core-db", "app/us-east-1/orders"), "nor the other way");
        data.targets = vec![target("app/us-east-1", &["data"]), target("data/us-east-1", &[])];
        assert!(feeds(&data, consumer, "data/us-east-1/core-db-1"), "writes_to = [\"data\"]");
        assert!(feeds(&data, "app/us-east-1/orders", "data/us-east-1/core-db"), "its queue's traffic too");
        assert!(feeds(&data, "data/us-east-1/core-db", "app/us-east-1/orders"), "and the database holds it back");
    }

    /// The index answers exactly what asking `feeds` of every earlier onset does, across targets with and
    /// without `writes_to`, ties included.
    #[test]
    fn the_upstream_index_agrees_with_asking_every_pair() {
        let fixture = Fixture::new()
            .queue("app/us-east-1/orders", Some("app/us-east-1/orders-consumer"), None)
            .queue("app/us-east-1/audit", Some("app/us-east-1/audit-consumer"), None)
            .queue("app/us-east-1/loose", None, None)
            .queue("web/us-east-1/carts", Some("web/us-east-1/carts-consumer"), None)
            .aurora("data/us-east-1/core-db", "data/us-east-1/core-db-1", "data/us-east-1/core-db-2")
            .aurora("app/us-east-1/cache-db", "app/us-east-1/cache-db-1", "app/us-east-1/cache-db-2")
            .aurora("web/us-east-1/web-db", "web/us-east-1/web-db-1", "web/us-east-1/web-db-2");
        let mut data = fixture.data();
        let resources = [
            "app/us-east-1/orders",
            "app/us-east-1/audit",
            "app/us-east-1/loose",
            "app/us-east-1/orders-consumer",
            "web/us-east-1/carts",
            "web/us-east-1/carts-consumer",
            "data/us-east-1/core-db",
            "app/us-east-1/cache-db",
            "web/us-east-1/web-db",
            "some-composite-alarm",
        ];
        let start = DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap_or_default();
        for writes_to in [&[][..], &["data"][..], &["data", "web"][..]] {
            data.targets =
                vec![target("app/us-east-1", writes_to), target("data/us-east-1", &[]), target("web/us-east-1", &[])];
            let mut followed = 0;
            // Several orders of onset, ties among them (every third minute repeats).
            for shift in 0..resources.len() {
                let onsets: Vec<Onset> = (0..resources.len())
                    .map(|k| Onset {
                        resource: resources[(k + shift) % resources.len()].to_string(),
                        what: String::new(),
                        at: start + Duration::minutes((k - k % 3 * (shift % 2)) as i64),
                        metric: None,
                        rebreaches: Vec::new(),
                        follows: None,
                    })
                    .collect();
                let topology = Topology::of(&data);
                let upstream = Upstream::new(&topology, &onsets);
                for o in &onsets {
                    let every_pair = onsets
                        .iter()
                        .filter(|r| r.at < o.at && r.resource != o.resource && topology.feeds(&r.resource, &o.resource))
                        .min_by_key(|r| r.at);
                    assert_eq!(upstream.of(o), every_pair, "{} with writes_to {writes_to:?}", o.resource);
                    followed += usize::from(every_pair.is_some());
                }
            }
            assert!(followed > resources.len(), "onsets that follow another: {followed}");
        }
    }
}
