//! Logging in and out.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use giliran_core::wire::{ErrorBody, LoginRequest, LoginResponse, User};
use tracing::instrument;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::extract::{ApiJson, Bearer, Staff};
use crate::error::{AppError, AppResult};
use crate::store::LoginOutcome;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
}

/// Exchange a username and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 200, body = LoginResponse),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "`invalid_credentials`", body = ErrorBody),
        (status = 403, description = "`forbidden`: the account is disabled", body = ErrorBody),
        (status = 422, description = "`invalid_body`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn login(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> AppResult<Json<LoginResponse>> {
    if req.username.len() > 64 || req.password.len() > 1024 {
        return Err(AppError::InvalidCredentials);
    }
    match state
        .store
        .login(&req.username, &req.password, state.now())
        .await?
    {
        LoginOutcome::Welcome(response) => {
            tracing::info!(user = %response.user.username, "login");
            Ok(Json(response))
        }
        LoginOutcome::WrongCredentials => {
            tracing::info!("failed login");
            Err(AppError::InvalidCredentials)
        }
        LoginOutcome::Disabled => Err(AppError::Forbidden("this account is disabled")),
    }
}

/// End this session; the token stops working at once.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts",
    security(("session" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn logout(State(state): State<AppState>, Bearer(token): Bearer) -> AppResult<StatusCode> {
    if state.store.logout(&token).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::Unauthorized(
            "the session is unknown or has expired",
        ))
    }
}

/// The logged-in user.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "accounts",
    security(("session" = [])),
    responses(
        (status = 200, body = User),
        (status = 401, description = "`unauthorized`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn me(State(state): State<AppState>, Staff(principal): Staff) -> AppResult<Json<User>> {
    Ok(Json(state.store.user(principal.user_id).await?))
}
