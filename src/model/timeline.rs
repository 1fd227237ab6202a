//! Timeline events: alarm transitions, deploys, operations and notes, merged into one story.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Alarm,
    Deploy,
    /// A change that is not a Lambda version: a migration, a config change.
    Change,
    Operation,
    Note,
}

impl EventKind {
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Alarm => "alarm",
            EventKind::Deploy => "deploy",
            EventKind::Change => "change",
            EventKind::Operation => "op",
            EventKind::Note => "note",
        }
    }

    /// Kinds that mark the time axis of every chart.
    pub fn is_marker(self) -> bool {
        matches!(self, EventKind::Deploy | EventKind::Change)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEvent {
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    pub resource: Option<String>,
    pub text: String,
    pub actor: Option<String>,
}
