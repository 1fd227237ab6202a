//! A TCP proxy on a free loopback port in front of the emulator. It counts requests by operation (so call
//! counts are measured where the emulator receives them, not by the code under test) and can inject faults the
//! emulator cannot produce: an error response instead of forwarding, or a response held back past a timeout.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer with this status and `x-amzn-errortype`, never reaching the emulator.
    Respond { status: u16, error_type: &'static str, message: String },
    /// Forward the request (it happens) but hold the response back this long.
    DelayResponse(Duration),
    /// Never forward and never answer: the connection stays open and silent, as behind a black-holed route.
    Hang,
    /// Answer 200 with this body instead of forwarding: an odd but well-formed response (fields left out).
    Answer { content_type: &'static str, body: String },
    /// Answer with this status, content type and body, exactly: what a load balancer or a broken service says.
    Raw { status: u16, content_type: &'static str, body: String },
    /// Answer 200 with this CBOR body in the Smithy RPC v2 CBOR protocol (CloudWatch's): AWS's documented
    /// answer for a case no emulator produces.
    Cbor(Vec<u8>),
}

#[derive(Debug, Clone)]
pub struct Rule {
    /// A substring of the request line, e.g. `PUT /2015-03-31/functions/orders-consumer/aliases/live`, or of
    /// the rest of the request as read in one piece (`X-Amz-Target: AmazonSQS.GetQueueAttributes`,
    /// `Action=DescribeDBClusters`).
    pub request_line: String,
    pub fault: Fault,
    /// How many matching requests to fault; later ones pass.
    pub times: usize,
}

#[derive(Default)]
struct Shared {
    counts: HashMap<String, usize>,
    /// X-Amz-Target header values (AWS JSON protocols: SQS).
    targets: HashMap<String, usize>,
    /// `Action=` parameters in form-encoded bodies (AWS query protocol: RDS).
    actions: HashMap<String, usize>,
    request_lines: Vec<String>,
    /// Each signed request's SigV4 credential scope without the date: `access-key/region/service`.
    scopes: Vec<String>,
    rules: Vec<Rule>,
    /// While set, every request is answered 503 without reaching the emulator: the endpoint is "down".
    down: bool,
    /// While set, every request is swallowed without an answer: the endpoint "hangs".
    hang: bool,
}

pub struct CountingProxy {
    pub url: String,
    shared: Arc<Mutex<Shared>>,
}

fn raw(status: u16, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} Answer\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn response(status: u16, error_type: &str, message: &str) -> Vec<u8> {
    let body = format!("{{\"message\":\"{message}\",\"Message\":\"{message}\"}}");
    format!(
        "HTTP/1.1 {status} Fault\r\nx-amzn-errortype: {error_type}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Client → server: counts and records request lines, applies the first matching rule.
fn client_to_server(
    mut client: TcpStream,
    mut server: TcpStream,
    shared: Arc<Mutex<Shared>>,
    delay: Arc<Mutex<Option<Duration>>>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match client.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let text = String::from_utf8_lossy(&buf[..n]).into_owned();
        let mut inject = None;
        {
            let mut s = shared.lock().expect("shared");
            for target in text.split("\r\n").filter_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("x-amz-target").then(|| value.trim().to_string())
            }) {
                *s.targets.entry(target).or_default() += 1;
            }
            for action in text.split("Action=").skip(1).filter_map(|rest| {
                let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
                (!name.is_empty()).then_some(name)
            }) {
                *s.actions.entry(action).or_default() += 1;
            }
            // `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/sqs/aws4_request, …`
            for scope in text.split("Credential=").skip(1).filter_map(|rest| {
                let parts: Vec<&str> = rest.split(['/', ',']).take(4).collect();
                (parts.len() == 4).then(|| format!("{}/{}/{}", parts[0], parts[2], parts[3]))
            }) {
                s.scopes.push(scope);
            }
            for line in
                text.split("\r\n").filter(|l| ["GET ", "POST ", "PUT ", "DELETE "].iter().any(|m| l.starts_with(m)))
            {
                s.request_lines.push(line.to_string());
                if let Some(op) = line.split("/operation/").nth(1).and_then(|rest| rest.split(' ').next()) {
                    *s.counts.entry(op.to_string()).or_default() += 1;
                }
                if s.hang {
                    inject = Some(Fault::Hang);
                } else if s.down {
                    inject = Some(Fault::Respond {
                        status: 503,
                        error_type: "ServiceUnavailableException",
                        message: "the proxy has the endpoint down".into(),
                    });
                } else if let Some(rule) = s.rules.iter_mut().find(|r| r.times > 0 && line.contains(&r.request_line)) {
                    rule.times -= 1;
                    inject = Some(rule.fault.clone());
                }
            }
            // Query and JSON protocols all POST to `/`: their rules match the headers or body instead.
            if inject.is_none() && !s.hang && !s.down {
                let ignore_case = text.to_ascii_lowercase();
                if let Some(rule) = s.rules.iter_mut().find(|r| {
                    r.times > 0
                        && r.request_line.contains(['=', ':'])
                        && ignore_case.contains(&r.request_line.to_ascii_lowercase())
                }) {
                    rule.times -= 1;
                    inject = Some(rule.fault.clone());
                }
            }
        }
        match inject {
            Some(Fault::Respond { status, error_type, message }) => {
                let _ = client.write_all(&response(status, error_type, &message));
                let _ = client.shutdown(Shutdown::Both);
                let _ = server.shutdown(Shutdown::Both);
                return;
            }
            Some(Fault::Answer { content_type, body }) => {
                let _ = client.write_all(&raw(200, content_type, &body));
                let _ = client.shutdown(Shutdown::Both);
                let _ = server.shutdown(Shutdown::Both);
                return;
            }
            Some(Fault::Raw { status, content_type, body }) => {
                let _ = client.write_all(&raw(status, content_type, &body));
                let _ = client.shutdown(Shutdown::Both);
                let _ = server.shutdown(Shutdown::Both);
                return;
            }
            Some(Fault::Cbor(body)) => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/cbor\r\nsmithy-protocol: rpc-v2-cbor\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = client.write_all(&[head.as_bytes(), &body].concat());
                let _ = client.shutdown(Shutdown::Both);
                let _ = server.shutdown(Shutdown::Both);
                return;
            }
            Some(Fault::DelayResponse(d)) => *delay.lock().expect("delay") = Some(d),
            Some(Fault::Hang) => {
                // Read and drop until the client gives up; the emulator never hears of it.
                while matches!(client.read(&mut buf), Ok(n) if n > 0) {}
                let _ = server.shutdown(Shutdown::Both);
                return;
            }
            None => {}
        }
        if server.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = server.shutdown(Shutdown::Write);
}

fn server_to_client(mut server: TcpStream, mut client: TcpStream, delay: Arc<Mutex<Option<Duration>>>) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match server.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let held = delay.lock().expect("delay").take();
        if let Some(d) = held {
            thread::sleep(d);
        }
        if client.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = client.shutdown(Shutdown::Write);
}

impl CountingProxy {
    pub fn start(upstream: &str) -> CountingProxy {
        CountingProxy::with_faults(upstream, Vec::new())
    }

    pub fn with_faults(upstream: &str, rules: Vec<Rule>) -> CountingProxy {
        let upstream = upstream.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let shared = Arc::new(Mutex::new(Shared { rules, ..Shared::default() }));
        let accepted = shared.clone();
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&upstream) else { continue };
                let (c2, s2) = (client.try_clone().expect("clone"), server.try_clone().expect("clone"));
                let (shared, delay) = (accepted.clone(), Arc::new(Mutex::new(None)));
                let delay2 = delay.clone();
                thread::spawn(move || client_to_server(client, server, shared, delay));
                thread::spawn(move || server_to_client(s2, c2, delay2));
            }
        });
        CountingProxy { url, shared }
    }

    /// Requests of an rpc-v2-cbor operation (CloudWatch) seen.
    pub fn count(&self, operation: &str) -> usize {
        self.shared.lock().expect("shared").counts.get(operation).copied().unwrap_or(0)
    }

    /// Requests with this `X-Amz-Target` (e.g. `AmazonSQS.GetQueueUrl`).
    pub fn target_count(&self, target: &str) -> usize {
        self.shared.lock().expect("shared").targets.get(target).copied().unwrap_or(0)
    }

    /// Takes the endpoint down (every request answered 503) or brings it back.
    pub fn set_down(&self, down: bool) {
        self.shared.lock().expect("shared").down = down;
    }

    /// Makes every request hang unanswered, or lets them through again.
    /// Adds a rule after start: e.g. odd answers only once discovery has read the real ones.
    pub fn add_rule(&self, rule: Rule) {
        self.shared.lock().expect("shared").rules.push(rule);
    }

    pub fn set_hang(&self, hang: bool) {
        self.shared.lock().expect("shared").hang = hang;
    }

    /// Requests of an AWS query-protocol operation (RDS), by the `Action` in the body.
    pub fn action_count(&self, action: &str) -> usize {
        self.shared.lock().expect("shared").actions.get(action).copied().unwrap_or(0)
    }

    /// Every signed request's credential scope, `access-key/region/service`, in the order sent.
    pub fn scopes(&self) -> Vec<String> {
        self.shared.lock().expect("shared").scopes.clone()
    }

    /// Requests whose request line contains `fragment`.
    pub fn requests_matching(&self, fragment: &str) -> usize {
        self.shared.lock().expect("shared").request_lines.iter().filter(|l| l.contains(fragment)).count()
    }
}
