//! The BPJS antrean bridge (optional, off unless configured): every step of a visit reaches
//! BPJS's antrean service, which is what patients see in the Mobile JKN app.
//!
//! Two loops run beside the server. One follows the event log and queues each step's report in
//! the outbox (see [`crate::store::bpjs`]); the other sends the outbox in order per visit, with
//! back-off while BPJS is away. A queue action never waits for either.

pub mod access;
mod client;
pub mod crypto;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use giliran_core::antrean::{BridgeStatus, Reconciliation, ReportState};
use rand::Rng;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::{Clock, truncate_to_micros};
use crate::store::Store;
use crate::store::bpjs::OutboxRow;
pub use access::WsAccess;
pub use client::{Answer, BpjsClient, CallError, HeldTask};
pub use crypto::Credentials;

/// How to reach BPJS's antrean service.
#[derive(Debug, Clone)]
pub struct BridgeConfig {
    /// Such as `https://apijkn.bpjs-kesehatan.go.id/antreanrs`.
    pub base_url: String,
    pub credentials: Credentials,
    /// Longest wait for one answer from BPJS.
    pub timeout: Duration,
}

/// How often the event log is looked at when nothing new was found.
const FOLLOW_EVERY: Duration = Duration::from_millis(300);
/// How often the outbox is looked at when nothing was due.
const SEND_EVERY: Duration = Duration::from_millis(300);
/// Reports looked at per pass over the outbox.
const DUE_PER_PASS: i64 = 50;
/// The longest wait between two tries of one report.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// How often today's reports are compared with what BPJS holds.
const RECONCILE_EVERY: Duration = Duration::from_secs(30 * 60);

/// The bridge of one server.
#[derive(Debug)]
pub struct Bridge {
    url: String,
    client: BpjsClient,
    /// A report is leased for longer than a try can take, so no other replica sends it
    /// meanwhile.
    lease: Duration,
    /// What keeps this server from reading the event log, and since when.
    log_problem: Problem,
    /// What keeps this server from reading the outbox, and since when.
    outbox_problem: Problem,
}

/// A loop's trouble: since when, and what the last failure said.
#[derive(Debug, Default)]
struct Problem(Mutex<Option<(DateTime<Utc>, String)>>);

impl Problem {
    /// Remembers how the loop's last pass went: a failure keeps the time of the first one in
    /// a row, a success clears it.
    fn note(&self, outcome: Result<(), String>) {
        if let Ok(mut problem) = self.0.lock() {
            *problem = match (outcome, problem.take()) {
                (Ok(()), _) => None,
                (Err(what), Some((since, _))) => Some((since, what)),
                (Err(what), None) => Some((wall_clock(), what)),
            };
        }
    }

    fn current(&self) -> Option<(DateTime<Utc>, String)> {
        self.0.lock().map(|p| p.clone()).unwrap_or_default()
    }
}

impl Bridge {
    pub fn new(config: &BridgeConfig) -> Bridge {
        Bridge {
            url: config.base_url.clone(),
            client: BpjsClient::new(&config.base_url, config.credentials.clone(), config.timeout),
            lease: config.timeout * 3 + Duration::from_secs(5),
            log_problem: Problem::default(),
            outbox_problem: Problem::default(),
        }
    }

    /// How the bridge keeps up, for the admin page: the log and outbox as the database has
    /// them (the same on every replica), and this server's own trouble reading them.
    pub async fn status(&self, store: &Store) -> Result<BridgeStatus, crate::error::StoreError> {
        let (events_behind, oldest_unread_at, oldest_pending_at) = store.bpjs_lag().await?;
        let problem = [self.log_problem.current(), self.outbox_problem.current()]
            .into_iter()
            .flatten()
            .min_by_key(|(since, _)| *since);
        Ok(BridgeStatus {
            events_behind,
            oldest_unread_at,
            problem_since: problem.as_ref().map(|(since, _)| *since),
            problem: problem.map(|(_, what)| what),
            oldest_pending_at,
        })
    }

    /// Where the reports go.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Starts the bridge's loops; they end when `stopped` turns true.
    pub fn spawn(
        self: &Arc<Self>,
        store: Store,
        clock: Arc<dyn Clock>,
        stopped: watch::Receiver<bool>,
    ) -> Vec<JoinHandle<()>> {
        vec![
            tokio::spawn(follow_events(
                Arc::clone(self),
                store.clone(),
                Arc::clone(&clock),
                stopped.clone(),
            )),
            tokio::spawn(send_reports(
                Arc::clone(self),
                store.clone(),
                stopped.clone(),
            )),
            tokio::spawn(reconcile_regularly(Arc::clone(self), store, clock, stopped)),
        ]
    }

    /// Compares `day`'s reports with the tasks BPJS holds, visit by visit, and settles the
    /// differences: what BPJS holds is sent; what it lacks goes again.
    pub async fn reconcile(
        &self,
        store: &Store,
        day: NaiveDate,
    ) -> Result<Reconciliation, crate::error::StoreError> {
        let mut result = Reconciliation {
            business_day: day,
            at: wall_clock(),
            ..Reconciliation::default()
        };
        let reports = store.bpjs_reports(day).await?;
        let mut visits: Vec<&str> = reports
            .iter()
            .filter(|r| r.state != ReportState::Held)
            .map(|r| r.booking_code.as_str())
            .collect();
        visits.dedup();
        for code in visits {
            result.visits += 1;
            let held = match self.client.held_tasks(code).await {
                Ok(held) => held,
                Err(err) => {
                    tracing::warn!(booking_code = code, error = %err, "BPJS reconciliation: could not ask");
                    result.unreachable += 1;
                    continue;
                }
            };
            for report in reports.iter().filter(|r| r.booking_code == code) {
                let at_bpjs = match (&held, report.task_id) {
                    (None, _) => false,
                    (Some(_), None) => true,
                    (Some(tasks), Some(task)) => tasks.iter().any(|t| t.taskid == task),
                };
                match (report.state, at_bpjs) {
                    (ReportState::Sent, true) => result.matching += 1,
                    (ReportState::Sent, false) => {
                        store.bpjs_requeue(report.id, wall_clock()).await?;
                        result.resent += 1;
                    }
                    (ReportState::Pending | ReportState::Failed, true) => {
                        store.bpjs_sent(report.id, wall_clock()).await?;
                        result.confirmed += 1;
                    }
                    (ReportState::Pending | ReportState::Failed | ReportState::Held, _) => {
                        result.waiting += 1
                    }
                }
            }
        }
        store.save_bpjs_reconciliation(&result).await?;
        Ok(result)
    }
}

async fn reconcile_regularly(
    bridge: Arc<Bridge>,
    store: Store,
    clock: Arc<dyn Clock>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(RECONCILE_EVERY) => {}
            _ = stopped.wait_for(|s| *s) => return,
        }
        let today = store.today(clock.now());
        if let Err(err) = bridge.reconcile(&store, today).await {
            tracing::warn!(error = %err, "BPJS reconciliation failed; will retry");
        }
    }
}

async fn follow_events(
    bridge: Arc<Bridge>,
    store: Store,
    clock: Arc<dyn Clock>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let read = match store.bpjs_follow_events(clock.now()).await {
            Ok(n) => {
                bridge.log_problem.note(Ok(()));
                n
            }
            Err(err) => {
                tracing::warn!(error = %err, "BPJS bridge: could not read the event log; will retry");
                bridge
                    .log_problem
                    .note(Err(format!("reading the event log: {err}")));
                0
            }
        };
        if read > 0 {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(FOLLOW_EVERY) => {}
            _ = stopped.wait_for(|s| *s) => return,
        }
    }
}

async fn send_reports(bridge: Arc<Bridge>, store: Store, mut stopped: watch::Receiver<bool>) {
    loop {
        let sent = match send_due(&store, &bridge.client, bridge.lease).await {
            Ok(n) => {
                bridge.outbox_problem.note(Ok(()));
                n
            }
            Err(err) => {
                tracing::warn!(error = %err, "BPJS bridge: could not read the outbox; will retry");
                bridge
                    .outbox_problem
                    .note(Err(format!("reading the outbox: {err}")));
                0
            }
        };
        if sent > 0 {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(SEND_EVERY) => {}
            _ = stopped.wait_for(|s| *s) => return,
        }
    }
}

/// Sends what is due; returns how many reports BPJS now holds or refused.
async fn send_due(
    store: &Store,
    client: &BpjsClient,
    lease: Duration,
) -> Result<usize, crate::error::StoreError> {
    let now = wall_clock();
    let mut settled = 0;
    for row in store.bpjs_due(now, DUE_PER_PASS).await? {
        let now = wall_clock();
        if !store.bpjs_claim(row.id, now, now + lease).await? {
            continue;
        }
        match deliver(client, &row).await {
            Delivery::Held => {
                store.bpjs_sent(row.id, wall_clock()).await?;
                settled += 1;
            }
            Delivery::Refused(why) => {
                tracing::warn!(booking_code = %row.booking_code, rank = row.rank, %why, "BPJS refused a report");
                store.bpjs_failed(row.id, &why).await?;
                settled += 1;
            }
            Delivery::Later { uncertain, why } => {
                let next = wall_clock() + backoff(row.attempts + 1);
                store
                    .bpjs_retry_later(row.id, next, uncertain, &why)
                    .await?;
            }
        }
    }
    Ok(settled)
}

/// The outcome of one try.
enum Delivery {
    /// BPJS holds the report (it took it now, or had it already).
    Held,
    /// BPJS refused it: an admin must look.
    Refused(String),
    /// Not delivered now; `uncertain` when BPJS may nevertheless have it.
    Later { uncertain: bool, why: String },
}

async fn deliver(client: &BpjsClient, row: &OutboxRow) -> Delivery {
    if row.uncertain {
        // The last try got no answer: ask BPJS whether it holds the report before sending it
        // again, so that nothing is reported twice.
        match client.held_tasks(&row.booking_code).await {
            Ok(Some(tasks)) => {
                let held = match row.task() {
                    None => true,
                    Some(task) => tasks.iter().any(|t| t.taskid == task.code()),
                };
                if held {
                    return Delivery::Held;
                }
            }
            Ok(None) => {}
            Err(err) => return later(row.uncertain, err),
        }
    }
    let body = match serde_json::from_str(&row.body) {
        Ok(body) => body,
        Err(err) => return Delivery::Refused(format!("the stored report is not JSON: {err}")),
    };
    match client.report(row.rank, &body).await {
        Ok(Answer::Done(_) | Answer::AlreadyThere(_)) => Delivery::Held,
        Ok(Answer::Refused { code, message }) => Delivery::Refused(format!("{code}: {message}")),
        Err(err @ CallError::NoAnswer(_)) => later(true, err),
        Err(err) => later(row.uncertain, err),
    }
}

fn later(uncertain: bool, err: CallError) -> Delivery {
    if let CallError::Credentials(_) = err {
        tracing::error!(error = %err, "BPJS bridge: check GILIRAN_BPJS_CONS_ID, the secret and user keys, and this server's clock");
    }
    Delivery::Later {
        uncertain,
        why: err.to_string(),
    }
}

/// 1 s, 2 s, 4 s … up to [`MAX_BACKOFF`], each stretched by up to a quarter at random so that
/// replicas and reports do not all come back at the same instant.
fn backoff(attempts: i64) -> chrono::Duration {
    let doublings = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    let base = Duration::from_secs(1)
        .saturating_mul(1 << doublings.min(16))
        .min(MAX_BACKOFF);
    let jitter = base.mul_f64(rand::rng().random_range(0.0..0.25));
    chrono::Duration::from_std(base + jitter).unwrap_or(chrono::Duration::seconds(300))
}

/// Retries are scheduled on the real clock: a test's stopped clock must not stop them.
fn wall_clock() -> DateTime<Utc> {
    truncate_to_micros(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_keeps_its_first_time_until_a_pass_succeeds() {
        let problem = Problem::default();
        problem.note(Err("database away".into()));
        let (since, _) = problem.current().unwrap();
        problem.note(Err("still away".into()));
        assert_eq!(problem.current(), Some((since, "still away".to_owned())));
        problem.note(Ok(()));
        assert_eq!(problem.current(), None);
    }

    #[test]
    fn back_off_doubles_up_to_five_minutes() {
        let secs = |n| backoff(n).num_milliseconds() as f64 / 1000.0;
        assert!((1.0..1.25).contains(&secs(1)));
        assert!((2.0..2.5).contains(&secs(2)));
        assert!((8.0..10.0).contains(&secs(4)));
        assert!((300.0..375.0).contains(&secs(30)));
    }
}
