//! Performance Insights: each watched DB instance's top SQL and its load by statement and wait event. Two calls
//! per instance with Performance Insights on, each metrics poll (a minute): pi:DescribeDimensionKeys for the
//! heaviest statements of the last five minutes, and one pi:GetResourceMetrics for the one-minute load (whole,
//! by wait event, by statement) since the last poll, which is what lets the state compare any window with the
//! hour before the onset without another call. An instance whose calls fail says so in its own rows only.

use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use warroom_core::model::{LoadKey, Observation, SqlStatement, TOP_STATEMENTS, TopSql, WaitEvent};

use crate::aws::errors::AwsError;
use crate::aws::paging::read_pages;
use crate::aws::time::{aws_time, chrono_time};

/// The window DescribeDimensionKeys' top statements cover, ending now.
const TOP_WINDOW: Duration = Duration::minutes(5);

/// Pages read per GetResourceMetrics call: its three queries answer up to 53 series (the whole load, and each
/// group's total and top 25), a few pages.
const MAX_PAGES: usize = 5;

/// Series per grouped query: the statements and the wait events with the most load over the window. The API's
/// most: a statement outside a window's top has no points there, which reads as no load.
const GROUP_LIMIT: i32 = 25;

/// Instances read at once.
const CONCURRENCY: usize = 4;

/// The DB load metric: average active sessions.
const LOAD: &str = "db.load.avg";

/// One instance with Performance Insights on: its identifier and `DbiResourceId`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiInstance {
    /// DBInstanceIdentifier.
    pub id: String,
    /// DbiResourceId (`db-ABCDEFGHIJKLMNOP`), what the pi API names an instance by.
    pub resource_id: String,
}

/// Reads each instance's top SQL, and its load from the time paired with it: for each, `TopSql`, `Load`
/// points, and how the read went (`InsightsRead`).
pub async fn poll(
    pi: &aws_sdk_pi::Client,
    instances: &[(PiInstance, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> Vec<Observation> {
    // Owned items: a stream of futures borrowing each item trips the compiler's higher-ranked lifetime check
    // when the whole poll is boxed as `Send`.
    futures_util::stream::iter(instances.to_vec())
        .map(|(instance, since)| async move { read(pi, &instance, since, now).await })
        .buffer_unordered(CONCURRENCY)
        .flat_map(futures_util::stream::iter)
        .collect()
        .await
}

async fn read(
    pi: &aws_sdk_pi::Client,
    instance: &PiInstance,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<Observation> {
    let failed =
        |e: AwsError| vec![Observation::InsightsRead { instance: instance.id.clone(), error: Some(e.to_string()) }];
    let top = match top_statements(pi, &instance.resource_id, now).await {
        Ok(top) => top,
        Err(e) => return failed(e),
    };
    let series = match load_series(pi, &instance.resource_id, since, now).await {
        Ok(series) => series,
        Err(e) => return failed(e),
    };
    let mut out = vec![Observation::InsightsRead { instance: instance.id.clone(), error: None }];
    out.push(Observation::TopSql { instance: instance.id.clone(), top });
    out.extend(series.into_iter().map(|(key, points)| Observation::Load {
        instance: instance.id.clone(),
        key,
        points,
    }));
    out
}

/// A statement from a key's dimensions (`db.sql_tokenized.id`, `db.sql_tokenized.statement`).
fn statement_of(dimensions: Option<&std::collections::HashMap<String, String>>) -> Option<SqlStatement> {
    let d = dimensions?;
    let id = d.get("db.sql_tokenized.id")?.clone();
    let text = d.get("db.sql_tokenized.statement").cloned().unwrap_or_else(|| format!("(statement {id})"));
    Some(SqlStatement { id, text })
}

/// A wait event from a key's dimensions (`db.wait_event.name`, `db.wait_event.type`).
fn wait_of(dimensions: Option<&std::collections::HashMap<String, String>>) -> Option<WaitEvent> {
    let d = dimensions?;
    let name = d.get("db.wait_event.name")?.clone();
    Some(WaitEvent { kind: d.get("db.wait_event.type").cloned().unwrap_or_default(), name })
}

/// pi:DescribeDimensionKeys over the last five minutes, grouped by `db.sql_tokenized`: the heaviest statements,
/// one page of `TOP_STATEMENTS` (AWS lists them heaviest first).
async fn top_statements(pi: &aws_sdk_pi::Client, resource_id: &str, now: DateTime<Utc>) -> Result<TopSql, AwsError> {
    use aws_sdk_pi::types::{DimensionGroup, ServiceType};
    const ACTION: &str = "pi:DescribeDimensionKeys";
    let from = now - TOP_WINDOW;
    let group = DimensionGroup::builder()
        .group("db.sql_tokenized")
        .build()
        .map_err(|e| AwsError::unreadable(ACTION, e.to_string()))?;
    // One page: with MaxResults at the list's length, AWS's first page is the heaviest statements.
    let request = pi
        .describe_dimension_keys()
        .service_type(ServiceType::Rds)
        .identifier(resource_id)
        .start_time(aws_time(from))
        .end_time(aws_time(now))
        .metric(LOAD)
        .group_by(group)
        .max_results(TOP_STATEMENTS as i32)
        .into_paginator()
        .send();
    let read = read_pages(ACTION, request, 1).await;
    if let Some(e) = read.error {
        return Err(e);
    }
    let mut aligned = (from, now);
    let mut statements = Vec::new();
    for answer in &read.pages {
        if let (Some(start), Some(end)) = (answer.aligned_start_time(), answer.aligned_end_time()) {
            aligned = (chrono_time(start), chrono_time(end));
        }
        for key in answer.keys() {
            if let Some(statement) = statement_of(key.dimensions()) {
                statements.push((statement, key.total().unwrap_or_default()));
            }
        }
    }
    statements.sort_by(|a, b| b.1.total_cmp(&a.1));
    statements.truncate(TOP_STATEMENTS);
    Ok(TopSql { from: aligned.0, to: aligned.1, statements })
}

/// pi:GetResourceMetrics from `since` to `now` at a 60-second period: the whole load, and the load of the
/// heaviest wait events and statements, each as one-minute points.
async fn load_series(
    pi: &aws_sdk_pi::Client,
    resource_id: &str,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<(LoadKey, Vec<(DateTime<Utc>, f64)>)>, AwsError> {
    use aws_sdk_pi::types::{DimensionGroup, MetricQuery, ServiceType};
    const ACTION: &str = "pi:GetResourceMetrics";
    let unreadable = |e: aws_sdk_pi::error::BuildError| AwsError::unreadable(ACTION, e.to_string());
    let grouped = |group: &str| -> Result<MetricQuery, AwsError> {
        let group = DimensionGroup::builder().group(group).limit(GROUP_LIMIT).build().map_err(unreadable)?;
        MetricQuery::builder().metric(LOAD).group_by(group).build().map_err(unreadable)
    };
    let queries = vec![
        MetricQuery::builder().metric(LOAD).build().map_err(unreadable)?,
        grouped("db.wait_event")?,
        grouped("db.sql_tokenized")?,
    ];
    let request = pi
        .get_resource_metrics()
        .service_type(ServiceType::Rds)
        .identifier(resource_id)
        .start_time(aws_time(since))
        .end_time(aws_time(now))
        .period_in_seconds(60)
        // Stamped at the minute's start, as CloudWatch's points are (AWS's default is the period's end).
        .period_alignment(aws_sdk_pi::types::PeriodAlignment::StartTime)
        .set_metric_queries(Some(queries))
        .into_paginator()
        .send();
    let read = read_pages(ACTION, request, MAX_PAGES).await;
    if let Some(e) = read.error {
        return Err(e);
    }
    let mut out = Vec::new();
    for series in read.pages.iter().flat_map(|answer| answer.metric_list()) {
        let Some(key) = series.key() else { continue };
        let dimensions = key.dimensions();
        let key = match (statement_of(dimensions), wait_of(dimensions)) {
            (Some(statement), _) => LoadKey::Statement(statement),
            (None, Some(wait)) => LoadKey::Wait(wait),
            (None, None) if dimensions.is_none_or(|d| d.is_empty()) => LoadKey::Total,
            // A group this reader did not ask for.
            (None, None) => continue,
        };
        let points: Vec<(DateTime<Utc>, f64)> =
            series.data_points().iter().map(|p| (chrono_time(p.timestamp()), p.value())).collect();
        out.push((key, points));
    }
    Ok(out)
}
