//! Operation lifecycle as the state sees it: confirmed → executing → verifying → succeeded/failed/refused.
//! One operation per target at a time.

use chrono::{DateTime, Utc};

use super::{Effect, Notice, Popup, State};
use crate::model::{EventKind, Observation, OwnChange, Role, TimelineEvent};
use crate::operation::{ConsumerChange, Op, OpPhase, OpUpdate, Seen};

/// Own changes remembered: far more than a session verifies in the ten minutes each matters.
const OWN_CHANGES_KEPT: usize = 64;

/// One operation as the state tracks it.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationRecord {
    /// Its id in this session.
    pub id: u64,
    /// The operation.
    pub op: Op,
    /// Where it is.
    pub phase: OpPhase,
    /// When it was confirmed (or started, for one adopted from an earlier session).
    pub started: DateTime<Utc>,
    /// The last thing it reported.
    pub message: String,
}

impl State {
    /// The operation in progress on `op`'s lock key, if any.
    pub fn operation_in_progress(&self, op: &Op) -> Option<&OperationRecord> {
        self.operations.iter().find(|o| o.phase.in_progress() && o.op.lock_key() == op.lock_key())
    }

    /// The latest operation that touched `target`, for the panes' progress column.
    pub fn latest_operation_on(&self, target: &str) -> Option<&OperationRecord> {
        self.operations.iter().rev().find(|o| o.op.target() == target || o.op.lock_key() == target)
    }

    /// Records the confirmed operation and asks for its execution.
    pub(super) fn confirm(&mut self, op: Op) -> Vec<Effect> {
        // Credentials that failed after the plan opened: the call would fail the same way, after the intent.
        if let Some(why) = self.credentials_refusal() {
            self.notice = Some(Notice::Problem(format!("refused: {why}")));
            return Vec::new();
        }
        if let Some(running) = self.operation_in_progress(&op) {
            self.notice = Some(Notice::Problem(format!(
                "refused: {} is already {} on {}",
                running.op.summary(),
                running.phase.label(),
                op.lock_key()
            )));
            return Vec::new();
        }
        let id = self.next_op_id;
        self.next_op_id += 1;
        self.operations.push(OperationRecord {
            id,
            op: op.clone(),
            phase: OpPhase::Executing,
            started: self.now,
            message: "confirmed; journaling intent".to_string(),
        });
        self.timeline_op(
            &op,
            self.now,
            op.timeline_kind(false),
            format!("{} confirmed by {}", op.summary(), self.session.operator),
        );
        self.notice = Some(Notice::Info(format!("{}: confirmed", op.summary())));
        vec![Effect::Execute { id, op }]
    }

    /// An operation an earlier session started and never saw finish: shown as outcome unknown until the state
    /// is re-read. Returns its id for the re-read's updates.
    pub fn adopt_unfinished(&mut self, op: Op, started: DateTime<Utc>, who: &str) -> u64 {
        let id = self.next_op_id;
        self.next_op_id += 1;
        let message =
            format!("started by {who} at {}; that session ended before the outcome", started.format("%H:%M:%S"));
        self.operations.push(OperationRecord { id, op: op.clone(), phase: OpPhase::Unknown, started, message });
        self.timeline_op(
            &op,
            self.now,
            op.timeline_kind(true),
            format!("{} by {who}: outcome unknown (session ended); re-reading", op.summary()),
        );
        self.notice = Some(Notice::Problem(format!(
            "{}: outcome unknown from an earlier session; re-reading state",
            op.summary()
        )));
        self.dirty = true;
        id
    }

    pub(super) fn apply_op_update(&mut self, update: OpUpdate) {
        let Some(record) = self.operations.iter_mut().find(|o| o.id == update.id) else { return };
        record.phase = update.phase;
        record.message = update.message.clone();
        let (op, started) = (record.op.clone(), record.started);
        // The operator's clock can be ahead of the last tick: never let the timeline run backwards.
        let at = update.at.max(self.now);
        match update.phase {
            // Progress on the status line: a call that has had no answer for 10 s says so while it waits.
            OpPhase::Executing | OpPhase::Verifying => {
                self.notice = Some(Notice::Info(format!("{}: {}", op.summary(), update.message)));
            }
            OpPhase::Succeeded => {
                self.show_verified(&op, started, self.author_in(op.target()), &update.seen);
                self.timeline_op(
                    &op,
                    at,
                    op.timeline_kind(true),
                    format!("{} succeeded: {}", op.summary(), update.message),
                );
                self.notice = Some(Notice::Info(format!("{}: verified", op.summary())));
            }
            OpPhase::Failed | OpPhase::Refused | OpPhase::Unknown => {
                let verb = update.phase.label();
                let kind = op.timeline_kind(true);
                self.timeline_op(&op, at, kind, format!("{} {verb}: {}", op.summary(), update.message));
                self.notice = Some(Notice::Problem(format!("{} {verb}: {}", op.summary(), update.message)));
            }
        }
    }

    /// Puts what a verified operation left into the panes at once, instead of waiting up to a poll for it; the
    /// change the next poll detects is then matched to the operation (its alias move is recorded as this
    /// operation's, by its author) rather than shown as a second, unattributed change.
    /// `called` is when the operation was confirmed, just before its call: the move's time, as CloudTrail records
    /// the call; `author` who made it (this session's, or the followed publisher's).
    pub(super) fn show_verified(&mut self, op: &Op, called: DateTime<Utc>, author: String, seen: &[Seen]) {
        // Already in the target state: nothing was called, nothing moved, and nobody gets credit for a move.
        let unchanged = seen.contains(&Seen::Unchanged);
        if let Some(moved) = op.alias_move(called, author).filter(|_| !unchanged) {
            if let Some(f) = self.data.functions.iter_mut().find(|f| f.name == moved.function && f.alias == moved.alias)
            {
                f.version = moved.to.clone();
            }
            self.data.apply(Observation::AliasMoved(moved));
        }
        // What the operation changed, exactly, so the poll that reads it does not call it somebody's deploy.
        let own = match op {
            Op::Consumer { queue, change: ConsumerChange::Repoint { function, to, .. }, .. } => {
                Some(OwnChange::Repoint { queue: queue.clone(), invokes: format!("{function}:{to}") })
            }
            Op::RestoreCode { function, sha256, .. } => {
                Some(OwnChange::Restore { function: function.clone(), sha256: sha256.clone() })
            }
            _ => None,
        };
        self.data.own_changes.extend(own.filter(|_| !unchanged).map(|own| (called, own)));
        let excess = self.data.own_changes.len().saturating_sub(OWN_CHANGES_KEPT);
        self.data.own_changes.drain(..excess);
        for s in seen {
            match s {
                Seen::Unchanged => {}
                Seen::Redrive(task) => {
                    self.data.apply(Observation::Redrive(task.clone()));
                }
                Seen::Mapping { queue, uuid, state, max_concurrency, qualifier } => {
                    let mappings = self.data.mappings.get_mut(queue).into_iter().flatten();
                    if let Some(m) = mappings.into_iter().find(|m| m.uuid == *uuid) {
                        m.state = state.clone();
                        m.max_concurrency = *max_concurrency;
                        if m.qualifier != *qualifier {
                            // A rollback re-pointed it: what it invoked before is what a rollback of the rollback
                            // goes back to; the code it runs now is the next poll's to read.
                            m.previous = Some(std::mem::replace(&mut m.qualifier, qualifier.clone()));
                            m.code = None;
                        }
                    }
                    if let Some(mappings) = self.data.mappings.get_mut(queue) {
                        crate::model::leading_first(mappings);
                    }
                }
                Seen::Messages { dlq, messages } => {
                    self.ui.peeked = Some((dlq.clone(), messages.clone()));
                    self.ui.popup = Some(Popup::Messages { offset: 0 });
                }
                Seen::Writer { cluster, instance } => {
                    if let Some(c) = self.data.clusters.iter_mut().find(|c| c.id == *cluster) {
                        for m in &mut c.members {
                            m.role = if m.id == *instance { Role::Writer } else { Role::Reader };
                        }
                    }
                }
            }
        }
        self.reanalyse();
    }

    /// An operation's start (`Operation`, a change) or its end (`Outcome`) on the timeline, by this session.
    fn timeline_op(&mut self, op: &Op, at: DateTime<Utc>, kind: EventKind, text: String) {
        self.data.push_event(TimelineEvent {
            at,
            kind,
            resource: Some(op.target().to_string()),
            text,
            actor: Some(self.author_in(op.target())),
        });
    }
}
