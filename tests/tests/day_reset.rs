//! The admin's day reset: today starts over (open tickets expire, numbers and quotas restart,
//! boards empty) while the history keeps every ticket; only the admin's password opens it.

use std::time::Duration;

use giliran_core::events::{Event, StreamMessage};
use giliran_core::status::TicketStatus;
use giliran_core::wire::{DayReset, ErrorCode, HistoryPage};
use giliran_tests::{ADMIN_PASSWORD, Backend, TestServer, on_both_backends};
use serde_json::json;

async fn a_day_reset_starts_numbers_again_and_keeps_the_history(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket_1 = server.counter_id(&admin, 1).await;
    let quota = server
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/admin/services/{}", server.service("A").await.id),
            Some(&admin),
            Some(json!({"daily_quota": 3})),
        )
        .await;
    quota.assert_ok();
    let first = server.take("A", json!({})).await;
    let second = server.take("A", json!({})).await;
    let third = server.take("A", json!({})).await;
    assert_eq!(third.ticket.number, "A-003");
    server
        .post(
            "/api/v1/tickets",
            None,
            json!({"service_id": first.ticket.service_id}),
        )
        .await
        .assert_error(409, ErrorCode::QuotaFull);
    let called = server.call_next(&admin, loket_1).await;
    assert_eq!(called.map(|t| t.number).as_deref(), Some("A-001"));
    let mut display = server.subscribe_display().await;
    let _snapshot = display.next().await;

    // A wrong password changes nothing.
    let refused = server
        .post(
            "/api/v1/admin/day/reset",
            Some(&admin),
            json!({"password": "tebakan-salah"}),
        )
        .await;
    refused.assert_error(422, ErrorCode::InvalidField);
    assert_eq!(refused.body["error"]["field"], "password");
    assert_eq!(server.track(&second).await.status, TicketStatus::Waiting);

    let reset = server
        .post(
            "/api/v1/admin/day/reset",
            Some(&admin),
            json!({"password": ADMIN_PASSWORD}),
        )
        .await;
    reset.assert_ok();
    let reset: DayReset = reset.json();
    assert_eq!(reset.expired, 3, "the called and the two waiting tickets");
    for issued in [&first, &second, &third] {
        assert_eq!(server.track(issued).await.status, TicketStatus::Expired);
    }

    // The display hears the day start over and empties its board.
    let mut heard = false;
    while let Some(text) = display.next_text(Duration::from_secs(2)).await {
        if let Ok(StreamMessage::Event {
            event: Event::DayStarted { business_day },
            ..
        }) = serde_json::from_str(&text)
        {
            assert_eq!(business_day, reset.business_day);
            heard = true;
            break;
        }
    }
    assert!(heard, "the display was told the day started over");

    // Numbers and the quota start again; the history keeps all six tickets, A-001 twice.
    let again = server.take("A", json!({})).await;
    assert_eq!(again.ticket.number, "A-001");
    server.take("A", json!({})).await;
    server.take("A", json!({})).await;
    server
        .post(
            "/api/v1/tickets",
            None,
            json!({"service_id": again.ticket.service_id}),
        )
        .await
        .assert_error(409, ErrorCode::QuotaFull);
    let history: HistoryPage = server
        .get("/api/v1/admin/history?number=A-001", Some(&admin))
        .await
        .assert_ok()
        .json();
    assert_eq!(
        history.total, 2,
        "both A-001s of the day stay in the history"
    );
    let statuses: Vec<_> = history.items.iter().map(|e| e.status).collect();
    assert_eq!(statuses, [TicketStatus::Waiting, TicketStatus::Expired]);

    // Who reset the day is on record.
    let audit = server
        .get("/api/v1/admin/audit?action=reset_day", Some(&admin))
        .await
        .assert_ok()
        .body
        .clone();
    assert_eq!(audit["entries"][0]["detail"]["expired"], 3);
    server.stop().await;
}

async fn staff_cannot_reset_the_day(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket_1 = server.counter_id(&admin, 1).await;
    let staff = server.staff_at(&admin, "perawat", &[loket_1]).await;
    let waiting = server.take("A", json!({})).await;
    server
        .post(
            "/api/v1/admin/day/reset",
            Some(&staff),
            json!({"password": giliran_tests::STAFF_PASSWORD}),
        )
        .await
        .assert_error(403, ErrorCode::Forbidden);
    assert_eq!(server.track(&waiting).await.status, TicketStatus::Waiting);
    server.stop().await;
}

on_both_backends!(
    a_day_reset_starts_numbers_again_and_keeps_the_history,
    staff_cannot_reset_the_day
);
