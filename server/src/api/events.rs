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
use super::extract::bearer_token;
use crate::error::{AppError, AppResult, StoreError};
use crate::store::events::StoredEvent;
use crate::stream::{Resume, Scope, resume_point};

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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct StreamQuery {
    /// The last `seq` received: resume after it.
    since: Option<u64>,
    /// The token, for clients that cannot set headers (browsers).
    token: Option<String>,
    /// With a tracking token: the ticket to follow.
    ticket: Option<Uuid>,
}

/// The event stream. Without a token: the public call board (displays). With a session token:
/// staff see their counters, admins everything. With `ticket` and its tracking token: that
/// ticket. The first message is a `snapshot` (or, with `since`, the missed events), then
/// `event`s in `seq` order; see the `StreamMessage` schema.
#[utoipa::path(get, path = "/api/v1/events", tag = "real time",
    params(StreamQuery),
    responses(
        (status = 101, description = "Switching to WebSocket; each text message is a StreamMessage"),
        (status = 400, description = "`invalid_parameter`", body = ErrorBody),
        (status = 401, description = "`unauthorized`: the token is unknown or expired", body = ErrorBody),
        (status = 426, description = "`websocket_required`: a plain HTTP request", body = ErrorBody),
        (status = 503, description = "`unavailable`: too many connections", body = ErrorBody),
    ))]
async fn events(
    State(state): State<AppState>,
    query: Result<Query<StreamQuery>, QueryRejection>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> AppResult<Response> {
    let Query(query) = query?;
    let token = bearer_token(&headers)?
        .or(query.token)
        .filter(|t| !t.is_empty());
    let scope = resolve_scope(&state, token, query.ticket).await?;
    let upgrade = upgrade.map_err(|e| AppError::WebsocketRequired(e.body_text()))?;
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
        if let Err(err) = stream(socket, state, scope, query.since, permit).await {
            tracing::debug!(error = %err, "event stream ended");
        }
    }))
}

async fn resolve_scope(
    state: &AppState,
    token: Option<String>,
    ticket: Option<Uuid>,
) -> AppResult<Scope> {
    let now = state.now();
    match (token, ticket) {
        (None, _) => Ok(Scope::Display),
        (Some(token), Some(ticket)) => {
            let followed = state
                .store
                .patient_ticket(ticket, &token, now)
                .await
                .map_err(|_| AppError::Unauthorized("this token does not follow that ticket"))?;
            Ok(Scope::Patient {
                ticket_id: ticket,
                service_id: followed.service_id,
            })
        }
        (Some(token), None) => {
            let principal =
                state
                    .store
                    .authenticate(&token, now)
                    .await?
                    .ok_or(AppError::Unauthorized(
                        "the session is unknown or has expired; log in again",
                    ))?;
            if principal.role == Role::Admin {
                return Ok(Scope::Admin);
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
            Ok(Scope::Staff { counters, services })
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
    since: Option<u64>,
    _permit: OwnedSemaphorePermit,
) -> Result<(), StreamEnd> {
    // Subscribe before reading the log, so nothing committed in between is missed; events seen
    // twice are skipped by `seq`.
    let mut live = state.hub.subscribe();
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
    loop {
        tokio::select! {
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
            }
        }
    }
}
