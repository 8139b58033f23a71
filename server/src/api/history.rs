//! `GET /api/v1/admin/history` and its export: every ticket of a range of business days, with
//! the patient's details, for admins.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use giliran_core::NumberSearch;
use giliran_core::status::TicketStatus;
use giliran_core::wire::{ErrorBody, HistoryPage};
use serde::Deserialize;
use serde_json::json;
use tracing::instrument;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::docs::AdminRefusals;
use super::extract::Admin;
use crate::error::{AppError, AppResult};
use crate::export::{self, Format};
use crate::store::{Audit, HistoryFilter};
use crate::words::Language;

/// Longest range of business days one request may cover: a leap year.
const MAX_DAYS: i64 = 366;
/// Page size when none is asked for, and the largest one.
const DEFAULT_PER_PAGE: u32 = 50;
const MAX_PER_PAGE: u32 = 200;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(history))
        .routes(routes!(export_history))
}

/// Which tickets: the filters the listing and the export share.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct HistoryQuery {
    /// First business day, `YYYY-MM-DD`, inclusive; default today (in the hospital's time zone).
    pub from: Option<NaiveDate>,
    /// Last business day, inclusive; default today. At most 366 days from `from`.
    pub to: Option<NaiveDate>,
    /// Only tickets of this service.
    pub service_id: Option<Uuid>,
    /// Only tickets called to this counter.
    pub counter_id: Option<Uuid>,
    /// Only tickets with this status as of now (an open ticket of an earlier day is `expired`).
    pub status: Option<TicketStatus>,
    /// A ticket number, in any case: `A-012`, `a-12` or `A12` find `A-012`; digits alone
    /// (`12`, `012`) find number 12 of every service.
    pub number: Option<String>,
}

/// Which page of the listing.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    /// From 1 (default 1).
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Tickets per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
}

/// What kind of file, in which language.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    /// `xlsx` (default) or `csv`.
    #[param(inline)]
    format: Option<Format>,
    /// Language of headings, statuses and priorities: `id` (default) or `en`.
    #[param(inline)]
    lang: Option<Language>,
}

/// A downloaded file's bytes, as the OpenAPI document describes them (utoipa would call a
/// `Vec<u8>` an array of integers).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
// Only describes the answer; the handler sends the bytes themselves.
#[allow(dead_code)]
struct FileBytes(Vec<u8>);

impl HistoryQuery {
    pub(crate) fn into_filter(self, today: NaiveDate) -> AppResult<HistoryFilter> {
        let from = self.from.unwrap_or(today);
        let to = self.to.unwrap_or(today);
        if from > to {
            return Err(AppError::invalid(
                "from",
                format!("`from` ({from}) is after `to` ({to})"),
            ));
        }
        let days = (to - from).num_days() + 1;
        if days > MAX_DAYS {
            return Err(AppError::invalid(
                "to",
                format!("at most {MAX_DAYS} days at a time; choose a shorter range"),
            ));
        }
        let number = self
            .number
            .as_deref()
            .map(NumberSearch::parse)
            .transpose()
            .map_err(|e| AppError::invalid_parameter("number", e.to_string()))?;
        Ok(HistoryFilter {
            from,
            to,
            service_id: self.service_id,
            counter_id: self.counter_id,
            status: self.status,
            number,
        })
    }
}

/// Tickets of a range of business days, newest first, with patient details and wait and
/// service times.
#[utoipa::path(get, path = "/api/v1/admin/history", tag = "admin",
    params(HistoryQuery, PageQuery),
    security(("session" = [])),
    responses(
        (status = 200, body = HistoryPage),
        (status = 400, description = "`invalid_parameter`: a malformed date, id, status, \
            number, page or page size", body = ErrorBody),
        AdminRefusals,
        (status = 422, description = "`invalid_field`: `from` after `to`, or a range longer \
            than 366 days (`to`)", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn history(
    State(state): State<AppState>,
    _admin: Admin,
    filters: Result<Query<HistoryQuery>, QueryRejection>,
    paging: Result<Query<PageQuery>, QueryRejection>,
) -> AppResult<Json<HistoryPage>> {
    let now = state.now();
    let Query(filters) = filters?;
    let Query(paging) = paging?;
    let filter = filters.into_filter(state.store.calendar.day_of(now))?;
    let page = paging.page.unwrap_or(1);
    if page == 0 {
        return Err(AppError::invalid_parameter(
            "page",
            "pages are numbered from 1",
        ));
    }
    let per_page = paging.per_page.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(AppError::invalid_parameter(
            "per_page",
            format!("per_page must be 1 to {MAX_PER_PAGE}"),
        ));
    }
    let page = state
        .store
        .history_page(&filter, page, per_page, now)
        .await?;
    Ok(Json(page))
}

/// The same tickets as a file to download (no paging): an Excel workbook or CSV, with times
/// in the hospital's time zone. At most 100 000 tickets; the export is recorded in the audit
/// log (its filters and size, never patient details).
#[utoipa::path(get, path = "/api/v1/admin/history/export", tag = "admin",
    params(HistoryQuery, ExportQuery),
    security(("session" = [])),
    responses(
        (status = 200, description = "The file, as an attachment named \
            `giliran-riwayat-<from>_<to>.xlsx` or `.csv`",
            content(
                (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (FileBytes = "text/csv"),
            ),
            headers(("content-disposition" = String,
                description = "`attachment; filename=\"giliran-riwayat-<from>_<to>.<format>\"`"))),
        (status = 400, description = "`invalid_parameter`: a malformed date, id, status, \
            number, format or language", body = ErrorBody),
        AdminRefusals,
        (status = 422, description = "`invalid_field`: `from` after `to`, a range longer than \
            366 days, or more than 100 000 tickets (`to`)", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn export_history(
    State(state): State<AppState>,
    Admin(_, actor): Admin,
    filters: Result<Query<HistoryQuery>, QueryRejection>,
    options: Result<Query<ExportQuery>, QueryRejection>,
) -> AppResult<Response> {
    let now = state.now();
    let Query(filters) = filters?;
    let Query(options) = options?;
    let filter = filters.into_filter(state.store.calendar.day_of(now))?;
    let format = options.format.unwrap_or_default();
    let lang = options.lang.unwrap_or_default();
    let entries = state
        .store
        .history_all(&filter, export::MAX_ROWS, now)
        .await?;
    let rows = entries.len();
    let tz = state.store.calendar.time_zone();
    // A hundred thousand rows take a CPU for a while; the runtime's threads serve the queue.
    let file = tokio::task::spawn_blocking(move || export::build(&entries, format, lang, tz))
        .await
        .map_err(anyhow::Error::from)??;
    let detail = json!({
        "format": format.as_str(),
        "lang": lang.as_str(),
        "from": filter.from,
        "to": filter.to,
        "service_id": filter.service_id,
        "counter_id": filter.counter_id,
        "status": filter.status,
        "number": filter.number.as_ref().map(|n| match n {
            NumberSearch::Exact(number) => number.clone(),
            NumberSearch::Sequence(sequence) => sequence.to_string(),
        }),
        "rows": rows,
    });
    state
        .store
        .audit_alone(Audit::new(&actor, "export_history").detail(detail), now)
        .await?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        format.file_name(filter.from, filter.to)
    );
    Ok((
        [
            (CONTENT_TYPE, format.content_type().to_owned()),
            (CONTENT_DISPOSITION, disposition),
        ],
        file,
    )
        .into_response())
}
