//! The database: SQLite (the embedded default) or PostgreSQL, picked once at start.
//!
//! Every query in `store` is written once and runs on both backends through [`Tx`] (a write
//! transaction) and the read methods of [`Db`]: the SQL is the same on both (`$1` placeholders
//! work on SQLite too), arguments travel as [`Arg`]s, and where the dialects differ the store asks
//! [`Dialect`]. This replaces sqlx's `Any` driver, which cannot carry UUIDs, dates or instants.

mod batch;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Database, Decode, FromRow, Postgres, Sqlite, Transaction, Type};
use uuid::Uuid;

pub use batch::Journal;
use batch::{Batcher, Member};

/// A row a change appends to a log, written with the rest of its batch just before the commit
/// ([`Journal`], in `store::journal`), and only if the change is kept.
#[derive(Debug, Clone)]
pub enum Deferred {
    /// An event of the log clients follow (`store::events`); its `seq` is given when written.
    Event { at: DateTime<Utc>, payload: String },
    /// An entry of the audit log (`store::audit`).
    Audit(AuditLine),
}

/// The columns of an audit log entry, as written and as read back.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditLine {
    pub at: DateTime<Utc>,
    pub user_id: Option<Uuid>,
    pub username: Option<String>,
    pub ip: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub detail: Option<String>,
}

/// A query argument of a type both backends encode. Build lists with [`args!`].
#[derive(Debug, Clone)]
pub enum Arg {
    Uuid(Option<Uuid>),
    Text(Option<String>),
    Int(Option<i64>),
    Bool(bool),
    Instant(Option<DateTime<Utc>>),
    Day(NaiveDate),
    Bytes(Vec<u8>),
}

macro_rules! arg_from {
    ($($t:ty => $variant:ident($conv:expr)),* $(,)?) => {
        $(impl From<$t> for Arg {
            fn from(v: $t) -> Arg {
                Arg::$variant($conv(v))
            }
        })*
    };
}

arg_from! {
    Uuid => Uuid(Some),
    Option<Uuid> => Uuid(std::convert::identity),
    String => Text(Some),
    &str => Text(|v: &str| Some(v.to_owned())),
    Option<String> => Text(std::convert::identity),
    Option<&str> => Text(|v: Option<&str>| v.map(str::to_owned)),
    i64 => Int(Some),
    Option<i64> => Int(std::convert::identity),
    u32 => Int(|v: u32| Some(i64::from(v))),
    Option<u32> => Int(|v: Option<u32>| v.map(i64::from)),
    bool => Bool(std::convert::identity),
    DateTime<Utc> => Instant(Some),
    Option<DateTime<Utc>> => Instant(std::convert::identity),
    NaiveDate => Day(std::convert::identity),
    Vec<u8> => Bytes(std::convert::identity),
}

/// `args![a, b]` is `vec![Arg::from(a), Arg::from(b)]`.
macro_rules! args {
    ($($value:expr),* $(,)?) => {
        vec![$($crate::db::Arg::from($value)),*]
    };
}
pub(crate) use args;

/// Binds each [`Arg`] to a query of either backend.
macro_rules! bind {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::Uuid(v) => query.bind(v),
                Arg::Text(v) => query.bind(v),
                Arg::Int(v) => query.bind(v),
                Arg::Bool(v) => query.bind(v),
                Arg::Instant(v) => query.bind(v),
                Arg::Day(v) => query.bind(v),
                Arg::Bytes(v) => query.bind(v),
            };
        }
        query
    }};
}

/// A connected, migrated database. Writes go through a [`Batcher`], which shares commits
/// between the changes that overlap in time.
#[derive(Clone)]
pub enum Db {
    /// SQLite allows one writer at a time; giving writes a pool of one connection queues them
    /// in the server instead of making them fight over the file lock.
    Sqlite {
        writer: Arc<Batcher<Sqlite>>,
        reader: SqlitePool,
    },
    Postgres {
        pool: PgPool,
        writer: Arc<Batcher<Postgres>>,
    },
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Db::Sqlite { .. } => "Db::Sqlite",
            Db::Postgres { .. } => "Db::Postgres",
        })
    }
}

/// What differs between the two SQL dialects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// How to reach the database, from `DATABASE_URL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A file path or `sqlite:` URL.
    Sqlite(String),
    Postgres(String),
}

impl DatabaseUrl {
    /// `postgres://…` and `postgresql://…` are PostgreSQL; `sqlite:…` or a plain path is SQLite.
    pub fn parse(raw: &str) -> DatabaseUrl {
        let raw = raw.trim();
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            DatabaseUrl::Postgres(raw.to_owned())
        } else if raw.starts_with("sqlite:") {
            DatabaseUrl::Sqlite(raw.to_owned())
        } else {
            DatabaseUrl::Sqlite(format!("sqlite://{raw}"))
        }
    }

    /// For logs: the URL without any password.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(url) => url.clone(),
            DatabaseUrl::Postgres(raw) => match url::Url::parse(raw) {
                Ok(mut url) => {
                    if url.password().is_some() {
                        let _ = url.set_password(Some("***"));
                    }
                    url.to_string()
                }
                Err(_) => "postgres://(unparsable URL)".to_owned(),
            },
        }
    }
}

/// Pool sizes and waits.
#[derive(Clone, Debug)]
pub struct PoolConfig {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            max_connections: 16,
            // While the database is away sqlx keeps trying to connect until this runs out, and
            // the request waits with it: a few seconds, so a patient hears "try again shortly"
            // (503 `unavailable`) rather than a request timeout. Under load, connections come
            // free in milliseconds, far below it.
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

impl Db {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &DatabaseUrl, pool: &PoolConfig) -> Result<Db, sqlx::Error> {
        let db = match url {
            DatabaseUrl::Sqlite(url) => {
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // A called patient must still be called after a power cut.
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                let writer = SqlitePoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(pool.acquire_timeout)
                    .connect_with(options.clone())
                    .await?;
                sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
                let reader = SqlitePoolOptions::new()
                    .max_connections(pool.max_connections.clamp(1, 8))
                    .acquire_timeout(pool.acquire_timeout)
                    .connect_with(options.read_only(true))
                    .await?;
                // IMMEDIATE takes the write lock up front, so a transaction that reads first
                // cannot fail later because another process took the file meanwhile.
                let writer = Batcher::new(writer, "BEGIN IMMEDIATE", None);
                Db::Sqlite { writer, reader }
            }
            DatabaseUrl::Postgres(url) => {
                let options = PgConnectOptions::from_str(url)?.application_name("giliran-server");
                let pool = PgPoolOptions::new()
                    .max_connections(pool.max_connections)
                    .acquire_timeout(pool.acquire_timeout)
                    .connect_with(options)
                    .await?;
                // Takes an advisory lock, so replicas starting together migrate once.
                sqlx::migrate!("./migrations/postgres").run(&pool).await?;
                let writer = Batcher::new(
                    pool.clone(),
                    "BEGIN",
                    Some("SELECT last_seq FROM event_counter WHERE id = 1 FOR UPDATE"),
                );
                Db::Postgres { pool, writer }
            }
        };
        Ok(db)
    }

    /// Starts a write transaction. Dropping it without [`Tx::commit`] rolls it back.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite { writer, .. } => Tx::Sqlite(Part::Write(writer.join().await?)),
            Db::Postgres { writer, .. } => Tx::Postgres(Part::Write(writer.join().await?)),
        })
    }

    /// Returns once the changes under way in this server have committed or failed: see
    /// [`Batcher::flushed`].
    pub async fn flushed(&self) {
        match self {
            Db::Sqlite { writer, .. } => writer.flushed().await,
            Db::Postgres { writer, .. } => writer.flushed().await,
        }
    }

    /// Commits of changes made by this server, and the changes they held.
    pub fn commit_counts(&self) -> (u64, u64) {
        match self {
            Db::Sqlite { writer, .. } => writer.counts(),
            Db::Postgres { writer, .. } => writer.counts(),
        }
    }

    /// Starts a read-only transaction that sees one consistent state throughout.
    pub async fn begin_read(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            // In WAL mode a read transaction keeps the snapshot of its first read.
            Db::Sqlite { reader, .. } => Tx::Sqlite(Part::Read(reader.begin().await?)),
            Db::Postgres { pool, .. } => Tx::Postgres(Part::Read(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            )),
        })
    }

    pub async fn fetch_optional<R: RowOfBoth>(
        &self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<Option<R>, sqlx::Error> {
        match self {
            Db::Sqlite { reader, .. } => {
                bind!(sqlx::query_as::<_, R>(sql), args)
                    .fetch_optional(reader)
                    .await
            }
            Db::Postgres { pool, .. } => {
                bind!(sqlx::query_as::<_, R>(sql), args)
                    .fetch_optional(pool)
                    .await
            }
        }
    }

    pub async fn fetch_all<R: RowOfBoth>(
        &self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<Vec<R>, sqlx::Error> {
        match self {
            Db::Sqlite { reader, .. } => {
                bind!(sqlx::query_as::<_, R>(sql), args)
                    .fetch_all(reader)
                    .await
            }
            Db::Postgres { pool, .. } => {
                bind!(sqlx::query_as::<_, R>(sql), args)
                    .fetch_all(pool)
                    .await
            }
        }
    }

    pub async fn scalar<T: ScalarOfBoth>(
        &self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<T, sqlx::Error> {
        match self {
            Db::Sqlite { reader, .. } => {
                bind!(sqlx::query_scalar::<_, T>(sql), args)
                    .fetch_one(reader)
                    .await
            }
            Db::Postgres { pool, .. } => {
                bind!(sqlx::query_scalar::<_, T>(sql), args)
                    .fetch_one(pool)
                    .await
            }
        }
    }

    pub async fn scalar_optional<T: ScalarOfBoth>(
        &self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<Option<T>, sqlx::Error> {
        match self {
            Db::Sqlite { reader, .. } => {
                bind!(sqlx::query_scalar::<_, T>(sql), args)
                    .fetch_optional(reader)
                    .await
            }
            Db::Postgres { pool, .. } => {
                bind!(sqlx::query_scalar::<_, T>(sql), args)
                    .fetch_optional(pool)
                    .await
            }
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite { .. } => Dialect::Sqlite,
            Db::Postgres { .. } => Dialect::Postgres,
        }
    }

    /// Answers when the database does: for `/healthz`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        let one: i64 = self.scalar("SELECT CAST(1 AS BIGINT)", args![]).await?;
        debug_assert_eq!(one, 1);
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { writer, reader } => {
                reader.close().await;
                writer.close().await;
            }
            Db::Postgres { pool, .. } => pool.close().await,
        }
    }
}

impl Dialect {
    /// The statement written for this backend, where the two differ: row locks that SQLite's
    /// single writer makes unnecessary, or SQL that only one of them has (`LATERAL`, date
    /// functions).
    pub fn pick(self, postgres: &'static str, sqlite: &'static str) -> &'static str {
        match self {
            Dialect::Postgres => postgres,
            Dialect::Sqlite => sqlite,
        }
    }
}

/// A transaction on either backend.
pub enum Tx {
    Sqlite(Part<Sqlite>),
    Postgres(Part<Postgres>),
}

/// A read-only transaction of its own, or a change in a shared write transaction.
pub enum Part<D: Database> {
    Read(Transaction<'static, D>),
    Write(Member<D>),
}

impl<D> Part<D>
where
    D: Journal,
    for<'c> &'c mut D::Connection: sqlx::Executor<'c, Database = D>,
{
    fn conn(&mut self) -> &mut D::Connection {
        match self {
            Part::Read(tx) => tx,
            Part::Write(member) => member.conn(),
        }
    }

    async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Part::Read(tx) => tx.commit().await,
            Part::Write(member) => member.commit().await,
        }
    }
}

impl Tx {
    pub fn dialect(&self) -> Dialect {
        match self {
            Tx::Sqlite(_) => Dialect::Sqlite,
            Tx::Postgres(_) => Dialect::Postgres,
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }

    /// Writes `row` when this change commits: see [`Deferred`]. Only a change can.
    pub fn defer(&mut self, row: Deferred) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(Part::Write(member)) => member.defer(row),
            Tx::Postgres(Part::Write(member)) => member.defer(row),
            Tx::Sqlite(Part::Read(_)) | Tx::Postgres(Part::Read(_)) => {
                return Err(sqlx::Error::Protocol(
                    "a read-only transaction cannot append to a log".into(),
                ));
            }
        }
        Ok(())
    }

    pub async fn fetch_optional<R: RowOfBoth>(
        &mut self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<Option<R>, sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => {
                bind!(sqlx::query_as::<_, R>(sql), args)
                    .fetch_optional(tx.conn())
                    .await
            }
            Tx::Postgres(tx) => {
                bind!(sqlx::query_as::<_, R>(sql), args)
                    .fetch_optional(tx.conn())
                    .await
            }
        }
    }

    pub async fn fetch_all<R: RowOfBoth>(
        &mut self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<Vec<R>, sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => {
                bind!(sqlx::query_as::<_, R>(sql), args)
                    .fetch_all(tx.conn())
                    .await
            }
            Tx::Postgres(tx) => {
                bind!(sqlx::query_as::<_, R>(sql), args)
                    .fetch_all(tx.conn())
                    .await
            }
        }
    }

    pub async fn scalar<T: ScalarOfBoth>(
        &mut self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<T, sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => {
                bind!(sqlx::query_scalar::<_, T>(sql), args)
                    .fetch_one(tx.conn())
                    .await
            }
            Tx::Postgres(tx) => {
                bind!(sqlx::query_scalar::<_, T>(sql), args)
                    .fetch_one(tx.conn())
                    .await
            }
        }
    }

    pub async fn scalar_optional<T: ScalarOfBoth>(
        &mut self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<Option<T>, sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => {
                bind!(sqlx::query_scalar::<_, T>(sql), args)
                    .fetch_optional(tx.conn())
                    .await
            }
            Tx::Postgres(tx) => {
                bind!(sqlx::query_scalar::<_, T>(sql), args)
                    .fetch_optional(tx.conn())
                    .await
            }
        }
    }

    /// Runs a statement; returns how many rows it changed.
    pub async fn execute(&mut self, sql: &'static str, args: Vec<Arg>) -> Result<u64, sqlx::Error> {
        Ok(match self {
            Tx::Sqlite(tx) => bind!(sqlx::query(sql), args)
                .execute(tx.conn())
                .await?
                .rows_affected(),
            Tx::Postgres(tx) => bind!(sqlx::query(sql), args)
                .execute(tx.conn())
                .await?
                .rows_affected(),
        })
    }
}

/// A row type both backends can decode (`#[derive(sqlx::FromRow)]` gives both).
pub trait RowOfBoth:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> RowOfBoth for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A single value both backends can decode.
pub trait ScalarOfBoth:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> ScalarOfBoth for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_pick_the_backend() {
        assert_eq!(
            DatabaseUrl::parse("giliran.db"),
            DatabaseUrl::Sqlite("sqlite://giliran.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/giliran/q.db"),
            DatabaseUrl::Sqlite("sqlite:///var/lib/giliran/q.db".into())
        );
        assert!(matches!(
            DatabaseUrl::parse("postgresql://u@h/db"),
            DatabaseUrl::Postgres(_)
        ));
    }

    #[test]
    fn passwords_stay_out_of_logs() {
        let url = DatabaseUrl::parse("postgres://giliran:s3cret@db.local:5432/giliran");
        assert_eq!(
            url.redacted(),
            "postgres://giliran:***@db.local:5432/giliran"
        );
        let url = DatabaseUrl::parse("postgres://giliran@db.local/giliran");
        assert_eq!(url.redacted(), "postgres://giliran@db.local/giliran");
    }
}
