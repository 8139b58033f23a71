//! What the Android and iOS apps call, through UniFFI: a patient client and a staff client over
//! [`crate::client`], the views, the local store and the announcement text. The apps only
//! render what they are given and forward taps; every rule stays in this crate.
//!
//! Calls that touch the network block the calling thread: call them off the UI thread (Kotlin:
//! an executor or `Dispatchers.IO`; Swift: a background queue). Observers are called on a
//! thread of the core's own runtime; hop to the UI thread before touching views.

mod patient;
mod records;
mod staff;

use std::sync::OnceLock;

use tokio::runtime::Runtime;

pub use patient::{PatientClient, TicketObserver};
pub use records::*;
pub use staff::{QueueObserver, StaffClient};

use crate::announce::{Language, Template};
use crate::client::{ClientError, StreamUpdate, Subscription};
use crate::events::StreamMessage;
use crate::local_store::LocalStoreError;

/// Every failure the apps see. The text is `detail`, not `message`: Kotlin exceptions already
/// have a `message` property, and UniFFI would clash with it (uniffi-rs#1434).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum GiliranError {
    /// The server refused; branch on `code` (the contract's error code, such as
    /// `active_ticket_exists`), show `detail`, point forms at `field`.
    #[error("{detail}")]
    Api {
        code: String,
        detail: String,
        field: Option<String>,
    },
    /// The server cannot be reached: show "offline" and let the user retry.
    #[error("the server cannot be reached: {detail}")]
    Network { detail: String },
    /// The server answered something this app cannot read (a much newer or older server).
    #[error("unexpected answer from the server: {detail}")]
    Protocol { detail: String },
    /// A bad server address, or a ticket this device does not hold.
    #[error("{detail}")]
    Config { detail: String },
    /// The app's own storage failed.
    #[error("local storage: {detail}")]
    Storage { detail: String },
}

impl From<ClientError> for GiliranError {
    fn from(err: ClientError) -> GiliranError {
        match err {
            ClientError::Api {
                code,
                message,
                field,
                ..
            } => GiliranError::Api {
                code: serde_json::to_value(code)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| "unknown".into()),
                detail: message,
                field,
            },
            ClientError::Network(detail) => GiliranError::Network { detail },
            ClientError::Protocol(detail) => GiliranError::Protocol { detail },
            ClientError::Config(detail) => GiliranError::Config { detail },
        }
    }
}

impl From<LocalStoreError> for GiliranError {
    fn from(err: LocalStoreError) -> GiliranError {
        GiliranError::Storage {
            detail: err.to_string(),
        }
    }
}

/// The runtime every client shares: two workers are plenty for one phone.
fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("giliran-core")
            .enable_all()
            .build()
            .expect("the core's runtime starts (threads and timers are available on every platform we ship)")
    })
}

/// Feeds a subscription to an observer: connection state to `online`, messages to `message`,
/// until the server refuses for good (then the observer hears it is offline, for good).
async fn run_stream(
    subscription: Result<Subscription, ClientError>,
    online: impl Fn(bool),
    mut message: impl FnMut(StreamMessage),
) {
    let mut subscription = match subscription {
        Ok(subscription) => subscription,
        Err(err) => {
            tracing::warn!(error = %err, "cannot open the event stream");
            online(false);
            return;
        }
    };
    while let Some(update) = subscription.recv().await {
        match update {
            StreamUpdate::Connected => online(true),
            StreamUpdate::Disconnected { .. } => online(false),
            StreamUpdate::Ended(err) => {
                tracing::warn!(error = %err, "the server refused the event stream");
                online(false);
                return;
            }
            StreamUpdate::Message(received) => message(received),
        }
    }
}

/// A running observation (a tracked ticket, a watched queue). It stops when told, or when the
/// app drops it.
#[derive(uniffi::Object)]
pub struct Tracking {
    task: tokio::task::AbortHandle,
}

#[uniffi::export]
impl Tracking {
    /// Stops observing; the observer hears nothing more.
    pub fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for Tracking {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The server's base address from what the user typed in the settings or the camera read from
/// the entrance poster's QR code (`http://192.168.1.10:8080`, `antrean.rsud.example`, the patient
/// page's link): pass the result to `PatientClient` and `StaffClient`, and save it. A typed
/// address without `http(s)://` gets `http://` on a LAN and `https://` otherwise.
#[uniffi::export]
pub fn server_address_from_text(text: String) -> Result<String, GiliranError> {
    Ok(crate::client::server_address(&text)?.to_string())
}

/// The announcement of a call, as the display speaks it and the apps show it: `language` is
/// `id` or `en`; `template` is the hospital's (from its settings), or the language's default
/// when empty or unusable.
#[uniffi::export]
pub fn announcement_text(
    language: String,
    template: Option<String>,
    ticket_number: String,
    counter_name: String,
) -> Result<String, GiliranError> {
    let language = Language::parse(&language).unwrap_or_default();
    let template = template
        .filter(|t| !t.trim().is_empty())
        .and_then(|t| Template::parse(&t).ok())
        .unwrap_or_else(|| Template::default_for(language));
    template
        .render(language, &ticket_number, &counter_name)
        .map_err(|e| GiliranError::Config {
            detail: e.to_string(),
        })
}
