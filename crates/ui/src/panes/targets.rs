//! Several targets' health. On a terminal of 30 rows or more, a line under the header: each account name with
//! its regions, each ✓ answering, … not yet, ✖ failing or ? unknown (a follower's publisher stopped), RO where
//! read-only, and the first failure's reason at the end. On a shorter one the panes need that row: the header
//! sums the targets up instead (`summary`). The header's freshness sums up the feeds; this says which account
//! and region a failure is in.

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::Paragraph;
use warroom_core::model::TargetStatus;
use warroom_core::state::State;

use crate::text::{sanitize, width};
use crate::theme;

/// The fewest rows at which the targets get a line of their own.
const OWN_LINE_ROWS: u16 = 30;

/// Lines it takes in a terminal `rows` high: one with several targets and room, none otherwise (one target's
/// rows carry no label; a short terminal gets `summary` in the header).
pub fn height(state: &State, rows: u16) -> u16 {
    u16::from(state.data.targets.len() > 1 && rows >= OWN_LINE_ROWS)
}

/// The header's word on the targets when they have no line of their own: "4 targets ✓", "1 of 4 targets …" (not
/// answered yet), or "1 of 4 targets ✖ stg/eu-west-1" (the first failing one) in the alarm's colour. `None` with one target, with the line shown, or
/// when how they stand is unknown (a follower's badge says its publisher stopped).
pub fn summary(state: &State, rows: u16) -> Option<Span<'static>> {
    let targets = &state.data.targets;
    if targets.len() < 2 || height(state, rows) > 0 || unknown(state) {
        return None;
    }
    let failing: Vec<&TargetStatus> = targets.iter().filter(|t| t.error.is_some()).collect();
    let waiting = targets.iter().filter(|t| !t.answered).count();
    Some(match failing.first() {
        None if waiting > 0 => Span::styled(format!("{waiting} of {} targets …", targets.len()), theme::warn()),
        None => Span::styled(format!("{} targets ✓", targets.len()), theme::dim()),
        Some(first) => Span::styled(
            format!("{} of {} targets ✖ {}", failing.len(), targets.len(), sanitize(&first.label, 30)),
            theme::alarm(),
        ),
    })
}

/// Whether how the targets stand is unknown: a follower's publisher stopped, or its stream cannot be read, and
/// its last word on them may no longer hold.
fn unknown(state: &State) -> bool {
    state.following.as_ref().is_some_and(|f| f.lost())
}

/// Draws the targets' health into `area`: `prod us-east-1 ✓ eu-west-1 ✓ RO │ stg us-east-1 ✖ …`.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    if area.height == 0 {
        return;
    }
    let mut spans = vec![Span::styled(" targets:", theme::dim())];
    let mut last_name: Option<&str> = None;
    for target in &state.data.targets {
        let (name, region) = target.label.split_once(warroom_core::model::SEPARATOR).unwrap_or((&target.label, ""));
        if last_name != Some(name) {
            if last_name.is_some() {
                spans.push(Span::styled(" │", theme::dim()));
            }
            spans.push(Span::styled(format!(" {}", sanitize(name, 32)), theme::bold()));
            last_name = Some(name);
        }
        let (mark, style) = match target.error {
            _ if unknown(state) => ("?", theme::warn()),
            Some(_) => ("✖", theme::alarm()),
            None if !target.answered => ("…", theme::warn()),
            None => ("✓", theme::ok()),
        };
        spans.push(Span::styled(format!(" {} {mark}", sanitize(region, 20)), style));
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
