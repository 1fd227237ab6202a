//! The simulator's operator: the same calls as AWS, applied to the simulated world.

use std::time::Duration;

use super::{Op, OpError, Operator};
use crate::model::RedriveStatus;
use crate::telemetry::BoxFuture;
use crate::telemetry::sim::{Sim, World};

pub struct SimOperator {
    sim: Sim,
}

impl SimOperator {
    pub fn new(sim: Sim) -> Self {
        Self { sim }
    }
}

fn parse_version(v: &str) -> Result<u32, OpError> {
    v.parse().map_err(|_| OpError::Refused(format!("InvalidParameterValueException: version `{v}`")))
}

/// The calls applied to the world: what the simulated AWS does on UpdateAlias, RebootDBInstance and the rest.
/// The operator runs it live; `export --demo` replays the journal through it.
pub fn apply(world: &mut World, op: &Op, actor: &str) -> Result<String, OpError> {
    match op {
        Op::Rollback { function, alias, from, to } => {
            let (from_v, to_v) = (parse_version(from)?, parse_version(to)?);
            world.update_alias(function, alias, from_v, to_v, actor).map_err(|e| {
                if e.0.starts_with("PreconditionFailed") { OpError::Conflict(e.0) } else { OpError::Refused(e.0) }
            })?;
            Ok(format!("{function}:{alias} now points to {to}"))
        }
        Op::Reboot { instance, .. } => {
            world.reboot_instance(instance, actor).map_err(|e| OpError::Refused(e.0))?;
            Ok(format!("{instance} status: rebooting"))
        }
        Op::Failover { cluster, target } => {
            world.failover_cluster(cluster, target.as_deref(), actor).map_err(|e| OpError::Refused(e.0))?;
            Ok(format!("{cluster} status: failing-over"))
        }
        Op::Redrive { dlq, destination, rate } => {
            let handle =
                world.start_redrive(dlq, destination.as_deref(), *rate, actor).map_err(|e| OpError::Refused(e.0))?;
            Ok(format!("TaskHandle={handle}"))
        }
        Op::CancelRedrive { task, .. } => {
            world.cancel_redrive(task, actor).map_err(|e| OpError::Refused(e.0))?;
            Ok(format!("{task} cancelling"))
        }
    }
}

/// How long (simulated) verification waits for the resource to settle.
const VERIFY_WITHIN: chrono::Duration = chrono::Duration::minutes(15);

impl Operator for SimOperator {
    fn execute<'a>(&'a self, op: &'a Op, actor: &'a str) -> BoxFuture<'a, Result<String, OpError>> {
        Box::pin(async move { apply(&mut self.sim.world(), op, actor) })
    }

    fn verify<'a>(&'a self, op: &'a Op) -> BoxFuture<'a, Result<String, OpError>> {
        Box::pin(async move {
            let deadline = self.sim.now() + VERIFY_WITHIN;
            loop {
                if let Some(verdict) = check(&self.sim, op) {
                    return Ok(verdict);
                }
                if self.sim.now() > deadline {
                    return Err(OpError::NotVerified(format!(
                        "{} did not settle within 15 simulated minutes",
                        op.target()
                    )));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    }
}

/// The verified result, once the world shows it.
fn check(sim: &Sim, op: &Op) -> Option<String> {
    let world = sim.world();
    match op {
        Op::Rollback { function, alias, to, .. } => {
            (world.alias_version().to_string() == *to).then(|| format!("GetAlias: {function}:{alias} → {to}"))
        }
        Op::Reboot { instance, .. } => (world.instance_status(instance) == Some("available"))
            .then(|| format!("DescribeDBInstances: {instance} available")),
        Op::Failover { cluster, .. } => (world.cluster_status() == "available")
            .then(|| format!("DescribeDBClusters: {cluster} available, writer {}", world.writer_id().unwrap_or("?"))),
        Op::Redrive { dlq, .. } => world
            .redrive()
            .filter(|t| t.dlq == *dlq)
            .map(|t| format!("ListMessageMoveTasks: {} {}", t.handle, t.status.label())),
        Op::CancelRedrive { task, .. } => world
            .redrive()
            .filter(|t| t.handle == *task && t.status != RedriveStatus::Running)
            .map(|t| format!("ListMessageMoveTasks: {task} {}", t.status.label())),
    }
}
