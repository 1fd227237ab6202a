//! The simulator: a scenario engine on an accelerated virtual clock. The `warroom` crate reads it like AWS would
//! be read (its `SimTelemetry`) and changes it like AWS would be changed (its `SimOperator`); both share one `Sim`.

pub mod scenario;
pub mod world;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::model::{Feed, Observation};
use crate::operation::Op;
pub use scenario::Scenario;
pub use world::World;

/// Simulated seconds per real second when `--speed` is not given.
pub const DEFAULT_SPEED: f64 = 10.0;

/// Maps real time to simulated time: `speed` simulated seconds per real second, from where the world stood
/// when the clock started.
#[derive(Debug, Clone, Copy)]
pub struct SimClock {
    origin_real: Instant,
    /// The wall clock at `origin_real`: where other processes' lines (stamped with the wall clock) fall.
    origin_wall: DateTime<Utc>,
    origin_virtual: DateTime<Utc>,
    speed: f64,
}

impl SimClock {
    /// The simulated time now.
    pub fn now(&self) -> DateTime<Utc> {
        let elapsed = self.origin_real.elapsed().as_secs_f64() * self.speed;
        self.origin_virtual + chrono::Duration::milliseconds((elapsed * 1000.0) as i64)
    }

    /// The simulated time at wall-clock instant `wall` (before the clock started too, as far back as asked).
    pub fn at(&self, wall: DateTime<Utc>) -> DateTime<Utc> {
        let real_ms = (wall - self.origin_wall).num_milliseconds() as f64;
        self.origin_virtual + chrono::Duration::milliseconds((real_ms * self.speed) as i64)
    }
}

/// A world and its clock, shared by the telemetry and the operator.
#[derive(Debug, Clone)]
pub struct Sim {
    inner: Arc<Mutex<World>>,
    clock: SimClock,
}

impl Sim {
    /// Where a demo's data comes from, for the postmortem's title and source: `<scenario name> (simulated)`, the
    /// same for the dashboard, its export key and `export --demo`.
    pub fn location(scenario: &Scenario) -> String {
        format!("{} (simulated)", scenario.name)
    }

    /// Pre-rolls the scenario's warm-up (so the demo opens with history) and starts the clock there.
    pub fn start(scenario: Scenario, speed: f64) -> Sim {
        Sim::join(scenario, speed, None, &[])
    }

    /// Like `start`, then, joining another dashboard's run in progress (`export::RunInProgress`), rolled on to
    /// that run's `clock`, each of its `operations` (when on its clock, what, by whom) made at the moment it was
    /// made there: this dashboard shows what the other's shows, on the same clock. The clock runs at `speed`
    /// from there.
    pub fn join(
        scenario: Scenario,
        speed: f64,
        clock: Option<DateTime<Utc>>,
        operations: &[(DateTime<Utc>, Op, String)],
    ) -> Sim {
        let mut world = World::new(scenario);
        let warmup = world.at_minute(f64::from(world.scenario().warmup_minutes));
        world.advance_to(warmup);
        for (at, op, actor) in operations {
            world.advance_to(*at);
            // That run's world answered the call; a refusal here is its refusal too.
            let _ = world.apply(op, actor);
        }
        if let Some(clock) = clock {
            world.advance_to(clock);
        }
        let clock = SimClock {
            origin_real: Instant::now(),
            origin_wall: Utc::now(),
            origin_virtual: world.now(),
            speed: speed.max(0.0),
        };
        Sim { inner: Arc::new(Mutex::new(world)), clock }
    }

    /// The simulated time now.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The simulated time at wall-clock instant `wall`: where a line another process wrote then (an
    /// `annotate --demo`, another demo dashboard) falls on this simulation's timeline.
    pub fn clock_at(&self, wall: DateTime<Utc>) -> DateTime<Utc> {
        self.clock.at(wall)
    }

    /// Another session's operation, read from the shared journal: this world makes the change as it did in that
    /// session's, so that an observer of the demo shows what the operator did. Its answer is that session's to
    /// report: a call its world refused is refused here too, and nothing more is said.
    pub fn reflect(&self, op: &Op, actor: &str) {
        let _ = self.world().apply(op, actor);
    }

    /// The world, advanced to the clock's present. A poisoned lock means a panic elsewhere already ended the
    /// program's usefulness; recovering the data keeps the dashboard readable meanwhile.
    pub fn world(&self) -> MutexGuard<'_, World> {
        let mut world = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        world.advance_to(self.clock.now());
        world
    }
}

/// What one poll of `feed` sees in `world`.
pub fn observe(world: &mut World, feed: Feed) -> Vec<Observation> {
    match feed {
        Feed::Fast => world.fast_snapshot(),
        Feed::Metrics => world.drain_metrics(),
        Feed::Inventory => {
            let mut out = world.inventory_snapshot();
            out.extend(world.drain_events());
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wall_clock_instant_falls_on_the_simulated_timeline_at_the_clocks_speed() {
        let origin_virtual = Utc::now() - chrono::Duration::days(8);
        let origin_wall = Utc::now();
        let clock = SimClock { origin_real: Instant::now(), origin_wall, origin_virtual, speed: 10.0 };
        assert_eq!(clock.at(origin_wall), origin_virtual);
        assert_eq!(clock.at(origin_wall + chrono::Duration::seconds(6)), origin_virtual + chrono::Duration::minutes(1));
        assert_eq!(clock.at(origin_wall - chrono::Duration::seconds(6)), origin_virtual - chrono::Duration::minutes(1));
    }
}
