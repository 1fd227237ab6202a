//! What the consumer's log group would hold: one error line per failed invocation, as the Lambda runtime
//! writes it (timestamp, request id, level, message) — statement timeouts while the writer is saturated,
//! connection errors while it restarts.

use chrono::{DateTime, Duration, Utc};

use super::{World, revision_id};
use crate::model::{LogLine, LogsAccess, Observation};

impl World {
    /// The minute starting `at`'s error lines: `timeouts` statement timeouts and `refused` connection errors,
    /// spread over the minute.
    pub(super) fn consumer_log(&mut self, at: DateTime<Utc>, timeouts: u32, refused: u32) -> Observation {
        let function = self.scenario.function.name.clone();
        let writer = self.scenario.database.writer.clone();
        let total = timeouts + refused;
        let lines = (0..total)
            .map(|i| {
                self.log_counter += 1;
                let n = self.log_counter;
                let when = at + Duration::milliseconds(i64::from(i) * 60_000 / i64::from(total.max(1)) + 137);
                let message = if i < timeouts {
                    "ERROR OperationalError: canceling statement due to statement timeout".to_string()
                } else {
                    format!(
                        "ERROR OperationalError: connection to server at \"{writer}.c9xk2ab.us-east-1.rds.amazonaws.com\" \
                         (10.0.3.17), port 5432 failed: Connection refused"
                    )
                };
                LogLine {
                    at: when,
                    id: format!("{}{n:020}", when.timestamp_millis()),
                    stream: format!("{}/[42]{:032x}", when.format("%Y/%m/%d"), n % 4),
                    message: format!("{} {} {message}", when.format("%Y-%m-%dT%H:%M:%S%.3fZ"), revision_id(n as u32)),
                }
            })
            .collect();
        Observation::ConsumerLog {
            function: function.clone(),
            group: format!("/aws/lambda/{function}"),
            access: LogsAccess::Read,
            lines,
        }
    }
}
