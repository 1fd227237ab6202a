//! How a queue is consumed: its Lambda event source mappings (ListEventSourceMappings), each whole — which function
//! and qualifier it invokes, whether it is enabled, its batch size and maximum concurrency — and the code that
//! qualifier runs now.

use chrono::{DateTime, Utc};

/// What an event source mapping invokes (its `FunctionArn`'s qualifier).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Qualifier {
    /// An alias (`orders-consumer:live`): the version is the alias's, and moving the alias is a deploy.
    Alias(String),
    /// A published version (`shipping-printer:41`): re-pointing the mapping is the deploy.
    Version(String),
    /// No qualifier, or `$LATEST`: whatever code `$LATEST` holds now; `UpdateFunctionCode` is the deploy.
    Latest,
}

impl Qualifier {
    /// The qualifier of a function ARN's last part: none or `$LATEST` is `Latest`, all digits a version (Lambda
    /// forbids all-digit alias names), anything else an alias.
    pub fn parse(qualifier: Option<&str>) -> Qualifier {
        match qualifier {
            None | Some("") | Some("$LATEST") => Qualifier::Latest,
            Some(v) if v.bytes().all(|b| b.is_ascii_digit()) => Qualifier::Version(v.to_string()),
            Some(alias) => Qualifier::Alias(alias.to_string()),
        }
    }

    /// The alias's name, for an alias.
    pub fn alias(&self) -> Option<&str> {
        match self {
            Qualifier::Alias(a) => Some(a),
            _ => None,
        }
    }

    /// How a plan or a pane names what is invoked: `orders-consumer:live`, `shipping-printer:41`,
    /// `billing-handler ($LATEST)`.
    pub fn invoked(&self, function: &str) -> String {
        match self {
            Qualifier::Alias(q) | Qualifier::Version(q) => format!("{function}:{q}"),
            Qualifier::Latest => format!("{function} ($LATEST)"),
        }
    }

    /// The value of `FunctionName` that invokes it, for UpdateEventSourceMapping: `name`, `name:41`, `name:live`.
    pub fn function_name(&self, function: &str) -> String {
        match self {
            Qualifier::Alias(q) | Qualifier::Version(q) => format!("{function}:{q}"),
            Qualifier::Latest => function.to_string(),
        }
    }
}

/// An event source mapping's `State`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingState {
    /// `Enabled`: Lambda polls the queue and invokes the function.
    Enabled,
    /// `Enabling`: on its way to Enabled.
    Enabling,
    /// `Disabled`: nothing polls the queue; messages wait there.
    Disabled,
    /// `Disabling`: on its way to Disabled.
    Disabling,
    /// `Creating`, `Updating` or `Deleting`, as AWS spelt it.
    Changing(String),
}

impl MappingState {
    /// AWS's word (`Enabled`, `Disabled`, …); anything else is a change in progress.
    pub fn parse(state: &str) -> MappingState {
        match state {
            "Enabled" => MappingState::Enabled,
            "Enabling" => MappingState::Enabling,
            "Disabled" => MappingState::Disabled,
            "Disabling" => MappingState::Disabling,
            other => MappingState::Changing(other.to_string()),
        }
    }

    /// As AWS spells it.
    pub fn label(&self) -> &str {
        match self {
            MappingState::Enabled => "Enabled",
            MappingState::Enabling => "Enabling",
            MappingState::Disabled => "Disabled",
            MappingState::Disabling => "Disabling",
            MappingState::Changing(s) => s,
        }
    }

    /// Whether it consumes, or is about to (`Enabled`, `Enabling`, or updating while enabled).
    pub fn consumes(&self) -> bool {
        matches!(self, MappingState::Enabled | MappingState::Enabling)
    }
}

/// The code a mapping's qualifier runs now (lambda:GetFunctionConfiguration with the qualifier).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// The version that runs: a number, or `$LATEST`.
    pub version: String,
    /// `CodeSha256`: the deployment package's SHA-256, base64.
    pub sha256: String,
    /// `LastModified`: when the code or configuration last changed.
    pub last_modified: Option<DateTime<Utc>>,
}

impl Code {
    /// The first 8 characters of `CodeSha256`, enough to tell two packages apart on screen.
    pub fn sha_prefix(&self) -> &str {
        self.sha256.get(..8).unwrap_or(&self.sha256)
    }
}

/// One event source mapping of a watched queue (Lambda ListEventSourceMappings, read each inventory poll).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSourceMapping {
    /// `UUID`: what UpdateEventSourceMapping names.
    pub uuid: String,
    /// The queue it reads (its `EventSourceArn`'s name).
    pub queue: String,
    /// The function's name.
    pub function: String,
    /// What of the function it invokes.
    pub qualifier: Qualifier,
    /// `State`.
    pub state: MappingState,
    /// `StateTransitionReason` (`USER_INITIATED`, or AWS's words when it disabled the mapping itself); empty when
    /// AWS said nothing.
    pub reason: String,
    /// `BatchSize`: messages per invocation.
    pub batch_size: Option<u32>,
    /// `ScalingConfig.MaximumConcurrency` (2–1000): at most this many concurrent invocations; `None` is
    /// unlimited (up to the function's concurrency).
    pub max_concurrency: Option<u32>,
    /// The code the qualifier runs now, when GetFunctionConfiguration answered.
    pub code: Option<Code>,
    /// The function's reserved concurrency (lambda:GetFunctionConcurrency `ReservedConcurrentExecutions`); `None`
    /// when it has none or it was not read. Below the mapping's maximum concurrency, invocations are throttled
    /// and messages can drift to the DLQ.
    pub reserved_concurrency: Option<u32>,
}

impl EventSourceMapping {
    /// What it invokes, as a pane names it: `orders-consumer:live`, `billing-handler ($LATEST)`.
    pub fn invoked(&self) -> String {
        self.qualifier.invoked(&self.function)
    }

    /// Why it does not consume, when it does not: "mapping Disabled (USER_INITIATED)".
    pub fn idle_reason(&self) -> Option<String> {
        if self.state.consumes() {
            return None;
        }
        let reason = if self.reason.is_empty() { String::new() } else { format!(" ({})", self.reason) };
        Some(format!("mapping {}{reason}", self.state.label()))
    }
}

/// A queue's mappings in the order panes show them: those that consume first, then by UUID.
pub fn leading_first(mappings: &mut [EventSourceMapping]) {
    mappings.sort_by(|a, b| b.state.consumes().cmp(&a.state.consumes()).then(a.uuid.cmp(&b.uuid)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifiers_from_arn_parts() {
        assert_eq!(Qualifier::parse(None), Qualifier::Latest);
        assert_eq!(Qualifier::parse(Some("$LATEST")), Qualifier::Latest);
        assert_eq!(Qualifier::parse(Some("41")), Qualifier::Version("41".into()));
        assert_eq!(Qualifier::parse(Some("live")), Qualifier::Alias("live".into()));
        assert_eq!(Qualifier::Latest.invoked("billing-handler"), "billing-handler ($LATEST)");
        assert_eq!(Qualifier::Version("1".into()).function_name("shipping-printer"), "shipping-printer:1");
    }
}
