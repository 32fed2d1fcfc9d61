//! `ward eval`: scores the engine on the labelled dev set (`testdata/eval/dev.jsonl`): recall,
//! precision, F1 by category, script and kind at the default threshold, and a threshold sweep.

use crate::args::EvalArgs;
use anyhow::Context;
use std::process::ExitCode;
use ward_engine::{MatchOptions, Query, Screener, DEFAULT_THRESHOLD};
use ward_eval::{run_all, threshold_sweep, DevCase, Hit, Report};
use ward_model::Schema;

fn to_query(case: &DevCase) -> Query {
    let q = &case.query;
    Query {
        names: vec![q.name.clone()],
        schema: q.schema.as_deref().and_then(Schema::from_name),
        birth_dates: q.birth_date.iter().cloned().collect(),
        countries: q.country.iter().cloned().collect(),
        ..Query::default()
    }
}

pub(crate) fn run(args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let paths = if args.paths.is_empty() { crate::bench::default_paths()? } else { args.paths.clone() };
    let text =
        std::fs::read_to_string(&args.dev).with_context(|| format!("reading {}", args.dev.display()))?;
    let cases = ward_eval::from_jsonl(&text).map_err(anyhow::Error::msg)?;
    let mut entities = Vec::new();
    for (path, result) in crate::lists::parse_paths(&paths) {
        entities.extend(result.with_context(|| format!("parsing {}", path.display()))?.entities);
    }
    let screener = Screener::build(ward_lists::link::link(entities));
    if !args.query.is_empty() {
        for name in &args.query {
            println!("{name}");
            for hit in screener.match_query(&Query::from_name(name), &MatchOptions::default()) {
                let c = &hit.comparison;
                println!(
                    "  {:.3} {} {:?}",
                    hit.score,
                    if hit.is_match { "MATCH" } else { "" },
                    c.matched_name
                );
                for e in &c.explanations {
                    println!("      {e}");
                }
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Every hit down to a low cut-off, so that one run serves every threshold of the sweep.
    let options = MatchOptions { cutoff: 0.3, limit: 10, ..MatchOptions::default() };
    let results = run_all(&cases, |case| {
        screener
            .match_query(&to_query(case), &options)
            .into_iter()
            .map(|h| Hit {
                referents: screener.subjects()[h.subject].referents().map(str::to_string).collect(),
                score: f64::from(h.score),
            })
            .collect()
    });
    let threshold = args.threshold.unwrap_or(f64::from(DEFAULT_THRESHOLD));
    print!("{}", Report::compute(&cases, &results, threshold).render());
    if args.sweep {
        println!("\n{}", Report::sweep_header());
        let thresholds: Vec<f64> = (0..=20).map(|i| 0.55 + 0.02 * f64::from(i)).collect();
        for report in threshold_sweep(&cases, &results, &thresholds) {
            println!("{}", report.sweep_line());
        }
    }
    if let Some(mut n) = args.show_misses {
        // Missed positives and alerting negatives, with the top hit, for error analysis.
        for (case, hits) in cases.iter().zip(&results) {
            let top = hits.first();
            let alert = top.is_some_and(|h| h.score >= threshold);
            let right = |h: &Hit| h.referents.iter().any(|r| case.expect.contains(r));
            let bad = if case.is_positive() {
                !hits.iter().any(|h| h.score >= threshold && right(h))
            } else {
                alert
            };
            if bad && n > 0 {
                n -= 1;
                println!(
                    "{} {:?} -> {}",
                    case.id,
                    case.query.name,
                    top.map_or("(none)".to_string(), |h| format!("{:.3} {}", h.score, h.referents.join(",")))
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
