//! The dashboard's state and its one pure transition, `update(Msg) -> Vec<Effect>`. This crate has no tokio, no
//! terminal and no AWS, so the state is tested by feeding messages (or keys, through the real keymap) and reading
//! fields.

mod consumers;
mod feeds;
pub mod follow;
mod hot;
mod keys;
mod log_view;
mod navigation;
mod notice;
mod operations;
mod peek;
mod plan;
mod repoint;
mod restore;
mod rows;
#[cfg(test)]
mod tests;
mod ui_state;

pub use feeds::{FeedHealth, FeedProblem, Stale};
pub use log_view::{LogRows, LogView};
pub use notice::Notice;
pub use operations::OperationRecord;
pub use rows::{DeployRow, Rows};
pub use ui_state::{
    DEFAULT_REDRIVE_RATE_INDEX, DetailTarget, PaneId, PlanPopup, Popup, REDRIVE_RATES, RollbackWay, UiState,
};

use chrono::{DateTime, Utc};

use crate::action::Action;
use crate::config::Thresholds;
use crate::incident::Analysis;
use crate::journal::{JournalEntry, MoveReader};
use crate::model::{
    AliasMove, CredentialFailure, Data, Feed, Observation, Session, Side, TelemetryError, WarRoomHealth, WarRoomStatus,
};
use crate::operation::{Op, OpUpdate};

/// Everything that can happen to the dashboard.
#[derive(Debug)]
pub enum Msg {
    /// A key's action, resolved through the keymap in the current mode (`State::press` does that).
    Action(Action),
    /// A character typed into the open field (the confirmation, a note, the filter).
    Type(char),
    /// One poll's answer from a feed: what it observed, or why the whole poll failed.
    Telemetry {
        /// Which feed.
        feed: Feed,
        /// Its observations, or its failure.
        result: Result<Vec<Observation>, TelemetryError>,
    },
    /// The visible clock (virtual in demo).
    Tick(DateTime<Utc>),
    /// An operation's progress.
    Op(OpUpdate),
    /// The terminal changed size.
    Resize,
    /// The view drew a scrolling overlay (help, messages, a plan taller than the screen): it can scroll no further than `last_offset` at this terminal size. Only
    /// the view can know (its descriptions wrap to the width), so the loop passes it back after each frame.
    HelpDrawn {
        /// The largest offset that still fills the overlay.
        last_offset: usize,
    },
    /// A message for the status bar from work done off the loop.
    Notice(Notice),
    /// Journal lines other sessions wrote (annotations, notes, operations, observed alias moves), from the
    /// journal file or the war room.
    Shared(Vec<JournalEntry>),
    /// Whether the war room's log group is reachable, for writing or for reading.
    WarRoom(Side, WarRoomStatus),
    /// warroom's own AWS calls by API over the last minute, against its budget (live only).
    Calls(Vec<crate::model::CallRate>),
    /// Follow mode: how the last read of the publisher's stream went (whom, how far behind, or why it failed).
    Following(follow::Following),
    /// Follow mode: the publisher's full snapshot, which replaces the data and the feeds' health; the deltas
    /// after it arrive as `Telemetry` and `Shared`, as the publisher folded them.
    Full(Box<follow::Full>),
    /// Follow mode: what one of the publisher's operations left in the panes once verified.
    Verified(follow::Verified),
    /// Follow mode ended: this dashboard polls AWS itself now, at `location` (the data followed so far stays,
    /// and the polls fold over it).
    PollingOwn {
        /// Where the data comes from now: "123456789012 · eu-west-1".
        location: String,
    },
}

/// What `update` asks the outside world to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Hand an operation to the guard. The state has already recorded it as in progress.
    Execute {
        /// The id progress reports carry.
        id: u64,
        /// The operation.
        op: Op,
    },
    /// Append a note to the journal (off the loop: the journal syncs each line to disk).
    JournalNote {
        /// The note's text.
        text: String,
    },
    /// Append an alias move this session's polls saw to the journal, so a dashboard that joins later (or an
    /// export) knows the deploy.
    JournalMove(AliasMove),
    /// Write the postmortem beside the journal (off the loop: it reads the journal file).
    Export,
    /// Follow mode: stop following and poll AWS from this dashboard (still without an operator).
    PollOwn,
}

/// The whole dashboard, as the screen draws it.
#[derive(Debug, Clone)]
pub struct State {
    /// Who is at the keyboard, live or demo, read-only or not.
    pub session: Session,
    /// Where the data comes from, for the header: "<scenario name> (simulated)", or "123456789012 · eu-west-1".
    pub location: String,
    /// Where breaches begin.
    pub thresholds: Thresholds,
    /// The dashboard's clock (virtual in the demo); never runs backwards.
    pub now: DateTime<Utc>,
    /// Everything telemetry has said.
    pub data: Data,
    /// Onsets, suspects and verdicts, recomputed from `data` when telemetry arrives (not on every frame).
    pub analysis: Analysis,
    /// Each feed's health, indexed by `Feed::index`.
    pub feeds: [FeedHealth; 3],
    /// Focus, selection, filter and popups.
    pub ui: UiState,
    /// Every operation of this session (and unfinished ones adopted from an earlier one), oldest first.
    pub operations: Vec<OperationRecord>,
    /// Why operations are impossible this session (the journal cannot be written), if they are.
    pub journal_error: Option<String>,
    /// The AWS credentials stopped working: since when and why. Set by a poll whose calls failed for their
    /// credentials, cleared by the next poll with none that did; while set, operations are refused.
    pub credentials: Option<CredentialFailure>,
    /// The status bar's message: refusals, confirmations, results of work done off the loop.
    pub notice: Option<Notice>,
    /// The war room's state, when a log group is configured.
    pub war_room: WarRoomHealth,
    /// warroom's own AWS calls by API over the last minute (`Msg::Calls`); empty in a demo.
    pub calls: Vec<crate::model::CallRate>,
    /// Follow mode: whom this dashboard follows and how far behind it is; `None` when it polls on its own.
    pub following: Option<follow::Following>,
    /// Set when the user has quit; the loop ends.
    pub quit: bool,
    /// Reads the alias moves in other sessions' journal lines, dating a rollback's at its intent.
    moves: MoveReader,
    next_op_id: u64,
    dirty: bool,
}

impl State {
    /// Who this session acts as, for its own timeline entries: the operator, and the AWS principal its calls are
    /// signed as once STS has said (`ec2-user as assumed-role/OnCall/alice`), as other sessions show its lines.
    /// With several targets, the principal they share, whatever the account (each target's credentials may be
    /// another role's; with several the operator alone, and `author_in` names the one of an operation's target).
    pub fn author(&self) -> String {
        // A follower's data is its publisher's: the principal there is not the follower's.
        if self.following.is_some() {
            return self.acting_as(None);
        }
        if let Some(identity) = &self.data.identity {
            return self.acting_as(Some(&identity.principal));
        }
        // Compared as said, without the account: the same role in two accounts is one principal to the reader.
        let mut said =
            self.data.targets.iter().filter(|t| t.principal.is_some()).map(|t| self.acting_as(t.principal.as_deref()));
        match said.next() {
            Some(first) if said.all(|other| other == first) => first,
            _ => self.acting_as(None),
        }
    }

    /// Who acts on `resource`: as `author`, with the principal of the target it is in when several are watched.
    pub fn author_in(&self, resource: &str) -> String {
        match self.data.target_of(resource) {
            Some(target) => self.acting_as(target.principal.as_deref()),
            None => self.author(),
        }
    }

    /// The operator, as `principal` when live.
    fn acting_as(&self, principal: Option<&str>) -> String {
        let live = self.session.kind == crate::model::SessionKind::Live;
        crate::model::acting_as(&self.session.operator, principal.filter(|_| live))
    }

    /// A state with no data yet, at `now`.
    pub fn new(session: Session, location: String, thresholds: Thresholds, now: DateTime<Utc>) -> State {
        State {
            session,
            location,
            thresholds,
            now,
            data: Data::default(),
            analysis: Analysis::default(),
            feeds: Default::default(),
            ui: UiState::default(),
            operations: Vec::new(),
            journal_error: None,
            credentials: None,
            notice: None,
            war_room: WarRoomHealth::default(),
            calls: Vec::new(),
            following: None,
            quit: false,
            moves: MoveReader::default(),
            next_op_id: 1,
            dirty: true,
        }
    }

    /// Whether something visible changed since the last draw, without clearing it.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// True once after anything visible changed: the loop draws only then.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::replace(&mut self.dirty, false)
    }

    /// The rows each pane shows, after the filter.
    pub fn rows(&self) -> Rows<'_> {
        Rows::new(self)
    }

    /// The one transition: folds `msg` in and returns what the outside world must do.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Tick(now) => {
                // The clock shows seconds: redraw when the second changes, not on every tick.
                if now.timestamp() != self.now.timestamp() {
                    self.dirty = true;
                }
                self.now = now.max(self.now);
                Vec::new()
            }
            Msg::Telemetry { feed, result } => {
                self.dirty = true;
                self.apply_telemetry(feed, result)
            }
            Msg::Op(update) => {
                self.apply_op_update(update);
                self.dirty = true;
                Vec::new()
            }
            Msg::Resize => {
                self.dirty = true;
                Vec::new()
            }
            Msg::HelpDrawn { last_offset } => {
                let offset = match &mut self.ui.popup {
                    Some(Popup::Help { offset } | Popup::Messages { offset } | Popup::Calls { offset }) => Some(offset),
                    Some(Popup::Plan(plan)) => Some(&mut plan.scroll),
                    _ => None,
                };
                if let Some(offset) = offset
                    && *offset > last_offset
                {
                    *offset = last_offset;
                    self.dirty = true;
                }
                Vec::new()
            }
            Msg::Shared(lines) => {
                for line in lines {
                    if let Some(moved) = self.moves.read(&line) {
                        self.data.apply(Observation::AliasMoved(moved));
                    }
                    // The same line can arrive from the shared journal file and from the war room: `push_event`
                    // shows it once.
                    if let Some(event) = line.timeline_event() {
                        self.data.push_event(event);
                    }
                }
                self.reanalyse();
                self.dirty = true;
                Vec::new()
            }
            Msg::WarRoom(side, status) => {
                self.dirty |= self.war_room.update(side, status);
                Vec::new()
            }
            Msg::Calls(rates) => {
                // Redrawn only while the calls view shows them: the count changes every second.
                if rates != self.calls && matches!(self.ui.popup, Some(Popup::Calls { .. })) {
                    self.dirty = true;
                }
                self.calls = rates;
                Vec::new()
            }
            Msg::Following(following) => {
                // Redrawn when the header's words change: "2 s behind" becomes "3 s behind" once a second at most.
                let text = following.text();
                if self.following.as_ref().is_none_or(|f| f.text() != text) {
                    self.dirty = true;
                }
                self.following = Some(following);
                Vec::new()
            }
            Msg::Full(full) => {
                self.follow_full(*full);
                Vec::new()
            }
            Msg::PollingOwn { location } => {
                let whom =
                    self.following.take().map_or_else(String::new, |f| format!(", not following {}", f.publisher));
                self.location = location;
                self.session.kind = crate::model::SessionKind::Live;
                // The publisher's rows go: its targets may not be these polls', and would double every row.
                self.data.forget_polled();
                self.feeds = Default::default();
                self.reanalyse();
                // Short enough for an 80-column footer; the READ-ONLY badge says the rest.
                self.notice = Some(Notice::Info(format!("now polling AWS here{whom}")));
                self.dirty = true;
                Vec::new()
            }
            Msg::Verified(verified) => {
                self.show_verified(&verified.op, verified.called, verified.author, &verified.seen);
                self.reanalyse();
                self.dirty = true;
                Vec::new()
            }
            Msg::Notice(notice) => {
                self.notice = Some(notice);
                self.dirty = true;
                Vec::new()
            }
            Msg::Action(action) => {
                self.dirty = true;
                self.notice = None;
                self.handle_action(action)
            }
            Msg::Type(c) => {
                self.dirty = true;
                self.type_char(c);
                Vec::new()
            }
        }
    }

    /// Takes the publisher's full snapshot as this dashboard's data: what its panes render from, its feeds' health,
    /// its clock, where the data comes from and whether it is a demo.
    fn follow_full(&mut self, full: follow::Full) {
        self.data = full.data;
        self.feeds = full.feeds;
        self.location = full.stamp.publisher.location;
        self.session.kind = full.stamp.publisher.kind;
        // The publisher's clock, even backwards: before its first record a follower could only start on the wall
        // clock, and a followed demo's runs hours behind it.
        self.now = full.stamp.clock;
        self.reanalyse();
        self.dirty = true;
    }

    /// Recomputes onsets, suspects and verdicts from the data.
    fn reanalyse(&mut self) {
        self.analysis = Analysis::of(&self.data, &self.thresholds, self.now);
    }
}
