//! RDS: clusters and instances with status, engine and writer/reader roles; events (reboots, failovers,
//! configuration changes) for the watched ones into the timeline.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::cloudwatch::{aws_time, chrono_time};
use super::connect::Clients;
use super::discovery::{Inventory, cluster_ref};
use super::errors::aws_error;
use crate::model::{ClusterStatus, EventKind, InstanceStatus, Observation, ResourceKind, Role, TimelineEvent};

/// Refreshes members and roles (a failover swaps them) and reports every watched cluster and instance.
pub async fn poll(clients: &Clients, inventory: &mut Inventory) -> Vec<Observation> {
    let mut out = Vec::new();
    let mut cluster_status = HashMap::new();
    if inventory.clusters.iter().any(|c| !c.standalone()) {
        match clients.rds.describe_db_clusters().max_records(100).send().await {
            Ok(page) => {
                for c in page.db_clusters() {
                    let fresh = cluster_ref(c);
                    cluster_status.insert(fresh.id.clone(), c.status().unwrap_or_default().to_string());
                    if let Some(known) = inventory.clusters.iter_mut().find(|k| k.id == fresh.id) {
                        *known = fresh;
                    }
                }
            }
            Err(e) => out.push(Observation::Problem {
                source: "rds".into(),
                message: aws_error("rds:DescribeDBClusters", e).to_string(),
            }),
        }
    }
    let statuses: HashMap<String, String> = match clients.rds.describe_db_instances().max_records(100).send().await {
        Ok(page) => page
            .db_instances()
            .iter()
            .map(|i| {
                let id = i.db_instance_identifier().unwrap_or_default().to_string();
                (id, i.db_instance_status().unwrap_or_default().to_string())
            })
            .collect(),
        Err(e) => {
            let message = aws_error("rds:DescribeDBInstances", e).to_string();
            out.push(Observation::Problem { source: "rds".into(), message });
            HashMap::new()
        }
    };
    for c in &inventory.clusters {
        if c.standalone() && !statuses.is_empty() && !statuses.contains_key(&c.id) {
            out.push(Observation::Missing { kind: ResourceKind::Instance, name: c.id.clone() });
            continue;
        }
        let members: Vec<InstanceStatus> = c
            .members
            .iter()
            .map(|(id, writer)| InstanceStatus {
                id: id.clone(),
                role: if *writer { Role::Writer } else { Role::Reader },
                status: statuses.get(id).cloned().unwrap_or_else(|| "unknown".to_string()),
            })
            .collect();
        let status = if c.standalone() {
            members.first().map(|m| m.status.clone()).unwrap_or_default()
        } else {
            cluster_status.get(&c.id).cloned().unwrap_or_else(|| "unknown".to_string())
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

pub async fn events(clients: &Clients, inventory: &Inventory, since: DateTime<Utc>) -> Vec<Observation> {
    let watched: Vec<&str> = inventory.clusters.iter().map(|c| c.id.as_str()).chain(inventory.instance_ids()).collect();
    if watched.is_empty() {
        return Vec::new();
    }
    match clients.rds.describe_events().start_time(aws_time(since)).max_records(100).send().await {
        Ok(page) => page
            .events()
            .iter()
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
            .collect(),
        Err(e) => {
            vec![Observation::Problem { source: "rds".into(), message: aws_error("rds:DescribeEvents", e).to_string() }]
        }
    }
}
