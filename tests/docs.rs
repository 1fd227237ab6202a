//! The shipped completion scripts (`completions/`) and manual page (`man/warroom.1`) are what the clap
//! definitions generate now: a flag added or reworded without regenerating them fails here, as the README's key
//! table does. `DOCS_UPDATE=1 cargo test --test docs` rewrites them.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use warroom::cli::CompletionShell;
use warroom::commands::docs;

fn check(path: &str, generated: &[u8], failures: &mut Vec<String>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    if std::env::var_os("DOCS_UPDATE").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        std::fs::write(&path, generated).expect("write");
        return;
    }
    let shipped = std::fs::read(&path).unwrap_or_default();
    if shipped != generated {
        failures.push(format!("{} is stale", path.display()));
    }
}

#[test]
fn shipped_completions_and_man_page_match_the_flags() {
    let mut failures = Vec::new();
    for shell in [CompletionShell::Bash, CompletionShell::Zsh, CompletionShell::Fish] {
        check(&format!("completions/{}", docs::completion_file(shell)), &docs::completions(shell), &mut failures);
    }
    for (file, page) in docs::man_pages().expect("man pages") {
        check(&format!("man/{file}"), &page, &mut failures);
    }
    assert!(failures.is_empty(), "{}: run DOCS_UPDATE=1 cargo test --test docs", failures.join(", "));
}

/// What a user runs: the binary prints the same scripts, without reading any config (a broken one included),
/// and names its commit and build day.
#[test]
fn the_binary_prints_them_whatever_the_config() {
    let dir = std::env::temp_dir().join(format!("warroom-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let broken = dir.join("broken.toml");
    std::fs::write(&broken, "[watch\n").expect("write");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_warroom")).args(args).output().expect("run");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let config = broken.to_str().expect("utf8");
    assert_eq!(run(&["--config", config, "completions", "fish"]), docs::completions(CompletionShell::Fish));
    assert_eq!(run(&["--config", config, "man"]), docs::man_page().expect("man"));
    let version = String::from_utf8(run(&["--version"])).expect("utf8");
    let words: Vec<&str> = version.split_whitespace().collect();
    assert_eq!(words.first(), Some(&"warroom"), "{version}");
    assert_eq!(words.get(1), Some(&env!("CARGO_PKG_VERSION")), "{version}");
    let commit = words.get(2).map(|w| w.trim_start_matches('(')).unwrap_or_default();
    assert!(commit.len() == 12 && commit.chars().all(|c| c.is_ascii_hexdigit()), "the commit: {version}");
    let day = words.get(3).map(|w| w.trim_end_matches(')')).unwrap_or_default();
    assert!(chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok(), "the build day: {version}");
    std::fs::remove_dir_all(&dir).ok();
}
