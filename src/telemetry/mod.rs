//! The read side: one trait, two implementations (the simulator here, AWS in the next step). Each feed is polled
//! on its own cadence by its own task, so a slow source makes its panes stale and never freezes the screen.

pub mod aws;
pub mod sim;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::model::Observation;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A polling cadence. Each is its own task with its own health, shown per pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Feed {
    /// Real-time counts: SQS queue attributes, message move tasks. Seconds.
    Fast,
    /// CloudWatch metric points, aligned to the 60 s period.
    Metrics,
    /// Alarms, aliases and versions, cluster members, events.
    Inventory,
}

impl Feed {
    pub const ALL: [Feed; 3] = [Feed::Fast, Feed::Metrics, Feed::Inventory];

    pub fn label(self) -> &'static str {
        match self {
            Feed::Fast => "queues",
            Feed::Metrics => "metrics",
            Feed::Inventory => "inventory",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{service}: {message}")]
pub struct TelemetryError {
    pub service: String,
    pub message: String,
}

/// Where the data comes from, for the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    pub live: bool,
    /// "simulated", or "123456789012 · eu-west-1".
    pub location: String,
}

pub trait Telemetry: Send + Sync {
    fn source(&self) -> SourceInfo;

    /// Real time between two polls of `feed`.
    fn cadence(&self, feed: Feed) -> Duration;

    /// The source's clock: wall time live, the virtual clock in the simulator. Never blocks.
    fn now(&self) -> DateTime<Utc>;

    fn poll(&self, feed: Feed) -> BoxFuture<'_, Result<Vec<Observation>, TelemetryError>>;
}
