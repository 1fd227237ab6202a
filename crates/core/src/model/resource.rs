//! Resource states as telemetry reports them: queues, DLQs, functions, clusters, alarms, redrive tasks.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{AliasMove, DbStatus, FunctionConfig};

/// A CloudWatch alarm's state (`StateValue`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
pub enum AlarmState {
    // Declared in the order panes sort them: ALARM first.
    /// `ALARM`: the condition holds.
    Alarm,
    /// `INSUFFICIENT_DATA`: not enough data to decide (also what a missing state reads as).
    InsufficientData,
    /// `OK`.
    Ok,
}

impl AlarmState {
    /// The state in at most six characters, for the alarm pane: "ALARM", "INSUFF", "OK".
    pub fn label(self) -> &'static str {
        match self {
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFF",
            AlarmState::Ok => "OK",
        }
    }
}

/// One alarm (CloudWatch DescribeAlarms, metric and composite alarms both).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AlarmStatus {
    /// `AlarmName`.
    pub name: String,
    /// What the alarm evaluates: one metric, a metric-math expression, or other alarms.
    pub kind: AlarmKind,
    /// `StateValue`.
    pub state: AlarmState,
    /// `StateUpdatedTimestamp`: when it entered its state.
    pub since: DateTime<Utc>,
    /// The resources whose metrics the alarm watches, for linking alarms to panes and onsets: a metric alarm's
    /// first dimension's value; a metric-math alarm's metrics' ones; a composite alarm's children's. In order,
    /// without repeats; empty when nothing names a resource (the alarm is then its own onset).
    pub resources: Vec<String>,
    /// `StateReason`.
    pub reason: String,
    /// A metric alarm's line on a metric warroom breaches on (`AlarmThreshold`), which then is the resource's
    /// threshold (`resources[0]`); `None` for every other alarm.
    pub threshold: Option<AlarmThreshold>,
}

/// A metric alarm's line on one of warroom's metrics: AWS/SQS ApproximateAgeOfOldestMessage (seconds) or
/// AWS/RDS CPUUtilization (percent), compared greater-than (or equal): DescribeAlarms' `Threshold`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AlarmThreshold {
    /// Which metric.
    pub metric: super::MetricKind,
    /// `Threshold`, in the metric's unit.
    pub value: f64,
}

impl AlarmStatus {
    /// The resources, comma-separated, or "–" when there are none: for facts and the snapshot.
    pub fn resource_list(&self) -> String {
        if self.resources.is_empty() { "–".to_string() } else { self.resources.join(", ") }
    }
}

/// What an alarm evaluates (DescribeAlarms' `MetricAlarms` or `CompositeAlarms`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum AlarmKind {
    /// A metric alarm on one metric (`MetricName` with `Dimensions`).
    Metric,
    /// A metric alarm on metric math (`Metrics`): the expression whose value it compares (`ReturnData`).
    MetricMath {
        /// The returned query's `Expression`, e.g. `m1 + m2`.
        expression: String,
    },
    /// A composite alarm: `AlarmRule` over other alarms.
    Composite {
        /// `AlarmRule`, e.g. `ALARM("orders-age") OR ALARM("orders-db-cpu")`.
        rule: String,
        /// The alarms the rule names, in rule order, each with its state (`None` when DescribeAlarms did not
        /// return it: deleted, or in another account).
        children: Vec<(String, Option<AlarmState>)>,
    },
}

impl AlarmKind {
    /// "metric", "metric math" or "composite".
    pub fn label(&self) -> &'static str {
        match self {
            AlarmKind::Metric => "metric",
            AlarmKind::MetricMath { .. } => "metric math",
            AlarmKind::Composite { .. } => "composite",
        }
    }

    /// A composite alarm's children in ALARM, in rule order; empty for metric alarms.
    pub fn children_in_alarm(&self) -> Vec<&str> {
        match self {
            AlarmKind::Composite { children, .. } => children
                .iter()
                .filter(|(_, state)| *state == Some(AlarmState::Alarm))
                .map(|(name, _)| name.as_str())
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// A source queue's real-time counts (SQS GetQueueAttributes) and how it is wired.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QueueStatus {
    /// Queue name.
    pub name: String,
    /// ApproximateNumberOfMessages: messages waiting.
    pub visible: u64,
    /// ApproximateNumberOfMessagesNotVisible: messages being processed.
    pub in_flight: u64,
    /// Its dead-letter queue's name, from the RedrivePolicy.
    pub dlq: Option<String>,
    /// The Lambda function reading this queue (its event source mapping), when known: queue → consumer →
    /// database.
    pub consumer: Option<String>,
    /// MessageRetentionPeriod, seconds: how long a message may wait before SQS deletes it; `None` when unread.
    pub retention_seconds: Option<u64>,
}

/// A dead-letter queue's depth (SQS GetQueueAttributes) and where its messages came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DlqStatus {
    /// Queue name (a FIFO queue's ends in `.fifo`).
    pub name: String,
    /// The SQS queues whose RedrivePolicy names it: only then can StartMessageMoveTask redrive it.
    pub sources: DlqSources,
    /// ApproximateNumberOfMessages: messages in the DLQ.
    pub depth: u64,
    /// QueueArn, as StartMessageMoveTask's SourceArn names it; `None` when unread.
    pub arn: Option<String>,
    /// MessageRetentionPeriod, seconds: how long a dead letter is kept before SQS deletes it; `None` when unread.
    pub retention_seconds: Option<u64>,
    /// Each source queue's RedrivePolicy maxReceiveCount (receives before a message lands here), by source.
    pub max_receive_counts: Vec<(String, u32)>,
}

impl DlqStatus {
    /// Its source queues for a row or a fact: "orders", "orders, payments", "none (not an SQS DLQ)", "?".
    pub fn source_label(&self) -> String {
        match &self.sources {
            DlqSources::Queues(q) if !q.is_empty() => q.join(", "),
            DlqSources::Queues(_) | DlqSources::NoSqsQueue => "none (not an SQS DLQ)".to_string(),
            DlqSources::Unknown => "?".to_string(),
        }
    }
}

/// Where a dead-letter queue's messages come from, as far as SQS can tell.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DlqSources {
    /// Named by these queues' RedrivePolicy (the watched queues', and ListDeadLetterSourceQueues').
    Queues(Vec<String>),
    /// ListDeadLetterSourceQueues says no SQS queue names it: a Lambda, SNS or EventBridge dead-letter queue,
    /// which StartMessageMoveTask refuses to redrive.
    NoSqsQueue,
    /// Its sources could not be listed (the call failed, or the endpoint lacks it).
    #[default]
    Unknown,
}

impl DlqSources {
    /// The source queues, when known (empty otherwise).
    pub fn queues(&self) -> &[String] {
        match self {
            DlqSources::Queues(q) => q,
            _ => &[],
        }
    }
}

/// Whether the queue `name` is FIFO: SQS requires FIFO queue names to end in `.fifo`.
pub fn is_fifo(name: &str) -> bool {
    name.ends_with(".fifo")
}

/// A message move task's status (SQS ListMessageMoveTasks `Status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum RedriveStatus {
    /// `RUNNING` (or `CANCELLING`): messages are being moved.
    Running,
    /// `COMPLETED`.
    Completed,
    /// `CANCELLED`.
    Cancelled,
    /// `FAILED`.
    Failed,
}

impl RedriveStatus {
    /// The status as SQS spells it.
    pub fn label(self) -> &'static str {
        match self {
            RedriveStatus::Running => "RUNNING",
            RedriveStatus::Completed => "COMPLETED",
            RedriveStatus::Cancelled => "CANCELLED",
            RedriveStatus::Failed => "FAILED",
        }
    }
}

/// A DLQ → source message move task (SQS StartMessageMoveTask), as ListMessageMoveTasks reports it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RedriveTask {
    /// The task handle AWS returns; needed to cancel.
    pub handle: String,
    /// The DLQ the messages leave.
    pub dlq: String,
    /// The queue they go to (the source queue when the task names no destination).
    pub destination: String,
    /// MaxNumberOfMessagesPerSecond; `None` lets SQS choose.
    pub rate_per_second: Option<u32>,
    /// ApproximateNumberOfMessagesMoved.
    pub moved: u64,
    /// ApproximateNumberOfMessagesToMove.
    pub to_move: u64,
    /// Its status.
    pub status: RedriveStatus,
    /// StartedTimestamp.
    pub started_at: DateTime<Utc>,
}

/// A Lambda alias and the version it points to (Lambda ListAliases), with what warroom knows of its history.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FunctionStatus {
    /// Function name.
    pub name: String,
    /// Alias name.
    pub alias: String,
    /// The version the alias points to now.
    pub version: String,
    /// The rollback target: the version before the alias's last move when a record of it says (see
    /// `last_move`), else the newest published version below `version` (ListVersionsByFunction), a guess.
    pub previous_version: Option<String>,
    /// Published versions below `version`, newest first, at most `PublishedVersion::OFFERED`: the rollback
    /// targets a plan offers (ListVersionsByFunction, read on first sight).
    pub published: Vec<PublishedVersion>,
    /// The function's newest published versions, newest first, at most `PublishedVersion::OFFERED`, the alias's
    /// own and any above it included (ListVersionsByFunction): what the detail view lists.
    pub versions: Vec<PublishedVersion>,
    /// The move that brought the alias to `version`, from whatever recorded it; `None` while no record has
    /// (first sight, before CloudTrail or the journal speaks): the history is unknown, and `version` is not a
    /// deploy.
    pub last_move: Option<AliasMove>,
}

/// One published version of a function (ListVersionsByFunction).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PublishedVersion {
    /// The version number.
    pub version: String,
    /// When it was published (its LastModified), if AWS said.
    pub published_at: Option<DateTime<Utc>>,
    /// Its description ("release 41"), empty when it has none.
    pub description: String,
    /// Its `CodeSha256` (base64), empty when unread: tells which published version holds the code `$LATEST` ran
    /// before its last change.
    pub sha256: String,
    /// Its configuration (handler, runtime, memory, …), for what a code restore leaves different; `None` when
    /// unread.
    pub config: Option<FunctionConfig>,
}

impl PublishedVersion {
    /// How many versions below the current one a rollback plan offers.
    pub const OFFERED: usize = 10;
}

impl FunctionStatus {
    /// When the alias moved to its version, if a record says.
    pub fn changed_at(&self) -> Option<DateTime<Utc>> {
        self.last_move.as_ref().map(|m| m.at)
    }

    /// Whether `previous_version` is what a record of the alias's last move says it came from, rather than the
    /// newest published version below (a guess): a move recorded without its `from` (CloudTrail's `CreateAlias`,
    /// whose event names only the new version) leaves it a guess.
    pub fn previous_known(&self) -> bool {
        self.last_move.as_ref().is_some_and(|m| m.from.is_some() && m.from == self.previous_version)
    }

    /// Takes `moved` (a move to this row's version) as its history; the version it moved from, when the record
    /// says, becomes the rollback target.
    pub fn take_history(&mut self, moved: &AliasMove) {
        self.previous_version = moved.from.clone().or(self.previous_version.take());
        self.last_move = Some(moved.clone());
    }

    /// Whether the rollback target is the version the alias was seen to move from, rather than a guess from
    /// the published versions.
    pub fn previous_seen(&self) -> bool {
        self.previous_version.is_some()
            && self.last_move.as_ref().and_then(|m| m.from.as_ref()) == self.previous_version.as_ref()
    }
}

/// A DB instance's role in its cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Role {
    /// The cluster's writer (`IsClusterWriter`), or a standalone instance.
    Writer,
    /// A reader (Aurora replica, or a Multi-AZ DB cluster's readable standby).
    Reader,
}

impl Role {
    /// "writer" or "reader".
    pub fn label(self) -> &'static str {
        match self {
            Role::Writer => "writer",
            Role::Reader => "reader",
        }
    }
}

/// One DB instance of a cluster.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InstanceStatus {
    /// DBInstanceIdentifier.
    pub id: String,
    /// Writer or reader.
    pub role: Role,
    /// DBInstanceStatus.
    pub status: DbStatus,
}

/// What kind of database this is decides which reboot and failover calls apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum ClusterKind {
    /// Aurora: instances reboot one by one (RebootDBInstance); FailoverDBCluster promotes a reader.
    #[default]
    Aurora,
    /// A Multi-AZ DB cluster (non-Aurora): rebooted as a whole with RebootDBCluster.
    MultiAzCluster,
    /// A single DB instance, shown as a cluster of one; Multi-AZ ones can fail over while rebooting.
    Instance {
        /// Whether it has a standby in another zone (`MultiAZ`).
        multi_az: bool,
    },
    /// Amazon DocumentDB (engine `docdb`), which the RDS API also lists: instances reboot one by one
    /// (RebootDBInstance; RebootDBCluster does not apply), FailoverDBCluster promotes a replica; metrics in
    /// `AWS/DocDB`.
    DocumentDb,
    /// Amazon Neptune (engine `neptune`), which the RDS API also lists: as DocumentDB; metrics in `AWS/Neptune`.
    Neptune,
    /// A cluster engine warroom does not know: shown with its status, never offered an operation, since no one
    /// knows which calls AWS would accept for it.
    Unknown,
}

impl ClusterKind {
    /// A DB cluster's kind from its `Engine` (DescribeDBClusters): `aurora-*` is Aurora, `mysql` and `postgres`
    /// are Multi-AZ DB clusters, `docdb` DocumentDB, `neptune` Neptune; anything else is unknown.
    pub fn of_cluster_engine(engine: &str) -> ClusterKind {
        match engine {
            e if e.starts_with("aurora") => ClusterKind::Aurora,
            "mysql" | "postgres" => ClusterKind::MultiAzCluster,
            "docdb" => ClusterKind::DocumentDb,
            "neptune" => ClusterKind::Neptune,
            _ => ClusterKind::Unknown,
        }
    }

    /// The CloudWatch namespace its instances' metrics are published in: `AWS/RDS`, `AWS/DocDB` or
    /// `AWS/Neptune`.
    pub fn namespace(self) -> &'static str {
        match self {
            ClusterKind::DocumentDb => "AWS/DocDB",
            ClusterKind::Neptune => "AWS/Neptune",
            _ => "AWS/RDS",
        }
    }

    /// What it is, for plans and details: "Aurora", "a Multi-AZ DB cluster", "DocumentDB", ….
    pub fn label(self) -> &'static str {
        match self {
            ClusterKind::Aurora => "Aurora",
            ClusterKind::MultiAzCluster => "a Multi-AZ DB cluster",
            ClusterKind::Instance { .. } => "a single DB instance",
            ClusterKind::DocumentDb => "DocumentDB",
            ClusterKind::Neptune => "Neptune",
            ClusterKind::Unknown => "an engine warroom does not know",
        }
    }
}

/// A DB cluster (or a standalone instance shown as a cluster of one) with its members.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ClusterStatus {
    /// DBClusterIdentifier (the instance's identifier for a standalone instance).
    pub id: String,
    /// Engine (`aurora-postgresql`).
    pub engine: String,
    /// Which reboot and failover calls apply.
    pub kind: ClusterKind,
    /// The cluster's status (a standalone instance's own).
    pub status: DbStatus,
    /// Its instances, writer first as AWS lists them.
    pub members: Vec<InstanceStatus>,
}

impl ClusterStatus {
    /// The writer instance, if the cluster has one now (during a failover it may not).
    pub fn writer(&self) -> Option<&InstanceStatus> {
        self.members.iter().find(|m| m.role == Role::Writer)
    }
}

/// One message a peek received (SQS ReceiveMessage with a visibility timeout of 0): left in the queue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PeekedMessage {
    /// `MessageId`.
    pub message_id: String,
    /// `Body`, as sent.
    pub body: String,
    /// `ApproximateReceiveCount`, this receive included.
    pub receive_count: u32,
    /// `SentTimestamp`, when SQS said.
    pub sent_at: Option<DateTime<Utc>>,
    /// The other system attributes SQS returned (`DeadLetterQueueSourceArn`, `SenderId`, …), by name.
    pub attributes: Vec<(String, String)>,
    /// The message attributes the sender set, by name (string values; binary ones as their size).
    pub message_attributes: Vec<(String, String)>,
}

impl PeekedMessage {
    /// The body as it reads best: a JSON object or array pretty-printed, anything else as sent.
    pub fn readable_body(&self) -> String {
        match serde_json::from_str::<serde_json::Value>(&self.body) {
            Ok(json @ (serde_json::Value::Object(_) | serde_json::Value::Array(_))) => {
                serde_json::to_string_pretty(&json).unwrap_or_else(|_| self.body.clone())
            }
            _ => self.body.clone(),
        }
    }
}
