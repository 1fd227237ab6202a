//! The account's quotas as Service Quotas has them: for each allowance of the budget that Service Quotas lists
//! (`budget::Allowance::service_quota`), servicequotas:GetServiceQuota's applied value in the clients' region,
//! which differs from AWS's documented default where the account had it raised or the region's is larger
//! (FilterLogEvents: 25 a second in us-east-1). Where permission is missing or the endpoint has no Service Quotas
//! (an emulator), the documented defaults stand and the calls view says why.

use aws_sdk_servicequotas::types::{PeriodUnit, ServiceQuota};

use super::budget::Budget;
use super::errors::{AwsErrorKind, aws_error};

/// The quota's value as requests a second: `Value` over its `Period` (a rate quota without one is per second).
/// `None` when the answer has no value, or a period warroom cannot turn into seconds.
pub fn per_second(quota: &ServiceQuota) -> Option<f64> {
    let value = quota.value()?;
    let Some(period) = quota.period() else { return Some(value) };
    let unit = match period.period_unit()? {
        PeriodUnit::Microsecond => 1e-6,
        PeriodUnit::Millisecond => 1e-3,
        PeriodUnit::Second => 1.0,
        PeriodUnit::Minute => 60.0,
        PeriodUnit::Hour => 3_600.0,
        PeriodUnit::Day => 86_400.0,
        PeriodUnit::Week => 604_800.0,
        _ => return None,
    };
    let seconds = f64::from(period.period_value().unwrap_or(1)) * unit;
    (seconds > 0.0).then(|| value / seconds)
}

/// `read`, once for `budget`'s account and region (`Budget::once`): what a dashboard calls.
pub async fn read_once(servicequotas: &aws_sdk_servicequotas::Client, budget: &Budget) {
    budget.once(read(servicequotas, budget)).await;
}

/// Reads each listed quota into `budget` (`Budget::apply`). A quota Service Quotas has no applied value for
/// keeps its default, saying so; any other failure (access denied, an endpoint without the API, no answer)
/// stops the reading there and leaves every quota not yet read at its default, with the call's error.
pub async fn read(servicequotas: &aws_sdk_servicequotas::Client, budget: &Budget) {
    for (service, code) in budget.service_quotas() {
        let answer = servicequotas.get_service_quota().service_code(service).quota_code(code).send().await;
        match answer {
            // A rate of nothing would hold its APIs for good: such an answer is not taken.
            Ok(out) => match out.quota().and_then(per_second) {
                Some(rate) if rate > 0.0 => budget.apply(code, rate),
                Some(_) => budget.unread(Some(code), &format!("servicequotas:GetServiceQuota {service} {code}: 0")),
                None => budget.unread(Some(code), &format!("servicequotas:GetServiceQuota {service} {code}: no value")),
            },
            Err(e) => {
                let e = aws_error("servicequotas:GetServiceQuota", e);
                let why = e.to_string();
                if e.kind == AwsErrorKind::NotFound {
                    budget.unread(Some(code), &why);
                    continue;
                }
                budget.unread(None, &why);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_servicequotas::types::QuotaPeriod;

    fn quota(value: f64, period: Option<(i32, PeriodUnit)>) -> ServiceQuota {
        let mut q = ServiceQuota::builder().value(value);
        if let Some((n, unit)) = period {
            q = q.period(QuotaPeriod::builder().period_value(n).period_unit(unit).build());
        }
        q.build()
    }

    #[test]
    fn a_rate_is_its_value_over_its_period() {
        assert_eq!(per_second(&quota(25.0, None)), Some(25.0), "no period: a second");
        assert_eq!(per_second(&quota(25.0, Some((1, PeriodUnit::Second)))), Some(25.0));
        assert_eq!(per_second(&quota(240.0, Some((1, PeriodUnit::Minute)))), Some(4.0));
        assert_eq!(per_second(&quota(10.0, Some((5, PeriodUnit::Second)))), Some(2.0));
        assert_eq!(per_second(&ServiceQuota::builder().build()), None, "no value");
    }

    #[test]
    fn an_applied_value_moves_the_pace_with_its_share() {
        let budget = Budget::default();
        budget.apply("L-55E3CA17", 25.0);
        let logs = budget.limit("logs:FilterLogEvents").expect("paced");
        assert_eq!((logs.quota_per_minute, logs.pace_per_minute), (Some(1_500), 600), "2 of 5 is 10 of 25");
        assert_eq!(logs.source, warroom_core::model::QuotaSource::ServiceQuotas("L-55E3CA17".into()));
        // Refused afterwards: what was read stays; the rest say why they are defaults.
        budget.unread(None, "servicequotas:GetServiceQuota: access denied");
        assert!(matches!(
            budget.limit("logs:FilterLogEvents").map(|l| l.source),
            Some(warroom_core::model::QuotaSource::ServiceQuotas(_))
        ));
        let trail = budget.limit("cloudtrail:LookupEvents").expect("paced");
        assert_eq!(trail.quota_per_minute, Some(120));
        assert_eq!(
            trail.source,
            warroom_core::model::QuotaSource::Unread("servicequotas:GetServiceQuota: access denied".into())
        );
        // An allowance Service Quotas does not list keeps the documented default, unqualified.
        let sqs = budget.limit("sqs:GetQueueAttributes").expect("paced");
        assert_eq!(sqs.source, warroom_core::model::QuotaSource::Documented);
    }
}
