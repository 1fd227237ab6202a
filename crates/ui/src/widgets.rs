//! Drawing pieces shared by panes: the pane frame, minute sparklines and time charts, both marking deploys.

use chrono::{DateTime, Duration, Utc};
use ratatui_core::layout::Rect;
use ratatui_core::style::{Color, Style};
use ratatui_core::symbols::Marker::Braille;
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use ratatui_widgets::block::Block;
use ratatui_widgets::chart::{Axis, Chart, Dataset, GraphType};

use super::theme;
use warroom_core::model::CappedList;
use warroom_core::model::{ResourceKind, Series, TimelineEvent};
use warroom_core::state::{PaneId, Stale, State};

/// The bordered block of a pane; the focused pane's border is highlighted. The title carries what the reader
/// must know before trusting the rows: that discovery was cut short, and that the data is stale and why.
pub fn pane_block(state: &State, pane: PaneId, extra: &str) -> Block<'static> {
    let focused = state.ui.focus == pane && state.ui.popup.is_none();
    let style = if focused { theme::focused_border() } else { theme::dim() };
    // In the title, not after the rows (with more rows than fit, a last line is never seen), and first, since a
    // narrow terminal cuts the end of a title.
    let truncated = resource_kinds(pane).iter().filter_map(|k| state.data.truncated.get(k)).max();
    let mut notes = Vec::new();
    if let Some(stale) = staleness(state, pane) {
        notes.push(Span::styled(stale, theme::warn()));
    }
    if let Some(limit) = truncated {
        notes.push(Span::raw(format!("first {limit} found")));
    }
    // A list a page cap cut: the reader must know the rows are not all there is.
    for (list, shown) in capped_lists(pane).iter().filter_map(|l| state.data.capped.get(l).map(|n| (l, n))) {
        notes.push(Span::styled(format!("first {shown} {} shown", list.noun()), theme::warn()));
    }
    if !extra.is_empty() {
        notes.push(Span::raw(extra.to_string()));
    }
    let title_style = if focused { style } else { theme::bold() };
    let mut spans = vec![Span::styled(format!(" {}", pane.title()), title_style)];
    for note in notes {
        spans.push(Span::styled(" · ", title_style));
        spans.push(if note.style == Style::default() { note.style(title_style) } else { note });
    }
    spans.push(Span::styled(" ", title_style));
    Block::bordered().border_style(style).title(Line::from(spans))
}

/// "stale 2m10s: sqs: timed out" when the data a pane shows stopped arriving (`State::stale`): how old the rows
/// are (by the dashboard clock) and the last error, so nobody acts on numbers that stopped moving.
pub fn staleness(state: &State, pane: PaneId) -> Option<String> {
    state.stale(pane).map(|s| Stale { why: crate::text::sanitize(&s.why, 60), ..s }.text(state.now))
}

/// The kinds of resource a pane lists, for what discovery says about them.
fn resource_kinds(pane: PaneId) -> &'static [ResourceKind] {
    match pane {
        PaneId::Queues => &[ResourceKind::Queue],
        PaneId::Dlqs => &[ResourceKind::Dlq],
        PaneId::Functions => &[ResourceKind::Function],
        PaneId::Database => &[ResourceKind::Cluster, ResourceKind::Instance],
        PaneId::Alarms | PaneId::Timeline => &[],
    }
}

/// The capped lists whose rows a pane shows.
fn capped_lists(pane: PaneId) -> &'static [CappedList] {
    match pane {
        PaneId::Alarms => &[CappedList::Alarms],
        PaneId::Timeline => &[CappedList::Changes, CappedList::AlarmTransitions, CappedList::DatabaseEvents],
        PaneId::Functions => &[CappedList::Versions],
        PaneId::Queues | PaneId::Dlqs | PaneId::Database => &[],
    }
}

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A deploy or change on a chart's time axis; the likely trigger of the incident stands out from the rest.
#[derive(Debug, Clone, Copy)]
pub struct Marker<'a> {
    pub event: &'a TimelineEvent,
    pub suspect: bool,
}

impl Marker<'_> {
    fn colour(&self) -> ratatui_core::style::Color {
        if self.suspect { theme::SUSPECT } else { theme::MARKER }
    }
}

/// Every chart's markers: deploys and changes, with the likely trigger flagged.
pub fn markers(state: &State) -> Vec<Marker<'_>> {
    let suspect = state.analysis.likely_trigger().map(|(_, s)| &s.change);
    state.data.markers().map(|event| Marker { event, suspect: suspect == Some(event) }).collect()
}

/// One character per minute for the last `width` minutes, red above `threshold`; minutes with a deploy or
/// change are drawn on the marker colour (the likely trigger on its own), so the x axis shows when things
/// changed.
pub fn sparkline(
    series: Option<&Series>,
    now: DateTime<Utc>,
    width: usize,
    threshold: Option<f64>,
    markers: &[Marker<'_>],
) -> Line<'static> {
    let Some(series) = series.filter(|s| !s.is_empty()) else {
        return Line::from(Span::styled("·".repeat(width), theme::dim()));
    };
    let start = now - Duration::minutes(width as i64);
    let values: Vec<Option<f64>> = (0..width)
        .map(|i| {
            let t = start + Duration::minutes(i as i64 + 1);
            // None before the first point: the minutes before data began are dots, not the first value.
            series.value_at(t)
        })
        .collect();
    let max = values.iter().flatten().copied().fold(threshold.unwrap_or(0.0), f64::max).max(1e-9);
    // Minutes of the same style share a span: a frame draws a sparkline per row, and spans cost per span.
    let mut spans: Vec<Span<'static>> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let from = start + Duration::minutes(i as i64);
        let in_minute = |m: &&Marker<'_>| m.event.at >= from && m.event.at < from + Duration::minutes(1);
        // The suspect's colour wins when it shares its minute with another change.
        let marked = markers.iter().filter(in_minute).max_by_key(|m| m.suspect);
        let (ch, mut style) = match v {
            Some(v) => {
                let idx = ((v / max) * (BARS.len() - 1) as f64).round().clamp(0.0, 7.0) as usize;
                (BARS[idx], threshold.map_or(Style::new().fg(theme::ACCENT), |t| theme::threshold(*v, t)))
            }
            None => ('·', theme::dim()),
        };
        if let Some(m) = marked {
            // Black on the marker's colour: a red or green bar on it is unreadable on Solarized (1.2:1).
            style = style.fg(Color::Black).bg(m.colour());
        }
        match spans.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push(ch),
            _ => spans.push(Span::styled(ch.to_string(), style)),
        }
    }
    Line::from(spans)
}

/// A resource's threshold on `metric` (its own line from the config or its alarm, else the default).
pub fn threshold(state: &State, resource: &str, metric: warroom_core::model::MetricKind) -> f64 {
    state.data.threshold_value(&state.thresholds, resource, metric)
}

/// A pane's title note for its resources' thresholds: `age threshold 60s` when they share one,
/// `age thresholds per queue` when alarms or the config give them their own.
pub fn threshold_note<'r>(
    state: &State,
    resources: impl IntoIterator<Item = &'r str>,
    metric: warroom_core::model::MetricKind,
    (one, unit, each): (&str, &str, &str),
) -> String {
    // One line for all needs no index: building it on every frame is most of a large account's frame.
    let values = match state.data.shared_threshold(&state.thresholds, metric) {
        Some(line) => vec![line],
        None => state.data.threshold_index(&state.thresholds).distinct(resources, metric),
    };
    match values.as_slice() {
        [] => format!("{one} {:.0}{unit}", threshold(state, "", metric)),
        [v] => format!("{one} {v:.0}{unit}"),
        _ => format!("{one}s per {each}"),
    }
}

/// One line on a chart.
pub struct ChartLine<'a> {
    pub label: String,
    pub series: Option<&'a Series>,
    pub style: Style,
    /// A percentage: a chart whose lines all are stops its axis at 100.
    pub percent: bool,
}

/// How the n-th line of a chart is drawn and shown in its legend: a different glyph each, so that two series
/// are told apart without colour (the mono theme, a colour-blind reader, a screenshot in print).
const LINE_GLYPHS: [(ratatui_core::symbols::Marker, &str); 3] =
    [(Braille, "━"), (ratatui_core::symbols::Marker::Dot, "•"), (ratatui_core::symbols::Marker::Block, "█")];

/// The shortest a fitted chart spans: a chart of the first minutes of data is not stretched over them alone.
const MIN_CHART_MINUTES: i64 = 10;

/// The span a chart shows: its `window`, or less when the data begin later, so that a chart holding 35 minutes
/// of data spans 35 minutes rather than leaving the left half empty (at least `MIN_CHART_MINUTES`). A change
/// marked before the first datapoint (the deploy that started it all) stays in the span.
fn fitted_window(chart: &TimeChart<'_>) -> Duration {
    let start = chart.now - chart.window;
    let data = chart.lines.iter().filter_map(|l| l.series?.since(start).next().map(|p| p.at));
    let marked = chart.markers.iter().map(|m| m.event.at).filter(|t| *t >= start);
    let earliest = data.chain(marked).min();
    match earliest {
        Some(first) => {
            let minutes = ((chart.now - first).num_seconds() + 59) / 60;
            Duration::minutes(minutes.clamp(MIN_CHART_MINUTES, chart.window.num_minutes().max(MIN_CHART_MINUTES)))
        }
        None => chart.window,
    }
}

/// What a time chart shows: its lines over the last `window`, a threshold, and the change markers.
pub struct TimeChart<'a> {
    pub now: DateTime<Utc>,
    pub window: Duration,
    pub lines: &'a [ChartLine<'a>],
    pub threshold: Option<f64>,
    pub markers: &'a [Marker<'a>],
    /// The y axis reaches at least this high, so a flat line near zero does not fill the chart.
    pub y_floor: f64,
}

/// A time chart with a dotted threshold line and a vertical line at each marker (deploys, changes).
/// Above the chart, one legend line names the series, the threshold and the markers in their colours.
pub fn time_chart(frame: &mut Frame, area: Rect, chart: &TimeChart<'_>) {
    let TimeChart { now, lines, threshold, markers, y_floor, .. } = *chart;
    // Nothing to chart (a filter left no series): no empty axes with markers over nothing.
    if area.height < 4 || area.width < 10 || lines.is_empty() {
        return;
    }
    let window = fitted_window(chart);
    let chart = &TimeChart { window, ..*chart };
    // A second legend row where the chart keeps enough plot: a legend cut mid-word hides what a marker is.
    let entries = legend(chart);
    let rows = if area.height >= 9 { 2 } else { 1 };
    let legend_lines = legend_rows(entries, area.width as usize, rows);
    let [legend_area, area] = ratatui_core::layout::Layout::vertical([
        ratatui_core::layout::Constraint::Length(legend_lines.len() as u16),
        ratatui_core::layout::Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(ratatui_widgets::paragraph::Paragraph::new(legend_lines), legend_area);
    let start = now - window;
    let x = |t: DateTime<Utc>| (t - start).num_seconds() as f64 / 60.0;
    let x_max = window.num_minutes() as f64;
    let points: Vec<Vec<(f64, f64)>> = lines
        .iter()
        .map(|l| l.series.map_or(Vec::new(), |s| s.since(start).map(|p| (x(p.at), p.value)).collect()))
        .collect();
    if points.iter().all(Vec::is_empty) {
        let why = format!("no datapoints in the last {}m yet", window.num_minutes());
        frame.render_widget(Line::from(Span::styled(why, theme::dim())), Rect { height: 1, ..area });
        return;
    }
    let data_max = points.iter().flatten().map(|p| p.1).fold(y_floor, f64::max);
    let mut y_max = (data_max.max(threshold.unwrap_or(0.0)) * 1.1).max(1.0);
    if lines.iter().all(|l| l.percent) {
        y_max = y_max.min(100.0);
    }
    let threshold_pts: Vec<(f64, f64)> =
        threshold.map_or(Vec::new(), |t| (0..=x_max as i64).step_by(2).map(|m| (m as f64, t)).collect());
    // The suspect last, so it is drawn over an ordinary marker in the same column.
    let mut shown: Vec<&Marker<'_>> = markers.iter().filter(|m| m.event.at >= start).collect();
    shown.sort_by_key(|m| m.suspect);
    let marker_pts: Vec<(Style, Vec<(f64, f64)>)> = shown
        .iter()
        .map(|m| {
            let mx = x(m.event.at);
            (Style::new().fg(m.colour()), (0..=20).map(|i| (mx, y_max * f64::from(i) / 20.0)).collect())
        })
        .collect();

    let mut datasets = Vec::new();
    for (style, pts) in &marker_pts {
        datasets.push(Dataset::default().marker(Braille).graph_type(GraphType::Scatter).style(*style).data(pts));
    }
    if !threshold_pts.is_empty() {
        datasets.push(
            Dataset::default()
                .name(format!("threshold {:.0}", threshold.unwrap_or_default()))
                .marker(Braille)
                .graph_type(GraphType::Scatter)
                .style(theme::warn())
                .data(&threshold_pts),
        );
    }
    for (i, (line, pts)) in lines.iter().zip(&points).enumerate() {
        datasets.push(
            Dataset::default()
                .name(line.label.clone())
                .marker(LINE_GLYPHS[i % LINE_GLYPHS.len()].0)
                .graph_type(GraphType::Line)
                .style(line.style)
                .data(pts),
        );
    }
    let minutes = window.num_minutes();
    let chart = Chart::new(datasets)
        .x_axis(
            Axis::default()
                .bounds([0.0, x_max])
                .labels(vec![format!("-{minutes}m"), format!("-{}m", minutes / 2), "now".to_string()])
                .style(theme::dim()),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, y_max])
                .labels(vec!["0".to_string(), format!("{:.0}", y_max)])
                .style(theme::dim()),
        )
        // The legend box would cover the newest data; the legend line above the chart names things instead.
        .legend_position(None);
    frame.render_widget(chart, area);
}

/// The legend's entries, each a span: "━ core-db-1 CPU %", "┄ threshold 70", "┃14:02 orders-consumer live → v42
/// (likely trigger) + migration started". Markers in the same minute share a column on the chart, so they share
/// an entry; each change is named short (its words before a parenthesis or a colon: the timeline has the rest).
fn legend(chart: &TimeChart<'_>) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for (i, line) in chart.lines.iter().enumerate() {
        spans.push(Span::styled(format!("{} {}  ", LINE_GLYPHS[i % LINE_GLYPHS.len()].1, line.label), line.style));
    }
    if let Some(t) = chart.threshold {
        spans.push(Span::styled(format!("┄ threshold {t:.0}  "), theme::warn()));
    }
    // The suspect's minute first: a narrow legend keeps the one that matters.
    let mut minutes: Vec<(String, Vec<&Marker<'_>>)> = Vec::new();
    for m in chart.markers.iter().filter(|m| m.event.at >= chart.now - chart.window) {
        let minute = m.event.at.format("%H:%M").to_string();
        match minutes.iter_mut().find(|(at, _)| *at == minute) {
            Some((_, group)) => group.push(m),
            None => minutes.push((minute, vec![m])),
        }
    }
    minutes.sort_by_key(|(_, group)| !group.iter().any(|m| m.suspect));
    for (minute, mut group) in minutes {
        group.sort_by_key(|m| !m.suspect);
        // A change CloudTrail recorded is named by its call ("RebootDBInstance on core-db-1"), not its source;
        // the same name twice in a minute is said once, with how many.
        let mut names: Vec<(String, usize)> = Vec::new();
        for m in &group {
            let text = m.event.text.strip_prefix("CloudTrail: ").unwrap_or(&m.event.text);
            let short = text.split([':', '(']).next().unwrap_or(text).trim_end();
            let name = format!("{short}{}", if m.suspect { " (likely trigger)" } else { "" });
            match names.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += 1,
                None => names.push((name, 1)),
            }
        }
        let names: Vec<String> =
            names.into_iter().map(|(n, count)| if count > 1 { format!("{n} ×{count}") } else { n }).collect();
        let colour = group.first().map_or(theme::MARKER, |m| m.colour());
        spans.push(Span::styled(format!("┃{minute} {}  ", names.join(" + ")), Style::new().fg(colour)));
    }
    spans
}

/// The legend's entries laid out on at most `rows` lines of `width` cells: an entry that does not fit moves to the
/// next line whole; the last line cuts what is left with "…".
fn legend_rows(entries: Vec<Span<'static>>, width: usize, rows: usize) -> Vec<Line<'static>> {
    let mut lines: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    for entry in entries {
        let w = crate::text::width(&entry.content);
        if used + w > width && used > 0 && lines.len() < rows {
            lines.push(Vec::new());
            used = 0;
        }
        let room = width.saturating_sub(used);
        if room > 1 {
            let text = crate::text::sanitize(entry.content.trim_end(), room);
            let pad = if used + crate::text::width(&text) + 2 <= width { "  " } else { "" };
            used += crate::text::width(&text) + pad.len();
            if let Some(line) = lines.last_mut() {
                line.push(Span::styled(format!("{text}{pad}"), entry.style));
            }
        }
    }
    lines.into_iter().map(Line::from).collect()
}
