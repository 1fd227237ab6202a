//! What each poll of the simulated account sees: the real-time view (SQS GetQueueAttributes and
//! ListMessageMoveTasks) and the inventory (alarms, the alias, the cluster's members).

use super::{World, physics};
use crate::model::{
    ClusterKind, ClusterStatus, DlqSources, DlqStatus, EventSourceMapping, FunctionStatus, InstanceStatus,
    MappingState, Observation, PublishedVersion, Qualifier, QueueStatus,
};

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
            // The scenario's versions below the alias's, newest first: what ListVersionsByFunction would list.
            published: {
                let mut below: Vec<u32> =
                    f.versions.iter().map(|v| v.version).filter(|v| *v < self.alias_version).collect();
                below.sort_unstable_by(|a, b| b.cmp(a));
                below
                    .into_iter()
                    .take(PublishedVersion::OFFERED)
                    .map(|v| PublishedVersion {
                        version: v.to_string(),
                        published_at: None,
                        description: String::new(),
                    })
                    .collect()
            },
            last_move: self.last_move.clone(),
        }));
        // The queue's one event source mapping, invoking the alias: what ListEventSourceMappings would list.
        out.push(Observation::Mappings {
            queue: self.scenario.queue.name.clone(),
            mappings: vec![EventSourceMapping {
                uuid: super::MAPPING_UUID.to_string(),
                queue: self.scenario.queue.name.clone(),
                function: f.name.clone(),
                qualifier: Qualifier::Alias(f.alias.clone()),
                state: if self.mapping_enabled { MappingState::Enabled } else { MappingState::Disabled },
                reason: "USER_INITIATED".to_string(),
                batch_size: Some(physics::BATCH_SIZE as u32),
                max_concurrency: self.max_concurrency,
                code: None,
                reserved_concurrency: None,
            }],
        });
        out.push(Observation::Cluster(self.cluster()));
        out
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
