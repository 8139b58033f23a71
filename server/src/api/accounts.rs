//! Logging in and out.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use giliran_core::wire::{ErrorBody, LoginRequest, LoginResponse, User};
use tracing::instrument;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::extract::{ApiJson, Bearer, Peer, Staff};
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
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many failed logins for this account or address; the wait doubles with each failure, see `Retry-After`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn login(
    State(state): State<AppState>,
    Peer(ip): Peer,
    ApiJson(req): ApiJson<LoginRequest>,
) -> AppResult<Json<LoginResponse>> {
    sign_in(&state, &req, ip).await.map(Json)
}

/// A login with the lockout's bookkeeping, shared by the API and the panel's login form.
pub(crate) async fn sign_in(
    state: &AppState,
    req: &LoginRequest,
    ip: Option<std::net::IpAddr>,
) -> AppResult<LoginResponse> {
    state.limits.login_allowed(&req.username, ip)?;
    if req.username.len() > 64 || req.password.len() > 1024 {
        state.limits.login_failed(&req.username, ip);
        return Err(AppError::InvalidCredentials);
    }
    match state
        .store
        .login(&req.username, &req.password, ip, state.now())
        .await?
    {
        LoginOutcome::Welcome(response) => {
            state.limits.login_succeeded(&req.username, ip);
            tracing::info!(user = %response.user.username, "login");
            Ok(response)
        }
        LoginOutcome::WrongCredentials => {
            state.limits.login_failed(&req.username, ip);
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
async fn logout(
    State(state): State<AppState>,
    Peer(ip): Peer,
    Bearer(token): Bearer,
) -> AppResult<StatusCode> {
    if state.store.logout(&token, ip, state.now()).await? {
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
async fn me(State(state): State<AppState>, Staff(principal, _): Staff) -> AppResult<Json<User>> {
    Ok(Json(state.store.user(principal.user_id).await?))
}
