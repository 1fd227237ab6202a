//! A function's published versions (lambda:ListVersionsByFunction, read to the end): the rollback targets of an
//! alias and the versions a version-pinned or `$LATEST` mapping can be pinned to, each with its `CodeSha256`.

use chrono::{DateTime, Utc};

use warroom_core::model::{CappedList, FunctionConfig, Observation, PublishedVersion, Subject};

use super::problem;
use crate::aws::paging::read_pages;
use crate::aws::time::parse_last_modified;
use crate::aws::{AwsError, Clients};

/// How many of a function's newest published versions are kept as rollback targets.
const KEPT: usize = 50;

/// ListVersionsByFunction lists oldest first, 50 a page: reading to the end is the only way to the newest. This
/// many pages (10,000 versions) is the bound; first sight of a function only.
const MAX_VERSION_PAGES: usize = 200;

/// A function's configuration from any of Lambda's answers that carry it (GetFunctionConfiguration,
/// ListVersionsByFunction's entries: the same accessors on two types): package type, handler, runtime, memory,
/// timeout, environment variable names (never values) and layers.
#[macro_export]
macro_rules! function_config {
    ($c:expr) => {{
        let c = $c;
        let mut environment: Vec<String> =
            c.environment().and_then(|e| e.variables()).map(|v| v.keys().cloned().collect()).unwrap_or_default();
        environment.sort();
        warroom_core::model::FunctionConfig {
            package_type: match c.package_type() {
                Some(aws_sdk_lambda::types::PackageType::Image) => warroom_core::model::PackageType::Image,
                _ => warroom_core::model::PackageType::Zip,
            },
            handler: c.handler().map(str::to_string),
            runtime: c.runtime().map(|r| r.as_str().to_string()),
            memory_mb: c.memory_size().and_then(|m| u32::try_from(m).ok()),
            timeout_seconds: c.timeout().and_then(|t| u32::try_from(t).ok()),
            environment,
            layers: c.layers().iter().filter_map(|l| l.arn().map(str::to_string)).collect(),
        }
    }};
}

/// One published version as ListVersionsByFunction lists it.
pub struct Listed {
    /// The version number.
    pub number: u64,
    /// LastModified: when it was published.
    pub at: Option<DateTime<Utc>>,
    /// Description.
    pub description: String,
    /// CodeSha256.
    pub sha256: String,
    /// Its configuration.
    pub config: FunctionConfig,
}

/// A function's published versions (not $LATEST), oldest first.
pub struct Published {
    /// Each version, oldest first.
    pub versions: Vec<Listed>,
    /// Whether the list reached its end (`false`: the page bound cut it, and newer versions were not read).
    pub complete: bool,
}

impl Published {
    /// The rollback target below `current`: the newest published version under it — only when the list read
    /// reaches `current`, since a cut list's newest version is not the one before the current one.
    pub fn before(&self, current: u64) -> Option<u64> {
        let reached = self.complete || self.versions.iter().any(|v| v.number >= current);
        reached.then(|| self.versions.iter().rev().map(|v| v.number).find(|n| *n < current)).flatten()
    }

    /// The newest versions, newest first, as rollback targets (at most `KEPT`; a plan offers those below the
    /// alias's version).
    pub fn newest(&self) -> Vec<PublishedVersion> {
        self.versions
            .iter()
            .rev()
            .take(KEPT)
            .map(|v| PublishedVersion {
                version: v.number.to_string(),
                published_at: v.at,
                description: v.description.clone(),
                sha256: v.sha256.clone(),
                config: Some(v.config.clone()),
            })
            .collect()
    }
}

/// lambda:ListVersionsByFunction to the end (following markers, up to `MAX_VERSION_PAGES`).
pub async fn versions(clients: &Clients, function: &str) -> Result<Published, AwsError> {
    let request = clients.lambda.list_versions_by_function().function_name(function).into_paginator().send();
    let read = read_pages("lambda:ListVersionsByFunction", request, MAX_VERSION_PAGES).await;
    if let Some(e) = read.error {
        return Err(e);
    }
    let complete = !read.cut(MAX_VERSION_PAGES, |p| p.next_marker().is_some_and(|m| !m.is_empty()));
    let mut out: Vec<Listed> = read
        .pages
        .iter()
        .flat_map(|page| page.versions())
        .filter_map(|v| {
            let number = v.version().and_then(|v| v.parse::<u64>().ok())?;
            Some(Listed {
                number,
                at: v.last_modified().and_then(parse_last_modified),
                description: v.description().unwrap_or_default().to_string(),
                sha256: v.code_sha256().unwrap_or_default().to_string(),
                config: crate::function_config!(v),
            })
        })
        .collect();
    out.sort_by_key(|v| v.number);
    Ok(Published { versions: out, complete })
}

/// A function's versions, read for the first alias of it seen: a failed read is a problem on the function (and
/// no rollback target), a read the page bound cut is said, since it is not read again.
pub async fn published_once(clients: &Clients, function: &str, out: &mut Vec<Observation>) -> Published {
    let read = versions(clients, function).await.unwrap_or_else(|e| {
        out.push(problem(Subject::Functions, Some(function), e));
        Published { versions: Vec::new(), complete: false }
    });
    if !read.complete && !read.versions.is_empty() {
        out.push(Observation::Capped { list: CappedList::Versions, shown: Some(read.versions.len()) });
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_before_the_current_one_only_from_a_list_that_reaches_it() {
        let listed = |number| Listed {
            number,
            at: None,
            description: String::new(),
            sha256: String::new(),
            config: FunctionConfig::default(),
        };
        let list = |n: u64, complete| Published { versions: (1..=n).map(listed).collect(), complete };
        assert_eq!(list(1200, true).before(1200), Some(1199));
        assert_eq!(list(1000, false).before(1200), None, "a cut list's newest is not the one before 1200");
        assert_eq!(list(1000, false).before(900), Some(899));
        assert_eq!(list(1, true).before(1), None);
    }
}
