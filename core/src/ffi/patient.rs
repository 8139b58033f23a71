//! The patient app's client: services, take a ticket, follow it, cancel it, and the history
//! kept on the phone.

use std::path::Path;
use std::sync::Arc;

use chrono::Utc;
use uuid::Uuid;

use super::{
    GiliranError, PatientNotice, ServiceInfo, TicketInfo, Tracking, VisitInfo, run_stream, runtime,
};
use crate::client::{ApiClient, StreamOptions};
use crate::local_store::LocalStore;
use crate::view::{Applied, PatientView, Reduce};
use crate::wire::{NewTicket, Ticket};

/// What the app implements to hear about its ticket. Called on a core thread.
#[uniffi::export(with_foreign)]
pub trait TicketObserver: Send + Sync {
    /// The ticket as it stands now (status, people ahead, wait, counter once called).
    fn on_ticket(&self, ticket: TicketInfo);
    /// Something to notify the patient of; each is told once.
    fn on_notice(&self, notice: PatientNotice);
    /// Whether the live connection to the server is up; while it is down the app shows the
    /// last known state as offline.
    fn on_connection(&self, online: bool);
}

#[derive(uniffi::Object)]
pub struct PatientClient {
    api: ApiClient,
    store: Arc<LocalStore>,
    near_threshold: Option<u32>,
}

pub(super) fn parse_id(id: &str, what: &str) -> Result<Uuid, GiliranError> {
    Uuid::parse_str(id).map_err(|_| GiliranError::Config {
        detail: format!("{what} {id:?} is not an id"),
    })
}

pub(super) fn open_store(data_dir: &str) -> Result<Arc<LocalStore>, GiliranError> {
    std::fs::create_dir_all(data_dir).map_err(|e| GiliranError::Storage {
        detail: format!("{data_dir}: {e}"),
    })?;
    Ok(Arc::new(LocalStore::open(
        &Path::new(data_dir).join("giliran.sqlite"),
    )?))
}

#[uniffi::export]
impl PatientClient {
    /// A client of the hospital server at `server_url`, keeping its tickets in `data_dir` (the
    /// app's private files directory).
    #[uniffi::constructor]
    pub fn new(server_url: String, data_dir: String) -> Result<Arc<PatientClient>, GiliranError> {
        Ok(Arc::new(PatientClient {
            api: ApiClient::new(&server_url)?,
            store: open_store(&data_dir)?,
            near_threshold: Some(crate::view::DEFAULT_NEAR_THRESHOLD),
        }))
    }

    /// Tells "your turn is near" when this many people or fewer are ahead (`None`: never).
    /// Applies to tracking started afterwards.
    pub fn set_near_threshold(self: Arc<Self>, people_ahead: Option<u32>) -> Arc<PatientClient> {
        Arc::new(PatientClient {
            api: self.api.clone(),
            store: Arc::clone(&self.store),
            near_threshold: people_ahead,
        })
    }

    /// The services patients can queue for, with how many wait. Blocking.
    pub fn services(&self) -> Result<Vec<ServiceInfo>, GiliranError> {
        let services = runtime().block_on(self.api.services())?;
        Ok(services.into_iter().map(ServiceInfo::from).collect())
    }

    /// Takes a ticket and keeps it (with its tracking token) on the phone. A patient (this
    /// phone, or the phone number given) who already holds one gets
    /// `Api { code: "active_ticket_exists" }`. Blocking.
    pub fn take_ticket(
        &self,
        service_id: String,
        name: Option<String>,
        phone: Option<String>,
    ) -> Result<TicketInfo, GiliranError> {
        let request = NewTicket {
            service_id: parse_id(&service_id, "service")?,
            name: name.filter(|n| !n.trim().is_empty()),
            phone: phone.filter(|p| !p.trim().is_empty()),
            device_id: Some(self.store.device_id()?),
            ..NewTicket::default()
        };
        let issued = runtime().block_on(self.api.take_ticket(&request))?;
        self.store.save_ticket(
            self.api.base_url().as_str(),
            &issued.tracking_token,
            &issued.ticket,
            Utc::now(),
        )?;
        Ok((&issued.ticket).into())
    }

    /// The ticket to show on opening, from the phone alone (works offline): the newest one
    /// still waiting or called.
    pub fn active_ticket(&self) -> Result<Option<TicketInfo>, GiliranError> {
        Ok(self.store.active_ticket()?.map(|t| (&t.ticket).into()))
    }

    /// Every ticket taken on this phone, newest first, as last known.
    pub fn history(&self) -> Result<Vec<TicketInfo>, GiliranError> {
        Ok(self
            .store
            .tickets()?
            .iter()
            .map(|t| (&t.ticket).into())
            .collect())
    }

    /// Follows a ticket taken on this phone: the observer hears its state at once and at every
    /// change, reconnecting by itself whenever the network comes back.
    pub fn track(
        &self,
        ticket_id: String,
        observer: Arc<dyn TicketObserver>,
    ) -> Result<Arc<Tracking>, GiliranError> {
        let id = parse_id(&ticket_id, "ticket")?;
        let token = self.tracking_token(id)?;
        let api = self.api.clone();
        let store = Arc::clone(&self.store);
        let view = PatientView::new().with_near_threshold(self.near_threshold);
        let task = runtime().spawn(follow(api, store, id, token, view, observer));
        Ok(Arc::new(Tracking {
            task: task.abort_handle(),
        }))
    }

    /// The whole visit of a ticket taken on this phone: every station so far, the ones ahead,
    /// and one wait estimate. Blocking.
    pub fn visit(&self, ticket_id: String) -> Result<VisitInfo, GiliranError> {
        let id = parse_id(&ticket_id, "ticket")?;
        let token = self.tracking_token(id)?;
        let ticket = runtime().block_on(self.api.ticket(id, &token))?;
        let visit = runtime().block_on(self.api.visit(&ticket.booking_code, Some(&token)))?;
        Ok((&visit).into())
    }

    /// Withdraws a waiting ticket. Blocking.
    pub fn cancel(&self, ticket_id: String) -> Result<TicketInfo, GiliranError> {
        let id = parse_id(&ticket_id, "ticket")?;
        let token = self.tracking_token(id)?;
        let ticket = runtime().block_on(self.api.cancel_ticket(id, &token))?;
        self.store.update_ticket(&ticket, Utc::now())?;
        Ok((&ticket).into())
    }
}

impl PatientClient {
    fn tracking_token(&self, id: Uuid) -> Result<String, GiliranError> {
        self.store
            .tracking_token(id)?
            .ok_or_else(|| GiliranError::Config {
                detail: "this phone did not take that ticket".into(),
            })
    }
}

/// Runs a ticket's stream into the observer until stopped or the server refuses for good.
async fn follow(
    api: ApiClient,
    store: Arc<LocalStore>,
    id: Uuid,
    token: String,
    mut view: PatientView,
    observer: Arc<dyn TicketObserver>,
) {
    let subscription = api.follow_ticket(id, &token, StreamOptions::default());
    run_stream(
        subscription,
        |online| observer.on_connection(online),
        |message| {
            if view.apply(&message) != Applied::Changed {
                return;
            }
            if let Some(ticket) = view.ticket.clone() {
                remember(&store, &ticket);
                observer.on_ticket((&ticket).into());
            }
            for notice in view.take_notices() {
                observer.on_notice(notice.into());
            }
        },
    )
    .await;
}

/// Keeps the latest state on the phone; a full disk only costs the offline view.
fn remember(store: &LocalStore, ticket: &Ticket) {
    if let Err(err) = store.update_ticket(ticket, Utc::now()) {
        tracing::warn!(error = %err, "cannot keep the ticket's state on the phone");
    }
}
