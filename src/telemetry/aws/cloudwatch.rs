//! CloudWatch: every metric of a cadence in as few GetMetricData calls as the 500-query limit allows (with
//! paging), never one call per metric. Alarms are in `alarms.rs`.

use std::collections::HashMap;

use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
use chrono::{DateTime, Utc};
use warroom_core::model::{MetricKind, Observation};

use super::discovery::Inventory;
use crate::aws::time::{aws_time, chrono_time};
use crate::aws::{AwsError, aws_error};

/// GetMetricData accepts at most this many queries per call.
pub const MAX_QUERIES_PER_CALL: usize = 500;
/// Every metric is read at a one-minute period.
pub const PERIOD_SECONDS: i32 = 60;

/// One metric to fetch, and where its points go.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricQuery {
    /// The resource whose series the points fold into.
    pub resource: String,
    /// Which series.
    pub kind: MetricKind,
    /// CloudWatch namespace (`AWS/SQS`).
    pub namespace: &'static str,
    /// CloudWatch metric name.
    pub metric: &'static str,
    /// Statistic (`Maximum`, `Sum`, `p99`).
    pub stat: &'static str,
    /// Dimensions, name and value.
    pub dimensions: Vec<(&'static str, String)>,
}

fn q(
    resource: &str,
    kind: MetricKind,
    namespace: &'static str,
    metric: &'static str,
    stat: &'static str,
    dims: Vec<(&'static str, String)>,
) -> MetricQuery {
    MetricQuery { resource: resource.to_string(), kind, namespace, metric, stat, dimensions: dims }
}

/// Every query the panes need: SQS ×4 per queue (+ depth and age per DLQ), RDS ×5 per instance (×2 for DocumentDB
/// and Neptune, which have no Performance Insights load), Lambda ×5 per function.
pub fn queries_for(inventory: &Inventory) -> Vec<MetricQuery> {
    let mut out = Vec::new();
    for queue in &inventory.queues {
        let d = || vec![("QueueName", queue.name.clone())];
        out.push(q(&queue.name, MetricKind::QueueAge, "AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", d()));
        out.push(q(&queue.name, MetricKind::Sent, "AWS/SQS", "NumberOfMessagesSent", "Sum", d()));
        out.push(q(&queue.name, MetricKind::Deleted, "AWS/SQS", "NumberOfMessagesDeleted", "Sum", d()));
        out.push(q(&queue.name, MetricKind::Visible, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", d()));
    }
    for dlq in &inventory.dlqs {
        let d = || vec![("QueueName", dlq.name.clone())];
        out.push(q(&dlq.name, MetricKind::DlqDepth, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", d()));
        // How long the oldest dead letter has waited: what a redrive would bring back, and how close to expiry.
        out.push(q(&dlq.name, MetricKind::QueueAge, "AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", d()));
    }
    // Each engine publishes in its own namespace: DocumentDB's CPU is in AWS/DocDB, not AWS/RDS.
    for c in &inventory.clusters {
        let namespace = c.kind.namespace();
        for (id, _) in &c.members {
            let d = || vec![("DBInstanceIdentifier", id.to_string())];
            out.push(q(id, MetricKind::DbCpu, namespace, "CPUUtilization", "Average", d()));
            out.push(q(id, MetricKind::DbConnections, namespace, "DatabaseConnections", "Average", d()));
            // Performance Insights publishes the load here too, in the same call; absent while it is off.
            if c.kind.namespace() == "AWS/RDS" {
                out.push(q(id, MetricKind::DbLoad, namespace, "DBLoad", "Average", d()));
                out.push(q(id, MetricKind::DbLoadCpu, namespace, "DBLoadCPU", "Average", d()));
                out.push(q(id, MetricKind::DbLoadNonCpu, namespace, "DBLoadNonCPU", "Average", d()));
            }
        }
    }
    for f in &inventory.functions {
        let d = || match &f.alias {
            Some(alias) => vec![("FunctionName", f.name.clone()), ("Resource", format!("{}:{alias}", f.name))],
            None => vec![("FunctionName", f.name.clone())],
        };
        out.push(q(&f.name, MetricKind::Invocations, "AWS/Lambda", "Invocations", "Sum", d()));
        out.push(q(&f.name, MetricKind::Errors, "AWS/Lambda", "Errors", "Sum", d()));
        out.push(q(&f.name, MetricKind::Throttles, "AWS/Lambda", "Throttles", "Sum", d()));
        out.push(q(&f.name, MetricKind::DurationP99, "AWS/Lambda", "Duration", "p99", d()));
        out.push(q(&f.name, MetricKind::Concurrency, "AWS/Lambda", "ConcurrentExecutions", "Maximum", d()));
    }
    out
}

fn to_query(id: String, m: &MetricQuery) -> MetricDataQuery {
    let dims = m.dimensions.iter().map(|(n, v)| Dimension::builder().name(*n).value(v).build()).collect();
    let metric = Metric::builder().namespace(m.namespace).metric_name(m.metric).set_dimensions(Some(dims)).build();
    let stat = MetricStat::builder().metric(metric).period(PERIOD_SECONDS).stat(m.stat).build();
    MetricDataQuery::builder().id(id).metric_stat(stat).return_data(true).build()
}

/// What a metrics fetch returned.
pub struct Fetched {
    /// Every point, as observations, in time order.
    pub observations: Vec<Observation>,
    /// GetMetricData calls made, pages included.
    pub calls: usize,
}

/// Fetches every query's points between `start` and `end`, 500 queries per call, following NextToken.
pub async fn fetch(
    cloudwatch: &aws_sdk_cloudwatch::Client,
    queries: &[MetricQuery],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Fetched, AwsError> {
    let start = DateTime::<Utc>::from_timestamp(start.timestamp() - start.timestamp() % 60, 0).unwrap_or(start);
    let mut observations = Vec::new();
    let mut calls = 0;
    for (chunk_index, chunk) in queries.chunks(MAX_QUERIES_PER_CALL).enumerate() {
        let base = chunk_index * MAX_QUERIES_PER_CALL;
        let data: Vec<MetricDataQuery> =
            chunk.iter().enumerate().map(|(i, m)| to_query(format!("m{}", base + i), m)).collect();
        let by_id: HashMap<String, &MetricQuery> =
            chunk.iter().enumerate().map(|(i, m)| (format!("m{}", base + i), m)).collect();
        let mut token: Option<String> = None;
        loop {
            calls += 1;
            let out = cloudwatch
                .get_metric_data()
                .set_metric_data_queries(Some(data.clone()))
                .start_time(aws_time(start))
                .end_time(aws_time(end))
                .scan_by(ScanBy::TimestampAscending)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| aws_error("cloudwatch:GetMetricData", e))?;
            for result in out.metric_data_results() {
                let Some(m) = result.id().and_then(|id| by_id.get(id)) else { continue };
                for (t, v) in result.timestamps().iter().zip(result.values()) {
                    observations.push(Observation::Metric {
                        resource: m.resource.clone(),
                        metric: m.kind,
                        at: chrono_time(t),
                        value: *v,
                    });
                }
            }
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
    }
    // Pages may interleave: keep each series in time order for the ring buffers.
    observations.sort_by_key(|o| match o {
        Observation::Metric { at, .. } => *at,
        _ => DateTime::<Utc>::MIN_UTC,
    });
    Ok(Fetched { observations, calls })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::aws::discovery::{ClusterRef, FunctionRef, QueueRef};

    #[test]
    fn each_engine_is_read_from_its_own_namespace() {
        use warroom_core::model::ClusterKind;
        let cluster = |id: &str, kind| ClusterRef {
            id: id.into(),
            kind,
            members: vec![(format!("{id}-1"), true)],
            ..ClusterRef::default()
        };
        let inventory = Inventory {
            clusters: vec![cluster("core", ClusterKind::Aurora), cluster("docs", ClusterKind::DocumentDb)],
            ..Inventory::default()
        };
        let cpu: Vec<(String, &str)> = queries_for(&inventory)
            .into_iter()
            .filter(|q| q.kind == MetricKind::DbCpu)
            .map(|q| (q.resource, q.namespace))
            .collect();
        assert_eq!(cpu, [("core-1".to_string(), "AWS/RDS"), ("docs-1".to_string(), "AWS/DocDB")]);
    }

    /// The sizing: 100 queues × 4 + 20 functions × 5 + 3 clusters × 5 queries (CPU, connections, DB load ×3) = 515, so 2 calls.
    #[test]
    fn query_count_for_the_sizing_example() {
        let inventory = Inventory {
            queues: (0..100).map(|i| QueueRef { name: format!("q{i}"), ..QueueRef::default() }).collect(),
            functions: (0..20).map(|i| FunctionRef { name: format!("f{i}"), alias: None }).collect(),
            clusters: (0..3)
                .map(|i| ClusterRef {
                    id: format!("c{i}"),
                    members: vec![(format!("c{i}-1"), true)],
                    ..ClusterRef::default()
                })
                .collect(),
            ..Inventory::default()
        };
        let queries = queries_for(&inventory);
        assert_eq!(queries.len(), 515);
        assert_eq!(queries.len().div_ceil(MAX_QUERIES_PER_CALL), 2);
    }
}
