//! Lambda aliases and versions: an alias moving between polls is a move (a deploy on the timeline), and each
//! alias has a rollback target — the version it pointed to before the move we saw, or else the newest published
//! version below the current one. An alias seen for the first time has no history here: its current version's
//! publication is not a deploy (it may have been published long before the alias moved to it, or moved back to
//! it by a rollback); CloudTrail or the journal supply the move when they recorded it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use warroom_core::model::{
    AliasMove, CappedList, FunctionStatus, MoveSource, Observation, PublishedVersion, ResourceKind, Subject,
};

use super::discovery::Inventory;
use super::problem;
use crate::aws::time::parse_last_modified;
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

/// How many of a function's newest published versions are kept as rollback targets.
const KEPT: usize = 50;

/// Every alias seen, by (function, alias).
pub type AliasMemory = HashMap<(String, String), AliasSeen>;

/// ListVersionsByFunction lists oldest first, 50 a page: reading to the end is the only way to the newest. This
/// many pages (10,000 versions) is the bound; first sight of a function only.
const MAX_VERSION_PAGES: usize = 200;

/// A function's published versions (not $LATEST), oldest first, with their LastModified and Description.
pub struct Published {
    /// Version number, LastModified and Description.
    pub versions: Vec<(u64, Option<DateTime<Utc>>, String)>,
    /// Whether the list reached its end (`false`: the page bound cut it, and newer versions were not read).
    pub complete: bool,
}

impl Published {
    /// The rollback target below `current`: the newest published version under it — only when the list read
    /// reaches `current`, since a cut list's newest version is not the one before the current one.
    pub fn before(&self, current: u64) -> Option<u64> {
        let reached = self.complete || self.versions.iter().any(|(n, ..)| *n >= current);
        reached.then(|| self.versions.iter().rev().map(|(n, ..)| *n).find(|n| *n < current)).flatten()
    }

    /// The newest versions, newest first, as rollback targets (at most `KEPT`; a plan offers those below the
    /// alias's version).
    pub fn newest(&self) -> Vec<PublishedVersion> {
        self.versions
            .iter()
            .rev()
            .take(KEPT)
            .map(|(n, at, description)| PublishedVersion {
                version: n.to_string(),
                published_at: *at,
                description: description.clone(),
            })
            .collect()
    }
}

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

/// lambda:ListVersionsByFunction to the end (following markers, up to `MAX_VERSION_PAGES`).
pub async fn versions(clients: &Clients, function: &str) -> Result<Published, AwsError> {
    let mut out = Vec::new();
    let mut marker = None;
    for _page in 0..MAX_VERSION_PAGES {
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
                let description = v.description().unwrap_or_default().to_string();
                out.push((n, v.last_modified().and_then(parse_last_modified), description));
            }
        }
        match page.next_marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => {
                out.sort_by_key(|(n, ..)| *n);
                return Ok(Published { versions: out, complete: true });
            }
        }
    }
    out.sort_by_key(|(n, ..)| *n);
    Ok(Published { versions: out, complete: false })
}

/// A function's versions, read for the first alias of it seen: a failed read is a problem on the function (and
/// no rollback target), a read the page bound cut is said, since it is not read again.
async fn published_once(clients: &Clients, function: &str, out: &mut Vec<Observation>) -> Published {
    let read = versions(clients, function).await.unwrap_or_else(|e| {
        out.push(problem(Subject::Functions, Some(function), e));
        Published { versions: Vec::new(), complete: false }
    });
    if !read.complete && !read.versions.is_empty() {
        out.push(Observation::Capped { list: CappedList::Versions, shown: Some(read.versions.len()) });
    }
    read
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
                version,
                previous_version: seen.previous.clone(),
                last_move: seen.last_move.clone(),
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
    fn the_version_before_the_current_one_only_from_a_list_that_reaches_it() {
        let list =
            |n: u64, complete| Published { versions: (1..=n).map(|v| (v, None, String::new())).collect(), complete };
        assert_eq!(list(1200, true).before(1200), Some(1199));
        assert_eq!(list(1000, false).before(1200), None, "a cut list's newest is not the one before 1200");
        assert_eq!(list(1000, false).before(900), Some(899));
        assert_eq!(list(1, true).before(1), None);
    }
}
