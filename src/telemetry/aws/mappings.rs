//! What each watched queue really invokes: its Lambda event source mappings, read whole every inventory poll
//! (lambda:ListEventSourceMappings by the queue's ARN), and the code each mapping's qualifier runs
//! (lambda:GetFunctionConfiguration with the qualifier), the function's reserved concurrency
//! (lambda:GetFunctionConcurrency) and, for a mapping that invokes a version or `$LATEST`, the published versions
//! it can be pinned to (lambda:ListVersionsByFunction). A mapping disabled by hand, paused by warroom,
//! re-pointed or disabled by AWS shows as soon as the next poll reads it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use warroom_core::model::{Code, EventSourceMapping, MappingState, Observation, PublishedVersion, Qualifier, Subject};

use super::problem;
use super::versions::published_once;
use crate::aws::paging::read_pages;
use crate::aws::queues::name_from_arn;
use crate::aws::time::{chrono_time, parse_last_modified};
use crate::aws::{AwsError, Clients, aws_error};

/// 100 mappings a page: a queue with more than a few hundred mappings is not one warroom was built for.
const MAX_PAGES: usize = 5;

/// `arn:aws:lambda:r:a:function:NAME[:QUALIFIER]` → (NAME, what it invokes).
pub fn function_and_qualifier(arn: &str) -> (String, Qualifier) {
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.iter().position(|p| *p == "function") {
        Some(i) if i + 1 < parts.len() => (parts[i + 1].to_string(), Qualifier::parse(parts.get(i + 2).copied())),
        _ => (arn.to_string(), Qualifier::Latest),
    }
}

/// The parts of a mapping Lambda answers with: ListEventSourceMappings, GetEventSourceMapping and
/// UpdateEventSourceMapping all answer with the same fields, in three types.
pub struct MappingFields<'a> {
    /// `UUID`.
    pub uuid: Option<&'a str>,
    /// `EventSourceArn`.
    pub event_source: Option<&'a str>,
    /// `FunctionArn`, with the qualifier.
    pub function_arn: Option<&'a str>,
    /// `State`.
    pub state: Option<&'a str>,
    /// `StateTransitionReason`.
    pub reason: Option<&'a str>,
    /// `BatchSize`.
    pub batch_size: Option<i32>,
    /// `ScalingConfig.MaximumConcurrency`.
    pub max_concurrency: Option<i32>,
    /// `LastModified`.
    pub last_modified: Option<&'a aws_sdk_lambda::primitives::DateTime>,
}

/// The fields of any of Lambda's three mapping answers (they share accessor names, not a type).
#[macro_export]
macro_rules! mapping_fields {
    ($m:expr) => {
        $crate::telemetry::aws::mappings::MappingFields {
            uuid: $m.uuid(),
            event_source: $m.event_source_arn(),
            function_arn: $m.function_arn(),
            state: $m.state(),
            reason: $m.state_transition_reason(),
            batch_size: $m.batch_size(),
            max_concurrency: $m.scaling_config().and_then(|s| s.maximum_concurrency()),
            last_modified: $m.last_modified(),
        }
    };
}

/// A mapping from any of Lambda's answers about one; `None` without a UUID or function.
#[macro_export]
macro_rules! mapping_from {
    ($m:expr) => {
        $crate::telemetry::aws::mappings::mapping_from($crate::mapping_fields!($m))
    };
}

/// A mapping from Lambda's answer; `None` without a UUID or function.
pub fn mapping_from(fields: MappingFields<'_>) -> Option<EventSourceMapping> {
    let (function, qualifier) = function_and_qualifier(fields.function_arn?);
    Some(EventSourceMapping {
        uuid: fields.uuid?.to_string(),
        queue: fields.event_source.map(name_from_arn).unwrap_or_default().to_string(),
        function,
        qualifier,
        state: MappingState::parse(fields.state.unwrap_or("Changing")),
        reason: fields.reason.unwrap_or_default().to_string(),
        batch_size: fields.batch_size.and_then(|b| u32::try_from(b).ok()),
        max_concurrency: fields.max_concurrency.and_then(|c| u32::try_from(c).ok()),
        code: None,
        reserved_concurrency: None,
        last_modified: fields.last_modified.map(chrono_time),
        published: Vec::new(),
        previous: None,
    })
}

/// lambda:ListEventSourceMappings for one queue's ARN (paged, up to `MAX_PAGES`), those that consume first.
pub async fn of_queue(clients: &Clients, queue_arn: &str) -> Result<Vec<EventSourceMapping>, AwsError> {
    let request = clients.lambda.list_event_source_mappings().event_source_arn(queue_arn).into_paginator().send();
    let read = read_pages("lambda:ListEventSourceMappings", request, MAX_PAGES).await;
    if let Some(e) = read.error {
        return Err(e);
    }
    let listed = read.pages.iter().flat_map(|page| page.event_source_mappings());
    let mut out: Vec<EventSourceMapping> = listed.filter_map(|m| mapping_from!(m)).collect();
    warroom_core::model::leading_first(&mut out);
    Ok(out)
}

/// From this many queues on, one listing of every mapping in the region (100 a page) costs fewer calls than a
/// filtered listing per queue.
const LIST_ALL_FROM: usize = 8;

/// The most pages one listing of every mapping reads: 10,000 mappings.
const LIST_ALL_MAX_PAGES: usize = 100;

/// lambda:ListEventSourceMappings for each of `queue_arns`, in their order, those that consume first: a filtered
/// listing per queue, or, from `LIST_ALL_FROM` queues on, every mapping in the region (paged, 100 a page) sorted
/// out by queue — a thousand queues then cost ten calls, not a thousand, against Lambda's control-plane quota.
/// When that listing fails, every queue gets its error; when its page cap cuts it, the queues it did not reach
/// are listed one by one.
pub async fn of_queues(clients: &Clients, queue_arns: &[&str]) -> Vec<Result<Vec<EventSourceMapping>, AwsError>> {
    if queue_arns.len() < LIST_ALL_FROM {
        let mut out = Vec::new();
        for arn in queue_arns {
            out.push(of_queue(clients, arn).await);
        }
        return out;
    }
    let request = clients.lambda.list_event_source_mappings().max_items(100).into_paginator().send();
    let pages = (queue_arns.len() / 100 + 2).min(LIST_ALL_MAX_PAGES);
    let read = read_pages("lambda:ListEventSourceMappings", request, pages).await;
    if let Some(e) = read.error {
        return queue_arns.iter().map(|_| Err(e.clone())).collect();
    }
    let cut = read.cut(pages, |p| p.next_marker().is_some_and(|m| !m.is_empty()));
    let mut by_source: HashMap<&str, Vec<EventSourceMapping>> = HashMap::new();
    for m in read.pages.iter().flat_map(|page| page.event_source_mappings()) {
        if let (Some(source), Some(mapping)) = (m.event_source_arn(), mapping_from!(m)) {
            by_source.entry(source).or_default().push(mapping);
        }
    }
    let mut out = Vec::new();
    for arn in queue_arns {
        match by_source.remove(*arn) {
            Some(mut found) => {
                warroom_core::model::leading_first(&mut found);
                out.push(Ok(found));
            }
            None if cut => out.push(of_queue(clients, arn).await),
            None => out.push(Ok(Vec::new())),
        }
    }
    out
}

/// lambda:GetFunctionConfiguration with the mapping's qualifier: the version that runs, its CodeSha256 and
/// LastModified.
pub async fn code_of(clients: &Clients, function: &str, qualifier: &Qualifier) -> Result<Code, AwsError> {
    let q = match qualifier {
        Qualifier::Alias(q) | Qualifier::Version(q) => Some(q.clone()),
        Qualifier::Latest => None,
    };
    let out = clients
        .lambda
        .get_function_configuration()
        .function_name(function)
        .set_qualifier(q)
        .send()
        .await
        .map_err(|e| aws_error("lambda:GetFunctionConfiguration", e))?;
    Ok(Code {
        version: out.version().unwrap_or("$LATEST").to_string(),
        sha256: out.code_sha256().unwrap_or_default().to_string(),
        last_modified: out.last_modified().and_then(parse_last_modified),
        revision: out.revision_id().map(str::to_string),
        config: Some(crate::function_config!(&out)),
    })
}

/// lambda:GetFunctionConcurrency: the function's reserved concurrency, `None` when it has none.
pub async fn reserved_of(clients: &Clients, function: &str) -> Result<Option<u32>, AwsError> {
    let out = clients
        .lambda
        .get_function_concurrency()
        .function_name(function)
        .send()
        .await
        .map_err(|e| aws_error("lambda:GetFunctionConcurrency", e))?;
    Ok(out.reserved_concurrent_executions().and_then(|r| u32::try_from(r).ok()))
}

/// Each function's published versions as last read for its version-pinned or `$LATEST` mappings, with the
/// `$LATEST` CodeSha256 they were read at: read again only when `$LATEST`'s code changed or a mapping invokes a
/// version the list lacks (ListVersionsByFunction reads the whole list: a function with a thousand versions
/// costs twenty calls).
pub type PublishedMemory = HashMap<String, (Option<String>, Vec<PublishedVersion>)>;

/// The published versions a version-pinned or `$LATEST` mapping can be pinned to, from `memory` or read again.
async fn published_for(
    clients: &Clients,
    m: &EventSourceMapping,
    memory: &mut PublishedMemory,
    out: &mut Vec<Observation>,
) -> Vec<PublishedVersion> {
    let latest_sha = match &m.qualifier {
        Qualifier::Alias(_) => return Vec::new(),
        Qualifier::Latest => m.code.as_ref().map(|c| c.sha256.clone()),
        Qualifier::Version(_) => None,
    };
    let fresh = memory.get(&m.function).is_some_and(|(sha, list)| match &m.qualifier {
        Qualifier::Version(v) => list.iter().any(|p| p.version == *v),
        _ => *sha == latest_sha,
    });
    if !fresh {
        let list = published_once(clients, &m.function, out).await.newest();
        memory.insert(m.function.clone(), (latest_sha, list));
    }
    memory.get(&m.function).map(|(_, list)| list.clone()).unwrap_or_default()
}

/// Every watched queue's mappings, each with its code: one `Observation::Mappings` per queue whose list was
/// read (at `now`); a failed call is a problem on the queue (its list) or the function (its code, then left
/// unknown). `queues` are (name, ARN) pairs; one without an ARN (unread at discovery) is skipped.
pub async fn poll<'a>(
    clients: &Clients,
    queues: impl Iterator<Item = (&'a str, &'a str)>,
    memory: &mut PublishedMemory,
    now: DateTime<Utc>,
) -> Vec<Observation> {
    let mut out = Vec::new();
    let mut reserved: Vec<(String, Option<u32>)> = Vec::new();
    let queues: Vec<(&str, &str)> = queues.filter(|(_, arn)| !arn.is_empty()).collect();
    let arns: Vec<&str> = queues.iter().map(|(_, arn)| *arn).collect();
    let listed = of_queues(clients, &arns).await;
    for ((name, _), listed) in queues.into_iter().zip(listed) {
        let mut mappings = match listed {
            Ok(m) => m,
            Err(e) => {
                out.push(problem(Subject::Queues, Some(name), e));
                continue;
            }
        };
        for m in &mut mappings {
            match code_of(clients, &m.function, &m.qualifier).await {
                Ok(code) => m.code = Some(code),
                Err(e) => out.push(problem(Subject::Functions, Some(&m.function), e)),
            }
            // Read once a poll per function, however many mappings invoke it.
            let reserved = match reserved.iter().find(|(f, _)| *f == m.function) {
                Some((_, r)) => *r,
                None => {
                    let read = reserved_of(clients, &m.function).await.unwrap_or_else(|e| {
                        out.push(problem(Subject::Functions, Some(&m.function), e));
                        None
                    });
                    reserved.push((m.function.clone(), read));
                    read
                }
            };
            m.reserved_concurrency = reserved;
            m.published = published_for(clients, m, memory, &mut out).await;
        }
        out.push(Observation::Mappings { queue: name.to_string(), mappings, at: now });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_arns_name_what_they_invoke() {
        let arn = |q: &str| format!("arn:aws:lambda:eu-west-1:123:function:f{q}");
        assert_eq!(function_and_qualifier(&arn("")), ("f".to_string(), Qualifier::Latest));
        assert_eq!(function_and_qualifier(&arn(":$LATEST")), ("f".to_string(), Qualifier::Latest));
        assert_eq!(function_and_qualifier(&arn(":2")), ("f".to_string(), Qualifier::Version("2".into())));
        assert_eq!(function_and_qualifier(&arn(":live")), ("f".to_string(), Qualifier::Alias("live".into())));
    }
}
