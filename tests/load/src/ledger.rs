//! What the simulated clients were told, and the invariants checked against the database after
//! a run, whatever faults it met:
//!
//! 1. every ticket answered 201 exists;
//! 2. each number is unique per service and day;
//! 3. no ticket was called by two counters;
//! 4. every call reached every display exactly once: no miss, no double announcement;
//! 5. each service's kept count of waiting tickets matches its tickets.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::Context;
use chrono::NaiveDate;
use giliran_core::events::Event;
use uuid::Uuid;

use crate::pg::is_postgres_url;

/// A ticket the server answered 201 for.
#[derive(Debug, Clone)]
pub struct Issued {
    pub id: Uuid,
    pub service_id: Uuid,
    pub number: String,
    pub business_day: NaiveDate,
}

/// A ticket a counter learnt was called to it: from call-next's answer, or, when that answer
/// was lost to a fault, from the counter's queue afterwards.
#[derive(Debug, Clone)]
pub struct CallTaken {
    pub counter: Uuid,
    pub ticket: Uuid,
}

/// A call as one display heard it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heard {
    pub seq: u64,
    pub ticket: Uuid,
    pub recalls: u32,
    pub at: Instant,
}

/// Everything one display subscriber saw.
#[derive(Debug, Clone, Default)]
pub struct DisplayLog {
    /// The `seq` of each snapshot received; more than one means it could not resume.
    pub snapshots: Vec<u64>,
    pub heard: Vec<Heard>,
    pub disconnects: u64,
}

impl DisplayLog {
    /// The newest `seq` it has: of its last call, or of its snapshot.
    pub fn last_seq(&self) -> u64 {
        let snapshot = self.snapshots.last().copied().unwrap_or(0);
        self.heard.last().map_or(snapshot, |h| h.seq.max(snapshot))
    }
}

#[derive(Default)]
pub struct Ledger {
    issued: Mutex<Vec<Issued>>,
    calls: Mutex<Vec<CallTaken>>,
}

impl Ledger {
    pub fn issued(&self, ticket: Issued) {
        lock(&self.issued).push(ticket);
    }

    pub fn called(&self, call: CallTaken) {
        lock(&self.calls).push(call);
    }

    pub fn issued_count(&self) -> usize {
        lock(&self.issued).len()
    }

    /// Checks the four invariants against the database's `truth` and the displays' logs.
    /// Returns what was checked, or every violation found.
    pub fn check(&self, truth: &Truth, displays: &[DisplayLog]) -> anyhow::Result<Checked> {
        let mut problems = Vec::new();
        let issued = lock(&self.issued).clone();
        let calls = lock(&self.calls).clone();

        // 1. Every 201 exists, as answered.
        for ticket in &issued {
            match truth.tickets.get(&ticket.id) {
                None => problems.push(format!(
                    "ticket {} ({}) was answered 201 but is not in the database",
                    ticket.id, ticket.number
                )),
                Some(row) if row.number != ticket.number || row.service_id != ticket.service_id => {
                    problems.push(format!(
                        "ticket {} was answered as {} but is stored as {}",
                        ticket.id, ticket.number, row.number
                    ))
                }
                Some(_) => {}
            }
        }

        // 2. Numbers are unique per service and day, in the database and in the answers.
        let mut numbers: HashMap<(Uuid, NaiveDate, &str), Uuid> = HashMap::new();
        for (id, row) in &truth.tickets {
            if let Some(other) =
                numbers.insert((row.service_id, row.business_day, &row.number), *id)
            {
                problems.push(format!(
                    "number {} of {} is held by tickets {other} and {id}",
                    row.number, row.business_day
                ));
            }
        }
        let mut answered: HashSet<(Uuid, NaiveDate, &str)> = HashSet::new();
        for ticket in &issued {
            if !answered.insert((ticket.service_id, ticket.business_day, &ticket.number)) {
                problems.push(format!(
                    "number {} was given to two patients",
                    ticket.number
                ));
            }
        }

        // 3. One counter per ticket: in the event log, and in what counters were told.
        let mut called_by: HashMap<Uuid, Uuid> = HashMap::new();
        let mut first_calls: HashSet<Uuid> = HashSet::new();
        for call in &truth.calls {
            if let Some(first) = called_by.insert(call.ticket, call.counter)
                && first != call.counter
            {
                problems.push(format!(
                    "ticket {} was called to counters {first} and {}",
                    call.ticket, call.counter
                ));
            }
            if call.recalls == 0 && !first_calls.insert(call.ticket) {
                problems.push(format!("ticket {} was first called twice", call.ticket));
            }
        }
        let mut taken: HashMap<Uuid, Uuid> = HashMap::new();
        for call in &calls {
            if let Some(first) = taken.insert(call.ticket, call.counter) {
                problems.push(format!(
                    "ticket {} was given to counter {first} and again to {}",
                    call.ticket, call.counter
                ));
            }
        }

        // 4. Each display heard every call after its first snapshot exactly once.
        let logged: HashSet<u64> = truth.calls.iter().map(|c| c.seq).collect();
        for (i, display) in displays.iter().enumerate() {
            let Some(&from) = display.snapshots.first() else {
                problems.push(format!("display {i} never connected"));
                continue;
            };
            let expected: Vec<u64> = truth
                .calls
                .iter()
                .map(|c| c.seq)
                .filter(|&s| s > from)
                .collect();
            let mut heard: BTreeMap<u64, usize> = BTreeMap::new();
            for h in &display.heard {
                *heard.entry(h.seq).or_default() += 1;
            }
            let missed: Vec<u64> = expected
                .iter()
                .copied()
                .filter(|s| !heard.contains_key(s))
                .collect();
            let doubled: Vec<u64> = heard
                .iter()
                .filter(|&(_, &n)| n > 1)
                .map(|(&s, _)| s)
                .collect();
            let unknown = heard.keys().filter(|s| !logged.contains(s)).count();
            if !missed.is_empty() {
                problems.push(format!(
                    "display {i} missed {} of {} calls (first seqs {:?}); snapshots at {:?}",
                    missed.len(),
                    expected.len(),
                    &missed[..missed.len().min(5)],
                    display.snapshots
                ));
            }
            if !doubled.is_empty() {
                problems.push(format!(
                    "display {i} announced {} calls twice (seqs {:?})",
                    doubled.len(),
                    &doubled[..doubled.len().min(5)]
                ));
            }
            if unknown > 0 {
                problems.push(format!(
                    "display {i} heard {unknown} calls the log does not have"
                ));
            }
        }

        // 5. Each service's kept count of waiting tickets is what its tickets say.
        for row in &truth.miscounted {
            problems.push(format!(
                "service {} on {} counts {} waiting, but {} are",
                row.service_id, row.business_day, row.kept, row.actual
            ));
        }

        if problems.is_empty() {
            Ok(Checked {
                tickets: truth.tickets.len(),
                answered_201: issued.len(),
                calls: truth.calls.len(),
                displays: displays.len(),
            })
        } else {
            let mut message = format!("{} invariant violations:", problems.len());
            for problem in problems.iter().take(30) {
                let _ = write!(message, "\n  - {problem}");
            }
            anyhow::bail!(message)
        }
    }
}

/// What a clean check covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    pub tickets: usize,
    pub answered_201: usize,
    /// Calls and recalls in the event log.
    pub calls: usize,
    pub displays: usize,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(sqlx::FromRow)]
struct TicketRow {
    id: Uuid,
    service_id: Uuid,
    business_day: NaiveDate,
    number: String,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    seq: i64,
    payload: String,
}

/// A call in the server's event log.
struct LoggedCall {
    seq: u64,
    ticket: Uuid,
    counter: Uuid,
    recalls: u32,
}

/// A service's day whose kept count of waiting tickets is not what its tickets say.
#[derive(sqlx::FromRow)]
struct MiscountedRow {
    service_id: Uuid,
    business_day: NaiveDate,
    kept: i64,
    actual: i64,
}

/// The database's side of the story, read once the run's writes have stopped.
pub struct Truth {
    tickets: HashMap<Uuid, TicketRow>,
    /// In `seq` order.
    calls: Vec<LoggedCall>,
    miscounted: Vec<MiscountedRow>,
}

const TICKETS: &str = "SELECT id, service_id, business_day, number FROM tickets";
const EVENTS: &str = "SELECT seq, payload FROM events ORDER BY seq";
/// Each service's day whose kept count of waiting tickets (`daily_sequences.waiting`, kept by
/// triggers) differs from its waiting tickets: service, day, kept, actual. Empty when all agree.
pub const MISCOUNTED: &str = "SELECT service_id, business_day, kept, actual FROM ( \
     SELECT d.service_id, d.business_day, CAST(d.waiting AS BIGINT) AS kept, \
       (SELECT COUNT(*) FROM tickets t WHERE t.service_id = d.service_id \
          AND t.business_day = d.business_day AND t.status = 'waiting') AS actual \
     FROM daily_sequences d) counts WHERE kept <> actual";

/// Evaluates `$body` with `$pool` open on the run's database, whichever backend it is, then
/// closes the pool.
macro_rules! on_run_database {
    ($url:expr, |$pool:ident| $body:expr) => {{
        if is_postgres_url($url) {
            let $pool = sqlx::PgPool::connect($url)
                .await
                .context("connecting to the run's database")?;
            let out = $body;
            $pool.close().await;
            out
        } else {
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename($url)
                .read_only(true);
            let $pool = sqlx::SqlitePool::connect_with(options)
                .await
                .context("opening the run's database")?;
            let out = $body;
            $pool.close().await;
            out
        }
    }};
}

/// Tickets waiting in the run's database, on any day.
pub async fn waiting_tickets(database_url: &str) -> anyhow::Result<usize> {
    const WAITING: &str = "SELECT COUNT(*) FROM tickets WHERE status = 'waiting'";
    let count: i64 = on_run_database!(database_url, |pool| {
        sqlx::query_scalar(WAITING).fetch_one(&pool).await?
    });
    Ok(usize::try_from(count).unwrap_or(0))
}

impl Truth {
    /// The `seq` of the newest call or recall in the log; 0 when there is none.
    pub fn latest_call_seq(&self) -> u64 {
        self.calls.last().map_or(0, |c| c.seq)
    }

    pub async fn read(database_url: &str) -> anyhow::Result<Truth> {
        let (tickets, events, miscounted): (Vec<TicketRow>, Vec<EventRow>, Vec<MiscountedRow>) =
            on_run_database!(database_url, |pool| (
                sqlx::query_as(TICKETS).fetch_all(&pool).await?,
                sqlx::query_as(EVENTS).fetch_all(&pool).await?,
                sqlx::query_as(MISCOUNTED).fetch_all(&pool).await?,
            ));
        let mut calls = Vec::new();
        for row in events {
            let event: Event = serde_json::from_str(&row.payload)
                .with_context(|| format!("event {} in the log", row.seq))?;
            if let Event::Called { call } = event {
                calls.push(LoggedCall {
                    seq: u64::try_from(row.seq).unwrap_or(0),
                    ticket: call.ticket_id,
                    counter: call.counter_id,
                    recalls: call.recalls,
                });
            }
        }
        Ok(Truth {
            tickets: tickets.into_iter().map(|t| (t.id, t)).collect(),
            calls,
            miscounted,
        })
    }
}
