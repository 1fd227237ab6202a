//! The config file (`--config PATH`, else `warroom.toml` in the config directory). Every error names the file,
//! the line and what was expected; nothing is written when a file is rejected.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::text::line_col;

/// Files larger than this are refused before parsing: a config is a few hundred bytes, and a multi-megabyte
/// one is a mistake (the wrong path), not a config.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// An error in a file the user gave us, with its position when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FileError {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(col)) => write!(f, "{}:{line}:{col}: {}", self.path, self.message),
            (Some(line), None) => write!(f, "{}:{line}: {}", self.path, self.message),
            _ => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Reads a UTF-8 text file of sensible size, or says precisely why not.
pub fn read_text_file(path: &Path) -> Result<String, FileError> {
    let err = |message: String| FileError { path: path.display().to_string(), line: None, column: None, message };
    let meta = std::fs::metadata(path).map_err(|e| err(format!("cannot read: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(err(format!("file is {} bytes; the limit is {MAX_FILE_BYTES}", meta.len())));
    }
    let bytes = std::fs::read(path).map_err(|e| err(format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let (line, column) = line_col(&prefix, valid);
        FileError {
            path: path.display().to_string(),
            line: Some(line),
            column: Some(column),
            message: "not valid UTF-8 text".to_string(),
        }
    })
}

/// Deserializes TOML, turning serde's error into a `FileError` with line and column.
pub fn parse_toml<T: serde::de::DeserializeOwned>(src: &str, name: &str) -> Result<T, FileError> {
    toml::from_str(src).map_err(|e: toml::de::Error| {
        let (line, column) = e.span().map_or((None, None), |s| {
            let (l, c) = line_col(src, s.start);
            (Some(l), Some(c))
        });
        FileError { path: name.to_string(), line, column, message: e.message().trim().to_string() }
    })
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Age of oldest message above which a queue is in breach, seconds.
    #[serde(default = "default_queue_age")]
    pub queue_age_seconds: f64,
    /// Database CPU above which an instance is in breach, percent.
    #[serde(default = "default_db_cpu")]
    pub db_cpu_percent: f64,
    /// How far before an anomaly's onset a change counts as a suspect, minutes.
    #[serde(default = "default_suspect_window")]
    pub suspect_window_minutes: f64,
}

fn default_queue_age() -> f64 {
    60.0
}
fn default_db_cpu() -> f64 {
    70.0
}
fn default_suspect_window() -> f64 {
    30.0
}

impl Thresholds {
    pub fn suspect_window(&self) -> chrono::Duration {
        chrono::Duration::seconds((self.suspect_window_minutes * 60.0) as i64)
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            queue_age_seconds: default_queue_age(),
            db_cpu_percent: default_db_cpu(),
            suspect_window_minutes: default_suspect_window(),
        }
    }
}

/// Where the journal goes: the local file (default: the XDG state directory) and, optionally, a CloudWatch Logs
/// log group that every dashboard of the incident shares (the war room).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JournalSettings {
    pub path: Option<PathBuf>,
    pub log_group: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JournalTable {
    path: Option<PathBuf>,
    log_group: Option<String>,
}

/// `journal = "PATH"` (the older form) or `[journal]` with `path` and `log_group`; a visitor rather than an
/// untagged enum, so a mistake in the table keeps its precise message ("unknown field `log_gruop`").
impl<'de> Deserialize<'de> for JournalSettings {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = JournalSettings;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a path, or a table with `path` and `log_group`")
            }
            fn visit_str<E: serde::de::Error>(self, path: &str) -> Result<JournalSettings, E> {
                Ok(JournalSettings { path: Some(PathBuf::from(path)), log_group: None })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<JournalSettings, A::Error> {
                let t = JournalTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(JournalSettings { path: t.path, log_group: t.log_group })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Where to reach AWS; each overrides the default chain (flags override these in turn).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AwsSettings {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

/// What to watch. Anything left out is discovered from what is named; no `[watch]` at all discovers
/// everything in the region (bounded per kind).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Watch {
    /// Queue names. Their DLQs come from each queue's RedrivePolicy, their consumers from event source mappings.
    #[serde(default)]
    pub queues: Vec<String>,
    /// Dead-letter queues to watch beyond those discovered.
    #[serde(default)]
    pub dlqs: Vec<String>,
    /// Function names, or `name:alias` (default alias: every alias of the function).
    #[serde(default)]
    pub functions: Vec<String>,
    /// DB cluster identifiers (members are discovered).
    #[serde(default)]
    pub clusters: Vec<String>,
    /// DB instance identifiers outside any cluster.
    #[serde(default)]
    pub instances: Vec<String>,
    /// Alarm name prefixes; empty watches every alarm.
    #[serde(default)]
    pub alarm_prefixes: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Who is operating, for the header and the journal (default: $USER).
    pub operator: Option<String>,
    /// `journal = "PATH"`, or a `[journal]` table with `path` and the war room's `log_group`.
    #[serde(default)]
    pub journal: JournalSettings,
    #[serde(default)]
    pub thresholds: Thresholds,
    #[serde(default)]
    pub aws: AwsSettings,
    pub watch: Option<Watch>,
}

impl Config {
    /// Loads `explicit`, else the default file if it exists, else defaults. An explicit path must exist.
    pub fn load(explicit: Option<&Path>, default_path: Option<PathBuf>) -> Result<Config, FileError> {
        let path = match (explicit, default_path) {
            (Some(p), _) => p.to_path_buf(),
            (None, Some(p)) if p.exists() => p,
            _ => return Ok(Config::default()),
        };
        let src = read_text_file(&path)?;
        let config: Config = parse_toml(&src, &path.display().to_string())?;
        config.validate(&src, &path.display().to_string())?;
        Ok(config)
    }

    fn validate(&self, src: &str, name: &str) -> Result<(), FileError> {
        let check = |field: &str, ok: bool, expected: &str| {
            if ok {
                return Ok(());
            }
            let line = src.lines().position(|l| l.trim_start().starts_with(field)).map(|i| i + 1);
            Err(FileError { path: name.to_string(), line, column: None, message: format!("{field}: {expected}") })
        };
        let t = &self.thresholds;
        check("queue_age_seconds", t.queue_age_seconds > 0.0, "expected a number of seconds above 0")?;
        check(
            "db_cpu_percent",
            t.db_cpu_percent > 0.0 && t.db_cpu_percent <= 100.0,
            "expected a percentage between 0 and 100",
        )?;
        check(
            "suspect_window_minutes",
            t.suspect_window_minutes > 0.0 && t.suspect_window_minutes <= 24.0 * 60.0,
            "expected minutes between 0 and 1440 (a day)",
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_names_line() {
        let err = parse_toml::<Config>("operator = \"a\"\n[thresholds]\nqueue_age = 5\n", "w.toml")
            .expect_err("unknown field");
        assert_eq!(err.line, Some(3));
        assert!(err.to_string().starts_with("w.toml:3:"), "{err}");
        assert!(err.message.contains("queue_age"), "{err}");
    }

    #[test]
    fn wrong_type_names_line() {
        let err = parse_toml::<Config>("\n\n[thresholds]\ndb_cpu_percent = \"high\"\n", "w.toml").expect_err("type");
        assert_eq!(err.line, Some(4), "{err}");
    }

    #[test]
    fn journal_is_a_path_or_a_table_with_the_war_room() {
        let old: Config = parse_toml("journal = \"/var/log/warroom.jsonl\"\n", "w.toml").expect("path");
        assert_eq!(old.journal.path.as_deref(), Some(Path::new("/var/log/warroom.jsonl")));
        let new: Config =
            parse_toml("[journal]\npath = \"j.jsonl\"\nlog_group = \"/warroom/incidents\"\n", "w.toml").expect("table");
        assert_eq!(new.journal.log_group.as_deref(), Some("/warroom/incidents"));
        let err = parse_toml::<Config>("[journal]\nlog_gruop = \"x\"\n", "w.toml").expect_err("typo");
        assert_eq!(err.line, Some(2), "{err}");
        assert!(err.message.contains("log_gruop"), "{err}");
    }
}
