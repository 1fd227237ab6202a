//! `warroom export --demo` after a rollback, a reboot and a redrive: the journal as the runner writes it, the
//! incident replayed with those operations, and the Markdown a postmortem starts from (a snapshot), plus the
//! JSON form's facts.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Duration, TimeZone, Utc};
use warroom::ops::runner::journal_entry;
use warroom_core::journal::{EntryKind, Journal, JournalEntry};
use warroom_core::model::Session;
use warroom_core::operation::{Op, RebootCall};

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).single().expect("time")
}

/// Intent and outcome lines for `op`, `took` apart, as `ops::runner` writes them.
fn operation(journal: &Journal, who: &str, id: u64, op: Op, start: DateTime<Utc>, took: i64, answer: &str) {
    let session = Session { operator: who.into(), kind: warroom_core::model::SessionKind::Demo, read_only: false };
    let intent = journal_entry(&session, "20261123T140000-1", id, &op, EntryKind::Intent, start);
    journal.append(&intent).expect("intent");
    let mut outcome =
        journal_entry(&session, "20261123T140000-1", id, &op, EntryKind::Outcome, start + Duration::seconds(took));
    outcome.result = Some("succeeded".into());
    outcome.text = Some(answer.into());
    journal.append(&outcome).expect("outcome");
}

fn demo_journal(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("warroom-export-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("journal.jsonl");
    std::fs::remove_file(&path).ok();
    let journal = Journal::open(&path).expect("journal");
    let rollback =
        Op::Rollback { function: "orders-consumer".into(), alias: "live".into(), from: "42".into(), to: "41".into() };
    operation(
        &journal,
        "alice",
        1,
        rollback,
        at(14, 16),
        4,
        "orders-consumer:live now points to 41; verified: GetAlias: orders-consumer:live → 41",
    );
    let reboot = Op::Reboot {
        cluster: "core-db".into(),
        instance: "core-db-1".into(),
        writer: true,
        call: RebootCall::Instance,
    };
    operation(
        &journal,
        "alice",
        2,
        reboot,
        at(14, 18),
        80,
        "core-db-1 status: rebooting; verified: DescribeDBInstances: core-db-1 available",
    );
    let bob = Session { operator: "bob".into(), kind: warroom_core::model::SessionKind::Demo, read_only: true };
    journal
        .append(&JournalEntry::note(&bob, at(14, 25), "CPU back under 70 % since the reboot; queue age falling".into()))
        .expect("note");
    // As the demo's plan makes it: the DLQ named by its ARN, which the simulator's queues report.
    let redrive = Op::Redrive {
        dlq: "orders-dlq".into(),
        destination: None,
        rate: Some(50),
        arn: Some("arn:aws:sqs:us-east-1:123456789012:orders-dlq".into()),
    };
    operation(
        &journal,
        "alice",
        3,
        redrive,
        at(14, 40),
        2,
        "TaskHandle=sim-task-1; verified: ListMessageMoveTasks: sim-task-1 RUNNING",
    );
    path
}

/// `warroom export --demo ARGS --journal JOURNAL`, as run from a shell without colour.
fn export_demo(journal: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["export", "--demo"])
        .args(args)
        .arg("--journal")
        .arg(journal)
        .env("NO_COLOR", "1")
        .output()
        .expect("run warroom export")
}

fn export(journal: &Path, format: &str) -> String {
    let out = export_demo(journal, &["--format", format]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn the_demo_incident_exports_as_a_postmortem_after_rollback_reboot_and_redrive() {
    let journal = demo_journal("md");
    let md = export(&journal, "md");
    insta::assert_snapshot!("demo_postmortem", md);
    assert!(
        md.contains(
            "**Likely trigger: orders-consumer live → v42 (was v41) at 14:02, 2 min before core-db CPU > 70 %**"
        ),
        "{md}"
    );
    assert!(md.contains("consumers are slow, not a traffic spike"), "{md}");
    assert!(
        md.contains("| 14:16:00 | 14:16:04 | alice | roll back orders-consumer:live 42 → 41 | `lambda:UpdateAlias"),
        "{md}"
    );
    assert!(md.contains("| note | bob | CPU back under 70 % since the reboot"), "{md}");
    assert!(md.contains("Operations: 3 (3 succeeded)"), "{md}");
    readme_shows(&md);
}

/// The README shows this export verbatim; README_UPDATE=1 rewrites the block.
fn readme_shows(md: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README");
    let (start, end) = ("<!-- demo-postmortem:start -->\n", "<!-- demo-postmortem:end -->");
    let from = readme.find(start).expect("start marker") + start.len();
    let to = readme.find(end).expect("end marker");
    let block = format!("````markdown\n{md}````\n");
    if std::env::var_os("README_UPDATE").is_some() {
        std::fs::write(&path, format!("{}{block}{}", &readme[..from], &readme[to..])).expect("write README");
    } else {
        assert_eq!(
            readme[from..to],
            block,
            "README's demo postmortem is stale: README_UPDATE=1 cargo test --test export"
        );
    }
}

#[test]
fn the_json_form_carries_the_same_facts() {
    let journal = demo_journal("json");
    let json: serde_json::Value = serde_json::from_str(&export(&journal, "json")).expect("json");
    let ops = json["operations"].as_array().expect("operations");
    let calls: Vec<&str> = ops.iter().map(|o| o["call"].as_str().unwrap_or_default()).collect();
    assert_eq!(calls.len(), 3);
    assert!(calls[0].starts_with("lambda:UpdateAlias"), "{calls:?}");
    assert!(calls[1].starts_with("rds:RebootDBInstance"), "{calls:?}");
    assert!(calls[2].starts_with("sqs:StartMessageMoveTask"), "{calls:?}");
    let cpu = json["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["metric"] == "core-db-1 CPU %")
        .expect("cpu");
    assert!(cpu["recovered_at"].is_string(), "the writer's CPU came back under 70 %: {cpu}");
}

/// On a shared bastion everybody is `ec2-user`: the export names the AWS principal each line was signed as
/// beside the local name, for operations and notes.
#[test]
fn the_export_names_the_aws_principal_beside_the_local_name() {
    let dir = std::env::temp_dir().join(format!("warroom-export-{}-principal", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("journal.jsonl");
    std::fs::remove_file(&path).ok();
    let arn = "arn:aws:sts::123456789012:assumed-role/OnCall/alice";
    let journal = Journal::open(&path).expect("journal").with_principal(Some(arn.into()));
    let rollback =
        Op::Rollback { function: "orders-consumer".into(), alias: "live".into(), from: "42".into(), to: "41".into() };
    operation(&journal, "ec2-user", 1, rollback, at(14, 16), 4, "orders-consumer:live now points to 41");
    let md = export(&path, "md");
    assert!(md.contains("| ec2-user as assumed-role/OnCall/alice | roll back orders-consumer:live 42 → 41"), "{md}");
    let json = export(&path, "json");
    assert!(json.contains("ec2-user as assumed-role/OnCall/alice"), "{json}");
    std::fs::remove_dir_all(dir).ok();
}

/// Issue 15: argument errors come before anything else (no "no journal found" first), and an inverted window is
/// refused, not written as an empty report.
#[test]
fn export_arguments_are_checked_first_and_an_inverted_window_is_refused() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
            .args(args)
            .arg("--journal")
            .arg(std::env::temp_dir().join(format!("warroom-export-none-{}.jsonl", std::process::id())))
            .env("NO_COLOR", "1")
            .output()
            .expect("run warroom export");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let (code, stderr) = run(&["export", "--demo", "--since", "yesterday"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.starts_with("warroom: --since: "), "the argument's error, and only it: {stderr}");
    assert!(!stderr.contains("no journal found"), "{stderr}");
    let (code, stderr) = run(&["export", "--demo", "--since", "14:30", "--until", "14:00"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("is not before --until") && stderr.contains("the window is empty"), "{stderr}");
}

/// An operation started inside the window and finished after it reads as it ended, marked as after the window —
/// not "no outcome written" as though its session had died; one started after the window is not in it.
#[test]
fn an_outcome_after_the_window_is_still_the_operations_outcome() {
    let journal = demo_journal("window");
    let out = export_demo(&journal, &["--since", "14:00", "--until", "14:19"]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(md.contains("| 14:18:00 | 14:19:20 (after the window) | alice | reboot"), "{md}");
    assert!(md.contains("| succeeded: core-db-1 status: rebooting"), "{md}");
    assert!(!md.contains("no outcome written"), "{md}");
    assert!(!md.contains("redrive"), "the redrive at 14:40 is after the window: {md}");
    // A window that opens while the reboot runs (14:18:00–14:19:20) keeps it, as begun before the window; the
    // verdict is still the one before anyone acted (the rollback at 14:16, before this window too).
    let out = export_demo(&journal, &["--since", "14:19", "--until", "14:30"]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("| 14:18:00 (before the window) | 14:19:20 | alice | reboot"), "{md}");
    assert!(!md.contains("| alice | roll back"), "the rollback ended before the window: {md}");
    assert!(md.contains("Operations: 1 (1 succeeded)"), "{md}");
    assert!(md.contains("Traffic or us? At 14:16:00, before anyone acted (before this window)"), "{md}");
    assert!(md.contains("| operation | alice | reboot core-db-1 (writer) (started before the window)"), "{md}");
    // A window the run never reached holds nothing of it: refused, not the simulation running on alone.
    let out = export_demo(&journal, &["--since", "16:00", "--until", "16:10"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("begins after the demo run: its clock reached 14:40 UTC"), "{stderr}");
}

/// A journal written by `--demo`, exported without `--demo`, says what it is and how to export it — not "no AWS
/// region" after trying to reach AWS for a scenario's incident.
#[test]
fn a_demo_journal_exported_as_live_says_how_to_export_it() {
    let journal = demo_journal("as-live");
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["export", "--journal"])
        .arg(&journal)
        .env("NO_COLOR", "1")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .output()
        .expect("run warroom export");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("holds only demo sessions' lines"), "{stderr}");
    assert!(stderr.contains(&format!("warroom export --demo --journal {}", journal.display())), "{stderr}");
    assert!(!stderr.contains("no AWS region"), "{stderr}");
}

/// `e` in the dashboard just after an operation: the postmortem says the verdict before anyone acted, and at its end the
/// verdict the dashboard shows at that moment, word for word — one verdict, taken at two named times.
#[test]
fn the_export_key_carries_the_verdict_the_dashboard_shows() {
    // 14:16, as in the journal above: the scenario starts at 13:32.
    let mut scene = warroom_core::scene::Scene::at_minute(44.0, false);
    let started = scene.world.now();
    let rollback =
        Op::Rollback { function: "orders-consumer".into(), alias: "live".into(), from: "42".into(), to: "41".into() };
    scene.world.apply(&rollback, "alice").expect("rollback in the simulation");
    let path = demo_journal("verdict");
    std::fs::write(&path, "").expect("empty journal");
    let journal = Journal::open(&path).expect("journal");
    operation(&journal, "alice", 1, rollback, started, 4, "orders-consumer:live now points to 41");
    let lines = Journal::read_all(&path).expect("lines");
    scene.state.update(warroom_core::state::Msg::Shared(lines));
    scene.advance_to(47.0);
    let shown = scene.state.analysis.verdict("orders").expect("the dashboard's verdict").line.clone();
    assert!(shown.starts_with("just after ") && shown.contains("roll back orders-consumer:live 42 → 41"), "{shown}");
    let written = warroom_core::export::write_beside_journal(&scene.state, &path).expect("export key");
    let md = std::fs::read_to_string(&written).expect("postmortem");
    assert!(md.contains(&format!(", the window's end: orders: {shown}\n")), "{shown}\n{md}");
    let before = md.lines().find(|l| l.contains("before anyone acted")).unwrap_or_default();
    assert!(before.contains("consumers are slow"), "{md}");
}

/// One title rule: the dashboard's export key and `warroom export --demo` title the same incident alike.
#[test]
fn the_export_key_and_export_demo_give_one_title() {
    let path = demo_journal("title");
    let scene = warroom_core::scene::Scene::at_minute(30.0, false);
    let written = warroom_core::export::write_beside_journal(&scene.state, &path).expect("export key");
    let from_key = std::fs::read_to_string(&written).expect("postmortem");
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["export", "--demo", "--journal"])
        .arg(&path)
        .output()
        .expect("run export");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let from_export = String::from_utf8_lossy(&out.stdout).to_string();
    let title = |md: &str| md.lines().next().unwrap_or_default().to_string();
    assert_eq!(title(&from_key), title(&from_export));
    assert!(title(&from_key).contains("(simulated)"), "{}", title(&from_key));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&written).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the postmortem carries the notes: its owner's alone, like the journal");
    }
    std::fs::remove_file(written).ok();
}

/// `snapshot --demo` with no demo run going is a fresh simulation: an earlier run's rollback in the journal is not
/// its history (it showed a 14:16 move at the scenario's 14:00).
#[test]
fn a_demo_snapshot_takes_no_history_from_an_earlier_run() {
    let journal = demo_journal("snapshot");
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["snapshot", "--demo", "--journal"])
        .arg(&journal)
        .env("NO_COLOR", "1")
        .output()
        .expect("run warroom snapshot");
    let text = String::from_utf8_lossy(&out.stdout);
    let function = text.lines().find(|l| l.trim_start().starts_with("orders-consumer live")).unwrap_or_default();
    assert!(function.contains("live → v41  previous –"), "the scenario's start, untouched: {text}");
    assert!(!text.contains("14:16"), "{text}");
}
