//! Giliran server.
