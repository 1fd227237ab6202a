//! The AWS operator's peek into a dead-letter queue: one sqs:ReceiveMessage with a visibility timeout of 0 (the
//! messages stay visible, as when the AWS console polls a queue), never sqs:DeleteMessage. One receive, not the
//! console's repeated polling: with visibility 0 every further receive could return the same messages and count
//! them again, and the plan promises one more receive each. SQS samples its servers, so a peek may show fewer
//! messages than the queue holds.

use aws_sdk_sqs::types::{Message, MessageSystemAttributeName};
use chrono::{DateTime, Utc};
use warroom_core::model::PeekedMessage;
use warroom_core::operation::OpError;

use super::op_error;
use crate::aws::queues::queue_url;
use crate::aws::{Clients, aws_error};

/// Up to `max` messages of `dlq` (1 to 10), left in the queue, each received once more.
pub async fn receive(calls: &Clients, dlq: &str, max: u32) -> Result<Vec<PeekedMessage>, OpError> {
    let url = queue_url(calls, dlq).await.map_err(op_error)?;
    let answer = calls
        .sqs
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(i32::try_from(max.clamp(1, 10)).unwrap_or(10))
        .visibility_timeout(0)
        .wait_time_seconds(0)
        .message_system_attribute_names(MessageSystemAttributeName::All)
        .message_attribute_names("All")
        .send()
        .await
        .map_err(|e| op_error(aws_error("sqs:ReceiveMessage", e)))?;
    Ok(answer.messages().iter().map(peeked).collect())
}

/// A received message as the messages view shows it: the receive count and sent time picked out of its
/// system attributes, the rest listed by name.
fn peeked(m: &Message) -> PeekedMessage {
    let attributes = m.attributes().cloned().unwrap_or_default();
    let take = |name: &MessageSystemAttributeName| attributes.get(name).cloned();
    let receive_count = take(&MessageSystemAttributeName::ApproximateReceiveCount).and_then(|c| c.parse().ok());
    let sent_at = take(&MessageSystemAttributeName::SentTimestamp)
        .and_then(|ms| ms.parse::<i64>().ok())
        .and_then(DateTime::<Utc>::from_timestamp_millis);
    let mut other: Vec<(String, String)> = attributes
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k,
                MessageSystemAttributeName::ApproximateReceiveCount | MessageSystemAttributeName::SentTimestamp
            )
        })
        .map(|(k, v)| (k.as_str().to_string(), v.clone()))
        .collect();
    other.sort();
    let mut message_attributes: Vec<(String, String)> = m
        .message_attributes()
        .map(|a| {
            a.iter()
                .map(|(k, v)| {
                    let value = match (v.string_value(), v.binary_value()) {
                        (Some(s), _) => s.to_string(),
                        (None, Some(b)) => format!("<{} bytes of {}>", b.as_ref().len(), v.data_type()),
                        (None, None) => format!("<{}>", v.data_type()),
                    };
                    (k.clone(), value)
                })
                .collect()
        })
        .unwrap_or_default();
    message_attributes.sort();
    PeekedMessage {
        message_id: m.message_id().unwrap_or_default().to_string(),
        body: m.body().unwrap_or_default().to_string(),
        // Counted as SQS counts it, this receive included; 1 when SQS did not say.
        receive_count: receive_count.unwrap_or(1),
        sent_at,
        attributes: other,
        message_attributes,
    }
}
