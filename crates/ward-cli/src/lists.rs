//! `ward lists import` and `ward lists show`.

use crate::args::{ImportArgs, ShowArgs};
use anyhow::Context;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use ward_model::{ListVersion, ParsedList, Severity};
use ward_store::ImportStatus;

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

pub(crate) fn import(data_dir: &Path, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let mut store = crate::serve::open_store(data_dir, &args.db)?;
    let mut failed = 0;
    for (path, result) in parse_paths(&args.paths) {
        let list = match result {
            Ok(list) => list,
            Err(err) => {
                // One bad file does not stop the others; the store keeps its last good version.
                eprintln!("error: {err}");
                eprintln!("  {} not imported; the store keeps its previous version", path.display());
                failed += 1;
                continue;
            }
        };
        // A delta (FtM delta file, SECO amendment) is applied to the current version and stored
        // as the complete next version, so every version stays a full list.
        let list = if list.meta.delta {
            let current = store.current_entities()?;
            ward_lists::apply_delta(current, list)
        } else {
            list
        };
        let outcome = store.import(&list).with_context(|| format!("storing {}", path.display()))?;
        print_import(&list, &outcome.version, outcome.status, args.verbose);
    }
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn print_import(list: &ParsedList, version: &ListVersion, status: ImportStatus, verbose: bool) {
    let c = &version.counts;
    let status = match status {
        ImportStatus::Current => "new version, now current",
        ImportStatus::Historical => "new version, kept as history (older than the current one)",
        ImportStatus::Unchanged => "unchanged: these files were imported before",
        ImportStatus::Restored => "the content of an earlier version, current again",
    };
    let files: Vec<&str> = list.sources.iter().map(|s| s.name.as_str()).collect();
    println!(
        "{}  (format {}, published {})",
        list.dataset,
        list.format,
        list.meta.published.as_deref().unwrap_or("unknown")
    );
    println!("  from {}", files.join(", "));
    println!("  version {}: {status}", version.id);
    println!(
        "  {} entities: {} persons, {} organizations, {} vessels, {} aircraft",
        c.entities, c.persons, c.organizations, c.vessels, c.aircraft
    );
    println!(
        "  {} names: {} aliases, {} weak aliases, {} in original script",
        c.names, c.aliases, c.weak_aliases, c.original_script_names
    );
    if let Some(declared) = list.meta.declared_count {
        if declared != c.entities {
            println!("  note: the file declares {declared} records");
        }
    }
    println!("  diagnostics: {} errors (records skipped), {} warnings", c.errors, c.warnings);
    let mut diagnostics: Vec<_> = list.diagnostics.iter().collect();
    diagnostics.sort_by_key(|d| d.severity != Severity::Error);
    let shown = if verbose { diagnostics.len() } else { SHOWN_DIAGNOSTICS };
    for d in diagnostics.iter().take(shown) {
        println!("    {d}");
    }
    if diagnostics.len() > shown {
        println!("    ... and {} more (--verbose shows all)", diagnostics.len() - shown);
    }
}

pub(crate) fn show(data_dir: &Path, args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let store = crate::serve::open_store(data_dir, &args.db)?;
    let all = store.versions()?;
    let shown: Vec<&ListVersion> = all.iter().filter(|v| args.all || v.current).collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&shown)?);
        return Ok(ExitCode::SUCCESS);
    }
    if shown.is_empty() {
        println!("The store in {} holds no lists yet: run `ward lists import PATH...`.", data_dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<26} {:>7} {:<8} {:<12} {:<24} {:>8} {:>8} {:>8} {:>9}",
        "dataset", "version", "current", "published", "imported", "entities", "names", "weak", "versions"
    );
    for v in shown {
        let n_versions = all.iter().filter(|x| x.dataset == v.dataset).count();
        println!(
            "{:<26} {:>7} {:<8} {:<12} {:<24} {:>8} {:>8} {:>8} {:>9}",
            v.dataset,
            v.id,
            if v.current { "yes" } else { "no" },
            v.published.as_deref().unwrap_or("-"),
            v.imported_at,
            v.counts.entities,
            v.counts.names,
            v.counts.weak_aliases,
            n_versions
        );
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
