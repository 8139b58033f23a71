//! The BPJS bridge's records: it reads the event log after the queue actions committed, turns
//! each step of a visit into the task BPJS wants, and queues the report in an outbox in the same
//! transaction that moves its place in the log. A queue action never waits for BPJS, and a
//! report is never lost: it is either still in the log ahead of the cursor, or in the outbox.

use chrono::{DateTime, NaiveDate, Utc};
use giliran_core::antrean::{
    BpjsPoli, BpjsPoliCodes, BpjsReport, JknMembership, Reconciliation, ReportState, Step, TaskId,
    VisitTasks, task_for,
};
use giliran_core::events::Event;
use giliran_core::number::parse_ticket_number;
use giliran_core::status::TicketStatus;
use giliran_core::visit::{Station, normalize_booking_code};
use serde_json::json;
use uuid::Uuid;

use super::events::StoredEvent;
use super::{Actor, Audit, Store};
use crate::db::{Tx, args};
use crate::error::{Entity, StoreError};

/// Columns of a [`PoliRow`]; append the `WHERE`.
macro_rules! poli_select {
    ($rest:literal) => {
        concat!(
            "SELECT service_id, poli_code, poli_name, doctor_code, doctor_name, practice_hours, \
             quota_jkn, quota_non_jkn FROM bpjs_polis ",
            $rest
        )
    };
}
pub(super) use poli_select;

/// How many of a service's (`$1`) numbers of a day (`$2`) are JKN patients': bookings not yet
/// checked in, and tickets of visits with a JKN card (booked through Mobile JKN, or recorded at
/// registration). The JKN quota counts these.
macro_rules! jkn_numbers {
    () => {
        "(SELECT COUNT(*) FROM bpjs_bookings b WHERE b.service_id = $1 AND b.business_day = $2 \
           AND b.state = 'booked') \
         + (SELECT COUNT(*) FROM tickets t JOIN bpjs_visits v ON v.booking_code = t.booking_code \
           WHERE t.service_id = $1 AND t.business_day = $2 AND v.card_number IS NOT NULL)"
    };
}
pub(super) use jkn_numbers;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(super) struct PoliRow {
    pub service_id: Uuid,
    pub poli_code: String,
    pub poli_name: String,
    pub doctor_code: i64,
    pub doctor_name: String,
    /// `HH:MM-HH:MM`.
    pub practice_hours: String,
    pub quota_jkn: i64,
    pub quota_non_jkn: i64,
}

/// Columns of an [`OutboxRow`] (the outbox as `o`); append the rest.
macro_rules! outbox_select {
    ($rest:literal) => {
        concat!(
            "SELECT o.id, o.booking_code, o.rank, o.body, o.state, o.attempts, o.uncertain, \
             o.next_attempt_at, o.last_error, o.created_at, o.sent_at FROM bpjs_outbox o ",
            $rest
        )
    };
}

/// A report in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub booking_code: String,
    /// 0 for the visit's `antrean/add`; otherwise the task id.
    pub rank: i64,
    /// The JSON sent to BPJS.
    pub body: String,
    pub state: String,
    pub attempts: i64,
    pub uncertain: bool,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl PoliRow {
    pub(super) fn into_wire(self) -> BpjsPoli {
        BpjsPoli {
            service_id: self.service_id,
            codes: BpjsPoliCodes {
                poli_code: self.poli_code,
                poli_name: self.poli_name,
                doctor_code: self.doctor_code,
                doctor_name: self.doctor_name,
                practice_hours: self.practice_hours,
                quota_jkn: super::count(self.quota_jkn),
                quota_non_jkn: super::count(self.quota_non_jkn),
            },
        }
    }
}

impl OutboxRow {
    fn into_wire(self) -> BpjsReport {
        let task = self.task();
        BpjsReport {
            id: self.id,
            booking_code: self.booking_code,
            task_id: task.map(TaskId::code),
            label: task
                .map_or("kunjungan didaftarkan ke BPJS", TaskId::label)
                .to_owned(),
            state: ReportState::parse(&self.state).unwrap_or(ReportState::Pending),
            attempts: super::count(self.attempts),
            uncertain: self.uncertain,
            next_attempt_at: self.next_attempt_at,
            last_error: self.last_error,
            created_at: self.created_at,
            sent_at: self.sent_at,
            body: serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null),
        }
    }

    /// The task this report carries; `None` for the visit's `antrean/add`.
    pub fn task(&self) -> Option<TaskId> {
        u16::try_from(self.rank).ok().and_then(TaskId::from_code)
    }
}

/// Events read per transaction: small enough that the queue's writers, which share the
/// transaction's turn, never wait long behind it.
pub const EVENTS_PER_PASS: i64 = 200;

#[derive(sqlx::FromRow)]
struct StepTicket {
    booking_code: String,
    business_day: NaiveDate,
    number: String,
    sequence: i64,
    phone: Option<String>,
    called_at: Option<DateTime<Utc>>,
    service_id: Uuid,
    station: String,
}

#[derive(sqlx::FromRow)]
struct VisitRow {
    announced: bool,
    last_task: Option<i64>,
    last_at_ms: i64,
    card_number: Option<String>,
    nik: Option<String>,
    referral_number: Option<String>,
    visit_kind: i64,
}

const VISIT_BY_CODE: &str = "SELECT announced, last_task, last_at_ms, card_number, nik, \
     referral_number, visit_kind FROM bpjs_visits WHERE booking_code = $1";

impl VisitRow {
    fn tasks(&self) -> VisitTasks {
        stored_tasks(self.last_task, self.last_at_ms)
    }

    fn membership(self) -> Option<JknMembership> {
        Some(JknMembership {
            card_number: self.card_number?,
            nik: self.nik.filter(|n| !n.is_empty()),
            referral_number: self.referral_number,
            visit_kind: u8::try_from(self.visit_kind).unwrap_or(1),
        })
    }
}

/// What a visit's row says was reported.
fn stored_tasks(last_task: Option<i64>, last_at_ms: i64) -> VisitTasks {
    VisitTasks {
        last: last_task
            .and_then(|t| u16::try_from(t).ok())
            .and_then(TaskId::from_code),
        last_at_ms,
    }
}

impl Store {
    /// Reads up to [`EVENTS_PER_PASS`] events after the bridge's cursor and queues their reports.
    /// Returns how many events it read; 0 when it is up to date (or another replica was
    /// reading the same events, and went first).
    pub async fn bpjs_follow_events(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let cursor: Option<i64> = self
            .db
            .scalar_optional("SELECT last_seq FROM bpjs_cursor WHERE id = 1", args![])
            .await?;
        let Some(cursor) = cursor else {
            // Switched on just now: what happened before is not reported.
            let mut tx = self.db.begin().await?;
            tx.execute(
                "INSERT INTO bpjs_cursor (id, last_seq) \
                 SELECT 1, last_seq FROM event_counter WHERE id = 1 ON CONFLICT (id) DO NOTHING",
                args![],
            )
            .await?;
            tx.commit().await?;
            return Ok(0);
        };
        let events = self
            .events_after(u64::try_from(cursor).unwrap_or(0), EVENTS_PER_PASS)
            .await?;
        let Some(last) = events.last().map(|e| e.seq) else {
            return Ok(0);
        };
        let mut tx = self.db.begin().await?;
        // Taking the cursor first: a replica reading the same events finds it moved, and stops.
        let moved = tx
            .execute(
                "UPDATE bpjs_cursor SET last_seq = $1 WHERE id = 1 AND last_seq = $2",
                args![i64::try_from(last).unwrap_or(i64::MAX), cursor],
            )
            .await?;
        if moved == 0 {
            return Ok(0);
        }
        for event in &events {
            self.report_event(&mut tx, event, now).await?;
        }
        tx.commit().await?;
        Ok(events.len())
    }

    async fn report_event(
        &self,
        tx: &mut Tx,
        stored: &StoredEvent,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let at = stored.at;
        match &stored.event {
            Event::Queued { ticket } => {
                self.report_step(tx, ticket.id, Step::Queued, at, now).await
            }
            Event::Called { call } => {
                let step = Step::Called {
                    recall: call.recalls > 0,
                };
                self.report_step(tx, call.ticket_id, step, at, now).await
            }
            Event::Finished { ticket } => {
                let step = match ticket.status {
                    TicketStatus::Done | TicketStatus::Transferred => Step::Served,
                    TicketStatus::Skipped => Step::Skipped,
                    TicketStatus::Cancelled | TicketStatus::Expired => Step::Abandoned,
                    TicketStatus::Waiting | TicketStatus::Called => return Ok(()),
                };
                self.report_step(tx, ticket.id, step, at, now).await
            }
            Event::DayStarted { business_day } => {
                abandon_visits_left_open(tx, *business_day, at, now).await
            }
            Event::CounterChanged { .. }
            | Event::ServiceChanged { .. }
            | Event::TicketUpdated { .. } => Ok(()),
        }
    }

    async fn report_step(
        &self,
        tx: &mut Tx,
        ticket_id: Uuid,
        step: Step,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let ticket: Option<StepTicket> = tx
            .fetch_optional(
                "SELECT t.booking_code, t.business_day, t.number, t.sequence, t.phone, t.called_at, \
                 t.service_id, s.station FROM tickets t JOIN services s ON s.id = t.service_id \
                 WHERE t.id = $1",
                args![ticket_id],
            )
            .await?;
        let Some(ticket) = ticket else {
            return Ok(());
        };
        // A waiting ticket moved to another queue was not served where it waited.
        let step = match step {
            Step::Served if ticket.called_at.is_none() => return Ok(()),
            step => step,
        };
        let station = Station::parse(&ticket.station).unwrap_or(Station::Other);
        let Some(task) = task_for(station, step) else {
            return Ok(());
        };
        let visit = visit_for(tx, &ticket).await?;
        let mut announced = visit.announced;
        if !announced && station == Station::Poli {
            announced = self.announce(tx, &ticket, &visit, at, now).await?;
        }
        record_task(
            tx,
            &ticket.booking_code,
            visit.tasks(),
            announced,
            task,
            at.timestamp_millis(),
            now,
        )
        .await?;
        Ok(())
    }

    /// A visit reaching a BPJS poli: BPJS is told of it (`antrean/add`), and the tasks held
    /// until then may go. Returns whether the visit is now announced; a poli BPJS does not
    /// know leaves the visit unreported.
    async fn announce(
        &self,
        tx: &mut Tx,
        ticket: &StepTicket,
        visit: &VisitRow,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let poli: Option<PoliRow> = tx
            .fetch_optional(
                poli_select!("WHERE service_id = $1"),
                args![ticket.service_id],
            )
            .await?;
        let Some(poli) = poli else {
            return Ok(false);
        };
        let (taken, jkn): (i64, i64) = tx
            .fetch_optional(
                concat!(
                    // Numbers taken: tickets, and bookings not yet checked in.
                    "SELECT (SELECT COUNT(*) FROM tickets t WHERE t.service_id = $1 \
                     AND t.business_day = $2) + (SELECT COUNT(*) FROM bpjs_bookings b \
                     WHERE b.service_id = $1 AND b.business_day = $2 AND b.state = 'booked'), ",
                    jkn_numbers!()
                ),
                args![ticket.service_id, ticket.business_day],
            )
            .await?
            .unwrap_or_default();
        let eta_ms = self
            .waiting_estimate(tx, ticket.service_id, ticket.business_day, ticket.sequence)
            .await?;
        // A patient is a JKN one when registration recorded their card; BPJS checks the card
        // against its members.
        let member = visit.card_number.is_some();
        let body = json!({
            "kodebooking": ticket.booking_code,
            "jenispasien": if member { "JKN" } else { "NON JKN" },
            "nomorkartu": visit.card_number.as_deref().unwrap_or_default(),
            "nik": visit.nik.as_deref().unwrap_or_default(),
            "nohp": ticket.phone.as_deref().map(national_phone).unwrap_or_default(),
            "kodepoli": poli.poli_code,
            "namapoli": poli.poli_name,
            "pasienbaru": 0,
            "norm": "",
            "tanggalperiksa": ticket.business_day.format("%Y-%m-%d").to_string(),
            "kodedokter": poli.doctor_code,
            "namadokter": poli.doctor_name,
            "jampraktek": poli.practice_hours,
            "jeniskunjungan": visit.visit_kind,
            "nomorreferensi": visit.referral_number.as_deref().unwrap_or_default(),
            "nomorantrean": ticket.number,
            "angkaantrean": parse_ticket_number(&ticket.number).map_or(0, |(_, n)| n),
            "estimasidilayani": at.timestamp_millis() + eta_ms,
            "sisakuotajkn": (poli.quota_jkn - jkn).max(0),
            "kuotajkn": poli.quota_jkn,
            "sisakuotanonjkn": (poli.quota_non_jkn - (taken - jkn)).max(0),
            "kuotanonjkn": poli.quota_non_jkn,
            "keterangan": "",
        });
        queue_report(tx, &ticket.booking_code, 0, &body, "pending", now).await?;
        tx.execute(
            "UPDATE bpjs_visits SET announced = $1 WHERE booking_code = $2",
            args![true, ticket.booking_code.as_str()],
        )
        .await?;
        tx.execute(
            "UPDATE bpjs_outbox SET state = 'pending' WHERE booking_code = $1 AND state = 'held'",
            args![ticket.booking_code.as_str()],
        )
        .await?;
        Ok(true)
    }

    /// Milliseconds until the ticket numbered `sequence` is likely called: the tickets ahead of
    /// it times the service's pace, as the patient's own ETA counts it.
    async fn waiting_estimate(
        &self,
        tx: &mut Tx,
        service_id: Uuid,
        day: NaiveDate,
        sequence: i64,
    ) -> Result<i64, StoreError> {
        let ahead: i64 = tx
            .scalar(
                "SELECT COUNT(*) FROM tickets WHERE service_id = $1 AND business_day = $2 \
                 AND status = 'waiting' AND sequence < $3",
                args![service_id, day, sequence],
            )
            .await?;
        paced_wait_ms(tx, service_id, ahead).await
    }

    /// Reports due to be sent now, oldest first; a visit's report waits for the ones before it.
    pub async fn bpjs_due(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        Ok(self
            .db
            .fetch_all(
                outbox_select!(
                    "WHERE o.state = 'pending' AND o.next_attempt_at <= $1 \
                 AND (o.lease_until IS NULL OR o.lease_until < $1) \
                 AND NOT EXISTS (SELECT 1 FROM bpjs_outbox p WHERE p.booking_code = o.booking_code \
                   AND p.rank < o.rank AND p.state <> 'sent') \
                 ORDER BY o.id LIMIT $2"
                ),
                args![now, limit],
            )
            .await?)
    }

    /// Takes a report to send until `lease_until`, so that no other replica sends it meanwhile.
    /// `false` when another one took it first.
    pub async fn bpjs_claim(
        &self,
        id: i64,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.db.begin().await?;
        let claimed = tx
            .execute(
                "UPDATE bpjs_outbox SET lease_until = $1, attempts = attempts + 1 \
                 WHERE id = $2 AND state = 'pending' AND (lease_until IS NULL OR lease_until < $3)",
                args![lease_until, id, now],
            )
            .await?;
        tx.commit().await?;
        Ok(claimed == 1)
    }

    /// BPJS holds the report.
    pub async fn bpjs_sent(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.bpjs_update(
            "UPDATE bpjs_outbox SET state = 'sent', sent_at = $1, lease_until = NULL, \
             uncertain = $2, last_error = NULL WHERE id = $3",
            args![now, false, id],
        )
        .await
    }

    /// Not delivered this time: try again at `next_attempt_at`.
    pub async fn bpjs_retry_later(
        &self,
        id: i64,
        next_attempt_at: DateTime<Utc>,
        uncertain: bool,
        error: &str,
    ) -> Result<(), StoreError> {
        self.bpjs_update(
            "UPDATE bpjs_outbox SET next_attempt_at = $1, uncertain = $2, last_error = $3, \
             lease_until = NULL WHERE id = $4",
            args![next_attempt_at, uncertain, error, id],
        )
        .await
    }

    /// BPJS does not hold a report we took as sent: it goes again.
    pub async fn bpjs_requeue(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.bpjs_update(
            "UPDATE bpjs_outbox SET state = 'pending', next_attempt_at = $1, sent_at = NULL, \
             uncertain = $2, lease_until = NULL WHERE id = $3",
            args![now, false, id],
        )
        .await
    }

    /// Keeps the newest reconciliation of its day.
    pub async fn save_bpjs_reconciliation(
        &self,
        result: &Reconciliation,
    ) -> Result<(), StoreError> {
        let json =
            serde_json::to_string(result).map_err(|e| StoreError::Internal(e.to_string()))?;
        self.bpjs_update(
            "INSERT INTO bpjs_reconciliations (business_day, result) VALUES ($1, $2) \
             ON CONFLICT (business_day) DO UPDATE SET result = excluded.result",
            args![result.business_day, json],
        )
        .await
    }

    /// The newest reconciliation of `day`, if there was one.
    pub async fn bpjs_reconciliation(
        &self,
        day: NaiveDate,
    ) -> Result<Option<Reconciliation>, StoreError> {
        let json: Option<String> = self
            .db
            .scalar_optional(
                "SELECT result FROM bpjs_reconciliations WHERE business_day = $1",
                args![day],
            )
            .await?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// BPJS refused the report: it stays failed, holding back the visit's later reports, until
    /// an admin has looked at it and retries.
    pub async fn bpjs_failed(&self, id: i64, error: &str) -> Result<(), StoreError> {
        self.bpjs_update(
            "UPDATE bpjs_outbox SET state = 'failed', last_error = $1, lease_until = NULL \
             WHERE id = $2",
            args![error, id],
        )
        .await
    }

    async fn bpjs_update(
        &self,
        sql: &'static str,
        args: Vec<crate::db::Arg>,
    ) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        tx.execute(sql, args).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The reports of one business day's visits, visit by visit in the order they go.
    pub async fn bpjs_reports(&self, day: NaiveDate) -> Result<Vec<BpjsReport>, StoreError> {
        let rows: Vec<OutboxRow> = self
            .db
            .fetch_all(
                outbox_select!(
                    "JOIN bpjs_visits v ON v.booking_code = o.booking_code \
                     WHERE v.business_day = $1 ORDER BY o.booking_code, o.rank"
                ),
                args![day],
            )
            .await?;
        Ok(rows.into_iter().map(OutboxRow::into_wire).collect())
    }

    /// An admin sends a refused report again (after fixing what BPJS objected to).
    pub async fn bpjs_retry(
        &self,
        id: i64,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<BpjsReport, StoreError> {
        let mut tx = self.db.begin().await?;
        let row: OutboxRow = tx
            .fetch_optional(outbox_select!("WHERE o.id = $1"), args![id])
            .await?
            .ok_or(StoreError::NotFound(Entity::Report))?;
        let state = ReportState::parse(&row.state).unwrap_or(ReportState::Pending);
        if state != ReportState::Failed {
            return Err(StoreError::ReportNotFailed(state.as_str()));
        }
        tx.execute(
            "UPDATE bpjs_outbox SET state = 'pending', next_attempt_at = $1, lease_until = NULL \
             WHERE id = $2",
            args![now, id],
        )
        .await?;
        Audit::new(actor, "retry_bpjs_report")
            .target(row.booking_code.clone())
            .detail(json!({"report_id": id, "task_id": row.task().map(TaskId::code)}))
            .record(&mut tx, now)?;
        tx.commit().await?;
        Ok(OutboxRow {
            state: "pending".into(),
            next_attempt_at: now,
            ..row
        }
        .into_wire())
    }

    /// The services that are BPJS polis.
    pub async fn bpjs_polis(&self) -> Result<Vec<BpjsPoli>, StoreError> {
        let rows: Vec<PoliRow> = self
            .db
            .fetch_all(poli_select!("ORDER BY poli_code"), args![])
            .await?;
        Ok(rows.into_iter().map(PoliRow::into_wire).collect())
    }

    /// Registration records that a visit's patient is a JKN member, before BPJS hears of the
    /// visit; after that (or for a visit Mobile JKN booked) it is too late to change.
    pub async fn set_jkn_membership(
        &self,
        booking_code: &str,
        membership: JknMembership,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<JknMembership, StoreError> {
        let membership = membership
            .checked()
            .map_err(|(field, message)| StoreError::Invalid { field, message })?;
        let code =
            normalize_booking_code(booking_code).ok_or(StoreError::NotFound(Entity::Visit))?;
        let mut tx = self.db.begin().await?;
        let day: Option<NaiveDate> = tx
            .scalar_optional(
                "SELECT business_day FROM tickets WHERE booking_code = $1 LIMIT 1",
                args![code.as_str()],
            )
            .await?;
        let day = day.ok_or(StoreError::NotFound(Entity::Visit))?;
        follow_visit(&mut tx, &code, day).await?;
        // The condition is checked by the update itself, so a visit announced meanwhile (by
        // another replica's bridge) is refused rather than changed behind BPJS's back.
        let changed = tx
            .execute(
                "UPDATE bpjs_visits SET card_number = $1, nik = $2, referral_number = $3, \
                 visit_kind = $4 WHERE booking_code = $5 AND origin = 'onsite' AND announced = $6",
                args![
                    membership.card_number.as_str(),
                    membership.nik.clone(),
                    membership.referral_number.clone(),
                    i64::from(membership.visit_kind),
                    code.as_str(),
                    false
                ],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::AlreadyReported);
        }
        // The card number is the patient's; the audit says only that it was set.
        Audit::new(actor, "set_jkn_membership")
            .target(code.as_str())
            .detail(json!({"visit_kind": membership.visit_kind}))
            .record(&mut tx, now)?;
        self.commit(tx).await?;
        Ok(membership)
    }

    /// The JKN membership recorded on a visit, if any.
    pub async fn jkn_membership(
        &self,
        booking_code: &str,
    ) -> Result<Option<JknMembership>, StoreError> {
        let row: Option<VisitRow> = self
            .db
            .fetch_optional(VISIT_BY_CODE, args![booking_code])
            .await?;
        Ok(row.and_then(VisitRow::membership))
    }

    /// How far the bridge is behind: events it has not read, when the oldest of them happened,
    /// and when the oldest report still to send was queued.
    pub async fn bpjs_lag(
        &self,
    ) -> Result<(u64, Option<DateTime<Utc>>, Option<DateTime<Utc>>), StoreError> {
        let (newest, read): (i64, Option<i64>) = self
            .db
            .fetch_optional(
                "SELECT e.last_seq, (SELECT last_seq FROM bpjs_cursor WHERE id = 1) \
                 FROM event_counter e WHERE e.id = 1",
                args![],
            )
            .await?
            .unwrap_or_default();
        // Before its first pass the bridge has read nothing, and has nothing to read.
        let read = read.unwrap_or(newest);
        let oldest_unread: Option<DateTime<Utc>> = self
            .db
            .scalar_optional(
                "SELECT at FROM events WHERE seq > $1 ORDER BY seq LIMIT 1",
                args![read],
            )
            .await?;
        let oldest_pending: Option<DateTime<Utc>> = self
            .db
            .scalar_optional(
                "SELECT created_at FROM bpjs_outbox WHERE state = 'pending' ORDER BY id LIMIT 1",
                args![],
            )
            .await?;
        Ok((
            u64::try_from(newest - read).unwrap_or(0),
            oldest_unread,
            oldest_pending,
        ))
    }

    /// The BPJS poli a service is, if it is one.
    pub async fn bpjs_poli(&self, service_id: Uuid) -> Result<Option<BpjsPoli>, StoreError> {
        let row: Option<PoliRow> = self
            .db
            .fetch_optional(poli_select!("WHERE service_id = $1"), args![service_id])
            .await?;
        Ok(row.map(PoliRow::into_wire))
    }

    /// Makes a service a BPJS poli, or changes its codes.
    pub async fn set_bpjs_poli(
        &self,
        service_id: Uuid,
        codes: BpjsPoliCodes,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<BpjsPoli, StoreError> {
        let codes = codes
            .checked()
            .map_err(|(field, message)| StoreError::Invalid { field, message })?;
        let mut tx = self.db.begin().await?;
        let service: Option<Uuid> = tx
            .scalar_optional("SELECT id FROM services WHERE id = $1", args![service_id])
            .await?;
        if service.is_none() {
            return Err(StoreError::NotFound(Entity::Service));
        }
        tx.execute(
            "INSERT INTO bpjs_polis (service_id, poli_code, poli_name, doctor_code, doctor_name, \
             practice_hours, quota_jkn, quota_non_jkn) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (service_id) DO UPDATE SET poli_code = excluded.poli_code, \
             poli_name = excluded.poli_name, doctor_code = excluded.doctor_code, \
             doctor_name = excluded.doctor_name, practice_hours = excluded.practice_hours, \
             quota_jkn = excluded.quota_jkn, quota_non_jkn = excluded.quota_non_jkn",
            args![
                service_id,
                codes.poli_code.as_str(),
                codes.poli_name.as_str(),
                codes.doctor_code,
                codes.doctor_name.as_str(),
                codes.practice_hours.as_str(),
                codes.quota_jkn,
                codes.quota_non_jkn
            ],
        )
        .await?;
        let poli = BpjsPoli { service_id, codes };
        Audit::new(actor, "set_bpjs_poli")
            .target(service_id.to_string())
            .detail(serde_json::to_value(&poli).unwrap_or_default())
            .record(&mut tx, now)?;
        tx.commit().await?;
        Ok(poli)
    }

    /// The service is no longer reported to BPJS; visits already announced carry on.
    pub async fn remove_bpjs_poli(
        &self,
        service_id: Uuid,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.db.begin().await?;
        let removed = tx
            .execute(
                "DELETE FROM bpjs_polis WHERE service_id = $1",
                args![service_id],
            )
            .await?;
        if removed == 0 {
            return Err(StoreError::NotFound(Entity::Service));
        }
        Audit::new(actor, "remove_bpjs_poli")
            .target(service_id.to_string())
            .record(&mut tx, now)?;
        tx.commit().await?;
        Ok(())
    }
}

/// Milliseconds until the patient after `ahead` others is likely called, at the pace of the
/// service's latest day of calls (today's once it has two); 0 while it has none to go by.
pub(super) async fn paced_wait_ms(
    tx: &mut Tx,
    service_id: Uuid,
    ahead: i64,
) -> Result<i64, StoreError> {
    let calls: Vec<DateTime<Utc>> = tx
        .fetch_all::<(DateTime<Utc>,)>(
            "SELECT called_at FROM tickets WHERE service_id = $1 AND called_at IS NOT NULL \
             AND business_day = (SELECT MAX(business_day) FROM tickets \
               WHERE service_id = $1 AND called_at IS NOT NULL) \
             ORDER BY called_at DESC LIMIT 20",
            args![service_id],
        )
        .await?
        .into_iter()
        .map(|(at,)| at)
        .collect();
    Ok(super::tickets::eta_seconds(super::count(ahead), &calls).map_or(0, |s| i64::from(s) * 1000))
}

/// BPJS writes Indonesian numbers the national way (`0812…`); Giliran keeps them as E.164.
pub(super) fn national_phone(e164: &str) -> String {
    match e164.strip_prefix("+62") {
        Some(national) => format!("0{national}"),
        None => e164.trim_start_matches('+').to_owned(),
    }
}

/// Starts following a visit that began at the hospital, unless it is followed already.
async fn follow_visit(tx: &mut Tx, booking_code: &str, day: NaiveDate) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO bpjs_visits (booking_code, business_day, origin, announced, last_at_ms) \
         VALUES ($1, $2, 'onsite', $3, 0) ON CONFLICT (booking_code) DO NOTHING",
        args![booking_code, day, false],
    )
    .await?;
    Ok(())
}

/// The visit's reporting state, created at its first step.
async fn visit_for(tx: &mut Tx, ticket: &StepTicket) -> Result<VisitRow, StoreError> {
    follow_visit(tx, &ticket.booking_code, ticket.business_day).await?;
    tx.fetch_optional(VISIT_BY_CODE, args![ticket.booking_code.as_str()])
        .await?
        .ok_or_else(|| StoreError::Internal("a visit row vanished inside its transaction".into()))
}

/// Records `task` of a visit at `at_ms`, when it follows what was reported before: its report
/// is queued (held until BPJS knows the visit) and the visit remembers it.
async fn record_task(
    tx: &mut Tx,
    booking_code: &str,
    mut tasks: VisitTasks,
    announced: bool,
    task: TaskId,
    at_ms: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(report) = tasks.record(task, at_ms) else {
        return Ok(());
    };
    let code = i64::from(report.task.code());
    let body = json!({
        "kodebooking": booking_code,
        "taskid": report.task.code(),
        "waktu": report.at_ms,
    });
    let state = if announced { "pending" } else { "held" };
    queue_report(tx, booking_code, code, &body, state, now).await?;
    tx.execute(
        "UPDATE bpjs_visits SET last_task = $1, last_at_ms = $2 WHERE booking_code = $3",
        args![code, report.at_ms, booking_code],
    )
    .await?;
    Ok(())
}

async fn queue_report(
    tx: &mut Tx,
    booking_code: &str,
    rank: i64,
    body: &serde_json::Value,
    state: &'static str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO bpjs_outbox (booking_code, rank, body, state, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (booking_code, rank) DO NOTHING",
        args![booking_code, rank, body.to_string(), state, now],
    )
    .await?;
    Ok(())
}

/// After the day's end (or a day reset) expired the open tickets: a visit whose patient never
/// reached the poli's doctor is reported as not having come (task 99). A Mobile JKN booking
/// for the day that starts, or a later one, still waits for its patient.
async fn abandon_visits_left_open(
    tx: &mut Tx,
    day: NaiveDate,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let open: Vec<(String, bool, Option<i64>, i64)> = tx
        .fetch_all(
            "SELECT v.booking_code, v.announced, v.last_task, v.last_at_ms FROM bpjs_visits v \
             WHERE (v.last_task IS NULL OR v.last_task < 4) AND NOT EXISTS (SELECT 1 FROM tickets t \
               WHERE t.booking_code = v.booking_code AND t.status IN ('waiting', 'called')) \
             AND NOT EXISTS (SELECT 1 FROM bpjs_bookings b WHERE b.booking_code = v.booking_code \
               AND b.state = 'booked' AND b.business_day >= $1)",
            args![day],
        )
        .await?;
    for (booking_code, announced, last_task, last_at_ms) in open {
        let tasks = stored_tasks(last_task, last_at_ms);
        let at_ms = at.timestamp_millis();
        record_task(
            tx,
            &booking_code,
            tasks,
            announced,
            TaskId::Cancelled,
            at_ms,
            now,
        )
        .await?;
    }
    Ok(())
}
