//! The loop: select over input, telemetry, operation outcomes, signals and the clock; draw only when the state
//! says something visible changed. Nothing here awaits the network: feeds and operations run on their own tasks
//! and report back through one channel.

use std::sync::Arc;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::backoff::Backoff;
use crate::journal::{Journal, JournalEntry, Session};
use crate::keymap::Keymap;
use crate::model::Observation;
use crate::ops::guard::Guard;
use crate::ops::runner::OperationContext;
use crate::ops::{OpPhase, OpUpdate};
use crate::state::{Effect, Msg, State};
use crate::telemetry::{Feed, Telemetry, TelemetryError};
use crate::ui;

/// Everything that wakes the loop.
#[derive(Debug)]
pub enum AppEvent {
    Key(KeyEvent),
    Resize,
    /// The terminal cannot be read (or written) any more: the SSH session dropped. Exit.
    InputClosed(String),
    /// SIGHUP or SIGTERM: exit.
    Signal(&'static str),
    Telemetry {
        feed: Feed,
        result: Result<Vec<Observation>, TelemetryError>,
    },
    Op(OpUpdate),
    /// What other sessions and `warroom annotate` wrote to the journal.
    Shared(Vec<crate::model::TimelineEvent>),
    WarRoom(crate::war_room::Side, crate::war_room::WarRoomStatus),
    /// A one-line message from work done off the loop (the postmortem export).
    Notice(String),
}

/// Why the loop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    Quit,
    InputClosed(String),
    Signal(&'static str),
}

pub struct App {
    pub state: State,
    pub keymap: Keymap,
    pub telemetry: Arc<dyn Telemetry>,
    pub guard: Guard,
    /// The journal, or why it cannot be written.
    pub journal: Result<Arc<Journal>, String>,
    pub session: Session,
    pub session_id: String,
    /// The war room's link and the queue of journal lines to send there, when a log group is configured.
    pub war_room: Option<(crate::war_room::WarRoomLink, tokio::sync::mpsc::UnboundedReceiver<JournalEntry>)>,
    /// Intents an earlier session journaled without an outcome: shown as unknown, then re-read.
    pub unfinished: Vec<JournalEntry>,
}

impl App {
    /// Runs until quit, hang-up or terminal loss. The caller restores the terminal.
    pub async fn run<B: Backend>(mut self, terminal: &mut Terminal<B>) -> std::io::Result<Exit>
    where
        B::Error: Into<std::io::Error>,
    {
        let (tx, mut rx) = unbounded_channel();
        spawn_input(tx.clone());
        spawn_signals(tx.clone());
        for feed in Feed::ALL {
            spawn_feed(self.telemetry.clone(), feed, tx.clone());
        }
        for original in std::mem::take(&mut self.unfinished) {
            self.adopt(original, &tx);
        }
        if let Some((link, lines)) = self.war_room.take() {
            spawn_war_room(link, lines, tx.clone());
        }
        if let Ok(journal) = &self.journal {
            // Live: the last day's lines, so an observer who opens mid-incident sees what was done. Demo: only
            // lines written during this run; earlier runs replayed the same simulated hours.
            let since =
                if self.session.mode == "live" { chrono::Duration::hours(24) } else { chrono::Duration::zero() };
            let scope = TailScope {
                own_session: self.session_id.clone(),
                mode: self.session.mode.clone(),
                written_after: chrono::Utc::now() - since,
            };
            spawn_journal_tail(journal.path().to_path_buf(), scope, tx.clone());
        }
        let mut clock = tokio::time::interval(Duration::from_secs(1));
        clock.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut frames = FramePacing::default();
        loop {
            if frames.due(self.state.is_dirty()) {
                self.state.take_dirty();
                // A terminal that cannot be written has gone with the session: leave, do not retry.
                if let Err(e) = terminal.draw(|f| ui::render(f, &self.state, &self.keymap)) {
                    return Ok(Exit::InputClosed(format!("cannot draw: {}", e.into())));
                }
                frames.drawn();
            }
            let event = tokio::select! {
                event = rx.recv() => event,
                _ = clock.tick() => {
                    let now = self.telemetry.now();
                    self.state.update(Msg::Tick(now));
                    frames.ticked();
                    continue;
                }
            };
            let Some(event) = event else { return Ok(Exit::InputClosed("event channel closed".into())) };
            frames.saw(&event);
            if let Some(exit) = self.handle(event, &tx) {
                return Ok(exit);
            }
            // Drain whatever else arrived, so a burst costs one draw.
            while let Ok(event) = rx.try_recv() {
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

    fn handle(&mut self, event: AppEvent, tx: &UnboundedSender<AppEvent>) -> Option<Exit> {
        if matches!(event, AppEvent::Key(_) | AppEvent::Op(_)) {
            // Bring the clock up to date first, so a confirmation is stamped when it happened, not at the last
            // tick (a whole second behind, which is a minute of simulated time at high --speed).
            self.state.update(Msg::Tick(self.telemetry.now()));
        }
        let msg = match event {
            AppEvent::Key(key) => self.key_to_msg(key)?,
            AppEvent::Resize => Msg::Resize,
            AppEvent::InputClosed(why) => return Some(Exit::InputClosed(why)),
            AppEvent::Signal(name) => return Some(Exit::Signal(name)),
            AppEvent::Telemetry { feed, result } => Msg::Telemetry { feed, result },
            AppEvent::Op(update) => Msg::Op(update),
            AppEvent::Notice(text) => Msg::Notice(text),
            AppEvent::Shared(events) => Msg::Shared(events),
            AppEvent::WarRoom(side, status) => Msg::WarRoom(side, status),
        };
        let effects = self.state.update(msg);
        self.run_effects(effects, tx);
        None
    }

    fn key_to_msg(&mut self, key: KeyEvent) -> Option<Msg> {
        if self.state.wants_text_input() {
            return Some(Msg::Input(key));
        }
        if let Some(action) = self.keymap.action_for(&key) {
            return Some(Msg::Action(action));
        }
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            // In raw mode ctrl-c is a key, not a kill: say how to leave instead of dying mid-operation.
            let quit = self.keymap.hint(crate::action::Action::Quit).unwrap_or_else(|| "the quit key".into());
            return Some(Msg::Notice(format!("ctrl-c does not quit here; press {quit}")));
        }
        None
    }

    fn operation_context(&self) -> OperationContext {
        OperationContext {
            session: self.session.clone(),
            session_id: self.session_id.clone(),
            clock: {
                let telemetry = self.telemetry.clone();
                Arc::new(move || telemetry.now())
            },
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
        let _ = self.guard.reverify(id, op, original, self.operation_context(), self.journal.clone(), report);
    }

    fn run_effects(&mut self, effects: Vec<Effect>, tx: &UnboundedSender<AppEvent>) {
        for effect in effects {
            match effect {
                Effect::Execute { id, op } => {
                    let ctx = self.operation_context();
                    let reply = tx.clone();
                    let report = move |update| {
                        // The receiver is gone only when the loop has ended; nothing is left to tell.
                        let _ = reply.send(AppEvent::Op(update));
                    };
                    if let Err(refusal) = self.guard.submit(id, op, ctx, self.journal.clone(), report) {
                        let update =
                            OpUpdate { id, phase: OpPhase::Refused, message: refusal.to_string(), at: self.state.now };
                        self.state.update(Msg::Op(update));
                    }
                }
                Effect::Export => {
                    let journal = match &self.journal {
                        Ok(journal) => journal.path().to_path_buf(),
                        Err(why) => {
                            self.state.notice = Some(format!("no postmortem: {why}"));
                            continue;
                        }
                    };
                    let (state, reply) = (self.state.clone(), tx.clone());
                    tokio::task::spawn_blocking(move || {
                        let notice = match crate::export::write_beside_journal(&state, &journal) {
                            Ok(path) => format!("postmortem written to {}", path.display()),
                            Err(e) => format!("postmortem failed: {e}"),
                        };
                        let _ = reply.send(AppEvent::Notice(notice));
                    });
                }
                Effect::JournalNote { text } => {
                    let result = self
                        .journal
                        .as_ref()
                        .map_err(Clone::clone)
                        .and_then(|journal| journal.append(&self.note_entry(text)).map_err(|e| e.to_string()));
                    if let Err(e) = result {
                        self.state.notice = Some(format!("note shown but NOT journaled: {e}"));
                    }
                }
            }
        }
    }

    fn note_entry(&self, text: String) -> JournalEntry {
        JournalEntry {
            session_id: Some(self.session_id.clone()),
            ..JournalEntry::note(&self.session, self.state.now, text)
        }
    }
}

/// Terminal input on a thread of its own: crossterm's read blocks, and the loop must not.
fn spawn_input(tx: UnboundedSender<AppEvent>) {
    std::thread::spawn(move || {
        loop {
            match next_input() {
                Ok(Some(event)) => {
                    if tx.send(event).is_err() {
                        return;
                    }
                }
                Ok(None) => {}
                Err(why) => {
                    let _ = tx.send(AppEvent::InputClosed(why));
                    return;
                }
            }
        }
    });
}

/// The next key or resize, None for input the loop ignores, or why the terminal is gone. crossterm's reader
/// retries a read that returns end of file or EIO forever, spinning a core after the SSH session drops; so poll(2)
/// looks for a hang-up right before every crossterm call, and the thread blocks in poll(2), never in crossterm.
fn next_input() -> Result<Option<AppEvent>, String> {
    wait_for_terminal(0)?;
    if !event::poll(Duration::ZERO).map_err(|e| e.to_string())? {
        // Nothing buffered: wait for input (or a hang-up); the caller comes back to check from the top.
        wait_for_terminal(-1)?;
        return Ok(None);
    }
    Ok(match event::read().map_err(|e| e.to_string())? {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(AppEvent::Key(key)),
        Event::Resize(..) => Some(AppEvent::Resize),
        _ => None,
    })
}

/// Waits up to `timeout_ms` (-1: for ever) for the terminal to have input; fails with why it never will when it
/// has hung up.
fn wait_for_terminal(timeout_ms: i32) -> Result<(), String> {
    let mut fds = libc::pollfd { fd: libc::STDIN_FILENO, events: libc::POLLIN, revents: 0 };
    loop {
        // SAFETY: one valid pollfd, and the count says one.
        let ready = unsafe { libc::poll(&mut fds, 1, timeout_ms) };
        if ready < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(format!("cannot poll the terminal: {e}"));
        }
        if fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            return Err("the terminal hung up".into());
        }
        return Ok(());
    }
}

fn spawn_signals(tx: UnboundedSender<AppEvent>) {
    use tokio::signal::unix::{SignalKind, signal};
    let watched = [
        (SignalKind::hangup(), "SIGHUP", AppEvent::Signal as fn(&'static str) -> AppEvent),
        (SignalKind::terminate(), "SIGTERM", AppEvent::Signal),
        // The input thread waits in poll(2), outside crossterm's reader, so crossterm never sees SIGWINCH.
        (SignalKind::window_change(), "SIGWINCH", |_| AppEvent::Resize),
    ];
    for (kind, name, event) in watched {
        let tx = tx.clone();
        match signal(kind) {
            Ok(mut stream) => {
                tokio::spawn(async move {
                    while stream.recv().await.is_some() {
                        if tx.send(event(name)).is_err() {
                            return;
                        }
                    }
                });
            }
            Err(e) => {
                let _ = tx.send(AppEvent::Telemetry {
                    feed: Feed::Inventory,
                    result: Err(TelemetryError {
                        service: "signals".into(),
                        message: format!("cannot watch {name}: {e}"),
                    }),
                });
            }
        }
    }
}

/// The war room's writer and reader, each on its own task; neither can hold up the loop or the local journal.
fn spawn_war_room(
    link: crate::war_room::WarRoomLink,
    lines: tokio::sync::mpsc::UnboundedReceiver<JournalEntry>,
    tx: UnboundedSender<AppEvent>,
) {
    use crate::war_room::{WarRoomEvent, read, write};
    let report = |tx: UnboundedSender<AppEvent>| {
        move |event: WarRoomEvent| {
            let _ = tx.send(match event {
                WarRoomEvent::Status(side, status) => AppEvent::WarRoom(side, status),
                WarRoomEvent::Shared(events) => AppEvent::Shared(events),
            });
        }
    };
    tokio::spawn(write(link.clone(), lines, report(tx.clone())));
    tokio::spawn(read(link, report(tx)));
}

/// How often the journal is read back for other sessions' lines.
const JOURNAL_TAIL_EVERY: Duration = Duration::from_secs(2);

/// Reads the journal back on the blocking pool every couple of seconds: annotations from pipelines, notes and
/// operations from other sessions on this host. This session's own lines are already on screen.
/// Which journal lines a dashboard shows as others' work.
struct TailScope {
    own_session: String,
    mode: String,
    written_after: chrono::DateTime<chrono::Utc>,
}

impl TailScope {
    fn admits(&self, e: &JournalEntry) -> bool {
        e.session_id.as_deref() != Some(self.own_session.as_str())
            && e.session.mode == self.mode
            && e.time >= self.written_after
    }
}

fn spawn_journal_tail(path: std::path::PathBuf, scope: TailScope, tx: UnboundedSender<AppEvent>) {
    tokio::spawn(async move {
        let mut tail = crate::journal_tail::JournalTail::new(path);
        loop {
            // The reader goes to the blocking pool and comes back with what it read.
            let Ok((back, read)) = tokio::task::spawn_blocking(move || {
                let read = tail.read_new();
                (tail, read)
            })
            .await
            else {
                return;
            };
            tail = back;
            // An unreadable journal is reported where it matters: when an operation tries to write it.
            let entries = read.unwrap_or_default();
            let events: Vec<_> =
                entries.iter().filter(|e| scope.admits(e)).filter_map(|e| e.timeline_event()).collect();
            if !events.is_empty() && tx.send(AppEvent::Shared(events)).is_err() {
                return;
            }
            tokio::time::sleep(JOURNAL_TAIL_EVERY).await;
        }
    });
}

/// A poll unanswered this long is reported while it goes on waiting: a hung endpoint shows in its panes within
/// seconds, not after the SDK's 30 s operation timeout.
const LATE_AFTER: Duration = Duration::from_secs(10);

/// Polls one feed forever on its own task; results (or errors) go to the loop. After a failure the next poll
/// waits longer (doubling up to twice the cadence, at least 30 s, with jitter); the first success restores the
/// cadence.
fn spawn_feed(telemetry: Arc<dyn Telemetry>, feed: Feed, tx: UnboundedSender<AppEvent>) {
    tokio::spawn(async move {
        let cadence = telemetry.cadence(feed);
        let mut backoff = Backoff::new(cadence, (cadence * 2).max(Duration::from_secs(30)));
        loop {
            let poll = telemetry.poll(feed);
            tokio::pin!(poll);
            let result = tokio::select! {
                result = &mut poll => result,
                _ = tokio::time::sleep(LATE_AFTER) => {
                    let late = TelemetryError {
                        service: feed.label().into(),
                        message: format!("no answer for {} s; still waiting", LATE_AFTER.as_secs()),
                    };
                    if tx.send(AppEvent::Telemetry { feed, result: Err(late) }).is_err() {
                        return;
                    }
                    poll.await
                }
            };
            match &result {
                Ok(_) => backoff.succeeded(),
                Err(_) => backoff.failed(),
            }
            if tx.send(AppEvent::Telemetry { feed, result }).is_err() {
                return;
            }
            tokio::time::sleep(backoff.wait()).await;
        }
    });
}

/// Frames from data wait for the clock's next tick; frames for the user come at once. The feeds answer just
/// after the clock ticks, so drawing each answer as it came made two or three frames a second where one shows
/// the same: on an idle dashboard that was most of its CPU and terminal traffic. Data is at most a second late.
#[derive(Debug)]
struct FramePacing {
    urgent: bool,
    ticked: bool,
}

impl Default for FramePacing {
    fn default() -> Self {
        // The first frame comes at once.
        Self { urgent: true, ticked: false }
    }
}

impl FramePacing {
    /// Keys, resizes, operation progress and notices are drawn at once.
    fn saw(&mut self, event: &AppEvent) {
        self.urgent |= !matches!(event, AppEvent::Telemetry { .. } | AppEvent::Shared(_));
    }

    fn ticked(&mut self) {
        self.ticked = true;
    }

    fn due(&mut self, dirty: bool) -> bool {
        if !dirty {
            // A key that changed nothing leaves no urgency behind for the next data frame.
            self.urgent = false;
            return false;
        }
        self.urgent || self.ticked
    }

    fn drawn(&mut self) {
        self.urgent = false;
        self.ticked = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> AppEvent {
        AppEvent::Telemetry { feed: Feed::Fast, result: Ok(Vec::new()) }
    }

    #[test]
    fn data_frames_wait_for_the_tick_and_user_frames_do_not() {
        let mut frames = FramePacing::default();
        assert!(frames.due(true), "the first frame comes at once");
        frames.drawn();
        frames.saw(&data());
        assert!(!frames.due(true), "an answer just after a tick waits for the next one");
        frames.ticked();
        assert!(frames.due(true));
        frames.drawn();
        frames.saw(&AppEvent::Resize);
        assert!(frames.due(true), "a resize is drawn at once");
        frames.drawn();
        frames.saw(&AppEvent::Key(KeyEvent::from(KeyCode::Char('j'))));
        assert!(!frames.due(false), "nothing changed: nothing to draw");
        frames.saw(&data());
        assert!(!frames.due(true), "a key that changed nothing leaves no urgency for data");
    }
}
