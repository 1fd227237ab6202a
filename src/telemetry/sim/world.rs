//! The simulated incident: a deterministic model stepped one simulated second at a time. It produces the same
//! observations AWS would (status snapshots, one-minute metric points, events) and reacts to operations the way
//! AWS resources would. Same scenario + same operations at the same simulated times = the same story.

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};

use super::scenario::{AlarmMetric, Scenario, ScriptedEvent};
use crate::model::{
    AlarmState, AlarmStatus, ClusterKind, ClusterStatus, DlqStatus, EventKind, FunctionStatus, InstanceStatus,
    MetricKind, Observation, QueueStatus, RedriveStatus, RedriveTask, Role, TimelineEvent,
};

/// Messages per second a redrive moves when no rate is given (SQS picks a system-optimised rate).
pub const DEFAULT_REDRIVE_RATE: u32 = 100;

/// Why the simulator refused an operation, in the words AWS would use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimRefusal(pub String);

/// A small, seeded PRNG (xorshift64*): noise that is the same on every run.
#[derive(Debug, Clone)]
struct Noise(u64);

impl Noise {
    fn next_unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let v = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (v >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A factor around 1.0, ± `spread`.
    fn jitter(&mut self, spread: f64) -> f64 {
        1.0 + (self.next_unit() * 2.0 - 1.0) * spread
    }
}

#[derive(Debug, Clone)]
struct Migration {
    text: String,
    cpu: f64,
    started: DateTime<Utc>,
    ramp: Duration,
    ends: DateTime<Utc>,
}

#[derive(Debug, Clone)]
struct Instance {
    id: String,
    role: Role,
    status: &'static str,
    /// When a reboot or failover finishes.
    busy_until: Option<DateTime<Utc>>,
    cpu: f64,
}

#[derive(Debug, Clone)]
struct Alarm {
    status: AlarmStatus,
    metric: AlarmMetric,
    threshold: f64,
    periods: u32,
    breaching_periods: u32,
}

/// Per-minute sums, turned into one metric point per series at each minute boundary (like CloudWatch).
#[derive(Debug, Clone, Default)]
struct MinuteTotals {
    sent: f64,
    deleted: f64,
    invocations: f64,
    errors: f64,
    max_age: f64,
    max_duration: f64,
    cpu_sum: Vec<f64>,
    seconds: u32,
}

/// The whole simulated account.
#[derive(Debug, Clone)]
pub struct World {
    scenario: Scenario,
    now: DateTime<Utc>,
    noise: Noise,
    next_event: usize,
    traffic: f64,
    traffic_target: f64,
    traffic_step: f64,
    alias_version: u32,
    previous_version: Option<u32>,
    alias_changed_at: Option<DateTime<Utc>>,
    migration: Option<Migration>,
    instances: Vec<Instance>,
    cluster_status: &'static str,
    visible: f64,
    in_flight: f64,
    age: f64,
    dlq: f64,
    processed_last: f64,
    duration_ms: f64,
    redrive: Option<RedriveTask>,
    task_counter: u32,
    alarms: Vec<Alarm>,
    minute: MinuteTotals,
    metrics_out: Vec<Observation>,
    events_out: Vec<Observation>,
    history: VecDeque<TimelineEvent>,
}

impl World {
    pub fn new(scenario: Scenario) -> World {
        let start = scenario.start;
        let db = &scenario.database;
        let instances = vec![
            Instance {
                id: db.writer.clone(),
                role: Role::Writer,
                status: "available",
                busy_until: None,
                cpu: db.baseline_cpu,
            },
            Instance { id: db.reader.clone(), role: Role::Reader, status: "available", busy_until: None, cpu: 8.0 },
        ];
        let alarms = scenario
            .alarms
            .iter()
            .map(|a| Alarm {
                status: AlarmStatus {
                    name: a.name.clone(),
                    state: AlarmState::Ok,
                    since: start,
                    resource: a.resource.clone(),
                    reason: format!("threshold {}", a.threshold),
                },
                metric: a.metric,
                threshold: a.threshold,
                periods: a.periods.max(1),
                breaching_periods: 0,
            })
            .collect();
        let mut world = World {
            noise: Noise(scenario.seed.max(1)),
            now: start,
            next_event: 0,
            traffic: 1.0,
            traffic_target: 1.0,
            traffic_step: 0.0,
            alias_version: scenario.function.version,
            previous_version: None,
            alias_changed_at: None,
            migration: None,
            instances,
            cluster_status: "available",
            visible: 0.0,
            in_flight: 0.0,
            age: 1.0,
            dlq: 0.0,
            processed_last: scenario.queue.send_per_minute / 60.0,
            duration_ms: 0.0,
            redrive: None,
            task_counter: 0,
            alarms,
            minute: MinuteTotals::default(),
            metrics_out: Vec::new(),
            events_out: Vec::new(),
            history: VecDeque::new(),
            scenario,
        };
        world.duration_ms = world.version_spec_duration();
        world
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Simulated time at `minutes` after the scenario's start.
    pub fn at_minute(&self, minutes: f64) -> DateTime<Utc> {
        self.scenario.start + Duration::milliseconds((minutes * 60_000.0) as i64)
    }

    /// Steps the model one simulated second at a time up to `t`.
    pub fn advance_to(&mut self, t: DateTime<Utc>) {
        while self.now + Duration::seconds(1) <= t {
            self.step();
        }
    }

    /// Metric points completed since the last call.
    pub fn drain_metrics(&mut self) -> Vec<Observation> {
        std::mem::take(&mut self.metrics_out)
    }

    /// Timeline events since the last call.
    pub fn drain_events(&mut self) -> Vec<Observation> {
        std::mem::take(&mut self.events_out)
    }

    /// The real-time view: what SQS GetQueueAttributes and ListMessageMoveTasks return now.
    pub fn fast_snapshot(&self) -> Vec<Observation> {
        let q = &self.scenario.queue;
        let mut out = vec![
            Observation::Clock(self.now),
            Observation::Queue(QueueStatus {
                name: q.name.clone(),
                visible: self.visible.round() as u64,
                in_flight: self.in_flight.round() as u64,
                dlq: Some(q.dlq.clone()),
                consumer: Some(self.scenario.function.name.clone()),
            }),
            Observation::Dlq(DlqStatus { name: q.dlq.clone(), source: q.name.clone(), depth: self.dlq.round() as u64 }),
        ];
        if let Some(task) = &self.redrive {
            out.push(Observation::Redrive(task.clone()));
        }
        out
    }

    /// The inventory view: alarms, alias, cluster members.
    pub fn inventory_snapshot(&self) -> Vec<Observation> {
        let f = &self.scenario.function;
        let mut out: Vec<Observation> = self.alarms.iter().map(|a| Observation::Alarm(a.status.clone())).collect();
        out.push(Observation::Function(FunctionStatus {
            name: f.name.clone(),
            alias: f.alias.clone(),
            version: self.alias_version.to_string(),
            previous_version: self.previous_version.map(|v| v.to_string()),
            changed_at: self.alias_changed_at,
        }));
        out.push(Observation::Cluster(self.cluster()));
        out
    }

    fn cluster(&self) -> ClusterStatus {
        let db = &self.scenario.database;
        ClusterStatus {
            id: db.cluster.clone(),
            engine: db.engine.clone(),
            kind: ClusterKind::Aurora,
            status: self.cluster_status.to_string(),
            members: self
                .instances
                .iter()
                .map(|i| InstanceStatus { id: i.id.clone(), role: i.role, status: i.status.to_string() })
                .collect(),
        }
    }

    // ---- Observations a test or the operator's verify step reads directly --------------------------------

    pub fn alias_version(&self) -> u32 {
        self.alias_version
    }

    pub fn dlq_depth(&self) -> u64 {
        self.dlq.round() as u64
    }

    pub fn queue_age(&self) -> f64 {
        self.age
    }

    pub fn writer_cpu(&self) -> f64 {
        self.writer().map_or(0.0, |w| w.cpu)
    }

    pub fn alarm_state(&self, name: &str) -> Option<AlarmState> {
        self.alarms.iter().find(|a| a.status.name == name).map(|a| a.status.state)
    }

    pub fn instance_status(&self, id: &str) -> Option<&'static str> {
        self.instances.iter().find(|i| i.id == id).map(|i| i.status)
    }

    pub fn writer_id(&self) -> Option<&str> {
        self.writer().map(|w| w.id.as_str())
    }

    pub fn cluster_status(&self) -> &'static str {
        self.cluster_status
    }

    pub fn redrive(&self) -> Option<&RedriveTask> {
        self.redrive.as_ref()
    }

    pub fn migration_running(&self) -> bool {
        self.migration.is_some()
    }

    // ---- Operations: what UpdateAlias, RebootDBInstance, FailoverDBCluster, StartMessageMoveTask do --------

    /// `lambda:UpdateAlias`. `expected_current` plays the part of RevisionId: a concurrent change is a conflict.
    pub fn update_alias(
        &mut self,
        function: &str,
        alias: &str,
        expected_current: u32,
        to: u32,
        actor: &str,
    ) -> Result<(), SimRefusal> {
        let f = &self.scenario.function;
        if function != f.name || alias != f.alias {
            return Err(SimRefusal(format!("ResourceNotFoundException: alias {function}:{alias} not found")));
        }
        if self.scenario.version(to).is_none() {
            return Err(SimRefusal(format!("ResourceNotFoundException: version {to} of {function} not found")));
        }
        if self.alias_version != expected_current {
            return Err(SimRefusal(format!(
                "PreconditionFailedException: {alias} now points to {} (expected {expected_current}); someone else changed it",
                self.alias_version
            )));
        }
        self.move_alias(to, actor);
        Ok(())
    }

    /// `rds:RebootDBInstance`.
    pub fn reboot_instance(&mut self, id: &str, actor: &str) -> Result<(), SimRefusal> {
        let seconds = i64::from(self.scenario.database.reboot_seconds);
        let now = self.now;
        let inst = self
            .instances
            .iter_mut()
            .find(|i| i.id == id)
            .ok_or_else(|| SimRefusal(format!("DBInstanceNotFound: {id}")))?;
        if inst.status != "available" {
            return Err(SimRefusal(format!("InvalidDBInstanceState: {id} is {}", inst.status)));
        }
        inst.status = "rebooting";
        inst.busy_until = Some(now + Duration::seconds(seconds));
        let was_writer = inst.role == Role::Writer;
        self.emit_event(
            EventKind::Operation,
            Some(id),
            format!("RDS: DB instance {id} is being rebooted"),
            Some(actor),
        );
        if was_writer {
            self.abort_migration("reboot of the writer");
        }
        Ok(())
    }

    /// `rds:FailoverDBCluster`: the reader is promoted; connections drop while DNS moves.
    pub fn failover_cluster(&mut self, cluster: &str, target: Option<&str>, actor: &str) -> Result<(), SimRefusal> {
        if cluster != self.scenario.database.cluster {
            return Err(SimRefusal(format!("DBClusterNotFoundFault: {cluster}")));
        }
        if self.cluster_status != "available" || self.instances.iter().any(|i| i.status != "available") {
            return Err(SimRefusal(format!("InvalidDBClusterStateFault: {cluster} is {}", self.cluster_status)));
        }
        if let Some(t) = target
            && !self.instances.iter().any(|i| i.id == t && i.role == Role::Reader)
        {
            return Err(SimRefusal(format!("InvalidParameterValue: {t} is not a reader of {cluster}")));
        }
        let until = self.now + Duration::seconds(i64::from(self.scenario.database.failover_seconds));
        for inst in &mut self.instances {
            inst.role = match inst.role {
                Role::Writer => Role::Reader,
                Role::Reader => Role::Writer,
            };
            inst.status = "failing-over";
            inst.busy_until = Some(until);
        }
        self.cluster_status = "failing-over";
        self.emit_event(
            EventKind::Operation,
            Some(cluster),
            format!("RDS: failover started for {cluster}"),
            Some(actor),
        );
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
        actor: &str,
    ) -> Result<String, SimRefusal> {
        if dlq != self.scenario.queue.dlq {
            return Err(SimRefusal(format!("QueueDoesNotExist: {dlq}")));
        }
        if let Some(other) = destination.filter(|d| *d != self.scenario.queue.name) {
            return Err(SimRefusal(format!("QueueDoesNotExist: {other}")));
        }
        if self.redrive.as_ref().is_some_and(|t| t.status == RedriveStatus::Running) {
            return Err(SimRefusal(format!("UnsupportedOperation: {dlq} already has a running message move task")));
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
            EventKind::Operation,
            Some(dlq),
            format!("SQS: message move task started, {to_move} messages {dlq} → {}", self.scenario.queue.name),
            Some(actor),
        );
        Ok(handle)
    }

    /// `sqs:CancelMessageMoveTask`.
    pub fn cancel_redrive(&mut self, handle: &str, actor: &str) -> Result<(), SimRefusal> {
        match &mut self.redrive {
            Some(t) if t.handle == handle && t.status == RedriveStatus::Running => {
                t.status = RedriveStatus::Cancelled;
                let text = format!("SQS: message move task cancelled after {} messages", t.moved);
                let dlq = t.dlq.clone();
                self.emit_event(EventKind::Operation, Some(&dlq), text, Some(actor));
                Ok(())
            }
            _ => Err(SimRefusal(format!("ResourceNotFoundException: no running task {handle}"))),
        }
    }

    // ---- The model -----------------------------------------------------------------------------------------

    fn writer(&self) -> Option<&Instance> {
        self.instances.iter().find(|i| i.role == Role::Writer)
    }

    fn version_spec_duration(&self) -> f64 {
        self.scenario.version(self.alias_version).map_or(100.0, |v| v.duration_ms)
    }

    fn move_alias(&mut self, to: u32, actor: &str) {
        let from = self.alias_version;
        self.previous_version = Some(from);
        self.alias_version = to;
        self.alias_changed_at = Some(self.now);
        let f = &self.scenario.function;
        let text = format!("{} {} → v{to} (was v{from})", f.name, f.alias);
        let name = f.name.clone();
        self.emit_event(EventKind::Deploy, Some(&name), text, Some(actor));
    }

    fn abort_migration(&mut self, why: &str) {
        if let Some(m) = self.migration.take() {
            let db = self.scenario.database.cluster.clone();
            self.emit_event(EventKind::Change, Some(&db), format!("migration aborted by {why}: {}", m.text), None);
        }
    }

    fn emit_event(&mut self, kind: EventKind, resource: Option<&str>, text: String, actor: Option<&str>) {
        let event = TimelineEvent {
            at: self.now,
            kind,
            resource: resource.map(str::to_string),
            text,
            actor: actor.map(str::to_string),
        };
        self.history.push_back(event.clone());
        if self.history.len() > 1000 {
            self.history.pop_front();
        }
        self.events_out.push(Observation::Event(event));
    }

    fn run_scripted_events(&mut self) {
        while let Some(event) = self.scenario.events.get(self.next_event).cloned() {
            if self.at_minute(event.at_minute()) > self.now {
                break;
            }
            self.next_event += 1;
            match event {
                ScriptedEvent::Deploy { version, actor, .. } => {
                    self.move_alias(version, actor.as_deref().unwrap_or("deploy"));
                }
                ScriptedEvent::Migration { text, cpu, ramp_minutes, duration_minutes, actor, .. } => {
                    let db = self.scenario.database.cluster.clone();
                    self.emit_event(EventKind::Change, Some(&db), text.clone(), actor.as_deref());
                    self.migration = Some(Migration {
                        text,
                        cpu,
                        started: self.now,
                        ramp: Duration::milliseconds((ramp_minutes * 60_000.0) as i64),
                        ends: self.now + Duration::milliseconds((duration_minutes * 60_000.0) as i64),
                    });
                }
                ScriptedEvent::Traffic { factor, ramp_minutes, text, .. } => {
                    if let Some(text) = text {
                        let q = self.scenario.queue.name.clone();
                        self.emit_event(EventKind::Change, Some(&q), text, None);
                    }
                    self.traffic_target = factor;
                    self.traffic_step = (factor - self.traffic).abs() / (ramp_minutes * 60.0).max(1.0);
                }
            }
        }
    }

    fn migration_cpu(&mut self) -> f64 {
        let Some(m) = &self.migration else { return 0.0 };
        if self.now >= m.ends {
            let text = format!("migration finished: {}", m.text);
            self.migration = None;
            let db = self.scenario.database.cluster.clone();
            self.emit_event(EventKind::Change, Some(&db), text, None);
            return 0.0;
        }
        let elapsed = (self.now - m.started).num_milliseconds() as f64;
        let ramp = m.ramp.num_milliseconds().max(1) as f64;
        m.cpu * (elapsed / ramp).min(1.0)
    }

    fn finish_busy_instances(&mut self) {
        let now = self.now;
        let mut finished = Vec::new();
        for inst in &mut self.instances {
            if inst.busy_until.is_some_and(|t| t <= now) {
                inst.busy_until = None;
                inst.status = "available";
                finished.push(inst.id.clone());
            }
        }
        if !finished.is_empty() && self.instances.iter().all(|i| i.status == "available") {
            let was_failover = self.cluster_status == "failing-over";
            self.cluster_status = "available";
            if was_failover {
                let writer = self.writer_id().unwrap_or_default().to_string();
                let db = self.scenario.database.cluster.clone();
                self.emit_event(
                    EventKind::Operation,
                    Some(&db),
                    format!("RDS: failover completed, writer is {writer}"),
                    None,
                );
                return;
            }
        }
        for id in finished {
            self.emit_event(EventKind::Operation, Some(&id.clone()), format!("RDS: DB instance {id} restarted"), None);
        }
    }

    fn step(&mut self) {
        self.now += Duration::seconds(1);
        self.run_scripted_events();
        self.finish_busy_instances();

        if (self.traffic - self.traffic_target).abs() > f64::EPSILON {
            let delta = (self.traffic_target - self.traffic).clamp(-self.traffic_step, self.traffic_step);
            self.traffic += delta;
        }

        let q = self.scenario.queue.clone();
        let normal_rate = q.send_per_minute / 60.0;
        let arrivals = normal_rate * self.traffic * self.noise.jitter(0.06);

        // Redrive: moved messages re-enter the source queue.
        let mut redriven = 0.0;
        let mut completed = None;
        if let Some(task) = &mut self.redrive
            && task.status == RedriveStatus::Running
        {
            let rate = f64::from(task.rate_per_second.unwrap_or(DEFAULT_REDRIVE_RATE));
            let remaining = task.to_move.saturating_sub(task.moved) as f64;
            redriven = rate.min(remaining).min(self.dlq).max(0.0);
            task.moved += redriven.round() as u64;
            if task.moved >= task.to_move || self.dlq - redriven < 0.5 {
                task.status = RedriveStatus::Completed;
                completed = Some(format!(
                    "SQS: message move task completed, {} messages moved to {}",
                    task.moved, task.destination
                ));
            }
        }
        if let Some(text) = completed {
            let dlq = q.dlq.clone();
            self.emit_event(EventKind::Operation, Some(&dlq), text, None);
        }
        self.dlq -= redriven;
        self.visible += arrivals + redriven;

        // The writer's health decides how fast the consumers go and how often they fail.
        let outage = self.writer().is_none_or(|w| w.status != "available");
        let fspec = self.scenario.version(self.alias_version).cloned();
        let query_cpu = fspec.as_ref().map_or(0.0, |v| v.query_cpu);
        let base_duration = fspec.as_ref().map_or(100.0, |v| v.duration_ms);
        let migration_cpu = self.migration_cpu();
        let load = (self.processed_last / normal_rate.max(0.001)).clamp(0.0, 1.5);
        let writer_target = self.scenario.database.baseline_cpu + query_cpu * load + migration_cpu;
        let cpu_now = self.writer_cpu();
        let health = if outage { 0.0 } else { (1.0 - (cpu_now - 70.0).max(0.0) / 30.0 * 0.92).max(0.08) };

        let capacity = self.scenario.function.capacity_per_minute / 60.0;
        let attempts = if outage { self.visible.min(capacity * 0.5) } else { self.visible.min(capacity * health) };
        let error_fraction = if outage { 1.0 } else { ((cpu_now - 85.0) / 15.0).clamp(0.0, 1.0) * 0.35 };
        let failed = attempts * error_fraction;
        let succeeded = attempts - failed;
        // Messages that fail on their last allowed receive land in the DLQ; the rest become visible again.
        let to_dlq = failed * (1.2 / f64::from(q.max_receive_count.max(1)));
        self.visible = (self.visible - succeeded - to_dlq).max(0.0);
        self.dlq += to_dlq;
        self.processed_last = succeeded;

        let duration_target = if outage { 3000.0 } else { base_duration / health.max(0.05) };
        self.duration_ms += (duration_target - self.duration_ms) * 0.2;
        self.in_flight = attempts * self.duration_ms / 1000.0 * self.noise.jitter(0.1);
        // The oldest message has waited about as long as it takes traffic to fill the backlog ahead of it.
        let age_target = (self.visible / (normal_rate * self.traffic).max(0.1)).max(1.0 + self.noise.next_unit() * 2.0);
        self.age += (age_target - self.age) * 0.1;

        let ids: Vec<_> = self.instances.iter().map(|i| (i.role, i.status)).collect();
        for (inst, (role, status)) in self.instances.iter_mut().zip(ids) {
            let target = match (status, role) {
                ("available", Role::Writer) => writer_target.min(99.0),
                ("available", Role::Reader) => 8.0,
                _ => 2.0,
            };
            let noisy = (target * self.noise.jitter(0.04)).clamp(0.0, 100.0);
            inst.cpu += (noisy - inst.cpu) * 0.05;
        }

        let m = &mut self.minute;
        m.sent += arrivals + redriven;
        m.deleted += succeeded;
        m.invocations += attempts / 10.0; // batches of ten messages per invocation
        m.errors += failed / 10.0;
        m.max_age = m.max_age.max(self.age);
        m.max_duration = m.max_duration.max(self.duration_ms * self.noise.jitter(0.05));
        if m.cpu_sum.len() != self.instances.len() {
            m.cpu_sum = vec![0.0; self.instances.len()];
        }
        for (sum, inst) in m.cpu_sum.iter_mut().zip(&self.instances) {
            *sum += inst.cpu;
        }
        m.seconds += 1;

        if self.now.timestamp() % 60 == 0 {
            self.close_minute();
        }
    }

    fn close_minute(&mut self) {
        let m = std::mem::take(&mut self.minute);
        let at = self.now - Duration::seconds(60);
        let q = self.scenario.queue.clone();
        let fname = self.scenario.function.name.clone();
        let secs = f64::from(m.seconds.max(1));
        let mut push = |resource: &str, metric: MetricKind, value: f64| {
            self.metrics_out.push(Observation::Metric { resource: resource.to_string(), metric, at, value });
        };
        push(&q.name, MetricKind::QueueAge, m.max_age.round());
        push(&q.name, MetricKind::Sent, m.sent.round());
        push(&q.name, MetricKind::Deleted, m.deleted.round());
        push(&q.name, MetricKind::Visible, self.visible.round());
        push(&q.dlq, MetricKind::DlqDepth, self.dlq.round());
        push(&fname, MetricKind::Invocations, m.invocations.round());
        push(&fname, MetricKind::Errors, m.errors.round());
        push(&fname, MetricKind::DurationP99, m.max_duration.round());
        let mut cluster_cpu = 0.0;
        for (sum, inst) in m.cpu_sum.iter().zip(&self.instances) {
            let cpu = (sum / secs * 10.0).round() / 10.0;
            if inst.role == Role::Writer {
                cluster_cpu = cpu;
            }
            push(&inst.id, MetricKind::DbCpu, cpu);
            let conns = if inst.status == "available" { 40.0 + cpu * 1.5 } else { 0.0 };
            push(&inst.id, MetricKind::DbConnections, conns.round());
        }
        let cluster = self.scenario.database.cluster.clone();
        push(&cluster, MetricKind::DbCpu, cluster_cpu);

        let values =
            [(AlarmMetric::QueueAge, m.max_age), (AlarmMetric::DbCpu, cluster_cpu), (AlarmMetric::DlqDepth, self.dlq)];
        self.evaluate_alarms(&values);
    }

    fn evaluate_alarms(&mut self, values: &[(AlarmMetric, f64)]) {
        let now = self.now;
        let mut transitions = Vec::new();
        for alarm in &mut self.alarms {
            let value = values.iter().find(|(m, _)| *m == alarm.metric).map_or(0.0, |(_, v)| *v);
            alarm.breaching_periods = if value > alarm.threshold { alarm.breaching_periods + 1 } else { 0 };
            let next = if alarm.breaching_periods >= alarm.periods { AlarmState::Alarm } else { AlarmState::Ok };
            if next != alarm.status.state {
                alarm.status.state = next;
                alarm.status.since = now;
                alarm.status.reason = format!(
                    "{} datapoint(s) {} the threshold ({value:.0} {} {})",
                    alarm.periods,
                    if next == AlarmState::Alarm { "above" } else { "no longer above" },
                    if next == AlarmState::Alarm { ">" } else { "≤" },
                    alarm.threshold
                );
                transitions.push((alarm.status.name.clone(), alarm.status.resource.clone(), next));
            }
        }
        for (name, resource, state) in transitions {
            let arrow = if state == AlarmState::Alarm { "OK → ALARM" } else { "ALARM → OK" };
            self.emit_event(EventKind::Alarm, Some(&resource), format!("{name}: {arrow}"), None);
        }
    }
}
