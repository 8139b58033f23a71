//! API fuzzing: schemathesis reads the OpenAPI document the server serves and sends generated
//! requests, valid and invalid, to every operation as an admin. No answer may be a 5xx, and every
//! answer must keep the document: a documented status, content type, headers and body schema.
//!
//! schemathesis comes from PyPI: `scripts/fuzz-tools` installs it and `scripts/test` passes its
//! path in `GILIRAN_SCHEMATHESIS`. `GILIRAN_FUZZ_EXAMPLES` sets the examples per operation (a
//! release check runs 1000) and `GILIRAN_FUZZ_SEED` the seed; a failure prints both.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use giliran_tests::{Backend, TestServer};

/// Examples per operation in the everyday run: under a minute on two cores.
const DEFAULT_EXAMPLES: u32 = 50;
/// The seed of the everyday run, so that a failure reproduces.
const DEFAULT_SEED: u64 = 20_261_123;

/// What every answer must satisfy: no 5xx; the documented status, content type, headers and
/// body schema; routes that need a token refuse requests without one; undocumented methods get
/// 405. Left out: `positive_data_acceptance` (the document does not spell out the server's field
/// rules, such as name lengths, so schema-valid bodies are refused), `negative_data_rejection`
/// (integers documented as `int32` that the server reads as `u32`), and `use_after_free` and
/// `ensure_resource_availability`, which assume one token opens what it created, while a ticket
/// opens only with its own tracking token and stays readable after it is cancelled.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
                      response_headers_conformance,response_schema_conformance,ignored_auth,\
                      unsupported_method,missing_required_header";

/// Operations not fuzzed, as `METHOD PATH`: the event stream speaks WebSocket, not plain HTTP;
/// logging out would end the admin session the other operations run with (the end-to-end tests
/// cover it).
const NOT_FUZZED: [(&str, &str); 2] = [("GET", "/api/v1/events"), ("POST", "/api/v1/auth/logout")];

/// schemathesis's configuration. Ids read from earlier answers, and stateful sequences, would let
/// it find the admin's own id in `GET /api/v1/admin/users` and then disable that account or
/// change its password, which ends the session every later request runs with; so user updates get
/// random ids only.
const CONFIG: &str = r#"
[[operations]]
include-name = "PATCH /api/v1/admin/users/{id}"
phases.coverage.extra-data-sources.responses = false
phases.fuzzing.extra-data-sources.responses = false
phases.stateful.enabled = false
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzzed_requests_get_no_server_error_and_only_documented_answers() {
    let program = schemathesis();
    let examples: u32 = env_number("GILIRAN_FUZZ_EXAMPLES").unwrap_or(DEFAULT_EXAMPLES);
    let seed: u64 = env_number("GILIRAN_FUZZ_SEED").unwrap_or(DEFAULT_SEED);

    let server = TestServer::start(Backend::Sqlite).await;
    let token = server.admin().await;
    let origin = server.url("");

    let dir = tempfile::tempdir().expect("a temporary directory");
    let config = dir.path().join("schemathesis.toml");
    std::fs::write(&config, CONFIG).expect("writing schemathesis.toml");

    let mut args: Vec<String> = vec![
        format!("--config-file={}", config.display()),
        "run".into(),
        server.url("/api/v1/openapi.json"),
        format!("--url={origin}"),
        format!("--checks={CHECKS}"),
        format!("--max-examples={examples}"),
        format!("--seed={seed}"),
        // One worker: CPython 3.11 may fail parsing in several threads at once (SystemError:
        // AST constructor recursion depth mismatch, inside hypothesis).
        "--workers=1".into(),
        "--request-timeout=30".into(),
        "--generation-database=none".into(),
        "--no-color".into(),
    ];
    for (method, path) in NOT_FUZZED {
        args.push(format!("--exclude-name={method} {path}"));
    }
    // The run as a failure shows it, without the token and with the config file by its name.
    let shown = args
        .iter()
        .map(|arg| match arg.strip_prefix("--config-file=") {
            Some(_) => "--config-file=schemathesis.toml".to_owned(),
            None => format!("'{arg}'"),
        })
        .chain(["-H 'Authorization: Bearer <admin token>'".to_owned()])
        .fold(program.display().to_string(), |line, arg| line + " " + &arg);
    args.push("--header".into());
    args.push(format!("Authorization: Bearer {token}"));

    let started = Instant::now();
    let run = tokio::process::Command::new(&program)
        .args(&args)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .env("NO_COLOR", "1")
        .kill_on_drop(true)
        .output();
    // Generous: the everyday run takes well under a minute, 300 examples about two.
    let limit = Duration::from_secs(600 + 2 * u64::from(examples));
    let output = tokio::time::timeout(limit, run)
        .await
        .unwrap_or_else(|_| panic!("schemathesis did not finish within {limit:?}: {shown}"))
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let took = started.elapsed();
    server.stop().await;

    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "schemathesis found problems ({status}; seed {seed}, {examples} examples per operation, \
         {took:.0?}). Rerun with GILIRAN_FUZZ_SEED={seed} GILIRAN_FUZZ_EXAMPLES={examples}.\n\
         The run: {shown}\nschemathesis.toml:{CONFIG}\n{report}",
        status = output.status,
    );
    println!("{report}\nschemathesis took {took:.0?}: {shown}");
}

/// The schemathesis program: `GILIRAN_SCHEMATHESIS`, else the one `scripts/fuzz-tools`
/// installs, else one on `PATH`.
fn schemathesis() -> PathBuf {
    giliran_tests::installed_tool("GILIRAN_SCHEMATHESIS", "venv/bin/schemathesis")
        .or_else(|| {
            let path = std::env::var_os("PATH")?;
            std::env::split_paths(&path)
                .map(|dir| dir.join("schemathesis"))
                .find(|candidate| candidate.is_file())
        })
        .unwrap_or_else(|| {
            panic!(
                "schemathesis not found: run scripts/fuzz-tools (it installs it from PyPI) and \
                 set GILIRAN_SCHEMATHESIS to the path it prints; scripts/test does both"
            )
        })
}

/// A number from the environment; panics on one that does not parse rather than ignore it.
fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value:?} is not a number")),
    )
}
