//! Bad input from patients, staff and admins — malformed JSON, wrong types, unknown ids, empty or
//! 10 kB names, the wrong role — each answered with the contract's status and error code, in the
//! contract's error shape, and nothing written. Runs on SQLite and PostgreSQL.

use giliran_core::status::TicketStatus;
use giliran_core::wire::{Counter, ErrorCode, IssuedTicket, Service, User};
use giliran_tests::{Backend, Reply, STAFF_PASSWORD, TestServer, on_both_backends};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends!(
    patient_sending_malformed_json_gets_invalid_json_and_no_ticket,
    patient_sending_wrong_types_or_unknown_fields_gets_invalid_body,
    a_json_array_in_place_of_the_body_object_is_invalid_body,
    a_number_for_a_priority_or_role_is_invalid_body_not_invalid_json,
    patient_sending_no_json_or_a_huge_body_is_refused_before_anything_is_read,
    patient_with_an_empty_blank_or_10_kb_name_or_a_bad_phone_is_told_which_field,
    patient_asking_for_an_unknown_service_gets_service_not_found,
    patient_cannot_follow_or_cancel_a_ticket_without_its_own_token,
    staff_and_admin_routes_refuse_malformed_mistyped_and_huge_bodies,
    admin_is_told_which_field_is_wrong_and_nothing_is_created,
    admin_duplicates_and_unknown_ids_are_refused_without_half_written_changes,
    staff_cannot_work_at_another_counter_or_use_admin_routes,
    requests_without_a_session_are_unauthorized_even_with_a_tracking_token,
    unknown_routes_and_wrong_methods_get_not_found_and_method_not_allowed,
    hostile_text_is_stored_as_typed_or_refused_and_numbers_out_of_range_are_refused,
);

/// Asserts the reply is a refusal with `status` and `code`, and that its body is exactly the
/// contract's error shape: `{"error": {"code", "message", "field"?}}` and nothing else.
#[track_caller]
fn assert_refused(reply: &Reply, status: u16, code: ErrorCode) {
    assert!(
        !reply.status.is_server_error(),
        "a bad request must never be a server error: {} {}",
        reply.status,
        reply.body
    );
    let body = reply
        .body
        .as_object()
        .unwrap_or_else(|| panic!("the error body must be a JSON object: {}", reply.body));
    assert_eq!(
        body.keys().collect::<Vec<_>>(),
        ["error"],
        "the error body has only `error`: {}",
        reply.body
    );
    let error = body["error"]
        .as_object()
        .unwrap_or_else(|| panic!("`error` must be an object: {}", reply.body));
    for key in error.keys() {
        assert!(
            ["code", "message", "field"].contains(&key.as_str()),
            "unexpected `error.{key}` in {}",
            reply.body
        );
    }
    assert!(error["code"].is_string(), "{}", reply.body);
    assert!(
        error.get("field").is_none_or(Value::is_string),
        "{}",
        reply.body
    );
    reply.assert_error(status, code);
}

/// Asserts a `422 invalid_field` naming `field`.
#[track_caller]
fn assert_field_refused(reply: &Reply, field: &str) {
    assert_refused(reply, 422, ErrorCode::InvalidField);
    assert_eq!(
        reply.body["error"]["field"], field,
        "the error names the field at fault: {}",
        reply.body
    );
}

/// Everything an admin can see of the configuration and queues; equal before and after bad
/// requests when nothing was written.
#[derive(Debug, PartialEq)]
struct Everything {
    services: Vec<Service>,
    counters: Vec<Counter>,
    users: Vec<User>,
}

async fn everything(server: &TestServer, admin: &str) -> Everything {
    Everything {
        services: server.services().await,
        counters: server
            .get("/api/v1/admin/counters", Some(admin))
            .await
            .assert_ok()
            .json(),
        users: server
            .get("/api/v1/admin/users", Some(admin))
            .await
            .assert_ok()
            .json(),
    }
}

/// The proof that bad requests left no trace: the admin sees exactly what they saw before, and
/// the next patient of Poli Umum still gets the day's first number.
async fn assert_nothing_written(server: &TestServer, admin: &str, before: &Everything) {
    assert_eq!(&everything(server, admin).await, before);
    let first = server.take("A", json!({})).await;
    assert_eq!(
        first.ticket.number, "A-001",
        "no refused request may use up a number"
    );
}

/// Nobody waits anywhere: the state of a fresh server.
fn nobody_waits(state: &Everything) {
    for service in &state.services {
        assert_eq!(service.waiting, 0, "{} has nobody waiting", service.code);
    }
}

/// Sends a request built by hand (odd headers, raw bodies) and reads its answer.
async fn reply_to(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.expect("request reaches the server");
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    Reply { status, body }
}

/// A JSON body just over the 64 KiB limit.
fn over_64_kib(mut body: Value) -> Vec<u8> {
    if let Some(object) = body.as_object_mut() {
        object.insert("name".into(), json!("a".repeat(65 * 1024)));
    }
    body.to_string().into_bytes()
}

/// Bodies that break JSON's syntax before any field is read, so every route sees them the same.
const MALFORMED_JSON: [&[u8]; 8] = [
    b"{",
    b"{,}",
    b"{]",
    b"{'service_id': 1}",
    b"{\"service_id",
    b"nama saya Siti",
    b"",
    b"\xff\xfe{}",
];

async fn patient_sending_malformed_json_gets_invalid_json_and_no_ticket(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let before = everything(&server, &admin).await;
    nobody_waits(&before);

    for body in MALFORMED_JSON {
        let reply = server
            .post_raw(
                "/api/v1/tickets",
                None,
                Some("application/json"),
                body.to_vec(),
            )
            .await;
        assert_refused(&reply, 400, ErrorCode::InvalidJson);
    }

    assert_nothing_written(&server, &admin, &before).await;
}

async fn patient_sending_wrong_types_or_unknown_fields_gets_invalid_body(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let umum = server.service("A").await.id;
    let before = everything(&server, &admin).await;

    let bodies = [
        json!({}),
        json!(null),
        json!("A"),
        json!({"service_id": 42}),
        json!({"service_id": "poli-umum"}),
        json!({"service_id": "A"}),
        json!({"service_id": umum, "name": 123}),
        json!({"service_id": umum, "name": ["Siti"]}),
        json!({"service_id": umum, "phone": 81234567890_u64}),
        json!({"service_id": umum, "device_id": true}),
        json!({"service_id": umum, "priority": "vip"}),
        json!({"service_id": umum, "nama": "Siti"}),
        json!({"service_id": umum, "status": "called"}),
    ];
    for body in bodies {
        let reply = server.post("/api/v1/tickets", None, body).await;
        assert_refused(&reply, 422, ErrorCode::InvalidBody);
    }

    assert_nothing_written(&server, &admin, &before).await;
}

/// The contract's bodies are JSON objects. serde would also fill a struct from an array, field by
/// field in declaration order, so a client could rely on an order the contract never promised.
async fn a_json_array_in_place_of_the_body_object_is_invalid_body(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let umum = server.service("A").await.id;
    let before = everything(&server, &admin).await;

    let ticket = server.post("/api/v1/tickets", None, json!([umum])).await;
    assert_refused(&ticket, 422, ErrorCode::InvalidBody);
    let named = server
        .post("/api/v1/tickets", None, json!([umum, "Siti"]))
        .await;
    assert_refused(&named, 422, ErrorCode::InvalidBody);
    let service = server
        .post(
            "/api/v1/admin/services",
            Some(&admin),
            json!(["E", "Poli Mata"]),
        )
        .await;
    assert_refused(&service, 422, ErrorCode::InvalidBody);
    let counter = server
        .post(
            "/api/v1/admin/counters",
            Some(&admin),
            json!([5, "Loket 5", [umum]]),
        )
        .await;
    assert_refused(&counter, 422, ErrorCode::InvalidBody);
    let update = server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/services/{umum}"),
            Some(&admin),
            Some(json!([])),
        )
        .await;
    assert_refused(&update, 422, ErrorCode::InvalidBody);

    assert_nothing_written(&server, &admin, &before).await;
}

/// A number where a named choice (priority, role) belongs is valid JSON of the wrong type, like
/// any other: 422, not the 400 of a body that is not JSON at all.
async fn a_number_for_a_priority_or_role_is_invalid_body_not_invalid_json(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let umum = server.service("A").await.id;
    let before = everything(&server, &admin).await;

    let ticket = server
        .post(
            "/api/v1/tickets",
            None,
            json!({"service_id": umum, "priority": 1}),
        )
        .await;
    assert_refused(&ticket, 422, ErrorCode::InvalidBody);
    let user = server
        .post(
            "/api/v1/admin/users",
            Some(&admin),
            json!({"username": "rina", "password": STAFF_PASSWORD, "role": 1}),
        )
        .await;
    assert_refused(&user, 422, ErrorCode::InvalidBody);

    assert_nothing_written(&server, &admin, &before).await;
}

async fn patient_sending_no_json_or_a_huge_body_is_refused_before_anything_is_read(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let umum = server.service("A").await.id;
    let before = everything(&server, &admin).await;
    let valid = json!({"service_id": umum}).to_string().into_bytes();

    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let reply = server
            .post_raw("/api/v1/tickets", None, content_type, valid.clone())
            .await;
        assert_refused(&reply, 415, ErrorCode::UnsupportedMediaType);
    }
    let huge = server
        .post_raw(
            "/api/v1/tickets",
            None,
            Some("application/json"),
            over_64_kib(json!({"service_id": umum})),
        )
        .await;
    assert_refused(&huge, 413, ErrorCode::PayloadTooLarge);

    assert_nothing_written(&server, &admin, &before).await;
}

async fn patient_with_an_empty_blank_or_10_kb_name_or_a_bad_phone_is_told_which_field(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let umum = server.service("A").await.id;
    let before = everything(&server, &admin).await;

    let refusals = [
        ("name", json!("")),
        ("name", json!("   ")),
        ("name", json!("\t\n ")),
        ("name", json!("x".repeat(101))),
        ("name", json!("Siti ".repeat(2048))),
        ("name", json!("a".repeat(10 * 1024))),
        ("name", json!("Siti\u{0007}")),
        ("phone", json!("")),
        ("phone", json!("12345")),
        ("phone", json!("nomor saya")),
        ("phone", json!("0812-abcd-5678")),
        ("phone", json!("+")),
        ("phone", json!("0".repeat(10 * 1024))),
        ("device_id", json!("")),
        ("device_id", json!("ponsel siti")),
        ("device_id", json!("d".repeat(129))),
        ("device_id", json!("pönsel")),
    ];
    for (field, value) in refusals {
        let reply = server
            .post(
                "/api/v1/tickets",
                None,
                json!({"service_id": umum, field: value}),
            )
            .await;
        assert_field_refused(&reply, field);
    }

    assert_nothing_written(&server, &admin, &before).await;
}

async fn patient_asking_for_an_unknown_service_gets_service_not_found(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let before = everything(&server, &admin).await;
    let counter = server.counter_id(&admin, 1).await;

    // A random id, and ids of things that exist but are not services.
    for unknown in [Uuid::new_v4(), Uuid::nil(), counter] {
        let reply = server
            .post(
                "/api/v1/tickets",
                None,
                json!({"service_id": unknown, "name": "Siti"}),
            )
            .await;
        assert_refused(&reply, 404, ErrorCode::ServiceNotFound);
    }

    assert_nothing_written(&server, &admin, &before).await;
}

async fn patient_cannot_follow_or_cancel_a_ticket_without_its_own_token(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let siti = server.take("B", json!({"name": "Siti"})).await;
    let budi = server.take("B", json!({"name": "Budi"})).await;
    let before = everything(&server, &admin).await;
    let sitis = format!("/api/v1/tickets/{}", siti.ticket.id);

    for method in [Method::GET, Method::DELETE] {
        // Budi's token does not open Siti's ticket, and does not tell him it exists.
        let reply = server
            .send(method.clone(), &sitis, Some(&budi.tracking_token), None)
            .await;
        assert_refused(&reply, 404, ErrorCode::TicketNotFound);
        let made_up = server
            .send(method.clone(), &sitis, Some("bukan-token-siti"), None)
            .await;
        assert_refused(&made_up, 404, ErrorCode::TicketNotFound);
        let unknown = format!("/api/v1/tickets/{}", Uuid::new_v4());
        let reply = server
            .send(method.clone(), &unknown, Some(&siti.tracking_token), None)
            .await;
        assert_refused(&reply, 404, ErrorCode::TicketNotFound);

        for not_an_id in ["B-001", "123", "null"] {
            let path = format!("/api/v1/tickets/{not_an_id}");
            let reply = server
                .send(method.clone(), &path, Some(&siti.tracking_token), None)
                .await;
            assert_refused(&reply, 400, ErrorCode::InvalidParameter);
        }

        let anonymous = server.send(method.clone(), &sitis, None, None).await;
        assert_refused(&anonymous, 401, ErrorCode::Unauthorized);
        let basic = reply_to(
            server
                .http
                .request(method.clone(), server.url(&sitis))
                .basic_auth("siti", Some("rahasia")),
        )
        .await;
        assert_refused(&basic, 401, ErrorCode::Unauthorized);
    }

    // Both patients still wait, in order, each seeing their own ticket.
    let still = server.track(&siti).await;
    assert_eq!(
        (still.status, still.people_ahead),
        (TicketStatus::Waiting, Some(0))
    );
    let still = server.track(&budi).await;
    assert_eq!(
        (still.status, still.people_ahead),
        (TicketStatus::Waiting, Some(1))
    );
    assert_eq!(server.service("B").await.waiting, 2);
    assert_nothing_written(&server, &admin, &before).await;
}

async fn staff_and_admin_routes_refuse_malformed_mistyped_and_huge_bodies(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let umum = server.service("A").await.id;
    let loket1 = server.counter_id(&admin, 1).await;
    let before = everything(&server, &admin).await;
    nobody_waits(&before);

    let body_routes = [
        (Method::POST, "/api/v1/auth/login".to_owned()),
        (Method::POST, "/api/v1/admin/services".to_owned()),
        (Method::PATCH, format!("/api/v1/admin/services/{umum}")),
        (Method::POST, "/api/v1/admin/counters".to_owned()),
        (Method::PATCH, format!("/api/v1/admin/counters/{loket1}")),
        (Method::POST, "/api/v1/admin/users".to_owned()),
        (Method::POST, format!("/api/v1/counters/{loket1}/requeue")),
        (Method::POST, format!("/api/v1/counters/{loket1}/cancel")),
        (Method::POST, format!("/api/v1/counters/{loket1}/transfer")),
    ];
    for (method, path) in &body_routes {
        let raw = |content_type: Option<&'static str>, body: Vec<u8>| {
            let mut request = server
                .http
                .request(method.clone(), server.url(path))
                .bearer_auth(&admin)
                .body(body);
            if let Some(content_type) = content_type {
                request = request.header("content-type", content_type);
            }
            reply_to(request)
        };
        for body in MALFORMED_JSON {
            let reply = raw(Some("application/json"), body.to_vec()).await;
            assert_refused(&reply, 400, ErrorCode::InvalidJson);
        }
        let reply = raw(None, b"{}".to_vec()).await;
        assert_refused(&reply, 415, ErrorCode::UnsupportedMediaType);
        let reply = raw(Some("application/json"), over_64_kib(json!({}))).await;
        assert_refused(&reply, 413, ErrorCode::PayloadTooLarge);
        for mistyped in [
            json!(null),
            json!(42),
            json!("Poli Mata"),
            json!({"nama": "Poli Mata"}),
        ] {
            let reply = raw(Some("application/json"), mistyped.to_string().into_bytes()).await;
            assert_refused(&reply, 422, ErrorCode::InvalidBody);
        }
    }

    let mistyped = [
        ("/api/v1/auth/login", json!({"username": "admin"})),
        ("/api/v1/auth/login", json!({"username": 1, "password": 2})),
        ("/api/v1/admin/services", json!({"code": "E"})),
        (
            "/api/v1/admin/services",
            json!({"code": 5, "name": "Poli Mata"}),
        ),
        (
            "/api/v1/admin/services",
            json!({"code": "E", "name": "Poli Mata", "daily_quota": -1}),
        ),
        (
            "/api/v1/admin/services",
            json!({"code": "E", "name": "Poli Mata", "open": "ya"}),
        ),
        (
            "/api/v1/admin/counters",
            json!({"number": -5, "name": "Loket 5", "service_ids": [umum]}),
        ),
        (
            "/api/v1/admin/counters",
            json!({"number": "5", "name": "Loket 5", "service_ids": [umum]}),
        ),
        (
            "/api/v1/admin/counters",
            json!({"number": 5, "name": "Loket 5", "service_ids": ["A"]}),
        ),
        (
            "/api/v1/admin/users",
            json!({"username": "rina", "password": STAFF_PASSWORD, "role": "superuser"}),
        ),
        (
            "/api/v1/admin/users",
            json!({"username": "rina", "password": STAFF_PASSWORD, "role": "staff", "counters": loket1}),
        ),
        (
            "/api/v1/admin/users",
            json!({"username": "rina", "password": STAFF_PASSWORD, "role": "staff", "is_admin": true}),
        ),
    ];
    for (path, body) in mistyped {
        let reply = server.post(path, Some(&admin), body).await;
        assert_refused(&reply, 422, ErrorCode::InvalidBody);
    }
    let patch = server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/services/{umum}"),
            Some(&admin),
            Some(json!({"open": "tutup", "daily_quota": "banyak"})),
        )
        .await;
    assert_refused(&patch, 422, ErrorCode::InvalidBody);
    let patch = server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/counters/{loket1}"),
            Some(&admin),
            Some(json!({"paused": 1})),
        )
        .await;
    assert_refused(&patch, 422, ErrorCode::InvalidBody);

    assert_nothing_written(&server, &admin, &before).await;
}

async fn admin_is_told_which_field_is_wrong_and_nothing_is_created(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let umum = server.service("A").await.id;
    let loket1 = server.counter_id(&admin, 1).await;
    let before = everything(&server, &admin).await;

    let ten_kb = "a".repeat(10 * 1024);
    let refusals = [
        (
            "/api/v1/admin/services",
            "code",
            json!({"code": "A1", "name": "Poli Mata"}),
        ),
        (
            "/api/v1/admin/services",
            "code",
            json!({"code": "MATA", "name": "Poli Mata"}),
        ),
        (
            "/api/v1/admin/services",
            "code",
            json!({"code": "", "name": "Poli Mata"}),
        ),
        (
            "/api/v1/admin/services",
            "code",
            json!({"code": "  ", "name": "Poli Mata"}),
        ),
        (
            "/api/v1/admin/services",
            "code",
            json!({"code": "É", "name": "Poli Mata"}),
        ),
        (
            "/api/v1/admin/services",
            "name",
            json!({"code": "E", "name": ""}),
        ),
        (
            "/api/v1/admin/services",
            "name",
            json!({"code": "E", "name": "   "}),
        ),
        (
            "/api/v1/admin/services",
            "name",
            json!({"code": "E", "name": ten_kb}),
        ),
        (
            "/api/v1/admin/counters",
            "number",
            json!({"number": 0, "name": "Loket 0", "service_ids": [umum]}),
        ),
        (
            "/api/v1/admin/counters",
            "name",
            json!({"number": 5, "name": "", "service_ids": [umum]}),
        ),
        (
            "/api/v1/admin/counters",
            "name",
            json!({"number": 5, "name": ten_kb, "service_ids": [umum]}),
        ),
        (
            "/api/v1/admin/counters",
            "service_ids",
            json!({"number": 5, "name": "Loket 5", "service_ids": [umum, umum]}),
        ),
        (
            "/api/v1/admin/users",
            "password",
            json!({"username": "rina", "password": "pendek", "role": "staff"}),
        ),
        (
            "/api/v1/admin/users",
            "password",
            json!({"username": "rina", "password": "123456789", "role": "staff"}),
        ),
        (
            "/api/v1/admin/users",
            "password",
            json!({"username": "rina", "password": "", "role": "staff"}),
        ),
        (
            "/api/v1/admin/users",
            "username",
            json!({"username": "ab", "password": STAFF_PASSWORD, "role": "staff"}),
        ),
        (
            "/api/v1/admin/users",
            "username",
            json!({"username": "Rina Loket!", "password": STAFF_PASSWORD, "role": "staff"}),
        ),
        (
            "/api/v1/admin/users",
            "username",
            json!({"username": ten_kb, "password": STAFF_PASSWORD, "role": "staff"}),
        ),
        (
            "/api/v1/admin/users",
            "display_name",
            json!({"username": "rina", "display_name": "", "password": STAFF_PASSWORD, "role": "staff"}),
        ),
        (
            "/api/v1/admin/users",
            "display_name",
            json!({"username": "rina", "display_name": ten_kb, "password": STAFF_PASSWORD, "role": "staff", "counters": [loket1]}),
        ),
    ];
    for (path, field, body) in refusals {
        let reply = server.post(path, Some(&admin), body).await;
        assert_field_refused(&reply, field);
    }

    let updates = [
        (
            format!("/api/v1/admin/services/{umum}"),
            "name",
            json!({"name": ""}),
        ),
        (
            format!("/api/v1/admin/services/{umum}"),
            "name",
            json!({"name": ten_kb}),
        ),
        (
            format!("/api/v1/admin/counters/{loket1}"),
            "name",
            json!({"name": " "}),
        ),
        (
            format!("/api/v1/admin/counters/{loket1}"),
            "service_ids",
            json!({"service_ids": [umum, umum]}),
        ),
    ];
    for (path, field, body) in updates {
        let reply = server
            .send(Method::PATCH, &path, Some(&admin), Some(body))
            .await;
        assert_field_refused(&reply, field);
    }

    assert_nothing_written(&server, &admin, &before).await;
}

async fn admin_duplicates_and_unknown_ids_are_refused_without_half_written_changes(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let umum = server.service("A").await.id;
    let loket1 = server.counter_id(&admin, 1).await;
    let before = everything(&server, &admin).await;
    let nobody = Uuid::new_v4();

    // Codes are compared as staff type them: `a` and ` b ` are A and B.
    for code in ["A", "a", " b ", "D"] {
        let reply = server
            .post(
                "/api/v1/admin/services",
                Some(&admin),
                json!({"code": code, "name": "Poli Baru"}),
            )
            .await;
        assert_refused(&reply, 409, ErrorCode::AlreadyExists);
    }
    let taken_number = server
        .post(
            "/api/v1/admin/counters",
            Some(&admin),
            json!({"number": 1, "name": "Loket Satu Lagi", "service_ids": [umum]}),
        )
        .await;
    assert_refused(&taken_number, 409, ErrorCode::AlreadyExists);
    for username in ["admin", "ADMIN", " admin "] {
        let reply = server
            .post(
                "/api/v1/admin/users",
                Some(&admin),
                json!({"username": username, "password": STAFF_PASSWORD, "role": "staff"}),
            )
            .await;
        assert_refused(&reply, 409, ErrorCode::AlreadyExists);
    }

    // A known id next to an unknown one must not leave the known half behind.
    let counter = server
        .post(
            "/api/v1/admin/counters",
            Some(&admin),
            json!({"number": 5, "name": "Loket 5", "service_ids": [umum, nobody]}),
        )
        .await;
    assert_refused(&counter, 404, ErrorCode::ServiceNotFound);
    let user = server
        .post(
            "/api/v1/admin/users",
            Some(&admin),
            json!({"username": "rina", "password": STAFF_PASSWORD, "role": "staff", "counters": [loket1, nobody]}),
        )
        .await;
    assert_refused(&user, 404, ErrorCode::CounterNotFound);
    let rename_and_break = server
        .send(
            Method::PATCH,
            &format!("/api/v1/admin/counters/{loket1}"),
            Some(&admin),
            Some(json!({"name": "Loket Baru", "service_ids": [umum, nobody], "paused": true})),
        )
        .await;
    assert_refused(&rename_and_break, 404, ErrorCode::ServiceNotFound);

    let unknown_targets = [
        (
            format!("/api/v1/admin/services/{nobody}"),
            json!({"name": "Poli Mata"}),
            ErrorCode::ServiceNotFound,
        ),
        (
            format!("/api/v1/admin/counters/{nobody}"),
            json!({"name": "Loket 9"}),
            ErrorCode::CounterNotFound,
        ),
        (
            format!("/api/v1/admin/users/{nobody}"),
            json!({"disabled": true}),
            ErrorCode::UserNotFound,
        ),
    ];
    for (path, body, code) in unknown_targets {
        let reply = server
            .send(Method::PATCH, &path, Some(&admin), Some(body))
            .await;
        assert_refused(&reply, 404, code);
    }
    for not_an_id in ["A", "loket-1", "1"] {
        for resource in ["services", "counters", "users"] {
            let reply = server
                .send(
                    Method::PATCH,
                    &format!("/api/v1/admin/{resource}/{not_an_id}"),
                    Some(&admin),
                    Some(json!({})),
                )
                .await;
            assert_refused(&reply, 400, ErrorCode::InvalidParameter);
        }
    }

    for action in ["call-next", "recall", "complete", "skip"] {
        let reply = server.counter_action(&admin, nobody, action).await;
        assert_refused(&reply, 404, ErrorCode::CounterNotFound);
        let path = format!("/api/v1/counters/loket-1/{action}");
        let reply = server.send(Method::POST, &path, Some(&admin), None).await;
        assert_refused(&reply, 400, ErrorCode::InvalidParameter);
    }
    let queue = server
        .get(&format!("/api/v1/counters/{nobody}/queue"), Some(&admin))
        .await;
    assert_refused(&queue, 404, ErrorCode::CounterNotFound);
    let queue = server.get("/api/v1/counters/1/queue", Some(&admin)).await;
    assert_refused(&queue, 400, ErrorCode::InvalidParameter);

    assert_nothing_written(&server, &admin, &before).await;
}

async fn staff_cannot_work_at_another_counter_or_use_admin_routes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let umum = server.service("A").await.id;
    let loket1 = server.counter_id(&admin, 1).await;
    let loket2 = server.counter_id(&admin, 2).await;
    let rina = server.staff_at(&admin, "rina", &[loket1]).await;
    let rina_id = everything(&server, &admin)
        .await
        .users
        .into_iter()
        .find(|u| u.username == "rina")
        .map(|u| u.id)
        .expect("rina was created");
    // A patient waits at Poli Gigi, which loket 2 serves and Rina does not.
    let siti = server.take("B", json!({"name": "Siti"})).await;
    let before = everything(&server, &admin).await;

    for action in ["call-next", "recall", "complete", "skip", "pause", "resume"] {
        let reply = server.counter_action(&rina, loket2, action).await;
        assert_refused(&reply, 403, ErrorCode::Forbidden);
    }
    let queue = server
        .get(&format!("/api/v1/counters/{loket2}/queue"), Some(&rina))
        .await;
    assert_refused(&queue, 403, ErrorCode::Forbidden);
    let cancel = server
        .post(
            &format!("/api/v1/counters/{loket2}/cancel"),
            Some(&rina),
            json!({"ticket_id": siti.ticket.id}),
        )
        .await;
    assert_refused(&cancel, 403, ErrorCode::Forbidden);

    for path in [
        "/api/v1/admin/services",
        "/api/v1/admin/counters",
        "/api/v1/admin/users",
    ] {
        let reply = server.get(path, Some(&rina)).await;
        assert_refused(&reply, 403, ErrorCode::Forbidden);
    }
    let creations = [
        (
            "/api/v1/admin/services",
            json!({"code": "E", "name": "Poli Mata"}),
        ),
        (
            "/api/v1/admin/counters",
            json!({"number": 5, "name": "Loket 5", "service_ids": [umum]}),
        ),
        (
            "/api/v1/admin/users",
            json!({"username": "rina2", "password": STAFF_PASSWORD, "role": "admin"}),
        ),
    ];
    for (path, body) in creations {
        let reply = server.post(path, Some(&rina), body).await;
        assert_refused(&reply, 403, ErrorCode::Forbidden);
    }
    let updates = [
        (
            format!("/api/v1/admin/services/{umum}"),
            json!({"open": false}),
        ),
        (
            format!("/api/v1/admin/counters/{loket2}"),
            json!({"paused": true}),
        ),
        // Rina cannot give herself another counter.
        (
            format!("/api/v1/admin/users/{rina_id}"),
            json!({"counters": [loket1, loket2]}),
        ),
    ];
    for (path, body) in updates {
        let reply = server
            .send(Method::PATCH, &path, Some(&rina), Some(body))
            .await;
        assert_refused(&reply, 403, ErrorCode::Forbidden);
    }

    // Siti still waits first in line, uncalled; Rina's own counter still works for her.
    let still = server.track(&siti).await;
    assert_eq!(
        (still.status, still.people_ahead, still.counter),
        (TicketStatus::Waiting, Some(0), None)
    );
    assert_eq!(server.call_next(&rina, loket1).await, None);
    assert_nothing_written(&server, &admin, &before).await;
}

async fn requests_without_a_session_are_unauthorized_even_with_a_tracking_token(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let loket4 = server.counter_id(&admin, 4).await;
    // A patient of Poli Kandungan, whose tracking token is not a staff session.
    let ani: IssuedTicket = server.take("D", json!({"name": "Ani"})).await;
    let ended = server.admin().await;
    let logout = server
        .send(Method::POST, "/api/v1/auth/logout", Some(&ended), None)
        .await;
    assert_eq!(logout.status.as_u16(), 204, "{}", logout.body);
    let before = everything(&server, &admin).await;

    let staff_routes = [
        (Method::POST, format!("/api/v1/counters/{loket4}/call-next")),
        (Method::POST, format!("/api/v1/counters/{loket4}/recall")),
        (Method::POST, format!("/api/v1/counters/{loket4}/complete")),
        (Method::POST, format!("/api/v1/counters/{loket4}/skip")),
        (Method::GET, format!("/api/v1/counters/{loket4}/queue")),
        (Method::GET, "/api/v1/counters".to_owned()),
        (Method::GET, "/api/v1/auth/me".to_owned()),
        (Method::GET, "/api/v1/admin/services".to_owned()),
        (Method::GET, "/api/v1/admin/users".to_owned()),
        (Method::POST, "/api/v1/admin/users".to_owned()),
        (Method::POST, "/api/v1/admin/services".to_owned()),
    ];
    let long = "x".repeat(10 * 1024);
    let not_sessions = [
        None,
        Some(ani.tracking_token.as_str()),
        Some(ended.as_str()),
        Some("bukan-token"),
        Some(long.as_str()),
    ];
    for (method, path) in &staff_routes {
        let body = (method == Method::POST)
            .then(|| json!({"username": "rina", "password": STAFF_PASSWORD, "role": "admin"}));
        for token in not_sessions {
            let reply = server.send(method.clone(), path, token, body.clone()).await;
            assert_refused(&reply, 401, ErrorCode::Unauthorized);
        }
        // Only Bearer tokens count, even with the right password.
        let basic = reply_to(
            server
                .http
                .request(method.clone(), server.url(path))
                .basic_auth("admin", Some(giliran_tests::ADMIN_PASSWORD)),
        )
        .await;
        assert_refused(&basic, 401, ErrorCode::Unauthorized);
    }

    let wrong_password = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "admin", "password": "tebak-tebak-saja"}),
        )
        .await;
    assert_refused(&wrong_password, 401, ErrorCode::InvalidCredentials);
    let nobody = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": "siapa", "password": STAFF_PASSWORD}),
        )
        .await;
    assert_refused(&nobody, 401, ErrorCode::InvalidCredentials);
    let huge_name = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"username": long, "password": STAFF_PASSWORD}),
        )
        .await;
    assert_refused(&huge_name, 401, ErrorCode::InvalidCredentials);

    // Ani was not called by her own token; she still waits.
    let still = server.track(&ani).await;
    assert_eq!((still.status, still.counter), (TicketStatus::Waiting, None));
    assert_nothing_written(&server, &admin, &before).await;
}

async fn unknown_routes_and_wrong_methods_get_not_found_and_method_not_allowed(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let umum = server.service("A").await.id;
    let loket1 = server.counter_id(&admin, 1).await;
    let before = everything(&server, &admin).await;

    for path in [
        "/api/v1/nope",
        "/api/v2/services",
        "/api/v1/tickets/A-001/extra",
        "/api/v1/admin/reset-everything",
        "/api/v1/counters/1",
    ] {
        for token in [None, Some(admin.as_str())] {
            let reply = server.get(path, token).await;
            assert_refused(&reply, 404, ErrorCode::NotFound);
        }
    }

    let wrong_methods = [
        (Method::PUT, "/api/v1/tickets".to_owned()),
        (Method::GET, "/api/v1/tickets".to_owned()),
        (Method::DELETE, "/api/v1/services".to_owned()),
        (Method::POST, "/api/v1/services".to_owned()),
        (Method::POST, "/healthz".to_owned()),
        (Method::GET, "/api/v1/auth/login".to_owned()),
        (Method::GET, format!("/api/v1/counters/{loket1}/call-next")),
        (Method::DELETE, format!("/api/v1/counters/{loket1}/queue")),
        (Method::DELETE, format!("/api/v1/admin/services/{umum}")),
        (Method::DELETE, "/api/v1/admin/users".to_owned()),
    ];
    for (method, path) in wrong_methods {
        let reply = server
            .send(
                method,
                &path,
                Some(&admin),
                Some(json!({"service_id": umum})),
            )
            .await;
        assert_refused(&reply, 405, ErrorCode::MethodNotAllowed);
    }

    assert_nothing_written(&server, &admin, &before).await;
}

async fn hostile_text_is_stored_as_typed_or_refused_and_numbers_out_of_range_are_refused(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let umum = server.service("A").await.id;

    // Right-to-left names and SQL metacharacters are names like any other: kept exactly, and
    // they change nothing but their own ticket.
    for name in [
        "مريم الحسن",
        "Robert'); DROP TABLE tickets; --",
        "Siti \" OR 1=1 --",
        "Ayu % _ \\ $1",
    ] {
        let issued = server.take("A", json!({"name": name})).await;
        let tracked = server.track(&issued).await;
        assert_eq!(
            tracked.patient.and_then(|p| p.name).as_deref(),
            Some(name),
            "stored as typed"
        );
    }
    assert_eq!(server.service("A").await.waiting, 4);
    let service = server
        .post(
            "/api/v1/admin/services",
            Some(&admin),
            json!({"code": "M", "name": "Poli Mata'; DELETE FROM services; --"}),
        )
        .await;
    assert_eq!(service.status.as_u16(), 201, "{}", service.body);
    assert_eq!(server.services().await.len(), 5);

    let before = everything(&server, &admin).await;
    // Control characters and text-reordering marks would make a screen lie about a name.
    for name in [
        "Siti\u{0000}",
        "\u{001b}[2J",
        "Budi\u{202E}nimda",
        "\u{2067}Ani",
    ] {
        let reply = server
            .post(
                "/api/v1/tickets",
                None,
                json!({"service_id": umum, "name": name}),
            )
            .await;
        assert_field_refused(&reply, "name");
    }
    for code in ["A'--", "A;", "", "AB CD"] {
        let reply = server
            .post(
                "/api/v1/admin/services",
                Some(&admin),
                json!({"code": code, "name": "Poli"}),
            )
            .await;
        assert_field_refused(&reply, "code");
    }

    // Negative, zero and huge numbers.
    let counter = |number: Value| json!({"number": number, "name": "Loket", "service_ids": [umum]});
    for number in [json!(-1), json!(1u64 << 40), json!(1.5), json!("7")] {
        let reply = server
            .post("/api/v1/admin/counters", Some(&admin), counter(number))
            .await;
        assert_refused(&reply, 422, ErrorCode::InvalidBody);
    }
    let zero = server
        .post("/api/v1/admin/counters", Some(&admin), counter(json!(0)))
        .await;
    assert_field_refused(&zero, "number");
    for quota in [json!(-5), json!(1u64 << 33)] {
        let reply = server
            .post(
                "/api/v1/admin/services",
                Some(&admin),
                json!({"code": "Q", "name": "Poli Q", "daily_quota": quota}),
            )
            .await;
        assert_refused(&reply, 422, ErrorCode::InvalidBody);
    }
    let too_many = server
        .post(
            "/api/v1/admin/services",
            Some(&admin),
            json!({"code": "Q", "name": "Poli Q", "daily_quota": u32::MAX}),
        )
        .await;
    assert_field_refused(&too_many, "daily_quota");
    let loket1 = server.counter_id(&admin, 1).await;
    let reply = server
        .post(
            &format!("/api/v1/counters/{loket1}/requeue"),
            Some(&admin),
            json!({"ticket_id": Uuid::new_v4(), "position": -1}),
        )
        .await;
    assert_refused(&reply, 422, ErrorCode::InvalidBody);
    // Ids that are not UUIDs, whatever number they look like.
    for id in ["0", "-1", "99999999999999999999999", "1e9", "%00"] {
        for path in [
            format!("/api/v1/tickets/{id}"),
            format!("/api/v1/counters/{id}/queue"),
        ] {
            let reply = server.get(&path, Some(&admin)).await;
            assert_refused(&reply, 400, ErrorCode::InvalidParameter);
        }
    }
    for query in ["limit=-1", "limit=99999999999", "before=abc", "user_id=7"] {
        let reply = server
            .get(&format!("/api/v1/admin/audit?{query}"), Some(&admin))
            .await;
        assert_refused(&reply, 400, ErrorCode::InvalidParameter);
    }

    // A megabyte is refused on every kind of route before it is read.
    let megabyte = json!({"username": "a".repeat(1 << 20), "password": "x"})
        .to_string()
        .into_bytes();
    // Connections the server gives up on must not go back to the pool the later requests use.
    let throwaway = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("an HTTP client");
    for (path, token) in [
        ("/api/v1/auth/login", None),
        ("/api/v1/tickets", None),
        ("/api/v1/tickets/lookup", None),
        ("/api/v1/admin/users", Some(admin.as_str())),
    ] {
        // The server answers as soon as it sees the length and closes without reading the
        // rest; the client may then be reset before it reads the answer. That is TCP, not the
        // server: a reset is tolerated, any answer must be the contract's 413, and one must come.
        let mut answered = false;
        for _ in 0..5 {
            let mut request = throwaway
                .post(server.url(path))
                .header("content-type", "application/json")
                .body(megabyte.clone());
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            match request.send().await {
                Ok(response) => {
                    let reply = Reply::from_response(response).await;
                    assert_refused(&reply, 413, ErrorCode::PayloadTooLarge);
                    answered = true;
                    break;
                }
                Err(err) => assert!(
                    err.is_request() || err.is_connect() || err.is_body(),
                    "{path}: {err}"
                ),
            }
        }
        assert!(
            answered,
            "{path}: a megabyte got the contract's 413 at least once"
        );
    }
    assert_eq!(everything(&server, &admin).await, before);
    server.stop().await;
}
