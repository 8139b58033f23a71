//! The web pages in a real browser: Debian's Chromium driven headless by playwright-core
//! (`tests/browser/*.mjs` on Node.js) against the real server on each database. The scripts
//! fail on any script error or refused resource, and leave screenshots of every page at phone
//! and desktop width in `target/screenshots/<backend>/` for people to look at. A spreadsheet
//! the script downloads is read back here and compared with the API's rows. Every page also
//! passes an accessibility audit (axe-core, WCAG 2.1 A and AA).
//!
//! `scripts/browser-tools` installs playwright-core and `scripts/test` passes its
//! `node_modules` in `GILIRAN_NODE_MODULES`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use giliran_core::wire::HistoryPage;
use giliran_server::words::Language;
use giliran_tests::spreadsheet::{sheet, text};
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

/// Runs one browser script against `server`, printing what it says; its downloads land in
/// `downloads`.
async fn run_script(script: &str, server: &TestServer, downloads: &Path) {
    let folder = match script {
        "morning.mjs" => format!("{:?}", server.backend).to_lowercase(),
        other => other.trim_end_matches(".mjs").to_owned(),
    };
    let screenshots = workspace().join("target/screenshots").join(folder);
    // Pictures of an earlier run (a failure's, say) must not pass for this one's.
    let _ = std::fs::remove_dir_all(&screenshots);
    let mut command = tokio::process::Command::new("node");
    command
        .arg(workspace().join("tests/browser").join(script))
        .env("GILIRAN_URL", server.url(""))
        .env("GILIRAN_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("GILIRAN_NODE_MODULES", node_modules())
        .env("GILIRAN_SCREENSHOTS", &screenshots)
        .env("GILIRAN_DOWNLOADS", downloads)
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
    let downloads = tempfile::tempdir().expect("a download folder");
    run_script("morning.mjs", &server, downloads.path()).await;
    the_downloaded_workbook_holds_the_filtered_rows(&server, downloads.path()).await;
    server.stop().await;
}

/// The spreadsheet the admin downloaded from the filtered history page has exactly the rows
/// the API lists for the same filter, in the same order.
async fn the_downloaded_workbook_holds_the_filtered_rows(server: &TestServer, downloads: &Path) {
    let query = std::fs::read_to_string(downloads.join("history-query.txt"))
        .expect("the script noted the export's filter");
    let filter: String = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key != "format")
        .fold(
            url::form_urlencoded::Serializer::new(String::new()),
            |mut s, (k, v)| {
                s.append_pair(&k, &v);
                s
            },
        )
        .finish();
    let admin = server.admin().await;
    let expected: HistoryPage = server
        .get(&format!("/api/v1/admin/history?{filter}"), Some(&admin))
        .await
        .assert_ok()
        .json();
    assert!(
        filter.contains("status=done") && filter.contains("service_id="),
        "the export carries the page's filter: {filter}"
    );
    let bytes = std::fs::read(downloads.join("history.xlsx")).expect("the downloaded file");
    let sheet = sheet(bytes, "Riwayat");
    let mut rows = sheet.iter();
    let heading: Vec<String> = rows
        .next()
        .expect("a heading row")
        .iter()
        .map(text)
        .collect();
    assert_eq!(heading[..2], ["Tanggal", "Nomor"], "Indonesian headings");
    let found: Vec<(String, String, String)> = rows
        .map(|row| (text(&row[1]), text(&row[4]), text(&row[6])))
        .collect();
    let wanted: Vec<(String, String, String)> = expected
        .items
        .iter()
        .map(|e| {
            (
                e.number.clone(),
                Language::Id.status(e.status).to_owned(),
                e.name.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(found, wanted, "the workbook's rows are the filter's rows");
    assert_eq!(
        found,
        [(
            "E-001".to_owned(),
            "selesai".to_owned(),
            "Budi Santoso".to_owned()
        )]
    );
}

/// Every page passes axe-core's WCAG 2.1 A and AA rules at phone and desktop width. One
/// database is enough: the pages are the same on both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_an_accessibility_audit() {
    let server = TestServer::start(Backend::Sqlite).await;
    let downloads = tempfile::tempdir().expect("a download folder");
    run_script("accessibility.mjs", &server, downloads.path()).await;
    server.stop().await;
}

on_both_backends!(a_morning_at_the_clinic_from_the_browser);
