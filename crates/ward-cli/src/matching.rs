//! `ward match`: one name from the command line, or a file of yente-shaped query entities.

use crate::args::{GenderArg, KindArg, MatchArgs};
use crate::audit::{hit_summary, Trail};
use crate::query::{hit_json, query_from_ftm};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde_json::{json, Value};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;
use ward_engine::{validate_query, MatchOptions, NotScreened, Query, Screener};

/// Opens the store and builds the screening snapshot from its current lists.
pub(crate) fn load_screener(
    data_dir: &Path,
    db: &crate::args::DatabaseArgs,
) -> anyhow::Result<(ward_store::Store, Screener)> {
    let store = crate::serve::open_store(data_dir, db)?;
    let subjects = crate::entity::current_subjects(&store)?;
    anyhow::ensure!(
        !subjects.is_empty(),
        "the store ({}) holds no lists: run `ward lists import data/lists` first",
        db.database.as_deref().map_or_else(
            || data_dir.display().to_string(),
            |d| d.split('@').next_back().unwrap_or(d).to_string()
        )
    );
    Ok((store, Screener::build(subjects)))
}

pub(crate) fn options(threshold: Option<f32>, limit: usize, datasets: &[String]) -> MatchOptions {
    let mut options = MatchOptions::default();
    if let Some(t) = threshold {
        options.threshold = t;
    }
    options.limit = limit;
    options.cutoff = options.cutoff.min(options.threshold);
    if !datasets.is_empty() {
        options.datasets = Some(datasets.to_vec());
    }
    options
}

pub(crate) fn run(data_dir: &Path, args: &MatchArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let (store, screener) = load_screener(data_dir, &args.db)?;
    let mut trail = Trail::start(&store, "cli:match", !args.no_audit)?;
    let options = options(args.threshold, args.limit, &args.dataset);
    if let Some(input) = &args.input {
        return batch(&screener, &options, input, args.output.as_deref(), trail);
    }
    let Some(name) = &args.name else {
        anyhow::bail!("give a name to match, or --input FILE");
    };
    let query = Query {
        names: vec![name.clone()],
        schema: args.kind.map(KindArg::schema),
        birth_dates: args.dob.iter().cloned().collect(),
        countries: args.country.clone(),
        gender: args.gender.map(GenderArg::gender),
        identifiers: args.id.clone(),
    };
    let audited_query = json!({
        "name": name, "dob": args.dob, "country": args.country, "kind": args.kind.map(|kind| kind.schema().ftm_name()),
        "gender": args.gender.map(|gender| gender.gender().as_str()), "id": args.id, "dataset": args.dataset, "threshold": options.threshold,
    });
    if let Err(refusal) = validate_query(&query) {
        trail.record(
            audited_query,
            vec![name.clone()],
            json!({"error": refusal.reason().code()}),
            0.0,
            false,
        );
        trail.finish()?;
        if args.json {
            let answer = json!({
                "query": name,
                "status": "not screened",
                "reason": refusal.reason().code(),
                "error": refusal.to_string(),
            });
            out!("{}", serde_json::to_string_pretty(&answer)?)?;
        } else {
            eprintln!("{name:?}: {refusal}");
        }
        return Ok(ExitCode::from(1));
    }
    let hits = screener.match_query(&query, &options);
    let (results, top_score, matched) = hit_summary(&hits);
    trail.record(audited_query, vec![name.clone()], results, top_score, matched);
    trail.finish()?;
    if args.json {
        let results: Vec<Value> = hits.iter().map(|h| hit_json(&screener, h)).collect();
        out!("{}", serde_json::to_string_pretty(&json!({ "query": name, "results": results }))?)?;
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "{} subjects loaded in {:.1}s; threshold {:.2}",
        screener.len(),
        started.elapsed().as_secs_f64(),
        options.threshold
    );
    if hits.is_empty() {
        out!("no listed subject scores {:.2} or more against {name:?}", options.cutoff)?;
    }
    for (rank, hit) in hits.iter().enumerate() {
        let subject = &screener.subjects()[hit.subject];
        out!(
            "{}. {:.3} {} {} [{}] {}",
            rank + 1,
            hit.score,
            if hit.is_match { "MATCH" } else { "     " },
            subject.caption(),
            subject.schema().ftm_name(),
            subject.id
        )?;
        out!("   lists: {}", subject.referents().collect::<Vec<_>>().join(", "))?;
        for e in &hit.comparison.explanations {
            out!("   - {e}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn batch(
    screener: &Screener,
    options: &MatchOptions,
    input: &Path,
    output: Option<&Path>,
    mut trail: Trail,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(input).with_context(|| format!("opening {}", input.display()))?;
    // Blank lines are no queries; every other line is answered on its own line.
    let lines: Vec<(usize, Result<&str, std::str::Utf8Error>)> =
        crate::input::lines(&bytes).into_iter().map(|(n, line)| (n, std::str::from_utf8(line))).collect();
    let progress = ProgressBar::new(lines.len() as u64);
    progress.set_style(ProgressStyle::with_template("{bar:40} {pos}/{len} queries {per_sec} eta {eta}")?);
    let started = Instant::now();
    // Each line's answer, and what the audit records of it: the query as received, its names,
    // the results (or the refusal), the best score and whether it matched.
    let results: Vec<(Value, Value, Vec<String>, Value, f64, bool)> = lines
        .par_iter()
        .map(|(n, line)| {
            let received = line
                .map_err(|_| anyhow::anyhow!("not valid UTF-8"))
                .and_then(|line| serde_json::from_str::<Value>(line).map_err(anyhow::Error::from));
            let audited_query = received.as_ref().map_or(Value::Null, |v| json!({"line": n, "entity": v}));
            let query = received.and_then(|v| query_from_ftm(&v));
            let out = match query {
                Ok((id, query)) => {
                    let hits = screener.match_query(&query, options);
                    let results: Vec<Value> = hits.iter().map(|h| hit_json(screener, h)).collect();
                    let (summary, top_score, matched) = hit_summary(&hits);
                    let answer = json!({ "line": n, "id": id, "status": "screened", "results": results });
                    (answer, audited_query, query.names, summary, top_score, matched)
                }
                // A bad line is answered with its error; the rest of the file goes on.
                Err(err) => {
                    let reason =
                        err.downcast_ref::<NotScreened>().map_or("invalid_query", |r| r.reason().code());
                    let answer = json!({
                        "line": n,
                        "status": "not screened",
                        "reason": reason,
                        "error": format!("{}: line {n}: {err:#}", input.display()),
                    });
                    (answer, audited_query, Vec::new(), json!({"error": reason}), 0.0, false)
                }
            };
            progress.inc(1);
            out
        })
        .collect();
    progress.finish_and_clear();
    let results: Vec<Value> = results
        .into_iter()
        .map(|(answer, query, names, summary, top_score, matched)| {
            trail.record(query, names, summary, top_score, matched);
            answer
        })
        .collect();
    // The answers are written only once the audit trail holds them.
    trail.finish()?;
    let mut out: Box<dyn Write> = match output {
        Some(path) => Box::new(BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let (mut n, mut errors, mut matched) = (0, 0, 0);
    for value in results {
        n += 1;
        errors += usize::from(value.get("error").is_some());
        matched += usize::from(
            value["results"].as_array().is_some_and(|r| r.iter().any(|h| h["match"] == Value::Bool(true))),
        );
        serde_json::to_writer(&mut out, &value)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{n} queries in {secs:.2}s ({:.0}/s on {} threads): {} screened, {matched} with a match, {errors} not screened",
        n as f64 / secs.max(1e-9),
        rayon::current_num_threads(),
        n - errors
    );
    Ok(if errors == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
