//! The web pages in a real browser: Debian's Chromium driven headless by playwright-core
//! (`tests/browser/*.mjs` on Node.js) against the real server on each database. The scripts
//! fail on any script error or refused resource, and leave screenshots of every page at phone
//! and desktop width in `target/screenshots/<backend>/` for people to look at.
//!
//! `scripts/browser-tools` installs playwright-core and `scripts/test` passes its
//! `node_modules` in `GILIRAN_NODE_MODULES`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use giliran_tests::{ADMIN_PASSWORD, Backend, TestServer, installed_tool, on_both_backends};

/// Longest a script may run: it drives a dozen pages and waits at most seconds for each step.
const SCRIPT_LIMIT: Duration = Duration::from_secs(240);

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn node_modules() -> PathBuf {
    let marker = installed_tool(
        "GILIRAN_PLAYWRIGHT_MANIFEST",
        "browser/node_modules/playwright-core/package.json",
    );
    match (std::env::var_os("GILIRAN_NODE_MODULES"), marker) {
        (Some(dir), _) => PathBuf::from(dir),
        (None, Some(manifest)) => manifest
            .ancestors()
            .nth(2)
            .map(Path::to_path_buf)
            .unwrap_or_default(),
        (None, None) => panic!(
            "playwright-core is not installed: run scripts/browser-tools (scripts/test does)"
        ),
    }
}

/// Runs one browser script against `server`, printing what it says.
async fn run_script(script: &str, server: &TestServer) {
    let screenshots = workspace()
        .join("target/screenshots")
        .join(format!("{:?}", server.backend).to_lowercase());
    let mut command = tokio::process::Command::new("node");
    command
        .arg(workspace().join("tests/browser").join(script))
        .env("GILIRAN_URL", server.url(""))
        .env("GILIRAN_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("GILIRAN_NODE_MODULES", node_modules())
        .env("GILIRAN_SCREENSHOTS", &screenshots)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = command
        .spawn()
        .expect("node runs (scripts/test installs nodejs)");
    let output = tokio::time::timeout(SCRIPT_LIMIT, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("{script} took longer than {SCRIPT_LIMIT:?}"))
        .expect("waiting for node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "{script} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    println!("screenshots in {}", screenshots.display());
}

async fn a_morning_at_the_clinic_from_the_browser(backend: Backend) {
    let server = TestServer::start(backend).await;
    run_script("morning.mjs", &server).await;
    server.stop().await;
}

on_both_backends!(a_morning_at_the_clinic_from_the_browser);
