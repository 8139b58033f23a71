//! Group commit: the write transactions of this server that overlap in time share one database
//! transaction, each inside a savepoint of its own, and one commit makes them all durable.
//!
//! Why: a change that writes an event holds the event counter's row until it commits (and an
//! issue holds its service's numbering row), so on their own such changes go one per flush of
//! the disk. Sharing the commit lets every change that arrived during one flush go in the next.
//! Each change still happens whole or not at all: a failing one rolls back to its savepoint and
//! leaves the others be, and nobody hears "done" before the commit that holds their change.
//!
//! A change that finds nobody waiting commits at once, so a quiet server answers as fast as
//! without batching; only under load do changes wait for the ones queued behind them.
//!
//! What a change appends to the event and audit logs waits in its member and is written with
//! the rest of its batch just before the commit ([`Journal`]): on PostgreSQL that is one round
//! trip for the batch instead of one per change, and the batch's connection is what every change
//! waits for.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use sqlx::{Database, Executor, Pool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard, watch};

use super::Deferred;

/// At most this many changes share a commit. It bounds how long the first change of a batch
/// waits, and keeps a batch within PostgreSQL's per-transaction cache of 64 subtransactions.
const MAX_MEMBERS: usize = 32;

/// A batch's outcome, once its commit has been tried: why it failed, if it did.
type Outcome = Option<Result<(), String>>;

/// How a backend writes the rows a batch's changes deferred, in the batch's transaction.
pub trait Journal: Database {
    fn append(
        conn: &mut Self::Connection,
        rows: Vec<Deferred>,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send + '_;
}

/// The writers' queue of one server to one database.
pub struct Batcher<D: Database> {
    pool: Pool<D>,
    /// How a batch's transaction begins.
    begin: &'static str,
    /// Run first in each batch. PostgreSQL: the event counter's row lock, so the batches of two
    /// replicas never hold each other's rows in opposite orders.
    first_statement: Option<&'static str>,
    state: Arc<Mutex<State<D>>>,
    /// Changes waiting for their turn: while there are any, a finished change leaves the commit
    /// to the batch's later members.
    joiners: AtomicUsize,
    /// The outcome of the newest batch, for [`Batcher::flushed`].
    newest: std::sync::Mutex<Option<watch::Receiver<Outcome>>>,
    counts: Counts,
}

/// How well changes share commits: changes per commit is the batching's gain.
#[derive(Debug, Default)]
struct Counts {
    commits: AtomicU64,
    changes: AtomicU64,
}

struct State<D: Database> {
    open: Option<Open<D>>,
    next_id: u64,
    /// The newest failure to start a batch, while no batch has started since. Changes that were
    /// already queued when it happened share it instead of each waiting out the pool's acquire
    /// timeout in turn: with the database away, the queue would otherwise grow by one timeout
    /// per change ahead, and the last patient would wait minutes for their 503.
    unreachable: Option<Unreachable>,
}

struct Unreachable {
    at: tokio::time::Instant,
    why: String,
}

/// The batch under way.
struct Open<D: Database> {
    id: u64,
    tx: Transaction<'static, D>,
    /// Finished changes, waiting for the commit.
    members: usize,
    /// What the finished changes deferred, in the order they finished.
    deferred: Vec<Deferred>,
    savepoint: Savepoint,
    done: watch::Sender<Outcome>,
}

/// The savepoint named `member`, which every change after a batch's first one starts with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Savepoint {
    None,
    /// Its change finished: releasing it keeps the change.
    Kept,
    /// Its change failed or was given up: roll back to it before anything else.
    Abandoned,
}

/// One change in a batch: it has the batch's connection to itself until it commits or drops.
pub struct Member<D: Database> {
    batcher: Arc<Batcher<D>>,
    guard: Option<OwnedMutexGuard<State<D>>>,
    /// The batch's first change, without a savepoint: if it fails, so does the whole (empty)
    /// batch.
    first: bool,
    /// Written with the batch if this change commits; forgotten if it is rolled back.
    deferred: Vec<Deferred>,
}

/// Counts a change as waiting while it is, even if the caller gives up meanwhile.
struct Joining<'a>(&'a AtomicUsize);

impl<'a> Joining<'a> {
    fn new(joiners: &'a AtomicUsize) -> Self {
        joiners.fetch_add(1, Ordering::SeqCst);
        Joining(joiners)
    }
}

impl Drop for Joining<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl<D> Batcher<D>
where
    D: Journal,
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
{
    pub fn new(
        pool: Pool<D>,
        begin: &'static str,
        first_statement: Option<&'static str>,
    ) -> Arc<Self> {
        Arc::new(Batcher {
            pool,
            begin,
            first_statement,
            state: Arc::new(Mutex::new(State {
                open: None,
                next_id: 0,
                unreachable: None,
            })),
            joiners: AtomicUsize::new(0),
            newest: std::sync::Mutex::new(None),
            counts: Counts::default(),
        })
    }

    /// Commits made and changes they held, since the start.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.counts.commits.load(Ordering::Relaxed),
            self.counts.changes.load(Ordering::Relaxed),
        )
    }

    /// Returns once the batch under way, if any, has committed or failed. A change refused by a
    /// unique index because of a change earlier in its own batch sees that change after this.
    /// Never call it while holding a member: that member's batch cannot finish before it drops.
    pub async fn flushed(&self) {
        let newest = self
            .newest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if let Some(mut done) = newest {
            let _ = done.wait_for(Option::is_some).await;
        }
    }

    /// Closes the connections; a batch under way is rolled back.
    pub async fn close(&self) {
        self.state.lock().await.open = None;
        self.pool.close().await;
    }

    /// Starts a change: in the batch under way, or in a new one.
    pub async fn join(self: &Arc<Self>) -> Result<Member<D>, sqlx::Error> {
        // In a task of its own so that a caller who gives up mid-statement cannot leave the
        // batch unsure whether this change's savepoint exists: the task finishes, and dropping
        // the member it returns rolls the change back.
        let batcher = Arc::clone(self);
        tokio::spawn(async move { batcher.start_member().await })
            .await
            .map_err(batch_error)?
    }

    async fn start_member(self: Arc<Self>) -> Result<Member<D>, sqlx::Error> {
        let queued = tokio::time::Instant::now();
        let mut guard = {
            let _joining = Joining::new(&self.joiners);
            Arc::clone(&self.state).lock_owned().await
        };
        settle(&mut guard).await?;
        let first = match guard.open.as_mut() {
            Some(open) => {
                let sql = match open.savepoint {
                    Savepoint::None => "SAVEPOINT member",
                    Savepoint::Kept => "RELEASE SAVEPOINT member; SAVEPOINT member",
                    Savepoint::Abandoned => unreachable!("settled above"),
                };
                if let Err(err) = sqlx::raw_sql(sql).execute(&mut *open.tx).await {
                    fail_batch(&mut guard, &err);
                    return Err(err);
                }
                open.savepoint = Savepoint::Abandoned;
                false
            }
            None => {
                if let Some(failure) = guard.unreachable.as_ref().filter(|f| f.at >= queued) {
                    return Err(batch_error(&failure.why));
                }
                let tx = match self.begin_batch().await {
                    Ok(tx) => tx,
                    Err(err) if crate::error::is_database_away(&err) => {
                        guard.unreachable = Some(Unreachable {
                            at: tokio::time::Instant::now(),
                            why: err.to_string(),
                        });
                        return Err(err);
                    }
                    Err(err) => return Err(err),
                };
                guard.unreachable = None;
                let id = guard.next_id;
                guard.next_id += 1;
                let (done, outcome) = watch::channel(None);
                *self
                    .newest
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(outcome);
                guard.open = Some(Open {
                    id,
                    tx,
                    members: 0,
                    deferred: Vec::new(),
                    savepoint: Savepoint::None,
                    done,
                });
                true
            }
        };
        Ok(Member {
            batcher: self,
            guard: Some(guard),
            first,
            deferred: Vec::new(),
        })
    }

    /// A new batch's transaction, with its first statement run.
    async fn begin_batch(&self) -> Result<Transaction<'static, D>, sqlx::Error> {
        let mut tx = self.pool.begin_with(self.begin).await?;
        if let Some(sql) = self.first_statement {
            sqlx::raw_sql(sql).execute(&mut *tx).await?;
        }
        Ok(tx)
    }
}

impl<D> Member<D>
where
    D: Journal,
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
{
    /// The batch's connection, for this change's statements.
    pub fn conn(&mut self) -> &mut D::Connection {
        let open = self
            .guard
            .as_mut()
            .and_then(|guard| guard.open.as_mut())
            .expect("a member holds an open batch until it commits or drops");
        &mut open.tx
    }

    /// Appends `row` to its log when the batch commits, if this change is kept.
    pub fn defer(&mut self, row: Deferred) {
        self.deferred.push(row);
    }

    /// Keeps this change and returns once a commit made it durable.
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        let mut guard = self.guard.take().expect("a member commits once");
        let open = guard.open.as_mut().expect("a member's batch is open");
        open.members += 1;
        open.deferred.append(&mut self.deferred);
        if !self.first {
            open.savepoint = Savepoint::Kept;
        }
        let batch = open.id;
        let mut done = open.done.subscribe();
        let batcher = Arc::clone(&self.batcher);
        // The commit, or the wait for a later member to make it, runs in a task of its own: a
        // caller who gives up must not leave the batch uncommitted, holding its locks.
        let finishing = tokio::spawn(async move {
            let alone = batcher.joiners.load(Ordering::SeqCst) == 0;
            let full = guard
                .open
                .as_ref()
                .is_some_and(|o| o.members >= MAX_MEMBERS);
            if alone || full {
                commit_batch(guard, &batcher.counts).await;
            } else {
                drop(guard);
                // Whoever of the batch gets the queue's turn after the joiners commits it; the
                // queue is fair, so the joiners ahead have all joined by then.
                tokio::select! {
                    biased;
                    _ = committed(&mut done) => {}
                    guard = Arc::clone(&batcher.state).lock_owned() => {
                        if guard.open.as_ref().is_some_and(|o| o.id == batch) {
                            commit_batch(guard, &batcher.counts).await;
                        }
                    }
                }
            }
            committed(&mut done).await
        });
        finishing.await.map_err(batch_error)?
    }
}

impl<D: Database> Drop for Member<D> {
    fn drop(&mut self) {
        let Some(mut guard) = self.guard.take() else {
            return;
        };
        if self.first {
            // Nothing else is in the batch: rolling back its transaction (which sqlx does when
            // the transaction drops) undoes exactly this change.
            guard.open = None;
        } else if let Some(open) = guard.open.as_mut() {
            // Undone by whoever holds the batch next, before anything else.
            open.savepoint = Savepoint::Abandoned;
        }
    }
}

/// Waits for the batch's commit; its outcome as this member reports it.
async fn committed(done: &mut watch::Receiver<Outcome>) -> Result<(), sqlx::Error> {
    let outcome = match done.wait_for(Option::is_some).await {
        Ok(outcome) => outcome.clone(),
        Err(_) => None,
    };
    match outcome {
        Some(Ok(())) => Ok(()),
        Some(Err(why)) => Err(batch_error(why)),
        None => Err(batch_error("the batch was given up before its commit")),
    }
}

/// Rolls back to the savepoint of a change that was given up.
async fn settle<D>(guard: &mut OwnedMutexGuard<State<D>>) -> Result<(), sqlx::Error>
where
    D: Database,
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
{
    let Some(open) = guard.open.as_mut() else {
        return Ok(());
    };
    if open.savepoint != Savepoint::Abandoned {
        return Ok(());
    }
    match sqlx::raw_sql("ROLLBACK TO SAVEPOINT member")
        .execute(&mut *open.tx)
        .await
    {
        Ok(_) => {
            // The savepoint stays, empty; the next change releases it like a kept one.
            open.savepoint = Savepoint::Kept;
            Ok(())
        }
        Err(err) => {
            fail_batch(guard, &err);
            Err(err)
        }
    }
}

/// Commits the batch and tells its members.
async fn commit_batch<D>(mut guard: OwnedMutexGuard<State<D>>, counts: &Counts)
where
    D: Journal,
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
{
    if settle(&mut guard).await.is_err() {
        return;
    }
    let Some(mut open) = guard.open.take() else {
        return;
    };
    let deferred = std::mem::take(&mut open.deferred);
    let appended = if deferred.is_empty() {
        Ok(())
    } else {
        D::append(&mut open.tx, deferred).await
    };
    let outcome = match appended {
        Ok(()) => open.tx.commit().await,
        Err(err) => Err(err),
    }
    .map_err(|err| format!("the commit failed: {err}"));
    if outcome.is_ok() {
        counts.commits.fetch_add(1, Ordering::Relaxed);
        counts
            .changes
            .fetch_add(open.members as u64, Ordering::Relaxed);
    }
    open.done.send_replace(Some(outcome));
}

/// The batch's connection failed: every member waiting for the commit hears why.
fn fail_batch<D: Database>(guard: &mut OwnedMutexGuard<State<D>>, err: &sqlx::Error) {
    if let Some(open) = guard.open.take() {
        open.done
            .send_replace(Some(Err(format!("the shared transaction failed: {err}"))));
    }
}

/// A batch that failed, as each of its members reports it: the database was away or refused,
/// and none of their changes happened, so trying again is right (503 `unavailable`).
fn batch_error(why: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other(why.to_string()))
}
