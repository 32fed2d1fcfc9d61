//! List updates inside the server (`ward serve --update-every`): a round of
//! [`ward_fetch::Updater`] on a timer, the snapshot rebuilt after a round that made a version
//! current, and per-source metrics for /metrics. A failed source, or a round that panics, is
//! logged and counted; the server goes on.

use crate::AppState;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use ward_fetch::{OutcomeKind, SourceReport, Updater};
use ward_model::ListVersion;
use ward_store::FetchState;

/// Updates on a timer.
#[derive(Debug, Clone)]
pub struct ListUpdates {
    /// Time between the starts of two rounds; the first round starts with the server.
    pub every: Duration,
    /// What a round does.
    pub updater: Arc<Updater>,
}

/// What /metrics says of one source.
#[derive(Debug, Clone, Default)]
struct SourceStatus {
    dataset: Option<String>,
    last_success: Option<f64>,
    last_error: Option<f64>,
    last_outcome: Option<OutcomeKind>,
    failures: u64,
}

/// The sources' statuses, by source name.
#[derive(Debug, Default)]
pub(crate) struct UpdateMetrics {
    sources: Mutex<BTreeMap<String, SourceStatus>>,
}

/// Seconds since the Unix epoch of an RFC 3339 time as the store writes it.
fn unix_seconds(text: &str) -> Option<f64> {
    chrono::DateTime::parse_from_rfc3339(text).ok().map(|t| t.timestamp_millis() as f64 / 1000.0)
}

fn now_seconds() -> f64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

impl UpdateMetrics {
    /// The statuses of `updates`' sources, as the store remembers them from earlier rounds.
    pub(crate) fn new(updates: Option<&ListUpdates>, remembered: &[FetchState]) -> UpdateMetrics {
        let mut sources = BTreeMap::new();
        for source in updates.map(|u| u.updater.sources()).unwrap_or_default() {
            let state = remembered.iter().find(|s| s.source == source.name);
            let status = SourceStatus {
                dataset: source.dataset.clone(),
                last_success: state.and_then(|s| s.last_success_at.as_deref()).and_then(unix_seconds),
                last_error: state.and_then(|s| s.last_error_at.as_deref()).and_then(unix_seconds),
                last_outcome: state.and_then(|s| OutcomeKind::of_line(&s.last_outcome)),
                failures: 0,
            };
            sources.insert(source.name.clone(), status);
        }
        UpdateMetrics { sources: Mutex::new(sources) }
    }

    /// Takes in a round's reports.
    fn record(&self, reports: &[SourceReport]) {
        let now = now_seconds();
        let mut sources = self.sources.lock().unwrap_or_else(|e| e.into_inner());
        for report in reports {
            let status = sources.entry(report.source.clone()).or_default();
            if let ward_fetch::Outcome::Updated { dataset, .. } = &report.outcome {
                // A source configured without its dataset says it once it has a version.
                status.dataset.get_or_insert_with(|| dataset.clone());
            }
            let kind = report.outcome.kind();
            match kind {
                OutcomeKind::Updated | OutcomeKind::Unchanged | OutcomeKind::History => {
                    status.last_success = Some(now);
                }
                OutcomeKind::Failed => {
                    status.last_error = Some(now);
                    status.failures += 1;
                }
                OutcomeKind::Skipped => {}
            }
            status.last_outcome = Some(kind);
        }
    }

    /// The Prometheus text of the sources; the age of each source's current version is taken
    /// from `versions` (the snapshot's).
    pub(crate) fn render(&self, versions: &[ListVersion]) -> String {
        let sources = self.sources.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        if sources.is_empty() {
            return out;
        }
        let mut family = |name: &str, kind: &str, help: &str, lines: Vec<String>| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for line in lines {
                let _ = writeln!(out, "{name}{line}");
            }
        };
        let per_source = |value: &dyn Fn(&SourceStatus) -> Option<String>| -> Vec<String> {
            sources
                .iter()
                .filter_map(|(name, status)| value(status).map(|v| format!("{{source=\"{name}\"}} {v}")))
                .collect()
        };
        family(
            "ward_list_update_last_success_timestamp_seconds",
            "gauge",
            "Unix time of the last update of a source that ended updated or unchanged.",
            per_source(&|s| s.last_success.map(|t| format!("{t:.3}"))),
        );
        family(
            "ward_list_update_last_error_timestamp_seconds",
            "gauge",
            "Unix time of the last update of a source that failed.",
            per_source(&|s| s.last_error.map(|t| format!("{t:.3}"))),
        );
        family(
            "ward_list_update_failures_total",
            "counter",
            "Failed updates of a source since the server started.",
            per_source(&|s| Some(s.failures.to_string())),
        );
        let outcomes = sources
            .iter()
            .filter_map(|(name, status)| status.last_outcome.map(|last| (name, last)))
            .flat_map(|(name, last)| {
                OutcomeKind::ALL.into_iter().map(move |kind| {
                    format!("{{source=\"{name}\",outcome=\"{}\"}} {}", kind.name(), u8::from(kind == last))
                })
            })
            .collect();
        family(
            "ward_list_update_last_outcome",
            "gauge",
            "The outcome of a source's last update: 1 for the outcome it had, 0 for the others.",
            outcomes,
        );
        let now = now_seconds();
        let ages = sources
            .iter()
            .filter_map(|(name, status)| {
                let dataset = status.dataset.as_deref()?;
                let version = versions.iter().find(|v| v.dataset == dataset)?;
                let age = (now - unix_seconds(&version.imported_at)?).max(0.0);
                Some(format!("{{source=\"{name}\",dataset=\"{dataset}\"}} {age:.3}"))
            })
            .collect();
        family(
            "ward_list_current_version_age_seconds",
            "gauge",
            "Seconds since the current version of a source's list was imported.",
            ages,
        );
        out
    }
}

/// Runs update rounds every `updates.every` until the task is aborted. Each round runs in its
/// own task, so that even a panic ends only that round.
pub(crate) async fn run(state: AppState, updates: ListUpdates) {
    let mut interval = tokio::time::interval(updates.every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let updater = Arc::clone(&updates.updater);
        let store = Arc::clone(state.store());
        let reports = match tokio::spawn(async move { updater.run(&store).await }).await {
            Ok(reports) => reports,
            Err(e) => {
                tracing::error!(error = %e, "A list update round stopped; the next one runs on time");
                continue;
            }
        };
        state.inner.updates.record(&reports);
        let failed = reports.iter().filter(|r| r.outcome.is_failure()).count();
        tracing::info!(sources = reports.len(), failed, "List update round done");
        if reports.iter().any(|r| r.outcome.kind() == OutcomeKind::Updated) {
            announce_and_rescreen(&state, &reports).await;
            if let Err(e) = state.reload().await {
                tracing::warn!(error = %e, "Rebuilding the snapshot after a list update failed; the store poller retries");
            }
        }
    }
}

/// Re-screens the monitored books when the round made a version current (its import wrote the
/// list change event), as an upload does.
async fn announce_and_rescreen(state: &AppState, reports: &[SourceReport]) {
    if reports.iter().any(|report| matches!(report.outcome, ward_fetch::Outcome::Updated { .. })) {
        state.rescreen_books();
    }
}

#[cfg(test)]
mod tests;
