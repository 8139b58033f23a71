//! Where the machine's CPU went during a scenario: the server, the database's processes, this
//! tool, and the machine as a whole. Divided by the requests served, it gives the machine's CPU
//! ceiling for that traffic: the rate at which the cores would be busy all the time. A rate far
//! below its ceiling waits on something (a lock, a disk flush, a round trip); a rate near it
//! needs less work per request to go faster.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::server_process::process_cpu_time;

/// CPU counters read at one moment.
pub struct CpuSample {
    at: Instant,
    /// Busy and total time of all cores together, from /proc/stat.
    machine: Option<(Duration, Duration)>,
    server: Option<Duration>,
    /// Each PostgreSQL process on this machine by pid. A backend that exits before the later
    /// sample takes its time with it; one that started since counts whole.
    database: HashMap<u32, Duration>,
    tool: Duration,
}

impl CpuSample {
    /// Reads the counters now; `server` is the server process's CPU time, if it is known, and
    /// `postgres` says whether the database's processes count (SQLite runs inside the server).
    pub fn now(server: Option<Duration>, postgres: bool) -> CpuSample {
        CpuSample {
            at: Instant::now(),
            machine: machine_times(),
            server,
            database: if postgres {
                postgres_processes()
            } else {
                HashMap::new()
            },
            tool: process_cpu_time(std::process::id()).unwrap_or_default(),
        }
    }

    /// What was used between `self` and `later`, as a report's notes, per request when
    /// `requests` were served meanwhile.
    pub fn notes_until(&self, later: &CpuSample, requests: u64) -> Vec<(String, String)> {
        let seconds = later.at.duration_since(self.at).as_secs_f64().max(1e-9);
        let server = later
            .server
            .zip(self.server)
            .and_then(|(b, a)| b.checked_sub(a));
        let database: Duration = later
            .database
            .iter()
            .map(|(pid, &b)| b.saturating_sub(self.database.get(pid).copied().unwrap_or_default()))
            .sum();
        let tool = later.tool.saturating_sub(self.tool);
        let share = |d: Duration| format!("{:.0}%", 100.0 * d.as_secs_f64() / seconds);
        let mut parts = Vec::new();
        if let Some(server) = server {
            parts.push(format!("server {}", share(server)));
        }
        if !self.database.is_empty() {
            parts.push(format!("PostgreSQL {}", share(database)));
        }
        parts.push(format!("this tool {}", share(tool)));
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut notes = vec![("CPU, % of one core".to_owned(), parts.join(", "))];
        if let Some(((busy_a, total_a), (busy_b, total_b))) = self.machine.zip(later.machine) {
            let busy = busy_b.saturating_sub(busy_a).as_secs_f64();
            let total = total_b.saturating_sub(total_a).as_secs_f64().max(1e-9);
            notes.push((
                "machine".to_owned(),
                format!("{:.0}% busy over {cores} cores", 100.0 * busy / total),
            ));
        }
        if let Some(server) = server.filter(|_| requests > 0) {
            let per = |d: Duration| d.as_secs_f64() * 1e6 / requests as f64;
            let all = per(server) + per(database) + per(tool);
            notes.push((
                "CPU per request".to_owned(),
                format!(
                    "{all:.0} µs (server {:.0}{}, this tool {:.0}): {cores} cores allow at most \
                     {:.0} requests/s at this cost",
                    per(server),
                    if self.database.is_empty() {
                        String::new()
                    } else {
                        format!(", PostgreSQL {:.0}", per(database))
                    },
                    per(tool),
                    cores as f64 * 1e6 / all.max(1e-9),
                ),
            ));
        }
        notes
    }
}

/// Busy and total CPU time of all cores, from the first line of /proc/stat.
fn machine_times() -> Option<(Duration, Duration)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<u64> = stat
        .lines()
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal; guest time is already in user.
    let total: u64 = ticks.iter().take(8).sum();
    let idle = ticks.get(3)? + ticks.get(4).unwrap_or(&0);
    let per_second = rustix::param::clock_ticks_per_second() as f64;
    let time = |t: u64| Duration::from_secs_f64(t as f64 / per_second);
    Some((time(total - idle), time(total)))
}

/// CPU time of every process named `postgres` on this machine, by pid.
fn postgres_processes() -> HashMap<u32, Duration> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return HashMap::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|comm| comm.trim_end() == "postgres")
        })
        .filter_map(|pid| Some((pid, process_cpu_time(pid).ok()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_machine_and_this_process_are_measured() {
        let before = CpuSample::now(Some(Duration::ZERO), false);
        // Busy work this tool's own counter must see.
        let mut x = 0u64;
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(300) {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
        let after = CpuSample::now(Some(Duration::from_millis(100)), false);
        assert!(before.machine.is_some(), "no /proc/stat");
        assert!(
            after.tool > before.tool,
            "this process's CPU time did not grow"
        );
        let notes = after_notes(&before, &after);
        assert!(notes["CPU, % of one core"].contains("server"), "{notes:?}");
        assert!(
            notes["CPU per request"].contains("allow at most"),
            "{notes:?}"
        );
        let busy: f64 = notes["machine"]
            .split('%')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("a percentage");
        assert!(busy > 0.0, "{notes:?}");
    }

    fn after_notes(before: &CpuSample, after: &CpuSample) -> HashMap<String, String> {
        before.notes_until(after, 10).into_iter().collect()
    }
}
