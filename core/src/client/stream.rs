//! The event stream of DESIGN §4 as a caller wants it: a channel of messages that survives Wi-Fi
//! drops and server restarts by itself. It reconnects with backoff, resumes with `since` from the
//! last `seq` it delivered, drops anything it already delivered, pings, and declares a silent
//! connection dead — so a display never misses a call and never announces one twice.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Url;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior, sleep, sleep_until, timeout};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::http::header::{AUTHORIZATION, RETRY_AFTER};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use uuid::Uuid;

use super::backoff::Backoff;
use super::error::{ClientError, chain};
use crate::events::StreamMessage;

/// How long a server that closed the stream gets to hear our side of the close.
const CLOSE_REPLY_LIMIT: Duration = Duration::from_secs(1);

/// What the subscriber tells its caller.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "nearly every update is a message; boxing would allocate for each and save nothing"
)]
pub enum StreamUpdate {
    /// The connection is up; messages follow.
    Connected,
    /// From the server, each at most once and in `seq` order. A `Snapshot` replaces everything
    /// known; it comes first, and again after a reconnect only when the server could not resume
    /// (a patient's stream, being one ticket, always restarts with one).
    Message(StreamMessage),
    /// The connection is down (or could not be made); the next attempt is in `retry_in`.
    /// `reason` is for logs, not for patients.
    Disconnected { reason: String, retry_in: Duration },
    /// The server refused the subscription for good (an unknown or expired token, a ticket the
    /// token does not open): retrying would not help. Nothing follows.
    Ended(ClientError),
}

/// How the subscriber behaves; the defaults suit displays and phones.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// The last `seq` already handled, say from before the app restarted: resume after it
    /// instead of starting with a snapshot.
    pub since: Option<u64>,
    /// The wait between attempts while the server cannot be reached.
    pub backoff: Backoff,
    /// How often to ping the server; its pongs show the connection still carries data.
    pub ping_every: Duration,
    /// A connection silent this long is dead, whatever the operating system thinks: a Wi-Fi
    /// access point that vanished sends no reset.
    pub idle_timeout: Duration,
    /// A connection that lasted this long was healthy: the next drop retries quickly again.
    pub healthy_after: Duration,
    /// The TCP, TLS and WebSocket handshake together.
    pub connect_timeout: Duration,
    /// Messages held for a caller that is busy; when full the subscriber stops reading and the
    /// server, in time, drops it, which resuming with `since` repairs.
    pub buffer: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            since: None,
            backoff: Backoff::default(),
            // The server pings every 20 s too, and cuts clients silent for 60 s.
            ping_every: Duration::from_secs(20),
            idle_timeout: Duration::from_secs(60),
            healthy_after: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(10),
            buffer: 256,
        }
    }
}

/// Where to subscribe and as whom.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// `ws(s)://…/api/v1/events`.
    pub url: Url,
    /// Sent as `Authorization: Bearer`, never in the address, so it stays out of access logs.
    pub token: Option<String>,
    pub ticket: Option<Uuid>,
}

/// A running subscription. Dropping it stops the subscriber and closes the connection.
#[derive(Debug)]
pub struct Subscription {
    updates: mpsc::Receiver<StreamUpdate>,
    task: JoinHandle<()>,
}

impl Subscription {
    pub(crate) fn start(target: Target, options: StreamOptions) -> Result<Self, ClientError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|e| {
            ClientError::Config(format!("the event stream needs a Tokio runtime: {e}"))
        })?;
        let (sender, updates) = mpsc::channel(options.buffer.max(1));
        let task = runtime.spawn(run(target, options, sender));
        Ok(Subscription { updates, task })
    }

    /// The next update; `None` once the subscription has ended.
    pub async fn recv(&mut self) -> Option<StreamUpdate> {
        self.updates.recv().await
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Delivers each message at most once, in order, across reconnects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Cursor {
    /// The `seq` of the last message delivered: where to resume.
    last: Option<u64>,
}

impl Cursor {
    /// Whether `message` goes to the caller; moves the cursor when it does.
    fn admit(&mut self, message: &StreamMessage) -> bool {
        match *message {
            // A snapshot is the server's whole truth as of its `seq`, even a lower one (a
            // restored database): from there on, that is the count.
            StreamMessage::Snapshot { seq, .. } => {
                self.last = Some(seq);
                true
            }
            StreamMessage::Event { seq, .. } => {
                if self.last.is_some_and(|last| seq <= last) {
                    return false;
                }
                self.last = Some(seq);
                true
            }
        }
    }
}

/// Why one connection ended.
enum Ending {
    /// Try again after a wait; `up_for` is how long it was connected, if it got that far.
    Lost {
        reason: String,
        up_for: Option<Duration>,
    },
    /// The server said no in a way that will not change.
    Refused(ClientError),
    /// Nobody listens any more.
    CallerGone,
}

async fn run(target: Target, options: StreamOptions, updates: mpsc::Sender<StreamUpdate>) {
    // One generator per subscriber, seeded from the operating system: displays that lost the
    // server together must not retry together.
    let mut rng = StdRng::from_rng(&mut rand::rng());
    let mut backoff = options.backoff;
    let mut cursor = Cursor {
        last: options.since,
    };
    loop {
        match connection(&target, &options, &mut cursor, &updates).await {
            Ending::CallerGone => return,
            Ending::Refused(err) => {
                tracing::warn!(error = %err, "event stream refused");
                let _ = updates.send(StreamUpdate::Ended(err)).await;
                return;
            }
            Ending::Lost { reason, up_for } => {
                if up_for.is_some_and(|up| up >= options.healthy_after) {
                    backoff.reset();
                }
                let retry_in = backoff.next_delay(rng.random());
                tracing::debug!(%reason, ?retry_in, "event stream lost");
                let update = StreamUpdate::Disconnected { reason, retry_in };
                if updates.send(update).await.is_err() {
                    return;
                }
                tokio::select! {
                    () = sleep(retry_in) => {}
                    () = updates.closed() => return,
                }
            }
        }
    }
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// One connection, from handshake to its end.
async fn connection(
    target: &Target,
    options: &StreamOptions,
    cursor: &mut Cursor,
    updates: &mpsc::Sender<StreamUpdate>,
) -> Ending {
    let mut socket = match handshake(target, cursor.last, options.connect_timeout).await {
        Ok(socket) => socket,
        Err(ending) => return ending,
    };
    if updates.send(StreamUpdate::Connected).await.is_err() {
        return Ending::CallerGone;
    }
    let connected_at = Instant::now();
    let lost = |reason: String| Ending::Lost {
        reason,
        up_for: Some(connected_at.elapsed()),
    };
    let mut ping = tokio::time::interval_at(connected_at + options.ping_every, options.ping_every);
    // After a wait on a busy caller, one ping is enough, not one for every tick missed.
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut silent_until = connected_at + options.idle_timeout;
    loop {
        tokio::select! {
            frame = socket.next() => {
                match frame {
                    None => return lost("the server closed the connection".into()),
                    Some(Err(err)) => return lost(chain(&err)),
                    Some(Ok(Message::Close(frame))) => {
                        // Send the reply tungstenite queued, so the server sees a clean close.
                        let _ = timeout(CLOSE_REPLY_LIMIT, socket.flush()).await;
                        return lost(close_reason(frame.as_ref()));
                    }
                    Some(Ok(Message::Text(text))) => {
                        if let Some(message) = parse(text.as_str(), cursor)
                            && updates.send(StreamUpdate::Message(message)).await.is_err()
                        {
                            return Ending::CallerGone;
                        }
                    }
                    // Pings are answered by tungstenite on the next read; pongs and anything
                    // else just show the line is alive.
                    Some(Ok(_)) => {}
                }
                // Counted from now, not from the frame: time spent waiting for a busy caller
                // says nothing about the connection.
                silent_until = Instant::now() + options.idle_timeout;
            }
            () = sleep_until(silent_until) => {
                return lost(format!("no word from the server for {:?}", options.idle_timeout));
            }
            _ = ping.tick() => {
                let sent = socket.send(Message::Ping(Default::default()));
                match timeout(options.idle_timeout, sent).await {
                    Ok(Ok(())) => {}
                    Ok(Err(err)) => return lost(chain(&err)),
                    Err(_) => return lost("a ping could not be sent".into()),
                }
            }
            () = updates.closed() => return Ending::CallerGone,
        }
    }
}

/// Opens the WebSocket, resuming after `since` when there is one.
async fn handshake(target: &Target, since: Option<u64>, limit: Duration) -> Result<Socket, Ending> {
    let lost = |reason: String| Ending::Lost {
        reason,
        up_for: None,
    };
    let mut url = target.url.clone();
    {
        let mut query = url.query_pairs_mut();
        query.clear();
        if let Some(ticket) = target.ticket {
            query.append_pair("ticket", &ticket.to_string());
        }
        if let Some(since) = since {
            query.append_pair("since", &since.to_string());
        }
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    let mut request = url.as_str().into_client_request().map_err(|e| {
        Ending::Refused(ClientError::Config(format!(
            "event stream address {url}: {e}"
        )))
    })?;
    if let Some(token) = &target.token {
        let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
            Ending::Refused(ClientError::Config(
                "the token has characters a header cannot carry".into(),
            ))
        })?;
        value.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, value);
    }
    match timeout(limit, tokio_tungstenite::connect_async(request)).await {
        Err(_) => Err(lost(format!("no connection within {limit:?}"))),
        Ok(Ok((socket, _))) => Ok(socket),
        Ok(Err(tungstenite::Error::Http(response))) => {
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let body = response.body().as_deref().unwrap_or_default();
            let refusal = ClientError::from_refusal(status, retry_after, body);
            // A bad token, a foreign ticket, a malformed request stay so however often we
            // ask; a busy or restarting server (429, 5xx) does not.
            if (400..500).contains(&status) && !matches!(status, 408 | 429) {
                Err(Ending::Refused(refusal))
            } else {
                Err(lost(refusal.to_string()))
            }
        }
        Ok(Err(err)) => Err(lost(chain(&err))),
    }
}

/// Reads one text message; `None` for one already delivered, or one this version cannot read
/// (a kind of event from a newer server), which is skipped rather than fatal.
fn parse(text: &str, cursor: &mut Cursor) -> Option<StreamMessage> {
    match serde_json::from_str::<StreamMessage>(text) {
        Ok(message) => cursor.admit(&message).then_some(message),
        Err(err) => {
            // Step past it all the same, or every resume would ask for it again.
            let seq = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| v.get("seq").and_then(serde_json::Value::as_u64));
            if let Some(seq) = seq
                && cursor.last.is_none_or(|last| seq > last)
            {
                cursor.last = Some(seq);
            }
            tracing::warn!(error = %err, ?seq, "skipping a stream message we cannot read");
            None
        }
    }
}

fn close_reason(frame: Option<&CloseFrame>) -> String {
    match frame {
        Some(frame) if frame.code == CloseCode::Again => {
            format!("the server asked us to reconnect: {}", frame.reason)
        }
        Some(frame) if frame.code == CloseCode::Away => {
            format!("the server is going away: {}", frame.reason)
        }
        Some(frame) => format!("closed by the server ({}): {}", frame.code, frame.reason),
        None => "closed by the server".into(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::events::{Board, Event, Snapshot};

    fn event(seq: u64) -> StreamMessage {
        StreamMessage::Event {
            seq,
            at: "2026-11-23T01:00:00Z".parse().unwrap(),
            event: Event::DayStarted {
                business_day: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            },
        }
    }

    fn snapshot(seq: u64) -> StreamMessage {
        StreamMessage::Snapshot {
            seq,
            snapshot: Snapshot::Display {
                board: Board::default(),
            },
        }
    }

    #[test]
    fn an_event_already_delivered_is_never_delivered_again() {
        let mut cursor = Cursor::default();
        let delivered: Vec<u64> = [
            snapshot(4),
            event(5),
            event(6),
            event(5),
            event(6),
            event(7),
        ]
        .iter()
        .filter(|m| cursor.admit(m))
        .map(|m| match m {
            StreamMessage::Snapshot { seq, .. } | StreamMessage::Event { seq, .. } => *seq,
        })
        .collect();
        assert_eq!(delivered, [4, 5, 6, 7]);
        assert_eq!(cursor.last, Some(7));
    }

    #[test]
    fn a_snapshot_resets_the_count_even_downwards() {
        let mut cursor = Cursor { last: Some(900) };
        assert!(cursor.admit(&snapshot(12)), "a restored server's truth");
        assert!(cursor.admit(&event(13)));
        assert_eq!(cursor.last, Some(13));
    }

    #[test]
    fn an_event_from_a_newer_server_is_skipped_but_counted() {
        let mut cursor = Cursor { last: Some(3) };
        let future =
            r#"{"type":"event","seq":4,"at":"2026-11-23T01:00:00Z","event":{"kind":"teleported"}}"#;
        assert_eq!(parse(future, &mut cursor), None);
        assert_eq!(cursor.last, Some(4), "resume does not ask for it again");
        assert_eq!(parse("not json", &mut cursor), None);
        assert_eq!(cursor.last, Some(4));
    }

    #[test]
    fn close_codes_say_why() {
        let again = CloseFrame {
            code: CloseCode::Again,
            reason: "too slow; reconnect with since=9".into(),
        };
        assert!(close_reason(Some(&again)).contains("reconnect"));
        let away = CloseFrame {
            code: CloseCode::Away,
            reason: "server stopping".into(),
        };
        assert!(close_reason(Some(&away)).contains("going away"));
    }
}
