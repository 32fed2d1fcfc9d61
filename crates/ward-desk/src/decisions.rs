//! Deciding alerts: the decision form (confirm, dismiss or escalate, with a reason from the
//! store's controlled vocabulary, a remark and, on a dismissal, a suppression), taking an
//! alert, the supervisors' approvals (four eyes: nobody approves their own, which the store
//! enforces too), each alert's history, and the decisions export for an examiner.

use crate::layout::{forbidden, page, problem};
use crate::session::{audit, Signed};
use crate::{Desk, PREFIX};
use axum::extract::{Path, Query as UrlQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;
use ward_store::{
    Actor, Alert, AlertEvent, AlertStatus, Decision, DecisionKind, DecisionReason, DecisionRequest,
    DecisionStatus, Role, SuppressionRequest, EXPORT_COLUMNS, PAYMENTS_BOOK,
};

fn actor(signed: &Signed) -> Actor {
    Actor::new(&signed.session.user, signed.session.role)
}

/// What the alert page shows below the evidence.
pub(crate) struct Review {
    pub(crate) assignee: Option<String>,
    pub(crate) decisions: Vec<Decision>,
    pub(crate) earlier: Vec<Decision>,
    pub(crate) history: Vec<AlertEvent>,
}

/// Reads what [`panel`] shows.
pub(crate) fn review(store: &ward_store::Store, alert: &Alert) -> ward_store::Result<Review> {
    let decisions = store.alert_decisions(alert.id)?;
    let earlier = store
        .pair_decisions(&alert.book, &alert.customer_id, &alert.subject_id)?
        .into_iter()
        .filter(|decision| decision.alert_id != alert.id)
        .collect();
    Ok(Review {
        assignee: store.alert_assignee(alert.id)?,
        decisions,
        earlier,
        history: store.alert_history(alert.id)?,
    })
}

fn decision_rows(decisions: &[Decision]) -> Markup {
    html! {
        table {
            thead { tr {
                th scope="col" { "Decision" } th scope="col" { "Reason" } th scope="col" { "Remark" } th scope="col" { "Suppression" }
                th scope="col" { "Status" } th scope="col" { "Requested" } th scope="col" { "Reviewed" }
            } }
            tbody { @for decision in decisions { tr {
                td { "#" (decision.id) " " (decision.kind) @if decision.alert_id > 0 { br; a href={ (PREFIX) "/alerts/" (decision.alert_id) } { "alert #" (decision.alert_id) } } }
                td { (decision.reason) }
                td { (decision.remark) }
                td { (ward_store::describe_suppression(decision.suppress.as_ref())) }
                td { (decision.status) }
                td { (decision.requested_by) " (" (decision.requested_role) ")" br; span.muted { (decision.requested_at) } }
                td { @if let Some(by) = &decision.reviewed_by { (by) br; span.muted { (decision.reviewed_at.as_deref().unwrap_or("")) } @if let Some(remark) = &decision.review_remark { br; (remark) } } }
            } } }
        }
    }
}

/// The decision forms, the decisions and the history of one alert.
pub(crate) fn panel(signed: &Signed, alert: &Alert, review: &Review) -> Markup {
    let csrf = &signed.session.csrf_token;
    let pending = review.decisions.iter().find(|decision| decision.status == DecisionStatus::Pending);
    let decidable = matches!(alert.status, AlertStatus::Open | AlertStatus::Escalated) && pending.is_none();
    // A held payment's dismissal is its release, which always waits for a supervisor.
    let payment = alert.book == PAYMENTS_BOOK;
    html! {
        p { "Assignee: " (review.assignee.as_deref().unwrap_or("nobody")) " "
            @if review.assignee.as_deref() != Some(signed.session.user.as_str()) {
                form.inline method="post" action={ (PREFIX) "/alerts/" (alert.id) "/assign" } {
                    input type="hidden" name="csrf" value=(csrf);
                    button type="submit" { "Assign to me" }
                }
            }
        }
        @if let Some(decision) = pending {
            section.notice aria-labelledby="pending" {
                h2 #pending { "Waiting for approval" }
                p { (decision.requested_by) " asks to " strong { (decision.kind) } " (" (decision.reason) ")"
                    @if decision.suppress.is_some() { " with " (ward_store::describe_suppression(decision.suppress.as_ref())) }
                    ": " (decision.remark) }
                @if signed.session.role.can_approve() && decision.requested_by != signed.session.user {
                    form.stack method="post" action={ (PREFIX) "/decisions/" (decision.id) "/review" } {
                        input type="hidden" name="csrf" value=(csrf);
                        label { "Review remark" textarea name="remark" rows="2" {} }
                        div { button type="submit" name="verdict" value="approve" { "Approve" } " "
                              button type="submit" name="verdict" value="reject" { "Reject" } }
                    }
                } @else if decision.requested_by == signed.session.user {
                    p { "A second person (a supervisor) must approve your decision." }
                }
            }
        }
        @if decidable {
            h2 { "Decide" }
            form.stack method="post" action={ (PREFIX) "/alerts/" (alert.id) "/decide" } {
                input type="hidden" name="csrf" value=(csrf);
                @if payment {
                    label { "Decision" select name="kind" {
                        option value="dismiss" { "release: false positive (needs approval)" }
                        option value="confirm" { "confirm: keep blocked, true match (needs approval)" }
                        option value="escalate" { "escalate (stays held)" }
                    } }
                } @else {
                    label { "Decision" select name="kind" {
                        option value="dismiss" { "dismiss: false positive" }
                        option value="confirm" { "confirm: true match (needs approval)" }
                        option value="escalate" { "escalate" }
                    } }
                }
                label { "Reason" select name="reason" {
                    @for reason in DecisionReason::ALL { option value=(reason.as_str()) { (reason.as_str()) } }
                } }
                label { "Remark" textarea name="remark" rows="3" {} }
                @if !payment {
                    label { "Suppress this pair (dismissals; needs approval)" select name="suppress" {
                        option value="" { "no suppression" }
                        option value="pinned" { "while the listed record and the customer are unchanged" }
                        option value="good-guy" { "good-guy entry until the date below" }
                    } }
                    label { "Good-guy entry ends on" input name="expires" type="date"; }
                }
                button type="submit" { "Record decision" }
            }
        }
        @if !review.decisions.is_empty() {
            h2 { "Decisions on this alert" }
            (decision_rows(&review.decisions))
        }
        @if !review.earlier.is_empty() {
            h2 { "Earlier decisions on the same customer and subject" }
            (decision_rows(&review.earlier))
        }
        h2 { "History" }
        table {
            thead { tr { th scope="col" { "When" } th scope="col" { "What" } th scope="col" { "Who" } th scope="col" { "Status after" } th scope="col" { "List versions" } th scope="col" { "Details" } } }
            tbody { @for event in &review.history { tr {
                td { (event.at) }
                td { (event.kind) }
                td { (event.actor.as_deref().unwrap_or("screening")) @if let Some(role) = event.role { " (" (role) ")" } }
                td { (event.status) }
                td { (event.list_versions.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")) }
                td { (event.detail.to_string()) }
            } } }
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /alerts/{id}/assign`: takes the alert.
pub(crate) async fn assign(
    State(desk): State<Desk>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&form.csrf) {
        return refused;
    }
    let who = actor(&signed);
    if let Err(failed) = desk.blocking(move |store| store.assign_alert(id, &who, Some(&who.name))).await {
        return failed;
    }
    let query = serde_json::json!({ "alert": id });
    if let Err(failed) = audit(&desk, &signed.session.user, "assign", query, serde_json::json!({})).await {
        return failed;
    }
    Redirect::to(&format!("{PREFIX}/alerts/{id}")).into_response()
}

#[derive(Deserialize)]
pub(crate) struct DecisionForm {
    #[serde(default)]
    csrf: String,
    kind: String,
    reason: String,
    #[serde(default)]
    remark: String,
    #[serde(default)]
    suppress: String,
    #[serde(default)]
    expires: String,
}

impl DecisionForm {
    fn request(&self) -> Result<DecisionRequest, String> {
        let kind: DecisionKind = self.kind.parse()?;
        let reason: DecisionReason = self.reason.parse()?;
        let suppress = match self.suppress.as_str() {
            "" => None,
            "pinned" => Some(SuppressionRequest::Pinned),
            "good-guy" if self.expires.trim().is_empty() => {
                return Err("a good-guy entry needs the date it ends".to_string())
            }
            "good-guy" => Some(SuppressionRequest::GoodGuy { expires: self.expires.trim().to_string() }),
            other => return Err(format!("{other:?} is not a kind of suppression")),
        };
        Ok(DecisionRequest { kind, reason, remark: self.remark.trim().to_string(), suppress })
    }
}

/// `POST /alerts/{id}/decide`.
pub(crate) async fn decide(
    State(desk): State<Desk>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Response {
    if let Err(refused) = signed.check_csrf(&form.csrf) {
        return refused;
    }
    let request = match form.request() {
        Ok(request) => request,
        Err(message) => return problem(StatusCode::BAD_REQUEST, "Decision not recorded", &message),
    };
    let who = actor(&signed);
    let asked = request.clone();
    let decision = match desk.blocking(move |store| store.request_decision(id, &who, &asked)).await {
        Ok(decision) => decision,
        Err(failed) => return failed,
    };
    let query = serde_json::json!({ "alert": id, "request": request });
    let results = serde_json::json!({ "decision": decision.id, "status": decision.status });
    if let Err(failed) = audit(&desk, &signed.session.user, "decide", query, results).await {
        return failed;
    }
    Redirect::to(&format!("{PREFIX}/alerts/{id}")).into_response()
}

#[derive(Deserialize)]
pub(crate) struct ReviewForm {
    #[serde(default)]
    csrf: String,
    verdict: String,
    #[serde(default)]
    remark: String,
}

/// `POST /decisions/{id}/review`: a supervisor approves or rejects another person's decision.
pub(crate) async fn review_decision(
    State(desk): State<Desk>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(form): Form<ReviewForm>,
) -> Response {
    if let Err(refused) = signed.require(Role::Supervisor).and_then(|()| signed.check_csrf(&form.csrf)) {
        return refused;
    }
    let approve = match form.verdict.as_str() {
        "approve" => true,
        "reject" => false,
        other => {
            return problem(
                StatusCode::BAD_REQUEST,
                "Not reviewed",
                &format!("{other:?} is not approve or reject"),
            )
        }
    };
    let who = actor(&signed);
    let remark = form.remark.trim().to_string();
    let decision = match desk
        .blocking(move |store| {
            if approve {
                store.approve_decision(id, &who, &remark)
            } else {
                store.reject_decision(id, &who, &remark)
            }
        })
        .await
    {
        Ok(decision) => decision,
        Err(failed) => return failed,
    };
    let query = serde_json::json!({ "decision": id, "verdict": form.verdict });
    let results = serde_json::json!({ "status": decision.status, "alert": decision.alert_id });
    if let Err(failed) = audit(&desk, &signed.session.user, "review", query, results).await {
        return failed;
    }
    Redirect::to(&format!("{PREFIX}/alerts/{}", decision.alert_id)).into_response()
}

/// `GET /approvals`: the decisions waiting for a second person.
pub(crate) async fn approvals(State(desk): State<Desk>, signed: Signed) -> Response {
    if let Err(refused) = signed.require(Role::Supervisor) {
        return refused;
    }
    let pending = match desk.blocking(|store| store.pending_decisions(None)).await {
        Ok(pending) => pending,
        Err(failed) => return failed,
    };
    page(
        "Waiting for approval",
        Some(&signed),
        html! {
            @if pending.is_empty() { p { "No decision waits for approval." } } @else { (decision_rows(&pending)) }
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct ExportForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    format: String,
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// `GET /export`: the form, and with `from` and `to` the decisions of that period as CSV or
/// JSON (supervisors and admins).
pub(crate) async fn export(
    State(desk): State<Desk>,
    signed: Signed,
    UrlQuery(form): UrlQuery<ExportForm>,
) -> Response {
    if signed.session.role < Role::Supervisor {
        return forbidden();
    }
    if form.from.trim().is_empty() || form.to.trim().is_empty() {
        return page(
            "Export decisions",
            Some(&signed),
            html! {
                form.search method="get" action={ (PREFIX) "/export" } {
                    label { "From" input name="from" type="date" required; }
                    label { "To" input name="to" type="date" required; }
                    label { "Format" select name="format" { option value="csv" { "CSV" } option value="json" { "JSON" } } }
                    button type="submit" { "Export" }
                }
            },
        );
    }
    let (from, to) = (form.from.trim().to_string(), form.to.trim().to_string());
    let period = (from.clone(), to.clone());
    let records = match desk.blocking(move |store| store.export_decisions(&period.0, &period.1)).await {
        Ok(records) => records,
        Err(failed) => return failed,
    };
    let query = serde_json::json!({ "from": from, "to": to, "format": form.format });
    if let Err(failed) =
        audit(&desk, &signed.session.user, "export", query, serde_json::json!({ "decisions": records.len() }))
            .await
    {
        return failed;
    }
    let name = format!("ward-decisions-{from}-{to}");
    if form.format == "json" {
        let body = match serde_json::to_string_pretty(&records) {
            Ok(body) => body,
            Err(e) => return crate::layout::internal(&e),
        };
        let disposition = format!("attachment; filename=\"{name}.json\"");
        return (
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            body,
        )
            .into_response();
    }
    let mut body = EXPORT_COLUMNS.join(",");
    body.push('\n');
    for record in &records {
        let fields: Vec<String> = record.csv_fields().iter().map(|field| csv_field(field)).collect();
        body.push_str(&fields.join(","));
        body.push('\n');
    }
    let disposition = format!("attachment; filename=\"{name}.csv\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}
