//! Where the data comes from and who may change things: the one place an operator is built. In a read-only session
//! `Guard::new` never calls its closure, so no operator exists.

use std::sync::Arc;

use warroom_core::export::RunInProgress;
use warroom_core::sim::Sim;

use super::{Setup, StartError};
use crate::aws::connect;
use crate::ops::aws::AwsOperator;
use crate::ops::guard::Guard;
use crate::ops::sim::SimOperator;
use crate::telemetry::Telemetry;
use crate::telemetry::aws::AwsTelemetry;
use crate::telemetry::sim::SimTelemetry;
use crate::war_room::WarRoomLink;
use warroom_core::model::StreamAuthor;

/// Telemetry and the guard of one session.
pub struct Backend {
    /// Where the data comes from.
    pub telemetry: Arc<dyn Telemetry>,
    /// The door to the operator.
    pub guard: Guard,
    /// The AWS principal the calls are signed as (STS GetCallerIdentity's `Arn`), for the journal; `None` in a
    /// demo.
    pub principal: Option<String>,
}

/// The simulator (with `--demo`; joining `run`, another demo dashboard's run in progress, when given, at that
/// run's speed) or AWS, connected; exit 3 when AWS will not answer.
pub async fn backend(setup: &Setup, read_only: bool, run: Option<&RunInProgress>) -> Result<Backend, StartError> {
    match &setup.scenario {
        Some(scenario) => {
            let speed = run.map_or(setup.cli.demo_speed(), |r| r.speed);
            let operations = run.map_or(&[][..], |r| r.operations.as_slice());
            let sim = Sim::join(scenario.clone(), speed, run.map(|r| r.clock), operations);
            let telemetry: Arc<dyn Telemetry> = Arc::new(SimTelemetry::new(sim.clone()));
            let guard = Guard::new(read_only, || Arc::new(SimOperator::new(sim)));
            Ok(Backend { telemetry, guard, principal: None })
        }
        None => {
            let telemetry = live_telemetry(setup).await?;
            let clients = telemetry.clients().clone();
            let guard = Guard::new(read_only, || Arc::new(AwsOperator::new(clients)));
            let principal = Some(telemetry.identity().principal.clone());
            Ok(Backend { telemetry: Arc::new(telemetry), guard, principal })
        }
    }
}

/// AWS telemetry for what the config watches.
pub async fn live_telemetry(setup: &Setup) -> Result<AwsTelemetry, StartError> {
    let connection = connect(&setup.aws_options()).await.map_err(|e| StartError::Aws(e.to_string()))?;
    Ok(AwsTelemetry::new(connection, setup.config.watch.clone()).with_log_pattern(setup.config.logs.pattern()))
}

/// The war room's link, when the config names a log group: the same credentials chain as the live path, in
/// a demo too (so a demo can be run as a team exercise). The stream is named after who IAM lets write there
/// (`StreamAuthor`), from one sts:GetCallerIdentity; when that fails the stream is unverified, and the
/// writer's first call reports why.
pub async fn war_room_link(setup: &Setup, session_id: &str) -> Option<WarRoomLink> {
    let group = setup.config.journal.log_group.clone()?;
    let sdk = crate::aws::connect::load_config(&setup.aws_options()).await;
    let principal = connect::caller_arn(&sdk).await;
    let author = StreamAuthor::for_session(
        principal.as_deref(),
        setup.config.journal.source_identity.as_deref(),
        &setup.operator,
    );
    Some(WarRoomLink {
        logs: aws_sdk_cloudwatchlogs::Client::new(&sdk),
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
