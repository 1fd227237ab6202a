//! The layering, checked: lower layers never import higher ones, and no folder's files import each other in a
//! circle. Three crates carry the big boundaries (the compiler refuses an import of a crate that is not a
//! dependency; this test checks the manifests keep it so); inside each crate, a table orders its top-level
//! modules, lowest first. ARCHITECTURE.md draws the same map.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Each crate's source folder and its top-level modules, lowest layer first: a module may import only from
/// modules before it.
const CRATES: [(&str, &[&str]); 3] = [
    (
        "crates/core/src",
        &[
            "text",
            "files",
            "action",
            "config",
            "keymap",
            "model",
            "operation",
            "journal",
            "incident",
            "sim",
            "state",
            "scene",
            "snapshot",
            "export",
        ],
    ),
    ("crates/ui/src", &["text", "theme", "hints", "widgets", "table", "svg", "panes", "popups"]),
    ("src", &["paths", "backoff", "aws", "telemetry", "ops", "war_room", "app", "cli", "commands"]),
];

/// What a crate may not depend on, and why.
const FORBIDDEN_DEPENDENCIES: [(&str, &[&str]); 2] = [
    ("crates/core/Cargo.toml", &["tokio", "ratatui", "crossterm", "aws-", "futures", "libc"]),
    ("crates/ui/Cargo.toml", &["tokio", "crossterm", "aws-", "futures", "libc", "ratatui ", "ratatui="]),
];

/// A source file as the checker sees it: its module path (`["telemetry", "aws", "sqs"]`) and its code, without
/// its tests (test code may reach anywhere, and test-only modules are left out).
struct Source {
    path: PathBuf,
    module: Vec<String>,
    code: String,
}

fn sources(dir: &str) -> Vec<Source> {
    let root = Path::new(ROOT).join(dir);
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(&root).expect("inside");
            let mut module: Vec<String> =
                relative.with_extension("").iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                module.pop();
            }
            if module.last().is_some_and(|m| m == "tests" || m == "fixture") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source");
            let code = text.split("#[cfg(test)]").next().unwrap_or_default().to_string();
            out.push(Source { path, module, code });
        }
    }
    out
}

/// The paths `rest` continues a prefix with: `::a::b` is one, `::{a::b, c}` is one per item (first segments).
fn continuations(rest: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| -> String { s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect() };
    let mut parts = Vec::new();
    let mut rest = rest;
    while let Some(after) = rest.strip_prefix("::") {
        if let Some(group) = after.strip_prefix('{') {
            let items = group.split('}').next().unwrap_or_default();
            return items
                .split(',')
                .map(|item| ident(item.trim()))
                .filter(|name| !name.is_empty() && name != "self")
                .map(|name| parts.iter().cloned().chain([name]).collect())
                .collect();
        }
        let name = ident(after);
        if name.is_empty() {
            break;
        }
        rest = &after[name.len()..];
        parts.push(name);
    }
    vec![parts]
}

/// Every module path `code` (in module `module`) refers to through `crate::` or `super::`.
fn references(module: &[String], code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in code.lines().map(str::trim_start).filter(|l| !l.starts_with("//")) {
        let bytes = line.as_bytes();
        for (i, _) in line.match_indices("crate::") {
            if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
                continue;
            }
            out.extend(continuations(&line[i + "crate".len()..]));
        }
        for (i, _) in line.match_indices("super::") {
            if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b':') {
                continue;
            }
            let mut base: Vec<String> = module.to_vec();
            let mut rest = &line[i..];
            while let Some(after) = rest.strip_prefix("super") {
                base.pop();
                rest = after;
                if !rest.starts_with("::super") {
                    break;
                }
                rest = &rest[2..];
            }
            out.extend(continuations(rest).into_iter().map(|tail| base.iter().cloned().chain(tail).collect()));
        }
    }
    out
}

/// Back-imports in one crate: "src/aws/queues.rs: aws imports telemetry".
fn back_imports(sources: &[Source], layers: &[&str]) -> Vec<String> {
    let rank = |m: &str| layers.iter().position(|l| *l == m);
    let mut out = Vec::new();
    for source in sources {
        let Some(own) = source.module.first() else { continue };
        let Some(own_rank) = rank(own) else {
            out.push(format!("{}: module `{own}` is in no layer", source.path.display()));
            continue;
        };
        for target in references(&source.module, &source.code) {
            let Some(first) = target.first() else { continue };
            if first == own {
                continue;
            }
            match rank(first) {
                Some(r) if r < own_rank => {}
                Some(_) => out.push(format!("{}: {own} imports {first}, a higher layer", source.path.display())),
                None => {}
            }
        }
    }
    out
}

/// Circles among the files of one folder: "telemetry/aws: cloudwatch → discovery → rds → cloudwatch".
fn cycles(sources: &[Source]) -> Vec<String> {
    // Sibling edges: a file's references to another file of its own folder.
    let mut edges: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
    let folders: BTreeSet<Vec<String>> =
        sources.iter().filter(|s| !s.module.is_empty()).map(|s| s.module.clone()).collect();
    for source in sources {
        let Some((name, parent)) = source.module.split_last() else { continue };
        for target in references(&source.module, &source.code) {
            if target.len() > parent.len() && target[..parent.len()] == *parent && target[parent.len()] != *name {
                let sibling = target[parent.len()].clone();
                let mut path = parent.to_vec();
                path.push(sibling.clone());
                if folders.contains(&path) {
                    edges.entry(source.module.clone()).or_default().insert(sibling);
                }
            }
        }
    }
    let mut out = Vec::new();
    for start in edges.keys() {
        let (name, parent) = start.split_last().expect("a module");
        // Depth-first from `start` along sibling edges, looking for a way back.
        let mut stack = vec![(name.clone(), vec![name.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, trail)) = stack.pop() {
            let mut path = parent.to_vec();
            path.push(at.clone());
            for next in edges.get(&path).into_iter().flatten() {
                if next == name {
                    out.push(format!("{}: {} → {name}", parent.join("/"), trail.join(" → ")));
                } else if seen.insert(next.clone()) {
                    let mut trail = trail.clone();
                    trail.push(next.clone());
                    stack.push((next.clone(), trail));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn lower_layers_never_import_higher_ones() {
    let mut problems = Vec::new();
    for (dir, layers) in CRATES {
        problems.extend(back_imports(&sources(dir), layers));
    }
    assert!(problems.is_empty(), "back-imports:\n{}", problems.join("\n"));
}

#[test]
fn no_folder_imports_itself_in_a_circle() {
    let mut problems = Vec::new();
    for (dir, _) in CRATES {
        problems.extend(cycles(&sources(dir)));
    }
    assert!(problems.is_empty(), "import cycles:\n{}", problems.join("\n"));
}

#[test]
fn the_core_and_the_screen_do_not_depend_on_a_runtime_a_terminal_or_aws() {
    for (manifest, forbidden) in FORBIDDEN_DEPENDENCIES {
        let text = std::fs::read_to_string(Path::new(ROOT).join(manifest)).expect("manifest");
        let dependencies = text.split("[dependencies]").nth(1).and_then(|d| d.split("\n[").next()).expect("deps");
        for line in dependencies.lines().filter(|l| !l.trim_start().starts_with('#')) {
            for name in forbidden {
                assert!(!line.trim_start().starts_with(name), "{manifest} depends on {}", line.trim());
            }
        }
    }
}

/// The checker itself: a planted back-import and a planted circle are found (so the tests above can fail).
#[test]
fn the_checker_finds_a_planted_back_import_and_a_planted_circle() {
    let source = |module: &[&str], code: &str| Source {
        path: PathBuf::from(module.join("/")),
        module: module.iter().map(|m| m.to_string()).collect(),
        code: code.to_string(),
    };
    let planted = [
        source(&["model", "data"], "use crate::state::State;\nuse crate::text::line_col;"),
        source(&["state"], "use crate::model::Data;"),
    ];
    let found = back_imports(&planted, &["text", "model", "state"]);
    assert_eq!(found, ["model/data: model imports state, a higher layer"]);

    let circle = [
        source(&["telemetry", "aws", "cloudwatch"], "use super::discovery::Inventory;"),
        source(&["telemetry", "aws", "discovery"], "use super::rds::MAX_PAGES;"),
        source(&["telemetry", "aws", "rds"], "use crate::telemetry::aws::cloudwatch::aws_time;"),
        source(&["telemetry", "aws", "sqs"], "use super::{discovery::Inventory, rds};"),
    ];
    let found = cycles(&circle);
    assert!(found.contains(&"telemetry/aws: cloudwatch → discovery → rds → cloudwatch".to_string()), "{found:?}");
    assert_eq!(found.len(), 3, "one circle, seen from each of its three files: {found:?}");
}
