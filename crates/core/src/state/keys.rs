//! Keys: which keymap mode the state is in, a key resolved through the keymap into an action (or a typed
//! character), and the actions of the plan, text and confirm modes. The app and the tests go through `press`, so
//! what a test types is what the user's keys do.

use super::{Effect, Msg, Notice, Popup, REDRIVE_RATES, RollbackWay, State};
use crate::action::{Action, Mode};
use crate::keymap::{Key, Keymap, parse_keys};
use crate::operation::{ConsumerChange, MAX_CONCURRENCY_STEPS, Op};

/// A field holds at most this many characters: a stuck key or a paste cannot grow it without limit.
const MAX_TYPED: usize = 500;

impl State {
    /// The keymap mode keys are read in now: the open popup's, else the dashboard's.
    pub fn key_mode(&self) -> Mode {
        match self.ui.popup {
            Some(Popup::Plan(_)) => Mode::Plan,
            Some(Popup::Note(_) | Popup::Filter(_)) => Mode::Text,
            Some(Popup::QuitConfirm) => Mode::Confirm,
            Some(Popup::Logs(ref view)) if view.typing => Mode::Text,
            Some(Popup::Logs(_)) => Mode::Logs,
            Some(
                Popup::Help { .. } | Popup::Changes | Popup::Calls { .. } | Popup::Detail(_) | Popup::Messages { .. },
            )
            | None => Mode::Dashboard,
        }
    }

    /// One key, as the user pressed it: its action in the current mode, else the character it types into an
    /// open field.
    pub fn press(&mut self, keymap: &Keymap, key: Key) -> Vec<Effect> {
        let mode = self.key_mode();
        if let Some(action) = keymap.action(mode, key) {
            return self.update(Msg::Action(action));
        }
        match (mode.types_text(), key.typed_char()) {
            (true, Some(c)) => self.update(Msg::Type(c)),
            (false, Some(c)) => {
                // An unbound letter whose other case does something (the cautious keymap moves operations to
                // Shift): say which key does it, rather than nothing.
                let other = if c.is_ascii_lowercase() { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() };
                let twin = Key { code: crate::keymap::KeyCode::Char(other), ..key };
                if other != c
                    && let Some(action) = keymap.action(mode, twin)
                {
                    self.notice = Some(Notice::Info(format!(
                        "{c} is not bound here; {other} is {} ({})",
                        action.name(),
                        action.description()
                    )));
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Keys as a test or a script writes them (`"r orders-consumer <enter>"`, see `keymap::parse_keys`), pressed
    /// one by one; the effects of all of them. Errors name a key string that does not parse.
    pub fn press_keys(&mut self, keymap: &Keymap, keys: &str) -> Result<Vec<Effect>, String> {
        Ok(parse_keys(keys)?.into_iter().flat_map(|key| self.press(keymap, key)).collect())
    }

    pub(super) fn handle_action(&mut self, action: Action) -> Vec<Effect> {
        match self.key_mode() {
            Mode::Dashboard => self.dashboard_action(action),
            Mode::Plan => self.plan_action(action),
            Mode::Text => self.text_action(action),
            Mode::Logs => {
                self.logs_action(action);
                Vec::new()
            }
            Mode::Confirm => {
                match action {
                    Action::Yes => self.quit = true,
                    Action::No => self.ui.popup = None,
                    _ => {}
                }
                Vec::new()
            }
        }
    }

    pub(super) fn type_char(&mut self, c: char) {
        let field = match &mut self.ui.popup {
            Some(Popup::Plan(plan)) => &mut plan.typed,
            Some(Popup::Note(text) | Popup::Filter(text)) => text,
            Some(Popup::Logs(view)) if view.typing => {
                view.offset = 0;
                &mut view.filter
            }
            _ => return,
        };
        if field.chars().count() < MAX_TYPED {
            field.push(c);
        }
        // The filter applies as it is typed.
        if let Some(Popup::Filter(text)) = &self.ui.popup {
            let text = text.clone();
            self.set_filter(text);
        }
    }

    fn plan_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(Popup::Plan(mut plan)) = self.ui.popup.take() else { return Vec::new() };
        match action {
            Action::Cancel => {
                self.notice = Some(Notice::Info("cancelled; nothing was called".to_string()));
                return Vec::new();
            }
            Action::Submit if plan.confirmable() => return self.confirm(plan.plan.op),
            // Submit on a mismatch runs nothing: the popup stays, the typed text stays, and the status line says
            // what would run it.
            Action::Submit => {
                self.notice = Some(Notice::Info(match &plan.blocked {
                    Some(why) => format!("this plan cannot run: {why}"),
                    None => {
                        format!("not run: type {} exactly to confirm (typed \"{}\")", plan.plan.op.target(), plan.typed)
                    }
                }));
            }
            Action::DeleteChar => {
                plan.typed.pop();
            }
            Action::ClearText => plan.typed.clear(),
            Action::ScrollDown => plan.scroll = plan.scroll.saturating_add(3),
            Action::ScrollUp => plan.scroll = plan.scroll.saturating_sub(3),
            Action::RateUp
            | Action::RateDown
            | Action::NextDestination
            | Action::PreviousDestination
            | Action::OtherWay => {
                if let Op::Redrive { .. } = plan.plan.op {
                    let destinations = self.redrive_destinations().len();
                    let (r, d) = (plan.rate_index, plan.destination_index);
                    match action {
                        Action::RateUp => plan.rate_index = (r + 1).min(REDRIVE_RATES.len() - 1),
                        Action::RateDown => plan.rate_index = r.saturating_sub(1),
                        Action::NextDestination => plan.destination_index = (d + 1) % destinations,
                        _ => plan.destination_index = (d + destinations - 1) % destinations,
                    }
                    self.rebuild_redrive_plan(&mut plan);
                } else if plan.plan.op.is_rollback() && action == Action::OtherWay {
                    plan.way = match plan.way {
                        RollbackWay::Pin => RollbackWay::Restore { publish: false },
                        RollbackWay::Restore { .. } => RollbackWay::Pin,
                    };
                    self.rebuild_rollback_plan(&mut plan);
                } else if let RollbackWay::Restore { publish } = &mut plan.way
                    && matches!(action, Action::RateUp | Action::RateDown)
                {
                    *publish = action == Action::RateUp;
                    self.rebuild_rollback_plan(&mut plan);
                } else if plan.plan.op.is_rollback()
                    && matches!(action, Action::NextDestination | Action::PreviousDestination)
                {
                    // A rollback's destination is its target version: ←/→ pick among the published ones.
                    let targets = self.rollback_targets().len().max(1);
                    let d = plan.destination_index;
                    plan.destination_index = match action {
                        Action::NextDestination => (d + 1) % targets,
                        _ => (d + targets - 1) % targets,
                    };
                    self.rebuild_rollback_plan(&mut plan);
                } else if let Op::Consumer { change: ConsumerChange::Throttle { .. }, .. } = plan.plan.op
                    && matches!(action, Action::RateUp | Action::RateDown)
                {
                    let r = plan.rate_index;
                    plan.rate_index = match action {
                        Action::RateUp => (r + 1).min(MAX_CONCURRENCY_STEPS.len() - 1),
                        _ => r.saturating_sub(1),
                    };
                    self.rebuild_throttle_plan(&mut plan);
                }
            }
            _ => {}
        }
        self.ui.popup = Some(Popup::Plan(plan));
        Vec::new()
    }

    fn text_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(popup) = self.ui.popup.take() else { return Vec::new() };
        let (mut text, is_note) = match popup {
            Popup::Note(text) => (text, true),
            Popup::Filter(text) => (text, false),
            // The log view's filter: it applies as typed; enter keeps it, esc clears it.
            Popup::Logs(mut view) => {
                match action {
                    Action::Submit => view.typing = false,
                    Action::Cancel => {
                        view.typing = false;
                        view.filter.clear();
                    }
                    Action::DeleteChar => {
                        view.filter.pop();
                    }
                    Action::ClearText => view.filter.clear(),
                    _ => {}
                }
                self.ui.popup = Some(Popup::Logs(view));
                return Vec::new();
            }
            other => {
                self.ui.popup = Some(other);
                return Vec::new();
            }
        };
        match action {
            Action::Submit if is_note => return self.add_note(text),
            Action::Submit => {
                self.set_filter(text);
                return Vec::new();
            }
            Action::Cancel => {
                if !is_note {
                    self.set_filter(String::new());
                }
                return Vec::new();
            }
            Action::DeleteChar => {
                text.pop();
            }
            Action::ClearText => text.clear(),
            _ => {}
        }
        if !is_note {
            self.set_filter(text.clone());
        }
        self.ui.popup = Some(if is_note { Popup::Note(text) } else { Popup::Filter(text) });
        Vec::new()
    }
}
