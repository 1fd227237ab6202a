//! Alias history: each move of a Lambda alias from one version to another, from whichever record saw it — two
//! polls that read different versions, CloudTrail's `UpdateAlias`/`CreateAlias`, an operation's verified outcome
//! (this session's, or another's from the journal). Several records of one move become one: the best time, the
//! previous version and who made it, from whichever record knows them.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{EventKind, TimelineEvent};

/// What recorded a move, best last: a record later in this order knows more (an exact time, an author).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveSource {
    /// Two polls of ListAliases read different versions: the move happened at or before `at`, the second poll.
    Polled,
    /// A CloudTrail `UpdateAlias` or `CreateAlias` event: the call's own time and who made it.
    CloudTrail,
    /// An operation warroom made and verified (this session's, or another's read from the journal).
    Operation,
}

/// One move of an alias.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliasMove {
    /// The function's name.
    pub function: String,
    /// The alias's name.
    pub alias: String,
    /// The version before the move; `None` when the record does not say (CloudTrail's UpdateAlias names only the
    /// new version; CreateAlias has none).
    pub from: Option<String>,
    /// The version after the move.
    pub to: String,
    /// When: the call's time (CloudTrail, an operation), or the poll that first saw it (`Polled`).
    pub at: DateTime<Utc>,
    /// What recorded it.
    pub source: MoveSource,
    /// Who made it, when the record says (CloudTrail's user name, an operation's author).
    pub actor: Option<String>,
    /// Where the function is, when a journal line recorded it: its name is then made this session's, whatever
    /// targets the session that wrote the line watched (`Data::localize`). `None` for what this session read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<super::Place>,
}

/// How far before the poll that saw a move its call may lie and still be the same move: the inventory poll's
/// cadence, widened for a poll that waited on a slow endpoint.
const POLL_REACH: i64 = 10;

/// How far apart two exact records (CloudTrail's event time, an operation's verification) of one move may be:
/// the operation's outcome is stamped after its verification, which can take minutes.
const EXACT_REACH: i64 = 16;

impl AliasMove {
    /// Whether `other` records the same move: same alias, same new version, the previous versions agreeing
    /// where both are known, and the times close enough for what each record's time means.
    pub fn same_move(&self, other: &AliasMove) -> bool {
        if (&self.function, &self.alias, &self.to) != (&other.function, &other.alias, &other.to) {
            return false;
        }
        if let (Some(a), Some(b)) = (&self.from, &other.from)
            && a != b
        {
            return false;
        }
        let (polled, exact) = match (self.source, other.source) {
            // Two dashboards' polls (one journaled, one this session's) see one move at different times.
            (MoveSource::Polled, MoveSource::Polled) => {
                return (self.at - other.at).abs() <= Duration::minutes(POLL_REACH);
            }
            (MoveSource::Polled, _) => (self, other),
            (_, MoveSource::Polled) => (other, self),
            _ => return (self.at - other.at).abs() <= Duration::minutes(EXACT_REACH),
        };
        // A poll sees a move after it happens, within a poll or two; a clock a little ahead is allowed for.
        let lead = polled.at - exact.at;
        lead >= -Duration::minutes(1) && lead <= Duration::minutes(POLL_REACH)
    }

    /// `self` with what `other` (a record of the same move) adds: the better record's time and source, the
    /// previous version and the author from whichever knows them.
    pub fn merged(&self, other: &AliasMove) -> AliasMove {
        let (best, rest) = if other.source > self.source { (other, self) } else { (self, other) };
        AliasMove {
            from: best.from.clone().or_else(|| rest.from.clone()),
            actor: best.actor.clone().or_else(|| rest.actor.clone()),
            place: best.place.clone().or_else(|| rest.place.clone()),
            // A CloudTrail event's time is the call's; an operation's record is stamped after its verification.
            at: if best.source == MoveSource::Operation && rest.source == MoveSource::CloudTrail {
                rest.at
            } else {
                best.at
            },
            ..best.clone()
        }
    }

    /// "orders-consumer live → v42 (was v41)".
    pub fn text(&self) -> String {
        let was = self.from.as_deref().map_or(String::new(), |f| format!(" (was v{f})"));
        format!("{} {} → v{}{was}", self.function, self.alias, self.to)
    }

    /// The move as a deploy on the timeline; `None` for an operation, whose own entries are the change.
    pub fn timeline_event(&self) -> Option<TimelineEvent> {
        (self.source != MoveSource::Operation).then(|| TimelineEvent {
            at: self.at,
            kind: EventKind::Deploy,
            resource: Some(self.function.clone()),
            text: self.text(),
            actor: self.actor.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u32, second: u32) -> DateTime<Utc> {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
            .and_then(|d| d.and_hms_opt(14, minute, second))
            .map(|t| t.and_utc())
            .expect("time")
    }

    fn moved(from: Option<&str>, to: &str, at: DateTime<Utc>, source: MoveSource) -> AliasMove {
        AliasMove {
            function: "checkout-worker".into(),
            alias: "prod".into(),
            from: from.map(Into::into),
            to: to.into(),
            at,
            source,
            actor: None,
            place: None,
        }
    }

    #[test]
    fn a_poll_and_cloudtrail_are_one_move_with_the_call_time_and_the_previous_version() {
        let polled = moved(Some("1"), "2", at(5, 30), MoveSource::Polled);
        let trail = AliasMove { actor: Some("alice".into()), ..moved(None, "2", at(5, 2), MoveSource::CloudTrail) };
        assert!(polled.same_move(&trail) && trail.same_move(&polled));
        let one = polled.merged(&trail);
        assert_eq!((one.from.as_deref(), one.at, one.source), (Some("1"), at(5, 2), MoveSource::CloudTrail));
        assert_eq!(one.actor.as_deref(), Some("alice"));
        assert_eq!(one.text(), "checkout-worker prod → v2 (was v1)");
    }

    #[test]
    fn different_versions_or_distant_times_are_different_moves() {
        let polled = moved(Some("1"), "2", at(30, 0), MoveSource::Polled);
        assert!(!polled.same_move(&moved(Some("3"), "2", at(29, 50), MoveSource::CloudTrail)), "another from");
        assert!(!polled.same_move(&moved(None, "2", at(5, 0), MoveSource::CloudTrail)), "25 min before the poll");
        assert!(!polled.same_move(&moved(None, "2", at(32, 0), MoveSource::CloudTrail)), "after the poll saw it");
        assert!(!polled.same_move(&moved(Some("1"), "3", at(29, 50), MoveSource::Operation)), "another to");
    }

    #[test]
    fn an_operation_is_no_deploy_on_the_timeline() {
        assert!(moved(Some("2"), "1", at(7, 0), MoveSource::Operation).timeline_event().is_none());
        let e = moved(Some("1"), "2", at(5, 0), MoveSource::Polled).timeline_event().expect("a deploy");
        assert_eq!((e.kind, e.text.as_str()), (EventKind::Deploy, "checkout-worker prod → v2 (was v1)"));
    }
}
