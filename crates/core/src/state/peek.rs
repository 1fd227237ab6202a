//! The plan that looks into a dead-letter queue before redriving it: ReceiveMessage with a visibility timeout
//! of 0, as the AWS console polls a queue. Nothing is deleted, but every message received counts one more
//! receive, so it goes through the guard like a change: planned, confirmed by the DLQ's name, journaled, and
//! not offered at all under `--read-only`.

use super::State;
use crate::operation::{Op, Plan};

/// How many messages a peek asks for: ReceiveMessage's most.
pub const PEEK_MAX: u32 = 10;

impl State {
    pub(super) fn plan_peek(&self) -> Result<Plan, String> {
        if self.session.read_only {
            return Err("peeking raises each message's receive count, so it is not offered under --read-only".into());
        }
        let dlq = self.rows().selected_dlq().ok_or("no dead-letter queue selected")?;
        if dlq.depth == 0 {
            return Err(format!("{} is empty: nothing to peek at", dlq.name));
        }
        Ok(Plan {
            op: Op::Peek { dlq: dlq.name.clone(), max: PEEK_MAX },
            current: vec![format!("{} holds {} messages; source queues {}", dlq.name, dlq.depth, dlq.source_label())],
            expected: vec![
                format!("up to {PEEK_MAX} messages shown: body (JSON pretty-printed), attributes, receive count"),
                "every message stays in the DLQ, visible at once (visibility timeout 0)".to_string(),
            ],
            warnings: vec![
                "each message shown counts one more receive (ApproximateReceiveCount + 1)".to_string(),
                "SQS samples its servers: a peek may show fewer messages than the DLQ holds".to_string(),
            ],
        })
    }
}
