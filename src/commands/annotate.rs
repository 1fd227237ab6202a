//! `warroom annotate`: one line in the journal, stamped now, for every dashboard reading it (and the war room's
//! log group, when one is configured).

use warroom_core::journal::{AnnotationKind, Journal, JournalEntry};

use super::backend::war_room_link;
use super::{Setup, StartError, usage};
use crate::war_room::send_once;

/// `annotate --demo` stands in a demo dashboard's run, on its simulated clock: with no run going (or closed in
/// the last two minutes) the note would have no place in the scenario's incident, so it is refused and nothing
/// is written.
fn refuse_outside_a_demo_run(path: &std::path::Path, entry: &JournalEntry) -> Result<(), StartError> {
    let lines = if path.exists() {
        Journal::read_all(path).map_err(|e| usage(format!("journal {}: {e}", path.display())))?
    } else {
        Vec::new()
    };
    if warroom_core::export::takes_a_note(&lines, entry, chrono::Utc::now()) {
        return Ok(());
    }
    Err(usage(format!(
        "annotate --demo: no demo dashboard is running on {}; start `warroom --demo` (same --journal) and annotate \
         while it runs: the note then stands on the demo's simulated clock. Nothing was written",
        path.display()
    )))
}

/// Writes the annotation; exit 2 when the text is empty or the journal cannot be written, 3 when the war room
/// did not take it (it is in the journal either way).
pub fn run(
    setup: &Setup,
    runtime: &tokio::runtime::Runtime,
    kind: AnnotationKind,
    resource: Option<String>,
    text: String,
) -> Result<(), StartError> {
    if text.trim().is_empty() {
        return Err(usage("annotate: the text is empty; say what happened"));
    }
    let path = setup.journal_path().map_err(usage)?;
    let session = setup.session(false);
    let session_id = format!("{}{}", warroom_core::export::ANNOTATE_PREFIX, std::process::id());
    let entry = JournalEntry {
        session_id: Some(session_id.clone()),
        ..JournalEntry::annotation(&session, chrono::Utc::now(), kind, resource, text)
    };
    // Refused before the journal is opened: opening creates it.
    if setup.scenario.is_some() {
        refuse_outside_a_demo_run(path, &entry)?;
    }
    let journal = Journal::open(path).map_err(|e| usage(format!("journal {}: {e}", path.display())))?;
    journal.append(&entry).map_err(|e| usage(format!("journal {}: {e}", path.display())))?;
    eprintln!("warroom: annotated in {}", path.display());
    let link = match setup.config.journal.log_group {
        Some(_) => runtime.block_on(async {
            let clients = super::backend::aws_clients(setup).await;
            war_room_link(setup, &clients, &session_id).await
        }),
        None => None,
    };
    if let Some(link) = link {
        runtime.block_on(send_once(&link, &entry)).map_err(|e| {
            StartError::Aws(format!(
                "journaled in {}, but the war room ({}) did not take it: {}",
                path.display(),
                link.group,
                link.why(&e)
            ))
        })?;
        eprintln!("warroom: and in the war room, log group {}", link.group);
    }
    Ok(())
}
