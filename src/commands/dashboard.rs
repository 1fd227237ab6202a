//! The dashboard: the backend connected (or the simulator built) and the journal opened before the terminal is
//! touched, so every error prints plainly; then the loop, and the terminal restored on every way out.

use std::sync::Arc;

use warroom_core::journal::{self, Journal};
use warroom_core::model::SessionKind;
use warroom_core::state::{Notice, State};

use super::backend::{Backend, backend, war_room_link};
use super::{Setup, StartError, say};
use crate::app::{App, Exit};

/// Runs the dashboard until the user quits, a signal arrives or the terminal goes away.
pub fn run(setup: &Setup, runtime: &tokio::runtime::Runtime) -> Result<(), StartError> {
    let read_only = setup.cli.read_only;
    let Backend { telemetry, guard, principal } = runtime.block_on(backend(setup, read_only))?;
    color_eyre::install()?;
    let session_id = format!("{}-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S"), std::process::id());
    let link = runtime.block_on(war_room_link(setup, &session_id));
    let (mirror, lines) = tokio::sync::mpsc::unbounded_channel();
    let journal = setup.journal_path().and_then(|path| {
        Journal::open(path)
            .map(|j| j.with_principal(principal))
            .map(|j| {
                if link.is_none() {
                    return j;
                }
                // The receiver is gone only when the war room's writer ended; the local line is what counts.
                j.with_mirror(Box::new(move |line| {
                    let _ = mirror.send(line.clone());
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
    let mut state =
        State::new(setup.session(read_only), telemetry.location(), setup.config.thresholds.clone(), telemetry.now());
    state.journal_error = journal.as_ref().err().cloned();
    // Known at start, not at the first `r`: the header says it, and the status line says why.
    if let Some(why) = &state.journal_error {
        let what = if read_only { "notes are not journaled" } else { "operations disabled" };
        state.notice = Some(Notice::Problem(format!("{what}: {why}")));
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
    };
    // Checked before the terminal is touched: without one (ssh without -t, input or output redirected) the
    // dashboard cannot draw, and the error would otherwise be the terminal library's.
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(StartError::Usage(
            "needs an interactive terminal (use ssh -t, or warroom snapshot for a one-shot reading)".to_string(),
        ));
    }
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
    })?;
    match exit {
        Exit::Quit => Ok(()),
        Exit::InputClosed(why) => Err(StartError::TerminalLost(why)),
        Exit::Signal(name) => {
            say(format_args!("exiting on {name}"));
            Ok(())
        }
    }
}
