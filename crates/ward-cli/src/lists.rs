//! `ward lists import`, `show`, `rollback` and `update`.

use crate::args::{ImportArgs, RollbackArgs, ShowArgs, UpdateArgs};
use anyhow::Context;
use rayon::prelude::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use ward_model::{ListVersion, ParsedList, Severity};
use ward_store::ImportStatus;

/// The audit trail's source of an import forced with `--allow-shrink`.
const FORCED_IMPORT_SOURCE: &str = "cli:lists-import-allow-shrink";

/// The audit trail's source of an update forced with `--force`.
const FORCED_UPDATE_SOURCE: &str = "cli:lists-update-force";

/// The audit trail's source of a rollback.
const ROLLBACK_SOURCE: &str = "cli:lists-rollback";

/// Reads every list under the paths in parallel (one list per task), keeping their order. A
/// path that cannot even be walked is reported as one failed unit.
pub(crate) fn parse_paths(paths: &[PathBuf]) -> Vec<(PathBuf, ward_lists::Result<ParsedList>)> {
    let mut units = Vec::new();
    let mut failed = Vec::new();
    for p in paths {
        match ward_lists::list_units(p) {
            Ok(u) => units.extend(u),
            Err(e) => failed.push((p.clone(), Err(e))),
        }
    }
    // Largest lists first, one list per task: the longest parse starts at once and the small ones
    // fill the other cores around it (longest-processing-time-first scheduling).
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(dir_size(&units[i])));
    let mut parsed: Vec<(usize, ward_lists::Result<ParsedList>)> =
        order.par_iter().with_max_len(1).map(|&i| (i, ward_lists::read_unit(&units[i]))).collect();
    parsed.sort_by_key(|(i, _)| *i);
    let mut out: Vec<_> = parsed.into_iter().map(|(i, result)| (units[i].clone(), result)).collect();
    out.extend(failed);
    out
}

/// How many diagnostics of each list are printed without `--verbose`.
const SHOWN_DIAGNOSTICS: usize = 5;

fn percent(text: &str) -> anyhow::Result<f64> {
    let number = text.trim().trim_end_matches('%').trim();
    let value: f64 = number
        .parse()
        .with_context(|| format!("--max-shrink {text:?}: expected a percentage such as 10 or 25%"))?;
    if !(0.0..=100.0).contains(&value) {
        anyhow::bail!("--max-shrink {text:?}: a percentage from 0 to 100");
    }
    Ok(value / 100.0)
}

/// The import policy of `--allow-shrink` and `--max-shrink [DATASET=]PERCENT`.
fn policy(allow_shrink: bool, max_shrink: &[String]) -> anyhow::Result<ward_store::ImportPolicy> {
    let mut policy = ward_store::ImportPolicy { allow_shrink, ..Default::default() };
    for value in max_shrink {
        match value.split_once('=') {
            Some((dataset, share)) => {
                policy.max_shrink_by_dataset.push((dataset.trim().to_string(), percent(share)?));
            }
            None => policy.max_shrink = percent(value)?,
        }
    }
    Ok(policy)
}

pub(crate) fn import(data_dir: &Path, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let policy = policy(args.allow_shrink, &args.max_shrink)?;
    let store = crate::serve::open_store(data_dir, &args.db)?;
    let mut failed = 0;
    let mut changed = false;
    let mut units = Vec::new();
    for path in &args.paths {
        match ward_lists::list_units(path) {
            Ok(found) => units.extend(found),
            Err(err) => {
                eprintln!("error: {err}");
                failed += 1;
            }
        }
    }
    for path in units {
        let outcome = store.import_streaming(&policy, |sink| ward_lists::read_unit_streaming(&path, sink));
        match outcome {
            Ok(outcome) => {
                print_import(&store, &path, &outcome, args.verbose)?;
                let changed_current =
                    matches!(outcome.status, ImportStatus::Current | ImportStatus::Restored);
                changed |= changed_current;
                if args.allow_shrink && changed_current {
                    let request = json!({"command": "lists import", "file": path.display().to_string(), "allow_shrink": true});
                    crate::audit::record_list_change(&store, FORCED_IMPORT_SOURCE, request, &outcome)?;
                }
            }
            Err(ward_store::ImportError::Read(err)) => {
                // One bad file does not stop the others; the store keeps its last good version.
                eprintln!("error: {err}");
                eprintln!("  {} not imported; the store keeps its previous version", path.display());
                failed += 1;
            }
            Err(ward_store::ImportError::Store(err)) if err.is_user_error() => {
                eprintln!("error: {err}");
                eprintln!("  {} not imported", path.display());
                failed += 1;
            }
            Err(ward_store::ImportError::Store(err)) => {
                return Err(err).with_context(|| format!("storing {}", path.display()));
            }
        }
    }
    if changed {
        crate::book::rescreen_books(&store)?;
    }
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The source table: the built-in one, or it as `--sources FILE` changes it.
pub(crate) fn source_table(file: Option<&Path>) -> anyhow::Result<ward_fetch::SourceTable> {
    Ok(match file {
        Some(file) => ward_fetch::SourceTable::from_file(file)?,
        None => ward_fetch::SourceTable::builtin(),
    })
}

/// Where downloads are written while they are read: the `SQLite` store's data directory (same
/// disk as the store), else the system's temporary directory.
pub(crate) fn download_dir(store: &ward_store::Store) -> PathBuf {
    match store.location() {
        Some(ward_store::Location::Sqlite { data_dir }) => data_dir.clone(),
        _ => std::env::temp_dir(),
    }
}

pub(crate) fn update(data_dir: &Path, args: &UpdateArgs) -> anyhow::Result<ExitCode> {
    let table = source_table(args.sources_file.as_deref())?;
    if args.list_sources {
        for source in &table.sources {
            let token = source.token_env.as_deref().map(|t| format!("  (token: ${t})")).unwrap_or_default();
            out!(
                "{:<26} {:<26} {}{token}",
                source.name,
                source.dataset.as_deref().unwrap_or("-"),
                source.url
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let sources = table.select(&args.names)?;
    let policy = policy(args.force, &args.max_shrink)?;
    let store = std::sync::Arc::new(crate::serve::open_store(data_dir, &args.db)?);
    let options = ward_fetch::UpdateOptions { policy, work_dir: download_dir(&store) };
    let updater = ward_fetch::Updater::new(ward_fetch::Fetcher::new(table.fetch.clone())?, sources, options);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let reports = runtime.block_on(updater.run(&store));
    // A list made current (announced by the import itself) re-screens the monitored books, as
    // `lists import` does, and is audited when forced.
    let mut changed = false;
    for report in &reports {
        out!("{report}")?;
        let ward_fetch::Outcome::Updated { dataset, version_id, removed, .. } = &report.outcome else {
            continue;
        };
        changed = true;
        if args.force {
            let version = store.dataset_versions(dataset)?.into_iter().find(|v| v.id == *version_id);
            let version = version
                .with_context(|| format!("{dataset}: version {version_id} is missing from the store"))?;
            let outcome = ward_store::ImportOutcome {
                version,
                status: ImportStatus::Current,
                removed: *removed,
                previous_records: None,
            };
            let request = json!({"command": "lists update", "source": report.source, "force": true});
            crate::audit::record_list_change(&store, FORCED_UPDATE_SOURCE, request, &outcome)?;
        }
    }
    if changed {
        crate::book::rescreen_books(&store)?;
    }
    let failed = reports.iter().any(|r| r.outcome.is_failure());
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Reads an interval: a number with `s`, `m`, `h` or `d` (`90s`, `30m`, `1h`, `1d`).
pub(crate) fn parse_interval(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let count: u64 =
        number.parse().map_err(|_| format!("{text:?}: expected a number and a unit, such as 1h or 30m"))?;
    let seconds = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 60 * 60,
        "d" => 24 * 60 * 60,
        _ => return Err(format!("{text:?}: the unit is one of s, m, h, d (such as 1h or 30m)")),
    };
    if count == 0 {
        return Err(format!("{text:?}: an interval longer than zero"));
    }
    Ok(std::time::Duration::from_secs(count.saturating_mul(seconds)))
}

pub(crate) fn rollback(data_dir: &Path, args: &RollbackArgs) -> anyhow::Result<ExitCode> {
    let store = crate::serve::open_store(data_dir, &args.db)?;
    match store.rollback(&args.dataset, args.to) {
        Ok(outcome) => {
            let request = json!({"command": "lists rollback", "dataset": args.dataset, "to": args.to});
            crate::audit::record_list_change(&store, ROLLBACK_SOURCE, request, &outcome)?;
            let v = &outcome.version;
            out!(
                "{}: version {} is current, with the content of version {} ({} records; {} records of the previous version removed)",
                v.dataset,
                v.number,
                v.restores.unwrap_or(v.number),
                v.counts.entities,
                outcome.removed
            )?;
            crate::book::rescreen_books(&store)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(err) if err.is_user_error() => {
            eprintln!("error: {err}");
            Ok(ExitCode::from(1))
        }
        Err(err) => Err(err.into()),
    }
}

fn print_import(
    store: &ward_store::Store,
    path: &Path,
    outcome: &ward_store::ImportOutcome,
    verbose: bool,
) -> anyhow::Result<()> {
    let version = &outcome.version;
    let status = outcome.status;
    let c = &version.counts;
    let status = match status {
        ImportStatus::Current => "new version, now current",
        ImportStatus::Historical => "new version, kept as history (older than the current one)",
        ImportStatus::Unchanged => "unchanged: these files were imported before",
        ImportStatus::Restored => "the content of an earlier version, current again",
    };
    let files: Vec<&str> = version.sources.iter().map(|s| s.name.as_str()).collect();
    out!(
        "{}  (format {}, published {})",
        version.dataset,
        version.format,
        version.published.as_deref().unwrap_or("unknown")
    )?;
    out!("  from {}", if files.is_empty() { path.display().to_string() } else { files.join(", ") })?;
    out!("  version {}: {status}", version.number)?;
    if let Some(previous) = outcome.previous_records.filter(|_| status_is_current(outcome.status)) {
        out!("  removes {} of the {previous} records of the previous version", outcome.removed)?;
    }
    if let Some(note) = &version.note {
        out!("  note: {note}")?;
    }
    out!(
        "  {} entities: {} persons, {} organizations, {} vessels, {} aircraft",
        c.entities,
        c.persons,
        c.organizations,
        c.vessels,
        c.aircraft
    )?;
    out!(
        "  {} names: {} aliases, {} weak aliases, {} in original script",
        c.names,
        c.aliases,
        c.weak_aliases,
        c.original_script_names
    )?;
    out!("  diagnostics: {} errors (records skipped), {} warnings", c.errors, c.warnings)?;
    let stored = store.diagnostics(version.id)?;
    let mut diagnostics: Vec<_> = stored.iter().collect();
    diagnostics.sort_by_key(|d| d.severity != Severity::Error);
    let shown = if verbose { diagnostics.len() } else { SHOWN_DIAGNOSTICS };
    for d in diagnostics.iter().take(shown) {
        out!("    {d}")?;
    }
    if diagnostics.len() > shown {
        out!("    ... and {} more (--verbose shows all)", diagnostics.len() - shown)?;
    }
    Ok(())
}

fn status_is_current(status: ImportStatus) -> bool {
    matches!(status, ImportStatus::Current | ImportStatus::Restored)
}

pub(crate) fn show(data_dir: &Path, args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let store = crate::serve::open_store(data_dir, &args.db)?;
    let all = store.versions()?;
    let shown: Vec<&ListVersion> = all
        .iter()
        .filter(|v| match &args.dataset {
            Some(dataset) => v.dataset == *dataset,
            None => args.all || v.current,
        })
        .collect();
    if let Some(dataset) = &args.dataset {
        if shown.is_empty() {
            eprintln!("error: the store holds no list {dataset:?}: `ward lists show` names the lists");
            return Ok(ExitCode::from(1));
        }
    }
    if args.json {
        out!("{}", serde_json::to_string_pretty(&shown)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if shown.is_empty() {
        out!("The store in {} holds no lists yet: run `ward lists import PATH...`.", data_dir.display())?;
        return Ok(ExitCode::SUCCESS);
    }
    out!(
        "{:<26} {:>7} {:<8} {:<12} {:<24} {:>8} {:>8} {:>8} {:>9}",
        "dataset",
        "version",
        "current",
        "published",
        "imported",
        "entities",
        "names",
        "weak",
        "versions"
    )?;
    for v in shown {
        let n_versions = all.iter().filter(|x| x.dataset == v.dataset).count();
        out!(
            "{:<26} {:>7} {:<8} {:<12} {:<24} {:>8} {:>8} {:>8} {:>9}",
            v.dataset,
            v.number,
            if v.current { "yes" } else { "no" },
            v.published.as_deref().unwrap_or("-"),
            v.imported_at,
            v.counts.entities,
            v.counts.names,
            v.counts.weak_aliases,
            n_versions
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Bytes on disk under a path.
pub(crate) fn dir_size(path: &std::path::Path) -> u64 {
    if path.is_dir() {
        std::fs::read_dir(path)
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| dir_size(&e.path())).sum())
            .unwrap_or(0)
    } else {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    }
}
