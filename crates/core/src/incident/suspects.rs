//! Which change most likely set off each anomaly: the changes in the window before its onset (deploys, alias
//! moves, annotations, operations, management calls), ranked by whether the changed resource is upstream of
//! the breached one (queue → consumer → database) and then by how shortly before the onset it came.

use chrono::{DateTime, Duration, Utc};

use super::onset::Onset;
use crate::model::Data;
use crate::model::{EventKind, TimelineEvent};

/// A change before an onset, with why it is suspected.
#[derive(Debug, Clone, PartialEq)]
pub struct Suspect {
    /// The change.
    pub change: TimelineEvent,
    /// How long before the onset it came.
    pub lead: Duration,
    /// The changed resource is the breached one, or feeds it.
    pub upstream: bool,
    /// What else points at it: "new query since this change: 61 % of core-db-1's DB load: SELECT …"
    /// (`top_sql::evidence`); empty when nothing does.
    pub evidence: Vec<String>,
}

/// How the resources feed each other, from discovery: each queue's consumer, and the databases the consumers
/// write to. Nothing in AWS names a function's database, so every watched database counts as downstream of every
/// consumer: on a dashboard scoped to one service that is the truth, and a wider one only loses ranking detail.
/// With several targets, of every consumer in its own target and in those whose `writes_to` names it
/// (`Data::writes_into`): a consumer in one account is upstream of a database in another when the config says so.
pub fn feeds(data: &Data, changed: &str, breached: &str) -> bool {
    if changed == breached {
        return true;
    }
    let consumer_of_queue = data.queues.iter().any(|q| q.name == breached && q.consumer.as_deref() == Some(changed));
    let is_consumer = data.queues.iter().any(|q| q.consumer.as_deref() == Some(changed));
    let is_database = data.clusters.iter().any(|c| c.id == breached || c.members.iter().any(|m| m.id == breached));
    // A queue's traffic reaches its consumer and so the database.
    let queue_into_database = is_database
        && data
            .queues
            .iter()
            .any(|q| q.name == changed && q.consumer.as_deref().is_some_and(|c| data.writes_into(c, breached)));
    // And the other way: the consumers wait on the database, so a change to it (a reboot, a migration) holds
    // the queue back.
    let changed_database = data.clusters.iter().any(|c| c.id == changed || c.members.iter().any(|m| m.id == changed));
    let database_under_queue = changed_database
        && data
            .queues
            .iter()
            .any(|q| q.name == breached && q.consumer.as_deref().is_some_and(|c| data.writes_into(c, changed)));
    let is_consumer = is_consumer && data.writes_into(changed, breached);
    consumer_of_queue || (is_consumer && is_database) || queue_into_database || database_under_queue
}

/// How far apart an operation and CloudTrail's record of its call may be (the call follows the confirmation by
/// the intent's journaling; CloudTrail's time is the call's).
const OWN_CALL_REACH: Duration = Duration::minutes(2);

/// Whether an event is a change that can set off an anomaly: a deploy, a change, an operation as it started
/// (not its outcome: an operation is one change), never an alarm, a note or what AWS reports of a resource.
pub fn is_change(event: &TimelineEvent) -> bool {
    matches!(event.kind, EventKind::Deploy | EventKind::Change | EventKind::Operation)
}

/// The changes in `window` before `onset`, best suspect first.
pub fn suspects(data: &Data, onset: &Onset, window: Duration) -> Vec<Suspect> {
    suspects_before(data, &onset.resource, onset.at, None, window)
}

/// The changes to rank for an anomaly of `resource` at `at`: those in `window` before it (and after `after`,
/// for a re-breach, whose earlier changes belong to the first onset), best suspect first.
pub fn suspects_before(
    data: &Data,
    resource: &str,
    at: DateTime<Utc>,
    after: Option<DateTime<Utc>>,
    window: Duration,
) -> Vec<Suspect> {
    let operations: Vec<&TimelineEvent> = data.timeline.iter().filter(|e| e.kind == EventKind::Operation).collect();
    // CloudTrail records an operation's own call too (RebootDBInstance on the instance, a minute or so later):
    // the operation is the change, its call is not a second one.
    let own_call = |e: &TimelineEvent| {
        e.kind == EventKind::Change
            && e.text.starts_with("CloudTrail: ")
            && operations.iter().any(|o| o.resource == e.resource && (o.at - e.at).abs() <= OWN_CALL_REACH)
    };
    let mut out: Vec<Suspect> = data
        .timeline
        .iter()
        .filter(|e| is_change(e) && !own_call(e))
        .filter(|e| e.at <= at && at - e.at <= window && after.is_none_or(|a| e.at > a))
        .map(|e| Suspect {
            change: e.clone(),
            lead: at - e.at,
            upstream: e.resource.as_deref().is_some_and(|r| feeds(data, r, resource)),
            evidence: Vec::new(),
        })
        .collect();
    // Upstream first; then the shortest lead; at the same moment a deploy before an annotation or operation,
    // since the deploy is what an annotation usually accompanies.
    out.sort_by_key(|s| (!s.upstream, s.lead, s.change.kind != EventKind::Deploy));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use crate::model::TargetStatus;

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
}
