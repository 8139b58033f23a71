//! The end of a business day: open tickets of earlier days expire. Nothing is deleted.

use chrono::{DateTime, Utc};
use giliran_core::status::{Action, TicketStatus};

use super::Store;
use crate::db::args;
use crate::error::StoreError;

impl Store {
    /// Expires every open ticket of a day before today's; returns how many.
    pub async fn expire_past_days(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let expired = TicketStatus::Waiting.apply(Action::Expire)?;
        let mut tx = self.db.begin().await?;
        let n = tx
            .execute(
                "UPDATE tickets SET status = $1, finished_at = $2 \
                 WHERE status IN ('waiting', 'called', 'skipped') AND business_day < $3",
                args![expired.as_str(), now, self.today(now)],
            )
            .await?;
        tx.commit().await?;
        Ok(n)
    }
}
