//! `ward screen customers.csv --name-column NAME`: screen a plain CSV of customers, writing one
//! row (CSV) or line (JSONL) per customer with its best hit.

use crate::args::{ScreenArgs, ScreenFormat};
use crate::query::hit_json;
use anyhow::{bail, Context};
use rayon::prelude::*;
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use ward_engine::Query;
use ward_model::Schema;

pub(crate) fn run(data_dir: &Path, args: &ScreenArgs) -> anyhow::Result<ExitCode> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&args.input)
        .with_context(|| format!("opening {}", args.input.display()))?;
    let headers =
        reader.headers().with_context(|| format!("reading the header of {}", args.input.display()))?.clone();
    let column = |name: &Option<String>| -> anyhow::Result<Option<usize>> {
        match name {
            None => Ok(None),
            Some(name) => match headers.iter().position(|h| h.trim() == name) {
                Some(i) => Ok(Some(i)),
                None => bail!(
                    "{}: no column {name:?}; the header has: {}",
                    args.input.display(),
                    headers.iter().collect::<Vec<_>>().join(", ")
                ),
            },
        }
    };
    let name_col = column(&Some(args.name_column.clone()))?.unwrap_or(0);
    let (dob_col, country_col, id_col) =
        (column(&args.dob_column)?, column(&args.country_column)?, column(&args.id_column)?);
    let schema = match &args.kind {
        Some(kind) => Some(Schema::from_name(kind).with_context(|| format!("unknown kind {kind:?}"))?),
        None => None,
    };
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .with_context(|| format!("reading {}", args.input.display()))?;
    let screener = crate::matching::load_screener(data_dir)?;
    let options = crate::matching::options(args.threshold, 3, &[]);
    let cell = |row: &csv::StringRecord, col: Option<usize>| -> Vec<String> {
        col.and_then(|c| row.get(c))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| vec![s.to_string()])
            .unwrap_or_default()
    };
    let results: Vec<_> = rows
        .par_iter()
        .map(|row| {
            let query = Query {
                names: cell(row, Some(name_col)),
                schema,
                birth_dates: cell(row, dob_col),
                countries: cell(row, country_col),
                ..Query::default()
            };
            let hits =
                if query.names.is_empty() { Vec::new() } else { screener.match_query(&query, &options) };
            (row, hits)
        })
        .collect();
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut matched = 0;
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
            ])?;
            for (i, (row, hits)) in results.iter().enumerate() {
                let top = hits.first();
                matched += usize::from(top.is_some_and(|h| h.is_match));
                let subject = top.map(|h| &screener.subjects()[h.subject]);
                writer.write_record([
                    (i + 2).to_string(),
                    cell(row, id_col).join(""),
                    cell(row, Some(name_col)).join(""),
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
                ])?;
            }
            writer.flush()?;
        }
        ScreenFormat::Jsonl => {
            for (i, (row, hits)) in results.iter().enumerate() {
                matched += usize::from(hits.first().is_some_and(|h| h.is_match));
                let value = json!({
                    "row": i + 2,
                    "id": cell(row, id_col).join(""),
                    "name": cell(row, Some(name_col)).join(""),
                    "results": hits.iter().map(|h| hit_json(&screener, h)).collect::<Vec<_>>(),
                });
                serde_json::to_writer(&mut out, &value)?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush()?;
    eprintln!(
        "{} customers screened: {matched} with a match at threshold {:.2}",
        results.len(),
        options.threshold
    );
    Ok(ExitCode::SUCCESS)
}
