//! The apps' library (the UniFFI objects of `giliran_core::ffi`) against the real server, called
//! as Kotlin and Swift call them: blocking methods from an app thread, observers called back
//! from the core's own threads.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use giliran_core::ffi::{
    GiliranError, PatientClient, PatientNotice, QueueObserver, StaffClient, TicketInfo,
    TicketObserver, announcement_text,
};
use giliran_core::status::TicketStatus;
use giliran_tests::{ADMIN_PASSWORD, Backend, TestServer};

/// What an observer heard, in order.
#[derive(Debug)]
enum Heard {
    Ticket(TicketInfo),
    Notice(PatientNotice),
}

struct Recorder(Sender<Heard>, Arc<AtomicBool>);

impl TicketObserver for Recorder {
    fn on_ticket(&self, ticket: TicketInfo) {
        let _ = self.0.send(Heard::Ticket(ticket));
    }
    fn on_notice(&self, notice: PatientNotice) {
        let _ = self.0.send(Heard::Notice(notice));
    }
    fn on_connection(&self, online: bool) {
        self.1.store(online, Ordering::SeqCst);
    }
}

struct QueueRecorder(Sender<giliran_core::ffi::CounterQueueInfo>);

impl QueueObserver for QueueRecorder {
    fn on_queue(&self, queue: giliran_core::ffi::CounterQueueInfo) {
        let _ = self.0.send(queue);
    }
    fn on_connection(&self, _online: bool) {}
}

/// The next ticket state the observer hears within `wait`, skipping connection news.
fn next_ticket(heard: &Receiver<Heard>, wait: Duration) -> Option<TicketInfo> {
    let deadline = Instant::now() + wait;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match heard.recv_timeout(left) {
            Ok(Heard::Ticket(ticket)) => return Some(ticket),
            Ok(Heard::Notice(_)) => continue,
            Err(_) => return None,
        }
    }
    None
}

/// The notices told right after a state (each follows its state at once), waiting up to a
/// second for the first, then taking whatever else is queued.
fn notices(heard: &Receiver<Heard>) -> Vec<PatientNotice> {
    let mut told = Vec::new();
    if let Ok(Heard::Notice(first)) = heard.recv_timeout(Duration::from_secs(1)) {
        told.push(first);
    }
    told.extend(heard.try_iter().filter_map(|h| match h {
        Heard::Notice(n) => Some(n),
        Heard::Ticket(_) => None,
    }));
    told
}

#[test]
fn a_patient_follows_their_ticket_while_staff_call_and_serve_it() {
    let harness = tokio::runtime::Runtime::new().expect("runtime");
    let server = harness.block_on(TestServer::start(Backend::Sqlite));
    let url = server.url("");
    let phone_dir = tempfile::tempdir().expect("dir");
    let tablet_dir = tempfile::tempdir().expect("dir");
    let phone_data = phone_dir.path().display().to_string();

    let patient = PatientClient::new(url.clone(), phone_data.clone()).expect("patient client");
    let umum = patient
        .services()
        .expect("services")
        .into_iter()
        .find(|s| s.code == "A")
        .expect("Poli Umum");
    let taken_at = Instant::now();
    let ticket = patient
        .take_ticket(umum.id.clone(), Some("Siti".into()), None)
        .expect("a ticket");
    assert_eq!(ticket.number, "A-001");
    let (tx, heard) = channel();
    let online = Arc::new(AtomicBool::new(false));
    let tracking = patient
        .track(
            ticket.id.clone(),
            Arc::new(Recorder(tx, Arc::clone(&online))),
        )
        .expect("tracking");
    let first = next_ticket(&heard, Duration::from_secs(5)).expect("a first state");
    let first_state = taken_at.elapsed();
    assert_eq!(first.status, TicketStatus::Waiting);
    assert_eq!(first.people_ahead, Some(0));
    assert!(online.load(Ordering::SeqCst), "told it is online");
    println!("take ticket → first tracking state at the observer: {first_state:?}");

    let staff = StaffClient::new(url.clone(), tablet_dir.path().display().to_string())
        .expect("staff client");
    let me = staff
        .login("admin".into(), ADMIN_PASSWORD.into())
        .expect("login");
    assert!(me.is_admin);
    let loket1 = staff
        .counters()
        .expect("counters")
        .into_iter()
        .find(|c| c.number == 1)
        .expect("Loket 1");
    let (qtx, queues) = channel();
    let _watching = staff
        .observe_queue(loket1.id.clone(), Arc::new(QueueRecorder(qtx)))
        .expect("watching");
    let opening = queues
        .recv_timeout(Duration::from_secs(5))
        .expect("the queue");
    assert_eq!(opening.waiting.len(), 1);

    let called = staff
        .call_next(loket1.id.clone())
        .expect("call")
        .expect("somebody waits");
    let call_returned = Instant::now();
    assert_eq!(called.number, "A-001");
    let seen = next_ticket(&heard, Duration::from_secs(1)).expect("the call within a second");
    println!("call → patient observer: {:?}", call_returned.elapsed());
    assert_eq!(seen.status, TicketStatus::Called);
    assert_eq!(seen.counter_number, Some(1));
    let told = notices(&heard);
    assert!(
        matches!(
            &told[..],
            [PatientNotice::Called {
                counter_number: 1,
                recalls: 0,
                ..
            }]
        ),
        "{told:?}"
    );
    let on_tablet = queues
        .recv_timeout(Duration::from_secs(5))
        .expect("the queue moved");
    assert_eq!(
        on_tablet.current.map(|t| t.number).as_deref(),
        Some("A-001")
    );

    // The phone opened again offline shows the called ticket from its own store.
    let reopened = PatientClient::new(url.clone(), phone_data).expect("reopened");
    let offline = reopened
        .active_ticket()
        .expect("store")
        .expect("the ticket");
    assert_eq!(offline.status, TicketStatus::Called);
    assert_eq!(
        staff.last_counter().expect("store"),
        Some(loket1.id.clone())
    );

    staff.complete(loket1.id.clone()).expect("complete");
    let done = next_ticket(&heard, Duration::from_secs(2)).expect("done");
    assert_eq!(done.status, TicketStatus::Done);
    assert!(matches!(
        &notices(&heard)[..],
        [PatientNotice::Finished {
            status: TicketStatus::Done,
            ..
        }]
    ));
    assert_eq!(reopened.active_ticket().expect("store"), None);
    assert_eq!(reopened.history().expect("history").len(), 1);
    tracking.stop();

    // Errors are typed, with the contract's code.
    match patient.take_ticket(uuid::Uuid::new_v4().to_string(), None, None) {
        Err(GiliranError::Api { code, .. }) => assert_eq!(code, "service_not_found"),
        other => panic!("an unknown service: {other:?}"),
    }
    match patient.cancel(uuid::Uuid::new_v4().to_string()) {
        Err(GiliranError::Config { .. }) => {}
        other => panic!("a ticket this phone did not take: {other:?}"),
    }
    match staff.login("admin".into(), "salah-salah-salah".into()) {
        Err(GiliranError::Api { code, .. }) => assert_eq!(code, "invalid_credentials"),
        other => panic!("a wrong password: {other:?}"),
    }
    assert!(matches!(
        PatientClient::new("not a url".into(), tablet_dir.path().display().to_string()),
        Err(GiliranError::Config { .. })
    ));

    assert_eq!(
        announcement_text("id".into(), None, "A-123".into(), "Loket 2".into()).expect("text"),
        "Nomor antrean A seratus dua puluh tiga, silakan menuju Loket dua."
    );
    harness.block_on(server.stop());
}

#[test]
fn a_call_made_while_the_phone_was_offline_is_heard_once_when_it_reconnects() {
    let harness = tokio::runtime::Runtime::new().expect("runtime");
    let server = harness.block_on(TestServer::start(Backend::Sqlite));
    let wifi = harness.block_on(giliran_tests::Relay::start(server.addr));
    let phone_dir = tempfile::tempdir().expect("dir");
    let tablet_dir = tempfile::tempdir().expect("dir");

    let patient = PatientClient::new(wifi.url(), phone_dir.path().display().to_string())
        .expect("patient client");
    let umum = patient.services().expect("services")[0].id.clone();
    let ticket = patient.take_ticket(umum, None, None).expect("a ticket");
    let (tx, heard) = channel();
    let online = Arc::new(AtomicBool::new(false));
    let _tracking = patient
        .track(
            ticket.id.clone(),
            Arc::new(Recorder(tx, Arc::clone(&online))),
        )
        .expect("tracking");
    assert_eq!(
        next_ticket(&heard, Duration::from_secs(5)).map(|t| t.status),
        Some(TicketStatus::Waiting)
    );

    // The Wi-Fi drops; the tablet calls the patient meanwhile.
    wifi.cut();
    let deadline = Instant::now() + Duration::from_secs(10);
    while online.load(Ordering::SeqCst) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !online.load(Ordering::SeqCst),
        "the observer hears it is offline"
    );
    let staff = StaffClient::new(server.url(""), tablet_dir.path().display().to_string())
        .expect("staff client");
    staff
        .login("admin".into(), ADMIN_PASSWORD.into())
        .expect("login");
    let loket1 = staff.counters().expect("counters")[0].id.clone();
    staff
        .call_next(loket1.clone())
        .expect("call")
        .expect("a ticket");
    staff.recall(loket1).expect("recall");
    assert!(next_ticket(&heard, Duration::from_millis(300)).is_none());

    // Back online: the call is heard, once, with the recall already in it.
    wifi.reopen(server.addr);
    let called = next_ticket(&heard, Duration::from_secs(15)).expect("the call after reconnecting");
    assert_eq!(called.status, TicketStatus::Called);
    assert_eq!(called.recalls, 1);
    assert!(online.load(Ordering::SeqCst));
    let told = notices(&heard);
    assert!(
        matches!(&told[..], [PatientNotice::Called { recalls: 1, .. }]),
        "one call told: {told:?}"
    );
    drop(wifi);
    harness.block_on(server.stop());
}
