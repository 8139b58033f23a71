//! Giliran's server: the REST API of DESIGN §3 over SQLite or PostgreSQL.

pub mod api;
pub mod bpjs;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod export;
pub mod limits;
pub mod net;
pub mod server;
pub mod store;
pub mod stream;
pub mod tokens;
pub mod web;
pub mod words;
