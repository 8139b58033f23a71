//! `/admin/bpjs`: the BPJS bridge for admins — which services are BPJS polis, the day's reports
//! (held, pending, sent, refused) with a retry for refused ones, the day's reconciliation, and
//! whether the bridge keeps up.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use giliran_core::antrean::{BpjsPoliCodes, BpjsReport, BridgeStatus, Reconciliation, ReportState};
use giliran_core::visit::Station;
use giliran_core::wire::Service;
use serde::Deserialize;

use super::admin::{chrome, local_datetime};
use super::i18n::{BpjsTexts, Language, ScriptTexts, Texts};
use super::{Chrome, Page, SignedInAdmin};
use crate::api::AppState;
use crate::error::AppError;
use crate::store::Store;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/bpjs", get(page))
}

#[derive(Template)]
#[template(path = "admin/bpjs.html")]
struct BpjsPage {
    c: Chrome,
    t: &'static Texts,
    b: &'static BpjsTexts,
    /// Where reports go, when the bridge is on.
    bridge_url: Option<String>,
    polis: Vec<PoliLine>,
    day: NaiveDate,
    reports: Vec<ReportLine>,
    /// How many reports are in each state, in the order held, pending, sent, failed.
    counts: Vec<(&'static str, &'static str, usize)>,
    reconciliation: Option<(String, Reconciliation)>,
    /// How the bridge keeps up, when it is on.
    status: Option<StatusLine>,
    texts_json: String,
}

/// [`BridgeStatus`] with its times as the hospital's clock shows them.
struct StatusLine {
    stuck: bool,
    events_behind: u64,
    oldest_unread: Option<String>,
    problem: Option<(String, String)>,
    oldest_pending: Option<String>,
}

impl StatusLine {
    fn new(status: BridgeStatus, store: &Store, now: DateTime<Utc>) -> StatusLine {
        let local = |at: Option<DateTime<Utc>>| at.map(|at| local_datetime(store, at));
        StatusLine {
            stuck: status.stuck(now),
            events_behind: status.events_behind,
            oldest_unread: local(status.oldest_unread_at),
            problem: status
                .problem
                .zip(local(status.problem_since))
                .map(|(what, since)| (since, what)),
            oldest_pending: local(status.oldest_pending_at),
        }
    }
}

/// A poli-like service and its BPJS codes as the form shows them (empty when not reported).
struct PoliLine {
    service: Service,
    mapped: bool,
    poli_code: String,
    poli_name: String,
    doctor_code: String,
    doctor_name: String,
    practice_hours: String,
    quota_jkn: String,
    quota_non_jkn: String,
}

impl PoliLine {
    fn new(service: Service, codes: Option<&BpjsPoliCodes>) -> PoliLine {
        let text = |pick: fn(&BpjsPoliCodes) -> String| codes.map(pick).unwrap_or_default();
        PoliLine {
            mapped: codes.is_some(),
            poli_code: text(|c| c.poli_code.clone()),
            poli_name: text(|c| c.poli_name.clone()),
            doctor_code: text(|c| c.doctor_code.to_string()),
            doctor_name: text(|c| c.doctor_name.clone()),
            practice_hours: text(|c| c.practice_hours.clone()),
            quota_jkn: text(|c| c.quota_jkn.to_string()),
            quota_non_jkn: text(|c| c.quota_non_jkn.to_string()),
            service,
        }
    }
}

struct ReportLine {
    report: BpjsReport,
    sent: Option<String>,
    next_try: String,
}

impl BpjsPage {
    fn state_name(&self, state: &ReportState) -> &'static str {
        match state {
            ReportState::Held => self.b.held,
            ReportState::Pending => self.b.pending,
            ReportState::Sent => self.b.sent,
            ReportState::Failed => self.b.failed,
        }
    }
}

#[derive(Deserialize)]
struct DayQuery {
    day: Option<NaiveDate>,
}

async fn page(
    State(state): State<AppState>,
    lang: Language,
    admin: SignedInAdmin,
    Query(query): Query<DayQuery>,
) -> Result<Page<BpjsPage>, AppError> {
    let t = lang.texts();
    let store = &state.store;
    let day = query.day.unwrap_or_else(|| store.today(state.now()));
    let mapped = store.bpjs_polis().await?;
    let polis = store
        .services(state.now())
        .await?
        .into_iter()
        .filter(|s| s.station == Station::Poli || mapped.iter().any(|p| p.service_id == s.id))
        .map(|service| {
            let codes = mapped.iter().find(|p| p.service_id == service.id);
            PoliLine::new(service, codes.map(|p| &p.codes))
        })
        .collect();
    let reports: Vec<ReportLine> = store
        .bpjs_reports(day)
        .await?
        .into_iter()
        .map(|report| ReportLine {
            sent: report.sent_at.map(|at| local_datetime(store, at)),
            next_try: local_datetime(store, report.next_attempt_at),
            report,
        })
        .collect();
    let b = t.bpjs;
    let counts = [
        (ReportState::Held, b.held),
        (ReportState::Pending, b.pending),
        (ReportState::Sent, b.sent),
        (ReportState::Failed, b.failed),
    ]
    .into_iter()
    .map(|(state, name)| {
        let n = reports.iter().filter(|r| r.report.state == state).count();
        (state.as_str(), name, n)
    })
    .collect();
    let status = match &state.bpjs {
        Some(bridge) => Some(StatusLine::new(
            bridge.status(store).await?,
            store,
            state.now(),
        )),
        None => None,
    };
    let reconciliation = store
        .bpjs_reconciliation(day)
        .await?
        .map(|r| (local_datetime(store, r.at), r));
    Ok(Page(BpjsPage {
        c: chrome(&state, lang, &admin, b.title, "bpjs").await?,
        t,
        b,
        bridge_url: state.bpjs.as_ref().map(|bridge| bridge.url().to_owned()),
        polis,
        day,
        reports,
        counts,
        reconciliation,
        status,
        texts_json: ScriptTexts::of(lang).json(),
    }))
}
