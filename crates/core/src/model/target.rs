//! Targets: the accounts and regions one dashboard watches (`[[targets]]`, `--profile a,b`, `--region x,y`).
//!
//! With more than one target, every resource name in the data is *qualified* by its target's label:
//! `prod/us-east-1/orders`. The same queue name in two regions (a failover region's copy) is then two rows, each
//! relation (a queue's DLQ, a mapping's function, a metric's resource) stays inside its target, and every row,
//! timeline entry and plan names its target without a column of its own. Telemetry qualifies what a target's
//! poll observed (`Observation::qualify`); the operator strips the label again before it calls AWS
//! (`Op::rename`), so AWS only ever sees its own names.

use super::{CredentialSource, DlqSources, Observation};

/// Between a target's label and a resource's name. Labels are `name/region`; names are matched against the known
/// labels, never split at the first separator (an alarm's name may contain `/`).
pub const SEPARATOR: char = '/';

/// How one target stands, for the header's health line and for the plans that act in it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TargetStatus {
    /// `name/region`, as rows are qualified: `prod/us-east-1`.
    pub label: String,
    /// The 12-digit account id (STS GetCallerIdentity), once its credentials have answered.
    pub account: Option<String>,
    /// The region its clients call.
    pub region: String,
    /// `read_only = true` in its `[[targets]]` table (or the whole session's `--read-only`): no operator exists
    /// for it.
    pub read_only: bool,
    /// The caller's ARN (STS GetCallerIdentity), once known.
    pub principal: Option<String>,
    /// Where its credentials come from, and the remedy when they fail.
    pub credentials: Option<CredentialSource>,
    /// Why it is not answering: its credentials, its identity call or a whole poll failed (the call and the
    /// error); `None` while it answers.
    pub error: Option<String>,
    /// The targets (by `[[targets]]` name) whose databases its consumers write to, beside its own: `writes_to`
    /// in its table. The suspect ranking follows it across accounts and regions.
    #[serde(default)]
    pub writes_to: Vec<String>,
    /// Whether one of its polls has answered yet: before that its rows are not there, and it is not shown
    /// answering (a big account's first discovery can take a minute).
    #[serde(default)]
    pub answered: bool,
}

impl TargetStatus {
    /// Its `[[targets]]` name: the label without the region.
    pub fn name(&self) -> &str {
        self.label.rsplit_once(SEPARATOR).map_or(self.label.as_str(), |(name, _)| name)
    }

    /// `label/name`: the name `name` has in the data.
    pub fn qualify(&self, name: &str) -> String {
        qualified(&self.label, name)
    }

    /// "account 111111111111, us-east-1" (or "account not yet known, us-east-1"): where its calls go.
    pub fn place(&self) -> String {
        match &self.account {
            Some(account) => format!("account {account}, {}", self.region),
            None => format!("account not yet known, {}", self.region),
        }
    }
}

/// `label/name`.
pub fn qualified(label: &str, name: &str) -> String {
    format!("{label}{SEPARATOR}{name}")
}

/// The target `name` is qualified by, and the name as AWS knows it; `None` when no label of `targets` prefixes it.
/// The longest label wins, so `prod/us-east-1` and `prod/us-east-1-x` never shadow each other.
pub fn split<'a, 'n>(targets: &'a [TargetStatus], name: &'n str) -> Option<(&'a TargetStatus, &'n str)> {
    targets
        .iter()
        .filter_map(|t| name.strip_prefix(t.label.as_str())?.strip_prefix(SEPARATOR).map(|bare| (t, bare)))
        .max_by_key(|(t, _)| t.label.len())
}

/// Whether consumers in target `from` may write to databases in target `to`: one target, or `from`'s
/// `writes_to` names `to`; always when either is `None` (one target watched, or a name no target carries).
pub fn target_writes_into(from: Option<&TargetStatus>, to: Option<&TargetStatus>) -> bool {
    match (from, to) {
        (Some(a), Some(b)) => a.label == b.label || a.writes_to.iter().any(|name| name == b.name()),
        _ => true,
    }
}

/// Where a resource is, as a journal line records it so that another session can find it whatever targets it
/// watches: the account and region, and the name AWS knows it by (without any session's label).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Place {
    /// The 12-digit account id.
    pub account: String,
    /// The region.
    pub region: String,
    /// The resource's name in its account and region.
    pub name: String,
}

impl Place {
    /// The name this resource has in data that watches `targets` (or, with none, the one account and region of
    /// `identity`): qualified by the label of the target in its account and region, bare in a session of one
    /// account there; `None` when no target watched is in its account and region.
    pub fn local_name(&self, targets: &[TargetStatus], identity: Option<(&str, &str)>) -> Option<String> {
        if targets.is_empty() {
            return (identity? == (self.account.as_str(), self.region.as_str())).then(|| self.name.clone());
        }
        targets
            .iter()
            .find(|t| t.account.as_deref() == Some(self.account.as_str()) && t.region == self.region)
            .map(|t| t.qualify(&self.name))
    }
}

/// `name` without `label/`; the name itself when it does not carry that label.
pub fn unqualified<'n>(label: &str, name: &'n str) -> &'n str {
    name.strip_prefix(label).and_then(|n| n.strip_prefix(SEPARATOR)).unwrap_or(name)
}

impl Observation {
    /// Renames every resource name the observation carries (not ARNs, which already name their account and
    /// region, nor log groups and call names), with `f`: how a target's observation gets its label
    /// (`Observation::qualify`). A problem without a resource names the target in its error instead.
    pub fn rename(&mut self, f: &dyn Fn(&str) -> String) {
        let re = |s: &mut String| *s = f(s);
        let opt = |s: &mut Option<String>| {
            if let Some(s) = s {
                re(s)
            }
        };
        match self {
            Observation::Clock(_)
            | Observation::Identity(_)
            | Observation::Targets(_)
            | Observation::Unsupported { .. }
            | Observation::Capped { .. }
            | Observation::Truncated { .. } => {}
            Observation::Alarm(a) => {
                re(&mut a.name);
                a.resources.iter_mut().for_each(re);
            }
            Observation::Queue(q) => {
                re(&mut q.name);
                opt(&mut q.dlq);
                opt(&mut q.consumer);
            }
            Observation::Dlq(d) => {
                re(&mut d.name);
                if let DlqSources::Queues(queues) = &mut d.sources {
                    queues.iter_mut().for_each(re);
                }
                d.max_receive_counts.iter_mut().for_each(|(queue, _)| re(queue));
            }
            Observation::Redrive(t) => re(&mut t.dlq),
            Observation::ReadEvery(every) => every.iter_mut().for_each(|(name, _)| re(name)),
            Observation::Function(fs) => {
                re(&mut fs.name);
                if let Some(m) = &mut fs.last_move {
                    re(&mut m.function)
                }
            }
            Observation::AliasMoved(m) => re(&mut m.function),
            Observation::Mappings { queue, mappings, .. } => {
                re(queue);
                for m in mappings {
                    re(&mut m.queue);
                    re(&mut m.function);
                }
            }
            Observation::Cluster(c) => {
                re(&mut c.id);
                c.members.iter_mut().for_each(|m| re(&mut m.id));
            }
            Observation::Insights { instance, .. }
            | Observation::InsightsRead { instance, .. }
            | Observation::TopSql { instance, .. }
            | Observation::Load { instance, .. } => re(instance),
            Observation::ConsumerLog { function, .. } => re(function),
            Observation::Metric { resource, .. } => re(resource),
            Observation::Event(e) => opt(&mut e.resource),
            Observation::Problem(p) => opt(&mut p.resource),
            Observation::Missing { name, .. } => re(name),
        }
    }

    /// The observation as the data holds it when `target` is one of several: every resource name qualified by
    /// its label, and what names no resource (a problem, a timeline entry) labelled in its words.
    pub fn qualify(mut self, target: &TargetStatus) -> Observation {
        self.rename(&|name| target.qualify(name));
        match &mut self {
            Observation::Problem(p) if p.resource.is_none() => p.error = format!("{}: {}", target.label, p.error),
            Observation::Event(e) if e.resource.is_none() => e.text = format!("[{}] {}", target.label, e.text),
            // Keyed by the call: the answer says which target's endpoint gave it.
            Observation::Unsupported { answer, .. } => *answer = format!("{}: {answer}", target.label),
            _ => {}
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Problem, QueueStatus, Subject};

    fn target(label: &str) -> TargetStatus {
        TargetStatus {
            label: label.to_string(),
            account: Some("111111111111".to_string()),
            region: "us-east-1".to_string(),
            read_only: false,
            principal: None,
            credentials: None,
            error: None,
            writes_to: Vec::new(),
            answered: true,
        }
    }

    #[test]
    fn a_queue_and_its_relations_are_qualified_by_one_label() {
        let queue = QueueStatus {
            name: "orders".to_string(),
            dlq: Some("orders-dlq".to_string()),
            consumer: Some("orders-consumer".to_string()),
            visible: 3,
            in_flight: 0,
            retention_seconds: None,
        };
        let Observation::Queue(q) = Observation::Queue(queue).qualify(&target("prod/us-east-1")) else {
            panic!("still a queue")
        };
        assert_eq!(q.name, "prod/us-east-1/orders");
        assert_eq!(q.dlq.as_deref(), Some("prod/us-east-1/orders-dlq"));
        assert_eq!(q.consumer.as_deref(), Some("prod/us-east-1/orders-consumer"));
    }

    #[test]
    fn a_problem_without_a_resource_names_the_target_in_its_words() {
        let problem = Observation::problem(Subject::Queues, None, "sqs:ListQueues: AccessDenied");
        let Observation::Problem(Problem { error, resource, .. }) = problem.qualify(&target("stg/eu-west-1")) else {
            panic!("still a problem")
        };
        assert_eq!(error, "stg/eu-west-1: sqs:ListQueues: AccessDenied");
        assert_eq!(resource, None);
    }

    #[test]
    fn the_longest_label_wins_and_slashes_in_names_survive() {
        let targets = [target("prod/us-east-1"), target("prod/us-east-1-x")];
        let (t, bare) = split(&targets, "prod/us-east-1-x/a/b").expect("a target");
        assert_eq!((t.label.as_str(), bare), ("prod/us-east-1-x", "a/b"));
        assert!(split(&targets, "stg/us-east-1/orders").is_none());
        assert_eq!(unqualified("prod/us-east-1", "prod/us-east-1/orders"), "orders");
        assert_eq!(unqualified("prod/us-east-1", "orders"), "orders");
    }
}
