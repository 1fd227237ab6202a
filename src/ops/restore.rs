//! Restoring an earlier version's code into `$LATEST` (the `restore_code` operation): GetFunction with the
//! version's qualifier, its package downloaded and its SHA-256 checked against the version's `CodeSha256` before
//! anything is uploaded (an image function takes the version's image instead), then UpdateFunctionCode with the
//! `RevisionId` the plan read as the lock; verified by `$LATEST` reporting the version's `CodeSha256` with its
//! update finished.

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::LastUpdateStatus;
use warroom_core::operation::{OpError, Verified};

use super::op_error;
use crate::aws::package::{code_sha256, download};
use crate::aws::{Clients, aws_error};

/// What a restore restores: the function, the version whose code goes back into `$LATEST`, that version's
/// `CodeSha256` and `$LATEST`'s `RevisionId` as the plan read them, and how.
pub struct Restore<'a> {
    /// The function.
    pub function: &'a str,
    /// The published version.
    pub version: &'a str,
    /// The version's CodeSha256 (base64).
    pub sha256: &'a str,
    /// `$LATEST`'s RevisionId when the plan was read.
    pub revision: &'a str,
    /// An image function (ImageUri) rather than a .zip one.
    pub image: bool,
    /// Publish a version of the restored code in the same call.
    pub publish: bool,
}

/// The first 8 characters of a hash or id, as plans show them.
fn short(s: &str) -> &str {
    s.get(..8).unwrap_or(s)
}

/// Makes the restore with `calls` (the operator's clients, retries off): the version's code read and checked,
/// then uploaded under the lock. Refused, with nothing uploaded, when the version's package is not the one the
/// plan names; a conflict when `$LATEST` changed since the plan.
pub async fn restore_code(calls: &Clients, r: &Restore<'_>) -> Result<String, OpError> {
    let got = calls
        .lambda
        .get_function()
        .function_name(r.function)
        .qualifier(r.version)
        .send()
        .await
        .map_err(|e| op_error(aws_error("lambda:GetFunction", e)))?;
    let listed = got.configuration().and_then(|c| c.code_sha256()).unwrap_or_default();
    if listed != r.sha256 {
        return Err(OpError::Conflict(format!(
            "{}:{} now reports CodeSha256 {}, not the {} the plan named: nothing was uploaded",
            r.function,
            r.version,
            short(listed),
            short(r.sha256)
        )));
    }
    let code = got.code();
    let call = calls.lambda.update_function_code().function_name(r.function).revision_id(r.revision).publish(r.publish);
    let call = if r.image {
        let uri = code.and_then(|c| c.resolved_image_uri().or(c.image_uri())).ok_or_else(|| {
            OpError::Rejected(format!(
                "GetFunction {}:{} gave no image URI: nothing was changed",
                r.function, r.version
            ))
        })?;
        call.image_uri(uri)
    } else {
        let location = code.and_then(|c| c.location()).ok_or_else(|| {
            OpError::Rejected(format!(
                "GetFunction {}:{} gave no package address (Code.Location): nothing was uploaded",
                r.function, r.version
            ))
        })?;
        let package = download(location).await.map_err(|e| {
            OpError::Rejected(format!("the package of {}:{}: {e}; nothing was uploaded", r.function, r.version))
        })?;
        // The one check that the bytes about to run are the version's: an address that serves anything else
        // (another version, a truncated body) is refused here.
        let actual = code_sha256(&package);
        if actual != r.sha256 {
            return Err(OpError::Rejected(format!(
                "refused to upload: package SHA-256 {} ≠ {}:{}'s CodeSha256 {} (GetFunction served another package); \
                 nothing was uploaded",
                short(&actual),
                r.function,
                r.version,
                short(r.sha256)
            )));
        }
        call.zip_file(Blob::new(package))
    };
    let out = call.send().await.map_err(|e| op_error(aws_error("lambda:UpdateFunctionCode", e)))?;
    let published = match out.version() {
        Some(v) if r.publish && v != "$LATEST" => format!(", published as version {v}"),
        _ => String::new(),
    };
    Ok(format!(
        "UpdateFunctionCode: {} $LATEST CodeSha256 {} (RevisionId {} → {}){published}",
        r.function,
        short(out.code_sha256().unwrap_or("?")),
        short(r.revision),
        short(out.revision_id().unwrap_or("?"))
    ))
}

/// One read of `$LATEST` (GetFunctionConfiguration): proof once it reports the version's `CodeSha256` and its
/// update has finished (`LastUpdateStatus` not `InProgress`).
pub async fn restored(clients: &Clients, r: &Restore<'_>) -> Result<Option<Verified>, OpError> {
    let c = clients
        .lambda
        .get_function_configuration()
        .function_name(r.function)
        .send()
        .await
        .map_err(|e| op_error(aws_error("lambda:GetFunctionConfiguration", e)))?;
    let sha = c.code_sha256().unwrap_or_default();
    let status = c.last_update_status();
    if let Some(LastUpdateStatus::Failed) = status {
        return Err(OpError::Rejected(format!(
            "{} $LATEST's update failed: {}",
            r.function,
            c.last_update_status_reason().unwrap_or("no reason given")
        )));
    }
    let done = sha == r.sha256 && status != Some(&LastUpdateStatus::InProgress);
    Ok(done.then(|| {
        Verified::said(format!(
            "GetFunctionConfiguration: {} $LATEST CodeSha256 {} (version {}'s), {}",
            r.function,
            short(sha),
            r.version,
            status.map_or("no LastUpdateStatus", |s| s.as_str())
        ))
    }))
}
