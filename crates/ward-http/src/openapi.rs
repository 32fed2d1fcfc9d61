//! The `OpenAPI` 3.1 document of the service: every route, its parameters, bodies, answers, error
//! answers and the security schemes.
//!
//! The component schemas are derived from the types the routes answer with and read
//! ([`utoipa::ToSchema`] on the structs of [`crate::response`], [`ErrorBody`], and, through their
//! `openapi` feature, on ward-store's, ward-payments' and ward-model's), so a field added to one
//! of them is in the document. The operations are written as JSON values from the constants the
//! handlers use (defaults, limits, error codes) and name their schemas by type; the paths are
//! taken from the router's one route list, [`crate::routes::routes`]. The tests check that each
//! route is described and nothing else is, and that answers validate against their schemas.

use crate::dto::{self, MAX_BATCH};
use crate::error::{ErrorBody, ErrorCode};
use crate::extract::{
    DEFAULT_ALERT_LIMIT, DEFAULT_AUDIT_LIMIT, DEFAULT_CUTOFF, DEFAULT_MATCH_LIMIT, DEFAULT_SEARCH_LIMIT,
    MAX_LIMIT,
};
use crate::lists::ListChange;
use crate::payments::{MT_CONTENT_TYPE, XML_CONTENT_TYPE};
use crate::response::{
    AlertsResponse, Algorithms, AuditResponse, Catalog, Entity, Health, MatchResponse, PaymentResponse,
    Ready, SearchResponse,
};
use crate::review::{ExportResponse, HistoryResponse, ReviewBody};
use serde_json::{json, Map, Value};
use utoipa::{OpenApi, ToSchema};
use ward_engine::DEFAULT_THRESHOLD;
use ward_engine::MAX_NAME_CHARS;
use ward_store::{Alert, AlertStatus, Decision, DecisionRequest, KeyInfo, VersionDiff};

/// The schemas of the answers and request bodies the routes serialize or read as types; each
/// brings the schemas of the types it holds.
#[derive(OpenApi)]
#[openapi(components(schemas(
    ErrorBody,
    MatchResponse,
    SearchResponse,
    Entity,
    Catalog,
    Algorithms,
    Health,
    Ready,
    AuditResponse,
    KeyInfo,
    ListChange,
    VersionDiff,
    AlertsResponse,
    Alert,
    DecisionRequest,
    ReviewBody,
    Decision,
    HistoryResponse,
    ExportResponse,
    PaymentResponse,
)))]
struct DerivedSchemas;

/// The derived component schemas, by name.
fn derived_schemas() -> Map<String, Value> {
    let components = DerivedSchemas::openapi().components.expect("the derive declares components");
    match serde_json::to_value(components.schemas).expect("schemas serialize") {
        Value::Object(schemas) => schemas,
        other => unreachable!("schemas serialize as a map, not {other}"),
    }
}

fn schema_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// A reference to the schema derived from `T`.
fn schema_of<T: ToSchema>() -> Value {
    schema_ref(&T::name())
}

fn json_content(schema: Value) -> Value {
    json!({"application/json": {"schema": schema}})
}

/// The 200 answer with a body of type `T`.
fn ok<T: ToSchema>(description: &str) -> (String, Value) {
    ("200".to_string(), json!({"description": description, "content": json_content(schema_of::<T>())}))
}

/// Error answers for the given statuses, each with the error body.
fn errors(statuses: &[u16]) -> Vec<(String, Value)> {
    statuses
        .iter()
        .map(|status| {
            let codes: Vec<&str> = ErrorCode::ALL
                .iter()
                .filter(|c| c.status().as_u16() == *status)
                .map(|c| c.as_str())
                .collect();
            let mut response = json!({
                "description": format!("Error: {}", codes.join(", ")),
                "content": json_content(schema_of::<ErrorBody>()),
            });
            if *status == 429 {
                response["headers"] = json!({"Retry-After": {
                    "description": "Seconds until the key may call again.",
                    "schema": {"type": "integer"},
                }});
            }
            (status.to_string(), response)
        })
        .collect()
}

fn responses(items: Vec<(String, Value)>) -> Value {
    let mut map: Map<String, Value> = items.into_iter().collect();
    // Every answer carries the request id, which the audit trail records.
    for response in map.values_mut() {
        let headers = response.as_object_mut().expect("object").entry("headers").or_insert_with(|| json!({}));
        headers["X-Request-Id"] = json!({
            "description": "The request id, as recorded in the audit trail.",
            "schema": {"type": "string"},
        });
    }
    Value::Object(map)
}

fn query_param(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn path_param(name: &str, description: &str, example: &str) -> Value {
    json!({
        "name": name,
        "in": "path",
        "required": true,
        "description": description,
        "schema": {"type": "string"},
        "example": example,
    })
}

const SCREEN: &str = "screen";
const ADMIN: &str = "admin";
const REVIEW: &str = "review";

fn secured(scope: &str) -> Value {
    json!([{"bearerAuth": [scope]}, {"apiKeyHeader": [scope]}])
}

/// Security of a route any of `scopes` opens.
fn secured_any(scopes: &[&str]) -> Value {
    Value::Array(
        scopes.iter().flat_map(|scope| secured(scope).as_array().cloned().unwrap_or_default()).collect(),
    )
}

/// The `OpenAPI` document: an operation for each route of [`crate::routes::routes`], in their
/// order (a route without one is left out, and the tests fail).
pub fn document() -> Value {
    let mut document = described();
    let mut operations = document["paths"].take();
    let mut paths = Map::new();
    for route in crate::routes::routes() {
        let method = route.method.as_str().to_ascii_lowercase();
        if let Some(operation) = operations.get_mut(route.path).and_then(|p| p.get_mut(&method)) {
            let path = paths.entry(route.path).or_insert_with(|| json!({}));
            path[method.as_str()] = operation.take();
        }
    }
    document["paths"] = Value::Object(paths);
    document
}

/// The document with an operation for every route, written from the constants the handlers
/// use, and the schemas.
fn described() -> Value {
    let mut document = described_yente_and_admin();
    document["paths"]["/screen/payment"] = payment_operation();
    let schemas = document["components"]["schemas"].as_object_mut().expect("an object");
    schemas.extend(derived_schemas());
    document
}

/// An MT103 for the document's example.
const MT_EXAMPLE: &str =
    "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:REF1234567890\n:23B:CRED\n\
    :32A:251013EUR10000,00\n:50K:/DE12345678901234567890\nJOHN DOE\nBERLIN\n\
    :59:/FR7630001007941234567890185\nMARIE DUPONT\nPARIS\n:71A:SHA\n-}";

/// A pacs.008 for the document's example.
const ISO_EXAMPLE: &str = r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf><GrpHdr><MsgId>MSG1</MsgId><NbOfTxs>1</NbOfTxs></GrpHdr><CdtTrfTxInf><PmtId><UETR>7a562c67-ca16-48ba-b074-65581be6f001</UETR></PmtId><Dbtr><Nm>A Debiter</Nm></Dbtr><DbtrAgt><FinInstnId><BICFI>CLYDGB2S</BICFI></FinInstnId></DbtrAgt><CdtrAgt><FinInstnId><BICFI>CAIXESBB</BICFI></FinInstnId></CdtrAgt><Cdtr><Nm>B Creditor Co</Nm><PstlAdr><TwnNm>Barcelona</TwnNm><Ctry>ES</Ctry></PstlAdr></Cdtr></CdtTrfTxInf></FIToFICstmrCdtTrf></Document>"#;

/// `POST /screen/payment`.
fn payment_operation() -> Value {
    json!({"post": {
        "operationId": "screenPayment",
        "summary": "Screen payment messages field by field: hold or release each, with every hit by field (as `ward payments screen --json`).",
        "description": format!("The body is the raw message: ISO 20022 XML (pacs.008, pacs.009 with COV, pacs.004, pain.001, camt.056, camt.029; bare or in a header envelope; several documents allowed) as `{XML_CONTENT_TYPE}`, or SWIFT MT (MT101, MT103, MT202, MT202COV, MT205; RJE files and ACK-wrapped messages) as `{MT_CONTENT_TYPE}`. Every party, agent, place and free-text field is screened against the snapshot's lists and the server's geography table. A body that cannot be read as payment messages of the declared syntax is a 400 `invalid_payment` error naming what is wrong; any other Content-Type is refused with 415. A cover payment (pacs.009 COV, MT202COV, MT205COV) whose underlying debtor or creditor is missing or a placeholder (`NOT PROVIDED`, `ONE OF OUR CLIENTS`...), or whose underlying parties differ by name from the pacs.008 or MT103 with the same UETR screened earlier by this server, is held with a hit of kind `stripping`. Recorded in the audit trail with the list versions."),
        "security": secured(SCREEN),
        "requestBody": {"required": true, "content": {
            XML_CONTENT_TYPE: {"schema": {"type": "string"}, "example": ISO_EXAMPLE},
            MT_CONTENT_TYPE: {"schema": {"type": "string"}, "example": MT_EXAMPLE},
        }},
        "responses": responses([vec![ok::<PaymentResponse>("One decision per message of the body.")], errors(&[400, 401, 403, 408, 413, 415, 429, 500])].concat()),
    }})
}

/// The routes answering like yente, and the health, audit and admin routes.
fn described_yente_and_admin() -> Value {
    let string_list = json!({"type": "array", "items": {"type": "string"}});
    let score = json!({"type": "number", "minimum": 0, "maximum": 1});
    let limit = json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT});
    let dataset = path_param(
        "dataset",
        "`default` or `sanctions` (every list), or one list's dataset name (see /catalog).",
        "default",
    );
    let mut document = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Ward screening API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Sanctions screening against the official lists. /match, /search, \
                /entities, /catalog and /algorithms answer like OpenSanctions yente, so yente \
                clients work unchanged. Errors are JSON: {code, message, status, detail}.",
        },
        "paths": {
            "/match/{dataset}": {"post": {
                "operationId": "match",
                "summary": format!("Screen a batch of up to {MAX_BATCH} entity queries (yente /match)."),
                "description": "Each query is answered under its key. A query whose name cannot be screened (empty, without letters, too long) is answered with `status` 400 and an `error` (code `invalid_name`, a `reason`) and no `results`; when it is the only query of the request, the request fails with that 400 error.",
                "security": secured(SCREEN),
                "parameters": [
                    dataset,
                    query_param("limit", &format!("Most results per query (default {DEFAULT_MATCH_LIMIT})."), limit.clone()),
                    query_param("threshold", &format!("Score from which a result is a match (default {DEFAULT_THRESHOLD}): above 0 and at most 1, since at 0 every result, even one scoring 0, would be a match."), json!({"type": "number", "exclusiveMinimum": 0, "maximum": 1})),
                    query_param("cutoff", &format!("Results scoring below this are left out (default {DEFAULT_CUTOFF})."), score.clone()),
                    query_param("algorithm", "`ward-v1`; yente names (`best`, `logic-v2`...) are aliases.", json!({"type": "string"})),
                    query_param("book", "A monitored book whose suppressions apply (404 `book_not_found` when there is none): for a query whose `id` is a customer id of the book, a result whose pair has a suppression in force (a good-guy entry before its date, a pinned one whose customer and listed records are unchanged) is left out of `results` and listed in `suppressed` with its decision; the audit trail records both.", json!({"type": "string", "minLength": 1})),
                ],
                "requestBody": {"required": true, "description": "JSON; a body without Content-Type is read as JSON, any other type is refused with 415.", "content": json_content(schema_ref("MatchRequest"))},
                "responses": responses([vec![ok::<MatchResponse>("One answer per query.")], errors(&[400, 401, 403, 404, 408, 413, 415, 429, 500])].concat()),
            }},
            "/search/{dataset}": {"get": {
                "operationId": "search",
                "summary": "Search entities by name (yente /search).",
                "security": secured(SCREEN),
                "parameters": [
                    dataset,
                    {"name": "q", "in": "query", "required": true, "description": "The name to search; a name that cannot be screened is answered with a 400 `invalid_name` error.", "schema": {"type": "string", "minLength": 1, "maxLength": MAX_NAME_CHARS}, "example": "Vladimir Putin"},
                    query_param("limit", &format!("Most results (default {DEFAULT_SEARCH_LIMIT})."), limit.clone()),
                    query_param("offset", "Results to skip.", json!({"type": "integer", "minimum": 0})),
                    query_param("schema", "Only entities of this FtM schema.", json!({"type": "string"})),
                ],
                "responses": responses([vec![ok::<SearchResponse>("The entities found.")], errors(&[400, 401, 403, 404, 429, 500])].concat()),
            }},
            "/entities/{id}": {"get": {
                "operationId": "entity",
                "summary": "One entity by its id or any of its referents, as FtM JSON.",
                "security": secured(SCREEN),
                "parameters": [path_param("id", "Entity id or referent, e.g. `us_ofac_sdn:35096`.", "us_ofac_sdn:35096")],
                "responses": responses([vec![ok::<Entity>("The entity.")], errors(&[400, 401, 403, 404, 429, 500])].concat()),
            }},
            "/catalog": {"get": {
                "operationId": "catalog",
                "summary": "The lists loaded, with their versions and dates.",
                "security": [],
                "responses": responses(vec![ok::<Catalog>("The catalog.")]),
            }},
            "/algorithms": {"get": {
                "operationId": "algorithms",
                "summary": "The scoring algorithms (yente shape).",
                "security": [],
                "responses": responses(vec![ok::<Algorithms>("The algorithms.")]),
            }},
            "/healthz": {"get": {
                "operationId": "healthz",
                "summary": "Liveness: the process answers.",
                "security": [],
                "responses": responses(vec![ok::<Health>("Alive.")]),
            }},
            "/readyz": {"get": {
                "operationId": "readyz",
                "summary": "Readiness: a snapshot with at least one list is loaded.",
                "security": [],
                "responses": responses([vec![ok::<Ready>("Ready.")], errors(&[503])].concat()),
            }},
            "/metrics": {"get": {
                "operationId": "metrics",
                "summary": "Prometheus metrics.",
                "security": [],
                "responses": responses(vec![("200".to_string(), json!({
                    "description": "Prometheus text exposition.",
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                }))]),
            }},
            "/openapi.json": {"get": {
                "operationId": "openapi",
                "summary": "This document.",
                "security": [],
                "responses": responses(vec![("200".to_string(), json!({
                    "description": "The OpenAPI document.",
                    "content": json_content(json!({"type": "object"})),
                }))]),
            }},
            "/admin/audit": {"get": {
                "operationId": "audit",
                "summary": "Audit records of screening requests, newest first (admin).",
                "security": secured(ADMIN),
                "parameters": [
                    query_param("name", "Case-insensitive part of a queried name.", json!({"type": "string"})),
                    query_param("from", "From this time (RFC 3339) or date, inclusive.", json!({"type": "string"})),
                    query_param("to", "Up to this time (RFC 3339) or date, inclusive.", json!({"type": "string"})),
                    query_param("key", "Only requests made with this key id.", json!({"type": "string"})),
                    query_param("request_id", "Only this request.", json!({"type": "string"})),
                    query_param("matched", "Only requests answered with a match.", json!({"type": "boolean"})),
                    query_param("limit", &format!("Most records (default {DEFAULT_AUDIT_LIMIT})."), json!({"type": "integer", "minimum": 0})),
                ],
                "responses": responses([vec![ok::<AuditResponse>("The records.")], errors(&[400, 401, 403, 429, 500])].concat()),
            }},
            "/admin/keys/{id}": {"delete": {
                "operationId": "revokeKey",
                "summary": format!("Revoke an API key (admin). This server refuses it at once; other servers on the same store within their key cache's lifetime (`ward serve --key-cache-seconds`, default {}).", crate::DEFAULT_KEY_CACHE_TTL.as_secs()),
                "security": secured(ADMIN),
                "parameters": [path_param("id", "The key's public id, as `ward keys list` shows it.", "a1b2c3d4e5f6")],
                "responses": responses([vec![ok::<KeyInfo>("The key, now revoked.")], errors(&[400, 401, 403, 404, 429, 500])].concat()),
            }},
            "/admin/lists": {"post": {
                "operationId": "importList",
                "summary": "Import a list file (the body) and swap in a snapshot with it (admin).",
                "security": secured(ADMIN),
                "description": format!("The body is read as `ward lists import` reads a folder holding it under `name`, so the API and the CLI accept the same files (e.g. `name=sdn.csv` for an OFAC SDN CSV). The answer waits up to {} s (`Config::rebuild_wait`) for the snapshot that includes the new version: `snapshot` is `rebuilt` when screening answers from it, `rebuilding` when the rebuild goes on after the answer, `unchanged` when the current versions did not change. Recorded in the audit trail.", crate::DEFAULT_REBUILD_WAIT.as_secs()),
                "parameters": [
                    query_param("name", "The file name, a hint at the format (e.g. `sdn.csv`, `sdn.xml`).", json!({"type": "string"})),
                    query_param("allow_shrink", "Make the version current even if it holds no records or removes more of the current version's records than allowed (recorded in the version's note and the audit trail).", json!({"type": "boolean"})),
                ],
                "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                "responses": responses([vec![ok::<ListChange>("The import.")], errors(&[400, 401, 403, 413, 429, 500])].concat()),
            }},
            "/admin/lists/{dataset}/rollback": {"post": {
                "operationId": "rollbackList",
                "summary": "Make an earlier version of a list current again, as a new version pointing at its content (admin); as `ward lists rollback`.",
                "description": "The answer's `version` is the new version; its `restores` is the number of the version whose content it makes current. `snapshot` as for an upload. Recorded in the audit trail.",
                "security": secured(ADMIN),
                "parameters": [
                    path_param("dataset", "The list's dataset name (see /catalog).", "us_ofac_sdn"),
                    query_param("to", "The version number to make current (`ward lists show DATASET`); default: the newest earlier version whose content differs from the current one.", json!({"type": "integer", "minimum": 1})),
                ],
                "responses": responses([vec![ok::<ListChange>("The rollback.")], errors(&[400, 401, 403, 404, 409, 429, 500])].concat()),
            }},
            "/lists/{dataset}/diff": {"get": {
                "operationId": "diffList",
                "summary": "What changed between two versions of a list: records added, removed (delisted) and amended, and for each amendment the items removed and added per field (admin); as `ward lists diff --json`.",
                "description": "A rollback version is compared by the content it makes current. 404 `dataset_not_found` for a list the store does not hold, `version_not_found` for a version number it lacks (or no version before `to` when `from` is left out).",
                "security": secured(ADMIN),
                "parameters": [
                    path_param("dataset", "The list's dataset name (see /catalog).", "us_ofac_sdn"),
                    query_param("from", "The older version's number (`ward lists show DATASET`); default: the version before `to`.", json!({"type": "integer", "minimum": 1})),
                    query_param("to", "The newer version's number; default: the current version.", json!({"type": "integer", "minimum": 1})),
                ],
                "responses": responses([vec![ok::<VersionDiff>("The changes.")], errors(&[400, 401, 403, 404, 429, 500])].concat()),
            }},
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "An API key from `ward keys create`."},
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
            },
            // The derived schemas join these. `/match` bodies are read by hand, not into a type
            // (`dto::parse_batch`, so that each refusal names its query), so their schemas are
            // written here.
            "schemas": {
                "EntityExample": {
                    "type": "object",
                    "required": ["schema", "properties"],
                    "properties": {
                        "id": {"type": ["string", "null"]},
                        "schema": {"type": "string", "enum": dto::SCHEMATA, "example": "Person"},
                        "properties": {
                            "type": "object",
                            "description": "FtM properties: name, alias, birthDate, nationality, country, gender, passportNumber, idNumber, imoNumber...",
                            "additionalProperties": {"oneOf": [{"type": "string"}, string_list.clone()]},
                            "example": {"name": ["Vladimir Putin"], "birthDate": ["1952-10-07"]},
                        },
                    },
                },
                "MatchRequest": {
                    "type": "object",
                    "required": ["queries"],
                    "properties": {
                        "queries": {"type": "object", "additionalProperties": schema_ref("EntityExample"), "maxProperties": MAX_BATCH, "minProperties": 1},
                        "weights": {"type": "object", "additionalProperties": {"type": "number"}, "description": "Accepted for yente compatibility; ignored."},
                        "config": {"type": "object", "description": "Accepted for yente compatibility; ignored."},
                    },
                },
            },
        },
    });
    add_alerts(&mut document);
    add_review(&mut document);
    document
}

/// The alert routes: `GET /alerts`, `GET /alerts/{id}`.
fn add_alerts(document: &mut Value) {
    document["paths"]["/alerts"] = json!({"get": {
        "operationId": "alerts",
        "summary": "Alerts of monitored customer books, by id, a page at a time (review or admin).",
        "description": "Alerts are raised when a book's customer matches a listed subject: at `ward book import` (new and changed customers) and whenever a list version becomes current (`ward lists import`, an upload, a rollback), which re-screens only what the change can affect. After an upload the server re-screens in the background.",
        "security": secured_any(&[REVIEW, ADMIN]),
        "parameters": [
            query_param("book", "Only this book's alerts.", json!({"type": "string"})),
            query_param("status", "Only alerts with this status.", schema_of::<AlertStatus>()),
            query_param("after", "Only alerts with a larger id: the `next` of the previous page.", json!({"type": "integer"})),
            query_param("limit", &format!("Most alerts (default {DEFAULT_ALERT_LIMIT}, at most {MAX_LIMIT})."), json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT})),
        ],
        "responses": responses([vec![ok::<AlertsResponse>("The alerts.")], errors(&[400, 401, 403, 429, 500])].concat()),
    }});
    document["paths"]["/alerts/{id}"] = json!({"get": {
        "operationId": "alert",
        "summary": "One alert (review or admin).",
        "security": secured_any(&[REVIEW, ADMIN]),
        "parameters": [path_param("id", "The alert's id.", "1")],
        "responses": responses([vec![ok::<Alert>("The alert.")], errors(&[400, 401, 403, 404, 429, 500])].concat()),
    }});
}

/// The review desk's routes: decisions, approvals, history, export.
fn add_review(document: &mut Value) {
    let four_eyes = "Four eyes: a confirmation and a dismissal that suppresses the pair wait for a second person whose role may approve; nobody approves their own. An API key acts as `key:<name>`, in the admin role with the admin scope (it may approve) and as an analyst with only the review scope; with authentication off every request acts as `anonymous`, an admin.";
    let id_param = |what: &str| path_param("id", &format!("The {what}'s id."), "1");
    let body = |schema: Value| json!({"required": true, "content": json_content(schema)});
    document["paths"]["/alerts/{id}/decisions"] = json!({"post": {
        "operationId": "decideAlert",
        "summary": "Records a decision on an alert: confirm, dismiss or escalate, with a reason and a remark (review or admin).",
        "description": format!("{four_eyes} A decision that needs no approval takes effect at once: the alert's status changes with its `ward.alerts.updated` event and a history event naming the actor and the list versions."),
        "security": secured_any(&[REVIEW, ADMIN]),
        "parameters": [id_param("alert")],
        "requestBody": body(schema_of::<DecisionRequest>()),
        "responses": responses([
            vec![("201".to_string(), json!({"description": "The decision, pending or effective.", "content": json_content(schema_of::<Decision>())}))],
            errors(&[400, 401, 403, 404, 409, 413, 415, 429, 500]),
        ].concat()),
    }});
    for (path, id, summary) in [
        ("/decisions/{id}/approve", "approveDecision", "A second person approves a pending decision, which takes effect (review or admin; the role must allow approving)."),
        ("/decisions/{id}/reject", "rejectDecision", "A second person rejects a pending decision; the alert stays as it is (review or admin; the role must allow approving)."),
    ] {
        document["paths"][path] = json!({"post": {
            "operationId": id,
            "summary": summary,
            "description": four_eyes,
            "security": secured_any(&[REVIEW, ADMIN]),
            "parameters": [id_param("decision")],
            "requestBody": body(schema_of::<ReviewBody>()),
            "responses": responses([vec![ok::<Decision>("The decision as now stored.")], errors(&[400, 401, 403, 404, 409, 413, 415, 429, 500])].concat()),
        }});
    }
    document["paths"]["/alerts/{id}/history"] = json!({"get": {
        "operationId": "alertHistory",
        "summary": "Everything that happened to an alert, in order: raised, updated, decisions, approvals, suppressions, closes (review or admin).",
        "security": secured_any(&[REVIEW, ADMIN]),
        "parameters": [id_param("alert")],
        "responses": responses([vec![ok::<HistoryResponse>("The alert's events.")], errors(&[400, 401, 403, 404, 429, 500])].concat()),
    }});
    document["paths"]["/decisions/export"] = json!({"get": {
        "operationId": "exportDecisions",
        "summary": "The decisions requested in a period, for an examiner: what was screened, against which list versions, who decided, when, why (review or admin).",
        "security": secured_any(&[REVIEW, ADMIN]),
        "parameters": [
            json!({"name": "from", "in": "query", "required": true, "description": "First day (YYYY-MM-DD) or time (RFC 3339).", "schema": {"type": "string"}, "example": "2026-01-01"}),
            json!({"name": "to", "in": "query", "required": true, "description": "Last day, included (YYYY-MM-DD), or time (RFC 3339).", "schema": {"type": "string"}, "example": "2026-12-31"}),
            query_param("format", "`json` (default) or `csv`.", json!({"type": "string", "enum": ["json", "csv"]})),
        ],
        "responses": responses([
            vec![("200".to_string(), json!({
                "description": "The decisions, oldest first: JSON, or CSV with a header line.",
                "content": {
                    "application/json": {"schema": schema_of::<ExportResponse>()},
                    "text/csv": {"schema": {"type": "string"}},
                },
            }))],
            errors(&[400, 401, 403, 429, 500]),
        ].concat()),
    }});
}

#[cfg(test)]
mod tests;
