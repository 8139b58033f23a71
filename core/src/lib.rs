//! Giliran's shared core: the wire types every client and the server speak, and the domain
//! rules of the queue (ticket statuses, numbering, business days, patient input, call order, visits).
//!
//! Everything here is pure: no I/O, no clock of its own. The server, the display and the
//! mobile apps call these functions so a rule lives in exactly one place.

pub mod announce;
pub mod antrean;
pub mod business_day;
pub mod call_order;
#[cfg(feature = "client")]
pub mod client;
pub mod events;
#[cfg(feature = "ffi")]
pub mod ffi;
#[cfg(feature = "store")]
pub mod local_store;
pub mod number;
pub mod opening_hours;
pub mod patient;
pub mod status;
pub mod view;
pub mod visit;
pub mod wire;

#[cfg(feature = "ffi")]
uniffi::setup_scaffolding!();

pub use business_day::BusinessCalendar;
pub use number::{NumberSearch, ServiceCode, format_ticket_number};
pub use status::{Action, TicketStatus, TransitionError};
