//! The line under the header when several targets are watched: each target's label and whether it answers
//! (✓ answering, ✖ failing, with the first failure's call and reason at the end), and which are read-only. The
//! header's freshness sums up the feeds; this says which account and region a failure is in.

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::Paragraph;
use warroom_core::state::State;

use crate::text::{sanitize, width};
use crate::theme;

/// Lines it takes: one with several targets, none with one (whose rows carry no label).
pub fn height(state: &State) -> u16 {
    u16::from(state.data.targets.len() > 1)
}

/// Draws the targets' health into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let mut spans = vec![Span::styled(" targets:", theme::dim())];
    for target in &state.data.targets {
        let (mark, style) = if target.error.is_some() { ("✖", theme::alarm()) } else { ("✓", theme::ok()) };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(format!("{} {mark}", sanitize(&target.label, 40)), style));
        if target.read_only {
            spans.push(Span::styled(" RO", theme::dim()));
        }
    }
    // The first failing target's reason, in what room is left: which call, and why.
    if let Some(failing) = state.data.targets.iter().find(|t| t.error.is_some()) {
        let used: usize = spans.iter().map(|s| width(&s.content)).sum();
        let room = usize::from(area.width).saturating_sub(used + 3);
        if room > 10 {
            let why = format!("{}: {}", failing.label, failing.error.as_deref().unwrap_or_default());
            spans.push(Span::styled(format!("  {}", sanitize(&why, room)), theme::alarm()));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
