//! The scenario's alarms, evaluated like CloudWatch metric alarms at each minute's close: ALARM after `periods`
//! breaching minutes in a row, OK at the first minute that does not breach.

use chrono::{DateTime, Utc};

use super::World;
use crate::model::{AlarmKind, AlarmState, AlarmStatus, AlarmThreshold, EventKind, MetricKind};
use crate::sim::scenario::{AlarmMetric, AlarmSpec};

/// One alarm and how many breaching minutes it has seen in a row.
#[derive(Debug, Clone)]
pub(super) struct Alarm {
    pub status: AlarmStatus,
    metric: AlarmMetric,
    threshold: f64,
    /// Breaching minutes in a row before ALARM (CloudWatch's EvaluationPeriods).
    periods: u32,
    breaching_periods: u32,
}

impl Alarm {
    pub fn new(spec: &AlarmSpec, start: DateTime<Utc>) -> Alarm {
        Alarm {
            status: AlarmStatus {
                name: spec.name.clone(),
                state: AlarmState::Ok,
                since: start,
                kind: AlarmKind::Metric,
                resources: vec![spec.resource.clone()],
                reason: format!("threshold {}", spec.threshold),
                threshold: match spec.metric {
                    AlarmMetric::QueueAge => Some(MetricKind::QueueAge),
                    AlarmMetric::DbCpu => Some(MetricKind::DbCpu),
                    AlarmMetric::DlqDepth => None,
                }
                .map(|metric| AlarmThreshold { metric, value: spec.threshold }),
            },
            metric: spec.metric,
            threshold: spec.threshold,
            periods: spec.periods.max(1),
            breaching_periods: 0,
        }
    }

    /// The state after a minute whose value was `value`; `Some` when it changed.
    fn evaluate(&mut self, value: f64, now: DateTime<Utc>) -> Option<AlarmState> {
        self.breaching_periods = if value > self.threshold { self.breaching_periods + 1 } else { 0 };
        let next = if self.breaching_periods >= self.periods { AlarmState::Alarm } else { AlarmState::Ok };
        if next == self.status.state {
            return None;
        }
        let firing = next == AlarmState::Alarm;
        self.status.state = next;
        self.status.since = now;
        self.status.reason = format!(
            "{} datapoint(s) {} the threshold ({value:.0} {} {})",
            self.periods,
            if firing { "above" } else { "no longer above" },
            if firing { ">" } else { "≤" },
            self.threshold
        );
        Some(next)
    }
}

impl World {
    /// Evaluates every alarm on the minute's values and puts each transition on the timeline.
    pub(super) fn evaluate_alarms(&mut self, values: &[(AlarmMetric, f64)]) {
        let now = self.now;
        let mut transitions = Vec::new();
        for alarm in &mut self.alarms {
            let value = values.iter().find(|(m, _)| *m == alarm.metric).map_or(0.0, |(_, v)| *v);
            if let Some(state) = alarm.evaluate(value, now) {
                transitions.push((alarm.status.name.clone(), alarm.status.resources.first().cloned(), state));
            }
        }
        for (name, resource, state) in transitions {
            let arrow = if state == AlarmState::Alarm { "OK → ALARM" } else { "ALARM → OK" };
            self.emit_event(EventKind::Alarm, resource.as_deref(), format!("{name}: {arrow}"), None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alarm_needs_its_periods_in_a_row_and_recovers_at_once() {
        let spec = AlarmSpec {
            name: "cpu".into(),
            resource: "db".into(),
            metric: AlarmMetric::DbCpu,
            threshold: 70.0,
            periods: 3,
        };
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let mut alarm = Alarm::new(&spec, t0);
        let states: Vec<Option<AlarmState>> =
            [80.0, 80.0, 60.0, 80.0, 80.0, 80.0, 90.0, 70.0].iter().map(|v| alarm.evaluate(*v, t0)).collect();
        use AlarmState::{Alarm as A, Ok as O};
        assert_eq!(states, [None, None, None, None, None, Some(A), None, Some(O)], "70 is not above 70");
    }
}
