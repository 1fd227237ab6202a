//! Accounts bigger than a page cap, against ministack: named resources are read by name, lists read to their end
//! where the answer depends on it, and a cap that cuts a list says so.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use aws_sdk_cloudwatch::types::Statistic;
use support::Emulator;
use support::seed::{self, FUNCTION, QUEUE};
use warroom::aws::connect_with;
use warroom::telemetry::Telemetry;
use warroom::telemetry::aws::AwsTelemetry;
use warroom_core::config::Watch;
use warroom_core::model::{AlarmState, CappedList, Feed, Observation, ResourceKind};

/// 600 alarms, and the one that matters sorting last: DescribeAlarms' five pages of 100 end before it. Reading
/// every alarm, the pane says the list is cut instead of letting the rest vanish; named in `[watch] alarms`, the
/// alarm is read by name and shown, and a named alarm AWS does not have is "not found".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_500_alarms_the_cut_is_said_and_a_named_alarm_is_read_by_name() {
    let emulator = Emulator::start("many-alarms");
    let config = emulator.sdk_config().await;
    seed::queues(&config, 0, 0).await;
    let cw = aws_sdk_cloudwatch::Client::new(&config);
    for i in 0..600 {
        let (name, queue) = (format!("bulk-{i:03}"), format!("other-{i:03}"));
        let metric = ("AWS/SQS", "NumberOfMessagesSent");
        seed::metric_alarm(&cw, &name, metric, ("QueueName", &queue), Statistic::Sum, 1e9).await;
    }
    let watched = "zz-orders-age";
    seed::age_alarm_in_alarm(&cw, watched, QUEUE).await;

    let alarms = |obs: &[Observation]| -> Vec<String> {
        obs.iter().filter_map(|o| if let Observation::Alarm(a) = o { Some(a.name.clone()) } else { None }).collect()
    };
    let capped = |obs: &[Observation]| {
        obs.iter().find_map(|o| match o {
            Observation::Capped { list: CappedList::Alarms, shown } => Some(*shown),
            _ => None,
        })
    };

    let everything = AwsTelemetry::new(connect_with(&config).await.expect("connect"), None);
    let obs = everything.poll(Feed::Inventory).await.expect("inventory");
    assert_eq!(alarms(&obs).len(), 500);
    assert!(!alarms(&obs).contains(&watched.to_string()));
    assert_eq!(capped(&obs), Some(Some(500)), "the cut is said, not silent");

    let watch =
        Watch { queues: vec![QUEUE.into()], alarms: vec![watched.into(), "no-such-alarm".into()], ..Watch::default() };
    let named = AwsTelemetry::new(connect_with(&config).await.expect("connect"), Some(watch));
    let obs = named.poll(Feed::Inventory).await.expect("inventory");
    let found = obs.iter().find_map(|o| match o {
        Observation::Alarm(a) if a.name == watched => Some(a),
        _ => None,
    });
    assert_eq!(found.map(|a| a.state), Some(AlarmState::Alarm), "read by name: {:?}", alarms(&obs));
    assert_eq!(alarms(&obs), [watched], "only what is named");
    assert!(
        obs.iter()
            .any(|o| matches!(o, Observation::Missing { kind: ResourceKind::Alarm, name } if name == "no-such-alarm"))
    );
    assert_eq!(capped(&obs), Some(None), "nothing cut");
}

/// ListVersionsByFunction lists oldest first, 50 a page: past 1,000 versions a bounded read never reached the
/// newest, and the rollback target was the thousandth. Read to the end, the alias at v1202 rolls back to v1201.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_with_more_than_1000_versions_rolls_back_to_the_one_before_the_current() {
    const NEWEST: u64 = 1202;
    let emulator = Emulator::start("many-versions");
    let config = emulator.sdk_config().await;
    let seeded = seed::queues(&config, 0, 0).await;
    seed::function(&config, &seeded.queue_arn).await;
    let lambda = aws_sdk_lambda::Client::new(&config);
    for n in 3..=NEWEST {
        lambda
            .update_function_configuration()
            .function_name(FUNCTION)
            .description(format!("release {n}"))
            .send()
            .await
            .expect("update configuration");
        lambda.publish_version().function_name(FUNCTION).send().await.expect("publish");
    }
    lambda
        .update_alias()
        .function_name(FUNCTION)
        .name("live")
        .function_version(NEWEST.to_string())
        .send()
        .await
        .expect("move alias");

    let watch = Watch { queues: vec![QUEUE.into()], ..Watch::default() };
    let telemetry = AwsTelemetry::new(connect_with(&config).await.expect("connect"), Some(watch));
    let obs = telemetry.poll(Feed::Inventory).await.expect("inventory");
    let problems: Vec<_> = obs.iter().filter(|o| matches!(o, Observation::Problem(_))).collect();
    assert!(problems.is_empty(), "{problems:?}");
    let f = obs
        .iter()
        .find_map(|o| if let Observation::Function(f) = o { Some(f) } else { None })
        .expect("the consumer's alias");
    assert_eq!(f.version, NEWEST.to_string());
    assert_eq!(f.previous_version.as_deref(), Some("1201"), "the version before the current one");
}

/// Issue 18: more queues than a fast poll can read under the SQS pace. The dashboard's hot queues (here two, as
/// `State::hot_queues` would hand over) are read every fast poll; the rest in turn, each within a few polls;
/// every row says how often it is read. Scaled down: 40 queues against a budget of 10 calls a poll (the real
/// one is 200, for 1,000 queues). Without `prioritize` (snapshot, export) every queue is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_what_a_fast_poll_can_read_hot_queues_every_poll_and_the_rest_in_turn() {
    use std::collections::HashSet;
    let emulator = Emulator::start("tiers");
    let config = emulator.sdk_config().await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let names: Vec<String> = (0..40).map(|i| format!("fleet-{i:02}")).collect();
    for name in &names {
        sqs.create_queue().queue_name(name).send().await.expect("create queue");
    }
    let watch = Watch { queues: names.clone(), ..Watch::default() };
    let telemetry =
        AwsTelemetry::new(connect_with(&config).await.expect("connect"), Some(watch.clone())).with_fast_poll_calls(10);
    let read = |obs: &[Observation]| -> Vec<String> {
        obs.iter().filter_map(|o| if let Observation::Queue(q) = o { Some(q.name.clone()) } else { None }).collect()
    };
    let every = |obs: &[Observation]| {
        obs.iter().find_map(|o| if let Observation::ReadEvery(e) = o { Some(e.clone()) } else { None })
    };

    let whole = telemetry.poll(Feed::Fast).await.expect("fast");
    assert_eq!(read(&whole).len(), 40, "nothing prioritized: every queue, as snapshot reads them");
    assert_eq!(every(&whole), None);

    telemetry.prioritize(&["fleet-07".to_string(), "fleet-33".to_string()]);
    let mut seen: HashSet<String> = HashSet::new();
    let mut state = support::live_state("000000000000 · us-east-1");
    for poll in 1..=5 {
        let obs = telemetry.poll(Feed::Fast).await.expect("fast");
        let names = read(&obs);
        assert!(names.len() <= 10, "poll {poll}: {} reads", names.len());
        assert!(names.contains(&"fleet-07".to_string()) && names.contains(&"fleet-33".to_string()), "{names:?}");
        let periods = every(&obs).expect("tiered");
        let of = |name: &str| periods.iter().find(|(n, _)| n == name).map(|(_, s)| *s);
        assert_eq!(of("fleet-07"), Some(5));
        assert_eq!(of("fleet-00"), Some(25), "38 cold queues, 8 a poll: every 5 polls of 5 s");
        seen.extend(names);
        state.update(warroom_core::state::Msg::Telemetry { feed: Feed::Fast, result: Ok(obs) });
    }
    assert_eq!(seen.len(), 40, "every queue read within five polls");
    assert_eq!(state.data.read_every.get("fleet-07"), Some(&5));
    assert_eq!(state.data.read_every.get("fleet-12"), Some(&25));
}
