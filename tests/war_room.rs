//! The shared war room between two dashboards, through the emulator's CloudWatch Logs: the on-call's operation
//! and an observer's note appear in each other's timeline (each has its own local journal, so nothing comes
//! through a shared file); the log group then goes down behind a proxy and comes back: the note written during
//! the outage arrives, once, and nothing is lost.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::PathBuf;
use std::time::Duration;

use support::Emulator;
use support::proxy::CountingProxy;
use support::seed::{self, FUNCTION};
use support::tmux::Tmux;

const GROUP: &str = "/warroom/orders-incident";

fn config(name: &str, operator: &str, source_identity: Option<&str>) -> (String, PathBuf) {
    let dir = std::env::temp_dir().join(format!("warroom-war-room-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let journal = dir.join("journal.jsonl");
    std::fs::remove_file(&journal).ok();
    let path = dir.join("warroom.toml");
    let text = format!(
        "operator = \"{operator}\"\n[journal]\npath = \"{}\"\nlog_group = \"{GROUP}\"\n{}[watch]\nqueues = [\"orders\"]\nclusters = [\"core-db\"]\n",
        journal.display(),
        source_identity.map_or(String::new(), |id| format!("source_identity = \"{id}\"\n")),
    );
    std::fs::write(&path, text).expect("config");
    (path.display().to_string(), journal)
}

/// A role session's credentials, as an engineer who assumed the on-call role would have them.
async fn role_session(sdk: &aws_config::SdkConfig, session_name: &str) -> [String; 3] {
    let sts = aws_sdk_sts::Client::new(sdk);
    let assumed = sts
        .assume_role()
        .role_arn("arn:aws:iam::000000000000:role/OnCall")
        .role_session_name(session_name)
        .send()
        .await
        .expect("AssumeRole");
    let c = assumed.credentials().expect("credentials");
    [c.access_key_id().to_string(), c.secret_access_key().to_string(), c.session_token().to_string()]
}

/// A dashboard in tmux, signed as `credentials`; `source_identity` is what its config claims.
fn dashboard(
    emulator: &Emulator,
    logs: &CountingProxy,
    (name, operator, source_identity): (&str, &str, Option<&str>),
    credentials: &[String; 3],
    read_only: bool,
) -> (Tmux, PathBuf) {
    let (config, journal) = config(name, operator, source_identity);
    let mut args = vec!["--config", config.as_str()];
    if read_only {
        args.push("--read-only");
    }
    let env = [
        ("AWS_ENDPOINT_URL", emulator.url.as_str()),
        // Only CloudWatch Logs goes through the proxy that can take it down.
        ("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", logs.url.as_str()),
        ("AWS_ACCESS_KEY_ID", credentials[0].as_str()),
        ("AWS_SECRET_ACCESS_KEY", credentials[1].as_str()),
        ("AWS_SESSION_TOKEN", credentials[2].as_str()),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    (Tmux::start_with_env(name, &args, &env, 160, 48), journal)
}

/// Every message in the group with the stream it was put into, as the emulator holds it.
async fn group_messages(sdk: &aws_config::SdkConfig) -> Vec<(String, String)> {
    let logs = aws_sdk_cloudwatchlogs::Client::new(sdk);
    let page = logs.filter_log_events().log_group_name(GROUP).send().await.expect("filter");
    page.events().iter().filter_map(|e| Some((e.log_stream_name()?.to_string(), e.message()?.to_string()))).collect()
}

fn note(tmux: &Tmux, text: &str) {
    tmux.keys(&["n"]);
    tmux.wait_for("note", Duration::from_secs(5));
    tmux.type_text(text);
    tmux.keys(&["Enter"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_and_observer_share_the_war_room_and_an_outage_loses_nothing() {
    let emulator = Emulator::start("war-room");
    let sdk = emulator.sdk_config().await;
    seed::incident(&sdk).await;
    aws_sdk_cloudwatchlogs::Client::new(&sdk).create_log_group().log_group_name(GROUP).send().await.expect("group");
    let logs = CountingProxy::start(&emulator.url);

    // Alice's role session has a source identity (her IdP set it) and her config names it; Bob's has none.
    let alice_credentials = role_session(&sdk, "alice").await;
    let bob_credentials = role_session(&sdk, "bob").await;
    let (alice, _) = dashboard(&emulator, &logs, ("alice", "alice", Some("alice")), &alice_credentials, false);
    let (bob, bob_journal) = dashboard(&emulator, &logs, ("bob", "bob", None), &bob_credentials, true);
    alice.wait_for("war room ✓", Duration::from_secs(20)).to_string();
    alice.wait_for("live→v2 (v1 before?)", Duration::from_secs(15));

    // The on-call rolls back; the observer sees it, attributed, in its own timeline.
    alice.keys(&["r"]);
    alice.wait_for("lambda:UpdateAlias orders-consumer live 2 → 1", Duration::from_secs(5));
    alice.type_text(FUNCTION);
    alice.keys(&["Enter"]);
    alice.wait_for("2 → 1: verified", Duration::from_secs(20));
    bob.wait_for("alice: roll back orders-consumer:live 2 → 1 succeeded", Duration::from_secs(20));
    // Attributed by the stream IAM let her write to, not by what the line says.
    bob.wait_for("succeeded · as source ident", Duration::from_secs(5));

    // The observer may not operate, but may take notes; the on-call sees them.
    note(&bob, "bob here: DB team paged");
    alice.wait_for("bob here: DB team paged", Duration::from_secs(20));
    alice.wait_for("(unverified) bob as", Duration::from_secs(5));
    let bob_lines = warroom_core::journal::Journal::read_all(&bob_journal).expect("bob's journal");
    assert_eq!(bob_lines.len(), 1, "the observer journaled only its note: {bob_lines:?}");

    // The log group goes away; the dashboard carries on and says so; the note waits.
    logs.set_down(true);
    note(&alice, "while the war room is down");
    alice.wait_for("war room disconnected (1 queued)", Duration::from_secs(20));
    alice.wait_for("while the war room is down", Duration::from_secs(5));
    std::thread::sleep(Duration::from_secs(3));
    assert!(!bob.screen().contains("while the war room is down"), "nothing got through while down");

    logs.set_down(false);
    bob.wait_for("while the war room is down", Duration::from_secs(45));
    alice.wait_for("war room ✓", Duration::from_secs(30));

    let messages = group_messages(&sdk).await;
    let copies = messages.iter().filter(|(_, m)| m.contains("while the war room is down")).count();
    assert_eq!(copies, 1, "sent once after the outage: {messages:#?}");
    // Alice's rollback (intent and outcome) and her note, Bob's note: every line there, none twice.
    assert_eq!(messages.len(), 4, "{messages:#?}");
    // Each session's stream is named after who IAM can check it is (`policies/war-room.json`).
    for (stream, message) in &messages {
        let expected =
            if message.contains("\"operator\":\"alice\"") { "source-identity/alice/" } else { "unverified/bob/" };
        assert!(stream.starts_with(expected), "{stream} for {message}");
    }
    let screen = bob.screen();
    assert_eq!(screen.matches("while the war room is down").count(), 1, "shown once: {screen}");
}
