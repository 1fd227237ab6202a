//! The README's screenshots are real renders of the demo at fixed simulated times, written as SVG with colours.
//! This test fails when a committed screenshot differs from what the code renders now;
//! `SCREENSHOTS_UPDATE=1 cargo test --test screenshots` regenerates them.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom_core::keymap::Keymap;
use warroom_core::scene::Scene;
use warroom_ui::svg::buffer_to_svg;

fn svg(scene: &Scene, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let keymap = Keymap::defaults().expect("keymap");
    terminal.draw(|f| warroom_ui::render(f, &scene.state, &keymap)).expect("draw");
    buffer_to_svg(terminal.backend().buffer())
}

/// Keys as a user presses them, through the default keymap.
fn press(scene: &mut Scene, keys: &str) {
    let keymap = Keymap::defaults().expect("keymap");
    scene.state.press_keys(&keymap, keys).expect("keys");
}

fn scenes() -> Vec<(&'static str, String)> {
    let peak = Scene::at_minute(45.0, false);

    let mut plan = Scene::at_minute(45.0, false);
    press(&mut plan, "r orders-consumer");

    let mut preview = Scene::at_minute(45.0, true);
    press(&mut preview, "b");

    // Did it work? Roll back and reboot at the peak, redrive once healthy, look again.
    let mut recovery = Scene::at_minute(45.0, false);
    recovery.world.update_alias("orders-consumer", "live", 42, 41, "alice").expect("rollback");
    recovery.world.reboot_instance("core-db-1", "alice").expect("reboot");
    recovery.advance_to(75.0);
    recovery.world.start_redrive("orders-dlq", None, Some(50), "alice").expect("redrive");
    recovery.advance_to(77.0);

    vec![
        ("incident-peak-160x48", svg(&peak, 160, 48)),
        ("incident-peak-80x24", svg(&peak, 80, 24)),
        ("rollback-plan-160x48", svg(&plan, 160, 48)),
        ("read-only-preview-160x48", svg(&preview, 160, 48)),
        ("recovery-160x48", svg(&recovery, 160, 48)),
    ]
}

#[test]
fn screenshots_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    let update = std::env::var_os("SCREENSHOTS_UPDATE").is_some();
    let mut stale = Vec::new();
    for (name, svg) in scenes() {
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
    assert!(peak.starts_with("<svg"));
    assert!(peak.contains("fill=\"#f38ba8\""), "the alarm red is in the picture");
    assert!(peak.contains("WARROOM"));
}
