//! `ward screen customers.csv --name-column NAME`: screen a plain CSV of customers, writing one
//! row (CSV) or line (JSONL) per customer with its best hit, or with the reason it was not
//! screened. Every input row ends in exactly one output row; any row not screened makes the
//! exit status 1.

use crate::args::{KindArg, ScreenArgs, ScreenFormat};
use crate::audit::{hit_summary, Trail};
use crate::input::{decode, escape_cell, split_record};
use crate::query::hit_json;
use anyhow::{bail, Context};
use rayon::prelude::*;
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use ward_engine::{validate_query, Hit, Query};

/// One input row: its line number, its customer id and name as read, and its query or the reason
/// it is not screened.
struct Row {
    line: usize,
    id: String,
    name: String,
    query: Result<Query, Refusal>,
}

/// Why a row is not screened: a stable code and a sentence.
struct Refusal {
    code: &'static str,
    message: String,
}

pub(crate) fn run(data_dir: &Path, args: &ScreenArgs) -> anyhow::Result<ExitCode> {
    let delimiter = crate::input::delimiter(&args.delimiter)?;
    let encoding = crate::input::encoding(&args.encoding)?;
    let bytes = std::fs::read(&args.input).with_context(|| format!("opening {}", args.input.display()))?;
    let lines = crate::input::lines(&bytes);
    let Some((_, header_line)) = lines.first() else {
        bail!("{}: the file is empty; expected a header row", args.input.display());
    };
    let headers = decode(header_line, encoding)
        .with_context(|| format!("{}: the header is not valid {}", args.input.display(), encoding.name()))
        .and_then(|h| {
            split_record(&h, delimiter)
                .map_err(|e| anyhow::anyhow!("{}: the header: {e}", args.input.display()))
        })?;
    let column = |name: &Option<String>| -> anyhow::Result<Option<usize>> {
        match name {
            None => Ok(None),
            Some(name) => match headers.iter().position(|h| h.trim() == name) {
                Some(i) => Ok(Some(i)),
                None => bail!(
                    "{}: no column {name:?}; the header has: {}",
                    args.input.display(),
                    headers.join(", ")
                ),
            },
        }
    };
    let name_col = column(&Some(args.name_column.clone()))?.unwrap_or(0);
    let (dob_col, country_col, id_col) =
        (column(&args.dob_column)?, column(&args.country_column)?, column(&args.id_column)?);
    let schema = args.kind.map(KindArg::schema);
    let rows: Vec<Row> = lines[1..]
        .iter()
        .map(|&(line, bytes)| {
            read_row(line, bytes, &headers, encoding, delimiter, &args.encoding, |fields| {
                let cell = |col: Option<usize>| -> Vec<String> {
                    col.and_then(|c| fields.get(c))
                        .map(|s| s.trim())
                        .filter(|s| !s.is_empty())
                        .map(|s| vec![s.to_string()])
                        .unwrap_or_default()
                };
                (
                    cell(id_col).join(""),
                    Query {
                        names: vec![fields.get(name_col).map_or("", |s| s.trim()).to_string()],
                        schema,
                        birth_dates: cell(dob_col),
                        countries: cell(country_col),
                        ..Query::default()
                    },
                )
            })
        })
        .collect();
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

/// Reads one data line into a row: decoded, split, with as many fields as the header, and its
/// query screenable; else the row carries the reason, naming the line.
fn read_row(
    line: usize,
    bytes: &[u8],
    headers: &[String],
    encoding: &'static encoding_rs::Encoding,
    delimiter: char,
    encoding_label: &str,
    query_of: impl Fn(&[String]) -> (String, Query),
) -> Row {
    let refuse = |id: String, name: String, code, message: String| Row {
        line,
        id,
        name,
        query: Err(Refusal { code, message: format!("line {line}: {message}") }),
    };
    let Some(text) = decode(bytes, encoding) else {
        return refuse(
            String::new(),
            String::new(),
            "invalid_encoding",
            format!("not valid {encoding_label}; give the file's encoding with --encoding"),
        );
    };
    let fields = match split_record(&text, delimiter) {
        Ok(fields) => fields,
        Err(e) => return refuse(String::new(), String::new(), "malformed_row", e),
    };
    let (id, query) = query_of(&fields);
    let name = query.names.join("");
    if fields.len() != headers.len() {
        return refuse(
            id,
            name,
            "malformed_row",
            format!("the row has {} fields where the header has {}", fields.len(), headers.len()),
        );
    }
    match validate_query(&query) {
        Ok(()) => Row { line, id, name, query: Ok(query) },
        Err(refusal) => refuse(id, name, refusal.reason().code(), refusal.to_string()),
    }
}
