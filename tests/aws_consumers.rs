//! Consumers as they are really wired, against ministack over HTTP (issue 14): each queue's event source mappings
//! read whole — an alias, a version, `$LATEST` — pause, resume and throttle through UpdateEventSourceMapping, and
//! the deploys and rollback of a consumer wired without an alias (a `$LATEST` code change, a re-pointed mapping,
//! pinning the mapping to an earlier version, restoring an earlier version's code into `$LATEST`: against
//! fakecloud, which serves each version's own package, and against ministack, whose wrong package is refused).
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use support::Emulator;
use support::seed::{self, FUNCTION, QUEUE};
use warroom::aws::connect_with;
use warroom::ops::Operator;
use warroom::ops::aws::AwsOperator;
use warroom::telemetry::Telemetry;
use warroom::telemetry::aws::AwsTelemetry;
use warroom_core::config::Watch;
use warroom_core::model::{Data, EventKind, Feed, Observation, Qualifier};
use warroom_core::operation::{Op, OpError, Seen};

fn operator(clients: warroom::aws::Clients) -> AwsOperator {
    AwsOperator::new(clients).with_verification(Duration::from_millis(200), Duration::from_secs(30))
}

/// A queue by name, with its ARN.
async fn queue_arn(config: &aws_config::SdkConfig, name: &str) -> String {
    let sqs = aws_sdk_sqs::Client::new(config);
    let url = sqs.create_queue().queue_name(name).send().await.expect("queue").queue_url.expect("url");
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("attributes");
    attributes.attributes().and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn)).expect("arn").clone()
}

/// A mapping from `queue_arn` to `function` (`name`, `name:1`, `name:live`), enabled or not, with a maximum
/// concurrency when given.
async fn map(config: &aws_config::SdkConfig, queue_arn: &str, function: &str, enabled: bool, max: Option<i32>) {
    aws_sdk_lambda::Client::new(config)
        .create_event_source_mapping()
        .event_source_arn(queue_arn)
        .function_name(function)
        .batch_size(5)
        .enabled(enabled)
        .set_scaling_config(max.map(|m| aws_sdk_lambda::types::ScalingConfig::builder().maximum_concurrency(m).build()))
        .send()
        .await
        .expect("an event source mapping");
}

/// Issue 14: each queue's mappings read whole, whatever they invoke — an alias, a version (`:1` is no alias
/// "1" that does not exist), `$LATEST` — and a queue whose only mapping is disabled has no consumer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_wiring_is_read_whole_and_a_disabled_one_consumes_nothing() {
    let emulator = Emulator::start("wirings");
    let config = emulator.sdk_config().await;
    let seeded = seed::queues(&config, 0, 0).await;
    seed::function(&config, &seeded.queue_arn).await;
    let shipping = queue_arn(&config, "shipping").await;
    map(&config, &shipping, &format!("{FUNCTION}:1"), false, None).await;
    // Enabled mappings really poll; these queues stay empty, so nothing is invoked.
    let billing = queue_arn(&config, "billing").await;
    map(&config, &billing, FUNCTION, true, Some(5)).await;
    map(&config, &billing, &format!("{FUNCTION}:1"), false, None).await;
    let connection = connect_with(&config).await.expect("connect");
    let watch = Watch { queues: vec![QUEUE.into(), "shipping".into(), "billing".into()], ..Watch::default() };
    let obs = AwsTelemetry::new(connection, Some(watch)).poll(Feed::Inventory).await.expect("inventory");
    let missing: Vec<_> = obs.iter().filter(|o| matches!(o, Observation::Missing { .. })).collect();
    assert!(missing.is_empty(), "nothing is 'not found': {missing:?}");
    let problems: Vec<_> = obs.iter().filter(|o| matches!(o, Observation::Problem(_))).collect();
    assert!(problems.is_empty(), "no call failed: {problems:?}");
    assert!(
        obs.iter().any(|o| matches!(o, Observation::Function(f) if f.name == FUNCTION && f.alias == "live")),
        "the function is watched with its aliases: {obs:?}"
    );
    let mut data = warroom_core::model::Data::default();
    for o in obs {
        data.apply(o);
    }
    // "what it invokes · state · batch size · maximum concurrency · the version that runs", per mapping.
    let wiring = |queue: &str| -> Vec<String> {
        data.mappings_of(queue)
            .iter()
            .map(|m| {
                let version = m.code.as_ref().map_or("?", |c| c.version.as_str());
                let max = m.max_concurrency.map_or("-".to_string(), |c| c.to_string());
                format!("{} · {} · {:?} · {max} · {version}", m.invoked(), m.state.label(), m.batch_size)
            })
            .collect()
    };
    assert_eq!(wiring(QUEUE), [format!("{FUNCTION}:live · Disabled · Some(10) · - · 2")], "the alias runs v2");
    assert_eq!(wiring("shipping"), [format!("{FUNCTION}:1 · Disabled · Some(5) · - · 1")]);
    assert_eq!(
        wiring("billing"),
        [
            format!("{FUNCTION} ($LATEST) · Enabled · Some(5) · 5 · $LATEST"),
            format!("{FUNCTION}:1 · Disabled · Some(5) · - · 1")
        ],
        "several mappings each shown, the enabled one first"
    );
    assert!(data.mappings_of("billing").iter().all(|m| m.code.as_ref().is_some_and(|c| !c.sha256.is_empty())));
    assert_eq!(data.no_consumer("shipping").as_deref(), Some("no consumer: mapping Disabled (USER_INITIATED)"));
    assert_eq!(data.no_consumer("billing"), None, "one enabled mapping consumes");
}

/// Issue 14: resume, throttle, remove the limit and pause a queue's consumer through its event source mapping,
/// each verified by GetEventSourceMapping, with what verification read for the panes. (The queue stays empty, so
/// the enabled mapping invokes nothing.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consumer_is_resumed_throttled_and_paused_through_its_mapping() {
    use warroom_core::model::MappingState;
    use warroom_core::operation::ConsumerChange;
    let emulator = Emulator::start("consumer-ops");
    let config = emulator.sdk_config().await;
    let seeded = seed::queues(&config, 0, 0).await;
    seed::function(&config, &seeded.queue_arn).await;
    let billing = queue_arn(&config, "billing").await;
    map(&config, &billing, FUNCTION, false, None).await;
    let connection = connect_with(&config).await.expect("connect");
    let uuid = warroom::telemetry::aws::mappings::of_queue(&connection.clients, &billing).await.expect("mappings")[0]
        .uuid
        .clone();
    let op = operator(connection.clients.clone());
    let consumer =
        |change| Op::Consumer { queue: "billing".into(), uuid: uuid.clone(), invoked: FUNCTION.into(), change };
    let steps = [
        (ConsumerChange::Resume, MappingState::Enabled, None),
        (ConsumerChange::Throttle { from: None, to: Some(5) }, MappingState::Enabled, Some(5)),
        (ConsumerChange::Throttle { from: Some(5), to: None }, MappingState::Enabled, None),
        (ConsumerChange::Pause, MappingState::Disabled, None),
    ];
    for (change, state, max_concurrency) in steps {
        let step = consumer(change);
        let baseline = op.baseline(&step).await;
        let said = op.execute(&step, "alice").await.unwrap_or_else(|e| panic!("{}: {e}", step.summary()));
        assert!(said.starts_with(&format!("UpdateEventSourceMapping: {uuid}")), "{said}");
        let verified = op.verify(&step, &baseline).await.unwrap_or_else(|e| panic!("{}: {e}", step.summary()));
        assert_eq!(
            verified.seen,
            [Seen::Mapping {
                queue: "billing".into(),
                uuid: uuid.clone(),
                state,
                max_concurrency,
                qualifier: Qualifier::Latest
            }],
            "{}: {}",
            step.summary(),
            verified.text
        );
    }
    // Lambda's bounds are the emulator's too: a limit of 1 is rejected, and nothing changes.
    let below = consumer(ConsumerChange::Throttle { from: None, to: Some(1) });
    match op.execute(&below, "alice").await {
        Err(OpError::Rejected(why)) => assert!(why.contains("lambda:UpdateEventSourceMapping"), "{why}"),
        other => panic!("MaximumConcurrency 1 is outside 2–1000: {other:?}"),
    }
}

/// Folds one inventory poll into `data`, failing on any failed call.
async fn fold_inventory(telemetry: &AwsTelemetry, data: &mut Data) {
    let obs = telemetry.poll(Feed::Inventory).await.expect("inventory");
    let problems: Vec<_> = obs.iter().filter(|o| matches!(o, Observation::Problem(_))).collect();
    assert!(problems.is_empty(), "no call failed: {problems:?}");
    for o in obs {
        data.apply(o);
    }
}

/// Issue 14: a `$LATEST` consumer's code changed by UpdateFunctionCode is a deploy on the timeline (its
/// CodeSha256 changed between two polls); its rollback pins the mapping to the newest published version whose
/// code differs, through UpdateEventSourceMapping, verified by GetEventSourceMapping; and a mapping re-pointed
/// between polls is a deploy too, remembered as the mapping's previous wiring.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_latest_code_change_is_a_deploy_and_pinning_the_mapping_rolls_it_back() {
    let emulator = Emulator::start("latest-rollback");
    let config = emulator.sdk_config().await;
    let seeded = seed::queues(&config, 0, 0).await;
    seed::function(&config, &seeded.queue_arn).await;
    let billing = queue_arn(&config, "billing").await;
    map(&config, &billing, FUNCTION, false, None).await;
    let watch = Watch { queues: vec![QUEUE.into(), "billing".into()], ..Watch::default() };
    let telemetry = AwsTelemetry::new(connect_with(&config).await.expect("connect"), Some(watch.clone()));
    let mut data = Data::default();
    fold_inventory(&telemetry, &mut data).await;
    let before = data.mappings_of("billing")[0].clone();
    let old_sha = before.code.as_ref().expect("$LATEST's code is read").sha256.clone();
    assert!(before.pin_targets().is_empty(), "versions 1 and 2 hold $LATEST's own code: nothing earlier to pin");

    // A pipeline ships new code straight to $LATEST, as the Serverless Framework and the CDK do.
    let lambda = aws_sdk_lambda::Client::new(&config);
    lambda
        .update_function_code()
        .function_name(FUNCTION)
        .zip_file(aws_sdk_lambda::primitives::Blob::new(seed::package("release 3")))
        .send()
        .await
        .expect("update function code");
    fold_inventory(&telemetry, &mut data).await;
    let m = data.mappings_of("billing")[0].clone();
    let new_sha = m.code.as_ref().expect("code").sha256.clone();
    assert_ne!(new_sha, old_sha, "UpdateFunctionCode changed CodeSha256");
    let deploy = format!("{FUNCTION} $LATEST code {} → {}", &old_sha[..8], &new_sha[..8]);
    assert!(
        data.timeline.iter().any(|e| e.kind == EventKind::Deploy && e.text == deploy),
        "{deploy:?} in {:#?}",
        data.timeline
    );
    let targets: Vec<String> = m.pin_targets().into_iter().map(|t| t.version).collect();
    assert_eq!(targets, ["2", "1"], "the published versions whose code differs from $LATEST's, newest first");

    // The rollback: pin the mapping to version 2.
    let op = Op::Consumer {
        queue: "billing".into(),
        uuid: m.uuid.clone(),
        invoked: m.invoked(),
        change: warroom_core::operation::ConsumerChange::Repoint {
            function: FUNCTION.into(),
            from: "$LATEST".into(),
            to: "2".into(),
        },
    };
    assert_eq!(op.api_call(), format!("lambda:UpdateEventSourceMapping UUID={} FunctionName={FUNCTION}:2", m.uuid));
    let operator = operator(connect_with(&config).await.expect("connect").clients);
    let baseline = operator.baseline(&op).await;
    operator.execute(&op, "alice").await.expect("the re-point is accepted");
    let verified = operator.verify(&op, &baseline).await.expect("verified");
    assert!(
        matches!(verified.seen.as_slice(), [Seen::Mapping { qualifier: Qualifier::Version(v), .. }] if v == "2"),
        "{verified:?}"
    );
    // The next poll reads the mapping re-pointed: a deploy (this Data has no record of the operation), and the
    // wiring it left is the mapping's previous one.
    fold_inventory(&telemetry, &mut data).await;
    let m = data.mappings_of("billing")[0].clone();
    assert_eq!((m.qualifier.clone(), m.previous.clone()), (Qualifier::Version("2".into()), Some(Qualifier::Latest)));
    assert_eq!(m.code.as_ref().map(|c| c.version.as_str()), Some("2"), "version 2 runs");
    let repointed = format!("billing now invokes {FUNCTION}:2 (was {FUNCTION} ($LATEST))");
    assert!(data.timeline.iter().any(|e| e.text == repointed), "{repointed:?} in {:#?}", data.timeline);
    // Pinned to 2, its rollback goes to 1: the version below.
    let targets: Vec<String> = m.pin_targets().into_iter().map(|t| t.version).collect();
    assert_eq!(targets, ["1"]);

    // A version that does not exist is Lambda's to refuse, and the mapping stays as it is.
    let missing = Op::Consumer {
        queue: "billing".into(),
        uuid: m.uuid.clone(),
        invoked: m.invoked(),
        change: warroom_core::operation::ConsumerChange::Repoint {
            function: FUNCTION.into(),
            from: "2".into(),
            to: "9".into(),
        },
    };
    match operator.execute(&missing, "alice").await {
        Err(OpError::Rejected(why)) => assert!(why.contains("lambda:UpdateEventSourceMapping"), "{why}"),
        other => panic!("version 9 does not exist: {other:?}"),
    }
    fold_inventory(&telemetry, &mut data).await;
    assert_eq!(data.mappings_of("billing")[0].qualifier, Qualifier::Version("2".into()));
}

/// The restore of `version`'s code into `m`'s function's `$LATEST`, as the plan builds it from what telemetry
/// read: the version's CodeSha256 and `$LATEST`'s RevisionId.
fn restore(m: &warroom_core::model::EventSourceMapping, version: &str, publish: bool) -> Op {
    let published = m.published.iter().find(|p| p.version == version).expect("the version is listed");
    Op::RestoreCode {
        function: m.function.clone(),
        queue: m.queue.clone(),
        version: version.into(),
        sha256: published.sha256.clone(),
        revision: m.code.as_ref().and_then(|c| c.revision.clone()).expect("$LATEST's RevisionId"),
        image: false,
        publish,
    }
}

/// `$LATEST`'s CodeSha256 in the emulator.
async fn latest_sha(config: &aws_config::SdkConfig) -> String {
    let lambda = aws_sdk_lambda::Client::new(config);
    let c = lambda.get_function_configuration().function_name(FUNCTION).send().await.expect("configuration");
    c.code_sha256().unwrap_or_default().to_string()
}

/// Issue 14: ministack serves `$LATEST`'s package whatever the qualifier GetFunction names. The restore's
/// SHA-256 check is what stands between that and uploading the wrong code: the package is refused before any
/// upload, and `$LATEST` keeps its code. Telemetry reads what the plan needs: `$LATEST`'s RevisionId and
/// configuration, and each version's CodeSha256 and configuration.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_package_that_is_not_the_versions_own_is_refused_before_any_upload() {
    let emulator = Emulator::start("restore-refused");
    let config = emulator.sdk_config().await;
    let seeded = seed::queues(&config, 0, 0).await;
    seed::function(&config, &seeded.queue_arn).await;
    seed::latest_consumer(&config, "billing").await;
    let watch = Watch { queues: vec!["billing".into()], ..Watch::default() };
    let telemetry = AwsTelemetry::new(connect_with(&config).await.expect("connect"), Some(watch));
    let mut data = Data::default();
    fold_inventory(&telemetry, &mut data).await;
    let m = data.mappings_of("billing")[0].clone();
    let code = m.code.clone().expect("$LATEST read");
    assert!(code.revision.is_some() && code.config.is_some(), "{code:?}");
    let handler = code.config.as_ref().and_then(|c| c.handler.clone());
    assert_eq!(handler.as_deref(), Some("index.handler"));
    assert!(m.published.iter().all(|p| p.config.is_some() && !p.sha256.is_empty()), "{:?}", m.published);
    let before = latest_sha(&config).await;

    let op = restore(&m, "2", false);
    let operator = operator(connect_with(&config).await.expect("connect").clients);
    match operator.execute(&op, "alice").await {
        Err(OpError::Rejected(why)) => {
            assert!(why.starts_with("refused to upload: package SHA-256 "), "{why}");
            assert!(why.contains("≠ orders-consumer:2's CodeSha256"), "{why}");
            assert!(why.ends_with("nothing was uploaded"), "{why}");
        }
        other => panic!("the package served is $LATEST's, not version 2's: {other:?}"),
    }
    assert_eq!(latest_sha(&config).await, before, "$LATEST keeps its code");
}

/// Issue 14: against fakecloud, which serves each version's own package. The restore reads version 1's package,
/// checks it, uploads it under `$LATEST`'s RevisionId and publishes it; verified by `$LATEST` reporting version
/// 1's CodeSha256. A function changed after the plan was read (a new RevisionId) is refused by the lock, and
/// nothing is uploaded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_versions_code_is_restored_into_latest_under_the_revision_lock() {
    let emulator = Emulator::fakecloud("restore");
    let config = emulator.sdk_config().await;
    // fakecloud finds no function by an alias ARN in CreateEventSourceMapping: no alias wiring here.
    seed::published_function(&config).await;
    seed::latest_consumer(&config, "billing").await;
    let lambda = aws_sdk_lambda::Client::new(&config);
    let version = |v: &'static str| {
        let lambda = lambda.clone();
        async move {
            let c = lambda.get_function_configuration().function_name(FUNCTION).qualifier(v).send().await;
            c.expect("version configuration").code_sha256().unwrap_or_default().to_string()
        }
    };
    let (one, new) = (version("1").await, latest_sha(&config).await);
    assert_ne!(one, new, "UpdateFunctionCode gave $LATEST new code");
    let revision = |lambda: aws_sdk_lambda::Client| async move {
        let c = lambda.get_function_configuration().function_name(FUNCTION).send().await.expect("configuration");
        c.revision_id().unwrap_or_default().to_string()
    };
    let planned = Op::RestoreCode {
        function: FUNCTION.into(),
        queue: "billing".into(),
        version: "1".into(),
        sha256: one.clone(),
        revision: revision(lambda.clone()).await,
        image: false,
        publish: true,
    };
    let operator = operator(connect_with(&config).await.expect("connect").clients);

    // Someone changes the function after the plan was read: the lock refuses the upload.
    lambda.update_function_configuration().function_name(FUNCTION).timeout(9).send().await.expect("a change");
    match operator.execute(&planned, "alice").await {
        Err(OpError::Conflict(why)) => assert!(why.contains("lambda:UpdateFunctionCode"), "{why}"),
        other => panic!("the RevisionId changed after the plan: {other:?}"),
    }
    assert_eq!(latest_sha(&config).await, new, "nothing was uploaded");

    // Planned again, with the RevisionId as it is now: restored, published, verified.
    let op = match planned {
        Op::RestoreCode { function, queue, version, sha256, image, publish, .. } => Op::RestoreCode {
            function,
            queue,
            version,
            sha256,
            revision: revision(lambda.clone()).await,
            image,
            publish,
        },
        other => other,
    };
    let baseline = operator.baseline(&op).await;
    let said = operator.execute(&op, "alice").await.expect("restored");
    assert!(said.contains("published as version 3"), "{said}");
    let verified = operator.verify(&op, &baseline).await.expect("verified");
    assert!(verified.text.contains("(version 1's)"), "{}", verified.text);
    assert_eq!(latest_sha(&config).await, one, "$LATEST runs version 1's code");
    assert_eq!(version("3").await, one, "the published version holds it");
}

/// Issue 14: an image function's restore points `$LATEST` back at the version's image (`ImageUri`, from
/// GetFunction's `ResolvedImageUri`); no package is downloaded. ministack keeps each version's image and reports
/// the same CodeSha256 for every image, so what is checked here is the call: `$LATEST` names version 1's image.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_functions_restore_points_latest_at_the_versions_image() {
    let emulator = Emulator::start("restore-image");
    let config = emulator.sdk_config().await;
    let lambda = aws_sdk_lambda::Client::new(&config);
    let image = |tag: &str| format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/billing-handler:{tag}");
    lambda
        .create_function()
        .function_name("billing-handler")
        .package_type(aws_sdk_lambda::types::PackageType::Image)
        .role("arn:aws:iam::000000000000:role/billing-handler")
        .code(aws_sdk_lambda::types::FunctionCode::builder().image_uri(image("1")).build())
        .send()
        .await
        .expect("an image function");
    let one = lambda.publish_version().function_name("billing-handler").send().await.expect("version 1");
    assert_eq!(one.version(), Some("1"));
    lambda.update_function_code().function_name("billing-handler").image_uri(image("2")).send().await.expect("image 2");
    let latest = |lambda: aws_sdk_lambda::Client| async move {
        let f = lambda.get_function().function_name("billing-handler").send().await.expect("get function");
        let uri = f.code().and_then(|c| c.image_uri()).unwrap_or_default().to_string();
        let revision = f.configuration().and_then(|c| c.revision_id()).unwrap_or_default().to_string();
        (uri, revision)
    };
    // ministack reports the update InProgress for half a second; the lock is the RevisionId after it.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (uri, revision) = latest(lambda.clone()).await;
    assert_eq!(uri, image("2"));
    let op = Op::RestoreCode {
        function: "billing-handler".into(),
        queue: "billing".into(),
        version: "1".into(),
        sha256: one.code_sha256().unwrap_or_default().to_string(),
        revision,
        image: true,
        publish: false,
    };
    assert!(op.api_call().contains("ImageUri=<version 1's image>"), "{}", op.api_call());
    let operator = operator(connect_with(&config).await.expect("connect").clients);
    let baseline = operator.baseline(&op).await;
    let said = operator.execute(&op, "alice").await.expect("restored");
    assert!(said.starts_with("UpdateFunctionCode: billing-handler $LATEST"), "{said}");
    operator.verify(&op, &baseline).await.expect("verified");
    assert_eq!(latest(lambda).await.0, image("1"), "$LATEST runs version 1's image");
}

/// Twelve queues: their mappings come from one listing of every mapping in the region, sorted out by queue, not
/// from one filtered listing per queue (a thousand queues would cost a thousand calls against Lambda's
/// control-plane quota). Each queue gets its own mappings and no other's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_queues_read_their_mappings_from_one_listing() {
    let emulator = Emulator::start("mappings-listed");
    let proxy = support::proxy::CountingProxy::start(&emulator.url);
    let config = emulator.sdk_config().await.into_builder().endpoint_url(&proxy.url).build();
    let seeded = seed::queues(&config, 0, 0).await;
    seed::function(&config, &seeded.queue_arn).await;
    let mut names = vec![QUEUE.to_string()];
    for i in 1..=11 {
        let name = format!("quiet-{i:02}");
        let arn = queue_arn(&config, &name).await;
        if i == 3 {
            map(&config, &arn, &format!("{FUNCTION}:1"), false, None).await;
        }
        names.push(name);
    }
    let before = proxy.requests_matching("/event-source-mappings");
    let connection = connect_with(&config).await.expect("connect");
    let watch = Watch { queues: names.clone(), ..Watch::default() };
    let obs = AwsTelemetry::new(connection, Some(watch)).poll(Feed::Inventory).await.expect("inventory");
    let listings = proxy.requests_matching("/event-source-mappings") - before;
    assert!(listings <= 2, "one listing at discovery and one for the poll, not one per queue: {listings}");
    let mappings = |queue: &str| {
        obs.iter()
            .find_map(|o| match o {
                Observation::Mappings { queue: q, mappings, .. } if q == queue => Some(mappings.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{queue}'s mappings were read: {obs:?}"))
    };
    let orders = mappings(QUEUE);
    assert_eq!(orders.len(), 1, "{orders:?}");
    assert_eq!((orders[0].function.as_str(), &orders[0].qualifier), (FUNCTION, &Qualifier::Alias("live".into())));
    let third = mappings("quiet-03");
    assert_eq!(third.len(), 1, "{third:?}");
    assert_eq!(third[0].qualifier, Qualifier::Version("1".into()));
    for quiet in names.iter().skip(1).filter(|n| *n != "quiet-03") {
        assert!(mappings(quiet).is_empty(), "{quiet} has none of the others' mappings");
    }
}
