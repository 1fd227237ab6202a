//! `warroom doctor` against ministack, as a user runs it on a bastion: the binary with only the AWS_* settings a
//! new user would set. Everything allowed passes and exits 0; with the proxy denying one read call, that call's
//! row names its IAM action and the policy that grants it, and the doctor exits 1. An identity that may not
//! simulate policies leaves the operator's calls "not checked"; none of them is ever made.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::Emulator;
use support::proxy::{CountingProxy, Fault, Rule};
use support::seed;

const CONFIG: &str = "operator = \"doctor\"\n[watch]\nqueues = [\"orders\"]\nclusters = [\"core-db\"]\n";

fn files(name: &str, config: &str) -> (String, String) {
    let dir = std::env::temp_dir().join(format!("warroom-doctor-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("warroom.toml");
    std::fs::write(&path, config).expect("config");
    (path.display().to_string(), dir.join("journal.jsonl").display().to_string())
}

/// `warroom doctor` against `endpoint`, without a terminal.
fn doctor(endpoint: &str, config: &str, journal: &str, extra: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["doctor", "--config", config, "--journal", journal])
        .args(extra)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .output()
        .expect("run warroom doctor");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

fn row<'a>(text: &'a str, name: &str) -> &'a str {
    text.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap_or_else(|| panic!("no `{name}` row:\n{text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_passes_where_everything_answers_and_names_the_policy_for_a_denied_read() {
    // IAM too: the operator's calls are checked by its policy simulation.
    let emulator = Emulator::start_with("doctor", &[("SERVICES", "sqs,lambda,rds,cloudwatch,sts,logs,cloudtrail,iam")]);
    let sdk = emulator.sdk_config().await;
    seed::incident(&sdk).await;
    let (config, journal) = files("ok", CONFIG);

    let (code, text) = doctor(&emulator.url, &config, &journal, &[]);
    assert!(row(&text, "region").contains("us-east-1") && row(&text, "region").contains(&emulator.url), "{text}");
    assert!(row(&text, "credentials").contains("environment variables"), "{text}");
    assert!(row(&text, "identity").contains("arn:aws:"), "{text}");
    assert!(row(&text, "watched resources").contains(" 1 queue found"), "{text}");
    assert!(row(&text, "watched resources").contains("1 DB cluster,"), "{text}");
    assert!(row(&text, "read sqs:GetQueueAttributes").contains(" ok "), "{text}");
    assert!(row(&text, "read rds:DescribeDBClusters").contains(" ok "), "{text}");
    assert!(row(&text, "journal").contains(" ok "), "{text}");
    assert!(text.contains("operator calls") || text.contains("operate lambda:UpdateAlias"), "{text}");
    assert_eq!(code, 0, "every check passed:\n{text}");

    // A queue the account lacks fails its own row.
    let (missing, journal2) = files("missing", "[watch]\nqueues = [\"orders\", \"no-such-queue\"]\n");
    let (code, text) = doctor(&emulator.url, &missing, &journal2, &[]);
    assert!(row(&text, "queue no-such-queue").contains("FAIL"), "{text}");
    assert_eq!(code, 1, "{text}");

    // IAM refuses one read call: its row says which policy grants it, and the doctor fails.
    let deny = Rule {
        request_line: "x-amz-target: AmazonSQS.GetQueueAttributes".into(),
        fault: Fault::Respond {
            status: 400,
            error_type: "AccessDenied",
            message:
                "User: arn:aws:iam::000000000000:user/observer is not authorized to perform: sqs:GetQueueAttributes"
                    .into(),
        },
        times: usize::MAX,
    };
    let proxy = CountingProxy::with_faults(&emulator.url, vec![deny]);
    let (code, text) = doctor(&proxy.url, &config, &journal, &[]);
    let denied = row(&text, "read sqs:GetQueueAttributes");
    assert!(denied.contains("FAIL") && denied.contains("attach policies/observer.json"), "{text}");
    assert_eq!(code, 1, "{text}");
    for mutating in ["UpdateAlias", "RebootDBInstance", "StartMessageMoveTask", "FailoverDBCluster"] {
        assert_eq!(proxy.requests_matching(mutating), 0, "doctor never calls {mutating}");
    }

    // An observer's identity: an IAM user with policies/observer.json only. Its operator calls are denied by the
    // simulation: a failure for an operator, expected with --read-only.
    let (key, secret) = observer_user(&sdk).await;
    let as_observer = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
            .args(["doctor", "--config", &config, "--journal", &journal])
            .args(extra)
            .env("AWS_ENDPOINT_URL", &emulator.url)
            .env("AWS_ACCESS_KEY_ID", &key)
            .env("AWS_SECRET_ACCESS_KEY", &secret)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .expect("doctor");
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).to_string())
    };
    let (code, text) = as_observer(&[]);
    assert!(row(&text, "identity").contains("user/observer"), "{text}");
    let update = row(&text, "operate lambda:UpdateAlias");
    assert!(update.contains("FAIL") && update.contains("attach policies/operator.json"), "{text}");
    assert_eq!(code, 1, "an operator without the operator's calls fails:\n{text}");
    let (code, text) = as_observer(&["--read-only"]);
    let update = row(&text, "operate lambda:UpdateAlias");
    assert!(update.contains("warn") && update.contains("not needed read-only"), "{text}");
    assert_eq!(code, 0, "an observer needs no operator calls:\n{text}");
}

/// An IAM user `observer` with `policies/observer.json` as its only policy, and an access key for it.
async fn observer_user(sdk: &aws_config::SdkConfig) -> (String, String) {
    let iam = aws_sdk_iam::Client::new(sdk);
    iam.create_user().user_name("observer").send().await.expect("create user");
    let policy =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/observer.json")).expect("policy");
    iam.put_user_policy()
        .user_name("observer")
        .policy_name("warroom-observer")
        .policy_document(policy)
        .send()
        .await
        .expect("policy");
    let key = iam.create_access_key().user_name("observer").send().await.expect("key");
    let key = key.access_key().expect("access key");
    (key.access_key_id().to_string(), key.secret_access_key().to_string())
}
