//! The banner under the header while the AWS credentials fail: which source stopped working, for how long, what
//! to run, and the latest reason. One banner, instead of every pane repeating the provider's error.

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::Paragraph;
use warroom_core::state::State;
use warroom_core::text::compact_duration;

use crate::text::sanitize;
use crate::theme;

/// Lines the banner takes while credentials fail: the source, the remedy, the reason.
pub const HEIGHT: u16 = 3;

/// Draws the banner into `area` (`HEIGHT` lines) when the credentials fail; nothing otherwise.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let Some(failure) = &state.credentials else { return };
    let room = usize::from(area.width);
    let source = state.data.identity.as_ref().map(|i| &i.credentials);
    let (description, remedy) = match source {
        Some(s) => (s.description.as_str(), s.remedy.as_str()),
        None => ("the session's source", "check the credentials and restart"),
    };
    let first = format!(" ✖ AWS credentials failing {}: {description}", compact_duration(state.now - failure.since));
    let fix = format!("   to fix: {remedy} · operations refused until then");
    let why = format!("   why: {}", failure.detail);
    let lines = vec![
        Line::from(Span::styled(sanitize(&first, room), theme::alarm())),
        Line::from(Span::styled(sanitize(&fix, room), theme::alarm())),
        Line::from(Span::styled(sanitize(&why, room), theme::dim())),
    ];
    frame.render_widget(Paragraph::new(lines), area);
}
