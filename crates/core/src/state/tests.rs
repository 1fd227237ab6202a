//! `State` without a runtime: each operation's lifecycle, refusals, read-only previews and text fields, driven by
//! key strings through the real keymap (`press(&mut s, &km, "r orders-consumer <enter>")`), on small hand-built
//! data. Direct `Msg::Action` tests remain where the key does not matter.

use super::*;
use crate::fixture::{Fixture, incident};
use crate::keymap::Keymap;
use crate::model::{
    AliasMove, EventKind, Feed, FunctionStatus, MoveSource, Observation, RedriveStatus, RedriveTask, Role,
};
use crate::operation::{OpPhase, OpUpdate, RebootCall};

fn keymap() -> Keymap {
    Keymap::defaults().expect("default keymap")
}

/// Presses `keys` (see `keymap::parse_keys`) through the default keymap; the effects of all of them.
fn press(s: &mut State, keys: &str) -> Vec<Effect> {
    s.press_keys(&keymap(), keys).expect("key string")
}

fn plan(state: &State) -> &PlanPopup {
    match &state.ui.popup {
        Some(Popup::Plan(p)) => p,
        other => panic!("expected a plan popup, got {other:?}"),
    }
}

fn notice(state: &State) -> String {
    state.notice.as_ref().and_then(Notice::text).unwrap_or_default().to_string()
}

fn live() -> State {
    incident().state(false)
}

#[test]
fn rollback_lifecycle() {
    let mut s = live();
    press(&mut s, "r");
    let p = plan(&s);
    assert_eq!(
        p.plan.op,
        Op::Rollback { function: "orders-consumer".into(), alias: "live".into(), from: "42".into(), to: "41".into() }
    );
    assert!(p.plan.op.api_call().starts_with("lambda:UpdateAlias orders-consumer live 42 → 41"));
    assert!(p.blocked.is_none());

    // A mismatch does nothing on Enter: the popup and the typed text stay.
    assert!(press(&mut s, "orders-consumr <enter>").is_empty());
    assert_eq!(plan(&s).typed, "orders-consumr");
    let effects = press(&mut s, "<backspace> <backspace> mer <enter>");
    let [Effect::Execute { id, op }] = effects.as_slice() else { panic!("expected one Execute, got {effects:?}") };
    assert_eq!(op.target(), "orders-consumer");
    assert!(s.ui.popup.is_none());
    assert_eq!(s.operations[0].phase, OpPhase::Executing);

    // One operation per target: a second rollback is refused while the first runs.
    press(&mut s, "r");
    assert!(s.ui.popup.is_none(), "no second plan while one runs");
    assert!(notice(&s).contains("one operation per target"), "{:?}", s.notice);
    assert!(matches!(s.notice, Some(Notice::Problem(_))));

    s.update(Msg::Op(OpUpdate::new(*id, OpPhase::Verifying, "alias moved".into(), s.now)));
    assert_eq!(s.operations[0].phase, OpPhase::Verifying);
    s.update(Msg::Op(OpUpdate::new(*id, OpPhase::Succeeded, "GetAlias: live → 41".into(), s.now)));
    assert_eq!(s.operations[0].phase, OpPhase::Succeeded);
    let ops: Vec<_> = s
        .data
        .timeline
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Operation | EventKind::Outcome))
        .map(|e| e.text.as_str())
        .collect();
    assert!(ops.iter().any(|t| t.contains("confirmed by alice")), "{ops:?}");
    assert!(ops.iter().any(|t| t.contains("succeeded")), "{ops:?}");

    // The verified rollback is in the Functions pane at once, as this operation's move, by its author.
    let f = &s.data.functions[0];
    assert_eq!((f.version.as_str(), f.previous_version.as_deref()), ("41", Some("42")));
    let moved = f.last_move.clone().expect("the rollback is the alias's history");
    assert_eq!((moved.source, moved.at, moved.actor.as_deref()), (MoveSource::Operation, s.now, Some("alice")));
    // The next poll sees the alias at 41, having seen it at 42: the same move, not a second, unattributed deploy.
    let polled =
        AliasMove { source: MoveSource::Polled, actor: None, at: s.now + chrono::Duration::seconds(11), ..moved };
    let status = FunctionStatus { last_move: Some(polled.clone()), ..f.clone() };
    let deploys = |s: &State| s.data.timeline.iter().filter(|e| e.kind == EventKind::Deploy).count();
    let before = deploys(&s);
    let effects = s.update(Msg::Telemetry {
        feed: Feed::Inventory,
        result: Ok(vec![Observation::AliasMoved(polled), Observation::Function(status)]),
    });
    assert!(effects.is_empty(), "an operation's own move is journaled already: {effects:?}");
    assert_eq!(deploys(&s), before, "{:?}", s.data.timeline);
    assert_eq!(s.data.functions[0].last_move.as_ref().map(|m| (m.source, m.at)), Some((MoveSource::Operation, s.now)));
}

#[test]
fn cancel_closes_a_plan_without_effects_and_ctrl_u_clears_the_field() {
    let mut s = live();
    press(&mut s, "b core-db-1 <ctrl-u>");
    assert_eq!(plan(&s).typed, "", "ctrl-u clears");
    assert!(press(&mut s, "core-db-1 <esc>").is_empty());
    assert!(s.ui.popup.is_none());
    assert!(s.operations.is_empty());
    assert!(notice(&s).contains("nothing was called"));
    // ctrl-c cancels a plan too (it is not a kill in raw mode).
    press(&mut s, "b <ctrl-c>");
    assert!(s.ui.popup.is_none());
}

#[test]
fn keys_that_would_act_on_the_dashboard_type_into_a_plan() {
    let mut s = live();
    // `q` quits and `r` rolls back on the dashboard; in a plan they are letters of the name.
    press(&mut s, "b qr");
    assert_eq!(plan(&s).typed, "qr");
    assert!(!s.quit);
}

#[test]
fn failed_operation_is_shown_and_releases_the_target() {
    let mut s = live();
    let effects = press(&mut s, "r orders-consumer <enter>");
    let Some(Effect::Execute { id, .. }) = effects.first() else { panic!("{effects:?}") };
    s.update(Msg::Op(OpUpdate::new(*id, OpPhase::Failed, "conflict: someone else moved it".into(), s.now)));
    assert!(notice(&s).contains("failed"));
    assert!(matches!(s.notice, Some(Notice::Problem(_))));
    press(&mut s, "r");
    assert!(matches!(s.ui.popup, Some(Popup::Plan(_))), "a failed operation no longer locks its target");
}

#[test]
fn reboot_targets_the_selected_instance_and_warns_about_the_writer() {
    let mut s = live();
    press(&mut s, "b");
    let p = plan(&s);
    assert_eq!(
        p.plan.op,
        Op::Reboot {
            cluster: "core-db".into(),
            instance: "core-db-1".into(),
            writer: true,
            call: RebootCall::Instance
        }
    );
    assert!(p.plan.warnings.iter().any(|w| w.contains("WRITER")), "{:?}", p.plan.warnings);

    // Select the reader in the Database pane, then act from another pane: the key follows that pane's selection.
    press(&mut s, "<esc>");
    s.ui.focus = PaneId::Database;
    press(&mut s, "j");
    s.ui.focus = PaneId::Timeline;
    press(&mut s, "b");
    assert_eq!(plan(&s).plan.op.target(), "core-db-2");
    assert!(press(&mut s, "core-db-2").is_empty());
    let effects = press(&mut s, "<enter>");
    assert!(matches!(effects.as_slice(), [Effect::Execute { op: Op::Reboot { writer: false, .. }, .. }]));
}

#[test]
fn an_instance_that_is_not_available_cannot_be_rebooted() {
    let mut fixture = incident();
    fixture.observations.push(Observation::Cluster(crate::model::ClusterStatus {
        id: "core-db".into(),
        engine: "aurora-postgresql".into(),
        kind: crate::model::ClusterKind::Aurora,
        status: crate::model::DbStatus::Available,
        members: vec![crate::model::InstanceStatus {
            id: "core-db-1".into(),
            role: crate::model::Role::Writer,
            status: crate::model::DbStatus::Rebooting,
        }],
    }));
    let mut s = fixture.state(false);
    press(&mut s, "b");
    assert!(s.ui.popup.is_none());
    assert_eq!(notice(&s), "core-db-1 is rebooting; wait until it is available");
}

/// The RDS API lists DocumentDB and Neptune too: each engine gets the calls AWS accepts for it, and an engine
/// warroom does not know gets none.
#[test]
fn each_engine_gets_the_calls_aws_accepts_and_an_unknown_one_none() {
    use crate::model::{ClusterKind, ClusterStatus, DbStatus, InstanceStatus, Role};
    assert_eq!(ClusterKind::of_cluster_engine("aurora-mysql"), ClusterKind::Aurora);
    assert_eq!(ClusterKind::of_cluster_engine("postgres"), ClusterKind::MultiAzCluster);
    assert_eq!(ClusterKind::of_cluster_engine("docdb"), ClusterKind::DocumentDb);
    assert_eq!(ClusterKind::of_cluster_engine("neptune"), ClusterKind::Neptune);
    assert_eq!(ClusterKind::of_cluster_engine("docdb-elastic"), ClusterKind::Unknown);
    assert_eq!(ClusterKind::DocumentDb.namespace(), "AWS/DocDB");
    let with = |engine: &str| {
        let mut fixture = incident();
        let member = |id: &str, role| InstanceStatus { id: id.into(), role, status: DbStatus::Available };
        fixture.observations.push(Observation::Cluster(ClusterStatus {
            id: "core-db".into(),
            engine: engine.into(),
            kind: ClusterKind::of_cluster_engine(engine),
            status: DbStatus::Available,
            members: vec![member("core-db-1", Role::Writer), member("core-db-2", Role::Reader)],
        }));
        fixture.state(false)
    };
    for engine in ["docdb", "neptune"] {
        let mut s = with(engine);
        press(&mut s, "b");
        let call = match &plan(&s).plan.op {
            Op::Reboot { call, .. } => *call,
            other => panic!("{other:?}"),
        };
        assert_eq!(call, RebootCall::Instance, "{engine}: RebootDBInstance, never RebootDBCluster");
        press(&mut s, "<esc> f");
        assert!(matches!(plan(&s).plan.op, Op::Failover { .. }), "{engine}: FailoverDBCluster");
    }
    let mut s = with("docdb-elastic");
    for key in ["b", "f"] {
        press(&mut s, key);
        assert!(s.ui.popup.is_none(), "no plan for an unknown engine");
        assert!(notice(&s).contains("does not know"), "{}", notice(&s));
    }
}

#[test]
fn reboot_and_failover_of_one_cluster_exclude_each_other() {
    let mut s = live();
    assert_eq!(press(&mut s, "b core-db-1 <enter>").len(), 1);
    press(&mut s, "f");
    assert!(s.ui.popup.is_none());
    assert!(notice(&s).contains("core-db"));
}

#[test]
fn failover_promotes_the_reader() {
    let mut s = live();
    let effects = press(&mut s, "f core-db <enter>");
    assert_eq!(
        effects,
        vec![Effect::Execute {
            id: 1,
            op: Op::Failover { cluster: "core-db".into(), target: Some("core-db-2".into()) }
        }]
    );
    // Verified: the new writer verification read is in the database pane at once, not a poll (30 s) later.
    let seen = vec![crate::operation::Seen::Writer { cluster: "core-db".into(), instance: "core-db-2".into() }];
    s.update(Msg::Op(OpUpdate { seen, ..OpUpdate::new(1, OpPhase::Succeeded, "writer core-db-2".into(), s.now) }));
    let roles: Vec<_> = s.data.clusters[0].members.iter().map(|m| (m.id.as_str(), m.role)).collect();
    assert_eq!(roles, [("core-db-1", Role::Reader), ("core-db-2", Role::Writer)]);
}

/// A DLQ several queues send to: the age warning weighs every source, not the first.
#[test]
fn the_redrive_age_warning_weighs_every_source_queue() {
    use crate::model::{DlqSources, DlqStatus, MetricKind};
    let mut fixture =
        incident().steady("orders", MetricKind::QueueAge, 5.0, 10).steady("payments", MetricKind::QueueAge, 400.0, 10);
    fixture.observations.push(Observation::Dlq(DlqStatus {
        name: "orders-dlq".into(),
        sources: DlqSources::Queues(vec!["orders".into(), "payments".into()]),
        depth: 40,
        arn: None,
        retention_seconds: None,
        max_receive_counts: Vec::new(),
    }));
    let mut s = fixture.state(false);
    press(&mut s, "d");
    let warnings = &plan(&s).plan.warnings;
    assert!(
        warnings[0].starts_with("payments (400 s, threshold 60 s) is still above its age threshold"),
        "{warnings:?}"
    );
}

/// Where ListDeadLetterSourceQueues failed (or the endpoint lacks it), the plan says AWS may refuse the move
/// task rather than offer "back to its source (?)" as if that were known; the time rounds up (3 at 10/s is 1s).
#[test]
fn a_redrive_whose_sources_are_unknown_says_aws_may_refuse_it() {
    use crate::model::{DlqSources, DlqStatus};
    let mut fixture = incident();
    fixture.observations.push(Observation::Dlq(DlqStatus {
        name: "orders-dlq".into(),
        sources: DlqSources::Unknown,
        depth: 3,
        arn: None,
        retention_seconds: None,
        max_receive_counts: Vec::new(),
    }));
    let mut s = fixture.state(false);
    press(&mut s, "d");
    let p = plan(&s);
    assert!(
        p.plan.warnings[0].contains("could not be listed") && p.plan.warnings[0].contains("refuses"),
        "{:?}",
        p.plan.warnings
    );
    assert!(p.plan.expected[0].contains("about 1s"), "{:?}", p.plan.expected);
}

#[test]
fn redrive_warns_during_overload_and_rate_is_adjustable() {
    let mut s = live();
    press(&mut s, "d");
    let p = plan(&s);
    assert!(p.plan.warnings[0].contains("still above its age threshold"), "{:?}", p.plan.warnings);
    assert!(p.plan.warnings.iter().any(|w| w.contains("new message IDs")));
    assert!(p.plan.warnings.iter().any(|w| w.contains("alarms still firing: core-db CPU > 70 %")));
    assert!(p.plan.op.api_call().contains("MaxNumberOfMessagesPerSecond=10"));
    assert!(p.plan.expected[0].contains("about 2m00s"), "1,200 at 10/s: {:?}", p.plan.expected);
    press(&mut s, "<up>");
    assert!(plan(&s).plan.op.api_call().contains("MaxNumberOfMessagesPerSecond=50"), "{}", plan(&s).plan.op.api_call());
    let effects = press(&mut s, "orders-dlq <enter>");
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
    let mut s = live();
    press(&mut s, "d");
    let call = plan(&s).plan.op.api_call();
    assert!(call.contains("no DestinationArn: each message returns to its source queue"), "{call}");
    press(&mut s, "<right>");
    let p = plan(&s);
    assert!(p.plan.op.api_call().contains("DestinationArn=orders"), "{}", p.plan.op.api_call());
    assert!(p.plan.expected[0].contains("move to orders"), "{:?}", p.plan.expected);
    assert!(p.typed.is_empty(), "arrows choose, they do not type");
    press(&mut s, "<right>");
    assert!(plan(&s).plan.op.api_call().contains("no DestinationArn"), "→ wraps round to the sources");
    let effects = press(&mut s, "<left> orders-dlq <enter>");
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Execute { op: Op::Redrive { destination: Some(d), .. }, .. }] if d == "orders"
        ),
        "{effects:?}"
    );
}

#[test]
fn plans_that_cannot_apply_say_why_instead_of_opening() {
    // No previous version, an empty DLQ, no redrive to cancel.
    let mut s = Fixture::new()
        .queue("orders", Some("orders-consumer"), Some("orders-dlq"))
        .dlq("orders-dlq", "orders", 0)
        .function("orders-consumer", "live", "41", None)
        .state(false);
    for (keys, expect) in [("r", "no known previous version"), ("d", "is empty"), ("x", "no running redrive")] {
        let effects = press(&mut s, keys);
        assert!(effects.is_empty());
        assert!(s.ui.popup.is_none(), "{keys} opened a popup");
        assert!(notice(&s).contains(expect), "{keys}: {:?}", s.notice);
    }
}

fn with_running_redrive(read_only: bool) -> State {
    let mut s = incident().state(read_only);
    let task = RedriveTask {
        handle: "task-1".into(),
        dlq: "orders-dlq".into(),
        destination: "orders".into(),
        rate_per_second: Some(1),
        moved: 10,
        to_move: 1200,
        status: RedriveStatus::Running,
        started_at: s.now,
    };
    s.update(Msg::Telemetry { feed: crate::model::Feed::Fast, result: Ok(vec![Observation::Redrive(task)]) });
    s
}

#[test]
fn cancel_redrive_needs_a_running_task_and_targets_it() {
    let mut s = with_running_redrive(false);
    press(&mut s, "d");
    assert!(notice(&s).contains("already has a running redrive"), "{:?}", s.notice);
    let effects = press(&mut s, "x orders-dlq <enter>");
    assert!(
        matches!(effects.as_slice(), [Effect::Execute { op: Op::CancelRedrive { task, .. }, .. }] if task == "task-1"),
        "{effects:?}"
    );
}

#[test]
fn read_only_previews_every_operation_and_never_executes() {
    let mut s = with_running_redrive(true);
    s.update(Msg::Telemetry { feed: Feed::Inventory, result: Ok(vec![orders_mapping("Enabled")]) });
    let km = keymap();
    for &action in Action::ALL.iter().filter(|a| a.is_mutating()) {
        let key = km.hint(crate::action::Mode::Dashboard, action).expect("bound").to_string();
        press(&mut s, &key);
        let Some(Popup::Plan(p)) = s.ui.popup.clone() else {
            // Redrive is refused because a task runs, resume because the consumer is not paused, a peek because it
            // is never offered read-only: refusals, not previews, and they execute nothing.
            assert!(
                matches!(action, Action::Redrive | Action::ResumeConsumer | Action::PeekMessages),
                "{action:?}: {:?}",
                s.notice
            );
            continue;
        };
        assert!(p.blocked.as_deref().unwrap_or_default().starts_with("read-only: this would call"), "{:?}", p.blocked);
        let effects = press(&mut s, &format!("{} <enter>", p.plan.op.target()));
        assert!(effects.iter().all(|e| !matches!(e, Effect::Execute { .. })), "{action:?} executed: {effects:?}");
        press(&mut s, "<esc>");
    }
    assert!(s.operations.is_empty());
}

#[test]
fn a_journal_that_cannot_be_written_blocks_operations() {
    let mut s = live();
    s.journal_error = Some("journal /nope: permission denied".into());
    let effects = press(&mut s, "r orders-consumer <enter>");
    assert!(effects.is_empty());
    assert!(plan(&s).blocked.as_deref().unwrap_or_default().contains("operations disabled"));
}

#[test]
fn notes_are_allowed_in_read_only_and_go_to_the_timeline() {
    let mut s = incident().state(true);
    // `q` and `r` type into the note: in text mode only named keys act.
    let effects = press(&mut s, "n quiet <space> retry <enter>");
    assert_eq!(effects, vec![Effect::JournalNote { text: "quiet retry".into() }]);
    let last = s.data.timeline.last().expect("note");
    assert_eq!((last.kind, last.actor.as_deref()), (EventKind::Note, Some("alice")));
    assert!(!s.quit);
}

#[test]
fn quit_asks_while_an_operation_runs() {
    let mut s = live();
    press(&mut s, "q");
    assert!(s.quit, "nothing running: quit at once");

    let mut s = live();
    press(&mut s, "r orders-consumer <enter> q");
    assert!(!s.quit);
    assert_eq!(s.ui.popup, Some(Popup::QuitConfirm));
    assert_eq!(s.key_mode(), crate::action::Mode::Confirm);
    press(&mut s, "x");
    assert_eq!(s.ui.popup, Some(Popup::QuitConfirm), "other keys leave the question open");
    press(&mut s, "n");
    assert!(!s.quit && s.ui.popup.is_none());
    press(&mut s, "q y");
    assert!(s.quit);
}

#[test]
fn ctrl_c_on_the_dashboard_says_how_to_quit() {
    let mut s = live();
    press(&mut s, "<ctrl-c>");
    assert!(!s.quit);
    assert_eq!(s.notice, Some(Notice::HowToQuit));
}

#[test]
fn filter_narrows_rows_and_operation_targets() {
    let mut s = live();
    press(&mut s, "/ db-2");
    assert_eq!(s.ui.filter, "db-2", "the filter applies as it is typed");
    press(&mut s, "<enter>");
    assert_eq!(s.ui.filter, "db-2");
    assert_eq!(s.rows().instances().len(), 1);
    press(&mut s, "b");
    assert_eq!(plan(&s).plan.op.target(), "core-db-2");
    press(&mut s, "<esc> / <esc>");
    assert_eq!(s.ui.filter, "", "cancelling the filter clears it");
    press(&mut s, "/ db-2 <enter>");
    assert_eq!(s.ui.filter, "db-2", "a filter kept");
    press(&mut s, "<esc>");
    assert_eq!(s.ui.filter, "", "esc on the dashboard takes a kept filter away");
    assert!(notice(&s).contains("filter cleared"), "{}", notice(&s));
}

#[test]
fn tab_goes_through_the_panes_in_the_screens_order() {
    let mut s = live();
    let mut seen = vec![s.ui.focus];
    for _ in 1..PaneId::ALL.len() {
        press(&mut s, "<tab>");
        seen.push(s.ui.focus);
    }
    assert_eq!(seen, PaneId::ALL.to_vec());
    assert_eq!(seen[3], PaneId::Functions, "functions before the database, as both layouts read");
    for (i, pane) in PaneId::ALL.iter().enumerate() {
        assert_eq!(pane.index(), i, "{pane:?}");
    }
}

#[test]
fn focus_selection_and_detail() {
    let mut s = live();
    assert_eq!(s.ui.focus, PaneId::Alarms);
    press(&mut s, "<shift-tab>");
    assert_eq!(s.ui.focus, PaneId::Timeline);
    press(&mut s, "<tab> <tab>");
    assert_eq!(s.ui.focus, PaneId::Queues);
    press(&mut s, "<enter>");
    assert_eq!(s.ui.popup, Some(Popup::Detail(DetailTarget::Queue("orders".into()))));
    press(&mut s, "<esc>");
    assert!(s.ui.popup.is_none());
    s.ui.focus = PaneId::Database;
    press(&mut s, "j j j");
    assert_eq!(s.ui.selected(PaneId::Database), 1, "selection stops at the last row");
}

#[test]
fn help_scrolls_and_closes_with_its_own_key() {
    let mut s = live();
    press(&mut s, "? j j k");
    assert_eq!(s.ui.popup, Some(Popup::Help { offset: 1 }));
    // Scrolled past what the view could show: held at its end, so one k moves the text at once.
    press(&mut s, "j j j");
    s.update(Msg::HelpDrawn { last_offset: 2 });
    assert_eq!(s.ui.popup, Some(Popup::Help { offset: 2 }));
    press(&mut s, "k");
    assert_eq!(s.ui.popup, Some(Popup::Help { offset: 1 }));
    press(&mut s, "?");
    assert!(s.ui.popup.is_none());
    // A page at a time, and back; a page key over a detail view leaves it open.
    press(&mut s, "? <pagedown> <pagedown> <pageup>");
    assert_eq!(s.ui.popup, Some(Popup::Help { offset: 15 }));
    press(&mut s, "<esc> <enter> <pagedown>");
    assert!(matches!(s.ui.popup, Some(Popup::Detail(_))), "{:?}", s.ui.popup);
}

#[test]
fn help_over_a_view_closes_back_to_the_view() {
    let mut s = live();
    s.ui.focus = PaneId::Queues;
    press(&mut s, "<enter>");
    let detail = s.ui.popup.clone();
    assert!(matches!(detail, Some(Popup::Detail(_))), "{detail:?}");
    press(&mut s, "? j <esc>");
    assert_eq!(s.ui.popup, detail, "esc from help goes back to the detail view");
    press(&mut s, "? ?");
    assert_eq!(s.ui.popup, detail, "so does help's own key");
    press(&mut s, "<esc> c ? <esc>");
    assert_eq!(s.ui.popup, Some(Popup::Changes));
    press(&mut s, "<esc> ? <esc>");
    assert!(s.ui.popup.is_none(), "help over the dashboard closes to it");
    s.ui.focus = PaneId::Functions;
    press(&mut s, "l ? <esc>");
    assert!(matches!(s.ui.popup, Some(Popup::Logs(_))), "and to the log view: {:?}", s.ui.popup);
    // q in help over the log view goes back to it, as q closes the log view itself: it never quits from there.
    press(&mut s, "? q");
    assert!(matches!(s.ui.popup, Some(Popup::Logs(_))) && !s.quit, "{:?}", s.ui.popup);
    // ctrl-c in the log view says how to leave it and quit, and leaves the view open.
    press(&mut s, "<ctrl-c>");
    assert_eq!(s.notice, Some(Notice::HowToQuit));
    assert!(matches!(s.ui.popup, Some(Popup::Logs(_))));
}

#[test]
fn redraws_only_when_something_changed() {
    let mut s = live();
    s.take_dirty();
    let now = s.now;
    s.update(Msg::Tick(now));
    assert!(!s.take_dirty(), "the same second is not a change");
    s.update(Msg::Tick(now + chrono::Duration::seconds(1)));
    assert!(s.take_dirty(), "the visible clock moved");
}

#[test]
fn rolling_back_a_rollback_warns_that_it_rolls_forward() {
    let mut s = Fixture::new().function("orders-consumer", "live", "41", Some("42")).state(false);
    s.update(Msg::Action(Action::Rollback));
    let p = plan(&s);
    assert_eq!(
        p.plan.op,
        Op::Rollback { function: "orders-consumer".into(), alias: "live".into(), from: "41".into(), to: "42".into() }
    );
    assert!(p.plan.warnings[0].contains("NEWER"), "{:?}", p.plan.warnings);
}

#[test]
fn operation_events_use_the_operators_clock() {
    let mut s = live();
    let effects = press(&mut s, "r orders-consumer <enter>");
    let Some(Effect::Execute { id, .. }) = effects.first() else { panic!("{effects:?}") };
    let later = s.now + chrono::Duration::seconds(20);
    s.update(Msg::Op(OpUpdate::new(*id, OpPhase::Succeeded, "ok".into(), later)));
    assert_eq!(s.data.timeline.last().map(|e| e.at), Some(later));
}

#[test]
fn every_mutating_action_opens_the_plan_of_its_operation() {
    let s = with_running_redrive(false);
    for &action in Action::ALL.iter().filter(|a| a.is_mutating()) {
        if let Ok(plan) = s.plan_for(action) {
            assert_eq!(plan.op.name(), action.name(), "the journal names the operation as the keymap does");
        }
    }
}

#[test]
fn a_plan_says_nothing_about_keys() {
    // Which key does what is the screen's to say, from the keymap: a plan's sentences never name one.
    let s = with_running_redrive(false);
    let mut plans = vec![s.plan_for(Action::CancelRedrive).expect("cancel")];
    let s = live();
    for action in [Action::Rollback, Action::Reboot, Action::Failover, Action::Redrive] {
        plans.push(s.plan_for(action).expect("plan"));
    }
    let km = keymap();
    for plan in plans {
        for line in plan.current.iter().chain(&plan.expected).chain(&plan.warnings) {
            for word in line.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|w| w.len() == 1) {
                let bound = crate::action::Mode::ALL
                    .iter()
                    .any(|m| crate::keymap::Key::parse(word).is_ok_and(|k| km.action(*m, k).is_some()));
                assert!(!bound, "`{word}` in {line:?} looks like a key");
            }
        }
    }
}

/// Credentials that stop working mid-incident: one failure with its first time, operations refused with the
/// source's remedy, the data kept, and all of it over at the next poll whose calls work.
#[test]
fn failing_credentials_refuse_operations_until_a_poll_works_again() {
    use crate::model::{CredentialSource, FailureKind, Feed, Identity, Subject};
    let mut s = live();
    let identity = Identity {
        account: "123456789012".into(),
        region: "eu-west-1".into(),
        principal: "arn:aws:sts::123456789012:assumed-role/OnCall/alice".into(),
        credentials: CredentialSource {
            description: "profile oncall (SSO session corp)".into(),
            remedy: "run `aws sso login --profile oncall`".into(),
        },
    };
    s.update(Msg::Telemetry { feed: Feed::Inventory, result: Ok(vec![Observation::Identity(identity)]) });
    let expired = |call: &str| {
        Observation::problem_of(
            FailureKind::Credentials,
            Subject::Queues,
            Some("orders"),
            format!("{call}: the SSO session has expired"),
        )
    };
    let answered = || {
        let q = answering_queue();
        vec![Observation::Queue(q)]
    };
    let started = s.now;
    s.update(Msg::Telemetry { feed: Feed::Fast, result: Ok(vec![expired("sqs:GetQueueAttributes")]) });
    s.update(Msg::Tick(started + chrono::Duration::minutes(2)));
    s.update(Msg::Telemetry { feed: Feed::Fast, result: Ok(vec![expired("sqs:GetQueueAttributes")]) });
    let failure = s.credentials.clone().expect("failing");
    assert_eq!(failure.since, started, "the first failure's time is kept");
    assert!(s.data.queues.iter().any(|q| q.name == "orders"), "the last data stays");

    press(&mut s, "r");
    let why = plan(&s).blocked.clone().expect("refused");
    assert!(
        why.contains("profile oncall (SSO session corp)") && why.contains("aws sso login --profile oncall"),
        "{why}"
    );

    // A poll that made no call, or whose calls all failed for another reason, says nothing about the credentials:
    // the failure and its age stay (the trial saw the banner's age restart every minute).
    s.update(Msg::Telemetry { feed: Feed::Metrics, result: Ok(Vec::new()) });
    let timed_out = Observation::problem(Subject::Queues, Some("orders"), "sqs:GetQueueAttributes: timed out");
    s.update(Msg::Telemetry { feed: Feed::Fast, result: Ok(vec![timed_out]) });
    assert_eq!(s.credentials.as_ref().map(|f| f.since), Some(started), "still failing since the start");
    // Failing after the plan opened: confirming is refused too, before any effect.
    s.update(Msg::Telemetry { feed: Feed::Fast, result: Ok(answered()) });
    assert!(s.credentials.is_none(), "a poll whose calls answered ends it");
    press(&mut s, "<esc> r");
    s.update(Msg::Telemetry { feed: Feed::Fast, result: Ok(vec![expired("sqs:GetQueueAttributes")]) });
    let effects = press(&mut s, "orders-consumer <enter>");
    assert!(effects.is_empty(), "{effects:?}");
    assert!(notice(&s).starts_with("refused: AWS credentials from profile oncall"), "{}", notice(&s));

    // A whole poll failing for its credentials counts the same.
    s.update(Msg::Telemetry { feed: Feed::Fast, result: Ok(answered()) });
    assert!(s.credentials.is_none());
    let error =
        TelemetryError { kind: FailureKind::Credentials, ..TelemetryError::new("cloudwatch:GetMetricData", "expired") };
    s.update(Msg::Telemetry { feed: Feed::Metrics, result: Err(error) });
    assert!(s.credentials.is_some());
}

/// A queue as a poll whose SQS call answered reports it.
fn answering_queue() -> crate::model::QueueStatus {
    crate::model::QueueStatus {
        name: "orders".into(),
        visible: 3,
        in_flight: 0,
        dlq: None,
        consumer: None,
        retention_seconds: None,
    }
}

/// Issue 13, item 6: with the RDS endpoint hung for over a minute, the reboot plan says how old its facts are
/// and warns; with fresh data it says nothing of the kind.
#[test]
fn a_plan_on_stale_data_says_how_old_its_facts_are() {
    let mut s = live();
    press(&mut s, "b");
    assert!(plan(&s).plan.current.iter().all(|l| !l.contains("STALE")), "{:?}", plan(&s).plan.current);
    press(&mut s, "<esc>");
    let hung = crate::model::TelemetryError::new("inventory", "no answer for 10 s; still waiting");
    s.update(Msg::Tick(s.now + chrono::Duration::seconds(78)));
    s.update(Msg::Telemetry { feed: Feed::Inventory, result: Err(hung) });
    press(&mut s, "b");
    let p = &plan(&s).plan;
    assert_eq!(
        p.current[0], "STALE — Database facts last read 1m18s ago: inventory: no answer for 10 s; still waiting",
        "{:?}",
        p.current
    );
    assert!(p.warnings[0].starts_with("this plan rests on Database data last read 1m18s ago"), "{:?}", p.warnings);
}

/// Issue 13, item 7: the rollback target is chosen knowingly — the plan says whether it is the version the alias
/// moved from or a guess, and ←/→ pick another published version, each with its publish time and description.
#[test]
fn the_rollback_target_is_said_and_another_published_version_can_be_picked() {
    use crate::model::PublishedVersion;
    let mut s = live();
    let published = |v: &str, description: &str| PublishedVersion {
        version: v.into(),
        published_at: Some(s.now - chrono::Duration::days(2)),
        description: description.into(),
        sha256: String::new(),
        config: None,
    };
    let mut f = s.data.functions[0].clone();
    f.published = vec![published("41", "release 41"), published("40", ""), published("39", "hotfix")];
    s.update(Msg::Telemetry { feed: Feed::Inventory, result: Ok(vec![Observation::Function(f.clone())]) });
    press(&mut s, "r");
    let current = plan(&s).plan.current.clone();
    let day = (s.now - chrono::Duration::days(2)).format("%Y-%m-%d %H:%M");
    assert!(
        current.contains(&format!("target version 41 (published {day}, \"release 41\"): the version it moved from")),
        "{current:?}"
    );
    assert!(current.contains(&"other targets: 40 · 39".to_string()), "{current:?}");
    press(&mut s, "<right> <right>");
    let p = &plan(&s).plan;
    assert!(matches!(&p.op, Op::Rollback { to, .. } if to == "39"), "{:?}", p.op);
    assert!(p.current.iter().any(|l| l.contains("target version 39") && l.contains("chosen among")), "{:?}", p.current);
    press(&mut s, "<right>");
    assert!(matches!(&plan(&s).plan.op, Op::Rollback { to, .. } if to == "41"), "wraps round to the first");
    press(&mut s, "<esc>");

    // Without a record of the move, the same target is a guess, and the plan says so.
    let guessed = FunctionStatus { last_move: None, ..f };
    s.update(Msg::Telemetry { feed: Feed::Inventory, result: Ok(vec![Observation::Function(guessed)]) });
    press(&mut s, "r");
    let current = &plan(&s).plan.current;
    assert!(current.iter().any(|l| l.contains("target version 41") && l.contains("a guess")), "{current:?}");
    assert!(current.iter().any(|l| l.contains("history unknown")), "{current:?}");
}

/// A rollback that found the alias already at its target called nothing: nobody is credited with a move.
#[test]
fn a_rollback_that_called_nothing_records_no_move() {
    let mut s = live();
    let effects = press(&mut s, "r orders-consumer <enter>");
    let Some(Effect::Execute { id, .. }) = effects.first() else { panic!("{effects:?}") };
    let seen = vec![crate::operation::Seen::Unchanged];
    let update = OpUpdate { seen, ..OpUpdate::new(*id, OpPhase::Succeeded, "already points to 41".into(), s.now) };
    s.update(Msg::Op(update));
    assert!(s.data.alias_moves.iter().all(|m| m.source != MoveSource::Operation), "{:?}", s.data.alias_moves);
}

/// A verified redrive shows its move task in the DLQ's row at once, as verification read it.
#[test]
fn a_verified_redrive_shows_its_task_at_once() {
    let mut s = live();
    let effects = press(&mut s, "<tab> <tab> d orders-dlq <enter>");
    let Some(Effect::Execute { id, .. }) = effects.first() else { panic!("{effects:?} {:?}", s.notice) };
    let task = RedriveTask {
        handle: "task-1".into(),
        dlq: "orders-dlq".into(),
        destination: "orders".into(),
        rate_per_second: Some(50),
        moved: 0,
        to_move: 40,
        status: RedriveStatus::Running,
        started_at: s.now,
    };
    let seen = vec![crate::operation::Seen::Redrive(task.clone())];
    s.update(Msg::Op(OpUpdate { seen, ..OpUpdate::new(*id, OpPhase::Succeeded, "task-1 running".into(), s.now) }));
    assert_eq!(s.data.redrives.get("orders-dlq"), Some(&task));
}

/// Issue 14: a queue that invokes `$LATEST` gets a Functions row of its own; rolling back an alias no queue invokes
/// warns that it changes nothing they run; a version-pinned row is not taken for an alias; a redrive into a queue
/// nothing consumes warns.
#[test]
fn deploys_show_what_each_queue_invokes_and_plans_warn_when_nothing_runs_the_target() {
    use crate::model::Qualifier;
    let fixture = incident()
        .mapping("orders", "orders-consumer", Qualifier::Latest, "Enabled")
        .queue("shipping", Some("shipping-printer"), None)
        .mapping("shipping", "shipping-printer", Qualifier::Version("2".into()), "Disabled");
    let mut s = fixture.state(false);
    let rows: Vec<String> = s
        .rows()
        .deploys()
        .iter()
        .map(|r| match r {
            DeployRow::Alias(f) => format!("{}:{} → v{}", f.name, f.alias, f.version),
            DeployRow::Mapping(m) => format!("{} ← {} {}", m.invoked(), m.queue, m.state.label()),
        })
        .collect();
    assert_eq!(
        rows,
        [
            "orders-consumer:live → v42",
            "orders-consumer ($LATEST) ← orders Enabled",
            "shipping-printer:2 ← shipping Disabled"
        ]
    );
    s.ui.focus = PaneId::Functions;
    press(&mut s, "r");
    let warnings = plan(&s).plan.warnings.clone();
    assert!(
        warnings[0].starts_with(
            "no queue's event source mapping invokes orders-consumer:live (orders invokes orders-consumer ($LATEST))"
        ),
        "{warnings:?}"
    );
    press(&mut s, "<esc> j j r");
    assert!(s.ui.popup.is_none(), "no version below 2 is published: nothing to pin to");
    assert!(
        notice(&s)
            .contains("shipping-printer has no published version below 2: nothing to roll shipping's mapping back"),
        "{}",
        notice(&s)
    );

    // Nothing consumes shipping: its verdict-free row says so, and a redrive into it warns.
    assert_eq!(s.data.no_consumer("shipping").as_deref(), Some("no consumer: mapping Disabled (USER_INITIATED)"));
    s.ui.focus = PaneId::Dlqs;
    let shipping = s.data.queues.iter().position(|q| q.name == "shipping").expect("shipping");
    press(&mut s, "d");
    for _ in 0..=shipping {
        press(&mut s, "<right>");
    }
    let warnings = plan(&s).plan.warnings.clone();
    assert!(warnings.iter().any(|w| w.starts_with("shipping has no consumer: mapping Disabled")), "{warnings:?}");
}

/// Issue 14: a `$LATEST` consumer rolls back by pinning its mapping to the newest published version whose code
/// differs; ←/→ pick another; the plan names the exact call and warns that the next infrastructure deploy undoes
/// it; the verified re-point shows at once, and a second rollback goes back to `$LATEST`'s wiring's successor.
#[test]
fn a_latest_consumer_is_rolled_back_by_pinning_its_mapping() {
    use crate::model::{Code, PublishedVersion, Qualifier};
    use crate::operation::{ConsumerChange, Seen};
    let mut s = incident().mapping("orders", "orders-consumer", Qualifier::Latest, "Enabled").state(false);
    let version = |v: &str, sha: &str| PublishedVersion {
        version: v.into(),
        published_at: None,
        description: format!("release {v}"),
        sha256: sha.into(),
        config: None,
    };
    if let Some(m) = s.data.mappings.get_mut("orders").and_then(|m| m.first_mut()) {
        m.code = Some(Code {
            version: "$LATEST".into(),
            sha256: "NEWCODE=".into(),
            last_modified: Some(s.now),
            ..Code::default()
        });
        m.published = vec![version("43", "NEWCODE="), version("42", "OLDCODE="), version("41", "OLDERCODE=")];
    }
    s.ui.focus = PaneId::Functions;
    press(&mut s, "j r");
    let p = plan(&s).plan.clone();
    let uuid = "orders-orders-consumer-";
    assert_eq!(p.op.api_call(), format!("lambda:UpdateEventSourceMapping UUID={uuid} FunctionName=orders-consumer:42"));
    assert_eq!(p.op.summary(), "roll back orders → orders-consumer ($LATEST) to orders-consumer:42");
    assert!(p.current[1].starts_with("target orders-consumer:42 (\"release 42\", code OLDCODE=)"), "{:?}", p.current);
    assert!(p.current[1].ends_with("the newest published version whose code differs from $LATEST's (CodeSha256)"));
    assert_eq!(p.current[2], "other targets: 41");
    assert!(p.warnings[0].contains("the next one undoes this rollback"), "{:?}", p.warnings);
    press(&mut s, "<right>");
    assert!(plan(&s).plan.op.api_call().ends_with("FunctionName=orders-consumer:41"));
    press(&mut s, "<left>");
    let effects = press(&mut s, "orders <enter>");
    let [Effect::Execute { id, op }] = effects.as_slice() else { panic!("one execute: {effects:?}") };
    assert!(matches!(op, Op::Consumer { change: ConsumerChange::Repoint { to, .. }, .. } if to == "42"), "{op:?}");
    let mut done = OpUpdate::new(*id, OpPhase::Succeeded, "verified".into(), s.now);
    done.seen = vec![Seen::Mapping {
        queue: "orders".into(),
        uuid: uuid.into(),
        state: crate::model::MappingState::Enabled,
        max_concurrency: None,
        qualifier: Qualifier::Version("42".into()),
    }];
    s.update(Msg::Op(done));
    let m = &s.data.mappings_of("orders")[0];
    assert_eq!((&m.qualifier, &m.previous), (&Qualifier::Version("42".into()), &Some(Qualifier::Latest)));
    // Pinned to 42, its rollback goes below it.
    press(&mut s, "r");
    assert!(plan(&s).plan.op.api_call().ends_with("FunctionName=orders-consumer:41"), "{:?}", plan(&s).plan);

    // Read-only: the same keys preview the call and execute nothing.
    let mut observer = incident().mapping("orders", "orders-consumer", Qualifier::Latest, "Enabled").state(true);
    if let Some(m) = observer.data.mappings.get_mut("orders").and_then(|m| m.first_mut()) {
        m.published = vec![version("42", "OLDCODE=")];
    }
    observer.ui.focus = PaneId::Functions;
    press(&mut observer, "j r");
    let blocked = plan(&observer).blocked.clone().unwrap_or_default();
    assert!(blocked.starts_with("read-only: this would call lambda:UpdateEventSourceMapping"), "{blocked}");
    let effects = press(&mut observer, "orders <enter>");
    assert!(effects.iter().all(|e| !matches!(e, Effect::Execute { .. })), "{effects:?}");
    assert!(observer.operations.is_empty());
}

/// Issue 14: the other way back for a `$LATEST` consumer. The other-way key turns the pin plan into a restore of
/// the version's code into `$LATEST` (UpdateFunctionCode under `$LATEST`'s RevisionId, the package's SHA-256
/// checked); the plan lists what of the configuration stays different; ↑ publishes a version; the target to type
/// becomes the function; read-only previews it and runs nothing.
#[test]
fn a_latest_consumer_can_have_its_earlier_code_restored_instead() {
    use crate::model::{Code, FunctionConfig, PublishedVersion, Qualifier};
    let config = |handler: &str, env: &[&str]| FunctionConfig {
        handler: Some(handler.into()),
        environment: env.iter().map(|e| e.to_string()).collect(),
        ..FunctionConfig::default()
    };
    let prepared = |read_only: bool| {
        let mut s = incident().mapping("orders", "orders-consumer", Qualifier::Latest, "Enabled").state(read_only);
        if let Some(m) = s.data.mappings.get_mut("orders").and_then(|m| m.first_mut()) {
            m.code = Some(Code {
                version: "$LATEST".into(),
                sha256: "NEWCODE=".into(),
                last_modified: Some(s.now),
                revision: Some("rev-latest-1".into()),
                config: Some(config("app.handler", &["DB_URL", "NEW_FLAG"])),
            });
            m.published = vec![PublishedVersion {
                version: "42".into(),
                sha256: "OLDCODE=".into(),
                config: Some(config("index.handler", &["DB_URL"])),
                ..PublishedVersion::default()
            }];
        }
        s.ui.focus = PaneId::Functions;
        s
    };
    let mut s = prepared(false);
    press(&mut s, "j r");
    assert!(matches!(plan(&s).plan.op, Op::Consumer { .. }), "the pin comes first");
    press(&mut s, "<tab>");
    let p = plan(&s).plan.clone();
    assert_eq!(
        p.op.api_call(),
        "lambda:GetFunction FunctionName=orders-consumer Qualifier=42, then lambda:UpdateFunctionCode \
         FunctionName=orders-consumer ZipFile=<version 42's package, SHA-256 OLDCODE=…> RevisionId=rev-latest-1"
    );
    assert_eq!(p.op.target(), "orders-consumer", "the function is what changes");
    assert!(
        p.warnings[0].starts_with(
            "UpdateFunctionCode restores the code only; $LATEST's configuration stays: handler app.handler (version \
             42: index.handler); environment variable NEW_FLAG only in $LATEST"
        ),
        "{:?}",
        p.warnings
    );
    assert!(p.warnings.iter().any(|w| w.contains("not only orders")), "{:?}", p.warnings);
    assert!(p.expected.iter().any(|e| e.contains("its SHA-256 must be OLDCODE=")), "{:?}", p.expected);
    press(&mut s, "<up>");
    assert!(plan(&s).plan.op.api_call().ends_with("Publish=true"));
    press(&mut s, "<tab>");
    assert!(matches!(plan(&s).plan.op, Op::Consumer { .. }), "and back to the pin");
    press(&mut s, "<tab> <up>");
    // Typing the queue's name (the pin's target) no longer confirms: the function's does.
    assert!(press(&mut s, "orders <enter>").is_empty());
    let effects = press(&mut s, "<ctrl-u> orders-consumer <enter>");
    let [Effect::Execute { op, .. }] = effects.as_slice() else { panic!("one execute: {effects:?}") };
    assert!(matches!(op, Op::RestoreCode { version, publish: true, .. } if version == "42"), "{op:?}");

    let mut observer = prepared(true);
    press(&mut observer, "j r <tab>");
    let blocked = plan(&observer).blocked.clone().unwrap_or_default();
    assert!(blocked.starts_with("read-only: this would call lambda:GetFunction"), "{blocked}");
    let effects = press(&mut observer, "orders-consumer <enter>");
    assert!(effects.iter().all(|e| !matches!(e, Effect::Execute { .. })), "{effects:?}");
}

/// `orders`' one mapping, invoking `orders-consumer:live`, in `state`.
fn orders_mapping(state: &str) -> Observation {
    let live = crate::model::Qualifier::Alias("live".into());
    let mapping = crate::model::test_mapping("uuid-1", "orders", "orders-consumer", live, state);
    Observation::Mappings { queue: "orders".into(), mappings: vec![mapping], at: chrono::Utc::now() }
}

/// Issue 14: pause, throttle and resume the selected queue's consumer from the keys; the plan says how long
/// messages can wait and that the pause sends nothing to the DLQ; the verified pause shows at once.
#[test]
fn the_consumer_is_paused_throttled_and_resumed_from_the_keys() {
    use crate::model::MappingState;
    use crate::operation::{ConsumerChange, Seen};
    let mut s = live();
    s.update(Msg::Telemetry { feed: Feed::Inventory, result: Ok(vec![orders_mapping("Enabled")]) });
    s.ui.focus = PaneId::Queues;
    press(&mut s, "u");
    assert!(notice(&s).contains("the consumer of orders is not paused"), "{}", notice(&s));
    press(&mut s, "p");
    let p = plan(&s).plan.clone();
    assert_eq!(p.op.api_call(), "lambda:UpdateEventSourceMapping UUID=uuid-1 Enabled=false");
    assert!(p.current[0].contains("retention period 4d"), "{:?}", p.current);
    assert!(p.expected.iter().any(|e| e.contains("the pause itself sends nothing to the DLQ")), "{:?}", p.expected);
    let effects = press(&mut s, "orders <enter>");
    let [Effect::Execute { id, op }] = effects.as_slice() else { panic!("one execute: {effects:?}") };
    assert!(matches!(op, Op::Consumer { change: ConsumerChange::Pause, .. }));
    let mut done = OpUpdate::new(*id, OpPhase::Succeeded, "verified".into(), s.now);
    done.seen = vec![Seen::Mapping {
        queue: "orders".into(),
        uuid: "uuid-1".into(),
        state: MappingState::Disabled,
        max_concurrency: None,
        qualifier: crate::model::Qualifier::Alias("live".into()),
    }];
    s.update(Msg::Op(done));
    assert_eq!(s.data.no_consumer("orders").as_deref(), Some("no consumer: mapping Disabled (USER_INITIATED)"));

    // Resuming onto a writer at 95 % CPU warns to throttle first; the throttle plan steps through limits.
    press(&mut s, "u");
    assert!(plan(&s).plan.warnings[0].starts_with("core-db-1 CPU is 95 %"), "{:?}", plan(&s).plan.warnings);
    press(&mut s, "<esc> t");
    assert_eq!(
        plan(&s).plan.op.api_call(),
        "lambda:UpdateEventSourceMapping UUID=uuid-1 ScalingConfig={MaximumConcurrency=10}"
    );
    press(&mut s, "<up>");
    assert!(plan(&s).plan.op.api_call().ends_with("MaximumConcurrency=20}"), "{}", plan(&s).plan.op.api_call());
    for _ in 0..10 {
        press(&mut s, "<up>");
    }
    assert!(plan(&s).plan.op.api_call().ends_with("ScalingConfig={} (no maximum)"), "{}", plan(&s).plan.op.api_call());
}

/// Issue 15: Enter on a mismatched confirmation says what to type; under the cautious keymap a lower-case
/// operation key says which key does it, instead of nothing.
#[test]
fn a_key_that_does_nothing_says_what_would() {
    let mut s = live();
    press(&mut s, "r orders <enter>");
    assert!(s.ui.popup.is_some(), "still open");
    assert_eq!(notice(&s), "not run: type orders-consumer exactly to confirm (typed \"orders\")");
    press(&mut s, "<esc>");
    let cautious = Keymap::from_user_str(include_str!("../../../../keymaps/cautious.toml"), "keymaps/cautious.toml")
        .expect("cautious");
    s.press_keys(&cautious, "r").expect("keys");
    assert!(s.ui.popup.is_none());
    assert!(notice(&s).starts_with("r is not bound here; R is rollback ("), "{}", notice(&s));
}

/// Issue 15: a peek into the DLQ is planned, confirmed by the DLQ's name and journaled like a change, its messages
/// open in their own view, and `--read-only` is not offered it at all.
#[test]
fn a_peek_is_a_guarded_read_shown_in_its_own_view_and_not_offered_read_only() {
    use crate::model::PeekedMessage;
    use crate::operation::{OpUpdate, Seen};
    let mut s = incident().state(false);
    press(&mut s, "m");
    let p = &plan(&s).plan;
    assert_eq!(p.op, Op::Peek { dlq: "orders-dlq".into(), max: 10 });
    assert!(p.op.api_call().contains("VisibilityTimeout=0") && p.op.api_call().contains("no DeleteMessage"));
    assert!(p.warnings.iter().any(|w| w.contains("one more receive")), "{:?}", p.warnings);
    let effects = press(&mut s, "orders-dlq <enter>");
    let [Effect::Execute { id, op: Op::Peek { .. } }] = effects.as_slice() else { panic!("{effects:?}") };
    let kinds: Vec<_> = s.data.timeline.iter().map(|e| e.kind).collect();
    assert!(!kinds.contains(&EventKind::Operation), "a peek is no change, so never a suspect: {kinds:?}");
    let message = PeekedMessage {
        message_id: "m-1".into(),
        body: r#"{"order_id":1}"#.into(),
        receive_count: 4,
        ..PeekedMessage::default()
    };
    let seen = vec![Seen::Messages { dlq: "orders-dlq".into(), messages: vec![message.clone()] }];
    s.update(Msg::Op(OpUpdate { seen, ..OpUpdate::new(*id, OpPhase::Succeeded, "1 message shown".into(), s.now) }));
    assert_eq!(s.ui.popup, Some(Popup::Messages { offset: 0 }));
    assert_eq!(s.ui.peeked, Some(("orders-dlq".to_string(), vec![message])));
    press(&mut s, "j");
    assert_eq!(s.ui.popup, Some(Popup::Messages { offset: 1 }), "it scrolls");

    let mut observer = incident().state(true);
    let effects = press(&mut observer, "m");
    assert!(effects.is_empty() && observer.ui.popup.is_none(), "no plan, not even a preview");
    assert!(notice(&observer).contains("not offered under --read-only"), "{}", notice(&observer));
}

/// The log view from the keys: `l` on a Functions row opens its consumer's lines newest first, following;
/// scrolling down holds the view (lines arriving later do not move it), `f` follows again; `/` types a filter
/// that applies as typed and `esc` clears; `g` groups; `esc` closes. Each key goes through the real keymap.
#[test]
fn the_log_view_follows_holds_filters_and_groups_from_the_keys() {
    use crate::model::{LogLine, LogsAccess};
    use crate::state::{LogRows, Popup};
    let keymap = keymap();
    let mut s = live();
    let now = s.now;
    let at = |second: i64| now + chrono::Duration::seconds(second);
    let line = |second: i64, id: &str, text: &str| LogLine {
        at: at(second),
        id: id.to_string(),
        stream: id.to_string(),
        message: text.to_string(),
    };
    let log = |lines: Vec<LogLine>| Observation::ConsumerLog {
        function: "orders-consumer".to_string(),
        group: "/aws/lambda/orders-consumer".to_string(),
        access: LogsAccess::Read,
        lines,
    };
    s.data.apply(log(vec![
        line(1, "a", "ERROR statement timeout 1"),
        line(2, "b", "ERROR connection refused"),
        line(3, "c", "ERROR statement timeout 2"),
    ]));
    s.ui.focus = PaneId::Functions;
    s.press_keys(&keymap, "l").expect("keys");
    let view = |s: &State| match &s.ui.popup {
        Some(Popup::Logs(v)) => (**v).clone(),
        other => panic!("no log view: {other:?}"),
    };
    assert_eq!(s.key_mode(), crate::action::Mode::Logs);
    let ids = |s: &State| match s.log_rows(&view(s)) {
        // Each line's stream is named after it here.
        LogRows::Lines(l) => l.iter().skip(view(s).offset).map(|l| l.stream.to_string()).collect::<Vec<_>>(),
        LogRows::Groups(g) => g.iter().map(|g| g.count.to_string()).collect(),
    };
    assert_eq!(ids(&s), ["c", "b", "a"], "newest first");
    // Down holds the view: a later line does not move it.
    s.press_keys(&keymap, "j").expect("keys");
    assert!(!view(&s).follow);
    s.data.apply(log(vec![line(4, "d", "ERROR statement timeout 3")]));
    assert_eq!(ids(&s), ["b", "a"]);
    s.press_keys(&keymap, "f").expect("keys");
    assert_eq!(ids(&s), ["d", "c", "b", "a"], "following again: the newest on top");
    // The filter applies as typed; esc clears it and stays in the view.
    s.press_keys(&keymap, "/ t i m e o u t").expect("keys");
    assert_eq!(s.key_mode(), crate::action::Mode::Text);
    assert_eq!(ids(&s), ["d", "c", "a"]);
    s.press_keys(&keymap, "<enter>").expect("keys");
    assert_eq!((s.key_mode(), view(&s).filter.as_str()), (crate::action::Mode::Logs, "timeout"));
    s.press_keys(&keymap, "g").expect("keys");
    assert_eq!(ids(&s), ["3"], "one group of three timeouts");
    s.press_keys(&keymap, "/ <esc> g").expect("keys");
    assert_eq!(ids(&s), ["d", "c", "b", "a"]);
    s.press_keys(&keymap, "<esc>").expect("keys");
    assert_eq!(s.ui.popup, None);
}

#[test]
fn enter_on_a_pane_the_filter_emptied_says_so() {
    let mut s = live();
    press(&mut s, "/ core <enter>");
    s.ui.focus = PaneId::Dlqs;
    press(&mut s, "<enter>");
    assert!(s.ui.popup.is_none());
    assert_eq!(notice(&s), "nothing to open: no match for 'core' in the Dead-letter queues pane");
}

#[test]
fn cancelling_a_plan_keeps_the_filter() {
    let mut s = live();
    press(&mut s, "/ core <enter>");
    assert_eq!(s.ui.filter, "core");
    press(&mut s, "b");
    assert!(matches!(s.ui.popup, Some(Popup::Plan(_))), "{:?}", s.ui.popup);
    press(&mut s, "<esc>");
    assert!(s.ui.popup.is_none());
    assert_eq!(s.ui.filter, "core", "esc cancels the plan, not the filter the resource was found with");
}

#[test]
fn a_follower_offers_to_poll_on_its_own_and_a_polling_dashboard_says_it_already_does() {
    let mut s = incident().event(12, EventKind::Deploy, "orders-consumer", "deploy orders-consumer 42").state(true);
    assert!(press(&mut s, "P").is_empty(), "not following: nothing to switch");
    assert!(notice(&s).contains("polls AWS itself"), "{}", notice(&s));
    let now = s.now;
    s.update(Msg::Following(super::follow::Following {
        publisher: "alice@bastion-1".into(),
        published: Some(now - chrono::Duration::seconds(46)),
        received: Some(now - chrono::Duration::seconds(45)),
        since: now - chrono::Duration::minutes(5),
        checked: now,
        error: None,
    }));
    assert!(s.following.as_ref().is_some_and(super::follow::Following::silent));
    // The publisher's principal is in the data it published; it is not the follower's.
    s.data.identity = Some(crate::model::Identity {
        principal: "arn:aws:sts::123456789012:assumed-role/OnCall/carol".into(),
        ..Default::default()
    });
    assert_eq!(s.author(), "alice", "a follower is its operator alone");
    assert_eq!(press(&mut s, "P"), vec![Effect::PollOwn]);
    let (timeline, queues) = (s.data.timeline.len(), s.data.queues.len());
    assert!(timeline > 0 && queues > 0, "the publisher's rows and history are shown while following");
    s.update(Msg::PollingOwn { location: "123456789012 · us-east-1".into() });
    assert!(s.following.is_none());
    assert!(s.data.queues.is_empty() && s.data.alarms.is_empty(), "the publisher's rows go: its polls' own come");
    assert!(s.feeds.iter().all(|f| f.last_ok.is_none()), "the publisher's freshness is not this dashboard's");
    assert_eq!(s.data.timeline.len(), timeline, "the history stays");
    // Its own polls read the history again (three hours back): each entry is shown once.
    let again = s.data.timeline.iter().find(|e| e.kind == EventKind::Deploy).cloned().expect("the deploy");
    s.update(Msg::Telemetry { feed: crate::model::Feed::Inventory, result: Ok(vec![Observation::Event(again)]) });
    assert_eq!(s.data.timeline.len(), timeline, "the deploy its own poll read again is not doubled");
    assert_eq!(s.location, "123456789012 · us-east-1");
    assert!(s.session.read_only, "polling on its own does not make an operator");
    assert_eq!(notice(&s), "now polling AWS here, not following alice@bastion-1");
}

/// Several targets: who acts is said with the principal they share, and an operation's with its own target's.
#[test]
fn the_author_is_said_with_the_principal_of_the_target_acted_in() {
    let target = |label: &str, account: &str, role: &str| crate::model::TargetStatus {
        principal: Some(format!("arn:aws:sts::{account}:assumed-role/{role}/alice")),
        ..crate::fixture::target(label, account)
    };
    let mut s = incident().state(false);
    s.data.identity = None;
    s.data.targets =
        vec![target("prod/us-east-1", "111111111111", "OnCall"), target("stg/us-east-1", "222222222222", "OnCall")];
    assert_eq!(s.author(), "alice as assumed-role/OnCall/alice", "one role in two accounts is one principal");
    s.data.targets[1] = target("stg/us-east-1", "222222222222", "Admin");
    assert_eq!(s.author(), "alice", "two principals: the operator, each operation saying its own");
    assert_eq!(s.author_in("stg/us-east-1/orders-consumer"), "alice as assumed-role/Admin/alice");
    assert_eq!(s.author_in("prod/us-east-1/orders-consumer"), "alice as assumed-role/OnCall/alice");
}

/// A move journaled by a session of several targets (`prod/eu-west-1/orders-consumer`) is the history of
/// `orders-consumer` in a session of that one account and region, once it knows where it is; and one journaled
/// by a session of one account is its target's in a session of several.
#[test]
fn a_journaled_move_is_found_whatever_targets_the_session_watches() {
    use crate::model::{Identity, Place};
    let place = Place { account: "123456789012".into(), region: "eu-west-1".into(), name: "orders-consumer".into() };
    let bob = Session { operator: "bob".into(), kind: crate::model::SessionKind::Live, read_only: false };
    let line = |function: &str, at| {
        let moved = AliasMove {
            function: function.into(),
            alias: "live".into(),
            from: Some("41".into()),
            to: "42".into(),
            at,
            source: MoveSource::Polled,
            actor: Some("bob".into()),
            place: Some(place.clone()),
        };
        JournalEntry::observed_move(&bob, at, &moved)
    };
    let by_bob =
        |s: &State| s.data.alias_moves.iter().find(|m| m.actor.as_deref() == Some("bob")).map(|m| m.function.clone());

    // One account and region: the name is bare once the identity says where the session is.
    let mut s = incident().state(false);
    s.data.identity = None;
    let at = s.now - chrono::Duration::minutes(3);
    s.update(Msg::Shared(vec![line("prod/eu-west-1/orders-consumer", at)]));
    assert_eq!(by_bob(&s).as_deref(), Some("prod/eu-west-1/orders-consumer"), "where this session is is not known yet");
    let identity = Identity { account: "123456789012".into(), region: "eu-west-1".into(), ..Identity::default() };
    s.update(Msg::Telemetry { feed: Feed::Inventory, result: Ok(vec![Observation::Identity(identity)]) });
    assert_eq!(by_bob(&s).as_deref(), Some("orders-consumer"));

    // Several targets: the bare name of a one-account session's line takes the label of the target there.
    let target = crate::fixture::target;
    let mut s = incident().state(false);
    s.data.identity = None;
    let targets = vec![target("stg/eu-west-1", "222222222222"), target("prod/eu-west-1", "123456789012")];
    s.update(Msg::Telemetry { feed: Feed::Inventory, result: Ok(vec![Observation::Targets(targets)]) });
    s.update(Msg::Shared(vec![line("orders-consumer", at)]));
    assert_eq!(by_bob(&s).as_deref(), Some("prod/eu-west-1/orders-consumer"));
    assert_eq!(s.data.place_of("prod/eu-west-1/orders-consumer"), Some(place.clone()), "and it is journaled so");
}
