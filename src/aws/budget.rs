//! warroom's budget of AWS API calls: for each request-rate quota an account has per region (one API's, or a
//! bucket several APIs share), AWS's documented default and the pace warroom keeps under it, so that a dashboard
//! never spends more than a stated share of what the whole account may call. Every call of one set of clients
//! (one account and region) waits for its bucket's `governor` rate limiter before it is sent: the SDK's HTTP
//! client is wrapped (`PacedHttpClient`), and an interceptor labels each request with its API
//! (`CallCounter::modify_before_transmit`), so no call site has to remember the budget, and a retry is paced as
//! the attempt it is. The README's budget table is this table.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

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
    },
    Allowance {
        bucket: "CloudWatch GetMetricData",
        actions: &["cloudwatch:GetMetricData"],
        quota_per_second: Some(500.0),
        pace_per_second: 10.0,
    },
    Allowance {
        bucket: "CloudWatch DescribeAlarms",
        actions: &["cloudwatch:DescribeAlarms"],
        quota_per_second: Some(9.0),
        pace_per_second: 3.0,
    },
    Allowance {
        bucket: "CloudWatch DescribeAlarmHistory",
        actions: &["cloudwatch:DescribeAlarmHistory"],
        quota_per_second: Some(20.0),
        pace_per_second: 5.0,
    },
    Allowance {
        bucket: "CloudWatch Logs FilterLogEvents",
        actions: &["logs:FilterLogEvents"],
        quota_per_second: Some(5.0),
        pace_per_second: 2.0,
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
    },
    Allowance {
        bucket: "RDS API requests",
        actions: &["rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeEvents"],
        quota_per_second: Some(12.0),
        pace_per_second: 5.0,
    },
    Allowance {
        bucket: "Performance Insights",
        actions: &["pi:DescribeDimensionKeys", "pi:GetResourceMetrics"],
        quota_per_second: None,
        pace_per_second: 5.0,
    },
    Allowance {
        bucket: "S3 GET/HEAD per prefix",
        actions: &["s3:GetObject", "s3:ListObjectsV2"],
        quota_per_second: Some(5500.0),
        pace_per_second: 10.0,
    },
    Allowance {
        bucket: "S3 PUT/COPY/POST/DELETE per prefix",
        actions: &["s3:PutObject"],
        quota_per_second: Some(3500.0),
        pace_per_second: 10.0,
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
    },
];

/// What `calls` counted, by API, with each API's allowance, for the calls view: the last minute against the pace
/// and the quota, in requests a minute.
pub fn rates(calls: &super::calls::CallLog) -> Vec<warroom_core::model::CallRate> {
    let now = std::time::Instant::now();
    let per_minute = |per_second: f64| (per_second * 60.0).round() as u32;
    calls
        .counts()
        .into_iter()
        .map(|(action, count)| warroom_core::model::CallRate {
            last_minute: u32::try_from(count.last_minute(now)).unwrap_or(u32::MAX),
            total: count.attempts,
            failed: count.attempts.saturating_sub(count.succeeded),
            throttled: count.throttled,
            budget: allowance(&action).map(|a| warroom_core::model::CallBudget {
                bucket: a.bucket.to_string(),
                pace_per_minute: per_minute(a.pace_per_second),
                quota_per_minute: a.quota_per_second.map(per_minute),
            }),
            action,
        })
        .collect()
}

/// The allowance `action` counts against, if warroom paces it.
pub fn allowance(action: &str) -> Option<&'static Allowance> {
    ALLOWANCES.iter().find(|a| a.actions.contains(&action))
}

/// One rate limiter per allowance, with the APIs it counts; shared by every clone: one account and region's
/// clients.
#[derive(Debug, Clone)]
pub struct Budget(Arc<Vec<Bucket>>);

/// One allowance's limiter, and how many requests had to wait for it.
#[derive(Debug)]
struct Bucket {
    actions: &'static [&'static str],
    limiter: DefaultDirectRateLimiter,
    waited: AtomicU64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(ALLOWANCES)
    }
}

impl Budget {
    /// Limiters for `allowances`, each at its pace with a burst of one second's worth (at least one request).
    pub fn new(allowances: &[Allowance]) -> Budget {
        let limiters = allowances
            .iter()
            .map(|a| {
                let period = Duration::from_secs_f64(1.0 / a.pace_per_second.max(0.001));
                let burst = NonZeroU32::new(a.pace_per_second.floor() as u32).unwrap_or(NonZeroU32::MIN);
                let quota =
                    Quota::with_period(period).map_or(Quota::per_second(NonZeroU32::MIN), |q| q.allow_burst(burst));
                Bucket { actions: a.actions, limiter: RateLimiter::direct(quota), waited: AtomicU64::new(0) }
            })
            .collect();
        Budget(Arc::new(limiters))
    }

    fn bucket(&self, action: &str) -> Option<&Bucket> {
        self.0.iter().find(|b| b.actions.contains(&action))
    }

    /// Waits until `action` may be sent under its allowance; at once for an API warroom does not pace.
    pub async fn pace(&self, action: &str) {
        if let Some(bucket) = self.bucket(action)
            && bucket.limiter.check().is_err()
        {
            bucket.waited.fetch_add(1, Ordering::Relaxed);
            bucket.limiter.until_ready().await;
        }
    }

    /// How many requests counted against `action`'s allowance had to wait for it so far.
    pub fn waited(&self, action: &str) -> u64 {
        self.bucket(action).map_or(0, |b| b.waited.load(Ordering::Relaxed))
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

    #[tokio::test]
    async fn a_second_request_past_the_burst_waits_for_its_bucket() {
        let tight = [Allowance {
            bucket: "t",
            actions: &["sqs:ListQueues"],
            quota_per_second: Some(2.0),
            pace_per_second: 1.0,
        }];
        let budget = Budget::new(&tight);
        budget.pace("sqs:ListQueues").await;
        assert_eq!(budget.waited("sqs:ListQueues"), 0, "the first is within the burst");
        budget.pace("sqs:ListQueues").await;
        assert_eq!(budget.waited("sqs:ListQueues"), 1, "the burst of one is spent: the second waited");
        // An API with no allowance is never held.
        budget.pace("sqs:SendMessage").await;
        assert_eq!(budget.waited("sqs:SendMessage"), 0);
    }
}
