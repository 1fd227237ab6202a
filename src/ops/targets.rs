//! The operator of one target among several: the data names its resources `label/name`, AWS knows them as
//! `name`. It strips the label before each call and qualifies what verification read, so the runner, the
//! journal and the state only ever see the qualified names, and AWS only its own.

use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use warroom_core::model::{TargetStatus, unqualified};
use warroom_core::operation::{Baseline, Op, OpError, Verified};

use super::Operator;

/// One target's operator: `inner` acts through that target's clients.
pub struct TargetOperator {
    /// The target's status (its label, and its account once known), shared with its telemetry.
    pub status: Arc<Mutex<TargetStatus>>,
    /// The operator on the target's clients.
    pub inner: Arc<dyn Operator>,
}

impl TargetOperator {
    fn label(&self) -> String {
        self.status.lock().unwrap_or_else(|p| p.into_inner()).label.clone()
    }

    /// `op` with AWS's own names.
    fn bare(&self, op: &Op) -> Op {
        let label = self.label();
        let mut bare = op.clone();
        bare.rename(&|name| unqualified(&label, name).to_string());
        bare
    }
}

impl Operator for TargetOperator {
    fn baseline<'a>(&'a self, op: &'a Op) -> BoxFuture<'a, Baseline> {
        Box::pin(async move { self.inner.baseline(&self.bare(op)).await })
    }

    fn execute<'a>(&'a self, op: &'a Op, actor: &'a str) -> BoxFuture<'a, Result<String, OpError>> {
        Box::pin(async move { self.inner.execute(&self.bare(op), actor).await })
    }

    fn verify<'a>(&'a self, op: &'a Op, baseline: &'a Baseline) -> BoxFuture<'a, Result<Verified, OpError>> {
        Box::pin(async move {
            let mut verified = self.inner.verify(&self.bare(op), baseline).await?;
            let label = self.label();
            for seen in &mut verified.seen {
                seen.rename(&|name| warroom_core::model::qualified(&label, name));
            }
            Ok(verified)
        })
    }

    fn principal(&self) -> Option<String> {
        self.status.lock().unwrap_or_else(|p| p.into_inner()).principal.clone()
    }

    fn call_line(&self, op: &Op) -> String {
        let status = self.status.lock().unwrap_or_else(|p| p.into_inner()).clone();
        warroom_core::operation::call_in(op, &status)
    }
}
