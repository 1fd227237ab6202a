//! The shipped IAM policies and the calls the code makes agree exactly: every SDK call in the read path (src/telemetry/aws and the AWS base, src/aws) is in
//! policies/observer.json (and nothing else is); the operator policy is the observer's plus every call the
//! operator makes. A new call cannot ship without its permission, and a policy grants nothing unused.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// StartMessageMoveTask moves messages with the caller's own permissions: receive and delete on the DLQ, send
/// on the destination. The code never calls these directly.
const REDRIVE_IMPLIED: [&str; 3] = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:SendMessage"];

/// `sqs:GetQueueAttributes` → `sqs:getqueueattributes`, and `rds.describe_db_clusters` the same way, so the
/// code's snake_case and IAM's PascalCase (with its "DB") compare equal.
fn normalize(service: &str, operation: &str) -> String {
    format!("{service}:{}", operation.replace('_', "").to_lowercase())
}

/// Every `service.operation()` SDK call in the given files.
fn calls_in(paths: &[std::path::PathBuf]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for path in paths {
        let src = std::fs::read_to_string(path).expect("source");
        let bytes = src.as_bytes();
        for service in ["sqs", "lambda", "rds", "cloudwatch", "sts", "logs", "cloudtrail"] {
            let mut from = 0;
            while let Some(i) = src[from..].find(service).map(|i| i + from) {
                from = i + service.len();
                let before_ok = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
                let rest = src[from..].trim_start();
                let Some(rest) = rest.strip_prefix('.') else { continue };
                let rest = rest.trim_start();
                let name: String = rest.chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                if before_ok && !name.is_empty() && rest[name.len()..].starts_with("()") {
                    out.insert(normalize(service, &name));
                }
            }
        }
    }
    out
}

fn rust_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(Path::new(ROOT).join(dir))
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

fn policy_actions(name: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(Path::new(ROOT).join("policies").join(name)).expect("policy");
    let json: serde_json::Value = serde_json::from_str(&text).expect("policy is JSON");
    let mut out = BTreeSet::new();
    for statement in json["Statement"].as_array().expect("statements") {
        assert_eq!(statement["Effect"], "Allow");
        for action in statement["Action"].as_array().expect("actions") {
            let action = action.as_str().expect("string");
            assert!(!action.contains('*'), "{name}: no wildcards ({action})");
            let (service, op) = action.split_once(':').expect("service:Action");
            out.insert(normalize(service, op));
        }
    }
    out
}

/// The read side's calls: the readers and the AWS base they share with the operator.
fn read_calls() -> BTreeSet<String> {
    let mut files = rust_files("src/telemetry/aws");
    files.extend(rust_files("src/aws"));
    calls_in(&files)
}

#[test]
fn observer_policy_is_exactly_the_read_calls() {
    let reads = read_calls();
    assert!(reads.len() >= 15, "found the read calls: {reads:?}");
    assert_eq!(
        policy_actions("observer.json"),
        reads,
        "policies/observer.json ≠ the calls in src/telemetry/aws and src/aws"
    );
}

#[test]
fn operator_policy_is_the_observer_plus_the_operations() {
    let mut expected = read_calls();
    expected.extend(calls_in(&[Path::new(ROOT).join("src/ops/aws.rs"), Path::new(ROOT).join("src/ops/restore.rs")]));
    expected.extend(REDRIVE_IMPLIED.iter().map(|a| {
        let (s, o) = a.split_once(':').expect("action");
        normalize(s, o)
    }));
    assert_eq!(
        policy_actions("operator.json"),
        expected,
        "policies/operator.json ≠ observer + src/ops/aws.rs + src/ops/restore.rs"
    );
}

/// The war room writes only to its own log group, observers included (they add notes): a policy of its own,
/// attached beside the observer's or the operator's, scoped to `/warroom/*` groups.
#[test]
fn war_room_policy_is_exactly_its_log_calls() {
    let calls = calls_in(&[Path::new(ROOT).join("src/war_room.rs")]);
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert_eq!(policy_actions("war-room.json"), calls, "policies/war-room.json ≠ the calls in src/war_room.rs");
}

#[test]
fn the_observer_policy_can_change_nothing() {
    let mutating =
        ["update", "reboot", "failover", "start", "cancel", "delete", "send", "put", "create", "modify", "set"];
    for action in policy_actions("observer.json") {
        let op = action.split(':').nth(1).unwrap_or_default();
        assert!(!mutating.iter().any(|m| op.starts_with(m)), "observer may not {action}");
    }
}

#[test]
fn the_scanner_sees_calls_split_across_lines() {
    let dir = std::env::temp_dir().join(format!("warroom-iam-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("x.rs");
    std::fs::write(
        &file,
        "let a = clients\n    .rds\n    .reboot_db_instance()\n; self.sqs.list_queues(); not_sqs.x();",
    )
    .expect("write");
    let found = calls_in(&[file]);
    assert_eq!(found, ["rds:rebootdbinstance", "sqs:listqueues"].iter().map(|s| s.to_string()).collect());
}
