//! warroom's core: the domain, the dashboard's state and its pure transition, incident sense, the journal, the
//! postmortem, and the simulator. No async runtime, no terminal and no AWS SDK are dependencies of this crate, so
//! the compiler keeps them out; the `warroom` crate brings them, and `warroom-ui` draws this crate's state.
//!
//! Layers, lowest first (a module imports only from those before it; `tests/layers.rs` checks):
//! `text`, `files`, `action`, `config`, `keymap`, `model`, `operation`, `journal`, `incident`, `sim`, `state`,
//! `scene`, `snapshot`, `export`. The map of the whole repository is `ARCHITECTURE.md`.

pub mod action;
pub mod config;
pub mod export;
pub mod files;
#[cfg(test)]
mod fixture;
pub mod incident;
pub mod journal;
pub mod keymap;
pub mod model;
pub mod operation;
#[cfg(any(test, feature = "scene"))]
pub mod scene;
pub mod sim;
pub mod snapshot;
pub mod state;
/// Follow mode's stream, at the crate's top for the binary: `state::follow`.
pub use state::follow;
pub mod text;
