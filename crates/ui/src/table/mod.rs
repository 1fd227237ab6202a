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

mod column;
mod fit;
mod widths;

pub use column::{Align, Cell, Column, Width};

use ratatui_core::layout::{Constraint, Layout, Rect};
use ratatui_core::style::{Modifier, Style};
use ratatui_core::terminal::Frame;
use ratatui_core::text::{Line, Span};
use warroom_core::model::ResourceKind;
use warroom_core::state::{PaneId, State};

use crate::text::{fit_name, sanitize};
use crate::theme;
use crate::widgets::pane_block;
use column::{GAP, LineFn};
pub(crate) use fit::fit_line;
use fit::{align, fit_cell};
use widths::column_widths;

/// The key of a row's group.
type KeyFn<'a, R> = Box<dyn for<'r> Fn(&'r R) -> &'r str + 'a>;

/// The fewest rows a pane shows with their second lines (`PaneTable::under`) when it cannot show them all.
const UNDER_LINES_FROM_ROWS: usize = 3;

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
        let room = inner.width as usize;
        let mut lines: Vec<Line<'static>> = self.above.iter().map(|l| fit_line(l.clone(), room)).collect();
        let header_lines = usize::from(self.header);
        let height = (inner.height as usize).saturating_sub(lines.len() + header_lines);

        let len = self.rows.len();
        let selected = selected_index(self.state, self.pane, len);
        // A pane too short for three rows with their second lines, when it has more rows than that, shows rows
        // without them: fifty queues at 80×24 are better read as three rows than as one and its sparkline.
        let under = self.under.as_ref().filter(|_| len <= height / 2 || height / 2 >= UNDER_LINES_FROM_ROWS);
        let per_row = 1 + usize::from(under.is_some());
        let group_key = |i: usize| self.groups.as_ref().map(|g| (g.key)(&self.rows[i]));
        let starts_group = |i: usize| self.groups.is_some() && (i == 0 || group_key(i) != group_key(i - 1));
        // A row takes its lines, and the first of its group one more; the first row drawn also needs its
        // group's line when the group's first rows scrolled away.
        let cost = |i: usize| per_row + usize::from(starts_group(i));
        let lead = |i: usize| usize::from(self.groups.is_some() && !starts_group(i));
        let first = if len == 0 { 0 } else { first_row(selected, height.max(1), cost, lead) };
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
        // Where the rows drawn are among all of them, on the bottom border, when they are not all drawn: in a
        // list of a thousand queues the reader knows how many there are and where the selection is.
        let block = match (visible.first(), visible.last()) {
            (Some(&top), Some(&bottom)) if visible.len() < len => {
                let place = format!(" {}–{} of {len} ", top + 1, bottom + 1);
                block.title_bottom(Line::from(Span::styled(place, theme::dim())).right_aligned())
            }
            _ => block,
        };
        frame.render_widget(block, area);
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
        let widths = column_widths(&self.columns, &built, room.saturating_sub(indent));

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
            if let Some(under) = under {
                lines.push(fit_line(under(row, room), room));
            }
        }
        let missing: Vec<Line<'static>> = self.missing_lines(widths.first().copied().unwrap_or(16));
        if len == 0 && missing.is_empty() && self.after.is_empty() {
            // Under a filter the resources are not gone, only hidden: say which filter hides them.
            let filter = &self.state.ui.filter;
            // Before any poll has answered, an empty pane is not an empty account.
            let waiting = self.state.feeds.iter().all(|f| f.last_ok.is_none() && f.last_error.is_none());
            let empty = if filter.is_empty() && waiting {
                "waiting for the first poll".to_string()
            } else if filter.is_empty() {
                self.empty.to_string()
            } else {
                format!("no match for '{}'", sanitize(filter, 40))
            };
            lines.push(Line::from(Span::styled(empty, theme::dim())));
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
        if selected_index(self.state, self.pane, self.rows.len()) != index {
            Style::new()
        } else if ui.focus == self.pane {
            theme::selected()
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
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

/// The index of the row `pane` shows as selected among `len` rows: the selection, or the last row when the
/// selection is past the end (a filter shortened the list; the state clamps on its next update). What the table
/// highlights and what a pane's verdict or chart is about are one row.
pub fn selected_index(state: &State, pane: PaneId, len: usize) -> usize {
    state.ui.selected(pane).min(len.saturating_sub(1))
}

/// The first row to draw so that every row from it to the selected one fits in `room` lines (row `i` takes
/// `lines(i)`, and `lead(i)` more when it is the first drawn: its group's line), scrolling no further than it
/// must.
pub fn first_row(selected: usize, room: usize, lines: impl Fn(usize) -> usize, lead: impl Fn(usize) -> usize) -> usize {
    let mut first = selected;
    let mut used = lines(selected);
    while first > 0 && used + lines(first - 1) + lead(first - 1) <= room {
        first -= 1;
        used += lines(first);
    }
    first
}

#[cfg(test)]
mod tests;
