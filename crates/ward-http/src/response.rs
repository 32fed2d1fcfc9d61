//! The answers of the routes as typed structs, serialized as yente's response models where
//! yente has one (`MatchResponse`, `SearchResponse`, `TotalSpec`) and as Ward's own otherwise.
//! The `OpenAPI` document's schemas are derived from these types ([`ToSchema`]). Entities stay
//! `FtM` JSON values ([`Entity`]): their properties are open-ended.

use crate::error::ErrorBody;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};
use ward_store::AuditRecord;

/// How a total counts: exactly, or at least (more results exist than were returned).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// Exactly this many.
    Eq,
    /// At least this many.
    Gte,
}

/// yente's `TotalSpec`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[schema(as = TotalSpec)]
pub struct Total {
    /// The count.
    pub value: usize,
    /// Whether it is exact.
    pub relation: Relation,
}

impl Total {
    /// Exactly `value`.
    pub fn exact(value: usize) -> Total {
        Total { value, relation: Relation::Eq }
    }
}

/// The answer to one query of a `/match` batch.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum QueryAnswer {
    /// Screened.
    Screened(EntityMatches),
    /// Not screened: a name of the query cannot be.
    NotScreened(QueryNotScreened),
}

/// A screened query of a batch, as yente's `EntityMatches`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntityMatches {
    /// Always 200.
    pub status: u16,
    /// The scored entities, best first.
    pub results: Vec<ScoredEntity>,
    /// How many.
    pub total: Total,
    /// The query as read.
    pub query: QueryEcho,
    /// With `book`: the results left out by a suppression of the book in force for the pair
    /// (the query's `id` as the book's customer, this subject), each with the decision behind
    /// it; absent without `book`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Vec<SuppressedResult>>,
}

/// A query of a batch that was not screened because a name cannot be (a lone query is answered
/// with a 400 `invalid_name` error instead). It has no `results`: it is not a screening without
/// hits.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueryNotScreened {
    /// The error's status (400).
    pub status: u16,
    /// The error.
    pub error: ErrorBody,
    /// The query as read.
    pub query: QueryEcho,
}

/// A query as read, echoed back: yente's `EntityExample`, each property's values as a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueryEcho {
    /// The query's `id` (a customer id, with `book`), if it has one.
    pub id: Option<String>,
    /// The `FtM` schema it names.
    pub schema: String,
    /// Its properties, blank values left out.
    pub properties: BTreeMap<String, Vec<String>>,
}

/// An entity as yente's `EntityResponse`: the `FtM` entity JSON of the listed subject
/// (`ward_lists::ftm::entity_to_ftm`), whose `properties` are open-ended, with yente's
/// `first_seen`, `last_seen` and `last_change`.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Entity(pub Value);

impl PartialSchema for Entity {
    fn schema() -> RefOr<Schema> {
        let schema = serde_json::json!({
            "type": "object",
            "required": ["id", "caption", "schema", "properties", "datasets", "referents", "target"],
            "properties": {
                "id": {"type": "string"},
                "caption": {"type": "string"},
                "schema": {"type": "string"},
                "properties": {"type": "object", "additionalProperties": {"type": "array", "items": {}}},
                "datasets": {"type": "array", "items": {"type": "string"}},
                "referents": {"type": "array", "items": {"type": "string"}},
                "target": {"type": "boolean"},
                "first_seen": {"type": ["string", "null"]},
                "last_seen": {"type": ["string", "null"]},
                "last_change": {"type": ["string", "null"]},
            },
        });
        serde_json::from_value(schema).expect("an OpenAPI schema")
    }
}

impl ToSchema for Entity {}

/// A scored entity, as yente's `ScoredEntityResponse`: the entity, its score and each step of
/// the score.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScoredEntity {
    /// The listed subject.
    #[serde(flatten)]
    pub entity: Entity,
    /// The score in [0, 1].
    #[schema(minimum = 0, maximum = 1)]
    pub score: f64,
    /// Whether the score reaches the threshold.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// The score's parts by yente feature name: `name_score`, then the sum of each other
    /// factor's adjustments.
    pub features: BTreeMap<String, f64>,
    /// Always `null`: Ward issues no tokens.
    pub token: Option<String>,
    /// Each step of the score by feature, as yente's `FeatureResult`s; a feature that explains
    /// twice gets `_2`, `_3` appended.
    pub explanations: BTreeMap<String, FeatureResult>,
    /// Which query name met which listed name.
    pub matched_name: MatchedName,
}

/// One step of a score, as yente's `FeatureResult`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeatureResult {
    /// Ward's sentence for the step.
    pub detail: String,
    /// What the step adds to the score (the name score for `name_score`).
    pub score: f64,
    /// The query's name, for the name step.
    pub query: Option<String>,
    /// The listed name, for the name step.
    pub candidate: Option<String>,
}

/// The pair of names a score was computed on.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatchedName {
    /// The query's name.
    pub query: String,
    /// The listed name.
    pub listed: String,
    /// The dataset of the listed name.
    pub dataset: String,
}

/// A result of `/match?book=` left out because a suppression of the book holds for the pair
/// (the query's `id` as customer, this subject): decided at the desk and approved.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuppressedResult {
    /// The listed subject's id.
    pub id: String,
    /// Its caption.
    pub caption: String,
    /// Its score.
    pub score: f64,
    /// Whether it would have been a match.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// The suppression's id.
    pub suppression: i64,
    /// The decision that created it.
    pub decision: i64,
    /// Good-guy or pinned.
    pub kind: ward_store::SuppressionKind,
    /// A good-guy entry's first day without effect (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// The matcher `/match` used.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Matcher {
    /// The algorithm's name.
    pub name: &'static str,
}

/// yente's `EntityMatchResponse` of `POST /match/{dataset}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatchResponse {
    /// One answer per query, by the query's key.
    pub responses: BTreeMap<String, QueryAnswer>,
    /// The algorithm used.
    pub matcher: Matcher,
    /// Most results per query.
    pub limit: usize,
}

/// yente's `SearchResponse` of `GET /search/{dataset}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResponse {
    /// The scored entities, best first.
    pub results: Vec<ScoredEntity>,
    /// Always empty: Ward computes no facets.
    pub facets: BTreeMap<String, Value>,
    /// How many results there are from the start (`gte` when more exist).
    pub total: Total,
    /// Most results.
    pub limit: usize,
    /// Results skipped.
    pub offset: usize,
}

/// `GET /healthz`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}

/// `GET /readyz`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ready {
    /// Always `ok` (not ready is an error answer).
    pub status: &'static str,
    /// Lists in the snapshot.
    pub lists: usize,
    /// Subjects in the snapshot.
    pub subjects: usize,
    /// The snapshot's list versions.
    pub list_versions: Vec<i64>,
}

/// `GET /admin/audit`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditResponse {
    /// How many records follow.
    pub total: usize,
    /// The records, newest first.
    pub records: Vec<AuditRecord>,
}

/// `GET /alerts`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlertsResponse {
    /// The alerts, by id.
    pub alerts: Vec<ward_store::Alert>,
    /// The `after` of the next page; `null` on the last page.
    pub next: Option<i64>,
}

/// Whether a catalog entry is one list or a collection of lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DatasetKind {
    /// One list.
    Source,
    /// Every list (`default`, `sanctions`).
    Collection,
}

/// The authority that publishes a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Publisher {
    /// Its name.
    pub name: &'static str,
    /// Its country (alpha-2), `zz` for international bodies.
    pub country: &'static str,
}

/// One entry of `GET /catalog`, as yente's dataset model.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CatalogDataset<'a> {
    /// The dataset name.
    pub name: &'a str,
    /// Its title.
    pub title: &'a str,
    /// A source's publisher (`null` where Ward does not know it); absent for a collection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<Option<Publisher>>,
    /// Source or collection.
    #[serde(rename = "type")]
    pub kind: DatasetKind,
    /// Always true: every dataset listed is screened.
    pub load: bool,
    /// The list version id (for a collection, the newest of its lists').
    pub version: Option<String>,
    /// A source's publication date, else its import time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_export: Option<&'a str>,
    /// A source's import time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<&'a str>,
    /// Entities (for a collection, subjects).
    pub entity_count: u64,
    /// A collection's lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<&'a str>>,
    /// A source's list version as Ward stores it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_version: Option<&'a ward_model::ListVersion>,
}

/// `GET /catalog`, as yente's `DataCatalogModel`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Catalog<'a> {
    /// The lists, then the collections.
    pub datasets: Vec<CatalogDataset<'a>>,
    /// The names of the datasets screened now.
    pub current: Vec<&'a str>,
    /// Always empty: the snapshot holds only current versions.
    pub outdated: Vec<&'a str>,
    /// Always false: the snapshot is rebuilt whole.
    pub index_stale: bool,
}

/// One feature of the scorer, as yente lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Feature {
    /// What it measures.
    pub description: &'static str,
    /// Its weight (Ward's features are explained, not weighted: 1).
    pub coefficient: f64,
    /// The code that computes it.
    pub url: &'static str,
}

/// yente 5's algorithm documentation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlgorithmDocs {
    /// The algorithm's name.
    pub name: &'static str,
    /// What it does.
    pub description: &'static str,
    /// Its settings: none.
    pub config: BTreeMap<String, Value>,
    /// Its features, by name.
    pub features: BTreeMap<&'static str, Feature>,
}

/// One algorithm of `GET /algorithms`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Algorithm {
    /// Its name.
    pub name: &'static str,
    /// What it does.
    pub description: &'static str,
    /// Its features, by name (deprecated in yente 5, still read by older clients).
    pub features: BTreeMap<&'static str, Feature>,
    /// yente 5's documentation of it.
    pub docs: AlgorithmDocs,
}

/// `GET /algorithms`, as yente's `AlgorithmResponse`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Algorithms {
    /// Ward's one algorithm.
    pub algorithms: Vec<Algorithm>,
    /// The algorithm used without `algorithm=`.
    pub default: &'static str,
    /// The best one.
    pub best: &'static str,
    /// yente names taken as aliases of Ward's.
    pub aliases: &'static [&'static str],
}

/// `POST /screen/payment`: a decision per message of the body, each as `ward payments screen
/// --json` prints it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentResponse {
    /// `hold` when any message is held, else `release`.
    pub decision: ward_payments::Decision,
    /// One decision per message, in the order of the body.
    pub messages: Vec<ward_payments::MessageDecision>,
    /// The list versions screened against (as in the audit trail).
    pub list_versions: Vec<i64>,
    /// The version of the geography table places were screened with.
    pub geography: String,
}
