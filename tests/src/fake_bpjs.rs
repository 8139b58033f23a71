//! A fake of BPJS Kesehatan's "antrean RS" web service, the one hospitals report each visit's
//! task times to (Mobile JKN shows them to the patient), for end-to-end tests of the bridge.
//!
//! Its signature and encryption are written here from BPJS's public description, not shared
//! with the server, so that a mistake in the bridge's crypto cannot hide behind the same mistake
//! in the fake. It keeps what it was sent, so a test can prove nothing was lost or sent twice,
//! and it can play an outage, a slow gateway, or a gateway that times out after the work is done.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use aes::Aes256;
use anyhow::{Context, anyhow};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use giliran_server::clock::{Clock, SystemClock};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// What the hospital was given by BPJS for this service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub cons_id: String,
    pub secret_key: String,
    pub user_key: String,
}

impl Credentials {
    /// Made-up credentials for tests that do not care which.
    pub fn for_tests() -> Credentials {
        Credentials {
            cons_id: "12345".to_owned(),
            secret_key: "rahasia-rs-sehat".to_owned(),
            user_key: "user-key-antrean-rs".to_owned(),
        }
    }
}

/// How the fake behaves towards the next requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Up,
    /// An outage: every request gets HTTP 503 (plain text body), nothing processed.
    Down,
    /// Processes the request (records it) and then answers HTTP 504 with no JSON, as a gateway
    /// timing out after the work was done: the client cannot know it succeeded.
    ProcessThenFail,
    /// Nothing processed; the answer is delayed by the given duration before a 503 (to exercise
    /// the client's timeout).
    Slow(Duration),
    /// A busy BPJS: the request is processed at once, and its usual answer comes after the
    /// given duration, perhaps after the client stopped waiting.
    SlowAnswer(Duration),
}

/// A booking as BPJS knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Booking {
    pub kodebooking: String,
    /// Sent by the hospital with `/antrean/add`, rather than created by Mobile JKN.
    pub added: bool,
    /// The body of the `/antrean/add` that created it.
    pub body: Option<serde_json::Value>,
    /// The `keterangan` of its `/antrean/batal`.
    pub cancelled: Option<String>,
}

/// A task time BPJS accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordedTask {
    pub taskid: u16,
    /// The time the hospital reported, in epoch milliseconds.
    pub waktu_ms: i64,
    /// When the fake received it, by the fake's clock.
    pub received_at: DateTime<Utc>,
}

/// Counts of what reached the fake.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Every request under the base path, in any mode.
    pub requests: usize,
    /// Those requests by endpoint, such as `/antrean/updatewaktu`.
    pub per_endpoint: BTreeMap<String, usize>,
    /// Requests answered 401: a missing or wrong `X-cons-id`, `user_key` or `X-signature`, or
    /// an `X-timestamp` too far from the fake's clock.
    pub signature_failures: usize,
    /// Requests refused unprocessed by [`Mode::Down`] or [`Mode::Slow`].
    pub refused_by_mode: usize,
}

/// The fake service on 127.0.0.1, stopped when dropped.
pub struct FakeBpjs {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl FakeBpjs {
    /// Starts on a free port with the real clock.
    pub async fn start(credentials: Credentials) -> anyhow::Result<FakeBpjs> {
        FakeBpjs::start_with_clock(credentials, Arc::new(SystemClock)).await
    }

    /// Starts with `clock` as the fake's idea of now, which the `X-timestamp` of every request
    /// must be within 300 s of: give it the server's clock when the bridge signs with that.
    pub async fn start_with_clock(
        credentials: Credentials,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<FakeBpjs> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding the fake BPJS service")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            credentials,
            clock,
            mode: Mutex::new(Mode::Up),
            ledger: Mutex::new(Ledger::default()),
        });
        let router = Router::new()
            .route(&format!("{BASE_PATH}/{{*endpoint}}"), post(handle))
            .with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(FakeBpjs { addr, shared, task })
    }

    /// Such as `http://127.0.0.1:PORT/antreanrs`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}{BASE_PATH}", self.addr)
    }

    pub fn credentials(&self) -> &Credentials {
        &self.shared.credentials
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.shared.mode.lock().unwrap_or_else(|e| e.into_inner()) = mode;
    }

    /// Creates a booking as if the patient had made it in Mobile JKN, so the hospital reports
    /// its tasks without adding it. Does nothing to a booking that exists.
    pub fn register_booking(&self, kodebooking: &str) {
        self.shared
            .ledger()
            .bookings
            .entry(kodebooking.to_owned())
            .or_insert_with(|| Entry::new(kodebooking, None));
    }

    pub fn booking(&self, kodebooking: &str) -> Option<Booking> {
        self.shared
            .ledger()
            .bookings
            .get(kodebooking)
            .map(|entry| entry.booking.clone())
    }

    /// The tasks recorded for the booking, in the order they were accepted.
    pub fn tasks(&self, kodebooking: &str) -> Vec<RecordedTask> {
        self.shared
            .ledger()
            .bookings
            .get(kodebooking)
            .map(|entry| entry.tasks.clone())
            .unwrap_or_default()
    }

    /// How many updatewaktu requests for this (booking, task) reached processing in any mode
    /// that processes (Up or ProcessThenFail), whatever they were answered — the test's proof
    /// that nothing was sent twice.
    pub fn deliveries(&self, kodebooking: &str, taskid: u16) -> usize {
        let key = (kodebooking.to_owned(), taskid);
        self.shared
            .ledger()
            .deliveries
            .get(&key)
            .copied()
            .unwrap_or(0)
    }

    /// How many `/antrean/add` requests for this booking reached processing, whatever they were
    /// answered.
    pub fn add_deliveries(&self, kodebooking: &str) -> usize {
        self.shared
            .ledger()
            .add_deliveries
            .get(kodebooking)
            .copied()
            .unwrap_or(0)
    }

    pub fn stats(&self) -> Stats {
        self.shared.ledger().stats.clone()
    }
}

impl Drop for FakeBpjs {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `base64(HMAC-SHA256(secret_key, cons_id + "&" + timestamp))`, the `X-signature` header.
pub fn signature(cons_id: &str, secret_key: &str, timestamp: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret_key.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(format!("{cons_id}&{timestamp}").as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// A `response` payload as BPJS sends it: LZString's compressToEncodedURIComponent of the JSON,
/// then AES-256-CBC with PKCS#7 under the key and IV of [`cipher_key`], in standard base64.
pub fn encrypt_response(
    cons_id: &str,
    secret_key: &str,
    timestamp: &str,
    plain_json: &str,
) -> String {
    let (key, iv) = cipher_key(cons_id, secret_key, timestamp);
    let compressed = lz_str::compress_to_encoded_uri_component(plain_json);
    let encrypted = cbc::Encryptor::<Aes256>::new(&key.into(), &iv.into())
        .encrypt_padded_vec_mut::<Pkcs7>(compressed.as_bytes());
    STANDARD.encode(encrypted)
}

/// Undoes [`encrypt_response`]; fails on anything it could not have made with these inputs.
pub fn decrypt_response(
    cons_id: &str,
    secret_key: &str,
    timestamp: &str,
    encrypted: &str,
) -> anyhow::Result<String> {
    let (key, iv) = cipher_key(cons_id, secret_key, timestamp);
    let bytes = STANDARD
        .decode(encrypted)
        .context("the response is not standard base64")?;
    let compressed = cbc::Decryptor::<Aes256>::new(&key.into(), &iv.into())
        .decrypt_padded_vec_mut::<Pkcs7>(&bytes)
        .map_err(|_| anyhow!("bad padding: another key, or not an AES-256-CBC ciphertext"))?;
    let compressed = String::from_utf8(compressed).context("decrypted to non-UTF-8 bytes")?;
    let wide = lz_str::decompress_from_encoded_uri_component(&compressed)
        .context("not LZString compressToEncodedURIComponent output")?;
    String::from_utf16(&wide).context("decompressed to invalid UTF-16")
}

/// The AES key is SHA-256 of `cons_id + secret_key + timestamp`, and the IV its first 16 bytes.
fn cipher_key(cons_id: &str, secret_key: &str, timestamp: &str) -> ([u8; 32], [u8; 16]) {
    let key: [u8; 32] = Sha256::digest(format!("{cons_id}{secret_key}{timestamp}")).into();
    let iv = std::array::from_fn(|i| key[i]);
    (key, iv)
}

const BASE_PATH: &str = "/antreanrs";

const ENDPOINTS: [&str; 4] = [
    "/antrean/add",
    "/antrean/updatewaktu",
    "/antrean/batal",
    "/antrean/getlisttask",
];

/// BPJS refuses a request whose `X-timestamp` is further than this from its clock.
const TIMESTAMP_TOLERANCE_SECONDS: u64 = 300;

struct Shared {
    credentials: Credentials,
    clock: Arc<dyn Clock>,
    mode: Mutex<Mode>,
    ledger: Mutex<Ledger>,
}

#[derive(Default)]
struct Ledger {
    bookings: HashMap<String, Entry>,
    deliveries: HashMap<(String, u16), usize>,
    add_deliveries: HashMap<String, usize>,
    stats: Stats,
}

struct Entry {
    booking: Booking,
    tasks: Vec<RecordedTask>,
}

impl Entry {
    fn new(kodebooking: &str, added_with: Option<Value>) -> Entry {
        Entry {
            booking: Booking {
                kodebooking: kodebooking.to_owned(),
                added: added_with.is_some(),
                body: added_with,
                cancelled: None,
            },
            tasks: Vec::new(),
        }
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    Path(endpoint): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let endpoint = format!("/{endpoint}");
    let mode = shared.arrive(&endpoint);
    match mode {
        Mode::Down => return unavailable(),
        Mode::Slow(delay) => {
            tokio::time::sleep(delay).await;
            return unavailable();
        }
        Mode::Up | Mode::ProcessThenFail | Mode::SlowAnswer(_) => {}
    }
    if !ENDPOINTS.contains(&endpoint.as_str()) {
        return (
            StatusCode::NOT_FOUND,
            Json(metadata(404, "Endpoint tidak ditemukan")),
        )
            .into_response();
    }
    let answer = shared.answer(&endpoint, &headers, &body);
    match mode {
        Mode::ProcessThenFail => gateway_timeout(),
        Mode::SlowAnswer(delay) => {
            tokio::time::sleep(delay).await;
            answer
        }
        _ => answer,
    }
}

impl Shared {
    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts the request and tells which mode it meets.
    fn arrive(&self, endpoint: &str) -> Mode {
        let mode = *self.mode.lock().unwrap_or_else(|e| e.into_inner());
        let stats = &mut self.ledger().stats;
        stats.requests += 1;
        *stats.per_endpoint.entry(endpoint.to_owned()).or_default() += 1;
        if matches!(mode, Mode::Down | Mode::Slow(_)) {
            stats.refused_by_mode += 1;
        }
        mode
    }

    fn answer(&self, endpoint: &str, headers: &HeaderMap, body: &[u8]) -> Response {
        let timestamp = match self.authenticate(headers) {
            Ok(timestamp) => timestamp,
            Err(message) => {
                self.ledger().stats.signature_failures += 1;
                return (StatusCode::UNAUTHORIZED, Json(metadata(401, message))).into_response();
            }
        };
        let answer = match serde_json::from_slice::<Value>(body) {
            Ok(body) => self.process(endpoint, &body),
            Err(_) => Answer::refuse(201, "Format JSON tidak sesuai"),
        };
        answer.into_response(&self.credentials, &timestamp)
    }

    /// The request's `X-timestamp` when its headers prove it comes from the hospital, else why
    /// not.
    fn authenticate(&self, headers: &HeaderMap) -> Result<String, &'static str> {
        let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
        let credentials = &self.credentials;
        if header("x-cons-id") != Some(credentials.cons_id.as_str()) {
            return Err("X-cons-id tidak sesuai");
        }
        if header("user_key") != Some(credentials.user_key.as_str()) {
            return Err("user_key tidak sesuai");
        }
        let timestamp = header("x-timestamp").ok_or("X-timestamp tidak boleh kosong")?;
        let seconds = unix_seconds(timestamp).ok_or("X-timestamp tidak sesuai")?;
        if self.clock.now().timestamp().abs_diff(seconds) > TIMESTAMP_TOLERANCE_SECONDS {
            return Err("X-timestamp kedaluwarsa");
        }
        let expected = signature(&credentials.cons_id, &credentials.secret_key, timestamp);
        if header("x-signature") != Some(expected.as_str()) {
            return Err("X-signature tidak sesuai");
        }
        Ok(timestamp.to_owned())
    }

    fn process(&self, endpoint: &str, body: &Value) -> Answer {
        let now = self.clock.now();
        let mut ledger = self.ledger();
        let outcome = match endpoint {
            "/antrean/add" => ledger.add(body),
            "/antrean/updatewaktu" => ledger.update_time(body, now),
            "/antrean/batal" => ledger.cancel(body),
            "/antrean/getlisttask" => ledger.list_tasks(body),
            _ => Err(Answer::refuse(201, "Endpoint tidak dikenal")),
        };
        match outcome {
            Ok(answer) | Err(answer) => answer,
        }
    }
}

/// Strictly a decimal number of seconds, as BPJS's own clients send it.
fn unix_seconds(timestamp: &str) -> Option<i64> {
    if timestamp.is_empty() || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    timestamp.parse().ok()
}

impl Ledger {
    fn add(&mut self, body: &Value) -> Result<Answer, Answer> {
        if let Some(kodebooking) = body.get("kodebooking").and_then(Value::as_str) {
            *self
                .add_deliveries
                .entry(kodebooking.to_owned())
                .or_default() += 1;
        }
        let kodebooking = text(body, "kodebooking")?;
        let jenispasien = text(body, "jenispasien")?;
        if !matches!(jenispasien, "JKN" | "NON JKN") {
            return Err(invalid("jenispasien"));
        }
        text(body, "kodepoli")?;
        if !is_date(text(body, "tanggalperiksa")?) {
            return Err(Answer::refuse(
                201,
                "tanggalperiksa tidak sesuai, format yang benar adalah yyyy-mm-dd",
            ));
        }
        number(body, "kodedokter")?;
        if !is_practice_hours(text(body, "jampraktek")?) {
            return Err(Answer::refuse(
                201,
                "jampraktek tidak sesuai, format yang benar adalah HH:MM-HH:MM",
            ));
        }
        text(body, "nomorantrean")?;
        number(body, "angkaantrean")?;
        number(body, "estimasidilayani")?;
        // A booking Mobile JKN made exists at BPJS just as much as one the hospital added.
        if self.bookings.contains_key(kodebooking) {
            return Err(Answer::refuse(208, "Terdapat duplikasi Kode Booking"));
        }
        self.bookings.insert(
            kodebooking.to_owned(),
            Entry::new(kodebooking, Some(body.clone())),
        );
        Ok(Answer::ok())
    }

    fn update_time(&mut self, body: &Value, now: DateTime<Utc>) -> Result<Answer, Answer> {
        let kodebooking = body.get("kodebooking").and_then(Value::as_str);
        let taskid = body.get("taskid").and_then(Value::as_u64);
        if let (Some(kodebooking), Some(Ok(taskid))) = (kodebooking, taskid.map(u16::try_from)) {
            *self
                .deliveries
                .entry((kodebooking.to_owned(), taskid))
                .or_default() += 1;
        }
        let kodebooking = text(body, "kodebooking")?;
        let taskid = number(body, "taskid")?;
        let waktu_ms = number(body, "waktu")?;
        if waktu_ms <= 0 || DateTime::from_timestamp_millis(waktu_ms).is_none() {
            return Err(invalid("waktu"));
        }
        let entry = self.bookings.get_mut(kodebooking).ok_or_else(not_found)?;
        let taskid = u16::try_from(taskid)
            .ok()
            .filter(|id| TASK_NAMES.iter().any(|(known, _)| known == id))
            .ok_or_else(|| task_out_of_order(taskid))?;
        may_follow(&entry.tasks, taskid, waktu_ms)?;
        entry.tasks.push(RecordedTask {
            taskid,
            waktu_ms,
            received_at: now,
        });
        Ok(Answer::ok())
    }

    fn cancel(&mut self, body: &Value) -> Result<Answer, Answer> {
        let kodebooking = text(body, "kodebooking")?;
        let keterangan = text(body, "keterangan")?;
        let entry = self.bookings.get_mut(kodebooking).ok_or_else(not_found)?;
        if entry.booking.cancelled.is_some() {
            return Err(Answer::refuse(201, "Antrean sudah dibatalkan"));
        }
        entry.booking.cancelled = Some(keterangan.to_owned());
        Ok(Answer::ok())
    }

    fn list_tasks(&self, body: &Value) -> Result<Answer, Answer> {
        let kodebooking = text(body, "kodebooking")?;
        let entry = self.bookings.get(kodebooking).ok_or_else(not_found)?;
        let tasks = entry
            .tasks
            .iter()
            .map(|task| task_json(kodebooking, task))
            .collect();
        Ok(Answer::ok_with(Value::Array(tasks)))
    }
}

/// BPJS's rules for the order of a booking's tasks: each at most once, never back to a lower
/// one, 99 (absent or cancelled) only before the doctor sees the patient and nothing after it,
/// and no time earlier than the task before.
fn may_follow(recorded: &[RecordedTask], taskid: u16, waktu_ms: i64) -> Result<(), Answer> {
    if recorded.iter().any(|task| task.taskid == taskid) {
        return Err(Answer::refuse(208, format!("TaskId={taskid} sudah ada")));
    }
    let absent = recorded.iter().any(|task| task.taskid == ABSENT);
    let highest = recorded
        .iter()
        .map(|task| task.taskid)
        .filter(|&id| id != ABSENT)
        .max()
        .unwrap_or(0);
    let refused = match taskid {
        ABSENT => highest >= SEEN_BY_DOCTOR,
        _ => taskid < highest,
    };
    if absent || refused {
        return Err(task_out_of_order(taskid.into()));
    }
    if let Some(previous) = recorded.last()
        && waktu_ms < previous.waktu_ms
    {
        return Err(Answer::refuse(
            201,
            format!("waktu TaskId={taskid} tidak boleh kurang dari TaskId sebelumnya"),
        ));
    }
    Ok(())
}

/// Task 99: the patient did not come, or the visit was cancelled.
const ABSENT: u16 = 99;

/// Task 4, the end of the wait for the clinic: the doctor has begun.
const SEEN_BY_DOCTOR: u16 = 4;

const TASK_NAMES: [(u16, &str); 8] = [
    (1, "mulai waktu tunggu admisi"),
    (2, "akhir waktu tunggu admisi/mulai waktu layan admisi"),
    (3, "akhir waktu layan admisi/mulai waktu tunggu poli"),
    (4, "akhir waktu tunggu poli/mulai waktu layan poli"),
    (5, "akhir waktu layan poli/mulai waktu tunggu farmasi"),
    (
        6,
        "akhir waktu tunggu farmasi/mulai waktu layan farmasi membuat obat",
    ),
    (7, "akhir waktu obat selesai dibuat"),
    (ABSENT, "tidak hadir/batal"),
];

fn task_json(kodebooking: &str, task: &RecordedTask) -> Value {
    let name = TASK_NAMES
        .iter()
        .find(|(id, _)| *id == task.taskid)
        .map_or("", |(_, name)| name);
    let waktu = DateTime::from_timestamp_millis(task.waktu_ms).unwrap_or_default();
    json!({
        "wakturs": in_wib(task.received_at),
        "waktu": in_wib(waktu),
        "taskname": name,
        "taskid": task.taskid,
        "kodebooking": kodebooking,
    })
}

/// As BPJS shows times: Jakarta's wall clock, `DD-MM-YYYY HH:MM:SS WIB`.
fn in_wib(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Asia::Jakarta)
        .format("%d-%m-%Y %H:%M:%S WIB")
        .to_string()
}

fn is_date(text: &str) -> bool {
    text.len() == 10 && NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

fn is_practice_hours(text: &str) -> bool {
    let is_time = |t: &str| t.len() == 5 && NaiveTime::parse_from_str(t, "%H:%M").is_ok();
    text.split_once('-')
        .is_some_and(|(start, end)| is_time(start) && is_time(end))
}

/// A field that must be there and not blank.
fn present<'a>(body: &'a Value, field: &str) -> Result<&'a Value, Answer> {
    match body.get(field) {
        None | Some(Value::Null) => Err(missing(field)),
        Some(Value::String(s)) if s.trim().is_empty() => Err(missing(field)),
        Some(value) => Ok(value),
    }
}

fn text<'a>(body: &'a Value, field: &str) -> Result<&'a str, Answer> {
    present(body, field)?.as_str().ok_or_else(|| invalid(field))
}

/// A JSON number: the fake takes no number written as a string, so the bridge sends the types
/// BPJS documents.
fn number(body: &Value, field: &str) -> Result<i64, Answer> {
    present(body, field)?.as_i64().ok_or_else(|| invalid(field))
}

fn missing(field: &str) -> Answer {
    Answer::refuse(201, format!("{field} tidak boleh kosong"))
}

fn invalid(field: &str) -> Answer {
    Answer::refuse(201, format!("{field} tidak sesuai"))
}

fn not_found() -> Answer {
    Answer::refuse(201, "Kode Booking tidak ditemukan")
}

fn task_out_of_order(taskid: i64) -> Answer {
    Answer::refuse(201, format!("TaskId={taskid} tidak valid"))
}

/// An answer in BPJS's shape: the outcome in `metadata.code`, maybe a payload.
struct Answer {
    code: u16,
    message: String,
    response: Option<Value>,
}

impl Answer {
    fn ok() -> Answer {
        Answer::refuse(200, "Ok.")
    }

    fn ok_with(response: Value) -> Answer {
        Answer {
            response: Some(response),
            ..Answer::ok()
        }
    }

    fn refuse(code: u16, message: impl Into<String>) -> Answer {
        Answer {
            code,
            message: message.into(),
            response: None,
        }
    }

    /// HTTP 200 whatever the outcome, the payload encrypted for the request's timestamp.
    fn into_response(self, credentials: &Credentials, timestamp: &str) -> Response {
        let mut body = metadata(self.code, &self.message);
        if let Some(response) = self.response {
            let encrypted = encrypt_response(
                &credentials.cons_id,
                &credentials.secret_key,
                timestamp,
                &response.to_string(),
            );
            body["response"] = Value::String(encrypted);
        }
        Json(body).into_response()
    }
}

fn metadata(code: u16, message: &str) -> Value {
    json!({"metadata": {"code": code, "message": message}})
}

fn unavailable() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response()
}

fn gateway_timeout() -> Response {
    (StatusCode::GATEWAY_TIMEOUT, "Gateway Timeout").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The expected values were computed outside Rust: the signature with
    // `printf '1234&1700000000' | openssl dgst -sha256 -hmac rahasia -binary | base64`, the
    // ciphertext by compressing with the JavaScript lz-string 1.5.0 from npm and encrypting
    // with `openssl enc -aes-256-cbc -K <sha256 of 1234rahasia1700000000> -iv <its first half>`.
    const CONS_ID: &str = "1234";
    const SECRET: &str = "rahasia";
    const TIMESTAMP: &str = "1700000000";
    const TASKS_JSON: &str = r#"[{"wakturs":"23-11-2026 08:00:01 WIB","waktu":"23-11-2026 08:00:00 WIB","taskname":"mulai waktu tunggu admisi","taskid":1,"kodebooking":"RS-0001"}]"#;
    const TASKS_ENCRYPTED: &str = "OR88EEYxJdyPS8aEZ149taVjxB+lVPC33arm63ba6hN0o5MpFiEj347YwI1Tb4NkvhPZgA2rVhN3JNiuTCaIEo9OcnkHMXmd4uC/x/Y8vMINPiUJGmoE/PGhEdF/X23s98o1+4qK52JsTU7jxxaRVsVYTC9kNFgW4ndiEGKxGyGeOTHWrAKidiHy1o9eM1kKENFeuN5bLe8TkDS+5RdAMgOach7iKbqtgpFP4PKvxuU=";

    #[test]
    fn signature_matches_openssl() {
        assert_eq!(
            signature(CONS_ID, SECRET, TIMESTAMP),
            "KPRS9TtuHrVFuDkmpci6eMlvW4INEXDsL4Hh+T+auLo="
        );
    }

    #[test]
    fn encryption_matches_lz_string_and_openssl() {
        assert_eq!(
            encrypt_response(CONS_ID, SECRET, TIMESTAMP, TASKS_JSON),
            TASKS_ENCRYPTED
        );
        assert_eq!(
            decrypt_response(CONS_ID, SECRET, TIMESTAMP, TASKS_ENCRYPTED).unwrap(),
            TASKS_JSON
        );
    }

    #[test]
    fn encryption_round_trips_non_ascii() {
        let plain = r#"{"keterangan":"pasien batal, dokter cuti — 猫"}"#;
        let encrypted = encrypt_response(CONS_ID, SECRET, TIMESTAMP, plain);
        assert_eq!(
            decrypt_response(CONS_ID, SECRET, TIMESTAMP, &encrypted).unwrap(),
            plain
        );
    }

    #[test]
    fn decryption_with_another_timestamp_fails_without_panicking() {
        assert!(decrypt_response(CONS_ID, SECRET, "1700000001", TASKS_ENCRYPTED).is_err());
        assert!(decrypt_response(CONS_ID, SECRET, TIMESTAMP, "not base64!").is_err());
        assert!(decrypt_response(CONS_ID, SECRET, TIMESTAMP, "").is_err());
    }

    #[test]
    fn times_are_shown_in_jakarta() {
        let at = DateTime::from_timestamp_millis(1_795_395_600_000).unwrap_or_default();
        assert_eq!(in_wib(at), "23-11-2026 08:00:00 WIB");
    }

    #[test]
    fn task_order_follows_bpjs_rules() {
        let at = |taskid, waktu_ms| RecordedTask {
            taskid,
            waktu_ms,
            received_at: DateTime::default(),
        };
        let code = |recorded: &[RecordedTask], taskid, waktu_ms| {
            may_follow(recorded, taskid, waktu_ms)
                .map_or_else(|a| (a.code, a.message), |()| (200, String::new()))
        };
        let three = [at(3, 1_000)];
        assert_eq!(code(&three, 4, 1_000).0, 200);
        assert_eq!(code(&three, 3, 2_000), (208, "TaskId=3 sudah ada".into()));
        assert_eq!(code(&three, 2, 2_000), (201, "TaskId=2 tidak valid".into()));
        assert_eq!(
            code(&three, 5, 999),
            (
                201,
                "waktu TaskId=5 tidak boleh kurang dari TaskId sebelumnya".into()
            )
        );
        assert_eq!(code(&three, ABSENT, 2_000).0, 200);
        let seen = [at(3, 1_000), at(4, 2_000)];
        assert_eq!(code(&seen, ABSENT, 3_000).0, 201);
        let absent = [at(3, 1_000), at(ABSENT, 2_000)];
        assert_eq!(code(&absent, 4, 3_000).0, 201);
        assert_eq!(code(&absent, ABSENT, 3_000).0, 208);
    }

    /// Posts `body` to `endpoint` signed as the hospital at the real time; the HTTP status and
    /// body, and the timestamp sent.
    async fn post(fake: &FakeBpjs, endpoint: &str, body: Value) -> (u16, Value, String) {
        let credentials = fake.credentials();
        let timestamp = Utc::now().timestamp().to_string();
        let response = reqwest::Client::new()
            .post(format!("{}{endpoint}", fake.base_url()))
            .header("X-cons-id", &credentials.cons_id)
            .header("X-timestamp", &timestamp)
            .header(
                "X-signature",
                signature(&credentials.cons_id, &credentials.secret_key, &timestamp),
            )
            .header("user_key", &credentials.user_key)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body, timestamp)
    }

    fn outcome(body: &Value) -> (i64, &str) {
        let metadata = &body["metadata"];
        (
            metadata["code"].as_i64().unwrap_or(-1),
            metadata["message"].as_str().unwrap_or(""),
        )
    }

    #[tokio::test]
    async fn serves_a_visit_over_http() {
        let fake = FakeBpjs::start(Credentials::for_tests()).await.unwrap();
        let add = json!({
            "kodebooking": "RS-0001", "jenispasien": "JKN", "kodepoli": "ANA",
            "tanggalperiksa": "2026-11-23", "kodedokter": 12345, "jampraktek": "08:00-12:00",
            "nomorantrean": "A-1", "angkaantrean": 1, "estimasidilayani": 1_795_395_600_000_i64,
        });
        let (status, body, _) = post(&fake, "/antrean/add", add.clone()).await;
        assert_eq!((status, outcome(&body)), (200, (200, "Ok.")));
        let (_, body, _) = post(&fake, "/antrean/add", add).await;
        assert_eq!(outcome(&body), (208, "Terdapat duplikasi Kode Booking"));
        let (_, body, _) = post(&fake, "/antrean/add", json!({"kodebooking": "RS-0002"})).await;
        assert_eq!(outcome(&body), (201, "jenispasien tidak boleh kosong"));

        let task = |taskid: u16, waktu: i64| json!({"kodebooking": "RS-0001", "taskid": taskid, "waktu": waktu});
        let (_, body, _) = post(&fake, "/antrean/updatewaktu", task(3, 1_795_395_600_000)).await;
        assert_eq!(outcome(&body), (200, "Ok."));
        fake.set_mode(Mode::ProcessThenFail);
        let (status, _, _) = post(&fake, "/antrean/updatewaktu", task(4, 1_795_395_660_000)).await;
        assert_eq!(status, 504);
        fake.set_mode(Mode::Up);
        let (_, body, _) = post(&fake, "/antrean/updatewaktu", task(4, 1_795_395_660_000)).await;
        assert_eq!(outcome(&body), (208, "TaskId=4 sudah ada"));
        assert_eq!(fake.deliveries("RS-0001", 4), 2);
        assert_eq!(fake.add_deliveries("RS-0001"), 2);

        let (_, body, timestamp) = post(
            &fake,
            "/antrean/getlisttask",
            json!({"kodebooking": "RS-0001"}),
        )
        .await;
        assert_eq!(outcome(&body), (200, "Ok."));
        let credentials = fake.credentials();
        let plain = decrypt_response(
            &credentials.cons_id,
            &credentials.secret_key,
            &timestamp,
            body["response"].as_str().unwrap_or(""),
        )
        .unwrap();
        let tasks: Value = serde_json::from_str(&plain).unwrap();
        assert_eq!(tasks[1]["taskid"], 4);
        assert_eq!(tasks[1]["waktu"], "23-11-2026 08:01:00 WIB");
        assert_eq!(tasks[1]["taskname"], TASK_NAMES[3].1);
        assert_eq!(fake.tasks("RS-0001").len(), 2);
    }

    #[tokio::test]
    async fn refuses_what_it_must_not_process() {
        let fake = FakeBpjs::start(Credentials::for_tests()).await.unwrap();
        fake.register_booking("JKN-1");
        let response = reqwest::Client::new()
            .post(format!("{}/antrean/batal", fake.base_url()))
            .header("x-cons-id", &fake.credentials().cons_id)
            .header("x-timestamp", Utc::now().timestamp().to_string())
            .header("x-signature", "AAAA")
            .header("user_key", &fake.credentials().user_key)
            .body(r#"{"kodebooking":"JKN-1","keterangan":"batal"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401);
        let body: Value = response.json().await.unwrap();
        assert_eq!(outcome(&body), (401, "X-signature tidak sesuai"));

        let (status, body, _) = post(&fake, "/antrean/batal", json!("{")).await;
        assert_eq!((status, outcome(&body).0), (200, 201));
        fake.set_mode(Mode::Down);
        let (status, _, _) = post(
            &fake,
            "/antrean/batal",
            json!({"kodebooking": "JKN-1", "keterangan": "x"}),
        )
        .await;
        assert_eq!(status, 503);
        assert_eq!(fake.booking("JKN-1").and_then(|b| b.cancelled), None);
        let stats = fake.stats();
        assert_eq!(
            (
                stats.requests,
                stats.signature_failures,
                stats.refused_by_mode
            ),
            (3, 1, 1)
        );
        assert_eq!(stats.per_endpoint.get("/antrean/batal"), Some(&3));
    }
}
