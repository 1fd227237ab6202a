//! The journal after `kill -9` at any moment: a writer process appending as fast as it can is killed again and
//! again. A kill can stop a write part-way (seen here: Linux checks for fatal signals between pages), so the
//! next `Journal::open` cuts a torn last line off; after that, every line in the file is whole JSON and the
//! file ends at a line's end.
//!
//! The writer is this same program run again with `WARROOM_TEST_JOURNAL_WRITER` set; the file has its own
//! `main` (`harness = false` in Cargo.toml), so the writer is not a test that passes by returning.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use warroom_core::journal::{Journal, JournalEntry};
use warroom_core::model::{Session, SessionKind};

const WRITER_ENV: &str = "WARROOM_TEST_JOURNAL_WRITER";

fn main() {
    match std::env::var_os(WRITER_ENV) {
        Some(path) => write_until_killed(Path::new(&path)),
        None => {
            const NAME: &str = "lines_are_whole_after_kill_9_at_any_moment";
            // Honour a name filter (`cargo test some_name`) as the standard harness would.
            let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
            if !filters.is_empty() && !filters.iter().any(|f| NAME.contains(f.as_str())) {
                println!("test {NAME} ... filtered out");
                return;
            }
            lines_are_whole_after_kill_9_at_any_moment();
            println!("test {NAME} ... ok");
        }
    }
}

/// The child: appends long notes until it is killed.
fn write_until_killed(path: &Path) {
    let journal = Journal::open(path).expect("open");
    let session = Session { operator: "writer".into(), kind: SessionKind::Live, read_only: false };
    // Long lines, so a line spans more than a trivial write.
    let text = "x".repeat(2_000);
    for i in 0u64.. {
        let entry = JournalEntry::note(&session, chrono::Utc::now(), format!("{i} {text}"));
        journal.append(&entry).expect("append");
    }
}

fn lines_are_whole_after_kill_9_at_any_moment() {
    let dir = std::env::temp_dir().join(format!("warroom-kill9-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("journal.jsonl");
    std::fs::remove_file(&path).ok();
    let me = std::env::current_exe().expect("test binary");
    for round in 0..20u64 {
        let mut child = Command::new(&me)
            .env(WRITER_ENV, &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn writer");
        // A different moment each round: 30 to 220 ms in.
        std::thread::sleep(Duration::from_millis(30 + (round * 37) % 190));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
    }
    // The next session opens the journal: a line torn by the last kill is cut off.
    drop(Journal::open(&path).expect("reopen"));
    let mut raw = String::new();
    std::fs::File::open(&path).expect("journal").read_to_string(&mut raw).expect("utf-8, whole characters");
    let lines: Vec<&str> = raw.lines().collect();
    assert!(lines.len() > 20, "the writers wrote: {} lines", lines.len());
    for (i, line) in lines.iter().enumerate() {
        let parsed: Result<JournalEntry, _> = serde_json::from_str(line);
        assert!(parsed.is_ok(), "line {} is not whole: {}…", i + 1, &line[..line.len().min(80)]);
    }
    assert!(raw.ends_with('\n'), "the file ends at a line's end");
    std::fs::remove_dir_all(dir).ok();
}
