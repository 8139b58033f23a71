//! The BPJS bridge's admin resources: which services are BPJS polis, and the day's reports with
//! their state, for retrying one BPJS refused.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use giliran_core::antrean::{BpjsPoli, BpjsPoliCodes, BpjsReport, BridgeStatus, Reconciliation};
use giliran_core::wire::ErrorBody;
use serde::Deserialize;
use tracing::instrument;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::docs::AdminRefusals;
use super::extract::{Admin, ApiJson, ApiPath};
use crate::error::{AppError, AppResult};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_polis))
        .routes(routes!(set_poli, remove_poli))
        .routes(routes!(list_reports))
        .routes(routes!(retry_report))
        .routes(routes!(last_reconciliation, reconcile))
        .routes(routes!(bridge_status))
}

/// How the bridge keeps up: events of the queue not yet turned into reports, the oldest report
/// still to send, and what keeps this server's bridge from its work, if anything.
#[utoipa::path(get, path = "/api/v1/admin/bpjs/bridge", tag = "admin",
    security(("session" = [])),
    responses(
        (status = 200, body = BridgeStatus),
        AdminRefusals,
        (status = 404, description = "`not_found`: the bridge is off on this server", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn bridge_status(
    State(state): State<AppState>,
    _admin: Admin,
) -> AppResult<Json<BridgeStatus>> {
    let bridge = state.bpjs.as_ref().ok_or(AppError::NoRoute)?;
    Ok(Json(bridge.status(&state.store).await?))
}

/// The services reported to BPJS, with their BPJS codes.
#[utoipa::path(get, path = "/api/v1/admin/bpjs/polis", tag = "admin",
    security(("session" = [])),
    responses(
        (status = 200, body = Vec<BpjsPoli>),
        AdminRefusals,
    ))]
#[instrument(skip_all)]
async fn list_polis(
    State(state): State<AppState>,
    _admin: Admin,
) -> AppResult<Json<Vec<BpjsPoli>>> {
    Ok(Json(state.store.bpjs_polis().await?))
}

/// Make a service a BPJS poli, or change its codes. From then on, a visit reaching it is told
/// to BPJS (`antrean/add`) with these codes, and its steps follow.
#[utoipa::path(put, path = "/api/v1/admin/bpjs/polis/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Service id")),
    request_body = BpjsPoliCodes,
    security(("session" = [])),
    responses(
        (status = 200, body = BpjsPoli),
        (status = 400, description = "`invalid_json`, `invalid_parameter`", body = ErrorBody),
        AdminRefusals,
        (status = 404, description = "`service_not_found`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`, `invalid_field`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn set_poli(
    State(state): State<AppState>,
    Admin(_, actor): Admin,
    ApiPath(service_id): ApiPath<Uuid>,
    ApiJson(codes): ApiJson<BpjsPoliCodes>,
) -> AppResult<Json<BpjsPoli>> {
    Ok(Json(
        state
            .store
            .set_bpjs_poli(service_id, codes, &actor, state.now())
            .await?,
    ))
}

/// Stop reporting a service to BPJS. Visits BPJS already knows carry on being reported.
#[utoipa::path(delete, path = "/api/v1/admin/bpjs/polis/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Service id")),
    security(("session" = [])),
    responses(
        (status = 204, description = "No longer a BPJS poli"),
        (status = 400, description = "`invalid_parameter`", body = ErrorBody),
        AdminRefusals,
        (status = 404, description = "`service_not_found`: not a BPJS poli", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn remove_poli(
    State(state): State<AppState>,
    Admin(_, actor): Admin,
    ApiPath(service_id): ApiPath<Uuid>,
) -> AppResult<StatusCode> {
    state
        .store
        .remove_bpjs_poli(service_id, &actor, state.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which day's reports.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DayQuery {
    /// Business day, `YYYY-MM-DD`; default today (in the hospital's time zone).
    day: Option<NaiveDate>,
}

/// The reports of a business day's visits, visit by visit in the order they go: held (the visit has
/// not reached a BPJS poli), pending (to send, or retrying with back-off while BPJS is away),
/// sent, failed (BPJS refused; the visit's later reports wait).
#[utoipa::path(get, path = "/api/v1/admin/bpjs/reports", tag = "admin",
    params(DayQuery),
    security(("session" = [])),
    responses(
        (status = 200, body = Vec<BpjsReport>),
        (status = 400, description = "`invalid_parameter`", body = ErrorBody),
        AdminRefusals,
    ))]
#[instrument(skip_all)]
async fn list_reports(
    State(state): State<AppState>,
    _admin: Admin,
    query: Result<Query<DayQuery>, QueryRejection>,
) -> AppResult<Json<Vec<BpjsReport>>> {
    let Query(query) = query?;
    let day = query
        .day
        .unwrap_or_else(|| state.store.calendar.day_of(state.now()));
    Ok(Json(state.store.bpjs_reports(day).await?))
}

/// Send a report BPJS refused once more, after fixing what it objected to.
#[utoipa::path(post, path = "/api/v1/admin/bpjs/reports/{id}/retry", tag = "admin",
    params(("id" = i64, Path, description = "Report id")),
    security(("session" = [])),
    responses(
        (status = 200, body = BpjsReport),
        (status = 400, description = "`invalid_parameter`", body = ErrorBody),
        AdminRefusals,
        (status = 404, description = "`report_not_found`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`: only a failed report is retried by hand", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn retry_report(
    State(state): State<AppState>,
    Admin(_, actor): Admin,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<BpjsReport>> {
    Ok(Json(state.store.bpjs_retry(id, &actor, state.now()).await?))
}

/// The newest comparison of a day's reports with what BPJS holds; `null` before the first.
#[utoipa::path(get, path = "/api/v1/admin/bpjs/reconciliation", tag = "admin",
    params(DayQuery),
    security(("session" = [])),
    responses(
        (status = 200, body = Option<Reconciliation>),
        (status = 400, description = "`invalid_parameter`", body = ErrorBody),
        AdminRefusals,
    ))]
#[instrument(skip_all)]
async fn last_reconciliation(
    State(state): State<AppState>,
    _admin: Admin,
    query: Result<Query<DayQuery>, QueryRejection>,
) -> AppResult<Json<Option<Reconciliation>>> {
    let Query(query) = query?;
    let day = query
        .day
        .unwrap_or_else(|| state.store.calendar.day_of(state.now()));
    Ok(Json(state.store.bpjs_reconciliation(day).await?))
}

/// Compare a day's reports with the tasks BPJS holds now, visit by visit: reports BPJS holds
/// are marked sent, reports it lacks are sent again. The bridge also does this every half hour.
#[utoipa::path(post, path = "/api/v1/admin/bpjs/reconciliation", tag = "admin",
    params(DayQuery),
    security(("session" = [])),
    responses(
        (status = 200, body = Reconciliation),
        (status = 400, description = "`invalid_parameter`", body = ErrorBody),
        AdminRefusals,
        (status = 404, description = "`not_found`: the BPJS bridge is off", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn reconcile(
    State(state): State<AppState>,
    Admin(_, actor): Admin,
    query: Result<Query<DayQuery>, QueryRejection>,
) -> AppResult<Json<Reconciliation>> {
    let Query(query) = query?;
    let bridge = state.bpjs.as_ref().ok_or(AppError::NoRoute)?;
    let day = query
        .day
        .unwrap_or_else(|| state.store.calendar.day_of(state.now()));
    let result = bridge.reconcile(&state.store, day).await?;
    tracing::info!(actor = ?actor.username, %day, ?result, "BPJS reconciliation asked by an admin");
    Ok(Json(result))
}
