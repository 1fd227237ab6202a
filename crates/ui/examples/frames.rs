//! Renders N frames of a large account (500 resources, 100 alarms, an hour of history) into a test buffer, for
//! counting instructions, which unlike time do not vary with the machine's load:
//!
//! ```sh
//! cargo build --release -p warroom-ui --example frames
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/frames 0 small
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/frames 50 small
//! ```
//!
//! The difference of the two totals, over 50, is the instructions of one frame (`small` is 80×24; anything
//! else 200×50).

// A measurement that cannot set up should stop loudly.
#![allow(clippy::expect_used)]

use ratatui_core::backend::TestBackend;
use ratatui_core::terminal::Terminal;
use warroom_core::keymap::Keymap;
use warroom_core::scene::Fleet;

fn main() {
    let frames: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(0);
    let (width, height): (u16, u16) = match std::env::args().nth(2).as_deref() {
        Some("small") => (80, 24),
        _ => (200, 50),
    };
    let fleet = Fleet { queues: 250, dlqs: 100, functions: 100, clusters: 50, alarms: 100, minutes: 60 };
    let state = fleet.state();
    let keymap = Keymap::defaults().expect("keymap");
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    for _ in 0..frames {
        terminal.draw(|f| warroom_ui::render(f, &state, &keymap)).expect("draw");
    }
}
