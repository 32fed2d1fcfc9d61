//! `ward bench monitor FROM TO`: a book of `--queries` synthetic customers (pairs of real name
//! words of the lists, seeded) is imported and screened with FROM current; then TO becomes
//! current and the book is brought up to date by the delta re-screen. The baseline, measured in
//! the same run on the same book, is a full re-screen against TO, which must change nothing.

use crate::bench_match::Rng;
use anyhow::Context;
use std::path::Path;
use std::time::{Duration, Instant};
use ward_monitor::{Lists, Monitor, MonitorConfig};
use ward_store::{Customer, Store};

/// Customers imported and screened per second per core that the issue asks for.
const TARGET_CUSTOMERS_PER_SECOND: f64 = 5000.0;

/// The seed of the customer names.
const RANDOM_SEED: u64 = 12;

/// The book's name.
const BOOK: &str = "bench";

/// Imports every list of `path` into `store`; the list's shrink guard is off (the benchmark
/// compares two published versions).
fn import(store: &Store, path: &Path) -> anyhow::Result<()> {
    let policy = ward_store::ImportPolicy { allow_shrink: true, ..ward_store::ImportPolicy::default() };
    for list in ward_lists::read_path(path).with_context(|| format!("reading {}", path.display()))? {
        store.import_with(&list, &policy).with_context(|| format!("importing {}", path.display()))?;
    }
    Ok(())
}

/// `count` customers named by two words of the listed names of `lists`, seeded.
fn customers(lists: &Lists, count: usize) -> Vec<Customer> {
    let words: Vec<String> = lists
        .screener()
        .subjects()
        .iter()
        .flat_map(|subject| subject.names())
        .flat_map(|name| name.full.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .filter(|word| word.chars().count() > 2 && word.chars().all(char::is_alphabetic))
        .collect();
    let mut rng = Rng(RANDOM_SEED);
    (0..count)
        .map(|index| Customer {
            id: format!("c{index}"),
            name: format!("{} {}", words[rng.below(words.len())], words[rng.below(words.len())]),
            ..Customer::default()
        })
        .collect()
}

/// The book's closed alerts: id and "customer name ~ subject (close reason)".
fn closed_alerts(store: &Store) -> anyhow::Result<Vec<(i64, String)>> {
    let filter = ward_store::AlertFilter {
        book: Some(BOOK.to_string()),
        status: Some(ward_store::AlertStatus::Closed),
        ..ward_store::AlertFilter::default()
    };
    Ok(store
        .alerts(&filter)?
        .into_iter()
        .map(|alert| {
            let reason = alert.close_reason.map(|r| format!("{r:?}")).unwrap_or_default();
            (
                alert.id,
                format!(
                    "{} ~ {} ({reason}, score {:.2})",
                    alert.customer_name, alert.subject_id, alert.score
                ),
            )
        })
        .collect())
}

fn seconds(duration: Duration) -> f64 {
    duration.as_secs_f64()
}

pub(crate) fn run(args: &crate::args::BenchArgs) -> anyhow::Result<()> {
    let [from, to] = args.paths.as_slice() else {
        anyhow::bail!(
            "ward bench monitor FROM TO: give two versions of a list (e.g. the OFAC SDN of 2024-05-02 and \
             of 2024-05-03)"
        );
    };
    anyhow::ensure!(args.queries > 0, "--queries: at least one customer");
    // The delta re-screen logs its steps at debug level: `RUST_LOG=ward_monitor=debug`.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let dir = tempfile::tempdir().context("creating a temporary store")?;
    let store = Store::open(dir.path()).context("opening the temporary store")?;
    import(&store, from)?;
    let lists = Lists::load(&store)?;
    let book = customers(&lists, args.queries);
    let monitor = Monitor::new(&store, MonitorConfig::default());

    let start = Instant::now();
    let imported = monitor.import_book(BOOK, book, false, &lists)?;
    let import_time = start.elapsed();
    let per_core = args.queries as f64 / seconds(import_time) / rayon::current_num_threads() as f64;
    out!(
        "book of {} customers imported and screened against {} in {:.2} s: {:.0} customers/s, \
         {per_core:.0} per core on {} threads (target {TARGET_CUSTOMERS_PER_SECOND:.0} per core); {} alerts",
        args.queries,
        from.display(),
        seconds(import_time),
        args.queries as f64 / seconds(import_time),
        rayon::current_num_threads(),
        imported.changes.raised
    )?;

    import(&store, to)?;
    let lists = Lists::load(&store)?;
    let start = Instant::now();
    let delta = monitor.rescreen(BOOK, &lists)?;
    let delta_time = start.elapsed();
    let closed_before = closed_alerts(&store)?;
    let start = Instant::now();
    let full = monitor.rescreen_full(BOOK, &lists)?;
    let full_time = start.elapsed();
    out!(
        "change to {}: delta re-screen {:.2} s ({} customers scored; {} raised, {} updated, {} closed)",
        to.display(),
        seconds(delta_time),
        delta.screened,
        delta.raised,
        delta.updated,
        delta.closed
    )?;
    out!(
        "baseline, full re-screen of the same book afterwards: {:.2} s ({} customers; {} changes); delta/full = {:.3}",
        seconds(full_time),
        full.screened,
        full.raised + full.updated + full.closed,
        seconds(delta_time) / seconds(full_time)
    )?;
    if !full.no_change() {
        // The pairs the delta kept and the full re-screen closed, with the full re-screen's reason.
        let closed: Vec<String> = closed_alerts(&store)?
            .into_iter()
            .filter(|(id, _)| !closed_before.iter().any(|(before, _)| before == id))
            .take(5)
            .map(|(_, pair)| pair)
            .collect();
        anyhow::bail!("the full re-screen after the delta changed alerts: {full:?}; e.g. {closed:?}");
    }
    out!("peak resident memory: {:.0} MB", crate::bench_match::memory_mb("VmHWM:"))?;
    Ok(())
}
