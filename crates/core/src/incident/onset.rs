//! When each anomaly began: the moment a watched series crossed its threshold, or its alarm went to ALARM,
//! per resource. Database CPU is watched per instance but named by its cluster, as the alarms name it.

use chrono::{DateTime, Duration, Utc};

use crate::config::Thresholds;
use crate::model::Data;
use crate::model::{AlarmState, AlarmStatus, MetricKind, Series};

/// One resource going over its line.
#[derive(Debug, Clone, PartialEq)]
pub struct Onset {
    /// The breached resource: a queue, or a database cluster (or a standalone instance).
    pub resource: String,
    /// What was breached, as a reader says it: "core-db CPU > 70 %".
    pub what: String,
    /// When it began: the first point over the line, or the alarm's transition.
    pub at: DateTime<Utc>,
    /// The series that crossed, when a series did (an alarm alone has none).
    pub metric: Option<MetricKind>,
}

/// Breach episodes that ended longer ago than this are history, not the incident on screen.
const STILL_RELEVANT: Duration = Duration::hours(1);

/// Every breach episode of `series` above `threshold`: when it went over, and when it came back under (None
/// while it still is over).
pub fn crossings(series: &Series, threshold: f64) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    let mut out = Vec::new();
    let mut start = None;
    for p in series.iter() {
        match (p.value > threshold, start) {
            (true, None) => start = Some(p.at),
            (false, Some(s)) => {
                out.push((s, Some(p.at)));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, None));
    }
    out
}

/// The start of the latest breach episode of `series` above `threshold`, if it is ongoing or ended within
/// `STILL_RELEVANT` of `now`.
pub fn latest_crossing(series: &Series, threshold: f64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match crossings(series, threshold).pop()? {
        (s, None) => Some(s),
        (s, Some(ended)) if now - ended <= STILL_RELEVANT => Some(s),
        _ => None,
    }
}

/// The start of the first breach episode that began within `since..=until`: for a postmortem, the incident's
/// own onset rather than whatever is happening at the end of the window.
pub fn first_crossing(
    series: &Series,
    threshold: f64,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    crossings(series, threshold).into_iter().map(|(s, _)| s).find(|s| *s >= since && *s <= until)
}

/// Which breach episode counts as a resource's onset.
#[derive(Debug, Clone, Copy)]
pub enum Episode {
    /// On the dashboard: the latest, if it is ongoing or recent.
    Latest {
        /// The dashboard's clock.
        now: DateTime<Utc>,
    },
    /// In a postmortem: the first that began in the window.
    FirstIn {
        /// The window's start.
        since: DateTime<Utc>,
        /// The window's end.
        until: DateTime<Utc>,
    },
}

impl Episode {
    fn onset(self, series: &Series, threshold: f64) -> Option<DateTime<Utc>> {
        match self {
            Episode::Latest { now } => latest_crossing(series, threshold, now),
            Episode::FirstIn { since, until } => first_crossing(series, threshold, since, until),
        }
    }

    fn admits(self, at: DateTime<Utc>) -> bool {
        match self {
            Episode::Latest { .. } => true,
            Episode::FirstIn { since, until } => at >= since && at <= until,
        }
    }
}

/// Every resource with a breach episode of the kind `episode` picks, earliest onset first.
pub fn onsets(data: &Data, thresholds: &Thresholds, episode: Episode) -> Vec<Onset> {
    let mut out: Vec<Onset> = Vec::new();
    let mut add = |onset: Onset| match out.iter_mut().find(|o| o.resource == onset.resource) {
        // One onset per resource: the earliest sign of it.
        Some(known) if onset.at < known.at => *known = onset,
        Some(_) => {}
        None => out.push(onset),
    };
    let age = thresholds.queue_age_seconds;
    for q in &data.queues {
        if let Some(at) = data.series(&q.name, MetricKind::QueueAge).and_then(|s| episode.onset(s, age)) {
            let what = format!("{} age of oldest message > {age:.0} s", q.name);
            add(Onset { resource: q.name.clone(), what, at, metric: Some(MetricKind::QueueAge) });
        }
    }
    let cpu = thresholds.db_cpu_percent;
    for (cluster, instance) in data.instances() {
        if let Some(at) = data.series(&instance.id, MetricKind::DbCpu).and_then(|s| episode.onset(s, cpu)) {
            let what = format!("{} CPU > {cpu:.0} %", cluster.id);
            add(Onset { resource: cluster.id.clone(), what, at, metric: Some(MetricKind::DbCpu) });
        }
    }
    // Alarms in ALARM now; a postmortem reads the transitions into ALARM from the timeline instead.
    for alarm in data.alarms.iter().filter(|a| a.state == AlarmState::Alarm && episode.admits(a.since)) {
        for resource in alarm_onset_resources(data, alarm) {
            add(Onset { resource, what: alarm.name.clone(), at: alarm.since, metric: None });
        }
    }
    out.sort_by_key(|o| o.at);
    out
}

/// What an alarm in ALARM is an onset of: each resource it watches (an instance counts as its cluster), or —
/// when it names none, as a metric-math alarm over a search or a composite over such alarms may — the alarm
/// itself, so that such alarms never merge into one nameless onset.
fn alarm_onset_resources(data: &Data, alarm: &AlarmStatus) -> Vec<String> {
    if alarm.resources.is_empty() {
        return vec![alarm.name.clone()];
    }
    let mut out: Vec<String> = Vec::new();
    for resource in &alarm.resources {
        let resolved =
            data.instances().find(|(_, i)| i.id == *resource).map_or(resource.clone(), |(c, _)| c.id.clone());
        if !out.contains(&resolved) {
            out.push(resolved);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn series(values: &[f64]) -> (Series, DateTime<Utc>) {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0).single().expect("time");
        let mut s = Series::default();
        for (i, v) in values.iter().enumerate() {
            s.push(t0 + Duration::minutes(i as i64), *v);
        }
        (s, t0)
    }

    #[test]
    fn the_latest_episode_counts_and_old_ones_fade() {
        let (s, t0) = series(&[10.0, 80.0, 20.0, 30.0, 90.0, 95.0]);
        assert_eq!(latest_crossing(&s, 70.0, t0 + Duration::minutes(6)), Some(t0 + Duration::minutes(4)));
        let (s, t0) = series(&[10.0, 80.0, 20.0]);
        assert_eq!(latest_crossing(&s, 70.0, t0 + Duration::minutes(30)), Some(t0 + Duration::minutes(1)));
        assert_eq!(latest_crossing(&s, 70.0, t0 + Duration::hours(3)), None, "recovered long ago");
        let (s, t0) = series(&[70.0, 70.0]);
        assert_eq!(latest_crossing(&s, 70.0, t0), None, "at the line is not over it");
    }
}
