//! The core's Kotlin bindings on the JVM against a live server: builds the core's library with
//! the `ffi` feature, generates its Kotlin bindings with the workspace's `uniffi-bindgen`,
//! compiles them with the apps' shared Kotlin (`mobile-android/shared`) and runs the scenario in
//! `mobile-android/shared/src/test/kotlin/id/giliran/shared/JvmScenario.kt`: a patient takes and
//! follows a ticket, staff call and complete it, the patient's observer hears each step; the
//! staff console's actions and the apps' screen models follow a recall, a transfer, a pause and
//! a skip. Before it, the apps' presenters are checked alone (`checks/PresenterChecks.kt`).
//!
//! Needs a Java runtime, JNA (`/usr/share/java/jna.jar`, Debian's `libjna-java`, or
//! `GILIRAN_JNA_JAR`) and kotlinc (`scripts/kotlin-tools` installs it from npm; `scripts/test`
//! passes its path in `GILIRAN_KOTLINC`).

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use giliran_tests::{ADMIN_PASSWORD, Backend, TestServer};
use tokio::process::Command;

/// Building the library and the generator from nothing on two cores takes a few minutes.
const BUILD_LIMIT: Duration = Duration::from_secs(1200);
const BINDGEN_LIMIT: Duration = Duration::from_secs(120);
const KOTLINC_LIMIT: Duration = Duration::from_secs(600);
/// The scenario itself stops after two minutes (its own watchdog).
const JVM_LIMIT: Duration = Duration::from_secs(180);

/// The scenario's main class: `main` of JvmScenario.kt.
const MAIN_CLASS: &str = "id.giliran.shared.JvmScenarioKt";
/// The presenters' checks: made-up records, no server, no native library.
const CHECKS_CLASS: &str = "id.giliran.shared.checks.PresenterChecksKt";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kotlin_bindings_follow_a_ticket_on_the_jvm() {
    let kotlinc = kotlinc();
    let jna = jna_jar();
    let workspace = workspace();
    // A target directory of its own: the one `cargo test` runs from stays locked meanwhile.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("kotlin");
    let work = tempfile::tempdir().expect("a temporary directory");

    let started = Instant::now();
    let mut build = cargo(&workspace, &target, "build");
    build.args(["-p", "giliran-core", "--lib", "--features", "ffi"]);
    run("cargo build of giliran-core (ffi)", build, BUILD_LIMIT).await;
    let library = target.join("debug").join(format!(
        "{}giliran_core{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    assert!(library.is_file(), "the build made no {}", library.display());
    let built = started.elapsed();

    let started = Instant::now();
    let generated = work.path().join("generated");
    let mut bindgen = cargo(&workspace, &target, "run");
    // The library is recognised as one by its name (`--library` is deprecated in UniFFI 0.32).
    bindgen
        .args(["--quiet", "-p", "uniffi-bindgen", "--", "generate"])
        .arg(&library)
        .args(["--language", "kotlin", "--no-format", "--out-dir"])
        .arg(&generated);
    run("uniffi-bindgen generate", bindgen, BINDGEN_LIMIT).await;
    let bindgen_took = started.elapsed();

    let started = Instant::now();
    let shared = workspace.join("mobile-android/shared/src");
    let sources: Vec<PathBuf> = [
        generated.clone(),
        shared.join("main/kotlin"),
        shared.join("test/kotlin"),
    ]
    .iter()
    .flat_map(|dir| kotlin_files(dir))
    .collect();
    let jar = work.path().join("scenario.jar");
    compile(&kotlinc, &jna, &sources, &jar).await;
    let kotlinc_took = started.elapsed();

    let mut checks = Command::new("java");
    checks
        .arg("-cp")
        .arg(std::env::join_paths([&jar, &jna]).expect("a class path"))
        .arg(CHECKS_CLASS);
    let output = run_output("the presenters' checks on the JVM", checks, JVM_LIMIT).await;
    assert!(
        output.status.success(),
        "the presenters' checks failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    print!("{}", String::from_utf8_lossy(&output.stdout));

    let server = TestServer::start(Backend::Sqlite).await;
    let data = work.path().join("data");
    let library_dir = library.parent().expect("the library's directory");
    let mut java = Command::new("java");
    java.arg(format!("-Djna.library.path={}", library_dir.display()))
        .arg("-cp")
        .arg(std::env::join_paths([&jar, &jna]).expect("a class path"))
        .arg(MAIN_CLASS)
        .arg(server.url(""))
        .arg(ADMIN_PASSWORD)
        .arg(&data);
    let started = Instant::now();
    let output = run_output("the Kotlin scenario on the JVM", java, JVM_LIMIT).await;
    let jvm_took = started.elapsed();
    server.stop().await;

    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the Kotlin scenario failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    println!("{stdout}{stderr}");
    // Shown even when the test passes quietly: the scenario's measured latency.
    let latency = stdout
        .lines()
        .filter(|line| line.contains("→"))
        .collect::<Vec<_>>()
        .join("; ");
    let summary = format!(
        "kotlin: cargo build {built:.1?}, bindgen {bindgen_took:.1?}, kotlinc {kotlinc_took:.1?}, \
         jvm {jvm_took:.1?}; {latency}\n"
    );
    let _ = std::io::stdout().lock().write_all(summary.as_bytes());
    // Last, so that stale Swift bindings do not hide the Kotlin result.
    swift_bindings_are_current(&workspace, &target, &library, work.path()).await;
}

/// The workspace's root: the parent of this crate.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

/// `cargo SUBCOMMAND` run in the workspace with its own target directory, its dependencies
/// unoptimised and without debug info: a cold build takes under three minutes on two cores
/// instead of seven, and the scenario does not need the speed.
fn cargo(workspace: &Path, target: &Path, subcommand: &str) -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(program);
    command
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .args([subcommand, "--locked"])
        .args(["--config", "profile.dev.package.\"*\".opt-level=0"])
        .args(["--config", "profile.dev.debug=0"]);
    command
}

/// The `.kt` files under `dir`, sorted, so that the jar's cache key is stable.
fn kotlin_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries =
            std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|ext| ext == "kt") {
                files.push(path);
            }
        }
    }
    assert!(
        !files.is_empty(),
        "no Kotlin sources under {}",
        dir.display()
    );
    files.sort();
    files
}

/// Compiles `sources` into `jar`, with the Kotlin runtime inside: one kotlinc run.
async fn compile(kotlinc: &Path, jna: &Path, sources: &[PathBuf], jar: &Path) {
    let mut command = Command::new(kotlinc);
    command
        .args(["-nowarn", "-include-runtime", "-jvm-target", "17", "-cp"])
        .arg(jna)
        .arg("-d")
        .arg(jar)
        .args(sources);
    run("kotlinc", command, KOTLINC_LIMIT).await;
    assert!(jar.is_file(), "kotlinc made no {}", jar.display());
}

/// Runs `command` to its end within `limit`, panicking with its output if it fails.
async fn run(what: &str, command: Command, limit: Duration) {
    let output = run_output(what, command, limit).await;
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `command` to its end within `limit` and returns its output, whatever its status.
async fn run_output(what: &str, mut command: Command, limit: Duration) -> std::process::Output {
    let shown = format!("{:?}", command.as_std());
    let output = command.stdin(Stdio::null()).kill_on_drop(true).output();
    tokio::time::timeout(limit, output)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {limit:?}: {shown}"))
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}: {shown}"))
}

/// kotlinc: `GILIRAN_KOTLINC`, else the one `scripts/kotlin-tools` installs.
fn kotlinc() -> PathBuf {
    giliran_tests::installed_tool(
        "GILIRAN_KOTLINC",
        "kotlin/node_modules/kotlin-compiler/bin/kotlinc",
    )
    .unwrap_or_else(|| {
        panic!(
            "kotlinc not found: run scripts/kotlin-tools (it installs the Kotlin compiler \
             from npm) and set GILIRAN_KOTLINC to the path it prints; scripts/test does both"
        )
    })
}

/// JNA's jar: `GILIRAN_JNA_JAR`, else Debian's.
fn jna_jar() -> PathBuf {
    let path = std::env::var_os("GILIRAN_JNA_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/java/jna.jar"));
    assert!(
        path.is_file(),
        "JNA not found at {}: install Debian's libjna-java (scripts/test does) or set \
         GILIRAN_JNA_JAR",
        path.display()
    );
    path
}

/// The Swift the iOS apps compile is checked in (no Mac builds it here); it must be what this
/// library generates, or the apps would call functions that are not there.
async fn swift_bindings_are_current(workspace: &Path, target: &Path, library: &Path, work: &Path) {
    let fresh = work.join("swift");
    let mut bindgen = cargo(workspace, target, "run");
    bindgen
        .args(["--quiet", "-p", "uniffi-bindgen", "--", "generate"])
        .arg(library)
        .args(["--language", "swift", "--no-format", "--out-dir"])
        .arg(&fresh);
    run("uniffi-bindgen generate (swift)", bindgen, BINDGEN_LIMIT).await;
    let committed = workspace.join("mobile-ios/Generated");
    for name in [
        "giliran_core.swift",
        "giliran_coreFFI.h",
        "giliran_coreFFI.modulemap",
    ] {
        let now = std::fs::read_to_string(fresh.join(name))
            .unwrap_or_else(|e| panic!("the generator made no {name}: {e}"));
        let kept = std::fs::read_to_string(committed.join(name)).unwrap_or_default();
        assert!(
            now == kept,
            "mobile-ios/Generated/{name} is not what the core generates now: run \
             scripts/generate-swift and commit the result"
        );
    }
}
