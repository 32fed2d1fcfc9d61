//! `ward compare --input pairs.jsonl`: score one query entity against one candidate entity per
//! line, with the explanation; for tuning and for investigating a single alert.

use crate::args::CompareArgs;
use crate::query::query_from_ftm;
use anyhow::Context;
use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::process::ExitCode;

/// The record id a candidate is read under when its line gives none: Ward's `FtM` reader names
/// every record by its id.
const UNNAMED_CANDIDATE: &str = "candidate";

/// Reads an `FtM` entity (the candidate) with Ward's `FtM` reader; the "id" is optional, as it is
/// for the query.
fn candidate_entity(value: &Value) -> anyhow::Result<ward_model::Entity> {
    let mut value = value.clone();
    if let Value::Object(object) = &mut value {
        object.entry("id").or_insert_with(|| Value::from(UNNAMED_CANDIDATE));
    }
    let line = serde_json::to_vec(&value)?;
    let list = ward_lists::parse_bytes("candidate", line)?;
    list.entities.into_iter().next().context(
        "the candidate is not a Person, Organization, Company, Vessel or Airplane entity with a name",
    )
}

pub(crate) fn run(args: &CompareArgs) -> anyhow::Result<ExitCode> {
    let file =
        std::fs::File::open(&args.input).with_context(|| format!("opening {}", args.input.display()))?;
    let threshold = args.threshold.unwrap_or(ward_engine::DEFAULT_THRESHOLD);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut errors = 0;
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", args.input.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let result = (|| -> anyhow::Result<Value> {
            let pair: Value = serde_json::from_str(&line)?;
            let query_value = pair.get("query").context("no \"query\" entity")?;
            let candidate_value = pair.get("candidate").context("no \"candidate\" entity")?;
            let (_, query) = query_from_ftm(query_value)?;
            let candidate = candidate_entity(candidate_value)?;
            let comparison = ward_engine::compare_entity(&query, &candidate);
            let mut result = json!({
                "score": (comparison.score * 1000.0).round() / 1000.0,
                "match": comparison.score >= threshold,
                "name_score": (comparison.name_score * 1000.0).round() / 1000.0,
                "query_name": comparison.query_name,
                "matched_name": comparison.matched_name,
                "explanations": comparison.explanations.iter().map(|e| e.text.clone()).collect::<Vec<_>>(),
            });
            // Each side's id is echoed when its line gives one.
            for (field, side) in [("query_id", query_value), ("candidate_id", candidate_value)] {
                if let Some(id) = side.get("id").filter(|id| id.is_string()) {
                    result[field] = id.clone();
                }
            }
            Ok(result)
        })();
        let value = result.unwrap_or_else(|err| {
            errors += 1;
            json!({ "line": i + 1, "error": format!("{}: line {}: {err:#}", args.input.display(), i + 1) })
        });
        serde_json::to_writer(&mut out, &value)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(if errors == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
