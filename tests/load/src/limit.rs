//! The machine's own limit: how many single-row insert transactions a second the database takes
//! on this machine, with the server's durability settings. Every throughput figure of a run is
//! also given as a share of it, so numbers from different machines can be compared.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::pg::is_postgres_url;

/// Single-row insert transactions a second on the database of `database_url`, from `clients`
/// concurrent clients for `duration`.
///
/// PostgreSQL: a scratch table in the same database, dropped afterwards, with the server's
/// settings as they are (the server changes none). SQLite: a scratch file beside the database
/// (the same disk) opened as the server opens its own: WAL, `synchronous = FULL`, one writer
/// connection, `BEGIN IMMEDIATE`.
pub async fn insert_limit(
    database_url: &str,
    clients: usize,
    duration: Duration,
) -> anyhow::Result<f64> {
    let clients = clients.max(1);
    if is_postgres_url(database_url) {
        postgres(database_url, clients, duration).await
    } else {
        sqlite(Path::new(database_url), clients, duration).await
    }
}

const TABLE: &str = "CREATE TABLE IF NOT EXISTS giliran_insert_limit \
     (id BIGINT PRIMARY KEY, at TIMESTAMPTZ NOT NULL, payload TEXT NOT NULL)";
const INSERT: &str = "INSERT INTO giliran_insert_limit (id, at, payload) VALUES ($1, $2, $3)";
/// About the size of a ticket row.
const PAYLOAD: &str = "Nomor antrean A-123, Poli Umum, Loket 2, Budi Santoso, 081234567890";

/// Runs `insert(id)` from `clients` concurrent tasks until `duration` has passed, each id once;
/// returns the inserts a second.
async fn inserts_per_second<F, Fut>(
    clients: usize,
    duration: Duration,
    insert: F,
) -> anyhow::Result<f64>
where
    F: Fn(i64) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let next = Arc::new(AtomicI64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (insert, next) = (insert.clone(), Arc::clone(&next));
        workers.spawn(async move {
            let mut done = 0u64;
            while Instant::now() < deadline {
                insert(next.fetch_add(1, Ordering::Relaxed)).await?;
                done += 1;
            }
            anyhow::Ok(done)
        });
    }
    let mut total = 0;
    while let Some(done) = workers.join_next().await {
        total += done??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

async fn postgres(url: &str, clients: usize, duration: Duration) -> anyhow::Result<f64> {
    let options = PgConnectOptions::from_str(url)?.application_name("giliran-load-limit");
    let pool = PgPoolOptions::new()
        .max_connections(u32::try_from(clients).unwrap_or(u32::MAX))
        .min_connections(u32::try_from(clients).unwrap_or(u32::MAX))
        .connect_with(options)
        .await
        .context("connecting to PostgreSQL for the insert limit")?;
    sqlx::query("DROP TABLE IF EXISTS giliran_insert_limit")
        .execute(&pool)
        .await?;
    sqlx::query(TABLE).execute(&pool).await?;
    let inserter = pool.clone();
    let rate = inserts_per_second(clients, duration, move |id| {
        let pool = inserter.clone();
        async move {
            // Outside a transaction block each statement is its own transaction.
            sqlx::query(INSERT)
                .bind(id)
                .bind(chrono::Utc::now())
                .bind(PAYLOAD)
                .execute(&pool)
                .await?;
            Ok(())
        }
    })
    .await?;
    sqlx::query("DROP TABLE giliran_insert_limit")
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(rate)
}

async fn sqlite(database: &Path, clients: usize, duration: Duration) -> anyhow::Result<f64> {
    let dir = database
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let scratch = tempfile::Builder::new()
        .prefix(".giliran-insert-limit-")
        .suffix(".db")
        .tempfile_in(dir)
        .with_context(|| format!("a scratch file in {}", dir.display()))?;
    let options = SqliteConnectOptions::new()
        .filename(scratch.path())
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10));
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .context("opening the SQLite scratch file for the insert limit")?;
    sqlx::query(TABLE).execute(&writer).await?;
    let inserter = writer.clone();
    let rate = inserts_per_second(clients, duration, move |id| {
        let writer = inserter.clone();
        async move {
            let mut tx = writer.begin_with("BEGIN IMMEDIATE").await?;
            sqlx::query(INSERT)
                .bind(id)
                .bind(chrono::Utc::now())
                .bind(PAYLOAD)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        }
    })
    .await?;
    writer.close().await;
    // The WAL and shared-memory files go with the database.
    for suffix in ["-wal", "-shm"] {
        let mut path = scratch.path().as_os_str().to_owned();
        path.push(suffix);
        let _ = std::fs::remove_file(path);
    }
    Ok(rate)
}
