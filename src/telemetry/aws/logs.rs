//! The consumers' error lines: each consumer function's log group (`LoggingConfig.LogGroup` from
//! GetFunctionConfiguration, read once; else `/aws/lambda/NAME`), read with logs:FilterLogEvents on the error
//! pattern every inventory poll. Each read reaches back over CloudWatch Logs' delivery lag past the last one, so a
//! line delivered late is still read, and passes each event on once (by `eventId`); a read is at most
//! `MAX_PAGES` pages, and what a cut read left is read next time. A group that does not exist, or a read that
//! fails, says so in that consumer's rows only.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use warroom_core::model::{LogLine, LogsAccess, Observation};

use super::cursor::{Cursor, Order};
use crate::aws::Clients;
use crate::aws::errors::AwsError;
use crate::aws::paging::read_pages;

/// How late CloudWatch Logs may list a line after its timestamp: each read reaches this far back past the last.
pub const LOGS_LAG: Duration = Duration::minutes(2);

/// How far back a consumer's first read reaches: the suspect window's default. Reads go oldest first, 2,000 lines
/// at most; from three hours back a busy consumer's present errors would come several polls late.
pub const FIRST_READ: Duration = Duration::minutes(30);

/// Events a page asks for, and pages a read takes at most: 2,000 lines per consumer per poll.
const PAGE_LIMIT: i32 = 500;
const MAX_PAGES: usize = 4;

/// What earlier reads learned: each function's log group and where its next read starts.
#[derive(Debug, Clone, Default)]
pub struct LogMemory {
    groups: HashMap<String, String>,
    cursors: HashMap<String, Cursor>,
}

/// The log group a function writes to: its `LoggingConfig.LogGroup` (a function may share a custom group), else
/// Lambda's default. A failed read of the configuration falls back to the default and is tried again next poll.
async fn log_group(clients: &Clients, memory: &mut LogMemory, function: &str) -> String {
    if let Some(group) = memory.groups.get(function) {
        return group.clone();
    }
    let default = format!("/aws/lambda/{function}");
    match clients.lambda.get_function_configuration().function_name(function).send().await {
        Ok(config) => {
            let group = config
                .logging_config()
                .and_then(|l| l.log_group())
                .filter(|g| !g.is_empty())
                .map_or(default, str::to_string);
            memory.groups.insert(function.to_string(), group.clone());
            group
        }
        Err(_) => default,
    }
}

/// One consumer's lines since its last read: `ConsumerLog` with the new lines, or why there are none.
async fn read(
    clients: &Clients,
    memory: &mut LogMemory,
    function: &str,
    pattern: &str,
    first: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Observation {
    let group = log_group(clients, memory, function).await;
    let cursor =
        memory.cursors.entry(function.to_string()).or_insert_with(|| Cursor::new(Order::OldestFirst, LOGS_LAG));
    let window = cursor.window(first.max(now - FIRST_READ), now);
    let (events, ending) = filter(clients, &group, pattern, window).await;
    let times: Vec<DateTime<Utc>> = events.iter().map(|l| l.at).collect();
    let lines: Vec<LogLine> = events.into_iter().filter(|l| cursor.admit(l.id.clone(), l.at)).collect();
    let (access, failed, cut) = match ending {
        Ok(cut) => (LogsAccess::Read, false, cut),
        Err(e) if e.code.as_deref() == Some("ResourceNotFoundException") => (LogsAccess::NoGroup, true, false),
        Err(e) => (LogsAccess::Failed(e.to_string()), true, false),
    };
    cursor.finish_read(window, failed, cut, &times);
    Observation::ConsumerLog { function: function.to_string(), group, access, lines }
}

/// FilterLogEvents over `window` with `pattern`, oldest first, up to `MAX_PAGES` pages: the lines, and whether
/// the page cap cut the read (or the error that stopped it).
async fn filter(
    clients: &Clients,
    group: &str,
    pattern: &str,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> (Vec<LogLine>, Result<bool, AwsError>) {
    let request = clients
        .logs
        .filter_log_events()
        .log_group_name(group)
        .start_time(start.timestamp_millis())
        .end_time(end.timestamp_millis())
        .filter_pattern(pattern)
        .limit(PAGE_LIMIT)
        .into_paginator()
        .send();
    // FilterLogEvents allows 5 calls a second per account and region: each page waits for the budget's share.
    let read = read_pages("logs:FilterLogEvents", request, MAX_PAGES).await;
    let cut = read.cut(MAX_PAGES, |p| p.next_token().is_some_and(|t| !t.is_empty()));
    let lines = read
        .pages
        .iter()
        .flat_map(|page| page.events())
        .filter_map(|e| {
            let (id, ms) = (e.event_id()?, e.timestamp()?);
            Some(LogLine {
                at: DateTime::from_timestamp_millis(ms).unwrap_or(start),
                id: id.to_string(),
                stream: e.log_stream_name().unwrap_or_default().to_string(),
                message: e.message().unwrap_or_default().trim_end().to_string(),
            })
        })
        .collect();
    match read.error {
        Some(e) => (lines, Err(e)),
        None => (lines, Ok(cut)),
    }
}

/// Every consumer's new error lines, one read each (reads run one after another: FilterLogEvents allows 5
/// calls a second per account and region, shared with the war room).
pub async fn poll(
    clients: &Clients,
    functions: &[String],
    pattern: &str,
    memory: &mut LogMemory,
    first: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<Observation> {
    let mut out = Vec::new();
    for function in functions {
        out.push(read(clients, memory, function, pattern, first, now).await);
    }
    out
}
