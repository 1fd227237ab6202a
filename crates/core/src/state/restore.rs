//! The other way back for a `$LATEST` consumer: put an earlier published version's code into `$LATEST` itself
//! (`lambda:UpdateFunctionCode`), so everything that invokes the function unqualified runs it — not only the
//! queue. A .zip function gets the version's package (GetFunction with the qualifier, its SHA-256 checked against
//! the version's `CodeSha256` before the upload); an image function gets the version's image. `RevisionId` is
//! the lock: a function changed after the plan was read is refused, not overwritten. The configuration is not
//! restored: where `$LATEST`'s differs from the version's, the plan says how.

use super::State;
use crate::model::{EventSourceMapping, PackageType};
use crate::operation::{Op, Plan};

impl State {
    /// The plan to restore the `choice`-th pin target's code into `$LATEST` of `m`'s function, publishing a
    /// version of it when `publish`.
    pub(super) fn plan_restore(&self, m: &EventSourceMapping, choice: usize, publish: bool) -> Result<Plan, String> {
        let targets = m.pin_targets();
        let target = targets.get(choice).or(targets.first()).ok_or_else(|| self.nothing_earlier(m))?;
        let version = target.version.clone();
        let code = m.code.as_ref().ok_or_else(|| {
            format!(
                "{}'s $LATEST is unread (GetFunctionConfiguration): its RevisionId, the restore's lock, is unknown",
                m.function
            )
        })?;
        let revision = code.revision.clone().ok_or_else(|| {
            format!("GetFunctionConfiguration gave no RevisionId for {}'s $LATEST: the restore has no lock", m.function)
        })?;
        let published = m.published.iter().find(|p| p.version == version);
        let sha256 = published.map(|p| p.sha256.clone()).filter(|s| !s.is_empty()).ok_or_else(|| {
            format!("version {version}'s CodeSha256 is unread: the package it serves could not be checked")
        })?;
        let config = published.and_then(|p| p.config.as_ref());
        let image = config.or(code.config.as_ref()).is_some_and(|c| c.package_type == PackageType::Image);
        let op = Op::RestoreCode {
            function: m.function.clone(),
            queue: m.queue.clone(),
            version: version.clone(),
            sha256: sha256.clone(),
            revision: revision.clone(),
            image,
            publish,
        };
        let short = |s: &str| s.get(..8).unwrap_or(s).to_string();
        let changed = code.last_modified.map_or(String::new(), |t| format!(", last modified {}", t.format("%H:%M:%S")));
        let mut current = vec![
            format!(
                "{} $LATEST: code {}{changed}, RevisionId {}; {} invokes it through mapping {}, {}",
                m.function,
                code.sha_prefix(),
                short(&revision),
                m.queue,
                m.uuid,
                m.state.label()
            ),
            format!(
                "target version {version}{}: {}",
                super::repoint::published_words(&m.published, &version, true),
                target.why
            ),
        ];
        if targets.len() > 1 {
            let others: Vec<&str> =
                targets.iter().filter(|t| t.version != version).map(|t| t.version.as_str()).collect();
            current.push(format!("other targets: {}", others.join(" · ")));
        }
        let differences = match (code.config.as_ref(), config) {
            (Some(now), Some(then)) => Some(now.differences(then, &version)),
            _ => None,
        };
        current.push(match &differences {
            Some(d) if d.is_empty() => format!(
                "configuration: $LATEST and version {version} agree on handler, runtime, memory, timeout, environment \
                 variable names and layers"
            ),
            Some(d) => format!("configuration: $LATEST keeps its own — {}", d.join("; ")),
            None => format!("configuration of $LATEST or version {version} unread: differences unknown"),
        });
        let fetch = if image {
            format!(
                "GetFunction {}:{version} gives the version's image (ResolvedImageUri), which $LATEST takes",
                m.function
            )
        } else {
            format!(
                "GetFunction {}:{version} gives the package's address; its SHA-256 must be {} (the version's \
                 CodeSha256) or nothing is uploaded",
                m.function,
                short(&sha256)
            )
        };
        let mut expected = vec![
            fetch,
            format!(
                "UpdateFunctionCode with RevisionId {}: if {} changed since this plan, Lambda refuses and nothing \
                 changes",
                short(&revision),
                m.function
            ),
            format!("new invocations of {} $LATEST run version {version}'s code within seconds", m.function),
        ];
        if publish {
            expected.push("Publish=true: a new version of the restored code, to pin mappings to".to_string());
        }
        expected.push(format!(
            "verified by GetFunctionConfiguration {} $LATEST: CodeSha256 {}, LastUpdateStatus Successful",
            m.function,
            short(&sha256)
        ));
        let mut warnings = vec![
            format!("everything that invokes {} unqualified runs the restored code, not only {}", m.function, m.queue),
            format!("the next deploy of {} replaces $LATEST's code again", m.function),
        ];
        if let Some(d) = differences.filter(|d| !d.is_empty()) {
            warnings.insert(
                0,
                format!("UpdateFunctionCode restores the code only; $LATEST's configuration stays: {}", d.join("; ")),
            );
        }
        if !publish {
            warnings.push("no version is published: the restored code has no version to pin to later".to_string());
        }
        Ok(Plan { op, current, expected, warnings })
    }
}
