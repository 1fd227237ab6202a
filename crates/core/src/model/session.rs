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

/// Who acts, as the timeline, the export and the header name it: `operator`, and the AWS principal its calls are
/// signed as when known, by the ARN's resource part (`arn:aws:sts::123456789012:assumed-role/OnCall/alice` →
/// `ec2-user as assumed-role/OnCall/alice`); a principal that is no ARN is shown as it is.
pub fn acting_as(operator: &str, principal: Option<&str>) -> String {
    let Some(arn) = principal else { return operator.to_string() };
    let name = match arn.strip_prefix("arn:") {
        Some(rest) => rest.splitn(5, ':').nth(4).unwrap_or(arn),
        None => arn,
    };
    format!("{operator} as {name}")
}
