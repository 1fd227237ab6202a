//! The demo's history for `export --demo`: the scenario replayed from its start, with the journal's operations
//! applied at the simulated moments they were made. The simulation is deterministic, so the postmortem tells
//! the story the dashboard showed.

use chrono::{DateTime, Duration, Utc};

use crate::config::Thresholds;
use crate::journal::{EntryKind, JournalEntry};
use crate::ops::sim::apply;
use crate::state::{Mode, Msg, State};
use crate::telemetry::sim::{Scenario, World, observe};
use crate::telemetry::{Feed, SourceInfo};

/// The journal lines of the last demo session: a journal kept across runs holds several, each starting again
/// at the scenario's clock, so a session ends where the simulated clock goes backwards.
pub fn last_demo_session(journal: &[JournalEntry]) -> Vec<JournalEntry> {
    let mut session: Vec<JournalEntry> = Vec::new();
    for e in journal.iter().filter(|e| e.session.mode == "demo") {
        if session.last().is_some_and(|last| e.clock < last.clock) {
            session.clear();
        }
        session.push(e.clone());
    }
    session
}

/// Where a demo postmortem ends by default: ten minutes after the last journal line, or three quarters of an
/// hour into the incident when nobody did anything.
pub fn default_until(scenario: &Scenario, journal: &[JournalEntry]) -> DateTime<Utc> {
    match journal.last() {
        Some(last) => last.clock + Duration::minutes(10),
        None => World::new(scenario.clone()).now() + Duration::minutes(45),
    }
}

fn poll(world: &mut World, state: &mut State) {
    for feed in Feed::ALL {
        let observations = observe(world, feed);
        state.update(Msg::Telemetry { feed, result: Ok(observations) });
    }
}

/// The world from the scenario's start to `until`, with the journal's operations applied, folded into a state.
pub fn replay(scenario: Scenario, journal: &[JournalEntry], thresholds: Thresholds, until: DateTime<Utc>) -> State {
    let mut world = World::new(scenario);
    let mode = Mode {
        read_only: true,
        source: SourceInfo { live: false, location: "demo (simulated)".to_string() },
        operator: "export".to_string(),
    };
    let mut state = State::new(mode, thresholds, world.now());
    let intents = journal.iter().filter(|e| e.kind == EntryKind::Intent && e.clock <= until);
    for entry in intents {
        let Some(op) = entry.op() else { continue };
        world.advance_to(entry.clock);
        // A call refused then is refused again now: the replay is the same world at the same moment.
        let _ = apply(&mut world, &op, &entry.session.operator);
        poll(&mut world, &mut state);
    }
    world.advance_to(until);
    poll(&mut world, &mut state);
    state
}
