//! Where an event feed (CloudTrail LookupEvents, DescribeAlarmHistory, RDS DescribeEvents) reads from next. AWS
//! makes an event visible minutes after its time, so each poll reads back over an overlap that covers the
//! feed's delivery lag, and events already passed on (by id) are dropped. A read cut short by the page cap never
//! moves the cursor past what it did not read: a newest-first feed reads the older rest next poll, an
//! oldest-first feed goes on from the newest event it read.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

/// The order a feed returns its events in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// LookupEvents and DescribeAlarmHistory (their default `ScanBy`).
    NewestFirst,
    /// RDS DescribeEvents.
    OldestFirst,
}

/// How one read of a feed ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Every page up to the window's end was read.
    Whole,
    /// The page cap stopped it while AWS had more: the window's events beyond the last one read are unread.
    Cut,
    /// A call failed: nothing is known beyond what arrived, so the cursor stays.
    Failed,
}

impl Ending {
    /// How a read ended: a failed call outweighs a cut.
    pub fn of(failed: bool, cut: bool) -> Ending {
        match (failed, cut) {
            (true, _) => Ending::Failed,
            (false, true) => Ending::Cut,
            (false, false) => Ending::Whole,
        }
    }
}

/// One feed's read position and the ids it has passed on.
#[derive(Debug, Clone)]
pub struct Cursor {
    order: Order,
    /// How far back each read reaches past the last complete one: the feed's delivery lag.
    overlap: Duration,
    /// Everything before this (less the overlap) has been read; `None` before the first read.
    done_until: Option<DateTime<Utc>>,
    /// A newest-first read that was cut: read up to `.0` next, and once that is whole, everything is read up to
    /// `.1`.
    backfill: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Ids passed on, with their event time, kept while they can come back inside the overlap.
    seen: HashMap<String, DateTime<Utc>>,
}

impl Cursor {
    /// A feed read in `order`, reaching back `overlap` past its last complete read.
    pub fn new(order: Order, overlap: Duration) -> Cursor {
        Cursor { order, overlap, done_until: None, backfill: None, seen: HashMap::new() }
    }

    /// The window the next read covers, `(start, end)`: from the last complete read less the overlap (or
    /// `first` on the first read), to the unread part's end of a cut read, else `now`.
    pub fn window(&self, first: DateTime<Utc>, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = self.done_until.map_or(first, |d| d - self.overlap);
        let end = self.backfill.map_or(now, |(end, _)| end);
        (start, end.max(start))
    }

    /// Whether the event `id` (at `at`) is new: `false` for one an earlier read already passed on.
    pub fn admit(&mut self, id: String, at: DateTime<Utc>) -> bool {
        self.seen.insert(id, at).is_none()
    }

    /// `finish` for a read that returned events at `times` (in any order), failed or not, cut or not.
    pub fn finish_read(
        &mut self,
        window: (DateTime<Utc>, DateTime<Utc>),
        failed: bool,
        cut: bool,
        times: &[DateTime<Utc>],
    ) {
        let (oldest, newest) = (times.iter().min().copied(), times.iter().max().copied());
        self.finish(window, Ending::of(failed, cut), oldest, newest);
    }

    /// Moves the cursor after reading the window `(start, end)`: `oldest` and `newest` are the times of the
    /// oldest and newest events the read returned.
    pub fn finish(
        &mut self,
        (start, end): (DateTime<Utc>, DateTime<Utc>),
        ending: Ending,
        oldest: Option<DateTime<Utc>>,
        newest: Option<DateTime<Utc>>,
    ) {
        match (ending, self.order) {
            (Ending::Failed, _) => {}
            (Ending::Whole, _) => {
                self.done_until = Some(self.backfill.take().map_or(end, |(_, then)| then));
            }
            // The older rest, between the window's start and the oldest event read, is read next; unless the
            // cut read made no headway (a page cap's worth of events in one instant), which would repeat forever.
            (Ending::Cut, Order::NewestFirst) => match oldest {
                Some(oldest) if oldest > start && oldest < end => {
                    let then = self.backfill.map_or(end, |(_, then)| then);
                    self.backfill = Some((oldest, then));
                }
                _ => self.done_until = Some(self.backfill.take().map_or(end, |(_, then)| then)),
            },
            // Go on from the newest event read, the overlap re-reading its neighbours.
            (Ending::Cut, Order::OldestFirst) => {
                self.done_until = Some(newest.filter(|n| *n > start).map_or(end, |n| n + self.overlap));
            }
        }
        // An id older than any window to come cannot come back.
        let horizon = self.done_until.map_or(start, |d| d - self.overlap).min(start) - Duration::minutes(1);
        self.seen.retain(|_, at| *at >= horizon);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 14, minute, 0).single().expect("time")
    }

    #[test]
    fn each_read_reaches_back_over_the_overlap_and_drops_what_it_passed_on() {
        let mut c = Cursor::new(Order::NewestFirst, Duration::minutes(15));
        let w = c.window(t(0), t(20));
        assert_eq!(w, (t(0), t(20)));
        assert!(c.admit("a".into(), t(10)));
        c.finish(w, Ending::Whole, Some(t(10)), Some(t(10)));
        let w = c.window(t(0), t(21));
        assert_eq!(w, (t(5), t(21)), "fifteen minutes back from the last read's end");
        assert!(!c.admit("a".into(), t(10)), "read again inside the overlap, passed on once");
        assert!(c.admit("late".into(), t(12)), "an event that became visible late is read");
    }

    #[test]
    fn a_cut_newest_first_read_reads_the_older_rest_before_moving_on() {
        let mut c = Cursor::new(Order::NewestFirst, Duration::minutes(5));
        c.finish((t(0), t(10)), Ending::Whole, None, None);
        let w = c.window(t(0), t(30));
        assert_eq!(w, (t(5), t(30)));
        c.finish(w, Ending::Cut, Some(t(20)), Some(t(29)));
        assert_eq!(c.window(t(0), t(31)), (t(5), t(20)), "the unread part: from the start to the oldest read");
        c.finish((t(5), t(20)), Ending::Cut, Some(t(12)), Some(t(19)));
        assert_eq!(c.window(t(0), t(32)), (t(5), t(12)));
        c.finish((t(5), t(12)), Ending::Whole, Some(t(6)), Some(t(11)));
        assert_eq!(c.window(t(0), t(33)), (t(25), t(33)), "all read up to the first cut read's end");
    }

    #[test]
    fn a_cut_oldest_first_read_goes_on_from_its_newest_event_and_a_failure_moves_nothing() {
        let mut c = Cursor::new(Order::OldestFirst, Duration::minutes(5));
        let w = c.window(t(0), t(30));
        c.finish(w, Ending::Failed, None, None);
        assert_eq!(c.window(t(0), t(31)), (t(0), t(31)), "nothing read, nothing skipped");
        c.finish((t(0), t(31)), Ending::Cut, Some(t(1)), Some(t(9)));
        assert_eq!(c.window(t(0), t(32)), (t(9), t(32)));
    }

    #[test]
    fn a_cut_read_that_made_no_headway_does_not_repeat_forever() {
        let mut c = Cursor::new(Order::NewestFirst, Duration::minutes(5));
        c.finish((t(0), t(10)), Ending::Cut, Some(t(0)), Some(t(10)));
        assert_eq!(c.window(t(0), t(11)), (t(5), t(11)));
    }
}
