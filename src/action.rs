//! The one enum every key binding targets. Each variant has a stable snake_case name (used in keymap files and
//! the journal) and a one-line description (used in the help overlay and the README key table).

macro_rules! actions {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal, mutating: $mutating:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Action {
            /// Every action, in help-overlay order.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Action::$variant => concat!($($doc),*).trim_ascii(),)* }
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
    /// Show the help overlay with every action and its keys
    Help => "help", mutating: false;
    /// Quit (asks first while an operation is in progress)
    Quit => "quit", mutating: false;
    /// Filter every pane by resource name
    Filter => "filter", mutating: false;
    /// Move focus to the next pane
    FocusNext => "focus_next", mutating: false;
    /// Move focus to the previous pane
    FocusPrev => "focus_prev", mutating: false;
    /// Select the next row in the focused pane
    SelectNext => "select_next", mutating: false;
    /// Select the previous row in the focused pane
    SelectPrev => "select_prev", mutating: false;
    /// Open the detail view of the selected resource
    OpenDetail => "open_detail", mutating: false;
    /// Close the popup or detail view
    Close => "close", mutating: false;
    /// Show each anomaly's onset and the changes before it, likeliest trigger first
    Changes => "changes", mutating: false;
    /// Roll back the selected function's alias to its previous version
    Rollback => "rollback", mutating: true;
    /// Reboot the selected database instance
    Reboot => "reboot", mutating: true;
    /// Fail over the selected database cluster
    Failover => "failover", mutating: true;
    /// Redrive the selected dead-letter queue to its source
    Redrive => "redrive", mutating: true;
    /// Cancel the selected DLQ's running redrive
    CancelRedrive => "cancel_redrive", mutating: true;
    /// Add a note to the timeline and journal
    AddNote => "add_note", mutating: false;
    /// Write the postmortem timeline (as `warroom export`) beside the journal and say where
    Export => "export", mutating: false;
}

impl Action {
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
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
        }
    }

    #[test]
    fn exactly_the_operations_are_mutating() {
        let mutating: Vec<_> = Action::ALL.iter().filter(|a| a.is_mutating()).map(|a| a.name()).collect();
        assert_eq!(mutating, ["rollback", "reboot", "failover", "redrive", "cancel_redrive"]);
    }
}
