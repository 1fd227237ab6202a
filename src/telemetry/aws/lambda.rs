//! Lambda aliases and versions: an alias moving between polls is a deploy on the timeline, and each alias's
//! previous version is known so a rollback has a target — the version it pointed to before the move we saw, or
//! else the newest published version below the current one.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::connect::Clients;
use super::discovery::Inventory;
use super::errors::{AwsErrorKind, aws_error};
use crate::model::{EventKind, FunctionStatus, Observation, ResourceKind, Subject, TimelineEvent};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasSeen {
    pub version: String,
    pub previous: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
}

pub type AliasMemory = HashMap<(String, String), AliasSeen>;

/// Lambda's LastModified: `2026-11-23T14:01:12.345+0000`.
pub fn parse_last_modified(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z").ok().map(|t| t.with_timezone(&Utc))
}

/// Published versions (not $LATEST) with their LastModified, following markers.
pub async fn versions(clients: &Clients, function: &str) -> Result<Vec<(u64, Option<DateTime<Utc>>)>, super::AwsError> {
    let mut out = Vec::new();
    let mut marker = None;
    for _page in 0..20 {
        let page = clients
            .lambda
            .list_versions_by_function()
            .function_name(function)
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| aws_error("lambda:ListVersionsByFunction", e))?;
        for v in page.versions() {
            if let Some(n) = v.version().and_then(|v| v.parse::<u64>().ok()) {
                out.push((n, v.last_modified().and_then(parse_last_modified)));
            }
        }
        match page.next_marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    out.sort_by_key(|(n, _)| *n);
    Ok(out)
}

pub async fn poll(
    clients: &Clients,
    inventory: &Inventory,
    mut memory: AliasMemory,
    now: DateTime<Utc>,
) -> (Vec<Observation>, AliasMemory) {
    let mut out = Vec::new();
    for f in &inventory.functions {
        let aliases = match clients.lambda.list_aliases().function_name(&f.name).send().await {
            Ok(a) => a.aliases().to_vec(),
            Err(e) => {
                let e = aws_error("lambda:ListAliases", e);
                out.push(if e.kind == AwsErrorKind::NotFound {
                    Observation::Missing { kind: ResourceKind::Function, name: f.name.clone() }
                } else {
                    Observation::problem(Subject::Functions, f.name.clone(), e.to_string())
                });
                continue;
            }
        };
        let wanted: Vec<_> =
            aliases.iter().filter(|a| f.alias.as_deref().is_none_or(|w| a.name() == Some(w))).collect();
        if wanted.is_empty() {
            if let Some(alias) = &f.alias {
                out.push(Observation::Missing { kind: ResourceKind::Function, name: format!("{}:{alias}", f.name) });
            }
            continue;
        }
        let mut published: Option<Vec<(u64, Option<DateTime<Utc>>)>> = None;
        for alias in wanted {
            // An alias without its version cannot be compared with the last one seen: taking "" for it would
            // put a deploy on the timeline that never happened.
            let (Some(name), Some(version)) = (alias.name(), alias.function_version().filter(|v| !v.is_empty())) else {
                out.push(Observation::problem(
                    Subject::Functions,
                    f.name.clone(),
                    format!("lambda:ListAliases: {}: an alias came without its name or version", f.name),
                ));
                continue;
            };
            let (name, version) = (name.to_string(), version.to_string());
            let key = (f.name.clone(), name.clone());
            let seen = match memory.get(&key) {
                Some(prev) if prev.version == version => prev.clone(),
                Some(prev) => {
                    out.push(Observation::Event(TimelineEvent {
                        at: now,
                        kind: EventKind::Deploy,
                        resource: Some(f.name.clone()),
                        text: format!("{} {name} → v{version} (was v{})", f.name, prev.version),
                        actor: None,
                    }));
                    AliasSeen { version: version.clone(), previous: Some(prev.version.clone()), changed_at: Some(now) }
                }
                None => {
                    if published.is_none() {
                        published = Some(versions(clients, &f.name).await.unwrap_or_default());
                    }
                    let list = published.as_deref().unwrap_or_default();
                    let current: Option<u64> = version.parse().ok();
                    let previous =
                        current.and_then(|c| list.iter().rev().find(|(n, _)| *n < c)).map(|(n, _)| n.to_string());
                    let changed_at = current.and_then(|c| list.iter().find(|(n, _)| *n == c)).and_then(|(_, t)| *t);
                    // The current version's publication marks the charts when it is recent enough to matter.
                    if let Some(at) = changed_at.filter(|t| now - *t < chrono::Duration::hours(3)) {
                        out.push(Observation::Event(TimelineEvent {
                            at,
                            kind: EventKind::Deploy,
                            resource: Some(f.name.clone()),
                            text: format!("{} v{version} published; {name} → v{version}", f.name),
                            actor: None,
                        }));
                    }
                    AliasSeen { version: version.clone(), previous, changed_at }
                }
            };
            out.push(Observation::Function(FunctionStatus {
                name: f.name.clone(),
                alias: name,
                version,
                previous_version: seen.previous.clone(),
                changed_at: seen.changed_at,
            }));
            memory.insert(key, seen);
        }
    }
    (out, memory)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lambda_timestamps() {
        let t = parse_last_modified("2026-11-23T14:01:12.345+0000").expect("parse");
        assert_eq!(t.to_rfc3339(), "2026-11-23T14:01:12.345+00:00");
    }
}
