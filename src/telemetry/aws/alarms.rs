//! CloudWatch alarms of every type: metric alarms on one metric, metric alarms on metric math, and composite
//! alarms, from DescribeAlarms (`AlarmTypes` both, as it returns metric alarms only otherwise); their transitions
//! from DescribeAlarmHistory. Each alarm is attributed to the resources it watches, so onsets and panes link.

use std::collections::{HashMap, VecDeque};

use aws_sdk_cloudwatch::types::{AlarmType, CompositeAlarm, HistoryItemType, MetricAlarm, StateValue};
use chrono::{DateTime, Utc};
use warroom_core::model::{
    AlarmKind, AlarmState, AlarmStatus, AlarmThreshold, CappedList, EventKind, MetricKind, Observation, ResourceKind,
    Subject, TimelineEvent,
};

use super::cursor::Cursor;
use super::discovery::Inventory;
use super::problem;
use crate::aws::paging::read_pages;
use crate::aws::time::{aws_time, chrono_time};
use crate::aws::{AwsError, aws_error};

/// 100 alarms a page, per name prefix.
const MAX_ALARM_PAGES: usize = 5;
/// 100 transitions a page: a thousand transitions between two polls is already more than anyone can read.
const MAX_HISTORY_PAGES: usize = 10;
/// DescribeAlarms takes at most 100 `AlarmNames`.
const NAMES_PER_CALL: usize = 100;
/// Composite alarms may nest; attribution follows children this deep.
const MAX_NESTING: usize = 5;
/// Both alarm types: without them DescribeAlarms and DescribeAlarmHistory answer for metric alarms only.
const ALL_TYPES: [AlarmType; 2] = [AlarmType::MetricAlarm, AlarmType::CompositeAlarm];

/// An alarm as DescribeAlarms gave it, before composite alarms are resolved against their children.
struct Read {
    status: AlarmStatus,
    /// A composite alarm's children, in rule order; empty for metric alarms.
    children: Vec<String>,
}

fn alarm_state(v: Option<&StateValue>) -> AlarmState {
    match v {
        Some(StateValue::Alarm) => AlarmState::Alarm,
        Some(StateValue::Ok) => AlarmState::Ok,
        _ => AlarmState::InsufficientData,
    }
}

/// "Alarm updated from OK to ALARM" → "OK → ALARM". `None` for anything that is not a change of state.
pub fn transition(summary: &str) -> Option<String> {
    let from = summary.find("from ")? + 5;
    let to = summary[from..].find(" to ")? + from;
    let (old, new) = (summary[from..to].trim(), summary[to + 4..].trim());
    (old != new).then(|| format!("{old} → {new}"))
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !value.is_empty() && !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

/// A metric alarm: on one metric (its first dimension's value is the resource), or on metric math (`Metrics`:
/// each queried metric's first dimension's value, and the returned expression).
fn metric_alarm(a: &MetricAlarm) -> Read {
    let mut resources = Vec::new();
    let kind = if a.metrics().is_empty() {
        if let Some(value) = a.dimensions().first().and_then(|d| d.value()) {
            push_unique(&mut resources, value);
        }
        AlarmKind::Metric
    } else {
        for query in a.metrics() {
            let dimensions = query.metric_stat().and_then(|s| s.metric()).map(|m| m.dimensions()).unwrap_or_default();
            if let Some(value) = dimensions.first().and_then(|d| d.value()) {
                push_unique(&mut resources, value);
            }
        }
        let returned = a.metrics().iter().find(|q| q.return_data().unwrap_or(false)).or(a.metrics().first());
        let expression = returned.and_then(|q| q.expression().or(q.id())).unwrap_or_default().to_string();
        AlarmKind::MetricMath { expression }
    };
    Read {
        status: AlarmStatus {
            name: a.alarm_name().unwrap_or_default().to_string(),
            kind,
            state: alarm_state(a.state_value()),
            since: a.state_updated_timestamp().map(chrono_time).unwrap_or_default(),
            resources,
            reason: a.state_reason().unwrap_or_default().to_string(),
            threshold: alarm_threshold(a),
        },
        children: Vec::new(),
    }
}

/// The alarm's line when it watches one of warroom's breach metrics, greater-than: AWS/SQS
/// ApproximateAgeOfOldestMessage, AWS/RDS (or DocDB, Neptune) CPUUtilization. A less-than alarm, metric math
/// or another metric sets no threshold.
fn alarm_threshold(a: &MetricAlarm) -> Option<AlarmThreshold> {
    use aws_sdk_cloudwatch::types::ComparisonOperator as Op;
    let above = matches!(a.comparison_operator(), Some(Op::GreaterThanThreshold | Op::GreaterThanOrEqualToThreshold));
    let metric = match (a.namespace()?, a.metric_name()?) {
        ("AWS/SQS", "ApproximateAgeOfOldestMessage") => MetricKind::QueueAge,
        ("AWS/RDS" | "AWS/DocDB" | "AWS/Neptune", "CPUUtilization") => MetricKind::DbCpu,
        _ => return None,
    };
    (above && a.metrics().is_empty()).then_some(AlarmThreshold { metric, value: a.threshold()? })
}

/// A composite alarm, its children named but not yet resolved.
fn composite_alarm(a: &CompositeAlarm) -> Read {
    let rule = a.alarm_rule().unwrap_or_default().to_string();
    let children = rule_children(&rule);
    Read {
        status: AlarmStatus {
            name: a.alarm_name().unwrap_or_default().to_string(),
            kind: AlarmKind::Composite { rule, children: Vec::new() },
            state: alarm_state(a.state_value()),
            since: a.state_updated_timestamp().map(chrono_time).unwrap_or_default(),
            resources: Vec::new(),
            reason: a.state_reason().unwrap_or_default().to_string(),
            threshold: None,
        },
        children,
    }
}

/// The alarms an `AlarmRule` names, in rule order without repeats: the arguments of `ALARM(…)`, `OK(…)` and
/// `INSUFFICIENT_DATA(…)`, and the list of `AT_LEAST(M, STATE, (a, b, …))`; quoted or not, by name or by ARN
/// (`arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME` gives NAME).
pub fn rule_children(rule: &str) -> Vec<String> {
    let tokens = tokenize(rule);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i] {
            Token::Word("ALARM" | "OK" | "INSUFFICIENT_DATA") => {
                if let (Some(Token::Open), Some(Token::Word(name) | Token::Quoted(name)), Some(Token::Close)) =
                    (tokens.get(i + 1), tokens.get(i + 2), tokens.get(i + 3))
                {
                    push_unique(&mut out, alarm_name(name));
                    i += 3;
                }
            }
            Token::Word("AT_LEAST") => {
                // AT_LEAST ( M , STATE , ( names ) ): the names are everything inside the inner parentheses.
                let list = tokens[i..].iter().skip(1).position(|t| *t == Token::Open).and_then(|first| {
                    tokens[i + 2 + first..].iter().position(|t| *t == Token::Open).map(|inner| i + 3 + first + inner)
                });
                if let Some(start) = list {
                    let mut j = start;
                    while let Some(token @ (Token::Word(_) | Token::Quoted(_) | Token::Comma)) = tokens.get(j) {
                        if let Token::Word(name) | Token::Quoted(name) = token {
                            push_unique(&mut out, alarm_name(name));
                        }
                        j += 1;
                    }
                    i = j;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// An alarm ARN's name part; a name as it is.
fn alarm_name(reference: &str) -> &str {
    match reference.strip_prefix("arn:") {
        Some(_) => reference.split_once(":alarm:").map_or(reference, |(_, name)| name),
        None => reference,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token<'a> {
    Word(&'a str),
    Quoted(&'a str),
    Open,
    Close,
    Comma,
}

/// Words (anything up to whitespace, a parenthesis or a comma, so ARNs stay whole), double-quoted strings and
/// punctuation.
fn tokenize(rule: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = rule;
    while let Some(c) = rest.chars().next() {
        let (token, len) = match c {
            '(' => (Some(Token::Open), 1),
            ')' => (Some(Token::Close), 1),
            ',' => (Some(Token::Comma), 1),
            '"' => {
                let end = rest[1..].find('"').map_or(rest.len(), |e| e + 1);
                (Some(Token::Quoted(&rest[1..end])), (end + 1).min(rest.len()))
            }
            c if c.is_whitespace() => (None, c.len_utf8()),
            _ => {
                let end =
                    rest.find(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | '"')).unwrap_or(rest.len());
                (Some(Token::Word(&rest[..end])), end)
            }
        };
        out.extend(token);
        rest = &rest[len..];
    }
    out
}

/// Each composite alarm's children with their states, and the resources of the metric alarms under it (through
/// nested composites, breadth first so the rule's order holds), from the alarms read.
fn resolve(read: &mut [Read], extra: &HashMap<String, Read>) {
    let by_name: HashMap<String, (AlarmState, Vec<String>, Vec<String>)> = read
        .iter()
        .chain(extra.values())
        .map(|r| (r.status.name.clone(), (r.status.state, r.status.resources.clone(), r.children.clone())))
        .collect();
    for alarm in read.iter_mut() {
        let AlarmKind::Composite { children, .. } = &mut alarm.status.kind else { continue };
        *children = alarm.children.iter().map(|c| (c.clone(), by_name.get(c).map(|(s, _, _)| *s))).collect();
        let mut pending: VecDeque<(String, usize)> = alarm.children.iter().map(|c| (c.clone(), 1)).collect();
        let mut seen: Vec<String> = vec![alarm.status.name.clone()];
        while let Some((name, depth)) = pending.pop_front() {
            if seen.contains(&name) || depth > MAX_NESTING {
                continue;
            }
            seen.push(name.clone());
            let Some((_, resources, grandchildren)) = by_name.get(&name) else { continue };
            for r in resources {
                push_unique(&mut alarm.status.resources, r);
            }
            pending.extend(grandchildren.iter().map(|g| (g.clone(), depth + 1)));
        }
    }
}

/// cloudwatch:DescribeAlarms (per name prefix, both alarm types; the children of composite alarms that the
/// prefixes leave out by name, 100 a call) and DescribeAlarmHistory over `cursor`'s window (from `first` on the
/// first read, to `now`): every watched alarm's state, and its transitions into the timeline.
pub async fn poll_alarms(
    cloudwatch: &aws_sdk_cloudwatch::Client,
    inventory: &Inventory,
    cursor: &mut Cursor,
    first: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<Observation> {
    let mut out = Vec::new();
    let named = &inventory.alarm_names;
    // Every alarm only when nothing narrows the list; then (and per prefix) the page cap may cut it, and says so.
    let prefixes: Vec<Option<&str>> = match (inventory.alarm_prefixes.is_empty(), named.is_empty()) {
        (true, true) => vec![None],
        _ => inventory.alarm_prefixes.iter().map(|p| Some(p.as_str())).collect(),
    };
    let mut read: Vec<Read> = Vec::new();
    let mut cut = false;
    for prefix in prefixes {
        let alarms = cloudwatch
            .describe_alarms()
            .set_alarm_name_prefix(prefix.map(str::to_string))
            .set_alarm_types(Some(ALL_TYPES.to_vec()))
            .max_records(100)
            .into_paginator()
            .send();
        let pages = read_pages("cloudwatch:DescribeAlarms", alarms, MAX_ALARM_PAGES).await;
        cut |= pages.cut(MAX_ALARM_PAGES, |p| p.next_token().is_some_and(|t| !t.is_empty()));
        for page in &pages.pages {
            read.extend(page.metric_alarms().iter().map(metric_alarm));
            read.extend(page.composite_alarms().iter().map(composite_alarm));
        }
        if let Some(e) = pages.error {
            out.push(problem(Subject::Alarms, None, e));
        }
    }
    let shown = read.len();
    // Named alarms by name, however many the account has.
    let wanted: Vec<String> = named.iter().filter(|n| !read.iter().any(|r| r.status.name == **n)).cloned().collect();
    match by_name(cloudwatch, &wanted).await {
        Ok(found) => {
            for name in wanted.iter().filter(|n| !found.iter().any(|r| r.status.name == **n)) {
                out.push(Observation::Missing { kind: ResourceKind::Alarm, name: name.clone() });
            }
            read.extend(found);
        }
        Err(e) => out.push(problem(Subject::Alarms, None, e)),
    }
    out.push(Observation::Capped { list: CappedList::Alarms, shown: cut.then_some(shown) });
    let extra = read_children(cloudwatch, &read, &mut out).await;
    resolve(&mut read, &extra);
    let names: Vec<String> = read.iter().map(|r| r.status.name.clone()).collect();
    out.extend(read.into_iter().map(|r| Observation::Alarm(r.status)));
    out.extend(history(cloudwatch, &names, cursor, (first, now)).await);
    out
}

/// cloudwatch:DescribeAlarms by `AlarmNames`, both types, 100 names a call: the alarms AWS has of `names`.
async fn by_name(cloudwatch: &aws_sdk_cloudwatch::Client, names: &[String]) -> Result<Vec<Read>, AwsError> {
    let mut out = Vec::new();
    for chunk in names.chunks(NAMES_PER_CALL) {
        let page = cloudwatch
            .describe_alarms()
            .set_alarm_names(Some(chunk.to_vec()))
            .set_alarm_types(Some(ALL_TYPES.to_vec()))
            .max_records(100)
            .send()
            .await
            .map_err(|e| aws_error("cloudwatch:DescribeAlarms", e))?;
        out.extend(page.metric_alarms().iter().map(metric_alarm));
        out.extend(page.composite_alarms().iter().map(composite_alarm));
    }
    Ok(out)
}

/// Children of composite alarms that the prefixes did not return, read by name (and their own children, to
/// the nesting bound), for their states and resources. They are not shown as alarms of their own.
async fn read_children(
    cloudwatch: &aws_sdk_cloudwatch::Client,
    read: &[Read],
    out: &mut Vec<Observation>,
) -> HashMap<String, Read> {
    let mut extra: HashMap<String, Read> = HashMap::new();
    let mut wanted: Vec<String> = read.iter().flat_map(|r| r.children.iter().cloned()).collect();
    for _ in 0..MAX_NESTING {
        wanted.retain(|name| !read.iter().any(|r| r.status.name == *name) && !extra.contains_key(name));
        wanted.sort();
        wanted.dedup();
        if wanted.is_empty() {
            break;
        }
        match by_name(cloudwatch, &wanted).await {
            Ok(found) => {
                wanted = found.iter().flat_map(|r| r.children.iter().cloned()).collect();
                extra.extend(found.into_iter().map(|r| (r.status.name.clone(), r)));
            }
            Err(e) => {
                out.push(problem(Subject::Alarms, None, e));
                break;
            }
        }
    }
    extra
}

/// How long after a transition DescribeAlarmHistory may first list it: each read reaches this far back.
pub const ALARM_HISTORY_LAG: chrono::Duration = chrono::Duration::minutes(5);

/// DescribeAlarmHistory over the cursor's window (newest first, read back over `ALARM_HISTORY_LAG`), both alarm
/// types: the state changes of the alarms in `names`, each once; and whether the page cap cut the list.
async fn history(
    cloudwatch: &aws_sdk_cloudwatch::Client,
    names: &[String],
    cursor: &mut Cursor,
    (first, now): (DateTime<Utc>, DateTime<Utc>),
) -> Vec<Observation> {
    let window = cursor.window(first, now);
    let history = cloudwatch
        .describe_alarm_history()
        .history_item_type(HistoryItemType::StateUpdate)
        .set_alarm_types(Some(ALL_TYPES.to_vec()))
        .start_date(aws_time(window.0))
        .end_date(aws_time(window.1))
        .max_records(100)
        .into_paginator()
        .send();
    let read = read_pages("cloudwatch:DescribeAlarmHistory", history, MAX_HISTORY_PAGES).await;
    let cut = read.cut(MAX_HISTORY_PAGES, |p| p.next_token().is_some_and(|t| !t.is_empty()));
    let items: Vec<_> = read.pages.iter().flat_map(|p| p.alarm_history_items()).collect();
    let times: Vec<DateTime<Utc>> = items.iter().filter_map(|i| i.timestamp().map(chrono_time)).collect();
    let mut out = Vec::new();
    for item in &items {
        let name = item.alarm_name().unwrap_or_default();
        if !names.iter().any(|n| n == name) {
            continue;
        }
        // Only real transitions: creation and configuration updates are not state changes.
        let summary = item.history_summary().unwrap_or_default();
        let Some(change) = transition(summary) else { continue };
        let at = item.timestamp().map(chrono_time).unwrap_or_default();
        // History items carry no id: the alarm, the time and the summary are one transition.
        if !cursor.admit(format!("{name} {at} {summary}"), at) {
            continue;
        }
        out.push(Observation::Event(TimelineEvent {
            at,
            kind: EventKind::Alarm,
            resource: None,
            text: format!("{name}: {change}"),
            actor: None,
        }));
    }
    cursor.finish_read(window, read.error.is_some(), cut, &times);
    out.push(Observation::Capped { list: CappedList::AlarmTransitions, shown: cut.then_some(items.len()) });
    if let Some(e) = read.error {
        out.push(problem(Subject::Alarms, None, e));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_read_from_history_summaries() {
        assert_eq!(transition("Alarm updated from OK to ALARM").as_deref(), Some("OK → ALARM"));
        assert_eq!(transition("Alarm updated from ALARM to OK").as_deref(), Some("ALARM → OK"));
        assert_eq!(transition("Alarm created"), None);
        assert_eq!(transition("Alarm updated from INSUFFICIENT_DATA to INSUFFICIENT_DATA"), None);
    }

    #[test]
    fn a_rule_names_its_children_quoted_unquoted_by_arn_and_in_at_least() {
        assert_eq!(rule_children(r#"ALARM("orders-age") OR ALARM("db cpu")"#), ["orders-age", "db cpu"]);
        assert_eq!(
            rule_children("ALARM(arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-age) AND NOT OK(cpu)"),
            ["orders-age", "cpu"]
        );
        assert_eq!(
            rule_children(r#"(ALARM(a) OR INSUFFICIENT_DATA("b")) AND AT_LEAST(2, ALARM, (c, "d", a))"#),
            ["a", "b", "c", "d"]
        );
        assert_eq!(rule_children("TRUE"), Vec::<String>::new());
        assert_eq!(rule_children("ALARM(\"unterminated"), Vec::<String>::new());
    }

    fn read(name: &str, state: AlarmState, resources: &[&str], rule: Option<&str>) -> Read {
        let (kind, children) = match rule {
            Some(rule) => (AlarmKind::Composite { rule: rule.into(), children: Vec::new() }, rule_children(rule)),
            None => (AlarmKind::Metric, Vec::new()),
        };
        Read {
            status: AlarmStatus {
                name: name.into(),
                kind,
                state,
                since: DateTime::<Utc>::MIN_UTC,
                resources: resources.iter().map(|r| r.to_string()).collect(),
                reason: String::new(),
                threshold: None,
            },
            children,
        }
    }

    #[test]
    fn a_composite_alarm_knows_its_children_states_and_their_resources_through_nesting() {
        let mut alarms = vec![
            read("page", AlarmState::Alarm, &[], Some(r#"ALARM("orders-age") OR ALARM("db")"#)),
            read("orders-age", AlarmState::Alarm, &["orders"], None),
        ];
        let extra = HashMap::from([
            ("db".to_string(), read("db", AlarmState::Ok, &[], Some("ALARM(cpu) OR ALARM(page)"))),
            ("cpu".to_string(), read("cpu", AlarmState::Ok, &["orders-db-1"], None)),
        ]);
        resolve(&mut alarms, &extra);
        let page = &alarms[0].status;
        assert_eq!(page.resources, ["orders", "orders-db-1"], "a cycle back to itself stops");
        assert_eq!(page.kind.children_in_alarm(), ["orders-age"]);
        let AlarmKind::Composite { children, .. } = &page.kind else { panic!("composite") };
        assert_eq!(children[1], ("db".to_string(), Some(AlarmState::Ok)));
    }
}
