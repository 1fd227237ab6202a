//! The one door to the operator. A read-only guard holds no operator at all, so no code path — however a key,
//! a popup or a future handler misbehaves — can reach a mutating call. This is the structural guarantee behind
//! `--read-only`; the state refusing to confirm in a read-only session is only the visible half.

use std::sync::Arc;

use warroom_core::journal::{Journal, JournalEntry};
use warroom_core::operation::{Op, OpUpdate};

use super::Operator;
use super::runner::{OperationContext, run_operation};

/// The one door: holds the operator, or nothing in a read-only session; with several targets, one operator for
/// each target that is not read-only (and none for those that are).
pub struct Guard {
    operator: Option<Arc<dyn Operator>>,
    /// With several targets: each target's label and its operator, `None` where it is read-only.
    targets: Vec<(String, Option<Arc<dyn Operator>>)>,
}

/// One target's label, whether it is read-only, and how to build its operator (called only when it is not).
pub type TargetOperatorBuild = (String, bool, Box<dyn FnOnce() -> Arc<dyn Operator>>);

/// Why the guard would not pass an operation on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The session is read-only.
    #[error("read-only: no operator exists in this session")]
    ReadOnly,
    /// The operation's target is read-only (`read_only = true` in its `[[targets]]` table).
    #[error("{0} is read-only: no operator exists for it")]
    ReadOnlyTarget(String),
    /// The operation names a resource of no target this session watches.
    #[error("{0} is in none of this session's targets")]
    NoTarget(String),
    /// The journal cannot be written, so the operation could not be recorded before the call.
    #[error("the journal cannot be written ({0}); operations are disabled so no change goes unaudited")]
    NoJournal(String),
}

impl Guard {
    /// Builds the operator only when not read-only: `build` is never called for a read-only session.
    pub fn new(read_only: bool, build: impl FnOnce() -> Arc<dyn Operator>) -> Guard {
        Guard { operator: if read_only { None } else { Some(build()) }, targets: Vec::new() }
    }

    /// A guard without an operator.
    pub fn read_only() -> Guard {
        Guard { operator: None, targets: Vec::new() }
    }

    /// Several targets' guard: for each (label, read-only, builder), `build` is called only when neither the
    /// session (`read_only`) nor the target is read-only, so a read-only target has no operator at all.
    pub fn targets(read_only: bool, targets: Vec<TargetOperatorBuild>) -> Guard {
        let targets = targets
            .into_iter()
            .map(|(label, target_read_only, build)| (label, (!read_only && !target_read_only).then(build)))
            .collect();
        Guard { operator: None, targets }
    }

    /// The operator for `op` and the journal, or why not: nothing reaches an operator without both.
    fn door(
        &self,
        op: &Op,
        journal: Result<Arc<Journal>, String>,
    ) -> Result<(Arc<dyn Operator>, Arc<Journal>), Refusal> {
        let operator = if self.targets.is_empty() {
            self.operator.clone().ok_or(Refusal::ReadOnly)?
        } else {
            // The longest label that prefixes the name: `prod/us-east-1-x` is not `prod/us-east-1`.
            let name = op.target();
            let (label, operator) = self
                .targets
                .iter()
                .filter(|(label, _)| {
                    name.strip_prefix(label.as_str())
                        .is_some_and(|rest| rest.starts_with(warroom_core::model::SEPARATOR))
                })
                .max_by_key(|(label, _)| label.len())
                .ok_or_else(|| Refusal::NoTarget(name.to_string()))?;
            operator.clone().ok_or_else(|| Refusal::ReadOnlyTarget(label.clone()))?
        };
        Ok((operator, journal.map_err(Refusal::NoJournal)?))
    }

    /// Whether it holds an operator (for any target).
    pub fn can_operate(&self) -> bool {
        self.operator.is_some() || self.targets.iter().any(|(_, operator)| operator.is_some())
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
        let (operator, journal) = self.door(&op, journal)?;
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
        let (operator, journal) = self.door(&op, journal)?;
        tokio::spawn(run_operation(id, op, operator, journal, ctx, report));
        Ok(())
    }
}
