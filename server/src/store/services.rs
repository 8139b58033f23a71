//! Services (layanan, poli): what patients queue for.

use chrono::{DateTime, NaiveTime, Utc};
use giliran_core::ServiceCode;
use giliran_core::events::Event;
use giliran_core::opening_hours::OpeningHours;
use giliran_core::visit::{Station, check_route};
use giliran_core::wire::{NewService, Service, ServiceUpdate};
use serde_json::json;
use uuid::Uuid;

use super::audit::{Actor, Audit};
use super::events::emit;
use super::{Store, count, tidy_label};
use crate::db::{Tx, args};
use crate::error::{Entity, StoreError};

#[derive(sqlx::FromRow)]
struct ServiceRow {
    id: Uuid,
    code: String,
    name: String,
    open: bool,
    daily_quota: Option<i64>,
    waiting: i64,
    issued: Option<i64>,
    opens_at: Option<String>,
    closes_at: Option<String>,
    #[sqlx(try_from = "String")]
    station: Station,
    next_service_id: Option<Uuid>,
}

#[derive(sqlx::FromRow)]
struct Route {
    id: Uuid,
    next_service_id: Option<Uuid>,
}

impl ServiceRow {
    /// The service as of `local`, the hospital's clock, which decides whether it takes tickets.
    fn into_service(self, local: NaiveTime) -> Service {
        let daily_quota = self.daily_quota.map(count);
        let hours = stored_hours(self.opens_at.as_deref(), self.closes_at.as_deref());
        Service {
            id: self.id,
            code: self.code,
            name: self.name,
            open: self.open,
            daily_quota,
            waiting: count(self.waiting),
            quota_left: daily_quota.map(|q| q.saturating_sub(count(self.issued.unwrap_or(0)))),
            accepting: self.open && hours.is_none_or(|h| h.contains(local)),
            opens_at: hours.map(|h| h.opens()),
            closes_at: hours.map(|h| h.closes()),
            station: self.station,
            next_service_id: self.next_service_id,
        }
    }
}

macro_rules! service_select {
    () => {
        "SELECT s.id, s.code, s.name, s.open, s.daily_quota, s.opens_at, s.closes_at, s.station, \
           s.next_service_id, \
           (SELECT COUNT(*) FROM tickets t \
              WHERE t.service_id = s.id AND t.business_day = $1 AND t.status = 'waiting') AS waiting, \
           (SELECT ds.last_sequence - ds.number_base FROM daily_sequences ds \
              WHERE ds.service_id = s.id AND ds.business_day = $1) AS issued \
         FROM services s "
    };
}

/// Hours as stored; the store only ever writes a valid pair, so anything else reads as none.
pub(super) fn stored_hours(opens: Option<&str>, closes: Option<&str>) -> Option<OpeningHours> {
    OpeningHours::parse(opens, closes).ok().flatten()
}

fn check_hours(
    opens: Option<&str>,
    closes: Option<&str>,
) -> Result<Option<OpeningHours>, StoreError> {
    OpeningHours::parse(opens, closes).map_err(|e| StoreError::Invalid {
        field: e.field(),
        message: e.to_string(),
    })
}

/// Longest name, in characters.
const MAX_NAME_CHARS: usize = 80;

fn check_name(name: &str) -> Result<String, StoreError> {
    tidy_label("name", name, MAX_NAME_CHARS)
}

/// Largest daily quota: far above any poli's day, small enough for every client's integers.
pub const MAX_DAILY_QUOTA: u32 = 100_000;

/// A quota of 0 means none.
fn check_quota(quota: u32) -> Result<Option<u32>, StoreError> {
    if quota > MAX_DAILY_QUOTA {
        return Err(StoreError::Invalid {
            field: "daily_quota",
            message: format!("daily_quota must be at most {MAX_DAILY_QUOTA} (0 for no quota)"),
        });
    }
    Ok((quota > 0).then_some(quota))
}

/// Refuses a next station that does not exist or would make visits go round in circles.
async fn check_next_station(tx: &mut Tx, service: Uuid, next: Uuid) -> Result<(), StoreError> {
    let routes: Vec<Route> = tx
        .fetch_all("SELECT id, next_service_id FROM services", args![])
        .await?;
    if !routes.iter().any(|r| r.id == next) {
        return Err(StoreError::Invalid {
            field: "next_service_id",
            message: "no such service".into(),
        });
    }
    let next_of = |s: Uuid| {
        routes
            .iter()
            .find(|r| r.id == s)
            .and_then(|r| r.next_service_id)
    };
    check_route(service, next, next_of).map_err(|e| StoreError::Invalid {
        field: "next_service_id",
        message: e.to_string(),
    })
}

impl Store {
    /// Every service with today's waiting count and quota left, by code.
    pub async fn services(&self, now: DateTime<Utc>) -> Result<Vec<Service>, StoreError> {
        let rows: Vec<ServiceRow> = self
            .db
            .fetch_all(
                concat!(service_select!(), "ORDER BY s.code"),
                args![self.today(now)],
            )
            .await?;
        let local = self.local_time(now);
        Ok(rows.into_iter().map(|r| r.into_service(local)).collect())
    }

    pub async fn service(&self, id: Uuid, now: DateTime<Utc>) -> Result<Service, StoreError> {
        let mut tx = self.db.begin_read().await?;
        let service = self.load_service(&mut tx, id, now).await?;
        tx.commit().await?;
        Ok(service)
    }

    async fn load_service(
        &self,
        tx: &mut Tx,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Service, StoreError> {
        let row: Option<ServiceRow> = tx
            .fetch_optional(
                concat!(service_select!(), "WHERE s.id = $2"),
                args![self.today(now), id],
            )
            .await?;
        row.map(|r| r.into_service(self.local_time(now)))
            .ok_or(StoreError::NotFound(Entity::Service))
    }

    /// Writes the service's event and audit entry, and commits.
    async fn commit_service(
        &self,
        mut tx: Tx,
        id: Uuid,
        audit: Audit<'_>,
        now: DateTime<Utc>,
    ) -> Result<Service, StoreError> {
        let service = self.load_service(&mut tx, id, now).await?;
        audit
            .target(format!("{} {}", service.code, service.name))
            .record(&mut tx, now)?;
        emit(
            &mut tx,
            &Event::ServiceChanged {
                service: service.clone(),
            },
            now,
        )?;
        self.commit(tx).await?;
        Ok(service)
    }

    pub async fn create_service(
        &self,
        new: &NewService,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Service, StoreError> {
        let code = ServiceCode::parse(&new.code).map_err(|e| StoreError::Invalid {
            field: "code",
            message: e.to_string(),
        })?;
        let name = check_name(&new.name)?;
        let quota = check_quota(new.daily_quota.unwrap_or(0))?;
        let hours = check_hours(new.opens_at.as_deref(), new.closes_at.as_deref())?;
        let id = Uuid::new_v4();
        let mut tx = self.db.begin().await?;
        if let Some(next) = new.next_service_id {
            check_next_station(&mut tx, id, next).await?;
        }
        tx.execute(
            "INSERT INTO services (id, code, name, daily_quota, open, opens_at, closes_at, created_at, \
               station, next_service_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            args![
                id,
                code.as_str(),
                name,
                quota,
                new.open,
                hours.map(|h| h.opens()),
                hours.map(|h| h.closes()),
                now,
                new.station.as_str(),
                new.next_service_id
            ],
        )
        .await
        .map_err(|e| StoreError::unique_as(e, "a service with this code"))?;
        let audit = Audit::new(actor, "create_service").detail(json!(new));
        self.commit_service(tx, id, audit, now).await
    }

    pub async fn update_service(
        &self,
        id: Uuid,
        update: &ServiceUpdate,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Service, StoreError> {
        let name = update.name.as_deref().map(check_name).transpose()?;
        let quota = update.daily_quota.map(check_quota).transpose()?;
        let mut tx = self.db.begin().await?;
        let exists: Option<String> = tx
            .scalar_optional("SELECT code FROM services WHERE id = $1", args![id])
            .await?;
        exists.ok_or(StoreError::NotFound(Entity::Service))?;
        if let Some(name) = name {
            tx.execute(
                "UPDATE services SET name = $1 WHERE id = $2",
                args![name, id],
            )
            .await?;
        }
        if let Some(quota) = quota {
            tx.execute(
                "UPDATE services SET daily_quota = $1 WHERE id = $2",
                args![quota, id],
            )
            .await?;
        }
        if let Some(open) = update.open {
            tx.execute(
                "UPDATE services SET open = $1 WHERE id = $2",
                args![open, id],
            )
            .await?;
        }
        if update.opens_at.is_some() || update.closes_at.is_some() {
            // One end may change alone; the pair it makes with the stored other end must hold.
            let (opens, closes): (Option<String>, Option<String>) = tx
                .fetch_optional(
                    "SELECT opens_at, closes_at FROM services WHERE id = $1",
                    args![id],
                )
                .await?
                .unwrap_or_default();
            let hours = check_hours(
                update.opens_at.as_deref().or(opens.as_deref()),
                update.closes_at.as_deref().or(closes.as_deref()),
            )?;
            tx.execute(
                "UPDATE services SET opens_at = $1, closes_at = $2 WHERE id = $3",
                args![hours.map(|h| h.opens()), hours.map(|h| h.closes()), id],
            )
            .await?;
        }
        if let Some(station) = update.station {
            tx.execute(
                "UPDATE services SET station = $1 WHERE id = $2",
                args![station.as_str(), id],
            )
            .await?;
        }
        if let Some(next) = update.next_service_id {
            if let Some(next) = next {
                check_next_station(&mut tx, id, next).await?;
            }
            tx.execute(
                "UPDATE services SET next_service_id = $1 WHERE id = $2",
                args![next, id],
            )
            .await?;
        }
        let audit = Audit::new(actor, "update_service").detail(json!(update));
        self.commit_service(tx, id, audit, now).await
    }
}
