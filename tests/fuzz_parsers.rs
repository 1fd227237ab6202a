//! Fuzzing the config and keymap parsers (proptest): random bytes, and valid files with random edits. Whatever
//! the input, loading returns a config or an error that starts with the file's name, and a line number, when it
//! gives one, lies inside the file. Never a panic, never a stack overflow. The hand-made hostile inputs and the
//! fuzzer's finds live in `tests/fuzz-corpus/` and run as regression tests, through the binary as well (exit 2).
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use warroom_core::config::Config;
use warroom_core::files::FileError;
use warroom_core::keymap::Keymap;

const CONFIG: &str = r#"operator = "alice"

[journal]
path = "/var/log/warroom/journal.jsonl"
log_group = "/warroom/orders-incident"

[thresholds]
queue_age_seconds = 60
db_cpu_percent = 70
suspect_window_minutes = 30

[aws]
region = "eu-west-1"

[watch]
queues = ["orders"]
clusters = ["core-db"]
"#;

const KEYMAP: &str = include_str!("../keymaps/cautious.toml");

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("warroom-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    dir.join(name)
}

/// An error names the file first, and its line (if any) is within the file.
fn well_formed(e: &FileError, path: &Path, bytes: &[u8]) {
    let shown = e.to_string();
    assert!(shown.starts_with(&path.display().to_string()), "{shown}");
    if let Some(line) = e.line {
        let lines = bytes.iter().filter(|b| **b == b'\n').count() + 1;
        assert!(line >= 1 && line <= lines, "line {line} of a {lines}-line file: {shown}");
    }
    assert!(!e.message.is_empty(), "{shown}");
}

fn load_both(bytes: &[u8], name: &str) {
    let path = temp(name);
    std::fs::write(&path, bytes).expect("write");
    if let Err(e) = Config::load(Some(&path), None) {
        well_formed(&e, &path, bytes);
    }
    if let Err(e) = Keymap::load(Some(&path)) {
        well_formed(&e, &path, bytes);
    }
}

/// Valid text with a few random byte edits: the interesting inputs are near-misses of real files.
fn mutated(base: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let len = base.len();
    proptest::collection::vec((0..len, any::<u8>(), 0..3u8), 1..8).prop_map(move |edits| {
        let mut bytes = base.as_bytes().to_vec();
        for (at, byte, how) in edits {
            let at = at.min(bytes.len().saturating_sub(1));
            match how {
                0 => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ => {
                    bytes.remove(at);
                }
            }
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        load_both(&bytes, "random.toml");
    }

    #[test]
    fn edited_configs_never_panic(bytes in mutated(CONFIG)) {
        load_both(&bytes, "edited-config.toml");
    }

    #[test]
    fn edited_keymaps_never_panic(bytes in mutated(KEYMAP)) {
        load_both(&bytes, "edited-keymap.toml");
    }

    #[test]
    fn any_string_as_a_key_name_is_an_answer_not_a_panic(key in "\\PC{0,12}", action in "[a-z-]{0,12}") {
        let src = format!("{} = \"{}\"\n", toml_quote(&key), action);
        let _ = Keymap::from_user_str(&src, "keys.toml");
    }
}

fn toml_quote(s: &str) -> String {
    serde_json::to_string(s).expect("a JSON string is a TOML basic string")
}

fn corpus() -> Vec<PathBuf> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz-corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir).expect("corpus").flatten().map(|e| e.path()).collect();
    files.sort();
    assert!(files.len() >= 10, "the corpus is there");
    files
}

#[test]
fn the_corpus_loads_to_an_answer() {
    for path in corpus() {
        let bytes = std::fs::read(&path).expect("read");
        for e in [Config::load(Some(&path), None).err(), Keymap::load(Some(&path)).err()].into_iter().flatten() {
            well_formed(&e, &path, &bytes);
        }
    }
}

/// Through the binary: each rejected corpus file exits 2 with the file named, and nothing is written (no
/// journal appears).
#[test]
fn the_binary_rejects_the_corpus_with_exit_2_and_writes_nothing() {
    for path in corpus() {
        for flag in ["--config", "--keymap"] {
            let rejected = match flag {
                "--config" => Config::load(Some(&path), None).is_err(),
                _ => Keymap::load(Some(&path)).is_err(),
            };
            if !rejected {
                continue;
            }
            let journal = temp("never-written.jsonl");
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
                .args(["--demo", flag, path.to_str().expect("utf8"), "--journal", journal.to_str().expect("utf8")])
                .output()
                .expect("run");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{flag} {}: {err}", path.display());
            assert!(err.contains(&path.display().to_string()), "{err}");
            assert!(!journal.exists(), "nothing written for {}", path.display());
        }
    }
}

#[test]
fn a_file_over_a_megabyte_is_refused_before_parsing() {
    let path = temp("huge.toml");
    std::fs::write(&path, "# padding\n".repeat(200_000)).expect("write");
    let e = Config::load(Some(&path), None).expect_err("too big");
    assert!(e.to_string().contains("bytes; the limit is 1048576"), "{e}");
    let e = Keymap::load(Some(&path)).expect_err("too big");
    assert!(e.to_string().contains("the limit is"), "{e}");
}
