//! Many clients at once: numbers stay gapless and unique, and no ticket is called twice.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use giliran_core::status::TicketStatus;
use giliran_core::wire::{Counter, IssuedTicket, TicketResult};
use giliran_tests::{Backend, TestServer, on_both_backends};
use serde_json::json;
use tokio::task::JoinSet;
use uuid::Uuid;

on_both_backends!(
    thousand_tickets_from_fifty_clients_are_numbered_without_gaps,
    eight_counters_calling_at_once_call_each_ticket_exactly_once,
    one_phone_racing_itself_gets_one_ticket,
);

async fn thousand_tickets_from_fifty_clients_are_numbered_without_gaps(backend: Backend) {
    let server = Arc::new(TestServer::start(backend).await);
    let umum = server.service("A").await;
    let mut clients = JoinSet::new();
    for _ in 0..50 {
        let server = Arc::clone(&server);
        clients.spawn(async move {
            let mut numbers = Vec::with_capacity(20);
            for _ in 0..20 {
                let reply = server
                    .post("/api/v1/tickets", None, json!({"service_id": umum.id}))
                    .await;
                assert_eq!(reply.status.as_u16(), 201, "{}", reply.body);
                numbers.push(reply.json::<IssuedTicket>().ticket.number);
            }
            numbers
        });
    }
    let mut numbers: Vec<String> = clients.join_all().await.into_iter().flatten().collect();
    numbers.sort_by_key(|n| n[2..].parse::<u32>().unwrap_or(0));
    let expected: Vec<String> = (1..=1000)
        .map(|i| giliran_core::format_ticket_number("A", i))
        .collect();
    assert_eq!(
        numbers, expected,
        "exactly A-001…A-1000, no gap, no duplicate"
    );
    assert_eq!(server.service("A").await.waiting, 1000);
    Arc::into_inner(server)
        .expect("clients are done")
        .stop()
        .await;
}

async fn eight_counters_calling_at_once_call_each_ticket_exactly_once(backend: Backend) {
    let server = Arc::new(TestServer::start(backend).await);
    let admin = server.admin().await;
    let umum = server.service("A").await;
    // Eight more counters, all calling for Poli Umum.
    let mut counters = Vec::new();
    for number in 11..=18 {
        let reply = server
            .post(
                "/api/v1/admin/counters",
                Some(&admin),
                json!({"number": number, "name": format!("Loket {number}"), "service_ids": [umum.id]}),
            )
            .await;
        assert_eq!(reply.status.as_u16(), 201, "{}", reply.body);
        counters.push(reply.json::<Counter>().id);
    }
    let mut issued = HashSet::new();
    for _ in 0..500 {
        let reply = server
            .post("/api/v1/tickets", None, json!({"service_id": umum.id}))
            .await;
        issued.insert(reply.json::<IssuedTicket>().ticket.id);
    }

    let mut desks = JoinSet::new();
    for counter in counters {
        let server = Arc::clone(&server);
        let admin = admin.clone();
        desks.spawn(async move {
            let mut called: Vec<(Uuid, Uuid)> = Vec::new();
            loop {
                let reply = server.counter_action(&admin, counter, "call-next").await;
                assert_eq!(reply.status.as_u16(), 200, "{}", reply.body);
                match reply.json::<TicketResult>().ticket {
                    Some(ticket) => {
                        assert_eq!(ticket.status, TicketStatus::Called);
                        assert_eq!(ticket.counter.as_ref().map(|c| c.id), Some(counter));
                        called.push((ticket.id, counter));
                    }
                    None => return called,
                }
            }
        });
    }
    let calls: Vec<(Uuid, Uuid)> = desks.join_all().await.into_iter().flatten().collect();
    let mut per_ticket: BTreeMap<Uuid, usize> = BTreeMap::new();
    for (ticket, _) in &calls {
        *per_ticket.entry(*ticket).or_default() += 1;
    }
    assert_eq!(calls.len(), 500, "500 calls for 500 tickets");
    assert!(
        per_ticket.values().all(|n| *n == 1),
        "a ticket was called twice"
    );
    assert_eq!(per_ticket.keys().copied().collect::<HashSet<_>>(), issued);
    let busy: HashSet<Uuid> = calls.iter().map(|(_, c)| *c).collect();
    assert!(busy.len() > 1, "the work was shared between counters");
    assert_eq!(server.service("A").await.waiting, 0);
    Arc::into_inner(server)
        .expect("desks are done")
        .stop()
        .await;
}

async fn one_phone_racing_itself_gets_one_ticket(backend: Backend) {
    let server = Arc::new(TestServer::start(backend).await);
    let services = server.services().await;
    let mut attempts = JoinSet::new();
    for i in 0..20 {
        let server = Arc::clone(&server);
        // The same patient, pressing "take" on every service at once.
        let service = services[i % services.len()].id;
        attempts.spawn(async move {
            server
                .post(
                    "/api/v1/tickets",
                    None,
                    json!({"service_id": service, "phone": "0812-0000-1111"}),
                )
                .await
        });
    }
    let replies = attempts.join_all().await;
    let created: Vec<_> = replies
        .iter()
        .filter(|r| r.status.as_u16() == 201)
        .collect();
    assert_eq!(created.len(), 1, "exactly one ticket for one patient");
    let winner = created[0].json::<IssuedTicket>().ticket;
    for reply in replies.iter().filter(|r| r.status.as_u16() != 201) {
        reply.assert_error(409, giliran_core::wire::ErrorCode::ActiveTicketExists);
        let existing = reply
            .json::<giliran_core::wire::ErrorBody>()
            .ticket
            .expect("existing ticket");
        assert_eq!(existing.id, winner.id);
    }
    let waiting: u32 = server.services().await.iter().map(|s| s.waiting).sum();
    assert_eq!(waiting, 1);
    Arc::into_inner(server)
        .expect("attempts are done")
        .stop()
        .await;
}
