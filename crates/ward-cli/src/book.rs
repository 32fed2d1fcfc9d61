//! `ward book import|rescreen` and `ward alerts list`: monitored customer books, re-screened
//! when their customers or the lists change.

use crate::args::{AlertsListArgs, BookImportArgs, BookRescreenArgs};
use crate::input::read_customers;
use anyhow::{bail, Context};
use std::path::Path;
use std::process::ExitCode;
use ward_monitor::{Lists, Monitor, MonitorConfig, Summary};
use ward_store::{AlertFilter, AlertStatus, Customer, Store};

/// How many unreadable rows an import names before it stops.
const SHOWN_BAD_ROWS: usize = 10;

pub(crate) fn import(data_dir: &Path, args: &BookImportArgs) -> anyhow::Result<ExitCode> {
    if args.columns.id_column.is_none() {
        bail!("a book keeps customers by id: name the id column with --id-column");
    }
    let rows = read_customers(&args.input, &args.columns)?;
    let mut customers = Vec::with_capacity(rows.len());
    let mut bad = Vec::new();
    for row in rows {
        let refused = row.query.as_ref().err();
        // A row that cannot be read at all is bad input; a row read whole whose name cannot be
        // screened is kept, and reported as not screened by the monitor.
        if let Some(refusal) = refused.filter(|r| matches!(r.code, "malformed_row" | "invalid_encoding")) {
            bad.push(refusal.message.clone());
            continue;
        }
        if row.id.is_empty() {
            bad.push(format!("line {}: no customer id in column {:?}", row.line, args.columns.id_column));
            continue;
        }
        let customer = match &row.query {
            Ok(query) => Customer {
                id: row.id,
                name: query.names.join(" "),
                birth_date: query.birth_dates.first().cloned(),
                country: query.countries.first().cloned(),
                kind: query.schema.map(|s| s.ftm_name().to_string()),
                identifiers: query.identifiers.clone(),
            },
            Err(_) => Customer {
                id: row.id,
                name: row.name,
                kind: args.columns.kind.map(|k| k.schema().ftm_name().to_string()),
                ..Customer::default()
            },
        };
        customers.push(customer);
    }
    if !bad.is_empty() {
        let shown: Vec<&str> = bad.iter().take(SHOWN_BAD_ROWS).map(String::as_str).collect();
        bail!(
            "{}: {} rows cannot be read, nothing was imported:\n  {}",
            args.input.display(),
            bad.len(),
            shown.join("\n  ")
        );
    }
    let store = crate::serve::open_store(data_dir, &args.db)?;
    let lists = Lists::load(&store)?;
    let monitor = Monitor::new(&store, MonitorConfig::default());
    let summary = monitor
        .import_book(&args.book, customers, args.replace, &lists)
        .with_context(|| format!("importing {} into book {:?}", args.input.display(), args.book))?;
    for (id, reason) in &summary.not_screened {
        eprintln!("not screened: customer {id}: {reason}");
    }
    out!(
        "book {}: {} customers inserted, {} updated, {} unchanged, {} removed; {}",
        args.book,
        summary.inserted,
        summary.updated,
        summary.unchanged,
        summary.removed,
        alert_counts(&summary.changes)
    )?;
    if !summary.not_screened.is_empty() {
        eprintln!("{} customers not screened (kept in the book)", summary.not_screened.len());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn rescreen(data_dir: &Path, args: &BookRescreenArgs) -> anyhow::Result<ExitCode> {
    let store = crate::serve::open_store(data_dir, &args.db)?;
    if store.book(&args.book)?.is_none() {
        bail!("there is no book {:?}: `ward book import FILE --book NAME` creates it", args.book);
    }
    let lists = Lists::load(&store)?;
    let monitor = Monitor::new(&store, MonitorConfig::default());
    let summary = if args.full {
        monitor.rescreen_full(&args.book, &lists)?
    } else {
        monitor.rescreen(&args.book, &lists)?
    };
    out!("book {}: {} customers screened; {}", args.book, summary.screened, alert_counts(&summary))?;
    Ok(ExitCode::SUCCESS)
}

/// Re-screens every book after a list version became current, printing one line per book.
pub(crate) fn rescreen_books(store: &Store) -> anyhow::Result<()> {
    let monitor = Monitor::new(store, MonitorConfig::default());
    for (book, summary) in monitor.rescreen_all().context("re-screening the monitored books")? {
        out!("book {book}: {}", alert_counts(&summary))?;
    }
    Ok(())
}

fn alert_counts(summary: &Summary) -> String {
    format!("{} alerts raised, {} updated, {} closed", summary.raised, summary.updated, summary.closed)
}

pub(crate) fn list_alerts(data_dir: &Path, args: &AlertsListArgs) -> anyhow::Result<ExitCode> {
    let status = args
        .status
        .as_deref()
        .map(str::parse::<AlertStatus>)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--status: {e}"))?;
    let store = crate::serve::open_store(data_dir, &args.db)?;
    let alerts = store.alerts(&AlertFilter { book: args.book.clone(), status, ..AlertFilter::default() })?;
    for alert in &alerts {
        if args.json {
            out!("{}", serde_json::to_string(alert)?)?;
        } else {
            out!(
                "{} {} {} {:.3} {} {:?} -> {} [{}{}]",
                alert.id,
                alert.book,
                alert.status,
                alert.score,
                alert.customer_id,
                alert.customer_name,
                alert.subject_id,
                alert.reason,
                alert.close_reason.map(|r| format!(", {r}")).unwrap_or_default()
            )?;
        }
    }
    if !args.json {
        eprintln!("{} alerts", alerts.len());
    }
    Ok(ExitCode::SUCCESS)
}
