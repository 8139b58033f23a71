//! A service's opening hours (jam layanan): the local times between which patients may take
//! its tickets, such as a poli that registers from 07:00 to 14:00. Tickets already taken are
//! still called after closing; only new ones wait for tomorrow.

use std::fmt;

use chrono::NaiveTime;

/// From `opens` (inclusive) to `closes` (exclusive), in the hospital's time zone, every day.
/// Within one day: a service open around the clock simply has no hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpeningHours {
    opens: NaiveTime,
    closes: NaiveTime,
}

/// Why hours were refused; the message is meant for the admin who typed them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    #[error("{field} must be a time of day as HH:MM, such as 07:30")]
    NotATime { field: &'static str },
    #[error("give both opens_at and closes_at, or neither for a service open all day")]
    OnlyOne,
    #[error("closes_at must be after opens_at (hours cannot run past midnight)")]
    ClosesBeforeOpening,
}

impl HoursError {
    /// The request field to point at.
    pub fn field(&self) -> &'static str {
        match self {
            HoursError::NotATime { field } => field,
            HoursError::OnlyOne => "opens_at",
            HoursError::ClosesBeforeOpening => "closes_at",
        }
    }
}

/// A field's text, unless empty.
fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn parse_time(raw: &str, field: &'static str) -> Result<NaiveTime, HoursError> {
    let raw = raw.trim();
    // Exactly HH:MM: a time input sends that, and seconds would only confuse a schedule.
    if raw.len() != 5 {
        return Err(HoursError::NotATime { field });
    }
    NaiveTime::parse_from_str(raw, "%H:%M").map_err(|_| HoursError::NotATime { field })
}

impl OpeningHours {
    /// Hours from two `HH:MM` texts; both empty (or absent) means no hours: open all day.
    pub fn parse(
        opens: Option<&str>,
        closes: Option<&str>,
    ) -> Result<Option<OpeningHours>, HoursError> {
        match (given(opens), given(closes)) {
            (None, None) => Ok(None),
            (Some(opens), Some(closes)) => {
                let opens = parse_time(opens, "opens_at")?;
                let closes = parse_time(closes, "closes_at")?;
                if closes <= opens {
                    return Err(HoursError::ClosesBeforeOpening);
                }
                Ok(Some(OpeningHours { opens, closes }))
            }
            _ => Err(HoursError::OnlyOne),
        }
    }

    /// Whether a ticket may be taken at `local`, the hospital's clock.
    pub fn contains(&self, local: NaiveTime) -> bool {
        self.opens <= local && local < self.closes
    }

    /// `07:00`.
    pub fn opens(&self) -> String {
        self.opens.format("%H:%M").to_string()
    }

    /// `14:00`.
    pub fn closes(&self) -> String {
        self.closes.format("%H:%M").to_string()
    }
}

impl fmt::Display for OpeningHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.opens(), self.closes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn a_poli_takes_tickets_from_opening_until_just_before_closing() {
        let hours = OpeningHours::parse(Some("07:00"), Some("14:00"))
            .unwrap()
            .unwrap();
        assert!(!hours.contains(at(6, 59)));
        assert!(hours.contains(at(7, 0)));
        assert!(hours.contains(at(13, 59)));
        assert!(!hours.contains(at(14, 0)));
        assert_eq!(hours.to_string(), "07:00–14:00");
    }

    #[test]
    fn no_hours_means_open_all_day() {
        assert_eq!(OpeningHours::parse(None, None), Ok(None));
        assert_eq!(OpeningHours::parse(Some(" "), Some("")), Ok(None));
    }

    #[test]
    fn unusable_hours_say_which_field_to_fix() {
        let refused = |opens, closes| OpeningHours::parse(Some(opens), Some(closes)).unwrap_err();
        assert_eq!(refused("7", "14:00").field(), "opens_at");
        assert_eq!(refused("07:00", "24:00").field(), "closes_at");
        assert_eq!(refused("07:00:00", "14:00").field(), "opens_at");
        assert_eq!(refused("14:00", "07:00"), HoursError::ClosesBeforeOpening);
        assert_eq!(refused("08:00", "08:00"), HoursError::ClosesBeforeOpening);
        assert_eq!(
            OpeningHours::parse(Some("07:00"), None),
            Err(HoursError::OnlyOne)
        );
    }
}
