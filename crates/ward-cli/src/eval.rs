//! `ward eval`: the engine on the labelled dev set (`testdata/eval/dev.jsonl`), with recall,
//! alert rate on non-listed names, precision, F1 and recall@1 by category, script and kind, and a
//! threshold sweep from one run.
//!
//! Held out by default: the dev set's alias, original-script and cross-list queries are names the
//! lists themselves carry, so an index that holds them would find them verbatim and measure
//! nothing but bookkeeping. For those cases the queried name is removed from its own subject
//! before the snapshot is built, so that an original-script query has to meet the Latin names,
//! an alias the other spellings, and a cross-list name the other lists' spellings. A case whose
//! subject would be left without a name is skipped.

use crate::args::EvalArgs;
use anyhow::Context;
use std::collections::{HashMap, HashSet};
use std::process::ExitCode;
use ward_engine::{MatchOptions, Query, Screener};
use ward_eval::{DevCase, Hit, Report};
use ward_model::{Gender, Schema, Subject};

const HELD_OUT_CATEGORIES: [&str; 3] = ["alias", "original-script", "cross-list"];

fn held_out(mut subjects: Vec<Subject>, cases: &[DevCase]) -> (Vec<Subject>, HashSet<String>) {
    let by_referent: HashMap<String, usize> = subjects
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.referents().map(move |r| (r.to_string(), i)).collect::<Vec<_>>())
        .collect();
    let mut skipped = HashSet::new();
    for case in cases.iter().filter(|c| HELD_OUT_CATEGORIES.contains(&c.category.as_str())) {
        let Some(&i) = case.expect.iter().find_map(|r| by_referent.get(r)) else { continue };
        let subject = &mut subjects[i];
        let remaining = subject.names().filter(|n| n.full != case.query.name).count();
        if remaining == 0 {
            skipped.insert(case.id.clone());
            continue;
        }
        for record in &mut subject.records {
            record.names.retain(|n| n.full != case.query.name);
        }
    }
    (subjects, skipped)
}

fn query(case: &DevCase) -> Query {
    Query {
        names: vec![case.query.name.clone()],
        schema: case.query.schema.as_deref().and_then(Schema::from_name),
        birth_dates: case.query.birth_date.iter().cloned().collect(),
        countries: case.query.country.iter().cloned().collect(),
        gender: None::<Gender>,
        identifiers: Vec::new(),
    }
}

pub(crate) fn run(args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.dev_set)
        .with_context(|| format!("reading {}", args.dev_set.display()))?;
    let cases =
        ward_eval::from_jsonl(&text).map_err(|e| anyhow::anyhow!("{}: {e}", args.dev_set.display()))?;
    let paths = if args.paths.is_empty() { crate::bench::default_paths()? } else { args.paths.clone() };
    let mut entities = Vec::new();
    for (path, result) in crate::lists::parse_paths(&paths) {
        entities.extend(result.with_context(|| format!("parsing {}", path.display()))?.entities);
    }
    let subjects = ward_lists::link::link(entities);
    let (subjects, skipped) =
        if args.no_holdout { (subjects, HashSet::new()) } else { held_out(subjects, &cases) };
    let cases: Vec<DevCase> = cases.into_iter().filter(|c| !skipped.contains(&c.id)).collect();
    let screener = Screener::build(subjects);
    let options = MatchOptions { threshold: 0.0, cutoff: 0.3, limit: 10, ..MatchOptions::default() };
    let results = ward_eval::run_all(&cases, |case| {
        screener
            .match_query(&query(case), &options)
            .into_iter()
            .map(|h| Hit {
                referents: screener.subjects()[h.subject].referents().map(str::to_string).collect(),
                score: f64::from(h.score),
                weak: h.comparison.matched_name_kind == ward_model::NameKind::Weak,
            })
            .collect()
    });
    let threshold = args.threshold.map_or(f64::from(ward_engine::DEFAULT_THRESHOLD), f64::from);
    out!(
        "dev set {}: {} cases ({} skipped: no name left once held out); names held out: {}",
        args.dev_set.display(),
        cases.len(),
        skipped.len(),
        if args.no_holdout { "no" } else { "yes (alias, original-script, cross-list)" }
    )?;
    let report = Report::compute(&cases, &results, threshold);
    out!("\nat threshold {threshold:.2}:\n{}", report.render())?;
    if args.show_misses > 0 {
        show_misses(&screener, &cases, &results, threshold, args.show_misses)?;
    }
    let thresholds: Vec<f64> = (10..=19).map(|i| f64::from(i) * 0.05).collect();
    out!("threshold sweep (one run):\n{}", Report::sweep_header())?;
    for r in ward_eval::threshold_sweep(&cases, &results, &thresholds) {
        out!("{}", r.sweep_line())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints, per category, the first `n` positives missed at `threshold` (with the best hit found)
/// and the first `n` false alerts, for investigating the engine.
fn show_misses(
    screener: &Screener,
    cases: &[DevCase],
    results: &[Vec<Hit>],
    threshold: f64,
    n: usize,
) -> std::io::Result<()> {
    let caption = |referents: &[String]| -> String {
        screener
            .subjects()
            .iter()
            .find(|s| s.referents().any(|r| referents.iter().any(|x| x == r)))
            .map_or_else(|| "?".to_string(), |s| s.caption().to_string())
    };
    let mut shown: HashMap<(&str, bool), usize> = HashMap::new();
    for (case, hits) in cases.iter().zip(results) {
        let right = |h: &Hit| h.referents.iter().any(|r| case.expect.contains(r));
        let found = hits.iter().any(|h| h.score >= threshold && right(h));
        let false_alert =
            hits.iter().find(|h| h.score >= threshold && !right(h) && ward_eval::counts(case, h));
        if case.is_positive() && !found {
            let count = shown.entry((case.category.as_str(), true)).or_default();
            if *count < n {
                *count += 1;
                let best = hits
                    .iter()
                    .find(|h| right(h))
                    .map_or("not among the hits".to_string(), |h| format!("{:.3}", h.score));
                out!(
                    "MISS  [{}] {:?} -> expected {:?} (its score: {best})",
                    case.category,
                    case.query.name,
                    caption(&case.expect)
                )?;
            }
        }
        if let Some(h) = false_alert {
            let count = shown.entry((case.category.as_str(), false)).or_default();
            if *count < n {
                *count += 1;
                out!(
                    "FALSE [{}] {:?} -> {:?} {:.3}",
                    case.category,
                    case.query.name,
                    caption(&h.referents),
                    h.score
                )?;
            }
        }
    }
    Ok(())
}
