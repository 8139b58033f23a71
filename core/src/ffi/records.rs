//! Flat records for the apps: ids as strings, times as Unix milliseconds, so Kotlin and Swift
//! need no custom type adapters.

use crate::events::TicketSummary;
use crate::status::TicketStatus;
use crate::view::{PatientNotice as ViewNotice, StaffQueue};
use crate::wire::{Counter, CounterQueue, Service, StationRef, Ticket, User, Visit};

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ServiceInfo {
    pub id: String,
    pub code: String,
    pub name: String,
    pub open: bool,
    pub waiting: u32,
    pub quota_left: Option<u32>,
    /// Whether a ticket can be taken now: open, and within its hours.
    pub accepting: bool,
    /// Daily hours for taking tickets, `HH:MM`; both `None` for all day.
    pub opens_at: Option<String>,
    pub closes_at: Option<String>,
}

impl From<Service> for ServiceInfo {
    fn from(s: Service) -> ServiceInfo {
        ServiceInfo {
            id: s.id.to_string(),
            code: s.code,
            name: s.name,
            open: s.open,
            waiting: s.waiting,
            quota_left: s.quota_left,
            accepting: s.accepting,
            opens_at: s.opens_at,
            closes_at: s.closes_at,
        }
    }
}

/// A ticket as a screen shows it. From a queue list (staff) the position, wait and counter
/// may be unknown.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TicketInfo {
    pub id: String,
    pub number: String,
    pub status: TicketStatus,
    pub service_id: String,
    pub people_ahead: Option<u32>,
    pub eta_seconds: Option<u32>,
    pub counter_number: Option<u32>,
    pub counter_name: Option<String>,
    pub recalls: u32,
    /// For staff only: the patient's name when they gave one.
    pub patient_name: Option<String>,
    /// Still in a queue (waiting or called): the app keeps following it.
    pub active: bool,
    /// The visit's booking code, when known (not in a live queue's list).
    pub booking_code: Option<String>,
}

impl From<&Ticket> for TicketInfo {
    fn from(t: &Ticket) -> TicketInfo {
        TicketInfo {
            id: t.id.to_string(),
            number: t.number.clone(),
            status: t.status,
            service_id: t.service_id.to_string(),
            people_ahead: t.people_ahead,
            eta_seconds: t.eta_seconds,
            counter_number: t.counter.as_ref().map(|c| c.number),
            counter_name: t.counter.as_ref().map(|c| c.name.clone()),
            recalls: t.recalls,
            patient_name: t.patient.as_ref().and_then(|p| p.name.clone()),
            active: t.status.is_active(),
            booking_code: Some(t.booking_code.clone()).filter(|c| !c.is_empty()),
        }
    }
}

impl From<&TicketSummary> for TicketInfo {
    fn from(t: &TicketSummary) -> TicketInfo {
        TicketInfo {
            id: t.id.to_string(),
            number: t.number.clone(),
            status: t.status,
            service_id: t.service_id.to_string(),
            people_ahead: None,
            eta_seconds: None,
            counter_number: None,
            counter_name: None,
            recalls: 0,
            patient_name: None,
            active: t.status.is_active(),
            booking_code: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CounterInfo {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub paused: bool,
    pub service_ids: Vec<String>,
}

impl From<&Counter> for CounterInfo {
    fn from(c: &Counter) -> CounterInfo {
        CounterInfo {
            id: c.id.to_string(),
            number: c.number,
            name: c.name.clone(),
            paused: c.paused,
            service_ids: c.service_ids.iter().map(ToString::to_string).collect(),
        }
    }
}

/// A counter's screen: who is called there, who waits, today's counts.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CounterQueueInfo {
    pub counter: CounterInfo,
    pub current: Option<TicketInfo>,
    pub waiting: Vec<TicketInfo>,
    pub skipped: Vec<TicketInfo>,
    pub done_today: u32,
    pub skipped_today: u32,
}

impl From<&CounterQueue> for CounterQueueInfo {
    fn from(q: &CounterQueue) -> CounterQueueInfo {
        CounterQueueInfo {
            counter: (&q.counter).into(),
            current: q.current.as_ref().map(TicketInfo::from),
            waiting: q.waiting.iter().map(TicketInfo::from).collect(),
            skipped: q.skipped.iter().map(TicketInfo::from).collect(),
            done_today: q.today.done,
            skipped_today: q.today.skipped,
        }
    }
}

impl From<&StaffQueue> for CounterQueueInfo {
    fn from(q: &StaffQueue) -> CounterQueueInfo {
        let current = q.current.as_ref().map(|c| TicketInfo {
            id: c.id.to_string(),
            number: c.number.clone(),
            status: TicketStatus::Called,
            service_id: c.service_id.to_string(),
            people_ahead: None,
            eta_seconds: None,
            counter_number: Some(q.counter.number),
            counter_name: Some(q.counter.name.clone()),
            recalls: c.recalls,
            patient_name: None,
            active: true,
            booking_code: None,
        });
        CounterQueueInfo {
            counter: (&q.counter).into(),
            current,
            waiting: q.waiting.iter().map(TicketInfo::from).collect(),
            skipped: q.skipped.iter().map(TicketInfo::from).collect(),
            done_today: q.today.done,
            skipped_today: q.today.skipped,
        }
    }
}

/// A station of a visit: a service, and what kind of station it is (`registration`, `poli`,
/// `pharmacy`, `cashier`, `laboratory`, `radiology`, `other`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StationInfo {
    pub service_id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
}

impl From<&StationRef> for StationInfo {
    fn from(s: &StationRef) -> StationInfo {
        StationInfo {
            service_id: s.service_id.to_string(),
            code: s.code.clone(),
            name: s.name.clone(),
            kind: s.station.as_str().to_owned(),
        }
    }
}

/// One station of a visit with the ticket it gave.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VisitStepInfo {
    pub station: StationInfo,
    pub ticket: TicketInfo,
}

/// A patient's visit through its stations under one booking code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VisitInfo {
    pub booking_code: String,
    /// Every station so far, in order; the last is where the patient is now.
    pub steps: Vec<VisitStepInfo>,
    /// The stations still ahead by the hospital's routes.
    pub planned: Vec<StationInfo>,
    pub finished: bool,
    /// Estimated seconds until the patient is next called, wherever that is.
    pub eta_seconds: Option<u32>,
}

impl From<&Visit> for VisitInfo {
    fn from(v: &Visit) -> VisitInfo {
        VisitInfo {
            booking_code: v.booking_code.clone(),
            steps: v
                .steps
                .iter()
                .map(|s| VisitStepInfo {
                    station: (&s.station).into(),
                    ticket: (&s.ticket).into(),
                })
                .collect(),
            planned: v.planned.iter().map(StationInfo::from).collect(),
            finished: v.finished,
            eta_seconds: v.eta_seconds,
        }
    }
}

/// Where a visit goes when staff finish a patient.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum NextStation {
    /// By the hospital's route: a registration ticket to the patient's poli, any other to its
    /// service's next station, if it has one.
    ByRoute,
    /// To this service instead.
    SendTo { service_id: String },
    /// The visit ends here.
    EndVisit,
}

/// A logged-in staff member.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StaffUser {
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    /// The counters they may work at (admins: every counter, listed by `counters()`).
    pub counters: Vec<String>,
}

impl From<&User> for StaffUser {
    fn from(u: &User) -> StaffUser {
        StaffUser {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            is_admin: u.role == crate::wire::Role::Admin,
            counters: u.counters.iter().map(ToString::to_string).collect(),
        }
    }
}

/// Something to notify the patient of, even with the app in the background.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum PatientNotice {
    /// Few people ahead: time to come back to the waiting room.
    Near { number: String, people_ahead: u32 },
    /// Called (or called again) to a counter.
    Called {
        number: String,
        counter_number: u32,
        counter_name: String,
        recalls: u32,
    },
    /// Sent on to another service with a new number.
    Transferred { from: String, to: String },
    /// Served, skipped, cancelled or expired.
    Finished {
        number: String,
        status: TicketStatus,
    },
}

impl From<ViewNotice> for PatientNotice {
    fn from(n: ViewNotice) -> PatientNotice {
        match n {
            ViewNotice::Near {
                number,
                people_ahead,
            } => PatientNotice::Near {
                number,
                people_ahead,
            },
            ViewNotice::Called {
                number,
                counter,
                recalls,
            } => PatientNotice::Called {
                number,
                counter_number: counter.number,
                counter_name: counter.name,
                recalls,
            },
            ViewNotice::Transferred { from, to } => PatientNotice::Transferred { from, to },
            ViewNotice::Finished { number, status } => PatientNotice::Finished { number, status },
        }
    }
}
