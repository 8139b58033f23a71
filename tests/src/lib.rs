//! Test harness shared by Giliran's end-to-end, load and fault tests.

pub mod pg;
