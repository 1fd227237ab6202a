//! Key hints, read from the active keymap: a screen names the action and what it does there, and the key comes
//! from the keymap, so a hint can never name a key that does something else (or nothing). Keys are drawn in the
//! key style, which is how tests find every hint on a rendered screen.

use ratatui_core::text::Span;
use warroom_core::action::{Action, Mode};
use warroom_core::keymap::Keymap;

use crate::theme;

/// One hint: the key bound to `action` in `mode`, and what it does on this screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    /// The mode the key is read in (a plan popup can hint at a dashboard key for later).
    pub mode: Mode,
    /// The action the key is bound to.
    pub action: Action,
    /// What it does here, after the key: "runs it", "cancels".
    pub label: &'static str,
}

impl Hint {
    /// A hint for `action` in `mode`.
    pub const fn new(mode: Mode, action: Action, label: &'static str) -> Hint {
        Hint { mode, action, label }
    }
}

/// "key label" for each hint whose action has a key, the key in the key style and the label in `label_style`,
/// two spaces apart. A hint whose action is unbound is left out rather than shown with a wrong key.
pub fn spans(keymap: &Keymap, hints: &[Hint], label_style: ratatui_core::style::Style) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    for hint in hints {
        let Some(key) = keymap.hint(hint.mode, hint.action) else { continue };
        if !out.is_empty() {
            out.push(Span::styled("  ", label_style));
        }
        out.push(Span::styled(key.to_string(), theme::key()));
        out.push(Span::styled(format!(" {}", hint.label), label_style));
    }
    out
}

/// What the dashboard's footer offers.
pub const DASHBOARD: [Hint; 11] = [
    Hint::new(Mode::Dashboard, Action::Help, "help"),
    Hint::new(Mode::Dashboard, Action::FocusNext, "pane"),
    Hint::new(Mode::Dashboard, Action::OpenDetail, "detail"),
    Hint::new(Mode::Dashboard, Action::Rollback, "rollback"),
    Hint::new(Mode::Dashboard, Action::Reboot, "reboot"),
    Hint::new(Mode::Dashboard, Action::Failover, "failover"),
    Hint::new(Mode::Dashboard, Action::Redrive, "redrive"),
    Hint::new(Mode::Dashboard, Action::ConsumerLogs, "logs"),
    Hint::new(Mode::Dashboard, Action::AddNote, "note"),
    Hint::new(Mode::Dashboard, Action::Filter, "filter"),
    Hint::new(Mode::Dashboard, Action::Quit, "quit"),
];

/// A follower whose publisher stopped (or whose stream cannot be read) may poll AWS itself.
pub const FOLLOW_STOPPED: [Hint; 1] = [Hint::new(Mode::Dashboard, Action::PollOwn, "poll AWS from here")];

/// While the filter is typed.
pub const FILTER: [Hint; 2] =
    [Hint::new(Mode::Text, Action::Submit, "keeps it"), Hint::new(Mode::Text, Action::Cancel, "clears it")];

/// While a note is typed.
pub const NOTE: [Hint; 2] =
    [Hint::new(Mode::Text, Action::Submit, "saves"), Hint::new(Mode::Text, Action::Cancel, "cancels")];

/// A plan that can be confirmed.
pub const PLAN: [Hint; 2] =
    [Hint::new(Mode::Plan, Action::Submit, "runs it"), Hint::new(Mode::Plan, Action::Cancel, "cancels")];

/// A plan too tall for the terminal: what scrolls it (down first).
pub const PLAN_SCROLL: [Hint; 2] =
    [Hint::new(Mode::Plan, Action::ScrollDown, "more"), Hint::new(Mode::Plan, Action::ScrollUp, "back")];

/// A plan whose typed name matches.
pub const PLAN_READY: [Hint; 1] = [Hint::new(Mode::Plan, Action::Submit, "runs it")];

/// A plan that cannot be confirmed (read-only, no journal).
pub const PLAN_BLOCKED: [Hint; 1] = [Hint::new(Mode::Plan, Action::Cancel, "closes")];

/// A redrive plan's rate.
pub const REDRIVE_RATE: [Hint; 2] =
    [Hint::new(Mode::Plan, Action::RateUp, "faster"), Hint::new(Mode::Plan, Action::RateDown, "slower")];

/// A redrive plan's destination.
pub const REDRIVE_DESTINATION: [Hint; 2] = [
    Hint::new(Mode::Plan, Action::NextDestination, "next"),
    Hint::new(Mode::Plan, Action::PreviousDestination, "previous"),
];

/// How to stop a redrive once it runs.
pub const REDRIVE_CANCEL: [Hint; 1] = [Hint::new(Mode::Dashboard, Action::CancelRedrive, "on the DLQ cancels it")];

/// The quit question.
pub const QUIT: [Hint; 2] =
    [Hint::new(Mode::Confirm, Action::Yes, "quits anyway"), Hint::new(Mode::Confirm, Action::No, "stays")];

/// The quit question once nothing is in progress any more.
pub const QUIT_NOW: [Hint; 2] =
    [Hint::new(Mode::Confirm, Action::Yes, "quits"), Hint::new(Mode::Confirm, Action::No, "stays")];

/// A view over the panes (help, changes).
pub const VIEW: [Hint; 3] = [
    Hint::new(Mode::Dashboard, Action::Close, "closes"),
    Hint::new(Mode::Dashboard, Action::Help, "help"),
    Hint::new(Mode::Dashboard, Action::Quit, "quits warroom"),
];

/// The detail view, which follows the selection.
pub const DETAIL: [Hint; 5] = [
    Hint::new(Mode::Dashboard, Action::SelectNext, "next"),
    Hint::new(Mode::Dashboard, Action::SelectPrev, "previous"),
    Hint::new(Mode::Dashboard, Action::Close, "closes"),
    Hint::new(Mode::Dashboard, Action::Help, "help"),
    Hint::new(Mode::Dashboard, Action::Quit, "quits warroom"),
];

/// A scrolling overlay: help, the messages a peek received.
pub const HELP: [Hint; 5] = [
    Hint::new(Mode::Dashboard, Action::SelectNext, "down"),
    Hint::new(Mode::Dashboard, Action::SelectPrev, "up"),
    Hint::new(Mode::Dashboard, Action::ScrollDown, "page"),
    Hint::new(Mode::Dashboard, Action::Close, "closes"),
    Hint::new(Mode::Dashboard, Action::Quit, "quits warroom"),
];

/// The log view of a consumer's error lines.
pub const LOGS: [Hint; 7] = [
    Hint::new(Mode::Logs, Action::SelectNext, "older"),
    Hint::new(Mode::Logs, Action::SelectPrev, "newer"),
    Hint::new(Mode::Logs, Action::ToggleFollow, "follow"),
    Hint::new(Mode::Logs, Action::ToggleGrouping, "group"),
    Hint::new(Mode::Logs, Action::Filter, "filter"),
    Hint::new(Mode::Logs, Action::Close, "closes"),
    Hint::new(Mode::Logs, Action::Help, "help"),
];

/// A terminal too small to draw the dashboard in: how to leave it.
pub const TOO_SMALL: [Hint; 1] = [Hint::new(Mode::Dashboard, Action::Quit, "quits")];

/// Help opened over the log view, where q closes: it closes help back to the log view.
pub const HELP_OVER_LOGS: [Hint; 5] = [
    Hint::new(Mode::Dashboard, Action::SelectNext, "down"),
    Hint::new(Mode::Dashboard, Action::SelectPrev, "up"),
    Hint::new(Mode::Dashboard, Action::ScrollDown, "page"),
    Hint::new(Mode::Dashboard, Action::Close, "closes"),
    Hint::new(Mode::Dashboard, Action::Quit, "back to the log view"),
];

/// The how_to_quit key in the log view, where q closes the view.
pub const HOW_TO_QUIT_LOGS: [Hint; 3] = [
    Hint::new(Mode::Logs, Action::HowToQuit, "does not quit here:"),
    Hint::new(Mode::Logs, Action::Close, "closes the log view"),
    Hint::new(Mode::Logs, Action::Help, "help"),
];

/// The how_to_quit key (ctrl-c by default) on the dashboard.
pub const HOW_TO_QUIT: [Hint; 3] = [
    Hint::new(Mode::Dashboard, Action::HowToQuit, "does not quit here:"),
    Hint::new(Mode::Dashboard, Action::Quit, "quits"),
    Hint::new(Mode::Dashboard, Action::Help, "help"),
];

/// The other way of a `$LATEST` consumer's rollback: pin the mapping, or restore the code.
pub const ROLLBACK_WAY: [Hint; 1] = [Hint::new(Mode::Plan, Action::OtherWay, "switches")];

/// Whether a code restore also publishes a version.
pub const PUBLISH: [Hint; 2] =
    [Hint::new(Mode::Plan, Action::RateUp, "publishes one"), Hint::new(Mode::Plan, Action::RateDown, "does not")];

/// A throttle plan's maximum concurrency.
pub const THROTTLE: [Hint; 2] =
    [Hint::new(Mode::Plan, Action::RateUp, "raises"), Hint::new(Mode::Plan, Action::RateDown, "lowers")];

/// Every hint list a screen can show, for the test that checks them against each shipped keymap.
pub const ALL: [&[Hint]; 23] = [
    &DASHBOARD,
    &LOGS,
    &FILTER,
    &NOTE,
    &PLAN,
    &PLAN_READY,
    &PLAN_SCROLL,
    &PLAN_BLOCKED,
    &REDRIVE_RATE,
    &REDRIVE_DESTINATION,
    &REDRIVE_CANCEL,
    &QUIT,
    &QUIT_NOW,
    &VIEW,
    &DETAIL,
    &HELP,
    &HOW_TO_QUIT,
    &HOW_TO_QUIT_LOGS,
    &HELP_OVER_LOGS,
    &TOO_SMALL,
    &ROLLBACK_WAY,
    &PUBLISH,
    &THROTTLE,
];
