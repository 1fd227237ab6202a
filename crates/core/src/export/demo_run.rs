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
use crate::operation::Op;
use crate::sim::DEFAULT_SPEED;

/// The session id `warroom annotate` writes under (`annotate-<pid>`).
pub const ANNOTATE_PREFIX: &str = "annotate-";

/// How far apart two sessions' lines may be in wall time and still be one run: a note typed a minute after the
/// other dashboard's last line belongs to the same exercise.
const SLACK: i64 = 120;

/// How long a demo dashboard that wrote `Opened` and never `Closed` (still running, or killed) counts as open
/// after its last line: a run is joined, and an export reaches, no further than this.
const OPEN_FOR: i64 = 3600;

/// The last demo run's lines, on the operating session's simulated clock, in clock order, without the
/// `Opened`/`Closed` lines that delimit it. `now` is the wall clock: a dashboard still open reaches it.
pub fn last_demo_run(journal: &[JournalEntry], now: DateTime<Utc>) -> Vec<JournalEntry> {
    let Some(run) = Run::last(journal, now) else { return Vec::new() };
    let mut lines: Vec<JournalEntry> = run.placed().filter(|e| !is_session_mark(e)).collect();
    lines.sort_by_key(|e| e.clock);
    lines
}

/// A demo run another dashboard is still playing, for a dashboard that joins it: its clock now, and the
/// operations made so far, to be made in the joining simulation at the moments they were made in the run's.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInProgress {
    /// Who operates the run (its session with the most operations; the first to open when none has operated).
    pub operator: String,
    /// The run's simulated clock at `read_at`.
    pub clock: DateTime<Utc>,
    /// Simulated seconds per real second of the run's clock.
    pub speed: f64,
    /// Every operation started in the run (its `Intent` lines): when on the run's clock, what, by whom.
    pub operations: Vec<(DateTime<Utc>, Op, String)>,
    /// Wall clock of the run's first line: the joining dashboard's timeline shows everything written since.
    pub since: DateTime<Utc>,
    /// When the journal was read: later lines reach the joining dashboard through its journal tail.
    pub read_at: DateTime<Utc>,
}

/// The demo run still going at wall-clock `now`, if one is: the last run, when one of its dashboards wrote
/// `Opened`, not yet `Closed`, and a line within the last hour.
pub fn run_in_progress(journal: &[JournalEntry], now: DateTime<Utc>) -> Option<RunInProgress> {
    let run = Run::last(journal, now)?;
    if !run.ids.iter().any(|id| run.is_open(id, now)) {
        return None;
    }
    let mut operations: Vec<_> = run
        .placed()
        .filter(|e| e.kind == EntryKind::Intent)
        .filter_map(|e| Some((e.clock, e.op()?, e.session.operator.clone())))
        .collect();
    operations.sort_by_key(|(at, _, _)| *at);
    let reference = &run.sessions[run.reference];
    Some(RunInProgress {
        operator: reference.first().map(|e| e.session.operator.clone()).unwrap_or_default(),
        clock: run.clock.at(now),
        speed: run.clock.speed,
        operations,
        since: run.from,
        read_at: now,
    })
}

impl RunInProgress {
    /// What the joining dashboard's status line says: `joined alice's demo run at 14:42 (10×), 2 operations
    /// made here too`.
    pub fn joined_text(&self) -> String {
        let made = match self.operations.len() {
            0 => String::new(),
            1 => ", its operation made here too".to_string(),
            n => format!(", its {n} operations made here too"),
        };
        format!("joined {}'s demo run at {} ({}×){made}", self.operator, self.clock.format("%H:%M"), self.speed)
    }
}

/// Whether `note` (a line `annotate --demo` is about to write at wall-clock `now`) lands in a demo run: one a
/// dashboard is playing, or one that closed within the slack. Outside a run it has no simulated time to stand
/// at, and an export would put it on today's wall clock, far from the scenario's incident.
pub fn takes_a_note(journal: &[JournalEntry], note: &JournalEntry, now: DateTime<Utc>) -> bool {
    let mut lines = journal.to_vec();
    lines.push(note.clone());
    let id = note.session_id.as_deref().unwrap_or(note.session.operator.as_str());
    Run::last(&lines, now).is_some_and(|run| run.ids.contains(&id))
}

fn is_session_mark(e: &JournalEntry) -> bool {
    matches!(e.kind, EntryKind::Opened | EntryKind::Closed)
}

/// The sessions of one demo run, and the clock its lines are placed on.
struct Run<'a> {
    sessions: BTreeMap<&'a str, Vec<&'a JournalEntry>>,
    /// The sessions in the run.
    ids: Vec<&'a str>,
    /// The session whose clock the run's lines are placed on.
    reference: &'a str,
    clock: ClockMap,
    /// Wall clock of the run's first line.
    from: DateTime<Utc>,
}

impl<'a> Run<'a> {
    /// The run of the latest dashboard, grown by every session that overlaps it in wall time.
    fn last(journal: &'a [JournalEntry], now: DateTime<Utc>) -> Option<Run<'a>> {
        let mut sessions: BTreeMap<&str, Vec<&JournalEntry>> = BTreeMap::new();
        for e in journal.iter().filter(|e| e.session.kind == SessionKind::Demo) {
            // A line that names no session (an older version's, a hand-written one) is its writer's: it joins a
            // run only when it was written during one.
            let id = e.session_id.as_deref().unwrap_or(e.session.operator.as_str());
            sessions.entry(id).or_default().push(e);
        }
        let span = |id: &str| span_of(&sessions[id], now);
        // The latest dashboard's run: `annotate --demo` stamps the wall clock and runs no simulation of its own,
        // so annotations alone (written with no dashboard's run to stand in) are no run at all.
        let latest =
            sessions.keys().filter(|id| !id.starts_with(ANNOTATE_PREFIX)).max_by_key(|id| span(id).1).copied()?;
        let (mut from, mut to) = span(latest);
        let mut ids = vec![latest];
        loop {
            let joining: Vec<&str> = sessions
                .keys()
                .filter(|id| {
                    let (start, end) = span(id);
                    // A dashboard that journaled its opening is in the run only while it overlapped it: a demo
                    // started after the last one closed is a run of its own. Lines without that (a note from
                    // `annotate`, an older version's) join within the slack.
                    let marked = |id: &str| sessions[id].iter().any(|e| e.kind == EntryKind::Opened);
                    let slack = Duration::seconds(if marked(id) { 0 } else { SLACK });
                    // A line written while another run's dashboard was open is that run's.
                    let elsewhere = !marked(id)
                        && sessions.keys().any(|other| {
                            let (s, e) = span(other);
                            marked(other) && !ids.contains(other) && s <= start && end <= e
                        });
                    !ids.contains(id) && !elsewhere && start <= to + slack && end >= from - slack
                })
                .copied()
                .collect();
            if joining.is_empty() {
                break;
            }
            for id in joining {
                // A line without a session's opening (`annotate`) belongs to the run it falls in, but does not
                // stretch it: otherwise a note between two runs would bridge them. Journals from before the
                // openings were written have nothing else to go by.
                let marked = |id: &str| sessions[id].iter().any(|e| e.kind == EntryKind::Opened);
                if marked(id) || !ids.iter().any(|i| marked(i)) {
                    let (start, end) = span(id);
                    (from, to) = (from.min(start), to.max(end));
                }
                ids.push(id);
            }
        }
        let intents = |id: &&str| sessions[*id].iter().filter(|e| e.kind == EntryKind::Intent).count();
        // The most operations, then the earliest to open: an observer joins the operator's clock, not the reverse.
        let first_line = |id: &&str| sessions[*id].iter().map(|e| e.time).min();
        let reference =
            ids.iter().max_by_key(|id| (intents(id), std::cmp::Reverse(first_line(id)))).copied().unwrap_or(latest);
        let clock = ClockMap::of(&sessions[reference]);
        Some(Run { sessions, ids, reference, clock, from })
    }

    /// Whether dashboard `id` opened and has not closed, with a line within `OPEN_FOR` of `now`.
    fn is_open(&self, id: &str, now: DateTime<Utc>) -> bool {
        let lines = &self.sessions[id];
        lines.iter().any(|e| e.kind == EntryKind::Opened)
            && !lines.iter().any(|e| e.kind == EntryKind::Closed)
            && lines.iter().any(|e| e.time >= now - Duration::seconds(OPEN_FOR))
    }

    /// Every line of the run, placed on the reference session's clock.
    fn placed(&self) -> impl Iterator<Item = JournalEntry> + '_ {
        self.ids.iter().flat_map(|id| self.sessions[*id].iter().map(move |e| (*id, *e))).map(|(id, e)| {
            let mut line = e.clone();
            // A line that names no session came from a version that wrote the simulated clock: it keeps it.
            if id != self.reference && e.session_id.is_some() {
                line.clock = self.clock.at(e.time);
            }
            line
        })
    }
}

/// A session's lifetime in wall time: from its first line to its last, or, for a dashboard that opened and has
/// not closed, on to `now` (at most `OPEN_FOR` past its last line).
fn span_of(lines: &[&JournalEntry], now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let times = lines.iter().map(|e| e.time);
    let (start, last) = (times.clone().min().unwrap_or_default(), times.max().unwrap_or_default());
    let open = lines.iter().any(|e| e.kind == EntryKind::Opened) && !lines.iter().any(|e| e.kind == EntryKind::Closed);
    let end = if open { now.min(last + Duration::seconds(OPEN_FOR)).max(last) } else { last };
    (start, end)
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
        // The speed its `Opened` line recorded, else measured from its first and last lines.
        let recorded = lines.iter().find_map(|e| e.demo_speed());
        let speed = match (recorded, points.first(), points.last()) {
            (Some(speed), _, _) => speed,
            (None, Some(a), Some(b)) if (b.0 - a.0).num_milliseconds() > 1_000 => {
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
        let run = last_demo_run(&journal, wall_now(1_000));
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

    fn sim(m: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-23T14:00:00Z").expect("t").with_timezone(&Utc) + Duration::minutes(m)
    }

    fn mark(session: &str, kind: EntryKind, wall: i64, clock: DateTime<Utc>, speed: f64) -> JournalEntry {
        let who = Session { operator: session.into(), kind: SessionKind::Demo, read_only: false };
        let t0 = line(session, kind, wall, clock).time;
        JournalEntry {
            time: t0,
            session_id: Some(session.into()),
            ..JournalEntry::demo_session(&who, clock, kind, speed)
        }
    }

    fn rollback() -> Op {
        Op::Rollback { function: "orders-consumer".into(), alias: "live".into(), from: "42".into(), to: "41".into() }
    }

    fn intent(session: &str, wall: i64, clock: DateTime<Utc>) -> JournalEntry {
        JournalEntry {
            parameters: serde_json::to_value(rollback()).ok(),
            ..line(session, EntryKind::Intent, wall, clock)
        }
    }

    #[test]
    fn a_note_long_after_the_operators_last_line_is_in_the_run_while_both_were_open() {
        let wall = |s: i64| line("x", EntryKind::Note, s, sim(0)).time;
        let journal = vec![
            mark("op", EntryKind::Opened, 0, sim(30), 10.0),
            intent("op", 60, sim(40)),
            mark("observer", EntryKind::Opened, 20, sim(30), 10.0),
            // Nearly three minutes after the operator's last operation: the observer's dashboard was open all along.
            line("observer", EntryKind::Note, 227, sim(67)),
            mark("op", EntryKind::Closed, 300, sim(80), 10.0),
            mark("observer", EntryKind::Closed, 310, sim(80), 10.0),
        ];
        let run = last_demo_run(&journal, wall(400));
        let kinds: Vec<EntryKind> = run.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EntryKind::Intent, EntryKind::Note], "the marks delimit the run, they are not in it");
        // Closed: no run is in progress, nothing to join.
        assert_eq!(run_in_progress(&journal, wall(400)), None);
    }

    #[test]
    fn a_dashboard_joins_the_run_in_progress_at_its_clock_and_speed_with_its_operations() {
        let wall = |s: i64| line("x", EntryKind::Note, s, sim(0)).time;
        let journal = vec![
            // An earlier run, closed.
            JournalEntry { time: wall(-7_200), ..mark("old", EntryKind::Opened, 0, sim(30), 10.0) },
            JournalEntry { time: wall(-7_000), ..mark("old", EntryKind::Closed, 0, sim(63), 10.0) },
            // The run going on: opened at 30× at wall 0, a rollback at wall 20 (14:40).
            mark("op", EntryKind::Opened, 0, sim(30), 30.0),
            intent("op", 20, sim(40)),
        ];
        let run = run_in_progress(&journal, wall(60)).expect("a run in progress");
        assert_eq!(run.operator, "op");
        assert_eq!(run.speed, 30.0);
        // 40 s after the rollback at 30×: 20 simulated minutes on.
        assert_eq!(run.clock, sim(60));
        assert_eq!(run.operations, vec![(sim(40), rollback(), "op".to_string())]);
        assert_eq!(run.since, wall(0));
        assert!(run.joined_text().starts_with("joined op's demo run at 15:00 (30×)"), "{}", run.joined_text());
        // Past the hour a dashboard that never closed (killed) counts as open, there is nothing to join.
        assert_eq!(run_in_progress(&journal, wall(20 + 3_601)), None);
    }

    #[test]
    fn a_demo_opened_after_the_last_one_closed_is_a_run_of_its_own() {
        let wall = |s: i64| line("x", EntryKind::Note, s, sim(0)).time;
        let journal = vec![
            mark("alice", EntryKind::Opened, 0, sim(30), 60.0),
            intent("alice", 20, sim(50)),
            mark("alice", EntryKind::Closed, 40, sim(70), 60.0),
            // A minute later, a fresh demo (nothing was running to join) and a note in it.
            mark("bob", EntryKind::Opened, 100, sim(30), 10.0),
            line("bob", EntryKind::Note, 130, sim(35)),
        ];
        let run = last_demo_run(&journal, wall(200));
        let kinds: Vec<(&str, EntryKind)> = run.iter().map(|e| (e.session.operator.as_str(), e.kind)).collect();
        assert_eq!(kinds, [("bob", EntryKind::Note)], "bob's run alone, on bob's clock");
        assert_eq!(run[0].clock, sim(35));
    }

    #[test]
    fn an_annotation_during_one_run_does_not_bridge_it_to_the_next() {
        let wall = |s: i64| line("x", EntryKind::Note, s, sim(0)).time;
        let journal = vec![
            mark("u1", EntryKind::Opened, 0, sim(30), 10.0),
            line("annotate-7", EntryKind::Annotation, 30, wall(30)),
            mark("u1", EntryKind::Closed, 60, sim(40), 10.0),
            mark("u2", EntryKind::Opened, 120, sim(30), 10.0),
            line("u2", EntryKind::Note, 140, sim(33)),
            mark("u2", EntryKind::Closed, 150, sim(35), 10.0),
        ];
        let run = last_demo_run(&journal, wall(400));
        let who: Vec<&str> = run.iter().map(|e| e.session.operator.as_str()).collect();
        assert_eq!(who, ["u2"], "the second run alone");
    }

    #[test]
    fn a_note_lands_in_a_run_going_or_just_closed_and_nowhere_else() {
        let wall = |s: i64| line("x", EntryKind::Note, s, sim(0)).time;
        let note = |s: i64| line("annotate-9", EntryKind::Annotation, s, wall(s));
        assert!(!takes_a_note(&[], &note(10), wall(10)), "no demo at all: no run for the note");
        let running = vec![mark("alice", EntryKind::Opened, 0, sim(30), 10.0)];
        assert!(takes_a_note(&running, &note(500), wall(500)), "a dashboard still open");
        let closed = vec![
            mark("alice", EntryKind::Opened, 0, sim(30), 10.0),
            mark("alice", EntryKind::Closed, 60, sim(40), 10.0),
        ];
        assert!(takes_a_note(&closed, &note(100), wall(100)), "within the slack of its closing");
        assert!(!takes_a_note(&closed, &note(1_000), wall(1_000)), "long after it closed");
        // Notes alone are no run: an export of them has no incident to place them in.
        assert!(last_demo_run(&[note(10)], wall(20)).is_empty());
    }
}
