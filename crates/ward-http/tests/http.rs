//! The HTTP API end to end: yente-shaped requests against a snapshot of real list excerpts,
//! errors, keys, limits, audit, hot swap under load, and graceful shutdown on a real socket.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tower::ServiceExt;
use ward_http::{AppState, Config};
use ward_store::{Scope, Store};

/// The excerpts the server starts with; the EU excerpt is left for the upload tests.
const FIXTURES: &[&str] = &[
    "un-sc/un_excerpt_2026-02-27.xml",
    "uk-ofsi/ofsi_ConList_2025-04_excerpt.csv",
    "us-ofac/consolidated-excerpt.xml",
];

const EU_FIXTURE: &str = "eu-fsf/eu_excerpt.xml";

fn testdata(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/lists").join(path)
}

/// A running app over a store in a temporary directory, with one key of each scope.
struct Server {
    state: AppState,
    app: Router,
    screen: String,
    admin: String,
    _dir: tempfile::TempDir,
}

fn server_with(config: Config) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for fixture in FIXTURES {
        for list in ward_lists::read_path(&testdata(fixture)).unwrap() {
            store.import(&list).unwrap();
        }
    }
    let (_, screen) = store.create_key("test screen", &[Scope::Screen]).unwrap();
    let (_, admin) = store.create_key("test admin", &[Scope::Admin]).unwrap();
    let state = AppState::new(store, config).unwrap();
    Server { app: ward_http::app(state.clone()), state, screen, admin, _dir: dir }
}

fn server() -> Server {
    server_with(Config::default())
}

/// An answer: status, headers, and the body as JSON (or as a JSON string when it is not JSON).
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

async fn call(app: &Router, method: Method, uri: &str, key: Option<&str>, body: Option<Vec<u8>>) -> Answer {
    let mut request = Request::builder().method(method.clone()).uri(uri);
    if let Some(key) = key {
        request = request.header("authorization", format!("Bearer {key}"));
    }
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    let request = request.body(body.map_or_else(Body::empty, Body::from)).unwrap();
    answer(&method, uri, app.clone().oneshot(request).await.unwrap()).await
}

/// Reads the answer to `method` `uri` and checks it against the `OpenAPI` document.
async fn answer(method: &Method, uri: &str, response: axum::response::Response) -> Answer {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    let answer = Answer { status, headers, body };
    check_documented(method, uri, &answer);
    answer
}

/// The `OpenAPI` document and a validator for each documented answer, built as the tests meet
/// them.
struct Documented {
    document: Value,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

static DOCUMENTED: OnceLock<Documented> = OnceLock::new();

/// Whether `path` is an instance of the document's path `template` (`/alerts/{id}`).
fn is_instance(template: &str, path: &str) -> bool {
    let template: Vec<&str> = template.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    template.len() == path.len()
        && template.iter().zip(&path).all(|(part, segment)| part.starts_with('{') || part == segment)
}

/// Checks a JSON answer against the schema the `OpenAPI` document gives for its route, method and
/// status, so that the document cannot drift from what the server sends: a status the route
/// does not document fails, and so does a body its schema does not accept. Answers of routes
/// and methods the router does not serve are not in the document.
fn check_documented(method: &Method, uri: &str, answer: &Answer) {
    let is_json = answer.headers.get("content-type").is_some_and(|t| t == "application/json");
    if !is_json {
        return;
    }
    let documented = DOCUMENTED.get_or_init(|| Documented {
        document: ward_http::openapi::document(),
        validators: Mutex::new(HashMap::new()),
    });
    let path = uri.split('?').next().unwrap();
    let paths = documented.document["paths"].as_object().unwrap();
    let Some(template) = paths.keys().find(|template| is_instance(template, path)) else { return };
    let method = method.as_str().to_ascii_lowercase();
    let Some(operation) = paths[template].get(&method) else { return };
    let status = answer.status.as_str();
    let key = format!("{method} {template} {status}");
    let validator =
        Arc::clone(documented.validators.lock().unwrap().entry(key.clone()).or_insert_with(|| {
            let schema = &operation["responses"][status]["content"]["application/json"]["schema"];
            assert!(schema.is_object(), "{key} is not documented: {}", answer.body);
            let mut schema = schema.clone();
            schema["components"] = documented.document["components"].clone();
            Arc::new(jsonschema::draft202012::new(&schema).unwrap())
        }));
    let errors: Vec<String> = validator
        .iter_errors(&answer.body)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{key}: the answer is not as documented: {errors:?}\n{}", answer.body);
}

async fn get(s: &Server, uri: &str) -> Answer {
    call(&s.app, Method::GET, uri, Some(&s.screen), None).await
}

async fn post(s: &Server, uri: &str, body: &Value) -> Answer {
    call(&s.app, Method::POST, uri, Some(&s.screen), Some(body.to_string().into_bytes())).await
}

fn person(name: &str) -> Value {
    json!({"schema": "Person", "properties": {"name": [name]}})
}

fn batch(queries: &[(&str, Value)]) -> Value {
    json!({"queries": queries.iter().map(|(k, q)| (k.to_string(), q.clone())).collect::<serde_json::Map<_, _>>()})
}

/// Checks an error answer: status, stable code, JSON body with message.
fn check_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
    assert_eq!(answer.body["code"], code, "{}", answer.body);
    assert_eq!(answer.body["status"], status);
    assert!(answer.body["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(answer.body["detail"], answer.body["message"]);
    assert_eq!(answer.headers["content-type"], "application/json");
}

fn referents(entity: &Value) -> Vec<&str> {
    entity["referents"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect()
}

#[tokio::test]
async fn match_answers_like_yente() {
    let s = server();
    let query = json!({
        "schema": "Person",
        "properties": {
            "name": ["Ibrahim Hassan Tali al-Asiri"],
            "birthDate": "1982-04-19",
            "nationality": ["Saudi Arabia"],
        },
    });
    let answer = post(&s, "/match/default", &batch(&[("q1", query)])).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.headers["x-request-id"].len(), 32);
    let body = &answer.body;
    assert_eq!(body["limit"], 5);
    let q1 = &body["responses"]["q1"];
    assert_eq!(q1["status"], 200);
    // The query is echoed back with its properties as lists.
    assert_eq!(q1["query"]["schema"], "Person");
    assert_eq!(q1["query"]["properties"]["name"], json!(["Ibrahim Hassan Tali al-Asiri"]));
    assert_eq!(q1["query"]["properties"]["birthDate"], json!(["1982-04-19"]));
    let results = q1["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert_eq!(q1["total"], json!({"value": results.len(), "relation": "eq"}));
    let top = &results[0];
    assert!(referents(top).contains(&"un_sc_sanctions:QDi.291"), "{top}");
    assert!(top["id"].as_str().unwrap().contains(':'));
    assert_eq!(top["schema"], "Person");
    assert!(top["caption"].as_str().unwrap().to_uppercase().contains("ASIRI"));
    assert!(top["properties"]["name"].as_array().is_some_and(|n| !n.is_empty()));
    assert!(top["datasets"].as_array().unwrap().contains(&json!("un_sc_sanctions")));
    assert_eq!(top["target"], true);
    let score = top["score"].as_f64().unwrap();
    assert!(score > 0.9 && score <= 1.0, "{score}");
    assert_eq!(top["match"], true);
    assert!(top["features"]["name_score"].as_f64().unwrap() > 0.8);
    assert!(top["features"]["dob_match"].as_f64().unwrap() > 0.0, "{}", top["features"]);
    // yente 5 shape: feature name -> FeatureResult {detail, score, query, candidate}.
    let explanations = top["explanations"].as_object().unwrap();
    assert!(!explanations.is_empty());
    assert!(explanations
        .values()
        .all(|e| e["detail"].as_str().is_some_and(|d| !d.is_empty()) && e["score"].is_number()));
    assert!(explanations["name_score"]["candidate"].is_string());
    // Results are sorted by score.
    let scores: Vec<f64> = results.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
}

#[tokio::test]
async fn batches_and_parameters() {
    let s = server();
    let body = batch(&[("a", person("Ismail Haniya")), ("b", person("Motlaq Amer al-Marrani"))]);
    let answer = post(&s, "/match/default?limit=1", &body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["limit"], 1);
    let a = &answer.body["responses"]["a"]["results"];
    let b = &answer.body["responses"]["b"]["results"];
    assert_eq!(a.as_array().unwrap().len(), 1);
    assert_eq!(b.as_array().unwrap().len(), 1);
    assert!(referents(&a[0]).contains(&"us_ofac_cons:9639"));
    assert!(referents(&b[0]).contains(&"gb_hmt_sanctions:15591"));

    // A threshold above every score keeps the results but matches none of them.
    let body = batch(&[("q", person("Ismail Hanya"))]);
    let answer = post(&s, "/match/default?threshold=1&cutoff=0.5", &body).await;
    let results = answer.body["responses"]["q"]["results"].as_array().unwrap().clone();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| r["match"] == false), "{results:?}");
    // yente algorithm names are accepted; unknown ones are not.
    let answer = post(&s, "/match/default?algorithm=logic-v2", &body).await;
    assert_eq!(answer.status, StatusCode::OK);
    check_error(&post(&s, "/match/default?algorithm=nope", &body).await, 400, "invalid_query");
    // The threshold is above 0 and at most 1: at 0 a result scoring 0 would be a match.
    for threshold in ["2", "0", "0.0", "-0.1", "NaN"] {
        let answer = post(&s, &format!("/match/default?threshold={threshold}"), &body).await;
        check_error(&answer, 400, "invalid_query");
    }
    assert_eq!(post(&s, "/match/default?threshold=0.01", &body).await.status, StatusCode::OK);
    check_error(&post(&s, "/match/default?limit=abc", &body).await, 400, "invalid_query");
}

#[tokio::test]
async fn dataset_filter() {
    let s = server();
    let body = batch(&[("q", person("Nashwan Abd al-Razzaq Abd al-Baqi"))]);
    let un = post(&s, "/match/un_sc_sanctions", &body).await;
    assert_eq!(un.status, StatusCode::OK, "{}", un.body);
    let top = &un.body["responses"]["q"]["results"][0];
    assert!(referents(top).contains(&"un_sc_sanctions:QDi.012"), "{top}");
    let ofac = post(&s, "/match/us_ofac_cons", &body).await;
    assert_eq!(ofac.status, StatusCode::OK);
    for result in ofac.body["responses"]["q"]["results"].as_array().unwrap() {
        assert!(result["datasets"].as_array().unwrap().contains(&json!("us_ofac_cons")), "{result}");
    }
    check_error(&post(&s, "/match/no_such_list", &body).await, 404, "dataset_not_found");
    check_error(&get(&s, "/search/no_such_list?q=x").await, 404, "dataset_not_found");
}

#[tokio::test]
async fn bad_requests_are_json_errors() {
    let s = server_with(Config { max_body: 8192, ..Config::default() });
    let raw = |body: &str| {
        call(&s.app, Method::POST, "/match/default", Some(&s.screen), Some(body.as_bytes().to_vec()))
    };
    check_error(&raw("{not json").await, 400, "malformed_json");
    check_error(&raw("[1, 2]").await, 400, "malformed_json");
    check_error(&raw("").await, 400, "malformed_json");
    check_error(&post(&s, "/match/default", &json!({"queries": {}})).await, 400, "invalid_batch");
    check_error(&post(&s, "/match/default", &json!({"other": 1})).await, 400, "invalid_batch");
    let unknown_schema = json!({"schema": "Spaceship", "properties": {"name": ["x"]}});
    check_error(&post(&s, "/match/default", &batch(&[("q", unknown_schema)])).await, 400, "invalid_query");
    let unknown_property = json!({"schema": "Person", "properties": {"name": ["x"], "shoeSize": ["44"]}});
    let answer = post(&s, "/match/default", &batch(&[("q", unknown_property)])).await;
    check_error(&answer, 400, "invalid_query");
    assert!(answer.body["message"].as_str().unwrap().contains("shoeSize"));
    let vessel_with_passport =
        json!({"schema": "Vessel", "properties": {"name": ["x"], "passportNumber": ["1"]}});
    check_error(
        &post(&s, "/match/default", &batch(&[("q", vessel_with_passport)])).await,
        400,
        "invalid_query",
    );
    let no_name = json!({"schema": "Person", "properties": {"birthDate": ["1970"]}});
    check_error(&post(&s, "/match/default", &batch(&[("q", no_name)])).await, 400, "invalid_name");
    let bad_value = json!({"schema": "Person", "properties": {"name": [{"x": 1}]}});
    check_error(&post(&s, "/match/default", &batch(&[("q", bad_value)])).await, 400, "invalid_query");

    let long_name = batch(&[("q", person(&"x".repeat(1001)))]);
    check_error(&post(&s, "/match/default", &long_name).await, 400, "invalid_name");

    // 101 queries is one too many (and small enough to pass the body limit of this server).
    let many: Vec<(String, Value)> = (0..101)
        .map(|i| (format!("{i}"), json!({"schema": "Person", "properties": {"name": "a"}})))
        .collect();
    let body = json!({"queries": many.into_iter().collect::<serde_json::Map<_, _>>()});
    assert!(body.to_string().len() < 8192);
    check_error(&post(&s, "/match/default", &body).await, 400, "invalid_batch");

    let big = batch(&[("q", person(&"x".repeat(9000)))]);
    check_error(&post(&s, "/match/default", &big).await, 413, "payload_too_large");

    check_error(&get(&s, "/nowhere").await, 404, "route_not_found");
    check_error(&get(&s, "/match/default").await, 405, "method_not_allowed");
    check_error(&get(&s, "/search/default").await, 400, "invalid_query");
    check_error(&get(&s, "/search/default?q=x&limit=0").await, 400, "invalid_query");
    // axum's own rejection of a path that is not UTF-8 answers with the API's code.
    check_error(&get(&s, "/entities/%FF%FE").await, 400, "invalid_query");
}

/// Checks the refusal of a name that cannot be screened: a 400 `invalid_name` error with its
/// reason.
fn check_not_screened(answer: &Answer, reason: &str) {
    check_error(answer, 400, "invalid_name");
    assert_eq!(answer.body["reason"], reason, "{}", answer.body);
    assert!(answer.body["message"].as_str().unwrap().contains("not screened: "), "{}", answer.body);
}

#[tokio::test]
async fn names_that_cannot_be_screened_are_refused_not_clean() {
    let s = server();
    let one = |name: &str| batch(&[("q", person(name))]);
    check_not_screened(&post(&s, "/match/default", &one("")).await, "empty_name");
    check_not_screened(&post(&s, "/match/default", &one("   ")).await, "empty_name");
    check_not_screened(&post(&s, "/match/default", &one("😀🚀")).await, "name_without_letters");
    check_not_screened(&post(&s, "/match/default", &one("?!.-")).await, "name_without_letters");
    check_not_screened(&post(&s, "/match/default", &one(&"x".repeat(1001))).await, "name_too_long");
    check_not_screened(&get(&s, "/search/default?q=").await, "empty_name");
    check_not_screened(&get(&s, "/search/default?q=%F0%9F%98%80").await, "name_without_letters");
    check_not_screened(&get(&s, &format!("/search/default?q={}", "x".repeat(1001))).await, "name_too_long");

    // In a batch, the refused queries get an error each (no result list) and the rest are
    // screened as usual.
    let body = batch(&[("good", person("Ismail Hanya")), ("emoji", person("😀")), ("empty", person(""))]);
    let answer = post(&s, "/match/default", &body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let responses = &answer.body["responses"];
    assert_eq!(responses["good"]["status"], 200);
    assert!(!responses["good"]["results"].as_array().unwrap().is_empty(), "{}", responses["good"]);
    for (key, reason) in [("emoji", "name_without_letters"), ("empty", "empty_name")] {
        let refused = &responses[key];
        assert_eq!(refused["status"], 400, "{refused}");
        assert_eq!(refused["error"]["code"], "invalid_name", "{refused}");
        assert_eq!(refused["error"]["reason"], reason, "{refused}");
        assert!(refused["error"]["message"].as_str().unwrap().contains(&format!("query \"{key}\"")));
        assert!(refused.get("results").is_none() && refused.get("total").is_none(), "{refused}");
        assert_eq!(refused["query"]["schema"], "Person");
    }
    let request_id = answer.headers["x-request-id"].to_str().unwrap();
    let audit =
        call(&s.app, Method::GET, &format!("/admin/audit?request_id={request_id}"), Some(&s.admin), None)
            .await;
    let record = &audit.body["records"][0];
    assert_eq!(record["results"]["emoji"]["error"], "name_without_letters", "{record}");
    assert!(record["results"]["good"].is_array(), "{record}");

    // The OpenAPI document describes the refusal: an error, and no results.
    let doc = get(&s, "/openapi.json").await.body;
    let schemas = &doc["components"]["schemas"];
    let not_screened = &schemas["QueryNotScreened"]["properties"];
    assert_eq!(not_screened["error"]["$ref"], "#/components/schemas/Error");
    assert!(not_screened.get("results").is_none());
    assert!(schemas["Error"]["properties"]["reason"]["enum"]
        .as_array()
        .unwrap()
        .contains(&json!("empty_name")));
}

/// Posts a match body declared as `content_type` (none when `None`).
async fn post_as(s: &Server, content_type: Option<&str>) -> Answer {
    let mut request = Request::post("/match/default").header("authorization", format!("Bearer {}", s.screen));
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let body = batch(&[("q", person("Ismail Haniya"))]).to_string();
    let response = s.app.clone().oneshot(request.body(Body::from(body)).unwrap()).await.unwrap();
    answer(&Method::POST, "/match/default", response).await
}

/// JSON routes refuse a body declared as anything but JSON; one declared as nothing is read as
/// JSON, as yente does.
#[tokio::test]
async fn match_refuses_bodies_that_are_not_json() {
    let s = server();
    for content_type in
        ["text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data"]
    {
        check_error(&post_as(&s, Some(content_type)).await, 415, "unsupported_media_type");
    }
    for content_type in [
        None,
        Some("application/json"),
        Some("application/json; charset=utf-8"),
        Some("Application/JSON"),
        Some("application/vnd.api+json"),
    ] {
        let answer = post_as(&s, content_type).await;
        assert_eq!(answer.status, StatusCode::OK, "{content_type:?}: {}", answer.body);
    }
}

#[tokio::test]
async fn keys_scopes_and_rate_limit() {
    let s =
        server_with(Config { key_cache_ttl: Duration::from_millis(50), rate_limit: 5, ..Config::default() });
    let body = batch(&[("q", person("Ajay Kumar Gupta"))]).to_string().into_bytes();
    let match_with = |key: Option<String>| {
        let app = s.app.clone();
        let body = body.clone();
        async move { call(&app, Method::POST, "/match/default", key.as_deref(), Some(body)).await }
    };
    check_error(&match_with(None).await, 401, "missing_key");
    check_error(&match_with(Some("ward_wrong".into())).await, 401, "invalid_key");
    check_error(&match_with(Some("not even a ward key".into())).await, 401, "invalid_key");
    // X-Api-Key works as well as a bearer token.
    let request = Request::post("/match/default")
        .header("x-api-key", &s.screen)
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(s.app.clone().oneshot(request).await.unwrap().status(), StatusCode::OK);
    // A screen key may not read the audit trail or upload lists; an admin key may screen.
    check_error(&call(&s.app, Method::GET, "/admin/audit", Some(&s.screen), None).await, 403, "forbidden");
    check_error(
        &call(&s.app, Method::POST, "/admin/lists", Some(&s.screen), Some(b"x".to_vec())).await,
        403,
        "forbidden",
    );
    assert_eq!(match_with(Some(s.admin.clone())).await.status, StatusCode::OK);

    // A key revoked in the store by someone else (the CLI) stops working once the cache
    // forgets it.
    let (key, secret) = s.state.store().create_key("short-lived", &[Scope::Screen]).unwrap();
    assert_eq!(match_with(Some(secret.clone())).await.status, StatusCode::OK);
    s.state.store().revoke_key(&key.id).unwrap();
    tokio::time::sleep(Duration::from_millis(80)).await;
    check_error(&match_with(Some(secret)).await, 401, "invalid_key");

    // Five requests per second per key: the sixth in a burst waits.
    let (_, limited) = s.state.store().create_key("limited", &[Scope::Screen]).unwrap();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(match_with(Some(limited.clone())).await);
    }
    assert!(statuses[..5].iter().all(|a| a.status == StatusCode::OK));
    let last = statuses.last().unwrap();
    check_error(last, 429, "rate_limited");
    assert!(last.headers["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    // Other keys are not affected.
    assert_eq!(match_with(Some(s.screen.clone())).await.status, StatusCode::OK);
}

/// Revokes `key_id` through the server with the admin key.
async fn revoke(s: &Server, key_id: &str) -> Answer {
    call(&s.app, Method::DELETE, &format!("/admin/keys/{key_id}"), Some(&s.admin), None).await
}

/// A key revoked through the server is refused by its very next request, although the key
/// cache would trust it for another hour.
#[tokio::test]
async fn key_revoked_through_the_server_is_refused_at_once() {
    let s = server_with(Config { key_cache_ttl: Duration::from_secs(3600), ..Config::default() });
    let (key, secret) = s.state.store().create_key("leaked", &[Scope::Screen]).unwrap();
    assert_eq!(call(&s.app, Method::GET, "/entities/nobody:1", Some(&secret), None).await.status, 404);

    let answer = revoke(&s, &key.id).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["id"], key.id.as_str());
    assert!(answer.body["revoked_at"].is_string(), "{}", answer.body);
    check_error(
        &call(&s.app, Method::GET, "/entities/nobody:1", Some(&secret), None).await,
        401,
        "invalid_key",
    );
    // Other keys stay cached and valid.
    assert_eq!(get(&s, "/entities/nobody:1").await.status, 404);

    check_error(&revoke(&s, "nosuchkey").await, 404, "key_not_found");
    check_error(
        &call(&s.app, Method::DELETE, &format!("/admin/keys/{}", key.id), Some(&s.screen), None).await,
        403,
        "forbidden",
    );
}

#[tokio::test]
async fn search_entities_catalog_algorithms() {
    let s = server();
    let search = get(&s, "/search/default?q=Sberbank&limit=3").await;
    assert_eq!(search.status, StatusCode::OK, "{}", search.body);
    let results = search.body["results"].as_array().unwrap();
    assert!(!results.is_empty() && results.len() <= 3);
    assert!(referents(&results[0]).contains(&"us_ofac_cons:18715"), "{}", results[0]);
    assert_eq!(search.body["total"]["value"], results.len());
    assert_eq!(search.body["limit"], 3);

    let entity = get(&s, "/entities/gb_hmt_sanctions:13656").await;
    assert_eq!(entity.status, StatusCode::OK, "{}", entity.body);
    assert_eq!(entity.body["schema"], "Vessel");
    assert!(referents(&entity.body).contains(&"gb_hmt_sanctions:13656"));
    let id = entity.body["id"].as_str().unwrap().to_string();
    assert_eq!(get(&s, &format!("/entities/{id}")).await.body["id"], id.as_str());
    check_error(&get(&s, "/entities/nobody:1").await, 404, "entity_not_found");

    let catalog = get(&s, "/catalog").await;
    assert_eq!(catalog.status, StatusCode::OK);
    let datasets = catalog.body["datasets"].as_array().unwrap();
    for name in ["un_sc_sanctions", "gb_hmt_sanctions", "us_ofac_cons", "default", "sanctions"] {
        let d = datasets.iter().find(|d| d["name"] == name).unwrap_or_else(|| panic!("{name} missing"));
        assert!(d["version"].is_string(), "{d}");
    }
    let un = datasets.iter().find(|d| d["name"] == "un_sc_sanctions").unwrap();
    assert!(un["last_export"].as_str().unwrap().starts_with("2026-02-27"), "{un}");
    assert!(un["list_version"]["sources"][0]["sha256"].is_string());

    let algorithms = get(&s, "/algorithms").await;
    assert_eq!(algorithms.body["default"], "ward-v1");
    assert_eq!(algorithms.body["best"], "ward-v1");
    assert_eq!(algorithms.body["algorithms"][0]["name"], "ward-v1");
    assert!(algorithms.body["algorithms"][0]["features"]["name_score"].is_object());
}

#[tokio::test]
async fn health_metrics_openapi() {
    let s = server();
    let open = |uri: &'static str| call(&s.app, Method::GET, uri, None, None);
    assert_eq!(open("/healthz").await.body, json!({"status": "ok"}));
    let ready = open("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.body["lists"], 3);

    post(&s, "/match/default", &batch(&[("q", person("Innocent Kaina"))])).await;
    post(&s, "/match/nowhere", &batch(&[("q", person("Innocent Kaina"))])).await;
    let metrics = open("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(metrics.headers["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = metrics.body.as_str().unwrap();
    for line in [
        "ward_http_requests_total{route=\"/match/{dataset}\",status=\"200\"} 1",
        "ward_http_requests_total{route=\"/match/{dataset}\",status=\"404\"} 1",
        "ward_http_request_duration_seconds_count{route=\"/match/{dataset}\"} 2",
        "ward_queries_screened_total 1",
        "ward_query_matches_total 1",
        "ward_snapshot_lists 3",
        "ward_audit_queue 0",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
    }
    assert!(text.contains("ward_snapshot_age_seconds "));
    assert!(text.contains("ward_snapshot_version "));

    let doc = open("/openapi.json").await.body;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/match/{dataset}", "post"),
        ("/search/{dataset}", "get"),
        ("/entities/{id}", "get"),
        ("/catalog", "get"),
        ("/algorithms", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
        ("/openapi.json", "get"),
        ("/admin/audit", "get"),
        ("/admin/lists", "post"),
        ("/admin/lists/{dataset}/rollback", "post"),
        ("/lists/{dataset}/diff", "get"),
        ("/admin/keys/{id}", "delete"),
        ("/alerts", "get"),
        ("/alerts/{id}", "get"),
        ("/screen/payment", "post"),
        ("/alerts/{id}/history", "get"),
        ("/decisions/{id}/approve", "post"),
        ("/decisions/{id}/reject", "post"),
        ("/decisions/export", "get"),
    ] {
        let op = &paths[path][method];
        assert!(op["responses"]["200"].is_object(), "{path} {method}");
    }
    assert!(paths["/alerts/{id}/decisions"]["post"]["responses"]["201"].is_object());
    assert_eq!(paths.len(), 22);
    let payment_op = &paths["/screen/payment"]["post"];
    for content_type in ["application/xml", "text/plain"] {
        assert!(payment_op["requestBody"]["content"][content_type].is_object(), "{content_type}");
    }
    for status in ["400", "403", "415"] {
        assert!(payment_op["responses"][status].is_object(), "/screen/payment lacks {status}");
    }
    assert_eq!(payment_op["security"][0]["bearerAuth"], json!(["screen"]));
    let match_op = &paths["/match/{dataset}"]["post"];
    for status in ["408", "415"] {
        assert!(match_op["responses"][status].is_object(), "/match lacks {status}");
    }
    let threshold =
        match_op["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "threshold").unwrap();
    assert_eq!(threshold["schema"]["exclusiveMinimum"], 0);
    assert!(doc["components"]["securitySchemes"]["bearerAuth"].is_object());
    // Every $ref points at a schema that exists.
    let text = doc.to_string();
    for part in text.split("#/components/schemas/").skip(1) {
        let name = &part[..part.find('"').unwrap()];
        assert!(doc["components"]["schemas"][name].is_object(), "{name}");
    }
}

#[tokio::test]
async fn every_screening_is_audited() {
    let s = server();
    let answer = post(&s, "/match/default", &batch(&[("q", person("Fitiwi Abdelrazak"))])).await;
    assert_eq!(answer.status, StatusCode::OK);
    let request_id = answer.headers["x-request-id"].to_str().unwrap().to_string();
    let search = get(&s, "/search/default?q=Sberbank").await;
    assert_eq!(search.status, StatusCode::OK);

    let admin = |uri: String| {
        let app = s.app.clone();
        let key = s.admin.clone();
        async move { call(&app, Method::GET, &uri, Some(&key), None).await }
    };
    let all = admin("/admin/audit".into()).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert_eq!(all.body["total"], 2);
    let by_name = admin("/admin/audit?name=abdelrazak".into()).await;
    let records = by_name.body["records"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record["request_id"], request_id.as_str());
    assert_eq!(record["source"], "http /match/{dataset}".replace("{dataset}", "default"));
    assert_eq!(record["dataset"], "default");
    assert_eq!(record["query_names"], json!(["Fitiwi Abdelrazak"]));
    assert_eq!(record["list_versions"].as_array().unwrap().len(), 3);
    assert_eq!(record["matched"], true);
    assert!(record["top_score"].as_f64().unwrap() > 0.7);
    assert!(record["key_id"].as_str().is_some_and(|k| !k.is_empty()));
    assert!(record["results"]["q"][0]["id"].is_string());
    assert!(record["query"]["body"]["queries"]["q"].is_object());

    let matched = admin("/admin/audit?matched=true&from=2000-01-01&limit=10".into()).await;
    assert!(matched.body["records"].as_array().unwrap().iter().all(|r| r["matched"] == true));
    let key_id = record["key_id"].as_str().unwrap();
    assert_eq!(admin(format!("/admin/audit?key={key_id}")).await.body["total"], 2);
    assert_eq!(admin("/admin/audit?key=other".into()).await.body["total"], 0);
    check_error(&admin("/admin/audit?from=yesterday".into()).await, 400, "invalid_query");

    // A client's X-Request-Id is kept: answered back and recorded.
    let request = Request::post("/match/default")
        .header("authorization", format!("Bearer {}", s.screen))
        .header("x-request-id", "core-banking-42")
        .body(Body::from(batch(&[("q", person("Fitiwi Abdelrazak"))]).to_string()))
        .unwrap();
    let response = s.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-request-id"], "core-banking-42");
    let by_id = admin("/admin/audit?request_id=core-banking-42".into()).await;
    assert_eq!(by_id.body["total"], 1, "{}", by_id.body);
}

/// Uploads the EU excerpt while 50 requests are in flight: every one succeeds, and the next
/// request sees the new list.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upload_swaps_snapshot_under_load() {
    let s = server();
    let body = batch(&[("q", person("Saddam Hussein al-Tikriti"))]);
    check_error(&post(&s, "/match/eu_fsf", &body).await, 404, "dataset_not_found");

    let mut tasks = Vec::new();
    for i in 0..50 {
        let app = s.app.clone();
        let key = s.screen.clone();
        let body = if i % 2 == 0 {
            batch(&[("q", person("Saddam Hussein al-Tikriti")), ("r", person("Ismail Haniya"))])
        } else {
            batch(&[("q", person("Amir Abdullah"))])
        };
        tasks.push(tokio::spawn(async move {
            call(&app, Method::POST, "/match/default", Some(&key), Some(body.to_string().into_bytes())).await
        }));
    }
    let eu = std::fs::read(testdata(EU_FIXTURE)).unwrap();
    let upload =
        call(&s.app, Method::POST, "/admin/lists?name=eu_excerpt.xml", Some(&s.admin), Some(eu)).await;
    assert_eq!(upload.status, StatusCode::OK, "{}", upload.body);
    assert_eq!(upload.body["dataset"], "eu_fsf");
    assert_eq!(upload.body["status"], "current");
    assert_eq!(upload.body["snapshot"], "rebuilt");
    assert_eq!(upload.body["list_versions"].as_array().unwrap().len(), 4);
    for task in tasks {
        let answer = task.await.unwrap();
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }

    let answer = post(&s, "/match/eu_fsf", &body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let top = &answer.body["responses"]["q"]["results"][0];
    assert!(referents(top).contains(&"eu_fsf:13"), "{top}");
    assert_eq!(top["match"], true);

    // The same file again changes nothing; a file that is no list is refused.
    let eu = std::fs::read(testdata(EU_FIXTURE)).unwrap();
    let again =
        call(&s.app, Method::POST, "/admin/lists?name=eu_excerpt.xml", Some(&s.admin), Some(eu)).await;
    assert_eq!(again.body["status"], "unchanged");
    assert_eq!(again.body["snapshot"], "unchanged");
    let junk =
        call(&s.app, Method::POST, "/admin/lists?name=x.txt", Some(&s.admin), Some(b"hello".to_vec())).await;
    check_error(&junk, 400, "invalid_list");
}

async fn upload(s: &Server, query: &str, bytes: Vec<u8>) -> Answer {
    call(&s.app, Method::POST, &format!("/admin/lists?{query}"), Some(&s.admin), Some(bytes)).await
}

async fn rollback(s: &Server, uri: &str) -> Answer {
    call(&s.app, Method::POST, uri, Some(&s.admin), None).await
}

/// Rollback through the API (issue 9 item 2), as `ward lists rollback`: a new version pointing
/// at the earlier content, in the snapshot at once, audited; and the errors of a rollback.
#[tokio::test]
async fn rollback_makes_earlier_content_current_again() {
    let s = server();
    let old = std::fs::read(testdata("ca-sema/sema-lmes_2020-04_excerpt.xml")).unwrap();
    let new = std::fs::read(testdata("ca-sema/sema-lmes_2025-05_excerpt.xml")).unwrap();
    let first = upload(&s, "name=sema-2020.xml", old).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let dataset = first.body["dataset"].as_str().unwrap().to_string();
    check_error(&rollback(&s, &format!("/admin/lists/{dataset}/rollback")).await, 409, "invalid_rollback");
    let second = upload(&s, "name=sema-2025.xml&allow_shrink=true", new).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    assert_eq!(second.body["status"], "current");
    assert_eq!(second.body["version"]["number"], 2);

    let back = rollback(&s, &format!("/admin/lists/{dataset}/rollback")).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert_eq!(back.body["status"], "restored");
    assert_eq!(back.body["version"]["number"], 3);
    assert_eq!(back.body["version"]["restores"], 1);
    assert_eq!(back.body["version"]["counts"], first.body["version"]["counts"]);
    assert_eq!(back.body["snapshot"], "rebuilt");
    let version_id = back.body["version"]["id"].as_i64().unwrap();
    assert!(back.body["list_versions"].as_array().unwrap().contains(&json!(version_id)));

    check_error(
        &rollback(&s, &format!("/admin/lists/{dataset}/rollback?to=3")).await,
        409,
        "invalid_rollback",
    );
    check_error(
        &rollback(&s, &format!("/admin/lists/{dataset}/rollback?to=99")).await,
        404,
        "version_not_found",
    );
    check_error(&rollback(&s, "/admin/lists/nowhere/rollback").await, 404, "dataset_not_found");
    check_error(
        &rollback(&s, &format!("/admin/lists/{dataset}/rollback?to=two")).await,
        400,
        "invalid_query",
    );
    let uri = format!("/admin/lists/{dataset}/rollback");
    check_error(&call(&s.app, Method::POST, &uri, Some(&s.screen), None).await, 403, "forbidden");

    let audit = call(&s.app, Method::GET, "/admin/audit", Some(&s.admin), None).await;
    let records = audit.body["records"].as_array().unwrap();
    let sources: Vec<&str> = records.iter().map(|r| r["source"].as_str().unwrap()).collect();
    let rollback_source = format!("http /admin/lists/{dataset}/rollback");
    assert_eq!(sources, [rollback_source.as_str(), "http /admin/lists", "http /admin/lists"]);
    assert_eq!(records[0]["results"]["restores"], 1);
    assert_eq!(records[0]["results"]["version"], 3);
    assert_eq!(records[1]["query"]["allow_shrink"], true);
    assert_eq!(records[1]["query"]["name"], "sema-2025.xml");
}

async fn admin_get(s: &Server, uri: &str) -> Answer {
    call(&s.app, Method::GET, uri, Some(&s.admin), None).await
}

/// `GET /lists/{dataset}/diff` (issue 12 part 2) answers what `Store::diff` computes from the
/// two parsed files, and the errors of the list routes.
#[tokio::test]
async fn diff_between_two_uploaded_versions() {
    let s = server();
    let old_path = testdata("ca-sema/sema-lmes_2020-04_excerpt.xml");
    let new_path = testdata("ca-sema/sema-lmes_2025-05_excerpt.xml");
    let first = upload(&s, "name=sema-2020.xml", std::fs::read(&old_path).unwrap()).await;
    let dataset = first.body["dataset"].as_str().unwrap().to_string();
    let diff_uri = format!("/lists/{dataset}/diff");
    // One version: nothing before it to compare with.
    check_error(&admin_get(&s, &diff_uri).await, 404, "version_not_found");
    let second = upload(&s, "name=sema-2025.xml&allow_shrink=true", std::fs::read(&new_path).unwrap()).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);

    let answer = admin_get(&s, &diff_uri).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let parsed = |path: &Path| ward_lists::read_path(path).unwrap().remove(0).entities;
    let expected = ward_model::diff_report(&parsed(&old_path), &parsed(&new_path));
    assert!(!expected.added.is_empty() && !expected.removed.is_empty(), "the excerpts differ");
    let body = &answer.body;
    assert_eq!((body["from"]["number"].as_i64(), body["to"]["number"].as_i64()), (Some(1), Some(2)));
    assert_eq!(body["counts"]["added"], expected.added.len());
    assert_eq!(body["counts"]["removed"], expected.removed.len());
    assert_eq!(body["counts"]["amended"], expected.amended.len());
    assert_eq!(body["counts"]["unchanged"], expected.unchanged);
    assert_eq!(body["added"][0]["id"], expected.added[0].id.as_str());
    assert_eq!(body["added"][0]["caption"], expected.added[0].caption.as_str());
    // Named versions, the other way round.
    let reverse = admin_get(&s, &format!("{diff_uri}?from=2&to=1")).await;
    assert_eq!(reverse.body["counts"]["added"], expected.removed.len());

    check_error(&admin_get(&s, &format!("{diff_uri}?from=99")).await, 404, "version_not_found");
    check_error(&admin_get(&s, "/lists/nowhere/diff").await, 404, "dataset_not_found");
    check_error(&admin_get(&s, &format!("{diff_uri}?to=two")).await, 400, "invalid_query");
    check_error(&call(&s.app, Method::GET, &diff_uri, Some(&s.screen), None).await, 403, "forbidden");
}

/// The OFAC SDN CSV of data/lists with its names unquoted where CSV allows it.
fn unquoted_sdn_csv() -> Vec<u8> {
    use std::io::Read;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/lists/us-ofac-sdn/sdn.csv.gz");
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_end(&mut text).unwrap();
    let mut out = Vec::with_capacity(text.len());
    for line in text.split_inclusive(|&b| b == b'\n') {
        // `36,"AEROCARIBBEAN AIRLINES",-0- ,...`: the name is the second field.
        let comma = line.iter().position(|&b| b == b',').unwrap_or(0);
        let rest = &line[comma + 1..];
        let quoted_end = rest.strip_prefix(b"\"").and_then(|r| r.iter().position(|&b| b == b'"'));
        match quoted_end {
            Some(end) if !rest[1..=end].contains(&b',') => {
                out.extend_from_slice(&line[..=comma]);
                out.extend_from_slice(&rest[1..=end]);
                out.extend_from_slice(&rest[end + 2..]);
            }
            _ => out.extend_from_slice(line),
        }
    }
    out
}

/// Issue 9 item 4: an upload is read as `ward lists import` reads a folder holding the file,
/// so an SDN CSV whose names are not quoted is accepted by both, with the same entities.
#[tokio::test]
async fn upload_reads_what_the_cli_reads() {
    let s = server();
    let csv = unquoted_sdn_csv();
    assert!(csv.starts_with(b"36,AEROCARIBBEAN AIRLINES,"), "{}", String::from_utf8_lossy(&csv[..80]));
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("sdn.csv"), &csv).unwrap();
    let cli: Vec<_> = ward_lists::read_path(folder.path()).unwrap();
    let cli_entities = cli[0].entities.len();
    assert!(cli_entities > 10_000, "{cli_entities}");

    let answer = upload(&s, "name=sdn.csv", csv).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["dataset"], "us_ofac_sdn");
    assert_eq!(answer.body["version"]["counts"]["entities"], cli_entities);
    assert_eq!(answer.body["version"]["sources"][0]["name"], "sdn.csv");
    assert_eq!(answer.body["snapshot"], "rebuilt");
    check_error(&upload(&s, "name=../notes.md", b"# notes".to_vec()).await, 400, "invalid_query");
    // Names no file system takes are the caller's error, not the server's.
    let long = format!("name={}.csv", "a".repeat(300));
    for query in ["name=sdn%00.csv", "name=sdn%0A.csv", long.as_str()] {
        check_error(&upload(&s, query, b"x".to_vec()).await, 400, "invalid_query");
    }
}

/// The upload limit holds while the body streams in, for a chunked body without a length, and
/// a declared length over it is refused before the body is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_limit_holds_for_chunked_bodies() {
    /// Above the EU excerpt's size.
    const LIMIT: usize = 64 << 10;
    let s = server_with(Config { max_list_body: LIMIT, ..Config::default() });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ward_http::run(listener, s.state.clone(), async {
        let _ = stopped.await;
    }));
    let head = format!("POST /admin/lists?name=eu.xml HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\nConnection: close\r\n", s.admin);
    let chunk = "x".repeat(4000);
    let mut chunked = format!("{head}Transfer-Encoding: chunked\r\n\r\n");
    for _ in 0..(LIMIT / chunk.len() + 2) {
        chunked.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    chunked.push_str("0\r\n\r\n");
    let (status, answer) = raw_exchange(addr, &chunked, Duration::from_secs(5)).await;
    assert_eq!(status, 413, "{answer}");
    assert!(answer.contains("\"code\":\"payload_too_large\""), "{answer}");

    let declared = format!("{head}Content-Length: {}\r\n\r\n", LIMIT + 1);
    let (status, answer) = raw_exchange(addr, &declared, Duration::from_secs(5)).await;
    assert_eq!(status, 413, "{answer}");

    // Under the limit, a chunked list file is read whole.
    let eu = std::fs::read_to_string(testdata(EU_FIXTURE)).unwrap();
    assert!(eu.len() < LIMIT);
    let mut request = format!("{head}Transfer-Encoding: chunked\r\n\r\n");
    for piece in eu.as_bytes().chunks(1000) {
        request.push_str(&format!("{:x}\r\n{}\r\n", piece.len(), std::str::from_utf8(piece).unwrap()));
    }
    request.push_str("0\r\n\r\n");
    let (status, answer) = raw_exchange(addr, &request, Duration::from_secs(30)).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("\"dataset\":\"eu_fsf\""), "{answer}");

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server).await.unwrap().unwrap().unwrap();
}

/// Sends one HTTP/1.1 request on a fresh connection and reads the whole answer.
async fn raw_request(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    key: &str,
    body: &str,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default().to_string();
    (status, body)
}

/// On a real socket: the server notices a list imported into its store by someone else (the
/// CLI), and on shutdown finishes the request in flight before `run` returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn real_socket_poll_and_graceful_shutdown() {
    let s = server_with(Config { poll_interval: Duration::from_millis(100), ..Config::default() });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ward_http::run(listener, s.state.clone(), async {
        let _ = stopped.await;
    }));

    let body = batch(&[("q", person("Saddam Hussein al-Tikriti"))]).to_string();
    let (status, _) = raw_request(addr, "POST", "/match/eu_fsf", &s.screen, &body).await;
    assert_eq!(status, 404);
    // Import as the CLI would: straight into the store.
    let store = s.state.store().clone();
    tokio::task::spawn_blocking(move || {
        for list in ward_lists::read_path(&testdata(EU_FIXTURE)).unwrap() {
            store.import(&list).unwrap();
        }
    })
    .await
    .unwrap();
    let mut seen = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let (status, _) = raw_request(addr, "POST", "/match/eu_fsf", &s.screen, &body).await;
        if status == 200 {
            seen = true;
            break;
        }
    }
    assert!(seen, "the server never noticed the imported list");

    // A batch of 100 queries is in flight when the shutdown signal arrives.
    let queries: serde_json::Map<String, Value> =
        (0..100).map(|i| (format!("q{i}"), person(&format!("Saddam Hussein {i}")))).collect();
    let big = json!({"queries": queries}).to_string();
    let key = s.screen.clone();
    let in_flight =
        tokio::spawn(async move { raw_request(addr, "POST", "/match/default", &key, &big).await });
    tokio::time::sleep(Duration::from_millis(5)).await;
    stop.send(()).unwrap();
    let (status, answer) = in_flight.await.unwrap();
    assert_eq!(status, 200, "{answer}");
    tokio::time::timeout(Duration::from_secs(10), server).await.unwrap().unwrap().unwrap();
    // Every answered request was audited before it was answered.
    let records = s.state.store().audit(&ward_store::AuditFilter::default()).unwrap();
    assert!(records.iter().any(|r| r.query_names.len() == 100));
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

/// Sends `request` on a fresh connection and reads until the server closes it or `limit`
/// passes; returns the status (0 for none) and the body.
async fn raw_exchange(addr: std::net::SocketAddr, request: &str, limit: Duration) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(limit, stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, answer)
}

/// Slow clients on loopback (issue 11): half-sent requests fill the connection limit, yet
/// /healthz and /readyz still answer within a second on the reserve while other routes answer
/// 503; the header timeout closes half-sent connections; a body trickling in is cut off at the
/// body timeout. Bounded: 12 slow connections, stops by itself within 30 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slow_clients_cannot_take_the_server_down() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    const MAX_CONNECTIONS: usize = 8;
    const SLOW_CONNECTIONS: usize = 12;
    let header_timeout = Duration::from_secs(3);
    let body_timeout = Duration::from_millis(700);
    let s = server_with(Config {
        max_connections: MAX_CONNECTIONS,
        reserve_connections: 8,
        header_timeout,
        body_timeout,
        ..Config::default()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ward_http::run(listener, s.state.clone(), async {
        let _ = stopped.await;
    }));
    let bounded = tokio::time::timeout(Duration::from_secs(30), async {
        // Slowloris: headers begun and never finished. The first MAX_CONNECTIONS take the
        // limit, the rest spill into the reserve, where they are cut after a second.
        let mut slow = Vec::new();
        for _ in 0..SLOW_CONNECTIONS {
            let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            stream.write_all(b"GET /catalog HTTP/1.1\r\nHost: slow\r\nX-Slow: ").await.unwrap();
            slow.push(stream);
        }
        tokio::time::sleep(Duration::from_millis(1200)).await;

        let health = "GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
        let started = std::time::Instant::now();
        let (status, answer) = raw_exchange(addr, health, Duration::from_secs(1)).await;
        assert_eq!(status, 200, "{answer}");
        assert!(started.elapsed() < Duration::from_secs(1));
        let ready = "GET /readyz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
        assert_eq!(raw_exchange(addr, ready, Duration::from_secs(1)).await.0, 200);
        let catalog = "GET /catalog HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
        let (status, answer) = raw_exchange(addr, catalog, Duration::from_secs(1)).await;
        assert_eq!(status, 503, "{answer}");
        assert!(answer.contains("\"code\":\"overloaded\""), "{answer}");
        assert!(answer.to_ascii_lowercase().contains("retry-after: 1"), "{answer}");

        // The header timeout closes the half-sent connections that hold the limit.
        for stream in &mut slow[..MAX_CONNECTIONS] {
            let mut rest = Vec::new();
            let read = tokio::time::timeout(header_timeout, stream.read_to_end(&mut rest)).await;
            assert!(read.is_ok(), "a half-sent connection outlived the header timeout");
        }
        drop(slow);

        // A body sent at 100 bytes/s is cut off at the body timeout, long before it is complete.
        let body = batch(&[("q", person(&"x".repeat(900)))]).to_string();
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST /match/default HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            s.screen,
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let started = std::time::Instant::now();
        let (mut reader, mut writer) = stream.into_split();
        let trickle = tokio::spawn(async move {
            for chunk in body.as_bytes().chunks(10) {
                if writer.write_all(chunk).await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), reader.read_to_end(&mut answer)).await;
        let elapsed = started.elapsed();
        trickle.abort();
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains("\"code\":\"body_timeout\""), "{answer}");
        assert!(elapsed >= body_timeout && elapsed < body_timeout * 3, "{elapsed:?}");
    });
    bounded.await.expect("the slow-client test ran past 30 s");
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server).await.unwrap().unwrap().unwrap();
}

/// Issue 12: an upload that makes a version current re-screens the monitored books; their
/// alerts are served to review keys, a page at a time.
#[tokio::test]
async fn uploads_rescreen_books_and_alerts_are_served() {
    let s = server();
    let store = s.state.store();
    let listed: Vec<String> = ward_lists::read_path(&testdata(EU_FIXTURE))
        .unwrap()
        .into_iter()
        .flat_map(|list| list.entities)
        .filter(|e| e.schema == ward_model::Schema::Person)
        .take(2)
        .map(|e| e.caption().to_string())
        .collect();
    let customers: Vec<ward_store::Customer> = listed
        .iter()
        .enumerate()
        .map(|(i, name)| ward_store::Customer {
            id: format!("c{i}"),
            name: name.clone(),
            ..ward_store::Customer::default()
        })
        .collect();
    let monitor = ward_monitor::Monitor::new(store, ward_monitor::MonitorConfig::default());
    let lists = ward_monitor::Lists::load(store).unwrap();
    let before = monitor.import_book("retail", customers, false, &lists).unwrap();
    assert_eq!(before.changes.raised, 0, "{listed:?} are not in the lists the server starts with");

    let eu = std::fs::read(testdata(EU_FIXTURE)).unwrap();
    let uploaded = upload(&s, "name=eu.xml", eu).await;
    assert_eq!(uploaded.status, StatusCode::OK, "{}", uploaded.body);
    let (_, review) = store.create_key("analyst", &[Scope::Review]).unwrap();
    let mut alerts = Value::Null;
    for _ in 0..300 {
        alerts = call(&s.app, Method::GET, "/alerts?book=retail&status=open", Some(&review), None).await.body;
        if alerts["alerts"].as_array().is_some_and(|a| a.len() == 2) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let found = alerts["alerts"].as_array().unwrap();
    assert_eq!(found.len(), 2, "{alerts}");
    assert!(found.iter().all(|a| a["reason"] == "new-designation" && a["status"] == "open"));
    assert_eq!(alerts["next"], Value::Null);

    let page = call(&s.app, Method::GET, "/alerts?limit=1", Some(&review), None).await.body;
    assert_eq!(page["alerts"].as_array().unwrap().len(), 1);
    let next = page["next"].as_i64().unwrap();
    let rest = call(&s.app, Method::GET, &format!("/alerts?limit=1&after={next}"), Some(&review), None).await;
    assert_eq!(rest.body["alerts"][0], found[1]);
    let id = found[0]["id"].as_i64().unwrap();
    let one = call(&s.app, Method::GET, &format!("/alerts/{id}"), Some(&s.admin), None).await;
    assert_eq!(one.body, found[0]);
    check_error(
        &call(&s.app, Method::GET, "/alerts/999999", Some(&review), None).await,
        404,
        "alert_not_found",
    );
    check_error(&call(&s.app, Method::GET, "/alerts/x", Some(&review), None).await, 400, "invalid_query");
    check_error(
        &call(&s.app, Method::GET, "/alerts?status=new", Some(&review), None).await,
        400,
        "invalid_query",
    );
    check_error(&call(&s.app, Method::GET, "/alerts", Some(&s.screen), None).await, 403, "forbidden");
    // A review key reads alerts, nothing else.
    check_error(&call(&s.app, Method::GET, "/admin/audit", Some(&review), None).await, 403, "forbidden");
}

/// A listed person of the fixtures (UN and OFAC), put into payment messages.
const LISTED_PERSON: &str = "FITIWI ABDELRAZAK";

/// A sample message under `../shared/data/payments` (or `$WARD_SHARED_DATA/payments`), or
/// `built` with a printed reason when the samples are absent.
fn payment_sample(rel: &str, built: &str) -> String {
    let base = std::env::var_os("WARD_SHARED_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let path = base.join("payments").join(rel);
    match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            use std::io::Write as _;
            // Straight to stderr, past the harness's capture, so the fallback is never silent.
            let _ = writeln!(
                std::io::stderr(),
                "{}: {e}; using a message built in the test instead",
                path.display()
            );
            built.to_string()
        }
    }
}

/// A pacs.008 with one transaction; its creditor is "B Creditor Co".
fn pacs_008() -> String {
    payment_sample(
        "iso20022_cbpr_samples_ballerina/p_2_3_1_a__CBPR__p.2.3.1.a_pacs.008_AtoD.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>
<GrpHdr><MsgId>pacs8bizmsgidr01</MsgId><NbOfTxs>1</NbOfTxs></GrpHdr>
<CdtTrfTxInf><PmtId><UETR>7a562c67-ca16-48ba-b074-65581be6f001</UETR></PmtId>
<Dbtr><Nm>A Debiter</Nm><PstlAdr><TwnNm>Epping</TwnNm><Ctry>GB</Ctry></PstlAdr></Dbtr>
<DbtrAgt><FinInstnId><BICFI>CLYDGB2S</BICFI></FinInstnId></DbtrAgt>
<CdtrAgt><FinInstnId><BICFI>CAIXESBB</BICFI></FinInstnId></CdtrAgt>
<Cdtr><Nm>B Creditor Co</Nm><PstlAdr><TwnNm>Barcelona</TwnNm><Ctry>ES</Ctry></PstlAdr></Cdtr>
</CdtTrfTxInf></FIToFICstmrCdtTrf></Document>"#,
    )
}

/// An MT103 whose beneficiary (59) is "MARIE DUPONT".
fn mt_103() -> String {
    payment_sample(
        "swift_mt/AutoMateTx_MT103.txt",
        "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:REF1234567890\n:23B:CRED\n\
         :32A:251013EUR10000,00\n:50K:/DE12345678901234567890\nJOHN DOE\nBERLIN\n\
         :59:/FR7630001007941234567890185\nMARIE DUPONT\nPARIS\n:71A:SHA\n-}",
    )
}

/// Posts a payment body with `content_type` (none if `None`) and `key`.
async fn post_payment(s: &Server, content_type: Option<&str>, key: Option<&str>, body: &[u8]) -> Answer {
    let mut request = Request::post("/screen/payment");
    if let Some(key) = key {
        request = request.header("authorization", format!("Bearer {key}"));
    }
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = s.app.clone().oneshot(request.body(Body::from(body.to_vec())).unwrap()).await.unwrap();
    answer(&Method::POST, "/screen/payment", response).await
}

/// Screens `body` and checks the one message's decision; a hold must have a name hit in
/// `field`. Returns the message's decision.
async fn check_payment(s: &Server, content_type: &str, body: &str, decision: &str, field: &str) -> Value {
    let answer = post_payment(s, Some(content_type), Some(&s.screen), body.as_bytes()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["decision"], decision, "{}", answer.body);
    assert_eq!(answer.body["list_versions"].as_array().unwrap().len(), 3);
    assert!(answer.body["geography"].as_str().is_some_and(|g| !g.is_empty()));
    let messages = answer.body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1, "{}", answer.body);
    let message = messages[0].clone();
    assert_eq!(message["decision"], decision);
    assert!(message.get("file").is_none(), "{message}");
    let hits = message["hits"].as_array().unwrap();
    if decision == "hold" {
        let hit = hits.iter().find(|h| h["field"] == field && h["kind"] == "name");
        let hit = hit.unwrap_or_else(|| panic!("no name hit in {field}: {message}"));
        assert!(hit["value"].as_str().unwrap().eq_ignore_ascii_case(LISTED_PERSON), "{hit}");
        assert!(hit["subject_id"].as_str().is_some_and(|id| !id.is_empty()));
        assert!(!hit["referents"].as_array().unwrap().is_empty());
        assert!(hit["score"].as_f64().unwrap() >= f64::from(ward_engine::DEFAULT_THRESHOLD));
        assert!(!hit["explanations"].as_array().unwrap().is_empty());
    } else {
        assert!(hits.is_empty(), "{message}");
    }
    message
}

#[tokio::test]
async fn payments_are_held_by_field_and_clean_ones_released() {
    let s = server();
    let iso = pacs_008();
    let message = check_payment(&s, "application/xml", &iso, "release", "").await;
    assert!(message["format"].as_str().unwrap().starts_with("pacs.008"), "{message}");
    assert!(message["uetr"].is_string() && message["message_id"].is_string(), "{message}");
    let listed = iso.replace(">B Creditor Co<", &format!(">{LISTED_PERSON}<"));
    assert_ne!(listed, iso);
    check_payment(&s, "application/xml; charset=utf-8", &listed, "hold", "CdtTrfTxInf[0]/Cdtr/Nm").await;

    let mt = mt_103();
    let message = check_payment(&s, "text/plain", &mt, "release", "").await;
    assert_eq!(message["format"], "MT103");
    assert_eq!(message["message_id"], "REF1234567890");
    let listed = mt.replace("MARIE DUPONT", LISTED_PERSON);
    assert_ne!(listed, mt);
    check_payment(&s, "text/plain; charset=utf-8", &listed, "hold", "59").await;

    // Two documents in one body: one decision each, held as a whole when one is.
    let two = format!(
        "<Messages>{}{}</Messages>",
        strip_prolog(&iso),
        strip_prolog(&iso.replace(">B Creditor Co<", &format!(">{LISTED_PERSON}<")))
    );
    let answer = post_payment(&s, Some("application/xml"), Some(&s.screen), two.as_bytes()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["decision"], "hold");
    let decisions: Vec<&Value> =
        answer.body["messages"].as_array().unwrap().iter().map(|m| &m["decision"]).collect();
    assert_eq!(decisions, [&json!("release"), &json!("hold")]);
}

/// The XML without its `<?xml ...?>` declaration and comments before the root, so that
/// several can be put into one body.
fn strip_prolog(xml: &str) -> String {
    let mut rest = xml.trim_start();
    while rest.starts_with("<?") || rest.starts_with("<!--") {
        let end =
            if rest.starts_with("<?") { rest.find("?>").unwrap() + 2 } else { rest.find("-->").unwrap() + 3 };
        rest = rest[end..].trim_start();
    }
    rest.to_string()
}

#[tokio::test]
async fn payment_bodies_that_cannot_be_read_are_refused_with_stable_codes() {
    let s = server();
    let mt = mt_103();
    for content_type in [None, Some("application/json"), Some("application/octet-stream"), Some("text/html")]
    {
        let answer = post_payment(&s, content_type, Some(&s.screen), mt.as_bytes()).await;
        check_error(&answer, 415, "unsupported_media_type");
        assert!(answer.body["message"].as_str().unwrap().contains("text/plain"), "{}", answer.body);
    }
    let iso = pacs_008();
    let cut = &iso[..iso.len() / 2];
    let status_report =
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.002.001.10\"><FIToFIPmtStsRpt/></Document>";
    let cases: [(&str, &[u8], &str); 8] = [
        ("application/xml", b"", "not a payment message"),
        ("text/plain", b"hello, world", "not a payment message"),
        ("application/xml", cut.as_bytes(), "malformed ISO 20022"),
        ("application/xml", b"<a><b></a>", "malformed ISO 20022"),
        ("application/xml", status_report.as_bytes(), "pacs.002.001.10 is not a screened message type"),
        ("text/plain", b"{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:X\n", "malformed MT"),
        ("text/plain", b"\xff\xfe{1:", "not UTF-8"),
        ("application/xml", mt.as_bytes(), "the body is SWIFT MT but was sent as application/xml"),
    ];
    for (content_type, body, says) in cases {
        let answer = post_payment(&s, Some(content_type), Some(&s.screen), body).await;
        check_error(&answer, 400, "invalid_payment");
        let message = answer.body["message"].as_str().unwrap();
        assert!(message.contains(says), "{content_type} {:?}: {message}", String::from_utf8_lossy(body));
    }
    let answer = post_payment(&s, Some("text/plain"), Some(&s.screen), iso.as_bytes()).await;
    check_error(&answer, 400, "invalid_payment");
    assert!(
        answer.body["message"].as_str().unwrap().contains("Content-Type: application/xml"),
        "{}",
        answer.body
    );

    let small = server_with(Config { max_body: 64, ..Config::default() });
    let answer = post_payment(&small, Some("text/plain"), Some(&small.screen), mt.as_bytes()).await;
    check_error(&answer, 413, "payload_too_large");
}

#[tokio::test]
async fn payment_screening_needs_a_valid_key_and_is_audited() {
    let s = server();
    let listed = mt_103().replace("MARIE DUPONT", LISTED_PERSON);
    check_error(&post_payment(&s, Some("text/plain"), None, listed.as_bytes()).await, 401, "missing_key");
    check_error(
        &post_payment(&s, Some("text/plain"), Some("ward_wrong"), listed.as_bytes()).await,
        401,
        "invalid_key",
    );
    let (key, secret) = s.state.store().create_key("revoked", &[Scope::Screen]).unwrap();
    assert_eq!(revoke(&s, &key.id).await.status, StatusCode::OK);
    check_error(
        &post_payment(&s, Some("text/plain"), Some(&secret), listed.as_bytes()).await,
        401,
        "invalid_key",
    );

    let answer = post_payment(&s, Some("text/plain"), Some(&s.screen), listed.as_bytes()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let request_id = answer.headers["x-request-id"].to_str().unwrap().to_string();
    let audit =
        call(&s.app, Method::GET, &format!("/admin/audit?request_id={request_id}"), Some(&s.admin), None)
            .await;
    assert_eq!(audit.body["total"], 1, "{}", audit.body);
    let record = &audit.body["records"][0];
    assert_eq!(record["source"], "http /screen/payment");
    assert_eq!(record["matched"], true);
    assert_eq!(record["list_versions"], answer.body["list_versions"]);
    assert!(record["top_score"].as_f64().unwrap() >= f64::from(ward_engine::DEFAULT_THRESHOLD));
    assert!(record["query_names"].as_array().unwrap().iter().any(|n| n == LISTED_PERSON), "{record}");
    assert_eq!(record["query"]["content_type"], "text/plain");
    assert_eq!(record["query"]["messages"][0]["format"], "MT103");
    assert_eq!(record["query"]["messages"][0]["message_id"], "REF1234567890");
    assert_eq!(record["results"]["decision"], "hold");
    assert_eq!(record["results"]["messages"][0]["hits"], answer.body["messages"][0]["hits"]);
    // A refused body is not screened, so it leaves no screening record.
    let bad = post_payment(&s, Some("text/plain"), Some(&s.screen), b"not a payment").await;
    let bad_id = bad.headers["x-request-id"].to_str().unwrap().to_string();
    let audit =
        call(&s.app, Method::GET, &format!("/admin/audit?request_id={bad_id}"), Some(&s.admin), None).await;
    assert_eq!(audit.body["total"], 0, "{}", audit.body);
}

/// The pacs.009 COV covering [`pacs_008`]'s transfer (same UETR, same underlying parties).
fn pacs_009_cover() -> String {
    payment_sample(
        "iso20022_cbpr_samples_ballerina/p_2_3_1_a__CBPR__p.2.3.1.a_pacs.009.cov-AtoB.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.009.001.08"><FICdtTrf>
<GrpHdr><MsgId>pacs9bizmsgidr01</MsgId><NbOfTxs>1</NbOfTxs></GrpHdr>
<CdtTrfTxInf><PmtId><UETR>7a562c67-ca16-48ba-b074-65581be6f001</UETR></PmtId>
<Dbtr><FinInstnId><BICFI>CLYDGB2S</BICFI></FinInstnId></Dbtr>
<Cdtr><FinInstnId><BICFI>CAIXESBB</BICFI></FinInstnId></Cdtr>
<UndrlygCstmrCdtTrf>
<Dbtr><Nm>A Debiter</Nm><PstlAdr><TwnNm>Epping</TwnNm><Ctry>GB</Ctry></PstlAdr></Dbtr>
<Cdtr><Nm>B Creditor Co</Nm><PstlAdr><TwnNm>Barcelona</TwnNm><Ctry>ES</Ctry></PstlAdr></Cdtr>
</UndrlygCstmrCdtTrf></CdtTrfTxInf></FICdtTrf></Document>"#,
    )
}

/// The stripping hits of the one message of an answer: (field, subject id).
fn stripping_hits(answer: &Answer) -> Vec<(String, String)> {
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body["messages"][0]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["kind"] == "stripping")
        .map(|h| {
            assert!(h["explanations"][0].as_str().is_some_and(|e| !e.is_empty()), "{h}");
            (h["field"].as_str().unwrap().to_string(), h["subject_id"].as_str().unwrap().to_string())
        })
        .collect()
}

#[tokio::test]
async fn stripped_covers_are_held() {
    let s = server();
    let cover = pacs_009_cover();
    let post_xml = |body: String| {
        let s = &s;
        async move { post_payment(s, Some("application/xml"), Some(&s.screen), body.as_bytes()).await }
    };
    let placeholder = cover.replace("<Nm>A Debiter</Nm>", "<Nm>NOT PROVIDED</Nm>");
    let answer = post_xml(placeholder).await;
    assert_eq!(answer.body["decision"], "hold");
    assert_eq!(
        stripping_hits(&answer),
        [("CdtTrfTxInf[0]/UndrlygCstmrCdtTrf/Dbtr/Nm".to_string(), "stripping:placeholder_name".to_string())]
    );
    // The cover of the pacs.008 screened before, with the same parties, is released; with
    // another creditor it is held.
    assert_eq!(post_xml(pacs_008()).await.body["decision"], "release");
    let answer = post_xml(cover.clone()).await;
    assert_eq!(answer.body["decision"], "release", "{}", answer.body);
    let changed = cover.replace("<Nm>B Creditor Co</Nm>", "<Nm>C Other Trading Co</Nm>");
    let answer = post_xml(changed).await;
    assert_eq!(answer.body["decision"], "hold");
    assert_eq!(
        stripping_hits(&answer),
        [("CdtTrfTxInf[0]/UndrlygCstmrCdtTrf/Cdtr/Nm".to_string(), "stripping:different_party".to_string())]
    );
}

/// Issue 14: decisions over the JSON routes, with four eyes between API keys (a review key
/// acts as an analyst, an admin key as an admin), the alert's history and the export.
#[tokio::test]
async fn review_routes_keep_four_eyes() {
    let s = server();
    let store = s.state.store();
    let version = store.current_versions().unwrap().into_iter().next().unwrap();
    let listed = store
        .current_entities()
        .unwrap()
        .into_iter()
        .find(|e| e.dataset == version.dataset && e.schema == ward_model::Schema::Person)
        .unwrap();
    let book = store.create_book("retail").unwrap();
    let customer =
        ward_store::Customer { id: "c1".into(), name: listed.caption().to_string(), ..Default::default() };
    store.write_customers("retail", &[customer], &[]).unwrap();
    let alert = |customer_id: &str| {
        ward_store::AlertChange::Raise(ward_store::Alert {
            id: 0,
            book: "retail".into(),
            customer_id: customer_id.into(),
            customer_name: listed.caption().to_string(),
            subject_id: listed.id.clone(),
            referents: vec![listed.id.clone()],
            score: 0.93,
            explanations: vec!["names match".into()],
            reason: ward_store::AlertReason::NewCustomer,
            status: ward_store::AlertStatus::Open,
            close_reason: None,
            list_versions: vec![version.id],
            created_at: String::new(),
            updated_at: String::new(),
        })
    };
    let ids = store.commit_screening(&book, &[alert("c1"), alert("c2")]).unwrap();
    let (_, analyst) = store.create_key("analyst", &[Scope::Review]).unwrap();
    let (_, other_analyst) = store.create_key("analyst two", &[Scope::Review]).unwrap();
    let send = |key: &str, uri: &str, body: Value| {
        let app = s.app.clone();
        let key = key.to_string();
        let uri = uri.to_string();
        async move { call(&app, Method::POST, &uri, Some(&key), Some(body.to_string().into_bytes())).await }
    };

    let dismissal = json!({"kind": "dismiss", "reason": "different-birth-date", "remark": "born 1980", "suppress": {"kind": "pinned"}});
    let asked = send(&analyst, &format!("/alerts/{}/decisions", ids[0]), dismissal.clone()).await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.body);
    assert_eq!(
        (asked.body["status"].as_str(), asked.body["requested_by"].as_str()),
        (Some("pending"), Some("key:analyst"))
    );
    let decision = asked.body["id"].as_i64().unwrap();
    let approve = format!("/decisions/{decision}/approve");
    check_error(&send(&analyst, &approve, json!({})).await, 403, "not_permitted");
    check_error(&send(&other_analyst, &approve, json!({})).await, 403, "not_permitted");
    check_error(
        &send(&analyst, &format!("/alerts/{}/decisions", ids[0]), dismissal.clone()).await,
        409,
        "review_conflict",
    );
    let approved = send(&s.admin, &approve, json!({"remark": "agreed"})).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    assert_eq!(
        (approved.body["status"].as_str(), approved.body["reviewed_by"].as_str()),
        (Some("effective"), Some("key:test admin"))
    );
    check_error(&send(&s.admin, &approve, json!({})).await, 409, "review_conflict");
    let now = call(&s.app, Method::GET, &format!("/alerts/{}", ids[0]), Some(&analyst), None).await;
    assert_eq!(now.body["status"], "dismissed");

    let history =
        call(&s.app, Method::GET, &format!("/alerts/{}/history", ids[0]), Some(&analyst), None).await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.body);
    let kinds: Vec<&str> =
        history.body["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["raised", "decision-requested", "decision-approved", "suppression-created"]);

    // A rejection leaves the alert open.
    let confirm = json!({"kind": "confirm", "reason": "same-name-and-birth-date"});
    let asked = send(&other_analyst, &format!("/alerts/{}/decisions", ids[1]), confirm).await;
    let rejected = send(
        &s.admin,
        &format!("/decisions/{}/reject", asked.body["id"]),
        json!({"remark": "ask for a passport"}),
    )
    .await;
    assert_eq!(rejected.body["status"], "rejected", "{}", rejected.body);

    let today = ward_store::today();
    let export = call(
        &s.app,
        Method::GET,
        &format!("/decisions/export?from={today}&to={today}"),
        Some(&analyst),
        None,
    )
    .await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.body);
    let decisions = export.body["decisions"].as_array().unwrap();
    assert_eq!(decisions.len(), 2);
    assert_eq!(
        (decisions[0]["requested_by"].as_str(), decisions[0]["reviewed_by"].as_str()),
        (Some("key:analyst"), Some("key:test admin"))
    );
    assert_eq!(decisions[0]["suppression"], "pinned");
    let csv = call(
        &s.app,
        Method::GET,
        &format!("/decisions/export?from={today}&to={today}&format=csv"),
        Some(&analyst),
        None,
    )
    .await;
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    let text = csv.body.as_str().unwrap();
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.starts_with("decision_id,alert_id,book,"));

    // Errors are client errors with stable codes.
    check_error(&send(&analyst, "/alerts/999999/decisions", dismissal.clone()).await, 404, "alert_not_found");
    check_error(&send(&analyst, "/decisions/999999/approve", json!({})).await, 404, "decision_not_found");
    check_error(&send(&analyst, "/decisions/x/reject", json!({})).await, 400, "invalid_query");
    check_error(
        &send(
            &analyst,
            &format!("/alerts/{}/decisions", ids[1]),
            json!({"kind": "dismiss", "reason": "other"}),
        )
        .await,
        400,
        "invalid_decision",
    );
    check_error(
        &send(
            &analyst,
            &format!("/alerts/{}/decisions", ids[1]),
            json!({"kind": "shrug", "reason": "other"}),
        )
        .await,
        400,
        "invalid_decision",
    );
    check_error(
        &call(&s.app, Method::GET, "/decisions/export?to=2026-01-01", Some(&analyst), None).await,
        400,
        "invalid_query",
    );
    check_error(
        &call(&s.app, Method::GET, &format!("/alerts/{}/history", ids[0]), Some(&s.screen), None).await,
        403,
        "forbidden",
    );
}

/// Issue 15's done-when case through the match route: WANG Junzheng (SDN 31492, read from the
/// bundled SDN list) holds 60% of a holding company that holds 50% of an operating company.
/// Screening the operating company returns it as derived-blocked (topic `sanction.linked`, its
/// explanation and path in `notes`, Ward's own dataset, no `sanction` topic); a divestment
/// stored as a new ownership version takes it out at the next reload.
#[tokio::test]
async fn derived_designations_are_results_marked_derived() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let sdn = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/lists/us-ofac-sdn");
    for mut list in ward_lists::read_path(&sdn).unwrap() {
        list.entities.retain(|e| e.id == "us_ofac_sdn:31492");
        assert_eq!(list.entities.len(), 1);
        store.import(&list).unwrap();
    }
    let edges = "owner,owned,owned_name,percentage,source\n\
                 us_ofac_sdn:31492,GB-HOLD-1,Example Holding Ltd,60,registry\n\
                 GB-HOLD-1,GB-OPCO-2,Example Operating Co,50,registry\n";
    let file = ward_ownership::read::read_csv(edges.as_bytes(), "edges.csv").unwrap();
    let parties = ward_ownership::tie::parties_of(&file);
    store.import_ownership("edges.csv", &file.edges, &parties).unwrap();
    let (_, screen) = store.create_key("test screen", &[Scope::Screen]).unwrap();
    let state = AppState::new(store, Config::default()).unwrap();
    let app = ward_http::app(state.clone());
    let query = json!({"schema": "Company", "properties": {"name": ["Example Operating Co"]}});
    let body = batch(&[("q1", query)]).to_string().into_bytes();
    let answer = call(&app, Method::POST, "/match/default", Some(&screen), Some(body.clone())).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let results = answer.body["responses"]["q1"]["results"].as_array().unwrap().clone();
    let top = &results[0];
    assert_eq!(top["id"], "ward_ownership:GB-OPCO-2", "{top}");
    assert_eq!(top["match"], true);
    assert_eq!(top["datasets"], json!(["ward_ownership"]));
    assert_eq!(top["properties"]["topics"], json!(["sanction.linked"]), "{top}");
    let notes: Vec<&str> =
        top["properties"]["notes"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(
        notes.contains(
            &"Derived, not listed: blocked under the OFAC 50% rule: owned 50% by Example Holding Ltd (GB-HOLD-1), \
              itself blocked, 50% in the aggregate under the OFAC 50% rule"
        ),
        "{notes:?}"
    );
    assert!(
        notes.contains(
            &"Path under the OFAC 50% rule: WANG, Junzheng (us_ofac_sdn:31492) -60%-> Example Holding Ltd \
              (GB-HOLD-1) -50%-> Example Operating Co (GB-OPCO-2)"
        ),
        "{notes:?}"
    );

    // The holding divests: a new ownership version, and the operating company is no longer a
    // result once the snapshot reloads.
    let divested = "owner,owned,owned_name,percentage,source\n\
                    us_ofac_sdn:31492,GB-HOLD-1,Example Holding Ltd,60,registry\n\
                    GB-HOLD-1,GB-OPCO-2,Example Operating Co,10,registry\n";
    let file = ward_ownership::read::read_csv(divested.as_bytes(), "edges-2.csv").unwrap();
    let parties = ward_ownership::tie::parties_of(&file);
    state.store().import_ownership("edges-2.csv", &file.edges, &parties).unwrap();
    assert!(state.reload().await.unwrap());
    let answer = call(&app, Method::POST, "/match/default", Some(&screen), Some(body)).await;
    let results = answer.body["responses"]["q1"]["results"].as_array().unwrap().clone();
    assert!(results.iter().all(|r| r["id"] != "ward_ownership:GB-OPCO-2"), "{results:?}");
}

/// A list of one dataset: record Rk of each name, `aliases` added to R0 (an amendment).
fn synthetic_list(published: &str, hash: &str, names: &[&str], aliases: &[&str]) -> ward_model::ParsedList {
    use ward_model::{Entity, Name, NameKind, ParsedList, Schema, SourceFile};
    let mut list = ParsedList::new("un_sc_sanctions", "un_xml");
    list.meta.published = Some(published.to_string());
    list.sources.push(SourceFile { name: "list.xml".into(), sha256: hash.into(), size: 1 });
    for (k, name) in names.iter().enumerate() {
        let mut entity = Entity::new("un_sc_sanctions", &format!("R{k}"), Schema::Person);
        entity.add_name(Name::new(*name, NameKind::Primary));
        if k == 0 {
            for alias in aliases {
                entity.add_name(Name::new(*alias, NameKind::Alias));
            }
        }
        list.entities.push(entity);
    }
    list
}

/// The ids in `results` and in `suppressed` of one answer of a `/match` batch.
fn screened_ids(answer: &Value, key: &str) -> (Vec<String>, Option<Vec<(String, i64)>>) {
    let response = &answer["responses"][key];
    let results =
        response["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string());
    let suppressed = response.get("suppressed").map(|items| {
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["id"].as_str().unwrap().to_string(), s["decision"].as_i64().unwrap()))
            .collect()
    });
    (results.collect(), suppressed)
}

#[tokio::test]
async fn match_applies_a_books_suppressions() {
    const SIDOROV: &str = "Ivan Petrovich Sidorov";
    const SMIRNOVA: &str = "Olga Nikolaevna Smirnova";
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let first = store.import(&synthetic_list("2026-01-28", "h1", &[SIDOROV, SMIRNOVA], &[])).unwrap().version;
    // The second version amends R0 (Sidorov) and leaves R1 (Smirnova) as it was.
    store.import(&synthetic_list("2026-02-27", "h2", &[SIDOROV, SMIRNOVA], &["Ivan Sidorov"])).unwrap();
    let (_, screen) = store.create_key("test screen", &[Scope::Screen]).unwrap();
    let book = store.create_book("retail").unwrap();
    let customers = [("amended", SIDOROV), ("pinned", SMIRNOVA), ("good-guy", SMIRNOVA), ("open", SMIRNOVA)];
    let rows: Vec<ward_store::Customer> = customers
        .iter()
        .map(|(id, name)| ward_store::Customer {
            id: id.to_string(),
            name: name.to_string(),
            ..Default::default()
        })
        .collect();
    store.write_customers("retail", &rows, &[]).unwrap();
    // Alerts decided on the first version.
    let changes: Vec<ward_store::AlertChange> = customers
        .iter()
        .map(|(id, name)| {
            let subject = if *name == SIDOROV { "un_sc_sanctions:R0" } else { "un_sc_sanctions:R1" };
            ward_store::AlertChange::Raise(ward_store::Alert {
                id: 0,
                book: "retail".into(),
                customer_id: id.to_string(),
                customer_name: name.to_string(),
                subject_id: subject.into(),
                referents: vec![subject.into()],
                score: 1.0,
                explanations: vec!["names match".into()],
                reason: ward_store::AlertReason::NewCustomer,
                status: ward_store::AlertStatus::Open,
                close_reason: None,
                list_versions: vec![first.id],
                created_at: String::new(),
                updated_at: String::new(),
            })
        })
        .collect();
    let ids = store.commit_screening(&book, &changes).unwrap();
    let analyst = ward_store::Actor::new("ann", ward_store::Role::Analyst);
    let supervisor = ward_store::Actor::new("sue", ward_store::Role::Supervisor);
    let expires = (chrono::Utc::now().date_naive() + chrono::Days::new(30)).format("%Y-%m-%d").to_string();
    let suppressions = [
        ward_store::SuppressionRequest::Pinned,
        ward_store::SuppressionRequest::Pinned,
        ward_store::SuppressionRequest::GoodGuy { expires: expires.clone() },
    ];
    let mut decisions = Vec::new();
    for (alert, suppress) in ids.iter().zip(suppressions) {
        let request = ward_store::DecisionRequest {
            kind: ward_store::DecisionKind::Dismiss,
            reason: ward_store::DecisionReason::DifferentBirthDate,
            remark: String::new(),
            suppress: Some(suppress),
        };
        let asked = store.request_decision(*alert, &analyst, &request).unwrap();
        decisions.push(store.approve_decision(asked.id, &supervisor, "").unwrap().id);
    }
    let app_judging_on = |day: Option<String>| {
        let state = AppState::new(
            Store::open(dir.path()).unwrap(),
            Config { suppressions_judged_on: day, ..Config::default() },
        )
        .unwrap();
        ward_http::app(state)
    };
    let query = |id: Option<&str>, name: &str| {
        let mut query = person(name);
        if let Some(id) = id {
            query["id"] = json!(id);
        }
        query
    };
    let body = batch(&[
        ("amended", query(Some("amended"), SIDOROV)),
        ("pinned", query(Some("pinned"), SMIRNOVA)),
        ("good-guy", query(Some("good-guy"), SMIRNOVA)),
        ("open", query(Some("open"), SMIRNOVA)),
        ("stranger", query(Some("stranger"), SMIRNOVA)),
        ("anonymous", query(None, SMIRNOVA)),
    ]);
    let send = |app: Router, uri: &'static str| {
        let key = screen.clone();
        let body = body.to_string().into_bytes();
        async move { call(&app, Method::POST, uri, Some(&key), Some(body)).await }
    };
    let r0 = "un_sc_sanctions:R0".to_string();
    let r1 = "un_sc_sanctions:R1".to_string();

    // Today: the pinned pair whose records are unchanged and the good-guy pair are left out
    // and listed apart; the pinned pair whose listed record was amended is answered.
    let today = send(app_judging_on(None), "/match/default?book=retail").await;
    assert_eq!(today.status, StatusCode::OK, "{}", today.body);
    assert_eq!(screened_ids(&today.body, "amended"), (vec![r0.clone()], Some(vec![])));
    assert_eq!(screened_ids(&today.body, "pinned"), (vec![], Some(vec![(r1.clone(), decisions[1])])));
    assert_eq!(screened_ids(&today.body, "good-guy"), (vec![], Some(vec![(r1.clone(), decisions[2])])));
    for key in ["open", "stranger", "anonymous"] {
        assert_eq!(screened_ids(&today.body, key), (vec![r1.clone()], Some(vec![])), "{key}");
    }
    let suppressed = &today.body["responses"]["good-guy"]["suppressed"][0];
    assert_eq!(
        (suppressed["kind"].as_str(), suppressed["expires"].as_str(), suppressed["match"].as_bool()),
        (Some("good-guy"), Some(expires.as_str()), Some(true))
    );
    assert_eq!(today.body["responses"]["pinned"]["total"]["value"], 0);

    // The audit trail records the book and each left-out result with its decision.
    let audit = store.audit(&ward_store::AuditFilter::default()).unwrap();
    let record = audit.iter().find(|record| record.query.get("book").is_some()).unwrap();
    assert_eq!(record.query["book"], "retail");
    let left_out = &today.body["responses"]["pinned"]["suppressed"][0];
    assert_eq!(
        record.results["pinned"],
        json!([{"id": r1, "score": left_out["score"], "match": true,
                "suppressed": {"suppression": left_out["suppression"], "decision": decisions[1]}}])
    );

    // On the good-guy entry's date it no longer holds; the pinned one still does.
    let expired = send(app_judging_on(Some(expires)), "/match/default?book=retail").await;
    assert_eq!(screened_ids(&expired.body, "good-guy"), (vec![r1.clone()], Some(vec![])));
    assert_eq!(screened_ids(&expired.body, "pinned"), (vec![], Some(vec![(r1.clone(), decisions[1])])));

    // Without a book nothing is left out and the answer is yente's.
    let plain = send(app_judging_on(None), "/match/default").await;
    assert_eq!(screened_ids(&plain.body, "pinned"), (vec![r1.clone()], None));

    // An unknown book is a clear 404.
    let unknown = send(app_judging_on(None), "/match/default?book=wholesale").await;
    check_error(&unknown, 404, "book_not_found");
    assert!(unknown.body["message"].as_str().unwrap().contains("wholesale"));
}

/// Issue 14: a held payment is a case of the desk, stored once per message before the hold is
/// answered; its release waits for a second person and is then published through the outbox.
#[tokio::test]
async fn a_held_payment_is_released_only_with_four_eyes() {
    let s = server();
    let store = s.state.store();
    let listed = mt_103().replace("MARIE DUPONT", LISTED_PERSON);
    let answer = post_payment(&s, Some("text/plain"), Some(&s.screen), listed.as_bytes()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["decision"], "hold");
    // The case is stored when the hold is answered, and a message sent again is the same case.
    let key = ward_store::message_key(Some("REF1234567890"), None, &listed);
    let hold = store.payment_hold_by_key(&key).unwrap().expect("the hold is stored before the answer");
    assert_eq!(hold.raw, listed);
    assert_eq!(hold.format, "MT103");
    assert_eq!(hold.status, ward_store::PaymentHoldStatus::Held);
    assert_eq!(json!(hold.list_versions), answer.body["list_versions"]);
    assert!(hold.hits.iter().any(|hit| hit.field == "59" && hit.kind == "name"), "{:?}", hold.hits);
    let again = post_payment(&s, Some("text/plain"), Some(&s.screen), listed.as_bytes()).await;
    assert_eq!(again.body["decision"], "hold");
    let filter =
        ward_store::AlertFilter { book: Some(ward_store::PAYMENTS_BOOK.into()), ..Default::default() };
    assert_eq!(store.alerts(&filter).unwrap().len(), 1, "a redelivered message is no second case");
    // A released message makes no case.
    let clean = post_payment(&s, Some("text/plain"), Some(&s.screen), mt_103().as_bytes()).await;
    assert_eq!(clean.body["decision"], "release");
    assert_eq!(store.alerts(&filter).unwrap().len(), 1);

    let (_, analyst) = store.create_key("analyst", &[Scope::Review]).unwrap();
    let send = |key: &str, uri: String, body: Value| {
        let app = s.app.clone();
        let key = key.to_string();
        async move { call(&app, Method::POST, &uri, Some(&key), Some(body.to_string().into_bytes())).await }
    };
    let release = json!({"kind": "dismiss", "reason": "different-birth-date", "remark": "the beneficiary was born 1990"});
    let asked = send(&analyst, format!("/alerts/{}/decisions", hold.alert_id), release).await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.body);
    assert_eq!(asked.body["status"], "pending", "a release after a hit waits for approval");
    let approve = format!("/decisions/{}/approve", asked.body["id"]);
    check_error(&send(&analyst, approve.clone(), json!({})).await, 403, "not_permitted");
    let held = store.payment_hold(hold.alert_id).unwrap().unwrap();
    assert_eq!(held.status, ward_store::PaymentHoldStatus::Held);
    assert!(store.outbox(100).unwrap().iter().all(|e| e.topic != ward_store::TOPIC_PAYMENT_RELEASED));

    let approved = send(&s.admin, approve, json!({"remark": "checked with the beneficiary's bank"})).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    let released = store.payment_hold(hold.alert_id).unwrap().unwrap();
    assert_eq!(released.status, ward_store::PaymentHoldStatus::Released);
    let events: Vec<_> = store
        .outbox(100)
        .unwrap()
        .into_iter()
        .filter(|e| e.topic == ward_store::TOPIC_PAYMENT_RELEASED)
        .collect();
    assert_eq!(events.len(), 1);
    let payload: Value = serde_json::from_str(&events[0].payload).unwrap();
    assert_eq!(payload["message_id"], "REF1234567890");
    assert_eq!(payload["decision"]["requested_by"], "key:analyst");
    assert_eq!(payload["decision"]["approved_by"], "key:test admin");

    // Audited: the screenings in the audit trail, the decisions in the case's history.
    let screenings = store.audit(&ward_store::AuditFilter::default()).unwrap();
    let held: Vec<_> =
        screenings.iter().filter(|r| r.source == "http /screen/payment" && r.matched).collect();
    assert_eq!(held.len(), 2, "{screenings:?}");
    let history = store.alert_history(hold.alert_id).unwrap();
    let steps: Vec<(String, Option<String>)> =
        history.iter().map(|event| (event.kind.to_string(), event.actor.clone())).collect();
    assert_eq!(
        steps,
        [
            ("raised".to_string(), None),
            ("decision-requested".to_string(), Some("key:analyst".to_string())),
            ("decision-approved".to_string(), Some("key:test admin".to_string())),
        ]
    );
}

/// Payments answered at the same time wait for the audit transaction that holds their records
/// and their cases: when it cannot commit, every one of them fails with a clear error, none is
/// answered as screened and no case is stored; once it can, they are.
#[tokio::test]
async fn a_failed_audit_commit_fails_every_payment_waiting_on_it() {
    let s = server();
    let Some(ward_store::Location::Sqlite { data_dir }) = s.state.store().location() else {
        panic!("the test server's store is a SQLite file");
    };
    let db = rusqlite::Connection::open(data_dir.join(ward_store::DB_FILE)).unwrap();
    db.execute_batch(
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit refused'); END;",
    )
    .unwrap();
    let held = mt_103().replace("MARIE DUPONT", LISTED_PERSON);
    let held_too = held.replace("REF1234567890", "REF0987654321");
    let clean = mt_103();
    let post = |body: &String| {
        let (s, body) = (&s, body.clone());
        async move { post_payment(s, Some("text/plain"), Some(&s.screen), body.as_bytes()).await }
    };
    let (first, second, third) = tokio::join!(post(&held), post(&held_too), post(&clean));
    for answer in [&first, &second, &third] {
        check_error(answer, 500, "internal");
        let message = answer.body["message"].as_str().unwrap();
        assert!(message.contains("audit trail could not be written"), "{message}");
    }
    let payments =
        ward_store::AlertFilter { book: Some(ward_store::PAYMENTS_BOOK.into()), ..Default::default() };
    assert!(s.state.store().alerts(&payments).unwrap().is_empty(), "no case without its audit record");

    db.execute_batch("DROP TRIGGER refuse_audit;").unwrap();
    let (first, second) = tokio::join!(post(&held), post(&held_too));
    for answer in [&first, &second] {
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        assert_eq!(answer.body["decision"], "hold");
    }
    assert_eq!(s.state.store().alerts(&payments).unwrap().len(), 2);
    let metrics = call(&s.app, Method::GET, "/metrics", Some(&s.admin), None).await;
    let failures =
        metrics.body.as_str().unwrap().lines().find(|l| l.starts_with("ward_audit_failures_total "));
    assert_eq!(failures, Some("ward_audit_failures_total 3"));
}
