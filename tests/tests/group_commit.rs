//! Group commit (`server/src/db/batch.rs`): changes that overlap in time share commits, and
//! still each happen whole or not at all — kept, refused by the database, given up by their
//! caller or cancelled midway; the events a change defers are written with it or not at all,
//! numbered without gaps. Runs on SQLite and PostgreSQL.

use std::collections::BTreeSet;
use std::time::Duration;

use giliran_server::db::{Arg, Db, Deferred};
use giliran_tests::{Backend, TestServer, on_both_backends};

on_both_backends!(
    concurrent_changes_share_commits_and_each_is_whole_or_absent,
    a_change_cancelled_while_it_runs_leaves_nothing_and_blocks_nobody,
);

/// What a change of the test does after writing its own row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ending {
    Commit,
    /// Writes a second row, then the caller returns an error without committing.
    GiveUp,
    /// Breaks a unique key: the database refuses the statement, the caller gives up.
    Refused,
}

fn ending(i: usize) -> Ending {
    match i % 5 {
        1 => Ending::GiveUp,
        3 => Ending::Refused,
        _ => Ending::Commit,
    }
}

async fn change(db: Db, i: usize) -> Result<(), String> {
    let mut tx = db.begin().await.map_err(|e| e.to_string())?;
    tx.execute(
        "INSERT INTO settings (key, value) VALUES ($1, $2)",
        vec![Arg::from(format!("batch-{i:03}")), Arg::from("kept")],
    )
    .await
    .map_err(|e| e.to_string())?;
    tx.defer(Deferred::Event {
        at: chrono::Utc::now(),
        payload: format!("batch-{i:03}"),
    })
    .map_err(|e| e.to_string())?;
    match ending(i) {
        Ending::Commit => tx.commit().await.map_err(|e| e.to_string()),
        Ending::GiveUp => {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ($1, $2)",
                vec![Arg::from(format!("batch-{i:03}-extra")), Arg::from("half")],
            )
            .await
            .map_err(|e| e.to_string())?;
            Err("given up".into())
        }
        Ending::Refused => {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ('business_day', 'twice')",
                Vec::new(),
            )
            .await
            .map_err(|e| e.to_string())?;
            Err("the database accepted a duplicate key".into())
        }
    }
}

async fn batch_keys(db: &Db) -> BTreeSet<String> {
    db.fetch_all::<(String,)>(
        "SELECT key FROM settings WHERE key LIKE 'batch-%' ORDER BY key",
        Vec::new(),
    )
    .await
    .expect("settings")
    .into_iter()
    .map(|(key,)| key)
    .collect()
}

/// The events written after `seq`, in order: (seq, payload).
async fn events_after(db: &Db, seq: i64) -> Vec<(i64, String)> {
    db.fetch_all(
        "SELECT seq, payload FROM events WHERE seq > $1 ORDER BY seq",
        vec![Arg::from(seq)],
    )
    .await
    .expect("events")
}

async fn concurrent_changes_share_commits_and_each_is_whole_or_absent(backend: Backend) {
    let server = TestServer::start(backend).await;
    let db = server.store().db.clone();
    let seq_before = i64::try_from(server.store().latest_seq().await.expect("seq")).unwrap();
    // The clinic's day is known, so `business_day` is a key a refused change can collide with.
    db.scalar::<String>(
        "SELECT value FROM settings WHERE key = 'business_day'",
        Vec::new(),
    )
    .await
    .expect("the server wrote today's business day at start");
    let (commits_before, changes_before) = db.commit_counts();

    const CHANGES: usize = 300;
    let tasks: Vec<_> = (0..CHANGES)
        .map(|i| tokio::spawn(change(db.clone(), i)))
        .collect();
    let mut expected = BTreeSet::new();
    for (i, task) in tasks.into_iter().enumerate() {
        let outcome = task.await.expect("no panic");
        match ending(i) {
            Ending::Commit => {
                outcome.unwrap_or_else(|e| panic!("change {i} failed: {e}"));
                expected.insert(format!("batch-{i:03}"));
            }
            Ending::GiveUp => assert_eq!(outcome, Err("given up".into())),
            Ending::Refused => {
                let err = outcome.expect_err("refused");
                assert!(err.to_lowercase().contains("unique"), "change {i}: {err}");
            }
        }
    }
    assert_eq!(
        batch_keys(&db).await,
        expected,
        "exactly the committed changes, each whole"
    );
    let events = events_after(&db, seq_before).await;
    let seqs: Vec<i64> = events.iter().map(|(seq, _)| *seq).collect();
    let gapless: Vec<i64> = (seq_before + 1..).take(events.len()).collect();
    assert_eq!(seqs, gapless, "events are numbered without gaps");
    let mut written: Vec<String> = events
        .into_iter()
        .map(|(_, payload)| payload)
        .filter(|payload| payload.starts_with("batch-"))
        .collect();
    written.sort();
    assert_eq!(
        written,
        Vec::from_iter(expected.iter().cloned()),
        "exactly the committed changes' events, once each"
    );

    let (commits, changes) = db.commit_counts();
    let (commits, changes) = (commits - commits_before, changes - changes_before);
    // The server's own day-end job commits now and then too.
    assert!(
        changes >= expected.len() as u64,
        "every kept change is counted: {changes}"
    );
    println!("{backend:?}: {changes} changes in {commits} commits");
    assert!(
        commits * 2 <= changes,
        "{changes} concurrent changes should share commits, not take {commits}"
    );
    server.stop().await;
}

async fn a_change_cancelled_while_it_runs_leaves_nothing_and_blocks_nobody(backend: Backend) {
    let server = TestServer::start(backend).await;
    let db = server.store().db.clone();
    let (entered_tx, entered) = tokio::sync::oneshot::channel();
    let stuck = tokio::spawn({
        let db = db.clone();
        async move {
            let mut tx = db.begin().await.expect("begin");
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ('batch-cancelled', 'no')",
                Vec::new(),
            )
            .await
            .expect("insert");
            let _ = entered_tx.send(());
            // Holds the shared transaction until cancelled, like a request whose client left.
            std::future::pending::<()>().await;
            tx.commit().await
        }
    });
    entered.await.expect("the change began");
    // Changes queued behind it wait; then it is cancelled and they go on.
    let later: Vec<_> = (0..4)
        .map(|i| tokio::spawn(change(db.clone(), i * 5)))
        .collect();
    tokio::time::sleep(Duration::from_millis(100)).await;
    stuck.abort();
    for task in later {
        tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .expect("changes after a cancelled one are not blocked")
            .expect("no panic")
            .expect("committed");
    }
    assert_eq!(
        batch_keys(&db).await,
        ["batch-000", "batch-005", "batch-010", "batch-015"]
            .map(String::from)
            .into(),
    );
    server.stop().await;
}
