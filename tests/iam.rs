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
        for service in ["sqs", "lambda", "rds", "cloudwatch", "sts", "logs", "cloudtrail", "pi", "s3", "servicequotas"]
        {
            let mut from = 0;
            while let Some(i) = src[from..].find(service).map(|i| i + from) {
                from = i + service.len();
                let before_ok = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
                let rest = src[from..].trim_start();
                let Some(rest) = rest.strip_prefix('.') else { continue };
                let rest = rest.trim_start();
                let name: String =
                    rest.chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_').collect();
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
    let operator_files = ["src/ops/aws.rs", "src/ops/restore.rs", "src/ops/peek.rs"];
    expected.extend(calls_in(&operator_files.map(|f| Path::new(ROOT).join(f))));
    expected.extend(REDRIVE_IMPLIED.iter().map(|a| {
        let (s, o) = a.split_once(':').expect("action");
        normalize(s, o)
    }));
    assert_eq!(
        policy_actions("operator.json"),
        expected,
        "policies/operator.json ≠ observer + src/ops/aws.rs + src/ops/restore.rs + src/ops/peek.rs"
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

/// Follow mode's stream: followers read it (`policies/follow.json`), operating dashboards write it
/// (`policies/publish.json`), each scoped to the bucket and prefix the README names. IAM authorizes ListObjectsV2 as
/// `s3:ListBucket`.
#[test]
fn follow_policies_are_exactly_the_stream_calls() {
    let mut calls = calls_in(&rust_files("src/follow"));
    assert!(calls.remove("s3:listobjectsv2"), "{calls:?}");
    calls.insert(normalize("s3", "ListBucket"));
    let mut granted = policy_actions("follow.json");
    granted.extend(policy_actions("publish.json"));
    assert_eq!(granted, calls, "policies/follow.json + publish.json ≠ the calls in src/follow");
    assert_eq!(policy_actions("publish.json"), [normalize("s3", "PutObject")].into(), "publishing only writes");
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

/// IAM's match of a resource pattern (`*` any run of characters, `?` any one) against an ARN.
fn glob_matches(pattern: &[u8], arn: &[u8]) -> bool {
    match (pattern.first(), arn.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob_matches(&pattern[1..], arn) || (!arn.is_empty() && glob_matches(pattern, &arn[1..])),
        (Some(b'?'), Some(_)) => glob_matches(&pattern[1..], &arn[1..]),
        (Some(p), Some(a)) if p == a => glob_matches(&pattern[1..], &arn[1..]),
        _ => false,
    }
}

/// Whether the war-room policy lets a principal whose request context holds `variables` put events into
/// `stream`. A pattern naming a variable the context lacks grants nothing, as IAM evaluates it.
fn may_put(variables: &[(&str, &str)], stream: &str) -> bool {
    let text = std::fs::read_to_string(Path::new(ROOT).join("policies/war-room.json")).expect("policy");
    let json: serde_json::Value = serde_json::from_str(&text).expect("policy is JSON");
    let arn = format!("arn:aws:logs:eu-west-1:123456789012:log-group:/warroom/incidents:log-stream:{stream}");
    json["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .filter(|s| s["Action"].as_array().expect("actions").iter().any(|a| a == "logs:PutLogEvents"))
        .flat_map(|s| s["Resource"].as_array().expect("resources").clone())
        .filter_map(|r| {
            let mut pattern = r.as_str().expect("string").to_string();
            for (name, value) in variables {
                pattern = pattern.replace(&format!("${{{name}}}"), value);
            }
            (!pattern.contains("${")).then_some(pattern)
        })
        .any(|pattern| glob_matches(pattern.as_bytes(), arn.as_bytes()))
}

/// The war room's author is what IAM enforces: the stream names warroom writes under match the policy's
/// PutLogEvents patterns for their own principal and nobody else's.
#[test]
fn a_principal_may_put_war_room_lines_only_into_its_own_streams() {
    use warroom_core::model::StreamAuthor;
    let alice_user = StreamAuthor::for_session(Some("arn:aws:iam::123456789012:user/ops/alice"), None, "ec2-user");
    let alice_role = StreamAuthor::for_session(
        Some("arn:aws:sts::123456789012:assumed-role/OnCall/alice@example.com"),
        Some("alice@example.com"),
        "ec2-user",
    );
    let bare_role =
        StreamAuthor::for_session(Some("arn:aws:sts::123456789012:assumed-role/OnCall/bob"), None, "ec2-user");
    let as_alice_user = [("aws:username", "alice")];
    let as_bob_user = [("aws:username", "bob")];
    let as_alice_role = [("aws:SourceIdentity", "alice@example.com")];
    let as_bob_role = [("aws:SourceIdentity", "bob")];
    let session = "20261201T053000-4242";

    assert!(may_put(&as_alice_user, &alice_user.stream(session)));
    assert!(may_put(&as_alice_role, &alice_role.stream(session)));
    for (who, stream) in [
        (&as_bob_user[..], alice_user.stream(session)),
        (&as_bob_role[..], alice_role.stream(session)),
        // Same name, other kind: an IAM user called like a source identity gains nothing.
        (&as_alice_user[..], alice_role.stream(session)),
        (&as_alice_role[..], alice_user.stream(session)),
        // A stream no policy variable names is nobody's to write.
        (&as_alice_user[..], bare_role.stream(session)),
        (&as_alice_user[..], format!("alice/{session}")),
        // No identity in the context (a role session without a source identity): nothing.
        (&[][..], alice_user.stream(session)),
    ] {
        assert!(!may_put(who, &stream), "{who:?} must not put into {stream}");
    }
    assert!(!glob_matches(b"a*c", b"abd") && glob_matches(b"a*c", b"abbc"), "the matcher itself");
}
