//! Colours and styles in one place. A breached threshold is always `ALARM`; tests assert that directly.

use ratatui_core::style::{Color, Modifier, Style};

/// A breach, a failure, an alarm firing.
pub const ALARM: Color = Color::Red;
/// Healthy.
pub const OK: Color = Color::Green;
/// Worth a look: stale data, a notice, an operation in progress.
pub const WARN: Color = Color::Yellow;
/// Deploys and changes on the charts.
pub const MARKER: Color = Color::Magenta;
/// The likely trigger's marker: apart from the other changes.
pub const SUSPECT: Color = Color::White;
/// Lines on charts, the focused border.
pub const ACCENT: Color = Color::Cyan;
/// What matters less: headers, labels.
pub const DIM: Color = Color::DarkGray;
/// Keys in hints.
pub const KEY: Color = Color::LightCyan;

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
