//! Who may call what: every operation of the served OpenAPI document, called by every kind of
//! caller, against one table of who is let through. An operation missing from the table fails
//! the test, so a new route cannot ship without deciding who may use it.

use std::fmt;

use giliran_core::wire::{ErrorCode, IssuedTicket};
use giliran_tests::{Backend, Reply, STAFF_PASSWORD, TestServer, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(every_route_lets_through_exactly_the_callers_the_table_names);

/// The kinds of callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    /// The tracking token of ticket X, the ticket the routes' `{id}` names.
    TrackingX,
    /// The tracking token of another ticket, Y.
    TrackingY,
    Display,
    RevokedDisplay,
    /// Staff of counter 1, the counter the routes' `{id}` names.
    Staff1,
    /// Staff of counter 2.
    Staff2,
    Admin,
    /// A staff user of counter 1 who logged in and was then disabled.
    DisabledUser,
    /// A session older than its lifetime.
    ExpiredSession,
}

use Caller::*;

const ALL_CALLERS: [Caller; 10] = [
    Anonymous,
    TrackingX,
    TrackingY,
    Display,
    RevokedDisplay,
    Staff1,
    Staff2,
    Admin,
    DisabledUser,
    ExpiredSession,
];

const EVERYONE: &[Caller] = &ALL_CALLERS;
const TICKET_X: &[Caller] = &[TrackingX];
const SESSIONS: &[Caller] = &[Staff1, Staff2, Admin];
const COUNTER_1: &[Caller] = &[Staff1, Admin];
const ADMINS: &[Caller] = &[Admin];
const DISPLAY_READERS: &[Caller] = &[Display, Staff1, Staff2, Admin];
const STREAM: &[Caller] = &[TrackingX, Display, Staff1, Staff2, Admin];
/// Ticket X's visit: its patient, and any staff member finding where a patient is.
const VISIT_X: &[Caller] = &[TrackingX, Staff1, Staff2, Admin];

/// What `{id}` stands for in a path.
#[derive(Debug, Clone, Copy)]
enum Id {
    None,
    TicketX,
    /// The booking code of ticket X's visit.
    VisitX,
    Counter1,
    Service,
    User,
    Display,
    /// A report of the BPJS bridge's outbox (none exists: the answer is 404 for admins).
    Report,
}

/// One row: an operation, what its `{id}` is, a body that makes sense for it, and who may.
struct Row {
    method: &'static str,
    path: &'static str,
    id: Id,
    body: fn(&Fixture) -> Option<Value>,
    allowed: &'static [Caller],
}

fn none(_: &Fixture) -> Option<Value> {
    None
}

fn empty(_: &Fixture) -> Option<Value> {
    Some(json!({}))
}

const TABLE: &[Row] = &[
    Row {
        method: "get",
        path: "/healthz",
        id: Id::None,
        body: none,
        allowed: EVERYONE,
    },
    Row {
        method: "get",
        path: "/api/v1/services",
        id: Id::None,
        body: none,
        allowed: EVERYONE,
    },
    Row {
        method: "post",
        path: "/api/v1/tickets",
        id: Id::None,
        body: |f| Some(json!({"service_id": f.service_b})),
        allowed: EVERYONE,
    },
    Row {
        method: "post",
        path: "/api/v1/tickets/lookup",
        id: Id::None,
        body: |_| Some(json!({"phone": "0812-0000-0000"})),
        allowed: EVERYONE,
    },
    Row {
        method: "get",
        path: "/api/v1/tickets/{id}",
        id: Id::TicketX,
        body: none,
        allowed: TICKET_X,
    },
    Row {
        method: "delete",
        path: "/api/v1/tickets/{id}",
        id: Id::TicketX,
        body: none,
        allowed: TICKET_X,
    },
    Row {
        method: "get",
        path: "/api/v1/visits/{booking_code}",
        id: Id::VisitX,
        body: none,
        allowed: VISIT_X,
    },
    Row {
        method: "put",
        path: "/api/v1/visits/{booking_code}/jkn",
        id: Id::VisitX,
        body: |_| Some(json!({"card_number": "0001234567890"})),
        allowed: SESSIONS,
    },
    Row {
        method: "post",
        path: "/api/v1/auth/login",
        id: Id::None,
        body: |_| Some(json!({"username": "tamu", "password": STAFF_PASSWORD})),
        allowed: EVERYONE,
    },
    Row {
        method: "post",
        path: "/api/v1/auth/logout",
        id: Id::None,
        body: none,
        allowed: SESSIONS,
    },
    Row {
        method: "get",
        path: "/api/v1/auth/me",
        id: Id::None,
        body: none,
        allowed: SESSIONS,
    },
    Row {
        method: "get",
        path: "/api/v1/counters",
        id: Id::None,
        body: none,
        allowed: SESSIONS,
    },
    Row {
        method: "post",
        path: "/api/v1/counters/{id}/call-next",
        id: Id::Counter1,
        body: none,
        allowed: COUNTER_1,
    },
    Row {
        method: "post",
        path: "/api/v1/counters/{id}/recall",
        id: Id::Counter1,
        body: none,
        allowed: COUNTER_1,
    },
    Row {
        method: "post",
        path: "/api/v1/counters/{id}/complete",
        id: Id::Counter1,
        body: none,
        allowed: COUNTER_1,
    },
    Row {
        method: "post",
        path: "/api/v1/counters/{id}/skip",
        id: Id::Counter1,
        body: none,
        allowed: COUNTER_1,
    },
    Row {
        method: "post",
        path: "/api/v1/counters/{id}/requeue",
        id: Id::Counter1,
        body: |f| Some(json!({"ticket_id": f.ticket_x.ticket.id})),
        allowed: COUNTER_1,
    },
    Row {
        method: "post",
        path: "/api/v1/counters/{id}/cancel",
        id: Id::Counter1,
        body: |f| Some(json!({"ticket_id": f.ticket_x.ticket.id})),
        allowed: COUNTER_1,
    },
    Row {
        method: "post",
        path: "/api/v1/counters/{id}/transfer",
        id: Id::Counter1,
        body: |f| Some(json!({"service_id": f.service_b})),
        allowed: COUNTER_1,
    },
    Row {
        method: "post",
        path: "/api/v1/counters/{id}/pause",
        id: Id::Counter1,
        body: none,
        allowed: COUNTER_1,
    },
    Row {
        method: "post",
        path: "/api/v1/counters/{id}/resume",
        id: Id::Counter1,
        body: none,
        allowed: COUNTER_1,
    },
    Row {
        method: "get",
        path: "/api/v1/counters/{id}/queue",
        id: Id::Counter1,
        body: none,
        allowed: COUNTER_1,
    },
    Row {
        method: "get",
        path: "/api/v1/admin/services",
        id: Id::None,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "post",
        path: "/api/v1/admin/services",
        id: Id::None,
        body: |_| Some(json!({"code": "M", "name": "Poli Mata"})),
        allowed: ADMINS,
    },
    Row {
        method: "patch",
        path: "/api/v1/admin/services/{id}",
        id: Id::Service,
        body: empty,
        allowed: ADMINS,
    },
    Row {
        method: "get",
        path: "/api/v1/admin/counters",
        id: Id::None,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "post",
        path: "/api/v1/admin/counters",
        id: Id::None,
        body: |f| Some(json!({"number": 9, "name": "Loket 9", "service_ids": [f.service_b]})),
        allowed: ADMINS,
    },
    Row {
        method: "patch",
        path: "/api/v1/admin/counters/{id}",
        id: Id::Counter1,
        body: empty,
        allowed: ADMINS,
    },
    Row {
        method: "get",
        path: "/api/v1/admin/users",
        id: Id::None,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "post",
        path: "/api/v1/admin/users",
        id: Id::None,
        body: |_| Some(json!({"username": "baru", "password": STAFF_PASSWORD, "role": "staff"})),
        allowed: ADMINS,
    },
    Row {
        method: "patch",
        path: "/api/v1/admin/users/{id}",
        id: Id::User,
        body: empty,
        allowed: ADMINS,
    },
    Row {
        method: "get",
        path: "/api/v1/admin/displays",
        id: Id::None,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "post",
        path: "/api/v1/admin/displays",
        id: Id::None,
        body: |_| Some(json!({"name": "Lobi"})),
        allowed: ADMINS,
    },
    Row {
        method: "delete",
        path: "/api/v1/admin/displays/{id}",
        id: Id::Display,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "get",
        path: "/api/v1/admin/settings",
        id: Id::None,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "patch",
        path: "/api/v1/admin/settings",
        id: Id::None,
        body: empty,
        allowed: ADMINS,
    },
    Row {
        method: "get",
        path: "/api/v1/admin/audit",
        id: Id::None,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "post",
        path: "/api/v1/admin/day/reset",
        id: Id::None,
        // Never the right password: the matrix must not empty the queues it tests with.
        body: |_| Some(json!({"password": "not-the-password"})),
        allowed: ADMINS,
    },
    Row {
        method: "get",
        path: "/api/v1/admin/stats",
        id: Id::None,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "get",
        path: "/api/v1/admin/history",
        id: Id::None,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "get",
        path: "/api/v1/admin/history/export",
        id: Id::None,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "get",
        path: "/api/v1/admin/bpjs/bridge",
        id: Id::None,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "get",
        path: "/api/v1/admin/bpjs/polis",
        id: Id::None,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "put",
        path: "/api/v1/admin/bpjs/polis/{id}",
        id: Id::Service,
        body: |_| {
            Some(json!({
                "poli_code": "GIG", "poli_name": "Gigi", "doctor_code": 4410,
                "doctor_name": "drg. Wulan", "practice_hours": "08:00-12:00",
                "quota_jkn": 10, "quota_non_jkn": 5
            }))
        },
        allowed: ADMINS,
    },
    Row {
        method: "delete",
        path: "/api/v1/admin/bpjs/polis/{id}",
        id: Id::Service,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "get",
        path: "/api/v1/admin/bpjs/reports",
        id: Id::None,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "post",
        path: "/api/v1/admin/bpjs/reports/{id}/retry",
        id: Id::Report,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "get",
        path: "/api/v1/admin/bpjs/reconciliation",
        id: Id::None,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "post",
        path: "/api/v1/admin/bpjs/reconciliation",
        id: Id::None,
        body: none,
        allowed: ADMINS,
    },
    Row {
        method: "get",
        path: "/api/v1/display/settings",
        id: Id::None,
        body: none,
        allowed: DISPLAY_READERS,
    },
    Row {
        method: "get",
        path: "/api/v1/events",
        id: Id::None,
        body: none,
        allowed: STREAM,
    },
];

/// Everything the calls need: two tickets, the callers' tokens, and ids for `{id}`.
struct Fixture {
    ticket_x: IssuedTicket,
    ticket_y: IssuedTicket,
    counter_1: Uuid,
    service_b: Uuid,
    bystander: Uuid,
    bystander_display: Uuid,
    display: String,
    revoked_display: String,
    staff_1: String,
    staff_2: String,
    admin: String,
    disabled: String,
    expired: String,
}

impl Fixture {
    async fn new(server: &TestServer) -> Fixture {
        let admin = server.admin().await;
        let counter_1 = server.counter_id(&admin, 1).await;
        let counter_2 = server.counter_id(&admin, 2).await;
        // A session that has run out: logged in, then the clock passes its lifetime.
        let old = server.create_staff(&admin, "lama", &[counter_1]).await;
        let expired = server.login(&old.username, STAFF_PASSWORD).await;
        server
            .clock
            .advance(giliran_server::store::SESSION_LIFETIME + chrono::Duration::minutes(1));

        let admin = server.admin().await;
        let staff_1_user = server.create_staff(&admin, "siti", &[counter_1]).await;
        let staff_1 = server.login(&staff_1_user.username, STAFF_PASSWORD).await;
        let staff_2_user = server.create_staff(&admin, "budi", &[counter_2]).await;
        let staff_2 = server.login(&staff_2_user.username, STAFF_PASSWORD).await;
        let gone = server.create_staff(&admin, "keluar", &[counter_1]).await;
        let disabled = server.login(&gone.username, STAFF_PASSWORD).await;
        server
            .send(
                Method::PATCH,
                &format!("/api/v1/admin/users/{}", gone.id),
                Some(&admin),
                Some(json!({"disabled": true})),
            )
            .await
            .assert_ok();
        let bystander = server.create_staff(&admin, "tamu", &[]).await.id;

        let display = server.display_token().await;
        let revoked = server.create_display("Dicabut").await;
        server
            .send(
                Method::DELETE,
                &format!("/api/v1/admin/displays/{}", revoked.device.id),
                Some(&admin),
                None,
            )
            .await
            .assert_ok();
        let revoked_display = revoked.token;
        let bystander_display = server.create_display("Lantai 2").await.device.id;

        let ticket_x = server.take("A", json!({"name": "Pasien X"})).await;
        let ticket_y = server.take("A", json!({"name": "Pasien Y"})).await;
        let service_b = server.service("B").await.id;
        Fixture {
            ticket_x,
            ticket_y,
            counter_1,
            service_b,
            bystander,
            bystander_display,
            display,
            revoked_display,
            staff_1,
            staff_2,
            admin,
            disabled,
            expired,
        }
    }

    fn token(&self, caller: Caller) -> Option<&str> {
        match caller {
            Anonymous => None,
            TrackingX => Some(&self.ticket_x.tracking_token),
            TrackingY => Some(&self.ticket_y.tracking_token),
            Display => Some(&self.display),
            RevokedDisplay => Some(&self.revoked_display),
            Staff1 => Some(&self.staff_1),
            Staff2 => Some(&self.staff_2),
            Admin => Some(&self.admin),
            DisabledUser => Some(&self.disabled),
            ExpiredSession => Some(&self.expired),
        }
    }

    fn path(&self, row: &Row) -> String {
        let id = match row.id {
            Id::None => return row.path.to_owned(),
            Id::VisitX => {
                return row
                    .path
                    .replace("{booking_code}", &self.ticket_x.ticket.booking_code);
            }
            Id::TicketX => self.ticket_x.ticket.id,
            Id::Counter1 => self.counter_1,
            Id::Service => self.service_b,
            Id::User => self.bystander,
            Id::Display => self.bystander_display,
            Id::Report => return row.path.replace("{id}", "1"),
        };
        row.path.replace("{id}", &id.to_string())
    }
}

/// Let through, or turned away at the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Allowed,
    Denied,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
        })
    }
}

/// A refusal because of who is asking: no or a dead token (401), the wrong role or counter
/// (403), or a tracking token of another ticket, which looks like an unknown ticket (404).
fn outcome_of(reply: &Reply, row: &Row) -> Outcome {
    let status = reply.status.as_u16();
    assert!(
        status < 500,
        "{} {}: a server error: {}",
        row.method,
        row.path,
        reply.body
    );
    let denied = match status {
        401 | 403 => true,
        404 => matches!(row.id, Id::TicketX) && reply.error_code() == ErrorCode::TicketNotFound,
        _ => false,
    };
    if denied {
        Outcome::Denied
    } else {
        Outcome::Allowed
    }
}

async fn call(server: &TestServer, fixture: &Fixture, row: &Row, caller: Caller) -> Outcome {
    let token = fixture.token(caller);
    if row.path == "/api/v1/events" {
        let mut query = String::new();
        if let Some(token) = token {
            query = format!("token={token}");
        }
        if matches!(caller, TrackingX | TrackingY) {
            query.push_str(&format!("&ticket={}", fixture.ticket_x.ticket.id));
        }
        return match server.try_subscribe(&query).await {
            Ok(subscriber) => {
                subscriber.close().await;
                Outcome::Allowed
            }
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                let status = response.status().as_u16();
                assert!(
                    matches!(status, 401 | 403),
                    "the stream refused {caller:?} with {status}"
                );
                Outcome::Denied
            }
            Err(other) => panic!("the stream failed for {caller:?}: {other}"),
        };
    }
    let method = Method::from_bytes(row.method.to_uppercase().as_bytes()).expect("method");
    let reply = server
        .send(method, &fixture.path(row), token, (row.body)(fixture))
        .await;
    outcome_of(&reply, row)
}

async fn every_route_lets_through_exactly_the_callers_the_table_names(backend: Backend) {
    let server = TestServer::start(backend).await;
    let doc = server.get("/api/v1/openapi.json", None).await;
    doc.assert_ok();
    let mut documented = Vec::new();
    for (path, item) in doc.body["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    for (method, path) in &documented {
        assert!(
            TABLE.iter().any(|r| r.method == method && r.path == path),
            "{method} {path} is documented but has no row in the role table: decide who may call it"
        );
    }
    for row in TABLE {
        assert!(
            documented
                .iter()
                .any(|(m, p)| m == row.method && p == row.path),
            "{} {} has a row but is not in the OpenAPI document",
            row.method,
            row.path
        );
    }

    let fixture = Fixture::new(&server).await;
    // Logging out ends the callers' sessions, so it goes last.
    let mut rows: Vec<&Row> = TABLE.iter().collect();
    rows.sort_by_key(|r| r.path == "/api/v1/auth/logout");
    let mut wrong = Vec::new();
    for row in rows {
        for caller in ALL_CALLERS {
            let expected = if row.allowed.contains(&caller) {
                Outcome::Allowed
            } else {
                Outcome::Denied
            };
            let got = call(&server, &fixture, row, caller).await;
            if got != expected {
                wrong.push(format!(
                    "{} {} as {caller:?}: {got}, expected {expected}",
                    row.method.to_uppercase(),
                    row.path
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the role table does not hold:\n{}",
        wrong.join("\n")
    );
    server.stop().await;
}
