//! `giliran-load`: drives a real Giliran server with simulated patients, counters and displays.
//!
//! - `giliran-load bench`: as fast as it goes; prints throughput and latency percentiles per
//!   operation, each write also as a share of the machine's raw insert limit measured in the same
//!   run, and checks the invariants after the mixed run.
//! - `giliran-load demo`: gentle, realistic traffic with made-up Indonesian patients, for showing
//!   the system off: open the printed address for the admin panel, the staff console, the patient
//!   page, or point a display at it.
//!
//! The tool starts the server binary itself (`giliran-server` beside this program by default) on
//! a database it creates for the run, so neither bench nor demo data can end up in a real one.
//! Loopback only.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use giliran_load::cpu::CpuSample;
use giliran_load::pg::{self, Cluster, Durability};
use giliran_load::scenarios::{self, Setting, quiet_plan};
use giliran_load::server_process::{ServerProcess, ServerSpec};
use giliran_load::{Hospital, Op, Plan, ScenarioReport, Traffic, ledger, limit};

#[derive(Debug, Parser)]
#[command(
    name = "giliran-load",
    about = "Load, benchmark and demo traffic for a Giliran server"
)]
struct Cli {
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Debug, Subcommand)]
enum Mode {
    /// As fast as it goes: throughput and latency per operation against the machine's limit.
    Bench(BenchArgs),
    /// Gentle, realistic traffic with made-up Indonesian patients, until Ctrl-C.
    Demo(DemoArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Args)]
struct Database {
    /// The database the server runs on.
    #[arg(long, value_enum, default_value_t = Backend::Sqlite)]
    backend: Backend,
    /// PostgreSQL server to create the run's database on (`postgres://user@host:port/any`);
    /// by default a private cluster with PostgreSQL's durable defaults is started. SQLite always
    /// uses a new file in a temporary directory.
    #[arg(long)]
    postgres_url: Option<String>,
    /// The server binary; by default `giliran-server` beside this program.
    #[arg(long)]
    server: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    /// Patients only: the ticket issue rate.
    Issue,
    /// Counters only, all at once on a full queue: call-next latency.
    Call,
    /// Patients, counters and displays together, then the invariants.
    Mixed,
    /// All three in turn.
    All,
}

#[derive(Debug, Args)]
struct BenchArgs {
    #[command(flatten)]
    database: Database,
    #[arg(long, value_enum, default_value_t = Scenario::All)]
    scenario: Scenario,
    /// How long each scenario runs.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Patients sending requests at the same time.
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// Counters calling at the same time.
    #[arg(long, default_value_t = 50)]
    counters: usize,
    /// Display subscribers during the mixed scenario.
    #[arg(long, default_value_t = 100)]
    displays: usize,
    /// Tickets issued before measuring, to see how cost grows with the day's tickets.
    #[arg(long, default_value_t = 0)]
    preload: usize,
    /// Waiting tickets the call scenario starts with, topped up by unmeasured issues; by default
    /// 3,000 per second it runs, more than this machine's counters call, so they never find the
    /// queue empty.
    #[arg(long)]
    call_queue: Option<usize>,
    /// How long the raw insert limit is measured.
    #[arg(long, default_value_t = 5)]
    limit_seconds: u64,
    /// Also write the reports as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// During the mixed scenario, kill the server with SIGKILL every this many seconds and
    /// start it again: the long fault run. The invariants are checked afterwards as always.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    kill_every: Option<u64>,
}

#[derive(Debug, Args)]
struct DemoArgs {
    #[command(flatten)]
    database: Database,
    /// Where the demo server listens (loopback only).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Counters at work.
    #[arg(long, default_value_t = 6)]
    counters: usize,
    /// New patients a minute, over all services.
    #[arg(long, default_value_t = 30)]
    arrivals_per_minute: u32,
    /// Average time a patient spends at a counter.
    #[arg(long, default_value_t = 40)]
    service_seconds: u64,
    /// Stop after this many minutes; 0 runs until Ctrl-C.
    #[arg(long, default_value_t = 0)]
    minutes: u64,
    /// Seed of the made-up patients.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
}

/// The admin password of the servers this tool starts.
const ADMIN_PASSWORD: &str = "giliran-load-admin";
/// Waiting tickets the call scenario starts with, per second it runs (see `--call-queue`).
const CALL_QUEUE_PER_SECOND: usize = 3_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().mode {
        Mode::Bench(args) => bench(args).await,
        Mode::Demo(args) => demo(args).await,
    }
}

/// The run's database and what keeps it alive.
struct RunDatabase {
    url: String,
    backend: &'static str,
    _dir: tempfile::TempDir,
    _cluster: Option<Cluster>,
}

impl Database {
    async fn create(&self) -> anyhow::Result<RunDatabase> {
        let dir = tempfile::Builder::new().prefix("giliran-load-").tempdir()?;
        Ok(match self.backend {
            Backend::Sqlite => RunDatabase {
                url: dir.path().join("giliran.db").display().to_string(),
                backend: "SQLite",
                _dir: dir,
                _cluster: None,
            },
            Backend::Postgres => match &self.postgres_url {
                Some(server) => RunDatabase {
                    url: pg::fresh_database_on(server).await?,
                    backend: "PostgreSQL",
                    _dir: dir,
                    _cluster: None,
                },
                None => {
                    let cluster = Cluster::start(Durability::Durable).await?;
                    RunDatabase {
                        url: cluster.fresh_database().await?,
                        backend: "PostgreSQL",
                        _dir: dir,
                        _cluster: Some(cluster),
                    }
                }
            },
        })
    }

    fn server_binary(&self) -> anyhow::Result<PathBuf> {
        match &self.server {
            Some(path) => Ok(path.clone()),
            None => Ok(std::env::current_exe()?
                .parent()
                .context("this program's directory")?
                .join("giliran-server")),
        }
    }
}

async fn bench(args: BenchArgs) -> anyhow::Result<()> {
    let database = args.database.create().await?;
    let spec = ServerSpec::for_load(
        &args.database.server_binary()?,
        &database.url,
        ADMIN_PASSWORD,
    );
    let mut server = ServerProcess::start(spec).await?;
    let hospital = Hospital::prepare(&server.url(), ADMIN_PASSWORD, args.counters, 8).await?;
    eprintln!(
        "giliran-load: measuring the raw insert limit of {} ({} s)…",
        database.backend, args.limit_seconds
    );
    let insert_limit =
        limit::insert_limit(&database.url, 16, Duration::from_secs(args.limit_seconds)).await?;
    let setting = Setting {
        hospital: &hospital,
        database_url: &database.url,
        backend: database.backend,
        insert_limit: Some(insert_limit),
    };
    let run_for = Duration::from_secs(args.seconds);
    let mut reports: Vec<ScenarioReport> = Vec::new();
    // Each report also tells where the CPU went: against two cores shared by the server, the
    // database and this tool, it shows whether the CPU or a wait set the pace.
    let postgres = pg::is_postgres_url(&database.url);
    let sample = |server: &ServerProcess| CpuSample::now(server.cpu_time().ok(), postgres);
    let mut cpu_before = sample(&server);
    let show = |report: &mut ScenarioReport,
                server: &ServerProcess,
                cpu_before: &mut CpuSample|
     -> anyhow::Result<()> {
        let cpu = sample(server);
        // A delivery to a display is the server's work, but not a request of its own.
        let requests = report
            .ops
            .iter()
            .filter(|op| op.op != Op::Delivery)
            .map(|op| op.count)
            .sum();
        report.notes.extend(cpu_before.notes_until(&cpu, requests));
        *cpu_before = cpu;
        println!("{}", report.table());
        Ok(())
    };
    if args.preload > 0 {
        let mut report = scenarios::preload(&setting, args.clients, args.preload).await?;
        show(&mut report, &server, &mut cpu_before)?;
        reports.push(report);
    }
    let all = args.scenario == Scenario::All;
    if all || args.scenario == Scenario::Issue {
        let mut report = scenarios::issue(&setting, args.clients, run_for).await?;
        show(&mut report, &server, &mut cpu_before)?;
        reports.push(report);
    }
    if all || args.scenario == Scenario::Call {
        // Call-next on an empty queue is a cheap "nobody waiting", not a call: fill it first.
        let wanted = args
            .call_queue
            .unwrap_or(CALL_QUEUE_PER_SECOND * args.seconds as usize);
        let waiting = ledger::waiting_tickets(&database.url).await?;
        if waiting < wanted {
            let mut report = scenarios::preload(&setting, args.clients, wanted - waiting).await?;
            show(&mut report, &server, &mut cpu_before)?;
            reports.push(report);
        }
    }
    if postgres && (all || args.preload > 0 || args.scenario == Scenario::Call) {
        pg::analyze(&database.url).await?;
        // The analysis's own CPU is not the next scenario's.
        cpu_before = sample(&server);
    }
    if all || args.scenario == Scenario::Call {
        let mut report = scenarios::call(&setting, args.counters, run_for).await?;
        show(&mut report, &server, &mut cpu_before)?;
        reports.push(report);
    }
    if all || args.scenario == Scenario::Mixed {
        let plan = Plan {
            patients: args.clients,
            tracks_per_ticket: 1,
            cancel_percent: 2,
            desks: args.counters,
            recall_percent: 10,
            skip_percent: 5,
            displays: args.displays,
            ..quiet_plan()
        };
        if args.kill_every.is_some() {
            // The CPU time of the processes killed is gone with them.
            cpu_before = CpuSample::now(None, postgres);
        }
        let killed = &mut server;
        let meanwhile = async {
            let Some(every) = args.kill_every else {
                tokio::time::sleep(run_for).await;
                return Ok(Vec::new());
            };
            let kills =
                scenarios::kill_regularly(killed, Duration::from_secs(every), run_for).await?;
            Ok(vec![(
                "faults".to_owned(),
                format!("the server was killed (SIGKILL) and restarted {kills} times"),
            )])
        };
        let (mut report, _) = scenarios::mixed(&setting, &plan, meanwhile).await?;
        report.notes.push((
            "server memory after the run".to_owned(),
            format!("{:.1} MiB resident", server.rss_kib()? as f64 / 1024.0),
        ));
        show(&mut report, &server, &mut cpu_before)?;
        reports.push(report);
    }
    if let Some(path) = &args.json {
        let json = serde_json::json!({
            "machine": machine(),
            "backend": database.backend,
            "insert_limit_per_second": insert_limit,
            "scenarios": reports,
        });
        std::fs::write(path, serde_json::to_vec_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

async fn demo(args: DemoArgs) -> anyhow::Result<()> {
    if !args.listen.ip().is_loopback() {
        bail!(
            "the demo server listens on loopback only, not {}",
            args.listen
        );
    }
    let database = args.database.create().await?;
    let mut spec = ServerSpec::for_load(
        &args.database.server_binary()?,
        &database.url,
        ADMIN_PASSWORD,
    );
    spec.listen = args.listen;
    let server = ServerProcess::start(spec).await?;
    let hospital = Hospital::prepare(&server.url(), ADMIN_PASSWORD, args.counters, 1).await?;
    println!(
        "Demo hospital at {url} on a throwaway {backend} database (made-up patients only)\n\
         - admin panel: {url}/admin  (admin / {ADMIN_PASSWORD})\n\
         - patient page: {url}/\n\
         - display: giliran-display --server {url} --token {token}\n\
         Ctrl-C stops the demo and deletes its database.\n",
        url = server.url(),
        backend = database.backend,
        token = hospital.display_tokens[0],
    );
    // Each of a few patients arrives every `patient_pause`: together the asked-for rate.
    let patients = 4usize;
    let per_patient = Duration::from_secs_f64(
        60.0 * patients as f64 / f64::from(args.arrivals_per_minute.max(1)),
    );
    let plan = Plan {
        patients,
        patient_pause: per_patient,
        tracks_per_ticket: 1,
        cancel_percent: 3,
        desks: args.counters,
        service_time: Duration::from_secs(args.service_seconds),
        idle_poll: Duration::from_secs(2),
        recall_percent: 15,
        skip_percent: 5,
        displays: 0,
        people_seed: Some(args.seed),
        narrate: true,
    };
    let mut traffic = Traffic::start(&hospital, &plan).await?;
    if args.minutes == 0 {
        tokio::signal::ctrl_c().await?;
    } else {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(args.minutes * 60)) => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    let elapsed = traffic.stop().await;
    let report = ScenarioReport {
        scenario: "demo".to_owned(),
        backend: database.backend.to_owned(),
        seconds: elapsed.as_secs_f64(),
        insert_limit: None,
        ops: traffic.metrics.summary(elapsed, None),
        notes: Vec::new(),
    };
    println!("{}", report.table());
    Ok(())
}

/// What the figures were measured on.
fn machine() -> serde_json::Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_default();
    serde_json::json!({
        "cpu": cpu,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    })
}
