//! One file per popup. Each draws over the dashboard in a cleared, centred box.

mod changes;
mod detail;
mod help;
mod note;
mod plan;
mod quit;

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::widgets::{Block, Clear};

use super::theme;
use crate::keymap::Keymap;
use crate::state::{Popup, State};

pub fn render(frame: &mut Frame, area: Rect, state: &State, keymap: &Keymap) {
    match &state.ui.popup {
        None | Some(Popup::Filter(_)) => {}
        Some(Popup::Help) => help::render(frame, area, keymap),
        Some(Popup::Changes) => changes::render(frame, area, state),
        Some(Popup::Plan(plan)) => plan::render(frame, area, state, plan),
        Some(Popup::Note(text)) => note::render(frame, area, text),
        Some(Popup::Detail(target)) => detail::render(frame, area, state, target),
        Some(Popup::QuitConfirm) => quit::render(frame, area, state),
    }
}

/// A centred box `width`×`height` (clamped to the screen), cleared, with a titled border; returns the inside.
pub fn popup_frame(frame: &mut Frame, area: Rect, width: u16, height: u16, title: &str, danger: bool) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center).areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(row);
    frame.render_widget(Clear, rect);
    let style = if danger { theme::alarm() } else { theme::focused_border() };
    let block = Block::bordered().border_style(style).title(format!(" {title} ")).title_style(style);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}
