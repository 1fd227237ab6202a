//! A bounded, time-ordered series of metric points.

mod offsets;

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use offsets::Offsets;

/// One metric point.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Point {
    /// The start of its period (whole seconds).
    pub at: DateTime<Utc>,
    /// The value, in its metric's unit.
    pub value: f64,
}

/// A ring buffer of points in time order. Memory stays bounded however long the dashboard runs.
///
/// Times and values live in two columns, and a time is kept as whole seconds after the series' first point
/// (in minutes while they fall on its minute grid: `Offsets`). A `Point` with a `DateTime` is 24 bytes with
/// padding; the columns take 6, and a large account holds
/// millions of points (15,600 series × three hours of minutes across six targets), so this is most of warroom's
/// memory. CloudWatch periods are whole minutes, so nothing is lost by dropping sub-second parts. Values are kept
/// as `f32`: seven significant digits (counts are exact to 16,777,216), at half the memory of `f64`; they are
/// read back as `f64`. A mean shown to two decimals can round the other way at a half (the demo postmortem's
/// 4.41 AAS became 4.40).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Series {
    origin: i64,
    offsets: Offsets,
    values: VecDeque<f32>,
    capacity: usize,
}

impl Series {
    /// 24 h of one-minute points.
    pub const DEFAULT_CAPACITY: usize = 24 * 60;

    /// An empty series keeping at most `capacity` points (at least one).
    pub fn new(capacity: usize) -> Self {
        Self { origin: 0, offsets: Offsets::new(), values: VecDeque::new(), capacity: capacity.max(1) }
    }

    /// Adds a point, keeping the latest answer for every time. CloudWatch publishes late and revises recent
    /// periods, and the metrics feed re-reads its last minutes for that reason: a point for a time already held
    /// replaces it (the revision wins), and a point between two held ones (a minute that arrived late) goes in
    /// its place. A point older than everything the series holds is dropped: the feed re-reads minutes, never
    /// the hours a full series covers, so that is a point from before the series began.
    pub fn push(&mut self, at: DateTime<Utc>, value: f64) {
        let secs = at.timestamp();
        let Some(last) = self.offsets.last() else {
            self.origin = secs;
            self.append(0, value);
            return;
        };
        let Some(offset) = self.offset_of(secs) else { return };
        if offset > last {
            self.append(offset, value);
            return;
        }
        match self.offsets.search(offset) {
            Ok(i) => self.values[i] = value as f32,
            Err(mut i) => {
                if self.offsets.len() == self.capacity {
                    // Full: the oldest point makes room, unless the late one would itself be the oldest.
                    if i == 0 {
                        return;
                    }
                    self.offsets.pop_front();
                    self.values.pop_front();
                    i -= 1;
                }
                self.reserve_one();
                self.offsets.insert(i, offset);
                self.values.insert(i, value as f32);
            }
        }
    }

    /// Appends a point newer than every other, dropping the oldest when full.
    fn append(&mut self, offset: u32, value: f64) {
        if self.offsets.len() == self.capacity {
            self.offsets.pop_front();
            self.values.pop_front();
        }
        self.reserve_one();
        self.offsets.push_back(offset);
        self.values.push_back(value as f32);
    }

    /// Room for one more point. Grows by a quarter (at least 16 points), never past the cap: VecDeque's own
    /// doubling would take a day's 1,440 points to 2,048 slots, and three hours' 180 to 256, 30–40 % of a large
    /// account's memory spent on slots never filled; a quarter leaves at most a fifth empty, and is still
    /// amortised constant time a point.
    fn reserve_one(&mut self) {
        if self.offsets.len() == self.offsets.capacity() {
            let more = (self.offsets.len() / 4).max(16).min(self.capacity - self.offsets.len()).max(1);
            self.offsets.reserve_exact(more);
            self.values.reserve_exact(more);
        }
    }

    /// Seconds after the origin; `None` for a time before it (older than any point kept) or 136 years on.
    fn offset_of(&self, secs: i64) -> Option<u32> {
        u32::try_from(secs - self.origin).ok()
    }

    fn time_of(&self, offset: u32) -> DateTime<Utc> {
        DateTime::from_timestamp(self.origin + i64::from(offset), 0).unwrap_or_default()
    }

    fn point(&self, i: usize) -> Point {
        Point { at: self.time_of(self.offsets.get(i)), value: f64::from(self.values[i]) }
    }

    /// Index of the first point whose time is not before `at` (`strict`: after `at`).
    fn first_index(&self, at: DateTime<Utc>, strict: bool) -> usize {
        let secs = at.timestamp();
        // A time with a sub-second part lies after its whole second.
        let strict = strict || at.timestamp_subsec_nanos() > 0;
        match u32::try_from(secs - self.origin) {
            Ok(bound) => self.offsets.partition_point(|o| if strict { o <= bound } else { o < bound }),
            Err(_) if secs < self.origin => 0,
            Err(_) => self.offsets.len(),
        }
    }

    /// The newest point.
    pub fn latest(&self) -> Option<Point> {
        self.len().checked_sub(1).map(|i| self.point(i))
    }

    /// How many points it holds.
    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.offsets.len() == 0
    }

    /// Every point, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = Point> + ExactSizeIterator + '_ {
        (0..self.len()).map(|i| self.point(i))
    }

    /// Points at or after `from`.
    pub fn since(&self, from: DateTime<Utc>) -> impl DoubleEndedIterator<Item = Point> + '_ {
        (self.first_index(from, false)..self.len()).map(|i| self.point(i))
    }

    /// Every point as (Unix seconds, value), oldest first: `iter` without building a `DateTime` for each point,
    /// for scans over whole series on every poll's answer (the onsets' crossings), which build a time only where
    /// they keep one.
    pub fn iter_unix(&self) -> impl DoubleEndedIterator<Item = (i64, f64)> + ExactSizeIterator + '_ {
        (0..self.len()).map(|i| (self.origin + i64::from(self.offsets.get(i)), f64::from(self.values[i])))
    }

    /// The mean of the values at `from` ≤ time < `to`, in the metric's unit; `None` when no point lies there.
    pub fn mean(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Option<f64> {
        let (start, end) = (self.first_index(from, false), self.first_index(to, false));
        (start < end).then(|| self.values.range(start..end).map(|&v| f64::from(v)).sum::<f64>() / (end - start) as f64)
    }

    /// The value at or just before `at`.
    pub fn value_at(&self, at: DateTime<Utc>) -> Option<f64> {
        self.first_index(at, true).checked_sub(1).map(|i| f64::from(self.values[i]))
    }
}

impl Default for Series {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + min * 60, 0).single().expect("valid time")
    }

    #[test]
    fn a_revised_minute_replaces_the_first_answer() {
        let mut s = Series::default();
        s.push(t(0), 10.0);
        s.push(t(2), 10.0);
        s.push(t(0), 100.0);
        assert_eq!(s.iter().map(|p| (p.at, p.value)).collect::<Vec<_>>(), [(t(0), 100.0), (t(2), 10.0)]);
    }

    #[test]
    fn a_minute_that_arrives_late_takes_its_place() {
        let mut s = Series::default();
        s.push(t(0), 1.0);
        s.push(t(2), 3.0);
        s.push(t(1), 2.0);
        assert_eq!(s.iter().map(|p| p.value).collect::<Vec<_>>(), [1.0, 2.0, 3.0]);
        assert_eq!(s.value_at(t(1)), Some(2.0));
        assert_eq!(s.latest().map(|p| p.at), Some(t(2)));
    }

    #[test]
    fn a_full_series_makes_room_for_a_late_minute_but_not_for_one_older_than_it_holds() {
        let mut s = Series::new(3);
        for m in [0, 2, 4] {
            s.push(t(m), m as f64);
        }
        s.push(t(3), 3.0);
        assert_eq!(s.iter().map(|p| p.value).collect::<Vec<_>>(), [2.0, 3.0, 4.0]);
        s.push(t(1), 1.0);
        assert_eq!(s.iter().map(|p| p.value).collect::<Vec<_>>(), [2.0, 3.0, 4.0], "older than all it holds");
        s.push(t(-5), 9.0);
        assert_eq!(s.len(), 3, "before the series began");
    }

    #[test]
    fn a_full_day_allocates_no_more_than_a_day() {
        let mut s = Series::default();
        for m in 0..3000 {
            s.push(t(m), m as f64);
        }
        assert_eq!(s.len(), Series::DEFAULT_CAPACITY);
        assert!(s.offsets.capacity() < Series::DEFAULT_CAPACITY + 16, "{}", s.offsets.capacity());
        assert!(s.values.capacity() < Series::DEFAULT_CAPACITY + 16, "{}", s.values.capacity());
    }

    #[test]
    fn keeps_capacity_and_order() {
        let mut s = Series::new(3);
        for m in 0..5 {
            s.push(t(m), m as f64);
        }
        assert_eq!(s.len(), 3);
        assert_eq!(s.iter().map(|p| p.value).collect::<Vec<_>>(), vec![2.0, 3.0, 4.0]);
        s.push(t(4), 40.0);
        assert_eq!(s.latest().map(|p| p.value), Some(40.0));
        s.push(t(1), 99.0);
        assert_eq!(s.len(), 3, "an out-of-order point is dropped");
        assert_eq!(s.since(t(3)).count(), 2);
        assert_eq!(s.value_at(t(3)), Some(3.0));
        assert_eq!(s.value_at(t(0)), None);
    }

    #[test]
    fn times_round_trip_and_sub_second_bounds_fall_between_seconds() {
        let mut s = Series::new(10);
        s.push(t(0), 1.0);
        s.push(t(1), 2.0);
        s.push(t(2), 3.0);
        assert_eq!(s.iter().map(|p| p.at).collect::<Vec<_>>(), vec![t(0), t(1), t(2)]);
        assert_eq!(s.latest(), Some(Point { at: t(2), value: 3.0 }));
        let just_after = t(1) + chrono::Duration::milliseconds(500);
        assert_eq!(s.since(just_after).map(|p| p.value).collect::<Vec<_>>(), vec![3.0]);
        assert_eq!(s.value_at(just_after), Some(2.0));
        assert_eq!(s.since(t(-5)).count(), 3, "a bound before the first point takes them all");
        assert_eq!(s.since(t(50)).count(), 0);
        assert_eq!(s.value_at(t(-5)), None);
        assert_eq!(s.value_at(t(50)), Some(3.0));
        s.push(t(-1), 9.0);
        assert_eq!(s.len(), 3, "a point before the origin is dropped, not wrapped");
    }

    #[test]
    fn a_point_off_the_minute_grid_keeps_every_time() {
        let mut s = Series::new(10);
        let half = chrono::Duration::seconds(30);
        for at in [t(0), t(2), t(1), t(1) + half, t(3)] {
            s.push(at, 1.0);
        }
        assert_eq!(s.iter().map(|p| p.at).collect::<Vec<_>>(), [t(0), t(1), t(1) + half, t(2), t(3)]);
        assert_eq!(s.value_at(t(2) - chrono::Duration::seconds(1)), Some(1.0));
    }

    #[test]
    fn the_mean_and_the_unix_times_agree_with_the_points() {
        let mut s = Series::new(10);
        for m in 0..6 {
            s.push(t(m), m as f64);
        }
        let between = |from: DateTime<Utc>, to: DateTime<Utc>| {
            let values: Vec<f64> = s.iter().filter(|p| p.at >= from && p.at < to).map(|p| p.value).collect();
            (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
        };
        let half = chrono::Duration::milliseconds(500);
        for (from, to) in [(t(1), t(4)), (t(-3), t(50)), (t(1) + half, t(3) + half), (t(2), t(2)), (t(7), t(9))] {
            assert_eq!(s.mean(from, to), between(from, to), "{from}..{to}");
        }
        assert_eq!(s.mean(t(1), t(4)), Some(2.0));
        let unix: Vec<(i64, f64)> = s.iter().map(|p| (p.at.timestamp(), p.value)).collect();
        assert_eq!(s.iter_unix().collect::<Vec<_>>(), unix);
    }
}
