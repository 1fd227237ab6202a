//! The loop: select over input, telemetry, operation outcomes, signals and the clock; draw only when the state
//! says something visible changed. Nothing here awaits the network or the disk: feeds, operations, notes and
//! the postmortem run on tasks of their own and report back through one channel.
//!
//! `terminal` reads keys (and notices a hang-up), `tasks` starts what the loop listens to, `pacing` decides when
//! to draw.

mod pacing;
mod tasks;
pub mod terminal;

use std::sync::Arc;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use warroom_core::export::RunInProgress;
use warroom_core::follow::{SharedLine, Verified};
use warroom_core::journal::{EntryKind, Journal, JournalEntry};
use warroom_core::keymap::{Key, Keymap};
use warroom_core::model::{Feed, Observation, SessionKind, Side, TelemetryError, WarRoomStatus};
use warroom_core::operation::{Op, OpPhase, OpUpdate, Seen};
use warroom_core::state::{Effect, Msg, Notice, State};

use crate::follow::FollowSource;
use crate::follow::followed::OwnPolling;
use crate::follow::publish::{Publish, PublishStatus, Publishing, Snapshot};
use crate::follow::read::FollowEvent;
use crate::ops::guard::Guard;
use crate::ops::runner::OperationContext;
use crate::telemetry::Telemetry;
use crate::war_room::WarRoomLink;
use pacing::FramePacing;
use tasks::{
    TailScope, WarRoomSides, spawn_feed, spawn_follow, spawn_journal_tail, spawn_publisher, spawn_signals,
    spawn_war_room, spawn_war_room_reader,
};
use warroom_core::follow::Folded;

/// Everything that wakes the loop.
#[derive(Debug)]
pub enum AppEvent {
    /// A key, as the keymap names keys.
    Key(Key),
    /// The terminal changed size.
    Resize,
    /// The terminal cannot be read (or written) any more: the SSH session dropped. Exit.
    InputClosed(String),
    /// SIGHUP or SIGTERM: exit.
    Signal(&'static str),
    /// A feed's poll answered (or failed).
    Telemetry {
        /// Which feed.
        feed: Feed,
        /// What it observed, or why it failed.
        result: Result<Vec<Observation>, TelemetryError>,
    },
    /// An operation's progress.
    Op(OpUpdate),
    /// What other sessions and `warroom annotate` wrote to the journal.
    Shared(Vec<JournalEntry>),
    /// The war room's health.
    WarRoom(Side, WarRoomStatus),
    /// A message from work done off the loop (the postmortem, a note's journaling).
    Notice(Notice),
    /// Follow mode: what the publisher's stream said.
    Follow(FollowEvent),
    /// Publishing for followers failed (the call and why), or works again (`None`).
    Published(PublishStatus),
    /// Follow mode: the telemetry to poll AWS from here with, or why it could not be built.
    OwnTelemetry(Result<OwnTelemetry, String>),
}

/// A follower's own telemetry, built off the loop.
pub struct OwnTelemetry(pub Arc<dyn Telemetry>);

impl std::fmt::Debug for OwnTelemetry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OwnTelemetry({})", self.0.location())
    }
}

/// Why the loop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// The user quit.
    Quit,
    /// The terminal went away.
    InputClosed(String),
    /// SIGHUP or SIGTERM.
    Signal(&'static str),
}

/// The dashboard: its state, what feeds it and who carries its operations out.
pub struct App {
    /// The state the screen draws.
    pub state: State,
    /// The active keymap.
    pub keymap: Keymap,
    /// Where the data comes from.
    pub telemetry: Arc<dyn Telemetry>,
    /// The one door to the operator (none in a read-only session).
    pub guard: Guard,
    /// The journal, or why it cannot be written.
    pub journal: Result<Arc<Journal>, String>,
    /// This session's id, on every journal line it writes.
    pub session_id: String,
    /// The war room's link and the queue of journal lines to send there, when a log group is configured.
    pub war_room: Option<(WarRoomLink, UnboundedReceiver<JournalEntry>)>,
    /// Intents an earlier session journaled without an outcome: shown as unknown, then re-read.
    pub unfinished: Vec<JournalEntry>,
    /// The demo run this dashboard joined (its simulation already made the run's operations), if it joined one.
    pub demo_run: Option<RunInProgress>,
    /// Follow mode, publishing: where the folds go (the journal's mirror sends this session's own lines there
    /// too), and the publisher to start.
    pub publish: Option<(tokio::sync::mpsc::UnboundedSender<Publish>, Option<Publishing>)>,
    /// Follow mode, following: the stream this dashboard renders from instead of polling.
    pub follow: Option<FollowSource>,
    /// Follow mode, following: how to poll AWS from here instead, once the publisher has stopped.
    pub own_polling: Option<OwnPolling>,
    /// Follow mode, following: the reader's task, stopped when this dashboard polls on its own; `None` otherwise.
    pub follow_task: Option<tokio::task::AbortHandle>,
    /// Follow mode, following: the war room, to start reading it when this dashboard polls on its own.
    pub war_room_reader: Option<WarRoomLink>,
    /// Follow mode, following: connecting to poll on its own (a second press waits for the first).
    pub connecting: bool,
}

impl App {
    /// Runs until quit, hang-up or terminal loss. The caller restores the terminal.
    pub async fn run<B: Backend>(mut self, terminal: &mut Terminal<B>) -> std::io::Result<Exit>
    where
        B::Error: Into<std::io::Error>,
    {
        let (tx, mut rx) = unbounded_channel();
        self.start_tasks(&tx);
        let mut clock = tokio::time::interval(Duration::from_secs(1));
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut frames = FramePacing::default();
        // The first full snapshot at the first tick, then every `FULL_EVERY`.
        let mut last_full: Option<std::time::Instant> = None;
        // The queues last handed to telemetry for the fast cadence (`None`: not yet).
        let mut hot: Option<Vec<String>> = None;
        // The screen is never trusted to start blank: without an alternate screen (mosh, GNU screen's default, the
        // Linux console) the shell's text stays, and ratatui writes only the cells a frame changes. Cleared whole
        // before the first frame and after every resize.
        let mut clear = true;
        loop {
            if frames.due(self.state.is_dirty() || clear) {
                self.state.take_dirty();
                if std::mem::take(&mut clear) {
                    // The backend's clear, not `Terminal::clear`, which first asks the terminal where its cursor
                    // is and waits for an answer our own input thread would read. Two swaps leave both buffers
                    // blank, so the next frame writes every cell that is not blank onto the blank screen.
                    if let Err(e) = terminal.backend_mut().clear() {
                        return Ok(Exit::InputClosed(format!("cannot clear: {}", e.into())));
                    }
                    terminal.swap_buffers();
                    terminal.swap_buffers();
                }
                // A terminal that cannot be written has gone with the session: leave, do not retry.
                let mut drawn = warroom_ui::Drawn::default();
                if let Err(e) = terminal.draw(|f| drawn = warroom_ui::render_measured(f, &self.state, &self.keymap)) {
                    return Ok(Exit::InputClosed(format!("cannot draw: {}", e.into())));
                }
                frames.drawn();
                if let Some(last_offset) = drawn.help_last_offset {
                    self.state.update(Msg::HelpDrawn { last_offset });
                }
            }
            let event = tokio::select! {
                event = rx.recv() => event,
                _ = clock.tick() => {
                    let now = self.telemetry.now();
                    self.state.update(Msg::Tick(now));
                    // The call log is read here, off any AWS call: a lock and a copy, once a second.
                    let rates = self.telemetry.call_rates();
                    if !rates.is_empty() {
                        self.state.update(Msg::Calls(rates));
                    }
                    // What is on screen, selected or alarming gets the fast cadence (a big account's others are
                    // read in turn): handed over when it changes, a set of names, never awaited.
                    let now_hot = self.state.hot_queues();
                    if hot.as_ref() != Some(&now_hot) {
                        self.telemetry.prioritize(&now_hot);
                        hot = Some(now_hot);
                    }
                    if let Some((folds, _)) = &self.publish
                        && last_full.is_none_or(|t| t.elapsed() >= crate::follow::FULL_EVERY)
                    {
                        // A copy, sent in order after every fold before it; the publisher writes it off the loop.
                        let full = Snapshot {
                            data: self.state.data.clone(),
                            feeds: self.state.feeds.clone(),
                            clock: self.state.now,
                        };
                        let _ = folds.send(Publish::Full(Box::new(full)));
                        last_full = Some(std::time::Instant::now());
                    }
                    frames.ticked();
                    continue;
                }
            };
            let Some(event) = event else { return Ok(Exit::InputClosed("event channel closed".into())) };
            clear |= matches!(event, AppEvent::Resize);
            frames.saw(&event);
            if let Some(exit) = self.handle(event, &tx) {
                return Ok(exit);
            }
            // Drain whatever else arrived, so a burst costs one draw.
            while let Ok(event) = rx.try_recv() {
                clear |= matches!(event, AppEvent::Resize);
                frames.saw(&event);
                if let Some(exit) = self.handle(event, &tx) {
                    return Ok(exit);
                }
            }
            if self.state.quit {
                return Ok(Exit::Quit);
            }
        }
    }

    /// The input thread, the signals, a task per feed, the war room, the journal's tail, and the re-reading of
    /// an earlier session's unfinished operations.
    fn start_tasks(&mut self, tx: &UnboundedSender<AppEvent>) {
        terminal::spawn_input(tx.clone());
        spawn_signals(tx.clone());
        if let Some(source) = self.follow.take() {
            // A follower's feeds, the war room's and other sessions' lines all come from the publisher's stream;
            // it only writes its own notes to the war room.
            self.follow_task = Some(spawn_follow(source, tx.clone()));
            if let Some((link, lines)) = self.war_room.take() {
                self.war_room_reader = Some(link.clone());
                spawn_war_room(link, lines, WarRoomSides::WriteOnly, tx.clone());
            }
            return;
        }
        for feed in Feed::ALL {
            spawn_feed(self.telemetry.clone(), feed, tx.clone());
        }
        if let Some(publishing) = self.publish.as_mut().and_then(|(_, p)| p.take()) {
            spawn_publisher(publishing, self.telemetry.clone(), tx.clone());
        }
        for original in std::mem::take(&mut self.unfinished) {
            self.adopt(original, tx);
        }
        if let Some((link, lines)) = self.war_room.take() {
            spawn_war_room(link, lines, WarRoomSides::Both, tx.clone());
        }
        if let Ok(journal) = &self.journal {
            // Live: the last day's lines, so an observer who opens mid-incident sees what was done. Demo: only
            // lines written during this run (from its start when this dashboard joined one); earlier runs replayed
            // the same simulated hours.
            let kind = self.state.session.kind;
            let now = chrono::Utc::now();
            let written_after = match (kind, &self.demo_run) {
                (SessionKind::Live, _) => now - chrono::Duration::hours(24),
                (SessionKind::Demo, Some(run)) => run.since,
                (SessionKind::Demo, None) => now,
            };
            let scope = TailScope { own_session: self.session_id.clone(), kind, written_after };
            spawn_journal_tail(journal.path().to_path_buf(), scope, tx.clone());
        }
    }

    fn handle(&mut self, event: AppEvent, tx: &UnboundedSender<AppEvent>) -> Option<Exit> {
        if matches!(event, AppEvent::Key(_) | AppEvent::Op(_)) {
            // Bring the clock up to date first, so a confirmation is stamped when it happened, not at the last
            // tick (a whole second behind, which is a minute of simulated time at high --speed).
            self.state.update(Msg::Tick(self.telemetry.now()));
        }
        let msg = match event {
            AppEvent::Key(key) => {
                let effects = self.state.press(&self.keymap, key);
                self.run_effects(effects, tx);
                return None;
            }
            AppEvent::Resize => Msg::Resize,
            AppEvent::InputClosed(why) => return Some(Exit::InputClosed(why)),
            AppEvent::Signal(name) => return Some(Exit::Signal(name)),
            AppEvent::Telemetry { feed, result } => {
                self.publish(|| Folded::Telemetry { feed, result: result.clone() });
                Msg::Telemetry { feed, result }
            }
            AppEvent::Op(update) => {
                self.publish_verified(&update);
                Msg::Op(update)
            }
            AppEvent::Notice(notice) => Msg::Notice(notice),
            AppEvent::Shared(lines) => {
                let lines = self.placed(lines);
                self.publish(|| Folded::Shared(lines.iter().map(SharedLine::of).collect()));
                Msg::Shared(lines)
            }
            // Read before the follower began polling on its own: what it follows now is AWS.
            AppEvent::Follow(_) if self.follow_task.is_none() => return None,
            AppEvent::Follow(event) => match event.into_msg(&self.session_id) {
                Msg::Shared(lines) => Msg::Shared(self.placed(lines)),
                msg => msg,
            },
            AppEvent::OwnTelemetry(Ok(OwnTelemetry(telemetry))) => {
                self.connecting = false;
                match self.follow_task.take() {
                    Some(task) => task.abort(),
                    // Already polling on its own: a second connection is dropped with its telemetry.
                    None => return None,
                }
                self.telemetry = telemetry;
                for feed in Feed::ALL {
                    spawn_feed(self.telemetry.clone(), feed, tx.clone());
                }
                if let Some(link) = self.war_room_reader.take() {
                    let last = self.state.following.as_ref().and_then(|f| f.received);
                    let since = last
                        .map_or(chrono::Utc::now() - crate::war_room::READ_BACK, |t| t - chrono::Duration::seconds(5));
                    spawn_war_room_reader(link, since, tx.clone());
                }
                Msg::PollingOwn { location: self.telemetry.location() }
            }
            AppEvent::OwnTelemetry(Err(why)) => {
                self.connecting = false;
                Msg::Notice(Notice::Problem(format!("cannot poll AWS from here: {why}")))
            }
            AppEvent::Published(status) => Msg::Notice(match status {
                Some(why) => Notice::Problem(format!("followers see nothing new: {why}")),
                None => Notice::Info("publishing for followers again".to_string()),
            }),
            AppEvent::WarRoom(side, status) => Msg::WarRoom(side, status),
        };
        let effects = self.state.update(msg);
        self.run_effects(effects, tx);
        None
    }

    /// Hands a fold to the publisher, when this dashboard publishes (built only then: a poll's copy costs).
    fn publish(&self, folded: impl FnOnce() -> Folded) {
        if let Some((folds, _)) = &self.publish {
            // The publisher ends only with the loop.
            let _ = folds.send(Publish::Folded(folded()));
        }
    }

    /// A verified operation's effect on the panes, for followers: the operation as the state recorded it, who
    /// made it, and what verification read, without a peek's messages (a dead letter's body stays on this screen).
    fn publish_verified(&self, update: &OpUpdate) {
        if update.phase != OpPhase::Succeeded {
            return;
        }
        let Some(record) = self.state.operations.iter().find(|o| o.id == update.id) else { return };
        let seen = update.seen.iter().filter(|s| !matches!(s, Seen::Messages { .. })).cloned().collect();
        let (op, called, author) = (record.op.clone(), record.started, self.state.author_in(record.op.target()));
        self.publish(|| Folded::Verified(Verified { op, called, author, seen }));
    }

    /// Other sessions' lines, placed on this dashboard's clock. In a demo each simulation keeps its own clock
    /// (a dashboard that joined a run starts on that run's), so a line is placed by when it was written (its
    /// wall-clock `time`), and another session's operation is made in this world too, when its call is made
    /// (its intent): an observer of the demo shows the operator's rollback and reboot as they happen.
    fn placed(&self, mut lines: Vec<JournalEntry>) -> Vec<JournalEntry> {
        if self.state.session.kind != SessionKind::Demo {
            return lines;
        }
        // The joined run's operations up to when the journal was read are made already.
        let made_before = self.demo_run.as_ref().map(|run| run.read_at);
        for line in &mut lines {
            line.clock = self.telemetry.clock_at(line.time);
            // A call that world refused is refused by this one too: the worlds are the same.
            if line.kind == EntryKind::Intent
                && made_before.is_none_or(|read| line.time > read)
                && let Some(op) = line.op()
            {
                self.telemetry.reflect_operation(&op, &line.session.operator);
            }
        }
        lines
    }

    fn operation_context(&self, op: &Op) -> OperationContext {
        OperationContext {
            session: self.state.session.clone(),
            session_id: self.session_id.clone(),
            clock: {
                let telemetry = self.telemetry.clone();
                Arc::new(move || telemetry.now())
            },
            place: self.state.data.place_of(op.target()),
        }
    }

    /// Shows an earlier session's unfinished operation as outcome unknown and has the state re-read (when this
    /// session may use the operator; a read-only one leaves it unknown for the operator to settle).
    fn adopt(&mut self, original: JournalEntry, tx: &UnboundedSender<AppEvent>) {
        let Some(op) = original.op() else { return };
        let id = self.state.adopt_unfinished(op.clone(), original.clock, &original.session.operator);
        let reply = tx.clone();
        let report = move |update| {
            let _ = reply.send(AppEvent::Op(update));
        };
        // A read-only session has no operator: the record stays "outcome unknown", which is the truth.
        let ctx = self.operation_context(&op);
        let _ = self.guard.reverify(id, op, original, ctx, self.journal.clone(), report);
    }

    fn run_effects(&mut self, effects: Vec<Effect>, tx: &UnboundedSender<AppEvent>) {
        for effect in effects {
            match effect {
                Effect::Execute { id, op } => {
                    let reply = tx.clone();
                    let report = move |update| {
                        // The receiver is gone only when the loop has ended; nothing is left to tell.
                        let _ = reply.send(AppEvent::Op(update));
                    };
                    let ctx = self.operation_context(&op);
                    if let Err(refusal) = self.guard.submit(id, op, ctx, self.journal.clone(), report) {
                        let update = OpUpdate::new(id, OpPhase::Refused, refusal.to_string(), self.state.now);
                        self.state.update(Msg::Op(update));
                    }
                }
                Effect::Export => self.export(tx),
                Effect::PollOwn => match &self.own_polling {
                    // A second press while the first connects: one set of feeds, not two.
                    Some(_) if self.connecting => {}
                    Some(build) => {
                        self.connecting = true;
                        let (build, reply) = (build.clone(), tx.clone());
                        tokio::spawn(async move {
                            let built = build().await.map(OwnTelemetry);
                            let _ = reply.send(AppEvent::OwnTelemetry(built));
                        });
                    }
                    None => {
                        let why = "this dashboard polls AWS itself already";
                        self.state.update(Msg::Notice(Notice::Info(why.to_string())));
                    }
                },
                Effect::JournalNote { text } => {
                    let entry = JournalEntry::note(&self.state.session, self.state.now, text);
                    self.journal_line(entry, "note shown but NOT journaled", tx);
                }
                Effect::JournalMove(mut moved) => {
                    moved.place = moved.place.or_else(|| self.state.data.place_of(&moved.function));
                    let entry = JournalEntry::observed_move(&self.state.session, self.state.now, &moved);
                    self.journal_line(entry, "alias move NOT journaled", tx);
                }
            }
        }
    }

    /// Writes the postmortem beside the journal on the blocking pool (it reads the journal file back).
    fn export(&mut self, tx: &UnboundedSender<AppEvent>) {
        let journal = match &self.journal {
            Ok(journal) => journal.path().to_path_buf(),
            Err(why) => {
                self.state.update(Msg::Notice(Notice::Problem(format!("no postmortem: {why}"))));
                return;
            }
        };
        let (state, reply) = (self.state.clone(), tx.clone());
        tokio::task::spawn_blocking(move || {
            let notice = match warroom_core::export::write_beside_journal(&state, &journal) {
                // The path is what the key is for: short enough for an 80-column footer (the home directory as ~).
                Ok(path) => Notice::Info(format!("postmortem: {}", crate::paths::tilde(&path))),
                Err(e) => Notice::Problem(format!("postmortem failed: {e}")),
            };
            let _ = reply.send(AppEvent::Notice(notice));
        });
    }

    /// Appends a line (a note, an observed move) to the journal on the blocking pool: the line is synced to
    /// disk, which the loop must not wait for. What it records is on screen already; a failure says, after
    /// `failed`, that it was not journaled.
    fn journal_line(&mut self, entry: JournalEntry, failed: &'static str, tx: &UnboundedSender<AppEvent>) {
        let journal = match &self.journal {
            Ok(journal) => journal.clone(),
            Err(why) => {
                self.state.update(Msg::Notice(Notice::Problem(format!("{failed}: {why}"))));
                return;
            }
        };
        let entry = JournalEntry { session_id: Some(self.session_id.clone()), ..entry };
        let reply = tx.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = journal.append(&entry) {
                let _ = reply.send(AppEvent::Notice(Notice::Problem(format!("{failed}: {e}"))));
            }
        });
    }
}
