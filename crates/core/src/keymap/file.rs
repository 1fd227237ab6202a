//! Reading a keymap file: `key = "action"` lines under a table per mode (`[dashboard]`, `[plan]`, `[text]`,
//! `[confirm]`; lines before any table are the dashboard's, as keymaps were written before modes). Every error
//! names the file, the line and the column.

use toml::de::{DeString, DeTable, DeValue};

use super::key::Key;
use crate::action::{Action, Mode};
use crate::files::FileError;
use crate::text::line_col;

/// One line of a keymap file.
pub(super) struct Line {
    pub mode: Mode,
    pub key: Key,
    /// `None` unbinds the key (`"none"`).
    pub action: Option<Action>,
    pub line: usize,
}

type Entry<'a> = (&'a toml::Spanned<DeString<'a>>, &'a toml::Spanned<DeValue<'a>>);

pub(super) fn parse(src: &str, name: &str) -> Result<Vec<Line>, FileError> {
    let at = |offset: usize, message: String| {
        let (line, column) = line_col(src, offset);
        FileError { path: name.to_string(), line: Some(line), column: Some(column), message }
    };
    let table = DeTable::parse(src).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        at(offset, format!("not valid TOML: {}", e.message()))
    })?;
    let mut entries: Vec<(Mode, Entry)> = Vec::new();
    for (key, value) in table.get_ref().iter() {
        match value.get_ref() {
            DeValue::Table(inner) => {
                let mode = Mode::from_name(key.get_ref()).ok_or_else(|| {
                    let modes: Vec<_> = Mode::ALL.iter().map(|m| m.name()).collect();
                    at(key.span().start, format!("unknown mode `[{}]`; modes: {}", key.get_ref(), modes.join(", ")))
                })?;
                entries.extend(inner.iter().map(|entry| (mode, entry)));
            }
            _ => entries.push((Mode::Dashboard, (key, value))),
        }
    }
    entries.sort_by_key(|(_, (k, _))| k.span().start);

    let mut lines: Vec<Line> = Vec::new();
    for (mode, (key, value)) in entries {
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
            name => Some(action_in(mode, name).map_err(|m| at(value.span().start, m))?),
        };
        if mode.types_text() && action.is_some() && parsed.typed_char().is_some() {
            return Err(at(
                key_offset,
                format!(
                    "`{parsed}` types a character in {} mode, so it cannot be bound there; use a named key or ctrl-/alt-",
                    mode.name()
                ),
            ));
        }
        let (line, _) = line_col(src, key_offset);
        if let Some(first) = lines.iter().find(|b| b.mode == mode && b.key == parsed) {
            return Err(at(
                key_offset,
                format!(
                    "key `{parsed}` is bound twice in {} mode (line {} and line {line}); keep one",
                    mode.name(),
                    first.line
                ),
            ));
        }
        lines.push(Line { mode, key: parsed, action, line });
    }
    Ok(lines)
}

/// The action named `name`, if it can be bound in `mode`; else what can.
fn action_in(mode: Mode, name: &str) -> Result<Action, String> {
    let names = || Action::of_mode(mode).map(Action::name).collect::<Vec<_>>().join(", ");
    match Action::from_name(name) {
        Some(action) if action.belongs_to(mode) => Ok(action),
        Some(action) => Err(format!(
            "`{name}` is not a {} action (it belongs to {}); {} actions: {}, none",
            mode.name(),
            action.modes().iter().map(|m| m.name()).collect::<Vec<_>>().join(", "),
            mode.name(),
            names()
        )),
        None => Err(format!("unknown action `{name}`; known {} actions: {}, none", mode.name(), names())),
    }
}
