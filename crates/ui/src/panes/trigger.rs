//! The line under the header: the change that most likely set the incident off, and how long before which
//! anomaly it came (`incident::Analysis::trigger_line`).

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::Paragraph;

use crate::text::sanitize;
use crate::theme;

/// Draws the likely trigger `line` (already fitted to the width) into `area`.
pub fn render(frame: &mut Frame, area: Rect, line: &str) {
    let text = sanitize(line, area.width.saturating_sub(3) as usize);
    frame.render_widget(
        Paragraph::new(Line::from(vec![Span::styled(" ▲ ", theme::warn()), Span::styled(text, theme::bold())])),
        area,
    );
}
