//! Test support: a real AWS API emulator started on a loopback port for the test's lifetime, and SDK clients
//! pointed at it with static test credentials. ministack serves the main suite; fakecloud serves what ministack
//! lacks (SQS message move tasks, ListDeadLetterSourceQueues, RebootDBCluster). When an emulator cannot start,
//! the test fails (scripts/test installs both); it never skips.
#![allow(dead_code)]
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// The first observation of a variant: `first_of!(obs, Observation::Dlq)` is `Option<&DlqStatus>`.
#[macro_export]
macro_rules! first_of {
    ($obs:expr, $variant:path) => {
        $obs.iter().find_map(|o| match o {
            $variant(x) => Some(x),
            _ => None,
        })
    };
}

pub mod cbor;
pub mod pi_server;
pub mod proxy;
pub mod seed;
pub mod tmux;

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;

pub struct Emulator {
    child: Child,
    pub url: String,
    pub log: PathBuf,
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("addr").port()
}

impl Emulator {
    /// Starts ministack with only the services warroom uses, listening on 127.0.0.1 only.
    pub fn start(name: &str) -> Emulator {
        Emulator::start_with(name, &[])
    }

    /// ministack with extra settings, e.g. `CLOUDTRAIL_RECORDING=1` so every call is in CloudTrail. A free port
    /// can be handed to two tests starting at once: the ministack that loses the bind exits, while the port
    /// answers (the other test's), until that test ends. One that exited is started again on another port.
    pub fn start_with(name: &str, settings: &[(&str, &str)]) -> Emulator {
        for _ in 0..3 {
            let mut emulator = Emulator::start_once(name, settings);
            std::thread::sleep(Duration::from_millis(300));
            if matches!(emulator.child.try_wait(), Ok(None)) {
                return emulator;
            }
        }
        panic!("ministack exited right after start three times; see the warroom-ministack-*-{name}.log files")
    }

    fn start_once(name: &str, settings: &[(&str, &str)]) -> Emulator {
        let port = free_port();
        let log = std::env::temp_dir().join(format!("warroom-ministack-{}-{name}.log", std::process::id()));
        let out = std::fs::File::create(&log).expect("log file");
        let child = Command::new("python3")
            .args(["-m", "ministack"])
            .env("GATEWAY_PORT", port.to_string())
            .env("BIND_HOST", "127.0.0.1")
            // The host it writes into addresses it hands out (a function package's Code.Location).
            .env("MINISTACK_HOST", "127.0.0.1")
            .env("SERVICES", "sqs,lambda,rds,cloudwatch,sts,logs,cloudtrail,s3")
            .env("IOT_MTLS_ENABLED", "0")
            .env("LOG_LEVEL", "WARNING")
            .envs(settings.iter().copied())
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log"))
            .stderr(out)
            .spawn()
            .expect("ministack must be installed (scripts/test installs it: pip install ministack cbor2)");
        let emulator = Emulator { child, url: format!("http://127.0.0.1:{port}"), log };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "ministack did not listen on {port} within 30 s; see {}",
                emulator.log.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        emulator
    }

    /// Starts fakecloud (`FAKECLOUD`, else `fakecloud` on the PATH) on a port of its choosing on 127.0.0.1,
    /// learnt from the `FAKECLOUD_PORT=<n>` line it prints once it listens.
    pub fn fakecloud(name: &str) -> Emulator {
        use std::io::{BufRead, BufReader, Write};
        let log = std::env::temp_dir().join(format!("warroom-fakecloud-{}-{name}.log", std::process::id()));
        let mut out = std::fs::File::create(&log).expect("log file");
        let bin = std::env::var("FAKECLOUD").unwrap_or_else(|_| "fakecloud".to_string());
        let mut child = Command::new(&bin)
            .args(["--addr", "127.0.0.1:0", "--log-level", "warn"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(out.try_clone().expect("log"))
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "{bin}: {e}; fakecloud must be installed (scripts/test: cargo install fakecloud --version 0.51.0)"
                )
            });
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        // Keep draining stdout into the log after the handshake, so fakecloud never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(port) = line.strip_prefix("FAKECLOUD_PORT=") {
                    let _ = tx.send(port.trim().to_string());
                }
                let _ = writeln!(out, "{line}");
            }
        });
        let port = rx.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("fakecloud printed no FAKECLOUD_PORT within 30 s; see {}", log.display())
        });
        Emulator { child, url: format!("http://127.0.0.1:{port}"), log }
    }

    /// An SDK configuration for this emulator: static test credentials, us-east-1.
    pub async fn sdk_config(&self) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&self.url)
            .credentials_provider(Credentials::new("test", "test", None, None, "warroom-tests"))
            .timeout_config(warroom::aws::connect::timeouts())
            .load()
            .await
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A live session's state (operator alice, at `location`), as a dashboard starts it, for polls to fold into.
pub fn live_state(location: &str) -> warroom_core::state::State {
    use warroom_core::model::{Session, SessionKind};
    let session = Session { operator: "alice".into(), kind: SessionKind::Live, read_only: false };
    warroom_core::state::State::new(session, location.into(), Default::default(), chrono::Utc::now())
}

/// Each of `feeds` polled once, in order, and folded into `state`; a feed whose poll fails as a whole panics,
/// naming it.
pub async fn poll_into(
    telemetry: &dyn warroom::telemetry::Telemetry,
    state: &mut warroom_core::state::State,
    feeds: &[warroom_core::model::Feed],
) {
    for &feed in feeds {
        let obs = telemetry.poll(feed).await.unwrap_or_else(|e| panic!("{feed:?}: {e}"));
        state.update(warroom_core::state::Msg::Telemetry { feed, result: Ok(obs) });
    }
}
