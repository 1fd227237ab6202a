//! The README's screenshots are real renders of the demo at fixed simulated times, written as SVG with colours.
//! This test fails when a committed screenshot differs from what the code renders now;
//! `SCREENSHOTS_UPDATE=1 cargo test --test screenshots` regenerates them.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use warroom_core::keymap::Keymap;
use warroom_core::scene::Scene;
use warroom_ui::svg::{CELL_H, CELL_W, buffer_to_svg};

fn draw(scene: &Scene, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let keymap = Keymap::defaults().expect("keymap");
    terminal.draw(|f| warroom_ui::render(f, &scene.state, &keymap)).expect("draw");
    terminal.backend().buffer().clone()
}

/// Keys as a user presses them, through the default keymap.
fn press(scene: &mut Scene, keys: &str) {
    let keymap = Keymap::defaults().expect("keymap");
    scene.state.press_keys(&keymap, keys).expect("keys");
}

fn scenes() -> Vec<(&'static str, Buffer)> {
    let peak = Scene::at_minute(45.0, false);

    let mut plan = Scene::at_minute(45.0, false);
    press(&mut plan, "r orders-consumer");

    let mut preview = Scene::at_minute(45.0, true);
    press(&mut preview, "b");

    // Did it work? Roll back and reboot at the peak, redrive once healthy, look again.
    let mut recovery = Scene::at_minute(45.0, false);
    recovery.world.update_alias("orders-consumer", "live", 42, 41, "alice").expect("rollback");
    recovery.world.reboot_instance("core-db-1").expect("reboot");
    recovery.advance_to(75.0);
    recovery.world.start_redrive("orders-dlq", None, Some(50)).expect("redrive");
    recovery.advance_to(77.0);

    vec![
        ("incident-peak-160x48", draw(&peak, 160, 48)),
        ("incident-peak-80x24", draw(&peak, 80, 24)),
        ("rollback-plan-160x48", draw(&plan, 160, 48)),
        ("read-only-preview-160x48", draw(&preview, 160, 48)),
        ("recovery-160x48", draw(&recovery, 160, 48)),
    ]
}

#[test]
fn screenshots_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let update = std::env::var_os("SCREENSHOTS_UPDATE").is_some();
    let mut stale = Vec::new();
    for (name, buffer) in scenes() {
        let svg = buffer_to_svg(&buffer);
        let path = dir.join(format!("{name}.svg"));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != svg {
            if update {
                std::fs::write(&path, &svg).expect("write screenshot");
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale screenshots (run `SCREENSHOTS_UPDATE=1 cargo test --test screenshots`): {stale:?}"
    );
}

#[test]
fn svg_keeps_colours() {
    let (_, peak) = scenes().into_iter().next().expect("a scene");
    let peak = buffer_to_svg(&peak);
    assert!(peak.starts_with("<svg"));
    assert!(peak.contains("fill=\"#f38ba8\""), "the alarm red is in the picture");
    assert!(peak.contains("WARROOM"));
}

/// The screenshots are what a new user sees first, often outside a browser: rasterised with librsvg
/// (`rsvg-convert`, what GNOME's viewers and many tools use; scripts/test installs it with the DejaVu fonts), no
/// glyph is drawn outside its cell — a chart's line never runs past its pane's border. Every cell the buffer
/// leaves blank must rasterise to the background (its edges aside, where a neighbour's anti-aliasing may reach).
#[test]
fn screenshots_rasterise_cell_true_with_librsvg() {
    let dir = std::env::temp_dir().join(format!("warroom-rsvg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    for (name, buffer) in scenes() {
        let svg_path = dir.join(format!("{name}.svg"));
        let png_path = dir.join(format!("{name}.png"));
        std::fs::write(&svg_path, buffer_to_svg(&buffer)).expect("write svg");
        let out = std::process::Command::new("rsvg-convert")
            .arg(&svg_path)
            .arg("-o")
            .arg(&png_path)
            .output()
            .expect("rsvg-convert must be installed (scripts/test installs librsvg2-bin)");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png_path).expect("png")));
        let mut reader = decoder.read_info().expect("png header");
        let mut pixels = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut pixels).expect("png frame");
        let channels = info.color_type.samples();
        let at = |x: usize, y: usize| {
            let i = (y * info.width as usize + x) * channels;
            (pixels[i], pixels[i + 1], pixels[i + 2])
        };
        let background = at(0, info.height as usize - 1);
        let area = buffer.area;
        let mut ink = Vec::new();
        for y in 0..area.height {
            for x in 0..area.width {
                let cell = &buffer[(x, y)];
                let blank = cell.symbol().trim().is_empty()
                    && cell.bg == Color::Reset
                    && !cell.modifier.contains(Modifier::REVERSED);
                if !blank {
                    continue;
                }
                // The cell's inside, two pixels in from each edge.
                let (left, top) = (f64::from(x) * CELL_W, f64::from(y) * CELL_H);
                let xs = (left + 2.0).ceil() as usize..(left + CELL_W - 2.0).floor() as usize;
                let ys = (top + 2.0).ceil() as usize..(top + CELL_H - 2.0).floor() as usize;
                let drawn = ys.clone().flat_map(|py| xs.clone().map(move |px| (px, py))).find(|&(px, py)| {
                    let (r, g, b) = at(px, py);
                    let d = |a: u8, b: u8| i32::from(a).abs_diff(i32::from(b));
                    d(r, background.0) + d(g, background.1) + d(b, background.2) > 60
                });
                if let Some((px, py)) = drawn {
                    let row: String = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
                    ink.push(format!("cell ({x}, {y}) at pixel ({px}, {py}) in: {}", row.trim_end()));
                }
            }
        }
        assert!(ink.is_empty(), "{name}: ink in {} blank cells, e.g. {:#?}", ink.len(), &ink[..ink.len().min(5)]);
    }
    std::fs::remove_dir_all(dir).ok();
}
