//! Follow mode on S3: an operating dashboard publishes what its loop folds (`warroom_core::follow`) to a bucket,
//! and `warroom --follow` dashboards read it instead of polling AWS, so fifty observers cost fifty small GETs a
//! second on one prefix (S3 serves 5,500 a second per prefix) rather than fifty dashboards' telemetry on the
//! account's shared quotas.
//!
//! Layout under `s3://<follow_bucket>/<follow_prefix><publisher>/`:
//! - `full.json.gz`: the whole of the publisher's data and feeds' health, rewritten every `FULL_EVERY`;
//! - `delta/<n % SLOTS>.json.gz`: delta `n`, a ring of `SLOTS` objects rewritten in turn, so the bucket holds a
//!   bounded stream and a follower reads the next delta by name (no LIST) with `If-None-Match` (a 304 when it
//!   has not been written yet costs no body).
//!
//! `publish` writes, `read` follows, `followed` is the follower's clock and location for the loop.

pub mod followed;
pub mod publish;
pub mod read;

use std::time::Duration;

/// Deltas kept in the ring: at one a second, two minutes, more than a full snapshot's period, so a follower that
/// missed a few reads catches up from the ring rather than starting over.
pub const SLOTS: u64 = 120;

/// How often the publisher writes a delta when it has folded something.
pub const PUBLISH_EVERY: Duration = Duration::from_secs(1);

/// How often the publisher writes an empty delta when it has folded nothing: its followers' proof it is there.
pub const HEARTBEAT: Duration = Duration::from_secs(5);

/// How often the publisher writes the full snapshot a follower starts from.
pub const FULL_EVERY: Duration = Duration::from_secs(30);

/// How often a follower reads the next delta.
pub const READ_EVERY: Duration = Duration::from_secs(1);

/// The segment under the prefix where demo dashboards publish.
pub const DEMO: &str = "demo/";

/// The default key prefix of the streams in the bucket.
pub const DEFAULT_PREFIX: &str = "warroom/follow/";

/// Where one publisher's stream is.
#[derive(Debug, Clone)]
pub struct StreamLink {
    /// The clients' S3 client (counted and paced with the rest).
    pub s3: aws_sdk_s3::Client,
    /// The bucket (`[journal] follow_bucket`).
    pub bucket: String,
    /// The key prefix of every stream (`[journal] follow_prefix`, default `DEFAULT_PREFIX`).
    pub prefix: String,
}

impl StreamLink {
    /// The key of `publisher`'s full snapshot.
    pub fn full_key(&self, publisher: &str) -> String {
        format!("{}{}/full.json.gz", self.prefix, key_safe(publisher))
    }

    /// The key of the ring slot delta `seq` is written to.
    pub fn delta_key(&self, publisher: &str, seq: u64) -> String {
        format!("{}{}/delta/{:03}.json.gz", self.prefix, key_safe(publisher), seq % SLOTS)
    }

    /// Where a demo dashboard publishes: under `demo/` in the prefix, so that a live incident's `--follow` never
    /// takes a demo for the on-call (it follows a demo only when no live dashboard publishes, or by its name).
    pub fn demo(&self) -> StreamLink {
        StreamLink { prefix: format!("{}{DEMO}", self.prefix), ..self.clone() }
    }

    /// `s3://bucket/prefix`, for messages.
    pub fn place(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }
}

/// What a follower reads: the publisher's stream, and the clock it keeps at the newest record.
pub struct FollowSource {
    /// The bucket and prefix.
    pub link: StreamLink,
    /// `operator@host`; `None`: whoever published last.
    pub name: Option<String>,
    /// The publisher's clock, shared with the follower's `Followed` telemetry.
    pub anchor: followed::Anchor,
}

/// Records larger than this once unpacked are refused: a stream is the follower's input, and it is bounded.
const UNPACKED_MAX: u64 = 512 * 1024 * 1024;

/// A record as stored: its JSON, gzipped (JSON of panes repeats itself: a tenth of the size or less).
pub fn pack(record: &impl serde::Serialize) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let json = serde_json::to_vec(record)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::with_capacity(json.len() / 8), flate2::Compression::fast());
    gz.write_all(&json)?;
    gz.finish()
}

/// A stored record's JSON, unzipped; refused past `UNPACKED_MAX`.
pub fn unpack(stored: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut json = Vec::new();
    flate2::read::GzDecoder::new(stored).take(UNPACKED_MAX + 1).read_to_end(&mut json)?;
    if json.len() as u64 > UNPACKED_MAX {
        return Err(std::io::Error::other(format!("larger than {} MiB unpacked", UNPACKED_MAX / 1024 / 1024)));
    }
    Ok(json)
}

/// A publisher's name as a key segment: letters, digits and `@._-` kept, anything else (a slash above all) `-`.
pub fn key_safe(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || "@._-".contains(c) { c } else { '-' }).collect()
}

/// This dashboard's name as a publisher: `operator@host`, the host from `$HOSTNAME` when set (shells rarely
/// export it, so tests and wrappers can), else gethostname(2).
pub fn publisher_name(operator: &str) -> String {
    let host = std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()).unwrap_or_else(hostname);
    format!("{operator}@{host}")
}

/// gethostname(2), or "localhost" when it fails.
fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its whole length, and gethostname writes at most that many bytes.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    match std::str::from_utf8(&buf[..end]) {
        Ok(host) if ok && !host.is_empty() => host.to_string(),
        _ => "localhost".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_stays_one_key_segment_and_deltas_ring() {
        assert_eq!(key_safe("alice@bastion-1.prod"), "alice@bastion-1.prod");
        assert_eq!(key_safe("a/b c"), "a-b-c");
        let conf =
            aws_sdk_s3::Config::builder().behavior_version(aws_sdk_s3::config::BehaviorVersion::latest()).build();
        let link = StreamLink { s3: aws_sdk_s3::Client::from_conf(conf), bucket: "b".into(), prefix: "p/".into() };
        assert_eq!(link.delta_key("a@h", 1), "p/a@h/delta/001.json.gz");
        assert_eq!(link.delta_key("a@h", SLOTS + 1), "p/a@h/delta/001.json.gz");
        assert_eq!(link.full_key("a@h"), "p/a@h/full.json.gz");
    }

    #[test]
    fn a_record_is_stored_gzipped_and_unpacks_to_its_json() {
        let record = serde_json::json!({"queues": vec!["orders"; 1000]});
        let stored = pack(&record).expect("packs");
        assert!(stored.len() * 10 < serde_json::to_vec(&record).expect("json").len(), "{} bytes", stored.len());
        let json = unpack(&stored).expect("unpacks");
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&json).expect("json"), record);
        assert!(unpack(b"not gzip").is_err());
    }
}
