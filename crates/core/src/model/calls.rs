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
    /// AWS's documented default, requests a minute per account and region; `None` where AWS documents none.
    pub quota_per_minute: Option<u32>,
}
