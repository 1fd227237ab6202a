//! Folding a feed's answer in: its observations into the data, its failure (or its failed calls) into the
//! feed's health, which the panes turn into "stale" marks.

use chrono::{DateTime, Utc};

use super::{Effect, PaneId, State};
use crate::model::{
    AliasMove, CredentialFailure, FailureKind, Feed, MoveSource, Observation, Problem, SessionKind, TelemetryError,
};
use crate::text::compact_duration;

/// The health of one feed: when it last answered, and its last error.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
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

/// Data that stopped arriving: since when it was last good, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Stale {
    /// The failure: the call and its cause, or "credentials".
    pub why: String,
    /// The last good answer (dashboard clock); `None`: no data has arrived yet.
    pub since: Option<DateTime<Utc>>,
}

impl Stale {
    /// "stale 1m18s: rds:DescribeDBInstances: timed out", or "no data yet: …", at `now`.
    pub fn text(&self, now: DateTime<Utc>) -> String {
        match self.since {
            Some(since) => format!("stale {}: {}", compact_duration(now - since), self.why),
            None => format!("no data yet: {}", self.why),
        }
    }
}

/// One failed call of a poll that otherwise answered.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FeedProblem {
    /// What failed and what it leaves stale.
    pub problem: Problem,
    /// When this subject's data was last good: the feed's last answer before the call began failing.
    pub stale_since: Option<DateTime<Utc>>,
}

impl State {
    /// Folds one poll's answer in; asks for the alias moves it saw first to be journaled.
    pub(super) fn apply_telemetry(
        &mut self,
        feed: Feed,
        result: Result<Vec<Observation>, TelemetryError>,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        match result {
            Ok(observations) => {
                let credential_failure = observations.iter().find_map(|o| match o {
                    // The call, not the resource: every resource fails alike.
                    Observation::Problem(p) if p.kind == FailureKind::Credentials => Some(p.error.clone()),
                    _ => None,
                });
                // Only a poll in which some call answered says the credentials work: one whose calls all failed
                // for another reason (or that made none) says nothing about them.
                let answered = observations.iter().any(Observation::answers);
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
                    if let Observation::AliasMoved(moved) = &obs
                        && self.journals_moves(moved)
                    {
                        effects.push(Effect::JournalMove(moved.clone()));
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
        effects
    }

    /// Whether a move this session's polls saw goes into the journal: one no record has yet (an operation's
    /// own move is in the journal already), and only from a session that can act — observers add nothing the
    /// operator's dashboard does not write, and a crowd of them would write each move once per observer.
    fn journals_moves(&self, moved: &AliasMove) -> bool {
        moved.source == MoveSource::Polled
            && !self.session.read_only
            // A poll during this session's own rollback sees the rollback: it is journaled as the operation.
            && !self.operations.iter().any(|o| o.phase.in_progress() && o.op.target() == moved.function)
            && self.session.kind == SessionKind::Live
            && self.data.known_move(moved).is_none()
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

    /// Why the data `pane` shows stopped arriving, if it did: a feed it reads failed its last poll, or one of the
    /// calls behind its rows did (the oldest such failure). `None` while its data is current.
    pub fn stale(&self, pane: PaneId) -> Option<Stale> {
        self.stale_in(pane, None)
    }

    /// `stale`, counting with several targets only the failures of `target` (by label): a plan in one account
    /// rests on that account's data, not on another that cannot be reached.
    pub fn stale_in(&self, pane: PaneId, target: Option<&str>) -> Option<Stale> {
        let theirs = |p: &crate::model::Problem| {
            target.is_none_or(|label| {
                let named = p.resource.as_deref().unwrap_or(&p.error);
                named
                    .strip_prefix(label)
                    .is_some_and(|rest| rest.starts_with(crate::model::SEPARATOR) || rest.starts_with(':'))
            })
        };
        // Failing credentials have the banner: a pane says only that they are why it is stale.
        let say = |error: String, kind: FailureKind| match kind {
            FailureKind::Credentials => "credentials".to_string(),
            FailureKind::Call => error,
        };
        let failed_feeds = pane.feeds().iter().map(|feed| &self.feeds[feed.index()]).filter_map(|health| {
            Some(Stale { why: say(health.last_error.clone()?, health.last_error_kind), since: health.last_ok })
        });
        let failed_calls = self
            .problems()
            .filter(|p| PaneId::showing(p.problem.subject) == pane && theirs(&p.problem))
            .map(|p| Stale { why: say(p.problem.to_string(), p.problem.kind), since: p.stale_since });
        failed_feeds.chain(failed_calls).min_by_key(|s| s.since)
    }

    /// Every failed call of the feeds' last polls.
    pub fn problems(&self) -> impl Iterator<Item = &FeedProblem> {
        self.feeds.iter().flat_map(|f| f.problems.iter())
    }
}
