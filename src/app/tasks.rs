//! The background tasks the loop listens to: one per telemetry feed, the signals, the war room's writer and
//! reader, and the journal's tail. Each reports through the loop's channel; none can hold the loop up.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use warroom_core::journal::JournalEntry;
use warroom_core::journal::tail::JournalTail;
use warroom_core::model::{Feed, SessionKind, TelemetryError};
use warroom_core::state::Notice;

use super::AppEvent;
use crate::backoff::Backoff;
use crate::follow::FollowSource;
use crate::follow::publish::Publishing;
use crate::telemetry::Telemetry;
use crate::war_room::{WarRoomEvent, WarRoomLink, read, write};

/// SIGHUP and SIGTERM end the loop; SIGWINCH is a resize (the input thread waits in poll(2), outside crossterm's
/// reader, so crossterm never sees it).
pub(super) fn spawn_signals(tx: UnboundedSender<AppEvent>) {
    use tokio::signal::unix::{SignalKind, signal};
    let watched = [
        (SignalKind::hangup(), "SIGHUP", AppEvent::Signal as fn(&'static str) -> AppEvent),
        (SignalKind::terminate(), "SIGTERM", AppEvent::Signal),
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
                let _ = tx.send(AppEvent::Notice(Notice::Problem(format!("cannot watch {name}: {e}"))));
            }
        }
    }
}

/// Which of the war room's tasks a dashboard runs.
pub(super) enum WarRoomSides {
    /// Writer and reader.
    Both,
    /// The writer only: a follower's other sessions' lines come from the publisher's stream.
    WriteOnly,
}

/// The war room's writer and (`sides`) reader, each on its own task; neither can hold up the loop or the local
/// journal.
pub(super) fn spawn_war_room(
    link: WarRoomLink,
    lines: UnboundedReceiver<JournalEntry>,
    sides: WarRoomSides,
    tx: UnboundedSender<AppEvent>,
) {
    tokio::spawn(write(link.clone(), lines, war_room_report(tx.clone())));
    if matches!(sides, WarRoomSides::Both) {
        spawn_war_room_reader(link, chrono::Utc::now() - crate::war_room::READ_BACK, tx);
    }
}

/// The war room's reader alone, from `since`: a follower that begins polling on its own starts it then, from
/// its publisher's last record (what came before, the publisher folded and published: read again, its own lines
/// would be said a second time in other words).
pub(super) fn spawn_war_room_reader(
    link: WarRoomLink,
    since: chrono::DateTime<chrono::Utc>,
    tx: UnboundedSender<AppEvent>,
) {
    tokio::spawn(read(link, since, war_room_report(tx)));
}

fn war_room_report(tx: UnboundedSender<AppEvent>) -> impl Fn(WarRoomEvent) {
    move |event: WarRoomEvent| {
        let _ = tx.send(match event {
            WarRoomEvent::Status(side, status) => AppEvent::WarRoom(side, status),
            WarRoomEvent::Shared(events) => AppEvent::Shared(events),
        });
    }
}

/// Follow mode's reader: the publisher's stream, each fold reported to the loop in the publisher's order.
pub(super) fn spawn_follow(source: FollowSource, tx: UnboundedSender<AppEvent>) -> tokio::task::AbortHandle {
    let FollowSource { link, name, anchor } = source;
    let report = move |event| tx.send(AppEvent::Follow(event)).is_ok();
    tokio::spawn(crate::follow::read::follow(link, name, anchor, report)).abort_handle()
}

/// Follow mode's publisher: stamps its records with the dashboard clock; a failed write is said once, and its
/// recovery once.
pub(super) fn spawn_publisher(publishing: Publishing, telemetry: Arc<dyn Telemetry>, tx: UnboundedSender<AppEvent>) {
    let Publishing { link, publisher, folds } = publishing;
    let clock: crate::follow::publish::Clock = Arc::new(move || telemetry.now());
    tokio::spawn(crate::follow::publish::publish(link, publisher, clock, folds, move |status| {
        let _ = tx.send(AppEvent::Published(status));
    }));
}

/// How often the journal is read back for other sessions' lines: a stat and the bytes appended since, so cheap;
/// often, because a demo observer makes the operator's operation when it reads it, and every second late is ten
/// simulated seconds at the demo's speed.
const JOURNAL_TAIL_EVERY: Duration = Duration::from_millis(500);

/// Which journal lines a dashboard shows as others' work.
pub(super) struct TailScope {
    /// This session's lines are already on screen.
    pub own_session: String,
    /// Only lines of the same kind of session: a demo's operations are not a live incident's.
    pub kind: SessionKind,
    /// Lines written before this are not shown.
    pub written_after: chrono::DateTime<chrono::Utc>,
}

impl TailScope {
    fn admits(&self, e: &JournalEntry) -> bool {
        e.session_id.as_deref() != Some(self.own_session.as_str())
            && e.session.kind == self.kind
            && e.time >= self.written_after
    }
}

/// Reads the journal back on the blocking pool every couple of seconds: annotations from pipelines, notes and
/// operations from other sessions on this host.
pub(super) fn spawn_journal_tail(path: std::path::PathBuf, scope: TailScope, tx: UnboundedSender<AppEvent>) {
    tokio::spawn(async move {
        let mut tail = JournalTail::new(path);
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
            let lines: Vec<_> = entries.into_iter().filter(|e| scope.admits(e)).collect();
            if !lines.is_empty() && tx.send(AppEvent::Shared(lines)).is_err() {
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
pub(super) fn spawn_feed(telemetry: Arc<dyn Telemetry>, feed: Feed, tx: UnboundedSender<AppEvent>) {
    tokio::spawn(async move {
        let cadence = telemetry.cadence(feed);
        let mut backoff = Backoff::new(cadence, (cadence * 2).max(Duration::from_secs(30)));
        loop {
            let poll = telemetry.poll(feed);
            tokio::pin!(poll);
            let result = tokio::select! {
                result = &mut poll => result,
                _ = tokio::time::sleep(LATE_AFTER) => {
                    let late = TelemetryError::new(
                        feed.label(),
                        format!("no answer for {} s; still waiting", LATE_AFTER.as_secs()),
                    );
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
            // Until the next poll is due; sooner when a slow target's late answer is in.
            let next = tokio::time::Instant::now() + backoff.wait();
            while tokio::time::Instant::now() < next {
                tokio::time::sleep(LATE_CHECK.min(next - tokio::time::Instant::now())).await;
                if telemetry.late_answer_ready(feed) {
                    break;
                }
            }
        }
    });
}

/// How often a feed waiting for its next poll looks for a late answer (`Telemetry::late_answer_ready`).
const LATE_CHECK: Duration = Duration::from_millis(250);
