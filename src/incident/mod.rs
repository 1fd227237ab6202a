//! Incident sense, from the data the panes already hold: when each anomaly began (onsets), which change most
//! likely set it off (suspects), and whether a queue's trouble is traffic or its consumers (verdicts). Pure
//! functions of `Data`, recomputed when telemetry arrives, so the demo and the live dashboard answer alike.

pub mod onset;
pub mod suspects;
pub mod verdict;

use chrono::{DateTime, Utc};

use crate::config::Thresholds;
use crate::state::Data;
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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    /// Each breached resource with the changes before it, earliest onset first.
    pub onsets: Vec<(Onset, Vec<Suspect>)>,
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

    pub fn verdict(&self, queue: &str) -> Option<&Verdict> {
        self.verdicts.iter().find(|v| v.queue == queue)
    }
}
