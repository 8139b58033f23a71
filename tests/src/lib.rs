//! Test harness shared by Giliran's end-to-end, load and fault tests: a real server on a random
//! local port over a fresh SQLite file or PostgreSQL database, a clock the test moves, and an
//! HTTP client speaking the core's wire types.

pub mod display_process;
pub mod fake_bpjs;
pub mod ocr;
mod relay;
pub mod spreadsheet;

pub use giliran_load::{pg, server_process};

pub use relay::Relay;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use giliran_core::wire::{ErrorCode, IssuedTicket, LoginResponse, Service, Ticket, User};
use giliran_server::clock::Clock;
use giliran_server::config::Args;
use giliran_server::server::Running;
use giliran_server::store::Store;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

/// The database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each named `async fn(Backend)` as two tests, `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Backend::Postgres).await
                }
            )*
        }
    };
}

/// A clock the test sets; starts at 08:00 WIB on a Monday.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> ManualClock {
        ManualClock(Mutex::new(at))
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// 2026-11-23 08:00 in Jakarta.
pub fn monday_morning() -> DateTime<Utc> {
    "2026-11-23T01:00:00Z".parse().unwrap_or_default()
}

/// The admin password every test server starts with.
pub const ADMIN_PASSWORD: &str = "rahasia-admin-123";

/// The password of staff accounts the tests create.
pub const STAFF_PASSWORD: &str = "kata-sandi-loket";

/// An answer: its status and JSON body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    /// The body as a wire type; panics with the body when it does not parse.
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_value(self.body.clone())
            .unwrap_or_else(|e| panic!("{e}: cannot read {} as the expected type", self.body))
    }

    /// The contract error code, checking the body has exactly the contract's shape.
    /// Reads a response that a test sent itself (to look at its headers first).
    pub async fn from_response(response: reqwest::Response) -> Reply {
        into_reply(response).await
    }

    pub fn error_code(&self) -> ErrorCode {
        let error = self
            .body
            .get("error")
            .unwrap_or_else(|| panic!("no error in {}", self.body));
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            self.body
        );
        serde_json::from_value(error["code"].clone()).unwrap_or(ErrorCode::Unknown)
    }

    /// Asserts status and error code together, showing the body when they differ.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: ErrorCode) {
        assert_eq!(
            (self.status.as_u16(), self.error_code()),
            (status, code),
            "body: {}",
            self.body
        );
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert!(self.status.is_success(), "{}: {}", self.status, self.body);
        self
    }
}

/// Limits high enough that no functional test meets them.
const RELAXED_LIMITS: [&str; 10] = [
    "--tickets-per-ip-per-minute",
    "1000000",
    "--tickets-per-device-per-minute",
    "1000000",
    "--lookups-per-ip-per-minute",
    "1000000",
    "--login-failures-before-lockout",
    "1000000",
    "--streams-per-ip",
    "1000000",
];

/// A server on 127.0.0.1 with its own database.
pub struct TestServer {
    pub backend: Backend,
    /// Where its data lives: a SQLite path or a PostgreSQL URL.
    pub database_url: String,
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    pub clock: Arc<ManualClock>,
    running: Option<Running>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        TestServer::start_with(backend, &[]).await
    }

    /// Starts with extra command-line flags, as an admin would pass them.
    pub async fn start_with(backend: Backend, flags: &[&str]) -> TestServer {
        TestServer::start_fresh(backend, flags, None).await
    }

    /// Starts with the kernel's send buffer of every accepted connection fixed at `bytes`, so a
    /// client that stops reading blocks the server after that much instead of megabytes.
    pub async fn start_with_send_buffer(
        backend: Backend,
        flags: &[&str],
        bytes: u32,
    ) -> TestServer {
        TestServer::start_fresh(backend, flags, Some(bytes)).await
    }

    async fn start_fresh(backend: Backend, flags: &[&str], send_buffer: Option<u32>) -> TestServer {
        let started = async {
            let dir = tempfile::tempdir()?;
            let database_url = match backend {
                Backend::Sqlite => dir.path().join("giliran.db").display().to_string(),
                Backend::Postgres => pg::fresh_database().await?,
            };
            let clock = Arc::new(ManualClock::new(monday_morning()));
            TestServer::try_start_on(backend, database_url, dir, clock, flags, send_buffer).await
        };
        started
            .await
            .unwrap_or_else(|e| panic!("starting a {backend:?} test server: {e:#}"))
    }

    /// Another server process on the same database (a replica, or the same server restarted),
    /// with the same clock.
    pub async fn another_on_same_database(&self) -> TestServer {
        self.on_same_database(tempfile::tempdir().expect("temp dir"))
            .await
    }

    /// Stops this server and starts a new one on its database: a restart.
    pub async fn restart(mut self) -> TestServer {
        if let Some(running) = self.running.take() {
            running.stop().await.expect("server stops cleanly");
        }
        let dir = std::mem::replace(&mut self._dir, tempfile::tempdir().expect("temp dir"));
        self.on_same_database(dir).await
    }

    /// A replica on the same database with these flags, and the same clock.
    pub async fn another_with(&self, flags: &[&str]) -> TestServer {
        self.started_on_same_database(tempfile::tempdir().expect("temp dir"), flags)
            .await
    }

    async fn on_same_database(&self, dir: tempfile::TempDir) -> TestServer {
        self.started_on_same_database(dir, &[]).await
    }

    async fn started_on_same_database(&self, dir: tempfile::TempDir, flags: &[&str]) -> TestServer {
        TestServer::try_start_on(
            self.backend,
            self.database_url.clone(),
            dir,
            Arc::clone(&self.clock),
            flags,
            None,
        )
        .await
        .unwrap_or_else(|e| panic!("starting on the same database: {e:#}"))
    }

    async fn try_start_on(
        backend: Backend,
        database_url: String,
        dir: tempfile::TempDir,
        clock: Arc<ManualClock>,
        flags: &[&str],
        send_buffer: Option<u32>,
    ) -> anyhow::Result<TestServer> {
        let mut argv = vec![
            "giliran-server",
            "--database-url",
            &database_url,
            "--listen",
            "127.0.0.1:0",
            "--admin-password",
            ADMIN_PASSWORD,
        ];
        // Every test client is 127.0.0.1: the abuse limits would get in the way of tests of
        // other things. Tests of a limit pass their own value for it instead.
        for pair in RELAXED_LIMITS.chunks(2) {
            if !flags.contains(&pair[0]) {
                argv.extend_from_slice(pair);
            }
        }
        argv.extend_from_slice(flags);
        let mut config = <Args as clap::Parser>::try_parse_from(argv)?
            .validate()
            .map_err(anyhow::Error::msg)?;
        config.rollover_check = Duration::from_millis(100);
        let socket = tokio::net::TcpSocket::new_v4()?;
        if let Some(bytes) = send_buffer {
            // Accepted connections inherit the listener's buffer size (Linux).
            socket.set_send_buffer_size(bytes)?;
        }
        socket.bind("127.0.0.1:0".parse()?)?;
        let listener = socket.listen(1024)?;
        let running = giliran_server::server::start(config, clock.clone(), listener).await?;
        Ok(TestServer {
            backend,
            database_url,
            addr: running.addr,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .context("http client")?,
            clock,
            running: Some(running),
            _dir: dir,
        })
    }

    /// The server's stream hub, for checks an API client cannot make.
    pub fn hub(&self) -> &giliran_server::stream::Hub {
        match &self.running {
            Some(running) => &running.hub,
            None => unreachable!("the server runs until stop"),
        }
    }

    /// The server's store, for checks an API client cannot make.
    pub fn store(&self) -> &Store {
        match &self.running {
            Some(running) => &running.store,
            None => unreachable!("the server runs until stop"),
        }
    }

    /// Stops the server, after checking what every test's changes must leave true: each
    /// service's kept count of waiting tickets matches its tickets.
    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            let miscounted: Vec<(Uuid, NaiveDate, i64, i64)> = running
                .store
                .db
                .fetch_all(giliran_load::ledger::MISCOUNTED, Vec::new())
                .await
                .expect("reading the waiting counts");
            assert!(
                miscounted.is_empty(),
                "kept waiting counts differ from the tickets (service, day, kept, actual): {miscounted:?}"
            );
            running.stop().await.expect("server stops cleanly");
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request reaches the server");
        into_reply(response).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.send(Method::POST, path, token, Some(body)).await
    }

    /// Sends raw bytes with a content type, for malformed bodies.
    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Reply {
        let mut request = self.http.post(self.url(path)).body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        into_reply(request.send().await.expect("request reaches the server")).await
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let reply = self
            .post(
                "/api/v1/auth/login",
                None,
                json!({"username": username, "password": password}),
            )
            .await;
        reply.assert_ok();
        reply.json::<LoginResponse>().token
    }

    pub async fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    pub async fn services(&self) -> Vec<Service> {
        self.get("/api/v1/services", None).await.assert_ok().json()
    }

    pub async fn service(&self, code: &str) -> Service {
        self.services()
            .await
            .into_iter()
            .find(|s| s.code == code)
            .unwrap_or_else(|| panic!("no service {code}"))
    }

    /// The id of the counter with this number.
    pub async fn counter_id(&self, admin_token: &str, number: u32) -> Uuid {
        let counters: Vec<giliran_core::wire::Counter> = self
            .get("/api/v1/admin/counters", Some(admin_token))
            .await
            .assert_ok()
            .json();
        counters
            .into_iter()
            .find(|c| c.number == number)
            .unwrap_or_else(|| panic!("no counter {number}"))
            .id
    }

    /// Creates counter `number` ("Loket N") serving one service; returns its id.
    pub async fn create_counter(&self, admin_token: &str, number: u32, service_id: Uuid) -> Uuid {
        self.post(
            "/api/v1/admin/counters",
            Some(admin_token),
            json!({"number": number, "name": format!("Loket {number}"),
                   "service_ids": [service_id]}),
        )
        .await
        .assert_ok()
        .json::<giliran_core::wire::Counter>()
        .id
    }

    /// Takes a ticket for the service with `code`, with extra fields of the request.
    pub async fn take(&self, code: &str, extra: Value) -> IssuedTicket {
        let service = self.service(code).await;
        let mut body = json!({"service_id": service.id});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        let reply = self.post("/api/v1/tickets", None, body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        reply.json()
    }

    /// What the patient sees.
    pub async fn track(&self, issued: &IssuedTicket) -> Ticket {
        let reply = self
            .get(
                &format!("/api/v1/tickets/{}", issued.ticket.id),
                Some(&issued.tracking_token),
            )
            .await;
        reply.assert_ok();
        reply.json::<giliran_core::wire::TicketView>().ticket
    }

    /// The patient cancels their ticket with its tracking token.
    pub async fn cancel(&self, issued: &IssuedTicket) -> Reply {
        self.send(
            Method::DELETE,
            &format!("/api/v1/tickets/{}", issued.ticket.id),
            Some(&issued.tracking_token),
            None,
        )
        .await
    }

    /// `POST /api/v1/counters/{id}/{action}` with an empty body.
    pub async fn counter_action(&self, token: &str, counter: Uuid, action: &str) -> Reply {
        self.send(
            Method::POST,
            &format!("/api/v1/counters/{counter}/{action}"),
            Some(token),
            None,
        )
        .await
    }

    /// Calls the next patient; `None` when nobody waits.
    pub async fn call_next(&self, token: &str, counter: Uuid) -> Option<Ticket> {
        let reply = self.counter_action(token, counter, "call-next").await;
        reply.assert_ok();
        reply.json::<giliran_core::wire::TicketResult>().ticket
    }
}

/// A WebSocket subscriber of `/api/v1/events`.
pub struct Subscriber {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl TestServer {
    /// Creates a staff account at `counters` with [`STAFF_PASSWORD`], as the admin does.
    pub async fn create_staff(&self, admin: &str, username: &str, counters: &[Uuid]) -> User {
        let reply = self
            .post(
                "/api/v1/admin/users",
                Some(admin),
                json!({"username": username, "password": STAFF_PASSWORD, "role": "staff", "counters": counters}),
            )
            .await;
        assert_eq!(reply.status.as_u16(), 201, "{}", reply.body);
        reply.json()
    }

    /// A staff user at the given counters, logged in: their session token.
    pub async fn staff_at(&self, admin: &str, username: &str, counters: &[Uuid]) -> String {
        self.create_staff(admin, username, counters).await;
        self.login(username, STAFF_PASSWORD).await
    }

    /// Registers a display device, as an admin does.
    pub async fn create_display(&self, name: &str) -> giliran_core::wire::CreatedDisplayDevice {
        let admin = self.admin().await;
        let reply = self
            .post(
                "/api/v1/admin/displays",
                Some(&admin),
                serde_json::json!({ "name": name }),
            )
            .await;
        reply.assert_ok();
        reply.json()
    }

    /// A new display device's token.
    pub async fn display_token(&self) -> String {
        self.create_display("Ruang tunggu").await.token
    }

    /// The event stream as a waiting-room display sees it.
    pub async fn subscribe_display(&self) -> Subscriber {
        let token = self.display_token().await;
        self.subscribe(&format!("token={token}")).await
    }

    /// Opens the event stream with a query string such as `since=4&token=…`.
    pub async fn subscribe(&self, query: &str) -> Subscriber {
        self.try_subscribe(query)
            .await
            .unwrap_or_else(|e| panic!("subscribing with {query:?}: {e}"))
    }

    /// Whether the event stream accepts a subscription with `query` within `wait`, trying
    /// again every 50 ms: for places a closed stream gives back a moment later.
    pub async fn subscribes_within(&self, query: &str, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if self.try_subscribe(query).await.is_ok() {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Opens the event stream, or returns the handshake's refusal.
    pub async fn try_subscribe(
        &self,
        query: &str,
    ) -> Result<Subscriber, tokio_tungstenite::tungstenite::Error> {
        let url = format!("ws://{}/api/v1/events?{query}", self.addr);
        let (socket, _) = tokio_tungstenite::connect_async(url).await?;
        Ok(Subscriber { socket })
    }
}

impl Subscriber {
    /// The next stream message as text, or `None` when none comes within `wait`.
    pub async fn next_text(&mut self, wait: Duration) -> Option<String> {
        use futures_util::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let message = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .ok()??;
            match message.ok()? {
                Message::Text(text) => return Some(text.to_string()),
                Message::Close(_) => return None,
                _ => continue,
            }
        }
    }

    /// The next stream message; panics when none comes within five seconds.
    pub async fn next(&mut self) -> giliran_core::events::StreamMessage {
        let text = self
            .next_text(Duration::from_secs(5))
            .await
            .expect("a message within 5 s");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    /// Asserts that nothing more arrives within `wait`.
    pub async fn assert_quiet(&mut self, wait: Duration) {
        if let Some(text) = self.next_text(wait).await {
            panic!("expected no message, got {text}");
        }
    }

    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}

async fn into_reply(response: reqwest::Response) -> Reply {
    let status = response.status();
    let bytes = response.bytes().await.unwrap_or_default();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    Reply { status, body }
}

/// A tool a test runs that `scripts/test` installs outside the workspace (schemathesis,
/// kotlinc): the path in `env_var` when set (it must exist), else the copy under the tools cache
/// (`GILIRAN_CACHE`, default `~/.cache/giliran`) at `in_cache`, if installed there.
pub fn installed_tool(env_var: &str, in_cache: &str) -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    if let Some(path) = std::env::var_os(env_var) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "{env_var}={} is not a file; scripts/test installs the tool and sets it",
            path.display()
        );
        return Some(path);
    }
    std::env::var_os("GILIRAN_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/giliran")))
        .map(|cache| cache.join(in_cache))
        .filter(|path| path.is_file())
}
