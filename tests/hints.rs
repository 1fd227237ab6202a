//! Every key a screen names is bound to what the hint says it does, under every shipped keymap: the footer, each
//! plan (a redrive's included), the note, the filter, the quit question, the detail and changes views, the
//! how-to-quit notice, and every row of the help overlay. Hints are found on the rendered screen by the key style, which
//! only keys use, so a key written into a string by hand is not a hint and a wrong one cannot hide.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;
use warroom_core::action::{Action, Mode};
use warroom_core::keymap::{Key, Keymap};
use warroom_core::operation::OpPhase;
use warroom_core::scene::Scene;
use warroom_core::state::{Msg, State};
use warroom_ui::hints;
use warroom_ui::theme;

fn keymaps() -> Vec<(String, Keymap)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps");
    let mut out = vec![("built-in defaults".to_string(), Keymap::defaults().expect("defaults"))];
    for entry in std::fs::read_dir(&dir).expect("keymaps/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            out.push((path.display().to_string(), Keymap::load(Some(&path)).unwrap_or_else(|e| panic!("{e}"))));
        }
    }
    out
}

fn act(state: &mut State, actions: &[Action]) {
    for action in actions {
        state.update(Msg::Action(*action));
    }
}

fn typed(state: &mut State, text: &str) {
    for c in text.chars() {
        state.update(Msg::Type(c));
    }
}

/// A screen, and the hint lists it must show (each bound hint in them, with its key from the keymap).
struct Screen {
    name: &'static str,
    state: State,
    shows: Vec<&'static [hints::Hint]>,
}

/// Every screen with hints, at the incident's peak.
fn screens() -> Vec<Screen> {
    let peak = || Scene::at_minute(45.0, false).state;
    let mut out = vec![Screen { name: "dashboard", state: peak(), shows: vec![&hints::DASHBOARD] }];
    let mut read_only = Scene::at_minute(45.0, true).state;
    act(&mut read_only, &[Action::Rollback]);
    out.push(Screen { name: "read-only preview", state: read_only, shows: vec![&hints::PLAN_BLOCKED] });
    let redrive: Vec<&'static [hints::Hint]> =
        vec![&hints::PLAN, &hints::REDRIVE_RATE, &hints::REDRIVE_DESTINATION, &hints::REDRIVE_CANCEL];
    for (name, actions, text, shows) in [
        ("filter", &[Action::Filter][..], "db", vec![&hints::FILTER[..]]),
        ("note", &[Action::AddNote], "paging", vec![&hints::NOTE]),
        ("rollback plan", &[Action::Rollback], "orders", vec![&hints::PLAN]),
        ("redrive plan", &[Action::Redrive], "", redrive),
        ("detail", &[Action::OpenDetail], "", vec![&hints::DETAIL]),
        ("changes", &[Action::Changes], "", vec![&hints::VIEW]),
        ("help", &[Action::Help], "", vec![&hints::HELP]),
    ] {
        let mut state = peak();
        act(&mut state, actions);
        typed(&mut state, text);
        out.push(Screen { name, state, shows });
    }
    let mut ready = peak();
    act(&mut ready, &[Action::Rollback]);
    typed(&mut ready, "orders-consumer");
    out.push(Screen { name: "plan ready", state: ready, shows: vec![&hints::PLAN, &hints::PLAN_READY] });
    let mut quitting = peak();
    act(&mut quitting, &[Action::Rollback]);
    typed(&mut quitting, "orders-consumer");
    act(&mut quitting, &[Action::Submit, Action::Quit]);
    // The operation ends while the question is open: it asks only whether to quit now.
    let mut ended = quitting.clone();
    let id = ended.operations[0].id;
    let at = ended.now;
    ended.update(Msg::Op(warroom_core::operation::OpUpdate::new(id, OpPhase::Succeeded, "verified".into(), at)));
    out.push(Screen { name: "quit question", state: quitting, shows: vec![&hints::QUIT] });
    out.push(Screen { name: "quit question, operation ended", state: ended, shows: vec![&hints::QUIT_NOW] });
    let mut how_to_quit = peak();
    act(&mut how_to_quit, &[Action::HowToQuit]);
    out.push(Screen { name: "how to quit", state: how_to_quit, shows: vec![&hints::HOW_TO_QUIT] });
    let mut in_logs = peak();
    in_logs.ui.focus = warroom_core::state::PaneId::Functions;
    act(&mut in_logs, &[Action::ConsumerLogs, Action::HowToQuit]);
    assert!(matches!(in_logs.ui.popup, Some(warroom_core::state::Popup::Logs(_))), "{:?}", in_logs.ui.popup);
    let mut help_over_logs = in_logs.clone();
    out.push(Screen {
        name: "how to quit, log view",
        state: in_logs,
        shows: vec![&hints::HOW_TO_QUIT_LOGS, &hints::LOGS],
    });
    help_over_logs.notice = None;
    act(&mut help_over_logs, &[Action::Help]);
    // From its top, as the help screen is checked (it opens at its end, at the log view's keys).
    help_over_logs.ui.popup = Some(warroom_core::state::Popup::Help { offset: 0 });
    out.push(Screen { name: "help over the log view", state: help_over_logs, shows: vec![&hints::HELP_OVER_LOGS] });
    out
}

fn render(state: &State, keymap: &Keymap, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|f| warroom_ui::render(f, state, keymap)).expect("draw");
    terminal.backend().buffer().clone()
}

fn is_key(buffer: &Buffer, x: u16, y: u16) -> bool {
    let cell = &buffer[(x, y)];
    cell.fg == theme::KEY && cell.modifier.contains(Modifier::BOLD)
}

/// Each run of key-styled cells on the screen, with the text after it up to the next key or a wide gap.
fn hints_on(buffer: &Buffer) -> Vec<(u16, String, String)> {
    let area = buffer.area;
    let mut out = Vec::new();
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            if !is_key(buffer, x, y) {
                x += 1;
                continue;
            }
            let mut key = String::new();
            while x < area.width && is_key(buffer, x, y) {
                key.push_str(buffer[(x, y)].symbol());
                x += 1;
            }
            let mut label = String::new();
            while x < area.width && !is_key(buffer, x, y) {
                label.push_str(buffer[(x, y)].symbol());
                x += 1;
            }
            let label =
                label.split("  ").next().unwrap_or_default().split(['│', '─', '┘', '└']).next().unwrap_or_default();
            out.push((y, key, label.trim().to_string()));
        }
    }
    out
}

/// Words that follow a key in a hint ("x cancels", "Enter to run"): a key written into plain text before one of
/// them is a hint that bypasses the keymap.
const HINT_VERBS: [&str; 11] =
    ["to", "runs", "saves", "cancels", "closes", "quits", "stays", "keeps", "clears", "scrolls", "confirms"];

/// Hints written by hand: a bound key in plain (not key-styled) text followed by a hint's verb.
fn handwritten_hints(buffer: &Buffer, keymap: &Keymap) -> Vec<String> {
    let mut out = Vec::new();
    for y in 0..buffer.area.height {
        let plain: String = (0..buffer.area.width)
            .map(|x| if is_key(buffer, x, y) { "\u{1}" } else { buffer[(x, y)].symbol() })
            .collect();
        let words: Vec<&str> = plain
            .split(|c: char| c.is_whitespace() || c == ',' || c == '·')
            .map(|w| w.trim_matches(|c: char| ".;:()\"'".contains(c)))
            .filter(|w| !w.is_empty())
            .collect();
        for pair in words.windows(2) {
            let bound = Key::parse(pair[0]).is_ok_and(|k| Mode::ALL.iter().any(|m| keymap.action(*m, k).is_some()));
            // "up to 30 min" is English; "Enter to run" is a hint.
            let english =
                pair[1] == "to" && !["enter", "esc", "tab", "backspace"].contains(&pair[0].to_lowercase().as_str());
            if bound && HINT_VERBS.contains(&pair[1]) && !english {
                out.push(format!("`{} {}` in {plain:?}", pair[0], pair[1]));
            }
        }
    }
    out
}

fn row_text(buffer: &Buffer, y: u16) -> String {
    (0..buffer.area.width).map(|x| buffer[(x, y)].symbol()).collect()
}

#[test]
fn every_hint_names_a_key_bound_to_its_action_under_every_shipped_keymap() {
    for (keymap_name, keymap) in keymaps() {
        for screen in screens() {
            // What may be on this screen: its own hints only (the footer too names the keys that act now: in a
            // plan or a note, the dashboard's letters type).
            let mut allowed: Vec<hints::Hint> = screen.shows.iter().copied().flatten().copied().collect();
            // A plan taller than the terminal says which keys scroll it (at 80x24 only, so it is not owed).
            if matches!(screen.state.ui.popup, Some(warroom_core::state::Popup::Plan(_))) {
                allowed.extend(hints::PLAN_SCROLL);
            }
            for (width, height) in [(160, 48), (80, 24)] {
                let at = format!("{keymap_name}, {} at {width}x{height}", screen.name);
                let buffer = render(&screen.state, &keymap, width, height);
                let found = hints_on(&buffer);
                let handwritten = handwritten_hints(&buffer, &keymap);
                assert!(handwritten.is_empty(), "{at}: hints not from the keymap: {handwritten:?}");
                // Each hint the screen owes is there, with the key the keymap binds (the footer may drop its
                // last hints when narrow, so its own list is owed at full width only).
                for hint in screen.shows.iter().copied().flatten() {
                    let Some(key) = keymap.hint(hint.mode, hint.action) else { continue };
                    if screen.name == "dashboard" && width < 160 {
                        continue;
                    }
                    let key = key.to_string();
                    assert!(
                        found.iter().any(|(_, k, label)| *k == key && hint.label.starts_with(label.as_str())),
                        "{at}: `{key} {}` missing; found {found:?}",
                        hint.label
                    );
                }
                if screen.name.starts_with("help") {
                    check_help(&buffer, &keymap, &keymap_name);
                    continue;
                }
                for (y, key, label) in found {
                    let parsed = Key::parse(key.trim())
                        .unwrap_or_else(|e| panic!("{at}: `{key}` is not a key ({e}):\n{}", row_text(&buffer, y)));
                    let claims: Vec<&hints::Hint> =
                        allowed.iter().filter(|h| !label.is_empty() && h.label.starts_with(label.as_str())).collect();
                    assert!(
                        !claims.is_empty(),
                        "{at}: `{key} {label}` is no hint of this screen:\n{}",
                        row_text(&buffer, y)
                    );
                    assert!(
                        claims.iter().any(|h| keymap.action(h.mode, parsed) == Some(h.action)),
                        "{at}: `{key}` is shown to {label:?}, but it is bound to {:?}:\n{}",
                        Mode::ALL.iter().map(|m| (m.name(), keymap.action(*m, parsed))).collect::<Vec<_>>(),
                        row_text(&buffer, y)
                    );
                }
            }
        }
    }
}

/// A hint whose action a user's keymap unbinds is left out, and the line it was on with it: no sentence that
/// stops where the key would be.
#[test]
fn an_unbound_hint_leaves_no_dangling_words() {
    let dir = std::env::temp_dir().join(format!("warroom-hints-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("keymap.toml");
    std::fs::write(&path, "x = \"none\"\n[plan]\nup = \"none\"\ndown = \"none\"\n").expect("write");
    let keymap = Keymap::load(Some(&path)).expect("keymap");
    let mut state = Scene::at_minute(45.0, false).state;
    act(&mut state, &[Action::Redrive]);
    let screen: String = {
        let buffer = render(&state, &keymap, 160, 48);
        (0..48).map(|y| row_text(&buffer, y)).collect::<Vec<_>>().join("\n")
    };
    assert!(!screen.contains("once it runs"), "{screen}");
    assert!(!screen.contains("rate:"), "{screen}");
    assert!(screen.contains("destination:"), "{screen}");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

/// Help rows: the keys column, then the action's name, under its mode's heading; only inside the overlay's box.
fn check_help(buffer: &Buffer, keymap: &Keymap, keymap_name: &str) {
    let area = buffer.area;
    let top = (0..area.height).find_map(|y| {
        row_text(buffer, y).find("┌ help ").map(|byte| (row_text(buffer, y)[..byte].chars().count() as u16, y))
    });
    let (left, top) = top.expect("the help overlay's box");
    let right = (left + 1..area.width).find(|&x| buffer[(x, top)].symbol() == "┐").expect("its right corner");
    let mut mode = None;
    let mut rows = 0;
    for y in top + 1..area.height {
        if buffer[(left, y)].symbol() == "└" {
            break;
        }
        let xs = left + 1..right;
        let inner: String = xs.clone().map(|x| buffer[(x, y)].symbol()).collect();
        if let Some(m) = Mode::ALL.into_iter().find(|m| inner.starts_with(&format!("{} ", m.name()))) {
            mode = Some(m);
            continue;
        }
        let keys: String = xs.clone().filter(|&x| is_key(buffer, x, y)).map(|x| buffer[(x, y)].symbol()).collect();
        let keys = keys.trim().to_string();
        let Some(mode) = mode.filter(|_| !keys.is_empty() && keys != "(unbound)") else { continue };
        // The action's name follows the keys column.
        let after_keys = xs.clone().rev().find(|&x| is_key(buffer, x, y)).expect("a key cell") + 1;
        let rest: String = (after_keys..right).map(|x| buffer[(x, y)].symbol()).collect();
        let name = rest.split_whitespace().next().unwrap_or_default();
        let action =
            Action::from_name(name).unwrap_or_else(|| panic!("{keymap_name}: help row `{inner}` names no action"));
        for key in keys.split_whitespace() {
            let parsed = Key::parse(key).unwrap_or_else(|e| panic!("{keymap_name}: help lists `{key}` ({e})"));
            assert_eq!(
                keymap.action(mode, parsed),
                Some(action),
                "{keymap_name}: help says {key} is {name} in {}",
                mode.name()
            );
        }
        rows += 1;
    }
    assert!(rows > 5, "{keymap_name}: help shows its rows");
}

/// The bug this test was written for: under the cautious keymap, `x` does nothing and `X` cancels a redrive.
#[test]
fn the_redrive_plan_names_the_cancel_key_of_the_active_keymap() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps/cautious.toml");
    let cautious = Keymap::load(Some(&path)).expect("cautious");
    let mut state = Scene::at_minute(45.0, false).state;
    act(&mut state, &[Action::Redrive]);
    let buffer = render(&state, &cautious, 160, 48);
    let found = hints_on(&buffer);
    assert!(found.iter().any(|(_, key, label)| key == "X" && label.starts_with("on the DLQ cancels")), "{found:?}");
    assert!(!found.iter().any(|(_, key, _)| key == "x"), "{found:?}");
}
