//! warroom: a terminal incident-response dashboard for AWS.
//!
//! Data flows one way (telemetry → state → screen); operations flow the other way through one guarded door
//! (action → state → effect → guard → operator). See `DESIGN.md` in the shared folder for the map.

pub mod action;
pub mod app;
pub mod backoff;
pub mod cli;
pub mod config;
pub mod export;
pub mod incident;
pub mod journal;
pub mod journal_tail;
pub mod keymap;
pub mod model;
pub mod ops;
pub mod paths;
pub mod scene;
pub mod snapshot;
pub mod state;
pub mod telemetry;
pub mod text;
pub mod ui;
pub mod war_room;
