//! warroom's screen: `render` is a pure function of the state (and the keymap, for hints) into a ratatui frame.
//! This crate depends on warroom-core and on ratatui's core and widgets only: it cannot await, call AWS or touch
//! a terminal, because none of those is a dependency. One file per pane and per popup.

pub mod hints;
mod panes;
mod popups;
pub mod svg;
pub mod table;
pub mod text;
pub mod theme;
mod widgets;

use ratatui_core::layout::{Constraint, Layout, Rect};
use ratatui_core::terminal::Frame;
use ratatui_core::text::Line;
use ratatui_widgets::paragraph::Paragraph;

use warroom_core::keymap::Keymap;
use warroom_core::state::State;

/// The narrowest terminal the dashboard draws in; below it, it says so.
pub const MIN_WIDTH: u16 = 80;
/// The shortest terminal the dashboard draws in.
pub const MIN_HEIGHT: u16 = 24;

/// Compact tables and sparklines, or charts when there is room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Density {
    /// Below 140×40: two columns of panes, sparklines under the rows.
    Compact,
    /// 140×40 and up: three bands, charts beside the tables.
    Rich,
}

/// What the view measured while drawing, for the state to hold its scroll offsets to (the loop passes it
/// back as messages: the view itself never changes the state).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drawn {
    /// With the help overlay open: the largest offset that still fills it at this size (lines).
    pub help_last_offset: Option<usize>,
}

/// Draws the whole dashboard for `state` into `frame`; key hints come from `keymap`. `render_measured` also
/// returns what the state needs to hold its scroll offsets; the loop uses that one.
pub fn render(frame: &mut Frame, state: &State, keymap: &Keymap) {
    render_measured(frame, state, keymap);
}

/// `render`, returning what the view measured while drawing.
pub fn render_measured(frame: &mut Frame, state: &State, keymap: &Keymap) -> Drawn {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!("terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{})", area.width, area.height);
        frame
            .render_widget(Paragraph::new(Line::from(msg)).wrap(ratatui_widgets::paragraph::Wrap { trim: true }), area);
        return Drawn::default();
    }
    let density = if area.width >= 140 && area.height >= 40 { Density::Rich } else { Density::Compact };
    // The likely trigger, when there is one, gets its own line under the header: the first thing read.
    let trigger = state.analysis.trigger_within(area.width.saturating_sub(3) as usize);
    // Failing credentials come before everything: no number below is current, and no operation can run.
    let banner = if state.credentials.is_some() { panes::credentials::HEIGHT } else { 0 };
    let [header, banner_area, trigger_area, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner),
        Constraint::Length(u16::from(trigger.is_some())),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    panes::header::render(frame, header, state);
    panes::credentials::render(frame, banner_area, state);
    if let Some(line) = trigger {
        panes::trigger::render(frame, trigger_area, &line);
    }
    let areas = match density {
        Density::Compact => compact(body, state),
        Density::Rich => rich(body),
    };
    panes::alarms::render(frame, areas.alarms, state, density);
    panes::queues::render(frame, areas.queues, state, density);
    panes::dlqs::render(frame, areas.dlqs, state, density);
    panes::database::render(frame, areas.database, state, density);
    panes::deploys::render(frame, areas.deploys, state, density);
    panes::timeline::render(frame, areas.timeline, state, density);
    panes::footer::render(frame, footer, state, keymap);
    let drawn = Drawn { help_last_offset: popups::render(frame, area, state, keymap) };
    theme::apply(frame.buffer_mut(), state.ui.theme);
    drawn
}

/// One more line for the queue pane when it shows a verdict.
fn verdict_line(state: &State) -> u16 {
    u16::from(!state.analysis.verdicts.is_empty())
}

/// Where each pane goes.
struct PaneAreas {
    alarms: Rect,
    queues: Rect,
    dlqs: Rect,
    database: Rect,
    deploys: Rect,
    timeline: Rect,
}

/// Two columns: alarms, queues, DLQs and deploys on the left; database and timeline on the right.
fn compact(body: Rect, state: &State) -> PaneAreas {
    let [left, right] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
    // Queues, DLQs and deploys take what their rows need; alarms (of which a real account has many) take the rest.
    let [alarms, queues, dlqs, deploys] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(2 + 2 * (state.data.queues.len() as u16).clamp(1, 3) + verdict_line(state)),
        Constraint::Length(2 + (state.data.dlqs.len() as u16).clamp(1, 3)),
        Constraint::Length(2 + 2 * (state.data.functions.len() as u16).clamp(1, 3)),
    ])
    .areas(left);
    // A line per cluster and two per instance (its row and its sparkline), up to four instances.
    let instances = state.data.instances().count() as u16;
    let clusters = state.data.clusters.len() as u16;
    let database_height = 2 + clusters.clamp(1, 2) + 2 * instances.clamp(1, 4);
    let [database, timeline] = Layout::vertical([Constraint::Length(database_height), Constraint::Min(3)]).areas(right);
    PaneAreas { alarms, queues, dlqs, database, deploys, timeline }
}

/// Three bands: alarms and queues; the database chart beside DLQs and deploys; the timeline.
fn rich(body: Rect) -> PaneAreas {
    let [top, middle, timeline] =
        Layout::vertical([Constraint::Percentage(30), Constraint::Percentage(38), Constraint::Min(6)]).areas(body);
    let [alarms, queues] = Layout::horizontal([Constraint::Percentage(38), Constraint::Percentage(62)]).areas(top);
    let [database, side] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(middle);
    let [dlqs, deploys] = Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(side);
    PaneAreas { alarms, queues, dlqs, database, deploys, timeline }
}
