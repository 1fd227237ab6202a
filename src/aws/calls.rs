//! Every AWS call warroom's clients send, counted by API as it is answered: an SDK interceptor on each client
//! (`Clients::new`), so nothing that calls AWS has to remember to count. `warroom doctor` reads which read calls
//! were tried and how each was answered; the counts are per attempt (a retried call counts twice), which is what
//! an account's API quotas count.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextMut, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// The header the interceptor names a request's API in (`sqs:GetQueueAttributes`), for the budget's paced
/// connector (`budget::PacedHttpClient`), which reads and removes it before the request leaves: it is never sent.
pub const ACTION_HEADER: &str = "x-warroom-action";

/// How one API (`sqs:GetQueueAttributes`) was answered so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallCount {
    /// Attempts sent (each retry is one).
    pub attempts: u64,
    /// Attempts answered with an HTTP status below 400.
    pub succeeded: u64,
    /// The HTTP status of the last attempt that failed; `None` when none failed or none got an answer.
    pub last_failure: Option<u16>,
    /// That failure's error code, where the protocol puts it in a header (`x-amzn-ErrorType`: the JSON and
    /// REST-JSON services), e.g. `ResourceNotFoundException`.
    pub last_code: Option<String>,
    /// Attempts that got no answer at all (connection refused, timed out).
    pub unanswered: u64,
    /// Attempts answered with throttling (HTTP 429, or a `Throttling…`/`…LimitExceeded…` error code).
    pub throttled: u64,
    /// When each attempt of the last minute was sent, oldest first: the calls per minute the app shows.
    pub recent: VecDeque<Instant>,
}

/// How far back `CallCount::recent` reaches.
const MINUTE: Duration = Duration::from_secs(60);

impl CallCount {
    /// Attempts in the minute before `now`.
    pub fn last_minute(&self, now: Instant) -> usize {
        self.recent.iter().filter(|t| now.saturating_duration_since(**t) < MINUTE).count()
    }
}

/// The calls made through one set of clients, by IAM action name (`sqs:GetQueueAttributes`); cloned cheaply,
/// every clone counting into the same table.
#[derive(Debug, Clone, Default)]
pub struct CallLog(Arc<Mutex<BTreeMap<String, CallCount>>>);

impl CallLog {
    /// What was counted so far, by IAM action name.
    pub fn counts(&self) -> BTreeMap<String, CallCount> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The interceptor for one service's client: `prefix` is the service's IAM prefix (`sqs`, `logs`), which the
    /// SDK's own service names (`SQS`, `CloudWatch Logs`) do not always match.
    pub fn interceptor(&self, prefix: &'static str) -> CallCounter {
        CallCounter { log: self.clone(), prefix }
    }

    fn record(&self, action: String, status: Option<u16>, code: Option<String>) {
        // Follow mode asks for the next delta before it is written: S3's 404 is the answer "not yet", not a
        // failure of the call.
        let not_yet = status == Some(404) && action == "s3:GetObject";
        let mut table = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let count = table.entry(action).or_default();
        count.attempts += 1;
        let now = Instant::now();
        while count.recent.front().is_some_and(|t| now.saturating_duration_since(*t) >= MINUTE) {
            count.recent.pop_front();
        }
        count.recent.push_back(now);
        let throttling = code.as_deref().is_some_and(|c| c.contains("Throttl") || c.contains("LimitExceeded"));
        if status == Some(429) || throttling {
            count.throttled += 1;
        }
        match status {
            _ if not_yet => count.succeeded += 1,
            Some(s) if s < 400 => count.succeeded += 1,
            Some(s) => (count.last_failure, count.last_code) = (Some(s), code),
            None => count.unanswered += 1,
        }
    }
}

/// Calls the endpoint answered as not implemented (an emulator's missing API), shared by every clone of the
/// clients: a poll stops making them, instead of spending a call on the same answer every few seconds.
#[derive(Debug, Clone, Default)]
pub struct Unsupported(Arc<Mutex<std::collections::BTreeSet<String>>>);

impl Unsupported {
    /// Remembers that `action` is not implemented here.
    pub fn mark(&self, action: &str) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(action.to_string());
    }

    /// Whether `action` was answered as not implemented before.
    pub fn known(&self, action: &str) -> bool {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).contains(action)
    }
}

/// The SDK interceptor counting one client's calls into a `CallLog`.
#[derive(Debug, Clone)]
pub struct CallCounter {
    log: CallLog,
    prefix: &'static str,
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "warroom::CallCounter"
    }

    /// Names the request's API for the budget's paced connector (`ACTION_HEADER`), which removes the
    /// label before sending: it never leaves the machine, and it is added after signing, so no signature covers
    /// it.
    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(operation) = cfg.load::<Metadata>().map(|m| m.name().to_string()) {
            context.request_mut().headers_mut().insert(ACTION_HEADER, format!("{}:{operation}", self.prefix));
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(operation) = cfg.load::<Metadata>().map(|m| m.name().to_string()) else { return Ok(()) };
        let response = context.response();
        let status = response.map(|r| r.status().as_u16());
        // `ResourceNotFoundException:http://internal.amazon.com/…` names the error before its colon.
        let code = response
            .and_then(|r| r.headers().get("x-amzn-errortype"))
            .and_then(|v| v.split(':').next())
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        self.log.record(format!("{}:{operation}", self.prefix), status, code);
        Ok(())
    }
}
