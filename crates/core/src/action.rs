//! The one command table: every action a key can be bound to, with its stable snake_case name (used in keymap
//! files and the journal), the keymap modes it belongs to, and a one-line description (used in the help overlay
//! and the README key table).

/// Where keys are read: each mode has its own bindings in the keymap file (`[dashboard]`, `[plan]`, `[text]`,
/// `[confirm]`), and an action can be bound only in the modes it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// The panes, and the help, detail and changes views over them.
    Dashboard,
    /// An operation's plan: typing the target's name to confirm it.
    Plan,
    /// A line of text: a note, the filter.
    Text,
    /// A yes-or-no question: quit while an operation is in progress.
    Confirm,
    /// The log view of a consumer's error lines.
    Logs,
}

impl Mode {
    /// Every mode, in the order help and the README list them.
    pub const ALL: [Mode; 5] = [Mode::Dashboard, Mode::Plan, Mode::Text, Mode::Confirm, Mode::Logs];

    /// The mode's table name in a keymap file.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Dashboard => "dashboard",
            Mode::Plan => "plan",
            Mode::Text => "text",
            Mode::Confirm => "confirm",
            Mode::Logs => "logs",
        }
    }

    /// When the mode's keys apply, for help and the README.
    pub fn description(self) -> &'static str {
        match self {
            Mode::Dashboard => "the panes, and the help, detail and changes views",
            Mode::Plan => "an operation's plan, while typing the target's name",
            Mode::Text => "a note or the filter, while typing",
            Mode::Confirm => "a yes-or-no question (quit while an operation runs)",
            Mode::Logs => "the log view of a consumer's error lines",
        }
    }

    /// Whether printable characters type into a field in this mode, so they cannot be bound.
    pub fn types_text(self) -> bool {
        matches!(self, Mode::Plan | Mode::Text)
    }

    /// The mode named `name` in a keymap file.
    pub fn from_name(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.name() == name)
    }
}

macro_rules! actions {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal, [$($mode:ident),+], mutating: $mutating:literal;)*) => {
        /// Every action a key can be bound to.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Action {
            /// Every action, in help-overlay order.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The stable snake_case name keymap files and the journal use.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }

            /// One line on what it does, for help and the README.
            pub fn description(self) -> &'static str {
                match self { $(Action::$variant => concat!($($doc),*).trim_ascii(),)* }
            }

            /// The modes it can be bound in.
            pub fn modes(self) -> &'static [Mode] {
                match self { $(Action::$variant => &[$(Mode::$mode),+],)* }
            }

            /// Whether the action leads to a call that changes AWS. These open a plan; only the guard may
            /// carry them out.
            pub fn is_mutating(self) -> bool {
                match self { $(Action::$variant => $mutating,)* }
            }
        }
    };
}

actions! {
    /// Show the help overlay with every action and its keys, in every mode
    Help => "help", [Dashboard, Logs], mutating: false;
    /// Quit (asks first while an operation is in progress)
    Quit => "quit", [Dashboard], mutating: false;
    /// Say which key quits, instead of quitting: for a key pressed out of habit (a stray one must not end a session mid-incident)
    HowToQuit => "how_to_quit", [Dashboard, Logs], mutating: false;
    /// Filter every pane by resource name (in the log view: its lines by their text)
    Filter => "filter", [Dashboard, Logs], mutating: false;
    /// Move focus to the next pane
    FocusNext => "focus_next", [Dashboard], mutating: false;
    /// Move focus to the previous pane
    FocusPrev => "focus_prev", [Dashboard], mutating: false;
    /// Select the next row in the focused pane (in a detail view: show the next resource; in the log view: older
    /// lines)
    SelectNext => "select_next", [Dashboard, Logs], mutating: false;
    /// Select the previous row in the focused pane (in a detail view: show the previous resource; in the log
    /// view: newer lines)
    SelectPrev => "select_prev", [Dashboard, Logs], mutating: false;
    /// Open the detail view of the selected resource
    OpenDetail => "open_detail", [Dashboard], mutating: false;
    /// Close the help, detail, changes or log view (help opened over a view goes back to it); with none open, clear
    /// the filter
    Close => "close", [Dashboard, Logs], mutating: false;
    /// Show each anomaly's onset and the changes before it, likeliest trigger first
    Changes => "changes", [Dashboard], mutating: false;
    /// Show warroom's own AWS calls per minute by API, against its pace and each API's quota per account and
    /// region
    Calls => "calls", [Dashboard], mutating: false;
    /// Following (--follow) a dashboard that stopped publishing: stop following and poll AWS from this one,
    /// still without an operator
    PollOwn => "poll_own", [Dashboard], mutating: false;
    /// Roll back the selected Functions row: an alias to its previous version; a queue's version-pinned or $LATEST
    /// mapping pinned to an earlier published version
    Rollback => "rollback", [Dashboard], mutating: true;
    /// Reboot the selected database instance
    Reboot => "reboot", [Dashboard], mutating: true;
    /// Fail over the selected database cluster
    Failover => "failover", [Dashboard], mutating: true;
    /// Redrive the selected dead-letter queue to its source
    Redrive => "redrive", [Dashboard], mutating: true;
    /// Cancel the selected DLQ's running redrive
    CancelRedrive => "cancel_redrive", [Dashboard], mutating: true;
    /// Peek at up to 10 messages of the selected DLQ before redriving: ReceiveMessage with visibility 0, nothing deleted, receive counts + 1; not under --read-only
    PeekMessages => "peek_messages", [Dashboard], mutating: true;
    /// Pause the selected queue's consumer: its event source mapping stops polling, messages wait in the queue
    PauseConsumer => "pause_consumer", [Dashboard], mutating: true;
    /// Resume the selected queue's paused consumer: its event source mapping polls again
    ResumeConsumer => "resume_consumer", [Dashboard], mutating: true;
    /// Throttle the selected queue's consumer: set or remove its event source mapping's maximum concurrency
    ThrottleConsumer => "throttle_consumer", [Dashboard], mutating: true;
    /// Open the log view of the selected consumer's error lines (the Functions row's function, or the queue's
    /// consumer): newest first, following new ones
    ConsumerLogs => "logs", [Dashboard], mutating: false;
    /// Log view: follow new lines as they arrive, or hold the view still
    ToggleFollow => "follow", [Logs], mutating: false;
    /// Log view: group the lines by fingerprint (count, first and last seen), or show them one by one
    ToggleGrouping => "group", [Logs], mutating: false;
    /// Add a note to the timeline and journal
    AddNote => "add_note", [Dashboard], mutating: false;
    /// Write the postmortem timeline (as `warroom export`) beside the journal and say where
    Export => "export", [Dashboard], mutating: false;
    /// Run the operation once the typed name matches; save the note; keep the filter
    Submit => "submit", [Plan, Text], mutating: false;
    /// Close the plan or the field: nothing is called or saved (esc in the filter field clears the filter)
    Cancel => "cancel", [Plan, Text], mutating: false;
    /// Delete the last character typed
    DeleteChar => "delete_char", [Plan, Text], mutating: false;
    /// Clear everything typed
    ClearText => "clear_text", [Plan, Text], mutating: false;
    /// Redrive plan: the next faster rate (1 to 500 msg/s, then the system rate: SQS chooses); throttle plan:
    /// the next higher maximum concurrency; code restore plan: also publish a version of the restored code
    RateUp => "rate_up", [Plan], mutating: false;
    /// Redrive plan: the next slower rate; throttle plan: the next lower maximum concurrency; code restore plan:
    /// publish no version
    RateDown => "rate_down", [Plan], mutating: false;
    /// Redrive plan: the next destination (the messages' sources, then each queue); rollback plan: the next
    /// target version (the one it moved from, then older published versions)
    NextDestination => "next_destination", [Plan], mutating: false;
    /// Redrive plan: the previous destination; rollback plan: the previous target version
    PreviousDestination => "previous_destination", [Plan], mutating: false;
    /// Rollback plan of a $LATEST consumer: switch between pinning its mapping to the earlier version and
    /// restoring that version's code into $LATEST
    OtherWay => "other_way", [Plan], mutating: false;
    /// Scroll a plan, the help overlay, a peek's messages or the calls view down a page, when the terminal is too
    /// short to show it whole
    ScrollDown => "scroll_down", [Dashboard, Plan], mutating: false;
    /// Scroll a plan, the help overlay, a peek's messages or the calls view back up a page
    ScrollUp => "scroll_up", [Dashboard, Plan], mutating: false;
    /// Answer yes: quit although an operation is in progress (the journal keeps its intent)
    Yes => "yes", [Confirm], mutating: false;
    /// Answer no: stay
    No => "no", [Confirm], mutating: false;
}

impl Action {
    /// The action named `name` in a keymap file.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// Whether it can be bound in `mode`.
    pub fn belongs_to(self, mode: Mode) -> bool {
        self.modes().contains(&mode)
    }

    /// The actions of `mode`, in help order.
    pub fn of_mode(mode: Mode) -> impl Iterator<Item = Action> {
        Action::ALL.iter().copied().filter(move |a| a.belongs_to(mode))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_snake_case() {
        for &a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            assert!(a.name().chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{}", a.name());
            assert!(!a.description().is_empty());
            assert!(!a.modes().is_empty());
        }
        for mode in Mode::ALL {
            assert_eq!(Mode::from_name(mode.name()), Some(mode));
            assert!(Action::of_mode(mode).next().is_some(), "{} has actions", mode.name());
        }
    }

    #[test]
    fn exactly_the_operations_are_mutating_and_only_on_the_dashboard() {
        let mutating: Vec<_> = Action::ALL.iter().filter(|a| a.is_mutating()).map(|a| a.name()).collect();
        assert_eq!(
            mutating,
            [
                "rollback",
                "reboot",
                "failover",
                "redrive",
                "cancel_redrive",
                "peek_messages",
                "pause_consumer",
                "resume_consumer",
                "throttle_consumer"
            ]
        );
        assert!(Action::ALL.iter().filter(|a| a.is_mutating()).all(|a| a.modes() == [Mode::Dashboard]));
    }
}
