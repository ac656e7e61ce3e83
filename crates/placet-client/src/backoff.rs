//! Reconnect delays as a pure function of the attempt number.

use std::time::Duration;

/// Exponential backoff between `min` and `max`, plus up to `jitter` (a fraction of the
/// delay) of randomness so many clients do not reconnect in step after a server restart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    pub min: Duration,
    pub max: Duration,
    pub jitter: f64,
}

impl Default for Backoff {
    /// 1 s doubling to 10 s, plus up to 25 % jitter (the official web client's range).
    fn default() -> Self {
        Self {
            min: Duration::from_secs(1),
            max: Duration::from_secs(10),
            jitter: 0.25,
        }
    }
}

impl Backoff {
    /// The delay before attempt `attempt` (1-based), given `unit` drawn uniformly from
    /// `[0, 1)`.
    pub fn delay(&self, attempt: u32, unit: f64) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let base = self
            .min
            .checked_mul(1u32 << exp)
            .unwrap_or(self.max)
            .min(self.max)
            .max(self.min);
        let extra = base.mul_f64(self.jitter.clamp(0.0, 1.0) * unit.clamp(0.0, 1.0));
        base + extra
    }

    /// The delay before attempt `attempt`, with fresh randomness.
    pub fn next_delay(&self, attempt: u32) -> Duration {
        self.delay(attempt, rand::random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_min_and_stops_at_max() {
        let b = Backoff {
            jitter: 0.0,
            ..Backoff::default()
        };
        let secs: Vec<u64> = (1..=6).map(|a| b.delay(a, 0.5).as_secs()).collect();
        assert_eq!(secs, vec![1, 2, 4, 8, 10, 10]);
        assert_eq!(
            b.delay(1000, 0.9),
            Duration::from_secs(10),
            "no overflow for huge attempts"
        );
        assert_eq!(
            b.delay(0, 0.0),
            Duration::from_secs(1),
            "attempt 0 behaves as the first"
        );
    }

    #[test]
    fn jitter_adds_at_most_its_fraction() {
        let b = Backoff::default();
        assert_eq!(b.delay(1, 0.0), Duration::from_secs(1));
        assert_eq!(b.delay(1, 1.0), Duration::from_millis(1250));
        assert_eq!(b.delay(10, 1.0), Duration::from_millis(12500));
        for _ in 0..100 {
            let d = b.next_delay(3);
            assert!(
                d >= Duration::from_secs(4) && d <= Duration::from_secs(5),
                "{d:?}"
            );
        }
    }
}
