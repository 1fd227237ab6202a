//! Which queues get the fast cadence when an account has more than one fast poll can read: those on screen,
//! selected, breaching their age threshold, named by an alarm in ALARM, or feeding a dead-letter queue that grew
//! in the last five minutes (and those DLQs). The loop hands the set to telemetry (`Telemetry::prioritize`); the
//! rest are read in turn.

use std::collections::BTreeSet;

use super::State;
use crate::model::{AlarmState, MetricKind};

/// The rows of each queue pane counted as on screen: a pane at 160×48 shows fewer than 40, and the first rows
/// in the pane's order are where it opens. Rows scrolled to further down are not counted, only the selected one.
pub const ON_SCREEN: usize = 40;

impl State {
    /// The queues and DLQs that should be read at the fast cadence, by name, sorted.
    pub fn hot_queues(&self) -> Vec<String> {
        let rows = self.rows();
        let mut hot: BTreeSet<String> = BTreeSet::new();
        hot.extend(rows.queues().iter().take(ON_SCREEN).map(|q| q.name.clone()));
        hot.extend(rows.dlqs().iter().take(ON_SCREEN).map(|d| d.name.clone()));
        hot.extend(rows.selected_queue().map(|q| q.name.clone()));
        hot.extend(rows.selected_dlq().map(|d| d.name.clone()));
        let data = &self.data;
        let lines = data.threshold_index(&self.thresholds);
        for q in &data.queues {
            let age = data.latest(&q.name, MetricKind::QueueAge).unwrap_or(0.0);
            if age > lines.value(&q.name, MetricKind::QueueAge) {
                hot.insert(q.name.clone());
            }
        }
        let queues: BTreeSet<&str> = data.queues.iter().map(|q| q.name.as_str()).collect();
        for alarm in data.alarms.iter().filter(|a| a.state == AlarmState::Alarm) {
            hot.extend(alarm.resources.iter().filter(|r| queues.contains(r.as_str())).cloned());
        }
        for dlq in &data.dlqs {
            if data.dlq_growth(&dlq.name, 5, self.now).is_some_and(|g| g > 0.0) {
                hot.insert(dlq.name.clone());
                hot.extend(dlq.sources.queues().iter().cloned());
            }
        }
        hot.into_iter().collect()
    }
}
