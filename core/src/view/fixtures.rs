//! Test fixtures of the view reducers: one small hospital, its tickets and the messages the
//! server would send about them, so every view's tests tell the same story.
//!
//! Poli Umum (numbers `A-…`) is called at Loket 1 and 2, Poli Gigi (`B-…`) at Loket 2 and 3.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use proptest::prelude::*;
use proptest::sample::Index;
use uuid::Uuid;

use super::Reduce;
use crate::call_order::Priority;
use crate::events::{Board, BoardCounter, Call, Event, Snapshot, StreamMessage, TicketSummary};
use crate::status::TicketStatus;
use crate::wire::{Counter, CounterQueue, CounterRef, QueueCounts, Ticket};

/// Poli Umum.
pub const UMUM: Uuid = Uuid::from_u128(0xA0);
/// Poli Gigi.
pub const GIGI: Uuid = Uuid::from_u128(0xB0);

pub fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// `minute` minutes after the doors open at 08:00 WIB.
pub fn at(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_395_600, 0).unwrap() + Duration::minutes(minute)
}

pub fn counter_id(number: u32) -> Uuid {
    Uuid::from_u128(0xC00 + u128::from(number))
}

/// Loket 1 calls Poli Umum, Loket 2 both, Loket 3 Poli Gigi; any other number Poli Umum.
pub fn counter(number: u32) -> Counter {
    let service_ids = match number {
        2 => vec![UMUM, GIGI],
        3 => vec![GIGI],
        _ => vec![UMUM],
    };
    Counter {
        id: counter_id(number),
        number,
        name: format!("Loket {number}"),
        paused: false,
        service_ids,
    }
}

/// Ticket `n` of a service, waiting: `A-001` for Poli Umum's first.
pub fn waiting(service: Uuid, n: u32) -> TicketSummary {
    let code = if service == GIGI { "B" } else { "A" };
    TicketSummary {
        id: Uuid::from_u128((service.as_u128() << 16) + u128::from(n)),
        number: format!("{code}-{n:03}"),
        service_id: service,
        status: TicketStatus::Waiting,
        priority: Priority::Regular,
        business_day: day(),
        counter_id: None,
    }
}

/// The ticket as a `Finished` event carries it.
pub fn finished(ticket: &TicketSummary, status: TicketStatus, at: Option<u32>) -> TicketSummary {
    TicketSummary {
        status,
        counter_id: at.map(counter_id),
        ..ticket.clone()
    }
}

/// The ticket called to Loket `counter` at `minute`; `recalls` > 0 for a recall.
pub fn call(ticket: &TicketSummary, counter: u32, minute: i64, recalls: u32) -> Call {
    Call {
        ticket_id: ticket.id,
        number: ticket.number.clone(),
        service_id: ticket.service_id,
        counter_id: counter_id(counter),
        counter_number: counter,
        counter_name: format!("Loket {counter}"),
        called_at: at(minute),
        recalls,
    }
}

/// The whole ticket, as queues and a patient's stream carry it.
pub fn ticket(summary: &TicketSummary) -> Ticket {
    Ticket {
        id: summary.id,
        number: summary.number.clone(),
        status: summary.status,
        service_id: summary.service_id,
        priority: summary.priority,
        business_day: summary.business_day,
        people_ahead: (summary.status == TicketStatus::Waiting).then_some(0),
        eta_seconds: None,
        counter: summary.counter_id.map(|id| {
            let number = (1..=9).find(|n| counter_id(*n) == id).unwrap_or(0);
            CounterRef {
                id,
                number,
                name: format!("Loket {number}"),
            }
        }),
        recalls: 0,
        issued_at: at(0),
        called_at: None,
        finished_at: None,
        visit_id: Uuid::from_u128(summary.id.as_u128() + 0xF000_0000),
        booking_code: format!("261123{}", summary.number.replace('-', "")),
        transferred_from: None,
        transferred_to: None,
        destination_service_id: None,
        call_reason: None,
        patient: None,
    }
}

/// The ticket as its patient's stream shows it once called (or recalled) to Loket `counter`.
pub fn ticket_called(summary: &TicketSummary, counter: u32, minute: i64, recalls: u32) -> Ticket {
    Ticket {
        recalls,
        called_at: Some(at(minute)),
        people_ahead: None,
        ..ticket(&finished(summary, TicketStatus::Called, Some(counter)))
    }
}

/// The board of these counters with nobody called yet.
pub fn board(counters: &[u32]) -> Board {
    Board {
        business_day: Some(day()),
        counters: counters
            .iter()
            .map(|&n| BoardCounter {
                id: counter_id(n),
                number: n,
                name: format!("Loket {n}"),
                paused: false,
                current: None,
            })
            .collect(),
        recent_calls: Vec::new(),
    }
}

/// A counter's queue with these tickets waiting and nothing else done today.
pub fn queue(number: u32, waiting: &[TicketSummary]) -> CounterQueue {
    CounterQueue {
        counter: counter(number),
        current: None,
        waiting: waiting.iter().map(ticket).collect(),
        skipped: Vec::new(),
        today: QueueCounts {
            waiting: u32::try_from(waiting.len()).unwrap(),
            ..QueueCounts::default()
        },
    }
}

pub fn snapshot(seq: u64, snapshot: Snapshot) -> StreamMessage {
    StreamMessage::Snapshot { seq, snapshot }
}

pub fn event(seq: u64, event: Event) -> StreamMessage {
    StreamMessage::Event {
        seq,
        at: at(i64::try_from(seq).unwrap()),
        event,
    }
}

/// Any event about six tickets at four counters over two days, valid or not: the reducers must
/// cope with whatever arrives.
pub fn any_event() -> impl Strategy<Value = Event> {
    let ticket = (prop::bool::ANY, 1..=3u32)
        .prop_map(|(gigi, n)| waiting(if gigi { GIGI } else { UMUM }, n));
    let status = prop::sample::select(vec![
        TicketStatus::Done,
        TicketStatus::Skipped,
        TicketStatus::Cancelled,
        TicketStatus::Transferred,
        TicketStatus::Expired,
    ]);
    prop_oneof![
        4 => (ticket.clone(), 1..=4u32, 0..30i64, 0..3u32).prop_map(|(t, c, m, r)| Event::Called {
            call: call(&t, c, m, r)
        }),
        2 => (ticket.clone(), status, prop::option::of(1..=4u32)).prop_map(|(t, s, c)| {
            Event::Finished { ticket: finished(&t, s, c) }
        }),
        2 => ticket.prop_map(|t| Event::Queued { ticket: t }),
        1 => (1..=4u32, prop::bool::ANY, prop::bool::ANY).prop_map(|(n, paused, renamed)| {
            let mut counter = counter(n);
            counter.paused = paused;
            if renamed {
                counter.name = format!("Ruang {n}");
            }
            Event::CounterChanged { counter }
        }),
        1 => (0..2u64).prop_map(|d| Event::DayStarted {
            business_day: day() + chrono::Days::new(d)
        }),
    ]
}

/// A stream of events with increasing (not always consecutive) `seq`s, each paired with the
/// earlier event the server might resend right after it.
pub fn any_stream() -> impl Strategy<Value = Vec<(StreamMessage, Option<Index>)>> {
    prop::collection::vec(
        (any_event(), 1..3u64, prop::option::of(any::<Index>())),
        0..40,
    )
    .prop_map(|steps| {
        let mut seq = 0;
        steps
            .into_iter()
            .map(|(e, gap, repeat)| {
                seq += gap;
                (event(seq, e), repeat)
            })
            .collect()
    })
}

/// Applies the stream once, then again with the repeats interleaved, and hands back both views.
pub fn replay_with_repeats<V: Reduce + Clone>(
    start: &V,
    stream: &[(StreamMessage, Option<Index>)],
) -> (V, V) {
    let mut once = start.clone();
    let mut repeated = start.clone();
    for (i, (message, repeat)) in stream.iter().enumerate() {
        once.apply(message);
        repeated.apply(message);
        if let Some(index) = repeat {
            repeated.apply(&stream[index.index(i + 1)].0);
        }
    }
    (once, repeated)
}
