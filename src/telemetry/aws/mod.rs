//! The live read side: the official SDK clients behind the same `Telemetry` trait as the simulator.
//! One `AwsTelemetry` holds what discovery found (queue URLs and ARNs, DLQs, consumers, aliases, clusters) and
//! what earlier polls saw (alias versions, the last history timestamps), so each poll asks only for what changed.

pub mod alarms;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod cursor;
pub mod discovery;
pub mod insights;
pub mod lambda;
pub mod logs;
pub mod mappings;
pub mod rds;
pub mod sqs;
pub mod tiers;
pub mod versions;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use warroom_core::config::Watch;
use warroom_core::model::{FailureKind, Feed, Observation, Subject, TelemetryError};

use super::Telemetry;
use crate::aws::{AwsError, AwsErrorKind, Clients, Connection};
use crate::backoff::Backoff;
use cursor::{Cursor, Order};
pub use discovery::Inventory;

/// How far back each metrics poll re-reads: CloudWatch publishes a period's datapoints late and revises them as
/// data arrives (most within a few minutes). A revision older than this is not seen until warroom restarts.
const REVISION_WINDOW: chrono::Duration = chrono::Duration::minutes(5);

/// How far back the first metrics poll reaches, so charts open with history.
const HISTORY: chrono::Duration = chrono::Duration::hours(3);

/// Real time between two live polls of `feed`: SQS counts every 5 s, CloudWatch metrics every minute (its
/// 1-minute periods), the inventory (alarms, aliases, clusters, events) every 30 s.
pub fn cadence(feed: Feed) -> Duration {
    match feed {
        Feed::Fast => Duration::from_secs(5),
        Feed::Metrics => Duration::from_secs(60),
        Feed::Inventory => Duration::from_secs(30),
    }
}

/// Telemetry from AWS (or an emulator), through the official SDK.
pub struct AwsTelemetry {
    connection: Connection,
    watch: Option<Watch>,
    /// The CloudWatch Logs filter pattern for the consumers' error lines (`[logs] pattern`).
    log_pattern: String,
    memory: Mutex<Memory>,
    /// The three feeds start together; one discovers while the others wait for its result.
    discovering: tokio::sync::Mutex<()>,
    /// The queues and DLQs the dashboard wants read every fast poll (`Telemetry::prioritize`); `None` until it
    /// asks, and then every queue is read every poll.
    hot: Mutex<Option<std::collections::HashSet<String>>>,
    /// Calls one fast poll may make (`tiers::FAST_POLL_CALLS`).
    fast_calls: usize,
    /// Whether the first inventory poll reads the account's quotas (`reading_quotas`).
    read_quotas: bool,
}

/// What earlier polls learned.
#[derive(Debug, Default)]
struct Memory {
    inventory: Inventory,
    discovered: bool,
    aliases: lambda::AliasMemory,
    /// The published versions of the functions mappings pin or invoke as `$LATEST`.
    published: mappings::PublishedMemory,
    /// Where the next metrics poll starts.
    metrics_since: Option<DateTime<Utc>>,
    /// Where the first alarm history, RDS events and CloudTrail reads start (three hours back unless
    /// `reaching_back` says otherwise).
    history_from: Option<DateTime<Utc>>,
    /// Where each event feed reads next, and what it has passed on.
    cursors: EventCursors,
    /// The consumers' log groups and where each one's next read starts.
    logs: logs::LogMemory,
    /// Where each DB instance's next Performance Insights read starts (absent: its first reaches back).
    insights_since: std::collections::HashMap<String, DateTime<Utc>>,
    identity_sent: bool,
    /// Whether Service Quotas was asked for the budget's quotas (`AwsTelemetry::reading_quotas`).
    quotas_asked: bool,
    /// Where the turn of the queues not read every fast poll stands.
    rotation: usize,
    /// Where the turn of the queues whose mappings are not re-read every inventory poll stands.
    mapping_rotation: usize,
    /// Whether the last fast poll read only some queues.
    tiered: bool,
    /// Set while what discovery found is incomplete because calls failed: when to discover again.
    rediscover_at: Option<Instant>,
    rediscovery: Option<Backoff>,
}

/// The event feeds' cursors, each reading back over its own delivery lag.
#[derive(Debug, Clone)]
struct EventCursors {
    /// DescribeAlarmHistory, newest first.
    transitions: Cursor,
    /// RDS DescribeEvents, oldest first.
    database: Cursor,
    /// CloudTrail LookupEvents, newest first.
    changes: Cursor,
}

impl Default for EventCursors {
    fn default() -> Self {
        EventCursors {
            transitions: Cursor::new(Order::NewestFirst, alarms::ALARM_HISTORY_LAG),
            database: Cursor::new(Order::OldestFirst, rds::RDS_EVENTS_LAG),
            changes: Cursor::new(Order::NewestFirst, cloudtrail::CLOUDTRAIL_LAG),
        }
    }
}

/// After a discovery that met failing calls, the first retry comes with the next inventory poll; later ones
/// back off from a minute to a quarter of an hour (a whole discovery is a few calls per watched resource).
const REDISCOVERY_BASE: Duration = Duration::from_secs(60);
const REDISCOVERY_CAP: Duration = Duration::from_secs(15 * 60);

/// Whether discovery met a failing call (as opposed to a resource that does not exist, which a retry will not find).
fn incomplete(inventory: &Inventory) -> bool {
    inventory.notes.iter().any(|n| matches!(n, Observation::Problem(_)))
}

impl AwsTelemetry {
    /// Reads what `watch` names (everything in the region when `None`) through `connection`.
    pub fn new(connection: Connection, watch: Option<Watch>) -> Self {
        Self {
            connection,
            watch,
            log_pattern: warroom_core::config::DEFAULT_ERROR_PATTERN.to_string(),
            memory: Mutex::new(Memory::default()),
            discovering: tokio::sync::Mutex::new(()),
            hot: Mutex::new(None),
            fast_calls: tiers::FAST_POLL_CALLS,
            read_quotas: false,
        }
    }

    /// Its first inventory poll also reads the account's quotas from Service Quotas into the clients' budget
    /// (`quotas::read_once`, once per account and region), on a task of its own: what a dashboard does. Off
    /// by default, so that a one-shot reader or a test's poll makes only the calls its feeds make.
    pub fn reading_quotas(mut self) -> Self {
        self.read_quotas = true;
        self
    }

    /// The consumers' error lines are those `pattern` (a CloudWatch Logs filter pattern) matches.
    pub fn with_log_pattern(mut self, pattern: &str) -> Self {
        self.log_pattern = pattern.to_string();
        self
    }

    /// The first polls read metrics and alarm history from `since` instead of the last three hours: for
    /// `export`, which needs the whole incident.
    pub fn reaching_back(self, since: DateTime<Utc>) -> Self {
        {
            let mut memory = self.memory();
            memory.metrics_since = Some(since);
            memory.history_from = Some(since);
        }
        self
    }

    /// Who the credentials belong to, as STS GetCallerIdentity said at connection.
    pub fn identity(&self) -> &warroom_core::model::Identity {
        &self.connection.identity
    }

    /// The clients, for an operator acting on the same account.
    pub fn clients(&self) -> &Clients {
        &self.connection.clients
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.memory.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The inventory, discovering it first when no poll has yet.
    async fn inventory(&self) -> Inventory {
        if self.memory().discovered {
            return self.memory().inventory.clone();
        }
        let _one_at_a_time = self.discovering.lock().await;
        if self.memory().discovered {
            return self.memory().inventory.clone();
        }
        let inventory = discovery::discover(self.clients(), self.watch.as_ref()).await;
        let mut memory = self.memory();
        memory.inventory = inventory.clone();
        memory.discovered = true;
        memory.rediscover_at = incomplete(&inventory).then(Instant::now);
        inventory
    }

    /// Discovers again when an earlier discovery met failing calls and its retry is due: a queue whose URL could
    /// not be read at start (the endpoint was down) is found once it answers, and its pane stops being stale.
    async fn rediscover_if_due(&self) {
        let due = self.memory().rediscover_at.is_some_and(|at| Instant::now() >= at);
        if !due {
            return;
        }
        let _one_at_a_time = self.discovering.lock().await;
        let fresh = discovery::discover(self.clients(), self.watch.as_ref()).await;
        let mut memory = self.memory();
        let backoff = memory.rediscovery.get_or_insert_with(|| Backoff::new(REDISCOVERY_BASE, REDISCOVERY_CAP));
        if incomplete(&fresh) {
            backoff.failed();
            memory.rediscover_at = Some(Instant::now() + backoff.wait());
        } else {
            backoff.succeeded();
            memory.rediscover_at = None;
        }
        // What the inventory poll learned of each instance (its status, whether Performance Insights is on)
        // stays until that poll reads it again.
        let last_status = std::mem::take(&mut memory.inventory.last_status);
        let insights = std::mem::take(&mut memory.inventory.insights);
        memory.inventory = Inventory { last_status, insights, ..fresh };
    }

    async fn poll_fast(&self) -> Result<Vec<Observation>, TelemetryError> {
        let inventory = self.inventory().await;
        let hot = self.hot.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let cadence = cadence(Feed::Fast).as_secs() as u32;
        let pick = {
            let mut memory = self.memory();
            tiers::pick(
                &inventory.queues,
                &inventory.dlqs,
                hot.as_ref(),
                &mut memory.rotation,
                self.fast_calls,
                cadence,
            )
        };
        let mut out = sqs::poll(self.clients(), &inventory, &pick).await;
        // Said while tiered, and once more (empty) when it stops, so that the rows drop their period.
        let tiered = pick.every.is_some();
        if tiered || std::mem::replace(&mut self.memory().tiered, tiered) {
            out.push(Observation::ReadEvery(pick.every.unwrap_or_default()));
        }
        Ok(out)
    }

    /// At most `calls` calls a fast poll (tests give a small account the tiering of a big one).
    pub fn with_fast_poll_calls(mut self, calls: usize) -> Self {
        self.fast_calls = calls;
        self
    }

    async fn poll_metrics(&self) -> Result<Vec<Observation>, TelemetryError> {
        let inventory = self.inventory().await;
        let now = Utc::now();
        let since = self.memory().metrics_since.unwrap_or(now - HISTORY);
        let queries = cloudwatch::queries_for(&inventory);
        let fetched = cloudwatch::fetch(&self.clients().cloudwatch, &queries, since, now).await?;
        let mut out = fetched.observations;
        // Performance Insights' answers are the database pane's own: a failure there marks only its top SQL. Each
        // instance's first read reaches back as far as the metrics' first did, whenever the inventory poll found
        // it; later reads re-read the revision window.
        let reads: Vec<(insights::PiInstance, DateTime<Utc>)> = {
            let memory = self.memory();
            let first = memory.history_from.unwrap_or(now - HISTORY);
            inventory
                .insights
                .iter()
                .map(|i| (i.clone(), memory.insights_since.get(&i.id).copied().unwrap_or(first)))
                .collect()
        };
        let read = insights::poll(&self.clients().pi, &reads, now).await;
        for o in &read {
            if let Observation::InsightsRead { instance, error: None } = o {
                self.memory().insights_since.insert(instance.clone(), now - REVISION_WINDOW);
            }
        }
        out.extend(read);
        // Ask again for the last few periods next time: CloudWatch (and Performance Insights) revise the newest
        // points as data arrives, and the series keep the latest answer for each minute.
        self.memory().metrics_since = Some(now - REVISION_WINDOW);
        Ok(out)
    }

    async fn poll_inventory(&self) -> Result<Vec<Observation>, TelemetryError> {
        // The account's quotas, read beside the first poll (its calls are paced by the documented ones meanwhile).
        if self.read_quotas && !std::mem::replace(&mut self.memory().quotas_asked, true) {
            let clients = self.clients().clone();
            tokio::spawn(async move { crate::aws::quotas::read_once(&clients.servicequotas, &clients.budget).await });
        }
        // Again if an earlier discovery met failing calls and its retry is due (the first discovery, if no poll
        // has made it yet, happens in `inventory`).
        self.rediscover_if_due().await;
        let mut inventory = self.inventory().await;
        let mut out = Vec::new();
        if !self.memory().identity_sent {
            out.push(Observation::Identity(self.connection.identity.clone()));
            self.memory().identity_sent = true;
        }
        // Clusters can gain or lose members (a failover changes roles): refresh them every poll.
        let rds_obs = rds::poll(self.clients(), &mut inventory).await;
        out.extend(rds_obs);
        let now = Utc::now();
        let (first, mut cursors) = {
            let memory = self.memory();
            (memory.history_from.unwrap_or(now - chrono::Duration::hours(3)), memory.cursors.clone())
        };
        let clients = self.clients();
        out.extend(alarms::poll_alarms(&clients.cloudwatch, &inventory, &mut cursors.transitions, first, now).await);
        out.extend(rds::events(clients, &inventory, &mut cursors.database, first, now).await);
        out.extend(cloudtrail::changes(clients, &inventory, &mut cursors.changes, first, now).await);
        // Mappings are re-read each poll: one paused or re-pointed by anyone shows within a poll. In an account of
        // a thousand queues that would hold Lambda's control plane at its pace for minutes, and every other read
        // of this poll (alarms, aliases) behind it: the hot queues' are read each poll, the rest in turn.
        let hot = self.hot.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let picked: Vec<(&str, &str)> = {
            let mut memory = self.memory();
            let rotation = &mut memory.mapping_rotation;
            let pick = tiers::pick(&inventory.queues, &[], hot.as_ref(), rotation, tiers::MAPPING_READS, 30);
            pick.queues.iter().map(|q| (q.name.as_str(), q.arn.as_str())).collect()
        };
        let queues = picked.into_iter();
        let mut published = std::mem::take(&mut self.memory().published);
        out.extend(mappings::poll(clients, queues, &mut published, now).await);
        self.memory().published = published;
        let aliases = {
            let memory = self.memory();
            memory.aliases.clone()
        };
        let (alias_obs, aliases) = lambda::poll(self.clients(), &inventory, aliases, now).await;
        out.extend(alias_obs);
        // The consumers' error lines, from where each one's last read ended (the first reaches back like the
        // other event feeds).
        let mut consumers: Vec<String> = inventory.functions.iter().map(|f| f.name.clone()).collect();
        consumers.sort();
        consumers.dedup();
        let mut log_memory = std::mem::take(&mut self.memory().logs);
        out.extend(logs::poll(clients, &consumers, &self.log_pattern, &mut log_memory, first, now).await);
        self.memory().logs = log_memory;
        let mut memory = self.memory();
        memory.aliases = aliases;
        memory.cursors = cursors;
        memory.inventory.clusters = inventory.clusters;
        memory.inventory.last_status = inventory.last_status;
        memory.inventory.insights = inventory.insights;
        Ok(out)
    }
}

impl Telemetry for AwsTelemetry {
    fn call_rates(&self) -> Vec<warroom_core::model::CallRate> {
        crate::aws::budget::rates(&self.connection.clients.calls, &self.connection.clients.budget)
    }

    fn prioritize(&self, hot: &[String]) {
        *self.hot.lock().unwrap_or_else(|p| p.into_inner()) = Some(hot.iter().cloned().collect());
    }

    fn location(&self) -> String {
        let id = &self.connection.identity;
        format!("{} · {}", id.account, id.region)
    }

    fn cadence(&self, feed: Feed) -> Duration {
        cadence(feed)
    }

    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn poll(&self, feed: Feed) -> BoxFuture<'_, Result<Vec<Observation>, TelemetryError>> {
        Box::pin(async move {
            match feed {
                Feed::Fast => self.poll_fast().await,
                Feed::Metrics => self.poll_metrics().await,
                Feed::Inventory => self.poll_inventory().await,
            }
        })
    }
}

/// SQS calls in flight at once in one poll or discovery: a hung endpoint costs one attempt timeout per poll, not
/// one per queue, while a hundred queues stay well inside SQS's request rates (each call still waits for the
/// budget's pace).
pub(super) const CONCURRENT_CALLS: usize = 8;

/// One failed call of a poll, as an observation: a call that failed for its credentials says so, so that one
/// banner speaks for every pane instead of each repeating the provider's error.
pub(super) fn problem(subject: Subject, resource: Option<&str>, error: AwsError) -> Observation {
    match error.kind {
        // The provider's own words after the call: "no credentials" is what the banner already says.
        AwsErrorKind::Credentials => {
            let said = match &error.code {
                Some(code) => format!("{}: {code}: {}", error.action, error.message),
                None => format!("{}: {}", error.action, error.message),
            };
            Observation::problem_of(FailureKind::Credentials, subject, resource, said)
        }
        _ => Observation::problem_of(FailureKind::Call, subject, resource, error),
    }
}

impl From<AwsError> for TelemetryError {
    fn from(e: AwsError) -> Self {
        let kind = if e.kind == AwsErrorKind::Credentials { FailureKind::Credentials } else { FailureKind::Call };
        TelemetryError { origin: e.action.to_string(), message: e.detail(), kind }
    }
}
