//! Staff routes of a counter: call the next patient, recall, complete, skip, requeue, cancel,
//! transfer, pause, and the counter's live queue.

use axum::Json;
use axum::extract::State;
use giliran_core::status::Action;
use giliran_core::visit::RouteChoice;
use giliran_core::wire::{
    CancelRequest, CompleteRequest, Counter, CounterQueue, ErrorBody, RequeueRequest, Role,
    TicketResult, TicketView, TransferRequest,
};
use tracing::instrument;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::docs::CounterRefusals;
use super::extract::{ApiJson, ApiPath, OptionalApiJson, Staff};
use crate::error::{AppError, AppResult};
use crate::store::Principal;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(call_next))
        .routes(routes!(recall))
        .routes(routes!(complete))
        .routes(routes!(skip))
        .routes(routes!(requeue))
        .routes(routes!(cancel))
        .routes(routes!(transfer))
        .routes(routes!(pause))
        .routes(routes!(resume))
        .routes(routes!(queue))
}

/// Staff work only at their own counters; admins everywhere.
/// Refuses a counter the account does not work at; the API and the web console both ask.
pub(crate) fn ensure_assigned(principal: &Principal, counter_id: Uuid) -> AppResult<()> {
    if principal.may_work_at(counter_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden("this counter is not assigned to you"))
    }
}

/// The counters the caller may work at (all of them for admins).
#[utoipa::path(get, path = "/api/v1/counters", tag = "staff",
    security(("session" = [])),
    responses(
        (status = 200, body = Vec<Counter>),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn list(State(state): State<AppState>, staff: Staff) -> AppResult<Json<Vec<Counter>>> {
    let mut counters = state.store.counters().await?;
    if staff.0.role != Role::Admin {
        counters.retain(|c| staff.0.may_work_at(c.id));
    }
    Ok(Json(counters))
}

/// Complete the current ticket and call the next one: priority and long-waiting tickets first,
/// then by queue time. `ticket` is `null` when nobody waits.
#[utoipa::path(post, path = "/api/v1/counters/{id}/call-next", tag = "staff",
    params(("id" = Uuid, Path, description = "Counter id")),
    security(("session" = [])),
    responses(
        (status = 200, body = TicketResult),
        CounterRefusals,
        (status = 404, description = "`counter_not_found`", body = ErrorBody),
        (status = 409, description = "`counter_paused`", body = ErrorBody),
    ))]
#[instrument(skip_all, fields(counter = %id))]
async fn call_next(
    State(state): State<AppState>,
    staff: Staff,
    ApiPath(id): ApiPath<Uuid>,
) -> AppResult<Json<TicketResult>> {
    ensure_assigned(&staff.0, id)?;
    let ticket = state.store.call_next(id, &staff.1, state.now()).await?;
    Ok(Json(TicketResult { ticket }))
}

async fn act(
    state: &AppState,
    staff: &Staff,
    id: Uuid,
    action: Action,
    choice: Option<RouteChoice>,
) -> AppResult<Json<TicketView>> {
    ensure_assigned(&staff.0, id)?;
    let ticket = state
        .store
        .act_on_current(id, action, choice, &staff.1, state.now())
        .await?;
    Ok(Json(TicketView { ticket }))
}

/// Announce the current ticket again; counts recalls.
#[utoipa::path(post, path = "/api/v1/counters/{id}/recall", tag = "staff",
    params(("id" = Uuid, Path, description = "Counter id")),
    security(("session" = [])),
    responses(
        (status = 200, body = TicketView),
        CounterRefusals,
        (status = 404, description = "`counter_not_found`", body = ErrorBody),
        (status = 409, description = "`no_current_ticket`", body = ErrorBody),
    ))]
#[instrument(skip_all, fields(counter = %id))]
async fn recall(
    State(state): State<AppState>,
    staff: Staff,
    ApiPath(id): ApiPath<Uuid>,
) -> AppResult<Json<TicketView>> {
    act(&state, &staff, id, Action::Recall, None).await
}

/// The current ticket is done. The visit goes on by its route (a registration ticket to the
/// patient's poli, any other to its service's next station, if any) unless the optional body
/// says otherwise; the done ticket names the next one in `transferred_to`.
#[utoipa::path(post, path = "/api/v1/counters/{id}/complete", tag = "staff",
    params(("id" = Uuid, Path, description = "Counter id")),
    request_body(content = Option<CompleteRequest>, description = "Optional: where the visit goes next"),
    security(("session" = [])),
    responses(
        (status = 200, body = TicketView),
        CounterRefusals,
        (status = 404, description = "`counter_not_found`, `service_not_found`", body = ErrorBody),
        (status = 409, description = "`no_current_ticket`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`; `invalid_field` for a next station that is this one, or both a next station and the visit's end", body = ErrorBody),
    ))]
#[instrument(skip_all, fields(counter = %id))]
async fn complete(
    State(state): State<AppState>,
    staff: Staff,
    ApiPath(id): ApiPath<Uuid>,
    OptionalApiJson(req): OptionalApiJson<CompleteRequest>,
) -> AppResult<Json<TicketView>> {
    let choice = match (req.next_service_id, req.end_visit) {
        (Some(_), true) => {
            return Err(AppError::invalid(
                "end_visit",
                "either send the patient on (next_service_id) or end the visit, not both",
            ));
        }
        (Some(next), false) => Some(RouteChoice::To(next)),
        (None, true) => Some(RouteChoice::EndVisit),
        (None, false) => None,
    };
    act(&state, &staff, id, Action::Complete, choice).await
}

/// The current patient did not come (no-show); the ticket can be requeued later.
#[utoipa::path(post, path = "/api/v1/counters/{id}/skip", tag = "staff",
    params(("id" = Uuid, Path, description = "Counter id")),
    security(("session" = [])),
    responses(
        (status = 200, body = TicketView),
        CounterRefusals,
        (status = 404, description = "`counter_not_found`", body = ErrorBody),
        (status = 409, description = "`no_current_ticket`", body = ErrorBody),
    ))]
#[instrument(skip_all, fields(counter = %id))]
async fn skip(
    State(state): State<AppState>,
    staff: Staff,
    ApiPath(id): ApiPath<Uuid>,
) -> AppResult<Json<TicketView>> {
    act(&state, &staff, id, Action::Skip, None).await
}

/// A skipped ticket of the counter's services waits again, at the back or at `position`.
#[utoipa::path(post, path = "/api/v1/counters/{id}/requeue", tag = "staff",
    params(("id" = Uuid, Path, description = "Counter id")),
    request_body = RequeueRequest,
    security(("session" = [])),
    responses(
        (status = 200, body = TicketView),
        CounterRefusals,
        (status = 404, description = "`counter_not_found`, `ticket_not_found`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`: the ticket is not skipped; `active_ticket_exists`: the patient took another ticket meanwhile", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`", body = ErrorBody),
    ))]
#[instrument(skip_all, fields(counter = %id))]
async fn requeue(
    State(state): State<AppState>,
    staff: Staff,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<RequeueRequest>,
) -> AppResult<Json<TicketView>> {
    ensure_assigned(&staff.0, id)?;
    let ticket = state
        .store
        .requeue(id, req.ticket_id, req.position, &staff.1, state.now())
        .await?;
    Ok(Json(TicketView { ticket }))
}

/// Withdraw a waiting ticket of the counter's services.
#[utoipa::path(post, path = "/api/v1/counters/{id}/cancel", tag = "staff",
    params(("id" = Uuid, Path, description = "Counter id")),
    request_body = CancelRequest,
    security(("session" = [])),
    responses(
        (status = 200, body = TicketView),
        CounterRefusals,
        (status = 404, description = "`counter_not_found`, `ticket_not_found`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`: the ticket is not waiting", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`", body = ErrorBody),
    ))]
#[instrument(skip_all, fields(counter = %id))]
async fn cancel(
    State(state): State<AppState>,
    staff: Staff,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<CancelRequest>,
) -> AppResult<Json<TicketView>> {
    ensure_assigned(&staff.0, id)?;
    let ticket = state
        .store
        .cancel_by_staff(id, req.ticket_id, &staff.1, state.now())
        .await?;
    Ok(Json(TicketView { ticket }))
}

/// Move the current ticket (or a waiting one) into another service's queue. The answer is the
/// new ticket of the same visit.
#[utoipa::path(post, path = "/api/v1/counters/{id}/transfer", tag = "staff",
    params(("id" = Uuid, Path, description = "Counter id")),
    request_body = TransferRequest,
    security(("session" = [])),
    responses(
        (status = 200, description = "The new ticket in the target service", body = TicketView),
        CounterRefusals,
        (status = 404, description = "`counter_not_found`, `ticket_not_found`, `service_not_found`", body = ErrorBody),
        (status = 409, description = "`no_current_ticket`, `invalid_transition`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`; `invalid_field` when the ticket is already in that service", body = ErrorBody),
    ))]
#[instrument(skip_all, fields(counter = %id))]
async fn transfer(
    State(state): State<AppState>,
    staff: Staff,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<TransferRequest>,
) -> AppResult<Json<TicketView>> {
    ensure_assigned(&staff.0, id)?;
    let ticket = state
        .store
        .transfer(id, req.ticket_id, req.service_id, &staff.1, state.now())
        .await?;
    Ok(Json(TicketView { ticket }))
}

/// Stop calling at this counter (a break); the current ticket can still be finished.
#[utoipa::path(post, path = "/api/v1/counters/{id}/pause", tag = "staff",
    params(("id" = Uuid, Path, description = "Counter id")),
    security(("session" = [])),
    responses(
        (status = 200, body = Counter),
        CounterRefusals,
        (status = 404, description = "`counter_not_found`", body = ErrorBody),
    ))]
#[instrument(skip_all, fields(counter = %id))]
async fn pause(
    State(state): State<AppState>,
    staff: Staff,
    ApiPath(id): ApiPath<Uuid>,
) -> AppResult<Json<Counter>> {
    ensure_assigned(&staff.0, id)?;
    Ok(Json(
        state
            .store
            .set_paused(id, true, &staff.1, state.now())
            .await?,
    ))
}

/// Start calling again.
#[utoipa::path(post, path = "/api/v1/counters/{id}/resume", tag = "staff",
    params(("id" = Uuid, Path, description = "Counter id")),
    security(("session" = [])),
    responses(
        (status = 200, body = Counter),
        CounterRefusals,
        (status = 404, description = "`counter_not_found`", body = ErrorBody),
    ))]
#[instrument(skip_all, fields(counter = %id))]
async fn resume(
    State(state): State<AppState>,
    staff: Staff,
    ApiPath(id): ApiPath<Uuid>,
) -> AppResult<Json<Counter>> {
    ensure_assigned(&staff.0, id)?;
    Ok(Json(
        state
            .store
            .set_paused(id, false, &staff.1, state.now())
            .await?,
    ))
}

/// The counter's current ticket, waiting list in call order, skipped tickets and today's counts.
#[utoipa::path(get, path = "/api/v1/counters/{id}/queue", tag = "staff",
    params(("id" = Uuid, Path, description = "Counter id")),
    security(("session" = [])),
    responses(
        (status = 200, body = CounterQueue),
        CounterRefusals,
        (status = 404, description = "`counter_not_found`", body = ErrorBody),
    ))]
#[instrument(skip_all, fields(counter = %id))]
async fn queue(
    State(state): State<AppState>,
    staff: Staff,
    ApiPath(id): ApiPath<Uuid>,
) -> AppResult<Json<CounterQueue>> {
    ensure_assigned(&staff.0, id)?;
    Ok(Json(state.store.counter_queue(id, state.now()).await?))
}
