//! Writes what a batch's changes deferred (`db::Deferred`): their events and audit entries, just
//! before the batch commits. The batch holds the event counter's row from its start
//! (PostgreSQL: `FOR UPDATE`; SQLite: the single writer), so numbering the events here keeps
//! `seq` order the commit order, on one server or many.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Postgres, QueryBuilder, Sqlite};
use uuid::Uuid;

use super::events::NOTIFY_CHANNEL;
use crate::db::{AuditLine, Deferred, Journal};

/// A batch's rows, by log.
#[derive(Default)]
struct Logs {
    events: Vec<(DateTime<Utc>, String)>,
    audit: Vec<AuditLine>,
}

impl Logs {
    fn of(rows: Vec<Deferred>) -> Logs {
        let mut logs = Logs::default();
        for row in rows {
            match row {
                Deferred::Event { at, payload } => logs.events.push((at, payload)),
                Deferred::Audit(line) => logs.audit.push(line),
            }
        }
        logs
    }

    fn event_count(&self) -> i64 {
        i64::try_from(self.events.len()).unwrap_or(i64::MAX)
    }
}

impl Journal for Postgres {
    /// One round trip for the whole batch: the batch's connection is what every change of this
    /// server waits for.
    async fn append(conn: &mut PgConnection, rows: Vec<Deferred>) -> Result<(), sqlx::Error> {
        let logs = Logs::of(rows);
        let n = logs.event_count();
        let (event_at, payload): (Vec<_>, Vec<_>) = logs.events.into_iter().unzip();
        let mut audit = AuditColumns::default();
        for line in logs.audit {
            audit.push(line);
        }
        // Data-modifying CTEs run whether or not the final SELECT reads them; the NOTIFY (sent
        // at commit, once per batch) wakes every replica's event pump, which reads the log
        // itself rather than the payload.
        sqlx::query(
            "WITH next AS (\
               UPDATE event_counter SET last_seq = last_seq + $3 WHERE id = 1 AND $3 > 0 \
               RETURNING last_seq), \
             appended AS (\
               INSERT INTO events (seq, at, payload) \
               SELECT next.last_seq - $3 + e.n, e.at, e.payload \
               FROM next, UNNEST($1::timestamptz[], $2::text[]) WITH ORDINALITY AS e(at, payload, n) \
               RETURNING seq), \
             audited AS (\
               INSERT INTO audit_log (at, user_id, username, ip, action, target, detail) \
               SELECT a.at, a.user_id, a.username, a.ip, a.action, a.target, a.detail \
               FROM UNNEST($4::timestamptz[], $5::uuid[], $6::text[], $7::text[], $8::text[], \
                           $9::text[], $10::text[]) \
                    WITH ORDINALITY AS a(at, user_id, username, ip, action, target, detail, n) \
               ORDER BY a.n) \
             SELECT pg_notify($11, CAST(MAX(seq) AS TEXT)) FROM appended \
             HAVING COUNT(*) > 0",
        )
        .bind(event_at)
        .bind(payload)
        .bind(n)
        .bind(audit.at)
        .bind(audit.user_id)
        .bind(audit.username)
        .bind(audit.ip)
        .bind(audit.action)
        .bind(audit.target)
        .bind(audit.detail)
        .bind(NOTIFY_CHANNEL)
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// Audit entries as one array per column, for `UNNEST`.
#[derive(Default)]
struct AuditColumns {
    at: Vec<DateTime<Utc>>,
    user_id: Vec<Option<Uuid>>,
    username: Vec<Option<String>>,
    ip: Vec<Option<String>>,
    action: Vec<String>,
    target: Vec<Option<String>>,
    detail: Vec<Option<String>>,
}

impl AuditColumns {
    fn push(&mut self, line: AuditLine) {
        self.at.push(line.at);
        self.user_id.push(line.user_id);
        self.username.push(line.username);
        self.ip.push(line.ip);
        self.action.push(line.action);
        self.target.push(line.target);
        self.detail.push(line.detail);
    }
}

/// SQLite binds at most 32,766 values per statement; a batch's rows are far fewer, but a
/// statement per this many rows keeps that true whatever a batch holds.
const SQLITE_ROWS_PER_INSERT: usize = 1_000;

impl Journal for Sqlite {
    /// In the server's process a statement costs no network round trip, but each one is a
    /// hand-off to the database's thread and back: one insert per log, not one per row.
    async fn append(conn: &mut SqliteConnection, rows: Vec<Deferred>) -> Result<(), sqlx::Error> {
        let logs = Logs::of(rows);
        let n = logs.event_count();
        if n > 0 {
            let last: i64 = sqlx::query_scalar(
                "UPDATE event_counter SET last_seq = last_seq + $1 WHERE id = 1 RETURNING last_seq",
            )
            .bind(n)
            .fetch_one(&mut *conn)
            .await?;
            let numbered: Vec<_> = (last - n + 1..).zip(logs.events).collect();
            for chunk in numbered.chunks(SQLITE_ROWS_PER_INSERT) {
                QueryBuilder::<Sqlite>::new("INSERT INTO events (seq, at, payload) ")
                    .push_values(chunk, |mut row, (seq, (at, payload))| {
                        row.push_bind(*seq)
                            .push_bind(*at)
                            .push_bind(payload.as_str());
                    })
                    .build()
                    .execute(&mut *conn)
                    .await?;
            }
        }
        for chunk in logs.audit.chunks(SQLITE_ROWS_PER_INSERT) {
            QueryBuilder::<Sqlite>::new(
                "INSERT INTO audit_log (at, user_id, username, ip, action, target, detail) ",
            )
            .push_values(chunk, |mut row, line| {
                row.push_bind(line.at)
                    .push_bind(line.user_id)
                    .push_bind(line.username.as_deref())
                    .push_bind(line.ip.as_deref())
                    .push_bind(line.action.as_str())
                    .push_bind(line.target.as_deref())
                    .push_bind(line.detail.as_deref());
            })
            .build()
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}
