//! The live path against a real AWS API emulator (ministack) over HTTP: the same SDK calls, discovery,
//! telemetry and operations the user runs, against resources seeded through the SDK.
//! Where ministack lacks a call (message move tasks, ListDeadLetterSourceQueues, RebootDBCluster) other tests
//! cover it; the README lists which.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use support::Emulator;
use support::seed::{self, AGE_ALARM, CLUSTER, DLQ, FUNCTION, QUEUE, READER, WRITER};
use warroom::aws::connect_with;
use warroom::ops::Operator;
use warroom::ops::aws::AwsOperator;
use warroom::telemetry::Telemetry;
use warroom::telemetry::aws::AwsTelemetry;
use warroom_core::config::Watch;
use warroom_core::model::Feed;
use warroom_core::model::{AlarmState, ClusterKind, DbStatus, MetricKind, Observation, ResourceKind, Role};
use warroom_core::operation::{Op, OpError, RebootCall, Seen};

fn watch() -> Watch {
    Watch { queues: vec![QUEUE.into()], clusters: vec![CLUSTER.into()], ..Watch::default() }
}

async fn poll_all(telemetry: &AwsTelemetry) -> Vec<Observation> {
    let mut out = Vec::new();
    for feed in [Feed::Inventory, Feed::Fast, Feed::Metrics] {
        out.extend(telemetry.poll(feed).await.unwrap_or_else(|e| panic!("{feed:?}: {e}")));
    }
    out
}

fn operator(clients: warroom::aws::Clients) -> AwsOperator {
    AwsOperator::new(clients).with_verification(Duration::from_millis(200), Duration::from_secs(30))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_and_telemetry_show_the_seeded_incident() {
    let emulator = Emulator::start("telemetry");
    let config = emulator.sdk_config().await;
    seed::incident(&config).await;
    let connection = connect_with(&config).await.expect("connect");
    assert_eq!(connection.identity.region, "us-east-1");
    let telemetry = AwsTelemetry::new(connection, Some(watch()));
    let obs = poll_all(&telemetry).await;

    let problems: Vec<_> = obs.iter().filter(|o| matches!(o, Observation::Problem { .. })).collect();
    assert!(problems.is_empty(), "no call failed: {problems:?}");
    let queue = obs
        .iter()
        .find_map(|o| match o {
            Observation::Queue(q) if q.name == QUEUE => Some(q),
            _ => None,
        })
        .expect("queue");
    assert_eq!(queue.visible, 5);
    assert_eq!(queue.dlq.as_deref(), Some(DLQ), "DLQ discovered from the RedrivePolicy");
    assert_eq!(queue.consumer.as_deref(), Some(FUNCTION), "consumer discovered from the event source mapping");
    let dlq = first_of!(obs, Observation::Dlq).expect("dlq");
    assert_eq!((dlq.name.as_str(), dlq.source_label().as_str(), dlq.depth), (DLQ, QUEUE, 7));
    assert_eq!(dlq.max_receive_counts, [(QUEUE.to_string(), 3)], "the source's RedrivePolicy maxReceiveCount");
    assert!(dlq.arn.as_deref().is_some_and(|a| a.ends_with(":orders-dlq")), "{:?}", dlq.arn);
    assert_eq!(dlq.retention_seconds, Some(345_600), "SQS's default MessageRetentionPeriod");
    let f = first_of!(obs, Observation::Function).expect("function");
    assert_eq!((f.alias.as_str(), f.version.as_str(), f.previous_version.as_deref()), ("live", "2", Some("1")));
    assert!(f.last_move.is_none(), "first sight: the history is unknown, not a deploy");
    let targets: Vec<_> = f.published.iter().map(|p| (p.version.as_str(), p.published_at.is_some())).collect();
    assert_eq!(targets, [("1", true)], "the published versions below the alias's, with their publish time");
    let versions: Vec<_> = f.versions.iter().map(|p| p.version.as_str()).collect();
    assert_eq!(versions, ["2", "1"], "every published version for the detail view, the alias's own included");
    let cluster = first_of!(obs, Observation::Cluster).expect("cluster");
    assert_eq!(cluster.id, CLUSTER);
    assert_eq!(cluster.members.len(), 2);
    assert_eq!(cluster.writer().map(|w| w.id.as_str()), Some(WRITER));
    assert!(cluster.members.iter().any(|m| m.id == READER && m.role == Role::Reader));
    let alarm = obs
        .iter()
        .find_map(|o| match o {
            Observation::Alarm(a) if a.name == AGE_ALARM => Some(a),
            _ => None,
        })
        .expect("alarm");
    assert_eq!(alarm.state, AlarmState::Alarm);
    assert_eq!(alarm.resources, [QUEUE]);
    let line = warroom_core::model::AlarmThreshold { metric: MetricKind::QueueAge, value: 60.0 };
    assert_eq!(alarm.threshold, Some(line), "the alarm's Threshold is the queue's age threshold");
    let ages: Vec<f64> = obs
        .iter()
        .filter_map(|o| match o {
            Observation::Metric { resource, metric: MetricKind::QueueAge, value, .. } if resource == QUEUE => {
                Some(*value)
            }
            _ => None,
        })
        .collect();
    assert!(ages.len() >= 9 && ages.iter().any(|v| *v >= 160.0), "queue age history from GetMetricData: {ages:?}");
    let cpu = obs.iter().any(|o| matches!(o, Observation::Metric { resource, metric: MetricKind::DbCpu, value, .. } if resource == WRITER && *value == 90.0));
    assert!(cpu, "writer CPU from GetMetricData");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_named_resource_that_does_not_exist_is_not_found_not_a_crash() {
    let emulator = Emulator::start("missing");
    let config = emulator.sdk_config().await;
    let telemetry = AwsTelemetry::new(
        connect_with(&config).await.expect("connect"),
        Some(Watch {
            queues: vec!["no-such-queue".into()],
            clusters: vec!["no-such-cluster".into()],
            ..Watch::default()
        }),
    );
    let obs = poll_all(&telemetry).await;
    assert!(obs.contains(&Observation::Missing { kind: ResourceKind::Queue, name: "no-such-queue".into() }), "{obs:?}");
    assert!(
        obs.contains(&Observation::Missing { kind: ResourceKind::Cluster, name: "no-such-cluster".into() }),
        "{obs:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_watch_list_everything_is_discovered() {
    let emulator = Emulator::start("discover");
    let config = emulator.sdk_config().await;
    seed::incident(&config).await;
    let telemetry = AwsTelemetry::new(connect_with(&config).await.expect("connect"), None);
    let obs = poll_all(&telemetry).await;
    assert!(obs.iter().any(|o| matches!(o, Observation::Queue(q) if q.name == QUEUE)), "{obs:?}");
    assert!(obs.iter().any(|o| matches!(o, Observation::Dlq(d) if d.name == DLQ)), "the DLQ is a DLQ, not a queue");
    assert!(!obs.iter().any(|o| matches!(o, Observation::Queue(q) if q.name == DLQ)));
    assert!(obs.iter().any(|o| matches!(o, Observation::Function(f) if f.name == FUNCTION)));
    assert!(obs.iter().any(|o| matches!(o, Observation::Cluster(c) if c.id == CLUSTER)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollback_moves_the_alias_and_a_concurrent_change_is_a_conflict() {
    let emulator = Emulator::start("rollback");
    let config = emulator.sdk_config().await;
    let seeded = seed::queues(&config, 0, 0).await;
    seed::function(&config, &seeded.queue_arn).await;
    let connection = connect_with(&config).await.expect("connect");
    let op = operator(connection.clients.clone());
    let lambda = aws_sdk_lambda::Client::new(&config);

    let rollback = Op::Rollback { function: FUNCTION.into(), alias: "live".into(), from: "2".into(), to: "1".into() };
    let baseline = op.baseline(&rollback).await;
    let answer = op.execute(&rollback, "alice").await.expect("rollback");
    assert!(answer.contains("UpdateAlias"), "{answer}");
    let verified = op.verify(&rollback, &baseline).await.expect("verified with GetAlias").text;
    assert!(verified.contains("RevisionId"), "proven by a new RevisionId: {verified}");
    let alias = lambda.get_alias().function_name(FUNCTION).name("live").send().await.expect("get alias");
    assert_eq!(alias.function_version(), Some("1"));

    // Rolling back again to where it already is calls nothing.
    let again = op.execute(&rollback, "alice").await.expect("nothing to do");
    assert!(again.contains("already points to 1; nothing was called"), "{again}");

    // Someone else moves the alias after the plan was made: a conflict, shown, and nothing is called.
    lambda
        .update_alias()
        .function_name(FUNCTION)
        .name("live")
        .function_version("$LATEST")
        .send()
        .await
        .expect("someone else");
    match op.execute(&rollback, "alice").await {
        Err(OpError::Conflict(msg)) => {
            assert!(msg.contains("now points to $LATEST, not 2: someone else changed it"), "{msg}")
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let alias = lambda.get_alias().function_name(FUNCTION).name("live").send().await.expect("get alias");
    assert_eq!(alias.function_version(), Some("$LATEST"), "warroom did not overwrite the other change");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reboot_and_failover_reach_available_and_roles_are_re_read() {
    let emulator = Emulator::start("rds");
    let config = emulator.sdk_config().await;
    seed::database(&config).await;
    let connection = connect_with(&config).await.expect("connect");
    let op = operator(connection.clients.clone());

    let reboot =
        Op::Reboot { cluster: CLUSTER.into(), instance: WRITER.into(), writer: true, call: RebootCall::Instance };
    // Available before the call proves nothing: without a restart since, verification finds no proof.
    let impatient = AwsOperator::new(connection.clients.clone())
        .with_verification(Duration::from_millis(200), Duration::from_secs(2));
    let before = impatient.baseline(&reboot).await;
    match impatient.verify(&reboot, &before).await {
        Err(OpError::NotVerified(why)) => assert!(why.contains("no proof"), "{why}"),
        other => panic!("an available instance is no proof of a reboot: {other:?}"),
    }
    let baseline = op.baseline(&reboot).await;
    op.execute(&reboot, "alice").await.expect("RebootDBInstance");
    let verified = op.verify(&reboot, &baseline).await.expect("available again").text;
    // Proven by the restart event, or by the instance seen rebooting (ministack shows it briefly).
    let proven = verified.contains("RDS event") && verified.contains("DB instance restarted");
    assert!(proven || verified.contains("core-db-1 seen rebooting"), "{verified}");

    let failover = Op::Failover { cluster: CLUSTER.into(), target: Some(READER.into()) };
    let baseline = op.baseline(&failover).await;
    assert_eq!(baseline.writer.as_deref(), Some(WRITER));
    op.execute(&failover, "alice").await.expect("FailoverDBCluster");
    let verified = op.verify(&failover, &baseline).await.expect("failover verified").text;
    assert!(verified.contains(&format!("writer {WRITER} → {READER}")), "{verified}");
    let seen = op.verify(&failover, &baseline).await.expect("still verified").seen;
    assert_eq!(seen, vec![Seen::Writer { cluster: CLUSTER.into(), instance: READER.into() }], "for the panes at once");

    let telemetry = AwsTelemetry::new(connection, Some(watch()));
    let obs = telemetry.poll(Feed::Inventory).await.expect("inventory");
    let cluster = first_of!(obs, Observation::Cluster).expect("cluster");
    assert_eq!(cluster.writer().map(|w| w.id.as_str()), Some(READER), "roles re-read after failover");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_builds_no_aws_operator() {
    let emulator = Emulator::start("readonly");
    let config = emulator.sdk_config().await;
    let connection = connect_with(&config).await.expect("connect");
    let clients = connection.clients.clone();
    let guard = warroom::ops::guard::Guard::new(true, || Arc::new(AwsOperator::new(clients)));
    assert!(!guard.can_operate());
}

/// The issue's sizing — 100 queues × 4 metrics + 20 functions × 5 + 3 clusters × 5 = 515 queries — costs
/// ceil(515 / 500) = 2 GetMetricData calls per refresh, counted at the emulator's door; a naive poller makes 515.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metrics_refresh_for_100_queues_is_two_get_metric_data_calls() {
    use warroom::telemetry::aws::cloudwatch::{MAX_QUERIES_PER_CALL, fetch, queries_for};
    use warroom::telemetry::aws::discovery::{ClusterRef, FunctionRef, Inventory, QueueRef};

    let emulator = Emulator::start("count");
    seed::metrics_and_alarm(&emulator.sdk_config().await).await;
    let proxy = support::proxy::CountingProxy::start(&emulator.url);
    let config = emulator.sdk_config().await.into_builder().endpoint_url(&proxy.url).build();
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&config);

    let mut queues: Vec<QueueRef> =
        (1..100).map(|i| QueueRef { name: format!("queue-{i}"), ..QueueRef::default() }).collect();
    queues.push(QueueRef { name: QUEUE.into(), ..QueueRef::default() });
    let inventory = Inventory {
        queues,
        functions: (0..20).map(|i| FunctionRef { name: format!("fn-{i}"), alias: Some("live".into()) }).collect(),
        clusters: (0..3)
            .map(|i| ClusterRef {
                id: format!("db-{i}"),
                members: vec![(format!("db-{i}-1"), true)],
                ..ClusterRef::default()
            })
            .collect(),
        ..Inventory::default()
    };
    let queries = queries_for(&inventory);
    assert_eq!(queries.len(), 515);
    let now = chrono::Utc::now();
    let fetched = fetch(&cloudwatch, &queries, now - chrono::Duration::minutes(30), now).await.expect("fetch");
    let at_the_emulator = proxy.count("GetMetricData");
    println!(
        "GetMetricData calls for {} queries: {at_the_emulator} at the emulator ({} by the client)",
        queries.len(),
        fetched.calls
    );
    assert_eq!(at_the_emulator, queries.len().div_ceil(MAX_QUERIES_PER_CALL));
    assert_eq!(fetched.calls, at_the_emulator);
    let ages = fetched
        .observations
        .iter()
        .filter(
            |o| matches!(o, Observation::Metric { resource, metric: MetricKind::QueueAge, .. } if resource == QUEUE),
        )
        .count();
    assert!(ages >= 9, "the seeded queue's points come back through the batch: {ages}");
}

/// The feeds start together; discovery runs once, not once per feed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_feeds_discover_once() {
    let emulator = Emulator::start("discover-once");
    seed::queues(&emulator.sdk_config().await, 1, 0).await;
    let proxy = support::proxy::CountingProxy::start(&emulator.url);
    let config = emulator.sdk_config().await.into_builder().endpoint_url(&proxy.url).build();
    let telemetry = Arc::new(AwsTelemetry::new(connect_with(&config).await.expect("connect"), Some(watch())));
    let polls: Vec<_> = [Feed::Fast, Feed::Metrics, Feed::Inventory]
        .into_iter()
        .map(|feed| {
            let t = telemetry.clone();
            tokio::spawn(async move { t.poll(feed).await })
        })
        .collect();
    for p in polls {
        p.await.expect("join").expect("poll");
    }
    // SQS speaks JSON with the operation in X-Amz-Target: count GetQueueUrl at the proxy.
    assert_eq!(proxy.target_count("AmazonSQS.GetQueueUrl"), 2, "one discovery resolves orders and its DLQ once each");
}

/// An account larger than one page: alarms, their history and clusters are read across pages; discovery keeps
/// the first 50 of a kind and says so as a note, not as a failing call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_accounts_are_read_in_pages_and_discovery_is_bounded() {
    const ALARMS: usize = 120;
    const CLUSTERS: usize = 105;

    let emulator = Emulator::start("pages");
    let config = emulator.sdk_config().await;
    seed::queues(&config, 0, 0).await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    for i in 0..55 {
        sqs.create_queue().queue_name(format!("extra-{i:02}")).send().await.expect("create queue");
    }
    let cw = aws_sdk_cloudwatch::Client::new(&config);
    for i in 0..ALARMS {
        seed::age_alarm_in_alarm(&cw, &format!("paged-{i:03}"), QUEUE).await;
    }
    let rds = aws_sdk_rds::Client::new(&config);
    for i in 0..CLUSTERS {
        seed::aurora_cluster(&rds, &format!("db-{i:03}")).await;
    }
    let proxy = support::proxy::CountingProxy::start(&emulator.url);
    let config = config.into_builder().endpoint_url(&proxy.url).build();
    let telemetry = AwsTelemetry::new(connect_with(&config).await.expect("connect"), None);
    let mut obs = telemetry.poll(Feed::Inventory).await.expect("inventory");
    obs.extend(telemetry.poll(Feed::Fast).await.expect("fast"));

    let problems: Vec<_> = obs.iter().filter(|o| matches!(o, Observation::Problem { .. })).collect();
    assert!(problems.is_empty(), "a bounded discovery is not a failing call: {problems:?}");
    for kind in [ResourceKind::Queue, ResourceKind::Cluster] {
        assert!(
            obs.iter().any(|o| matches!(o, Observation::Truncated { kind: k, limit: 50 } if *k == kind)),
            "{kind:?} truncated at 50"
        );
    }
    let queues = obs.iter().filter(|o| matches!(o, Observation::Queue(_) | Observation::Dlq(_))).count();
    assert_eq!(queues, 50, "the first 50 of 57 queues, orders-dlq among them as a DLQ");
    let clusters = obs.iter().filter(|o| matches!(o, Observation::Cluster(_))).count();
    assert_eq!(clusters, 50);
    let alarms = obs.iter().filter(|o| matches!(o, Observation::Alarm(_))).count();
    assert_eq!(alarms, ALARMS, "every alarm, across two pages of DescribeAlarms");
    let transitions = obs
        .iter()
        .filter(|o| matches!(o, Observation::Event(e) if e.kind == warroom_core::model::EventKind::Alarm))
        .count();
    assert_eq!(transitions, ALARMS, "every transition, across two pages of DescribeAlarmHistory");
    assert!(
        proxy.action_count("DescribeDBClusters") >= 2,
        "{CLUSTERS} clusters take two pages: {}",
        proxy.action_count("DescribeDBClusters")
    );
}

/// Management calls on the watched resources, by anyone, come from CloudTrail into the timeline with who made
/// them — here a queue's attributes set by hand — and take part in the suspect ranking.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudtrail_shows_who_changed_a_watched_resource() {
    let emulator = Emulator::start_with("cloudtrail", &[("CLOUDTRAIL_RECORDING", "1")]);
    let config = emulator.sdk_config().await;
    let seeded = seed::incident(&config).await;
    seed::change_by_hand(&config, &seeded.queue_url).await;
    let telemetry = AwsTelemetry::new(connect_with(&config).await.expect("connect"), Some(watch()));
    let obs = telemetry.poll(Feed::Inventory).await.expect("inventory");
    let problems: Vec<_> = obs.iter().filter(|o| matches!(o, Observation::Problem { .. })).collect();
    assert!(problems.is_empty(), "{problems:?}");
    let change = obs
        .iter()
        .find_map(|o| match o {
            Observation::Event(e) if e.text == format!("CloudTrail: SetQueueAttributes on {QUEUE}") => Some(e),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the change is in the timeline: {obs:#?}"));
    assert_eq!(change.kind, warroom_core::model::EventKind::Change);
    assert_eq!(change.resource.as_deref(), Some(QUEUE));
    assert!(change.actor.is_some(), "who made it: {change:?}");
    let noise = obs.iter().filter(|o| matches!(o, Observation::Event(e) if e.text.contains("SendMessage"))).count();
    assert_eq!(noise, 0, "sending messages is not a change");
    // The emulator records reads too, warroom's own among them (FilterLogEvents on the consumer's log group,
    // ListAliases, GetQueueAttributes): a second poll reads the first one's calls back, and none is a change.
    let again = telemetry.poll(Feed::Inventory).await.expect("inventory");
    let reads: Vec<&str> = again
        .iter()
        .chain(&obs)
        .filter_map(|o| match o {
            Observation::Event(e) if e.text.starts_with("CloudTrail: ") => Some(e.text.as_str()),
            _ => None,
        })
        .filter(|t| ["Filter", "Get", "List", "Describe", "Lookup"].iter().any(|p| t.contains(&format!(": {p}"))))
        .collect();
    assert!(reads.is_empty(), "reads are not changes: {reads:?}");
}

/// CloudWatch revises a recent minute as late data arrives (ministack sums repeated PutMetricData for one
/// minute, as CloudWatch's Sum does): the metrics feed's re-read brings the revised value, and the series keeps
/// it, though a newer minute is already held.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_minute_topped_up_between_two_polls_shows_its_revised_value() {
    use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
    use warroom_core::state::State;

    let emulator = Emulator::start("revised");
    let config = emulator.sdk_config().await;
    seed::queues(&config, 0, 0).await;
    let cw = aws_sdk_cloudwatch::Client::new(&config);
    let minute = chrono::Utc::now().timestamp() / 60 * 60;
    let (early, late) = (minute - 3 * 60, minute - 60);
    let sent = |at: i64, value: f64| {
        MetricDatum::builder()
            .metric_name("NumberOfMessagesSent")
            .dimensions(Dimension::builder().name("QueueName").value(QUEUE).build())
            .timestamp(aws_sdk_cloudwatch::primitives::DateTime::from_secs(at))
            .value(value)
            .build()
    };
    let put = |datum: MetricDatum| {
        let cw = cw.clone();
        async move { cw.put_metric_data().namespace("AWS/SQS").metric_data(datum).send().await.expect("put") }
    };
    put(sent(early, 10.0)).await;
    put(sent(late, 10.0)).await;

    let connection = connect_with(&config).await.expect("connect");
    let telemetry = AwsTelemetry::new(connection, Some(Watch { queues: vec![QUEUE.into()], ..Watch::default() }));
    let mut state = support::live_state("test");
    let poll = async |state: &mut State| support::poll_into(&telemetry, state, &[Feed::Inventory, Feed::Metrics]).await;
    let at = |secs: i64| chrono::DateTime::from_timestamp(secs, 0).expect("time");
    let sent_at = |state: &State, secs: i64| {
        state.data.series(QUEUE, MetricKind::Sent).and_then(|s| s.iter().find(|p| p.at == at(secs)).map(|p| p.value))
    };
    poll(&mut state).await;
    assert_eq!(sent_at(&state, early), Some(10.0), "the first answer");
    assert_eq!(sent_at(&state, late), Some(10.0));

    put(sent(early, 90.0)).await;
    poll(&mut state).await;
    assert_eq!(sent_at(&state, early), Some(100.0), "the revised minute replaces the first answer");
    assert_eq!(sent_at(&state, late), Some(10.0));
}

/// Composite alarms — what many teams page on — are read although DescribeAlarms and DescribeAlarmHistory answer
/// for metric alarms only unless `AlarmTypes` asks for more: with their rule, which children are in ALARM (read
/// by name when the watched prefixes leave them out), the resources of those children, and their transitions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_composite_alarm_shows_with_its_rule_its_firing_children_and_their_resources() {
    use aws_sdk_cloudwatch::types::{StateValue, Statistic};
    use warroom_core::model::AlarmKind;

    let emulator = Emulator::start("composite");
    let config = emulator.sdk_config().await;
    seed::incident(&config).await;
    let cw = aws_sdk_cloudwatch::Client::new(&config);
    let cpu = ("AWS/RDS", "CPUUtilization");
    seed::metric_alarm(&cw, "orders-db-cpu", cpu, ("DBInstanceIdentifier", WRITER), Statistic::Maximum, 95.0).await;
    cw.set_alarm_state()
        .alarm_name("orders-db-cpu")
        .state_value(StateValue::Ok)
        .state_reason("fine")
        .send()
        .await
        .expect("ok");
    let rule = format!(r#"ALARM("{AGE_ALARM}") OR ALARM("orders-db-cpu")"#);
    cw.put_composite_alarm().alarm_name("page-orders").alarm_rule(&rule).send().await.expect("put composite alarm");

    let connection = connect_with(&config).await.expect("connect");
    let watch = Watch { alarm_prefixes: vec!["page-".into()], ..watch() };
    let telemetry = AwsTelemetry::new(connection, Some(watch));
    let obs = poll_all(&telemetry).await;
    let problems: Vec<_> = obs.iter().filter(|o| matches!(o, Observation::Problem { .. })).collect();
    assert!(problems.is_empty(), "no call failed: {problems:?}");
    let alarms: Vec<_> =
        obs.iter().filter_map(|o| if let Observation::Alarm(a) = o { Some(a) } else { None }).collect();
    assert_eq!(alarms.len(), 1, "only the watched prefix's alarm is shown, its children are read for its sake");
    let page = alarms[0];
    assert_eq!((page.name.as_str(), page.state), ("page-orders", AlarmState::Alarm));
    let AlarmKind::Composite { rule: read_rule, children } = &page.kind else { panic!("a composite alarm: {page:?}") };
    assert_eq!(read_rule, &rule);
    assert_eq!(
        children,
        &[(AGE_ALARM.to_string(), Some(AlarmState::Alarm)), ("orders-db-cpu".to_string(), Some(AlarmState::Ok))]
    );
    assert_eq!(page.kind.children_in_alarm(), [AGE_ALARM]);
    assert_eq!(page.resources, [QUEUE, WRITER], "attributed to its children's resources");
    let transition =
        obs.iter().any(|o| matches!(o, Observation::Event(e) if e.text == "page-orders: INSUFFICIENT_DATA → ALARM"));
    assert!(transition, "the composite alarm's transition from DescribeAlarmHistory");
}

/// DescribeDBClusters also lists DocumentDB. A DocumentDB cluster in the account, whose answer the SDK cannot
/// read (ministack 1.5.33 writes its booleans with whitespace), must not blank the other clusters: watched by
/// name, the Aurora cluster is read by identifier and never meets it; discovering everything, the read falls
/// back to one engine at a time, and only DocumentDB's fails, named, with a reason instead of "unhandled error".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_documentdb_cluster_does_not_blank_the_other_clusters() {
    let emulator =
        Emulator::start_with("docdb", &[("SERVICES", "sqs,lambda,rds,cloudwatch,sts,logs,cloudtrail,documentdb")]);
    let config = emulator.sdk_config().await;
    seed::database(&config).await;
    let rds = aws_sdk_rds::Client::new(&config);
    // Each is created; the SDK then fails to read ministack's answer, the very fault under test, so the results
    // are not checked here.
    let _ = rds
        .create_db_cluster()
        .db_cluster_identifier("catalog-docs")
        .engine("docdb")
        .master_username("docs")
        .master_user_password("not-a-real-password")
        .send()
        .await;
    let _ = rds
        .create_db_instance()
        .db_instance_identifier("catalog-docs-1")
        .db_cluster_identifier("catalog-docs")
        .engine("docdb")
        .db_instance_class("db.r6g.large")
        .send()
        .await;

    for watch in [Some(Watch { clusters: vec![CLUSTER.into()], ..Watch::default() }), None] {
        let named = watch.is_some();
        let telemetry = AwsTelemetry::new(connect_with(&config).await.expect("connect"), watch);
        let mut obs = telemetry.poll(Feed::Inventory).await.expect("inventory");
        obs.extend(telemetry.poll(Feed::Fast).await.expect("fast"));
        let aurora = obs
            .iter()
            .find_map(|o| match o {
                Observation::Cluster(c) if c.id == CLUSTER => Some(c),
                _ => None,
            })
            .unwrap_or_else(|| panic!("the Aurora cluster is shown (named: {named}): {obs:#?}"));
        assert_eq!(aurora.members.len(), 2);
        assert!(aurora.members.iter().all(|m| m.status.is_available()), "{aurora:?}");
        let problems: Vec<String> = obs
            .iter()
            .filter_map(|o| if let Observation::Problem(p) = o { Some(p.to_string()) } else { None })
            .collect();
        assert!(problems.iter().all(|p| !p.contains("unhandled")), "{problems:?}");
        if named {
            assert!(problems.is_empty(), "the watched cluster never meets the unreadable one: {problems:?}");
        } else {
            assert!(
                problems.iter().any(|p| p.contains("rds:DescribeDBClusters") && p.contains("docdb")),
                "DocumentDB's read fails alone, named: {problems:?}"
            );
        }
    }

    // Named itself, the unreadable cluster has a row of its own — status unknown, no operation — beside its
    // problem, never silently absent; the Aurora cluster is unaffected.
    let watch = Watch { clusters: vec![CLUSTER.into(), "catalog-docs".into()], ..Watch::default() };
    let telemetry = AwsTelemetry::new(connect_with(&config).await.expect("connect"), Some(watch));
    let mut obs = telemetry.poll(Feed::Inventory).await.expect("inventory");
    obs.extend(telemetry.poll(Feed::Fast).await.expect("fast"));
    let clusters: Vec<_> =
        obs.iter().filter_map(|o| if let Observation::Cluster(c) = o { Some(c) } else { None }).collect();
    let docs = clusters.iter().find(|c| c.id == "catalog-docs").expect("a row for the named, unreadable cluster");
    assert_eq!((docs.kind, docs.status.clone()), (ClusterKind::Unknown, DbStatus::Unknown));
    assert!(clusters.iter().any(|c| c.id == CLUSTER && c.members.len() == 2));
    let named_problem =
        obs.iter().any(|o| matches!(o, Observation::Problem(p) if p.resource.as_deref() == Some("catalog-docs")));
    assert!(named_problem, "its problem names it");
}

/// An emulator writes a standalone instance's DBClusterIdentifier as an empty element (AWS leaves it out): an
/// empty identifier is no cluster, so discovering everything finds the standalone instance.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standalone_instance_is_discovered_even_with_an_empty_cluster_identifier() {
    let emulator = Emulator::start("standalone");
    let config = emulator.sdk_config().await;
    seed::database(&config).await;
    aws_sdk_rds::Client::new(&config)
        .create_db_instance()
        .db_instance_identifier("reporting-db")
        .engine("postgres")
        .db_instance_class("db.t3.micro")
        .send()
        .await
        .expect("create standalone instance");
    let telemetry = AwsTelemetry::new(connect_with(&config).await.expect("connect"), None);
    let obs = telemetry.poll(Feed::Inventory).await.expect("inventory");
    let reporting = obs.iter().find_map(|o| match o {
        Observation::Cluster(c) if c.id == "reporting-db" => Some(c),
        _ => None,
    });
    let reporting = reporting.unwrap_or_else(|| panic!("the standalone instance is discovered: {obs:#?}"));
    assert!(matches!(reporting.kind, ClusterKind::Instance { .. }), "{reporting:?}");
}

/// Issue 15: a peek receives the dead letters with a visibility timeout of 0 and deletes none of them: bodies,
/// receive counts and send times as SQS answers, the DLQ as deep after as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peek_receives_dead_letters_and_deletes_none() {
    let emulator = Emulator::start("peek");
    let config = emulator.sdk_config().await;
    let seeded = seed::queues(&config, 0, 7).await;
    let connection = connect_with(&config).await.expect("connect");
    let operator = operator(connection.clients.clone());
    let op = Op::Peek { dlq: DLQ.into(), max: 10 };
    let baseline = operator.baseline(&op).await;
    let answer = operator.execute(&op, "alice").await.expect("peek");
    assert!(answer.contains("7 messages received; none deleted"), "{answer}");
    let verified = operator.verify(&op, &baseline).await.expect("shown");
    let [Seen::Messages { dlq, messages }] = verified.seen.as_slice() else { panic!("{:?}", verified.seen) };
    assert_eq!(dlq, DLQ);
    let mut bodies: Vec<&str> = messages.iter().map(|m| m.body.as_str()).collect();
    bodies.sort();
    assert_eq!(bodies, (0..7).map(|i| format!("dead order {i}")).collect::<Vec<_>>());
    assert!(messages.iter().all(|m| m.receive_count == 1 && m.sent_at.is_some()), "one receive each: {messages:?}");
    // A second look counts one more receive, no more.
    operator.execute(&op, "alice").await.expect("peek again");
    let again = operator.verify(&op, &baseline).await.expect("shown");
    let [Seen::Messages { messages, .. }] = again.seen.as_slice() else { panic!("{:?}", again.seen) };
    assert!(messages.iter().all(|m| m.receive_count == 2), "{messages:?}");
    // Its answer shown, a further verification has nothing to show: never an empty success.
    assert!(operator.verify(&op, &baseline).await.is_err(), "a lost answer is not a peek that showed nothing");
    let sqs = aws_sdk_sqs::Client::new(&config);
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(&seeded.dlq_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .expect("attributes");
    let depth = attributes
        .attributes()
        .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages));
    assert_eq!(depth.map(String::as_str), Some("7"), "nothing deleted");
}
