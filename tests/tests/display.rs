//! The waiting-room display against the real server: it hears a call and queues its
//! announcement within a second, keeps the last board while the server is away, and after the
//! server comes back announces the new call once and never an old one again.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use giliran_core::client::ApiClient;
use giliran_display::announcer::{Announcer, Speaker};
use giliran_display::audio::{AudioError, Clip};
use giliran_display::live::{self, Screen};
use giliran_display::speech::{SpeechError, Voice};
use giliran_tests::{Backend, Relay, TestServer, on_both_backends};
use serde_json::json;
use tokio::sync::watch;

/// A voice that only notes what it was asked to say, and when.
#[derive(Clone, Default)]
struct Ear(Arc<Mutex<Vec<(String, Instant)>>>);

impl Ear {
    fn heard(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|(t, _)| t.clone())
            .collect()
    }

    /// Waits until `n` texts were heard; when the last one was.
    async fn until(&self, n: usize, within: Duration) -> Instant {
        let deadline = Instant::now() + within;
        loop {
            if let Some((_, at)) = self.0.lock().unwrap().get(n - 1) {
                return *at;
            }
            assert!(
                Instant::now() < deadline,
                "only heard {:?} within {within:?}",
                self.heard()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Voice for Ear {
    fn speak(&self, text: &str) -> Result<Option<Clip>, SpeechError> {
        self.0
            .lock()
            .unwrap()
            .push((text.to_owned(), Instant::now()));
        Ok(None)
    }

    fn describe(&self) -> String {
        "a test's ear".into()
    }
}

struct Nowhere;

impl Speaker for Nowhere {
    fn play(&mut self, _: &Clip) -> Result<(), AudioError> {
        Ok(())
    }
}

async fn until_screen(
    screen: &mut watch::Receiver<Screen>,
    what: &str,
    test: impl Fn(&Screen) -> bool,
) {
    let waited = tokio::time::timeout(Duration::from_secs(10), screen.wait_for(|s| test(s)))
        .await
        .map(|seen| seen.map(|_| ()));
    match waited {
        Ok(Ok(())) => {}
        Ok(Err(_)) => panic!("the display stopped before showing {what}"),
        Err(_) => panic!("the screen never showed {what}: {:?}", screen.borrow()),
    }
}

async fn the_display_announces_each_call_once_across_a_server_restart(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket_1 = server.counter_id(&admin, 1).await;
    let display = server.create_display("Ruang tunggu lantai 1").await;
    let relay = Relay::start(server.addr).await;

    let ear = Ear::default();
    let announcements = Announcer::new(Box::new(ear.clone()), 1.0).start(Box::new(Nowhere));
    let client = ApiClient::new(&relay.url())
        .expect("the relay's address")
        .with_token(display.token.clone());
    let (screen_tx, mut screen) = watch::channel(Screen::default());
    let running = tokio::spawn(live::run(client, announcements, screen_tx, false));
    until_screen(&mut screen, "the board online", |s| {
        s.online && s.settings.is_some()
    })
    .await;

    server.take("A", json!({})).await;
    let asked = Instant::now();
    server
        .call_next(&admin, loket_1)
        .await
        .expect("A-001 is called");
    let heard_at = ear.until(1, Duration::from_secs(5)).await;
    let latency = heard_at.duration_since(asked);
    println!("{backend:?}: call answered → announcement queued in {latency:?}");
    assert!(
        latency < Duration::from_secs(1),
        "queued within a second: {latency:?}"
    );
    assert_eq!(
        ear.heard(),
        ["Nomor antrean A satu, silakan menuju Loket satu."]
    );
    until_screen(&mut screen, "A-001 featured", |s| {
        s.view
            .featured
            .as_ref()
            .is_some_and(|c| c.number == "A-001")
    })
    .await;

    // The server goes away: the board stays, marked offline.
    relay.hold_shut();
    let server = server.restart().await;
    relay.cut();
    until_screen(&mut screen, "the offline banner", |s| !s.online).await;
    assert_eq!(
        screen
            .borrow()
            .view
            .featured
            .as_ref()
            .map(|c| c.number.clone()),
        Some("A-001".into()),
        "the last state stays on screen"
    );
    relay.reopen(server.addr);
    until_screen(&mut screen, "the board online again", |s| s.online).await;

    // A new call is announced once; the old one never again; a recall is announced anew.
    server.take("A", json!({})).await;
    server
        .call_next(&admin, loket_1)
        .await
        .expect("A-002 is called");
    ear.until(2, Duration::from_secs(5)).await;
    server
        .counter_action(&admin, loket_1, "recall")
        .await
        .assert_ok();
    ear.until(3, Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        ear.heard(),
        [
            "Nomor antrean A satu, silakan menuju Loket satu.",
            "Nomor antrean A dua, silakan menuju Loket satu.",
            "Nomor antrean A dua, silakan menuju Loket satu.",
        ]
    );
    running.abort();
    server.stop().await;
}

on_both_backends!(the_display_announces_each_call_once_across_a_server_restart);
