//! Colours and styles in one place. A breached threshold is always `ALARM`; tests assert that directly.
//!
//! The default theme uses only colours that stay readable on the 16-colour palettes terminals ship with:
//! Solarized (common in SSH clients) makes colour 8 (`DarkGray`) the background itself and colours 7 and 15
//! (`White`) the light background, so secondary text is the terminal's own foreground, not grey. The other
//! themes are applied to the whole frame at the end (`apply`): high-contrast keeps every character in the
//! terminal's own foreground and carries meaning in bold and reverse video; mono drops colour altogether.

use ratatui_core::buffer::Buffer;
use ratatui_core::style::{Color, Modifier, Style};
use warroom_core::config::ThemeName;

/// A breach, a failure, an alarm firing.
pub const ALARM: Color = Color::Red;
/// Healthy.
pub const OK: Color = Color::Green;
/// Worth a look: stale data, a notice, an operation in progress.
pub const WARN: Color = Color::Yellow;
/// Deploys and changes on the charts.
pub const MARKER: Color = Color::Magenta;
/// The likely trigger's marker: apart from the other changes (blue: white, its old colour, is the background's
/// neighbour on Solarized Light).
pub const SUSPECT: Color = Color::Blue;
/// Lines on charts, the focused border.
pub const ACCENT: Color = Color::Cyan;
/// What matters less: headers, labels. The terminal's own foreground: grey (colour 8) is the background on
/// Solarized Dark; what matters more is bold instead.
pub const DIM: Color = Color::Reset;
/// Keys in hints: light blue, apart from the focused border's cyan (light cyan, colour 14, is a pale grey on
/// Solarized Light).
pub const KEY: Color = Color::LightBlue;

/// A breach or a failure, bold.
pub fn alarm() -> Style {
    Style::new().fg(ALARM).add_modifier(Modifier::BOLD)
}
/// Healthy.
pub fn ok() -> Style {
    Style::new().fg(OK)
}
/// Worth a look.
pub fn warn() -> Style {
    Style::new().fg(WARN)
}
/// Less important text.
pub fn dim() -> Style {
    Style::new().fg(DIM)
}
/// Names and headings.
pub fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
/// A deploy or change.
pub fn marker() -> Style {
    Style::new().fg(MARKER)
}
/// The selected row of the focused pane.
pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}
/// A key in a hint ("x cancels"): only keys are drawn in it, so a test can find every hint on a screen.
pub fn key() -> Style {
    Style::new().fg(KEY).add_modifier(Modifier::BOLD)
}
/// The focused pane's border and a popup's.
pub fn focused_border() -> Style {
    Style::new().fg(ACCENT).add_modifier(Modifier::BOLD)
}
/// The WARROOM badge.
pub fn header() -> Style {
    Style::new().fg(Color::Black).bg(ACCENT).add_modifier(Modifier::BOLD)
}

/// Red above the threshold, green below.
pub fn threshold(value: f64, threshold: f64) -> Style {
    if value > threshold { alarm() } else { ok() }
}

/// Applies `theme` to a drawn frame: the default theme leaves it as drawn; high-contrast and mono put every
/// character in the terminal's own colours, a breach (red) and a coloured badge in reverse video, and
/// high-contrast makes what was coloured bold.
pub fn apply(buffer: &mut Buffer, theme: ThemeName) {
    if theme == ThemeName::Default {
        return;
    }
    let area = buffer.area;
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &mut buffer[(x, y)];
            let coloured = cell.fg != Color::Reset;
            let mut modifiers = cell.modifier;
            if cell.fg == ALARM || cell.bg != Color::Reset {
                modifiers |= Modifier::REVERSED;
            }
            if theme == ThemeName::HighContrast && coloured {
                modifiers |= Modifier::BOLD;
            }
            // Reverse video twice over (a reversed cell on a badge) would cancel out.
            if cell.modifier.contains(Modifier::REVERSED) && cell.bg != Color::Reset {
                modifiers.remove(Modifier::REVERSED);
            }
            cell.fg = Color::Reset;
            cell.bg = Color::Reset;
            cell.modifier = modifiers;
        }
    }
}
