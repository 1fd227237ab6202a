//! The shared war room: every journal line (operation intent and outcome, note, annotation) also goes to a
//! CloudWatch Logs log group, one stream per session, and every dashboard pointed at the group reads the others'
//! lines back into its timeline within seconds. Losing the group never blocks the local journal or the screen:
//! lines queue in memory, the header says "war room disconnected", and they are sent when it returns. A line
//! sent twice (a timeout that had in fact gone through) is shown once: readers key lines by session and time.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use tokio::sync::mpsc::UnboundedReceiver;

use warroom_core::journal::JournalEntry;
use warroom_core::model::{Side, StreamAuthor, WarRoomStatus};

use crate::aws::{AwsError, AwsErrorKind, aws_error};
use crate::backoff::Backoff;

/// Where this session's lines go.
#[derive(Debug, Clone)]
pub struct WarRoomLink {
    /// The CloudWatch Logs client.
    pub logs: Client,
    /// The log group every dashboard of the incident shares.
    pub group: String,
    /// This session's stream, named after who IAM lets write there (`StreamAuthor::stream`):
    /// `iam-user/alice/<session id>`.
    pub stream: String,
    /// Who the stream is named after: what to say when IAM refuses it.
    pub author: StreamAuthor,
    /// This session's id: its own lines are not shown back to it.
    pub own_session: String,
}

impl WarRoomLink {
    /// A failed call's message for the header and `annotate`: when IAM refused it, with the policy's rule and
    /// the setting that meets it.
    pub fn why(&self, e: &AwsError) -> String {
        match e.kind {
            AwsErrorKind::AccessDenied => format!("{e} — {}", self.author.when_denied()),
            _ => e.to_string(),
        }
    }
}

/// What the war room tells the dashboard.
#[derive(Debug, Clone, PartialEq)]
pub enum WarRoomEvent {
    /// A side's health changed (or was confirmed).
    Status(Side, WarRoomStatus),
    /// Other sessions' lines.
    Shared(Vec<JournalEntry>),
}

const READ_EVERY: Duration = Duration::from_secs(3);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// CloudWatch Logs takes up to 10,000 events a call; a queue this long after an outage drains in a few calls.
const BATCH: usize = 1000;

/// One line's identity across retries and readers.
pub fn line_key(e: &JournalEntry) -> String {
    let who = e.session_id.clone().unwrap_or_else(|| e.session.operator.clone());
    format!("{who}|{}|{:?}", e.time.timestamp_nanos_opt().unwrap_or_default(), e.kind)
}

/// Sends every line that arrives on `lines` to the session's stream, in order, until the channel closes.
pub async fn write(link: WarRoomLink, mut lines: UnboundedReceiver<JournalEntry>, report: impl Fn(WarRoomEvent)) {
    let mut pending: VecDeque<JournalEntry> = VecDeque::new();
    let mut stream_ready = false;
    let mut backoff = Backoff::new(Duration::from_secs(1), MAX_BACKOFF);
    loop {
        while let Ok(line) = lines.try_recv() {
            pending.push_back(line);
        }
        if pending.is_empty() {
            match lines.recv().await {
                Some(line) => pending.push_back(line),
                None => return,
            }
            continue;
        }
        let sent = async {
            if !stream_ready {
                ensure_stream(&link).await?;
                stream_ready = true;
            }
            let batch: Vec<InputLogEvent> = pending.iter().take(BATCH).filter_map(log_event).collect();
            link.logs
                .put_log_events()
                .log_group_name(&link.group)
                .log_stream_name(&link.stream)
                .set_log_events(Some(batch))
                .send()
                .await
                .map_err(|e| aws_error("logs:PutLogEvents", e))?;
            Ok::<usize, AwsError>(pending.len().min(BATCH))
        }
        .await;
        match sent {
            Ok(n) => {
                pending.drain(..n);
                backoff.succeeded();
                report(WarRoomEvent::Status(Side::Writing, WarRoomStatus::Connected));
            }
            Err(e) => {
                // The stream (or the group) may have gone: make it again before the next try.
                stream_ready = false;
                let why = link.why(&e);
                report(WarRoomEvent::Status(Side::Writing, WarRoomStatus::Disconnected { why, queued: pending.len() }));
                backoff.failed();
                tokio::time::sleep(backoff.wait()).await;
            }
        }
    }
}

async fn ensure_stream(link: &WarRoomLink) -> Result<(), AwsError> {
    let made = link.logs.create_log_stream().log_group_name(&link.group).log_stream_name(&link.stream).send().await;
    match made {
        Ok(_) => Ok(()),
        Err(e) => {
            let e = aws_error("logs:CreateLogStream", e);
            if e.code.as_deref() == Some("ResourceAlreadyExistsException") { Ok(()) } else { Err(e) }
        }
    }
}

fn log_event(line: &JournalEntry) -> Option<InputLogEvent> {
    let message = serde_json::to_string(line).ok()?;
    InputLogEvent::builder().timestamp(line.time.timestamp_millis()).message(message).build().ok()
}

/// How far back a dashboard's first read of the war room goes: an observer who opens mid-incident sees what was
/// done.
pub const READ_BACK: chrono::Duration = chrono::Duration::hours(24);

/// Reads the group every few seconds from `since` (wall clock) and reports other sessions' lines, each once.
pub async fn read(link: WarRoomLink, since: chrono::DateTime<chrono::Utc>, report: impl Fn(WarRoomEvent)) {
    let mut seen: HashSet<String> = HashSet::new();
    let mut since = since.timestamp_millis();
    let mut backoff = Backoff::new(READ_EVERY, MAX_BACKOFF);
    loop {
        match read_since(&link, since).await {
            Ok(lines) => {
                let mut shared = Vec::new();
                for line in lines {
                    // Overlapping reads (and a line sent twice) come back again: show each line once.
                    since = since.max(line.time.timestamp_millis() - 5_000);
                    if line.session_id.as_deref() == Some(link.own_session.as_str()) || !seen.insert(line_key(&line)) {
                        continue;
                    }
                    shared.push(line);
                }
                if !shared.is_empty() {
                    report(WarRoomEvent::Shared(shared));
                }
                report(WarRoomEvent::Status(Side::Reading, WarRoomStatus::Connected));
                backoff.succeeded();
            }
            Err(e) => {
                report(WarRoomEvent::Status(
                    Side::Reading,
                    WarRoomStatus::Disconnected { why: e.to_string(), queued: 0 },
                ));
                backoff.failed();
            }
        }
        tokio::time::sleep(backoff.wait()).await;
    }
}

async fn read_since(link: &WarRoomLink, since: i64) -> Result<Vec<JournalEntry>, AwsError> {
    let mut out = Vec::new();
    let mut token = None;
    // Bounded: a busy group costs a few calls a read, not hundreds.
    for _ in 0..10 {
        let page = link
            .logs
            .filter_log_events()
            .log_group_name(&link.group)
            .start_time(since)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| aws_error("logs:FilterLogEvents", e))?;
        out.extend(page.events().iter().filter_map(|e| {
            let line = serde_json::from_str::<JournalEntry>(e.message()?).ok()?;
            Some(JournalEntry { stream_author: Some(stream_author(e.log_stream_name())), ..line })
        }));
        match page.next_token() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(out)
}

/// Who wrote into `stream`, as IAM checked it: the author the stream is named after, or, for a stream warroom
/// did not name, unverified under the stream's own name.
fn stream_author(stream: Option<&str>) -> StreamAuthor {
    let stream = stream.unwrap_or("unnamed stream");
    StreamAuthor::of_stream(stream).unwrap_or_else(|| StreamAuthor::Unverified(stream.to_string()))
}

/// `warroom annotate` with a war room: the one line, sent at once to a stream of its own.
pub async fn send_once(link: &WarRoomLink, line: &JournalEntry) -> Result<(), AwsError> {
    ensure_stream(link).await?;
    link.logs
        .put_log_events()
        .log_group_name(&link.group)
        .log_stream_name(&link.stream)
        .set_log_events(log_event(line).map(|e| vec![e]))
        .send()
        .await
        .map_err(|e| aws_error("logs:PutLogEvents", e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_keeps_its_key_across_a_resend() {
        let session = warroom_core::model::Session {
            operator: "alice".into(),
            kind: warroom_core::model::SessionKind::Live,
            read_only: false,
        };
        let mut line = JournalEntry::note(&session, chrono::Utc::now(), "x".into());
        line.session_id = Some("s1".into());
        let resent: JournalEntry = serde_json::from_str(&serde_json::to_string(&line).expect("json")).expect("back");
        assert_eq!(line_key(&line), line_key(&resent));
        let mut other = line.clone();
        other.session_id = Some("s2".into());
        assert_ne!(line_key(&line), line_key(&other));
    }
}
