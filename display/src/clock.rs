//! The header's clock and date, in Indonesian as the room reads them ("09.05", "Senin,
//! 23 November 2026"), in the hospital's time zone from the server's settings.

use chrono::{DateTime, Locale, Utc};
use chrono_tz::Tz;

/// Used until the server's settings arrive, and if they name a zone this build does not know.
pub const DEFAULT_ZONE: Tz = chrono_tz::Asia::Jakarta;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WallClock {
    pub time: String,
    pub date: String,
}

impl WallClock {
    pub fn at(now: DateTime<Utc>, zone: Tz) -> WallClock {
        let local = now.with_timezone(&zone);
        WallClock {
            // Indonesian writes the time with a dot: 09.05.
            time: local.format("%H.%M").to_string(),
            date: local
                .format_localized("%A, %-d %B %Y", Locale::id_ID)
                .to_string(),
        }
    }
}

/// The zone named in the settings, or Jakarta's.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(DEFAULT_ZONE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_clock_reads_as_in_indonesia() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 5, 0).unwrap();
        let clock = WallClock::at(now, zone("Asia/Jakarta"));
        assert_eq!(clock.time, "09.05");
        assert_eq!(clock.date, "Senin, 23 November 2026");
    }

    #[test]
    fn eastern_indonesia_is_two_hours_ahead_and_may_be_the_next_day() {
        let now = Utc.with_ymd_and_hms(2026, 8, 16, 22, 30, 0).unwrap();
        let clock = WallClock::at(now, zone("Asia/Jayapura"));
        assert_eq!(clock.time, "07.30");
        assert_eq!(clock.date, "Senin, 17 Agustus 2026");
    }

    #[test]
    fn an_unknown_zone_falls_back_to_jakarta() {
        assert_eq!(zone("Mars/Olympus"), DEFAULT_ZONE);
    }
}
