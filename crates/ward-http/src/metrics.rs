//! Prometheus metrics, kept by hand: a few counters, gauges and one latency histogram per route
//! do not justify a metrics framework.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The server's counters.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    /// Queries screened (each query of a batch counts).
    pub queries: AtomicU64,
    /// Queries whose answer held a match.
    pub matches: AtomicU64,
    /// Audit records submitted and not yet durably written.
    pub audit_pending: AtomicI64,
    /// Audit records that could not be written.
    pub audit_failures: AtomicU64,
    /// Snapshots built since start.
    pub rebuilds: AtomicU64,
}

impl Metrics {
    /// Counts one answered request.
    pub fn observe(&self, route: &str, status: u16, seconds: f64) {
        *self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((route.to_string(), status))
            .or_default() += 1;
        let mut latency = self.latency.lock().unwrap_or_else(|e| e.into_inner());
        let h = latency.entry(route.to_string()).or_default();
        for (count, bound) in h.counts.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *count += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// The Prometheus text exposition; `snapshot` is (version ids, subjects, age in seconds).
    pub fn render(&self, versions: &[i64], subjects: usize, age: f64) -> String {
        let mut out = String::new();
        out.push_str("# HELP ward_http_requests_total HTTP requests answered, by route and status.\n");
        out.push_str("# TYPE ward_http_requests_total counter\n");
        for ((route, status), n) in self.requests.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            let _ = writeln!(out, "ward_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}");
        }
        out.push_str("# HELP ward_http_request_duration_seconds Time to answer a request, by route.\n");
        out.push_str("# TYPE ward_http_request_duration_seconds histogram\n");
        for (route, h) in self.latency.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            for (count, bound) in h.counts.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "ward_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "ward_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(out, "ward_http_request_duration_seconds_sum{{route=\"{route}\"}} {}", h.sum);
            let _ =
                writeln!(out, "ward_http_request_duration_seconds_count{{route=\"{route}\"}} {}", h.count);
        }
        let mut metric = |name: &str, kind: &str, help: &str, value: String| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}");
        };
        metric(
            "ward_queries_screened_total",
            "counter",
            "Queries screened (each query of a batch counts).",
            self.queries.load(Ordering::Relaxed).to_string(),
        );
        metric(
            "ward_query_matches_total",
            "counter",
            "Queries answered with at least one match.",
            self.matches.load(Ordering::Relaxed).to_string(),
        );
        metric(
            "ward_snapshot_age_seconds",
            "gauge",
            "Seconds since the screening snapshot was built.",
            format!("{age:.3}"),
        );
        metric(
            "ward_snapshot_version",
            "gauge",
            "Newest list version id in the snapshot.",
            versions.iter().max().copied().unwrap_or(0).to_string(),
        );
        metric("ward_snapshot_lists", "gauge", "List versions in the snapshot.", versions.len().to_string());
        metric("ward_snapshot_subjects", "gauge", "Subjects in the snapshot.", subjects.to_string());
        metric(
            "ward_snapshot_rebuilds_total",
            "counter",
            "Snapshots built since start.",
            self.rebuilds.load(Ordering::Relaxed).to_string(),
        );
        metric(
            "ward_audit_queue",
            "gauge",
            "Audit records waiting to be written.",
            self.audit_pending.load(Ordering::Relaxed).max(0).to_string(),
        );
        metric(
            "ward_audit_failures_total",
            "counter",
            "Audit records that could not be written (their requests failed).",
            self.audit_failures.load(Ordering::Relaxed).to_string(),
        );
        out
    }
}

/// The audit writer's transactions: requests answered per commit is what group commit saves.
pub fn render_audit_commits(stats: ward_store::AuditStats) -> String {
    format!(
        "# HELP ward_audit_commits_total Audit transactions committed (each holds the records and held \
         payments of every request queued meanwhile).\n# TYPE ward_audit_commits_total counter\n\
         ward_audit_commits_total {}\n\
         # HELP ward_audit_failed_commits_total Audit transactions that failed (every request in them \
         failed).\n# TYPE ward_audit_failed_commits_total counter\nward_audit_failed_commits_total {}\n",
        stats.commits, stats.failed_commits
    )
}
