//! Visits through several stations under one booking code, and priority with aging over a
//! simulated morning, against the real server on SQLite and PostgreSQL.

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use giliran_core::call_order::CallReason;
use giliran_core::events::{Event, Snapshot, StreamMessage};
use giliran_core::status::TicketStatus;
use giliran_core::visit::Station;
use giliran_core::wire::{
    CounterQueue, ErrorCode, IssuedTicket, Service, Ticket, TicketView, Visit,
};
use giliran_server::clock::Clock;
use giliran_tests::{Backend, Reply, Subscriber, TestServer, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(
    a_visit_goes_from_registration_to_the_poli_to_the_pharmacy_under_one_booking_code,
    staff_choose_where_a_visit_goes_or_end_it,
    a_registration_ticket_names_a_poli_and_nothing_else,
    admins_set_routes_that_never_go_round_in_circles,
    staff_see_why_the_next_ticket_is_next,
    the_apps_client_follows_a_visit_and_sends_patients_on,
    a_simulated_morning_keeps_the_longest_wait_behind_priority_patients,
);

/// A hospital with registration, two polis, a laboratory and a pharmacy, and a desk for each.
struct Hospital {
    admin: String,
    staff: String,
    registration: Service,
    umum: Service,
    gigi: Service,
    lab: Service,
    pharmacy: Service,
    /// Counter of each service, by service code.
    desk: HashMap<String, Uuid>,
}

async fn create_service(server: &TestServer, admin: &str, body: Value) -> Service {
    server
        .post("/api/v1/admin/services", Some(admin), body)
        .await
        .assert_ok()
        .json()
}

async fn patch_service(server: &TestServer, admin: &str, id: Uuid, body: Value) -> Reply {
    server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/services/{id}"),
            Some(admin),
            Some(body),
        )
        .await
}

async fn hospital(server: &TestServer) -> Hospital {
    let admin = server.admin().await;
    let registration = create_service(
        server,
        &admin,
        json!({"code": "R", "name": "Pendaftaran", "station": "registration"}),
    )
    .await;
    let pharmacy = create_service(
        server,
        &admin,
        json!({"code": "F", "name": "Farmasi", "station": "pharmacy"}),
    )
    .await;
    let lab = create_service(
        server,
        &admin,
        json!({"code": "L", "name": "Laboratorium", "station": "laboratory",
               "next_service_id": pharmacy.id}),
    )
    .await;
    let umum = server.service("A").await;
    let gigi = server.service("B").await;
    for poli in [&umum, &gigi] {
        patch_service(
            server,
            &admin,
            poli.id,
            json!({"next_service_id": pharmacy.id}),
        )
        .await
        .assert_ok();
    }
    let mut desk = HashMap::new();
    desk.insert("A".to_owned(), server.counter_id(&admin, 1).await);
    desk.insert("B".to_owned(), server.counter_id(&admin, 2).await);
    for (number, service) in [(5, &registration), (6, &lab), (7, &pharmacy)] {
        let counter = server.create_counter(&admin, number, service.id).await;
        desk.insert(service.code.clone(), counter);
    }
    let all: Vec<Uuid> = desk.values().copied().collect();
    let staff = server.staff_at(&admin, "dewi", &all).await;
    let umum = server.service("A").await;
    let gigi = server.service("B").await;
    Hospital {
        admin,
        staff,
        registration,
        umum,
        gigi,
        lab,
        pharmacy,
        desk,
    }
}

impl Hospital {
    fn desk(&self, code: &str) -> Uuid {
        self.desk[code]
    }
}

async fn visit(server: &TestServer, code: &str, token: Option<&str>) -> Reply {
    server.get(&format!("/api/v1/visits/{code}"), token).await
}

async fn complete(server: &TestServer, staff: &str, counter: Uuid, body: Option<Value>) -> Reply {
    server
        .send(
            Method::POST,
            &format!("/api/v1/counters/{counter}/complete"),
            Some(staff),
            body,
        )
        .await
}

fn ticket_of(reply: &Reply) -> Ticket {
    reply.assert_ok();
    reply.json::<TicketView>().ticket
}

/// The stations of a visit, as `(code, number, status)`.
fn steps(visit: &Visit) -> Vec<(String, String, TicketStatus)> {
    visit
        .steps
        .iter()
        .map(|s| {
            (
                s.station.code.clone(),
                s.ticket.number.clone(),
                s.ticket.status,
            )
        })
        .collect()
}

fn planned(visit: &Visit) -> Vec<String> {
    visit.planned.iter().map(|s| s.code.clone()).collect()
}

/// The numbers the patient's stream shows, until `number` arrives.
async fn followed_until(stream: &mut Subscriber, number: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(10);
    while tokio::time::Instant::now() < deadline {
        let ticket = match stream.next().await {
            StreamMessage::Snapshot {
                snapshot: Snapshot::Patient { ticket },
                ..
            } => ticket,
            StreamMessage::Event {
                event: Event::TicketUpdated { ticket },
                ..
            } => ticket,
            _ => continue,
        };
        if seen.last() != Some(&ticket.number) {
            seen.push(ticket.number.clone());
        }
        if ticket.number == number {
            return seen;
        }
    }
    panic!("the patient's stream never showed {number}: saw {seen:?}");
}

async fn a_visit_goes_from_registration_to_the_poli_to_the_pharmacy_under_one_booking_code(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let h = hospital(&server).await;
    let siti: IssuedTicket = server
        .post(
            "/api/v1/tickets",
            None,
            json!({"service_id": h.registration.id, "name": "Siti Rahayu",
                   "phone": "0812-3456-7890", "destination_service_id": h.gigi.id}),
        )
        .await
        .json();
    assert_eq!(siti.ticket.number, "R-001");
    // Monday 8:00 WIB is 23 November 2026.
    let code = siti.ticket.booking_code.clone();
    assert_eq!(code, "261123R001");
    assert_eq!(siti.ticket.destination_service_id, Some(h.gigi.id));
    let mut stream = server
        .subscribe(&format!(
            "token={}&ticket={}",
            siti.tracking_token, siti.ticket.id
        ))
        .await;

    let start: Visit = visit(&server, &code, Some(&siti.tracking_token))
        .await
        .assert_ok()
        .json();
    assert_eq!(
        steps(&start),
        [("R".into(), "R-001".into(), TicketStatus::Waiting)]
    );
    assert_eq!(
        planned(&start),
        ["B", "F"],
        "registration, then her poli, then the pharmacy"
    );
    assert!(!start.finished);

    // Registered: the visit moves to the dentist's queue on its own.
    let called = server
        .call_next(&h.staff, h.desk("R"))
        .await
        .expect("R-001");
    assert_eq!(called.number, "R-001");
    let done = ticket_of(&complete(&server, &h.staff, h.desk("R"), None).await);
    assert_eq!(done.status, TicketStatus::Done);
    let at_poli = done.transferred_to.expect("the visit goes on");
    let poli_ticket = ticket_of(
        &server
            .get(
                &format!("/api/v1/tickets/{at_poli}"),
                Some(&siti.tracking_token),
            )
            .await,
    );
    assert_eq!(poli_ticket.number, "B-001");
    assert_eq!(poli_ticket.booking_code, code, "one booking code");
    assert_eq!(poli_ticket.visit_id, siti.ticket.visit_id);
    assert_eq!(poli_ticket.transferred_from, Some(siti.ticket.id));
    assert_eq!(poli_ticket.status, TicketStatus::Waiting);
    assert_eq!(
        poli_ticket.patient.and_then(|p| p.name).as_deref(),
        Some("Siti Rahayu")
    );

    // The dentist calls her, then calls the next patient: calling next completes her, and her
    // visit goes on to the pharmacy by the poli's route.
    server.clock.advance(Duration::minutes(20));
    let at_dentist = server
        .call_next(&h.staff, h.desk("B"))
        .await
        .expect("B-001");
    assert_eq!(at_dentist.number, "B-001");
    let middle: Visit = visit(&server, &code, Some(&h.staff))
        .await
        .assert_ok()
        .json();
    assert_eq!(
        steps(&middle),
        [
            ("R".into(), "R-001".into(), TicketStatus::Done),
            ("B".into(), "B-001".into(), TicketStatus::Called),
        ]
    );
    assert_eq!(planned(&middle), ["F"]);
    assert_eq!(
        middle.steps[1].ticket.counter.as_ref().map(|c| c.number),
        Some(2),
        "staff see where she is"
    );
    server.clock.advance(Duration::minutes(15));
    assert_eq!(server.call_next(&h.staff, h.desk("B")).await, None);

    let at_pharmacy: Visit = visit(&server, &code, Some(&siti.tracking_token))
        .await
        .assert_ok()
        .json();
    assert_eq!(
        steps(&at_pharmacy),
        [
            ("R".into(), "R-001".into(), TicketStatus::Done),
            ("B".into(), "B-001".into(), TicketStatus::Done),
            ("F".into(), "F-001".into(), TicketStatus::Waiting),
        ]
    );
    assert_eq!(at_pharmacy.steps[2].ticket.people_ahead, Some(0));
    assert!(planned(&at_pharmacy).is_empty());
    assert!(!at_pharmacy.finished);

    // One stream followed her through every station.
    assert_eq!(
        followed_until(&mut stream, "F-001").await,
        ["R-001", "B-001", "F-001"]
    );

    server
        .call_next(&h.staff, h.desk("F"))
        .await
        .expect("F-001");
    let last = ticket_of(&complete(&server, &h.staff, h.desk("F"), None).await);
    assert_eq!(
        last.transferred_to, None,
        "the pharmacy is the last station"
    );
    let end: Visit = visit(&server, &code, Some(&siti.tracking_token))
        .await
        .assert_ok()
        .json();
    assert!(end.finished);
    assert_eq!(end.eta_seconds, None);
    assert!(
        end.steps
            .iter()
            .all(|s| s.ticket.status == TicketStatus::Done)
    );

    // She may take a new ticket now; nobody else sees her visit.
    let budi = server.take("A", json!({})).await;
    visit(&server, &code, Some(&budi.tracking_token))
        .await
        .assert_error(401, ErrorCode::Unauthorized);
    visit(&server, "261123Z999", Some(&budi.tracking_token))
        .await
        .assert_error(401, ErrorCode::Unauthorized);
    visit(&server, &code, None)
        .await
        .assert_error(401, ErrorCode::Unauthorized);
    visit(&server, "not-a-code", Some(&h.staff))
        .await
        .assert_error(404, ErrorCode::VisitNotFound);
    // Staff type codes as they read them.
    let typed: Visit = visit(&server, "261123-r001", Some(&h.staff))
        .await
        .assert_ok()
        .json();
    assert_eq!(typed.booking_code, code);
    server.stop().await;
}

async fn staff_choose_where_a_visit_goes_or_end_it(backend: Backend) {
    let server = TestServer::start(backend).await;
    let h = hospital(&server).await;
    let wayan = server.take("A", json!({"phone": "081255556666"})).await;
    let made = server.take("A", json!({"phone": "081277778888"})).await;
    let umum = h.desk("A");

    server.call_next(&h.staff, umum).await.expect("Wayan");
    // Both a next station and the end: refused, nothing changes.
    complete(
        &server,
        &h.staff,
        umum,
        Some(json!({"next_service_id": h.lab.id, "end_visit": true})),
    )
    .await
    .assert_error(422, ErrorCode::InvalidField);
    complete(
        &server,
        &h.staff,
        umum,
        Some(json!({"next_service_id": h.umum.id})),
    )
    .await
    .assert_error(422, ErrorCode::InvalidField);
    complete(
        &server,
        &h.staff,
        umum,
        Some(json!({"next_service_id": Uuid::new_v4()})),
    )
    .await
    .assert_error(404, ErrorCode::ServiceNotFound);
    complete(&server, &h.staff, umum, Some(json!({"next": "lab"})))
        .await
        .assert_error(422, ErrorCode::InvalidBody);
    assert_eq!(
        server.track(&wayan).await.status,
        TicketStatus::Called,
        "refusals leave the ticket as it was"
    );

    // A laboratory first, whose route then goes to the pharmacy.
    let done = ticket_of(
        &complete(
            &server,
            &h.staff,
            umum,
            Some(json!({"next_service_id": h.lab.id})),
        )
        .await,
    );
    let lab_ticket = ticket_of(
        &server
            .get(
                &format!(
                    "/api/v1/tickets/{}",
                    done.transferred_to.expect("to the lab")
                ),
                Some(&wayan.tracking_token),
            )
            .await,
    );
    assert_eq!(lab_ticket.number, "L-001");
    let lab_visit: Visit = visit(&server, &wayan.ticket.booking_code, Some(&h.staff))
        .await
        .assert_ok()
        .json();
    assert_eq!(planned(&lab_visit), ["F"]);

    // No prescription: the visit ends at the poli although its route goes on.
    server.call_next(&h.staff, umum).await.expect("Made");
    let ended =
        ticket_of(&complete(&server, &h.staff, umum, Some(json!({"end_visit": true}))).await);
    assert_eq!(ended.transferred_to, None);
    let made_visit: Visit = visit(
        &server,
        &made.ticket.booking_code,
        Some(&made.tracking_token),
    )
    .await
    .assert_ok()
    .json();
    assert!(made_visit.finished);
    assert_eq!(made_visit.steps.len(), 1);

    // A plain complete follows the route; a pharmacy's complete has nowhere to send.
    let queue: CounterQueue = server
        .get(
            &format!("/api/v1/counters/{}/queue", h.desk("F")),
            Some(&h.staff),
        )
        .await
        .assert_ok()
        .json();
    assert!(queue.waiting.is_empty(), "nobody reached the pharmacy yet");
    server.stop().await;
}

async fn a_registration_ticket_names_a_poli_and_nothing_else(backend: Backend) {
    let server = TestServer::start(backend).await;
    let h = hospital(&server).await;
    let take = |service: Uuid, destination: Value| {
        let body = json!({"service_id": service, "destination_service_id": destination});
        let server = &server;
        async move { server.post("/api/v1/tickets", None, body).await }
    };
    take(h.umum.id, json!(h.gigi.id))
        .await
        .assert_error(422, ErrorCode::InvalidField);
    take(h.registration.id, json!(Uuid::new_v4()))
        .await
        .assert_error(422, ErrorCode::InvalidField);
    take(h.registration.id, json!(h.registration.id))
        .await
        .assert_error(422, ErrorCode::InvalidField);
    take(h.registration.id, json!("Poli Gigi"))
        .await
        .assert_error(422, ErrorCode::InvalidBody);
    // Nothing was issued by the refusals: the first registration ticket is still 001.
    let fine: IssuedTicket = take(h.registration.id, json!(h.umum.id)).await.json();
    assert_eq!(fine.ticket.number, "R-001");
    // Without a destination, registration ends the visit unless staff send the patient on.
    let walk_in = server.take("R", json!({})).await;
    server
        .call_next(&h.staff, h.desk("R"))
        .await
        .expect("R-001");
    server
        .call_next(&h.staff, h.desk("R"))
        .await
        .expect("R-002");
    let done = ticket_of(&complete(&server, &h.staff, h.desk("R"), None).await);
    assert_eq!(done.id, walk_in.ticket.id);
    assert_eq!(done.transferred_to, None);
    let umum_queue: CounterQueue = server
        .get(
            &format!("/api/v1/counters/{}/queue", h.desk("A")),
            Some(&h.staff),
        )
        .await
        .assert_ok()
        .json();
    let waiting: Vec<&str> = umum_queue
        .waiting
        .iter()
        .map(|t| t.number.as_str())
        .collect();
    assert_eq!(
        waiting,
        ["A-001"],
        "only the patient who named Poli Umum went there"
    );
    server.stop().await;
}

async fn admins_set_routes_that_never_go_round_in_circles(backend: Backend) {
    let server = TestServer::start(backend).await;
    let h = hospital(&server).await;
    // Pharmacy -> Poli Umum would loop: Poli Umum already goes to the pharmacy.
    patch_service(
        &server,
        &h.admin,
        h.pharmacy.id,
        json!({"next_service_id": h.umum.id}),
    )
    .await
    .assert_error(422, ErrorCode::InvalidField);
    // Longer loop: pharmacy -> lab -> pharmacy.
    patch_service(
        &server,
        &h.admin,
        h.pharmacy.id,
        json!({"next_service_id": h.lab.id}),
    )
    .await
    .assert_error(422, ErrorCode::InvalidField);
    patch_service(
        &server,
        &h.admin,
        h.lab.id,
        json!({"next_service_id": h.lab.id}),
    )
    .await
    .assert_error(422, ErrorCode::InvalidField);
    patch_service(
        &server,
        &h.admin,
        h.lab.id,
        json!({"next_service_id": Uuid::new_v4()}),
    )
    .await
    .assert_error(422, ErrorCode::InvalidField);
    patch_service(&server, &h.admin, h.lab.id, json!({"station": "morgue"}))
        .await
        .assert_error(422, ErrorCode::InvalidBody);
    // `null` ends visits at the poli; leaving the field out keeps the route.
    let cleared: Service = patch_service(
        &server,
        &h.admin,
        h.gigi.id,
        json!({"next_service_id": null}),
    )
    .await
    .assert_ok()
    .json();
    assert_eq!(cleared.next_service_id, None);
    let renamed: Service =
        patch_service(&server, &h.admin, h.umum.id, json!({"name": "Poli Umum 1"}))
            .await
            .assert_ok()
            .json();
    assert_eq!(renamed.next_service_id, Some(h.pharmacy.id));
    let lab: Service = patch_service(&server, &h.admin, h.lab.id, json!({"station": "radiology"}))
        .await
        .assert_ok()
        .json();
    assert_eq!(lab.station, Station::Radiology);
    // Everyone can see the stations and routes.
    let listed = server.service("F").await;
    assert_eq!(listed.station, Station::Pharmacy);
    assert_eq!(listed.next_service_id, None);
    server.stop().await;
}

async fn staff_see_why_the_next_ticket_is_next(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket1 = server.counter_id(&admin, 1).await;
    let staff = server.staff_at(&admin, "rina", &[loket1]).await;
    let early = server.take("A", json!({})).await;
    server.clock.advance(Duration::minutes(31));
    let fresh = server.take("A", json!({})).await;
    let elderly = server.take("A", json!({"priority": "elderly"})).await;
    let queue: CounterQueue = server
        .get(&format!("/api/v1/counters/{loket1}/queue"), Some(&staff))
        .await
        .assert_ok()
        .json();
    let order: Vec<(Uuid, Option<CallReason>)> = queue
        .waiting
        .iter()
        .map(|t| (t.id, t.call_reason))
        .collect();
    assert_eq!(
        order,
        [
            (early.ticket.id, Some(CallReason::WaitedLongest)),
            (elderly.ticket.id, Some(CallReason::Priority)),
            (fresh.ticket.id, Some(CallReason::InTurn)),
        ]
    );
    server.stop().await;
}

/// The core's client, as the apps use it: staff send a patient on or end the visit; the
/// patient's phone sees the whole visit with its token, staff find it by code.
async fn the_apps_client_follows_a_visit_and_sends_patients_on(backend: Backend) {
    use giliran_core::client::ApiClient;
    use giliran_core::wire::{CompleteRequest, NewTicket};

    let server = TestServer::start(backend).await;
    let h = hospital(&server).await;
    let phone = ApiClient::new(&server.url("")).expect("address");
    let issued = phone
        .take_ticket(&NewTicket {
            service_id: h.registration.id,
            destination_service_id: Some(h.umum.id),
            ..NewTicket::default()
        })
        .await
        .expect("a registration ticket");
    let desk = ApiClient::new(&server.url("")).expect("address");
    desk.login("dewi", "kata-sandi-loket")
        .await
        .expect("log in");
    desk.call_next(h.desk("R"))
        .await
        .expect("call")
        .expect("R-001");
    // Registration decides the patient needs the laboratory before the poli.
    let done = desk
        .complete(
            h.desk("R"),
            &CompleteRequest {
                next_service_id: Some(h.lab.id),
                end_visit: false,
            },
        )
        .await
        .expect("done");
    assert!(done.transferred_to.is_some());
    let code = &issued.ticket.booking_code;
    let mine = phone
        .visit(code, Some(&issued.tracking_token))
        .await
        .expect("the patient's visit");
    let stations: Vec<&str> = mine.steps.iter().map(|s| s.station.code.as_str()).collect();
    assert_eq!(stations, ["R", "L"]);
    assert_eq!(
        planned(&mine),
        ["F"],
        "the laboratory's route, not the poli she named"
    );
    let found = desk.visit(code, None).await.expect("staff find it");
    assert_eq!(found, mine);
    let stranger = phone.visit(code, Some("not-her-token")).await;
    assert!(
        matches!(
            &stranger,
            Err(giliran_core::client::ClientError::Api {
                code: ErrorCode::Unauthorized,
                ..
            })
        ),
        "{stranger:?}"
    );
    desk.call_next(h.desk("L"))
        .await
        .expect("call")
        .expect("L-001");
    let ended = desk
        .complete(
            h.desk("L"),
            &CompleteRequest {
                next_service_id: None,
                end_visit: true,
            },
        )
        .await
        .expect("done");
    assert_eq!(ended.transferred_to, None);
    assert!(
        phone
            .visit(code, Some(&issued.tracking_token))
            .await
            .expect("visit")
            .finished
    );
    server.stop().await;
}

/// A morning at Poli Umum with two doctors: patients arrive every minute, every third one a
/// priority patient, and a burst of emergencies at 9:00. Each doctor takes six minutes a
/// patient, so the queue grows all morning. At every call of a priority patient, no regular
/// patient who came earlier may have waited longer than the maximum (10 minutes here): aging
/// must have put them first.
async fn a_simulated_morning_keeps_the_longest_wait_behind_priority_patients(backend: Backend) {
    let max_wait = Duration::minutes(10);
    let server = TestServer::start_with(backend, &["--priority-max-wait-minutes", "10"]).await;
    let admin = server.admin().await;
    let doctors = [server.counter_id(&admin, 1).await, {
        let counter: giliran_core::wire::Counter = server
            .post(
                "/api/v1/admin/counters",
                Some(&admin),
                json!({"number": 9, "name": "Ruang Periksa 2",
                       "service_ids": [server.service("A").await.id]}),
            )
            .await
            .assert_ok()
            .json();
        counter.id
    }];
    let staff = server.staff_at(&admin, "dokter", &doctors).await;

    let mut queued: HashMap<Uuid, (DateTime<Utc>, bool)> = HashMap::new();
    let mut longest_regular = Duration::zero();
    let mut priority_calls = 0;
    for minute in 0..150 {
        let now = server.clock.now();
        let arrivals: &[&str] = match minute {
            60 => &["emergency", "emergency", "emergency", "pregnant"],
            m if m < 100 && m % 3 == 0 => &["elderly"],
            m if m < 100 => &["regular"],
            _ => &[],
        };
        for priority in arrivals {
            let ticket = server.take("A", json!({"priority": priority})).await;
            queued.insert(ticket.ticket.id, (now, *priority != "regular"));
        }
        if minute % 6 == 0 || minute % 6 == 3 {
            let doctor = doctors[(minute / 3) % 2];
            let waiting: Vec<Ticket> = server
                .get(&format!("/api/v1/counters/{doctor}/queue"), Some(&staff))
                .await
                .assert_ok()
                .json::<CounterQueue>()
                .waiting;
            if let Some(called) = server.call_next(&staff, doctor).await {
                let (at, priority) = queued[&called.id];
                if priority {
                    priority_calls += 1;
                    for other in &waiting {
                        let (since, other_priority) = queued[&other.id];
                        if !other_priority && since < at {
                            assert!(
                                now - since <= max_wait,
                                "{} came before {} yet waited {} min behind priority patients",
                                other.number,
                                called.number,
                                (now - since).num_minutes()
                            );
                        }
                    }
                } else {
                    longest_regular = longest_regular.max(now - at);
                }
            }
        }
        server.clock.advance(Duration::minutes(1));
    }
    eprintln!(
        "simulated morning ({backend:?}): {priority_calls} priority calls, longest regular wait \
         {} min, longest allowed behind priority patients {} min",
        longest_regular.num_minutes(),
        max_wait.num_minutes()
    );
    assert!(
        priority_calls >= 10,
        "the morning had priority calls: {priority_calls}"
    );
    assert!(
        longest_regular > max_wait,
        "the queue was long enough for aging to matter: longest regular wait {} min",
        longest_regular.num_minutes()
    );
    server.stop().await;
}
