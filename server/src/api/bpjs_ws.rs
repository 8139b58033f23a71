//! The web service the hospital offers BPJS (Mobile JKN): a token for BPJS's username and
//! password, then the status of a poli's queue, taking a number, what is left ahead of a
//! booking, cancelling it and checking in. It speaks BPJS's protocol, not Giliran's contract:
//! answers are `{"response": …, "metadata": {"code", "message"}}`, with code 200 when done and
//! 201 with the reason, in Indonesian for the patient, when not.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use giliran_core::patient::normalize_phone;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::AppState;
use crate::bpjs::WsAccess;
use crate::error::{AppError, StoreError};
use crate::store::IssueRequest;
use crate::store::VisitReader;
use crate::store::bpjs::{JknPatient, PoliDay, VisitRefusal};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/bpjs/token", get(token))
        .route("/bpjs/antrean/status", post(status))
        .route("/bpjs/antrean/ambil", post(take))
        .route("/bpjs/antrean/sisa", post(remaining))
        .route("/bpjs/antrean/batal", post(cancel))
        .route("/bpjs/antrean/checkin", post(check_in))
}

#[derive(Serialize)]
struct Metadata<'a> {
    message: &'a str,
    code: u16,
}

fn answer(response: Option<Value>, code: u16, message: &str) -> Response {
    let mut body = json!({"metadata": Metadata { message, code }});
    if let Some(response) = response {
        body["response"] = response;
    }
    Json(body).into_response()
}

fn done(response: Option<Value>) -> Response {
    answer(response, 200, "Ok")
}

/// BPJS's "not done": HTTP 200, code 201 and why.
fn refused(why: &str) -> Response {
    answer(None, 201, why)
}

fn not_admitted(why: &str) -> Response {
    (StatusCode::UNAUTHORIZED, refused(why)).into_response()
}

/// An answer given instead of going on (boxed: a response is large to pass around).
type Stop = Box<Response>;

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The hospital's credentials for BPJS, when it has set them; without them the web service
/// does not exist.
fn access(state: &AppState) -> Result<&WsAccess, Stop> {
    state
        .bpjs_ws
        .as_deref()
        .ok_or_else(|| Box::new(AppError::NoRoute.into_response()))
}

/// Checks `x-username` and `x-token`, then reads the JSON body.
fn admitted<T>(
    state: &AppState,
    headers: &HeaderMap,
    body: Result<Json<T>, JsonRejection>,
) -> Result<T, Stop> {
    let access = access(state)?;
    if !access.admits(
        header(headers, "x-username"),
        header(headers, "x-token"),
        state.now(),
    ) {
        return Err(Box::new(not_admitted(
            "Token tidak valid atau sudah kedaluwarsa",
        )));
    }
    body.map(|Json(body)| body).map_err(|e| {
        Box::new(refused(&format!(
            "Format permintaan tidak sesuai: {}",
            e.body_text()
        )))
    })
}

async fn token(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let access = match access(&state) {
        Ok(access) => access,
        Err(response) => return *response,
    };
    match access.token(
        header(&headers, "x-username"),
        header(&headers, "x-password"),
        state.now(),
    ) {
        Some(token) => done(Some(json!({"token": token}))),
        None => not_admitted("Username atau password tidak sesuai"),
    }
}

/// A queue action that failed for a reason of the store: BPJS hears it when it is about the
/// request, and the contract's error (such as 503 while the database is away) otherwise.
fn store_refusal(err: StoreError) -> Response {
    match err {
        StoreError::ServiceClosed => refused("Poli sedang tutup"),
        StoreError::QuotaFull { .. } => refused("Kuota poli hari ini sudah habis"),
        StoreError::ActiveTicketExists(ticket) => refused(&format!(
            "Peserta masih memiliki antrean aktif nomor {}",
            ticket.number
        )),
        err => AppError::from(err).into_response(),
    }
}

fn visit_refusal(err: VisitRefusal) -> Response {
    match err {
        VisitRefusal::Store(err) => store_refusal(err),
        refusal => refused(&refusal.to_string()),
    }
}

#[derive(Deserialize)]
struct PoliQuery {
    kodepoli: String,
    kodedokter: i64,
    tanggalperiksa: String,
    jampraktek: String,
}

/// The poli of a request, on a day from today on, whose doctor practises at those hours.
async fn poli_day(state: &AppState, query: &PoliQuery) -> Result<(PoliDay, NaiveDate), Stop> {
    let today = state.store.today(state.now());
    let day = NaiveDate::parse_from_str(query.tanggalperiksa.trim(), "%Y-%m-%d")
        .map_err(|_| Box::new(refused("Format tanggal periksa tidak sesuai (YYYY-MM-DD)")))?;
    if day < today {
        return Err(Box::new(refused("Tanggal periksa sudah lewat")));
    }
    let poli = state
        .store
        .bpjs_poli_day(&query.kodepoli, query.kodedokter, day)
        .await
        .map_err(|e| Box::new(store_refusal(e)))?
        .ok_or_else(|| Box::new(refused("Poli atau dokter tidak ditemukan")))?;
    if poli.poli.codes.practice_hours != query.jampraktek.trim() {
        return Err(Box::new(refused("Jadwal praktik dokter tidak sesuai")));
    }
    Ok((poli, day))
}

async fn status(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<PoliQuery>, JsonRejection>,
) -> Response {
    let query = match admitted(&state, &headers, body) {
        Ok(query) => query,
        Err(response) => return *response,
    };
    let (day, _) = match poli_day(&state, &query).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    done(Some(json!({
        "namapoli": day.poli.codes.poli_name,
        "namadokter": day.poli.codes.doctor_name,
        "totalantrean": day.total,
        "sisaantrean": day.waiting,
        "antreanpanggil": day.last_called.as_deref().unwrap_or("-"),
        "sisakuotajkn": day.jkn_left(),
        "kuotajkn": day.poli.codes.quota_jkn,
        "sisakuotanonjkn": day.others_left(),
        "kuotanonjkn": day.poli.codes.quota_non_jkn,
        "keterangan": "",
    })))
}

#[derive(Deserialize)]
struct TakeRequest {
    nomorkartu: String,
    #[serde(default)]
    nik: String,
    #[serde(default)]
    nohp: String,
    #[serde(default)]
    norm: String,
    #[serde(flatten)]
    poli: PoliQuery,
}

fn digits(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_digit())
}

async fn take(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<TakeRequest>, JsonRejection>,
) -> Response {
    let req = match admitted(&state, &headers, body) {
        Ok(req) => req,
        Err(response) => return *response,
    };
    let now = state.now();
    if !digits(req.nomorkartu.trim(), 13) {
        return refused("Nomor kartu JKN harus 13 angka");
    }
    if !req.nik.trim().is_empty() && !digits(req.nik.trim(), 16) {
        return refused("NIK harus 16 angka");
    }
    let phone = match req.nohp.trim() {
        "" => None,
        raw => match normalize_phone(raw) {
            Ok(phone) => Some(phone),
            Err(_) => return refused("Nomor HP tidak sesuai"),
        },
    };
    let (poli, day) = match poli_day(&state, &req.poli).await {
        Ok(found) => found,
        Err(response) => return *response,
    };
    // Numbers are taken on the day: Giliran's queues are of today.
    if day != state.store.today(now) {
        return refused("Antrean hanya dapat diambil pada hari periksa");
    }
    if poli.jkn_left() == 0 {
        return refused("Kuota JKN poli hari ini sudah habis");
    }
    let issue = IssueRequest {
        service_id: poli.poli.service_id,
        name: None,
        phone,
        device_id: None,
        priority: Default::default(),
        destination_service_id: None,
        mobile_jkn: Some(JknPatient {
            card_number: req.nomorkartu.trim().to_owned(),
            nik: req.nik.trim().to_owned(),
            norm: req.norm.trim().to_owned(),
        }),
    };
    let (ticket, _) = match state.store.issue_ticket(&issue, now).await {
        Ok(issued) => issued,
        Err(err) => return store_refusal(err),
    };
    let sequence: u32 = ticket
        .number
        .rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let eta_ms = i64::from(ticket.eta_seconds.unwrap_or(0)) * 1000;
    done(Some(json!({
        "nomorantrean": ticket.number,
        "angkaantrean": sequence,
        "kodebooking": ticket.booking_code,
        "norm": req.norm.trim(),
        "namapoli": poli.poli.codes.poli_name,
        "namadokter": poli.poli.codes.doctor_name,
        "estimasidilayani": now.timestamp_millis() + eta_ms,
        "sisakuotajkn": poli.jkn_left() - 1,
        "kuotajkn": poli.poli.codes.quota_jkn,
        "sisakuotanonjkn": poli.others_left(),
        "kuotanonjkn": poli.poli.codes.quota_non_jkn,
        "keterangan": "",
    })))
}

#[derive(Deserialize)]
struct BookingRequest {
    kodebooking: String,
}

async fn remaining(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<BookingRequest>, JsonRejection>,
) -> Response {
    let req = match admitted(&state, &headers, body) {
        Ok(req) => req,
        Err(response) => return *response,
    };
    let now = state.now();
    let visit = match state
        .store
        .visit(&req.kodebooking, VisitReader::Staff, now)
        .await
    {
        Ok(visit) => visit,
        Err(StoreError::NotFound(_)) => return refused("Kode booking tidak ditemukan"),
        Err(err) => return store_refusal(err),
    };
    let Some(here) = visit.steps.last().filter(|_| !visit.finished) else {
        return refused("Antrean sudah selesai atau dibatalkan");
    };
    let polis = match state.store.bpjs_polis().await {
        Ok(polis) => polis,
        Err(err) => return store_refusal(err),
    };
    let poli = polis
        .iter()
        .find(|p| p.service_id == here.station.service_id);
    let last_called = match state
        .store
        .last_called(here.station.service_id, visit.business_day)
        .await
    {
        Ok(number) => number,
        Err(err) => return store_refusal(err),
    };
    done(Some(json!({
        "nomorantrean": here.ticket.number,
        "namapoli": poli.map_or(here.station.name.as_str(), |p| p.codes.poli_name.as_str()),
        "namadokter": poli.map_or("", |p| p.codes.doctor_name.as_str()),
        "sisaantrean": here.ticket.people_ahead.unwrap_or(0),
        "antreanpanggil": last_called.as_deref().unwrap_or("-"),
        "waktutunggu": here.ticket.eta_seconds.unwrap_or(0),
        "keterangan": "",
    })))
}

#[derive(Deserialize)]
struct CancelRequest {
    kodebooking: String,
    #[serde(default)]
    keterangan: String,
}

async fn cancel(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<CancelRequest>, JsonRejection>,
) -> Response {
    let req = match admitted(&state, &headers, body) {
        Ok(req) => req,
        Err(response) => return *response,
    };
    match state
        .store
        .bpjs_cancel_visit(req.kodebooking.trim(), req.keterangan.trim(), state.now())
        .await
    {
        Ok(()) => done(None),
        Err(err) => visit_refusal(err),
    }
}

#[derive(Deserialize)]
struct CheckInRequest {
    kodebooking: String,
    /// Milliseconds since the Unix epoch.
    waktu: i64,
}

async fn check_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<CheckInRequest>, JsonRejection>,
) -> Response {
    let req = match admitted(&state, &headers, body) {
        Ok(req) => req,
        Err(response) => return *response,
    };
    match state
        .store
        .bpjs_check_in(req.kodebooking.trim(), req.waktu, state.now())
        .await
    {
        Ok(()) => done(None),
        Err(err) => visit_refusal(err),
    }
}
