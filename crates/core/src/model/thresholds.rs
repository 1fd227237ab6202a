//! Which line a resource breaches at, and where that line comes from: the config's own line for the resource,
//! else the resource's CloudWatch alarm on the same metric, else the config's default. Thresholds are the
//! account's before they are warroom's: an alarm at 300 s on a queue means the team pages at 300 s.

use crate::config::Thresholds;

use super::{Data, MetricKind};

/// Where a resource's threshold comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ThresholdSource {
    /// `[thresholds.queues]` or `[thresholds.databases]` names the resource (or its cluster).
    Config,
    /// A metric alarm on the resource's own metric (the lowest, when several): its name.
    Alarm(String),
    /// `[thresholds]`'s `queue_age_seconds` / `db_cpu_percent`, or their defaults (60 s, 70 %).
    Default,
}

/// A resource's breach line on one metric, and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    /// In the metric's unit: seconds for queue age, percent for CPU.
    pub value: f64,
    /// Where it comes from.
    pub source: ThresholdSource,
}

impl Threshold {
    /// Where it comes from, as the detail view says it: `from alarm orders-age`, `from the config`, `default`.
    pub fn source_label(&self) -> String {
        match &self.source {
            ThresholdSource::Config => "from the config".to_string(),
            ThresholdSource::Alarm(name) => format!("from alarm {name}"),
            ThresholdSource::Default => "default".to_string(),
        }
    }
}

impl Data {
    /// The threshold `resource` breaches at on `metric` (queue age: a queue's name; CPU: a DB instance's
    /// identifier, which also takes its cluster's line): the config's line for it, else the lowest threshold of
    /// a metric alarm on that metric naming it (or its cluster), else the config's default. `None` for a metric
    /// warroom keeps no threshold for.
    pub fn threshold(&self, thresholds: &Thresholds, resource: &str, metric: MetricKind) -> Option<Threshold> {
        let (overrides, default) = match metric {
            MetricKind::QueueAge => (&thresholds.queues, thresholds.queue_age_seconds),
            MetricKind::DbCpu => (&thresholds.databases, thresholds.db_cpu_percent),
            _ => return None,
        };
        // An instance answers to its own name and its cluster's; with several targets, the config's lines name
        // them as AWS does, without the target's label.
        let cluster = self.instances().find(|(_, i)| i.id == resource).map(|(c, _)| c.id.as_str());
        let names = [Some(resource), cluster];
        let named = |name: &str| names.contains(&Some(name));
        let bare = |name: &str| super::split(&self.targets, name).map(|(_, bare)| bare.to_string());
        let line = |name: &str| overrides.get(name).or_else(|| bare(name).and_then(|b| overrides.get(&b)));
        if let Some(value) = names.iter().flatten().find_map(|n| line(n)) {
            return Some(Threshold { value: *value, source: ThresholdSource::Config });
        }
        let alarm = self
            .alarms
            .iter()
            .filter_map(|a| {
                let line = a.threshold.filter(|t| t.metric == metric)?;
                a.resources.first().filter(|r| named(r))?;
                Some((line.value, &a.name))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0));
        Some(match alarm {
            Some((value, name)) => Threshold { value, source: ThresholdSource::Alarm(name.clone()) },
            None => Threshold { value: default, source: ThresholdSource::Default },
        })
    }

    /// `threshold`'s value, for a metric that has one; `f64::INFINITY` (never breached) otherwise.
    pub fn threshold_value(&self, thresholds: &Thresholds, resource: &str, metric: MetricKind) -> f64 {
        self.threshold(thresholds, resource, metric).map_or(f64::INFINITY, |t| t.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AlarmState, AlarmThreshold, Observation};

    fn with_alarm(data: &mut Data, name: &str, resource: &str, metric: MetricKind, value: f64) {
        data.apply(Observation::Alarm(crate::model::AlarmStatus {
            name: name.into(),
            kind: crate::model::AlarmKind::Metric,
            state: AlarmState::Ok,
            since: chrono::DateTime::<chrono::Utc>::MIN_UTC,
            resources: vec![resource.into()],
            reason: String::new(),
            threshold: Some(AlarmThreshold { metric, value }),
        }));
    }

    #[test]
    fn the_config_names_it_else_its_own_alarm_else_the_default() {
        let mut data = crate::fixture::incident().state(true).data;
        let mut t = Thresholds::default();
        let age = |d: &Data, t: &Thresholds| d.threshold(t, "orders", MetricKind::QueueAge).expect("age");
        assert_eq!(age(&data, &t), Threshold { value: 60.0, source: ThresholdSource::Default });
        with_alarm(&mut data, "orders-age-page", "orders", MetricKind::QueueAge, 300.0);
        with_alarm(&mut data, "orders-age-warn", "orders", MetricKind::QueueAge, 120.0);
        with_alarm(&mut data, "payments-age", "payments", MetricKind::QueueAge, 10.0);
        let from_alarm = age(&data, &t);
        assert_eq!(from_alarm.value, 120.0, "the lowest of the queue's own alarms: the first to page");
        assert_eq!(from_alarm.source_label(), "from alarm orders-age-warn");
        t.queues.insert("orders".into(), 90.0);
        assert_eq!(age(&data, &t), Threshold { value: 90.0, source: ThresholdSource::Config });
        assert_eq!(data.threshold(&t, "orders", MetricKind::Sent), None, "no threshold on traffic");
    }

    #[test]
    fn an_instance_takes_its_clusters_line() {
        let mut data = crate::fixture::incident().state(true).data;
        let (cluster, instance) =
            data.instances().next().map(|(c, i)| (c.id.clone(), i.id.clone())).expect("the fixture has a database");
        with_alarm(&mut data, "db-cpu", &cluster, MetricKind::DbCpu, 85.0);
        let t = Thresholds::default();
        assert_eq!(data.threshold_value(&t, &instance, MetricKind::DbCpu), 85.0);
        let mut t = t;
        t.databases.insert(cluster, 95.0);
        assert_eq!(data.threshold_value(&t, &instance, MetricKind::DbCpu), 95.0);
    }
}
