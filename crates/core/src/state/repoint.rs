//! The rollback plan of a consumer wired without an alias: pin the queue's event source mapping to an earlier
//! published version (`lambda:UpdateEventSourceMapping FunctionName=name:N`). For a version-pinned mapping that
//! is its rollback; for a `$LATEST` mapping it is the instant, reversible way back — the mapping stops running
//! whatever `$LATEST` holds until someone points it back.

use super::State;
use crate::model::{EventSourceMapping, MetricKind, PublishedVersion, Qualifier};
use crate::operation::{ConsumerChange, Op, Plan};

impl State {
    /// Why `m` has no rollback: nothing earlier is published; the pause is the lever left.
    pub(super) fn nothing_earlier(&self, m: &EventSourceMapping) -> String {
        match &m.qualifier {
            Qualifier::Latest => format!(
                "{} has no published version whose code differs from $LATEST's: there is no earlier code to go back \
                 to for {} — pause the consumer instead (Queues pane) to take the load off at once",
                m.function, m.queue
            ),
            _ => format!(
                "{} has no published version below {}: nothing to roll {}'s mapping back to — pause the consumer \
                 instead (Queues pane)",
                m.function, m.qualifier, m.queue
            ),
        }
    }

    /// The rollback plan of mapping `m` to the `choice`-th of its pin targets (`EventSourceMapping::pin_targets`).
    pub(super) fn plan_repoint(&self, m: &EventSourceMapping, choice: usize) -> Result<Plan, String> {
        let targets = m.pin_targets();
        let Some(target) = targets.get(choice).or(targets.first()) else { return Err(self.nothing_earlier(m)) };
        let to = target.version.clone();
        let op = Op::Consumer {
            queue: m.queue.clone(),
            uuid: m.uuid.clone(),
            invoked: m.invoked(),
            change: ConsumerChange::Repoint { function: m.function.clone(), from: m.qualifier.to_string(), to },
        };
        let code = m.code.as_ref().map_or("code unread".to_string(), |c| {
            let at = c.last_modified.map_or(String::new(), |t| format!(", last modified {}", t.format("%H:%M:%S")));
            format!("code {}{at}", c.sha_prefix())
        });
        let mut current = vec![
            format!("{} invokes {} ({code}) through mapping {}, {}", m.queue, m.invoked(), m.uuid, m.state.label()),
            format!(
                "target {}:{}{}: {}",
                m.function,
                target.version,
                published_words(&m.published, &target.version, true),
                target.why
            ),
        ];
        if targets.len() > 1 {
            let others: Vec<&str> =
                targets.iter().filter(|t| t.version != target.version).map(|t| t.version.as_str()).collect();
            current.push(format!("other targets: {}", others.join(" · ")));
        }
        if let (Some(err), Some(dur)) =
            (self.data.latest(&m.function, MetricKind::Errors), self.data.latest(&m.function, MetricKind::DurationP99))
        {
            current.push(format!("errors {err:.0}/min, p99 duration {dur:.0} ms"));
        }
        let mut warnings = vec![
            "an infrastructure deploy (CloudFormation, the CDK, the Serverless Framework, Terraform) points the \
             mapping back at what its template names: the next one undoes this rollback"
                .to_string(),
        ];
        if m.qualifier == Qualifier::Latest {
            warnings.push(format!(
                "{}'s $LATEST keeps its new code: anything else that invokes it unqualified still runs it",
                m.function
            ));
        }
        if let Qualifier::Version(current) = &m.qualifier
            && let (Ok(c), Ok(t)) = (current.parse::<u64>(), target.version.parse::<u64>())
            && t > c
        {
            warnings.insert(0, format!("version {t} is NEWER than {c}: this rolls forward"));
        }
        if !m.state.consumes() {
            warnings.push(format!("the mapping is {}: the version runs once it is enabled", m.state.label()));
        }
        let target_sha = m.published.iter().find(|p| p.version == target.version).map(|p| p.sha256.as_str());
        if let (Some(now), Some(then)) = (m.code.as_ref().map(|c| c.sha256.as_str()), target_sha)
            && !now.is_empty()
            && now == then
        {
            warnings.insert(
                0,
                format!(
                    "version {} runs the same code (CodeSha256 {}) as what {} invokes now: only the configuration \
                     changes",
                    target.version,
                    now.get(..8).unwrap_or(now),
                    m.queue
                ),
            );
        }
        Ok(Plan {
            op,
            current,
            expected: vec![
                format!(
                    "the mapping of {} invokes {}:{} from its next batch; batches already running finish on the code \
                     they started with",
                    m.queue, m.function, target.version
                ),
                format!(
                    "verified by GetEventSourceMapping {}: FunctionArn ends :{}, State not Updating",
                    m.uuid, target.version
                ),
            ],
            warnings,
        })
    }
}

/// " (published 2026-11-20 09:12, "release 41", code 1a2b3c4d)" for a version `published` lists, else ""; the
/// code only `with_code` (a pin's target is chosen by its code; an alias's by its history).
pub(super) fn published_words(published: &[PublishedVersion], version: &str, with_code: bool) -> String {
    let Some(p) = published.iter().find(|p| p.version == version) else { return String::new() };
    let at = p.published_at.map(|t| format!("published {}", t.format("%Y-%m-%d %H:%M")));
    let description = (!p.description.is_empty()).then(|| format!("\"{}\"", p.description));
    let sha = (with_code && !p.sha256.is_empty()).then(|| format!("code {}", p.sha256.get(..8).unwrap_or(&p.sha256)));
    let parts: Vec<String> = [at, description, sha].into_iter().flatten().collect();
    if parts.is_empty() { String::new() } else { format!(" ({})", parts.join(", ")) }
}
