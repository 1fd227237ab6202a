//! The real binary in a real pseudo-terminal: a private tmux server per test, keys in, screen text out.

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `warroom ARGS` in a detached tmux session of the given size, on a private tmux server.
    pub fn start(name: &str, args: &[&str], width: u16, height: u16) -> Tmux {
        Tmux::start_with_env(name, args, &[], width, height)
    }

    /// Like `start`, with extra environment variables for warroom.
    pub fn start_with_env(name: &str, args: &[&str], env: &[(&str, &str)], width: u16, height: u16) -> Tmux {
        let socket = format!("warroom-e2e-{}-{name}", std::process::id());
        let mut cmd = Command::new("tmux");
        cmd.args([
            "-L",
            &socket,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
        cmd.args(["-e", "WARROOM_OPERATOR=e2e", "-e", "TERM=xterm-256color"]);
        for (k, v) in env {
            cmd.args(["-e", &format!("{k}={v}")]);
        }
        cmd.args(["--", env!("CARGO_BIN_EXE_warroom")]);
        cmd.args(args);
        let status = cmd.status().expect("tmux must be installed (scripts/test installs it)");
        assert!(status.success(), "tmux new-session failed");
        Tmux { socket }
    }

    /// Runs `script` with `sh -c` in a detached session whose window has tmux's `alternate-screen` off — as in
    /// mosh, GNU screen's default, the Linux console — set before the script starts; `$WARROOM` is the binary.
    pub fn start_without_alternate_screen(name: &str, script: &str, width: u16, height: u16) -> Tmux {
        let socket = format!("warroom-e2e-{}-{name}", std::process::id());
        let (w, h) = (width.to_string(), height.to_string());
        let wait = format!("while [ ! -e /tmp/{socket}.go ]; do sleep 0.05; done; rm -f /tmp/{socket}.go; {script}");
        let status = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", &w, "-y", &h])
            .args(["-e", "WARROOM_OPERATOR=e2e", "-e", "TERM=xterm-256color"])
            .args(["-e", &format!("WARROOM={}", env!("CARGO_BIN_EXE_warroom"))])
            .args(["--", "sh", "-c", &wait])
            .status()
            .expect("tmux must be installed (scripts/test installs it)");
        assert!(status.success(), "tmux new-session failed");
        let tmux = Tmux { socket: socket.clone() };
        let set = tmux.tmux(&["set-window-option", "-t", "e2e", "alternate-screen", "off"]);
        assert!(set.status.success(), "{}", String::from_utf8_lossy(&set.stderr));
        std::fs::write(format!("/tmp/{socket}.go"), "").expect("go");
        tmux
    }

    pub fn tmux(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux").args(["-L", &self.socket]).args(args).output().expect("tmux")
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "e2e", "-l", text]);
    }

    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return screen;
            }
            assert!(start.elapsed() < timeout, "`{needle}` did not appear within {timeout:?}:\n{screen}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits until a row shows `name` with `value` as the next word (a DLQ and its depth, however the table
    /// spaces its columns); returns the screen.
    pub fn wait_for_row(&self, name: &str, value: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if row_shows(&screen, name, value) {
                return screen;
            }
            assert!(start.elapsed() < timeout, "no row `{name} {value}` within {timeout:?}:\n{screen}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits until `needle` is no longer on screen; returns how long that took.
    pub fn wait_gone(&self, needle: &str, timeout: Duration) -> Duration {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if !screen.contains(needle) {
                return start.elapsed();
            }
            assert!(start.elapsed() < timeout, "`{needle}` still on screen after {timeout:?}:\n{screen}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn pane_pid(&self) -> u32 {
        let out = self.tmux(&["display-message", "-p", "-t", "e2e", "#{pane_pid}"]);
        String::from_utf8_lossy(&out.stdout).trim().parse().expect("pane pid")
    }

    pub fn session_alive(&self) -> bool {
        self.tmux(&["has-session", "-t", "e2e"]).status.success()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

/// Whether a line of `screen` shows `name` followed by `value` as its next word.
pub fn row_shows(screen: &str, name: &str, value: &str) -> bool {
    screen.lines().any(|line| {
        line.match_indices(name).any(|(i, _)| line[i + name.len()..].split_whitespace().next() == Some(value))
    })
}
