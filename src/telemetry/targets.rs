//! Several targets in one view: one `AwsTelemetry` per account and region, polled side by side, each with its own
//! clients and credentials, and its own budget unless another target reached the same account and region (quotas
//! are per account and region: `budget::Accounts`). What each observes is
//! qualified by its label (`Observation::qualify`); a target whose credentials, identity call or whole poll fails
//! becomes problems that name it, and the other targets' rows go on.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use warroom_core::config::Watch;
use warroom_core::model::{
    CallRate, CappedList, CredentialSource, FailureKind, Feed, Observation, QuotaSource, SEPARATOR, Subject,
    TargetStatus, TelemetryError,
};

use super::Telemetry;
use super::aws::AwsTelemetry;
use crate::aws::Clients;
use crate::aws::budget::Accounts;
use crate::aws::connect::{AwsOptions, ConnectError, identify, load_target_config};
use crate::backoff::Backoff;

/// One account in one region, as the config or the flags name it.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSpec {
    /// The label's first part: `[[targets]]`'s `name`, or the profile's name with `--profile a,b`.
    pub name: String,
    /// The profile, the region (`None`: the profile's) and the endpoint (`--endpoint-url`, `[aws] endpoint_url`)
    /// its clients use.
    pub options: AwsOptions,
    /// A role assumed with the profile's credentials.
    pub role_arn: Option<String>,
    /// No operator is built for it.
    pub read_only: bool,
    /// What to watch there; `None` discovers.
    pub watch: Option<Watch>,
    /// The targets (by name) whose databases its consumers write to (`writes_to`).
    pub writes_to: Vec<String>,
}

/// How long a poll of several targets waits for a slow one before answering with the others': a hung endpoint
/// (the SDK gives up after 30 s) must not hold every account's panes. Its poll goes on, and its answer comes with
/// a later poll of the feed. Under the loop's 10 s, after which a whole feed counts as not answering.
const TARGET_WAIT: Duration = Duration::from_secs(8);

/// A target's poll of a feed on its own task, and when it began.
type Running = (tokio::task::JoinHandle<Vec<Observation>>, Instant);

/// On a first fill, how long the targets that have answered are held back for those that never have yet (a big
/// account's first discovery, a far region): those show `…` and answer with a later poll
/// (`Telemetry::late_answer_ready`), so one slow target does not hold every other's rows for `TARGET_WAIT`.
const FIRST_GRACE: Duration = Duration::from_secs(1);

/// After a target failed to say who it is, the next try comes after 15 s, backing off to 5 minutes.
const RECONNECT_BASE: Duration = Duration::from_secs(15);
const RECONNECT_CAP: Duration = Duration::from_secs(5 * 60);

/// One target: its clients from the start, its telemetry once STS GetCallerIdentity answered.
pub struct Target {
    /// Its clients (built without a call; the operator acts through them too).
    pub clients: Clients,
    /// How it stands: shared with its operator, which names its account in the call line.
    pub status: Arc<Mutex<TargetStatus>>,
    source: CredentialSource,
    watch: Option<Watch>,
    log_pattern: String,
    telemetry: tokio::sync::Mutex<Option<Arc<AwsTelemetry>>>,
    retry: Mutex<(Option<Instant>, Backoff)>,
    /// The budgets of the account and region pairs reached, shared by every target (`budget::Accounts`).
    accounts: Arc<Accounts>,
    /// Where its first metrics and history reads start instead of three hours back (`export`).
    reach: Option<DateTime<Utc>>,
    /// The loop's hot set for it, without labels, handed to its telemetry before each fast poll.
    hot: Mutex<Option<Vec<String>>>,
    /// Why each feed's last poll failed here, by `Feed::index`.
    errors: Mutex<[Option<String>; 3]>,
    /// Each feed's poll still running here, by `Feed::index`: a slow target's answer comes with a later poll.
    inflight: Mutex<[Option<Running>; 3]>,
}

/// The label of a target named `name` in `region`: `prod/us-east-1`.
pub fn label(name: &str, region: &str) -> String {
    warroom_core::model::qualified(name, region)
}

impl Target {
    /// Loads the target's configuration and builds its clients; calls nothing. `Err` only for a profile no
    /// shared config file has, or no region at all: mistakes of the config, not of the account.
    pub async fn new(spec: TargetSpec, log_pattern: &str, accounts: Arc<Accounts>) -> Result<Target, ConnectError> {
        let mut source = crate::aws::credentials::source(spec.options.profile.as_deref()).await?;
        if let Some(role) = &spec.role_arn {
            source.description = format!("role {role} assumed with {}", source.description);
        }
        let config = load_target_config(&spec.options, spec.role_arn.as_deref()).await;
        let region = config.region().ok_or(ConnectError::NoRegion)?.to_string();
        let status = TargetStatus {
            label: label(&spec.name, &region),
            account: None,
            region,
            read_only: spec.read_only,
            principal: None,
            credentials: Some(source.clone()),
            error: None,
            writes_to: spec.writes_to.clone(),
            answered: false,
        };
        Ok(Target {
            clients: Clients::new(&config),
            status: Arc::new(Mutex::new(status)),
            source,
            watch: spec.watch,
            log_pattern: log_pattern.to_string(),
            telemetry: tokio::sync::Mutex::new(None),
            retry: Mutex::new((None, Backoff::new(RECONNECT_BASE, RECONNECT_CAP))),
            accounts,
            reach: None,
            hot: Mutex::new(None),
            errors: Mutex::new([None, None, None]),
            inflight: Mutex::new([None, None, None]),
        })
    }

    /// Its feeds' polls still running.
    fn running(&self) -> std::sync::MutexGuard<'_, [Option<Running>; 3]> {
        self.inflight.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether one of its polls has answered yet (`TargetStatus::answered`), without copying its status.
    fn answered(&self) -> bool {
        self.status.lock().unwrap_or_else(|p| p.into_inner()).answered
    }

    /// Its status now.
    pub fn status(&self) -> TargetStatus {
        self.status.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Records why `feed`'s last poll failed here (`None`: it answered); the status says the first feed's that
    /// failed, so one feed answering does not hide another's failure.
    fn set_error(&self, feed: Option<Feed>, error: Option<String>) {
        let mut errors = self.errors.lock().unwrap_or_else(|p| p.into_inner());
        match feed {
            Some(feed) => errors[feed.index()] = error,
            None => *errors = [error.clone(), error.clone(), error],
        }
        let first = errors.iter().flatten().next().cloned();
        self.status.lock().unwrap_or_else(|p| p.into_inner()).error = first;
    }

    /// Its telemetry, asking STS who it acts as first when that has not answered yet (and the backoff allows);
    /// the error says why not.
    async fn connected(&self) -> Result<Arc<AwsTelemetry>, String> {
        let mut slot = self.telemetry.lock().await;
        if let Some(telemetry) = slot.as_ref() {
            return Ok(telemetry.clone());
        }
        let earlier = self.status().error;
        {
            let retry = self.retry.lock().unwrap_or_else(|p| p.into_inner());
            if retry.0.is_some_and(|at| Instant::now() < at) {
                return Err(earlier.unwrap_or_else(|| "not connected yet".to_string()));
            }
        }
        let region = self.status().region;
        match identify(self.clients.clone(), region, self.source.clone()).await {
            Ok(connection) => {
                // Another target in the same account and region: one budget for both, as AWS counts them.
                self.accounts.share(&self.clients.budget, &connection.identity.account, &connection.identity.region);
                {
                    let mut status = self.status.lock().unwrap_or_else(|p| p.into_inner());
                    status.account = Some(connection.identity.account.clone());
                    status.principal = Some(connection.identity.principal.clone());
                }
                self.set_error(None, None);
                let mut telemetry = AwsTelemetry::new(connection, self.watch.clone())
                    .with_log_pattern(&self.log_pattern)
                    .reading_quotas();
                if let Some(since) = self.reach {
                    telemetry = telemetry.reaching_back(since);
                }
                let telemetry = Arc::new(telemetry);
                *slot = Some(telemetry.clone());
                Ok(telemetry)
            }
            Err(e) => {
                // The call's own error; else the first line (the rest is a single account's advice, `--demo`).
                let why = match e {
                    ConnectError::Identity(e) => e.to_string(),
                    e => e.to_string().lines().next().unwrap_or_default().to_string(),
                };
                let mut retry = self.retry.lock().unwrap_or_else(|p| p.into_inner());
                retry.1.failed();
                retry.0 = Some(Instant::now() + retry.1.wait());
                self.set_error(None, Some(why.clone()));
                Err(why)
            }
        }
    }

    /// One poll of `feed` in this target, qualified; a failure of the whole poll (or of the connection) becomes
    /// one problem for each subject the feed fills, naming the target.
    async fn poll(&self, feed: Feed, qualify: bool) -> Vec<Observation> {
        let failed = |why: String, kind: FailureKind| {
            self.set_error(Some(feed), Some(why.clone()));
            subjects(feed)
                .iter()
                .map(|subject| Observation::problem_of(kind, *subject, None, &why).qualify(&self.status()))
                .collect::<Vec<_>>()
        };
        // One of several targets' failing credentials are its own: the targets line says so, and its panes say
        // which call failed (as `Call`, so the session's credentials banner, which is about every pane, stays
        // down). A single target's are the session's, as without `[[targets]]`.
        let telemetry = match self.connected().await {
            Ok(telemetry) => telemetry,
            Err(why) => return failed(why, if qualify { FailureKind::Call } else { FailureKind::Credentials }),
        };
        // The loop's latest hot set, handed on before each fast poll (it may have come before the connection).
        if let (Feed::Fast, Some(hot)) = (feed, self.hot.lock().unwrap_or_else(|p| p.into_inner()).clone()) {
            telemetry.prioritize(&hot);
        }
        match telemetry.poll(feed).await {
            Ok(observations) => {
                self.status.lock().unwrap_or_else(|p| p.into_inner()).answered = true;
                // Failing: its credentials, or every call of the poll (an endpoint that died after it connected).
                let credentials = observations.iter().find_map(|o| match o {
                    Observation::Problem(p) if p.kind == FailureKind::Credentials => Some(p.error.clone()),
                    _ => None,
                });
                let answered = observations.iter().any(Observation::answers);
                let all_failed = observations.iter().find_map(|o| match o {
                    Observation::Problem(p) if !answered => Some(p.to_string()),
                    _ => None,
                });
                self.set_error(Some(feed), credentials.map(|e| format!("credentials: {e}")).or(all_failed));
                let status = self.status();
                observations
                    .into_iter()
                    .filter(|o| !matches!(o, Observation::Identity(_)))
                    .map(|mut o| {
                        if let Observation::Problem(p) = &mut o
                            && qualify
                        {
                            p.kind = FailureKind::Call;
                        }
                        if qualify { o.qualify(&status) } else { o }
                    })
                    .collect()
            }
            Err(e) => failed(e.to_string(), if qualify { FailureKind::Call } else { e.kind }),
        }
    }
}

/// What a feed's poll fills, so that a target failing it marks those panes stale.
fn subjects(feed: Feed) -> &'static [Subject] {
    match feed {
        Feed::Fast => &[Subject::Queues, Subject::DeadLetterQueues],
        Feed::Metrics => &[Subject::Queues, Subject::Databases],
        Feed::Inventory => &[Subject::Alarms, Subject::Functions, Subject::Databases, Subject::Changes],
    }
}

/// The targets, polled together.
pub struct TargetsTelemetry {
    targets: Vec<Arc<Target>>,
    /// How long a poll waits for a slow target (`TARGET_WAIT`); `None` for every target's answer (`patient`).
    wait: Option<Duration>,
}

impl TargetsTelemetry {
    /// The targets of `specs`, each with its clients; calls nothing.
    pub async fn new(specs: Vec<TargetSpec>, log_pattern: &str) -> Result<TargetsTelemetry, ConnectError> {
        let (mut targets, accounts) = (Vec::new(), Arc::new(Accounts::default()));
        for spec in specs {
            let name = spec.name.clone();
            let target = Target::new(spec, log_pattern, accounts.clone())
                .await
                .map_err(|e| ConnectError::Target(name, Box::new(e)))?;
            targets.push(Arc::new(target));
        }
        Ok(TargetsTelemetry { targets, wait: Some(TARGET_WAIT) })
    }

    /// Each poll waits for every target's answer, however slow (the SDK's timeouts bound it): for one-shot
    /// commands (`snapshot`, `export`), which have no later poll for a slow target's answer to come with.
    pub fn patient(mut self) -> Self {
        self.wait = None;
        self
    }

    /// Asks each target who it acts as, together; `Err` with every target's reason when none answered (a
    /// dashboard that can show nothing should not start), else how many did. Once one has answered, the others
    /// get `TARGET_WAIT` more: a target that hangs is asked again by its polls, and shows failing, while the
    /// others' rows go on (the SDK would otherwise hold the start for its 30 s timeout).
    pub async fn connect(&self) -> Result<usize, String> {
        use futures_util::stream::{FuturesUnordered, StreamExt};
        let mut asking: FuturesUnordered<_> = self.targets.iter().map(|t| t.connected()).collect();
        let (mut answered, mut deadline) = (0, None);
        loop {
            let next = match deadline {
                None => asking.next().await,
                Some(at) => tokio::time::timeout_at(at, asking.next()).await.unwrap_or(None),
            };
            match next {
                None => break,
                Some(Ok(_)) => {
                    answered += 1;
                    deadline.get_or_insert_with(|| tokio::time::Instant::now() + TARGET_WAIT);
                }
                Some(Err(_)) => {}
            }
        }
        if answered > 0 {
            return Ok(answered);
        }
        let why: Vec<String> = self
            .statuses()
            .into_iter()
            .map(|s| format!("{}: {}", s.label, s.error.unwrap_or_else(|| "no answer".to_string())))
            .collect();
        Err(format!("no target answered:\n  {}", why.join("\n  ")))
    }

    /// Every target's first polls read metrics and history from `since` (`AwsTelemetry::reaching_back`): for
    /// `export`. Before the first poll.
    pub fn reaching_back(mut self, since: DateTime<Utc>) -> Self {
        for target in &mut self.targets {
            if let Some(target) = Arc::get_mut(target) {
                target.reach = Some(since);
            }
        }
        self
    }

    /// Whether some target's poll of `feed` that did not answer in time has finished since.
    fn late_ready(&self, feed: Feed) -> bool {
        self.targets.iter().any(|t| t.running()[feed.index()].as_ref().is_some_and(|(h, _)| h.is_finished()))
    }

    /// Each target's poll of `feed`, side by side: a new one where none is still running. Waits for them all, or
    /// `TARGET_WAIT`; on a first fill, for those that have answered before and `FIRST_GRACE` more. A target
    /// whose poll has run `TARGET_WAIT` says so on the targets line and in the panes the feed fills; either way
    /// it answers with a later poll, as soon as it is in (`late_ready`).
    async fn poll_each(&self, feed: Feed, qualify: bool) -> Vec<Vec<Observation>> {
        if self.targets.len() == 1 {
            return vec![self.targets[0].poll(feed, qualify).await];
        }
        for target in &self.targets {
            let mut running = target.running();
            if running[feed.index()].is_none() {
                let target = target.clone();
                let poll = tokio::spawn(async move { target.poll(feed, qualify).await });
                running[feed.index()] = Some((poll, Instant::now()));
            }
        }
        let deadline = self.wait.map(|wait| Instant::now() + wait);
        let finished = |t: &Target| t.running()[feed.index()].as_ref().is_none_or(|(h, _)| h.is_finished());
        let mut known_in: Option<Instant> = None;
        while deadline.is_none_or(|d| Instant::now() < d) && !self.targets.iter().all(|t| finished(t)) {
            // Every target that has answered before is in (on a first fill, any one): the others get a grace.
            let known = self.targets.iter().filter(|t| t.answered()).all(|t| finished(t));
            if self.wait.is_some() && known && self.targets.iter().any(|t| finished(t)) {
                let since = *known_in.get_or_insert_with(Instant::now);
                if since.elapsed() >= FIRST_GRACE {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let mut polls = Vec::new();
        for target in &self.targets {
            let (done, ran) = {
                let mut running = target.running();
                match running[feed.index()].take() {
                    Some((handle, _)) if handle.is_finished() => (Some(handle), Duration::ZERO),
                    other => {
                        let ran = other.as_ref().map_or(Duration::ZERO, |(_, began)| began.elapsed());
                        running[feed.index()] = other;
                        (None, ran)
                    }
                }
            };
            match done {
                Some(handle) => polls.push(handle.await.unwrap_or_else(|e| {
                    let why = format!("{} poll stopped: {e}", feed.label());
                    vec![Observation::problem(subjects(feed)[0], None, why).qualify(&target.status())]
                })),
                // Its rows are not there yet (a first poll still discovering) or are getting old: its panes
                // say what they wait for, as the targets line does.
                None if ran >= TARGET_WAIT => {
                    let why = format!("{} poll: no answer for {} s, still waiting", feed.label(), ran.as_secs());
                    target.set_error(Some(feed), Some(why.clone()));
                    let status = target.status();
                    polls.push(
                        subjects(feed).iter().map(|s| Observation::problem(*s, None, &why).qualify(&status)).collect(),
                    );
                }
                // Not answered yet, within the wait: `…` on the targets line until it is.
                None => {}
            }
        }
        polls
    }

    /// Each target, in the config's order.
    pub fn targets(&self) -> &[Arc<Target>] {
        &self.targets
    }

    /// Every target's status.
    pub fn statuses(&self) -> Vec<TargetStatus> {
        self.targets.iter().map(|t| t.status()).collect()
    }
}

impl Telemetry for TargetsTelemetry {
    fn location(&self) -> String {
        let accounts: std::collections::BTreeSet<String> =
            self.statuses().into_iter().filter_map(|s| s.account).collect();
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let (targets, accounts) = (self.targets.len(), accounts.len());
        format!("{targets} target{} in {accounts} account{}", plural(targets), plural(accounts))
    }

    fn cadence(&self, feed: Feed) -> Duration {
        super::aws::cadence(feed)
    }

    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    /// Each target's calls, labelled: quotas are per account and region, so each target's count against its
    /// own (`prod/us-east-1 sqs:GetQueueAttributes`, bucket `prod/us-east-1 SQS …`). Targets in one account and
    /// region share a budget, so their buckets share one line, under all their names (`a,b/us-east-1 SQS`); a
    /// reason Service Quotas was not read names them too.
    fn call_rates(&self) -> Vec<CallRate> {
        let statuses: Vec<TargetStatus> = self.targets.iter().map(|t| t.status()).collect();
        let mut rates = Vec::new();
        for (target, status) in self.targets.iter().zip(&statuses) {
            let label = &status.label;
            let sharing: Vec<&str> = statuses
                .iter()
                .filter(|s| s.account.is_some() && s.account == status.account && s.region == status.region)
                .filter_map(|s| s.label.strip_suffix(&format!("{SEPARATOR}{}", s.region)))
                .collect();
            let owner = match sharing.as_slice() {
                [_, _, ..] => format!("{}{SEPARATOR}{}", sharing.join(","), status.region),
                _ => label.clone(),
            };
            for mut rate in crate::aws::budget::rates(&target.clients.calls, &target.clients.budget) {
                rate.action = format!("{label} {}", rate.action);
                if let Some(budget) = &mut rate.budget {
                    budget.bucket = format!("{owner} {}", budget.bucket);
                    if let QuotaSource::Unread(why) = &mut budget.source {
                        *why = format!("{owner} {why}");
                    }
                }
                rates.push(rate);
            }
        }
        rates
    }

    fn late_answer_ready(&self, feed: Feed) -> bool {
        self.late_ready(feed)
    }

    /// Each target gets the names of its own resources, without their label.
    fn prioritize(&self, hot: &[String]) {
        for target in &self.targets {
            let status = target.status();
            let own: Vec<String> = match self.targets.len() {
                1 => hot.to_vec(),
                _ => hot
                    .iter()
                    .filter_map(|name| name.strip_prefix(&status.label)?.strip_prefix(SEPARATOR).map(str::to_string))
                    .collect(),
            };
            *target.hot.lock().unwrap_or_else(|p| p.into_inner()) = Some(own);
        }
    }

    fn poll(&self, feed: Feed) -> BoxFuture<'_, Result<Vec<Observation>, TelemetryError>> {
        Box::pin(async move {
            let qualify = self.targets.len() > 1;
            let polls = self.poll_each(feed, qualify).await;
            // Targets first: the state reads which target a credentials problem is in before it folds it.
            let mut observations = vec![Observation::Targets(self.statuses())];
            // Each target's read periods replace what was known: one list of them all, or another target's
            // would be lost.
            // So is whether a list was cut: cut in any target, it is said (with how many were read in all).
            let (mut every, mut tiered) = (Vec::new(), false);
            let mut capped: std::collections::BTreeMap<CappedList, Option<usize>> = Default::default();
            for obs in polls.into_iter().flatten() {
                match obs {
                    Observation::ReadEvery(mine) => {
                        tiered = true;
                        every.extend(mine);
                    }
                    Observation::Capped { list, shown } => {
                        let so_far = capped.entry(list).or_insert(None);
                        *so_far = match (*so_far, shown) {
                            (Some(a), Some(b)) => Some(a + b),
                            (a, b) => a.or(b),
                        };
                    }
                    other => observations.push(other),
                }
            }
            if tiered {
                observations.push(Observation::ReadEvery(every));
            }
            observations.extend(capped.into_iter().map(|(list, shown)| Observation::Capped { list, shown }));
            Ok(observations)
        })
    }
}
