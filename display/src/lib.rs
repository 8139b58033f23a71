//! Giliran's waiting-room display: what the room sees (the call board) and hears (a chime,
//! then each call spoken by a local TTS engine, one at a time, in call order).

pub mod announcer;
pub mod audio;
pub mod chime;
pub mod live;
pub mod script;
pub mod speech;
