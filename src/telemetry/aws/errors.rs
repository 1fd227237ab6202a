//! AWS errors as an on-call engineer needs them: which call, which IAM action was refused, whether it was
//! throttling, a timeout or a missing resource — never a wall of debug output.

use std::fmt;

use aws_sdk_sqs::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsErrorKind {
    AccessDenied,
    NotFound,
    Throttled,
    Timeout,
    /// A precondition (RevisionId) or state conflict: someone else changed it.
    Conflict,
    /// The endpoint does not implement the call (an emulator), or the operation does not apply.
    Unsupported,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct AwsError {
    /// `service:Action`, as in an IAM policy.
    pub action: &'static str,
    pub kind: AwsErrorKind,
    pub code: Option<String>,
    pub message: String,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            AwsErrorKind::AccessDenied => {
                write!(f, "{}: access denied — IAM action {} was refused ({})", self.action, self.action, self.message)
            }
            AwsErrorKind::Timeout => write!(f, "{}: timed out ({})", self.action, self.message),
            _ => match &self.code {
                Some(code) => write!(f, "{}: {code}: {}", self.action, self.message),
                None => write!(f, "{}: {}", self.action, self.message),
            },
        }
    }
}

fn kind_of(code: &str) -> AwsErrorKind {
    match code {
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
        c if c.contains("NotFound") || c.contains("DoesNotExist") || c.contains("NonExistentQueue") => {
            AwsErrorKind::NotFound
        }
        _ => AwsErrorKind::Other,
    }
}

/// Turns an SDK error into an `AwsError` for `action` (`"sqs:GetQueueAttributes"`).
pub fn aws_error<E, R>(action: &'static str, err: SdkError<E, R>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: fmt::Debug,
{
    match &err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().map(str::to_string);
            let kind = code.as_deref().map_or(AwsErrorKind::Other, kind_of);
            let message = e.message().map_or_else(|| format!("{e}"), str::to_string);
            AwsError { action, kind, code, message }
        }
        SdkError::TimeoutError(_) => {
            AwsError { action, kind: AwsErrorKind::Timeout, code: None, message: "no answer in time".into() }
        }
        _ => {
            let message = DisplayErrorContext(&err).to_string();
            let kind = if message.contains("timed out") || message.contains("timeout") {
                AwsErrorKind::Timeout
            } else {
                AwsErrorKind::Other
            };
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
        assert!(e.to_string().contains("IAM action lambda:UpdateAlias was refused"), "{e}");
    }
}
