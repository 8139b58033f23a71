//! The event stream's limits: a subscriber that stops reading is dropped instead of piling up in
//! the server's memory, and resumes where it was; connections past the limit are refused.

use std::time::Duration;

use futures_util::StreamExt;
use giliran_core::events::StreamMessage;
use giliran_tests::{Backend, TestServer};
use serde_json::json;
use tokio::net::TcpSocket;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

fn seq_of(text: &str) -> u64 {
    match serde_json::from_str::<StreamMessage>(text) {
        Ok(StreamMessage::Snapshot { seq, .. } | StreamMessage::Event { seq, .. }) => seq,
        Err(e) => panic!("{e}: {text}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_that_stops_reading_is_dropped_and_resumes_where_it_was() {
    // Small kernel buffers on both ends, so a client that stops reading blocks the server after
    // kilobytes rather than megabytes.
    let server = TestServer::start_with_send_buffer(
        Backend::Sqlite,
        &["--stream-buffer", "64", "--max-streams", "3"],
        8 * 1024,
    )
    .await;
    let admin = server.admin().await;
    let free = || server.hub().connections.available_permits();
    assert_eq!(free(), 3);

    let socket = TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4 * 1024).expect("buffer size");
    let tcp = socket.connect(server.addr).await.expect("connect");
    let url = format!("ws://{}/api/v1/events?token={admin}", server.addr);
    let (mut stuck, _) = tokio_tungstenite::client_async(url, tcp)
        .await
        .expect("handshake");

    // A healthy subscriber alongside, reading everything.
    let mut healthy = server.subscribe(&format!("token={admin}")).await;
    let first = healthy
        .next_text(Duration::from_secs(5))
        .await
        .expect("snapshot");
    let start = seq_of(&first);
    let reader = tokio::spawn(async move {
        let mut seqs = Vec::new();
        while let Some(text) = healthy.next_text(Duration::from_secs(3)).await {
            seqs.push(seq_of(&text));
        }
        seqs
    });
    for _ in 0..100 {
        if free() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(free(), 1, "both subscribers hold a connection");

    for _ in 0..400 {
        server.take("A", json!({})).await;
    }
    // The stuck one is let go within the send limit; the healthy one stays.
    let mut dropped = false;
    for _ in 0..300 {
        if free() == 2 {
            dropped = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        dropped,
        "the server keeps a subscriber that stopped reading"
    );
    let seqs = reader.await.expect("reader");
    assert_eq!(seqs.len(), 400, "the healthy subscriber got every event");
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1) && seqs[0] == start + 1);

    // The stuck client wakes up: what was buffered arrives, then the close, with a hint.
    let mut last_seen = start;
    let mut close_code = None;
    while let Ok(Some(Ok(message))) =
        tokio::time::timeout(Duration::from_secs(5), stuck.next()).await
    {
        match message {
            Message::Text(text) => last_seen = seq_of(&text),
            Message::Close(frame) => {
                close_code = frame.map(|f| f.code);
                break;
            }
            _ => {}
        }
    }
    assert!(
        close_code.is_none() || close_code == Some(CloseCode::Again),
        "closed with {close_code:?}"
    );
    assert!(last_seen < start + 400, "it really fell behind");

    // Resuming from the last event it saw fills the gap exactly.
    let mut resumed = server
        .subscribe(&format!("token={admin}&since={last_seen}"))
        .await;
    let mut next = last_seen;
    while let Some(text) = resumed.next_text(Duration::from_millis(500)).await {
        let seq = seq_of(&text);
        assert_eq!(seq, next + 1, "in order, nothing missing, nothing twice");
        next = seq;
    }
    assert_eq!(next, start + 400);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_limit_are_refused_until_one_closes() {
    let server = TestServer::start_with(Backend::Sqlite, &["--max-streams", "2"]).await;
    let display = format!("token={}", server.display_token().await);
    let one = server.subscribe(&display).await;
    let _two = server.subscribe(&display).await;
    match server.try_subscribe(&display).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 503);
        }
        Err(other) => panic!("refused the wrong way: {other}"),
        Ok(_) => panic!("a third connection was accepted"),
    }
    one.close().await;
    assert!(
        server
            .subscribes_within(&display, Duration::from_millis(2500))
            .await,
        "a closed connection frees its place"
    );
    server.stop().await;
}
