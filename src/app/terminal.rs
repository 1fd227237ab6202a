//! Reading the terminal on a thread of its own, and turning crossterm's key events into the keymap's keys.
//! crossterm's reader retries a read that returns end of file or EIO forever, spinning a core after the SSH
//! session drops; so poll(2) looks for a hang-up right before every crossterm call, and the thread blocks in
//! poll(2), never in crossterm.

use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyEvent, KeyEventKind, KeyModifiers};
use tokio::sync::mpsc::UnboundedSender;
use warroom_core::keymap::{Key, KeyCode};

use super::AppEvent;

/// The keymap's key for a crossterm key event: shift folded into the character or into shift-tab, ctrl and alt
/// kept; `None` for keys the keymap cannot name (media keys, modifiers alone).
pub fn key_of(ev: &KeyEvent) -> Option<Key> {
    use ratatui::crossterm::event::KeyCode as Code;
    let code = match ev.code {
        Code::Char(c) => KeyCode::Char(c),
        Code::Tab if ev.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
        Code::Tab => KeyCode::Tab,
        Code::BackTab => KeyCode::BackTab,
        Code::Enter => KeyCode::Enter,
        Code::Esc => KeyCode::Esc,
        Code::Backspace => KeyCode::Backspace,
        Code::Delete => KeyCode::Delete,
        Code::Insert => KeyCode::Insert,
        Code::Up => KeyCode::Up,
        Code::Down => KeyCode::Down,
        Code::Left => KeyCode::Left,
        Code::Right => KeyCode::Right,
        Code::PageUp => KeyCode::PageUp,
        Code::PageDown => KeyCode::PageDown,
        Code::Home => KeyCode::Home,
        Code::End => KeyCode::End,
        Code::F(n) => KeyCode::F(n),
        _ => return None,
    };
    Some(Key::new(code, ev.modifiers.contains(KeyModifiers::CONTROL), ev.modifiers.contains(KeyModifiers::ALT)))
}

/// Terminal input on a thread of its own: crossterm's read blocks, and the loop must not.
pub(super) fn spawn_input(tx: UnboundedSender<AppEvent>) {
    std::thread::spawn(move || {
        loop {
            match next_input() {
                Ok(Some(event)) => {
                    if tx.send(event).is_err() {
                        return;
                    }
                }
                Ok(None) => {}
                Err(why) => {
                    let _ = tx.send(AppEvent::InputClosed(why));
                    return;
                }
            }
        }
    });
}

/// How long crossterm may look for an event once poll(2) said the terminal has input. Its reader (the
/// `use-dev-tty` one) reads only inside a poll with time left, so not zero; an event is there, so this is not
/// waited out.
const READ_WINDOW: Duration = Duration::from_millis(5);

/// The next key or resize, None for input the loop ignores, or why the terminal is gone.
fn next_input() -> Result<Option<AppEvent>, String> {
    wait_for_terminal(0)?;
    if !event::poll(READ_WINDOW).map_err(|e| e.to_string())? {
        // Nothing buffered or readable: wait for input (or a hang-up); the caller comes back to check from the top.
        wait_for_terminal(-1)?;
        return Ok(None);
    }
    Ok(match event::read().map_err(|e| e.to_string())? {
        Event::Key(key) if key.kind != KeyEventKind::Release => key_of(&key).map(AppEvent::Key),
        Event::Resize(..) => Some(AppEvent::Resize),
        _ => None,
    })
}

/// Waits up to `timeout_ms` (-1: for ever) for the terminal to have input; fails with why it never will when it
/// has hung up.
fn wait_for_terminal(timeout_ms: i32) -> Result<(), String> {
    let mut fds = libc::pollfd { fd: libc::STDIN_FILENO, events: libc::POLLIN, revents: 0 };
    loop {
        // SAFETY: one valid pollfd, and the count says one.
        let ready = unsafe { libc::poll(&mut fds, 1, timeout_ms) };
        if ready < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(format!("cannot poll the terminal: {e}"));
        }
        if fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            return Err("the terminal hung up".into());
        }
        return Ok(());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyCode as Code;

    fn ev(code: Code, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn terminal_keys_become_the_keymaps_keys() {
        let parse = |s: &str| Key::parse(s).expect(s);
        assert_eq!(key_of(&ev(Code::BackTab, KeyModifiers::SHIFT)), Some(parse("shift-tab")));
        assert_eq!(key_of(&ev(Code::Tab, KeyModifiers::SHIFT)), Some(parse("shift-tab")));
        assert_eq!(key_of(&ev(Code::Char('R'), KeyModifiers::SHIFT)), Some(parse("R")));
        // Terminals report ctrl-c as 'c' or 'C' with CONTROL.
        assert_eq!(key_of(&ev(Code::Char('C'), KeyModifiers::CONTROL)), Some(parse("ctrl-c")));
        assert_eq!(key_of(&ev(Code::Char('x'), KeyModifiers::ALT)), Some(parse("alt-x")));
        assert_eq!(key_of(&ev(Code::Enter, KeyModifiers::NONE)), Some(parse("enter")));
        assert_eq!(key_of(&ev(Code::CapsLock, KeyModifiers::NONE)), None);
    }
}
