//! One file per pane. The panes with rows draw them through the shared table (`crate::table`) from
//! `State::rows()`, so what is highlighted is what an operation key acts on.

pub mod alarms;
pub mod credentials;
pub mod database;
pub mod dlqs;
pub mod footer;
pub mod functions;
pub mod header;
pub mod queues;
pub mod targets;
pub mod timeline;
pub mod top_sql;
pub mod trigger;
