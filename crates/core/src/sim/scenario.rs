//! Scenario files: an incident as data. The seed incident is compiled in; `--scenario PATH` loads another.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::files::{FileError, parse_toml, read_text_file};

/// The seed incident, compiled in.
pub const SEED_SCENARIO: &str = include_str!("../../../../scenarios/orders-incident.toml");

/// An incident as data: the resources, how they behave, and what happens when.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A title, for the postmortem.
    pub name: String,
    /// The simulated wall clock at minute 0.
    pub start: DateTime<Utc>,
    /// The noise generator's seed: the same seed tells the same story.
    pub seed: u64,
    /// History the demo opens with, in minutes; the story continues from there.
    #[serde(default)]
    pub warmup_minutes: u32,
    /// The source queue and its DLQ.
    pub queue: QueueSpec,
    /// The consumer and its versions.
    pub function: FunctionSpec,
    /// The Aurora cluster.
    pub database: DatabaseSpec,
    /// CloudWatch-like alarms on the scenario's metrics.
    #[serde(default)]
    pub alarms: Vec<AlarmSpec>,
    /// What happens when: deploys, migrations, traffic changes.
    #[serde(default)]
    pub events: Vec<ScriptedEvent>,
}

/// `[queue]`: the SQS queue the consumer reads, and its DLQ.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSpec {
    /// Queue name.
    pub name: String,
    /// Its dead-letter queue's name.
    pub dlq: String,
    /// Steady traffic, messages sent per minute.
    pub send_per_minute: f64,
    /// The RedrivePolicy's maxReceiveCount: receives before a failing message moves to the DLQ.
    pub max_receive_count: u32,
}

/// What the queue's event source mapping invokes at minute 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Wiring {
    /// The alias (SAM's AutoPublishAlias, CodeDeploy): a deploy moves the alias.
    #[default]
    Alias,
    /// The unqualified function, `$LATEST` (the Serverless Framework, the CDK): a deploy is `UpdateFunctionCode`,
    /// and the alias, if any, is one the queue never invokes.
    Latest,
}

/// `[function]`: the Lambda consumer, the alias, what the queue invokes, and its versions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionSpec {
    /// Function name.
    pub name: String,
    /// The function's alias (the one the mapping invokes under `wiring = "alias"`).
    pub alias: String,
    /// The version the alias points to at minute 0; under `wiring = "latest"`, also the version whose code
    /// `$LATEST` holds.
    pub version: u32,
    /// What the mapping invokes; `alias` when left out.
    #[serde(default)]
    pub wiring: Wiring,
    /// Messages per minute the consumers can process against a healthy database.
    pub capacity_per_minute: f64,
    /// Every version a deploy or a rollback may point the alias (or the mapping) to, or put in `$LATEST`.
    pub versions: Vec<VersionSpec>,
}

/// `[[function.versions]]`: what one version costs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionSpec {
    /// The version number.
    pub version: u32,
    /// Writer CPU % its queries cost at normal throughput.
    pub query_cpu: f64,
    /// Its duration against a healthy database, milliseconds.
    pub duration_ms: f64,
    /// Whether it is a published version (ListVersionsByFunction lists it; a mapping can be pinned to it); an
    /// unpublished one exists only as code a deploy puts in `$LATEST`. `true` when left out.
    #[serde(default = "published_by_default")]
    pub published: bool,
    /// The statement its queries make, as Performance Insights tokenizes it (`SELECT * FROM orders WHERE
    /// customer_id = ?`): the demo's top SQL. Left out, its load shows under a comment naming the version.
    pub sql: Option<String>,
}

fn published_by_default() -> bool {
    true
}

/// `[database]`: an Aurora cluster with a writer and a reader.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSpec {
    /// DBClusterIdentifier.
    pub cluster: String,
    /// Engine, as DescribeDBClusters reports it.
    pub engine: String,
    /// The writer instance's identifier.
    pub writer: String,
    /// The reader instance's identifier.
    pub reader: String,
    /// The writer's CPU % without the consumers' queries or a migration.
    pub baseline_cpu: f64,
    /// How long a reboot takes, seconds.
    pub reboot_seconds: u32,
    /// How long a failover takes, seconds.
    pub failover_seconds: u32,
    /// Each instance's vCPUs: the line DB load is drawn against. 4 when left out (`db.r6g.xlarge`).
    #[serde(default = "vcpus_by_default")]
    pub vcpus: u32,
    /// `[[database.statements]]`: the statements that make the steady load (`baseline_cpu`), each with its share.
    #[serde(default)]
    pub statements: Vec<StatementSpec>,
}

fn vcpus_by_default() -> u32 {
    4
}

/// `[[database.statements]]`: one statement of the steady load.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementSpec {
    /// The statement, tokenized (`INSERT INTO orders (…) VALUES (?, ?)`).
    pub sql: String,
    /// Its share of the steady load, 0 to 1.
    pub share: f64,
}

/// Which of the scenario's metrics an alarm watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmMetric {
    /// The queue's age of oldest message, seconds (Maximum).
    QueueAge,
    /// The writer's CPU %, (Average).
    DbCpu,
    /// The DLQ's depth.
    DlqDepth,
}

/// `[[alarms]]`: a metric alarm, ALARM after `periods` breaching minutes in a row.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmSpec {
    /// AlarmName.
    pub name: String,
    /// The resource it watches (the queue, the DLQ or the cluster), for linking it to panes.
    pub resource: String,
    /// The metric.
    pub metric: AlarmMetric,
    /// Breaching means above this.
    pub threshold: f64,
    /// EvaluationPeriods, one minute each.
    pub periods: u32,
}

/// `[[events]]`: something that happens at a minute of the scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ScriptedEvent {
    /// The alias moves to `version`; under `wiring = "latest"`, `UpdateFunctionCode` puts `version`'s code in
    /// `$LATEST` instead (the alias stays).
    Deploy {
        /// When, in minutes after the start.
        at_minute: f64,
        /// The version the alias moves to (or whose code `$LATEST` takes).
        version: u32,
        /// Who deployed (the timeline's actor).
        actor: Option<String>,
    },
    /// A schema migration that costs writer CPU while it runs. A reboot or failover of the writer aborts it.
    Migration {
        /// When, in minutes after the start.
        at_minute: f64,
        /// What it is, as the timeline says it.
        text: String,
        /// Writer CPU % it costs once ramped up.
        cpu: f64,
        /// Minutes to ramp up to `cpu`.
        ramp_minutes: f64,
        /// Minutes it runs unless aborted.
        duration_minutes: f64,
        /// Who started it.
        actor: Option<String>,
        /// The statement it runs (`CREATE INDEX CONCURRENTLY …`), for the demo's top SQL.
        sql: Option<String>,
    },
    /// Traffic ramps to `factor` × the steady send rate.
    Traffic {
        /// When, in minutes after the start.
        at_minute: f64,
        /// The new send rate as a factor of the steady one.
        factor: f64,
        /// Minutes to ramp to it.
        ramp_minutes: f64,
        /// What the timeline says of it, if anything.
        text: Option<String>,
    },
}

impl ScriptedEvent {
    /// When it happens, in minutes after the start.
    pub fn at_minute(&self) -> f64 {
        match self {
            ScriptedEvent::Deploy { at_minute, .. }
            | ScriptedEvent::Migration { at_minute, .. }
            | ScriptedEvent::Traffic { at_minute, .. } => *at_minute,
        }
    }
}

impl Scenario {
    /// The compiled-in seed incident.
    pub fn seed_incident() -> Result<Scenario, FileError> {
        Scenario::parse(SEED_SCENARIO, "scenarios/orders-incident.toml (built in)")
    }

    /// A scenario file (`--scenario PATH`); errors name the file and line.
    pub fn load(path: &Path) -> Result<Scenario, FileError> {
        let src = read_text_file(path)?;
        Scenario::parse(&src, &path.display().to_string())
    }

    /// Parses `src`, a scenario file named `name`.
    pub fn parse(src: &str, name: &str) -> Result<Scenario, FileError> {
        let mut scenario: Scenario = parse_toml(src, name)?;
        scenario.check_bounds(src, name)?;
        let err = |message: String| FileError { path: name.to_string(), line: None, column: None, message };
        let known = |v: u32| scenario.function.versions.iter().any(|s| s.version == v);
        if !known(scenario.function.version) {
            return Err(err(format!(
                "function.version {} has no [[function.versions]] entry",
                scenario.function.version
            )));
        }
        let published = |v: u32| scenario.version(v).is_some_and(|s| s.published);
        if !published(scenario.function.version) {
            return Err(err(format!(
                "function.version {} is unpublished: the alias can only point to a published version",
                scenario.function.version
            )));
        }
        for event in &scenario.events {
            if let ScriptedEvent::Deploy { version, .. } = event {
                if !known(*version) {
                    return Err(err(format!(
                        "a deploy event names version {version}, which has no [[function.versions]] entry"
                    )));
                }
                // Only `$LATEST` holds unpublished code; an alias points to published versions.
                if scenario.function.wiring == Wiring::Alias && !published(*version) {
                    return Err(err(format!(
                        "a deploy event moves the alias to version {version}, which is unpublished (published = \
                         false): only wiring = \"latest\" deploys unpublished code"
                    )));
                }
            }
        }
        scenario.events.sort_by(|a, b| a.at_minute().total_cmp(&b.at_minute()));
        Ok(scenario)
    }

    /// Every number within what the simulation models, each error naming the file and the field's line: a
    /// scenario that would take hours to warm up or run a CPU below zero is a typo, not an incident.
    fn check_bounds(&self, src: &str, name: &str) -> Result<(), FileError> {
        // The `nth` line that sets `field` (the n-th table of an array of tables sets it n-th).
        let line_of = |field: &str, nth: usize| {
            let key = |l: &&str| {
                let l = l.trim_start();
                l.strip_prefix(field).is_some_and(|rest| rest.trim_start().starts_with('='))
            };
            src.lines().enumerate().filter(|(_, l)| key(l)).nth(nth).map(|(i, _)| i + 1)
        };
        let check = |field: &str, nth: usize, ok: bool, expected: &str| {
            if ok {
                return Ok(());
            }
            let line = line_of(field, nth);
            Err(FileError { path: name.to_string(), line, column: None, message: format!("{field}: {expected}") })
        };
        let percent = |v: f64| (0.0..=100.0).contains(&v);
        let positive = |v: f64, max: f64| v > 0.0 && v <= max;
        check("warmup_minutes", 0, self.warmup_minutes <= 24 * 60, "expected at most 1440 minutes (a day)")?;
        let q = &self.queue;
        check("dlq", 0, q.dlq != q.name, "the dead-letter queue must be another queue than the source queue")?;
        check("send_per_minute", 0, positive(q.send_per_minute, 1e6), "expected messages per minute, 0 to 1000000")?;
        check("max_receive_count", 0, (1..=1000).contains(&q.max_receive_count), "expected 1 to 1000, as SQS allows")?;
        let f = &self.function;
        check("capacity_per_minute", 0, positive(f.capacity_per_minute, 1e7), "expected messages per minute above 0")?;
        for (i, v) in f.versions.iter().enumerate() {
            check("query_cpu", i, percent(v.query_cpu), "expected a CPU percentage, 0 to 100")?;
            check("duration_ms", i, positive(v.duration_ms, 900_000.0), "expected 0 to 900000 ms (Lambda's 15 min)")?;
        }
        let db = &self.database;
        check("reader", 0, db.reader != db.writer, "the reader must be another instance than the writer")?;
        check("baseline_cpu", 0, percent(db.baseline_cpu), "expected a CPU percentage, 0 to 100")?;
        check("reboot_seconds", 0, (1..=3600).contains(&db.reboot_seconds), "expected 1 to 3600 seconds")?;
        check("failover_seconds", 0, (1..=3600).contains(&db.failover_seconds), "expected 1 to 3600 seconds")?;
        check("vcpus", 0, (1..=192).contains(&db.vcpus), "expected 1 to 192 vCPUs, as RDS instance classes have")?;
        for (i, st) in db.statements.iter().enumerate() {
            check("share", i, (0.0..=1.0).contains(&st.share), "expected a share of the steady load, 0 to 1")?;
        }
        let shares: f64 = db.statements.iter().map(|st| st.share).sum();
        check("share", 0, shares <= 1.0 + 1e-9, "expected the statements' shares to add up to at most 1")?;
        let resources = [&q.name, &q.dlq, &db.cluster, &db.writer, &db.reader];
        for (i, a) in self.alarms.iter().enumerate() {
            // An alarm on nothing the scenario has would never link to a pane or an onset.
            let known = resources.contains(&&a.resource);
            let expected = format!(
                "expected one of the scenario's resources: {}",
                resources.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
            );
            check("resource", i, known, &expected)?;
            let ok = a.threshold >= 0.0 && (a.metric != AlarmMetric::DbCpu || a.threshold <= 100.0);
            check("threshold", i, ok, "expected 0 or more (a CPU threshold at most 100)")?;
            check("periods", i, (1..=60).contains(&a.periods), "expected 1 to 60 one-minute periods")?;
        }
        let (mut migrations, mut traffic) = (0, 0);
        for (i, e) in self.events.iter().enumerate() {
            check("at_minute", i, (0.0..=10_000.0).contains(&e.at_minute()), "expected minutes from 0 to 10000")?;
            match e {
                ScriptedEvent::Migration { cpu, duration_minutes, .. } => {
                    check("cpu", migrations, percent(*cpu), "expected a CPU percentage, 0 to 100")?;
                    check(
                        "duration_minutes",
                        migrations,
                        positive(*duration_minutes, 10_000.0),
                        "expected minutes above 0",
                    )?;
                    migrations += 1;
                }
                ScriptedEvent::Traffic { factor, .. } => {
                    check("factor", traffic, positive(*factor, 100.0), "expected a factor above 0, at most 100")?;
                    traffic += 1;
                }
                ScriptedEvent::Deploy { .. } => {}
            }
        }
        let ramps = self.events.iter().filter_map(|e| match e {
            ScriptedEvent::Migration { ramp_minutes, .. } | ScriptedEvent::Traffic { ramp_minutes, .. } => {
                Some(*ramp_minutes)
            }
            ScriptedEvent::Deploy { .. } => None,
        });
        for (i, ramp) in ramps.enumerate() {
            check("ramp_minutes", i, (0.0..=10_000.0).contains(&ramp), "expected minutes from 0 to 10000")?;
        }
        Ok(())
    }

    /// The spec of `version`, if the scenario has it.
    pub fn version(&self, version: u32) -> Option<&VersionSpec> {
        self.function.versions.iter().find(|v| v.version == version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_scenario_parses() {
        let s = Scenario::seed_incident().expect("seed scenario");
        assert_eq!(s.queue.name, "orders");
        assert_eq!(s.alarms.len(), 2);
    }

    #[test]
    fn numbers_out_of_bounds_are_refused_with_their_line() {
        let line = |src: &str, key: &str| src.lines().position(|l| l.starts_with(key)).map(|i| i + 1);
        for (from, to, key) in [
            ("warmup_minutes = 30", "warmup_minutes = 5000000", "warmup_minutes"),
            ("reader = \"core-db-2\"", "reader = \"core-db-1\"", "reader"),
            ("baseline_cpu = 20", "baseline_cpu = -5", "baseline_cpu"),
            ("threshold = 60", "threshold = -1", "threshold"),
            ("dlq = \"orders-dlq\"", "dlq = \"orders\"", "dlq"),
            ("resource = \"core-db\"", "resource = \"nope\"", "resource"),
            ("at_minute = 32\nkind = \"deploy\"", "at_minute = -3\nkind = \"deploy\"", "at_minute"),
        ] {
            assert!(SEED_SCENARIO.contains(from), "{from}");
            let src = SEED_SCENARIO.replacen(from, to, 1);
            let err = Scenario::parse(&src, "x.toml").expect_err(key);
            assert_eq!(err.line, line(&src, to.lines().next().unwrap_or(key)), "{err}");
            assert!(err.message.starts_with(key), "{err}");
        }
    }

    #[test]
    fn bad_scenario_names_line() {
        let src = SEED_SCENARIO.replace("send_per_minute = 1200", "send_per_minute = \"lots\"");
        let err = Scenario::parse(&src, "x.toml").expect_err("bad type");
        let line = SEED_SCENARIO.lines().position(|l| l.starts_with("send_per_minute")).map(|i| i + 1);
        assert_eq!(err.line, line, "{err}");
    }
}
