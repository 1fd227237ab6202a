//! warroom's own AWS calls, as the calls view shows them: for each API, the attempts of the last minute against
//! the quota it counts against (AWS's documented default per account and region) and warroom's pace under it.
//! Read from the live clients' call log every second; a demo makes no AWS calls and has none.

/// One API's calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRate {
    /// The API, as IAM names it: "sqs:GetQueueAttributes".
    pub action: String,
    /// Attempts sent in the last minute (each retry is one, as quotas count them).
    pub last_minute: u32,
    /// Attempts since the dashboard started.
    pub total: u64,
    /// Of those, answered with an error (throttling included) or not answered at all.
    pub failed: u64,
    /// Of those, throttled (HTTP 429, `Throttling…`, `…LimitExceeded…`).
    pub throttled: u64,
    /// The quota it counts against, with warroom's pace there; `None` for an API warroom does not pace.
    pub budget: Option<CallBudget>,
}

/// A request-rate quota of the account per region, and warroom's pace under it, in requests a minute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallBudget {
    /// The quota's name: "CloudTrail LookupEvents", "Lambda control plane (the rest)" (one several APIs share).
    pub bucket: String,
    /// warroom's pace: at most this many requests a minute from this dashboard, in this bucket.
    pub pace_per_minute: u32,
    /// The account's quota, requests a minute in this region: the applied value Service Quotas gave, else AWS's
    /// documented default; `None` where AWS documents none.
    pub quota_per_minute: Option<u32>,
    /// Where `quota_per_minute` comes from.
    pub source: QuotaSource,
}

/// Where a quota's figure comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum QuotaSource {
    /// AWS's documented default: Service Quotas has not answered yet, or lists no such quota.
    #[default]
    Documented,
    /// The account's applied value in this region, from servicequotas:GetServiceQuota; the quota's code
    /// ("L-6826A2E9").
    ServiceQuotas(String),
    /// Service Quotas was asked and did not give it, so the documented default stands; the call's error
    /// ("servicequotas:GetServiceQuota: access denied: …").
    Unread(String),
}
