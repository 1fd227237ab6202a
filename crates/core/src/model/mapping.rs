//! How a queue is consumed: its Lambda event source mappings (ListEventSourceMappings), each whole — which function
//! and qualifier it invokes, whether it is enabled, its batch size and maximum concurrency — and the code that
//! qualifier runs now.

use chrono::{DateTime, Utc};

use super::{FunctionConfig, PublishedVersion};

/// What an event source mapping invokes (its `FunctionArn`'s qualifier).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Qualifier {
    /// An alias (`orders-consumer:live`): the version is the alias's, and moving the alias is a deploy.
    Alias(String),
    /// A published version (`shipping-printer:41`): re-pointing the mapping is the deploy.
    Version(String),
    /// No qualifier, or `$LATEST`: whatever code `$LATEST` holds now; `UpdateFunctionCode` is the deploy.
    Latest,
}

impl std::fmt::Display for Qualifier {
    /// The qualifier alone: `live`, `41`, `$LATEST`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Qualifier::Alias(q) | Qualifier::Version(q) => f.write_str(q),
            Qualifier::Latest => f.write_str("$LATEST"),
        }
    }
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Code {
    /// The version that runs: a number, or `$LATEST`.
    pub version: String,
    /// `CodeSha256`: the deployment package's SHA-256, base64.
    pub sha256: String,
    /// `LastModified`: when the code or configuration last changed.
    pub last_modified: Option<DateTime<Utc>>,
    /// `RevisionId`: the lock a code restore passes to UpdateFunctionCode, so a change made after the plan was
    /// read is refused rather than overwritten; `None` when AWS left it out.
    pub revision: Option<String>,
    /// The configuration that runs with it, when read.
    pub config: Option<FunctionConfig>,
}

impl Code {
    /// The first 8 characters of `CodeSha256`, enough to tell two packages apart on screen.
    pub fn sha_prefix(&self) -> &str {
        self.sha256.get(..8).unwrap_or(&self.sha256)
    }
}

/// One event source mapping of a watched queue (Lambda ListEventSourceMappings, read each inventory poll).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// `LastModified`: when the mapping was last updated (re-pointed, paused, throttled); `None` when AWS left it
    /// out.
    pub last_modified: Option<DateTime<Utc>>,
    /// The function's newest published versions, newest first, with their `CodeSha256`
    /// (lambda:ListVersionsByFunction): the versions a version-pinned or `$LATEST` mapping can be pinned to.
    /// Empty for a mapping that invokes an alias (the alias row has them), or when unread.
    pub published: Vec<PublishedVersion>,
    /// What the mapping invoked before the re-point two polls saw (`None` until one was seen): the rollback target
    /// of a version-pinned mapping. Carried from poll to poll by `Data`.
    pub previous: Option<Qualifier>,
}

/// A version a version-pinned or `$LATEST` mapping can be pinned to, and why it is offered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PinTarget {
    /// The published version.
    pub version: String,
    /// Why: "the version it was re-pointed from", "the newest published version whose code differs from $LATEST's".
    pub why: String,
}

impl EventSourceMapping {
    /// What it invokes, as a pane names it: `orders-consumer:live`, `billing-handler ($LATEST)`.
    pub fn invoked(&self) -> String {
        self.qualifier.invoked(&self.function)
    }

    /// The versions a rollback can pin the mapping to, best first: for a version-pinned mapping the version it was
    /// seen re-pointed from, else the newest published version below it, then the others below it; for `$LATEST`
    /// the published versions whose `CodeSha256` differs from the code `$LATEST` holds now (the code before its
    /// last change), newest first. Empty for an alias (its rollback moves the alias) and when nothing earlier is
    /// published.
    pub fn pin_targets(&self) -> Vec<PinTarget> {
        let number = |v: &str| v.parse::<u64>().ok();
        match &self.qualifier {
            Qualifier::Alias(_) => Vec::new(),
            Qualifier::Version(current) => {
                let seen = match &self.previous {
                    Some(Qualifier::Version(p)) if p != current => {
                        vec![PinTarget { version: p.clone(), why: "the version it was re-pointed from".to_string() }]
                    }
                    _ => Vec::new(),
                };
                let below = self
                    .published
                    .iter()
                    .filter(|p| number(&p.version).zip(number(current)).is_some_and(|(n, c)| n < c))
                    .filter(|p| seen.iter().all(|s| s.version != p.version));
                let why = |i: usize| match (i, seen.is_empty()) {
                    (0, true) => {
                        format!("the newest published version below {current} — a guess: no re-point was seen")
                    }
                    _ => "chosen among the published versions".to_string(),
                };
                let guesses: Vec<PinTarget> =
                    below.enumerate().map(|(i, p)| PinTarget { version: p.version.clone(), why: why(i) }).collect();
                seen.into_iter().chain(guesses).collect()
            }
            Qualifier::Latest => {
                let now = self.code.as_ref().map(|c| c.sha256.as_str());
                let differs = self.published.iter().filter(|p| now.is_none_or(|sha| p.sha256 != sha));
                differs
                    .enumerate()
                    .map(|(i, p)| PinTarget {
                        version: p.version.clone(),
                        why: if i == 0 && now.is_some() {
                            "the newest published version whose code differs from $LATEST's (CodeSha256)".to_string()
                        } else if i == 0 {
                            "the newest published version ($LATEST's own code is unread)".to_string()
                        } else {
                            "chosen among the published versions".to_string()
                        },
                    })
                    .collect()
            }
        }
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

/// Test data: mapping `uuid` from `queue` to `function` with `qualifier`, in `state` (AWS's word), batch size 10,
/// `USER_INITIATED`; its code, concurrency, versions and history unread.
#[cfg(test)]
pub(crate) fn test_mapping(
    uuid: &str,
    queue: &str,
    function: &str,
    qualifier: Qualifier,
    state: &str,
) -> EventSourceMapping {
    EventSourceMapping {
        uuid: uuid.into(),
        queue: queue.into(),
        function: function.into(),
        qualifier,
        state: MappingState::parse(state),
        reason: "USER_INITIATED".into(),
        batch_size: Some(10),
        max_concurrency: None,
        code: None,
        reserved_concurrency: None,
        last_modified: None,
        published: Vec::new(),
        previous: None,
    }
}

/// `billing`'s mapping `u1` to `billing-handler` with `qualifier`, enabled, running code `sha` last changed at
/// `changed` (the mapping too), nothing published: test data for the mapping's logic.
#[cfg(test)]
pub(crate) fn billing_mapping(qualifier: Qualifier, sha: &str, changed: Option<DateTime<Utc>>) -> EventSourceMapping {
    EventSourceMapping {
        code: Some(Code { version: "$LATEST".into(), sha256: sha.into(), last_modified: changed, ..Code::default() }),
        last_modified: changed,
        ..test_mapping("u1", "billing", "billing-handler", qualifier, "Enabled")
    }
}

#[cfg(test)]
mod pin_tests {
    use super::*;

    fn published(versions: &[(&str, &str)]) -> Vec<PublishedVersion> {
        versions
            .iter()
            .map(|(v, sha)| PublishedVersion {
                version: v.to_string(),
                published_at: None,
                description: String::new(),
                sha256: sha.to_string(),
                config: None,
            })
            .collect()
    }

    fn mapping(qualifier: Qualifier, code_sha: &str, versions: &[(&str, &str)]) -> EventSourceMapping {
        EventSourceMapping { published: published(versions), ..billing_mapping(qualifier, code_sha, None) }
    }

    fn versions(m: &EventSourceMapping) -> Vec<String> {
        m.pin_targets().into_iter().map(|t| t.version).collect()
    }

    #[test]
    fn latest_is_pinned_to_the_newest_version_whose_code_differs() {
        // Version 8 was published from the new code: it is what $LATEST runs, not a way back.
        let m = mapping(Qualifier::Latest, "new", &[("8", "new"), ("7", "old"), ("6", "older")]);
        assert_eq!(versions(&m), ["7", "6"]);
        assert!(m.pin_targets()[0].why.contains("code differs from $LATEST's"));
        assert!(versions(&mapping(Qualifier::Latest, "only", &[("1", "only")])).is_empty(), "nothing earlier");
    }

    #[test]
    fn a_pinned_mapping_goes_back_to_the_version_it_left_else_the_one_below() {
        let list = [("9", "c"), ("8", "b"), ("7", "a")];
        let guess = mapping(Qualifier::Version("8".into()), "b", &list);
        assert_eq!(versions(&guess), ["7"]);
        assert!(guess.pin_targets()[0].why.contains("a guess"));
        let seen = EventSourceMapping {
            previous: Some(Qualifier::Version("9".into())),
            ..mapping(Qualifier::Version("8".into()), "b", &list)
        };
        assert_eq!(versions(&seen), ["9", "7"], "the version it was re-pointed from first, then those below");
        assert!(versions(&mapping(Qualifier::Alias("live".into()), "b", &list)).is_empty(), "an alias moves");
    }
}
