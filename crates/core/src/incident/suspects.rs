//! Which change most likely set off each anomaly: the changes in the window before its onset (deploys, alias
//! moves, annotations, operations, management calls), ranked by whether the changed resource is upstream of
//! the breached one (queue → consumer → database) and then by how shortly before the onset it came.

use chrono::{DateTime, Duration, Utc};

use super::onset::Onset;
use super::topology::Topology;
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

/// How far apart an operation and CloudTrail's record of its call may be (the call follows the confirmation by
/// the intent's journaling; CloudTrail's time is the call's).
const OWN_CALL_REACH: Duration = Duration::minutes(2);

/// Whether an event is a change that can set off an anomaly: a deploy, a change, an operation as it started
/// (not its outcome: an operation is one change), never an alarm, a note or what AWS reports of a resource.
pub fn is_change(event: &TimelineEvent) -> bool {
    matches!(event.kind, EventKind::Deploy | EventKind::Change | EventKind::Operation)
}

/// The changes in `window` before `onset`, best suspect first.
pub fn suspects(topology: &Topology, onset: &Onset, window: Duration) -> Vec<Suspect> {
    suspects_before(topology, &onset.resource, onset.at, None, window)
}

/// The changes to rank for an anomaly of `resource` at `at`: those in `window` before it (and after `after`,
/// for a re-breach, whose earlier changes belong to the first onset), best suspect first.
pub fn suspects_before(
    topology: &Topology,
    resource: &str,
    at: DateTime<Utc>,
    after: Option<DateTime<Utc>>,
    window: Duration,
) -> Vec<Suspect> {
    let data = topology.data();
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
            upstream: e.resource.as_deref().is_some_and(|r| topology.feeds(r, resource)),
            evidence: Vec::new(),
        })
        .collect();
    // Upstream first; then the shortest lead; at the same moment a deploy before an annotation or operation,
    // since the deploy is what an annotation usually accompanies.
    out.sort_by_key(|s| (!s.upstream, s.lead, s.change.kind != EventKind::Deploy));
    out
}
