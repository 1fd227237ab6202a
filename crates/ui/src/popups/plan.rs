//! The plan/confirm popup: the exact call, the current state, the expected effect, warnings, and the typed
//! confirmation. In a read-only session it is a preview that cannot be confirmed.

use ratatui_core::layout::{Constraint, Layout, Rect};
use ratatui_core::style::Style;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::{Paragraph, Wrap};

use super::popup_frame;
use warroom_core::keymap::Keymap;
use warroom_core::operation::{ConsumerChange, Op};
use warroom_core::state::PlanPopup;

use crate::hints;
use crate::text::sanitize;
use crate::theme;

fn section(lines: &mut Vec<Line<'static>>, title: &str, items: &[String], style: Style, width: usize) {
    if items.is_empty() {
        return;
    }
    lines.push(Line::from(Span::styled(title.to_string(), theme::bold())));
    // Each item wraps under its own text, not under the bullet (nor at the left edge, where a warning's `> 60 s`
    // would read as the prompt).
    for item in items {
        let text = sanitize(item, width * 3);
        for (i, part) in crate::text::wrap(&text, width.saturating_sub(4)).into_iter().enumerate() {
            let lead = if i == 0 { "  • " } else { "    " };
            lines.push(Line::from(Span::styled(format!("{lead}{part}"), style)));
        }
    }
}

/// Draws the plan of `popup` over `area`; its key hints come from `keymap`. When the terminal is too short for
/// all of it, the prompt (what to type, which key runs it) and the warnings keep their place at the bottom, and
/// the top of the plan is cut with a line that says so.
pub fn render(frame: &mut Frame, area: Rect, keymap: &Keymap, popup: &PlanPopup, call: &str) -> usize {
    let plan = &popup.plan;
    let title = if popup.blocked.is_some() { "PREVIEW (cannot be confirmed)" } else { "CONFIRM OPERATION" };
    let width = area.width.saturating_sub(4).min(100);
    let inner_width = width.saturating_sub(2);
    let w = usize::from(inner_width);
    let mut top = vec![
        Line::from(Span::styled(sanitize(&capitalize(&plan.op.summary()), w), theme::bold())),
        Line::from(vec![Span::styled("call: ", theme::dim()), Span::styled(sanitize(call, w * 3), theme::warn())]),
        Line::from(""),
    ];
    section(&mut top, "Now", &plan.current, Style::new(), w);
    section(&mut top, "Expected", &plan.expected, theme::ok(), w);
    let mut warnings = Vec::new();
    section(&mut warnings, "Warnings", &plan.warnings, theme::alarm(), w);
    let mut prompt = vec![Line::from("")];
    // A redrive's controls stay with the prompt: they change what is about to run.
    if let Op::Redrive { .. } = plan.op {
        // A preview never runs: how to cancel a running redrive is for a plan that can be confirmed.
        let cancel: &[hints::Hint] = if popup.blocked.is_some() { &[] } else { &hints::REDRIVE_CANCEL };
        for (what, hints) in [
            ("rate: ", &hints::REDRIVE_RATE[..]),
            ("destination: ", &hints::REDRIVE_DESTINATION[..]),
            ("once it runs, ", cancel),
        ] {
            // A keymap that unbinds these actions gets no line, rather than a line that stops mid-sentence.
            let keys = hints::spans(keymap, hints, theme::ok());
            if !keys.is_empty() {
                let mut line = vec![Span::styled(what.to_string(), theme::ok())];
                line.extend(keys);
                prompt.push(Line::from(line));
            }
        }
    }
    // A rollback's target version is chosen here too, among the published versions below the current one.
    if plan.op.is_rollback() && plan.current.iter().any(|l| l.starts_with("other targets: ")) {
        let keys = hints::spans(keymap, &hints::REDRIVE_DESTINATION, theme::ok());
        if !keys.is_empty() {
            let mut line = vec![Span::styled("target version: ".to_string(), theme::ok())];
            line.extend(keys);
            prompt.push(Line::from(line));
        }
    }
    // A `$LATEST` consumer goes back one of two ways, chosen here, and a restored code may be published.
    let restoring = matches!(plan.op, Op::RestoreCode { .. });
    let pinning_latest =
        matches!(&plan.op, Op::Consumer { change: ConsumerChange::Repoint { from, .. }, .. } if from == "$LATEST");
    if restoring || pinning_latest {
        let keys = hints::spans(keymap, &hints::ROLLBACK_WAY, theme::ok());
        if !keys.is_empty() {
            let (pin, restore) = if restoring { (theme::dim(), theme::bold()) } else { (theme::bold(), theme::dim()) };
            let mut line = vec![
                Span::styled("way: ".to_string(), theme::ok()),
                Span::styled("pin the mapping".to_string(), pin),
                Span::styled(" | ".to_string(), theme::dim()),
                Span::styled("restore the code into $LATEST".to_string(), restore),
                Span::styled("  ".to_string(), theme::dim()),
            ];
            line.extend(keys);
            prompt.push(Line::from(line));
        }
    }
    if let Op::Consumer { change: ConsumerChange::Throttle { .. }, .. } = plan.op {
        let keys = hints::spans(keymap, &hints::THROTTLE, theme::ok());
        if !keys.is_empty() {
            let mut line = vec![Span::styled("maximum concurrency: ".to_string(), theme::ok())];
            line.extend(keys);
            prompt.push(Line::from(line));
        }
    }
    if let Op::RestoreCode { publish, .. } = plan.op {
        let keys = hints::spans(keymap, &hints::PUBLISH, theme::ok());
        if !keys.is_empty() {
            let now = if publish { "publish a version: yes  " } else { "publish a version: no  " };
            let mut line = vec![Span::styled(now.to_string(), theme::ok())];
            line.extend(keys);
            prompt.push(Line::from(line));
        }
    }
    prompt.extend(prompt_lines(keymap, popup));

    let wrapped = |lines: Vec<Line<'static>>| Paragraph::new(lines).wrap(Wrap { trim: false });
    let rows = |p: &Paragraph| u16::try_from(p.line_count(inner_width)).unwrap_or(u16::MAX);
    // What is called on what (the summary and the call) stays in view while the rest of the plan scrolls.
    let (head, body) = (wrapped(top[..top.len().min(2)].to_vec()), wrapped(top[top.len().min(2)..].to_vec()));
    let (top, warnings, prompt) = (wrapped(top), wrapped(warnings), wrapped(prompt));
    // As tall as the plan, and no taller than the screen leaves around it (header and footer stay in view).
    let needed = rows(&top).saturating_add(rows(&warnings)).saturating_add(rows(&prompt)).saturating_add(2);
    let height = needed.min(area.height.saturating_sub(2));
    let inner = popup_frame(frame, area, (width, height), title, popup.blocked.is_none(), None);
    let prompt_rows = rows(&prompt).min(inner.height);
    let warning_rows = rows(&warnings).min(inner.height - prompt_rows);
    let top_room = inner.height - prompt_rows - warning_rows;
    let top_rows = rows(&top);
    let [top_area, warnings_area, prompt_area] =
        Layout::vertical([Constraint::Length(top_room), Constraint::Length(warning_rows), Constraint::Min(0)])
            .areas(inner);
    let mut last_offset = 0;
    if top_rows > top_room && top_room > 1 {
        // Too short for the plan: it scrolls above the warnings and the prompt, which stay in view, and the last
        // row says what is hidden and which keys show it.
        let head_rows = rows(&head).min(top_room - 1);
        let [pinned, shown, cut] =
            Layout::vertical([Constraint::Length(head_rows), Constraint::Min(0), Constraint::Length(1)])
                .areas(top_area);
        frame.render_widget(head, pinned);
        last_offset = usize::from(rows(&body).saturating_sub(shown.height));
        let offset = popup.scroll.min(last_offset);
        frame.render_widget(body.scroll((u16::try_from(offset).unwrap_or(u16::MAX), 0)), shown);
        let below = last_offset - offset;
        let (note, keys) = match below {
            0 => (format!("↑ {offset} lines above  "), &hints::PLAN_SCROLL[1..]),
            _ if offset == 0 => (format!("… {below} more lines  "), &hints::PLAN_SCROLL[..1]),
            _ => (format!("… {below} more lines, {offset} above  "), &hints::PLAN_SCROLL[..]),
        };
        let mut line = vec![Span::styled(sanitize(&note, w), theme::dim())];
        line.extend(hints::spans(keymap, keys, theme::dim()));
        frame.render_widget(Paragraph::new(Line::from(line)), cut);
    } else {
        frame.render_widget(top, top_area);
    }
    frame.render_widget(warnings, warnings_area);
    frame.render_widget(prompt, prompt_area);
    last_offset
}

/// The bottom of the plan: what to type and the keys that run or cancel it, or why it cannot be confirmed.
fn prompt_lines(keymap: &Keymap, popup: &PlanPopup) -> Vec<Line<'static>> {
    let target = popup.plan.op.target();
    let w = usize::MAX;
    match &popup.blocked {
        Some(reason) => vec![
            Line::from(Span::styled(sanitize(reason, w), theme::alarm())),
            Line::from(hints::spans(keymap, &hints::PLAN_BLOCKED, theme::dim())),
        ],
        None => {
            let matches = popup.typed == target;
            let prefix_ok = target.starts_with(popup.typed.as_str());
            // The whole name, however long: it is what must be typed.
            let mut ask =
                vec![Span::raw("Type "), Span::styled(sanitize(target, w), theme::bold()), Span::raw(" to confirm · ")];
            ask.extend(hints::spans(keymap, &hints::PLAN, theme::dim()));
            let typed_style = if matches {
                theme::ok()
            } else if prefix_ok {
                Style::new()
            } else {
                theme::alarm()
            };
            let mut typed = vec![
                Span::raw("> "),
                Span::styled(sanitize(&popup.typed, w), typed_style),
                Span::styled("█", theme::dim()),
            ];
            if matches {
                typed.push(Span::styled("  ✓ ", theme::ok()));
                typed.extend(hints::spans(keymap, &hints::PLAN_READY, theme::ok()));
            }
            vec![Line::from(ask), Line::from(typed)]
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}
