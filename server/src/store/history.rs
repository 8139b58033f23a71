//! The admin's ticket history: every ticket of a range of business days, filtered, newest
//! first, with its service, counter, patient and times — for the listing and for its export.

use chrono::{DateTime, NaiveDate, Utc};
use giliran_core::NumberSearch;
use giliran_core::call_order::Priority;
use giliran_core::status::TicketStatus;
use giliran_core::wire::{HistoryEntry, HistoryPage};
use uuid::Uuid;

use super::{Store, count};
use crate::db::{Arg, args};
use crate::error::StoreError;

/// Which tickets to show. Ids that name nothing simply match nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryFilter {
    /// First business day, inclusive.
    pub from: NaiveDate,
    /// Last business day, inclusive.
    pub to: NaiveDate,
    pub service_id: Option<Uuid>,
    pub counter_id: Option<Uuid>,
    /// The status as of now, as [`HistoryEntry::status`] shows it.
    pub status: Option<TicketStatus>,
    pub number: Option<NumberSearch>,
}

/// The columns of an entry; `WHERE` and `ORDER BY` follow.
macro_rules! history_select {
    () => {
        "SELECT t.id, t.number, t.business_day, t.service_id, s.code AS service_code, \
         s.name AS service_name, t.counter_id, c.name AS counter_name, t.status, t.priority, \
         t.name, t.phone, t.issued_at, t.called_at, t.finished_at, t.recalls \
         FROM tickets t JOIN services s ON s.id = t.service_id \
         LEFT JOIN counters c ON c.id = t.counter_id "
    };
}

/// The filter, with the arguments of [`HistoryFilter::args`]. `$8` is today: an open ticket of an
/// earlier day is expired whether or not the day's end has written it yet, as
/// `TicketStatus::as_of` says.
macro_rules! history_where {
    () => {
        "WHERE t.business_day >= $1 AND t.business_day <= $2 \
           AND ($3 IS NULL OR t.service_id = $3) \
           AND ($4 IS NULL OR t.counter_id = $4) \
           AND ($5 IS NULL OR $5 = CASE WHEN t.business_day < $8 \
                 AND t.status IN ('waiting', 'called', 'skipped') THEN 'expired' \
                 ELSE t.status END) \
           AND ($6 IS NULL OR t.number = $6) \
           AND ($7 IS NULL OR t.sequence = $7) "
    };
}

/// Newest first; tickets of the same instant by number, then by id so paging is stable.
macro_rules! history_order {
    () => {
        "ORDER BY t.issued_at DESC, t.sequence DESC, t.id "
    };
}

const PAGE: &str = concat!(
    history_select!(),
    history_where!(),
    history_order!(),
    "LIMIT $9 OFFSET $10"
);
const ALL: &str = concat!(
    history_select!(),
    history_where!(),
    history_order!(),
    "LIMIT $9"
);
const COUNT: &str = concat!("SELECT COUNT(*) FROM tickets t ", history_where!());

impl HistoryFilter {
    /// `$1` to `$8` of [`history_where!`].
    fn args(&self, today: NaiveDate) -> Vec<Arg> {
        let (exact, sequence) = match &self.number {
            Some(NumberSearch::Exact(number)) => (Some(number.clone()), None),
            Some(NumberSearch::Sequence(sequence)) => (None, Some(*sequence)),
            None => (None, None),
        };
        args![
            self.from,
            self.to,
            self.service_id,
            self.counter_id,
            self.status.map(TicketStatus::as_str),
            exact,
            sequence,
            today
        ]
    }
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    id: Uuid,
    number: String,
    business_day: NaiveDate,
    service_id: Uuid,
    service_code: String,
    service_name: String,
    counter_id: Option<Uuid>,
    counter_name: Option<String>,
    #[sqlx(try_from = "String")]
    status: TicketStatus,
    #[sqlx(try_from = "String")]
    priority: Priority,
    name: Option<String>,
    phone: Option<String>,
    issued_at: DateTime<Utc>,
    called_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    recalls: i64,
}

impl HistoryRow {
    fn into_entry(self, today: NaiveDate) -> HistoryEntry {
        let status = self.status.as_of(self.business_day, today);
        let wait_seconds = self.called_at.map(|called| seconds(self.issued_at, called));
        let service_seconds = match (status, self.called_at, self.finished_at) {
            (TicketStatus::Done, Some(called), Some(finished)) => Some(seconds(called, finished)),
            _ => None,
        };
        HistoryEntry {
            id: self.id,
            number: self.number,
            business_day: self.business_day,
            service_id: self.service_id,
            service_code: self.service_code,
            service_name: self.service_name,
            counter_id: self.counter_id,
            counter_name: self.counter_name,
            status,
            priority: self.priority,
            name: self.name,
            phone: self.phone,
            issued_at: self.issued_at,
            called_at: self.called_at,
            finished_at: self.finished_at,
            recalls: count(self.recalls),
            wait_seconds,
            service_seconds,
        }
    }
}

/// Whole seconds from `start` to `end`; never negative, even if replicas' clocks disagreed.
fn seconds(start: DateTime<Utc>, end: DateTime<Utc>) -> u32 {
    count((end - start).num_seconds())
}

impl Store {
    /// Page `page` (from 1) of the matching tickets, and how many match in all. Both are read
    /// from one snapshot, so the total agrees with the pages.
    pub async fn history_page(
        &self,
        filter: &HistoryFilter,
        page: u32,
        per_page: u32,
        now: DateTime<Utc>,
    ) -> Result<HistoryPage, StoreError> {
        let today = self.today(now);
        let offset = i64::from(page.saturating_sub(1)) * i64::from(per_page);
        let mut tx = self.db.begin_read().await?;
        let total: i64 = tx.scalar(COUNT, filter.args(today)).await?;
        let mut page_args = filter.args(today);
        page_args.extend(args![per_page, offset]);
        let rows: Vec<HistoryRow> = tx.fetch_all(PAGE, page_args).await?;
        // Ends the read; a read-only transaction has nothing to write.
        tx.commit().await?;
        Ok(HistoryPage {
            items: rows.into_iter().map(|r| r.into_entry(today)).collect(),
            total: count(total),
            page,
            per_page,
        })
    }

    /// Every matching ticket, for an export; refused when more than `max` match, rather than
    /// building a file nobody can open or silently cutting it short.
    pub async fn history_all(
        &self,
        filter: &HistoryFilter,
        max: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        let today = self.today(now);
        let mut all_args = filter.args(today);
        all_args.extend(args![i64::from(max) + 1]);
        let rows: Vec<HistoryRow> = self.db.fetch_all(ALL, all_args).await?;
        if rows.len() > max as usize {
            return Err(StoreError::Invalid {
                field: "to",
                message: format!(
                    "more than {max} tickets match; export a shorter range of days, or one \
                     service, counter or status at a time"
                ),
            });
        }
        Ok(rows.into_iter().map(|r| r.into_entry(today)).collect())
    }
}
