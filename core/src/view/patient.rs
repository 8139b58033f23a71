//! A patient following their ticket: the ticket as it stands, and what to notify them of.

use std::collections::VecDeque;

use serde::Serialize;
use uuid::Uuid;

use super::{Applied, Reduce, advance};
use crate::events::{Event, Snapshot, StreamMessage};
use crate::status::TicketStatus;
use crate::wire::{CounterRef, Ticket};

/// People ahead at which a waiting patient hears that their turn is near, unless the app sets
/// its own: about one consultation's walk from the canteen.
pub const DEFAULT_NEAR_THRESHOLD: u32 = 3;

/// The ticket a patient follows, built from a patient stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatientView {
    seq: u64,
    /// `None` before the first snapshot. After a transfer, the ticket that continues the visit.
    pub ticket: Option<Ticket>,
    /// Changes to notify the patient of, not yet handed to the app.
    notices: VecDeque<PatientNotice>,
    /// `Near` is told when people ahead drop to this; `None` never.
    near_threshold: Option<u32>,
    /// The ticket `Near` was told (or was already true) for: once per ticket.
    near_told: Option<Uuid>,
}

impl Default for PatientView {
    fn default() -> PatientView {
        PatientView {
            seq: 0,
            ticket: None,
            notices: VecDeque::new(),
            near_threshold: Some(DEFAULT_NEAR_THRESHOLD),
            near_told: None,
        }
    }
}

/// Something the patient should hear about even with the app closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PatientNotice {
    /// Called to a counter, or called again (`recalls` > 0).
    Called {
        number: String,
        counter: CounterRef,
        recalls: u32,
    },
    /// Still waiting, with `people_ahead` at or below the app's threshold: time to come back
    /// to the waiting room. Told once per ticket.
    Near { number: String, people_ahead: u32 },
    /// Sent on to another service: the visit continues with a new number.
    Transferred { from: String, to: String },
    /// Served, skipped, cancelled or expired.
    Finished {
        number: String,
        status: TicketStatus,
    },
}

impl PatientView {
    /// Nothing known yet, waiting for the first snapshot.
    pub fn new() -> PatientView {
        PatientView::default()
    }

    /// Tells `Near` when people ahead drop to `threshold`, or never with `None`.
    pub fn with_near_threshold(mut self, threshold: Option<u32>) -> PatientView {
        self.near_threshold = threshold;
        self
    }

    /// In the queue, not called yet.
    pub fn is_waiting(&self) -> bool {
        self.status() == Some(TicketStatus::Waiting)
    }

    /// Called to a counter: time to go there.
    pub fn is_called(&self) -> bool {
        self.status() == Some(TicketStatus::Called)
    }

    /// No longer in any queue: the app stops following it.
    pub fn is_finished(&self) -> bool {
        self.status().is_some_and(|s| !s.is_active())
    }

    fn status(&self) -> Option<TicketStatus> {
        self.ticket.as_ref().map(|t| t.status)
    }

    /// The notices to show, oldest first, each handed out once.
    pub fn take_notices(&mut self) -> Vec<PatientNotice> {
        self.notices.drain(..).collect()
    }

    /// Takes the ticket as it stands now. Unlike a display, a patient's stream always resumes
    /// with a snapshot, so a snapshot after a reconnect notifies too: otherwise a call made
    /// while the phone was offline would never be told. Only the first snapshot is silent: the
    /// app shows the state it opens with.
    fn follow(&mut self, ticket: &Ticket) -> bool {
        if self.ticket.as_ref() == Some(ticket) {
            return false;
        }
        // Opening the app, or arriving in a new queue by transfer, is told otherwise.
        let new_ticket = self.ticket.as_ref().is_none_or(|t| t.id != ticket.id);
        if let Some(notice) = self
            .ticket
            .as_ref()
            .and_then(|before| notice(before, ticket))
        {
            self.notices.push_back(notice);
        }
        self.notice_near(ticket, new_ticket);
        self.ticket = Some(ticket.clone());
        true
    }

    /// Tells `Near` the first time a waiting ticket has few enough people ahead. A ticket that
    /// is near when it first shows up (the app opening, a transfer arriving) tells nothing more
    /// than the app shows or the transfer notice says, and counts as told.
    fn notice_near(&mut self, ticket: &Ticket, first: bool) {
        let (Some(threshold), Some(ahead)) = (self.near_threshold, ticket.people_ahead) else {
            return;
        };
        if ticket.status != TicketStatus::Waiting
            || ahead > threshold
            || self.near_told == Some(ticket.id)
        {
            return;
        }
        self.near_told = Some(ticket.id);
        if !first {
            self.notices.push_back(PatientNotice::Near {
                number: ticket.number.clone(),
                people_ahead: ahead,
            });
        }
    }
}

/// What changed between two states of a followed ticket that the patient must hear about.
fn notice(before: &Ticket, after: &Ticket) -> Option<PatientNotice> {
    if after.id != before.id {
        return (after.transferred_from == Some(before.id)).then(|| PatientNotice::Transferred {
            from: before.number.clone(),
            to: after.number.clone(),
        });
    }
    match after.status {
        TicketStatus::Called => {
            // A recall counts up; a call after a requeue has a new time.
            let again = after.recalls > before.recalls || after.called_at != before.called_at;
            if before.status == TicketStatus::Called && !again {
                return None;
            }
            after.counter.as_ref().map(|counter| PatientNotice::Called {
                number: after.number.clone(),
                counter: counter.clone(),
                recalls: after.recalls,
            })
        }
        TicketStatus::Waiting => None,
        status if status != before.status => Some(PatientNotice::Finished {
            number: after.number.clone(),
            status,
        }),
        _ => None,
    }
}

impl Reduce for PatientView {
    fn apply(&mut self, message: &StreamMessage) -> Applied {
        match message {
            StreamMessage::Snapshot {
                seq,
                snapshot: Snapshot::Patient { ticket },
            } => {
                let seq_changed = self.seq != *seq;
                self.seq = *seq;
                Applied::from_change(self.follow(ticket) || seq_changed)
            }
            StreamMessage::Snapshot { .. } => Applied::Ignored,
            StreamMessage::Event { seq, event, .. } => {
                if !advance(&mut self.seq, *seq) {
                    return Applied::Ignored;
                }
                match event {
                    Event::TicketUpdated { ticket } => Applied::from_change(self.follow(ticket)),
                    _ => Applied::Unchanged,
                }
            }
        }
    }

    fn seq(&self) -> u64 {
        self.seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::fixtures::*;

    fn following(ticket: Ticket) -> PatientView {
        let mut view = PatientView::new();
        view.apply(&snapshot(10, Snapshot::Patient { ticket }));
        view
    }

    fn updated(seq: u64, ticket: Ticket) -> StreamMessage {
        event(seq, Event::TicketUpdated { ticket })
    }

    #[test]
    fn the_patient_is_told_once_when_called_and_again_when_recalled() {
        let a7 = waiting(UMUM, 7);
        let mut view = following(ticket(&a7));
        assert!(view.is_waiting());
        assert!(
            view.take_notices().is_empty(),
            "opening the app is not news"
        );

        let called = ticket_called(&a7, 2, 30, 0);
        view.apply(&updated(11, called.clone()));
        view.apply(&updated(11, called.clone()));
        assert!(view.is_called());
        let notices = view.take_notices();
        assert_eq!(notices.len(), 1, "{notices:?}");
        assert!(matches!(
            &notices[0],
            PatientNotice::Called { number, counter, recalls: 0 }
                if number == "A-007" && counter.number == 2
        ));

        // Another ticket of the queue moved: the same state again is not news.
        view.apply(&updated(12, called));
        assert!(view.take_notices().is_empty());

        view.apply(&updated(13, ticket_called(&a7, 2, 30, 1)));
        assert!(matches!(
            view.take_notices()[..],
            [PatientNotice::Called { recalls: 1, .. }]
        ));

        let done = ticket(&finished(&a7, TicketStatus::Done, Some(2)));
        view.apply(&updated(14, done));
        assert!(view.is_finished());
        assert!(matches!(
            view.take_notices()[..],
            [PatientNotice::Finished {
                status: TicketStatus::Done,
                ..
            }]
        ));
    }

    #[test]
    fn a_call_made_while_the_phone_was_offline_is_told_after_reconnecting() {
        let a7 = waiting(UMUM, 7);
        let mut view = following(ticket(&a7));
        let called = ticket_called(&a7, 1, 30, 0);
        view.apply(&snapshot(
            25,
            Snapshot::Patient {
                ticket: called.clone(),
            },
        ));
        assert_eq!(view.take_notices().len(), 1);

        // Reconnecting again changes nothing and tells nothing.
        let again = snapshot(25, Snapshot::Patient { ticket: called });
        assert_eq!(view.apply(&again), Applied::Unchanged);
        assert!(view.take_notices().is_empty());
    }

    #[test]
    fn a_transfer_follows_the_visit_to_its_new_number() {
        let a7 = waiting(UMUM, 7);
        let mut view = following(ticket_called(&a7, 1, 30, 0));
        let mut b3 = ticket(&waiting(GIGI, 3));
        b3.transferred_from = Some(a7.id);
        view.apply(&updated(11, b3));

        assert!(view.is_waiting());
        assert_eq!(
            view.take_notices(),
            vec![PatientNotice::Transferred {
                from: "A-007".into(),
                to: "B-003".into()
            }]
        );
    }

    #[test]
    fn updates_resent_around_a_reconnect_tell_nothing_twice() {
        let a7 = waiting(UMUM, 7);
        let updates = [
            updated(11, ticket_called(&a7, 1, 30, 0)),
            updated(12, ticket_called(&a7, 1, 30, 1)),
            updated(13, ticket(&finished(&a7, TicketStatus::Skipped, Some(1)))),
        ];
        let mut view = following(ticket(&a7));
        for update in &updates {
            view.apply(update);
            for earlier in &updates {
                view.apply(earlier);
            }
        }
        let told: Vec<_> = view
            .take_notices()
            .into_iter()
            .map(|n| match n {
                PatientNotice::Called { recalls, .. } => format!("called {recalls}"),
                PatientNotice::Finished { status, .. } => status.as_str().to_string(),
                PatientNotice::Transferred { to, .. } => to,
                PatientNotice::Near { .. } => "near".to_string(),
            })
            .collect();
        assert_eq!(told, ["called 0", "called 1", "skipped"]);
    }

    fn ahead(ticket: &Ticket, people_ahead: u32) -> Ticket {
        Ticket {
            people_ahead: Some(people_ahead),
            ..ticket.clone()
        }
    }

    #[test]
    fn the_patient_hears_once_that_their_turn_is_near() {
        let a7 = ticket(&waiting(UMUM, 7));
        let mut view = following(ahead(&a7, 6)).with_near_threshold(Some(2));
        let mut seq = 10;
        for people in [5, 4, 3, 2, 1, 0] {
            seq += 1;
            view.apply(&updated(seq, ahead(&a7, people)));
        }
        assert_eq!(
            view.take_notices(),
            vec![PatientNotice::Near {
                number: "A-007".into(),
                people_ahead: 2
            }]
        );
        // A reconnect's snapshot, the same update again, or someone cancelling ahead of them
        // does not tell it twice.
        view.apply(&snapshot(
            seq,
            Snapshot::Patient {
                ticket: ahead(&a7, 0),
            },
        ));
        view.apply(&updated(seq + 1, ahead(&a7, 1)));
        view.apply(&updated(seq + 2, ahead(&a7, 0)));
        assert!(view.take_notices().is_empty());
        // Called: the call is news, not nearness.
        view.apply(&updated(
            seq + 3,
            ticket_called(&waiting(UMUM, 7), 1, 30, 0),
        ));
        assert!(matches!(
            view.take_notices()[..],
            [PatientNotice::Called { .. }]
        ));
    }

    #[test]
    fn opening_the_app_already_near_or_with_the_notice_off_tells_nothing() {
        let a7 = ticket(&waiting(UMUM, 7));
        let mut view = following(ahead(&a7, 1));
        view.apply(&updated(11, ahead(&a7, 0)));
        assert!(view.take_notices().is_empty(), "already near at opening");

        let mut off = following(ahead(&a7, 9)).with_near_threshold(None);
        off.apply(&updated(11, ahead(&a7, 0)));
        assert!(off.take_notices().is_empty());

        // A transfer starts a new queue: nearness there is news again.
        let mut view = following(ahead(&a7, 9));
        view.apply(&updated(11, ahead(&a7, 3)));
        let mut b3 = ahead(&ticket(&waiting(GIGI, 3)), 8);
        b3.transferred_from = Some(a7.id);
        view.apply(&updated(12, b3.clone()));
        view.apply(&updated(13, ahead(&b3, 2)));
        let kinds: Vec<_> = view
            .take_notices()
            .into_iter()
            .map(|n| match n {
                PatientNotice::Near { number, .. } => format!("near {number}"),
                PatientNotice::Transferred { to, .. } => format!("to {to}"),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(kinds, ["near A-007", "to B-003", "near B-003"]);
    }
}
