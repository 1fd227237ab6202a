//! Alarm states, ALARM first, with the time since the last transition (and, with room, the reason).

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use warroom_core::model::{AlarmKind, AlarmState, AlarmStatus, ResourceKind};
use warroom_core::state::{PaneId, State};
use warroom_core::text::compact_duration;

use crate::Density;
use crate::table::{Align, Cell, Column, PaneTable};
use crate::theme;

/// Draws the alarms pane.
pub fn render(frame: &mut Frame, area: Rect, state: &State, density: Density) {
    let rows = state.rows().alarms();
    let firing = rows.iter().filter(|a| a.state == AlarmState::Alarm).count();
    let mut columns: Vec<Column<&AlarmStatus>> = vec![
        Column::fixed("state", 6, Align::Left, |a: &&AlarmStatus| {
            let style = match a.state {
                AlarmState::Alarm => theme::alarm(),
                AlarmState::Ok => theme::ok(),
                AlarmState::InsufficientData => theme::warn(),
            };
            Cell::text(a.state.label(), style)
        }),
        Column::fixed("for", 7, Align::Right, |a: &&AlarmStatus| {
            Cell::text(compact_duration(state.now - a.since), theme::dim())
        }),
        Column::sentence("alarm", 12, ratatui_core::style::Style::new(), |a: &&AlarmStatus| a.name.clone()),
    ];
    // The reason only where it can be read: a wide pane.
    if density == Density::Rich && area.width > 62 {
        columns.push(Column::fill("reason", 0, usize::MAX, |a: &&AlarmStatus, _| Cell::text(why(a), theme::dim())));
    }
    PaneTable::new(state, PaneId::Alarms, &rows, columns)
        .title_note(firing_note(firing, state.data.alarm_count()))
        .missing(&[ResourceKind::Alarm], "no alarms")
        .render(frame, area);
}

/// "2 firing"; under a filter that hides some, "0 of 2 firing shown", so the pane never contradicts the
/// header's alarm count.
fn firing_note(shown: usize, all: usize) -> String {
    if shown == all { format!("{all} firing") } else { format!("{shown} of {all} firing shown") }
}

/// The reason column: a composite alarm's firing children (its own reason only lists ARNs), else `StateReason`.
fn why(alarm: &AlarmStatus) -> String {
    match &alarm.kind {
        AlarmKind::Composite { children, .. } => {
            let firing = alarm.kind.children_in_alarm();
            match firing.is_empty() {
                true => format!("composite: 0/{} children in ALARM", children.len()),
                false => format!("composite: {}/{} in ALARM: {}", firing.len(), children.len(), firing.join(", ")),
            }
        }
        _ => alarm.reason.clone(),
    }
}
