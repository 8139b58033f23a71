//! A visit seen whole: staff find where a patient is by booking code; the patient follows every
//! station of their morning with the tracking token their tickets share.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use giliran_core::antrean::JknMembership;
use giliran_core::wire::{ErrorBody, Visit};
use tracing::instrument;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::extract::{ApiJson, ApiPath, Staff, bearer_token};
use crate::error::{AppError, AppResult, StoreError};
use crate::store::VisitReader;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(visit))
        .routes(routes!(set_jkn_membership))
}

/// Who asks: a staff session (bearer or the panel's cookie), else the patient's tracking token.
enum Reader {
    Staff,
    Patient(String),
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match Staff::from_request_parts(parts, state).await {
            Ok(_) => Ok(Reader::Staff),
            // Not a session: a bearer token may still be a tracking token.
            Err(AppError::Unauthorized(why)) => match bearer_token(&parts.headers)? {
                Some(token) => Ok(Reader::Patient(token)),
                None => Err(AppError::Unauthorized(why)),
            },
            Err(err) => Err(err),
        }
    }
}

/// A visit by its booking code: every station so far with its ticket, the stations planned
/// ahead, whether it is finished, and the estimated wait until the patient is next called.
/// Staff may look up any visit; a patient only their own, with the tracking token. A token that
/// is neither a session nor this visit's is refused the same whether the code exists or not, so
/// codes cannot be probed with it.
#[utoipa::path(get, path = "/api/v1/visits/{booking_code}", tag = "patients",
    params(("booking_code" = String, Path, description = "The visit's booking code, such as `261130A017`")),
    security(("tracking_token" = []), ("session" = [])),
    responses(
        (status = 200, body = Visit),
        (status = 401, description = "`unauthorized`: no bearer token, or one that is neither a session nor this visit's tracking token", body = ErrorBody),
        (status = 404, description = "`visit_not_found`: staff asked for a code no visit has", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn visit(
    State(state): State<AppState>,
    reader: Reader,
    ApiPath(code): ApiPath<String>,
) -> AppResult<Json<Visit>> {
    match &reader {
        Reader::Staff => Ok(Json(
            state
                .store
                .visit(&code, VisitReader::Staff, state.now())
                .await?,
        )),
        Reader::Patient(token) => {
            let reader = VisitReader::Patient {
                tracking_token: token,
            };
            match state.store.visit(&code, reader, state.now()).await {
                Err(StoreError::NotFound(_)) => Err(AppError::Unauthorized(
                    "this token opens neither a staff session nor this visit",
                )),
                visit => Ok(Json(visit?)),
            }
        }
    }
}

/// Record at registration that the visit's patient is a BPJS (JKN) member: BPJS then hears of
/// the visit as a JKN one when it reaches a BPJS poli. Possible until BPJS knows the visit.
#[utoipa::path(put, path = "/api/v1/visits/{booking_code}/jkn", tag = "staff",
    params(("booking_code" = String, Path, description = "The visit's booking code, such as `261130A017`")),
    request_body = JknMembership,
    security(("session" = [])),
    responses(
        (status = 200, body = JknMembership),
        (status = 400, description = "`invalid_json`", body = ErrorBody),
        (status = 401, description = "`unauthorized`: no session, or it has ended", body = ErrorBody),
        (status = 404, description = "`visit_not_found`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`: BPJS already knows the visit (it reached a BPJS poli, or was booked through Mobile JKN)", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_body`, `invalid_field`", body = ErrorBody),
    ))]
#[instrument(skip_all)]
async fn set_jkn_membership(
    State(state): State<AppState>,
    Staff(_, actor): Staff,
    ApiPath(code): ApiPath<String>,
    ApiJson(membership): ApiJson<JknMembership>,
) -> AppResult<Json<JknMembership>> {
    Ok(Json(
        state
            .store
            .set_jkn_membership(&code, membership, &actor, state.now())
            .await?,
    ))
}
