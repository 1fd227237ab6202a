//! What a queue's consumers say: the error lines of each consumer function's CloudWatch Logs group (its
//! `LoggingConfig.LogGroup`, else `/aws/lambda/NAME`), read with FilterLogEvents on an error pattern, grouped
//! by fingerprint — the message with its numbers, ids and timestamps masked — so that 412 timeouts are one line
//! with a count. Memory is bounded: the newest `LINES_KEPT` lines and `GROUPS_KEPT` groups per consumer; the
//! counts stay exact when lines go.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};

/// Lines kept per consumer, newest: the log view's scrollback.
pub const LINES_KEPT: usize = 2000;

/// Groups kept per consumer; past it the one seen least recently goes.
pub const GROUPS_KEPT: usize = 200;

/// Event ids remembered per consumer to pass each line on once (the reads overlap to catch late delivery; the
/// telemetry's cursor passes each on once too, so this is the second guard).
const IDS_KEPT: usize = LINES_KEPT;

/// Stream names shared among kept lines; past this many the table starts again.
const STREAMS_SHARED: usize = 1000;

/// One log event (FilterLogEvents' `eventId`, `timestamp`, `logStreamName`, `message`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LogLine {
    /// When it was logged.
    pub at: DateTime<Utc>,
    /// `eventId`: unique within the group.
    pub id: String,
    /// The log stream (one per function instance).
    pub stream: String,
    /// The message, as logged.
    pub message: String,
}

impl LogLine {
    /// The message without the Lambda runtime's leading timestamp and request id (`runtime_text`).
    pub fn text(&self) -> String {
        runtime_text(&self.message)
    }
}

/// A message without the Lambda runtime's leading timestamp and request id, which every line has:
/// `2026-11-23T14:06:12.345Z 3f2a… ERROR canceling statement…` reads `ERROR canceling statement…`.
pub fn runtime_text(message: &str) -> String {
    let words: Vec<&str> = message.split_whitespace().collect();
    let skip = words.iter().take_while(|w| volatile(core(w)) && !w.is_empty()).count();
    words[skip.min(words.len())..].join(" ")
}

/// A line as a consumer keeps it for the log view: without its event id (its hash is remembered instead) and
/// with its stream's name shared among the lines of that stream. Most of a busy consumer's memory is these.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeptLine {
    /// When it was logged.
    pub at: DateTime<Utc>,
    /// Its place in the order lines arrived (a late line arrives after lines logged later).
    pub seq: u64,
    /// Its group (the fingerprint's hash).
    pub group: u64,
    /// The log stream.
    pub stream: Arc<str>,
    /// The message, as logged.
    pub message: Box<str>,
}

impl KeptLine {
    /// The message without the runtime's prefix (`runtime_text`).
    pub fn text(&self) -> String {
        runtime_text(&self.message)
    }
}

/// What kind of failure a line reports, for the verdict's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum ErrorKind {
    /// A timeout: the function's own ("Task timed out") or a query's ("statement timeout").
    Timeout,
    /// Throttling (Lambda's, or a downstream API's).
    Throttle,
    /// The connection to a dependency failed (refused, reset, not reachable).
    Connection,
    /// Any other error.
    Error,
}

impl ErrorKind {
    /// The kind a message reports, by its words.
    pub fn of(message: &str) -> ErrorKind {
        let m = message.to_ascii_lowercase();
        if m.contains("timed out") || m.contains("timeout") {
            ErrorKind::Timeout
        } else if m.contains("throttl") || m.contains("rate exceeded") || m.contains("too many requests") {
            ErrorKind::Throttle
        } else if m.contains("connection") || m.contains("could not connect") || m.contains("econnrefused") {
            ErrorKind::Connection
        } else {
            ErrorKind::Error
        }
    }

    /// "412 timeouts", "1 throttle", "3 connection errors".
    pub fn counted(self, n: u64) -> String {
        let (one, many) = match self {
            ErrorKind::Timeout => ("timeout", "timeouts"),
            ErrorKind::Throttle => ("throttle", "throttles"),
            ErrorKind::Connection => ("connection error", "connection errors"),
            ErrorKind::Error => ("error", "errors"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

/// Lines that are one error: the same message once numbers, ids and timestamps are masked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ErrorGroup {
    /// The fingerprint's hash: the kept lines name their group by it.
    pub key: u64,
    /// The masked message (`canceling statement due to statement timeout request_id=<id>`).
    pub fingerprint: String,
    /// The latest line's text, as a reader sees it.
    pub sample: String,
    /// What kind of failure it is.
    pub kind: ErrorKind,
    /// Lines folded in, all of them (not only those still kept); a group evicted and seen again starts over.
    pub count: u64,
    /// The earliest line's time.
    pub first: DateTime<Utc>,
    /// The latest line's time.
    pub last: DateTime<Utc>,
}

/// Whether a consumer's log group could be read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LogsAccess {
    /// Read: its lines are what the group holds.
    Read,
    /// The group does not exist (ResourceNotFoundException): the function has not logged yet, or its
    /// `LoggingConfig` names another group.
    NoGroup,
    /// The read failed: the error, beginning with the call (`logs:FilterLogEvents: AccessDeniedException: …`).
    Failed(String),
}

/// One consumer's error lines and their groups. Written without its two lookups (they are rebuilt when read
/// back, `ConsumerLogsWire`), so that the same logs always write the same JSON.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(from = "ConsumerLogsWire")]
pub struct ConsumerLogs {
    /// The log group read (`/aws/lambda/orders-consumer`).
    pub group: String,
    /// Whether it could be read; `None` before the first read.
    pub access: Option<LogsAccess>,
    /// The newest lines, oldest first, at most `LINES_KEPT`.
    pub lines: VecDeque<KeptLine>,
    /// Stream names, shared by the lines of each.
    #[serde(skip)]
    streams: HashMap<String, Arc<str>>,
    /// Lines folded in so far: the next line's `seq`.
    arrived: u64,
    /// The groups, at most `GROUPS_KEPT`.
    pub groups: Vec<ErrorGroup>,
    /// Event ids already folded in (hashed: 8 bytes each, not the id's 56 digits), oldest first, so an
    /// overlapping read passes each line on once.
    ids: VecDeque<u64>,
    /// `ids` as a set.
    #[serde(skip)]
    seen: HashSet<u64>,
}

/// `ConsumerLogs` as written (follow mode's full snapshot): the lookups are rebuilt from the lines and ids.
#[derive(serde::Deserialize)]
struct ConsumerLogsWire {
    group: String,
    access: Option<LogsAccess>,
    lines: VecDeque<KeptLine>,
    arrived: u64,
    groups: Vec<ErrorGroup>,
    ids: VecDeque<u64>,
}

impl From<ConsumerLogsWire> for ConsumerLogs {
    fn from(w: ConsumerLogsWire) -> ConsumerLogs {
        let streams = w.lines.iter().map(|l| (l.stream.to_string(), l.stream.clone())).collect();
        let seen = w.ids.iter().copied().collect();
        ConsumerLogs {
            group: w.group,
            access: w.access,
            lines: w.lines,
            streams,
            arrived: w.arrived,
            groups: w.groups,
            ids: w.ids,
            seen,
        }
    }
}

/// One group's lines within a window, counted from the kept lines.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WindowCount {
    /// The group's latest text.
    pub sample: String,
    /// What kind of failure.
    pub kind: ErrorKind,
    /// Lines in the window.
    pub count: u64,
    /// Whether lines of the window may have left the buffer already: the count is then a floor.
    pub at_least: bool,
    /// The window's first and last line of the group.
    pub first: DateTime<Utc>,
    /// See `first`.
    pub last: DateTime<Utc>,
}

impl WindowCount {
    /// "412 timeouts", or "2000+ timeouts" when lines may have left the buffer.
    pub fn counted(&self) -> String {
        let text = self.kind.counted(self.count);
        if self.at_least { text.replacen(' ', "+ ", 1) } else { text }
    }
}

/// An event id's hash (SipHash with fixed keys: the same in every run).
fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

impl ConsumerLogs {
    /// Folds in lines, each once (by event id), kept in time order.
    pub fn fold(&mut self, lines: Vec<LogLine>) {
        for line in lines {
            let id = id_hash(&line.id);
            if !self.seen.insert(id) {
                continue;
            }
            self.ids.push_back(id);
            if self.ids.len() > IDS_KEPT
                && let Some(old) = self.ids.pop_front()
            {
                self.seen.remove(&old);
            }
            let group = self.group_line(&line);
            // Room is made before the insert, so the buffer never grows past the cap (a deque doubles when full).
            if self.lines.len() >= LINES_KEPT {
                if self.lines.front().is_some_and(|oldest| line.at < oldest.at) {
                    continue;
                }
                self.lines.pop_front();
            }
            if self.streams.len() >= STREAMS_SHARED {
                self.streams.clear();
            }
            let stream = self.streams.entry(line.stream).or_insert_with_key(|name| Arc::from(name.as_str())).clone();
            let at = self.lines.partition_point(|l| l.at <= line.at);
            self.arrived += 1;
            let kept =
                KeptLine { at: line.at, seq: self.arrived, group, stream, message: line.message.into_boxed_str() };
            self.lines.insert(at, kept);
        }
    }

    /// Counts the line in its group (made when new); the group's key.
    fn group_line(&mut self, line: &LogLine) -> u64 {
        let text = line.text();
        let print = fingerprint(&text);
        let key = id_hash(&print);
        match self.groups.iter_mut().find(|g| g.key == key) {
            Some(g) => {
                g.count += 1;
                g.first = g.first.min(line.at);
                if line.at >= g.last {
                    g.last = line.at;
                    g.sample = text;
                }
            }
            None => {
                if self.groups.len() >= GROUPS_KEPT
                    && let Some(stalest) = self.groups.iter().enumerate().min_by_key(|(_, g)| g.last).map(|(i, _)| i)
                {
                    self.groups.remove(stalest);
                }
                self.groups.push(ErrorGroup {
                    key,
                    fingerprint: print,
                    kind: ErrorKind::of(&text),
                    sample: text,
                    count: 1,
                    first: line.at,
                    last: line.at,
                });
            }
        }
        key
    }

    /// Each group's lines logged in `[from, to]`, most first, counted from the kept lines.
    pub fn counts_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<WindowCount> {
        let at_least = self.lines.len() >= LINES_KEPT && self.lines.front().is_some_and(|l| l.at > from);
        let mut out: Vec<WindowCount> = Vec::new();
        let mut index: HashMap<u64, usize> = HashMap::new();
        for l in self.lines.iter().filter(|l| l.at >= from && l.at <= to) {
            if let Some(&i) = index.get(&l.group) {
                let c = &mut out[i];
                c.count += 1;
                c.last = c.last.max(l.at);
                continue;
            }
            let Some(g) = self.groups.iter().find(|g| g.key == l.group) else { continue };
            index.insert(l.group, out.len());
            out.push(WindowCount {
                sample: g.sample.clone(),
                kind: g.kind,
                count: 1,
                at_least,
                first: l.at,
                last: l.at,
            });
        }
        out.sort_by(|a, b| b.count.cmp(&a.count).then(b.last.cmp(&a.last)));
        out
    }

    /// The groups seen at or after `since`, most lines first.
    pub fn top_groups(&self, since: DateTime<Utc>) -> Vec<&ErrorGroup> {
        let mut out: Vec<&ErrorGroup> = self.groups.iter().filter(|g| g.last >= since).collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then(b.last.cmp(&a.last)));
        out
    }
}

/// A word's core: without the punctuation around it, and for `key=value` the value.
fn core(word: &str) -> &str {
    let word = word.rsplit_once('=').map_or(word, |(_, value)| value);
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

/// Whether a word is a number, an id or a timestamp: it has a digit and nothing but hex digits and the
/// separators such values are written with (`2026-11-23T14:06:12.345Z`, `3f2a9c1e-…`, `30.00`, `5432`).
fn volatile(word: &str) -> bool {
    !word.is_empty()
        && word.chars().any(|c| c.is_ascii_digit())
        && word.chars().all(|c| c.is_ascii_hexdigit() || matches!(c, '-' | ':' | '.' | 'T' | 'Z' | '_' | '/' | '+'))
}

/// `word` with each run of digits in it masked: `5000ms` → `<n>ms`, `ord_81234` → `ord_<n>`.
fn mask_digit_runs(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut in_digits = false;
    for c in word.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push_str("<n>");
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(c);
        }
    }
    out
}

/// The message with each number, id and timestamp masked (`<n>` for plain numbers and digit runs inside words,
/// `<id>` for ids and timestamps), white space made single: lines that differ only there are one error.
pub fn fingerprint(message: &str) -> String {
    message
        .split_whitespace()
        .map(|word| {
            let value = core(word);
            if !volatile(value) {
                return mask_digit_runs(word);
            }
            let mask = if value.chars().all(|c| c.is_ascii_digit() || c == '.') { "<n>" } else { "<id>" };
            word.replacen(value, mask, 1)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(second: i64, id: &str, message: &str) -> LogLine {
        let at = DateTime::from_timestamp(1_795_000_000 + second, 0).unwrap_or_default();
        LogLine { at, id: id.into(), stream: "2026/11/23/[$LATEST]abc".into(), message: message.into() }
    }

    #[test]
    fn numbers_ids_and_timestamps_are_masked() {
        assert_eq!(fingerprint("Task timed out after 30.00 seconds"), "Task timed out after <n> seconds");
        assert_eq!(
            fingerprint(
                "ERROR request_id=3f2a9c1e-77b1-4c1a-9d3e-0c5b1a2e9f10 order 81234 failed at 2026-11-23T14:06:12Z"
            ),
            "ERROR request_id=<id> order <n> failed at <id>"
        );
        assert_eq!(
            fingerprint("connection to \"core-db-1\" port 5432 refused"),
            "connection to \"core-db-<n>\" port <n> refused"
        );
        // Numbers inside words too: one error whatever the order id or the duration.
        assert_eq!(fingerprint("order ord_81234 took 5000ms"), fingerprint("order ord_7 took 120ms"));
        assert_eq!(fingerprint("order ord_81234 took 5000ms"), "order ord_<n> took <n>ms");
    }

    #[test]
    fn the_runtime_prefix_is_not_the_message() {
        let l = line(
            0,
            "1",
            "2026-11-23T14:06:12.345Z 3f2a9c1e-77b1-4c1a-9d3e-0c5b1a2e9f10 Task timed out after 30.00 seconds",
        );
        assert_eq!(l.text(), "Task timed out after 30.00 seconds");
    }

    /// Lines that differ in their numbers are one group with an exact count, first and last seen; an event id
    /// seen again (an overlapping read) is not counted twice; lines stay in time order whatever order they came.
    #[test]
    fn lines_group_by_fingerprint_once_each() {
        let mut logs = ConsumerLogs::default();
        logs.fold(vec![
            line(20, "b", "Task timed out after 30.00 seconds"),
            line(10, "a", "Task timed out after 29.98 seconds"),
            line(15, "c", "ERROR connection refused port 5432"),
        ]);
        logs.fold(vec![
            line(20, "b", "Task timed out after 30.00 seconds"),
            line(30, "d", "Task timed out after 30.01 seconds"),
        ]);
        let top = logs.top_groups(DateTime::<Utc>::MIN_UTC);
        assert_eq!(top[0].count, 3);
        assert_eq!(top[0].kind, ErrorKind::Timeout);
        assert_eq!(top[0].sample, "Task timed out after 30.01 seconds");
        assert_eq!((top[0].first, top[0].last), (line(10, "", "").at, line(30, "", "").at));
        assert_eq!(top[1].kind, ErrorKind::Connection);
        let order: Vec<&str> = logs.lines.iter().map(|l| &l.message[..10]).collect();
        assert_eq!(order, ["Task timed", "ERROR conn", "Task timed", "Task timed"]);
        assert_eq!(logs.lines.iter().map(|l| l.at).collect::<Vec<_>>(), [10, 15, 20, 30].map(|s| line(s, "", "").at));
        assert_eq!(ErrorKind::Timeout.counted(412), "412 timeouts");
    }

    /// A window's counts come from the lines logged in it, not the groups' totals.
    #[test]
    fn a_window_counts_its_own_lines() {
        let mut logs = ConsumerLogs::default();
        logs.fold(vec![
            line(10, "a", "Task timed out after 30.00 seconds"),
            line(20, "b", "Task timed out after 30.01 seconds"),
            line(30, "c", "ERROR connection refused port 5432"),
            line(40, "d", "ERROR connection refused port 5432"),
            line(50, "e", "ERROR connection refused port 5432"),
        ]);
        let at = |s: i64| line(s, "", "").at;
        let before = logs.counts_between(at(0), at(25));
        assert_eq!((before.len(), before[0].count, before[0].kind), (1, 2, ErrorKind::Timeout));
        assert_eq!(before[0].counted(), "2 timeouts");
        let all = logs.counts_between(at(0), at(60));
        assert_eq!((all[0].count, all[0].kind, all[0].first, all[0].last), (3, ErrorKind::Connection, at(30), at(50)));
    }

    /// However many lines arrive, a consumer keeps `LINES_KEPT` of them and the counts stay exact.
    #[test]
    fn memory_is_bounded_and_counts_stay_exact() {
        let mut logs = ConsumerLogs::default();
        let n = LINES_KEPT + 500;
        logs.fold((0..n).map(|i| line(i as i64, &i.to_string(), &format!("ERROR order {i} failed"))).collect());
        assert_eq!(logs.lines.len(), LINES_KEPT);
        assert_eq!(logs.groups.len(), 1);
        assert_eq!(logs.groups[0].count, n as u64);
        // Distinct words without digits: distinct groups.
        let word = |mut i: usize| {
            let mut w = String::new();
            loop {
                w.push(char::from(b'a' + (i % 26) as u8));
                i /= 26;
                if i == 0 {
                    return w;
                }
            }
        };
        for i in 0..GROUPS_KEPT + 10 {
            logs.fold(vec![line(100_000 + i as i64, &format!("g{i}"), &format!("ERROR {} failed", word(i)))]);
        }
        assert!(logs.groups.len() <= GROUPS_KEPT);
    }
}
