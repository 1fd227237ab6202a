//! Who is at the keyboard and what the session is connected to: recorded on every journal line.

use serde::{Deserialize, Serialize};

/// Whether a session reads AWS or the demo's simulator. The journal records it as `mode` ("live", "demo").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// Real AWS (or an emulator): live telemetry, operations call AWS.
    Live,
    /// The simulated incident (`--demo`): a virtual clock, operations change the simulation.
    Demo,
}

impl SessionKind {
    /// "live" or "demo", as the journal writes it.
    pub fn name(self) -> &'static str {
        match self {
            SessionKind::Live => "live",
            SessionKind::Demo => "demo",
        }
    }
}

/// Who wrote the journal and how: the same for every line of one dashboard (or `warroom annotate`) run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Who is operating: the config's `operator`, else $WARROOM_OPERATOR, $USER or the login name.
    pub operator: String,
    /// Live or demo. Written as `mode` in the journal: the one place the old word stays, because journals already
    /// written say `mode` and export, the journal tail and other sessions read them back.
    #[serde(rename = "mode")]
    pub kind: SessionKind,
    /// Whether the session was started `--read-only` (then it has no operator to carry out operations).
    pub read_only: bool,
}

/// An ARN's resource part, the readable name of a principal: `arn:aws:sts::123456789012:assumed-role/OnCall/alice`
/// → `assumed-role/OnCall/alice`; anything else as it is.
pub fn principal_name(arn: &str) -> &str {
    match arn.strip_prefix("arn:") {
        Some(rest) => rest.splitn(5, ':').nth(4).unwrap_or(arn),
        None => arn,
    }
}
