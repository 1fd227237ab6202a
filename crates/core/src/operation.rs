//! What an operation is: every call that changes AWS as an `Op` with its exact parameters, the `Plan` shown
//! before it, and how it progresses (`OpPhase`, `OpUpdate`) and fails (`OpError`). Who carries operations out
//! (the operators, the guard, the runner) lives in the `warroom` crate's `ops`.
//!
//! Words with one meaning each: an operation is **refused** when warroom declines before calling anything
//! (read-only, no journal, one already running on the target); it is **rejected** when AWS (or the simulator)
//! answers the call with an error.

use crate::model::{AliasMove, MoveSource, RedriveTask};
use serde::{Deserialize, Serialize};

/// One mutating operation, with everything needed to make the call. Serialized into the journal's `parameters`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "operation", rename_all = "snake_case")]
pub enum Op {
    /// Lambda UpdateAlias back to the version before the last move.
    Rollback {
        /// Function name.
        function: String,
        /// Alias name.
        alias: String,
        /// The version the alias must still point to (checked with its RevisionId).
        from: String,
        /// The version it will point to.
        to: String,
    },
    /// RDS RebootDBInstance or RebootDBCluster, as `call` says.
    Reboot {
        /// The cluster (the instance itself when standalone).
        cluster: String,
        /// The instance rebooted (for `RebootCall::Cluster`, the one selected when the plan was made).
        instance: String,
        /// Whether the instance was the writer when the plan was made.
        writer: bool,
        /// Which call.
        call: RebootCall,
    },
    /// RDS FailoverDBCluster.
    Failover {
        /// The cluster.
        cluster: String,
        /// The reader to promote; `None` lets RDS choose.
        target: Option<String>,
    },
    /// SQS StartMessageMoveTask. `destination: None` sends each message back to the queue it came from (SQS's
    /// default, right when a DLQ serves several source queues); `Some(queue)` sends them all to that queue.
    Redrive {
        /// The dead-letter queue.
        dlq: String,
        /// The queue to move to, when not the messages' sources.
        destination: Option<String>,
        /// MaxNumberOfMessagesPerSecond; `None` lets SQS choose.
        rate: Option<u32>,
        /// The DLQ's QueueArn, when read: the call line names the source and the destination by ARN, as the
        /// call does (a destination is in the DLQ's account and region). Older journal lines have none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        arn: Option<String>,
    },
    /// SQS ReceiveMessage with a visibility timeout of 0, as the AWS console polls a queue: a look at a few
    /// dead letters before redriving them. Nothing is deleted, but each message's receive count goes up by one,
    /// so it is guarded like a change (journaled, not offered under `--read-only`).
    Peek {
        /// The dead-letter queue.
        dlq: String,
        /// At most this many messages (ReceiveMessage's MaxNumberOfMessages, 1 to 10).
        max: u32,
    },
    /// SQS CancelMessageMoveTask.
    CancelRedrive {
        /// The dead-letter queue whose task it is.
        dlq: String,
        /// The task handle.
        task: String,
    },
    /// Lambda UpdateEventSourceMapping on one of a queue's mappings: pause, resume or throttle its consumer, or
    /// roll it back by pinning it to an earlier published version.
    Consumer {
        /// The queue the mapping reads.
        queue: String,
        /// The mapping's UUID.
        uuid: String,
        /// What it invokes (`orders-consumer:live`), for the words.
        invoked: String,
        /// What changes.
        change: ConsumerChange,
    },
    /// Lambda UpdateFunctionCode on `$LATEST` with an earlier version's code: the version's package (GetFunction
    /// with the qualifier, then its bytes, SHA-256 checked against `sha256` before the upload) or its image
    /// (`ImageUri`), locked by `revision`; optionally published as a new version.
    RestoreCode {
        /// The function.
        function: String,
        /// The queue whose consumer it is, for the words.
        queue: String,
        /// The published version whose code is restored.
        version: String,
        /// That version's `CodeSha256` as the plan read it: the package must hash to it, and `$LATEST` must
        /// report it afterwards.
        sha256: String,
        /// `$LATEST`'s `RevisionId` when the plan was read: UpdateFunctionCode refuses the upload if the function
        /// changed since.
        revision: String,
        /// Whether the version's code is a container image (`ImageUri`) rather than a .zip package.
        image: bool,
        /// Whether to publish a version of the restored code in the same call (`Publish=true`).
        publish: bool,
    },
}

/// What an UpdateEventSourceMapping changes on a queue's consumer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsumerChange {
    /// `Enabled=false`: Lambda stops polling; messages wait in the queue.
    Pause,
    /// `Enabled=true`: Lambda polls again.
    Resume,
    /// `ScalingConfig.MaximumConcurrency`: at most `to` concurrent invocations (2–1000); `None` removes the limit.
    Throttle {
        /// The limit before (as the plan read it).
        from: Option<u32>,
        /// The limit after.
        to: Option<u32>,
    },
    /// `FunctionName=function:to`: the mapping invokes published version `to` from now on — the rollback of a
    /// version-pinned mapping, or of a `$LATEST` one whose code changed (instant and reversible; the next
    /// infrastructure deploy re-points it).
    Repoint {
        /// The function's name.
        function: String,
        /// What it invoked when the plan was made: a version, or `$LATEST`.
        from: String,
        /// The published version it will invoke.
        to: String,
    },
}

/// The maximum concurrency values a throttle plan offers with ↑/↓ (Lambda accepts 2–1000); `None` removes it.
pub const MAX_CONCURRENCY_STEPS: [Option<u32>; 10] =
    [Some(2), Some(5), Some(10), Some(20), Some(50), Some(100), Some(200), Some(500), Some(1000), None];

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
    /// The operation's name as the journal's `operation` field and the keymap's action name spell it
    /// ("rollback", "reboot", "failover", "redrive", "cancel_redrive", "peek_messages", "pause_consumer", "resume_consumer",
    /// "throttle_consumer", "rollback_mapping", "restore_code").
    pub fn name(&self) -> &'static str {
        match self {
            Op::Rollback { .. } => "rollback",
            Op::Reboot { .. } => "reboot",
            Op::Failover { .. } => "failover",
            Op::Redrive { .. } => "redrive",
            Op::CancelRedrive { .. } => "cancel_redrive",
            Op::Peek { .. } => "peek_messages",
            Op::Consumer { change: ConsumerChange::Pause, .. } => "pause_consumer",
            Op::Consumer { change: ConsumerChange::Resume, .. } => "resume_consumer",
            Op::Consumer { change: ConsumerChange::Throttle { .. }, .. } => "throttle_consumer",
            Op::Consumer { change: ConsumerChange::Repoint { .. }, .. } => "rollback_mapping",
            Op::RestoreCode { .. } => "restore_code",
        }
    }

    /// How its start (or, `outcome`, its end) shows on the timeline: an operation and its outcome (a change, so a
    /// suspect for a later anomaly, and a moment the traffic verdict does not compare across), or for a peek,
    /// which changes nothing a later anomaly or the verdict could follow from, a look.
    pub fn timeline_kind(&self, outcome: bool) -> crate::model::EventKind {
        use crate::model::EventKind;
        match (self, outcome) {
            (Op::Peek { .. }, _) => EventKind::Look,
            (_, false) => EventKind::Operation,
            (_, true) => EventKind::Outcome,
        }
    }

    /// Whether it rolls a consumer back: an alias moved, or a mapping pinned to an earlier version (the plans
    /// whose ←/→ choose the target version).
    pub fn is_rollback(&self) -> bool {
        matches!(
            self,
            Op::Rollback { .. } | Op::RestoreCode { .. } | Op::Consumer { change: ConsumerChange::Repoint { .. }, .. }
        )
    }

    /// The alias move a verified rollback made, at `at` by `actor`; `None` for other operations.
    pub fn alias_move(&self, at: chrono::DateTime<chrono::Utc>, actor: String) -> Option<AliasMove> {
        match self {
            Op::Rollback { function, alias, from, to } => Some(AliasMove {
                function: function.clone(),
                alias: alias.clone(),
                from: Some(from.clone()),
                to: to.clone(),
                at,
                source: MoveSource::Operation,
                actor: Some(actor),
                place: None,
            }),
            _ => None,
        }
    }

    /// Renames every resource name the operation carries (not the DLQ's ARN, which names its own account and
    /// region), with `f`: a target's operator strips the label the data qualified the names with before it
    /// calls AWS (`model::unqualified`).
    pub fn rename(&mut self, f: &dyn Fn(&str) -> String) {
        let re = |s: &mut String| *s = f(s);
        match self {
            Op::Rollback { function, .. } | Op::RestoreCode { function, .. } => re(function),
            Op::Reboot { cluster, instance, .. } => {
                re(cluster);
                re(instance);
            }
            Op::Failover { cluster, target } => {
                re(cluster);
                if let Some(target) = target {
                    re(target)
                }
            }
            Op::Redrive { dlq, destination, .. } => {
                re(dlq);
                if let Some(destination) = destination {
                    re(destination)
                }
            }
            Op::Peek { dlq, .. } | Op::CancelRedrive { dlq, .. } => re(dlq),
            Op::Consumer { queue, invoked, change, .. } => {
                re(queue);
                re(invoked);
                if let ConsumerChange::Repoint { function, .. } = change {
                    re(function)
                }
            }
        }
        if let Op::RestoreCode { queue, .. } = self {
            re(queue)
        }
    }

    /// The name the operator must type to confirm: the resource the call acts on.
    pub fn target(&self) -> &str {
        match self {
            Op::Rollback { function, .. } => function,
            Op::Reboot { cluster, call: RebootCall::Cluster, .. } => cluster,
            Op::Reboot { instance, .. } => instance,
            Op::Failover { cluster, .. } => cluster,
            Op::Redrive { dlq, .. } | Op::CancelRedrive { dlq, .. } | Op::Peek { dlq, .. } => dlq,
            Op::Consumer { queue, .. } => queue,
            Op::RestoreCode { function, .. } => function,
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
            Op::Redrive { dlq, destination, rate, arn } => {
                // A queue's ARN is its DLQ's with the name swapped: same partition, region and account.
                let arn_of = |name: &str| {
                    arn.as_deref()
                        .and_then(|a| a.rsplit_once(':'))
                        .map_or(name.to_string(), |(p, _)| format!("{p}:{name}"))
                };
                let rate = rate.map_or(String::new(), |r| format!(" MaxNumberOfMessagesPerSecond={r}"));
                let destination = destination
                    .as_ref()
                    .map_or(" (no DestinationArn: each message returns to its source queue)".to_string(), |d| {
                        format!(" DestinationArn={}", arn_of(d))
                    });
                format!("sqs:StartMessageMoveTask SourceArn={}{destination}{rate}", arn_of(dlq))
            }
            Op::CancelRedrive { task, .. } => format!("sqs:CancelMessageMoveTask TaskHandle={task}"),
            Op::Peek { dlq, max } => format!(
                "sqs:ReceiveMessage QueueUrl=<{dlq}> MaxNumberOfMessages={max} VisibilityTimeout=0 \
                 MessageSystemAttributeNames=All MessageAttributeNames=All (no DeleteMessage)"
            ),
            Op::Consumer { uuid, change, .. } => {
                let what = match change {
                    ConsumerChange::Repoint { function, to, .. } => format!("FunctionName={function}:{to}"),
                    ConsumerChange::Pause => "Enabled=false".to_string(),
                    ConsumerChange::Resume => "Enabled=true".to_string(),
                    ConsumerChange::Throttle { to: Some(n), .. } => format!("ScalingConfig={{MaximumConcurrency={n}}}"),
                    ConsumerChange::Throttle { to: None, .. } => "ScalingConfig={} (no maximum)".to_string(),
                };
                format!("lambda:UpdateEventSourceMapping UUID={uuid} {what}")
            }
            Op::RestoreCode { function, version, sha256, revision, image, publish, .. } => {
                let publish = if *publish { " Publish=true" } else { "" };
                // The whole hash is in the journal's parameters; the call names it by its first characters.
                let sha256 = format!("{}…", sha256.get(..8).unwrap_or(sha256));
                if *image {
                    format!(
                        "lambda:GetFunction FunctionName={function} Qualifier={version}, then lambda:UpdateFunctionCode \
                         FunctionName={function} ImageUri=<version {version}'s image> RevisionId={revision}{publish}"
                    )
                } else {
                    format!(
                        "lambda:GetFunction FunctionName={function} Qualifier={version}, then lambda:UpdateFunctionCode \
                         FunctionName={function} ZipFile=<version {version}'s package, SHA-256 {sha256}> \
                         RevisionId={revision}{publish}"
                    )
                }
            }
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
            Op::Redrive { dlq, destination, rate, .. } => {
                let rate = rate.map_or("system rate".to_string(), |r| format!("{r} msg/s"));
                format!("redrive {dlq} → {} at {rate}", destination.as_deref().unwrap_or("its source"))
            }
            Op::CancelRedrive { dlq, .. } => format!("cancel the redrive of {dlq}"),
            Op::Peek { dlq, max } => format!("peek at up to {max} messages in {dlq}"),
            Op::Consumer { queue, invoked, change, .. } => match change {
                ConsumerChange::Pause => format!("pause {queue} → {invoked}"),
                ConsumerChange::Resume => format!("resume {queue} → {invoked}"),
                ConsumerChange::Throttle { from, to } => {
                    let limit = |n: &Option<u32>| n.map_or("no maximum".to_string(), |n| n.to_string());
                    format!("throttle {queue} → {invoked}: max concurrency {} → {}", limit(from), limit(to))
                }
                ConsumerChange::Repoint { function, to, .. } => {
                    format!("roll back {queue} → {invoked} to {function}:{to}")
                }
            },
            Op::RestoreCode { function, version, publish, .. } => {
                let publish = if *publish { ", published" } else { "" };
                format!("restore {function} $LATEST to version {version}'s code{publish}")
            }
        }
    }
}

/// What the operator is shown before confirming: the call, the present, the expected effect, the risks. Plain
/// sentences: which keys do what is the screen's to say, from the active keymap.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The operation confirming would start.
    pub op: Op,
    /// How things stand now, one line each.
    pub current: Vec<String>,
    /// What the call is expected to do, and how it will be verified.
    pub expected: Vec<String>,
    /// Pre-flight warnings.
    pub warnings: Vec<String>,
}

/// Why a call did not do what it should.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpError {
    /// Someone else changed the resource since the plan was made (or has a task running on it); not retried.
    #[error("conflict: {0}")]
    Conflict(String),
    /// AWS (or the simulator) rejected the call with an error; nothing changed.
    #[error("rejected: {0}")]
    Rejected(String),
    /// The call was made but the expected state never came.
    #[error("not verified: {0}")]
    NotVerified(String),
    /// The call timed out: it may or may not have happened. State is re-read, never guessed.
    #[error("outcome unknown: {0}")]
    Unknown(String),
}

/// Progress of one operation, reported back to the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpPhase {
    /// The intent is journaled and the call is being made.
    Executing,
    /// The call answered; its effect is being read back.
    Verifying,
    /// The effect was read back.
    Succeeded,
    /// The call was rejected, conflicted, or its effect never showed.
    Failed,
    /// warroom declined before calling anything (read-only, no journal).
    Refused,
    /// The call timed out and re-reading state could not settle what happened.
    Unknown,
}

impl OpPhase {
    /// Whether the operation is still running (and holds its target's lock).
    pub fn in_progress(self) -> bool {
        matches!(self, OpPhase::Executing | OpPhase::Verifying)
    }

    /// The phase as a word, for panes, notices and the journal's `result`.
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

/// The resource just before the call, read by the operator: verification proves that the call made the change —
/// a new RevisionId on the alias, a new writer, an RDS restart event dated after `called_at` — rather than only
/// that the end state holds (`available` proves nothing about a reboot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    /// When the call was about to be made (the operator's clock: wall time live, simulated in the demo).
    pub called_at: chrono::DateTime<chrono::Utc>,
    /// The alias's version before a rollback (lambda:GetAlias); `None` when unread.
    pub version: Option<String>,
    /// The alias's RevisionId before a rollback (lambda:GetAlias); `None` when unread.
    pub revision: Option<String>,
    /// The cluster's writer before a failover (rds:DescribeDBClusters); `None` when unread.
    pub writer: Option<String>,
}

impl Baseline {
    /// Only the time: what is known of an operation an earlier session started (its journaled intent's time).
    pub fn at(called_at: chrono::DateTime<chrono::Utc>) -> Baseline {
        Baseline { called_at, version: None, revision: None, writer: None }
    }
}

/// What verification read that the panes should show at once, before the next poll reads it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Seen {
    /// The resource was already in the target state before the call, which then called nothing (a rollback to
    /// the version the alias already pointed to): no change to show or to credit.
    Unchanged,
    /// The DLQ's message move task as verification read it (ListMessageMoveTasks): the redrive's progress shows
    /// in its row at once.
    Redrive(RedriveTask),
    /// The messages a peek received (ReceiveMessage, visibility 0): shown at once in their own view.
    Messages {
        /// The dead-letter queue.
        dlq: String,
        /// What was received, in the order SQS answered.
        messages: Vec<crate::model::PeekedMessage>,
    },
    /// An event source mapping as verification read it (GetEventSourceMapping): its state, maximum concurrency
    /// and what it invokes show in the queue's row and the Functions pane at once.
    Mapping {
        /// The queue it reads.
        queue: String,
        /// Its UUID.
        uuid: String,
        /// Its state.
        state: crate::model::MappingState,
        /// Its maximum concurrency.
        max_concurrency: Option<u32>,
        /// What it invokes.
        qualifier: crate::model::Qualifier,
    },
    /// The cluster's writer after a failover (DescribeDBClusters `IsClusterWriter`): every other member is a
    /// reader.
    Writer {
        /// The cluster.
        cluster: String,
        /// Its writer instance.
        instance: String,
    },
}

impl Seen {
    /// Renames the resource names it carries, with `f` (see `Op::rename`): a target's verification qualifies what
    /// it read, as its telemetry does.
    pub fn rename(&mut self, f: &dyn Fn(&str) -> String) {
        match self {
            Seen::Unchanged => {}
            Seen::Redrive(task) => task.dlq = f(&task.dlq),
            Seen::Messages { dlq, .. } => *dlq = f(dlq),
            Seen::Mapping { queue, .. } => *queue = f(queue),
            Seen::Writer { cluster, instance } => {
                *cluster = f(cluster);
                *instance = f(instance);
            }
        }
    }
}

/// The call line of `op` when it acts in `target`, one of several: the exact call with AWS's own names, and where
/// it goes ("lambda:UpdateAlias orders-consumer … in account 111111111111, us-east-1 (prod/us-east-1)").
pub fn call_in(op: &Op, target: &crate::model::TargetStatus) -> String {
    let mut bare = op.clone();
    bare.rename(&|name| crate::model::unqualified(&target.label, name).to_string());
    format!("{} in {} ({})", bare.api_call(), target.place(), target.label)
}

/// An operation's effect, seen: what verification read, in words and as state.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// "GetAlias: orders-consumer:live → 41".
    pub text: String,
    /// The state it read, for the panes.
    pub seen: Vec<Seen>,
}

impl Verified {
    /// Words only: the op itself says what state it leaves (a rollback's alias version), or nothing the panes
    /// show changed.
    pub fn said(text: String) -> Verified {
        Verified { text, seen: Vec::new() }
    }
}

/// One step of an operation's progress, from the runner to the state.
#[derive(Debug, Clone, PartialEq)]
pub struct OpUpdate {
    /// The id the state gave the operation when it was confirmed.
    pub id: u64,
    /// Where it is now.
    pub phase: OpPhase,
    /// What happened: the call, the answer, what verification saw, or why it failed.
    pub message: String,
    /// When it happened, on the dashboard's clock (simulated in demo), for the timeline.
    pub at: chrono::DateTime<chrono::Utc>,
    /// For a verified operation, the state verification read; empty otherwise.
    pub seen: Vec<Seen>,
}

impl OpUpdate {
    /// A step with nothing seen.
    pub fn new(id: u64, phase: OpPhase, message: String, at: chrono::DateTime<chrono::Utc>) -> OpUpdate {
        OpUpdate { id, phase, message, at, seen: Vec::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redrive_names_its_queues_by_arn_when_the_dlqs_is_known() {
        let arn = Some("arn:aws:sqs:eu-west-1:123456789012:orders-dlq".to_string());
        let op = Op::Redrive { dlq: "orders-dlq".into(), destination: Some("orders".into()), rate: None, arn };
        assert_eq!(
            op.api_call(),
            "sqs:StartMessageMoveTask SourceArn=arn:aws:sqs:eu-west-1:123456789012:orders-dlq \
             DestinationArn=arn:aws:sqs:eu-west-1:123456789012:orders"
        );
        let older = Op::Redrive { dlq: "orders-dlq".into(), destination: None, rate: Some(5), arn: None };
        let line: Op = serde_json::from_str(&serde_json::to_string(&older).expect("json")).expect("an older line");
        assert!(line.api_call().starts_with("sqs:StartMessageMoveTask SourceArn=orders-dlq (no DestinationArn"));
    }
}
