//! The one door to the operator. A read-only guard holds no operator at all, so no code path — however a key,
//! a popup or a future handler misbehaves — can reach a mutating call. This is the structural guarantee behind
//! `--read-only`; the state refusing to confirm in a read-only session is only the visible half.

use std::sync::Arc;

use warroom_core::journal::{Journal, JournalEntry};
use warroom_core::operation::{Op, OpUpdate};

use super::Operator;
use super::runner::{OperationContext, run_operation};

/// The one door: holds the operator, or nothing in a read-only session.
pub struct Guard {
    operator: Option<Arc<dyn Operator>>,
}

/// Why the guard would not pass an operation on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The session is read-only.
    #[error("read-only: no operator exists in this session")]
    ReadOnly,
    /// The journal cannot be written, so the operation could not be recorded before the call.
    #[error("the journal cannot be written ({0}); operations are disabled so no change goes unaudited")]
    NoJournal(String),
}

impl Guard {
    /// Builds the operator only when not read-only: `build` is never called for a read-only session.
    pub fn new(read_only: bool, build: impl FnOnce() -> Arc<dyn Operator>) -> Guard {
        Guard { operator: if read_only { None } else { Some(build()) } }
    }

    /// A guard without an operator.
    pub fn read_only() -> Guard {
        Guard { operator: None }
    }

    /// The operator and the journal, or why not: nothing reaches the operator without both.
    fn door(&self, journal: Result<Arc<Journal>, String>) -> Result<(Arc<dyn Operator>, Arc<Journal>), Refusal> {
        let operator = self.operator.clone().ok_or(Refusal::ReadOnly)?;
        Ok((operator, journal.map_err(Refusal::NoJournal)?))
    }

    /// Whether it holds an operator.
    pub fn can_operate(&self) -> bool {
        self.operator.is_some()
    }

    /// Re-reads the state an unfinished operation of an earlier session should have produced, and journals
    /// what it finds. Verification only reads, but it goes through the operator, so read-only sessions skip it.
    pub fn reverify(
        &self,
        id: u64,
        op: Op,
        original: JournalEntry,
        ctx: OperationContext,
        journal: Result<Arc<Journal>, String>,
        report: impl Fn(OpUpdate) + Send + Sync + 'static,
    ) -> Result<(), Refusal> {
        let (operator, journal) = self.door(journal)?;
        tokio::spawn(super::runner::reverify(id, op, original, operator, journal, ctx, report));
        Ok(())
    }

    /// Journals the intent, then calls, verifies and journals the outcome on a task of its own; progress comes
    /// back through `report`. Refuses at once without an operator or a journal.
    pub fn submit(
        &self,
        id: u64,
        op: Op,
        ctx: OperationContext,
        journal: Result<Arc<Journal>, String>,
        report: impl Fn(OpUpdate) + Send + Sync + 'static,
    ) -> Result<(), Refusal> {
        let (operator, journal) = self.door(journal)?;
        tokio::spawn(run_operation(id, op, operator, journal, ctx, report));
        Ok(())
    }
}
