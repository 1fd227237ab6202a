//! Keys typed into text fields: the confirmation, a note, the filter, the quit question.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Effect, Popup, REDRIVE_RATES, State};
use crate::ops::Op;

/// The edit a key makes to a line of text, or what it means instead.
enum Edit {
    Changed,
    Submit,
    Cancel,
    Other(KeyCode),
}

fn edit(text: &mut String, key: KeyEvent) -> Edit {
    match key.code {
        KeyCode::Enter => Edit::Submit,
        KeyCode::Esc => Edit::Cancel,
        KeyCode::Backspace => {
            text.pop();
            Edit::Changed
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            text.clear();
            Edit::Changed
        }
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Edit::Cancel,
        KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
            // Bounded: a stuck key or a paste cannot grow the field without limit.
            if text.chars().count() < 500 {
                text.push(c);
            }
            Edit::Changed
        }
        other => Edit::Other(other),
    }
}

impl State {
    pub(super) fn handle_input(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(popup) = self.ui.popup.take() else { return Vec::new() };
        match popup {
            Popup::Plan(mut plan) => match edit(&mut plan.typed, key) {
                Edit::Cancel => self.notice = Some("cancelled; nothing was called".to_string()),
                Edit::Submit if plan.confirmable() => return self.confirm(plan.plan.op),
                // Enter on a mismatch does nothing: the popup stays, the typed text stays.
                Edit::Submit | Edit::Changed => self.ui.popup = Some(Popup::Plan(plan)),
                Edit::Other(code @ (KeyCode::Up | KeyCode::Down | KeyCode::Left | KeyCode::Right)) => {
                    if let Op::Redrive { .. } = plan.plan.op {
                        let destinations = self.redrive_destinations().len();
                        let (r, d) = (plan.rate_index, plan.destination_index);
                        match code {
                            KeyCode::Up => plan.rate_index = (r + 1).min(REDRIVE_RATES.len() - 1),
                            KeyCode::Down => plan.rate_index = r.saturating_sub(1),
                            KeyCode::Right => plan.destination_index = (d + 1) % destinations,
                            _ => plan.destination_index = (d + destinations - 1) % destinations,
                        }
                        self.rebuild_redrive_plan(&mut plan);
                    }
                    self.ui.popup = Some(Popup::Plan(plan));
                }
                Edit::Other(_) => self.ui.popup = Some(Popup::Plan(plan)),
            },
            Popup::Note(mut text) => match edit(&mut text, key) {
                Edit::Submit => return self.add_note(text),
                Edit::Cancel => {}
                _ => self.ui.popup = Some(Popup::Note(text)),
            },
            Popup::Filter(mut text) => match edit(&mut text, key) {
                Edit::Submit => self.set_filter(text),
                Edit::Cancel => self.set_filter(String::new()),
                _ => {
                    // The filter applies as it is typed.
                    self.set_filter(text.clone());
                    self.ui.popup = Some(Popup::Filter(text));
                }
            },
            Popup::QuitConfirm => match key.code {
                KeyCode::Char('y' | 'Y') => self.quit = true,
                KeyCode::Char('n' | 'N') | KeyCode::Esc | KeyCode::Enter => {}
                _ => self.ui.popup = Some(Popup::QuitConfirm),
            },
            other => self.ui.popup = Some(other),
        }
        Vec::new()
    }
}
