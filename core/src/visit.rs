//! A patient's visit (kunjungan): one morning through several stations — registration, the
//! poli, the pharmacy — under one booking code. Each station gives a ticket; when a station is
//! done, the route decides which station's queue the patient joins next.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::wire::UnknownName;

/// What kind of station a service is, which decides its place in a visit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Station {
    /// Pendaftaran: a patient registering says which poli they came for, and goes there next.
    Registration,
    /// A clinic (poli) or a doctor's room.
    #[default]
    Poli,
    /// Farmasi / apotek.
    Pharmacy,
    /// Kasir.
    Cashier,
    /// Laboratorium.
    Laboratory,
    /// Radiologi.
    Radiology,
    /// Anything else a hospital queues for.
    Other,
}

impl Station {
    pub const ALL: [Station; 7] = [
        Station::Registration,
        Station::Poli,
        Station::Pharmacy,
        Station::Cashier,
        Station::Laboratory,
        Station::Radiology,
        Station::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Station::Registration => "registration",
            Station::Poli => "poli",
            Station::Pharmacy => "pharmacy",
            Station::Cashier => "cashier",
            Station::Laboratory => "laboratory",
            Station::Radiology => "radiology",
            Station::Other => "other",
        }
    }

    pub fn parse(name: &str) -> Option<Station> {
        Station::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl TryFrom<String> for Station {
    type Error = UnknownName;
    fn try_from(name: String) -> Result<Self, Self::Error> {
        Station::parse(&name).ok_or(UnknownName(name))
    }
}

/// The visit's booking code: the business day, then the number of the visit's first ticket,
/// without its dash (`261130A017` for A-017 on 30 November 2026). The first ticket's number is
/// unique for its service and day, and service codes are letters only, so the code is unique
/// without a lookup or a lock; hospitals' BPJS booking codes follow the same pattern. It is
/// not a secret: it finds a visit for staff, never a patient's data for a stranger.
pub fn booking_code(day: NaiveDate, service_code: &str, sequence: u32) -> String {
    format!("{}{service_code}{sequence:03}", day.format("%y%m%d"))
}

/// A booking code as staff type or scan it: trimmed, any case, with spaces or dashes.
pub fn normalize_booking_code(raw: &str) -> Option<String> {
    let code: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let (date, rest) = code.split_at_checked(6)?;
    let letters = rest.bytes().take_while(u8::is_ascii_uppercase).count();
    let digits = &rest[letters..];
    let valid = date.bytes().all(|b| b.is_ascii_digit())
        && (1..=crate::number::MAX_CODE_LEN).contains(&letters)
        && digits.len() >= 3
        && digits.bytes().all(|b| b.is_ascii_digit());
    valid.then_some(code)
}

/// What staff decided when finishing a station, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteChoice {
    /// Send the patient on to this service.
    To(Uuid),
    /// The visit ends here (no prescription, say).
    EndVisit,
}

/// Where a visit goes when a ticket of a `station` is done: staff's choice first; else a
/// registration ticket goes to the poli the patient came for; else the service's configured
/// next station; else the visit ends.
pub fn next_station(
    station: Station,
    configured_next: Option<Uuid>,
    destination: Option<Uuid>,
    choice: Option<RouteChoice>,
) -> Option<Uuid> {
    match choice {
        Some(RouteChoice::To(service)) => Some(service),
        Some(RouteChoice::EndVisit) => None,
        None => match (station, destination) {
            (Station::Registration, Some(poli)) => Some(poli),
            _ => configured_next,
        },
    }
}

/// Why a configured route is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    #[error("a service cannot send patients on to itself")]
    ToItself,
    #[error("this route would bring patients back to a station they already passed")]
    Loop,
}

/// Checks that sending `service` on to `next` keeps every route finite: following the
/// configured next stations from `next` (`next_of`) must not come back to `service`.
pub fn check_route(
    service: Uuid,
    next: Uuid,
    next_of: impl Fn(Uuid) -> Option<Uuid>,
) -> Result<(), RouteError> {
    if next == service {
        return Err(RouteError::ToItself);
    }
    let mut at = next;
    // Each step visits another service; more steps than services would mean a loop elsewhere,
    // which an earlier check refused, so the bound only guards a corrupt table.
    for _ in 0..MAX_ROUTE_STEPS {
        match next_of(at) {
            None => return Ok(()),
            Some(n) if n == service => return Err(RouteError::Loop),
            Some(n) => at = n,
        }
    }
    Err(RouteError::Loop)
}

/// The planned stations after `from`, following the configured next stations.
pub fn planned_route(from: Uuid, next_of: impl Fn(Uuid) -> Option<Uuid>) -> Vec<Uuid> {
    let mut route = Vec::new();
    let mut at = from;
    while let Some(next) = next_of(at) {
        if next == from || route.contains(&next) || route.len() >= MAX_ROUTE_STEPS {
            break;
        }
        route.push(next);
        at = next;
    }
    route
}

/// Longest route followed: far more stations than any visit passes.
pub const MAX_ROUTE_STEPS: usize = 16;

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn the_booking_code_is_the_day_and_the_first_number() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(booking_code(day, "A", 17), "261130A017");
        assert_eq!(booking_code(day, "UGD", 1234), "261130UGD1234");
        assert_eq!(
            normalize_booking_code(" 261130-a017 ").as_deref(),
            Some("261130A017")
        );
        assert_eq!(
            normalize_booking_code("261130 UGD 1234").as_deref(),
            Some("261130UGD1234")
        );
        for bad in [
            "",
            "261130",
            "261130A01",
            "26113A017",
            "261130ABCD017",
            "261130A01X",
        ] {
            assert_eq!(normalize_booking_code(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn registration_sends_the_patient_to_the_poli_they_came_for() {
        let (poli, pharmacy, lab) = (id(2), id(3), id(4));
        assert_eq!(
            next_station(Station::Registration, None, Some(poli), None),
            Some(poli)
        );
        assert_eq!(
            next_station(Station::Poli, Some(pharmacy), None, None),
            Some(pharmacy)
        );
        assert_eq!(next_station(Station::Pharmacy, None, None, None), None);
        // Staff decide last: a lab first, or home without a prescription.
        assert_eq!(
            next_station(
                Station::Poli,
                Some(pharmacy),
                None,
                Some(RouteChoice::To(lab))
            ),
            Some(lab)
        );
        assert_eq!(
            next_station(
                Station::Registration,
                None,
                Some(poli),
                Some(RouteChoice::EndVisit)
            ),
            None
        );
    }

    #[test]
    fn routes_that_loop_are_refused() {
        let routes: HashMap<Uuid, Uuid> = [(id(2), id(3)), (id(3), id(4))].into();
        let next_of = |s: Uuid| routes.get(&s).copied();
        assert_eq!(check_route(id(1), id(2), next_of), Ok(()));
        assert_eq!(check_route(id(4), id(2), next_of), Err(RouteError::Loop));
        assert_eq!(
            check_route(id(2), id(2), next_of),
            Err(RouteError::ToItself)
        );
        assert_eq!(planned_route(id(2), next_of), vec![id(3), id(4)]);
        assert_eq!(planned_route(id(4), next_of), Vec::<Uuid>::new());
    }

    #[test]
    fn a_corrupt_loop_still_plans_a_finite_route() {
        let routes: HashMap<Uuid, Uuid> = [(id(1), id(2)), (id(2), id(3)), (id(3), id(2))].into();
        assert_eq!(
            planned_route(id(1), |s| routes.get(&s).copied()),
            vec![id(2), id(3)]
        );
    }
}
