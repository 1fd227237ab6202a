//! Credentials as engineers have them. Offline, each kind of profile (access keys, `credential_process`,
//! `sso_session`, `login_session`, `role_arn` + `source_profile`, web identity) makes the provider it names run:
//! the binary fails for that provider's reason, naming the profile and the remedy, never with a missing cargo
//! feature. Against ministack in tmux, a `credential_process` that works, then fails, then works again: one
//! banner with the remedy, the last data kept, operations refused, and recovery without a restart.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use support::Emulator;
use support::seed;
use support::tmux::Tmux;

/// A home folder of its own, with `config` as `~/.aws/config`.
fn home(name: &str, config: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("warroom-credentials-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(dir.join(".aws")).expect("home");
    std::fs::write(dir.join(".aws/config"), config).expect("config");
    dir
}

/// `warroom snapshot --profile PROFILE` with nothing of the test machine's environment but PATH, and every call
/// sent to a closed port: what it says on stderr.
fn snapshot_with(home: &Path, profile: &str) -> String {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["snapshot", "--profile", profile, "--endpoint-url", &format!("http://127.0.0.1:{closed}")])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run warroom");
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn each_kind_of_profile_runs_its_own_provider_and_says_its_remedy() {
    let config = "\
[profile keys]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret
region = us-east-1

[profile proc]
credential_process = /bin/sh -c 'echo the broker is down >&2; exit 1'
region = us-east-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile oncall]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = OnCall
region = us-east-1

[profile login]
login_session = arn:aws:iam::123456789012:user/alice
region = us-east-1

[profile role]
role_arn = arn:aws:iam::123456789012:role/Admin
source_profile = oncall
region = us-east-1

[profile pod]
role_arn = arn:aws:iam::123456789012:role/Pod
web_identity_token_file = /nonexistent/token
region = us-east-1
";
    let home = home("kinds", config);
    // (profile, what the provider that ran says, the remedy)
    let cases = [
        // Access keys resolve offline: the first call is what fails, so the keys were read.
        ("keys", "cannot confirm who you are with sts:GetCallerIdentity", "endpoint unreachable"),
        ("proc", "the broker is down", "run `/bin/sh -c 'echo the broker is down >&2; exit 1'` by hand"),
        ("oncall", "failed to load the cached SSO token", "run `aws sso login --profile oncall`"),
        ("login", "login/cache", "run `aws login --profile login`"),
        // The role's source is the SSO profile: its token is what is missing.
        (
            "role",
            "SSO token",
            "run `aws sso login --profile oncall` (the role's source, profile oncall (SSO session corp))",
        ),
        ("pod", "No such file or directory", "the token file /nonexistent/token must exist"),
    ];
    for (profile, reason, remedy) in cases {
        let said = snapshot_with(&home, profile);
        assert!(said.contains(reason), "{profile}: not its provider's reason:\n{said}");
        assert!(said.contains(remedy), "{profile}: no remedy:\n{said}");
        if profile != "keys" {
            assert!(
                said.contains(&format!("from profile {profile} (")),
                "{profile}: the profile is not named:\n{said}"
            );
        }
        assert!(!said.contains("feature"), "{profile}: a missing cargo feature:\n{said}");
    }
    let said = snapshot_with(&home, "nope");
    assert!(said.contains("profile nope is in neither ~/.aws/config nor ~/.aws/credentials"), "{said}");
    std::fs::remove_dir_all(&home).ok();
}

/// A `credential_process` that prints credentials good for 20 s while `fail` does not exist, and fails like an
/// expired session while it does; the SDK calls it again before each expiry.
const BROKER: &str = r#"#!/bin/sh
if [ -e "$(dirname "$0")/fail" ]; then
    echo "the session has expired; log in again" >&2
    exit 1
fi
until=$(date -u -d '+20 seconds' +%Y-%m-%dT%H:%M:%SZ)
printf '{"Version":1,"AccessKeyId":"test","SecretAccessKey":"test","Expiration":"%s"}\n' "$until"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_that_expire_mid_incident_are_one_banner_and_recover_without_a_restart() {
    let emulator = Emulator::start("credentials");
    seed::incident(&emulator.sdk_config().await).await;
    let dir = home("expiry", "");
    let broker = dir.join("broker.sh");
    std::fs::write(&broker, BROKER).expect("broker");
    Command::new("chmod").arg("+x").arg(&broker).status().expect("chmod");
    let config = format!("[profile oncall]\ncredential_process = {}\nregion = us-east-1\n", broker.display());
    std::fs::write(dir.join(".aws/config"), config).expect("config");
    let settings = dir.join("warroom.toml");
    std::fs::write(&settings, "[watch]\nqueues = [\"orders\"]\nclusters = [\"core-db\"]\n").expect("settings");
    let journal = dir.join("journal.jsonl");
    let args = ["--profile", "oncall", "--config", settings.to_str().unwrap(), "--journal", journal.to_str().unwrap()];
    let home = dir.display().to_string();
    let env =
        [("HOME", home.as_str()), ("AWS_ENDPOINT_URL", emulator.url.as_str()), ("AWS_EC2_METADATA_DISABLED", "true")];
    let tmux = Tmux::start_with_env("credentials", &args, &env, 160, 48);
    tmux.wait_for_row("orders-dlq", "7", Duration::from_secs(20));
    assert!(!tmux.screen().contains("AWS credentials failing"));

    std::fs::write(dir.join("fail"), "").expect("fail");
    let screen = tmux.wait_for("AWS credentials failing", Duration::from_secs(40));
    assert!(screen.contains(&format!("profile oncall (credential_process `{}`)", broker.display())), "{screen}");
    assert!(screen.contains(&format!("to fix: run `{}` by hand", broker.display())), "{screen}");
    assert!(screen.contains("the session has expired"), "the provider's reason:\n{screen}");
    assert!(support::tmux::row_shows(&screen, "orders-dlq", "7"), "the last data stays:\n{screen}");
    assert!(screen.contains("stale") && screen.contains("credentials"), "{screen}");
    // Every pane fed by the failing calls says so, the DLQ pane included (a trial run saw it unmarked).
    std::thread::sleep(Duration::from_secs(6));
    let screen = tmux.screen();
    for title in ["Queues", "Dead-letter queues"] {
        let line = screen.lines().find(|l| l.contains(&format!("┌ {title}"))).unwrap_or_default();
        assert!(line.contains("stale") && line.contains("credentials"), "{title} is not marked stale:\n{screen}");
    }

    // An operation is refused with the same reason, before any call.
    tmux.keys(&["r"]);
    tmux.wait_for("PREVIEW (cannot be confirmed)", Duration::from_secs(5));
    // Waited for, not read off the first capture: the terminal may be caught mid-frame.
    tmux.wait_for("AWS credentials from profile oncall", Duration::from_secs(5));
    tmux.keys(&["Escape"]);

    std::fs::remove_file(dir.join("fail")).expect("work again");
    tmux.wait_gone("AWS credentials failing", Duration::from_secs(40));
    tmux.keys(&["r"]);
    tmux.wait_for("CONFIRM OPERATION", Duration::from_secs(5));
    tmux.keys(&["Escape"]);
    std::fs::remove_dir_all(&dir).ok();
}
