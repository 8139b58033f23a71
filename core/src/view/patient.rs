//! A patient following their ticket: the ticket as it stands, and what to notify them of.

use std::collections::VecDeque;

use serde::Serialize;

use super::{Applied, Reduce, advance};
use crate::events::{Event, Snapshot, StreamMessage};
use crate::status::TicketStatus;
use crate::wire::{CounterRef, Ticket};

/// The ticket a patient follows, built from a patient stream.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PatientView {
    seq: u64,
    /// `None` before the first snapshot. After a transfer, the ticket that continues the visit.
    pub ticket: Option<Ticket>,
    /// Changes to notify the patient of, not yet handed to the app.
    notices: VecDeque<PatientNotice>,
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
        if let Some(notice) = self
            .ticket
            .as_ref()
            .and_then(|before| notice(before, ticket))
        {
            self.notices.push_back(notice);
        }
        self.ticket = Some(ticket.clone());
        true
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
            })
            .collect();
        assert_eq!(told, ["called 0", "called 1", "skipped"]);
    }
}
