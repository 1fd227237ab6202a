//! A follower's source for the loop: the publisher's clock (run on between records at the publisher's speed, so
//! a followed demo's clock is the demo's), where its data comes from, and the follower's own calls (its reads of
//! the stream, its war-room notes). It makes no telemetry call: the feeds come from the stream (`read`), and the
//! loop starts no feed task for it.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use warroom_core::follow::Stamp;
use warroom_core::model::{CallRate, Feed, Observation, TelemetryError};

use crate::aws::connect::Clients;
use crate::telemetry::Telemetry;

/// The publisher's clock as of its newest record: the record's stamp (its dashboard clock, the wall time it was
/// written, the publisher's speed and location).
#[derive(Debug, Clone, Default)]
pub struct Anchor(Arc<Mutex<Option<Stamp>>>);

impl Anchor {
    /// Moves the anchor to `stamp` (a record just read).
    pub fn set(&self, stamp: &Stamp) {
        if let Ok(mut anchor) = self.0.lock() {
            *anchor = Some(stamp.clone());
        }
    }

    /// The publisher's clock at wall-clock `wall`: its clock at the newest record, run on at its speed; the wall
    /// clock before any record.
    pub fn clock_at(&self, wall: DateTime<Utc>) -> DateTime<Utc> {
        match self.0.lock().ok().and_then(|a| a.clone()) {
            Some(stamp) => {
                let real = (wall - stamp.published).num_milliseconds() as f64;
                stamp.clock + chrono::Duration::milliseconds((real * stamp.publisher.speed) as i64)
            }
            None => wall,
        }
    }

    fn location(&self) -> Option<String> {
        self.0.lock().ok().and_then(|a| a.as_ref().map(|stamp| stamp.publisher.location.clone()))
    }
}

/// How a follower starts polling AWS itself when its publisher stops (`Action::PollOwn`): connects and builds
/// the telemetry the config watches, off the loop; an error says which call failed and why.
pub type OwnPolling = Arc<dyn Fn() -> BoxFuture<'static, Result<Arc<dyn Telemetry>, String>> + Send + Sync>;

/// The follower's `Telemetry`: clock and location from the stream, calls from its own clients.
pub struct Followed {
    /// Kept at the newest record by the reader.
    pub anchor: Anchor,
    /// The follower's clients: its S3 reads and war-room writes, for the calls view.
    pub clients: Clients,
    /// Whom it follows, for the header until the first record names the publisher's location.
    pub publisher: String,
}

impl Telemetry for Followed {
    fn location(&self) -> String {
        self.anchor.location().unwrap_or_else(|| format!("following {}", self.publisher))
    }

    fn cadence(&self, _feed: Feed) -> std::time::Duration {
        super::READ_EVERY
    }

    fn now(&self) -> DateTime<Utc> {
        self.anchor.clock_at(Utc::now())
    }

    fn clock_at(&self, wall: DateTime<Utc>) -> DateTime<Utc> {
        self.anchor.clock_at(wall)
    }

    fn call_rates(&self) -> Vec<CallRate> {
        crate::aws::budget::rates(&self.clients.calls, &self.clients.budget)
    }

    /// Never called: a follower's loop starts no feed task (`App::start_tasks`); every feed's answer is the
    /// publisher's, read from the stream. Says so if it ever is.
    fn poll(&self, feed: Feed) -> BoxFuture<'_, Result<Vec<Observation>, TelemetryError>> {
        Box::pin(async move {
            Err(TelemetryError::new(feed.label(), "a follower reads the publisher's stream; it does not poll AWS"))
        })
    }
}
