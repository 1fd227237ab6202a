//! Test support: a real AWS API emulator (ministack) started on a free loopback port for the test's lifetime,
//! and SDK clients pointed at it with static test credentials. When the emulator cannot start, the test
//! fails (scripts/test installs it); it never skips.
#![allow(dead_code)]

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
        let port = free_port();
        let log = std::env::temp_dir().join(format!("warroom-ministack-{}-{name}.log", std::process::id()));
        let out = std::fs::File::create(&log).expect("log file");
        let child = Command::new("python3")
            .args(["-m", "ministack"])
            .env("GATEWAY_PORT", port.to_string())
            .env("BIND_HOST", "127.0.0.1")
            .env("SERVICES", "sqs,lambda,rds,cloudwatch,sts,logs")
            .env("IOT_MTLS_ENABLED", "0")
            .env("LOG_LEVEL", "WARNING")
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

    /// An SDK configuration for this emulator: static test credentials, us-east-1.
    pub async fn sdk_config(&self) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&self.url)
            .credentials_provider(Credentials::new("test", "test", None, None, "warroom-tests"))
            .timeout_config(warroom::telemetry::aws::connect::timeouts())
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
