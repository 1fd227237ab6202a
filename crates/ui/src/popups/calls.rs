//! The calls view: warroom's own AWS calls by API over the last minute, each against the quota it counts
//! against (AWS's documented default per account and region) and warroom's pace under it; then each quota's
//! total, since several APIs can share one (Lambda's control plane). Throttled and failed attempts are counted
//! since the start. A demo makes no AWS calls, and says so.

use std::collections::BTreeMap;

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use warroom_core::keymap::Keymap;
use warroom_core::model::{CallRate, SessionKind};
use warroom_core::state::State;

use crate::text::sanitize;
use crate::{hints, theme};

/// "12/min of 600 (quota 3000)" for a bucket's last minute; "no quota documented" where AWS states none.
fn against(last_minute: u32, pace: u32, quota: Option<u32>) -> String {
    match quota {
        Some(q) => format!("{last_minute}/min · pace {pace}/min · quota {q}/min"),
        None => format!("{last_minute}/min · pace {pace}/min · no quota documented"),
    }
}

/// Every line of the view, `width` cells wide.
fn lines(state: &State, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if state.calls.is_empty() {
        let why = match state.session.kind {
            SessionKind::Demo => "The demo makes no AWS calls: this view counts a live dashboard's calls by API.",
            SessionKind::Live => "No AWS call answered yet.",
        };
        out.push(Line::from(Span::styled(why, theme::dim())));
        return out;
    }
    let mut rates: Vec<&CallRate> = state.calls.iter().collect();
    rates.sort_by(|a, b| b.last_minute.cmp(&a.last_minute).then_with(|| a.action.cmp(&b.action)));
    // Each quota first (what the account's limits see; the APIs that share one count together), then each API,
    // busiest first: on a short terminal the quiet APIs are what is cut.
    let mut buckets: BTreeMap<&str, (u32, u32, Option<u32>)> = BTreeMap::new();
    for r in &rates {
        if let Some(b) = &r.budget {
            let entry = buckets.entry(b.bucket.as_str()).or_insert((0, b.pace_per_minute, b.quota_per_minute));
            entry.0 += r.last_minute;
        }
    }
    out.push(Line::from(Span::styled("By quota (per account and region, last minute):", theme::bold())));
    for (bucket, (used, pace, quota)) in buckets {
        let text = format!("  {bucket}: {}", against(used, pace, quota));
        let over = quota.is_some_and(|q| used * 2 > q);
        out.push(Line::from(Span::styled(sanitize(&text, width), if over { theme::warn() } else { theme::dim() })));
    }
    out.push(Line::from(""));
    // As wide as the longest API name, so the quota's name keeps the rest of an 80-column row.
    let api = rates.iter().map(|r| crate::text::width(&r.action)).max().unwrap_or(3).clamp(3, 40);
    out.push(Line::from(Span::styled(
        sanitize(
            &format!("{:<api$} {:>5} {:>6} {:>6}  quota it counts against", "API", "/min", "throt*", "fail*"),
            width,
        ),
        theme::bold(),
    )));
    for r in &rates {
        let bucket = r.budget.as_ref().map_or("not paced".to_string(), |b| b.bucket.clone());
        let style = if r.throttled > 0 { theme::warn() } else { ratatui_core::style::Style::new() };
        let row = format!("{:<api$} {:>5} {:>6} {:>6}  {bucket}", r.action, r.last_minute, r.throttled, r.failed);
        out.push(Line::from(Span::styled(sanitize(&row, width), style)));
    }
    out.push(Line::from(""));
    let note = "* since the dashboard started. Each call waits for its quota's pace before it is sent; a throttled \
                one is retried with backoff.";
    for part in crate::text::wrap(note, width) {
        out.push(Line::from(Span::styled(part, theme::dim())));
    }
    out
}

/// Draws the calls view, scrolled down `offset` lines (clamped so the end stays in view); returns the largest
/// offset that still fills it.
pub fn render(frame: &mut Frame, area: Rect, state: &State, keymap: &Keymap, offset: usize) -> usize {
    let box_width = area.width.min(120);
    let lines = lines(state, usize::from(box_width.saturating_sub(2)));
    let bottom = Line::from(hints::spans(keymap, &hints::HELP, theme::dim()));
    super::scrolling_view(frame, area, (box_width, "AWS calls by API"), lines, bottom, offset)
}
