//! The waiting-room display: the number shown at every counter, the featured latest call, the
//! recent calls, and the calls still to be spoken, each exactly once.

use std::collections::VecDeque;

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use super::{Applied, Reduce, advance};
use crate::events::{Board, Call, Event, Snapshot, StreamMessage};
use crate::wire::Counter;

/// How many recent calls a display lists; the server's board holds as many.
pub const RECENT_CALLS: usize = 10;

/// What a waiting-room screen shows. Built from a display, staff or admin stream: all three
/// carry the board.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DisplayView {
    seq: u64,
    /// The day the board is of; `None` before the first snapshot.
    pub business_day: Option<NaiveDate>,
    /// Every counter by number.
    pub counters: Vec<DisplayCounter>,
    /// The latest call, recalls included: shown large.
    pub featured: Option<Call>,
    /// Newest first, at most [`RECENT_CALLS`], one line per ticket.
    pub recent_calls: Vec<Call>,
    /// Calls heard live and not yet handed to the speech worker. Private, so the only way to
    /// read them is [`DisplayView::take_announcements`], which cannot hand one out twice.
    announcements: VecDeque<Call>,
}

/// One counter on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisplayCounter {
    pub id: Uuid,
    /// Announced as "loket dua".
    pub number: u32,
    pub name: String,
    pub paused: bool,
    /// The latest call here. It stays after the ticket is finished, as waiting-room boards
    /// do, so a patient who looks up late still sees which number went where; a new business
    /// day clears it.
    pub current: Option<Call>,
}

impl DisplayView {
    /// An empty board, waiting for its first snapshot.
    pub fn new() -> DisplayView {
        DisplayView::default()
    }

    /// The calls to speak, oldest first, each handed out once: a first call or a recall heard
    /// live. Snapshots never add any, so reconnecting never repeats one.
    pub fn take_announcements(&mut self) -> Vec<Call> {
        self.announcements.drain(..).collect()
    }

    /// The counter with this id.
    pub fn counter(&self, id: Uuid) -> Option<&DisplayCounter> {
        self.counters.iter().find(|c| c.id == id)
    }

    /// Replaces the board but keeps the calls not spoken yet: they were heard live before the
    /// connection dropped and must still be announced.
    fn replace(&mut self, seq: u64, board: &Board) -> Applied {
        let mut counters: Vec<DisplayCounter> = board
            .counters
            .iter()
            .map(|c| DisplayCounter {
                id: c.id,
                number: c.number,
                name: c.name.clone(),
                paused: c.paused,
                // The server's board lists only tickets still called; this screen keeps a
                // finished one shown, so after a reconnect it shows the same as before.
                current: c.current.clone().or_else(|| {
                    board
                        .recent_calls
                        .iter()
                        .find(|call| call.counter_id == c.id)
                        .cloned()
                }),
            })
            .collect();
        counters.sort_by_key(|c| c.number);
        let recent_calls: Vec<Call> = board
            .recent_calls
            .iter()
            .take(RECENT_CALLS)
            .cloned()
            .collect();
        let next = DisplayView {
            seq,
            business_day: board.business_day,
            counters,
            featured: recent_calls.first().cloned(),
            recent_calls,
            announcements: self.announcements.clone(),
        };
        let changed = next != *self;
        *self = next;
        Applied::from_change(changed)
    }

    fn on_event(&mut self, event: &Event) -> bool {
        match event {
            Event::Called { call } => self.on_call(call),
            Event::CounterChanged { counter } => self.on_counter(counter),
            Event::DayStarted { business_day } => self.on_day(*business_day),
            // The call stays shown when its ticket is finished; the rest is not for this screen.
            Event::Finished { .. }
            | Event::Queued { .. }
            | Event::ServiceChanged { .. }
            | Event::TicketUpdated { .. } => false,
        }
    }

    fn on_call(&mut self, call: &Call) -> bool {
        if self.shows(call) {
            return false;
        }
        match self.counters.iter_mut().find(|c| c.id == call.counter_id) {
            Some(counter) => counter.current = Some(call.clone()),
            // A counter added after the snapshot whose `CounterChanged` this scope missed.
            None => {
                self.counters.push(DisplayCounter {
                    id: call.counter_id,
                    number: call.counter_number,
                    name: call.counter_name.clone(),
                    paused: false,
                    current: Some(call.clone()),
                });
                self.counters.sort_by_key(|c| c.number);
            }
        }
        self.featured = Some(call.clone());
        self.recent_calls.retain(|c| c.ticket_id != call.ticket_id);
        self.recent_calls.insert(0, call.clone());
        self.recent_calls.truncate(RECENT_CALLS);
        self.announcements.push_back(call.clone());
        true
    }

    /// Whether the board already shows this call or a later one of the same ticket: then the
    /// event was already part of the snapshot. A recall counts up `recalls`, and a ticket
    /// called again after a requeue gets a new `called_at`, so either makes a call new.
    fn shows(&self, call: &Call) -> bool {
        let when = |c: &Call| (c.called_at, c.recalls);
        self.featured
            .iter()
            .chain(&self.recent_calls)
            .chain(self.counters.iter().filter_map(|c| c.current.as_ref()))
            .any(|shown| shown.ticket_id == call.ticket_id && when(shown) >= when(call))
    }

    fn on_counter(&mut self, counter: &Counter) -> bool {
        match self.counters.iter_mut().find(|c| c.id == counter.id) {
            Some(shown) => {
                if (shown.number, shown.name.as_str(), shown.paused)
                    == (counter.number, counter.name.as_str(), counter.paused)
                {
                    return false;
                }
                shown.number = counter.number;
                shown.name = counter.name.clone();
                shown.paused = counter.paused;
            }
            None => self.counters.push(DisplayCounter {
                id: counter.id,
                number: counter.number,
                name: counter.name.clone(),
                paused: counter.paused,
                current: None,
            }),
        }
        self.counters.sort_by_key(|c| c.number);
        true
    }

    /// A day the board already is of was part of the snapshot: clearing again would wipe the
    /// calls made since.
    fn on_day(&mut self, day: NaiveDate) -> bool {
        // The same day again is a day reset: it empties the board as a new day does.
        if self.business_day.is_some_and(|shown| shown > day) {
            return false;
        }
        self.business_day = Some(day);
        for counter in &mut self.counters {
            counter.current = None;
        }
        self.featured = None;
        self.recent_calls.clear();
        true
    }
}

impl Reduce for DisplayView {
    fn apply(&mut self, message: &StreamMessage) -> Applied {
        match message {
            StreamMessage::Snapshot { seq, snapshot } => match snapshot {
                Snapshot::Display { board }
                | Snapshot::Staff { board, .. }
                | Snapshot::Admin { board, .. } => self.replace(*seq, board),
                Snapshot::Patient { .. } => Applied::Ignored,
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
    use crate::status::TicketStatus;
    use crate::view::fixtures::*;

    fn shown(number: u32, current: Option<&Call>) -> DisplayCounter {
        DisplayCounter {
            id: counter_id(number),
            number,
            name: format!("Loket {number}"),
            paused: false,
            current: current.cloned(),
        }
    }

    fn numbers(calls: &[Call]) -> Vec<(String, u32)> {
        calls
            .iter()
            .map(|c| (c.number.clone(), c.recalls))
            .collect()
    }

    /// The start of the morning: A-001 was called at Loket 1 before the display connected.
    fn connected_at_seq_10() -> (DisplayView, Call) {
        let a1 = call(&waiting(UMUM, 1), 1, 0, 0);
        let mut board = board(&[1, 2, 3]);
        board.counters[0].current = Some(a1.clone());
        board.recent_calls = vec![a1.clone()];
        let mut view = DisplayView::new();
        view.apply(&snapshot(10, Snapshot::Display { board }));
        (view, a1)
    }

    /// A morning at the counters, as the server sends it after the snapshot at seq 10.
    fn morning() -> Vec<StreamMessage> {
        let a2 = waiting(UMUM, 2);
        let a3 = waiting(UMUM, 3);
        let b1 = waiting(GIGI, 1);
        let b2 = waiting(GIGI, 2);
        let mut paused = counter(2);
        paused.paused = true;
        vec![
            event(
                11,
                Event::Called {
                    call: call(&a2, 1, 5, 0),
                },
            ),
            event(
                12,
                Event::Called {
                    call: call(&b1, 2, 6, 0),
                },
            ),
            event(
                13,
                Event::Called {
                    call: call(&a2, 1, 5, 1),
                },
            ),
            event(
                14,
                Event::Finished {
                    ticket: finished(&a2, TicketStatus::Done, Some(1)),
                },
            ),
            event(15, Event::CounterChanged { counter: paused }),
            event(
                16,
                Event::Finished {
                    ticket: finished(&b1, TicketStatus::Skipped, Some(2)),
                },
            ),
            event(
                17,
                Event::Called {
                    call: call(&a3, 1, 9, 0),
                },
            ),
            event(
                18,
                Event::Queued {
                    ticket: waiting(UMUM, 4),
                },
            ),
            event(
                19,
                Event::Called {
                    call: call(&b2, 3, 10, 0),
                },
            ),
            event(
                20,
                Event::Finished {
                    ticket: finished(&a3, TicketStatus::Done, Some(1)),
                },
            ),
        ]
    }

    #[test]
    fn the_waiting_room_board_follows_a_morning_of_calls() {
        let (mut view, a1) = connected_at_seq_10();
        assert!(
            view.take_announcements().is_empty(),
            "a snapshot is never spoken"
        );
        for message in morning() {
            view.apply(&message);
        }

        let a2_recalled = call(&waiting(UMUM, 2), 1, 5, 1);
        let a3 = call(&waiting(UMUM, 3), 1, 9, 0);
        let b1 = call(&waiting(GIGI, 1), 2, 6, 0);
        let b2 = call(&waiting(GIGI, 2), 3, 10, 0);
        assert_eq!(
            numbers(&view.take_announcements()),
            [
                ("A-002", 0),
                ("B-001", 0),
                ("A-002", 1),
                ("A-003", 0),
                ("B-002", 0)
            ]
            .map(|(n, r)| (n.to_string(), r)),
            "every call and the recall spoken once, in call order"
        );
        assert_eq!(
            view,
            DisplayView {
                seq: 20,
                business_day: Some(day()),
                counters: vec![
                    // A-003 is done but stays shown until Loket 1 calls the next one.
                    shown(1, Some(&a3)),
                    DisplayCounter {
                        paused: true,
                        ..shown(2, Some(&b1))
                    },
                    shown(3, Some(&b2)),
                ],
                featured: Some(b2.clone()),
                recent_calls: vec![b2, a3, a2_recalled, b1, a1],
                announcements: VecDeque::new(),
            }
        );
    }

    #[test]
    fn replaying_what_was_already_applied_changes_nothing_and_announces_nothing() {
        let (mut view, _) = connected_at_seq_10();
        for message in morning() {
            view.apply(&message);
        }
        view.take_announcements();
        let after = view.clone();

        for message in morning() {
            assert_eq!(view.apply(&message), Applied::Ignored);
        }
        assert_eq!(view.apply(&morning()[2]), Applied::Ignored, "the recall");
        assert_eq!(view, after);
        assert!(view.take_announcements().is_empty());
    }

    #[test]
    fn a_fresh_snapshot_after_reconnect_replaces_the_board_but_announces_nothing() {
        let (mut view, _) = connected_at_seq_10();
        let a2 = call(&waiting(UMUM, 2), 1, 5, 0);
        view.apply(&event(11, Event::Called { call: a2.clone() }));
        view.take_announcements();

        // Offline too long: B-001 was called at Loket 3 and A-002 finished meanwhile.
        let b1 = call(&waiting(GIGI, 1), 3, 20, 0);
        let mut board = board(&[1, 2, 3]);
        board.counters[2].current = Some(b1.clone());
        board.recent_calls = vec![b1.clone(), a2.clone()];
        assert_eq!(
            view.apply(&snapshot(40, Snapshot::Display { board })),
            Applied::Changed
        );
        assert!(view.take_announcements().is_empty());
        assert_eq!(view.seq(), 40);
        assert_eq!(view.featured.as_ref(), Some(&b1));
        assert_eq!(
            view.counter(counter_id(1)).and_then(|c| c.current.as_ref()),
            Some(&a2),
            "a finished call stays on its counter after the reconnect as before it"
        );

        let b2 = call(&waiting(GIGI, 2), 3, 25, 0);
        view.apply(&event(41, Event::Called { call: b2.clone() }));
        assert_eq!(view.take_announcements(), vec![b2]);
    }

    #[test]
    fn a_call_the_snapshot_already_contains_is_neither_repeated_nor_announced() {
        // The server read the board just after seq 12 happened: the snapshot says seq 11.
        let b1 = call(&waiting(GIGI, 1), 3, 20, 0);
        let mut board = board(&[1, 2, 3]);
        board.counters[2].current = Some(b1.clone());
        board.recent_calls = vec![b1.clone()];
        let mut view = DisplayView::new();
        view.apply(&snapshot(11, Snapshot::Display { board }));
        let before = view.clone();

        assert_eq!(
            view.apply(&event(12, Event::Called { call: b1.clone() })),
            Applied::Unchanged
        );
        assert_eq!(view.recent_calls, before.recent_calls);
        assert!(view.take_announcements().is_empty());

        // A recall of it afterwards is new.
        let recalled = Call { recalls: 1, ..b1 };
        view.apply(&event(
            13,
            Event::Called {
                call: recalled.clone(),
            },
        ));
        assert_eq!(view.take_announcements(), vec![recalled.clone()]);
        assert_eq!(view.recent_calls, vec![recalled]);
    }

    #[test]
    fn calls_heard_before_the_connection_dropped_are_still_announced_after_it() {
        let (mut view, _) = connected_at_seq_10();
        let a2 = call(&waiting(UMUM, 2), 1, 5, 0);
        view.apply(&event(11, Event::Called { call: a2.clone() }));

        let mut board = board(&[1, 2, 3]);
        board.recent_calls = vec![a2.clone()];
        view.apply(&snapshot(30, Snapshot::Display { board }));
        assert_eq!(view.take_announcements(), vec![a2]);
    }

    #[test]
    fn a_new_business_day_clears_the_numbers_and_the_recent_calls() {
        let (mut view, _) = connected_at_seq_10();
        for message in morning() {
            view.apply(&message);
        }
        let tomorrow = day().succ_opt().unwrap();
        let new_day = event(
            21,
            Event::DayStarted {
                business_day: tomorrow,
            },
        );
        assert_eq!(view.apply(&new_day), Applied::Changed);

        assert_eq!(view.business_day, Some(tomorrow));
        assert!(view.counters.iter().all(|c| c.current.is_none()));
        assert_eq!(view.counters.len(), 3, "the counters themselves stay");
        assert!(view.counter(counter_id(2)).is_some_and(|c| c.paused));
        assert_eq!(view.featured, None);
        assert!(view.recent_calls.is_empty());
    }

    #[test]
    fn a_paused_renamed_or_new_counter_shows_on_the_board() {
        let (mut view, _) = connected_at_seq_10();
        let mut renamed = counter(3);
        renamed.name = "Ruang Gigi".into();
        view.apply(&event(11, Event::CounterChanged { counter: renamed }));
        view.apply(&event(
            12,
            Event::CounterChanged {
                counter: counter(0),
            },
        ));

        let names: Vec<_> = view.counters.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Loket 0", "Loket 1", "Loket 2", "Ruang Gigi"]);
        assert_eq!(
            view.apply(&event(
                13,
                Event::CounterChanged {
                    counter: counter(0)
                }
            )),
            Applied::Unchanged
        );
    }

    #[test]
    fn only_the_latest_calls_are_listed_and_a_recall_moves_its_ticket_to_the_top() {
        let mut view = DisplayView::new();
        view.apply(&snapshot(0, Snapshot::Display { board: board(&[1]) }));
        for n in 1..=12u32 {
            let call = call(&waiting(UMUM, n), 1, i64::from(n), 0);
            view.apply(&event(u64::from(n), Event::Called { call }));
        }
        let recall = call(&waiting(UMUM, 5), 1, 5, 1);
        view.apply(&event(13, Event::Called { call: recall }));

        let listed: Vec<_> = view
            .recent_calls
            .iter()
            .map(|c| c.number.as_str())
            .collect();
        assert_eq!(
            listed,
            [
                "A-005", "A-012", "A-011", "A-010", "A-009", "A-008", "A-007", "A-006", "A-004",
                "A-003"
            ]
        );
        assert_eq!(view.take_announcements().len(), 13);
    }

    #[test]
    fn a_patients_snapshot_is_not_for_the_display() {
        let mut view = DisplayView::new();
        let message = snapshot(
            5,
            Snapshot::Patient {
                ticket: ticket(&waiting(UMUM, 1)),
            },
        );
        assert_eq!(view.apply(&message), Applied::Ignored);
        assert_eq!(view, DisplayView::new());
    }

    proptest! {
        #[test]
        fn repeated_events_never_change_the_board_or_the_announcements(stream in any_stream()) {
            let mut start = DisplayView::new();
            start.apply(&snapshot(0, Snapshot::Display { board: board(&[1, 2, 3]) }));

            let (mut once, mut repeated) = replay_with_repeats(&start, &stream);

            let spoken_once = once.take_announcements();
            let spoken_repeated = repeated.take_announcements();
            prop_assert_eq!(spoken_once.len(), spoken_repeated.len());
            prop_assert_eq!(spoken_once, spoken_repeated);
            prop_assert_eq!(once, repeated);
        }
    }
}
