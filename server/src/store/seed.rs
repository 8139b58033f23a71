//! First start: the four polis of DESIGN §2, a counter for each, and the `admin` account.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Store;
use crate::db::args;
use crate::error::StoreError;

/// What a first start created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The database was already set up.
    AlreadySeeded,
    /// Seeded now; the admin password was generated when `generated_password` is set.
    Seeded { generated_password: Option<String> },
}

const SERVICES: [(&str, &str); 4] = [
    ("A", "Poli Umum"),
    ("B", "Poli Gigi"),
    ("C", "Poli Anak"),
    ("D", "Poli Kandungan"),
];

impl Store {
    /// Seeds an empty database once. The `seeded` marker row is inserted first, so replicas
    /// starting together seed exactly once: the others wait on it and then find it taken.
    pub async fn seed(
        &self,
        admin_password: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<SeedOutcome, StoreError> {
        let mut tx = self.db.begin().await?;
        let claimed = tx
            .execute(
                "INSERT INTO settings (key, value) VALUES ('seeded', $1) ON CONFLICT (key) DO NOTHING",
                args![now.to_rfc3339()],
            )
            .await?;
        if claimed == 0 {
            return Ok(SeedOutcome::AlreadySeeded);
        }
        for (i, (code, name)) in SERVICES.iter().enumerate() {
            let service_id = Uuid::new_v4();
            let counter_id = Uuid::new_v4();
            let number = i as i64 + 1;
            tx.execute(
                "INSERT INTO services (id, code, name, daily_quota, open, created_at) VALUES ($1, $2, $3, NULL, TRUE, $4)",
                args![service_id, *code, *name, now],
            )
            .await?;
            tx.execute(
                "INSERT INTO counters (id, number, name, paused, created_at) VALUES ($1, $2, $3, FALSE, $4)",
                args![counter_id, number, format!("Loket {number}"), now],
            )
            .await?;
            tx.execute(
                "INSERT INTO counter_services (counter_id, service_id, position) VALUES ($1, $2, 0)",
                args![counter_id, service_id],
            )
            .await?;
        }
        let generated = admin_password
            .is_none()
            .then(crate::tokens::generate_password);
        let password = admin_password.or(generated.as_deref()).unwrap_or_default();
        Store::insert_admin(&mut tx, password, now).await?;
        tx.commit().await?;
        Ok(SeedOutcome::Seeded {
            generated_password: generated,
        })
    }
}
