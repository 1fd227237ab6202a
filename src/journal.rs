//! The append-only JSON Lines journal: one line for each operation's intent (written before the call), one for
//! its outcome, and one per note. Each line is written with a single `write` and synced, so a crash leaves whole
//! lines behind.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Intent,
    Outcome,
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
        }
    }

    pub fn note(session: &Session, clock: DateTime<Utc>, text: String) -> JournalEntry {
        JournalEntry { text: Some(text), ..JournalEntry::new(session, clock, EntryKind::Note) }
    }
}

#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
}

impl Journal {
    /// Opens (creating the directory and file if needed) for appending.
    pub fn open(path: &Path) -> std::io::Result<Journal> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Journal { path: path.to_path_buf(), file: Mutex::new(file) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn append(&self, entry: &JournalEntry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(entry)?;
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(&line)?;
        file.sync_data()
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
}
