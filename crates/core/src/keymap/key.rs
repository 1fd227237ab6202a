//! The keymap's own key: what a keymap file names and what the terminal reader turns its events into. No
//! terminal library here, so the state and its tests speak keys without a terminal.

use std::fmt;

/// A key without its modifiers. Shift is folded into the character (`R`), as terminals report it, and into
/// `BackTab` for shift-tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCode {
    /// A printable character (space included).
    Char(char),
    /// Enter (Return).
    Enter,
    /// Escape.
    Esc,
    /// Tab.
    Tab,
    /// Shift-tab.
    BackTab,
    /// Backspace.
    Backspace,
    /// Delete.
    Delete,
    /// Insert.
    Insert,
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Arrow left.
    Left,
    /// Arrow right.
    Right,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Home.
    Home,
    /// End.
    End,
    /// A function key, 1 to 12.
    F(u8),
}

/// A key with the modifiers that matter: ctrl and alt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Control held (a ctrl character is always lower case: terminals differ in how they report it).
    pub ctrl: bool,
    /// Alt (Meta) held.
    pub alt: bool,
}

impl Key {
    /// A key without modifiers.
    pub const fn plain(code: KeyCode) -> Key {
        Key { code, ctrl: false, alt: false }
    }

    /// `code` with ctrl and alt as given; a ctrl character is folded to lower case.
    pub fn new(code: KeyCode, ctrl: bool, alt: bool) -> Key {
        let code = match code {
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        Key { code, ctrl, alt }
    }

    /// The character this key types into a text field, if it types one (no ctrl, no alt).
    pub fn typed_char(self) -> Option<char> {
        match self.code {
            KeyCode::Char(c) if !self.ctrl && !self.alt => Some(c),
            _ => None,
        }
    }

    /// Parses a key as a keymap file writes it: a character (`r`, `R`, `?`), or a name (`enter`, `esc`, `tab`,
    /// `shift-tab`, `space`, `up`, `f5`, …), optionally after `ctrl-`, `alt-` and `shift-`. The error says what
    /// was expected.
    pub fn parse(spec: &str) -> Result<Key, String> {
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        let mut rest = spec;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 1 && lower.starts_with("ctrl-") {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.len() > 1 && lower.starts_with("alt-") {
                alt = true;
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
                KeyCode::Char(if shift { c.to_ascii_uppercase() } else { c })
            }
            _ => named_key(&rest.to_ascii_lowercase(), shift).ok_or_else(|| {
                format!("unknown key `{spec}` (expected a character, or a name such as enter, esc, tab, up, f1)")
            })?,
        };
        Ok(Key::new(code, ctrl, alt))
    }
}

/// The key names a keymap file may write besides characters and `f1`..`f12` (a few aliases are accepted too:
/// `return`, `escape`, `backtab`, `del`).
pub const NAMED_KEYS: [&str; 16] = [
    "enter",
    "esc",
    "tab",
    "shift-tab",
    "space",
    "up",
    "down",
    "left",
    "right",
    "pageup",
    "pagedown",
    "home",
    "end",
    "backspace",
    "delete",
    "insert",
];

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

/// Keys as a test or a script types them: whitespace-separated tokens, each either `<name>` (one key as a keymap
/// file names it: `<enter>`, `<ctrl-u>`, `<space>`) or characters typed one by one. `"r orders-consumer <enter>"`
/// is `r`, then `o`, `r`, `d`, …, then Enter.
pub fn parse_keys(keys: &str) -> Result<Vec<Key>, String> {
    let mut out = Vec::new();
    for token in keys.split_whitespace() {
        match token.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
            Some(name) => out.push(Key::parse(name)?),
            None => out.extend(token.chars().map(|c| Key::plain(KeyCode::Char(c)))),
        }
    }
    Ok(out)
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("delete"),
            KeyCode::Insert => f.write_str("insert"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            KeyCode::PageUp => f.write_str("pageup"),
            KeyCode::PageDown => f.write_str("pagedown"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::F(n) => write!(f, "f{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_keys() {
        for spec in [
            "r",
            "R",
            "?",
            "/",
            "enter",
            "esc",
            "tab",
            "shift-tab",
            "ctrl-c",
            "alt-x",
            "f5",
            "space",
            "up",
            "backspace",
        ] {
            let key = Key::parse(spec).expect(spec);
            assert_eq!(key.to_string(), spec);
        }
        assert_eq!(Key::parse("shift-r").expect("shift-r").to_string(), "R");
        assert_eq!(Key::parse("ctrl-R").expect("ctrl-R"), Key::parse("ctrl-r").expect("ctrl-r"));
        assert!(Key::parse("hyper-q").is_err());
        assert!(Key::parse("f13").is_err());
    }

    #[test]
    fn key_strings_are_keys_and_typed_characters() {
        let keys = parse_keys("r ab <enter> <ctrl-u>").expect("keys");
        let names: Vec<String> = keys.iter().map(Key::to_string).collect();
        assert_eq!(names, ["r", "a", "b", "enter", "ctrl-u"]);
        assert_eq!(keys[1].typed_char(), Some('a'));
        assert_eq!(keys[4].typed_char(), None);
        assert!(parse_keys("<hyper-q>").is_err());
    }
}
