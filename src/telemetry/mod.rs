//! The read side: one trait, two implementations (the simulator and AWS). Each feed is polled on its own cadence
//! by its own task, so a slow source makes its panes stale and never freezes the screen.

pub mod aws;
pub mod sim;
pub mod targets;

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use warroom_core::model::{Feed, Observation, TelemetryError};
use warroom_core::operation::Op;

/// A source of observations, polled feed by feed.
pub trait Telemetry: Send + Sync {
    /// Where the data comes from, for the header: "<scenario name> (simulated)", or "123456789012 · eu-west-1".
    fn location(&self) -> String;

    /// Real time between two polls of `feed`.
    fn cadence(&self, feed: Feed) -> Duration;

    /// The source's clock: wall time live, the virtual clock in the simulator. Never blocks.
    fn now(&self) -> DateTime<Utc>;

    /// The source's clock at wall-clock instant `wall`: where a line another process wrote then falls on this
    /// dashboard's timeline. Live, the two clocks are one.
    fn clock_at(&self, wall: DateTime<Utc>) -> DateTime<Utc> {
        wall
    }

    /// Another session's operation, read from the shared journal or the war room. AWS already made the change
    /// (it is read back like any other); the simulator makes it in this dashboard's world.
    fn reflect_operation(&self, _op: &Op, _actor: &str) {}

    /// warroom's own AWS calls by API over the last minute, against its budget (`aws::budget`); empty where no
    /// AWS call is made (the simulator).
    fn call_rates(&self) -> Vec<warroom_core::model::CallRate> {
        Vec::new()
    }

    /// The queues and DLQs (by name, as the data names them) the dashboard wants read at the fast cadence: those
    /// on screen, selected, breaching, alarming, with a growing DLQ (`State::hot_queues`). Where an account has
    /// more queues than a fast poll can read under the SQS pace, the others are read in turn; nothing changes
    /// where it has fewer, or in the simulator.
    fn prioritize(&self, _hot: &[String]) {}

    /// Whether part of an earlier poll of `feed` answered late and waits to be collected (a slow target's,
    /// `TargetsTelemetry`): the feed's loop then polls again at once rather than a cadence later, so its rows and
    /// the end of its "still waiting" come when they are in.
    fn late_answer_ready(&self, _feed: Feed) -> bool {
        false
    }

    /// One poll of `feed`: what it observed (a failed call among them is an `Observation::Problem`), or why the
    /// whole poll failed.
    fn poll(&self, feed: Feed) -> BoxFuture<'_, Result<Vec<Observation>, TelemetryError>>;
}
