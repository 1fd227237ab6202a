//! What the doctor checks against AWS: the credentials and who they are, the region and endpoint, every watched
//! resource, every read call the dashboard makes (tried once, by one poll of each feed, counted by the clients'
//! `CallLog`), the operator's calls (by IAM policy simulation, never by calling them), and the war room.

use std::collections::BTreeMap;
use std::time::SystemTime;

use aws_config::SdkConfig;
use aws_credential_types::provider::ProvideCredentials;
use warroom_core::config::Watch;
use warroom_core::model::{Feed, LogsAccess, Observation};

use super::policies;
use super::report::{Check, Report, Status};
use crate::aws::calls::CallCount;
use crate::aws::connect::{AwsOptions, connect_as, load_target_config};
use crate::aws::credentials;
use crate::telemetry::Telemetry;
use crate::telemetry::aws::AwsTelemetry;

/// What the AWS checks need from the config and flags.
#[derive(Debug, Clone)]
pub struct AwsInputs {
    /// Profile, region and endpoint, flags over config.
    pub options: AwsOptions,
    /// What the config watches (`None`: everything in the region).
    pub watch: Option<Watch>,
    /// The consumers' error-line filter pattern.
    pub log_pattern: String,
    /// The war room's log group, when configured.
    pub war_room: Option<String>,
    /// The targets of a several-account view (`[[targets]]`, `--profile a,b`): each is checked in turn, its rows
    /// named by its label. Empty for one account and region, `options`'.
    pub targets: Vec<DoctorTarget>,
    /// `--read-only`: the operator's calls are not needed, so denied ones do not fail the doctor.
    pub read_only: bool,
}

/// One target, as the doctor checks it.
#[derive(Debug, Clone)]
pub struct DoctorTarget {
    /// Its `[[targets]]` name (the profile's with `--profile a,b`); its rows are named `name/region …`
    /// (`prod/us-east-1 credentials`). Empty for the one account of a session without targets.
    pub name: String,
    /// Its profile, region and endpoint.
    pub options: AwsOptions,
    /// The role assumed with the profile's credentials.
    pub role_arn: Option<String>,
    /// What it watches (`None`: everything in its region).
    pub watch: Option<Watch>,
    /// `read_only = true` in its table: its operator's calls are not needed.
    pub read_only: bool,
}

/// Every AWS check, into `report`: one account and region's, or each target's in turn (its rows named by its
/// label), then the war room on the first one that answered. A failure early on (no region, no credentials)
/// marks what depends on it as not checked, saying why.
pub async fn check(inputs: &AwsInputs, report: &mut Report) {
    let one = [DoctorTarget {
        name: String::new(),
        options: inputs.options.clone(),
        role_arn: None,
        watch: inputs.watch.clone(),
        read_only: false,
    }];
    let targets = if inputs.targets.is_empty() { &one[..] } else { &inputs.targets[..] };
    let mut logs = None;
    for target in targets {
        let first = report.checks.len();
        let (region, answered) = check_target(inputs, target, report).await;
        logs = logs.or(answered);
        if !target.name.is_empty() {
            let label = region.map_or(target.name.clone(), |r| warroom_core::model::qualified(&target.name, &r));
            report.checks[first..].iter_mut().for_each(|c| c.name = format!("{label} {}", c.name));
        }
    }
    match (&inputs.war_room, logs) {
        (Some(group), Some(logs)) => report.push(war_room(&logs, group).await),
        (Some(_), None) => report.push(Check::new("war room", Status::NotChecked, "no account answered")),
        (None, _) => report.push(Check::new(
            "war room",
            Status::NotChecked,
            "not configured ([journal] log_group in the config shares notes and operations across hosts)",
        )),
    }
}

/// One account and region's checks, into `report`: its region, when it has one, and its Logs client when its
/// credentials answered (the war room is read with the first target's, as the dashboard reads it).
async fn check_target(
    inputs: &AwsInputs,
    target: &DoctorTarget,
    report: &mut Report,
) -> (Option<String>, Option<aws_sdk_cloudwatchlogs::Client>) {
    let sdk = load_target_config(&target.options, target.role_arn.as_deref()).await;
    let Some(region) = sdk.region().map(|r| r.to_string()) else {
        report.push(Check::new(
            "region",
            Status::Fail,
            "none: set --region, `region` in [aws] of the config, AWS_REGION, or a region in your profile",
        ));
        skip_rest(report, "no region");
        return (None, None);
    };
    // The endpoint the loaded configuration resolved (a flag, `AWS_ENDPOINT_URL`, or the profile's own).
    let endpoint = sdk
        .endpoint_url()
        .map(str::to_string)
        .or_else(|| target.options.endpoint_url.clone())
        .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok().filter(|u| !u.is_empty()))
        .map_or_else(|| "AWS's public endpoints".to_string(), |u| format!("endpoint {u}"));
    report.push(Check::new("region", Status::Ok, format!("{region} · {endpoint}")));

    let mut source = match credentials::source(target.options.profile.as_deref()).await {
        Ok(source) => source,
        Err(missing) => {
            report.push(Check::new("credentials", Status::Fail, missing.to_string()));
            skip_rest(report, "no credentials");
            return (Some(region), None);
        }
    };
    if let Some(role) = &target.role_arn {
        source.description = format!("role {role} assumed with {}", source.description);
    }
    let provided = credential_words(&sdk).await;
    let connection = match connect_as(&sdk, source.clone()).await {
        Ok(c) => c,
        Err(e) => {
            let words: Vec<String> = e.to_string().lines().map(|l| l.trim_end_matches('.').to_string()).collect();
            report.push(Check::new("credentials", Status::Fail, words.join("; ")));
            skip_rest(report, "no working credentials");
            return (Some(region), None);
        }
    };
    let (status, words) = match provided {
        Ok((words, Some(left))) if left < chrono::Duration::hours(1) => (Status::Warn, words),
        Ok((words, _)) => (Status::Ok, words),
        Err(e) => (Status::Warn, e),
    };
    report.push(Check::new("credentials", status, format!("{} · {words}", source.description)));
    report.push(Check::new("identity", Status::Ok, connection.identity.principal.clone()));
    let principal = connection.identity.principal.clone();

    let telemetry = AwsTelemetry::new(connection, target.watch.clone()).with_log_pattern(&inputs.log_pattern);
    let mut seen = Vec::new();
    for feed in [Feed::Inventory, Feed::Fast, Feed::Metrics] {
        match telemetry.poll(feed).await {
            Ok(observations) => seen.extend(observations),
            Err(e) => report.push(Check::new(format!("{} poll", feed.label()), Status::Fail, e.to_string())),
        }
    }
    // doctor's telemetry does not read Service Quotas itself (`reading_quotas` is the dashboard's): read them here, so
    // that the call is tried and counted like every other read.
    let clients = telemetry.clients();
    crate::aws::quotas::read_once(&clients.servicequotas, &clients.budget).await;
    resources(&seen, report);
    read_calls(&seen, &clients.calls.counts(), report);
    operator_calls(&sdk, &principal, inputs.read_only || target.read_only, report).await;
    (Some(region), Some(clients.logs.clone()))
}

/// The rows that need AWS, marked not checked because `why`.
fn skip_rest(report: &mut Report, why: &str) {
    for name in ["watched resources", "read calls", "operator calls"] {
        report.push(Check::new(name, Status::NotChecked, why));
    }
}

/// Which provider of the default chain answered and when its credentials expire (`Environment`, `Profile`,
/// `Sso`…, from the credentials' own record), with the time left; or why none came.
async fn credential_words(sdk: &SdkConfig) -> Result<(String, Option<chrono::Duration>), String> {
    let provider = sdk.credentials_provider().ok_or("no credentials provider configured")?;
    let creds = provider.provide_credentials().await.map_err(|e| format!("the provider failed: {e}"))?;
    // The provider's name is only in the credentials' Debug form (`provider_name: "Profile"`).
    let debug = format!("{creds:?}");
    let name = debug
        .split("provider_name: \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("unknown provider")
        .to_string();
    let Some(expiry) = creds.expiry() else { return Ok((format!("{name}, no expiry"), None)) };
    let left = expiry
        .duration_since(SystemTime::now())
        .ok()
        .and_then(|d| chrono::Duration::from_std(d).ok())
        .unwrap_or_else(chrono::Duration::zero);
    let at = chrono::DateTime::<chrono::Utc>::from(expiry).format("%Y-%m-%d %H:%M UTC");
    let minutes = left.num_minutes();
    Ok((format!("{name}, expire {at} (in {}h{:02}m)", minutes / 60, minutes % 60), Some(left)))
}

/// One row for what was found, one failing row per watched resource AWS does not have.
fn resources(seen: &[Observation], report: &mut Report) {
    let mut found: BTreeMap<&str, usize> = BTreeMap::new();
    for o in seen {
        let kind = match o {
            Observation::Queue(_) => "queue",
            Observation::Dlq(_) => "DLQ",
            Observation::Function(_) => "function alias",
            Observation::Cluster(_) => "DB cluster",
            Observation::Alarm(_) => "alarm",
            _ => continue,
        };
        *found.entry(kind).or_default() += 1;
    }
    let plural = |kind: &str, n: usize| match (kind, n) {
        (_, 1) => kind.to_string(),
        ("function alias", _) => "function aliases".to_string(),
        _ => format!("{kind}s"),
    };
    let words: Vec<String> = found.iter().map(|(k, n)| format!("{n} {}", plural(k, *n))).collect();
    let (status, detail) = if words.is_empty() {
        (Status::Warn, "nothing found to watch: name resources in [watch] of the config".to_string())
    } else {
        (Status::Ok, format!("{} found", words.join(", ")))
    };
    report.push(Check::new("watched resources", status, detail));
    for o in seen {
        if let Observation::Missing { kind, name } = o {
            report.push(Check::new(
                format!("{} {name}", kind.label()),
                Status::Fail,
                "not found in this account and region: check its name in [watch] of the config".to_string(),
            ));
        }
    }
}

/// Every failed call's error text a poll reported, each beginning with its call (`sqs:ListQueues: …`).
fn errors(seen: &[Observation]) -> Vec<&str> {
    seen.iter()
        .filter_map(|o| match o {
            Observation::Problem(p) => Some(p.error.as_str()),
            Observation::InsightsRead { error: Some(e), .. } => Some(e.as_str()),
            Observation::ConsumerLog { access: LogsAccess::Failed(e), .. } => Some(e.as_str()),
            _ => None,
        })
        .collect()
}

/// The budget's one optional read: Service Quotas' applied values (`aws::quotas`).
const QUOTAS: &str = "servicequotas:GetServiceQuota";

/// Whether an error says IAM refused the call.
fn denied(error: &str) -> bool {
    let lower = error.to_ascii_lowercase();
    lower.contains("access denied") || lower.contains("accessdenied") || lower.contains("notauthorized")
}

/// One row per read call the dashboard makes (what `policies/observer.json` grants): allowed, denied (naming the
/// policy that grants it), failing otherwise, or not called because nothing watched needs it.
fn read_calls(seen: &[Observation], counts: &BTreeMap<String, CallCount>, report: &mut Report) {
    let errors = errors(seen);
    for action in policies::read_actions() {
        let error = errors.iter().find(|e| e.starts_with(&format!("{action}:")));
        let count = counts.get(&action);
        let grant = || policies::granting(&action).unwrap_or("policies/observer.json");
        let (status, detail) = match (error, count) {
            (Some(e), _) if denied(e) => (Status::Fail, format!("denied: attach {} ({e})", grant())),
            (Some(e), _) => (Status::Warn, format!("called, and failed: {e}")),
            (None, Some(c)) if c.succeeded > 0 => {
                (Status::Ok, format!("allowed ({} call{})", c.attempts, if c.attempts == 1 { "" } else { "s" }))
            }
            (None, Some(c)) => answered(c, grant()),
            // pi:GetResourceMetrics is read after pi:DescribeDimensionKeys answers: when that failed, it was
            // needed, just never reached.
            (None, None) => match errors.iter().find(|e| action.starts_with("pi:") && e.starts_with("pi:")) {
                Some(e) => {
                    let first = e.split(": ").next().unwrap_or(e);
                    (Status::NotChecked, format!("not called: {first} failed first"))
                }
                None => (Status::NotChecked, "not called: nothing watched needs it".to_string()),
            },
        };
        // Reading the account's quotas is optional: without it the budget paces under AWS's documented defaults.
        let (status, detail) = match (status, action.as_str()) {
            (Status::Fail | Status::Warn, QUOTAS) => {
                (Status::Warn, format!("{detail}; the budget uses AWS's documented defaults"))
            }
            _ => (status, detail),
        };
        report.push(Check::new(format!("read {action}"), status, detail));
    }
}

/// A call every attempt of which failed, by what answered: IAM's refusal fails the check (naming `grant`, the
/// policy that allows it); a resource that does not exist means IAM let the call through; anything else warns.
fn answered(count: &CallCount, grant: &str) -> (Status, String) {
    let code = count.last_code.as_deref().unwrap_or_default();
    match (count.last_failure, code) {
        (_, c) if denied(c) => (Status::Fail, format!("denied ({c}): attach {grant}")),
        (Some(403), _) => (Status::Fail, format!("denied (HTTP 403): attach {grant}")),
        (_, c) if c.contains("NotFound") => {
            (Status::Ok, format!("allowed (it answered {c}: what it reads does not exist yet)"))
        }
        (Some(status), "") => (Status::Warn, format!("answered HTTP {status}")),
        (Some(status), c) => (Status::Warn, format!("answered HTTP {status} {c}")),
        (None, _) => (Status::Warn, format!("no answer ({} attempts)", count.unanswered)),
    }
}

/// The IAM role or user a principal ARN stands for, as SimulatePrincipalPolicy takes it: an assumed role's
/// session ARN names its role (`arn:aws:sts::1:assumed-role/OnCall/alice` → `arn:aws:iam::1:role/OnCall`; a
/// role with a path is not found under that name, and the check says so).
fn simulation_arn(principal: &str) -> Option<String> {
    let parts: Vec<&str> = principal.splitn(6, ':').collect();
    let [arn, partition, service, _, account, resource] = parts.as_slice() else { return None };
    match (*service, resource.split('/').collect::<Vec<_>>().as_slice()) {
        // The root user is not a principal IAM can simulate: it may do everything.
        ("iam", ["root"]) => None,
        ("iam", _) => Some(principal.to_string()),
        ("sts", ["assumed-role", role, ..]) => Some(format!("{arn}:{partition}:iam::{account}:role/{role}")),
        _ => None,
    }
}

/// The operator's calls (what `policies/operator.json` grants beyond the reads), by iam:SimulatePrincipalPolicy
/// for the caller's role or user: allowed or denied, never by calling them. Not checked where the caller may not
/// simulate. Under `--read-only` a denied call is expected, and does not fail the doctor.
async fn operator_calls(sdk: &SdkConfig, principal: &str, read_only: bool, report: &mut Report) {
    let actions: Vec<String> = policies::operator_actions().into_iter().collect();
    let Some(arn) = simulation_arn(principal) else {
        report.push(Check::new(
            "operator calls",
            Status::NotChecked,
            format!(
                "{principal} is neither an IAM user nor a role (the root user may call everything): nothing to simulate"
            ),
        ));
        return;
    };
    let iam = aws_sdk_iam::Client::new(sdk);
    let answer =
        iam.simulate_principal_policy().policy_source_arn(&arn).set_action_names(Some(actions.clone())).send().await;
    let results = match answer {
        Ok(a) => a.evaluation_results().to_vec(),
        Err(e) => {
            let e = crate::aws::errors::aws_error("iam:SimulatePrincipalPolicy", e);
            report.push(Check::new(
                "operator calls",
                Status::NotChecked,
                format!("{} ({arn}): never checked by calling them", e.detail()),
            ));
            return;
        }
    };
    let denied_status = if read_only { Status::Warn } else { Status::Fail };
    for action in actions {
        let decision = results.iter().find(|r| r.eval_action_name() == action).map(|r| r.eval_decision().as_str());
        let (status, detail) = match decision {
            Some("allowed") => (Status::Ok, format!("allowed for {arn} (policy simulation)")),
            Some(other) => (
                denied_status,
                format!(
                    "{other} for {arn}: attach {}{}",
                    policies::granting(&action).unwrap_or("policies/operator.json"),
                    if read_only { " to operate (not needed read-only)" } else { "" }
                ),
            ),
            None => (Status::NotChecked, "the simulation did not answer for it".to_string()),
        };
        report.push(Check::new(format!("operate {action}"), status, detail));
    }
}

/// The war room's log group answers a read (logs:FilterLogEvents, one event).
async fn war_room(logs: &aws_sdk_cloudwatchlogs::Client, group: &str) -> Check {
    let since = chrono::Utc::now().timestamp_millis() - 60_000;
    match logs.filter_log_events().log_group_name(group).start_time(since).limit(1).send().await {
        Ok(_) => Check::new("war room", Status::Ok, format!("{group} answers")),
        Err(e) => {
            let e = crate::aws::errors::aws_error("logs:FilterLogEvents", e);
            let fix = match e.kind {
                crate::aws::AwsErrorKind::NotFound => {
                    format!(": create it with aws logs create-log-group --log-group-name {group}")
                }
                crate::aws::AwsErrorKind::AccessDenied => ": attach policies/war-room.json".to_string(),
                _ => String::new(),
            };
            Check::new("war room", Status::Fail, format!("{group}: {}{fix}", e.detail()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assumed_role_is_simulated_as_its_role() {
        assert_eq!(
            simulation_arn("arn:aws:sts::123456789012:assumed-role/OnCall/alice").as_deref(),
            Some("arn:aws:iam::123456789012:role/OnCall")
        );
        let user = "arn:aws:iam::123456789012:user/alice";
        assert_eq!(simulation_arn(user).as_deref(), Some(user));
        assert_eq!(simulation_arn("arn:aws:iam::123456789012:root"), None, "root may do everything");
        assert_eq!(simulation_arn("not an arn"), None);
    }
}
