//! The table's sizing, fitting and drawing, on small hand-built rows.

use ratatui_core::style::Style;
use ratatui_core::text::{Line, Span};
use warroom_core::state::{PaneId, State};
use warroom_core::text::escape_controls;

use super::fit::{align, fit_cell};
use super::*;
use crate::text::width;

#[test]
fn first_row_scrolls_no_further_than_it_must() {
    let none = |_| 0;
    assert_eq!(first_row(0, 5, |_| 1, none), 0);
    assert_eq!(first_row(9, 5, |_| 1, none), 5);
    assert_eq!(first_row(9, 5, |_| 2, none), 8, "two-line rows: two fit");
    assert_eq!(first_row(3, 1, |_| 2, none), 3, "a row taller than the room is still drawn");
    // A cluster's line and its writer and reader, two lines each: the reader selected, all five lines fit.
    let grouped = |i: usize| 2 + usize::from(i == 0);
    assert_eq!(first_row(1, 5, grouped, |i| usize::from(i != 0)), 0, "the writer stays in view");
    assert_eq!(first_row(2, 5, grouped, |i| usize::from(i != 0)), 1, "scrolled: its group's line is kept");
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
