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
    fn bad_scenario_names_line() {
        let src = SEED_SCENARIO.replace("send_per_minute = 1200", "send_per_minute = \"lots\"");
        let err = Scenario::parse(&src, "x.toml").expect_err("bad type");
        let line = SEED_SCENARIO.lines().position(|l| l.starts_with("send_per_minute")).map(|i| i + 1);
        assert_eq!(err.line, line, "{err}");
    }
}
