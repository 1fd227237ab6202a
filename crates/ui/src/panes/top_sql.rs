//! Performance Insights' top statements: the database pane's line under its instances ("core-db-1 top SQL 61 %:
//! SELECT … FROM orders WHERE customer_id = ? · new since 14:02") and the detail view's list of ten.

use ratatui_core::style::Style;
use ratatui_core::text::{Line, Span};
use warroom_core::incident::InstanceSql;
use warroom_core::model::{InsightsAccess, Role};
use warroom_core::state::State;

use crate::text::{sanitize, width};
use crate::theme;

/// A SELECT's column list makes it long and says little: `SELECT a, b, c FROM orders WHERE …` reads as
/// `SELECT … FROM orders WHERE …`.
pub fn abbreviate(sql: &str) -> String {
    let one_line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    let upper = one_line.to_ascii_uppercase();
    match (upper.starts_with("SELECT "), upper.find(" FROM ")) {
        (true, Some(from)) if from > "SELECT ".len() => format!("SELECT …{}", &one_line[from..]),
        _ => one_line,
    }
}

/// The statement in `room` cells: abbreviated, and where that is still too wide, from its WHERE clause on — the
/// part that tells one query on a table from another (`SELECT … WHERE o.customer_id = ? AND…`).
fn fit_statement(sql: &str, room: usize) -> String {
    let short = abbreviate(sql);
    if width(&short) <= room {
        return short;
    }
    let upper = short.to_ascii_uppercase();
    let verb = short.split_whitespace().next().unwrap_or_default();
    match upper.find(" WHERE ") {
        Some(at) => sanitize(&format!("{verb} …{}", &short[at..]), room),
        None => sanitize(&short, room),
    }
}

/// The statement gets at least this many cells before the line's words shorten.
const TEXT_ROOM: usize = 24;

/// The pane's line for one instance's top statement, fitted to `room` cells: on a narrow pane the instance's
/// name and then the words around the share and the newness shorten before the statement is cut.
fn top_line(sql: &InstanceSql, room: usize) -> Option<Line<'static>> {
    let top = sql.top()?;
    let share = top.share_text();
    let since = top.since.map(|t| t.format("%H:%M").to_string());
    let tails = match (top.new, since) {
        (true, Some(t)) => [format!(" · new since {t}"), format!(" · new {t}")],
        (true, None) => [" · new".to_string(), " · new".to_string()],
        (false, _) => [String::new(), String::new()],
    };
    let candidates = [
        (format!(" {} top SQL {share}: ", sql.instance), tails[0].clone()),
        (format!(" top SQL {share}: "), tails[0].clone()),
        (format!(" SQL {share}: "), tails[1].clone()),
    ];
    let fits = |(head, tail): &(String, String)| room >= width(head) + width(tail) + TEXT_ROOM;
    let (head, tail) = candidates.iter().find(|c| fits(c)).unwrap_or(&candidates[2]).clone();
    let text = fit_statement(&top.statement.text, room.saturating_sub(width(&head) + width(&tail)).max(4));
    let style = if top.statement.is_ddl() || top.new { theme::warn() } else { Style::new() };
    Some(Line::from(vec![
        Span::styled(head, theme::dim()),
        Span::styled(text, style),
        Span::styled(tail, if top.new { theme::alarm() } else { theme::dim() }),
    ]))
}

/// The database pane's lines below its instances: each writer's top statement, and one line naming the
/// instances whose Performance Insights is off or failing (the detail view says how to turn it on).
pub fn pane_lines(state: &State, room: usize) -> Vec<Line<'static>> {
    // The rows the pane shows: a filter that hides an instance hides its top SQL too.
    let writers: Vec<&str> = state
        .rows()
        .instances()
        .into_iter()
        .filter(|(_, i)| i.role == Role::Writer)
        .map(|(_, i)| i.id.as_str())
        .collect();
    let mut out: Vec<Line<'static>> = state
        .analysis
        .sql
        .iter()
        .filter(|s| writers.contains(&s.instance.as_str()))
        .filter_map(|s| top_line(s, room))
        .collect();
    let without: Vec<(&str, InsightsAccess)> = state
        .data
        .insights
        .iter()
        .filter_map(|(id, i)| i.access().filter(|a| *a != InsightsAccess::On).map(|a| (id.as_str(), a)))
        .filter(|(id, _)| writers.contains(id))
        .collect();
    if !without.is_empty() {
        let failed = without.iter().any(|(_, a)| matches!(a, InsightsAccess::Failed(_)));
        let what = if failed { "no top SQL (Performance Insights failing)" } else { "Performance Insights off" };
        let ids: Vec<&str> = without.iter().map(|(id, _)| *id).collect();
        let text = format!(" {what}: {} — details: enter", ids.join(", "));
        out.push(Line::from(Span::styled(sanitize(&text, room), theme::dim())));
    }
    out
}

/// The detail view's lines for `instance`: why there is no top SQL, or the load against the vCPUs, the top
/// ten statements with load, share and newness (DDL marked), and the load by wait event.
pub fn detail_lines(state: &State, instance: &str) -> Vec<Line<'static>> {
    let insights = state.data.insights.get(instance);
    if let Some(why) = insights.and_then(|i| i.access()).and_then(|a| a.explain(instance)) {
        return vec![Line::from(Span::styled(why, theme::warn()))];
    }
    let Some(sql) = state.analysis.sql.iter().find(|s| s.instance == instance) else {
        // "No load" only once Performance Insights has answered: before its first answer (or while its first
        // read is failing, before the error is known) nothing is known of the load.
        let said = match insights.filter(|i| i.access().is_some()).map(|i| i.top.is_some()) {
            Some(true) => "top SQL: no load in the last 5 minutes",
            _ => "top SQL: not read yet (Performance Insights)",
        };
        return vec![Line::from(Span::styled(said, theme::dim()))];
    };
    let mut out = Vec::new();
    let window = format!("{}–{}", sql.from.format("%H:%M"), sql.to.format("%H:%M"));
    let load = match (sql.total, sql.vcpus) {
        (Some(t), Some(v)) => {
            format!("DB load {t:.1} AAS on {v} vCPUs{}", if t > f64::from(v) { " (over)" } else { "" })
        }
        (Some(t), None) => format!("DB load {t:.1} AAS"),
        _ => "DB load –".to_string(),
    };
    let compared = match state.analysis.baseline_end {
        Some(end) => format!(", new = absent in the hour before {} (the first suspect change)", end.format("%H:%M")),
        None => String::new(),
    };
    out.push(Line::from(Span::styled(format!("top SQL {window}: {load}{compared}"), theme::bold())));
    for (rank, row) in sql.rows.iter().enumerate() {
        let mut spans = vec![Span::raw(format!("{:>2}. {:>5} {:>5.2} AAS ", rank + 1, row.share_text(), row.load))];
        if row.statement.is_ddl() {
            spans.push(Span::styled("DDL ", theme::warn()));
        }
        if let Some(n) = row.new_text() {
            spans.push(Span::styled(format!("{n} "), theme::alarm()));
        }
        let style = if row.statement.is_ddl() { theme::warn() } else { Style::new() };
        spans.push(Span::styled(sanitize(&row.statement.one_line(), 500), style));
        out.push(Line::from(spans));
    }
    if !sql.waits.is_empty() {
        let waits: Vec<String> = sql.waits.iter().take(5).map(|(w, load)| format!("{} {load:.1}", w.name)).collect();
        out.push(Line::from(Span::styled(format!("waits (AAS): {}", waits.join(" · ")), theme::dim())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_select_list_is_elided() {
        assert_eq!(
            abbreviate("SELECT o.id, o.total\n  FROM orders o WHERE o.customer_id = ?"),
            "SELECT … FROM orders o WHERE o.customer_id = ?"
        );
        assert_eq!(abbreviate("UPDATE orders SET a = ?"), "UPDATE orders SET a = ?");
        assert_eq!(abbreviate("SELECT 1"), "SELECT 1");
        let sql = "SELECT o.id FROM orders o WHERE o.customer_id = ? AND o.status = ?";
        assert_eq!(fit_statement(sql, 80), "SELECT … FROM orders o WHERE o.customer_id = ? AND o.status = ?");
        assert_eq!(fit_statement(sql, 30), "SELECT … WHERE o.customer_id …");
    }
}
