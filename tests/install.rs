//! `install.sh` end to end, as a bastion without a Rust toolchain runs it: the archive `scripts/release --package`
//! makes of this build's binary, served from a local HTTP server laid out like the release page; installed with
//! `PATH` holding only the system's directories, then run. A checksum that does not match installs nothing.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TARGET: &str = "x86_64-unknown-linux-gnu";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Serves files under `root` over HTTP on a free 127.0.0.1 port until the test process ends: GET only, 404
/// for anything missing. Returns the base URL.
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // The headers, up to the blank line.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/').to_string();
            let mut stream = stream;
            let file = (!path.contains("..")).then(|| std::fs::read(root.join(&path)).ok()).flatten();
            let _ = match file {
                Some(body) => stream
                    .write_all(
                        format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len())
                            .as_bytes(),
                    )
                    .and_then(|()| stream.write_all(&body)),
                None => stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
            };
        }
    });
    url
}

/// The release page's layout under `root`: this build's binary (without its debug info, as a release carries
/// none) packaged by `scripts/release --package` into `download/v<version>/` and `latest/download/`.
fn release_page(root: &Path) {
    std::fs::create_dir_all(root).expect("dir");
    let binary = root.join("warroom");
    let stripped =
        Command::new("strip").args(["--strip-debug", "-o"]).arg(&binary).arg(env!("CARGO_BIN_EXE_warroom")).status();
    if !stripped.is_ok_and(|s| s.success()) {
        std::fs::copy(env!("CARGO_BIN_EXE_warroom"), &binary).expect("copy the binary");
    }
    for dir in [format!("download/v{VERSION}"), "latest/download".to_string()] {
        let out = root.join(dir);
        let status = Command::new(repo().join("scripts/release"))
            .arg("--package")
            .arg(&binary)
            .arg(TARGET)
            .arg(&out)
            .status()
            .expect("scripts/release --package");
        assert!(status.success(), "packaging failed");
    }
}

/// `install.sh` with `args`, `HOME` in `home` and only the system's directories on `PATH`: no cargo, no rustc.
fn install(home: &Path, args: &[&str]) -> Output {
    std::fs::create_dir_all(home).expect("home");
    Command::new("sh")
        .arg(repo().join("install.sh"))
        .args(args)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("HOME", home)
        .output()
        .expect("install.sh")
}

#[test]
fn install_sh_installs_the_archive_it_verified_and_refuses_one_that_does_not_match() {
    let root = std::env::temp_dir().join(format!("warroom-install-{}", std::process::id()));
    std::fs::remove_dir_all(&root).ok();
    let page = root.join("page");
    release_page(&page);
    let url = serve(page.clone());
    assert!(
        Command::new("sh")
            .args(["-c", "command -v cargo rustc"])
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .output()
            .expect("sh")
            .stdout
            .is_empty(),
        "the install runs where no Rust toolchain is on PATH"
    );

    // The archive carries what the README's walkthroughs use beside the binary.
    let archive = page.join(format!("latest/download/warroom-{TARGET}.tar.gz"));
    let listing = Command::new("tar").arg("-tzf").arg(&archive).output().expect("tar");
    let listing = String::from_utf8_lossy(&listing.stdout);
    for file in ["/warroom", "/README.md", "/LICENSE", "/man/warroom-export.1", "/scripts/seed-emulator.py"] {
        assert!(listing.lines().any(|l| l.ends_with(file)), "{file} in the archive:\n{listing}");
    }

    // The newest, into ~/.local.
    let home = root.join("home");
    let out = install(&home, &["--base-url", &url]);
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{said}");
    let local = home.join(".local");
    for file in [
        "bin/warroom",
        "share/man/man1/warroom.1",
        "share/man/man1/warroom-export.1",
        "share/bash-completion/completions/warroom",
        "share/zsh/site-functions/_warroom",
        "share/fish/vendor_completions.d/warroom.fish",
        "share/warroom/keymaps/cautious.toml",
    ] {
        assert!(local.join(file).is_file(), "{file} installed: {said}");
    }
    assert!(said.contains(&format!("installed warroom {VERSION} (")), "{said}");
    assert!(said.contains("is not on your PATH") && said.contains("bin/warroom doctor"), "the next command: {said}");
    // The installed binary runs the demo's one-shot reading with no toolchain around.
    let snapshot = Command::new(local.join("bin/warroom"))
        .args(["snapshot", "--demo", "--journal"])
        .arg(root.join("journal.jsonl"))
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .output()
        .expect("snapshot");
    assert!(snapshot.status.success(), "{}", String::from_utf8_lossy(&snapshot.stderr));

    // A version by name, into a prefix.
    let prefix = root.join("opt");
    let out = install(&home, &["--base-url", &url, "--version", VERSION, "--prefix", prefix.to_str().expect("utf8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(prefix.join("bin/warroom").is_file());

    // An archive altered after its sum was taken: nothing is installed, and the message says why.
    let bad = page.join("download/v9.9.9");
    std::fs::create_dir_all(&bad).expect("dir");
    let archive = format!("warroom-{TARGET}.tar.gz");
    let mut bytes = std::fs::read(page.join(format!("download/v{VERSION}/{archive}"))).expect("archive");
    let sums = std::fs::read_to_string(page.join(format!("download/v{VERSION}/SHA256SUMS"))).expect("sums");
    bytes.extend_from_slice(b"tampered");
    std::fs::write(bad.join(&archive), bytes).expect("write");
    std::fs::write(bad.join("SHA256SUMS"), sums).expect("write");
    let elsewhere = root.join("bad");
    let out =
        install(&home, &["--base-url", &url, "--version", "9.9.9", "--prefix", elsewhere.to_str().expect("utf8")]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("checksum mismatch") && said.contains("nothing installed"), "{said}");
    assert!(!elsewhere.join("bin/warroom").exists(), "nothing installed");

    // A version the page does not have.
    let out =
        install(&home, &["--base-url", &url, "--version", "0.0.1", "--prefix", elsewhere.to_str().expect("utf8")]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("could not download"), "{said}");
    std::fs::remove_dir_all(&root).ok();
}
