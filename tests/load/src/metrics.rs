//! Latency histograms (HDR) and error counts per operation, and the report they make: a
//! Markdown table for people and JSON for scripts.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

/// What a simulated client does, timed from request to answer (or, for `Delivery`, from the
/// call-next request to the display receiving that call).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Issue,
    Track,
    Cancel,
    CallNext,
    /// Call-next that found nobody waiting.
    CallNextEmpty,
    Recall,
    Complete,
    Skip,
    Delivery,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::Issue => "issue ticket",
            Op::Track => "track ticket",
            Op::Cancel => "cancel ticket",
            Op::CallNext => "call next",
            Op::CallNextEmpty => "call next, nobody waiting",
            Op::Recall => "recall",
            Op::Complete => "complete",
            Op::Skip => "skip",
            Op::Delivery => "call → display",
        }
    }
}

struct OpStats {
    latency: Histogram<u64>,
    /// Failed attempts by kind, such as `503 unavailable` or `network`.
    errors: BTreeMap<String, u64>,
}

/// Shared by every simulated client of a run.
#[derive(Default)]
pub struct Metrics {
    ops: Mutex<BTreeMap<Op, OpStats>>,
}

/// Microseconds up to 10 minutes, three significant digits.
fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).unwrap_or_else(|_| {
        // The bounds are constants that hdrhistogram accepts; this cannot happen.
        Histogram::new(3).unwrap_or_else(|e| panic!("hdrhistogram: {e}"))
    })
}

impl Metrics {
    pub fn record(&self, op: Op, took: Duration) {
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.with(op, |stats| stats.latency.saturating_record(micros.max(1)));
    }

    pub fn error(&self, op: Op, kind: impl Into<String>) {
        let kind = kind.into();
        self.with(op, |stats| *stats.errors.entry(kind).or_default() += 1);
    }

    fn with(&self, op: Op, f: impl FnOnce(&mut OpStats)) {
        let mut ops = self.ops.lock().unwrap_or_else(|e| e.into_inner());
        let stats = ops.entry(op).or_insert_with(|| OpStats {
            latency: new_histogram(),
            errors: BTreeMap::new(),
        });
        f(stats);
    }

    /// Successful operations of `op` so far.
    pub fn count(&self, op: Op) -> u64 {
        let ops = self.ops.lock().unwrap_or_else(|e| e.into_inner());
        ops.get(&op).map_or(0, |s| s.latency.len())
    }

    /// The figures of every operation seen, over `elapsed`; throughput is also given as a share
    /// of `limit` (inserts a second) for the operations that write.
    pub fn summary(&self, elapsed: Duration, limit: Option<f64>) -> Vec<OpSummary> {
        let ops = self.ops.lock().unwrap_or_else(|e| e.into_inner());
        let seconds = elapsed.as_secs_f64().max(1e-9);
        ops.iter()
            .map(|(&op, stats)| {
                let h = &stats.latency;
                let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
                let per_second = h.len() as f64 / seconds;
                let writes = !matches!(op, Op::Track | Op::Delivery);
                OpSummary {
                    op,
                    name: op.name(),
                    count: h.len(),
                    errors: stats.errors.clone(),
                    per_second,
                    of_limit: limit.filter(|_| writes).map(|l| per_second / l),
                    p50_ms: ms(0.50),
                    p90_ms: ms(0.90),
                    p99_ms: ms(0.99),
                    max_ms: h.max() as f64 / 1000.0,
                }
            })
            .collect()
    }
}

/// One operation's figures.
#[derive(Debug, Clone, Serialize)]
pub struct OpSummary {
    pub op: Op,
    pub name: &'static str,
    pub count: u64,
    pub errors: BTreeMap<String, u64>,
    pub per_second: f64,
    /// `per_second` divided by the machine's raw insert rate.
    pub of_limit: Option<f64>,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// What one scenario measured.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioReport {
    pub scenario: String,
    pub backend: String,
    pub seconds: f64,
    /// The machine's raw single-row insert transactions a second on this database.
    pub insert_limit: Option<f64>,
    pub ops: Vec<OpSummary>,
    /// Anything else measured, such as the server's memory: (what, value).
    pub notes: Vec<(String, String)>,
}

impl ScenarioReport {
    /// A heading and a Markdown table.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "\n### {} on {} ({:.1} s)\n",
            self.scenario, self.backend, self.seconds
        );
        if let Some(limit) = self.insert_limit {
            let _ = writeln!(
                out,
                "raw insert limit of this database, measured in this run: {limit:.0}/s\n"
            );
        }
        out.push_str(
            "| operation | count | per second | of limit | p50 ms | p90 ms | p99 ms | max ms | errors |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---|\n",
        );
        for op in &self.ops {
            let of_limit = op
                .of_limit
                .map_or("".to_owned(), |r| format!("{:.0}%", r * 100.0));
            let errors = if op.errors.is_empty() {
                "0".to_owned()
            } else {
                op.errors
                    .iter()
                    .map(|(kind, n)| format!("{n} {kind}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = writeln!(
                out,
                "| {} | {} | {:.0} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {} |",
                op.name,
                op.count,
                op.per_second,
                of_limit,
                op.p50_ms,
                op.p90_ms,
                op.p99_ms,
                op.max_ms,
                errors
            );
        }
        for (what, value) in &self.notes {
            let _ = writeln!(out, "\n- {what}: {value}");
        }
        out
    }

    pub fn op(&self, op: Op) -> Option<&OpSummary> {
        self.ops.iter().find(|o| o.op == op)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reports_rates_percentiles_and_share_of_the_limit() {
        let metrics = Metrics::default();
        for ms in 1..=100 {
            metrics.record(Op::Issue, Duration::from_millis(ms));
        }
        metrics.record(Op::Track, Duration::from_millis(5));
        metrics.error(Op::Issue, "503 unavailable");
        let summary = metrics.summary(Duration::from_secs(2), Some(100.0));
        let issue = &summary[0];
        assert_eq!((issue.op, issue.count), (Op::Issue, 100));
        assert!((issue.per_second - 50.0).abs() < 1e-9);
        assert_eq!(issue.of_limit, Some(0.5));
        assert!((issue.p50_ms - 50.0).abs() < 0.1, "{}", issue.p50_ms);
        assert!((issue.p99_ms - 99.0).abs() < 0.1, "{}", issue.p99_ms);
        assert_eq!(issue.errors.get("503 unavailable"), Some(&1));
        // Reads are not compared with the insert limit.
        assert_eq!(summary[1].of_limit, None);
    }
}
