//! Follow mode end to end, in tmux against ministack: the on-call's live dashboard publishes to S3, ten
//! `warroom --follow` dashboards (80×24 each) read it through a counting proxy. Each shows whom it follows and
//! the on-call's panes within seconds; the on-call's rollback reaches every one of them; and every request the
//! ten make is a GET of the stream's bucket: no SQS, CloudWatch, RDS, Lambda or CloudTrail call at all.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::{Duration, Instant};

use support::Emulator;
use support::proxy::CountingProxy;
use support::seed::{self, FUNCTION};
use support::tmux::Tmux;

const BUCKET: &str = "warroom-follow";

fn config(name: &str, body: &str) -> String {
    let dir = std::env::temp_dir().join(format!("warroom-follow-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let journal = dir.join("journal.jsonl");
    std::fs::remove_file(&journal).ok();
    let path = dir.join("warroom.toml");
    let text = format!(
        "operator = \"{name}\"\n[journal]\npath = \"{}\"\nfollow_bucket = \"{BUCKET}\"\n{body}",
        journal.display()
    );
    std::fs::write(&path, text).expect("config");
    path.display().to_string()
}

fn env(endpoint: &str) -> Vec<(&str, &str)> {
    vec![
        ("AWS_ENDPOINT_URL", endpoint),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("HOSTNAME", "bastion-1"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_followers_show_the_on_calls_view_and_make_no_telemetry_call() {
    let emulator = Emulator::start("e2e-follow");
    let sdk = emulator.sdk_config().await;
    seed::incident(&sdk).await;
    let clients = warroom::aws::Clients::new(&sdk);
    clients.s3.create_bucket().bucket(BUCKET).send().await.expect("CreateBucket");

    let publisher_config = config("alice", "[watch]\nqueues = [\"orders\"]\nclusters = [\"core-db\"]\n");
    let alice = Tmux::start_with_env("alice", &["--config", &publisher_config], &env(&emulator.url), 160, 48);
    alice.wait_for("live→v2 (v1 before?)", Duration::from_secs(30));

    let proxy = CountingProxy::start(&emulator.url);
    let follower_config = config("bob", "");
    let started = Instant::now();
    let followers: Vec<Tmux> = (0..10)
        .map(|i| {
            Tmux::start_with_env(
                &format!("bob{i}"),
                &["--follow", "--config", &follower_config],
                &env(&proxy.url),
                80,
                24,
            )
        })
        .collect();
    for bob in &followers {
        bob.wait_for("following alice@bastion-1 ·", Duration::from_secs(30));
        bob.wait_for("live→v2", Duration::from_secs(15));
    }
    let all_showing = started.elapsed();

    // The on-call rolls back; every follower shows the alias back on v1.
    alice.keys(&["r"]);
    alice.wait_for("lambda:UpdateAlias orders-consumer live 2 → 1", Duration::from_secs(5));
    alice.type_text(FUNCTION);
    alice.keys(&["Enter"]);
    alice.wait_for("2 → 1: verified", Duration::from_secs(30));
    let rolled_back = Instant::now();
    for bob in &followers {
        bob.wait_for("live→v1", Duration::from_secs(20));
    }
    let all_rolled_back = rolled_back.elapsed();
    // A follower cannot operate: the footer says so, and the operation key only previews.
    let bob = &followers[0];
    bob.wait_for("READ-ONLY", Duration::from_secs(5));

    // Steady state: ten seconds of following, counted.
    let before = proxy.requests_matching(" HTTP/1.1");
    std::thread::sleep(Duration::from_secs(10));
    let steady = proxy.requests_matching(" HTTP/1.1") - before;
    let total = proxy.requests_matching(" HTTP/1.1");
    let bucket_gets = proxy.requests_matching(&format!("GET /{BUCKET}"));
    assert!(total > 0, "the followers read through the proxy");
    assert_eq!(bucket_gets, total, "every request of the ten followers is a GET of the stream's bucket");
    // The on-call quits: each follower says the publisher stopped and offers to poll AWS itself; one does.
    alice.keys(&["q"]);
    bob.wait_for("alice@bastion-1 stopped publishing", Duration::from_secs(40));
    bob.wait_for("P poll AWS from here", Duration::from_secs(5));
    let other_calls = || proxy.requests_matching(" HTTP/1.1") - proxy.requests_matching(&format!("GET /{BUCKET}"));
    assert_eq!(other_calls(), 0);
    bob.keys(&["P"]);
    bob.wait_for("now polling AWS here, not following alice@bastion-1", Duration::from_secs(20));
    bob.wait_for("READ-ONLY", Duration::from_secs(5));
    std::thread::sleep(Duration::from_secs(6));
    assert!(proxy.target_count("AmazonSQS.GetQueueAttributes") > 0, "the follower now polls SQS itself");
    assert!(other_calls() > 0);
    let screen = bob.screen();
    assert!(!screen.lines().next().unwrap_or_default().contains("following"), "the header follows no one: {screen}");
    println!(
        "ten followers: all showing the on-call's view {:.1} s after start; the rollback on all ten {:.1} s after it was verified; {total} requests in all, {:.2} a second per follower over 10 s of steady following, every one a GET of s3://{BUCKET}",
        all_showing.as_secs_f64(),
        all_rolled_back.as_secs_f64(),
        steady as f64 / 10.0 / 10.0
    );
}
