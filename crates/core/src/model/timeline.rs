//! Timeline events: alarm transitions, deploys, operations and notes, merged into one story.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What kind of thing happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// An alarm changed state (CloudWatch DescribeAlarmHistory).
    Alarm,
    /// A function's alias moved to another version, or a pipeline marked a deploy.
    Deploy,
    /// A change that is not a Lambda version: a migration, a config change, a management call (CloudTrail).
    Change,
    /// Someone's operation, as it started (confirmed in a dashboard, or its journaled intent): a change.
    Operation,
    /// How an operation ended (verified, failed, outcome unknown): not a change of its own — the operation is.
    Outcome,
    /// What AWS reports of a resource (RDS events, a move task's progress): a consequence, not a change —
    /// the call behind it is in CloudTrail or the journal.
    Event,
    /// A note someone wrote.
    Note,
    /// Someone looked at a resource's contents in a way AWS counts (a peek into a DLQ raises receive counts):
    /// guarded and journaled like an operation, but no change a later anomaly or the traffic verdict follows.
    Look,
}

impl EventKind {
    /// The kind in at most six characters, for the timeline pane.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Alarm => "alarm",
            EventKind::Deploy => "deploy",
            EventKind::Change => "change",
            EventKind::Operation => "op",
            EventKind::Outcome => "result",
            EventKind::Event => "event",
            EventKind::Note => "note",
            EventKind::Look => "look",
        }
    }

    /// Kinds that mark the time axis of every chart.
    pub fn is_marker(self) -> bool {
        matches!(self, EventKind::Deploy | EventKind::Change)
    }
}

/// One entry of the timeline.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TimelineEvent {
    /// When it happened (the simulated clock in the demo).
    pub at: DateTime<Utc>,
    /// What kind of thing it was.
    pub kind: EventKind,
    /// The resource it concerns, for the suspect ranking (upstream or not).
    pub resource: Option<String>,
    /// What happened, as one line.
    pub text: String,
    /// Who did it, when known.
    pub actor: Option<String>,
}

impl TimelineEvent {
    /// Who did it, as far as the text does not say so already: the whole actor, or what it adds to the name the
    /// text ends with ("as assumed-role/OnCall/alice" after "… confirmed by alice") or begins with ("alice: …");
    /// `None` when the text says it all or nobody is known.
    pub fn actor_beyond_text(&self) -> Option<String> {
        let actor = self.actor.as_deref()?;
        // A war-room line whose stream could not be checked keeps saying so.
        let (mark, who) = actor.strip_prefix("(unverified) ").map_or(("", actor), |who| ("(unverified) ", who));
        let operator = who.split_once(" as ").map_or(who, |(operator, _)| operator);
        // "… confirmed by alice", or another session's line read back: "alice: roll back … succeeded".
        if !self.text.ends_with(&format!("by {operator}")) && !self.text.starts_with(&format!("{operator}: ")) {
            return Some(actor.to_string());
        }
        Some(format!("{mark}{}", who[operator.len()..].trim_start())).filter(|rest| !rest.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(text: &str, actor: Option<&str>) -> TimelineEvent {
        TimelineEvent {
            at: DateTime::UNIX_EPOCH,
            kind: EventKind::Operation,
            resource: None,
            text: text.into(),
            actor: actor.map(Into::into),
        }
    }

    #[test]
    fn the_actor_is_said_once() {
        let by_alice = "roll back orders-consumer:live 42 → 41 confirmed by alice";
        assert_eq!(event(by_alice, Some("alice")).actor_beyond_text(), None);
        let signed = event(by_alice, Some("alice as assumed-role/OnCall/alice"));
        assert_eq!(signed.actor_beyond_text().as_deref(), Some("as assumed-role/OnCall/alice"));
        assert_eq!(event("deploy orders-consumer 42", Some("bob")).actor_beyond_text().as_deref(), Some("bob"));
        assert_eq!(
            event(by_alice, Some("malice")).actor_beyond_text().as_deref(),
            Some("malice"),
            "a name, not its tail"
        );
        assert_eq!(event("note", None).actor_beyond_text(), None);
        let read_back = event("alice: roll back orders-consumer:live 42 → 41 succeeded", Some("alice as root"));
        assert_eq!(
            read_back.actor_beyond_text().as_deref(),
            Some("as root"),
            "another session's line names its author first"
        );
        let unverified =
            event("alice: roll back orders-consumer:live 42 → 41 started", Some("(unverified) alice as root"));
        assert_eq!(unverified.actor_beyond_text().as_deref(), Some("(unverified) as root"));
    }
}
