//! Colours and styles in one place. A breached threshold is always `ALARM`; tests assert that directly.

use ratatui::style::{Color, Modifier, Style};

pub const ALARM: Color = Color::Red;
pub const OK: Color = Color::Green;
pub const WARN: Color = Color::Yellow;
pub const MARKER: Color = Color::Magenta;
/// The likely trigger's marker: apart from the other changes.
pub const SUSPECT: Color = Color::White;
pub const ACCENT: Color = Color::Cyan;
pub const DIM: Color = Color::DarkGray;

pub fn alarm() -> Style {
    Style::new().fg(ALARM).add_modifier(Modifier::BOLD)
}
pub fn ok() -> Style {
    Style::new().fg(OK)
}
pub fn warn() -> Style {
    Style::new().fg(WARN)
}
pub fn dim() -> Style {
    Style::new().fg(DIM)
}
pub fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
pub fn marker() -> Style {
    Style::new().fg(MARKER)
}
pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}
pub fn focused_border() -> Style {
    Style::new().fg(ACCENT).add_modifier(Modifier::BOLD)
}
pub fn header() -> Style {
    Style::new().fg(Color::Black).bg(ACCENT).add_modifier(Modifier::BOLD)
}

/// Red above the threshold, green below.
pub fn threshold(value: f64, threshold: f64) -> Style {
    if value > threshold { alarm() } else { ok() }
}
