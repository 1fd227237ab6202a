//! The "changes" view: every anomaly's onset, and under it the changes in the window before it, best suspect
//! first, with how long before the onset each came, whether it is upstream, and who made it.

use ratatui_core::layout::Rect;
use ratatui_core::style::Style;
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

/// The prefix of a suspect's row ("NN. HH:MM  lead before  kind   "), under which its text wraps.
const SUSPECT_INDENT: usize = 4;

/// `text` in `style`, wrapped to `width` with continuation lines under `indent` cells.
fn wrapped(lines: &mut Vec<Line<'static>>, text: &str, width: usize, indent: usize, style: Style) {
    for (i, part) in crate::text::wrap(text, width.saturating_sub(indent).max(1)).into_iter().enumerate() {
        let lead = if i == 0 { String::new() } else { " ".repeat(indent) };
        lines.push(Line::from(Span::styled(format!("{lead}{part}"), style)));
    }
}

/// Draws the changes view: each onset, and the changes before it, best suspect first. Long rows wrap under
/// themselves; the view is as tall as its rows, up to the screen.
pub fn render(frame: &mut Frame, area: Rect, state: &State, keymap: &Keymap) {
    let onsets = &state.analysis.onsets;
    let box_width = area.width.min(120);
    let width = usize::from(box_width.saturating_sub(2));
    let window = state.thresholds.suspect_window_minutes;
    let mut lines = Vec::new();
    if onsets.is_empty() {
        let calm = "No anomaly: every watched series is under its threshold and no alarm is firing.";
        wrapped(&mut lines, calm, width, 0, Style::new());
    }
    let suspect_rows = |lines: &mut Vec<Line<'static>>, suspects: &[warroom_core::incident::Suspect], none: &str| {
        if suspects.is_empty() {
            lines.push(Line::from(Span::styled(format!("   {none}"), theme::dim())));
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
            let style = if rank == 0 { theme::warn() } else { Style::new() };
            wrapped(lines, &sanitize(&text, width * 3), width, SUSPECT_INDENT, style);
            // What the database says of it: the new statement it brought.
            for said in &s.evidence {
                let text = format!("{:width$}↳ {said}", "", width = SUSPECT_INDENT);
                wrapped(lines, &sanitize(&text, width * 3), width, SUSPECT_INDENT + 2, theme::alarm());
            }
        }
    };
    for (onset, suspects) in onsets {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", onset.at.format("%H:%M:%S")), theme::bold()),
            Span::styled(sanitize(&onset.what, width.saturating_sub(9)), theme::alarm()),
        ]));
        // An anomaly that follows an earlier one in its path is ranked with that one's changes.
        let none = match &onset.follows {
            Some((what, at)) => {
                let text = format!("   follows {what} (from {}): the changes before that", at.format("%H:%M:%S"));
                wrapped(&mut lines, &sanitize(&text, width * 2), width, SUSPECT_INDENT, theme::dim());
                format!("no change in the {window:.0} min before {}", at.format("%H:%M"))
            }
            None => format!("no change in the {window:.0} min before"),
        };
        suspect_rows(&mut lines, suspects, &none);
        for r in state.analysis.rebreaches.iter().filter(|r| r.resource == onset.resource) {
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", r.at.format("%H:%M:%S")), theme::bold()),
                Span::styled("over again", theme::alarm()),
                Span::styled(" · the changes since the breach before", theme::dim()),
            ]));
            suspect_rows(&mut lines, &r.suspects, "no change since the breach before");
        }
    }
    lines.push(Line::from(""));
    let note = format!(
        "Changes up to {window:.0} min before each onset; those in its path (queue, consumer, database) rank first; \
             an operation counts once."
    );
    wrapped(&mut lines, &note, width, 0, theme::dim());
    let bottom = Line::from(hints::spans(keymap, &hints::VIEW, theme::dim()));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX).min(area.height.saturating_sub(2));
    let inner = popup_frame(frame, area, (box_width, height), "changes before each anomaly", false, Some(bottom));
    frame.render_widget(Paragraph::new(lines), inner);
}
