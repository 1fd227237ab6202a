//! Losing the session, in a real pseudo-terminal (Python's `pty`, driven by `tests/support/pty_session.py`):
//! SIGHUP, SIGTERM, and the terminal closing under a process that never gets SIGHUP (blocked), so that only a
//! read error / end of file on the terminal tells it. Each time it must be gone within a second, without
//! spinning a core on the way out, and after a signal it must have left the alternate screen.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

fn session(how: &str) -> serde_json::Value {
    let dir = std::env::temp_dir().join(format!("warroom-hangup-{}-{how}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let journal = dir.join("journal.jsonl");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/pty_session.py");
    let out = Command::new("python3")
        .args([script, how, env!("CARGO_BIN_EXE_warroom"), "--demo", "--journal", journal.to_str().expect("utf8")])
        .output()
        .expect("python3 runs the pty driver");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    println!("{report}");
    report
}

fn gone_within_a_second_without_spinning(report: &serde_json::Value) {
    assert_eq!(report["exited"], true, "still running: {report}");
    let secs = report["seconds_to_exit"].as_f64().expect("seconds");
    assert!(secs < 1.0, "took {secs} s: {report}");
    // A spinning core burns about as much CPU as wall time; an orderly exit, almost none.
    let cpu = report["cpu_seconds_until_exit"].as_f64().expect("cpu");
    assert!(cpu < 0.5, "used {cpu} s of CPU on the way out: {report}");
}

#[test]
fn sighup_exits_at_once_and_restores_the_terminal() {
    let report = session("sighup");
    gone_within_a_second_without_spinning(&report);
    assert_eq!(report["returncode"], 0);
    assert_eq!(report["left_alternate_screen"], true, "{report}");
}

#[test]
fn sigterm_exits_at_once_and_restores_the_terminal() {
    let report = session("sigterm");
    gone_within_a_second_without_spinning(&report);
    assert_eq!(report["returncode"], 0);
    assert_eq!(report["left_alternate_screen"], true, "{report}");
}

#[test]
fn a_closed_terminal_without_sighup_is_noticed_on_read_and_does_not_spin() {
    for _ in 0..5 {
        let report = session("close");
        gone_within_a_second_without_spinning(&report);
        // Not a crash (no signal, no abort from printing to the dead terminal): exit status 1, "terminal lost".
        assert_eq!(report["returncode"], 1, "{report}");
    }
}
