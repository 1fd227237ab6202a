//! What a pane declares: its columns (a header, how the column takes its width, how a row's cell is drawn) and
//! what a cell shows.

use ratatui_core::style::Style;
use ratatui_core::text::{Line, Span};
use warroom_core::text::escape_controls;

use crate::text::{clean, width};

/// Cells between two columns.
pub(super) const GAP: usize = 1;

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

    pub(super) fn width(&self) -> usize {
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
pub(super) type CellFn<'a, R> = Box<dyn Fn(&R, usize) -> Cell + 'a>;
/// Draws one line for a row (a group's line, a row's second line), for the cells it gets.
pub(super) type LineFn<'a, R> = Box<dyn Fn(&R, usize) -> Line<'static> + 'a>;

/// One column: its header, its width, and its cell for a row (given the cells it gets).
pub struct Column<'a, R> {
    pub(super) header: String,
    pub(super) width: Width,
    pub(super) align: Align,
    /// A name column: when the row is too narrow, other content columns give way first.
    pub(super) name: bool,
    /// May be left out when the row is too narrow for it at its minimum, rather than cutting the first name.
    pub(super) optional: bool,
    pub(super) cell: CellFn<'a, R>,
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
