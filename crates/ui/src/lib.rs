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
    /// With a scrolling overlay open (help, a peek's messages, a plan): the largest offset that still fills it at this
    /// size (lines).
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
        let msg = format!("terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{})  ", area.width, area.height);
        // The keys still act: say how to leave (or, with a popup open, its own keys).
        let keys = if state.ui.popup.is_none() { &hints::TOO_SMALL[..] } else { panes::footer::hints_now(state) };
        let mut line = vec![ratatui_core::text::Span::raw(msg)];
        line.extend(hints::spans(keymap, keys, ratatui_core::style::Style::new()));
        frame.render_widget(
            Paragraph::new(Line::from(line)).wrap(ratatui_widgets::paragraph::Wrap { trim: true }),
            area,
        );
        return Drawn::default();
    }
    let density = if area.width >= 140 && area.height >= 40 { Density::Rich } else { Density::Compact };
    // The likely trigger, when there is one, gets its own line under the header: the first thing read.
    let trigger = state.analysis.trigger_within(area.width.saturating_sub(3) as usize);
    // Failing credentials come before everything: no number below is current, and no operation can run.
    let banner = if state.credentials.is_some() { panes::credentials::HEIGHT } else { 0 };
    // A long message (an error, a refusal) takes a second footer row where the panes can spare it: not at 80×24,
    // and not under a popup, which covers the rows above the last.
    let tall = area.height >= 30 && state.ui.popup.is_none();
    let footer_rows = panes::footer::height(state, keymap, area.width, tall);
    let [header, targets_area, banner_area, trigger_area, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(panes::targets::height(state, area.height)),
        Constraint::Length(banner),
        Constraint::Length(u16::from(trigger.is_some())),
        Constraint::Min(0),
        Constraint::Length(footer_rows),
    ])
    .areas(area);
    panes::header::render(frame, header, state);
    panes::targets::render(frame, targets_area, state);
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
    panes::functions::render(frame, areas.functions, state, density);
    panes::timeline::render(frame, areas.timeline, state, density);
    panes::footer::render(frame, footer, state, keymap);
    let drawn = Drawn { help_last_offset: popups::render(frame, area, state, keymap) };
    theme::apply(frame.buffer_mut(), state.ui.theme);
    drawn
}

/// The lines the queue pane's verdict takes in a compact pane `room` cells wide (none without a verdict).
fn verdict_lines(state: &State, room: usize) -> u16 {
    panes::queues::selected(state, &state.rows().queues())
        .and_then(|q| state.analysis.verdict(&q.name))
        .map_or(0, |v| u16::try_from(panes::queues::verdict_lines(v, room, Density::Compact).len()).unwrap_or(1))
}

/// Where each pane goes.
struct PaneAreas {
    alarms: Rect,
    queues: Rect,
    dlqs: Rect,
    database: Rect,
    functions: Rect,
    timeline: Rect,
}

/// The fewest lines a pane gets: its border and one row.
const MIN_PANE: u16 = 3;

/// The lines each compact pane needs to show every row it has now (border included): a row and its
/// sparkline for queues, functions and instances, a line for an alarm or a dead-letter queue.
struct Wants {
    alarms: u16,
    queues: u16,
    dlqs: u16,
    functions: u16,
    database: u16,
}

impl Wants {
    fn of(state: &State, room: usize) -> Wants {
        let rows = state.rows();
        let n = |len: usize| u16::try_from(len).unwrap_or(u16::MAX).max(1);
        let clusters = u16::try_from(state.data.clusters.len()).unwrap_or(u16::MAX);
        Wants {
            alarms: 2 + n(rows.alarms().len()),
            queues: 2 + 2 * n(rows.queues().len()) + verdict_lines(state, room),
            dlqs: 2 + n(rows.dlqs().len()),
            functions: 2 + 2 * n(rows.deploys().len()),
            database: 2
                + clusters.max(1)
                + 2 * n(rows.instances().len())
                + u16::try_from(panes::top_sql::pane_lines(state, 80).len()).unwrap_or(0),
        }
    }
}

/// Splits `total` lines among panes that want `wants[i]` lines each, by what they hold: the `stretch` pane (the
/// list that grows with the account: alarms, the timeline) first keeps what it wants up to a third of the
/// column, so that forty DLQs cannot starve it; every pane keeps `MIN_PANE`; then the rest is shared evenly,
/// smallest wants first, each taking no more than it wants: a pane of one queue shows its queue whole, and four
/// DLQs cannot leave fifty queues a single row. The stretch pane takes what is left.
fn share(total: u16, wants: &[u16], stretch: usize) -> Vec<u16> {
    let mut order: Vec<usize> = (0..wants.len()).filter(|&i| i != stretch).collect();
    order.sort_by_key(|&i| wants[i]);
    let mut lines = vec![MIN_PANE; wants.len()];
    lines[stretch] = wants[stretch].min(total / 3).max(MIN_PANE);
    let mut left = total.saturating_sub(lines.iter().sum());
    for (k, &i) in order.iter().enumerate() {
        // An even share of what is left among the panes not yet served; what a small pane leaves goes on to the
        // bigger ones after it (the odd line to the biggest).
        let even = left / u16::try_from(order.len() - k).unwrap_or(1);
        let more = wants[i].saturating_sub(MIN_PANE).min(even);
        lines[i] += more;
        left -= more;
    }
    lines[stretch] += left;
    lines
}

/// Two columns: alarms, queues, DLQs and functions on the left; database and timeline on the right. Rows are
/// shared by content (`share`), so that an account with one queue and forty alarms shows the queue whole.
fn compact(body: Rect, state: &State) -> PaneAreas {
    let [left, right] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
    let wants = Wants::of(state, left.width.saturating_sub(2) as usize);
    let heights = share(left.height, &[wants.alarms, wants.queues, wants.dlqs, wants.functions], 0);
    let [alarms, queues, dlqs, functions] =
        Layout::vertical(heights.iter().map(|h| Constraint::Length(*h))).areas(left);
    // The timeline wants every line it can get.
    let heights = share(right.height, &[wants.database, u16::MAX], 1);
    let [database, timeline] = Layout::vertical(heights.iter().map(|h| Constraint::Length(*h))).areas(right);
    PaneAreas { alarms, queues, dlqs, database, functions, timeline }
}

/// Three bands: alarms and queues; DLQs and functions beside the database chart; the timeline. Read row by
/// row, the panes come in the order compact's columns give them, which is the tab order.
fn rich(body: Rect) -> PaneAreas {
    let [top, middle, timeline] =
        Layout::vertical([Constraint::Percentage(30), Constraint::Percentage(38), Constraint::Min(6)]).areas(body);
    let [alarms, queues] = Layout::horizontal([Constraint::Percentage(38), Constraint::Percentage(62)]).areas(top);
    let [side, database] = Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(middle);
    let [dlqs, functions] = Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(side);
    PaneAreas { alarms, queues, dlqs, database, functions, timeline }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_shared_by_what_each_pane_holds() {
        // 21 lines; alarms want 14, one queue 5, one DLQ 3, one function 4: the small ones whole, alarms the rest.
        assert_eq!(share(21, &[14, 5, 3, 4], 0), vec![9, 5, 3, 4]);
        // Room to spare: the stretch pane takes it.
        assert_eq!(share(30, &[4, 5, 3, 4], 0), vec![18, 5, 3, 4]);
        // Too little for everyone's want: the stretch pane keeps a third, every pane keeps its minimum, the odd
        // line goes to the biggest want.
        assert_eq!(share(14, &[14, 9, 3, 7], 0), vec![4, 4, 3, 3]);
        // Fifty queues beside four DLQs and four functions (80×24, four targets): shared evenly, not the DLQs
        // whole and the queues one row.
        assert_eq!(share(19, &[20, 106, 6, 10], 0), vec![6, 5, 4, 4]);
        assert_eq!(share(40, &[20, 106, 6, 10], 0), vec![13, 11, 6, 10]);
        assert_eq!(share(8, &[14, 9, 3, 7], 0), vec![3, 3, 3, 3], "below the minimum: the layout clips");
        // Twelve instances cannot take the timeline's every line (the right column).
        assert_eq!(share(20, &[32, u16::MAX], 1), vec![14, 6]);
        // Forty DLQs leave the alarms their third.
        assert_eq!(share(21, &[14, 5, 42, 4], 0), vec![7, 5, 5, 4]);
    }
}
