//! Queries as clients send them: yente-shaped `FtM` entities (`{"id", "schema", "properties":
//! {"name": [...], "birthDate": [...], ...}}`), turned into engine queries, and hits turned into
//! the JSON Ward answers with.

use serde_json::{json, Value};
use ward_engine::{Hit, Query, Screener};

/// Reads a yente-shaped query entity with the server's own reader (same schemata, properties and
/// checks as `POST /match`); a line without a schema is read as `Thing`, a party of unknown kind.
/// Returns its id (empty if none) and the engine query; a query whose names cannot be screened
/// is an error holding the [`ward_engine::NotScreened`] refusal.
pub(crate) fn query_from_ftm(value: &Value) -> anyhow::Result<(String, Query)> {
    let mut value = value.clone();
    if let Value::Object(object) = &mut value {
        object.entry("schema").or_insert_with(|| Value::from("Thing"));
    }
    let parsed = ward_http::dto::parse_query("query", &value).map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(refusal) = parsed.refused {
        return Err(anyhow::Error::new(refusal));
    }
    let id = value.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
    Ok((id, parsed.query))
}

/// A hit as Ward writes it in JSON lines: the subject, the score and the explanation.
pub(crate) fn hit_json(screener: &Screener, hit: &Hit) -> Value {
    let subject = &screener.subjects()[hit.subject];
    json!({
        "id": subject.id,
        "caption": subject.caption(),
        "schema": subject.schema().ftm_name(),
        "score": (hit.score * 1000.0).round() / 1000.0,
        "match": hit.is_match,
        "datasets": subject.datasets(),
        "referents": subject.referents().collect::<Vec<_>>(),
        "matched_name": hit.comparison.matched_name,
        "query_name": hit.comparison.query_name,
        "explanations": hit.comparison.explanations.iter().map(|e| e.text.clone()).collect::<Vec<_>>(),
    })
}
