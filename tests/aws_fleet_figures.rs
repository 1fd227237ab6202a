//! Figures for BENCHMARKS.md (issue 18), not a pass/fail test: `cargo test --test aws_fleet_figures -- --ignored
//! --nocapture`. A ministack account with 1,000 watched queues (200 of them with a DLQ: 1,200 SQS queues) and
//! 200 alarms, polled as the dashboard polls it — each feed on its cadence, the loop's hot set handed over — for
//! three minutes after every queue's row is filled. Prints the time from start to every queue's row, and each
//! API's calls in the last minute against its quota and warroom's pace, from the clients' own call log (what the
//! calls view shows). Ignored in the suite: it takes minutes, and it asserts nothing the other tests do not.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_cloudwatch::types::Statistic;
use aws_sdk_sqs::types::QueueAttributeName;
use support::Emulator;
use warroom::aws::connect_with;
use warroom::telemetry::Telemetry;
use warroom::telemetry::aws::AwsTelemetry;
use warroom_core::config::Watch;
use warroom_core::model::{Feed, Observation};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "figures for BENCHMARKS.md: minutes against ministack"]
async fn calls_per_minute_and_time_to_filled_panes_at_1000_queues_and_200_alarms() {
    let emulator = Emulator::start("fleet-figures");
    let config = emulator.sdk_config().await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let cw = aws_sdk_cloudwatch::Client::new(&config);
    let names: Vec<String> = (0..1000).map(|i| format!("fleet-{i:04}")).collect();
    for (i, name) in names.iter().enumerate() {
        let mut create = sqs.create_queue().queue_name(name);
        if i < 200 {
            let dlq = sqs.create_queue().queue_name(format!("{name}-dlq")).send().await.expect("dlq");
            let arn = sqs
                .get_queue_attributes()
                .queue_url(dlq.queue_url().unwrap_or_default())
                .attribute_names(QueueAttributeName::QueueArn)
                .send()
                .await
                .expect("arn");
            let arn = arn.attributes().and_then(|a| a.get(&QueueAttributeName::QueueArn)).cloned().unwrap_or_default();
            let policy = format!(r#"{{"deadLetterTargetArn":"{arn}","maxReceiveCount":"3"}}"#);
            create = create.attributes(QueueAttributeName::RedrivePolicy, policy);
        }
        create.send().await.expect("queue");
    }
    for queue in names.iter().take(200) {
        let name = format!("{queue} age");
        let metric = ("AWS/SQS", "ApproximateAgeOfOldestMessage");
        support::seed::metric_alarm(&cw, &name, metric, ("QueueName", queue), Statistic::Maximum, 60.0).await;
    }
    let watch = Watch { queues: names.clone(), alarm_prefixes: vec!["fleet-".into()], ..Watch::default() };
    let started = Instant::now();
    let connection = connect_with(&config).await.expect("connect");
    let (calls, budget) = (connection.clients.calls.clone(), connection.clients.budget.clone());
    let telemetry = Arc::new(AwsTelemetry::new(connection, Some(watch)));
    // The loop's hot set: the first 40 rows of each pane.
    let hot: Vec<String> = names.iter().take(40).cloned().chain((0..40).map(|i| format!("fleet-{i:04}-dlq"))).collect();
    telemetry.prioritize(&hot);
    let filled = Arc::new(std::sync::Mutex::new((HashSet::<String>::new(), None::<Duration>)));
    let mut feeds = Vec::new();
    for feed in Feed::ALL {
        let (telemetry, filled) = (telemetry.clone(), filled.clone());
        feeds.push(tokio::spawn(async move {
            loop {
                let next = Instant::now() + telemetry.cadence(feed);
                if let Ok(obs) = telemetry.poll(feed).await {
                    let mut filled = filled.lock().unwrap();
                    for o in &obs {
                        if let Observation::Queue(q) = o {
                            filled.0.insert(q.name.clone());
                        }
                    }
                    if filled.0.len() == 1000 && filled.1.is_none() {
                        filled.1 = Some(started.elapsed());
                    }
                }
                tokio::time::sleep_until(next.into()).await;
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(900);
    let at = loop {
        if let Some(at) = filled.lock().unwrap().1 {
            break at;
        }
        assert!(Instant::now() < deadline, "not every queue's row within 15 minutes");
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    println!("start to every queue's row filled (1,000 queues, 200 DLQs, 200 alarms): {:.0} s", at.as_secs_f64());
    tokio::time::sleep(Duration::from_secs(180)).await;
    println!("calls in the last minute, three minutes after, by API (quota and pace per minute):");
    for rate in warroom::aws::budget::rates(&calls, &budget) {
        let budget = rate.budget.map_or("not paced".to_string(), |b| {
            format!(
                "{}: pace {}/min, quota {}",
                b.bucket,
                b.pace_per_minute,
                b.quota_per_minute.map_or("none documented".into(), |q| format!("{q}/min"))
            )
        });
        println!("  {:<36} {:>6}/min  ({budget})", rate.action, rate.last_minute);
    }
    for feed in feeds {
        feed.abort();
    }
}
