//! Counters (loket, ruang periksa): where patients are called to, and the services each calls
//! from in order of preference.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use giliran_core::events::Event;
use giliran_core::wire::{Counter, CounterUpdate, NewCounter};
use serde_json::json;
use uuid::Uuid;

use super::audit::{Actor, Audit};
use super::events::emit;
use super::{Store, count, tidy_label};
use crate::db::{Tx, args};
use crate::error::{Entity, StoreError};

#[derive(sqlx::FromRow)]
struct CounterRow {
    id: Uuid,
    number: i64,
    name: String,
    paused: bool,
}

#[derive(sqlx::FromRow)]
struct CounterService {
    counter_id: Uuid,
    service_id: Uuid,
}

/// Longest name, in characters.
const MAX_NAME_CHARS: usize = 60;

fn check_name(name: &str) -> Result<String, StoreError> {
    tidy_label("name", name, MAX_NAME_CHARS)
}

impl Store {
    /// All counters by number, each with its services in order of preference.
    pub async fn counters(&self) -> Result<Vec<Counter>, StoreError> {
        let rows: Vec<CounterRow> = self
            .db
            .fetch_all(
                "SELECT id, number, name, paused FROM counters ORDER BY number",
                args![],
            )
            .await?;
        let links: Vec<CounterService> = self
            .db
            .fetch_all(
                "SELECT counter_id, service_id FROM counter_services ORDER BY counter_id, position",
                args![],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| Counter {
                service_ids: links
                    .iter()
                    .filter(|l| l.counter_id == row.id)
                    .map(|l| l.service_id)
                    .collect(),
                id: row.id,
                number: count(row.number),
                name: row.name,
                paused: row.paused,
            })
            .collect())
    }

    pub async fn counter(&self, id: Uuid) -> Result<Counter, StoreError> {
        let mut tx = self.db.begin_read().await?;
        let counter = load_counter(&mut tx, id).await?;
        tx.commit().await?;
        Ok(counter)
    }

    pub async fn create_counter(
        &self,
        new: &NewCounter,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Counter, StoreError> {
        let name = check_name(&new.name)?;
        if new.number == 0 {
            return Err(StoreError::Invalid {
                field: "number",
                message: "counter numbers start at 1".into(),
            });
        }
        let id = Uuid::new_v4();
        let mut tx = self.db.begin().await?;
        tx.execute(
            "INSERT INTO counters (id, number, name, paused, created_at) VALUES ($1, $2, $3, FALSE, $4)",
            args![id, new.number, name, now],
        )
        .await
        .map_err(|e| StoreError::unique_as(e, "a counter with this number"))?;
        set_services(&mut tx, id, &new.service_ids).await?;
        let audit = Audit::new(actor, "create_counter").detail(json!(new));
        self.commit_counter(tx, id, audit, now).await
    }

    pub async fn update_counter(
        &self,
        id: Uuid,
        update: &CounterUpdate,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Counter, StoreError> {
        self.change_counter(id, update, Audit::new(actor, "update_counter"), now)
            .await
    }

    async fn change_counter(
        &self,
        id: Uuid,
        update: &CounterUpdate,
        audit: Audit<'_>,
        now: DateTime<Utc>,
    ) -> Result<Counter, StoreError> {
        let name = update.name.as_deref().map(check_name).transpose()?;
        let mut tx = self.db.begin().await?;
        let exists: Option<i64> = tx
            .scalar_optional("SELECT number FROM counters WHERE id = $1", args![id])
            .await?;
        exists.ok_or(StoreError::NotFound(Entity::Counter))?;
        if let Some(name) = name {
            tx.execute(
                "UPDATE counters SET name = $1 WHERE id = $2",
                args![name, id],
            )
            .await?;
        }
        if let Some(paused) = update.paused {
            tx.execute(
                "UPDATE counters SET paused = $1 WHERE id = $2",
                args![paused, id],
            )
            .await?;
        }
        if let Some(services) = &update.service_ids {
            tx.execute(
                "DELETE FROM counter_services WHERE counter_id = $1",
                args![id],
            )
            .await?;
            set_services(&mut tx, id, services).await?;
        }
        self.commit_counter(tx, id, audit.detail(json!(update)), now)
            .await
    }

    /// Writes the counter's event and audit entry, and commits.
    async fn commit_counter(
        &self,
        mut tx: Tx,
        id: Uuid,
        audit: Audit<'_>,
        now: DateTime<Utc>,
    ) -> Result<Counter, StoreError> {
        let counter = load_counter(&mut tx, id).await?;
        audit
            .target(format!("{} {}", counter.number, counter.name))
            .record(&mut tx, now)?;
        emit(
            &mut tx,
            &Event::CounterChanged {
                counter: counter.clone(),
            },
            now,
        )?;
        self.commit(tx).await?;
        Ok(counter)
    }

    /// Pauses or resumes calling at a counter.
    pub async fn set_paused(
        &self,
        id: Uuid,
        paused: bool,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Counter, StoreError> {
        self.change_counter(
            id,
            &CounterUpdate {
                paused: Some(paused),
                ..CounterUpdate::default()
            },
            Audit::new(actor, if paused { "pause" } else { "resume" }),
            now,
        )
        .await
    }
}

/// A counter with its services, read in `tx`.
async fn load_counter(tx: &mut Tx, id: Uuid) -> Result<Counter, StoreError> {
    let row: CounterRow = tx
        .fetch_optional(
            "SELECT id, number, name, paused FROM counters WHERE id = $1",
            args![id],
        )
        .await?
        .ok_or(StoreError::NotFound(Entity::Counter))?;
    let links: Vec<CounterService> = tx
        .fetch_all(
            "SELECT counter_id, service_id FROM counter_services WHERE counter_id = $1 ORDER BY position",
            args![id],
        )
        .await?;
    Ok(Counter {
        id: row.id,
        number: count(row.number),
        name: row.name,
        paused: row.paused,
        service_ids: links.into_iter().map(|l| l.service_id).collect(),
    })
}

/// Links a counter to its services in the given order; every id must exist and appear once.
async fn set_services(
    tx: &mut Tx,
    counter_id: Uuid,
    service_ids: &[Uuid],
) -> Result<(), StoreError> {
    let mut seen = HashSet::new();
    if let Some(dup) = service_ids.iter().find(|id| !seen.insert(**id)) {
        return Err(StoreError::Invalid {
            field: "service_ids",
            message: format!("service {dup} is listed twice"),
        });
    }
    for (position, service_id) in service_ids.iter().enumerate() {
        let exists: Option<String> = tx
            .scalar_optional(
                "SELECT code FROM services WHERE id = $1",
                args![*service_id],
            )
            .await?;
        exists.ok_or(StoreError::NotFound(Entity::Service))?;
        tx.execute(
            "INSERT INTO counter_services (counter_id, service_id, position) VALUES ($1, $2, $3)",
            args![counter_id, *service_id, position as i64],
        )
        .await?;
    }
    Ok(())
}
