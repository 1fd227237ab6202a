//! Where warroom looks for its files by default, following the XDG base directory convention.

use std::env;
use std::path::PathBuf;

fn xdg_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    match env::var_os(var) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir).join("warroom")),
        _ => env::var_os("HOME").map(|home| PathBuf::from(home).join(fallback).join("warroom")),
    }
}

/// `path` as a person reads it: under the home directory as `~/…`, anything else as it is.
pub fn tilde(path: &std::path::Path) -> String {
    match std::env::var_os("HOME").map(PathBuf::from) {
        Some(home) if !home.as_os_str().is_empty() => match path.strip_prefix(&home) {
            Ok(rest) => format!("~/{}", rest.display()),
            Err(_) => path.display().to_string(),
        },
        _ => path.display().to_string(),
    }
}

/// The config directory: `$XDG_CONFIG_HOME/warroom`, else `~/.config/warroom`.
pub fn config_dir() -> Option<PathBuf> {
    xdg_dir("XDG_CONFIG_HOME", ".config")
}

/// `$XDG_STATE_HOME/warroom/journal.jsonl`, else `~/.local/state/warroom/journal.jsonl`.
pub fn default_journal() -> Option<PathBuf> {
    xdg_dir("XDG_STATE_HOME", ".local/state").map(|d| d.join("journal.jsonl"))
}

/// Who is at the keyboard, for the header and the journal: $WARROOM_OPERATOR, $USER, $LOGNAME, else the
/// login name of this process's user (a bastion's tmux or cron may not set $USER).
pub fn operator_identity() -> String {
    ["WARROOM_OPERATOR", "USER", "LOGNAME"]
        .iter()
        .find_map(|v| env::var(v).ok().filter(|s| !s.is_empty()))
        .or_else(login_name)
        .unwrap_or_else(|| "unknown".to_string())
}

fn login_name() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status.lines().find_map(|l| l.strip_prefix("Uid:"))?.split_whitespace().next()?.to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)? == uid).then(|| name.to_string())
    })
}
