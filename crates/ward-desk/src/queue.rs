//! The alert queue (filtered, sorted, paged by keyset so a page costs the same deep into
//! 100,000 alerts) and the alert page (the customer beside the listed subject, with the
//! evidence and its explanation).

use crate::layout::{page, problem};
use crate::session::Signed;
use crate::{segment, Desk, PREFIX};
use axum::extract::{Path, Query as UrlQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use ward_store::{AlertReason, AlertStatus, QueueCursor, QueueFilter, QueueSort};

/// Alerts on one page of the queue.
pub const QUEUE_PAGE: usize = 50;

/// `GET /`: the queue.
pub(crate) async fn home(_signed: Signed) -> Response {
    Redirect::to(&format!("{PREFIX}/alerts")).into_response()
}

/// The queue's filters as they come in the URL; empty fields mean "any".
#[derive(Deserialize, Default, Clone)]
pub(crate) struct QueueForm {
    #[serde(default)]
    book: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    min_score: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    after_id: Option<i64>,
    #[serde(default)]
    after_score: Option<f64>,
}

fn optional<T: std::str::FromStr>(text: &str, field: &str) -> Result<Option<T>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| format!("{field}: {text:?} is not a value this filter knows"))
}

impl QueueForm {
    fn filter(&self) -> Result<QueueFilter, String> {
        let sort = match self.sort.as_str() {
            "" | "newest" => QueueSort::Newest,
            "oldest" => QueueSort::Oldest,
            "score" => QueueSort::Score,
            other => return Err(format!("sort: {other:?} is not newest, oldest or score")),
        };
        let min_score: Option<f64> = optional(&self.min_score, "minimum score")?;
        if min_score.is_some_and(|score| !(0.0..=1.0).contains(&score)) {
            return Err("minimum score: give a number from 0 to 1".to_string());
        }
        Ok(QueueFilter {
            book: Some(self.book.trim().to_string()).filter(|book| !book.is_empty()),
            status: optional::<AlertStatus>(&self.status, "status")?,
            reason: optional::<AlertReason>(&self.reason, "reason")?,
            min_score,
            sort,
            after: self.after_id.map(|id| QueueCursor { id, score: self.after_score.unwrap_or(0.0) }),
            limit: QUEUE_PAGE,
        })
    }

    /// The URL of the page after the one ending with `last`.
    fn next(&self, last: &ward_store::Alert) -> String {
        let mut params = vec![
            ("book", self.book.clone()),
            ("status", self.status.clone()),
            ("reason", self.reason.clone()),
            ("min_score", self.min_score.clone()),
            ("sort", self.sort.clone()),
            ("after_id", last.id.to_string()),
        ];
        if self.sort == "score" {
            params.push(("after_score", last.score.to_string()));
        }
        let query: Vec<String> = params
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(key, value)| format!("{key}={}", segment(&value)))
            .collect();
        format!("{PREFIX}/alerts?{}", query.join("&"))
    }
}

/// `GET /alerts`.
pub(crate) async fn list(
    State(desk): State<Desk>,
    signed: Signed,
    UrlQuery(form): UrlQuery<QueueForm>,
) -> Response {
    let filter = match form.filter() {
        Ok(filter) => filter,
        Err(message) => return problem(StatusCode::BAD_REQUEST, "Filter not understood", &message),
    };
    let read = desk.blocking(move |store| Ok((store.alert_queue(&filter)?, store.books()?))).await;
    let (alerts, books) = match read {
        Ok(read) => read,
        Err(response) => return response,
    };
    page(
        "Alert queue",
        Some(&signed),
        html! {
            form.filters method="get" action={ (PREFIX) "/alerts" } aria-label="Filter the queue" {
                label { "Book" select name="book" {
                    option value="" { "any" }
                    @for book in &books { option value=(book.name) selected[form.book == book.name] { (book.name) } }
                } }
                label { "Status" select name="status" {
                    option value="" { "any" }
                    @for status in AlertStatus::ALL { option value=(status.as_str()) selected[form.status == status.as_str()] { (status.as_str()) } }
                } }
                label { "Reason" select name="reason" {
                    option value="" { "any" }
                    @for reason in AlertReason::ALL { option value=(reason.as_str()) selected[form.reason == reason.as_str()] { (reason.as_str()) } }
                } }
                label { "Minimum score" input name="min_score" inputmode="decimal" size="5" value=(form.min_score); }
                label { "Sort" select name="sort" {
                    option value="newest" selected[form.sort == "newest"] { "newest first" }
                    option value="oldest" selected[form.sort == "oldest"] { "oldest first" }
                    option value="score" selected[form.sort == "score"] { "highest score first" }
                } }
                button type="submit" { "Filter" }
            }
            @if alerts.is_empty() {
                p { "No alert passes these filters." }
            } @else {
                table {
                    caption { "Alerts " (alerts.len()) " on this page" }
                    thead { tr {
                        th scope="col" { "Alert" } th scope="col" { "Book" } th scope="col" { "Customer" }
                        th scope="col" { "Listed subject" } th scope="col" { "Score" } th scope="col" { "Reason" }
                        th scope="col" { "Status" } th scope="col" { "Raised" }
                    } }
                    tbody { @for alert in &alerts { tr {
                        td { a href={ (PREFIX) "/alerts/" (alert.id) } { "#" (alert.id) } }
                        td { (alert.book) }
                        td { (alert.customer_name) br; span.muted { (alert.customer_id) } }
                        td { (alert.subject_id) }
                        td.score { (format!("{:.2}", alert.score)) }
                        td { (alert.reason) }
                        td { (alert.status) }
                        td { (alert.created_at) }
                    } } }
                }
                @if alerts.len() == QUEUE_PAGE {
                    @if let Some(last) = alerts.last() {
                        p { a href=(form.next(last)) rel="next" { "Next page" } }
                    }
                }
            }
        },
    )
}

/// `GET /alerts/{id}`.
pub(crate) async fn alert_page(State(desk): State<Desk>, signed: Signed, Path(id): Path<i64>) -> Response {
    let read = desk
        .blocking(move |store| {
            let Some(alert) = store.alert(id)? else { return Ok(None) };
            let customer = store
                .customers(&alert.book)?
                .into_iter()
                .find(|stored| stored.customer.id == alert.customer_id);
            Ok(Some((alert, customer)))
        })
        .await;
    let (alert, customer) = match read {
        Ok(Some(found)) => found,
        Ok(None) => {
            return problem(StatusCode::NOT_FOUND, "No such alert", &format!("There is no alert {id}."))
        }
        Err(response) => return response,
    };
    let screener = desk.host.screener();
    let subject = screener.subjects().iter().find(|subject| subject.id == alert.subject_id);
    page(
        &format!("Alert #{}", alert.id),
        Some(&signed),
        html! {
            p { "Book " (alert.book) " · " strong { (alert.status) } " · raised " (alert.created_at) " for " (alert.reason)
                " · score " span.score { (format!("{:.2}", alert.score)) } }
            @if let Some(reason) = alert.close_reason { p.notice { "Closed: " (reason) } }
            div.sides {
                section aria-labelledby="customer" {
                    h2 #customer { "Customer" }
                    @match &customer {
                        Some(stored) => {
                            dl {
                                dt { "Name" } dd { (stored.customer.name) }
                                dt { "Id" } dd { (stored.customer.id) }
                                dt { "Birth date" } dd { (stored.customer.birth_date.as_deref().unwrap_or("not given")) }
                                dt { "Country" } dd { (stored.customer.country.as_deref().unwrap_or("not given")) }
                                dt { "Kind" } dd { (stored.customer.kind.as_deref().unwrap_or("not given")) }
                                dt { "Identifiers" } dd { (stored.customer.identifiers.join(", ")) }
                            }
                        }
                        None => { p { (alert.customer_name) " (" (alert.customer_id) "): no longer in the book." } }
                    }
                }
                section aria-labelledby="subject" {
                    h2 #subject { "Listed subject" }
                    @match subject {
                        Some(subject) => {
                            dl {
                                dt { "Name" } dd { a href={ (PREFIX) "/subjects/" (segment(&subject.id)) } { (subject.records[0].caption()) } }
                                dt { "Lists" } dd { (subject.datasets().join(", ")) }
                                dt { "Birth dates" } dd { @for record in &subject.records { @for date in &record.birth_dates { (date) " " } } }
                                dt { "Nationalities" } dd { @for record in &subject.records { (record.nationalities.join(", ")) " " } }
                                dt { "Programmes" } dd { @for record in &subject.records { @for designation in &record.designations { (designation.programs.join(", ")) " " } } }
                            }
                        }
                        None => { p { (alert.subject_id) ": not in the current lists (delisted?)." } }
                    }
                }
            }
            h2 { "Evidence" }
            ul.explanations { @for explanation in &alert.explanations { li { (explanation) } } }
            p.muted { "Screened against list versions " (alert.list_versions.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")) "; referents " (alert.referents.join(", ")) "." }
        },
    )
}
