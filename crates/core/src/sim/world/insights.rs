//! What Performance Insights would see of the simulated cluster: each instance's DB load by statement and by
//! wait event, one point a minute, and the last five minutes' top statements. The steady statements and a
//! migration's DDL are the CPU the model computes, as sessions on the instance's vCPUs with a share waiting on
//! something else; the consumers' query is as many sessions as its executions overlap (Little's law: executions
//! a second × seconds each), so it piles up as the writer slows, while CPU cannot pass 100 %.

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};

use crate::model::{LoadKey, MetricKind, Observation, SqlStatement, TopSql, WaitEvent};
use crate::sim::scenario::{Scenario, ScriptedEvent};

/// Of the steady statements' sessions, the share waiting on the client between statements.
const STEADY_WAITING: f64 = 0.25;

/// Of a migration's sessions, the share waiting on reads of the table it indexes.
const MIGRATION_WAITING: f64 = 0.1;

/// The minutes the top statements cover (DescribeDimensionKeys over the last five minutes).
const TOP_MINUTES: usize = 5;

/// What a statement of the model is, which decides what it waits on besides CPU.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    /// The steady load: waits on the client between statements.
    Steady,
    /// A consumer version's query: reads pages from storage.
    Version(u32),
    /// A migration's DDL: reads the table it indexes.
    Migration,
}

impl Source {
    fn wait(self) -> WaitEvent {
        let (name, kind) = match self {
            Source::Steady => ("Client:ClientRead", "Client"),
            Source::Version(_) | Source::Migration => ("IO:DataFileRead", "IO"),
        };
        WaitEvent { name: name.to_string(), kind: kind.to_string() }
    }
}

/// An id shaped like Performance Insights' `db.sql_tokenized.id` (40 hex characters), the same for the same text.
fn tokenized_id(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::with_capacity(40);
    for round in 0..3u64 {
        for b in text.bytes().chain(round.to_le_bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016X}"));
    }
    out.truncate(40);
    out
}

/// The model's statements and what each minute's load adds up to.
#[derive(Debug, Clone)]
pub(super) struct SqlModel {
    statements: Vec<(SqlStatement, Source, f64)>,
    vcpus: u32,
    /// This minute's sums per instance and statement of (sessions, sessions on CPU), in seconds × sessions.
    minute: Vec<Vec<(f64, f64)>>,
    /// The last minutes' average sessions per instance and statement, newest last.
    recent: Vec<VecDeque<Vec<f64>>>,
}

/// One second of one instance's work, as the model computed it.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Second<'a> {
    /// CPU % the steady statements cost.
    pub steady_cpu: f64,
    /// The version whose query the consumers run.
    pub version: u32,
    /// Sessions running that query at once.
    pub query_sessions: f64,
    /// CPU % that query costs.
    pub query_cpu: f64,
    /// The running migration's statement and the CPU % it costs.
    pub migration: Option<(&'a str, f64)>,
}

impl SqlModel {
    /// The statements of `scenario`: its steady statements (with their shares), each version's query and each
    /// migration's DDL; for `instances` instances.
    pub fn new(scenario: &Scenario, instances: usize) -> SqlModel {
        let statement = |text: &str| SqlStatement { id: tokenized_id(text), text: text.to_string() };
        let mut statements: Vec<(SqlStatement, Source, f64)> =
            scenario.database.statements.iter().map(|s| (statement(&s.sql), Source::Steady, s.share)).collect();
        for v in &scenario.function.versions {
            let text =
                v.sql.clone().unwrap_or_else(|| format!("/* {} v{} */ SELECT ?", scenario.function.name, v.version));
            // Versions that run the same query are one statement, as Performance Insights would see them.
            if !statements.iter().any(|(s, _, _)| s.text == text) {
                statements.push((statement(&text), Source::Version(v.version), 0.0));
            }
        }
        for e in &scenario.events {
            if let ScriptedEvent::Migration { sql: Some(sql), .. } = e
                && !statements.iter().any(|(s, _, _)| &s.text == sql)
            {
                statements.push((statement(sql), Source::Migration, 0.0));
            }
        }
        let keys = statements.len();
        SqlModel {
            statements,
            vcpus: scenario.database.vcpus,
            minute: vec![vec![(0.0, 0.0); keys]; instances],
            recent: vec![VecDeque::new(); instances],
        }
    }

    /// Where `version`'s query is among the statements (one shared by versions with the same text).
    fn index_of_version(&self, version: u32, scenario: &Scenario) -> Option<usize> {
        let text = scenario.version(version)?.sql.clone();
        self.statements.iter().position(|(s, source, _)| match (&text, source) {
            (Some(t), _) => &s.text == t,
            (None, Source::Version(v)) => *v == version,
            _ => false,
        })
    }

    /// Adds one second of `instance`'s work.
    pub fn sample(&mut self, scenario: &Scenario, instance: usize, second: Second<'_>) {
        let cores = |cpu: f64| cpu / 100.0 * f64::from(self.vcpus);
        let query_at = self.index_of_version(second.version, scenario);
        let Some(row) = self.minute.get_mut(instance) else { return };
        for (i, (statement, source, share)) in self.statements.iter().enumerate() {
            let (sessions, on_cpu) = match source {
                Source::Steady => {
                    let on_cpu = cores(second.steady_cpu * share);
                    (on_cpu / (1.0 - STEADY_WAITING), on_cpu)
                }
                Source::Migration => match second.migration {
                    Some((sql, cpu)) if sql == statement.text => (cores(cpu) / (1.0 - MIGRATION_WAITING), cores(cpu)),
                    _ => (0.0, 0.0),
                },
                Source::Version(_) => (0.0, 0.0),
            };
            row[i].0 += sessions;
            row[i].1 += on_cpu;
        }
        // The query's sessions: those on CPU are what it costs, the rest wait on reads (a sequential scan).
        if let Some(i) = query_at {
            let on_cpu = cores(second.query_cpu).min(second.query_sessions);
            row[i].0 += second.query_sessions.max(on_cpu);
            row[i].1 += on_cpu;
        }
    }

    /// Closes the minute starting `at` (`seconds` long) into observations for `instance`: its load points
    /// (total, by statement, by wait event), DBLoad/DBLoadCPU/DBLoadNonCPU, and the last five minutes' top
    /// statements.
    pub fn close(&mut self, instance: usize, id: &str, at: DateTime<Utc>, seconds: f64, out: &mut Vec<Observation>) {
        let Some(row) = self.minute.get_mut(instance) else { return };
        let per_second = seconds.max(1.0);
        let averages: Vec<(f64, f64)> = row.iter().map(|(all, cpu)| (all / per_second, cpu / per_second)).collect();
        row.iter_mut().for_each(|s| *s = (0.0, 0.0));
        let total: f64 = averages.iter().map(|(all, _)| all).sum();
        let point = |key, value: f64| Observation::Load {
            instance: id.to_string(),
            key,
            points: vec![(at, (value * 100.0).round() / 100.0)],
        };
        out.push(point(LoadKey::Total, total));
        let mut waits: Vec<(WaitEvent, f64)> = Vec::new();
        let mut cpu = 0.0;
        for ((statement, source, _), (load, on_cpu)) in self.statements.iter().zip(&averages) {
            if *load <= 0.0 {
                continue;
            }
            out.push(point(LoadKey::Statement(statement.clone()), *load));
            cpu += on_cpu;
            let wait = source.wait();
            match waits.iter_mut().find(|(w, _)| *w == wait) {
                Some((_, l)) => *l += load - on_cpu,
                None => waits.push((wait, load - on_cpu)),
            }
        }
        if cpu > 0.0 {
            waits.push((WaitEvent { name: "CPU".to_string(), kind: "CPU".to_string() }, cpu));
        }
        waits.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (wait, load) in waits {
            out.push(point(LoadKey::Wait(wait), load));
        }
        let averages: Vec<f64> = averages.into_iter().map(|(all, _)| all).collect();
        let round = |v: f64| (v * 100.0).round() / 100.0;
        for (metric, value) in
            [(MetricKind::DbLoad, total), (MetricKind::DbLoadCpu, cpu), (MetricKind::DbLoadNonCpu, total - cpu)]
        {
            out.push(Observation::Metric { resource: id.to_string(), metric, at, value: round(value) });
        }
        let Some(recent) = self.recent.get_mut(instance) else { return };
        recent.push_back(averages);
        if recent.len() > TOP_MINUTES {
            recent.pop_front();
        }
        let mut statements: Vec<(SqlStatement, f64)> = self
            .statements
            .iter()
            .enumerate()
            .map(|(i, (s, _, _))| {
                let sum: f64 = recent.iter().map(|m| m[i]).sum();
                (s.clone(), round(sum / TOP_MINUTES as f64))
            })
            .filter(|(_, load)| *load > 0.0)
            .collect();
        statements.sort_by(|a, b| b.1.total_cmp(&a.1));
        statements.truncate(crate::model::TOP_STATEMENTS);
        let to = at + Duration::minutes(1);
        let top = TopSql { from: to - Duration::minutes(TOP_MINUTES as i64), to, statements };
        out.push(Observation::TopSql { instance: id.to_string(), top });
    }

    /// What DescribeDBInstances says of an instance: Performance Insights on, and its vCPUs.
    pub fn access(&self, id: &str) -> Observation {
        Observation::Insights { instance: id.to_string(), enabled: true, vcpus: Some(self.vcpus) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_performance_insights_and_follow_the_text() {
        let a = tokenized_id("SELECT 1");
        assert_eq!(a.len(), 40);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(a, tokenized_id("SELECT 1"));
        assert_ne!(a, tokenized_id("SELECT 2"));
    }
}
