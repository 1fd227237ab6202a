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
    /// The state after every fold sent before it.
    Full(Box<Snapshot>),
}

/// A copy of what the state's panes render from, for a full snapshot.
#[derive(Debug)]
pub struct Snapshot {
    /// Everything telemetry had said.
    pub data: Data,
    /// Each feed's health.
    pub feeds: [FeedHealth; 3],
    /// The dashboard clock.
    pub clock: DateTime<Utc>,
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
    let mut writer = Writer { link, publisher, clock, seq: 0, unsent: None, lost: false, status: None };
    let mut pending: Vec<Folded> = Vec::new();
    let mut last_write = Instant::now();
    let mut every = tokio::time::interval(PUBLISH_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            item = folds.recv() => match item {
                None => return,
                Some(Publish::Folded(folded)) => {
                    pending.push(folded);
                    writer.bound(&mut pending);
                }
                Some(Publish::Full(full)) => {
                    // The full snapshot follows every fold before it: those go out first, as a delta of their own.
                    let sent = writer.flush(&mut pending, &report).await;
                    if sent {
                        let outcome = writer.full(*full).await;
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

/// Folds kept while a delta waits to be written (an hour of a small account's polls, minutes of a big one's).
const KEPT_WHILE_FAILING: usize = 1000;

struct Writer {
    link: StreamLink,
    publisher: Publisher,
    clock: Clock,
    /// The last delta's number.
    seq: u64,
    /// A delta whose write failed: written again, as it is, before any other.
    unsent: Option<Delta>,
    /// Folds were dropped with no delta waiting to say so: the next one says it.
    lost: bool,
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
        let (folded, lost) = (std::mem::take(pending), std::mem::take(&mut self.lost));
        let delta = Delta { stamp: self.stamp(self.seq, (self.clock)()), folded, lost };
        let outcome = self.put(&self.link.delta_key(&self.publisher.name, self.seq), &delta).await;
        let failed = outcome.is_err();
        self.said(outcome, report);
        if failed {
            self.unsent = Some(delta);
        }
        !failed
    }

    /// While the bucket cannot be written, folds pile up: past `KEPT_WHILE_FAILING` they are dropped, and the
    /// delta waiting to be written says so (`Delta::lost`): followers take the next full snapshot instead.
    fn bound(&mut self, pending: &mut Vec<Folded>) {
        if pending.len() <= KEPT_WHILE_FAILING {
            return;
        }
        pending.clear();
        match &mut self.unsent {
            Some(delta) => {
                delta.folded.clear();
                delta.lost = true;
            }
            None => self.lost = true,
        }
    }

    async fn full(&self, snapshot: Snapshot) -> Result<(), AwsError> {
        let Snapshot { data, feeds, clock } = snapshot;
        let full = Full { stamp: self.stamp(self.seq, clock), data, feeds };
        self.put(&self.link.full_key(&self.publisher.name), &full).await
    }

    async fn put(&self, key: &str, record: &impl serde::Serialize) -> Result<(), AwsError> {
        let body = super::pack(record).map_err(|e| AwsError {
            action: "s3:PutObject",
            kind: crate::aws::AwsErrorKind::Other,
            code: None,
            message: format!("the record could not be written as gzipped JSON: {e}"),
        })?;
        self.link
            .s3
            .put_object()
            .bucket(&self.link.bucket)
            .key(key)
            .content_type("application/gzip")
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

#[cfg(test)]
mod tests {
    use super::*;
    use warroom_core::model::{Feed, SessionKind};

    fn writer() -> Writer {
        let conf =
            aws_sdk_s3::Config::builder().behavior_version(aws_sdk_s3::config::BehaviorVersion::latest()).build();
        let link = StreamLink { s3: aws_sdk_s3::Client::from_conf(conf), bucket: "b".into(), prefix: "p/".into() };
        let publisher = Publisher {
            name: "alice@bastion-1".into(),
            session_id: "s".into(),
            location: "l".into(),
            kind: SessionKind::Live,
            speed: 1.0,
        };
        Writer { link, publisher, clock: Arc::new(Utc::now), seq: 0, unsent: None, lost: false, status: None }
    }

    fn poll() -> Folded {
        Folded::Telemetry { feed: Feed::Fast, result: Ok(Vec::new()) }
    }

    #[test]
    fn folds_piling_up_behind_an_unwritable_bucket_are_dropped_and_the_waiting_delta_says_so() {
        let mut w = writer();
        let stamp = w.stamp(7, Utc::now());
        w.unsent = Some(Delta { stamp, folded: vec![poll()], lost: false });
        let mut pending: Vec<Folded> = (0..KEPT_WHILE_FAILING).map(|_| poll()).collect();
        w.bound(&mut pending);
        assert_eq!(pending.len(), KEPT_WHILE_FAILING, "kept up to the bound");
        pending.push(poll());
        w.bound(&mut pending);
        assert!(pending.is_empty());
        let waiting = w.unsent.as_ref().expect("still waiting to be written");
        assert!(waiting.lost && waiting.folded.is_empty(), "{waiting:?}");
        assert_eq!(waiting.stamp.seq, 7, "under its own number: followers meet no hole");
    }
}
