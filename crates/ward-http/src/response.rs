//! The answers of the routes as typed structs, serialized as yente's response models where
//! yente has one (`MatchResponse`, `SearchResponse`, `TotalSpec`) and as Ward's own otherwise.
//! Entities stay FtM JSON values: their properties are open-ended.

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use ward_store::AuditRecord;

/// How a total counts: exactly, or at least (more results exist than were returned).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// Exactly this many.
    Eq,
    /// At least this many.
    Gte,
}

/// yente's `TotalSpec`.
#[derive(Debug, Clone, Copy, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum QueryAnswer {
    /// Screened: yente's `EntityMatches`.
    Screened {
        /// Always 200.
        status: u16,
        /// The scored entities, best first.
        results: Vec<Value>,
        /// How many.
        total: Total,
        /// The query as read.
        query: Value,
    },
    /// Not screened: a name of the query cannot be; no `results`, so it is never read as a
    /// screening without hits.
    NotScreened {
        /// The error's status (400).
        status: u16,
        /// The error body.
        error: Value,
        /// The query as read.
        query: Value,
    },
}

/// The matcher `/match` used.
#[derive(Debug, Clone, Serialize)]
pub struct Matcher {
    /// The algorithm's name.
    pub name: &'static str,
}

/// yente's `EntityMatchResponse` of `POST /match/{dataset}`.
#[derive(Debug, Clone, Serialize)]
pub struct MatchResponse {
    /// One answer per query, by the query's key.
    pub responses: BTreeMap<String, QueryAnswer>,
    /// The algorithm used.
    pub matcher: Matcher,
    /// Most results per query.
    pub limit: usize,
}

/// yente's `SearchResponse` of `GET /search/{dataset}`.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResponse {
    /// The scored entities, best first.
    pub results: Vec<Value>,
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
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}

/// `GET /readyz`.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct AuditResponse {
    /// How many records follow.
    pub total: usize,
    /// The records, newest first.
    pub records: Vec<AuditRecord>,
}
