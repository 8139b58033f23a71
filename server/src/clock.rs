//! Time as the server sees it. Handlers never read the system clock directly, so tests can
//! move a whole server to tomorrow.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The real time.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        truncate_to_micros(Utc::now())
    }
}

/// PostgreSQL keeps microseconds; cutting there everywhere makes both backends store and return
/// exactly the same instants.
pub fn truncate_to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(at)
}
