//! End to end against the emulator: the release of the dashboard the user runs, in tmux, pointed at a seeded
//! ministack with only AWS_ENDPOINT_URL-style settings. The panes show the seeded values; the rollback keys with
//! typed confirmation move the alias in the emulator; under --read-only the same keys do not.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use support::Emulator;
use support::seed::{self, DLQ, FUNCTION};
use support::tmux::Tmux;

const CONFIG: &str = "operator = \"e2e\"\n[watch]\nqueues = [\"orders\"]\nclusters = [\"core-db\"]\n";

fn files(name: &str) -> (String, String) {
    let dir = std::env::temp_dir().join(format!("warroom-e2e-live-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("warroom.toml");
    std::fs::write(&config, CONFIG).expect("config");
    let journal = dir.join("journal.jsonl");
    std::fs::remove_file(&journal).ok();
    (config.display().to_string(), journal.display().to_string())
}

async fn alias_version(config: &aws_config::SdkConfig) -> String {
    let lambda = aws_sdk_lambda::Client::new(config);
    let alias = lambda.get_alias().function_name(FUNCTION).name("live").send().await.expect("get alias");
    alias.function_version().unwrap_or_default().to_string()
}

fn start(emulator: &Emulator, name: &str, read_only: bool) -> (Tmux, String) {
    let (config, journal) = files(name);
    (launch(emulator, name, &config, &journal, read_only), journal)
}

/// The dashboard in tmux against the emulator, with only the environment a new user would set.
fn launch(emulator: &Emulator, name: &str, config: &str, journal: &str, read_only: bool) -> Tmux {
    let mut args = vec!["--config", config, "--journal", journal];
    if read_only {
        args.push("--read-only");
    }
    let env = [
        ("AWS_ENDPOINT_URL", emulator.url.as_str()),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    Tmux::start_with_env(name, &args, &env, 160, 48)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_panes_show_the_seeded_account_and_rollback_moves_the_alias() {
    let emulator = Emulator::start("e2e-live");
    let sdk = emulator.sdk_config().await;
    seed::incident(&sdk).await;
    let (tmux, journal) = start(&emulator, "live", false);
    tmux.wait_for("LIVE", Duration::from_secs(15));
    tmux.wait_for("000000000000 · us-east-1", Duration::from_secs(10));
    tmux.wait_for("1 ALARM", Duration::from_secs(15));
    tmux.wait_for_row("orders-dlq", "7", Duration::from_secs(15));
    tmux.wait_for("live→v2 (v1 before?)", Duration::from_secs(15));
    tmux.wait_for("writer available", Duration::from_secs(15));

    tmux.keys(&["r"]);
    tmux.wait_for("lambda:UpdateAlias orders-consumer live 2 → 1", Duration::from_secs(5));
    tmux.type_text(FUNCTION);
    tmux.wait_for("enter runs it", Duration::from_secs(5));
    tmux.keys(&["Enter"]);
    tmux.wait_for("2 → 1: verified", Duration::from_secs(20));
    assert_eq!(alias_version(&sdk).await, "1", "the alias moved in the emulator");

    // The writer is selected in the database pane: `b` plans RebootDBInstance on it.
    tmux.keys(&["b"]);
    tmux.wait_for("rds:RebootDBInstance DBInstanceIdentifier=core-db-1", Duration::from_secs(5));
    tmux.type_text("core-db-1");
    tmux.keys(&["Enter"]);
    tmux.wait_for("reboot core-db-1 (writer): verified", Duration::from_secs(30));

    let entries = warroom_core::journal::Journal::read_all(std::path::Path::new(&journal)).expect("journal");
    let kinds: Vec<_> = entries.iter().map(|e| (e.kind, e.session.kind.name())).collect();
    let (intent, outcome) = (warroom_core::journal::EntryKind::Intent, warroom_core::journal::EntryKind::Outcome);
    assert_eq!(kinds, [(intent, "live"), (outcome, "live"), (intent, "live"), (outcome, "live")]);

    // After the fact: the postmortem from the journal and the emulator's CloudWatch and RDS history.
    let config = std::path::Path::new(&journal).with_file_name("warroom.toml");
    let out =
        warroom_against(&emulator, &["export", "--config", config.to_str().expect("utf8"), "--journal", &journal]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(md.contains("source: 000000000000 · us-east-1"), "{md}");
    // Beside the local name, the principal STS said the calls were signed as (ministack's arn:aws:iam::…:root).
    assert!(md.contains("| e2e as root | roll back orders-consumer:live 2 → 1 | `lambda:UpdateAlias"), "{md}");
    assert!(md.contains("| e2e as root | reboot core-db-1 (writer) | `rds:RebootDBInstance"), "{md}");
    assert!(entries.iter().all(|e| e.principal.as_deref() == Some("arn:aws:iam::000000000000:root")), "{entries:?}");
    assert!(md.contains("orders age of oldest message > 60 s: INSUFFICIENT_DATA → ALARM"), "{md}");
    assert!(md.contains("| core-db-1 CPU % | 90 |"), "the seeded CPU history read back from CloudWatch: {md}");

    // A snapshot reads the journal as the dashboard does: the rollback is the alias's known history.
    let out =
        warroom_against(&emulator, &["snapshot", "--config", config.to_str().expect("utf8"), "--journal", &journal]);
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text.lines().find(|l| l.contains("orders-consumer live → v1")).unwrap_or_default();
    assert!(row.contains("previous v2") && !row.contains("history unknown"), "{text}");
    // What ministack lacks is said, as doctor warns of it, without failing the snapshot: no message move tasks.
    let warnings = text.split("WARNINGS\n").nth(1).unwrap_or_default();
    assert!(warnings.contains("sqs:ListMessageMoveTasks: InvalidAction"), "{text}");
    assert!(out.status.success(), "{text}");
}

/// The third operation, from the keys, against fakecloud (ministack has no message move tasks): `d` plans the
/// redrive, typing the DLQ's name runs it, the DLQ empties back into its source, and both lines are journaled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_redrive_from_the_keys_empties_the_dlq() {
    let emulator = Emulator::fakecloud("e2e-redrive");
    let sdk = emulator.sdk_config().await;
    let seeded = seed::queues(&sdk, 0, 0).await;
    seed::dead_letter(&sdk, &seeded.queue_url, 4).await;
    let (tmux, journal) = start(&emulator, "live-redrive", false);
    tmux.wait_for_row("orders-dlq", "4", Duration::from_secs(20));
    tmux.keys(&["d"]);
    tmux.wait_for("sqs:StartMessageMoveTask SourceArn=arn:aws:sqs:", Duration::from_secs(5));
    tmux.type_text(DLQ);
    tmux.keys(&["Enter"]);
    tmux.wait_for("verified", Duration::from_secs(30));
    tmux.wait_for_row("orders-dlq", "0", Duration::from_secs(30));
    let entries = warroom_core::journal::Journal::read_all(std::path::Path::new(&journal)).expect("journal");
    let ops: Vec<_> = entries.iter().map(|e| (e.kind, e.api_call.as_deref().unwrap_or_default().to_string())).collect();
    assert_eq!(ops.len(), 2, "{ops:?}");
    assert!(
        ops.iter().all(|(_, call)| call.starts_with("sqs:StartMessageMoveTask SourceArn=arn:aws:sqs:")
            && call.contains(":orders-dlq ")),
        "{ops:?}"
    );
}

/// What a mapping invokes now in the emulator (lambda:GetEventSourceMapping `FunctionArn`).
async fn mapping_arn(config: &aws_config::SdkConfig, uuid: &str) -> String {
    let lambda = aws_sdk_lambda::Client::new(config);
    let m = lambda.get_event_source_mapping().uuid(uuid).send().await.expect("get event source mapping");
    m.function_arn().unwrap_or_default().to_string()
}

/// Issue 14: a `$LATEST` consumer in the emulator (new code shipped straight to `$LATEST`). Filtered to its
/// queue, the rollback key plans pinning the mapping to version 2, and the other-way key shows the code restore
/// and back; under `--read-only` the same keys change nothing; from an operator's dashboard the pin runs, is
/// verified and journaled, and the mapping invokes `:2`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_latest_consumer_is_pinned_from_the_keys_and_read_only_changes_nothing() {
    let emulator = Emulator::start("e2e-latest");
    let sdk = emulator.sdk_config().await;
    seed::incident(&sdk).await;
    let uuid = seed::latest_consumer(&sdk, "billing").await;
    let dir = std::env::temp_dir().join(format!("warroom-e2e-latest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("warroom.toml");
    let watch = "operator = \"e2e\"\n[watch]\nqueues = [\"orders\", \"billing\"]\nclusters = [\"core-db\"]\n";
    std::fs::write(&config, watch).expect("config");
    let journal = dir.join("journal.jsonl");
    std::fs::remove_file(&journal).ok();
    let (config, journal) = (config.display().to_string(), journal.display().to_string());
    let pin = |tmux: &Tmux| {
        tmux.wait_for(&format!("{FUNCTION} ($LATEST)"), Duration::from_secs(20));
        // The filter leaves the Functions pane the billing queue's row; the rollback key acts on it.
        tmux.keys(&["/"]);
        tmux.type_text("billing");
        tmux.keys(&["Enter", "r"]);
        tmux.wait_for(&format!("lambda:UpdateEventSourceMapping UUID={uuid}"), Duration::from_secs(5));
        tmux.wait_for(&format!("FunctionName={FUNCTION}:2"), Duration::from_secs(5));
        tmux.wait_for("the next one undoes this rollback", Duration::from_secs(5));
        // Both ways are offered; the other is a key away, and back.
        tmux.wait_for("way: pin the mapping | restore the code into $LATEST", Duration::from_secs(5));
        tmux.keys(&["Tab"]);
        tmux.wait_for(&format!("Restore {FUNCTION} $LATEST to version 2's code"), Duration::from_secs(5));
        tmux.keys(&["Tab"]);
        tmux.wait_for(&format!("FunctionName={FUNCTION}:2"), Duration::from_secs(5));
        tmux.type_text("billing");
        tmux.keys(&["Enter"]);
    };

    let observer = launch(&emulator, "latest-ro", &config, &journal, true);
    observer.wait_for("READ-ONLY", Duration::from_secs(15));
    pin(&observer);
    std::thread::sleep(Duration::from_secs(2));
    assert!(mapping_arn(&sdk, &uuid).await.ends_with(&format!("function:{FUNCTION}")), "read-only changed nothing");
    drop(observer);

    let tmux = launch(&emulator, "latest", &config, &journal, false);
    pin(&tmux);
    tmux.wait_for(&format!("to {FUNCTION}:2: verified"), Duration::from_secs(20));
    assert!(mapping_arn(&sdk, &uuid).await.ends_with(&format!("function:{FUNCTION}:2")), "pinned in the emulator");
    // The Functions row shows the pinned wiring at once, with its queue.
    tmux.wait_for(&format!("{FUNCTION} :2 ← billing"), Duration::from_secs(5));
    let entries = warroom_core::journal::Journal::read_all(std::path::Path::new(&journal)).expect("journal");
    let ops: Vec<_> = entries.iter().map(|e| (e.kind, e.operation.clone(), e.result.clone())).collect();
    let (intent, outcome) = (warroom_core::journal::EntryKind::Intent, warroom_core::journal::EntryKind::Outcome);
    let rollback = Some("rollback_mapping".to_string());
    assert_eq!(ops, [(intent, rollback.clone(), None), (outcome, rollback, Some("succeeded".into()))]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_read_only_keys_change_nothing() {
    let emulator = Emulator::start("e2e-live-ro");
    let sdk = emulator.sdk_config().await;
    seed::incident(&sdk).await;
    let (tmux, journal) = start(&emulator, "live-ro", true);
    tmux.wait_for("READ-ONLY", Duration::from_secs(15));
    tmux.wait_for("live→v2 (v1 before?)", Duration::from_secs(15));
    tmux.keys(&["r"]);
    tmux.wait_for("read-only: this would call lambda:UpdateAlias", Duration::from_secs(5));
    tmux.type_text(FUNCTION);
    tmux.keys(&["Enter"]);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(alias_version(&sdk).await, "2", "read-only changed nothing in the emulator");
    let entries = warroom_core::journal::Journal::read_all(std::path::Path::new(&journal)).unwrap_or_default();
    assert!(entries.is_empty(), "no operation journaled: {entries:?}");
}

/// The binary run once (no terminal) against the emulator, with only the environment a new user would set.
fn warroom_against(emulator: &Emulator, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(args)
        .env("AWS_ENDPOINT_URL", &emulator.url)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run warroom")
}

fn snapshot(emulator: &Emulator, config: &str) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!("warroom-snapshot-{}-{}", std::process::id(), config.len()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("warroom.toml");
    std::fs::write(&path, config).expect("config");
    let out = warroom_against(emulator, &["snapshot", "--json", "--config", path.to_str().expect("utf8")]);
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The README's emulator walkthrough seeds with a Python script (boto3 only, nothing to build): it gives the
/// incident the Rust seeding gives, as the release binary's `snapshot` reads it.
#[test]
fn the_readmes_python_seed_script_seeds_the_incident() {
    let emulator = Emulator::start("seed-script");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/seed-emulator.py");
    let seeded = std::process::Command::new("python3")
        .arg(script)
        .arg(&emulator.url)
        .envs([("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test"), ("AWS_REGION", "us-east-1")])
        .output()
        .expect("python3");
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let (code, out) = snapshot(&emulator, CONFIG);
    assert_eq!(code, 0, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!((json["queues"][0]["name"].as_str(), json["queues"][0]["visible"].as_u64()), (Some("orders"), Some(5)));
    assert_eq!(json["queues"][0]["breached"], true);
    assert_eq!(json["dlqs"][0]["depth"], 7);
    assert_eq!(json["deploys"][0]["version"], "2");
    assert_eq!(json["databases"][0]["instances"][0]["breached"], true);
    assert!(out.contains("orders age of oldest message > 60 s"), "the alarm: {out}");

    // The live postmortem of the same ten minutes: a row per resource, the DLQ's too (ministack publishes no
    // SQS metrics: its depth as SQS answers), and minute data drawn without gaps in a window under 48 minutes.
    let journal = std::env::temp_dir().join(format!("warroom-seed-script-{}.jsonl", std::process::id()));
    let out = warroom_against(&emulator, &["export", "--journal", journal.to_str().expect("utf8")]);
    let md = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(md.contains("| orders-dlq DLQ depth (GetQueueAttributes; no CloudWatch history) | 7 |"), "{md}");
    let age = md.lines().find(|l| l.starts_with("| orders age of oldest message")).expect("the queue's row");
    let spark = age.rsplit('`').nth(1).expect("a sparkline").trim_end();
    assert!(!spark.trim_start().contains(' '), "no gap between minutes: `{spark}`");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_prints_the_panes_and_fails_on_a_missing_resource() {
    let emulator = Emulator::start("snapshot");
    seed::incident(&emulator.sdk_config().await).await;
    let (code, out) = snapshot(&emulator, CONFIG);
    assert_eq!(code, 0, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(json["mode"], "live");
    assert_eq!(json["queues"][0]["name"], "orders");
    assert_eq!(json["queues"][0]["visible"], 5);
    assert_eq!(json["queues"][0]["breached"], true);
    assert_eq!(json["dlqs"][0]["depth"], 7);
    assert_eq!(json["deploys"][0]["version"], "2");
    assert_eq!(json["databases"][0]["instances"][0]["breached"], true);

    let (code, out) = snapshot(&emulator, "[watch]\nqueues = [\"orders\", \"ordrs\"]\n");
    assert_eq!(code, 1, "a missing queue fails the check: {out}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(json["not_found"][0], "queue: ordrs");
}

/// What others write to the journal shows in the dashboard within seconds: a pipeline's `warroom annotate`,
/// and a note from another session (an observer on the same host).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn annotations_and_other_sessions_notes_reach_the_timeline() {
    let emulator = Emulator::start("e2e-annotate");
    let sdk = emulator.sdk_config().await;
    seed::incident(&sdk).await;
    let (tmux, journal) = start(&emulator, "live-annotate", false);
    tmux.wait_for("live→v2 (v1 before?)", Duration::from_secs(15));

    let out = warroom_against(
        &emulator,
        &[
            "annotate",
            "--journal",
            &journal,
            "--kind",
            "migration",
            "--resource",
            "core-db",
            "migration started: index on orders(customer_id)",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let screen = tmux.wait_for("migration started: index on orders(customer_id)", Duration::from_secs(10));
    assert!(screen.contains("change"), "shown as a change, like a deploy: {screen}");

    let bob = warroom_core::model::Session {
        operator: "bob".into(),
        kind: warroom_core::model::SessionKind::Live,
        read_only: true,
    };
    let mut note = warroom_core::journal::JournalEntry::note(&bob, chrono::Utc::now(), "paging the DB team".into());
    note.session_id = Some("bob-session".into());
    warroom_core::journal::Journal::open(std::path::Path::new(&journal)).expect("journal").append(&note).expect("note");
    tmux.wait_for("paging the DB team", Duration::from_secs(10));

    let empty = warroom_against(&emulator, &["annotate", "--journal", &journal, "  "]);
    assert_eq!(empty.status.code(), Some(2), "an empty annotation is refused");
}

/// An operation in flight when its session dropped: the intent is journaled, the outcome is not. The next start
/// shows it as outcome unknown, re-reads the alias (it never calls again), and journals what it found under the
/// same operation id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unfinished_operation_of_a_dropped_session_is_re_read_on_the_next_start() {
    use warroom_core::journal::{EntryKind, Journal};
    use warroom_core::model::Session;
    use warroom_core::operation::Op;
    let emulator = Emulator::start("e2e-unfinished");
    let sdk = emulator.sdk_config().await;
    seed::incident(&sdk).await;
    // The call went through just before the SSH session dropped: the alias is already at 1.
    let lambda = aws_sdk_lambda::Client::new(&sdk);
    lambda.update_alias().function_name(FUNCTION).name("live").function_version("1").send().await.expect("moved");
    let (config, journal) = files("unfinished");
    let session = Session { operator: "alice".into(), kind: warroom_core::model::SessionKind::Live, read_only: false };
    let op = Op::Rollback { function: FUNCTION.into(), alias: "live".into(), from: "2".into(), to: "1".into() };
    let intent = warroom::ops::runner::journal_entry(
        &session,
        "20261124T000000-4242",
        1,
        &op,
        EntryKind::Intent,
        chrono::Utc::now() - chrono::Duration::minutes(2),
    );
    Journal::open(std::path::Path::new(&journal)).expect("journal").append(&intent).expect("intent");

    let tmux = launch(&emulator, "unfinished", &config, &journal, false);
    tmux.wait_for("outcome found after a restart", Duration::from_secs(20));
    let lines = Journal::read_all(std::path::Path::new(&journal)).expect("journal");
    assert_eq!(lines.len(), 2, "no new intent: re-read, never called again: {lines:#?}");
    assert_eq!(lines[1].kind, EntryKind::Outcome);
    assert_eq!(lines[1].op_id, intent.op_id, "the outcome settles the original operation");
    assert_eq!(lines[1].result.as_deref(), Some("succeeded"));
    assert_eq!(alias_version(&sdk).await, "1");
}

/// Issue 13, item 1: the deploy history survives a restart or a late join. Dashboard A sees the alias move
/// 1 → 2 between two polls and rolls it back (2 → 1, verified). A dashboard started afterwards, and `export`,
/// name the v2 deploy and the rollback from the journal, and neither calls v1 (the alias's version at first
/// sight, published long before) a deploy. A's own rollback is in its Functions pane at once, as its own move.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_dashboard_and_export_know_the_deploy_and_the_rollback_from_the_journal() {
    let emulator = Emulator::start("e2e-history");
    let sdk = emulator.sdk_config().await;
    seed::incident(&sdk).await;
    let lambda = aws_sdk_lambda::Client::new(&sdk);
    let point = |version: &'static str| {
        let lambda = lambda.clone();
        async move { lambda.update_alias().function_name(FUNCTION).name("live").function_version(version).send().await }
    };
    point("1").await.expect("alias back to 1 before the dashboard starts");
    let (a, journal) = start(&emulator, "history-a", false);
    let first = a.wait_for("live→v1", Duration::from_secs(15));
    assert!(first.contains("history unknown"), "first sight is not a deploy: {first}");
    assert!(!first.contains("published"), "{first}");

    point("2").await.expect("the deploy");
    a.wait_for("orders-consumer live → v2 (was v1)", Duration::from_secs(45));
    a.keys(&["r"]);
    a.wait_for("\"release 1\"): the version it moved from", Duration::from_secs(5));
    a.type_text(FUNCTION);
    a.keys(&["Enter"]);
    let done = a.wait_for("2 → 1: verified", Duration::from_secs(20));
    assert!(done.contains("live→v1 (was v2)"), "the verified rollback is in the pane at once: {done}");

    // B joins after the fact (read-only, the same journal): the history comes from the journal.
    let config = std::path::Path::new(&journal).with_file_name("warroom.toml").display().to_string();
    let b = launch(&emulator, "history-b", &config, &journal, true);
    b.wait_for("orders-consumer live → v2 (was v1)", Duration::from_secs(20));
    b.wait_for("roll back orders-consumer:live 2 → 1 succeeded", Duration::from_secs(10));
    // The rollback is the alias's history: its previous version and its age come from the journal's line.
    let joined = b.wait_for("live→v1 (was v2)", Duration::from_secs(20));
    assert!(!joined.contains("history unknown"), "{joined}");
    assert!(!joined.contains("v1 published") && !joined.contains("→ v1 (was"), "v1 is no deploy: {joined}");

    let out = warroom_against(&emulator, &["export", "--config", &config, "--journal", &journal]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let deploy = md.lines().find(|l| l.contains("orders-consumer live → v2 (was v1) |")).unwrap_or_default();
    assert!(deploy.contains("| deploy |"), "the v2 deploy is on the timeline: {md}");
    assert!(md.contains("roll back orders-consumer:live 2 → 1 — `lambda:UpdateAlias"), "{md}");
    assert!(!md.contains("v1 published") && !md.contains("→ v1 (was"), "v1 is no deploy: {md}");
}
