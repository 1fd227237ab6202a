//! The simulator's operator: the same calls as AWS, applied to the simulated world (`World::apply`), verified by
//! reading the world until it shows the effect (`World::verify`).

use std::time::Duration;

use futures_util::future::BoxFuture;
use warroom_core::operation::{Baseline, Op, OpError, Verified};
use warroom_core::sim::Sim;

use super::Operator;

/// How long (simulated) verification waits for the resource to settle.
const VERIFY_WITHIN: chrono::Duration = chrono::Duration::minutes(15);
/// How often (real time) verification reads the world.
const READ_EVERY: Duration = Duration::from_millis(100);

/// Operations on the simulated incident.
pub struct SimOperator {
    sim: Sim,
}

impl SimOperator {
    /// Operates `sim` (shared with its telemetry).
    pub fn new(sim: Sim) -> Self {
        Self { sim }
    }
}

impl Operator for SimOperator {
    fn baseline<'a>(&'a self, _op: &'a Op) -> BoxFuture<'a, Baseline> {
        // The simulated calls happen in-process, at once: the world itself is the proof, read by `World::verify`.
        Box::pin(async move { Baseline::at(self.sim.now()) })
    }

    fn execute<'a>(&'a self, op: &'a Op, actor: &'a str) -> BoxFuture<'a, Result<String, OpError>> {
        Box::pin(async move { self.sim.world().apply(op, actor) })
    }

    fn verify<'a>(&'a self, op: &'a Op, _baseline: &'a Baseline) -> BoxFuture<'a, Result<Verified, OpError>> {
        Box::pin(async move {
            let deadline = self.sim.now() + VERIFY_WITHIN;
            loop {
                if let Some(seen) = self.sim.world().verify(op) {
                    return Ok(seen);
                }
                if self.sim.now() > deadline {
                    return Err(OpError::NotVerified(format!(
                        "{} did not settle within 15 simulated minutes",
                        op.target()
                    )));
                }
                tokio::time::sleep(READ_EVERY).await;
            }
        })
    }
}
