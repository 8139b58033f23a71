//! The end of a business day: open tickets of earlier days expire, and boards start the new day
//! empty; or an admin ends today early and starts it over. Nothing is deleted.

use chrono::{DateTime, NaiveDate, Utc};
use giliran_core::events::Event;
use giliran_core::status::{Action, TicketStatus};

use serde_json::json;

use super::Store;
use super::audit::{Actor, Audit};
use super::events::emit;
use crate::db::{Tx, args};
use crate::error::StoreError;

impl Store {
    /// Expires every open ticket of a day before today's; returns how many. The first call of a
    /// new business day also announces it on the event stream.
    pub async fn expire_past_days(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let today = self.today(now);
        let mut tx = self.db.begin().await?;
        let n = expire_open_tickets(&mut tx, today, now).await?;
        let known: Option<String> = tx
            .scalar_optional(
                "SELECT value FROM settings WHERE key = 'business_day'",
                args![],
            )
            .await?;
        let today_text = today.to_string();
        if known.as_deref() != Some(today_text.as_str()) {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ('business_day', $1) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                args![today_text],
            )
            .await?;
            emit(
                &mut tx,
                &Event::DayStarted {
                    business_day: today,
                },
                now,
            )?;
        }
        self.commit(tx).await?;
        Ok(n)
    }

    /// Starts today over: every open ticket of today expires, each service's numbers start again
    /// at 1 (and its quota afresh), and boards empty. History keeps every ticket; the numbers
    /// issued before the reset stay unique by their sequence. Returns how many tickets expired.
    pub async fn reset_day(&self, actor: &Actor, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let today = self.today(now);
        let tomorrow = today.succ_opt().unwrap_or(NaiveDate::MAX);
        let mut tx = self.db.begin().await?;
        let n = expire_open_tickets(&mut tx, tomorrow, now).await?;
        tx.execute(
            "UPDATE daily_sequences SET number_base = last_sequence WHERE business_day = $1",
            args![today],
        )
        .await?;
        emit(
            &mut tx,
            &Event::DayStarted {
                business_day: today,
            },
            now,
        )?;
        Audit::new(actor, "reset_day")
            .target(today.to_string())
            .detail(json!({ "expired": n }))
            .record(&mut tx, now)?;
        self.commit(tx).await?;
        Ok(n)
    }
}

/// Expires the open tickets (waiting, called, skipped) of every business day before `before`.
/// A skipped ticket keeps the moment it was skipped as its end: history shows it expired with
/// that time before this runs, and must show the same after.
async fn expire_open_tickets(
    tx: &mut Tx,
    before: NaiveDate,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let expired = TicketStatus::Waiting.apply(Action::Expire)?;
    Ok(tx
        .execute(
            "UPDATE tickets SET status = $1, finished_at = COALESCE(finished_at, $2) \
             WHERE status IN ('waiting', 'called', 'skipped') AND business_day < $3",
            args![expired.as_str(), now, before],
        )
        .await?)
}
