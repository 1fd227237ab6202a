//! Who carries operations out. Every call that changes AWS is an `Op` (defined with its plan, phases and errors
//! in `warroom_core::operation`), carried out only by an `Operator`, reached only through the `Guard`. In
//! read-only session no operator exists at all.

pub mod aws;
pub mod guard;
pub mod runner;
pub mod sim;

use futures_util::future::BoxFuture;
use warroom_core::operation::{Op, OpError, Verified};

/// Carries out operations. Implemented by the simulator and by AWS; constructed only when not read-only.
pub trait Operator: Send + Sync {
    /// Makes the call as `actor`; returns what the service answered (a task handle, a new status).
    fn execute<'a>(&'a self, op: &'a Op, actor: &'a str) -> BoxFuture<'a, Result<String, OpError>>;

    /// Waits until the effect is visible (the alias moved, the instance is available again, the task runs);
    /// what verification saw, or `NotVerified` when it never came.
    fn verify<'a>(&'a self, op: &'a Op) -> BoxFuture<'a, Result<Verified, OpError>>;
}
