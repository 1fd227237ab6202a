//! When each anomaly began: the moment a watched series crossed its threshold, or its alarm went to ALARM,
//! per resource. Database CPU is watched per instance but named by its cluster, as the alarms name it.

use std::collections::HashMap;

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
    /// Later breaches of the same resource in the same incident (it came back under, then went over again
    /// within `STILL_RELEVANT`): listed under the first onset, each with its own changes, never replacing it.
    pub rebreaches: Vec<DateTime<Utc>>,
    /// An earlier anomaly in its path that explains it (what, and when it began): the database whose CPU
    /// went over before the queue's age did. Its changes are that anomaly's: a change after it is no cause.
    pub follows: Option<(String, DateTime<Utc>)>,
}

/// Breach episodes that ended longer ago than this are history, not the incident on screen.
const STILL_RELEVANT: Duration = Duration::hours(1);

/// Every breach episode of `series` above `threshold`: when it went over, and when it came back under (None
/// while it still is over).
pub fn crossings(series: &Series, threshold: f64) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    // In Unix seconds, made times only at the episodes' ends: this scans every queue's series on every poll.
    let time = |secs: i64| DateTime::from_timestamp(secs, 0).unwrap_or_default();
    let mut out = Vec::new();
    let mut start = None;
    for (at, value) in series.iter_unix() {
        match (value > threshold, start) {
            (true, None) => start = Some(at),
            (false, Some(s)) => {
                out.push((time(s), Some(time(at))));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((time(s), None));
    }
    out
}

/// The breach episodes of one incident: from `first`, each next episode that began within `STILL_RELEVANT` of
/// the previous one's end. Their starts, the first one first.
fn incident_from(episodes: &[(DateTime<Utc>, Option<DateTime<Utc>>)], first: usize) -> Vec<DateTime<Utc>> {
    let mut starts = vec![episodes[first].0];
    for pair in episodes[first..].windows(2) {
        match pair[0].1 {
            Some(ended) if pair[1].0 - ended <= STILL_RELEVANT => starts.push(pair[1].0),
            _ => break,
        }
    }
    starts
}

/// The latest incident's breach starts of `series` above `threshold` (its first onset, then its re-breaches), if
/// it is ongoing or ended within `STILL_RELEVANT` of `now`.
pub fn latest_crossing(series: &Series, threshold: f64, now: DateTime<Utc>) -> Option<Vec<DateTime<Utc>>> {
    let episodes = crossings(series, threshold);
    let last = episodes.last()?;
    if last.1.is_some_and(|ended| now - ended > STILL_RELEVANT) {
        return None;
    }
    // Walk back to where this incident began: the first episode after a gap longer than `STILL_RELEVANT`.
    let mut first = episodes.len() - 1;
    while first > 0 && episodes[first - 1].1.is_some_and(|ended| episodes[first].0 - ended <= STILL_RELEVANT) {
        first -= 1;
    }
    Some(incident_from(&episodes, first))
}

/// The first incident's breach starts in `since..=until` (one under way at `since` starts it, before the window):
/// for a postmortem, the incident's own onset (and its re-breaches in the window) rather than whatever is
/// happening at the end of the window.
pub fn first_crossing(
    series: &Series,
    threshold: f64,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Option<Vec<DateTime<Utc>>> {
    let episodes = crossings(series, threshold);
    // An episode under way when the window opens is in it: a window that starts mid-incident still has one.
    let first = episodes.iter().position(|(s, e)| *s <= until && e.is_none_or(|e| e >= since))?;
    Some(incident_from(&episodes, first).into_iter().filter(|s| *s <= until).collect())
}

/// Which breach episode counts as a resource's onset.
#[derive(Debug, Clone, Copy)]
pub enum Episode {
    /// On the dashboard: the latest, if it is ongoing or recent.
    Latest {
        /// The dashboard's clock.
        now: DateTime<Utc>,
    },
    /// In a postmortem: the first in the window, one under way when it opens included (its onset is then
    /// before the window).
    FirstIn {
        /// The window's start.
        since: DateTime<Utc>,
        /// The window's end.
        until: DateTime<Utc>,
    },
}

impl Episode {
    fn onset(self, series: &Series, threshold: f64) -> Option<Vec<DateTime<Utc>>> {
        match self {
            Episode::Latest { now } => latest_crossing(series, threshold, now),
            Episode::FirstIn { since, until } => first_crossing(series, threshold, since, until),
        }
    }

    fn admits(self, at: DateTime<Utc>) -> bool {
        match self {
            Episode::Latest { .. } => true,
            // An alarm in ALARM when the window opens is in it too.
            Episode::FirstIn { until, .. } => at <= until,
        }
    }
}

/// Every resource with a breach episode of the kind `episode` picks, earliest onset first.
pub fn onsets(data: &Data, thresholds: &Thresholds, episode: Episode) -> Vec<Onset> {
    let mut out: Vec<Onset> = Vec::new();
    // Where each resource's onset is in `out`: a large account can have thousands of onsets at once.
    let mut at_index: HashMap<String, usize> = HashMap::new();
    let mut add = |onset: Onset| match at_index.get(&onset.resource).map(|&i| &mut out[i]) {
        // One onset per resource: the earliest sign of it. Re-breaches are each series' own (it went over, back
        // under and over again); another signal starting later (an alarm, another instance) is no re-breach.
        Some(known) => {
            let mut rebreaches: Vec<DateTime<Utc>> =
                known.rebreaches.iter().chain(&onset.rebreaches).copied().collect();
            if onset.at < known.at {
                *known = Onset { rebreaches: Vec::new(), ..onset };
            }
            let first = known.at;
            rebreaches.retain(|t| *t > first);
            rebreaches.sort();
            rebreaches.dedup();
            known.rebreaches = rebreaches;
        }
        None => {
            at_index.insert(onset.resource.clone(), out.len());
            out.push(onset);
        }
    };
    let lines = data.threshold_index(thresholds);
    for q in &data.queues {
        let age = lines.value(&q.name, MetricKind::QueueAge);
        if let Some(starts) = data.series(&q.name, MetricKind::QueueAge).and_then(|s| episode.onset(s, age)) {
            let what = format!("{} age of oldest message > {age:.0} s", q.name);
            let (at, rebreaches) = (starts[0], starts[1..].to_vec());
            let metric = Some(MetricKind::QueueAge);
            add(Onset { resource: q.name.clone(), what, at, metric, rebreaches, follows: None });
        }
    }
    for (cluster, instance) in data.instances() {
        let cpu = lines.value(&instance.id, MetricKind::DbCpu);
        if let Some(starts) = data.series(&instance.id, MetricKind::DbCpu).and_then(|s| episode.onset(s, cpu)) {
            let what = format!("{} CPU > {cpu:.0} %", cluster.id);
            let (at, rebreaches) = (starts[0], starts[1..].to_vec());
            let metric = Some(MetricKind::DbCpu);
            add(Onset { resource: cluster.id.clone(), what, at, metric, rebreaches, follows: None });
        }
    }
    // Alarms in ALARM now; a postmortem reads the transitions into ALARM from the timeline instead.
    for alarm in data.alarms.iter().filter(|a| a.state == AlarmState::Alarm && episode.admits(a.since)) {
        for resource in alarm_onset_resources(data, alarm) {
            let what = alarm.name.clone();
            add(Onset { resource, what, at: alarm.since, metric: None, rebreaches: Vec::new(), follows: None });
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
    fn a_re_breach_is_listed_under_the_first_onset_and_old_incidents_fade() {
        let (s, t0) = series(&[10.0, 80.0, 20.0, 30.0, 90.0, 95.0]);
        let at = |m| t0 + Duration::minutes(m);
        assert_eq!(latest_crossing(&s, 70.0, at(6)), Some(vec![at(1), at(4)]), "the first onset leads");
        assert_eq!(first_crossing(&s, 70.0, t0, at(6)), Some(vec![at(1), at(4)]), "the postmortem agrees");
        // Two hours under the line between breaches: two incidents, and the latest is the one on screen.
        let mut values = vec![10.0, 80.0];
        values.extend(std::iter::repeat_n(20.0, 120));
        values.push(90.0);
        let (s, t0) = series(&values);
        assert_eq!(latest_crossing(&s, 70.0, t0 + Duration::minutes(123)), Some(vec![t0 + Duration::minutes(122)]));
        let (s, t0) = series(&[10.0, 80.0, 20.0]);
        assert_eq!(latest_crossing(&s, 70.0, t0 + Duration::minutes(30)), Some(vec![t0 + Duration::minutes(1)]));
        assert_eq!(latest_crossing(&s, 70.0, t0 + Duration::hours(3)), None, "recovered long ago");
        let (s, t0) = series(&[70.0, 70.0]);
        assert_eq!(latest_crossing(&s, 70.0, t0), None, "at the line is not over it");
    }
}
