//! The simulated incident: a deterministic model stepped one simulated second at a time. It produces the same
//! observations AWS would (status snapshots, one-minute metric points, events) and reacts to operations the way
//! AWS resources would. Same scenario + same operations at the same simulated times = the same story.
//!
//! `physics` steps the model (traffic, consumers, database CPU) and closes each minute's metrics; `script` plays
//! the scenario's scripted events; `operations` is what the simulated AWS does on each call; `alarms` evaluates
//! the scenario's alarms; `observe` is what a poll of each feed sees.

mod alarms;
mod insights;
mod logs;
mod observe;
mod operations;
mod physics;
mod script;

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};

use super::scenario::{Scenario, Wiring};
use crate::model::{AliasMove, DbStatus, EventKind, Observation, Qualifier, RedriveTask, Role, TimelineEvent};
use alarms::Alarm;
pub use operations::SimRejection;
use physics::{MinuteTotals, Noise};

/// Messages per second a redrive moves when no rate is given (SQS picks a system-optimised rate).
pub const DEFAULT_REDRIVE_RATE: u32 = 100;

/// The UUID of the simulated queue's one event source mapping.
pub const MAPPING_UUID: &str = "sim-mapping-1";

/// Timeline events the world remembers (for replays and tests); older ones are dropped.
const HISTORY_CAPACITY: usize = 1000;

/// The simulated `CodeSha256` of a version's package: 44 base64 characters, distinct per version.
pub fn code_sha(version: u32) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut x = u64::from(version).wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut out = String::with_capacity(44);
    for _ in 0..43 {
        x ^= x >> 29;
        x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        out.push(char::from(ALPHABET[(x >> 58) as usize]));
    }
    out.push('=');
    out
}

/// The simulated `RevisionId` of `$LATEST`'s `n`-th state, shaped like AWS's (a UUID).
pub fn revision_id(n: u32) -> String {
    let x = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        x >> 32,
        (x >> 16) & 0xffff,
        x & 0xfff,
        (x >> 4) & 0xfff,
        x & 0xffff_ffff_ffff
    )
}

/// A schema migration running on the writer, costing CPU while it runs.
#[derive(Debug, Clone)]
struct Migration {
    text: String,
    /// The statement it runs, for Performance Insights' top SQL.
    sql: Option<String>,
    /// Writer CPU % it costs once ramped up.
    cpu: f64,
    started: DateTime<Utc>,
    ramp: Duration,
    ends: DateTime<Utc>,
}

/// One simulated DB instance.
#[derive(Debug, Clone)]
struct Instance {
    id: String,
    role: Role,
    status: DbStatus,
    /// When a reboot or failover finishes.
    busy_until: Option<DateTime<Utc>>,
    /// CPU %, smoothed towards its target each second.
    cpu: f64,
}

/// The whole simulated account.
#[derive(Debug, Clone)]
pub struct World {
    scenario: Scenario,
    now: DateTime<Utc>,
    noise: Noise,
    /// The next scripted event to play.
    next_event: usize,
    /// Traffic as a factor of the steady send rate, ramping towards `traffic_target` by `traffic_step` a second.
    traffic: f64,
    traffic_target: f64,
    traffic_step: f64,
    alias_version: u32,
    /// The alias's last move, once one happened in the simulation.
    last_move: Option<AliasMove>,
    /// Whether the queue's event source mapping is enabled (a pause disables it).
    mapping_enabled: bool,
    /// What the mapping invokes: the alias, `$LATEST`, or a version a rollback pinned it to.
    mapping_qualifier: Qualifier,
    /// The mapping's LastModified.
    mapping_modified: DateTime<Utc>,
    /// The version whose code `$LATEST` holds (a `$LATEST` deploy replaces it).
    latest_code: u32,
    /// `$LATEST`'s LastModified.
    latest_changed: DateTime<Utc>,
    /// `$LATEST`'s RevisionId, as a counter: each change of its code makes a new one.
    latest_revision: u32,
    /// Versions published during the story (a code restore with Publish=true): (version, the version whose code
    /// it holds).
    republished: Vec<(u32, u32)>,
    /// The mapping's ScalingConfig.MaximumConcurrency (a throttle sets it).
    max_concurrency: Option<u32>,
    migration: Option<Migration>,
    instances: Vec<Instance>,
    cluster_status: DbStatus,
    /// Messages waiting in the source queue.
    visible: f64,
    /// Messages being processed.
    in_flight: f64,
    /// Age of the oldest message, seconds.
    age: f64,
    /// Messages in the DLQ.
    dlq: f64,
    /// When the oldest message now in the DLQ arrived (the DLQ last went from empty to not), for its age of
    /// oldest message; `None` while it is empty.
    dlq_oldest_since: Option<DateTime<Utc>>,
    /// Peeks at the DLQ so far: each raised its messages' receive counts by one.
    peeks: u32,
    /// What the last peek received: its verification shows them.
    last_peek: Vec<crate::model::PeekedMessage>,
    /// Messages processed in the last second.
    processed_last: f64,
    /// The consumer's current duration, milliseconds.
    duration_ms: f64,
    redrive: Option<RedriveTask>,
    task_counter: u32,
    alarms: Vec<Alarm>,
    minute: MinuteTotals,
    /// What Performance Insights sees: the load by statement and wait event.
    sql: insights::SqlModel,
    /// Log lines written so far: each line's event id and request id.
    log_counter: u64,
    metrics_out: Vec<Observation>,
    events_out: Vec<Observation>,
    history: VecDeque<TimelineEvent>,
}

impl World {
    /// The scenario at its minute 0.
    pub fn new(scenario: Scenario) -> World {
        let start = scenario.start;
        let db = &scenario.database;
        let instances = vec![
            Instance {
                id: db.writer.clone(),
                role: Role::Writer,
                status: DbStatus::Available,
                busy_until: None,
                cpu: db.baseline_cpu,
            },
            Instance {
                id: db.reader.clone(),
                role: Role::Reader,
                status: DbStatus::Available,
                busy_until: None,
                cpu: physics::READER_CPU,
            },
        ];
        let alarms = scenario.alarms.iter().map(|spec| Alarm::new(spec, start)).collect();
        let sql = insights::SqlModel::new(&scenario, instances.len());
        let mut world = World {
            noise: Noise::new(scenario.seed),
            now: start,
            next_event: 0,
            traffic: 1.0,
            traffic_target: 1.0,
            traffic_step: 0.0,
            alias_version: scenario.function.version,
            last_move: None,
            mapping_enabled: true,
            mapping_qualifier: match scenario.function.wiring {
                Wiring::Alias => Qualifier::Alias(scenario.function.alias.clone()),
                Wiring::Latest => Qualifier::Latest,
            },
            // Wired and last deployed long before the story: neither is a deploy of this incident.
            mapping_modified: start - Duration::days(30),
            latest_code: scenario.function.version,
            latest_changed: start - Duration::days(3),
            latest_revision: 1,
            republished: Vec::new(),
            max_concurrency: None,
            migration: None,
            instances,
            cluster_status: DbStatus::Available,
            visible: 0.0,
            in_flight: 0.0,
            age: 1.0,
            dlq: 0.0,
            dlq_oldest_since: None,
            peeks: 0,
            last_peek: Vec::new(),
            processed_last: scenario.queue.send_per_minute / 60.0,
            duration_ms: 0.0,
            redrive: None,
            task_counter: 0,
            alarms,
            minute: MinuteTotals::default(),
            sql,
            log_counter: 0,
            metrics_out: Vec::new(),
            events_out: Vec::new(),
            history: VecDeque::new(),
            scenario,
        };
        world.duration_ms = world.version_duration();
        world
    }

    /// The simulated clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The scenario being played.
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

    // ---- What a test or the operator's verification reads directly -----------------------------------------

    /// The version the function's alias points to.
    pub fn alias_version(&self) -> u32 {
        self.alias_version
    }

    /// Whether the queue's event source mapping is enabled, and its maximum concurrency.
    pub fn mapping(&self) -> (bool, Option<u32>) {
        (self.mapping_enabled, self.max_concurrency)
    }

    /// Messages in the DLQ.
    pub fn dlq_depth(&self) -> u64 {
        self.dlq.round() as u64
    }

    /// Age of the oldest message in the source queue, seconds.
    pub fn queue_age(&self) -> f64 {
        self.age
    }

    /// The writer's CPU %.
    pub fn writer_cpu(&self) -> f64 {
        self.writer().map_or(0.0, |w| w.cpu)
    }

    /// An alarm's state, by name.
    pub fn alarm_state(&self, name: &str) -> Option<crate::model::AlarmState> {
        self.alarms.iter().find(|a| a.status.name == name).map(|a| a.status.state)
    }

    /// An instance's status, by id.
    pub fn instance_status(&self, id: &str) -> Option<&DbStatus> {
        self.instances.iter().find(|i| i.id == id).map(|i| &i.status)
    }

    /// The writer's id, if the cluster has one now.
    pub fn writer_id(&self) -> Option<&str> {
        self.writer().map(|w| w.id.as_str())
    }

    /// The cluster's status.
    pub fn cluster_status(&self) -> &DbStatus {
        &self.cluster_status
    }

    /// The DLQ's latest message move task.
    pub fn redrive(&self) -> Option<&RedriveTask> {
        self.redrive.as_ref()
    }

    /// Whether a scripted migration is running.
    pub fn migration_running(&self) -> bool {
        self.migration.is_some()
    }

    fn writer(&self) -> Option<&Instance> {
        self.instances.iter().find(|i| i.role == Role::Writer)
    }

    /// The version whose code the queue's consumer runs: the alias's, the one the mapping is pinned to, or the
    /// one whose code `$LATEST` holds.
    pub fn running_version(&self) -> u32 {
        match &self.mapping_qualifier {
            Qualifier::Alias(_) => self.alias_version,
            Qualifier::Version(v) => v.parse().unwrap_or(self.alias_version),
            Qualifier::Latest => self.latest_code,
        }
    }

    /// The scenario version whose code `version` holds: itself, or for a version published during the story, the
    /// one whose code it took.
    pub fn code_of(&self, version: u32) -> u32 {
        self.republished.iter().find(|(v, _)| *v == version).map_or(version, |(_, code)| *code)
    }

    /// The scenario's spec of the code that runs.
    fn running_spec(&self) -> Option<&super::scenario::VersionSpec> {
        self.scenario.version(self.code_of(self.running_version()))
    }

    /// The consumer's steady duration at the running version, milliseconds.
    fn version_duration(&self) -> f64 {
        self.running_spec().map_or(physics::UNKNOWN_VERSION_DURATION_MS, |v| v.duration_ms)
    }

    /// An alias move: into the polls' observations (merged there with the operation's own record), and its
    /// deploy, if it is one, into the history.
    fn emit_move(&mut self, moved: AliasMove) {
        if let Some(event) = moved.timeline_event() {
            self.history.push_back(event);
            if self.history.len() > HISTORY_CAPACITY {
                self.history.pop_front();
            }
        }
        self.last_move = Some(moved.clone());
        self.events_out.push(Observation::AliasMoved(moved));
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
        if self.history.len() > HISTORY_CAPACITY {
            self.history.pop_front();
        }
        self.events_out.push(Observation::Event(event));
    }
}

/// A simulated queue's QueueArn: the one account and region the simulator plays.
fn queue_arn(name: &str) -> String {
    format!("arn:aws:sqs:us-east-1:123456789012:{name}")
}
