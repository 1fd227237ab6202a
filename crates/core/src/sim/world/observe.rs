//! What each poll of the simulated account sees: the real-time view (SQS GetQueueAttributes and
//! ListMessageMoveTasks) and the inventory (alarms, the alias, the cluster's members).

use super::{World, code_sha, physics};
use crate::model::{
    ClusterKind, ClusterStatus, Code, DlqSources, DlqStatus, EventSourceMapping, FunctionConfig, FunctionStatus,
    InstanceStatus, MappingState, Observation, PackageType, PublishedVersion, Qualifier, QueueStatus,
};

/// Every simulated version's configuration: the same, so a code restore leaves no difference behind.
fn sim_config() -> FunctionConfig {
    FunctionConfig {
        package_type: PackageType::Zip,
        handler: Some("handler.main".to_string()),
        runtime: Some("python3.12".to_string()),
        memory_mb: Some(512),
        timeout_seconds: Some(30),
        environment: vec!["DB_URL".to_string()],
        layers: Vec::new(),
    }
}

impl World {
    /// The real-time view: the clock, the queue's and DLQ's counts, and the latest move task.
    pub fn fast_snapshot(&self) -> Vec<Observation> {
        let q = &self.scenario.queue;
        let mut out = vec![
            Observation::Clock(self.now),
            Observation::Queue(QueueStatus {
                name: q.name.clone(),
                visible: self.visible.round() as u64,
                in_flight: self.in_flight.round() as u64,
                dlq: Some(q.dlq.clone()),
                consumer: Some(self.scenario.function.name.clone()),
                retention_seconds: Some(physics::RETENTION_SECONDS),
            }),
            Observation::Dlq(DlqStatus {
                name: q.dlq.clone(),
                sources: DlqSources::Queues(vec![q.name.clone()]),
                depth: self.dlq.round() as u64,
                arn: Some(super::queue_arn(&q.dlq)),
                retention_seconds: Some(physics::DLQ_RETENTION_SECONDS),
                max_receive_counts: vec![(q.name.clone(), q.max_receive_count)],
            }),
        ];
        if let Some(task) = &self.redrive {
            out.push(Observation::Redrive(task.clone()));
        }
        out
    }

    /// The inventory view: alarms, the alias, the queue's event source mapping, the cluster's members.
    pub fn inventory_snapshot(&self) -> Vec<Observation> {
        let f = &self.scenario.function;
        let mut out: Vec<Observation> = self.alarms.iter().map(|a| Observation::Alarm(a.status.clone())).collect();
        out.push(Observation::Function(FunctionStatus {
            name: f.name.clone(),
            alias: f.alias.clone(),
            version: self.alias_version.to_string(),
            previous_version: self.last_move.as_ref().and_then(|m| m.from.clone()),
            // The scenario's published versions below the alias's, newest first: what ListVersionsByFunction would
            // list.
            published: self
                .published()
                .into_iter()
                .filter(|v| v.version.parse().is_ok_and(|n: u32| n < self.alias_version))
                .collect(),
            versions: self.published(),
            last_move: self.last_move.clone(),
        }));
        // The queue's one event source mapping: what ListEventSourceMappings would list, with the code its
        // qualifier runs (GetFunctionConfiguration).
        let running = self.running_version();
        let code = Code {
            version: match self.mapping_qualifier {
                Qualifier::Latest => "$LATEST".to_string(),
                _ => running.to_string(),
            },
            sha256: code_sha(self.code_of(running)),
            last_modified: Some(match self.mapping_qualifier {
                Qualifier::Latest => self.latest_changed,
                _ => self.scenario.start - chrono::Duration::days(3),
            }),
            revision: Some(super::revision_id(self.latest_revision)),
            config: Some(sim_config()),
        };
        out.push(Observation::Mappings {
            queue: self.scenario.queue.name.clone(),
            mappings: vec![EventSourceMapping {
                uuid: super::MAPPING_UUID.to_string(),
                queue: self.scenario.queue.name.clone(),
                function: f.name.clone(),
                qualifier: self.mapping_qualifier.clone(),
                state: if self.mapping_enabled { MappingState::Enabled } else { MappingState::Disabled },
                reason: "USER_INITIATED".to_string(),
                batch_size: Some(physics::BATCH_SIZE as u32),
                max_concurrency: self.max_concurrency,
                code: Some(code),
                reserved_concurrency: None,
                last_modified: Some(self.mapping_modified),
                published: match self.mapping_qualifier {
                    Qualifier::Alias(_) => Vec::new(),
                    _ => self.published(),
                },
                previous: None,
            }],
            at: self.now,
        });
        out.push(Observation::Cluster(self.cluster()));
        out.extend(self.instances.iter().map(|i| self.sql.access(&i.id)));
        out
    }

    /// The scenario's published versions, newest first, at most `PublishedVersion::OFFERED`, with their
    /// CodeSha256: what ListVersionsByFunction would list.
    fn published(&self) -> Vec<PublishedVersion> {
        let scenario = self.scenario.function.versions.iter().filter(|v| v.published).map(|v| v.version);
        let mut published: Vec<u32> = scenario.chain(self.republished.iter().map(|(v, _)| *v)).collect();
        published.sort_unstable_by(|a, b| b.cmp(a));
        published
            .into_iter()
            .take(PublishedVersion::OFFERED)
            .map(|v| PublishedVersion {
                version: v.to_string(),
                published_at: None,
                description: String::new(),
                sha256: code_sha(self.code_of(v)),
                config: Some(sim_config()),
            })
            .collect()
    }

    fn cluster(&self) -> ClusterStatus {
        let db = &self.scenario.database;
        ClusterStatus {
            id: db.cluster.clone(),
            engine: db.engine.clone(),
            kind: ClusterKind::Aurora,
            status: self.cluster_status.clone(),
            members: self
                .instances
                .iter()
                .map(|i| InstanceStatus { id: i.id.clone(), role: i.role, status: i.status.clone() })
                .collect(),
        }
    }
}
