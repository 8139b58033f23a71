//! `GET /api/v1/admin/audit`: the audit log for admins.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use giliran_core::wire::{AuditPage, ErrorBody};
use serde::Deserialize;
use tracing::instrument;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::docs::AdminRefusals;
use super::extract::Admin;
use crate::error::AppResult;
use crate::store::AuditFilter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(audit_log))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// Only entries older than this id: the `next_before` of the previous page.
    before: Option<i64>,
    /// Only this account's actions.
    user_id: Option<Uuid>,
    /// Only this action, such as `call_next` or `login_failed`.
    action: Option<String>,
    /// Entries per page, 1 to 500 (default 100); others are brought into that range.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// Who did what and when, newest first: every staff and admin action, logins and failed logins.
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin",
    params(AuditQuery),
    security(("session" = [])),
    responses(
        (status = 200, body = AuditPage),
        (status = 400, description = "`invalid_parameter`", body = ErrorBody),
        AdminRefusals,
    ))]
#[instrument(skip_all)]
async fn audit_log(
    State(state): State<AppState>,
    _admin: Admin,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> AppResult<Json<AuditPage>> {
    let Query(query) = query?;
    let filter = AuditFilter {
        before: query.before,
        user_id: query.user_id,
        action: query.action,
        limit: query.limit.unwrap_or(100),
    };
    Ok(Json(state.store.audit_log(&filter).await?))
}
