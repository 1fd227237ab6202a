//! The write side. Every call that changes AWS is an `Op`, carried out only by an `Operator`, reached only
//! through the `Guard`. In read-only mode no operator exists at all.

pub mod aws;
pub mod guard;
pub mod runner;
pub mod sim;

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::telemetry::BoxFuture;

/// One mutating operation, with everything needed to make the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "operation", rename_all = "snake_case")]
pub enum Op {
    Rollback {
        function: String,
        alias: String,
        from: String,
        to: String,
    },
    Reboot {
        cluster: String,
        instance: String,
        writer: bool,
        call: RebootCall,
    },
    Failover {
        cluster: String,
        target: Option<String>,
    },
    /// `destination: None` sends each message back to the queue it came from (SQS's default, right when a DLQ
    /// serves several source queues); `Some(queue)` sends them all to that queue.
    Redrive {
        dlq: String,
        destination: Option<String>,
        rate: Option<u32>,
    },
    CancelRedrive {
        dlq: String,
        task: String,
    },
}

/// Which API call a reboot makes; the plan says which and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RebootCall {
    /// RebootDBInstance on the chosen instance (Aurora members, single instances).
    Instance,
    /// RebootDBInstance with ForceFailover: a Multi-AZ instance fails over to its standby while rebooting.
    InstanceWithFailover,
    /// RebootDBCluster: a Multi-AZ DB cluster (not Aurora) reboots as a whole.
    Cluster,
}

impl Op {
    pub fn action(&self) -> Action {
        match self {
            Op::Rollback { .. } => Action::Rollback,
            Op::Reboot { .. } => Action::Reboot,
            Op::Failover { .. } => Action::Failover,
            Op::Redrive { .. } => Action::Redrive,
            Op::CancelRedrive { .. } => Action::CancelRedrive,
        }
    }

    /// The name the operator must type to confirm: the resource the call acts on.
    pub fn target(&self) -> &str {
        match self {
            Op::Rollback { function, .. } => function,
            Op::Reboot { cluster, call: RebootCall::Cluster, .. } => cluster,
            Op::Reboot { instance, .. } => instance,
            Op::Failover { cluster, .. } => cluster,
            Op::Redrive { dlq, .. } | Op::CancelRedrive { dlq, .. } => dlq,
        }
    }

    /// The resource that can have only one operation at a time. Reboots and failovers of one cluster exclude
    /// each other, since either takes the writer away.
    pub fn lock_key(&self) -> &str {
        match self {
            Op::Reboot { cluster, .. } | Op::Failover { cluster, .. } => cluster,
            other => other.target(),
        }
    }

    /// The exact API call, as the plan shows it and the journal records it.
    pub fn api_call(&self) -> String {
        match self {
            Op::Rollback { function, alias, from, to } => format!(
                "lambda:UpdateAlias {function} {alias} {from} → {to} (FunctionName={function}, Name={alias}, FunctionVersion={to}, RoutingConfig={{}})"
            ),
            Op::Reboot { instance, call: RebootCall::Instance, .. } => {
                format!("rds:RebootDBInstance DBInstanceIdentifier={instance}")
            }
            Op::Reboot { instance, call: RebootCall::InstanceWithFailover, .. } => {
                format!("rds:RebootDBInstance DBInstanceIdentifier={instance} ForceFailover=true")
            }
            Op::Reboot { cluster, call: RebootCall::Cluster, .. } => {
                format!("rds:RebootDBCluster DBClusterIdentifier={cluster}")
            }
            Op::Failover { cluster, target } => match target {
                Some(t) => {
                    format!("rds:FailoverDBCluster DBClusterIdentifier={cluster} TargetDBInstanceIdentifier={t}")
                }
                None => format!("rds:FailoverDBCluster DBClusterIdentifier={cluster}"),
            },
            Op::Redrive { dlq, destination, rate } => {
                let rate = rate.map_or(String::new(), |r| format!(" MaxNumberOfMessagesPerSecond={r}"));
                let destination = destination
                    .as_ref()
                    .map_or(" (no DestinationArn: each message returns to its source queue)".to_string(), |d| {
                        format!(" DestinationArn={d}")
                    });
                format!("sqs:StartMessageMoveTask SourceArn={dlq}{destination}{rate}")
            }
            Op::CancelRedrive { task, .. } => format!("sqs:CancelMessageMoveTask TaskHandle={task}"),
        }
    }

    /// A short human description: "roll back orders-consumer:live 42 → 41".
    pub fn summary(&self) -> String {
        match self {
            Op::Rollback { function, alias, from, to } => format!("roll back {function}:{alias} {from} → {to}"),
            Op::Reboot { instance, writer, .. } => {
                format!("reboot {instance}{}", if *writer { " (writer)" } else { "" })
            }
            Op::Failover { cluster, target } => match target {
                Some(t) => format!("fail over {cluster} to {t}"),
                None => format!("fail over {cluster}"),
            },
            Op::Redrive { dlq, destination, rate } => {
                let rate = rate.map_or("system rate".to_string(), |r| format!("{r} msg/s"));
                format!("redrive {dlq} → {} at {rate}", destination.as_deref().unwrap_or("its source"))
            }
            Op::CancelRedrive { dlq, .. } => format!("cancel the redrive of {dlq}"),
        }
    }
}

/// What the operator is shown before confirming: the call, the present, the expected effect, the risks.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub op: Op,
    pub current: Vec<String>,
    pub expected: Vec<String>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpError {
    /// Someone else changed the resource since the plan was made; not retried blindly.
    #[error("conflict: {0}")]
    Conflict(String),
    /// AWS (or the simulator) refused the call; nothing changed.
    #[error("refused: {0}")]
    Refused(String),
    /// The call was made but the expected state never came.
    #[error("not verified: {0}")]
    NotVerified(String),
    /// The call timed out: it may or may not have happened. State is re-read, never guessed.
    #[error("outcome unknown: {0}")]
    Unknown(String),
}

/// Carries out operations. Implemented by the simulator and by AWS; constructed only when not read-only.
pub trait Operator: Send + Sync {
    /// Makes the call; returns what the service answered (a task handle, a new status).
    fn execute<'a>(&'a self, op: &'a Op, actor: &'a str) -> BoxFuture<'a, Result<String, OpError>>;

    /// Waits until the effect is visible (the alias moved, the instance is available again, the task runs).
    fn verify<'a>(&'a self, op: &'a Op) -> BoxFuture<'a, Result<String, OpError>>;
}

/// Progress of one operation, reported back to the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpPhase {
    Executing,
    Verifying,
    Succeeded,
    Failed,
    Refused,
    /// The call timed out and re-reading state could not settle what happened.
    Unknown,
}

impl OpPhase {
    pub fn in_progress(self) -> bool {
        matches!(self, OpPhase::Executing | OpPhase::Verifying)
    }

    pub fn label(self) -> &'static str {
        match self {
            OpPhase::Executing => "executing",
            OpPhase::Verifying => "verifying",
            OpPhase::Succeeded => "succeeded",
            OpPhase::Failed => "failed",
            OpPhase::Refused => "refused",
            OpPhase::Unknown => "outcome unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpUpdate {
    pub id: u64,
    pub phase: OpPhase,
    pub message: String,
    /// When it happened, on the dashboard's clock (simulated in demo), for the timeline.
    pub at: chrono::DateTime<chrono::Utc>,
}
