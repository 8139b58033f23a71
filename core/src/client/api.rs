//! `ApiClient`: the REST routes of DESIGN §3 that patients and staff use, one method each,
//! speaking the wire types of [`crate::wire`].

use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::header::RETRY_AFTER;
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::address::server_address;
use super::error::{ClientError, snippet};
use super::stream::{StreamOptions, Subscription, Target};
use crate::wire::{
    CancelRequest, CompleteRequest, Counter, CounterQueue, DisplaySettings, ErrorCode,
    IssuedTicket, LoginRequest, LoginResponse, NewTicket, RequeueRequest, Service, Ticket,
    TicketResult, TicketView, TransferRequest, User, Visit,
};

/// A phone on hospital Wi-Fi may take a while to find the server, but not forever.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Every route answers in milliseconds; past this the user is better told "offline".
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A client of one Giliran server. Cheap to clone; clones share the connection pool and the
/// session token, so a login through one is seen by all.
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    /// Always ends with `/`, so a server behind a path prefix (`https://rs.example/antrean/`)
    /// keeps its prefix when a route is joined on.
    base: Url,
    session: Arc<RwLock<Option<String>>>,
}

impl std::fmt::Debug for ApiClient {
    /// Never prints the session token: it would end up in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient")
            .field("base", &self.base.as_str())
            .field("logged_in", &self.token().is_some())
            .finish()
    }
}

impl ApiClient {
    /// A client of the server at `base_url`, such as `https://antrean.rsud.example` (read by
    /// [`server_address`]).
    pub fn new(base_url: &str) -> Result<ApiClient, ClientError> {
        let base = server_address(base_url)?;
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("giliran-core/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(ClientError::from)?;
        Ok(ApiClient {
            http,
            base,
            session: Arc::new(RwLock::new(None)),
        })
    }

    /// With a session token kept from an earlier login, or a display device's token.
    pub fn with_token(self, token: impl Into<String>) -> ApiClient {
        self.set_token(Some(token.into()));
        self
    }

    /// The session token sent as `Authorization: Bearer` on staff routes, if any.
    pub fn token(&self) -> Option<String> {
        // A poisoned lock only means another thread panicked mid-write of a whole string.
        self.session
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Replaces the session token (a saved one after an app restart), or forgets it.
    pub fn set_token(&self, token: Option<String>) {
        *self.session.write().unwrap_or_else(|e| e.into_inner()) = token;
    }

    /// The server's address as given, with a trailing `/`.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    // Displays.

    /// `GET /api/v1/display/settings`: the hospital's name, the running text, the time zone
    /// and how calls are announced; with a display device's token.
    pub async fn display_settings(&self) -> Result<DisplaySettings, ClientError> {
        self.call_with_token(Method::GET, "api/v1/display/settings", NO_BODY)
            .await
    }

    // Patients.

    /// `GET /api/v1/services`: what a patient can queue for, with waiting counts.
    pub async fn services(&self) -> Result<Vec<Service>, ClientError> {
        self.call(Method::GET, "api/v1/services", None, NO_BODY)
            .await
    }

    /// `POST /api/v1/tickets`. A patient who already holds an active ticket gets
    /// `ClientError::Api` with `code: ActiveTicketExists` and that ticket in `existing_ticket`.
    pub async fn take_ticket(&self, request: &NewTicket) -> Result<IssuedTicket, ClientError> {
        self.call(Method::POST, "api/v1/tickets", None, Some(request))
            .await
    }

    /// `GET /api/v1/tickets/{id}`: the ticket with its live position, ETA, and counter once
    /// called.
    pub async fn ticket(&self, id: Uuid, tracking_token: &str) -> Result<Ticket, ClientError> {
        let view: TicketView = self
            .call(
                Method::GET,
                &format!("api/v1/tickets/{id}"),
                Some(tracking_token),
                NO_BODY,
            )
            .await?;
        Ok(view.ticket)
    }

    /// `DELETE /api/v1/tickets/{id}`: the patient gives up a waiting ticket.
    pub async fn cancel_ticket(
        &self,
        id: Uuid,
        tracking_token: &str,
    ) -> Result<Ticket, ClientError> {
        let view: TicketView = self
            .call(
                Method::DELETE,
                &format!("api/v1/tickets/{id}"),
                Some(tracking_token),
                NO_BODY,
            )
            .await?;
        Ok(view.ticket)
    }

    // Staff.

    /// `POST /api/v1/auth/login`; keeps the session token for the staff routes.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<LoginResponse, ClientError> {
        let request = LoginRequest {
            username: username.to_owned(),
            password: password.to_owned(),
        };
        let response: LoginResponse = self
            .call(Method::POST, "api/v1/auth/login", None, Some(&request))
            .await?;
        self.set_token(Some(response.token.clone()));
        Ok(response)
    }

    /// `POST /api/v1/auth/logout`. The token is forgotten either way; a session the server no
    /// longer knows counts as logged out.
    pub async fn logout(&self) -> Result<(), ClientError> {
        let token = self.token();
        self.set_token(None);
        let Some(token) = token else {
            return Ok(());
        };
        match self
            .send(Method::POST, "api/v1/auth/logout", Some(&token), NO_BODY)
            .await
        {
            Ok(_) => Ok(()),
            Err(ClientError::Api {
                code: ErrorCode::Unauthorized,
                ..
            }) => Ok(()),
            Err(err) => Err(err),
        }
    }

    /// `GET /api/v1/auth/me`: who the session belongs to, to check a token kept from before.
    pub async fn me(&self) -> Result<User, ClientError> {
        self.call_with_token(Method::GET, "api/v1/auth/me", NO_BODY)
            .await
    }

    /// `GET /api/v1/counters`: the counters this user may work at.
    pub async fn counters(&self) -> Result<Vec<Counter>, ClientError> {
        self.call_with_token(Method::GET, "api/v1/counters", NO_BODY)
            .await
    }

    /// Completes the counter's current ticket and calls the next; `None` when nobody waits.
    pub async fn call_next(&self, counter: Uuid) -> Result<Option<Ticket>, ClientError> {
        let result: TicketResult = self.counter_action(counter, "call-next", NO_BODY).await?;
        Ok(result.ticket)
    }

    /// Announces the current ticket again.
    pub async fn recall(&self, counter: Uuid) -> Result<Ticket, ClientError> {
        self.ticket_action(counter, "recall", NO_BODY).await
    }

    /// The current ticket is done; the visit goes on by its route, or as `request` says. The
    /// done ticket names the next one in `transferred_to`.
    pub async fn complete(
        &self,
        counter: Uuid,
        request: &CompleteRequest,
    ) -> Result<Ticket, ClientError> {
        self.ticket_action(counter, "complete", Some(request)).await
    }

    /// `GET /api/v1/visits/{code}`: a visit through its stations. A patient sends the
    /// tracking token of its tickets; staff send none and use the session.
    pub async fn visit(
        &self,
        booking_code: &str,
        tracking_token: Option<&str>,
    ) -> Result<Visit, ClientError> {
        let mut url = self.url("api/v1/visits/")?;
        // The code is the path's last segment, escaped whatever was typed.
        url.path_segments_mut()
            .map_err(|()| ClientError::Config("the server address cannot take a path".into()))?
            .pop_if_empty()
            .push(booking_code);
        let path = url.path().trim_start_matches(self.base.path()).to_owned();
        let token = tracking_token.map(str::to_owned).or_else(|| self.token());
        self.call(Method::GET, &path, token.as_deref(), NO_BODY)
            .await
    }

    /// The current patient did not come.
    pub async fn skip(&self, counter: Uuid) -> Result<Ticket, ClientError> {
        self.ticket_action(counter, "skip", NO_BODY).await
    }

    /// A skipped ticket waits again: at the back, or with `position` tickets before it.
    pub async fn requeue(
        &self,
        counter: Uuid,
        ticket_id: Uuid,
        position: Option<u32>,
    ) -> Result<Ticket, ClientError> {
        let body = RequeueRequest {
            ticket_id,
            position,
        };
        self.ticket_action(counter, "requeue", Some(&body)).await
    }

    /// Staff withdraw a waiting ticket of the counter's services.
    pub async fn cancel(&self, counter: Uuid, ticket_id: Uuid) -> Result<Ticket, ClientError> {
        self.ticket_action(counter, "cancel", Some(&CancelRequest { ticket_id }))
            .await
    }

    /// Moves the current ticket (or the waiting `ticket_id`) into `service`'s queue; returns
    /// the new ticket of the same visit.
    pub async fn transfer(
        &self,
        counter: Uuid,
        service: Uuid,
        ticket_id: Option<Uuid>,
    ) -> Result<Ticket, ClientError> {
        let body = TransferRequest {
            service_id: service,
            ticket_id,
        };
        self.ticket_action(counter, "transfer", Some(&body)).await
    }

    /// The counter stops calling (a break).
    pub async fn pause(&self, counter: Uuid) -> Result<Counter, ClientError> {
        self.counter_action(counter, "pause", NO_BODY).await
    }

    /// The counter calls again.
    pub async fn resume(&self, counter: Uuid) -> Result<Counter, ClientError> {
        self.counter_action(counter, "resume", NO_BODY).await
    }

    /// The counter's current ticket, waiting list in call order, skipped tickets, today's counts.
    pub async fn counter_queue(&self, counter: Uuid) -> Result<CounterQueue, ClientError> {
        self.call_with_token(
            Method::GET,
            &format!("api/v1/counters/{counter}/queue"),
            NO_BODY,
        )
        .await
    }

    // The event stream.

    /// Subscribes to the event stream with this client's token: the public board without one
    /// (or with a display device's), the counters' queues for staff, everything for admins.
    /// Must be called within a Tokio runtime.
    pub fn subscribe(&self, options: StreamOptions) -> Result<Subscription, ClientError> {
        Subscription::start(self.stream_target(self.token(), None)?, options)
    }

    /// Follows one ticket with its tracking token. Must be called within a Tokio runtime.
    pub fn follow_ticket(
        &self,
        ticket_id: Uuid,
        tracking_token: &str,
        options: StreamOptions,
    ) -> Result<Subscription, ClientError> {
        let target = self.stream_target(Some(tracking_token.to_owned()), Some(ticket_id))?;
        Subscription::start(target, options)
    }

    fn stream_target(
        &self,
        token: Option<String>,
        ticket: Option<Uuid>,
    ) -> Result<Target, ClientError> {
        let mut url = self.url("api/v1/events")?;
        let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
        url.set_scheme(scheme)
            .map_err(|()| ClientError::Config(format!("cannot make {url} a WebSocket address")))?;
        Ok(Target { url, token, ticket })
    }

    // Plumbing.

    fn url(&self, path: &str) -> Result<Url, ClientError> {
        self.base
            .join(path)
            .map_err(|e| ClientError::Config(format!("{path} on {}: {e}", self.base)))
    }

    async fn counter_action<T: DeserializeOwned>(
        &self,
        counter: Uuid,
        action: &str,
        body: Option<&impl Serialize>,
    ) -> Result<T, ClientError> {
        self.call_with_token(
            Method::POST,
            &format!("api/v1/counters/{counter}/{action}"),
            body,
        )
        .await
    }

    async fn ticket_action(
        &self,
        counter: Uuid,
        action: &str,
        body: Option<&impl Serialize>,
    ) -> Result<Ticket, ClientError> {
        let view: TicketView = self.counter_action(counter, action, body).await?;
        Ok(view.ticket)
    }

    async fn call_with_token<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<T, ClientError> {
        // The client's token (a staff session or a display's); without one the server answers
        // `unauthorized`, which is the error to show.
        let token = self.token();
        self.call(method, path, token.as_deref(), body).await
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<&impl Serialize>,
    ) -> Result<T, ClientError> {
        let (status, bytes) = self.send(method, path, bearer, body).await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            ClientError::Protocol(format!(
                "HTTP {status} from {path}: {e}: {}",
                snippet(&bytes)
            ))
        })
    }

    /// Sends one request; a success gives its status and body, anything else the refusal.
    async fn send(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<&impl Serialize>,
    ) -> Result<(StatusCode, Vec<u8>), ClientError> {
        let mut request = self.http.request(method, self.url(path)?);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let bytes = response.bytes().await?.to_vec();
        if status.is_success() {
            Ok((status, bytes))
        } else {
            Err(ClientError::from_refusal(
                status.as_u16(),
                retry_after,
                &bytes,
            ))
        }
    }
}

/// `None` for a request without a body, typed so the generic parameter is known.
const NO_BODY: Option<&()> = None;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_prefix_is_kept_and_the_stream_speaks_websocket() {
        let client = ApiClient::new("https://rs.example/antrean").unwrap();
        assert_eq!(
            client.url("api/v1/services").unwrap().as_str(),
            "https://rs.example/antrean/api/v1/services"
        );
        let target = client.stream_target(None, None).unwrap();
        assert_eq!(
            target.url.as_str(),
            "wss://rs.example/antrean/api/v1/events"
        );
        let plain = ApiClient::new("http://10.0.0.5:8080").unwrap();
        let target = plain.stream_target(None, None).unwrap();
        assert_eq!(target.url.as_str(), "ws://10.0.0.5:8080/api/v1/events");
    }

    #[test]
    fn an_address_that_is_not_http_is_a_configuration_error() {
        for bad in ["", "ftp://rs.example", "mailto:it@rs.example"] {
            assert!(
                matches!(ApiClient::new(bad), Err(ClientError::Config(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_session_token_stays_out_of_debug_output() {
        let client = ApiClient::new("http://localhost:8080")
            .unwrap()
            .with_token("rahasia-sesi");
        let shown = format!("{client:?}");
        assert!(!shown.contains("rahasia"), "{shown}");
        assert!(shown.contains("logged_in: true"));
    }
}
