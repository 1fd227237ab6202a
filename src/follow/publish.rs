//! The publisher: what the loop folded, written to S3 as numbered deltas once a second (an empty one every few
//! seconds as a heartbeat) and a full snapshot every `FULL_EVERY`. A delta that fails to be written is written
//! again, unchanged and under its number, before anything after it: a follower never meets a hole, and a full
//! snapshot never claims a delta that is not there.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc::UnboundedReceiver;
use warroom_core::follow::{Delta, FORMAT, Folded, Full, Publisher, Stamp};
use warroom_core::model::Data;
use warroom_core::state::FeedHealth;

use super::{HEARTBEAT, PUBLISH_EVERY, StreamLink};
use crate::aws::{AwsError, aws_error};

/// What the loop hands the publisher, in the order it folded it.
#[derive(Debug)]
pub enum Publish {
    /// One fold.
    Folded(Folded),
    /// The state after every fold sent before it: data, feeds' health, the dashboard clock.
    Full(Box<(Data, [FeedHealth; 3], DateTime<Utc>)>),
}

/// What an operating dashboard publishes with: where, as whom, and the folds the loop sends.
pub struct Publishing {
    /// The bucket and prefix.
    pub link: StreamLink,
    /// Who publishes.
    pub publisher: Publisher,
    /// What the loop (and the journal, for this session's own lines) sends.
    pub folds: UnboundedReceiver<Publish>,
}

/// How publishing goes, for the header: `None` when the last write succeeded, else the failed call and why.
pub type PublishStatus = Option<String>;

/// The dashboard clock, read when a record is stamped.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Writes what arrives on `folds` to `link` as `publisher`, until the channel closes; `report` hears each write's
/// outcome when it changes.
pub async fn publish(
    link: StreamLink,
    publisher: Publisher,
    clock: Clock,
    mut folds: UnboundedReceiver<Publish>,
    report: impl Fn(PublishStatus),
) {
    let mut writer = Writer { link, publisher, clock, seq: 0, unsent: None, status: None };
    let mut pending: Vec<Folded> = Vec::new();
    let mut last_write = Instant::now();
    let mut every = tokio::time::interval(PUBLISH_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            item = folds.recv() => match item {
                None => return,
                Some(Publish::Folded(folded)) => pending.push(folded),
                Some(Publish::Full(full)) => {
                    // The full snapshot follows every fold before it: those go out first, as a delta of their own.
                    let sent = writer.flush(&mut pending, &report).await;
                    if sent {
                        let (data, feeds, clock) = *full;
                        let outcome = writer.full(data, feeds, clock).await;
                        writer.said(outcome, &report);
                        last_write = Instant::now();
                    }
                }
            },
            _ = every.tick() => {
                if !pending.is_empty() || writer.unsent.is_some() || last_write.elapsed() >= HEARTBEAT {
                    writer.flush(&mut pending, &report).await;
                    last_write = Instant::now();
                }
            }
        }
    }
}

struct Writer {
    link: StreamLink,
    publisher: Publisher,
    clock: Clock,
    /// The last delta's number.
    seq: u64,
    /// A delta whose write failed: written again, as it is, before any other.
    unsent: Option<Delta>,
    status: PublishStatus,
}

impl Writer {
    fn stamp(&self, seq: u64, clock: DateTime<Utc>) -> Stamp {
        Stamp { format: FORMAT, seq, published: Utc::now(), clock, publisher: self.publisher.clone() }
    }

    /// Writes the unsent delta, then `pending` as the next one (empty: a heartbeat). True when nothing is left
    /// unsent.
    async fn flush(&mut self, pending: &mut Vec<Folded>, report: &impl Fn(PublishStatus)) -> bool {
        if let Some(delta) = self.unsent.take() {
            let outcome = self.put(&self.link.delta_key(&self.publisher.name, delta.stamp.seq), &delta).await;
            let failed = outcome.is_err();
            self.said(outcome, report);
            if failed {
                self.unsent = Some(delta);
                return false;
            }
        }
        self.seq += 1;
        let delta = Delta { stamp: self.stamp(self.seq, (self.clock)()), folded: std::mem::take(pending) };
        let outcome = self.put(&self.link.delta_key(&self.publisher.name, self.seq), &delta).await;
        let failed = outcome.is_err();
        self.said(outcome, report);
        if failed {
            self.unsent = Some(delta);
        }
        !failed
    }

    async fn full(&self, data: Data, feeds: [FeedHealth; 3], clock: DateTime<Utc>) -> Result<(), AwsError> {
        let full = Full { stamp: self.stamp(self.seq, clock), data, feeds };
        self.put(&self.link.full_key(&self.publisher.name), &full).await
    }

    async fn put(&self, key: &str, record: &impl serde::Serialize) -> Result<(), AwsError> {
        let body = serde_json::to_vec(record).map_err(|e| AwsError {
            action: "s3:PutObject",
            kind: crate::aws::AwsErrorKind::Other,
            code: None,
            message: format!("the record could not be written as JSON: {e}"),
        })?;
        self.link
            .s3
            .put_object()
            .bucket(&self.link.bucket)
            .key(key)
            .content_type("application/json")
            .body(body.into())
            .send()
            .await
            .map_err(|e| aws_error("s3:PutObject", e))?;
        Ok(())
    }

    fn said(&mut self, outcome: Result<(), AwsError>, report: &impl Fn(PublishStatus)) {
        let status = outcome.err().map(|e| format!("{e} (publishing to {})", self.link.place()));
        if status != self.status {
            report(status.clone());
            self.status = status;
        }
    }
}
