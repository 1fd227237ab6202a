//! The follower: finds the publisher's stream, starts from its full snapshot and reads the deltas after it one by
//! one, by name, with `If-None-Match`, reporting each fold in the publisher's order. A gap (the follower fell
//! more than the ring behind) or a new publishing session starts it over from the full snapshot.

use std::collections::HashMap;

use aws_sdk_s3::operation::get_object::GetObjectError;
use chrono::Utc;
use warroom_core::follow::{self, Folded, Following, Full, SharedLine};
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
            FollowEvent::Folded(Folded::Shared(lines)) => {
                let lines = lines.into_iter().map(SharedLine::into_entry);
                Msg::Shared(lines.filter(|l| l.session_id.as_deref() != Some(own_session)).collect())
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

/// Follows `name` (`operator@host`; `None`: the publisher whose full snapshot is newest) on `link` until the
/// receiver of `report` is gone (`report` returns false). `anchor` is kept at the newest record's clock.
pub async fn follow(link: StreamLink, name: Option<String>, anchor: Anchor, report: impl Fn(FollowEvent) -> bool) {
    let since = Utc::now();
    let mut reader = Reader {
        link,
        name,
        session: None,
        next: 0,
        etags: HashMap::new(),
        published: None,
        received: None,
        full_etag: None,
        full_from: 0,
    };
    loop {
        let outcome = reader.read(&anchor, &report).await;
        let following = Following {
            publisher: reader.name.clone().unwrap_or_else(|| LATEST.to_string()),
            published: reader.published,
            received: reader.received,
            since,
            checked: Utc::now(),
            error: outcome.err(),
        };
        if !report(FollowEvent::Following(following)) {
            return;
        }
        tokio::time::sleep(READ_EVERY).await;
    }
}

/// Whom a follower follows before it has found who published last.
pub const LATEST: &str = "the latest publisher";

/// Without a new delta for this long (two heartbeats), the full snapshot is looked at again: a publisher that
/// restarted under the same name writes a new one at once, while its new deltas may take minutes to reach the
/// ring slot this follower waits on.
const STALLED: chrono::Duration = chrono::Duration::seconds(10);

/// Pages of ListObjectsV2 read to find the latest publisher (1,000 keys a page, 121 a publisher).
const LIST_PAGES: usize = 10;

struct Reader {
    link: StreamLink,
    /// Whom: `operator@host`; `None` until found.
    name: Option<String>,
    /// The publishing session followed; `None` until a full snapshot is read (then one is read first).
    session: Option<String>,
    /// The next delta's number.
    next: u64,
    /// Each ring slot's ETag when last read, for `If-None-Match`.
    etags: HashMap<u64, String>,
    /// The newest record's publication time (the publisher's clock).
    published: Option<chrono::DateTime<Utc>>,
    /// When that record was read (this follower's clock).
    received: Option<chrono::DateTime<Utc>>,
    /// The full snapshot's ETag when last read, for `If-None-Match`.
    full_etag: Option<String>,
    /// The oldest full snapshot worth taking: after a delta that says folds were lost, one written after it.
    full_from: u64,
}

impl Reader {
    /// One round: the publisher found, the full snapshot read if needed (or looked at again when the deltas
    /// stalled), then the deltas that are there.
    async fn read(&mut self, anchor: &Anchor, report: &impl Fn(FollowEvent) -> bool) -> Result<(), String> {
        let name = match self.name.clone() {
            Some(name) => name,
            None => match self.latest().await.map_err(|e| e.to_string())? {
                Some(name) => {
                    self.name = Some(name.clone());
                    name
                }
                None => return Err(format!("no dashboard publishes to {} yet", self.link.place())),
            },
        };
        let stalled = self.received.is_some_and(|r| Utc::now() - r > STALLED);
        if (self.session.is_none() || stalled) && !self.full(&name, anchor, report).await? {
            return Ok(());
        }
        for _ in 0..CATCH_UP {
            let key = self.link.delta_key(&name, self.next);
            let slot = self.next % SLOTS;
            let etag = self.etags.get(&slot).cloned();
            let Got::Body(bytes, etag) = self.get(&key, etag).await.map_err(|e| e.to_string())? else {
                return Ok(());
            };
            if let Some(etag) = etag {
                self.etags.insert(slot, etag);
            }
            let delta = self.decode(&key, &bytes, follow::read_delta)?;
            if Some(&delta.stamp.publisher.session_id) != self.session.as_ref() || delta.stamp.seq < self.next {
                // Another session's (an earlier run's, or one whose full snapshot is not read yet), or this one's
                // a ring ago: the next delta is not written yet.
                return Ok(());
            }
            if delta.stamp.seq > self.next {
                // More than the ring behind: what was missed is only in the full snapshot.
                self.session = None;
                return Ok(());
            }
            if delta.lost {
                // The publisher dropped folds before this one: they are only in a full snapshot written after it.
                self.session = None;
                self.full_from = delta.stamp.seq;
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

    /// Reads the full snapshot (unless unchanged since the last read) and starts from it when it is one to start
    /// from: none taken yet, or a new publishing session's. False when there is none to start from yet.
    async fn full(
        &mut self,
        name: &str,
        anchor: &Anchor,
        report: &impl Fn(FollowEvent) -> bool,
    ) -> Result<bool, String> {
        let mut key = self.link.full_key(name);
        let mut got = self.get(&key, self.full_etag.clone()).await.map_err(|e| e.to_string())?;
        if matches!(got, Got::Nothing) && self.session.is_none() && !self.link.prefix.ends_with(super::DEMO) {
            // Not a live dashboard's name: perhaps a demo's (a team exercise).
            let demo = self.link.demo();
            let demo_key = demo.full_key(name);
            if let Got::Body(bytes, etag) = self.get(&demo_key, None).await.map_err(|e| e.to_string())? {
                (self.link, key, got) = (demo, demo_key, Got::Body(bytes, etag));
            }
        }
        let Got::Body(bytes, etag) = got else {
            // Not published yet, or unchanged since it was read.
            return Ok(self.session.is_some());
        };
        self.full_etag = etag;
        let full = self.decode(&key, &bytes, follow::read_full)?;
        let session = &full.stamp.publisher.session_id;
        let restarted = self.session.as_ref().is_some_and(|s| s != session)
            && full.stamp.published > self.published.unwrap_or_default();
        if self.session.is_some() && !restarted {
            // The same session's, rewritten: the deltas carry on from where this follower is.
            return Ok(true);
        }
        if restarted {
            self.full_from = 0;
        }
        if full.stamp.seq < self.full_from {
            // Written before the folds the publisher lost: the next one, within `FULL_EVERY`, has them.
            return Ok(false);
        }
        self.session = Some(session.clone());
        self.next = full.stamp.seq + 1;
        self.etags.clear();
        self.saw(&full.stamp, anchor);
        Ok(report(FollowEvent::Full(Box::new(full))))
    }

    /// A stored record read with `read` (a delta or a full snapshot); an error names the object and what is wrong.
    fn decode<T>(
        &self,
        key: &str,
        stored: &[u8],
        read: fn(&[u8]) -> Result<T, follow::StreamError>,
    ) -> Result<T, String> {
        let json = super::unpack(stored).map_err(|e| format!("s3://{}/{key}: {e}", self.link.bucket))?;
        read(&json).map_err(|e| format!("s3://{}/{key}: {e}", self.link.bucket))
    }

    fn saw(&mut self, stamp: &follow::Stamp, anchor: &Anchor) {
        if self.published.is_none_or(|p| stamp.published >= p) {
            self.published = Some(stamp.published);
            self.received = Some(Utc::now());
        }
        self.name = Some(stamp.publisher.name.clone());
        anchor.set(stamp);
    }

    /// The live publisher whose full snapshot was written last (up to `LIST_PAGES` pages of ListObjectsV2), else
    /// the demo one (whose stream this follower then reads).
    async fn latest(&mut self) -> Result<Option<String>, AwsError> {
        if let Some(name) = Self::newest(&self.link).await? {
            return Ok(Some(name));
        }
        let demo = self.link.demo();
        let found = Self::newest(&demo).await?;
        if found.is_some() {
            self.link = demo;
        }
        Ok(found)
    }

    /// The publisher under `link`'s prefix whose full snapshot was written last (demo streams left out of a live
    /// prefix's).
    async fn newest(link: &StreamLink) -> Result<Option<String>, AwsError> {
        let mut newest: Option<(String, aws_sdk_s3::primitives::DateTime)> = None;
        let mut token = None;
        for _ in 0..LIST_PAGES {
            let page = link
                .s3
                .list_objects_v2()
                .bucket(&link.bucket)
                .prefix(&link.prefix)
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(|e| aws_error("s3:ListObjectsV2", e))?;
            for object in page.contents() {
                let full = object.key().and_then(|k| k.strip_prefix(&link.prefix)?.strip_suffix("/full.json.gz"));
                let full = full.filter(|name| !name.contains('/'));
                if let (Some(name), Some(modified)) = (full, object.last_modified())
                    && newest
                        .as_ref()
                        .is_none_or(|(_, n)| (modified.secs(), modified.subsec_nanos()) > (n.secs(), n.subsec_nanos()))
                {
                    newest = Some((name.to_string(), *modified));
                }
            }
            match page.next_continuation_token() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        Ok(newest.map(|(name, _)| name))
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
