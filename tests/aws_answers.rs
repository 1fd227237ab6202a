//! Answers real accounts give that no emulator produces: AWS's documented answer, served to the real SDK by the
//! proxy in front of ministack (which serves everything else), and read by the same telemetry the user runs.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::Emulator;
use support::cbor::{Value, s};
use support::proxy::{CountingProxy, Fault, Rule};
use support::seed::{self, CLUSTER, QUEUE, READER, WRITER};
use warroom::telemetry::Telemetry;
use warroom::telemetry::aws::AwsTelemetry;
use warroom_core::config::{Thresholds, Watch};
use warroom_core::incident::{Episode, onset};
use warroom_core::model::{AlarmKind, Feed, Observation};

/// A telemetry whose calls go through `proxy`, watching the seeded queue and cluster.
async fn telemetry_via(proxy: &CountingProxy, emulator: &Emulator) -> AwsTelemetry {
    let config = emulator.sdk_config().await.into_builder().endpoint_url(&proxy.url).build();
    let connection = warroom::aws::connect_with(&config).await.expect("connect");
    let watch = Watch { queues: vec![QUEUE.into()], clusters: vec![CLUSTER.into()], ..Watch::default() };
    AwsTelemetry::new(connection, Some(watch))
}

/// A query of a metric-math alarm's `Metrics`: a metric with one dimension, not returned.
fn metric(id: &str, namespace: &str, name: &str, dimension: (&str, &str)) -> Value {
    Value::Map(vec![
        ("Id", s(id)),
        (
            "MetricStat",
            Value::Map(vec![
                (
                    "Metric",
                    Value::Map(vec![
                        ("Namespace", s(namespace)),
                        ("MetricName", s(name)),
                        (
                            "Dimensions",
                            Value::List(vec![Value::Map(vec![("Name", s(dimension.0)), ("Value", s(dimension.1))])]),
                        ),
                    ]),
                ),
                ("Period", Value::Int(60)),
                ("Stat", s("Maximum")),
            ]),
        ),
        ("ReturnData", Value::Bool(false)),
    ])
}

/// The returned expression of a metric-math alarm.
fn expression(text: &str) -> Value {
    Value::Map(vec![("Id", s("e1")), ("Expression", s(text)), ("ReturnData", Value::Bool(true))])
}

/// A metric alarm on metric math in ALARM since `since`, as DescribeAlarms gives it: no top-level metric or
/// dimensions, its queries in `Metrics`.
fn math_alarm(name: &str, since: i64, metrics: Vec<Value>) -> Value {
    Value::Map(vec![
        ("AlarmName", s(name)),
        ("AlarmArn", s(&format!("arn:aws:cloudwatch:us-east-1:000000000000:alarm:{name}"))),
        ("StateValue", s("ALARM")),
        ("StateReason", s("Threshold Crossed: 1 datapoint was greater than the threshold")),
        ("StateUpdatedTimestamp", Value::Time(since)),
        ("Metrics", Value::List(metrics)),
        ("Threshold", Value::Double(1.0)),
        ("EvaluationPeriods", Value::Int(1)),
        ("ComparisonOperator", s("GreaterThanThreshold")),
    ])
}

/// Metric-math alarms have no top-level dimensions: each is attributed to the resources of its metrics (an
/// instance counting as its cluster), and one whose metrics name no resource (a SEARCH) is an onset of its
/// own, named by the alarm — several of them never merge into one nameless onset. ministack rejects metric
/// math, so the proxy serves DescribeAlarms' documented answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metric_math_alarms_are_attributed_to_their_metrics_resources_and_never_merge() {
    let emulator = Emulator::start("metric-math");
    let config = emulator.sdk_config().await;
    let seeded = seed::queues(&config, 1, 0).await;
    seed::function(&config, &seeded.queue_arn).await;
    seed::database(&config).await;
    let now = chrono::Utc::now().timestamp();
    let answer = Value::Map(vec![
        (
            "MetricAlarms",
            Value::List(vec![
                math_alarm(
                    "orders-backlog-minutes",
                    now - 300,
                    vec![
                        expression("m1 / 60"),
                        metric("m1", "AWS/SQS", "ApproximateAgeOfOldestMessage", ("QueueName", QUEUE)),
                    ],
                ),
                math_alarm(
                    "orders-db-cpu-sum",
                    now - 240,
                    vec![
                        expression("m1 + m2"),
                        metric("m1", "AWS/RDS", "CPUUtilization", ("DBInstanceIdentifier", WRITER)),
                        metric("m2", "AWS/RDS", "CPUUtilization", ("DBInstanceIdentifier", READER)),
                    ],
                ),
                math_alarm(
                    "lambda-errors-all",
                    now - 200,
                    vec![expression("SUM(SEARCH('{AWS/Lambda,FunctionName} MetricName=\"Errors\"', 'Sum', 60))")],
                ),
                math_alarm(
                    "sqs-sent-all",
                    now - 100,
                    vec![expression(
                        "SUM(SEARCH('{AWS/SQS,QueueName} MetricName=\"NumberOfMessagesSent\"', 'Sum', 60))",
                    )],
                ),
            ]),
        ),
        ("CompositeAlarms", Value::List(Vec::new())),
    ]);
    let rule =
        Rule { request_line: "/operation/DescribeAlarms ".into(), fault: Fault::Cbor(answer.encode()), times: 100 };
    let proxy = CountingProxy::with_faults(&emulator.url, vec![rule]);
    let mut state = support::live_state("test");
    support::poll_into(&telemetry_via(&proxy, &emulator).await, &mut state, &[Feed::Inventory, Feed::Fast]).await;

    let failing: Vec<String> = state.problems().map(|p| p.problem.to_string()).collect();
    assert!(failing.is_empty(), "the answer reads: {failing:?}");
    let alarm = |name: &str| state.data.alarms.iter().find(|a| a.name == name).expect(name);
    assert_eq!(alarm("orders-backlog-minutes").resources, [QUEUE]);
    assert_eq!(alarm("orders-db-cpu-sum").resources, [WRITER, READER]);
    assert!(alarm("lambda-errors-all").resources.is_empty());
    assert_eq!(alarm("orders-db-cpu-sum").kind, AlarmKind::MetricMath { expression: "m1 + m2".into() });

    let onsets = onset::onsets(&state.data, &Thresholds::default(), Episode::Latest { now: state.now });
    let found: Vec<(&str, &str)> = onsets.iter().map(|o| (o.resource.as_str(), o.what.as_str())).collect();
    assert_eq!(
        found,
        [
            (QUEUE, "orders-backlog-minutes"),
            (CLUSTER, "orders-db-cpu-sum"),
            ("lambda-errors-all", "lambda-errors-all"),
            ("sqs-sent-all", "sqs-sent-all"),
        ],
        "one onset per resource, and one per alarm that names none"
    );
}

/// CloudTrail makes an event visible minutes after its time. The proxy answers the first two LookupEvents with
/// no events, as CloudTrail does before delivery; the third reaches ministack, and the change — older than the
/// two polls before — appears, and only once however often the overlap reads it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_cloudtrail_delivers_late_appears_within_two_polls_and_only_once() {
    let emulator = Emulator::start_with("late-event", &[("CLOUDTRAIL_RECORDING", "1")]);
    let config = emulator.sdk_config().await;
    let seeded = seed::incident(&config).await;
    seed::change_by_hand(&config, &seeded.queue_url).await;
    let not_yet_delivered = Rule {
        request_line: "x-amz-target: CloudTrail_20131101.LookupEvents".into(),
        fault: Fault::Answer { content_type: "application/x-amz-json-1.1", body: r#"{"Events":[]}"#.into() },
        times: 2,
    };
    let proxy = CountingProxy::with_faults(&emulator.url, vec![not_yet_delivered]);
    let telemetry = telemetry_via(&proxy, &emulator).await;
    let change = format!("CloudTrail: SetQueueAttributes on {QUEUE}");
    let mut seen = Vec::new();
    for _ in 0..4 {
        // A second apart, so that each poll starts after the change's time.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let obs = telemetry.poll(Feed::Inventory).await.expect("inventory");
        seen.push(obs.iter().filter(|o| matches!(o, Observation::Event(e) if e.text == change)).count());
    }
    assert_eq!(seen, [0, 0, 1, 0], "hidden twice, then read once and never again");
    let asked = proxy.target_count("CloudTrail_20131101.LookupEvents");
    assert_eq!(asked, 4, "one LookupEvents a poll");
}

/// CloudTrail's record of an alias move (AWS's documented Lambda entry: `UpdateAlias20150331`, camelCase
/// request parameters; ministack names the call wrongly) is the alias's history on first sight: the row shows
/// when it moved and who moved it, the timeline has the deploy once, and the current version's publication is
/// never presented as a deploy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudtrails_update_alias_is_the_deploy_with_who_and_when() {
    use warroom_core::model::{EventKind, MoveSource};
    let emulator = Emulator::start("alias-trail");
    let config = emulator.sdk_config().await;
    seed::incident(&config).await;
    let at = chrono::Utc::now() - chrono::Duration::minutes(3);
    let detail = serde_json::json!({
        "eventVersion": "1.08",
        "eventTime": at.to_rfc3339(),
        "eventSource": "lambda.amazonaws.com",
        "eventName": "UpdateAlias20150331",
        "requestParameters": {"functionName": seed::FUNCTION, "name": "live", "functionVersion": "2"},
        "responseElements": {"name": "live", "functionVersion": "2", "revisionId": "r-2"},
    });
    let body = serde_json::json!({"Events": [{
        "EventId": "3f1c-update-alias",
        "EventName": "UpdateAlias20150331",
        "ReadOnly": "false",
        "EventTime": at.timestamp(),
        "EventSource": "lambda.amazonaws.com",
        "Username": "alice",
        "Resources": [{"ResourceType": "AWS::Lambda::Function", "ResourceName": seed::FUNCTION}],
        "CloudTrailEvent": detail.to_string(),
    }]});
    let trail = Rule {
        request_line: "x-amz-target: CloudTrail_20131101.LookupEvents".into(),
        fault: Fault::Answer { content_type: "application/x-amz-json-1.1", body: body.to_string() },
        times: usize::MAX,
    };
    let proxy = CountingProxy::with_faults(&emulator.url, vec![trail]);
    let telemetry = telemetry_via(&proxy, &emulator).await;
    let mut state = support::live_state("000000000000 · us-east-1");
    for _ in 0..2 {
        support::poll_into(&telemetry, &mut state, &[Feed::Inventory]).await;
    }
    let f = &state.data.functions[0];
    let moved = f.last_move.as_ref().expect("CloudTrail's move is the alias's history");
    assert_eq!(
        (moved.source, moved.actor.as_deref(), moved.at.timestamp()),
        (MoveSource::CloudTrail, Some("alice"), at.timestamp())
    );
    assert_eq!(f.previous_version.as_deref(), Some("1"), "the newest published version below 2");
    assert!(!f.previous_seen(), "CloudTrail does not say what the alias pointed to before: the target is a guess");
    let deploys: Vec<_> = state.data.timeline.iter().filter(|e| e.kind == EventKind::Deploy).collect();
    assert_eq!(deploys.len(), 1, "read twice, shown once: {deploys:?}");
    assert_eq!(deploys[0].text, "orders-consumer live → v2");
    assert!(state.data.timeline.iter().all(|e| !e.text.contains("published")), "{:?}", state.data.timeline);
}
