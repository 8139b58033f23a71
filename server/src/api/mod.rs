//! The HTTP API of DESIGN §3: one router per area, merged here with the OpenAPI document they
//! describe, so a route cannot exist without its documentation.

pub(crate) mod accounts;
mod admin;
mod audit;
mod bpjs;
mod bpjs_ws;
pub(crate) mod counters;
mod day;
mod displays;
mod docs;
mod events;
pub mod extract;
pub(crate) mod history;
mod security_headers;
mod services;
mod stats;
mod tickets;
mod visits;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;

use crate::clock::Clock;
use crate::error::AppError;
use crate::limits::Limits;
use crate::net::{TrustedProxies, remember_client_ip};
use crate::store::Store;
use crate::stream::Hub;

/// Largest request body: tickets, logins and admin forms are a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub hub: Hub,
    pub limits: Limits,
    /// Served over TLS: the panel's cookie is marked `Secure`.
    pub secure_cookies: bool,
    /// The BPJS antrean bridge, when configured.
    pub bpjs: Option<Arc<crate::bpjs::Bridge>>,
    /// The credentials BPJS calls the hospital's antrean web service with, when it offers one.
    pub bpjs_ws: Option<Arc<crate::bpjs::WsAccess>>,
}

impl AppState {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Giliran",
        description = "Hospital and clinic queue API. Every 4xx and 5xx answer carries \
                       `{\"error\": {\"code\", \"message\"}}`; clients branch on `code`."
    ),
    modifiers(&BearerSchemes),
    components(schemas(giliran_core::events::StreamMessage)),
    tags(
        (name = "patients", description = "Taking and following tickets"),
        (name = "staff", description = "Calling patients at a counter"),
        (name = "accounts", description = "Logging in"),
        (name = "admin", description = "Services, counters, accounts and the ticket history"),
        (name = "real time", description = "The event stream"),
        (name = "operations", description = "Health and documentation"),
    )
)]
struct ApiDoc;

struct BearerSchemes;

impl Modify for BearerSchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = |what: &str| {
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(what.to_owned()))
                    .build(),
            )
        };
        components.add_security_scheme(
            "session",
            bearer("The `token` from `POST /api/v1/auth/login`"),
        );
        components.add_security_scheme(
            "tracking_token",
            bearer("The `tracking_token` issued with the ticket"),
        );
        components.add_security_scheme(
            "display_token",
            bearer("A display device's token, from `POST /api/v1/admin/displays`"),
        );
    }
}

/// Settings of the HTTP layer itself.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub trusted_proxies: TrustedProxies,
    /// Longest a request may take before it is abandoned with `503 timeout`.
    pub request_timeout: Duration,
    /// Served over TLS by this server: browsers are told to insist on HTTPS.
    pub tls: bool,
}

/// Every route, each with its documentation.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(tickets::router())
        .merge(visits::router())
        .merge(counters::router())
        .merge(accounts::router())
        .merge(services::router())
        .merge(admin::router())
        .merge(displays::router())
        .merge(audit::router())
        .merge(day::router())
        .merge(stats::router())
        .merge(history::router())
        .merge(bpjs::router())
        .merge(events::router())
}

/// The whole application with its OpenAPI document.
pub fn router(state: AppState, http: &HttpConfig) -> Router {
    let (api, doc) = routes().split_for_parts();
    let doc = Arc::new(doc);
    let timeout = http.request_timeout;
    api.merge(crate::web::router())
        .merge(bpjs_ws::router())
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let doc = Arc::clone(&doc);
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .fallback(no_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(move |req, next: Next| {
            abandon_after(timeout, req, next)
        }))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(on_panic))
        .layer(middleware::map_response_with_state(
            http.tls,
            security_headers::add,
        ))
        .layer(middleware::from_fn_with_state(
            http.trusted_proxies.clone(),
            remember_client_ip,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// The document alone, for tests and tooling.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

/// Answers `503 timeout` for a request that takes longer than `limit`. Dropping the handler
/// rolls back its open transaction, so nothing is half done.
async fn abandon_after(limit: Duration, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => AppError::Timeout.into_response(),
    }
}

async fn no_route() -> AppError {
    AppError::NoRoute
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

fn on_panic(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    AppError::Internal(anyhow::anyhow!("a request handler panicked")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_request_that_takes_too_long_gets_the_contract_timeout() {
        let app = Router::new()
            .route(
                "/slow",
                axum::routing::get(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "late"
                }),
            )
            .route("/quick", axum::routing::get(|| async { "ok" }))
            .layer(middleware::from_fn(|req, next: Next| {
                abandon_after(Duration::from_millis(50), req, next)
            }));
        let slow = app
            .clone()
            .oneshot(Request::get("/slow").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(slow.status(), axum::http::StatusCode::SERVICE_UNAVAILABLE);
        let body = axum::body::to_bytes(slow.into_body(), 4096).await.unwrap();
        let body: giliran_core::wire::ErrorBody = serde_json::from_slice(&body).unwrap();
        assert_eq!(body.error.code, giliran_core::wire::ErrorCode::Timeout);
        let quick = app
            .oneshot(Request::get("/quick").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(quick.status(), axum::http::StatusCode::OK);
    }
}
