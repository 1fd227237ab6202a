//! Fitting cells and lines to the cells they get: by display width, control characters escaped.

use ratatui_core::text::{Line, Span};

use super::column::{Align, Cell};
use crate::text::{clean, fit_owned_name, sanitize, width};

/// `text` padded to `cells` on the side `align` says.
pub(super) fn align(text: &str, cells: usize, align: Align) -> String {
    let pad = " ".repeat(cells.saturating_sub(width(text)));
    match align {
        Align::Left => format!("{text}{pad}"),
        Align::Right => format!("{pad}{text}"),
    }
}

/// A cell fitted to at most `cells` cells (a name cut in the middle, text cut at its end), and the cells it uses;
/// the caller pads it.
pub(super) fn fit_cell(cell: Cell, cells: usize) -> (Vec<Span<'static>>, usize) {
    let spans = match cell {
        Cell::Name(name, style) => vec![Span::styled(fit_owned_name(name, cells), style)],
        Cell::Spans(spans) => cut_spans(spans, cells),
    };
    let used = spans.iter().map(|s| width(&s.content)).sum();
    (spans, used)
}

/// Spans cut to at most `cells` cells, the last cut one ending in `…`; control characters escaped. Spans that
/// fit and need no escaping are kept as they are (a sparkline is a span a minute: this is most of a frame).
pub(super) fn cut_spans(spans: Vec<Span<'static>>, cells: usize) -> Vec<Span<'static>> {
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
pub(crate) fn fit_line(line: Line<'static>, cells: usize) -> Line<'static> {
    let style = line.style;
    Line::from(cut_spans(line.spans, cells)).style(style)
}
