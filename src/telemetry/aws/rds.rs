//! RDS: clusters and instances with status, engine and writer/reader roles; events (reboots, failovers,
//! configuration changes) for the watched ones into the timeline.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use warroom_core::model::{
    ClusterStatus, DbStatus, EventKind, InstanceStatus, Observation, ResourceKind, Role, Subject, TimelineEvent,
};

use super::discovery::{Inventory, cluster_ref};
use super::problem;
use crate::aws::Clients;
use crate::aws::databases;
use crate::aws::paging::{MAX_PAGES, read_pages};
use crate::aws::time::{aws_time, chrono_time};

/// Refreshes members and roles (a failover swaps them) and reports every watched cluster and instance.
/// One inventory poll of the databases: refreshed members and roles, and every watched cluster's and instance's
/// status (the last one read while a describe fails).
pub async fn poll(clients: &Clients, inventory: &mut Inventory) -> Vec<Observation> {
    let mut out = Vec::new();
    let mut cluster_status = HashMap::new();
    let mut clusters_failed = false;
    if inventory.clusters.iter().any(|c| !c.standalone()) {
        let read = databases::clusters(clients, None).await;
        for c in &read.items {
            let mut fresh = cluster_ref(c);
            if let Some(status) = c.status().filter(|s| !s.is_empty()) {
                cluster_status.insert(fresh.id.clone(), DbStatus::parse(status));
            }
            if let Some(known) = inventory.clusters.iter_mut().find(|k| k.id == fresh.id) {
                // The engine decides which reboot and failover calls apply: an answer that leaves it out must
                // not turn a known Aurora cluster into a Multi-AZ one.
                if fresh.engine.is_empty() {
                    (fresh.engine, fresh.kind) = (known.engine.clone(), known.kind);
                }
                *known = fresh;
            }
        }
        if let Some(e) = read.error {
            clusters_failed = true;
            out.push(problem(Subject::Databases, None, e));
        }
    }
    let read = databases::instances(clients, None).await;
    let statuses: HashMap<String, DbStatus> = read
        .items
        .iter()
        .filter_map(|i| {
            let id = i.db_instance_identifier()?.to_string();
            Some((id, DbStatus::parse(i.db_instance_status().filter(|s| !s.is_empty())?)))
        })
        .collect();
    let instances_failed = read.error.is_some();
    if let Some(e) = read.error {
        out.push(problem(Subject::Databases, None, e));
    }
    let remembered = &mut inventory.last_status;
    remembered.clusters.extend(cluster_status.iter().map(|(k, v)| (k.clone(), v.clone())));
    remembered.instances.extend(statuses.iter().map(|(k, v)| (k.clone(), v.clone())));
    // The remembered statuses now hold this poll's answers too: while a call fails they are the best known;
    // otherwise only this poll's answer counts, and a resource it left out is unknown.
    let remembered = &inventory.last_status;
    let (instances_known, clusters_known) = (
        if instances_failed { &remembered.instances } else { &statuses },
        if clusters_failed { &remembered.clusters } else { &cluster_status },
    );
    let status_of = |known: &HashMap<String, DbStatus>, id: &str| known.get(id).cloned().unwrap_or(DbStatus::Unknown);
    // Only a complete answer that lacks a standalone instance says it is gone.
    let missing_means_gone = !instances_failed && !statuses.is_empty();
    for c in &inventory.clusters {
        if c.standalone() && missing_means_gone && !statuses.contains_key(&c.id) {
            out.push(Observation::Missing { kind: ResourceKind::Instance, name: c.id.clone() });
            continue;
        }
        let members: Vec<InstanceStatus> = c
            .members
            .iter()
            .map(|(id, writer)| InstanceStatus {
                id: id.clone(),
                role: if *writer { Role::Writer } else { Role::Reader },
                status: status_of(instances_known, id),
            })
            .collect();
        let status = if c.standalone() {
            members.first().map_or(DbStatus::Unknown, |m| m.status.clone())
        } else {
            status_of(clusters_known, &c.id)
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

/// rds:DescribeEvents since `since`, for the watched clusters and instances, into the timeline.
pub async fn events(clients: &Clients, inventory: &Inventory, since: DateTime<Utc>) -> Vec<Observation> {
    let watched: Vec<&str> = inventory.clusters.iter().map(|c| c.id.as_str()).chain(inventory.instance_ids()).collect();
    if watched.is_empty() {
        return Vec::new();
    }
    let read = read_pages(
        "rds:DescribeEvents",
        clients.rds.describe_events().start_time(aws_time(since)).max_records(100).into_paginator().send(),
        MAX_PAGES,
    )
    .await;
    let mut out: Vec<Observation> = read
        .pages
        .iter()
        .flat_map(|p| p.events())
        .filter(|e| e.source_identifier().is_some_and(|s| watched.contains(&s)))
        .map(|e| {
            let id = e.source_identifier().unwrap_or_default();
            Observation::Event(TimelineEvent {
                at: e.date().map(chrono_time).unwrap_or_default(),
                kind: EventKind::Operation,
                resource: Some(id.to_string()),
                text: format!("RDS: {id}: {}", e.message().unwrap_or_default()),
                actor: None,
            })
        })
        .collect();
    if let Some(e) = read.error {
        out.push(problem(Subject::Databases, None, e));
    }
    out
}
