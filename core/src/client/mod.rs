//! The Rust client of Giliran's API: REST calls and the event stream with reconnect and resume.
