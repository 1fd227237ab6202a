//! The plan/confirm popup: the exact call, the current state, the expected effect, warnings, and the typed
//! confirmation. In a read-only session it is a preview that cannot be confirmed.

use ratatui_core::layout::Rect;
use ratatui_core::style::Style;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::{Paragraph, Wrap};

use super::popup_frame;
use warroom_core::keymap::Keymap;
use warroom_core::operation::Op;
use warroom_core::state::PlanPopup;

use crate::hints;
use crate::text::sanitize;
use crate::theme;

fn section(lines: &mut Vec<Line<'static>>, title: &str, items: &[String], style: Style, width: usize) {
    if items.is_empty() {
        return;
    }
    lines.push(Line::from(Span::styled(title.to_string(), theme::bold())));
    for item in items {
        lines.push(Line::from(Span::styled(format!("  • {}", sanitize(item, width * 3)), style)));
    }
}

/// Draws the plan of `popup` over `area`; its key hints come from `keymap`.
pub fn render(frame: &mut Frame, area: Rect, keymap: &Keymap, popup: &PlanPopup) {
    let plan = &popup.plan;
    let target = plan.op.target();
    let title = if popup.blocked.is_some() { "PREVIEW (cannot be confirmed)" } else { "CONFIRM OPERATION" };
    let width = area.width.saturating_sub(4).min(100);
    let height = area.height.saturating_sub(2).min(26);
    let inner = popup_frame(frame, area, (width, height), title, popup.blocked.is_none(), None);
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
    if let Op::Redrive { .. } = plan.op {
        for (what, hints) in [
            ("rate: ", &hints::REDRIVE_RATE[..]),
            ("destination: ", &hints::REDRIVE_DESTINATION[..]),
            ("once it runs, ", &hints::REDRIVE_CANCEL[..]),
        ] {
            let mut line = vec![Span::styled(format!("  • {what}"), theme::ok())];
            line.extend(hints::spans(keymap, hints, theme::ok()));
            lines.push(Line::from(line));
        }
    }
    section(&mut lines, "Warnings", &plan.warnings, theme::alarm(), w);
    lines.push(Line::from(""));
    match &popup.blocked {
        Some(reason) => {
            lines.push(Line::from(Span::styled(sanitize(reason, w * 3), theme::alarm())));
            lines.push(Line::from(hints::spans(keymap, &hints::PLAN_BLOCKED, theme::dim())));
        }
        None => {
            let matches = popup.typed == target;
            let prefix_ok = target.starts_with(popup.typed.as_str());
            // The whole name, however long: it is what must be typed.
            let mut ask = vec![
                Span::raw("Type "),
                Span::styled(sanitize(target, usize::MAX), theme::bold()),
                Span::raw(" to confirm · "),
            ];
            ask.extend(hints::spans(keymap, &hints::PLAN, theme::dim()));
            lines.push(Line::from(ask));
            let typed_style = if matches {
                theme::ok()
            } else if prefix_ok {
                Style::new()
            } else {
                theme::alarm()
            };
            let mut typed = vec![
                Span::raw("> "),
                Span::styled(sanitize(&popup.typed, usize::MAX), typed_style),
                Span::styled("█", theme::dim()),
            ];
            if matches {
                typed.push(Span::styled("  ✓ ", theme::ok()));
                typed.extend(hints::spans(keymap, &hints::PLAN_READY, theme::ok()));
            }
            lines.push(Line::from(typed));
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}
