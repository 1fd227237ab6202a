//! Several targets in one view (issue 18): peak memory and frame time with 1,000 resources spread over 2 accounts ×
//! 3 regions (every name labelled with its target, a targets line under the header), against the same 1,000
//! resources in one account and region, in one run; then 1,000 resources in *each* of the six targets. Each with
//! 3 h of one-minute history, what a dashboard reads back at start. Beside the resident set it prints the heap in
//! use (a counting allocator), and the time of the incident analysis the dashboard runs on every poll's answer.
//! Prints figures and ratios, asserts nothing: these machines are noisy.
//!
//! 1,000 resources: 500 queues (4 metrics each), 200 DLQs, 100 functions (5 each), 50 Aurora clusters (a writer and
//! a reader, CPU each) and 150 alarms.

// A benchmark that cannot set up should stop loudly.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ratatui_core::backend::TestBackend;
use ratatui_core::terminal::Terminal;
use warroom_core::incident::Analysis;
use warroom_core::keymap::Keymap;
use warroom_core::scene::{Fleet, targets};
use warroom_core::state::State;

/// The system allocator, counting the bytes it has handed out and not had back: the heap the state holds, as
/// against the resident set, which also counts what the allocator keeps from freed blocks.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is passed to the system allocator unchanged; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grew(new_size);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The heap in use now and its peak so far, MB.
fn heap_mb() -> (f64, f64) {
    let mb = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
    (mb(LIVE.load(Ordering::Relaxed)), mb(PEAK.load(Ordering::Relaxed)))
}

fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse().ok()).unwrap_or(0)
}

/// Median and 95th percentile of `n` frames of `state` at `w`×`h`.
fn frames(state: &State, w: u16, h: u16, n: usize) -> (Duration, Duration) {
    let keymap = Keymap::defaults().expect("keymap");
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let start = Instant::now();
            terminal.draw(|f| warroom_ui::render(f, state, &keymap)).expect("draw");
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[n / 2], times[n * 95 / 100])
}

/// Median of `n` recomputations of the incident analysis (onsets, suspects, verdicts, top SQL), which the
/// dashboard runs on every poll's answer.
fn analysis(state: &State, n: usize) -> Duration {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(Analysis::of(&state.data, &state.thresholds, state.now));
            start.elapsed()
        })
        .collect();
    times.sort();
    times[n / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let thousand = Fleet { queues: 500, dlqs: 200, functions: 100, clusters: 50, alarms: 150, minutes: 180 };
    let six = targets(&[("prod", "111111111111"), ("stg", "222222222222")], &["us-east-1", "us-west-2", "eu-west-1"]);

    // The labelled state first, so that its peak is its own; the single target's is then what it adds.
    let base = status_kb("VmHWM:");
    let spread = thousand.state_in(&six);
    let spread_rss = status_kb("VmHWM:");
    let spread_heap = heap_mb();
    let one = thousand.state();
    let both_rss = status_kb("VmHWM:");
    println!("peak RSS before any state: {:.1} MB", base as f64 / 1024.0);
    println!(
        "peak RSS, 1,000 resources over 2 accounts × 3 regions: {:.1} MB; the same in one target held beside it adds {:.1} MB (ratio {:.2})",
        spread_rss as f64 / 1024.0,
        (both_rss - spread_rss) as f64 / 1024.0,
        (spread_rss - base) as f64 / (both_rss - spread_rss).max(1) as f64
    );
    println!(
        "heap in use, 1,000 resources over 2 × 3: {:.1} MB (peak {:.1}); with the one-target state beside it {:.1} MB",
        spread_heap.0,
        spread_heap.1,
        heap_mb().0
    );
    for (w, h) in [(200, 50), (80, 24)] {
        let (one_median, one_p95) = frames(&one, w, h, 400);
        let (spread_median, spread_p95) = frames(&spread, w, h, 400);
        println!(
            "frame {w}x{h}: one target median {:.3} ms p95 {:.3} ms; six targets median {:.3} ms p95 {:.3} ms; ratio {:.2}",
            ms(one_median),
            ms(one_p95),
            ms(spread_median),
            ms(spread_p95),
            spread_median.as_secs_f64() / one_median.as_secs_f64()
        );
    }
    let onsets = spread.analysis.onsets.len();
    println!(
        "analysis per poll answer ({onsets} onsets): one target median {:.3} ms; six targets median {:.3} ms",
        ms(analysis(&one, 20)),
        ms(analysis(&spread, 20))
    );
    drop(one);
    drop(spread);

    // 1,000 resources in each of the six targets: 6,000 in one view.
    let each = Fleet { queues: 3000, dlqs: 1200, functions: 600, clusters: 300, alarms: 900, minutes: 180 };
    let big = each.state_in(&six);
    let big_rss = status_kb("VmHWM:");
    let big_heap = heap_mb();
    let rows = big.data.queues.len() + big.data.dlqs.len() + big.data.functions.len() + big.data.clusters.len();
    println!(
        "peak RSS, 1,000 resources in each of 6 targets ({rows} rows before alarms): {:.1} MB; heap in use {:.1} MB (peak {:.1})",
        big_rss as f64 / 1024.0,
        big_heap.0,
        big_heap.1
    );
    let (median, p95) = frames(&big, 200, 50, 100);
    println!("frame 200x50, 6,000 resources: median {:.3} ms p95 {:.3} ms", ms(median), ms(p95));
    let onsets = big.analysis.onsets.len();
    println!("analysis per poll answer, 6,000 resources ({onsets} onsets): median {:.3} ms", ms(analysis(&big, 5)));
}
