//! The router and its handlers. Handlers check the key, read the request, screen against one
//! snapshot, write the audit record and only then answer.

use crate::dto::{self, MatchQuery};
use crate::error::{Error, ErrorCode, Result};
use crate::extract::{
    AdminAccess, AuditContext, JsonBody, ParamList, PathParam, RequestId, ReviewAccess, ScreenAccess,
    DEFAULT_ALERT_LIMIT, DEFAULT_AUDIT_LIMIT, DEFAULT_CUTOFF, DEFAULT_MATCH_LIMIT, DEFAULT_SEARCH_LIMIT,
    MAX_LIMIT,
};
use crate::lists::{self, ListChange};
use crate::response::{
    AlertsResponse, Algorithm, AlgorithmDocs, Algorithms, AuditResponse, Catalog, CatalogDataset,
    DatasetKind, EntityMatches, Feature, Health, MatchResponse, Matcher, Publisher, QueryAnswer,
    QueryNotScreened, Ready, Relation, ScoredEntity, SearchResponse, Total,
};
use crate::suppress::BookSuppressions;
use crate::{openapi, AppState};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::handler::Handler;
use axum::http::Method;
use axum::http::StatusCode;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId as TowerRequestId, SetRequestIdLayer,
};
use ward_engine::{validate_query, Hit, MatchOptions, Query as EngineQuery, DEFAULT_THRESHOLD};
use ward_store::{AuditFilter, AuditRecord, NewPaymentHold};

/// The `status` of a healthy answer.
const STATUS_OK: &str = "ok";

/// The algorithm Ward scores with.
pub(crate) const ALGORITHM: &str = "ward-v1";

/// yente algorithm names accepted as aliases of [`ALGORITHM`], so yente clients that pin one
/// keep working.
pub(crate) const ALGORITHM_ALIASES: &[&str] = &[
    "best",
    "default",
    "logic-v1",
    "logic-v2",
    "name-based",
    "name-qualified",
    "regression-v1",
    "regression-v2",
    "regression-v3",
];

/// Builds the router over `state`: every route, JSON errors for unknown routes and methods,
/// the body limit, and the middleware that counts, times and ids each request.
pub fn app(state: AppState) -> Router {
    let max_body = state.config().max_body;
    routes()
        .into_iter()
        .fold(Router::new(), |router, route| router.route(route.path, route.handler))
        .nest_service(ward_desk::PREFIX, crate::desk::router(&state))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(state.clone(), body_deadline))
        .layer(middleware::from_fn_with_state(state.clone(), track))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeWardRequestId))
        .with_state(state)
}

/// One route of the API: the router is built from [`routes`], and the `OpenAPI` document must
/// describe each (its tests check it).
pub(crate) struct Route {
    pub(crate) method: Method,
    pub(crate) path: &'static str,
    handler: MethodRouter<AppState>,
}

fn route<H, T>(method: Method, path: &'static str, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("a method axum routes");
    Route { method, path, handler: on(filter, handler) }
}

/// Every route, registered once here.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        route(Method::POST, "/match/{dataset}", match_entities),
        route(Method::POST, "/screen/payment", crate::payments::screen_payment),
        route(Method::GET, "/search/{dataset}", search),
        route(Method::GET, "/entities/{id}", entity),
        route(Method::GET, "/catalog", catalog),
        route(Method::GET, "/algorithms", algorithms),
        route(Method::GET, "/healthz", healthz),
        route(Method::GET, "/readyz", readyz),
        route(Method::GET, "/metrics", metrics),
        route(Method::GET, "/openapi.json", openapi_json),
        route(Method::GET, "/admin/audit", audit),
        route(Method::DELETE, "/admin/keys/{id}", revoke_key),
        route(Method::POST, "/admin/lists", import_list),
        route(Method::POST, "/admin/lists/{dataset}/rollback", rollback_list),
        route(Method::GET, "/lists/{dataset}/diff", diff_list),
        route(Method::GET, "/alerts", alerts),
        route(Method::GET, "/alerts/{id}", alert),
        route(Method::POST, "/alerts/{id}/decisions", crate::review::decide),
        route(Method::GET, "/alerts/{id}/history", crate::review::history),
        route(Method::POST, "/decisions/{id}/approve", crate::review::approve),
        route(Method::POST, "/decisions/{id}/reject", crate::review::reject),
        route(Method::GET, "/decisions/export", crate::review::export),
    ]
}

/// Makes the id of a request that comes without `X-Request-Id`.
#[derive(Clone, Copy)]
struct MakeWardRequestId;

impl MakeRequestId for MakeWardRequestId {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<TowerRequestId> {
        HeaderValue::from_str(&new_request_id()).ok().map(TowerRequestId::new)
    }
}

/// Hands the request's id (the client's `X-Request-Id`, or one [`MakeWardRequestId`] made) to
/// the handlers, and counts and times the request by route. Logs the route template, never the
/// URI: search queries carry personal data.
async fn track(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let start = Instant::now();
    let id = request
        .headers()
        .get(X_REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .map_or_else(new_request_id, str::to_string);
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = request.method().clone();
    request.extensions_mut().insert(RequestId(id.clone()));
    let response = next.run(request).await;
    let seconds = start.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    state.inner.metrics.observe(&route, status, seconds);
    tracing::info!(
        request_id = %id,
        %method,
        route = %route,
        status,
        ms = seconds * 1000.0,
        "Request answered"
    );
    response
}

/// The header carrying the request id, set by the client or the server, and answered back.
const X_REQUEST_ID: &str = "x-request-id";

/// Routes whose bodies have no deadline: list files run to hundreds of MB.
const UNTIMED_BODY_ROUTES: &[&str] = &["/admin/lists"];

/// Cuts a request body off once [`crate::Config::body_timeout`] has passed since the request
/// arrived, however steadily it trickles in, and answers 408 `body_timeout` (closing the
/// connection, whose rest of the body is unread).
async fn body_deadline(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string());
    if route.as_deref().is_some_and(|route| UNTIMED_BODY_ROUTES.contains(&route)) {
        return next.run(request).await;
    }
    let timed_out = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let deadline = tokio::time::Instant::now() + state.config().body_timeout;
    let flag = Arc::clone(&timed_out);
    let request =
        request.map(|body| axum::body::Body::new(crate::server::DeadlineBody::new(body, deadline, flag)));
    let response = next.run(request).await;
    if timed_out.load(Ordering::Relaxed) {
        let mut response =
            Error::new(ErrorCode::BodyTimeout, "the request body did not arrive in time").into_response();
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        return response;
    }
    response
}

/// 16 random bytes, hex; falls back to time and a counter if the OS has no randomness.
fn new_request_id() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        bytes[..8].copy_from_slice(&now.to_le_bytes());
        bytes[8..].copy_from_slice(&COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn not_found() -> Error {
    Error::new(ErrorCode::RouteNotFound, "no such route; see /openapi.json")
}

async fn method_not_allowed() -> Error {
    Error::new(ErrorCode::MethodNotAllowed, "this route does not take this method; see /openapi.json")
}

/// The collections, each every list: name and title.
const COLLECTIONS: [(&str, &str); 2] = [("default", "All lists"), ("sanctions", "Sanctions lists")];

/// The dataset filter for `/match/{dataset}` and `/search/{dataset}`: the collections
/// ([`COLLECTIONS`]) are every list; any other name must be a list of the snapshot.
fn datasets(snapshot: &crate::Snapshot, dataset: &str) -> Result<Option<Vec<String>>> {
    match dataset {
        collection if COLLECTIONS.iter().any(|(name, _)| *name == collection) => Ok(None),
        name if snapshot.has_dataset(name) => Ok(Some(vec![name.to_string()])),
        name => {
            Err(Error::new(ErrorCode::DatasetNotFound, format!("no such dataset: {name:?}; see /catalog")))
        }
    }
}

/// Writes the audit record and waits until it is durable. A screening that cannot be audited
/// is not answered.
pub(crate) async fn audit_and_wait(state: &AppState, record: AuditRecord) -> Result<()> {
    audit_with_holds_and_wait(state, record, Vec::new()).await
}

/// Hands a request's audit record and the payments it holds to the audit writer, which commits
/// them with other requests' rows in one transaction, and waits for that commit. A failed
/// commit fails every request of the transaction: none of them may be answered as recorded.
pub(crate) async fn audit_with_holds_and_wait(
    state: &AppState,
    record: AuditRecord,
    holds: Vec<NewPaymentHold>,
) -> Result<()> {
    let metrics = &state.inner.metrics;
    metrics.audit_pending.fetch_add(1, Ordering::Relaxed);
    let outcome = state.inner.audit.submit_with_holds(vec![record], holds).wait_async().await;
    metrics.audit_pending.fetch_sub(1, Ordering::Relaxed);
    outcome.map_err(|e| {
        if e.is_user_error() {
            return Error::from(e);
        }
        metrics.audit_failures.fetch_add(1, Ordering::Relaxed);
        tracing::error!(error = %e, "Audit commit failed; the request is answered with an error");
        Error::new(
            ErrorCode::Internal,
            "the audit trail could not be written, so this request was not recorded (nor any payment it \
             holds); nothing was answered as screened: retry",
        )
    })
}

fn result_ids(hits: &[Hit]) -> Value {
    hits.iter()
        .map(|h| json!({"id": h.subject_id, "score": dto::round(h.score), "match": h.is_match}))
        .collect()
}

/// `POST /match/{dataset}`: yente's batch matching.
async fn match_entities(
    State(state): State<AppState>,
    ScreenAccess(audit): ScreenAccess,
    PathParam(dataset): PathParam,
    params: ParamList,
    JsonBody(body): JsonBody,
) -> Result<Response> {
    let limit = params.limit(DEFAULT_MATCH_LIMIT)?;
    let threshold = params.threshold()?.unwrap_or(DEFAULT_THRESHOLD);
    let cutoff = params.score("cutoff")?.unwrap_or(DEFAULT_CUTOFF).min(threshold);
    let algorithm = params.algorithm()?;
    let queries = dto::parse_batch(&body)?;
    // A lone query that cannot be screened is refused whole; in a batch, each such query gets
    // its own error and the others are screened.
    if let [query] = queries.as_slice() {
        if let Some(error) = query.refusal_error() {
            return Err(error);
        }
    }
    let book = params.get("book").map(str::to_string);
    let suppressions = match &book {
        Some(book) => {
            let customer_ids: Vec<String> = queries.iter().filter_map(|q| q.echo.id.clone()).collect();
            Some(BookSuppressions::load(&state, book, customer_ids).await?)
        }
        None => None,
    };
    let snapshot = state.snapshot();
    let options = MatchOptions { threshold, limit, cutoff, datasets: datasets(&snapshot, &dataset)? };
    let screened: Vec<EngineQuery> =
        queries.iter().filter(|q| q.refused.is_none()).map(|q| q.query.clone()).collect();

    // One query takes about a tenth of a millisecond: screen it inline. A batch is CPU work
    // worth moving off the async threads.
    let mut hits: Vec<Vec<Hit>> = if screened.len() <= 1 {
        screened.iter().map(|q| snapshot.screener.match_query(q, &options)).collect()
    } else {
        let snapshot = Arc::clone(&snapshot);
        let options = options.clone();
        tokio::task::spawn_blocking(move || {
            screened.iter().map(|q| snapshot.screener.match_query(q, &options)).collect()
        })
        .await
        .map_err(Error::internal)?
    };

    let metrics = &state.inner.metrics;
    metrics.queries.fetch_add(hits.len() as u64, Ordering::Relaxed);
    metrics
        .matches
        .fetch_add(hits.iter().filter(|h| h.iter().any(|h| h.is_match)).count() as u64, Ordering::Relaxed);

    let subjects = snapshot.screener.subjects();
    let mut responses = BTreeMap::new();
    let mut audit_results = serde_json::Map::new();
    let mut all_hits: Vec<Hit> = Vec::new();
    let mut remaining = hits.drain(..);
    for q in &queries {
        if let Some(error) = q.refusal_error() {
            // Not an empty result list: no `results`, a status and the error instead.
            let body = error.body();
            audit_results.insert(q.key.clone(), json!({"error": body.reason}));
            let status = body.status;
            responses.insert(
                q.key.clone(),
                QueryAnswer::NotScreened(QueryNotScreened { status, error: body, query: q.echo.clone() }),
            );
            continue;
        }
        let hits = remaining.next().expect("one answer per screened query");
        let (hits, suppressed) = match &suppressions {
            Some(suppressions) => {
                let (answered, suppressed) = suppressions.split(q.echo.id.as_deref(), hits, subjects);
                (answered, Some(suppressed))
            }
            None => (hits, None),
        };
        let results: Vec<ScoredEntity> =
            hits.iter().map(|h| dto::scored_entity(&subjects[h.subject], h)).collect();
        let total = Total::exact(results.len());
        let status = StatusCode::OK.as_u16();
        let mut audited = result_ids(&hits);
        if let (Value::Array(items), Some(suppressed)) = (&mut audited, &suppressed) {
            items.extend(suppressed.iter().map(|s| {
                json!({"id": s.id, "score": s.score, "match": s.is_match,
                       "suppressed": {"suppression": s.suppression, "decision": s.decision}})
            }));
        }
        responses.insert(
            q.key.clone(),
            QueryAnswer::Screened(EntityMatches {
                status,
                results,
                total,
                query: q.echo.clone(),
                suppressed,
            }),
        );
        audit_results.insert(q.key.clone(), audited);
        all_hits.extend(hits);
    }
    drop(remaining);
    let names: Vec<String> =
        queries.iter().flat_map(|q: &MatchQuery| q.query.names.iter().cloned()).collect();
    let all_hits: Vec<&Hit> = all_hits.iter().collect();
    let mut query = json!({"body": body, "limit": limit, "threshold": threshold, "cutoff": cutoff, "algorithm": algorithm});
    if let Some(book) = &book {
        query["book"] = json!(book);
    }
    let record = AuditRecord {
        query_names: names,
        list_versions: snapshot.version_ids(),
        results: Value::Object(audit_results),
        ..audit.screening(&dataset, query, &all_hits)
    };
    audit_and_wait(&state, record).await?;
    Ok(Json(MatchResponse { responses, matcher: Matcher { name: algorithm }, limit }).into_response())
}

/// `GET /search/{dataset}?q=`: name search, yente's `SearchResponse`.
async fn search(
    State(state): State<AppState>,
    ScreenAccess(audit): ScreenAccess,
    PathParam(dataset): PathParam,
    params: ParamList,
) -> Result<Response> {
    let Some(q) = params.get("q").map(str::trim).map(str::to_string) else {
        return Err(Error::new(ErrorCode::InvalidQuery, "parameter \"q\" (the name to search) is required"));
    };
    let limit = params.limit(DEFAULT_SEARCH_LIMIT)?;
    let offset = params.parse::<usize>("offset")?.unwrap_or(0).min(MAX_LIMIT);
    let schema = match params.get("schema") {
        None | Some("" | "Thing" | "LegalEntity") => None,
        Some(s) => Some(
            ward_model::Schema::from_name(s)
                .ok_or_else(|| Error::new(ErrorCode::InvalidQuery, format!("unknown schema {s:?}")))?,
        ),
    };
    let snapshot = state.snapshot();
    let options = MatchOptions {
        limit: offset + limit,
        cutoff: DEFAULT_CUTOFF,
        threshold: DEFAULT_THRESHOLD,
        datasets: datasets(&snapshot, &dataset)?,
    };
    let query = EngineQuery { names: vec![q.clone()], schema, ..EngineQuery::default() };
    if let Err(refusal) = validate_query(&query) {
        return Err(Error::not_screened("parameter \"q\"", &refusal));
    }
    let mut hits = snapshot.screener.match_query(&query, &options);
    let more = hits.len() == offset + limit;
    let hits: Vec<Hit> = hits.drain(..).skip(offset).collect();
    state.inner.metrics.queries.fetch_add(1, Ordering::Relaxed);
    let subjects = snapshot.screener.subjects();
    let results: Vec<ScoredEntity> =
        hits.iter().map(|h| dto::scored_entity(&subjects[h.subject], h)).collect();
    let all_hits: Vec<&Hit> = hits.iter().collect();
    let query = json!({"q": q, "limit": limit, "offset": offset, "schema": params.get("schema")});
    let record = AuditRecord {
        query_names: vec![q],
        list_versions: snapshot.version_ids(),
        results: result_ids(&hits),
        ..audit.screening(&dataset, query, &all_hits)
    };
    audit_and_wait(&state, record).await?;
    let relation = if more { Relation::Gte } else { Relation::Eq };
    let total = Total { value: offset + results.len(), relation };
    Ok(Json(SearchResponse { results, facets: BTreeMap::new(), total, limit, offset }).into_response())
}

/// `GET /entities/{id}`: one subject as `FtM`, by its id or any referent.
async fn entity(
    State(state): State<AppState>,
    _: ScreenAccess,
    PathParam(id): PathParam,
) -> Result<Response> {
    let snapshot = state.snapshot();
    let subject = snapshot.subject(&id).ok_or_else(|| {
        Error::new(ErrorCode::EntityNotFound, format!("no entity with id or referent {id:?}"))
    })?;
    Ok(Json(dto::entity(subject)).into_response())
}

/// `GET /catalog`: the lists of the snapshot, their versions and dates, as yente's catalog.
async fn catalog(State(state): State<AppState>) -> Response {
    let snapshot = state.snapshot();
    let names: Vec<&str> = snapshot.versions.iter().map(|v| v.dataset.as_str()).collect();
    let mut datasets: Vec<CatalogDataset> = snapshot
        .versions
        .iter()
        .map(|v| {
            let info = ward_model::dataset_info(&v.dataset);
            CatalogDataset {
                name: &v.dataset,
                title: info.map_or(v.dataset.as_str(), |i| i.title),
                publisher: Some(info.map(|i| Publisher { name: i.authority, country: i.country })),
                kind: DatasetKind::Source,
                load: true,
                version: Some(v.id.to_string()),
                last_export: Some(v.published.as_deref().unwrap_or(&v.imported_at)),
                updated_at: Some(&v.imported_at),
                entity_count: v.counts.entities,
                children: None,
                list_version: Some(v),
            }
        })
        .collect();
    let newest = snapshot.version_ids().iter().max().map(|v| v.to_string());
    for (name, title) in COLLECTIONS {
        datasets.push(CatalogDataset {
            name,
            title,
            publisher: None,
            kind: DatasetKind::Collection,
            load: true,
            version: newest.clone(),
            last_export: None,
            updated_at: None,
            entity_count: snapshot.screener.len() as u64,
            children: Some(names.clone()),
            list_version: None,
        });
    }
    let mut current: Vec<&str> = names.clone();
    current.extend(COLLECTIONS.map(|(name, _)| name));
    Json(Catalog { datasets, current, outdated: Vec::new(), index_stale: false }).into_response()
}

/// `GET /algorithms`: yente's algorithm listing; Ward has one.
async fn algorithms() -> Json<Algorithms> {
    // `url` points at the code that computes the feature.
    let feature =
        |description| Feature { description, coefficient: 1.0, url: "crates/ward-score/src/compare.rs" };
    let features = BTreeMap::from([
        ("name_score", feature("Score of the best pair of query and listed names.")),
        ("identifier_match", feature("A shared (or conflicting) identifier.")),
        ("dob_match", feature("Birth dates that agree or conflict.")),
        ("country_match", feature("Nationalities or countries that agree or conflict.")),
        ("gender_match", feature("Genders that conflict.")),
        ("schema_match", feature("Entity kinds that conflict.")),
        ("weak_alias", feature("The cap on matches of weak aliases alone.")),
    ]);
    let description = "Ward's scorer: names compared token by token across scripts and spellings \
        (weighted by rarity), adjusted by identifiers, birth dates, countries, gender and entity kind; \
        every step explained.";
    let docs =
        AlgorithmDocs { name: ALGORITHM, description, config: BTreeMap::new(), features: features.clone() };
    Json(Algorithms {
        algorithms: vec![Algorithm { name: ALGORITHM, description, features, docs }],
        default: ALGORITHM,
        best: ALGORITHM,
        aliases: ALGORITHM_ALIASES,
    })
}

/// `GET /healthz`: the process is up.
pub(crate) async fn healthz() -> Json<Health> {
    Json(Health { status: STATUS_OK })
}

/// `GET /readyz`: a snapshot with at least one list is loaded.
pub(crate) async fn readyz(State(state): State<AppState>) -> Result<Json<Ready>> {
    let snapshot = state.snapshot();
    if snapshot.versions.is_empty() {
        return Err(Error::new(ErrorCode::NotReady, "no list is loaded; import lists first"));
    }
    Ok(Json(Ready {
        status: STATUS_OK,
        lists: snapshot.versions.len(),
        subjects: snapshot.screener.len(),
        list_versions: snapshot.version_ids(),
    }))
}

/// `GET /metrics`: Prometheus text.
async fn metrics(State(state): State<AppState>) -> Response {
    let snapshot = state.snapshot();
    let mut text =
        state.inner.metrics.render(&snapshot.version_ids(), snapshot.screener.len(), snapshot.age_seconds());
    text.push_str(&crate::metrics::render_audit_commits(state.inner.audit.stats()));
    text.push_str(&state.inner.updates.render(&snapshot.versions));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}

/// `GET /openapi.json`.
async fn openapi_json() -> Json<Value> {
    Json(openapi::document())
}

/// `GET /admin/audit`: audit records, newest first (admin scope).
async fn audit(
    State(state): State<AppState>,
    _: AdminAccess,
    params: ParamList,
) -> Result<Json<AuditResponse>> {
    let matched = match params.get("matched") {
        None | Some("" | "false" | "0") => false,
        Some("true" | "1") => true,
        Some(_) => {
            return Err(Error::new(ErrorCode::InvalidQuery, "parameter \"matched\" must be true or false"))
        }
    };
    let filter = AuditFilter {
        name: params.get("name").filter(|s| !s.is_empty()).map(str::to_string),
        from: params.get("from").filter(|s| !s.is_empty()).map(str::to_string),
        to: params.get("to").filter(|s| !s.is_empty()).map(str::to_string),
        key_id: params.get("key").filter(|s| !s.is_empty()).map(str::to_string),
        request_id: params.get("request_id").filter(|s| !s.is_empty()).map(str::to_string),
        matched_only: matched,
        limit: Some(params.parse::<u64>("limit")?.unwrap_or(DEFAULT_AUDIT_LIMIT)),
    };
    let store = Arc::clone(&state.inner.store);
    let records =
        tokio::task::spawn_blocking(move || store.audit(&filter)).await.map_err(Error::internal)??;
    Ok(Json(AuditResponse { total: records.len(), records }))
}

/// `DELETE /admin/keys/{id}`: revokes a key (admin scope); its next request here is refused.
async fn revoke_key(
    State(state): State<AppState>,
    _: AdminAccess,
    PathParam(id): PathParam,
) -> Result<Json<ward_store::KeyInfo>> {
    let key = state.revoke_key(id).await?;
    Ok(Json(key))
}

/// Writes the audit record of a list change made by `context`'s request with `query`.
async fn audit_change(
    state: &AppState,
    context: AuditContext,
    query: Value,
    change: &ListChange,
) -> Result<()> {
    let results = json!({
        "status": change.status,
        "version": change.version.number,
        "restores": change.version.restores,
        "version_id": change.version.id,
        "removed": change.removed,
        "snapshot": change.snapshot,
    });
    let record = AuditRecord {
        list_versions: change.list_versions.clone(),
        results,
        ..context.record(&change.dataset, query)
    };
    audit_and_wait(state, record).await
}

/// `POST /admin/lists?name=FILE`: imports a list file, read as `ward lists import` reads it,
/// and swaps in a snapshot with it (admin scope).
async fn import_list(
    State(state): State<AppState>,
    AdminAccess(audit): AdminAccess,
    params: ParamList,
    body: Body,
) -> Result<Json<ListChange>> {
    let name = lists::upload_name(params.get("name"))?;
    let allow_shrink = params.flag("allow_shrink")?;
    let upload =
        lists::receive(body, &state.inner.upload_dir, name.clone(), state.config().max_list_body).await?;
    let query = json!({"name": name, "size": upload.size, "allow_shrink": allow_shrink});
    let policy = ward_store::ImportPolicy { allow_shrink, ..ward_store::ImportPolicy::default() };
    let change = state.import_upload(upload, policy).await?;
    audit_change(&state, audit, query, &change).await?;
    Ok(Json(change))
}

/// `GET /lists/{dataset}/diff?from=N&to=M`: what changed from version N of the list to version M
/// (default: the current version against the one before it), as `ward lists diff --json`
/// prints it (admin scope, as the other list routes).
async fn diff_list(
    State(state): State<AppState>,
    _: AdminAccess,
    PathParam(dataset): PathParam,
    params: ParamList,
) -> Result<Json<ward_store::VersionDiff>> {
    let from = params.parse::<i64>("from")?;
    let to = params.parse::<i64>("to")?;
    let store = Arc::clone(&state.inner.store);
    let diff = tokio::task::spawn_blocking(move || store.diff(&dataset, from, to))
        .await
        .map_err(Error::internal)??;
    Ok(Json(diff))
}

/// `POST /admin/lists/{dataset}/rollback?to=N`: makes version N of the list (or else the
/// previous content) current again as a new version, as `ward lists rollback` does (admin
/// scope).
async fn rollback_list(
    State(state): State<AppState>,
    AdminAccess(audit): AdminAccess,
    PathParam(dataset): PathParam,
    params: ParamList,
) -> Result<Json<ListChange>> {
    let to = params.parse::<i64>("to")?;
    let query = json!({"to": to});
    let change = state.rollback(dataset, to).await?;
    audit_change(&state, audit, query, &change).await?;
    Ok(Json(change))
}

/// `GET /alerts?book=&status=&after=&limit=`: alerts of monitored books by id, a page at a
/// time (review or admin scope); `next` is the `after` of the next page.
async fn alerts(
    State(state): State<AppState>,
    _: ReviewAccess,
    params: ParamList,
) -> Result<Json<AlertsResponse>> {
    let status = params
        .get("status")
        .filter(|s| !s.is_empty())
        .map(str::parse::<ward_store::AlertStatus>)
        .transpose()
        .map_err(|e| Error::new(ErrorCode::InvalidQuery, format!("parameter \"status\": {e}")))?;
    let limit = params.limit(DEFAULT_ALERT_LIMIT)?;
    let filter = ward_store::AlertFilter {
        book: params.get("book").filter(|s| !s.is_empty()).map(str::to_string),
        status,
        id: None,
        after: params.parse::<i64>("after")?,
        limit: Some(limit),
    };
    let store = Arc::clone(&state.inner.store);
    let alerts =
        tokio::task::spawn_blocking(move || store.alerts(&filter)).await.map_err(Error::internal)??;
    let next = (alerts.len() == limit).then(|| alerts.last().map(|a| a.id)).flatten();
    Ok(Json(AlertsResponse { alerts, next }))
}

/// `GET /alerts/{id}`: one alert (review or admin scope).
async fn alert(
    State(state): State<AppState>,
    _: ReviewAccess,
    PathParam(id): PathParam,
) -> Result<Json<ward_store::Alert>> {
    let number: i64 = id
        .parse()
        .map_err(|_| Error::new(ErrorCode::InvalidQuery, format!("alert id {id:?} is not a number")))?;
    let store = Arc::clone(&state.inner.store);
    let found = tokio::task::spawn_blocking(move || store.alert(number)).await.map_err(Error::internal)??;
    found.map(Json).ok_or_else(|| Error::new(ErrorCode::AlertNotFound, format!("there is no alert {number}")))
}
