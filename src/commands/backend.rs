//! Where the data comes from and who may change things: the one place an operator is built. In a read-only session
//! `Guard::new` never calls its closure, so no operator exists.

use std::sync::Arc;

use warroom_core::export::RunInProgress;
use warroom_core::sim::Sim;

use super::{Setup, StartError};
use crate::aws::connect::{self, Clients};
use crate::follow::followed::{Anchor, Followed};
use crate::follow::{FollowSource, StreamLink};
use crate::ops::Operator;
use crate::ops::aws::AwsOperator;
use crate::ops::guard::Guard;
use crate::ops::sim::SimOperator;
use crate::ops::targets::TargetOperator;
use crate::telemetry::Telemetry;
use crate::telemetry::aws::AwsTelemetry;
use crate::telemetry::sim::SimTelemetry;
use crate::telemetry::targets::TargetsTelemetry;
use crate::war_room::WarRoomLink;
use warroom_core::model::StreamAuthor;

/// Telemetry and the guard of one session.
pub struct Backend {
    /// Where the data comes from.
    pub telemetry: Arc<dyn Telemetry>,
    /// The door to the operator.
    pub guard: Guard,
    /// The AWS principal the calls are signed as (STS GetCallerIdentity's `Arn`), for the journal; `None` in a
    /// demo and for a follower.
    pub principal: Option<String>,
    /// The clients telemetry calls AWS with (live), or those a follower reads its stream with: the war room and
    /// follow mode use the same ones, so their calls count against the same budget. `None` in a demo.
    pub clients: Option<Clients>,
    /// With `--follow`: the stream to read and whom to follow.
    pub follow: Option<FollowSource>,
}

/// The simulator (with `--demo`; joining `run`, another demo dashboard's run in progress, when given, at that
/// run's speed) or AWS, connected; exit 3 when AWS will not answer.
pub async fn backend(setup: &Setup, read_only: bool, run: Option<&RunInProgress>) -> Result<Backend, StartError> {
    if let Some(name) = &setup.cli.follow {
        // `--follow` alone: whoever published last.
        return follower(setup, Some(name).filter(|n| !n.is_empty()).cloned()).await;
    }
    match &setup.scenario {
        Some(scenario) => {
            let speed = run.map_or(setup.cli.demo_speed(), |r| r.speed);
            let operations = run.map_or(&[][..], |r| r.operations.as_slice());
            let sim = Sim::join(scenario.clone(), speed, run.map(|r| r.clock), operations);
            let telemetry: Arc<dyn Telemetry> = Arc::new(SimTelemetry::new(sim.clone()));
            let guard = Guard::new(read_only, || Arc::new(SimOperator::new(sim)));
            Ok(Backend { telemetry, guard, principal: None, clients: None, follow: None })
        }
        None if setup.targets()?.is_some() => targets(setup, read_only).await,
        None => {
            let telemetry = live_telemetry(setup).await?.reading_quotas();
            let clients = telemetry.clients().clone();
            let guard = Guard::new(read_only, || Arc::new(AwsOperator::new(clients)));
            let principal = Some(telemetry.identity().principal.clone());
            let clients = Some(telemetry.clients().clone());
            Ok(Backend { telemetry: Arc::new(telemetry), guard, principal, clients, follow: None })
        }
    }
}

/// Several targets: one telemetry and, for each target that is not read-only, one operator on its own clients
/// (`Guard::targets` builds none for a read-only one). Exit 3 when no target answers; one that does not yet is
/// retried by its polls and shown failing meanwhile. The war room and follow mode use the first target's clients.
async fn targets(setup: &Setup, read_only: bool) -> Result<Backend, StartError> {
    let specs = setup.targets()?.unwrap_or_default();
    let mut telemetry =
        TargetsTelemetry::new(specs, setup.config.logs.pattern()).await.map_err(|e| StartError::Aws(e.to_string()))?;
    // A snapshot polls once: a slow target's answer has no later poll to come with.
    if matches!(setup.cli.command, Some(crate::cli::Command::Snapshot { .. })) {
        telemetry = telemetry.patient();
    }
    telemetry.connect().await.map_err(StartError::Aws)?;
    let operators = telemetry
        .targets()
        .iter()
        .map(|target| {
            let status = target.status();
            let (shared, clients) = (target.status.clone(), target.clients.clone());
            let build: Box<dyn FnOnce() -> Arc<dyn Operator>> = Box::new(move || {
                Arc::new(TargetOperator { status: shared, inner: Arc::new(AwsOperator::new(clients)) })
            });
            (status.label, status.read_only, build)
        })
        .collect();
    // One target's names carry no label: its operator is the plain one, as without `[[targets]]`.
    let guard = match telemetry.targets() {
        [one] => {
            let (status, clients) = (one.status(), one.clients.clone());
            Guard::new(read_only || status.read_only, || Arc::new(AwsOperator::new(clients)))
        }
        _ => Guard::targets(read_only, operators),
    };
    let principal = telemetry.statuses().into_iter().find_map(|s| s.principal);
    let clients = telemetry.targets().first().map(|t| t.clients.clone());
    Ok(Backend { telemetry: Arc::new(telemetry), guard, principal, clients, follow: None })
}

/// A follower: no telemetry client and no operator (as in `--read-only`, none is constructed); the clients read
/// the publisher's stream and write the follower's notes to the war room. Refused without a follow bucket.
async fn follower(setup: &Setup, name: Option<String>) -> Result<Backend, StartError> {
    let clients = aws_clients(setup).await;
    let link = stream_link(setup, &clients).ok_or_else(|| {
        StartError::Usage(
            "--follow reads the operator's stream from S3: set [journal] follow_bucket in the config (the same as the operator's)"
                .to_string(),
        )
    })?;
    let anchor = Anchor::default();
    let publisher = name.clone().unwrap_or_else(|| crate::follow::read::LATEST.to_string());
    let telemetry = Arc::new(Followed { anchor: anchor.clone(), clients: clients.clone(), publisher });
    let follow = Some(FollowSource { link, name, anchor });
    Ok(Backend { telemetry, guard: Guard::read_only(), principal: None, clients: Some(clients), follow })
}

/// What a follower runs to poll AWS itself once its publisher stops: the live path's telemetry for what the
/// config and flags watch (its `[[targets]]`, `--profile a,b`, `--region x,y`, else `[watch]` in one account),
/// connected when asked (credentials and identity checked then, not at start). `Err` for a mistake in the targets
/// (a mistyped region): said at start, not at the key.
pub fn own_polling(setup: &Setup) -> Result<crate::follow::followed::OwnPolling, StartError> {
    let (options, watch) = (setup.aws_options(), setup.config.watch.clone());
    let pattern = setup.config.logs.pattern().to_string();
    let specs = setup.targets()?;
    Ok(Arc::new(move || {
        let (options, watch, pattern, specs) = (options.clone(), watch.clone(), pattern.clone(), specs.clone());
        Box::pin(async move {
            if let Some(specs) = specs {
                let targets = TargetsTelemetry::new(specs, &pattern).await.map_err(|e| e.to_string())?;
                targets.connect().await?;
                let telemetry: Arc<dyn Telemetry> = Arc::new(targets);
                return Ok(telemetry);
            }
            let connection = connect::connect(&options).await.map_err(|e| e.to_string())?;
            let telemetry: Arc<dyn Telemetry> =
                Arc::new(AwsTelemetry::new(connection, watch).with_log_pattern(&pattern).reading_quotas());
            Ok(telemetry)
        })
    }))
}

/// Clients on the same credentials chain as the live path, without its identity check: for what a demo or a
/// follower calls (the war room, follow mode's stream).
pub async fn aws_clients(setup: &Setup) -> Clients {
    Clients::new(&crate::aws::connect::load_config(&setup.aws_options()).await)
}

/// Follow mode's stream on `clients`, when the config names a bucket.
pub fn stream_link(setup: &Setup, clients: &Clients) -> Option<StreamLink> {
    let journal = &setup.config.journal;
    Some(StreamLink {
        s3: clients.s3.clone(),
        bucket: journal.follow_bucket.clone()?,
        prefix: journal.follow_prefix.clone().unwrap_or_else(|| crate::follow::DEFAULT_PREFIX.to_string()),
    })
}

/// AWS telemetry for what the config watches.
pub async fn live_telemetry(setup: &Setup) -> Result<AwsTelemetry, StartError> {
    let connection = connect::connect(&setup.aws_options()).await.map_err(|e| StartError::Aws(e.to_string()))?;
    Ok(AwsTelemetry::new(connection, setup.config.watch.clone()).with_log_pattern(setup.config.logs.pattern()))
}

/// The war room's link, when the config names a log group: the session's clients (`Backend::clients`), in
/// a demo too (so a demo can be run as a team exercise). The stream is named after who IAM lets write there
/// (`StreamAuthor`), from one sts:GetCallerIdentity; when that fails the stream is unverified, and the
/// writer's first call reports why.
pub async fn war_room_link(setup: &Setup, clients: &Clients, session_id: &str) -> Option<WarRoomLink> {
    let group = setup.config.journal.log_group.clone()?;
    let sdk = crate::aws::connect::load_config(&setup.aws_options()).await;
    let principal = connect::caller_arn(&sdk).await;
    let author = StreamAuthor::for_session(
        principal.as_deref(),
        setup.config.journal.source_identity.as_deref(),
        &setup.operator,
    );
    Some(WarRoomLink {
        // The session's clients: the war room's reads count against the same FilterLogEvents budget as the
        // consumers' logs.
        logs: clients.logs.clone(),
        group,
        stream: author.stream(session_id),
        author,
        own_session: session_id.to_string(),
    })
}

/// One poll of every feed into `state`, inventory first (it discovers what the other feeds read): what
/// `snapshot` prints and `export` reads the history from.
pub async fn poll_once(telemetry: &dyn Telemetry, state: &mut warroom_core::state::State) {
    use warroom_core::model::Feed;
    use warroom_core::state::Msg;
    for feed in [Feed::Inventory, Feed::Fast, Feed::Metrics] {
        let result = telemetry.poll(feed).await;
        state.update(Msg::Telemetry { feed, result });
    }
}
