//! Peak memory of the dashboard's state for a large account: 100 queues (4 metrics each), 20 functions (5 each)
//! and 3 clusters (CPU per instance) with 24 h of one-minute history, plus one frame drawn at 200×50; then 20
//! consumers × 10,000 error lines folded in (as FilterLogEvents would deliver an incident's worth) and a frame of
//! the log view. Prints the process's peak resident set (VmHWM) at each step, from /proc/self/status.

// A benchmark that cannot set up should stop loudly.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use ratatui_core::backend::TestBackend;
use ratatui_core::terminal::Terminal;
use warroom_core::keymap::Keymap;
use warroom_core::model::{LogLine, LogsAccess, Observation};
use warroom_core::scene::Fleet;
use warroom_core::state::{Msg, PaneId};

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

    // 20 consumers × 10,000 lines: a Lambda runtime's line (timestamp, request id, message), a few kinds of error.
    let mut state = state;
    let start = state.now - chrono::Duration::hours(3);
    let kinds = [
        "ERROR OperationalError: canceling statement due to statement timeout",
        "Task timed out after 30.00 seconds",
        "ERROR OperationalError: connection to server at \"core-db-1.c9xk2ab.us-east-1.rds.amazonaws.com\" (10.0.3.17), port 5432 failed: Connection refused",
        "ERROR ThrottlingException: Rate exceeded for order 81234",
    ];
    for c in 0..20 {
        let function = format!("consumer-{c}");
        let lines: Vec<LogLine> = (0..10_000u32)
            .map(|i| {
                let at = start + chrono::Duration::milliseconds(i64::from(i) * 1_000);
                LogLine {
                    at,
                    id: format!("{}{i:020}", at.timestamp_millis()),
                    stream: format!("2026/12/01/[$LATEST]{:032x}", i % 8),
                    message: format!(
                        "{} {:08x}-77b1-4c1a-9d3e-0c5b1a2e9f10 {}",
                        at.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
                        i,
                        kinds[i as usize % 4]
                    ),
                }
            })
            .collect();
        let obs = Observation::ConsumerLog {
            function,
            group: format!("/aws/lambda/consumer-{c}"),
            access: LogsAccess::Read,
            lines,
        };
        state.update(Msg::Telemetry { feed: warroom_core::model::Feed::Inventory, result: Ok(vec![obs]) });
    }
    state.ui.focus = PaneId::Functions;
    state.press_keys(&keymap, "l").expect("keys");
    terminal.draw(|f| warroom_ui::render(f, &state, &keymap)).expect("draw");
    let kept: usize = state.data.logs.values().map(|l| l.lines.len()).sum();
    let counted: u64 = state.data.logs.values().flat_map(|l| &l.groups).map(|g| g.count).sum();
    let with_logs = status_kb("VmHWM:");
    println!("consumer logs: 20 consumers × 10,000 lines folded, {kept} kept, {counted} counted in groups");
    println!(
        "peak RSS with the logs and a log-view frame: {:.1} MB ({:+.1} MB for the logs)",
        with_logs as f64 / 1024.0,
        (with_logs as f64 - after as f64) / 1024.0
    );
}
