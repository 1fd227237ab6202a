//! SQS on the fast cadence: real-time counts from GetQueueAttributes (so DLQ growth shows in seconds, not after
//! CloudWatch's minute) and redrive progress from ListMessageMoveTasks.

use aws_sdk_sqs::types::QueueAttributeName;
use chrono::{DateTime, Utc};

use super::connect::Clients;
use super::discovery::{Inventory, QueueRef, name_from_arn};
use super::errors::{AwsErrorKind, aws_error};
use crate::model::{DlqStatus, Observation, QueueStatus, RedriveStatus, RedriveTask, Subject};

struct Counts {
    visible: u64,
    in_flight: u64,
}

async fn counts(clients: &Clients, queue: &QueueRef) -> Result<Counts, String> {
    let out = clients
        .sqs
        .get_queue_attributes()
        .queue_url(&queue.url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesDelayed)
        .send()
        .await
        .map_err(|e| aws_error("sqs:GetQueueAttributes", e).to_string())?;
    let attrs = out.attributes().cloned().unwrap_or_default();
    // A count left out of the answer is not zero: a DLQ shown empty when it was not read would mislead.
    let get = |name: QueueAttributeName| {
        attrs
            .get(&name)
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or_else(|| format!("sqs:GetQueueAttributes: {}: the answer has no {name} count", queue.name))
    };
    Ok(Counts {
        visible: get(QueueAttributeName::ApproximateNumberOfMessages)?,
        in_flight: get(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)?,
    })
}

pub fn redrive_status(status: &str) -> RedriveStatus {
    match status {
        "RUNNING" | "CANCELLING" => RedriveStatus::Running,
        "COMPLETED" => RedriveStatus::Completed,
        "CANCELLED" => RedriveStatus::Cancelled,
        _ => RedriveStatus::Failed,
    }
}

/// The DLQ's most recent move task, if the endpoint supports them.
pub async fn latest_task(clients: &Clients, dlq: &QueueRef) -> Result<Option<RedriveTask>, super::AwsError> {
    let out = clients
        .sqs
        .list_message_move_tasks()
        .source_arn(&dlq.arn)
        .max_results(1)
        .send()
        .await
        .map_err(|e| aws_error("sqs:ListMessageMoveTasks", e))?;
    Ok(out.results().first().map(|t| RedriveTask {
        handle: t.task_handle().unwrap_or_default().to_string(),
        dlq: dlq.name.clone(),
        destination: t
            .destination_arn()
            .map(|a| name_from_arn(a).to_string())
            .or_else(|| dlq.source.clone())
            .unwrap_or_else(|| "its source".to_string()),
        rate_per_second: t.max_number_of_messages_per_second().and_then(|r| u32::try_from(r).ok()),
        moved: u64::try_from(t.approximate_number_of_messages_moved()).unwrap_or(0),
        to_move: t.approximate_number_of_messages_to_move().and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
        status: redrive_status(t.status().unwrap_or_default()),
        started_at: DateTime::<Utc>::from_timestamp_millis(t.started_timestamp()).unwrap_or_default(),
    }))
}

/// Calls in flight at once in one poll: a hung endpoint costs one attempt timeout per poll, not one per queue,
/// while a hundred queues stay well inside SQS's request rates.
const CONCURRENT_CALLS: usize = 8;

pub async fn poll(clients: &Clients, inventory: &Inventory) -> Vec<Observation> {
    use futures_util::stream::{self, StreamExt};
    let mut out = inventory.notes.clone();
    // The futures are made before they go into the stream: a closure inside the stream would make the poll's
    // future not provably Send (rust-lang/rust#102211).
    let queues: Vec<_> = inventory.queues.iter().map(|q| queue(clients, q)).collect();
    out.extend(stream::iter(queues).buffered(CONCURRENT_CALLS).collect::<Vec<_>>().await);
    let dlqs: Vec<_> = inventory.dlqs.iter().map(|d| dlq(clients, d)).collect();
    out.extend(stream::iter(dlqs).buffered(CONCURRENT_CALLS).collect::<Vec<_>>().await.into_iter().flatten());
    out
}

async fn queue(clients: &Clients, q: &QueueRef) -> Observation {
    match counts(clients, q).await {
        Ok(c) => Observation::Queue(QueueStatus {
            name: q.name.clone(),
            visible: c.visible,
            in_flight: c.in_flight,
            dlq: q.dlq.clone(),
            consumer: q.consumer.clone(),
        }),
        Err(message) => Observation::problem(Subject::Queues, q.name.clone(), message),
    }
}

/// A DLQ's depth and its latest redrive, asked together.
async fn dlq(clients: &Clients, d: &QueueRef) -> Vec<Observation> {
    let (depth, task) = tokio::join!(counts(clients, d), latest_task(clients, d));
    let problem = |message| Observation::problem(Subject::DeadLetterQueues, d.name.clone(), message);
    let mut out = Vec::new();
    out.push(match depth {
        Ok(c) => Observation::Dlq(DlqStatus {
            name: d.name.clone(),
            source: d.source.clone().unwrap_or_else(|| "?".to_string()),
            depth: c.visible,
        }),
        Err(message) => problem(message),
    });
    match task {
        Ok(Some(task)) => out.push(Observation::Redrive(task)),
        Ok(None) => {}
        // An endpoint without move tasks: the DLQ pane simply shows no redrive.
        Err(e) if e.kind == AwsErrorKind::Unsupported => {}
        Err(e) => out.push(problem(e.to_string())),
    }
    out
}
