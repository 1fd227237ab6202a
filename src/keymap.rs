//! Key bindings: `keymaps/default.toml` is compiled in; a user file overrides it key by key.
//! Errors name the file and line, so a typo at 3 a.m. is found in seconds.

use std::fmt;
use std::path::Path;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use toml::de::{DeTable, DeValue};

use crate::action::Action;
use crate::config::{FileError, read_text_file};
use crate::text::line_col;

pub const DEFAULT_KEYMAP: &str = include_str!("../keymaps/default.toml");
const DEFAULT_NAME: &str = "keymaps/default.toml (built in)";

/// A key with the modifiers that matter. Shift is folded into the character (`R`), as terminals report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    code: KeyCode,
    modifiers: KeyModifiers,
}

impl Key {
    pub fn from_event(ev: &KeyEvent) -> Key {
        let keep = KeyModifiers::CONTROL | KeyModifiers::ALT;
        let mut modifiers = ev.modifiers & keep;
        let code = match ev.code {
            KeyCode::Tab if ev.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            other => other,
        };
        if let KeyCode::Char(c) = code {
            // Some terminals report ctrl-c as Char('c') + CONTROL, others as upper case; keep it lower.
            if modifiers.contains(KeyModifiers::CONTROL) {
                return Key { code: KeyCode::Char(c.to_ascii_lowercase()), modifiers };
            }
        }
        if code == KeyCode::BackTab {
            modifiers.remove(KeyModifiers::SHIFT);
        }
        Key { code, modifiers }
    }

    pub fn parse(spec: &str) -> Result<Key, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = spec;
        let mut shift = false;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 1 && lower.starts_with("ctrl-") {
                modifiers |= KeyModifiers::CONTROL;
                rest = &rest[5..];
            } else if rest.len() > 1 && lower.starts_with("alt-") {
                modifiers |= KeyModifiers::ALT;
                rest = &rest[4..];
            } else if rest.len() > 1 && lower.starts_with("shift-") {
                shift = true;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() && c != ' ' => {
                let c = if shift { c.to_ascii_uppercase() } else { c };
                let c = if modifiers.contains(KeyModifiers::CONTROL) { c.to_ascii_lowercase() } else { c };
                KeyCode::Char(c)
            }
            _ => named_key(&rest.to_ascii_lowercase(), shift).ok_or_else(|| {
                format!("unknown key `{spec}` (expected a character, or a name such as enter, esc, tab, up, f1)")
            })?,
        };
        Ok(Key { code, modifiers })
    }
}

fn named_key(name: &str, shift: bool) -> Option<KeyCode> {
    Some(match name {
        "tab" if shift => KeyCode::BackTab,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "space" => KeyCode::Char(' '),
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" => KeyCode::Insert,
        f if f.starts_with('f') => KeyCode::F(f[1..].parse().ok().filter(|n| (1..=12).contains(n))?),
        _ => return None,
    })
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::F(n) => write!(f, "f{n}"),
            KeyCode::PageUp => f.write_str("pageup"),
            KeyCode::PageDown => f.write_str("pagedown"),
            other => f.write_str(&format!("{other}").to_ascii_lowercase()),
        }
    }
}

/// The active bindings, in file order (defaults first, then overrides), so help lists keys predictably.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Key, Action)>,
}

struct Binding {
    key: Key,
    action: Option<Action>,
    line: usize,
}

impl Keymap {
    /// The built-in defaults, merged with `user` when given.
    pub fn load(user: Option<&Path>) -> Result<Keymap, FileError> {
        let mut keymap = Keymap::defaults()?;
        if let Some(path) = user {
            let src = read_text_file(path)?;
            keymap.merge(parse_bindings(&src, &path.display().to_string())?);
        }
        Ok(keymap)
    }

    pub fn defaults() -> Result<Keymap, FileError> {
        let mut keymap = Keymap { bindings: Vec::new() };
        keymap.merge(parse_bindings(DEFAULT_KEYMAP, DEFAULT_NAME)?);
        Ok(keymap)
    }

    /// Parses `src` as a keymap file named `name` and merges it over the defaults.
    pub fn from_user_str(src: &str, name: &str) -> Result<Keymap, FileError> {
        let mut keymap = Keymap::defaults()?;
        keymap.merge(parse_bindings(src, name)?);
        Ok(keymap)
    }

    fn merge(&mut self, overrides: Vec<Binding>) {
        for b in overrides {
            self.bindings.retain(|(k, _)| *k != b.key);
            if let Some(action) = b.action {
                self.bindings.push((b.key, action));
            }
        }
    }

    pub fn action_for(&self, ev: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        self.bindings.iter().find(|(k, _)| *k == key).map(|(_, a)| *a)
    }

    /// The keys bound to `action`, as they would be written in a keymap file.
    pub fn keys_for(&self, action: Action) -> Vec<String> {
        self.bindings.iter().filter(|(_, a)| *a == action).map(|(k, _)| k.to_string()).collect()
    }

    /// The first key bound to `action`, for hints ("press r to roll back").
    pub fn hint(&self, action: Action) -> Option<String> {
        self.keys_for(action).into_iter().next()
    }

    /// A Markdown table of every action and its keys: the README's key table is this, checked by a test.
    pub fn markdown_table(&self) -> String {
        let mut out = String::from("| key | action | what it does |\n| --- | --- | --- |\n");
        for &action in Action::ALL {
            let keys = self.keys_for(action);
            let keys = if keys.is_empty() {
                "(unbound)".to_string()
            } else {
                keys.iter().map(|k| format!("`{}`", k.replace('|', "\\|"))).collect::<Vec<_>>().join(" ")
            };
            out.push_str(&format!("| {keys} | `{}` | {} |\n", action.name(), action.description()));
        }
        out
    }
}

fn parse_bindings(src: &str, name: &str) -> Result<Vec<Binding>, FileError> {
    let at = |offset: usize, message: String| {
        let (line, column) = line_col(src, offset);
        FileError { path: name.to_string(), line: Some(line), column: Some(column), message }
    };
    let table = DeTable::parse(src).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        at(offset, format!("not valid TOML: {}", e.message()))
    })?;
    let mut entries: Vec<_> = table.get_ref().iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);

    let mut bindings: Vec<Binding> = Vec::new();
    for (key, value) in entries {
        let key_offset = key.span().start;
        let parsed = Key::parse(key.get_ref()).map_err(|m| at(key_offset, m))?;
        let action_name = match value.get_ref() {
            DeValue::String(s) => s.as_ref(),
            DeValue::Table(_) => {
                return Err(at(key_offset, format!("`{}` is a table; expected `key = \"action\"`", key.get_ref())));
            }
            _ => {
                return Err(at(
                    value.span().start,
                    format!("the action for `{}` must be a string such as \"rollback\"", key.get_ref()),
                ));
            }
        };
        let action = match action_name {
            "none" => None,
            name => Some(Action::from_name(name).ok_or_else(|| {
                let known: Vec<_> = Action::ALL.iter().map(|a| a.name()).collect();
                at(value.span().start, format!("unknown action `{name}`; known actions: {}, none", known.join(", ")))
            })?),
        };
        let (line, _) = line_col(src, key_offset);
        if let Some(first) = bindings.iter().find(|b| b.key == parsed) {
            return Err(at(
                key_offset,
                format!("key `{parsed}` is bound twice (line {} and line {line}); keep one", first.line),
            ));
        }
        bindings.push(Binding { key: parsed, action, line });
    }
    Ok(bindings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn parses_and_prints_keys() {
        for spec in ["r", "R", "?", "/", "enter", "esc", "tab", "shift-tab", "ctrl-c", "alt-x", "f5", "space"] {
            let key = Key::parse(spec).expect(spec);
            assert_eq!(key.to_string(), spec);
        }
        assert_eq!(Key::parse("shift-r").expect("shift-r").to_string(), "R");
        assert!(Key::parse("hyper-q").is_err());
        assert!(Key::parse("f13").is_err());
    }

    #[test]
    fn events_match_their_spelling() {
        let km = Keymap::defaults().expect("defaults");
        assert_eq!(km.action_for(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)), Some(Action::FocusPrev));
        assert_eq!(km.action_for(&ev(KeyCode::Char('r'), KeyModifiers::NONE)), Some(Action::Rollback));
        assert_eq!(km.action_for(&ev(KeyCode::Char('R'), KeyModifiers::SHIFT)), None);
    }
}
