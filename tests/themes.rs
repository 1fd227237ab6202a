//! Every theme reads on the palettes users have. Solarized, common in SSH clients, maps colour 8 to its dark
//! background and colours 7 and 15 to its light one: a style drawn in them vanishes. Each drawn cell of the
//! dashboard, its popups and its plan, at 80×24 and 160×48, is held against Solarized Dark and Light.
// Tests fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use warroom_core::config::ThemeName;
use warroom_core::keymap::Keymap;
use warroom_core::scene::Scene;
use warroom_core::state::State;

/// A 16-colour palette: the ANSI colours 0–15, and the default foreground and background.
struct Palette {
    name: &'static str,
    ansi: [u32; 16],
    fg: u32,
    bg: u32,
}

/// Ethan Schoonover's Solarized, as terminals map it to the 16 ANSI colours.
const SOLARIZED: [u32; 16] = [
    0x073642, 0xdc322f, 0x859900, 0xb58900, 0x268bd2, 0xd33682, 0x2aa198, 0xeee8d5, 0x002b36, 0xcb4b16, 0x586e75,
    0x657b83, 0x839496, 0x6c71c4, 0x93a1a1, 0xfdf6e3,
];
const DARK: Palette = Palette { name: "Solarized Dark", ansi: SOLARIZED, fg: 0x839496, bg: 0x002b36 };
const LIGHT: Palette = Palette { name: "Solarized Light", ansi: SOLARIZED, fg: 0x657b83, bg: 0xfdf6e3 };

impl Palette {
    fn rgb(&self, color: Color, default: u32) -> u32 {
        let index = match color {
            Color::Reset => return default,
            Color::Black => 0,
            Color::Red => 1,
            Color::Green => 2,
            Color::Yellow => 3,
            Color::Blue => 4,
            Color::Magenta => 5,
            Color::Cyan => 6,
            Color::Gray => 7,
            Color::DarkGray => 8,
            Color::LightRed => 9,
            Color::LightGreen => 10,
            Color::LightYellow => 11,
            Color::LightBlue => 12,
            Color::LightMagenta => 13,
            Color::LightCyan => 14,
            Color::White => 15,
            Color::Indexed(i) if i < 16 => i as usize,
            Color::Rgb(r, g, b) => return u32::from(r) << 16 | u32::from(g) << 8 | u32::from(b),
            other => panic!("{other:?} is outside the 16 colours the palettes define"),
        };
        self.ansi[index]
    }
}

/// WCAG 2 contrast ratio of two sRGB colours, 1 to 21.
fn contrast(a: u32, b: u32) -> f64 {
    let luminance = |c: u32| {
        let channel = |v: u32| {
            let v = f64::from(v & 0xff) / 255.0;
            if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(c >> 16) + 0.7152 * channel(c >> 8) + 0.0722 * channel(c)
    };
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The least contrast any drawn character may have. Solarized's own accents on its light background are
/// 2.8–3.0:1 (green, cyan, yellow); its colour 8 on its dark background is 1:1, its colour 7 on light 1.1:1.
const MIN_DEFAULT: f64 = 2.5;
/// High-contrast and mono draw in the terminal's own foreground and background: 4.1:1 and 4.7:1 on Solarized.
const MIN_OWN_COLOURS: f64 = 4.0;

/// The screens a user sees: calm, the incident at its peak, and the popups over it (help, a plan, a detail).
fn screens(theme: ThemeName) -> Vec<(&'static str, State)> {
    let keymap = Keymap::defaults().expect("keymap");
    let with = |minute: f64, keys: &str| {
        let mut state = Scene::at_minute(minute, false).state;
        state.press_keys(&keymap, keys).expect("keys");
        state.ui.theme = theme;
        state
    };
    vec![
        ("calm", with(31.0, "")),
        ("incident", with(45.0, "")),
        ("help", with(45.0, "?")),
        ("rollback plan", with(45.0, "r")),
        ("queue detail", with(45.0, "tab <enter>")),
    ]
}

fn draw(state: &State, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let keymap = Keymap::defaults().expect("keymap");
    terminal.draw(|f| warroom_ui::render(f, state, &keymap)).expect("draw");
    terminal.backend().buffer().clone()
}

/// Every non-blank cell's contrast on `palette`, the worst first, with where it is.
fn worst(buffer: &Buffer, palette: &Palette) -> Option<(f64, String)> {
    let area = buffer.area;
    let mut found: Option<(f64, String)> = None;
    for y in 0..area.height {
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            if cell.symbol().trim().is_empty() {
                continue;
            }
            let (mut fg, mut bg) = (palette.rgb(cell.fg, palette.fg), palette.rgb(cell.bg, palette.bg));
            if cell.modifier.contains(Modifier::REVERSED) {
                std::mem::swap(&mut fg, &mut bg);
            }
            let ratio = contrast(fg, bg);
            if found.as_ref().is_none_or(|(r, _)| ratio < *r) {
                let row: String = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
                found = Some((
                    ratio,
                    format!("({x}, {y}) {:?} {:?} on {:?} in: {}", cell.symbol(), cell.fg, cell.bg, row.trim_end()),
                ));
            }
        }
    }
    found
}

#[test]
fn every_drawn_character_reads_on_solarized_dark_and_light_in_every_theme() {
    for (theme, min) in [
        (ThemeName::Default, MIN_DEFAULT),
        (ThemeName::HighContrast, MIN_OWN_COLOURS),
        (ThemeName::Mono, MIN_OWN_COLOURS),
    ] {
        for (name, state) in screens(theme) {
            for (w, h) in [(80, 24), (160, 48)] {
                let buffer = draw(&state, w, h);
                for palette in [&DARK, &LIGHT] {
                    if let Some((ratio, at)) = worst(&buffer, palette) {
                        assert!(
                            ratio >= min,
                            "{theme:?}, {name} at {w}×{h} on {}: contrast {ratio:.2} < {min}: {at}",
                            palette.name
                        );
                    }
                }
            }
        }
    }
}

/// Mono draws no colour at all, and a breach still stands out (reverse video); high-contrast keeps every
/// character in the terminal's own colours.
#[test]
fn mono_and_high_contrast_draw_in_the_terminals_own_colours_and_a_breach_stands_out() {
    for theme in [ThemeName::Mono, ThemeName::HighContrast] {
        let (_, state) = screens(theme).into_iter().nth(1).expect("incident");
        let buffer = draw(&state, 160, 48);
        let area = buffer.area;
        let cells = (0..area.height).flat_map(|y| (0..area.width).map(move |x| (x, y)));
        for (x, y) in cells {
            let cell = &buffer[(x, y)];
            assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{theme:?}: a colour at ({x}, {y})");
        }
        // What the default theme draws red (a breach) is reverse video here.
        let mut default = state.clone();
        default.ui.theme = ThemeName::Default;
        let coloured = draw(&default, 160, 48);
        let red: Vec<(u16, u16)> = (0..area.height)
            .flat_map(|y| (0..area.width).map(move |x| (x, y)))
            .filter(|&(x, y)| coloured[(x, y)].fg == Color::Red && !coloured[(x, y)].symbol().trim().is_empty())
            .collect();
        assert!(!red.is_empty(), "the incident draws a breach");
        for (x, y) in red {
            assert!(
                buffer[(x, y)].modifier.contains(Modifier::REVERSED),
                "{theme:?}: the breach at ({x}, {y}) stands out"
            );
        }
    }
}

/// NO_COLOR (no-color.org): crossterm writes no colour when it is set, whatever the theme; the dashboard in a
/// real terminal (tmux) shows no colour escape.
#[test]
fn no_color_leaves_the_screen_without_colour() {
    let tmux =
        support::tmux::Tmux::start_with_env("no-color", &["--demo", "--speed", "60"], &[("NO_COLOR", "1")], 120, 40);
    tmux.wait_for("ALARM", std::time::Duration::from_secs(60));
    let out = tmux.tmux(&["capture-pane", "-e", "-p", "-t", "e2e"]);
    let screen = String::from_utf8_lossy(&out.stdout);
    for sgr in screen.split("\u{1b}[").skip(1) {
        let params: String = sgr.chars().take_while(|c| c.is_ascii_digit() || *c == ';').collect();
        let colour = params.split(';').any(|p| matches!(p.parse::<u32>(), Ok(30..=38 | 40..=48 | 90..=97 | 100..=107)));
        assert!(!colour, "a colour escape ({params}) with NO_COLOR set:\n{screen}");
    }
    tmux.keys(&["q"]);
}
