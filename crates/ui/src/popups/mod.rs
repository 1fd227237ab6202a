//! One file per popup. Each draws over the dashboard in a cleared, centred box.

mod calls;
mod changes;
mod detail;
mod help;
mod logs;
mod messages;
mod note;
mod plan;
mod quit;

use ratatui_core::layout::{Constraint, Flex, Layout, Rect};
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::{block::Block, clear::Clear};

use super::theme;
use warroom_core::keymap::Keymap;
use warroom_core::state::{Popup, State};

/// Draws the open popup, if any, over `area`. With a scrolling one open (help, messages, a plan), returns how far
/// it can scroll (its last offset).
pub fn render(frame: &mut Frame, area: Rect, state: &State, keymap: &Keymap) -> Option<usize> {
    match &state.ui.popup {
        None | Some(Popup::Filter(_)) => {}
        Some(Popup::Help { offset }) => {
            return Some(help::render(frame, area, keymap, crate::panes::footer::hints_now(state), *offset));
        }
        Some(Popup::Messages { offset }) => {
            return Some(messages::render(frame, area, keymap, state.ui.peeked.as_ref(), *offset));
        }
        Some(Popup::Changes) => changes::render(frame, area, state, keymap),
        Some(Popup::Calls { offset }) => return Some(calls::render(frame, area, state, keymap, *offset)),
        Some(Popup::Plan(plan)) => {
            return Some(plan::render(frame, area, keymap, plan, &state.call_line(&plan.plan.op)));
        }
        Some(Popup::Note(text)) => note::render(frame, area, keymap, text),
        Some(Popup::Detail(target)) => detail::render(frame, area, state, keymap, target),
        Some(Popup::QuitConfirm) => quit::render(frame, area, state, keymap),
        Some(Popup::Logs(view)) => logs::render(frame, area, state, keymap, view),
    }
    None
}

/// A centred box `width`×`height` (clamped to the screen), cleared, with a titled border and, when given, key
/// hints on its bottom border; returns the inside.
pub fn popup_frame(
    frame: &mut Frame,
    area: Rect,
    size: (u16, u16),
    title: &str,
    danger: bool,
    bottom: Option<Line<'static>>,
) -> Rect {
    let (width, height) = size;
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center).areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center).areas(row);
    frame.render_widget(Clear, rect);
    let style = if danger { theme::alarm() } else { theme::focused_border() };
    let mut block = Block::bordered().border_style(style).title(format!(" {title} ")).title_style(style);
    if let Some(hints) = bottom {
        let mut spans = vec![Span::raw(" ")];
        spans.extend(hints.spans);
        spans.push(Span::raw(" "));
        block = block.title_bottom(Line::from(spans));
    }
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    inner
}

/// A scrolling view (help, a peek's messages, the calls view): `lines` in a box `width` wide and as tall as they
/// are (up to the screen, header and footer left in view), scrolled down `offset` lines, clamped so the end stays
/// in view; the title says where the view is when it does not show it all ("help · 16–35 of 104"). Returns the
/// largest offset that still fills it, for `Msg::HelpDrawn`.
pub(crate) fn scrolling_view(
    frame: &mut Frame,
    area: Rect,
    (width, title): (u16, &str),
    lines: Vec<Line<'static>>,
    bottom: Line<'static>,
    offset: usize,
) -> usize {
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX).min(area.height.saturating_sub(2));
    let shown = usize::from(height.saturating_sub(2));
    let last_offset = lines.len().saturating_sub(shown);
    let first = offset.min(last_offset);
    let title = if shown < lines.len() {
        format!("{title} · {}–{} of {}", first + 1, first + shown, lines.len())
    } else {
        title.to_string()
    };
    let inner = popup_frame(frame, area, (width, height), &title, false, Some(bottom));
    let first = u16::try_from(first).unwrap_or(u16::MAX);
    frame.render_widget(ratatui_widgets::paragraph::Paragraph::new(lines).scroll((first, 0)), inner);
    last_offset
}
