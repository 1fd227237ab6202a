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
    ("src", &["paths", "backoff", "aws", "telemetry", "ops", "war_room", "follow", "doctor", "app", "cli", "commands"]),
];

/// What a crate may not depend on (a trailing `*` matches any name that starts so): the core has no runtime,
/// terminal or AWS; the screen has no runtime, terminal backend or AWS (ratatui's core and widgets only).
const FORBIDDEN_DEPENDENCIES: [(&str, &[&str]); 2] = [
    (
        "crates/core/Cargo.toml",
        &["tokio*", "ratatui*", "crossterm*", "termion", "termwiz", "aws-*", "futures*", "libc"],
    ),
    (
        "crates/ui/Cargo.toml",
        &[
            "tokio*",
            "ratatui",
            "ratatui-crossterm",
            "ratatui-termion",
            "ratatui-termwiz",
            "crossterm*",
            "termion",
            "termwiz",
            "aws-*",
            "futures*",
            "libc",
        ],
    ),
];

/// The names a manifest depends on outside tests and benchmarks: `[dependencies]`, `[build-dependencies]` and
/// every `[target.'cfg(…)'.dependencies]`, under their package names (a `package = "…"` rename counts as the
/// package it is).
fn dependencies(manifest: &toml::Table) -> Vec<String> {
    let tables = ["dependencies", "build-dependencies"];
    let mut out = Vec::new();
    let mut add = |table: Option<&toml::Value>| {
        for (name, spec) in table.and_then(toml::Value::as_table).into_iter().flatten() {
            let package = spec.get("package").and_then(toml::Value::as_str).unwrap_or(name);
            out.push(package.to_string());
        }
    };
    for table in tables {
        add(manifest.get(table));
    }
    for target in manifest.get("target").and_then(toml::Value::as_table).into_iter().flat_map(|t| t.values()) {
        for table in tables {
            add(target.get(table));
        }
    }
    out
}

/// Whether `name` matches `pattern` (a trailing `*` matches any rest).
fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

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
            let code = without_test_module(&text).to_string();
            out.push(Source { path, module, code });
        }
    }
    out
}

/// The code before the file's test module, `#[cfg(test)] mod tests { … }`. A test-only declaration
/// (`#[cfg(test)] mod tests;`, in a `mod.rs`) or item is kept, and so is all that follows it: cutting there would
/// hide the rest of the file from the check.
fn without_test_module(text: &str) -> &str {
    let mut from = 0;
    while let Some(i) = text[from..].find("#[cfg(test)]") {
        let at = from + i;
        let rest = text[at + "#[cfg(test)]".len()..].trim_start();
        if let Some(after) = rest.strip_prefix("mod ") {
            match (after.find('{'), after.find(';')) {
                (Some(brace), Some(semi)) if brace < semi => return &text[..at],
                (Some(_), None) => return &text[..at],
                _ => {}
            }
        }
        from = at + 1;
    }
    text
}

#[test]
fn a_test_module_declaration_does_not_hide_the_rest_of_the_file() {
    let text =
        "mod a;\n#[cfg(test)]\nmod tests;\nuse crate::later::Thing;\n#[cfg(test)]\nmod inline {\n use crate::x;\n}\n";
    let code = without_test_module(text);
    assert!(code.contains("use crate::later::Thing;"), "{code}");
    assert!(!code.contains("crate::x"), "{code}");
}

/// A token of Rust source, as far as paths need: a word, `::`, or any other character.
#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Sep,
    Other(char),
}

/// `code` as tokens; whitespace (newlines included) separates them and is dropped, so a `use` over many lines
/// reads as one.
fn tokens(code: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            let mut word = c.to_string();
            while let Some(&next) = chars.peek().filter(|n| n.is_alphanumeric() || **n == '_') {
                word.push(next);
                chars.next();
            }
            out.push(Token::Word(word));
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            out.push(Token::Sep);
        } else {
            out.push(Token::Other(c));
        }
    }
    out
}

/// The paths that continue at `tokens[at]`: `::a::b` is one, `::{a::b, c::{d, e}}` is one per leaf, each
/// prefixed with `prefix`. `self` in a group is the prefix itself.
fn paths_from(tokens: &[Token], mut at: usize, prefix: Vec<String>) -> Vec<Vec<String>> {
    let mut parts = prefix;
    while tokens.get(at) == Some(&Token::Sep) {
        match tokens.get(at + 1) {
            Some(Token::Word(word)) => {
                parts.push(word.clone());
                at += 2;
            }
            Some(Token::Other('{')) => return group(tokens, at + 2, &parts),
            _ => break,
        }
    }
    vec![parts]
}

/// The items of a `{…}` group that starts at `tokens[at]` (just after the brace), each continuing `prefix`.
fn group(tokens: &[Token], mut at: usize, prefix: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    while let Some(token) = tokens.get(at) {
        match token {
            Token::Other('}') => break,
            Token::Word(word) if word == "self" => out.push(prefix.to_vec()),
            Token::Word(word) => {
                let mut start = prefix.to_vec();
                start.push(word.clone());
                out.extend(paths_from(tokens, at + 1, start));
            }
            Token::Other('{') => out.extend(group(tokens, at + 1, prefix)),
            _ => {}
        }
        // On to the next item at this depth: past this one's own groups, to a comma or the closing brace.
        let mut depth = 0usize;
        while let Some(token) = tokens.get(at) {
            match token {
                Token::Other('{') => depth += 1,
                Token::Other('}') if depth == 0 => break,
                Token::Other('}') => depth -= 1,
                Token::Other(',') if depth == 0 => {
                    at += 1;
                    break;
                }
                _ => {}
            }
            at += 1;
        }
    }
    out
}

/// Every module path `code` (in module `module`) refers to through `crate::` or `super::`, in `use`
/// statements over any number of lines and in paths written inline.
fn references(module: &[String], code: &str) -> Vec<Vec<String>> {
    let code: String = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let tokens = tokens(&code);
    let mut out = Vec::new();
    let mut at = 0;
    while at < tokens.len() {
        match &tokens[at] {
            Token::Word(word) if word == "crate" => out.extend(paths_from(&tokens, at + 1, Vec::new())),
            // `super::super::x` from `a::b::c` is `a::x`; a `super` that continues a path was counted with it.
            Token::Word(word) if word == "super" && (at == 0 || tokens[at - 1] != Token::Sep) => {
                let mut base = module.to_vec();
                base.pop();
                while tokens.get(at + 1) == Some(&Token::Sep)
                    && tokens.get(at + 2) == Some(&Token::Word("super".to_string()))
                {
                    base.pop();
                    at += 2;
                }
                out.extend(paths_from(&tokens, at + 1, base));
            }
            _ => {}
        }
        at += 1;
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
        let table: toml::Table = text.parse().expect("manifest parses");
        let names = dependencies(&table);
        assert!(names.iter().any(|n| n == "warroom-core" || n == "toml"), "{manifest}: no dependency read: {names:?}");
        for name in names {
            let hit = forbidden.iter().find(|pattern| matches(pattern, &name));
            assert!(hit.is_none(), "{manifest} depends on {name} (forbidden: {})", hit.unwrap_or(&""));
        }
    }
}

/// The manifest check itself: a backend under a target table, and a renamed package, are found.
#[test]
fn the_manifest_check_finds_dependencies_wherever_they_are_declared() {
    let manifest: toml::Table = r#"
        [dependencies]
        term = { package = "ratatui-crossterm", version = "0.1" }
        ratatui-core = "0.1"
        [target.'cfg(unix)'.dependencies]
        tokio = "1"
    "#
    .parse()
    .expect("toml");
    let names = dependencies(&manifest);
    assert_eq!(names, ["ratatui-core", "ratatui-crossterm", "tokio"]);
    let (_, forbidden) = FORBIDDEN_DEPENDENCIES[1];
    let caught: Vec<&String> = names.iter().filter(|n| forbidden.iter().any(|p| matches(p, n))).collect();
    assert_eq!(caught, ["ratatui-crossterm", "tokio"]);
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
        source(
            &["model", "feed"],
            "use crate::{\n    text::line_col,\n    model::{data::Data, series},\n    state::{\n        State,\n    },\n};",
        ),
        source(
            &["model", "series"],
            "use crate::model::{\n    data::Data,\n};\nfn f() -> crate::state::State { todo!() }",
        ),
        source(&["state"], "use crate::model::Data;\nuse super::text;"),
    ];
    let found = back_imports(&planted, &["text", "model", "state"]);
    assert_eq!(
        found,
        [
            "model/data: model imports state, a higher layer",
            "model/feed: model imports state, a higher layer",
            "model/series: model imports state, a higher layer",
        ]
    );
    let nested = references(&["a".into(), "b".into()], "use super::{x::{y, z::{self, w}}, v};\nuse crate::{q};");
    let expected: [&[&str]; 5] = [&["a", "x", "y"], &["a", "x", "z"], &["a", "x", "z", "w"], &["a", "v"], &["q"]];
    assert_eq!(nested, expected.map(|p| p.iter().map(|s| s.to_string()).collect::<Vec<_>>()));

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
