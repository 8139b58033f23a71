//! Who sees what on the stream, and where a reconnecting client resumes.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use giliran_core::events::{Event, Snapshot};
use uuid::Uuid;

use crate::error::StoreError;
use crate::store::Store;

/// What a connection may see, decided by its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Waiting-room screens: public calls only.
    Display,
    /// Staff: their counters and the services those counters call from.
    Staff {
        counters: HashSet<Uuid>,
        services: HashSet<Uuid>,
    },
    Admin,
    /// A patient following their ticket (and the ticket a transfer continues it with), in the
    /// queue of `service_id`.
    Patient {
        ticket_id: Uuid,
        service_id: Uuid,
    },
}

impl Scope {
    /// Whether a logged event goes to this scope as it is. Patients get their ticket instead,
    /// when [`Scope::moves_patient`].
    pub fn sees(&self, event: &Event) -> bool {
        match self {
            Scope::Display => event.is_public(),
            Scope::Admin => true,
            Scope::Staff { counters, services } => {
                matches!(event, Event::DayStarted { .. })
                    || event.counter_id().is_some_and(|c| counters.contains(&c))
                    || event.service_id().is_some_and(|s| services.contains(&s))
            }
            Scope::Patient { .. } => false,
        }
    }

    /// Whether an event may change what a patient sees: anything in their ticket's queue, and
    /// the day's turn.
    pub fn moves_patient(&self, event: &Event) -> bool {
        match self {
            Scope::Patient { service_id, .. } => {
                event.service_id() == Some(*service_id) || matches!(event, Event::DayStarted { .. })
            }
            _ => false,
        }
    }

    /// The scope's view of everything as it is now.
    pub async fn snapshot(
        &self,
        store: &Store,
        now: DateTime<Utc>,
    ) -> Result<Snapshot, StoreError> {
        Ok(match self {
            Scope::Display => Snapshot::Display {
                board: store.board(now).await?,
            },
            Scope::Staff { counters, .. } => {
                let mut queues = Vec::with_capacity(counters.len());
                for counter in store.counters().await? {
                    if counters.contains(&counter.id) {
                        queues.push(store.counter_queue(counter.id, now).await?);
                    }
                }
                Snapshot::Staff {
                    board: store.board(now).await?,
                    queues,
                }
            }
            Scope::Admin => {
                let mut queues = Vec::new();
                for counter in store.counters().await? {
                    queues.push(store.counter_queue(counter.id, now).await?);
                }
                Snapshot::Admin {
                    board: store.board(now).await?,
                    services: store.services(now).await?,
                    queues,
                }
            }
            Scope::Patient { ticket_id, .. } => Snapshot::Patient {
                ticket: store.followed_ticket(*ticket_id, now).await?,
            },
        })
    }
}

/// Where a (re)connecting client starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// Send the events after this `seq`.
    After(u64),
    /// Too old, unknown or absent: send a snapshot.
    Snapshot,
}

/// Resume from `since` when every event after it is still kept; otherwise a snapshot.
pub fn resume_point(since: Option<u64>, oldest_kept: Option<u64>, latest: u64) -> Resume {
    match since {
        None => Resume::Snapshot,
        // From another database, or a server whose log was reset: start over.
        Some(since) if since > latest => Resume::Snapshot,
        Some(since) if since == latest => Resume::After(since),
        Some(since) => match oldest_kept {
            Some(oldest) if since + 1 >= oldest => Resume::After(since),
            _ => Resume::Snapshot,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_only_when_nothing_after_since_was_forgotten() {
        assert_eq!(resume_point(None, Some(1), 10), Resume::Snapshot);
        assert_eq!(resume_point(Some(10), Some(1), 10), Resume::After(10));
        assert_eq!(resume_point(Some(4), Some(5), 10), Resume::After(4));
        assert_eq!(
            resume_point(Some(3), Some(5), 10),
            Resume::Snapshot,
            "seq 4 is gone"
        );
        assert_eq!(
            resume_point(Some(11), Some(1), 10),
            Resume::Snapshot,
            "a seq from elsewhere"
        );
        assert_eq!(resume_point(Some(0), None, 0), Resume::After(0));
        assert_eq!(
            resume_point(Some(2), None, 10),
            Resume::Snapshot,
            "everything pruned"
        );
    }
}
