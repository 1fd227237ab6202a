//! Incident sense, from the data the panes already hold: when each anomaly began (onsets), which change most
//! likely set it off (suspects), and whether a queue's trouble is traffic or its consumers (verdicts). Pure
//! functions of `Data`, recomputed when telemetry arrives, so the demo and the live dashboard answer alike.

pub mod onset;
pub mod suspects;
pub mod verdict;

use chrono::{DateTime, Utc};

use crate::config::Thresholds;
use crate::model::Data;
pub use onset::{Episode, Onset};
pub use suspects::Suspect;
pub use verdict::{Cause, Verdict};

/// How long a change came before an onset, as said aloud: "45 s", "4 min".
pub fn lead_text(lead: chrono::Duration) -> String {
    match lead.num_minutes() {
        0 => format!("{} s", lead.num_seconds()),
        m => format!("{m} min"),
    }
}

/// What the incident looks like: its onsets with their suspects, and each queue's verdict.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    /// Each breached resource with the changes before it, earliest onset first.
    pub onsets: Vec<(Onset, Vec<Suspect>)>,
    /// Each queue with a consumer: traffic or the consumers, compared with before the first onset.
    pub verdicts: Vec<Verdict>,
}

impl Analysis {
    /// What the dashboard shows at `now`: the latest (ongoing or recent) breach of each resource.
    pub fn of(data: &Data, thresholds: &Thresholds, now: DateTime<Utc>) -> Analysis {
        let onsets = Analysis::onsets(data, thresholds, Episode::Latest { now });
        let verdicts = Analysis::verdicts(data, &onsets, now);
        Analysis { onsets, verdicts }
    }

    /// What a postmortem of `since..until` shows: the first breach of each resource in the window, with the
    /// verdicts as they stood before anyone acted (the end of the window may be long after recovery): at the
    /// first operation, or a quarter of an hour into the incident if that came first.
    pub fn of_window(
        data: &Data,
        thresholds: &Thresholds,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        first_operation: Option<DateTime<Utc>>,
    ) -> Analysis {
        let onsets = Analysis::onsets(data, thresholds, Episode::FirstIn { since, until });
        let during = onsets.first().map_or(until, |(o, _)| {
            let settled = o.at + chrono::Duration::minutes(15);
            first_operation.filter(|t| *t > o.at).map_or(settled, |t| t.min(settled)).min(until)
        });
        let verdicts = Analysis::verdicts(data, &onsets, during);
        Analysis { onsets, verdicts }
    }

    fn onsets(data: &Data, thresholds: &Thresholds, episode: Episode) -> Vec<(Onset, Vec<Suspect>)> {
        let window = thresholds.suspect_window();
        onset::onsets(data, thresholds, episode)
            .into_iter()
            .map(|o| {
                let s = suspects::suspects(data, &o, window);
                (o, s)
            })
            .collect()
    }

    /// Every queue compared at `now` with the hour before the incident's first onset: before anything went wrong.
    fn verdicts(data: &Data, onsets: &[(Onset, Vec<Suspect>)], now: DateTime<Utc>) -> Vec<Verdict> {
        let Some((first, _)) = onsets.first() else { return Vec::new() };
        data.queues.iter().filter_map(|q| verdict::verdict(data, &q.name, first.at, now)).collect()
    }

    /// The best suspect of the incident's first anomaly that has one, with that onset.
    pub fn likely_trigger(&self) -> Option<(&Onset, &Suspect)> {
        self.onsets.iter().find_map(|(o, s)| s.first().map(|best| (o, best)))
    }

    /// "likely trigger: orders-consumer live → v42 (was v41) at 14:02, 4 min before core-db CPU > 70 %".
    pub fn trigger_line(&self) -> Option<String> {
        self.trigger_within(usize::MAX)
    }

    /// The trigger line in at most `width` characters where a shorter wording fits (a narrow terminal keeps
    /// the onset and drops the words around it); the full line otherwise, for the caller to cut.
    pub fn trigger_within(&self, width: usize) -> Option<String> {
        let (onset, best) = self.likely_trigger()?;
        let lead = lead_text(best.lead);
        let at = best.change.at.format("%H:%M");
        let full = format!("likely trigger: {} at {at}, {lead} before {}", best.change.text, onset.what);
        if full.chars().count() <= width {
            return Some(full);
        }
        // "orders-consumer live → v42 (was v41)" → "orders-consumer live → v42".
        let change = best.change.text.split(" (").next().unwrap_or(&best.change.text);
        Some(format!("suspect: {change} at {at}, {lead} before {}", onset.what))
    }

    /// `queue`'s verdict, if it has one.
    pub fn verdict(&self, queue: &str) -> Option<&Verdict> {
        self.verdicts.iter().find(|v| v.queue == queue)
    }
}

#[cfg(test)]
mod tests {
    //! Onsets, suspects and verdicts on small hand-built data: each test writes out the series and changes it
    //! needs, so retuning the demo scenario does not touch them.

    use super::*;
    use crate::fixture::Fixture;
    use crate::model::{AlarmState, EventKind, MetricKind};

    /// `before` for `minutes - recent` minutes, then `after` for the last `recent` minutes (ending now).
    fn step(before: f64, after: f64, minutes: usize, recent: usize) -> Vec<f64> {
        let mut v = vec![before; minutes - recent];
        v.extend(vec![after; recent]);
        v
    }

    fn orders() -> Fixture {
        Fixture::new()
            .queue("orders", Some("orders-consumer"), Some("orders-dlq"))
            .function("orders-consumer", "live", "42", Some("41"))
            .aurora("core-db", "core-db-1", "core-db-2")
    }

    #[test]
    fn each_resource_has_one_onset_at_its_first_sign_earliest_first() {
        let fixture = orders()
            // CPU over 70 % for the last 12 minutes; the queue's age over 60 s for the last 8.
            .series("core-db-1", MetricKind::DbCpu, &step(30.0, 95.0, 70, 12))
            .series("orders", MetricKind::QueueAge, &step(5.0, 150.0, 70, 8))
            // The CPU alarm fired later than the series crossed: the series is the earlier sign.
            .alarm("core-db CPU > 70 %", "core-db-1", AlarmState::Alarm, 9);
        let (data, now) = (fixture.data(), fixture.now);
        let onsets = onset::onsets(&data, &Thresholds::default(), Episode::Latest { now });
        let summary: Vec<(&str, DateTime<Utc>)> = onsets.iter().map(|o| (o.resource.as_str(), o.at)).collect();
        assert_eq!(summary, [("core-db", fixture.ago(11)), ("orders", fixture.ago(7))]);
        assert_eq!(onsets[0].what, "core-db CPU > 70 %", "named by the cluster, as the alarms name it");
    }

    #[test]
    fn upstream_changes_rank_first_and_only_changes_in_the_window_count() {
        let fixture = orders()
            .series("core-db-1", MetricKind::DbCpu, &step(30.0, 95.0, 70, 10))
            .event(14, EventKind::Deploy, "orders-consumer", "orders-consumer live → v42 (was v41)")
            .event(10, EventKind::Change, "billing-db", "billing-db parameter group modified")
            .event(5, EventKind::Deploy, "orders-consumer", "after the onset: not a suspect")
            .event(50, EventKind::Change, "core-db", "too long before: not a suspect")
            .event(12, EventKind::Note, "core-db", "a note is not a change");
        let (data, now) = (fixture.data(), fixture.now);
        let analysis = Analysis::of(&data, &Thresholds::default(), now);
        let (onset, suspects) = &analysis.onsets[0];
        assert_eq!(onset.at, fixture.ago(9));
        let ranked: Vec<(&str, bool)> = suspects.iter().map(|s| (s.change.text.as_str(), s.upstream)).collect();
        assert_eq!(
            ranked,
            [("orders-consumer live → v42 (was v41)", true), ("billing-db parameter group modified", false)],
            "the consumer writes to core-db: upstream beats a nearer unrelated change"
        );
        let line = analysis.trigger_line().expect("a likely trigger");
        assert_eq!(
            line,
            "likely trigger: orders-consumer live → v42 (was v41) at 14:01, 5 min before core-db CPU > 70 %"
        );
        let narrow = analysis.trigger_within(60).expect("a shorter wording");
        assert_eq!(narrow, "suspect: orders-consumer live → v42 at 14:01, 5 min before core-db CPU > 70 %");
    }

    #[test]
    fn flat_sends_and_fewer_deletes_are_the_consumers() {
        let fixture = orders()
            .series("orders", MetricKind::QueueAge, &step(5.0, 150.0, 70, 10))
            .steady("orders", MetricKind::Sent, 1000.0, 70)
            .series("orders", MetricKind::Deleted, &step(1000.0, 400.0, 70, 10))
            .series("orders-consumer", MetricKind::DurationP99, &step(120.0, 600.0, 70, 10));
        let analysis = Analysis::of(&fixture.data(), &Thresholds::default(), fixture.now);
        let v = analysis.verdict("orders").expect("a verdict");
        assert_eq!(v.cause, Cause::Consumers, "{}", v.line);
        assert_eq!(
            v.line,
            "traffic flat (+0 %), throughput -60 %, duration ×5.0: consumers are slow, not a traffic spike"
        );
        assert_eq!(v.short, "consumers slow: sent +0 %, done -60 %");
    }

    #[test]
    fn a_surge_of_sends_is_traffic_and_nothing_changing_is_neither() {
        let surge = orders()
            .series("orders", MetricKind::QueueAge, &step(5.0, 150.0, 70, 10))
            .series("orders", MetricKind::Sent, &step(1000.0, 2500.0, 70, 10))
            .steady("orders", MetricKind::Deleted, 1000.0, 70);
        let v = Analysis::of(&surge.data(), &Thresholds::default(), surge.now).verdict("orders").cloned();
        assert_eq!(v.map(|v| v.cause), Some(Cause::Traffic));

        let steady = orders()
            .series("orders", MetricKind::QueueAge, &step(5.0, 150.0, 70, 10))
            .steady("orders", MetricKind::Sent, 1000.0, 70)
            .steady("orders", MetricKind::Deleted, 1000.0, 70);
        let v = Analysis::of(&steady.data(), &Thresholds::default(), steady.now).verdict("orders").cloned();
        assert_eq!(v.map(|v| v.cause), Some(Cause::Neither));
    }

    #[test]
    fn no_verdict_without_a_consumer_or_before_anything_breached() {
        let calm =
            orders().steady("orders", MetricKind::Sent, 1000.0, 70).steady("orders", MetricKind::Deleted, 1000.0, 70);
        assert!(Analysis::of(&calm.data(), &Thresholds::default(), calm.now).verdicts.is_empty(), "no onset");
        let orphan = Fixture::new()
            .queue("orders", None, None)
            .series("orders", MetricKind::QueueAge, &step(5.0, 150.0, 70, 10))
            .steady("orders", MetricKind::Sent, 1000.0, 70)
            .steady("orders", MetricKind::Deleted, 1000.0, 70);
        assert!(Analysis::of(&orphan.data(), &Thresholds::default(), orphan.now).verdicts.is_empty(), "no consumer");
    }
}
