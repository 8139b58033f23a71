//! Waiting-room displays: the devices admins create and revoke, and the settings every display
//! shows (hospital name, marquee).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use giliran_core::wire::{
    CreatedDisplayDevice, DisplayDevice, DisplaySettings, ErrorBody, NewDisplayDevice,
    SettingsUpdate,
};
use tracing::instrument;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::docs::AdminRefusals;
use super::extract::{Admin, ApiJson, ApiPath, DisplayReader};
use crate::error::AppResult;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_displays, create_display))
        .routes(routes!(revoke_display))
        .routes(routes!(admin_settings, update_settings))
        .routes(routes!(display_settings))
}

/// All display devices, revoked ones included, with when each was last seen.
#[utoipa::path(get, path = "/api/v1/admin/displays", tag = "admin",
    security(("session" = [])),
    responses(
        (status = 200, body = Vec<DisplayDevice>),
        AdminRefusals,
    ))]
#[instrument(skip_all)]
async fn list_displays(
    State(state): State<AppState>,
    _admin: Admin,
) -> AppResult<Json<Vec<DisplayDevice>>> {
    Ok(Json(state.store.displays().await?))
}

/// Register a display. The answer carries its token, shown this once: put it into the
/// display's configuration.
#[utoipa::path(post, path = "/api/v1/admin/displays", tag = "admin",
    request_body = NewDisplayDevice,
    security(("session" = [])),
    responses(
        (status = 201, body = CreatedDisplayDevice),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        AdminRefusals,
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`, `invalid_field`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn create_display(
    State(state): State<AppState>,
    Admin(_, actor): Admin,
    ApiJson(new): ApiJson<NewDisplayDevice>,
) -> AppResult<(StatusCode, Json<CreatedDisplayDevice>)> {
    let (device, token) = state
        .store
        .create_display(&new.name, &actor, state.now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedDisplayDevice { device, token }),
    ))
}

/// Revoke a display: its token stops working and its open stream is closed. The record stays,
/// with `revoked_at`.
#[utoipa::path(delete, path = "/api/v1/admin/displays/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Display device id")),
    security(("session" = [])),
    responses(
        (status = 200, body = DisplayDevice),
        (status = 400, description = "`invalid_parameter`", body = ErrorBody),
        AdminRefusals,
        (status = 404, description = "`display_not_found`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn revoke_display(
    State(state): State<AppState>,
    Admin(_, actor): Admin,
    ApiPath(id): ApiPath<Uuid>,
) -> AppResult<Json<DisplayDevice>> {
    Ok(Json(
        state.store.revoke_display(id, &actor, state.now()).await?,
    ))
}

/// The settings displays show.
#[utoipa::path(get, path = "/api/v1/admin/settings", tag = "admin",
    security(("session" = [])),
    responses(
        (status = 200, body = DisplaySettings),
        AdminRefusals,
    ))]
#[instrument(skip_all)]
async fn admin_settings(
    State(state): State<AppState>,
    _admin: Admin,
) -> AppResult<Json<DisplaySettings>> {
    Ok(Json(state.store.display_settings().await?))
}

/// Change the hospital name or the marquee text.
#[utoipa::path(patch, path = "/api/v1/admin/settings", tag = "admin",
    request_body = SettingsUpdate,
    security(("session" = [])),
    responses(
        (status = 200, body = DisplaySettings),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        AdminRefusals,
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`, `invalid_field`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn update_settings(
    State(state): State<AppState>,
    Admin(_, actor): Admin,
    ApiJson(update): ApiJson<SettingsUpdate>,
) -> AppResult<Json<DisplaySettings>> {
    Ok(Json(
        state
            .store
            .update_settings(&update, &actor, state.now())
            .await?,
    ))
}

/// What a display shows besides the calls: for a display device's token (or a logged-in
/// account previewing it).
#[utoipa::path(get, path = "/api/v1/display/settings", tag = "real time",
    security(("display_token" = []), ("session" = [])),
    responses(
        (status = 200, body = DisplaySettings),
        (status = 401, description = "`unauthorized`: no token, or one unknown, expired or revoked", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn display_settings(
    State(state): State<AppState>,
    _reader: DisplayReader,
) -> AppResult<Json<DisplaySettings>> {
    Ok(Json(state.store.display_settings().await?))
}
