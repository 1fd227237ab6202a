//! RDS describes, shared by discovery, the inventory poll and the operator's verification: every DB cluster or
//! instance (or one, by identifier), 100 records a page, at most `MAX_PAGES` pages.

use aws_sdk_rds::types::{DbCluster, DbInstance, Filter};

use super::connect::Clients;
use super::errors::{AwsError, AwsErrorKind};
use super::paging::{MAX_PAGES, read_pages};

/// What a bounded, paged describe returned: every item of the pages read, and the error that cut it short.
pub struct Listed<T> {
    /// The items, in AWS's order.
    pub items: Vec<T>,
    /// The failure that stopped the reading, if one did (the items read before it are kept).
    pub error: Option<AwsError>,
}

/// rds:DescribeDBClusters: every cluster, or only `id` (then a missing cluster is a NotFound error).
pub async fn clusters(clients: &Clients, only: Option<&str>) -> Listed<DbCluster> {
    let request =
        clients.rds.describe_db_clusters().max_records(100).set_db_cluster_identifier(only.map(str::to_string));
    let read = read_pages("rds:DescribeDBClusters", request.into_paginator().send(), MAX_PAGES).await;
    Listed {
        items: read.pages.into_iter().flat_map(|p| p.db_clusters.unwrap_or_default()).collect(),
        error: read.error,
    }
}

/// rds:DescribeDBInstances: every instance, or only `id`.
pub async fn instances(clients: &Clients, only: Option<&str>) -> Listed<DbInstance> {
    let request =
        clients.rds.describe_db_instances().max_records(100).set_db_instance_identifier(only.map(str::to_string));
    let read = read_pages("rds:DescribeDBInstances", request.into_paginator().send(), MAX_PAGES).await;
    Listed {
        items: read.pages.into_iter().flat_map(|p| p.db_instances.unwrap_or_default()).collect(),
        error: read.error,
    }
}

/// What an RDS event is about, as DescribeEvents' `SourceType` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventSource {
    /// `db-instance`.
    Instance,
    /// `db-cluster`.
    Cluster,
}

impl EventSource {
    /// "Instances" or "Clusters", as in the describe call's name.
    pub fn noun(self) -> &'static str {
        match self {
            EventSource::Instance => "Instances",
            EventSource::Cluster => "Clusters",
        }
    }
}

/// rds:DescribeEvents for `id` since `since`: the first event that says it restarted ("DB instance restarted",
/// RDS-EVENT-0006; a cluster's "DB cluster restarted"), with its time and message; `None` before one appears.
pub async fn restarted_since(
    clients: &Clients,
    source: EventSource,
    id: &str,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<Option<(chrono::DateTime<chrono::Utc>, String)>, AwsError> {
    let source_type = match source {
        EventSource::Instance => aws_sdk_rds::types::SourceType::DbInstance,
        EventSource::Cluster => aws_sdk_rds::types::SourceType::DbCluster,
    };
    let out = clients
        .rds
        .describe_events()
        .source_type(source_type)
        .source_identifier(id)
        .start_time(super::time::aws_time(since))
        .send()
        .await
        .map_err(|e| super::errors::aws_error("rds:DescribeEvents", e))?;
    Ok(out.events().iter().find_map(|e| {
        let message = e.message().unwrap_or_default();
        let lower = message.to_ascii_lowercase();
        let at = e.date().map(super::time::chrono_time)?;
        (at >= since && (lower.contains("restarted") || lower.contains("rebooted"))).then(|| (at, message.to_string()))
    }))
}

/// RDS filters take at most this many values; more identifiers are read in several calls.
const IDS_PER_CALL: usize = 100;

/// DB cluster engines, one call each when an unfiltered read fails: DescribeDBClusters also lists DocumentDB
/// and Neptune, and one cluster whose answer cannot be read must not hide the others.
pub const CLUSTER_ENGINES: [&str; 6] = ["aurora-mysql", "aurora-postgresql", "mysql", "postgres", "docdb", "neptune"];

/// RDS engines a standalone DB instance can run, one call each when an unfiltered read fails.
pub const INSTANCE_ENGINES: [&str; 16] = [
    "mysql",
    "postgres",
    "mariadb",
    "oracle-ee",
    "oracle-ee-cdb",
    "oracle-se2",
    "oracle-se2-cdb",
    "sqlserver-ee",
    "sqlserver-se",
    "sqlserver-ex",
    "sqlserver-web",
    "db2-se",
    "db2-ae",
    "custom-oracle-ee",
    "custom-sqlserver-ee",
    "custom-sqlserver-se",
];

/// What reading named resources (or one engine at a time) returned: the items, and each name whose read failed
/// with why, so that one unreadable cluster fails alone.
pub struct Named<T> {
    /// The items read, in AWS's order.
    pub items: Vec<T>,
    /// Each identifier (or engine) whose read failed, and the failure.
    pub failed: Vec<(String, AwsError)>,
}

/// Which RDS list a named read is of.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// DescribeDBClusters, filtered by `db-cluster-id` or `engine`.
    Clusters,
    /// DescribeDBInstances, filtered by `db-instance-id` or `engine`.
    Instances,
}

/// rds:DescribeDBClusters or DescribeDBInstances of these identifiers only, read by the `db-cluster-id` or
/// `db-instance-id` filter (100 a call, paged), so that a big account's 501st instance is found; when a call
/// fails, its identifiers are read one by one, so that a cluster whose answer cannot be read fails alone. An
/// identifier AWS does not have is neither an item nor a failure.
pub async fn named(clients: &Clients, kind: Kind, ids: &[String]) -> Named<Described> {
    let filter = match kind {
        Kind::Clusters => "db-cluster-id",
        Kind::Instances => "db-instance-id",
    };
    let mut out = Named { items: Vec::new(), failed: Vec::new() };
    for chunk in ids.chunks(IDS_PER_CALL) {
        let read = filtered(clients, kind, filter, chunk).await;
        out.items.extend(read.items);
        let Some(error) = read.error else { continue };
        if chunk.len() == 1 || error.kind == AwsErrorKind::AccessDenied {
            out.failed.extend(chunk.iter().map(|id| (id.clone(), error.clone())));
            continue;
        }
        for id in chunk {
            let one = filtered(clients, kind, filter, std::slice::from_ref(id)).await;
            out.items.extend(one.items);
            out.failed.extend(one.error.map(|e| (id.clone(), e)));
        }
    }
    out
}

/// Every cluster or instance of the region, or — when that read fails — one engine at a time (`engines`), so
/// that an engine whose answers cannot be read fails alone, named.
pub async fn every(clients: &Clients, kind: Kind, engines: &[&str]) -> Named<Described> {
    let all = filtered(clients, kind, "", &[]).await;
    let Some(error) = all.error else { return Named { items: all.items, failed: Vec::new() } };
    if error.kind == AwsErrorKind::AccessDenied {
        return Named { items: all.items, failed: vec![(String::new(), error)] };
    }
    let mut out = Named { items: Vec::new(), failed: Vec::new() };
    for engine in engines {
        let read = filtered(clients, kind, "engine", &[engine.to_string()]).await;
        out.items.extend(read.items);
        // The call names no resource: say which engine's answers could not be read.
        out.failed.extend(read.error.map(|e| {
            let message = format!("the clusters or instances of engine {engine}: {}", e.message);
            (format!("engine {engine}"), AwsError { message, ..e })
        }));
    }
    out
}

/// A cluster or an instance, as DescribeDBClusters or DescribeDBInstances gave it.
#[derive(Debug, Clone)]
pub enum Described {
    /// From DescribeDBClusters.
    Cluster(Box<DbCluster>),
    /// From DescribeDBInstances.
    Instance(Box<DbInstance>),
}

/// One paged read with the filter `name = values` (none when `name` is empty).
async fn filtered(clients: &Clients, kind: Kind, name: &str, values: &[String]) -> Listed<Described> {
    let filters =
        (!name.is_empty()).then(|| vec![Filter::builder().name(name).set_values(Some(values.to_vec())).build()]);
    match kind {
        Kind::Clusters => {
            let request = clients.rds.describe_db_clusters().max_records(100).set_filters(filters);
            let read = read_pages("rds:DescribeDBClusters", request.into_paginator().send(), MAX_PAGES).await;
            Listed {
                items: read
                    .pages
                    .into_iter()
                    .flat_map(|p| p.db_clusters.unwrap_or_default())
                    .map(|c| Described::Cluster(Box::new(c)))
                    .collect(),
                error: read.error,
            }
        }
        Kind::Instances => {
            let request = clients.rds.describe_db_instances().max_records(100).set_filters(filters);
            let read = read_pages("rds:DescribeDBInstances", request.into_paginator().send(), MAX_PAGES).await;
            Listed {
                items: read
                    .pages
                    .into_iter()
                    .flat_map(|p| p.db_instances.unwrap_or_default())
                    .map(|i| Described::Instance(Box::new(i)))
                    .collect(),
                error: read.error,
            }
        }
    }
}

impl Named<Described> {
    /// The clusters read.
    pub fn clusters(self) -> Named<DbCluster> {
        let items = self.items.into_iter().filter_map(|d| if let Described::Cluster(c) = d { Some(*c) } else { None });
        Named { items: items.collect(), failed: self.failed }
    }

    /// The instances read.
    pub fn instances(self) -> Named<DbInstance> {
        let items = self.items.into_iter().filter_map(|d| if let Described::Instance(i) = d { Some(*i) } else { None });
        Named { items: items.collect(), failed: self.failed }
    }
}
