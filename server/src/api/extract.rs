//! Request extractors whose rejections answer with the contract's error body, and the bearer
//! tokens that decide who is asking.

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use giliran_core::wire::Role;

use super::AppState;
use crate::error::AppError;
use crate::store::Principal;

/// JSON body; malformed, mistyped or oversized bodies become `AppError::Json`.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

/// Path parameters; an id that is not a UUID becomes `invalid_parameter`.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

/// The raw `Authorization: Bearer …` token: a tracking token for patient routes.
#[derive(Debug)]
pub struct Bearer(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or(AppError::Unauthorized(
                "send the token as Authorization: Bearer <token>",
            ))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 256)
            .ok_or(AppError::Unauthorized(
                "the Authorization header must be Bearer <token>",
            ))?;
        Ok(Bearer(token.to_owned()))
    }
}

/// A logged-in staff member or admin.
#[derive(Debug)]
pub struct Staff(pub Principal);

impl FromRequestParts<AppState> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Bearer(token) = Bearer::from_request_parts(parts, state).await?;
        let principal =
            state
                .store
                .authenticate(&token, state.now())
                .await?
                .ok_or(AppError::Unauthorized(
                    "the session is unknown or has expired; log in again",
                ))?;
        Ok(Staff(principal))
    }
}

/// A logged-in admin.
#[derive(Debug)]
pub struct Admin(pub Principal);

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Staff(principal) = Staff::from_request_parts(parts, state).await?;
        if principal.role != Role::Admin {
            return Err(AppError::Forbidden("only admins may do this"));
        }
        Ok(Admin(principal))
    }
}
