//! How long to wait before reconnecting: exponential backoff with full jitter, so a waiting room
//! full of displays and phones that lost the server together do not all knock at the same
//! instant when it comes back.
//!
//! Pure: the caller draws the random number, so the schedule is tested without sleeping and
//! without luck.

use std::time::Duration;

/// The reconnect schedule: the n-th wait in a row is a uniform draw from
/// `[0, min(cap, first × 2ⁿ)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    first: Duration,
    cap: Duration,
    failures: u32,
}

impl Default for Backoff {
    /// A quarter of a second at first, never more than half a minute: a display is back on its
    /// feet within moments of a blip and does not hammer a server that is down.
    fn default() -> Self {
        Backoff::new(Duration::from_millis(250), Duration::from_secs(30))
    }
}

impl Backoff {
    /// Waits of at most `first`, then twice that, and so on up to `cap`.
    pub const fn new(first: Duration, cap: Duration) -> Backoff {
        Backoff {
            first,
            cap,
            failures: 0,
        }
    }

    /// The longest the next wait can be.
    pub fn ceiling(&self) -> Duration {
        // 2³¹ × anything sensible is past any cap; beyond that the shift would overflow.
        let factor = 1u32.checked_shl(self.failures.min(31)).unwrap_or(u32::MAX);
        self.first.saturating_mul(factor).min(self.cap)
    }

    /// The wait before the next attempt, for `jitter` drawn uniformly from `[0, 1]`; counts one
    /// more failure.
    pub fn next_delay(&mut self, jitter: f64) -> Duration {
        // A NaN would make `mul_f64` panic; treat it as the most cautious draw.
        let jitter = if jitter.is_nan() {
            1.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        let delay = self.ceiling().mul_f64(jitter);
        self.failures = self.failures.saturating_add(1);
        delay
    }

    /// A connection stayed healthy: the next trouble starts the schedule over.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_ceiling_doubles_from_a_quarter_second_up_to_half_a_minute() {
        let mut backoff = Backoff::default();
        let mut ceilings = Vec::new();
        for _ in 0..10 {
            ceilings.push(backoff.ceiling().as_millis());
            backoff.next_delay(0.5);
        }
        assert_eq!(
            ceilings,
            [250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]
        );
    }

    #[test]
    fn full_jitter_spans_zero_to_the_ceiling() {
        let mut backoff = Backoff::new(ms(100), ms(10_000));
        assert_eq!(backoff.next_delay(0.0), Duration::ZERO);
        assert_eq!(backoff.next_delay(1.0), ms(200));
        assert_eq!(backoff.next_delay(0.5), ms(200));
        assert_eq!(backoff.next_delay(0.25), ms(200));
        // Draws outside [0, 1] cannot wait longer than the ceiling or less than nothing.
        assert_eq!(backoff.next_delay(7.0), ms(1600));
        assert_eq!(backoff.next_delay(-1.0), Duration::ZERO);
        assert_eq!(backoff.next_delay(f64::NAN), ms(6400));
    }

    #[test]
    fn a_healthy_connection_starts_the_schedule_over() {
        let mut backoff = Backoff::new(ms(250), ms(30_000));
        for _ in 0..6 {
            backoff.next_delay(1.0);
        }
        assert_eq!(backoff.ceiling(), ms(16_000));
        backoff.reset();
        assert_eq!(backoff.next_delay(1.0), ms(250));
        assert_eq!(backoff.ceiling(), ms(500));
    }

    #[test]
    fn a_server_down_all_night_never_overflows_the_schedule() {
        let mut backoff = Backoff::default();
        for _ in 0..100_000 {
            assert!(backoff.next_delay(1.0) <= Duration::from_secs(30));
        }
        assert_eq!(backoff.ceiling(), Duration::from_secs(30));
    }

    #[test]
    fn seeded_draws_stay_under_the_ceiling_and_spread_out() {
        let schedule = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            let mut backoff = Backoff::default();
            (0..12)
                .map(|_| {
                    let ceiling = backoff.ceiling();
                    let delay = backoff.next_delay(rng.random());
                    assert!(delay <= ceiling, "{delay:?} over {ceiling:?}");
                    delay
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(schedule(7), schedule(7), "the same seed, the same waits");
        assert_ne!(
            schedule(7),
            schedule(8),
            "two displays do not wait in lockstep"
        );
        let late = &schedule(7)[8..];
        assert!(
            late.windows(2).all(|w| w[0] != w[1]),
            "at the cap the waits still vary: {late:?}"
        );
    }
}
