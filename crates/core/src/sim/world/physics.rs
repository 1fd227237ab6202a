//! The model, one simulated second at a time: traffic arrives, the consumers work as fast as the writer's CPU
//! lets them, failures on a last receive land in the DLQ, a redrive moves messages back, the writer's CPU follows
//! the consumers' queries and any migration; each minute closes into one metric point per series, as CloudWatch
//! would report them. The numbers below tune the story; changing them changes the demo, not the code.

use chrono::Duration;

use super::insights::Second;
use super::{DEFAULT_REDRIVE_RATE, World};
use crate::model::{DbStatus, EventKind, MetricKind, Observation, RedriveStatus, Role};
use crate::sim::scenario::AlarmMetric;

/// Writer CPU % above which the consumers' queries slow down.
const SLOW_FROM_CPU: f64 = 70.0;
/// Over this many CPU points above `SLOW_FROM_CPU` the consumers lose `MAX_SLOWDOWN` of their speed.
const SLOW_RANGE_CPU: f64 = 30.0;
/// The share of their speed the consumers lose at 100 % CPU.
const MAX_SLOWDOWN: f64 = 0.92;
/// The consumers never fall below this share of their speed while the writer is up.
const MIN_HEALTH: f64 = 0.08;
/// Writer CPU % above which queries start to time out.
const ERRORS_FROM_CPU: f64 = 85.0;
/// Over this many CPU points above `ERRORS_FROM_CPU` the error rate reaches `MAX_ERROR_SHARE`.
const ERRORS_RANGE_CPU: f64 = 15.0;
/// The share of attempts that fail at 100 % CPU.
const MAX_ERROR_SHARE: f64 = 0.35;
/// While the writer is down the consumers still receive messages (and fail all of them), at this share of their
/// capacity.
const OUTAGE_ATTEMPT_SHARE: f64 = 0.5;
/// A failed attempt ends in the DLQ with probability `DLQ_FACTOR / maxReceiveCount`: slightly more than one in
/// maxReceiveCount, because messages that failed once tend to fail again.
const DLQ_FACTOR: f64 = 1.2;
/// The consumer's duration while the writer is down (connection timeouts), milliseconds.
const OUTAGE_DURATION_MS: f64 = 3000.0;
/// Duration grows as 1/health, but no further than at this health.
const DURATION_HEALTH_FLOOR: f64 = 0.05;
/// How much of the gap to its target the duration closes each second.
const DURATION_SMOOTHING: f64 = 0.2;
/// How much of the gap to its target the age of the oldest message closes each second.
const AGE_SMOOTHING: f64 = 0.1;
/// How much of the gap to its target an instance's CPU closes each second.
const CPU_SMOOTHING: f64 = 0.05;
/// A reader's CPU %: it serves a few reads.
pub(super) const READER_CPU: f64 = 8.0;
/// An instance's CPU % while it reboots or fails over.
const RESTARTING_CPU: f64 = 2.0;
/// The writer's CPU never reaches 100 % in the model (CloudWatch averages rarely do).
const WRITER_CPU_CAP: f64 = 99.0;
/// How far the consumers' throughput can push the query load beyond normal.
const MAX_LOAD: f64 = 1.5;
/// The share of a message's processing time its query holds a database session: the consumers' query sessions
/// are the messages in flight times this.
const DB_TIME_SHARE: f64 = 0.5;
/// Messages per Lambda invocation (the event source mapping's batch).
pub(super) const BATCH_SIZE: f64 = 10.0;
/// The queue's MessageRetentionPeriod, seconds: SQS's default, four days.
pub(super) const RETENTION_SECONDS: u64 = 345_600;
/// The DLQ's MessageRetentionPeriod: 14 days, SQS's longest, as dead-letter queues are usually set.
pub(super) const DLQ_RETENTION_SECONDS: u64 = 1_209_600;
/// How many invocations the consumers usually run at once: a mapping's maximum concurrency below this slows them in
/// proportion.
const USUAL_CONCURRENCY: f64 = 20.0;
/// Database connections at idle, and per CPU point.
const BASE_CONNECTIONS: f64 = 40.0;
const CONNECTIONS_PER_CPU: f64 = 1.5;
/// The duration of a version the scenario does not describe, milliseconds.
pub(super) const UNKNOWN_VERSION_DURATION_MS: f64 = 100.0;
/// Spread of the per-second noise on arrivals, in-flight counts, CPU and durations (± this share).
const ARRIVAL_NOISE: f64 = 0.06;
const IN_FLIGHT_NOISE: f64 = 0.1;
const CPU_NOISE: f64 = 0.04;
const DURATION_NOISE: f64 = 0.05;

/// A small, seeded PRNG (xorshift64*): noise that is the same on every run.
#[derive(Debug, Clone)]
pub(super) struct Noise(u64);

impl Noise {
    pub fn new(seed: u64) -> Noise {
        Noise(seed.max(1))
    }

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

/// Per-minute sums, turned into one metric point per series at each minute boundary (like CloudWatch).
#[derive(Debug, Clone, Default)]
pub(super) struct MinuteTotals {
    sent: f64,
    deleted: f64,
    invocations: f64,
    errors: f64,
    /// Of `errors`, those while the writer was down (connection errors rather than timeouts).
    outage_errors: f64,
    max_age: f64,
    max_duration: f64,
    cpu_sum: Vec<f64>,
    seconds: u32,
}

/// The share of their normal speed the consumers keep at the writer's `cpu` (0 while the writer is down).
fn consumer_health(cpu: f64, outage: bool) -> f64 {
    if outage { 0.0 } else { (1.0 - (cpu - SLOW_FROM_CPU).max(0.0) / SLOW_RANGE_CPU * MAX_SLOWDOWN).max(MIN_HEALTH) }
}

/// The share of attempts that fail at the writer's `cpu` (all of them while it is down).
fn error_share(cpu: f64, outage: bool) -> f64 {
    if outage { 1.0 } else { ((cpu - ERRORS_FROM_CPU) / ERRORS_RANGE_CPU).clamp(0.0, 1.0) * MAX_ERROR_SHARE }
}

impl World {
    pub(super) fn step(&mut self) {
        self.now += Duration::seconds(1);
        self.run_scripted_events();
        self.finish_busy_instances();

        if (self.traffic - self.traffic_target).abs() > f64::EPSILON {
            let delta = (self.traffic_target - self.traffic).clamp(-self.traffic_step, self.traffic_step);
            self.traffic += delta;
        }

        let q = self.scenario.queue.clone();
        let normal_rate = q.send_per_minute / 60.0;
        let arrivals = normal_rate * self.traffic * self.noise.jitter(ARRIVAL_NOISE);
        let redriven = self.move_redriven();
        self.dlq -= redriven;
        self.visible += arrivals + redriven;

        // The writer's health decides how fast the consumers go and how often they fail.
        let outage = self.writer().is_none_or(|w| !w.status.is_available());
        let version = self.running_spec().cloned();
        let query_cpu = version.as_ref().map_or(0.0, |v| v.query_cpu);
        let base_duration = version.as_ref().map_or(UNKNOWN_VERSION_DURATION_MS, |v| v.duration_ms);
        let migration_cpu = self.migration_cpu();
        let load = (self.processed_last / normal_rate.max(0.001)).clamp(0.0, MAX_LOAD);
        let writer_target = self.scenario.database.baseline_cpu + query_cpu * load + migration_cpu;
        let cpu_now = self.writer_cpu();
        let health = consumer_health(cpu_now, outage);

        // A paused mapping reads nothing; a throttled one at most its share of the usual concurrency.
        let capacity = self.scenario.function.capacity_per_minute / 60.0 * self.consumer_share();
        let attempts = if outage {
            self.visible.min(capacity * OUTAGE_ATTEMPT_SHARE)
        } else {
            self.visible.min(capacity * health)
        };
        let failed = attempts * error_share(cpu_now, outage);
        let succeeded = attempts - failed;
        // Messages that fail on their last allowed receive land in the DLQ; the rest become visible again.
        let to_dlq = failed * (DLQ_FACTOR / f64::from(q.max_receive_count.max(1)));
        self.visible = (self.visible - succeeded - to_dlq).max(0.0);
        self.dlq += to_dlq;
        self.processed_last = succeeded;

        let duration_target =
            if outage { OUTAGE_DURATION_MS } else { base_duration / health.max(DURATION_HEALTH_FLOOR) };
        self.duration_ms += (duration_target - self.duration_ms) * DURATION_SMOOTHING;
        self.in_flight = attempts * self.duration_ms / 1000.0 * self.noise.jitter(IN_FLIGHT_NOISE);
        // The oldest message has waited about as long as it takes traffic to fill the backlog ahead of it.
        let age_target = (self.visible / (normal_rate * self.traffic).max(0.1)).max(1.0 + self.noise.next_unit() * 2.0);
        self.age += (age_target - self.age) * AGE_SMOOTHING;

        let running = self.running_version();
        let migration_sql = self.migration.as_ref().and_then(|m| m.sql.clone());
        for i in 0..self.instances.len() {
            // What Performance Insights sees: sessions only while the instance is up.
            let second = match (&self.instances[i].status, self.instances[i].role) {
                (DbStatus::Available, Role::Writer) => Second {
                    steady_cpu: self.scenario.database.baseline_cpu,
                    version: running,
                    query_sessions: self.in_flight * DB_TIME_SHARE,
                    query_cpu: query_cpu * load,
                    migration: migration_sql.as_deref().map(|sql| (sql, migration_cpu)),
                },
                (DbStatus::Available, Role::Reader) => {
                    Second { steady_cpu: READER_CPU, version: running, ..Second::default() }
                }
                _ => Second { version: running, ..Second::default() },
            };
            self.sql.sample(&self.scenario, i, second);
            let target = match (&self.instances[i].status, self.instances[i].role) {
                (DbStatus::Available, Role::Writer) => writer_target.min(WRITER_CPU_CAP),
                (DbStatus::Available, Role::Reader) => READER_CPU,
                _ => RESTARTING_CPU,
            };
            let noisy = (target * self.noise.jitter(CPU_NOISE)).clamp(0.0, 100.0);
            let inst = &mut self.instances[i];
            inst.cpu += (noisy - inst.cpu) * CPU_SMOOTHING;
        }

        let duration_sample = self.duration_ms * self.noise.jitter(DURATION_NOISE);
        let m = &mut self.minute;
        m.sent += arrivals + redriven;
        m.deleted += succeeded;
        m.invocations += attempts / BATCH_SIZE;
        m.errors += failed / BATCH_SIZE;
        if outage {
            m.outage_errors += failed / BATCH_SIZE;
        }
        m.max_age = m.max_age.max(self.age);
        m.max_duration = m.max_duration.max(duration_sample);
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

    /// The share of their capacity the consumers may use: none while the mapping is disabled, the maximum
    /// concurrency's share of the usual one while it is throttled.
    fn consumer_share(&self) -> f64 {
        match (self.mapping_enabled, self.max_concurrency) {
            (false, _) => 0.0,
            (true, Some(max)) => (f64::from(max) / USUAL_CONCURRENCY).min(1.0),
            (true, None) => 1.0,
        }
    }

    /// This second's share of a running redrive: the messages it moves out of the DLQ (the caller puts them back
    /// in the source queue). Completes the task when the DLQ is empty.
    fn move_redriven(&mut self) -> f64 {
        let Some(task) = self.redrive.as_mut().filter(|t| t.status == RedriveStatus::Running) else { return 0.0 };
        let rate = f64::from(task.rate_per_second.unwrap_or(DEFAULT_REDRIVE_RATE));
        let remaining = task.to_move.saturating_sub(task.moved) as f64;
        let redriven = rate.min(remaining).min(self.dlq).max(0.0);
        task.moved += redriven.round() as u64;
        let done = task.moved >= task.to_move || self.dlq - redriven < 0.5;
        if done {
            task.status = RedriveStatus::Completed;
            let text =
                format!("SQS: message move task completed, {} messages moved to {}", task.moved, task.destination);
            let dlq = self.scenario.queue.dlq.clone();
            self.emit_event(EventKind::Event, Some(&dlq), text, None);
        }
        redriven
    }

    /// The writer CPU % a running migration costs now (ramping up); ends it when its time is up.
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

    /// Instances whose reboot or failover is over become available again; the cluster with them.
    fn finish_busy_instances(&mut self) {
        let now = self.now;
        let mut finished = Vec::new();
        for inst in &mut self.instances {
            if inst.busy_until.is_some_and(|t| t <= now) {
                inst.busy_until = None;
                inst.status = DbStatus::Available;
                finished.push(inst.id.clone());
            }
        }
        if !finished.is_empty() && self.instances.iter().all(|i| i.status.is_available()) {
            let was_failover = self.cluster_status == DbStatus::FailingOver;
            self.cluster_status = DbStatus::Available;
            if was_failover {
                let writer = self.writer_id().unwrap_or_default().to_string();
                let db = self.scenario.database.cluster.clone();
                self.emit_event(
                    EventKind::Event,
                    Some(&db),
                    format!("RDS: failover completed, writer is {writer}"),
                    None,
                );
                return;
            }
        }
        for id in finished {
            self.emit_event(EventKind::Event, Some(&id.clone()), format!("RDS: DB instance {id} restarted"), None);
        }
    }

    /// The minute's totals become one point per series, stamped at the minute's start; the alarms evaluate them.
    fn close_minute(&mut self) {
        let m = std::mem::take(&mut self.minute);
        let at = self.now - Duration::seconds(60);
        let q = self.scenario.queue.clone();
        let function = self.scenario.function.name.clone();
        let secs = f64::from(m.seconds.max(1));
        let mut push = |resource: &str, metric: MetricKind, value: f64| {
            self.metrics_out.push(Observation::Metric { resource: resource.to_string(), metric, at, value });
        };
        push(&q.name, MetricKind::QueueAge, m.max_age.round());
        push(&q.name, MetricKind::Sent, m.sent.round());
        push(&q.name, MetricKind::Deleted, m.deleted.round());
        push(&q.name, MetricKind::Visible, self.visible.round());
        push(&q.dlq, MetricKind::DlqDepth, self.dlq.round());
        // The DLQ's age of oldest message (ApproximateAgeOfOldestMessage on the DLQ): since it last filled.
        self.dlq_oldest_since = match (self.dlq.round() > 0.0, self.dlq_oldest_since) {
            (false, _) => None,
            (true, Some(since)) => Some(since),
            (true, None) => Some(at),
        };
        let dlq_age = self.dlq_oldest_since.map_or(0.0, |since| (self.now - since).num_seconds() as f64);
        push(&q.dlq, MetricKind::QueueAge, dlq_age);
        push(&function, MetricKind::Invocations, m.invocations.round());
        push(&function, MetricKind::Errors, m.errors.round());
        push(&function, MetricKind::DurationP99, m.max_duration.round());
        let mut cluster_cpu = 0.0;
        for (sum, inst) in m.cpu_sum.iter().zip(&self.instances) {
            // An average over the minute, to one decimal like the console shows it.
            let cpu = (sum / secs * 10.0).round() / 10.0;
            if inst.role == Role::Writer {
                cluster_cpu = cpu;
            }
            push(&inst.id, MetricKind::DbCpu, cpu);
            let connections =
                if inst.status.is_available() { BASE_CONNECTIONS + cpu * CONNECTIONS_PER_CPU } else { 0.0 };
            push(&inst.id, MetricKind::DbConnections, connections.round());
        }
        let cluster = self.scenario.database.cluster.clone();
        push(&cluster, MetricKind::DbCpu, cluster_cpu);
        for (i, inst) in self.instances.iter().enumerate() {
            self.sql.close(i, &inst.id, at, secs, &mut self.metrics_out);
        }
        // Each failed invocation logs its error, as the consumer's log group would hold it.
        let outage_errors = m.outage_errors.round() as u32;
        let timeouts = (m.errors.round() as u32).saturating_sub(outage_errors);
        let lines = self.consumer_log(at, timeouts, outage_errors);
        self.metrics_out.push(lines);

        let values =
            [(AlarmMetric::QueueAge, m.max_age), (AlarmMetric::DbCpu, cluster_cpu), (AlarmMetric::DlqDepth, self.dlq)];
        self.evaluate_alarms(&values);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Scenario;

    #[test]
    fn consumers_keep_their_speed_below_the_slowdown_cpu_and_never_stop_while_the_writer_is_up() {
        assert_eq!(consumer_health(40.0, false), 1.0);
        assert_eq!(consumer_health(SLOW_FROM_CPU, false), 1.0);
        let at_85 = consumer_health(85.0, false);
        assert!((at_85 - 0.54).abs() < 1e-9, "halfway up the range, half the slowdown: {at_85}");
        assert_eq!(consumer_health(100.0, false), MIN_HEALTH);
        assert_eq!(consumer_health(10.0, true), 0.0, "a writer that is down serves nobody");
    }

    #[test]
    fn errors_begin_above_their_cpu_and_are_total_during_an_outage() {
        assert_eq!(error_share(ERRORS_FROM_CPU, false), 0.0);
        assert!((error_share(100.0, false) - MAX_ERROR_SHARE).abs() < 1e-9);
        assert_eq!(error_share(120.0, false), MAX_ERROR_SHARE, "clamped");
        assert_eq!(error_share(20.0, true), 1.0);
    }

    /// The seed scenario without its events: a calm hour keeps the queue drained, the DLQ empty and CPU at
    /// baseline.
    #[test]
    fn a_calm_hour_stays_calm() {
        let mut scenario = Scenario::seed_incident().expect("seed scenario");
        scenario.events.clear();
        let baseline = scenario.database.baseline_cpu;
        let mut world = World::new(scenario);
        let hour = world.at_minute(60.0);
        world.advance_to(hour);
        assert!(world.queue_age() < 5.0, "age {}", world.queue_age());
        assert_eq!(world.dlq_depth(), 0);
        assert!((world.writer_cpu() - baseline).abs() < baseline * 0.3, "cpu {}", world.writer_cpu());
    }

    /// A writer that is down fails every attempt: the DLQ grows and the duration goes to the outage's.
    #[test]
    fn a_writer_reboot_sends_failures_to_the_dlq_until_it_is_back() {
        let mut world = World::new(Scenario::seed_incident().expect("seed scenario"));
        let warm = world.at_minute(10.0);
        world.advance_to(warm);
        let writer = world.writer_id().unwrap_or_default().to_string();
        world.reboot_instance(&writer).expect("reboot");
        let during = world.now() + Duration::seconds(60);
        world.advance_to(during);
        assert!(world.dlq_depth() > 0, "failed receives reached the DLQ");
        assert!(world.duration_ms > OUTAGE_DURATION_MS * 0.9, "duration {}", world.duration_ms);
        let after = world.now() + Duration::minutes(5);
        world.advance_to(after);
        assert_eq!(world.instance_status(&writer), Some(&DbStatus::Available));
        let depth = world.dlq_depth();
        let later = world.now() + Duration::minutes(5);
        world.advance_to(later);
        assert_eq!(world.dlq_depth(), depth, "no more failures once the writer is back");
    }

    /// Issue 14: pausing the consumers takes their load off the writer at once and sends nothing to the DLQ while
    /// the queue's age climbs; resuming drains the backlog; a throttle slows them in proportion.
    #[test]
    fn a_pause_takes_the_load_off_the_database_and_a_resume_drains_the_backlog() {
        use crate::operation::ConsumerChange;
        let mut world = World::new(Scenario::seed_incident().expect("seed scenario"));
        let peak = world.at_minute(45.0);
        world.advance_to(peak);
        let queue = world.scenario.queue.name.clone();
        let (cpu, age, dlq) = (world.writer_cpu(), world.queue_age(), world.dlq_depth());
        let mut throttled = world.clone();
        let mut untouched = world.clone();
        world.update_mapping(&queue, super::super::MAPPING_UUID, &ConsumerChange::Pause).expect("pause");
        let later = world.now() + Duration::minutes(5);
        world.advance_to(later);
        untouched.advance_to(later);
        // The index build still costs CPU; the consumers' share of it goes.
        let (paused, running) = (world.writer_cpu(), untouched.writer_cpu());
        assert!(paused < running - 10.0 && paused < cpu, "CPU {cpu:.0} → paused {paused:.0}, running {running:.0}");
        assert!(world.queue_age() > age + 200.0, "age {age:.0} → {:.0}", world.queue_age());
        assert_eq!(world.dlq_depth(), dlq, "the pause itself sends nothing to the DLQ");
        // On a calm database, resuming drains what waited during the pause.
        let mut calm_scenario = Scenario::seed_incident().expect("seed scenario");
        calm_scenario.events.clear();
        let mut calm = World::new(calm_scenario);
        let warm = calm.at_minute(10.0);
        calm.advance_to(warm);
        calm.update_mapping(&queue, super::super::MAPPING_UUID, &ConsumerChange::Pause).expect("pause");
        let paused = calm.now() + Duration::minutes(5);
        calm.advance_to(paused);
        let backlog = calm.visible;
        assert!(backlog > 1000.0, "five minutes of traffic waited: {backlog:.0}");
        calm.update_mapping(&queue, super::super::MAPPING_UUID, &ConsumerChange::Resume).expect("resume");
        let drained = calm.now() + Duration::minutes(10);
        calm.advance_to(drained);
        assert!(calm.visible < backlog * 0.1, "backlog {backlog:.0} → {:.0}", calm.visible);

        let mut free = throttled.clone();
        let limit = ConsumerChange::Throttle { from: None, to: Some(2) };
        throttled.update_mapping(&queue, super::super::MAPPING_UUID, &limit).expect("throttle");
        let later = throttled.now() + Duration::minutes(5);
        throttled.advance_to(later);
        free.advance_to(later);
        assert!(throttled.visible > free.visible * 1.3, "throttled {:.0}, free {:.0}", throttled.visible, free.visible);
        assert!(throttled.writer_cpu() < free.writer_cpu(), "{:.0} < {:.0}", throttled.writer_cpu(), free.writer_cpu());
        let rejected = ConsumerChange::Throttle { from: Some(2), to: Some(1) };
        assert!(throttled.update_mapping(&queue, super::super::MAPPING_UUID, &rejected).is_err(), "Lambda's 2–1000");
    }
}
