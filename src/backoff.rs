//! When to try again after a failure: the normal cadence while all is well, doubling per consecutive failure up
//! to a cap, spread by jitter so that dashboards that lost an endpoint together do not return in lockstep (and
//! do not hammer a throttled API in step).

use std::time::Duration;

/// A retry schedule: the base wait while calls succeed, doubling per failure up to a cap.
#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    failures: u32,
}

impl Backoff {
    /// `base` is the wait while calls succeed; waits after failures never exceed `cap` (before jitter).
    pub fn new(base: Duration, cap: Duration) -> Backoff {
        Backoff { base, cap: cap.max(base), failures: 0 }
    }

    /// A call succeeded: back to the base wait.
    pub fn succeeded(&mut self) {
        self.failures = 0;
    }

    /// A call failed: the next wait doubles (up to the cap).
    pub fn failed(&mut self) {
        self.failures = self.failures.saturating_add(1);
    }

    /// The wait before the next try, with fresh jitter.
    pub fn wait(&self) -> Duration {
        self.wait_with(jitter_fraction())
    }

    /// The wait for a given jitter in [0, 1): ±20 % around the backed-off delay. No jitter while healthy, so an
    /// idle dashboard keeps its steady cadence.
    pub fn wait_with(&self, jitter: f64) -> Duration {
        if self.failures == 0 {
            return self.base;
        }
        // The first failure retries at the normal cadence (it may be a blip), then the wait doubles.
        let doublings = (self.failures - 1).min(16);
        let delay = self.base.saturating_mul(1 << doublings).min(self.cap);
        delay.mul_f64(0.8 + 0.4 * jitter.clamp(0.0, 1.0))
    }
}

/// A number in [0, 1) that differs between processes and calls; statistical quality does not matter here.
fn jitter_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    // RandomState is seeded per process; the clock makes consecutive calls differ.
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher
        .write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthy_waits_the_cadence_then_doubles_to_the_cap_with_bounded_jitter() {
        let mut b = Backoff::new(Duration::from_secs(5), Duration::from_secs(30));
        assert_eq!(b.wait_with(0.99), Duration::from_secs(5));
        let waits: Vec<u64> = (0..6)
            .map(|_| {
                b.failed();
                b.wait_with(0.5).as_secs()
            })
            .collect();
        assert_eq!(waits, [5, 10, 20, 30, 30, 30]);
        assert_eq!(b.wait_with(0.0), Duration::from_secs(24));
        assert_eq!(b.wait_with(1.0), Duration::from_secs(36));
        b.succeeded();
        assert_eq!(b.wait_with(0.7), Duration::from_secs(5));
    }

    #[test]
    fn many_failures_do_not_overflow_and_jitter_varies() {
        let mut b = Backoff::new(Duration::from_secs(60), Duration::from_secs(120));
        for _ in 0..100 {
            b.failed();
        }
        assert_eq!(b.wait_with(0.5), Duration::from_secs(120));
        let spread: std::collections::HashSet<u128> = (0..20).map(|_| b.wait().as_nanos()).collect();
        assert!(spread.len() > 1, "jitter should differ between calls");
    }
}
