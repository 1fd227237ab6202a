//! Command-line behaviour that needs no terminal: help, errors with file and line, exit codes.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

fn warroom(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(args)
        .env("XDG_CONFIG_HOME", std::env::temp_dir().join("warroom-cli-no-config"))
        .output()
        .expect("run warroom");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("warroom-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).expect("write");
    path
}

#[test]
fn help_documents_every_flag() {
    let (code, out, _) = warroom(&["--help"]);
    assert_eq!(code, 0);
    for flag in
        ["--demo", "--read-only", "--config", "--keymap", "--journal", "--speed", "--scenario", "--list-actions"]
    {
        assert!(out.contains(flag), "--help lacks {flag}");
    }
}

/// Runs warroom with no AWS configuration at all: an empty HOME, no AWS variables, no instance metadata.
fn warroom_without_aws(args: &[&str], region: Option<&str>) -> (i32, String) {
    let home = std::env::temp_dir().join(format!("warroom-cli-empty-home-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("home");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_warroom"));
    cmd.args(args).env_clear().env("HOME", &home).env("PATH", std::env::var_os("PATH").unwrap_or_default());
    // Never reach for the link-local instance metadata endpoint from a test.
    cmd.env("AWS_EC2_METADATA_DISABLED", "true");
    if let Some(r) = region {
        cmd.env("AWS_REGION", r);
    }
    let out = cmd.output().expect("run warroom");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn without_credentials_it_names_the_chain_and_suggests_the_demo() {
    let (code, err) = warroom_without_aws(&[], Some("eu-west-1"));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("no working AWS credentials from the default chain: environment variables"), "{err}");
    assert!(err.contains("EC2 instance profile (IMDS)"), "{err}");
    assert!(err.contains("warroom --demo"), "{err}");
    assert!(!err.contains("panicked") && !err.contains("backtrace"), "{err}");
}

#[test]
fn without_a_region_it_says_how_to_set_one() {
    let (code, err) = warroom_without_aws(&[], None);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("no AWS region: set --region"), "{err}");
}

#[test]
fn bad_keymap_names_file_and_line_and_exits_2() {
    let path = temp_file("keys.toml", b"q = \"quit\"\nr = \"rollbak\"\n");
    let (code, _, err) = warroom(&["--demo", "--keymap", path.to_str().expect("utf8")]);
    assert_eq!(code, 2);
    assert!(err.contains(&format!("{}:2:", path.display())), "{err}");
    assert!(err.contains("unknown action `rollbak`"), "{err}");
}

#[test]
fn bad_config_names_file_and_line_and_exits_2() {
    let path = temp_file("warroom.toml", b"operator = \"alice\"\n[thresholds]\ndb_cpu_percent = 170\n");
    let (code, _, err) = warroom(&["--demo", "--config", path.to_str().expect("utf8")]);
    assert_eq!(code, 2);
    assert!(err.contains(&format!("{}:3", path.display())) && err.contains("between 0 and 100"), "{err}");
    let path = temp_file("typo.toml", b"[thresholds]\nqueue_age = 60\n");
    let (code, _, err) = warroom(&["--demo", "--config", path.to_str().expect("utf8")]);
    assert_eq!(code, 2);
    assert!(err.contains(&format!("{}:2:", path.display())) && err.contains("unknown field"), "{err}");
    let own = b"[thresholds.queues]\norders = 300\n[thresholds.databases]\n\"core-db\" = 0\n";
    let path = temp_file("own-lines.toml", own);
    let (code, _, err) = warroom(&["--demo", "--config", path.to_str().expect("utf8")]);
    assert_eq!(code, 2);
    assert!(err.contains(&format!("{}:4", path.display())) && err.contains("core-db"), "{err}");
}

#[test]
fn bad_scenario_and_speed_are_refused() {
    let path = temp_file("scenario.toml", b"name = \"x\"\n");
    let (code, _, err) = warroom(&["--demo", "--scenario", path.to_str().expect("utf8")]);
    assert_eq!(code, 2);
    assert!(err.contains(&path.display().to_string()) && err.contains("missing field"), "{err}");
    let (code, _, err) = warroom(&["--demo", "--speed", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("out of range"), "{err}");
}

/// Issue 15: flags only the demo reads are errors without --demo, and the dashboard without a terminal says what
/// it needs and exits 2, without escape codes.
#[test]
fn demo_flags_need_the_demo_and_the_dashboard_needs_a_terminal() {
    let (code, _, err) = warroom(&["--scenario", "scenarios/latest-deploy.toml"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--scenario is for the simulated incident and needs --demo"), "{err}");
    let (code, _, err) = warroom(&["--speed", "5"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--speed is for the simulated incident and needs --demo"), "{err}");
    let journal = temp_file("no-terminal.jsonl", b"");
    let (code, _, err) = warroom(&["--demo", "--journal", journal.to_str().expect("utf8")]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err,
        "warroom: needs an interactive terminal (use ssh -t, or warroom snapshot for a one-shot reading)\n"
    );
    // Nothing started, nothing written: not even the demo's opening, which another demo would take for a run.
    assert_eq!(std::fs::read(&journal).expect("journal"), b"", "the journal is untouched");
}

#[test]
fn list_actions_prints_the_key_table() {
    let (code, out, _) = warroom(&["--list-actions"]);
    assert_eq!(code, 0);
    assert!(out.contains("| `r` | `rollback` |"), "{out}");
}

#[test]
fn readme_flags_match_help() {
    let (_, help, _) = warroom(&["--help"]);
    let start = help.find("Usage:").expect("usage");
    let end = help.find("  -V, --version").expect("version line");
    let line_end = help[end..].find('\n').map_or(help.len(), |i| end + i + 1);
    let expected: String =
        help[start..line_end].lines().filter(|l| !l.starts_with("  help ")).map(|l| format!("{l}\n")).collect();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let section = readme.find("## Flags\n").expect("## Flags section");
    let block_start = readme[section..].find("```\n").expect("## Flags block") + section + "```\n".len();
    let block_end = readme[block_start..].find("```").expect("end of block") + block_start;
    assert_eq!(&readme[block_start..block_end], expected, "README's Flags block differs from --help; paste it in");
}

/// Times given with `--demo` mean the scenario's day; a window that holds nothing says so and exits 2.
#[test]
fn demo_export_times_are_on_the_scenarios_day_and_an_empty_window_is_refused() {
    let journal = temp_file("export-day.jsonl", b"");
    let journal = journal.to_str().expect("utf8");
    let (code, out, err) = warroom(&["export", "--demo", "--journal", journal, "--since", "13:30", "--until", "15:00"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2026-11-23, 13:30 – 15:00 UTC"), "{out}");
    assert!(out.contains("core-db CPU > 70 %"), "the incident is in the window: {out}");
    // A window that opens mid-incident still has it: the breaches under way are in it, with their onsets.
    let (code, out, err) = warroom(&["export", "--demo", "--journal", journal, "--since", "14:10", "--until", "14:20"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("No anomaly in the window"), "{out}");
    for row in ["| core-db-1 CPU %", "| orders age of oldest message"] {
        let line = out.lines().find(|l| l.starts_with(row)).unwrap_or_default();
        assert!(!line.is_empty() && !line.contains("never >"), "a breach under way counts: {line}\n{out}");
    }
    let (code, out, err) = warroom(&["export", "--demo", "--journal", journal, "--since", "10:00", "--until", "11:00"]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("holds no datapoint, event or journal line") && err.contains("2026-11-23 13:30"), "{err}");
}

/// A live export's inverted window is an argument error, said before credentials or a region are looked for:
/// exit 2 naming the window, never 3 for missing credentials.
#[test]
fn a_live_export_refuses_an_inverted_window_before_touching_aws() {
    let (code, err) = warroom_without_aws(&["export", "--since", "14:30", "--until", "14:00"], None);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not before --until") && err.contains("the window is empty"), "{err}");
    assert!(!err.contains("region") && !err.contains("credentials"), "{err}");
}

/// `annotate --demo` with no demo dashboard running has no simulated clock to stand on: refused, exit 2, nothing
/// written, and an export of the journal afterwards is the scenario's incident, not a window on today's clock.
#[test]
fn annotate_demo_without_a_demo_running_writes_nothing() {
    let journal = temp_file("annotate-alone.jsonl", b"");
    let journal = journal.to_str().expect("utf8");
    let (code, _, err) = warroom(&["annotate", "--demo", "--journal", journal, "paged the DB team"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no demo dashboard is running on") && err.contains("Nothing was written"), "{err}");
    assert_eq!(std::fs::read_to_string(journal).expect("journal"), "", "nothing written");
    // Nor is a journal created where there was none.
    let absent = std::env::temp_dir().join(format!("warroom-cli-{}-no-journal.jsonl", std::process::id()));
    let (code, _, err) = warroom(&["annotate", "--demo", "--journal", absent.to_str().expect("utf8"), "note"]);
    assert_eq!(code, 2, "{err}");
    assert!(!absent.exists(), "{}", absent.display());
    let (code, out, err) = warroom(&["export", "--demo", "--journal", journal]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2026-11-23"), "the scenario's day: {out}");
}
