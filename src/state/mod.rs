//! The dashboard's state and its one pure transition, `update(Msg) -> Vec<Effect>`. No tokio, no ratatui, no
//! AWS: tested by feeding messages and reading fields.

mod data;
mod input;
mod operations;
mod plan;
mod rows;
mod ui_state;

pub use data::{Data, Identity};
pub use operations::OperationRecord;
pub use rows::Rows;
pub use ui_state::{DEFAULT_REDRIVE_RATE_INDEX, DetailTarget, PaneId, PlanPopup, Popup, REDRIVE_RATES, UiState};

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

use crate::action::Action;
use crate::config::Thresholds;
use crate::model::{EventKind, TimelineEvent};
use crate::ops::{Op, OpUpdate};
use crate::telemetry::{Feed, SourceInfo, TelemetryError};

/// Everything that can happen to the dashboard.
#[derive(Debug)]
pub enum Msg {
    Action(Action),
    /// A raw key for a text field (confirmation, note, filter) while one has focus.
    Input(KeyEvent),
    Telemetry {
        feed: Feed,
        result: Result<Vec<crate::model::Observation>, TelemetryError>,
    },
    /// The visible clock (virtual in demo).
    Tick(DateTime<Utc>),
    Op(OpUpdate),
    Resize,
    /// A one-line message for the status bar.
    Notice(String),
    /// Timeline events other sessions wrote (annotations, notes, operations).
    Shared(Vec<TimelineEvent>),
    /// Whether the war room's log group is reachable, for writing or for reading.
    WarRoom(crate::war_room::Side, crate::war_room::WarRoomStatus),
}

/// What `update` asks the outside world to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Hand an operation to the guard. The state has already recorded it as in progress.
    Execute { id: u64, op: Op },
    /// Append a note to the journal.
    JournalNote { text: String },
    /// Write the postmortem beside the journal (off the loop: it reads the journal file).
    Export,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mode {
    pub read_only: bool,
    pub source: SourceInfo,
    pub operator: String,
}

/// The health of one feed: when it last answered, and its last error.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedHealth {
    pub last_ok: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Calls of the last poll that failed while the rest succeeded.
    pub problems: Vec<FeedProblem>,
}

/// One failed call of a poll that otherwise answered.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedProblem {
    pub subject: crate::model::Subject,
    /// "source: error".
    pub text: String,
    /// When this subject's data was last good: the feed's last answer before the call began failing.
    pub stale_since: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct State {
    pub mode: Mode,
    pub thresholds: Thresholds,
    pub now: DateTime<Utc>,
    pub data: Data,
    /// Onsets, suspects and verdicts, recomputed from `data` when telemetry arrives (not on every frame).
    pub analysis: crate::incident::Analysis,
    pub feeds: [FeedHealth; 3],
    pub ui: UiState,
    pub operations: Vec<OperationRecord>,
    /// Why operations are impossible this session (the journal cannot be written), if they are.
    pub journal_error: Option<String>,
    /// A one-line message for the status bar: refusals, confirmations.
    pub notice: Option<String>,
    /// The war room's state, when a log group is configured.
    pub war_room: crate::war_room::WarRoomHealth,
    pub quit: bool,
    next_op_id: u64,
    dirty: bool,
}

impl State {
    pub fn new(mode: Mode, thresholds: Thresholds, now: DateTime<Utc>) -> State {
        State {
            mode,
            thresholds,
            now,
            data: Data::default(),
            analysis: Default::default(),
            feeds: Default::default(),
            ui: UiState::default(),
            operations: Vec::new(),
            journal_error: None,
            notice: None,
            war_room: Default::default(),
            quit: false,
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

    /// Whether keys should go to a text field rather than through the keymap.
    pub fn wants_text_input(&self) -> bool {
        matches!(self.ui.popup, Some(Popup::Plan(_) | Popup::Note(_) | Popup::Filter(_) | Popup::QuitConfirm))
    }

    pub fn rows(&self) -> Rows<'_> {
        Rows::new(self)
    }

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
                self.apply_telemetry(feed, result);
                self.dirty = true;
                Vec::new()
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
            Msg::Shared(events) => {
                // The same line can arrive from the shared journal file and from the war room.
                for event in events {
                    if !self.data.timeline.contains(&event) {
                        self.data.push_event(event);
                    }
                }
                self.analysis = crate::incident::Analysis::of(&self.data, &self.thresholds, self.now);
                self.dirty = true;
                Vec::new()
            }
            Msg::WarRoom(side, status) => {
                self.dirty |= self.war_room.update(side, status);
                Vec::new()
            }
            Msg::Notice(text) => {
                self.notice = Some(text);
                self.dirty = true;
                Vec::new()
            }
            Msg::Action(action) => {
                self.dirty = true;
                self.notice = None;
                self.handle_action(action)
            }
            Msg::Input(key) => {
                self.dirty = true;
                self.handle_input(key)
            }
        }
    }

    fn apply_telemetry(&mut self, feed: Feed, result: Result<Vec<crate::model::Observation>, TelemetryError>) {
        let health = &mut self.feeds[feed.index()];
        match result {
            Ok(observations) => {
                let mut clock = None;
                let mut problems: Vec<FeedProblem> = Vec::new();
                let (earlier, last_ok) = (std::mem::take(&mut health.problems), health.last_ok);
                for obs in observations {
                    if let crate::model::Observation::Problem { subject, source, message } = &obs {
                        // A call failing poll after poll keeps the time its data was last good.
                        let stale_since =
                            earlier.iter().find(|p| p.subject == *subject).map_or(last_ok, |p| p.stale_since);
                        problems.push(FeedProblem {
                            subject: *subject,
                            text: format!("{source}: {message}"),
                            stale_since,
                        });
                    }
                    if let Some(t) = self.data.apply(obs) {
                        clock = Some(t);
                    }
                }
                self.feeds[feed.index()].problems = problems;
                if let Some(t) = clock {
                    self.now = t.max(self.now);
                }
                let health = &mut self.feeds[feed.index()];
                health.last_ok = Some(self.now);
                health.last_error = None;
                self.analysis = crate::incident::Analysis::of(&self.data, &self.thresholds, self.now);
            }
            Err(e) => health.last_error = Some(e.to_string()),
        }
        self.clamp_selections();
    }

    fn handle_action(&mut self, action: Action) -> Vec<Effect> {
        // Help and detail views take navigation keys; everything else closes them first.
        if let Some(popup) = &self.ui.popup {
            match (popup, action) {
                (_, Action::Close) => {
                    self.ui.popup = None;
                    return Vec::new();
                }
                (Popup::Help, Action::Help) | (Popup::Changes, Action::Changes) => {
                    self.ui.popup = None;
                    return Vec::new();
                }
                (Popup::Detail(_), Action::SelectNext | Action::SelectPrev) => {
                    self.move_selection(if action == Action::SelectNext { 1 } else { -1 });
                    self.ui.popup = self.detail_target().map(Popup::Detail);
                    return Vec::new();
                }
                _ => self.ui.popup = None,
            }
        }
        match action {
            Action::Help => self.ui.popup = Some(Popup::Help),
            Action::Quit => {
                if self.operations.iter().any(|o| o.phase.in_progress()) {
                    self.ui.popup = Some(Popup::QuitConfirm);
                } else {
                    self.quit = true;
                }
            }
            Action::Filter => self.ui.popup = Some(Popup::Filter(self.ui.filter.clone())),
            Action::FocusNext | Action::FocusPrev => {
                let n = PaneId::ALL.len();
                let i = self.ui.focus.index();
                let next = if action == Action::FocusNext { (i + 1) % n } else { (i + n - 1) % n };
                self.ui.focus = PaneId::ALL[next];
            }
            Action::SelectNext => self.move_selection(1),
            Action::SelectPrev => self.move_selection(-1),
            Action::OpenDetail => self.ui.popup = self.detail_target().map(Popup::Detail),
            Action::Close => self.ui.popup = None,
            Action::Changes => self.ui.popup = Some(Popup::Changes),
            Action::AddNote => self.ui.popup = Some(Popup::Note(String::new())),
            Action::Export => {
                self.notice = Some("writing the postmortem…".to_string());
                return vec![Effect::Export];
            }
            Action::Rollback | Action::Reboot | Action::Failover | Action::Redrive | Action::CancelRedrive => {
                self.open_plan(action);
            }
        }
        Vec::new()
    }

    fn move_selection(&mut self, delta: isize) {
        let pane = self.ui.focus;
        let len = self.rows().len(pane);
        let sel = &mut self.ui.selection[pane.index()];
        *sel = if len == 0 { 0 } else { sel.saturating_add_signed(delta).min(len - 1) };
    }

    fn clamp_selections(&mut self) {
        for pane in PaneId::ALL {
            let len = self.rows().len(pane);
            let sel = &mut self.ui.selection[pane.index()];
            *sel = (*sel).min(len.saturating_sub(1));
        }
    }

    fn detail_target(&self) -> Option<DetailTarget> {
        let rows = self.rows();
        let sel = self.ui.selected(self.ui.focus);
        match self.ui.focus {
            PaneId::Alarms => rows.alarms().get(sel).map(|a| DetailTarget::Alarm(a.name.clone())),
            PaneId::Queues => rows.queues().get(sel).map(|q| DetailTarget::Queue(q.name.clone())),
            PaneId::Dlqs => rows.dlqs().get(sel).map(|d| DetailTarget::Dlq(d.name.clone())),
            PaneId::Database => rows
                .instances()
                .get(sel)
                .map(|(c, i)| DetailTarget::Instance { cluster: c.id.clone(), instance: i.id.clone() }),
            PaneId::Deploys => rows.functions().get(sel).map(|f| DetailTarget::Function(f.name.clone())),
            PaneId::Timeline => (sel < rows.len(PaneId::Timeline)).then_some(DetailTarget::Event(sel)),
        }
    }

    /// Adds a note from this operator to the timeline (the journal line is the app's effect).
    fn add_note(&mut self, text: String) -> Vec<Effect> {
        let text = text.trim().to_string();
        if text.is_empty() {
            return Vec::new();
        }
        self.data.push_event(TimelineEvent {
            at: self.now,
            kind: EventKind::Note,
            resource: None,
            text: text.clone(),
            actor: Some(self.mode.operator.clone()),
        });
        vec![Effect::JournalNote { text }]
    }

    fn set_filter(&mut self, filter: String) {
        self.ui.filter = filter;
        self.clamp_selections();
    }
}

#[cfg(test)]
mod tests;
