//! `warroom snapshot`: one poll of every feed, printed as text or JSON; exit 1 when something is missing or
//! failing.

use warroom_core::journal::{Journal, JournalEntry};
use warroom_core::snapshot::Snapshot;
use warroom_core::state::{Msg, State};

use super::backend::{backend, poll_once};
use super::{Setup, StartError, print_out};

/// The journal's lines, as a dashboard reads them (none when there is no journal or it cannot be read: the
/// snapshot is then as the poll saw it).
fn journal_lines(setup: &Setup) -> Vec<JournalEntry> {
    setup.journal_path.as_ref().filter(|p| p.exists()).and_then(|p| Journal::read_all(p).ok()).unwrap_or_default()
}

/// Polls once and prints what the panes would show.
pub async fn run(setup: &Setup, json: bool) -> Result<(), StartError> {
    let all = journal_lines(setup);
    // A demo snapshot is of the demo run in progress, as a dashboard started now would join it: its clock and the
    // operations made in it. With none going it is a fresh simulation, and an earlier run's lines (its rollback)
    // are not its history.
    let run = setup.scenario.as_ref().and_then(|_| warroom_core::export::run_in_progress(&all, chrono::Utc::now()));
    if setup.scenario.is_some() {
        match &run {
            Some(r) => eprintln!("warroom: snapshot of {}", r.joined_text().replacen("joined ", "", 1)),
            None => eprintln!("warroom: no demo run is going on this journal: the scenario as it starts"),
        }
    }
    let telemetry = backend(setup, true, run.as_ref()).await?.telemetry;
    let mut state =
        State::new(setup.session(true), telemetry.location(), setup.config.thresholds.clone(), telemetry.now());
    poll_once(telemetry.as_ref(), &mut state).await;
    // The alias moves the journal records (a verified rollback, a move an operating dashboard observed) are the
    // history a first read of the aliases cannot give.
    if setup.scenario.is_none() || run.is_some() {
        state.update(Msg::Shared(warroom_core::export::session_lines(&all, setup.kind())));
    }
    let snap = Snapshot::of(&state);
    if json {
        print_out(&format!("{}\n", serde_json::to_string_pretty(&snap)?))?;
    } else {
        // Names come from AWS: no control, bidi or zero-width character reaches the terminal as it is.
        let text: String =
            snap.text(&state).lines().map(|l| format!("{}\n", warroom_core::text::escape_controls(l))).collect();
        print_out(&text)?;
    }
    if snap.healthy() { Ok(()) } else { Err(StartError::Unhealthy) }
}
