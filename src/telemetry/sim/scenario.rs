//! Scenario files: an incident as data. The seed incident is compiled in; `--scenario PATH` loads another.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::config::{FileError, parse_toml, read_text_file};

pub const SEED_SCENARIO: &str = include_str!("../../../scenarios/orders-incident.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub start: DateTime<Utc>,
    pub seed: u64,
    #[serde(default)]
    pub warmup_minutes: u32,
    pub queue: QueueSpec,
    pub function: FunctionSpec,
    pub database: DatabaseSpec,
    #[serde(default)]
    pub alarms: Vec<AlarmSpec>,
    #[serde(default)]
    pub events: Vec<ScriptedEvent>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSpec {
    pub name: String,
    pub dlq: String,
    pub send_per_minute: f64,
    pub max_receive_count: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionSpec {
    pub name: String,
    pub alias: String,
    pub version: u32,
    pub capacity_per_minute: f64,
    pub versions: Vec<VersionSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionSpec {
    pub version: u32,
    pub query_cpu: f64,
    pub duration_ms: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSpec {
    pub cluster: String,
    pub engine: String,
    pub writer: String,
    pub reader: String,
    pub baseline_cpu: f64,
    pub reboot_seconds: u32,
    pub failover_seconds: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmMetric {
    QueueAge,
    DbCpu,
    DlqDepth,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmSpec {
    pub name: String,
    pub resource: String,
    pub metric: AlarmMetric,
    pub threshold: f64,
    pub periods: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ScriptedEvent {
    /// The alias moves to `version`.
    Deploy { at_minute: f64, version: u32, actor: Option<String> },
    /// A schema migration that costs writer CPU while it runs. A reboot or failover of the writer aborts it.
    Migration {
        at_minute: f64,
        text: String,
        cpu: f64,
        ramp_minutes: f64,
        duration_minutes: f64,
        actor: Option<String>,
    },
    /// Traffic ramps to `factor` × the steady send rate.
    Traffic { at_minute: f64, factor: f64, ramp_minutes: f64, text: Option<String> },
}

impl ScriptedEvent {
    pub fn at_minute(&self) -> f64 {
        match self {
            ScriptedEvent::Deploy { at_minute, .. }
            | ScriptedEvent::Migration { at_minute, .. }
            | ScriptedEvent::Traffic { at_minute, .. } => *at_minute,
        }
    }
}

impl Scenario {
    pub fn seed_incident() -> Result<Scenario, FileError> {
        Scenario::parse(SEED_SCENARIO, "scenarios/orders-incident.toml (built in)")
    }

    pub fn load(path: &Path) -> Result<Scenario, FileError> {
        let src = read_text_file(path)?;
        Scenario::parse(&src, &path.display().to_string())
    }

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
        for event in &scenario.events {
            if let ScriptedEvent::Deploy { version, .. } = event
                && !known(*version)
            {
                return Err(err(format!(
                    "a deploy event names version {version}, which has no [[function.versions]] entry"
                )));
            }
        }
        scenario.events.sort_by(|a, b| a.at_minute().total_cmp(&b.at_minute()));
        Ok(scenario)
    }

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
