//! The one table the panes share. A pane declares its columns — a header, how the column takes its width, and
//! how to draw a row's cell — and hands over its rows; the table draws the pane's block, sizes the columns from
//! the terminal's width and the content, keeps the selected row in view, marks it, adds the "not found" rows and
//! the empty message, and returns the room left below for a chart.
//!
//! Widths are display cells (a CJK character or an emoji takes two). A name column gets its widest name's width
//! whenever the row has room for it, so names show whole; when it must be cut, the name keeps its start and its
//! end (`payments…db-1`), which is what tells the names of one service apart. The detail view shows it whole.
//!
//! ratatui's own `Table` sizes columns from constraints alone and cannot span a row's second line (the compact
//! panes' sparklines) or carry group rows (a cluster above its instances); this widget keeps its model — columns,
//! a selected row, an offset — and draws each line straight into the buffer.

use ratatui_core::layout::{Constraint, Layout, Rect};
use ratatui_core::style::{Modifier, Style};
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use warroom_core::model::ResourceKind;
use warroom_core::state::{PaneId, State};

use warroom_core::text::escape_controls;

use crate::text::{clean, fit_name, fit_owned_name, sanitize, width};
use crate::theme;
use crate::widgets::pane_block;

/// Cells between two columns.
const GAP: usize = 1;

/// How a column takes its width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// Exactly this many cells: numbers, states, times.
    Fixed(usize),
    /// As wide as its widest cell on screen (and its header), never narrower than `min`; cut (a name in the
    /// middle) only when the row has no room left.
    Content {
        /// The fewest cells it is cut to.
        min: usize,
    },
    /// Whatever the other columns leave, from `min` to `max` cells: sparklines, reasons, texts.
    Fill {
        /// The fewest cells it gets.
        min: usize,
        /// The most it takes; what is left beyond stays empty at the row's end.
        max: usize,
    },
}

/// Which side of its column a cell keeps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text and names.
    Left,
    /// Numbers.
    Right,
}

/// What one cell shows.
pub enum Cell {
    /// A resource name, fitted to the column by `fit_name`.
    Name(String, Style),
    /// Styled text, cut at the column's end when it does not fit.
    Spans(Vec<Span<'static>>),
}

impl Cell {
    /// Plain text in one style.
    pub fn text(text: impl Into<String>, style: Style) -> Cell {
        Cell::Spans(vec![Span::styled(text.into(), style)])
    }

    fn width(&self) -> usize {
        match self {
            Cell::Name(name, _) if clean(name) => width(name),
            Cell::Name(name, _) => width(&escape_controls(name)),
            // Drawn escaped (a tab as `\t`), so measured escaped.
            Cell::Spans(spans) => spans
                .iter()
                .map(|s| if clean(&s.content) { width(&s.content) } else { width(&escape_controls(&s.content)) })
                .sum(),
        }
    }
}

/// Draws one cell of a row, for the cells its column gets.
type CellFn<'a, R> = Box<dyn Fn(&R, usize) -> Cell + 'a>;
/// Draws one line for a row (a group's line, a row's second line), for the cells it gets.
type LineFn<'a, R> = Box<dyn Fn(&R, usize) -> Line<'static> + 'a>;

/// One column: its header, its width, and its cell for a row (given the cells it gets).
pub struct Column<'a, R> {
    header: String,
    width: Width,
    align: Align,
    /// A name column: when the row is too narrow, other content columns give way first.
    name: bool,
    /// May be left out when the row is too narrow for it at its minimum, rather than cutting the first name.
    optional: bool,
    cell: CellFn<'a, R>,
}

impl<'a, R> Column<'a, R> {
    fn new(header: &str, width: Width, align: Align, cell: impl Fn(&R, usize) -> Cell + 'a) -> Self {
        let header = header.to_string();
        Column { header, width, align, name: false, optional: false, cell: Box::new(cell) }
    }

    /// A name column: `name` of each row, in `style`, whole whenever the row has room.
    pub fn name(header: &str, min: usize, style: Style, name: impl Fn(&R) -> String + 'a) -> Self {
        let cell = move |r: &R, _| Cell::Name(name(r), style);
        Column { name: true, ..Column::new(header, Width::Content { min }, Align::Left, cell) }
    }

    /// A name that reads as a sentence (an alarm's name, which AWS lets be any text): like `name`, whole whenever
    /// the row has room, but cut at its end, because its start says what it watches.
    pub fn sentence(header: &str, min: usize, style: Style, text: impl Fn(&R) -> String + 'a) -> Self {
        let cell = move |r: &R, _| Cell::text(text(r), style);
        Column { name: true, ..Column::new(header, Width::Content { min }, Align::Left, cell) }
    }

    /// A column as wide as its widest cell on screen (at least `min`).
    pub fn content(header: &str, min: usize, cell: impl Fn(&R) -> Cell + 'a) -> Self {
        Column::new(header, Width::Content { min }, Align::Left, move |r: &R, _| cell(r))
    }

    /// A column of exactly `cells` cells.
    pub fn fixed(header: &str, cells: usize, align: Align, cell: impl Fn(&R) -> Cell + 'a) -> Self {
        Column::new(header, Width::Fixed(cells), align, move |r: &R, _| cell(r))
    }

    /// A column that takes what is left (`min` to `max` cells); its cell is drawn for the width it gets.
    pub fn fill(header: &str, min: usize, max: usize, cell: impl Fn(&R, usize) -> Cell + 'a) -> Self {
        Column::new(header, Width::Fill { min, max }, Align::Left, cell)
    }

    /// Leave the column out, rather than cut the row's first name, when the row has no room for it.
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }
}

/// The key of a row's group.
type KeyFn<'a, R> = Box<dyn for<'r> Fn(&'r R) -> &'r str + 'a>;

/// Rows that belong together under a line of their own (a cluster above its instances).
pub struct Groups<'a, R> {
    /// Rows with the same key are one group.
    pub key: KeyFn<'a, R>,
    /// The group's line, drawn above its first row on screen.
    pub line: LineFn<'a, R>,
}

/// A pane drawn as a table.
pub struct PaneTable<'a, R> {
    state: &'a State,
    pane: PaneId,
    title_note: String,
    rows: &'a [R],
    columns: Vec<Column<'a, R>>,
    header: bool,
    above: Vec<Line<'static>>,
    under: Option<LineFn<'a, R>>,
    groups: Option<Groups<'a, R>>,
    missing: &'static [ResourceKind],
    empty: &'static str,
    after: Vec<Line<'static>>,
}

impl<'a, R> PaneTable<'a, R> {
    /// `rows` of `pane` in `columns`; `title_note` follows the pane's title ("age threshold 60s").
    pub fn new(state: &'a State, pane: PaneId, rows: &'a [R], columns: Vec<Column<'a, R>>) -> Self {
        PaneTable {
            state,
            pane,
            title_note: String::new(),
            rows,
            columns,
            header: false,
            above: Vec::new(),
            under: None,
            groups: None,
            missing: &[],
            empty: "nothing",
            after: Vec::new(),
        }
    }

    /// A note after the pane's title.
    pub fn title_note(mut self, note: String) -> Self {
        self.title_note = note;
        self
    }

    /// Draw the column headers above the rows.
    pub fn header(mut self, header: bool) -> Self {
        self.header = header;
        self
    }

    /// Lines above the table (the selected queue's verdict), drawn first so scrolling never hides them.
    pub fn above(mut self, lines: Vec<Line<'static>>) -> Self {
        self.above = lines;
        self
    }

    /// A second line under each row, across the whole width (a sparkline), drawn for the width it gets.
    pub fn under(mut self, line: impl Fn(&R, usize) -> Line<'static> + 'a) -> Self {
        self.under = Some(Box::new(line));
        self
    }

    /// Group lines above each group's first row.
    pub fn groups(mut self, groups: Groups<'a, R>) -> Self {
        self.groups = Some(groups);
        self
    }

    /// The kinds of resource whose "not found" rows the pane shows, and what it says when it has no rows.
    pub fn missing(mut self, kinds: &'static [ResourceKind], empty: &'static str) -> Self {
        self.missing = kinds;
        self.empty = empty;
        self
    }

    /// Lines after the rows (a cluster listed without instances).
    pub fn after(mut self, lines: Vec<Line<'static>>) -> Self {
        self.after = lines;
        self
    }

    /// Draws the pane into `area`; returns the room left under the table's lines (for a chart).
    pub fn render(self, frame: &mut Frame, area: Rect) -> Rect {
        let block = pane_block(self.state, self.pane, &self.title_note);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let room = inner.width as usize;
        let mut lines: Vec<Line<'static>> = self.above.iter().map(|l| fit_line(l.clone(), room)).collect();
        let header_lines = usize::from(self.header);
        let height = (inner.height as usize).saturating_sub(lines.len() + header_lines);

        let len = self.rows.len();
        let selected = self.state.ui.selected(self.pane).min(len.saturating_sub(1));
        let per_row = 1 + usize::from(self.under.is_some());
        let group_key = |i: usize| self.groups.as_ref().map(|g| (g.key)(&self.rows[i]));
        let starts_group = |i: usize| self.groups.is_some() && (i == 0 || group_key(i) != group_key(i - 1));
        // A row takes its lines, and the first of its group one more; one line is kept for the header of a
        // group whose first rows scrolled away.
        let cost = |i: usize| per_row + usize::from(starts_group(i));
        let reserve = usize::from(self.groups.is_some());
        let first = if len == 0 { 0 } else { first_row(selected, height.saturating_sub(reserve).max(1), cost) };
        // The rows that fit, measured before the columns are sized: a name is as wide as the widest one shown.
        let mut visible = Vec::new();
        let mut used = 0;
        for i in first..len {
            let lines_needed = per_row + usize::from(self.groups.is_some() && (i == first || starts_group(i)));
            if used + lines_needed > height && !visible.is_empty() {
                break;
            }
            used += lines_needed;
            visible.push(i);
        }
        // Rows under a group line are indented by a cell.
        let indent = usize::from(self.groups.is_some());
        // Cells that do not depend on their column's width are built once, measured, then drawn.
        let mut built: Vec<Vec<Option<Cell>>> = visible
            .iter()
            .map(|&i| {
                self.columns
                    .iter()
                    .map(|c| (!matches!(c.width, Width::Fill { .. })).then(|| (c.cell)(&self.rows[i], usize::MAX)))
                    .collect()
            })
            .collect();
        let widths = self.column_widths(&built, room.saturating_sub(indent));

        if self.header {
            let mut spans = vec![Span::raw(" ".repeat(indent))];
            spans.extend(
                self.columns.iter().zip(&widths).enumerate().filter(|(_, (_, w))| **w > 0).enumerate().flat_map(
                    |(shown, (_, (column, w)))| {
                        let gap = if shown == 0 { 0 } else { GAP };
                        let text = align(&sanitize(&column.header, *w), *w, column.align);
                        [Span::raw(" ".repeat(gap)), Span::styled(text, theme::dim())]
                    },
                ),
            );
            lines.push(Line::from(spans));
        }
        let mut previous_group: Option<&str> = None;
        for (&i, cells) in visible.iter().zip(built.iter_mut()) {
            let row = &self.rows[i];
            if let Some(groups) = &self.groups {
                let key = (groups.key)(row);
                if previous_group != Some(key) {
                    lines.push(fit_line((groups.line)(row, room), room));
                    previous_group = Some(key);
                }
            }
            // Gaps and padding are gathered into one span of spaces before the next cell: fewer spans to draw.
            let mut spans = Vec::new();
            let mut spaces = indent;
            let columns = self.columns.iter().zip(&widths).zip(cells.iter_mut()).filter(|((_, w), _)| **w > 0);
            for (shown, ((column, w), cell)) in columns.enumerate() {
                if shown > 0 {
                    spaces += GAP;
                }
                let cell = cell.take().unwrap_or_else(|| (column.cell)(row, *w));
                let (content, used) = fit_cell(cell, *w);
                let pad = w.saturating_sub(used);
                if column.align == Align::Right {
                    spaces += pad;
                }
                if spaces > 0 && !content.is_empty() {
                    spans.push(Span::raw(" ".repeat(spaces)));
                    spaces = 0;
                }
                spans.extend(content);
                if column.align == Align::Left {
                    spaces += pad;
                }
            }
            lines.push(Line::from(spans).patch_style(self.row_style(i)));
            if let Some(under) = &self.under {
                lines.push(fit_line(under(row, room), room));
            }
        }
        let missing: Vec<Line<'static>> = self.missing_lines(widths.first().copied().unwrap_or(16));
        if len == 0 && missing.is_empty() && self.after.is_empty() {
            lines.push(Line::from(Span::styled(self.empty, theme::dim())));
        }
        lines.extend(self.after.iter().map(|l| fit_line(l.clone(), room)));
        lines.extend(missing);
        let used = (lines.len() as u16).min(inner.height);
        let [table, rest] = Layout::vertical([Constraint::Length(used), Constraint::Min(0)]).areas(inner);
        // Each line straight into the buffer: every line already fits the width, so Paragraph's reflow (which
        // walks every grapheme again) has nothing to do.
        for (y, line) in (table.y..table.bottom()).zip(&lines) {
            frame.render_widget(line, Rect { y, height: 1, ..table });
        }
        rest
    }

    /// Reversed when selected in the focused pane, underlined when selected elsewhere (so the target of an
    /// operation key is visible from any pane).
    fn row_style(&self, index: usize) -> Style {
        let ui = &self.state.ui;
        if ui.selected(self.pane).min(self.rows.len().saturating_sub(1)) != index {
            Style::new()
        } else if ui.focus == self.pane {
            theme::selected()
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }

    /// Each column's width for `room` cells: fixed ones as given, content ones (names) as wide as the widest shown,
    /// fills with what is left. When the row is too narrow, cells are taken from, in turn: content that is not a
    /// name, names after the first, optional columns (left out whole), and last the row's first name — each down to
    /// its minimum. A column of width 0 is left out with its gap.
    fn column_widths(&self, built: &[Vec<Option<Cell>>], room: usize) -> Vec<usize> {
        let mut widths: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(c, column)| match column.width {
                Width::Fixed(w) => w,
                Width::Content { min } => built
                    .iter()
                    .filter_map(|row| row[c].as_ref().map(Cell::width))
                    .chain([width(&column.header)])
                    .max()
                    .unwrap_or(0)
                    .max(min),
                Width::Fill { min, .. } => min,
            })
            .collect();
        let total = |w: &[usize]| {
            let shown = w.iter().filter(|w| **w > 0).count();
            w.iter().sum::<usize>() + GAP * shown.saturating_sub(1)
        };
        let first_name = self.columns.iter().position(|c| c.name);
        // Which columns give way, in turn: 0 content, 1 later names, 2 optional columns, 3 the first name.
        let stage = |c: usize| -> usize {
            let column = &self.columns[c];
            if Some(c) == first_name {
                3
            } else if column.name {
                1
            } else {
                0
            }
        };
        for step in 0..4 {
            while total(&widths) > room {
                let candidate = if step == 2 {
                    // An optional column goes whole, the rightmost first.
                    (0..widths.len()).rev().find(|&c| self.columns[c].optional && widths[c] > 0).map(|c| (c, widths[c]))
                } else {
                    (0..widths.len())
                        .filter(|&c| stage(c) == step)
                        .filter_map(|c| match self.columns[c].width {
                            Width::Content { min } if widths[c] > min => Some((c, 1)),
                            _ => None,
                        })
                        .max_by_key(|&(c, _)| widths[c])
                };
                match candidate {
                    Some((c, by)) => widths[c] -= by,
                    None => break,
                }
            }
        }
        // Room to spare: the fill columns share it, each up to its maximum.
        loop {
            let spare = room.saturating_sub(total(&widths));
            let open: Vec<usize> = self
                .columns
                .iter()
                .zip(&widths)
                .enumerate()
                .filter(|(_, (c, w))| matches!(c.width, Width::Fill { max, .. } if **w < max))
                .map(|(i, _)| i)
                .collect();
            if spare == 0 || open.is_empty() {
                break;
            }
            let before = total(&widths);
            for (k, &c) in open.iter().enumerate() {
                let Width::Fill { max, .. } = self.columns[c].width else { continue };
                let mut share = spare / open.len() + usize::from(k < spare % open.len());
                // A column that was left out comes back with its gap, which the share pays for.
                if widths[c] == 0 && widths.iter().any(|w| *w > 0) {
                    share = share.saturating_sub(GAP);
                }
                widths[c] = (widths[c] + share).min(max);
            }
            if total(&widths) == before {
                break;
            }
        }
        widths
    }

    /// "name  not found" for each resource the config names that AWS does not have.
    fn missing_lines(&self, name_width: usize) -> Vec<Line<'static>> {
        self.missing
            .iter()
            .flat_map(|kind| self.state.data.missing(*kind))
            .map(|name| {
                Line::from(vec![
                    Span::raw(align(&fit_name(name, name_width.max(8)), name_width.max(8), Align::Left)),
                    Span::raw(" "),
                    Span::styled("not found", theme::warn()),
                ])
            })
            .collect()
    }
}

/// The first row to draw so that every row from it to the selected one fits in `room` lines (row `i` takes
/// `lines(i)`), scrolling no further than it must.
pub fn first_row(selected: usize, room: usize, lines: impl Fn(usize) -> usize) -> usize {
    let mut first = selected;
    let mut used = lines(selected);
    while first > 0 && used + lines(first - 1) <= room {
        first -= 1;
        used += lines(first);
    }
    first
}

/// `text` padded to `cells` on the side `align` says.
fn align(text: &str, cells: usize, align: Align) -> String {
    let pad = " ".repeat(cells.saturating_sub(width(text)));
    match align {
        Align::Left => format!("{text}{pad}"),
        Align::Right => format!("{pad}{text}"),
    }
}

/// A cell fitted to at most `cells` cells (a name cut in the middle, text cut at its end), and the cells it uses;
/// the caller pads it.
fn fit_cell(cell: Cell, cells: usize) -> (Vec<Span<'static>>, usize) {
    let spans = match cell {
        Cell::Name(name, style) => vec![Span::styled(fit_owned_name(name, cells), style)],
        Cell::Spans(spans) => cut_spans(spans, cells),
    };
    let used = spans.iter().map(|s| width(&s.content)).sum();
    (spans, used)
}

/// Spans cut to at most `cells` cells, the last cut one ending in `…`; control characters escaped. Spans that
/// fit and need no escaping are kept as they are (a sparkline is a span a minute: this is most of a frame).
fn cut_spans(spans: Vec<Span<'static>>, cells: usize) -> Vec<Span<'static>> {
    let mut out = Vec::with_capacity(spans.len());
    let mut left = cells;
    for span in spans {
        if left == 0 {
            break;
        }
        let span_width = width(&span.content);
        if span_width <= left && clean(&span.content) {
            left -= span_width;
            out.push(span);
            continue;
        }
        let text = sanitize(&span.content, left);
        left = left.saturating_sub(width(&text));
        out.push(Span::styled(text, span.style));
    }
    out
}

/// A line cut to `cells` cells.
fn fit_line(line: Line<'static>, cells: usize) -> Line<'static> {
    let style = line.style;
    Line::from(cut_spans(line.spans, cells)).style(style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_row_scrolls_no_further_than_it_must() {
        assert_eq!(first_row(0, 5, |_| 1), 0);
        assert_eq!(first_row(9, 5, |_| 1), 5);
        assert_eq!(first_row(9, 5, |_| 2), 8, "two-line rows: two fit");
        assert_eq!(first_row(3, 1, |_| 2), 3, "a row taller than the room is still drawn");
    }

    /// `rows` in `columns`, drawn as the Alarms pane `width` cells wide; the lines inside its border.
    fn draw(
        rows: &[&'static str],
        columns: Vec<Column<'static, &'static str>>,
        header: bool,
        grouped: bool,
        width: u16,
    ) -> Vec<String> {
        use chrono::TimeZone;
        use ratatui_core::backend::TestBackend;
        use ratatui_core::terminal::Terminal;
        use warroom_core::config::Thresholds;
        use warroom_core::model::{Session, SessionKind};
        let session = Session { operator: "t".into(), kind: SessionKind::Demo, read_only: false };
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).single().expect("time");
        let state = State::new(session, "here".into(), Thresholds::default(), now);
        let mut terminal = Terminal::new(TestBackend::new(width, 6)).expect("terminal");
        terminal
            .draw(|f| {
                let mut table = PaneTable::new(&state, PaneId::Alarms, rows, columns).header(header);
                if grouped {
                    table = table.groups(Groups {
                        key: Box::new(|_: &&str| "group"),
                        line: Box::new(|_: &&str, _| Line::from("group")),
                    });
                }
                table.render(f, f.area());
            })
            .expect("draw");
        let buffer = terminal.backend().buffer();
        (1..5).map(|y| (1..width - 1).map(|x| buffer[(x, y)].symbol()).collect()).collect()
    }

    #[test]
    fn a_fill_column_that_starts_empty_pays_for_its_gap() {
        let columns = vec![
            Column::name("name", 4, Style::new(), |r: &&str| r.to_string()),
            Column::fill("reason", 0, usize::MAX, |_: &&str, _| Cell::text("a reason too long to fit", Style::new())),
        ];
        let lines = draw(&["alarm-1"], columns, false, false, 22);
        // 20 cells inside the border: the name (7), a gap, and 12 cells of reason ending in its `…`.
        assert_eq!(lines[0], "alarm-1 a reason to…");
    }

    #[test]
    fn a_grouped_table_indents_its_header_with_its_rows() {
        let columns = vec![
            Column::name("name", 4, Style::new(), |r: &&str| r.to_string()),
            Column::fixed("n", 3, Align::Right, |_: &&str| Cell::text("42", Style::new())),
        ];
        let lines = draw(&["db-1"], columns, true, true, 22);
        assert_eq!(lines[0].trim_end(), " name   n");
        assert_eq!(lines[2].trim_end(), " db-1  42");
    }

    #[test]
    fn a_cell_with_control_characters_is_measured_as_drawn() {
        assert_eq!(Cell::text("a\tb", Style::new()).width(), width(&escape_controls("a\tb")));
        assert_eq!(Cell::Name("a\tb".into(), Style::new()).width(), width(&escape_controls("a\tb")));
    }

    #[test]
    fn cells_are_fitted_by_display_width() {
        let text =
            |(spans, _): (Vec<Span<'static>>, usize)| spans.iter().map(|s| s.content.to_string()).collect::<String>();
        let cut = fit_cell(Cell::text("注文キュー", Style::new()), 5);
        assert_eq!(cut.1, 5);
        assert_eq!(text(cut), "注文…");
        assert_eq!(fit_cell(Cell::text("42", Style::new()), 5).1, 2, "padding is the row's");
        assert_eq!(text(fit_cell(Cell::Name("payments-ledger-db-1".into(), Style::new()), 13)), "paymen…r-db-1");
        assert_eq!(align("42", 5, Align::Right), "   42");
    }
}
