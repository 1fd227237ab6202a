//! Performance Insights: which SQL statements make a DB instance's load, and what it waits on. Load is in
//! average active sessions (AAS), Performance Insights' `db.load.avg`: a load above the instance's vCPU count
//! means sessions queue for CPU.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::Series;

/// Statements remembered per instance: the heaviest are kept, so a long incident with churning ad-hoc SQL stays
/// bounded.
pub const STATEMENTS_KEPT: usize = 50;

/// Wait events remembered per instance.
pub const WAITS_KEPT: usize = 20;

/// How many statements a top-SQL list holds (Performance Insights' console shows ten).
pub const TOP_STATEMENTS: usize = 10;

/// Average load below this is no load for a top list: a statement that ran for a second of the window.
const MIN_LOAD: f64 = 0.005;

/// Minutes of one-minute load points kept per series: three hours, the reach of the first poll.
const LOAD_CAPACITY: usize = 3 * 60;

/// Whether Performance Insights answers for an instance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum InsightsAccess {
    /// On: DescribeDBInstances says `PerformanceInsightsEnabled`, and its `DbiResourceId` names it to the pi API.
    On,
    /// Off for this instance (`PerformanceInsightsEnabled` false).
    Off,
    /// On, but the pi call failed: the error, beginning with the call (`pi:DescribeDimensionKeys:
    /// NotAuthorizedException: …`).
    Failed(String),
}

impl InsightsAccess {
    /// Why there is no top SQL and what to do, for the pane and the detail view; `None` when on.
    pub fn explain(&self, instance: &str) -> Option<String> {
        match self {
            InsightsAccess::On => None,
            InsightsAccess::Off => Some(format!(
                "Performance Insights is off for {instance}: turn it on with aws rds modify-db-instance \
                 --db-instance-identifier {instance} --enable-performance-insights (no reboot needed)"
            )),
            // IAM's refusal names the caller: "User: arn:… is not authorized to perform: pi:…".
            InsightsAccess::Failed(error)
                if error.contains("not authorized to perform") || error.contains("AccessDenied") =>
            {
                Some(format!(
                    "Performance Insights not permitted: {error} — grant pi:DescribeDimensionKeys and \
                     pi:GetResourceMetrics (policies/observer.json)"
                ))
            }
            // What pi answers for an instance whose Performance Insights is off (turned off since
            // DescribeDBInstances said on): NotAuthorizedException "The resource … is not authorized for this
            // account".
            InsightsAccess::Failed(error) if error.contains("NotAuthorized") => Some(format!(
                "Performance Insights answers as if off for {instance}: {error} — check it is on: aws rds \
                 describe-db-instances --db-instance-identifier {instance} --query \
                 'DBInstances[0].PerformanceInsightsEnabled'"
            )),
            InsightsAccess::Failed(error) => Some(format!("Performance Insights unavailable: {error}")),
        }
    }
}

/// One tokenized SQL statement (`db.sql_tokenized`): literals replaced by `?`, so one statement is every run
/// of the same query.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct SqlStatement {
    /// `db.sql_tokenized.id`, stable across calls.
    pub id: String,
    /// `db.sql_tokenized.statement`: the text (Performance Insights cuts it at 500 bytes in these calls).
    pub text: String,
}

impl SqlStatement {
    /// Whether it changes the schema (`CREATE INDEX`, `ALTER TABLE`, …) rather than reading or writing rows: such
    /// a statement in the top list is usually a migration.
    pub fn is_ddl(&self) -> bool {
        let first = self.text.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
        matches!(first.as_str(), "CREATE" | "ALTER" | "DROP" | "TRUNCATE" | "REINDEX" | "CLUSTER" | "VACUUM")
    }

    /// The text on one line, its runs of white space made one space.
    pub fn one_line(&self) -> String {
        self.text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// A wait event (`db.wait_event`): what sessions were waiting on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct WaitEvent {
    /// `db.wait_event.name` (`IO:DataFileRead`, `CPU`).
    pub name: String,
    /// `db.wait_event.type` (`IO`, `CPU`, `Lock`).
    pub kind: String,
}

/// What a load series is of.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum LoadKey {
    /// The instance's whole DB load (`db.load.avg`, ungrouped).
    Total,
    /// The load of one statement (`db.load.avg` grouped by `db.sql_tokenized`).
    Statement(SqlStatement),
    /// The load waiting on one event (`db.load.avg` grouped by `db.wait_event`).
    Wait(WaitEvent),
}

/// The heaviest statements over one window: pi:DescribeDimensionKeys, metric `db.load.avg`, group
/// `db.sql_tokenized`, heaviest first, at most `TOP_STATEMENTS`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TopSql {
    /// The window's start (AWS aligns it to the period).
    pub from: DateTime<Utc>,
    /// Its end.
    pub to: DateTime<Utc>,
    /// Each statement with its average load over the window, AAS.
    pub statements: Vec<(SqlStatement, f64)>,
}

/// Everything known of one DB instance's Performance Insights.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InstanceInsights {
    /// Whether it is on (DescribeDBInstances' `PerformanceInsightsEnabled`); `None` until it said.
    pub enabled: Option<bool>,
    /// The last pi read's error; `None` when it answered (or before the first read).
    pub read_error: Option<String>,
    /// The instance's vCPUs (from its class): the load above which sessions wait for CPU.
    pub vcpus: Option<u32>,
    /// The latest top statements over the last minutes.
    pub top: Option<TopSql>,
    /// The whole load, one point a minute (pi:GetResourceMetrics, `db.load.avg`, 60-second period).
    pub total: Series,
    /// Each statement's load, one point a minute, by `db.sql_tokenized.id`; at most `STATEMENTS_KEPT`.
    pub statements: BTreeMap<String, (SqlStatement, Series)>,
    /// Each wait event's load, one point a minute, by name; at most `WAITS_KEPT`.
    pub waits: BTreeMap<String, (WaitEvent, Series)>,
}

fn series() -> Series {
    Series::new(LOAD_CAPACITY)
}

/// A top list older than this is not shown as the present: the reads have stopped (failing, or turned off).
const TOP_STALE: Duration = Duration::minutes(3);

impl Default for InstanceInsights {
    /// Every series, the whole load's too, keeps the same `LOAD_CAPACITY`: the history a comparison finds for
    /// the whole load is there for each statement as well.
    fn default() -> Self {
        InstanceInsights {
            enabled: None,
            read_error: None,
            vcpus: None,
            top: None,
            total: series(),
            statements: BTreeMap::new(),
            waits: BTreeMap::new(),
        }
    }
}

/// The average over `[from, to)` of one-minute points, a minute without a point counting as no load: the
/// grouped series only list a key in the periods it had load.
fn average(series: &Series, from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    let minutes = (to - from).num_minutes().max(1) as f64;
    series.since(from).take_while(|p| p.at < to).map(|p| p.value).sum::<f64>() / minutes
}

impl InstanceInsights {
    /// Whether Performance Insights answers: off as RDS says, else failing while the last pi read failed (RDS
    /// saying "on" does not clear that: only an answer does); `None` before DescribeDBInstances said.
    pub fn access(&self) -> Option<InsightsAccess> {
        match (self.enabled?, &self.read_error) {
            (false, _) => Some(InsightsAccess::Off),
            (true, Some(error)) => Some(InsightsAccess::Failed(error.clone())),
            (true, None) => Some(InsightsAccess::On),
        }
    }

    /// Folds in one series' points (minute start, AAS): later answers for a minute replace earlier ones.
    pub fn fold(&mut self, key: LoadKey, points: &[(DateTime<Utc>, f64)]) {
        let target = match key {
            LoadKey::Total => &mut self.total,
            LoadKey::Statement(statement) => {
                let slot = self.statements.entry(statement.id.clone()).or_insert_with(|| (statement.clone(), series()));
                // The text can arrive longer in a later answer; the id is the statement.
                slot.0 = statement;
                &mut slot.1
            }
            LoadKey::Wait(wait) => &mut self.waits.entry(wait.name.clone()).or_insert_with(|| (wait, series())).1,
        };
        for (at, value) in points {
            target.push(*at, *value);
        }
        let current: Vec<String> =
            self.top.iter().flat_map(|t| t.statements.iter().map(|(s, _)| s.id.clone())).collect();
        evict(&mut self.statements, STATEMENTS_KEPT, &current);
        evict(&mut self.waits, WAITS_KEPT, &[]);
    }

    /// Where the one-minute history begins: before it, no statement's absence means anything.
    pub fn history_start(&self) -> Option<DateTime<Utc>> {
        self.total.iter().next().map(|p| p.at)
    }

    /// The whole load's average over `[from, to)`, AAS; `None` without points in it.
    pub fn total_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Option<f64> {
        self.total.since(from).next().filter(|p| p.at < to).map(|_| average(&self.total, from, to))
    }

    /// A statement's average load over `[from, to)`, AAS (0 when it had none).
    pub fn statement_between(&self, id: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
        self.statements.get(id).map_or(0.0, |(_, s)| average(s, from, to))
    }

    /// The heaviest statements over `[from, to)` from the one-minute history, heaviest first, those with load
    /// only, at most `TOP_STATEMENTS`.
    pub fn top_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(SqlStatement, f64)> {
        let mut out = heaviest(self.statements.values(), from, to);
        out.truncate(TOP_STATEMENTS);
        out
    }

    /// The wait events' average load over `[from, to)`, heaviest first, those with load only.
    pub fn waits_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(WaitEvent, f64)> {
        heaviest(self.waits.values(), from, to)
    }

    /// The first minute at or after `from` in which the statement's load reached `floor` AAS.
    pub fn first_at_least(&self, id: &str, from: DateTime<Utc>, floor: f64) -> Option<DateTime<Utc>> {
        let (_, s) = self.statements.get(id)?;
        s.since(from).find(|p| p.value >= floor).map(|p| p.at)
    }

    /// The latest top statements, from DescribeDimensionKeys when it answered in the last minutes, else from the
    /// history over the last `window`.
    pub fn recent(&self, now: DateTime<Utc>, window: Duration) -> Option<TopSql> {
        if let Some(top) = self.top.as_ref().filter(|t| now - t.to <= TOP_STALE) {
            return Some(top.clone());
        }
        let from = now - window;
        let statements = self.top_between(from, now);
        (!statements.is_empty()).then_some(TopSql { from, to: now, statements })
    }
}

/// Each key's average load over `[from, to)`, heaviest first (ties in key order), those with load only.
fn heaviest<'a, K: Clone + Ord + 'a>(
    keyed: impl Iterator<Item = &'a (K, Series)>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(K, f64)> {
    let mut out: Vec<(K, f64)> =
        keyed.map(|(k, s)| (k.clone(), average(s, from, to))).filter(|(_, load)| *load >= MIN_LOAD).collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// Keeps the `keep` keys with the most load over the same hour — the hour before the newest point any of them
/// has — and every key in `protect` (the current top list), dropping the rest: a statement new in the last
/// minutes outranks one that ran all hour lighter, and one that stopped hours ago scores nothing.
fn evict<V>(map: &mut BTreeMap<String, (V, Series)>, keep: usize, protect: &[String]) {
    if map.len() <= keep {
        return;
    }
    let Some(end) = map.values().filter_map(|(_, s)| s.latest()).map(|p| p.at).max() else { return };
    let from = end - Duration::hours(1);
    let mut loads: Vec<(String, f64)> =
        map.iter().map(|(k, (_, s))| (k.clone(), s.since(from).map(|p| p.value).sum::<f64>())).collect();
    loads.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut kept = 0;
    for (k, _) in loads {
        if kept < keep || protect.contains(&k) {
            kept += 1;
            continue;
        }
        map.remove(&k);
    }
}

/// An instance class's vCPUs, from its size (`db.r6g.xlarge` → 4): AWS's classes double per size step from
/// `large` (2), `medium` and smaller have 2 (`db.t3.micro`), and `NNxlarge` has 4 × NN. `None` for serverless
/// and sizes warroom does not know.
pub fn vcpus_of_class(class: &str) -> Option<u32> {
    let size = class.rsplit('.').next()?;
    match size {
        "micro" | "small" | "medium" | "large" => Some(2),
        "xlarge" => Some(4),
        _ => size.strip_suffix("xlarge").and_then(|n| n.parse::<u32>().ok()).map(|n| n * 4),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_000_000 / 60 * 60, 0).unwrap_or_default() + Duration::minutes(minute)
    }

    fn statement(id: &str, text: &str) -> SqlStatement {
        SqlStatement { id: id.into(), text: text.into() }
    }

    #[test]
    fn the_class_gives_the_vcpus() {
        assert_eq!(vcpus_of_class("db.r6g.large"), Some(2));
        assert_eq!(vcpus_of_class("db.r6g.xlarge"), Some(4));
        assert_eq!(vcpus_of_class("db.r5.24xlarge"), Some(96));
        assert_eq!(vcpus_of_class("db.t3.micro"), Some(2));
        assert_eq!(vcpus_of_class("db.serverless"), None);
    }

    /// A failed pi read stays failed when DescribeDBInstances says "on" again (every 30 s); only an answer clears
    /// it; "off" is off whatever the reads said.
    #[test]
    fn only_an_answer_clears_a_failed_read() {
        let mut insights = InstanceInsights { enabled: Some(true), ..InstanceInsights::default() };
        assert_eq!(insights.access(), Some(InsightsAccess::On));
        insights.read_error = Some("pi:DescribeDimensionKeys: unreadable".into());
        insights.enabled = Some(true);
        assert!(matches!(insights.access(), Some(InsightsAccess::Failed(_))));
        insights.read_error = None;
        assert_eq!(insights.access(), Some(InsightsAccess::On));
        insights.enabled = Some(false);
        assert_eq!(insights.access(), Some(InsightsAccess::Off));
        assert_eq!(InstanceInsights::default().access(), None);
    }

    /// A statement new in the last minutes stays against steady lighter ones, and one that stopped hours ago
    /// goes first, whatever it once weighed.
    #[test]
    fn eviction_ranks_every_statement_over_the_same_hour() {
        let mut insights = InstanceInsights::default();
        let old = statement("old", "SELECT stopped");
        insights.fold(LoadKey::Statement(old), &[(t(0), 50.0)]);
        for i in 0..STATEMENTS_KEPT {
            let points: Vec<_> = (120..180).map(|m| (t(m), 0.1)).collect();
            insights.fold(LoadKey::Statement(statement(&format!("s{i:03}"), "SELECT ?")), &points);
        }
        let new = statement("new", "SELECT new");
        insights.fold(LoadKey::Statement(new), &(175..180).map(|m| (t(m), 2.0)).collect::<Vec<_>>());
        assert!(insights.statements.contains_key("new"), "10 AAS-minutes beat 6");
        assert!(!insights.statements.contains_key("old"), "no load in the last hour");
        assert_eq!(insights.statements.len(), STATEMENTS_KEPT);
    }

    #[test]
    fn schema_changes_are_ddl() {
        assert!(statement("a", "CREATE INDEX CONCURRENTLY i ON orders (customer_id)").is_ddl());
        assert!(statement("a", "  alter table orders add column x int").is_ddl());
        assert!(!statement("a", "SELECT * FROM orders WHERE customer_id = ?").is_ddl());
    }

    /// A minute without a point is a minute without load: a statement heavy in one minute of five averages a
    /// fifth of it.
    #[test]
    fn averages_count_missing_minutes_as_no_load() {
        let mut insights = InstanceInsights::default();
        let q = statement("q", "SELECT 1");
        insights.fold(LoadKey::Total, &(0..5).map(|m| (t(m), 1.0)).collect::<Vec<_>>());
        insights.fold(LoadKey::Statement(q.clone()), &[(t(2), 5.0)]);
        assert_eq!(insights.statement_between("q", t(0), t(5)), 1.0);
        assert_eq!(insights.total_between(t(0), t(5)), Some(1.0));
        assert_eq!(insights.total_between(t(10), t(15)), None, "no points there");
        assert_eq!(insights.top_between(t(0), t(5)), vec![(q, 1.0)]);
        assert_eq!(insights.first_at_least("q", t(0), 0.5), Some(t(2)));
        assert_eq!(insights.history_start(), Some(t(0)));
    }

    /// A revised minute replaces the earlier answer, and past the cap the lightest statements go.
    #[test]
    fn revisions_replace_and_the_lightest_statements_go() {
        let mut insights = InstanceInsights::default();
        insights.fold(LoadKey::Statement(statement("q", "SELECT 1")), &[(t(0), 1.0)]);
        insights.fold(LoadKey::Statement(statement("q", "SELECT 1 -- longer")), &[(t(0), 3.0)]);
        assert_eq!(insights.statement_between("q", t(0), t(1)), 3.0);
        assert_eq!(insights.statements["q"].0.text, "SELECT 1 -- longer");
        for i in 0..STATEMENTS_KEPT + 5 {
            insights.fold(LoadKey::Statement(statement(&format!("s{i:03}"), "SELECT ?")), &[(t(0), i as f64 + 0.5)]);
        }
        assert_eq!(insights.statements.len(), STATEMENTS_KEPT);
        assert!(!insights.statements.contains_key("s000"), "the lightest went");
        assert!(!insights.statements.contains_key("q"), "3 AAS is among the five lightest of 56");
    }
}
