//! Which statements make a database's load, compared with before the incident. A statement absent in the hour
//! before the first onset that leads the load after it is evidence for the change that came just before it
//! appeared (`suspects`): the new query a deploy shipped, the index a migration builds.

use chrono::{DateTime, Duration, Utc};

use crate::model::{Data, InstanceInsights, SqlStatement, TopSql, WaitEvent};

/// The window the pane's top statements cover, ending now: Performance Insights' own default view.
pub const RECENT: Duration = Duration::minutes(5);

/// The window before the onset a statement is compared with.
pub const BEFORE: Duration = Duration::hours(1);

/// The least history before the onset a comparison needs: with less, nothing is called new.
const MIN_BEFORE: Duration = Duration::minutes(10);

/// A statement is new when its load in the hour before the onset was under this share of its load now: absent,
/// or so light it did not matter.
const NEW_BELOW: f64 = 0.1;

/// A new statement is evidence for a change when it makes at least this share of the load.
const EVIDENCE_SHARE: f64 = 0.2;

/// One statement of a top list, compared with before the onset.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlRow {
    /// The statement.
    pub statement: SqlStatement,
    /// Its average load over the window, average active sessions.
    pub load: f64,
    /// Its share of the instance's whole load over the window, 0 to 1; `None` while the whole load is unknown.
    pub share: Option<f64>,
    /// Its average load in the hour before the onset (or as much of it as the history holds, at least ten
    /// minutes); `None` without an onset or such a history.
    pub before: Option<f64>,
    /// Whether it is new: its load before the onset was under a tenth of its load now.
    pub new: bool,
    /// When a new statement first carried that load (a minute's start), when the history shows it.
    pub since: Option<DateTime<Utc>>,
}

impl SqlRow {
    /// Its share of the load, `61 %`, or its load in average active sessions while the whole is unknown.
    pub fn share_text(&self) -> String {
        self.share.map_or(format!("{:.1} AAS", self.load), |s| format!("{:.0} %", s * 100.0))
    }

    /// "new since 14:02", "new" when the history does not show since when, `None` when it is not new.
    pub fn new_text(&self) -> Option<String> {
        self.new.then(|| self.since.map_or("new".to_string(), |t| format!("new since {}", t.format("%H:%M"))))
    }
}

/// One DB instance's top statements over a window, with its load by wait event.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceSql {
    /// The DB instance.
    pub instance: String,
    /// The window's start.
    pub from: DateTime<Utc>,
    /// Its end.
    pub to: DateTime<Utc>,
    /// The whole load over the window, AAS, when known.
    pub total: Option<f64>,
    /// The instance's vCPUs, when known.
    pub vcpus: Option<u32>,
    /// The heaviest statements, heaviest first.
    pub rows: Vec<SqlRow>,
    /// The load by wait event over the window, heaviest first.
    pub waits: Vec<(WaitEvent, f64)>,
}

impl InstanceSql {
    /// The heaviest statement.
    pub fn top(&self) -> Option<&SqlRow> {
        self.rows.first()
    }
}

/// `statements` compared with the hour before `onset`.
fn rows(insights: &InstanceInsights, top: &TopSql, onset: Option<DateTime<Utc>>) -> Vec<SqlRow> {
    let total = insights.total_between(top.from, top.to);
    // The hour before the onset, or as much of it as the history holds when that is at least `MIN_BEFORE`.
    let first = insights.history_start();
    let before_window =
        onset.zip(first).filter(|(o, first)| *first <= *o - MIN_BEFORE).map(|(o, first)| ((o - BEFORE).max(first), o));
    top.statements
        .iter()
        .map(|(statement, load)| {
            let before = before_window.map(|(from, to)| insights.statement_between(&statement.id, from, to));
            let new = before.is_some_and(|b| b < load * NEW_BELOW);
            let since = before_window
                .filter(|_| new)
                .and_then(|(from, _)| insights.first_at_least(&statement.id, from, load * NEW_BELOW));
            SqlRow {
                statement: statement.clone(),
                load: *load,
                share: total.filter(|t| *t > 0.0).map(|t| (load / t).min(1.0)),
                before,
                new,
                since,
            }
        })
        .collect()
}

/// One instance's `top` statements with its whole load and waits over the same window.
fn instance_sql(
    instance: &str,
    insights: &InstanceInsights,
    top: &TopSql,
    onset: Option<DateTime<Utc>>,
) -> InstanceSql {
    InstanceSql {
        instance: instance.to_string(),
        from: top.from,
        to: top.to,
        total: insights.total_between(top.from, top.to),
        vcpus: insights.vcpus,
        rows: rows(insights, top, onset),
        waits: insights.waits_between(top.from, top.to),
    }
}

/// Every watched instance's top statements now (the last `RECENT`), compared with the hour before `onset`;
/// instances whose Performance Insights is off or failing have none (their pane says why).
pub fn now(data: &Data, onset: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Vec<InstanceSql> {
    data.insights
        .iter()
        .filter(|(_, i)| matches!(i.access(), None | Some(crate::model::InsightsAccess::On)))
        .filter_map(|(instance, insights)| {
            Some(instance_sql(instance, insights, &insights.recent(now, RECENT)?, onset))
        })
        .collect()
}

/// Every instance's top statements over `[from, to)` from the one-minute history (for a postmortem's before
/// and during), compared with the hour before `onset`.
pub fn between(data: &Data, from: DateTime<Utc>, to: DateTime<Utc>, onset: Option<DateTime<Utc>>) -> Vec<InstanceSql> {
    data.insights
        .iter()
        .filter_map(|(instance, insights)| {
            let statements = insights.top_between(from, to);
            (!statements.is_empty()).then(|| instance_sql(instance, insights, &TopSql { from, to, statements }, onset))
        })
        .collect()
}

/// What a new statement says of the change at `change_at`: a line for each new statement that leads its
/// instance's load (or makes a fifth of it) and first carried load after that change and before the next one
/// (`next_change`), before `onset`: "new query since this change: 61 % of core-db-1's DB load: SELECT … FROM
/// orders WHERE customer_id = ?". DDL is a change to the database's schema (`on_database`: a migration), a
/// query is what a deploy ships: a deploy and a migration at the same minute each get their own.
pub fn evidence(
    top: &[InstanceSql],
    change_at: DateTime<Utc>,
    next_change: Option<DateTime<Utc>>,
    onset: DateTime<Utc>,
    on_database: bool,
) -> Vec<String> {
    // A minute's point starts at the minute: a change at 14:02:40 shows in the 14:02 point.
    let after = change_at - Duration::seconds(59);
    top.iter()
        .flat_map(|sql| {
            sql.rows.iter().enumerate().filter_map(move |(rank, row)| {
                let since = row.since?;
                let leads = rank == 0 || row.share.is_some_and(|s| s >= EVIDENCE_SHARE);
                let in_reach = since >= after && since <= onset && next_change.is_none_or(|n| since < n);
                let its_kind = row.statement.is_ddl() == on_database;
                (row.new && leads && in_reach && its_kind).then(|| {
                    let what = if row.statement.is_ddl() { "DDL" } else { "query" };
                    let share = row.share_text();
                    format!(
                        "new {what} since this change: {share} of {}'s DB load: {}",
                        sql.instance,
                        row.statement.one_line()
                    )
                })
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LoadKey, Observation};

    fn t(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_000_020 / 60 * 60, 0).unwrap_or_default() + Duration::minutes(minute)
    }

    fn statement(id: &str, text: &str) -> SqlStatement {
        SqlStatement { id: id.into(), text: text.into() }
    }

    /// Two hours of history: an old insert all along, a new select from minute 62 (two minutes after a deploy
    /// at minute 60), the onset at minute 65.
    fn data() -> Data {
        let mut data = Data::default();
        let insert = statement("ins", "INSERT INTO orders VALUES (?, ?)");
        let select = statement("sel", "SELECT * FROM orders WHERE customer_id = ?");
        let load = |f: &dyn Fn(i64) -> f64| (0..120).map(|m| (t(m), f(m))).filter(|p| p.1 > 0.0).collect();
        let points = |key, f: &dyn Fn(i64) -> f64| Observation::Load { instance: "db-1".into(), key, points: load(f) };
        data.apply(points(LoadKey::Statement(insert), &|_| 0.5));
        data.apply(points(LoadKey::Statement(select), &|m| if m >= 62 { 3.0 } else { 0.0 }));
        data.apply(points(LoadKey::Total, &|m| if m >= 62 { 3.5 } else { 0.5 }));
        data
    }

    #[test]
    fn a_statement_absent_before_the_onset_is_new_since_it_appeared() {
        let data = data();
        let top = now(&data, Some(t(65)), t(120));
        let rows = &top[0].rows;
        assert_eq!(rows[0].statement.id, "sel");
        assert!(rows[0].new);
        assert_eq!(rows[0].since, Some(t(62)));
        assert_eq!(rows[0].share.map(|s| (s * 100.0).round()), Some(86.0));
        // The insert ran before the onset as much as now: not new.
        assert_eq!((rows[1].statement.id.as_str(), rows[1].new), ("ins", false));
        // Without an onset nothing is compared.
        assert!(now(&data, None, t(120))[0].rows.iter().all(|r| !r.new && r.before.is_none()));
        // With less than an hour of history before the onset, what there is of it; with under ten minutes, nothing.
        assert!(now(&data, Some(t(30)), t(120))[0].rows.iter().all(|r| r.before == Some(0.0) || r.before == Some(0.5)));
        assert!(now(&data, Some(t(5)), t(120))[0].rows.iter().all(|r| r.before.is_none()));
    }

    #[test]
    fn a_new_leading_statement_is_evidence_for_the_change_before_it_only() {
        let data = data();
        let top = now(&data, Some(t(65)), t(120));
        let said = evidence(&top, t(60), None, t(65), false);
        assert_eq!(
            said,
            ["new query since this change: 86 % of db-1's DB load: SELECT * FROM orders WHERE customer_id = ?"]
        );
        assert!(evidence(&top, t(50), Some(t(60)), t(65), false).is_empty(), "a later change came between");
        assert!(evidence(&top, t(63), None, t(65), false).is_empty(), "it appeared before this change");
        assert!(evidence(&top, t(60), None, t(65), true).is_empty(), "a query is no migration's evidence");
    }
}
