//! The apps' own small database (rusqlite): the patient's tickets with their tracking tokens
//! and last known state, so the app opens offline showing the ticket, and the staff's last
//! counter. It lives in the app's private storage. A file that is corrupt, belongs to something
//! else, or was written by a newer app is moved aside and a fresh one made: the app never
//! crashes on its own database.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::wire::Ticket;

/// Marks a SQLite file as ours (`PRAGMA application_id`): "GILI".
const APPLICATION_ID: i32 = 0x4749_4C49;

/// Each step brings the schema from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &["CREATE TABLE tickets (
        id             TEXT PRIMARY KEY,
        server         TEXT NOT NULL,
        tracking_token TEXT NOT NULL,
        ticket         TEXT NOT NULL,
        taken_at       TEXT NOT NULL,
        updated_at     TEXT NOT NULL
    );
    CREATE TABLE preferences (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );"];

/// What the store can fail with. Opening never fails on a bad file (it is set aside); these
/// are for a disk that cannot be written at all.
#[derive(Debug, thiserror::Error)]
pub enum LocalStoreError {
    #[error("local database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("moving the unreadable local database aside: {0}")]
    Io(#[from] std::io::Error),
    #[error("a stored ticket could not be read: {0}")]
    Json(#[from] serde_json::Error),
}

/// A ticket the patient took on this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedTicket {
    /// The server it was taken from (its base URL).
    pub server: String,
    pub tracking_token: String,
    /// As last heard from the server.
    pub ticket: Ticket,
    pub taken_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The device's database.
#[derive(Debug)]
pub struct LocalStore {
    conn: Mutex<Connection>,
    /// Where an unusable earlier file was moved, when that happened at this open.
    pub set_aside: Option<PathBuf>,
}

impl LocalStore {
    /// Opens (or creates) the store at `path`. An unusable file is renamed to
    /// `<path>.unreadable-<unix seconds>` and a new store created in its place.
    pub fn open(path: &Path) -> Result<LocalStore, LocalStoreError> {
        match Self::try_open(path) {
            Ok(conn) => Ok(LocalStore::with(conn, None)),
            Err(_) => {
                let aside = set_aside(path)?;
                let conn = Self::try_open(path)?;
                Ok(LocalStore::with(conn, Some(aside)))
            }
        }
    }

    /// A store that lives only as long as this value (tests, previews).
    pub fn in_memory() -> Result<LocalStore, LocalStoreError> {
        let mut conn = Connection::open_in_memory()?;
        prepare(&mut conn)?;
        Ok(LocalStore::with(conn, None))
    }

    fn with(conn: Connection, set_aside: Option<PathBuf>) -> LocalStore {
        LocalStore {
            conn: Mutex::new(conn),
            set_aside,
        }
    }

    fn try_open(path: &Path) -> Result<Connection, LocalStoreError> {
        let mut conn = Connection::open(path)?;
        prepare(&mut conn)?;
        Ok(conn)
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic elsewhere while holding the lock leaves SQLite consistent; carry on.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Keeps a newly taken ticket with its tracking token.
    pub fn save_ticket(
        &self,
        server: &str,
        tracking_token: &str,
        ticket: &Ticket,
        now: DateTime<Utc>,
    ) -> Result<(), LocalStoreError> {
        self.conn().execute(
            "INSERT INTO tickets (id, server, tracking_token, ticket, taken_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT (id) DO UPDATE SET ticket = excluded.ticket, updated_at = excluded.updated_at",
            params![
                ticket.id.to_string(),
                server,
                tracking_token,
                serde_json::to_string(ticket)?,
                now.to_rfc3339()
            ],
        )?;
        Ok(())
    }

    /// Records the ticket's latest state. A transfer's new ticket (same visit, same token) is
    /// kept as a ticket of its own, following the one it continues.
    pub fn update_ticket(
        &self,
        ticket: &Ticket,
        now: DateTime<Utc>,
    ) -> Result<(), LocalStoreError> {
        let conn = self.conn();
        let changed = conn.execute(
            "UPDATE tickets SET ticket = ?2, updated_at = ?3 WHERE id = ?1",
            params![
                ticket.id.to_string(),
                serde_json::to_string(ticket)?,
                now.to_rfc3339()
            ],
        )?;
        if changed == 0
            && let Some(from) = ticket.transferred_from
        {
            conn.execute(
                "INSERT INTO tickets (id, server, tracking_token, ticket, taken_at, updated_at)
                 SELECT ?1, server, tracking_token, ?2, ?3, ?3 FROM tickets WHERE id = ?4",
                params![
                    ticket.id.to_string(),
                    serde_json::to_string(ticket)?,
                    now.to_rfc3339(),
                    from.to_string()
                ],
            )?;
        }
        Ok(())
    }

    /// Every ticket taken on this device, newest first: the history screen.
    pub fn tickets(&self) -> Result<Vec<SavedTicket>, LocalStoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare(
            "SELECT server, tracking_token, ticket, taken_at, updated_at FROM tickets
             ORDER BY taken_at DESC, rowid DESC",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
            ))
        })?;
        let mut saved = Vec::new();
        for row in rows {
            let (server, tracking_token, ticket, taken_at, updated_at) = row?;
            // A row this version cannot read (written by a newer app) is skipped, not fatal.
            let Ok(ticket) = serde_json::from_str::<Ticket>(&ticket) else {
                continue;
            };
            saved.push(SavedTicket {
                server,
                tracking_token,
                ticket,
                taken_at: parse_time(&taken_at),
                updated_at: parse_time(&updated_at),
            });
        }
        Ok(saved)
    }

    /// The ticket the app should follow on opening: the newest one still waiting or called.
    pub fn active_ticket(&self) -> Result<Option<SavedTicket>, LocalStoreError> {
        Ok(self
            .tickets()?
            .into_iter()
            .find(|t| t.ticket.status.is_active()))
    }

    /// The tracking token of a ticket taken on this device.
    pub fn tracking_token(&self, id: Uuid) -> Result<Option<String>, LocalStoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT tracking_token FROM tickets WHERE id = ?1",
                params![id.to_string()],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Forgets a ticket (the patient cleared it from the history).
    pub fn forget_ticket(&self, id: Uuid) -> Result<(), LocalStoreError> {
        self.conn()
            .execute("DELETE FROM tickets WHERE id = ?1", params![id.to_string()])?;
        Ok(())
    }

    /// This installation's id, sent with every ticket so the server holds one active ticket
    /// per device even without a phone number: made once, at random, and kept.
    pub fn device_id(&self) -> Result<String, LocalStoreError> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO preferences (key, value) VALUES ('device_id', ?1)
             ON CONFLICT (key) DO NOTHING",
            params![format!("app-{}", Uuid::new_v4().simple())],
        )?;
        Ok(conn.query_row(
            "SELECT value FROM preferences WHERE key = 'device_id'",
            [],
            |row| row.get(0),
        )?)
    }

    /// The counter a staff member worked at last, to open there again.
    pub fn last_counter(&self) -> Result<Option<Uuid>, LocalStoreError> {
        let value: Option<String> = self
            .conn()
            .query_row(
                "SELECT value FROM preferences WHERE key = 'last_counter'",
                [],
                |row| row.get(0),
            )
            .optional()?;
        Ok(value.and_then(|v| Uuid::parse_str(&v).ok()))
    }

    pub fn set_last_counter(&self, counter: Option<Uuid>) -> Result<(), LocalStoreError> {
        let conn = self.conn();
        match counter {
            Some(id) => conn.execute(
                "INSERT INTO preferences (key, value) VALUES ('last_counter', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![id.to_string()],
            )?,
            None => conn.execute("DELETE FROM preferences WHERE key = 'last_counter'", [])?,
        };
        Ok(())
    }
}

fn parse_time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// Checks the file is ours and whole, then migrates it to the current schema. Any refusal
/// here makes `open` set the file aside.
fn prepare(conn: &mut Connection) -> Result<(), LocalStoreError> {
    // Reading the header is where a file that is not SQLite fails.
    let application_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let objects: i64 = conn.query_row("SELECT COUNT(*) FROM sqlite_schema", [], |r| r.get(0))?;
    let fresh = application_id == 0 && version == 0 && objects == 0;
    if !fresh && application_id != APPLICATION_ID {
        return Err(not_ours("another application's database"));
    }
    let current = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
    if version > current {
        return Err(not_ours("written by a newer version of the app"));
    }
    let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(not_ours("damaged"));
    }
    conn.pragma_update(None, "journal_mode", "WAL")?;
    let tx = conn.transaction()?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    for (step, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", step as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}

fn not_ours(why: &str) -> LocalStoreError {
    LocalStoreError::Sqlite(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_NOTADB),
        Some(why.to_owned()),
    ))
}

/// Moves an unusable file (and its WAL companions) out of the way.
fn set_aside(path: &Path) -> Result<PathBuf, LocalStoreError> {
    let stamp = Utc::now().timestamp();
    let aside = PathBuf::from(format!("{}.unreadable-{stamp}", path.display()));
    std::fs::rename(path, &aside)?;
    for suffix in ["-wal", "-shm"] {
        let companion = PathBuf::from(format!("{}{suffix}", path.display()));
        if companion.exists() {
            let _ = std::fs::remove_file(companion);
        }
    }
    Ok(aside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::fixtures::{GIGI, UMUM, ticket, ticket_called, waiting};

    const SERVER: &str = "https://antrean.rs-sehat.id";

    fn now() -> DateTime<Utc> {
        "2026-11-23T01:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_taken_ticket_and_its_state_survive_closing_the_app() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("giliran.sqlite");
        let a7 = waiting(UMUM, 7);
        {
            let store = LocalStore::open(&path).unwrap();
            assert_eq!(store.set_aside, None);
            store
                .save_ticket(SERVER, "token-a7", &ticket(&a7), now())
                .unwrap();
            store
                .update_ticket(&ticket_called(&a7, 2, 30, 0), now())
                .unwrap();
            store.set_last_counter(Some(GIGI)).unwrap();
        }
        let store = LocalStore::open(&path).unwrap();
        let active = store.active_ticket().unwrap().expect("the called ticket");
        assert_eq!(active.tracking_token, "token-a7");
        assert_eq!(active.server, SERVER);
        assert_eq!(active.ticket, ticket_called(&a7, 2, 30, 0));
        assert_eq!(store.last_counter().unwrap(), Some(GIGI));
        store.set_last_counter(None).unwrap();
        assert_eq!(store.last_counter().unwrap(), None);
    }

    #[test]
    fn the_device_id_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("giliran.sqlite");
        let first = LocalStore::open(&path).unwrap().device_id().unwrap();
        assert!(first.starts_with("app-") && first.len() == 36, "{first}");
        let again = LocalStore::open(&path).unwrap().device_id().unwrap();
        assert_eq!(first, again, "the same installation keeps its id");
        let other = LocalStore::in_memory().unwrap().device_id().unwrap();
        assert_ne!(first, other);
        assert!(crate::patient::validate_device_id(&first).is_ok());
    }

    #[test]
    fn a_transfer_is_kept_as_the_next_ticket_of_the_visit() {
        let store = LocalStore::in_memory().unwrap();
        let a7 = waiting(UMUM, 7);
        store
            .save_ticket(SERVER, "token-a7", &ticket(&a7), now())
            .unwrap();
        let mut done = ticket(&a7);
        done.status = crate::status::TicketStatus::Transferred;
        store.update_ticket(&done, now()).unwrap();
        let mut b3 = ticket(&waiting(GIGI, 3));
        b3.transferred_from = Some(a7.id);
        store
            .update_ticket(&b3, now() + chrono::Duration::minutes(1))
            .unwrap();

        let all = store.tickets().unwrap();
        assert_eq!(all.len(), 2);
        let active = store.active_ticket().unwrap().expect("the new ticket");
        assert_eq!(active.ticket.number, "B-003");
        assert_eq!(
            active.tracking_token, "token-a7",
            "the same token follows the visit"
        );
        assert_eq!(
            store.tracking_token(active.ticket.id).unwrap().as_deref(),
            Some("token-a7")
        );
        assert_eq!(store.tracking_token(Uuid::nil()).unwrap(), None);
        // An update for a ticket nobody saved, and not a transfer, is ignored.
        store
            .update_ticket(&ticket(&waiting(UMUM, 9)), now())
            .unwrap();
        assert_eq!(store.tickets().unwrap().len(), 2);
        store.forget_ticket(a7.id).unwrap();
        assert_eq!(store.tickets().unwrap().len(), 1);
    }

    #[test]
    fn garbage_foreign_and_future_files_are_set_aside_not_crashed_on() {
        let dir = tempfile::tempdir().unwrap();
        let garbage = dir.path().join("garbage.sqlite");
        std::fs::write(
            &garbage,
            b"this is not a database at all, just text. ".repeat(200),
        )
        .unwrap();
        let foreign = dir.path().join("foreign.sqlite");
        Connection::open(&foreign)
            .unwrap()
            .execute_batch("CREATE TABLE photos (id INTEGER); INSERT INTO photos VALUES (1);")
            .unwrap();
        let future = dir.path().join("future.sqlite");
        {
            let store = LocalStore::open(&future).unwrap();
            store
                .save_ticket(SERVER, "t", &ticket(&waiting(UMUM, 1)), now())
                .unwrap();
        }
        Connection::open(&future)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let truncated = dir.path().join("truncated.sqlite");
        {
            let store = LocalStore::open(&truncated).unwrap();
            for n in 1..200 {
                store
                    .save_ticket(SERVER, "t", &ticket(&waiting(UMUM, n)), now())
                    .unwrap();
            }
        }
        let bytes = std::fs::read(&truncated).unwrap();
        std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();

        for path in [&garbage, &foreign, &future, &truncated] {
            let store = LocalStore::open(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            let aside = store
                .set_aside
                .clone()
                .unwrap_or_else(|| panic!("{path:?} was not set aside"));
            assert!(
                aside.exists(),
                "the old file is kept for support: {aside:?}"
            );
            assert!(store.tickets().unwrap().is_empty());
            store
                .save_ticket(SERVER, "t", &ticket(&waiting(UMUM, 5)), now())
                .unwrap();
            drop(store);
            let again = LocalStore::open(path).unwrap();
            assert_eq!(again.set_aside, None, "the new file is fine");
            assert_eq!(again.tickets().unwrap().len(), 1);
        }
    }
}
