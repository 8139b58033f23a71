//! The end of a business day: open tickets of earlier days expire, and boards start the new day
//! empty. Nothing is deleted.

use chrono::{DateTime, Utc};
use giliran_core::events::Event;
use giliran_core::status::{Action, TicketStatus};

use super::Store;
use super::events::emit;
use crate::db::args;
use crate::error::StoreError;

impl Store {
    /// Expires every open ticket of a day before today's; returns how many. The first call of a
    /// new business day also announces it on the event stream.
    pub async fn expire_past_days(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let today = self.today(now);
        let expired = TicketStatus::Waiting.apply(Action::Expire)?;
        let mut tx = self.db.begin().await?;
        let n = tx
            .execute(
                "UPDATE tickets SET status = $1, finished_at = $2 \
                 WHERE status IN ('waiting', 'called', 'skipped') AND business_day < $3",
                args![expired.as_str(), now, today],
            )
            .await?;
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
            )
            .await?;
        }
        self.commit(tx).await?;
        Ok(n)
    }
}
