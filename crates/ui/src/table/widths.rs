//! Sizing the columns to the row's room and the content on screen.

use super::column::{Cell, Column, GAP, Width};
use crate::text::width;

/// Each column's width for `room` cells: fixed ones as given, content ones (names) as wide as the widest shown,
/// fills with what is left. When the row is too narrow, cells are taken from, in turn: content that is not a
/// name, names after the first, optional columns (left out whole), and last the row's first name — each down to
/// its minimum. A column of width 0 is left out with its gap.
pub(super) fn column_widths<R>(columns: &[Column<'_, R>], built: &[Vec<Option<Cell>>], room: usize) -> Vec<usize> {
    let mut widths: Vec<usize> = columns
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
    let first_name = columns.iter().position(|c| c.name);
    // Which columns give way, in turn: 0 content, 1 later names, 2 optional columns, 3 the first name.
    let stage = |c: usize| -> usize {
        let column = &columns[c];
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
                (0..widths.len()).rev().find(|&c| columns[c].optional && widths[c] > 0).map(|c| (c, widths[c]))
            } else {
                (0..widths.len())
                    .filter(|&c| stage(c) == step)
                    .filter_map(|c| match columns[c].width {
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
        let open: Vec<usize> = columns
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
            let Width::Fill { max, .. } = columns[c].width else { continue };
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
