//! The demo's history for `export --demo`: the scenario replayed from its start, with the journal's operations
//! applied at the simulated moments they were made. The simulation is deterministic, so the postmortem tells
//! the story the dashboard showed.

use chrono::{DateTime, Duration, Utc};

use crate::config::Thresholds;
use crate::journal::{EntryKind, JournalEntry};
use crate::model::{Feed, Session, SessionKind};
use crate::sim::{Scenario, World, observe};
use crate::state::{Msg, State};

/// The journal lines of the last demo session: a journal kept across runs holds several, each starting again
/// at the scenario's clock, so a session ends where the simulated clock goes backwards.
pub fn last_demo_session(journal: &[JournalEntry]) -> Vec<JournalEntry> {
    let mut session: Vec<JournalEntry> = Vec::new();
    for e in journal.iter().filter(|e| e.session.kind == SessionKind::Demo) {
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
    let session = Session { operator: "export".to_string(), kind: SessionKind::Demo, read_only: true };
    let mut state = State::new(session, crate::sim::Sim::location(world.scenario()), thresholds, world.now());
    let intents = journal.iter().filter(|e| e.kind == EntryKind::Intent && e.clock <= until);
    for entry in intents {
        let Some(op) = entry.op() else { continue };
        world.advance_to(entry.clock);
        // A call rejected then is rejected again now: the replay is the same world at the same moment.
        let _ = world.apply(&op, &entry.session.operator);
        poll(&mut world, &mut state);
    }
    world.advance_to(until);
    poll(&mut world, &mut state);
    state
}
