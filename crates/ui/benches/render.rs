//! Frame render time with 500 resources (250 queues, 100 DLQs, 100 functions, 50 clusters) and 100 alarms, each
//! metric with an hour of history: the whole `ui::render` into a 200×50 and an 80×24 buffer.

// A benchmark that cannot set up should stop loudly.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
// criterion_group! defines a public function without a doc comment.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui_core::backend::TestBackend;
use ratatui_core::terminal::Terminal;
use warroom_core::keymap::Keymap;
use warroom_core::scene::Fleet;

fn render(c: &mut Criterion) {
    let fleet = Fleet { queues: 250, dlqs: 100, functions: 100, clusters: 50, alarms: 100, minutes: 60 };
    let state = fleet.state();
    let keymap = Keymap::defaults().expect("keymap");
    for (w, h) in [(200, 50), (80, 24)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        c.bench_function(&format!("frame, 500 resources, {w}x{h}"), |b| {
            b.iter(|| terminal.draw(|f| warroom_ui::render(f, &state, &keymap)).expect("draw").area)
        });
    }
}

/// The demo's incident at its peak, as `--demo` draws it once a second: what an idle dashboard spends per frame.
fn demo(c: &mut Criterion) {
    let scene = warroom_core::scene::Scene::at_minute(45.0, false);
    let keymap = Keymap::defaults().expect("keymap");
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    c.bench_function("frame, demo incident, 200x50", |b| {
        b.iter(|| terminal.draw(|f| warroom_ui::render(f, &scene.state, &keymap)).expect("draw").area)
    });
}

criterion_group!(benches, render, demo);
criterion_main!(benches);
