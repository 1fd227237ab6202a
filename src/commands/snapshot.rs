//! `warroom snapshot`: one poll of every feed, printed as text or JSON; exit 1 when something is missing or
//! failing.

use warroom_core::snapshot::Snapshot;
use warroom_core::state::State;

use super::backend::{backend, poll_once};
use super::{Setup, StartError, print_out};

/// Polls once and prints what the panes would show.
pub async fn run(setup: &Setup, json: bool) -> Result<(), StartError> {
    let telemetry = backend(setup, true).await?.telemetry;
    let mut state =
        State::new(setup.session(true), telemetry.location(), setup.config.thresholds.clone(), telemetry.now());
    poll_once(telemetry.as_ref(), &mut state).await;
    let snap = Snapshot::of(&state);
    if json {
        print_out(&format!("{}\n", serde_json::to_string_pretty(&snap)?));
    } else {
        // Names come from AWS: no control, bidi or zero-width character reaches the terminal as it is.
        let text: String =
            snap.text(&state).lines().map(|l| format!("{}\n", warroom_core::text::escape_controls(l))).collect();
        print_out(&text);
    }
    if snap.healthy() { Ok(()) } else { Err(StartError::Unhealthy) }
}
