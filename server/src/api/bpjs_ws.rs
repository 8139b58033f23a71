//! The web service the hospital offers BPJS (Mobile JKN): a token for BPJS's username and
//! password, then the status of a poli's queue, taking a number, what is left ahead of a
//! booking, cancelling it and checking in. It speaks BPJS's protocol, not Giliran's contract:
//! answers are `{"response": …, "metadata": {"code", "message"}}`, with code 200 when done and
//! 201 with the reason, in Indonesian for the patient, when not. A call signed with BPJS's
//! headers instead of a token gets its `response` encrypted and compressed (`bpjs::access`).

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{Days, NaiveDate};
use giliran_core::number::parse_ticket_number;
use giliran_core::patient::normalize_phone;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::AppState;
use crate::bpjs::access::Caller;
use crate::bpjs::{Credentials, WsAccess};
use crate::error::{AppError, StoreError};
use crate::store::VisitReader;
use crate::store::mobile_jkn::{JknPatient, PoliDay, VisitRefusal};

/// How far ahead a number may be booked: enough for a control visit months away, and bounded
/// so that a mistyped year is refused rather than booked.
const BOOKING_DAYS_AHEAD: u64 = 90;

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

fn done(response: Option<Value>) -> Result<Response, Stop> {
    Ok(answer(response, 200, "Ok"))
}

/// A call BPJS made, let in.
struct Call<'a, T> {
    caller: Caller,
    body: T,
    /// Whose signature a signed call carried.
    signing: Option<&'a Credentials>,
}

impl<T> Call<'_, T> {
    /// "Done", with `response` as this caller reads it: plain, or encrypted and compressed for
    /// the timestamp of a signed call.
    fn done(&self, response: Value) -> Result<Response, Stop> {
        match (&self.caller, &self.signing) {
            (Caller::Signed { timestamp }, Some(signing)) => done(Some(Value::String(
                signing.encrypt(timestamp, &response.to_string()),
            ))),
            _ => done(Some(response)),
        }
    }
}

/// BPJS's "not done": HTTP 200, code 201 and why.
fn refused(why: &str) -> Response {
    answer(None, 201, why)
}

fn not_admitted(why: &str) -> Response {
    (StatusCode::UNAUTHORIZED, refused(why)).into_response()
}

/// An answer given instead of going on (boxed: a response is large to pass around).
struct Stop(Box<Response>);

impl IntoResponse for Stop {
    fn into_response(self) -> Response {
        *self.0
    }
}

impl From<Response> for Stop {
    fn from(response: Response) -> Self {
        Stop(Box::new(response))
    }
}

/// A queue action that failed for a reason of the store: BPJS hears it when it is about the
/// request, and the contract's error (such as 503 while the database is away) otherwise.
impl From<StoreError> for Stop {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::ServiceClosed => refused("Poli sedang tutup"),
            StoreError::QuotaFull { .. } => refused("Kuota poli pada tanggal ini sudah habis"),
            StoreError::ActiveTicketExists(ticket) => refused(&format!(
                "Peserta masih memiliki antrean aktif nomor {}",
                ticket.number
            )),
            err => AppError::from(err).into_response(),
        }
        .into()
    }
}

impl From<VisitRefusal> for Stop {
    fn from(err: VisitRefusal) -> Self {
        match err {
            VisitRefusal::Store(err) => err.into(),
            refusal => refused(&refusal.to_string()).into(),
        }
    }
}

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
        .ok_or_else(|| AppError::NoRoute.into_response().into())
}

/// Checks BPJS's signature headers when the call carries them, `x-username` and `x-token`
/// otherwise; then reads the JSON body.
fn admitted<'a, T>(
    state: &'a AppState,
    headers: &HeaderMap,
    body: Result<Json<T>, JsonRejection>,
) -> Result<Call<'a, T>, Stop> {
    let access = access(state)?;
    let now = state.now();
    let caller = if headers.contains_key("x-signature") {
        access
            .admits_signed(
                header(headers, "x-cons-id"),
                header(headers, "x-timestamp"),
                header(headers, "x-signature"),
                now,
            )
            .ok_or_else(|| not_admitted("Signature tidak valid atau sudah kedaluwarsa"))?
    } else if access.admits(
        header(headers, "x-username"),
        header(headers, "x-token"),
        now,
    ) {
        Caller::Token
    } else {
        return Err(not_admitted("Token tidak valid atau sudah kedaluwarsa").into());
    };
    let body = body.map(|Json(body)| body).map_err(|e| {
        refused(&format!(
            "Format permintaan tidak sesuai: {}",
            e.body_text()
        ))
    })?;
    Ok(Call {
        caller,
        body,
        signing: access.signing.as_ref(),
    })
}

async fn token(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Stop> {
    let access = access(&state)?;
    match access.token(
        header(&headers, "x-username"),
        header(&headers, "x-password"),
        state.now(),
    ) {
        Some(token) => done(Some(json!({"token": token}))),
        None => Err(not_admitted("Username atau password tidak sesuai").into()),
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
async fn poli_day(state: &AppState, query: &PoliQuery) -> Result<PoliDay, Stop> {
    let today = state.store.today(state.now());
    let day = NaiveDate::parse_from_str(query.tanggalperiksa.trim(), "%Y-%m-%d")
        .map_err(|_| refused("Format tanggal periksa tidak sesuai (YYYY-MM-DD)"))?;
    if day < today {
        return Err(refused("Tanggal periksa sudah lewat").into());
    }
    if day > today + Days::new(BOOKING_DAYS_AHEAD) {
        return Err(refused(&format!(
            "Antrean dapat diambil paling lambat {BOOKING_DAYS_AHEAD} hari sebelum tanggal periksa"
        ))
        .into());
    }
    let poli = state
        .store
        .bpjs_poli_day(&query.kodepoli, query.kodedokter, day)
        .await?
        .ok_or_else(|| refused("Poli atau dokter tidak ditemukan"))?;
    if poli.poli.codes.practice_hours != query.jampraktek.trim() {
        return Err(refused("Jadwal praktik dokter tidak sesuai").into());
    }
    Ok(poli)
}

async fn status(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<PoliQuery>, JsonRejection>,
) -> Result<Response, Stop> {
    let call = admitted(&state, &headers, body)?;
    let day = poli_day(&state, &call.body).await?;
    call.done(json!({
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
    }))
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

impl TakeRequest {
    /// The patient, checked as BPJS's documentation describes their fields.
    fn patient(&self) -> Result<JknPatient, Stop> {
        let card_number = self.nomorkartu.trim();
        if !digits(card_number, 13) {
            return Err(refused("Nomor kartu JKN harus 13 angka").into());
        }
        let nik = self.nik.trim();
        if !nik.is_empty() && !digits(nik, 16) {
            return Err(refused("NIK harus 16 angka").into());
        }
        let phone = match self.nohp.trim() {
            "" => None,
            raw => Some(normalize_phone(raw).map_err(|_| refused("Nomor HP tidak sesuai"))?),
        };
        Ok(JknPatient {
            card_number: card_number.to_owned(),
            nik: nik.to_owned(),
            norm: self.norm.trim().to_owned(),
            phone,
        })
    }
}

async fn take(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<TakeRequest>, JsonRejection>,
) -> Result<Response, Stop> {
    let call = admitted(&state, &headers, body)?;
    let patient = call.body.patient()?;
    let poli = poli_day(&state, &call.body.poli).await?;
    if poli.jkn_left() == 0 {
        return Err(VisitRefusal::JknQuotaFull.into());
    }
    let booking = state.store.bpjs_book(&poli, &patient, state.now()).await?;
    let sequence = parse_ticket_number(&booking.number).map_or(0, |(_, n)| n);
    call.done(json!({
        "nomorantrean": booking.number,
        "angkaantrean": sequence,
        "kodebooking": booking.booking_code,
        "norm": patient.norm,
        "namapoli": poli.poli.codes.poli_name,
        "namadokter": poli.poli.codes.doctor_name,
        "estimasidilayani": booking.estimated_at_ms,
        "sisakuotajkn": poli.jkn_left() - 1,
        "kuotajkn": poli.poli.codes.quota_jkn,
        "sisakuotanonjkn": poli.others_left(),
        "kuotanonjkn": poli.poli.codes.quota_non_jkn,
        "keterangan": "Silakan check-in di rumah sakit pada hari periksa",
    }))
}

#[derive(Deserialize)]
struct BookingRequest {
    kodebooking: String,
}

async fn remaining(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<BookingRequest>, JsonRejection>,
) -> Result<Response, Stop> {
    let call = admitted(&state, &headers, body)?;
    let now = state.now();
    let code = call.body.kodebooking.trim();
    // Not yet checked in: where the booking stands.
    if let Some(booked) = state.store.bpjs_booking_standing(code, now).await? {
        let wait_ms = (booked.booking.estimated_at_ms - now.timestamp_millis()).max(0);
        return call.done(json!({
            "nomorantrean": booked.booking.number,
            "namapoli": booked.poli.as_ref().map_or("", |p| p.codes.poli_name.as_str()),
            "namadokter": booked.poli.as_ref().map_or("", |p| p.codes.doctor_name.as_str()),
            "sisaantrean": booked.ahead,
            "antreanpanggil": booked.last_called.as_deref().unwrap_or("-"),
            "waktutunggu": wait_ms / 1000,
            "keterangan": "Belum check-in",
        }));
    }
    let visit = match state.store.visit(code, VisitReader::Staff, now).await {
        Ok(visit) => visit,
        Err(StoreError::NotFound(_)) => return Err(VisitRefusal::UnknownBooking.into()),
        Err(err) => return Err(err.into()),
    };
    let Some(here) = visit.steps.last().filter(|_| !visit.finished) else {
        return Err(VisitRefusal::NoLongerOpen.into());
    };
    let poli = state.store.bpjs_poli(here.station.service_id).await?;
    let last_called = state
        .store
        .last_called(here.station.service_id, visit.business_day)
        .await?;
    call.done(json!({
        "nomorantrean": here.ticket.number,
        "namapoli": poli.as_ref().map_or(here.station.name.as_str(), |p| p.codes.poli_name.as_str()),
        "namadokter": poli.as_ref().map_or("", |p| p.codes.doctor_name.as_str()),
        "sisaantrean": here.ticket.people_ahead.unwrap_or(0),
        "antreanpanggil": last_called.as_deref().unwrap_or("-"),
        "waktutunggu": here.ticket.eta_seconds.unwrap_or(0),
        "keterangan": "",
    }))
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
) -> Result<Response, Stop> {
    let req = admitted(&state, &headers, body)?.body;
    state
        .store
        .bpjs_cancel_visit(req.kodebooking.trim(), req.keterangan.trim(), state.now())
        .await?;
    done(None)
}

#[derive(Deserialize)]
struct CheckInRequest {
    kodebooking: String,
    /// When Mobile JKN saw the check-in (ms since the epoch). Required, as BPJS documents it,
    /// but the ticket's time is the server's, as for every queue action, so that a visit's
    /// task times never go backwards.
    #[serde(rename = "waktu")]
    _waktu: i64,
}

async fn check_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<CheckInRequest>, JsonRejection>,
) -> Result<Response, Stop> {
    let req = admitted(&state, &headers, body)?.body;
    state
        .store
        .bpjs_check_in(req.kodebooking.trim(), state.now())
        .await?;
    done(None)
}
