//! End to end: the real binary in a real pseudo-terminal (tmux), keys sent, screen text and journal asserted.
//! Needs tmux (scripts/test installs it); without it these tests fail rather than skip.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod support;

use support::tmux::Tmux;
use warroom_core::journal::{EntryKind, Journal};

fn journal_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("warroom-e2e-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("journal.jsonl");
    std::fs::remove_file(&path).ok();
    path
}

/// Whether `pid` still runs. A zombie has exited and only waits for tmux to reap it.
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map(|s| !s.lines().any(|l| l.starts_with("State:") && l.contains('Z')))
        .unwrap_or(false)
}

fn wait_for_journal(path: &Path, kind: EntryKind, timeout: Duration) -> Vec<warroom_core::journal::JournalEntry> {
    let start = Instant::now();
    loop {
        let entries = Journal::read_all(path).unwrap_or_default();
        if entries.iter().any(|e| e.kind == kind) {
            return entries;
        }
        assert!(start.elapsed() < timeout, "no {kind:?} line in {} after {timeout:?}: {entries:?}", path.display());
        std::thread::sleep(Duration::from_millis(100));
    }
}

const ALARMS: Duration = Duration::from_secs(60);

#[test]
fn demo_alarms_fire_and_a_confirmed_rollback_is_journaled() {
    let journal = journal_path("rollback");
    let tmux =
        Tmux::start("rollback", &["--demo", "--speed", "60", "--journal", journal.to_str().expect("utf8")], 160, 48);
    tmux.wait_for("DEMO", Duration::from_secs(10));
    tmux.wait_for("2 ALARMS", ALARMS);
    tmux.wait_for("core-db CPU > 70 %: OK → ALARM", Duration::from_secs(5));
    tmux.wait_for("live→v42", Duration::from_secs(5));

    tmux.keys(&["r"]);
    let screen = tmux.wait_for("lambda:UpdateAlias orders-consumer live 42 → 41", Duration::from_secs(5));
    assert!(screen.contains("CONFIRM OPERATION"), "{screen}");
    tmux.type_text("orders-consumer");
    tmux.wait_for("enter runs it", Duration::from_secs(5));
    tmux.keys(&["Enter"]);

    let entries = wait_for_journal(&journal, EntryKind::Outcome, Duration::from_secs(20));
    let intent = entries.iter().find(|e| e.kind == EntryKind::Intent).expect("intent line");
    let outcome = entries.iter().find(|e| e.kind == EntryKind::Outcome).expect("outcome line");
    assert_eq!(intent.operation.as_deref(), Some("rollback"));
    assert_eq!(intent.target.as_deref(), Some("orders-consumer"));
    assert_eq!(intent.session.operator, "e2e");
    assert_eq!(outcome.op_id, intent.op_id);
    assert_eq!(outcome.result.as_deref(), Some("succeeded"), "{outcome:?}");
    assert!(intent.time <= outcome.time);
    tmux.wait_for("live→v41", Duration::from_secs(10));

    // The export key writes the postmortem beside the journal and says where.
    tmux.keys(&["e"]);
    let screen = tmux.wait_for("postmortem: ", Duration::from_secs(10));
    let dir = journal.parent().expect("dir");
    let written = std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("postmortem-")))
        .unwrap_or_else(|| panic!("no postmortem file in {}: {screen}", dir.display()));
    let md = std::fs::read_to_string(&written).expect("postmortem");
    assert!(md.starts_with("# Postmortem timeline"), "{md}");
    assert!(md.contains("| e2e | roll back orders-consumer:live 42 → 41 | `lambda:UpdateAlias"), "{md}");
    assert!(md.contains("Likely trigger: orders-consumer live → v42"), "{md}");

    tmux.keys(&["q"]);
    let start = Instant::now();
    while tmux.session_alive() {
        assert!(start.elapsed() < Duration::from_secs(5), "q did not quit");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn read_only_same_keys_change_nothing() {
    let journal = journal_path("readonly");
    let args = ["--demo", "--read-only", "--speed", "60", "--journal", journal.to_str().expect("utf8")];
    let tmux = Tmux::start("readonly", &args, 160, 48);
    tmux.wait_for("READ-ONLY", Duration::from_secs(10));
    tmux.wait_for("2 ALARMS", ALARMS);
    tmux.keys(&["r"]);
    // Wait for the text asserted: a capture can land while tmux is still applying a frame.
    let screen = tmux.wait_for("read-only: this would call lambda:UpdateAlias", Duration::from_secs(5));
    assert!(screen.contains("PREVIEW (cannot be confirmed)"), "{screen}");
    tmux.type_text("orders-consumer");
    tmux.keys(&["Enter"]);
    std::thread::sleep(Duration::from_secs(2));
    tmux.wait_for("PREVIEW (cannot be confirmed)", Duration::from_secs(2));
    tmux.keys(&["Escape"]);
    let screen = tmux.wait_for("live→v42", Duration::from_secs(5));
    assert!(!screen.contains("confirmed by"), "{screen}");
    let entries = Journal::read_all(&journal).unwrap_or_default();
    // The demo dashboard's own start, where its simulated clock stood, and nothing else.
    assert!(entries.iter().all(|e| e.kind == EntryKind::Opened), "no operation journaled: {entries:?}");

    // Notes are allowed to observers.
    tmux.keys(&["n"]);
    tmux.wait_for("add a note", Duration::from_secs(5));
    tmux.type_text("observer here");
    tmux.keys(&["Enter"]);
    let entries = wait_for_journal(&journal, EntryKind::Note, Duration::from_secs(5));
    let note = entries.iter().find(|e| e.kind == EntryKind::Note).expect("note");
    assert_eq!(note.text.as_deref(), Some("observer here"));
    assert!(note.session.read_only);
}

#[test]
fn compact_layout_at_80x24() {
    let journal = journal_path("compact");
    let tmux =
        Tmux::start("compact", &["--demo", "--speed", "60", "--journal", journal.to_str().expect("utf8")], 80, 24);
    tmux.wait_for("orders-dlq", Duration::from_secs(10));
    for pane in ["Alarms", "Queues", "Dead-letter queues", "Database", "Functions", "Timeline"] {
        tmux.wait_for(pane, Duration::from_secs(5));
    }
}

#[test]
fn hang_up_exits_within_a_second() {
    let journal = journal_path("hangup");
    let tmux = Tmux::start("hangup", &["--demo", "--journal", journal.to_str().expect("utf8")], 100, 30);
    tmux.wait_for("DEMO", Duration::from_secs(10));
    let pid = tmux.pane_pid();
    let sent = Instant::now();
    let status = Command::new("kill").args(["-HUP", &pid.to_string()]).status().expect("kill");
    assert!(status.success());
    while running(pid) {
        assert!(sent.elapsed() < Duration::from_secs(1), "warroom {pid} still running 1 s after SIGHUP");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A journal that cannot be opened (its directory is a file): the header says so from the start, the status line
/// says why in words, the plan says operations are disabled, and confirming does nothing. The dashboard itself
/// still runs.
#[test]
fn a_journal_that_cannot_be_opened_disables_operations() {
    let dir = std::env::temp_dir().join(format!("warroom-e2e-nojournal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let not_a_dir = dir.join("plain-file");
    std::fs::write(&not_a_dir, b"").expect("file");
    let journal = not_a_dir.join("journal.jsonl");
    let tmux =
        Tmux::start("nojournal", &["--demo", "--speed", "60", "--journal", journal.to_str().expect("utf8")], 160, 48);
    tmux.wait_for("NO JOURNAL: ops off (its parent is not a directory)", Duration::from_secs(10));
    // Each waited for, before any key: a capture can catch the terminal mid-frame.
    tmux.wait_for("operations disabled: journal", Duration::from_secs(5));
    tmux.wait_for("plain-file/journal.jsonl: its parent is not a directory", Duration::from_secs(5));
    tmux.wait_for("live→v42", ALARMS);
    tmux.keys(&["r"]);
    let screen = tmux.wait_for("operations disabled", Duration::from_secs(5));
    assert!(screen.contains("plain-file"), "the message names the journal: {screen}");
    tmux.type_text("orders-consumer");
    tmux.keys(&["Enter"]);
    std::thread::sleep(Duration::from_secs(2));
    tmux.keys(&["Escape"]);
    let screen = tmux.wait_for("live→v42", Duration::from_secs(5));
    assert!(!screen.contains("live→v41"), "nothing ran: {screen}");
    assert!(!journal.exists());
}

/// A journal that opens but cannot be written (a full disk: /dev/full): the intent fails to write, so the call
/// is never made, and the screen says so.
#[test]
fn a_journal_that_cannot_be_written_refuses_the_operation_before_any_call() {
    let tmux = Tmux::start("fulljournal", &["--demo", "--speed", "60", "--journal", "/dev/full"], 160, 48);
    tmux.wait_for("live→v42", ALARMS);
    tmux.keys(&["r"]);
    tmux.wait_for("lambda:UpdateAlias orders-consumer live 42 → 41", Duration::from_secs(5));
    tmux.type_text("orders-consumer");
    tmux.wait_for("enter runs it", Duration::from_secs(5));
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("journal /dev/full cannot be written", Duration::from_secs(10));
    assert!(screen.contains("nothing was called"), "{screen}");
    std::thread::sleep(Duration::from_secs(2));
    let screen = tmux.screen();
    assert!(screen.contains("live→v42") && !screen.contains("live→v41"), "the alias did not move: {screen}");
}

/// Resizing the terminal redraws at the new size with no key pressed (the input thread waits outside
/// crossterm's reader, so SIGWINCH is taken by the loop itself).
#[test]
fn a_resize_alone_redraws_at_the_new_size() {
    let journal = journal_path("resize");
    let tmux =
        Tmux::start("resize", &["--demo", "--speed", "60", "--journal", journal.to_str().expect("utf8")], 100, 30);
    tmux.wait_for("orders-dlq", Duration::from_secs(10));
    assert!(!tmux.screen().contains("┄ threshold"), "compact layout first");
    tmux.tmux(&["resize-window", "-t", "e2e", "-x", "160", "-y", "48"]);
    tmux.wait_for("┄ threshold", Duration::from_secs(3));
    tmux.tmux(&["resize-window", "-t", "e2e", "-x", "60", "-y", "20"]);
    tmux.wait_for("terminal too small (need 80×24, have 60×20)", Duration::from_secs(3));
    tmux.tmux(&["resize-window", "-t", "e2e", "-x", "80", "-y", "24"]);
    tmux.wait_for("Dead-letter queues", Duration::from_secs(3));
}

/// The first key after a resize acts at once. crossterm's default reader took the resize and the key from one
/// wake-up and dropped the key's readiness: `?` waited for the next key while the input thread spun a core.
#[test]
fn the_first_key_after_a_resize_acts() {
    let journal = journal_path("resize-key");
    let tmux = Tmux::start("resize-key", &["--demo", "--journal", journal.to_str().expect("utf8")], 100, 30);
    tmux.wait_for("orders-dlq", Duration::from_secs(10));
    for (width, height) in [("160", "48"), ("80", "24"), ("120", "40")] {
        tmux.tmux(&["resize-window", "-t", "e2e", "-x", width, "-y", height]);
        std::thread::sleep(Duration::from_millis(300));
        tmux.keys(&["?"]);
        tmux.wait_for("┌ help", Duration::from_secs(3));
        tmux.keys(&["Escape"]);
        tmux.wait_gone("┌ help", Duration::from_secs(3));
    }
    tmux.tmux(&["resize-window", "-t", "e2e", "-x", "90", "-y", "30"]);
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["q"]);
    let start = std::time::Instant::now();
    while tmux.session_alive() {
        assert!(start.elapsed() < Duration::from_secs(3), "one q after a resize did not quit");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Not every terminal has an alternate screen (mosh, GNU screen by default, the Linux console): started after a
/// screenful of shell output there, the dashboard must not let the old text show through its blank cells —
/// ratatui writes only the cells a frame changes, so warroom clears the whole screen when it starts and when the
/// terminal is resized.
#[test]
fn without_an_alternate_screen_no_old_text_shows_through() {
    let script = "i=0; while [ $i -lt 60 ]; do echo OLDTEXT-OLDTEXT-OLDTEXT-OLDTEXT-OLDTEXT-OLDTEXT-OLDTEXT-OLDTEXT-OLDTEXT-OLDTEXT-OLDTEXT; i=$((i+1)); done; exec \"$WARROOM\" --demo";
    let tmux = Tmux::start_without_alternate_screen("no-altscreen", script, 120, 40);
    let screen = tmux.wait_for("DEMO", Duration::from_secs(10));
    assert!(!screen.contains("OLDTEXT"), "old shell output shows through the dashboard:\n{screen}");
    tmux.tmux(&["resize-window", "-t", "e2e", "-x", "100", "-y", "30"]);
    std::thread::sleep(Duration::from_millis(800));
    tmux.tmux(&["resize-window", "-t", "e2e", "-x", "160", "-y", "48"]);
    std::thread::sleep(Duration::from_millis(800));
    let screen = tmux.wait_for("DEMO", Duration::from_secs(5));
    assert!(!screen.contains("OLDTEXT"), "after a resize:\n{screen}");
    tmux.keys(&["q"]);
}

/// Issue 15: the demo as a team exercise. An operator and a read-only observer share a journal; the observer's
/// world makes the operator's rollback too, an observer who starts after the rollback joins the run with it made,
/// `annotate --demo` lands in all of them at their simulated present, not at today's wall clock, and a note
/// written minutes after the operator's last line still belongs to the exercise's postmortem.
#[test]
fn an_observer_of_the_demo_shows_what_the_operator_did() {
    let journal = journal_path("observer");
    let journal = journal.to_str().expect("utf8");
    let operator = Tmux::start("demo-op", &["--demo", "--speed", "30", "--journal", journal], 160, 48);
    let observer = Tmux::start("demo-ob", &["--demo", "--speed", "30", "--read-only", "--journal", journal], 160, 48);
    operator.wait_for("live→v42", Duration::from_secs(30));
    observer.wait_for("live→v42", Duration::from_secs(30));
    operator.keys(&["r"]);
    operator.wait_for("lambda:UpdateAlias orders-consumer live 42 → 41", Duration::from_secs(5));
    operator.type_text("orders-consumer");
    operator.keys(&["Enter"]);
    operator.wait_for("live→v41 (was v42)", Duration::from_secs(20));
    let screen = observer.wait_for("live→v41 (was v42)", Duration::from_secs(20));
    assert!(screen.contains("roll back orders-consumer:live 42 → 41"), "attributed in its timeline: {screen}");
    // Started after the rollback: its world is rolled on to the operator's clock with the rollback made.
    let late = Tmux::start("demo-late", &["--demo", "--read-only", "--journal", journal], 160, 48);
    let screen = late.wait_for("roll back orders-consumer:live 42 → 41", Duration::from_secs(20));
    assert!(screen.contains("live→v41 (was v42)"), "the run's world: {screen}");
    assert!(screen.contains("joined e2e's demo run"), "says it joined: {screen}");

    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["annotate", "--demo", "--journal", journal, "bob: paged the DB team"])
        .output()
        .expect("annotate");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for tmux in [&operator, &observer, &late] {
        let screen = tmux.wait_for("bob: paged the DB team", Duration::from_secs(10));
        // On the simulated afternoon of the incident, not at this machine's hour.
        let line = screen.lines().find(|l| l.contains("bob: paged the DB team") && l.contains("note")).unwrap_or("");
        assert!(line.contains("│14:"), "{line}\n{screen}");
    }

    // The postmortem of the exercise: the operator's rollback and the annotation, one run on one clock.
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["export", "--demo", "--journal", journal])
        .output()
        .expect("export");
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(md.contains("- Operations: 1 (1 succeeded)"), "{md}");
    assert!(md.contains("bob: paged the DB team"), "{md}");
}
