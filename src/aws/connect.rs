//! Credentials, region, endpoint and identity: aws-config's default chain (environment, profiles with SSO and
//! credential_process, web identity, container and EC2 instance metadata), overridden by flags and config.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

use warroom_core::model::{CredentialSource, Identity};

use super::budget::{Budget, PacedHttpClient};
use super::calls::{CallLog, Unsupported};
use super::errors::{AwsError, AwsErrorKind, aws_error};

/// Where to reach AWS, from flags over the config's `[aws]`; each `None` leaves the default chain's choice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsOptions {
    /// A profile of the shared config files.
    pub profile: Option<String>,
    /// The region to call.
    pub region: Option<String>,
    /// An emulator's URL; `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` work without it.
    pub endpoint_url: Option<String>,
}

/// One client per service, sharing one HTTP client and credentials cache.
#[derive(Debug, Clone)]
pub struct Clients {
    /// CloudWatch: metrics and alarms.
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    /// SQS: queues and message move tasks.
    pub sqs: aws_sdk_sqs::Client,
    /// Lambda: aliases, versions, event source mappings.
    pub lambda: aws_sdk_lambda::Client,
    /// RDS: clusters, instances, events, reboots and failovers.
    pub rds: aws_sdk_rds::Client,
    /// STS: who the credentials belong to.
    pub sts: aws_sdk_sts::Client,
    /// CloudTrail: who changed the watched resources.
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    /// Performance Insights: each DB instance's top SQL and load by wait event.
    pub pi: aws_sdk_pi::Client,
    /// CloudWatch Logs: the consumers' error lines.
    pub logs: aws_sdk_cloudwatchlogs::Client,
    /// S3: follow mode's stream (published with PutObject, followed with conditional GetObject).
    pub s3: aws_sdk_s3::Client,
    /// Service Quotas: the account's applied quotas, for the budget (`quotas::read`).
    pub servicequotas: aws_sdk_servicequotas::Client,
    /// Every call of these clients waits for its API's share of the account's quota here (`budget::ALLOWANCES`);
    /// shared by every clone.
    pub budget: Budget,
    /// Every call these clients (and their `sent_once` copies) made, by API.
    pub calls: CallLog,
    /// Calls this endpoint does not implement, not made again once answered so.
    pub unsupported: Unsupported,
}

impl Clients {
    /// One client per service from one loaded configuration, each counting its calls into one `CallLog`.
    pub fn new(config: &SdkConfig) -> Clients {
        Clients::with_budget(config, Budget::default())
    }

    /// `new`, paced by `budget` instead of `budget::ALLOWANCES` (tests give a tight one).
    pub fn with_budget(config: &SdkConfig, budget: Budget) -> Clients {
        let calls = CallLog::default();
        // The HTTP client the configuration carries (or the SDK's default one), waiting for the budget first.
        let http = config.http_client().unwrap_or_else(|| {
            use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
            aws_smithy_http_client::Builder::new().tls_provider(Provider::Rustls(CryptoMode::AwsLc)).build_https()
        });
        let http = PacedHttpClient::shared(http, budget.clone());
        // Each service's client from the shared configuration, with the counter under the service's IAM prefix
        // (it also labels each request with its API, for the budget).
        macro_rules! counted {
            ($sdk:ident, $prefix:literal) => {
                $sdk::Client::from_conf(
                    $sdk::config::Builder::from(config)
                        .interceptor(calls.interceptor($prefix))
                        .http_client(http.clone())
                        .build(),
                )
            };
        }
        Clients {
            cloudwatch: counted!(aws_sdk_cloudwatch, "cloudwatch"),
            sqs: counted!(aws_sdk_sqs, "sqs"),
            lambda: counted!(aws_sdk_lambda, "lambda"),
            rds: counted!(aws_sdk_rds, "rds"),
            sts: counted!(aws_sdk_sts, "sts"),
            cloudtrail: counted!(aws_sdk_cloudtrail, "cloudtrail"),
            pi: counted!(aws_sdk_pi, "pi"),
            logs: counted!(aws_sdk_cloudwatchlogs, "logs"),
            servicequotas: counted!(aws_sdk_servicequotas, "servicequotas"),
            // Path-style addressing where an endpoint is configured (an emulator has no per-bucket host names).
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(config)
                    .interceptor(calls.interceptor("s3"))
                    .http_client(http.clone())
                    .force_path_style(config.endpoint_url().is_some())
                    .build(),
            ),
            budget,
            calls,
            unsupported: Unsupported::default(),
        }
    }
}

impl Clients {
    /// The same clients with the SDK's retries off, for calls that change AWS: a retried reboot whose answer was
    /// lost is a second reboot, and a retried UpdateAlias meets its own change as a conflict. warroom decides what
    /// may be repeated (never a mutating call; verification re-reads with the retrying clients).
    pub fn sent_once(&self) -> Clients {
        let once = RetryConfig::disabled();
        let sqs = aws_sdk_sqs::Client::config(&self.sqs).to_builder().retry_config(once.clone()).build();
        let lambda = aws_sdk_lambda::Client::config(&self.lambda).to_builder().retry_config(once.clone()).build();
        let rds = aws_sdk_rds::Client::config(&self.rds).to_builder().retry_config(once).build();
        Clients {
            sqs: aws_sdk_sqs::Client::from_conf(sqs),
            lambda: aws_sdk_lambda::Client::from_conf(lambda),
            rds: aws_sdk_rds::Client::from_conf(rds),
            ..self.clone()
        }
    }
}

/// The clients, and who they act as.
#[derive(Debug, Clone)]
pub struct Connection {
    /// One client per service.
    pub clients: Clients,
    /// The account, region and caller, from STS GetCallerIdentity.
    pub identity: Identity,
}

/// Why warroom could not start against AWS.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// No region from flags, config, environment or profile.
    #[error(
        "no AWS region: set --region, `region` in [aws] of the config, AWS_REGION, or a region in your profile\nTo look around without AWS, run: warroom --demo"
    )]
    NoRegion,
    /// The credential source did not give credentials, or AWS refused them.
    #[error(
        "no working AWS credentials from {}: {detail}\nTo fix: {}.\nTo look around without AWS, run: warroom --demo",
        from.description,
        from.remedy
    )]
    NoCredentials {
        /// Where the chain looked, and what to run.
        from: CredentialSource,
        /// What the provider or AWS said.
        detail: String,
    },
    #[error(
        "cannot confirm who you are with sts:GetCallerIdentity: {0}\nTo look around without AWS, run: warroom --demo"
    )]
    /// Credentials were found but STS would not say who they belong to.
    Identity(AwsError),
    /// The profile asked for is in no shared config file.
    #[error("{0}\nTo look around without AWS, run: warroom --demo")]
    MissingProfile(#[from] super::credentials::MissingProfile),
    /// One of several targets (by name) cannot be set up: its profile is missing, or it has no region.
    #[error("target {0}: {1}")]
    Target(String, Box<ConnectError>),
}

/// Explicit timeouts: a hung endpoint costs a pane its freshness, never minutes of a stuck call.
pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3))
        .operation_attempt_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(30))
        .build()
}

/// aws-config's default chain with warroom's timeouts and retries, overridden by `options`.
pub async fn load_config(options: &AwsOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(timeouts())
        .retry_config(RetryConfig::standard().with_max_attempts(3));
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &options.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

/// Loads the configuration and proves it works by asking STS who we are. A credential failure names the source
/// the default chain used (the profile and its kind) and its remedy.
pub async fn connect(options: &AwsOptions) -> Result<Connection, ConnectError> {
    let source = super::credentials::source(options.profile.as_deref()).await?;
    connect_as(&load_config(options).await, source).await
}

/// Connects with an already loaded configuration (tests pass an emulator's, with static credentials).
pub async fn connect_with(config: &SdkConfig) -> Result<Connection, ConnectError> {
    let source = CredentialSource {
        description: "the credentials given to the SDK".to_string(),
        remedy: "give the SDK working credentials".to_string(),
    };
    connect_as(config, source).await
}

/// The ARN the credentials in `config` sign as (sts:GetCallerIdentity's `Arn`); `None` when the call fails,
/// for a caller that only names things after it (the war room's stream) and reports its own call's failure.
pub async fn caller_arn(config: &SdkConfig) -> Option<String> {
    aws_sdk_sts::Client::new(config).get_caller_identity().send().await.ok()?.arn
}

/// Connects with `config`, whose credentials come from `source`.
pub async fn connect_as(config: &SdkConfig, source: CredentialSource) -> Result<Connection, ConnectError> {
    let region = config.region().ok_or(ConnectError::NoRegion)?.to_string();
    identify(Clients::new(config), region, source).await
}

/// The configuration of one target (`[[targets]]`, or one profile and region of `--profile a,b --region x,y`):
/// `options`' profile and region, and with `role_arn` that role, assumed (STS AssumeRole, session name
/// `warroom`) with the profile's credentials. Nothing is called until a client is used.
pub async fn load_target_config(options: &AwsOptions, role_arn: Option<&str>) -> SdkConfig {
    let base = load_config(options).await;
    let Some(role_arn) = role_arn else { return base };
    let provider =
        aws_config::sts::AssumeRoleProvider::builder(role_arn).session_name("warroom").configure(&base).build().await;
    base.into_builder()
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(provider))
        .build()
}

/// Proves `clients` work by asking STS who they act as (in `region`, with credentials from `source`).
pub async fn identify(clients: Clients, region: String, source: CredentialSource) -> Result<Connection, ConnectError> {
    let who = clients.sts.get_caller_identity().send().await.map_err(|e| {
        let e = aws_error("sts:GetCallerIdentity", e);
        match e.kind {
            AwsErrorKind::Credentials => ConnectError::NoCredentials { from: source.clone(), detail: e.message },
            _ => ConnectError::Identity(e),
        }
    })?;
    let identity = Identity {
        account: who.account().unwrap_or("unknown account").to_string(),
        region,
        principal: who.arn().unwrap_or("unknown principal").to_string(),
        credentials: source,
    };
    Ok(Connection { clients, identity })
}
