//! What the simulated AWS does on each call: UpdateAlias, RebootDBInstance, FailoverDBCluster,
//! StartMessageMoveTask, CancelMessageMoveTask, UpdateEventSourceMapping — and how each call's effect is read back. The simulator's operator
//! makes the calls live; `export --demo` replays the journal's operations through `apply`.

use chrono::Duration;

use super::World;
use crate::model::{
    AliasMove, DbStatus, EventKind, MappingState, MoveSource, PeekedMessage, Qualifier, RedriveStatus, RedriveTask,
    Role,
};
use crate::operation::{ConsumerChange, Op, OpError, Seen, Verified};

/// The simulated AWS rejected a call, in the words AWS would use (`InvalidDBInstanceState: …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimRejection(pub String);

fn parse_version(v: &str) -> Result<u32, OpError> {
    v.parse().map_err(|_| OpError::Rejected(format!("InvalidParameterValueException: version `{v}`")))
}

impl World {
    /// Makes the call `op` names as `actor`; what the simulated service answered, or how it rejected the call (a
    /// concurrent alias change is a conflict, as AWS's RevisionId check makes it).
    pub fn apply(&mut self, op: &Op, actor: &str) -> Result<String, OpError> {
        let rejected = |e: SimRejection| OpError::Rejected(e.0);
        match op {
            Op::Rollback { function, alias, from, to } => {
                let (from_v, to_v) = (parse_version(from)?, parse_version(to)?);
                self.update_alias(function, alias, from_v, to_v, actor).map_err(|e| {
                    if e.0.starts_with("PreconditionFailed") { OpError::Conflict(e.0) } else { OpError::Rejected(e.0) }
                })?;
                Ok(format!("{function}:{alias} now points to {to}"))
            }
            Op::Reboot { instance, .. } => {
                self.reboot_instance(instance).map_err(rejected)?;
                Ok(format!("{instance} status: rebooting"))
            }
            Op::Failover { cluster, target } => {
                self.failover_cluster(cluster, target.as_deref()).map_err(rejected)?;
                Ok(format!("{cluster} status: failing-over"))
            }
            Op::Redrive { dlq, destination, rate, .. } => {
                let handle = self.start_redrive(dlq, destination.as_deref(), *rate).map_err(rejected)?;
                Ok(format!("TaskHandle={handle}"))
            }
            Op::CancelRedrive { task, .. } => {
                self.cancel_redrive(task).map_err(rejected)?;
                Ok(format!("{task} cancelling"))
            }
            Op::Peek { dlq, max } => {
                let received = self.peek(dlq, *max).map_err(rejected)?;
                Ok(format!("received {} messages; none deleted", received.len()))
            }
            Op::Consumer { queue, uuid, change, .. } => {
                self.update_mapping(queue, uuid, change).map_err(rejected)?;
                Ok(format!("{uuid} {}", self.mapping_state().label()))
            }
            Op::RestoreCode { function, version, sha256, revision, publish, .. } => {
                self.restore_code(function, version, sha256, revision, *publish)
            }
        }
    }

    /// `sqs:ReceiveMessage` with a visibility timeout of 0 on the DLQ: up to `max` of its messages, left in place,
    /// each received once more than before (the failed orders the incident dead-lettered, with the error that
    /// failed them).
    pub fn peek(&mut self, dlq: &str, max: u32) -> Result<Vec<PeekedMessage>, SimRejection> {
        let q = &self.scenario.queue;
        if dlq != q.dlq {
            return Err(SimRejection(format!("AWS.SimpleQueueService.NonExistentQueue: {dlq}")));
        }
        self.peeks += 1;
        let count = (self.dlq.round() as u64).min(u64::from(max.clamp(1, 10)));
        let since = self.dlq_oldest_since.unwrap_or(self.now);
        let source_arn = super::queue_arn(&q.name);
        self.last_peek = (0..count)
            .map(|i| PeekedMessage {
                message_id: format!("5fea7756-0ea4-451a-a703-{:012x}", 0xa45_1a70 + i),
                body: format!(
                    r#"{{"order_id":{},"customer_id":{},"items":{},"error":"canceling statement due to statement timeout"}}"#,
                    100_231 + i * 7,
                    7_000 + i * 13,
                    1 + i % 4
                ),
                receive_count: q.max_receive_count + self.peeks,
                sent_at: Some(since + chrono::Duration::seconds(i as i64 * 17)),
                attributes: vec![("DeadLetterQueueSourceArn".to_string(), source_arn.clone())],
                message_attributes: vec![("trace-id".to_string(), format!("1-6566f2a0-{:024x}", 0x3f1e + i))],
            })
            .collect();
        Ok(self.last_peek.clone())
    }

    /// `lambda:UpdateFunctionCode` with a published version's code: refused when the package is not the one the
    /// plan named, a conflict when `$LATEST` changed since (its RevisionId), published as a new version on request.
    fn restore_code(
        &mut self,
        function: &str,
        version: &str,
        sha256: &str,
        revision: &str,
        publish: bool,
    ) -> Result<String, OpError> {
        let v = parse_version(version)?;
        let known =
            self.scenario.version(v).is_some_and(|s| s.published) || self.republished.iter().any(|(r, _)| *r == v);
        if function != self.scenario.function.name || !known {
            return Err(OpError::Rejected(format!(
                "ResourceNotFoundException: function {function}:{version} not found"
            )));
        }
        if revision != super::revision_id(self.latest_revision) {
            return Err(OpError::Conflict(format!(
                "PreconditionFailedException: {function} $LATEST changed since the plan (RevisionId)"
            )));
        }
        let code = self.code_of(v);
        if super::code_sha(code) != sha256 {
            return Err(OpError::Rejected(format!(
                "refused to upload: the package of {function}:{version} is not the one the plan named"
            )));
        }
        self.latest_code = code;
        self.latest_changed = self.now;
        self.latest_revision += 1;
        let mut said = format!("{function} $LATEST now holds version {version}'s code");
        if publish {
            let newest = self.scenario.function.versions.iter().map(|s| s.version);
            let next = newest.chain(self.republished.iter().map(|(r, _)| *r)).max().unwrap_or(0) + 1;
            self.republished.push((next, code));
            said.push_str(&format!(", published as version {next}"));
        }
        self.emit_event(EventKind::Event, Some(function), format!("Lambda: {said}"), None);
        Ok(said)
    }

    /// `lambda:UpdateEventSourceMapping` on the queue's one mapping: enable, disable, or set its maximum
    /// concurrency (2–1000, as Lambda validates it).
    pub fn update_mapping(&mut self, queue: &str, uuid: &str, change: &ConsumerChange) -> Result<(), SimRejection> {
        if queue != self.scenario.queue.name || uuid != super::MAPPING_UUID {
            return Err(SimRejection(format!("ResourceNotFoundException: event source mapping {uuid} not found")));
        }
        let text = match change {
            ConsumerChange::Pause => {
                self.mapping_enabled = false;
                format!("Lambda: event source mapping {uuid} disabled")
            }
            ConsumerChange::Resume => {
                self.mapping_enabled = true;
                format!("Lambda: event source mapping {uuid} enabled")
            }
            ConsumerChange::Throttle { to: Some(n), .. } if !(2..=1000).contains(n) => {
                return Err(SimRejection(format!(
                    "ValidationException: maximumConcurrency {n} must be between 2 and 1000"
                )));
            }
            ConsumerChange::Repoint { function, to, .. } => {
                let published = to.parse::<u32>().ok().is_some_and(|v| {
                    self.scenario.version(v).is_some_and(|s| s.published)
                        || self.republished.iter().any(|(r, _)| *r == v)
                });
                if *function != self.scenario.function.name || !published {
                    return Err(SimRejection(format!(
                        "ResourceNotFoundException: function {function}:{to} not found (not a published version)"
                    )));
                }
                self.mapping_qualifier = Qualifier::Version(to.clone());
                format!("Lambda: event source mapping {uuid} now invokes {function}:{to}")
            }
            ConsumerChange::Throttle { to, .. } => {
                self.max_concurrency = *to;
                format!(
                    "Lambda: event source mapping {uuid} maximum concurrency {}",
                    to.map_or("removed".to_string(), |n| n.to_string())
                )
            }
        };
        self.mapping_modified = self.now;
        let function = self.scenario.function.name.clone();
        self.emit_event(EventKind::Event, Some(&function), text, None);
        Ok(())
    }

    fn mapping_state(&self) -> MappingState {
        if self.mapping_enabled { MappingState::Enabled } else { MappingState::Disabled }
    }

    /// One read of the state `op` should have produced: what verification saw, once the world shows it.
    pub fn verify(&self, op: &Op) -> Option<Verified> {
        match op {
            Op::Rollback { function, alias, to, .. } => (self.alias_version.to_string() == *to)
                .then(|| Verified::said(format!("GetAlias: {function}:{alias} → {to}"))),
            Op::Reboot { instance, .. } => (self.instance_status(instance) == Some(&DbStatus::Available))
                .then(|| Verified::said(format!("DescribeDBInstances: {instance} available"))),
            Op::Failover { cluster, .. } => self.cluster_status.is_available().then(|| {
                let writer = self.writer_id().unwrap_or("?").to_string();
                Verified {
                    text: format!("DescribeDBClusters: {cluster} available, writer {writer}"),
                    seen: vec![Seen::Writer { cluster: cluster.clone(), instance: writer }],
                }
            }),
            Op::Redrive { dlq, .. } => self.redrive.as_ref().filter(|t| t.dlq == *dlq).map(|t| Verified {
                text: format!("ListMessageMoveTasks: {} {}", t.handle, t.status.label()),
                seen: vec![Seen::Redrive(t.clone())],
            }),
            Op::CancelRedrive { task, .. } => {
                self.redrive.as_ref().filter(|t| t.handle == *task && t.status != RedriveStatus::Running).map(|t| {
                    Verified {
                        text: format!("ListMessageMoveTasks: {task} {}", t.status.label()),
                        seen: vec![Seen::Redrive(t.clone())],
                    }
                })
            }
            // Nothing to verify: the messages are the answer, and they stay where they were.
            Op::Peek { dlq, .. } => Some(Verified {
                text: format!("{} messages shown, none deleted", self.last_peek.len()),
                seen: vec![Seen::Messages { dlq: dlq.clone(), messages: self.last_peek.clone() }],
            }),
            Op::RestoreCode { function, version, sha256, .. } => {
                let now = super::code_sha(self.latest_code);
                (now == *sha256).then(|| {
                    Verified::said(format!(
                        "GetFunctionConfiguration: {function} $LATEST CodeSha256 {} (version {version}'s), Successful",
                        now.get(..8).unwrap_or(&now)
                    ))
                })
            }
            Op::Consumer { queue, uuid, change, .. } => {
                let done = match change {
                    ConsumerChange::Pause => !self.mapping_enabled,
                    ConsumerChange::Resume => self.mapping_enabled,
                    ConsumerChange::Throttle { to, .. } => self.max_concurrency == *to,
                    ConsumerChange::Repoint { to, .. } => self.mapping_qualifier == Qualifier::Version(to.clone()),
                };
                let state = self.mapping_state();
                done.then(|| Verified {
                    text: format!(
                        "GetEventSourceMapping: {uuid} {}, max concurrency {}",
                        state.label(),
                        self.max_concurrency.map_or("none".to_string(), |n| n.to_string())
                    ),
                    seen: vec![Seen::Mapping {
                        queue: queue.clone(),
                        uuid: uuid.clone(),
                        state,
                        max_concurrency: self.max_concurrency,
                        qualifier: self.mapping_qualifier.clone(),
                    }],
                })
            }
        }
    }

    /// `lambda:UpdateAlias`. `expected_current` plays the part of RevisionId: a concurrent change is a conflict.
    pub fn update_alias(
        &mut self,
        function: &str,
        alias: &str,
        expected_current: u32,
        to: u32,
        actor: &str,
    ) -> Result<(), SimRejection> {
        let f = &self.scenario.function;
        if function != f.name || alias != f.alias {
            return Err(SimRejection(format!("ResourceNotFoundException: alias {function}:{alias} not found")));
        }
        if self.scenario.version(to).is_none() {
            return Err(SimRejection(format!("ResourceNotFoundException: version {to} of {function} not found")));
        }
        if self.alias_version != expected_current {
            return Err(SimRejection(format!(
                "PreconditionFailedException: {alias} now points to {} (expected {expected_current}); someone else changed it",
                self.alias_version
            )));
        }
        self.move_alias(to, actor, MoveSource::Operation);
        Ok(())
    }

    /// `rds:RebootDBInstance`.
    pub fn reboot_instance(&mut self, id: &str) -> Result<(), SimRejection> {
        let seconds = i64::from(self.scenario.database.reboot_seconds);
        let now = self.now;
        let inst = self
            .instances
            .iter_mut()
            .find(|i| i.id == id)
            .ok_or_else(|| SimRejection(format!("DBInstanceNotFound: {id}")))?;
        if !inst.status.is_available() {
            return Err(SimRejection(format!("InvalidDBInstanceState: {id} is {}", inst.status)));
        }
        inst.status = DbStatus::Rebooting;
        inst.busy_until = Some(now + Duration::seconds(seconds));
        let was_writer = inst.role == Role::Writer;
        self.emit_event(EventKind::Event, Some(id), format!("RDS: DB instance {id} is being rebooted"), None);
        if was_writer {
            self.abort_migration("reboot of the writer");
        }
        Ok(())
    }

    /// `rds:FailoverDBCluster`: the reader is promoted; connections drop while DNS moves.
    pub fn failover_cluster(&mut self, cluster: &str, target: Option<&str>) -> Result<(), SimRejection> {
        if cluster != self.scenario.database.cluster {
            return Err(SimRejection(format!("DBClusterNotFoundFault: {cluster}")));
        }
        if !self.cluster_status.is_available() || self.instances.iter().any(|i| !i.status.is_available()) {
            return Err(SimRejection(format!("InvalidDBClusterStateFault: {cluster} is {}", self.cluster_status)));
        }
        if let Some(t) = target
            && !self.instances.iter().any(|i| i.id == t && i.role == Role::Reader)
        {
            return Err(SimRejection(format!("InvalidParameterValue: {t} is not a reader of {cluster}")));
        }
        let until = self.now + Duration::seconds(i64::from(self.scenario.database.failover_seconds));
        for inst in &mut self.instances {
            inst.role = match inst.role {
                Role::Writer => Role::Reader,
                Role::Reader => Role::Writer,
            };
            inst.status = DbStatus::FailingOver;
            inst.busy_until = Some(until);
        }
        self.cluster_status = DbStatus::FailingOver;
        self.emit_event(EventKind::Event, Some(cluster), format!("RDS: failover started for {cluster}"), None);
        self.abort_migration("failover");
        Ok(())
    }

    /// `sqs:StartMessageMoveTask` from the DLQ back to its source. The scenario has one source queue, so that is
    /// the only destination there is.
    pub fn start_redrive(
        &mut self,
        dlq: &str,
        destination: Option<&str>,
        rate: Option<u32>,
    ) -> Result<String, SimRejection> {
        if dlq != self.scenario.queue.dlq {
            return Err(SimRejection(format!("QueueDoesNotExist: {dlq}")));
        }
        if let Some(other) = destination.filter(|d| *d != self.scenario.queue.name) {
            return Err(SimRejection(format!("QueueDoesNotExist: {other}")));
        }
        if self.redrive.as_ref().is_some_and(|t| t.status == RedriveStatus::Running) {
            return Err(SimRejection(format!("UnsupportedOperation: {dlq} already has a running message move task")));
        }
        self.task_counter += 1;
        let handle = format!("sim-task-{}", self.task_counter);
        let to_move = self.dlq.round() as u64;
        self.redrive = Some(RedriveTask {
            handle: handle.clone(),
            dlq: dlq.to_string(),
            destination: self.scenario.queue.name.clone(),
            rate_per_second: rate,
            moved: 0,
            to_move,
            status: RedriveStatus::Running,
            started_at: self.now,
        });
        self.emit_event(
            EventKind::Event,
            Some(dlq),
            format!("SQS: message move task started, {to_move} messages {dlq} → {}", self.scenario.queue.name),
            None,
        );
        Ok(handle)
    }

    /// `sqs:CancelMessageMoveTask`.
    pub fn cancel_redrive(&mut self, handle: &str) -> Result<(), SimRejection> {
        match &mut self.redrive {
            Some(t) if t.handle == handle && t.status == RedriveStatus::Running => {
                t.status = RedriveStatus::Cancelled;
                let text = format!("SQS: message move task cancelled after {} messages", t.moved);
                let dlq = t.dlq.clone();
                self.emit_event(EventKind::Event, Some(&dlq), text, None);
                Ok(())
            }
            _ => Err(SimRejection(format!("ResourceNotFoundException: no running task {handle}"))),
        }
    }

    /// The alias moves to `to`: a deploy (scripted, as the simulated account's CloudTrail records it) or a
    /// rollback (an operation, whose own timeline entries are the change).
    pub(super) fn move_alias(&mut self, to: u32, actor: &str, source: MoveSource) {
        let f = &self.scenario.function;
        let moved = AliasMove {
            function: f.name.clone(),
            alias: f.alias.clone(),
            from: Some(self.alias_version.to_string()),
            to: to.to_string(),
            at: self.now,
            source,
            actor: Some(actor.to_string()),
            place: None,
        };
        self.alias_version = to;
        self.emit_move(moved);
    }

    fn abort_migration(&mut self, why: &str) {
        if let Some(m) = self.migration.take() {
            let db = self.scenario.database.cluster.clone();
            self.emit_event(EventKind::Change, Some(&db), format!("migration aborted by {why}: {}", m.text), None);
        }
    }
}
