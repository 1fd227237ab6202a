//! Reading the pages of a paged AWS call, up to a bound: an account with thousands of events or clusters must
//! not turn one poll into hundreds of calls, and a call failing on page three keeps what pages one and two said.

use aws_sdk_sqs::config::http::HttpResponse;
use aws_sdk_sqs::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_async::future::pagination_stream::PaginationStream;

use super::errors::{AwsError, aws_error};

/// Pages read by describe calls that take `MaxRecords = 100`: up to 500 clusters, instances or events a poll.
pub const MAX_PAGES: usize = 5;

/// The pages read, and the error that stopped the reading, if one did.
pub struct Pages<P> {
    /// Every page that arrived, in order.
    pub pages: Vec<P>,
    /// The failure that ended the reading early.
    pub error: Option<AwsError>,
}

impl<P> Pages<P> {
    /// Whether the page cap cut the reading: all `max_pages` pages came and the last one, by `has_next` (its
    /// next token), points to another.
    pub fn cut(&self, max_pages: usize, has_next: impl Fn(&P) -> bool) -> bool {
        self.error.is_none() && self.pages.len() >= max_pages && self.pages.last().is_some_and(has_next)
    }
}

/// Reads at most `max_pages` pages of `stream` (the paginator fetches lazily, so stopping early costs nothing).
/// Each page is one call, paced like every other under the clients' budget (`budget::Budget`).
pub async fn read_pages<P, E>(
    action: &'static str,
    mut stream: PaginationStream<Result<P, SdkError<E, HttpResponse>>>,
    max_pages: usize,
) -> Pages<P>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let mut pages = Vec::new();
    while pages.len() < max_pages {
        match stream.next().await {
            Some(Ok(page)) => pages.push(page),
            Some(Err(e)) => return Pages { pages, error: Some(aws_error(action, e)) },
            None => break,
        }
    }
    Pages { pages, error: None }
}
