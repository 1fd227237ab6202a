//! Times between chrono and the SDK, and Lambda's own timestamp format.

use aws_sdk_cloudwatch::primitives::DateTime as AwsDateTime;
use chrono::{DateTime, Utc};

/// To the nanosecond: truncating to the second would leave out what happened in the current second.
pub fn aws_time(t: DateTime<Utc>) -> AwsDateTime {
    AwsDateTime::from_secs_and_nanos(t.timestamp(), t.timestamp_subsec_nanos())
}

/// The SDK's time as chrono's; the epoch for a time chrono cannot hold.
pub fn chrono_time(t: &AwsDateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(t.secs(), t.subsec_nanos()).unwrap_or_default()
}

/// Lambda's LastModified: `2026-11-23T14:01:12.345+0000`.
pub fn parse_last_modified(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z").ok().map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_and_lambda_timestamps_parse() {
        let t = parse_last_modified("2026-11-23T14:01:12.345+0000").expect("parse");
        assert_eq!(t.to_rfc3339(), "2026-11-23T14:01:12.345+00:00");
        assert_eq!(chrono_time(&aws_time(t)), t);
    }
}
