//! Patients' routes: take a ticket, follow it, cancel it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use giliran_core::wire::{
    ErrorBody, IssuedTicket, NewTicket, StatusLookup, TicketStatusView, TicketView,
};
use tracing::instrument;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::extract::{ApiJson, ApiPath, Bearer, Peer};
use crate::error::{AppError, AppResult};
use crate::store::IssueRequest;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue))
        .routes(routes!(track, cancel))
        .routes(routes!(lookup))
}

/// Take a ticket. A patient who already holds a waiting or called ticket (same phone or
/// device) gets `409 active_ticket_exists` with that ticket instead.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "patients",
    request_body = NewTicket,
    responses(
        (status = 201, description = "Issued; keep `tracking_token` to follow or cancel the ticket", body = IssuedTicket),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 404, description = "`service_not_found`", body = ErrorBody),
        (status = 409, description = "`service_closed`, `quota_full`, or `active_ticket_exists` with the existing ticket in `ticket`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`, or `invalid_field` for a bad name, phone or device_id", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many tickets from this address or device; see `Retry-After`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn issue(
    State(state): State<AppState>,
    Peer(ip): Peer,
    ApiJson(req): ApiJson<NewTicket>,
) -> AppResult<(StatusCode, Json<IssuedTicket>)> {
    let req =
        IssueRequest::try_from(req).map_err(|e| AppError::invalid(e.field(), e.to_string()))?;
    state.limits.take_ticket(ip, req.device_id.as_deref())?;
    let (ticket, tracking_token) = state.store.issue_ticket(&req, state.now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedTicket {
            ticket,
            tracking_token,
        }),
    ))
}

/// Follow a ticket: status, people ahead, estimated wait, the counter once called. A transferred
/// ticket names its continuation in `transferred_to`, which the same token opens.
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "patients",
    params(("id" = Uuid, Path, description = "Ticket id")),
    security(("tracking_token" = [])),
    responses(
        (status = 200, body = TicketView),
        (status = 400, description = "`invalid_parameter`", body = ErrorBody),
        (status = 401, description = "`unauthorized`: no bearer token", body = ErrorBody),
        (status = 404, description = "`ticket_not_found`: unknown id or a token of another ticket", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn track(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    Bearer(token): Bearer,
) -> AppResult<Json<TicketView>> {
    let ticket = state.store.patient_ticket(id, &token, state.now()).await?;
    Ok(Json(TicketView { ticket }))
}

/// Cancel a waiting ticket.
#[utoipa::path(delete, path = "/api/v1/tickets/{id}", tag = "patients",
    params(("id" = Uuid, Path, description = "Ticket id")),
    security(("tracking_token" = [])),
    responses(
        (status = 200, description = "Cancelled", body = TicketView),
        (status = 400, description = "`invalid_parameter`", body = ErrorBody),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
        (status = 404, description = "`ticket_not_found`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`: the ticket is no longer waiting", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn cancel(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    Bearer(token): Bearer,
) -> AppResult<Json<TicketView>> {
    let ticket = state
        .store
        .cancel_by_patient(id, &token, state.now())
        .await?;
    Ok(Json(TicketView { ticket }))
}

/// "Check my status" with the phone number given when taking the ticket: number, status,
/// people ahead and estimated wait of the active ticket, and nothing that identifies anyone.
#[utoipa::path(post, path = "/api/v1/tickets/lookup", tag = "patients",
    request_body = StatusLookup,
    responses(
        (status = 200, body = TicketStatusView),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 404, description = "`no_active_ticket`: nothing waiting or called for this phone", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`, or `invalid_field` for a malformed phone number", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many lookups from this address; see `Retry-After`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn lookup(
    State(state): State<AppState>,
    Peer(ip): Peer,
    ApiJson(req): ApiJson<StatusLookup>,
) -> AppResult<Json<TicketStatusView>> {
    // Counted before the answer, so guessing numbers costs the same whether they hit or miss.
    state.limits.lookup(ip)?;
    Ok(Json(
        state.store.status_by_phone(&req.phone, state.now()).await?,
    ))
}
