//! Text helpers shared by file errors, the state and the postmortem: positions in files, untrusted names made
//! safe, compact durations and numbers. Cutting text to a screen width is the UI's (it needs display widths).

use chrono::Duration;

/// 1-based line and column of a byte offset in `src`.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = src.get(..offset).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Resource names and AWS strings come from outside: control characters are escaped (`\u{1b}`) so they cannot
/// move the cursor or change colours wherever the text ends up; so are bidirectional controls (U+202E reverses
/// the rest of the line on terminals that do bidi) and zero-width ones (a joiner makes a terminal and warroom
/// disagree on how wide a name is). Variation selectors and emoji skin-tone modifiers, which only pick a glyph's
/// presentation and widen it on some terminals only, are dropped.
pub fn escape_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            c if presentation_only(c) => {}
            c if must_escape(c) => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

/// Whether `s` reaches a terminal unchanged by `escape_controls`.
pub fn is_terminal_safe(s: &str) -> bool {
    !s.chars().any(|c| must_escape(c) || presentation_only(c))
}

/// Control characters, bidirectional controls and zero-width characters: shown escaped.
fn must_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Variation selectors, emoji modifiers and tag characters: they choose how the character before them looks.
fn presentation_only(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}')
}

/// `42s`, `4m12s`, `2h05m`, `3d04h`; negative durations read `0s`.
pub fn compact_duration(d: Duration) -> String {
    let secs = d.num_seconds().max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{:02}s", s / 60, s % 60),
        s if s < 86_400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        s => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// `950`, `1.2k`, `34k`, `1.5M`.
pub fn compact_count(n: f64) -> String {
    let a = n.abs();
    if a < 1000.0 {
        format!("{n:.0}")
    } else if a < 10_000.0 {
        format!("{:.1}k", n / 1000.0)
    } else if a < 1_000_000.0 {
        format!("{:.0}k", n / 1000.0)
    } else {
        format!("{:.1}M", n / 1_000_000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_and_zero_width_controls_are_escaped_and_presentation_selectors_dropped() {
        assert_eq!(escape_controls("orders\u{202E}gol"), "orders\\u{202e}gol");
        assert_eq!(escape_controls("a\u{200D}b\u{200B}c"), "a\\u{200d}b\\u{200b}c");
        assert_eq!(escape_controls("\u{26A0}\u{FE0F} alarm \u{1F44D}\u{1F3FD}"), "\u{26A0} alarm \u{1F44D}");
        assert!(!is_terminal_safe("x\u{2066}y") && is_terminal_safe("café-队列-🔥"));
    }

    #[test]
    fn line_and_column() {
        let src = "a = 1\nbb = 2\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 6), (2, 1));
        assert_eq!(line_col(src, 8), (2, 3));
        assert_eq!(line_col(src, 999), (3, 1));
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("ok\x1b[31mred"), "ok\\u{1b}[31mred");
        assert_eq!(escape_controls("plain"), "plain");
    }

    #[test]
    fn compact_formats() {
        assert_eq!(compact_duration(Duration::seconds(252)), "4m12s");
        assert_eq!(compact_duration(Duration::seconds(7500)), "2h05m");
        assert_eq!(compact_count(1234.0), "1.2k");
        assert_eq!(compact_count(56_789.0), "57k");
    }
}
