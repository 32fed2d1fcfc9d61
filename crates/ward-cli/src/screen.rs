//! `ward screen customers.csv --name-column NAME`: screen a plain CSV of customers, writing one
//! row (CSV) or line (JSONL) per customer with its best hit, or with the reason it was not
//! screened. Every input row ends in exactly one output row; any row not screened makes the
//! exit status 1.

use crate::args::{ScreenArgs, ScreenFormat};
use crate::audit::{hit_summary, Trail};
use crate::input::{escape_cell, read_customers, Refusal};
use crate::query::hit_json;
use anyhow::Context;
use rayon::prelude::*;
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use ward_engine::{Hit, Query};

pub(crate) fn run(data_dir: &Path, args: &ScreenArgs) -> anyhow::Result<ExitCode> {
    let rows = read_customers(&args.input, &args.columns)?;
    let (store, screener) = crate::matching::load_screener(data_dir, &args.db)?;
    let mut trail = Trail::start(&store, "cli:screen", !args.no_audit)?;
    let options = crate::matching::options(args.threshold, 3, &[]);
    let results: Vec<Option<Vec<Hit>>> = rows
        .par_iter()
        .map(|row| row.query.as_ref().ok().map(|query| screener.match_query(query, &options)))
        .collect();
    for (row, hits) in rows.iter().zip(&results) {
        let audited_query = json!({
            "input": args.input.display().to_string(),
            "row": row.line,
            "id": row.id,
            "query": row.query.as_ref().ok().map(|q| json!({"names": q.names, "birth_dates": q.birth_dates, "countries": q.countries})),
            "threshold": options.threshold,
        });
        let (summary, top_score, matched) = match hits {
            Some(hits) => hit_summary(hits),
            None => (json!({"error": refusal_code(&row.query)}), 0.0, false),
        };
        trail.record(audited_query, vec![row.name.clone()], summary, top_score, matched);
    }
    // The results are written only once the audit trail holds them.
    trail.finish()?;
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let (mut matched, mut failed) = (0, 0);
    match args.format {
        ScreenFormat::Csv => {
            let mut writer = csv::Writer::from_writer(&mut out);
            writer.write_record([
                "row",
                "id",
                "name",
                "match",
                "score",
                "subject",
                "caption",
                "datasets",
                "explanation",
                "error",
            ])?;
            for (row, hits) in rows.iter().zip(&results) {
                let mut record: Vec<String> = vec![row.line.to_string(), row.id.clone(), row.name.clone()];
                match (&row.query, hits) {
                    (Ok(_), Some(hits)) => {
                        let top = hits.first();
                        matched += usize::from(top.is_some_and(|h| h.is_match));
                        let subject = top.map(|h| &screener.subjects()[h.subject]);
                        record.extend([
                            top.is_some_and(|h| h.is_match).to_string(),
                            top.map(|h| format!("{:.3}", h.score)).unwrap_or_default(),
                            subject.map(|s| s.id.clone()).unwrap_or_default(),
                            subject.map(|s| s.caption().to_string()).unwrap_or_default(),
                            subject.map(|s| s.datasets().join(" ")).unwrap_or_default(),
                            top.map(|h| {
                                h.comparison
                                    .explanations
                                    .iter()
                                    .map(|e| e.text.as_str())
                                    .collect::<Vec<_>>()
                                    .join(" | ")
                            })
                            .unwrap_or_default(),
                            String::new(),
                        ]);
                    }
                    _ => {
                        failed += 1;
                        record.extend(std::iter::repeat_n(String::new(), 6));
                        record.push(refusal_message(&row.query).to_string());
                    }
                }
                writer.write_record(record.iter().map(|cell| escape_cell(cell).into_owned()))?;
            }
            writer.flush()?;
        }
        ScreenFormat::Jsonl => {
            for (row, hits) in rows.iter().zip(&results) {
                let value = match (&row.query, hits) {
                    (Ok(_), Some(hits)) => {
                        matched += usize::from(hits.first().is_some_and(|h| h.is_match));
                        json!({
                            "row": row.line,
                            "id": row.id,
                            "name": row.name,
                            "status": "screened",
                            "results": hits.iter().map(|h| hit_json(&screener, h)).collect::<Vec<_>>(),
                        })
                    }
                    _ => {
                        failed += 1;
                        json!({
                            "row": row.line,
                            "id": row.id,
                            "name": row.name,
                            "status": "not screened",
                            "reason": refusal_code(&row.query),
                            "error": refusal_message(&row.query),
                        })
                    }
                };
                serde_json::to_writer(&mut out, &value)?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush()?;
    eprintln!(
        "{} rows: {} screened, {matched} with a match at threshold {:.2}, {failed} not screened",
        rows.len(),
        rows.len() - failed,
        options.threshold
    );
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The stable code of a row's refusal.
fn refusal_code(query: &Result<Query, Refusal>) -> &'static str {
    query.as_ref().err().map_or("not_screened", |r| r.code)
}

/// The sentence of a row's refusal.
fn refusal_message(query: &Result<Query, Refusal>) -> &str {
    query.as_ref().err().map_or("not screened", |r| r.message.as_str())
}
