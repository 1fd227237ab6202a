//! CloudTrail `LookupEvents`: management calls on the watched resources by anyone — a function's code or alias
//! changed by hand, a parameter group modified, a queue's attributes set — with who made them, into the
//! timeline, where they take part in the suspect ranking. One paged call per poll for write events only
//! (LookupEvents takes one attribute, and allows two calls a second per account).
//! An account or emulator without CloudTrail simply shows no such changes.

use chrono::{DateTime, Utc};

use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use warroom_core::model::{EventKind, Observation, Subject, TimelineEvent};

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

/// cloudtrail:LookupEvents since `since`: write calls on the watched resources, with who made them.
pub async fn changes(clients: &Clients, inventory: &Inventory, since: DateTime<Utc>) -> Vec<Observation> {
    let watched = watched_names(inventory);
    if watched.is_empty() {
        return Vec::new();
    }
    let writes =
        LookupAttribute::builder().attribute_key(LookupAttributeKey::ReadOnly).attribute_value("false").build();
    let Ok(writes) = writes else { return Vec::new() };
    let request = clients
        .cloudtrail
        .lookup_events()
        .lookup_attributes(writes)
        .start_time(aws_time(since))
        .max_results(50)
        .into_paginator()
        .send();
    let read = read_pages("cloudtrail:LookupEvents", request, MAX_PAGES).await;
    let mut out: Vec<Observation> = read
        .pages
        .iter()
        .flat_map(|p| p.events())
        .filter_map(|e| {
            let resource = resource_of(e, &watched)?;
            let name = plain_name(e.event_name().unwrap_or("a call"));
            if NOT_CHANGES.contains(&name) {
                return None;
            }
            Some(Observation::Event(TimelineEvent {
                at: e.event_time().map(chrono_time).unwrap_or_default(),
                kind: EventKind::Change,
                resource: Some(resource.to_string()),
                text: format!("CloudTrail: {name} on {resource}"),
                actor: Some(e.username().unwrap_or("unknown").to_string()),
            }))
        })
        .collect();
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
    use super::plain_name;

    #[test]
    fn lambda_api_versions_are_dropped_from_event_names() {
        assert_eq!(plain_name("UpdateFunctionConfiguration20150331v2"), "UpdateFunctionConfiguration");
        assert_eq!(plain_name("UpdateAlias20150331"), "UpdateAlias");
        assert_eq!(plain_name("ModifyDBCluster"), "ModifyDBCluster");
    }
}
