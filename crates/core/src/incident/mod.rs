//! Incident sense, from the data the panes already hold: when each anomaly began (onsets), which change most
//! likely set it off (suspects), and whether a queue's trouble is traffic or its consumers (verdicts). Pure
//! functions of `Data`, recomputed when telemetry arrives, so the demo and the live dashboard answer alike.

pub mod onset;
pub mod suspects;
pub mod top_sql;
pub mod topology;
pub mod verdict;

use chrono::{DateTime, Utc};

use crate::config::Thresholds;
use crate::model::{Data, EventKind, MetricKind};
pub use onset::{Episode, Onset};
pub use suspects::Suspect;
pub use top_sql::{InstanceSql, SqlRow};
pub use topology::{Topology, Upstream};
pub use verdict::{Cause, Verdict};

/// How long a change came before an onset, as said aloud: "45 s", "4 min".
pub fn lead_text(lead: chrono::Duration) -> String {
    // To the nearest minute: 2 min 58 s is "3 min", not "2 min".
    match lead.num_minutes() {
        0 => format!("{} s", lead.num_seconds()),
        _ => format!("{} min", (lead.num_seconds() + 30) / 60),
    }
}

/// A resource going over its line again in the same incident, with the changes since its previous breach.
#[derive(Debug, Clone, PartialEq)]
pub struct Rebreach {
    /// The resource, as its onset names it.
    pub resource: String,
    /// What was breached again: the onset's words.
    pub what: String,
    /// When it went over again.
    pub at: DateTime<Utc>,
    /// The changes between its previous breach and this one (within the suspect window), best first.
    pub suspects: Vec<Suspect>,
}

/// What the incident looks like: its onsets with their suspects, and each queue's verdict.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    /// Each breached resource with the changes before it, earliest onset first. An onset that follows an
    /// earlier anomaly in its path (`Onset::follows`) is ranked with that anomaly's changes.
    pub onsets: Vec<(Onset, Vec<Suspect>)>,
    /// Each re-breach of an onset's resource, with its own changes, in time order.
    pub rebreaches: Vec<Rebreach>,
    /// Each queue with a consumer: traffic or the consumers, compared with before the first onset.
    pub verdicts: Vec<Verdict>,
    /// The moment the verdicts describe: `now` on the dashboard; in a postmortem, just before the first
    /// operation (or a quarter of an hour into the incident).
    pub verdicts_at: DateTime<Utc>,
    /// Each DB instance's top statements (Performance Insights), compared with the hour before `baseline_end`:
    /// over the last minutes on the dashboard, over the incident in a postmortem.
    pub sql: Vec<InstanceSql>,
    /// Where "before the incident" ends for the top statements: the earliest change suspected of the first
    /// anomaly, or its onset when none came before it. A statement a deploy shipped twenty minutes before the
    /// onset ran for those twenty minutes; compared with the hour before the onset it would not look new.
    pub baseline_end: Option<DateTime<Utc>>,
}

impl Analysis {
    /// What the dashboard shows at `now`: the latest (ongoing or recent) breach of each resource.
    pub fn of(data: &Data, thresholds: &Thresholds, now: DateTime<Utc>) -> Analysis {
        let mut onsets = Analysis::onsets(data, thresholds, Episode::Latest { now });
        let verdicts = Analysis::verdicts(data, thresholds, &onsets, now);
        let rebreaches = Analysis::rebreaches(data, thresholds, &onsets);
        let baseline_end = baseline_end(&onsets);
        let sql = top_sql::now(data, baseline_end, now);
        // The evidence is what the statements did over the incident, so it stays once they have gone.
        if let Some(end) = baseline_end {
            attach_evidence(data, &mut onsets, &top_sql::between(data, end, now, Some(end)));
        }
        Analysis { onsets, rebreaches, verdicts, verdicts_at: now, sql, baseline_end }
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
        let mut onsets = Analysis::onsets(data, thresholds, Episode::FirstIn { since, until });
        // The first operation as the journal has it, or as the timeline does: a dashboard's timeline may hold it
        // a moment before its journaled intent, and a verdict taken after it would read "recovering" from it.
        let operated = data.timeline.iter().filter(|e| e.kind == EventKind::Operation).map(|e| e.at);
        let during = onsets.first().map_or(until, |(o, _)| {
            let settled = o.at + chrono::Duration::minutes(15);
            let first = operated.chain(first_operation).filter(|t| *t > o.at).min();
            first.map_or(settled, |t| t.min(settled)).min(until)
        });
        let verdicts = Analysis::verdicts(data, thresholds, &onsets, during);
        let rebreaches = Analysis::rebreaches(data, thresholds, &onsets);
        // The statements as they stood in the incident, before anyone acted.
        let baseline_end = baseline_end(&onsets);
        let sql = match (onsets.first(), baseline_end) {
            (Some((o, _)), Some(end)) => {
                top_sql::between(data, o.at, during.max(o.at + chrono::Duration::minutes(1)), Some(end))
            }
            _ => Vec::new(),
        };
        attach_evidence(data, &mut onsets, &sql);
        Analysis { onsets, rebreaches, verdicts, verdicts_at: during, sql, baseline_end }
    }

    /// Each onset with its suspects. Ranked through the topology: an onset with an earlier anomaly in its path
    /// (the database before the queue) follows it, and its suspects are the changes before that anomaly — a
    /// change after the incident began did not start it.
    fn onsets(data: &Data, thresholds: &Thresholds, episode: Episode) -> Vec<(Onset, Vec<Suspect>)> {
        let window = thresholds.suspect_window();
        let found = onset::onsets(data, thresholds, episode);
        let topology = Topology::of(data);
        let upstream = Upstream::new(&topology, &found);
        found
            .iter()
            .map(|o| {
                let root = upstream.of(o);
                let mut o = o.clone();
                let s = match root {
                    Some(r) => {
                        o.follows = Some((r.what.clone(), r.at));
                        // Cut at the earlier anomaly, but said as lead before this onset, as the list is under it.
                        let mut ranked = suspects::suspects_before(&topology, &o.resource, r.at, None, window);
                        for s in &mut ranked {
                            s.lead += o.at - r.at;
                        }
                        ranked
                    }
                    None => suspects::suspects(&topology, &o, window),
                };
                (o, s)
            })
            .collect()
    }

    /// Every re-breach of the onsets' resources, with the changes since the breach before it.
    fn rebreaches(data: &Data, thresholds: &Thresholds, onsets: &[(Onset, Vec<Suspect>)]) -> Vec<Rebreach> {
        let window = thresholds.suspect_window();
        let topology = &Topology::of(data);
        let mut out: Vec<Rebreach> = onsets
            .iter()
            .flat_map(|(o, _)| {
                let previous = std::iter::once(o.at).chain(o.rebreaches.iter().copied());
                previous.zip(o.rebreaches.iter().copied()).map(move |(before, at)| Rebreach {
                    resource: o.resource.clone(),
                    what: o.what.clone(),
                    at,
                    suspects: suspects::suspects_before(topology, &o.resource, at, Some(before), window),
                })
            })
            .collect();
        out.sort_by_key(|r| r.at);
        out
    }

    /// Every queue compared at `now` with the hour before the incident's first onset: before anything went wrong.
    fn verdicts(
        data: &Data,
        thresholds: &Thresholds,
        onsets: &[(Onset, Vec<Suspect>)],
        now: DateTime<Utc>,
    ) -> Vec<Verdict> {
        let Some((first, _)) = onsets.first() else { return Vec::new() };
        let lines = data.threshold_index(thresholds);
        let topology = Topology::of(data);
        data.queues
            .iter()
            .filter_map(|q| {
                let age = lines.value(&q.name, MetricKind::QueueAge);
                verdict::verdict(&topology, q, first.at, now, age)
            })
            .collect()
    }

    /// The best suspect of the incident's first anomaly, with that onset: the headline is about the first onset,
    /// so a later anomaly's change (an alarm merely set after a deploy) never is. `None` when nothing went wrong
    /// or no change came before the first anomaly.
    pub fn likely_trigger(&self) -> Option<(&Onset, &Suspect)> {
        self.onsets.first().and_then(|(o, s)| s.first().map(|best| (o, best)))
    }

    /// "likely trigger: orders-consumer live → v42 (was v41) at 14:02, 4 min before core-db CPU > 70 %", or
    /// "no change found before the first anomaly: core-db CPU > 70 % at 06:53"; `None` while nothing is wrong.
    pub fn trigger_line(&self) -> Option<String> {
        self.trigger_within(usize::MAX)
    }

    /// The trigger line in at most `width` characters where a shorter wording fits (a narrow terminal keeps
    /// the onset and drops the words around it); the full line otherwise, for the caller to cut.
    pub fn trigger_within(&self, width: usize) -> Option<String> {
        let (first, _) = self.onsets.first()?;
        let Some((onset, best)) = self.likely_trigger() else {
            return Some(format!(
                "no change found before the first anomaly: {} at {}",
                first.what,
                first.at.format("%H:%M")
            ));
        };
        let lead = lead_text(best.lead);
        let at = best.change.at.format("%H:%M");
        let full = format!("likely trigger: {} at {at}, {lead} before {}", best.change.text, onset.what);
        if full.chars().count() <= width {
            return Some(full);
        }
        // "orders-consumer live → v42 (was v41)" → "orders-consumer live → v42", then "likely trigger" → "likely":
        // the same words as the wide form, fewer of them.
        let change = best.change.text.split(" (").next().unwrap_or(&best.change.text);
        let shorter = format!("likely trigger: {change} at {at}, {lead} before {}", onset.what);
        if shorter.chars().count() <= width {
            return Some(shorter);
        }
        Some(format!("likely: {change} at {at}, {lead} before {}", onset.what))
    }

    /// `queue`'s verdict, if it has one.
    pub fn verdict(&self, queue: &str) -> Option<&Verdict> {
        self.verdicts.iter().find(|v| v.queue == queue)
    }
}

/// The earliest change suspected of the first anomaly, or its onset: where "before" ends.
fn baseline_end(onsets: &[(Onset, Vec<Suspect>)]) -> Option<DateTime<Utc>> {
    let (first, suspects) = onsets.first()?;
    Some(suspects.iter().map(|s| s.change.at).fold(first.at, DateTime::min))
}

/// Adds to each suspect what the top statements say of it: a new statement that leads the load and appeared
/// after that change (and before the next suspect) is evidence for it.
fn attach_evidence(data: &Data, onsets: &mut [(Onset, Vec<Suspect>)], sql: &[InstanceSql]) {
    let on_database = |resource: Option<&str>| {
        resource.is_some_and(|r| data.clusters.iter().any(|c| c.id == r || c.members.iter().any(|m| m.id == r)))
    };
    // An onset that follows an earlier anomaly lists that anomaly's changes again: the evidence is said once,
    // under the first.
    for (onset, suspects) in onsets.iter_mut().filter(|(o, _)| o.follows.is_none()) {
        let times: Vec<DateTime<Utc>> = suspects.iter().map(|s| s.change.at).collect();
        for s in suspects.iter_mut() {
            let next = times.iter().filter(|t| **t > s.change.at).min().copied();
            let database = on_database(s.change.resource.as_deref());
            s.evidence = top_sql::evidence(sql, s.change.at, next, onset.at, database);
        }
    }
}

#[cfg(test)]
mod tests {
    //! Onsets, suspects and verdicts on small hand-built data: each test writes out the series and changes it
    //! needs, so retuning the demo scenario does not touch them.

    use super::*;
    use crate::fixture::Fixture;
    use crate::model::{AlarmState, EventKind, MetricKind, Qualifier};

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
        assert_eq!(narrow, "likely: orders-consumer live → v42 at 14:01, 5 min before core-db CPU > 70 %");
    }

    /// Issue 14: a queue whose only mapping is disabled has no consumer — never "consumers are slow", however
    /// the throughput fell.
    #[test]
    fn a_queue_whose_mappings_are_disabled_has_no_consumer_not_slow_ones() {
        let fixture = orders()
            .mapping("orders", "orders-consumer", Qualifier::Alias("live".into()), "Disabled")
            .series("orders", MetricKind::QueueAge, &step(5.0, 150.0, 70, 10))
            .steady("orders", MetricKind::Sent, 1000.0, 70)
            .series("orders", MetricKind::Deleted, &step(1000.0, 0.0, 70, 10));
        let v = Analysis::of(&fixture.data(), &Thresholds::default(), fixture.now).verdict("orders").cloned();
        let v = v.expect("a verdict");
        assert_eq!((v.cause, v.short.as_str()), (Cause::NoConsumer, "no consumer: mapping Disabled (USER_INITIATED)"));
        assert!(!v.line.contains("slow"), "{}", v.line);
        // Enabled again: the numbers decide as before.
        let enabled = fixture.mapping("orders", "orders-consumer", Qualifier::Latest, "Enabled");
        let v = Analysis::of(&enabled.data(), &Thresholds::default(), enabled.now).verdict("orders").cloned();
        assert_eq!(v.map(|v| v.cause), Some(Cause::Consumers));
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
        assert_eq!(v.short, "consumers slow: done -60 %, p99 ×5.0");
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

    /// Issue 13, item 3: metrics degrading 20 minutes before a deploy, and an alarm merely set after it. The
    /// headline is about the first onset, which no change preceded: it says so, and never names the deploy.
    #[test]
    fn a_change_after_the_first_anomaly_is_never_the_headline() {
        let fixture = orders()
            // CPU over the line for the last 25 minutes; the deploy 5 minutes ago; an alarm set 4 minutes ago.
            .series("core-db-1", MetricKind::DbCpu, &step(30.0, 95.0, 70, 25))
            .event(5, EventKind::Deploy, "orders-consumer", "orders-consumer live → v42 (was v41)")
            .alarm("orders-consumer-errors", "orders-consumer", AlarmState::Alarm, 4);
        let analysis = Analysis::of(&fixture.data(), &Thresholds::default(), fixture.now);
        assert_eq!(analysis.onsets[0].0.at, fixture.ago(24), "the CPU crossing is the first onset");
        assert!(analysis.likely_trigger().is_none(), "{:?}", analysis.onsets);
        assert_eq!(
            analysis.trigger_line().as_deref(),
            Some(
                format!(
                    "no change found before the first anomaly: core-db CPU > 70 % at {}",
                    fixture.ago(24).format("%H:%M")
                )
                .as_str()
            )
        );
    }

    /// Issue 13, item 3: the queue goes over at 14:08, back under after the rollback, over again after a
    /// reboot. The first onset stays the onset; the re-breach is listed under it with its own changes, where
    /// the reboot leads and each operation counts once (its outcome is no second change). The dashboard and
    /// the postmortem say the same.
    #[test]
    fn a_re_breach_is_listed_under_the_first_onset_with_its_own_changes() {
        // 70 minutes ending now: under the line, then 6 minutes over, 4 under, and over again for the last 3.
        let mut age = vec![5.0; 57];
        age.extend([90.0; 6]);
        age.extend([10.0; 4]);
        age.extend([80.0; 3]);
        let fixture = orders()
            .series("orders", MetricKind::QueueAge, &age)
            .event(20, EventKind::Deploy, "orders-consumer", "orders-consumer live → v42 (was v41)")
            .event(
                9,
                EventKind::Operation,
                "orders-consumer",
                "roll back orders-consumer:live 42 → 41 confirmed by alice",
            )
            .event(9, EventKind::Outcome, "orders-consumer", "roll back orders-consumer:live 42 → 41 succeeded")
            .event(4, EventKind::Operation, "core-db-1", "reboot core-db-1 (writer) confirmed by alice")
            // CloudTrail's record of the reboot's own call: not a second change.
            .event(3, EventKind::Change, "core-db-1", "CloudTrail: RebootDBInstance on core-db-1")
            .event(4, EventKind::Outcome, "core-db-1", "reboot core-db-1 (writer) succeeded");
        let (data, now) = (fixture.data(), fixture.now);
        let live = Analysis::of(&data, &Thresholds::default(), now);
        let (onset, _) = &live.onsets[0];
        assert_eq!((onset.resource.as_str(), onset.at), ("orders", fixture.ago(12)), "the first onset leads");
        assert_eq!(onset.rebreaches, [fixture.ago(2)]);
        let again = &live.rebreaches[0];
        let ranked: Vec<&str> = again.suspects.iter().map(|s| s.change.text.as_str()).collect();
        assert_eq!(
            ranked,
            [
                "reboot core-db-1 (writer) confirmed by alice",
                "roll back orders-consumer:live 42 → 41 confirmed by alice"
            ],
            "the reboot that caused the re-breach first; each operation once; the deploy belongs to the first onset"
        );
        let window = Analysis::of_window(&data, &Thresholds::default(), fixture.ago(70), now, None);
        assert_eq!(window.onsets[0].0.at, onset.at, "the postmortem's first onset is the dashboard's");
        assert_eq!(window.rebreaches, live.rebreaches, "and so are its re-breaches");
    }

    /// Issue 13, item 4: words and numbers from one rule, the short form saying what the long one says, and a
    /// window that spans a recovery saying "recovering" rather than reporting the spike as the present.
    #[test]
    fn a_verdict_agrees_with_itself() {
        let age = step(5.0, 150.0, 70, 10);
        // Traffic and throughput both up a quarter, duration unchanged: throughput keeps pace, which is no
        // "no change in traffic or throughput".
        let pace = orders()
            .series("orders", MetricKind::QueueAge, &age)
            .series("orders", MetricKind::Sent, &step(1000.0, 1240.0, 70, 10))
            .series("orders", MetricKind::Deleted, &step(1000.0, 1240.0, 70, 10))
            .steady("orders-consumer", MetricKind::DurationP99, 120.0, 70);
        let v = Analysis::of(&pace.data(), &Thresholds::default(), pace.now).verdict("orders").cloned().expect("v");
        assert_eq!(v.cause, Cause::Neither);
        assert_eq!(
            v.line,
            "traffic up (+24 %), throughput +24 %, duration ×1.0: throughput keeps pace with the traffic"
        );
        assert_eq!(v.short, "keeping pace: sent +24 %, done +24 %");

        // More done than before, but each message twelve times slower: the short form says why it is slow.
        let slow = orders()
            .series("orders", MetricKind::QueueAge, &age)
            .steady("orders", MetricKind::Sent, 1000.0, 70)
            .series("orders", MetricKind::Deleted, &step(1000.0, 1200.0, 70, 10))
            .series("orders-consumer", MetricKind::DurationP99, &step(100.0, 1250.0, 70, 10));
        let v = Analysis::of(&slow.data(), &Thresholds::default(), slow.now).verdict("orders").cloned().expect("v");
        assert_eq!(v.cause, Cause::Consumers, "{}", v.line);
        assert_eq!(v.short, "consumers slow: p99 ×12.5", "never 'consumers slow: done +20 %' alone");

        // A fifth more traffic and far fewer done: the consumers, not "more traffic than they keep up with".
        let fewer = orders()
            .series("orders", MetricKind::QueueAge, &age)
            .series("orders", MetricKind::Sent, &step(1000.0, 1200.0, 70, 10))
            .series("orders", MetricKind::Deleted, &step(1000.0, 600.0, 70, 10));
        let v = Analysis::of(&fewer.data(), &Thresholds::default(), fewer.now).verdict("orders").cloned().expect("v");
        assert_eq!((v.cause, v.short.as_str()), (Cause::Consumers, "consumers slow: done -40 %"), "{}", v.line);

        // A redrive (an operation on the DLQ) two minutes ago: the last five minutes span it.
        let redriven = orders()
            .series("orders", MetricKind::QueueAge, &age)
            .series("orders", MetricKind::Sent, &step(1000.0, 1240.0, 70, 10))
            .series("orders", MetricKind::Deleted, &step(1000.0, 1240.0, 70, 10))
            .event(2, EventKind::Operation, "orders-dlq", "redrive orders-dlq → its source confirmed by alice");
        let v = Analysis::of(&redriven.data(), &Thresholds::default(), redriven.now).verdict("orders").cloned();
        let v = v.expect("a verdict");
        assert_eq!(v.cause, Cause::Settling, "not 'recovering': nothing says it helped yet");
        assert!(v.line.starts_with("just after redrive orders-dlq → its source confirmed by alice at "), "{}", v.line);
        assert!(v.short.starts_with("changed ") && v.short.contains(": verdict at "), "{}", v.short);

        // Recovered three minutes ago (age back under 60 s): the last five minutes still hold the spike.
        let mut recovered = step(5.0, 150.0, 70, 12);
        for v in recovered.iter_mut().rev().take(3) {
            *v = 2.0;
        }
        let after = orders()
            .series("orders", MetricKind::QueueAge, &recovered)
            .steady("orders", MetricKind::Sent, 1000.0, 70)
            .series("orders", MetricKind::Deleted, &step(1000.0, 600.0, 70, 12))
            .series("orders-consumer", MetricKind::DurationP99, &step(100.0, 1250.0, 70, 12));
        let v = Analysis::of(&after.data(), &Thresholds::default(), after.now).verdict("orders").cloned().expect("v");
        assert_eq!(v.cause, Cause::Recovering, "{}", v.line);
        assert!(v.line.starts_with("recovering: queue age back under 60 s at"), "{}", v.line);
        assert_eq!(v.short, "recovering");
    }
}
