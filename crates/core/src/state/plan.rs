//! Building the plan an operation key opens: the call, the current state, the expected effect, the warnings.
//! A plan that cannot apply (nothing to roll back to, an empty DLQ) is a refusal notice instead.

use super::{
    DEFAULT_REDRIVE_RATE_INDEX, DeployRow, Notice, PaneId, PlanPopup, Popup, REDRIVE_RATES, RollbackWay, State,
};
use crate::action::Action;
use crate::model::{
    AlarmState, AliasMove, ClusterKind, DlqSources, MetricKind, MoveSource, RedriveStatus, Role, is_fifo,
};
use crate::operation::{ConsumerChange, Op, Plan, RebootCall};
use crate::text::compact_duration;

impl State {
    pub(super) fn open_plan(&mut self, action: Action) {
        match self.plan_for(action) {
            Ok(plan) => {
                let blocked = self.blocked(&plan);
                if let Some(running) = self.operation_in_progress(&plan.op) {
                    self.notice = Some(Notice::Problem(format!(
                        "refused: {} is {} on {}; one operation per target at a time",
                        running.op.summary(),
                        running.phase.label(),
                        plan.op.lock_key()
                    )));
                    return;
                }
                // A throttle plan's ↑/↓ step through maximum concurrencies, from the one it opened with.
                let rate_index = match plan.op {
                    Op::Consumer { change: ConsumerChange::Throttle { .. }, .. } => self.throttle_default_step(),
                    _ => DEFAULT_REDRIVE_RATE_INDEX,
                };
                self.ui.popup = Some(Popup::Plan(Box::new(PlanPopup {
                    plan,
                    typed: String::new(),
                    blocked,
                    rate_index,
                    destination_index: 0,
                    way: RollbackWay::Pin,
                    scroll: 0,
                })));
            }
            Err(why) => self.notice = Some(Notice::Info(why)),
        }
    }

    /// Why `plan` can only be previewed (read-only, no journal, failing credentials); `None` when it can run.
    pub(super) fn blocked(&self, plan: &Plan) -> Option<String> {
        if self.session.read_only {
            Some(format!("read-only: this would call {}", self.call_line(&plan.op)))
        } else if let Some(target) = self.data.target_of(plan.op.target()).filter(|t| t.read_only) {
            Some(format!(
                "{} is read-only (read_only = true in its [[targets]] table): this would call {}",
                target.label,
                self.call_line(&plan.op)
            ))
        } else if let Some((target, error)) =
            self.data.target_of(plan.op.target()).and_then(|t| Some((t, t.error.as_ref()?)))
        {
            Some(format!("{} is not answering ({error}); operations there are refused until it does", target.label))
        } else if let Some(e) = &self.journal_error {
            Some(format!("operations disabled: {e}"))
        } else {
            self.credentials_refusal()
        }
    }

    /// The exact call `op` makes, as the plan shows it: with several targets, with AWS's own names and the
    /// account and region it goes to (`operation::call_in`).
    pub fn call_line(&self, op: &Op) -> String {
        match self.data.target_of(op.target()) {
            Some(target) => crate::operation::call_in(op, target),
            None => op.api_call(),
        }
    }

    /// Why no operation can run while the AWS credentials fail: the source and its remedy, as the banner says.
    pub fn credentials_refusal(&self) -> Option<String> {
        let failure = self.credentials.as_ref()?;
        let source = self.data.identity.as_ref().map(|i| &i.credentials);
        Some(match source {
            Some(source) => format!(
                "AWS credentials from {} are failing ({}); {}",
                source.description, failure.detail, source.remedy
            ),
            None => format!("AWS credentials are failing ({})", failure.detail),
        })
    }

    /// The plan for `action` on the selected resource of its kind, whichever pane has focus.
    pub fn plan_for(&self, action: Action) -> Result<Plan, String> {
        let plan = match action {
            Action::Rollback => self.plan_rollback(0, RollbackWay::Pin),
            Action::Reboot => self.plan_reboot(),
            Action::Failover => self.plan_failover(),
            Action::Redrive => self.plan_redrive(REDRIVE_RATES[DEFAULT_REDRIVE_RATE_INDEX], None),
            Action::CancelRedrive => self.plan_cancel_redrive(),
            Action::PeekMessages => self.plan_peek(),
            Action::PauseConsumer => self.plan_pause(),
            Action::ResumeConsumer => self.plan_resume(),
            Action::ThrottleConsumer => self.plan_throttle(self.throttle_default_step()),
            other => Err(format!("{} is not an operation", other.name())),
        }?;
        Ok(self.dated(plan))
    }

    /// A plan whose facts come from data that stopped arriving says how old they are, at the head of "Now",
    /// and warns: the resource may have changed since.
    fn dated(&self, mut plan: Plan) -> Plan {
        let panes: &[PaneId] = match plan.op {
            Op::Rollback { .. } => &[PaneId::Functions],
            Op::Reboot { .. } | Op::Failover { .. } => &[PaneId::Database],
            Op::Redrive { .. } | Op::CancelRedrive { .. } => &[PaneId::Dlqs, PaneId::Queues],
            Op::Peek { .. } => &[PaneId::Dlqs],
            Op::Consumer { change: ConsumerChange::Repoint { .. }, .. } => &[PaneId::Functions, PaneId::Queues],
            Op::Consumer { .. } => &[PaneId::Queues],
            Op::RestoreCode { .. } => &[PaneId::Functions],
        };
        let target = self.data.target_of(plan.op.target()).map(|t| t.label.clone());
        let stale_in = |pane: PaneId| self.stale_in(pane, target.as_deref());
        for (i, stale) in panes.iter().filter_map(|p| stale_in(*p).map(|s| (p, s))).enumerate() {
            let (pane, stale) = stale;
            let age = stale.since.map_or("never read".to_string(), |t| format!("last read {}", self.ago(t)));
            plan.current.insert(i, format!("STALE — {} facts {age}: {}", pane.title(), stale.why));
            plan.warnings.insert(
                0,
                format!(
                    "this plan rests on {} data {age} ({}); what it shows may have changed since",
                    pane.title(),
                    stale.why
                ),
            );
        }
        plan
    }

    /// Redrive destinations in the order ←/→ offers them: back to the source queue(s) first, then each queue of
    /// the DLQ's type — a message move task moves FIFO messages only to a FIFO queue, standard to standard.
    pub fn redrive_destinations(&self) -> Vec<Option<String>> {
        let fifo = self.rows().selected_dlq().map(|d| is_fifo(&d.name));
        let compatible = self.data.queues.iter().filter(|q| fifo.is_none_or(|f| is_fifo(&q.name) == f));
        std::iter::once(None).chain(compatible.map(|q| Some(q.name.clone()))).collect()
    }

    /// The redrive plan again, after ↑/↓ or ←/→ changed the popup's rate or destination.
    pub(super) fn rebuild_redrive_plan(&self, popup: &mut PlanPopup) {
        let destination = self.redrive_destinations().get(popup.destination_index).cloned().flatten();
        if let Ok(plan) = self.plan_redrive(REDRIVE_RATES[popup.rate_index], destination).map(|p| self.dated(p)) {
            popup.plan = plan;
        }
    }

    fn ago(&self, t: chrono::DateTime<chrono::Utc>) -> String {
        format!("{} ago", compact_duration(self.now - t))
    }

    /// The versions a rollback of the selected alias can go to, in the order ←/→ offers them: the rollback
    /// target first (the version it moved from, or the newest published below), then the other published versions
    /// below the current one, newest first.
    /// For a mapping that invokes a version or `$LATEST`, the versions it can be pinned to, best first.
    pub fn rollback_targets(&self) -> Vec<String> {
        if let Some(DeployRow::Mapping(m)) = self.rows().selected_deploy() {
            return m.pin_targets().into_iter().map(|t| t.version).collect();
        }
        let Some(f) = self.rows().selected_function() else { return Vec::new() };
        let others = f.published.iter().map(|p| p.version.clone()).filter(|v| Some(v) != f.previous_version.as_ref());
        // Never the version it points to now (after a rollback, until the next poll reads the list again).
        f.previous_version.iter().cloned().chain(others).filter(|v| *v != f.version).collect()
    }

    /// The throttle plan again, after ↑/↓ chose another maximum concurrency.
    pub(super) fn rebuild_throttle_plan(&self, popup: &mut PlanPopup) {
        if let Ok(plan) = self.plan_throttle(popup.rate_index) {
            popup.plan = self.dated(plan);
        }
    }

    /// The rollback plan again, after ←/→ chose another target version or the other-way key another way (which
    /// may change the call, its target and so what a read-only preview says).
    pub(super) fn rebuild_rollback_plan(&self, popup: &mut PlanPopup) {
        match self.plan_rollback(popup.destination_index, popup.way) {
            Ok(plan) => {
                // Only a `$LATEST` consumer has the other way; elsewhere the key changes nothing.
                if !matches!(plan.op, Op::RestoreCode { .. }) {
                    popup.way = RollbackWay::Pin;
                }
                if plan.op.target() != popup.plan.op.target() {
                    popup.typed.clear();
                }
                popup.blocked = self.blocked(&plan);
                popup.plan = self.dated(plan);
            }
            // No way to restore (the code is unread): stay with the plan shown.
            Err(_) => popup.way = RollbackWay::Pin,
        }
    }

    /// The rollback plan to the `choice`-th of `rollback_targets`, the `way` chosen for a `$LATEST` consumer.
    pub(super) fn plan_rollback(&self, choice: usize, way: RollbackWay) -> Result<Plan, String> {
        let f = match self.rows().selected_deploy() {
            Some(DeployRow::Mapping(m)) => {
                return match way {
                    RollbackWay::Restore { publish } if m.qualifier == crate::model::Qualifier::Latest => {
                        self.plan_restore(m, choice, publish)
                    }
                    _ => self.plan_repoint(m, choice),
                };
            }
            Some(DeployRow::Alias(f)) => f,
            None => return Err("no function selected (Functions pane is empty)".to_string()),
        };
        let targets = self.rollback_targets();
        let prev =
            targets.get(choice).or(targets.first()).cloned().ok_or_else(|| {
                format!("{}:{} has no known previous version; nothing to roll back to", f.name, f.alias)
            })?;
        let op = Op::Rollback {
            function: f.name.clone(),
            alias: f.alias.clone(),
            from: f.version.clone(),
            to: prev.clone(),
        };
        let since = match &f.last_move {
            Some(m) => format!(" since {} ({}){}", m.at.format("%H:%M:%S"), self.ago(m.at), move_record(m)),
            None => " (history unknown: no record of when it moved there)".to_string(),
        };
        let mut current = vec![format!("{}:{} → version {}{since}", f.name, f.alias, f.version)];
        // The target is chosen knowingly: the version a record saw the alias leave, a guess from the list, or
        // another published version the engineer picked.
        let published = super::repoint::published_words(&f.published, &prev, false);
        let why = if Some(&prev) != f.previous_version.as_ref() {
            "chosen among the published versions".to_string()
        } else if f.previous_seen() {
            "the version it moved from".to_string()
        } else {
            format!(
                "the newest published version below {} — a guess, since no record shows what the alias pointed \
                 to before",
                f.version
            )
        };
        current.push(format!("target version {prev}{published}: {why}"));
        if targets.len() > 1 {
            current.push(format!(
                "other targets: {}",
                targets.iter().filter(|t| **t != prev).cloned().collect::<Vec<_>>().join(" · ")
            ));
        }
        if let (Some(err), Some(dur)) =
            (self.data.latest(&f.name, MetricKind::Errors), self.data.latest(&f.name, MetricKind::DurationP99))
        {
            current.push(format!("errors {err:.0}/min, p99 duration {dur:.0} ms"));
        }
        Ok(Plan {
            op,
            current,
            expected: vec![
                format!("{} points to version {prev}; new invocations run it within seconds", f.alias),
                "weighted routing (if any) is cleared".to_string(),
                format!("verified by reading the alias back (GetAlias {} {})", f.name, f.alias),
            ],
            warnings: {
                let mut warnings = rollback_warnings(&f.version, &prev);
                // A queue that invokes $LATEST or a version never runs this alias: the rollback would change nothing
                // it runs.
                let rows = self.rows();
                let elsewhere: Vec<String> = self
                    .data
                    .mappings
                    .values()
                    .flatten()
                    .filter(|m| m.function == f.name && m.qualifier.alias() != Some(f.alias.as_str()))
                    .map(|m| format!("{} invokes {}", m.queue, m.invoked()))
                    .collect();
                if rows.invoking(&f.name, &f.alias).is_empty() && !elsewhere.is_empty() {
                    warnings.insert(
                        0,
                        format!(
                            "no queue's event source mapping invokes {}:{} ({}): moving the alias changes nothing they run",
                            f.name,
                            f.alias,
                            elsewhere.join("; ")
                        ),
                    );
                }
                // A deploy after the incident's first anomaly did not start it: rolling it back may change nothing.
                if let (Some(moved), Some((first, _))) = (f.changed_at(), self.analysis.onsets.first())
                    && moved > first.at
                {
                    warnings.insert(
                        0,
                        format!(
                            "version {} went live at {}, after the first anomaly ({} at {}): it did not start the \
                             incident, and rolling it back may not help",
                            f.version,
                            moved.format("%H:%M"),
                            first.what,
                            first.at.format("%H:%M")
                        ),
                    );
                }
                warnings
            },
        })
    }

    fn plan_reboot(&self) -> Result<Plan, String> {
        let (cluster, inst) = self.rows().selected_instance().ok_or("no database instance selected")?;
        if !inst.status.is_available() {
            return Err(format!("{} is {}; wait until it is available", inst.id, inst.status));
        }
        let writer = inst.role == Role::Writer;
        let (call, why) = match cluster.kind {
            ClusterKind::Aurora => (
                RebootCall::Instance,
                format!(
                    "{} is Aurora: its instances reboot one at a time (RebootDBCluster does not apply to Aurora)",
                    cluster.id
                ),
            ),
            ClusterKind::MultiAzCluster => (
                RebootCall::Cluster,
                format!("{} is a Multi-AZ DB cluster: it reboots as a whole with RebootDBCluster", cluster.id),
            ),
            ClusterKind::Instance { .. } => (RebootCall::Instance, format!("{} is a single DB instance", inst.id)),
            ClusterKind::DocumentDb | ClusterKind::Neptune => (
                RebootCall::Instance,
                format!(
                    "{} is {}: its instances reboot one at a time (RebootDBCluster does not apply)",
                    cluster.id,
                    cluster.kind.label()
                ),
            ),
            ClusterKind::Unknown => return Err(unknown_engine(&cluster.id, &cluster.engine)),
        };
        let op = Op::Reboot { cluster: cluster.id.clone(), instance: inst.id.clone(), writer, call };
        let cpu = self.data.latest(&inst.id, MetricKind::DbCpu).map_or("–".to_string(), |c| format!("{c:.0} %"));
        let mut warnings = Vec::new();
        if writer {
            warnings.push(format!(
                "{} is the WRITER of {}: writes fail during the reboot (about a minute); consumers will error",
                inst.id, cluster.id
            ));
            warnings.push("in-flight statements are aborted, including any running migration or index build".into());
        } else {
            warnings.push(format!("{} is a reader: reads routed to it fail during the reboot", inst.id));
        }
        Ok(Plan {
            op,
            current: vec![
                format!("{} ({}, {}) {}, CPU {cpu}", inst.id, cluster.engine, inst.role.label(), inst.status),
                format!("cluster {} {}", cluster.id, cluster.status),
                why,
            ],
            expected: vec![
                format!("{} restarts: status rebooting → available", inst.id),
                "CPU falls to what the remaining load costs".to_string(),
                "verified by a restart event after the call (DescribeEvents) or the instance seen rebooting, then DescribeDBInstances available".to_string(),
            ],
            warnings,
        })
    }

    fn plan_failover(&self) -> Result<Plan, String> {
        let (cluster, inst) = self.rows().selected_instance().ok_or("no database instance selected")?;
        if cluster.kind == ClusterKind::Unknown {
            return Err(unknown_engine(&cluster.id, &cluster.engine));
        }
        if let ClusterKind::Instance { multi_az } = cluster.kind {
            if !multi_az {
                return Err(format!("{} is a single-AZ instance: there is no standby to fail over to", inst.id));
            }
            return Ok(Plan {
                op: Op::Reboot {
                    cluster: cluster.id.clone(),
                    instance: inst.id.clone(),
                    writer: true,
                    call: RebootCall::InstanceWithFailover,
                },
                current: vec![
                    format!("{} ({}) {}", inst.id, cluster.engine, inst.status),
                    "a Multi-AZ instance fails over by rebooting with ForceFailover".to_string(),
                ],
                expected: vec![
                    "the standby in the other zone becomes primary; the endpoint follows it".to_string(),
                    "verified by a restart event after the call (DescribeEvents) or the instance seen rebooting, then DescribeDBInstances available".to_string(),
                ],
                warnings: vec!["connections drop for one to two minutes while the endpoint moves".to_string()],
            });
        }
        let writer = cluster.writer().ok_or_else(|| format!("{} has no writer to fail over from", cluster.id))?;
        let target = cluster.members.iter().find(|m| m.role == Role::Reader && m.status.is_available());
        let target = target.ok_or_else(|| format!("{} has no available reader to promote", cluster.id))?;
        Ok(Plan {
            op: Op::Failover { cluster: cluster.id.clone(), target: Some(target.id.clone()) },
            current: vec![format!("{} writer {}, reader {} ({})", cluster.id, writer.id, target.id, cluster.status)],
            expected: vec![
                format!("{} becomes the writer; {} restarts as a reader", target.id, writer.id),
                "the cluster endpoint follows the new writer".to_string(),
                "verified by DescribeDBClusters: available, and the writer changed".to_string(),
            ],
            warnings: vec![
                "connections drop for about 30 seconds while the writer moves".to_string(),
                "in-flight transactions and running migrations on the old writer are aborted".to_string(),
            ],
        })
    }

    fn plan_redrive(&self, rate: Option<u32>, destination: Option<String>) -> Result<Plan, String> {
        let dlq = self.rows().selected_dlq().ok_or("no dead-letter queue selected")?;
        if let Some(task) = self.data.redrives.get(&dlq.name).filter(|t| t.status == RedriveStatus::Running) {
            return Err(format!(
                "{} already has a running redrive ({}/{} moved); cancel it first",
                dlq.name, task.moved, task.to_move
            ));
        }
        if dlq.depth == 0 {
            return Err(format!("{} is empty; nothing to redrive", dlq.name));
        }
        // StartMessageMoveTask moves messages only out of a queue that some SQS queue's RedrivePolicy names.
        if dlq.sources == DlqSources::NoSqsQueue {
            return Err(format!(
                "{} is not the dead-letter queue of any SQS queue (ListDeadLetterSourceQueues is empty; a Lambda or \
                 SNS dead-letter queue?): SQS cannot redrive it — replay its messages with the tool that sent them",
                dlq.name
            ));
        }
        if let Some(d) = destination.as_ref().filter(|d| is_fifo(d) != is_fifo(&dlq.name)) {
            return Err(format!(
                "{} and {d} differ in type (FIFO and standard): SQS cannot move between them",
                dlq.name
            ));
        }
        let mut warnings = vec!["moved messages get new message IDs".to_string()];
        if dlq.sources == DlqSources::Unknown && destination.is_none() {
            warnings.insert(
                0,
                format!(
                    "{}'s source queues could not be listed (sqs:ListDeadLetterSourceQueues failed): if no SQS queue's \
                     RedrivePolicy names it (a Lambda or SNS dead-letter queue), AWS refuses the move task",
                    dlq.name
                ),
            );
        }
        // Every source weighs: the messages go back to all of them.
        let hot: Vec<String> = dlq
            .sources
            .queues()
            .iter()
            .filter_map(|q| {
                let limit = self.data.threshold_value(&self.thresholds, q, MetricKind::QueueAge);
                let age = self.data.latest(q, MetricKind::QueueAge).filter(|a| *a > limit)?;
                Some(format!("{q} ({age:.0} s, threshold {limit:.0} s)"))
            })
            .collect();
        if !hot.is_empty() {
            warnings.insert(
                0,
                format!(
                    "{} {}: redriven messages may fail back into {}",
                    hot.join(", "),
                    if hot.len() == 1 {
                        "is still above its age threshold"
                    } else {
                        "are still above their age threshold"
                    },
                    dlq.name
                ),
            );
        }
        // Redriven into a queue nothing reads, the messages only wait there instead.
        let targets: Vec<String> = match &destination {
            Some(d) => vec![d.clone()],
            None => dlq.sources.queues().to_vec(),
        };
        for queue in &targets {
            if let Some(why) = self.data.no_consumer(queue) {
                warnings.insert(0, format!("{queue} has {why}: redriven messages will wait there, unprocessed"));
            }
        }
        // The DLQ's own account and region's alarms: another target's say nothing of where these messages go.
        let alarming: Vec<_> = self
            .data
            .alarms
            .iter()
            .filter(|a| a.state == AlarmState::Alarm && self.data.same_target(&a.name, &dlq.name))
            .map(|a| a.name.as_str())
            .collect();
        if !alarming.is_empty() {
            warnings.push(format!("alarms still firing: {}", alarming.join(", ")));
        }
        if let Some(other) = destination.as_ref().filter(|d| !dlq.sources.queues().contains(d)) {
            warnings.insert(0, format!("{other} is not where these messages came from ({})", dlq.source_label()));
        }
        let duration =
            rate.map(|r| compact_duration(chrono::Duration::seconds(dlq.depth.div_ceil(u64::from(r.max(1))) as i64)));
        let to = match &destination {
            Some(queue) => format!("move to {queue}"),
            None => format!("move back to their source queue ({})", dlq.source_label()),
        };
        Ok(Plan {
            op: Op::Redrive { dlq: dlq.name.clone(), destination, rate, arn: dlq.arn.clone() },
            current: vec![format!("{} holds {} messages; source queue {}", dlq.name, dlq.depth, dlq.source_label())],
            expected: vec![
                format!(
                    "messages {to} at {}{}",
                    rate.map_or("the system-optimised rate".to_string(), |r| format!("{r} msg/s")),
                    duration.map_or(String::new(), |d| format!(", about {d}"))
                ),
                "progress shows in the DLQ pane (ListMessageMoveTasks)".to_string(),
            ],
            warnings,
        })
    }

    fn plan_cancel_redrive(&self) -> Result<Plan, String> {
        let dlq = self.rows().selected_dlq().ok_or("no dead-letter queue selected")?;
        let task = self
            .data
            .redrives
            .get(&dlq.name)
            .filter(|t| t.status == RedriveStatus::Running)
            .ok_or_else(|| format!("{} has no running redrive to cancel", dlq.name))?;
        Ok(Plan {
            op: Op::CancelRedrive { dlq: dlq.name.clone(), task: task.handle.clone() },
            current: vec![format!(
                "{}: {}/{} moved to {}, started {}",
                task.handle,
                task.moved,
                task.to_move,
                task.destination,
                self.ago(task.started_at)
            )],
            expected: vec![
                "the task stops; messages already moved stay in the source queue".to_string(),
                "the rest stay in the DLQ".to_string(),
            ],
            warnings: Vec::new(),
        })
    }
}

/// What recorded an alias's last move, for the plan: ", by alice (CloudTrail)".
fn move_record(m: &AliasMove) -> String {
    let by = m.actor.as_deref().map_or(String::new(), |a| format!(", by {a}"));
    let source = match m.source {
        MoveSource::Polled => "seen between two polls",
        MoveSource::CloudTrail => "CloudTrail",
        MoveSource::Operation => "a warroom operation",
    };
    format!("{by} ({source})")
}

fn rollback_warnings(current: &str, target: &str) -> Vec<String> {
    let mut warnings = Vec::new();
    // After a rollback, the alias's "previous" version is the one just rolled away from.
    if let (Ok(c), Ok(t)) = (current.parse::<u64>(), target.parse::<u64>())
        && t > c
    {
        warnings
            .push(format!("version {t} is NEWER than {c}: this rolls forward to the version just rolled back from"));
    }
    warnings
        .push(format!("version {current} stays published; changes it made outside code (schema, data) are not undone"));
    warnings
}

/// Why a cluster of an unknown engine is offered no operation.
fn unknown_engine(cluster: &str, engine: &str) -> String {
    let what = match engine {
        "" => format!("{cluster} could not be read, so its engine is unknown"),
        engine => format!("{cluster} runs engine '{engine}', which warroom does not know"),
    };
    format!(
        "{what}: warroom will not guess which reboot or failover call AWS accepts for it (use the engine's own console or CLI)"
    )
}
