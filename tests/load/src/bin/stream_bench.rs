//! `giliran-stream-bench`: how fast one call reaches many waiting-room subscribers, and what
//! idle subscribers cost the server. It starts the real server binary on a throwaway SQLite file
//! (or `--database-url`), opens `--subscribers` display streams, makes `--calls` calls and prints
//! delivery latency percentiles and the server's resident memory. Loopback only.
//!
//! Build in release, then: `target/release/giliran-stream-bench --subscribers 10000`

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use futures_util::StreamExt;
use giliran_load::server_process::{ServerProcess, ServerSpec};
use hdrhistogram::Histogram;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

#[derive(Debug, Parser)]
#[command(about = "Fan-out latency and memory of Giliran's event stream")]
struct Args {
    /// Display streams to open.
    #[arg(long, default_value_t = 10_000)]
    subscribers: usize,
    /// Calls to make and time.
    #[arg(long, default_value_t = 20)]
    calls: usize,
    /// The server binary; by default the one next to this program.
    #[arg(long)]
    server: Option<PathBuf>,
    /// Database for the server; by default a SQLite file in a temporary directory.
    #[arg(long)]
    database_url: Option<String>,
}

const ADMIN_PASSWORD: &str = "bench-admin-password";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let server_bin = match &args.server {
        Some(path) => path.clone(),
        None => std::env::current_exe()?
            .parent()
            .context("program directory")?
            .join("giliran-server"),
    };
    let database_url = args
        .database_url
        .clone()
        .unwrap_or_else(|| dir.path().join("bench.db").display().to_string());
    let server = ServerProcess::start(ServerSpec::for_load(
        &server_bin,
        &database_url,
        ADMIN_PASSWORD,
    ))
    .await?;
    let base = server.url();
    let http = reqwest::Client::new();
    let baseline = server.rss_kib()?;

    // Subscribe.
    let started = Instant::now();
    let epoch = Instant::now();
    let call_started = Arc::new(AtomicU64::new(0));
    let expected_call = Arc::new(AtomicU64::new(0));
    let (latency_tx, mut latency_rx) = mpsc::unbounded_channel::<(u64, u64)>();
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<()>();
    let token = login(&http, &base).await?;
    let display: Value = http
        .post(format!("{base}/api/v1/admin/displays"))
        .bearer_auth(&token)
        .json(&json!({"name": "bench"}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let display_token = display["token"].as_str().context("display token")?;
    let ws_url = format!(
        "{}/api/v1/events?token={display_token}",
        base.replacen("http", "ws", 1)
    );
    let mut connect_failures = 0usize;
    for batch in (0..args.subscribers).collect::<Vec<_>>().chunks(250) {
        let mut pending = Vec::new();
        for _ in batch {
            pending.push(tokio_tungstenite::connect_async(ws_url.clone()));
        }
        for connected in futures_util::future::join_all(pending).await {
            let Ok((socket, _)) = connected else {
                connect_failures += 1;
                continue;
            };
            let (ready, latency) = (ready_tx.clone(), latency_tx.clone());
            let (call_started, expected_call) =
                (Arc::clone(&call_started), Arc::clone(&expected_call));
            tokio::spawn(async move {
                let (_, mut read) = socket.split();
                while let Some(Ok(message)) = read.next().await {
                    let Message::Text(text) = message else {
                        continue;
                    };
                    // Only snapshots and calls matter here, and only a call's number: reading
                    // that much keeps the measuring client's share of the two cores small.
                    if text.starts_with("{\"type\":\"snapshot\"") {
                        let _ = ready.send(());
                        continue;
                    }
                    if !text.contains("\"kind\":\"called\"") {
                        continue;
                    }
                    let number = text
                        .split("\"number\":\"")
                        .nth(1)
                        .and_then(|rest| rest.get(2..rest.find('"')?))
                        .and_then(|digits| digits.parse::<u64>().ok())
                        .unwrap_or(0);
                    if number == expected_call.load(Ordering::Acquire) {
                        let now = epoch.elapsed().as_micros() as u64;
                        let sent = call_started.load(Ordering::Acquire);
                        let _ = latency.send((number, now.saturating_sub(sent)));
                    }
                }
            });
        }
    }
    drop(ready_tx);
    let connected = args.subscribers - connect_failures;
    let mut ready = 0;
    while ready < connected {
        match tokio::time::timeout(Duration::from_secs(60), ready_rx.recv()).await {
            Ok(Some(())) => ready += 1,
            _ => break,
        }
    }
    let connect_time = started.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle = server.rss_kib()?;

    // Call.
    let services: Vec<Value> = http
        .get(format!("{base}/api/v1/services"))
        .send()
        .await?
        .json()
        .await?;
    let service_id = services[0]["id"].clone();
    let counters: Vec<Value> = http
        .get(format!("{base}/api/v1/counters"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let counter_id = counters[0]["id"].as_str().context("counter id")?.to_owned();
    for _ in 0..args.calls {
        http.post(format!("{base}/api/v1/tickets"))
            .json(&json!({"service_id": service_id}))
            .send()
            .await?
            .error_for_status()?;
    }
    let mut histogram = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let mut delivered = 0usize;
    for call in 1..=args.calls as u64 {
        expected_call.store(call, Ordering::Release);
        call_started.store(epoch.elapsed().as_micros() as u64, Ordering::Release);
        http.post(format!("{base}/api/v1/counters/{counter_id}/call-next"))
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        let mut got = 0;
        while got < ready {
            match tokio::time::timeout_at(deadline, latency_rx.recv()).await {
                Ok(Some((number, micros))) if number == call => {
                    histogram.record(micros.max(1))?;
                    got += 1;
                }
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        delivered += got;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let after = server.rss_kib()?;

    println!(
        "giliran-stream-bench: {} display subscribers, {} calls",
        args.subscribers, args.calls
    );
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| subscribers connected (snapshot received) | {ready} of {} |",
        args.subscribers
    );
    println!(
        "| time to connect all | {:.1} s |",
        connect_time.as_secs_f64()
    );
    println!(
        "| call deliveries | {delivered} of {} |",
        ready * args.calls
    );
    for (name, q) in [("p50", 0.50), ("p90", 0.90), ("p99", 0.99)] {
        println!(
            "| call → subscriber latency {name} | {:.1} ms |",
            histogram.value_at_quantile(q) as f64 / 1000.0
        );
    }
    println!(
        "| call → subscriber latency max | {:.1} ms |",
        histogram.max() as f64 / 1000.0
    );
    println!(
        "| server RSS before subscribers | {:.1} MiB |",
        baseline as f64 / 1024.0
    );
    println!(
        "| server RSS with subscribers idle | {:.1} MiB |",
        idle as f64 / 1024.0
    );
    println!(
        "| server RSS after the calls | {:.1} MiB |",
        after as f64 / 1024.0
    );

    drop(server);
    if delivered < ready * args.calls {
        bail!("some calls did not reach every subscriber");
    }
    Ok(())
}

async fn login(http: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let reply: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": ADMIN_PASSWORD}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(reply["token"].as_str().context("token")?.to_owned())
}
