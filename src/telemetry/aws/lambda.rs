//! Lambda aliases and versions: an alias moving between polls is a move (a deploy on the timeline), and each
//! alias has a rollback target — the version it pointed to before the move we saw, or else the newest published
//! version below the current one. An alias seen for the first time has no history here: its current version's
//! publication is not a deploy (it may have been published long before the alias moved to it, or moved back to
//! it by a rollback); CloudTrail or the journal supply the move when they recorded it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use warroom_core::model::{
    AliasMove, FunctionStatus, MoveSource, Observation, PublishedVersion, ResourceKind, Subject,
};

use super::discovery::Inventory;
use super::problem;
use super::versions::{Published, published_once};
use crate::aws::{AwsError, AwsErrorKind, Clients, aws_error};

/// What the last poll saw of one alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AliasSeen {
    /// The version it pointed to.
    pub version: String,
    /// The version before its last move (the rollback target).
    pub previous: Option<String>,
    /// The move to `version` two polls saw, if they did.
    pub last_move: Option<AliasMove>,
    /// The function's newest published versions, newest first (read on first sight).
    pub published: Vec<PublishedVersion>,
}

/// Every alias seen, by (function, alias).
pub type AliasMemory = HashMap<(String, String), AliasSeen>;

/// The versions of `published` below `version` (numerically), at most `PublishedVersion::OFFERED`.
fn below(published: &[PublishedVersion], version: &str) -> Vec<PublishedVersion> {
    let current: Option<u64> = version.parse().ok();
    published
        .iter()
        .filter(|p| current.is_some_and(|c| p.version.parse::<u64>().is_ok_and(|n| n < c)))
        .take(PublishedVersion::OFFERED)
        .cloned()
        .collect()
}

/// The function's versions, read at most once a poll however many of its aliases need them.
async fn read_once<'a>(
    read: &'a mut Option<Published>,
    clients: &Clients,
    function: &str,
    out: &mut Vec<Observation>,
) -> &'a Published {
    let list = match read.take() {
        Some(list) => list,
        None => published_once(clients, function, out).await,
    };
    read.insert(list)
}

/// lambda:ListAliases for every watched function: each alias's version, a move since the last poll as a deploy on
/// the timeline, and the rollback target (ListVersionsByFunction on first sight).
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
                    problem(Subject::Functions, Some(&f.name), e)
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
        let mut published: Option<Published> = None;
        for alias in wanted {
            // An alias without its version cannot be compared with the last one seen: taking "" for it would
            // put a deploy on the timeline that never happened.
            let (Some(name), Some(version)) = (alias.name(), alias.function_version().filter(|v| !v.is_empty())) else {
                out.push(problem(
                    Subject::Functions,
                    Some(&f.name),
                    AwsError::unreadable("lambda:ListAliases", "an alias came without its name or version"),
                ));
                continue;
            };
            let (name, version) = (name.to_string(), version.to_string());
            let key = (f.name.clone(), name.clone());
            let seen = match memory.get(&key) {
                Some(prev) if prev.version == version => prev.clone(),
                Some(prev) => {
                    let moved = AliasMove {
                        function: f.name.clone(),
                        alias: name.clone(),
                        from: Some(prev.version.clone()),
                        to: version.clone(),
                        at: now,
                        source: MoveSource::Polled,
                        actor: None,
                        place: None,
                    };
                    out.push(Observation::AliasMoved(moved.clone()));
                    // Moved to a version published since the list was read: read it again, so the plan offers
                    // every version below the new one.
                    let known = prev.published.iter().any(|p| p.version == version);
                    let published = if known || version.parse::<u64>().is_err() {
                        prev.published.clone()
                    } else {
                        read_once(&mut published, clients, &f.name, &mut out).await.newest()
                    };
                    AliasSeen {
                        version: version.clone(),
                        previous: Some(prev.version.clone()),
                        last_move: Some(moved),
                        published,
                    }
                }
                None => {
                    let list = read_once(&mut published, clients, &f.name, &mut out).await;
                    let previous = version.parse().ok().and_then(|c| list.before(c)).map(|n| n.to_string());
                    AliasSeen { version: version.clone(), previous, last_move: None, published: list.newest() }
                }
            };
            out.push(Observation::Function(FunctionStatus {
                name: f.name.clone(),
                alias: name,
                published: below(&seen.published, &version),
                versions: seen.published.iter().take(PublishedVersion::OFFERED).cloned().collect(),
                version,
                previous_version: seen.previous.clone(),
                last_move: seen.last_move.clone(),
            }));
            memory.insert(key, seen);
        }
    }
    (out, memory)
}
