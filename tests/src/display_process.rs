//! The real `giliran-display` binary as a test runs it: headless, its log collected line by
//! line, its CPU time and memory read from /proc, killed when dropped.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The display binary of this workspace, built (once per test process) if it is not yet. It
/// is built in a target directory of its own: built beside the tests, with other features of
/// the shared crates, it would replace the core library the tests were linked against.
pub fn display_binary() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            // This test's own binary is in <target>/<profile>/deps/.
            let exe = std::env::current_exe().expect("the test's path");
            let target = exe
                .ancestors()
                .nth(3)
                .expect("<target>/<profile>/deps/<test>");
            let own = target.join("display-bin");
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args([
                    "build",
                    "--quiet",
                    "-p",
                    "giliran-display",
                    "--bin",
                    "giliran-display",
                ])
                .arg("--target-dir")
                .arg(&own)
                .status()
                .expect("cargo runs");
            assert!(status.success(), "giliran-display builds");
            own.join("debug/giliran-display")
        })
        .clone()
}

pub struct DisplayProcess {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
}

impl DisplayProcess {
    /// Starts the display with `args` (after `--headless`).
    pub fn start(args: &[&str]) -> DisplayProcess {
        let mut child = Command::new(display_binary())
            .arg("--headless")
            .args(args)
            .env("RUST_LOG", "info")
            // No /etc/giliran/display.toml of this machine's may leak into the test.
            .env("GILIRAN_DISPLAY_CONFIG", "/dev/null")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("giliran-display starts");
        let log = Arc::new(Mutex::new(Vec::new()));
        for pipe in [
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    log.lock().unwrap().push(line);
                }
            });
        }
        DisplayProcess { child, log }
    }

    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Lines containing `text`.
    pub fn lines_with(&self, text: &str) -> Vec<String> {
        self.log()
            .into_iter()
            .filter(|l| l.contains(text))
            .collect()
    }

    /// Waits until `count` lines contain `text`.
    pub async fn until_lines(&self, text: &str, count: usize, within: Duration) -> Vec<String> {
        let deadline = Instant::now() + within;
        loop {
            let lines = self.lines_with(text);
            if lines.len() >= count {
                return lines;
            }
            assert!(
                Instant::now() < deadline,
                "the display never logged {count} × {text:?}:\n{}",
                self.log().join("\n")
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// CPU time used so far (user and system).
    pub fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))
            .expect("/proc/PID/stat");
        // The fields after the command's name, which is in parentheses and may hold spaces.
        let fields: Vec<&str> = stat
            .rsplit_once(") ")
            .expect("stat format")
            .1
            .split_whitespace()
            .collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        let per_second = rustix::param::clock_ticks_per_second();
        Duration::from_secs_f64(ticks as f64 / per_second as f64)
    }

    /// Resident memory now and at its peak, in KiB.
    pub fn memory_kib(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc/PID/status");
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
                .unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    /// Still running?
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits for it to exit on its own; its exit code.
    pub fn wait(mut self, within: Duration) -> Option<i32> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for DisplayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
