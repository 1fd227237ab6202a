//! Which credential source the session's calls are signed with, named as the engineer knows it, and the remedy
//! to run when it stops working. Read from the environment and the shared config files with aws-config's own
//! profile parser, in the order of its default chain: environment variables, the profile (a role, a web
//! identity, SSO, an `aws login` session, a `credential_process`, access keys), a web identity from the
//! environment, container credentials, the EC2 instance profile.

use std::borrow::Cow;

use aws_config::profile::{Profile, ProfileSet};
use aws_types::os_shim_internal::{Env, Fs};
use warroom_core::model::CredentialSource;

/// How many `source_profile` links are followed to find where a role's credentials come from.
const MAX_CHAIN: usize = 4;

/// A profile asked for (with --profile, `profile` in `[aws]` or `[[targets]]`, or AWS_PROFILE) that no shared
/// config file has. Its message names the files read: `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` where
/// set, else `~/.aws/config` and `~/.aws/credentials`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("profile {0} is in neither {config} nor {credentials}: add it (`aws configure sso --profile {0}`) or choose another", config = files().0, credentials = files().1)]
pub struct MissingProfile(pub String);

/// The shared config and credentials files aws-config reads.
fn files() -> (String, String) {
    let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_string());
    (var("AWS_CONFIG_FILE", "~/.aws/config"), var("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"))
}

/// The source aws-config's default chain will use for `profile` (`None`: `AWS_PROFILE`, else `default`), read
/// from the real environment and files.
pub async fn source(profile: Option<&str>) -> Result<CredentialSource, MissingProfile> {
    source_in(&Env::real(), &Fs::real(), profile).await
}

/// `source`, reading `env` and `fs` (tests give in-memory ones).
pub async fn source_in(env: &Env, fs: &Fs, profile: Option<&str>) -> Result<CredentialSource, MissingProfile> {
    if env.get("AWS_ACCESS_KEY_ID").is_ok() {
        return Ok(environment(env));
    }
    let chosen = profile.map(str::to_string).or_else(|| env.get("AWS_PROFILE").ok());
    let profiles = aws_config::profile::load(fs, env, &Default::default(), chosen.clone().map(Cow::Owned)).await;
    if let Ok(set) = &profiles {
        let name = set.selected_profile().to_string();
        if let Some(found) = set.get_profile(&name).and_then(|p| of_profile(set, p, 0)) {
            return Ok(found);
        }
        if chosen.is_some() && set.get_profile(&name).is_none() {
            return Err(MissingProfile(name));
        }
    } else if let Some(name) = chosen {
        // No shared config file at all.
        return Err(MissingProfile(name));
    }
    if let (Ok(file), Ok(role)) = (env.get("AWS_WEB_IDENTITY_TOKEN_FILE"), env.get("AWS_ROLE_ARN")) {
        return Ok(web_identity(format!("a web identity (role {role}, AWS_WEB_IDENTITY_TOKEN_FILE {file})"), &file));
    }
    if env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_ok()
        || env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_ok()
    {
        return Ok(container());
    }
    Ok(CredentialSource {
        description: "the default chain: environment variables (AWS_ACCESS_KEY_ID), the profile in ~/.aws/config and \
                      ~/.aws/credentials, a web identity token, container credentials gave none, so the EC2 instance \
                      profile (IMDS)"
            .to_string(),
        remedy: "on EC2, attach an instance profile and allow IMDSv2 (hop limit 2 from a container); elsewhere, \
                 configure a profile (`aws configure sso`) and pass --profile"
            .to_string(),
    })
}

fn environment(env: &Env) -> CredentialSource {
    let session = env.get("AWS_SESSION_TOKEN").is_ok();
    CredentialSource {
        description: if session {
            "environment variables (AWS_ACCESS_KEY_ID with AWS_SESSION_TOKEN)".to_string()
        } else {
            "environment variables (AWS_ACCESS_KEY_ID)".to_string()
        },
        // A running process cannot see its parent's new environment.
        remedy: "export fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) and start warroom \
                 again; a profile (--profile) renews without a restart"
            .to_string(),
    }
}

fn container() -> CredentialSource {
    CredentialSource {
        description: "container credentials (ECS task role or EKS pod identity)".to_string(),
        remedy: "check the task role or pod identity association, and that the container credentials endpoint \
                 answers"
            .to_string(),
    }
}

fn web_identity(description: String, token_file: &str) -> CredentialSource {
    CredentialSource {
        description,
        remedy: format!(
            "the token file {token_file} must exist and hold a current token (on EKS: the pod's service account \
             and its role's trust policy)"
        ),
    }
}

/// What `profile` signs with, in aws-config's order; `None` when it holds no credential settings.
fn of_profile(set: &ProfileSet, profile: &Profile, depth: usize) -> Option<CredentialSource> {
    let name = profile.name();
    let describe = |what: String| format!("profile {name} ({what})");
    if let Some(role) = profile.get("role_arn") {
        if let Some(file) = profile.get("web_identity_token_file") {
            return Some(web_identity(describe(format!("role {role} by web identity token {file}")), file));
        }
        let (what, remedy) = match (profile.get("source_profile"), profile.get("credential_source")) {
            (Some(source), _) if source != name && depth < MAX_CHAIN => {
                let from = set.get_profile(source).and_then(|p| of_profile(set, p, depth + 1));
                let remedy = from.map_or_else(
                    || format!("profile {source}, the role's source, must have credentials"),
                    |from| format!("{} (the role's source, {})", from.remedy, from.description),
                );
                (format!("role {role} assumed from profile {source}"), remedy)
            }
            (Some(_), _) => (format!("role {role} assumed with its own keys"), static_remedy(name)),
            (None, Some(source)) => (
                format!("role {role} assumed from {source}"),
                format!("{source} must give credentials that the role {role} trusts"),
            ),
            (None, None) => (format!("role {role}, with no source"), format!("give profile {name} a source_profile")),
        };
        return Some(CredentialSource {
            description: describe(what),
            remedy: format!("{remedy}; the role's trust policy must allow it"),
        });
    }
    if let Some(session) = profile.get("sso_session").or(profile.get("sso_start_url").map(|_| "")) {
        let what = if session.is_empty() { "SSO".to_string() } else { format!("SSO session {session}") };
        return Some(CredentialSource {
            description: describe(what),
            remedy: format!("run `aws sso login --profile {name}`"),
        });
    }
    if let Some(arn) = profile.get("login_session") {
        return Some(CredentialSource {
            description: describe(format!("aws login session of {arn}")),
            remedy: format!("run `aws login --profile {name}`"),
        });
    }
    if let Some(command) = profile.get("credential_process") {
        return Some(CredentialSource {
            description: describe(format!("credential_process `{command}`")),
            remedy: format!("run `{command}` by hand to see why it fails, and fix what it needs"),
        });
    }
    profile
        .get("aws_access_key_id")
        .map(|_| CredentialSource { description: describe("access keys".to_string()), remedy: static_remedy(name) })
}

fn static_remedy(name: &str) -> String {
    format!("replace the access keys of profile {name} (`aws configure --profile {name}`): they may be deactivated")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"
[default]
region = us-east-1

[profile keys]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret

[profile proc]
credential_process = /opt/bin/creds --user alice

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[profile oncall]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = OnCall

[profile login]
login_session = arn:aws:iam::123456789012:user/alice

[profile role]
role_arn = arn:aws:iam::123456789012:role/Admin
source_profile = oncall

[profile eks]
role_arn = arn:aws:iam::123456789012:role/Pod
web_identity_token_file = /var/run/token
"#;

    async fn of(env: &[(&str, &str)], profile: Option<&str>) -> CredentialSource {
        let mut vars = vec![("HOME", "/home/alice")];
        vars.extend_from_slice(env);
        let fs = Fs::from_slice(&[("/home/alice/.aws/config", CONFIG)]);
        source_in(&Env::from_slice(&vars), &fs, profile).await.expect("a source")
    }

    #[tokio::test]
    async fn each_profile_kind_is_named_with_its_remedy() {
        let cases = [
            ("keys", "profile keys (access keys)", "aws configure --profile keys"),
            ("proc", "profile proc (credential_process `/opt/bin/creds --user alice`)", "run `/opt/bin/creds"),
            ("oncall", "profile oncall (SSO session corp)", "run `aws sso login --profile oncall`"),
            (
                "login",
                "profile login (aws login session of arn:aws:iam::123456789012:user/alice)",
                "aws login --profile login",
            ),
            (
                "role",
                "profile role (role arn:aws:iam::123456789012:role/Admin assumed from profile oncall)",
                "aws sso login --profile oncall",
            ),
            (
                "eks",
                "profile eks (role arn:aws:iam::123456789012:role/Pod by web identity token /var/run/token)",
                "/var/run/token must exist",
            ),
        ];
        for (profile, description, remedy) in cases {
            let source = of(&[], Some(profile)).await;
            assert_eq!(source.description, description);
            assert!(source.remedy.contains(remedy), "{profile}: {}", source.remedy);
        }
    }

    #[tokio::test]
    async fn the_chain_order_holds_environment_then_profile_then_the_rest() {
        let env = of(&[("AWS_ACCESS_KEY_ID", "AKIA"), ("AWS_SESSION_TOKEN", "t")], Some("oncall")).await;
        assert!(env.description.starts_with("environment variables"), "{}", env.description);
        assert!(env.remedy.contains("start warroom again"), "{}", env.remedy);
        let by_env = of(&[("AWS_PROFILE", "oncall")], None).await;
        assert_eq!(by_env.description, "profile oncall (SSO session corp)");
        let fs = Fs::from_slice(&[("/home/alice/.aws/config", CONFIG)]);
        let missing = source_in(&Env::from_slice(&[("HOME", "/home/alice")]), &fs, Some("nope")).await;
        assert_eq!(missing, Err(MissingProfile("nope".into())));
        let pod = of(&[("AWS_WEB_IDENTITY_TOKEN_FILE", "/t"), ("AWS_ROLE_ARN", "arn:r")], None).await;
        assert!(pod.description.starts_with("a web identity"), "{}", pod.description);
        let instance = of(&[], None).await;
        assert!(instance.description.ends_with("the EC2 instance profile (IMDS)"), "{}", instance.description);
    }
}
