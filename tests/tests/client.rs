//! The core's own client against the real server: a patient and a desk through `ApiClient`, and
//! displays and phones on the event stream riding out server restarts, Wi-Fi drops and dead
//! connections without missing or repeating anything.

use std::time::Duration;

use giliran_core::client::{
    ApiClient, Backoff, ClientError, StreamOptions, StreamUpdate, Subscription,
};
use giliran_core::events::{Event, Snapshot, StreamMessage};
use giliran_core::status::TicketStatus;
use giliran_core::wire::{CompleteRequest, ErrorCode, NewTicket, Service};
use giliran_tests::{ADMIN_PASSWORD, Backend, Relay, TestServer, on_both_backends};
use serde_json::json;
use tokio::net::TcpListener;
use uuid::Uuid;

on_both_backends!(
    patient_takes_a_ticket_and_sees_staff_call_them_to_counter_1,
    a_second_ticket_for_the_same_phone_surfaces_the_existing_one,
    a_wrong_password_is_refused_as_invalid_credentials,
    staff_work_a_counter_from_the_tablet,
    display_hears_the_snapshot_then_each_call,
    patient_follows_their_ticket_until_called,
    display_resumes_across_a_server_restart_with_exactly_the_missed_events,
    a_dropped_network_is_resumed_without_a_gap_or_a_repeat,
);

/// Long enough for a message in flight to arrive, short enough to keep the suite quick.
const QUIET: Duration = Duration::from_millis(400);
/// Longest a test waits for something it expects.
const PATIENCE: Duration = Duration::from_secs(8);

fn client(server: &TestServer) -> ApiClient {
    ApiClient::new(&server.url("")).expect("the test server's address")
}

/// The defaults, hurried: reconnects within a fifth of a second, a dead line noticed in one.
fn hurried() -> StreamOptions {
    StreamOptions {
        backoff: Backoff::new(Duration::from_millis(20), Duration::from_millis(200)),
        ping_every: Duration::from_millis(200),
        idle_timeout: Duration::from_secs(1),
        ..StreamOptions::default()
    }
}

async fn service(patient: &ApiClient, code: &str) -> Service {
    patient
        .services()
        .await
        .expect("services")
        .into_iter()
        .find(|s| s.code == code)
        .unwrap_or_else(|| panic!("no service {code}"))
}

/// A staff account at `counters`, logged in on its own tablet.
async fn staff_tablet(
    server: &TestServer,
    admin: &str,
    username: &str,
    counters: &[Uuid],
) -> ApiClient {
    server
        .post(
            "/api/v1/admin/users",
            Some(admin),
            json!({"username": username, "password": "kata-sandi-loket", "role": "staff", "counters": counters}),
        )
        .await
        .assert_ok();
    let tablet = client(server);
    let session = tablet
        .login(username, "kata-sandi-loket")
        .await
        .expect("staff log in");
    assert_eq!(session.user.counters, counters);
    tablet
}

/// Asserts the call was refused with `status` and `code`, and hands back the refusal.
#[track_caller]
fn assert_api_error<T: std::fmt::Debug>(
    result: Result<T, ClientError>,
    status: u16,
    code: ErrorCode,
) -> ClientError {
    match result {
        Err(err @ ClientError::Api { status: got, .. })
            if got == status && err.code() == Some(code) =>
        {
            err
        }
        other => panic!("expected HTTP {status} {code:?}, got {other:?}"),
    }
}

async fn patient_takes_a_ticket_and_sees_staff_call_them_to_counter_1(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let patient = client(&server);

    let umum = service(&patient, "A").await;
    assert_eq!(
        (umum.name.as_str(), umum.open, umum.waiting),
        ("Poli Umum", true, 0)
    );
    let issued = patient
        .take_ticket(&NewTicket {
            service_id: umum.id,
            name: Some("Siti Rahayu".into()),
            phone: Some("0812-9876-5432".into()),
            ..NewTicket::default()
        })
        .await
        .expect("a ticket");
    assert_eq!(issued.ticket.number, "A-001");
    assert_eq!(issued.ticket.status, TicketStatus::Waiting);
    assert_eq!(issued.ticket.people_ahead, Some(0));

    let desk = staff_tablet(&server, &admin, "rina", &[loket1]).await;
    let counters = desk.counters().await.expect("my counters");
    assert_eq!(counters.iter().map(|c| c.number).collect::<Vec<_>>(), [1]);
    let called = desk.call_next(counters[0].id).await.expect("call next");
    assert_eq!(called.map(|t| t.number).as_deref(), Some("A-001"));

    let seen = patient
        .ticket(issued.ticket.id, &issued.tracking_token)
        .await
        .expect("the patient looks");
    assert_eq!(seen.status, TicketStatus::Called);
    assert_eq!(seen.counter.as_ref().map(|c| c.number), Some(1));

    desk.complete(loket1, &CompleteRequest::default())
        .await
        .expect("done");
    let seen = patient
        .ticket(issued.ticket.id, &issued.tracking_token)
        .await
        .expect("the patient looks again");
    assert_eq!(seen.status, TicketStatus::Done);

    // Another patient changes their mind; a second cancel finds nothing to cancel.
    let budi = patient
        .take_ticket(&NewTicket {
            service_id: umum.id,
            ..NewTicket::default()
        })
        .await
        .expect("a ticket");
    let cancelled = patient
        .cancel_ticket(budi.ticket.id, &budi.tracking_token)
        .await
        .expect("cancel");
    assert_eq!(cancelled.status, TicketStatus::Cancelled);
    assert_api_error(
        patient
            .cancel_ticket(budi.ticket.id, &budi.tracking_token)
            .await,
        409,
        ErrorCode::InvalidTransition,
    );
    // Someone else's tracking token opens nothing.
    assert_api_error(
        patient.ticket(issued.ticket.id, &budi.tracking_token).await,
        404,
        ErrorCode::TicketNotFound,
    );
    server.stop().await;
}

async fn a_second_ticket_for_the_same_phone_surfaces_the_existing_one(backend: Backend) {
    let server = TestServer::start(backend).await;
    let patient = client(&server);
    let umum = service(&patient, "A").await;
    let gigi = service(&patient, "B").await;
    let first = patient
        .take_ticket(&NewTicket {
            service_id: umum.id,
            phone: Some("081298765432".into()),
            ..NewTicket::default()
        })
        .await
        .expect("the first ticket");

    let again = patient
        .take_ticket(&NewTicket {
            service_id: gigi.id,
            phone: Some("+62 812-9876-5432".into()),
            ..NewTicket::default()
        })
        .await;
    let ClientError::Api {
        existing_ticket, ..
    } = assert_api_error(again, 409, ErrorCode::ActiveTicketExists)
    else {
        panic!("an api error")
    };
    let existing = existing_ticket.expect("the ticket the patient already holds");
    assert_eq!(
        (existing.id, existing.number.as_str()),
        (first.ticket.id, "A-001")
    );
    server.stop().await;
}

async fn a_wrong_password_is_refused_as_invalid_credentials(backend: Backend) {
    let server = TestServer::start(backend).await;
    let desk = client(&server);
    assert_api_error(
        desk.login("admin", "bukan-sandinya").await,
        401,
        ErrorCode::InvalidCredentials,
    );
    assert_eq!(desk.token(), None, "no session from a failed login");
    assert_api_error(desk.counters().await, 401, ErrorCode::Unauthorized);

    let session = desk.login("admin", ADMIN_PASSWORD).await.expect("log in");
    assert_eq!(desk.token(), Some(session.token));
    assert_eq!(desk.counters().await.expect("all counters").len(), 4);
    server.stop().await;
}

async fn staff_work_a_counter_from_the_tablet(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let loket2 = server.counter_id(&admin, 2).await;
    let gigi = server.service("B").await;
    let desk = staff_tablet(&server, &admin, "rina", &[loket1]).await;
    assert_eq!(desk.me().await.expect("who am I").username, "rina");
    for _ in 0..3 {
        server.take("A", json!({})).await;
    }

    let first = desk
        .call_next(loket1)
        .await
        .expect("call")
        .expect("a ticket");
    assert_eq!(desk.recall(loket1).await.expect("recall").recalls, 1);
    assert_eq!(
        desk.skip(loket1).await.expect("no-show").status,
        TicketStatus::Skipped
    );
    let queue = desk.counter_queue(loket1).await.expect("queue");
    assert!(queue.current.is_none());
    assert_eq!(
        queue.skipped.iter().map(|t| t.id).collect::<Vec<_>>(),
        [first.id]
    );
    let waiting: Vec<_> = queue.waiting.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(waiting, ["A-002", "A-003"]);

    // The patient turns up after all and goes first; A-003 leaves.
    let back = desk
        .requeue(loket1, first.id, Some(0))
        .await
        .expect("requeue");
    assert_eq!(back.status, TicketStatus::Waiting);
    let a003 = queue.waiting[1].id;
    assert_eq!(
        desk.cancel(loket1, a003).await.expect("cancel").status,
        TicketStatus::Cancelled
    );
    let again = desk
        .call_next(loket1)
        .await
        .expect("call")
        .expect("a ticket");
    assert_eq!(again.id, first.id);

    // The doctor sends them on to the dentist: the same visit, a new ticket.
    let moved = desk
        .transfer(loket1, gigi.id, None)
        .await
        .expect("transfer");
    assert_eq!(
        (moved.number.as_str(), moved.status, moved.transferred_from),
        ("B-001", TicketStatus::Waiting, Some(first.id))
    );
    assert_eq!(moved.visit_id, first.visit_id);
    assert_api_error(
        desk.complete(loket1, &CompleteRequest::default()).await,
        409,
        ErrorCode::NoCurrentTicket,
    );

    assert!(desk.pause(loket1).await.expect("a break").paused);
    assert_api_error(desk.call_next(loket1).await, 409, ErrorCode::CounterPaused);
    assert!(!desk.resume(loket1).await.expect("back").paused);
    let a002 = desk
        .call_next(loket1)
        .await
        .expect("call")
        .expect("a ticket");
    assert_eq!(a002.number, "A-002");
    assert_api_error(desk.call_next(loket2).await, 403, ErrorCode::Forbidden);

    desk.logout().await.expect("log out");
    assert_eq!(desk.token(), None);
    assert_api_error(desk.counters().await, 401, ErrorCode::Unauthorized);
    server.stop().await;
}

/// The next message, skipping connection news; panics if none comes or the stream ends.
async fn next_message(subscription: &mut Subscription) -> StreamMessage {
    let wait = tokio::time::timeout(PATIENCE, async {
        loop {
            match subscription.recv().await {
                Some(StreamUpdate::Message(message)) => return message,
                Some(StreamUpdate::Connected | StreamUpdate::Disconnected { .. }) => continue,
                Some(StreamUpdate::Ended(err)) => panic!("the stream ended: {err}"),
                None => panic!("the subscription stopped"),
            }
        }
    });
    wait.await.expect("a message in time")
}

async fn first_snapshot(subscription: &mut Subscription) -> (u64, Snapshot) {
    match next_message(subscription).await {
        StreamMessage::Snapshot { seq, snapshot } => (seq, snapshot),
        other => panic!("expected a snapshot first, got {other:?}"),
    }
}

/// The next `count` messages, which must all be events: a snapshot here would mean the client
/// resumed without `since`, or from the wrong place.
async fn events(subscription: &mut Subscription, count: usize) -> Vec<StreamMessage> {
    let mut got = Vec::new();
    while got.len() < count {
        let message = next_message(subscription).await;
        assert!(
            matches!(message, StreamMessage::Event { .. }),
            "a snapshot after {} events: {message:?}",
            got.len()
        );
        got.push(message);
    }
    got
}

/// Asserts that no message arrives within `QUIET`.
async fn assert_quiet(subscription: &mut Subscription) {
    let more = tokio::time::timeout(QUIET, next_message(subscription)).await;
    if let Ok(message) = more {
        panic!("expected nothing more, got {message:?}");
    }
}

fn seq(message: &StreamMessage) -> u64 {
    match message {
        StreamMessage::Snapshot { seq, .. } | StreamMessage::Event { seq, .. } => *seq,
    }
}

async fn display_hears_the_snapshot_then_each_call(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let mut display = client(&server)
        .with_token(server.display_token().await)
        .subscribe(hurried())
        .expect("subscribe");
    assert_eq!(display.recv().await, Some(StreamUpdate::Connected));
    let (start, Snapshot::Display { board }) = first_snapshot(&mut display).await else {
        panic!("a display snapshot")
    };
    assert_eq!(board.counters.len(), 4);
    assert!(board.counters.iter().all(|c| c.current.is_none()));

    server.take("A", json!({"name": "Siti Rahayu"})).await;
    server.call_next(&admin, loket1).await;
    let message = next_message(&mut display).await;
    assert!(seq(&message) > start);
    let StreamMessage::Event {
        event: Event::Called { call },
        ..
    } = message
    else {
        panic!("a call, got {message:?}")
    };
    assert_eq!(
        (call.number.as_str(), call.counter_number, call.recalls),
        ("A-001", 1, 0)
    );
    server.stop().await;
}

async fn patient_follows_their_ticket_until_called(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    server.take("A", json!({})).await;
    let phone = client(&server);
    let umum = service(&phone, "A").await;
    let mine = phone
        .take_ticket(&NewTicket {
            service_id: umum.id,
            device_id: Some("android-5f3a".into()),
            ..NewTicket::default()
        })
        .await
        .expect("a ticket");
    let mut tracking = phone
        .follow_ticket(mine.ticket.id, &mine.tracking_token, hurried())
        .expect("follow");
    let (_, Snapshot::Patient { ticket }) = first_snapshot(&mut tracking).await else {
        panic!("a patient snapshot")
    };
    assert_eq!(
        (ticket.number.as_str(), ticket.people_ahead),
        ("A-002", Some(1))
    );

    server.call_next(&admin, loket1).await;
    server.call_next(&admin, loket1).await;
    let called = tokio::time::timeout(PATIENCE, async {
        loop {
            if let StreamMessage::Event {
                event: Event::TicketUpdated { ticket },
                ..
            } = next_message(&mut tracking).await
                && ticket.status == TicketStatus::Called
            {
                return ticket;
            }
        }
    })
    .await
    .expect("the phone hears the call");
    assert_eq!(called.counter.map(|c| c.number), Some(1));
    server.stop().await;
}

async fn display_resumes_across_a_server_restart_with_exactly_the_missed_events(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    for _ in 0..11 {
        server.take("A", json!({})).await;
    }
    let wifi = Relay::start(server.addr).await;
    let mut display = ApiClient::new(&wifi.url())
        .expect("relay address")
        .with_token(server.display_token().await)
        .subscribe(hurried())
        .expect("subscribe");
    first_snapshot(&mut display).await;
    server.call_next(&admin, loket1).await;
    let last_heard = seq(&events(&mut display, 1).await[0]);

    // The server restarts while the display cannot get back in; meanwhile the desk calls ten
    // patients: ten calls on the board (displays are not sent finishes).
    wifi.hold_shut();
    let server = server.restart().await;
    let admin = server.admin().await;
    for _ in 0..10 {
        server.call_next(&admin, loket1).await;
    }
    wifi.reopen(server.addr);

    let resumed = events(&mut display, 10).await;
    assert_quiet(&mut display).await;
    let seqs: Vec<u64> = resumed.iter().map(seq).collect();
    assert!(seqs[0] > last_heard, "nothing delivered twice");
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "in order, no repeats: {seqs:?}"
    );
    let called: Vec<String> = resumed
        .iter()
        .filter_map(|m| match m {
            StreamMessage::Event {
                event: Event::Called { call },
                ..
            } => Some(call.number.clone()),
            _ => None,
        })
        .collect();
    let expected: Vec<String> = (2..=11).map(|n| format!("A-{n:03}")).collect();
    assert_eq!(called, expected);
    assert!(
        wifi.requests()
            .last()
            .is_some_and(|r| r.contains(&format!("since={last_heard}"))),
        "resumed with since={last_heard}: {:?}",
        wifi.requests()
    );

    // Exactly what a display that never lost its connection would have seen.
    let witness_token = server.display_token().await;
    let mut witness = server
        .subscribe(&format!("token={witness_token}&since={last_heard}"))
        .await;
    let mut truth = Vec::new();
    while truth.len() < 10 {
        truth.push(witness.next().await);
    }
    witness.assert_quiet(QUIET).await;
    assert_eq!(resumed, truth);
    server.stop().await;
}

async fn a_dropped_network_is_resumed_without_a_gap_or_a_repeat(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let wifi = Relay::start(server.addr).await;
    let mut office = ApiClient::new(&wifi.url())
        .expect("relay address")
        .with_token(admin.clone())
        .subscribe(hurried())
        .expect("subscribe");
    let (since, _) = first_snapshot(&mut office).await;

    // The access point dies without a goodbye; twenty patients take tickets meanwhile.
    wifi.cut();
    for _ in 0..20 {
        server.take("C", json!({})).await;
    }
    wifi.reopen(server.addr);

    let missed = events(&mut office, 20).await;
    assert_eq!(
        missed.iter().map(seq).collect::<Vec<_>>(),
        (since + 1..=since + 20).collect::<Vec<_>>(),
        "exactly the missed events, in order"
    );
    assert!(missed.iter().all(|m| matches!(
        m,
        StreamMessage::Event {
            event: Event::Queued { .. },
            ..
        }
    )));
    assert_quiet(&mut office).await;

    // And live events follow on the new connection.
    server.take("C", json!({})).await;
    assert_eq!(seq(&events(&mut office, 1).await[0]), since + 21);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_connection_is_declared_dead_and_replaced() {
    let server = TestServer::start(Backend::Sqlite).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let wifi = Relay::start(server.addr).await;
    let mut display = ApiClient::new(&wifi.url())
        .expect("relay address")
        .with_token(server.display_token().await)
        .subscribe(hurried())
        .expect("subscribe");
    first_snapshot(&mut display).await;

    // The line stays open but carries nothing: no reset, no close, just silence.
    wifi.freeze();
    server.take("A", json!({})).await;
    server.call_next(&admin, loket1).await;
    let started = std::time::Instant::now();
    let reason = tokio::time::timeout(PATIENCE, async {
        loop {
            match display.recv().await {
                Some(StreamUpdate::Disconnected { reason, .. }) => return reason,
                Some(StreamUpdate::Connected) => continue,
                other => panic!("expected the line to be declared dead, got {other:?}"),
            }
        }
    })
    .await
    .expect("noticed in time");
    assert!(reason.contains("no word"), "{reason}");
    assert!(started.elapsed() < Duration::from_secs(3));

    let call = events(&mut display, 1).await;
    let StreamMessage::Event {
        event: Event::Called { call },
        ..
    } = &call[0]
    else {
        panic!("the call made while the line was dead, got {call:?}")
    };
    assert_eq!(call.number, "A-001");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_session_ends_the_stream_instead_of_retrying() {
    let server = TestServer::start(Backend::Sqlite).await;
    let mut stale = client(&server)
        .with_token("sesi-kemarin")
        .subscribe(hurried())
        .expect("subscribe");
    let ended = tokio::time::timeout(PATIENCE, stale.recv())
        .await
        .expect("an answer in time");
    let Some(StreamUpdate::Ended(err)) = ended else {
        panic!("expected the stream to end, got {ended:?}")
    };
    assert_eq!(
        (
            err.code(),
            matches!(err, ClientError::Api { status: 401, .. })
        ),
        (Some(ErrorCode::Unauthorized), true),
        "{err}"
    );
    assert_eq!(stale.recv().await, None, "nothing follows the end");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_subscription_closes_the_connection() {
    let server = TestServer::start(Backend::Sqlite).await;
    let wifi = Relay::start(server.addr).await;
    let mut display = ApiClient::new(&wifi.url())
        .expect("relay address")
        .with_token(server.display_token().await)
        .subscribe(hurried())
        .expect("subscribe");
    first_snapshot(&mut display).await;
    assert_eq!(wifi.open_connections(), 1);

    drop(display);
    let closed = tokio::time::timeout(PATIENCE, async {
        while wifi.open_connections() > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(closed.is_ok(), "the connection outlived its subscription");
    server.stop().await;
}

#[tokio::test]
async fn an_unreachable_server_is_a_network_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let addr = listener.local_addr().expect("its address");
    drop(listener);
    let patient = ApiClient::new(&format!("http://{addr}")).expect("address");
    let result = patient.services().await;
    assert!(matches!(result, Err(ClientError::Network(_))), "{result:?}");
}
