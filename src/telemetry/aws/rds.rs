//! RDS: clusters and instances with status, engine and writer/reader roles; events (reboots, failovers,
//! configuration changes) for the watched ones into the timeline.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use warroom_core::model::{
    CappedList, ClusterStatus, DbStatus, EventKind, InstanceStatus, Observation, ResourceKind, Role, Subject,
    TimelineEvent, vcpus_of_class,
};

use super::cursor::Cursor;
use super::discovery::{Inventory, cluster_ref};
use super::insights::PiInstance;
use super::problem;
use crate::aws::Clients;
use crate::aws::databases::{self, Kind};
use crate::aws::paging::{MAX_PAGES, read_pages};
use crate::aws::time::{aws_time, chrono_time};

/// One inventory poll of the databases: refreshed members and roles (a failover swaps them), and every watched
/// cluster's and instance's status, read by identifier (`databases::named`). A cluster or instance whose read
/// fails keeps its last status, with a problem that names it; the others are unaffected.
pub async fn poll(clients: &Clients, inventory: &mut Inventory) -> Vec<Observation> {
    let mut out = Vec::new();
    let cluster_ids: Vec<String> =
        inventory.clusters.iter().filter(|c| !c.standalone()).map(|c| c.id.clone()).collect();
    let mut cluster_status = HashMap::new();
    let mut failed: HashSet<String> = HashSet::new();
    if !cluster_ids.is_empty() {
        let read = databases::named(clients, Kind::Clusters, &cluster_ids).await.clusters();
        for c in &read.items {
            let mut fresh = cluster_ref(c);
            if let Some(status) = c.status().filter(|s| !s.is_empty()) {
                cluster_status.insert(fresh.id.clone(), DbStatus::parse(status));
            }
            if let Some(known) = inventory.clusters.iter_mut().find(|k| k.id == fresh.id) {
                // The engine decides which reboot and failover calls apply: an answer that leaves it out must
                // not turn a known Aurora cluster into another kind.
                if fresh.engine.is_empty() {
                    (fresh.engine, fresh.kind) = (known.engine.clone(), known.kind);
                }
                *known = fresh;
            }
        }
        for (id, e) in read.failed {
            out.push(problem(Subject::Databases, Some(&id), e));
            failed.insert(id);
        }
    }
    let instance_ids: Vec<String> = inventory.instance_ids().map(str::to_string).collect();
    let read = databases::named(clients, Kind::Instances, &instance_ids).await.instances();
    let statuses: HashMap<String, DbStatus> = read
        .items
        .iter()
        .filter_map(|i| {
            let id = i.db_instance_identifier()?.to_string();
            Some((id, DbStatus::parse(i.db_instance_status().filter(|s| !s.is_empty())?)))
        })
        .collect();
    for (id, e) in read.failed {
        out.push(problem(Subject::Databases, Some(&id), e));
        failed.insert(id);
    }
    out.extend(insights_of(&read.items, inventory));
    let remembered = &mut inventory.last_status;
    remembered.clusters.extend(cluster_status.iter().map(|(k, v)| (k.clone(), v.clone())));
    remembered.instances.extend(statuses.iter().map(|(k, v)| (k.clone(), v.clone())));
    // The remembered statuses now hold this poll's answers too: while a resource's read fails they are the best
    // known; otherwise only this poll's answer counts, and a resource it left out is unknown.
    let remembered = &inventory.last_status;
    let status_of = |known: &HashMap<String, DbStatus>, now: &HashMap<String, DbStatus>, id: &str| {
        let source = if failed.contains(id) { known } else { now };
        source.get(id).cloned().unwrap_or(DbStatus::Unknown)
    };
    for c in &inventory.clusters {
        // Read by identifier: an instance the answer lacks is gone, unless its read failed.
        if c.standalone() && !failed.contains(&c.id) && !statuses.contains_key(&c.id) {
            out.push(Observation::Missing { kind: ResourceKind::Instance, name: c.id.clone() });
            continue;
        }
        let members: Vec<InstanceStatus> = c
            .members
            .iter()
            .map(|(id, writer)| InstanceStatus {
                id: id.clone(),
                role: if *writer { Role::Writer } else { Role::Reader },
                status: status_of(&remembered.instances, &statuses, id),
            })
            .collect();
        let status = if c.standalone() {
            members.first().map_or(DbStatus::Unknown, |m| m.status.clone())
        } else {
            status_of(&remembered.clusters, &cluster_status, &c.id)
        };
        out.push(Observation::Cluster(ClusterStatus {
            id: c.id.clone(),
            engine: c.engine.clone(),
            kind: c.kind,
            status,
            members,
        }));
    }
    out
}

/// Whether Performance Insights is on for each instance read (`PerformanceInsightsEnabled`, `DbiResourceId`) and
/// its vCPUs (from `DBInstanceClass`); those with it on become the instances the metrics poll asks pi about.
fn insights_of(instances: &[aws_sdk_rds::types::DbInstance], inventory: &mut Inventory) -> Vec<Observation> {
    let mut out = Vec::new();
    for i in instances {
        let Some(id) = i.db_instance_identifier() else { continue };
        let resource_id = i.dbi_resource_id().filter(|r| !r.is_empty());
        let on = i.performance_insights_enabled().unwrap_or(false) && resource_id.is_some();
        inventory.insights.retain(|p| p.id != id);
        if let (true, Some(resource_id)) = (on, resource_id) {
            inventory.insights.push(PiInstance { id: id.to_string(), resource_id: resource_id.to_string() });
        }
        out.push(Observation::Insights {
            instance: id.to_string(),
            enabled: on,
            vcpus: i.db_instance_class().and_then(vcpus_of_class),
        });
    }
    out
}

/// How long after its time an RDS event may first be listed: each read reaches this far back past the last.
pub const RDS_EVENTS_LAG: chrono::Duration = chrono::Duration::minutes(5);

/// rds:DescribeEvents over the cursor's window (oldest first, read back over `RDS_EVENTS_LAG`), for the
/// watched clusters and instances, into the timeline once each; and whether the page cap cut the list.
pub async fn events(
    clients: &Clients,
    inventory: &Inventory,
    cursor: &mut Cursor,
    first: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<Observation> {
    let watched: Vec<&str> = inventory.clusters.iter().map(|c| c.id.as_str()).chain(inventory.instance_ids()).collect();
    if watched.is_empty() {
        return Vec::new();
    }
    let window = cursor.window(first, now);
    let request = clients
        .rds
        .describe_events()
        .start_time(aws_time(window.0))
        .end_time(aws_time(window.1))
        .max_records(100)
        .into_paginator()
        .send();
    let read = read_pages("rds:DescribeEvents", request, MAX_PAGES).await;
    let cut = read.cut(MAX_PAGES, |p| p.marker().is_some_and(|m| !m.is_empty()));
    let events: Vec<&aws_sdk_rds::types::Event> = read.pages.iter().flat_map(|p| p.events()).collect();
    let times: Vec<DateTime<Utc>> = events.iter().filter_map(|e| e.date().map(chrono_time)).collect();
    let mut out = Vec::new();
    for e in events.iter().filter(|e| e.source_identifier().is_some_and(|s| watched.contains(&s))) {
        let id = e.source_identifier().unwrap_or_default();
        let at = e.date().map(chrono_time).unwrap_or_default();
        let message = e.message().unwrap_or_default();
        // DescribeEvents gives no event id: the source, the time and the message are one event.
        if !cursor.admit(format!("{id} {at} {message}"), at) {
            continue;
        }
        out.push(Observation::Event(TimelineEvent {
            at,
            kind: EventKind::Event,
            resource: Some(id.to_string()),
            text: format!("RDS: {id}: {message}"),
            actor: None,
        }));
    }
    cursor.finish_read(window, read.error.is_some(), cut, &times);
    out.push(Observation::Capped { list: CappedList::DatabaseEvents, shown: cut.then_some(events.len()) });
    if let Some(e) = read.error {
        out.push(problem(Subject::Databases, None, e));
    }
    out
}
