//! Domain types shared by telemetry, state and UI: resources, metric series and timeline events.

mod resource;
mod series;
mod timeline;

pub use resource::{
    AlarmState, AlarmStatus, ClusterKind, ClusterStatus, DlqStatus, FunctionStatus, InstanceStatus, QueueStatus,
    RedriveStatus, RedriveTask, Role,
};
pub use series::{Point, Series};
pub use timeline::{EventKind, TimelineEvent};

use chrono::{DateTime, Utc};

/// Which metric a series holds. Names follow the CloudWatch metric they come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MetricKind {
    /// SQS ApproximateAgeOfOldestMessage, seconds.
    QueueAge,
    /// SQS NumberOfMessagesSent, per minute.
    Sent,
    /// SQS NumberOfMessagesDeleted, per minute.
    Deleted,
    /// SQS ApproximateNumberOfMessagesVisible.
    Visible,
    /// Dead-letter queue depth (ApproximateNumberOfMessagesVisible on the DLQ).
    DlqDepth,
    /// RDS CPUUtilization, percent.
    DbCpu,
    /// RDS DatabaseConnections.
    DbConnections,
    /// Lambda Invocations, per minute.
    Invocations,
    /// Lambda Errors, per minute.
    Errors,
    /// Lambda Duration p99, milliseconds.
    DurationP99,
    /// Lambda Throttles, per minute.
    Throttles,
    /// Lambda ConcurrentExecutions, maximum.
    Concurrency,
}

impl MetricKind {
    pub fn label(self) -> &'static str {
        match self {
            MetricKind::QueueAge => "age of oldest message (s)",
            MetricKind::Sent => "sent/min",
            MetricKind::Deleted => "deleted/min",
            MetricKind::Visible => "visible",
            MetricKind::DlqDepth => "DLQ depth",
            MetricKind::DbCpu => "CPU %",
            MetricKind::DbConnections => "connections",
            MetricKind::Invocations => "invocations/min",
            MetricKind::Errors => "errors/min",
            MetricKind::DurationP99 => "duration p99 (ms)",
            MetricKind::Throttles => "throttles/min",
            MetricKind::Concurrency => "concurrent executions",
        }
    }
}

/// One thing a telemetry source saw. Telemetry yields these; `State::update` folds them in.
#[derive(Debug, Clone, PartialEq)]
pub enum Observation {
    /// The source's notion of "now" (the virtual clock in the simulator).
    Clock(DateTime<Utc>),
    Identity {
        account: String,
        region: String,
        principal: String,
    },
    Alarm(AlarmStatus),
    Queue(QueueStatus),
    Dlq(DlqStatus),
    Redrive(RedriveTask),
    Function(FunctionStatus),
    Cluster(ClusterStatus),
    Metric {
        resource: String,
        metric: MetricKind,
        at: DateTime<Utc>,
        value: f64,
    },
    Event(TimelineEvent),
    /// One call of a poll failed; the rest of the poll still counts. `subject` is what it leaves out of date.
    Problem {
        subject: Subject,
        source: String,
        message: String,
    },
    /// A resource the config names does not exist.
    Missing {
        kind: ResourceKind,
        name: String,
    },
    /// Discovery found more resources of `kind` than it watches: only the first `limit` are shown. Not a
    /// failure, so it is not counted with the failing calls.
    Truncated {
        kind: ResourceKind,
        limit: usize,
    },
}

impl Observation {
    /// One failed call: what it leaves out of date, where it was made, and the error.
    pub fn problem(subject: Subject, source: impl Into<String>, message: impl Into<String>) -> Observation {
        Observation::Problem { subject, source: source.into(), message: message.into() }
    }
}

/// What a failed call leaves out of date, so the pane that shows it can say its rows are stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    Queues,
    DeadLetterQueues,
    Functions,
    Databases,
    Alarms,
    /// Deploys, events and CloudTrail changes: the timeline.
    Changes,
}

/// The kinds of resource a pane lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    Queue,
    Dlq,
    Function,
    Cluster,
    Instance,
}
