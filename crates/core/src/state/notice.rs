//! The status bar's message.

/// A one-line message for the status bar, with how it should read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Progress, a confirmation, or why a key had nothing to act on.
    Info(String),
    /// Something refused or failed: shown in the alarm colour.
    Problem(String),
    /// The how_to_quit key (ctrl-c by default, which in the terminal's raw mode is a key, not a kill) was pressed
    /// on the dashboard: the footer says which key quits, from the active keymap.
    HowToQuit,
}

impl Notice {
    /// Its text, when it has one of its own (the screen words `HowToQuit` from the keymap).
    pub fn text(&self) -> Option<&str> {
        match self {
            Notice::Info(text) | Notice::Problem(text) => Some(text),
            Notice::HowToQuit => None,
        }
    }
}
