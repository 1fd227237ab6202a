//! warroom's budget of AWS API calls: for each request-rate quota an account has per region (one API's, or a
//! bucket several APIs share), AWS's documented default and the pace warroom keeps under it, so that a dashboard
//! never spends more than a stated share of what the whole account may call. Every call of one set of clients
//! (one account and region) waits for its bucket's `governor` rate limiter before it is sent: the SDK's HTTP
//! client is wrapped (`PacedHttpClient`), and an interceptor labels each request with its API
//! (`CallCounter::modify_before_transmit`), so no call site has to remember the budget, and a retry is paced as
//! the attempt it is. The README's budget table is this table.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use warroom_core::model::{CallBudget, CallRate, QuotaSource};

pub use super::calls::ACTION_HEADER;

/// One request-rate quota of an account per region, and warroom's pace under it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Allowance {
    /// The quota's name as AWS documents it: "LookupEvents", "Lambda control plane (the rest)".
    pub bucket: &'static str,
    /// The APIs it counts, as IAM names them.
    pub actions: &'static [&'static str],
    /// AWS's documented default, requests a second per account and region; `None` where AWS documents none.
    pub quota_per_second: Option<f64>,
    /// warroom's pace: at most this many requests a second from one dashboard (its share of the quota).
    pub pace_per_second: f64,
    /// The quota in Service Quotas, as (service code, quota code), where it is listed there: its applied value
    /// replaces `quota_per_second`, and the pace keeps its share of it (`Budget::apply`).
    pub service_quota: Option<(&'static str, &'static str)>,
}

impl Allowance {
    /// warroom's pace as a share of the quota, percent; `None` where there is no documented quota.
    pub fn share_percent(&self) -> Option<f64> {
        self.quota_per_second.map(|q| self.pace_per_second / q * 100.0)
    }
}

/// Every quota warroom's reads count against (AWS's documented defaults, read 2026-12: the CloudTrail, CloudWatch,
/// CloudWatch Logs, Lambda and RDS quota pages), with warroom's pace: at most half a quota, less where the quota is
/// small or shared (LookupEvents, FilterLogEvents, Lambda's control plane, RDS), so a colleague's console or a
/// second tool still fits. Where a quota differs by region, the smallest is taken (FilterLogEvents: 5 a second in
/// eu-central-1, 10 in most regions, 25 in us-east-1). Where AWS documents no rate (SQS's and Performance
/// Insights' reads), warroom's own cap keeps a dashboard from bursting. Operations (UpdateAlias, RebootDBInstance,
/// …) are not paced: they are one call each, made by a person.
pub const ALLOWANCES: &[Allowance] = &[
    Allowance {
        bucket: "CloudTrail LookupEvents",
        actions: &["cloudtrail:LookupEvents"],
        quota_per_second: Some(2.0),
        pace_per_second: 1.0,
        service_quota: Some(("cloudtrail", "L-6826A2E9")),
    },
    Allowance {
        bucket: "CloudWatch GetMetricData",
        actions: &["cloudwatch:GetMetricData"],
        quota_per_second: Some(500.0),
        pace_per_second: 10.0,
        service_quota: Some(("monitoring", "L-5E141212")),
    },
    Allowance {
        bucket: "CloudWatch DescribeAlarms",
        actions: &["cloudwatch:DescribeAlarms"],
        quota_per_second: Some(9.0),
        pace_per_second: 3.0,
        service_quota: Some(("monitoring", "L-21CB40A4")),
    },
    Allowance {
        bucket: "CloudWatch DescribeAlarmHistory",
        actions: &["cloudwatch:DescribeAlarmHistory"],
        quota_per_second: Some(20.0),
        pace_per_second: 5.0,
        service_quota: Some(("monitoring", "L-7193C790")),
    },
    Allowance {
        bucket: "CloudWatch Logs FilterLogEvents",
        actions: &["logs:FilterLogEvents"],
        quota_per_second: Some(5.0),
        pace_per_second: 2.0,
        service_quota: Some(("logs", "L-55E3CA17")),
    },
    Allowance {
        bucket: "Lambda control plane (the rest)",
        actions: &[
            "lambda:GetFunctionConcurrency",
            "lambda:GetFunctionConfiguration",
            "lambda:ListAliases",
            "lambda:ListEventSourceMappings",
            "lambda:ListFunctions",
            "lambda:ListVersionsByFunction",
            "lambda:GetAlias",
            "lambda:GetEventSourceMapping",
        ],
        quota_per_second: Some(15.0),
        pace_per_second: 6.0,
        service_quota: Some(("lambda", "L-B2AA0F47")),
    },
    Allowance {
        bucket: "RDS API requests",
        actions: &["rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeEvents"],
        quota_per_second: Some(12.0),
        pace_per_second: 5.0,
        service_quota: None,
    },
    Allowance {
        bucket: "Performance Insights",
        actions: &["pi:DescribeDimensionKeys", "pi:GetResourceMetrics"],
        quota_per_second: None,
        pace_per_second: 5.0,
        service_quota: None,
    },
    Allowance {
        bucket: "S3 GET/HEAD per prefix",
        actions: &["s3:GetObject", "s3:ListObjectsV2"],
        quota_per_second: Some(5500.0),
        pace_per_second: 10.0,
        service_quota: None,
    },
    Allowance {
        bucket: "S3 PUT/COPY/POST/DELETE per prefix",
        actions: &["s3:PutObject"],
        quota_per_second: Some(3500.0),
        pace_per_second: 10.0,
        service_quota: None,
    },
    Allowance {
        bucket: "SQS",
        actions: &[
            "sqs:GetQueueAttributes",
            "sqs:GetQueueUrl",
            "sqs:ListQueues",
            "sqs:ListDeadLetterSourceQueues",
            "sqs:ListMessageMoveTasks",
        ],
        quota_per_second: None,
        pace_per_second: 50.0,
        service_quota: None,
    },
    Allowance {
        bucket: "Service Quotas GetServiceQuota",
        actions: &["servicequotas:GetServiceQuota"],
        quota_per_second: Some(5.0),
        pace_per_second: 2.0,
        service_quota: Some(("servicequotas", "L-09C84CC6")),
    },
];

/// What `calls` counted, by API, with the allowance `budget` holds for each, for the calls view: the last minute
/// against the pace and the quota (as Service Quotas gave it, else AWS's default), in requests a minute.
pub fn rates(calls: &super::calls::CallLog, budget: &Budget) -> Vec<CallRate> {
    let now = std::time::Instant::now();
    calls
        .counts()
        .into_iter()
        .map(|(action, count)| CallRate {
            last_minute: u32::try_from(count.last_minute(now)).unwrap_or(u32::MAX),
            total: count.attempts,
            failed: count.attempts.saturating_sub(count.succeeded),
            throttled: count.throttled,
            budget: budget.limit(&action),
            action,
        })
        .collect()
}

/// The allowance `action` counts against, if warroom paces it (AWS's documented default).
pub fn allowance(action: &str) -> Option<&'static Allowance> {
    ALLOWANCES.iter().find(|a| a.actions.contains(&action))
}

/// Requests a second as requests a minute, for the calls view.
fn per_minute(per_second: f64) -> u32 {
    (per_second * 60.0).round() as u32
}

/// One rate limiter per allowance, with the APIs it counts: one account and region's. Shared by every clone, and
/// by another target's clients in the same account and region once `Accounts::share` joined them.
#[derive(Debug, Clone)]
pub struct Budget(Arc<Mutex<Arc<Buckets>>>);

/// The limiters themselves, and whether Service Quotas was read for them.
#[derive(Debug)]
struct Buckets {
    buckets: Vec<Bucket>,
    /// Service Quotas is read once per account and region (`Budget::once`).
    quotas_read: tokio::sync::OnceCell<()>,
}

/// One allowance's limiter as it stands, and how many requests had to wait for it.
#[derive(Debug)]
struct Bucket {
    allowance: Allowance,
    live: Mutex<Live>,
    waited: AtomicU64,
}

/// A bucket's quota, pace and limiter now: the documented ones until Service Quotas answers.
#[derive(Debug)]
struct Live {
    limiter: Arc<DefaultDirectRateLimiter>,
    quota_per_second: Option<f64>,
    pace_per_second: f64,
    source: QuotaSource,
}

/// A limiter at `pace` requests a second, with a burst of one second's worth (at least one request).
fn limiter(pace: f64) -> Arc<DefaultDirectRateLimiter> {
    let period = Duration::from_secs_f64(1.0 / pace.max(0.001));
    let burst = NonZeroU32::new(pace.floor() as u32).unwrap_or(NonZeroU32::MIN);
    let quota = Quota::with_period(period).map_or(Quota::per_second(NonZeroU32::MIN), |q| q.allow_burst(burst));
    Arc::new(RateLimiter::direct(quota))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(ALLOWANCES)
    }
}

impl Budget {
    /// Limiters for `allowances`, each at its pace.
    pub fn new(allowances: &[Allowance]) -> Budget {
        let buckets = allowances
            .iter()
            .map(|a| Bucket {
                allowance: *a,
                live: Mutex::new(Live {
                    limiter: limiter(a.pace_per_second),
                    quota_per_second: a.quota_per_second,
                    pace_per_second: a.pace_per_second,
                    source: QuotaSource::Documented,
                }),
                waited: AtomicU64::new(0),
            })
            .collect();
        Budget(Arc::new(Mutex::new(Arc::new(Buckets { buckets, quotas_read: tokio::sync::OnceCell::new() }))))
    }

    fn buckets(&self) -> Arc<Buckets> {
        lock(&self.0).clone()
    }

    /// Waits until `action` may be sent under its allowance; at once for an API warroom does not pace.
    pub async fn pace(&self, action: &str) {
        let buckets = self.buckets();
        let Some(bucket) = buckets.bucket(action) else { return };
        let limiter = lock(&bucket.live).limiter.clone();
        if limiter.check().is_err() {
            bucket.waited.fetch_add(1, Ordering::Relaxed);
            limiter.until_ready().await;
        }
    }

    /// How many requests counted against `action`'s allowance had to wait for it so far.
    pub fn waited(&self, action: &str) -> u64 {
        self.buckets().bucket(action).map_or(0, |b| b.waited.load(Ordering::Relaxed))
    }

    /// `action`'s quota and pace as they stand, in requests a minute; `None` for an API warroom does not pace.
    pub fn limit(&self, action: &str) -> Option<CallBudget> {
        let buckets = self.buckets();
        let bucket = buckets.bucket(action)?;
        let live = lock(&bucket.live);
        Some(CallBudget {
            bucket: bucket.allowance.bucket.to_string(),
            pace_per_minute: per_minute(live.pace_per_second),
            quota_per_minute: live.quota_per_second.map(per_minute),
            source: live.source.clone(),
        })
    }

    /// The quotas Service Quotas lists, as (service code, quota code), each once.
    pub fn service_quotas(&self) -> Vec<(&'static str, &'static str)> {
        self.buckets().buckets.iter().filter_map(|b| b.allowance.service_quota).collect()
    }

    /// The account's applied value for the quota `code` is `per_second`: the bucket takes it as its quota, and its
    /// pace keeps the share it had of the documented default (FilterLogEvents' 2 of 5 becomes 10 of 25).
    pub fn apply(&self, code: &str, per_second: f64) {
        let buckets = self.buckets();
        for bucket in buckets.buckets.iter().filter(|b| b.allowance.service_quota.is_some_and(|(_, c)| c == code)) {
            let a = bucket.allowance;
            let share = a.quota_per_second.map_or(1.0, |q| a.pace_per_second / q);
            let pace = (per_second * share).max(0.001);
            *lock(&bucket.live) = Live {
                limiter: limiter(pace),
                quota_per_second: Some(per_second),
                pace_per_second: pace,
                source: QuotaSource::ServiceQuotas(code.to_string()),
            };
        }
    }

    /// Service Quotas did not give the quota `code` (every listed one with `None`): the documented default stands,
    /// and the calls view says why.
    pub fn unread(&self, code: Option<&str>, why: &str) {
        let buckets = self.buckets();
        for bucket in &buckets.buckets {
            let Some((_, own)) = bucket.allowance.service_quota else { continue };
            let mut live = lock(&bucket.live);
            if code.is_none_or(|c| c == own) && !matches!(live.source, QuotaSource::ServiceQuotas(_)) {
                live.source = QuotaSource::Unread(why.to_string());
            }
        }
    }

    /// Runs `read` (the account's quotas into this budget: `quotas::read_once`) once for this account and
    /// region: a later call, or another target's sharing these limiters, waits for the first or returns at once.
    pub async fn once(&self, read: impl std::future::Future<Output = ()>) {
        let buckets = self.buckets();
        buckets.quotas_read.get_or_init(|| read).await;
    }
}

impl Buckets {
    fn bucket(&self, action: &str) -> Option<&Bucket> {
        self.buckets.iter().find(|b| b.allowance.actions.contains(&action))
    }
}

/// The budgets of the account and region pairs a dashboard's targets have reached: two targets in one account and
/// region (two profiles, or a role into the same account) pace under one set of limiters, since AWS counts their
/// calls against the same quotas.
#[derive(Debug, Default)]
pub struct Accounts(Mutex<HashMap<(String, String), Budget>>);

impl Accounts {
    /// `budget` (a target's, once STS said its account) paces with every other budget shared here for `account` in
    /// `region`: the first one's limiters become everyone's.
    pub fn share(&self, budget: &Budget, account: &str, region: &str) {
        let mut seen = lock(&self.0);
        match seen.get(&(account.to_string(), region.to_string())) {
            Some(first) if !Arc::ptr_eq(&first.0, &budget.0) => *lock(&budget.0) = first.buckets(),
            Some(_) => {}
            None => {
                seen.insert((account.to_string(), region.to_string()), budget.clone());
            }
        }
    }
}

/// The SDK's HTTP client, with every request waiting for its budget first.
#[derive(Debug)]
pub struct PacedHttpClient {
    inner: SharedHttpClient,
    budget: Budget,
}

impl PacedHttpClient {
    /// `inner` (the client the SDK would use), paced by `budget`.
    pub fn shared(inner: SharedHttpClient, budget: Budget) -> SharedHttpClient {
        SharedHttpClient::new(PacedHttpClient { inner, budget })
    }
}

impl HttpClient for PacedHttpClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(PacedConnector {
            inner: self.inner.http_connector(settings, components),
            budget: self.budget.clone(),
        })
    }
}

#[derive(Debug)]
struct PacedConnector {
    inner: SharedHttpConnector,
    budget: Budget,
}

impl HttpConnector for PacedConnector {
    fn call(&self, mut request: HttpRequest) -> HttpConnectorFuture {
        let (inner, budget) = (self.inner.clone(), self.budget.clone());
        HttpConnectorFuture::new(async move {
            // The label is warroom's own: it goes no further than here.
            let action = request.headers_mut().remove(ACTION_HEADER);
            if let Some(action) = action {
                budget.pace(&action).await;
            }
            inner.call(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_read_the_observer_policy_grants_is_paced_under_its_quota() {
        for action in crate::doctor::policies::read_actions() {
            if action == "sts:GetCallerIdentity" {
                continue;
            }
            let a = allowance(&action).unwrap_or_else(|| panic!("{action} has no allowance"));
            if let Some(share) = a.share_percent() {
                assert!(share <= 50.0, "{}: pace {} of quota {:?}", a.bucket, a.pace_per_second, a.quota_per_second);
            }
        }
    }

    /// ListQueues once a second, a burst of one.
    const TIGHT: [Allowance; 1] = [Allowance {
        bucket: "t",
        actions: &["sqs:ListQueues"],
        quota_per_second: Some(2.0),
        pace_per_second: 1.0,
        service_quota: None,
    }];

    #[tokio::test]
    async fn a_second_request_past_the_burst_waits_for_its_bucket() {
        let budget = Budget::new(&TIGHT);
        budget.pace("sqs:ListQueues").await;
        assert_eq!(budget.waited("sqs:ListQueues"), 0, "the first is within the burst");
        budget.pace("sqs:ListQueues").await;
        assert_eq!(budget.waited("sqs:ListQueues"), 1, "the burst of one is spent: the second waited");
        // An API with no allowance is never held.
        budget.pace("sqs:SendMessage").await;
        assert_eq!(budget.waited("sqs:SendMessage"), 0);
    }

    #[tokio::test]
    async fn targets_in_one_account_and_region_share_their_limiters() {
        let (a, b, other) = (Budget::new(&TIGHT), Budget::new(&TIGHT), Budget::new(&TIGHT));
        let accounts = Accounts::default();
        accounts.share(&a, "111111111111", "us-east-1");
        accounts.share(&b, "111111111111", "us-east-1");
        accounts.share(&other, "111111111111", "eu-west-1");
        a.pace("sqs:ListQueues").await;
        b.pace("sqs:ListQueues").await;
        assert_eq!(b.waited("sqs:ListQueues"), 1, "a's call spent the burst both share");
        other.pace("sqs:ListQueues").await;
        assert_eq!(other.waited("sqs:ListQueues"), 0, "another region has its own");
    }
}
