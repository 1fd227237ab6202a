//! SQS addresses and move tasks, shared by discovery, the fast poll and the operator: a queue's name to its URL
//! and ARN (and its DLQ's, from the RedrivePolicy), and a DLQ's latest message move task.

use aws_sdk_sqs::types::QueueAttributeName;
use chrono::{DateTime, Utc};
use warroom_core::model::{RedriveStatus, RedriveTask};

use super::connect::Clients;
use super::errors::{AwsError, aws_error};

/// Where a queue is: its URL for the SQS calls, its ARN for message move tasks, and its dead-letter queue's ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueAddress {
    /// QueueUrl.
    pub url: String,
    /// QueueArn.
    pub arn: String,
    /// The RedrivePolicy's deadLetterTargetArn, when the queue has a DLQ.
    pub dead_letter_target: Option<String>,
    /// The RedrivePolicy's maxReceiveCount: receives before SQS moves a message to the DLQ.
    pub max_receive_count: Option<u32>,
}

/// What GetQueueAttributes says of a queue's identity: its ARN and its RedrivePolicy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueIdentity {
    /// QueueArn.
    pub arn: String,
    /// The RedrivePolicy's deadLetterTargetArn.
    pub dead_letter_target: Option<String>,
    /// The RedrivePolicy's maxReceiveCount (SQS writes it as a number or a string).
    pub max_receive_count: Option<u32>,
}

/// The last `:`-separated part of an ARN: a queue's name.
pub fn name_from_arn(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

/// The last part of a queue URL: its name.
pub fn name_from_url(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

/// sqs:GetQueueUrl.
pub async fn queue_url(clients: &Clients, name: &str) -> Result<String, AwsError> {
    const CALL: &str = "sqs:GetQueueUrl";
    let out = clients.sqs.get_queue_url().queue_name(name).send().await.map_err(|e| aws_error(CALL, e))?;
    out.queue_url()
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .ok_or_else(|| AwsError::unreadable(CALL, format!("{name}: the answer has no QueueUrl")))
}

/// sqs:GetQueueAttributes for QueueArn and RedrivePolicy: the queue's ARN, its DLQ's and its maxReceiveCount.
pub async fn queue_identity(clients: &Clients, name: &str, url: &str) -> Result<QueueIdentity, AwsError> {
    const CALL: &str = "sqs:GetQueueAttributes";
    let out = clients
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::QueueArn)
        .attribute_names(QueueAttributeName::RedrivePolicy)
        .send()
        .await
        .map_err(|e| aws_error(CALL, e))?;
    let attrs = out.attributes().cloned().unwrap_or_default();
    let arn = attrs
        .get(&QueueAttributeName::QueueArn)
        .filter(|a| !a.is_empty())
        .cloned()
        .ok_or_else(|| AwsError::unreadable(CALL, format!("{name}: the answer has no QueueArn")))?;
    let policy =
        attrs.get(&QueueAttributeName::RedrivePolicy).and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok());
    let field = |name: &str| policy.as_ref().and_then(|v| v.get(name)).cloned();
    let dead_letter_target = field("deadLetterTargetArn").and_then(|a| a.as_str().map(str::to_string));
    let max_receive_count = field("maxReceiveCount").and_then(|c| match c {
        serde_json::Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    });
    Ok(QueueIdentity { arn, dead_letter_target, max_receive_count })
}

/// A queue's URL, ARN and DLQ, by name: GetQueueUrl, then GetQueueAttributes.
pub async fn resolve(clients: &Clients, name: &str) -> Result<QueueAddress, AwsError> {
    let url = queue_url(clients, name).await?;
    let QueueIdentity { arn, dead_letter_target, max_receive_count } = queue_identity(clients, name, &url).await?;
    Ok(QueueAddress { url, arn, dead_letter_target, max_receive_count })
}

/// A move task's status word as SQS writes it.
pub fn redrive_status(status: &str) -> RedriveStatus {
    match status {
        "RUNNING" | "CANCELLING" => RedriveStatus::Running,
        "COMPLETED" => RedriveStatus::Completed,
        "CANCELLED" => RedriveStatus::Cancelled,
        _ => RedriveStatus::Failed,
    }
}

/// sqs:ListMessageMoveTasks: the DLQ `dlq` (at `dlq_arn`)'s most recent move task. A task that names no
/// destination moves messages to their sources: `source` names it when known.
pub async fn latest_task(
    clients: &Clients,
    dlq: &str,
    dlq_arn: &str,
    source: Option<&str>,
) -> Result<Option<RedriveTask>, AwsError> {
    let out = clients
        .sqs
        .list_message_move_tasks()
        .source_arn(dlq_arn)
        .max_results(1)
        .send()
        .await
        .map_err(|e| aws_error("sqs:ListMessageMoveTasks", e))?;
    Ok(out.results().first().map(|t| RedriveTask {
        handle: t.task_handle().unwrap_or_default().to_string(),
        dlq: dlq.to_string(),
        destination: t
            .destination_arn()
            .map(|a| name_from_arn(a).to_string())
            .or_else(|| source.map(str::to_string))
            .unwrap_or_else(|| "its source".to_string()),
        rate_per_second: t.max_number_of_messages_per_second().and_then(|r| u32::try_from(r).ok()),
        moved: u64::try_from(t.approximate_number_of_messages_moved()).unwrap_or(0),
        to_move: t.approximate_number_of_messages_to_move().and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
        status: redrive_status(t.status().unwrap_or_default()),
        started_at: DateTime::<Utc>::from_timestamp_millis(t.started_timestamp()).unwrap_or_default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_arns_and_urls() {
        assert_eq!(name_from_arn("arn:aws:sqs:eu-west-1:123456789012:orders-dlq"), "orders-dlq");
        assert_eq!(name_from_url("http://127.0.0.1:4566/000000000000/orders"), "orders");
    }
}
