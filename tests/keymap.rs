//! Keymaps: the defaults, every shipped keymap, overrides key by key, and errors that name file and line.
//! The README's key table is generated from the same source; `README_UPDATE=1` rewrites it.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use warroom::action::Action;
use warroom::keymap::{DEFAULT_KEYMAP, Keymap};

fn press(km: &Keymap, c: char) -> Option<Action> {
    km.action_for(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

#[test]
fn defaults_bind_every_action_once_per_key() {
    let km = Keymap::defaults().expect("defaults parse without duplicates");
    for &action in Action::ALL {
        assert!(!km.keys_for(action).is_empty(), "{} has no default key", action.name());
    }
    let expected = [
        ('?', Action::Help),
        ('q', Action::Quit),
        ('/', Action::Filter),
        ('r', Action::Rollback),
        ('b', Action::Reboot),
        ('f', Action::Failover),
        ('d', Action::Redrive),
        ('x', Action::CancelRedrive),
        ('n', Action::AddNote),
    ];
    for (c, action) in expected {
        assert_eq!(press(&km, c), Some(action), "default for {c}");
    }
}

#[test]
fn every_shipped_keymap_loads() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("keymaps/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            Keymap::load(Some(&path)).unwrap_or_else(|e| panic!("{e}"));
            count += 1;
        }
    }
    assert!(count >= 2, "the default and at least one alternative ship");
}

#[test]
fn cautious_keymap_moves_operations_to_shift() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps/cautious.toml");
    let km = Keymap::load(Some(&path)).expect("cautious");
    assert_eq!(press(&km, 'r'), None);
    assert_eq!(press(&km, 'R'), Some(Action::Rollback));
    assert_eq!(press(&km, 'q'), Some(Action::Quit), "keys it does not name keep their defaults");
}

#[test]
fn a_partial_override_keeps_the_other_defaults() {
    let km = Keymap::from_user_str("# mine\nr = \"reboot\"\nctrl-r = \"rollback\"\n", "mine.toml").expect("override");
    assert_eq!(press(&km, 'r'), Some(Action::Reboot));
    assert_eq!(km.action_for(&KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)), Some(Action::Rollback));
    assert_eq!(press(&km, 'b'), Some(Action::Reboot), "b still reboots");
    assert_eq!(press(&km, 'q'), Some(Action::Quit));
    assert_eq!(km.keys_for(Action::Rollback), vec!["ctrl-r"]);
}

#[test]
fn none_unbinds_a_key() {
    let km = Keymap::from_user_str("d = \"none\"\n", "mine.toml").expect("unbind");
    assert_eq!(press(&km, 'd'), None);
    assert!(km.keys_for(Action::Redrive).is_empty());
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
    assert!(e.contains("bound twice (line 1 and line 3)"), "{e}");
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

#[test]
fn the_compiled_in_default_is_the_shipped_file() {
    let on_disk = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/keymaps/default.toml")).expect("read");
    assert_eq!(on_disk, DEFAULT_KEYMAP);
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
