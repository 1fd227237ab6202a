//! What to watch, resolved against the account: queue names to URLs and ARNs, DLQs from each queue's
//! RedrivePolicy (and ListDeadLetterSourceQueues), consumers from event source mappings (every mapping's function,
//! the one that consumes first), clusters and members.
//! With no `[watch]`, everything in the region is discovered, up to `LIMIT` per kind.

use warroom_core::config::Watch;
use warroom_core::model::{ClusterKind, DbStatus, DlqSources, EventSourceMapping, Observation, ResourceKind, Subject};

use super::{mappings, problem};
use crate::aws::databases::{self, Kind};
use crate::aws::queues::{self, name_from_arn, name_from_url};
use crate::aws::{AwsError, AwsErrorKind, Clients, aws_error};

/// At most this many resources of a kind when discovering an unfamiliar account.
pub const LIMIT: usize = 50;

/// A watched queue (or DLQ) and how to reach it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueRef {
    /// Queue name.
    pub name: String,
    /// QueueUrl, for the SQS calls.
    pub url: String,
    /// QueueArn, for message move tasks; empty when GetQueueAttributes failed at discovery.
    pub arn: String,
    /// For a source queue: its DLQ's name. For a DLQ: unused.
    pub dlq: Option<String>,
    /// For a DLQ: the queues whose RedrivePolicy names it.
    pub sources: DlqSources,
    /// The Lambda function reading this queue.
    pub consumer: Option<String>,
    /// For a source queue: its RedrivePolicy's maxReceiveCount. For a DLQ: each source's, by source name.
    pub max_receive_counts: Vec<(String, u32)>,
}

/// A watched function.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FunctionRef {
    /// Function name.
    pub name: String,
    /// One alias, or every alias of the function when `None`.
    pub alias: Option<String>,
}

/// A watched DB cluster (or standalone instance) and its members.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterRef {
    /// DBClusterIdentifier (or the standalone instance's identifier).
    pub id: String,
    /// Engine.
    pub engine: String,
    /// Aurora, a Multi-AZ DB cluster, or a standalone instance shown as a cluster of one.
    pub kind: ClusterKind,
    /// (instance id, is writer)
    pub members: Vec<(String, bool)>,
}

/// What discovery resolved: everything the polls read, and what it could not find.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inventory {
    /// Source queues.
    pub queues: Vec<QueueRef>,
    /// Dead-letter queues.
    pub dlqs: Vec<QueueRef>,
    /// Functions.
    pub functions: Vec<FunctionRef>,
    /// DB clusters and standalone instances.
    pub clusters: Vec<ClusterRef>,
    /// Alarm name prefixes to read; with `alarm_names` empty too, every alarm is read.
    pub alarm_prefixes: Vec<String>,
    /// Alarm names to read by name.
    pub alarm_names: Vec<String>,
    /// What discovery could not find or do, as observations for the panes.
    pub notes: Vec<Observation>,
    /// The last status read for each cluster and instance, shown while a describe call fails: the pane is
    /// marked stale, and a cluster that was `available` a minute ago is not suddenly `unknown`.
    pub last_status: LastStatus,
    /// The watched instances with Performance Insights on, as the last DescribeDBInstances said.
    pub insights: Vec<super::insights::PiInstance>,
}

/// The last status read for each cluster and instance, by identifier.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LastStatus {
    /// Clusters' statuses.
    pub clusters: std::collections::HashMap<String, DbStatus>,
    /// Instances' statuses.
    pub instances: std::collections::HashMap<String, DbStatus>,
}

impl ClusterRef {
    /// Whether it is a standalone instance shown as a cluster of one.
    pub fn standalone(&self) -> bool {
        matches!(self.kind, ClusterKind::Instance { .. })
    }
}

impl Inventory {
    /// The DLQ named `name`.
    pub fn dlq(&self, name: &str) -> Option<&QueueRef> {
        self.dlqs.iter().find(|d| d.name == name)
    }

    /// The queue (or DLQ) named `name`.
    pub fn queue(&self, name: &str) -> Option<&QueueRef> {
        self.queues.iter().find(|q| q.name == name).or_else(|| self.dlq(name))
    }

    /// The cluster `id`.
    pub fn cluster(&self, id: &str) -> Option<&ClusterRef> {
        self.clusters.iter().find(|c| c.id == id)
    }

    /// Every watched instance's identifier.
    pub fn instance_ids(&self) -> impl Iterator<Item = &str> {
        self.clusters.iter().flat_map(|c| c.members.iter().map(|(id, _)| id.as_str()))
    }
}

/// A queue by name: its URL (a missing queue is noted "not found") and then its ARN and DLQ (a failure there is
/// noted, and the queue is still polled by its URL).
async fn resolve_queue(clients: &Clients, name: &str) -> (Option<(QueueRef, Option<String>)>, Vec<Observation>) {
    let url = match queues::queue_url(clients, name).await {
        Ok(url) => url,
        Err(e) if e.kind == AwsErrorKind::NotFound => {
            return (None, vec![Observation::Missing { kind: ResourceKind::Queue, name: name.to_string() }]);
        }
        Err(e) => return (None, vec![problem(Subject::Queues, Some(name), e)]),
    };
    let mut notes = Vec::new();
    let identity = match queues::queue_identity(clients, name, &url).await {
        Ok(identity) => identity,
        Err(e) => {
            notes.push(problem(Subject::Queues, Some(name), e));
            queues::QueueIdentity::default()
        }
    };
    let max_receive_counts = identity.max_receive_count.map(|c| (name.to_string(), c)).into_iter().collect();
    let queue = QueueRef { name: name.to_string(), url, arn: identity.arn, max_receive_counts, ..QueueRef::default() };
    (Some((queue, identity.dead_letter_target)), notes)
}

/// `resolve_queue` for each of `names`, in their order, `CONCURRENT_CALLS` at a time: a thousand watched
/// queues are two thousand calls, which one after the other took minutes. What went wrong goes to `notes`.
async fn resolve_all(
    clients: &Clients,
    names: &[String],
    notes: &mut Vec<Observation>,
) -> Vec<Option<(QueueRef, Option<String>)>> {
    use futures_util::stream::{self, StreamExt};
    // The futures are made before they go into the stream (rust-lang/rust#102211, as in `sqs::poll`).
    let resolving: Vec<_> = names.iter().map(|name| resolve_queue(clients, name)).collect();
    let resolved: Vec<_> = stream::iter(resolving).buffered(super::CONCURRENT_CALLS).collect().await;
    resolved
        .into_iter()
        .map(|(found, said)| {
            notes.extend(said);
            found
        })
        .collect()
}

async fn list_queue_names(clients: &Clients, notes: &mut Vec<Observation>) -> Vec<String> {
    match clients.sqs.list_queues().max_results(LIMIT as i32 + 1).send().await {
        Ok(out) => {
            let mut names: Vec<String> = out.queue_urls().iter().map(|u| name_from_url(u).to_string()).collect();
            if names.len() > LIMIT || out.next_token().is_some() {
                names.truncate(LIMIT);
                notes.push(Observation::Truncated { kind: ResourceKind::Queue, limit: LIMIT });
            }
            names
        }
        Err(e) => {
            notes.push(problem(Subject::Queues, None, aws_error("sqs:ListQueues", e)));
            Vec::new()
        }
    }
}

/// The functions a queue's event source mappings invoke (`listed`: its mappings as `mappings::of_queues` read
/// them), the one that consumes first: each as the alias it invokes, or (a version or `$LATEST`) the whole
/// function, whose aliases are then all shown.
fn consumers_of(listed: Result<Vec<EventSourceMapping>, AwsError>, notes: &mut Vec<Observation>) -> Vec<FunctionRef> {
    match listed {
        Ok(found) => found
            .into_iter()
            .map(|m| FunctionRef { alias: m.qualifier.alias().map(str::to_string), name: m.function })
            .collect(),
        Err(e) => {
            notes.push(problem(Subject::Functions, None, e));
            Vec::new()
        }
    }
}

async fn queues(clients: &Clients, watch: Option<&Watch>, inv: &mut Inventory) {
    let names = match watch {
        Some(w) => w.queues.clone(),
        None => list_queue_names(clients, &mut inv.notes).await,
    };
    let mut sources = Vec::new();
    let mut dlq_arns = Vec::new();
    for (mut queue, dlq_arn) in resolve_all(clients, &names, &mut inv.notes).await.into_iter().flatten() {
        if let Some(arn) = &dlq_arn {
            queue.dlq = Some(name_from_arn(arn).to_string());
            dlq_arns.push((arn.clone(), queue.name.clone()));
        }
        sources.push(queue);
    }
    // A queue that is some queue's DLQ is shown as a DLQ, not as a source queue.
    let dlq_names: Vec<String> = dlq_arns.iter().map(|(a, _)| name_from_arn(a).to_string()).collect();
    let extra = watch.map(|w| w.dlqs.clone()).unwrap_or_default();
    // The DLQs that are no watched queue, resolved side by side first.
    let mut unresolved: Vec<String> = Vec::new();
    for name in dlq_names.iter().chain(extra.iter()) {
        if !sources.iter().any(|q| &q.name == name) && !unresolved.contains(name) {
            unresolved.push(name.clone());
        }
    }
    let found = resolve_all(clients, &unresolved, &mut inv.notes).await;
    let mut resolved: std::collections::HashMap<String, Option<QueueRef>> =
        unresolved.into_iter().zip(found.into_iter().map(|f| f.map(|(queue, _)| queue))).collect();
    for name in dlq_names.iter().chain(extra.iter()) {
        if inv.dlqs.iter().any(|d| &d.name == name) {
            continue;
        }
        let named_by: Vec<String> =
            dlq_arns.iter().filter(|(a, _)| name_from_arn(a) == name).map(|(_, s)| s.clone()).collect();
        let existing = sources.iter().position(|q| &q.name == name);
        let dlq = match existing {
            Some(i) => Some(sources.remove(i)),
            None => resolved.remove(name).flatten(),
        };
        if let Some(mut dlq) = dlq {
            dlq.max_receive_counts = sources
                .iter()
                .filter(|s| named_by.contains(&s.name))
                .flat_map(|s| s.max_receive_counts.clone())
                .collect();
            dlq.sources = match named_by.is_empty() {
                false => DlqSources::Queues(named_by),
                true => dlq_sources(clients, &dlq.url, &mut inv.notes).await,
            };
            inv.dlqs.push(dlq);
        }
    }
    // Every queue's mappings in one go (`mappings::of_queues`: a big account's in a few listings of them all).
    let arns: Vec<&str> = sources.iter().map(|q| q.arn.as_str()).filter(|arn| !arn.is_empty()).collect();
    let mut listed = mappings::of_queues(clients, &arns).await.into_iter();
    for queue in sources.iter_mut().filter(|q| !q.arn.is_empty()) {
        let consumers = consumers_of(listed.next().unwrap_or(Ok(Vec::new())), &mut inv.notes);
        queue.consumer = consumers.first().map(|f| f.name.clone());
        for f in consumers {
            match inv.functions.iter_mut().find(|x| x.name == f.name) {
                // Invoked through two aliases (or an alias and $LATEST): every alias is shown.
                Some(known) if known.alias != f.alias => known.alias = None,
                Some(_) => {}
                None => inv.functions.push(f),
            }
        }
    }
    inv.queues = sources;
}

/// ListDeadLetterSourceQueues (first 1,000): the sources of a DLQ no watched queue names. None at all means no
/// SQS queue's RedrivePolicy names it (a Lambda or SNS dead-letter queue), so SQS cannot redrive it. An endpoint
/// without the call (an emulator) leaves them unknown; other failures are reported.
async fn dlq_sources(clients: &Clients, dlq_url: &str, notes: &mut Vec<Observation>) -> DlqSources {
    match clients.sqs.list_dead_letter_source_queues().queue_url(dlq_url).max_results(1000).send().await {
        Ok(out) if out.queue_urls().is_empty() => DlqSources::NoSqsQueue,
        Ok(out) => DlqSources::Queues(out.queue_urls().iter().map(|u| name_from_url(u).to_string()).collect()),
        Err(e) => {
            let e = aws_error("sqs:ListDeadLetterSourceQueues", e);
            if e.kind != AwsErrorKind::Unsupported {
                notes.push(problem(Subject::DeadLetterQueues, None, e));
            }
            DlqSources::Unknown
        }
    }
}

async fn functions(clients: &Clients, watch: Option<&Watch>, inv: &mut Inventory) {
    let named: Vec<FunctionRef> = match watch {
        Some(w) => w
            .functions
            .iter()
            .map(|f| match f.split_once(':') {
                Some((name, alias)) => FunctionRef { name: name.into(), alias: Some(alias.into()) },
                None => FunctionRef { name: f.clone(), alias: None },
            })
            .collect(),
        None => match clients.lambda.list_functions().max_items(LIMIT as i32).send().await {
            Ok(out) => {
                if out.next_marker().is_some() {
                    inv.notes.push(Observation::Truncated { kind: ResourceKind::Function, limit: LIMIT });
                }
                out.functions()
                    .iter()
                    .filter_map(|f| f.function_name())
                    .map(|n| FunctionRef { name: n.to_string(), alias: None })
                    .collect()
            }
            Err(e) => {
                inv.notes.push(problem(Subject::Functions, None, aws_error("lambda:ListFunctions", e)));
                Vec::new()
            }
        },
    };
    for f in named {
        if !inv.functions.iter().any(|x| x.name == f.name) {
            inv.functions.push(f);
        }
    }
}

async fn databases(clients: &Clients, watch: Option<&Watch>, inv: &mut Inventory) {
    let wanted: Option<Vec<String>> = watch.map(|w| w.clusters.clone());
    if wanted.as_ref().is_none_or(|w| !w.is_empty()) {
        // Named clusters by identifier (a big account's 501st is found); otherwise every cluster, one engine at a
        // time if one engine's answer cannot be read.
        let read = match &wanted {
            Some(ids) => databases::named(clients, Kind::Clusters, ids).await,
            None => databases::every(clients, Kind::Clusters, &databases::CLUSTER_ENGINES).await,
        }
        .clusters();
        for c in &read.items {
            let id = c.db_cluster_identifier().unwrap_or_default();
            if wanted.as_ref().is_none_or(|w| w.iter().any(|x| x == id)) {
                inv.clusters.push(cluster_ref(c));
            }
        }
        for (what, e) in read.failed {
            let resource = wanted.as_ref().is_some_and(|w| w.contains(&what)).then_some(what.as_str());
            inv.notes.push(problem(Subject::Databases, resource, e));
        }
        for id in wanted.iter().flatten() {
            let failed =
                inv.notes.iter().any(|n| matches!(n, Observation::Problem(p) if p.resource.as_deref() == Some(id)));
            match (inv.cluster(id).is_some(), failed) {
                (true, _) => {}
                // Named but unreadable: a row of its own (status unknown, its problem beside it), never silently
                // absent, and no operation, since its engine is not known. Each poll reads it again.
                (false, true) => inv.clusters.push(ClusterRef {
                    id: id.clone(),
                    engine: String::new(),
                    kind: ClusterKind::Unknown,
                    members: Vec::new(),
                }),
                (false, false) => {
                    inv.notes.push(Observation::Missing { kind: ResourceKind::Cluster, name: id.clone() })
                }
            }
        }
        if watch.is_none() && inv.clusters.len() > LIMIT {
            inv.clusters.truncate(LIMIT);
            inv.notes.push(Observation::Truncated { kind: ResourceKind::Cluster, limit: LIMIT });
        }
    }
    let standalone: Vec<String> = watch.map(|w| w.instances.clone()).unwrap_or_default();
    if watch.is_none() || !standalone.is_empty() {
        let read = match watch {
            Some(_) => databases::named(clients, Kind::Instances, &standalone).await,
            None => databases::every(clients, Kind::Instances, &databases::INSTANCE_ENGINES).await,
        }
        .instances();
        let mut lone_found = 0;
        for i in &read.items {
            let id = i.db_instance_identifier().unwrap_or_default().to_string();
            // An empty identifier is no cluster (an emulator writes the element empty; AWS leaves it out).
            let lone = i.db_cluster_identifier().is_none_or(str::is_empty);
            let discovering = watch.is_none() && lone;
            if discovering {
                lone_found += 1;
                if lone_found > LIMIT {
                    continue;
                }
            }
            if discovering || standalone.contains(&id) {
                inv.clusters.push(ClusterRef {
                    id: id.clone(),
                    engine: i.engine().unwrap_or_default().to_string(),
                    kind: ClusterKind::Instance { multi_az: i.multi_az().unwrap_or(false) },
                    members: vec![(id, true)],
                });
            }
        }
        if lone_found > LIMIT {
            inv.notes.push(Observation::Truncated { kind: ResourceKind::Instance, limit: LIMIT });
        }
        let mut failed = Vec::new();
        for (what, e) in read.failed {
            let resource = standalone.contains(&what).then_some(what.as_str());
            inv.notes.push(problem(Subject::Databases, resource, e));
            failed.push(what);
        }
        for id in &standalone {
            if inv.cluster(id).is_none() && !failed.contains(id) {
                inv.notes.push(Observation::Missing { kind: ResourceKind::Instance, name: id.clone() });
            }
        }
    }
}

/// A cluster's reference from its DescribeDBClusters answer, its kind from its engine (`ClusterKind::of_cluster_engine`).
pub fn cluster_ref(c: &aws_sdk_rds::types::DbCluster) -> ClusterRef {
    let engine = c.engine().unwrap_or_default().to_string();
    ClusterRef {
        id: c.db_cluster_identifier().unwrap_or_default().to_string(),
        kind: ClusterKind::of_cluster_engine(&engine),
        engine,
        members: c
            .db_cluster_members()
            .iter()
            .filter_map(|m| Some((m.db_instance_identifier()?.to_string(), m.is_cluster_writer().unwrap_or(false))))
            .collect(),
    }
}

/// Resolves the watch list (or discovers everything) into an inventory.
pub async fn discover(clients: &Clients, watch: Option<&Watch>) -> Inventory {
    let mut inv = Inventory {
        alarm_prefixes: watch.map(|w| w.alarm_prefixes.clone()).unwrap_or_default(),
        alarm_names: watch.map(|w| w.alarms.clone()).unwrap_or_default(),
        ..Inventory::default()
    };
    queues(clients, watch, &mut inv).await;
    functions(clients, watch, &mut inv).await;
    databases(clients, watch, &mut inv).await;
    inv
}
