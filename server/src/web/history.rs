//! The admin's history page: every ticket of a range of days, filtered by service, counter,
//! status and number, a page at a time, with the same selection downloadable as Excel or CSV.
//! The filters are a plain GET form, so a filtered view is a link that can be bookmarked.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use chrono::NaiveDate;
use giliran_core::status::TicketStatus;
use giliran_core::wire::{Counter, HistoryEntry, Service};
use serde::Deserialize;
use uuid::Uuid;

use super::i18n::{Language, Texts};
use super::staff::clock_time;
use super::{Chrome, Page, SignedInAdmin};
use crate::api::AppState;
use crate::api::history::HistoryQuery;
use crate::error::AppError;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/history", get(history))
}

/// Tickets per page.
const PER_PAGE: u32 = 50;

/// The form as the browser sends it: every field a string, empty meaning "any".
#[derive(Debug, Default, Deserialize)]
struct Form {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    service_id: String,
    #[serde(default)]
    counter_id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    page: Option<u32>,
}

impl Form {
    fn given(value: &str) -> Option<&str> {
        Some(value.trim()).filter(|v| !v.is_empty())
    }

    /// The API's query, or which field cannot be read.
    fn query(&self) -> Result<HistoryQuery, &'static str> {
        let date = |v: &str, field| v.parse::<NaiveDate>().map_err(|_| field);
        let id = |v: &str, field| v.parse::<Uuid>().map_err(|_| field);
        Ok(HistoryQuery {
            from: Form::given(&self.from)
                .map(|v| date(v, "from"))
                .transpose()?,
            to: Form::given(&self.to).map(|v| date(v, "to")).transpose()?,
            service_id: Form::given(&self.service_id)
                .map(|v| id(v, "service_id"))
                .transpose()?,
            counter_id: Form::given(&self.counter_id)
                .map(|v| id(v, "counter_id"))
                .transpose()?,
            status: Form::given(&self.status)
                .map(|v| TicketStatus::parse(v).ok_or("status"))
                .transpose()?,
            number: Form::given(&self.number).map(str::to_owned),
        })
    }
}

/// A ticket as its row shows it.
struct Line {
    day: String,
    number: String,
    service: String,
    counter: String,
    status: &'static str,
    priority: &'static str,
    name: String,
    phone: String,
    issued: String,
    called: String,
    finished: String,
    wait: String,
}

#[derive(Template)]
#[template(path = "admin/history.html")]
struct HistoryPageView {
    c: Chrome,
    t: &'static Texts,
    services: Vec<Service>,
    counters: Vec<Counter>,
    statuses: Vec<(&'static str, &'static str)>,
    /// The filters as the form shows them again (the dates filled in).
    from: String,
    to: String,
    service_id: String,
    counter_id: String,
    status: String,
    number: String,
    error: Option<&'static str>,
    lines: Vec<Line>,
    total: u32,
    page: u32,
    pages: u32,
    /// The filters as a query string, for the pager and the downloads.
    filters: String,
}

async fn history(
    State(state): State<AppState>,
    lang: Language,
    admin: SignedInAdmin,
    Query(form): Query<Form>,
) -> Result<Page<HistoryPageView>, AppError> {
    let t = lang.texts();
    let now = state.now();
    let store = &state.store;
    let today = store.today(now);
    let services = store.services(now).await?;
    let counters = store.counters().await?;
    let page = form.page.unwrap_or(1).max(1);
    let filter = form
        .query()
        .map_err(|field| AppError::invalid(field, t.history_unreadable))
        .and_then(|query| query.into_filter(today));
    let (lines, total, error, from, to, filters) = match filter {
        Ok(filter) => {
            let found = store.history_page(&filter, page, PER_PAGE, now).await?;
            let line = |e: HistoryEntry| Line {
                day: e.business_day.format("%d-%m-%Y").to_string(),
                number: e.number,
                service: e.service_name,
                counter: e.counter_name.unwrap_or_default(),
                status: lang.status(e.status),
                priority: lang.priority(e.priority),
                name: e.name.unwrap_or_default(),
                phone: e.phone.unwrap_or_default(),
                issued: clock_time(store, e.issued_at),
                called: e
                    .called_at
                    .map(|at| clock_time(store, at))
                    .unwrap_or_default(),
                finished: e
                    .finished_at
                    .map(|at| clock_time(store, at))
                    .unwrap_or_default(),
                wait: e
                    .wait_seconds
                    .map(|s| format!("{}", s.div_ceil(60)))
                    .unwrap_or_default(),
            };
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            query.append_pair("from", &filter.from.to_string());
            query.append_pair("to", &filter.to.to_string());
            for (key, value) in [
                ("service_id", &form.service_id),
                ("counter_id", &form.counter_id),
                ("status", &form.status),
                ("number", &form.number),
            ] {
                if let Some(value) = Form::given(value) {
                    query.append_pair(key, value);
                }
            }
            (
                found.items.into_iter().map(line).collect(),
                found.total,
                None,
                filter.from.to_string(),
                filter.to.to_string(),
                query.finish(),
            )
        }
        Err(err) => {
            let message = match &err {
                AppError::InvalidField { field: "from", .. } => t.history_from_after_to,
                AppError::InvalidField { field: "to", .. } => t.history_range_too_long,
                _ => t.history_unreadable,
            };
            (
                Vec::new(),
                0,
                Some(message),
                form.from.clone(),
                form.to.clone(),
                String::new(),
            )
        }
    };
    let statuses = TicketStatus::ALL
        .into_iter()
        .map(|s| (s.as_str(), lang.status(s)))
        .collect();
    Ok(Page(HistoryPageView {
        c: super::admin::chrome(&state, lang, &admin, t.nav_history, "history").await?,
        t,
        services,
        counters,
        statuses,
        from,
        to,
        service_id: form.service_id.trim().to_owned(),
        counter_id: form.counter_id.trim().to_owned(),
        status: form.status.trim().to_owned(),
        number: form.number.trim().to_owned(),
        error,
        lines,
        total,
        page,
        pages: total.div_ceil(PER_PAGE).max(1),
        filters,
    }))
}

impl HistoryPageView {
    fn is(&self, chosen: &str, value: &str) -> bool {
        chosen == value
    }

    fn id_is(&self, chosen: &str, id: &Uuid) -> bool {
        chosen == id.to_string()
    }
}
