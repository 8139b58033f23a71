//! The `giliran-server` binary as an admin runs it: zero setup on SQLite, a generated admin
//! password printed once, graceful stop on SIGTERM, data kept across restarts, clear errors for
//! bad settings.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStderr, Command};

struct Started {
    child: Child,
    lines: Lines<BufReader<ChildStderr>>,
    base: String,
    generated_password: Option<String>,
}

fn server(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_giliran-server"));
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("GILIRAN_ADMIN_PASSWORD")
        .env("GILIRAN_LISTEN", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Starts the binary and reads its log until it listens.
async fn start(dir: &Path) -> Started {
    let mut child = server(dir).spawn().expect("the binary starts");
    let stderr = child.stderr.take().expect("stderr is piped");
    let mut lines = BufReader::new(stderr).lines();
    let mut generated_password = None;
    let base = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("log is readable") {
            if let Some(rest) = line.split("with password ").nth(1) {
                generated_password = rest.split_whitespace().next().map(str::to_owned);
            }
            if line.contains("listening") {
                let addr = line
                    .split("addr=")
                    .nth(1)
                    .and_then(|rest| rest.split_whitespace().next())
                    .expect("the listening line names the address");
                return format!("http://{addr}");
            }
        }
        panic!("the server exited before listening");
    })
    .await
    .expect("the server listens within a minute");
    Started {
        child,
        lines,
        base,
        generated_password,
    }
}

async fn stop(mut started: Started) {
    let pid = started.child.id().expect("running").to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
    // Drain the log so the server never blocks on a full pipe while stopping.
    tokio::spawn(async move { while let Ok(Some(_)) = started.lines.next_line().await {} });
    let exit = tokio::time::timeout(Duration::from_secs(20), started.child.wait())
        .await
        .expect("stops within 20 s of SIGTERM")
        .expect("exit status");
    assert!(exit.success(), "graceful stop exits 0, got {exit}");
}

async fn post(
    client: &reqwest::Client,
    url: String,
    body: Value,
    token: Option<&str>,
) -> (u16, Value) {
    let mut request = client.post(url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("server answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_clinic_starts_with_no_setup_and_keeps_its_queue_across_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let client = reqwest::Client::new();

    let first = start(dir.path()).await;
    let password = first
        .generated_password
        .clone()
        .expect("first start prints the generated admin password");
    assert!(
        dir.path().join("giliran.db").exists(),
        "SQLite file in the working directory"
    );
    let health = client
        .get(format!("{}/healthz", first.base))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status().as_u16(), 200);

    let (status, login) = post(
        &client,
        format!("{}/api/v1/auth/login", first.base),
        json!({"username": "admin", "password": password}),
        None,
    )
    .await;
    assert_eq!(status, 200, "{login}");
    let services: Vec<Value> = client
        .get(format!("{}/api/v1/services", first.base))
        .send()
        .await
        .expect("services")
        .json()
        .await
        .expect("json");
    let names: Vec<&str> = services.iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(
        names,
        ["Poli Umum", "Poli Gigi", "Poli Anak", "Poli Kandungan"]
    );
    let (status, issued) = post(
        &client,
        format!("{}/api/v1/tickets", first.base),
        json!({"service_id": services[0]["id"]}),
        None,
    )
    .await;
    assert_eq!(status, 201, "{issued}");
    stop(first).await;

    let second = start(dir.path()).await;
    assert_eq!(
        second.generated_password, None,
        "the password is printed only once"
    );
    let (status, _) = post(
        &client,
        format!("{}/api/v1/auth/login", second.base),
        json!({"username": "admin", "password": password}),
        None,
    )
    .await;
    assert_eq!(status, 200, "the admin survives a restart");
    let (status, next) = post(
        &client,
        format!("{}/api/v1/tickets", second.base),
        json!({"service_id": services[0]["id"]}),
        None,
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        next["ticket"]["number"], "A-002",
        "numbering continues after a restart"
    );
    assert_eq!(next["ticket"]["people_ahead"], 1);
    stop(second).await;
}

#[tokio::test]
async fn bad_settings_stop_the_server_with_a_message_saying_what_to_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (flag, value, hint) in [
        ("--tz", "Mars/Olympus", "GILIRAN_TZ"),
        ("--listen", "everywhere", "GILIRAN_LISTEN"),
        ("--admin-password", "123", "GILIRAN_ADMIN_PASSWORD"),
    ] {
        let output = server(dir.path())
            .args([flag, value])
            .output()
            .await
            .expect("the binary runs");
        assert_eq!(output.status.code(), Some(2), "{flag} {value}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(hint), "{flag} {value}: {stderr}");
    }
    assert!(
        !dir.path().join("giliran.db").exists(),
        "nothing is created before the settings are valid"
    );
}
