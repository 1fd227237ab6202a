//! What ministack cannot serve, against fakecloud (a second real AWS emulator, speaking the same protocols):
//! the DLQ redrive end to end (StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask), a DLQ's
//! sources from ListDeadLetterSourceQueues, and RebootDBCluster on a Multi-AZ DB cluster.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_sqs::types::QueueAttributeName;
use support::Emulator;
use support::seed::{self, DLQ, QUEUE};
use warroom::aws::connect_with;
use warroom::ops::Operator;
use warroom::ops::aws::AwsOperator;
use warroom::telemetry::Telemetry;
use warroom::telemetry::aws::AwsTelemetry;
use warroom_core::config::Watch;
use warroom_core::model::Feed;
use warroom_core::model::{Observation, RedriveStatus};
use warroom_core::operation::{Op, OpError, RebootCall};

const OTHER: &str = "orders-replay";

fn operator(clients: warroom::aws::Clients) -> AwsOperator {
    AwsOperator::new(clients).with_verification(Duration::from_millis(200), Duration::from_secs(30))
}

async fn depth(config: &SdkConfig, queue: &str) -> u64 {
    let sqs = aws_sdk_sqs::Client::new(config);
    let url = sqs.get_queue_url().queue_name(queue).send().await.expect("url").queue_url().expect("url").to_string();
    let attrs = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .expect("attributes");
    attrs
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::ApproximateNumberOfMessages))
        .and_then(|n| n.parse().ok())
        .expect("depth")
}

/// Polls `depth` until it equals `want` or 30 s pass; returns the last depth seen.
async fn wait_for_depth(config: &SdkConfig, queue: &str, want: u64) -> u64 {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let now = depth(config, queue).await;
        if now == want || tokio::time::Instant::now() > deadline {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// orders and orders-dlq with `dead` messages dead-lettered the way SQS does it (received past
/// maxReceiveCount), so each knows its source queue.
async fn incident_queues(config: &SdkConfig, dead: usize) {
    let seeded = seed::queues(config, 0, 0).await;
    seed::dead_letter(config, &seeded.queue_url, dead).await;
    let dlq_depth = wait_for_depth(config, DLQ, dead as u64).await;
    assert_eq!(dlq_depth, dead as u64, "the seed dead-lettered {dead} messages");
}

fn redrive(destination: Option<&str>, rate: Option<u32>) -> Op {
    Op::Redrive { dlq: DLQ.into(), destination: destination.map(str::to_string), rate, arn: None }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redrive_moves_the_dlq_back_to_its_source_with_progress_in_the_pane() {
    let emulator = Emulator::fakecloud("redrive");
    let config = emulator.sdk_config().await;
    incident_queues(&config, 6).await;
    let connection = connect_with(&config).await.expect("connect");
    let op = operator(connection.clients.clone());

    let baseline = op.baseline(&redrive(None, Some(10))).await;
    let started = op.execute(&redrive(None, Some(10)), "alice").await.expect("StartMessageMoveTask");
    assert!(started.starts_with("StartMessageMoveTask: TaskHandle="), "{started}");
    let verified =
        op.verify(&redrive(None, Some(10)), &baseline).await.expect("ListMessageMoveTasks shows the task").text;
    assert!(verified.starts_with("ListMessageMoveTasks: "), "{verified}");

    assert_eq!(wait_for_depth(&config, QUEUE, 6).await, 6, "the messages are back in their source queue");
    assert_eq!(depth(&config, DLQ).await, 0);

    let telemetry = AwsTelemetry::new(connection, Some(Watch { queues: vec![QUEUE.into()], ..Watch::default() }));
    let obs = telemetry.poll(Feed::Fast).await.expect("fast poll");
    let problems: Vec<_> = obs.iter().filter(|o| matches!(o, Observation::Problem { .. })).collect();
    assert!(problems.is_empty(), "{problems:?}");
    let task = first_of!(obs, Observation::Redrive).expect("the DLQ pane shows the move task");
    assert_eq!(task.dlq, DLQ);
    assert_eq!(task.rate_per_second, Some(10));
    assert_eq!(task.status, RedriveStatus::Completed, "{task:?}");
    assert_eq!(task.moved, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redrive_to_a_chosen_destination() {
    let emulator = Emulator::fakecloud("redrive-to");
    let config = emulator.sdk_config().await;
    incident_queues(&config, 3).await;
    aws_sdk_sqs::Client::new(&config).create_queue().queue_name(OTHER).send().await.expect("create");
    let op = operator(connect_with(&config).await.expect("connect").clients);
    op.execute(&redrive(Some(OTHER), None), "alice").await.expect("StartMessageMoveTask");
    assert_eq!(wait_for_depth(&config, OTHER, 3).await, 3, "all of them in the chosen queue");
    assert_eq!(depth(&config, QUEUE).await, 0, "none back in the source");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_redrive_is_refused_while_one_runs_and_cancel_stops_it() {
    let emulator = Emulator::fakecloud("redrive-twice");
    let config = emulator.sdk_config().await;
    incident_queues(&config, 30).await;
    let op = operator(connect_with(&config).await.expect("connect").clients);
    // One message a second: thirty seconds of running task to be refused against and to cancel.
    let started = op.execute(&redrive(None, Some(1)), "alice").await.expect("first redrive");
    let handle = started.trim_start_matches("StartMessageMoveTask: TaskHandle=").to_string();

    match op.execute(&redrive(None, Some(1)), "bob").await {
        Err(OpError::Conflict(why)) => {
            assert!(why.contains("already has a running move task") && why.contains("nothing was called"), "{why}")
        }
        other => panic!("a second task on the same DLQ must be refused as a conflict: {other:?}"),
    }

    let cancel = Op::CancelRedrive { dlq: DLQ.into(), task: handle };
    let baseline = op.baseline(&cancel).await;
    let cancelled = op.execute(&cancel, "alice").await.expect("CancelMessageMoveTask");
    assert!(cancelled.starts_with("CancelMessageMoveTask: "), "{cancelled}");
    let verified = op.verify(&cancel, &baseline).await.expect("the task is no longer running").text;
    assert!(!verified.contains("running"), "{verified}");
    let left = depth(&config, DLQ).await;
    assert!(left > 0, "cancelled before the end: {left} messages stay in the DLQ");
}

/// Named on its own, a DLQ learns its source from ListDeadLetterSourceQueues.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dlq_named_alone_finds_its_source_queue() {
    let emulator = Emulator::fakecloud("dlq-sources");
    let config = emulator.sdk_config().await;
    seed::queues(&config, 0, 2).await;
    let watch = Watch { dlqs: vec![DLQ.into()], ..Watch::default() };
    let telemetry = AwsTelemetry::new(connect_with(&config).await.expect("connect"), Some(watch));
    let obs = telemetry.poll(Feed::Fast).await.expect("fast poll");
    let problems: Vec<_> = obs.iter().filter(|o| matches!(o, Observation::Problem { .. })).collect();
    assert!(problems.is_empty(), "{problems:?}");
    let dlq = first_of!(obs, Observation::Dlq).expect("dlq");
    assert_eq!(dlq.source_label(), QUEUE, "from ListDeadLetterSourceQueues");
    assert_eq!(dlq.depth, 2);
}

/// A Multi-AZ DB cluster (not Aurora) reboots as a whole with RebootDBCluster.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multi_az_db_cluster_reboots_with_reboot_db_cluster() {
    let emulator = Emulator::fakecloud("reboot-cluster");
    let config = emulator.sdk_config().await;
    seed::multi_az_cluster(&config, "ledger-db").await;
    let connection = connect_with(&config).await.expect("connect");
    let watch = Watch { clusters: vec!["ledger-db".into()], ..Watch::default() };
    let telemetry = AwsTelemetry::new(connection.clone(), Some(watch));
    let obs = telemetry.poll(Feed::Inventory).await.expect("inventory");
    let cluster = first_of!(obs, Observation::Cluster).expect("cluster");
    assert_eq!(cluster.kind, warroom_core::model::ClusterKind::MultiAzCluster, "{cluster:?}");

    let op = operator(connection.clients);
    let reboot = Op::Reboot {
        cluster: "ledger-db".into(),
        instance: "ledger-db".into(),
        writer: true,
        call: RebootCall::Cluster,
    };
    let baseline = op.baseline(&reboot).await;
    let done = op.execute(&reboot, "alice").await.expect("RebootDBCluster");
    assert!(done.starts_with("RebootDBCluster: ledger-db"), "{done}");
    let verified = op.verify(&reboot, &baseline).await.expect("available again").text;
    assert!(verified.contains("ledger-db available"), "{verified}");
    assert!(verified.contains("RDS event") && verified.contains("rebooted"), "proven by its event: {verified}");
}

/// StartMessageMoveTask only redrives a queue that some SQS queue's RedrivePolicy names; a Lambda or SNS
/// dead-letter queue — what `[watch] dlqs` is for — is refused by AWS. warroom learns it from
/// ListDeadLetterSourceQueues (empty) and refuses the plan up front, saying why, before anyone types a name.
/// Among a standard DLQ's destinations, a FIFO queue is never offered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dlq_no_sqs_queue_names_is_refused_up_front_and_destinations_match_its_type() {
    use warroom_core::keymap::Keymap;
    use warroom_core::model::DlqSources;
    use warroom_core::state::{PaneId, Popup};

    let emulator = Emulator::fakecloud("lambda-dlq");
    let config = emulator.sdk_config().await;
    seed::queues(&config, 0, 2).await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let lambda_dlq = sqs.create_queue().queue_name("billing-lambda-dlq").send().await.expect("create queue");
    let url = lambda_dlq.queue_url().expect("url");
    for i in 0..3 {
        sqs.send_message().queue_url(url).message_body(format!("failed invocation {i}")).send().await.expect("send");
    }
    let fifo = sqs.create_queue().queue_name("ledger.fifo").attributes(QueueAttributeName::FifoQueue, "true");
    fifo.send().await.expect("create FIFO queue");

    let watch = Watch {
        queues: vec![QUEUE.into(), "ledger.fifo".into()],
        dlqs: vec!["billing-lambda-dlq".into()],
        ..Watch::default()
    };
    let telemetry = AwsTelemetry::new(connect_with(&config).await.expect("connect"), Some(watch));
    let mut state = support::live_state("test");
    support::poll_into(&telemetry, &mut state, &[Feed::Inventory, Feed::Fast]).await;
    let sources = |name: &str| state.data.dlqs.iter().find(|d| d.name == name).map(|d| d.sources.clone());
    assert_eq!(sources("billing-lambda-dlq"), Some(DlqSources::NoSqsQueue));
    assert_eq!(sources(DLQ), Some(DlqSources::Queues(vec![QUEUE.into()])));

    let keymap = Keymap::defaults().expect("keymap");
    state.ui.focus = PaneId::Dlqs;
    let row = state.rows().dlqs().iter().position(|d| d.name == "billing-lambda-dlq").expect("row");
    let down = "j ".repeat(row);
    state.press_keys(&keymap, &format!("{down}d")).expect("keys");
    assert!(state.ui.popup.is_none(), "no plan to type a name into");
    let notice = state.notice.as_ref().and_then(|n| n.text().map(str::to_string)).unwrap_or_default();
    assert!(notice.contains("SQS cannot redrive it") && notice.contains("billing-lambda-dlq"), "{notice}");

    // The DLQ of a standard queue: back to its source, or to a standard queue; never to ledger.fifo.
    let row = state.rows().dlqs().iter().position(|d| d.name == DLQ).expect("row");
    state.press_keys(&keymap, &format!("{}{}", "k ".repeat(5), "j ".repeat(row))).expect("keys");
    assert_eq!(state.rows().selected_dlq().map(|d| d.name.as_str()), Some(DLQ));
    state.press_keys(&keymap, "d").expect("keys");
    assert!(matches!(state.ui.popup, Some(Popup::Plan(_))), "a DLQ an SQS queue names is redriven");
    let destinations = state.redrive_destinations();
    assert!(!destinations.contains(&Some("ledger.fifo".to_string())), "{destinations:?}");
    assert!(destinations.contains(&Some(QUEUE.to_string())), "{destinations:?}");
}
