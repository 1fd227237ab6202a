//! A bounded, time-ordered series of metric points.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub at: DateTime<Utc>,
    pub value: f64,
}

/// A ring buffer of points in time order. Memory stays bounded however long the dashboard runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    points: VecDeque<Point>,
    capacity: usize,
}

impl Series {
    /// 24 h of one-minute points.
    pub const DEFAULT_CAPACITY: usize = 24 * 60;

    pub fn new(capacity: usize) -> Self {
        Self { points: VecDeque::new(), capacity: capacity.max(1) }
    }

    /// Adds a point. A point for the timestamp already at the end replaces it (CloudWatch revises the
    /// current period); a point older than the newest is dropped, so the series stays sorted.
    pub fn push(&mut self, at: DateTime<Utc>, value: f64) {
        if let Some(last) = self.points.back_mut() {
            if at == last.at {
                last.value = value;
                return;
            }
            if at < last.at {
                return;
            }
        }
        if self.points.len() == self.capacity {
            self.points.pop_front();
        } else if self.points.len() == self.points.capacity() {
            // Grow by doubling, but never past the cap: VecDeque's own doubling would take a day's 1,440 points
            // to 2,048 slots, 40 % of a large account's memory spent on slots never filled.
            let more = self.points.len().max(16).min(self.capacity - self.points.len());
            self.points.reserve_exact(more);
        }
        self.points.push_back(Point { at, value });
    }

    pub fn latest(&self) -> Option<Point> {
        self.points.back().copied()
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Point> + ExactSizeIterator {
        self.points.iter()
    }

    /// Points at or after `from`.
    pub fn since(&self, from: DateTime<Utc>) -> impl Iterator<Item = &Point> {
        let start = self.points.partition_point(|p| p.at < from);
        self.points.range(start..)
    }

    /// The value at or just before `at`.
    pub fn value_at(&self, at: DateTime<Utc>) -> Option<f64> {
        let idx = self.points.partition_point(|p| p.at <= at);
        idx.checked_sub(1).map(|i| self.points[i].value)
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
    fn a_full_day_allocates_no_more_than_a_day() {
        let mut s = Series::default();
        for m in 0..3000 {
            s.push(t(m), m as f64);
        }
        assert_eq!(s.len(), Series::DEFAULT_CAPACITY);
        assert!(s.points.capacity() < Series::DEFAULT_CAPACITY + 16, "{}", s.points.capacity());
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
}
