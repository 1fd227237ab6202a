//! Two accounts in two regions in one dashboard, end to end: the binary in tmux against one ministack that plays
//! all four (a 12-digit access key is the account there; the SigV4 region scopes the state). Account alpha is
//! reached with its profile's keys, account beta through a role assumed from a base profile (`role_arn` in
//! `[[targets]]`). Each profile has its own `endpoint_url` in a temporary AWS config file, beta's through a
//! counting proxy: what the proxy sees proves profiles are honoured, not one global endpoint.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;
use support::Emulator;
use support::proxy::{CountingProxy, Fault, Rule};
use support::seed::{self, FUNCTION};
use support::tmux::Tmux;

const ALPHA: &str = "111111111111";
const BETA: &str = "222222222222";
/// The key beta's role is assumed with: a third account, as an organisation's central account would be.
const BASE: &str = "333333333333";

/// A client configuration signing as account `key` in `region`, straight to the emulator: how the test seeds.
/// `warroom` taking its AWS settings from `aws_config` alone: no shared credentials file, no instance metadata,
/// and no profile, endpoint or keys from the environment the tests run in.
fn warroom_with(aws_config: &std::path::Path, dir: &std::path::Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"));
    command
        .env("AWS_CONFIG_FILE", aws_config)
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    command
}

/// A directory for one test, named after `other`, and in it an AWS config file of two profiles: `alpha`
/// (account ALPHA at `alpha_url`) and `other` (account BETA at `other_url`), both in us-east-1.
fn alpha_and(other: &str, alpha_url: &str, other_url: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("warroom-e2e-targets-{other}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let aws_config = dir.join("aws-config");
    std::fs::write(
        &aws_config,
        format!(
            "[profile alpha]\nregion = us-east-1\nendpoint_url = {alpha_url}\naws_access_key_id = {ALPHA}\naws_secret_access_key = test\n\n[profile {other}]\nregion = us-east-1\nendpoint_url = {other_url}\naws_access_key_id = {BETA}\naws_secret_access_key = test\n"
        ),
    )
    .expect("aws config");
    (dir, aws_config)
}

/// `line` with each run of spaces (a table's padding) as one.
fn spaced(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn sdk(url: &str, key: &str, region: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .endpoint_url(url)
        .credentials_provider(Credentials::new(key, "test", None, None, "seed"))
        .load()
        .await
}

async fn alias_version(config: &SdkConfig) -> String {
    let lambda = aws_sdk_lambda::Client::new(config);
    let alias = lambda.get_alias().function_name(FUNCTION).name("live").send().await.expect("get alias");
    alias.function_version().unwrap_or_default().to_string()
}

/// The AWS config and credentials files, and warroom's config with two `[[targets]]` of two regions each; beta is
/// read-only. Returns the environment that points aws-config at the files, the config path and the journal.
fn files(emulator: &str, proxy: &str) -> (Vec<(String, String)>, String, String) {
    let dir = std::env::temp_dir().join(format!("warroom-e2e-targets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let aws_config = dir.join("aws-config");
    std::fs::write(
        &aws_config,
        format!(
            "[profile alpha]\nregion = us-east-1\nendpoint_url = {emulator}\n\n[profile beta-base]\nregion = us-east-1\nendpoint_url = {proxy}\n"
        ),
    )
    .expect("aws config");
    let credentials = dir.join("aws-credentials");
    std::fs::write(
        &credentials,
        format!(
            "[alpha]\naws_access_key_id = {ALPHA}\naws_secret_access_key = test\n\n[beta-base]\naws_access_key_id = {BASE}\naws_secret_access_key = test\n"
        ),
    )
    .expect("credentials");
    let config = dir.join("warroom.toml");
    std::fs::write(
        &config,
        format!(
            "operator = \"e2e\"\n[watch]\nqueues = [\"orders\"]\n\n[[targets]]\nname = \"alpha\"\nprofile = \"alpha\"\nregions = [\"us-east-1\", \"eu-west-1\"]\n\n[[targets]]\nname = \"beta\"\nprofile = \"beta-base\"\nrole_arn = \"arn:aws:iam::{BETA}:role/warroom-oncall\"\nregions = [\"us-east-1\", \"eu-west-1\"]\nread_only = true\n"
        ),
    )
    .expect("config");
    let journal = dir.join("journal.jsonl");
    std::fs::remove_file(&journal).ok();
    let env = vec![
        ("AWS_CONFIG_FILE".to_string(), aws_config.display().to_string()),
        ("AWS_SHARED_CREDENTIALS_FILE".to_string(), credentials.display().to_string()),
        ("AWS_EC2_METADATA_DISABLED".to_string(), "true".to_string()),
    ];
    (env, config.display().to_string(), journal.display().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_accounts_in_two_regions_show_in_one_view_and_a_rollback_goes_to_its_account() {
    let emulator = Emulator::start("e2e-targets");
    let proxy = CountingProxy::start(&emulator.url);
    // Alpha in us-east-1 has the whole incident (7 dead letters, orders-consumer's alias live → 2); the other
    // three have the same names with their own dead-letter depth, so each row proves its account and region.
    let alpha_east = sdk(&emulator.url, ALPHA, "us-east-1").await;
    seed::incident(&alpha_east).await;
    for (key, region, dead) in [(ALPHA, "eu-west-1", 2), (BETA, "us-east-1", 3), (BETA, "eu-west-1", 4)] {
        let seeded = seed::queues(&sdk(&emulator.url, key, region).await, 1, dead).await;
        if (key, region) == (BETA, "us-east-1") {
            seed::function(&sdk(&emulator.url, key, region).await, &seeded.queue_arn).await;
        }
    }
    let beta_east = sdk(&emulator.url, BETA, "us-east-1").await;

    let (env, config, journal) = files(&emulator.url, &proxy.url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let tmux = Tmux::start_with_env("targets", &["--config", &config, "--journal", &journal], &env, 160, 48);
    tmux.wait_for(
        "targets: alpha us-east-1 ✓ eu-west-1 ✓ │ beta us-east-1 ✓ RO eu-west-1 ✓ RO",
        Duration::from_secs(30),
    );
    for (dlq, depth) in
        [("alpha/us-east-1", "7"), ("alpha/eu-west-1", "2"), ("beta/us-east-1", "3"), ("beta/eu-west-1", "4")]
    {
        tmux.wait_for_row(&format!("{dlq}/orders-dlq"), depth, Duration::from_secs(30));
    }

    // Alpha's rollback: the plan names the account and region, the name typed is the labelled one, and the alias
    // moves in alpha's us-east-1 only. Its row comes with the inventory poll, after the DLQs' fast one.
    tmux.wait_for_row("alpha/us-east-1/orders-consumer", "live→v2", Duration::from_secs(30));
    tmux.keys(&["/"]);
    tmux.type_text("alpha/us-east-1/orders-consumer");
    tmux.keys(&["Enter", "r"]);
    tmux.wait_for("in account 111111111111, us-east-1 (alpha/us-east-1)", Duration::from_secs(10));
    tmux.type_text("alpha/us-east-1/orders-consumer");
    tmux.wait_for("enter runs it", Duration::from_secs(5));
    tmux.keys(&["Enter"]);
    tmux.wait_for("2 → 1: verified", Duration::from_secs(30));
    assert_eq!(alias_version(&alpha_east).await, "1", "the alias moved in alpha's us-east-1");
    assert_eq!(alias_version(&beta_east).await, "2", "beta's alias of the same name did not");

    // Beta is read-only: its plan is a preview that names why, and nothing is called.
    // The filter keeps what was typed: a new one is typed over it.
    tmux.keys(&["/", "C-u"]);
    tmux.type_text("beta/us-east-1/orders-consumer");
    tmux.keys(&["Enter", "r"]);
    tmux.wait_for("beta/us-east-1 is read-only", Duration::from_secs(10));
    tmux.wait_for("PREVIEW", Duration::from_secs(5));
    tmux.keys(&["Escape"]);
    assert_eq!(alias_version(&beta_east).await, "2");

    let entries = warroom_core::journal::Journal::read_all(std::path::Path::new(&journal)).expect("journal");
    let calls: Vec<&str> = entries.iter().filter_map(|e| e.api_call.as_deref()).collect();
    assert!(
        !calls.is_empty() && calls.iter().all(|c| c.ends_with("in account 111111111111, us-east-1 (alpha/us-east-1)")),
        "{calls:?}"
    );
    assert!(entries.iter().all(|e| e.target.as_deref() == Some("alpha/us-east-1/orders-consumer")), "{entries:?}");

    // The postmortem reads every target's history, labelled as the dashboard labels it.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .args(["export", "--config", &config, "--journal", &journal])
        .envs(env.iter().copied())
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .expect("export");
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(md.contains("roll back alpha/us-east-1/orders-consumer:live 2 → 1"), "{md}");
    assert!(md.contains("in account 111111111111, us-east-1 (alpha/us-east-1)"), "{md}");
    for dlq in ["alpha/eu-west-1/orders-dlq", "beta/us-east-1/orders-dlq", "beta/eu-west-1/orders-dlq"] {
        assert!(md.contains(dlq), "{dlq} in the postmortem: {md}");
    }

    // Beta's profile points at the proxy: it carried the AssumeRole signed with the base key and beta's polls in
    // both regions, and nothing signed with alpha's key (whose profile points at the emulator itself).
    let scopes = proxy.scopes();
    assert!(scopes.iter().any(|s| s.starts_with(&format!("{BASE}/")) && s.ends_with("/sts")), "{scopes:?}");
    for region in ["us-east-1", "eu-west-1"] {
        assert!(scopes.iter().any(|s| s.ends_with(&format!("/{region}/sqs"))), "beta's SQS in {region}: {scopes:?}");
    }
    assert!(!scopes.iter().any(|s| s.starts_with(&format!("{ALPHA}/"))), "{scopes:?}");
}

/// `--profile a,b --region x,y`: every profile in every region. A profile whose endpoint does not answer fails
/// alone: `snapshot` lists it failing among the targets and its problem once, shows the other's rows, and exits 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_that_cannot_be_reached_fails_alone() {
    let emulator = Emulator::start("e2e-targets-dead");
    seed::queues(&sdk(&emulator.url, ALPHA, "us-east-1").await, 1, 5).await;
    let (dir, aws_config) = alpha_and("dead", &emulator.url, "http://127.0.0.1:1");
    let out = warroom_with(&aws_config, &dir)
        .args(["snapshot", "--profile", "alpha,dead", "--region", "us-east-1", "--journal"])
        .arg(dir.join("journal.jsonl"))
        .output()
        .expect("warroom");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}{}", String::from_utf8_lossy(&out.stderr));
    let words = |label: &str| {
        spaced(text.lines().find(|l| l.trim_start().starts_with(&format!("{label} "))).unwrap_or_default())
    };
    assert_eq!(words("alpha/us-east-1"), "alpha/us-east-1 account 111111111111, us-east-1 operable answering");
    let dead = words("dead/us-east-1");
    assert!(
        dead.starts_with("dead/us-east-1 account not yet known, us-east-1 operable FAILING: sts:GetCall"),
        "{text}"
    );
    assert!(text.contains("alpha/us-east-1/orders-dlq  depth 5"), "{text}");
    let problems = text.split("PROBLEMS\n").nth(1).unwrap_or_default();
    let dead: Vec<&str> = problems.lines().filter(|l| l.contains("dead/us-east-1")).collect();
    assert_eq!(dead.len(), 1, "said once: {text}");

    // `doctor` checks each target in turn, each at the endpoint its profile names, its rows named by its label;
    // the one that cannot be reached fails it.
    let doctor = warroom_with(&aws_config, &dir)
        .args(["doctor", "--profile", "alpha,dead", "--region", "us-east-1", "--journal"])
        .arg(dir.join("journal.jsonl"))
        .output()
        .expect("warroom doctor");
    let report = String::from_utf8_lossy(&doctor.stdout);
    assert_eq!(doctor.status.code(), Some(1), "{report}");
    let row = |name: &str| spaced(report.lines().find(|l| l.starts_with(&format!("{name} "))).unwrap_or_default());
    let region = row("alpha/us-east-1 region");
    assert_eq!(region, format!("alpha/us-east-1 region ok us-east-1 · endpoint {}", emulator.url), "{report}");
    assert!(row("alpha/us-east-1 identity").ends_with(&format!("ok arn:aws:iam::{ALPHA}:root")), "{report}");
    assert!(row("alpha/us-east-1 read sqs:GetQueueAttributes").contains(" ok allowed"), "{report}");
    assert_eq!(row("dead/us-east-1 region"), "dead/us-east-1 region ok us-east-1 · endpoint http://127.0.0.1:1");
    assert!(row("dead/us-east-1 credentials").starts_with("dead/us-east-1 credentials FAIL"), "{report}");
    assert!(row("dead/us-east-1 read calls").contains("not checked no working credentials"), "{report}");
    assert!(report.contains("failed: dead/us-east-1 credentials"), "{report}");
}

/// A target whose first discovery is slow (its ListQueues held back by the proxy): `snapshot`, which polls once,
/// waits for it, shows its rows beside the other's and exits 0; a dashboard shows it waiting (`…`), then its rows
/// as soon as they are in. One whose endpoint hangs shows waiting, then failing, alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_waits_for_a_slow_target() {
    let emulator = Emulator::start("e2e-targets-slow");
    seed::queues(&sdk(&emulator.url, ALPHA, "us-east-1").await, 1, 5).await;
    let beta = seed::queues(&sdk(&emulator.url, BETA, "us-east-1").await, 1, 3).await;
    seed::function(&sdk(&emulator.url, BETA, "us-east-1").await, &beta.queue_arn).await;
    let slow = Rule {
        request_line: "X-Amz-Target: AmazonSQS.ListQueues".into(),
        fault: Fault::DelayResponse(Duration::from_secs(12)),
        times: 1,
    };
    let proxy = CountingProxy::with_faults(&emulator.url, vec![slow]);
    let (dir, aws_config) = alpha_and("slow", &emulator.url, &proxy.url);
    let out = warroom_with(&aws_config, &dir)
        .args(["snapshot", "--profile", "alpha,slow", "--region", "us-east-1", "--journal"])
        .arg(dir.join("journal.jsonl"))
        .output()
        .expect("warroom");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(proxy.target_count("AmazonSQS.ListQueues") > 0, "the slow target discovered through the proxy");
    assert_eq!(out.status.code(), Some(0), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("slow/us-east-1/orders-dlq  depth 3"), "the slow target's rows: {text}");
    assert!(text.contains("alpha/us-east-1/orders-dlq  depth 5"), "{text}");
    assert!(!text.contains("still waiting"), "{text}");

    // A dashboard shows the other target's rows at once and the slow one waiting (`…`, not `✓`), then its rows:
    // its queues' and its function's, within 30 s.
    proxy.add_rule(Rule {
        request_line: "X-Amz-Target: AmazonSQS.ListQueues".into(),
        fault: Fault::DelayResponse(Duration::from_secs(8)),
        times: 1,
    });
    let env_of = |aws_config: &std::path::Path, dir: &std::path::Path| {
        vec![
            ("AWS_CONFIG_FILE".to_string(), aws_config.display().to_string()),
            ("AWS_SHARED_CREDENTIALS_FILE".to_string(), dir.join("none").display().to_string()),
            ("AWS_EC2_METADATA_DISABLED".to_string(), "true".to_string()),
        ]
    };
    let env = env_of(&aws_config, &dir);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let journal = dir.join("dashboard.jsonl").display().to_string();
    let args = ["--profile", "alpha,slow", "--region", "us-east-1", "--journal", &journal];
    let tmux = Tmux::start_with_env("targets-slow", &args, &env, 160, 48);
    let screen = tmux.wait_for_row("alpha/us-east-1/orders-dlq", "5", Duration::from_secs(15));
    assert!(screen.contains("slow us-east-1 …"), "not answered yet, and not shown answering: {screen}");
    assert!(!screen.contains("slow/us-east-1/orders"), "its rows are not there yet: {screen}");
    tmux.wait_for_row("slow/us-east-1/orders-dlq", "3", Duration::from_secs(30));
    tmux.wait_for_row("slow/us-east-1/orders-consumer", "live→v2", Duration::from_secs(30));
    tmux.wait_for("slow us-east-1 ✓", Duration::from_secs(5));
    drop(tmux);

    // A target whose endpoint never answers does not hold the start for the SDK's 30 s: the other's rows come
    // within the 8 s given to the rest once one has answered, and the silent one fails alone.
    let hung = CountingProxy::start(&emulator.url);
    hung.set_hang(true);
    let (dir, aws_config) = alpha_and("hung", &emulator.url, &hung.url);
    let env = env_of(&aws_config, &dir);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let journal = dir.join("dashboard.jsonl").display().to_string();
    let args = ["--profile", "alpha,hung", "--region", "us-east-1", "--journal", &journal];
    let tmux = Tmux::start_with_env("targets-hung", &args, &env, 160, 48);
    let screen = tmux.wait_for_row("alpha/us-east-1/orders-dlq", "5", Duration::from_secs(20));
    assert!(screen.contains("hung us-east-1 …"), "{screen}");
    // After 8 s of a poll without an answer: failing, and its panes say what they wait for.
    let screen = tmux.wait_for("s, still waiting", Duration::from_secs(30));
    assert!(screen.contains("hung us-east-1 ✖"), "{screen}");
}

/// Flags override the config: `--profile` given at all replaces `[[targets]]` (here one profile: the one account
/// of `[aws]`, which it overrides), and a profile no shared config file has names the file aws-config reads.
#[test]
fn profile_flags_replace_the_configs_targets() {
    let dir = std::env::temp_dir().join(format!("warroom-e2e-targets-flags-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("warroom.toml");
    std::fs::write(
        &config,
        "[[targets]]\nname = \"prod\"\nprofile = \"prod\"\nregions = [\"us-east-1\", \"eu-west-1\"]\n",
    )
    .expect("config");
    let aws_config = dir.join("aws-config");
    std::fs::write(&aws_config, "[profile other]\nregion = us-east-1\n").expect("aws config");
    let run = |profile: &str| {
        let out = warroom_with(&aws_config, &dir)
            .args(["snapshot", "--config"])
            .arg(&config)
            .args(["--profile", profile, "--journal"])
            .arg(dir.join("journal.jsonl"))
            .output()
            .expect("warroom");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let single = run("solo");
    assert!(single.contains("profile solo is in neither") && !single.contains("target "), "{single}");
    assert!(single.contains(&aws_config.display().to_string()), "names AWS_CONFIG_FILE: {single}");
    // Several: the target whose profile is missing is named.
    let several = run("solo,other");
    assert!(several.contains("target solo: profile solo is in neither"), "{several}");
}

/// One `[[targets]]` entry in one region: its names carry no label, and its operator is the plain one, so an
/// operation runs as without `[[targets]]` (it was refused as in no target).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_target_operates_under_its_own_names() {
    let emulator = Emulator::start("e2e-targets-one");
    let alpha = sdk(&emulator.url, ALPHA, "us-east-1").await;
    seed::incident(&alpha).await;
    let dir = std::env::temp_dir().join(format!("warroom-e2e-targets-one-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let aws_config = dir.join("aws-config");
    std::fs::write(
        &aws_config,
        format!(
            "[profile alpha]\nregion = us-east-1\nendpoint_url = {}\naws_access_key_id = {ALPHA}\naws_secret_access_key = test\n",
            emulator.url
        ),
    )
    .expect("aws config");
    let config = dir.join("warroom.toml");
    std::fs::write(&config, "[watch]\nqueues = [\"orders\"]\n[[targets]]\nname = \"alpha\"\nprofile = \"alpha\"\n")
        .expect("config");
    let journal = dir.join("journal.jsonl");
    std::fs::remove_file(&journal).ok();
    let env = [
        ("AWS_CONFIG_FILE", aws_config.to_str().expect("utf8")),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    let args = ["--config", config.to_str().expect("utf8"), "--journal", journal.to_str().expect("utf8")];
    let tmux = Tmux::start_with_env("targets-one", &args, &env, 160, 48);
    tmux.wait_for_row(FUNCTION, "live→v2", Duration::from_secs(30));
    tmux.keys(&["r"]);
    tmux.wait_for("lambda:UpdateAlias orders-consumer live 2 → 1", Duration::from_secs(10));
    tmux.type_text(FUNCTION);
    tmux.wait_for("enter runs it", Duration::from_secs(5));
    tmux.keys(&["Enter"]);
    tmux.wait_for("2 → 1: verified", Duration::from_secs(30));
    assert_eq!(alias_version(&alpha).await, "1");
}
