//! Which queues a fast poll reads when an account has more than one poll can read under the SQS pace: at 50
//! calls a second and a 5 s cadence, 1,000 queues cannot all be read every poll. The hot ones (on screen,
//! selected, breaching, alarming, with a growing DLQ: `State::hot_queues`, handed over by the loop through
//! `Telemetry::prioritize`) are read every poll; the rest in turn, as many each poll as the budget leaves, so
//! each is read every N polls. Their queue age comes from CloudWatch's ApproximateAgeOfOldestMessage at the
//! metrics cadence either way. A command that polls once (`snapshot`, `export`) never prioritizes, and reads all.

use std::collections::HashSet;

use super::discovery::QueueRef;

/// Calls one fast poll may make: four fifths of the SQS pace (`aws::budget`, 50 a second) over the 5 s cadence,
/// leaving room for discovery's and the operator's SQS calls.
pub const FAST_POLL_CALLS: usize = 200;

/// Queues whose event source mappings one inventory poll re-reads (ListEventSourceMappings, and
/// GetFunctionConfiguration for what they invoke: about two calls each): 60 in 30 s is 4 calls a second, under
/// Lambda's control-plane pace (6/s, `aws::budget`) with room for the aliases. The hot queues' first, the rest in
/// turn: at 1,000 queues a cold one's mappings are re-read every 25 minutes (CloudTrail's UpdateEventSourceMapping
/// still shows a change at once).
pub const MAPPING_READS: usize = 60;

/// Of those, at most this many go to hot queues, so the rest still come round.
const HOT_SHARE: f64 = 0.75;

/// What one fast poll reads, and how often each queue and DLQ is read (seconds) when not all are.
#[derive(Debug, Default, PartialEq)]
pub struct Pick<'a> {
    /// Source queues to read (one GetQueueAttributes each).
    pub queues: Vec<&'a QueueRef>,
    /// DLQs to read (GetQueueAttributes and ListMessageMoveTasks each).
    pub dlqs: Vec<&'a QueueRef>,
    /// Each queue's and DLQ's period, seconds, by name; `None` when every one is read every poll.
    pub every: Option<Vec<(String, u32)>>,
}

/// Picks this poll's reads. `hot`: the loop's hot set (`None`: no loop asked, read all); `rotation`: where the
/// turn of the cold ones stands, moved on by those read; `budget`: calls this poll may make; `cadence`: seconds
/// between fast polls.
pub fn pick<'a>(
    queues: &'a [QueueRef],
    dlqs: &'a [QueueRef],
    hot: Option<&HashSet<String>>,
    rotation: &mut usize,
    budget: usize,
    cadence: u32,
) -> Pick<'a> {
    let cost = |is_dlq: bool| if is_dlq { 2 } else { 1 };
    let all: Vec<(&QueueRef, bool)> = queues.iter().map(|q| (q, false)).chain(dlqs.iter().map(|d| (d, true))).collect();
    let total: usize = all.iter().map(|(_, d)| cost(*d)).sum();
    let Some(hot) = hot.filter(|_| total > budget) else {
        return Pick { queues: queues.iter().collect(), dlqs: dlqs.iter().collect(), every: None };
    };
    let (mut picked, mut spent) = (Vec::new(), 0);
    let hot_budget = (budget as f64 * HOT_SHARE) as usize;
    for item in all.iter().filter(|(q, _)| hot.contains(&q.name)) {
        if spent + cost(item.1) > hot_budget {
            break;
        }
        spent += cost(item.1);
        picked.push(*item);
    }
    let cold: Vec<(&QueueRef, bool)> =
        all.iter().filter(|(q, _)| !picked.iter().any(|(p, _)| p.name == q.name)).copied().collect();
    let cold_budget = budget.saturating_sub(spent);
    let mut taken = 0;
    while taken < cold.len() {
        let item = cold[(*rotation + taken) % cold.len()];
        if spent + cost(item.1) > budget {
            break;
        }
        spent += cost(item.1);
        picked.push(item);
        taken += 1;
    }
    if !cold.is_empty() {
        *rotation = (*rotation + taken) % cold.len();
    }
    // A cold queue comes round once the turn has spent what all of them cost, a poll's cold budget at a time.
    let cold_cost: usize = cold.iter().map(|(_, d)| cost(*d)).sum();
    let polls = if taken == 0 { u32::MAX / cadence.max(1) } else { cold_cost.div_ceil(cold_budget.max(1)) as u32 };
    let hot_names: HashSet<&str> =
        picked.iter().filter(|(q, _)| hot.contains(&q.name)).map(|(q, _)| q.name.as_str()).collect();
    let every = all
        .iter()
        .map(|(q, _)| (q.name.clone(), if hot_names.contains(q.name.as_str()) { cadence } else { polls * cadence }))
        .collect();
    Pick {
        queues: picked.iter().filter(|(_, d)| !d).map(|(q, _)| *q).collect(),
        dlqs: picked.iter().filter(|(_, d)| *d).map(|(q, _)| *q).collect(),
        every: Some(every),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(prefix: &str, n: usize) -> Vec<QueueRef> {
        (0..n).map(|i| QueueRef { name: format!("{prefix}-{i:04}"), ..QueueRef::default() }).collect()
    }

    #[test]
    fn a_small_account_is_read_whole_and_a_dashboard_that_asks_nothing_reads_all() {
        let (queues, dlqs) = (refs("q", 50), refs("d", 10));
        let hot: HashSet<String> = HashSet::new();
        let mut rotation = 0;
        let pick = pick(&queues, &dlqs, Some(&hot), &mut rotation, FAST_POLL_CALLS, 5);
        assert_eq!((pick.queues.len(), pick.dlqs.len(), pick.every), (50, 10, None));
        let (big, dead) = (refs("q", 1000), refs("d", 200));
        let once = super::pick(&big, &dead, None, &mut rotation, FAST_POLL_CALLS, 5);
        assert_eq!((once.queues.len(), once.dlqs.len()), (1000, 200), "snapshot and export read all");
    }

    #[test]
    fn at_a_thousand_queues_the_hot_ones_are_read_every_poll_and_the_rest_in_turn() {
        let (queues, dlqs) = (refs("q", 1000), refs("d", 200));
        let hot: HashSet<String> = ["q-0007", "q-0500", "d-0003"].iter().map(|s| s.to_string()).collect();
        let mut rotation = 0;
        let mut read: HashSet<String> = HashSet::new();
        let mut polls = 0;
        while read.len() < 1200 {
            let pick = pick(&queues, &dlqs, Some(&hot), &mut rotation, FAST_POLL_CALLS, 5);
            let calls = pick.queues.len() + 2 * pick.dlqs.len();
            assert!(calls <= FAST_POLL_CALLS, "{calls} calls");
            let names: Vec<&str> = pick.queues.iter().chain(&pick.dlqs).map(|q| q.name.as_str()).collect();
            for h in &hot {
                assert!(names.contains(&h.as_str()), "{h} is read every poll");
            }
            let every = pick.every.expect("tiered");
            let of = |name: &str| every.iter().find(|(n, _)| n == name).map(|(_, s)| *s);
            assert_eq!(of("q-0007"), Some(5));
            let cold = of("q-0001").expect("a cold queue");
            assert!(cold > 5 && cold <= 60, "a cold queue every {cold} s: within the metrics cadence");
            read.extend(names.iter().map(|n| n.to_string()));
            polls += 1;
            assert!(polls <= 12, "every queue and DLQ read within a minute of polls");
        }
    }
}
