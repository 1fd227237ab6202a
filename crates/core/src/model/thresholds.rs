//! Which line a resource breaches at, and where that line comes from: the config's own line for the resource,
//! else the resource's CloudWatch alarm on the same metric, else the config's default. Thresholds are the
//! account's before they are warroom's: an alarm at 300 s on a queue means the team pages at 300 s.

use std::collections::{BTreeMap, HashMap};

use crate::config::Thresholds;

use super::{AlarmStatus, Data, MetricKind};

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
        config_lines(thresholds, metric)?;
        // Only CPU is watched per instance and named by its cluster.
        let cluster = match metric {
            MetricKind::DbCpu => self.instances().find(|(_, i)| i.id == resource).map(|(c, _)| c.id.as_str()),
            _ => None,
        };
        let alarm = |name: &str| {
            self.alarms
                .iter()
                .enumerate()
                .filter_map(|(at, a)| alarm_line(a, metric, name).map(|(value, name)| (value, at, name)))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
        };
        self.resolve(thresholds, resource, metric, cluster, alarm)
    }

    /// `threshold`, given `resource`'s cluster and, for a name, its lowest alarm line on `metric` (value, the
    /// alarm's place in `alarms`, its name): by a scan for one resource, from a `ThresholdIndex` for many.
    fn resolve<'a>(
        &'a self,
        thresholds: &Thresholds,
        resource: &str,
        metric: MetricKind,
        cluster: Option<&str>,
        alarm: impl Fn(&str) -> Option<(f64, usize, &'a String)>,
    ) -> Option<Threshold> {
        let (overrides, default) = config_lines(thresholds, metric)?;
        // An instance answers to its own name and its cluster's; with several targets, the config's lines name
        // them as AWS does, without the target's label.
        let names = [Some(resource), cluster];
        let line = |name: &str| {
            overrides.get(name).or_else(|| super::split(&self.targets, name).and_then(|(_, bare)| overrides.get(bare)))
        };
        if let Some(value) = names.iter().flatten().find_map(|n| line(n)) {
            return Some(Threshold { value: *value, source: ThresholdSource::Config });
        }
        // The lowest line of an alarm naming either; of equal ones, the first listed.
        let lowest =
            names.iter().flatten().filter_map(|n| alarm(n)).min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        Some(match lowest {
            Some((value, _, name)) => Threshold { value, source: ThresholdSource::Alarm(name.clone()) },
            None => Threshold { value: default, source: ThresholdSource::Default },
        })
    }

    /// Every resource's threshold at once (`ThresholdIndex`): for a loop over thousands of rows, where
    /// `threshold` for each would scan every alarm and instance each time.
    pub fn threshold_index<'a>(&'a self, thresholds: &'a Thresholds) -> ThresholdIndex<'a> {
        let cluster_of = self.instances().map(|(c, i)| (i.id.as_str(), c.id.as_str())).collect();
        let mut alarms: HashMap<(&str, MetricKind), (f64, usize, &String)> = HashMap::new();
        for (at, a) in self.alarms.iter().enumerate() {
            let (Some(line), Some(first)) = (a.threshold, a.resources.first()) else { continue };
            let entry = alarms.entry((first.as_str(), line.metric)).or_insert((line.value, at, &a.name));
            if line.value < entry.0 {
                *entry = (line.value, at, &a.name);
            }
        }
        ThresholdIndex { data: self, thresholds, cluster_of, alarms }
    }

    /// The line every resource has on `metric` when none has its own (no config line names a resource, no alarm
    /// sets one): the config's default. `None` when some may differ, or for a metric with no threshold. One pass
    /// over the alarms, without building the index: a pane's title asks it on every frame.
    pub fn shared_threshold(&self, thresholds: &Thresholds, metric: MetricKind) -> Option<f64> {
        let (overrides, default) = config_lines(thresholds, metric)?;
        let alarmed =
            self.alarms.iter().any(|a| a.threshold.is_some_and(|t| t.metric == metric) && !a.resources.is_empty());
        (overrides.is_empty() && !alarmed).then_some(default)
    }

    /// `threshold`'s value, for a metric that has one; `f64::INFINITY` (never breached) otherwise.
    pub fn threshold_value(&self, thresholds: &Thresholds, resource: &str, metric: MetricKind) -> f64 {
        self.threshold(thresholds, resource, metric).map_or(f64::INFINITY, |t| t.value)
    }
}

/// The config's lines for `metric` (per resource, by name) and its default; `None` for a metric warroom keeps
/// no threshold for.
fn config_lines(thresholds: &Thresholds, metric: MetricKind) -> Option<(&BTreeMap<String, f64>, f64)> {
    match metric {
        MetricKind::QueueAge => Some((&thresholds.queues, thresholds.queue_age_seconds)),
        MetricKind::DbCpu => Some((&thresholds.databases, thresholds.db_cpu_percent)),
        _ => None,
    }
}

/// A metric alarm's line on `metric` when its first resource is `name`: its value and its name.
fn alarm_line<'a>(alarm: &'a AlarmStatus, metric: MetricKind, name: &str) -> Option<(f64, &'a String)> {
    let line = alarm.threshold.filter(|t| t.metric == metric)?;
    alarm.resources.first().filter(|r| *r == name)?;
    Some((line.value, &alarm.name))
}

/// Every resource's threshold, looked up in maps built once from the alarms and the clusters
/// (`Data::threshold_index`): what `Data::threshold` says for each, in constant time.
pub struct ThresholdIndex<'a> {
    data: &'a Data,
    thresholds: &'a Thresholds,
    /// Each DB instance's cluster.
    cluster_of: HashMap<&'a str, &'a str>,
    /// For a resource named first by a metric alarm, and the alarm's metric: the lowest line, the alarm's place
    /// in the list, and its name.
    alarms: HashMap<(&'a str, MetricKind), (f64, usize, &'a String)>,
}

impl ThresholdIndex<'_> {
    /// `Data::threshold` of `resource` on `metric`.
    pub fn get(&self, resource: &str, metric: MetricKind) -> Option<Threshold> {
        let cluster = self.cluster_of.get(resource).copied();
        self.data.resolve(self.thresholds, resource, metric, cluster, |name| self.alarms.get(&(name, metric)).copied())
    }

    /// `Data::threshold_value` of `resource` on `metric`: `f64::INFINITY` where there is no threshold.
    pub fn value(&self, resource: &str, metric: MetricKind) -> f64 {
        self.get(resource, metric).map_or(f64::INFINITY, |t| t.value)
    }

    /// The distinct lines `resources` have on `metric`, in the order met, stopping at the second: none, one
    /// shared, or several. Looks every resource up: where `Data::shared_threshold` answers, it needs no index.
    pub fn distinct<'r>(&self, resources: impl IntoIterator<Item = &'r str>, metric: MetricKind) -> Vec<f64> {
        let mut seen: Vec<f64> = Vec::new();
        for r in resources {
            let v = self.value(r, metric);
            if !seen.contains(&v) {
                seen.push(v);
                if seen.len() > 1 {
                    break;
                }
            }
        }
        seen
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

    #[test]
    fn the_index_says_what_threshold_says_for_every_resource() {
        let mut data = crate::fixture::incident().state(true).data;
        let (cluster, instance) =
            data.instances().next().map(|(c, i)| (c.id.clone(), i.id.clone())).expect("the fixture has a database");
        // Equal lines on an instance and its cluster: the first listed names the threshold, by either way.
        with_alarm(&mut data, "instance-cpu", &instance, MetricKind::DbCpu, 80.0);
        with_alarm(&mut data, "cluster-cpu", &cluster, MetricKind::DbCpu, 80.0);
        with_alarm(&mut data, "orders-age-page", "orders", MetricKind::QueueAge, 300.0);
        with_alarm(&mut data, "orders-age-warn", "orders", MetricKind::QueueAge, 120.0);
        let mut t = Thresholds::default();
        t.queues.insert("payments".into(), 45.0);
        let index = data.threshold_index(&t);
        let queues = data.queues.iter().map(|q| q.name.clone());
        let instances = data.instances().map(|(_, i)| i.id.clone()).collect::<Vec<_>>();
        for name in queues.chain(instances.clone()).chain(["payments".to_string(), "absent".to_string()]) {
            for metric in [MetricKind::QueueAge, MetricKind::DbCpu, MetricKind::Sent] {
                assert_eq!(index.get(&name, metric), data.threshold(&t, &name, metric), "{name} {metric:?}");
            }
        }
        assert_eq!(
            index.get(&instance, MetricKind::DbCpu).map(|l| l.source_label()),
            Some("from alarm cluster-cpu".into()),
            "of equal lines, the first in the alarms' order (by name)"
        );
    }

    /// A pane's title asks which lines its rows have: one shared line without a lookup each, else the distinct
    /// ones as looking every row up finds them, stopping at the second.
    #[test]
    fn distinct_lines_are_the_rows_own_and_one_shared_line_needs_no_lookups() {
        let mut data = crate::fixture::incident().state(true).data;
        for name in ["payments", "refunds"] {
            data.apply(Observation::Queue(crate::model::QueueStatus {
                name: name.into(),
                visible: 0,
                in_flight: 0,
                dlq: None,
                consumer: None,
                retention_seconds: None,
            }));
        }
        let names: Vec<String> = data.queues.iter().map(|q| q.name.clone()).collect();
        let queues = || names.iter().map(String::as_str);
        let brute = |data: &Data, t: &Thresholds| {
            let mut seen: Vec<f64> = Vec::new();
            for q in queues() {
                let v = data.threshold_value(t, q, MetricKind::QueueAge);
                if !seen.contains(&v) && seen.len() < 2 {
                    seen.push(v);
                }
            }
            seen
        };
        let mut t = Thresholds::default();
        assert_eq!(data.shared_threshold(&t, MetricKind::QueueAge), Some(60.0));
        assert_eq!(data.threshold_index(&t).distinct(queues(), MetricKind::QueueAge), [60.0]);
        assert_eq!(data.threshold_index(&t).distinct([], MetricKind::QueueAge), Vec::<f64>::new());
        assert_eq!(data.shared_threshold(&t, MetricKind::Sent), None, "no threshold on traffic");
        with_alarm(&mut data, "orders-age-page", "orders", MetricKind::QueueAge, 300.0);
        assert_eq!(data.shared_threshold(&t, MetricKind::QueueAge), None, "an alarm sets its own line");
        assert_eq!(data.shared_threshold(&t, MetricKind::DbCpu), Some(70.0), "not on another metric");
        assert_eq!(data.threshold_index(&t).distinct(queues(), MetricKind::QueueAge), brute(&data, &t));
        assert_eq!(brute(&data, &t).len(), 2, "orders has its own: {names:?}");
        t.queues.insert("orders".into(), 60.0);
        assert_eq!(data.shared_threshold(&t, MetricKind::QueueAge), None, "a config line");
        assert_eq!(data.threshold_index(&t).distinct(queues(), MetricKind::QueueAge), [60.0], "equal to the rest");
    }
}
