//! What Mobile JKN asks of the hospital through BPJS: how a poli's day stands, booking a number
//! for today or a later day, what is left ahead of a booking, cancelling it and checking in.
//!
//! A booking takes its number from the poli's day when it is made, so numbers stay unique per
//! service and day whoever takes them; the patient's ticket is issued at check-in and joins the
//! queue then, as anyone arriving does. BPJS made the visit, so it is not added again, and its
//! wait at the poli (task 3) starts at the check-in.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use giliran_core::antrean::BpjsPoli;
use giliran_core::format_ticket_number;
use giliran_core::visit::booking_code;
use serde_json::json;
use uuid::Uuid;

use super::bpjs::{PoliRow, jkn_numbers, paced_wait_ms, poli_select};
use super::{Actor, Audit, IssueRequest, Store};
use crate::db::{Arg, Tx, args};
use crate::error::{Entity, StoreError, is_unique_violation};

/// A patient booking through Mobile JKN, as BPJS's "ambil antrean" names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JknPatient {
    pub card_number: String,
    pub nik: String,
    pub norm: String,
    /// E.164.
    pub phone: Option<String>,
}

/// A BPJS poli's day, as BPJS's "status antrean" asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoliDay {
    pub poli: BpjsPoli,
    pub day: NaiveDate,
    /// Numbers taken: tickets issued and bookings not yet checked in.
    pub total: u32,
    /// Numbers not yet called: waiting tickets and bookings not yet checked in.
    pub waiting: u32,
    /// The number most recently called.
    pub last_called: Option<String>,
    /// Numbers of JKN patients (`jkn_numbers!`).
    pub jkn: u32,
}

impl PoliDay {
    pub fn jkn_left(&self) -> u32 {
        self.poli.codes.quota_jkn.saturating_sub(self.jkn)
    }

    pub fn others_left(&self) -> u32 {
        self.poli
            .codes
            .quota_non_jkn
            .saturating_sub(self.total.saturating_sub(self.jkn))
    }
}

/// A Mobile JKN booking.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Booking {
    pub booking_code: String,
    pub service_id: Uuid,
    pub business_day: NaiveDate,
    pub sequence: i64,
    pub number: String,
    pub phone: Option<String>,
    pub state: String,
    /// When the poli is likely to see the patient (ms since the epoch).
    pub estimated_at_ms: i64,
}

/// The number a card holds on a day (one at most: `bpjs_bookings_one_per_card`).
const BOOKED_BY_CARD: &str = "SELECT number FROM bpjs_bookings WHERE card_number = $1 \
     AND business_day = $2 AND state <> 'cancelled'";

const BOOKING_BY_CODE: &str = "SELECT booking_code, service_id, business_day, sequence, \
     number, phone, state, estimated_at_ms FROM bpjs_bookings WHERE booking_code = $1";

/// Why BPJS's request cannot be done, in words for the Mobile JKN patient.
#[derive(Debug, thiserror::Error)]
pub enum VisitRefusal {
    #[error("Kode booking tidak ditemukan")]
    UnknownBooking,
    #[error("Antrean sudah selesai atau dibatalkan")]
    NoLongerOpen,
    #[error("Antrean sudah dilayani dan tidak dapat dibatalkan")]
    AlreadyServed,
    #[error("Peserta sudah memiliki antrean nomor {0} pada tanggal periksa ini")]
    AlreadyBooked(String),
    #[error("Kuota JKN poli pada tanggal periksa ini sudah habis")]
    JknQuotaFull,
    #[error("Check-in hanya dapat dilakukan pada hari periksa ({0})")]
    NotToday(NaiveDate),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for VisitRefusal {
    fn from(err: sqlx::Error) -> Self {
        VisitRefusal::Store(err.into())
    }
}

/// Where a booking stands for "sisa antrean", before its patient has checked in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingStanding {
    pub booking: Booking,
    pub poli: Option<BpjsPoli>,
    pub ahead: u32,
    pub last_called: Option<String>,
}

impl Store {
    /// The BPJS poli with these codes, and how its `day` stands.
    pub async fn bpjs_poli_day(
        &self,
        poli_code: &str,
        doctor_code: i64,
        day: NaiveDate,
    ) -> Result<Option<PoliDay>, StoreError> {
        let poli: Option<PoliRow> = self
            .db
            .fetch_optional(
                poli_select!("WHERE poli_code = $1 AND doctor_code = $2"),
                args![poli_code.trim().to_uppercase(), doctor_code],
            )
            .await?;
        let Some(poli) = poli else {
            return Ok(None);
        };
        let service = poli.service_id;
        let (tickets, waiting, booked, jkn): (i64, i64, i64, i64) = self
            .db
            .fetch_optional(
                concat!(
                    "SELECT \
                   (SELECT COUNT(*) FROM tickets t WHERE t.service_id = $1 AND t.business_day = $2), \
                   (SELECT COUNT(*) FROM tickets t WHERE t.service_id = $1 AND t.business_day = $2 \
                      AND t.status = 'waiting'), \
                   (SELECT COUNT(*) FROM bpjs_bookings b WHERE b.service_id = $1 \
                      AND b.business_day = $2 AND b.state = 'booked'), \
                   ", jkn_numbers!()),
                args![service, day],
            )
            .await?
            .ok_or_else(|| StoreError::Internal("counting a poli's day returned no row".into()))?;
        let last_called = self.last_called(service, day).await?;
        Ok(Some(PoliDay {
            poli: poli.into_wire(),
            day,
            total: super::count(tickets + booked),
            waiting: super::count(waiting + booked),
            last_called,
            jkn: super::count(jkn),
        }))
    }

    /// The number a service called most recently on `day`.
    pub async fn last_called(
        &self,
        service_id: Uuid,
        day: NaiveDate,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .db
            .scalar_optional(
                "SELECT number FROM tickets WHERE service_id = $1 AND business_day = $2 \
                 AND called_at IS NOT NULL ORDER BY called_at DESC LIMIT 1",
                args![service_id, day],
            )
            .await?)
    }

    /// Mobile JKN books a number of `poli`'s day for `patient` ("ambil antrean"): the next
    /// number of that day, within the poli's JKN quota and the service's daily quota, one per
    /// patient and day.
    pub async fn bpjs_book(
        &self,
        poli: &PoliDay,
        patient: &JknPatient,
        now: DateTime<Utc>,
    ) -> Result<Booking, VisitRefusal> {
        let result = self.try_book(poli, patient, now).await;
        match result {
            // Two requests of one patient at once: the partial unique index let one through.
            Err(VisitRefusal::Store(StoreError::Database(err))) if is_unique_violation(&err) => {
                self.db.flushed().await;
                Err(self.already_booked(&patient.card_number, poli.day).await)
            }
            result => result,
        }
    }

    async fn already_booked(&self, card_number: &str, day: NaiveDate) -> VisitRefusal {
        let number: Result<Option<String>, _> = self
            .db
            .scalar_optional(BOOKED_BY_CARD, args![card_number, day])
            .await;
        match number {
            Ok(Some(number)) => VisitRefusal::AlreadyBooked(number),
            Ok(None) => VisitRefusal::AlreadyBooked("lain".into()),
            Err(err) => err.into(),
        }
    }

    async fn try_book(
        &self,
        poli: &PoliDay,
        patient: &JknPatient,
        now: DateTime<Utc>,
    ) -> Result<Booking, VisitRefusal> {
        let day = poli.day;
        let service_id = poli.poli.service_id;
        let mut tx = self.db.begin().await?;
        let (code, daily_quota): (String, Option<i64>) = tx
            .fetch_optional(
                "SELECT code, daily_quota FROM services WHERE id = $1",
                args![service_id],
            )
            .await?
            .ok_or(StoreError::NotFound(Entity::Service))?;
        // Taking the day's number first locks the day's row, so the counts below cannot change
        // under us, on any replica; a refusal rolls the number back.
        let super::tickets::Numbered {
            sequence, shown, ..
        } = super::tickets::next_number(&mut tx, service_id, day).await?;
        let taken: Option<String> = tx
            .scalar_optional(BOOKED_BY_CARD, args![patient.card_number.as_str(), day])
            .await?;
        if let Some(number) = taken {
            return Err(VisitRefusal::AlreadyBooked(number));
        }
        let jkn: i64 = tx
            .scalar(concat!("SELECT ", jkn_numbers!()), args![service_id, day])
            .await?;
        if jkn >= i64::from(poli.poli.codes.quota_jkn) {
            return Err(VisitRefusal::JknQuotaFull);
        }
        if let Some(quota) = daily_quota.filter(|quota| shown > *quota) {
            return Err(StoreError::QuotaFull {
                quota: super::count(quota),
            }
            .into());
        }
        let estimated_at_ms = self.estimated_at_ms(&mut tx, poli, sequence, now).await?;
        let booking = Booking {
            booking_code: booking_code(day, &code, u32::try_from(sequence).unwrap_or(u32::MAX)),
            service_id,
            business_day: day,
            sequence,
            number: format_ticket_number(&code, u32::try_from(shown).unwrap_or(u32::MAX)),
            phone: patient.phone.clone(),
            state: "booked".into(),
            estimated_at_ms,
        };
        tx.execute(
            "INSERT INTO bpjs_bookings (booking_code, service_id, business_day, sequence, number, \
             card_number, phone, state, estimated_at_ms, booked_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'booked', $8, $9)",
            args![
                booking.booking_code.as_str(),
                service_id,
                day,
                sequence,
                booking.number.as_str(),
                patient.card_number.as_str(),
                patient.phone.clone(),
                estimated_at_ms,
                now
            ],
        )
        .await?;
        tx.execute(
            "INSERT INTO bpjs_visits (booking_code, business_day, origin, announced, last_at_ms, \
             card_number, nik, norm) VALUES ($1, $2, 'mobile_jkn', $3, 0, $4, $5, $6)",
            args![
                booking.booking_code.as_str(),
                day,
                true,
                patient.card_number.as_str(),
                patient.nik.as_str(),
                patient.norm.as_str()
            ],
        )
        .await?;
        let bpjs = Actor::anonymous(Some("bpjs"), None);
        Audit::new(&bpjs, "bpjs_book")
            .target(booking.booking_code.as_str())
            .detail(json!({"number": booking.number, "business_day": day}))
            .record(&mut tx, now)?;
        self.commit(tx).await?;
        Ok(booking)
    }

    /// When the poli is likely to see a new booking: today, after those now waiting at the
    /// service's pace; on a later day, after the bookings before it from the doctor's start.
    async fn estimated_at_ms(
        &self,
        tx: &mut Tx,
        poli: &PoliDay,
        sequence: i64,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let service_id = poli.poli.service_id;
        let today = poli.day == self.today(now);
        let (sql, args) = ahead_of_booking(today, service_id, poli.day, sequence);
        let ahead: i64 = tx.scalar(sql, args).await?;
        let start = if today {
            now
        } else {
            self.practice_start(&poli.poli, poli.day)
        };
        Ok(start.timestamp_millis() + paced_wait_ms(tx, service_id, ahead).await?)
    }

    /// The start of the doctor's practice hours on `day`, in the hospital's time zone.
    fn practice_start(&self, poli: &BpjsPoli, day: NaiveDate) -> DateTime<Utc> {
        let start = poli
            .codes
            .practice_hours
            .split('-')
            .next()
            .and_then(|t| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok())
            .unwrap_or_default();
        self.calendar
            .time_zone()
            .from_local_datetime(&day.and_time(start))
            .earliest()
            .map_or_else(|| day.and_time(start).and_utc(), |at| at.to_utc())
    }

    /// A booking not yet checked in, and what is ahead of it; `None` once its patient has
    /// checked in (their ticket tells) or for a code Mobile JKN did not book.
    pub async fn bpjs_booking_standing(
        &self,
        booking_code: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<BookingStanding>, VisitRefusal> {
        let Some(booking) = self.bpjs_booking(booking_code).await? else {
            return Ok(None);
        };
        match booking.state.as_str() {
            "booked" => {}
            "cancelled" => return Err(VisitRefusal::NoLongerOpen),
            _ => return Ok(None),
        }
        let day = booking.business_day;
        let (sql, args) = ahead_of_booking(
            day == self.today(now),
            booking.service_id,
            day,
            booking.sequence,
        );
        let ahead: i64 = self.db.scalar(sql, args).await?;
        let poli = self.bpjs_poli(booking.service_id).await?;
        let last_called = self.last_called(booking.service_id, day).await?;
        Ok(Some(BookingStanding {
            booking,
            poli,
            ahead: super::count(ahead),
            last_called,
        }))
    }

    async fn bpjs_booking(&self, booking_code: &str) -> Result<Option<Booking>, StoreError> {
        Ok(self
            .db
            .fetch_optional(BOOKING_BY_CODE, args![booking_code])
            .await?)
    }

    /// Mobile JKN cancels a visit ("batal antrean"): a booking lets its number go, a waiting
    /// ticket is cancelled. BPJS asked for it, so no task 99 is reported back.
    pub async fn bpjs_cancel_visit(
        &self,
        booking_code: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), VisitRefusal> {
        let mut tx = self.db.begin().await?;
        let booked = tx
            .execute(
                "UPDATE bpjs_bookings SET state = 'cancelled' \
                 WHERE booking_code = $1 AND state = 'booked'",
                args![booking_code],
            )
            .await?;
        let ticket: Option<Uuid> = if booked == 1 {
            None
        } else {
            let ticket: Option<(Uuid, String)> = tx
                .fetch_optional(
                    "SELECT id, status FROM tickets WHERE booking_code = $1 \
                     ORDER BY issued_at DESC LIMIT 1",
                    args![booking_code],
                )
                .await?;
            let Some((id, status)) = ticket else {
                let cancelled = self.bpjs_booking(booking_code).await?.is_some();
                return Err(if cancelled {
                    VisitRefusal::NoLongerOpen
                } else {
                    VisitRefusal::UnknownBooking
                });
            };
            match status.as_str() {
                "waiting" => {}
                "called" | "done" | "transferred" => return Err(VisitRefusal::AlreadyServed),
                _ => return Err(VisitRefusal::NoLongerOpen),
            }
            let row = super::tickets::ticket_in(&mut tx, id).await?;
            self.change_status(&mut tx, &row, giliran_core::Action::Cancel, now)
                .await?;
            Some(id)
        };
        tx.execute(
            "UPDATE bpjs_visits SET last_task = 99 WHERE booking_code = $1",
            args![booking_code],
        )
        .await?;
        let bpjs = Actor::anonymous(Some("bpjs"), None);
        Audit::new(&bpjs, "bpjs_cancel")
            .target(booking_code)
            .detail(json!({
                "ticket_id": ticket,
                "reason": reason.chars().take(200).collect::<String>(),
            }))
            .record(&mut tx, now)?;
        self.commit(tx).await?;
        Ok(())
    }

    /// A Mobile JKN patient checked in on their day: their ticket is issued with the number
    /// they booked and joins the queue. Checking in again while it is open changes nothing.
    pub async fn bpjs_check_in(
        &self,
        booking_code: &str,
        now: DateTime<Utc>,
    ) -> Result<(), VisitRefusal> {
        let booking = self
            .bpjs_booking(booking_code)
            .await?
            .ok_or(VisitRefusal::UnknownBooking)?;
        match booking.state.as_str() {
            "booked" => {}
            "checked_in" => {
                let open: i64 = self
                    .db
                    .scalar(
                        "SELECT COUNT(*) FROM tickets WHERE booking_code = $1 \
                         AND status IN ('waiting', 'called')",
                        args![booking_code],
                    )
                    .await?;
                return if open > 0 {
                    Ok(())
                } else {
                    Err(VisitRefusal::NoLongerOpen)
                };
            }
            _ => return Err(VisitRefusal::NoLongerOpen),
        }
        if booking.business_day != self.today(now) {
            return Err(VisitRefusal::NotToday(booking.business_day));
        }
        let request = IssueRequest {
            service_id: booking.service_id,
            name: None,
            phone: booking.phone.clone(),
            device_id: None,
            priority: Default::default(),
            destination_service_id: None,
            booking_code: Some(booking.booking_code),
        };
        self.issue_ticket(&request, now).await?;
        Ok(())
    }
}

/// How to count who is ahead of a booking numbered `sequence` of a service's `day`: checking in
/// today, the patient joins behind everyone waiting; on a later day, behind the bookings before
/// theirs.
fn ahead_of_booking(
    today: bool,
    service_id: Uuid,
    day: NaiveDate,
    sequence: i64,
) -> (&'static str, Vec<Arg>) {
    if today {
        (
            "SELECT COUNT(*) FROM tickets WHERE service_id = $1 AND business_day = $2 \
             AND status = 'waiting'",
            args![service_id, day],
        )
    } else {
        (
            "SELECT COUNT(*) FROM bpjs_bookings WHERE service_id = $1 AND business_day = $2 \
             AND state <> 'cancelled' AND sequence < $3",
            args![service_id, day, sequence],
        )
    }
}

/// A booking checks in, in its ticket's transaction: `None` when it is not booked for `day` at
/// that service. Its number is the one booked, unless an admin started the day over since it
/// was booked: then numbers began again at 1 and the booked one may be someone else's, so the
/// ticket takes the day's next (`Some(None)`).
pub(super) async fn check_in_booking(
    tx: &mut Tx,
    booking_code: &str,
    service_id: Uuid,
    day: NaiveDate,
) -> Result<Option<Option<(i64, String)>>, StoreError> {
    let booked: Option<(i64, String)> = tx
        .fetch_optional(
            "UPDATE bpjs_bookings SET state = 'checked_in' WHERE booking_code = $1 \
             AND service_id = $2 AND business_day = $3 AND state = 'booked' \
             RETURNING sequence, number",
            args![booking_code, service_id, day],
        )
        .await?;
    let Some((sequence, number)) = booked else {
        return Ok(None);
    };
    let base: i64 = tx
        .scalar(
            "SELECT number_base FROM daily_sequences WHERE service_id = $1 AND business_day = $2",
            args![service_id, day],
        )
        .await?;
    Ok(Some((sequence > base).then_some((sequence, number))))
}
