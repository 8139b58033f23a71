//! View state of each screen, built from the event stream by a pure reducer.
//!
//! Each view takes the stream's messages one by one through [`Reduce::apply`] and holds exactly
//! what its screen shows. Nothing here does I/O or reads a clock, so every rule of DESIGN §4
//! ("never miss a call, never announce one twice") is tested without a network or a device.
//!
//! How repeats are told apart: the server numbers events with a strictly increasing `seq`, so a
//! view drops every event at or below the `seq` it has applied (events resent around a
//! reconnect). A snapshot may also already contain an event that follows it (it is read after
//! its `seq`); each view therefore also recognises a change it already shows and leaves it be.

mod display;
#[cfg(test)]
pub(crate) mod fixtures;
mod patient;
mod staff;

pub use display::{DisplayCounter, DisplayView, RECENT_CALLS};
pub use patient::{DEFAULT_NEAR_THRESHOLD, PatientNotice, PatientView};
pub use staff::{CurrentTicket, StaffQueue, StaffView};

use crate::events::StreamMessage;

/// A view built from the event stream.
pub trait Reduce {
    /// Takes one message from the stream: a snapshot replaces what the view knows, an event
    /// newer than the view's `seq` changes it, anything else is ignored.
    fn apply(&mut self, message: &StreamMessage) -> Applied;

    /// The `seq` of the last message taken: reconnect with `?since=` it.
    fn seq(&self) -> u64;
}

/// What one message did to a view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The view changed: render it again.
    Changed,
    /// Taken (its `seq` is now the view's) but nothing shown changed: an event for other
    /// screens, or one a snapshot already contained.
    Unchanged,
    /// Dropped: an event at or below the view's `seq` (a repeat), or a snapshot of another
    /// scope (a patient's ticket given to the display).
    Ignored,
}

impl Applied {
    fn from_change(changed: bool) -> Applied {
        if changed {
            Applied::Changed
        } else {
            Applied::Unchanged
        }
    }

    /// Whether the screen must be drawn again.
    pub fn changed(self) -> bool {
        self == Applied::Changed
    }
}

/// Moves a view's `seq` to an event's, unless the event is not newer: then it is a repeat.
fn advance(seq: &mut u64, event_seq: u64) -> bool {
    if event_seq <= *seq {
        return false;
    }
    *seq = event_seq;
    true
}
