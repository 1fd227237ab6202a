//! Untrusted text made safe and fitted to terminal cells: control characters escaped, widths measured in
//! display cells (a CJK character or an emoji takes two), names cut where they stay tellable apart.

use unicode_width::UnicodeWidthChar;
use warroom_core::text::escape_controls;

/// Display width of `s` in terminal cells.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// The longest start of `s` that fits `max` cells.
fn head(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += c.width().unwrap_or(0);
        if used > max {
            return &s[..i];
        }
    }
    s
}

/// The longest end of `s` that fits `max` cells.
fn tail(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices().rev() {
        used += c.width().unwrap_or(0);
        if used > max {
            return &s[i + c.len_utf8()..];
        }
    }
    s
}

/// Whether `text` has nothing to escape or drop (`escape_controls`).
pub fn clean(text: &str) -> bool {
    warroom_core::text::is_terminal_safe(text)
}

/// Resource names and AWS strings come from outside: control characters are escaped so they cannot move the
/// cursor or change colours, and the result is cut to `max` cells, ending in `…` when cut.
pub fn sanitize(s: &str, max: usize) -> String {
    if clean(s) && width(s) <= max {
        return s.to_string();
    }
    let s = escape_controls(s);
    if width(&s) <= max {
        return s;
    }
    if max == 0 {
        return String::new();
    }
    format!("{}…", head(&s, max - 1))
}

/// A resource name in at most `max` cells: whole when it fits; else its start and its end around `…`, because
/// names of one service share their start and differ at the end (`payments…db-1` and `payments…db-2`, where
/// cutting the end would show `payments-db…` for both the writer and the reader).
pub fn fit_name(name: &str, max: usize) -> String {
    fit_owned_name(name.to_string(), max)
}

/// `fit_name` for a name already owned: one that fits and needs no escaping is returned as it is.
pub fn fit_owned_name(name: String, max: usize) -> String {
    let name = if clean(&name) { name } else { escape_controls(&name) };
    if width(&name) <= max {
        return name;
    }
    if max <= 2 {
        return sanitize(&name, max);
    }
    // A target's label (`prod/eu-west-1/orders`) is what to give up first, its region said short
    // (`prod/euw1/orders`), then its name cut (`p…euw1/orders`): the copies of one queue in two regions or two
    // accounts stay apart. AWS's queue, function and instance names have no `/` of their own.
    let name = short_region(&name).unwrap_or(name);
    if width(&name) <= max {
        return name;
    }
    let sep = warroom_core::model::SEPARATOR;
    let after_label_name = name.find(sep).map(|at| &name[at + 1..]);
    let own = name.rfind(sep).map(|at| &name[at..]);
    for tail in [after_label_name, own].into_iter().flatten() {
        if width(tail) + 2 <= max {
            return format!("{}…{tail}", head(&name, max - 1 - width(tail)));
        }
    }
    let room = max - 1;
    let start = head(&name, room.div_ceil(2));
    let end = tail(&name, room - width(start));
    format!("{start}…{end}")
}

/// `name/region/rest` with its region said short, as AWS's own shorthand does (`us-east-1` → `use1`,
/// `ap-southeast-2` → `apse2`); `None` when its second part is no region.
fn short_region(name: &str) -> Option<String> {
    let mut parts = name.splitn(3, warroom_core::model::SEPARATOR);
    let (label, region, rest) = (parts.next()?, parts.next()?, parts.next()?);
    warroom_core::config::check_region(region).ok()?;
    let short: String = region
        .split('-')
        .enumerate()
        .map(|(i, part)| match part {
            _ if i == 0 => part.to_string(),
            "east" | "west" | "north" | "south" | "central" => part[..1].to_string(),
            "northeast" | "northwest" | "southeast" | "southwest" => format!("{}{}", &part[..1], &part[5..6]),
            other => other.to_string(),
        })
        .collect();
    Some(format!("{label}/{short}/{rest}"))
}

/// `text` broken into lines of at most `max` cells, at spaces where it can and inside a word only when the word
/// alone is wider than `max`. Spacing inside a line is kept (aligned columns stay aligned); the spaces where a
/// line breaks are dropped. Blank text gives no line; `max` 0 is taken as 1.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut rest = text.trim_end();
    while !rest.is_empty() {
        // The next word and the spaces before it.
        let word_start = rest.find(|c: char| !c.is_whitespace()).unwrap_or(rest.len());
        let word_end = rest[word_start..].find(char::is_whitespace).map_or(rest.len(), |e| word_start + e);
        let (gap, mut word) = (&rest[..word_start], &rest[word_start..word_end]);
        rest = &rest[word_end..];
        if width(&line) + width(gap) + width(word) <= max {
            line.push_str(gap);
            line.push_str(word);
            continue;
        }
        if !line.trim().is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        line.clear();
        // A word wider than a whole line: as much as fits, the rest on the next lines.
        while width(word) > max {
            let part = head(word, max);
            let part = if part.is_empty() { &word[..word.chars().next().map_or(0, char::len_utf8)] } else { part };
            lines.push(part.to_string());
            word = &word[part.len()..];
        }
        line.push_str(word);
    }
    if !line.trim().is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_by_display_width_and_splits_only_words_wider_than_a_line() {
        assert_eq!(wrap("Roll back the selected alias", 12), ["Roll back", "the selected", "alias"]);
        assert_eq!(wrap("日本語 の 説明", 7), ["日本語", "の 説明"]);
        assert_eq!(wrap("arn:aws:sqs:eu-west-1:1 x", 8), ["arn:aws:", "sqs:eu-w", "est-1:1", "x"]);
        assert_eq!(wrap("fits", 10), ["fits"]);
        assert!(wrap("  ", 10).is_empty());
        assert_eq!(wrap(" 1. 14:02   2 min  deploy v42", 16), [" 1. 14:02   2", "min  deploy v42"], "spacing kept");
    }

    #[test]
    fn sanitizes_control_characters_and_cuts_by_cells() {
        assert_eq!(sanitize("ok\x1b[31mred", 40), "ok\\u{1b}[31mred");
        assert_eq!(sanitize("a-very-long-queue-name", 8), "a-very-…");
        assert_eq!(sanitize("abc", 3), "abc");
        // Two cells a character: four cells hold one character and the ellipsis.
        assert_eq!(sanitize("注文キュー", 4), "注…");
        assert_eq!(width(&sanitize("注文キュー", 4)), 3);
    }

    #[test]
    fn names_keep_their_distinguishing_end() {
        assert_eq!(fit_name("payments-db-1", 20), "payments-db-1");
        let (writer, reader) = (fit_name("payments-ledger-db-1", 13), fit_name("payments-ledger-db-2", 13));
        assert_ne!(writer, reader);
        assert_eq!(writer, "paymen…r-db-1");
        // A label gives way first: its region said short, then its name cut; two regions stay apart.
        assert_eq!(fit_name("prod/eu-west-1/orders", 20), "prod/euw1/orders");
        assert_eq!(fit_name("prod/eu-west-1/orders", 13), "p…euw1/orders");
        assert_eq!(fit_name("prod/us-east-1/orders", 13), "p…use1/orders");
        assert_eq!(fit_name("prod/ap-southeast-2/orders-bulk-001", 18), "p…/orders-bulk-001", "its own name whole");
        assert_eq!(fit_name("prod/eu-west-1/orders-bulk-001", 13), "prod/e…lk-001", "else cut in the middle");
        assert_eq!(fit_name("prod/eu-west-1/orders", 21), "prod/eu-west-1/orders", "whole when it fits");
        assert_eq!(width(&writer), 13);
        assert!(width(&fit_name("支払い台帳データベース", 9)) <= 9);
        assert_eq!(fit_name("abc", 1), "…");
    }
}
