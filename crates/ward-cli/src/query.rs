//! Queries as clients send them: yente-shaped FtM entities (`{"id", "schema", "properties":
//! {"name": [...], "birthDate": [...], ...}}`), turned into engine queries, and hits turned into
//! the JSON Ward answers with.

use anyhow::{bail, Context};
use serde_json::{json, Value};
use ward_engine::{Hit, Query, Screener};
use ward_model::{Gender, Schema};

/// FtM properties that carry identifiers.
const ID_PROPERTIES: &[&str] = &[
    "idNumber",
    "passportNumber",
    "taxNumber",
    "registrationNumber",
    "innCode",
    "ogrnCode",
    "vatCode",
    "imoNumber",
    "mmsi",
    "callSign",
    "swiftBic",
    "bicCode",
    "leiCode",
    "cryptoWallets",
    "serialNumber",
    "registrationNumber",
];

/// FtM properties that carry countries.
const COUNTRY_PROPERTIES: &[&str] = &["nationality", "citizenship", "country", "jurisdiction", "flag"];

fn strings(properties: &Value, key: &str) -> Vec<String> {
    match properties.get(key) {
        Some(Value::Array(values)) => values
            .iter()
            .filter_map(|v| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_string()],
        _ => Vec::new(),
    }
}

/// Reads a yente-shaped query entity. Returns its id (empty if none) and the engine query.
pub(crate) fn query_from_ftm(value: &Value) -> anyhow::Result<(String, Query)> {
    let id = value.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
    let schema = match value.get("schema").and_then(Value::as_str) {
        None | Some("Thing") | Some("") => None,
        Some(name) => Some(Schema::from_name(name).with_context(|| {
            format!("unknown schema {name:?}: expected Person, Organization, Company, LegalEntity, Vessel or Airplane")
        })?),
    };
    let properties = value.get("properties").context("the query has no \"properties\" object")?;
    let mut names = strings(properties, "name");
    names.extend(strings(properties, "alias"));
    let (first, last) = (strings(properties, "firstName"), strings(properties, "lastName"));
    if names.is_empty() && !last.is_empty() {
        names.push(format!("{} {}", first.join(" "), last.join(" ")).trim().to_string());
    }
    if names.is_empty() {
        bail!("the query has no name: give properties.name (or firstName and lastName)");
    }
    let mut countries = Vec::new();
    for key in COUNTRY_PROPERTIES {
        countries.extend(strings(properties, key));
    }
    let mut identifiers = Vec::new();
    for key in ID_PROPERTIES {
        for v in strings(properties, key) {
            if !identifiers.contains(&v) {
                identifiers.push(v);
            }
        }
    }
    let mut birth_dates = strings(properties, "birthDate");
    birth_dates.extend(strings(properties, "buildDate"));
    birth_dates.extend(strings(properties, "incorporationDate"));
    let query = Query {
        names,
        schema,
        birth_dates,
        countries,
        gender: strings(properties, "gender").first().and_then(|g| Gender::parse(g)),
        identifiers,
    };
    Ok((id, query))
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
