//! The request extractors of the handlers, each answering a bad request with the API's own
//! stable error codes instead of axum's plain-text rejections (axum's
//! customize-extractor-error pattern): the caller and its audit context, the path parameter,
//! the query string and a JSON body.

use crate::auth::{authorize, Caller};
use crate::error::{Error, ErrorCode, Result};
use crate::routes::{ALGORITHM, ALGORITHM_ALIASES};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde_json::Value;
use ward_engine::Hit;
use ward_store::{AuditRecord, Scope};

/// The query parameter holding the match threshold.
pub(crate) const THRESHOLD: &str = "threshold";

/// Most results per query.
pub(crate) const MAX_LIMIT: usize = 500;

/// Results per query of `/match` without a `limit`.
pub(crate) const DEFAULT_MATCH_LIMIT: usize = 5;

/// Results of `/search` without a `limit`.
pub(crate) const DEFAULT_SEARCH_LIMIT: usize = 10;

/// Results scoring below this are left out unless the request says otherwise (`cutoff`).
pub(crate) const DEFAULT_CUTOFF: f32 = 0.5;

/// Records of `/admin/audit` without a `limit`.
pub(crate) const DEFAULT_AUDIT_LIMIT: u64 = 100;

/// Alerts per page of `GET /alerts` without `limit`.
pub(crate) const DEFAULT_ALERT_LIMIT: usize = 100;

/// The request id: the client's `X-Request-Id`, or one the server made (see
/// [`crate::routes::app`]).
#[derive(Debug, Clone)]
pub(crate) struct RequestId(pub String);

/// What an audit record says about a request before the handler's work: its id, the key that
/// made it and the route it came through. Built once per request, by [`ScreenAccess`] or
/// [`AdminAccess`].
pub(crate) struct AuditContext {
    request_id: String,
    key_id: Option<String>,
    source: String,
}

impl AuditContext {
    /// The record of the request on `dataset` with `query`; the handler fills in what it saw and
    /// answered (`..context.record(dataset, query)`).
    pub(crate) fn record(self, dataset: &str, query: Value) -> AuditRecord {
        AuditRecord {
            request_id: self.request_id,
            key_id: self.key_id,
            time: String::new(),
            source: self.source,
            dataset: dataset.to_string(),
            query,
            query_names: Vec::new(),
            list_versions: Vec::new(),
            results: Value::Null,
            top_score: 0.0,
            matched: false,
        }
    }

    /// The record of a screening, with its best score and whether it matched from `hits`.
    pub(crate) fn screening(self, dataset: &str, query: Value, hits: &[&Hit]) -> AuditRecord {
        AuditRecord {
            top_score: hits.iter().map(|h| f64::from(h.score)).fold(0.0, f64::max),
            matched: hits.iter().any(|h| h.is_match),
            ..self.record(dataset, query)
        }
    }
}

/// Checks the request's key for `scope`, takes a token from its rate limit, and builds the
/// request's audit context.
async fn access(parts: &Parts, state: &AppState, scope: Scope) -> Result<AuditContext> {
    let inner = &state.inner;
    let caller: Caller =
        authorize(&inner.store, &inner.keys, inner.config.auth, &parts.headers, scope).await?;
    inner.limiter.check(&caller)?;
    let request_id = parts.extensions.get::<RequestId>().map(|id| id.0.clone()).unwrap_or_default();
    Ok(AuditContext { request_id, key_id: caller.key_id, source: format!("http {}", parts.uri.path()) })
}

/// A caller whose key has the screen scope, and the request's audit context.
pub(crate) struct ScreenAccess(pub AuditContext);

impl FromRequestParts<AppState> for ScreenAccess {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ScreenAccess> {
        access(parts, state, Scope::Screen).await.map(ScreenAccess)
    }
}

/// A caller whose key has the admin scope, and the request's audit context.
pub(crate) struct AdminAccess(pub AuditContext);

impl FromRequestParts<AppState> for AdminAccess {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<AdminAccess> {
        access(parts, state, Scope::Admin).await.map(AdminAccess)
    }
}

/// A caller whose key has the review scope (or admin).
pub(crate) struct ReviewAccess;

impl FromRequestParts<AppState> for ReviewAccess {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ReviewAccess> {
        access(parts, state, Scope::Review).await.map(|_| ReviewAccess)
    }
}

/// The route's one path parameter; a bad one is `invalid_query`.
pub(crate) struct PathParam(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<PathParam> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| PathParam(value))
            .map_err(|rejection| Error::new(ErrorCode::InvalidQuery, rejection.body_text()))
    }
}

/// Query-string parameters; a query string that cannot be read is `invalid_query`.
pub(crate) struct ParamList(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for ParamList {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ParamList> {
        Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map(|Query(params)| ParamList(params))
            .map_err(|rejection| {
                Error::new(ErrorCode::InvalidQuery, format!("bad query string: {}", rejection.body_text()))
            })
    }
}

impl ParamList {
    /// The last value of parameter `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Parameter `name` parsed as `T`.
    pub(crate) fn parse<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>> {
        self.get(name)
            .map(|v| {
                v.trim().parse().map_err(|_| {
                    Error::new(ErrorCode::InvalidQuery, format!("parameter {name:?} has a bad value"))
                })
            })
            .transpose()
    }

    /// The match threshold: a score from which a result is a match, in (0, 1]. Zero is refused
    /// because every result would be a match, even one scoring 0.
    pub(crate) fn threshold(&self) -> Result<Option<f32>> {
        match self.parse::<f32>(THRESHOLD)? {
            Some(v) if !(v > 0.0 && v <= 1.0) => Err(Error::new(
                ErrorCode::InvalidQuery,
                format!("parameter {THRESHOLD:?} must be above 0 and at most 1"),
            )),
            v => Ok(v),
        }
    }

    /// A score parameter, in [0, 1].
    pub(crate) fn score(&self, name: &str) -> Result<Option<f32>> {
        match self.parse::<f32>(name)? {
            Some(v) if !(0.0..=1.0).contains(&v) => Err(Error::new(
                ErrorCode::InvalidQuery,
                format!("parameter {name:?} must be between 0 and 1"),
            )),
            v => Ok(v),
        }
    }

    /// The `limit` parameter, from 1 to [`MAX_LIMIT`].
    pub(crate) fn limit(&self, default: usize) -> Result<usize> {
        match self.parse::<usize>("limit")? {
            Some(n) if n == 0 || n > MAX_LIMIT => Err(Error::new(
                ErrorCode::InvalidQuery,
                format!("parameter \"limit\" must be between 1 and {MAX_LIMIT}"),
            )),
            n => Ok(n.unwrap_or(default)),
        }
    }

    /// The `algorithm` parameter: Ward's, or a yente name taken as its alias.
    pub(crate) fn algorithm(&self) -> Result<&'static str> {
        match self.get("algorithm") {
            None => Ok(ALGORITHM),
            Some(a) if a == ALGORITHM || ALGORITHM_ALIASES.contains(&a) => Ok(ALGORITHM),
            Some(a) => {
                Err(Error::new(ErrorCode::InvalidQuery, format!("unknown algorithm {a:?}; see /algorithms")))
            }
        }
    }

    /// A boolean parameter written `true` or `false`.
    pub(crate) fn flag(&self, name: &str) -> Result<bool> {
        match self.get(name) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => {
                Err(Error::new(ErrorCode::InvalidQuery, format!("{name}={other:?}: expected true or false")))
            }
        }
    }
}

/// A JSON body, within the body limit: a body declared as something else is
/// `unsupported_media_type`, one over the limit `payload_too_large`, one that is not JSON
/// `malformed_json`.
pub(crate) struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<JsonBody> {
        json_content_type(request.headers())?;
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::new(ErrorCode::PayloadTooLarge, "the request body is over the size limit")
            } else {
                Error::new(ErrorCode::MalformedJson, rejection.body_text())
            }
        })?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| Error::new(ErrorCode::MalformedJson, format!("the body is not valid JSON: {e}")))
    }
}

/// Refuses a body declared as anything but JSON (`application/json`, `application/*+json`,
/// any parameters). A body without `Content-Type` is read as JSON, as yente does, so clients
/// that send none keep working.
fn json_content_type(headers: &HeaderMap) -> Result<()> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else { return Ok(()) };
    let essence = value.to_str().unwrap_or_default().split(';').next().unwrap_or_default().trim();
    let essence = essence.to_ascii_lowercase();
    let is_json = essence == "application/json"
        || essence.strip_prefix("application/").is_some_and(|subtype| subtype.ends_with("+json"));
    if is_json {
        Ok(())
    } else {
        Err(Error::new(
            ErrorCode::UnsupportedMediaType,
            "the body must be JSON: send Content-Type: application/json",
        ))
    }
}
