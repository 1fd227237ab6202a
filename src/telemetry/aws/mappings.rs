//! What each watched queue really invokes: its Lambda event source mappings, read whole every inventory poll
//! (lambda:ListEventSourceMappings by the queue's ARN), and the code each mapping's qualifier runs
//! (lambda:GetFunctionConfiguration with the qualifier) and the function's reserved concurrency
//! (lambda:GetFunctionConcurrency). A mapping disabled by hand, paused by warroom or
//! disabled by AWS shows as soon as the next poll reads it.

use warroom_core::model::{Code, EventSourceMapping, MappingState, Observation, Qualifier, Subject};

use super::problem;
use crate::aws::queues::name_from_arn;
use crate::aws::time::parse_last_modified;
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

/// A mapping from Lambda's answer (ListEventSourceMappings, GetEventSourceMapping, UpdateEventSourceMapping all
/// answer with the same fields); `None` without a UUID or function.
pub fn mapping_from(
    uuid: Option<&str>,
    event_source: Option<&str>,
    function_arn: Option<&str>,
    state: Option<&str>,
    reason: Option<&str>,
    batch_size: Option<i32>,
    max_concurrency: Option<i32>,
) -> Option<EventSourceMapping> {
    let (function, qualifier) = function_and_qualifier(function_arn?);
    Some(EventSourceMapping {
        uuid: uuid?.to_string(),
        queue: event_source.map(name_from_arn).unwrap_or_default().to_string(),
        function,
        qualifier,
        state: MappingState::parse(state.unwrap_or("Changing")),
        reason: reason.unwrap_or_default().to_string(),
        batch_size: batch_size.and_then(|b| u32::try_from(b).ok()),
        max_concurrency: max_concurrency.and_then(|c| u32::try_from(c).ok()),
        code: None,
        reserved_concurrency: None,
    })
}

/// A mapping from a ListEventSourceMappings entry.
fn from_listed(m: &aws_sdk_lambda::types::EventSourceMappingConfiguration) -> Option<EventSourceMapping> {
    mapping_from(
        m.uuid(),
        m.event_source_arn(),
        m.function_arn(),
        m.state(),
        m.state_transition_reason(),
        m.batch_size(),
        m.scaling_config().and_then(|s| s.maximum_concurrency()),
    )
}

/// lambda:ListEventSourceMappings for one queue's ARN (paged, up to `MAX_PAGES`), those that consume first.
pub async fn of_queue(clients: &Clients, queue_arn: &str) -> Result<Vec<EventSourceMapping>, AwsError> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    for _page in 0..MAX_PAGES {
        let page = clients
            .lambda
            .list_event_source_mappings()
            .event_source_arn(queue_arn)
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| aws_error("lambda:ListEventSourceMappings", e))?;
        out.extend(page.event_source_mappings().iter().filter_map(from_listed));
        match page.next_marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    warroom_core::model::leading_first(&mut out);
    Ok(out)
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

/// Every watched queue's mappings, each with its code: one `Observation::Mappings` per queue whose list was
/// read; a failed call is a problem on the queue (its list) or the function (its code, then left unknown).
/// `queues` are (name, ARN) pairs; one without an ARN (unread at discovery) is skipped.
pub async fn poll<'a>(clients: &Clients, queues: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<Observation> {
    let mut out = Vec::new();
    let mut reserved: Vec<(String, Option<u32>)> = Vec::new();
    for (name, arn) in queues.filter(|(_, arn)| !arn.is_empty()) {
        let mut mappings = match of_queue(clients, arn).await {
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
        }
        out.push(Observation::Mappings { queue: name.to_string(), mappings });
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
