//! Which metric a series holds, named after the CloudWatch metric it comes from.

/// Which metric a series holds. Names follow the CloudWatch metric they come from; every one is read at a
/// 60-second period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum MetricKind {
    /// AWS/SQS ApproximateAgeOfOldestMessage, Maximum, seconds.
    QueueAge,
    /// AWS/SQS NumberOfMessagesSent, Sum, messages per minute.
    Sent,
    /// AWS/SQS NumberOfMessagesDeleted, Sum, messages per minute.
    Deleted,
    /// AWS/SQS ApproximateNumberOfMessagesVisible, Maximum, messages.
    Visible,
    /// Dead-letter queue depth: AWS/SQS ApproximateNumberOfMessagesVisible on the DLQ, Maximum, messages.
    DlqDepth,
    /// AWS/RDS CPUUtilization, Average, percent.
    DbCpu,
    /// AWS/RDS DatabaseConnections, Average, connections.
    DbConnections,
    /// AWS/RDS DBLoad, Average, average active sessions (Performance Insights' load, published when it is on).
    DbLoad,
    /// AWS/RDS DBLoadCPU, Average, average active sessions on CPU.
    DbLoadCpu,
    /// AWS/RDS DBLoadNonCPU, Average, average active sessions waiting on anything but CPU.
    DbLoadNonCpu,
    /// AWS/Lambda Invocations, Sum, per minute.
    Invocations,
    /// AWS/Lambda Errors, Sum, per minute.
    Errors,
    /// AWS/Lambda Duration, p99, milliseconds.
    DurationP99,
    /// AWS/Lambda Throttles, Sum, per minute.
    Throttles,
    /// AWS/Lambda ConcurrentExecutions, Maximum.
    Concurrency,
}

impl MetricKind {
    /// Whether the metric is a percentage (CPU): charts of it stop at 100.
    pub fn is_percent(self) -> bool {
        matches!(self, MetricKind::DbCpu)
    }

    /// The metric as a chart legend or a postmortem names it, with its unit: "age of oldest message (s)".
    pub fn label(self) -> &'static str {
        match self {
            MetricKind::QueueAge => "age of oldest message (s)",
            MetricKind::Sent => "sent/min",
            MetricKind::Deleted => "deleted/min",
            MetricKind::Visible => "visible",
            MetricKind::DlqDepth => "DLQ depth",
            MetricKind::DbCpu => "CPU %",
            MetricKind::DbConnections => "connections",
            MetricKind::DbLoad => "DB load (AAS)",
            MetricKind::DbLoadCpu => "DB load on CPU (AAS)",
            MetricKind::DbLoadNonCpu => "DB load waiting (AAS)",
            MetricKind::Invocations => "invocations/min",
            MetricKind::Errors => "errors/min",
            MetricKind::DurationP99 => "duration p99 (ms)",
            MetricKind::Throttles => "throttles/min",
            MetricKind::Concurrency => "concurrent executions",
        }
    }
}
