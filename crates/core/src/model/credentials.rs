//! Where the AWS credentials come from, and failures that are theirs rather than a call's: when an SSO session
//! or a `credential_process` stops working mid-incident, every call fails at once, and one banner that names the
//! source and its remedy says more than every pane repeating the SDK's error.

use chrono::{DateTime, Utc};

/// Why a call (or a whole poll) failed: the call itself, or the credentials it is signed with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FailureKind {
    /// The call failed (denied, throttled, timed out, not found, …): its own pane says so.
    #[default]
    Call,
    /// The credentials did not resolve (an expired SSO session, a failing `credential_process`) or AWS refused
    /// them (`ExpiredToken`, `InvalidClientTokenId`): every call fails alike, and one banner says so.
    Credentials,
}

/// The credential source the session's calls are signed with, as the user would name it, read from the
/// environment and the shared config files the way aws-config's default chain picks it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CredentialSource {
    /// "profile oncall (SSO session corp)", "environment variables (AWS_ACCESS_KEY_ID)", "the EC2 instance
    /// profile (IMDS)".
    pub description: String,
    /// What to run or fix when it stops working: "run `aws sso login --profile oncall`".
    pub remedy: String,
}

/// Credentials that stopped working: since when (the dashboard clock), and the latest reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CredentialFailure {
    /// When the first call failed for them.
    pub since: DateTime<Utc>,
    /// The latest reason, naming the call (`sqs:GetQueueAttributes: ExpiredToken: …`).
    pub detail: String,
}
