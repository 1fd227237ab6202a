//! Small hand-built data for logic tests: a few resources and series written out in the test, so retuning the
//! demo scenario changes snapshots, not the tests of onsets, suspects, verdicts and plans.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::config::Thresholds;
use crate::model::{
    AlarmKind, AlarmState, AlarmStatus, AliasMove, ClusterKind, ClusterStatus, Data, DbStatus, DlqSources, DlqStatus,
    EventKind, EventSourceMapping, FunctionStatus, InstanceStatus, MetricKind, MoveSource, Observation,
    PublishedVersion, Qualifier, QueueStatus, Role, Session, SessionKind, TimelineEvent,
};
use crate::state::{Msg, State};

/// A world written out by hand, at 14:15 UTC.
pub struct Fixture {
    pub observations: Vec<Observation>,
    pub now: DateTime<Utc>,
}

impl Fixture {
    pub fn new() -> Fixture {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 14, 15, 0).single().unwrap_or_default();
        Fixture { observations: vec![Observation::Clock(now)], now }
    }

    /// `minutes` before now.
    pub fn ago(&self, minutes: i64) -> DateTime<Utc> {
        self.now - Duration::minutes(minutes)
    }

    pub fn queue(mut self, name: &str, consumer: Option<&str>, dlq: Option<&str>) -> Fixture {
        self.observations.push(Observation::Queue(QueueStatus {
            name: name.into(),
            visible: 500,
            in_flight: 20,
            dlq: dlq.map(Into::into),
            consumer: consumer.map(Into::into),
            retention_seconds: Some(345_600),
        }));
        self
    }

    /// An event source mapping from `queue` to `function` with `qualifier`, in `state` (AWS's word).
    pub fn mapping(mut self, queue: &str, function: &str, qualifier: Qualifier, state: &str) -> Fixture {
        let uuid = format!("{queue}-{function}-{}", qualifier.function_name(""));
        let mapping = crate::model::test_mapping(&uuid, queue, function, qualifier, state);
        let mut mappings: Vec<EventSourceMapping> = self
            .observations
            .iter()
            .filter_map(|o| match o {
                Observation::Mappings { queue: q, mappings, .. } if q == queue => Some(mappings.clone()),
                _ => None,
            })
            .next_back()
            .unwrap_or_default();
        mappings.push(mapping);
        let at = self.ago(0);
        self.observations.push(Observation::Mappings { queue: queue.into(), mappings, at });
        self
    }

    pub fn dlq(mut self, name: &str, source: &str, depth: u64) -> Fixture {
        self.observations.push(Observation::Dlq(DlqStatus {
            name: name.into(),
            sources: DlqSources::Queues(vec![source.into()]),
            depth,
            arn: None,
            retention_seconds: None,
            max_receive_counts: Vec::new(),
        }));
        self
    }

    pub fn function(mut self, name: &str, alias: &str, version: &str, previous: Option<&str>) -> Fixture {
        let last_move = AliasMove {
            function: name.into(),
            alias: alias.into(),
            from: previous.map(Into::into),
            to: version.into(),
            at: self.ago(13),
            source: MoveSource::CloudTrail,
            actor: None,
            place: None,
        };
        self.observations.push(Observation::Function(FunctionStatus {
            name: name.into(),
            alias: alias.into(),
            version: version.into(),
            previous_version: previous.map(Into::into),
            published: previous
                .map(|p| PublishedVersion {
                    version: p.into(),
                    published_at: Some(self.ago(60)),
                    description: String::new(),
                    sha256: String::new(),
                    config: None,
                })
                .into_iter()
                .collect(),
            versions: Vec::new(),
            last_move: Some(last_move),
        }));
        self
    }

    /// An Aurora cluster with an available writer and reader.
    pub fn aurora(mut self, cluster: &str, writer: &str, reader: &str) -> Fixture {
        let member = |id: &str, role| InstanceStatus { id: id.into(), role, status: DbStatus::Available };
        self.observations.push(Observation::Cluster(ClusterStatus {
            id: cluster.into(),
            engine: "aurora-postgresql".into(),
            kind: ClusterKind::Aurora,
            status: DbStatus::Available,
            members: vec![member(writer, Role::Writer), member(reader, Role::Reader)],
        }));
        self
    }

    /// One point a minute, the last at now.
    pub fn series(mut self, resource: &str, metric: MetricKind, values: &[f64]) -> Fixture {
        let first = self.now - Duration::minutes(values.len() as i64 - 1);
        for (i, value) in values.iter().enumerate() {
            let at = first + Duration::minutes(i as i64);
            self.observations.push(Observation::Metric { resource: resource.into(), metric, at, value: *value });
        }
        self
    }

    /// `value` every minute for the last `minutes` minutes (ending at now).
    pub fn steady(self, resource: &str, metric: MetricKind, value: f64, minutes: usize) -> Fixture {
        self.series(resource, metric, &vec![value; minutes])
    }

    pub fn event(mut self, minutes_ago: i64, kind: EventKind, resource: &str, text: &str) -> Fixture {
        let at = self.ago(minutes_ago);
        self.observations.push(Observation::Event(TimelineEvent {
            at,
            kind,
            resource: Some(resource.into()),
            text: text.into(),
            actor: Some("ci-pipeline".into()),
        }));
        self
    }

    pub fn alarm(mut self, name: &str, resource: &str, state: AlarmState, minutes_ago: i64) -> Fixture {
        let since = self.ago(minutes_ago);
        self.observations.push(Observation::Alarm(AlarmStatus {
            name: name.into(),
            state,
            since,
            kind: AlarmKind::Metric,
            resources: if resource.is_empty() { Vec::new() } else { vec![resource.into()] },
            reason: String::new(),
            threshold: None,
        }));
        self
    }

    pub fn data(&self) -> Data {
        let mut data = Data::default();
        for obs in self.observations.clone() {
            data.apply(obs);
        }
        data
    }

    /// A state that has received every observation, as operator "alice".
    pub fn state(self, read_only: bool) -> State {
        let session = Session { operator: "alice".into(), kind: SessionKind::Live, read_only };
        let mut state = State::new(session, "123456789012 · eu-west-1".into(), Thresholds::default(), self.now);
        state.update(Msg::Telemetry { feed: crate::model::Feed::Inventory, result: Ok(self.observations) });
        state
    }
}

/// A target labelled `label` (`prod/us-east-1`: its region is the label's end) in `account`, answering, with
/// nothing else known.
pub fn target(label: &str, account: &str) -> crate::model::TargetStatus {
    crate::model::TargetStatus {
        label: label.into(),
        account: Some(account.into()),
        region: label.rsplit_once(crate::model::SEPARATOR).map_or(label, |(_, region)| region).into(),
        read_only: false,
        principal: None,
        credentials: None,
        error: None,
        writes_to: Vec::new(),
        answered: true,
    }
}

/// The incident on a small scale: `orders` (consumer `orders-consumer`, DLQ `orders-dlq` holding 1,200) with its
/// oldest message at 150 s, `orders-consumer:live` on v42 after v41, Aurora `core-db` with its writer at 95 % CPU,
/// and the CPU alarm firing.
pub fn incident() -> Fixture {
    Fixture::new()
        .queue("orders", Some("orders-consumer"), Some("orders-dlq"))
        .dlq("orders-dlq", "orders", 1200)
        .function("orders-consumer", "live", "42", Some("41"))
        .aurora("core-db", "core-db-1", "core-db-2")
        .steady("orders", MetricKind::QueueAge, 150.0, 10)
        .steady("core-db-1", MetricKind::DbCpu, 95.0, 10)
        .steady("core-db-2", MetricKind::DbCpu, 8.0, 10)
        .alarm("core-db CPU > 70 %", "core-db", AlarmState::Alarm, 8)
}
