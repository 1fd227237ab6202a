//! The dashboard: the backend connected (or the simulator built) and the journal opened before the terminal is
//! touched, so every error prints plainly; then the loop, and the terminal restored on every way out.

use std::sync::Arc;

use warroom_core::journal::{self, EntryKind, Journal, JournalEntry};
use warroom_core::model::{Session, SessionKind};
use warroom_core::state::{Notice, State};

use super::backend::{Backend, aws_clients, backend, stream_link, war_room_link};
use super::{Setup, StartError, say};
use crate::app::{App, Exit};
use crate::follow::publish::{Publish, Publishing};
use warroom_core::follow::{Folded, Publisher, SharedLine};

/// Runs the dashboard until the user quits, a signal arrives or the terminal goes away.
pub fn run(setup: &Setup, runtime: &tokio::runtime::Runtime) -> Result<(), StartError> {
    // A follower has no operator, as a read-only session has none.
    let read_only = setup.cli.read_only || setup.cli.follow.is_some();
    // A demo joins the run another demo dashboard on this journal is playing: the team exercise's observer shows
    // the operator's world, operations made before it started included.
    let demo_run = match (setup.kind(), setup.journal_path()) {
        // A regular file only: a device (`/dev/full`, to try a journal that cannot be written) reads forever.
        (SessionKind::Demo, Ok(path)) if path.is_file() => {
            Journal::read_all(path).ok().and_then(|all| warroom_core::export::run_in_progress(&all, chrono::Utc::now()))
        }
        _ => None,
    };
    let Backend { telemetry, guard, principal, clients, follow } =
        runtime.block_on(backend(setup, read_only, demo_run.as_ref()))?;
    // Every target read-only (`read_only = true` on each): no operator was built, so the session is read-only.
    let read_only = read_only || !guard.can_operate();
    color_eyre::install()?;
    let session_id = format!("{}-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S"), std::process::id());
    // The war room and follow mode call AWS in a demo too (a team exercise): on the session's clients when it
    // has some, else on clients of their own.
    let journal_settings = &setup.config.journal;
    let clients = match clients {
        Some(clients) => Some(clients),
        None if journal_settings.log_group.is_some() || journal_settings.follow_bucket.is_some() => {
            Some(runtime.block_on(aws_clients(setup)))
        }
        None => None,
    };
    let link = clients.as_ref().and_then(|c| runtime.block_on(war_room_link(setup, c, &session_id)));
    let publish = match (&clients, read_only) {
        (Some(c), false) => stream_link(setup, c).map(|link| {
            let link = if setup.kind() == SessionKind::Demo { link.demo() } else { link };
            let (folds, received) = tokio::sync::mpsc::unbounded_channel();
            let publisher = Publisher {
                name: crate::follow::publisher_name(&setup.operator),
                session_id: session_id.clone(),
                location: telemetry.location(),
                kind: setup.kind(),
                // A live clock runs at one second a second; a demo's at its speed (the run's it joined).
                speed: match setup.kind() {
                    SessionKind::Live => 1.0,
                    SessionKind::Demo => demo_run.as_ref().map_or(setup.cli.demo_speed(), |r| r.speed),
                },
            };
            (folds, Some(Publishing { link, publisher, folds: received }))
        }),
        _ => None,
    };
    let (mirror, lines) = tokio::sync::mpsc::unbounded_channel();
    let own_lines = publish.as_ref().map(|(folds, _)| folds.clone());
    let journal = setup.journal_path().and_then(|path| {
        Journal::open(path)
            .map(|j| j.with_principal(principal))
            .map(|j| {
                if link.is_none() && own_lines.is_none() {
                    return j;
                }
                let to_war_room = link.is_some();
                // The receivers are gone only when the war room's writer or the publisher ended; the local line is
                // what counts. Followers see this session's own lines (its operations, its notes) through the
                // publisher, as an observer of the war room sees them.
                j.with_mirror(Box::new(move |line| {
                    if to_war_room {
                        let _ = mirror.send(line.clone());
                    }
                    if let Some(folds) = &own_lines {
                        let _ = folds.send(Publish::Folded(Folded::Shared(vec![SharedLine::of(line)])));
                    }
                }))
            })
            .map(Arc::new)
            .map_err(|e| journal::why_unopenable(path, &e))
    });
    // Live only: a demo restarts its simulation, so an earlier demo's operation has nothing to re-read.
    let unfinished = match (&journal, setup.kind()) {
        (Ok(j), SessionKind::Live) => Journal::read_all(j.path())
            .map(|all| journal::unfinished(&all, SessionKind::Live, chrono::Utc::now() - chrono::Duration::hours(24)))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let session = setup.session(read_only);
    let speed = demo_run.as_ref().map_or(setup.cli.demo_speed(), |r| r.speed);
    let demo_mark =
        DemoMark { journal: journal.clone(), session: session.clone(), session_id: session_id.clone(), speed };
    let clock = telemetry.clone();
    let mut state = State::new(session.clone(), telemetry.location(), setup.config.thresholds.clone(), telemetry.now());
    state.journal_error = journal.as_ref().err().cloned();
    // Known at start, not at the first `r`: the header says it, and the status line says why.
    if let Some(why) = &state.journal_error {
        let what = if read_only { "notes are not journaled" } else { "operations disabled" };
        state.notice = Some(Notice::Problem(format!("{what}: {why}")));
    } else if let Some(run) = &demo_run {
        state.notice = Some(Notice::Info(run.joined_text()));
    }
    state.ui.theme = setup.cli.theme.unwrap_or(setup.config.theme.name);
    let app = App {
        state,
        keymap: setup.keymap.clone(),
        telemetry,
        guard,
        journal,
        session_id,
        war_room: link.map(|l| (l, lines)),
        unfinished,
        demo_run: demo_run.clone(),
        publish,
        own_polling: follow.as_ref().map(|_| super::backend::own_polling(setup)).transpose()?,
        follow,
        follow_task: None,
        war_room_reader: None,
        connecting: false,
    };
    // Checked before the terminal is touched: without one (ssh without -t, input or output redirected) the
    // dashboard cannot draw, and the error would otherwise be the terminal library's.
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(StartError::Usage(
            "needs an interactive terminal (use ssh -t, or warroom snapshot for a one-shot reading)".to_string(),
        ));
    }
    // Only now, with a terminal to run in: a dashboard that never started must not look like a run to join.
    demo_mark.write(clock.now(), EntryKind::Opened);
    let exit = runtime.block_on(async {
        let mut terminal = ratatui::try_init()?;
        let result = app.run(&mut terminal).await;
        // Not `ratatui::restore`, which reports its failure with `eprintln!` (a panic on a dead terminal).
        let _ = ratatui::try_restore();
        if matches!(result, Ok(Exit::InputClosed(_))) {
            // Dropping the terminal would show the cursor on the dead terminal and `eprintln!` the failure.
            std::mem::forget(terminal);
        }
        result
    });
    demo_mark.write(clock.now(), EntryKind::Closed);
    match exit? {
        Exit::Quit => Ok(()),
        Exit::InputClosed(why) => Err(StartError::TerminalLost(why)),
        Exit::Signal(name) => {
            say(format_args!("exiting on {name}"));
            Ok(())
        }
    }
}

/// Writes a demo dashboard's `Opened` and `Closed` lines: where its simulated clock stands, for another demo
/// dashboard to join its run and an export to tell one run from the next. A live session writes none.
struct DemoMark {
    journal: Result<Arc<Journal>, String>,
    session: Session,
    session_id: String,
    /// Simulated seconds per real second.
    speed: f64,
}

impl DemoMark {
    fn write(&self, clock: chrono::DateTime<chrono::Utc>, kind: EntryKind) {
        let (Ok(journal), SessionKind::Demo) = (&self.journal, self.session.kind) else { return };
        let line = JournalEntry::demo_session(&self.session, clock, kind, self.speed);
        // Best effort: a journal that cannot be written is already reported, and costs only the joining.
        let _ = journal.append(&JournalEntry { session_id: Some(self.session_id.clone()), ..line });
    }
}
