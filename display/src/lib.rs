//! Giliran's waiting-room display: what the room sees (the call board) and hears (a chime,
//! then each call spoken by a local TTS engine, one at a time, in call order).

pub mod announcer;
pub mod app;
pub mod audio;
pub mod board;
pub mod chime;
pub mod clock;
pub mod config;
pub mod headless;
pub mod live;
pub mod sample;
pub mod script;
pub mod selftest;
pub mod sound_card;
pub mod speech;
pub mod ui;

/// For code that drives the board itself (the picture tests).
pub use slint;
