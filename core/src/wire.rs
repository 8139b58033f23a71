//! The JSON the server and its clients exchange (DESIGN §3). The server serialises exactly these
//! types and the clients parse exactly these, so the two cannot drift apart.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::call_order::{CallReason, Priority};
use crate::status::TicketStatus;
use crate::visit::Station;

/// A service (layanan, poli) patients queue for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Service {
    pub id: Uuid,
    /// Ticket prefix, such as `A`.
    pub code: String,
    pub name: String,
    /// Closed services issue no new tickets; those already waiting are still called.
    pub open: bool,
    /// Most tickets issued in one business day; `null` for no limit.
    pub daily_quota: Option<u32>,
    /// Tickets waiting now.
    pub waiting: u32,
    /// Tickets that can still be issued today; `null` when there is no quota.
    pub quota_left: Option<u32>,
    /// When it starts taking tickets each day, `HH:MM` in the hospital's time zone; `null`
    /// (with `closes_at`) when it takes them all day.
    #[serde(default)]
    pub opens_at: Option<String>,
    /// When it stops taking new tickets; those already waiting are still called.
    #[serde(default)]
    pub closes_at: Option<String>,
    /// Whether a patient can take a ticket right now: open, and within its hours.
    #[serde(default)]
    pub accepting: bool,
    /// Its kind of station in a visit.
    #[serde(default)]
    pub station: Station,
    /// Where a visit goes when a ticket here is done (staff may choose otherwise); `null` when
    /// the visit ends here. A registration station sends each patient to the poli they chose.
    #[serde(default)]
    pub next_service_id: Option<Uuid>,
}

/// A desk or a doctor's room (loket, ruang periksa) that calls patients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counter {
    pub id: Uuid,
    /// The number announced ("silakan menuju loket dua").
    pub number: u32,
    pub name: String,
    /// A paused counter calls nobody.
    pub paused: bool,
    /// Services it calls from, most preferred first.
    pub service_ids: Vec<Uuid>,
}

/// The counter a ticket was called to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterRef {
    pub id: Uuid,
    pub number: u32,
    pub name: String,
}

/// What the patient told us; shown only to the patient and to staff, never on a display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientDetails {
    pub name: Option<String>,
    /// E.164, such as `+6281234567890`.
    pub phone: Option<String>,
}

/// A numbered place in a service's queue for one business day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    pub id: Uuid,
    /// `A-001`.
    pub number: String,
    pub status: TicketStatus,
    pub service_id: Uuid,
    pub priority: Priority,
    /// The business day the ticket belongs to, in the hospital's time zone.
    pub business_day: NaiveDate,
    /// Waiting tickets of the same service called before this one; `null` unless waiting.
    pub people_ahead: Option<u32>,
    /// Estimated seconds until called; `null` unless waiting or before there is data today.
    pub eta_seconds: Option<u32>,
    /// Where to go; set once called.
    pub counter: Option<CounterRef>,
    /// How many times the call was repeated.
    pub recalls: u32,
    pub issued_at: DateTime<Utc>,
    pub called_at: Option<DateTime<Utc>>,
    /// When it was done, skipped, cancelled, transferred or expired.
    pub finished_at: Option<DateTime<Utc>>,
    /// All tickets of one patient's visit share it (a transfer continues the visit).
    pub visit_id: Uuid,
    /// The visit's booking code, shared by all its tickets (`261130A017`).
    #[serde(default)]
    pub booking_code: String,
    /// The ticket this one continues: it came from a transfer, or the visit's previous
    /// station was done and sent the patient here.
    pub transferred_from: Option<Uuid>,
    /// The ticket that continues this one (after a transfer, or at the visit's next station
    /// once this one was done); the same tracking token follows it.
    pub transferred_to: Option<Uuid>,
    /// At a registration station: the poli the patient came for, where the visit goes next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_service_id: Option<Uuid>,
    /// In a counter's waiting list: why the ticket stands where it does in the call order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_reason: Option<CallReason>,
    /// Present only for the ticket's owner and for staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<PatientDetails>,
}

/// `POST /api/v1/tickets`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTicket {
    pub service_id: Uuid,
    #[serde(default)]
    pub name: Option<String>,
    /// Any common Indonesian spelling (`0812…`, `+62 812…`).
    #[serde(default)]
    pub phone: Option<String>,
    /// The app's installation id; one active ticket per device.
    #[serde(default)]
    pub device_id: Option<String>,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// When taking a registration station's ticket: the poli the patient came for, whose
    /// queue they join once registered.
    #[serde(default)]
    pub destination_service_id: Option<Uuid>,
}

/// Answer to a new ticket. Keep the tracking token: it is the only way to follow or cancel it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedTicket {
    pub ticket: Ticket,
    pub tracking_token: String,
}

/// Answer of counter actions; `ticket` is `null` when call-next finds nobody waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketResult {
    pub ticket: Option<Ticket>,
}

/// A ticket without its tracking token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketView {
    pub ticket: Ticket,
}

/// `POST /api/v1/counters/{id}/transfer`: a ticket moves into another service's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// The service whose queue the patient joins.
    pub service_id: Uuid,
    /// A waiting ticket of the counter's services; leave it out to transfer the counter's
    /// current (called) ticket.
    #[serde(default)]
    pub ticket_id: Option<Uuid>,
}

/// `POST /api/v1/counters/{id}/complete` (the body is optional): where the visit goes next.
/// Left out, the visit follows its route: a registration ticket to the patient's poli, any
/// other to its service's next station, if it has one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CompleteRequest {
    /// Send the patient on to this service instead (a laboratory before the pharmacy, say).
    #[serde(default)]
    pub next_service_id: Option<Uuid>,
    /// The visit ends here, whatever the route says (no prescription, say).
    #[serde(default)]
    pub end_visit: bool,
}

/// `POST /api/v1/counters/{id}/requeue`: a skipped ticket waits again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RequeueRequest {
    pub ticket_id: Uuid,
    /// How many waiting tickets of its service go before it: 0 puts it first; leave it out to
    /// put it at the back.
    #[serde(default)]
    pub position: Option<u32>,
}

/// `POST /api/v1/counters/{id}/cancel`: staff withdraw a waiting ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    pub ticket_id: Uuid,
}

/// Tickets of a counter's services today, by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueCounts {
    pub waiting: u32,
    pub called: u32,
    pub done: u32,
    pub skipped: u32,
    pub cancelled: u32,
    pub transferred: u32,
}

/// `GET /api/v1/counters/{id}/queue`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterQueue {
    pub counter: Counter,
    /// The ticket called to this counter, if any.
    pub current: Option<Ticket>,
    /// Waiting tickets of the counter's services in the order they will be called (the first
    /// 500; `today.waiting` has the full count).
    pub waiting: Vec<Ticket>,
    /// Skipped tickets of the counter's services today, which staff may requeue.
    pub skipped: Vec<Ticket>,
    pub today: QueueCounts,
}

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs everything.
    Admin,
    /// Calls patients at the counters assigned to them.
    Staff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        [Role::Admin, Role::Staff]
            .into_iter()
            .find(|r| r.as_str() == name)
    }
}

impl TryFrom<String> for Role {
    type Error = UnknownName;
    fn try_from(name: String) -> Result<Self, Self::Error> {
        Role::parse(&name).ok_or(UnknownName(name))
    }
}

/// A stored name (status, priority, role) this version does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown name {0:?}")]
pub struct UnknownName(pub String);

/// A staff or admin account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Counters a staff user may work at (admins may work at all).
    pub counters: Vec<Uuid>,
    pub disabled: bool,
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// A session: send `token` as `Authorization: Bearer …`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

/// `POST /api/v1/admin/services`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewService {
    pub code: String,
    pub name: String,
    /// Tickets a day, at most 100000; `0` or none for no quota.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 100000))]
    pub daily_quota: Option<u32>,
    #[serde(default = "default_true")]
    pub open: bool,
    /// `HH:MM`; with `closes_at`, the daily hours tickets can be taken. Leave both out for all
    /// day.
    #[serde(default)]
    pub opens_at: Option<String>,
    #[serde(default)]
    pub closes_at: Option<String>,
    /// Its kind of station in a visit; `poli` when left out.
    #[serde(default)]
    pub station: Station,
    /// Where a visit goes when a ticket here is done.
    #[serde(default)]
    pub next_service_id: Option<Uuid>,
}

/// `PATCH /api/v1/admin/services/{id}`: fields left out stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceUpdate {
    #[serde(default)]
    pub name: Option<String>,
    /// At most 100000; `0` removes the quota.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 100000))]
    pub daily_quota: Option<u32>,
    #[serde(default)]
    pub open: Option<bool>,
    /// `HH:MM`, sent together with `closes_at`; both `""` remove the hours.
    #[serde(default)]
    pub opens_at: Option<String>,
    #[serde(default)]
    pub closes_at: Option<String>,
    #[serde(default)]
    pub station: Option<Station>,
    /// The next station of a visit; `null` ends visits here.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Uuid>))]
    pub next_service_id: Option<Option<Uuid>>,
}

/// A field that is present, even as `null`: `Some(None)`. A missing one stays `None` through
/// `#[serde(default)]`, so an update can tell "clear it" from "leave it".
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// A station as a visit names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StationRef {
    pub service_id: Uuid,
    pub code: String,
    pub name: String,
    pub station: Station,
}

/// One station of a visit: the ticket it gave, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitStep {
    pub station: StationRef,
    pub ticket: Ticket,
}

/// `GET /api/v1/visits/{booking_code}`: a patient's visit through its stations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Visit {
    pub booking_code: String,
    pub visit_id: Uuid,
    pub business_day: NaiveDate,
    /// Every station so far, in order; the last is where the patient is now.
    pub steps: Vec<VisitStep>,
    /// The stations still ahead by the hospital's routes (staff may change them).
    pub planned: Vec<StationRef>,
    /// No ticket of the visit is waiting or called any more.
    pub finished: bool,
    /// Estimated seconds until the patient is next called, wherever that is; `null` when not
    /// waiting or before there is data today.
    pub eta_seconds: Option<u32>,
}

/// `POST /api/v1/admin/counters`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCounter {
    pub number: u32,
    pub name: String,
    /// Services in order of preference.
    pub service_ids: Vec<Uuid>,
}

/// `PATCH /api/v1/admin/counters/{id}`: fields left out stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CounterUpdate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub service_ids: Option<Vec<Uuid>>,
    #[serde(default)]
    pub paused: Option<bool>,
}

/// `POST /api/v1/admin/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub password: String,
    pub role: Role,
    #[serde(default)]
    pub counters: Vec<Uuid>,
}

/// `PATCH /api/v1/admin/users/{id}`: fields left out stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub counters: Option<Vec<Uuid>>,
    #[serde(default)]
    pub disabled: Option<bool>,
}

/// A waiting-room display (a Raspberry Pi by the TV). Its token reads only the public call
/// stream and the display settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisplayDevice {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// Set once an admin revokes the device; its token then opens nothing.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When the device last connected or was seen on its stream.
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// `POST /api/v1/admin/displays`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDisplayDevice {
    /// Where it hangs, such as "Ruang tunggu lantai 1".
    pub name: String,
}

/// A new display and its token, shown this once: the server keeps only a hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedDisplayDevice {
    pub device: DisplayDevice,
    pub token: String,
}

/// What every display shows besides the calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisplaySettings {
    /// The hospital's or clinic's name for the header; empty until an admin sets it.
    pub hospital_name: String,
    /// Running text along the bottom of the screen; empty for none.
    pub marquee: String,
    /// IANA zone of the clock and the business day, such as `Asia/Jakarta`.
    pub time_zone: String,
    /// The sentence spoken for each call, with `{number}` and `{counter}` placeholders.
    #[serde(default = "default_announcement")]
    pub announcement_template: String,
    /// The language numbers and counter names are read in: `id` or `en`.
    #[serde(default = "default_announcement_language")]
    pub announcement_language: String,
    /// The speech engine's voice, such as espeak-ng's `id`.
    #[serde(default = "default_voice")]
    pub voice: String,
}

fn default_announcement() -> String {
    crate::announce::DEFAULT_TEMPLATE_ID.to_owned()
}

fn default_announcement_language() -> String {
    crate::announce::Language::Indonesian.as_str().to_owned()
}

/// espeak-ng's Indonesian voice, the display's default engine.
pub const DEFAULT_VOICE: &str = "id";

fn default_voice() -> String {
    DEFAULT_VOICE.to_owned()
}

/// `PATCH /api/v1/admin/settings`: fields left out stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SettingsUpdate {
    #[serde(default)]
    pub hospital_name: Option<String>,
    #[serde(default)]
    pub marquee: Option<String>,
    /// Must contain `{number}`; may contain `{counter}`; at most 300 characters.
    #[serde(default)]
    pub announcement_template: Option<String>,
    /// `id` or `en`.
    #[serde(default)]
    pub announcement_language: Option<String>,
    /// 1 to 40 letters, digits, `-`, `_`, `+` or `.`.
    #[serde(default)]
    pub voice: Option<String>,
}

/// `POST /api/v1/admin/day/reset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DayResetRequest {
    /// The admin's own password, asked again because a reset cannot be taken back.
    pub password: String,
}

/// What a day reset did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayReset {
    pub business_day: NaiveDate,
    /// Open tickets (waiting, called, skipped) that expired.
    pub expired: u64,
}

/// One recorded staff or admin action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Increases with every entry: page with `before`.
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The account that acted; `None` for a failed login of an unknown username.
    pub user_id: Option<Uuid>,
    /// The username as known or typed at the time.
    pub username: Option<String>,
    /// The client's address as the server saw it (after trusted proxies).
    pub ip: Option<String>,
    /// What was done, such as `call_next`, `login_failed`, `update_user`.
    pub action: String,
    /// What it was done to: a ticket number, a counter, a username.
    pub target: Option<String>,
    /// Further particulars as JSON, never a password or token.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub detail: Option<serde_json::Value>,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page; `None` on the last page.
    pub next_before: Option<i64>,
}

/// `GET /api/v1/admin/stats`: the numbers of one business day behind the admin's dashboard.
///
/// Every ticket counts in exactly one status column, the one it has now. On a past day, the
/// tickets still waiting, called or skipped when the day ended count as `expired` (the end of
/// the business day expires them), so there `waiting`, `called` and `skipped` are 0 and a
/// no-show that was not requeued by the end of its day shows as expired. `issued`, the
/// averages and `per_hour` follow what happened to a ticket (issued, called, served), whatever
/// its status now, so they do not change once the day is over.
///
/// A ticket keeps one call time, that of its latest call: a recall re-announces without moving
/// it, a requeued ticket keeps its earlier call time while it waits again, and a new call moves
/// it. A transfer issues a new ticket in the target service, at the moment of the transfer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayStats {
    /// The business day, in the hospital's time zone.
    pub day: NaiveDate,
    /// When these numbers were read.
    pub generated_at: DateTime<Utc>,
    /// Every service, closed ones too, by code.
    pub services: Vec<ServiceStats>,
    /// Every counter, paused ones too, by number.
    pub counters: Vec<CounterStats>,
    pub totals: StatsTotals,
    /// 24 entries, hours 0 to 23 of the day in the hospital's time zone.
    pub per_hour: Vec<HourStats>,
}

/// One service's day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceStats {
    pub service_id: Uuid,
    pub code: String,
    pub name: String,
    /// Whether it takes new tickets now.
    pub open: bool,
    /// Tickets waiting now (today only; 0 for any other day), requeued ones included.
    pub waiting: u32,
    /// Tickets at a counter now (today only).
    pub called: u32,
    /// Tickets served.
    pub done: u32,
    /// No-shows not (yet) requeued (today only: at the end of the day they expire).
    pub skipped: u32,
    /// Tickets withdrawn by the patient or staff.
    pub cancelled: u32,
    /// Tickets moved into another service; the patient's new ticket counts there.
    pub transferred: u32,
    /// Tickets still open when the day ended.
    pub expired: u32,
    /// Numbers issued that day, whatever became of them; a transfer into this service issues
    /// one too.
    pub issued: u32,
    /// Numbers the service could still issue that day under its current quota; `null` without
    /// a quota.
    pub quota_left: Option<u32>,
    /// Mean wait, in whole seconds, from issue to the latest call, over the day's tickets that
    /// have been called (whatever their status now); `null` when none has. A requeued ticket
    /// called again waited through its first call too.
    pub avg_wait_seconds: Option<u32>,
    /// Mean time at the counter, in whole seconds, from the latest call to completion, over the
    /// day's done tickets; `null` when none is done.
    pub avg_service_seconds: Option<u32>,
}

/// One counter's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterStats {
    pub counter_id: Uuid,
    pub number: u32,
    pub name: String,
    /// Whether it is paused now.
    pub paused: bool,
    /// The number of the ticket called to it now (today only).
    pub current_number: Option<String>,
    /// When that ticket was (last) called.
    pub current_called_at: Option<DateTime<Utc>>,
    /// Tickets waiting now in the services it calls from: what it could call next (today only).
    pub waiting: u32,
    /// Tickets it completed that day.
    pub done: u32,
    /// Tickets it skipped that day and that are still skipped (today only, like
    /// `ServiceStats::skipped`).
    pub skipped: u32,
}

/// The day over all services. A transferred patient's two tickets count once in each service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatsTotals {
    pub issued: u32,
    pub waiting: u32,
    pub done: u32,
    pub skipped: u32,
    /// `skipped / (done + skipped)`, from 0 to 1; `null` when both are 0.
    pub no_show_rate: Option<f64>,
    /// As in `ServiceStats`, over the tickets of every service.
    pub avg_wait_seconds: Option<u32>,
    pub avg_service_seconds: Option<u32>,
}

/// One hour of the day, in the hospital's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HourStats {
    /// 0 to 23.
    pub hour: u32,
    /// Tickets issued in this hour.
    pub issued: u32,
    /// Tickets whose latest call was in this hour; each ticket counts once.
    pub called: u32,
}

/// One ticket as the admin's history shows it, patient details included: the history is where
/// an admin looks a patient's visit up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub id: Uuid,
    /// `A-012`.
    pub number: String,
    /// The business day the ticket belongs to, in the hospital's time zone.
    pub business_day: NaiveDate,
    pub service_id: Uuid,
    /// The service's ticket prefix, such as `A`.
    pub service_code: String,
    pub service_name: String,
    /// The counter it was called to; `null` if never called.
    pub counter_id: Option<Uuid>,
    pub counter_name: Option<String>,
    /// As of now: an open ticket of an earlier day reads `expired`.
    pub status: TicketStatus,
    pub priority: Priority,
    /// The patient's name, if they gave one.
    pub name: Option<String>,
    /// E.164, such as `+6281234567890`, if they gave one.
    pub phone: Option<String>,
    pub issued_at: DateTime<Utc>,
    pub called_at: Option<DateTime<Utc>>,
    /// When it was done, skipped, cancelled, transferred or expired.
    pub finished_at: Option<DateTime<Utc>>,
    /// How many times the call was repeated.
    pub recalls: u32,
    /// Seconds from taking the ticket to its (last) call; `null` if never called.
    pub wait_seconds: Option<u32>,
    /// Seconds from the call to done; `null` unless the ticket is done.
    pub service_seconds: Option<u32>,
}

/// `GET /api/v1/admin/history`: a page of tickets, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryPage {
    pub items: Vec<HistoryEntry>,
    /// Tickets matching the filters, on all pages.
    pub total: u32,
    /// This page, from 1.
    pub page: u32,
    pub per_page: u32,
}

/// `POST /api/v1/tickets/lookup`: "check my status" by phone number, for a patient who lost
/// the page. The answer carries no name, phone or token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusLookup {
    pub phone: String,
}

/// The status of a patient's active ticket, and nothing that identifies them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketStatusView {
    pub number: String,
    pub status: TicketStatus,
    pub people_ahead: Option<u32>,
    pub eta_seconds: Option<u32>,
    /// The counter, once called.
    pub counter: Option<CounterRef>,
}

fn default_true() -> bool {
    true
}

/// Every 4xx and 5xx answer: `{"error": {"code", "message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ApiError,
    /// With `active_ticket_exists`: the patient's existing ticket (without its tracking token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<Ticket>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: ErrorCode,
    /// For people; may change between versions, unlike `code`.
    pub message: String,
    /// The request field at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Machine-readable error codes. Clients branch on these, never on messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not JSON.
    InvalidJson,
    /// 422: JSON of the wrong shape: a missing field, a wrong type, an unknown field.
    InvalidBody,
    /// 422: a field's value is not acceptable; `field` names it.
    InvalidField,
    /// 400: a path or query parameter is malformed (an id that is not a UUID).
    InvalidParameter,
    /// 415: the body is not sent as `application/json`.
    UnsupportedMediaType,
    /// 413: the body is too large.
    PayloadTooLarge,
    /// 401: no token, or a token that is unknown or expired.
    Unauthorized,
    /// 401: wrong username or password.
    InvalidCredentials,
    /// 403: the token is valid but may not do this.
    Forbidden,
    /// 404: no such route.
    NotFound,
    /// 405: the route exists but not with this method.
    MethodNotAllowed,
    /// 426: `/api/v1/events` speaks WebSocket only.
    WebsocketRequired,
    ServiceNotFound,
    CounterNotFound,
    TicketNotFound,
    UserNotFound,
    /// 409: the service takes no new tickets now.
    ServiceClosed,
    /// 409: the service's daily quota is used up.
    QuotaFull,
    /// 409: the patient already holds a waiting or called ticket, returned in `ticket`.
    ActiveTicketExists,
    /// 409: the counter is paused.
    CounterPaused,
    /// 409: the counter has no called ticket to act on.
    NoCurrentTicket,
    /// 409: the ticket's status does not allow this action.
    InvalidTransition,
    /// 409: a service code, counter number or username already in use.
    AlreadyExists,
    /// 429: too many requests; retry after the `Retry-After` header.
    RateLimited,
    /// 404: no such display device.
    DisplayNotFound,
    /// 404: no active ticket for that phone number.
    NoActiveTicket,
    /// 404: staff asked for a booking code no visit has.
    VisitNotFound,
    /// 404: no such report in the BPJS bridge's outbox.
    ReportNotFound,
    /// 503: the request took too long and was abandoned; check before repeating a change.
    Timeout,
    /// 503: the database does not answer.
    Unavailable,
    /// 500: a fault of ours, logged with details on the server.
    Internal,
    /// A code from a newer server than this client knows.
    #[serde(other)]
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_matches_the_contract() {
        let body = ErrorBody {
            error: ApiError {
                code: ErrorCode::QuotaFull,
                message: "Kuota habis".into(),
                field: None,
            },
            ticket: None,
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"error": {"code": "quota_full", "message": "Kuota habis"}})
        );
    }

    #[test]
    fn unknown_error_codes_from_newer_servers_still_parse() {
        let body: ErrorBody =
            serde_json::from_str(r#"{"error":{"code":"brand_new","message":"x"}}"#).unwrap();
        assert_eq!(body.error.code, ErrorCode::Unknown);
    }

    #[test]
    fn a_minimal_new_ticket_needs_only_the_service() {
        let id = Uuid::nil();
        let t: NewTicket = serde_json::from_value(serde_json::json!({"service_id": id})).unwrap();
        assert_eq!(
            t,
            NewTicket {
                service_id: id,
                ..Default::default()
            }
        );
        let bad = serde_json::from_value::<NewTicket>(
            serde_json::json!({"service_id": id, "nmae": "typo"}),
        );
        assert!(
            bad.is_err(),
            "unknown fields are refused, not silently dropped"
        );
    }
}
