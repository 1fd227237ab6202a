//! Faults the emulator cannot produce by itself, injected by a proxy in front of it: a refused IAM action,
//! throttling, and a call whose answer never comes in time.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use support::Emulator;
use support::proxy::{CountingProxy, Fault, Rule};
use support::seed::{self, FUNCTION};
use warroom::ops::Operator;
use warroom::ops::aws::AwsOperator;
use warroom::ops::guard::Guard;
use warroom::ops::runner::OperationContext;
use warroom_core::journal::{EntryKind, Journal};
use warroom_core::model::Session;
use warroom_core::operation::{Op, OpError, OpPhase, OpUpdate};

const UPDATE_ALIAS: &str = "PUT /2015-03-31/functions/orders-consumer/aliases/live";
const GET_ALIAS: &str = "GET /2015-03-31/functions/orders-consumer/aliases/live";

fn rollback() -> Op {
    Op::Rollback { function: FUNCTION.into(), alias: "live".into(), from: "2".into(), to: "1".into() }
}

/// Seeds the function, then returns an operator whose calls go through a proxy with `rules`, with the
/// production timeouts and retries unless `tune` changes them.
async fn setup(
    name: &str,
    rules: Vec<Rule>,
    tune: impl FnOnce(SdkConfig) -> SdkConfig,
) -> (Emulator, CountingProxy, AwsOperator, aws_config::SdkConfig) {
    let emulator = Emulator::start(name);
    let direct = emulator.sdk_config().await;
    let seeded = seed::queues(&direct, 0, 0).await;
    seed::function(&direct, &seeded.queue_arn).await;
    let proxy = CountingProxy::with_faults(&emulator.url, rules);
    let base = direct
        .clone()
        .into_builder()
        .endpoint_url(&proxy.url)
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .build();
    let via_proxy = tune(base);
    let clients = warroom::aws::Clients::new(&via_proxy);
    let operator = AwsOperator::new(clients).with_verification(Duration::from_millis(200), Duration::from_secs(20));
    (emulator, proxy, operator, direct)
}

/// Attempts give up after 1.5 s; the held answer comes after 5 s.
fn short_timeouts(c: SdkConfig) -> SdkConfig {
    c.into_builder()
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_attempt_timeout(Duration::from_millis(1500))
                .operation_timeout(Duration::from_secs(6))
                .build(),
        )
        .build()
}

fn short_timeouts_no_retry(c: SdkConfig) -> SdkConfig {
    short_timeouts(c).into_builder().retry_config(RetryConfig::standard().with_max_attempts(1)).build()
}

/// The dashboard's telemetry for `watch`, its calls going through `proxy` with short timeouts and no retries: a
/// fault shows on the first attempt.
async fn telemetry_via(
    proxy: &CountingProxy,
    direct: &SdkConfig,
    watch: warroom_core::config::Watch,
) -> warroom::telemetry::aws::AwsTelemetry {
    let via_proxy = short_timeouts_no_retry(direct.clone().into_builder().endpoint_url(&proxy.url).build());
    let connection = warroom::aws::connect_with(&via_proxy).await.expect("connect");
    warroom::telemetry::aws::AwsTelemetry::new(connection, Some(watch))
}

fn hold_update_alias() -> Rule {
    // UpdateAlias reaches the emulator (the change happens) but its answer is held past the timeout.
    Rule { request_line: UPDATE_ALIAS.into(), fault: Fault::DelayResponse(Duration::from_secs(5)), times: 1 }
}

async fn live_version(config: &aws_config::SdkConfig) -> String {
    let alias = aws_sdk_lambda::Client::new(config)
        .get_alias()
        .function_name(FUNCTION)
        .name("live")
        .send()
        .await
        .expect("alias");
    alias.function_version().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_denied_names_the_refused_iam_action() {
    let deny = Rule {
        request_line: UPDATE_ALIAS.into(),
        fault: Fault::Respond {
            status: 403,
            error_type: "AccessDeniedException",
            message: "User: arn:aws:sts::000000000000:assumed-role/observer/alice is not authorized to perform: lambda:UpdateAlias".into(),
        },
        times: 1,
    };
    let (_emulator, _proxy, operator, direct) = setup("denied", vec![deny], |c| c).await;
    match operator.execute(&rollback(), "alice").await {
        Err(OpError::Rejected(msg)) => {
            assert!(msg.contains("lambda:UpdateAlias: access denied: IAM does not allow lambda:UpdateAlias"), "{msg}");
            assert!(msg.contains("not authorized"), "{msg}");
        }
        other => panic!("expected AWS to reject the call, got {other:?}"),
    }
    assert_eq!(live_version(&direct).await, "2", "nothing changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_retried_with_backoff() {
    let throttle = Rule {
        request_line: GET_ALIAS.into(),
        fault: Fault::Respond { status: 429, error_type: "TooManyRequestsException", message: "Rate exceeded".into() },
        times: 2,
    };
    let (_emulator, proxy, operator, direct) = setup("throttled", vec![throttle], |c| c).await;
    let answer = operator.execute(&rollback(), "alice").await.expect("succeeds on the third attempt");
    assert!(answer.contains("UpdateAlias"), "{answer}");
    assert_eq!(proxy.requests_matching(GET_ALIAS), 3, "two throttled attempts, then one that passed");
    assert_eq!(live_version(&direct).await, "1");
}

/// The SDK retries reads, never a call that changes AWS: with the clients set to retry three times, an UpdateAlias
/// whose answer is lost is sent once (a second attempt would meet its own change, or for a reboot, reboot again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mutating_call_whose_answer_is_lost_is_sent_once() {
    let (_emulator, proxy, operator, direct) = setup("sent-once", vec![hold_update_alias()], short_timeouts).await;
    match operator.execute(&rollback(), "alice").await {
        Err(OpError::Unknown(msg)) => assert!(msg.contains("timed out"), "{msg}"),
        other => panic!("expected outcome unknown, got {other:?}"),
    }
    assert_eq!(proxy.requests_matching(UPDATE_ALIAS), 1, "no SDK retry of the mutating call");
    assert_eq!(live_version(&direct).await, "1", "the one call did happen");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_call_is_outcome_unknown_and_state_is_re_read() {
    let (_emulator, _proxy, operator, direct) =
        setup("timeout", vec![hold_update_alias()], short_timeouts_no_retry).await;
    match operator.execute(&rollback(), "alice").await {
        Err(OpError::Unknown(msg)) => assert!(msg.contains("timed out"), "{msg}"),
        other => panic!("expected outcome unknown, got {other:?}"),
    }
    assert_eq!(live_version(&direct).await, "1", "the call did happen");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runner_re_reads_state_after_a_timeout_instead_of_guessing() {
    let (_emulator, _proxy, operator, direct) =
        setup("timeout-runner", vec![hold_update_alias()], short_timeouts_no_retry).await;
    let (updates, path) = run_through_guard(operator, rollback(), "timeout-runner").await;
    let verifying = updates.iter().find(|u| u.phase == OpPhase::Verifying).expect("a verifying step");
    assert!(verifying.message.contains("waiting for evidence that it happened"), "{verifying:?}");
    let last = updates.last().expect("final update");
    assert_eq!(last.phase, OpPhase::Succeeded, "{updates:?}");
    assert!(last.message.contains("call timed out, but the evidence shows it happened"), "{}", last.message);
    assert!(last.message.contains("RevisionId"), "proven by the alias's new RevisionId: {}", last.message);
    assert_eq!(live_version(&direct).await, "1");
    let outcome =
        Journal::read_all(&path).expect("journal").into_iter().find(|e| e.kind == EntryKind::Outcome).expect("outcome");
    assert_eq!(outcome.result.as_deref(), Some("succeeded"));
}

/// The operation through the guard and the runner, journaled in a fresh journal: every update until it ends.
async fn run_through_guard(operator: AwsOperator, op: Op, name: &str) -> (Vec<OpUpdate>, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("warroom-faults-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("journal.jsonl");
    std::fs::remove_file(&path).ok();
    let journal = Journal::open(&path).map(Arc::new).map_err(|e| e.to_string());
    let guard = Guard::new(false, || Arc::new(operator));
    let ctx = OperationContext {
        session: Session { operator: "alice".into(), kind: warroom_core::model::SessionKind::Live, read_only: false },
        session_id: name.into(),
        clock: Arc::new(chrono::Utc::now),
        place: None,
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    guard
        .submit(1, op, ctx, journal, move |u| {
            let _ = tx.send(u);
        })
        .expect("submitted");
    let mut updates = Vec::new();
    while let Some(u) = rx.recv().await {
        let done = !u.phase.in_progress();
        updates.push(u);
        if done {
            break;
        }
    }
    (updates, path)
}

/// Issue 13, item 5. A RebootDBInstance that hangs is sent exactly once (counted at the proxy, the only way to
/// the emulator), says "no answer for N s" while it waits, and ends "outcome unknown": the instance is
/// `available`, which proves nothing. One whose answer is held back while the reboot happens is verified by the
/// restart event dated after the call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_reboot_is_sent_once_and_only_its_restart_event_proves_it() {
    let emulator = Emulator::start("hung-reboot");
    let direct = emulator.sdk_config().await;
    seed::database(&direct).await;
    let reboot = Op::Reboot {
        cluster: seed::CLUSTER.into(),
        instance: seed::WRITER.into(),
        writer: true,
        call: warroom_core::operation::RebootCall::Instance,
    };
    let operator_via = |proxy: &CountingProxy| {
        // warroom's own timeouts (an attempt gives up after 10 s) and retries (3 attempts), as in production.
        let config = direct
            .clone()
            .into_builder()
            .endpoint_url(&proxy.url)
            .timeout_config(warroom::aws::connect::timeouts())
            .retry_config(RetryConfig::standard().with_max_attempts(3))
            .build();
        AwsOperator::new(warroom::aws::Clients::new(&config))
            .with_verification(Duration::from_millis(300), Duration::from_secs(4))
    };

    let hang = Rule { request_line: "Action=RebootDBInstance".into(), fault: Fault::Hang, times: usize::MAX };
    let proxy = CountingProxy::with_faults(&emulator.url, vec![hang]);
    let (updates, _) = run_through_guard(operator_via(&proxy), reboot.clone(), "hung-reboot").await;
    assert_eq!(proxy.action_count("RebootDBInstance"), 1, "sent exactly once: {updates:?}");
    assert!(
        updates.iter().any(|u| u.phase == OpPhase::Executing && u.message.contains("no answer for 5 s")),
        "it says it is waiting: {updates:?}"
    );
    let last = updates.last().expect("final update");
    assert_eq!(last.phase, OpPhase::Unknown, "available proves nothing: {updates:?}");
    assert!(last.message.contains("no evidence it happened"), "{}", last.message);

    let held = Rule {
        request_line: "Action=RebootDBInstance".into(),
        fault: Fault::DelayResponse(Duration::from_secs(12)),
        times: usize::MAX,
    };
    let proxy = CountingProxy::with_faults(&emulator.url, vec![held]);
    let (updates, _) = run_through_guard(operator_via(&proxy), reboot, "held-reboot").await;
    assert_eq!(proxy.action_count("RebootDBInstance"), 1, "sent exactly once: {updates:?}");
    let last = updates.last().expect("final update");
    assert_eq!(last.phase, OpPhase::Succeeded, "{updates:?}");
    assert!(last.message.contains("call timed out, but the evidence shows it happened"), "{}", last.message);
    assert!(last.message.contains("DB instance restarted"), "proven by the restart event: {}", last.message);
}

/// A describe call that fails leaves the database pane stale with its last statuses, not `unknown`: the
/// cluster that was `available` a poll ago is still shown so, beside the error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_describe_keeps_the_last_database_statuses_beside_the_error() {
    use warroom::telemetry::Telemetry;
    use warroom_core::model::Feed;
    use warroom_core::model::Observation;

    let emulator = Emulator::start("rds-down");
    let direct = emulator.sdk_config().await;
    seed::database(&direct).await;
    let proxy = CountingProxy::start(&emulator.url);
    let watch = warroom_core::config::Watch { clusters: vec![seed::CLUSTER.into()], ..Default::default() };
    let telemetry = telemetry_via(&proxy, &direct, watch).await;
    let statuses = |obs: &[Observation]| -> Vec<String> {
        obs.iter()
            .filter_map(|o| match o {
                Observation::Cluster(c) => Some(
                    std::iter::once(format!("{} {}", c.id, c.status))
                        .chain(c.members.iter().map(|m| format!("{} {}", m.id, m.status)))
                        .collect::<Vec<_>>(),
                ),
                _ => None,
            })
            .flatten()
            .collect()
    };
    let up = telemetry.poll(Feed::Inventory).await.expect("inventory");
    let before = statuses(&up);
    assert!(before.iter().any(|s| s == "core-db available"), "{before:?}");
    assert!(!before.iter().any(|s| s.ends_with("unknown")), "{before:?}");

    proxy.set_down(true);
    let down = telemetry.poll(Feed::Inventory).await.expect("a poll with failing calls still answers");
    let problems: Vec<String> = down
        .iter()
        .filter_map(|o| match o {
            Observation::Problem(p) => Some(p.to_string()),
            _ => None,
        })
        .collect();
    assert!(problems.iter().any(|m| m.contains("rds:DescribeDBClusters")), "{problems:?}");
    assert!(problems.iter().any(|m| m.contains("rds:DescribeDBInstances")), "{problems:?}");
    assert_eq!(statuses(&down), before, "the last statuses read, not `unknown`");
}

/// Discovery that meets a down endpoint is retried with the inventory poll once it answers, so the queue found
/// late gets its pane back; and a discovery that keeps failing is not re-run on every poll.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discovery_that_met_failing_calls_is_retried_and_backs_off() {
    use warroom::telemetry::Telemetry;
    use warroom_core::model::Feed;
    use warroom_core::model::{Observation, Subject};

    let emulator = Emulator::start("rediscover");
    let direct = emulator.sdk_config().await;
    seed::queues(&direct, 3, 0).await;
    let proxy = CountingProxy::start(&emulator.url);
    let watch = || warroom_core::config::Watch { queues: vec![seed::QUEUE.into()], ..Default::default() };
    let telemetry = telemetry_via(&proxy, &direct, watch()).await;
    let queue_problems = |obs: &[Observation]| {
        obs.iter().filter(|o| matches!(o, Observation::Problem(p) if p.subject == Subject::Queues)).count()
    };
    let has_depth =
        |obs: &[Observation]| obs.iter().any(|o| matches!(o, Observation::Queue(q) if q.name == seed::QUEUE));

    proxy.set_down(true);
    let fast = telemetry.poll(Feed::Fast).await.expect("fast");
    assert!(queue_problems(&fast) > 0, "discovery met the outage: {fast:?}");
    assert!(!has_depth(&fast));
    // Still down at the first retry: it fails, and the next retry waits (a minute or more, with jitter).
    telemetry.poll(Feed::Inventory).await.expect("inventory");
    let resolves = proxy.target_count("AmazonSQS.GetQueueUrl");
    assert_eq!(resolves, 2, "discovery once at start, once on the first inventory poll");
    telemetry.poll(Feed::Inventory).await.expect("inventory");
    assert_eq!(proxy.target_count("AmazonSQS.GetQueueUrl"), resolves, "the next retry backs off");
    assert!(queue_problems(&telemetry.poll(Feed::Fast).await.expect("fast")) > 0, "still stale, still said");

    // A dashboard whose discovery met the outage finds the queue with the inventory poll after the endpoint returns.
    proxy.set_down(false);
    let fresh = telemetry_via(&proxy, &direct, watch()).await;
    proxy.set_down(true);
    assert!(queue_problems(&fresh.poll(Feed::Fast).await.expect("fast")) > 0);
    proxy.set_down(false);
    fresh.poll(Feed::Inventory).await.expect("inventory");
    let fast = fresh.poll(Feed::Fast).await.expect("fast");
    assert_eq!(queue_problems(&fast), 0, "{fast:?}");
    assert!(has_depth(&fast), "the queue is polled once discovery found it: {fast:?}");

    // When the inventory poll is the one that discovers first, its retry waits for the next inventory poll: the
    // same poll does not discover twice.
    let first = telemetry_via(&proxy, &direct, watch()).await;
    proxy.set_down(true);
    let before = proxy.target_count("AmazonSQS.GetQueueUrl");
    first.poll(Feed::Inventory).await.expect("inventory");
    assert_eq!(proxy.target_count("AmazonSQS.GetQueueUrl"), before + 1, "one discovery in the first poll");
    proxy.set_down(false);
    first.poll(Feed::Inventory).await.expect("inventory");
    // The retry resolves the queue and, through its redrive policy, its DLQ.
    assert_eq!(proxy.target_count("AmazonSQS.GetQueueUrl"), before + 3, "its retry in the next");
    assert!(has_depth(&first.poll(Feed::Fast).await.expect("fast")));
}

/// Well-formed answers with optional fields left out, as a partial outage or an older API can give: counts,
/// statuses, an engine and an alias's version missing. None is read as zero or empty; each is a problem on its
/// pane, no deploy is invented, the cluster keeps its kind, and the screen renders at every size.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_with_fields_left_out_are_problems_not_zeros_and_render_safely() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use warroom::telemetry::Telemetry;
    use warroom_core::model::{ClusterKind, EventKind, Observation};
    use warroom_core::model::{DbStatus, Feed};
    use warroom_core::state::Msg;

    let emulator = Emulator::start("odd-answers");
    let direct = emulator.sdk_config().await;
    let seeded = seed::queues(&direct, 3, 2).await;
    seed::function(&direct, &seeded.queue_arn).await;
    seed::database(&direct).await;
    let proxy = CountingProxy::start(&emulator.url);
    let watch = warroom_core::config::Watch {
        queues: vec![seed::QUEUE.into()],
        clusters: vec![seed::CLUSTER.into()],
        ..Default::default()
    };
    let telemetry = telemetry_via(&proxy, &direct, watch).await;
    let mut state = support::live_state("000000000000 · us-east-1");
    support::poll_into(&telemetry, &mut state, &[Feed::Inventory, Feed::Fast]).await;
    let depth_before = state.data.queues.iter().find(|q| q.name == seed::QUEUE).map(|q| q.visible);
    assert_eq!(depth_before, Some(3), "the real answer first");

    let xml = |action: &str, result: &str| {
        format!(
            "<{action}Response xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><{action}Result>{result}</{action}Result>\
             <ResponseMetadata><RequestId>odd</RequestId></ResponseMetadata></{action}Response>"
        )
    };
    let odd = [
        ("x-amz-target: AmazonSQS.GetQueueAttributes", "application/x-amz-json-1.0", "{}".to_string()),
        (
            "Action=DescribeDBClusters",
            "text/xml",
            xml(
                "DescribeDBClusters",
                &format!(
                    "<DBClusters><DBCluster><DBClusterIdentifier>{}</DBClusterIdentifier></DBCluster></DBClusters>",
                    seed::CLUSTER
                ),
            ),
        ),
        (
            "Action=DescribeDBInstances",
            "text/xml",
            xml(
                "DescribeDBInstances",
                &format!(
                    "<DBInstances><DBInstance><DBInstanceIdentifier>{}</DBInstanceIdentifier></DBInstance></DBInstances>",
                    seed::WRITER
                ),
            ),
        ),
        ("/aliases", "application/json", r#"{"Aliases":[{"Name":"live"}]}"#.to_string()),
    ];
    for (request_line, content_type, body) in odd {
        proxy.add_rule(Rule {
            request_line: request_line.into(),
            fault: Fault::Answer { content_type, body },
            times: 100,
        });
    }
    let mut problems = Vec::new();
    let mut events = Vec::new();
    for feed in [Feed::Inventory, Feed::Fast] {
        let obs = telemetry.poll(feed).await.expect("a poll with odd answers still answers");
        for o in &obs {
            match o {
                Observation::Problem(p) => problems.push(p.to_string()),
                Observation::Event(e) => events.push(e.clone()),
                _ => {}
            }
        }
        state.update(Msg::Telemetry { feed, result: Ok(obs) });
    }
    let said = |needle: &str| problems.iter().any(|m| m.contains(needle));
    let unread =
        "sqs:GetQueueAttributes: the answer could not be read: the answer has no ApproximateNumberOfMessages count";
    assert!(said(&format!("orders: {unread}")), "{problems:?}");
    assert!(said(&format!("orders-dlq: {unread}")), "{problems:?}");
    assert!(
        said(
            "orders-consumer: lambda:ListAliases: the answer could not be read: an alias came without its name or version"
        ),
        "{problems:?}"
    );
    assert!(!events.iter().any(|e| e.kind == EventKind::Deploy), "no deploy invented: {events:?}");
    let queue = state.data.queues.iter().find(|q| q.name == seed::QUEUE).map(|q| q.visible);
    assert_eq!(queue, Some(3), "the last depth read stays; a missing count is not 0");
    let cluster = state.data.clusters.iter().find(|c| c.id == seed::CLUSTER).expect("cluster row");
    assert_eq!(cluster.status, DbStatus::Unknown, "a status left out is unknown, not blank");
    assert!(matches!(cluster.kind, ClusterKind::Aurora), "an engine left out keeps the known kind: {cluster:?}");

    let keymap = warroom_core::keymap::Keymap::defaults().expect("keymap");
    for (w, h) in [(80, 24), (160, 48), (20, 5)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        terminal.draw(|f| warroom_ui::render(f, &state, &keymap)).expect("draw");
        let screen: String = terminal.backend().buffer().content().iter().map(|c| c.symbol()).collect();
        if w >= 80 {
            assert!(screen.contains("calls failing"), "{w}x{h}: {screen}");
            assert!(screen.contains("core-db aurora-postgresql unknown"), "{w}x{h}: {screen}");
            assert!(screen.contains("no instances listed"), "{w}x{h}: {screen}");
            assert!(!screen.contains("no database clusters"), "{w}x{h}: {screen}");
        }
    }
}

/// Answers that give the SDK nothing to name: a load balancer's 502 page with no error code or message, and a
/// 200 whose body has a field of the wrong type. Each failure names its call and what came back (the status,
/// the part of the body that could not be read), and none reads the SDK's "unhandled error".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failure_names_its_call_and_its_cause_never_unhandled_error() {
    use warroom::telemetry::Telemetry;
    use warroom_core::model::{Feed, Observation};

    let emulator = Emulator::start("unreadable");
    let direct = emulator.sdk_config().await;
    let seeded = seed::queues(&direct, 3, 0).await;
    seed::function(&direct, &seeded.queue_arn).await;
    let proxy = CountingProxy::start(&emulator.url);
    let watch = warroom_core::config::Watch {
        queues: vec![seed::QUEUE.into()],
        functions: vec![FUNCTION.into()],
        ..Default::default()
    };
    let telemetry = telemetry_via(&proxy, &direct, watch).await;
    telemetry.poll(Feed::Inventory).await.expect("discovery answers first");
    proxy.add_rule(Rule {
        request_line: "x-amz-target: AmazonSQS.GetQueueAttributes".into(),
        fault: Fault::Raw {
            status: 502,
            content_type: "text/html",
            body: "<html><body>502 Bad Gateway</body></html>".into(),
        },
        times: 100,
    });
    proxy.add_rule(Rule {
        request_line: "/aliases".into(),
        fault: Fault::Raw { status: 200, content_type: "application/json", body: r#"{"Aliases": 5}"#.into() },
        times: 100,
    });
    let mut problems = Vec::new();
    for feed in [Feed::Fast, Feed::Inventory] {
        for o in telemetry.poll(feed).await.expect("a poll with failing calls still answers") {
            if let Observation::Problem(p) = o {
                problems.push(p.to_string());
            }
        }
    }
    assert!(!problems.iter().any(|p| p.contains("unhandled")), "{problems:#?}");
    assert!(
        problems.iter().any(|p| p.starts_with("orders: sqs:GetQueueAttributes: HTTP 502 without an AWS error code")
            && p.contains("the answer was <html><body>502 Bad Gateway")),
        "{problems:#?}"
    );
    let unread = problems.iter().find(|p| p.contains("lambda:ListAliases: the answer could not be read"));
    let unread = unread.unwrap_or_else(|| panic!("{problems:#?}"));
    assert!(unread.contains("expected start array"), "the cause is named: {unread}");
    assert!(unread.contains(r#"the answer was {"Aliases": 5}"#), "the field that went wrong is shown: {unread}");
}
