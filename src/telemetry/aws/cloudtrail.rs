//! CloudTrail `LookupEvents`: management calls on the watched resources by anyone — a function's code or alias
//! changed by hand, a parameter group modified, a queue's attributes set — with who made them, into the
//! timeline, where they take part in the suspect ranking. One paged call per poll for write events only
//! (LookupEvents takes one attribute), its pages paced under its quota of two calls a second per account and
//! region, read back over CloudTrail's delivery lag (`CLOUDTRAIL_LAG`).
//! An account or emulator without CloudTrail simply shows no such changes.

use chrono::{DateTime, Utc};

use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use warroom_core::model::{
    AliasMove, CODE_CALLS, CappedList, EventKind, MoveSource, Observation, Subject, TimelineEvent, cloudtrail_text,
};

use super::cursor::Cursor;
use super::discovery::Inventory;
use super::problem;
use crate::aws::paging::read_pages;
use crate::aws::time::{aws_time, chrono_time};
use crate::aws::{AwsErrorKind, Clients};

/// Data-plane calls are not changes (real CloudTrail keeps them out of LookupEvents; an emulator may not).
const NOT_CHANGES: [&str; 8] = [
    "SendMessage",
    "SendMessageBatch",
    "ReceiveMessage",
    "DeleteMessage",
    "DeleteMessageBatch",
    "ChangeMessageVisibility",
    "Invoke",
    "PutMetricData",
];

/// How AWS names its read calls. CloudTrail marks reads (`readOnly` in the event) and a `ReadOnly=false` lookup
/// leaves them out; an emulator may record them anyway, warroom's own polls among them (`FilterLogEvents` on a
/// consumer's log group names the consumer).
const READ_PREFIXES: [&str; 6] = ["Get", "List", "Describe", "Filter", "Lookup", "Head"];

/// Whether a recorded call is a read or a data-plane call rather than a change: by its name, or the event's own
/// `"readOnly": true`.
fn is_read(name: &str, detail: &str) -> bool {
    NOT_CHANGES.contains(&name)
        || READ_PREFIXES.iter().any(|p| name.strip_prefix(p).is_some_and(|rest| rest.starts_with(char::is_uppercase)))
        || serde_json::from_str::<serde_json::Value>(detail)
            .is_ok_and(|e| e.get("readOnly").and_then(serde_json::Value::as_bool) == Some(true))
}

/// How long after its time an event may first become visible to LookupEvents: AWS delivers most within about
/// five minutes and guarantees no bound, so each read reaches this far back past the last one.
pub const CLOUDTRAIL_LAG: chrono::Duration = chrono::Duration::minutes(15);

/// 50 events a page: a few hundred write calls a poll are already more than a quiet account makes in an hour.
const MAX_PAGES: usize = 6;

/// The watched names a CloudTrail event may mention: queues, DLQs, functions, clusters and instances.
fn watched_names(inventory: &Inventory) -> Vec<&str> {
    let queues = inventory.queues.iter().chain(&inventory.dlqs).map(|q| q.name.as_str());
    let functions = inventory.functions.iter().map(|f| f.name.as_str());
    let clusters = inventory.clusters.iter().map(|c| c.id.as_str());
    queues.chain(functions).chain(clusters).chain(inventory.instance_ids()).collect()
}

/// The watched resource an event is about: one it names among its resources, or in its request parameters
/// (Lambda names the function there; SQS the queue URL).
fn resource_of<'a>(event: &aws_sdk_cloudtrail::types::Event, watched: &[&'a str]) -> Option<&'a str> {
    let named = event.resources().iter().filter_map(|r| r.resource_name());
    for name in named {
        if let Some(w) =
            watched.iter().find(|w| name == **w || name.ends_with(&format!(":{w}")) || name.ends_with(&format!("/{w}")))
        {
            return Some(w);
        }
    }
    let detail = event.cloud_trail_event().unwrap_or_default();
    watched.iter().copied().find(|w| {
        ["\"functionName\":\"", "\"dBClusterIdentifier\":\"", "\"dBInstanceIdentifier\":\""]
            .iter()
            .any(|key| detail.contains(&format!("{key}{w}\"")))
            || detail.contains(&format!("/{w}\""))
    })
}

/// Lambda's CloudTrail names carry the API version: "UpdateFunctionConfiguration20150331v2" reads as
/// "UpdateFunctionConfiguration".
fn plain_name(name: &str) -> &str {
    let bytes = name.as_bytes();
    let cut = (1..bytes.len()).find(|&i| bytes.len() - i >= 8 && bytes[i..i + 8].iter().all(u8::is_ascii_digit));
    cut.map_or(name, |i| &name[..i])
}

/// The alias move an `UpdateAlias` or `CreateAlias` event records (its `requestParameters`: `name`, the alias,
/// and `functionVersion`, the version it now points to; the previous version is not in the event). `None` for
/// other calls and for an event without those fields.
fn alias_move(name: &str, detail: &str, function: &str, at: DateTime<Utc>, actor: &str) -> Option<AliasMove> {
    if !matches!(name, "UpdateAlias" | "CreateAlias") {
        return None;
    }
    let event: serde_json::Value = serde_json::from_str(detail).ok()?;
    let request = event.get("requestParameters")?;
    // CloudTrail writes the parameters camelCase (`functionVersion`); an emulator may record the request body
    // as sent (`FunctionVersion`).
    let field = |key: &str| {
        let upper: String = key.chars().take(1).flat_map(char::to_uppercase).chain(key.chars().skip(1)).collect();
        [key, upper.as_str()]
            .into_iter()
            .find_map(|k| request.get(k).and_then(|v| v.as_str()).filter(|v| !v.is_empty()))
    };
    // UpdateAlias may leave the version as it was (a routing or description change): then nothing moved.
    let to = field("functionVersion")?;
    Some(AliasMove {
        function: function.to_string(),
        alias: field("name")?.to_string(),
        from: None,
        to: to.to_string(),
        at,
        source: MoveSource::CloudTrail,
        actor: Some(actor.to_string()),
        place: None,
    })
}

/// cloudtrail:LookupEvents over the cursor's window (paced under the quota, read back over CloudTrail's
/// delivery lag): write calls on the watched resources not passed on before, with who made them; and whether
/// the page cap cut the list.
pub async fn changes(
    clients: &Clients,
    inventory: &Inventory,
    cursor: &mut Cursor,
    first: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<Observation> {
    let watched = watched_names(inventory);
    if watched.is_empty() {
        return Vec::new();
    }
    let writes =
        LookupAttribute::builder().attribute_key(LookupAttributeKey::ReadOnly).attribute_value("false").build();
    let Ok(writes) = writes else { return Vec::new() };
    let window = cursor.window(first, now);
    let request = clients
        .cloudtrail
        .lookup_events()
        .lookup_attributes(writes)
        .start_time(aws_time(window.0))
        .end_time(aws_time(window.1))
        .max_results(50)
        .into_paginator()
        .send();
    // Each page is a call, held under LookupEvents' quota by the budget.
    let read = read_pages("cloudtrail:LookupEvents", request, MAX_PAGES).await;
    let cut = read.cut(MAX_PAGES, |p| p.next_token().is_some_and(|t| !t.is_empty()));
    let mut events: Vec<&aws_sdk_cloudtrail::types::Event> = read.pages.iter().flat_map(|p| p.events()).collect();
    // Oldest first (LookupEvents lists newest first): alias moves are then recorded in the order they happened,
    // so →1, →2, →1 again stay three moves.
    events.sort_by_key(|e| e.event_time().map(chrono_time));
    let times: Vec<DateTime<Utc>> = events.iter().filter_map(|e| e.event_time().map(chrono_time)).collect();
    let mut out: Vec<Observation> = Vec::new();
    for e in &events {
        let Some(resource) = resource_of(e, &watched) else { continue };
        let name = plain_name(e.event_name().unwrap_or("a call"));
        let at = e.event_time().map(chrono_time).unwrap_or_default();
        let id = e.event_id().map_or_else(|| format!("{name} {at} {resource}"), str::to_string);
        // A consumer's log group is named after it, but what is written there is its output, not a change to it.
        let logs = e.event_source() == Some("logs.amazonaws.com");
        if logs || is_read(name, e.cloud_trail_event().unwrap_or_default()) || !cursor.admit(id, at) {
            continue;
        }
        let actor = e.username().unwrap_or("unknown").to_string();
        // An alias call is a move of the alias: merged with what the polls and the journal saw of it.
        if let Some(moved) = alias_move(name, e.cloud_trail_event().unwrap_or_default(), resource, at, &actor) {
            out.push(Observation::AliasMoved(moved));
            continue;
        }
        // New code or configuration for a function is a deploy, whatever wires it (one a poll of `$LATEST` also
        // saw is merged with it); every other write call is a change.
        let kind = if CODE_CALLS.contains(&name) { EventKind::Deploy } else { EventKind::Change };
        out.push(Observation::Event(TimelineEvent {
            at,
            kind,
            resource: Some(resource.to_string()),
            text: cloudtrail_text(name, resource),
            actor: Some(actor),
        }));
    }
    cursor.finish_read(window, read.error.is_some(), cut, &times);
    out.push(Observation::Capped { list: CappedList::Changes, shown: cut.then_some(events.len()) });
    match read.error {
        // No CloudTrail here (not allowed, or not offered): the timeline just has no management calls.
        Some(e) if matches!(e.kind, AwsErrorKind::AccessDenied | AwsErrorKind::Unsupported) => {}
        Some(e) => out.push(problem(Subject::Changes, None, e)),
        None => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{alias_move, is_read, plain_name};

    #[test]
    fn an_emulators_request_body_reads_as_cloudtrails_parameters() {
        let detail = r#"{"requestParameters": {"Name": "live", "FunctionVersion": "2"}}"#;
        let moved = alias_move("CreateAlias", detail, "orders-consumer", chrono::Utc::now(), "test").expect("a move");
        assert_eq!((moved.alias.as_str(), moved.to.as_str()), ("live", "2"));
    }

    #[test]
    fn reads_recorded_by_an_emulator_are_not_changes() {
        assert!(is_read("FilterLogEvents", "{}"), "warroom's own log reads");
        assert!(is_read("GetQueueAttributes", ""));
        assert!(is_read("DescribeDBClusters", "{}"));
        assert!(is_read("ReceiveMessage", "{}"));
        assert!(is_read("PutLogEvents", r#"{"readOnly": true}"#), "the event says so");
        assert!(!is_read("UpdateAlias", r#"{"readOnly": false}"#));
        assert!(!is_read("RebootDBInstance", "{}"));
        assert!(!is_read("Listener", "{}"), "a prefix is a word");
        assert!(!is_read("SetQueueAttributes", "not json"));
    }

    #[test]
    fn alias_calls_are_moves_with_who_made_them() {
        // The shape of AWS's documented Lambda CloudTrail entries: camelCase request parameters.
        let update = r#"{"eventName":"UpdateAlias20150331","requestParameters":{"functionName":"checkout-worker","name":"prod","functionVersion":"2"}}"#;
        let at = chrono::Utc::now();
        let moved = alias_move("UpdateAlias", update, "checkout-worker", at, "alice").expect("a move");
        assert_eq!((moved.alias.as_str(), moved.to.as_str(), moved.from), ("prod", "2", None));
        assert_eq!(moved.actor.as_deref(), Some("alice"));
        let description_only =
            r#"{"requestParameters":{"functionName":"checkout-worker","name":"prod","description":"x"}}"#;
        assert!(alias_move("UpdateAlias", description_only, "checkout-worker", at, "alice").is_none());
        assert!(alias_move("PublishVersion", update, "checkout-worker", at, "alice").is_none());
    }

    #[test]
    fn lambda_api_versions_are_dropped_from_event_names() {
        assert_eq!(plain_name("UpdateFunctionConfiguration20150331v2"), "UpdateFunctionConfiguration");
        assert_eq!(plain_name("UpdateAlias20150331"), "UpdateAlias");
        assert_eq!(plain_name("ModifyDBCluster"), "ModifyDBCluster");
    }
}
