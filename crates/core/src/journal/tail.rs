//! Reading a journal as it grows: the lines other sessions and `warroom annotate` append, so a dashboard shows
//! them in its timeline within seconds. Only whole lines are read; a line still being written waits for the
//! next read.

use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

use super::JournalEntry;

/// A reader of one journal file that remembers how far it has read.
pub struct JournalTail {
    path: PathBuf,
    /// Bytes already read.
    offset: u64,
}

impl JournalTail {
    /// From the start of the file: a dashboard opened mid-incident shows what was already written.
    pub fn new(path: PathBuf) -> Self {
        Self { path, offset: 0 }
    }

    /// The whole lines appended since the last read. A missing file is an empty journal; a file that shrank
    /// (rotated, replaced) is read again from its start.
    pub fn read_new(&mut self) -> std::io::Result<Vec<JournalEntry>> {
        let mut file = match std::fs::File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let len = file.metadata()?.len();
        if len < self.offset {
            self.offset = 0;
        }
        file.seek(SeekFrom::Start(self.offset))?;
        let mut bytes = Vec::new();
        file.take(len - self.offset).read_to_end(&mut bytes)?;
        let whole = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        self.offset += whole as u64;
        Ok(String::from_utf8_lossy(&bytes[..whole]).lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Journal;
    use crate::model::{Session, SessionKind};
    use std::io::Write;

    #[test]
    fn reads_only_new_whole_lines() {
        let dir = std::env::temp_dir().join(format!("warroom-tail-{}", std::process::id()));
        let path = dir.join("journal.jsonl");
        std::fs::remove_file(&path).ok();
        let mut tail = JournalTail::new(path.clone());
        assert!(tail.read_new().expect("missing is empty").is_empty());
        let journal = Journal::open(&path).expect("open");
        let session = Session { operator: "bob".into(), kind: SessionKind::Live, read_only: true };
        journal.append(&JournalEntry::note(&session, chrono::Utc::now(), "one".into())).expect("append");
        assert_eq!(tail.read_new().expect("read").len(), 1);
        // Half a line: not read until it is whole.
        let mut raw = std::fs::OpenOptions::new().append(true).open(&path).expect("raw");
        raw.write_all(b"{\"time\":").expect("partial");
        assert!(tail.read_new().expect("read").is_empty());
        journal.append(&JournalEntry::note(&session, chrono::Utc::now(), "two".into())).expect("append");
        let back = tail.read_new().expect("read");
        // The half line and the next one joined are not valid JSON: skipped, and the reader moves on.
        assert!(back.len() <= 1, "{back:?}");
        journal.append(&JournalEntry::note(&session, chrono::Utc::now(), "three".into())).expect("append");
        assert_eq!(tail.read_new().expect("read")[0].text.as_deref(), Some("three"));
        std::fs::remove_dir_all(dir).ok();
    }
}
