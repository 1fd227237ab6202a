//! The budget's quotas as the account has them: Service Quotas' applied values read with the real SDK
//! (servicequotas:GetServiceQuota) against fakecloud, which serves AWS's quota catalogue and approves increases;
//! and against ministack, which has no Service Quotas, the documented defaults with the call's error. ministack
//! and fakecloud differ here as AWS accounts do: one permitted to read its quotas, one not.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use support::Emulator;
use warroom::aws::connect_with;
use warroom::telemetry::Telemetry;
use warroom::telemetry::aws::AwsTelemetry;
use warroom_core::model::{Feed, QuotaSource};

/// CloudWatch DescribeAlarms, 9 a second by default and adjustable.
const DESCRIBE_ALARMS: (&str, &str) = ("monitoring", "L-21CB40A4");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_raised_quota_moves_the_pace_and_the_calls_view_says_where_it_came_from() {
    let emulator = Emulator::fakecloud("quotas");
    let config = emulator.sdk_config().await;
    // The account had DescribeAlarms raised to 30 a second (fakecloud approves what AWS would).
    let servicequotas = aws_sdk_servicequotas::Client::new(&config);
    let asked = servicequotas
        .request_service_quota_increase()
        .service_code(DESCRIBE_ALARMS.0)
        .quota_code(DESCRIBE_ALARMS.1)
        .desired_value(30.0)
        .send()
        .await
        .expect("RequestServiceQuotaIncrease");
    // Answered PENDING, as AWS does; decided at once.
    let id = asked.requested_quota().and_then(|r| r.id()).expect("request id").to_string();
    let decided = servicequotas.get_requested_service_quota_change().request_id(id).send().await.expect("decided");
    assert_eq!(decided.requested_quota().and_then(|r| r.status()).map(|s| s.as_str()), Some("APPROVED"));

    // A dashboard's telemetry: its first inventory poll reads the quotas beside it.
    let connection = connect_with(&config).await.expect("connect");
    let telemetry = AwsTelemetry::new(connection, Some(Default::default())).reading_quotas();
    telemetry.poll(Feed::Inventory).await.expect("inventory poll");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let alarms = loop {
        // The calls view's figures: DescribeAlarms was called by the poll, so it has a row.
        let rates = telemetry.call_rates();
        let row = rates.iter().find(|r| r.action == "cloudwatch:DescribeAlarms").and_then(|r| r.budget.clone());
        match row {
            Some(b) if matches!(b.source, QuotaSource::ServiceQuotas(_)) => break b,
            other => {
                assert!(tokio::time::Instant::now() < deadline, "Service Quotas not read within 20 s: {other:?}");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };
    assert_eq!(alarms.source, QuotaSource::ServiceQuotas(DESCRIBE_ALARMS.1.into()));
    // 30 a second raised; warroom keeps its third of it (3 of the default 9).
    assert_eq!((alarms.quota_per_minute, alarms.pace_per_minute), (Some(1_800), 600), "{alarms:?}");

    // Every listed quota is read (waiting here for the reading the poll began, which is one per account and
    // region): us-east-1's FilterLogEvents is 25 a second, not the smallest region's 5.
    let clients = telemetry.clients();
    warroom::aws::quotas::read_once(&clients.servicequotas, &clients.budget).await;
    let logs = clients.budget.limit("logs:FilterLogEvents").expect("paced");
    assert_eq!(logs.source, QuotaSource::ServiceQuotas("L-55E3CA17".into()), "{logs:?}");
    assert_eq!((logs.quota_per_minute, logs.pace_per_minute), (Some(1_500), 600));
    let trail = clients.budget.limit("cloudtrail:LookupEvents").expect("paced");
    assert_eq!((trail.quota_per_minute, trail.pace_per_minute), (Some(120), 60), "not adjustable: as documented");
    // One call a listed quota, once per account and region: another reading makes none.
    let before = clients.calls.counts().get("servicequotas:GetServiceQuota").map(|c| c.attempts);
    assert_eq!(before, Some(7), "one call a listed quota");
    warroom::aws::quotas::read_once(&clients.servicequotas, &clients.budget).await;
    assert_eq!(clients.calls.counts().get("servicequotas:GetServiceQuota").map(|c| c.attempts), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_service_quotas_the_documented_defaults_stand_and_say_why() {
    let emulator = Emulator::start("quotas-absent");
    let config = emulator.sdk_config().await;
    let connection = connect_with(&config).await.expect("connect");
    let clients = connection.clients.clone();
    warroom::aws::quotas::read_once(&clients.servicequotas, &clients.budget).await;
    let alarms = clients.budget.limit("cloudwatch:DescribeAlarms").expect("paced");
    assert_eq!((alarms.quota_per_minute, alarms.pace_per_minute), (Some(540), 180), "the documented 9 and 3");
    let QuotaSource::Unread(why) = &alarms.source else { panic!("{alarms:?}") };
    assert!(why.starts_with("servicequotas:GetServiceQuota: "), "names the call: {why}");
    // The reading stopped at the first refusal: one call, not one per quota.
    let calls = clients.calls.counts().get("servicequotas:GetServiceQuota").map(|c| c.attempts);
    assert!(calls.is_some_and(|n| (1..=3).contains(&n)), "{calls:?} (the SDK retries a 5xx)");
}
