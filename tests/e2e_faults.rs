//! Faults against the running dashboard: the emulator behind a proxy that makes every endpoint hang, and then
//! answer 503. The dashboard stays up and responsive, marks exactly the panes whose data stopped with its age and
//! the error, keeps the last rows, and recovers by itself on the first poll after the endpoint returns.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::{Duration, Instant};

use support::Emulator;
use support::proxy::CountingProxy;
use support::seed;
use support::tmux::Tmux;

const CONFIG: &str = "operator = \"e2e\"\n[watch]\nqueues = [\"orders\"]\nclusters = [\"core-db\"]\n";

fn launch(name: &str, endpoint: &str) -> Tmux {
    let dir = std::env::temp_dir().join(format!("warroom-e2e-faults-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("warroom.toml");
    std::fs::write(&config, CONFIG).expect("config");
    let journal = dir.join("journal.jsonl");
    let args = ["--config", config.to_str().expect("utf8"), "--journal", journal.to_str().expect("utf8")];
    let env = [
        ("AWS_ENDPOINT_URL", endpoint),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    Tmux::start_with_env(name, &args, &env, 160, 48)
}

/// The panes' keys still work: the help overlay opens and closes, focus moves.
fn still_responsive(tmux: &Tmux) {
    tmux.keys(&["?"]);
    tmux.wait_for("Show the help overlay", Duration::from_secs(2));
    tmux.keys(&["Escape"]);
    tmux.wait_gone("Show the help overlay", Duration::from_secs(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_then_failing_endpoint_marks_its_panes_stale_and_recovers_on_its_own() {
    let emulator = Emulator::start("e2e-faults");
    let sdk = emulator.sdk_config().await;
    seed::incident(&sdk).await;
    let proxy = CountingProxy::start(&emulator.url);
    let tmux = launch("faults", &proxy.url);
    tmux.wait_for_row("orders-dlq", "7", Duration::from_secs(20));
    tmux.wait_for("data fresh", Duration::from_secs(20));

    // Every endpoint hangs: no answer at all, so only the dashboard's own clock notices.
    proxy.set_hang(true);
    let hung = Instant::now();
    let screen = tmux.wait_for("Dead-letter queues · stale", Duration::from_secs(30));
    println!("fast-feed panes marked stale {:.1} s after the endpoint hung", hung.elapsed().as_secs_f64());
    assert!(screen.contains("Queues · stale"), "{screen}");
    assert!(screen.contains("no answer for 10 s") || screen.contains("timed out"), "the error is shown: {screen}");
    assert!(support::tmux::row_shows(&screen, "orders-dlq", "7"), "the last rows stay on screen: {screen}");
    still_responsive(&tmux);
    let polls_before = proxy.target_count("AmazonSQS.GetQueueAttributes");
    std::thread::sleep(Duration::from_secs(40));
    let polls_hung = proxy.target_count("AmazonSQS.GetQueueAttributes") - polls_before;
    // At the 5 s cadence 40 s is 8 polls; with attempts timing out and the wait doubling there are fewer.
    println!("GetQueueAttributes attempts in 40 s hung: {polls_hung}");
    assert!(polls_hung <= 6, "polling backed off while hung: {polls_hung} attempts in 40 s");
    // A plan made now says how old its facts are, and warns (issue 13, item 6).
    tmux.keys(&["b"]);
    tmux.wait_for("STALE — Database facts last read", Duration::from_secs(5));
    // Waited for, not read off the first capture: tmux may catch the popup half drawn.
    tmux.wait_for("this plan rests on Database data", Duration::from_secs(5));
    tmux.keys(&["Escape"]);

    proxy.set_hang(false);
    let back = Instant::now();
    tmux.wait_gone("Dead-letter queues · stale", Duration::from_secs(60));
    println!("fast-feed panes fresh {:.1} s after the endpoint came back", back.elapsed().as_secs_f64());
    // The slower feeds may be waiting out a backoff (up to twice their cadence) or a last hung attempt.
    tmux.wait_gone("stale", Duration::from_secs(120));
    println!("every pane fresh {:.1} s after the endpoint came back", back.elapsed().as_secs_f64());
    tmux.wait_for("data fresh", Duration::from_secs(10));

    // Now it answers at once, with 503s: the SDK's retries fail fast and the panes say so.
    proxy.set_down(true);
    let screen = tmux.wait_for("Dead-letter queues · stale", Duration::from_secs(30));
    assert!(screen.contains("failing"), "the header counts the failing calls: {screen}");
    still_responsive(&tmux);
    proxy.set_down(false);
    let took = tmux.wait_gone("Dead-letter queues · stale", Duration::from_secs(60));
    println!("recovered from 503s {:.1} s after the endpoint came back", took.as_secs_f64());
    assert!(tmux.session_alive(), "the dashboard never went down");
}
