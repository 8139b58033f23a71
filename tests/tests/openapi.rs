//! The OpenAPI document the server serves at `/api/v1/openapi.json`: it names every route of
//! DESIGN §3, documents the contract's error body on every operation, lists every error code, and
//! the routes it documents really answer with that body when called without a session.

use std::collections::BTreeSet;

use giliran_core::wire::ErrorCode;
use giliran_tests::{Backend, TestServer};
use reqwest::Method;
use serde_json::Value;
use uuid::Uuid;

/// The routes of DESIGN §3.
const CONTRACT_ROUTES: [(&str, &str); 12] = [
    ("get", "/healthz"),
    ("get", "/api/v1/services"),
    ("post", "/api/v1/tickets"),
    ("get", "/api/v1/tickets/{id}"),
    ("delete", "/api/v1/tickets/{id}"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/counters/{id}/call-next"),
    ("post", "/api/v1/counters/{id}/recall"),
    ("post", "/api/v1/counters/{id}/complete"),
    ("post", "/api/v1/counters/{id}/skip"),
    ("get", "/api/v1/counters/{id}/queue"),
    ("get", "/api/v1/events"),
];

/// Public reads that answer 200 to anyone.
const PUBLIC_READS: [(&str, &str); 2] = [("get", "/healthz"), ("get", "/api/v1/services")];

const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every error code a client can receive. The match has no wildcard, so adding a variant to
/// `ErrorCode` breaks this build until the variant is listed here too.
fn every_error_code() -> Vec<ErrorCode> {
    use ErrorCode as C;
    let all = [
        C::InvalidJson,
        C::InvalidBody,
        C::InvalidField,
        C::InvalidParameter,
        C::UnsupportedMediaType,
        C::PayloadTooLarge,
        C::Unauthorized,
        C::InvalidCredentials,
        C::Forbidden,
        C::NotFound,
        C::MethodNotAllowed,
        C::WebsocketRequired,
        C::ServiceNotFound,
        C::CounterNotFound,
        C::TicketNotFound,
        C::UserNotFound,
        C::ServiceClosed,
        C::QuotaFull,
        C::ActiveTicketExists,
        C::CounterPaused,
        C::NoCurrentTicket,
        C::InvalidTransition,
        C::AlreadyExists,
        C::RateLimited,
        C::DisplayNotFound,
        C::NoActiveTicket,
        C::VisitNotFound,
        C::ReportNotFound,
        C::Timeout,
        C::Unavailable,
        C::Internal,
    ];
    for code in all {
        match code {
            C::InvalidJson
            | C::InvalidBody
            | C::InvalidField
            | C::InvalidParameter
            | C::UnsupportedMediaType
            | C::PayloadTooLarge
            | C::Unauthorized
            | C::InvalidCredentials
            | C::Forbidden
            | C::NotFound
            | C::MethodNotAllowed
            | C::WebsocketRequired
            | C::ServiceNotFound
            | C::CounterNotFound
            | C::TicketNotFound
            | C::UserNotFound
            | C::ServiceClosed
            | C::QuotaFull
            | C::ActiveTicketExists
            | C::CounterPaused
            | C::NoCurrentTicket
            | C::InvalidTransition
            | C::AlreadyExists
            | C::RateLimited
            | C::DisplayNotFound
            | C::NoActiveTicket
            | C::VisitNotFound
            | C::ReportNotFound
            | C::Timeout
            | C::Unavailable
            | C::Internal => {}
            // Only a client's stand-in for codes of a newer server; never sent.
            C::Unknown => unreachable!("`unknown` is not a code the server sends"),
        }
    }
    all.to_vec()
}

/// The document as a client downloads it.
async fn served_document(server: &TestServer) -> Value {
    let reply = server.get("/api/v1/openapi.json", None).await;
    reply.assert_ok();
    assert!(
        reply.body["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.")),
        "an OpenAPI 3 document: {}",
        reply.body
    );
    reply.body
}

/// Every documented operation as (method, path, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let paths = doc["paths"].as_object().expect("the document has paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            HTTP_METHODS.iter().filter_map(move |method| {
                item.get(*method)
                    .map(|op| (method.to_string(), path.clone(), op.clone()))
            })
        })
        .collect()
}

fn refers_to_error_body(response: &Value) -> bool {
    response["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/ErrorBody"
}

#[tokio::test]
async fn document_lists_every_contract_route_with_its_method() {
    let server = TestServer::start(Backend::Sqlite).await;
    let doc = served_document(&server).await;

    let documented: BTreeSet<(String, String)> = operations(&doc)
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    for (method, path) in CONTRACT_ROUTES {
        assert!(
            documented.contains(&(method.to_owned(), path.to_owned())),
            "{} {path} is missing from the OpenAPI document; it has {documented:?}",
            method.to_uppercase()
        );
    }
}

#[tokio::test]
async fn every_operation_documents_the_contract_error_body() {
    let server = TestServer::start(Backend::Sqlite).await;
    let doc = served_document(&server).await;

    for (method, path, operation) in operations(&doc) {
        let responses = operation["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{method} {path} documents no responses"));
        let documented_errors: Vec<&String> = responses
            .iter()
            .filter(|(status, response)| {
                (status.starts_with('4') || status.starts_with('5'))
                    && refers_to_error_body(response)
            })
            .map(|(status, _)| status)
            .collect();
        assert!(
            !documented_errors.is_empty(),
            "{} {path} documents no 4xx or 5xx answer with ErrorBody: {}",
            method.to_uppercase(),
            operation["responses"]
        );
        // Any error it documents carries the contract body, not an ad-hoc one.
        for (status, response) in responses {
            if status.starts_with('4') || status.starts_with('5') {
                assert!(
                    refers_to_error_body(response),
                    "{} {path} documents {status} without ErrorBody: {response}",
                    method.to_uppercase()
                );
            }
        }
    }
}

#[tokio::test]
async fn error_schemas_describe_the_contract_and_every_code() {
    let server = TestServer::start(Backend::Sqlite).await;
    let doc = served_document(&server).await;
    let schemas = &doc["components"]["schemas"];

    let body = &schemas["ErrorBody"];
    assert_eq!(
        body["properties"]["error"]["$ref"], "#/components/schemas/ApiError",
        "ErrorBody: {body}"
    );
    assert!(
        body["required"]
            .as_array()
            .is_some_and(|r| r.contains(&"error".into())),
        "`error` is required: {body}"
    );

    let api_error = &schemas["ApiError"];
    assert_eq!(
        api_error["properties"]["code"]["$ref"], "#/components/schemas/ErrorCode",
        "ApiError: {api_error}"
    );
    for required in ["code", "message"] {
        assert!(
            api_error["required"]
                .as_array()
                .is_some_and(|r| r.contains(&required.into())),
            "`{required}` is required: {api_error}"
        );
    }
    assert!(
        api_error["properties"]["field"].is_object(),
        "the optional `field` is documented: {api_error}"
    );

    let documented: BTreeSet<&str> = schemas["ErrorCode"]["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("ErrorCode lists its values: {}", schemas["ErrorCode"]))
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for code in every_error_code() {
        let name = serde_json::to_value(code).expect("an error code serialises");
        let name = name.as_str().expect("an error code is a string");
        assert!(
            documented.contains(name),
            "error code `{name}` is missing from the ErrorCode schema {documented:?}"
        );
    }
}

#[tokio::test]
async fn every_documented_route_answers_strangers_without_a_server_error() {
    let server = TestServer::start(Backend::Sqlite).await;
    let doc = served_document(&server).await;
    let garbage = b"{\"service_id\": [1, 2, {\"\x00".to_vec();
    let tokens = [None, Some("bukan-token-yang-sah")];
    let operations = operations(&doc);
    assert!(
        operations.len() >= CONTRACT_ROUTES.len(),
        "the walk covers at least the contract's routes"
    );

    for (method, path, _) in operations {
        let url_path = path
            .replace("{id}", &Uuid::new_v4().to_string())
            .replace("{booking_code}", "261123A001");
        assert!(
            !url_path.contains('{'),
            "{path} has a parameter this test does not fill"
        );
        let http_method = Method::from_bytes(method.to_uppercase().as_bytes())
            .unwrap_or_else(|e| panic!("{method}: {e}"));
        for token in tokens {
            let mut request = server
                .http
                .request(http_method.clone(), server.url(&url_path))
                .header("content-type", "application/json")
                .body(garbage.clone());
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.expect("request reaches the server");
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            let what = format!("{} {url_path} with token {token:?}", method.to_uppercase());
            assert!(
                !status.is_server_error(),
                "{what}: must not be a server error, got {status}: {text}"
            );
            let public = PUBLIC_READS.contains(&(method.as_str(), path.as_str()));
            if public {
                assert!(
                    status.is_success(),
                    "{what}: a public read, got {status}: {text}"
                );
                continue;
            }
            assert!(
                status.is_client_error(),
                "{what}: no session and a garbage body must be refused, got {status}: {text}"
            );
            let body: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{what}: the error body is not JSON ({e}): {text}"));
            let error = &body["error"];
            assert!(
                body.as_object().is_some_and(|b| b.len() == 1)
                    && error["code"].is_string()
                    && error["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{what}: not the contract error body: {text}"
            );
            let code: ErrorCode =
                serde_json::from_value(error["code"].clone()).unwrap_or(ErrorCode::Unknown);
            assert_ne!(
                code,
                ErrorCode::Unknown,
                "{what}: a code the contract lists: {text}"
            );
        }
    }
}
