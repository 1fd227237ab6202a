//! The append-only JSON Lines journal: one line for each operation's intent (written before the call), one for
//! its outcome, and one per note. Each line is written with a single `write` and synced, so a crash leaves whole
//! lines behind.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{EventKind, TimelineEvent};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Intent,
    Outcome,
    Note,
    /// A mark from outside the dashboard (`warroom annotate`, e.g. a CI/CD pipeline): a deploy, a migration.
    Annotation,
}

/// What an annotation marks; deploys and migrations go on the charts like alias moves and take part in the
/// suspect ranking, notes only in the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum AnnotationKind {
    Deploy,
    Migration,
    Note,
}

/// Who wrote the journal and how: the same for every entry of one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub operator: String,
    /// "demo" or "live".
    pub mode: String,
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Wall-clock time the line was written.
    pub time: DateTime<Utc>,
    /// The dashboard's clock at that moment (the simulated clock in demo mode).
    pub clock: DateTime<Utc>,
    #[serde(flatten)]
    pub session: Session,
    pub kind: EntryKind,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub op_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub operation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub parameters: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub api_call: Option<String>,
    /// For outcomes: succeeded, failed, refused.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub result: Option<String>,
    /// What the service answered, what verification saw, or the note's text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub text: Option<String>,
    /// The dashboard session (or `annotate` run) that wrote the line: a dashboard skips its own lines when it
    /// reads the journal back, and shows everyone else's.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub session_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub annotation: Option<AnnotationKind>,
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
        }
    }

    pub fn note(session: &Session, clock: DateTime<Utc>, text: String) -> JournalEntry {
        JournalEntry { text: Some(text), ..JournalEntry::new(session, clock, EntryKind::Note) }
    }

    /// `warroom annotate`: a deploy, migration or note about `resource`, marked now.
    pub fn annotation(session: &Session, kind: AnnotationKind, resource: Option<String>, text: String) -> JournalEntry {
        JournalEntry {
            annotation: Some(kind),
            target: resource,
            text: Some(text),
            ..JournalEntry::new(session, Utc::now(), EntryKind::Annotation)
        }
    }

    /// The operation an intent or outcome line is about, read back from its parameters.
    pub fn op(&self) -> Option<crate::ops::Op> {
        self.parameters.clone().and_then(|p| serde_json::from_value(p).ok())
    }

    /// How another session's line shows in this dashboard's timeline: annotations as the deploys and changes
    /// they mark, notes as notes, operations as who did what and how it ended.
    pub fn timeline_event(&self) -> Option<TimelineEvent> {
        let who = self.session.operator.clone();
        let op = || self.op().map(|op| op.summary());
        let (kind, text) = match (self.kind, self.annotation) {
            (EntryKind::Annotation, Some(AnnotationKind::Deploy)) => (EventKind::Deploy, self.text.clone()?),
            (EntryKind::Annotation, Some(AnnotationKind::Migration)) => (EventKind::Change, self.text.clone()?),
            (EntryKind::Annotation, _) | (EntryKind::Note, _) => (EventKind::Note, self.text.clone()?),
            (EntryKind::Intent, _) => (EventKind::Operation, format!("{who}: {} started", op()?)),
            (EntryKind::Outcome, _) => {
                (EventKind::Operation, format!("{who}: {} {}", op()?, self.result.as_deref().unwrap_or("ended")))
            }
        };
        Some(TimelineEvent { at: self.clock, kind, resource: self.target.clone(), text, actor: Some(who) })
    }
}

/// Operations whose intent was journaled but whose outcome never was — the session ended (an SSH drop, a
/// kill) while the call was in flight — among `mode`'s lines written since `since`.
pub fn unfinished(entries: &[JournalEntry], mode: &str, since: DateTime<Utc>) -> Vec<JournalEntry> {
    entries
        .iter()
        .filter(|e| e.kind == EntryKind::Intent && e.session.mode == mode && e.time >= since && e.op_id.is_some())
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

#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    /// The war room's queue: every line written here is also sent there (never instead, never first).
    mirror: Option<tokio::sync::mpsc::UnboundedSender<JournalEntry>>,
}

impl Journal {
    /// Opens (creating the directory and file if needed) for appending, first cutting off a line a killed
    /// writer left half-written.
    pub fn open(path: &Path) -> std::io::Result<Journal> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        repair_torn_tail(path)?;
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Journal { path: path.to_path_buf(), file: Mutex::new(file), mirror: None })
    }

    /// Also queue every line for the war room, after it is safely in the local file.
    pub fn with_mirror(mut self, mirror: tokio::sync::mpsc::UnboundedSender<JournalEntry>) -> Journal {
        self.mirror = Some(mirror);
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn append(&self, entry: &JournalEntry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(entry)?;
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(&line)?;
        file.sync_data()?;
        if let Some(mirror) = &self.mirror {
            // The receiver is gone only when the war room task ended; the local line is what counts.
            let _ = mirror.send(entry.clone());
        }
        Ok(())
    }

    /// Reads every whole line of a journal file (for tests and, later, export).
    pub fn read_all(path: &Path) -> std::io::Result<Vec<JournalEntry>> {
        let text = std::fs::read_to_string(path)?;
        Ok(text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_whole_lines() {
        let dir = std::env::temp_dir().join(format!("warroom-journal-{}", std::process::id()));
        let path = dir.join("nested/journal.jsonl");
        let journal = Journal::open(&path).expect("open");
        let session = Session { operator: "alice".into(), mode: "demo".into(), read_only: false };
        let entry = JournalEntry::note(&session, Utc::now(), "looking at core-db".into());
        journal.append(&entry).expect("append");
        journal.append(&entry).expect("append");
        let back = Journal::read_all(&path).expect("read");
        assert_eq!(back, vec![entry.clone(), entry]);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn unfinished_means_an_intent_without_an_outcome() {
        let session = Session { operator: "alice".into(), mode: "live".into(), read_only: false };
        let intent = |id: &str| JournalEntry {
            op_id: Some(id.into()),
            ..JournalEntry::new(&session, Utc::now(), EntryKind::Intent)
        };
        let done =
            JournalEntry { op_id: Some("a".into()), ..JournalEntry::new(&session, Utc::now(), EntryKind::Outcome) };
        let lines = vec![intent("a"), done, intent("b")];
        let open = unfinished(&lines, "live", Utc::now() - chrono::Duration::hours(1));
        assert_eq!(open.iter().map(|e| e.op_id.as_deref()).collect::<Vec<_>>(), [Some("b")]);
        assert!(unfinished(&lines, "demo", Utc::now() - chrono::Duration::hours(1)).is_empty(), "other mode");
        assert!(unfinished(&lines, "live", Utc::now() + chrono::Duration::hours(1)).is_empty(), "too old");
    }
}
