//! Who carries operations out. Every call that changes AWS is an `Op` (defined with its plan, phases and errors
//! in `warroom_core::operation`), carried out only by an `Operator`, reached only through the `Guard`. In
//! read-only session no operator exists at all.

pub mod aws;
pub mod guard;
mod peek;
mod restore;
pub mod runner;
pub mod sim;
pub mod targets;

use futures_util::future::BoxFuture;
use warroom_core::operation::{Baseline, Op, OpError, Verified};

use crate::aws::{AwsError, AwsErrorKind};

/// Maps an AWS error to what the operation learned: a conflict is shown and not retried; a timeout means the
/// call may or may not have happened; anything else is AWS rejecting the call.
pub(crate) fn op_error(e: AwsError) -> OpError {
    match e.kind {
        AwsErrorKind::Conflict => OpError::Conflict(e.to_string()),
        AwsErrorKind::Timeout => OpError::Unknown(e.to_string()),
        _ => OpError::Rejected(e.to_string()),
    }
}

/// Carries out operations. Implemented by the simulator and by AWS; constructed only when not read-only.
pub trait Operator: Send + Sync {
    /// Reads what verification will compare with, just before the call (the alias's RevisionId, the cluster's
    /// writer) and stamps the time. A failed read leaves its field `None`; it never stops the operation.
    fn baseline<'a>(&'a self, op: &'a Op) -> BoxFuture<'a, Baseline>;

    /// Makes the call as `actor`, once: a mutating call is never retried by the SDK (a retry of a reboot whose
    /// answer was lost is a second reboot); returns what the service answered (a task handle, a new status).
    fn execute<'a>(&'a self, op: &'a Op, actor: &'a str) -> BoxFuture<'a, Result<String, OpError>>;

    /// Waits until the operation is proven against `baseline` — the change it made, not only an end state that
    /// may have held before (the alias at the target with a new RevisionId, a restart event after the call, a
    /// new writer, the move task it started); what verification saw, or `NotVerified` when no proof came.
    fn verify<'a>(&'a self, op: &'a Op, baseline: &'a Baseline) -> BoxFuture<'a, Result<Verified, OpError>>;

    /// The exact call `op` makes, as the journal records it: `Op::api_call`, and for a target among several,
    /// with AWS's own names and the account and region it goes to (`operation::call_in`).
    fn call_line(&self, op: &Op) -> String {
        op.api_call()
    }

    /// The AWS principal its calls are signed as, when it is not the session's (one target's among several, an
    /// assumed role in another account): the journal's lines of its operations name it.
    fn principal(&self) -> Option<String> {
        None
    }
}
