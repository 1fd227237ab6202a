//! The polling cadences telemetry is read on, and what a whole poll's failure says.

use super::FailureKind;

/// A polling cadence. Each is its own task with its own health, shown per pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Feed {
    /// Real-time counts: SQS queue attributes, message move tasks. Every few seconds.
    Fast,
    /// CloudWatch metric points, aligned to the 60 s period.
    Metrics,
    /// Alarms, aliases and versions, cluster members, events. Every 30 s live.
    Inventory,
}

impl Feed {
    /// Every feed, in the order `index` gives.
    pub const ALL: [Feed; 3] = [Feed::Fast, Feed::Metrics, Feed::Inventory];

    /// The feed as the header names it when it fails: "queues", "metrics", "inventory".
    pub fn label(self) -> &'static str {
        match self {
            Feed::Fast => "queues",
            Feed::Metrics => "metrics",
            Feed::Inventory => "inventory",
        }
    }

    /// Position in `ALL`, for per-feed arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Why a whole poll of a feed gave nothing: its first call failed, it timed out, or it is still waiting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[error("{origin}: {message}")]
pub struct TelemetryError {
    /// What failed: the call (`cloudwatch:GetMetricData`) or, for a poll that never answered, the feed (`queues`).
    pub origin: String,
    /// What happened.
    pub message: String,
    /// Whether the call or its credentials failed.
    pub kind: FailureKind,
}

impl TelemetryError {
    /// A poll that failed for a reason of its own (`origin` names the call or the feed).
    pub fn new(origin: impl Into<String>, message: impl Into<String>) -> TelemetryError {
        TelemetryError { origin: origin.into(), message: message.into(), kind: FailureKind::Call }
    }
}
