//! A Lambda deployment package: downloaded from the pre-signed address GetFunction gives (`Code.Location`) with
//! the SDK's own HTTP client — aws-smithy-http-client, i.e. hyper with rustls on aws-lc, the stack every SDK call
//! already uses, so no second HTTP or TLS stack is built — and hashed as Lambda hashes it (`CodeSha256`, the
//! base64 of the SHA-256).

use std::time::Duration;

use aws_smithy_async::rt::sleep::TokioSleep;
use aws_smithy_http_client::Connector;
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::byte_stream::ByteStream;
use sha2::{Digest, Sha256};

/// UpdateFunctionCode takes a .zip package of at most 50 MB in `ZipFile`; a larger one is deployed through S3.
pub const MAX_ZIP_BYTES: usize = 50 * 1024 * 1024;

/// How long the download may take to connect, and to deliver each read.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// The package at `url` (a GET, no credentials: the address is pre-signed). Errors say what failed: the address,
/// the connection, the status, or a package too large for `ZipFile`.
pub async fn download(url: &str) -> Result<Vec<u8>, String> {
    let settings = HttpConnectorSettings::builder().connect_timeout(CONNECT_TIMEOUT).read_timeout(READ_TIMEOUT).build();
    let connector = Connector::builder()
        .connector_settings(settings)
        .sleep_impl(TokioSleep::new())
        .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
        .build();
    let request = HttpRequest::get(url).map_err(|e| format!("the package's address is not a URL: {e}"))?;
    let response = connector.call(request).await.map_err(|e| format!("downloading the package: {e}"))?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(format!("downloading the package: HTTP {status}"));
    }
    let declared = response.headers().get("content-length").and_then(|l| l.parse::<usize>().ok());
    if let Some(len) = declared.filter(|l| *l > MAX_ZIP_BYTES) {
        return Err(too_large(len));
    }
    let bytes = ByteStream::new(response.into_body())
        .collect()
        .await
        .map_err(|e| format!("downloading the package: {e}"))?
        .into_bytes();
    if bytes.len() > MAX_ZIP_BYTES {
        return Err(too_large(bytes.len()));
    }
    Ok(bytes.to_vec())
}

fn too_large(len: usize) -> String {
    format!(
        "the package is {} MB, over the 50 MB UpdateFunctionCode takes in ZipFile (restoring through S3 is not built)",
        len / (1024 * 1024)
    )
}

/// `CodeSha256` of a package: the base64 of its SHA-256, as Lambda reports it.
pub fn code_sha256(package: &[u8]) -> String {
    aws_smithy_types::base64::encode(Sha256::digest(package))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_sha256_is_base64_of_the_sha256() {
        // SHA-256 of the empty input, base64: what Lambda reports for an empty package.
        assert_eq!(code_sha256(b""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }
}
