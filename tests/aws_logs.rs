//! The consumers' error lines through the real SDK, against both emulators (ministack and fakecloud), seeded
//! with PutLogEvents: FilterLogEvents on the pattern, each line passed on once across overlapping reads, a line
//! that arrives after the read that covered its time still read, the function's own `LoggingConfig.LogGroup`
//! followed, and a log group that does not exist said as such. Neither emulator implements the `?term` or `%regex%`
//! filter-pattern forms the default pattern uses (both take every word as a required substring), so these tests
//! read with the single term `ERROR`, which both implement as AWS does; the README's coverage table says so.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use aws_config::SdkConfig;
use chrono::{Duration, Utc};
use support::Emulator;
use warroom::telemetry::aws::logs::{self, LogMemory};
use warroom_core::model::{Data, ErrorKind, LogsAccess, Observation};

const CONSUMER: &str = "orders-consumer";
const GROUP: &str = "/aws/lambda/orders-consumer";

async fn put(
    logs: &aws_sdk_cloudwatchlogs::Client,
    group: &str,
    stream: &str,
    lines: &[(chrono::DateTime<Utc>, &str)],
) {
    use aws_sdk_cloudwatchlogs::types::InputLogEvent;
    let _ = logs.create_log_stream().log_group_name(group).log_stream_name(stream).send().await;
    let events: Vec<InputLogEvent> = lines
        .iter()
        .map(|(at, m)| InputLogEvent::builder().timestamp(at.timestamp_millis()).message(*m).build().unwrap())
        .collect();
    logs.put_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .set_log_events(Some(events))
        .send()
        .await
        .expect("put");
}

fn lines_of(obs: &[Observation], function: &str) -> (LogsAccess, Vec<String>) {
    obs.iter()
        .find_map(|o| match o {
            Observation::ConsumerLog { function: f, access, lines, .. } if f == function => {
                Some((access.clone(), lines.iter().map(|l| l.message.clone()).collect()))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no ConsumerLog for {function}: {obs:?}"))
}

async fn errors_are_read_once_and_late_lines_still_arrive(config: &SdkConfig) {
    let clients = warroom::aws::Clients::new(config);
    let cw = &clients.logs;
    cw.create_log_group().log_group_name(GROUP).send().await.expect("group");
    let now = Utc::now();
    put(
        cw,
        GROUP,
        "2026/12/01/[42]a",
        &[
            (now - Duration::minutes(5), "2026-12-01T10:00:00.000Z 3f2a9c1e-77b1-4c1a-9d3e-0c5b1a2e9f10 ERROR Task timed out after 30.00 seconds"),
            (now - Duration::minutes(4), "2026-12-01T10:01:00.000Z 9b1c2d3e-77b1-4c1a-9d3e-0c5b1a2e9f11 ERROR Task timed out after 30.01 seconds"),
            (now - Duration::minutes(3), "INFO processed 10 messages"),
            (now - Duration::minutes(2), "ERROR connection refused to core-db-1 port 5432"),
        ],
    )
    .await;
    let functions = [CONSUMER.to_string(), "never-logged".to_string()];
    let mut memory = LogMemory::default();
    let first = now - Duration::minutes(30);
    let obs = logs::poll(&clients, &functions, "ERROR", &mut memory, first, now).await;
    let (access, read) = lines_of(&obs, CONSUMER);
    assert_eq!(access, LogsAccess::Read);
    assert_eq!(read.len(), 3, "the error lines only: {read:?}");
    // A function that never logged: its group does not exist, said as such, and the other is unaffected.
    assert_eq!(lines_of(&obs, "never-logged").0, LogsAccess::NoGroup);

    // A line delivered late: its time is before the last read's end, it arrives after it.
    put(cw, GROUP, "2026/12/01/[42]b", &[(now - Duration::seconds(30), "ERROR Task timed out after 29.99 seconds")])
        .await;
    let later = now + Duration::seconds(20);
    let obs2 = logs::poll(&clients, &functions, "ERROR", &mut memory, first, later).await;
    let (_, read2) = lines_of(&obs2, CONSUMER);
    assert_eq!(read2, ["ERROR Task timed out after 29.99 seconds"], "only the late line, once");

    let mut data = Data::default();
    for o in obs.into_iter().chain(obs2) {
        data.apply(o);
    }
    let consumer = &data.logs[CONSUMER];
    assert_eq!(consumer.group, GROUP);
    let top = consumer.top_groups(first);
    assert_eq!((top[0].count, top[0].kind), (3, ErrorKind::Timeout), "three timeouts, one group: {top:?}");
    assert_eq!(top[0].sample, "ERROR Task timed out after 29.99 seconds");
    assert_eq!(top[1].kind, ErrorKind::Connection);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ministack_consumer_errors_are_read_once_and_late_lines_still_arrive() {
    let emulator = Emulator::start("logs");
    errors_are_read_once_and_late_lines_still_arrive(&emulator.sdk_config().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fakecloud_consumer_errors_are_read_once_and_late_lines_still_arrive() {
    let emulator = Emulator::fakecloud("logs");
    errors_are_read_once_and_late_lines_still_arrive(&emulator.sdk_config().await).await;
}

/// A function whose `LoggingConfig.LogGroup` names a shared group is read there, not at `/aws/lambda/NAME`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_s_own_log_group_is_followed() {
    use aws_sdk_lambda::primitives::Blob;
    use aws_sdk_lambda::types::{FunctionCode, LogFormat, LoggingConfig, Runtime};
    let emulator = Emulator::start("log-group");
    let config = emulator.sdk_config().await;
    let clients = warroom::aws::Clients::new(&config);
    clients
        .lambda
        .create_function()
        .function_name("shared-logger")
        .runtime(Runtime::Python312)
        .role("arn:aws:iam::000000000000:role/shared-logger")
        .handler("index.handler")
        .code(FunctionCode::builder().zip_file(Blob::new(support::seed::package("shared"))).build())
        .logging_config(LoggingConfig::builder().log_format(LogFormat::Text).log_group("/app/consumers").build())
        .send()
        .await
        .expect("create function");
    clients.logs.create_log_group().log_group_name("/app/consumers").send().await.expect("group");
    let now = Utc::now();
    put(
        &clients.logs,
        "/app/consumers",
        "s",
        &[(now - Duration::minutes(1), "ERROR ThrottlingException: Rate exceeded")],
    )
    .await;
    let mut memory = LogMemory::default();
    let obs =
        logs::poll(&clients, &["shared-logger".to_string()], "ERROR", &mut memory, now - Duration::minutes(10), now)
            .await;
    let group = obs.iter().find_map(|o| match o {
        Observation::ConsumerLog { group, .. } => Some(group.clone()),
        _ => None,
    });
    assert_eq!(group.as_deref(), Some("/app/consumers"));
    assert_eq!(lines_of(&obs, "shared-logger").1, ["ERROR ThrottlingException: Rate exceeded"]);
}

/// What the consumers' logs add to a dashboard's polling, counted where ministack receives it: one
/// FilterLogEvents per consumer per inventory poll (every 30 s: 2 a minute).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_costs_one_filter_log_events_a_poll() {
    use support::proxy::CountingProxy;
    use support::seed::{self, QUEUE};
    use warroom::telemetry::Telemetry;
    use warroom_core::model::Feed;
    let emulator = Emulator::start("log-calls");
    let config = emulator.sdk_config().await;
    let seeded = seed::queues(&config, 1, 0).await;
    seed::function(&config, &seeded.queue_arn).await;
    aws_sdk_cloudwatchlogs::Client::new(&config).create_log_group().log_group_name(GROUP).send().await.expect("group");
    let proxy = CountingProxy::start(&emulator.url);
    let routed = config.into_builder().endpoint_url(&proxy.url).build();
    let watch = warroom_core::config::Watch { queues: vec![QUEUE.into()], ..Default::default() };
    let telemetry = warroom::telemetry::aws::AwsTelemetry::new(
        warroom::aws::connect_with(&routed).await.expect("connect"),
        Some(watch),
    );
    let target = |op: &str| format!("Logs_20140328.{op}");
    for poll in 1..=3 {
        telemetry.poll(Feed::Inventory).await.expect("inventory");
        let filters = proxy.target_count(&target("FilterLogEvents"));
        println!("after inventory poll {poll}: FilterLogEvents {filters} (1 consumer)");
        assert_eq!(filters, poll, "one FilterLogEvents per consumer per poll");
    }
}
