//! RDS describes, shared by discovery, the inventory poll and the operator's verification: every DB cluster or
//! instance (or one, by identifier), 100 records a page, at most `MAX_PAGES` pages.

use aws_sdk_rds::types::{DbCluster, DbInstance};

use super::connect::Clients;
use super::errors::AwsError;
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
