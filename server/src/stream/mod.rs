//! The real-time stream of DESIGN §4: a pump that reads the event log as it grows and fans each
//! event out to this server's subscribers, and the rules of what each scope sees.

mod hub;
mod scope;

pub use hub::{Broadcast, DEFAULT_BUFFER, Hub, pump};
pub use scope::{Resume, Scope, resume_point};
