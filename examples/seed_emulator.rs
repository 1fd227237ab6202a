//! Seeds an AWS API emulator with the incident's resources, so the live dashboard can be tried without AWS:
//!
//!     GATEWAY_PORT=4566 BIND_HOST=127.0.0.1 IOT_MTLS_ENABLED=0 python3 -m ministack &
//!     cargo run --example seed_emulator -- http://127.0.0.1:4566
//!     AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
//!         warroom --endpoint-url http://127.0.0.1:4566 --config warroom.toml
//!
//! The same seeding the emulator tests use (tests/support/seed.rs).
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/support/seed.rs"]
mod seed;

use aws_config::{BehaviorVersion, Region};
use aws_sdk_sts::config::Credentials;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: seed_emulator ENDPOINT_URL   (e.g. http://127.0.0.1:4566)");
        std::process::exit(2);
    };
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(&url)
        .credentials_provider(Credentials::new("test", "test", None, None, "seed"))
        .load()
        .await;
    seed::incident(&config).await;
    println!(
        "seeded {url}: queue {}, DLQ {}, function {} (live → 2), cluster {}",
        seed::QUEUE,
        seed::DLQ,
        seed::FUNCTION,
        seed::CLUSTER
    );
}
