//! The simulated incident tells the story the README tells and reacts to operations the way AWS resources would.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use warroom_core::model::{AlarmState, DbStatus, RedriveStatus};
use warroom_core::sim::{Scenario, World};

const CPU_ALARM: &str = "core-db CPU > 70 %";
const AGE_ALARM: &str = "orders age of oldest message > 60 s";

fn world() -> World {
    World::new(Scenario::seed_incident().expect("seed scenario"))
}

fn run_to(world: &mut World, minute: f64) -> DateTime<Utc> {
    let t = world.at_minute(minute);
    world.advance_to(t);
    t
}

fn firing(world: &World, alarm: &str) -> bool {
    world.alarm_state(alarm) == Some(AlarmState::Alarm)
}

/// Runs until the writer is available again after a reboot or failover (at most `limit` minutes).
fn settle(world: &mut World, from: f64, limit: f64) -> f64 {
    let mut m = from;
    while m < from + limit {
        m += 0.5;
        run_to(world, m);
        if world.cluster_status().is_available()
            && world.writer_id().and_then(|w| world.instance_status(w)).is_some_and(DbStatus::is_available)
        {
            break;
        }
    }
    m
}

#[test]
#[ignore = "prints the trajectory; run with --ignored --nocapture when tuning a scenario"]
fn print_trajectory() {
    let mut w = world();
    for m in (0..=90).step_by(3) {
        run_to(&mut w, f64::from(m));
        println!(
            "min {m:>3}: cpu {:>5.1} age {:>6.0} dlq {:>6} cpu_alarm {:?} age_alarm {:?}",
            w.writer_cpu(),
            w.queue_age(),
            w.dlq_depth(),
            w.alarm_state(CPU_ALARM),
            w.alarm_state(AGE_ALARM)
        );
    }
}

#[test]
fn steady_state_is_quiet_before_the_deploy() {
    let mut w = world();
    run_to(&mut w, 31.0);
    assert!(w.writer_cpu() < 40.0, "cpu {}", w.writer_cpu());
    assert!(w.queue_age() < 10.0, "age {}", w.queue_age());
    assert_eq!(w.dlq_depth(), 0);
    assert!(!firing(&w, CPU_ALARM) && !firing(&w, AGE_ALARM));
}

#[test]
fn the_deploy_fires_both_alarms_and_fills_the_dlq() {
    let mut w = world();
    run_to(&mut w, 50.0);
    assert_eq!(w.alias_version(), 42);
    assert!(w.migration_running());
    assert!(w.writer_cpu() > 90.0, "writer CPU climbs to ~95 %: {}", w.writer_cpu());
    assert!(firing(&w, CPU_ALARM), "CPU alarm");
    assert!(firing(&w, AGE_ALARM), "queue age alarm");
    assert!(w.dlq_depth() > 100, "DLQ fills: {}", w.dlq_depth());
}

#[test]
fn rollback_alone_does_not_end_the_incident() {
    let mut w = world();
    run_to(&mut w, 45.0);
    w.update_alias("orders-consumer", "live", 42, 41, "test").expect("rollback");
    run_to(&mut w, 75.0);
    assert_eq!(w.alias_version(), 41);
    assert!(w.migration_running(), "the migration keeps running");
    assert!(w.writer_cpu() > 70.0, "CPU stays above the threshold: {}", w.writer_cpu());
    assert!(firing(&w, CPU_ALARM), "CPU alarm still firing after rollback alone");
}

#[test]
fn reboot_costs_an_outage_then_ends_the_incident() {
    let mut w = world();
    run_to(&mut w, 45.0);
    let dlq_before = w.dlq_depth();
    let writer = w.writer_id().expect("writer").to_string();
    w.reboot_instance(&writer).expect("reboot");
    assert_eq!(w.instance_status(&writer), Some(&DbStatus::Rebooting));
    assert!(!w.migration_running(), "a writer reboot aborts the index build");
    run_to(&mut w, 46.0);
    assert!(w.dlq_depth() > dlq_before, "the outage sends failing messages to the DLQ");
    let back = settle(&mut w, 46.0, 10.0);
    assert_eq!(w.instance_status(&writer), Some(&DbStatus::Available), "back by minute {back}");
    run_to(&mut w, 75.0);
    assert!(w.writer_cpu() < 70.0, "CPU falls below the threshold: {}", w.writer_cpu());
    assert!(!firing(&w, CPU_ALARM), "CPU alarm clears");
    assert!(!firing(&w, AGE_ALARM), "queue age alarm clears as the backlog drains");
}

#[test]
fn failover_swaps_roles_and_ends_the_incident() {
    let mut w = world();
    run_to(&mut w, 45.0);
    w.failover_cluster("core-db", Some("core-db-2")).expect("failover");
    assert_eq!(w.cluster_status(), &DbStatus::FailingOver);
    assert!(w.failover_cluster("core-db", None).is_err(), "a second failover is refused while one runs");
    settle(&mut w, 45.0, 10.0);
    assert_eq!(w.writer_id(), Some("core-db-2"));
    run_to(&mut w, 75.0);
    assert!(!firing(&w, CPU_ALARM));
}

#[test]
fn redrive_during_overload_refills_the_dlq() {
    let mut w = world();
    run_to(&mut w, 50.0);
    let depth = w.dlq_depth();
    w.start_redrive("orders-dlq", None, Some(50)).expect("redrive");
    assert!(w.start_redrive("orders-dlq", None, Some(50)).is_err(), "one move task per queue");
    run_to(&mut w, 60.0);
    let task = w.redrive().expect("task").clone();
    assert_eq!(task.status, RedriveStatus::Completed, "{task:?}");
    assert!(task.moved >= depth, "moved {} of {depth}", task.moved);
    run_to(&mut w, 75.0);
    assert!(w.dlq_depth() > depth / 2, "messages fail back into the DLQ: {} after moving {depth}", w.dlq_depth());
}

#[test]
fn redrive_after_recovery_drains_the_dlq() {
    let mut w = world();
    run_to(&mut w, 45.0);
    w.update_alias("orders-consumer", "live", 42, 41, "test").expect("rollback");
    let writer = w.writer_id().expect("writer").to_string();
    w.reboot_instance(&writer).expect("reboot");
    run_to(&mut w, 80.0);
    assert!(!firing(&w, CPU_ALARM) && !firing(&w, AGE_ALARM), "recovered before the redrive");
    let depth = w.dlq_depth();
    assert!(depth > 100, "the incident left messages in the DLQ: {depth}");
    w.start_redrive("orders-dlq", None, Some(100)).expect("redrive");
    run_to(&mut w, 100.0);
    assert_eq!(w.redrive().map(|t| t.status), Some(RedriveStatus::Completed));
    assert!(w.dlq_depth() < 5, "DLQ drained: {}", w.dlq_depth());
    assert!(!firing(&w, AGE_ALARM), "the redriven messages are processed without breaching the age alarm");
}

#[test]
fn concurrent_alias_change_is_a_conflict() {
    let mut w = world();
    run_to(&mut w, 40.0);
    let err = w.update_alias("orders-consumer", "live", 41, 41, "test").expect_err("stale expectation");
    assert!(err.0.contains("PreconditionFailed"), "{err:?}");
    assert_eq!(w.alias_version(), 42, "nothing changed");
}

#[test]
fn same_scenario_same_story() {
    let (mut a, mut b) = (world(), world());
    run_to(&mut a, 60.0);
    run_to(&mut b, 60.0);
    assert_eq!(a.writer_cpu(), b.writer_cpu());
    assert_eq!(a.dlq_depth(), b.dlq_depth());
    assert_eq!(a.drain_metrics(), b.drain_metrics());
}

/// Every scenario that ships (the built-in one included) is one a trainer can run: its alarms watch what the
/// scenario has, its writer and reader differ, and an hour of it stays within physical bounds.
#[test]
fn every_shipped_scenario_is_consistent_and_runs() {
    use warroom_core::sim::scenario::AlarmMetric;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("scenarios/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        count += 1;
        let scenario = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let name = path.display();
        for alarm in &scenario.alarms {
            let watched = match alarm.metric {
                AlarmMetric::QueueAge => &scenario.queue.name,
                AlarmMetric::DlqDepth => &scenario.queue.dlq,
                AlarmMetric::DbCpu => &scenario.database.cluster,
            };
            assert_eq!(&alarm.resource, watched, "{name}: alarm `{}` watches the wrong resource", alarm.name);
        }
        assert_ne!(scenario.database.writer, scenario.database.reader, "{name}");
        let mut world = World::new(scenario);
        let hour = world.at_minute(60.0);
        world.advance_to(hour);
        let cpu = world.writer_cpu();
        assert!(cpu.is_finite() && (0.0..=100.0).contains(&cpu), "{name}: writer CPU {cpu}");
        assert!(world.queue_age().is_finite() && world.queue_age() >= 0.0, "{name}: age {}", world.queue_age());
    }
    assert!(count >= 3, "the seed incident and the two scenarios that test incident sense");
}

/// Issue 14: the `$LATEST` scenario. New code lands in `$LATEST` with no alias move and takes the writer over
/// 70 %; the mapping's pin targets skip the unpublished code; pinning the mapping to version 7 brings the CPU back
/// down, while rolling back the alias (which no queue invokes) changes nothing the queue runs.
#[test]
fn a_latest_deploy_is_recovered_by_pinning_the_mapping_not_by_the_alias() {
    use warroom_core::model::{Data, EventKind, Qualifier};
    use warroom_core::operation::{ConsumerChange, Op};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/latest-deploy.toml");
    let mut world = World::new(Scenario::load(&path).expect("scenario"));
    let mut data = Data::default();
    let fold = |world: &mut World, data: &mut Data| {
        for o in world.inventory_snapshot().into_iter().chain(world.drain_events()) {
            data.apply(o);
        }
    };
    run_to(&mut world, 30.0);
    fold(&mut world, &mut data);
    let calm_cpu = world.writer_cpu();
    run_to(&mut world, 45.0);
    fold(&mut world, &mut data);
    assert!(world.writer_cpu() > 70.0 && calm_cpu < 50.0, "CPU {calm_cpu:.0} → {:.0}", world.writer_cpu());
    assert_eq!(world.alias_version(), 7, "no alias moved");
    let deploys: Vec<_> = data.timeline.iter().filter(|e| e.kind == EventKind::Deploy).collect();
    assert_eq!(deploys.len(), 1, "one deploy, its poll and CloudTrail records merged: {deploys:#?}");
    assert!(deploys[0].text.starts_with("billing-handler $LATEST code "), "{}", deploys[0].text);
    assert_eq!(deploys[0].actor.as_deref(), Some("ci-pipeline"));
    let m = data.mappings_of("invoices")[0].clone();
    assert_eq!(m.qualifier, Qualifier::Latest);
    let targets: Vec<String> = m.pin_targets().into_iter().map(|t| t.version).collect();
    assert_eq!(targets, ["7", "6"], "the unpublished code is no target");

    // Rolling the alias back changes nothing the queue runs.
    let mut alias_only = world.clone();
    let alias =
        Op::Rollback { function: "billing-handler".into(), alias: "live".into(), from: "7".into(), to: "6".into() };
    alias_only.apply(&alias, "alice").expect("the alias moves");
    // Pinning the mapping does.
    let repoint = |from: &str, to: &str| Op::Consumer {
        queue: "invoices".into(),
        uuid: m.uuid.clone(),
        invoked: m.invoked(),
        change: ConsumerChange::Repoint { function: "billing-handler".into(), from: from.into(), to: to.into() },
    };
    let pin = repoint("$LATEST", "7");
    world.apply(&pin, "alice").expect("the mapping is pinned");
    assert!(world.verify(&pin).is_some(), "GetEventSourceMapping reads it pinned");
    assert!(world.clone().apply(&repoint("7", "8"), "alice").is_err(), "version 8 was never published");
    run_to(&mut world, 60.0);
    run_to(&mut alias_only, 60.0);
    assert_eq!(world.running_version(), 7);
    assert!(world.writer_cpu() < 50.0, "pinned: CPU {:.0}", world.writer_cpu());
    assert!(alias_only.writer_cpu() > 70.0, "alias rolled back: CPU {:.0}", alias_only.writer_cpu());
    fold(&mut world, &mut data);
    let m = &data.mappings_of("invoices")[0];
    assert_eq!((&m.qualifier, &m.previous), (&Qualifier::Version("7".into()), &Some(Qualifier::Latest)));
}

/// Issue 14: the other way back in the `$LATEST` scenario: version 7's code restored into `$LATEST` (and
/// published as version 9) brings the CPU down while the mapping still invokes `$LATEST`; a plan read before
/// someone else changed `$LATEST` is refused by its RevisionId.
#[test]
fn a_latest_deploy_is_recovered_by_restoring_the_earlier_code() {
    use warroom_core::model::{Data, Qualifier};
    use warroom_core::operation::{Op, OpError};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/latest-deploy.toml");
    let mut world = World::new(Scenario::load(&path).expect("scenario"));
    let early = {
        run_to(&mut world, 30.0);
        let mut data = Data::default();
        world.inventory_snapshot().into_iter().for_each(|o| {
            data.apply(o);
        });
        data
    };
    run_to(&mut world, 45.0);
    let mut data = Data::default();
    world.inventory_snapshot().into_iter().for_each(|o| {
        data.apply(o);
    });
    let restore = |data: &Data| {
        let m = &data.mappings_of("invoices")[0];
        let seven = m.published.iter().find(|p| p.version == "7").expect("version 7");
        Op::RestoreCode {
            function: "billing-handler".into(),
            queue: "invoices".into(),
            version: "7".into(),
            sha256: seven.sha256.clone(),
            revision: m.code.as_ref().and_then(|c| c.revision.clone()).expect("revision"),
            image: false,
            publish: true,
        }
    };
    // Planned before the bad deploy changed $LATEST: its RevisionId is stale.
    assert!(matches!(world.clone().apply(&restore(&early), "alice"), Err(OpError::Conflict(_))));
    let op = restore(&data);
    let said = world.apply(&op, "alice").expect("restored");
    assert!(said.ends_with("published as version 9"), "{said}");
    assert!(world.verify(&op).is_some());
    run_to(&mut world, 60.0);
    assert!(world.writer_cpu() < 50.0, "restored: CPU {:.0}", world.writer_cpu());
    let mut after = Data::default();
    world.inventory_snapshot().into_iter().for_each(|o| {
        after.apply(o);
    });
    let m = &after.mappings_of("invoices")[0];
    assert_eq!(m.qualifier, Qualifier::Latest, "the mapping still invokes $LATEST");
    assert_eq!(m.published[0].version, "9");
    assert_eq!(m.published[0].sha256, m.code.as_ref().expect("code").sha256, "version 9 holds the restored code");
}

/// The top statements the simulator gives Performance Insights: before the deploy the steady ones; from it the
/// new SELECT leads and CREATE INDEX runs; the writer's reboot aborts the index build and its statement leaves
/// the top; the rollback takes the new SELECT with it. Each checked five minutes on, when the five-minute top
/// list no longer holds the old minutes.
#[test]
fn top_sql_follows_the_deploy_the_reboot_and_the_rollback() {
    use warroom_core::model::Data;
    let mut w = world();
    let mut data = Data::default();
    let mut fold = |w: &mut World, minute: f64| {
        run_to(w, minute);
        for o in w.drain_metrics() {
            data.apply(o);
        }
        let top = data.insights.get("core-db-1").and_then(|i| i.top.clone()).expect("the writer's top SQL");
        top.statements.iter().map(|(s, _)| s.text.clone()).collect::<Vec<String>>()
    };
    let new_select = "customer_id = ? AND o.status";
    let index = "CREATE INDEX CONCURRENTLY";
    let calm = fold(&mut w, 31.0);
    assert!(calm.iter().all(|s| !s.contains(new_select) && !s.contains(index)), "{calm:?}");
    let peak = fold(&mut w, 45.0);
    assert!(peak[0].contains(new_select), "the new query leads: {peak:?}");
    assert!(peak.iter().any(|s| s.contains(index)), "{peak:?}");
    let writer = w.writer_id().expect("writer").to_string();
    w.reboot_instance(&writer).expect("reboot");
    let rebooted = fold(&mut w, 52.0);
    assert!(rebooted.iter().all(|s| !s.contains(index)), "the reboot aborted the index build: {rebooted:?}");
    assert!(rebooted.iter().any(|s| s.contains(new_select)), "v42 still runs its query: {rebooted:?}");
    w.update_alias("orders-consumer", "live", 42, 41, "test").expect("rollback");
    let rolled_back = fold(&mut w, 58.0);
    assert!(rolled_back.iter().all(|s| !s.contains(new_select)), "v41 does not run it: {rolled_back:?}");
}
