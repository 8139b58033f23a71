//! Request extractors whose rejections answer with the contract's error body, and the bearer
//! tokens that decide who is asking.

use std::convert::Infallible;
use std::net::IpAddr;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, CONTENT_LENGTH, TRANSFER_ENCODING};
use axum::http::request::Parts;
use giliran_core::wire::Role;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::AppState;
use crate::error::AppError;
use crate::net::ClientIp;
use crate::store::{Actor, Principal};
use crate::web::session;

/// A JSON object body. Reading it as a `Value` first keeps the two failures apart: text that is
/// not JSON is `invalid_json` (400), JSON of the wrong shape is `invalid_body` (422) — serde
/// alone would call some shape errors syntax errors and accept an array for a struct.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<Value>::from_request(req, state).await?;
        if !value.is_object() {
            return Err(AppError::InvalidBody(
                "the body must be a JSON object".into(),
            ));
        }
        serde_json::from_value(value)
            .map(ApiJson)
            .map_err(|e| AppError::InvalidBody(e.to_string()))
    }
}

/// A JSON object body that may be left out: no body at all means `T::default()`.
#[derive(Debug)]
pub struct OptionalApiJson<T>(pub T);

impl<S, T> FromRequest<S> for OptionalApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Default,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = req.headers();
        let has_body = headers.contains_key(TRANSFER_ENCODING)
            || headers
                .get(CONTENT_LENGTH)
                .is_some_and(|length| length.as_bytes() != b"0");
        if !has_body {
            return Ok(OptionalApiJson(T::default()));
        }
        let ApiJson(value) = ApiJson::from_request(req, state).await?;
        Ok(OptionalApiJson(value))
    }
}

/// Path parameters; an id that is not a UUID becomes `invalid_parameter`.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

/// The token of an `Authorization: Bearer …` header: `None` without the header, an error when
/// the header is there but is not a usable bearer token.
pub fn bearer_token(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let Some(header) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    header
        .to_str()
        .ok()
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 256)
        .map(|t| Some(t.to_owned()))
        .ok_or(AppError::Unauthorized(
            "the Authorization header must be Bearer <token>",
        ))
}

/// The raw `Authorization: Bearer …` token: a tracking token for patient routes.
#[derive(Debug)]
pub struct Bearer(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        bearer_token(&parts.headers)?
            .map(Bearer)
            .ok_or(AppError::Unauthorized(
                "send the token as Authorization: Bearer <token>",
            ))
    }
}

/// The client's address, when the request came over a socket.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(parts.extensions.get::<ClientIp>().map(|c| c.0)))
    }
}

/// A logged-in staff member or admin, and how the audit log names them.
#[derive(Debug)]
pub struct Staff(pub Principal, pub Actor);

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = session_of(parts)?;
        let Ok(Peer(ip)) = Peer::from_request_parts(parts, state).await;
        let principal =
            state
                .store
                .authenticate(&token, state.now())
                .await?
                .ok_or(AppError::Unauthorized(
                    "the session is unknown or has expired; log in again",
                ))?;
        let actor = Actor::user(&principal, ip);
        Ok(Staff(principal, actor))
    }
}

/// The session token of an API call: the bearer token of an app, or the cookie of the web
/// panel. A cookie travels with every request the browser makes to this server, including ones
/// another site's page provokes, so a change made with it must also carry the page's CSRF
/// token in `X-CSRF-Token`.
fn session_of(parts: &Parts) -> Result<String, AppError> {
    if let Some(token) = bearer_token(&parts.headers)? {
        return Ok(token);
    }
    let token = session::session_token(&parts.headers).ok_or(AppError::Unauthorized(
        "send the token as Authorization: Bearer <token>",
    ))?;
    if !parts.method.is_safe() {
        let sent = parts
            .headers
            .get(session::CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !session::csrf_matches(&token, sent) {
            return Err(AppError::Forbidden(
                "the page's security token is missing or stale; reload the page",
            ));
        }
    }
    Ok(token)
}

/// A logged-in admin, and how the audit log names them.
#[derive(Debug)]
pub struct Admin(pub Principal, pub Actor);

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Staff(principal, actor) = Staff::from_request_parts(parts, state).await?;
        if principal.role != Role::Admin {
            return Err(AppError::Forbidden("only admins may do this"));
        }
        Ok(Admin(principal, actor))
    }
}

/// Whoever may read what a waiting-room display shows: a display device's token, or any
/// logged-in account (the panel previews it).
#[derive(Debug)]
pub enum DisplayReader {
    Device(uuid::Uuid),
    Account(Principal),
}

impl FromRequestParts<AppState> for DisplayReader {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Bearer(token) = Bearer::from_request_parts(parts, state).await?;
        DisplayReader::of(state, &token).await
    }
}

impl DisplayReader {
    /// Who a session or display token belongs to: sessions first, as they are the common case.
    pub async fn of(state: &AppState, token: &str) -> Result<DisplayReader, AppError> {
        let now = state.now();
        if let Some(principal) = state.store.authenticate(token, now).await? {
            return Ok(DisplayReader::Account(principal));
        }
        state
            .store
            .authenticate_display(token, now)
            .await?
            .map(DisplayReader::Device)
            .ok_or(AppError::Unauthorized(
                "the token is unknown, expired or revoked; log in again or ask an admin for a \
                 display token",
            ))
    }
}
