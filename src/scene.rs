//! Fixed moments of the demo incident, built without a runtime or terminal: the world is stepped to a simulated
//! minute and every feed is folded into a `State` exactly as the app does. Snapshot tests, screenshots and state
//! tests use it, so what they check is what the dashboard shows.

use crate::config::Thresholds;
use crate::state::{Mode, Msg, State};
use crate::telemetry::sim::{Scenario, World, observe};
use crate::telemetry::{Feed, SourceInfo};

pub struct Scene {
    pub world: World,
    pub state: State,
}

impl Scene {
    /// The seed incident at `minute` after its start, seen by operator "alice".
    pub fn at_minute(minute: f64, read_only: bool) -> Scene {
        let scenario = match Scenario::seed_incident() {
            Ok(s) => s,
            // The seed scenario is compiled in and parsed by a unit test; this cannot fail at run time.
            Err(e) => panic!("built-in scenario is invalid: {e}"),
        };
        Scene::of(scenario, minute, read_only)
    }

    /// Any scenario at `minute` after its start.
    pub fn of(scenario: Scenario, minute: f64, read_only: bool) -> Scene {
        let world = World::new(scenario);
        let mode = Mode {
            read_only,
            source: SourceInfo { live: false, location: "simulated".to_string() },
            operator: "alice".to_string(),
        };
        let state = State::new(mode, Thresholds::default(), world.now());
        let mut scene = Scene { world, state };
        scene.advance_to(minute);
        scene
    }

    /// Steps the world to `minute` and polls every feed into the state.
    pub fn advance_to(&mut self, minute: f64) {
        let t = self.world.at_minute(minute);
        self.world.advance_to(t);
        self.poll();
    }

    pub fn poll(&mut self) {
        for feed in Feed::ALL {
            let observations = observe(&mut self.world, feed);
            self.state.update(Msg::Telemetry { feed, result: Ok(observations) });
        }
        self.state.update(Msg::Tick(self.world.now()));
    }
}
