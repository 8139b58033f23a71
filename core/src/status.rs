//! The ticket status machine of DESIGN §2: which action moves a ticket from which status to which.

use serde::{Deserialize, Serialize};

/// Where a ticket stands in its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// In the queue, not yet called.
    Waiting,
    /// Called to a counter and not finished yet.
    Called,
    /// Served.
    Done,
    /// Called but did not come (no-show); staff may requeue it.
    Skipped,
    /// Withdrawn by the patient or staff before being called.
    Cancelled,
    /// Moved into another service's queue; the new ticket carries on the visit.
    Transferred,
    /// Still open when its business day ended.
    Expired,
}

/// Something staff, the patient or the day's end does to a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Call,
    Recall,
    Complete,
    Skip,
    Requeue,
    Cancel,
    Transfer,
    Expire,
}

/// An action the ticket's status does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {from} ticket cannot be {action}")]
pub struct TransitionError {
    pub from: TicketStatus,
    pub action: Action,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 7] = [
        TicketStatus::Waiting,
        TicketStatus::Called,
        TicketStatus::Done,
        TicketStatus::Skipped,
        TicketStatus::Cancelled,
        TicketStatus::Transferred,
        TicketStatus::Expired,
    ];

    /// The status after `action`, or why the action is refused.
    pub fn apply(self, action: Action) -> Result<TicketStatus, TransitionError> {
        use Action as A;
        use TicketStatus as S;
        let next = match (self, action) {
            (S::Waiting, A::Call) => S::Called,
            (S::Called, A::Recall) => S::Called,
            (S::Called, A::Complete) => S::Done,
            (S::Called, A::Skip) => S::Skipped,
            (S::Skipped, A::Requeue) => S::Waiting,
            (S::Waiting, A::Cancel) => S::Cancelled,
            (S::Waiting | S::Called, A::Transfer) => S::Transferred,
            (S::Waiting | S::Called | S::Skipped, A::Expire) => S::Expired,
            (from, action) => return Err(TransitionError { from, action }),
        };
        Ok(next)
    }

    /// The status as of `today`: an open ticket of an earlier business day has expired, even
    /// before the end-of-day sweep has written that down.
    pub fn as_of(self, ticket_day: chrono::NaiveDate, today: chrono::NaiveDate) -> TicketStatus {
        if ticket_day < today && self.is_open() {
            TicketStatus::Expired
        } else {
            self
        }
    }

    /// Active tickets hold the patient's one place in a queue.
    pub fn is_active(self) -> bool {
        matches!(self, TicketStatus::Waiting | TicketStatus::Called)
    }

    /// Open tickets are the ones the end of the business day expires.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            TicketStatus::Waiting | TicketStatus::Called | TicketStatus::Skipped
        )
    }

    /// The lower-case name used on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Waiting => "waiting",
            TicketStatus::Called => "called",
            TicketStatus::Done => "done",
            TicketStatus::Skipped => "skipped",
            TicketStatus::Cancelled => "cancelled",
            TicketStatus::Transferred => "transferred",
            TicketStatus::Expired => "expired",
        }
    }

    /// Parses the database and wire name.
    pub fn parse(name: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl TryFrom<String> for TicketStatus {
    type Error = crate::wire::UnknownName;
    fn try_from(name: String) -> Result<Self, Self::Error> {
        TicketStatus::parse(&name).ok_or(crate::wire::UnknownName(name))
    }
}

impl std::fmt::Display for TicketStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Action {
    pub const ALL: [Action; 8] = [
        Action::Call,
        Action::Recall,
        Action::Complete,
        Action::Skip,
        Action::Requeue,
        Action::Cancel,
        Action::Transfer,
        Action::Expire,
    ];

    fn past_tense(self) -> &'static str {
        match self {
            Action::Call => "called",
            Action::Recall => "recalled",
            Action::Complete => "completed",
            Action::Skip => "skipped",
            Action::Requeue => "requeued",
            Action::Cancel => "cancelled",
            Action::Transfer => "transferred",
            Action::Expire => "expired",
        }
    }
}

impl Action {
    /// The snake_case name, as in logs and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Call => "call",
            Action::Recall => "recall",
            Action::Complete => "complete",
            Action::Skip => "skip",
            Action::Requeue => "requeue",
            Action::Cancel => "cancel",
            Action::Transfer => "transfer",
            Action::Expire => "expire",
        }
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.past_tense())
    }
}

#[cfg(test)]
mod tests {
    use super::{Action as A, TicketStatus as S, *};

    /// The whole table of DESIGN §2, written out once more by hand so the match above is checked
    /// against the design rather than against itself.
    const ALLOWED: [(S, A, S); 11] = [
        (S::Waiting, A::Call, S::Called),
        (S::Called, A::Recall, S::Called),
        (S::Called, A::Complete, S::Done),
        (S::Called, A::Skip, S::Skipped),
        (S::Skipped, A::Requeue, S::Waiting),
        (S::Waiting, A::Cancel, S::Cancelled),
        (S::Waiting, A::Transfer, S::Transferred),
        (S::Called, A::Transfer, S::Transferred),
        (S::Waiting, A::Expire, S::Expired),
        (S::Called, A::Expire, S::Expired),
        (S::Skipped, A::Expire, S::Expired),
    ];

    #[test]
    fn every_status_and_action_pair_is_allowed_exactly_as_designed() {
        for from in S::ALL {
            for action in A::ALL {
                let expected = ALLOWED
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, to)| *to);
                match (from.apply(action), expected) {
                    (Ok(got), Some(want)) => assert_eq!(got, want, "{from} + {action:?}"),
                    (Err(err), None) => {
                        assert_eq!(err, TransitionError { from, action });
                    }
                    (got, want) => panic!("{from} + {action:?}: got {got:?}, designed {want:?}"),
                }
            }
        }
    }

    #[test]
    fn finished_tickets_accept_no_action() {
        for from in [S::Done, S::Cancelled, S::Transferred, S::Expired] {
            for action in A::ALL {
                assert!(from.apply(action).is_err(), "{from} accepted {action:?}");
            }
        }
    }

    #[test]
    fn only_waiting_and_called_are_active_and_skipped_is_open_too() {
        let active: Vec<S> = S::ALL.into_iter().filter(|s| s.is_active()).collect();
        assert_eq!(active, [S::Waiting, S::Called]);
        let open: Vec<S> = S::ALL.into_iter().filter(|s| s.is_open()).collect();
        assert_eq!(open, [S::Waiting, S::Called, S::Skipped]);
        // The day's end expires exactly the open tickets.
        for s in S::ALL {
            assert_eq!(s.apply(A::Expire).is_ok(), s.is_open(), "{s}");
        }
    }

    #[test]
    fn open_tickets_of_past_days_read_as_expired() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        for s in S::ALL {
            assert_eq!(s.as_of(day(22), day(22)), s);
            let later = s.as_of(day(21), day(22));
            assert_eq!(later, if s.is_open() { S::Expired } else { s }, "{s}");
        }
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert_eq!(S::parse("WAITING"), None);
    }

    #[test]
    fn refusal_reads_as_a_sentence() {
        let err = S::Done.apply(A::Skip).unwrap_err();
        assert_eq!(err.to_string(), "a done ticket cannot be skipped");
    }
}
