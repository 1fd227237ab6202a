//! Peak memory of the dashboard's state for a large account: 100 queues (4 metrics each), 20 functions (5 each)
//! and 3 clusters (CPU per instance) with 24 h of one-minute history, plus one frame drawn at 200×50. Prints the
//! process's peak resident set (VmHWM) before and after, from /proc/self/status.

// A benchmark that cannot set up should stop loudly.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use ratatui_core::backend::TestBackend;
use ratatui_core::terminal::Terminal;
use warroom_core::keymap::Keymap;
use warroom_core::scene::Fleet;

fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse().ok()).unwrap_or(0)
}

fn main() {
    let before = status_kb("VmHWM:");
    let fleet = Fleet { queues: 100, dlqs: 20, functions: 20, clusters: 3, alarms: 50, minutes: 24 * 60 };
    let state = fleet.state();
    let keymap = Keymap::defaults().expect("keymap");
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    terminal.draw(|f| warroom_ui::render(f, &state, &keymap)).expect("draw");
    let series = state.data.metrics.len();
    let points: usize = state.data.metrics.values().map(|s| s.len()).sum();
    let after = status_kb("VmHWM:");
    println!("series {series}, points {points}");
    println!("peak RSS before building the state: {:.1} MB", before as f64 / 1024.0);
    println!("peak RSS with the state and one frame: {:.1} MB", after as f64 / 1024.0);
}
