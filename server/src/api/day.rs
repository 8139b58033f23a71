//! Starting the business day over (the admin's day reset), guarded by the admin's password.

use axum::Json;
use axum::extract::State;
use giliran_core::wire::{DayReset, DayResetRequest, ErrorBody};
use tracing::instrument;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::docs::AdminRefusals;
use super::extract::{Admin, ApiJson, Peer};
use crate::error::{AppError, AppResult};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(reset_day))
}

/// Start today over: every open ticket of today expires, each service's numbers start again at
/// 1 with a fresh quota, and displays and consoles empty their boards. Nothing is deleted: the
/// history keeps every ticket. The admin's password must be sent again; wrong guesses count
/// towards the login lockout.
#[utoipa::path(post, path = "/api/v1/admin/day/reset", tag = "admin",
    request_body = DayResetRequest,
    security(("session" = [])),
    responses(
        (status = 200, body = DayReset),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        AdminRefusals,
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`; `invalid_field` (`password`): not the admin's password", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many wrong passwords", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn reset_day(
    State(state): State<AppState>,
    Admin(principal, actor): Admin,
    Peer(ip): Peer,
    ApiJson(req): ApiJson<DayResetRequest>,
) -> AppResult<Json<DayReset>> {
    state.limits.login_allowed(&principal.username, ip)?;
    if req.password.len() > 1024
        || !state
            .store
            .password_matches(principal.user_id, &req.password)
            .await?
    {
        state.limits.login_failed(&principal.username, ip);
        return Err(AppError::invalid(
            "password",
            "that is not your password; the day was not reset",
        ));
    }
    let now = state.now();
    let expired = state.store.reset_day(&actor, now).await?;
    tracing::info!(user = %principal.username, expired, "day reset");
    Ok(Json(DayReset {
        business_day: state.store.today(now),
        expired,
    }))
}
