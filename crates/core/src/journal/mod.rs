//! The append-only JSON Lines journal: one line for each operation's intent (written before the call), one for
//! its outcome, and one per note or annotation. Each line is written with a single `write` and synced, so a crash
//! leaves whole lines behind. `tail` reads it back as it grows.

pub mod tail;

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{AliasMove, EventKind, Session, SessionKind, StreamAuthor, TimelineEvent, acting_as};
use crate::operation::{Op, OpPhase};

/// What a journal line records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// An operation about to be called (written before the call).
    Intent,
    /// How an operation ended (written after verification).
    Outcome,
    /// A note someone wrote in a dashboard.
    Note,
    /// A mark from outside the dashboard (`warroom annotate`, e.g. a CI/CD pipeline): a deploy, a migration.
    Annotation,
    /// A change a dashboard saw AWS make: an alias move two polls read (`parameters` is the `AliasMove`). A
    /// dashboard that joins later, or an export, learns the deploy history from it where CloudTrail is not read.
    Observed,
    /// A demo dashboard started, at its simulation's clock (`parameters` is `{"speed": simulated seconds per real
    /// second}`): where that simulated clock stands against the wall clock, so that another demo dashboard can
    /// join the run and an export can tell one run from the next. Live sessions share AWS's clock and write none.
    Opened,
    /// A demo dashboard ended: its run is over unless another of its dashboards is still open.
    Closed,
}

/// What an annotation marks; deploys and migrations go on the charts like alias moves and take part in the
/// suspect ranking, notes only in the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum AnnotationKind {
    /// A deploy the alias history does not show (another service, a config push).
    Deploy,
    /// A schema or data migration.
    Migration,
    /// Anything else worth knowing.
    Note,
}

/// One line of the journal. The JSON field names are the file format: they do not change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Wall-clock time the line was written.
    pub time: DateTime<Utc>,
    /// The dashboard's clock at that moment (the simulated clock in a demo session).
    pub clock: DateTime<Utc>,
    /// Who wrote it and how (`operator`, `mode`, `read_only`).
    #[serde(flatten)]
    pub session: Session,
    /// What the line records.
    pub kind: EntryKind,
    /// An operation's id, the same on its intent and its outcome: `<session id>-<n>`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub op_id: Option<String>,
    /// The operation's name (`rollback`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub operation: Option<String>,
    /// The resource acted on, or the one an annotation is about.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub target: Option<String>,
    /// The operation with all its parameters (an `Op` as JSON).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub parameters: Option<serde_json::Value>,
    /// The exact API call (`Op::api_call`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub api_call: Option<String>,
    /// For outcomes: succeeded, failed, refused, outcome unknown (`OpPhase::label`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub result: Option<String>,
    /// What the service answered, what verification saw, or the note's text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub text: Option<String>,
    /// The dashboard session (or `annotate` run) that wrote the line: a dashboard skips its own lines when it
    /// reads the journal back, and shows everyone else's.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub session_id: Option<String>,
    /// For annotations: what they mark.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub annotation: Option<AnnotationKind>,
    /// The AWS principal the session's calls were signed as (STS GetCallerIdentity's `Arn`), which on a shared
    /// bastion says who acted where the local `operator` name (`ec2-user`) cannot; `None` in a demo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub principal: Option<String>,
    /// Where an operation's resource is (account, region, and its name there): a session watching other
    /// targets, or one account alone, finds the resource under its own name (`Data::place_of`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub place: Option<crate::model::Place>,
    /// Who the war room says wrote the line: the author its stream is named after, which IAM checked when the
    /// line was put (`StreamAuthor`). Set by the war room's reader, never written; `None` for a local line.
    #[serde(skip)]
    pub stream_author: Option<StreamAuthor>,
}

impl JournalEntry {
    /// An entry written now, with only what every kind has; callers fill in the rest.
    pub fn new(session: &Session, clock: DateTime<Utc>, kind: EntryKind) -> JournalEntry {
        JournalEntry {
            time: Utc::now(),
            clock,
            session: session.clone(),
            kind,
            op_id: None,
            operation: None,
            target: None,
            parameters: None,
            api_call: None,
            result: None,
            text: None,
            session_id: None,
            annotation: None,
            principal: None,
            place: None,
            stream_author: None,
        }
    }

    /// Who wrote the line, as the timeline and the export name them: the operator, and the AWS principal when
    /// known (`alice as assumed-role/OnCall/alice`). A war-room line names the author IAM checked instead
    /// (`ec2-user as IAM user alice`), or is marked `(unverified)` first when its stream's name could not be checked.
    pub fn author(&self) -> String {
        match &self.stream_author {
            Some(a) if a.is_verified() => format!("{} as {}", self.session.operator, a.label()),
            // The mark first: the timeline cuts the actor short.
            Some(_) => format!("(unverified) {}", acting_as(&self.session.operator, self.principal.as_deref())),
            None => acting_as(&self.session.operator, self.principal.as_deref()),
        }
    }

    /// A note, at the dashboard's `clock`.
    pub fn note(session: &Session, clock: DateTime<Utc>, text: String) -> JournalEntry {
        JournalEntry { text: Some(text), ..JournalEntry::new(session, clock, EntryKind::Note) }
    }

    /// `warroom annotate`: a deploy, migration or note about `resource`, marked at `clock` (now, live; the
    /// simulated clock for a demo session).
    pub fn annotation(
        session: &Session,
        clock: DateTime<Utc>,
        kind: AnnotationKind,
        resource: Option<String>,
        text: String,
    ) -> JournalEntry {
        JournalEntry {
            annotation: Some(kind),
            target: resource,
            text: Some(text),
            ..JournalEntry::new(session, clock, EntryKind::Annotation)
        }
    }

    /// A demo dashboard's start (`Opened`, with its simulation's `speed`) or end (`Closed`), at its simulated
    /// `clock`.
    pub fn demo_session(session: &Session, clock: DateTime<Utc>, kind: EntryKind, speed: f64) -> JournalEntry {
        JournalEntry {
            parameters: (kind == EntryKind::Opened).then(|| serde_json::json!({ "speed": speed })),
            ..JournalEntry::new(session, clock, kind)
        }
    }

    /// The simulation's speed an `Opened` line records (simulated seconds per real second).
    pub fn demo_speed(&self) -> Option<f64> {
        let speed = self.parameters.as_ref()?.get("speed")?.as_f64()?;
        (self.kind == EntryKind::Opened && speed > 0.0).then_some(speed)
    }

    /// An alias move a dashboard saw, at `clock`.
    pub fn observed_move(session: &Session, clock: DateTime<Utc>, moved: &AliasMove) -> JournalEntry {
        JournalEntry {
            target: Some(moved.function.clone()),
            parameters: serde_json::to_value(moved).ok(),
            text: Some(moved.text()),
            ..JournalEntry::new(session, clock, EntryKind::Observed)
        }
    }

    /// The alias move the line records: one a dashboard observed, or the one a rollback's outcome verified
    /// ("from 2 to 1", by its author, at the outcome's clock: `alias_moves` dates it at its intent, the call's
    /// time, when it has that line). `None` for every other line.
    pub fn alias_move(&self) -> Option<AliasMove> {
        match self.kind {
            EntryKind::Observed => self.parameters.clone().and_then(|p| serde_json::from_value(p).ok()),
            EntryKind::Outcome if self.result.as_deref() == Some(OpPhase::Succeeded.label()) => {
                self.op()?.alias_move(self.clock, self.author())
            }
            _ => None,
        }
    }

    /// The operation an intent or outcome line is about, read back from its parameters.
    pub fn op(&self) -> Option<Op> {
        self.parameters.clone().and_then(|p| serde_json::from_value(p).ok())
    }

    /// How another session's line shows in this dashboard's timeline: annotations as the deploys and changes
    /// they mark, notes as notes, operations as who did what and how it ended.
    pub fn timeline_event(&self) -> Option<TimelineEvent> {
        // The text names the operator; the actor (the timeline's "by", the export's "who") adds the principal.
        let who = self.session.operator.clone();
        let op = || self.op().map(|op| op.summary());
        let (kind, text) = match (self.kind, self.annotation) {
            (EntryKind::Annotation, Some(AnnotationKind::Deploy)) => (EventKind::Deploy, self.text.clone()?),
            (EntryKind::Annotation, Some(AnnotationKind::Migration)) => (EventKind::Change, self.text.clone()?),
            (EntryKind::Annotation, _) | (EntryKind::Note, _) => (EventKind::Note, self.text.clone()?),
            (EntryKind::Intent, _) => (self.op()?.timeline_kind(false), format!("{who}: {} started", op()?)),
            (EntryKind::Outcome, _) => {
                let kind = self.op()?.timeline_kind(true);
                (kind, format!("{who}: {} {}", op()?, self.result.as_deref().unwrap_or("ended")))
            }
            // A move goes through `alias_move`, merged with every other record of it.
            (EntryKind::Observed, _) => return None,
            // Where a demo's clock stood, for joining and exporting: nothing happened.
            (EntryKind::Opened | EntryKind::Closed, _) => return None,
        };
        Some(TimelineEvent { at: self.clock, kind, resource: self.target.clone(), text, actor: Some(self.author()) })
    }
}

/// Reads alias moves from journal lines as they come (the dashboard's tail, the war room, an export): an
/// operation's intent is remembered, so its outcome's move is dated at the intent — when the call was made, as
/// CloudTrail dates it — rather than when verification ended.
#[derive(Debug, Clone, Default)]
pub struct MoveReader {
    /// Intents read so far, by op id: when each call was made.
    intents: std::collections::BTreeMap<String, DateTime<Utc>>,
}

impl MoveReader {
    /// The alias move `line` records, if it records one (see `JournalEntry::alias_move`).
    pub fn read(&mut self, line: &JournalEntry) -> Option<AliasMove> {
        if let (EntryKind::Intent, Some(id)) = (line.kind, &line.op_id) {
            self.intents.insert(id.clone(), line.clock);
        }
        let mut moved = line.alias_move()?;
        if moved.place.is_none() {
            moved.place = line.place.clone();
        }
        if let Some(called) = line.op_id.as_ref().and_then(|id| self.intents.get(id)) {
            moved.at = *called;
        }
        Some(moved)
    }
}

/// Every alias move `lines` record, a rollback's dated at its intent.
pub fn alias_moves(lines: &[JournalEntry]) -> Vec<AliasMove> {
    let mut reader = MoveReader::default();
    lines.iter().filter_map(|line| reader.read(line)).collect()
}

/// Why the journal at `path` cannot be opened, in words an engineer acts on: which part of the path is in the
/// way ("its parent is not a directory"), or what the system refused; the system's own message otherwise.
pub fn why_unopenable(path: &Path, error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let blocker = path.ancestors().skip(1).find(|p| p.exists() && !p.is_dir() && !p.as_os_str().is_empty());
    let words = match (blocker, error.kind()) {
        (Some(file), _) if Some(file) == path.parent() => "its parent is not a directory".to_string(),
        (Some(file), _) => format!("{} is not a directory", file.display()),
        (None, _) if path.is_dir() => "it is a directory".to_string(),
        (None, ErrorKind::PermissionDenied) => "permission denied: you cannot write it or its folder".to_string(),
        (None, ErrorKind::ReadOnlyFilesystem) => "its file system is read-only".to_string(),
        (None, ErrorKind::StorageFull) => "its disk is full".to_string(),
        _ => return format!("journal {}: {error}", path.display()),
    };
    format!("journal {}: {words}", path.display())
}

/// Operations whose intent was journaled but whose outcome never was — the session ended (an SSH drop, a
/// kill) while the call was in flight — among `kind`'s lines written since `since`.
pub fn unfinished(entries: &[JournalEntry], kind: SessionKind, since: DateTime<Utc>) -> Vec<JournalEntry> {
    entries
        .iter()
        .filter(|e| e.kind == EntryKind::Intent && e.session.kind == kind && e.time >= since && e.op_id.is_some())
        .filter(|i| !entries.iter().any(|o| o.kind == EntryKind::Outcome && o.op_id == i.op_id))
        .cloned()
        .collect()
}

/// A `kill -9` can stop a write part-way (the kernel checks for fatal signals between pages), leaving the
/// file ending inside a line. That fragment is cut off, so the next line starts on a line of its own. What it
/// loses is harmless: a torn intent means the call was never made (the call follows the intent), and a torn
/// outcome leaves an intent without one, which the next start shows as "outcome unknown" and re-reads.
fn repair_torn_tail(path: &Path) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        // A device or a pipe (say /dev/null for a throwaway session) has no tail to repair.
        return Ok(());
    }
    let len = meta.len();
    let mut end = len;
    let mut chunk = vec![0u8; 64 * 1024];
    while end > 0 {
        let start = end.saturating_sub(chunk.len() as u64);
        let buf = &mut chunk[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(buf)?;
        if let Some(i) = buf.iter().rposition(|b| *b == b'\n') {
            let keep = start + i as u64 + 1;
            if keep < len {
                file.set_len(keep)?;
                file.sync_data()?;
            }
            return Ok(());
        }
        end = start;
    }
    // No newline at all: the only line there is torn.
    if len > 0 {
        file.set_len(0)?;
        file.sync_data()?;
    }
    Ok(())
}

/// Called with every line once it is safely in the file: the war room's queue.
pub type Mirror = Box<dyn Fn(&JournalEntry) + Send + Sync>;

/// An open journal file, appended to by one session (operations from their tasks, notes from theirs).
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    /// The AWS principal this session signs its calls as, stamped on every line it writes.
    principal: Option<String>,
    /// The war room's queue: every line written here is also sent there (never instead, never first).
    mirror: Option<Mirror>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.path).field("mirrored", &self.mirror.is_some()).finish()
    }
}

impl Journal {
    /// Opens (creating the directory and file if needed) for appending, first cutting off a line a killed
    /// writer left half-written. Errors are the file system's.
    pub fn open(path: &Path) -> std::io::Result<Journal> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        repair_torn_tail(path)?;
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        // Notes can carry customer details and a bastion is shared: a new journal is its owner's alone. An existing
        // one (shared on purpose) keeps the mode its owner gave it.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path)?;
        Ok(Journal { path: path.to_path_buf(), file: Mutex::new(file), principal: None, mirror: None })
    }

    /// Stamps every line this session writes with the AWS principal its calls are signed as.
    pub fn with_principal(mut self, principal: Option<String>) -> Journal {
        self.principal = principal;
        self
    }

    /// Also hands every line to `mirror`, after it is safely in the local file.
    pub fn with_mirror(mut self, mirror: Mirror) -> Journal {
        self.mirror = Some(mirror);
        self
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line and syncs it to disk. Blocks on the fsync (milliseconds, more on a busy disk): call it
    /// off the event loop. Errors are the file system's; the line was then not written (or not durably).
    pub fn append(&self, entry: &JournalEntry) -> std::io::Result<()> {
        let stamped;
        let entry = match (&self.principal, &entry.principal) {
            (Some(p), None) => {
                stamped = JournalEntry { principal: Some(p.clone()), ..entry.clone() };
                &stamped
            }
            _ => entry,
        };
        let mut line = serde_json::to_vec(entry)?;
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(&line)?;
        file.sync_data()?;
        if let Some(mirror) = &self.mirror {
            mirror(entry);
        }
        Ok(())
    }

    /// Every whole, readable line of a journal file; lines that are not journal entries are skipped.
    pub fn read_all(path: &Path) -> std::io::Result<Vec<JournalEntry>> {
        let text = std::fs::read_to_string(path)?;
        Ok(text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(kind: SessionKind) -> Session {
        Session { operator: "alice".into(), kind, read_only: false }
    }

    #[test]
    fn appends_whole_lines() {
        let dir = std::env::temp_dir().join(format!("warroom-journal-{}", std::process::id()));
        let path = dir.join("nested/journal.jsonl");
        let journal = Journal::open(&path).expect("open");
        let entry = JournalEntry::note(&session(SessionKind::Demo), Utc::now(), "looking at core-db".into());
        journal.append(&entry).expect("append");
        journal.append(&entry).expect("append");
        let back = Journal::read_all(&path).expect("read");
        assert_eq!(back, vec![entry.clone(), entry]);
        let text = std::fs::read_to_string(&path).expect("text");
        assert!(text.contains("\"operator\":\"alice\",\"mode\":\"demo\",\"read_only\":false"), "{text}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_war_room_line_names_the_author_iam_checked_not_the_one_it_claims() {
        let mut ec2_user = session(SessionKind::Live);
        ec2_user.operator = "ec2-user".into();
        let mut line = JournalEntry::note(&ec2_user, Utc::now(), "rebooted".into());
        line.principal = Some("arn:aws:iam::123456789012:user/bob".into());
        line.stream_author = Some(StreamAuthor::IamUser("alice".into()));
        assert_eq!(line.timeline_event().and_then(|e| e.actor).as_deref(), Some("ec2-user as IAM user alice"));
        line.stream_author = Some(StreamAuthor::Unverified("ec2-user".into()));
        assert_eq!(line.author(), "(unverified) ec2-user as user/bob");
        let written = serde_json::to_string(&line).expect("json");
        assert!(!written.contains("stream_author"), "the reader's finding is never written: {written}");
    }

    #[test]
    fn a_new_journal_is_its_owners_alone_and_every_line_names_the_aws_principal() {
        let dir = std::env::temp_dir().join(format!("warroom-journal-principal-{}", std::process::id()));
        let path = dir.join("journal.jsonl");
        let arn = "arn:aws:sts::123456789012:assumed-role/OnCall/alice";
        let journal = Journal::open(&path).expect("open").with_principal(Some(arn.into()));
        let mut ec2_user = session(SessionKind::Live);
        ec2_user.operator = "ec2-user".into();
        journal.append(&JournalEntry::note(&ec2_user, Utc::now(), "rolled back".into())).expect("append");
        let back = Journal::read_all(&path).expect("read");
        assert_eq!(back[0].principal.as_deref(), Some(arn));
        let shown = back[0].timeline_event().expect("event");
        assert_eq!(shown.actor.as_deref(), Some("ec2-user as assumed-role/OnCall/alice"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "created readable by its owner only");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).expect("chmod");
            drop(journal);
            Journal::open(&path).expect("reopen");
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o664, "a shared journal keeps the mode its owner gave it");
        }
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_journal_that_cannot_be_opened_says_why_in_words() {
        let dir = std::env::temp_dir().join(format!("warroom-why-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("plain-file");
        std::fs::write(&file, b"").expect("file");
        let path = file.join("journal.jsonl");
        let error = Journal::open(&path).expect_err("its parent is a file");
        let why = why_unopenable(&path, &error);
        assert_eq!(why, format!("journal {}: its parent is not a directory", path.display()));
        let deeper = file.join("logs").join("journal.jsonl");
        let error = Journal::open(&deeper).expect_err("an ancestor is a file");
        assert!(why_unopenable(&deeper, &error).ends_with(&format!("{} is not a directory", file.display())));
        let error = Journal::open(&dir).expect_err("a directory");
        assert!(why_unopenable(&dir, &error).contains("it is a directory"));
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn unfinished_means_an_intent_without_an_outcome() {
        let live = session(SessionKind::Live);
        let intent = |id: &str| JournalEntry {
            op_id: Some(id.into()),
            ..JournalEntry::new(&live, Utc::now(), EntryKind::Intent)
        };
        let done = JournalEntry { op_id: Some("a".into()), ..JournalEntry::new(&live, Utc::now(), EntryKind::Outcome) };
        let lines = vec![intent("a"), done, intent("b")];
        let hour_ago = Utc::now() - chrono::Duration::hours(1);
        let open = unfinished(&lines, SessionKind::Live, hour_ago);
        assert_eq!(open.iter().map(|e| e.op_id.as_deref()).collect::<Vec<_>>(), [Some("b")]);
        assert!(unfinished(&lines, SessionKind::Demo, hour_ago).is_empty(), "other kind");
        assert!(unfinished(&lines, SessionKind::Live, Utc::now() + chrono::Duration::hours(1)).is_empty(), "too old");
    }
}
