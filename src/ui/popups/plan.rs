//! The plan/confirm popup: the exact call, the current state, the expected effect, warnings, and the typed
//! confirmation. In read-only mode it is a preview that cannot be confirmed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::popup_frame;
use crate::state::{PlanPopup, State};
use crate::text::sanitize;
use crate::ui::theme;

fn section(lines: &mut Vec<Line<'static>>, title: &str, items: &[String], style: Style, width: usize) {
    if items.is_empty() {
        return;
    }
    lines.push(Line::from(Span::styled(title.to_string(), theme::bold())));
    for item in items {
        lines.push(Line::from(Span::styled(format!("  • {}", sanitize(item, width * 3)), style)));
    }
}

pub fn render(frame: &mut Frame, area: Rect, _state: &State, popup: &PlanPopup) {
    let plan = &popup.plan;
    let target = plan.op.target();
    let title = if popup.blocked.is_some() { "PREVIEW (cannot be confirmed)" } else { "CONFIRM OPERATION" };
    let width = area.width.saturating_sub(4).min(100);
    let inner = popup_frame(frame, area, width, area.height.saturating_sub(2).min(26), title, popup.blocked.is_none());
    let w = inner.width as usize;
    let mut lines = vec![
        Line::from(Span::styled(sanitize(&capitalize(&plan.op.summary()), w), theme::bold())),
        Line::from(vec![
            Span::styled("call: ", theme::dim()),
            Span::styled(sanitize(&plan.op.api_call(), w * 2), theme::warn()),
        ]),
        Line::from(""),
    ];
    section(&mut lines, "Now", &plan.current, Style::new(), w);
    section(&mut lines, "Expected", &plan.expected, theme::ok(), w);
    section(&mut lines, "Warnings", &plan.warnings, theme::alarm(), w);
    lines.push(Line::from(""));
    match &popup.blocked {
        Some(reason) => {
            lines.push(Line::from(Span::styled(sanitize(reason, w * 3), theme::alarm())));
            lines.push(Line::from(Span::styled("Esc closes", theme::dim())));
        }
        None => {
            let matches = popup.typed == target;
            let prefix_ok = target.starts_with(popup.typed.as_str());
            lines.push(Line::from(vec![
                Span::raw("Type "),
                Span::styled(sanitize(target, 60), theme::bold()),
                Span::raw(" to confirm, Enter to run, Esc to cancel"),
            ]));
            let typed_style = if matches {
                theme::ok()
            } else if prefix_ok {
                Style::new()
            } else {
                theme::alarm()
            };
            lines.push(Line::from(vec![
                Span::raw("> "),
                Span::styled(sanitize(&popup.typed, 60), typed_style),
                Span::styled("█", theme::dim()),
                Span::styled(if matches { "  ✓ Enter runs it" } else { "" }, theme::ok()),
            ]));
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}
