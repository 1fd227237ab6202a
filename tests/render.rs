//! Rendering at fixed sizes and fixed simulated times: text snapshots (insta) for layout, and direct
//! assertions for the colours snapshots cannot show — a breached threshold renders in the alarm colour.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use warroom_core::action::Action;
use warroom_core::keymap::Keymap;
use warroom_core::model::{EventKind, TimelineEvent};
use warroom_core::scene::Scene;
use warroom_core::state::{Msg, PaneId, State};

fn render(state: &State, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let keymap = Keymap::defaults().expect("keymap");
    terminal.draw(|f| warroom_ui::render(f, state, &keymap)).expect("draw");
    terminal.backend().buffer().clone()
}

fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    (0..area.height)
        .map(|y| (0..area.width).map(|x| buffer[(x, y)].symbol()).collect::<String>().trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The cell where `needle` starts on screen (searching row by row).
fn find(buffer: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let area = buffer.area;
    (0..area.height).find_map(|y| {
        let cells: Vec<&str> = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
        let row: String = cells.concat();
        let byte = row.find(needle)?;
        // Cells hold one character each here; map the byte offset back to a cell index.
        let x = row[..byte].chars().count();
        Some((x as u16, y))
    })
}

fn fg_at(buffer: &Buffer, needle: &str) -> Color {
    let (x, y) = find(buffer, needle).unwrap_or_else(|| panic!("`{needle}` not on screen:\n{}", text(buffer)));
    buffer[(x, y)].fg
}

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

#[test]
fn calm_before_the_deploy() {
    let scene = Scene::at_minute(31.0, false);
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("calm_{w}x{h}"), text(&render(&scene.state, w, h)));
    }
}

#[test]
fn incident_at_its_peak() {
    let scene = Scene::at_minute(45.0, false);
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("peak_{w}x{h}"), text(&render(&scene.state, w, h)));
    }
}

#[test]
fn plan_popup_and_read_only_preview() {
    for read_only in [false, true] {
        let mut scene = Scene::at_minute(45.0, read_only);
        scene.state.update(Msg::Action(Action::Rollback));
        for (w, h) in SIZES {
            let name = if read_only { "preview" } else { "plan" };
            let screen = text(&render(&scene.state, w, h));
            assert!(screen.contains("lambda:UpdateAlias orders-consumer live 42 → 41"), "{screen}");
            assert_eq!(screen.contains("read-only: this would call"), read_only, "{screen}");
            insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
        }
    }
}

/// Draws `state` as the loop does: the view's measurements go back to the state.
fn draw(state: &mut State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let keymap = Keymap::defaults().expect("keymap");
    let mut drawn = warroom_ui::Drawn::default();
    terminal.draw(|f| drawn = warroom_ui::render_measured(f, state, &keymap)).expect("draw");
    if let Some(last_offset) = drawn.help_last_offset {
        state.update(Msg::HelpDrawn { last_offset });
    }
    text(terminal.backend().buffer())
}

#[test]
fn help_overlay_scrolls_to_every_action_and_stops_at_the_end() {
    for (w, h) in SIZES {
        let mut scene = Scene::at_minute(45.0, false);
        scene.state.update(Msg::Action(Action::Help));
        let mut seen = String::new();
        // Each press scrolls a line; the end is reached when a press no longer changes the screen.
        let mut screen = draw(&mut scene.state, w, h);
        for _ in 0..200 {
            seen.push_str(&screen);
            scene.state.update(Msg::Action(Action::SelectNext));
            let next = draw(&mut scene.state, w, h);
            if next == screen {
                break;
            }
            screen = next;
        }
        for &action in Action::ALL {
            assert!(seen.contains(action.name()), "{} missing from help at {w}x{h}", action.name());
        }
        // One press back from the end moves at once: the offset was held at the end, not beyond it.
        scene.state.update(Msg::Action(Action::SelectPrev));
        assert_ne!(draw(&mut scene.state, w, h), screen, "k at the end of help did not scroll back at {w}x{h}");
    }
    // At 80×24 the title says where the view is, and a page key moves a page.
    let mut scene = Scene::at_minute(45.0, false);
    scene.state.update(Msg::Action(Action::Help));
    let top = draw(&mut scene.state, 80, 24);
    assert!(top.contains("┌ help · 1–20 of "), "{top}");
    scene.state.update(Msg::Action(Action::ScrollDown));
    assert!(draw(&mut scene.state, 80, 24).contains("┌ help · 16–35 of "));
}

#[test]
fn detail_view_of_each_pane_shows_its_resource() {
    let mut scene = Scene::at_minute(45.0, false);
    let newest = scene.state.rows().timeline()[0].text.clone();
    let expected: [(PaneId, &[&str]); 6] = [
        (PaneId::Alarms, &["alarm core-db CPU > 70 %", "ALARM since 14:07:00", "resource", "core-db", "datapoint"]),
        (
            PaneId::Queues,
            &[
                "queue orders",
                "age of oldest",
                "threshold 60 s from alarm orders age of oldest",
                "consumer",
                "orders-consumer",
                "verdict",
                "sent / min",
            ],
        ),
        (
            PaneId::Dlqs,
            &[
                "dead-letter queue orders-dlq",
                "orders (maxReceiveCount 3)",
                "SQS deletes it in 13d23h at the latest",
                "retention",
                "arn:aws:sqs:us-east-1:123456789012:orders-dlq",
            ],
        ),
        (
            PaneId::Database,
            &[
                "core-db / core-db-1",
                "(threshold 70 % from alarm core-db CPU > 70 %)",
                "connections",
                "core-db-1 CPU %",
                "top SQL",
                "new since 14:02",
            ],
        ),
        (
            PaneId::Functions,
            &[
                "function orders-consumer",
                "live → 42 (was 41, 14:02 by ci-pipeline)",
                "42 ← live",
                "41 (live before)",
                "duration p99",
                "errors (logs)",
                "OperationalError: canceling",
            ],
        ),
        (PaneId::Timeline, &["timeline event", "2026-11-23", "kind", "what", newest.as_str()]),
    ];
    for (pane, needles) in expected {
        scene.state.ui.focus = pane;
        scene.state.update(Msg::Action(Action::OpenDetail));
        for (w, h) in SIZES {
            let screen = text(&render(&scene.state, w, h));
            for needle in needles {
                assert!(screen.contains(needle), "{pane:?} detail at {w}x{h} lacks `{needle}`:\n{screen}");
            }
        }
        scene.state.update(Msg::Action(Action::Close));
    }
    scene.state.ui.focus = PaneId::Database;
    scene.state.update(Msg::Action(Action::OpenDetail));
    insta::assert_snapshot!("detail_writer_160x48", text(&render(&scene.state, 160, 48)));
    insta::assert_snapshot!("detail_writer_80x24", text(&render(&scene.state, 80, 24)));
}

/// The database pane names the new query as the top SQL, flagged new since the deploy; the queue's verdict
/// names the timeouts; the log view opened from the keys shows the consumer's errors, grouped on `g`.
#[test]
fn the_incident_peak_says_which_query_and_which_error() {
    let mut scene = Scene::at_minute(45.0, false);
    let keymap = Keymap::defaults().expect("keymap");
    let screen = text(&render(&scene.state, 160, 48));
    assert!(screen.contains("core-db-1 top SQL"), "{screen}");
    assert!(screen.contains("SELECT … WHERE o.customer_id = ?"), "{screen}");
    assert!(screen.contains("new since 14:02"), "{screen}");
    assert!(screen.contains(" timeouts"), "the verdict names the timeouts:\n{screen}");
    // A filter that hides the database hides its top SQL too.
    let mut filtered = scene.state.clone();
    filtered.press_keys(&keymap, "/ d l q <enter>").expect("keys");
    let screen = text(&render(&filtered, 160, 48));
    assert!(!screen.contains("top SQL") && screen.contains("no match for 'dlq'"), "{screen}");
    scene.state.ui.focus = PaneId::Functions;
    scene.state.press_keys(&keymap, "l").expect("keys");
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("logs_{w}x{h}"), text(&render(&scene.state, w, h)));
    }
    scene.state.press_keys(&keymap, "g").expect("keys");
    insta::assert_snapshot!("logs_grouped_80x24", text(&render(&scene.state, 80, 24)));
}

#[test]
fn breached_thresholds_render_in_the_alarm_colour() {
    let scene = Scene::at_minute(45.0, false);
    for (w, h) in SIZES {
        let buffer = render(&scene.state, w, h);
        assert_eq!(fg_at(&buffer, "ALARM "), Color::Red, "alarm state at {w}x{h}");
        let cpu = format!(
            "{:.1}%",
            scene.state.data.latest("core-db-1", warroom_core::model::MetricKind::DbCpu).expect("cpu")
        );
        assert_eq!(fg_at(&buffer, &cpu), Color::Red, "writer CPU {cpu} above 70 % at {w}x{h}");
        let age = format!(
            "{:.0}s",
            scene.state.data.latest("orders", warroom_core::model::MetricKind::QueueAge).expect("age")
        );
        assert_eq!(fg_at(&buffer, &age), Color::Red, "queue age {age} above 60 s at {w}x{h}");
    }
}

#[test]
fn healthy_values_render_in_the_ok_colour() {
    let scene = Scene::at_minute(31.0, false);
    let buffer = render(&scene.state, 160, 48);
    assert_eq!(fg_at(&buffer, "OK "), Color::Green);
    let cpu =
        format!("{:.1}%", scene.state.data.latest("core-db-1", warroom_core::model::MetricKind::DbCpu).expect("cpu"));
    assert_eq!(fg_at(&buffer, &cpu), Color::Green);
}

#[test]
fn deploy_markers_appear_on_charts_and_sparklines() {
    let scene = Scene::at_minute(45.0, false);
    let screen = text(&render(&scene.state, 160, 48));
    assert!(
        screen.contains("┃14:02 orders-consumer live → v42 (likely trigger) + migration started"),
        "chart legend names the deploy as the likely trigger, first, and the migration in the same column:\n{screen}"
    );
    // Compact: the deploy's sparkline minute is drawn on the suspect's colour (queue age and both instances).
    let buffer = render(&scene.state, 80, 24);
    let marked = buffer.content().iter().filter(|c| c.bg == warroom_ui::theme::SUSPECT).count();
    assert_eq!(marked, 3, "deploy minute marked as the suspect on each sparkline:\n{}", text(&buffer));
    // Before anything is wrong, the same deploy is an ordinary marker.
    let calm = Scene::at_minute(33.0, false);
    let buffer = render(&calm.state, 80, 24);
    assert!(calm.state.analysis.likely_trigger().is_none());
    let marked = buffer.content().iter().filter(|c| c.bg == warroom_ui::theme::MARKER).count();
    assert_eq!(marked, 3, "deploy minute marked on each sparkline:\n{}", text(&buffer));
}

#[test]
fn too_small_terminals_say_so_and_never_panic() {
    let scene = Scene::at_minute(45.0, false);
    for (w, h) in [(1, 1), (20, 5), (79, 24), (80, 23), (200, 10)] {
        let screen = text(&render(&scene.state, w, h));
        if w >= 20 && h >= 2 {
            let flat = screen.replace('\n', " ");
            assert!(flat.contains("terminal too small") && flat.contains("q quits"), "{w}x{h}: {screen}");
        }
    }
    for (w, h) in [(80, 24), (100, 30), (139, 40), (140, 40), (400, 120)] {
        let screen = text(&render(&scene.state, w, h));
        assert!(screen.contains("WARROOM"), "{w}x{h}");
    }
}

#[test]
fn a_bounded_discovery_is_said_in_its_pane_title_not_as_a_failing_call() {
    let mut scene = Scene::at_minute(31.0, false);
    let truncated =
        warroom_core::model::Observation::Truncated { kind: warroom_core::model::ResourceKind::Queue, limit: 50 };
    scene.state.data.apply(truncated);
    for (w, h) in [(80, 24), (160, 48)] {
        let screen = text(&render(&scene.state, w, h));
        assert!(screen.contains("Queues · first 50 found · age"), "{screen}");
        assert!(!screen.contains("failing"), "{screen}");
    }
}

#[test]
fn the_likely_trigger_and_the_verdict_are_on_screen_at_both_sizes() {
    let scene = Scene::at_minute(45.0, false);
    let narrow = text(&render(&scene.state, 80, 24));
    assert!(
        narrow.contains("▲ likely: orders-consumer live → v42 at 14:02, 2 min before core-db CPU > 70 %"),
        "{narrow}"
    );
    // The short form on two lines where one is too narrow: the conclusion and the numbers that decided it,
    // then the top error from the consumer's logs.
    assert!(narrow.contains("consumers slow: done -32 %, p99 ×4.5,"), "the short form says why: {narrow}");
    assert!(narrow.contains("  165 timeouts"), "and which error: {narrow}");
    let wide = text(&render(&scene.state, 160, 48));
    assert!(
        wide.contains(
            "▲ likely trigger: orders-consumer live → v42 (was v41) at 14:02, 2 min before core-db CPU > 70 %"
        ),
        "{wide}"
    );
    // The whole verdict where the pane holds it, else its short form; either way the conclusion and the top
    // error from the consumer's logs.
    assert!(
        wide.contains("consumers are slow, not a traffic spike")
            || wide.contains("consumers slow: done -32 %, p99 ×4.5, 165 timeouts"),
        "{wide}"
    );
    assert!(wide.contains(" timeouts"), "{wide}");
    let calm = text(&render(&Scene::at_minute(31.0, false).state, 80, 24));
    assert!(!calm.contains("▲"), "no anomaly, no suspect line: {calm}");
}

#[test]
fn the_changes_view_lists_each_onset_and_its_suspects() {
    let mut scene = Scene::at_minute(45.0, false);
    scene.state.update(Msg::Action(Action::Changes));
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("changes_{w}x{h}"), text(&render(&scene.state, w, h)));
    }
    let wide = text(&render(&scene.state, 160, 48));
    assert!(
        wide.contains(
            " 1. 14:02   2 min before  deploy orders-consumer live → v42 (was v41) · upstream · by ci-pipeline"
        ),
        "{wide}"
    );
    scene.state.update(Msg::Action(Action::Changes));
    assert!(scene.state.ui.popup.is_none(), "the same key closes it");
}

#[test]
fn a_failing_feed_marks_only_its_panes_stale_with_age_and_error_until_it_answers() {
    use warroom_core::model::{Feed, TelemetryError};
    let mut scene = Scene::at_minute(45.0, false);
    let last_ok = scene.state.feeds[Feed::Fast.index()].last_ok.expect("the fast feed answered");
    let error = TelemetryError::new("sqs:GetQueueAttributes", "timed out");
    scene.state.update(Msg::Telemetry { feed: Feed::Fast, result: Err(error) });
    scene.state.update(Msg::Tick(last_ok + chrono::Duration::seconds(130)));
    for (w, h) in SIZES {
        let buffer = render(&scene.state, w, h);
        let screen = text(&buffer);
        assert!(screen.contains("Queues · stale 2m10s: sqs:GetQueueAt"), "{w}x{h}\n{screen}");
        assert!(screen.contains("Dead-letter queues · stale 2m10s"), "{w}x{h}\n{screen}");
        assert_eq!(screen.matches("stale 2m10s").count(), 2, "only the panes the fast feed fills:\n{screen}");
        assert_eq!(fg_at(&buffer, "stale 2m10s"), warroom_ui::theme::warn().fg.expect("a colour"));
    }
    // The next poll that answers clears it; rows were never dropped meanwhile.
    let recovered = Scene::at_minute(45.0, false);
    let fresh = recovered.state.feeds[Feed::Fast.index()].clone();
    scene.state.update(Msg::Telemetry { feed: Feed::Fast, result: Ok(Vec::new()) });
    assert!(scene.state.feeds[Feed::Fast.index()].last_error.is_none(), "{fresh:?}");
    let screen = text(&render(&scene.state, 160, 48));
    assert!(!screen.contains("stale"), "{screen}");
    assert!(screen.contains("orders-dlq"), "{screen}");
}

#[test]
fn at_80_columns_failing_calls_are_said_whole_before_the_account() {
    use warroom_core::model::Feed;
    use warroom_core::model::{Observation, Subject};
    let mut scene = Scene::at_minute(45.0, false);
    scene.state.session.read_only = true;
    scene.state.session.kind = warroom_core::model::SessionKind::Live;
    scene.state.data.identity = Some(warroom_core::model::Identity {
        account: "123456789012".into(),
        region: "ap-southeast-2".into(),
        principal: "arn:aws:sts::123456789012:assumed-role/oncall/alice".into(),
        credentials: Default::default(),
    });
    let problems = (0..10)
        .map(|i| {
            Observation::problem(Subject::Queues, Some(&format!("queue-{i}")), "sqs:GetQueueAttributes: throttled")
        })
        .collect();
    scene.state.update(Msg::Telemetry { feed: Feed::Fast, result: Ok(problems) });
    let screen = text(&render(&scene.state, 80, 24));
    let header = screen.lines().next().unwrap_or_default();
    assert!(header.contains("LIVE   READ-ONLY   2 ALARMS   10 calls failing  14:15:00 UTC"), "{header}");
}

/// A large account: in every pane, the selected row is on screen however far down it is, at both sizes and in
/// both densities — and only rows that fit are built (the frame stays cheap with 500 resources).
#[test]
fn the_selected_row_stays_on_screen_in_a_large_account() {
    use warroom_core::scene::Fleet;
    let fleet = Fleet { queues: 60, dlqs: 40, functions: 30, clusters: 20, alarms: 50, minutes: 30 };
    let mut state = fleet.state();
    let cases = [
        (PaneId::Queues, 59, "orders-059"),
        (PaneId::Dlqs, 39, "orders-039-dlq"),
        (PaneId::Functions, 29, "consumer-029"),
        (PaneId::Database, 39, "db-19-2"),
        // ALARM first (every seventh), then OK by name: the last row is the last OK alarm.
        (PaneId::Alarms, 49, "alarm-048"),
    ];
    // A selection past the rows (the state clamps on update; a draw must not rely on it) renders, no panic.
    state.ui.selection = [usize::MAX / 2; PaneId::ALL.len()];
    for (w, h) in SIZES {
        render(&state, w, h);
    }
    assert_eq!(state.rows().alarms()[49].name, "alarm-048", "the fleet's alarm order");
    for (pane, last, name) in cases {
        state.ui.focus = pane;
        state.ui.selection[pane.index()] = last;
        for (w, h) in SIZES {
            let buffer = render(&state, w, h);
            let screen = text(&buffer);
            // The focused pane draws its selected row reversed: that row must be on screen and be `name`'s.
            let reversed = |x: u16, y: u16| buffer[(x, y)].modifier.contains(ratatui::style::Modifier::REVERSED);
            let row = (0..h).find(|&y| (0..w).any(|x| reversed(x, y)));
            let row = row.unwrap_or_else(|| panic!("{pane:?} {w}x{h}: no selected row on screen:\n{screen}"));
            let line: String = (0..w).filter(|&x| reversed(x, row)).map(|x| buffer[(x, row)].symbol()).collect();
            assert!(line.contains(name), "{pane:?} {w}x{h}: the selected row is `{line}`, not {name}'s:\n{screen}");
            // The bottom border says where the rows drawn are among all of them, ending at the selected last one.
            let of = format!("of {} ", last + 1);
            let place = screen.lines().find(|l| l.contains(&of) && l.contains('└')).unwrap_or_default();
            assert!(place.contains(&format!("–{} {of}", last + 1)), "{pane:?} {w}x{h}: `{place}`:\n{screen}");
        }
    }
}

/// With many clusters the CPU chart is the selected instance's cluster, writer and reader, not every instance
/// of the account in one unreadable tangle.
#[test]
fn the_cpu_chart_is_the_selected_instances_cluster() {
    use warroom_core::scene::Fleet;
    let fleet = Fleet { queues: 4, dlqs: 0, functions: 2, clusters: 3, alarms: 0, minutes: 30 };
    let mut state = fleet.state();
    state.ui.focus = PaneId::Database;
    state.ui.selection[PaneId::Database.index()] = 3;
    let screen = text(&render(&state, 160, 60));
    assert!(screen.contains("db-01-1 CPU %") && screen.contains("db-01-2 CPU %"), "{screen}");
    assert!(!screen.contains("db-00-1 CPU %") && !screen.contains("db-02-1 CPU %"), "{screen}");
}

/// An account with long names: a 40-character queue and DLQ, and two DB instances whose names differ only at
/// the end.
fn long_names() -> State {
    use warroom_core::model::{
        ClusterKind, ClusterStatus, DbStatus, DlqStatus, Feed, InstanceStatus, Observation, QueueStatus, Role,
    };
    let mut state = Scene::at_minute(31.0, false).state;
    let member = |id: &str, role| InstanceStatus { id: id.into(), role, status: DbStatus::Available };
    let observations = vec![
        Observation::Queue(QueueStatus {
            name: "payments-ingest-settlement-events-primary".into(),
            visible: 12,
            in_flight: 3,
            dlq: Some("payments-ingest-settlement-events-dlq-01".into()),
            consumer: None,
            retention_seconds: Some(345_600),
        }),
        Observation::Dlq(DlqStatus {
            name: "payments-ingest-settlement-events-dlq-01".into(),
            sources: warroom_core::model::DlqSources::Queues(vec!["payments-ingest-settlement-events-primary".into()]),
            depth: 7,
            arn: None,
            retention_seconds: None,
            max_receive_counts: Vec::new(),
        }),
        Observation::Cluster(ClusterStatus {
            id: "payments-ledger-aurora-cluster".into(),
            engine: "aurora-postgresql".into(),
            kind: ClusterKind::Aurora,
            status: DbStatus::Available,
            members: vec![
                member("payments-ledger-aurora-instance-1", Role::Writer),
                member("payments-ledger-aurora-instance-2", Role::Reader),
            ],
        }),
    ];
    state.update(Msg::Telemetry { feed: Feed::Inventory, result: Ok(observations) });
    state
}

#[test]
fn long_names_show_whole_where_there_is_room_and_stay_apart_where_there_is_not() {
    let mut state = long_names();
    assert_eq!("payments-ingest-settlement-events-primary".len(), 41);
    let wide = text(&render(&state, 160, 48));
    // Each in its own table's row (a chart's legend names them too): the name, then the row's next column.
    for (name, then) in [
        ("payments-ingest-settlement-events-primary", " "),
        ("payments-ingest-settlement-events-dlq-01", " "),
        ("payments-ledger-aurora-instance-1", " writer"),
        ("payments-ledger-aurora-instance-2", " reader"),
    ] {
        let row = wide.lines().find(|l| l.contains(&format!("{name}{then}")) && !l.contains('━'));
        assert!(row.is_some(), "{name} whole in its row at 160x48:\n{wide}");
    }
    // At 80 columns the instances are cut in the middle: the writer and the reader still read apart.
    let narrow = text(&render(&state, 80, 24));
    let cut: Vec<&str> =
        narrow.lines().filter(|l| l.contains("paymen…") && (l.contains("ance-1 ") || l.contains("ance-2 "))).collect();
    assert_eq!(cut.len(), 2, "both instances, cut so their ends show:\n{narrow}");
    // The detail view shows the whole name.
    state.ui.focus = PaneId::Database;
    state.ui.selection[PaneId::Database.index()] =
        state.rows().instances().iter().position(|(_, i)| i.id.ends_with("instance-2")).expect("the reader");
    state.update(Msg::Action(Action::OpenDetail));
    let detail = text(&render(&state, 80, 24));
    assert!(detail.contains("payments-ledger-aurora-instance-2"), "{detail}");
}

#[test]
fn redrive_plan_keeps_its_prompt_in_view() {
    let mut scene = Scene::at_minute(45.0, false);
    scene.state.update(Msg::Action(Action::Redrive));
    for (w, h) in SIZES {
        let screen = text(&render(&scene.state, w, h));
        assert!(screen.contains("to confirm · enter runs it"), "{screen}");
        insta::assert_snapshot!(format!("redrive_plan_{w}x{h}"), screen);
    }
}

#[test]
fn a_long_timeline_event_shows_whole_in_its_detail_view_under_its_label() {
    let mut scene = Scene::at_minute(45.0, false);
    let long = "roll back orders-consumer:live 42 → 41 succeeded: orders-consumer:live now points to 41; \
                verified: GetAlias: orders-consumer:live → 41 (read back twice, both agree)";
    let event = TimelineEvent {
        at: scene.state.now,
        kind: EventKind::Operation,
        resource: Some("orders-consumer".into()),
        text: long.into(),
        actor: Some("alice".into()),
    };
    scene.state.data.push_event(event);
    scene.state.ui.focus = PaneId::Timeline;
    scene.state.update(Msg::Action(Action::OpenDetail));
    let screen = text(&render(&scene.state, 80, 24));
    assert!(screen.contains("both agree)"), "the end of the event is cut:\n{screen}");
    // Continuation lines start under the value, not at the frame's edge.
    let continued = screen.lines().find(|l| l.contains("both agree)")).expect("a continuation");
    // Inside the popup's borders (`│ │value│ │`, or on the pane's bottom edge `└─│value│─┘`).
    let inside = continued.split('│').find(|part| part.contains("both agree)")).unwrap_or_default();
    assert!(inside.starts_with(&" ".repeat(18)), "not under its value: {continued:?}");
}

/// Credentials that stop working: one banner names the source and the remedy at both sizes, and the panes say
/// only that the credentials are why they are stale (their last data stays).
#[test]
fn failing_credentials_are_one_banner_with_the_remedy_not_an_error_in_every_pane() {
    use warroom_core::model::{CredentialSource, FailureKind, Feed, Identity, Observation, Subject};
    let mut scene = Scene::at_minute(45.0, false);
    scene.state.session.kind = warroom_core::model::SessionKind::Live;
    scene.state.data.identity = Some(Identity {
        account: "123456789012".into(),
        region: "eu-west-1".into(),
        principal: "arn:aws:sts::123456789012:assumed-role/OnCall/alice".into(),
        credentials: CredentialSource {
            description: "profile oncall (SSO session corp)".into(),
            remedy: "run `aws sso login --profile oncall`".into(),
        },
    });
    let expired = |subject, call: &str| {
        Observation::problem_of(
            FailureKind::Credentials,
            subject,
            None,
            format!(
                "{call}: no credentials: an error occurred while loading an access token: the SSO session has expired"
            ),
        )
    };
    let problems = vec![
        expired(Subject::Queues, "sqs:GetQueueAttributes"),
        expired(Subject::DeadLetterQueues, "sqs:GetQueueAttributes"),
    ];
    scene.state.update(Msg::Telemetry { feed: Feed::Fast, result: Ok(problems) });
    for (w, h) in SIZES {
        let screen = text(&render(&scene.state, w, h));
        let banner: Vec<&str> = screen.lines().skip(1).take(3).collect();
        assert!(banner[0].contains("✖ AWS credentials failing 0s: profile oncall (SSO session corp)"), "{screen}");
        assert!(banner[1].contains("to fix: run `aws sso login --profile oncall` · operations refused"), "{screen}");
        assert!(banner[2].starts_with("   why: sqs:GetQueueAttributes: no credentials"), "{screen}");
        assert_eq!(screen.matches("no credentials").count(), 1, "the reason once:\n{screen}");
        assert!(screen.contains("stale 0s: credentials"), "{screen}");
        let footer = screen.lines().last().unwrap_or_default();
        assert!(!footer.contains("sqs:"), "the footer does not repeat it:\n{screen}");
        assert!(screen.contains("orders"), "the last data stays:\n{screen}");
    }
}

/// AWS names may hold emoji, variation selectors, zero-width joiners and bidirectional controls. A terminal
/// prints each cell's text char by char (wcwidth); where that width differs from the cell's, every border after
/// it moves, and U+202E reverses the rest of the line where terminals do bidi. At 80×24 and 160×48, with such
/// names in the alarms, queues, DLQs and deploys: no cell holds a bidi or zero-width control, and every cell's
/// chars are as wide as the cell, so each border stays in its column; the odd characters show escaped.
#[test]
fn names_with_emoji_joiners_and_bidi_controls_keep_every_border_in_its_column() {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    use warroom_core::model::{
        AlarmKind, AlarmState, AlarmStatus, DlqSources, DlqStatus, Feed, FunctionStatus, Observation, QueueStatus,
    };
    let family = "orders-\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}-queue";
    let reversed = "billing-\u{202E}eueuq-\u{2066}x\u{2069}";
    let warning = "\u{26A0}\u{FE0F} checkout-\u{1F44D}\u{1F3FD}-p1\u{200B}";
    let mut state = Scene::at_minute(31.0, false).state;
    let observations = vec![
        Observation::Queue(QueueStatus {
            name: family.into(),
            visible: 12,
            in_flight: 3,
            dlq: Some(reversed.into()),
            consumer: Some(warning.into()),
            retention_seconds: Some(345_600),
        }),
        Observation::Dlq(DlqStatus {
            name: reversed.into(),
            sources: DlqSources::Queues(vec![family.into()]),
            depth: 7,
            arn: None,
            retention_seconds: None,
            max_receive_counts: Vec::new(),
        }),
        Observation::Alarm(AlarmStatus {
            name: warning.into(),
            kind: AlarmKind::Metric,
            state: AlarmState::Alarm,
            since: state.now,
            resources: vec![family.into()],
            reason: format!("{reversed} {family}"),
            threshold: None,
        }),
        Observation::Function(FunctionStatus {
            name: warning.into(),
            alias: "live\u{200D}".into(),
            version: "42".into(),
            previous_version: Some("41".into()),
            published: Vec::new(),
            versions: Vec::new(),
            last_move: None,
        }),
    ];
    state.update(Msg::Telemetry { feed: Feed::Inventory, result: Ok(observations) });
    for (w, h) in SIZES {
        let buffer = render(&state, w, h);
        let area = buffer.area;
        for y in 0..area.height {
            for x in 0..area.width {
                let symbol = buffer[(x, y)].symbol();
                let by_char: usize = symbol.chars().map(|c| c.width().unwrap_or(0)).sum();
                assert!(
                    !symbol.chars().any(
                        |c| matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
                    ),
                    "{w}×{h}: a bidi or zero-width control at ({x}, {y}):\n{}",
                    text(&buffer)
                );
                assert_eq!(
                    by_char,
                    symbol.width(),
                    "{w}×{h}: cell ({x}, {y}) {symbol:?} is {} wide to ratatui and {by_char} to a terminal:\n{}",
                    symbol.width(),
                    text(&buffer)
                );
            }
        }
        let screen = text(&buffer);
        assert!(screen.contains("billing-\\u{2"), "{w}×{h}: the reversal shows escaped:\n{screen}");
    }
}

/// An alarm's detail charts what its resource is: an alarm on a queue with no age datapoints yet is not drawn as
/// that queue's "CPU %" against the database threshold (the trial against ministack saw `orders CPU % ·
/// threshold 70` for an age-of-oldest-message alarm).
#[test]
fn an_alarm_detail_charts_its_resource_as_what_it_is() {
    use warroom_core::model::{AlarmKind, AlarmState, AlarmStatus, Feed, Observation, QueueStatus};
    let mut state = Scene::at_minute(45.0, false).state;
    let observations = vec![
        Observation::Queue(QueueStatus {
            name: "payments".into(),
            visible: 4,
            in_flight: 0,
            dlq: None,
            consumer: None,
            retention_seconds: Some(345_600),
        }),
        Observation::Alarm(AlarmStatus {
            name: "aaa payments age".into(),
            kind: AlarmKind::Metric,
            state: AlarmState::Alarm,
            since: state.now,
            resources: vec!["payments".into()],
            reason: "Threshold Crossed".into(),
            threshold: None,
        }),
    ];
    state.update(Msg::Telemetry { feed: Feed::Inventory, result: Ok(observations) });
    state.ui.focus = PaneId::Alarms;
    let keymap = Keymap::defaults().expect("keymap");
    let row = state.rows().alarms().iter().position(|a| a.name == "aaa payments age").expect("row");
    state.press_keys(&keymap, &format!("{}<enter>", "j ".repeat(row))).expect("keys");
    let screen = text(&render(&state, 160, 48));
    assert!(screen.contains("alarm aaa payments age"), "{screen}");
    assert!(screen.contains("payments age of oldest"), "the queue's age, against the age threshold:\n{screen}");
    assert!(!screen.contains("payments CPU %"), "{screen}");
}

/// A filter hides rows, it does not remove resources: each pane it empties says which filter, and no chart is
/// drawn over nothing. Charts span the data they hold and stop percentages at 100; two series differ by glyph.
#[test]
fn a_filter_says_what_it_hides_and_charts_fit_their_data() {
    let scene = Scene::at_minute(44.0, false);
    let mut state = scene.state.clone();
    let full = text(&render(&state, 160, 48));
    assert!(full.contains("• core-db-2 CPU %"), "the second series has its own glyph:\n{full}");
    assert!(full.contains("100│") && !full.contains("110│"), "CPU tops at 100 %:\n{full}");
    assert!(full.contains("-44m") && !full.contains("-60m"), "the chart spans the 44 minutes it has:\n{full}");
    state.ui.filter = "zzz".into();
    for (w, h) in [(160, 48), (80, 24)] {
        let screen = text(&render(&state, w, h));
        assert!(screen.contains("no match for 'zzz'"), "{w}×{h}:\n{screen}");
        assert!(!screen.contains("no alarms") && !screen.contains("no queues"), "{w}×{h}:\n{screen}");
        assert!(!screen.contains("┄ threshold"), "no empty chart with its markers at {w}×{h}:\n{screen}");
        // The header counts every alarm; the pane says how many of them the filter shows, never "0 firing".
        assert!(screen.contains("2 ALARMS") && screen.contains("0 of 2 firing shown"), "{w}×{h}:\n{screen}");
    }
    state.ui.filter = "db".into();
    assert!(text(&render(&state, 160, 48)).contains("Alarms · 1 of 2 firing shown"));
}

/// The messages a peek received: each with its receive count and attributes, a JSON body pretty-printed.
#[test]
fn the_messages_view_pretty_prints_json_bodies() {
    let mut state = Scene::at_minute(44.0, false).state;
    let message = warroom_core::model::PeekedMessage {
        message_id: "5fea7756-0ea4-451a-a703-00000a451a70".into(),
        body: r#"{"order_id":100231,"error":"canceling statement due to statement timeout"}"#.into(),
        receive_count: 4,
        sent_at: chrono::DateTime::from_timestamp(1_795_442_530, 0),
        attributes: vec![
            ("DeadLetterQueueSourceArn".into(), "arn:aws:sqs:us-east-1:123456789012:orders".into()),
            ("ApproximateFirstReceiveTimestamp".into(), "1795442531250".into()),
        ],
        message_attributes: Vec::new(),
    };
    state.ui.peeked = Some(("orders-dlq".into(), vec![message]));
    state.ui.popup = Some(warroom_core::state::Popup::Messages { offset: 0 });
    for (w, h) in SIZES {
        let screen = text(&render(&state, w, h));
        assert!(screen.contains("messages in orders-dlq"), "{w}x{h}:\n{screen}");
        assert!(screen.contains("received 4 times"), "{w}x{h}:\n{screen}");
        assert!(screen.contains(r#"    "order_id": 100231"#), "pretty-printed at {w}x{h}:\n{screen}");
        assert!(screen.contains("DeadLetterQueueSourceArn"), "{w}x{h}:\n{screen}");
        // The header reads whole (wrapped under the id at 80 columns), and SQS's epoch milliseconds as a time.
        assert!(screen.contains("· sent 2026-11-23") && screen.contains("14:02:10 UTC"), "{w}x{h}:\n{screen}");
        assert!(screen.contains("ApproximateFirstReceiveTimestamp: 2026-11-23 14:02:11.250 UTC"), "{w}x{h}:\n{screen}");
    }
}

/// Issue 15: a notice (an operation verified, a refusal) never hides how to find the other keys or how to
/// leave: help and quit stay at the footer's right edge, the notice cut short before them.
#[test]
fn a_notice_keeps_help_and_quit_in_the_footer() {
    use warroom_core::state::Notice;
    let mut scene = Scene::at_minute(40.0, false);
    let long =
        "roll back orders-consumer:live 42 → 41: verified; the alias points to 41 and the mapping reads it".to_string();
    for notice in [Notice::Info(long.clone()), Notice::Problem(long.clone())] {
        scene.state.update(Msg::Notice(notice));
        for (w, h) in SIZES {
            let screen = text(&render(&scene.state, w, h));
            let footer = screen.lines().last().unwrap_or_default();
            assert!(footer.starts_with("roll back orders-consumer"), "the notice first: {footer}");
            assert!(footer.ends_with("? help  q quit"), "help and quit at {w}×{h}: {footer}");
        }
    }
}

/// A long failure reads whole at 160×48: the footer takes a second row for it, with help and quit at the second
/// row's edge. At 80×24 the panes cannot spare the row, and the message is cut with "…".
#[test]
fn a_long_failure_reads_whole_in_a_two_row_footer_where_there_is_room() {
    use warroom_core::state::Notice;
    let mut scene = Scene::at_minute(40.0, false);
    let long = "reboot core-db-1 failed: rds:RebootDBInstance: InvalidDBInstanceState: DB instance core-db-1 is not \
                in the available state (it is modifying); try again when DescribeDBInstances says available"
        .to_string();
    scene.state.update(Msg::Notice(Notice::Problem(long.clone())));
    let wide = text(&render(&scene.state, 160, 48));
    let rows: Vec<&str> = wide.lines().rev().take(2).collect();
    let said = format!("{} {}", rows[1].trim_end(), rows[0].trim_end());
    assert!(said.starts_with(&long[..40]), "{said}");
    assert!(said.contains("try again when DescribeDBInstances says available"), "whole: {said}");
    assert!(rows[0].ends_with("? help  q quit"), "{}", rows[0]);
    let narrow = text(&render(&scene.state, 80, 24));
    let footer = narrow.lines().last().unwrap_or_default();
    assert!(footer.starts_with("reboot core-db-1 failed") && footer.contains('…'), "{footer}");
    assert!(narrow.lines().nth(22).is_some_and(|l| l.starts_with('└')), "the panes keep their rows:\n{narrow}");
}

/// The quit question asked while a rollback runs reads again once it ends: how it ended, and only whether to quit
/// (not "An operation is in progress:" over an empty list).
#[test]
fn the_quit_question_says_when_the_operation_has_ended() {
    let mut state = Scene::at_minute(45.0, false).state;
    let keymap = Keymap::defaults().expect("keymap");
    state.press_keys(&keymap, "r orders-consumer <enter> q").expect("keys");
    let asked = text(&render(&state, 80, 24));
    assert!(asked.contains("An operation is in progress:"), "{asked}");
    assert!(asked.contains("roll back orders-consumer:live 42 → 41 (executing)"), "{asked}");
    let (id, at) = (state.operations[0].id, state.now);
    use warroom_core::operation::{OpPhase, OpUpdate};
    state.update(Msg::Op(OpUpdate::new(id, OpPhase::Succeeded, "GetAlias: live → 41".into(), at)));
    let ended = text(&render(&state, 80, 24));
    assert!(ended.contains("Nothing is in progress now. The operation ended:"), "{ended}");
    assert!(ended.contains("roll back orders-consumer:live 42 → 41 (succeeded)"), "{ended}");
    assert!(!ended.contains("in progress:") && !ended.contains("quits anyway"), "{ended}");
}

/// A plan taller than an 80×24 terminal scrolls above its warnings and prompt, which stay in view: the last row
/// says what is hidden and names the keys, and the keys reach every line of it.
#[test]
fn a_plan_too_tall_for_the_terminal_scrolls_to_every_line() {
    let mut state = Scene::at_minute(45.0, false).state;
    let keymap = Keymap::defaults().expect("keymap");
    state.press_keys(&keymap, "d").expect("keys");
    let first = draw(&mut state, 80, 24);
    assert!(first.contains("more lines  pagedown more"), "{first}");
    assert!(!first.contains("progress shows in the DLQ pane"), "{first}");
    for _ in 0..10 {
        state.press_keys(&keymap, "<pagedown>").expect("keys");
        draw(&mut state, 80, 24);
    }
    let last = draw(&mut state, 80, 24);
    assert!(last.contains("progress shows in the DLQ pane (ListMessageMoveTasks)"), "{last}");
    assert!(last.contains("lines above  pageup back") && !last.contains("more lines"), "{last}");
    assert!(last.contains("Type orders-dlq to confirm"), "the prompt stays: {last}");
    // Held at its end: one pageup moves the text at once.
    state.press_keys(&keymap, "<pageup>").expect("keys");
    assert!(draw(&mut state, 80, 24).contains("more lines,"), "scrolled back one step");
}

/// An observer's header at 80 columns keeps who is operating after the READ-ONLY and alarm badges: the place
/// gives way first.
#[test]
fn an_observers_header_names_the_operator_at_80_columns() {
    let scene = Scene::at_minute(45.0, true);
    let screen = text(&render(&scene.state, 80, 24));
    let header = screen.lines().next().unwrap_or_default();
    assert!(header.contains("READ-ONLY") && header.contains("2 ALARMS"), "{header}");
    assert!(header.ends_with("op: alice"), "{header}");
    let wide = text(&render(&scene.state, 160, 48));
    assert!(wide.lines().next().unwrap_or_default().contains("simulated  op: alice"), "{wide}");
}

/// The calls view: each API's last minute, throttled and failed attempts, and each quota's total against
/// warroom's pace and AWS's default; a demo says it makes no AWS calls.
#[test]
fn the_calls_view_counts_each_api_against_its_quota() {
    use warroom_core::model::{CallBudget, CallRate, QuotaSource};
    let mut state = Scene::at_minute(45.0, false).state;
    let keymap = Keymap::defaults().expect("keymap");
    state.press_keys(&keymap, "$").expect("keys");
    assert!(text(&render(&state, 80, 24)).contains("The demo makes no AWS calls"));
    let lambda = |action: &str, last_minute: u32| CallRate {
        action: action.into(),
        last_minute,
        total: 40,
        failed: 1,
        throttled: 1,
        budget: Some(CallBudget {
            bucket: "Lambda control plane (the rest)".into(),
            pace_per_minute: 360,
            quota_per_minute: Some(900),
            source: QuotaSource::ServiceQuotas("L-B2AA0F47".into()),
        }),
    };
    // Service Quotas answered for Lambda's and refused CloudTrail's: that one is AWS's default, and says why.
    let trail = CallRate {
        action: "cloudtrail:LookupEvents".into(),
        last_minute: 2,
        total: 2,
        failed: 0,
        throttled: 0,
        budget: Some(CallBudget {
            bucket: "CloudTrail LookupEvents".into(),
            pace_per_minute: 60,
            quota_per_minute: Some(120),
            source: QuotaSource::Unread("servicequotas:GetServiceQuota: access denied".into()),
        }),
    };
    state.update(Msg::Calls(vec![
        lambda("lambda:ListAliases", 12),
        lambda("lambda:ListEventSourceMappings", 24),
        trail,
    ]));
    for (w, h) in SIZES {
        let screen = text(&render(&state, w, h));
        assert!(screen.contains("AWS calls by API"), "{w}x{h}:\n{screen}");
        let row = screen.lines().find(|l| l.contains("lambda:ListEventSourceMappings")).unwrap_or_default();
        assert!(row.contains("24") && row.contains("Lambda control plane"), "{w}x{h}: {row}");
        // The two APIs share one quota: its total is theirs together.
        // Where each quota's figure comes from (wrapped, not cut, at 80 columns).
        // A quota's line is wrapped, not cut, where it is too long: read as one.
        let flat = screen.lines().map(|l| l.trim_matches(['│', ' '])).collect::<Vec<_>>().join(" ");
        assert!(flat.contains("36/min · pace 360 · quota 900 (Service Quotas)"), "{w}x{h}:\n{screen}");
        assert!(flat.contains("2/min · pace 60 · quota 120 (AWS default)"), "{w}x{h}:\n{screen}");
        assert!(
            flat.contains("Service Quotas not read, AWS defaults used: servicequotas:GetServiceQuota: access denied")
        );
    }
    state.press_keys(&keymap, "$").expect("keys");
    assert!(state.ui.popup.is_none(), "its own key closes it");
}

/// A follower's header says whom it follows and how far behind, before the clock, at 80 columns too; a silent
/// publisher is said in the alarm colour; the READ-ONLY badge gives way (the footer still says it).
#[test]
fn a_followers_header_says_whom_it_follows_and_when_the_publisher_stopped() {
    use warroom_core::follow::Following;
    let mut scene = Scene::at_minute(40.0, true);
    let checked = chrono::Utc::now();
    // Published `behind` seconds before it was received, received `quiet` seconds before the last read.
    let following = |behind: i64, quiet: i64| {
        let received = checked - chrono::Duration::seconds(quiet);
        Following {
            publisher: "alice@bastion-1".into(),
            published: Some(received - chrono::Duration::seconds(behind)),
            received: Some(received),
            since: checked - chrono::Duration::minutes(5),
            checked,
            error: None,
        }
    };
    scene.state.update(Msg::Following(following(2, 1)));
    let buffer = render(&scene.state, 80, 24);
    let screen = text(&buffer);
    let header = screen.lines().next().unwrap();
    assert!(header.contains("following alice@bastion-1 · 2 s behind"), "{header}");
    assert!(header.contains("UTC") || header.contains("data fresh"), "the clock or freshness follows: {header}");
    assert!(!header.contains("READ-ONLY"), "{header}");
    assert!(screen.lines().last().unwrap().contains("READ-ONLY"), "the footer still says it:\n{screen}");

    scene.state.update(Msg::Following(following(1, 40)));
    let buffer = render(&scene.state, 160, 48);
    assert!(text(&buffer).contains("alice@bastion-1 stopped publishing 40s ago"), "{}", text(&buffer));
    assert_eq!(buffer[find(&buffer, "alice@bastion-1 stopped").unwrap()].bg, Color::Red);
}

/// Several targets: at 160×48 a line under the header gives each account's regions with ✓/✖ and RO, and the first
/// failure's reason; at 80×24 the header sums them up instead. Rows carry their target's label, and a plan on a
/// read-only target is a preview whose call line names the account and region.
#[test]
fn several_targets_are_labelled_and_a_read_only_targets_plan_is_a_preview() {
    use warroom_core::model::{DlqSources, DlqStatus, Feed, Observation, Session, SessionKind, TargetStatus};
    let session = Session { operator: "alice".into(), kind: SessionKind::Live, read_only: false };
    let mut state = State::new(session, "4 targets in 2 accounts".into(), Default::default(), chrono::Utc::now());
    let target = |label: &str, account: &str, read_only, error: Option<&str>| TargetStatus {
        label: label.into(),
        account: Some(account.into()),
        region: label.split_once('/').unwrap().1.into(),
        read_only,
        principal: None,
        credentials: None,
        error: error.map(str::to_string),
        writes_to: Vec::new(),
        answered: true,
    };
    let targets = vec![
        target("prod/us-east-1", "111111111111", true, None),
        target("prod/eu-west-1", "111111111111", true, None),
        target("stg/us-east-1", "222222222222", false, None),
        target("stg/eu-west-1", "222222222222", false, Some("sts:GetCallerIdentity: ExpiredToken")),
    ];
    let dlq = |name: &str, depth| {
        Observation::Dlq(DlqStatus {
            name: name.into(),
            sources: DlqSources::Queues(vec![name.trim_end_matches("-dlq").into()]),
            depth,
            arn: None,
            retention_seconds: None,
            max_receive_counts: Vec::new(),
        })
    };
    // The failing target's poll: its problem names it (as `TargetsTelemetry` words it).
    let failing = Observation::problem(
        warroom_core::model::Subject::DeadLetterQueues,
        None,
        "stg/eu-west-1: sts:GetCallerIdentity: ExpiredToken",
    );
    let observations = vec![
        Observation::Targets(targets),
        dlq("prod/us-east-1/orders-dlq", 7),
        dlq("stg/us-east-1/orders-dlq", 3),
        failing,
    ];
    state.update(Msg::Telemetry { feed: Feed::Fast, result: Ok(observations) });

    let wide = text(&render(&state, 160, 48));
    let line = wide.lines().nth(1).unwrap_or_default();
    assert!(line.contains("targets: prod us-east-1 ✓ RO eu-west-1 ✓ RO │ stg us-east-1 ✓ eu-west-1 ✖"), "{line}");
    assert!(line.contains("stg/eu-west-1: sts:GetCallerIdentity: ExpiredToken"), "{line}");
    assert!(wide.contains("prod/us-east-1/orders-dlq") && wide.contains("stg/us-east-1/orders-dlq"), "{wide}");
    let narrow = render(&state, 80, 24);
    let header = text(&narrow).lines().next().unwrap_or_default().to_string();
    assert!(header.contains("1 of 4 targets ✖ stg/eu-west-1"), "{header}");
    assert_eq!(fg_at(&narrow, "1 of 4 targets"), Color::Red);
    assert!(!text(&narrow).contains("targets: prod"), "no line of its own at 24 rows");

    // The DLQ pane's first row is prod's: its redrive is a preview that says why and where the call would go.
    let keymap = Keymap::defaults().expect("keymap");
    state.press_keys(&keymap, "d").expect("keys");
    for (w, h) in SIZES {
        let screen = text(&render(&state, w, h));
        assert!(screen.contains("PREVIEW"), "{w}x{h}:\n{screen}");
        let flat: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("prod/us-east-1 is read-only"), "{w}x{h}:\n{screen}");
        assert!(flat.contains("in account 111111111111, us-east-1"), "{w}x{h}:\n{screen}");
        assert!(!flat.contains("STALE"), "prod's plan does not rest on stg's failure: {w}x{h}:\n{screen}");
    }
    assert!(state.stale(PaneId::Dlqs).is_some(), "the pane itself says it is stale");

    // A target none of whose polls has answered yet (a big account's first discovery) is not shown answering.
    let mut waiting = target("stg/us-east-1", "222222222222", false, None);
    waiting.answered = false;
    let targets = vec![target("prod/us-east-1", "111111111111", true, None), waiting];
    state.update(Msg::Telemetry { feed: Feed::Fast, result: Ok(vec![Observation::Targets(targets)]) });
    let line = text(&render(&state, 160, 48)).lines().nth(1).unwrap_or_default().to_string();
    assert!(line.contains("targets: prod us-east-1 ✓ RO │ stg us-east-1 …"), "{line}");
    let header = text(&render(&state, 80, 24)).lines().next().unwrap_or_default().to_string();
    assert!(header.contains("1 of 2 targets …"), "{header}");

    // At 80 columns a failing target's name gives way before who operates: the targets line and panes say it.
    let mut failing = target("stg/us-east-1", "222222222222", false, Some("inventory poll: no answer for 8 s"));
    failing.label = "staging-eu/eu-central-2".into();
    let targets = vec![target("prod/us-east-1", "111111111111", true, None), failing];
    state.update(Msg::Telemetry { feed: Feed::Fast, result: Ok(vec![Observation::Targets(targets)]) });
    let header = text(&render(&state, 80, 24)).lines().next().unwrap_or_default().to_string();
    assert!(header.contains("op: alice"), "{header}");
    assert!(header.contains("1 of 2 targets ✖"), "{header}");
}
