//! Domain types shared by every layer above: resources and their states, metric series, timeline events, what a
//! poll observed, and the folded picture of all of it (`Data`). Plain data: no I/O, no clock, no runtime.

mod calls;
mod code_deploys;
mod consumer_logs;
mod credentials;
mod data;
mod deploy;
mod feed;
mod function_config;
mod insights;
mod mapping;
mod metric;
mod observation;
mod resource;
mod series;
mod session;
mod status;
mod stream_author;
mod target;
mod thresholds;
mod timeline;
mod war_room;

pub use calls::{CallBudget, CallRate, QuotaSource};
pub use code_deploys::{CODE_CALLS, OwnChange, cloudtrail_text};
pub use consumer_logs::{
    ConsumerLogs, ErrorGroup, ErrorKind, KeptLine, LINES_KEPT, LogLine, LogsAccess, WindowCount, fingerprint,
    runtime_text,
};
pub use credentials::{CredentialFailure, CredentialSource, FailureKind};
pub use data::{Data, Identity};
pub use deploy::{AliasMove, MoveSource};
pub use feed::{Feed, TelemetryError};
pub use function_config::{FunctionConfig, PackageType};
pub use insights::{
    InsightsAccess, InstanceInsights, LoadKey, STATEMENTS_KEPT, SqlStatement, TOP_STATEMENTS, TopSql, WaitEvent,
    vcpus_of_class,
};
#[cfg(test)]
pub(crate) use mapping::test_mapping;
pub use mapping::{Code, EventSourceMapping, MappingState, PinTarget, Qualifier, leading_first};
pub use metric::MetricKind;
pub use observation::{CappedList, Observation, Problem, ResourceKind, Subject};
pub use resource::{
    AlarmKind, AlarmState, AlarmStatus, AlarmThreshold, ClusterKind, ClusterStatus, DlqSources, DlqStatus,
    FunctionStatus, InstanceStatus, PeekedMessage, PublishedVersion, QueueStatus, RedriveStatus, RedriveTask, Role,
    is_fifo,
};
pub use series::{Point, Series};
pub use session::{Session, SessionKind, acting_as};
pub use status::DbStatus;
pub use stream_author::StreamAuthor;
pub use target::{Place, SEPARATOR, TargetStatus, qualified, split, target_writes_into, unqualified};
pub use thresholds::{Threshold, ThresholdIndex, ThresholdSource};
pub use timeline::{EventKind, TimelineEvent};
pub use war_room::{Side, WarRoomHealth, WarRoomStatus};
