//! The event stream of DESIGN §4 against the real server: what each scope sees, order, resume
//! after a disconnect and a restart, and fan-out between replicas on one PostgreSQL.

use std::time::Duration;

use giliran_core::events::{Event, Snapshot, StreamMessage};
use giliran_core::status::TicketStatus;
use giliran_tests::{Backend, Subscriber, TestServer, on_both_backends};
use serde_json::json;

on_both_backends!(
    display_sees_every_call_in_order_and_never_a_name,
    staff_see_their_counters_and_admins_see_everything,
    patient_follows_their_own_ticket_and_no_one_elses,
    reconnecting_with_since_delivers_exactly_the_missed_events,
    resume_holds_across_a_server_restart,
    a_forgotten_or_foreign_seq_gets_a_fresh_snapshot,
    a_refused_change_writes_no_event,
);

const QUIET: Duration = Duration::from_millis(400);

fn seq_of(message: &StreamMessage) -> u64 {
    match message {
        StreamMessage::Snapshot { seq, .. } | StreamMessage::Event { seq, .. } => *seq,
    }
}

async fn snapshot(subscriber: &mut Subscriber) -> (u64, Snapshot) {
    match subscriber.next().await {
        StreamMessage::Snapshot { seq, snapshot } => (seq, snapshot),
        other => panic!("expected a snapshot first, got {other:?}"),
    }
}

async fn event(subscriber: &mut Subscriber) -> (u64, Event) {
    match subscriber.next().await {
        StreamMessage::Event { seq, event, .. } => (seq, event),
        other => panic!("expected an event, got {other:?}"),
    }
}

async fn display_sees_every_call_in_order_and_never_a_name(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let loket2 = server.counter_id(&admin, 2).await;
    let mut display = server.subscribe_display().await;
    let (start, board) = snapshot(&mut display).await;
    let Snapshot::Display { board } = board else {
        panic!("a display snapshot")
    };
    assert_eq!(
        board.counters.iter().map(|c| c.number).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert!(board.counters.iter().all(|c| c.current.is_none()));

    server
        .take(
            "A",
            json!({"name": "Siti Rahayu", "phone": "0812-9876-5432"}),
        )
        .await;
    server
        .take(
            "B",
            json!({"name": "Bagus Wibowo", "phone": "0813-1234-0000"}),
        )
        .await;
    server.call_next(&admin, loket1).await;
    server.call_next(&admin, loket2).await;
    server
        .counter_action(&admin, loket1, "recall")
        .await
        .assert_ok();

    let mut texts = Vec::new();
    let mut calls = Vec::new();
    let mut last = start;
    while let Some(text) = display.next_text(QUIET).await {
        let message: StreamMessage = serde_json::from_str(&text).expect("a stream message");
        assert!(seq_of(&message) > last, "seq only grows");
        last = seq_of(&message);
        if let StreamMessage::Event {
            event: Event::Called { call },
            ..
        } = &message
        {
            calls.push((call.number.clone(), call.counter_number, call.recalls));
        }
        texts.push(text);
    }
    assert_eq!(
        calls,
        [
            ("A-001".into(), 1, 0),
            ("B-001".into(), 2, 0),
            ("A-001".into(), 1, 1)
        ]
    );
    let everything = texts.join("\n");
    for private in ["Siti", "Rahayu", "Bagus", "98765432", "12340000"] {
        assert!(
            !everything.contains(private),
            "a display received {private:?}"
        );
    }
    assert!(
        !everything.contains("\"queued\""),
        "displays are not told who joined a queue"
    );

    // A display that connects now sees the board as it stands.
    let mut late = server.subscribe_display().await;
    let (_, Snapshot::Display { board }) = snapshot(&mut late).await else {
        panic!("display")
    };
    let current: Vec<_> = board
        .counters
        .iter()
        .map(|c| c.current.as_ref().map(|call| call.number.as_str()))
        .collect();
    assert_eq!(current, [Some("A-001"), Some("B-001"), None, None]);
    assert_eq!(board.recent_calls.len(), 2);
    assert!(!serde_json::to_string(&board).unwrap().contains("Siti"));
    server.stop().await;
}

async fn staff_see_their_counters_and_admins_see_everything(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let staff = server.staff_at(&admin, "rina", &[loket1]).await;
    let mut desk = server.subscribe(&format!("token={staff}")).await;
    let mut office = server.subscribe(&format!("token={admin}")).await;

    let (_, Snapshot::Staff { queues, .. }) = snapshot(&mut desk).await else {
        panic!("staff")
    };
    assert_eq!(
        queues.iter().map(|q| q.counter.number).collect::<Vec<_>>(),
        [1]
    );
    let (
        _,
        Snapshot::Admin {
            queues, services, ..
        },
    ) = snapshot(&mut office).await
    else {
        panic!("admin")
    };
    assert_eq!(queues.len(), 4);
    assert_eq!(services.len(), 4);

    server.take("B", json!({})).await; // Poli Gigi: counter 2's queue
    server.take("A", json!({})).await; // Poli Umum: counter 1's queue
    let (_, seen) = event(&mut desk).await;
    let Event::Queued { ticket } = seen else {
        panic!("queued, got {seen:?}")
    };
    assert_eq!(
        ticket.number, "A-001",
        "counter 1 staff never hear of B-001"
    );
    desk.assert_quiet(QUIET).await;

    let (_, first) = event(&mut office).await;
    let (_, second) = event(&mut office).await;
    let numbers: Vec<_> = [first, second]
        .into_iter()
        .map(|e| match e {
            Event::Queued { ticket } => ticket.number,
            other => panic!("queued, got {other:?}"),
        })
        .collect();
    assert_eq!(numbers, ["B-001", "A-001"]);

    // A bad session is refused at the handshake.
    assert!(server.try_subscribe("token=not-a-session").await.is_err());
    server.stop().await;
}

async fn patient_follows_their_own_ticket_and_no_one_elses(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let first = server.take("A", json!({"name": "Pertama"})).await;
    let mine = server
        .take("A", json!({"name": "Kedua", "phone": "081200001111"}))
        .await;
    let query = format!("ticket={}&token={}", mine.ticket.id, mine.tracking_token);
    let mut phone = server.subscribe(&query).await;
    let (_, Snapshot::Patient { ticket }) = snapshot(&mut phone).await else {
        panic!("patient")
    };
    assert_eq!(
        (ticket.number.as_str(), ticket.people_ahead),
        ("A-002", Some(1))
    );

    server.take("B", json!({})).await; // another queue: nothing for this patient
    server.call_next(&admin, loket1).await; // A-001 called: one fewer ahead
    let (_, update) = event(&mut phone).await;
    let Event::TicketUpdated { ticket } = update else {
        panic!("ticket update, got {update:?}")
    };
    assert_eq!(
        (ticket.status, ticket.people_ahead),
        (TicketStatus::Waiting, Some(0))
    );

    server.call_next(&admin, loket1).await; // A-001 done, A-002 called
    let mut called = None;
    while let Some(text) = phone.next_text(QUIET).await {
        assert!(
            !text.contains(&first.ticket.id.to_string()),
            "another patient's ticket leaked"
        );
        assert!(!text.contains("Pertama"));
        if let StreamMessage::Event {
            event: Event::TicketUpdated { ticket },
            ..
        } = serde_json::from_str(&text).unwrap()
        {
            called = Some(ticket);
        }
    }
    let called = called.expect("the patient hears they are called");
    assert_eq!(called.status, TicketStatus::Called);
    assert_eq!(called.counter.map(|c| c.number), Some(1));

    // Someone else's token does not open this ticket.
    let wrong = format!("ticket={}&token={}", mine.ticket.id, first.tracking_token);
    assert!(server.try_subscribe(&wrong).await.is_err());
    server.stop().await;
}

/// Disconnects after the snapshot, makes 20 changes, reconnects with `since`.
async fn twenty_missed_events(server: &TestServer, admin: &str) -> (u64, Vec<u64>) {
    let mut first = server.subscribe(&format!("token={admin}")).await;
    let (since, _) = snapshot(&mut first).await;
    first.close().await;
    for _ in 0..20 {
        server.take("C", json!({})).await;
    }
    let expected: Vec<u64> = (since + 1..=since + 20).collect();
    (since, expected)
}

async fn reconnecting_with_since_delivers_exactly_the_missed_events(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let (since, expected) = twenty_missed_events(&server, &admin).await;
    let mut again = server
        .subscribe(&format!("token={admin}&since={since}"))
        .await;
    let mut got = Vec::new();
    for _ in 0..20 {
        let (seq, event) = event(&mut again).await;
        assert!(matches!(event, Event::Queued { .. }));
        got.push(seq);
    }
    assert_eq!(got, expected, "exactly the missed events, in order");
    again.assert_quiet(QUIET).await;

    // And live events follow without a gap or a repeat.
    server.take("C", json!({})).await;
    let (seq, _) = event(&mut again).await;
    assert_eq!(seq, expected[19] + 1);
    server.stop().await;
}

async fn resume_holds_across_a_server_restart(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let (since, expected) = twenty_missed_events(&server, &admin).await;
    let server = server.restart().await;
    let admin = server.admin().await;
    let mut again = server
        .subscribe(&format!("token={admin}&since={since}"))
        .await;
    let mut got = Vec::new();
    for _ in 0..20 {
        got.push(event(&mut again).await.0);
    }
    assert_eq!(got, expected);
    // The new session's login wrote nothing to the stream, so nothing else is due.
    again.assert_quiet(QUIET).await;
    server.stop().await;
}

async fn a_forgotten_or_foreign_seq_gets_a_fresh_snapshot(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    server.take("A", json!({})).await;
    let mut foreign = server
        .subscribe(&format!("token={admin}&since=999999"))
        .await;
    let (seq, _) = snapshot(&mut foreign).await;
    assert!(seq < 999_999);

    // Events older than the retention are pruned; a client that far behind starts over.
    let later =
        giliran_server::clock::Clock::now(server.clock.as_ref()) + chrono::Duration::days(30);
    server.store().prune_events(later).await.unwrap();
    server.take("A", json!({})).await;
    let mut behind = server.subscribe(&format!("token={admin}&since=1")).await;
    let (seq, Snapshot::Admin { services, .. }) = snapshot(&mut behind).await else {
        panic!("admin")
    };
    assert!(seq > 1);
    assert_eq!(
        services.iter().find(|s| s.code == "A").map(|s| s.waiting),
        Some(2)
    );
    server.stop().await;
}

async fn a_refused_change_writes_no_event(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let mut office = server.subscribe(&format!("token={admin}")).await;
    let (start, _) = snapshot(&mut office).await;
    server.take("A", json!({"phone": "081233330000"})).await;
    let (seq, _) = event(&mut office).await;
    assert_eq!(seq, start + 1);

    // Refusals roll back with their transaction: a second active ticket, a quota, a paused
    // counter, a finished ticket.
    let umum = server.service("A").await;
    server
        .post(
            "/api/v1/tickets",
            None,
            json!({"service_id": umum.id, "phone": "081233330000"}),
        )
        .await
        .assert_error(409, giliran_core::wire::ErrorCode::ActiveTicketExists);
    server
        .counter_action(&admin, loket1, "complete")
        .await
        .assert_error(409, giliran_core::wire::ErrorCode::NoCurrentTicket);
    server
        .counter_action(&admin, loket1, "pause")
        .await
        .assert_ok();
    let (paused, _) = event(&mut office).await;
    server
        .counter_action(&admin, loket1, "call-next")
        .await
        .assert_error(409, giliran_core::wire::ErrorCode::CounterPaused);
    office.assert_quiet(QUIET).await;
    assert_eq!(
        server.store().latest_seq().await.unwrap(),
        paused,
        "no event without its change"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_through_one_replica_reaches_subscribers_of_another() {
    let first = TestServer::start(Backend::Postgres).await;
    let second = first.another_on_same_database().await;
    let admin = first.admin().await;
    let loket1 = first.counter_id(&admin, 1).await;
    let mut display = second.subscribe_display().await;
    snapshot(&mut display).await;

    first.take("A", json!({})).await;
    let started = std::time::Instant::now();
    first.call_next(&admin, loket1).await;
    let (_, Event::Called { call }) = event(&mut display).await else {
        panic!("a call")
    };
    assert_eq!((call.number.as_str(), call.counter_number), ("A-001", 1));
    // NOTIFY, not the once-a-second poll, brought it.
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "took {:?}",
        started.elapsed()
    );

    // Both replicas number their events the same way.
    let mut on_first = first.subscribe(&format!("token={admin}&since=0")).await;
    let mut on_second = second.subscribe(&format!("token={admin}&since=0")).await;
    let mut a = Vec::new();
    let mut b = Vec::new();
    while let Some(text) = on_first.next_text(QUIET).await {
        a.push(text);
    }
    while let Some(text) = on_second.next_text(QUIET).await {
        b.push(text);
    }
    assert!(!a.is_empty());
    assert_eq!(a, b);
    second.stop().await;
    first.stop().await;
}
