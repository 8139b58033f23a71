//! Errors: [`StoreError`] for what the database layer refuses, [`AppError`] for everything an HTTP
//! answer can be, mapped once to the contract's body `{"error": {"code", "message"}}`.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use giliran_core::TransitionError;
use giliran_core::wire::{ApiError, ErrorBody, ErrorCode, Ticket};

/// The kinds of things the store looks up by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Service,
    Counter,
    Ticket,
    User,
    Display,
    /// A patient's waiting or called ticket, looked up by phone.
    ActiveTicket,
    /// A visit, looked up by its booking code.
    Visit,
    /// A report of the BPJS bridge.
    Report,
}

/// What the store refuses, or a database failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(Entity),
    #[error("service is closed")]
    ServiceClosed,
    #[error("daily quota of {quota} tickets is used up")]
    QuotaFull { quota: u32 },
    #[error("patient already holds an active ticket")]
    ActiveTicketExists(Box<Ticket>),
    #[error("counter is paused")]
    CounterPaused,
    #[error("counter has no called ticket")]
    NoCurrentTicket,
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("the ticket changed meanwhile; reload it and try again")]
    ChangedMeanwhile,
    #[error("only a failed report is retried by hand; this one is {0}")]
    ReportNotFailed(&'static str),
    #[error(
        "BPJS already knows this visit (announced, or booked through Mobile JKN); its JKN membership can no longer change"
    )]
    AlreadyReported,
    #[error("the ticket's service is not served by this counter")]
    NotThisCountersService,
    #[error("{0} already exists")]
    AlreadyExists(&'static str),
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// A unique-constraint violation becomes `AlreadyExists(what)`; anything else stays.
    pub fn unique_as(err: sqlx::Error, what: &'static str) -> StoreError {
        if is_unique_violation(&err) {
            StoreError::AlreadyExists(what)
        } else {
            StoreError::Database(err)
        }
    }
}

/// Whether `err` means the database cannot be reached right now, rather than that it refused
/// this request: no connection to be had, a connection lost, or PostgreSQL shutting down or
/// starting up (SQLSTATE class 08, and 57P01–57P03), which a restart of it sends to every
/// session it ends.
pub fn is_database_away(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(e) => e.code().is_some_and(|code| {
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}

/// Every failure an HTTP handler can answer with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400, 413, 415 or 422: the body could not be read as the expected JSON.
    #[error(transparent)]
    Json(#[from] JsonRejection),
    /// 400: a path parameter is malformed.
    #[error(transparent)]
    Path(#[from] PathRejection),
    /// 400: a query parameter is malformed.
    #[error(transparent)]
    Query(#[from] QueryRejection),
    /// 400: a query parameter is well-formed but not one the route takes, such as a page size
    /// out of range.
    #[error("{name}: {message}")]
    InvalidParameter { name: &'static str, message: String },
    /// 422: JSON of the wrong shape.
    #[error("{0}")]
    InvalidBody(String),
    /// 422: a field's value is refused.
    #[error("{field}: {message}")]
    InvalidField {
        field: &'static str,
        message: String,
    },
    /// 401: no usable token.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 401: wrong username or password.
    #[error("wrong username or password")]
    InvalidCredentials,
    /// 403: allowed in, but not to do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 404: no such route.
    #[error("no such route")]
    NoRoute,
    /// 405: the route does not take this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 429: this client (or account) asked too often; it may retry after `retry_after`.
    #[error("{why}")]
    RateLimited {
        why: &'static str,
        retry_after: std::time::Duration,
    },
    /// 503: the request took longer than the server allows.
    #[error("the request took too long and was abandoned")]
    Timeout,
    /// 503: the server holds as many connections of this kind as it may.
    #[error("{0}")]
    Busy(&'static str),
    /// 426: a plain HTTP request to the WebSocket endpoint.
    #[error("{0}")]
    WebsocketRequired(String),
    /// The store's refusals, each with its own status (404, 409, 422, 503).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// 500: a fault of ours; details go to the log only.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        AppError::Store(StoreError::Database(err))
    }
}

impl AppError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
        AppError::InvalidField {
            field,
            message: message.into(),
        }
    }

    pub fn invalid_parameter(name: &'static str, message: impl Into<String>) -> AppError {
        AppError::InvalidParameter {
            name,
            message: message.into(),
        }
    }

    fn parts(
        self,
    ) -> (
        StatusCode,
        ErrorCode,
        String,
        Option<String>,
        Option<Ticket>,
    ) {
        use ErrorCode as C;
        let simple = |status, code, message: String| (status, code, message, None, None);
        match self {
            AppError::Json(rejection) => {
                let status = rejection.status();
                let code = match rejection {
                    JsonRejection::JsonSyntaxError(_) => C::InvalidJson,
                    JsonRejection::MissingJsonContentType(_) => C::UnsupportedMediaType,
                    _ if status == StatusCode::PAYLOAD_TOO_LARGE => C::PayloadTooLarge,
                    JsonRejection::JsonDataError(_) => C::InvalidBody,
                    _ => C::InvalidJson,
                };
                simple(status, code, rejection.body_text())
            }
            AppError::Path(rejection) => simple(
                StatusCode::BAD_REQUEST,
                C::InvalidParameter,
                rejection.body_text(),
            ),
            AppError::Query(rejection) => simple(
                StatusCode::BAD_REQUEST,
                C::InvalidParameter,
                rejection.body_text(),
            ),
            AppError::InvalidParameter { name, message } => (
                StatusCode::BAD_REQUEST,
                C::InvalidParameter,
                message,
                Some(name.to_owned()),
                None,
            ),
            AppError::InvalidBody(message) => {
                simple(StatusCode::UNPROCESSABLE_ENTITY, C::InvalidBody, message)
            }
            AppError::InvalidField { field, message } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                C::InvalidField,
                message,
                Some(field.to_owned()),
                None,
            ),
            AppError::Unauthorized(why) => {
                simple(StatusCode::UNAUTHORIZED, C::Unauthorized, why.into())
            }
            AppError::InvalidCredentials => simple(
                StatusCode::UNAUTHORIZED,
                C::InvalidCredentials,
                "wrong username or password".into(),
            ),
            AppError::Forbidden(why) => simple(StatusCode::FORBIDDEN, C::Forbidden, why.into()),
            AppError::NoRoute => simple(StatusCode::NOT_FOUND, C::NotFound, "no such route".into()),
            AppError::MethodNotAllowed => simple(
                StatusCode::METHOD_NOT_ALLOWED,
                C::MethodNotAllowed,
                "this route does not take that method".into(),
            ),
            AppError::RateLimited { why, .. } => {
                simple(StatusCode::TOO_MANY_REQUESTS, C::RateLimited, why.into())
            }
            AppError::Timeout => simple(
                StatusCode::SERVICE_UNAVAILABLE,
                C::Timeout,
                "the request took too long and was abandoned; check before repeating a change"
                    .into(),
            ),
            AppError::Busy(why) => {
                simple(StatusCode::SERVICE_UNAVAILABLE, C::Unavailable, why.into())
            }
            AppError::WebsocketRequired(why) => simple(
                StatusCode::UPGRADE_REQUIRED,
                C::WebsocketRequired,
                format!("this endpoint speaks WebSocket only: {why}"),
            ),
            AppError::Store(err) => store_parts(err),
            AppError::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
                simple(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    C::Internal,
                    "internal error; the server log has the details".into(),
                )
            }
        }
    }
}

fn store_parts(
    err: StoreError,
) -> (
    StatusCode,
    ErrorCode,
    String,
    Option<String>,
    Option<Ticket>,
) {
    use ErrorCode as C;
    let message = err.to_string();
    let (status, code) = match &err {
        StoreError::NotFound(entity) => (
            StatusCode::NOT_FOUND,
            match entity {
                Entity::Service => C::ServiceNotFound,
                Entity::Counter => C::CounterNotFound,
                Entity::Ticket => C::TicketNotFound,
                Entity::User => C::UserNotFound,
                Entity::Display => C::DisplayNotFound,
                Entity::ActiveTicket => C::NoActiveTicket,
                Entity::Visit => C::VisitNotFound,
                Entity::Report => C::ReportNotFound,
            },
        ),
        StoreError::ServiceClosed => (StatusCode::CONFLICT, C::ServiceClosed),
        StoreError::QuotaFull { .. } => (StatusCode::CONFLICT, C::QuotaFull),
        StoreError::ActiveTicketExists(_) => (StatusCode::CONFLICT, C::ActiveTicketExists),
        StoreError::CounterPaused => (StatusCode::CONFLICT, C::CounterPaused),
        StoreError::NoCurrentTicket => (StatusCode::CONFLICT, C::NoCurrentTicket),
        StoreError::Transition(_)
        | StoreError::ChangedMeanwhile
        | StoreError::ReportNotFailed(_)
        | StoreError::AlreadyReported => (StatusCode::CONFLICT, C::InvalidTransition),
        StoreError::NotThisCountersService => (StatusCode::FORBIDDEN, C::Forbidden),
        StoreError::AlreadyExists(_) => (StatusCode::CONFLICT, C::AlreadyExists),
        StoreError::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, C::InvalidField),
        StoreError::Database(db) => return database_parts(db),
        StoreError::Internal(what) => {
            tracing::error!(error = %what, "internal error");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                C::Internal,
                "internal error; the server log has the details".into(),
                None,
                None,
            );
        }
    };
    let message = match &err {
        StoreError::Invalid { message, .. } => message.clone(),
        _ => message,
    };
    let field = match &err {
        StoreError::Invalid { field, .. } => Some((*field).to_owned()),
        _ => None,
    };
    let ticket = match err {
        StoreError::ActiveTicketExists(ticket) => Some(*ticket),
        _ => None,
    };
    (status, code, message, field, ticket)
}

fn database_parts(
    err: &sqlx::Error,
) -> (
    StatusCode,
    ErrorCode,
    String,
    Option<String>,
    Option<Ticket>,
) {
    if is_database_away(err) {
        tracing::warn!(error = %err, "database unavailable");
        (
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "the database is not answering; try again shortly".into(),
            None,
            None,
        )
    } else {
        tracing::error!(error = ?err, "database error");
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "internal error; the server log has the details".into(),
            None,
            None,
        )
    }
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Entity::Service => "service",
            Entity::Counter => "counter",
            Entity::Ticket => "ticket",
            Entity::User => "user",
            Entity::Display => "display device",
            Entity::ActiveTicket => "active ticket for this phone number",
            Entity::Visit => "visit with this booking code",
            Entity::Report => "BPJS report",
        })
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        // Whole seconds, rounded up: a client that waits exactly this long gets through.
        let retry_after = match &self {
            AppError::RateLimited { retry_after, .. } => {
                Some(retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0))
            }
            _ => None,
        };
        let (status, code, message, field, ticket) = self.parts();
        let body = ErrorBody {
            error: ApiError {
                code,
                message,
                field,
            },
            ticket,
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds.max(1)),
            );
        }
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;
