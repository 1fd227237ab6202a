//! Session badges (DEMO, READ-ONLY), where the data comes from, who is operating, the clock and data freshness.

use ratatui_core::layout::Rect;
use ratatui_core::style::Style;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::paragraph::Paragraph;

use crate::text::sanitize;
use crate::theme;
use warroom_core::model::Feed;
use warroom_core::model::{SessionKind, WarRoomStatus};
use warroom_core::state::State;
use warroom_core::text::compact_duration;

/// Draws the header line into `area`: badges, data freshness, the clock, where and who.
pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let mut spans = vec![Span::styled(" WARROOM ", theme::header()), Span::raw(" ")];
    let (badge, style) = if state.session.kind == SessionKind::Live {
        ("LIVE", Style::new().fg(ratatui_core::style::Color::Black).bg(theme::OK))
    } else {
        ("DEMO", Style::new().fg(ratatui_core::style::Color::Black).bg(theme::WARN))
    };
    spans.push(Span::styled(format!(" {badge} "), style));
    // A follower is read-only by construction, and its own badge says whom it follows: the room goes to that.
    if state.session.read_only && state.following.is_none() {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            " READ-ONLY ",
            Style::new().fg(ratatui_core::style::Color::White).bg(ratatui_core::style::Color::Blue),
        ));
    }
    // Whom a follower follows and how far behind it is: what its whole screen is worth, so up front.
    if let Some(following) = &state.following {
        let style = if following.lost() {
            Style::new().fg(ratatui_core::style::Color::White).bg(theme::ALARM)
        } else {
            Style::new().fg(ratatui_core::style::Color::Black).bg(ratatui_core::style::Color::Cyan)
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(format!(" {} ", sanitize(&following.text(), 70)), style));
    }
    // Most urgent first: on a narrow terminal the end of the line is what gets cut.
    let alarms = state.data.alarm_count();
    if alarms > 0 {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            format!(" {alarms} ALARM{} ", if alarms == 1 { "" } else { "S" }),
            Style::new().fg(ratatui_core::style::Color::White).bg(theme::ALARM),
        ));
    }
    // A lost war room is urgent (others no longer see what you do): a badge up front, not text at the end.
    if let Some(WarRoomStatus::Disconnected { queued, .. }) = state.war_room.summary() {
        let queued = if queued > 0 { format!(" ({queued} queued)") } else { String::new() };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            format!(" war room disconnected{queued} "),
            Style::new().fg(ratatui_core::style::Color::White).bg(theme::ALARM),
        ));
    }
    // No journal, no operations (and no record): known from the start, not at the first `r`.
    if let Some(why) = &state.journal_error {
        let what = if state.session.read_only { "NO JOURNAL" } else { "NO JOURNAL: ops off" };
        // The reason in words, without the path the status line and the plan give in full.
        let words = why.rsplit(": ").next().unwrap_or(why);
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            format!(" {what} ({}) ", sanitize(words, 40)),
            Style::new().fg(ratatui_core::style::Color::White).bg(theme::ALARM),
        ));
    }
    // Freshness before the clock and the account: "10 calls failing" matters more than which region, and at
    // 80 columns with badges up front the account is what gets cut instead.
    let fresh = freshness(state);
    if !fresh.content.is_empty() {
        spans.push(Span::raw("  "));
        spans.push(fresh);
    }
    // Several targets on a short terminal: their health here, for want of a line of their own.
    if let Some(targets) = super::targets::summary(state, frame.area().height) {
        spans.push(Span::raw("  "));
        spans.push(targets);
    }
    spans.push(Span::styled(format!("  {} UTC", state.now.format("%H:%M:%S")), theme::bold()));
    // A demo says "simulated" (its badge already says DEMO); the scenario's name is the postmortem's title.
    let (location, region) = match (&state.data.identity, state.session.kind) {
        (Some(id), _) => (format!("{} · {}", id.account, id.region), id.region.clone()),
        (None, warroom_core::model::SessionKind::Demo) => ("simulated".to_string(), "simulated".to_string()),
        (None, _) => (state.location.clone(), state.location.clone()),
    };
    let war_room = if state.war_room.summary() == Some(WarRoomStatus::Connected) { "  war room ✓" } else { "" };
    // Who acts, as the journal records it: the operator, and live the AWS principal the calls are signed as. On a
    // narrow terminal the account, then the principal, then the place give way, so that who is operating shows.
    let (author, operator) = (state.author(), state.session.operator.clone());
    // Too narrow for the clock and who operates (a follower's badge, several targets' summary at 80 columns):
    // the brand goes first, then a "data fresh" that says nothing is wrong.
    let width = |spans: &[Span<'_>]| spans.iter().map(|s| crate::text::width(&s.content)).sum::<usize>();
    let least = 6 + crate::text::width(&operator) + crate::text::width(war_room);
    if width(&spans) + least > area.width as usize {
        spans.drain(..2);
    }
    if width(&spans) + least > area.width as usize
        && let Some(fresh) = spans.iter().position(|s| s.content == "data fresh")
    {
        spans.drain(fresh.saturating_sub(1)..=fresh);
    }
    // Then the failing target's name ("1 of 4 targets ✖"): the footer and its panes say which.
    if width(&spans) + least > area.width as usize
        && let Some(summary) = spans.iter_mut().find(|s| s.content.contains(" targets ✖ "))
        && let Some((head, _)) = summary.content.split_once(" ✖ ")
    {
        summary.content = format!("{head} ✖").into();
    }
    let used = width(&spans);
    let variants = [
        (location.as_str(), author.as_str()),
        (region.as_str(), author.as_str()),
        (region.as_str(), operator.as_str()),
        ("", operator.as_str()),
    ];
    let fits = |(place, who): &(&str, &str)| {
        let place = if place.is_empty() { 0 } else { 2 + crate::text::width(place) };
        used + place + crate::text::width(war_room) + 6 + crate::text::width(who) <= area.width as usize
    };
    let found = variants.iter().find(|v| fits(v)).copied();
    let (place, who) = found.unwrap_or(variants[3]);
    if !place.is_empty() {
        spans.push(Span::raw(format!("  {}", sanitize(place, 40))));
    }
    // Who operates before the war room's ✓ (its loss has a badge of its own up front).
    if !war_room.is_empty() && found.is_some() {
        spans.push(Span::styled(war_room, theme::ok()));
    }
    spans.push(Span::styled(format!("  op: {}", sanitize(who, 64)), theme::dim()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// "data fresh" when every feed answered within three minutes (of the dashboard clock); the stalest feed and its
/// age (and "error") otherwise. A follower whose publisher stopped, or whose stream cannot be read, has data as old
/// as its last record, whatever the publisher's feeds said then: nothing where its badge says since when ("alice
/// stopped publishing 40s ago"), "data 40s old" beside a read's failure.
fn freshness(state: &State) -> Span<'static> {
    match &state.following {
        Some(following) if following.error.is_some() => {
            return Span::styled(format!("data {} old", compact_duration(following.quiet())), theme::warn());
        }
        Some(following) if following.silent() => return Span::raw(""),
        _ => {}
    }
    let mut worst: Option<(Feed, chrono::Duration)> = None;
    let mut failing = None;
    for feed in Feed::ALL {
        let health = &state.feeds[feed.index()];
        if health.last_error.is_some() {
            failing = Some(feed);
        }
        let age = health.last_ok.map_or(chrono::Duration::MAX, |t| state.now - t);
        if worst.is_none_or(|(_, w)| age > w) {
            worst = Some((feed, age));
        }
    }
    // Failures, each once: a target that cannot be reached fails every pane its polls fill, in the same words.
    let distinct: std::collections::BTreeSet<String> =
        state.feeds.iter().flat_map(|f| f.problems.iter().map(|p| p.problem.to_string())).collect();
    let problems = distinct.len();
    match (failing, worst) {
        (None, Some(_)) if problems > 0 => {
            Span::styled(format!("{problems} call{} failing", if problems == 1 { "" } else { "s" }), theme::warn())
        }
        // A whole poll failing, and beside it the calls of the others' last polls that did: every failure counts.
        (Some(feed), _) if problems > 0 => Span::styled(
            format!("{} failing, {problems} more call{} failing", feed.label(), if problems == 1 { "" } else { "s" }),
            theme::alarm(),
        ),
        (Some(feed), _) => Span::styled(format!("{} failing", feed.label()), theme::alarm()),
        (None, Some((_, age))) if age == chrono::Duration::MAX => Span::styled("waiting for data", theme::warn()),
        (None, Some((feed, age))) if age > chrono::Duration::minutes(3) => {
            Span::styled(format!("{} stale {}", feed.label(), compact_duration(age)), theme::warn())
        }
        (None, Some(_)) => Span::styled("data fresh", theme::dim()),
        (None, None) => Span::raw(""),
    }
}
