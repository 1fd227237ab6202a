//! Alarm states, ALARM first, with time since the last transition.

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::Paragraph;

use super::{row_style, scroll_offset, styled_line};
use crate::text::sanitize;
use crate::{Density, theme};
use warroom_core::model::AlarmState;
use warroom_core::state::{PaneId, State};
use warroom_core::text::compact_duration;

pub fn render(frame: &mut Frame, area: Rect, state: &State, density: Density) {
    let rows = state.rows().alarms();
    let firing = rows.iter().filter(|a| a.state == AlarmState::Alarm).count();
    let block = super::super::widgets::pane_block(state, PaneId::Alarms, &format!("{firing} firing"));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let height = inner.height as usize;
    let skip = scroll_offset(state.ui.selected(PaneId::Alarms), height);
    let mut lines: Vec<Line> = Vec::new();
    for (i, alarm) in rows.iter().enumerate().skip(skip).take(height) {
        let style = match alarm.state {
            AlarmState::Alarm => theme::alarm(),
            AlarmState::Ok => theme::ok(),
            AlarmState::InsufficientData => theme::warn(),
        };
        let since = compact_duration(state.now - alarm.since);
        let name_width = width.saturating_sub(16);
        let mut spans = vec![
            Span::styled(format!("{:<7}", alarm.state.label()), style),
            Span::styled(format!("{since:>7}  "), theme::dim()),
            Span::raw(sanitize(&alarm.name, name_width)),
        ];
        if density == Density::Rich && width > 60 {
            let used = 16 + alarm.name.chars().count().min(name_width);
            spans.push(Span::styled(
                format!("  {}", sanitize(&alarm.reason, width.saturating_sub(used + 2))),
                theme::dim(),
            ));
        }
        lines.push(styled_line(Line::from(spans), row_style(state, PaneId::Alarms, i)));
    }
    if rows.is_empty() {
        lines.push(Line::from(Span::styled("no alarms", theme::dim())));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
