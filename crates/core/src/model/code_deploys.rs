//! Deploys that move no alias, read off the mappings: a mapping re-pointed to another version, and `$LATEST`'s
//! code or configuration changing (`CodeSha256`, `LastModified`) between two reads — each a deploy on the
//! timeline, merged with CloudTrail's record of the same call (`UpdateFunctionCode`,
//! `UpdateFunctionConfiguration`, `PublishVersion`) so one change is one entry, with who made it.

use chrono::{DateTime, Duration, Utc};

use super::{Data, EventKind, EventSourceMapping, Qualifier, TimelineEvent};

/// The Lambda calls CloudTrail records that change the code or configuration a consumer runs: deploys.
pub const CODE_CALLS: [&str; 3] = ["UpdateFunctionCode", "UpdateFunctionConfiguration", "PublishVersion"];

/// How CloudTrail's record of a management call on `resource` reads on the timeline.
pub fn cloudtrail_text(call: &str, resource: &str) -> String {
    format!("CloudTrail: {call} on {resource}")
}

/// How far apart two records of one `$LATEST` deploy lie: `LastModified` is stamped as the update lands, CloudTrail's
/// time is the call's, seconds earlier; a pipeline's `PublishVersion` follows within a minute.
const SAME_DEPLOY: Duration = Duration::minutes(1);

/// A `$LATEST` first read this long after its last change is not a deploy of this incident.
const FIRST_SIGHT_REACH: Duration = Duration::hours(24);

/// How long after a verified operation the next poll may read its change: within that, a change that is exactly
/// the operation's is the operation, already on the timeline, not a second change.
const OWN_CHANGE_REACH: Duration = Duration::minutes(10);

/// A change a verified operation of this dashboard made, kept (with its time, in `Data::own_changes`) so that the
/// poll that reads it does not report it as somebody's deploy. Exact: a different change in the same minutes (someone re-pointing the mapping back, a
/// deploy after a refused restore) is still a deploy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum OwnChange {
    /// `queue`'s mapping re-pointed to `invokes` (`name:7`).
    Repoint {
        /// The queue.
        queue: String,
        /// The `FunctionName` it invokes now.
        invokes: String,
    },
    /// `function`'s `$LATEST` given the code whose CodeSha256 is `sha256`.
    Restore {
        /// The function.
        function: String,
        /// The CodeSha256 restored.
        sha256: String,
    },
}

/// The words that mark a `$LATEST` change on the timeline ("billing-handler $LATEST code …").
const LATEST_MARK: &str = " $LATEST ";

impl Data {
    /// Folds in one read of `queue`'s mappings (made at `at`): each keeps what it invoked before a re-point, and
    /// a re-point or a `$LATEST` change since the last read is a deploy on the timeline.
    pub(super) fn fold_mappings(&mut self, queue: String, mut mappings: Vec<EventSourceMapping>, at: DateTime<Utc>) {
        let before = self.mappings.remove(&queue).unwrap_or_default();
        let mut deploys = Vec::new();
        for m in &mut mappings {
            let old = before.iter().find(|o| o.uuid == m.uuid);
            m.previous = old.and_then(|o| o.previous.clone());
            if let Some(o) = old
                && o.qualifier != m.qualifier
            {
                m.previous = Some(o.qualifier.clone());
                let own = OwnChange::Repoint { queue: queue.clone(), invokes: m.qualifier.function_name(&m.function) };
                if !self.made_here(&own, at) {
                    deploys.push(TimelineEvent {
                        at: m.last_modified.unwrap_or(at),
                        kind: EventKind::Deploy,
                        resource: Some(m.function.clone()),
                        text: format!("{queue} now invokes {} (was {})", m.invoked(), o.qualifier.invoked(&o.function)),
                        actor: None,
                    });
                }
            }
            // A restore this dashboard made is its operation, not a deploy of its own.
            let restored = m.code.as_ref().is_some_and(|c| {
                let own = OwnChange::Restore { function: m.function.clone(), sha256: c.sha256.clone() };
                self.made_here(&own, at)
            });
            deploys.extend(latest_change(m, old, at).filter(|_| !restored));
        }
        super::leading_first(&mut mappings);
        self.mappings.insert(queue, mappings);
        for e in deploys {
            self.record_deploy(e);
        }
    }

    /// Whether a verified operation of this dashboard made exactly `change` shortly before `at`.
    fn made_here(&self, change: &OwnChange, at: DateTime<Utc>) -> bool {
        self.own_changes
            .iter()
            .any(|(when, own)| own == change && at - *when <= OWN_CHANGE_REACH && *when - at <= Duration::minutes(1))
    }

    /// Adds a deploy event, as one entry with an earlier record of the same `$LATEST` change: a poll's
    /// "$LATEST code …" and CloudTrail's `UpdateFunctionCode` within a minute are one deploy, told in the poll's
    /// words (which say what changed) at CloudTrail's time and with its author.
    pub(super) fn record_deploy(&mut self, event: TimelineEvent) {
        // A poll and CloudTrail within a minute, or two polls (through two queues) of the same LastModified; two
        // changes a poll apart stay two.
        let same = self.timeline.iter().position(|e| {
            let one_call = match (is_latest_change(e), is_latest_change(&event)) {
                (true, true) => e.at == event.at,
                (true, false) => is_code_call(&event),
                (false, true) => is_code_call(e),
                (false, false) => false,
            };
            e.kind == EventKind::Deploy
                && e.resource == event.resource
                && (e.at - event.at).abs() <= SAME_DEPLOY
                && one_call
        });
        let Some(i) = same else { return self.push_event(event) };
        let known = self.timeline.remove(i);
        let trail = [&known, &event].into_iter().find(|e| is_code_call(e));
        let polled = [&known, &event].into_iter().find(|e| is_latest_change(e)).unwrap_or(&known);
        let merged = TimelineEvent {
            at: trail.map_or(known.at, |t| t.at.min(polled.at)),
            text: polled.text.clone(),
            actor: known.actor.clone().or(event.actor.clone()),
            ..known.clone()
        };
        self.push_event(merged);
    }
}

/// A poll's record of a `$LATEST` change.
fn is_latest_change(e: &TimelineEvent) -> bool {
    e.text.contains(LATEST_MARK)
}

/// CloudTrail's record of a code or configuration call.
fn is_code_call(e: &TimelineEvent) -> bool {
    let resource = e.resource.as_deref().unwrap_or_default();
    CODE_CALLS.iter().any(|call| e.text == cloudtrail_text(call, resource))
}

/// The deploy a read of a `$LATEST` mapping shows, compared with the last read of it: new code ("billing-handler
/// $LATEST code 1a2b3c4d → 9f8e7d6c"), the same code with a new `LastModified` (a configuration change), or, on
/// first sight, its last change when that was recent.
fn latest_change(m: &EventSourceMapping, old: Option<&EventSourceMapping>, at: DateTime<Utc>) -> Option<TimelineEvent> {
    if m.qualifier != Qualifier::Latest {
        return None;
    }
    let code = m.code.as_ref()?;
    let changed = code.last_modified?;
    let was =
        old.filter(|o| o.qualifier == Qualifier::Latest && o.function == m.function).and_then(|o| o.code.as_ref());
    let what = match was {
        Some(w) if w.last_modified == code.last_modified && w.sha256 == code.sha256 => return None,
        Some(w) if w.sha256 != code.sha256 => format!("code {} → {}", w.sha_prefix(), code.sha_prefix()),
        Some(_) => format!("configuration changed (code {} unchanged)", code.sha_prefix()),
        // First sight of the mapping (a mapping re-pointed to $LATEST is its own deploy).
        None if old.is_none() && at - changed <= FIRST_SIGHT_REACH => {
            format!("last changed (code {})", code.sha_prefix())
        }
        None => return None,
    };
    Some(TimelineEvent {
        at: changed,
        kind: EventKind::Deploy,
        resource: Some(m.function.clone()),
        text: format!("{}{LATEST_MARK}{what}", m.function),
        actor: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Observation;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).unwrap_or_default()
    }

    fn mapping(qualifier: Qualifier, sha: &str, modified: i64) -> EventSourceMapping {
        super::super::mapping::billing_mapping(qualifier, sha, Some(at(modified)))
    }

    fn read(data: &mut Data, m: EventSourceMapping, minute: i64) {
        data.apply(Observation::Mappings { queue: "billing".into(), mappings: vec![m], at: at(minute) });
    }

    fn deploys(data: &Data) -> Vec<(i64, String, Option<String>)> {
        let minute = |t: DateTime<Utc>| (t - at(0)).num_minutes();
        data.timeline
            .iter()
            .filter(|e| e.kind == EventKind::Deploy)
            .map(|e| (minute(e.at), e.text.clone(), e.actor.clone()))
            .collect()
    }

    fn trail(call: &str, minute: i64, actor: &str) -> Observation {
        Observation::Event(TimelineEvent {
            at: at(minute),
            kind: EventKind::Deploy,
            resource: Some("billing-handler".into()),
            text: cloudtrail_text(call, "billing-handler"),
            actor: Some(actor.into()),
        })
    }

    #[test]
    fn a_latest_code_change_between_polls_is_one_deploy_with_cloudtrails_author() {
        let mut data = Data::default();
        // First sight, changed three days ago: no deploy of this incident.
        read(&mut data, mapping(Qualifier::Latest, "AAAAAAAAxx", -3 * 24 * 60), 0);
        assert!(deploys(&data).is_empty());
        // New code at minute 5, read at minute 6; CloudTrail's record of the call arrives later.
        read(&mut data, mapping(Qualifier::Latest, "BBBBBBBBxx", 5), 6);
        data.apply(trail("UpdateFunctionCode", 5, "ci-pipeline"));
        assert_eq!(
            deploys(&data),
            [(5, "billing-handler $LATEST code AAAAAAAA → BBBBBBBB".into(), Some("ci-pipeline".into()))]
        );
        // Read again unchanged: nothing new. A configuration change keeps the code: said so.
        read(&mut data, mapping(Qualifier::Latest, "BBBBBBBBxx", 5), 7);
        read(&mut data, mapping(Qualifier::Latest, "BBBBBBBBxx", 9), 10);
        assert_eq!(deploys(&data)[1].1, "billing-handler $LATEST configuration changed (code BBBBBBBB unchanged)");
        // CloudTrail first, then the poll: still one entry.
        data.apply(trail("UpdateFunctionCode", 20, "bob"));
        read(&mut data, mapping(Qualifier::Latest, "CCCCCCCCxx", 20), 21);
        assert_eq!(deploys(&data).len(), 3, "{:?}", deploys(&data));
        assert_eq!(
            deploys(&data)[2],
            (20, "billing-handler $LATEST code BBBBBBBB → CCCCCCCC".into(), Some("bob".into()))
        );
    }

    #[test]
    fn a_recent_latest_change_on_first_sight_and_a_repointed_mapping_are_deploys() {
        let mut data = Data::default();
        read(&mut data, mapping(Qualifier::Latest, "AAAAAAAAxx", -30), 0);
        assert_eq!(deploys(&data), [(-30, "billing-handler $LATEST last changed (code AAAAAAAA)".into(), None)]);
        read(&mut data, mapping(Qualifier::Version("7".into()), "AAAAAAAAxx", 3), 4);
        assert_eq!(deploys(&data)[1].1, "billing now invokes billing-handler:7 (was billing-handler ($LATEST))");
        assert_eq!(data.mappings_of("billing")[0].previous, Some(Qualifier::Latest));
        // The wiring it left is remembered poll after poll.
        read(&mut data, mapping(Qualifier::Version("7".into()), "AAAAAAAAxx", 3), 5);
        assert_eq!(data.mappings_of("billing")[0].previous, Some(Qualifier::Latest));
    }

    #[test]
    fn what_this_dashboard_changed_is_its_operation_and_anything_else_is_still_a_deploy() {
        let mut data = Data::default();
        read(&mut data, mapping(Qualifier::Version("8".into()), "AAAAAAAAxx", -60), 0);
        data.own_changes
            .push((at(2), OwnChange::Repoint { queue: "billing".into(), invokes: "billing-handler:7".into() }));
        read(&mut data, mapping(Qualifier::Version("7".into()), "AAAAAAAAxx", 2), 3);
        assert!(deploys(&data).is_empty(), "{:?}", deploys(&data));
        assert_eq!(data.mappings_of("billing")[0].previous, Some(Qualifier::Version("8".into())));
        // Someone points it back at $LATEST minutes later: that is theirs, and a deploy.
        read(&mut data, mapping(Qualifier::Latest, "AAAAAAAAxx", -60), 5);
        assert_eq!(deploys(&data)[0].1, "billing now invokes billing-handler ($LATEST) (was billing-handler:7)");
        // A restore this dashboard verified is not a deploy; new code right after it is.
        data.own_changes
            .push((at(6), OwnChange::Restore { function: "billing-handler".into(), sha256: "RESTORED".into() }));
        read(&mut data, mapping(Qualifier::Latest, "RESTORED", 6), 7);
        assert_eq!(deploys(&data).len(), 1, "{:?}", deploys(&data));
        read(&mut data, mapping(Qualifier::Latest, "BADCODE1", 8), 9);
        assert_eq!(deploys(&data)[1].1, "billing-handler $LATEST code RESTORED → BADCODE1");
    }
}
