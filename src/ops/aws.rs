//! The live operator: every mutating AWS call warroom makes lives here, behind the guard.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_lambda::types::{AliasRoutingConfiguration, ScalingConfig};
use futures_util::future::BoxFuture;
use warroom_core::model::{EventSourceMapping, MappingState, Qualifier, RedriveStatus};
use warroom_core::operation::{Baseline, ConsumerChange, Op, OpError, RebootCall, Seen, Verified};

use super::{Operator, op_error, peek, restore};
use crate::aws::queues::{latest_task, resolve};
use crate::aws::{Clients, aws_error, databases};
use crate::mapping_from;

/// Operations on AWS through the official SDK.
pub struct AwsOperator {
    /// For reads (the state before, verification): the SDK's standard retries.
    clients: Clients,
    /// For the mutating calls: sent once, never retried by the SDK.
    calls: Clients,
    /// How often verification re-reads state, and for how long.
    poll_every: Duration,
    verify_within: Duration,
    /// What each DLQ's last peek received, by DLQ: a peek's verification is its answer (the messages stay in
    /// the queue, so there is nothing to re-read). One operation per DLQ at a time, so no peek overwrites
    /// another's before it is shown.
    peeked: std::sync::Mutex<HashMap<String, Vec<warroom_core::model::PeekedMessage>>>,
}

/// The restore a `RestoreCode` op names.
fn restore_of(op: &Op) -> Option<restore::Restore<'_>> {
    match op {
        Op::RestoreCode { function, version, sha256, revision, image, publish, .. } => {
            Some(restore::Restore { function, version, sha256, revision, image: *image, publish: *publish })
        }
        _ => None,
    }
}

impl AwsOperator {
    /// An operator calling through `clients`; verification reads every 5 s for up to 15 min.
    pub fn new(clients: Clients) -> Self {
        let calls = clients.sent_once();
        Self {
            clients,
            calls,
            poll_every: Duration::from_secs(5),
            verify_within: Duration::from_secs(15 * 60),
            peeked: Default::default(),
        }
    }

    /// Faster verification for tests against an emulator.
    pub fn with_verification(mut self, poll_every: Duration, verify_within: Duration) -> Self {
        self.poll_every = poll_every;
        self.verify_within = verify_within;
        self
    }
}

impl AwsOperator {
    /// GetAlias: the version the alias points to now, and its RevisionId.
    async fn alias_now(&self, function: &str, alias: &str) -> Result<(String, String), OpError> {
        let out = self
            .clients
            .lambda
            .get_alias()
            .function_name(function)
            .name(alias)
            .send()
            .await
            .map_err(|e| op_error(aws_error("lambda:GetAlias", e)))?;
        Ok((out.function_version().unwrap_or_default().to_string(), out.revision_id().unwrap_or_default().to_string()))
    }

    /// Decides what an UpdateAlias conflict means by reading the alias again.
    async fn after_conflict(&self, function: &str, alias: &str, to: &str, why: String) -> Result<String, OpError> {
        let now = self.alias_now(function, alias).await;
        match now.map(|(version, _)| version) {
            Ok(v) if v == to => Ok(format!(
                "UpdateAlias: {function}:{alias} already points to {to} (an earlier attempt went through; the retry saw its own change)"
            )),
            Ok(v) => {
                Err(OpError::Conflict(format!("{why}; {function}:{alias} now points to {v}: someone else changed it")))
            }
            Err(e) => Err(OpError::Conflict(format!("{why}; re-reading the alias failed too: {e}"))),
        }
    }

    async fn rollback(&self, function: &str, alias: &str, from: &str, to: &str) -> Result<String, OpError> {
        let (version, revision) = self.alias_now(function, alias).await?;
        if version == to {
            return Ok(format!("{function}:{alias} already points to {to}; nothing was called"));
        }
        if version != from {
            return Err(OpError::Conflict(format!(
                "{function}:{alias} now points to {version}, not {from}: someone else changed it; nothing was called"
            )));
        }
        // RevisionId makes Lambda reject the update if the alias changed since we read it.
        let result = self
            .calls
            .lambda
            .update_alias()
            .function_name(function)
            .name(alias)
            .function_version(to)
            .revision_id(&revision)
            .routing_config(
                AliasRoutingConfiguration::builder().set_additional_version_weights(Some(HashMap::new())).build(),
            )
            .send()
            .await
            .map_err(|e| op_error(aws_error("lambda:UpdateAlias", e)));
        let out = match result {
            Ok(out) => out,
            // A conflict can be our own doing: an attempt that timed out went through, and the SDK's retry
            // then carried a stale RevisionId. Re-read before blaming anyone.
            Err(OpError::Conflict(why)) => return self.after_conflict(function, alias, to, why).await,
            Err(e) => return Err(e),
        };
        Ok(format!(
            "UpdateAlias: {function}:{alias} → {} (RevisionId {revision} → {})",
            out.function_version().unwrap_or(to),
            out.revision_id().unwrap_or("?")
        ))
    }

    async fn reboot(&self, cluster: &str, instance: &str, call: RebootCall) -> Result<String, OpError> {
        let rds = &self.calls.rds;
        match call {
            RebootCall::Cluster => {
                rds.reboot_db_cluster()
                    .db_cluster_identifier(cluster)
                    .send()
                    .await
                    .map_err(|e| op_error(aws_error("rds:RebootDBCluster", e)))?;
                Ok(format!("RebootDBCluster: {cluster} rebooting"))
            }
            RebootCall::Instance | RebootCall::InstanceWithFailover => {
                let out = rds
                    .reboot_db_instance()
                    .db_instance_identifier(instance)
                    .force_failover(call == RebootCall::InstanceWithFailover)
                    .send()
                    .await
                    .map_err(|e| op_error(aws_error("rds:RebootDBInstance", e)))?;
                let status = out.db_instance().and_then(|i| i.db_instance_status()).unwrap_or("rebooting");
                Ok(format!("RebootDBInstance: {instance} {status}"))
            }
        }
    }

    async fn redrive(&self, dlq: &str, destination: Option<&str>, rate: Option<u32>) -> Result<String, OpError> {
        let source = resolve(&self.clients, dlq).await.map_err(op_error)?;
        let dest = match destination {
            Some(name) => Some(resolve(&self.clients, name).await.map_err(op_error)?.arn),
            None => None,
        };
        // One task per queue: refuse rather than let SQS fail half-way through the plan.
        if let Ok(Some(task)) = latest_task(&self.clients, dlq, &source.arn, None).await
            && task.status == RedriveStatus::Running
        {
            return Err(OpError::Conflict(format!(
                "{dlq} already has a running move task {}; nothing was called",
                task.handle
            )));
        }
        let out = self
            .calls
            .sqs
            .start_message_move_task()
            .source_arn(&source.arn)
            .set_destination_arn(dest)
            .set_max_number_of_messages_per_second(rate.map(|r| r as i32))
            .send()
            .await
            .map_err(|e| op_error(aws_error("sqs:StartMessageMoveTask", e)))?;
        Ok(format!("StartMessageMoveTask: TaskHandle={}", out.task_handle().unwrap_or("?")))
    }

    /// UpdateEventSourceMapping: enable, disable, set (or remove, with an empty ScalingConfig) the maximum
    /// concurrency, or point it at another version (`FunctionName=name:N`).
    async fn update_mapping(&self, uuid: &str, change: &ConsumerChange) -> Result<String, OpError> {
        let call = self.calls.lambda.update_event_source_mapping().uuid(uuid);
        let call = match change {
            ConsumerChange::Pause => call.enabled(false),
            ConsumerChange::Resume => call.enabled(true),
            ConsumerChange::Repoint { function, to, .. } => call.function_name(format!("{function}:{to}")),
            ConsumerChange::Throttle { to, .. } => call.scaling_config(
                ScalingConfig::builder().set_maximum_concurrency(to.and_then(|n| i32::try_from(n).ok())).build(),
            ),
        };
        let out = call.send().await.map_err(|e| op_error(aws_error("lambda:UpdateEventSourceMapping", e)))?;
        Ok(format!("UpdateEventSourceMapping: {uuid} {}", out.state().unwrap_or("?")))
    }

    /// GetEventSourceMapping: the mapping now.
    async fn mapping_now(&self, uuid: &str) -> Result<Option<EventSourceMapping>, OpError> {
        let m = self
            .clients
            .lambda
            .get_event_source_mapping()
            .uuid(uuid)
            .send()
            .await
            .map_err(|e| op_error(aws_error("lambda:GetEventSourceMapping", e)))?;
        Ok(mapping_from!(m))
    }

    /// The cluster's writer now (DescribeDBClusters), and whether the cluster is available.
    async fn writer_now(&self, cluster: &str) -> Result<(Option<String>, bool), OpError> {
        let read = databases::clusters(&self.clients, Some(cluster)).await;
        if let Some(e) = read.error {
            return Err(op_error(e));
        }
        let Some(c) = read.items.first() else { return Ok((None, false)) };
        let writer = c
            .db_cluster_members()
            .iter()
            .find(|m| m.is_cluster_writer() == Some(true))
            .and_then(|m| m.db_instance_identifier())
            .map(str::to_string);
        Ok((writer, c.status() == Some("available")))
    }

    /// One read towards proving the operation: Some(what proves it) once it does. `saw` remembers, across reads,
    /// a status that shows the call took effect (`rebooting`), which proves a reboot as a restart event does.
    async fn check(&self, op: &Op, baseline: &Baseline, saw: &mut Option<String>) -> Result<Option<Verified>, OpError> {
        match op {
            Op::Rollback { function, alias, to, .. } => {
                let (version, revision) = self.alias_now(function, alias).await?;
                // The alias at the target with a new RevisionId is this change; at the target with the old one, it
                // was there before the call (which then called nothing).
                let changed = baseline.revision.as_ref().is_none_or(|r| *r != revision)
                    || baseline.version.as_deref() == Some(to.as_str());
                let already = baseline.version.as_deref() == Some(to.as_str());
                Ok((version == *to && changed).then(|| {
                    let was = baseline.revision.as_deref().map_or(String::new(), |r| format!("{r} → "));
                    let text = format!("GetAlias: {function}:{alias} → {to} (RevisionId {was}{revision})");
                    Verified { text, seen: if already { vec![Seen::Unchanged] } else { Vec::new() } }
                }))
            }
            Op::Failover { cluster, target } => {
                let (writer, available) = self.writer_now(cluster).await?;
                let Some(writer) = writer else { return Ok(None) };
                // A failover is proven by the writer changing (to the target, when one was named).
                let moved = match (target, &baseline.writer) {
                    (Some(t), _) => writer == *t && baseline.writer.as_ref() != Some(t),
                    (None, Some(before)) => writer != *before,
                    (None, None) => false,
                };
                Ok((available && moved).then(|| Verified {
                    text: format!(
                        "DescribeDBClusters: {cluster} available, writer {} → {writer}",
                        baseline.writer.as_deref().unwrap_or("?")
                    ),
                    seen: vec![Seen::Writer { cluster: cluster.clone(), instance: writer.clone() }],
                }))
            }
            Op::Reboot { cluster, instance, call, .. } => {
                let (kind, id) = match call {
                    RebootCall::Cluster => (databases::EventSource::Cluster, cluster.as_str()),
                    RebootCall::Instance | RebootCall::InstanceWithFailover => {
                        (databases::EventSource::Instance, instance.as_str())
                    }
                };
                let status = match call {
                    RebootCall::Cluster => self.writer_now(cluster).await?.1.then(|| "available".to_string()),
                    _ => {
                        let read = databases::instances(&self.clients, Some(instance)).await;
                        if let Some(e) = read.error {
                            return Err(op_error(e));
                        }
                        read.items.first().and_then(|i| i.db_instance_status()).map(str::to_string)
                    }
                };
                if status.as_deref() == Some("rebooting") {
                    *saw = Some(format!("{id} seen rebooting"));
                }
                if saw.is_none() {
                    let since = baseline.called_at - EVENT_CLOCK_SKEW;
                    let restarted =
                        databases::restarted_since(&self.clients, kind, id, since).await.map_err(op_error)?;
                    *saw = restarted.map(|(at, message)| format!("RDS event {}: {message}", at.format("%H:%M:%S")));
                }
                Ok(match (&saw, status.as_deref()) {
                    (Some(proof), Some("available")) => {
                        Some(Verified::said(format!("{proof}; DescribeDB{}: {id} available", kind.noun())))
                    }
                    _ => None,
                })
            }
            Op::Consumer { queue, uuid, change, .. } => {
                let Some(m) = self.mapping_now(uuid).await? else { return Ok(None) };
                // Disabling and Enabling are on the way; only the end state proves it.
                let done = match change {
                    ConsumerChange::Pause => m.state == MappingState::Disabled,
                    ConsumerChange::Resume => m.state == MappingState::Enabled,
                    ConsumerChange::Throttle { to, .. } => {
                        m.max_concurrency == *to && !matches!(m.state, MappingState::Changing(_))
                    }
                    ConsumerChange::Repoint { to, .. } => {
                        m.qualifier == Qualifier::Version(to.clone()) && !matches!(m.state, MappingState::Changing(_))
                    }
                };
                Ok(done.then(|| Verified {
                    text: format!(
                        "GetEventSourceMapping: {uuid} {}, invokes {}, max concurrency {}",
                        m.state.label(),
                        m.invoked(),
                        m.max_concurrency.map_or("none".to_string(), |n| n.to_string())
                    ),
                    seen: vec![Seen::Mapping {
                        queue: queue.clone(),
                        uuid: uuid.clone(),
                        state: m.state.clone(),
                        max_concurrency: m.max_concurrency,
                        qualifier: m.qualifier.clone(),
                    }],
                }))
            }
            Op::RestoreCode { .. } => match restore_of(op) {
                Some(r) => restore::restored(&self.clients, &r).await,
                None => Ok(None),
            },
            // The answer is the proof; a peek whose answer was lost (a timed-out call, a restart) has nothing to
            // show and must not pass for one that showed nothing.
            Op::Peek { dlq, .. } => match self.peeked.lock().unwrap_or_else(|p| p.into_inner()).remove(dlq) {
                Some(messages) => Ok(Some(Verified {
                    text: format!("{} messages shown, none deleted", messages.len()),
                    seen: vec![Seen::Messages { dlq: dlq.clone(), messages }],
                })),
                None => Err(OpError::NotVerified(format!("the peek's answer for {dlq} was lost: peek again"))),
            },
            Op::Redrive { dlq, .. } | Op::CancelRedrive { dlq, .. } => {
                let address = resolve(&self.clients, dlq).await.map_err(op_error)?;
                let task = latest_task(&self.clients, dlq, &address.arn, None).await.map_err(op_error)?;
                Ok(task
                    // The task this redrive started, not an earlier one: started after the call.
                    .filter(|t| {
                        !matches!(op, Op::Redrive { .. }) || t.started_at >= baseline.called_at - EVENT_CLOCK_SKEW
                    })
                    .filter(|t| !matches!(op, Op::CancelRedrive { .. }) || t.status != RedriveStatus::Running)
                    .map(|t| Verified {
                        text: format!("ListMessageMoveTasks: {} {}", t.handle, t.status.label()),
                        seen: vec![Seen::Redrive(t.clone())],
                    }))
            }
        }
    }
}

/// How far AWS's clock may be behind ours when an event's date is compared with the time of our call.
const EVENT_CLOCK_SKEW: chrono::Duration = chrono::Duration::seconds(30);

impl Operator for AwsOperator {
    fn baseline<'a>(&'a self, op: &'a Op) -> BoxFuture<'a, Baseline> {
        Box::pin(async move {
            let mut baseline = Baseline::at(chrono::Utc::now());
            match op {
                Op::Rollback { function, alias, .. } => {
                    if let Ok((version, revision)) = self.alias_now(function, alias).await {
                        (baseline.version, baseline.revision) = (Some(version), Some(revision));
                    }
                }
                Op::Failover { cluster, .. } => {
                    baseline.writer = self.writer_now(cluster).await.ok().and_then(|(w, _)| w);
                }
                _ => {}
            }
            baseline
        })
    }

    fn execute<'a>(&'a self, op: &'a Op, _actor: &'a str) -> BoxFuture<'a, Result<String, OpError>> {
        Box::pin(async move {
            match op {
                Op::Rollback { function, alias, from, to } => self.rollback(function, alias, from, to).await,
                Op::Reboot { cluster, instance, call, .. } => self.reboot(cluster, instance, *call).await,
                Op::Failover { cluster, target } => {
                    self.calls
                        .rds
                        .failover_db_cluster()
                        .db_cluster_identifier(cluster)
                        .set_target_db_instance_identifier(target.clone())
                        .send()
                        .await
                        .map_err(|e| op_error(aws_error("rds:FailoverDBCluster", e)))?;
                    Ok(format!("FailoverDBCluster: {cluster} failing over"))
                }
                Op::Redrive { dlq, destination, rate, .. } => self.redrive(dlq, destination.as_deref(), *rate).await,
                Op::Consumer { uuid, change, .. } => self.update_mapping(uuid, change).await,
                Op::RestoreCode { .. } => match restore_of(op) {
                    Some(r) => restore::restore_code(&self.calls, &r).await,
                    None => Err(OpError::Rejected("not a restore".into())),
                },
                Op::Peek { dlq, max } => {
                    let messages = peek::receive(&self.calls, dlq, *max).await?;
                    let text = format!("ReceiveMessage: {} messages received; none deleted", messages.len());
                    self.peeked.lock().unwrap_or_else(|p| p.into_inner()).insert(dlq.clone(), messages);
                    Ok(text)
                }
                Op::CancelRedrive { task, .. } => {
                    let out = self
                        .calls
                        .sqs
                        .cancel_message_move_task()
                        .task_handle(task)
                        .send()
                        .await
                        .map_err(|e| op_error(aws_error("sqs:CancelMessageMoveTask", e)))?;
                    Ok(format!(
                        "CancelMessageMoveTask: {} moved before cancelling",
                        out.approximate_number_of_messages_moved()
                    ))
                }
            }
        })
    }

    fn verify<'a>(&'a self, op: &'a Op, baseline: &'a Baseline) -> BoxFuture<'a, Result<Verified, OpError>> {
        Box::pin(async move {
            let deadline = tokio::time::Instant::now() + self.verify_within;
            let mut last_error = None;
            let mut saw = None;
            // A peek has nothing to wait for: its answer is there or it is lost.
            if matches!(op, Op::Peek { .. }) {
                return self
                    .check(op, baseline, &mut saw)
                    .await?
                    .ok_or_else(|| OpError::NotVerified("no answer".into()));
            }
            loop {
                match self.check(op, baseline, &mut saw).await {
                    Ok(Some(verdict)) => return Ok(verdict),
                    Ok(None) => {}
                    // A failed read is not a failed operation: keep reading until the deadline.
                    Err(e) => last_error = Some(e.to_string()),
                }
                if tokio::time::Instant::now() >= deadline {
                    let why = last_error.map_or(String::new(), |e| format!(" (last read: {e})"));
                    return Err(OpError::NotVerified(format!(
                        "no proof that {} changed within {}s{why}",
                        op.target(),
                        self.verify_within.as_secs()
                    )));
                }
                tokio::time::sleep(self.poll_every).await;
            }
        })
    }
}
