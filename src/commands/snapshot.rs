//! `warroom snapshot`: one poll of every feed, printed as text or JSON; exit 1 when something is missing or
//! failing.

use warroom_core::journal::Journal;
use warroom_core::snapshot::Snapshot;
use warroom_core::state::{Msg, State};

use super::backend::{backend, poll_once};
use super::{Setup, StartError, print_out};

/// The journal's lines, as a dashboard reads them: the alias moves it records (a verified rollback, a move an
/// operating dashboard observed) are the history a first read of the aliases cannot give. An unreadable
/// journal leaves the snapshot as the poll saw it.
fn fold_journal_moves(setup: &Setup, state: &mut State) {
    let Some(all) = setup.journal_path.as_ref().filter(|p| p.exists()).and_then(|p| Journal::read_all(p).ok()) else {
        return;
    };
    state.update(Msg::Shared(warroom_core::export::session_lines(&all, setup.kind())));
}

/// Polls once and prints what the panes would show.
pub async fn run(setup: &Setup, json: bool) -> Result<(), StartError> {
    let telemetry = backend(setup, true, None).await?.telemetry;
    let mut state =
        State::new(setup.session(true), telemetry.location(), setup.config.thresholds.clone(), telemetry.now());
    poll_once(telemetry.as_ref(), &mut state).await;
    fold_journal_moves(setup, &mut state);
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
