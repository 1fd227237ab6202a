//! Execute → verify for one operation, journaling each step before the next one starts.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use warroom_core::journal::{EntryKind, Journal, JournalEntry};
use warroom_core::model::Session;
use warroom_core::operation::{Baseline, Op, OpError, OpPhase, OpUpdate, Verified};

use super::Operator;

/// What the journal needs to know about the session an operation runs in.
#[derive(Clone)]
pub struct OperationContext {
    /// Who, live or demo, read-only or not.
    pub session: Session,
    /// A prefix that makes operation ids unique across sessions sharing a journal.
    pub session_id: String,
    /// The dashboard clock (simulated in demo), read when each journal line is written.
    pub clock: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
    /// Where the operation's resource is (`Data::place_of`), stamped on its journal lines; `None` in a demo.
    pub place: Option<warroom_core::model::Place>,
}

impl std::fmt::Debug for OperationContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperationContext")
            .field("session", &self.session)
            .field("session_id", &self.session_id)
            .finish()
    }
}

/// The journal line, with the call as `operator` makes it (for a target among several, where it goes).
fn entry(ctx: &OperationContext, id: u64, op: &Op, operator: &dyn Operator, kind: EntryKind) -> JournalEntry {
    JournalEntry {
        api_call: Some(operator.call_line(op)),
        principal: operator.principal(),
        place: ctx.place.clone(),
        ..journal_entry(&ctx.session, &ctx.session_id, id, op, kind, (ctx.clock)())
    }
}

/// The journal line for one step of an operation, as the runner writes it (and `export` reads it back).
pub fn journal_entry(
    session: &Session,
    session_id: &str,
    id: u64,
    op: &Op,
    kind: EntryKind,
    clock: DateTime<Utc>,
) -> JournalEntry {
    JournalEntry {
        op_id: Some(format!("{session_id}-{id}")),
        operation: Some(op.name().to_string()),
        target: Some(op.target().to_string()),
        parameters: serde_json::to_value(op).ok(),
        api_call: Some(op.api_call()),
        session_id: Some(session_id.to_string()),
        ..JournalEntry::new(session, clock, kind)
    }
}

/// How often a call without an answer says how long it has waited.
const WAITING_REPORT: std::time::Duration = std::time::Duration::from_secs(5);

/// Appends on the blocking pool: the journal syncs every line to disk, and the event loop must not wait for that.
async fn append(journal: &Arc<Journal>, entry: JournalEntry) -> std::io::Result<()> {
    let journal = journal.clone();
    tokio::task::spawn_blocking(move || journal.append(&entry)).await.map_err(std::io::Error::other)?
}

/// An operation a previous session started but never saw finish: re-read the state (verify only, never call
/// again) and journal the outcome under the original operation's id.
pub async fn reverify(
    id: u64,
    op: Op,
    original: JournalEntry,
    operator: Arc<dyn Operator>,
    journal: Arc<Journal>,
    ctx: OperationContext,
    report: impl Fn(OpUpdate) + Send + Sync,
) {
    // Only the intent's time is known of the earlier session's call: proof must be dated after it.
    let baseline = Baseline::at(original.clock);
    let (phase, text, seen) = match operator.verify(&op, &baseline).await {
        Ok(v) => (OpPhase::Succeeded, format!("outcome found after a restart: {}", v.text), v.seen),
        Err(e) => {
            (OpPhase::Unknown, format!("outcome unknown after a restart; the state does not show it: {e}"), Vec::new())
        }
    };
    let outcome = JournalEntry {
        kind: EntryKind::Outcome,
        clock: (ctx.clock)(),
        time: Utc::now(),
        session: ctx.session.clone(),
        session_id: Some(ctx.session_id.clone()),
        ..original
    };
    let text = journal_outcome(&journal, outcome, phase, text).await;
    report(OpUpdate { seen, ..OpUpdate::new(id, phase, text, (ctx.clock)()) });
}

/// Writes the outcome line; what the user is told says so when it could not be written.
async fn journal_outcome(journal: &Arc<Journal>, mut outcome: JournalEntry, phase: OpPhase, text: String) -> String {
    outcome.result = Some(phase.label().to_string());
    outcome.text = Some(text.clone());
    match append(journal, outcome).await {
        Ok(()) => text,
        Err(e) => format!("{text} (the outcome could not be journaled: {e})"),
    }
}

/// Journals the intent, makes the call, verifies it, and journals the outcome, reporting each step; a call that
/// timed out is settled by re-reading the state, never by calling again.
pub async fn run_operation(
    id: u64,
    op: Op,
    operator: Arc<dyn Operator>,
    journal: Arc<Journal>,
    ctx: OperationContext,
    report: impl Fn(OpUpdate) + Send + Sync,
) {
    let send = |phase, message: String| report(OpUpdate::new(id, phase, message, (ctx.clock)()));
    if let Err(e) = append(&journal, entry(&ctx, id, &op, operator.as_ref(), EntryKind::Intent)).await {
        send(
            OpPhase::Refused,
            format!("journal {} cannot be written ({e}); nothing was called", journal.path().display()),
        );
        return;
    }
    let baseline = operator.baseline(&op).await;
    send(OpPhase::Executing, operator.call_line(&op));
    let call = operator.execute(&op, &ctx.session.operator);
    tokio::pin!(call);
    // A call without an answer says so while it waits: the engineer knows it is in flight, not forgotten.
    let waiting = tokio::time::Instant::now();
    let mut every = tokio::time::interval_at(waiting + WAITING_REPORT, WAITING_REPORT);
    let answer = loop {
        tokio::select! {
            answer = &mut call => break answer,
            _ = every.tick() => send(
                OpPhase::Executing,
                format!("{}: no answer for {} s", operator.call_line(&op), waiting.elapsed().as_secs()),
            ),
        }
    };
    let result = match answer {
        Ok(answer) => {
            send(OpPhase::Verifying, answer.clone());
            operator
                .verify(&op, &baseline)
                .await
                .map(|v| Verified { text: format!("{answer}; verified: {}", v.text), ..v })
        }
        // The call may or may not have happened: it is never sent again; only evidence dated after it settles it.
        Err(OpError::Unknown(why)) => {
            send(OpPhase::Verifying, format!("outcome unknown: {why}; waiting for evidence that it happened"));
            match operator.verify(&op, &baseline).await {
                Ok(v) => Ok(Verified {
                    text: format!("call timed out, but the evidence shows it happened: {}", v.text),
                    ..v
                }),
                Err(e) => Err(OpError::Unknown(format!("{why}; no evidence it happened: {e}"))),
            }
        }
        Err(e) => Err(e),
    };
    let (phase, text, seen) = match result {
        Ok(v) => (OpPhase::Succeeded, v.text, v.seen),
        Err(e @ OpError::Unknown(_)) => (OpPhase::Unknown, e.to_string(), Vec::new()),
        Err(e) => (OpPhase::Failed, e.to_string(), Vec::new()),
    };
    let outcome = entry(&ctx, id, &op, operator.as_ref(), EntryKind::Outcome);
    let text = journal_outcome(&journal, outcome, phase, text).await;
    report(OpUpdate { seen, ..OpUpdate::new(id, phase, text, (ctx.clock)()) });
}
