//! The admin panel at `/admin`: the live dashboard and the pages that manage services,
//! counters, staff accounts, waiting-room displays and settings. Pages only show; their forms
//! send changes to the admin API (`/api/v1/admin/…`) with the page's CSRF token.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::http::header::HOST;
use axum::routing::get;
use chrono::{DateTime, Utc};
use giliran_core::announce::{Language as AnnounceLanguage, Template as AnnounceTemplate};
use giliran_core::visit::Station;
use giliran_core::wire::{
    AuditEntry, Counter, DayStats, DisplayDevice, DisplaySettings, HourStats, Role, Service, User,
};
use serde::Deserialize;
use uuid::Uuid;

use super::i18n::{Language, ScriptTexts, Texts};
use super::staff::clock_time;
use super::{Chrome, Page, SignedInAdmin};
use crate::api::AppState;
use crate::error::AppError;
use crate::store::{AuditFilter, Store};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(dashboard))
        .route("/admin/dashboard/panel", get(dashboard_panel))
        .route("/admin/services", get(services))
        .route("/admin/counters", get(counters))
        .route("/admin/users", get(users))
        .route("/admin/displays", get(displays))
        .route("/admin/settings", get(settings))
        .route("/admin/audit", get(audit))
        .route("/admin/poster", get(poster))
}

/// A moment as the hospital's clock shows it, with the date.
pub(super) fn local_datetime(store: &Store, at: DateTime<Utc>) -> String {
    at.with_timezone(&store.calendar.time_zone())
        .format("%d-%m-%Y %H:%M")
        .to_string()
}

pub(super) async fn chrome(
    state: &AppState,
    lang: Language,
    admin: &SignedInAdmin,
    title: &str,
    section: &'static str,
) -> Result<Chrome, AppError> {
    let path = match section {
        "dashboard" => "/admin".to_owned(),
        other => format!("/admin/{other}"),
    };
    Chrome::new(state, lang, title, section, path, Some(&admin.0)).await
}

// --- Dashboard ------------------------------------------------------------------------------

/// The live part of the dashboard: today's numbers, the hours, the counters and recent calls.
#[derive(Template)]
#[template(path = "admin/dashboard_panel.html")]
struct DashboardPanel {
    t: &'static Texts,
    stats: DayStats,
    /// Recent calls as (number, counter name, time).
    recent: Vec<(String, String, String)>,
    chart: HourChart,
}

/// The per-hour chart as bar geometry, so the template draws plain SVG (no inline styles,
/// which the pages' CSP forbids).
struct HourChart {
    bars: Vec<HourBar>,
    /// The largest count, the top of the scale.
    peak: u32,
}

struct HourBar {
    hour: u32,
    issued: u32,
    called: u32,
    /// Left edge of the pair of bars, in chart units.
    x: u32,
    issued_height: u32,
    called_height: u32,
}

/// Chart height in SVG units (the bars' area; labels sit below).
const CHART_HEIGHT: u32 = 120;
/// Width of one hour in SVG units.
const HOUR_WIDTH: u32 = 56;

impl HourChart {
    /// The hours from the first to the last with any ticket, widened to a working day (07–17)
    /// so a quiet morning still reads as a day.
    fn of(hours: &[HourStats]) -> HourChart {
        let busy = |h: &&HourStats| h.issued > 0 || h.called > 0;
        let first = hours.iter().find(busy).map_or(7, |h| h.hour.min(7));
        let last = hours.iter().rev().find(busy).map_or(17, |h| h.hour.max(17));
        let shown: Vec<&HourStats> = hours
            .iter()
            .filter(|h| (first..=last).contains(&h.hour))
            .collect();
        let peak = shown
            .iter()
            .map(|h| h.issued.max(h.called))
            .max()
            .unwrap_or(0)
            .max(1);
        let height = |n: u32| n * CHART_HEIGHT / peak;
        let bars = shown
            .iter()
            .enumerate()
            .map(|(i, h)| HourBar {
                hour: h.hour,
                issued: h.issued,
                called: h.called,
                x: u32::try_from(i).unwrap_or(0) * HOUR_WIDTH,
                issued_height: height(h.issued),
                called_height: height(h.called),
            })
            .collect::<Vec<_>>();
        HourChart { bars, peak }
    }

    fn width(&self) -> u32 {
        u32::try_from(self.bars.len()).unwrap_or(0) * HOUR_WIDTH
    }
}

impl DashboardPanel {
    async fn load(state: &AppState, lang: Language) -> Result<DashboardPanel, AppError> {
        let now = state.now();
        let store = &state.store;
        let stats = store.day_stats(store.today(now), now).await?;
        let board = store.board(now).await?;
        let recent = board
            .recent_calls
            .iter()
            .take(10)
            .map(|call| {
                (
                    call.number.clone(),
                    call.counter_name.clone(),
                    clock_time(store, call.called_at),
                )
            })
            .collect();
        Ok(DashboardPanel {
            t: lang.texts(),
            chart: HourChart::of(&stats.per_hour),
            stats,
            recent,
        })
    }

    /// Seconds as whole minutes for people ("12 mnt"), or a dash when there is nothing to
    /// average.
    fn minutes(&self, seconds: &Option<u32>) -> String {
        match seconds {
            Some(s) => format!("{} {}", s.div_ceil(60), self.t.minutes_short),
            None => "—".into(),
        }
    }

    fn no_show(&self) -> String {
        self.stats
            .totals
            .no_show_rate
            .map_or_else(|| "—".into(), |rate| format!("{:.0}%", rate * 100.0))
    }
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    c: Chrome,
    t: &'static Texts,
    panel: DashboardPanel,
    texts_json: String,
}

async fn dashboard(
    State(state): State<AppState>,
    lang: Language,
    admin: SignedInAdmin,
) -> Result<Page<DashboardPage>, AppError> {
    let t = lang.texts();
    Ok(Page(DashboardPage {
        c: chrome(&state, lang, &admin, t.nav_dashboard, "dashboard").await?,
        t,
        panel: DashboardPanel::load(&state, lang).await?,
        texts_json: ScriptTexts::of(lang).json(),
    }))
}

async fn dashboard_panel(
    State(state): State<AppState>,
    lang: Language,
    _admin: SignedInAdmin,
) -> Result<Page<DashboardPanel>, AppError> {
    Ok(Page(DashboardPanel::load(&state, lang).await?))
}

// --- Services -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/services.html")]
struct ServicesPage {
    c: Chrome,
    t: &'static Texts,
    services: Vec<Service>,
    texts_json: String,
}

impl ServicesPage {
    /// The kinds of station to choose from: (value, label, chosen).
    fn stations(&self, current: &Station) -> Vec<(&'static str, &'static str, bool)> {
        Station::ALL
            .into_iter()
            .map(|s| (s.as_str(), self.t.lang.station(s), s == *current))
            .collect()
    }

    fn goes_to(&self, service: &Service, next: &Service) -> bool {
        service.next_service_id == Some(next.id)
    }

    fn station_name(&self, service: &Service) -> &'static str {
        self.t.lang.station(service.station)
    }

    /// The next station's name, or that the visit ends.
    fn route(&self, service: &Service) -> String {
        service
            .next_service_id
            .and_then(|id| self.services.iter().find(|s| s.id == id))
            .map_or_else(
                || self.t.route_ends.to_owned(),
                |s| format!("{} — {}", s.code, s.name),
            )
    }

    /// "07:00–14:00", or "all day" for a service without hours.
    fn hours(&self, service: &Service) -> String {
        match (&service.opens_at, &service.closes_at) {
            (Some(opens), Some(closes)) => format!("{opens}–{closes}"),
            _ => self.t.all_day.to_owned(),
        }
    }
}

async fn services(
    State(state): State<AppState>,
    lang: Language,
    admin: SignedInAdmin,
) -> Result<Page<ServicesPage>, AppError> {
    let t = lang.texts();
    Ok(Page(ServicesPage {
        c: chrome(&state, lang, &admin, t.nav_services, "services").await?,
        t,
        services: state.store.services(state.now()).await?,
        texts_json: ScriptTexts::of(lang).json(),
    }))
}

// --- Counters -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/counters.html")]
struct CountersPage {
    c: Chrome,
    t: &'static Texts,
    counters: Vec<Counter>,
    services: Vec<Service>,
    texts_json: String,
}

impl CountersPage {
    /// How many service choices a counter's form offers: its own and two more, within reason.
    fn slots(&self, counter: Option<&Counter>) -> Vec<usize> {
        let used = counter.map_or(1, |c| c.service_ids.len());
        (0..(used + 2).min(self.services.len()).max(1)).collect()
    }

    /// Whether `service` is the counter's choice in `slot` (0 = most preferred).
    fn chosen(counter: &Counter, slot: &usize, service: &Uuid) -> bool {
        counter.service_ids.get(*slot) == Some(service)
    }

    fn service_label(&self, id: &Uuid) -> String {
        self.services
            .iter()
            .find(|s| s.id == *id)
            .map(|s| format!("{} — {}", s.code, s.name))
            .unwrap_or_default()
    }
}

async fn counters(
    State(state): State<AppState>,
    lang: Language,
    admin: SignedInAdmin,
) -> Result<Page<CountersPage>, AppError> {
    let t = lang.texts();
    Ok(Page(CountersPage {
        c: chrome(&state, lang, &admin, t.nav_counters, "counters").await?,
        t,
        counters: state.store.counters().await?,
        services: state.store.services(state.now()).await?,
        texts_json: ScriptTexts::of(lang).json(),
    }))
}

// --- Users ----------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    c: Chrome,
    t: &'static Texts,
    users: Vec<User>,
    counters: Vec<Counter>,
    /// The admin looking, who may not disable themselves.
    me: Uuid,
    texts_json: String,
}

impl UsersPage {
    fn is_admin(user: &User) -> bool {
        user.role == Role::Admin
    }

    fn counter_names(&self, user: &User) -> String {
        self.counters
            .iter()
            .filter(|c| user.counters.contains(&c.id))
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

async fn users(
    State(state): State<AppState>,
    lang: Language,
    admin: SignedInAdmin,
) -> Result<Page<UsersPage>, AppError> {
    let t = lang.texts();
    Ok(Page(UsersPage {
        c: chrome(&state, lang, &admin, t.nav_users, "users").await?,
        t,
        users: state.store.users().await?,
        counters: state.store.counters().await?,
        me: admin.0.principal.user_id,
        texts_json: ScriptTexts::of(lang).json(),
    }))
}

// --- Displays -------------------------------------------------------------------------------

/// A display device as its row shows it.
struct DisplayLine {
    id: Uuid,
    name: String,
    created: String,
    last_seen: Option<String>,
    revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/displays.html")]
struct DisplaysPage {
    c: Chrome,
    t: &'static Texts,
    displays: Vec<DisplayLine>,
    texts_json: String,
}

async fn displays(
    State(state): State<AppState>,
    lang: Language,
    admin: SignedInAdmin,
) -> Result<Page<DisplaysPage>, AppError> {
    let t = lang.texts();
    let store = &state.store;
    let line = |d: DisplayDevice| DisplayLine {
        id: d.id,
        name: d.name,
        created: local_datetime(store, d.created_at),
        last_seen: d.last_seen_at.map(|at| local_datetime(store, at)),
        revoked: d.revoked_at.map(|at| local_datetime(store, at)),
    };
    Ok(Page(DisplaysPage {
        c: chrome(&state, lang, &admin, t.nav_displays, "displays").await?,
        t,
        displays: store.displays().await?.into_iter().map(line).collect(),
        texts_json: ScriptTexts::of(lang).json(),
    }))
}

// --- Settings -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    c: Chrome,
    t: &'static Texts,
    settings: DisplaySettings,
    /// What a display says for a call with these settings.
    example: String,
    texts_json: String,
}

impl SettingsPage {
    fn speaks(&self, code: &str) -> bool {
        self.settings.announcement_language == code
    }
}

/// The announcement of `A-123` at the first counter, as a display would speak it.
fn example_announcement(settings: &DisplaySettings, counter: Option<&Counter>) -> String {
    let language = AnnounceLanguage::parse(&settings.announcement_language).unwrap_or_default();
    let counter = counter.map_or("Loket 1", |c| c.name.as_str());
    AnnounceTemplate::parse(&settings.announcement_template)
        .unwrap_or_default()
        .render(language, "A-123", counter)
        .unwrap_or_default()
}

async fn settings(
    State(state): State<AppState>,
    lang: Language,
    admin: SignedInAdmin,
) -> Result<Page<SettingsPage>, AppError> {
    let t = lang.texts();
    let settings = state.store.display_settings().await?;
    let counters = state.store.counters().await?;
    Ok(Page(SettingsPage {
        c: chrome(&state, lang, &admin, t.nav_settings, "settings").await?,
        t,
        example: example_announcement(&settings, counters.first()),
        settings,
        texts_json: ScriptTexts::of(lang).json(),
    }))
}

// --- Audit log ------------------------------------------------------------------------------

/// An audit entry as its row shows it.
struct AuditLine {
    at: String,
    who: String,
    ip: String,
    action: String,
    target: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPageView {
    c: Chrome,
    t: &'static Texts,
    lines: Vec<AuditLine>,
    users: Vec<User>,
    user_id: Option<Uuid>,
    action: String,
    /// The link to the next, older page.
    older: Option<String>,
    /// Whether this is a later page (a link back to the newest makes sense).
    paged: bool,
}

impl AuditPageView {
    fn selected(&self, user: &User) -> bool {
        self.user_id == Some(user.id)
    }
}

#[derive(Deserialize)]
struct AuditQuery {
    before: Option<i64>,
    user_id: Option<String>,
    action: Option<String>,
}

/// Entries per page of the audit log.
const AUDIT_PAGE: u32 = 100;

async fn audit(
    State(state): State<AppState>,
    lang: Language,
    admin: SignedInAdmin,
    Query(query): Query<AuditQuery>,
) -> Result<Page<AuditPageView>, AppError> {
    let t = lang.texts();
    // An empty select or field means "any", as a plain GET form sends it.
    let user_id = query
        .user_id
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse().ok());
    let action = query.action.unwrap_or_default().trim().to_owned();
    let filter = AuditFilter {
        before: query.before,
        user_id,
        action: (!action.is_empty()).then(|| action.clone()),
        limit: AUDIT_PAGE,
    };
    let page = state.store.audit_log(&filter).await?;
    let store = &state.store;
    let line = |e: AuditEntry| AuditLine {
        at: local_datetime(store, e.at),
        who: e.username.unwrap_or_default(),
        ip: e.ip.unwrap_or_default(),
        action: e.action,
        target: e.target.unwrap_or_default(),
        detail: e.detail.map(|d| d.to_string()).unwrap_or_default(),
    };
    let older = page.next_before.map(|before| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("before", &before.to_string());
        if let Some(id) = user_id {
            query.append_pair("user_id", &id.to_string());
        }
        if !action.is_empty() {
            query.append_pair("action", &action);
        }
        format!("/admin/audit?{}", query.finish())
    });
    Ok(Page(AuditPageView {
        c: chrome(&state, lang, &admin, t.nav_audit, "audit").await?,
        t,
        lines: page.entries.into_iter().map(line).collect(),
        users: state.store.users().await?,
        user_id,
        action,
        older,
        paged: query.before.is_some(),
    }))
}

// --- QR poster ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/poster.html")]
struct PosterPage {
    c: Chrome,
    t: &'static Texts,
    url: String,
    /// The QR code as an SVG element.
    qr_svg: String,
}

#[derive(Deserialize)]
struct PosterQuery {
    url: Option<String>,
}

/// The patient page's address as this browser reached the server, the poster's default.
fn patient_page_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if state.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}/")
}

async fn poster(
    State(state): State<AppState>,
    lang: Language,
    admin: SignedInAdmin,
    headers: HeaderMap,
    Query(query): Query<PosterQuery>,
) -> Result<Page<PosterPage>, AppError> {
    let t = lang.texts();
    let url = query
        .url
        .map(|u| u.trim().to_owned())
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .filter(|u| u.len() <= 500)
        .unwrap_or_else(|| patient_page_url(&state, &headers));
    let code = qrcode::QrCode::with_error_correction_level(&url, qrcode::EcLevel::M)
        .map_err(|e| AppError::invalid("url", format!("cannot be drawn as a QR code: {e}")))?;
    let qr_svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(320, 320)
        .quiet_zone(true)
        .build();
    Ok(Page(PosterPage {
        c: chrome(&state, lang, &admin, t.nav_poster, "poster").await?,
        t,
        url,
        qr_svg,
    }))
}
