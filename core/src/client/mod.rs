//! The Rust client of Giliran's API: REST calls and the event stream with reconnect and resume.
//!
//! [`ApiClient`] speaks the routes of DESIGN §3 that patients and staff use; its
//! [`ApiClient::subscribe`] and [`ApiClient::follow_ticket`] open the event stream of DESIGN §4
//! as a [`Subscription`] that owns reconnection, backoff and resume. Everything fails with one
//! [`ClientError`]. The UniFFI layer for the apps wraps these; nothing here knows of FFI.

mod address;
mod api;
pub mod backoff;
mod error;
pub mod stream;

pub use address::server_address;
pub use api::ApiClient;
pub use backoff::Backoff;
pub use error::ClientError;
pub use stream::{StreamOptions, StreamUpdate, Subscription};
