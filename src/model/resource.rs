//! Resource states as telemetry reports them: queues, DLQs, functions, clusters, alarms, redrive tasks.

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum AlarmState {
    // Declared in the order panes sort them: ALARM first.
    Alarm,
    InsufficientData,
    Ok,
}

impl AlarmState {
    pub fn label(self) -> &'static str {
        match self {
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFF",
            AlarmState::Ok => "OK",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AlarmStatus {
    pub name: String,
    pub state: AlarmState,
    pub since: DateTime<Utc>,
    /// The resource whose metric the alarm watches, for linking alarms to panes.
    pub resource: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QueueStatus {
    pub name: String,
    pub visible: u64,
    pub in_flight: u64,
    pub dlq: Option<String>,
    /// The consumer reading this queue, when known (queue → consumer → database).
    pub consumer: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DlqStatus {
    pub name: String,
    pub source: String,
    pub depth: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RedriveStatus {
    Running,
    Completed,
    Cancelled,
    Failed,
}

impl RedriveStatus {
    pub fn label(self) -> &'static str {
        match self {
            RedriveStatus::Running => "RUNNING",
            RedriveStatus::Completed => "COMPLETED",
            RedriveStatus::Cancelled => "CANCELLED",
            RedriveStatus::Failed => "FAILED",
        }
    }
}

/// A DLQ → source message move task (SQS StartMessageMoveTask).
#[derive(Debug, Clone, PartialEq)]
pub struct RedriveTask {
    /// The task handle AWS returns; needed to cancel.
    pub handle: String,
    pub dlq: String,
    pub destination: String,
    pub rate_per_second: Option<u32>,
    pub moved: u64,
    pub to_move: u64,
    pub status: RedriveStatus,
    pub started_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionStatus {
    pub name: String,
    pub alias: String,
    pub version: String,
    /// The version the alias pointed to before its last move: the rollback target.
    pub previous_version: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Role {
    Writer,
    Reader,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Writer => "writer",
            Role::Reader => "reader",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct InstanceStatus {
    pub id: String,
    pub role: Role,
    pub status: String,
}

/// What kind of database this is decides which reboot and failover calls apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum ClusterKind {
    /// Aurora: instances reboot one by one (RebootDBInstance); FailoverDBCluster promotes a reader.
    #[default]
    Aurora,
    /// A Multi-AZ DB cluster (non-Aurora): rebooted as a whole with RebootDBCluster.
    MultiAzCluster,
    /// A single DB instance, shown as a cluster of one; Multi-AZ ones can fail over while rebooting.
    Instance { multi_az: bool },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClusterStatus {
    pub id: String,
    pub engine: String,
    pub kind: ClusterKind,
    pub status: String,
    pub members: Vec<InstanceStatus>,
}

impl ClusterStatus {
    pub fn writer(&self) -> Option<&InstanceStatus> {
        self.members.iter().find(|m| m.role == Role::Writer)
    }
}
