//! The bench scenarios, each a [`Plan`] run for a while and turned into a report.

use std::time::Duration;

use crate::hospital::Hospital;
use crate::ledger::Checked;
use crate::metrics::{Op, ScenarioReport};
use crate::server_process::ServerProcess;
use crate::traffic::{Plan, Traffic};

/// A plan with nobody in it; scenarios fill in what they need.
pub fn quiet_plan() -> Plan {
    Plan {
        patients: 0,
        patient_pause: Duration::ZERO,
        tracks_per_ticket: 0,
        cancel_percent: 0,
        desks: 0,
        service_time: Duration::ZERO,
        idle_poll: Duration::from_millis(20),
        recall_percent: 0,
        skip_percent: 0,
        displays: 0,
        people_seed: None,
        narrate: false,
    }
}

/// What every scenario is told about where it runs.
pub struct Setting<'a> {
    pub hospital: &'a Hospital,
    pub database_url: &'a str,
    pub backend: &'a str,
    /// Raw insert transactions a second, measured in this run.
    pub insert_limit: Option<f64>,
}

/// When a plan's run ends.
enum Until {
    Elapsed(Duration),
    Issued(usize),
}

/// Runs `plan` until `until` and reports it under `title`.
async fn run(
    setting: &Setting<'_>,
    plan: &Plan,
    until: Until,
    title: String,
) -> anyhow::Result<ScenarioReport> {
    let mut traffic = Traffic::start(setting.hospital, plan).await?;
    match until {
        Until::Elapsed(run_for) => tokio::time::sleep(run_for).await,
        Until::Issued(count) => {
            while traffic.ledger.issued_count() < count {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
    let elapsed = traffic.stop().await;
    Ok(report(setting, title, &traffic, elapsed, Vec::new()))
}

/// Patients only, as fast as they go: the ticket issue rate.
pub async fn issue(
    setting: &Setting<'_>,
    clients: usize,
    run_for: Duration,
) -> anyhow::Result<ScenarioReport> {
    let plan = Plan {
        patients: clients,
        ..quiet_plan()
    };
    let title = format!("ticket issue, {clients} patients at once");
    run(setting, &plan, Until::Elapsed(run_for), title).await
}

/// Issues `count` tickets as fast as `clients` patients go, reported as its own scenario.
pub async fn preload(
    setting: &Setting<'_>,
    clients: usize,
    count: usize,
) -> anyhow::Result<ScenarioReport> {
    let plan = Plan {
        patients: clients,
        ..quiet_plan()
    };
    let title = format!("preload of {count} waiting tickets, {clients} patients at once");
    run(setting, &plan, Until::Issued(count), title).await
}

/// Counters only, all calling at once on a full queue: call-next latency.
pub async fn call(
    setting: &Setting<'_>,
    desks: usize,
    run_for: Duration,
) -> anyhow::Result<ScenarioReport> {
    let plan = Plan {
        desks,
        ..quiet_plan()
    };
    let title = format!("{desks} counters calling at once");
    run(setting, &plan, Until::Elapsed(run_for), title).await
}

/// Patients, counters and displays together while `meanwhile` runs (a plain wait, or faults);
/// the invariants are checked afterwards. `meanwhile` gives notes for the report.
pub async fn mixed(
    setting: &Setting<'_>,
    plan: &Plan,
    meanwhile: impl Future<Output = anyhow::Result<Vec<(String, String)>>>,
) -> anyhow::Result<(ScenarioReport, Checked)> {
    let mut traffic = Traffic::start(setting.hospital, plan).await?;
    let mut notes = meanwhile.await?;
    let finished = traffic.finish_and_check(setting.database_url).await?;
    let checked = finished.checked;
    notes.push((
        "invariants".to_owned(),
        format!(
            "hold: {} tickets answered 201 all stored, numbers unique, {} calls each to one \
             counter and heard exactly once by each of {} displays",
            checked.answered_201, checked.calls, checked.displays
        ),
    ));
    let title = format!(
        "mixed: {} patients, {} counters, {} displays",
        plan.patients, plan.desks, plan.displays
    );
    Ok((
        report(setting, title, &traffic, finished.elapsed, notes),
        checked,
    ))
}

/// Kills the server with SIGKILL every `every` from now and starts it again on the same address
/// half a second later, until `run_for` has passed; returns how many times it was killed (the
/// whole `every`s in `run_for`: a slow restart delays the next kill, it does not skip it).
pub async fn kill_regularly(
    server: &mut ServerProcess,
    every: Duration,
    run_for: Duration,
) -> anyhow::Result<u32> {
    let start = tokio::time::Instant::now();
    let end = start + run_for;
    let mut next = start + every;
    let mut kills = 0;
    while next <= end {
        tokio::time::sleep_until(next).await;
        server.kill().await?;
        kills += 1;
        tokio::time::sleep(Duration::from_millis(500)).await;
        server.restart().await?;
        next += every;
    }
    tokio::time::sleep_until(end).await;
    Ok(kills)
}

fn report(
    setting: &Setting<'_>,
    scenario: String,
    traffic: &Traffic,
    elapsed: Duration,
    notes: Vec<(String, String)>,
) -> ScenarioReport {
    ScenarioReport {
        scenario,
        backend: setting.backend.to_owned(),
        seconds: elapsed.as_secs_f64(),
        insert_limit: setting.insert_limit,
        ops: traffic.metrics.summary(elapsed, setting.insert_limit),
        notes,
    }
}

/// Tickets issued a second in a report, for comparisons.
pub fn issue_rate(report: &ScenarioReport) -> f64 {
    report.op(Op::Issue).map_or(0.0, |o| o.per_second)
}
