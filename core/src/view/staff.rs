//! A counter's tablet: for each counter of the staff member (every counter for an admin), the
//! ticket called there, who waits in its services, who was skipped, and today's counts.
//!
//! Events carry no patient names (DESIGN §4), so lists hold [`TicketSummary`]s: the app shows
//! names by refreshing `GET /api/v1/counters/{id}/queue` (after a snapshot, when the list
//! changes, when staff open a ticket) and looking them up by ticket id. The same refresh
//! corrects what events cannot say: where a requeue or a priority ticket lands in call order
//! (they are put at the back here), and the lists after a counter's services change.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use super::{Applied, Reduce, advance};
use crate::events::{Board, Call, Event, Snapshot, StreamMessage, TicketSummary};
use crate::status::TicketStatus;
use crate::wire::{Counter, CounterQueue, QueueCounts, Ticket};

/// The queues a staff member works, built from a staff or admin stream.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StaffView {
    seq: u64,
    /// The day the queues are of; `None` before the first snapshot.
    pub business_day: Option<NaiveDate>,
    /// One per counter, in the snapshot's order.
    pub queues: Vec<StaffQueue>,
    /// The status of every ticket of these services the view has seen today. An event says
    /// where a ticket goes, not where it was; this says where it was, so each count moves once
    /// however often an event arrives.
    #[serde(skip)]
    statuses: BTreeMap<Uuid, TicketStatus>,
}

/// One counter's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffQueue {
    pub counter: Counter,
    /// The ticket called here; `None` once it is finished.
    pub current: Option<CurrentTicket>,
    /// Waiting tickets of the counter's services, in call order.
    pub waiting: Vec<TicketSummary>,
    /// Skipped tickets of the counter's services today, which staff may requeue.
    pub skipped: Vec<TicketSummary>,
    /// Tickets of the counter's services today, by status.
    pub today: QueueCounts,
}

/// The ticket called to a counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurrentTicket {
    pub id: Uuid,
    pub number: String,
    pub service_id: Uuid,
    /// How many times it was called again.
    pub recalls: u32,
}

impl StaffView {
    /// No queues yet, waiting for the first snapshot.
    pub fn new() -> StaffView {
        StaffView::default()
    }

    /// The queue of this counter.
    pub fn queue(&self, counter_id: Uuid) -> Option<&StaffQueue> {
        self.queues.iter().find(|q| q.counter.id == counter_id)
    }

    fn replace(&mut self, seq: u64, board: &Board, queues: &[CounterQueue]) -> Applied {
        let mut statuses = BTreeMap::new();
        for queue in queues {
            let seen = queue
                .waiting
                .iter()
                .chain(&queue.skipped)
                .chain(&queue.current);
            for ticket in seen {
                statuses.insert(ticket.id, ticket.status);
            }
        }
        let next = StaffView {
            seq,
            business_day: board.business_day,
            queues: queues.iter().map(StaffQueue::from_wire).collect(),
            statuses,
        };
        let changed = next != *self;
        *self = next;
        Applied::from_change(changed)
    }

    fn on_event(&mut self, event: &Event) -> bool {
        match event {
            Event::Called { call } => self.on_called(call),
            Event::Queued { ticket } => self.on_moved(ticket, TicketStatus::Waiting),
            Event::Finished { ticket } => self.on_moved(ticket, ticket.status),
            Event::CounterChanged { counter } => {
                match self.queues.iter_mut().find(|q| q.counter.id == counter.id) {
                    Some(queue) if queue.counter != *counter => {
                        queue.counter = counter.clone();
                        true
                    }
                    // A counter new to an admin has no queue here until the next snapshot.
                    _ => false,
                }
            }
            Event::DayStarted { business_day } => self.on_day(*business_day),
            Event::ServiceChanged { .. } | Event::TicketUpdated { .. } => false,
        }
    }

    fn on_called(&mut self, call: &Call) -> bool {
        let before = match self.statuses.get(&call.ticket_id) {
            Some(TicketStatus::Called) => return self.on_recalled(call),
            Some(TicketStatus::Waiting) => TicketStatus::Waiting,
            // Only a requeue (an event of its own) makes a finished or skipped ticket callable:
            // this call is older than what the view knows.
            Some(_) => return false,
            // Every waiting ticket of the service is listed, and this one is not among them:
            // the snapshot already had this call.
            None if self.lists_complete(call.service_id) => return false,
            // Beyond the listed first 500.
            None if call.recalls == 0 => TicketStatus::Waiting,
            None => {
                self.statuses.insert(call.ticket_id, TicketStatus::Called);
                return self.on_recalled(call);
            }
        };
        self.transition(
            call.ticket_id,
            call.service_id,
            Some(before),
            TicketStatus::Called,
            None,
        );
        if let Some(queue) = self.queue_mut(call.counter_id) {
            queue.current = Some(CurrentTicket::from_call(call));
        }
        true
    }

    fn on_recalled(&mut self, call: &Call) -> bool {
        let Some(queue) = self.queue_mut(call.counter_id) else {
            return false;
        };
        if let Some(current) = &queue.current
            && current.id == call.ticket_id
            && current.recalls >= call.recalls
        {
            return false;
        }
        queue.current = Some(CurrentTicket::from_call(call));
        true
    }

    /// A ticket queued (`Waiting`) or finished.
    fn on_moved(&mut self, ticket: &TicketSummary, after: TicketStatus) -> bool {
        let before = match self.statuses.get(&ticket.id) {
            Some(&status) if status == after => return false,
            Some(&status) => Some(status),
            // Issued or transferred in.
            None if after == TicketStatus::Waiting => None,
            // Called to one of these counters, it would be known as their current ticket:
            // it was finished before the snapshot was read.
            None if ticket.counter_id.is_some_and(|c| self.queue(c).is_some()) => return false,
            // Called to a counter of a colleague.
            None if ticket.counter_id.is_some() => Some(TicketStatus::Called),
            None if self.lists_complete(ticket.service_id) => return false,
            None => Some(TicketStatus::Waiting),
        };
        self.transition(ticket.id, ticket.service_id, before, after, Some(ticket));
        true
    }

    /// Moves a ticket from one status to another in every queue of its service, keeping lists
    /// and counts in step. `entry` is what to list when it now waits or was skipped.
    fn transition(
        &mut self,
        id: Uuid,
        service_id: Uuid,
        before: Option<TicketStatus>,
        after: TicketStatus,
        entry: Option<&TicketSummary>,
    ) {
        self.statuses.insert(id, after);
        for queue in &mut self.queues {
            if after != TicketStatus::Called && queue.current.as_ref().is_some_and(|c| c.id == id) {
                queue.current = None;
            }
            if !queue.serves(service_id) {
                continue;
            }
            // Appending to a list cut at 500 would put the ticket before unlisted ones.
            let listed_all = queue.lists_all_waiting();
            queue.waiting.retain(|t| t.id != id);
            queue.skipped.retain(|t| t.id != id);
            match (after, entry) {
                (TicketStatus::Waiting, Some(ticket)) if listed_all => {
                    queue.waiting.push(ticket.clone());
                }
                (TicketStatus::Skipped, Some(ticket)) => queue.skipped.push(ticket.clone()),
                _ => {}
            }
            if let Some(count) = before.and_then(|s| count_of(&mut queue.today, s)) {
                *count = count.saturating_sub(1);
            }
            if let Some(count) = count_of(&mut queue.today, after) {
                *count = count.saturating_add(1);
            }
        }
    }

    /// Open tickets of earlier days expired: every queue starts the day empty.
    fn on_day(&mut self, day: NaiveDate) -> bool {
        // The same day again is a day reset: it empties the board as a new day does.
        if self.business_day.is_some_and(|known| known > day) {
            return false;
        }
        self.business_day = Some(day);
        self.statuses.clear();
        for queue in &mut self.queues {
            queue.current = None;
            queue.waiting.clear();
            queue.skipped.clear();
            queue.today = QueueCounts::default();
        }
        true
    }

    /// Whether some queue serves the service and all that do list every waiting ticket.
    fn lists_complete(&self, service_id: Uuid) -> bool {
        let mut serving = self
            .queues
            .iter()
            .filter(|q| q.serves(service_id))
            .peekable();
        serving.peek().is_some() && serving.all(StaffQueue::lists_all_waiting)
    }

    fn queue_mut(&mut self, counter_id: Uuid) -> Option<&mut StaffQueue> {
        self.queues.iter_mut().find(|q| q.counter.id == counter_id)
    }
}

impl StaffQueue {
    fn from_wire(queue: &CounterQueue) -> StaffQueue {
        StaffQueue {
            counter: queue.counter.clone(),
            current: queue.current.as_ref().map(CurrentTicket::from_ticket),
            waiting: queue.waiting.iter().map(summary).collect(),
            skipped: queue.skipped.iter().map(summary).collect(),
            today: queue.today.clone(),
        }
    }

    /// Whether the counter calls from this service.
    pub fn serves(&self, service_id: Uuid) -> bool {
        self.counter.service_ids.contains(&service_id)
    }

    /// False when the server cut the waiting list (it sends the first 500).
    fn lists_all_waiting(&self) -> bool {
        self.waiting.len() >= usize::try_from(self.today.waiting).unwrap_or(usize::MAX)
    }
}

impl CurrentTicket {
    fn from_call(call: &Call) -> CurrentTicket {
        CurrentTicket {
            id: call.ticket_id,
            number: call.number.clone(),
            service_id: call.service_id,
            recalls: call.recalls,
        }
    }

    fn from_ticket(ticket: &Ticket) -> CurrentTicket {
        CurrentTicket {
            id: ticket.id,
            number: ticket.number.clone(),
            service_id: ticket.service_id,
            recalls: ticket.recalls,
        }
    }
}

fn summary(ticket: &Ticket) -> TicketSummary {
    TicketSummary {
        id: ticket.id,
        number: ticket.number.clone(),
        service_id: ticket.service_id,
        status: ticket.status,
        priority: ticket.priority,
        business_day: ticket.business_day,
        counter_id: ticket.counter.as_ref().map(|c| c.id),
    }
}

/// The count a status is tallied in; expired tickets belong to an earlier day's counts.
fn count_of(counts: &mut QueueCounts, status: TicketStatus) -> Option<&mut u32> {
    match status {
        TicketStatus::Waiting => Some(&mut counts.waiting),
        TicketStatus::Called => Some(&mut counts.called),
        TicketStatus::Done => Some(&mut counts.done),
        TicketStatus::Skipped => Some(&mut counts.skipped),
        TicketStatus::Cancelled => Some(&mut counts.cancelled),
        TicketStatus::Transferred => Some(&mut counts.transferred),
        TicketStatus::Expired => None,
    }
}

impl Reduce for StaffView {
    fn apply(&mut self, message: &StreamMessage) -> Applied {
        match message {
            StreamMessage::Snapshot { seq, snapshot } => match snapshot {
                Snapshot::Staff { board, queues } | Snapshot::Admin { board, queues, .. } => {
                    self.replace(*seq, board, queues)
                }
                Snapshot::Display { .. } | Snapshot::Patient { .. } => Applied::Ignored,
            },
            StreamMessage::Event { seq, event, .. } => {
                if !advance(&mut self.seq, *seq) {
                    return Applied::Ignored;
                }
                Applied::from_change(self.on_event(event))
            }
        }
    }

    fn seq(&self) -> u64 {
        self.seq
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::view::fixtures::*;

    fn numbers(list: &[TicketSummary]) -> Vec<&str> {
        list.iter().map(|t| t.number.as_str()).collect()
    }

    fn counts(waiting: u32, called: u32, done: u32, skipped: u32) -> QueueCounts {
        QueueCounts {
            waiting,
            called,
            done,
            skipped,
            ..QueueCounts::default()
        }
    }

    /// Admin tablet with Loket 1 (Poli Umum) and Loket 3 (Poli Gigi); wait.
    fn opened() -> StaffView {
        let mut view = StaffView::new();
        let queues = vec![
            queue(1, &[waiting(UMUM, 1), waiting(UMUM, 2)]),
            queue(3, &[]),
        ];
        view.apply(&snapshot(
            10,
            Snapshot::Admin {
                board: board(&[1, 3]),
                services: Vec::new(),
                queues,
            },
        ));
        view
    }

    fn loket(view: &StaffView, number: u32) -> &StaffQueue {
        view.queue(counter_id(number)).unwrap()
    }

    #[test]
    fn staff_see_their_queue_grow_and_shrink_as_patients_are_called_and_served() {
        let mut view = opened();
        let (a1, a2, a3) = (waiting(UMUM, 1), waiting(UMUM, 2), waiting(UMUM, 3));

        view.apply(&event(11, Event::Queued { ticket: a3.clone() }));
        assert_eq!(
            numbers(&loket(&view, 1).waiting),
            ["A-001", "A-002", "A-003"]
        );
        assert_eq!(loket(&view, 1).today, counts(3, 0, 0, 0));

        view.apply(&event(
            12,
            Event::Called {
                call: call(&a1, 1, 5, 0),
            },
        ));
        let current = loket(&view, 1).current.as_ref().map(|c| c.number.as_str());
        assert_eq!(current, Some("A-001"));
        assert_eq!(numbers(&loket(&view, 1).waiting), ["A-002", "A-003"]);
        assert_eq!(loket(&view, 1).today, counts(2, 1, 0, 0));

        view.apply(&event(
            13,
            Event::Called {
                call: call(&a1, 1, 5, 1),
            },
        ));
        let recalls = loket(&view, 1).current.as_ref().map(|c| c.recalls);
        assert_eq!(recalls, Some(1));
        assert_eq!(
            loket(&view, 1).today,
            counts(2, 1, 0, 0),
            "a recall counts nothing"
        );

        let done = finished(&a1, TicketStatus::Done, Some(1));
        view.apply(&event(14, Event::Finished { ticket: done }));
        assert_eq!(loket(&view, 1).current, None);
        assert_eq!(loket(&view, 1).today, counts(2, 0, 1, 0));

        view.apply(&event(
            15,
            Event::Called {
                call: call(&a2, 1, 9, 0),
            },
        ));
        let skipped = finished(&a2, TicketStatus::Skipped, Some(1));
        view.apply(&event(16, Event::Finished { ticket: skipped }));
        assert_eq!(numbers(&loket(&view, 1).waiting), ["A-003"]);
        assert_eq!(numbers(&loket(&view, 1).skipped), ["A-002"]);
        assert_eq!(loket(&view, 1).today, counts(1, 0, 1, 1));

        // Requeued: back in line, at the back until the app refreshes the queue.
        view.apply(&event(17, Event::Queued { ticket: a2 }));
        assert_eq!(numbers(&loket(&view, 1).waiting), ["A-003", "A-002"]);
        assert!(loket(&view, 1).skipped.is_empty());
        assert_eq!(loket(&view, 1).today, counts(2, 0, 1, 0));
    }

    #[test]
    fn a_ticket_of_a_service_the_counter_does_not_serve_leaves_its_list_alone() {
        let mut view = opened();
        let before = loket(&view, 1).clone();
        let b1 = waiting(GIGI, 1);

        view.apply(&event(11, Event::Queued { ticket: b1.clone() }));
        view.apply(&event(
            12,
            Event::Called {
                call: call(&b1, 3, 5, 0),
            },
        ));

        assert_eq!(*loket(&view, 1), before);
        assert_eq!(loket(&view, 3).today, counts(0, 1, 0, 0));
        let current = loket(&view, 3).current.as_ref().map(|c| c.number.as_str());
        assert_eq!(current, Some("B-001"));
    }

    #[test]
    fn repeated_events_move_the_counts_once() {
        let mut view = opened();
        let a1 = waiting(UMUM, 1);
        let messages = [
            event(
                11,
                Event::Queued {
                    ticket: waiting(UMUM, 3),
                },
            ),
            event(
                12,
                Event::Called {
                    call: call(&a1, 1, 5, 0),
                },
            ),
            event(
                13,
                Event::Finished {
                    ticket: finished(&a1, TicketStatus::Done, Some(1)),
                },
            ),
        ];
        for message in &messages {
            view.apply(message);
        }
        let after = view.clone();
        for message in &messages {
            assert_eq!(view.apply(message), Applied::Ignored);
        }
        assert_eq!(view, after);
        assert_eq!(loket(&view, 1).today, counts(2, 0, 1, 0));
    }

    #[test]
    fn events_the_snapshot_already_contains_change_nothing() {
        // Read after seq 12 and 13 had happened (A-001 called then served), labelled seq 11.
        let mut served = queue(1, &[waiting(UMUM, 2)]);
        served.today.done = 1;
        let mut view = StaffView::new();
        view.apply(&snapshot(
            11,
            Snapshot::Staff {
                board: board(&[1]),
                queues: vec![served],
            },
        ));
        let before = view.clone();
        let a1 = waiting(UMUM, 1);

        let called = event(
            12,
            Event::Called {
                call: call(&a1, 1, 5, 0),
            },
        );
        let done = finished(&a1, TicketStatus::Done, Some(1));
        assert_eq!(view.apply(&called), Applied::Unchanged);
        assert_eq!(
            view.apply(&event(13, Event::Finished { ticket: done })),
            Applied::Unchanged
        );
        assert_eq!(view.queues, before.queues);
    }

    #[test]
    fn a_new_day_empties_the_queues() {
        let mut view = opened();
        let a1 = waiting(UMUM, 1);
        view.apply(&event(
            11,
            Event::Called {
                call: call(&a1, 1, 5, 0),
            },
        ));
        let tomorrow = day().succ_opt().unwrap();
        view.apply(&event(
            12,
            Event::DayStarted {
                business_day: tomorrow,
            },
        ));

        let loket_1 = loket(&view, 1);
        assert_eq!(loket_1.current, None);
        assert!(loket_1.waiting.is_empty());
        assert_eq!(loket_1.today, QueueCounts::default());

        // A ticket of the new day joins the fresh list.
        view.apply(&event(
            13,
            Event::Queued {
                ticket: waiting(UMUM, 1),
            },
        ));
        assert_eq!(loket(&view, 1).today, counts(1, 0, 0, 0));
    }

    #[test]
    fn a_paused_counter_shows_paused_on_its_tablet() {
        let mut view = opened();
        let mut paused = counter(1);
        paused.paused = true;
        assert_eq!(
            view.apply(&event(11, Event::CounterChanged { counter: paused })),
            Applied::Changed
        );
        assert!(loket(&view, 1).counter.paused);
    }

    proptest! {
        #[test]
        fn repeated_events_never_change_the_queues(stream in any_stream()) {
            let (once, repeated) = replay_with_repeats(&opened(), &stream);
            prop_assert_eq!(once, repeated);
        }
    }
}
