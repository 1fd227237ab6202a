//! The bottom line: the filter being typed, the latest notice, operations in progress, or key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::action::Action;
use crate::keymap::Keymap;
use crate::state::{Popup, State};
use crate::text::sanitize;
use crate::ui::theme;

pub fn render(frame: &mut Frame, area: Rect, state: &State, keymap: &Keymap) {
    let width = area.width as usize;
    let line = if let Some(Popup::Filter(text)) = &state.ui.popup {
        Line::from(vec![
            Span::styled("filter: ", theme::bold()),
            Span::raw(sanitize(text, width - 10)),
            Span::styled("█", theme::dim()),
        ])
    } else if let Some(notice) = &state.notice {
        let style =
            if notice.starts_with("refused") || notice.contains("failed") { theme::alarm() } else { theme::warn() };
        Line::from(Span::styled(sanitize(notice, width), style))
    } else if let Some(op) = state.operations.iter().rev().find(|o| o.phase.in_progress()) {
        Line::from(Span::styled(
            sanitize(&format!("{} · {} · {}", op.op.summary(), op.phase.label(), op.message), width),
            theme::warn(),
        ))
    } else if let Some(problem) = state.feeds.iter().flat_map(|f| f.problems.iter()).next() {
        Line::from(Span::styled(sanitize(&problem.text, width), theme::warn()))
    } else {
        hints(state, keymap, width)
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn hints(state: &State, keymap: &Keymap, width: usize) -> Line<'static> {
    let mut parts = Vec::new();
    if !state.ui.filter.is_empty() {
        parts.push(format!("filter \"{}\"", sanitize(&state.ui.filter, 20)));
    }
    let wanted: &[(Action, &str)] = &[
        (Action::Help, "help"),
        (Action::FocusNext, "pane"),
        (Action::OpenDetail, "detail"),
        (Action::Rollback, "rollback"),
        (Action::Reboot, "reboot"),
        (Action::Failover, "failover"),
        (Action::Redrive, "redrive"),
        (Action::AddNote, "note"),
        (Action::Filter, "filter"),
        (Action::Quit, "quit"),
    ];
    for (action, label) in wanted {
        if let Some(key) = keymap.hint(*action) {
            parts.push(format!("{key} {label}"));
        }
    }
    let mut text = parts.join("  ");
    if state.mode.read_only {
        text = format!("READ-ONLY: operations open a preview only · {text}");
    }
    Line::from(Span::styled(sanitize(&text, width), theme::dim()))
}
