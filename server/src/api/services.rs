//! The public list of services and the health check.

use axum::Json;
use axum::extract::State;
use giliran_core::wire::{ErrorBody, Service};
use serde::Serialize;
use tracing::instrument;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use crate::error::AppResult;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(healthz))
}

/// Services patients can queue for, with today's waiting count and quota left.
#[utoipa::path(get, path = "/api/v1/services", tag = "patients",
    responses(
        (status = 200, body = Vec<Service>),
        (status = 503, description = "`unavailable`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn list(State(state): State<AppState>) -> AppResult<Json<Vec<Service>>> {
    Ok(Json(state.store.services(state.now()).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
struct Health {
    status: &'static str,
}

/// 200 when the server and its database answer.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses(
        (status = 200, body = Health),
        (status = 503, description = "`unavailable`: the database does not answer", body = ErrorBody),
    ))]
async fn healthz(State(state): State<AppState>) -> AppResult<Json<Health>> {
    state.store.db.ping().await?;
    Ok(Json(Health { status: "ok" }))
}
