//! The read side: one trait, two implementations (the simulator and AWS). Each feed is polled on its own cadence
//! by its own task, so a slow source makes its panes stale and never freezes the screen.

pub mod aws;
pub mod sim;

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use warroom_core::model::{Feed, Observation, TelemetryError};

/// A source of observations, polled feed by feed.
pub trait Telemetry: Send + Sync {
    /// Where the data comes from, for the header: "<scenario name> (simulated)", or "123456789012 · eu-west-1".
    fn location(&self) -> String;

    /// Real time between two polls of `feed`.
    fn cadence(&self, feed: Feed) -> Duration;

    /// The source's clock: wall time live, the virtual clock in the simulator. Never blocks.
    fn now(&self) -> DateTime<Utc>;

    /// One poll of `feed`: what it observed (a failed call among them is an `Observation::Problem`), or why the
    /// whole poll failed.
    fn poll(&self, feed: Feed) -> BoxFuture<'_, Result<Vec<Observation>, TelemetryError>>;
}
