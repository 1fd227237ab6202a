//! `State::update` without a runtime: each operation's lifecycle, refusals, read-only previews, text input.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::model::EventKind;
use crate::ops::{OpPhase, OpUpdate};
use crate::scene::Scene;

fn key(code: KeyCode) -> Msg {
    Msg::Input(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_text(state: &mut State, text: &str) -> Vec<Effect> {
    text.chars().flat_map(|c| state.update(key(KeyCode::Char(c)))).collect()
}

fn plan(state: &State) -> &PlanPopup {
    match &state.ui.popup {
        Some(Popup::Plan(p)) => p,
        other => panic!("expected a plan popup, got {other:?}"),
    }
}

/// Opens the plan for `action`, types `confirm`, presses Enter; returns the effects.
fn confirm(state: &mut State, action: Action, confirm: &str) -> Vec<Effect> {
    state.update(Msg::Action(action));
    let mut effects = type_text(state, confirm);
    effects.extend(state.update(key(KeyCode::Enter)));
    effects
}

fn peak() -> State {
    Scene::at_minute(45.0, false).state
}

#[test]
fn rollback_lifecycle() {
    let mut s = peak();
    s.update(Msg::Action(Action::Rollback));
    let p = plan(&s);
    assert_eq!(
        p.plan.op,
        Op::Rollback { function: "orders-consumer".into(), alias: "live".into(), from: "42".into(), to: "41".into() }
    );
    assert!(p.plan.op.api_call().starts_with("lambda:UpdateAlias orders-consumer live 42 → 41"));
    assert!(p.blocked.is_none());

    // A mismatch does nothing on Enter: the popup and the typed text stay.
    assert!(type_text(&mut s, "orders-consumr").is_empty());
    assert!(s.update(key(KeyCode::Enter)).is_empty());
    assert_eq!(plan(&s).typed, "orders-consumr");
    s.update(key(KeyCode::Backspace));
    s.update(key(KeyCode::Backspace));
    type_text(&mut s, "mer");
    let effects = s.update(key(KeyCode::Enter));
    let [Effect::Execute { id, op }] = effects.as_slice() else { panic!("expected one Execute, got {effects:?}") };
    assert_eq!(op.target(), "orders-consumer");
    assert!(s.ui.popup.is_none());
    assert_eq!(s.operations[0].phase, OpPhase::Executing);

    // One operation per target: a second rollback is refused while the first runs.
    s.update(Msg::Action(Action::Rollback));
    assert!(s.ui.popup.is_none(), "no second plan while one runs");
    assert!(s.notice.as_deref().unwrap_or_default().contains("one operation per target"), "{:?}", s.notice);

    s.update(Msg::Op(OpUpdate { id: *id, phase: OpPhase::Verifying, message: "alias moved".into(), at: s.now }));
    assert_eq!(s.operations[0].phase, OpPhase::Verifying);
    s.update(Msg::Op(OpUpdate {
        id: *id,
        phase: OpPhase::Succeeded,
        message: "GetAlias: live → 41".into(),
        at: s.now,
    }));
    assert_eq!(s.operations[0].phase, OpPhase::Succeeded);
    let ops: Vec<_> =
        s.data.timeline.iter().filter(|e| e.kind == EventKind::Operation).map(|e| e.text.as_str()).collect();
    assert!(ops.iter().any(|t| t.contains("confirmed by alice")), "{ops:?}");
    assert!(ops.iter().any(|t| t.contains("succeeded")), "{ops:?}");
}

#[test]
fn esc_cancels_a_plan_without_effects() {
    let mut s = peak();
    s.update(Msg::Action(Action::Reboot));
    type_text(&mut s, "core-db-1");
    assert!(s.update(key(KeyCode::Esc)).is_empty());
    assert!(s.ui.popup.is_none());
    assert!(s.operations.is_empty());
    assert!(s.notice.as_deref().unwrap_or_default().contains("nothing was called"));
}

#[test]
fn failed_operation_is_shown_and_releases_the_target() {
    let mut s = peak();
    let effects = confirm(&mut s, Action::Rollback, "orders-consumer");
    let Some(Effect::Execute { id, .. }) = effects.first() else { panic!("{effects:?}") };
    s.update(Msg::Op(OpUpdate {
        id: *id,
        phase: OpPhase::Failed,
        message: "conflict: someone else moved it".into(),
        at: s.now,
    }));
    assert!(s.notice.as_deref().unwrap_or_default().contains("failed"));
    s.update(Msg::Action(Action::Rollback));
    assert!(matches!(s.ui.popup, Some(Popup::Plan(_))), "a failed operation no longer locks its target");
}

#[test]
fn reboot_targets_the_selected_instance_and_warns_about_the_writer() {
    let mut s = peak();
    s.update(Msg::Action(Action::Rollback)); // any popup open is closed by the next action
    s.update(Msg::Action(Action::Close));
    s.update(Msg::Action(Action::Reboot));
    let p = plan(&s);
    assert_eq!(
        p.plan.op,
        Op::Reboot {
            cluster: "core-db".into(),
            instance: "core-db-1".into(),
            writer: true,
            call: crate::ops::RebootCall::Instance
        }
    );
    assert!(p.plan.warnings.iter().any(|w| w.contains("WRITER")), "{:?}", p.plan.warnings);

    // Select the reader in the Database pane, from another pane's focus: the key follows that pane's selection.
    s.update(Msg::Action(Action::Close));
    s.ui.focus = PaneId::Database;
    s.update(Msg::Action(Action::SelectNext));
    s.ui.focus = PaneId::Timeline;
    s.update(Msg::Action(Action::Reboot));
    assert_eq!(plan(&s).plan.op.target(), "core-db-2");
    let effects = type_text(&mut s, "core-db-2");
    assert!(effects.is_empty());
    let effects = s.update(key(KeyCode::Enter));
    assert!(matches!(effects.as_slice(), [Effect::Execute { op: Op::Reboot { writer: false, .. }, .. }]));
}

#[test]
fn reboot_and_failover_of_one_cluster_exclude_each_other() {
    let mut s = peak();
    assert_eq!(confirm(&mut s, Action::Reboot, "core-db-1").len(), 1);
    s.update(Msg::Action(Action::Failover));
    assert!(s.ui.popup.is_none());
    assert!(s.notice.as_deref().unwrap_or_default().contains("core-db"));
}

#[test]
fn failover_promotes_the_reader() {
    let mut s = peak();
    let effects = confirm(&mut s, Action::Failover, "core-db");
    assert_eq!(
        effects,
        vec![Effect::Execute {
            id: 1,
            op: Op::Failover { cluster: "core-db".into(), target: Some("core-db-2".into()) }
        }]
    );
}

#[test]
fn redrive_warns_during_overload_and_rate_is_adjustable() {
    let mut s = peak();
    s.update(Msg::Action(Action::Redrive));
    let p = plan(&s);
    assert!(p.plan.warnings[0].contains("still above its age threshold"), "{:?}", p.plan.warnings);
    assert!(p.plan.warnings.iter().any(|w| w.contains("new message IDs")));
    assert!(p.plan.op.api_call().contains("MaxNumberOfMessagesPerSecond=10"));
    s.update(key(KeyCode::Up));
    assert!(plan(&s).plan.op.api_call().contains("MaxNumberOfMessagesPerSecond=50"), "{}", plan(&s).plan.op.api_call());
    type_text(&mut s, "orders-dlq");
    let effects = s.update(key(KeyCode::Enter));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Execute { op: Op::Redrive { rate: Some(50), destination: None, .. }, .. }]
        ),
        "{effects:?}"
    );
}

#[test]
fn redrive_goes_back_to_the_sources_unless_a_destination_is_chosen() {
    let mut s = peak();
    s.update(Msg::Action(Action::Redrive));
    let call = plan(&s).plan.op.api_call();
    assert!(call.contains("no DestinationArn: each message returns to its source queue"), "{call}");
    s.update(key(KeyCode::Right));
    let p = plan(&s);
    assert!(p.plan.op.api_call().contains("DestinationArn=orders"), "{}", p.plan.op.api_call());
    assert!(p.plan.expected[0].contains("move to orders"), "{:?}", p.plan.expected);
    assert!(p.typed.is_empty(), "arrows choose, they do not type");
    s.update(key(KeyCode::Right));
    assert!(plan(&s).plan.op.api_call().contains("no DestinationArn"), "→ wraps round to the sources");
    s.update(key(KeyCode::Left));
    type_text(&mut s, "orders-dlq");
    let effects = s.update(key(KeyCode::Enter));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Execute { op: Op::Redrive { destination: Some(d), .. }, .. }] if d == "orders"
        ),
        "{effects:?}"
    );
}

#[test]
fn refusals_explain_themselves() {
    // Before the deploy: no previous version, an empty DLQ, no redrive to cancel.
    let mut s = Scene::at_minute(20.0, false).state;
    for (action, expect) in [
        (Action::Rollback, "no known previous version"),
        (Action::Redrive, "is empty"),
        (Action::CancelRedrive, "no running redrive"),
    ] {
        let effects = s.update(Msg::Action(action));
        assert!(effects.is_empty());
        assert!(s.ui.popup.is_none(), "{action:?} opened a popup");
        assert!(s.notice.as_deref().unwrap_or_default().contains(expect), "{action:?}: {:?}", s.notice);
    }
}

#[test]
fn cancel_redrive_needs_a_running_task_and_targets_it() {
    let mut scene = Scene::at_minute(45.0, false);
    scene.world.start_redrive("orders-dlq", None, Some(1), "test").expect("redrive");
    scene.poll();
    let s = &mut scene.state;
    s.update(Msg::Action(Action::Redrive));
    assert!(s.notice.as_deref().unwrap_or_default().contains("already has a running redrive"), "{:?}", s.notice);
    let effects = confirm(s, Action::CancelRedrive, "orders-dlq");
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Execute { op: Op::CancelRedrive { task, .. }, .. }] if task == "sim-task-1"
        ),
        "{effects:?}"
    );
}

#[test]
fn read_only_previews_every_operation_and_never_executes() {
    let mut scene = Scene::at_minute(45.0, true);
    scene.world.start_redrive("orders-dlq", None, Some(1), "test").expect("redrive");
    scene.poll();
    let s = &mut scene.state;
    for &action in Action::ALL.iter().filter(|a| a.is_mutating()) {
        s.update(Msg::Action(action));
        let Some(Popup::Plan(p)) = s.ui.popup.clone() else {
            // Redrive is refused because a task runs; that is a refusal, not a preview, and executes nothing.
            assert_eq!(action, Action::Redrive, "{action:?}: {:?}", s.notice);
            continue;
        };
        assert!(p.blocked.as_deref().unwrap_or_default().starts_with("read-only: this would call"), "{:?}", p.blocked);
        let mut effects = type_text(s, p.plan.op.target());
        effects.extend(s.update(key(KeyCode::Enter)));
        assert!(effects.iter().all(|e| !matches!(e, Effect::Execute { .. })), "{action:?} executed: {effects:?}");
        s.update(key(KeyCode::Esc));
    }
    assert!(s.operations.is_empty());
}

#[test]
fn a_journal_that_cannot_be_written_blocks_operations() {
    let mut s = peak();
    s.journal_error = Some("journal /nope: permission denied".into());
    let effects = confirm(&mut s, Action::Rollback, "orders-consumer");
    assert!(effects.is_empty());
    assert!(plan(&s).blocked.as_deref().unwrap_or_default().contains("operations disabled"));
}

#[test]
fn notes_are_allowed_in_read_only_and_go_to_the_timeline() {
    let mut s = Scene::at_minute(45.0, true).state;
    s.update(Msg::Action(Action::AddNote));
    type_text(&mut s, "paging the DB team");
    let effects = s.update(key(KeyCode::Enter));
    assert_eq!(effects, vec![Effect::JournalNote { text: "paging the DB team".into() }]);
    let last = s.data.timeline.last().expect("note");
    assert_eq!((last.kind, last.actor.as_deref()), (EventKind::Note, Some("alice")));
}

#[test]
fn quit_asks_while_an_operation_runs() {
    let mut s = peak();
    s.update(Msg::Action(Action::Quit));
    assert!(s.quit, "nothing running: quit at once");

    let mut s = peak();
    confirm(&mut s, Action::Rollback, "orders-consumer");
    s.update(Msg::Action(Action::Quit));
    assert!(!s.quit);
    assert_eq!(s.ui.popup, Some(Popup::QuitConfirm));
    s.update(key(KeyCode::Char('n')));
    assert!(!s.quit && s.ui.popup.is_none());
    s.update(Msg::Action(Action::Quit));
    s.update(key(KeyCode::Char('y')));
    assert!(s.quit);
}

#[test]
fn filter_narrows_rows_and_operation_targets() {
    let mut s = peak();
    s.update(Msg::Action(Action::Filter));
    type_text(&mut s, "db-2");
    s.update(key(KeyCode::Enter));
    assert_eq!(s.ui.filter, "db-2");
    assert_eq!(s.rows().instances().len(), 1);
    s.update(Msg::Action(Action::Reboot));
    assert_eq!(plan(&s).plan.op.target(), "core-db-2");
    s.update(key(KeyCode::Esc));
    s.update(Msg::Action(Action::Filter));
    s.update(key(KeyCode::Esc));
    assert_eq!(s.ui.filter, "", "Esc in the filter clears it");
}

#[test]
fn focus_selection_and_detail() {
    let mut s = peak();
    assert_eq!(s.ui.focus, PaneId::Alarms);
    s.update(Msg::Action(Action::FocusPrev));
    assert_eq!(s.ui.focus, PaneId::Timeline);
    s.update(Msg::Action(Action::FocusNext));
    s.update(Msg::Action(Action::FocusNext));
    assert_eq!(s.ui.focus, PaneId::Queues);
    s.update(Msg::Action(Action::OpenDetail));
    assert_eq!(s.ui.popup, Some(Popup::Detail(DetailTarget::Queue("orders".into()))));
    s.update(Msg::Action(Action::Close));
    assert!(s.ui.popup.is_none());
    s.ui.focus = PaneId::Database;
    s.update(Msg::Action(Action::SelectNext));
    s.update(Msg::Action(Action::SelectNext));
    assert_eq!(s.ui.selected(PaneId::Database), 1, "selection stops at the last row");
}

#[test]
fn redraws_only_when_something_changed() {
    let mut s = peak();
    s.take_dirty();
    let now = s.now;
    s.update(Msg::Tick(now));
    assert!(!s.take_dirty(), "the same second is not a change");
    s.update(Msg::Tick(now + chrono::Duration::seconds(1)));
    assert!(s.take_dirty(), "the visible clock moved");
}

#[test]
fn rolling_back_a_rollback_warns_that_it_rolls_forward() {
    let mut scene = Scene::at_minute(45.0, false);
    scene.world.update_alias("orders-consumer", "live", 42, 41, "alice").expect("rollback");
    scene.poll();
    scene.state.update(Msg::Action(Action::Rollback));
    let p = plan(&scene.state);
    assert_eq!(
        p.plan.op,
        Op::Rollback { function: "orders-consumer".into(), alias: "live".into(), from: "41".into(), to: "42".into() }
    );
    assert!(p.plan.warnings[0].contains("NEWER"), "{:?}", p.plan.warnings);
}

#[test]
fn operation_events_use_the_operators_clock() {
    let mut s = peak();
    let effects = confirm(&mut s, Action::Rollback, "orders-consumer");
    let Some(Effect::Execute { id, .. }) = effects.first() else { panic!("{effects:?}") };
    let later = s.now + chrono::Duration::seconds(20);
    s.update(Msg::Op(OpUpdate { id: *id, phase: OpPhase::Succeeded, message: "ok".into(), at: later }));
    assert_eq!(s.data.timeline.last().map(|e| e.at), Some(later));
}
