//! What each poll of the simulated account sees: the real-time view (SQS GetQueueAttributes and
//! ListMessageMoveTasks) and the inventory (alarms, the alias, the cluster's members).

use super::World;
use crate::model::{
    ClusterKind, ClusterStatus, DlqSources, DlqStatus, FunctionStatus, InstanceStatus, Observation, PublishedVersion,
    QueueStatus,
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

    /// The inventory view: alarms, the alias, the cluster's members.
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
