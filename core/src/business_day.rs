//! Business days: ticket numbers restart and open tickets expire when the day changes in the
//! hospital's own time zone (WIB, WITA or WIT in Indonesia; any IANA zone elsewhere).

use chrono::{DateTime, Days, LocalResult, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// Indonesia's most common zone (WIB), the default of every install.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Jakarta";

/// A time zone name that is not in the IANA database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown time zone {0:?}: use an IANA name such as Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)"
)]
pub struct UnknownTimeZone(pub String);

/// Maps instants to the business day they belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusinessCalendar {
    tz: Tz,
}

impl Default for BusinessCalendar {
    fn default() -> Self {
        BusinessCalendar {
            tz: Tz::Asia__Jakarta,
        }
    }
}

impl BusinessCalendar {
    pub fn new(tz: Tz) -> Self {
        BusinessCalendar { tz }
    }

    /// Parses an IANA zone name, as given in `GILIRAN_TZ`.
    pub fn parse(name: &str) -> Result<Self, UnknownTimeZone> {
        name.trim()
            .parse::<Tz>()
            .map(BusinessCalendar::new)
            .map_err(|_| UnknownTimeZone(name.to_owned()))
    }

    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    /// The business day `at` falls in.
    pub fn day_of(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// The first instant of `day`. Where a zone skips local midnight (a DST change at 00:00),
    /// the day starts at the first local time that exists.
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        match self.tz.from_local_datetime(&midnight) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(earliest, _) => earliest.with_timezone(&Utc),
            LocalResult::None => self.first_existing_instant_after(midnight),
        }
    }

    /// When the business day after the one containing `at` begins.
    pub fn start_of_next_day(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let day = self.day_of(at);
        let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
        self.start_of(next)
    }

    fn first_existing_instant_after(&self, local: chrono::NaiveDateTime) -> DateTime<Utc> {
        // Gaps are at most a few hours; walk forward a minute at a time to their end.
        (1..=24 * 60)
            .map(|m| local + chrono::Duration::minutes(m))
            .find_map(|t| self.tz.from_local_datetime(&t).earliest())
            .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn jakarta_day_turns_at_five_pm_utc() {
        let cal = BusinessCalendar::default();
        assert_eq!(
            cal.day_of(utc("2026-11-22T16:59:59Z")).to_string(),
            "2026-11-22"
        );
        assert_eq!(
            cal.day_of(utc("2026-11-22T17:00:00Z")).to_string(),
            "2026-11-23"
        );
        assert_eq!(
            cal.start_of_next_day(utc("2026-11-22T03:00:00Z")),
            utc("2026-11-22T17:00:00Z")
        );
    }

    #[test]
    fn wita_and_wit_are_an_hour_apart_each() {
        let at = utc("2026-11-22T15:30:00Z");
        let day = |zone| {
            BusinessCalendar::parse(zone)
                .unwrap()
                .day_of(at)
                .to_string()
        };
        assert_eq!(day("Asia/Jakarta"), "2026-11-22"); // 22:30 WIB
        assert_eq!(day("Asia/Makassar"), "2026-11-22"); // 23:30 WITA
        assert_eq!(day("Asia/Jayapura"), "2026-11-23"); // 00:30 WIT
    }

    #[test]
    fn unknown_zones_are_refused_with_a_hint() {
        let err = BusinessCalendar::parse("Asia/Bandung").unwrap_err();
        assert!(err.to_string().contains("Asia/Makassar"), "{err}");
        assert!(BusinessCalendar::parse("WIB").is_err());
    }

    #[test]
    fn a_midnight_dst_gap_starts_the_day_at_one() {
        // Santiago skipped 00:00–01:00 on 2022-09-11.
        let cal = BusinessCalendar::parse("America/Santiago").unwrap();
        let day = NaiveDate::from_ymd_opt(2022, 9, 11).unwrap();
        let start = cal.start_of(day);
        assert_eq!(cal.day_of(start), day);
        assert_eq!(
            cal.day_of(start - chrono::Duration::seconds(1)),
            day.pred_opt().unwrap()
        );
    }

    const ZONES: [&str; 6] = [
        "Asia/Jakarta",
        "Asia/Makassar",
        "Asia/Jayapura",
        "Europe/Berlin",
        "America/Santiago",
        "Pacific/Chatham",
    ];

    proptest! {
        #[test]
        fn next_day_starts_after_now_and_exactly_one_day_later(
            zone in proptest::sample::select(&ZONES[..]),
            secs in 946_684_800i64..4_102_444_800,
        ) {
            let cal = BusinessCalendar::parse(zone).unwrap();
            let at = DateTime::from_timestamp(secs, 0).unwrap();
            let next = cal.start_of_next_day(at);
            prop_assert!(next > at);
            prop_assert_eq!(cal.day_of(next), cal.day_of(at).succ_opt().unwrap());
            // Nothing between `at` and the next start belongs to another day.
            prop_assert_eq!(cal.day_of(next - chrono::Duration::seconds(1)), cal.day_of(at));
        }

        #[test]
        fn a_day_starts_inside_itself(
            zone in proptest::sample::select(&ZONES[..]),
            secs in 946_684_800i64..4_102_444_800,
        ) {
            let cal = BusinessCalendar::parse(zone).unwrap();
            let day = cal.day_of(DateTime::from_timestamp(secs, 0).unwrap());
            let start = cal.start_of(day);
            prop_assert_eq!(cal.day_of(start), day);
            prop_assert!(cal.day_of(start - chrono::Duration::seconds(1)) < day);
        }
    }
}
