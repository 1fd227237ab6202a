//! Reading the files a user gives warroom (config, keymap, scenario): UTF-8 text of sensible size, and TOML whose
//! every error names the file, the line and the column.

use std::fmt;
use std::path::Path;

use crate::text::line_col;

/// Files larger than this are not read at all: a config is a few hundred bytes, and a multi-megabyte
/// one is a mistake (the wrong path), not a config.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// An error in a file the user gave us, with its position when there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FileError {
    /// The file as the user named it (or "keymaps/default.toml (built in)").
    pub path: String,
    /// 1-based line, when the error has a position.
    pub line: Option<usize>,
    /// 1-based column, when the error has a position.
    pub column: Option<usize>,
    /// What is wrong and what was expected.
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
        FileError { path: name.to_string(), line, column, message: in_words(e.message().trim()) }
    })
}

/// serde's type names in a parse error said as a config's author knows them: "expected f64" is "expected a
/// number", "expected u32" "expected a whole number".
fn in_words(message: &str) -> String {
    let mut out = message.to_string();
    for (rust, words) in [
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected u16", "expected a whole number"),
        ("expected u8", "expected a whole number"),
        ("expected usize", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected a boolean", "expected true or false"),
    ] {
        if let Some(at) =
            out.find(rust).filter(|&at| !out[at + rust.len()..].starts_with(|c: char| c.is_alphanumeric()))
        {
            out.replace_range(at..at + rust.len(), words);
        }
    }
    out
}

/// Writes a new file readable by its owner only (0600 on Unix): what warroom writes from the journal (a
/// postmortem) can carry what the notes carry, customer details included, on a shared bastion.
pub fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents)
}
