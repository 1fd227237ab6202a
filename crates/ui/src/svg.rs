//! Screenshots: a rendered buffer as SVG, colours kept. Generated from real renders, never drawn by hand.

use ratatui_core::buffer::Buffer;
use ratatui_core::style::{Color, Modifier};

/// A cell's width in the SVG, pixels (14 px DejaVu Sans Mono advances 8.43).
pub const CELL_W: f64 = 8.4;
/// A cell's height in the SVG, pixels.
pub const CELL_H: f64 = 17.0;
const BACKGROUND: &str = "#1e1e2e";
const FOREGROUND: &str = "#d9e0ee";

fn hex(color: Color, default: &'static str) -> String {
    let named = match color {
        Color::Reset => default,
        Color::Black => "#1e1e2e",
        Color::Red => "#f38ba8",
        Color::Green => "#a6e3a1",
        Color::Yellow => "#f9e2af",
        Color::Blue => "#5b7fd6",
        Color::Magenta => "#e06cde",
        Color::Cyan => "#89dceb",
        Color::Gray => "#bac2de",
        Color::DarkGray => "#6c7086",
        Color::LightRed => "#f5a3b8",
        Color::LightGreen => "#b9f0b4",
        Color::LightYellow => "#fbecc4",
        Color::LightBlue => "#89b4fa",
        Color::LightMagenta => "#f5c2e7",
        Color::LightCyan => "#a5f0fa",
        Color::White => "#ffffff",
        Color::Rgb(r, g, b) => return format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) => return format!("#{i:02x}{i:02x}{i:02x}"),
    };
    named.to_string()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The buffer as a standalone SVG document: one background rect and one text run per stretch of equal style.
pub fn buffer_to_svg(buffer: &Buffer) -> String {
    let area = buffer.area;
    let (w, h) = (f64::from(area.width) * CELL_W, f64::from(area.height) * CELL_H);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" \
         font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"14\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"{BACKGROUND}\"/>\n"
    );
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let cell = &buffer[(area.x + x, area.y + y)];
            let reversed = cell.modifier.contains(Modifier::REVERSED);
            let (mut fg, mut bg) = (hex(cell.fg, FOREGROUND), hex(cell.bg, BACKGROUND));
            if reversed {
                std::mem::swap(&mut fg, &mut bg);
            }
            let bold = cell.modifier.contains(Modifier::BOLD);
            let start = x;
            let mut text = String::new();
            while x < area.width {
                let c = &buffer[(area.x + x, area.y + y)];
                if (c.fg, c.bg, c.modifier) != (cell.fg, cell.bg, cell.modifier) {
                    break;
                }
                text.push_str(c.symbol());
                x += 1;
            }
            let (px, py) = (f64::from(start) * CELL_W, f64::from(y) * CELL_H);
            if bg != BACKGROUND {
                let width = f64::from(x - start) * CELL_W;
                out.push_str(&format!(
                    "<rect x=\"{px:.1}\" y=\"{py:.1}\" width=\"{width:.1}\" height=\"{CELL_H}\" fill=\"{bg}\"/>\n"
                ));
            }
            if !text.trim().is_empty() {
                let weight = if bold { " font-weight=\"bold\"" } else { "" };
                let baseline = py + CELL_H * 0.78;
                let element = |x: f64, text: &str| {
                    format!(
                        "<text x=\"{x:.1}\" y=\"{baseline:.1}\" fill=\"{fg}\"{weight} xml:space=\"preserve\">{}</text>\n",
                        escape(text)
                    )
                };
                if text.is_ascii() {
                    out.push_str(&element(px, &text));
                } else {
                    // Box drawing and braille come from fonts of other advances, and librsvg does not honour a
                    // list of x positions: one element per cell keeps every glyph on its cell in every renderer.
                    for (i, cell) in (start..x).enumerate() {
                        let symbol = buffer[(area.x + cell, area.y + y)].symbol();
                        if !symbol.trim().is_empty() {
                            out.push_str(&element(px + i as f64 * CELL_W, symbol));
                        }
                    }
                }
            }
        }
    }
    out.push_str("</svg>\n");
    out
}
