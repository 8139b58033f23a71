//! Admin resources: services, counters and staff accounts.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use giliran_core::wire::{
    Counter, CounterUpdate, ErrorBody, NewCounter, NewService, NewUser, Service, ServiceUpdate,
    User, UserUpdate,
};
use tracing::instrument;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::docs::AdminRefusals;
use super::extract::{Admin, ApiJson, ApiPath};
use crate::error::AppResult;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_services, create_service))
        .routes(routes!(update_service))
        .routes(routes!(list_counters, create_counter))
        .routes(routes!(update_counter))
        .routes(routes!(list_users, create_user))
        .routes(routes!(update_user))
}

/// All services.
#[utoipa::path(get, path = "/api/v1/admin/services", tag = "admin",
    security(("session" = [])),
    responses(
        (status = 200, body = Vec<Service>),
        AdminRefusals,
    ))]
#[instrument(skip_all)]
async fn list_services(
    State(state): State<AppState>,
    _admin: Admin,
) -> AppResult<Json<Vec<Service>>> {
    Ok(Json(state.store.services(state.now()).await?))
}

/// Add a service.
#[utoipa::path(post, path = "/api/v1/admin/services", tag = "admin",
    request_body = NewService,
    security(("session" = [])),
    responses(
        (status = 201, body = Service),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        AdminRefusals,
        (status = 409, description = "`already_exists`: the code is taken", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`, `invalid_field`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn create_service(
    State(state): State<AppState>,
    Admin(_, actor): Admin,
    ApiJson(new): ApiJson<NewService>,
) -> AppResult<(StatusCode, Json<Service>)> {
    let service = state
        .store
        .create_service(&new, &actor, state.now())
        .await?;
    Ok((StatusCode::CREATED, Json(service)))
}

/// Rename a service, change its quota, open or close it.
#[utoipa::path(patch, path = "/api/v1/admin/services/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Service id")),
    request_body = ServiceUpdate,
    security(("session" = [])),
    responses(
        (status = 200, body = Service),
        (status = 400, description = "`invalid_json`, `invalid_parameter`", body = ErrorBody),
        AdminRefusals,
        (status = 404, description = "`service_not_found`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`, `invalid_field`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn update_service(
    State(state): State<AppState>,
    Admin(_, actor): Admin,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(update): ApiJson<ServiceUpdate>,
) -> AppResult<Json<Service>> {
    Ok(Json(
        state
            .store
            .update_service(id, &update, &actor, state.now())
            .await?,
    ))
}

/// All counters.
#[utoipa::path(get, path = "/api/v1/admin/counters", tag = "admin",
    security(("session" = [])),
    responses(
        (status = 200, body = Vec<Counter>),
        AdminRefusals,
    ))]
#[instrument(skip_all)]
async fn list_counters(
    State(state): State<AppState>,
    _admin: Admin,
) -> AppResult<Json<Vec<Counter>>> {
    Ok(Json(state.store.counters().await?))
}

/// Add a counter serving the given services in order of preference.
#[utoipa::path(post, path = "/api/v1/admin/counters", tag = "admin",
    request_body = NewCounter,
    security(("session" = [])),
    responses(
        (status = 201, body = Counter),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        AdminRefusals,
        (status = 404, description = "`service_not_found`", body = ErrorBody),
        (status = 409, description = "`already_exists`: the number is taken", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`, `invalid_field`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn create_counter(
    State(state): State<AppState>,
    Admin(_, actor): Admin,
    ApiJson(new): ApiJson<NewCounter>,
) -> AppResult<(StatusCode, Json<Counter>)> {
    let counter = state
        .store
        .create_counter(&new, &actor, state.now())
        .await?;
    Ok((StatusCode::CREATED, Json(counter)))
}

/// Rename a counter, change its services, pause or resume it.
#[utoipa::path(patch, path = "/api/v1/admin/counters/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Counter id")),
    request_body = CounterUpdate,
    security(("session" = [])),
    responses(
        (status = 200, body = Counter),
        (status = 400, description = "`invalid_json`, `invalid_parameter`", body = ErrorBody),
        AdminRefusals,
        (status = 404, description = "`counter_not_found`, `service_not_found`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`, `invalid_field`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn update_counter(
    State(state): State<AppState>,
    Admin(_, actor): Admin,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(update): ApiJson<CounterUpdate>,
) -> AppResult<Json<Counter>> {
    Ok(Json(
        state
            .store
            .update_counter(id, &update, &actor, state.now())
            .await?,
    ))
}

/// All accounts.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin",
    security(("session" = [])),
    responses(
        (status = 200, body = Vec<User>),
        AdminRefusals,
    ))]
#[instrument(skip_all)]
async fn list_users(State(state): State<AppState>, _admin: Admin) -> AppResult<Json<Vec<User>>> {
    Ok(Json(state.store.users().await?))
}

/// Add a staff or admin account.
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "admin",
    request_body = NewUser,
    security(("session" = [])),
    responses(
        (status = 201, body = User),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        AdminRefusals,
        (status = 404, description = "`counter_not_found`", body = ErrorBody),
        (status = 409, description = "`already_exists`: the username is taken", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`, `invalid_field`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn create_user(
    State(state): State<AppState>,
    Admin(_, actor): Admin,
    ApiJson(new): ApiJson<NewUser>,
) -> AppResult<(StatusCode, Json<User>)> {
    let user = state.store.create_user(&new, &actor, state.now()).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Change an account: name, password, counters, disabled. A new password or disabling ends the
/// user's sessions.
#[utoipa::path(patch, path = "/api/v1/admin/users/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "User id")),
    request_body = UserUpdate,
    security(("session" = [])),
    responses(
        (status = 200, body = User),
        (status = 400, description = "`invalid_json`, `invalid_parameter`", body = ErrorBody),
        AdminRefusals,
        (status = 404, description = "`user_not_found`, `counter_not_found`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`, `invalid_field`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn update_user(
    State(state): State<AppState>,
    Admin(_, actor): Admin,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(update): ApiJson<UserUpdate>,
) -> AppResult<Json<User>> {
    Ok(Json(
        state
            .store
            .update_user(id, &update, &actor, state.now())
            .await?,
    ))
}
