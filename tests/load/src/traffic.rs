//! The simulated hospital: patients taking and tracking tickets, staff at counters calling,
//! recalling, completing and skipping, and waiting-room displays following the calls, all over
//! the real API with the core's client. Clients ride out faults as the real apps do: a request
//! that fails is retried (a patient with the same device id, so no second ticket), a counter whose
//! answer was lost looks at its queue to learn whom it called, and displays resume their stream.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use giliran_core::client::{ApiClient, Backoff, ClientError, StreamOptions, StreamUpdate};
use giliran_core::events::{Event, StreamMessage};
use giliran_core::wire::{CompleteRequest, ErrorCode, NewTicket, Service, Ticket};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::watch;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::hospital::{Desk, Hospital};
use crate::ledger::{CallTaken, Checked, DisplayLog, Heard, Issued, Ledger, Truth};
use crate::metrics::{Metrics, Op};
use crate::people::People;

/// The wait before a client tries a failed request again.
const RETRY_PAUSE: Duration = Duration::from_millis(100);

/// What the simulated clients do.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Patients taking tickets at the same time.
    pub patients: usize,
    /// Each patient's pause after a ticket before the next; zero for as fast as it goes.
    pub patient_pause: Duration,
    /// How many times each patient looks at their ticket after taking it.
    pub tracks_per_ticket: u32,
    /// Patients who give up and cancel, in percent.
    pub cancel_percent: u32,
    /// Counters calling at the same time (at most the hospital's).
    pub desks: usize,
    /// Time at the counter per patient: uniform in `[0, 2 × service_time]`.
    pub service_time: Duration,
    /// A counter's wait before calling again when nobody waits.
    pub idle_poll: Duration,
    pub recall_percent: u32,
    pub skip_percent: u32,
    /// Display subscribers (the core's stream client, as the display uses).
    pub displays: usize,
    /// Patients with made-up names and phone numbers from this seed (demo); without it,
    /// anonymous patients with a device id each (bench).
    pub people_seed: Option<u64>,
    /// Print a line for each arrival and call (demo).
    pub narrate: bool,
}

/// A run in progress.
pub struct Traffic {
    stop: watch::Sender<bool>,
    workers: JoinSet<()>,
    displays: Vec<Arc<Mutex<DisplayLog>>>,
    display_tasks: JoinSet<()>,
    display_stop: watch::Sender<bool>,
    pub metrics: Arc<Metrics>,
    pub ledger: Arc<Ledger>,
    /// When each call or recall was asked for: (ticket, recalls) → request sent.
    sent: Arc<Mutex<HashMap<(Uuid, u32), Instant>>>,
    started: Instant,
}

impl Traffic {
    /// Connects the displays (waiting for each one's snapshot), then lets patients and counters
    /// loose.
    pub async fn start(hospital: &Hospital, plan: &Plan) -> anyhow::Result<Traffic> {
        let metrics = Arc::new(Metrics::default());
        let ledger = Arc::new(Ledger::default());
        let sent = Arc::new(Mutex::new(HashMap::new()));
        let (display_stop, display_stopped) = watch::channel(false);
        let mut display_tasks = JoinSet::new();
        let mut displays = Vec::with_capacity(plan.displays);
        let (ready_tx, mut ready_rx) = tokio::sync::mpsc::unbounded_channel();
        for i in 0..plan.displays {
            let token = &hospital.display_tokens[i % hospital.display_tokens.len().max(1)];
            let client = ApiClient::new(hospital.base_for(i))?.with_token(token.clone());
            let log = Arc::new(Mutex::new(DisplayLog::default()));
            displays.push(Arc::clone(&log));
            display_tasks.spawn(follow_display(
                client,
                log,
                ready_tx.clone(),
                display_stopped.clone(),
            ));
        }
        drop(ready_tx);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
        for _ in 0..plan.displays {
            match tokio::time::timeout_at(deadline, ready_rx.recv()).await {
                Ok(Some(())) => {}
                _ => anyhow::bail!("the displays did not all connect within two minutes"),
            }
        }

        let (stop, stopped) = watch::channel(false);
        let mut workers = JoinSet::new();
        let patients = (0..hospital.bases.len())
            .map(|i| ApiClient::new(hospital.base_for(i)))
            .collect::<Result<Vec<_>, _>>()?;
        let services: Arc<[Service]> = hospital.services.clone().into();
        for i in 0..plan.patients {
            workers.spawn(patient(
                PatientWorld {
                    client: patients[i % patients.len()].clone(),
                    services: Arc::clone(&services),
                    metrics: Arc::clone(&metrics),
                    ledger: Arc::clone(&ledger),
                    plan: plan.clone(),
                    stopped: stopped.clone(),
                },
                i as u64,
            ));
        }
        for (i, desk) in hospital.desks.iter().take(plan.desks).enumerate() {
            workers.spawn(counter(
                CounterWorld {
                    desk: desk.clone(),
                    metrics: Arc::clone(&metrics),
                    ledger: Arc::clone(&ledger),
                    sent: Arc::clone(&sent),
                    plan: plan.clone(),
                    stopped: stopped.clone(),
                },
                i as u64,
            ));
        }
        Ok(Traffic {
            stop,
            workers,
            displays,
            display_tasks,
            display_stop,
            metrics,
            ledger,
            sent,
            started: Instant::now(),
        })
    }

    /// Stops patients and counters (each finishes what it is doing); returns how long they ran.
    pub async fn stop(&mut self) -> Duration {
        let elapsed = self.started.elapsed();
        let _ = self.stop.send(true);
        while self.workers.join_next().await.is_some() {}
        elapsed
    }

    /// Waits until every display has heard up to `seq` (or `patience` has passed), then closes
    /// them and returns what each saw; the delivery latency of each call goes into the metrics.
    pub async fn finish_displays(&mut self, seq: u64, patience: Duration) -> Vec<DisplayLog> {
        let deadline = Instant::now() + patience;
        while Instant::now() < deadline
            && self
                .displays
                .iter()
                .any(|d| d.lock().unwrap_or_else(|e| e.into_inner()).last_seq() < seq)
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = self.display_stop.send(true);
        while self.display_tasks.join_next().await.is_some() {}
        let logs: Vec<DisplayLog> = self
            .displays
            .iter()
            .map(|d| d.lock().unwrap_or_else(|e| e.into_inner()).clone())
            .collect();
        let sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
        for log in &logs {
            for heard in &log.heard {
                if let Some(at) = sent.get(&(heard.ticket, heard.recalls)) {
                    self.metrics
                        .record(Op::Delivery, heard.at.saturating_duration_since(*at));
                }
            }
        }
        logs
    }

    /// Stops the run, lets the displays catch up with the last call in the log, and checks the
    /// invariants against the database.
    pub async fn finish_and_check(&mut self, database_url: &str) -> anyhow::Result<Finished> {
        let elapsed = self.stop().await;
        // Nothing writes any more: one read serves both the wait and the check.
        let truth = Truth::read(database_url).await?;
        let displays = self
            .finish_displays(truth.latest_call_seq(), DISPLAY_PATIENCE)
            .await;
        let checked = self.ledger.check(&truth, &displays)?;
        Ok(Finished {
            elapsed,
            displays,
            checked,
        })
    }
}

/// How long displays get to hear the last calls after a run: a display that lost its
/// connection may be waiting out its backoff.
const DISPLAY_PATIENCE: Duration = Duration::from_secs(30);

/// A run that ended with its invariants intact.
pub struct Finished {
    /// How long patients and counters ran.
    pub elapsed: Duration,
    pub displays: Vec<DisplayLog>,
    pub checked: Checked,
}

/// How a failed request is named in the report.
fn error_kind(err: &ClientError) -> String {
    match err {
        ClientError::Api { status, code, .. } => {
            let code = serde_json::to_value(code)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| format!("{code:?}"));
            format!("{status} {code}")
        }
        ClientError::Network(_) => "network".to_owned(),
        ClientError::Protocol(_) => "protocol".to_owned(),
        ClientError::Config(_) => "config".to_owned(),
    }
}

/// Whether trying again may help: the server or the network was away, not a refusal.
fn transient(err: &ClientError) -> bool {
    match err {
        ClientError::Api { status, .. } => *status >= 500 || *status == 429,
        ClientError::Network(_) | ClientError::Protocol(_) => true,
        ClientError::Config(_) => false,
    }
}

struct PatientWorld {
    client: ApiClient,
    services: Arc<[Service]>,
    metrics: Arc<Metrics>,
    ledger: Arc<Ledger>,
    plan: Plan,
    stopped: watch::Receiver<bool>,
}

async fn patient(world: PatientWorld, index: u64) {
    let PatientWorld {
        client,
        services,
        metrics,
        ledger,
        plan,
        stopped,
    } = world;
    let mut rng = StdRng::seed_from_u64(index);
    let mut people = plan.people_seed.map(|seed| People::new(seed ^ index));
    // Patients arrive spread out rather than all in the first millisecond.
    if !plan.patient_pause.is_zero() {
        pause(&stopped, random_up_to(&mut rng, plan.patient_pause)).await;
    }
    while !*stopped.borrow() {
        let service = &services[rng.random_range(0..services.len())];
        let person = people.as_mut().map(|p| p.next_person());
        let request = NewTicket {
            service_id: service.id,
            name: person.as_ref().map(|p| p.name.clone()),
            phone: person.as_ref().map(|p| p.phone.clone()),
            device_id: Some(Uuid::new_v4().to_string()),
            priority: person.as_ref().map(|p| p.priority),
            destination_service_id: None,
        };
        let mut issued = None;
        while !*stopped.borrow() {
            let started = Instant::now();
            match client.take_ticket(&request).await {
                Ok(ticket) => {
                    metrics.record(Op::Issue, started.elapsed());
                    issued = Some(ticket);
                    break;
                }
                // The request before got through though its answer did not: this device has
                // its ticket, and the server said so instead of issuing a second one.
                Err(ClientError::Api {
                    code: ErrorCode::ActiveTicketExists,
                    ..
                }) if request.phone.is_none() => {
                    metrics.error(Op::Issue, "409 active_ticket_exists after a lost answer");
                    break;
                }
                Err(err) if transient(&err) => {
                    metrics.error(Op::Issue, error_kind(&err));
                    pause(&stopped, RETRY_PAUSE).await;
                }
                Err(err) => {
                    metrics.error(Op::Issue, error_kind(&err));
                    break;
                }
            }
        }
        if let Some(issued) = issued {
            let ticket = &issued.ticket;
            ledger.issued(Issued {
                id: ticket.id,
                service_id: ticket.service_id,
                number: ticket.number.clone(),
                business_day: ticket.business_day,
            });
            if plan.narrate
                && let Some(person) = &person
            {
                println!(
                    "{}  {} ({}, {}) takes {} for {}; {} ahead",
                    chrono::Local::now().format("%H.%M.%S"),
                    person.name,
                    person.phone,
                    person.address,
                    ticket.number,
                    service.name,
                    ticket.people_ahead.unwrap_or(0)
                );
            }
            for _ in 0..plan.tracks_per_ticket {
                if *stopped.borrow() {
                    break;
                }
                let started = Instant::now();
                match client.ticket(ticket.id, &issued.tracking_token).await {
                    Ok(_) => metrics.record(Op::Track, started.elapsed()),
                    Err(err) => metrics.error(Op::Track, error_kind(&err)),
                }
            }
            if rng.random_range(0..100) < plan.cancel_percent {
                let started = Instant::now();
                match client
                    .cancel_ticket(ticket.id, &issued.tracking_token)
                    .await
                {
                    Ok(_) => metrics.record(Op::Cancel, started.elapsed()),
                    // Called meanwhile: too late to cancel, which is fine.
                    Err(ClientError::Api { status: 409, .. }) => {}
                    Err(err) => metrics.error(Op::Cancel, error_kind(&err)),
                }
            }
        }
        pause(&stopped, plan.patient_pause).await;
    }
}

struct CounterWorld {
    desk: Desk,
    metrics: Arc<Metrics>,
    ledger: Arc<Ledger>,
    sent: Arc<Mutex<HashMap<(Uuid, u32), Instant>>>,
    plan: Plan,
    stopped: watch::Receiver<bool>,
}

impl CounterWorld {
    fn took(&self, ticket: &Ticket, sent: Instant) {
        self.ledger.called(CallTaken {
            counter: self.desk.counter,
            ticket: ticket.id,
        });
        self.sent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((ticket.id, 0), sent);
        if self.plan.narrate {
            println!(
                "{}  Loket {} calls {}",
                chrono::Local::now().format("%H.%M.%S"),
                self.desk.number,
                ticket.number
            );
        }
    }

    /// After a failed call-next: whom the counter has now, as its queue shows.
    async fn current(&self) -> Option<Ticket> {
        loop {
            if *self.stopped.borrow() {
                return None;
            }
            match self.desk.staff.counter_queue(self.desk.counter).await {
                Ok(queue) => return queue.current,
                Err(err) => {
                    self.metrics.error(Op::CallNext, error_kind(&err));
                    pause(&self.stopped, RETRY_PAUSE).await;
                }
            }
        }
    }
}

async fn counter(world: CounterWorld, index: u64) {
    let mut rng = StdRng::seed_from_u64(1_000_000 + index);
    let staff = world.desk.staff.clone();
    let counter_id = world.desk.counter;
    let metrics = Arc::clone(&world.metrics);
    let stopped = world.stopped.clone();
    // A patient whose call's answer was lost, found afterwards in the counter's queue.
    let mut adopted = false;
    let mut last: Option<Uuid> = None;
    while !*stopped.borrow() {
        if !std::mem::take(&mut adopted) {
            let sent = Instant::now();
            match staff.call_next(counter_id).await {
                Ok(Some(ticket)) => {
                    metrics.record(Op::CallNext, sent.elapsed());
                    world.took(&ticket, sent);
                    last = Some(ticket.id);
                }
                Ok(None) => {
                    metrics.record(Op::CallNextEmpty, sent.elapsed());
                    pause(&stopped, world.plan.idle_poll).await;
                    continue;
                }
                Err(err) => {
                    metrics.error(Op::CallNext, error_kind(&err));
                    pause(&stopped, RETRY_PAUSE).await;
                    // The call may have happened with its answer lost.
                    if let Some(ticket) = world.current().await {
                        if last != Some(ticket.id) {
                            world.took(&ticket, sent);
                            last = Some(ticket.id);
                        }
                        adopted = true;
                    }
                    continue;
                }
            }
        }
        pause(
            &stopped,
            random_up_to(&mut rng, world.plan.service_time * 2),
        )
        .await;
        if rng.random_range(0..100) < world.plan.recall_percent {
            let sent = Instant::now();
            match staff.recall(counter_id).await {
                Ok(recalled) => {
                    metrics.record(Op::Recall, sent.elapsed());
                    world
                        .sent
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert((recalled.id, recalled.recalls), sent);
                }
                Err(err) => metrics.error(Op::Recall, error_kind(&err)),
            }
        }
        let skip = rng.random_range(0..100) < world.plan.skip_percent;
        let op = if skip { Op::Skip } else { Op::Complete };
        loop {
            let sent = Instant::now();
            let done = if skip {
                staff.skip(counter_id).await
            } else {
                staff
                    .complete(counter_id, &CompleteRequest::default())
                    .await
            };
            match done {
                Ok(_) => {
                    metrics.record(op, sent.elapsed());
                    break;
                }
                // Done already by the attempt whose answer was lost.
                Err(ClientError::Api { status: 409, .. }) => break,
                Err(err) if transient(&err) && !*stopped.borrow() => {
                    metrics.error(op, error_kind(&err));
                    pause(&stopped, RETRY_PAUSE).await;
                }
                Err(err) => {
                    metrics.error(op, error_kind(&err));
                    break;
                }
            }
        }
    }
}

async fn follow_display(
    client: ApiClient,
    log: Arc<Mutex<DisplayLog>>,
    ready: tokio::sync::mpsc::UnboundedSender<()>,
    mut stopped: watch::Receiver<bool>,
) {
    let options = StreamOptions {
        // Faults in a test last seconds; a display that waits out a long backoff would only
        // make the test slow.
        backoff: Backoff::new(Duration::from_millis(100), Duration::from_secs(2)),
        ..StreamOptions::default()
    };
    let Ok(mut subscription) = client.subscribe(options) else {
        return;
    };
    loop {
        let update = tokio::select! {
            update = subscription.recv() => update,
            _ = stopped.changed() => break,
        };
        let Some(update) = update else { break };
        let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
        match update {
            StreamUpdate::Message(StreamMessage::Snapshot { seq, .. }) => {
                if log.snapshots.is_empty() {
                    let _ = ready.send(());
                }
                log.snapshots.push(seq);
            }
            StreamUpdate::Message(StreamMessage::Event {
                seq,
                event: Event::Called { call },
                ..
            }) => log.heard.push(Heard {
                seq,
                ticket: call.ticket_id,
                recalls: call.recalls,
                at: Instant::now(),
            }),
            StreamUpdate::Message(StreamMessage::Event { .. }) | StreamUpdate::Connected => {}
            StreamUpdate::Disconnected { .. } => log.disconnects += 1,
            StreamUpdate::Ended(_) => break,
        }
    }
}

/// Sleeps for `wait`, or less if the run stops meanwhile.
async fn pause(stopped: &watch::Receiver<bool>, wait: Duration) {
    if wait.is_zero() {
        return;
    }
    let mut stopped = stopped.clone();
    tokio::select! {
        _ = tokio::time::sleep(wait) => {}
        _ = stopped.wait_for(|s| *s) => {}
    }
}

fn random_up_to(rng: &mut StdRng, most: Duration) -> Duration {
    if most.is_zero() {
        return Duration::ZERO;
    }
    most.mul_f64(rng.random_range(0.0..1.0))
}
