//! The BPJS antrean bridge against a fake BPJS written from its public documentation: a visit's
//! steps reach BPJS as signed requests, task by task in order with times that never go back;
//! an outage delays them without slowing a call at the counter, and afterwards nothing is
//! missing and nothing was sent twice.

use std::collections::HashMap;
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use giliran_core::antrean::{BpjsPoli, BpjsReport, BridgeStatus, Reconciliation, ReportState};
use giliran_core::wire::{ErrorCode, IssuedTicket, Service, Ticket, TicketView};
use giliran_server::clock::Clock;
use giliran_tests::fake_bpjs::{Credentials, FakeBpjs, Mode};
use giliran_tests::{Backend, TestServer, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(
    a_visit_reaches_bpjs_task_by_task_in_order,
    an_outage_delays_reports_but_loses_and_repeats_none,
    a_slow_bpjs_gets_every_report_once_whether_it_answers_in_time_or_not,
    mobile_jkn_books_checks_in_and_cancels_through_the_hospital_web_service,
    a_mobile_jkn_booking_for_a_later_day_keeps_its_number_until_its_patient_checks_in,
    bpjs_may_sign_its_calls_and_then_reads_encrypted_compressed_answers,
    registration_records_a_jkn_member_whose_visit_bpjs_then_hears_of_as_jkn,
    a_booking_made_before_the_day_started_over_checks_in_with_a_fresh_number,
);

const CONS_ID: &str = "27312";
const SECRET_KEY: &str = "rS#9kq2LmT";
const USER_KEY: &str = "4f1c0d9e8b7a6c5d4e3f2a1b0c9d8e7f";
/// What the hospital gave BPJS to call its own web service.
const WS_USERNAME: &str = "bpjs-mjkn";
const WS_PASSWORD: &str = "sandi-untuk-bpjs-2026";

fn credentials(secret_key: &str) -> Credentials {
    Credentials {
        cons_id: CONS_ID.into(),
        secret_key: secret_key.into(),
        user_key: USER_KEY.into(),
    }
}

/// A hospital whose poli A is a BPJS poli: registration `R` → poli `A` → pharmacy `F`.
struct Hospital {
    server: TestServer,
    admin: String,
    staff: String,
    registration: Service,
    poli: Service,
    desk: HashMap<&'static str, Uuid>,
}

/// The flags of a server reporting to `fake`.
fn bridge_flags(fake: &FakeBpjs, secret_key: &str) -> Vec<String> {
    [
        "--bpjs-url",
        &fake.base_url(),
        "--bpjs-cons-id",
        CONS_ID,
        "--bpjs-secret-key",
        secret_key,
        "--bpjs-user-key",
        USER_KEY,
        "--bpjs-timeout-secs",
        "2",
        "--bpjs-ws-username",
        WS_USERNAME,
        "--bpjs-ws-password",
        WS_PASSWORD,
    ]
    .map(str::to_owned)
    .to_vec()
}

async fn hospital(backend: Backend, fake: &FakeBpjs, secret_key: &str) -> Hospital {
    let flags = bridge_flags(fake, secret_key);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let server = TestServer::start_with(backend, &flags).await;
    let admin = server.admin().await;
    let create = |body: Value| {
        let server = &server;
        let admin = &admin;
        async move {
            server
                .post("/api/v1/admin/services", Some(admin), body)
                .await
                .assert_ok()
                .json::<Service>()
        }
    };
    let registration =
        create(json!({"code": "R", "name": "Pendaftaran", "station": "registration"})).await;
    let pharmacy = create(json!({"code": "F", "name": "Farmasi", "station": "pharmacy"})).await;
    let poli = server.service("A").await;
    server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/services/{}", poli.id),
            Some(&admin),
            Some(json!({"next_service_id": pharmacy.id})),
        )
        .await
        .assert_ok();
    let mapped: BpjsPoli = server
        .send(
            Method::PUT,
            &format!("/api/v1/admin/bpjs/polis/{}", poli.id),
            Some(&admin),
            Some(json!({
                "poli_code": "int", "poli_name": "Penyakit Dalam", "doctor_code": 33021,
                "doctor_name": "dr. Ratna Sari, Sp.PD", "practice_hours": "08:00-14:00",
                "quota_jkn": 30, "quota_non_jkn": 20
            })),
        )
        .await
        .assert_ok()
        .json();
    assert_eq!(mapped.codes.poli_code, "INT", "codes are tidied");
    let mut desk = HashMap::new();
    desk.insert("A", server.counter_id(&admin, 1).await);
    for (number, code, service) in [(5, "R", &registration), (7, "F", &pharmacy)] {
        let counter = server.create_counter(&admin, number, service.id).await;
        desk.insert(code, counter);
    }
    let all: Vec<Uuid> = desk.values().copied().collect();
    let staff = server.staff_at(&admin, "dewi", &all).await;
    Hospital {
        server,
        admin,
        staff,
        registration,
        poli,
        desk,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Registered,
    Examining,
}

/// The tickets of one morning, in the order of the visit's steps.
struct Morning {
    booking_code: String,
    registration: Ticket,
    poli: Ticket,
    pharmacy: Ticket,
    /// The slowest answer to a queue action.
    slowest_action: StdDuration,
}

impl Hospital {
    async fn act(&self, station: &str, action: &str, slowest: &mut StdDuration) -> Ticket {
        // Each step a minute after the one before, so every task has a time of its own.
        self.server.clock.advance(Duration::minutes(1));
        let asked = Instant::now();
        let reply = self
            .server
            .counter_action(&self.staff, self.desk[station], action)
            .await;
        *slowest = (*slowest).max(asked.elapsed());
        reply.assert_ok();
        reply.json::<TicketView>().ticket
    }

    async fn ticket(&self, id: Uuid, tracking_token: &str) -> Ticket {
        self.server
            .get(&format!("/api/v1/tickets/{id}"), Some(tracking_token))
            .await
            .assert_ok()
            .json::<TicketView>()
            .ticket
    }

    /// Registration, the poli, the pharmacy, as staff do it.
    async fn morning(&self) -> Morning {
        self.morning_with(async |_, _| {}).await
    }

    /// The morning, with `pause` run once registration is done and once the poli has called.
    async fn morning_with(&self, mut pause: impl AsyncFnMut(Stage, &str)) -> Morning {
        let issued: IssuedTicket = self
            .server
            .post(
                "/api/v1/tickets",
                None,
                json!({"service_id": self.registration.id, "phone": "0812-3456-7890",
                       "destination_service_id": self.poli.id}),
            )
            .await
            .assert_ok()
            .json();
        let mut slowest = StdDuration::ZERO;
        self.act("R", "call-next", &mut slowest).await;
        self.act("R", "recall", &mut slowest).await;
        let registered = self.act("R", "complete", &mut slowest).await;
        let poli = registered.transferred_to.expect("sent on to the poli");
        pause(Stage::Registered, &issued.ticket.booking_code).await;
        self.act("A", "call-next", &mut slowest).await;
        pause(Stage::Examining, &issued.ticket.booking_code).await;
        let examined = self.act("A", "complete", &mut slowest).await;
        let pharmacy = examined.transferred_to.expect("sent on to the pharmacy");
        self.act("F", "call-next", &mut slowest).await;
        self.act("F", "complete", &mut slowest).await;
        Morning {
            booking_code: issued.ticket.booking_code.clone(),
            registration: self.ticket(issued.ticket.id, &issued.tracking_token).await,
            poli: self.ticket(poli, &issued.tracking_token).await,
            pharmacy: self.ticket(pharmacy, &issued.tracking_token).await,
            slowest_action: slowest,
        }
    }

    async fn reports(&self) -> Vec<BpjsReport> {
        self.server
            .get(
                "/api/v1/admin/bpjs/reports?day=2026-11-23",
                Some(&self.admin),
            )
            .await
            .assert_ok()
            .json()
    }
}

/// Waits until BPJS holds `count` tasks of the visit.
async fn bpjs_holds(fake: &FakeBpjs, booking_code: &str, count: usize, within: StdDuration) {
    let deadline = Instant::now() + within;
    while fake.tasks(booking_code).len() < count {
        assert!(
            Instant::now() < deadline,
            "BPJS holds {:?} of {booking_code} after {within:?}",
            fake.tasks(booking_code)
        );
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

async fn until(within: StdDuration, what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + within;
    while !done() {
        assert!(Instant::now() < deadline, "not within {within:?}: {what}");
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}

/// What BPJS must hold after the morning: tasks 1 to 7 at the times of the queue actions.
fn expected_tasks(morning: &Morning) -> Vec<(u16, i64)> {
    let ms = |at: Option<chrono::DateTime<chrono::Utc>>| at.expect("a time").timestamp_millis();
    vec![
        (1, morning.registration.issued_at.timestamp_millis()),
        (2, ms(morning.registration.called_at)),
        (3, ms(morning.registration.finished_at)),
        (4, ms(morning.poli.called_at)),
        (5, ms(morning.poli.finished_at)),
        (6, ms(morning.pharmacy.called_at)),
        (7, ms(morning.pharmacy.finished_at)),
    ]
}

fn held(fake: &FakeBpjs, booking_code: &str) -> Vec<(u16, i64)> {
    fake.tasks(booking_code)
        .iter()
        .map(|t| (t.taskid, t.waktu_ms))
        .collect()
}

async fn a_visit_reaches_bpjs_task_by_task_in_order(backend: Backend) {
    let fake = FakeBpjs::start(credentials(SECRET_KEY))
        .await
        .expect("fake BPJS");
    let h = hospital(backend, &fake, SECRET_KEY).await;
    let morning = h.morning().await;
    let code = &morning.booking_code;
    bpjs_holds(&fake, code, 7, StdDuration::from_secs(20)).await;

    let booking = fake.booking(code).expect("BPJS was told of the visit");
    let added = booking.body.expect("antrean/add's body");
    assert_eq!(added["kodepoli"], "INT");
    assert_eq!(added["kodedokter"], 33021);
    assert_eq!(added["jampraktek"], "08:00-14:00");
    assert_eq!(added["nomorantrean"], morning.poli.number.as_str());
    assert_eq!(added["tanggalperiksa"], "2026-11-23");
    assert_eq!(added["jenispasien"], "NON JKN");
    assert_eq!(added["nohp"], "081234567890");
    assert_eq!(held(&fake, code), expected_tasks(&morning));
    for task in [1, 2, 3, 4, 5, 6, 7] {
        assert_eq!(fake.deliveries(code, task), 1, "task {task} sent once");
    }
    assert_eq!(fake.add_deliveries(code), 1);
    assert_eq!(fake.stats().signature_failures, 0);

    let reports = h.reports().await;
    let tasks: Vec<Option<u16>> = reports.iter().map(|r| r.task_id).collect();
    let mut queued = tasks.clone();
    queued.sort();
    assert_eq!(
        queued,
        [
            None,
            Some(1),
            Some(2),
            Some(3),
            Some(4),
            Some(5),
            Some(6),
            Some(7)
        ],
        "the visit's add and its seven tasks, once each"
    );
    assert!(
        reports.iter().all(|r| r.state == ReportState::Sent),
        "{reports:#?}"
    );
    // Compared with what BPJS holds, everything matches.
    let checked: Reconciliation = h
        .server
        .post(
            "/api/v1/admin/bpjs/reconciliation?day=2026-11-23",
            Some(&h.admin),
            json!({}),
        )
        .await
        .assert_ok()
        .json();
    assert_eq!(
        (
            checked.visits,
            checked.matching,
            checked.resent,
            checked.confirmed,
            checked.waiting
        ),
        (1, 8, 0, 0, 0),
        "{checked:?}"
    );
    let kept: Option<Reconciliation> = h
        .server
        .get(
            "/api/v1/admin/bpjs/reconciliation?day=2026-11-23",
            Some(&h.admin),
        )
        .await
        .assert_ok()
        .json();
    assert_eq!(kept, Some(checked));
    let retry = h
        .server
        .post(
            &format!("/api/v1/admin/bpjs/reports/{}/retry", reports[0].id),
            Some(&h.admin),
            json!({}),
        )
        .await;
    retry.assert_error(409, ErrorCode::InvalidTransition);
    h.server
        .post(
            "/api/v1/admin/bpjs/reports/999999/retry",
            Some(&h.admin),
            json!({}),
        )
        .await
        .assert_error(404, ErrorCode::ReportNotFound);
}

async fn an_outage_delays_reports_but_loses_and_repeats_none(backend: Backend) {
    let fake = FakeBpjs::start(credentials(SECRET_KEY))
        .await
        .expect("fake BPJS");
    let h = hospital(backend, &fake, SECRET_KEY).await;
    fake.set_mode(Mode::Down);
    let morning = h
        .morning_with(async |stage, code| match stage {
            Stage::Registered => {
                // BPJS away since the start: the bridge keeps trying, and says why it has not
                // got through.
                tokio::time::sleep(StdDuration::from_secs(2)).await;
                let waiting = h.reports().await;
                assert_eq!(waiting.len(), 4, "the add and tasks 1-3: {waiting:#?}");
                assert!(
                    waiting
                        .iter()
                        .all(|r| r.state == ReportState::Pending && r.sent_at.is_none()),
                    "{waiting:#?}"
                );
                // The visit's add goes first; its tasks wait behind it.
                let add = waiting
                    .iter()
                    .find(|r| r.task_id.is_none())
                    .expect("the add");
                assert!(add.attempts >= 1 && add.last_error.is_some(), "{add:#?}");
                assert!(fake.booking(code).is_none());
                // BPJS comes back behind a gateway that loses answers: the add is done there,
                // the hospital hears nothing, and must not send it again.
                fake.set_mode(Mode::ProcessThenFail);
                until(StdDuration::from_secs(20), "the add reached BPJS", || {
                    fake.add_deliveries(code) == 1
                })
                .await;
                tokio::time::sleep(StdDuration::from_secs(1)).await;
                fake.set_mode(Mode::Up);
                until(StdDuration::from_secs(20), "tasks 1-3 reached BPJS", || {
                    fake.tasks(code).len() == 3
                })
                .await;
                fake.set_mode(Mode::ProcessThenFail);
            }
            Stage::Examining => {
                // The poli's call (task 4) is lost the same way.
                until(StdDuration::from_secs(20), "task 4 reached BPJS", || {
                    fake.tasks(code).len() == 4
                })
                .await;
                tokio::time::sleep(StdDuration::from_secs(1)).await;
                fake.set_mode(Mode::Up);
            }
        })
        .await;
    let code = morning.booking_code.clone();
    assert!(
        morning.slowest_action < StdDuration::from_secs(1),
        "BPJS away never slows the counter: slowest action {:?}",
        morning.slowest_action
    );
    bpjs_holds(&fake, &code, 7, StdDuration::from_secs(60)).await;

    assert_eq!(held(&fake, &code), expected_tasks(&morning));
    assert_eq!(fake.add_deliveries(&code), 1, "the visit was added once");
    for task in [1, 2, 3, 4, 5, 6, 7] {
        assert_eq!(fake.deliveries(&code, task), 1, "task {task} sent once");
    }
    let deadline = Instant::now() + StdDuration::from_secs(10);
    loop {
        let reports = h.reports().await;
        if reports.iter().all(|r| r.state == ReportState::Sent) {
            assert!(
                reports.iter().any(|r| r.attempts > 1),
                "some reports needed several tries: {reports:#?}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "{reports:#?}");
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

/// BPJS busy: first it answers slowly but within the bridge's 2 s timeout, then so slowly that
/// the bridge stops waiting after BPJS did the work. The counter never waits for it, and each
/// report reaches BPJS once.
async fn a_slow_bpjs_gets_every_report_once_whether_it_answers_in_time_or_not(backend: Backend) {
    let fake = FakeBpjs::start(credentials(SECRET_KEY))
        .await
        .expect("fake BPJS");
    let h = hospital(backend, &fake, SECRET_KEY).await;
    let exactly_once = |morning: &Morning| {
        let code = &morning.booking_code;
        assert_eq!(held(&fake, code), expected_tasks(morning));
        assert_eq!(fake.add_deliveries(code), 1, "the visit was added once");
        for task in [1, 2, 3, 4, 5, 6, 7] {
            assert_eq!(fake.deliveries(code, task), 1, "task {task} sent once");
        }
    };

    fake.set_mode(Mode::SlowAnswer(StdDuration::from_millis(700)));
    let first = h.morning().await;
    assert!(
        first.slowest_action < StdDuration::from_secs(1),
        "a slow BPJS never slows the counter: {:?}",
        first.slowest_action
    );
    bpjs_holds(&fake, &first.booking_code, 7, StdDuration::from_secs(30)).await;
    exactly_once(&first);

    fake.set_mode(Mode::SlowAnswer(StdDuration::from_millis(2500)));
    let second = h
        .morning_with(async |stage, code| {
            if stage == Stage::Registered {
                until(StdDuration::from_secs(20), "the add reached BPJS", || {
                    fake.add_deliveries(code) == 1
                })
                .await;
                // Long enough for the bridge to give up waiting for that answer.
                tokio::time::sleep(StdDuration::from_secs(3)).await;
                fake.set_mode(Mode::Up);
            }
        })
        .await;
    assert!(second.slowest_action < StdDuration::from_secs(1));
    bpjs_holds(&fake, &second.booking_code, 7, StdDuration::from_secs(60)).await;
    exactly_once(&second);
}

/// The bridge is down (only a replica without it runs) while the queue moves and the day's
/// sweep prunes the event log: the events it has not read are kept, and once a server with the
/// bridge runs again, BPJS gets every step, and its admin API shows it caught up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bridge_down_for_days_still_reports_every_step_when_it_is_back() {
    let fake = FakeBpjs::start(credentials(SECRET_KEY))
        .await
        .expect("fake BPJS");
    let h = hospital(Backend::Postgres, &fake, SECRET_KEY).await;
    let status: BridgeStatus = h
        .server
        .get("/api/v1/admin/bpjs/bridge", Some(&h.admin))
        .await
        .assert_ok()
        .json();
    assert_eq!(
        (status.problem.as_deref(), status.oldest_pending_at),
        (None, None)
    );
    let (staff, poli_desk) = (h.staff.clone(), h.desk["A"]);
    let plain = h.server.restart().await;
    plain
        .get("/api/v1/admin/bpjs/bridge", Some(&h.admin))
        .await
        .assert_error(404, ErrorCode::NotFound);

    let walk_in = plain.take("A", json!({})).await;
    let code = walk_in.ticket.booking_code.clone();
    for action in ["call-next", "complete"] {
        plain.clock.advance(Duration::minutes(1));
        plain
            .counter_action(&staff, poli_desk, action)
            .await
            .assert_ok();
    }
    // The sweep four days on, as far as these events go: it forgets what the bridge had read.
    plain
        .store()
        .prune_events(plain.clock.now() + Duration::days(4))
        .await
        .expect("pruning");

    let flags = bridge_flags(&fake, SECRET_KEY);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let back = plain.another_with(&flags).await;
    bpjs_holds(&fake, &code, 3, StdDuration::from_secs(20)).await;
    assert_eq!(
        fake.tasks(&code)
            .iter()
            .map(|t| t.taskid)
            .collect::<Vec<_>>(),
        [3, 4, 5]
    );
    assert_eq!(fake.add_deliveries(&code), 1);
    let status: BridgeStatus = back
        .get("/api/v1/admin/bpjs/bridge", Some(&h.admin))
        .await
        .assert_ok()
        .json();
    assert_eq!(status.events_behind, 0, "{status:?}");
    assert!(!status.stuck(back.clock.now()), "{status:?}");
    back.stop().await;
    plain.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_report_each_task_once() {
    let fake = FakeBpjs::start(credentials(SECRET_KEY))
        .await
        .expect("fake BPJS");
    let h = hospital(Backend::Postgres, &fake, SECRET_KEY).await;
    let flags = bridge_flags(&fake, SECRET_KEY);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let replica = h.server.another_with(&flags).await;
    let morning = h.morning().await;
    let code = &morning.booking_code;
    bpjs_holds(&fake, code, 7, StdDuration::from_secs(20)).await;
    // Both replicas read the log and send the outbox; one reads each event, one sends each
    // report.
    tokio::time::sleep(StdDuration::from_secs(1)).await;
    assert_eq!(held(&fake, code), expected_tasks(&morning));
    assert_eq!(fake.add_deliveries(code), 1);
    for task in [1, 2, 3, 4, 5, 6, 7] {
        assert_eq!(fake.deliveries(code, task), 1, "task {task} sent once");
    }
    replica.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_report_holds_its_visit_until_an_admin_retries_it() {
    let fake = FakeBpjs::start(credentials(SECRET_KEY))
        .await
        .expect("fake BPJS");
    let h = hospital(Backend::Sqlite, &fake, SECRET_KEY).await;
    let (_, issued) = token(&h.server, WS_PASSWORD).await;
    let jkn = MobileJkn {
        server: &h.server,
        token: issued["response"]["token"]
            .as_str()
            .expect("a token")
            .to_owned(),
    };
    let booked = jkn
        .done(
            "/bpjs/antrean/ambil",
            booking("0001112223334", "085711122233", "2026-11-23"),
        )
        .await;
    let code = booked["kodebooking"]
        .as_str()
        .expect("a booking code")
        .to_owned();
    // BPJS lost the booking it made: it refuses the check-in's task.
    let arrived = h.server.clock.now().timestamp_millis();
    jkn.done(
        "/bpjs/antrean/checkin",
        json!({"kodebooking": code, "waktu": arrived}),
    )
    .await;
    let mut slowest = StdDuration::ZERO;
    h.act("A", "call-next", &mut slowest).await;
    let failed = loop {
        let reports = h.reports().await;
        if let Some(failed) = reports.iter().find(|r| r.state == ReportState::Failed) {
            break failed.clone();
        }
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    };
    assert_eq!(failed.task_id, Some(3));
    assert!(
        failed
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("tidak ditemukan")),
        "BPJS's reason is kept: {failed:?}"
    );
    tokio::time::sleep(StdDuration::from_secs(1)).await;
    assert_eq!(
        fake.deliveries(&code, 4),
        0,
        "task 4 waits behind the refused task 3"
    );
    let waiting = h.reports().await;
    assert!(
        waiting
            .iter()
            .any(|r| r.task_id == Some(4) && r.state == ReportState::Pending && r.attempts == 0),
        "{waiting:#?}"
    );

    // The admin sorts it out with BPJS, then sends it again: the visit goes on.
    fake.register_booking(&code);
    let retried: BpjsReport = h
        .server
        .post(
            &format!("/api/v1/admin/bpjs/reports/{}/retry", failed.id),
            Some(&h.admin),
            json!({}),
        )
        .await
        .assert_ok()
        .json();
    assert_eq!(retried.state, ReportState::Pending);
    bpjs_holds(&fake, &code, 2, StdDuration::from_secs(10)).await;
    let tasks: Vec<u16> = fake.tasks(&code).iter().map(|t| t.taskid).collect();
    assert_eq!(tasks, [3, 4]);
    assert_eq!(fake.deliveries(&code, 4), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_credentials_are_refused_and_nothing_is_recorded() {
    let fake = FakeBpjs::start(credentials(SECRET_KEY))
        .await
        .expect("fake BPJS");
    let h = hospital(Backend::Sqlite, &fake, "not-the-secret").await;
    let morning = h.morning().await;
    let deadline = Instant::now() + StdDuration::from_secs(10);
    while fake.stats().signature_failures == 0 {
        assert!(Instant::now() < deadline, "the bridge never tried");
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    assert!(fake.booking(&morning.booking_code).is_none());
    let reports = h.reports().await;
    assert!(
        reports.iter().all(|r| r.state == ReportState::Pending),
        "kept to send once the credentials are right: {reports:#?}"
    );
    let add = reports
        .iter()
        .find(|r| r.task_id.is_none())
        .expect("the visit's add");
    assert!(
        add.last_error
            .as_deref()
            .is_some_and(|e| e.contains("credentials")),
        "{add:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_set_bpjs_poli_codes_that_make_sense() {
    let fake = FakeBpjs::start(credentials(SECRET_KEY))
        .await
        .expect("fake BPJS");
    let h = hospital(Backend::Sqlite, &fake, SECRET_KEY).await;
    let path = format!("/api/v1/admin/bpjs/polis/{}", h.registration.id);
    let good = json!({
        "poli_code": "ANA", "poli_name": "Anak", "doctor_code": 1201,
        "doctor_name": "dr. Budi", "practice_hours": "13:00-16:00",
        "quota_jkn": 10, "quota_non_jkn": 5
    });
    for (field, value) in [
        ("practice_hours", json!("16:00-13:00")),
        ("doctor_code", json!(0)),
        ("poli_code", json!("A N A")),
    ] {
        let mut body = good.clone();
        body[field] = value;
        let reply = h
            .server
            .send(Method::PUT, &path, Some(&h.admin), Some(body))
            .await;
        reply.assert_error(422, ErrorCode::InvalidField);
        assert_eq!(reply.body["error"]["field"], field);
    }
    let unknown = format!("/api/v1/admin/bpjs/polis/{}", Uuid::new_v4());
    let plain = TestServer::start(Backend::Sqlite).await;
    plain
        .get("/bpjs/token", None)
        .await
        .assert_error(404, ErrorCode::NotFound);
    let plain_admin = plain.admin().await;
    plain
        .post(
            "/api/v1/admin/bpjs/reconciliation",
            Some(&plain_admin),
            json!({}),
        )
        .await
        .assert_error(404, ErrorCode::NotFound);
    h.server
        .send(Method::PUT, &unknown, Some(&h.admin), Some(good.clone()))
        .await
        .assert_error(404, ErrorCode::ServiceNotFound);
    h.server
        .send(Method::PUT, &path, Some(&h.staff), Some(good.clone()))
        .await
        .assert_error(403, ErrorCode::Forbidden);
    h.server
        .send(Method::PUT, &path, Some(&h.admin), Some(good))
        .await
        .assert_ok();
    let polis: Vec<BpjsPoli> = h
        .server
        .get("/api/v1/admin/bpjs/polis", Some(&h.admin))
        .await
        .assert_ok()
        .json();
    assert_eq!(polis.len(), 2);
    h.server
        .send(Method::DELETE, &path, Some(&h.admin), None)
        .await
        .assert_ok();
    h.server
        .send(Method::DELETE, &path, Some(&h.admin), None)
        .await
        .assert_error(404, ErrorCode::ServiceNotFound);
}

/// BPJS (Mobile JKN) calling the hospital's web service.
struct MobileJkn<'a> {
    server: &'a TestServer,
    token: String,
}

impl MobileJkn<'_> {
    async fn call(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .server
            .http
            .post(self.server.url(path))
            .header("x-username", WS_USERNAME)
            .header("x-token", &self.token)
            .json(&body)
            .send()
            .await
            .expect("the server answers");
        let status = response.status().as_u16();
        (status, response.json().await.expect("BPJS's JSON shape"))
    }

    /// Expects BPJS's "done"; returns `response`.
    async fn done(&self, path: &str, body: Value) -> Value {
        let (status, answer) = self.call(path, body).await;
        assert_eq!(
            (status, &answer["metadata"]["code"]),
            (200, &json!(200)),
            "{path}: {answer}"
        );
        answer["response"].clone()
    }

    /// Expects BPJS's "not done"; returns the message.
    async fn refused(&self, path: &str, body: Value) -> String {
        let (status, answer) = self.call(path, body).await;
        assert_eq!(
            (status, &answer["metadata"]["code"]),
            (200, &json!(201)),
            "{path}: {answer}"
        );
        answer["metadata"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

impl<'a> MobileJkn<'a> {
    /// BPJS with a fresh token of the hospital's web service.
    async fn signed_in(server: &'a TestServer) -> MobileJkn<'a> {
        let (status, issued) = token(server, WS_PASSWORD).await;
        assert_eq!(status, 200, "{issued}");
        MobileJkn {
            server,
            token: issued["response"]["token"]
                .as_str()
                .expect("a token")
                .to_owned(),
        }
    }

    /// Books and returns the booking code, which BPJS now knows.
    async fn book(&self, fake: &FakeBpjs, card: &str, phone: &str, day: &str) -> Value {
        let booked = self
            .done("/bpjs/antrean/ambil", booking(card, phone, day))
            .await;
        fake.register_booking(booked["kodebooking"].as_str().expect("a booking code"));
        booked
    }
}

async fn token(server: &TestServer, password: &str) -> (u16, Value) {
    let response = server
        .http
        .get(server.url("/bpjs/token"))
        .header("x-username", WS_USERNAME)
        .header("x-password", password)
        .send()
        .await
        .expect("the server answers");
    (
        response.status().as_u16(),
        response.json().await.expect("JSON"),
    )
}

fn booking(card: &str, phone: &str, day: &str) -> Value {
    json!({
        "nomorkartu": card, "nik": "3201234567890123", "nohp": phone, "kodepoli": "INT",
        "norm": "123456", "tanggalperiksa": day, "kodedokter": 33021,
        "jampraktek": "08:00-14:00", "jeniskunjungan": 1, "nomorreferensi": "0301R0011025B000123"
    })
}

async fn mobile_jkn_books_checks_in_and_cancels_through_the_hospital_web_service(backend: Backend) {
    let fake = FakeBpjs::start(credentials(SECRET_KEY))
        .await
        .expect("fake BPJS");
    let h = hospital(backend, &fake, SECRET_KEY).await;
    let (status, refused) = token(&h.server, "bukan-sandinya").await;
    assert_eq!(
        (status, &refused["metadata"]["code"]),
        (401, &json!(201)),
        "{refused}"
    );
    let (status, issued) = token(&h.server, WS_PASSWORD).await;
    assert_eq!(status, 200, "{issued}");
    let jkn = MobileJkn {
        server: &h.server,
        token: issued["response"]["token"]
            .as_str()
            .expect("a token")
            .to_owned(),
    };
    let stranger = MobileJkn {
        server: &h.server,
        token: "4102444800.forged".into(),
    };
    let poli = json!({"kodepoli": "INT", "kodedokter": 33021, "tanggalperiksa": "2026-11-23",
                      "jampraktek": "08:00-14:00"});
    let (status, _) = stranger.call("/bpjs/antrean/status", poli.clone()).await;
    assert_eq!(status, 401, "a forged token is refused");

    let before = jkn.done("/bpjs/antrean/status", poli.clone()).await;
    assert_eq!(before["namapoli"], "Penyakit Dalam");
    assert_eq!(
        (
            before["totalantrean"].clone(),
            before["sisakuotajkn"].clone()
        ),
        (json!(0), json!(30))
    );

    // Ibu Ani books from home, then arrives and checks in.
    let ani = jkn
        .done(
            "/bpjs/antrean/ambil",
            booking("0001234567890", "085712345678", "2026-11-23"),
        )
        .await;
    assert_eq!(ani["nomorantrean"], "A-001");
    assert_eq!(ani["angkaantrean"], 1);
    assert_eq!(ani["sisakuotajkn"], 29);
    let code = ani["kodebooking"]
        .as_str()
        .expect("a booking code")
        .to_owned();
    fake.register_booking(&code);
    let again = jkn
        .refused(
            "/bpjs/antrean/ambil",
            booking("0001234567890", "085712345678", "2026-11-23"),
        )
        .await;
    assert!(
        again.contains("A-001"),
        "one active number per patient: {again}"
    );
    for (body, why) in [
        (booking("12345", "085700000002", "2026-11-23"), "13 angka"),
        (
            booking("0001234567892", "085700000003", "2026-11-22"),
            "sudah lewat",
        ),
    ] {
        let message = jkn.refused("/bpjs/antrean/ambil", body).await;
        assert!(message.contains(why), "{message}");
    }
    let mut wrong_poli = booking("0001234567893", "085700000004", "2026-11-23");
    wrong_poli["kodepoli"] = json!("ANA");
    assert!(
        jkn.refused("/bpjs/antrean/ambil", wrong_poli)
            .await
            .contains("tidak ditemukan")
    );

    let now = jkn.done("/bpjs/antrean/status", poli.clone()).await;
    assert_eq!(
        (now["totalantrean"].clone(), now["sisaantrean"].clone()),
        (json!(1), json!(1))
    );
    let left = jkn
        .done("/bpjs/antrean/sisa", json!({"kodebooking": code}))
        .await;
    assert_eq!(
        (left["nomorantrean"].clone(), left["sisaantrean"].clone()),
        (json!("A-001"), json!(0))
    );
    assert!(
        jkn.refused("/bpjs/antrean/sisa", json!({"kodebooking": "991231A999"}))
            .await
            .contains("tidak ditemukan")
    );

    h.server.clock.advance(Duration::minutes(20));
    let arrived = h.server.clock.now().timestamp_millis();
    jkn.done(
        "/bpjs/antrean/checkin",
        json!({"kodebooking": code, "waktu": arrived}),
    )
    .await;
    let mut slowest = StdDuration::ZERO;
    let called = h.act("A", "call-next", &mut slowest).await;
    assert_eq!(called.number, "A-001");
    h.act("A", "complete", &mut slowest).await;
    h.act("F", "call-next", &mut slowest).await;
    h.act("F", "complete", &mut slowest).await;
    bpjs_holds(&fake, &code, 5, StdDuration::from_secs(20)).await;
    let tasks: Vec<u16> = fake.tasks(&code).iter().map(|t| t.taskid).collect();
    assert_eq!(
        tasks,
        [3, 4, 5, 6, 7],
        "waiting at the poli starts at the check-in"
    );
    assert_eq!(fake.tasks(&code)[0].waktu_ms, arrived);
    assert_eq!(
        fake.add_deliveries(&code),
        0,
        "BPJS made this visit; it is not added again"
    );

    // Pak Budi books, then cancels in the app: the hospital's queue lets his number go.
    let budi = jkn
        .done(
            "/bpjs/antrean/ambil",
            booking("0009876543210", "081398765432", "2026-11-23"),
        )
        .await;
    let budi_code = budi["kodebooking"]
        .as_str()
        .expect("a booking code")
        .to_owned();
    fake.register_booking(&budi_code);
    jkn.done(
        "/bpjs/antrean/batal",
        json!({"kodebooking": budi_code, "keterangan": "Ada keperluan mendadak"}),
    )
    .await;
    assert!(
        jkn.refused(
            "/bpjs/antrean/batal",
            json!({"kodebooking": budi_code, "keterangan": ""})
        )
        .await
        .contains("dibatalkan")
    );
    assert!(
        jkn.refused("/bpjs/antrean/sisa", json!({"kodebooking": budi_code}))
            .await
            .contains("dibatalkan")
    );
    assert!(
        jkn.refused(
            "/bpjs/antrean/checkin",
            json!({"kodebooking": budi_code, "waktu": arrived})
        )
        .await
        .contains("dibatalkan")
    );
    assert!(
        h.server.call_next(&h.staff, h.desk["A"]).await.is_none(),
        "nobody left waiting at the poli"
    );
    tokio::time::sleep(StdDuration::from_secs(1)).await;
    assert!(
        fake.tasks(&budi_code).is_empty(),
        "BPJS asked for the cancel: no 99 back"
    );
    let malformed = jkn
        .refused("/bpjs/antrean/checkin", json!({"kodebooking": code}))
        .await;
    assert!(malformed.contains("Format"), "{malformed}");
}

/// Ibu Sri books tomorrow's poli from home today; Pak Joko books after her and never comes.
/// Their numbers are tomorrow's first, so patients arriving tomorrow number after them; Sri
/// can only check in tomorrow, joins the queue when she does, and Joko is reported absent (99)
/// once tomorrow has ended.
async fn a_mobile_jkn_booking_for_a_later_day_keeps_its_number_until_its_patient_checks_in(
    backend: Backend,
) {
    let fake = FakeBpjs::start(credentials(SECRET_KEY))
        .await
        .expect("fake BPJS");
    let h = hospital(backend, &fake, SECRET_KEY).await;
    let jkn = MobileJkn::signed_in(&h.server).await;
    let tomorrow = "2026-11-24";
    let sri = jkn
        .book(&fake, "0001111111111", "081211112222", tomorrow)
        .await;
    let joko = jkn
        .book(&fake, "0002222222222", "081233334444", tomorrow)
        .await;
    assert_eq!(
        (sri["nomorantrean"].clone(), joko["nomorantrean"].clone()),
        (json!("A-001"), json!("A-002")),
        "tomorrow's first numbers"
    );
    assert_eq!(joko["sisakuotajkn"], 28);
    let doctor_starts: i64 = "2026-11-24T01:00:00Z"
        .parse::<chrono::DateTime<chrono::Utc>>()
        .expect("a time")
        .timestamp_millis();
    assert_eq!(
        sri["estimasidilayani"],
        json!(doctor_starts),
        "with no pace to go by yet, the doctor's start (08:00 WIB)"
    );
    let sri_code = sri["kodebooking"].as_str().expect("a code").to_owned();
    let joko_code = joko["kodebooking"].as_str().expect("a code").to_owned();

    // Today is not tomorrow: nothing is in today's queue, and checking in must wait.
    let poli = |day: &str| {
        json!({"kodepoli": "INT", "kodedokter": 33021, "tanggalperiksa": day,
               "jampraktek": "08:00-14:00"})
    };
    let today = jkn.done("/bpjs/antrean/status", poli("2026-11-23")).await;
    assert_eq!(today["totalantrean"], 0);
    let ahead = jkn.done("/bpjs/antrean/status", poli(tomorrow)).await;
    assert_eq!(
        (ahead["totalantrean"].clone(), ahead["sisakuotajkn"].clone()),
        (json!(2), json!(28))
    );
    let early = jkn
        .refused(
            "/bpjs/antrean/checkin",
            json!({"kodebooking": sri_code, "waktu": 0}),
        )
        .await;
    assert!(early.contains("hari periksa"), "{early}");
    let left = jkn
        .done("/bpjs/antrean/sisa", json!({"kodebooking": joko_code}))
        .await;
    assert_eq!(
        (left["nomorantrean"].clone(), left["sisaantrean"].clone()),
        (json!("A-002"), json!(1)),
        "Sri's booking is ahead of Joko's"
    );
    let twice = jkn
        .refused(
            "/bpjs/antrean/ambil",
            booking("0001111111111", "081211112222", tomorrow),
        )
        .await;
    assert!(twice.contains("A-001"), "one number per day: {twice}");
    let far = jkn
        .refused(
            "/bpjs/antrean/ambil",
            booking("0003333333333", "081255556666", "2027-11-24"),
        )
        .await;
    assert!(far.contains("paling lambat"), "{far}");
    assert!(
        h.server.call_next(&h.staff, h.desk["A"]).await.is_none(),
        "tomorrow's bookings are nobody's ticket today"
    );

    // Tomorrow: an on-site patient numbers after the bookings, and Sri joins the queue when she
    // checks in, behind him.
    h.server.clock.advance(Duration::days(1));
    // The day has started, and the bridge has had time to read that, before anyone comes.
    h.server
        .store()
        .expire_past_days(h.server.clock.now())
        .await
        .expect("the day starts");
    tokio::time::sleep(StdDuration::from_millis(1500)).await;
    assert!(
        fake.tasks(&sri_code).is_empty() && fake.tasks(&joko_code).is_empty(),
        "a booking for the day that starts still waits for its patient"
    );
    let jkn = MobileJkn::signed_in(&h.server).await; // tokens last an hour
    let staff = h.server.login("dewi", giliran_tests::STAFF_PASSWORD).await;
    let walk_in = h.server.take("A", json!({})).await;
    assert_eq!(walk_in.ticket.number, "A-003");
    h.server.clock.advance(Duration::minutes(10));
    let arrived = h.server.clock.now().timestamp_millis();
    jkn.done(
        "/bpjs/antrean/checkin",
        json!({"kodebooking": sri_code, "waktu": arrived}),
    )
    .await;
    jkn.done(
        "/bpjs/antrean/checkin",
        json!({"kodebooking": sri_code, "waktu": arrived}),
    )
    .await;
    let first = h.server.call_next(&staff, h.desk["A"]).await;
    assert_eq!(first.map(|t| t.number).as_deref(), Some("A-003"));
    h.server
        .counter_action(&staff, h.desk["A"], "complete")
        .await;
    let second = h.server.call_next(&staff, h.desk["A"]).await;
    assert_eq!(second.map(|t| t.number).as_deref(), Some("A-001"));
    h.server
        .counter_action(&staff, h.desk["A"], "complete")
        .await;
    bpjs_holds(&fake, &sri_code, 3, StdDuration::from_secs(20)).await;
    let tasks: Vec<(u16, i64)> = held(&fake, &sri_code);
    assert_eq!(tasks[0], (3, arrived), "her wait starts at the check-in");
    assert_eq!(
        tasks.iter().map(|t| t.0).collect::<Vec<_>>(),
        [3, 4, 5],
        "checked in once"
    );
    assert_eq!(fake.add_deliveries(&sri_code), 0, "BPJS made the visit");

    // The day after: Joko never came.
    h.server.clock.advance(Duration::days(1));
    let jkn = MobileJkn::signed_in(&h.server).await;
    bpjs_holds(&fake, &joko_code, 1, StdDuration::from_secs(30)).await;
    assert_eq!(
        fake.tasks(&joko_code)
            .iter()
            .map(|t| t.taskid)
            .collect::<Vec<_>>(),
        [99]
    );
    assert!(
        jkn.refused(
            "/bpjs/antrean/checkin",
            json!({"kodebooking": joko_code, "waktu": 0})
        )
        .await
        .contains("hari periksa"),
        "a booking's day is gone once past"
    );
}

/// BPJS calling with its own signature headers instead of a token: a wrong or stale signature
/// is refused, and the answers' `response` comes encrypted and compressed for the call's
/// timestamp, as BPJS's own service answers (read here with the fake's independent code).
async fn bpjs_may_sign_its_calls_and_then_reads_encrypted_compressed_answers(backend: Backend) {
    use giliran_tests::fake_bpjs::{decrypt_response, signature};
    let fake = FakeBpjs::start(credentials(SECRET_KEY))
        .await
        .expect("fake BPJS");
    let h = hospital(backend, &fake, SECRET_KEY).await;
    let now = h.server.clock.now().timestamp().to_string();
    let signed = |timestamp: &str, signature: &str, path: &str, body: Value| {
        h.server
            .http
            .post(h.server.url(path))
            .header("x-cons-id", CONS_ID)
            .header("x-timestamp", timestamp.to_owned())
            .header("x-signature", signature.to_owned())
            .json(&body)
            .send()
    };
    let poli = json!({"kodepoli": "INT", "kodedokter": 33021, "tanggalperiksa": "2026-11-23",
                      "jampraktek": "08:00-14:00"});
    let right = signature(CONS_ID, SECRET_KEY, &now);
    let stale_at = (h.server.clock.now().timestamp() - 600).to_string();
    for (timestamp, signature, why) in [
        (
            now.as_str(),
            signature(CONS_ID, "bukan-kuncinya", &now),
            "another secret",
        ),
        (
            stale_at.as_str(),
            signature(CONS_ID, SECRET_KEY, &stale_at),
            "ten minutes old",
        ),
    ] {
        let answer = signed(timestamp, &signature, "/bpjs/antrean/status", poli.clone())
            .await
            .expect("the server answers");
        assert_eq!(answer.status().as_u16(), 401, "{why}");
    }

    let read = |answer: Value| -> Value {
        assert_eq!(answer["metadata"]["code"], 200, "{answer}");
        let sealed = answer["response"].as_str().expect("an encrypted response");
        let plain = decrypt_response(CONS_ID, SECRET_KEY, &now, sealed).expect("it decrypts");
        serde_json::from_str(&plain).expect("JSON inside")
    };
    let status: Value = signed(&now, &right, "/bpjs/antrean/status", poli.clone())
        .await
        .expect("the server answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(read(status)["namapoli"], "Penyakit Dalam");
    let booked: Value = signed(
        &now,
        &right,
        "/bpjs/antrean/ambil",
        booking("0004444444444", "081277778888", "2026-11-23"),
    )
    .await
    .expect("the server answers")
    .json()
    .await
    .expect("JSON");
    let booked = read(booked);
    assert_eq!(booked["nomorantrean"], "A-001");

    // A token caller still reads plain JSON.
    let jkn = MobileJkn::signed_in(&h.server).await;
    let plain = jkn
        .done(
            "/bpjs/antrean/sisa",
            json!({"kodebooking": booked["kodebooking"]}),
        )
        .await;
    assert_eq!(plain["nomorantrean"], "A-001");
}

/// Ibu Wati is a JKN member who came without booking: registration records her card while she
/// waits there, and BPJS hears of her visit as a JKN one with that card, her referral and the
/// kind of visit. Once BPJS knows the visit, the membership can no longer change.
async fn registration_records_a_jkn_member_whose_visit_bpjs_then_hears_of_as_jkn(backend: Backend) {
    let fake = FakeBpjs::start(credentials(SECRET_KEY))
        .await
        .expect("fake BPJS");
    let h = hospital(backend, &fake, SECRET_KEY).await;
    let issued: IssuedTicket = h
        .server
        .post(
            "/api/v1/tickets",
            None,
            json!({"service_id": h.registration.id, "destination_service_id": h.poli.id}),
        )
        .await
        .assert_ok()
        .json();
    let code = issued.ticket.booking_code.clone();
    let path = format!("/api/v1/visits/{code}/jkn");
    let wati = json!({"card_number": " 0005555555555 ", "nik": "3174012345678901",
                      "referral_number": "0301r0011025b000777", "visit_kind": 3});
    h.server
        .send(Method::PUT, &path, None, Some(wati.clone()))
        .await
        .assert_error(401, ErrorCode::Unauthorized);
    h.server
        .send(
            Method::PUT,
            "/api/v1/visits/261123Z999/jkn",
            Some(&h.staff),
            Some(wati.clone()),
        )
        .await
        .assert_error(404, ErrorCode::VisitNotFound);
    for (bad, field) in [
        (json!({"card_number": "12345"}), "card_number"),
        (
            json!({"card_number": "0005555555555", "nik": "31740"}),
            "nik",
        ),
        (
            json!({"card_number": "0005555555555", "visit_kind": 9}),
            "visit_kind",
        ),
    ] {
        let reply = h
            .server
            .send(Method::PUT, &path, Some(&h.staff), Some(bad))
            .await;
        reply.assert_error(422, ErrorCode::InvalidField);
        assert_eq!(reply.body["error"]["field"], field, "{}", reply.body);
    }
    let recorded: Value = h
        .server
        .send(Method::PUT, &path, Some(&h.staff), Some(wati.clone()))
        .await
        .assert_ok()
        .json();
    assert_eq!(
        recorded,
        json!({"card_number": "0005555555555", "nik": "3174012345678901",
               "referral_number": "0301R0011025B000777", "visit_kind": 3})
    );

    let mut slowest = StdDuration::ZERO;
    h.act("R", "call-next", &mut slowest).await;
    h.act("R", "complete", &mut slowest).await;
    until(
        StdDuration::from_secs(20),
        "BPJS hears of the visit",
        || fake.add_deliveries(&code) == 1,
    )
    .await;
    let added = fake
        .booking(&code)
        .and_then(|b| b.body)
        .expect("the add's body");
    assert_eq!(
        (
            &added["jenispasien"],
            &added["nomorkartu"],
            &added["nik"],
            &added["nomorreferensi"],
            &added["jeniskunjungan"],
            &added["sisakuotajkn"],
        ),
        (
            &json!("JKN"),
            &json!("0005555555555"),
            &json!("3174012345678901"),
            &json!("0301R0011025B000777"),
            &json!(3),
            &json!(29),
        )
    );
    h.server
        .send(Method::PUT, &path, Some(&h.staff), Some(wati))
        .await
        .assert_error(409, ErrorCode::InvalidTransition);
    // Mobile JKN sees her number taken from the JKN quota, as BPJS was told.
    let jkn = MobileJkn::signed_in(&h.server).await;
    let status = jkn
        .done(
            "/bpjs/antrean/status",
            json!({"kodepoli": "INT", "kodedokter": 33021, "tanggalperiksa": "2026-11-23",
                   "jampraktek": "08:00-14:00"}),
        )
        .await;
    assert_eq!(
        (
            status["sisakuotajkn"].clone(),
            status["sisakuotanonjkn"].clone()
        ),
        (json!(29), json!(20))
    );
}

/// An admin starts today over after Ibu Rina booked today's A-001: numbers begin again at 1, so
/// when she checks in she gets the day's next number, not an A-001 someone else now holds.
async fn a_booking_made_before_the_day_started_over_checks_in_with_a_fresh_number(
    backend: Backend,
) {
    let fake = FakeBpjs::start(credentials(SECRET_KEY))
        .await
        .expect("fake BPJS");
    let h = hospital(backend, &fake, SECRET_KEY).await;
    let jkn = MobileJkn::signed_in(&h.server).await;
    let rina = jkn
        .book(&fake, "0006666666666", "081299998888", "2026-11-23")
        .await;
    assert_eq!(rina["nomorantrean"], "A-001");
    h.server
        .post(
            "/api/v1/admin/day/reset",
            Some(&h.admin),
            json!({"password": giliran_tests::ADMIN_PASSWORD}),
        )
        .await
        .assert_ok();
    let walk_in = h.server.take("A", json!({})).await;
    assert_eq!(walk_in.ticket.number, "A-001", "numbers began again");
    jkn.done(
        "/bpjs/antrean/checkin",
        json!({"kodebooking": rina["kodebooking"], "waktu": 0}),
    )
    .await;
    let first = h.server.call_next(&h.staff, h.desk["A"]).await;
    assert_eq!(first.map(|t| t.number).as_deref(), Some("A-001"));
    h.server
        .counter_action(&h.staff, h.desk["A"], "complete")
        .await
        .assert_ok();
    let second = h
        .server
        .call_next(&h.staff, h.desk["A"])
        .await
        .expect("Rina");
    assert_eq!(second.number, "A-002", "a number nobody else holds");
    assert_eq!(
        second.booking_code,
        rina["kodebooking"].as_str().unwrap_or_default()
    );
}
