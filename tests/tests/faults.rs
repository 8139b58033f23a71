//! Fault tests, fast versions (docs/PERFORMANCE.md has the long ones): the real server binary
//! under the load tool's simulated hospital, while it is killed with SIGKILL, its PostgreSQL is
//! stopped, it runs as two replicas, or the network between clients and server is cut. After
//! each, the invariants must hold: every ticket answered 201 exists, numbers are unique per
//! service and day, no ticket was called by two counters, and every call reached every display
//! exactly once.

use std::path::Path;
use std::time::Duration;

use giliran_load::Hospital;
use giliran_load::pg::{Cluster, Durability};
use giliran_load::scenarios::{kill_regularly, quiet_plan};
use giliran_load::server_process::{ServerProcess, ServerSpec};
use giliran_load::traffic::{Finished, Plan, Traffic};
use giliran_tests::{Backend, Relay, on_both_backends, pg};

/// The server built from the server's own `main.rs` by this package.
const SERVER: &str = env!("CARGO_BIN_EXE_giliran-server-under-test");
const ADMIN_PASSWORD: &str = "fault-admin-password";

/// A hospital at work: a few patients and counters, displays listening.
fn busy_day() -> Plan {
    Plan {
        patients: 4,
        patient_pause: Duration::from_millis(20),
        tracks_per_ticket: 1,
        cancel_percent: 3,
        desks: 4,
        service_time: Duration::from_millis(30),
        idle_poll: Duration::from_millis(20),
        recall_percent: 10,
        skip_percent: 5,
        displays: 3,
        ..quiet_plan()
    }
}

/// A database for one test and what keeps it alive.
struct Database {
    url: String,
    _dir: tempfile::TempDir,
}

async fn database(backend: Backend) -> Database {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match backend {
        Backend::Sqlite => dir.path().join("giliran.db").display().to_string(),
        Backend::Postgres => pg::fresh_database().await.expect("a PostgreSQL database"),
    };
    Database { url, _dir: dir }
}

async fn server_on(database_url: &str) -> ServerProcess {
    ServerProcess::start(ServerSpec::for_load(
        Path::new(SERVER),
        database_url,
        ADMIN_PASSWORD,
    ))
    .await
    .expect("the server starts")
}

async fn hospital(server: &ServerProcess) -> Hospital {
    Hospital::prepare(&server.url(), ADMIN_PASSWORD, 4, 3)
        .await
        .expect("the hospital is set up")
}

async fn finish(traffic: &mut Traffic, database_url: &str) -> Finished {
    let finished = traffic
        .finish_and_check(database_url)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    eprintln!(
        "ran {:.1?}: {:?}; errors seen: {}",
        finished.elapsed,
        finished.checked,
        errors(traffic)
    );
    finished
}

/// Every failed attempt of the run, for the log and for checking a fault was felt.
fn errors(traffic: &Traffic) -> String {
    traffic
        .metrics
        .summary(Duration::from_secs(1), None)
        .iter()
        .flat_map(|op| {
            op.errors
                .iter()
                .map(move |(kind, n)| format!("{} {kind} ×{n}", op.name))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Waits until the run has issued `more` tickets beyond what it had: the load goes on.
async fn issued_more(traffic: &Traffic, more: usize, within: Duration) {
    let target = traffic.ledger.issued_count() + more;
    let deadline = tokio::time::Instant::now() + within;
    while traffic.ledger.issued_count() < target {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {more} new tickets within {within:?}; errors: {}",
            errors(traffic)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

on_both_backends!(
    mixed_load_keeps_every_invariant,
    kill_9_during_load_loses_nothing,
    killed_again_and_again_loses_nothing,
    network_cuts_lose_and_repeat_nothing,
);

async fn mixed_load_keeps_every_invariant(backend: Backend) {
    let db = database(backend).await;
    let server = server_on(&db.url).await;
    let hospital = hospital(&server).await;
    let mut traffic = Traffic::start(&hospital, &busy_day()).await.expect("load");
    tokio::time::sleep(Duration::from_secs(4)).await;
    let finished = finish(&mut traffic, &db.url).await;
    assert!(
        finished.checked.answered_201 >= 40,
        "{:?}",
        finished.checked
    );
    assert!(finished.checked.calls >= 20, "{:?}", finished.checked);
    assert_eq!(errors(&traffic), "", "no fault, so no failed request");
}

async fn kill_9_during_load_loses_nothing(backend: Backend) {
    let db = database(backend).await;
    let mut server = server_on(&db.url).await;
    let hospital = hospital(&server).await;
    let mut traffic = Traffic::start(&hospital, &busy_day()).await.expect("load");
    issued_more(&traffic, 30, Duration::from_secs(20)).await;
    server.kill().await.expect("SIGKILL");
    tokio::time::sleep(Duration::from_millis(500)).await;
    server.restart().await.expect("the server starts again");
    issued_more(&traffic, 30, Duration::from_secs(30)).await;
    let finished = finish(&mut traffic, &db.url).await;
    assert!(
        errors(&traffic).contains("network"),
        "clients felt the kill: {}",
        errors(&traffic)
    );
    assert!(
        finished.displays.iter().all(|d| d.disconnects >= 1),
        "every display lost its stream"
    );
}

/// The fast version of `giliran-load bench --kill-every`: the same loop, killed every two
/// seconds.
async fn killed_again_and_again_loses_nothing(backend: Backend) {
    let db = database(backend).await;
    let mut server = server_on(&db.url).await;
    let hospital = hospital(&server).await;
    let mut traffic = Traffic::start(&hospital, &busy_day()).await.expect("load");
    let kills = kill_regularly(&mut server, Duration::from_secs(2), Duration::from_secs(7))
        .await
        .expect("killed and restarted");
    assert_eq!(kills, 3);
    issued_more(&traffic, 10, Duration::from_secs(30)).await;
    let finished = finish(&mut traffic, &db.url).await;
    assert!(
        finished.displays.iter().all(|d| d.disconnects >= 3),
        "every display lost its stream at each kill: {:?}",
        finished
            .displays
            .iter()
            .map(|d| d.disconnects)
            .collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_and_started_during_load_answers_503_then_recovers() {
    let cluster = Cluster::start(Durability::Fast)
        .await
        .expect("a private PostgreSQL cluster");
    let url = cluster.fresh_database().await.expect("a database");
    let server = server_on(&url).await;
    let hospital = hospital(&server).await;
    let mut traffic = Traffic::start(&hospital, &busy_day()).await.expect("load");
    issued_more(&traffic, 30, Duration::from_secs(20)).await;

    cluster.stop().await.expect("PostgreSQL stops");
    // While the database is away: the contract's 503, promptly.
    let http = reqwest::Client::new();
    let service = hospital.services[0].id;
    let asked = std::time::Instant::now();
    let response = http
        .post(format!("{}/api/v1/tickets", server.url()))
        .json(&serde_json::json!({"service_id": service}))
        .timeout(Duration::from_secs(60))
        .send()
        .await
        .expect("the server answers");
    let waited = asked.elapsed();
    assert_eq!(response.status().as_u16(), 503);
    let body: serde_json::Value = response.json().await.expect("a JSON body");
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    assert!(waited < Duration::from_secs(10), "503 after {waited:?}");
    let health = http
        .get(format!("{}/healthz", server.url()))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(
        health.status().as_u16(),
        503,
        "healthz tells the database is away"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;

    cluster
        .start_again()
        .await
        .expect("PostgreSQL starts again");
    // The same server process carries on by itself.
    issued_more(&traffic, 30, Duration::from_secs(30)).await;
    finish(&mut traffic, &url).await;
    assert!(
        errors(&traffic).contains("503 unavailable"),
        "clients were told the database was away: {}",
        errors(&traffic)
    );
    assert!(
        !errors(&traffic).contains("500"),
        "a database away is a 503, never a 500: {}\n{}",
        errors(&traffic),
        server.log_tail().join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_postgres_share_the_queue_and_the_calls() {
    let db = database(Backend::Postgres).await;
    let first = server_on(&db.url).await;
    let second = server_on(&db.url).await;
    let mut hospital = hospital(&first).await;
    // Patients, counters and displays alike alternate between the replicas, so calls made on
    // one must reach displays on the other.
    hospital
        .spread_over(&[first.url(), second.url()])
        .expect("clients spread");
    let plan = Plan {
        displays: 4,
        ..busy_day()
    };
    let mut traffic = Traffic::start(&hospital, &plan).await.expect("load");
    tokio::time::sleep(Duration::from_secs(4)).await;
    let finished = finish(&mut traffic, &db.url).await;
    assert!(finished.checked.calls >= 20, "{:?}", finished.checked);
    assert_eq!(errors(&traffic), "");
}

async fn network_cuts_lose_and_repeat_nothing(backend: Backend) {
    let db = database(backend).await;
    let server = server_on(&db.url).await;
    let relay = Relay::start(server.addr()).await;
    let mut hospital = hospital(&server).await;
    hospital
        .spread_over(&[relay.url()])
        .expect("clients behind the relay");
    let mut traffic = Traffic::start(&hospital, &busy_day()).await.expect("load");
    for _ in 0..3 {
        issued_more(&traffic, 10, Duration::from_secs(20)).await;
        // Connections die mid-request with no goodbye, and new ones are refused for a moment.
        relay.cut();
        tokio::time::sleep(Duration::from_millis(300)).await;
        relay.reopen(server.addr());
    }
    issued_more(&traffic, 10, Duration::from_secs(20)).await;
    let finished = finish(&mut traffic, &db.url).await;
    assert!(
        finished.displays.iter().all(|d| d.disconnects >= 3),
        "each display lost its stream three times: {:?}",
        finished
            .displays
            .iter()
            .map(|d| d.disconnects)
            .collect::<Vec<_>>()
    );
    assert!(errors(&traffic).contains("network"), "{}", errors(&traffic));
}
