//! The staff console at `/staff`: a counter's current patient, its waiting list and today's
//! counts, with the same actions as the staff app. The live panel is rendered here and fetched
//! again by the page whenever the event stream says something moved.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use giliran_core::antrean::JknMembership;
use giliran_core::call_order::CallReason;
use giliran_core::status::TicketStatus;
use giliran_core::visit::next_station;
use giliran_core::wire::{Counter, CounterQueue, QueueCounts, Ticket, Visit, VisitStep};
use serde::Deserialize;
use uuid::Uuid;

use super::i18n::{Language, ScriptTexts, Texts};
use super::{Chrome, Page, SignedIn};
use crate::api::AppState;
use crate::api::counters::ensure_assigned;
use crate::api::extract::ApiPath;
use crate::error::{AppError, StoreError};
use crate::store::{Store, VisitReader};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff", get(pick_counter))
        .route("/staff/counters/{id}", get(console))
        .route("/staff/counters/{id}/panel", get(panel))
        .route("/staff/visits", get(find_visit))
}

/// A time of today as the hospital's clock shows it.
pub fn clock_time(store: &Store, at: DateTime<Utc>) -> String {
    at.with_timezone(&store.calendar.time_zone())
        .format("%H:%M")
        .to_string()
}

/// A ticket as a row of the console.
pub struct TicketLine {
    pub id: Uuid,
    pub number: String,
    pub name: String,
    pub phone: String,
    pub priority: &'static str,
    /// Anything but a regular patient, which the console marks.
    pub priority_flag: bool,
    pub service: String,
    pub taken: String,
    pub called: String,
    pub recalls: u32,
    pub booking_code: String,
    /// Why it stands where it does, when that is news: it waited the longest allowed.
    pub reason: &'static str,
}

impl TicketLine {
    fn of(ticket: &Ticket, t: &Texts, store: &Store, services: &[(Uuid, String)]) -> TicketLine {
        let patient = ticket.patient.as_ref();
        TicketLine {
            id: ticket.id,
            number: ticket.number.clone(),
            name: patient.and_then(|p| p.name.clone()).unwrap_or_default(),
            phone: patient.and_then(|p| p.phone.clone()).unwrap_or_default(),
            priority: t.lang.priority(ticket.priority),
            priority_flag: ticket.priority != giliran_core::call_order::Priority::Regular,
            service: services
                .iter()
                .find(|(id, _)| *id == ticket.service_id)
                .map(|(_, name)| name.clone())
                .unwrap_or_default(),
            taken: clock_time(store, ticket.issued_at),
            called: ticket
                .called_at
                .map(|at| clock_time(store, at))
                .unwrap_or_default(),
            recalls: ticket.recalls,
            booking_code: ticket.booking_code.clone(),
            reason: match ticket.call_reason {
                Some(CallReason::WaitedLongest) => t.waited_longest,
                _ => "",
            },
        }
    }
}

/// The live part of the console.
#[derive(Template)]
#[template(path = "staff_panel.html")]
pub struct Panel {
    t: &'static Texts,
    counter: Counter,
    current: Option<TicketLine>,
    waiting: Vec<TicketLine>,
    /// All waiting, of which `waiting` lists the first ones.
    waiting_total: u32,
    skipped: Vec<TicketLine>,
    today: QueueCounts,
    /// Services a patient can be transferred to: (id, "A — Poli Umum").
    services: Vec<(Uuid, String)>,
    /// Where the current patient's visit goes when done, by its route: "F — Farmasi".
    next_station: Option<String>,
}

/// How many waiting patients the console lists; the count says how many more there are.
const LISTED: usize = 50;

impl Panel {
    async fn load(state: &AppState, lang: Language, counter_id: Uuid) -> Result<Panel, AppError> {
        let t = lang.texts();
        let store = &state.store;
        let queue: CounterQueue = store.counter_queue(counter_id, state.now()).await?;
        let all = store.services(state.now()).await?;
        let services: Vec<(Uuid, String)> = all
            .iter()
            .map(|s| (s.id, format!("{} — {}", s.code, s.name)))
            .collect();
        let next_station = queue.current.as_ref().and_then(|current| {
            let here = all.iter().find(|s| s.id == current.service_id)?;
            let next = next_station(
                here.station,
                here.next_service_id,
                current.destination_service_id,
                None,
            )?;
            services
                .iter()
                .find(|(id, _)| *id == next)
                .map(|(_, label)| label.clone())
        });
        let line = |ticket: &Ticket| TicketLine::of(ticket, t, store, &services);
        Ok(Panel {
            t,
            current: queue.current.as_ref().map(line),
            waiting: queue.waiting.iter().take(LISTED).map(line).collect(),
            waiting_total: queue.today.waiting,
            skipped: queue.skipped.iter().map(line).collect(),
            today: queue.today,
            counter: queue.counter,
            services,
            next_station,
        })
    }

    fn more_waiting(&self) -> u32 {
        self.waiting_total
            .saturating_sub(u32::try_from(self.waiting.len()).unwrap_or(u32::MAX))
    }
}

#[derive(Template)]
#[template(path = "staff_pick.html")]
struct PickPage {
    c: Chrome,
    t: &'static Texts,
    counters: Vec<Counter>,
}

async fn pick_counter(
    State(state): State<AppState>,
    lang: Language,
    signed: SignedIn,
) -> Result<Response, AppError> {
    let t = lang.texts();
    let counters: Vec<Counter> = state
        .store
        .counters()
        .await?
        .into_iter()
        .filter(|c| signed.principal.may_work_at(c.id))
        .collect();
    if let [only] = counters.as_slice() {
        return Ok(Redirect::to(&format!("/staff/counters/{}", only.id)).into_response());
    }
    let c = Chrome::new(
        &state,
        lang,
        t.console_title,
        "staff",
        "/staff",
        Some(&signed),
    )
    .await?;
    Ok(Page(PickPage { c, t, counters }).into_response())
}

#[derive(Template)]
#[template(path = "staff.html")]
struct ConsolePage {
    c: Chrome,
    t: &'static Texts,
    panel: Panel,
    texts_json: String,
}

async fn console(
    State(state): State<AppState>,
    lang: Language,
    signed: SignedIn,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Page<ConsolePage>, AppError> {
    ensure_assigned(&signed.principal, id)?;
    let t = lang.texts();
    let panel = Panel::load(&state, lang, id).await?;
    let title = format!("{} — {}", panel.counter.name, t.console_title);
    let path = format!("/staff/counters/{id}");
    let c = Chrome::new(&state, lang, title, "staff", path, Some(&signed)).await?;
    Ok(Page(ConsolePage {
        c,
        t,
        panel,
        texts_json: ScriptTexts::of(lang).json(),
    }))
}

async fn panel(
    State(state): State<AppState>,
    lang: Language,
    signed: SignedIn,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Page<Panel>, AppError> {
    ensure_assigned(&signed.principal, id)?;
    Ok(Page(Panel::load(&state, lang, id).await?))
}

#[derive(Template)]
#[template(path = "staff_visit.html")]
struct VisitPage {
    c: Chrome,
    t: &'static Texts,
    /// As typed, shown again in the search box.
    code: String,
    visit: Option<Visit>,
    store: Store,
    /// With the BPJS bridge on: registration records a JKN patient's card on the visit.
    bpjs_on: bool,
    jkn: Option<JknMembership>,
    texts_json: String,
}

impl VisitPage {
    fn status(&self, step: &VisitStep) -> &'static str {
        self.t.lang.status(step.ticket.status)
    }

    fn time(&self, at: &DateTime<Utc>) -> String {
        clock_time(&self.store, *at)
    }

    /// Where the patient is now: waiting somewhere, called somewhere, or done.
    fn where_now(&self, visit: &Visit) -> String {
        let t = self.t;
        let Some(last) = visit.steps.last().filter(|_| !visit.finished) else {
            return t.visit_finished.to_owned();
        };
        match (&last.ticket.counter, last.ticket.people_ahead) {
            (Some(counter), _) if last.ticket.status == TicketStatus::Called => {
                format!("{} {}", t.visit_called_to, counter.name)
            }
            (_, Some(ahead)) => format!(
                "{} {} · {} {}",
                t.visit_waiting_at, last.station.name, ahead, t.waiting
            ),
            _ => format!("{} {}", t.visit_waiting_at, last.station.name),
        }
    }
}

#[derive(Debug, Deserialize)]
struct VisitQuery {
    #[serde(default)]
    code: String,
}

/// Where a patient is: any staff member looks a visit up by its booking code.
async fn find_visit(
    State(state): State<AppState>,
    lang: Language,
    signed: SignedIn,
    Query(query): Query<VisitQuery>,
) -> Result<Page<VisitPage>, AppError> {
    let t = lang.texts();
    let code = query.code.trim().to_owned();
    let visit = if code.is_empty() {
        None
    } else {
        match state
            .store
            .visit(&code, VisitReader::Staff, state.now())
            .await
        {
            Ok(visit) => Some(visit),
            Err(StoreError::NotFound(_)) => None,
            Err(err) => return Err(err.into()),
        }
    };
    let c = Chrome::new(
        &state,
        lang,
        t.find_visit,
        "staff",
        "/staff/visits",
        Some(&signed),
    )
    .await?;
    let bpjs_on = state.bpjs.is_some();
    let jkn = match &visit {
        Some(visit) if bpjs_on => state.store.jkn_membership(&visit.booking_code).await?,
        _ => None,
    };
    Ok(Page(VisitPage {
        c,
        t,
        code,
        visit,
        store: state.store.clone(),
        bpjs_on,
        jkn,
        texts_json: ScriptTexts::of(lang).json(),
    }))
}
