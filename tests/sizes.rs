//! Every terminal size from 1×1 to 400×120, resize storms, and odd content: rendering never panics, says
//! "terminal too small (need 80×24)" below the minimum, and never writes a control character to the screen.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use warroom_core::action::Action;
use warroom_core::keymap::Keymap;
use warroom_core::model::{AlarmKind, AlarmState, AlarmStatus, Observation, QueueStatus};
use warroom_core::scene::Scene;
use warroom_core::state::{Msg, State};

/// The incident at its peak, with the popup `open` opens (none, help, changes, the plan, the detail view).
fn scene(open: usize) -> State {
    let mut scene = Scene::at_minute(45.0, false);
    let action =
        [None, Some(Action::Help), Some(Action::Changes), Some(Action::Rollback), Some(Action::OpenDetail)][open];
    if let Some(action) = action {
        scene.state.update(Msg::Action(action));
    }
    scene.state
}

fn screen_text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    buffer.content().iter().map(|c| c.symbol()).collect()
}

fn draw(terminal: &mut Terminal<TestBackend>, state: &State, keymap: &Keymap) -> String {
    terminal.draw(|f| warroom_ui::render(f, state, keymap)).expect("draw");
    screen_text(terminal)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn any_size_renders_and_small_ones_say_so(width in 1u16..=400, height in 1u16..=120, open in 0usize..5) {
        let state = scene(open);
        let keymap = Keymap::defaults().expect("keymap");
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        let text = draw(&mut terminal, &state, &keymap);
        let too_small = width < warroom_ui::MIN_WIDTH || height < warroom_ui::MIN_HEIGHT;
        // Below 20×2 even the message is cut; it is still what is drawn, from its start.
        if too_small && width >= 40 && height >= 2 {
            prop_assert!(text.contains("terminal too small (need 80×24"), "{}x{}: {}", width, height, text.trim());
        }
        if !too_small {
            prop_assert!(text.contains("WARROOM"), "{}x{}", width, height);
        }
    }

    /// One terminal resized between every frame, as a window being dragged sends resize after resize.
    #[test]
    fn resize_storms_never_panic(sizes in prop::collection::vec((1u16..=400, 1u16..=120), 1..40), open in 0usize..5) {
        let state = scene(open);
        let keymap = Keymap::defaults().expect("keymap");
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        for (w, h) in sizes {
            terminal.backend_mut().resize(w, h);
            terminal.resize(ratatui::layout::Rect::new(0, 0, w, h)).expect("resize");
            draw(&mut terminal, &state, &keymap);
        }
    }

    /// Names and reasons as AWS may return them — very long, with an escape sequence that would turn the
    /// terminal red, with other control characters — render with control characters shown escaped (ratatui
    /// drops a raw one silently, which would hide that the name is odd) and long names cut with an ellipsis.
    #[test]
    fn odd_content_renders_safely(
        tail in "[a-z0-9\\x00-\\x1f\\x7f-]{0,300}",
        reason in ".{0,500}",
        width in 80u16..=200,
        height in 24u16..=60,
    ) {
        let name = format!("q\u{1b}[31m{tail}");
        let mut state = scene(0);
        state.data.apply(Observation::Queue(QueueStatus {
            name: name.clone(),
            visible: u64::MAX,
            in_flight: 0,
            dlq: Some(name.clone()),
            consumer: Some(name.clone()),
            retention_seconds: Some(345_600),
        }));
        state.data.apply(Observation::Alarm(AlarmStatus {
            name: name.clone(),
            state: AlarmState::Alarm,
            since: state.now,
            kind: AlarmKind::Metric,
            resources: vec![name.clone()],
            reason,
            threshold: None,
        }));
        let keymap = Keymap::defaults().expect("keymap");
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
        let text = draw(&mut terminal, &state, &keymap);
        prop_assert!(!text.chars().any(|c| c.is_control()), "a control character reached the screen");
        prop_assert!(text.contains("q\\u{1b}[31m"), "the escape is shown escaped, not swallowed: {}", text);
        if tail.chars().count() > 200 {
            // Wider than any pane at these sizes: no row can hold it whole.
            prop_assert!(!text.contains(&tail), "a long name is cut, not drawn whole");
            prop_assert!(text.contains('…'), "and the cut is marked");
        }
    }
}
