//! `GET /api/v1/events`: the WebSocket stream of DESIGN §4.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use giliran_core::events::{Event, StreamMessage};
use giliran_core::wire::{ErrorBody, Role};
use serde::Deserialize;
use tokio::sync::OwnedSemaphorePermit;
use tokio::sync::broadcast::error::RecvError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::AppState;
use super::extract::{DisplayReader, Peer, bearer_token};
use crate::error::{AppError, AppResult, StoreError};
use crate::limits::StreamGuard;
use crate::store::Revoked;
use crate::store::events::StoredEvent;
use crate::stream::{Resume, Scope, resume_point};
use crate::tokens::hash_token;
use crate::web::session;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events))
}

/// How often the server pings; a client silent for `IDLE_LIMIT` is disconnected.
const PING_EVERY: Duration = Duration::from_secs(20);
const IDLE_LIMIT: Duration = Duration::from_secs(60);
/// A client that does not take a message within this long is too slow to keep.
const SEND_LIMIT: Duration = Duration::from_secs(10);
/// Close code 1013 ("try again later"): the client should reconnect with `since`.
const CLOSE_TRY_AGAIN: u16 = 1013;
/// Close code 1008 ("policy violation"): the token was revoked or its rights changed; a
/// reconnect finds out which.
const CLOSE_REVOKED: u16 = 1008;
/// How often a display's open stream refreshes its `last_seen_at`.
const DISPLAY_SEEN_EVERY: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct StreamQuery {
    /// The last `seq` received: resume after it.
    since: Option<u64>,
    /// The token, for clients that cannot set headers (browsers).
    token: Option<String>,
    /// With a tracking token: the ticket to follow.
    ticket: Option<Uuid>,
    /// For the web panel, which holds its session in a cookie: the page's CSRF token, proving
    /// the stream is opened by the panel's own page and not by another site.
    csrf: Option<String>,
}

/// The event stream. With a display device's token: the public call board. With a session
/// token: staff see their counters, admins everything. With `ticket` and its tracking token:
/// that ticket. Without a token: refused. The first message is a `snapshot` (or, with `since`, the missed events), then
/// `event`s in `seq` order; see the `StreamMessage` schema.
#[utoipa::path(get, path = "/api/v1/events", tag = "real time",
    params(StreamQuery),
    responses(
        (status = 101, description = "Switching to WebSocket; each text message is a StreamMessage"),
        (status = 400, description = "`invalid_parameter`", body = ErrorBody),
        (status = 401, description = "`unauthorized`: no token, or one unknown, expired or revoked", body = ErrorBody),
        (status = 426, description = "`websocket_required`: a plain HTTP request", body = ErrorBody),
        (status = 429, description = "`rate_limited`: too many streams from this address", body = ErrorBody),
        (status = 503, description = "`unavailable`: too many connections", body = ErrorBody),
    ))]
async fn events(
    State(state): State<AppState>,
    Peer(ip): Peer,
    query: Result<Query<StreamQuery>, QueryRejection>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> AppResult<Response> {
    let Query(query) = query?;
    let token = bearer_token(&headers)?
        .or(query.token)
        .or_else(|| panel_session(&headers, query.csrf.as_deref()))
        .filter(|t| !t.is_empty());
    let (scope, credential) = resolve_scope(&state, token, query.ticket).await?;
    let upgrade = upgrade.map_err(|e| AppError::WebsocketRequired(e.body_text()))?;
    let per_ip = state.limits.open_stream(ip)?;
    let permit = Arc::clone(&state.hub.connections)
        .try_acquire_owned()
        .map_err(|_| {
            AppError::Busy("this server holds all the event streams it may; retry shortly")
        })?;
    // Subscribers send nothing but pongs: small buffers keep ten thousand idle displays cheap
    // (the library's defaults reserve 128 KiB for each).
    let upgrade = upgrade
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(64 * 1024)
        .max_frame_size(64 * 1024);
    Ok(upgrade.on_upgrade(move |socket| async move {
        let held = Held {
            _permit: permit,
            _per_ip: per_ip,
        };
        if let Err(err) = stream(socket, state, scope, credential, query.since, held).await {
            tracing::debug!(error = %err, "event stream ended");
        }
    }))
}

/// The session cookie of a panel page that also shows the session's CSRF token.
fn panel_session(headers: &HeaderMap, csrf: Option<&str>) -> Option<String> {
    let token = session::session_token(headers)?;
    session::csrf_matches(&token, csrf?).then_some(token)
}

/// What a stream's token is, so the stream can close when it is revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Credential {
    Display(Uuid),
    Session {
        user_id: Uuid,
        token: String,
        /// How a logout of this session is announced.
        logout: Revoked,
    },
    /// Tracking tokens are not revoked; the ticket's end is on the stream itself.
    Ticket,
}

impl Credential {
    fn revoked_by(&self, revoked: &Revoked) -> bool {
        match (self, revoked) {
            (Credential::Display(id), Revoked::Display { id: gone }) => id == gone,
            (Credential::Session { user_id, .. }, Revoked::User { id }) => user_id == id,
            (Credential::Session { logout, .. }, session @ Revoked::Session { .. }) => {
                logout == session
            }
            _ => false,
        }
    }

    /// Whether the credential still opens the stream (asked when revocations were missed).
    async fn still_valid(&self, state: &AppState) -> bool {
        let result = match self {
            Credential::Display(id) => state.store.display_active(*id).await,
            Credential::Session { token, .. } => state
                .store
                .authenticate(token, state.now())
                .await
                .map(|p| p.is_some()),
            Credential::Ticket => Ok(true),
        };
        // A database hiccup is no reason to drop a waiting room's display.
        result.unwrap_or(true)
    }
}

/// What a stream holds for its lifetime: its places in the server-wide and per-address caps.
struct Held {
    _permit: OwnedSemaphorePermit,
    _per_ip: Option<StreamGuard>,
}

async fn resolve_scope(
    state: &AppState,
    token: Option<String>,
    ticket: Option<Uuid>,
) -> AppResult<(Scope, Credential)> {
    let now = state.now();
    match (token, ticket) {
        (None, _) => Err(AppError::Unauthorized(
            "send a token: a display device's, a session's, or a ticket's tracking token with ?ticket=",
        )),
        (Some(token), Some(ticket)) => {
            let followed = state
                .store
                .patient_ticket(ticket, &token, now)
                .await
                .map_err(|_| AppError::Unauthorized("this token does not follow that ticket"))?;
            let scope = Scope::Patient {
                ticket_id: ticket,
                service_id: followed.service_id,
            };
            Ok((scope, Credential::Ticket))
        }
        (Some(token), None) => {
            let principal = match DisplayReader::of(state, &token).await? {
                DisplayReader::Device(id) => return Ok((Scope::Display, Credential::Display(id))),
                DisplayReader::Account(principal) => principal,
            };
            let credential = Credential::Session {
                user_id: principal.user_id,
                logout: Revoked::session(&hash_token(&token)),
                token,
            };
            if principal.role == Role::Admin {
                return Ok((Scope::Admin, credential));
            }
            let counters: HashSet<Uuid> = principal.counters.iter().copied().collect();
            let services = state
                .store
                .counters()
                .await?
                .into_iter()
                .filter(|c| counters.contains(&c.id))
                .flat_map(|c| c.service_ids)
                .collect();
            Ok((Scope::Staff { counters, services }, credential))
        }
    }
}

/// Why a stream ended early.
#[derive(Debug, thiserror::Error)]
enum StreamEnd {
    #[error("the client went away")]
    Gone,
    #[error("the client is too slow")]
    TooSlow,
    #[error(transparent)]
    Store(#[from] StoreError),
}

async fn send(socket: &mut WebSocket, message: &StreamMessage) -> Result<(), StreamEnd> {
    let text = serde_json::to_string(message).map_err(|e| StoreError::Internal(e.to_string()))?;
    send_text(socket, text.into()).await
}

async fn send_text(socket: &mut WebSocket, text: Utf8Bytes) -> Result<(), StreamEnd> {
    match tokio::time::timeout(SEND_LIMIT, socket.send(Message::Text(text))).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(StreamEnd::Gone),
        Err(_) => Err(StreamEnd::TooSlow),
    }
}

async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from(reason),
    };
    let _ = tokio::time::timeout(SEND_LIMIT, socket.send(Message::Close(Some(frame)))).await;
}

/// Sends what `scope` may see of a logged event. `shared` is the event already serialised for
/// every scope that sees it as it is.
async fn deliver(
    socket: &mut WebSocket,
    state: &AppState,
    scope: &mut Scope,
    stored: &StoredEvent,
    shared: Option<&Utf8Bytes>,
) -> Result<(), StreamEnd> {
    let moves_patient = scope.moves_patient(&stored.event);
    if let Scope::Patient {
        ticket_id,
        service_id,
    } = scope
    {
        if !moves_patient {
            return Ok(());
        }
        let ticket = state.store.followed_ticket(*ticket_id, state.now()).await?;
        *ticket_id = ticket.id;
        *service_id = ticket.service_id;
        let message = StreamMessage::Event {
            seq: stored.seq,
            at: stored.at,
            event: Event::TicketUpdated { ticket },
        };
        return send(socket, &message).await;
    }
    if !scope.sees(&stored.event) {
        return Ok(());
    }
    match shared {
        Some(text) => send_text(socket, text.clone()).await,
        None => {
            let message = StreamMessage::Event {
                seq: stored.seq,
                at: stored.at,
                event: stored.event.clone(),
            };
            send(socket, &message).await
        }
    }
}

async fn stream(
    mut socket: WebSocket,
    state: AppState,
    mut scope: Scope,
    credential: Credential,
    since: Option<u64>,
    _held: Held,
) -> Result<(), StreamEnd> {
    // Subscribe before reading the log, so nothing committed in between is missed; events seen
    // twice are skipped by `seq`.
    let mut live = state.hub.subscribe();
    let mut revocations = state.store.revocations.subscribe();
    let latest = state.store.latest_seq().await?;
    let oldest = state.store.oldest_kept_seq().await?;
    // A patient's view is one ticket: a fresh snapshot says everything the missed events would.
    let resume = match scope {
        Scope::Patient { .. } => Resume::Snapshot,
        _ => resume_point(since, oldest, latest),
    };
    let mut cursor = match resume {
        Resume::Snapshot => {
            let snapshot = scope.snapshot(&state.store, state.now()).await?;
            send(
                &mut socket,
                &StreamMessage::Snapshot {
                    seq: latest,
                    snapshot,
                },
            )
            .await?;
            latest
        }
        Resume::After(since) => {
            let mut cursor = since;
            loop {
                let batch = state.store.events_after(cursor, 500).await?;
                let Some(last) = batch.last().map(|e| e.seq) else {
                    break;
                };
                for stored in &batch {
                    deliver(&mut socket, &state, &mut scope, stored, None).await?;
                }
                cursor = last;
            }
            cursor
        }
    };

    let mut ping = tokio::time::interval(PING_EVERY);
    let mut last_heard = tokio::time::Instant::now();
    let mut display_seen = tokio::time::Instant::now();
    loop {
        tokio::select! {
            revoked = revocations.recv() => {
                let gone = match revoked {
                    Ok(revoked) => credential.revoked_by(&revoked),
                    Err(RecvError::Lagged(_)) => !credential.still_valid(&state).await,
                    Err(RecvError::Closed) => false,
                };
                if gone {
                    close(&mut socket, CLOSE_REVOKED, "the token was revoked or its rights changed").await;
                    return Ok(());
                }
            }
            received = live.recv() => match received {
                Ok(broadcast) => {
                    if broadcast.stored.seq <= cursor {
                        continue;
                    }
                    let sent = deliver(&mut socket, &state, &mut scope, &broadcast.stored, Some(&broadcast.text)).await;
                    if let Err(end) = sent {
                        if matches!(end, StreamEnd::TooSlow) {
                            close(&mut socket, CLOSE_TRY_AGAIN, &format!("too slow; reconnect with since={cursor}")).await;
                        }
                        return Err(end);
                    }
                    cursor = broadcast.stored.seq;
                }
                Err(RecvError::Lagged(_)) => {
                    close(&mut socket, CLOSE_TRY_AGAIN, &format!("too slow; reconnect with since={cursor}")).await;
                    return Err(StreamEnd::TooSlow);
                }
                Err(RecvError::Closed) => {
                    close(&mut socket, 1001, "server shutting down").await;
                    return Ok(());
                }
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Err(StreamEnd::Gone),
                // Pongs, pings (answered by the library) and anything a client says count as
                // signs of life; the stream takes no commands.
                Some(Ok(_)) => last_heard = tokio::time::Instant::now(),
            },
            _ = state.hub.closed() => {
                close(&mut socket, 1001, "server stopping; reconnect with since").await;
                return Ok(());
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > IDLE_LIMIT {
                    close(&mut socket, 1001, "no answer to pings").await;
                    return Err(StreamEnd::Gone);
                }
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    return Err(StreamEnd::Gone);
                }
                if let Credential::Display(id) = credential
                    && display_seen.elapsed() >= DISPLAY_SEEN_EVERY
                {
                    display_seen = tokio::time::Instant::now();
                    if let Err(err) = state.store.display_seen(id, state.now()).await {
                        tracing::debug!(error = %err, "could not note the display as seen");
                    }
                }
            }
        }
    }
}
