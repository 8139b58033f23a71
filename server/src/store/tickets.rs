//! The ticket lifecycle: issue, follow, call next, recall, complete, skip, requeue, cancel and
//! transfer. Each change is one transaction; status changes go through the core's status machine.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use giliran_core::call_order::{Priority, estimate_wait};
use giliran_core::events::Event;
use giliran_core::patient::{
    PatientInputError, normalize_name, normalize_phone, validate_device_id,
};
use giliran_core::status::{Action, TicketStatus};
use giliran_core::visit::{RouteChoice, Station, booking_code, next_station};
use giliran_core::wire::{CounterQueue, NewTicket, QueueCounts, Ticket, TicketStatusView};
use giliran_core::{call_order, format_ticket_number};
use serde_json::json;
use uuid::Uuid;

use super::audit::{Actor, Audit};
use super::events::emit;
use super::services::stored_hours;
use super::{Standing, Store, TicketRow, count, ticket_returning, ticket_select};
use crate::db::{Db, Dialect, Tx, args};
use crate::error::{Entity, StoreError, is_unique_violation};
use crate::tokens::{hash_token, new_token, token_matches};

/// A patient's request, checked and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueRequest {
    pub service_id: Uuid,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub device_id: Option<String>,
    pub priority: Priority,
    /// At a registration station: the poli the patient came for.
    pub destination_service_id: Option<Uuid>,
    /// A Mobile JKN booking checking in: the ticket takes the number booked for it.
    pub booking_code: Option<String>,
}

impl TryFrom<NewTicket> for IssueRequest {
    type Error = PatientInputError;
    fn try_from(req: NewTicket) -> Result<Self, Self::Error> {
        Ok(IssueRequest {
            service_id: req.service_id,
            name: req.name.as_deref().map(normalize_name).transpose()?,
            phone: req.phone.as_deref().map(normalize_phone).transpose()?,
            device_id: req
                .device_id
                .as_deref()
                .map(validate_device_id)
                .transpose()?,
            priority: req.priority.unwrap_or_default(),
            destination_service_id: req.destination_service_id,
            booking_code: None,
        })
    }
}

/// A ticket about to be written.
struct NewRow<'a> {
    id: Uuid,
    visit_id: Uuid,
    service_id: Uuid,
    service_code: &'a str,
    day: NaiveDate,
    priority: Priority,
    name: Option<String>,
    phone: Option<String>,
    device_id: Option<String>,
    token_hash: Vec<u8>,
    now: DateTime<Utc>,
    transferred_from: Option<Uuid>,
    /// The visit's code; `None` for a visit's first ticket, whose number makes it.
    booking_code: Option<String>,
    destination_service_id: Option<Uuid>,
    /// The sequence and number booked ahead for this ticket; `None` takes the day's next.
    reserved: Option<(i64, String)>,
}

#[derive(sqlx::FromRow)]
struct ServiceGate {
    code: String,
    open: bool,
    daily_quota: Option<i64>,
    opens_at: Option<String>,
    closes_at: Option<String>,
    #[sqlx(try_from = "String")]
    station: Station,
    next_service_id: Option<Uuid>,
}

#[derive(sqlx::FromRow)]
struct CalledAt {
    called_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct StatusCount {
    status: String,
    n: i64,
}

/// How many waiting tickets of the same service are called before a given one: the call order
/// of DESIGN §2 within one service (`giliran_core::call_order`).
const PEOPLE_AHEAD: &str = "SELECT COUNT(*) FROM tickets o \
     WHERE o.service_id = $1 AND o.business_day = $2 AND o.status = 'waiting' AND o.id <> $3 \
     AND (CASE WHEN o.priority <> 'regular' OR o.queued_at <= $4 THEN 0 ELSE 1 END, o.queued_at, o.sequence) \
       < ($5, $6, $7)";

/// The first waiting ticket of one kind (priority or regular) of the service `cs` names: between
/// the two kinds they hold the service's next ticket in the call order of DESIGN §2
/// (`giliran_core::call_order`), whatever the aging cutoff, because within each kind the queue
/// order decides. Each is one step down a partial index, however long the queue.
macro_rules! first_waiting {
    ($columns:literal, $kind:literal, $lock:literal) => {
        concat!(
            "SELECT ",
            $columns,
            " FROM tickets \
             WHERE service_id = cs.service_id AND business_day = $2 AND status = 'waiting' AND ",
            $kind,
            " ORDER BY queued_at, sequence LIMIT 1",
            $lock
        )
    };
}

/// The counter's candidates in one statement: for each service it calls from, with its
/// preference, the first waiting priority ticket and the first regular one.
const CANDIDATES: &str = concat!(
    "SELECT cs.position, t.id, t.priority, t.queued_at, t.sequence \
     FROM counter_services cs JOIN tickets t ON t.id IN ((",
    first_waiting!("id", "priority <> 'regular'", ""),
    "), (",
    first_waiting!("id", "priority = 'regular'", ""),
    ")) WHERE cs.counter_id = $1"
);
/// The same on PostgreSQL, where concurrent callers (other replicas) skip each other's
/// candidates instead of waiting for them, so eight counters calling at once take eight
/// different tickets. A locking probe cannot be a scalar subquery's, hence the laterals.
macro_rules! candidates_pg {
    ($kind:literal) => {
        concat!(
            "SELECT cs.position, f.id, f.priority, f.queued_at, f.sequence \
             FROM counter_services cs CROSS JOIN LATERAL (",
            first_waiting!(
                "id, priority, queued_at, sequence",
                $kind,
                " FOR UPDATE SKIP LOCKED"
            ),
            ") f WHERE cs.counter_id = $1"
        )
    };
}
const CANDIDATES_PG: &str = concat!(
    candidates_pg!("priority <> 'regular'"),
    " UNION ALL ",
    candidates_pg!("priority = 'regular'")
);
/// Whether the counter's services have anyone waiting, locked or not.
const ANYONE_WAITING: &str = "SELECT EXISTS (SELECT 1 FROM tickets t \
     JOIN counter_services cs ON cs.service_id = t.service_id AND cs.counter_id = $1 \
     WHERE t.status = 'waiting' AND t.business_day = $2)";

/// How often call-next looks again when every waiting ticket was locked by counters calling at
/// the same moment (PostgreSQL), before it answers that nobody waits.
const CALL_NEXT_TRIES: u32 = 20;

#[derive(sqlx::FromRow)]
struct Candidate {
    position: i64,
    id: Uuid,
    priority: String,
    queued_at: DateTime<Utc>,
    sequence: i64,
}

const WAITING_FOR_COUNTER: &str = concat!(
    ticket_select!(),
    "JOIN counter_services cs ON cs.service_id = t.service_id AND cs.counter_id = $1 \
     WHERE t.status = 'waiting' AND t.business_day = $2 \
     ORDER BY CASE WHEN t.priority <> 'regular' OR t.queued_at <= $3 THEN 0 ELSE 1 END, \
              t.queued_at, cs.position, t.sequence \
     LIMIT 500"
);

const TICKET_BY_ID: &str = concat!(ticket_select!(), "WHERE t.id = $1");
const CURRENT_OF_COUNTER: &str = concat!(
    ticket_select!(),
    "WHERE t.counter_id = $1 AND t.status = 'called'"
);

impl Store {
    /// Issues the next number of a service to a patient.
    pub async fn issue_ticket(
        &self,
        req: &IssueRequest,
        now: DateTime<Utc>,
    ) -> Result<(Ticket, String), StoreError> {
        if let Some(existing) = self
            .active_ticket_of(req.phone.as_deref(), req.device_id.as_deref())
            .await?
        {
            return Err(self.already_active(existing, now).await?);
        }
        let token = new_token();
        let result = self.try_issue(req, hash_token(&token), now).await;
        let (row, ahead) = match result {
            Ok(issued) => issued,
            // Another request of the same patient came between our check and our insert; the
            // partial unique indexes refused this one. Answer as if we had seen it first, once
            // that request is committed (it may share the commit this one gave up).
            Err(StoreError::Database(err)) if is_unique_violation(&err) => {
                self.db.flushed().await;
                return match self
                    .active_ticket_of(req.phone.as_deref(), req.device_id.as_deref())
                    .await?
                {
                    Some(existing) => Err(self.already_active(existing, now).await?),
                    None => Err(StoreError::Database(err)),
                };
            }
            Err(err) => return Err(err),
        };
        let today = self.today(now);
        let calls = self.recent_calls(row.service_id, today).await?;
        let standing = Standing {
            people_ahead: Some(ahead),
            eta_seconds: eta_seconds(ahead, &calls),
        };
        Ok((row.into_ticket(today, standing, true), token))
    }

    /// Writes the ticket; returns it and how many people are ahead of it.
    async fn try_issue(
        &self,
        req: &IssueRequest,
        token_hash: Vec<u8>,
        now: DateTime<Utc>,
    ) -> Result<(TicketRow, u32), StoreError> {
        let day = self.today(now);
        // Read before the change starts, so the shared write connection, which every change
        // waits for, does not wait for these reads. A service closed meanwhile still takes this
        // one ticket, as it would under READ COMMITTED inside the change.
        let service: ServiceGate = self
            .db
            .fetch_optional(SERVICE_GATE, args![req.service_id])
            .await?
            .ok_or(StoreError::NotFound(Entity::Service))?;
        let hours = stored_hours(service.opens_at.as_deref(), service.closes_at.as_deref());
        if !service.open || hours.is_some_and(|h| !h.contains(self.local_time(now))) {
            return Err(StoreError::ServiceClosed);
        }
        if let Some(destination) = req.destination_service_id {
            check_destination(&self.db, &service, req.service_id, destination).await?;
        }
        let mut tx = self.db.begin().await?;
        let reserved = match &req.booking_code {
            Some(code) => super::mobile_jkn::check_in_booking(&mut tx, code, req.service_id, day)
                .await?
                .ok_or(StoreError::ChangedMeanwhile)?,
            None => None,
        };
        let row = NewRow {
            id: Uuid::new_v4(),
            visit_id: Uuid::new_v4(),
            service_id: req.service_id,
            service_code: &service.code,
            day,
            priority: req.priority,
            name: req.name.clone(),
            phone: req.phone.clone(),
            device_id: req.device_id.clone(),
            token_hash,
            now,
            transferred_from: None,
            booking_code: req.booking_code.clone(),
            destination_service_id: req.destination_service_id,
            reserved,
        };
        let inserted = insert_ticket(&mut tx, &row).await?;
        let ahead = self
            .ahead_of_new(&mut tx, &inserted.ticket, inserted.waiting_before, now)
            .await?;
        let ticket = inserted.ticket;
        if let Some(quota) = service.daily_quota {
            // The number counts what was issued today (since a day reset), so it is the
            // quota's measure; the rollback on return gives the number back.
            if inserted.shown > quota {
                return Err(StoreError::QuotaFull {
                    quota: count(quota),
                });
            }
        }
        emit(
            &mut tx,
            &Event::Queued {
                ticket: ticket.summary(day),
            },
            now,
        )?;
        self.commit(tx).await?;
        Ok((ticket, ahead))
    }

    /// How many people are ahead of a ticket just issued: its service's whole waiting queue,
    /// except, when it goes before fresh regular tickets (DESIGN §2: priority, or no aging
    /// limit), those. The queue is counted as it changes, so a long one costs no more; its count
    /// before this ticket comes with a fresh number.
    async fn ahead_of_new(
        &self,
        tx: &mut Tx,
        ticket: &TicketRow,
        waiting_before: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let waiting = match waiting_before {
            Some(waiting) => waiting,
            None => {
                tx.scalar::<i64>(
                    "SELECT waiting - 1 FROM daily_sequences \
                     WHERE service_id = $1 AND business_day = $2",
                    args![ticket.service_id, ticket.business_day],
                )
                .await?
            }
        };
        let behind: i64 = if self.policy.order_key(ticket.priority, now, now).rank == 0 {
            tx.scalar(
                "SELECT COUNT(*) FROM tickets WHERE service_id = $1 AND business_day = $2 \
                 AND status = 'waiting' AND priority = 'regular' AND queued_at > $3",
                args![
                    ticket.service_id,
                    ticket.business_day,
                    self.policy.aging_cutoff(now)
                ],
            )
            .await?
        } else {
            0
        };
        Ok(count(waiting - behind))
    }

    /// The ticket for its patient: with their details, position and wait. Unknown ids and
    /// wrong tokens look the same, so neither can be probed.
    pub async fn patient_ticket(
        &self,
        id: Uuid,
        tracking_token: &str,
        now: DateTime<Utc>,
    ) -> Result<Ticket, StoreError> {
        let row = self.patient_row(id, tracking_token).await?;
        self.with_standing(row, now, true).await
    }

    /// "Check my status" by phone: the patient's waiting or called ticket, reduced to what a
    /// stranger who knows the number may see.
    pub async fn status_by_phone(
        &self,
        phone: &str,
        now: DateTime<Utc>,
    ) -> Result<TicketStatusView, StoreError> {
        let phone = normalize_phone(phone).map_err(|e| StoreError::Invalid {
            field: e.field(),
            message: e.to_string(),
        })?;
        let row = self
            .active_ticket_of(Some(&phone), None)
            .await?
            .ok_or(StoreError::NotFound(Entity::ActiveTicket))?;
        let ticket = self.with_standing(row, now, false).await?;
        Ok(TicketStatusView {
            number: ticket.number,
            status: ticket.status,
            people_ahead: ticket.people_ahead,
            eta_seconds: ticket.eta_seconds,
            counter: ticket.counter,
        })
    }

    /// The patient withdraws their waiting ticket.
    pub async fn cancel_by_patient(
        &self,
        id: Uuid,
        tracking_token: &str,
        now: DateTime<Utc>,
    ) -> Result<Ticket, StoreError> {
        self.patient_row(id, tracking_token).await?;
        let mut tx = self.db.begin().await?;
        let row = ticket_in(&mut tx, id).await?;
        let row = self
            .change_status(&mut tx, &row, Action::Cancel, now)
            .await?;
        self.commit(tx).await?;
        Ok(row.into_ticket(self.today(now), Standing::default(), true))
    }

    async fn patient_row(&self, id: Uuid, tracking_token: &str) -> Result<TicketRow, StoreError> {
        let row: Option<TicketRow> = self.db.fetch_optional(TICKET_BY_ID, args![id]).await?;
        row.filter(|row| token_matches(tracking_token, &row.tracking_token_hash))
            .ok_or(StoreError::NotFound(Entity::Ticket))
    }

    /// Completes the counter's current ticket, then calls the next one in call order.
    pub async fn call_next(
        &self,
        counter_id: Uuid,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Option<Ticket>, StoreError> {
        let today = self.today(now);
        let mut tx = self.db.begin().await?;
        let counter = lock_counter(&mut tx, counter_id).await?;
        if counter.paused {
            return Err(StoreError::CounterPaused);
        }
        if let Some(current) = current_of(&mut tx, counter_id).await? {
            self.finish_at_station(&mut tx, &current, None, now).await?;
        }
        let next = self
            .next_for_counter(&mut tx, counter_id, today, now)
            .await?;
        let Some(next) = next else {
            Audit::new(actor, "call_next")
                .detail(json!({ "counter_id": counter_id, "ticket_id": null }))
                .record(&mut tx, now)?;
            self.commit(tx).await?;
            return Ok(None);
        };
        let called = TicketStatus::Waiting.apply(Action::Call)?;
        let row = tx
            .fetch_optional::<TicketRow>(
                concat!(
                    "UPDATE tickets SET status = $1, counter_id = $2, called_at = $3, \
                     finished_at = NULL WHERE id = $4 AND status = 'waiting'",
                    ticket_returning!()
                ),
                args![called.as_str(), counter_id, now, next],
            )
            .await?
            // The row lock (PostgreSQL) or the single writer (SQLite) makes this impossible; if
            // it ever happens, calling nobody is better than calling a patient twice.
            .ok_or(StoreError::ChangedMeanwhile)?
            .at_counter(Some(counter.number), Some(counter.name));
        if let Some(call) = row.call() {
            emit(&mut tx, &Event::Called { call }, now)?;
        }
        audit_ticket(actor, "call_next", counter_id, &row).record(&mut tx, now)?;
        self.commit(tx).await?;
        Ok(Some(row.into_ticket(today, Standing::default(), true)))
    }

    /// The counter's next ticket in call order, locked for this transaction on PostgreSQL.
    async fn next_for_counter(
        &self,
        tx: &mut Tx,
        counter_id: Uuid,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Option<Uuid>, StoreError> {
        let dialect = tx.dialect();
        let candidates = dialect.pick(CANDIDATES_PG, CANDIDATES);
        for attempt in 1..=CALL_NEXT_TRIES {
            let found: Vec<Candidate> = tx.fetch_all(candidates, args![counter_id, today]).await?;
            let best = found.into_iter().min_by_key(|c| {
                let priority = Priority::parse(&c.priority).unwrap_or_default();
                (
                    self.policy.order_key(priority, c.queued_at, now),
                    c.position,
                    c.sequence,
                )
            });
            if let Some(best) = best {
                return Ok(Some(best.id));
            }
            // SQLite has one writer, so nothing was skipped. On PostgreSQL, tickets locked as
            // candidates by counters calling this very moment are free again in a moment.
            let skipped = dialect == Dialect::Postgres
                && attempt < CALL_NEXT_TRIES
                && tx
                    .scalar::<bool>(ANYONE_WAITING, args![counter_id, today])
                    .await?;
            if !skipped {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        Ok(None)
    }

    /// Completes a called ticket and, when the visit goes on, issues its next station's
    /// ticket; returns the done ticket, naming its continuation.
    async fn finish_at_station(
        &self,
        tx: &mut Tx,
        row: &TicketRow,
        choice: Option<RouteChoice>,
        now: DateTime<Utc>,
    ) -> Result<TicketRow, StoreError> {
        let mut done = self.change_status(tx, row, Action::Complete, now).await?;
        let here = service_gate(tx, row.service_id).await?;
        let Some(next) = next_station(
            here.station,
            here.next_service_id,
            row.destination_service_id,
            choice,
        ) else {
            return Ok(done);
        };
        if next == row.service_id {
            return Err(StoreError::Invalid {
                field: "next_service_id",
                message: "the patient is already at that station".into(),
            });
        }
        let continued = self.continue_visit(tx, &done, next, now).await?;
        done.transferred_to = Some(continued);
        Ok(done)
    }

    /// Issues the ticket that carries `row`'s visit on in `to_service`: that service's next
    /// number, the same visit, booking code, tracking token, patient and priority; links the two
    /// tickets and tells the new queue. Staff decide where a visit goes, so the target's quota
    /// and hours, which limit patients, do not apply. Returns the new ticket's id.
    async fn continue_visit(
        &self,
        tx: &mut Tx,
        row: &TicketRow,
        to_service: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let target = service_gate(tx, to_service).await?;
        let new = NewRow {
            id: Uuid::new_v4(),
            visit_id: row.visit_id,
            service_id: to_service,
            service_code: &target.code,
            day: self.today(now),
            priority: row.priority,
            name: row.name.clone(),
            phone: row.phone.clone(),
            device_id: row.device_id.clone(),
            token_hash: row.tracking_token_hash.clone(),
            now,
            transferred_from: Some(row.id),
            booking_code: Some(row.booking_code.clone()),
            destination_service_id: None,
            reserved: None,
        };
        let ticket = insert_ticket(tx, &new).await?.ticket.summary(new.day);
        tx.execute(
            "UPDATE tickets SET transferred_to = $1 WHERE id = $2",
            args![new.id, row.id],
        )
        .await?;
        emit(tx, &Event::Queued { ticket }, now)?;
        Ok(new.id)
    }

    /// Recall, complete or skip the counter's current ticket. A completed ticket's visit goes
    /// on to its next station, by its route or by staff's `choice`.
    pub async fn act_on_current(
        &self,
        counter_id: Uuid,
        action: Action,
        choice: Option<RouteChoice>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Ticket, StoreError> {
        let mut tx = self.db.begin().await?;
        lock_counter(&mut tx, counter_id).await?;
        let current = current_of(&mut tx, counter_id)
            .await?
            .ok_or(StoreError::NoCurrentTicket)?;
        let row = match action {
            Action::Complete => {
                self.finish_at_station(&mut tx, &current, choice, now)
                    .await?
            }
            _ => self.change_status(&mut tx, &current, action, now).await?,
        };
        audit_ticket(actor, action.as_str(), counter_id, &row)
            .detail(json!({
                "counter_id": counter_id,
                "ticket_id": row.id,
                "next_ticket_id": row.transferred_to,
            }))
            .record(&mut tx, now)?;
        self.commit(tx).await?;
        Ok(row.into_ticket(self.today(now), Standing::default(), true))
    }

    /// A skipped ticket waits again: at the back, or with `position` tickets of its service
    /// before it.
    pub async fn requeue(
        &self,
        counter_id: Uuid,
        ticket_id: Uuid,
        position: Option<u32>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Ticket, StoreError> {
        let mut tx = self.db.begin().await?;
        lock_counter(&mut tx, counter_id).await?;
        let row = ticket_in(&mut tx, ticket_id).await?;
        ensure_counter_serves(&mut tx, counter_id, row.service_id).await?;
        let queued_at = self.queue_time_at(&mut tx, &row, position, now).await?;
        let waiting = self.checked(&row, Action::Requeue, now)?;
        let changed = tx
            .execute(
                "UPDATE tickets SET status = $1, queued_at = $2, counter_id = NULL, finished_at = NULL \
                 WHERE id = $3 AND status = $4",
                args![waiting.as_str(), queued_at, row.id, row.status.as_str()],
            )
            .await;
        if let Err(err) = changed {
            drop(tx);
            return Err(self.explain_unique(err, &row, now).await);
        }
        let requeued = ticket_in(&mut tx, ticket_id).await?;
        let ticket = requeued.summary(self.today(now));
        emit(&mut tx, &Event::Queued { ticket }, now)?;
        audit_ticket(actor, "requeue", counter_id, &requeued)
            .detail(
                json!({ "counter_id": counter_id, "ticket_id": ticket_id, "position": position }),
            )
            .record(&mut tx, now)?;
        self.commit(tx).await?;
        self.ticket_with_standing(ticket_id, now, true).await
    }

    /// Staff withdraw a waiting ticket of one of the counter's services.
    pub async fn cancel_by_staff(
        &self,
        counter_id: Uuid,
        ticket_id: Uuid,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Ticket, StoreError> {
        let mut tx = self.db.begin().await?;
        lock_counter(&mut tx, counter_id).await?;
        let row = ticket_in(&mut tx, ticket_id).await?;
        ensure_counter_serves(&mut tx, counter_id, row.service_id).await?;
        let row = self
            .change_status(&mut tx, &row, Action::Cancel, now)
            .await?;
        audit_ticket(actor, "cancel", counter_id, &row).record(&mut tx, now)?;
        self.commit(tx).await?;
        Ok(row.into_ticket(self.today(now), Standing::default(), true))
    }

    /// Moves a ticket into another service's queue: the counter's current ticket, or a waiting
    /// one of its services. The patient gets the target service's next number in the same
    /// visit, followed with the same tracking token.
    pub async fn transfer(
        &self,
        counter_id: Uuid,
        ticket_id: Option<Uuid>,
        to_service: Uuid,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Ticket, StoreError> {
        let mut tx = self.db.begin().await?;
        lock_counter(&mut tx, counter_id).await?;
        let row = match ticket_id {
            Some(id) => {
                let row = ticket_in(&mut tx, id).await?;
                ensure_counter_serves(&mut tx, counter_id, row.service_id).await?;
                row
            }
            None => current_of(&mut tx, counter_id)
                .await?
                .ok_or(StoreError::NoCurrentTicket)?,
        };
        self.checked(&row, Action::Transfer, now)?;
        if to_service == row.service_id {
            return Err(StoreError::Invalid {
                field: "service_id",
                message: "the ticket is already in that service".into(),
            });
        }
        let transferred = self
            .change_status(&mut tx, &row, Action::Transfer, now)
            .await?;
        let new_id = self
            .continue_visit(&mut tx, &transferred, to_service, now)
            .await?;
        audit_ticket(actor, "transfer", counter_id, &row)
            .detail(json!({
                "counter_id": counter_id,
                "ticket_id": row.id,
                "to_service_id": to_service,
                "new_ticket_id": new_id,
            }))
            .record(&mut tx, now)?;
        self.commit(tx).await?;
        self.ticket_with_standing(new_id, now, true).await
    }

    /// What a counter's screen shows: its current ticket, who waits in call order, the skipped
    /// ones it may requeue, and today's counts for its services.
    pub async fn counter_queue(
        &self,
        counter_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<CounterQueue, StoreError> {
        let today = self.today(now);
        let counter = self.counter(counter_id).await?;
        let current: Option<TicketRow> = self
            .db
            .fetch_optional(CURRENT_OF_COUNTER, args![counter_id])
            .await?;
        let cutoff = self.policy.aging_cutoff(now);
        let waiting_rows: Vec<TicketRow> = self
            .db
            .fetch_all(WAITING_FOR_COUNTER, args![counter_id, today, cutoff])
            .await?;
        let skipped: Vec<TicketRow> = self
            .db
            .fetch_all(
                concat!(
                    ticket_select!(),
                    "JOIN counter_services cs ON cs.service_id = t.service_id AND cs.counter_id = $1 \
                     WHERE t.status = 'skipped' AND t.business_day = $2 ORDER BY t.finished_at DESC LIMIT 100"
                ),
                args![counter_id, today],
            )
            .await?;
        let counts: Vec<StatusCount> = self
            .db
            .fetch_all(
                "SELECT t.status, COUNT(*) AS n FROM tickets t \
                 JOIN counter_services cs ON cs.service_id = t.service_id AND cs.counter_id = $1 \
                 WHERE t.business_day = $2 GROUP BY t.status",
                args![counter_id, today],
            )
            .await?;

        // The list is in call order, so within one service the index is the people ahead.
        struct Line {
            service_id: Uuid,
            ahead: u32,
            recent_calls: Vec<DateTime<Utc>>,
        }
        let mut lines: Vec<Line> = Vec::new();
        let mut waiting = Vec::with_capacity(waiting_rows.len());
        for row in waiting_rows {
            let i = match lines.iter().position(|l| l.service_id == row.service_id) {
                Some(i) => i,
                None => {
                    let recent_calls = self.recent_calls(row.service_id, today).await?;
                    lines.push(Line {
                        service_id: row.service_id,
                        ahead: 0,
                        recent_calls,
                    });
                    lines.len() - 1
                }
            };
            let line = &mut lines[i];
            let standing = Standing {
                people_ahead: Some(line.ahead),
                eta_seconds: eta_seconds(line.ahead, &line.recent_calls),
            };
            line.ahead += 1;
            let reason = self.policy.reason(row.priority, row.queued_at, now);
            let mut ticket = row.into_ticket(today, standing, true);
            ticket.call_reason = Some(reason);
            waiting.push(ticket);
        }

        let mut today_counts = QueueCounts::default();
        for StatusCount { status, n } in counts {
            let n = count(n);
            match TicketStatus::parse(&status) {
                Some(TicketStatus::Waiting) => today_counts.waiting = n,
                Some(TicketStatus::Called) => today_counts.called = n,
                Some(TicketStatus::Done) => today_counts.done = n,
                Some(TicketStatus::Skipped) => today_counts.skipped = n,
                Some(TicketStatus::Cancelled) => today_counts.cancelled = n,
                Some(TicketStatus::Transferred) => today_counts.transferred = n,
                Some(TicketStatus::Expired) | None => {}
            }
        }
        Ok(CounterQueue {
            counter,
            current: current.map(|row| row.into_ticket(today, Standing::default(), true)),
            waiting,
            skipped: skipped
                .into_iter()
                .map(|row| row.into_ticket(today, Standing::default(), true))
                .collect(),
            today: today_counts,
        })
    }

    /// The status `action` leads to from the ticket's status as of today, or the refusal.
    fn checked(
        &self,
        row: &TicketRow,
        action: Action,
        now: DateTime<Utc>,
    ) -> Result<TicketStatus, StoreError> {
        let status = row.status.as_of(row.business_day, self.today(now));
        Ok(status.apply(action)?)
    }

    /// Applies `action` to a ticket read in this transaction and returns it as changed. The
    /// `status =` guard makes a concurrent change of the same ticket refuse this one instead of
    /// overwriting it.
    pub(super) async fn change_status(
        &self,
        tx: &mut Tx,
        row: &TicketRow,
        action: Action,
        now: DateTime<Utc>,
    ) -> Result<TicketRow, StoreError> {
        let next = self.checked(row, action, now)?;
        let recall = i64::from(action == Action::Recall);
        let finished_at =
            (next != TicketStatus::Called && next != TicketStatus::Waiting).then_some(now);
        let changed: TicketRow = tx
            .fetch_optional(
                concat!(
                    "UPDATE tickets SET status = $1, recalls = recalls + $2, finished_at = $3 \
                     WHERE id = $4 AND status = $5",
                    ticket_returning!()
                ),
                args![
                    next.as_str(),
                    recall,
                    finished_at,
                    row.id,
                    row.status.as_str()
                ],
            )
            .await?
            .ok_or(StoreError::ChangedMeanwhile)?;
        // The counter stays the same.
        let changed = changed.at_counter(row.counter_number, row.counter_name.clone());
        let event = match next {
            TicketStatus::Called => changed.call().map(|call| Event::Called { call }),
            _ => Some(Event::Finished {
                ticket: changed.summary(self.today(now)),
            }),
        };
        if let Some(event) = event {
            emit(tx, &event, now)?;
        }
        Ok(changed)
    }

    /// The queue time that puts a ticket after `position` waiting tickets of its service, or
    /// after all of them.
    async fn queue_time_at(
        &self,
        tx: &mut Tx,
        row: &TicketRow,
        position: Option<u32>,
        now: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, StoreError> {
        let today = self.today(now);
        if let Some(position) = position {
            let at: Option<DateTime<Utc>> = tx
                .scalar_optional(
                    "SELECT queued_at FROM tickets \
                     WHERE service_id = $1 AND business_day = $2 AND status = 'waiting' \
                     ORDER BY CASE WHEN priority <> 'regular' OR queued_at <= $3 THEN 0 ELSE 1 END, \
                              queued_at, sequence \
                     LIMIT 1 OFFSET $4",
                    args![row.service_id, today, self.policy.aging_cutoff(now), i64::from(position)],
                )
                .await?;
            // Just before the ticket now at that position.
            if let Some(at) = at {
                return Ok(at - Duration::microseconds(1));
            }
        }
        // The back: after the last one even if it was queued in this same instant.
        let last: Option<DateTime<Utc>> = tx
            .scalar(
                "SELECT MAX(queued_at) FROM tickets \
                 WHERE service_id = $1 AND business_day = $2 AND status = 'waiting'",
                args![row.service_id, today],
            )
            .await?;
        Ok(last.map_or(now, |last| now.max(last + Duration::microseconds(1))))
    }

    /// A followed ticket as it stands now, without the patient's details: what the patient's
    /// stream sends. A ticket whose visit went on (a transfer, or the next station once done)
    /// is followed into its continuation.
    pub async fn followed_ticket(
        &self,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Ticket, StoreError> {
        let ticket = self.ticket_with_standing(id, now, false).await?;
        match ticket.transferred_to {
            Some(next) if !ticket.status.is_active() => {
                Box::pin(self.followed_ticket(next, now)).await
            }
            _ => Ok(ticket),
        }
    }

    async fn ticket_with_standing(
        &self,
        id: Uuid,
        now: DateTime<Utc>,
        with_patient: bool,
    ) -> Result<Ticket, StoreError> {
        let row: TicketRow = self
            .db
            .fetch_optional(TICKET_BY_ID, args![id])
            .await?
            .ok_or(StoreError::NotFound(Entity::Ticket))?;
        self.with_standing(row, now, with_patient).await
    }

    pub(super) async fn with_standing(
        &self,
        row: TicketRow,
        now: DateTime<Utc>,
        with_patient: bool,
    ) -> Result<Ticket, StoreError> {
        let today = self.today(now);
        let standing = if row.status.as_of(row.business_day, today) == TicketStatus::Waiting {
            let key = self.policy.order_key(row.priority, row.queued_at, now);
            let ahead: i64 = self
                .db
                .scalar(
                    PEOPLE_AHEAD,
                    args![
                        row.service_id,
                        row.business_day,
                        row.id,
                        self.policy.aging_cutoff(now),
                        i64::from(key.rank),
                        row.queued_at,
                        row.sequence
                    ],
                )
                .await?;
            let ahead = count(ahead);
            let calls = self.recent_calls(row.service_id, today).await?;
            Standing {
                people_ahead: Some(ahead),
                eta_seconds: eta_seconds(ahead, &calls),
            }
        } else {
            Standing::default()
        };
        Ok(row.into_ticket(today, standing, with_patient))
    }

    async fn recent_calls(
        &self,
        service_id: Uuid,
        day: NaiveDate,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        let rows: Vec<CalledAt> = self
            .db
            .fetch_all(
                "SELECT called_at FROM tickets \
                 WHERE service_id = $1 AND business_day = $2 AND called_at IS NOT NULL \
                 ORDER BY called_at DESC LIMIT $3",
                args![service_id, day, call_order::ETA_SAMPLE_CALLS as i64],
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.called_at).collect())
    }

    /// The patient's waiting or called ticket, by phone or device.
    async fn active_ticket_of(
        &self,
        phone: Option<&str>,
        device_id: Option<&str>,
    ) -> Result<Option<TicketRow>, StoreError> {
        if phone.is_none() && device_id.is_none() {
            return Ok(None);
        }
        Ok(self
            .db
            .fetch_optional(
                concat!(
                    ticket_select!(),
                    // One lookup per partial unique index: with a plain OR, SQLite's planner
                    // uses neither and reads every ticket ever issued.
                    "WHERE t.id = (\
                       SELECT id FROM tickets WHERE status IN ('waiting', 'called') AND phone = $1 \
                       UNION ALL \
                       SELECT id FROM tickets WHERE status IN ('waiting', 'called') AND device_id = $2 \
                       LIMIT 1)"
                ),
                args![phone, device_id],
            )
            .await?)
    }

    /// The refusal of a second active ticket, carrying the first one without the patient's
    /// details: whoever asks may only know the phone number.
    async fn already_active(
        &self,
        existing: TicketRow,
        now: DateTime<Utc>,
    ) -> Result<StoreError, StoreError> {
        let ticket = self.with_standing(existing, now, false).await?;
        Ok(StoreError::ActiveTicketExists(Box::new(ticket)))
    }

    /// A unique-index refusal while reactivating `row`: the patient meanwhile took another
    /// ticket.
    async fn explain_unique(
        &self,
        err: sqlx::Error,
        row: &TicketRow,
        now: DateTime<Utc>,
    ) -> StoreError {
        if !is_unique_violation(&err) {
            return StoreError::Database(err);
        }
        self.db.flushed().await;
        match self
            .active_ticket_of(row.phone.as_deref(), row.device_id.as_deref())
            .await
        {
            Ok(Some(existing)) => self
                .already_active(existing, now)
                .await
                .unwrap_or_else(|e| e),
            Ok(None) => StoreError::Database(err),
            Err(e) => e,
        }
    }
}

pub(super) fn eta_seconds(people_ahead: u32, calls: &[DateTime<Utc>]) -> Option<u32> {
    estimate_wait(people_ahead, calls).and_then(|d| u32::try_from(d.num_seconds().max(0)).ok())
}

/// A ticket just written, with what its numbering knew.
struct Inserted {
    /// Its number counted since any day reset; 0 when it was booked (counted then).
    shown: i64,
    /// Its service's tickets waiting before it, when it took a fresh number.
    waiting_before: Option<i64>,
    ticket: TicketRow,
}

/// Writes a new waiting ticket with the next number of its service and day, or the one booked
/// for it.
async fn insert_ticket(tx: &mut Tx, row: &NewRow<'_>) -> Result<Inserted, StoreError> {
    let (sequence, shown, number, waiting_before) = match &row.reserved {
        // Counted against the day's quota when it was booked.
        Some((sequence, number)) => (*sequence, 0, number.clone(), None),
        None => {
            let taken = next_number(tx, row.service_id, row.day).await?;
            let number = format_ticket_number(
                row.service_code,
                u32::try_from(taken.shown).unwrap_or(u32::MAX),
            );
            (taken.sequence, taken.shown, number, Some(taken.waiting))
        }
    };
    let booking_code = row.booking_code.clone().unwrap_or_else(|| {
        booking_code(
            row.day,
            row.service_code,
            u32::try_from(sequence).unwrap_or(u32::MAX),
        )
    });
    tx.execute(
        "INSERT INTO tickets (id, visit_id, service_id, business_day, sequence, number, status, priority, \
           name, phone, device_id, tracking_token_hash, issued_at, queued_at, transferred_from, \
           booking_code, destination_service_id) \
         VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7, $8, $9, $10, $11, $12, $12, $13, $14, $15)",
        args![
            row.id,
            row.visit_id,
            row.service_id,
            row.day,
            sequence,
            number.clone(),
            row.priority.as_str(),
            row.name.clone(),
            row.phone.clone(),
            row.device_id.clone(),
            row.token_hash.clone(),
            row.now,
            row.transferred_from,
            booking_code.clone(),
            row.destination_service_id
        ],
    )
    .await?;
    let ticket = TicketRow {
        id: row.id,
        visit_id: row.visit_id,
        service_id: row.service_id,
        business_day: row.day,
        sequence,
        number,
        status: TicketStatus::Waiting,
        priority: row.priority,
        name: row.name.clone(),
        phone: row.phone.clone(),
        device_id: row.device_id.clone(),
        tracking_token_hash: row.token_hash.clone(),
        counter_id: None,
        counter_number: None,
        counter_name: None,
        recalls: 0,
        issued_at: row.now,
        queued_at: row.now,
        called_at: None,
        finished_at: None,
        transferred_from: row.transferred_from,
        transferred_to: None,
        booking_code,
        destination_service_id: row.destination_service_id,
    };
    Ok(Inserted {
        shown,
        waiting_before,
        ticket,
    })
}

/// A number taken from a service's day.
pub(super) struct Numbered {
    pub sequence: i64,
    /// The number shown, counted since any day reset.
    pub shown: i64,
    /// The service's tickets waiting that day before this number was taken.
    pub waiting: i64,
}

/// Takes the next number of a service's day. The upsert locks the day's row until commit, which
/// is what keeps numbers unique across concurrent requests and replicas; a rollback gives the
/// number back.
pub(super) async fn next_number(
    tx: &mut Tx,
    service_id: Uuid,
    day: NaiveDate,
) -> Result<Numbered, StoreError> {
    // The number restarts after a day reset (number_base); the sequence never does.
    let (sequence, shown, waiting) = tx
        .fetch_optional(
            "INSERT INTO daily_sequences (service_id, business_day, last_sequence) \
             VALUES ($1, $2, 1) ON CONFLICT (service_id, business_day) \
             DO UPDATE SET last_sequence = daily_sequences.last_sequence + 1 \
             RETURNING last_sequence, last_sequence - number_base, waiting",
            args![service_id, day],
        )
        .await?
        .ok_or_else(|| StoreError::Internal("numbering returned no row".into()))?;
    Ok(Numbered {
        sequence,
        shown,
        waiting,
    })
}

/// A counter, locked for the change under way.
#[derive(sqlx::FromRow)]
struct LockedCounter {
    paused: bool,
    number: i64,
    name: String,
}

/// Locks the counter's row (PostgreSQL), so actions on one counter happen one after another.
async fn lock_counter(tx: &mut Tx, counter_id: Uuid) -> Result<LockedCounter, StoreError> {
    let sql = tx.dialect().pick(
        "SELECT paused, number, name FROM counters WHERE id = $1 FOR UPDATE",
        "SELECT paused, number, name FROM counters WHERE id = $1",
    );
    tx.fetch_optional(sql, args![counter_id])
        .await?
        .ok_or(StoreError::NotFound(Entity::Counter))
}

/// What issuing into a service, or routing a visit on from it, needs to know of it.
const SERVICE_GATE: &str = "SELECT code, open, daily_quota, opens_at, closes_at, station, \
                            next_service_id FROM services WHERE id = $1";

async fn service_gate(tx: &mut Tx, service_id: Uuid) -> Result<ServiceGate, StoreError> {
    tx.fetch_optional(SERVICE_GATE, args![service_id])
        .await?
        .ok_or(StoreError::NotFound(Entity::Service))
}

/// A registration ticket may name the poli the patient came for: another service, not itself a
/// registration station.
async fn check_destination(
    db: &Db,
    service: &ServiceGate,
    service_id: Uuid,
    destination: Uuid,
) -> Result<(), StoreError> {
    let refuse = |message: &str| StoreError::Invalid {
        field: "destination_service_id",
        message: message.into(),
    };
    if service.station != Station::Registration {
        return Err(refuse(
            "only a ticket for a registration station names the poli the patient came for",
        ));
    }
    let station: Option<String> = db
        .scalar_optional(
            "SELECT station FROM services WHERE id = $1",
            args![destination],
        )
        .await?;
    match station.as_deref().and_then(Station::parse) {
        None => Err(refuse("no such service")),
        Some(_) if destination == service_id => Err(refuse("the patient is already here")),
        Some(Station::Registration) => Err(refuse("the destination is another registration")),
        Some(_) => Ok(()),
    }
}

async fn ensure_counter_serves(
    tx: &mut Tx,
    counter_id: Uuid,
    service_id: Uuid,
) -> Result<(), StoreError> {
    let serves: Option<i64> = tx
        .scalar_optional(
            "SELECT position FROM counter_services WHERE counter_id = $1 AND service_id = $2",
            args![counter_id, service_id],
        )
        .await?;
    serves.map(|_| ()).ok_or(StoreError::NotThisCountersService)
}

pub(super) async fn ticket_in(tx: &mut Tx, id: Uuid) -> Result<TicketRow, StoreError> {
    tx.fetch_optional(TICKET_BY_ID, args![id])
        .await?
        .ok_or(StoreError::NotFound(Entity::Ticket))
}

async fn current_of(tx: &mut Tx, counter_id: Uuid) -> Result<Option<TicketRow>, StoreError> {
    Ok(tx
        .fetch_optional(CURRENT_OF_COUNTER, args![counter_id])
        .await?)
}

/// The audit entry of a staff action on a ticket at a counter.
fn audit_ticket<'a>(
    actor: &'a Actor,
    action: &'static str,
    counter_id: Uuid,
    row: &TicketRow,
) -> Audit<'a> {
    Audit::new(actor, action)
        .target(row.number.clone())
        .detail(json!({ "counter_id": counter_id, "ticket_id": row.id }))
}
