//! The numbers of one business day behind the admin's dashboard, read with a fixed handful of
//! aggregate queries however many tickets, services or counters there are.
//!
//! Five queries in one read transaction: services, counters with their current ticket, which
//! counter serves which service, the day's tickets grouped by service, counter and status (with
//! the sums of waits and service times), and the day's issues and calls grouped by quarter hour.
//! The ticket queries find the day through the `tickets_by_day` index, so their cost follows the
//! day's tickets, not the whole history.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use giliran_core::BusinessCalendar;
use giliran_core::status::TicketStatus;
use giliran_core::wire::{CounterStats, DayStats, HourStats, ServiceStats, StatsTotals};
use uuid::Uuid;

use super::{Store, count};
use crate::db::args;
use crate::error::StoreError;

#[derive(sqlx::FromRow)]
struct ServiceRow {
    id: Uuid,
    code: String,
    name: String,
    open: bool,
    daily_quota: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct CounterRow {
    id: Uuid,
    number: i64,
    name: String,
    paused: bool,
    current_number: Option<String>,
    current_called_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Link {
    counter_id: Uuid,
    service_id: Uuid,
}

/// The day's tickets of one service, counter and status.
#[derive(sqlx::FromRow)]
struct Tally {
    service_id: Uuid,
    counter_id: Option<Uuid>,
    #[sqlx(try_from = "String")]
    status: TicketStatus,
    tickets: i64,
    /// Tickets with a call time, and the sum of their waits from issue to that call.
    calls: i64,
    wait_seconds: Option<f64>,
    /// Done tickets, and the sum of their times from the call to completion.
    served: i64,
    service_seconds: Option<f64>,
}

/// Issues and calls of the day in one quarter hour: `slot` counts quarter hours since 1970 UTC.
#[derive(sqlx::FromRow)]
struct Slot {
    slot: i64,
    issued: i64,
    called: i64,
}

const SERVICES: &str = "SELECT id, code, name, open, daily_quota FROM services ORDER BY code";

/// At most one ticket per counter is `called` (a unique index says so), so the join keeps one
/// row per counter.
const COUNTERS: &str = "SELECT c.id, c.number, c.name, c.paused, \
       t.number AS current_number, t.called_at AS current_called_at \
     FROM counters c \
     LEFT JOIN tickets t ON t.counter_id = c.id AND t.status = 'called' AND t.business_day = $1 \
     ORDER BY c.number";

const LINKS: &str = "SELECT counter_id, service_id FROM counter_services";

/// The tallies, given each backend's spelling of the seconds from issue to call (`$wait`) and
/// from call to completion (`$service`).
macro_rules! tallies {
    ($wait:literal, $service:literal) => {
        concat!(
            "SELECT t.service_id, t.counter_id, t.status, COUNT(*) AS tickets, \
               COUNT(t.called_at) AS calls, SUM(",
            $wait,
            ") AS wait_seconds, \
               COUNT(CASE WHEN t.status = 'done' THEN ",
            $service,
            " END) AS served, \
               SUM(CASE WHEN t.status = 'done' THEN ",
            $service,
            " END) AS service_seconds \
             FROM tickets t WHERE t.business_day = $1 \
             GROUP BY t.service_id, t.counter_id, t.status"
        )
    };
}

// SQLite keeps instants as RFC 3339 text; julianday reads it to the millisecond.
const TALLIES_SQLITE: &str = tallies!(
    "(julianday(t.called_at) - julianday(t.issued_at)) * 86400.0",
    "(julianday(t.finished_at) - julianday(t.called_at)) * 86400.0"
);
const TALLIES_POSTGRES: &str = tallies!(
    "CAST(EXTRACT(EPOCH FROM t.called_at - t.issued_at) AS DOUBLE PRECISION)",
    "CAST(EXTRACT(EPOCH FROM t.finished_at - t.called_at) AS DOUBLE PRECISION)"
);

/// Issues and calls by quarter hour of UTC, given each backend's spelling of "the quarter hour
/// of" an instant. Every time zone in use today is a whole number of quarter hours off UTC, so a
/// quarter hour of UTC lies in one local hour, which Rust then finds with the time zone
/// database; SQL alone could not on SQLite, which has none.
macro_rules! per_slot {
    ($issued_slot:literal, $called_slot:literal) => {
        concat!(
            "SELECT slot, SUM(issued) AS issued, SUM(called) AS called FROM ( \
               SELECT ",
            $issued_slot,
            " AS slot, 1 AS issued, 0 AS called \
               FROM tickets t WHERE t.business_day = $1 \
               UNION ALL \
               SELECT ",
            $called_slot,
            " AS slot, 0 AS issued, 1 AS called \
               FROM tickets t WHERE t.business_day = $1 AND t.called_at IS NOT NULL \
             ) AS marks GROUP BY slot"
        )
    };
}

// Instants are RFC 3339 text in UTC, so the first 19 characters are the instant's second.
// Cutting the fraction off keeps 08:59:59.9999 in 08:59, where strftime would round it to the
// millisecond, into 09:00; integer division keeps 09:00:00 out of 08:59.
const PER_SLOT_SQLITE: &str = per_slot!(
    "CAST(strftime('%s', substr(t.issued_at, 1, 19)) AS INTEGER) / 900",
    "CAST(strftime('%s', substr(t.called_at, 1, 19)) AS INTEGER) / 900"
);
const PER_SLOT_POSTGRES: &str = per_slot!(
    "CAST(floor(EXTRACT(EPOCH FROM t.issued_at) / 900) AS BIGINT)",
    "CAST(floor(EXTRACT(EPOCH FROM t.called_at) / 900) AS BIGINT)"
);

/// Length of the quarter hours `Slot::slot` counts.
const SLOT_SECONDS: i64 = 900;

/// A mean of durations, built from sums.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Mean {
    seconds: f64,
    n: i64,
}

impl Mean {
    fn add(&mut self, seconds: Option<f64>, n: i64) {
        self.seconds += seconds.unwrap_or(0.0);
        self.n += n;
    }

    fn merge(&mut self, other: Mean) {
        self.add(Some(other.seconds), other.n);
    }

    /// Whole seconds, rounded; `None` without anything to average.
    fn whole_seconds(self) -> Option<u32> {
        // `as` saturates: a negative sum (a clock set back) reads as 0, not as a wrap.
        (self.n > 0).then(|| (self.seconds / self.n as f64).round() as u32)
    }
}

/// No-shows among the patients the counters finished with: `None` when there were none.
fn no_show_rate(done: u32, skipped: u32) -> Option<f64> {
    let finished = u64::from(done) + u64::from(skipped);
    (finished > 0).then(|| f64::from(skipped) / finished as f64)
}

/// One service's numbers as they add up.
#[derive(Debug, Default)]
struct ServiceTally {
    by_status: HashMap<TicketStatus, u32>,
    issued: u32,
    wait: Mean,
    service: Mean,
}

impl ServiceTally {
    fn of(&self, status: TicketStatus) -> u32 {
        self.by_status.get(&status).copied().unwrap_or(0)
    }
}

impl Store {
    /// The numbers of `day` as of `now`. `waiting`, `called` and the counters' current tickets
    /// are today's only: on any other day those tickets have expired or do not exist yet.
    pub async fn day_stats(
        &self,
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<DayStats, StoreError> {
        let today = self.today(now);
        let dialect = self.db.dialect();
        // One snapshot: the counts, the counters' current tickets and the hours agree.
        let mut tx = self.db.begin_read().await?;
        let services: Vec<ServiceRow> = tx.fetch_all(SERVICES, args![]).await?;
        let counters: Vec<CounterRow> = tx.fetch_all(COUNTERS, args![day]).await?;
        let links: Vec<Link> = tx.fetch_all(LINKS, args![]).await?;
        let tallies: Vec<Tally> = tx
            .fetch_all(dialect.pick(TALLIES_POSTGRES, TALLIES_SQLITE), args![day])
            .await?;
        let slots: Vec<Slot> = tx
            .fetch_all(dialect.pick(PER_SLOT_POSTGRES, PER_SLOT_SQLITE), args![day])
            .await?;
        tx.commit().await?;

        let mut by_service: HashMap<Uuid, ServiceTally> = HashMap::new();
        let mut by_counter: HashMap<Uuid, (u32, u32)> = HashMap::new();
        for tally in tallies {
            // Yesterday's open tickets have expired even before the day-end sweep writes it.
            let status = tally.status.as_of(day, today);
            let tickets = count(tally.tickets);
            let service = by_service.entry(tally.service_id).or_default();
            *service.by_status.entry(status).or_default() += tickets;
            service.issued += tickets;
            service.wait.add(tally.wait_seconds, tally.calls);
            service.service.add(tally.service_seconds, tally.served);
            if let Some(counter_id) = tally.counter_id {
                let (done, skipped) = by_counter.entry(counter_id).or_default();
                match status {
                    TicketStatus::Done => *done += tickets,
                    TicketStatus::Skipped => *skipped += tickets,
                    _ => {}
                }
            }
        }

        let empty = ServiceTally::default();
        let mut totals = StatsTotals {
            issued: 0,
            waiting: 0,
            done: 0,
            skipped: 0,
            no_show_rate: None,
            avg_wait_seconds: None,
            avg_service_seconds: None,
        };
        let (mut wait, mut service_time) = (Mean::default(), Mean::default());
        let services: Vec<ServiceStats> = services
            .into_iter()
            .map(|row| {
                let tally = by_service.get(&row.id).unwrap_or(&empty);
                totals.issued += tally.issued;
                totals.waiting += tally.of(TicketStatus::Waiting);
                totals.done += tally.of(TicketStatus::Done);
                totals.skipped += tally.of(TicketStatus::Skipped);
                wait.merge(tally.wait);
                service_time.merge(tally.service);
                ServiceStats {
                    service_id: row.id,
                    code: row.code,
                    name: row.name,
                    open: row.open,
                    waiting: tally.of(TicketStatus::Waiting),
                    called: tally.of(TicketStatus::Called),
                    done: tally.of(TicketStatus::Done),
                    skipped: tally.of(TicketStatus::Skipped),
                    cancelled: tally.of(TicketStatus::Cancelled),
                    transferred: tally.of(TicketStatus::Transferred),
                    expired: tally.of(TicketStatus::Expired),
                    issued: tally.issued,
                    quota_left: row
                        .daily_quota
                        .map(|quota| count(quota).saturating_sub(tally.issued)),
                    avg_wait_seconds: tally.wait.whole_seconds(),
                    avg_service_seconds: tally.service.whole_seconds(),
                }
            })
            .collect();
        totals.no_show_rate = no_show_rate(totals.done, totals.skipped);
        totals.avg_wait_seconds = wait.whole_seconds();
        totals.avg_service_seconds = service_time.whole_seconds();

        let waiting_in: HashMap<Uuid, u32> =
            services.iter().map(|s| (s.service_id, s.waiting)).collect();
        let counters = counters
            .into_iter()
            .map(|row| {
                let (done, skipped) = by_counter.get(&row.id).copied().unwrap_or_default();
                let waiting = links
                    .iter()
                    .filter(|l| l.counter_id == row.id)
                    .filter_map(|l| waiting_in.get(&l.service_id))
                    .sum();
                // A called ticket of another day is not at the counter any more.
                let (current_number, current_called_at) = if day == today {
                    (row.current_number, row.current_called_at)
                } else {
                    (None, None)
                };
                CounterStats {
                    counter_id: row.id,
                    number: count(row.number),
                    name: row.name,
                    paused: row.paused,
                    current_number,
                    current_called_at,
                    waiting,
                    done,
                    skipped,
                }
            })
            .collect();

        Ok(DayStats {
            day,
            generated_at: now,
            services,
            counters,
            totals,
            per_hour: per_hour(&self.calendar, day, &slots),
        })
    }
}

/// The 24 local hours of `day`, from the quarter hours the database counted.
fn per_hour(calendar: &BusinessCalendar, day: NaiveDate, slots: &[Slot]) -> Vec<HourStats> {
    let mut hours: Vec<HourStats> = (0..24)
        .map(|hour| HourStats {
            hour,
            issued: 0,
            called: 0,
        })
        .collect();
    let zone = calendar.time_zone();
    for slot in slots {
        let Some(start) = slot
            .slot
            .checked_mul(SLOT_SECONDS)
            .and_then(|s| DateTime::from_timestamp(s, 0))
        else {
            continue;
        };
        let local = start.with_timezone(&zone);
        // A ticket belongs to the day it was issued in, so its times fall in that day.
        if local.date_naive() != day {
            continue;
        }
        if let Some(hour) = hours.get_mut(local.hour() as usize) {
            hour.issued += count(slot.issued);
            hour.called += count(slot.called);
        }
    }
    hours
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn means_round_to_whole_seconds_and_need_something_to_average() {
        let mut wait = Mean::default();
        assert_eq!(wait.whole_seconds(), None);
        wait.add(Some(300.0), 1);
        wait.add(Some(900.4), 1);
        assert_eq!(wait.whole_seconds(), Some(600));
        let mut total = Mean::default();
        total.merge(wait);
        total.merge(Mean::default());
        assert_eq!(total.whole_seconds(), Some(600));
        assert_eq!(
            Mean {
                seconds: -5.0,
                n: 1
            }
            .whole_seconds(),
            Some(0)
        );
    }

    #[test]
    fn no_show_rate_is_a_fraction_of_the_finished_patients() {
        assert_eq!(no_show_rate(0, 0), None);
        assert_eq!(no_show_rate(3, 1), Some(0.25));
        assert_eq!(no_show_rate(0, 2), Some(1.0));
        assert_eq!(no_show_rate(u32::MAX, u32::MAX), Some(0.5));
    }

    #[test]
    fn quarter_hours_land_in_the_local_hour_of_the_business_day() {
        let store_day: NaiveDate = "2026-11-23".parse().unwrap();
        let slot_of = |at: &str| at.parse::<DateTime<Utc>>().unwrap().timestamp() / SLOT_SECONDS;
        let slots = [
            // 08:00 and 08:45 WIB.
            Slot {
                slot: slot_of("2026-11-23T01:00:00Z"),
                issued: 2,
                called: 0,
            },
            Slot {
                slot: slot_of("2026-11-23T01:45:00Z"),
                issued: 1,
                called: 3,
            },
            // 23:45 WIB, the last quarter of the day.
            Slot {
                slot: slot_of("2026-11-23T16:45:00Z"),
                issued: 1,
                called: 1,
            },
            // 00:00 WIB the next day: not this day's.
            Slot {
                slot: slot_of("2026-11-23T17:00:00Z"),
                issued: 9,
                called: 9,
            },
        ];
        let hours = per_hour(&BusinessCalendar::default(), store_day, &slots);
        assert_eq!(hours.len(), 24);
        assert_eq!((hours[8].issued, hours[8].called), (3, 3));
        assert_eq!((hours[23].issued, hours[23].called), (1, 1));
        let total: u32 = hours.iter().map(|h| h.issued).sum();
        assert_eq!(total, 4);
        assert!(hours.iter().enumerate().all(|(i, h)| h.hour as usize == i));
    }
}
