//! Keymaps: the defaults, every shipped keymap, modes, overrides key by key, and errors that name file and line.
//! The README's key table is generated from the same source; `README_UPDATE=1` rewrites it.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use warroom_core::action::{Action, Mode};
use warroom_core::keymap::{DEFAULT_KEYMAP, Key, Keymap, NAMED_KEYS};

fn key(spec: &str) -> Key {
    Key::parse(spec).unwrap_or_else(|e| panic!("{e}"))
}

fn on_dashboard(km: &Keymap, spec: &str) -> Option<Action> {
    km.action(Mode::Dashboard, key(spec))
}

fn shipped() -> Vec<(String, Keymap)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("keymaps/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let km = Keymap::load(Some(&path)).unwrap_or_else(|e| panic!("{e}"));
            out.push((path.display().to_string(), km));
        }
    }
    out
}

#[test]
fn defaults_bind_the_documented_keys() {
    let km = Keymap::defaults().expect("defaults parse without duplicates");
    let expected = [
        ("?", Action::Help),
        ("q", Action::Quit),
        ("/", Action::Filter),
        ("r", Action::Rollback),
        ("b", Action::Reboot),
        ("f", Action::Failover),
        ("d", Action::Redrive),
        ("x", Action::CancelRedrive),
        ("n", Action::AddNote),
    ];
    for (spec, action) in expected {
        assert_eq!(on_dashboard(&km, spec), Some(action), "default for {spec}");
    }
    assert_eq!(km.action(Mode::Plan, key("enter")), Some(Action::Submit));
    assert_eq!(km.action(Mode::Plan, key("ctrl-u")), Some(Action::ClearText));
    assert_eq!(km.action(Mode::Plan, key("up")), Some(Action::RateUp));
    assert_eq!(km.action(Mode::Text, key("esc")), Some(Action::Cancel));
    assert_eq!(km.action(Mode::Confirm, key("Y")), Some(Action::Yes));
    assert_eq!(km.action(Mode::Confirm, key("enter")), Some(Action::No));
}

#[test]
fn every_shipped_keymap_loads_and_keeps_every_action_reachable() {
    let maps = shipped();
    assert!(maps.len() >= 2, "the default and at least one alternative ship");
    for (name, km) in maps {
        for &action in Action::ALL {
            for &mode in action.modes() {
                assert!(
                    !km.keys_for(mode, action).is_empty(),
                    "{name}: {} has no key in {}",
                    action.name(),
                    mode.name()
                );
            }
        }
    }
}

#[test]
fn cautious_keymap_moves_operations_to_shift() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps/cautious.toml");
    let km = Keymap::load(Some(&path)).expect("cautious");
    assert_eq!(on_dashboard(&km, "r"), None);
    assert_eq!(on_dashboard(&km, "R"), Some(Action::Rollback));
    assert_eq!(on_dashboard(&km, "X"), Some(Action::CancelRedrive));
    assert_eq!(on_dashboard(&km, "q"), Some(Action::Quit), "keys it does not name keep their defaults");
    assert_eq!(km.action(Mode::Confirm, key("y")), None, "quitting mid-operation takes a capital Y");
    assert_eq!(km.action(Mode::Confirm, key("Y")), Some(Action::Yes));
    // No lower-case key opens a plan.
    for c in 'a'..='z' {
        let action = on_dashboard(&km, &c.to_string());
        assert!(!action.is_some_and(Action::is_mutating), "{c} opens {action:?}");
    }
}

#[test]
fn a_partial_override_keeps_the_other_defaults() {
    let km = Keymap::from_user_str("# mine\nr = \"reboot\"\nctrl-r = \"rollback\"\n", "mine.toml").expect("override");
    assert_eq!(on_dashboard(&km, "r"), Some(Action::Reboot));
    assert_eq!(on_dashboard(&km, "ctrl-r"), Some(Action::Rollback));
    assert_eq!(on_dashboard(&km, "b"), Some(Action::Reboot), "b still reboots");
    assert_eq!(on_dashboard(&km, "q"), Some(Action::Quit));
    assert_eq!(km.keys_for(Mode::Dashboard, Action::Rollback), vec![key("ctrl-r")]);
}

#[test]
fn modes_are_tables_and_override_mode_by_mode() {
    let src =
        "[dashboard]\nr = \"none\"\n[plan]\nctrl-s = \"submit\"\nenter = \"none\"\n[text]\nctrl-w = \"clear_text\"\n";
    let km = Keymap::from_user_str(src, "mine.toml").expect("modes");
    assert_eq!(on_dashboard(&km, "r"), None);
    assert_eq!(km.action(Mode::Plan, key("ctrl-s")), Some(Action::Submit));
    assert_eq!(km.action(Mode::Plan, key("enter")), None);
    assert_eq!(km.action(Mode::Text, key("enter")), Some(Action::Submit), "text mode keeps its own enter");
    assert_eq!(km.action(Mode::Text, key("ctrl-w")), Some(Action::ClearText));
}

#[test]
fn none_unbinds_a_key() {
    let km = Keymap::from_user_str("d = \"none\"\n", "mine.toml").expect("unbind");
    assert_eq!(on_dashboard(&km, "d"), None);
    assert!(km.keys_for(Mode::Dashboard, Action::Redrive).is_empty());
}

fn error_of(src: &str) -> String {
    Keymap::from_user_str(src, "my-keys.toml").expect_err("should be rejected").to_string()
}

#[test]
fn unknown_action_names_file_and_line() {
    let e = error_of("q = \"quit\"\n\nr = \"rollbak\"\n");
    assert!(e.starts_with("my-keys.toml:3:"), "{e}");
    assert!(e.contains("unknown action `rollbak`") && e.contains("rollback"), "{e}");
}

#[test]
fn an_action_bound_in_the_wrong_mode_names_its_modes() {
    let e = error_of("[plan]\nctrl-r = \"rollback\"\n");
    assert!(e.starts_with("my-keys.toml:2:"), "{e}");
    assert!(e.contains("`rollback` is not a plan action (it belongs to dashboard)"), "{e}");
    assert!(e.contains("submit, cancel"), "{e}");
}

#[test]
fn a_typing_key_cannot_be_bound_where_it_types() {
    let e = error_of("[text]\ns = \"submit\"\n");
    assert!(e.starts_with("my-keys.toml:2:") && e.contains("types a character in text mode"), "{e}");
    assert!(Keymap::from_user_str("[confirm]\nj = \"yes\"\n", "ok.toml").is_ok(), "confirm mode does not type");
}

#[test]
fn an_unknown_mode_names_the_modes() {
    let e = error_of("[normal]\nq = \"quit\"\n");
    assert!(e.starts_with("my-keys.toml:1:") && e.contains("unknown mode `[normal]`; modes: dashboard, plan"), "{e}");
}

#[test]
fn a_mode_cannot_be_left_without_a_way_out() {
    let e = error_of("q = \"quit\"\n[plan]\nesc = \"none\"\nctrl-c = \"none\"\n");
    assert!(e.starts_with("my-keys.toml:4:"), "the line that took the last key: {e}");
    assert!(e.contains("`cancel` has no key left in plan mode"), "{e}");
    let e = error_of("q = \"none\"\n");
    assert!(e.starts_with("my-keys.toml:1:") && e.contains("`quit` has no key left in dashboard mode"), "{e}");
    assert!(Keymap::from_user_str("q = \"none\"\nZ = \"quit\"\n", "ok.toml").is_ok(), "moved, not removed");
}

#[test]
fn unparsable_key_names_file_and_line() {
    let e = error_of("q = \"quit\"\nhyper-x = \"help\"\n");
    assert!(e.starts_with("my-keys.toml:2:"), "{e}");
    assert!(e.contains("unknown key `hyper-x`"), "{e}");
}

#[test]
fn duplicate_binding_names_both_lines() {
    // The same key spelled two ways: TOML accepts both, the keymap does not.
    let e = error_of("shift-r = \"rollback\"\nq = \"quit\"\nR = \"reboot\"\n");
    assert!(e.starts_with("my-keys.toml:3:"), "{e}");
    assert!(e.contains("bound twice in dashboard mode (line 1 and line 3)"), "{e}");
    // The top level is the dashboard too.
    let e = error_of("r = \"rollback\"\n[dashboard]\nr = \"reboot\"\n");
    assert!(e.starts_with("my-keys.toml:3:") && e.contains("bound twice"), "{e}");
    // The same key literally twice is a TOML error, also with its line.
    let e = error_of("q = \"quit\"\nq = \"help\"\n");
    assert!(e.starts_with("my-keys.toml:2:"), "{e}");
}

#[test]
fn wrong_value_type_and_bad_toml_name_the_line() {
    let e = error_of("q = \"quit\"\nr = 5\n");
    assert!(e.starts_with("my-keys.toml:2:") && e.contains("must be a string"), "{e}");
    let e = error_of("q = \"quit\"\nr = \"rollback\n");
    assert!(e.starts_with("my-keys.toml:2:") && e.contains("not valid TOML"), "{e}");
}

#[test]
fn missing_and_non_utf8_files_are_clear_errors() {
    let e = Keymap::load(Some(std::path::Path::new("/nonexistent/keys.toml"))).expect_err("missing").to_string();
    assert!(e.starts_with("/nonexistent/keys.toml: cannot read"), "{e}");
    let path = std::env::temp_dir().join(format!("warroom-bad-utf8-{}.toml", std::process::id()));
    std::fs::write(&path, b"q = \"quit\"\nr = \"\xff\"\n").expect("write");
    let e = Keymap::load(Some(&path)).expect_err("non-utf8").to_string();
    assert!(e.contains(":2:") && e.contains("not valid UTF-8"), "{e}");
    std::fs::remove_file(path).ok();
}

/// The default keymap's header tells users which key names they may write: it must list exactly the names the
/// parser accepts, so a name added to one is added to the other.
#[test]
fn the_default_keymaps_header_lists_every_key_name_the_parser_accepts() {
    let header: String = DEFAULT_KEYMAP.lines().take_while(|l| l.starts_with('#')).collect::<Vec<_>>().join(" ");
    let listed = header.split("Keys:").nth(1).and_then(|s| s.split("optionally").next()).expect("a Keys: line");
    for name in NAMED_KEYS {
        assert!(listed.contains(name), "{name} is accepted but not listed in keymaps/default.toml's header");
        assert!(Key::parse(name).is_ok(), "{name} is listed but does not parse");
    }
    let words: Vec<&str> = listed
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
        .filter(|w| w.len() > 1 && w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .filter(|w| !["or", "a", "name", "character"].contains(w))
        .collect();
    for word in words {
        assert!(NAMED_KEYS.contains(&word), "the header lists `{word}`, which the parser does not accept");
    }
}

const START: &str =
    "<!-- keys:start (generated from keymaps/default.toml and the Action descriptions; do not edit) -->\n";
const END: &str = "<!-- keys:end -->";

#[test]
fn readme_key_table_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let table = Keymap::defaults().expect("defaults").markdown_table();
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the key table markers {START:?} … {END:?}");
    };
    let current = &readme[start + START.len()..end];
    for mode in Mode::ALL {
        assert!(table.contains(&format!("**{}**", mode.name())), "the table lists {}", mode.name());
    }
    if current != table {
        if std::env::var_os("README_UPDATE").is_some() {
            let updated = format!("{}{START}{table}{}", &readme[..start], &readme[end..]);
            std::fs::write(path, updated).expect("write README.md");
        } else {
            panic!(
                "README.md's key table is stale; run `README_UPDATE=1 cargo test --test keymap`.\nExpected:\n{table}"
            );
        }
    }
}
