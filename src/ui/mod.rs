//! Rendering: a pure function of `&State` (and the keymap, for hints). Never awaits, never calls AWS.

mod panes;
mod popups;
pub mod svg;
pub mod theme;
mod widgets;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::keymap::Keymap;
use crate::state::State;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Compact tables and sparklines, or charts when there is room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Density {
    Compact,
    Rich,
}

pub fn render(frame: &mut Frame, state: &State, keymap: &Keymap) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!("terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{})", area.width, area.height);
        frame.render_widget(Paragraph::new(Line::from(msg)).wrap(ratatui::widgets::Wrap { trim: true }), area);
        return;
    }
    let density = if area.width >= 140 && area.height >= 40 { Density::Rich } else { Density::Compact };
    let [header, body, footer] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
    panes::header::render(frame, header, state);
    match density {
        Density::Compact => compact(frame, body, state),
        Density::Rich => rich(frame, body, state),
    }
    panes::footer::render(frame, footer, state, keymap);
    popups::render(frame, area, state, keymap);
}

fn compact(frame: &mut Frame, body: Rect, state: &State) {
    let [left, right] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
    // Queues, DLQs and deploys take what their rows need; alarms (of which a real account has many) take the rest.
    let [a, q, d, f] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(2 + 2 * (state.data.queues.len() as u16).clamp(1, 3)),
        Constraint::Length(2 + (state.data.dlqs.len() as u16).clamp(1, 3)),
        Constraint::Length(2 + 2 * (state.data.functions.len() as u16).clamp(1, 3)),
    ])
    .areas(left);
    let instances = state.data.instances().count() as u16;
    let [db, tl] =
        Layout::vertical([Constraint::Length(2 + 1 + 2 * instances.clamp(1, 4)), Constraint::Min(3)]).areas(right);
    panes::alarms::render(frame, a, state, Density::Compact);
    panes::queues::render(frame, q, state, Density::Compact);
    panes::dlqs::render(frame, d, state, Density::Compact);
    panes::deploys::render(frame, f, state, Density::Compact);
    panes::database::render(frame, db, state, Density::Compact);
    panes::timeline::render(frame, tl, state, Density::Compact);
}

fn rich(frame: &mut Frame, body: Rect, state: &State) {
    let [top, middle, bottom] =
        Layout::vertical([Constraint::Percentage(30), Constraint::Percentage(38), Constraint::Min(6)]).areas(body);
    let [alarms, queues] = Layout::horizontal([Constraint::Percentage(38), Constraint::Percentage(62)]).areas(top);
    let [db, side] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(middle);
    let [dlqs, deploys] = Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(side);
    panes::alarms::render(frame, alarms, state, Density::Rich);
    panes::queues::render(frame, queues, state, Density::Rich);
    panes::database::render(frame, db, state, Density::Rich);
    panes::dlqs::render(frame, dlqs, state, Density::Rich);
    panes::deploys::render(frame, deploys, state, Density::Rich);
    panes::timeline::render(frame, bottom, state, Density::Rich);
}
