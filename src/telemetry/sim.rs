//! The simulator read like AWS: each poll observes the shared simulated world at the clock's present.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use warroom_core::model::{Feed, Observation, TelemetryError};
use warroom_core::operation::Op;
use warroom_core::sim::{Sim, observe};

use super::Telemetry;

/// Telemetry from the simulated incident.
pub struct SimTelemetry {
    sim: Sim,
}

impl SimTelemetry {
    /// Reads `sim` (shared with its operator).
    pub fn new(sim: Sim) -> Self {
        Self { sim }
    }
}

impl Telemetry for SimTelemetry {
    fn location(&self) -> String {
        Sim::location(self.sim.world().scenario())
    }

    fn clock_at(&self, wall: DateTime<Utc>) -> DateTime<Utc> {
        self.sim.clock_at(wall)
    }

    fn reflect_operation(&self, op: &Op, actor: &str) {
        self.sim.reflect(op, actor);
    }

    fn cadence(&self, _feed: Feed) -> Duration {
        Duration::from_secs(1)
    }

    fn now(&self) -> DateTime<Utc> {
        self.sim.now()
    }

    fn poll(&self, feed: Feed) -> BoxFuture<'_, Result<Vec<Observation>, TelemetryError>> {
        Box::pin(async move { Ok(observe(&mut self.sim.world(), feed)) })
    }
}
