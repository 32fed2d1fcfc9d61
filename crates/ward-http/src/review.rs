//! The review desk's JSON routes: decisions on alerts, their approval or rejection (four eyes),
//! an alert's history and the export of a period's decisions.
//!
//! An API key acts as `key:<name>`: with the admin scope in the admin role (it may approve the
//! decisions of others), with only the review scope as an analyst. With authentication off
//! (`--no-auth`) every request acts as `anonymous`, an admin; four eyes then still refuse that
//! it approves its own decisions.

use crate::error::{Error, ErrorCode, Result};
use crate::extract::{JsonBody, ParamList, PathParam};
use crate::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use ward_store::{Actor, AlertEvent, Decision, DecisionRecord, DecisionRequest, Role, Scope, Store};

/// The actor of requests made with authentication off.
pub(crate) const ANONYMOUS: &str = "anonymous";

/// The prefix of an API key's actor name, so that a key never passes for a person.
pub(crate) const KEY_ACTOR_PREFIX: &str = "key:";

/// The role an API key acts in: admin with the admin scope, else analyst.
pub fn key_role(scopes: &[Scope]) -> Role {
    if scopes.contains(&Scope::Admin) {
        Role::Admin
    } else {
        Role::Analyst
    }
}

/// A caller with the review scope (or admin), as the desk's actor.
pub(crate) struct ReviewActor(pub Actor);

impl FromRequestParts<AppState> for ReviewActor {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ReviewActor> {
        let crate::extract::ReviewAccess =
            crate::extract::ReviewAccess::from_request_parts(parts, state).await?;
        let inner = &state.inner;
        if !inner.config.auth {
            return Ok(ReviewActor(Actor::new(ANONYMOUS, Role::Admin)));
        }
        let secret = crate::auth::key_from(&parts.headers).unwrap_or_default();
        let store = Arc::clone(&inner.store);
        let key = tokio::task::spawn_blocking(move || store.verify_key(&secret))
            .await
            .map_err(Error::internal)??
            .ok_or_else(|| Error::new(ErrorCode::InvalidKey, "the API key is unknown or revoked"))?;
        Ok(ReviewActor(Actor::new(&format!("{KEY_ACTOR_PREFIX}{}", key.name), key_role(&key.scopes))))
    }
}

fn number(id: &str, what: &str) -> Result<i64> {
    id.parse().map_err(|_| Error::new(ErrorCode::InvalidQuery, format!("{what} id {id:?} is not a number")))
}

async fn blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&Store) -> ward_store::Result<T> + Send + 'static,
) -> Result<T> {
    let store = Arc::clone(&state.inner.store);
    Ok(tokio::task::spawn_blocking(move || work(&store)).await.map_err(Error::internal)??)
}

/// The body of an approval or rejection.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ReviewRequest)]
pub(crate) struct ReviewBody {
    /// The reviewer's remark.
    #[serde(default)]
    remark: String,
}

fn parse<T: serde::de::DeserializeOwned>(body: serde_json::Value) -> Result<T> {
    serde_json::from_value(body).map_err(|e| Error::new(ErrorCode::InvalidDecision, format!("the body: {e}")))
}

/// `POST /alerts/{id}/decisions`: records a decision; 201 with the decision, pending or
/// effective.
pub(crate) async fn decide(
    State(state): State<AppState>,
    ReviewActor(actor): ReviewActor,
    PathParam(id): PathParam,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Decision>)> {
    let alert = number(&id, "alert")?;
    let request: DecisionRequest = parse(body)?;
    let decision = blocking(&state, move |store| store.request_decision(alert, &actor, &request)).await?;
    Ok((StatusCode::CREATED, Json(decision)))
}

/// `POST /decisions/{id}/approve`: a second person approves; the decision takes effect.
pub(crate) async fn approve(
    State(state): State<AppState>,
    ReviewActor(actor): ReviewActor,
    PathParam(id): PathParam,
    JsonBody(body): JsonBody,
) -> Result<Json<Decision>> {
    review_decision(&state, actor, &id, body, Store::approve_decision).await
}

/// `POST /decisions/{id}/reject`: a second person rejects; the alert stays as it is.
pub(crate) async fn reject(
    State(state): State<AppState>,
    ReviewActor(actor): ReviewActor,
    PathParam(id): PathParam,
    JsonBody(body): JsonBody,
) -> Result<Json<Decision>> {
    review_decision(&state, actor, &id, body, Store::reject_decision).await
}

/// A second person's review of pending decision `id`: `review` is the store's approval or
/// rejection.
async fn review_decision(
    state: &AppState,
    actor: Actor,
    id: &str,
    body: serde_json::Value,
    review: fn(&Store, i64, &Actor, &str) -> ward_store::Result<Decision>,
) -> Result<Json<Decision>> {
    let decision = number(id, "decision")?;
    let body: ReviewBody = parse(body)?;
    Ok(Json(blocking(state, move |store| review(store, decision, &actor, &body.remark)).await?))
}

/// An alert's history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = AlertHistory)]
pub(crate) struct HistoryResponse {
    /// The alert.
    alert_id: i64,
    /// Its events, in order.
    events: Vec<AlertEvent>,
}

/// `GET /alerts/{id}/history`: every event of an alert, in order.
pub(crate) async fn history(
    State(state): State<AppState>,
    ReviewActor(_): ReviewActor,
    PathParam(id): PathParam,
) -> Result<Json<HistoryResponse>> {
    let alert_id = number(&id, "alert")?;
    let events = blocking(&state, move |store| store.alert_history(alert_id)).await?;
    Ok(Json(HistoryResponse { alert_id, events }))
}

/// The JSON export.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = DecisionExport)]
pub(crate) struct ExportResponse {
    /// The period's start, as asked.
    from: String,
    /// The period's end, as asked.
    to: String,
    /// The decisions requested in the period, oldest first.
    decisions: Vec<DecisionRecord>,
}

/// `GET /decisions/export?from=&to=&format=json|csv`: the decisions requested in a period.
pub(crate) async fn export(
    State(state): State<AppState>,
    ReviewActor(_): ReviewActor,
    params: ParamList,
) -> Result<Response> {
    let required = |name: &str| -> Result<String> {
        params.get(name).filter(|v| !v.trim().is_empty()).map(str::to_string).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidQuery,
                format!("parameter {name:?} is required (a date, YYYY-MM-DD, or RFC 3339)"),
            )
        })
    };
    let from = required("from")?;
    let to = required("to")?;
    let format = params.get("format").unwrap_or("json").to_string();
    if format != "json" && format != "csv" {
        return Err(Error::new(
            ErrorCode::InvalidQuery,
            format!("parameter \"format\": {format:?} is not json or csv"),
        ));
    }
    let (range_from, range_to) = (from.clone(), to.clone());
    let decisions = blocking(&state, move |store| store.export_decisions(&range_from, &range_to)).await?;
    if format == "csv" {
        let body = ward_store::decisions_csv(&decisions);
        return Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], body).into_response());
    }
    Ok(Json(ExportResponse { from, to, decisions }).into_response())
}
