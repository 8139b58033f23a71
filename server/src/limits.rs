//! Abuse limits: how often one client may take tickets or look up a phone number, how many
//! wrong passwords an account or address may try, and how many event streams one address may
//! hold. Each limit lives in this server's memory: with several replicas a client gets the
//! allowance once per replica, which still bounds it.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

/// The allowances, from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitConfig {
    /// Tickets one address may take per minute. A hospital's guest Wi-Fi puts many patients
    /// behind one address, so this is generous.
    pub tickets_per_ip_per_minute: u32,
    /// Tickets one device id may take per minute.
    pub tickets_per_device_per_minute: u32,
    /// Status lookups by phone number one address may make per minute.
    pub lookups_per_ip_per_minute: u32,
    /// Wrong passwords an account may get before it must wait; the wait doubles with each
    /// further failure. An address gets four times as many, for a shared staff room.
    pub login_failures_before_lockout: u32,
    /// Event streams one address may hold open.
    pub streams_per_ip: usize,
}

impl Default for LimitConfig {
    fn default() -> LimitConfig {
        LimitConfig {
            tickets_per_ip_per_minute: 60,
            tickets_per_device_per_minute: 5,
            lookups_per_ip_per_minute: 20,
            login_failures_before_lockout: 5,
            streams_per_ip: 500,
        }
    }
}

/// The first lockout, and the longest.
const FIRST_LOCKOUT: Duration = Duration::from_secs(1);
const LONGEST_LOCKOUT: Duration = Duration::from_secs(15 * 60);
/// Failures older than this are forgotten.
const FAILURE_MEMORY: Duration = Duration::from_secs(60 * 60);

/// Every limit of one server.
#[derive(Clone)]
pub struct Limits {
    config: LimitConfig,
    tickets_by_ip: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    tickets_by_device: Arc<DefaultKeyedRateLimiter<String>>,
    lookups_by_ip: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    login_by_user: Lockout<String>,
    login_by_ip: Lockout<IpAddr>,
    streams: StreamsPerIp,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN))
}

fn check<K: Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
    why: &'static str,
) -> Result<(), AppError> {
    limiter.check_key(key).map_err(|not_until| {
        let retry_after = not_until.wait_time_from(DefaultClock::default().now());
        AppError::RateLimited { why, retry_after }
    })
}

impl Limits {
    pub fn new(config: LimitConfig) -> Limits {
        let failures = config.login_failures_before_lockout.max(1);
        Limits {
            tickets_by_ip: Arc::new(RateLimiter::keyed(per_minute(
                config.tickets_per_ip_per_minute,
            ))),
            tickets_by_device: Arc::new(RateLimiter::keyed(per_minute(
                config.tickets_per_device_per_minute,
            ))),
            lookups_by_ip: Arc::new(RateLimiter::keyed(per_minute(
                config.lookups_per_ip_per_minute,
            ))),
            login_by_user: Lockout::new(failures),
            login_by_ip: Lockout::new(failures.saturating_mul(4)),
            streams: StreamsPerIp::new(config.streams_per_ip),
            config,
        }
    }

    pub fn config(&self) -> &LimitConfig {
        &self.config
    }

    /// A ticket may be taken from this address and device now.
    pub fn take_ticket(&self, ip: Option<IpAddr>, device_id: Option<&str>) -> Result<(), AppError> {
        if let Some(ip) = ip {
            check(
                &self.tickets_by_ip,
                &ip,
                "too many tickets from this network; wait a moment",
            )?;
        }
        if let Some(device) = device_id {
            check(
                &self.tickets_by_device,
                &device.to_owned(),
                "too many tickets from this device; wait a moment",
            )?;
        }
        Ok(())
    }

    /// A phone-number lookup may be made from this address now.
    pub fn lookup(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        match ip {
            Some(ip) => check(
                &self.lookups_by_ip,
                &ip,
                "too many status lookups from this network; wait a moment",
            ),
            None => Ok(()),
        }
    }

    /// Refuses a login attempt while the account or the address is locked out.
    pub fn login_allowed(&self, username: &str, ip: Option<IpAddr>) -> Result<(), AppError> {
        let locked = [
            self.login_by_user.locked_for(&login_key(username)),
            ip.and_then(|ip| self.login_by_ip.locked_for(&ip)),
        ]
        .into_iter()
        .flatten()
        .max();
        match locked {
            Some(retry_after) => Err(AppError::RateLimited {
                why: "too many failed logins; wait before trying again",
                retry_after,
            }),
            None => Ok(()),
        }
    }

    pub fn login_failed(&self, username: &str, ip: Option<IpAddr>) {
        self.login_by_user.failed(login_key(username));
        if let Some(ip) = ip {
            self.login_by_ip.failed(ip);
        }
    }

    /// A good password clears the account's failures, and the address's: the person there
    /// knows a password.
    pub fn login_succeeded(&self, username: &str, ip: Option<IpAddr>) {
        self.login_by_user.clear(&login_key(username));
        if let Some(ip) = ip {
            self.login_by_ip.clear(&ip);
        }
    }

    /// Holds one of the address's event-stream places for as long as the guard lives.
    pub fn open_stream(&self, ip: Option<IpAddr>) -> Result<Option<StreamGuard>, AppError> {
        match ip {
            Some(ip) => self
                .streams
                .open(ip)
                .map(Some)
                .ok_or(AppError::RateLimited {
                    why: "too many event streams from this network",
                    retry_after: Duration::from_secs(10),
                }),
            None => Ok(None),
        }
    }

    /// Forgets clients that have been quiet, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.tickets_by_ip.retain_recent();
        self.tickets_by_device.retain_recent();
        self.lookups_by_ip.retain_recent();
        self.login_by_user.forget_old();
        self.login_by_ip.forget_old();
    }
}

/// Usernames are matched case-insensitively at login, so lockouts are too.
fn login_key(username: &str) -> String {
    username.trim().to_lowercase().chars().take(64).collect()
}

/// Failed attempts per key, with a lockout that doubles after each failure past the free ones.
#[derive(Clone)]
struct Lockout<K> {
    free: u32,
    failures: Arc<Mutex<HashMap<K, Failures>>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    locked_until: Option<Instant>,
}

impl<K: Hash + Eq> Lockout<K> {
    fn new(free: u32) -> Lockout<K> {
        Lockout {
            free,
            failures: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<K, Failures>> {
        // A panic while holding the lock leaves counts, not broken invariants: keep going.
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn locked_for(&self, key: &K) -> Option<Duration> {
        let now = Instant::now();
        self.map()
            .get(key)
            .and_then(|f| f.locked_until)
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    fn failed(&self, key: K) {
        let now = Instant::now();
        let mut map = self.map();
        let entry = map.entry(key).or_insert(Failures {
            count: 0,
            last: now,
            locked_until: None,
        });
        if now.duration_since(entry.last) > FAILURE_MEMORY {
            entry.count = 0;
        }
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
        if entry.count >= self.free {
            let doublings = (entry.count - self.free).min(20);
            let wait = FIRST_LOCKOUT
                .saturating_mul(1 << doublings)
                .min(LONGEST_LOCKOUT);
            entry.locked_until = Some(now + wait);
        }
    }

    fn clear(&self, key: &K) {
        self.map().remove(key);
    }

    fn forget_old(&self) {
        let now = Instant::now();
        self.map().retain(|_, f| {
            now.duration_since(f.last) <= FAILURE_MEMORY
                || f.locked_until.is_some_and(|until| until > now)
        });
    }
}

/// Open event streams per address.
#[derive(Clone)]
struct StreamsPerIp {
    max: usize,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl StreamsPerIp {
    fn new(max: usize) -> StreamsPerIp {
        StreamsPerIp {
            max: max.max(1),
            open: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    fn open(&self, ip: IpAddr) -> Option<StreamGuard> {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = open.entry(ip).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(StreamGuard {
            ip,
            open: Arc::clone(&self.open),
        })
    }
}

/// One address's event stream; its place is given back when dropped.
pub struct StreamGuard {
    ip: IpAddr,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    fn limits(config: LimitConfig) -> Limits {
        Limits::new(config)
    }

    #[test]
    fn tickets_are_limited_per_address_and_per_device() {
        let l = limits(LimitConfig {
            tickets_per_ip_per_minute: 3,
            tickets_per_device_per_minute: 2,
            ..LimitConfig::default()
        });
        for _ in 0..3 {
            l.take_ticket(ip("10.0.0.1"), None).unwrap();
        }
        let Err(AppError::RateLimited { retry_after, .. }) = l.take_ticket(ip("10.0.0.1"), None)
        else {
            panic!("the fourth ticket in a minute is refused");
        };
        assert!(retry_after > Duration::ZERO && retry_after <= Duration::from_secs(20));
        l.take_ticket(ip("10.0.0.2"), None).unwrap();

        l.take_ticket(ip("10.0.0.3"), Some("hp-1")).unwrap();
        l.take_ticket(ip("10.0.0.4"), Some("hp-1")).unwrap();
        assert!(l.take_ticket(ip("10.0.0.5"), Some("hp-1")).is_err());
        l.take_ticket(ip("10.0.0.5"), Some("hp-2")).unwrap();
    }

    #[test]
    fn lockouts_grow_and_a_good_password_clears_them() {
        let l = limits(LimitConfig {
            login_failures_before_lockout: 3,
            ..LimitConfig::default()
        });
        let from = ip("10.0.0.9");
        for _ in 0..2 {
            l.login_allowed("Siti", from).unwrap();
            l.login_failed("Siti", from);
        }
        l.login_allowed("siti", from).unwrap();
        l.login_failed("siti", from);
        let first = match l.login_allowed(" SITI ", from) {
            Err(AppError::RateLimited { retry_after, .. }) => retry_after,
            other => panic!("locked after 3 failures, got {other:?}"),
        };
        assert!(first <= FIRST_LOCKOUT);
        l.login_failed("siti", from);
        let second = match l.login_allowed("siti", ip("10.0.0.10")) {
            Err(AppError::RateLimited { retry_after, .. }) => retry_after,
            other => panic!("the account stays locked from another address, got {other:?}"),
        };
        assert!(second > first, "{second:?} > {first:?}");
        l.login_allowed("budi", ip("10.0.0.10")).unwrap();
        l.login_succeeded("siti", from);
        l.login_allowed("siti", from).unwrap();
    }

    #[test]
    fn an_address_is_locked_after_many_accounts_fail() {
        let l = limits(LimitConfig {
            login_failures_before_lockout: 2,
            ..LimitConfig::default()
        });
        let from = ip("10.0.0.7");
        for i in 0..8 {
            l.login_failed(&format!("user{i}"), from);
        }
        assert!(l.login_allowed("someone-else", from).is_err());
        l.login_allowed("someone-else", ip("10.0.0.8")).unwrap();
    }

    #[test]
    fn stream_places_are_given_back() {
        let l = limits(LimitConfig {
            streams_per_ip: 2,
            ..LimitConfig::default()
        });
        let a = l.open_stream(ip("10.0.0.1")).unwrap();
        let _b = l.open_stream(ip("10.0.0.1")).unwrap();
        assert!(l.open_stream(ip("10.0.0.1")).is_err());
        assert!(l.open_stream(ip("10.0.0.2")).unwrap().is_some());
        drop(a);
        assert!(l.open_stream(ip("10.0.0.1")).is_ok());
        assert!(l.open_stream(None).unwrap().is_none());
    }
}
