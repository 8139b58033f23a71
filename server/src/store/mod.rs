//! What the server keeps: services, counters, tickets, accounts. Every change is one database
//! transaction that either happens whole or not at all.

mod accounts;
pub mod audit;
pub mod bpjs;
mod counters;
mod displays;
pub mod events;
mod history;
mod journal;
pub mod mobile_jkn;
pub mod revocations;
mod rollover;
mod seed;
mod services;
mod stats;
mod tickets;
mod visits;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use giliran_core::BusinessCalendar;
use giliran_core::call_order::{CallPolicy, Priority};
use giliran_core::status::TicketStatus;
use giliran_core::wire::{CounterRef, PatientDetails, Ticket};
use uuid::Uuid;

use crate::db::{Db, Tx};

pub use accounts::{LoginOutcome, Principal, SESSION_LIFETIME};
pub use audit::{Actor, Audit, AuditFilter};
pub use history::HistoryFilter;
pub use revocations::{REVOKE_CHANNEL, Revoked};
pub use seed::SeedOutcome;
pub use tickets::IssueRequest;
pub use visits::VisitReader;

/// The database with the rules of this hospital: its business days and call order.
#[derive(Clone, Debug)]
pub struct Store {
    pub db: Db,
    pub calendar: BusinessCalendar,
    pub policy: CallPolicy,
    /// Woken after every commit that wrote events, so this server delivers them at once.
    pub events_written: Arc<tokio::sync::Notify>,
    /// Credentials revoked on this server or (PostgreSQL) any replica.
    pub revocations: tokio::sync::broadcast::Sender<Revoked>,
}

impl Store {
    pub fn new(db: Db, calendar: BusinessCalendar, policy: CallPolicy) -> Store {
        Store {
            db,
            calendar,
            policy,
            events_written: Arc::new(tokio::sync::Notify::new()),
            revocations: tokio::sync::broadcast::channel(256).0,
        }
    }

    /// Commits a transaction that wrote events and wakes this server's event pump.
    async fn commit(&self, tx: Tx) -> Result<(), crate::error::StoreError> {
        tx.commit().await?;
        self.events_written.notify_one();
        Ok(())
    }

    /// The hospital's clock at `now`.
    pub fn local_time(&self, now: DateTime<Utc>) -> chrono::NaiveTime {
        now.with_timezone(&self.calendar.time_zone()).time()
    }

    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        self.calendar.day_of(now)
    }
}

/// Columns of a ticket with its counter; append the `WHERE`.
macro_rules! ticket_select {
    () => {
        "SELECT t.id, t.visit_id, t.service_id, t.business_day, t.sequence, t.number, t.status, \
         t.priority, t.name, t.phone, t.device_id, t.tracking_token_hash, t.counter_id, \
         c.number AS counter_number, c.name AS counter_name, t.recalls, t.issued_at, t.queued_at, \
         t.called_at, t.finished_at, t.transferred_from, t.transferred_to, t.booking_code, \
         t.destination_service_id \
         FROM tickets t LEFT JOIN counters c ON c.id = t.counter_id "
    };
}
pub(crate) use ticket_select;

/// Ends an `UPDATE tickets` that returns the changed ticket, saving a read; a `RETURNING` clause
/// cannot join, so the caller fills in the counter's number and name ([`TicketRow::at_counter`]).
macro_rules! ticket_returning {
    () => {
        " RETURNING id, visit_id, service_id, business_day, sequence, number, status, priority, \
         name, phone, device_id, tracking_token_hash, counter_id, \
         CAST(NULL AS BIGINT) AS counter_number, CAST(NULL AS TEXT) AS counter_name, recalls, \
         issued_at, queued_at, called_at, finished_at, transferred_from, transferred_to, \
         booking_code, destination_service_id"
    };
}
pub(crate) use ticket_returning;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct TicketRow {
    pub id: Uuid,
    pub visit_id: Uuid,
    pub service_id: Uuid,
    pub business_day: NaiveDate,
    pub sequence: i64,
    pub number: String,
    #[sqlx(try_from = "String")]
    pub status: TicketStatus,
    #[sqlx(try_from = "String")]
    pub priority: Priority,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub device_id: Option<String>,
    pub tracking_token_hash: Vec<u8>,
    pub counter_id: Option<Uuid>,
    pub counter_number: Option<i64>,
    pub counter_name: Option<String>,
    pub recalls: i64,
    pub issued_at: DateTime<Utc>,
    pub queued_at: DateTime<Utc>,
    pub called_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub transferred_from: Option<Uuid>,
    pub transferred_to: Option<Uuid>,
    pub booking_code: String,
    pub destination_service_id: Option<Uuid>,
}

/// Where a waiting ticket stands: filled in for waiting tickets only.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Standing {
    pub people_ahead: Option<u32>,
    pub eta_seconds: Option<u32>,
}

impl TicketRow {
    /// The row as [`ticket_select`] reads it, given its counter's number and name.
    pub(crate) fn at_counter(mut self, number: Option<i64>, name: Option<String>) -> TicketRow {
        if self.counter_id.is_some() {
            self.counter_number = number;
            self.counter_name = name;
        }
        self
    }

    /// The wire ticket; `with_patient` only for the patient themself and for staff.
    pub fn into_ticket(self, today: NaiveDate, standing: Standing, with_patient: bool) -> Ticket {
        let counter = match (self.counter_id, self.counter_number, self.counter_name) {
            (Some(id), Some(number), Some(name)) => Some(CounterRef {
                id,
                number: u32::try_from(number).unwrap_or(0),
                name,
            }),
            _ => None,
        };
        let patient = with_patient.then_some(PatientDetails {
            name: self.name,
            phone: self.phone,
        });
        Ticket {
            id: self.id,
            number: self.number,
            status: self.status.as_of(self.business_day, today),
            service_id: self.service_id,
            priority: self.priority,
            business_day: self.business_day,
            people_ahead: standing.people_ahead,
            eta_seconds: standing.eta_seconds,
            counter,
            recalls: u32::try_from(self.recalls).unwrap_or(u32::MAX),
            issued_at: self.issued_at,
            called_at: self.called_at,
            finished_at: self.finished_at,
            visit_id: self.visit_id,
            transferred_from: self.transferred_from,
            transferred_to: self.transferred_to,
            booking_code: self.booking_code,
            destination_service_id: self.destination_service_id,
            call_reason: None,
            patient,
        }
    }
}

/// A name staff type (a service, a counter, a person): inner whitespace collapsed, 1 to
/// `max_chars` characters.
pub(crate) fn tidy_label(
    field: &'static str,
    raw: &str,
    max_chars: usize,
) -> Result<String, crate::error::StoreError> {
    let label = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if label.is_empty() || label.chars().count() > max_chars || label.chars().any(char::is_control)
    {
        return Err(crate::error::StoreError::Invalid {
            field,
            message: format!("{field} must be 1 to {max_chars} printable characters"),
        });
    }
    Ok(label)
}

/// Counts from SQL are never negative and fit a queue; clamp rather than fail.
pub(crate) fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}
