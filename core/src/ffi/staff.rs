//! The staff app's client: log in, pick a counter, call and serve patients, and watch the
//! counter's queue live.

use std::sync::{Arc, Mutex};

use uuid::Uuid;

use super::patient::{open_store, parse_id};
use super::{
    CounterInfo, CounterQueueInfo, GiliranError, NextStation, ServiceInfo, StaffUser, TicketInfo,
    Tracking, VisitInfo, run_stream, runtime,
};
use crate::client::{ApiClient, StreamOptions};
use crate::local_store::LocalStore;
use crate::view::{Applied, Reduce, StaffView};
use crate::wire::CompleteRequest;

/// What the app implements to watch a counter's queue. Called on a core thread.
#[uniffi::export(with_foreign)]
pub trait QueueObserver: Send + Sync {
    /// The queue as it stands now: called ticket, who waits in call order, today's counts.
    fn on_queue(&self, queue: CounterQueueInfo);
    /// Whether the live connection is up; while down, the app shows the queue as stale.
    fn on_connection(&self, online: bool);
}

#[derive(uniffi::Object)]
pub struct StaffClient {
    api: ApiClient,
    store: Arc<LocalStore>,
    user: Mutex<Option<StaffUser>>,
}

#[uniffi::export]
impl StaffClient {
    #[uniffi::constructor]
    pub fn new(server_url: String, data_dir: String) -> Result<Arc<StaffClient>, GiliranError> {
        Ok(Arc::new(StaffClient {
            api: ApiClient::new(&server_url)?,
            store: open_store(&data_dir)?,
            user: Mutex::new(None),
        }))
    }

    /// Logs in; the session lasts a shift (12 hours). Blocking.
    pub fn login(&self, username: String, password: String) -> Result<StaffUser, GiliranError> {
        let response = runtime().block_on(self.api.login(&username, &password))?;
        let user = StaffUser::from(&response.user);
        *self.user.lock().unwrap_or_else(|e| e.into_inner()) = Some(user.clone());
        Ok(user)
    }

    /// Every service, for choosing where to transfer a patient. Blocking.
    pub fn services(&self) -> Result<Vec<ServiceInfo>, GiliranError> {
        let services = runtime().block_on(self.api.services())?;
        Ok(services.into_iter().map(ServiceInfo::from).collect())
    }

    /// Ends the session on the server and here. Blocking.
    pub fn logout(&self) -> Result<(), GiliranError> {
        *self.user.lock().unwrap_or_else(|e| e.into_inner()) = None;
        runtime().block_on(self.api.logout())?;
        Ok(())
    }

    /// The counters this user may work at. Blocking.
    pub fn counters(&self) -> Result<Vec<CounterInfo>, GiliranError> {
        let counters = runtime().block_on(self.api.counters())?;
        Ok(counters.iter().map(CounterInfo::from).collect())
    }

    /// The counter worked at last on this device, to open there again.
    pub fn last_counter(&self) -> Result<Option<String>, GiliranError> {
        Ok(self.store.last_counter()?.map(|id| id.to_string()))
    }

    /// Completes the current patient and calls the next; `None` when nobody waits. Blocking.
    pub fn call_next(&self, counter: String) -> Result<Option<TicketInfo>, GiliranError> {
        let id = self.working_at(&counter)?;
        let ticket = runtime().block_on(self.api.call_next(id))?;
        Ok(ticket.as_ref().map(TicketInfo::from))
    }

    /// Announces the current ticket again. Blocking.
    pub fn recall(&self, counter: String) -> Result<TicketInfo, GiliranError> {
        let id = self.working_at(&counter)?;
        Ok((&runtime().block_on(self.api.recall(id))?).into())
    }

    /// The current patient is done; the visit goes on by its route. Blocking.
    pub fn complete(&self, counter: String) -> Result<TicketInfo, GiliranError> {
        self.complete_to(counter, NextStation::ByRoute)
    }

    /// The current patient is done, and their visit goes on as staff chose. Blocking.
    pub fn complete_to(
        &self,
        counter: String,
        next: NextStation,
    ) -> Result<TicketInfo, GiliranError> {
        let id = self.working_at(&counter)?;
        let request = match next {
            NextStation::ByRoute => CompleteRequest::default(),
            NextStation::SendTo { service_id } => CompleteRequest {
                next_service_id: Some(parse_id(&service_id, "service")?),
                end_visit: false,
            },
            NextStation::EndVisit => CompleteRequest {
                next_service_id: None,
                end_visit: true,
            },
        };
        Ok((&runtime().block_on(self.api.complete(id, &request))?).into())
    }

    /// Where a patient is: their visit by its booking code. Blocking.
    pub fn find_visit(&self, booking_code: String) -> Result<VisitInfo, GiliranError> {
        Ok((&runtime().block_on(self.api.visit(&booking_code, None))?).into())
    }

    /// The current patient did not come. Blocking.
    pub fn skip(&self, counter: String) -> Result<TicketInfo, GiliranError> {
        let id = self.working_at(&counter)?;
        Ok((&runtime().block_on(self.api.skip(id))?).into())
    }

    /// Sends the current patient on to another service; returns their new ticket. Blocking.
    pub fn transfer(
        &self,
        counter: String,
        service_id: String,
    ) -> Result<TicketInfo, GiliranError> {
        let id = self.working_at(&counter)?;
        let service = Uuid::parse_str(&service_id).map_err(|_| GiliranError::Config {
            detail: format!("service {service_id:?} is not an id"),
        })?;
        Ok((&runtime().block_on(self.api.transfer(id, service, None))?).into())
    }

    /// A break: the counter stops calling. Blocking.
    pub fn pause(&self, counter: String) -> Result<CounterInfo, GiliranError> {
        let id = self.working_at(&counter)?;
        Ok((&runtime().block_on(self.api.pause(id))?).into())
    }

    /// Back from the break. Blocking.
    pub fn resume(&self, counter: String) -> Result<CounterInfo, GiliranError> {
        let id = self.working_at(&counter)?;
        Ok((&runtime().block_on(self.api.resume(id))?).into())
    }

    /// The counter's queue now. Blocking.
    pub fn queue(&self, counter: String) -> Result<CounterQueueInfo, GiliranError> {
        let id = self.working_at(&counter)?;
        Ok((&runtime().block_on(self.api.counter_queue(id))?).into())
    }

    /// Watches the counter's queue live: the observer hears it at once and at every change.
    pub fn observe_queue(
        &self,
        counter: String,
        observer: Arc<dyn QueueObserver>,
    ) -> Result<Arc<Tracking>, GiliranError> {
        let id = self.working_at(&counter)?;
        let api = self.api.clone();
        let task = runtime().spawn(watch(api, id, observer));
        Ok(Arc::new(Tracking {
            task: task.abort_handle(),
        }))
    }
}

impl StaffClient {
    /// Remembers the counter this device works at, for the next start.
    fn working_at(&self, counter: &str) -> Result<Uuid, GiliranError> {
        let id = parse_id(counter, "counter")?;
        if self.store.last_counter()? != Some(id) {
            self.store.set_last_counter(Some(id))?;
        }
        Ok(id)
    }
}

/// Runs the staff stream into the observer, with the one counter's queue.
async fn watch(api: ApiClient, counter: Uuid, observer: Arc<dyn QueueObserver>) {
    let mut view = StaffView::new();
    run_stream(
        api.subscribe(StreamOptions::default()),
        |online| observer.on_connection(online),
        |message| {
            if view.apply(&message) == Applied::Changed
                && let Some(queue) = view.queue(counter)
            {
                observer.on_queue(queue.into());
            }
        },
    )
    .await;
}
