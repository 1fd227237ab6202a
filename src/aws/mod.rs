//! The AWS base the read side (`telemetry::aws`), the write side (`ops::aws`) and the war room share: the clients
//! and how to connect them, the mapping of SDK errors to what an engineer needs, bounded paging, time conversion,
//! and the SQS and RDS lookups more than one of them makes. Nothing here decides what to poll or when.

pub mod budget;
pub mod calls;
pub mod connect;
pub mod credentials;
pub mod databases;
pub mod errors;
pub mod package;
pub mod paging;
pub mod queues;
pub mod quotas;
pub mod time;

pub use connect::{AwsOptions, Clients, ConnectError, Connection, connect, connect_with};
pub use errors::{AwsError, AwsErrorKind, aws_error};
