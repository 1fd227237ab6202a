//! What one poll of a source saw, as a list of observations that `Data::apply` folds in.

use chrono::{DateTime, Utc};

use super::{AlarmStatus, AliasMove, ClusterStatus, DlqStatus, FunctionStatus, MetricKind, QueueStatus, RedriveTask};
use super::{EventSourceMapping, FailureKind, Identity, LoadKey, LogLine, LogsAccess, TimelineEvent, TopSql};

/// One thing a telemetry source saw. Telemetry yields these; `State::update` folds them in.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Observation {
    /// The source's notion of "now" (the virtual clock in the simulator).
    Clock(DateTime<Utc>),
    /// Who the credentials belong to (STS GetCallerIdentity), for the header.
    Identity(Identity),
    /// How each of several targets stands (its account, region, credentials, whether it answers): replaces
    /// what was known. Sent by the telemetry of more than one target instead of `Identity`.
    Targets(Vec<super::TargetStatus>),
    /// An alarm's current state (CloudWatch DescribeAlarms).
    Alarm(AlarmStatus),
    /// A source queue's real-time counts (SQS GetQueueAttributes).
    Queue(QueueStatus),
    /// A dead-letter queue's depth (SQS GetQueueAttributes).
    Dlq(DlqStatus),
    /// A DLQ's latest message move task (SQS ListMessageMoveTasks).
    Redrive(RedriveTask),
    /// How often each queue's and DLQ's counts are read (GetQueueAttributes), seconds, when an account has more
    /// than one fast poll can read: the fast cadence for those on screen, selected, breaching or alarming, a
    /// longer turn for the rest. Replaces what was known; empty when every queue is read every fast poll.
    ReadEvery(Vec<(String, u32)>),
    /// A function alias and the version it points to (Lambda ListAliases).
    Function(FunctionStatus),
    /// An alias moved: two polls read different versions, CloudTrail recorded the call, or an operation
    /// verified it. `Data::apply` makes several records of one move one.
    AliasMoved(AliasMove),
    /// A queue's event source mappings, read whole (Lambda ListEventSourceMappings, each qualifier's code from
    /// GetFunctionConfiguration): they replace what was known of that queue's. `Data::apply` compares them with
    /// the last read: a mapping re-pointed to another version, or `$LATEST`'s code or configuration changed
    /// (`CodeSha256`, `LastModified`), is a deploy on the timeline.
    Mappings {
        /// The queue (the mappings' event source).
        queue: String,
        /// Its mappings, those that consume first.
        mappings: Vec<EventSourceMapping>,
        /// When they were read: the deploy's time when AWS gave none (a mapping without `LastModified`).
        at: DateTime<Utc>,
    },
    /// A database cluster with its members' roles and statuses (RDS DescribeDBClusters/DescribeDBInstances).
    Cluster(ClusterStatus),
    /// Whether Performance Insights is on for a DB instance (RDS DescribeDBInstances'
    /// `PerformanceInsightsEnabled`), with its vCPUs from `DBInstanceClass` when known.
    Insights {
        /// The DB instance.
        instance: String,
        /// `PerformanceInsightsEnabled`.
        enabled: bool,
        /// Its vCPUs.
        vcpus: Option<u32>,
    },
    /// How the last read of a DB instance's Performance Insights went (the pi calls): `None` when it answered,
    /// else the error, beginning with the call (`pi:DescribeDimensionKeys: NotAuthorizedException: …`).
    InsightsRead {
        /// The DB instance.
        instance: String,
        /// The failed call's error, if one failed.
        error: Option<String>,
    },
    /// A DB instance's heaviest statements over the last minutes (pi:DescribeDimensionKeys).
    TopSql {
        /// The DB instance.
        instance: String,
        /// The statements and the window.
        top: TopSql,
    },
    /// One-minute DB load points of one key for a DB instance (pi:GetResourceMetrics, `db.load.avg`, 60-second
    /// period): (minute start, average active sessions).
    Load {
        /// The DB instance.
        instance: String,
        /// The whole load, a statement's or a wait event's.
        key: LoadKey,
        /// The points, oldest first.
        points: Vec<(DateTime<Utc>, f64)>,
    },
    /// A consumer function's error lines since the last read (logs:FilterLogEvents on its log group), or why
    /// the group could not be read.
    ConsumerLog {
        /// The function.
        function: String,
        /// Its log group.
        group: String,
        /// Read, missing, or the failed call.
        access: LogsAccess,
        /// The lines read, each possibly again (reads overlap): `Data` passes each on once by event id.
        lines: Vec<LogLine>,
    },
    /// One metric point: the period starting `at`, of `metric` for `resource`.
    Metric {
        /// The queue, function or DB instance the point is for.
        resource: String,
        /// Which metric.
        metric: MetricKind,
        /// The start of the 60-second period.
        at: DateTime<Utc>,
        /// The value, in the metric's unit (see `MetricKind`).
        value: f64,
    },
    /// A timeline event: an alarm transition, a deploy, a change, an operation.
    Event(TimelineEvent),
    /// One call of a poll failed; the rest of the poll still counts.
    Problem(Problem),
    /// The endpoint does not implement a call whose answer only adds a detail (an emulator without SQS message
    /// move tasks): the pane shows nothing for it; `snapshot` and `doctor` say so as a warning.
    Unsupported {
        /// The call, as IAM names it: "sqs:ListMessageMoveTasks".
        call: String,
        /// What the endpoint answered.
        answer: String,
    },
    /// A resource the config names does not exist.
    Missing {
        /// What kind of resource.
        kind: ResourceKind,
        /// Its name as the config gave it.
        name: String,
    },
    /// A list was read this poll: `shown: Some(n)` when a page cap cut it after `n` items (AWS had more), `None`
    /// when it was read whole, so that a note shows exactly while the list is cut.
    Capped {
        /// Which list.
        list: CappedList,
        /// How many items were read when cut; `None` when the list was whole.
        shown: Option<usize>,
    },
    /// Discovery found more resources of `kind` than it watches: only the first `limit` are shown. Not a
    /// failure, so it is not counted with the failing calls.
    Truncated {
        /// What kind of resource.
        kind: ResourceKind,
        /// How many are watched.
        limit: usize,
    },
}

impl Observation {
    /// Whether it is something a call answered: not a failure, the clock, or what a poll says of its own reads
    /// (a cut list, a missing resource, a bounded discovery, its read periods). A poll with none of these says
    /// nothing of whether its credentials or its endpoint work.
    pub fn answers(&self) -> bool {
        !matches!(
            self,
            Observation::Problem(_)
                | Observation::Clock(_)
                | Observation::Capped { .. }
                | Observation::Missing { .. }
                | Observation::Truncated { .. }
                | Observation::ReadEvery(_)
        )
    }

    /// One failed call: what it leaves out of date, the resource it was about (if one), and the error, which
    /// names the call (`sqs:GetQueueAttributes: timed out …`).
    pub fn problem(subject: Subject, resource: Option<&str>, error: impl std::fmt::Display) -> Observation {
        Observation::problem_of(FailureKind::Call, subject, resource, error)
    }

    /// `problem`, saying whether the call or the credentials it was signed with failed.
    pub fn problem_of(
        kind: FailureKind,
        subject: Subject,
        resource: Option<&str>,
        error: impl std::fmt::Display,
    ) -> Observation {
        let resource = resource.map(str::to_string);
        Observation::Problem(Problem { subject, resource, error: error.to_string(), kind })
    }
}

/// One failed call of a poll that otherwise answered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// What the failure leaves out of date, so the pane that shows it can say its rows are stale.
    pub subject: Subject,
    /// The resource the call was about (`orders`), when it was about one.
    pub resource: Option<String>,
    /// The error, beginning with the call that failed (`sqs:GetQueueAttributes: …`).
    pub error: String,
    /// Whether the call or its credentials failed.
    pub kind: FailureKind,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.resource {
            Some(resource) => write!(f, "{resource}: {}", self.error),
            None => f.write_str(&self.error),
        }
    }
}

/// What a failed call leaves out of date, so the pane that shows it can say its rows are stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Subject {
    /// Source queues' counts and metrics.
    Queues,
    /// Dead-letter queues' depths and move tasks.
    DeadLetterQueues,
    /// Functions, their aliases and versions.
    Functions,
    /// Database clusters and instances.
    Databases,
    /// Alarms and their transitions.
    Alarms,
    /// Deploys, events and CloudTrail changes: the timeline.
    Changes,
}

/// A list that a poll reads under a page cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum CappedList {
    /// CloudWatch DescribeAlarms: alarms (100 a page).
    Alarms,
    /// CloudWatch DescribeAlarmHistory: alarm transitions (100 a page).
    AlarmTransitions,
    /// CloudTrail LookupEvents: management calls (50 a page).
    Changes,
    /// RDS DescribeEvents (100 a page).
    DatabaseEvents,
    /// Lambda ListVersionsByFunction (50 a page).
    Versions,
}

impl CappedList {
    /// What the list holds, for "first 300 changes shown".
    pub fn noun(self) -> &'static str {
        match self {
            CappedList::Alarms => "alarms",
            CappedList::AlarmTransitions => "alarm transitions",
            CappedList::Changes => "changes",
            CappedList::DatabaseEvents => "RDS events",
            CappedList::Versions => "versions",
        }
    }

    /// The list as a reader names it, with the call: "alarms (cloudwatch:DescribeAlarms)".
    pub fn label(self) -> &'static str {
        match self {
            CappedList::Alarms => "alarms (cloudwatch:DescribeAlarms)",
            CappedList::AlarmTransitions => "alarm transitions (cloudwatch:DescribeAlarmHistory)",
            CappedList::Changes => "changes (cloudtrail:LookupEvents)",
            CappedList::DatabaseEvents => "RDS events (rds:DescribeEvents)",
            CappedList::Versions => "versions (lambda:ListVersionsByFunction)",
        }
    }
}

/// The kinds of resource a pane lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum ResourceKind {
    /// An SQS source queue.
    Queue,
    /// An SQS dead-letter queue.
    Dlq,
    /// A Lambda function (or one of its aliases).
    Function,
    /// An RDS/Aurora DB cluster.
    Cluster,
    /// A DB instance outside any cluster.
    Instance,
    /// A CloudWatch alarm the config names.
    Alarm,
}

impl ResourceKind {
    /// The kind as a reader names it: "queue", "dlq", "function", "cluster", "instance".
    pub fn label(self) -> &'static str {
        match self {
            ResourceKind::Queue => "queue",
            ResourceKind::Dlq => "dlq",
            ResourceKind::Function => "function",
            ResourceKind::Cluster => "cluster",
            ResourceKind::Instance => "instance",
            ResourceKind::Alarm => "alarm",
        }
    }
}
