//! The follower: finds the publisher's stream, starts from its full snapshot and reads the deltas after it one by
//! one, by name, with `If-None-Match`, reporting each fold in the publisher's order. A gap (the follower fell
//! more than the ring behind) or a new publishing session starts it over from the full snapshot.

use std::collections::HashMap;

use aws_sdk_s3::operation::get_object::GetObjectError;
use chrono::Utc;
use warroom_core::follow::{self, Folded, Following, Full};
use warroom_core::state::Msg;

use super::followed::Anchor;
use super::{READ_EVERY, SLOTS, StreamLink};
use crate::aws::{AwsError, aws_error};

/// What the follower tells the loop.
#[derive(Debug)]
pub enum FollowEvent {
    /// The publisher's full snapshot: the data to start from.
    Full(Box<Full>),
    /// One of the publisher's folds, in its order.
    Folded(Folded),
    /// How the last read went: whom it follows, how far behind, or why it failed.
    Following(Following),
}

impl FollowEvent {
    /// The message the loop folds for it. The follower's own lines (its notes, back through the war room and the
    /// publisher) are dropped: they are on its screen already. Shared lines still need placing on the
    /// follower's clock (`App::placed`).
    pub fn into_msg(self, own_session: &str) -> Msg {
        match self {
            FollowEvent::Full(full) => Msg::Full(full),
            FollowEvent::Folded(Folded::Telemetry { feed, result }) => Msg::Telemetry { feed, result },
            FollowEvent::Folded(Folded::Shared(mut lines)) => {
                lines.retain(|l| l.session_id.as_deref() != Some(own_session));
                Msg::Shared(lines)
            }
            FollowEvent::Folded(Folded::Verified(verified)) => Msg::Verified(verified),
            FollowEvent::Following(following) => Msg::Following(following),
        }
    }
}

/// Deltas read in one go when catching up, before reporting and sleeping.
const CATCH_UP: usize = 30;

/// What a GET found.
enum Got {
    /// The object, and its ETag.
    Body(Vec<u8>, Option<String>),
    /// Not written yet (404), or unchanged since the ETag given (304).
    Nothing,
}

/// Follows `name` (`operator@host`; empty: the publisher whose full snapshot is newest) on `link` until the
/// receiver of `report` is gone (`report` returns false). `anchor` is kept at the newest record's clock.
pub async fn follow(link: StreamLink, name: String, anchor: Anchor, report: impl Fn(FollowEvent) -> bool) {
    let mut reader = Reader { link, name, session: None, next: 0, etags: HashMap::new(), published: None };
    loop {
        let outcome = reader.read(&anchor, &report).await;
        let following = Following {
            publisher: if reader.name.is_empty() { "the latest publisher".to_string() } else { reader.name.clone() },
            published: reader.published,
            checked: Utc::now(),
            error: outcome.err(),
        };
        if !report(FollowEvent::Following(following)) {
            return;
        }
        tokio::time::sleep(READ_EVERY).await;
    }
}

struct Reader {
    link: StreamLink,
    /// Whom: `operator@host`, empty until found.
    name: String,
    /// The publishing session followed; `None` until a full snapshot is read (then one is read first).
    session: Option<String>,
    /// The next delta's number.
    next: u64,
    /// Each ring slot's ETag when last read, for `If-None-Match`.
    etags: HashMap<u64, String>,
    /// The newest record's publication time.
    published: Option<chrono::DateTime<Utc>>,
}

impl Reader {
    /// One round: the publisher found, the full snapshot read if needed, then the deltas that are there.
    async fn read(&mut self, anchor: &Anchor, report: &impl Fn(FollowEvent) -> bool) -> Result<(), String> {
        if self.name.is_empty() {
            match self.latest().await.map_err(|e| e.to_string())? {
                Some(name) => self.name = name,
                None => return Err(format!("no dashboard publishes to {} yet", self.link.place())),
            }
        }
        if self.session.is_none() {
            let key = self.link.full_key(&self.name);
            let Got::Body(bytes, _) = self.get(&key, None).await.map_err(|e| e.to_string())? else {
                // Not published yet: the header says whom it waits for.
                return Ok(());
            };
            let full = follow::read_full(&bytes).map_err(|e| format!("s3://{}/{key}: {e}", self.link.bucket))?;
            self.session = Some(full.stamp.publisher.session_id.clone());
            self.next = full.stamp.seq + 1;
            self.etags.clear();
            self.saw(&full.stamp, anchor);
            if !report(FollowEvent::Full(Box::new(full))) {
                return Ok(());
            }
        }
        for _ in 0..CATCH_UP {
            let key = self.link.delta_key(&self.name, self.next);
            let slot = self.next % SLOTS;
            let Got::Body(bytes, etag) =
                self.get(&key, self.etags.get(&slot).cloned()).await.map_err(|e| e.to_string())?
            else {
                return Ok(());
            };
            if let Some(etag) = etag {
                self.etags.insert(slot, etag);
            }
            let delta = follow::read_delta(&bytes).map_err(|e| format!("s3://{}/{key}: {e}", self.link.bucket))?;
            if Some(&delta.stamp.publisher.session_id) != self.session.as_ref() {
                // The publisher restarted (its numbering with it): start over from its full snapshot.
                if delta.stamp.published > self.published.unwrap_or_default() {
                    self.session = None;
                }
                return Ok(());
            }
            if delta.stamp.seq < self.next {
                // The slot still holds the delta a ring ago: the next one is not written yet.
                return Ok(());
            }
            if delta.stamp.seq > self.next {
                // More than the ring behind: what was missed is only in the full snapshot.
                self.session = None;
                return Ok(());
            }
            self.next += 1;
            self.saw(&delta.stamp, anchor);
            for folded in delta.folded {
                if !report(FollowEvent::Folded(folded)) {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    fn saw(&mut self, stamp: &follow::Stamp, anchor: &Anchor) {
        self.published = Some(self.published.map_or(stamp.published, |p| p.max(stamp.published)));
        self.name = stamp.publisher.name.clone();
        anchor.set(stamp);
    }

    /// The publisher whose full snapshot was written last (one ListObjectsV2 page of the prefix).
    async fn latest(&self) -> Result<Option<String>, AwsError> {
        let page = self
            .link
            .s3
            .list_objects_v2()
            .bucket(&self.link.bucket)
            .prefix(&self.link.prefix)
            .send()
            .await
            .map_err(|e| aws_error("s3:ListObjectsV2", e))?;
        let newest = page
            .contents()
            .iter()
            .filter_map(|o| {
                Some((o.key()?.strip_prefix(&self.link.prefix)?.strip_suffix("/full.json")?, o.last_modified()?))
            })
            .max_by(|a, b| a.1.secs().cmp(&b.1.secs()).then(a.1.subsec_nanos().cmp(&b.1.subsec_nanos())));
        Ok(newest.map(|(name, _)| name.to_string()))
    }

    async fn get(&self, key: &str, etag: Option<String>) -> Result<Got, AwsError> {
        let answer = self.link.s3.get_object().bucket(&self.link.bucket).key(key).set_if_none_match(etag).send().await;
        match answer {
            Ok(object) => {
                let etag = object.e_tag().map(str::to_string);
                let bytes = object.body.collect().await.map_err(|e| AwsError {
                    action: "s3:GetObject",
                    kind: crate::aws::AwsErrorKind::Unreachable,
                    code: None,
                    message: format!("the answer's body broke off: {e}"),
                })?;
                Ok(Got::Body(bytes.to_vec(), etag))
            }
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                let missing = matches!(e.as_service_error(), Some(GetObjectError::NoSuchKey(_)));
                if missing || matches!(status, Some(304 | 404)) {
                    Ok(Got::Nothing)
                } else {
                    Err(aws_error("s3:GetObject", e))
                }
            }
        }
    }
}
