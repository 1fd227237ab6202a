//! Is it traffic or is it us? A queue whose event source mappings are all disabled has no consumer at all; for a
//! queue with a consumer: messages sent and deleted per minute and the
//! consumer's invocations and p99 duration now, against the hour before the incident began.

use chrono::{DateTime, Duration, Utc};

use super::topology::Topology;
use crate::model::{Data, QueueStatus};
use crate::model::{EventKind, MetricKind};

/// One metric, before and now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Compared {
    /// The mean over the hour before the first onset.
    pub before: f64,
    /// The mean over the last five minutes.
    pub now: f64,
}

impl Compared {
    /// Change in percent (+3, -61); None when there was nothing before to compare with.
    pub fn percent(&self) -> Option<f64> {
        (self.before > 0.0).then(|| (self.now - self.before) / self.before * 100.0)
    }

    /// Now as a multiple of before; None when there was nothing before.
    pub fn ratio(&self) -> Option<f64> {
        (self.before > 0.0).then(|| self.now / self.before)
    }
}

/// What the numbers point to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// Sends surged, or rose more than the consumers keep up with: the consumers face more work than usual.
    Traffic,
    /// Fewer messages get done, or each takes far longer: the consumers (or what they call) are slow.
    Consumers,
    /// Nothing stands out: traffic and throughput flat, or throughput keeping pace with more traffic.
    Neither,
    /// The queue's age came back under its line within the last minutes: they mix the spike and the recovery,
    /// so they are not compared.
    Recovering,
    /// An operation (or an AWS event: a restart) on the queue's path within the last minutes: they mix before
    /// and after it, so they are not compared, and nothing is claimed yet of whether it helped.
    Settling,
    /// Nothing consumes the queue: every event source mapping is disabled (or failing). Not slow consumers:
    /// none at all.
    NoConsumer,
}

/// Is it traffic or is it us, for one queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The queue.
    pub queue: String,
    /// Its consumer.
    pub consumer: String,
    /// Messages sent per minute (NumberOfMessagesSent).
    pub sent: Compared,
    /// Messages deleted, that is done, per minute (NumberOfMessagesDeleted).
    pub deleted: Compared,
    /// The consumer's invocations per minute.
    pub invocations: Option<Compared>,
    /// The consumer's p99 duration, milliseconds.
    pub duration: Option<Compared>,
    /// What it points to.
    pub cause: Cause,
    /// The one line for the queue pane.
    pub line: String,
    /// The same in a few words, for a narrow pane.
    pub short: String,
}

/// Sends up by more than this much are a surge.
const SURGE_PERCENT: f64 = 50.0;
/// Sends within this much of before are "flat".
const FLAT_PERCENT: f64 = 15.0;
/// Throughput down by more than this, or p99 duration up by this factor, is a slow consumer.
const SLOWDOWN_PERCENT: f64 = -30.0;
const SLOW_DURATION_RATIO: f64 = 2.0;
/// "Now" is the average of the last few minutes, so one noisy point does not decide.
const RECENT: Duration = Duration::minutes(5);
const BASELINE: Duration = Duration::hours(1);

fn compare(
    data: &Data,
    resource: &str,
    metric: MetricKind,
    onset: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<Compared> {
    let series = data.series(resource, metric)?;
    let before = series.mean(onset - BASELINE, onset)?;
    let recent = series.mean(now - RECENT, now + Duration::seconds(1))?;
    Some(Compared { before, now: recent })
}

fn signed(percent: Option<f64>) -> String {
    // Rounded first, so a change of -0.3 % reads "+0 %", not "-0 %".
    percent.map_or("–".to_string(), |p| format!("{:+} %", p.round() as i64))
}

/// What the last `RECENT` minutes span, when they span something that makes them no measure of the present:
/// the queue's age coming back under its line (`Cause::Recovering`), or an operation or AWS event on the queue,
/// its consumer or the database (`Cause::Settling`): ("queue age back under 60 s at 14:21", its time, which).
pub fn recovery_within(
    topology: &Topology,
    queue: &QueueStatus,
    consumer: &str,
    age_threshold: f64,
    now: DateTime<Utc>,
) -> Option<(String, DateTime<Utc>, Cause)> {
    let data = topology.data();
    let (dlq, queue) = (queue.dlq.as_deref(), queue.name.as_str());
    let window = now - RECENT;
    // Back under its line within the window, and still under now: a queue over the line again is no recovery.
    let under_now = data.latest(queue, MetricKind::QueueAge).is_some_and(|age| age <= age_threshold);
    // Only a queue under its line now can have come back under it (and the crossings scan its whole series).
    let back_under = data
        .series(queue, MetricKind::QueueAge)
        .filter(|_| under_now)
        .map(|s| super::onset::crossings(s, age_threshold))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(_, ended)| ended)
        .filter(|t| under_now && *t > window && *t <= now)
        .max()
        .map(|t| (format!("queue age back under {age_threshold:.0} s at {}", t.format("%H:%M")), t, Cause::Recovering));
    let operation = data
        .timeline
        .iter()
        .rev()
        // An operation, how it ended, or what AWS reported of it (a restart): the minutes after each mix states.
        .filter(|e| matches!(e.kind, EventKind::Operation | EventKind::Outcome | EventKind::Event))
        .filter(|e| e.at > window && e.at < now)
        .find(|e| {
            // The queue, its consumer, its DLQ (a redrive), the database its consumers wait on.
            e.resource
                .as_deref()
                .is_some_and(|r| r == queue || r == consumer || Some(r) == dlq || topology.feeds(r, queue))
        })
        .map(|e| (format!("{} at {}", e.text, e.at.format("%H:%M")), e.at, Cause::Settling));
    back_under.into_iter().chain(operation).max_by_key(|(_, t, _)| *t)
}

/// The verdict for `queue`, comparing now with the hour before `onset`. None without a consumer or without
/// sent and deleted history on both sides of the onset. One rule decides the cause, and both wordings (the line
/// and the short form) say it with the numbers that decided it.
pub fn verdict(
    topology: &Topology,
    status: &QueueStatus,
    onset: DateTime<Utc>,
    now: DateTime<Utc>,
    age_threshold: f64,
) -> Option<Verdict> {
    let (data, queue) = (topology.data(), status.name.as_str());
    let consumer = status.consumer.clone()?;
    if let Some(why) = data.no_consumer(queue) {
        // Said whatever the numbers: throughput is zero because nothing reads the queue, not because anyone is slow.
        let unknown = Compared { before: 0.0, now: 0.0 };
        let sent = compare(data, queue, MetricKind::Sent, onset, now).unwrap_or(unknown);
        let deleted = compare(data, queue, MetricKind::Deleted, onset, now).unwrap_or(unknown);
        let line = format!("{why}: nothing reads the queue; messages wait until a mapping is enabled");
        return Some(Verdict {
            queue: queue.to_string(),
            consumer,
            sent,
            deleted,
            invocations: None,
            duration: None,
            cause: Cause::NoConsumer,
            line,
            short: why,
        });
    }
    let sent = compare(data, queue, MetricKind::Sent, onset, now)?;
    let deleted = compare(data, queue, MetricKind::Deleted, onset, now)?;
    let invocations = compare(data, &consumer, MetricKind::Invocations, onset, now);
    let duration = compare(data, &consumer, MetricKind::DurationP99, onset, now);
    let sent_pct = sent.percent().unwrap_or(0.0);
    let done_pct = deleted.percent().unwrap_or(0.0);
    let slower = duration.and_then(|d| d.ratio()).unwrap_or(1.0);
    let (sent_text, done_text) = (signed(sent.percent()), signed(deleted.percent()));
    let duration_text = duration.and_then(|d| d.ratio()).map_or(String::new(), |r| format!(", duration ×{r:.1}"));
    // What the consumers' logs say most since the onset: "412 timeouts".
    let top_error = data.logs.get(&consumer).and_then(|l| l.counts_between(onset, now).first().map(|c| c.counted()));
    let errors_text = top_error.as_ref().map_or(String::new(), |e| format!(", {e}"));
    // Decided on the rounded figure the words show: "+15 %" never reads "flat".
    let trend = match sent_pct.round() {
        p if p.abs() < FLAT_PERCENT => "flat",
        p if p > 0.0 => "up",
        _ => "down",
    };
    let numbers = format!("traffic {trend} ({sent_text}), throughput {done_text}{duration_text}{errors_text}");
    let outgrown = sent_pct >= FLAT_PERCENT && done_pct < sent_pct - FLAT_PERCENT;
    // Fewer done than before, and fewer than the traffic explains (less traffic means less to do).
    let fewer_done = done_pct < SLOWDOWN_PERCENT && done_pct < sent_pct - FLAT_PERCENT;
    let mixed = recovery_within(topology, status, &consumer, age_threshold, now);
    let (cause, tail, short) = if let Some((what, _, Cause::Recovering)) = mixed {
        (
            Cause::Recovering,
            format!("recovering: {what}; compared again {} min after it", RECENT.num_minutes()),
            "recovering".to_string(),
        )
    } else if let Some((what, at, _)) = mixed {
        // An operation says nothing yet of whether it helped: the age may still be climbing.
        let again = (at + RECENT).format("%H:%M");
        (
            Cause::Settling,
            format!(
                "just after {what}: the last {} min mix before and after it; compared again at {again}",
                RECENT.num_minutes()
            ),
            format!("changed {}: verdict at {again}", at.format("%H:%M")),
        )
    } else if sent_pct > SURGE_PERCENT {
        let line = format!("{numbers}: a traffic spike, not the consumers");
        (Cause::Traffic, line, format!("traffic spike: sent {sent_text}"))
    } else if fewer_done || slower >= SLOW_DURATION_RATIO {
        // Say what made them slow: fewer done, each one slower, or both (the numbers that decided it), then
        // what their logs say most.
        let mut why: Vec<String> = Vec::new();
        if fewer_done {
            why.push(format!("done {done_text}"));
        }
        if slower >= SLOW_DURATION_RATIO {
            why.push(format!("p99 ×{slower:.1}"));
        }
        why.extend(top_error);
        let line = format!("{numbers}: consumers are slow, not a traffic spike");
        (Cause::Consumers, line, format!("consumers slow: {}", why.join(", ")))
    } else if outgrown {
        let line = format!("{numbers}: more traffic than the consumers keep up with");
        (Cause::Traffic, line, format!("traffic: sent {sent_text}, done {done_text}"))
    } else if sent_pct.abs() < FLAT_PERCENT && done_pct.abs() < FLAT_PERCENT {
        let line = format!("{numbers}: no change in traffic or throughput");
        (Cause::Neither, line, format!("steady: sent {sent_text}, done {done_text}"))
    } else if sent_pct >= FLAT_PERCENT {
        let line = format!("{numbers}: throughput keeps pace with the traffic");
        (Cause::Neither, line, format!("keeping pace: sent {sent_text}, done {done_text}"))
    } else if done_pct >= FLAT_PERCENT {
        let line = format!("{numbers}: consumers are draining a backlog");
        (Cause::Neither, line, format!("draining: sent {sent_text}, done {done_text}"))
    } else if sent_pct <= -FLAT_PERCENT {
        let line = format!("{numbers}: less traffic, and throughput follows it");
        (Cause::Neither, line, format!("quieter: sent {sent_text}, done {done_text}"))
    } else {
        let line = format!("{numbers}: throughput a little lower, not enough to call the consumers slow");
        (Cause::Neither, line, format!("a little slower: sent {sent_text}, done {done_text}"))
    };
    let line = tail;
    Some(Verdict { queue: queue.to_string(), consumer, sent, deleted, invocations, duration, cause, line, short })
}
