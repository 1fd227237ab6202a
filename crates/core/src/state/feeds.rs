//! Folding a feed's answer in: its observations into the data, its failure (or its failed calls) into the
//! feed's health, which the panes turn into "stale" marks.

use chrono::{DateTime, Utc};

use super::State;
use crate::model::{CredentialFailure, FailureKind, Feed, Observation, Problem, TelemetryError};

/// The health of one feed: when it last answered, and its last error.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedHealth {
    /// When it last answered (the dashboard clock); `None` before its first answer.
    pub last_ok: Option<DateTime<Utc>>,
    /// Why its last poll failed as a whole; `None` once one answers.
    pub last_error: Option<String>,
    /// Whether that failure was the call's or its credentials'.
    pub last_error_kind: FailureKind,
    /// Calls of the last poll that failed while the rest succeeded.
    pub problems: Vec<FeedProblem>,
}

/// One failed call of a poll that otherwise answered.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedProblem {
    /// What failed and what it leaves stale.
    pub problem: Problem,
    /// When this subject's data was last good: the feed's last answer before the call began failing.
    pub stale_since: Option<DateTime<Utc>>,
}

impl State {
    pub(super) fn apply_telemetry(&mut self, feed: Feed, result: Result<Vec<Observation>, TelemetryError>) {
        match result {
            Ok(observations) => {
                let credential_failure = observations.iter().find_map(|o| match o {
                    // The call, not the resource: every resource fails alike.
                    Observation::Problem(p) if p.kind == FailureKind::Credentials => Some(p.error.clone()),
                    _ => None,
                });
                // Only a poll in which some call answered says the credentials work: one whose calls all failed
                // for another reason (or that made none) says nothing about them.
                let answered = observations.iter().any(|o| {
                    !matches!(
                        o,
                        Observation::Problem(_)
                            | Observation::Clock(_)
                            | Observation::Capped { .. }
                            | Observation::Missing { .. }
                            | Observation::Truncated { .. }
                    )
                });
                if credential_failure.is_some() || answered {
                    self.note_credentials(credential_failure);
                }
                let health = &mut self.feeds[feed.index()];
                let mut clock = None;
                let mut problems: Vec<FeedProblem> = Vec::new();
                let (earlier, last_ok) = (std::mem::take(&mut health.problems), health.last_ok);
                for obs in observations {
                    if let Observation::Problem(problem) = &obs {
                        // A call failing poll after poll keeps the time its data was last good.
                        let stale_since = earlier
                            .iter()
                            .find(|p| p.problem.subject == problem.subject)
                            .map_or(last_ok, |p| p.stale_since);
                        problems.push(FeedProblem { problem: problem.clone(), stale_since });
                    }
                    if let Some(t) = self.data.apply(obs) {
                        clock = Some(t);
                    }
                }
                if let Some(t) = clock {
                    self.now = t.max(self.now);
                }
                let health = &mut self.feeds[feed.index()];
                health.problems = problems;
                health.last_ok = Some(self.now);
                health.last_error = None;
                self.reanalyse();
            }
            Err(e) => {
                self.feeds[feed.index()].last_error = Some(e.to_string());
                self.feeds[feed.index()].last_error_kind = e.kind;
                if e.kind == FailureKind::Credentials {
                    self.note_credentials(Some(e.to_string()));
                }
            }
        }
        self.clamp_selections();
    }

    /// A poll's word on the credentials: `Some(why)` when calls failed for them (the failure keeps its first
    /// time), `None` when none did, which ends a failure: credentials that work again need no restart.
    fn note_credentials(&mut self, failure: Option<String>) {
        self.credentials = match (failure, self.credentials.take()) {
            (Some(detail), Some(earlier)) => Some(CredentialFailure { since: earlier.since, detail }),
            (Some(detail), None) => Some(CredentialFailure { since: self.now, detail }),
            (None, _) => None,
        };
    }

    /// Every failed call of the feeds' last polls.
    pub fn problems(&self) -> impl Iterator<Item = &FeedProblem> {
        self.feeds.iter().flat_map(|f| f.problems.iter())
    }
}
