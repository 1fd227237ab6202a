//! Key bindings, per mode: `keymaps/default.toml` is compiled in; a user file overrides it key by key. Errors
//! name the file and line, so a typo at 3 a.m. is found in seconds. The help overlay, the footer's and popups'
//! hints and the README's key table are all read from the active keymap.

mod file;
mod key;

use std::path::Path;

pub use key::{Key, KeyCode, NAMED_KEYS, parse_keys};

use crate::action::{Action, Mode};
use crate::files::{FileError, read_text_file};

/// The shipped default keymap, compiled in.
pub const DEFAULT_KEYMAP: &str = include_str!("../../../../keymaps/default.toml");
const DEFAULT_NAME: &str = "keymaps/default.toml (built in)";

/// Actions that must keep a key in their mode, or nothing would leave it.
const MUST_STAY_BOUND: [(Mode, Action); 7] = [
    (Mode::Dashboard, Action::Quit),
    (Mode::Dashboard, Action::Help),
    (Mode::Dashboard, Action::Close),
    (Mode::Plan, Action::Cancel),
    (Mode::Text, Action::Cancel),
    (Mode::Confirm, Action::No),
    (Mode::Logs, Action::Close),
];

/// The active bindings, in file order (defaults first, then overrides), so help lists keys predictably.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Mode, Key, Action)>,
}

impl Keymap {
    /// The built-in defaults, merged with the file at `user` when given. Errors name the file and line.
    pub fn load(user: Option<&Path>) -> Result<Keymap, FileError> {
        match user {
            Some(path) => Keymap::from_user_str(&read_text_file(path)?, &path.display().to_string()),
            None => Keymap::defaults(),
        }
    }

    /// The built-in defaults.
    pub fn defaults() -> Result<Keymap, FileError> {
        let mut keymap = Keymap { bindings: Vec::new() };
        keymap.merge(file::parse(DEFAULT_KEYMAP, DEFAULT_NAME)?, DEFAULT_NAME)?;
        Ok(keymap)
    }

    /// Parses `src` as a keymap file named `name` and merges it over the defaults.
    pub fn from_user_str(src: &str, name: &str) -> Result<Keymap, FileError> {
        let mut keymap = Keymap::defaults()?;
        keymap.merge(file::parse(src, name)?, name)?;
        Ok(keymap)
    }

    fn merge(&mut self, lines: Vec<file::Line>, name: &str) -> Result<(), FileError> {
        // Which line last took a key away from each action, to name it if the action is left without one.
        let mut taken_at: Vec<(Mode, Action, usize)> = Vec::new();
        for line in &lines {
            if let Some(old) = self.action(line.mode, line.key) {
                taken_at.push((line.mode, old, line.line));
            }
            self.bindings.retain(|(mode, key, _)| (*mode, *key) != (line.mode, line.key));
            if let Some(action) = line.action {
                self.bindings.push((line.mode, line.key, action));
            }
        }
        for (mode, action) in MUST_STAY_BOUND {
            if self.keys_for(mode, action).is_empty() {
                let line = taken_at.iter().rev().find(|(m, a, _)| (*m, *a) == (mode, action)).map(|(_, _, l)| *l);
                return Err(FileError {
                    path: name.to_string(),
                    line,
                    column: None,
                    message: format!(
                        "`{}` has no key left in {} mode, so nothing would leave it; bind it to a key",
                        action.name(),
                        mode.name()
                    ),
                });
            }
        }
        Ok(())
    }

    /// The action `key` is bound to in `mode`.
    pub fn action(&self, mode: Mode, key: Key) -> Option<Action> {
        self.bindings.iter().find(|(m, k, _)| (*m, *k) == (mode, key)).map(|(_, _, a)| *a)
    }

    /// The keys bound to `action` in `mode`, in file order.
    pub fn keys_for(&self, mode: Mode, action: Action) -> Vec<Key> {
        self.bindings.iter().filter(|(m, _, a)| (*m, *a) == (mode, action)).map(|(_, k, _)| *k).collect()
    }

    /// The first key bound to `action` in `mode`, for hints ("x cancels it").
    pub fn hint(&self, mode: Mode, action: Action) -> Option<Key> {
        self.bindings.iter().find(|(m, _, a)| (*m, *a) == (mode, action)).map(|(_, k, _)| *k)
    }

    /// The README's key table: one Markdown table per mode, every action of the mode with its keys. A test
    /// checks the README against it.
    pub fn markdown_table(&self) -> String {
        let mut out = String::new();
        for mode in Mode::ALL {
            out.push_str(&format!("**{}** — {}\n\n", mode.name(), mode.description()));
            out.push_str("| key | action | what it does |\n| --- | --- | --- |\n");
            for action in Action::of_mode(mode) {
                let keys = self.keys_for(mode, action);
                let keys = if keys.is_empty() {
                    "(unbound)".to_string()
                } else {
                    let keys: Vec<String> =
                        keys.iter().map(|k| format!("`{}`", k.to_string().replace('|', "\\|"))).collect();
                    keys.join(" ")
                };
                out.push_str(&format!("| {keys} | `{}` | {} |\n", action.name(), action.description()));
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(spec: &str) -> Key {
        Key::parse(spec).expect(spec)
    }

    #[test]
    fn bindings_are_per_mode() {
        let km = Keymap::defaults().expect("defaults");
        assert_eq!(km.action(Mode::Dashboard, key("r")), Some(Action::Rollback));
        assert_eq!(km.action(Mode::Dashboard, key("shift-tab")), Some(Action::FocusPrev));
        assert_eq!(km.action(Mode::Dashboard, key("R")), None);
        assert_eq!(km.action(Mode::Plan, key("enter")), Some(Action::Submit));
        assert_eq!(km.action(Mode::Plan, key("r")), None, "r types in a plan");
        assert_eq!(km.action(Mode::Confirm, key("y")), Some(Action::Yes));
    }

    #[test]
    fn every_action_has_a_default_key_in_each_of_its_modes() {
        let km = Keymap::defaults().expect("defaults");
        for &action in Action::ALL {
            for &mode in action.modes() {
                assert!(km.hint(mode, action).is_some(), "{} has no default key in {}", action.name(), mode.name());
            }
        }
    }
}
