//! SQS on the fast cadence: real-time counts from GetQueueAttributes (so DLQ growth shows in seconds, not after
//! CloudWatch's minute) and redrive progress from ListMessageMoveTasks.

use aws_sdk_sqs::types::QueueAttributeName;
use warroom_core::model::{DlqStatus, Observation, QueueStatus, Subject};

use super::discovery::{Inventory, QueueRef};
use super::problem;
use crate::aws::queues::latest_task;
use crate::aws::{AwsError, AwsErrorKind, Clients, aws_error};

/// A queue's counts, ApproximateNumberOfMessages and ApproximateNumberOfMessagesNotVisible, and its
/// MessageRetentionPeriod (how long a paused consumer's messages can wait).
struct Counts {
    visible: u64,
    in_flight: u64,
    retention_seconds: Option<u64>,
}

const GET_ATTRIBUTES: &str = "sqs:GetQueueAttributes";

async fn counts(clients: &Clients, queue: &QueueRef) -> Result<Counts, AwsError> {
    let out = clients
        .sqs
        .get_queue_attributes()
        .queue_url(&queue.url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesDelayed)
        .attribute_names(QueueAttributeName::MessageRetentionPeriod)
        .send()
        .await
        .map_err(|e| aws_error(GET_ATTRIBUTES, e))?;
    let attrs = out.attributes().cloned().unwrap_or_default();
    // A count left out of the answer is not zero: a DLQ shown empty when it was not read would mislead.
    let get = |name: QueueAttributeName| {
        attrs
            .get(&name)
            .and_then(|v| v.parse::<u64>().ok())
            .ok_or_else(|| AwsError::unreadable(GET_ATTRIBUTES, format!("the answer has no {name} count")))
    };
    Ok(Counts {
        visible: get(QueueAttributeName::ApproximateNumberOfMessages)?,
        in_flight: get(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)?,
        retention_seconds: attrs.get(&QueueAttributeName::MessageRetentionPeriod).and_then(|v| v.parse().ok()),
    })
}

/// One fast poll: every queue's and DLQ's counts, and each DLQ's latest move task (with what discovery noted).
pub async fn poll(clients: &Clients, inventory: &Inventory, pick: &super::tiers::Pick<'_>) -> Vec<Observation> {
    use futures_util::stream::{self, StreamExt};
    let mut out = inventory.notes.clone();
    // The futures are made before they go into the stream: a closure inside the stream would make the poll's
    // future not provably Send (rust-lang/rust#102211).
    let queues: Vec<_> = pick.queues.iter().map(|q| queue(clients, q)).collect();
    out.extend(stream::iter(queues).buffered(super::CONCURRENT_CALLS).collect::<Vec<_>>().await);
    let dlqs: Vec<_> = pick.dlqs.iter().map(|d| dlq(clients, d)).collect();
    out.extend(stream::iter(dlqs).buffered(super::CONCURRENT_CALLS).collect::<Vec<_>>().await.into_iter().flatten());
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
            retention_seconds: c.retention_seconds,
        }),
        Err(e) => problem(Subject::Queues, Some(&q.name), e),
    }
}

/// A DLQ's depth and its latest redrive, asked together (the redrive not at all where the endpoint has said it
/// has no message move tasks).
async fn dlq(clients: &Clients, d: &QueueRef) -> Vec<Observation> {
    const MOVE_TASKS: &str = "sqs:ListMessageMoveTasks";
    let tasks = async {
        if clients.unsupported.known(MOVE_TASKS) {
            return Ok(None);
        }
        latest_task(clients, &d.name, &d.arn, d.sources.queues().first().map(String::as_str)).await
    };
    let (depth, task) = tokio::join!(counts(clients, d), tasks);
    let problem = |e: AwsError| problem(Subject::DeadLetterQueues, Some(&d.name), e);
    let mut out = Vec::new();
    out.push(match depth {
        Ok(c) => Observation::Dlq(DlqStatus {
            name: d.name.clone(),
            sources: d.sources.clone(),
            depth: c.visible,
            arn: (!d.arn.is_empty()).then(|| d.arn.clone()),
            retention_seconds: c.retention_seconds,
            max_receive_counts: d.max_receive_counts.clone(),
        }),
        Err(e) => problem(e),
    });
    match task {
        Ok(Some(task)) => out.push(Observation::Redrive(task)),
        Ok(None) => {}
        // An endpoint without move tasks: the DLQ pane simply shows no redrive; snapshot says why.
        Err(e) if e.kind == AwsErrorKind::Unsupported => {
            clients.unsupported.mark(e.action);
            out.push(Observation::Unsupported { call: e.action.to_string(), answer: e.detail() });
        }
        Err(e) => out.push(problem(e)),
    }
    out
}
