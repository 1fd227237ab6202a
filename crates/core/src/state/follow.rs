//! Follow mode's stream: what an operator's dashboard publishes of what its panes render from, so that observers
//! (`warroom --follow`) show the same view without polling AWS. The publisher sends what its loop folded, in the
//! order it folded it (each feed's poll, each batch of journal lines), as numbered deltas, and every so often the
//! whole of what those folds built (a full snapshot): a follower starts from the latest full snapshot and folds
//! the deltas after it through the same `State::update`, so its panes are the publisher's, not a copy of its
//! screen. Where the stream is stored (S3) and how often it is written is the binary's business (`src/follow`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::feeds::FeedHealth;
use crate::journal::JournalEntry;
use crate::model::{Data, Feed, Observation, SessionKind, TelemetryError};
use crate::operation::{Op, Seen};

/// The stream's format; a follower refuses records of another (it names both).
pub const FORMAT: u32 = 1;

/// One thing the publisher's loop folded, in the order it folded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Folded {
    /// A feed's poll answered, or failed as a whole (`Msg::Telemetry`).
    Telemetry {
        /// Which feed.
        feed: Feed,
        /// Its observations, or why the poll failed.
        result: Result<Vec<Observation>, TelemetryError>,
    },
    /// Journal lines: those the publisher read (other sessions', the war room's) and those it wrote (its
    /// operations' intents and outcomes, its notes), as written (wall-clock `time`; a follower places them).
    Shared(Vec<SharedLine>),
    /// What one of the publisher's operations left in the panes once verified (`State::show_verified`), so a
    /// follower shows the rollback at once, as the publisher does, not at the next inventory poll.
    Verified(Verified),
}

/// A journal line as the publisher folded it, with who the war room says wrote it: that is never part of a
/// journal line as written (a line cannot vouch for itself), so the stream carries it beside the line. A
/// follower takes the publisher's word for it, as it takes the publisher's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedLine {
    /// The line.
    pub line: JournalEntry,
    /// The war-room stream's author, for a line read from the war room.
    pub stream_author: Option<crate::model::StreamAuthor>,
}

impl SharedLine {
    /// `line` with the author the war room gave it, for the stream.
    pub fn of(line: &JournalEntry) -> SharedLine {
        SharedLine { line: line.clone(), stream_author: line.stream_author.clone() }
    }

    /// The line as the publisher held it, its author restored.
    pub fn into_entry(self) -> JournalEntry {
        JournalEntry { stream_author: self.stream_author, ..self.line }
    }
}

/// A verified operation's effect on the panes, as the publisher folded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verified {
    /// The operation.
    pub op: Op,
    /// When it was confirmed, just before its call: the alias move's time.
    pub called: DateTime<Utc>,
    /// Who made it, as the publisher's timeline names it (`alice as assumed-role/OnCall/alice`).
    pub author: String,
    /// What verification read; never a peek's messages (those stay on the publisher's screen).
    pub seen: Vec<Seen>,
}

/// Who publishes, in every record: what the follower's header and location say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Publisher {
    /// `operator@host`: whom the follower's header says it follows, and the stream's name.
    pub name: String,
    /// The publishing session's id: a new one (the publisher restarted) starts the follower over from a full
    /// snapshot, as its numbering starts over.
    pub session_id: String,
    /// Where its data comes from ("123456789012 · eu-west-1", or the scenario's "… (simulated)").
    pub location: String,
    /// Live or demo.
    pub kind: SessionKind,
    /// Simulated seconds per real second (1 live): how the follower's clock runs between records.
    pub speed: f64,
}

/// What every record carries besides its content: its number, when it was written and by whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stamp {
    /// `FORMAT` when written.
    pub format: u32,
    /// The delta's number (from 1, one more each delta); a full snapshot carries the last delta it includes
    /// (0: none yet).
    pub seq: u64,
    /// Wall-clock time it was written: how far behind a follower is.
    pub published: DateTime<Utc>,
    /// The publisher's dashboard clock then (virtual in a demo).
    pub clock: DateTime<Utc>,
    /// Who wrote it.
    pub publisher: Publisher,
}

/// What the publisher folded since the delta before (nothing, for a heartbeat that says it is still there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    /// Number, time and author.
    pub stamp: Stamp,
    /// The folds, oldest first.
    pub folded: Vec<Folded>,
    /// Folds were dropped before this delta (the bucket could not be written for so long that keeping them
    /// would have grown without bound): what they changed is only in the next full snapshot, which a follower
    /// reads again.
    #[serde(default)]
    pub lost: bool,
}

/// The whole of what the publisher's folds built, after delta `stamp.seq`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Full {
    /// Number (the last delta included), time and author.
    pub stamp: Stamp,
    /// Everything telemetry had said.
    pub data: Data,
    /// Each feed's health, indexed by `Feed::index`.
    pub feeds: [FeedHealth; 3],
}

/// Why a record cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// Not JSON of a record's shape.
    #[error("not a warroom follow record: {0}")]
    Malformed(#[from] serde_json::Error),
    /// Written by a warroom whose stream format differs.
    #[error("written in follow format {found}; this warroom reads format {FORMAT}: use the same warroom version")]
    Format {
        /// The record's format.
        found: u32,
    },
}

/// Reads a delta written by `serde_json::to_vec`.
pub fn read_delta(bytes: &[u8]) -> Result<Delta, StreamError> {
    let delta: Delta = serde_json::from_slice(bytes)?;
    check_format(delta.stamp.format).map(|()| delta)
}

/// Reads a full snapshot written by `serde_json::to_vec`.
pub fn read_full(bytes: &[u8]) -> Result<Full, StreamError> {
    let full: Full = serde_json::from_slice(bytes)?;
    check_format(full.stamp.format).map(|()| full)
}

fn check_format(found: u32) -> Result<(), StreamError> {
    if found == FORMAT { Ok(()) } else { Err(StreamError::Format { found }) }
}

/// What a follower knows of the stream, for its header: whom it follows and how fresh its view is. Silence is
/// measured on the follower's own clock alone (two machines' clocks may differ by seconds); how far behind is
/// the publisher's time against the follower's, so it carries their skew.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Following {
    /// `operator@host` of the publisher (from the records once read; what was asked for before).
    pub publisher: String,
    /// The newest record's wall-clock publication time, by the publisher's clock; `None` before the first.
    pub published: Option<DateTime<Utc>>,
    /// When the follower read that record, by its own clock.
    pub received: Option<DateTime<Utc>>,
    /// When the follower began following, by its own clock.
    pub since: DateTime<Utc>,
    /// When it last read the stream, by its own clock.
    pub checked: DateTime<Utc>,
    /// The last read's failure (the call and why), if it failed.
    pub error: Option<String>,
}

/// Seconds without a new record (a heartbeat comes every few seconds) after which the publisher is taken to
/// have stopped.
pub const SILENT_AFTER_SECS: i64 = 20;

impl Following {
    /// How far behind the publisher the view was when its newest record arrived: the record's age then (at
    /// least zero); `None` before the first record.
    pub fn behind(&self) -> Option<chrono::Duration> {
        Some((self.received? - self.published?).max(chrono::Duration::zero()))
    }

    /// How long nothing new has come, by the follower's clock: since the newest record, or since following
    /// began when none has come.
    pub fn quiet(&self) -> chrono::Duration {
        (self.checked - self.received.unwrap_or(self.since)).max(chrono::Duration::zero())
    }

    /// Whether what the follower shows may no longer hold: its publisher is silent, or its stream cannot be read.
    pub fn lost(&self) -> bool {
        self.silent() || self.error.is_some()
    }

    /// Whether the publisher has stopped (or never started): nothing new for `SILENT_AFTER_SECS`.
    pub fn silent(&self) -> bool {
        self.quiet().num_seconds() >= SILENT_AFTER_SECS
    }

    /// The header's words: "following alice@bastion-1 · 1 s behind", "alice@bastion-1 stopped publishing 40s
    /// ago", "waiting for alice@bastion-1's first snapshot", "nothing from alice@bastion-1 for 25s", or the
    /// read's failure.
    pub fn text(&self) -> String {
        let quiet = crate::text::compact_duration(self.quiet());
        if let Some(why) = &self.error {
            return format!("following {}: {why}", self.publisher);
        }
        match self.behind() {
            None if self.silent() => format!("nothing from {} for {quiet}", self.publisher),
            None => format!("waiting for {}'s first snapshot", self.publisher),
            Some(_) if self.silent() => format!("{} stopped publishing {quiet} ago", self.publisher),
            Some(b) => format!("following {} · {} s behind", self.publisher, b.num_seconds()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + s, 0).single().expect("valid time")
    }

    /// Published at `published` (publisher's clock), received at `received`, read last at `checked` (the
    /// follower's clock), following since 0.
    fn following(published: Option<i64>, received: Option<i64>, checked: i64) -> Following {
        Following {
            publisher: "alice@bastion-1".into(),
            published: published.map(at),
            received: received.map(at),
            since: at(0),
            checked: at(checked),
            error: None,
        }
    }

    #[test]
    fn the_header_says_how_far_behind_and_when_the_publisher_stopped() {
        assert_eq!(following(None, None, 5).text(), "waiting for alice@bastion-1's first snapshot");
        assert_eq!(following(None, None, 25).text(), "nothing from alice@bastion-1 for 25s");
        assert!(following(None, None, 25).silent(), "a publisher that never came is offered as stopped too");
        assert_eq!(following(Some(10), Some(12), 13).text(), "following alice@bastion-1 · 2 s behind");
        assert!(!following(Some(10), Some(12), 31).silent());
        assert_eq!(following(Some(10), Some(12), 52).text(), "alice@bastion-1 stopped publishing 40s ago");
        // A publisher whose clock runs 30 s ahead: never "behind" by less than zero, and silence is not its clock's.
        let ahead = following(Some(40), Some(12), 13);
        assert_eq!(ahead.text(), "following alice@bastion-1 · 0 s behind");
        let failing = Following { error: Some("s3:GetObject: AccessDenied".into()), ..following(Some(1), Some(2), 3) };
        assert_eq!(failing.text(), "following alice@bastion-1: s3:GetObject: AccessDenied");
    }

    #[test]
    fn a_record_of_another_format_is_refused_by_name() {
        let stamp = Stamp {
            format: 99,
            seq: 1,
            published: at(0),
            clock: at(0),
            publisher: Publisher {
                name: "a@b".into(),
                session_id: "s".into(),
                location: "l".into(),
                kind: SessionKind::Live,
                speed: 1.0,
            },
        };
        let bytes = serde_json::to_vec(&Delta { stamp, folded: Vec::new(), lost: false }).expect("json");
        let err = read_delta(&bytes).expect_err("format 99");
        assert!(err.to_string().contains("format 99"), "{err}");
        assert!(read_delta(b"{}").expect_err("not a record").to_string().starts_with("not a warroom follow record"));
    }
}
