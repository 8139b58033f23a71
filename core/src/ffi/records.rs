//! Flat records for the apps: ids as strings, times as Unix milliseconds, so Kotlin and Swift
//! need no custom type adapters.

use crate::events::TicketSummary;
use crate::status::TicketStatus;
use crate::view::{PatientNotice as ViewNotice, StaffQueue};
use crate::wire::{Counter, CounterQueue, Service, Ticket, User};

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ServiceInfo {
    pub id: String,
    pub code: String,
    pub name: String,
    pub open: bool,
    pub waiting: u32,
    pub quota_left: Option<u32>,
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
