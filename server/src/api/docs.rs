//! Refusals many routes share, documented once for the OpenAPI document.

// The variants only describe responses; the handlers answer with `AppError`.
#![allow(dead_code)]

use giliran_core::wire::ErrorBody;
use utoipa::IntoResponses;

/// What every staff route of a counter may refuse.
#[derive(IntoResponses)]
pub enum CounterRefusals {
    /// `invalid_parameter`: an id is not a UUID; `invalid_json`: the body is not JSON.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// `unauthorized`: no session, or it has ended.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// `forbidden`: the counter is not assigned to this user.
    #[response(status = 403)]
    Forbidden(ErrorBody),
}

/// What every admin route may refuse.
#[derive(IntoResponses)]
pub enum AdminRefusals {
    /// `unauthorized`: no session, or it has ended.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// `forbidden`: the user is not an admin.
    #[response(status = 403)]
    Forbidden(ErrorBody),
}
