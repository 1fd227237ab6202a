//! The calls view: warroom's own AWS calls by API over the last minute, each against the quota it counts
//! against (per account and region: as Service Quotas gave it, else AWS's documented default, saying why) and
//! warroom's pace under it; then each quota's
//! total, since several APIs can share one (Lambda's control plane). Throttled and failed attempts are counted
//! since the start. A demo makes no AWS calls, and says so.

use ratatui_core::layout::Rect;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use warroom_core::keymap::Keymap;
use warroom_core::model::{CallBudget, CallRate, QuotaSource, SessionKind};
use warroom_core::state::State;

use crate::text::sanitize;
use crate::{hints, theme};

/// "12/min · pace 600 · quota 3000 (Service Quotas)" for a bucket's last minute against `budget`, all in requests
/// a minute; "no quota documented" where AWS states none.
fn against(last_minute: u32, budget: &CallBudget) -> String {
    let pace = budget.pace_per_minute;
    let source = match budget.source {
        QuotaSource::ServiceQuotas(_) => "Service Quotas",
        QuotaSource::Documented | QuotaSource::Unread(_) => "AWS default",
    };
    match budget.quota_per_minute {
        Some(q) => format!("{last_minute}/min · pace {pace} · quota {q} ({source})"),
        None => format!("{last_minute}/min · pace {pace} · no quota documented"),
    }
}

/// `text` wrapped to `width`, two cells in, its continuation lines four: nothing of a quota's line is cut at 80
/// columns.
fn indented(out: &mut Vec<Line<'static>>, text: &str, width: usize, style: ratatui_core::style::Style) {
    let first = crate::text::wrap(text, width.saturating_sub(2).max(20)).into_iter().next().unwrap_or_default();
    out.push(Line::from(Span::styled(sanitize(&format!("  {first}"), width), style)));
    let rest = text.get(first.len()..).unwrap_or_default().trim_start();
    if !rest.is_empty() {
        for part in crate::text::wrap(rest, width.saturating_sub(4).max(20)) {
            out.push(Line::from(Span::styled(sanitize(&format!("    {part}"), width), style)));
        }
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
    // In the order the calls come (the config's order of targets), not by name.
    let mut buckets: Vec<(&str, (u32, &CallBudget))> = Vec::new();
    for b in state.calls.iter().filter_map(|r| r.budget.as_ref()) {
        if !buckets.iter().any(|(name, _)| *name == b.bucket) {
            buckets.push((b.bucket.as_str(), (0, b)));
        }
    }
    for r in &rates {
        if let Some((_, (used, _))) = r.budget.as_ref().and_then(|b| buckets.iter_mut().find(|(n, _)| *n == b.bucket)) {
            *used += r.last_minute;
        }
    }
    out.push(Line::from(Span::styled("By quota (per account and region, requests a minute):", theme::bold())));
    // Why the account's own quotas are not shown, once for each account and region (with several targets the
    // reason carries their label): it is the same refusal for every quota there.
    let mut unread: Vec<&str> = buckets
        .iter()
        .filter_map(|(_, (_, b))| match &b.source {
            QuotaSource::Unread(why) => Some(why.as_str()),
            _ => None,
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    unread.retain(|why| seen.insert(*why));
    for why in unread {
        indented(&mut out, &format!("Service Quotas not read, AWS defaults used: {why}"), width, theme::warn());
    }
    for (bucket, (used, budget)) in buckets {
        let text = format!("{bucket}: {}", against(used, budget));
        let over = budget.quota_per_minute.is_some_and(|q| used * 2 > q);
        indented(&mut out, &text, width, if over { theme::warn() } else { theme::dim() });
    }
    out.push(Line::from(""));
    // As wide as the longest API name, so the quota's name keeps the rest of an 80-column row.
    // (With several targets the API carries its target's label: `prod/eu-central-1 lambda:ListAliases`.)
    let api = rates.iter().map(|r| crate::text::width(&r.action)).max().unwrap_or(3).clamp(3, 60);
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
