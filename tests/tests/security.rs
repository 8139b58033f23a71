//! Security against the real server: abuse limits and lockouts answer 429 with Retry-After and
//! write nothing, tokens die on logout, disable and revoke (open streams included), nothing
//! anonymous or public carries a name or phone, every staff and admin action is audited, and
//! every answer carries the browser security headers.

use std::time::Duration;

use giliran_core::wire::{AuditPage, ErrorCode, User};
use giliran_server::clock::Clock;
use giliran_tests::{
    ADMIN_PASSWORD, Backend, Reply, STAFF_PASSWORD, Subscriber, TestServer, on_both_backends,
};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

on_both_backends!(
    tokens_die_on_logout_disable_and_password_change_and_their_streams_close,
    a_revoked_display_is_cut_off_and_its_last_sighting_is_kept,
    every_staff_and_admin_action_is_audited_with_who_when_and_what,
);

/// A staff user of counter 1, logged in.
async fn staff(server: &TestServer, admin: &str, username: &str) -> (User, String) {
    let loket1 = server.counter_id(admin, 1).await;
    let user = server.create_staff(admin, username, &[loket1]).await;
    let token = server.login(username, STAFF_PASSWORD).await;
    (user, token)
}

fn retry_after(reply: &reqwest::Response) -> u64 {
    reply
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After header in whole seconds")
}

/// The stream ends (closed by the server) within a few seconds.
async fn assert_closed(subscriber: &mut Subscriber, what: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while tokio::time::Instant::now() < deadline {
        if subscriber
            .next_text(Duration::from_millis(200))
            .await
            .is_none()
        {
            return;
        }
    }
    panic!("{what}: the stream stayed open");
}

async fn tokens_die_on_logout_disable_and_password_change_and_their_streams_close(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;

    // Logout: the token stops working and its stream closes.
    let (_, token) = staff(&server, &admin, "siti").await;
    let mut desk = server.subscribe(&format!("token={token}")).await;
    desk.next().await;
    let reply = server
        .send(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(reply.status.as_u16(), 204);
    server
        .get("/api/v1/counters", Some(&token))
        .await
        .assert_error(401, ErrorCode::Unauthorized);
    assert_closed(&mut desk, "after logout").await;
    assert!(
        server
            .try_subscribe(&format!("token={token}"))
            .await
            .is_err()
    );

    // Disabling: every session of the user ends, streams too, and logging in is refused.
    let (budi, first) = staff(&server, &admin, "budi").await;
    let second = server.login("budi", STAFF_PASSWORD).await;
    let mut desk = server.subscribe(&format!("token={second}")).await;
    desk.next().await;
    server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/users/{}", budi.id),
            Some(&admin),
            Some(json!({"disabled": true})),
        )
        .await
        .assert_ok();
    for token in [&first, &second] {
        server
            .get("/api/v1/auth/me", Some(token))
            .await
            .assert_error(401, ErrorCode::Unauthorized);
    }
    assert_closed(&mut desk, "after disabling").await;
    server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "budi", "password": STAFF_PASSWORD}),
        )
        .await
        .assert_error(403, ErrorCode::Forbidden);

    // A new password ends the old sessions; the new password works.
    let (dewi, old) = staff(&server, &admin, "dewi").await;
    server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/users/{}", dewi.id),
            Some(&admin),
            Some(json!({"password": "kata-sandi-baru-dewi"})),
        )
        .await
        .assert_ok();
    server
        .get("/api/v1/auth/me", Some(&old))
        .await
        .assert_error(401, ErrorCode::Unauthorized);
    let new = server.login("dewi", "kata-sandi-baru-dewi").await;
    server.get("/api/v1/auth/me", Some(&new)).await.assert_ok();
    server.stop().await;
}

async fn a_revoked_display_is_cut_off_and_its_last_sighting_is_kept(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let created = server.create_display("Ruang tunggu lantai 1").await;
    assert_eq!(created.token.len(), 43, "256 random bits, base64");
    assert_eq!(created.device.last_seen_at, None);

    // The display reads the board and its settings, and is seen.
    let mut screen = server.subscribe(&format!("token={}", created.token)).await;
    screen.next().await;
    server
        .send(
            Method::PATCH,
            "/api/v1/admin/settings",
            Some(&admin),
            Some(json!({"hospital_name": "RSUD Sehat Sentosa", "marquee": "Budayakan antre"})),
        )
        .await
        .assert_ok();
    let settings = server
        .get("/api/v1/display/settings", Some(&created.token))
        .await;
    settings.assert_ok();
    assert_eq!(settings.body["hospital_name"], "RSUD Sehat Sentosa");
    assert_eq!(settings.body["marquee"], "Budayakan antre");
    assert_eq!(settings.body["time_zone"], "Asia/Jakarta");
    // Its token opens nothing else.
    for path in [
        "/api/v1/counters",
        "/api/v1/admin/displays",
        "/api/v1/auth/me",
    ] {
        server
            .get(path, Some(&created.token))
            .await
            .assert_error(401, ErrorCode::Unauthorized);
    }

    let revoked = server
        .send(
            Method::DELETE,
            &format!("/api/v1/admin/displays/{}", created.device.id),
            Some(&admin),
            None,
        )
        .await;
    revoked.assert_ok();
    assert!(revoked.body["revoked_at"].is_string());
    assert!(
        revoked.body["last_seen_at"].is_string(),
        "connecting counts as being seen: {}",
        revoked.body
    );
    assert_closed(&mut screen, "after revoking the display").await;
    assert!(
        server
            .try_subscribe(&format!("token={}", created.token))
            .await
            .is_err()
    );
    server
        .get("/api/v1/display/settings", Some(&created.token))
        .await
        .assert_error(401, ErrorCode::Unauthorized);
    // Revoking again changes nothing; an unknown display is its own error.
    let again = server
        .send(
            Method::DELETE,
            &format!("/api/v1/admin/displays/{}", created.device.id),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(again.body["revoked_at"], revoked.body["revoked_at"]);
    server
        .send(
            Method::DELETE,
            &format!("/api/v1/admin/displays/{}", Uuid::new_v4()),
            Some(&admin),
            None,
        )
        .await
        .assert_error(404, ErrorCode::DisplayNotFound);
    server.stop().await;
}

async fn audit(server: &TestServer, admin: &str, query: &str) -> AuditPage {
    let reply = server
        .get(&format!("/api/v1/admin/audit?{query}"), Some(admin))
        .await;
    reply.assert_ok();
    reply.json()
}

async fn every_staff_and_admin_action_is_audited_with_who_when_and_what(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let (siti, token) = staff(&server, &admin, "siti").await;
    let loket1 = server.counter_id(&admin, 1).await;
    let issued = server
        .take("A", json!({"name": "Bu Rahma", "phone": "0812 3456 7890"}))
        .await;
    server.call_next(&token, loket1).await.expect("a ticket");
    server
        .counter_action(&token, loket1, "recall")
        .await
        .assert_ok();
    server
        .counter_action(&token, loket1, "skip")
        .await
        .assert_ok();
    let wrong = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "siti", "password": "tebakan-salah-1"}),
        )
        .await;
    wrong.assert_error(401, ErrorCode::InvalidCredentials);
    server
        .post(
            "/api/v1/admin/services",
            Some(&admin),
            json!({"code": "M", "name": "Poli Mata"}),
        )
        .await
        .assert_ok();

    let page = audit(&server, &admin, &format!("user_id={}", siti.id)).await;
    let actions: Vec<&str> = page.entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["login_failed", "skip", "recall", "call_next", "login"],
        "siti's actions, newest first"
    );
    let call = &page.entries[3];
    assert_eq!(call.username.as_deref(), Some("siti"));
    assert_eq!(call.target.as_deref(), Some(issued.ticket.number.as_str()));
    assert_eq!(call.detail.as_ref().unwrap()["counter_id"], json!(loket1));
    assert_eq!(call.ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(call.at, server.clock.now());

    // Nothing in the log carries the patient's details or a password.
    let everything = server
        .get("/api/v1/admin/audit?limit=500", Some(&admin))
        .await;
    let text = everything.body.to_string();
    for secret in [
        "Rahma",
        "3456",
        STAFF_PASSWORD,
        "tebakan-salah-1",
        ADMIN_PASSWORD,
    ] {
        assert!(!text.contains(secret), "the audit log leaks {secret:?}");
    }
    let creation = audit(&server, &admin, "action=create_service").await;
    assert_eq!(creation.entries.len(), 1);
    assert_eq!(creation.entries[0].target.as_deref(), Some("M Poli Mata"));
    assert_eq!(creation.entries[0].username.as_deref(), Some("admin"));

    // Pages: newest first, `next_before` leads to the rest, nothing twice.
    let first = audit(&server, &admin, "limit=3").await;
    assert_eq!(first.entries.len(), 3);
    let before = first.next_before.expect("more pages");
    let rest = audit(&server, &admin, &format!("limit=500&before={before}")).await;
    assert!(rest.entries.iter().all(|e| e.id < before));
    assert_eq!(rest.next_before, None);
    let all = audit(&server, &admin, "limit=500").await;
    assert_eq!(all.entries.len(), first.entries.len() + rest.entries.len());

    // Staff may not read it.
    server
        .get("/api/v1/admin/audit", Some(&token))
        .await
        .assert_error(403, ErrorCode::Forbidden);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tickets_are_limited_per_address_and_per_device_and_a_refusal_writes_nothing() {
    let server = TestServer::start_with(
        Backend::Sqlite,
        &[
            "--tickets-per-ip-per-minute",
            "5",
            "--tickets-per-device-per-minute",
            "2",
        ],
    )
    .await;
    let service = server.service("A").await;

    // Per device: take, cancel, take again, then the device has had its two for the minute.
    for _ in 0..2 {
        let issued = server.take("A", json!({"device_id": "hp-ibu-rina"})).await;
        server.cancel(&issued).await.assert_ok();
    }
    let body = json!({"service_id": service.id, "device_id": "hp-ibu-rina"});
    let refused = server
        .http
        .post(server.url("/api/v1/tickets"))
        .json(&body)
        .send()
        .await
        .expect("reaches the server");
    assert_eq!(refused.status().as_u16(), 429);
    let wait = retry_after(&refused);
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let refusal = Reply::from_response(refused).await;
    refusal.assert_error(429, ErrorCode::RateLimited);

    // Per address: every attempt counts, the refused one too; two more fill the address's
    // five, and the sixth is refused and leaves the queue as it was.
    server.take("A", json!({})).await;
    server.take("A", json!({})).await;
    let waiting = server.service("A").await.waiting;
    server
        .post("/api/v1/tickets", None, json!({"service_id": service.id}))
        .await
        .assert_error(429, ErrorCode::RateLimited);
    assert_eq!(server.service("A").await.waiting, waiting);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_lock_the_account_for_a_growing_while() {
    let server =
        TestServer::start_with(Backend::Sqlite, &["--login-failures-before-lockout", "3"]).await;
    let login = |password: &'static str| {
        let server = &server;
        async move {
            server
                .http
                .post(server.url("/api/v1/auth/login"))
                .json(&json!({"username": "admin", "password": password}))
                .send()
                .await
                .expect("reaches the server")
        }
    };
    for _ in 0..3 {
        assert_eq!(login("salah-salah-salah").await.status().as_u16(), 401);
    }
    // Locked: even the right password waits.
    let locked = login(ADMIN_PASSWORD).await;
    assert_eq!(locked.status().as_u16(), 429);
    let first_wait = retry_after(&locked);
    assert_eq!(first_wait, 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // One more failure doubles the wait.
    assert_eq!(login("salah-salah-salah").await.status().as_u16(), 401);
    let locked = login(ADMIN_PASSWORD).await;
    assert_eq!(locked.status().as_u16(), 429);
    assert_eq!(retry_after(&locked), 2);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    // The right password after the wait gets in and clears the count.
    assert_eq!(login(ADMIN_PASSWORD).await.status().as_u16(), 200);
    assert_eq!(login("salah-salah-salah").await.status().as_u16(), 401);
    assert_eq!(login(ADMIN_PASSWORD).await.status().as_u16(), 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    async fn take_from(server: &TestServer, client: &str) -> u16 {
        let service = server.service("A").await;
        server
            .http
            .post(server.url("/api/v1/tickets"))
            .header("x-forwarded-for", client)
            .json(&json!({"service_id": service.id}))
            .send()
            .await
            .expect("reaches the server")
            .status()
            .as_u16()
    }
    let flags = ["--tickets-per-ip-per-minute", "1"];
    // Behind a trusted proxy on 127.0.0.1: each patient is their own address.
    let mut behind_proxy = flags.to_vec();
    behind_proxy.extend(["--trusted-proxies", "127.0.0.1/32"]);
    let server = TestServer::start_with(Backend::Sqlite, &behind_proxy).await;
    assert_eq!(take_from(&server, "36.80.1.1").await, 201);
    assert_eq!(take_from(&server, "36.80.1.2").await, 201);
    assert_eq!(take_from(&server, "36.80.1.1").await, 429);
    server.stop().await;

    // Without: the header is the client's own claim and changes nothing.
    let server = TestServer::start_with(Backend::Sqlite, &flags).await;
    assert_eq!(take_from(&server, "36.80.1.1").await, 201);
    assert_eq!(take_from(&server, "36.80.1.2").await, 429);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stream_connections_are_capped_per_address() {
    let server = TestServer::start_with(Backend::Sqlite, &["--streams-per-ip", "2"]).await;
    let query = format!("token={}", server.display_token().await);
    let one = server.subscribe(&query).await;
    let _two = server.subscribe(&query).await;
    match server.try_subscribe(&query).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 429);
            assert!(response.headers().contains_key("retry-after"));
        }
        other => panic!("a third stream from one address: {:?}", other.is_ok()),
    }
    one.close().await;
    assert!(
        server
            .subscribes_within(&query, Duration::from_millis(2500))
            .await,
        "a closed stream gives its place back"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strangers_and_displays_never_see_a_name_or_phone() {
    let server =
        TestServer::start_with(Backend::Sqlite, &["--lookups-per-ip-per-minute", "2"]).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let mut screen = server.subscribe_display().await;
    let first = screen
        .next_text(Duration::from_secs(5))
        .await
        .expect("snapshot");
    let name = "Siti Nurhaliza";
    let issued = server
        .take("A", json!({"name": name, "phone": "0812-1111-2222"}))
        .await;
    server
        .take("A", json!({"name": "Agus", "phone": "+62 813 3333 4444"}))
        .await;
    server.call_next(&admin, loket1).await.expect("called");
    let call = screen
        .next_text(Duration::from_secs(5))
        .await
        .expect("the call");

    // What anyone can read.
    let services = server.get("/api/v1/services", None).await.body.to_string();
    let settings = server
        .get("/api/v1/display/settings", Some(&admin))
        .await
        .body
        .to_string();
    // A second ticket for the same phone is refused with the existing one, without details.
    let again = server
        .post(
            "/api/v1/tickets",
            None,
            json!({"service_id": issued.ticket.service_id, "phone": "081211112222"}),
        )
        .await;
    again.assert_error(409, ErrorCode::ActiveTicketExists);
    assert!(again.body["ticket"]["patient"].is_null());
    assert!(again.body.get("tracking_token").is_none());

    // Check my status by phone: number, status, people ahead, ETA, counter. Nothing else.
    let looked_up = server
        .post(
            "/api/v1/tickets/lookup",
            None,
            json!({"phone": "+62 813-3333-4444"}),
        )
        .await;
    looked_up.assert_ok();
    let mut keys: Vec<&str> = looked_up
        .body
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["counter", "eta_seconds", "number", "people_ahead", "status"]
    );
    assert_eq!(looked_up.body["status"], "waiting");
    assert_eq!(looked_up.body["people_ahead"], 0);
    server
        .post(
            "/api/v1/tickets/lookup",
            None,
            json!({"phone": "0899 0000 0000"}),
        )
        .await
        .assert_error(404, ErrorCode::NoActiveTicket);
    let refused = server
        .post(
            "/api/v1/tickets/lookup",
            None,
            json!({"phone": "0812-1111-2222"}),
        )
        .await;
    refused.assert_error(429, ErrorCode::RateLimited);

    for (what, text) in [
        ("display snapshot", first),
        ("display call", call),
        ("services", services),
        ("display settings", settings),
        ("refused second ticket", again.body.to_string()),
        ("status lookup", looked_up.body.to_string()),
    ] {
        for secret in [name, "Agus", "1111", "3333", "4444", "+62"] {
            assert!(!text.contains(secret), "{what} leaks {secret:?}: {text}");
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn every_answer_carries_the_browser_security_headers() {
    let server = TestServer::start(Backend::Sqlite).await;
    for path in [
        "/healthz",
        "/api/v1/services",
        "/tidak-ada",
        "/api/v1/counters",
    ] {
        let response = server
            .http
            .get(server.url(path))
            .send()
            .await
            .expect("reaches the server");
        let headers = response.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("{path}: no {name} header"))
                .to_owned()
        };
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("x-frame-options"), "DENY");
        assert_eq!(header("referrer-policy"), "no-referrer");
        assert_eq!(header("cache-control"), "no-store");
        let csp = header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(
            headers.get("strict-transport-security").is_none(),
            "HSTS only over TLS"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_dribbles_its_headers_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = TestServer::start_with(Backend::Sqlite, &["--request-timeout-secs", "1"]).await;
    let mut slow = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connects");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("writes");
    let started = std::time::Instant::now();
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buffer)).await;
    assert!(
        read.is_ok(),
        "the connection was still open after 5 s of unfinished headers"
    );
    assert!(started.elapsed() >= Duration::from_millis(900));
    // Whole requests still go through.
    server.get("/healthz", None).await.assert_ok();
    server.stop().await;
}

#[tokio::test]
async fn an_admin_cannot_lock_everyone_out_by_disabling_themself() {
    let server = TestServer::start(Backend::Sqlite).await;
    let admin = server.admin().await;
    let me: User = server.get("/api/v1/auth/me", Some(&admin)).await.json();
    let reply = server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/users/{}", me.id),
            Some(&admin),
            Some(json!({"disabled": true})),
        )
        .await;
    reply.assert_error(422, ErrorCode::InvalidField);
    assert_eq!(reply.body["error"]["field"], "disabled");
    server
        .get("/api/v1/auth/me", Some(&admin))
        .await
        .assert_ok();
    server.stop().await;
}
