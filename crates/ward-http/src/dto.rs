//! Wire formats: yente's `/match` request and response, search and catalog bodies, and the
//! mapping between `FtM` query properties and Ward's [`Query`].
//!
//! Requests are read from `serde_json::Value` by hand rather than derived, so each refusal can
//! say exactly what is wrong (which query, which property) with a stable error code.

use crate::error::{Error, ErrorCode, Result};
use crate::response::{Entity, FeatureResult, MatchedName, QueryEcho, ScoredEntity};
use serde_json::Value;
use std::collections::BTreeMap;
use ward_engine::{validate_query, Factor, Hit, NotScreened, Query};
use ward_model::{Gender, Schema, Subject};

/// Most queries in one `/match` batch.
pub const MAX_BATCH: usize = 100;

/// Longest property value other than a name, in characters (names are held to
/// [`ward_engine::MAX_NAME_CHARS`] by [`validate_query`]). No real identifier or date comes near
/// this.
pub const MAX_VALUE_CHARS: usize = 1000;

/// Properties every matchable schema accepts (`FtM` `Thing` and `LegalEntity`).
const COMMON_PROPERTIES: &[&str] = &[
    "name",
    "alias",
    "previousName",
    "weakAlias",
    "country",
    "notes",
    "summary",
    "description",
    "topics",
    "address",
    "addressEntity",
    "sourceUrl",
    "wikidataId",
    "keywords",
    "program",
    "programId",
    "createdAt",
    "modifiedAt",
    "retrievedAt",
    "publisher",
    "classification",
    "email",
    "phone",
    "website",
    "legalForm",
    "incorporationDate",
    "dissolutionDate",
    "taxNumber",
    "taxStatus",
    "registrationNumber",
    "idNumber",
    "vatCode",
    "jurisdiction",
    "mainCountry",
    "opencorporatesUrl",
    "innCode",
    "ogrnCode",
    "leiCode",
    "dunsCode",
    "uniqueEntityId",
    "npiCode",
    "swiftBic",
    "bicCode",
    "icijId",
    "okpoCode",
    "bvdId",
    "sector",
    "status",
    "uscCode",
    "cryptoWallets",
    "socialSecurityNumber",
];

/// Properties of people (`FtM` `Person`).
const PERSON_PROPERTIES: &[&str] = &[
    "firstName",
    "lastName",
    "middleName",
    "fatherName",
    "motherName",
    "secondName",
    "nameSuffix",
    "title",
    "birthDate",
    "birthPlace",
    "birthCountry",
    "deathDate",
    "nationality",
    "citizenship",
    "passportNumber",
    "gender",
    "position",
    "education",
    "religion",
    "political",
    "ethnicity",
    "appearance",
    "weight",
    "height",
    "eyeColor",
    "hairColor",
    "spokenLanguage",
];

/// Properties of vessels and aircraft (`FtM` `Vessel`, `Airplane`, `Vehicle`).
const CRAFT_PROPERTIES: &[&str] = &[
    "imoNumber",
    "mmsi",
    "callSign",
    "flag",
    "type",
    "tonnage",
    "grossRegisteredTonnage",
    "navigationArea",
    "buildDate",
    "owner",
    "operator",
    "pastFlags",
    "pastTypes",
    "model",
    "manufacturer",
    "serialNumber",
    "icaoCode",
    "registrationDate",
    "deadweightTonnage",
];

/// Properties whose values are names.
const NAME_PROPERTIES: &[&str] = &["name", "alias", "previousName", "weakAlias"];

/// Properties whose values are parts of a name, in the order they make a name.
const NAME_PART_PROPERTIES: &[&str] = &["firstName", "secondName", "middleName", "fatherName", "lastName"];

/// Properties whose values are countries.
const COUNTRY_PROPERTIES: &[&str] =
    &["nationality", "citizenship", "country", "jurisdiction", "birthCountry", "mainCountry", "flag"];

/// Properties whose values are identifiers.
const ID_PROPERTIES: &[&str] = &[
    "passportNumber",
    "idNumber",
    "socialSecurityNumber",
    "taxNumber",
    "innCode",
    "vatCode",
    "registrationNumber",
    "ogrnCode",
    "okpoCode",
    "uscCode",
    "dunsCode",
    "uniqueEntityId",
    "leiCode",
    "swiftBic",
    "bicCode",
    "imoNumber",
    "mmsi",
    "callSign",
    "serialNumber",
    "cryptoWallets",
    "icaoCode",
    "npiCode",
];

/// The schemata a query may name. `Thing` and `LegalEntity` leave the kind open.
pub const SCHEMATA: &[&str] =
    &["Thing", "LegalEntity", "Person", "Organization", "Company", "PublicBody", "Vessel", "Airplane"];

/// Whether `property` belongs to `schema`.
fn knows(schema: &str, property: &str) -> bool {
    let person = PERSON_PROPERTIES.contains(&property);
    let craft = CRAFT_PROPERTIES.contains(&property);
    if COMMON_PROPERTIES.contains(&property) {
        return true;
    }
    match schema {
        "Person" => person,
        "Vessel" | "Airplane" => craft,
        // A query of unknown kind may use any kind's properties.
        "Thing" | "LegalEntity" => person || craft,
        _ => false,
    }
}

/// One query of a batch, checked and mapped.
#[derive(Debug, Clone)]
pub struct MatchQuery {
    /// The query's key in the batch.
    pub key: String,
    /// The Ward query.
    pub query: Query,
    /// The query as echoed back (yente's `EntityExample`, properties as lists).
    pub echo: QueryEcho,
    /// Why the query is not screened ([`validate_query`]), if it is not: answer it with this
    /// error, never with an empty result list.
    pub refused: Option<NotScreened>,
}

impl MatchQuery {
    /// The refusal as the client sees it (an [`ErrorCode::InvalidName`] error naming the query).
    pub fn refusal_error(&self) -> Option<Error> {
        self.refused.as_ref().map(|refusal| Error::not_screened(&format!("query {:?}", self.key), refusal))
    }
}

/// Reads a `/match` body: `{"queries": {"q1": {"schema": ..., "properties": {...}}}}`.
pub fn parse_batch(body: &Value) -> Result<Vec<MatchQuery>> {
    let object = body
        .as_object()
        .ok_or_else(|| Error::new(ErrorCode::MalformedJson, "the body must be a JSON object"))?;
    let queries = match object.get("queries") {
        Some(Value::Object(q)) => q,
        Some(_) => return Err(Error::new(ErrorCode::MalformedJson, "\"queries\" must be an object")),
        None => return Err(Error::new(ErrorCode::InvalidBatch, "the body has no \"queries\"")),
    };
    if queries.is_empty() {
        return Err(Error::new(ErrorCode::InvalidBatch, "the batch holds no queries"));
    }
    if queries.len() > MAX_BATCH {
        return Err(Error::new(
            ErrorCode::InvalidBatch,
            format!("the batch holds {} queries; at most {MAX_BATCH} are allowed", queries.len()),
        ));
    }
    queries.iter().map(|(key, q)| parse_query(key, q)).collect()
}

fn invalid(key: &str, message: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::InvalidQuery, format!("query {key:?}: {message}"))
}

/// Reads one yente `EntityExample` (also the line format of `ward match --input` and `ward compare`).
/// A query that is well formed but whose names cannot be screened is returned with
/// [`MatchQuery::refused`] set, so that a batch can answer it alone.
pub fn parse_query(key: &str, value: &Value) -> Result<MatchQuery> {
    let object = value.as_object().ok_or_else(|| invalid(key, "must be an object"))?;
    let schema_name = match object.get("schema") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(invalid(key, "\"schema\" must be a string")),
        None => return Err(invalid(key, "\"schema\" is required")),
    };
    if !SCHEMATA.contains(&schema_name) {
        return Err(invalid(
            key,
            format!("unknown schema {schema_name:?}; use one of {}", SCHEMATA.join(", ")),
        ));
    }
    let props = match object.get("properties") {
        Some(Value::Object(p)) => p,
        Some(_) => return Err(invalid(key, "\"properties\" must be an object")),
        None => return Err(invalid(key, "\"properties\" is required")),
    };
    let mut echoed = BTreeMap::new();
    let mut query = Query {
        schema: match schema_name {
            "Thing" | "LegalEntity" => None,
            "PublicBody" => Some(Schema::Organization),
            other => Schema::from_name(other),
        },
        ..Query::default()
    };
    let mut name_parts: Vec<(usize, String)> = Vec::new();
    for (property, value) in props {
        if !knows(schema_name, property) {
            return Err(invalid(key, format!("unknown property {property:?} for schema {schema_name}")));
        }
        let values = property_values(value).ok_or_else(|| {
            invalid(key, format!("property {property:?} must be a string or a list of strings"))
        })?;
        let names =
            NAME_PROPERTIES.contains(&property.as_str()) || NAME_PART_PROPERTIES.contains(&property.as_str());
        if !names && values.iter().any(|v| v.chars().count() > MAX_VALUE_CHARS) {
            return Err(invalid(
                key,
                format!("a value of {property:?} is longer than {MAX_VALUE_CHARS} characters"),
            ));
        }
        let p = property.as_str();
        if NAME_PROPERTIES.contains(&p) {
            query.names.extend(values.iter().cloned());
        } else if let Some(order) = NAME_PART_PROPERTIES.iter().position(|n| *n == p) {
            // Name parts make a name when the query has none ("first middle last").
            if let Some(v) = values.first() {
                name_parts.push((order, v.clone()));
            }
        } else if p == "birthDate" || p == "buildDate" {
            query.birth_dates.extend(values.iter().cloned());
        } else if COUNTRY_PROPERTIES.contains(&p) {
            query.countries.extend(values.iter().cloned());
        } else if p == "gender" {
            query.gender = values.iter().find_map(|g| Gender::parse(g));
        } else if ID_PROPERTIES.contains(&p) {
            query.identifiers.extend(values.iter().cloned());
        }
        echoed.insert(property.clone(), values);
    }
    if query.names.is_empty() && !name_parts.is_empty() {
        name_parts.sort_by_key(|(order, _)| *order);
        query.names.push(name_parts.into_iter().map(|(_, v)| v).collect::<Vec<_>>().join(" "));
    }
    let refused = validate_query(&query).err();
    let id = object.get("id").and_then(Value::as_str).map(str::to_string);
    Ok(MatchQuery {
        key: key.to_string(),
        query,
        echo: QueryEcho { id, schema: schema_name.to_string(), properties: echoed },
        refused,
    })
}

/// A property value: a string or a list of strings (numbers are taken as written). Blank
/// values are dropped.
fn property_values(value: &Value) -> Option<Vec<String>> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let values: Vec<String> = match value {
        Value::Array(items) => items.iter().map(one).collect::<Option<_>>()?,
        Value::Null => Vec::new(),
        other => vec![one(other)?],
    };
    Some(values.into_iter().filter(|v| !v.is_empty()).collect())
}

/// The feature name yente clients see for each explanation factor.
fn feature_name(factor: Factor) -> &'static str {
    match factor {
        Factor::Name => "name_score",
        Factor::Identifier => "identifier_match",
        Factor::BirthDate => "dob_match",
        Factor::Country => "country_match",
        Factor::Gender => "gender_match",
        Factor::Schema => "schema_match",
        Factor::WeakAlias => "weak_alias",
    }
}

/// Rounds a score for the wire: scores are `f32` and would otherwise print as
/// `0.9300000071525574`.
pub fn round(score: f32) -> f64 {
    (f64::from(score) * 10_000.0).round() / 10_000.0
}

/// A subject as yente's `EntityResponse`: `FtM` entity JSON.
pub fn entity(subject: &Subject) -> Entity {
    let mut value = ward_lists::ftm::entity_to_ftm(subject);
    if let Value::Object(object) = &mut value {
        // yente sends these; Ward does not track them per entity yet.
        for field in ["first_seen", "last_seen", "last_change"] {
            object.entry(field).or_insert(Value::Null);
        }
    }
    Entity(value)
}

/// A hit as yente's `ScoredEntityResponse`: the `FtM` entity, `score`, `match`, `features`, and
/// `explanations` as yente 5 shapes them (feature name -> `{detail, score, query, candidate}`),
/// where `detail` is Ward's sentence for that step of the score.
pub fn scored_entity(subject: &Subject, hit: &Hit) -> ScoredEntity {
    let mut features = BTreeMap::new();
    features.insert("name_score".to_string(), round(hit.comparison.name_score));
    for e in &hit.comparison.explanations {
        if e.factor != Factor::Name {
            let sum = features.entry(feature_name(e.factor).to_string()).or_insert(0.0);
            *sum = ((*sum + round(e.delta)) * 10_000.0).round() / 10_000.0;
        }
    }
    ScoredEntity {
        entity: entity(subject),
        score: round(hit.score),
        is_match: hit.is_match,
        features,
        token: None,
        explanations: explanations(hit),
        matched_name: MatchedName {
            query: hit.comparison.query_name.clone(),
            listed: hit.comparison.matched_name.clone(),
            dataset: hit.comparison.matched_dataset.clone(),
        },
    }
}

/// The steps of a score keyed by feature, as yente's `Dict[str, FeatureResult]`. A feature that
/// explains twice (two identifiers) gets `_2`, `_3` appended, so no step is lost.
fn explanations(hit: &Hit) -> BTreeMap<String, FeatureResult> {
    let mut out = BTreeMap::new();
    for e in &hit.comparison.explanations {
        let base = feature_name(e.factor);
        let mut key = base.to_string();
        let mut n = 1;
        while out.contains_key(&key) {
            n += 1;
            key = format!("{base}_{n}");
        }
        let (query, candidate) = match e.factor {
            Factor::Name => {
                (Some(hit.comparison.query_name.clone()), Some(hit.comparison.matched_name.clone()))
            }
            _ => (None, None),
        };
        out.insert(key, FeatureResult { detail: e.text.clone(), score: round(e.delta), query, candidate });
    }
    out
}
