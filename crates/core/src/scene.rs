//! Test support (the `scene` feature, which only the crates' tests, benchmarks and examples turn on): fixed moments
//! of the demo incident, built without a runtime or terminal: the world is stepped to a simulated
//! minute and every feed is folded into a `State` exactly as the app does. Snapshot tests, screenshots and state
//! tests use it, so what they check is what the dashboard shows.

use crate::config::Thresholds;
use crate::model::{Feed, Session, SessionKind};
use crate::sim::{Scenario, World, observe};
use crate::state::{Msg, State};

/// A simulated world and the state that has polled it.
pub struct Scene {
    /// The world, stepped to the scene's moment.
    pub world: World,
    /// The state after polling every feed at that moment.
    pub state: State,
}

impl Scene {
    /// The seed incident at `minute` after its start, seen by operator "alice".
    pub fn at_minute(minute: f64, read_only: bool) -> Scene {
        #[expect(
            clippy::panic,
            reason = "test support: the seed scenario is compiled in, and a broken one stops the test loudly"
        )]
        let scenario = Scenario::seed_incident().unwrap_or_else(|e| panic!("built-in scenario is invalid: {e}"));
        Scene::of(scenario, minute, read_only)
    }

    /// Any scenario at `minute` after its start.
    pub fn of(scenario: Scenario, minute: f64, read_only: bool) -> Scene {
        let world = World::new(scenario);
        let session = Session { operator: "alice".to_string(), kind: SessionKind::Demo, read_only };
        let state =
            State::new(session, crate::sim::Sim::location(world.scenario()), Thresholds::default(), world.now());
        let mut scene = Scene { world, state };
        scene.advance_to(minute);
        scene
    }

    /// Steps the world to `minute` and polls every feed into the state.
    pub fn advance_to(&mut self, minute: f64) {
        let t = self.world.at_minute(minute);
        self.world.advance_to(t);
        self.poll();
    }

    /// Polls every feed into the state, as the app's feeds would, and ticks the clock to the world's.
    pub fn poll(&mut self) {
        for feed in Feed::ALL {
            let observations = observe(&mut self.world, feed);
            self.state.update(Msg::Telemetry { feed, result: Ok(observations) });
        }
        self.state.update(Msg::Tick(self.world.now()));
    }
}

/// How big a synthetic account is, for benchmarks: how many of each resource, and minutes of one-minute history
/// per metric.
#[derive(Debug, Clone, Copy)]
pub struct Fleet {
    /// Source queues.
    pub queues: usize,
    /// DLQs (one each for the first queues).
    pub dlqs: usize,
    /// Functions.
    pub functions: usize,
    /// Each with a writer and a reader.
    pub clusters: usize,
    /// Alarms.
    pub alarms: usize,
    /// Minutes of history per metric.
    pub minutes: usize,
}

impl Fleet {
    /// A state holding this fleet, folded in through the same observations the AWS feeds produce: 4 metrics per
    /// queue, 5 per function, CPU per database instance.
    pub fn state(&self) -> State {
        self.state_in(&[])
    }

    /// `state`, spread over `targets` (resource `i` of each kind in target `i % targets.len()`), every name
    /// qualified by its target's label as several targets' telemetry does; one target or none leaves names as
    /// they are.
    pub fn state_in(&self, targets: &[crate::model::TargetStatus]) -> State {
        use crate::model::{
            AlarmKind, AlarmState, AlarmStatus, AliasMove, ClusterKind, ClusterStatus, DbStatus, DlqSources, DlqStatus,
            FunctionStatus, InstanceStatus, MetricKind, MoveSource, Observation, QueueStatus, Role,
        };
        let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
        let session = Session { operator: "bench".to_string(), kind: SessionKind::Live, read_only: false };
        let mut state = State::new(session, "123456789012 · eu-west-1".to_string(), Thresholds::default(), now);
        // Folded in a resource at a time, as polls deliver them: one batch of 24 h for everything at once would
        // make the benchmark's peak memory a batch the dashboard never holds.
        let fold = |state: &mut State, batch: &mut Vec<Observation>| {
            state.update(Msg::Telemetry { feed: Feed::Metrics, result: Ok(std::mem::take(batch)) });
        };
        let mut out = Vec::new();
        if targets.len() > 1 {
            out.push(Observation::Targets(targets.to_vec()));
        }
        let label = |i: usize, name: String| match targets.len() {
            0 | 1 => name,
            n => targets[i % n].qualify(&name),
        };
        let history = |out: &mut Vec<Observation>, resource: &str, metric: MetricKind, scale: f64| {
            for m in 0..self.minutes {
                let at = now - chrono::Duration::minutes((self.minutes - m) as i64);
                let value = scale * (1.0 + ((m as f64) / 17.0).sin()) / 2.0;
                out.push(Observation::Metric { resource: resource.to_string(), metric, at, value });
            }
        };
        for i in 0..self.queues {
            let name = label(i, format!("orders-{i:03}"));
            let dlq = (i < self.dlqs).then(|| format!("{name}-dlq"));
            out.push(Observation::Queue(QueueStatus {
                name: name.clone(),
                visible: (i * 37) as u64,
                in_flight: (i % 9) as u64,
                dlq: dlq.clone(),
                consumer: Some(label(i, format!("consumer-{:03}", i % self.functions.max(1)))),
                retention_seconds: Some(345_600),
            }));
            for (metric, scale) in [
                (MetricKind::QueueAge, 90.0),
                (MetricKind::Sent, 1200.0),
                (MetricKind::Deleted, 1100.0),
                (MetricKind::Visible, 3000.0),
            ] {
                history(&mut out, &name, metric, scale);
            }
            if let Some(dlq) = dlq {
                out.push(Observation::Dlq(DlqStatus {
                    name: dlq,
                    sources: DlqSources::Queues(vec![name]),
                    depth: (i % 13) as u64,
                    arn: None,
                    retention_seconds: None,
                    max_receive_counts: Vec::new(),
                }));
            }
            fold(&mut state, &mut out);
        }
        for i in 0..self.functions {
            let name = label(i, format!("consumer-{i:03}"));
            out.push(Observation::Function(FunctionStatus {
                name: name.clone(),
                alias: "live".into(),
                version: "42".into(),
                previous_version: Some("41".into()),
                published: Vec::new(),
                versions: Vec::new(),
                last_move: Some(AliasMove {
                    function: name.clone(),
                    alias: "live".into(),
                    from: Some("41".into()),
                    to: "42".into(),
                    at: now - chrono::Duration::minutes(20),
                    source: MoveSource::CloudTrail,
                    actor: Some("ci-pipeline".into()),
                    place: None,
                }),
            }));
            for (metric, scale) in [
                (MetricKind::Invocations, 800.0),
                (MetricKind::Errors, 12.0),
                (MetricKind::DurationP99, 450.0),
                (MetricKind::Throttles, 3.0),
                (MetricKind::Concurrency, 40.0),
            ] {
                history(&mut out, &name, metric, scale);
            }
            fold(&mut state, &mut out);
        }
        for i in 0..self.clusters {
            let id = label(i, format!("db-{i:02}"));
            let members: Vec<InstanceStatus> = [(Role::Writer, 1), (Role::Reader, 2)]
                .into_iter()
                .map(|(role, n)| InstanceStatus { id: format!("{id}-{n}"), role, status: DbStatus::Available })
                .collect();
            for m in &members {
                history(&mut out, &m.id, MetricKind::DbCpu, 95.0);
            }
            out.push(Observation::Cluster(ClusterStatus {
                id,
                engine: "aurora-postgresql".into(),
                kind: ClusterKind::Aurora,
                status: DbStatus::Available,
                members,
            }));
            fold(&mut state, &mut out);
        }
        for i in 0..self.alarms {
            out.push(Observation::Alarm(AlarmStatus {
                name: label(i, format!("alarm-{i:03}")),
                state: if i % 7 == 0 { AlarmState::Alarm } else { AlarmState::Ok },
                since: now - chrono::Duration::minutes(i as i64),
                kind: AlarmKind::Metric,
                resources: vec![label(i, format!("orders-{:03}", i % self.queues.max(1)))],
                reason: "Threshold Crossed: 1 datapoint was greater than the threshold".into(),
                threshold: None,
            }));
        }
        out.push(Observation::Clock(now));
        for feed in Feed::ALL {
            let batch = if feed == Feed::Inventory { std::mem::take(&mut out) } else { Vec::new() };
            state.update(Msg::Telemetry { feed, result: Ok(batch) });
        }
        state.update(Msg::Tick(now));
        state
    }
}

/// Targets for benchmarks and tests: each account (label name, 12-digit id) in each region, answering, operable.
pub fn targets(accounts: &[(&str, &str)], regions: &[&str]) -> Vec<crate::model::TargetStatus> {
    accounts
        .iter()
        .flat_map(|(name, account)| {
            regions.iter().map(move |region| crate::model::TargetStatus {
                label: crate::model::qualified(name, region),
                account: Some(account.to_string()),
                region: region.to_string(),
                read_only: false,
                principal: None,
                credentials: None,
                error: None,
                writes_to: Vec::new(),
                answered: true,
            })
        })
        .collect()
}
