//! Incident sense on simulated incidents: when each anomaly began, which change most likely set it off, and
//! whether a queue's trouble is traffic or its consumers — on the seed incident and on two more scenarios
//! written to catch the easy wrong answers (a traffic spike with no deploy; a deploy after the onset).
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use warroom_core::incident::Cause;
use warroom_core::model::EventKind;
use warroom_core::scene::Scene;
use warroom_core::sim::Scenario;

fn scenario(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name);
    Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// The minute (after the scenario's start) at which the named alarm first fires.
fn alarm_fires(scene: &mut Scene, alarm: &str) -> f64 {
    (300..900)
        .map(|tenth| tenth as f64 / 10.0)
        .find(|m| {
            scene.advance_to(*m);
            scene.state.data.alarms.iter().any(|a| a.name == alarm && a.state == warroom_core::model::AlarmState::Alarm)
        })
        .unwrap_or_else(|| panic!("{alarm} never fired"))
}

#[test]
fn seed_incident_names_the_v42_deploy_before_the_second_alarm_fires() {
    let mut scene = Scene::at_minute(30.0, false);
    assert_eq!(scene.state.analysis.trigger_line(), None, "nothing is wrong yet, so nothing is suspected");
    // The CPU alarm fires first, the queue-age alarm second. Just before the second, the line must be there.
    let first = alarm_fires(&mut scene, "core-db CPU > 70 %");
    let mut scene = Scene::at_minute(30.0, false);
    let second = alarm_fires(&mut scene, "orders age of oldest message > 60 s");
    assert!(first < second, "{first} {second}");
    let scene = Scene::at_minute(second - 0.1, false);
    assert_eq!(scene.state.data.alarm_count(), 1, "only the first alarm is firing");
    let line = scene.state.analysis.trigger_line().expect("a likely trigger before the second alarm");
    assert!(line.starts_with("likely trigger: orders-consumer live → v42 (was v41) at 14:02"), "{line}");
    assert!(line.contains("before core-db CPU > 70 %"), "{line}");

    let (onset, suspects) = &scene.state.analysis.onsets[0];
    assert_eq!(onset.resource, "core-db");
    let kinds: Vec<EventKind> = suspects.iter().map(|s| s.change.kind).collect();
    assert_eq!(kinds, [EventKind::Deploy, EventKind::Change], "the deploy, then the migration that came with it");
    assert!(suspects.iter().all(|s| s.upstream), "the consumer writes to core-db; the migration runs on it");
}

#[test]
fn seed_incident_verdict_says_the_consumers_are_slow() {
    let scene = Scene::at_minute(45.0, false);
    let v = scene.state.analysis.verdict("orders").expect("orders has a consumer and history");
    assert_eq!(v.cause, Cause::Consumers, "{}", v.line);
    assert!(v.line.starts_with("traffic flat ("), "{}", v.line);
    assert!(v.line.ends_with("consumers are slow, not a traffic spike"), "{}", v.line);
    assert!(v.sent.percent().is_some_and(|p| p.abs() < 10.0), "{:?}", v.sent);
    assert!(v.deleted.percent().is_some_and(|p| p < -20.0), "{:?}", v.deleted);
    assert!(v.duration.and_then(|d| d.ratio()).is_some_and(|r| r > 2.0), "{:?}", v.duration);
}

#[test]
fn a_traffic_spike_with_no_deploy_is_called_traffic() {
    let mut scene = Scene::of(scenario("traffic-spike.toml"), 30.0, false);
    alarm_fires(&mut scene, "orders age of oldest message > 60 s");
    let a = &scene.state.analysis;
    let v = a.verdict("orders").expect("verdict");
    assert_eq!(v.cause, Cause::Traffic, "{}", v.line);
    assert!(v.line.starts_with("traffic up (+"), "{}", v.line);
    assert!(v.line.ends_with("a traffic spike, not the consumers"), "{}", v.line);
    assert!(
        a.onsets.iter().flat_map(|(_, s)| s).all(|s| s.change.kind != EventKind::Deploy),
        "no deploy happened, so none is suspected: {:?}",
        a.onsets
    );
}

#[test]
fn a_deploy_after_the_onset_is_not_suspected() {
    let mut scene = Scene::of(scenario("late-deploy.toml"), 30.0, false);
    scene.advance_to(45.0);
    let a = &scene.state.analysis;
    let (onset, suspects) = a.onsets.iter().find(|(o, _)| o.resource == "core-db").expect("core-db CPU onset");
    let deploy_at = scene.state.data.timeline.iter().find(|e| e.kind == EventKind::Deploy).expect("the deploy").at;
    assert!(onset.at < deploy_at, "the scenario puts the deploy after the onset");
    assert!(suspects.iter().all(|s| s.change.kind != EventKind::Deploy), "{suspects:?}");
    let line = a.trigger_line().expect("the migration is suspected");
    assert!(line.contains("migration started"), "{line}");

    // Issue 13, item 3: once the queue goes over too, its anomaly follows the database's, which began before
    // the deploy: the harmless deploy is not its suspect either, and the rollback plan warns it came late.
    let queue = (450..900).map(|tenth| tenth as f64 / 10.0).find_map(|m| {
        scene.advance_to(m);
        scene.state.analysis.onsets.iter().find(|(o, _)| o.resource == "orders").cloned()
    });
    let (onset, suspects) = queue.expect("the queue's age goes over its line");
    assert_eq!(onset.follows.as_ref().map(|(what, _)| what.as_str()), Some("core-db CPU > 70 %"), "{onset:?}");
    assert!(suspects.iter().all(|s| s.change.kind != EventKind::Deploy), "{suspects:?}");
    assert!(suspects.first().is_some_and(|s| s.change.text.contains("migration started")), "{suspects:?}");
    let plan = scene.state.plan_for(warroom_core::action::Action::Rollback).expect("a rollback plan");
    assert!(plan.warnings[0].contains("after the first anomaly (core-db CPU > 70 %"), "{:?}", plan.warnings);
}

/// A pipeline's annotation is a change like any other: it lands in the timeline as `warroom annotate` wrote
/// it and is ranked with the rest — here, a migration a minute before the onset, on the breached database.
#[test]
fn an_annotation_takes_part_in_the_ranking() {
    use warroom_core::journal::{AnnotationKind, JournalEntry};
    use warroom_core::model::{Session, SessionKind};
    let mut scene = Scene::at_minute(45.0, false);
    let session = Session { operator: "ci-pipeline".into(), kind: SessionKind::Live, read_only: false };
    let entry = JournalEntry::annotation(
        &session,
        scene.world.at_minute(33.0),
        AnnotationKind::Migration,
        Some("core-db".into()),
        "migration started: VACUUM FULL orders".into(),
    );
    let event = entry.timeline_event().expect("an annotation is a timeline event");
    assert_eq!(event.kind, EventKind::Change);
    assert_eq!(event.actor.as_deref(), Some("ci-pipeline"));
    scene.state.update(warroom_core::state::Msg::Shared(vec![entry]));
    let (onset, suspects) = &scene.state.analysis.onsets[0];
    assert_eq!(onset.resource, "core-db");
    assert_eq!(suspects[0].change.text, "migration started: VACUUM FULL orders", "{suspects:?}");
    assert!(scene.state.analysis.trigger_line().expect("line").contains("VACUUM FULL"));
}

/// Issue 13, item 3, in the demo: roll back, then reboot the writer once the queue is back under its line; the
/// reboot (a slow one here: ten minutes, as a large instance's can take) pushes the queue's age back over 60 s. The first onset stays the onset; the re-breach is listed under
/// it with the reboot ranked first; each operation counts once; and the postmortem's analysis of the same data
/// says the same.
#[test]
fn in_the_demo_a_reboot_that_re_breaches_the_queue_is_listed_under_the_first_onset() {
    use warroom_core::incident::Analysis;
    use warroom_core::keymap::Keymap;
    use warroom_core::model::MetricKind;
    use warroom_core::operation::{OpPhase, OpUpdate};
    use warroom_core::state::{Effect, Msg};
    let keymap = Keymap::defaults().expect("keymap");
    // The keys, as the operator presses them; each confirmed operation is made in the world and verified.
    let operate = |scene: &mut Scene, keys: &str| {
        for effect in scene.state.press_keys(&keymap, keys).expect("keys") {
            if let Effect::Execute { id, op } = effect {
                let answer = scene.world.apply(&op, "alice").expect("the simulated call");
                scene.state.update(Msg::Op(OpUpdate::new(id, OpPhase::Succeeded, answer, scene.world.now())));
            }
        }
    };
    let mut scenario = warroom_core::sim::Scenario::seed_incident().expect("seed scenario");
    scenario.database.reboot_seconds = 600;
    let mut scene = Scene::of(scenario, 46.0, false);
    let first = scene.state.analysis.onsets.iter().find(|(o, _)| o.resource == "orders").expect("queue onset").0.at;
    operate(&mut scene, "r orders-consumer <enter>");
    let age = |scene: &Scene| scene.state.data.latest("orders", MetricKind::QueueAge).unwrap_or(f64::MAX);
    (461..900)
        .map(|t| t as f64 / 10.0)
        .find(|m| {
            scene.advance_to(*m);
            age(&scene) < 60.0
        })
        .expect("the rollback brings the queue back under 60 s");
    operate(&mut scene, "b core-db-1 <enter>");
    let again = (0..600).find_map(|step| {
        scene.advance_to(scene_minute(&scene) + 0.1 * f64::from(step > 0));
        scene.state.analysis.rebreaches.iter().find(|r| r.resource == "orders").cloned()
    });
    let ages: Vec<i64> = scene
        .state
        .data
        .series("orders", MetricKind::QueueAge)
        .map(|s| s.iter().map(|p| p.value as i64).collect())
        .unwrap_or_default();
    let ops: Vec<_> = scene.state.operations.iter().map(|o| (o.op.summary(), o.phase)).collect();
    let again = again.unwrap_or_else(|| {
        panic!("the reboot pushes the queue's age back over 60 s: {ages:?} {ops:?} {:?}", scene.state.notice)
    });
    let (onset, _) = scene.state.analysis.onsets.iter().find(|(o, _)| o.resource == "orders").expect("onset");
    assert_eq!(onset.at, first, "the first onset stays the onset");
    let ranked: Vec<&str> = again.suspects.iter().map(|s| s.change.text.as_str()).collect();
    assert!(ranked.first().is_some_and(|t| t.starts_with("reboot core-db-1")), "{ranked:?}");
    assert_eq!(
        ranked.iter().filter(|t| t.starts_with("roll back")).count(),
        1,
        "an operation is one change: {ranked:?}"
    );
    let t = &scene.state.thresholds;
    let window =
        Analysis::of_window(&scene.state.data, t, first - chrono::Duration::minutes(30), scene.state.now, None);
    assert_eq!(window.onsets.iter().find(|(o, _)| o.resource == "orders").map(|(o, _)| o.at), Some(first));
    assert_eq!(window.rebreaches.iter().find(|r| r.resource == "orders"), Some(&again), "the postmortem agrees");
}

/// The scene's simulated minute since the scenario's start.
fn scene_minute(scene: &Scene) -> f64 {
    (scene.world.now() - scene.world.at_minute(0.0)).num_seconds() as f64 / 60.0
}
