//! A Performance Insights (`pi`) server for tests. No AWS emulator implements Performance Insights (ministack,
//! fakecloud and moto lack the `pi` service), so this std-only HTTP/1.1 server on a free loopback port speaks its
//! JSON 1.1 protocol (awsJson1_1: `POST /`, `X-Amz-Target: PerformanceInsightsv20180227.<Operation>`, a JSON body,
//! timestamps as epoch seconds in JSON numbers) to the real aws-sdk-pi client. It serves `DescribeDimensionKeys` and
//! `GetResourceMetrics` for DB instances the test describes by their DbiResourceId, and records every request.
//!
//! Shapes and constraints follow the API reference and the Smithy model the SDK is generated from:
//! - <https://docs.aws.amazon.com/performance-insights/latest/APIReference/API_DescribeDimensionKeys.html>
//! - <https://docs.aws.amazon.com/performance-insights/latest/APIReference/API_GetResourceMetrics.html>
//! - <https://docs.aws.amazon.com/performance-insights/latest/APIReference/API_DimensionGroup.html>
//! - the model, `aws-models/pi.json` in awslabs/aws-sdk-rust (also botocore's `data/pi/2018-02-27/service-2.json`):
//!   MaxResults 0–25, GroupBy.Limit 1–25, MetricQueries 1–15; PeriodInSeconds 1, 60, 300, 3600 or 86400;
//!   InvalidArgumentException and NotAuthorizedException are client errors (HTTP 400), InternalServiceError a server
//!   error (HTTP 500), each a structure with one `Message` member.
//! - the worked responses in "AWS CLI examples for Performance Insights"
//!   (<https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PerfInsights.API.Examples.html>): a grouped
//!   GetResourceMetrics answers the total `db.load.avg` series first (a key with no dimensions), then one series
//!   per top key; each data point is stamped with the end of its period (PeriodAlignment END_TIME, the default);
//!   `db.sql_tokenized` keys carry `.id`, `.db_id` (a synthetic `pi-<number>` when the engine has none) and
//!   `.statement`, `db.wait_event` keys carry `.name` and `.type`.
//!
//! Errors are HTTP 400 (or 500) with `x-amzn-errortype: <Code>` and a `{"__type": <Code>, "Message": ...}` body:
//! - Performance Insights off for the instance: `NotAuthorizedException`, "The resource <id> for service type RDS is
//!   not authorized for this account". Not documented by AWS; this is what GetResourceMetrics answered for an
//!   instance without Performance Insights in <https://github.com/zalando/rds-health/issues/6> (StatusCode 400).
//!   So a disabled instance and a denied caller answer the same code and differ only by message.
//! - the caller may not call pi ([`PiState::Denied`]): `NotAuthorizedException` ("The user is not authorized to
//!   perform this request", the model's own words for it), with an IAM-style message naming the action and the
//!   metrics resource `arn:aws:pi:<region>:<account>:metrics/rds/<id>`; checked before anything else in the request,
//!   as IAM answers before the service reads it. The message wording is an assumption.
//! - an identifier the server does not know, a malformed body, a missing required field or a value out of the
//!   model's range: `InvalidArgumentException` naming the field. (Real AWS answers some constraint violations with
//!   `ValidationException`, e.g. boto/boto3#2698; the test server keeps to the model's declared errors.)
//!
//! The load model: each statement and wait event has a load in average active sessions (AAS) per minute, constant
//! over that minute. The load over any window is the time-weighted average of those minutes; a minute with no
//! entry has no load. Statements and waits are two breakdowns of the same load: the ungrouped total is the
//! statements' sum (the waits' when the test gives no statements), so a test should make both sum alike. The window
//! arithmetic is in small pure functions ([`align`], [`default_period`], [`average_load`], [`series`], [`page`]) a
//! test can call directly.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;

use serde_json::{Map, Value, json};

/// The `X-Amz-Target` prefix of every Performance Insights operation (the model's `targetPrefix`).
pub const TARGET_PREFIX: &str = "PerformanceInsightsv20180227.";

/// The periods `PeriodInSeconds` may name (API reference: one second, minute, five minutes, hour, day).
pub const PERIODS: [i64; 5] = [1, 60, 300, 3600, 86400];

/// Page size when a request gives no `MaxResults` (or 0). The reference names no default; 10 is an assumption.
pub const DEFAULT_MAX_RESULTS: usize = 10;

/// Top keys a grouped GetResourceMetrics query returns when its `GroupBy` gives no `Limit`. The reference names
/// no default; 10 (what the console asks for top SQL) is an assumption. DescribeDimensionKeys without a `Limit`
/// returns every key with load, paged by `MaxResults`.
pub const DEFAULT_GROUP_LIMIT: usize = 10;

/// What the server knows of one DB instance, by its DbiResourceId (`db-ABCDEFGHIJKL`).
#[derive(Debug, Clone, PartialEq)]
pub struct PiInstance {
    pub resource_id: String,
    pub state: PiState,
}

/// Whether Performance Insights answers for an instance, and with what.
#[derive(Debug, Clone, PartialEq)]
pub enum PiState {
    /// Performance Insights on: these statements and wait events make the load.
    Enabled { statements: Vec<PiStatement>, waits: Vec<PiWait> },
    /// Off for this instance: every call answers AWS's error for that.
    NotEnabled,
    /// The caller may not call pi: NotAuthorizedException.
    Denied,
}

/// One tokenized SQL statement (`db.sql_tokenized`): id, text, and its DB load in average active sessions for each
/// minute (minute start, epoch seconds divisible by 60 → AAS).
#[derive(Debug, Clone, PartialEq)]
pub struct PiStatement {
    pub id: String,
    pub statement: String,
    pub load: Vec<(i64, f64)>,
}

/// One wait event (`db.wait_event`: name, type) and its load per minute, same shape.
#[derive(Debug, Clone, PartialEq)]
pub struct PiWait {
    pub name: String,
    pub kind: String,
    pub load: Vec<(i64, f64)>,
}

#[derive(Default)]
struct Shared {
    instances: Vec<PiInstance>,
    /// Every request that named a pi operation: (operation, body parsed, or the raw text when it is not JSON).
    requests: Vec<(String, Value)>,
    answered: u64,
}

/// The server: listening from `start` until the test process ends, one thread per connection.
pub struct PiServer {
    /// `http://127.0.0.1:<port>`, for the SDK's `endpoint_url`.
    pub url: String,
    shared: Arc<Mutex<Shared>>,
}

/// The state, even if a connection thread panicked while holding it.
fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

impl PiServer {
    /// Starts serving these instances on a free loopback port.
    pub fn start(instances: Vec<PiInstance>) -> PiServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the pi test server");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let shared = Arc::new(Mutex::new(Shared { instances, ..Shared::default() }));
        let accepted = Arc::clone(&shared);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = Arc::clone(&accepted);
                thread::spawn(move || serve(stream, &shared));
            }
        });
        PiServer { url, shared }
    }

    /// How many requests named this operation (`DescribeDimensionKeys`).
    pub fn calls(&self, operation: &str) -> usize {
        lock(&self.shared).requests.iter().filter(|(op, _)| op == operation).count()
    }

    /// Every request body received for that operation, parsed, in order.
    pub fn requests(&self, operation: &str) -> Vec<Value> {
        lock(&self.shared).requests.iter().filter(|(op, _)| op == operation).map(|(_, body)| body.clone()).collect()
    }

    /// Replace what one instance answers (e.g. turn a statement on mid-test).
    pub fn set(&self, instance: PiInstance) {
        let mut shared = lock(&self.shared);
        match shared.instances.iter_mut().find(|i| i.resource_id == instance.resource_id) {
            Some(known) => *known = instance,
            None => shared.instances.push(instance),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Window and load arithmetic: pure, so a test can check them directly.
// ---------------------------------------------------------------------------------------------------------------

/// `a / b` rounded up, for `b > 0`.
fn ceil_div(a: i64, b: i64) -> i64 {
    a.div_euclid(b) + i64::from(a.rem_euclid(b) != 0)
}

/// `[start, end)` widened to whole periods: `AlignedStartTime` ≤ `StartTime`, `AlignedEndTime` ≥ `EndTime`.
pub fn align(start: i64, end: i64, period: i64) -> (i64, i64) {
    (start.div_euclid(period) * period, ceil_div(end, period) * period)
}

/// The period Performance Insights picks when a request names none ("roughly 100-200 data points"): the shortest
/// valid period that gives at most 200 points over `[start, end)`.
pub fn default_period(start: i64, end: i64) -> i64 {
    let span = (end - start).max(1);
    PERIODS.into_iter().find(|&period| ceil_div(span, period) <= 200).unwrap_or(86400)
}

/// The average active sessions over `[from, to)` of a load given per minute: each `(minute start, AAS)` holds for
/// the 60 seconds from its start, so a window that cuts a minute takes that minute's share. Over whole minutes this
/// is the sum of the minutes' loads divided by the number of minutes.
pub fn average_load(load: &[(i64, f64)], from: i64, to: i64) -> f64 {
    if to <= from {
        return 0.0;
    }
    let minutes: f64 = load
        .iter()
        .map(|&(minute, aas)| {
            let overlap = (minute + 60).min(to) - minute.max(from);
            if overlap > 0 { aas * (overlap as f64 / 60.0) } else { 0.0 }
        })
        .sum();
    minutes / ((to - from) as f64 / 60.0)
}

/// One data point per period of the aligned window `[start, end)`: the average load over that period, stamped with
/// the period's end (PeriodAlignment `END_TIME`, the default) or its start (`START_TIME`).
pub fn series(load: &[(i64, f64)], start: i64, end: i64, period: i64, stamp_at_end: bool) -> Vec<(i64, f64)> {
    let mut points = Vec::new();
    let mut from = start;
    while from < end {
        let to = from + period;
        points.push((if stamp_at_end { to } else { from }, average_load(load, from, to)));
        from = to;
    }
    points
}

/// The `NextToken` for the page that starts at `offset`: opaque to the client, the offset to this server.
pub fn next_token(offset: usize) -> String {
    format!("offset-{offset}")
}

/// The offset a `NextToken` from [`next_token`] stands for.
pub fn token_offset(token: &str) -> Option<usize> {
    token.strip_prefix("offset-")?.parse().ok()
}

/// The page of `items` from `offset`, at most `max` long, and the token of the next page when items remain.
pub fn page<T: Clone>(items: &[T], offset: usize, max: usize) -> (Vec<T>, Option<String>) {
    let start = offset.min(items.len());
    let end = start.saturating_add(max).min(items.len());
    (items[start..end].to_vec(), (end < items.len()).then(|| next_token(end)))
}

/// The synthetic `db.sql_tokenized.db_id` Performance Insights gives a digest the engine has no id for
/// (`pi-2372568224` in the reference's example): here FNV-1a of the digest id, so it is stable across calls.
pub fn db_id(id: &str) -> String {
    let hash = id.bytes().fold(0x811c_9dc5_u32, |hash, byte| (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193));
    format!("pi-{hash}")
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP/1.1: requests looped over one connection (hyper keeps connections alive), Content-Length or chunked bodies.
// ---------------------------------------------------------------------------------------------------------------

struct Request {
    method: String,
    path: String,
    target: Option<String>,
    body: Vec<u8>,
    /// The client asked to close after this answer (`Connection: close`, or HTTP/1.0).
    close: bool,
}

fn serve(stream: TcpStream, shared: &Mutex<Shared>) {
    let Ok(read_half) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    while let Some(request) = read_request(&mut reader, &mut writer) {
        let answer = respond(&request, shared);
        if writer.write_all(&answer).is_err() || writer.flush().is_err() || request.close {
            break;
        }
    }
    let _ = writer.shutdown(Shutdown::Both);
}

/// The next request on the connection; `None` when the client closed it or sent something that is not HTTP.
fn read_request(reader: &mut BufReader<TcpStream>, writer: &mut TcpStream) -> Option<Request> {
    let mut line = String::new();
    // Blank lines before a request line are allowed (RFC 9112 §2.2).
    while line.trim().is_empty() {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let http10 = parts.next() == Some("HTTP/1.0");
    let mut headers: Vec<(String, String)> = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    if header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").ok()?;
    }
    let body = if header("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        read_chunked(reader)?
    } else {
        let length: usize = match header("content-length") {
            Some(value) => value.parse().ok()?,
            None => 0,
        };
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).ok()?;
        body
    };
    let close = http10 || header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
    let target = header("x-amz-target").map(str::to_string);
    Some(Request { method, path, target, body, close })
}

/// A `Transfer-Encoding: chunked` body, trailers dropped.
fn read_chunked(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size_line = String::new();
        if reader.read_line(&mut size_line).ok()? == 0 {
            return None;
        }
        let size = usize::from_str_radix(size_line.trim().split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            loop {
                let mut trailer = String::new();
                if reader.read_line(&mut trailer).ok()? == 0 || trailer.trim().is_empty() {
                    return Some(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..]).ok()?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf).ok()?;
    }
}

/// An error answer: the code the SDK matches on, its HTTP status, and the message.
#[derive(Debug)]
struct Fail {
    code: &'static str,
    status: u16,
    message: String,
}

/// `InvalidArgumentException` (400): "One of the arguments provided is invalid for this request."
fn invalid(message: impl Into<String>) -> Fail {
    Fail { code: "InvalidArgumentException", status: 400, message: message.into() }
}

/// `NotAuthorizedException` (400): "The user is not authorized to perform this request."
fn not_authorized(message: String) -> Fail {
    Fail { code: "NotAuthorizedException", status: 400, message }
}

/// What AWS answered for an instance without Performance Insights (zalando/rds-health#6).
fn not_enabled(identifier: &str) -> Fail {
    not_authorized(format!("The resource {identifier} for service type RDS is not authorized for this account"))
}

/// The caller may not call pi on this instance (an IAM-style message: its wording is an assumption).
fn denied(operation: &str, identifier: &str) -> Fail {
    not_authorized(format!(
        "User: arn:aws:iam::000000000000:user/test is not authorized to perform: pi:{operation} on resource: \
         arn:aws:pi:us-east-1:000000000000:metrics/rds/{identifier}"
    ))
}

/// Records the request and answers it, as HTTP bytes.
fn respond(request: &Request, shared: &Mutex<Shared>) -> Vec<u8> {
    let operation = request.target.as_deref().and_then(|t| t.strip_prefix(TARGET_PREFIX));
    let body = serde_json::from_slice::<Value>(&request.body).map_err(|e| e.to_string());
    let mut state = lock(shared);
    state.answered += 1;
    let request_id = format!("pi-test-{:08}", state.answered);
    if let Some(operation) = operation {
        let recorded =
            body.clone().unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&request.body).into_owned()));
        state.requests.push((operation.to_string(), recorded));
    }
    let answer = match operation {
        Some(operation) if request.method == "POST" && request.path == "/" => body
            .map_err(|e| invalid(format!("The request body is not valid JSON: {e}")))
            .and_then(|body| dispatch(operation, &body, &state.instances)),
        _ => Err(Fail {
            code: "UnknownOperationException",
            status: 400,
            message: format!(
                "{} {} with X-Amz-Target {:?} is not a Performance Insights operation",
                request.method, request.path, request.target
            ),
        }),
    };
    drop(state);
    http_answer(answer, &request_id, request.close)
}

fn http_answer(answer: Result<Value, Fail>, request_id: &str, close: bool) -> Vec<u8> {
    let (status, reason, error_header, body) = match answer {
        Ok(value) => (200, "OK", String::new(), value.to_string()),
        Err(fail) => (
            fail.status,
            if fail.status >= 500 { "Internal Server Error" } else { "Bad Request" },
            format!("x-amzn-errortype: {}\r\n", fail.code),
            json!({ "__type": fail.code, "Message": fail.message }).to_string(),
        ),
    };
    let connection = if close { "connection: close\r\n" } else { "" };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/x-amz-json-1.1\r\nx-amzn-requestid: {request_id}\r\n\
         {error_header}{connection}content-length: {}\r\n\r\n",
        body.len()
    );
    [head.into_bytes(), body.into_bytes()].concat()
}

// ---------------------------------------------------------------------------------------------------------------
// The operations.
// ---------------------------------------------------------------------------------------------------------------

fn dispatch(operation: &str, body: &Value, instances: &[PiInstance]) -> Result<Value, Fail> {
    let Some(request) = body.as_object() else { return Err(invalid("The request body must be a JSON object")) };
    // IAM answers before the service reads the request.
    let identifier = request.get("Identifier").and_then(Value::as_str);
    if let Some(instance) = identifier.and_then(|id| instances.iter().find(|i| i.resource_id == id))
        && instance.state == PiState::Denied
    {
        return Err(denied(operation, &instance.resource_id));
    }
    match operation {
        "DescribeDimensionKeys" => describe_dimension_keys(request, instances),
        "GetResourceMetrics" => get_resource_metrics(request, instances),
        other => Err(Fail {
            code: "UnknownOperationException",
            status: 400,
            message: format!("The pi test server serves DescribeDimensionKeys and GetResourceMetrics, not {other}"),
        }),
    }
}

/// A dimension group this server serves.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Group {
    /// `db.sql_tokenized`: the statements.
    Sql,
    /// `db.wait_event`: the wait events.
    Wait,
}

impl Group {
    fn parse(name: &str) -> Option<Group> {
        match name {
            "db.sql_tokenized" => Some(Group::Sql),
            "db.wait_event" => Some(Group::Wait),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Group::Sql => "db.sql_tokenized",
            Group::Wait => "db.wait_event",
        }
    }

    fn dimensions(self) -> &'static [&'static str] {
        match self {
            Group::Sql => &["db.sql_tokenized.id", "db.sql_tokenized.db_id", "db.sql_tokenized.statement"],
            Group::Wait => &["db.wait_event.name", "db.wait_event.type"],
        }
    }

    /// The group a dimension name (`db.wait_event.name`) belongs to.
    fn of_dimension(dimension: &str) -> Option<Group> {
        [Group::Sql, Group::Wait].into_iter().find(|group| group.dimensions().contains(&dimension))
    }
}

/// A request's `GroupBy`.
struct GroupBy {
    group: Group,
    /// `Dimensions`: the only ones to answer, when given.
    dimensions: Option<Vec<String>>,
    limit: Option<usize>,
}

/// One key of a group: its dimensions and its load.
struct Key<'a> {
    dimensions: BTreeMap<String, String>,
    load: &'a [(i64, f64)],
}

/// An instance with Performance Insights on, and the request's window aligned to its period.
struct Window<'a> {
    statements: &'a [PiStatement],
    waits: &'a [PiWait],
    start: i64,
    end: i64,
    period: i64,
}

impl<'a> Window<'a> {
    fn keys(&self, group: Group) -> Vec<Key<'a>> {
        match group {
            Group::Sql => self
                .statements
                .iter()
                .map(|s| Key {
                    dimensions: BTreeMap::from([
                        ("db.sql_tokenized.id".to_string(), s.id.clone()),
                        ("db.sql_tokenized.db_id".to_string(), db_id(&s.id)),
                        ("db.sql_tokenized.statement".to_string(), s.statement.clone()),
                    ]),
                    load: &s.load,
                })
                .collect(),
            Group::Wait => self
                .waits
                .iter()
                .map(|w| Key {
                    dimensions: BTreeMap::from([
                        ("db.wait_event.name".to_string(), w.name.clone()),
                        ("db.wait_event.type".to_string(), w.kind.clone()),
                    ]),
                    load: &w.load,
                })
                .collect(),
        }
    }

    fn data_points(&self, load: &[(i64, f64)], stamp_at_end: bool) -> Vec<Value> {
        series(load, self.start, self.end, self.period, stamp_at_end)
            .into_iter()
            .map(|(timestamp, value)| json!({ "Timestamp": timestamp as f64, "Value": value }))
            .collect()
    }
}

/// The members both operations require, checked for presence and type.
struct Common<'r> {
    identifier: &'r str,
    start: f64,
    end: f64,
}

impl<'r> Common<'r> {
    fn parse(request: &'r Map<String, Value>) -> Result<Common<'r>, Fail> {
        let service_type = required_str(request, "ServiceType")?;
        let identifier = required_str(request, "Identifier")?;
        let start = epoch_seconds(request, "StartTime")?;
        let end = epoch_seconds(request, "EndTime")?;
        if service_type != "RDS" {
            return Err(invalid(format!("ServiceType {service_type}: the pi test server serves RDS instances only")));
        }
        if end <= start {
            return Err(invalid("The value for EndTime must be later than the value for StartTime"));
        }
        Ok(Common { identifier, start, end })
    }

    /// The instance's load and the window aligned to the request's period.
    fn resolve<'a>(
        &self,
        operation: &str,
        request: &Map<String, Value>,
        instances: &'a [PiInstance],
    ) -> Result<Window<'a>, Fail> {
        let (start, end) = (self.start.floor() as i64, self.end.ceil() as i64);
        let period = period(request, start, end)?;
        let instance = instances.iter().find(|i| i.resource_id == self.identifier);
        let (statements, waits) = match instance.map(|i| &i.state) {
            None => {
                return Err(invalid(format!(
                    "No Performance Insights data source {} for service type RDS",
                    self.identifier
                )));
            }
            Some(PiState::NotEnabled) => return Err(not_enabled(self.identifier)),
            Some(PiState::Denied) => return Err(denied(operation, self.identifier)),
            Some(PiState::Enabled { statements, waits }) => (statements.as_slice(), waits.as_slice()),
        };
        let (start, end) = align(start, end, period);
        Ok(Window { statements, waits, start, end, period })
    }
}

fn required_str<'r>(request: &'r Map<String, Value>, field: &str) -> Result<&'r str, Fail> {
    match request.get(field) {
        None | Some(Value::Null) => Err(invalid(format!("{field} is required"))),
        Some(Value::String(value)) => Ok(value.as_str()),
        Some(_) => Err(invalid(format!("{field} must be a string"))),
    }
}

/// A timestamp member: epoch seconds, an integer or fractional JSON number (awsJson1_1's encoding).
fn epoch_seconds(request: &Map<String, Value>, field: &str) -> Result<f64, Fail> {
    match request.get(field) {
        None | Some(Value::Null) => Err(invalid(format!("{field} is required"))),
        Some(value) => value
            .as_f64()
            .filter(|seconds| seconds.is_finite())
            .ok_or_else(|| invalid(format!("{field} must be a timestamp in epoch seconds (a JSON number)"))),
    }
}

fn period(request: &Map<String, Value>, start: i64, end: i64) -> Result<i64, Fail> {
    match request.get("PeriodInSeconds") {
        None | Some(Value::Null) => Ok(default_period(start, end)),
        Some(value) => match value.as_i64() {
            Some(period) if PERIODS.contains(&period) => Ok(period),
            _ => Err(invalid(format!("PeriodInSeconds must be one of 1, 60, 300, 3600 or 86400, not {value}"))),
        },
    }
}

fn max_results(request: &Map<String, Value>) -> Result<usize, Fail> {
    match request.get("MaxResults") {
        None | Some(Value::Null) => Ok(DEFAULT_MAX_RESULTS),
        Some(value) => match value.as_u64() {
            Some(0) => Ok(DEFAULT_MAX_RESULTS),
            Some(n @ 1..=25) => Ok(n as usize),
            _ => Err(invalid(format!("MaxResults must be between 0 and 25, not {value}"))),
        },
    }
}

fn offset(request: &Map<String, Value>) -> Result<usize, Fail> {
    match request.get("NextToken") {
        None | Some(Value::Null) => Ok(0),
        Some(Value::String(token)) => {
            token_offset(token).ok_or_else(|| invalid(format!("NextToken {token} is not a token this server gave")))
        }
        Some(_) => Err(invalid("NextToken must be a string")),
    }
}

/// Members this server does not serve: refused rather than ignored, so a test never passes on a wrong answer.
fn unsupported(request: &Map<String, Value>, fields: &[&str]) -> Result<(), Fail> {
    match fields.iter().find(|field| request.get(**field).is_some_and(|v| !v.is_null())) {
        Some(field) => Err(invalid(format!("{field}: the pi test server does not serve it"))),
        None => Ok(()),
    }
}

/// The DB load metrics: `db.sampledload.avg` is the same load here (they differ only past PI's sampling threshold).
fn check_metric(metric: &str, field: &str) -> Result<(), Fail> {
    match metric {
        "db.load.avg" | "db.sampledload.avg" => Ok(()),
        _ => {
            Err(invalid(format!("{field} {metric}: the pi test server serves db.load.avg and db.sampledload.avg only")))
        }
    }
}

fn group_by(value: &Value, field: &str) -> Result<GroupBy, Fail> {
    let Some(object) = value.as_object() else {
        return Err(invalid(format!("{field} must be a DimensionGroup object")));
    };
    let name = match object.get("Group") {
        None | Some(Value::Null) => return Err(invalid(format!("{field}.Group is required"))),
        Some(Value::String(name)) => name,
        Some(_) => return Err(invalid(format!("{field}.Group must be a string"))),
    };
    let Some(group) = Group::parse(name) else {
        return Err(invalid(format!(
            "This group is not a known group: {name} (the pi test server serves db.sql_tokenized and db.wait_event)"
        )));
    };
    let dimensions = match object.get("Dimensions") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) if (1..=10).contains(&items.len()) => {
            let mut names = Vec::new();
            for item in items {
                match item.as_str() {
                    Some(name) if group.dimensions().contains(&name) => names.push(name.to_string()),
                    _ => {
                        return Err(invalid(format!(
                            "{field}.Dimensions: {item} is not a dimension of {}",
                            group.name()
                        )));
                    }
                }
            }
            Some(names)
        }
        Some(_) => return Err(invalid(format!("{field}.Dimensions must be a list of 1 to 10 dimension names"))),
    };
    let limit = match object.get("Limit") {
        None | Some(Value::Null) => None,
        Some(value) => match value.as_u64() {
            Some(n @ 1..=25) => Some(n as usize),
            _ => return Err(invalid(format!("{field}.Limit must be between 1 and 25, not {value}"))),
        },
    };
    Ok(GroupBy { group, dimensions, limit })
}

fn filter(value: Option<&Value>, field: &str) -> Result<BTreeMap<String, String>, Fail> {
    match value {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Object(entries)) => entries
            .iter()
            .map(|(name, value)| match value.as_str() {
                Some(value) => Ok((name.clone(), value.to_string())),
                None => Err(invalid(format!("{field}.{name} must be a string"))),
            })
            .collect(),
        Some(_) => Err(invalid(format!("{field} must be a map of dimension to value"))),
    }
}

/// The keys whose dimensions match every filter. A filter on the other group's dimension is refused: this server
/// does not know which statement waited on which event.
fn filtered<'a>(keys: Vec<Key<'a>>, group: Group, filter: &BTreeMap<String, String>) -> Result<Vec<Key<'a>>, Fail> {
    for name in filter.keys() {
        match Group::of_dimension(name) {
            Some(of) if of == group => {}
            Some(of) => {
                return Err(invalid(format!(
                    "Filter {name}: the pi test server cannot filter {} by {}",
                    group.name(),
                    of.name()
                )));
            }
            None => return Err(invalid(format!("Filter {name} is not a dimension the pi test server knows"))),
        }
    }
    Ok(keys
        .into_iter()
        .filter(|key| filter.iter().all(|(name, value)| key.dimensions.get(name) == Some(value)))
        .collect())
}

/// The keys with load in `[start, end)`, heaviest first (ties by dimensions, for a stable order), each with its
/// average load over the window (the `Total` DescribeDimensionKeys answers).
fn ranked(keys: Vec<Key<'_>>, start: i64, end: i64) -> Vec<(Key<'_>, f64)> {
    let mut ranked: Vec<_> = keys
        .into_iter()
        .map(|key| {
            let total = average_load(key.load, start, end);
            (key, total)
        })
        .filter(|(_, total)| *total > 0.0)
        .collect();
    ranked
        .sort_by(|(a, a_total), (b, b_total)| b_total.total_cmp(a_total).then_with(|| a.dimensions.cmp(&b.dimensions)));
    ranked
}

/// A key's dimensions as answered: all of them, or those `GroupBy.Dimensions` names.
fn answered_dimensions(dimensions: &BTreeMap<String, String>, wanted: Option<&[String]>) -> Map<String, Value> {
    dimensions
        .iter()
        .filter(|&(name, _)| wanted.is_none_or(|wanted| wanted.iter().any(|w| w == name)))
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect()
}

/// All of a key list's load, summed minute by minute (averages add).
fn summed(keys: &[Key<'_>]) -> Vec<(i64, f64)> {
    keys.iter().flat_map(|key| key.load.iter().copied()).collect()
}

/// DescribeDimensionKeys: the keys of a group with load in the window, heaviest first, each with its `Total`
/// (average active sessions over the aligned window), paged by `MaxResults`.
fn describe_dimension_keys(request: &Map<String, Value>, instances: &[PiInstance]) -> Result<Value, Fail> {
    let common = Common::parse(request)?;
    let metric = required_str(request, "Metric")?;
    let group_by = match request.get("GroupBy") {
        None | Some(Value::Null) => return Err(invalid("GroupBy is required")),
        Some(value) => group_by(value, "GroupBy")?,
    };
    check_metric(metric, "Metric")?;
    unsupported(request, &["PartitionBy", "AdditionalMetrics"])?;
    let filter = filter(request.get("Filter"), "Filter")?;
    let max = max_results(request)?;
    let offset = offset(request)?;
    let window = common.resolve("DescribeDimensionKeys", request, instances)?;

    let mut ranked = ranked(filtered(window.keys(group_by.group), group_by.group, &filter)?, window.start, window.end);
    if let Some(limit) = group_by.limit {
        ranked.truncate(limit);
    }
    let keys: Vec<Value> = ranked
        .iter()
        .map(|(key, total)| {
            json!({
                "Dimensions": answered_dimensions(&key.dimensions, group_by.dimensions.as_deref()),
                "Total": total,
            })
        })
        .collect();
    let (keys, next) = page(&keys, offset, max);
    let mut answer = json!({
        "AlignedStartTime": window.start as f64,
        "AlignedEndTime": window.end as f64,
        "Keys": keys,
    });
    if let Some(token) = next {
        answer["NextToken"] = Value::String(token);
    }
    Ok(answer)
}

/// One of GetResourceMetrics' `MetricQueries`.
struct Query {
    metric: String,
    group_by: Option<GroupBy>,
    filter: BTreeMap<String, String>,
}

fn query(value: &Value, index: usize) -> Result<Query, Fail> {
    let field = format!("MetricQueries[{index}]");
    let Some(object) = value.as_object() else { return Err(invalid(format!("{field} must be a MetricQuery object"))) };
    let metric = match object.get("Metric") {
        None | Some(Value::Null) => return Err(invalid(format!("{field}.Metric is required"))),
        Some(Value::String(metric)) => metric.clone(),
        Some(_) => return Err(invalid(format!("{field}.Metric must be a string"))),
    };
    check_metric(&metric, &format!("{field}.Metric"))?;
    let group_by = match object.get("GroupBy") {
        None | Some(Value::Null) => None,
        Some(value) => Some(group_by(value, &format!("{field}.GroupBy"))?),
    };
    let filter = filter(object.get("Filter"), &format!("{field}.Filter"))?;
    Ok(Query { metric, group_by, filter })
}

/// The keys whose load makes an ungrouped query's series: those of the group its filter names, else the
/// statements (or the waits, when the test gives no statements).
fn ungrouped_keys<'a>(window: &Window<'a>, filter: &BTreeMap<String, String>) -> Result<Vec<Key<'a>>, Fail> {
    let mut group = None;
    for name in filter.keys() {
        let Some(of) = Group::of_dimension(name) else {
            return Err(invalid(format!("Filter {name} is not a dimension the pi test server knows")));
        };
        if group.is_some_and(|seen| seen != of) {
            return Err(invalid("The pi test server cannot filter by db.sql_tokenized and db.wait_event together"));
        }
        group = Some(of);
    }
    let only_waits = window.statements.is_empty() && !window.waits.is_empty();
    let group = group.unwrap_or(if only_waits { Group::Wait } else { Group::Sql });
    filtered(window.keys(group), group, filter)
}

/// GetResourceMetrics: per query, the load per period over the aligned window; a grouped query answers the total
/// series first, then one series per top key (at most `Limit`, heaviest over the window first). `MetricList` is
/// paged by `MaxResults`.
fn get_resource_metrics(request: &Map<String, Value>, instances: &[PiInstance]) -> Result<Value, Fail> {
    let common = Common::parse(request)?;
    let queries = match request.get("MetricQueries") {
        None | Some(Value::Null) => return Err(invalid("MetricQueries is required")),
        Some(Value::Array(queries)) if (1..=15).contains(&queries.len()) => queries,
        Some(_) => return Err(invalid("MetricQueries must be a list of 1 to 15 queries")),
    };
    let queries =
        queries.iter().enumerate().map(|(index, value)| query(value, index)).collect::<Result<Vec<_>, _>>()?;
    let stamp_at_end = match request.get("PeriodAlignment") {
        None | Some(Value::Null) => true,
        Some(Value::String(alignment)) if alignment == "END_TIME" => true,
        Some(Value::String(alignment)) if alignment == "START_TIME" => false,
        Some(other) => return Err(invalid(format!("PeriodAlignment must be END_TIME or START_TIME, not {other}"))),
    };
    let max = max_results(request)?;
    let offset = offset(request)?;
    let window = common.resolve("GetResourceMetrics", request, instances)?;

    let mut metric_list = Vec::new();
    for query in &queries {
        let Some(group_by) = &query.group_by else {
            let keys = ungrouped_keys(&window, &query.filter)?;
            metric_list.push(json!({
                "Key": { "Metric": query.metric },
                "DataPoints": window.data_points(&summed(&keys), stamp_at_end),
            }));
            continue;
        };
        let keys = filtered(window.keys(group_by.group), group_by.group, &query.filter)?;
        metric_list.push(json!({
            "Key": { "Metric": query.metric },
            "DataPoints": window.data_points(&summed(&keys), stamp_at_end),
        }));
        let mut top = ranked(keys, window.start, window.end);
        top.truncate(group_by.limit.unwrap_or(DEFAULT_GROUP_LIMIT));
        for (key, _) in &top {
            metric_list.push(json!({
                "Key": {
                    "Metric": query.metric,
                    "Dimensions": answered_dimensions(&key.dimensions, group_by.dimensions.as_deref()),
                },
                "DataPoints": window.data_points(key.load, stamp_at_end),
            }));
        }
    }
    let (metric_list, next) = page(&metric_list, offset, max);
    let mut answer = json!({
        "AlignedStartTime": window.start as f64,
        "AlignedEndTime": window.end as f64,
        "Identifier": common.identifier,
        "MetricList": metric_list,
    });
    if let Some(token) = next {
        answer["NextToken"] = Value::String(token);
    }
    Ok(answer)
}
