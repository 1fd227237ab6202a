//! The bottom line: the filter being typed, the latest notice, operations in progress, a failing call, or key
//! hints — every key named here comes from the active keymap.

use ratatui_core::layout::Rect;
use ratatui_core::style::Style;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::Paragraph;
use warroom_core::action::Action;
use warroom_core::keymap::Keymap;
use warroom_core::model::FailureKind;
use warroom_core::state::{Notice, Popup, State};

use crate::hints;
use crate::text::{sanitize, width};
use crate::theme;

/// The message the footer says instead of key hints, with its style: the latest notice, else an operation in
/// progress, else a failing call. `None` while the filter is typed, for the ctrl-c notice (keys only) and when
/// all is quiet.
fn message(state: &State) -> Option<(String, Style)> {
    if let Some(Popup::Filter(_)) = &state.ui.popup {
        return None;
    }
    match &state.notice {
        Some(Notice::Info(text)) => return Some((text.clone(), theme::warn())),
        Some(Notice::Problem(text)) => return Some((text.clone(), theme::alarm())),
        Some(Notice::HowToQuit) => return None,
        None => {}
    }
    if let Some(op) = state.operations.iter().rev().find(|o| o.phase.in_progress()) {
        return Some((format!("{} · {} · {}", op.op.summary(), op.phase.label(), op.message), theme::warn()));
    }
    state.problems().find(|p| p.problem.kind == FailureKind::Call).map(|p| (p.problem.to_string(), theme::warn()))
}

/// The footer's height at `width` cells: two rows when its message would be cut on one and the terminal is tall
/// enough to give a row (`tall`), so a long error reads whole; one otherwise.
pub fn height(state: &State, keymap: &Keymap, width: u16, tall: bool) -> u16 {
    let Some((text, _)) = message(state).filter(|_| tall) else { return 1 };
    let tail: usize =
        hints::spans(keymap, &essentials(state), Style::new()).iter().map(|s| self::width(&s.content)).sum();
    if self::width(&text) + tail + 2 > usize::from(width) { 2 } else { 1 }
}

/// Draws the footer into `area` (one row, or two for a long message: `height`).
pub fn render(frame: &mut Frame, area: Rect, state: &State, keymap: &Keymap) {
    let room = area.width as usize;
    if area.height > 1
        && let Some((text, style)) = message(state)
    {
        frame.render_widget(Paragraph::new(with_essentials_wrapped(&text, style, state, keymap, room)), area);
        return;
    }
    let line = if let Some(Popup::Filter(text)) = &state.ui.popup {
        let mut spans = vec![
            Span::styled("filter: ", theme::bold()),
            Span::raw(sanitize(text, room.saturating_sub(40).max(10))),
            Span::styled("█  ", theme::dim()),
        ];
        spans.extend(hints::spans(keymap, &hints::FILTER, theme::dim()));
        Line::from(spans)
    } else if let Some(Notice::HowToQuit) = &state.notice {
        let keys =
            if matches!(state.ui.popup, Some(Popup::Logs(_))) { &hints::HOW_TO_QUIT_LOGS } else { &hints::HOW_TO_QUIT };
        Line::from(hints::spans(keymap, keys, theme::warn()))
    } else if let Some((text, style)) = message(state) {
        with_essentials(&text, style, state, keymap, room)
    } else {
        let mut spans = Vec::new();
        // The publisher stopped: the one thing worth offering first.
        if state.following.as_ref().is_some_and(|f| f.lost()) {
            spans.extend(hints::spans(keymap, &hints::FOLLOW_STOPPED, theme::warn()));
            spans.push(Span::raw("  "));
        }
        if state.session.read_only {
            spans.push(Span::styled("READ-ONLY: operations open a preview only · ", theme::dim()));
        }
        if !state.ui.filter.is_empty() {
            spans.push(Span::styled(format!("filter \"{}\"  ", sanitize(&state.ui.filter, 20)), theme::dim()));
        }
        // An operation whose pane the filter (or the account) left empty has nothing to act on: its hint would
        // only take the place of one that does.
        let rows = state.rows();
        let acts = |h: &&hints::Hint| match h.action {
            Action::Rollback => rows.len(warroom_core::state::PaneId::Functions) > 0,
            Action::Reboot => !rows.instances().is_empty(),
            Action::Failover => !rows.instances().is_empty() || !rows.clusters_without_instances().is_empty(),
            Action::Redrive => !rows.dlqs().is_empty(),
            Action::ConsumerLogs => !rows.functions().is_empty() || !rows.queues().is_empty(),
            _ => true,
        };
        let mut now: Vec<hints::Hint> = hints_now(state).iter().filter(acts).copied().collect();
        // The focused pane's operations first: a narrow footer keeps the keys for what is selected.
        let focused = |a: Action| {
            use warroom_core::state::PaneId;
            match state.ui.focus {
                PaneId::Functions => matches!(a, Action::Rollback | Action::ConsumerLogs),
                PaneId::Database => matches!(a, Action::Reboot | Action::Failover),
                PaneId::Dlqs => a == Action::Redrive,
                PaneId::Queues => a == Action::ConsumerLogs,
                PaneId::Alarms | PaneId::Timeline => false,
            }
        };
        if state.ui.popup.is_none() {
            now.sort_by_key(|h| match h.action {
                Action::Help | Action::FocusNext | Action::OpenDetail => 0,
                a if focused(a) => 1,
                _ => 2,
            });
        }
        fitted_hints(spans, keymap, &now, room)
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The help, quit, close and cancel hints of the keys that act now: what a message never hides.
fn essentials(state: &State) -> Vec<hints::Hint> {
    hints_now(state)
        .iter()
        .filter(|h| {
            matches!(h.action, Action::Help | Action::Quit | Action::Close | Action::Cancel | Action::Yes | Action::No)
        })
        .copied()
        .collect()
}

/// `with_essentials` over two rows: the text wrapped, its first row whole width, the essentials at the right edge
/// of the second (cut with "…" only past two rows).
fn with_essentials_wrapped(
    text: &str,
    style: Style,
    state: &State,
    keymap: &Keymap,
    room: usize,
) -> Vec<Line<'static>> {
    let mut parts = crate::text::wrap(&sanitize(text, usize::MAX), room).into_iter();
    let first = Line::from(Span::styled(parts.next().unwrap_or_default(), style));
    let rest: Vec<String> = parts.collect();
    vec![first, with_essentials(&rest.join(" "), style, state, keymap, room)]
}

/// `text` in `style`, cut short to leave room for the help, quit, close and cancel hints of the keys that act now,
/// set at the right edge: a notice never hides how to find the other keys or how to leave.
fn with_essentials(text: &str, style: Style, state: &State, keymap: &Keymap, room: usize) -> Line<'static> {
    let tail = hints::spans(keymap, &essentials(state), theme::dim());
    let tail_width: usize = tail.iter().map(|s| width(&s.content)).sum();
    // Too narrow to hold both readably: the notice is what just happened.
    if tail.is_empty() || room < tail_width + 2 + 24 {
        return Line::from(Span::styled(sanitize(text, room), style));
    }
    let shown = sanitize(text, room - tail_width - 2);
    let pad = room - tail_width - width(&shown);
    let mut spans = vec![Span::styled(shown, style), Span::raw(" ".repeat(pad))];
    spans.extend(tail);
    Line::from(spans)
}

/// The hints for the keys that act now: the open popup's (in a plan or a note, letters type, so the dashboard's
/// keys would lie), else the dashboard's.
pub(crate) fn hints_now(state: &State) -> &'static [hints::Hint] {
    match &state.ui.popup {
        None => &hints::DASHBOARD,
        Some(Popup::Plan(plan)) if plan.blocked.is_some() => &hints::PLAN_BLOCKED,
        Some(Popup::Plan(_)) => &hints::PLAN,
        Some(Popup::Note(_)) => &hints::NOTE,
        Some(Popup::Filter(_)) => &hints::FILTER,
        Some(Popup::Help { .. }) if matches!(state.ui.under_help, Some(Popup::Logs(_))) => &hints::HELP_OVER_LOGS,
        Some(Popup::Help { .. } | Popup::Messages { .. } | Popup::Calls { .. }) => &hints::HELP,
        Some(Popup::Detail(_)) => &hints::DETAIL,
        Some(Popup::Changes) => &hints::VIEW,
        Some(Popup::QuitConfirm) if state.operations.iter().any(|o| o.phase.in_progress()) => &hints::QUIT,
        Some(Popup::QuitConfirm) => &hints::QUIT_NOW,
        Some(Popup::Logs(view)) if view.typing => &hints::FILTER,
        Some(Popup::Logs(_)) => &hints::LOGS,
    }
}

/// The hints a footer keeps however narrow: how to find every other key, how to find a resource, how to leave.
const ESSENTIAL: [Action; 3] = [Action::Help, Action::Filter, Action::Quit];

/// `spans`, then as many of `list`'s hints as fit whole in `room` cells, in order; help, filter and quit keep their room
/// first, so a narrow terminal drops other hints rather than those.
fn fitted_hints(mut spans: Vec<Span<'static>>, keymap: &Keymap, list: &[hints::Hint], room: usize) -> Line<'static> {
    let mut used: usize = spans.iter().map(|s| width(&s.content)).sum();
    let cost_of = |hint: &hints::Hint| {
        let one = hints::spans(keymap, std::slice::from_ref(hint), theme::dim());
        let cost = one.iter().map(|s| width(&s.content)).sum::<usize>();
        (one, cost)
    };
    // Room held back for the essential hints still to come (each with its gap).
    let mut reserved: usize = list.iter().filter(|h| ESSENTIAL.contains(&h.action)).map(|h| cost_of(h).1 + 2).sum();
    let mut first = true;
    // Hint by hint, so a narrow terminal drops hints whole instead of cutting a key in half.
    for hint in list {
        let (one, width_of) = cost_of(hint);
        if one.is_empty() {
            continue;
        }
        let essential = ESSENTIAL.contains(&hint.action);
        if essential {
            reserved = reserved.saturating_sub(width_of + 2);
        }
        let gap = if first { 0 } else { 2 };
        let cost = gap + width_of;
        if used + cost + if essential { 0 } else { reserved } > room {
            continue;
        }
        if !first {
            spans.push(Span::styled("  ", theme::dim()));
        }
        spans.extend(one);
        used += cost;
        first = false;
    }
    Line::from(spans)
}
