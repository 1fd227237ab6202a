//! The "changes" view: every anomaly's onset, and under it the changes in the window before it, best suspect
//! first, with how long before the onset each came, whether it is upstream, and who made it.

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::Paragraph;

use super::popup_frame;
use crate::hints;
use crate::text::sanitize;
use crate::theme;
use warroom_core::incident::lead_text;
use warroom_core::keymap::Keymap;
use warroom_core::state::State;

/// Draws the changes view: each onset, and the changes before it, best suspect first.
pub fn render(frame: &mut Frame, area: Rect, state: &State, keymap: &Keymap) {
    let onsets = &state.analysis.onsets;
    let rows: usize = onsets.iter().map(|(_, s)| 1 + s.len().max(1)).sum();
    let bottom = Line::from(hints::spans(keymap, &hints::VIEW, theme::dim()));
    let inner =
        popup_frame(frame, area, (120, rows.max(1) as u16 + 4), "changes before each anomaly", false, Some(bottom));
    let width = inner.width as usize;
    let window = state.thresholds.suspect_window_minutes;
    let mut lines = Vec::new();
    if onsets.is_empty() {
        lines.push(Line::from("No anomaly: every watched series is under its threshold and no alarm is firing."));
    }
    for (onset, suspects) in onsets {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", onset.at.format("%H:%M:%S")), theme::bold()),
            Span::styled(sanitize(&onset.what, width.saturating_sub(9)), theme::alarm()),
        ]));
        if suspects.is_empty() {
            lines.push(Line::from(Span::styled(format!("   no change in the {window:.0} min before"), theme::dim())));
        }
        for (rank, s) in suspects.iter().enumerate() {
            let who = s.change.actor.as_deref().map_or(String::new(), |a| format!(" · by {a}"));
            let upstream = if s.upstream { " · upstream" } else { "" };
            let text = format!(
                "{:>2}. {} {:>7} before  {:<6} {}{upstream}{who}",
                rank + 1,
                s.change.at.format("%H:%M"),
                lead_text(s.lead),
                s.change.kind.label(),
                s.change.text,
            );
            let style = if rank == 0 { theme::warn() } else { ratatui_core::style::Style::new() };
            lines.push(Line::from(Span::styled(sanitize(&text, width), style)));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        format!("Changes up to {window:.0} min before each onset; upstream (queue → consumer → database) ranks first."),
        theme::dim(),
    )));
    frame.render_widget(Paragraph::new(lines), inner);
}
