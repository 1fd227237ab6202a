//! The plans that take load off what a queue's consumers call, at once: pause or resume the queue's event source
//! mapping, or throttle it (its maximum concurrency). Never `PutFunctionConcurrency 0`: the mapping would keep
//! receiving, every invocation would be throttled, and the messages would drift to the DLQ.

use super::State;
use crate::model::{EventSourceMapping, MetricKind, QueueStatus};
use crate::operation::{ConsumerChange, MAX_CONCURRENCY_STEPS, Op, Plan};
use crate::text::compact_duration;

/// MessageRetentionPeriod in words ("4d"), or "unknown" when unread. SQS allows at most 14 days.
fn retention(queue: &QueueStatus) -> String {
    const MAX_SECONDS: u64 = 14 * 24 * 3600;
    queue.retention_seconds.map_or("unknown".to_string(), |r| {
        compact_duration(chrono::Duration::seconds(i64::try_from(r.min(MAX_SECONDS)).unwrap_or(0)))
    })
}

impl State {
    /// The selected queue (Queues pane) and its mappings.
    fn queue_and_mappings(&self) -> Result<(&QueueStatus, &[EventSourceMapping]), String> {
        let queue = self.rows().selected_queue().ok_or("no queue selected (Queues pane is empty)")?;
        let mappings = self.data.mappings_of(&queue.name);
        if mappings.is_empty() {
            return Err(format!(
                "{} has no Lambda event source mapping that warroom knows of: nothing to pause or throttle here \
                 (a consumer outside Lambda is paused where it runs)",
                queue.name
            ));
        }
        Ok((queue, mappings))
    }

    /// How the queue stands, for every consumer plan: its backlog, its oldest message against the retention
    /// period, and the mapping acted on.
    fn consumer_facts(&self, queue: &QueueStatus, m: &EventSourceMapping) -> Vec<String> {
        let age =
            self.data.latest(&queue.name, MetricKind::QueueAge).map_or("–".to_string(), |a| format!("{a:.0} s"));
        let retention = retention(queue);
        let limit = m.max_concurrency.map_or("no maximum concurrency".to_string(), |c| format!("max concurrency {c}"));
        let batch = m.batch_size.map_or(String::new(), |b| format!(", batch {b}"));
        vec![
            format!(
                "{}: {} waiting, {} in flight; oldest message {age}; retention period {retention}",
                queue.name, queue.visible, queue.in_flight
            ),
            format!("mapping {} invokes {}: {}{batch}, {limit}", m.uuid, m.invoked(), m.state.label()),
        ]
    }

    /// The plan to pause the selected queue's consumer: its first mapping that consumes stops polling.
    pub(super) fn plan_pause(&self) -> Result<Plan, String> {
        let (queue, mappings) = self.queue_and_mappings()?;
        let m = mappings.iter().find(|m| m.state.consumes()).ok_or_else(|| {
            format!(
                "the consumer of {} is already paused: {}",
                queue.name,
                self.data.no_consumer(&queue.name).unwrap_or_default()
            )
        })?;
        let mut warnings = vec![
            format!(
                "SQS deletes messages older than the retention period ({}): resume before the oldest reaches it",
                retention(queue)
            ),
            "an infrastructure deploy (CloudFormation, Terraform) may enable the mapping again".to_string(),
        ];
        let others = mappings.iter().filter(|o| o.uuid != m.uuid && o.state.consumes()).count();
        if others > 0 {
            warnings.insert(0, format!("{others} other enabled mapping(s) still consume {}: pause each", queue.name));
        }
        Ok(Plan {
            op: self.consumer_op(queue, m, ConsumerChange::Pause),
            current: self.consumer_facts(queue, m),
            expected: vec![
                format!("Lambda stops polling {}; batches already running finish", queue.name),
                format!(
                    "messages wait in {} and its oldest message ages; the pause itself sends nothing to the DLQ",
                    queue.name
                ),
                "what the consumers call (the database) loses their load within a minute".to_string(),
                format!("verified by GetEventSourceMapping {}: State Disabled", m.uuid),
            ],
            warnings,
        })
    }

    /// The plan to resume the selected queue's paused consumer: its first disabled mapping polls again.
    pub(super) fn plan_resume(&self) -> Result<Plan, String> {
        let (queue, mappings) = self.queue_and_mappings()?;
        let m = mappings
            .iter()
            .find(|m| !m.state.consumes())
            .ok_or_else(|| format!("the consumer of {} is not paused: nothing to resume", queue.name))?;
        let mut warnings: Vec<String> = Self::reserved_warning(m, m.max_concurrency).into_iter().collect();
        // The backlog lands on a database that is already hot.
        for (_, instance) in self.data.instances() {
            let limit = self.data.threshold_value(&self.thresholds, &instance.id, MetricKind::DbCpu);
            if let Some(cpu) =
                self.data.latest(&instance.id, MetricKind::DbCpu).filter(|c| *c > limit && queue.visible > 0)
            {
                warnings.push(format!(
                    "{} CPU is {cpu:.0} % (over {limit:.0} %): the backlog of {} lands on it at once — throttle the \
                     mapping (maximum concurrency) before resuming",
                    instance.id, queue.visible
                ));
            }
        }
        Ok(Plan {
            op: self.consumer_op(queue, m, ConsumerChange::Resume),
            current: self.consumer_facts(queue, m),
            expected: vec![
                format!(
                    "Lambda polls {} again; its backlog of {} drains at the consumers' rate ({})",
                    queue.name,
                    queue.visible,
                    m.max_concurrency.map_or("no maximum concurrency".to_string(), |c| format!("at most {c} at once"))
                ),
                format!("verified by GetEventSourceMapping {}: State Enabled", m.uuid),
            ],
            warnings,
        })
    }

    /// Where the throttle plan opens on `MAX_CONCURRENCY_STEPS`: the step below the mapping's present limit, or
    /// 10 when it has none.
    pub fn throttle_default_step(&self) -> usize {
        let present = self.queue_and_mappings().ok().and_then(|(_, m)| m.first()).and_then(|m| m.max_concurrency);
        match present {
            Some(c) => MAX_CONCURRENCY_STEPS.iter().rposition(|s| s.is_some_and(|s| s < c)).unwrap_or(0),
            None => 2,
        }
    }

    /// The plan to set the selected queue's leading mapping's maximum concurrency to `MAX_CONCURRENCY_STEPS[step]`.
    pub(super) fn plan_throttle(&self, step: usize) -> Result<Plan, String> {
        let (queue, mappings) = self.queue_and_mappings()?;
        let m = &mappings[0];
        let to = MAX_CONCURRENCY_STEPS.get(step).copied().flatten();
        let change = ConsumerChange::Throttle { from: m.max_concurrency, to };
        let mut warnings = Vec::new();
        if to == m.max_concurrency {
            warnings.push("that is its present limit: the call changes nothing".to_string());
        }
        if to.is_some_and(|t| m.max_concurrency.is_none_or(|f| t < f)) {
            warnings.push(format!("fewer consumers drain {} more slowly: its oldest message will age", queue.name));
        }
        if !m.state.consumes() {
            warnings.push(format!("the mapping is {}: the limit applies once it is enabled", m.state.label()));
        }
        warnings.extend(Self::reserved_warning(m, to));
        let expected = match to {
            Some(n) => format!("at most {n} invocations read {} at once: less load downstream", queue.name),
            None => format!("no limit but the function's own concurrency: {} drains as fast as it can", queue.name),
        };
        Ok(Plan {
            op: self.consumer_op(queue, m, change),
            current: self.consumer_facts(queue, m),
            expected: vec![
                expected,
                format!(
                    "verified by GetEventSourceMapping {}: ScalingConfig.MaximumConcurrency {}",
                    m.uuid,
                    to.map_or("absent".to_string(), |n| n.to_string())
                ),
            ],
            warnings,
        })
    }

    /// A function whose reserved concurrency is below what the mapping may run: the mapping keeps receiving, the
    /// invocations beyond it are throttled, and their messages can drift to the DLQ.
    fn reserved_warning(m: &EventSourceMapping, limit: Option<u32>) -> Option<String> {
        let reserved = m.reserved_concurrency?;
        let above = limit.is_none_or(|l| l > reserved);
        above.then(|| {
            format!(
                "{}'s reserved concurrency is {reserved}, below the mapping's maximum ({}): invocations beyond it are \
                 throttled while the mapping keeps receiving, and their messages can drift to the DLQ",
                m.function,
                limit.map_or("none".to_string(), |l| l.to_string())
            )
        })
    }

    fn consumer_op(&self, queue: &QueueStatus, m: &EventSourceMapping, change: ConsumerChange) -> Op {
        Op::Consumer { queue: queue.name.clone(), uuid: m.uuid.clone(), invoked: m.invoked(), change }
    }
}
