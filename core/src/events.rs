//! The real-time stream of DESIGN §4: what `GET /api/v1/events` sends. A `snapshot` first, then
//! `event`s with strictly increasing `seq`; a client that reconnects with `?since=SEQ` gets the
//! events it missed, or a fresh snapshot.
//!
//! Events carry no patient names or phone numbers, whoever receives them: what staff need of a
//! patient they read from the counter's queue.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::call_order::Priority;
use crate::status::TicketStatus;
use crate::wire::{Counter, CounterQueue, Service, Ticket};

/// One message from the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamMessage {
    /// The scoped state as of `seq`: replace everything known with it. Events after it follow.
    Snapshot { seq: u64, snapshot: Snapshot },
    /// One change; `seq` is higher than every `seq` before it on this stream.
    Event {
        seq: u64,
        at: DateTime<Utc>,
        event: Event,
    },
}

/// What one scope sees when it connects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "scope", rename_all = "snake_case")]
// A patient's ticket is larger than the other scopes' handles, but a snapshot is built once per
// connection and moved once: a box would only add an allocation to every patient's connect.
#[allow(clippy::large_enum_variant)]
pub enum Snapshot {
    /// Waiting-room screens: who is called where; no names.
    Display { board: Board },
    /// Staff: the board and the queues of their counters.
    Staff {
        board: Board,
        queues: Vec<CounterQueue>,
    },
    /// Admins: everything.
    Admin {
        board: Board,
        services: Vec<Service>,
        queues: Vec<CounterQueue>,
    },
    /// A patient following one ticket.
    Patient { ticket: Ticket },
}

/// The call board of a waiting room.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Board {
    pub business_day: Option<NaiveDate>,
    /// Every counter by number, with the ticket called there now.
    pub counters: Vec<BoardCounter>,
    /// Today's latest calls, newest first.
    pub recent_calls: Vec<Call>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardCounter {
    pub id: Uuid,
    pub number: u32,
    pub name: String,
    pub paused: bool,
    pub current: Option<Call>,
}

/// A ticket called to a counter: what a display shows and announces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Call {
    pub ticket_id: Uuid,
    pub number: String,
    pub service_id: Uuid,
    pub counter_id: Uuid,
    pub counter_number: u32,
    pub counter_name: String,
    pub called_at: DateTime<Utc>,
    /// 0 for the first call, then 1, 2… for each recall.
    pub recalls: u32,
}

/// A ticket without the patient: enough to move it between lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketSummary {
    pub id: Uuid,
    pub number: String,
    pub service_id: Uuid,
    pub status: TicketStatus,
    pub priority: Priority,
    pub business_day: NaiveDate,
    /// The counter it was called to, if any.
    pub counter_id: Option<Uuid>,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A ticket was called to a counter, or called again (`recalls` > 0).
    Called { call: Call },
    /// A ticket joined a queue: issued, requeued, or transferred in.
    Queued { ticket: TicketSummary },
    /// A ticket left its queue or counter: done, skipped, cancelled, transferred or expired.
    Finished { ticket: TicketSummary },
    /// A counter was added, paused, resumed or changed.
    CounterChanged { counter: Counter },
    /// A service was added, opened, closed or changed.
    ServiceChanged { service: Service },
    /// The business day turned, or an admin started today over (a day reset): open tickets
    /// expired; boards start empty.
    DayStarted { business_day: NaiveDate },
    /// For a patient's stream only: their ticket as it stands after a change in its queue.
    TicketUpdated { ticket: Ticket },
}

impl Event {
    /// The service the event is about, for routing it to the right subscribers.
    pub fn service_id(&self) -> Option<Uuid> {
        match self {
            Event::Called { call } => Some(call.service_id),
            Event::Queued { ticket } | Event::Finished { ticket } => Some(ticket.service_id),
            Event::ServiceChanged { service } => Some(service.id),
            Event::TicketUpdated { ticket } => Some(ticket.service_id),
            Event::CounterChanged { .. } | Event::DayStarted { .. } => None,
        }
    }

    /// The counter the event is about.
    pub fn counter_id(&self) -> Option<Uuid> {
        match self {
            Event::Called { call } => Some(call.counter_id),
            Event::Queued { ticket } | Event::Finished { ticket } => ticket.counter_id,
            Event::CounterChanged { counter } => Some(counter.id),
            Event::TicketUpdated { ticket } => ticket.counter.as_ref().map(|c| c.id),
            Event::ServiceChanged { .. } | Event::DayStarted { .. } => None,
        }
    }

    /// Whether a waiting-room display gets it: calls, counters and the day's start. A board
    /// keeps showing a counter's last call after it is finished, so finishes are not sent:
    /// that halves what ten thousand screens receive per call.
    pub fn is_public(&self) -> bool {
        matches!(
            self,
            Event::Called { .. } | Event::CounterChanged { .. } | Event::DayStarted { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_tagged_for_any_client_to_read() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let message = StreamMessage::Event {
            seq: 7,
            at: "2026-11-23T01:00:00Z".parse().unwrap(),
            event: Event::DayStarted { business_day: day },
        };
        let json = serde_json::to_value(&message).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "type": "event", "seq": 7, "at": "2026-11-23T01:00:00Z",
                "event": {"kind": "day_started", "business_day": "2026-11-23"}
            })
        );
        let back: StreamMessage = serde_json::from_value(json).unwrap();
        assert_eq!(back, message);
    }
}
