//! What the doctor checks on this host: the journal can be written, and the terminal can show the dashboard.

use std::io::IsTerminal;
use std::path::Path;

use super::report::{Check, Status};

/// The smallest terminal the dashboard draws in (`warroom_ui::MIN_WIDTH` × `MIN_HEIGHT`), and the size from
/// which it adds charts beside the tables.
const RICH: (u16, u16) = (140, 40);

/// The journal at `path` (or why there is none) can be appended to: opened for appending, creating it and its
/// directory as the dashboard would, nothing written, and an empty file it had to create removed again.
pub fn journal(path: Result<&Path, String>) -> Check {
    let name = "journal";
    let path = match path {
        Ok(p) => p,
        Err(why) => return Check::new(name, Status::Fail, format!("{why}: operations would be disabled")),
    };
    let existed = path.exists();
    match warroom_core::journal::Journal::open(path) {
        Ok(_) => {
            if !existed {
                // Only the file: a directory made for it stays (the dashboard would make it too).
                let _ = std::fs::remove_file(path);
            }
            Check::new(name, Status::Ok, format!("{} is writable", path.display()))
        }
        Err(e) => Check::new(
            name,
            Status::Fail,
            format!("{}: operations would be disabled", warroom_core::journal::why_unopenable(path, &e)),
        ),
    }
}

/// What an environment says about the terminal: read once, so tests can give their own.
#[derive(Debug, Clone, Default)]
pub struct TerminalEnv {
    /// `TERM`.
    pub term: Option<String>,
    /// `COLORTERM`.
    pub colorterm: Option<String>,
    /// `NO_COLOR`, when set and not empty.
    pub no_color: bool,
    /// The locale's character set, from `LC_ALL`, else `LC_CTYPE`, else `LANG` (the first set).
    pub locale: Option<String>,
    /// Columns × rows, when standard output is a terminal.
    pub size: Option<(u16, u16)>,
}

impl TerminalEnv {
    /// This process's environment and terminal.
    pub fn current() -> TerminalEnv {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let size = if std::io::stdout().is_terminal() { ratatui::crossterm::terminal::size().ok() } else { None };
        TerminalEnv {
            term: var("TERM"),
            colorterm: var("COLORTERM"),
            no_color: var("NO_COLOR").is_some(),
            locale: var("LC_ALL").or_else(|| var("LC_CTYPE")).or_else(|| var("LANG")),
            size,
        }
    }
}

/// The terminal's size, colours and character set, as the dashboard will meet them.
pub fn terminal(env: &TerminalEnv) -> Vec<Check> {
    let (min_w, min_h) = (warroom_ui::MIN_WIDTH, warroom_ui::MIN_HEIGHT);
    let size = match env.size {
        None => Check::new(
            "terminal size",
            Status::Warn,
            "standard output is not a terminal: run warroom doctor in the terminal the dashboard will use",
        ),
        Some((w, h)) if w < min_w || h < min_h => Check::new(
            "terminal size",
            Status::Fail,
            format!("{w}×{h}: the dashboard needs at least {min_w}×{min_h}; enlarge the window (or tmux pane)"),
        ),
        Some((w, h)) if w < RICH.0 || h < RICH.1 => Check::new(
            "terminal size",
            Status::Ok,
            format!("{w}×{h}: the compact layout ({}×{} and up adds charts beside the tables)", RICH.0, RICH.1),
        ),
        Some((w, h)) => Check::new("terminal size", Status::Ok, format!("{w}×{h}: the layout with charts")),
    };
    let term = match env.term.as_deref() {
        None | Some("dumb") => Check::new(
            "TERM",
            Status::Fail,
            format!(
                "{}: the dashboard needs a full-screen terminal; set TERM (e.g. xterm-256color)",
                env.term.as_deref().unwrap_or("unset")
            ),
        ),
        Some(t) => Check::new("TERM", Status::Ok, t.to_string()),
    };
    let depth = match (env.colorterm.as_deref(), env.term.as_deref()) {
        (Some("truecolor" | "24bit"), _) => "24-bit colour",
        (_, Some(t)) if t.contains("256color") => "256 colours",
        _ => "8 or 16 colours: the default theme keeps to those",
    };
    let colours = if env.no_color {
        Check::new(
            "colours",
            Status::Warn,
            format!(
                "{depth}; NO_COLOR is set, so no colour is drawn: use --theme mono (or [theme] name = \"mono\"), which \
                 marks a breach in reverse video instead"
            ),
        )
    } else {
        Check::new("colours", Status::Ok, depth.to_string())
    };
    let utf8 = env.locale.as_deref().is_some_and(|l| {
        let l = l.to_ascii_lowercase();
        l.contains("utf-8") || l.contains("utf8")
    });
    let locale = if utf8 {
        Check::new("locale", Status::Ok, env.locale.clone().unwrap_or_default())
    } else {
        Check::new(
            "locale",
            Status::Warn,
            format!(
                "{}: not UTF-8, so the terminal may not draw the borders and charts; export LANG=C.UTF-8",
                env.locale.as_deref().unwrap_or("no LC_ALL, LC_CTYPE or LANG")
            ),
        )
    };
    vec![size, term, colours, locale]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statuses(env: &TerminalEnv) -> Vec<(String, Status)> {
        terminal(env).into_iter().map(|c| (c.name, c.status)).collect()
    }

    #[test]
    fn a_small_terminal_fails_and_a_plain_locale_warns() {
        let env = TerminalEnv {
            term: Some("screen".into()),
            locale: Some("C".into()),
            size: Some((79, 24)),
            ..TerminalEnv::default()
        };
        let s = statuses(&env);
        assert_eq!(s[0], ("terminal size".to_string(), Status::Fail));
        assert_eq!(s[1], ("TERM".to_string(), Status::Ok));
        assert_eq!(s[3], ("locale".to_string(), Status::Warn));
        let good = TerminalEnv {
            term: Some("xterm-256color".into()),
            locale: Some("en_US.UTF-8".into()),
            size: Some((160, 48)),
            no_color: true,
            ..TerminalEnv::default()
        };
        let checks = terminal(&good);
        assert!(checks.iter().all(|c| c.status != Status::Fail), "{checks:?}");
        assert!(checks[2].detail.contains("256 colours") && checks[2].detail.contains("--theme mono"), "{checks:?}");
    }

    #[test]
    fn a_journal_under_a_file_cannot_be_opened() {
        let dir = std::env::temp_dir().join(format!("warroom-doctor-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("plain");
        std::fs::write(&file, "").expect("write");
        let check = journal(Ok(&file.join("journal.jsonl")));
        assert_eq!(check.status, Status::Fail, "{check:?}");
        assert_eq!(journal(Ok(&dir.join("journal.jsonl"))).status, Status::Ok);
        assert!(!dir.join("journal.jsonl").exists(), "checked, not left behind as an empty file");
        std::fs::remove_dir_all(&dir).ok();
    }
}
