//! AWS errors as an on-call engineer needs them: which call, which IAM action was denied, whether it was
//! throttling, a timeout, an endpoint out of reach, an answer the SDK could not read, or a missing resource —
//! never a wall of debug output, and never the SDK's bare "unhandled error".

use std::fmt;

use aws_sdk_sqs::config::http::HttpResponse;
use aws_sdk_sqs::error::{ProvideErrorMetadata, SdkError};

/// What kind of failure a call met, for deciding what it means (a conflict is not retried, a timeout may have
/// happened, a missing resource is "not found" in its pane).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsErrorKind {
    /// IAM denied the action.
    AccessDenied,
    /// The resource does not exist.
    NotFound,
    /// The call was throttled (after the SDK's own retries).
    Throttled,
    /// No answer in time: the call may or may not have happened.
    Timeout,
    /// A precondition (RevisionId) or state conflict: someone else changed it.
    Conflict,
    /// The endpoint does not implement the call (an emulator), or the operation does not apply.
    Unsupported,
    /// The endpoint could not be reached (connection refused, DNS, TLS).
    Unreachable,
    /// An answer came but the SDK could not read it (a malformed body, a field of the wrong type).
    Unreadable,
    /// The credentials did not resolve (an expired SSO session, a failing `credential_process`, a role that
    /// cannot be assumed) or AWS refused them (`ExpiredToken`, `InvalidClientTokenId`): every call fails alike.
    Credentials,
    /// Anything else the service answered.
    Other,
}

/// One failed AWS call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct AwsError {
    /// `service:Action`, as in an IAM policy.
    pub action: &'static str,
    /// What kind of failure.
    pub kind: AwsErrorKind,
    /// The service's error code (`ThrottlingException`), when it gave one.
    pub code: Option<String>,
    /// The service's message, or what happened when there was no answer to read.
    pub message: String,
}

impl AwsError {
    /// A failure warroom found in an answer the SDK accepted (a required field left out).
    pub fn unreadable(action: &'static str, message: impl Into<String>) -> AwsError {
        AwsError { action, kind: AwsErrorKind::Unreadable, code: None, message: message.into() }
    }
}

impl AwsError {
    /// What went wrong, without the call's name in front: "timed out (no answer in time)".
    pub fn detail(&self) -> String {
        let action = self.action;
        match self.kind {
            AwsErrorKind::AccessDenied => {
                format!("access denied: IAM does not allow {action} for this caller ({})", self.message)
            }
            AwsErrorKind::Timeout => format!("timed out ({})", self.message),
            AwsErrorKind::Unreachable => format!("endpoint unreachable: {}", self.message),
            AwsErrorKind::Unreadable => format!("the answer could not be read: {}", self.message),
            AwsErrorKind::Credentials => match &self.code {
                Some(code) => format!("credentials refused: {code}: {}", self.message),
                None => format!("no credentials: {}", self.message),
            },
            _ => match &self.code {
                Some(code) => format!("{code}: {}", self.message),
                None => self.message.clone(),
            },
        }
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.action, self.detail())
    }
}

fn kind_of(code: &str) -> AwsErrorKind {
    match code {
        "ExpiredToken"
        | "ExpiredTokenException"
        | "InvalidClientTokenId"
        | "UnrecognizedClientException"
        | "InvalidAccessKeyId"
        | "InvalidToken"
        | "AuthFailure"
        | "SignatureDoesNotMatch"
        | "MissingAuthenticationToken"
        | "IncompleteSignature" => AwsErrorKind::Credentials,
        "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" | "AuthorizationError" | "NotAuthorized" => {
            AwsErrorKind::AccessDenied
        }
        "Throttling"
        | "ThrottlingException"
        | "TooManyRequestsException"
        | "RequestLimitExceeded"
        | "RequestThrottled" => AwsErrorKind::Throttled,
        "PreconditionFailedException"
        | "ResourceConflictException"
        | "InvalidDBInstanceState"
        | "InvalidDBClusterStateFault"
        | "InvalidDBInstanceStateFault" => AwsErrorKind::Conflict,
        "UnsupportedOperation"
        | "UnknownOperationException"
        | "InvalidAction"
        | "NotImplemented"
        | "InvalidParameterCombination" => AwsErrorKind::Unsupported,
        c if c.contains("NotFound")
            || c.contains("DoesNotExist")
            || c.contains("NonExistentQueue")
            || c == "NoSuchResourceException" =>
        {
            AwsErrorKind::NotFound
        }
        _ => AwsErrorKind::Other,
    }
}

/// The causes under an error, joined: the part of an SDK error that says what went wrong, without the SDK's
/// generic words for its own layers ("unhandled error", "dispatch failure", "response error").
fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    const GENERIC: [&str; 8] = [
        // What the SDK says for "no provider in the chain had credentials", which the next cause says better.
        "the credential provider was not enabled",
        "unhandled error",
        "dispatch failure",
        "response error",
        "failed to construct request",
        "service error",
        "an error occurred while loading credentials",
        "unexpected credentials error",
    ];
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        // "other" is the connector's word for "not an I/O error or a timeout"; a credential_process that wrote
        // nothing to stderr ends its message with an empty "Stderr:".
        let text = e.to_string();
        let text = text.trim_end().trim_end_matches("Stderr:").trim_end().trim_end_matches('.').to_string();
        if text == "other" {
            next = e.source();
            continue;
        }
        if !GENERIC.iter().any(|g| text.starts_with(g)) && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    if parts.is_empty() { "no detail given".to_string() } else { parts.join(": ") }
}

/// Whether a provider of credentials (or of an SSO token) failed somewhere under `err`.
fn from_credentials(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(e) = next {
        if e.is::<aws_credential_types::provider::error::CredentialsError>()
            || e.is::<aws_credential_types::provider::error::TokenError>()
        {
            return true;
        }
        next = e.source();
    }
    false
}

/// How much of an answer that could not be read is quoted: enough to see the field that went wrong.
const QUOTED: usize = 160;

/// The start of a response's body, control characters escaped: what came back instead of what the SDK expected.
fn body_start(raw: &HttpResponse) -> Option<String> {
    let bytes = raw.body().bytes().filter(|b| !b.is_empty())?;
    let text = String::from_utf8_lossy(bytes);
    let text = warroom_core::text::escape_controls(text.trim());
    Some(match text.char_indices().nth(QUOTED) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    })
}

/// An answer the SDK could not read: the reason, and what the answer said.
fn unreadable(action: &'static str, causes: String, raw: &HttpResponse) -> AwsError {
    let message = match body_start(raw) {
        Some(body) => format!("{causes}; the answer was {body}"),
        None => format!("{causes}; the answer was empty"),
    };
    AwsError { action, kind: AwsErrorKind::Unreadable, code: None, message }
}

/// Turns an SDK error into an `AwsError` for `action` (`"sqs:GetQueueAttributes"`). Every result names the call and
/// either the service's code and message, or what happened instead of an answer: an answer that could not be read
/// is quoted, so the field that went wrong can be seen.
pub fn aws_error<E>(action: &'static str, err: SdkError<E, HttpResponse>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    // The credentials provider failed before anything was sent: every call will, until it works again.
    if !matches!(err, SdkError::ServiceError(_)) && from_credentials(&err) {
        return AwsError { action, kind: AwsErrorKind::Credentials, code: None, message: causes(&err) };
    }
    match &err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().filter(|c| !c.is_empty()).map(str::to_string);
            let status = service.raw().status();
            // A success status with an "error" is an answer the SDK could not read (a field of the wrong type).
            if status.is_success() && code.is_none() {
                let causes = e.source().map_or_else(|| "no detail given".to_string(), causes);
                return unreadable(action, causes, service.raw());
            }
            let kind = code.as_deref().map_or(AwsErrorKind::Other, kind_of);
            let status = status.as_u16();
            let message = match (e.message().filter(|m| !m.is_empty()), &code) {
                (Some(message), _) => message.to_string(),
                (None, Some(_)) => format!("HTTP {status}, no message"),
                // Neither a code nor a message: say what came back rather than the SDK's "unhandled error".
                (None, None) => match body_start(service.raw()) {
                    Some(body) => format!("HTTP {status} without an AWS error code; the answer was {body}"),
                    None => format!("HTTP {status} without an AWS error code or a body"),
                },
            };
            let kind = if code.is_none() && status == 429 { AwsErrorKind::Throttled } else { kind };
            AwsError { action, kind, code, message }
        }
        SdkError::TimeoutError(_) => {
            AwsError { action, kind: AwsErrorKind::Timeout, code: None, message: "no answer in time".into() }
        }
        SdkError::DispatchFailure(failure) => {
            let message = causes(&err);
            let kind = if failure.is_timeout() || message.contains("timed out") {
                AwsErrorKind::Timeout
            } else {
                AwsErrorKind::Unreachable
            };
            AwsError { action, kind, code: None, message }
        }
        SdkError::ResponseError(response) => unreadable(action, causes(&err), response.raw()),
        _ => {
            let message = causes(&err);
            let kind = if message.contains("timed out") { AwsErrorKind::Timeout } else { AwsErrorKind::Other };
            AwsError { action, kind, code: None, message }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(kind_of("AccessDeniedException"), AwsErrorKind::AccessDenied);
        assert_eq!(kind_of("ThrottlingException"), AwsErrorKind::Throttled);
        assert_eq!(kind_of("PreconditionFailedException"), AwsErrorKind::Conflict);
        assert_eq!(kind_of("DBClusterNotFoundFault"), AwsErrorKind::NotFound);
        assert_eq!(kind_of("AWS.SimpleQueueService.NonExistentQueue"), AwsErrorKind::NotFound);
        assert_eq!(kind_of("InternalFailure"), AwsErrorKind::Other);
    }

    #[test]
    fn access_denied_names_the_action() {
        let e = AwsError {
            action: "lambda:UpdateAlias",
            kind: AwsErrorKind::AccessDenied,
            code: Some("AccessDeniedException".into()),
            message: "not authorized".into(),
        };
        assert!(e.to_string().contains("IAM does not allow lambda:UpdateAlias"), "{e}");
    }
}
