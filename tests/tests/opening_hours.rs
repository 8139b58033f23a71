//! A service's opening hours: patients take its tickets only between its hours in the
//! hospital's time zone; tickets already taken are still called after closing.

use chrono::Duration;
use giliran_core::status::TicketStatus;
use giliran_core::wire::{ErrorCode, Service};
use giliran_tests::{Backend, TestServer, on_both_backends};
use reqwest::Method;
use serde_json::json;

async fn a_poli_takes_tickets_only_within_its_hours(backend: Backend) {
    // The clock starts at 08:00 WIB.
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let service = server.service("A").await;
    let set = server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/services/{}", service.id),
            Some(&admin),
            Some(json!({"opens_at": "07:30", "closes_at": "12:00"})),
        )
        .await;
    let service: Service = set.assert_ok().json();
    assert_eq!(
        (
            service.opens_at.as_deref(),
            service.closes_at.as_deref(),
            service.accepting
        ),
        (Some("07:30"), Some("12:00"), true)
    );
    let morning = server.take("A", json!({})).await;

    // At 12:00 the poli stops taking tickets; the one taken at 08:00 is still called.
    server.clock.advance(Duration::hours(4));
    let listed = server.service("A").await;
    assert!(
        listed.open && !listed.accepting,
        "open, but outside its hours"
    );
    server
        .post("/api/v1/tickets", None, json!({"service_id": service.id}))
        .await
        .assert_error(409, ErrorCode::ServiceClosed);
    let loket_1 = server.counter_id(&admin, 1).await;
    let called = server
        .call_next(&admin, loket_1)
        .await
        .expect("the morning ticket");
    assert_eq!(called.id, morning.ticket.id);
    assert_eq!(server.track(&morning).await.status, TicketStatus::Called);

    // Changing only the closing time keeps the opening time; clearing both opens all day.
    let later: Service = server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/services/{}", service.id),
            Some(&admin),
            Some(json!({"closes_at": "15:00"})),
        )
        .await
        .assert_ok()
        .json();
    assert_eq!(later.opens_at.as_deref(), Some("07:30"));
    assert!(later.accepting);
    server.take("A", json!({})).await;
    let all_day: Service = server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/services/{}", service.id),
            Some(&admin),
            Some(json!({"opens_at": "", "closes_at": ""})),
        )
        .await
        .assert_ok()
        .json();
    assert_eq!((all_day.opens_at, all_day.closes_at), (None, None));
    server.stop().await;
}

async fn hours_that_cannot_be_kept_are_refused_and_change_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let service = server.service("B").await;
    for (body, field) in [
        (
            json!({"opens_at": "7 pagi", "closes_at": "12:00"}),
            "opens_at",
        ),
        (
            json!({"opens_at": "07:00", "closes_at": "24:00"}),
            "closes_at",
        ),
        (
            json!({"opens_at": "14:00", "closes_at": "07:00"}),
            "closes_at",
        ),
        (json!({"opens_at": "07:00"}), "opens_at"),
    ] {
        let reply = server
            .send(
                Method::PATCH,
                &format!("/api/v1/admin/services/{}", service.id),
                Some(&admin),
                Some(body.clone()),
            )
            .await;
        reply.assert_error(422, ErrorCode::InvalidField);
        assert_eq!(reply.body["error"]["field"], field, "{body}");
    }
    let created = server
        .post(
            "/api/v1/admin/services",
            Some(&admin),
            json!({"code": "F", "name": "Poli Saraf", "opens_at": "13:00"}),
        )
        .await;
    created.assert_error(422, ErrorCode::InvalidField);
    let unchanged = server.service("B").await;
    assert_eq!((unchanged.opens_at, unchanged.accepting), (None, true));
    assert!(server.services().await.iter().all(|s| s.code != "F"));
    server.stop().await;
}

on_both_backends!(
    a_poli_takes_tickets_only_within_its_hours,
    hours_that_cannot_be_kept_are_refused_and_change_nothing
);
