//! A TCP proxy on a free loopback port in front of the emulator that counts requests by operation, so call
//! counts are measured where the emulator receives them, not by the code under test.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

pub struct CountingProxy {
    pub url: String,
    counts: Arc<Mutex<HashMap<String, usize>>>,
}

/// Counts `/operation/NAME ` request targets (rpc-v2-cbor) in a client→server byte stream.
fn count_operations(buf: &[u8], counts: &Mutex<HashMap<String, usize>>) {
    let text = String::from_utf8_lossy(buf);
    for line in text.split("\r\n").filter(|l| l.starts_with("POST ")) {
        if let Some(op) = line.split("/operation/").nth(1).and_then(|rest| rest.split(' ').next()) {
            *counts.lock().expect("counts").entry(op.to_string()).or_default() += 1;
        }
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream, counts: Option<Arc<Mutex<HashMap<String, usize>>>>) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if let Some(c) = &counts {
                    count_operations(&buf[..n], c);
                }
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

impl CountingProxy {
    pub fn start(upstream: &str) -> CountingProxy {
        let upstream = upstream.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let counts = Arc::new(Mutex::new(HashMap::new()));
        let shared = counts.clone();
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&upstream) else { continue };
                let (c2, s2) = (client.try_clone().expect("clone"), server.try_clone().expect("clone"));
                let counts = shared.clone();
                thread::spawn(move || pipe(client, server, Some(counts)));
                thread::spawn(move || pipe(s2, c2, None));
            }
        });
        CountingProxy { url, counts }
    }

    pub fn count(&self, operation: &str) -> usize {
        self.counts.lock().expect("counts").get(operation).copied().unwrap_or(0)
    }
}
