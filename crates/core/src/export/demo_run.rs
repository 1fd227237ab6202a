//! Which journal lines make up the last demo run, on one simulated clock. A journal kept across demo runs holds
//! several; a run of the team exercise holds several sessions at once (the operator's dashboard, an observer's,
//! `annotate --demo`), each simulation on its own clock. The run is the latest session and every session that
//! overlaps it in wall-clock time; its lines are placed on the clock of the session that operated (the one with
//! the most operations), each other line by when it was written (its wall-clock `time`), as a dashboard places
//! other sessions' lines (`Telemetry::clock_at`).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::journal::{EntryKind, JournalEntry};
use crate::model::SessionKind;
use crate::sim::DEFAULT_SPEED;

/// The session id `warroom annotate` writes under (`annotate-<pid>`).
pub const ANNOTATE_PREFIX: &str = "annotate-";

/// How far apart two sessions' lines may be in wall time and still be one run: a note typed a minute after the
/// other dashboard's last line belongs to the same exercise.
const SLACK: i64 = 120;

/// The last demo run's lines, on the operating session's simulated clock, in clock order.
pub fn last_demo_run(journal: &[JournalEntry]) -> Vec<JournalEntry> {
    let mut sessions: BTreeMap<&str, Vec<&JournalEntry>> = BTreeMap::new();
    for e in journal.iter().filter(|e| e.session.kind == SessionKind::Demo) {
        // A line that names no session (an older version's, a hand-written one) is its writer's: it joins a run
        // only when it was written during one.
        let id = e.session_id.as_deref().unwrap_or(e.session.operator.as_str());
        sessions.entry(id).or_default().push(e);
    }
    let span = |lines: &[&JournalEntry]| {
        let times = lines.iter().map(|e| e.time);
        (times.clone().min().unwrap_or_default(), times.max().unwrap_or_default())
    };
    // The latest dashboard's run: `annotate --demo` stamps the wall clock and runs no simulation of its own, so
    // an annotation written after the dashboards closed never starts a run of its own.
    let newest = |dashboards_only: bool| {
        sessions
            .iter()
            .filter(|(id, _)| !dashboards_only || !id.starts_with(ANNOTATE_PREFIX))
            .max_by_key(|(_, lines)| span(lines).1)
            .map(|(id, _)| *id)
    };
    let Some(latest) = newest(true).or_else(|| newest(false)) else { return Vec::new() };
    // Grown from the latest session by every session that overlaps what is in the run so far.
    let (mut from, mut to) = span(&sessions[latest]);
    let mut run = vec![latest];
    loop {
        let joining: Vec<&str> = sessions
            .iter()
            .filter(|(id, lines)| {
                let (start, end) = span(lines);
                !run.contains(id) && start <= to + Duration::seconds(SLACK) && end >= from - Duration::seconds(SLACK)
            })
            .map(|(id, _)| *id)
            .collect();
        if joining.is_empty() {
            break;
        }
        for id in joining {
            let (start, end) = span(&sessions[id]);
            (from, to) = (from.min(start), to.max(end));
            run.push(id);
        }
    }
    let intents = |id: &&str| sessions[*id].iter().filter(|e| e.kind == EntryKind::Intent).count();
    let reference = run.iter().max_by_key(|id| (intents(id), sessions[**id].len())).copied().unwrap_or(latest);
    let clock = ClockMap::of(&sessions[reference]);
    let mut lines: Vec<JournalEntry> = run
        .iter()
        .flat_map(|id| sessions[*id].iter().map(|e| (*id, *e)))
        .map(|(id, e)| {
            let mut line = e.clone();
            // A line that names no session came from a version that wrote the simulated clock: it keeps it.
            if id != reference && e.session_id.is_some() {
                line.clock = clock.at(e.time);
            }
            line
        })
        .collect();
    lines.sort_by_key(|e| e.clock);
    lines
}

/// One session's simulated clock against the wall clock, from its own lines: where a wall-clock instant falls.
struct ClockMap {
    /// (wall time, simulated time) of each line.
    points: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Simulated seconds per real second, from its first and last lines (the demo's default when they are too
    /// close to tell).
    speed: f64,
}

impl ClockMap {
    fn of(lines: &[&JournalEntry]) -> ClockMap {
        let points: Vec<_> = lines.iter().map(|e| (e.time, e.clock)).collect();
        let speed = match (points.first(), points.last()) {
            (Some(a), Some(b)) if (b.0 - a.0).num_milliseconds() > 1_000 => {
                (b.1 - a.1).num_milliseconds() as f64 / (b.0 - a.0).num_milliseconds() as f64
            }
            _ => DEFAULT_SPEED,
        };
        ClockMap { points, speed }
    }

    /// The simulated time at wall-clock `wall`, from the nearest line.
    fn at(&self, wall: DateTime<Utc>) -> DateTime<Utc> {
        let Some((time, clock)) = self.points.iter().min_by_key(|(t, _)| (*t - wall).num_milliseconds().abs()) else {
            return wall;
        };
        *clock + Duration::milliseconds(((wall - *time).num_milliseconds() as f64 * self.speed) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::JournalEntry;
    use crate::model::Session;

    fn line(session: &str, kind: EntryKind, wall: i64, clock: DateTime<Utc>) -> JournalEntry {
        let who = Session { operator: session.into(), kind: SessionKind::Demo, read_only: false };
        let t0 = DateTime::parse_from_rfc3339("2026-12-01T06:00:00Z").expect("t").with_timezone(&Utc);
        JournalEntry {
            time: t0 + Duration::seconds(wall),
            session_id: Some(session.into()),
            ..JournalEntry::new(&who, clock, kind)
        }
    }

    #[test]
    fn a_team_exercise_is_one_run_on_the_operators_clock() {
        let sim = |m: i64| {
            DateTime::parse_from_rfc3339("2026-11-23T14:00:00Z").expect("t").with_timezone(&Utc) + Duration::minutes(m)
        };
        let wall_now = |s: i64| {
            DateTime::parse_from_rfc3339("2026-12-01T06:00:00Z").expect("t").with_timezone(&Utc) + Duration::seconds(s)
        };
        let journal = vec![
            // An earlier run, days before: not part of it.
            JournalEntry { time: wall_now(-86_400), ..line("old", EntryKind::Intent, 0, sim(1)) },
            // The operator at 10× from 14:00: a rollback at wall +60 s (14:10), a reboot at +120 s (14:20).
            line("op", EntryKind::Intent, 60, sim(10)),
            line("op", EntryKind::Outcome, 61, sim(10)),
            line("op", EntryKind::Intent, 120, sim(20)),
            // The observer started later: its own clock is behind; it is placed by when it wrote.
            line("observer", EntryKind::Note, 90, sim(13)),
            // annotate --demo stamps the wall clock.
            line("annotate-1", EntryKind::Annotation, 100, wall_now(100)),
            // An annotation long after the dashboards closed starts no run of its own.
            line("annotate-2", EntryKind::Annotation, 900, wall_now(900)),
            // A line of an older version, without a session, written in an earlier run.
            JournalEntry { session_id: None, time: wall_now(-86_000), ..line("legacy", EntryKind::Note, 0, sim(11)) },
        ];
        let run = last_demo_run(&journal);
        let placed: Vec<(&str, DateTime<Utc>)> = run.iter().map(|e| (e.session.operator.as_str(), e.clock)).collect();
        assert_eq!(
            placed,
            [
                ("op", sim(10)),
                ("op", sim(10)),
                ("observer", sim(14) + Duration::seconds(50)),
                ("annotate-1", sim(16) + Duration::seconds(40)),
                ("op", sim(20)),
            ]
        );
    }
}
