//! Fan-out: one pump per server reads new events from the log and broadcasts them. Subscribers
//! share each event; one that falls `buffer` events behind is dropped and resumes with `since`,
//! so a stuck client costs a bounded amount of memory.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::Utf8Bytes;
use giliran_core::events::StreamMessage;
use sqlx::postgres::PgListener;
use tokio::sync::{Semaphore, broadcast, watch};

use crate::db::Db;
use crate::store::events::{NOTIFY_CHANNEL, StoredEvent};
use crate::store::{REVOKE_CHANNEL, Revoked, Store};

/// Events a subscriber may fall behind before it is dropped, by default.
pub const DEFAULT_BUFFER: usize = 4096;

/// An event on its way to subscribers, serialised once for all of them that see it as it is.
#[derive(Debug)]
pub struct Broadcast {
    pub stored: StoredEvent,
    /// The `StreamMessage::Event` text.
    pub text: Utf8Bytes,
}

impl Broadcast {
    pub fn new(stored: StoredEvent) -> Broadcast {
        let message = StreamMessage::Event {
            seq: stored.seq,
            at: stored.at,
            event: stored.event.clone(),
        };
        // Serialising our own types cannot fail; an empty text would be skipped by clients.
        let text = serde_json::to_string(&message).unwrap_or_default();
        Broadcast {
            stored,
            text: Utf8Bytes::from(text),
        }
    }
}

/// This server's subscribers.
#[derive(Clone, Debug)]
pub struct Hub {
    events: broadcast::Sender<Arc<Broadcast>>,
    /// The newest `seq` the pump has broadcast.
    latest: watch::Sender<u64>,
    /// Open WebSocket connections allowed.
    pub connections: Arc<Semaphore>,
    /// Set when the server stops: every stream closes.
    closing: watch::Sender<bool>,
}

impl Hub {
    pub fn new(max_connections: usize, buffer: usize) -> Hub {
        Hub {
            events: broadcast::channel(buffer.max(1)).0,
            latest: watch::channel(0).0,
            connections: Arc::new(Semaphore::new(max_connections)),
            closing: watch::channel(false).0,
        }
    }

    /// Tells every stream to close (the server is stopping).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once the server is stopping.
    pub async fn closed(&self) {
        let mut closing = self.closing.subscribe();
        let _ = closing.wait_for(|c| *c).await;
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Broadcast>> {
        self.events.subscribe()
    }

    /// Waits until the pump has broadcast `seq` (for tests and orderly shutdown).
    pub async fn wait_for(&self, seq: u64) {
        let mut latest = self.latest.subscribe();
        let _ = latest.wait_for(|l| *l >= seq).await;
    }
}

/// Broadcasts every event committed after start, on this server or (PostgreSQL) any replica:
/// woken by this server's commits, by NOTIFY, and once a second in case a notification was lost.
pub async fn pump(store: Store, hub: Hub, mut stopped: watch::Receiver<bool>) {
    let mut last = loop {
        match store.latest_seq().await {
            Ok(seq) => break seq,
            Err(err) => {
                tracing::warn!(error = %err, "event pump cannot read the log yet; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    hub.latest.send_replace(last);
    let mut listener = listen(&store.db).await;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        let notified = async {
            match listener.as_mut() {
                Some(listener) => match listener.recv().await {
                    Ok(note) if note.channel() == REVOKE_CHANNEL => {
                        match serde_json::from_str::<Revoked>(note.payload()) {
                            Ok(revoked) => {
                                let _ = store.revocations.send(revoked);
                            }
                            Err(err) => {
                                tracing::warn!(error = %err, "unreadable revocation notice")
                            }
                        }
                    }
                    Ok(_) => {}
                    Err(err) => {
                        tracing::warn!(error = %err, "lost the event notification channel; reconnecting");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                },
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = store.events_written.notified() => {}
            _ = notified => {}
            _ = tick.tick() => {}
            _ = stopped.wait_for(|s| *s) => return,
        }
        loop {
            let batch = match store.events_after(last, 500).await {
                Ok(batch) => batch,
                Err(err) => {
                    tracing::warn!(error = %err, "event pump cannot read the log; retrying");
                    break;
                }
            };
            let Some(newest) = batch.last().map(|e| e.seq) else {
                break;
            };
            for event in batch {
                // No subscriber is not an error.
                let _ = hub.events.send(Arc::new(Broadcast::new(event)));
            }
            last = newest;
            hub.latest.send_replace(last);
        }
    }
}

async fn listen(db: &Db) -> Option<PgListener> {
    let Db::Postgres { pool, .. } = db else {
        return None;
    };
    let mut listener = match PgListener::connect_with(pool).await {
        Ok(listener) => listener,
        Err(err) => {
            tracing::warn!(error = %err, "cannot LISTEN; events of other replicas arrive within a second");
            return None;
        }
    };
    match listener.listen_all([NOTIFY_CHANNEL, REVOKE_CHANNEL]).await {
        Ok(()) => Some(listener),
        Err(err) => {
            tracing::warn!(error = %err, "cannot LISTEN; events of other replicas arrive within a second");
            None
        }
    }
}
