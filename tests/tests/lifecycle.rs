//! The whole ticket lifecycle through HTTP against the real server, on SQLite and PostgreSQL.

use chrono::Duration;
use giliran_core::status::TicketStatus;
use giliran_core::wire::{
    CounterQueue, ErrorBody, ErrorCode, LoginResponse, Ticket, TicketView, User,
};
use giliran_server::clock::Clock;
use giliran_tests::{Backend, TestServer, on_both_backends};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

on_both_backends!(
    staff_calls_next_and_patient_sees_called_recalled_and_done,
    skipped_patient_is_requeued_and_called_again,
    patient_and_staff_cancel_waiting_tickets,
    transfer_moves_patient_to_another_service_in_the_same_visit,
    full_quota_refuses_tickets_without_using_numbers,
    second_active_ticket_is_refused_with_the_existing_one,
    business_day_rollover_restarts_numbers_and_expires_open_tickets,
    priority_goes_first_but_regular_tickets_age,
    paused_counter_calls_nobody,
    staff_work_only_at_their_counters_and_sessions_end,
);

async fn queue(server: &TestServer, token: &str, counter: Uuid) -> CounterQueue {
    server
        .get(&format!("/api/v1/counters/{counter}/queue"), Some(token))
        .await
        .assert_ok()
        .json()
}

fn view(reply: &giliran_tests::Reply) -> Ticket {
    reply.assert_ok();
    reply.json::<TicketView>().ticket
}

async fn staff_calls_next_and_patient_sees_called_recalled_and_done(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let staff = server.staff_at(&admin, "rina", &[loket1]).await;

    let siti = server
        .take(
            "A",
            json!({"name": "Siti Rahayu", "phone": "0811-1111-2222"}),
        )
        .await;
    let budi = server.take("A", json!({})).await;
    assert_eq!(siti.ticket.number, "A-001");
    assert_eq!(siti.ticket.status, TicketStatus::Waiting);
    assert_eq!(siti.ticket.people_ahead, Some(0));
    assert_eq!(budi.ticket.number, "A-002");
    assert_eq!(budi.ticket.people_ahead, Some(1));
    let mine = siti
        .ticket
        .patient
        .clone()
        .expect("the patient sees their own details");
    assert_eq!(mine.phone.as_deref(), Some("+6281111112222"));
    assert_eq!(server.service("A").await.waiting, 2);

    let called = server
        .call_next(&staff, loket1)
        .await
        .expect("someone waits");
    assert_eq!(called.number, "A-001");
    assert_eq!(called.status, TicketStatus::Called);
    assert_eq!(
        called.patient.and_then(|p| p.name).as_deref(),
        Some("Siti Rahayu")
    );

    let seen = server.track(&siti).await;
    assert_eq!(seen.status, TicketStatus::Called);
    let counter = seen.counter.expect("the patient sees where to go");
    assert_eq!((counter.number, counter.name.as_str()), (1, "Loket 1"));
    assert_eq!(server.track(&budi).await.people_ahead, Some(0));

    let recalled = view(&server.counter_action(&staff, loket1, "recall").await);
    assert_eq!(
        (recalled.status, recalled.recalls),
        (TicketStatus::Called, 1)
    );
    let recalled = view(&server.counter_action(&staff, loket1, "recall").await);
    assert_eq!(recalled.recalls, 2);

    let done = view(&server.counter_action(&staff, loket1, "complete").await);
    assert_eq!(done.status, TicketStatus::Done);
    assert!(done.finished_at.is_some());
    assert_eq!(server.track(&siti).await.status, TicketStatus::Done);
    server
        .counter_action(&staff, loket1, "complete")
        .await
        .assert_error(409, ErrorCode::NoCurrentTicket);

    let q = queue(&server, &staff, loket1).await;
    assert!(q.current.is_none());
    assert_eq!(
        q.waiting
            .iter()
            .map(|t| t.number.as_str())
            .collect::<Vec<_>>(),
        ["A-002"]
    );
    assert_eq!((q.today.done, q.today.waiting), (1, 1));

    // Two calls two minutes apart give the wait estimate its first gap.
    server.clock.advance(Duration::minutes(2));
    let next = server.call_next(&staff, loket1).await.expect("Budi waits");
    assert_eq!(next.number, "A-002");
    assert_eq!(server.call_next(&staff, loket1).await, None, "nobody left");
    assert_eq!(
        server.track(&budi).await.status,
        TicketStatus::Done,
        "call-next completed Budi"
    );
    let late = server.take("A", json!({})).await;
    assert_eq!(
        late.ticket.eta_seconds,
        Some(120),
        "one interval between calls so far"
    );
    server.stop().await;
}

async fn skipped_patient_is_requeued_and_called_again(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let staff = server.staff_at(&admin, "dewi", &[loket1]).await;
    let first = server.take("A", json!({"phone": "081233334444"})).await;
    for _ in 0..3 {
        server.take("A", json!({})).await;
    }

    assert_eq!(
        server
            .call_next(&staff, loket1)
            .await
            .map(|t| t.number)
            .as_deref(),
        Some("A-001")
    );
    let skipped = view(&server.counter_action(&staff, loket1, "skip").await);
    assert_eq!(skipped.status, TicketStatus::Skipped);
    assert_eq!(server.track(&first).await.status, TicketStatus::Skipped);
    let q = queue(&server, &staff, loket1).await;
    assert!(q.current.is_none(), "a skip frees the counter");
    assert_eq!(
        q.skipped
            .iter()
            .map(|t| t.number.as_str())
            .collect::<Vec<_>>(),
        ["A-001"]
    );
    assert_eq!(q.today.skipped, 1);

    // The counter goes on with the next patient.
    assert_eq!(
        server
            .call_next(&staff, loket1)
            .await
            .map(|t| t.number)
            .as_deref(),
        Some("A-002")
    );

    // A-001 comes back: put at the front, ahead of.
    let requeue =
        |position: Option<u32>| json!({"ticket_id": first.ticket.id, "position": position});
    let back = server
        .post(
            &format!("/api/v1/counters/{loket1}/requeue"),
            Some(&staff),
            requeue(Some(0)),
        )
        .await;
    let back = view(&back);
    assert_eq!(
        (back.status, back.people_ahead),
        (TicketStatus::Waiting, Some(0))
    );
    let q = queue(&server, &staff, loket1).await;
    assert_eq!(
        q.waiting
            .iter()
            .map(|t| t.number.as_str())
            .collect::<Vec<_>>(),
        ["A-001", "A-003", "A-004"]
    );
    assert_eq!(
        q.waiting.iter().map(|t| t.people_ahead).collect::<Vec<_>>(),
        [Some(0), Some(1), Some(2)]
    );

    // Requeueing a waiting ticket is refused.
    server
        .post(
            &format!("/api/v1/counters/{loket1}/requeue"),
            Some(&staff),
            requeue(None),
        )
        .await
        .assert_error(409, ErrorCode::InvalidTransition);

    let again = server
        .call_next(&staff, loket1)
        .await
        .expect("A-001 is called again");
    assert_eq!(again.number, "A-001");
    assert_eq!(server.track(&first).await.status, TicketStatus::Called);

    // Skipped again, then requeued at the back this time.
    view(&server.counter_action(&staff, loket1, "skip").await);
    let back = view(
        &server
            .post(
                &format!("/api/v1/counters/{loket1}/requeue"),
                Some(&staff),
                requeue(None),
            )
            .await,
    );
    assert_eq!(back.people_ahead, Some(2));
    server.stop().await;
}

async fn patient_and_staff_cancel_waiting_tickets(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let staff = server.staff_at(&admin, "joko", &[loket1]).await;
    let ticket = server.take("A", json!({"device_id": "hp-ibu-ani"})).await;
    let path = format!("/api/v1/tickets/{}", ticket.ticket.id);

    server
        .send(Method::DELETE, &path, None, None)
        .await
        .assert_error(401, ErrorCode::Unauthorized);
    let other = server.take("B", json!({})).await;
    server
        .send(Method::DELETE, &path, Some(&other.tracking_token), None)
        .await
        .assert_error(404, ErrorCode::TicketNotFound);
    assert_eq!(
        server.track(&ticket).await.status,
        TicketStatus::Waiting,
        "a wrong token changed nothing"
    );

    let cancelled = view(
        &server
            .send(Method::DELETE, &path, Some(&ticket.tracking_token), None)
            .await,
    );
    assert_eq!(cancelled.status, TicketStatus::Cancelled);
    server
        .send(Method::DELETE, &path, Some(&ticket.tracking_token), None)
        .await
        .assert_error(409, ErrorCode::InvalidTransition);
    assert_eq!(server.service("A").await.waiting, 0);
    assert_eq!(
        server.call_next(&staff, loket1).await,
        None,
        "a cancelled ticket is never called"
    );

    // The device may take a new ticket now; staff cancel that one from the counter.
    let again = server.take("A", json!({"device_id": "hp-ibu-ani"})).await;
    assert_eq!(again.ticket.number, "A-002");
    let by_staff = view(
        &server
            .post(
                &format!("/api/v1/counters/{loket1}/cancel"),
                Some(&staff),
                json!({"ticket_id": again.ticket.id}),
            )
            .await,
    );
    assert_eq!(by_staff.status, TicketStatus::Cancelled);
    // Counter 1 does not serve B: its staff cannot touch B's tickets.
    server
        .post(
            &format!("/api/v1/counters/{loket1}/cancel"),
            Some(&staff),
            json!({"ticket_id": other.ticket.id}),
        )
        .await
        .assert_error(403, ErrorCode::Forbidden);
    assert_eq!(server.track(&other).await.status, TicketStatus::Waiting);
    server.stop().await;
}

async fn transfer_moves_patient_to_another_service_in_the_same_visit(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let loket2 = server.counter_id(&admin, 2).await;
    let staff = server.staff_at(&admin, "ayu", &[loket1, loket2]).await;
    let gigi = server.service("B").await;
    server.take("B", json!({})).await; // B-001, already waiting at the dentist
    let patient = server
        .take("A", json!({"name": "Wayan", "phone": "081255556666"}))
        .await;

    server
        .call_next(&staff, loket1)
        .await
        .expect("Wayan is called");
    let moved = view(
        &server
            .post(
                &format!("/api/v1/counters/{loket1}/transfer"),
                Some(&staff),
                json!({"service_id": gigi.id}),
            )
            .await,
    );
    assert_eq!(moved.number, "B-002");
    assert_eq!(moved.status, TicketStatus::Waiting);
    assert_eq!(moved.service_id, gigi.id);
    assert_eq!(moved.visit_id, patient.ticket.visit_id, "one visit");
    assert_eq!(moved.transferred_from, Some(patient.ticket.id));
    assert_eq!(moved.people_ahead, Some(1));
    assert_eq!(moved.patient.and_then(|p| p.name).as_deref(), Some("Wayan"));

    // The patient's one token follows the visit.
    let old = server.track(&patient).await;
    assert_eq!(old.status, TicketStatus::Transferred);
    assert_eq!(old.transferred_to, Some(moved.id));
    let new = view(
        &server
            .get(
                &format!("/api/v1/tickets/{}", moved.id),
                Some(&patient.tracking_token),
            )
            .await,
    );
    assert_eq!(new.number, "B-002");
    assert!(
        queue(&server, &staff, loket1).await.current.is_none(),
        "counter 1 is free"
    );

    // Still one active ticket per phone: the new one.
    let reply = server
        .post(
            "/api/v1/tickets",
            None,
            json!({"service_id": gigi.id, "phone": "+62 812 5555 6666"}),
        )
        .await;
    reply.assert_error(409, ErrorCode::ActiveTicketExists);
    assert_eq!(
        reply
            .json::<ErrorBody>()
            .ticket
            .map(|t| t.number)
            .as_deref(),
        Some("B-002")
    );

    assert_eq!(
        server
            .call_next(&staff, loket2)
            .await
            .map(|t| t.number)
            .as_deref(),
        Some("B-001")
    );
    assert_eq!(
        server
            .call_next(&staff, loket2)
            .await
            .map(|t| t.number)
            .as_deref(),
        Some("B-002")
    );

    // A waiting ticket can be sent on too, but not into the queue it is already in.
    let waiting = server.take("A", json!({})).await;
    let umum = server.service("A").await;
    server
        .post(
            &format!("/api/v1/counters/{loket1}/transfer"),
            Some(&staff),
            json!({"service_id": umum.id, "ticket_id": waiting.ticket.id}),
        )
        .await
        .assert_error(422, ErrorCode::InvalidField);
    let anak = server.service("C").await;
    let moved = view(
        &server
            .post(
                &format!("/api/v1/counters/{loket1}/transfer"),
                Some(&staff),
                json!({"service_id": anak.id, "ticket_id": waiting.ticket.id}),
            )
            .await,
    );
    assert_eq!(moved.number, "C-001");
    assert_eq!(
        server.track(&waiting).await.status,
        TicketStatus::Transferred
    );
    server.stop().await;
}

async fn full_quota_refuses_tickets_without_using_numbers(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let umum = server.service("A").await;
    let patch = |quota: u32| json!({"daily_quota": quota});
    server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/services/{}", umum.id),
            Some(&admin),
            Some(patch(3)),
        )
        .await
        .assert_ok();
    for _ in 0..3 {
        server.take("A", json!({})).await;
    }
    let refused = server
        .post("/api/v1/tickets", None, json!({"service_id": umum.id}))
        .await;
    refused.assert_error(409, ErrorCode::QuotaFull);
    let refused = server
        .post("/api/v1/tickets", None, json!({"service_id": umum.id}))
        .await;
    refused.assert_error(409, ErrorCode::QuotaFull);
    let a = server.service("A").await;
    assert_eq!(
        (a.daily_quota, a.quota_left, a.waiting),
        (Some(3), Some(0), 3)
    );

    server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/services/{}", umum.id),
            Some(&admin),
            Some(patch(4)),
        )
        .await
        .assert_ok();
    assert_eq!(
        server.take("A", json!({})).await.ticket.number,
        "A-004",
        "refusals used no number"
    );

    // A closed service issues nothing either.
    server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/services/{}", umum.id),
            Some(&admin),
            Some(json!({"open": false, "daily_quota": 0})),
        )
        .await
        .assert_ok();
    server
        .post("/api/v1/tickets", None, json!({"service_id": umum.id}))
        .await
        .assert_error(409, ErrorCode::ServiceClosed);
    server.stop().await;
}

async fn second_active_ticket_is_refused_with_the_existing_one(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let first = server
        .take(
            "A",
            json!({"name": "Rudi", "phone": "0813-7777-8888", "device_id": "hp-rudi"}),
        )
        .await;
    let gigi = server.service("B").await;

    for body in [
        json!({"service_id": gigi.id, "phone": "+62 813 7777 8888"}),
        json!({"service_id": gigi.id, "device_id": "hp-rudi"}),
    ] {
        let reply = server.post("/api/v1/tickets", None, body).await;
        reply.assert_error(409, ErrorCode::ActiveTicketExists);
        assert!(
            reply.body.get("tracking_token").is_none(),
            "the token is never handed out again"
        );
        let existing = reply
            .json::<ErrorBody>()
            .ticket
            .expect("the existing ticket");
        assert_eq!(
            (existing.id, existing.number.as_str()),
            (first.ticket.id, "A-001")
        );
        assert!(
            existing.patient.is_none(),
            "no name or phone for whoever knows the number"
        );
    }
    assert_eq!(server.service("B").await.waiting, 0);

    // Still active once called; free again once done.
    server
        .call_next(&admin, loket1)
        .await
        .expect("Rudi is called");
    server
        .post(
            "/api/v1/tickets",
            None,
            json!({"service_id": gigi.id, "phone": "081377778888"}),
        )
        .await
        .assert_error(409, ErrorCode::ActiveTicketExists);
    view(&server.counter_action(&admin, loket1, "complete").await);
    let next = server.take("B", json!({"phone": "081377778888"})).await;
    assert_eq!(next.ticket.number, "B-001");
    server.stop().await;
}

async fn business_day_rollover_restarts_numbers_and_expires_open_tickets(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let a001 = server.take("A", json!({"phone": "081299990000"})).await;
    let a002 = server.take("A", json!({})).await;
    let a003 = server.take("A", json!({})).await;
    let a004 = server.take("A", json!({})).await;
    let a005 = server.take("A", json!({})).await;
    // End of the day: A-001 done, A-002 skipped, A-003 called, A-004 and A-005 waiting.
    server.call_next(&admin, loket1).await;
    server.call_next(&admin, loket1).await;
    view(&server.counter_action(&admin, loket1, "skip").await);
    server.call_next(&admin, loket1).await;
    let yesterday = a001.ticket.business_day;

    server.clock.advance(Duration::days(1));
    let admin = server.admin().await; // yesterday's session has ended with the shift
    let fresh = server.take("A", json!({"phone": "081299990000"})).await;
    assert_eq!(
        fresh.ticket.number, "A-001",
        "numbers restart each business day"
    );
    assert_eq!(fresh.ticket.business_day, yesterday.succ_opt().unwrap());
    assert_eq!(
        fresh.ticket.people_ahead,
        Some(0),
        "yesterday's tickets are not ahead"
    );

    // The day-end sweep writes the expiry down within its interval; nothing is deleted.
    let mut swept = false;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if server
            .store()
            .expire_past_days(server.clock.now())
            .await
            .unwrap()
            == 0
        {
            swept = true;
            break;
        }
    }
    assert!(swept, "the day-end sweep expired the open tickets");
    assert_eq!(server.track(&a001).await.status, TicketStatus::Done);
    for open in [&a002, &a003, &a004, &a005] {
        let ticket = server.track(open).await;
        assert_eq!(ticket.status, TicketStatus::Expired, "{}", ticket.number);
        assert_eq!(ticket.business_day, yesterday);
    }

    let q = queue(&server, &admin, loket1).await;
    assert!(
        q.current.is_none(),
        "yesterday's called ticket no longer occupies the counter"
    );
    assert_eq!(q.waiting.len(), 1);
    assert_eq!(
        server.call_next(&admin, loket1).await.map(|t| t.id),
        Some(fresh.ticket.id)
    );
    server.stop().await;
}

async fn priority_goes_first_but_regular_tickets_age(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let number = |t: Option<Ticket>| t.map(|t| t.number).unwrap_or_default();

    server.take("A", json!({})).await; // A-001 regular
    server.clock.advance(Duration::minutes(1));
    let elderly = server.take("A", json!({"priority": "elderly"})).await;
    assert_eq!(
        elderly.ticket.people_ahead,
        Some(0),
        "priority goes ahead of A-001"
    );
    assert_eq!(number(server.call_next(&admin, loket1).await), "A-002");

    server.take("A", json!({})).await; // A-003 regular
    server.clock.advance(Duration::minutes(31)); // have now waited past 30 min
    server.take("A", json!({"priority": "pregnant"})).await;
    assert_eq!(number(server.call_next(&admin, loket1).await), "A-001");
    assert_eq!(number(server.call_next(&admin, loket1).await), "A-003");
    assert_eq!(number(server.call_next(&admin, loket1).await), "A-004");
    server.stop().await;
}

async fn paused_counter_calls_nobody(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let staff = server.staff_at(&admin, "tono", &[loket1]).await;
    server.take("A", json!({})).await;

    let paused: giliran_core::wire::Counter = server
        .counter_action(&staff, loket1, "pause")
        .await
        .assert_ok()
        .json();
    assert!(paused.paused);
    server
        .counter_action(&staff, loket1, "call-next")
        .await
        .assert_error(409, ErrorCode::CounterPaused);
    assert_eq!(server.service("A").await.waiting, 1);
    server
        .counter_action(&staff, loket1, "resume")
        .await
        .assert_ok();
    assert_eq!(
        server
            .call_next(&staff, loket1)
            .await
            .map(|t| t.number)
            .as_deref(),
        Some("A-001")
    );
    server.stop().await;
}

async fn staff_work_only_at_their_counters_and_sessions_end(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let loket2 = server.counter_id(&admin, 2).await;
    let staff = server.staff_at(&admin, "maya", &[loket1]).await;
    server.take("B", json!({})).await;

    let mine: Vec<giliran_core::wire::Counter> = server
        .get("/api/v1/counters", Some(&staff))
        .await
        .assert_ok()
        .json();
    assert_eq!(mine.iter().map(|c| c.number).collect::<Vec<_>>(), [1]);
    for action in ["call-next", "recall", "complete", "skip", "pause"] {
        server
            .counter_action(&staff, loket2, action)
            .await
            .assert_error(403, ErrorCode::Forbidden);
    }
    server
        .get(&format!("/api/v1/counters/{loket2}/queue"), Some(&staff))
        .await
        .assert_error(403, ErrorCode::Forbidden);
    server
        .get("/api/v1/admin/users", Some(&staff))
        .await
        .assert_error(403, ErrorCode::Forbidden);
    assert_eq!(server.service("B").await.waiting, 1, "nothing was called");

    let me: User = server
        .get("/api/v1/auth/me", Some(&staff))
        .await
        .assert_ok()
        .json();
    assert_eq!(me.username, "maya");
    server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "maya", "password": "salah-sandinya"}),
        )
        .await
        .assert_error(401, ErrorCode::InvalidCredentials);
    server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "siapa", "password": "salah-sandinya"}),
        )
        .await
        .assert_error(401, ErrorCode::InvalidCredentials);

    // Logging out ends the token; disabling the account ends all of them.
    let second = server.login("maya", "kata-sandi-loket").await;
    server
        .send(Method::POST, "/api/v1/auth/logout", Some(&staff), None)
        .await
        .assert_ok();
    server
        .get("/api/v1/counters", Some(&staff))
        .await
        .assert_error(401, ErrorCode::Unauthorized);
    server
        .get("/api/v1/counters", Some(&second))
        .await
        .assert_ok();
    server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/users/{}", me.id),
            Some(&admin),
            Some(json!({"disabled": true})),
        )
        .await
        .assert_ok();
    server
        .get("/api/v1/counters", Some(&second))
        .await
        .assert_error(401, ErrorCode::Unauthorized);
    let reply = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "maya", "password": "kata-sandi-loket"}),
        )
        .await;
    reply.assert_error(403, ErrorCode::Forbidden);

    // Sessions expire after a shift.
    let fresh = server.admin().await;
    server.clock.advance(Duration::hours(13));
    server
        .get("/api/v1/counters", Some(&fresh))
        .await
        .assert_error(401, ErrorCode::Unauthorized);
    let _: LoginResponse = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "admin", "password": giliran_tests::ADMIN_PASSWORD}),
        )
        .await
        .assert_ok()
        .json();
    server.stop().await;
}
