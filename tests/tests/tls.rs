//! HTTPS served by the server itself from a certificate and key (`--tls-cert`, `--tls-key`):
//! the API answers over it, browsers are told to stay on HTTPS, and files
//! that cannot serve stop the start with a clear message.

use std::path::Path;
use std::sync::Arc;

use giliran_server::config::Args;
use giliran_tests::{Backend, ManualClock, TestServer, monday_morning};

/// A self-signed certificate for `localhost`, written as PEM files into `dir`.
fn certificate(dir: &Path) -> (String, String, reqwest::Certificate) {
    let issued = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
        .expect("a self-signed certificate");
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    std::fs::write(&cert, issued.cert.pem()).expect("write cert");
    std::fs::write(&key, issued.signing_key.serialize_pem()).expect("write key");
    let trusted = reqwest::Certificate::from_pem(issued.cert.pem().as_bytes()).expect("pem");
    (
        cert.display().to_string(),
        key.display().to_string(),
        trusted,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_is_served_over_https_with_hsts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (cert, key, trusted) = certificate(dir.path());
    let server = TestServer::start_with(
        Backend::Sqlite,
        &["--tls-cert", cert.as_str(), "--tls-key", key.as_str()],
    )
    .await;
    let client = reqwest::Client::builder()
        .add_root_certificate(trusted)
        .resolve("localhost", server.addr)
        .build()
        .expect("client");
    let base = format!("https://localhost:{}", server.addr.port());

    let health = client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("an HTTPS answer");
    assert_eq!(health.status().as_u16(), 200);
    assert_eq!(
        health
            .headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
    let services: serde_json::Value = client
        .get(format!("{base}/api/v1/services"))
        .send()
        .await
        .expect("services")
        .json()
        .await
        .expect("json");
    assert_eq!(services.as_array().map(Vec::len), Some(4));

    // Plain HTTP to the HTTPS port gets no API answer.
    let plain = reqwest::get(format!("http://{}/healthz", server.addr)).await;
    assert!(
        plain.map_or(true, |r| !r.status().is_success()),
        "plain HTTP must not be served on the HTTPS port"
    );
    server.stop().await;
}

#[tokio::test]
async fn unusable_certificate_files_stop_the_start_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cert = dir.path().join("cert.pem");
    std::fs::write(&cert, "not a certificate").expect("write");
    let missing = dir.path().join("missing-key.pem");
    let database = dir.path().join("giliran.db");
    let args = <Args as clap::Parser>::try_parse_from([
        "giliran-server",
        "--database-url",
        database.to_str().expect("utf-8 path"),
        "--tls-cert",
        cert.to_str().expect("utf-8 path"),
        "--tls-key",
        missing.to_str().expect("utf-8 path"),
    ])
    .expect("flags parse");
    let config = args.validate().expect("valid settings");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let clock = Arc::new(ManualClock::new(monday_morning()));
    let err = match giliran_server::server::start(config, clock, listener).await {
        Ok(_) => panic!("started with a certificate that cannot serve"),
        Err(err) => format!("{err:#}"),
    };
    assert!(
        err.contains("TLS certificate") && err.contains("missing-key.pem"),
        "{err}"
    );

    // A certificate without its key is refused before anything starts.
    let half = <Args as clap::Parser>::try_parse_from([
        "giliran-server",
        "--tls-cert",
        cert.to_str().expect("utf-8 path"),
    ]);
    assert!(half.is_err(), "--tls-cert needs --tls-key");
}
