//! The event log: each change's events are written in the transaction that commits it, numbered
//! by the single `event_counter` row. Holding that row's lock until commit makes `seq` order the
//! commit order, on one server or many, at the price of serialising the commits that write
//! events.

use chrono::{DateTime, NaiveDate, Utc};
use giliran_core::events::{Board, BoardCounter, Call, Event, TicketSummary};
use uuid::Uuid;

use super::{Store, TicketRow, ticket_select};
use crate::db::{Deferred, Tx, args};
use crate::error::StoreError;

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub event: Event,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    seq: i64,
    at: DateTime<Utc>,
    payload: String,
}

/// The PostgreSQL channel replicas listen on; the payload is the new `seq`.
pub const NOTIFY_CHANNEL: &str = "giliran_events";

/// How many of today's calls a board lists.
pub const RECENT_CALLS: i64 = 10;

/// Appends `event` to the log when the caller's change commits.
pub(crate) fn emit(tx: &mut Tx, event: &Event, now: DateTime<Utc>) -> Result<(), StoreError> {
    let payload = serde_json::to_string(event).map_err(|e| StoreError::Internal(e.to_string()))?;
    tx.defer(Deferred::Event { at: now, payload })?;
    Ok(())
}

impl TicketRow {
    pub(crate) fn summary(&self, today: NaiveDate) -> TicketSummary {
        TicketSummary {
            id: self.id,
            number: self.number.clone(),
            service_id: self.service_id,
            status: self.status.as_of(self.business_day, today),
            priority: self.priority,
            business_day: self.business_day,
            counter_id: self.counter_id,
        }
    }

    /// The call this ticket stands for, when it has been called to a counter.
    pub(crate) fn call(&self) -> Option<Call> {
        Some(Call {
            ticket_id: self.id,
            number: self.number.clone(),
            service_id: self.service_id,
            counter_id: self.counter_id?,
            counter_number: super::count(self.counter_number?),
            counter_name: self.counter_name.clone()?,
            called_at: self.called_at?,
            recalls: super::count(self.recalls),
        })
    }
}

/// How much longer than other events those the BPJS bridge has not read are kept. Past this,
/// BPJS would refuse reports that old anyway, and a bridge switched off for good must not keep
/// the log from being pruned.
pub const UNREPORTED_GRACE: chrono::Duration = chrono::Duration::days(27);

impl Store {
    /// The `seq` of the newest event; 0 before the first.
    pub async fn latest_seq(&self) -> Result<u64, StoreError> {
        let seq: i64 = self
            .db
            .scalar("SELECT last_seq FROM event_counter WHERE id = 1", args![])
            .await?;
        Ok(u64::try_from(seq).unwrap_or(0))
    }

    /// The oldest `seq` still kept, if any event is.
    pub async fn oldest_kept_seq(&self) -> Result<Option<u64>, StoreError> {
        let seq: Option<i64> = self
            .db
            .scalar("SELECT MIN(seq) FROM events", args![])
            .await?;
        Ok(seq.and_then(|s| u64::try_from(s).ok()))
    }

    /// Up to `limit` events after `since`, in order. Events this version cannot read (written
    /// by a newer replica during an upgrade) are skipped with a warning.
    pub async fn events_after(
        &self,
        since: u64,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let since = i64::try_from(since).unwrap_or(i64::MAX);
        let rows: Vec<EventRow> = self
            .db
            .fetch_all(
                "SELECT seq, at, payload FROM events WHERE seq > $1 ORDER BY seq LIMIT $2",
                args![since, limit],
            )
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| match serde_json::from_str(&row.payload) {
                Ok(event) => Some(StoredEvent {
                    seq: u64::try_from(row.seq).unwrap_or(0),
                    at: row.at,
                    event,
                }),
                Err(err) => {
                    tracing::warn!(seq = row.seq, error = %err, "skipping an event this version cannot read");
                    None
                }
            })
            .collect())
    }

    /// Forgets events older than `before`; clients behind that get a snapshot. Events the BPJS
    /// bridge has not read yet are its only record of reports still to make, so they are kept
    /// [`UNREPORTED_GRACE`] longer: a bridge stuck for days still reports everything once it
    /// runs again, and the admin page shows it stuck meanwhile.
    pub async fn prune_events(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut tx = self.db.begin().await?;
        let n = tx
            .execute(
                "DELETE FROM events WHERE at < $1 AND (at < $2 \
                 OR seq <= COALESCE((SELECT last_seq FROM bpjs_cursor WHERE id = 1), seq))",
                args![before, before - UNREPORTED_GRACE],
            )
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// The waiting room's board as of now.
    pub async fn board(&self, now: DateTime<Utc>) -> Result<Board, StoreError> {
        let today = self.today(now);
        let counters = self.counters().await?;
        let current: Vec<TicketRow> = self
            .db
            .fetch_all(
                concat!(
                    ticket_select!(),
                    "WHERE t.status = 'called' AND t.business_day = $1"
                ),
                args![today],
            )
            .await?;
        let recent: Vec<TicketRow> = self
            .db
            .fetch_all(
                concat!(
                    ticket_select!(),
                    "WHERE t.business_day = $1 AND t.called_at IS NOT NULL AND t.counter_id IS NOT NULL \
                     ORDER BY t.called_at DESC LIMIT $2"
                ),
                args![today, RECENT_CALLS],
            )
            .await?;
        let current_at = |counter: Uuid| {
            current
                .iter()
                .find(|row| row.counter_id == Some(counter))
                .and_then(TicketRow::call)
        };
        Ok(Board {
            business_day: Some(today),
            counters: counters
                .into_iter()
                .map(|c| BoardCounter {
                    current: current_at(c.id),
                    id: c.id,
                    number: c.number,
                    name: c.name,
                    paused: c.paused,
                })
                .collect(),
            recent_calls: recent.iter().filter_map(TicketRow::call).collect(),
        })
    }
}
