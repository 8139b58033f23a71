//! The load tool's engine, shared by `giliran-load` and the fault tests in `giliran-tests`: a simulated hospital
//! driving a real server over its API, the machine's own limit to compare with, and the
//! invariants every run must keep.

pub mod cpu;
pub mod hospital;
pub mod ledger;
pub mod limit;
pub mod metrics;
pub mod people;
pub mod pg;
pub mod scenarios;
pub mod server_process;
pub mod traffic;

pub use hospital::Hospital;
pub use ledger::{Checked, DisplayLog, Ledger, Truth};
pub use metrics::{Metrics, Op, ScenarioReport};
pub use traffic::{Plan, Traffic};
