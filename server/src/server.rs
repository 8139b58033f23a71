//! Starting and stopping a server: connect, migrate, seed, serve, and expire tickets when a
//! business day ends.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::{self, AppState};
use crate::clock::Clock;
use crate::config::{Config, TlsFiles};
use crate::db::Db;
use crate::limits::Limits;
use crate::store::{SeedOutcome, Store};
use crate::stream::{self, Hub};

/// A server running in this process.
pub struct Running {
    pub addr: SocketAddr,
    pub store: Store,
    pub hub: Hub,
    stop: watch::Sender<bool>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Stops accepting, lets requests in flight finish, and closes the database.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        self.task.await.context("server task")?
    }

    /// Waits until the server stops on its own (it does not, unless it fails).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.task.await.context("server task")?
    }
}

/// Connects to the database, prepares it and starts serving on `listener`.
pub async fn start(
    config: Config,
    clock: Arc<dyn Clock>,
    listener: TcpListener,
) -> anyhow::Result<Running> {
    let db = Db::connect(&config.database, &config.pool)
        .await
        .with_context(|| format!("opening the database {}", config.database.redacted()))?;
    let store = Store::new(db, config.calendar, config.policy);
    match store
        .seed(config.admin_password.as_deref(), clock.now())
        .await?
    {
        SeedOutcome::Seeded {
            generated_password: Some(password),
        } => tracing::warn!(
            "first start: created user `admin` with password {password} — it is shown only this once; \
             log in and change it, or set GILIRAN_ADMIN_PASSWORD before the first start"
        ),
        SeedOutcome::Seeded { .. } => {
            tracing::info!("first start: created user `admin` and the default services")
        }
        SeedOutcome::AlreadySeeded => {}
    }
    let expired = store.expire_past_days(clock.now()).await?;
    if expired > 0 {
        tracing::info!(expired, "expired open tickets of past business days");
    }

    let tls = match &config.tls {
        Some(files) => Some(load_tls(files).await?),
        None => None,
    };
    let addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let hub = Hub::new(config.max_streams, config.stream_buffer);
    let limits = Limits::new(config.limits.clone());
    let bpjs = config.bpjs.as_ref().map(|bridge| {
        tracing::info!(url = %bridge.base_url, "BPJS antrean bridge on");
        Arc::new(crate::bpjs::Bridge::new(bridge))
    });
    let state = AppState {
        bpjs: bpjs.clone(),
        store: store.clone(),
        clock: Arc::clone(&clock),
        hub: hub.clone(),
        limits: limits.clone(),
        secure_cookies: config.tls.is_some(),
        bpjs_ws: config.bpjs_ws.clone().map(Arc::new),
    };
    let pump = tokio::spawn(stream::pump(store.clone(), hub.clone(), stopped.clone()));
    let rollover = tokio::spawn(expire_at_day_end(
        store.clone(),
        Arc::clone(&clock),
        config.rollover_check,
        stopped.clone(),
    ));
    let forget = tokio::spawn(forget_idle_clients(limits, stopped.clone()));
    let bridge_tasks = match &bpjs {
        Some(bridge) => bridge.spawn(store.clone(), Arc::clone(&clock), stopped.clone()),
        None => Vec::new(),
    };
    let app = api::router(state, &config.http).into_make_service_with_connect_info::<SocketAddr>();
    let task_store = store.clone();
    let task_hub = hub.clone();
    let handle = axum_server::Handle::new();
    let listener = listener.into_std()?;
    let header_timeout = config.http.request_timeout.min(HEADER_READ_TIMEOUT);
    let serving: std::pin::Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>> = match tls {
        Some(tls) => {
            let mut server = axum_server::from_tcp_rustls(listener, tls)?;
            slow_clients_time_out(server.http_builder(), header_timeout);
            Box::pin(server.handle(handle.clone()).serve(app))
        }
        None => {
            let mut server = axum_server::from_tcp(listener)?;
            slow_clients_time_out(server.http_builder(), header_timeout);
            Box::pin(server.handle(handle.clone()).serve(app))
        }
    };
    let task = tokio::spawn(async move {
        let shutdown = tokio::spawn(async move {
            until_stopped(stopped).await;
            task_hub.close();
            // Requests in flight get this long to finish; event streams were just closed.
            handle.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
        });
        let served = serving.await;
        shutdown.abort();
        rollover.abort();
        pump.abort();
        forget.abort();
        bridge_tasks.iter().for_each(JoinHandle::abort);
        task_store.db.close().await;
        served.context("serving HTTP")
    });
    tracing::info!(%addr, backend = ?store.db.dialect(), https = config.tls.is_some(), "listening");
    Ok(Running {
        addr,
        store,
        hub,
        stop,
        task,
    })
}

/// Runs until `shutdown` resolves, then stops gracefully.
pub async fn run(
    config: Config,
    clock: Arc<dyn Clock>,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let running = start(config, clock, listener).await?;
    shutdown.await;
    tracing::info!("shutting down");
    running.stop().await
}

async fn until_stopped(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}

/// How long the event log is kept: a client offline longer gets a snapshot instead.
const EVENT_RETENTION: chrono::Duration = chrono::Duration::days(3);

/// Checks regularly whether the business day has turned, rather than sleeping until midnight:
/// the clock may jump (NTP, a test), and a missed check only delays expiry by one interval.
async fn expire_at_day_end(
    store: Store,
    clock: Arc<dyn Clock>,
    every: std::time::Duration,
    mut stopped: watch::Receiver<bool>,
) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = stopped.wait_for(|s| *s) => return,
        }
        let now = clock.now();
        match store.expire_past_days(now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(expired = n, "business day ended: expired open tickets"),
            Err(err) => tracing::warn!(error = %err, "could not expire past tickets; will retry"),
        }
        if let Err(err) = store.prune_events(now - EVENT_RETENTION).await {
            tracing::warn!(error = %err, "could not prune old events; will retry");
        }
    }
}

/// Every minute, drops what the abuse limits remember of clients that went quiet.
async fn forget_idle_clients(limits: Limits, mut stopped: watch::Receiver<bool>) {
    let mut ticker = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tokio::select! {
            _ = ticker.tick() => limits.forget_idle(),
            _ = stopped.wait_for(|s| *s) => return,
        }
    }
}

/// Reads the certificate and key, refusing to start with ones that cannot serve.
async fn load_tls(files: &TlsFiles) -> anyhow::Result<axum_server::tls_rustls::RustlsConfig> {
    // rustls is built with ring only; this makes it the provider whoever asks first.
    let _ = rustls::crypto::ring::default_provider().install_default();
    axum_server::tls_rustls::RustlsConfig::from_pem_file(&files.cert, &files.key)
        .await
        .with_context(|| {
            format!(
                "reading the TLS certificate {} and key {}",
                files.cert.display(),
                files.key.display()
            )
        })
}

/// Longest a client may take to send its request headers.
const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A client that opens connections and dribbles its headers (slowloris) would hold them open
/// for ever; after `timeout` without complete headers the connection is closed.
fn slow_clients_time_out(
    builder: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>,
    timeout: std::time::Duration,
) {
    builder
        .http1()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(timeout);
}
