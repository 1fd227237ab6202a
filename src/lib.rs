//! warroom: a terminal incident-response dashboard for AWS.
//!
//! This crate is the part with a runtime, a terminal and the AWS SDK: the AWS base (`aws`), the read side
//! (`telemetry`: the AWS readers and the simulator's adapter), the write side (`ops`: the operators, the guard,
//! the runner), the shared war room, the event loop (`app`), and the binary's commands. The domain, the state and
//! incident sense live in `warroom_core`; the screen in `warroom_ui`. Data flows one way (telemetry → state →
//! screen); operations flow the other way through one guarded door (action → state → effect → guard →
//! operator). `ARCHITECTURE.md` is the map.
//!
//! Layers, lowest first (a module imports only from those before it; `tests/layers.rs` checks): `paths`,
//! `backoff`, `aws`, `telemetry`, `ops`, `war_room`, `follow` (follow mode's stream on S3), `doctor` (the pre-incident checks), `app`, `cli`, `commands`.

pub mod app;
pub mod aws;
pub mod backoff;
pub mod cli;
pub mod commands;
pub mod doctor;
pub mod follow;
pub mod ops;
pub mod paths;
pub mod telemetry;
pub mod war_room;
