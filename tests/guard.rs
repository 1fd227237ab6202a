//! The guard is the only door to an operator. In a read-only session no operator is built, and no Action — driven
//! through the state exactly as keys would drive it — reaches one. The same harness, armed, does reach it, so
//! these tests can fail.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::BoxFuture;
use warroom::ops::Operator;
use warroom::ops::guard::{Guard, Refusal};
use warroom::ops::runner::OperationContext;
use warroom_core::action::{Action, Mode};
use warroom_core::journal::{EntryKind, Journal};
use warroom_core::keymap::Keymap;
use warroom_core::model::{Session, SessionKind};
use warroom_core::operation::{Baseline, ConsumerChange, Op, OpError, OpPhase, OpUpdate, Verified};
use warroom_core::scene::Scene;
use warroom_core::state::{Effect, Popup, State};

/// Counts calls, and checks that the intent was journaled before each call.
struct CountingOperator {
    calls: AtomicUsize,
    journal: PathBuf,
    intent_seen_first: Mutex<Vec<bool>>,
    /// Each call's target, as the operator received it.
    targets: Mutex<Vec<String>>,
}

impl Operator for CountingOperator {
    fn execute<'a>(&'a self, op: &'a Op, _actor: &'a str) -> BoxFuture<'a, Result<String, OpError>> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let entries = Journal::read_all(&self.journal).unwrap_or_default();
            let seen =
                entries.iter().any(|e| e.kind == EntryKind::Intent && e.api_call.as_deref() == Some(&op.api_call()));
            self.intent_seen_first.lock().expect("lock").push(seen);
            self.targets.lock().expect("lock").push(op.target().to_string());
            Ok("ok".to_string())
        })
    }

    fn baseline<'a>(&'a self, _op: &'a Op) -> BoxFuture<'a, Baseline> {
        Box::pin(async { Baseline::at(chrono::Utc::now()) })
    }

    fn verify<'a>(&'a self, _op: &'a Op, _b: &'a Baseline) -> BoxFuture<'a, Result<Verified, OpError>> {
        Box::pin(async { Ok(Verified::said("verified".to_string())) })
    }
}

fn temp_journal(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("warroom-guard-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("journal.jsonl");
    std::fs::remove_file(&path).ok();
    path
}

fn ctx(read_only: bool) -> OperationContext {
    OperationContext {
        session: Session { operator: "alice".into(), kind: SessionKind::Demo, read_only },
        session_id: "test".into(),
        clock: Arc::new(chrono::Utc::now),
        place: None,
    }
}

/// Every dashboard action, as a user drives it through the default keymap: its key, then (for a plan) the
/// target's name and Enter; then whatever opened is left.
fn drive_every_action(state: &mut State) -> Vec<Effect> {
    let keymap = Keymap::defaults().expect("keymap");
    let press = |state: &mut State, keys: &str| state.press_keys(&keymap, keys).expect("keys");
    let mut effects = Vec::new();
    for action in Action::of_mode(Mode::Dashboard).filter(|a| *a != Action::Quit) {
        let key = keymap.hint(Mode::Dashboard, action).expect("every dashboard action has a key");
        effects.extend(state.press(&keymap, key));
        if let Some(Popup::Plan(plan)) = &state.ui.popup {
            let target = plan.plan.op.target().to_string();
            effects.extend(press(state, &format!("{target} <enter>")));
        }
        if state.ui.popup.is_some() {
            press(state, "<esc>");
        }
    }
    effects
}

/// Hands Execute effects to the guard, as the app does; returns how many it accepted.
fn submit_all(guard: &Guard, effects: Vec<Effect>, journal: Result<Arc<Journal>, String>, read_only: bool) -> usize {
    let mut accepted = 0;
    for effect in effects {
        if let Effect::Execute { id, op } = effect
            && guard.submit(id, op, ctx(read_only), journal.clone(), |_: OpUpdate| {}).is_ok()
        {
            accepted += 1;
        }
    }
    accepted
}

fn operator(journal: &std::path::Path) -> Arc<CountingOperator> {
    Arc::new(CountingOperator {
        calls: AtomicUsize::new(0),
        journal: journal.to_path_buf(),
        intent_seen_first: Mutex::new(Vec::new()),
        targets: Mutex::new(Vec::new()),
    })
}

#[tokio::test]
async fn read_only_reaches_no_operator_through_any_action() {
    let path = temp_journal("ro");
    let counting = operator(&path);
    let built = AtomicUsize::new(0);
    let guard = Guard::new(true, || {
        built.fetch_add(1, Ordering::SeqCst);
        counting.clone()
    });
    assert_eq!(built.load(Ordering::SeqCst), 0, "read-only never builds an operator");
    assert!(!guard.can_operate());

    // Peak of the incident, with a redrive running so cancel_redrive has a target too.
    let mut scene = Scene::at_minute(45.0, true);
    let journal = Journal::open(&path).map(Arc::new).map_err(|e| e.to_string());
    let mut effects = drive_every_action(&mut scene.state);
    scene.world.start_redrive("orders-dlq", None, Some(1)).expect("redrive");
    scene.poll();
    effects.extend(drive_every_action(&mut scene.state));
    assert!(effects.iter().all(|e| !matches!(e, Effect::Execute { .. })), "read-only state produced {effects:?}");
    assert_eq!(submit_all(&guard, effects, journal, true), 0);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(counting.calls.load(Ordering::SeqCst), 0);
    let ops = Journal::read_all(&path).unwrap_or_default();
    assert!(ops.iter().all(|e| e.kind == EntryKind::Note), "no operation in the journal: {ops:?}");
}

fn consumer(change: ConsumerChange) -> Op {
    Op::Consumer { queue: "q".into(), uuid: "u".into(), invoked: "f:live".into(), change }
}

#[tokio::test]
async fn read_only_guard_refuses_every_operation_directly() {
    let guard = Guard::read_only();
    let ops = [
        Op::Rollback { function: "f".into(), alias: "live".into(), from: "2".into(), to: "1".into() },
        Op::Reboot {
            cluster: "c".into(),
            instance: "i".into(),
            writer: true,
            call: warroom_core::operation::RebootCall::Instance,
        },
        Op::Failover { cluster: "c".into(), target: None },
        Op::Redrive { dlq: "d".into(), destination: Some("q".into()), rate: Some(10), arn: None },
        Op::CancelRedrive { dlq: "d".into(), task: "t".into() },
        consumer(ConsumerChange::Pause),
        consumer(ConsumerChange::Resume),
        consumer(ConsumerChange::Throttle { from: None, to: Some(5) }),
        consumer(ConsumerChange::Repoint { function: "f".into(), from: "$LATEST".into(), to: "1".into() }),
    ];
    for (i, op) in ops.into_iter().enumerate() {
        let result = guard.submit(i as u64, op, ctx(true), Err("unused".into()), |_| {});
        assert_eq!(result, Err(Refusal::ReadOnly));
    }
}

#[tokio::test]
async fn armed_guard_journals_intent_before_calling_then_outcome() {
    let path = temp_journal("armed");
    let counting = operator(&path);
    let guard = Guard::new(false, || counting.clone());
    let mut scene = Scene::at_minute(45.0, false);
    let journal = Journal::open(&path).map(Arc::new).map_err(|e| e.to_string());
    let effects = drive_every_action(&mut scene.state);
    let executes = effects.iter().filter(|e| matches!(e, Effect::Execute { .. })).count();
    // At the peak: rollback, reboot, redrive and the consumer's pause have targets; failover waits for the reboot
    // (same cluster), the throttle for the pause (same queue); there is no redrive to cancel yet, nothing to resume.
    assert_eq!(executes, 4, "{effects:?}");
    assert_eq!(submit_all(&guard, effects, journal, false), 4);
    for _ in 0..100 {
        if Journal::read_all(&path).unwrap_or_default().iter().filter(|e| e.kind == EntryKind::Outcome).count() == 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(counting.calls.load(Ordering::SeqCst), 4);
    assert_eq!(*counting.intent_seen_first.lock().expect("lock"), vec![true; 4], "intent journaled before each call");
    let entries = Journal::read_all(&path).expect("journal");
    assert_eq!(entries.iter().filter(|e| e.kind == EntryKind::Intent).count(), 4);
    assert!(entries.iter().filter(|e| e.kind == EntryKind::Outcome).all(|e| e.result.as_deref() == Some("succeeded")));
    assert!(entries.iter().all(|e| e.session.operator == "alice" && e.op_id.is_some()));
}

#[tokio::test]
async fn no_journal_no_operation() {
    let path = temp_journal("nojournal");
    let counting = operator(&path);
    let guard = Guard::new(false, || counting.clone());
    let op = Op::Failover { cluster: "core-db".into(), target: None };
    let result = guard.submit(1, op, ctx(false), Err("permission denied".into()), |_| {});
    assert!(matches!(result, Err(Refusal::NoJournal(_))));
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(counting.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn failed_call_is_journaled_as_failed() {
    struct Refusing;
    impl Operator for Refusing {
        fn execute<'a>(&'a self, _op: &'a Op, _a: &'a str) -> BoxFuture<'a, Result<String, OpError>> {
            Box::pin(async { Err(OpError::Conflict("PreconditionFailed: revision changed".into())) })
        }
        fn baseline<'a>(&'a self, _op: &'a Op) -> BoxFuture<'a, Baseline> {
            Box::pin(async { Baseline::at(chrono::Utc::now()) })
        }
        fn verify<'a>(&'a self, _op: &'a Op, _b: &'a Baseline) -> BoxFuture<'a, Result<Verified, OpError>> {
            Box::pin(async { Ok(Verified::said(String::new())) })
        }
    }
    let path = temp_journal("failed");
    let journal = Journal::open(&path).map(Arc::new).map_err(|e| e.to_string());
    let guard = Guard::new(false, || Arc::new(Refusing));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let op = Op::Rollback { function: "f".into(), alias: "live".into(), from: "2".into(), to: "1".into() };
    guard.submit(7, op, ctx(false), journal, move |u| tx.send(u).expect("send")).expect("submitted");
    let mut phases = Vec::new();
    while let Some(u) = rx.recv().await {
        phases.push(u.phase);
        if !u.phase.in_progress() {
            break;
        }
    }
    assert_eq!(phases, vec![OpPhase::Executing, OpPhase::Failed]);
    let outcome = Journal::read_all(&path).expect("journal").pop().expect("outcome");
    assert_eq!(outcome.result.as_deref(), Some("failed"));
    assert!(outcome.text.unwrap_or_default().contains("PreconditionFailed"));
}

/// Several targets: a read-only target's operator is never built, its operations are refused at the door, and
/// an operable target's operator receives the operation with AWS's own names (the label stripped).
#[tokio::test]
async fn a_read_only_target_has_no_operator_and_the_other_gets_its_own_names() {
    use warroom::ops::targets::TargetOperator;
    use warroom_core::model::TargetStatus;
    let path = temp_journal("targets");
    let counting = operator(&path);
    let status = |label: &str, read_only| {
        Arc::new(Mutex::new(TargetStatus {
            label: label.to_string(),
            account: Some("111111111111".to_string()),
            region: "us-east-1".to_string(),
            read_only,
            principal: None,
            credentials: None,
            error: None,
            writes_to: Vec::new(),
            answered: true,
        }))
    };
    let (stg, prod) = (status("stg/us-east-1", false), status("prod/us-east-1", true));
    let role = "arn:aws:sts::222222222222:assumed-role/oncall/warroom";
    stg.lock().expect("lock").principal = Some(role.to_string());
    let inner = counting.clone();
    let guard = Guard::targets(
        false,
        vec![
            (
                "prod/us-east-1".to_string(),
                true,
                Box::new(|| -> Arc<dyn Operator> { panic!("no operator is built for a read-only target") }),
            ),
            (
                "stg/us-east-1".to_string(),
                false,
                Box::new(move || -> Arc<dyn Operator> { Arc::new(TargetOperator { status: stg, inner }) }),
            ),
        ],
    );
    drop(prod);
    assert!(guard.can_operate());
    let journal = || Journal::open(&path).map(Arc::new).map_err(|e| e.to_string());
    let rollback = |function: &str| Op::Rollback {
        function: function.into(),
        alias: "live".into(),
        from: "2".into(),
        to: "1".into(),
    };
    let refused = guard.submit(1, rollback("prod/us-east-1/orders-consumer"), ctx(false), journal(), |_| {});
    assert_eq!(refused, Err(Refusal::ReadOnlyTarget("prod/us-east-1".to_string())));
    let unknown = guard.submit(2, rollback("dev/us-east-1/orders-consumer"), ctx(false), journal(), |_| {});
    assert!(matches!(unknown, Err(Refusal::NoTarget(_))), "{unknown:?}");
    guard.submit(3, rollback("stg/us-east-1/orders-consumer"), ctx(false), journal(), |_| {}).expect("submitted");
    for _ in 0..100 {
        if Journal::read_all(&path).unwrap_or_default().iter().any(|e| e.kind == EntryKind::Outcome) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(counting.calls.load(Ordering::SeqCst), 1, "only the operable target's operation was called");
    assert_eq!(*counting.targets.lock().expect("lock"), ["orders-consumer"], "AWS's own name reached the call");
    let entries = Journal::read_all(&path).expect("journal");
    let intent = entries.iter().find(|e| e.kind == EntryKind::Intent).expect("intent");
    // The journal keeps the qualified target; the call line names AWS's function and where it went.
    assert_eq!(intent.target.as_deref(), Some("stg/us-east-1/orders-consumer"));
    let call = intent.api_call.as_deref().unwrap_or_default();
    assert!(call.starts_with("lambda:UpdateAlias orders-consumer live 2 → 1"), "{call}");
    assert!(call.ends_with("in account 111111111111, us-east-1 (stg/us-east-1)"), "{call}");
    assert!(entries.iter().all(|e| e.principal.as_deref() == Some(role)), "the target's principal: {entries:?}");
}
