//! The real server binary as a child process: what the load tool drives and what the fault tests
//! kill with SIGKILL, restart on the same port, or run twice on one database as replicas.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long a server may take from spawn to listening (migrations on a cold PostgreSQL).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// How a server is started; [`ServerProcess::restart`] starts the same again.
#[derive(Debug, Clone)]
pub struct ServerSpec {
    pub binary: PathBuf,
    /// A SQLite path or a postgres:// URL.
    pub database_url: String,
    pub admin_password: String,
    /// `127.0.0.1:0` for any free port.
    pub listen: SocketAddr,
    /// Extra `--flag value` pairs.
    pub flags: Vec<String>,
}

impl ServerSpec {
    /// A server on a free port of 127.0.0.1 whose abuse limits never stop a load test: every
    /// simulated patient, counter and display comes from the one loopback address.
    pub fn for_load(binary: &Path, database_url: &str, admin_password: &str) -> ServerSpec {
        let unlimited = u32::MAX.to_string();
        let flags = [
            "--tickets-per-ip-per-minute",
            &unlimited,
            "--tickets-per-device-per-minute",
            &unlimited,
            "--lookups-per-ip-per-minute",
            &unlimited,
            "--login-failures-before-lockout",
            &unlimited,
            "--streams-per-ip",
            "1000000",
            "--max-streams",
            "1000000",
        ];
        ServerSpec {
            binary: binary.to_owned(),
            database_url: database_url.to_owned(),
            admin_password: admin_password.to_owned(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            flags: flags.iter().map(|f| (*f).to_owned()).collect(),
        }
    }
}

/// A running server process. Dropping it kills the process.
pub struct ServerProcess {
    spec: ServerSpec,
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<VecDeque<String>>>,
}

/// The server's last log lines kept (warnings and errors only, see `RUST_LOG` below).
const LOG_LINES_KEPT: usize = 200;

impl ServerProcess {
    /// Spawns the binary and waits until it logs the address it listens on.
    pub async fn start(spec: ServerSpec) -> anyhow::Result<ServerProcess> {
        let mut child = Command::new(&spec.binary)
            .arg("--database-url")
            .arg(&spec.database_url)
            .arg("--listen")
            .arg(spec.listen.to_string())
            .args(&spec.flags)
            .env("GILIRAN_ADMIN_PASSWORD", &spec.admin_password)
            .env("RUST_LOG", "warn,giliran_server::server=info")
            .env_remove("GILIRAN_LOG_JSON")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", spec.binary.display()))?;
        let stderr = child.stderr.take().context("the server's stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let mut seen = Vec::new();
        let addr = tokio::time::timeout(START_TIMEOUT, async {
            while let Some(line) = lines.next_line().await? {
                if let Some(addr) = listening_address(&line) {
                    return Ok(Some(addr));
                }
                seen.push(line);
            }
            anyhow::Ok(None)
        })
        .await
        .context("the server did not listen within a minute")??;
        let Some(addr) = addr else {
            bail!(
                "{} exited before listening:\n{}",
                spec.binary.display(),
                seen.join("\n")
            );
        };
        // Keep draining the log so the server never blocks on a full pipe, and keep its end
        // for explaining a failure.
        let log = Arc::new(Mutex::new(VecDeque::new()));
        let kept = Arc::clone(&log);
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
                if kept.len() == LOG_LINES_KEPT {
                    kept.pop_front();
                }
                kept.push_back(line);
            }
        });
        Ok(ServerProcess {
            spec,
            child,
            addr,
            log,
        })
    }

    /// The last lines the server logged: its warnings and errors.
    pub fn log_tail(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// SIGKILL: no shutdown, no flush, connections dropped mid-request.
    pub async fn kill(&mut self) -> anyhow::Result<()> {
        self.child.start_kill().context("SIGKILL")?;
        self.child.wait().await.context("reaping the server")?;
        Ok(())
    }

    /// A new process of the same spec on the same address, so clients reconnect to it.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        let mut spec = self.spec.clone();
        spec.listen = self.addr;
        *self = ServerProcess::start(spec).await?;
        Ok(())
    }

    /// The process's resident memory in KiB, from /proc.
    pub fn rss_kib(&self) -> anyhow::Result<u64> {
        let pid = self.pid().context("the server has exited")?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .context("no VmRSS in /proc")
    }

    /// CPU time the process has used so far (user + system), from /proc.
    pub fn cpu_time(&self) -> anyhow::Result<Duration> {
        let pid = self.pid().context("the server has exited")?;
        process_cpu_time(pid)
    }
}

/// CPU time (user + system) a process has used, from /proc/PID/stat.
pub fn process_cpu_time(pid: u32) -> anyhow::Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name, which may itself hold spaces and parentheses.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    let per_second = rustix::param::clock_ticks_per_second();
    Ok(Duration::from_secs_f64(ticks as f64 / per_second as f64))
}

/// The address in the server's "listening" log line (`… listening addr=127.0.0.1:PORT …`).
fn listening_address(line: &str) -> Option<SocketAddr> {
    if !line.contains("listening") {
        return None;
    }
    line.split("addr=")
        .nth(1)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_address_from_the_log_line() {
        let line = "2026-11-23T01:00:00Z  INFO giliran_server::server: listening \
                    addr=127.0.0.1:43121 backend=Sqlite https=false";
        assert_eq!(
            listening_address(line),
            Some("127.0.0.1:43121".parse().unwrap_or_else(|e| panic!("{e}")))
        );
        assert_eq!(listening_address("INFO first start: created user"), None);
    }
}
