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
use ward_store::{AlertReason, AlertStatus, AssigneeFilter, QueueQuery, QueueSort, PAYMENTS_BOOK};

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
    /// A designation programme of the listed subject.
    #[serde(default)]
    programme: String,
    #[serde(default)]
    min_score: String,
    #[serde(default)]
    max_score: String,
    #[serde(default)]
    assignee: String,
    /// Raised on or after this day (`YYYY-MM-DD`).
    #[serde(default)]
    raised_from: String,
    /// Raised on or before this day (`YYYY-MM-DD`).
    #[serde(default)]
    raised_until: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    after: String,
}

fn optional<T: std::str::FromStr>(text: &str, field: &str) -> Result<Option<T>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| format!("{field}: {text:?} is not a value this filter knows"))
}

/// A day as the date inputs send it (`YYYY-MM-DD`), or none.
fn day(text: &str, field: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let well_formed = text.len() == DAY_LENGTH
        && text.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    if !well_formed {
        return Err(format!("{field}: {text:?} is not a day written YYYY-MM-DD"));
    }
    Ok(Some(text.to_string()))
}

/// The length of a day written `YYYY-MM-DD`.
const DAY_LENGTH: usize = 10;

fn score(text: &str, field: &str) -> Result<Option<f64>, String> {
    let score: Option<f64> = optional(text, field)?;
    if score.is_some_and(|score| !(0.0..=1.0).contains(&score)) {
        return Err(format!("{field}: give a number from 0 to 1"));
    }
    Ok(score)
}

impl QueueForm {
    fn query(&self, user: &str) -> Result<QueueQuery, String> {
        let assignee = match self.assignee.as_str() {
            "" => None,
            "me" => Some(AssigneeFilter::Person(user.to_string())),
            "unassigned" => Some(AssigneeFilter::Unassigned),
            other => return Err(format!("assignee: {other:?} is not me or unassigned")),
        };
        Ok(QueueQuery {
            book: Some(self.book.trim().to_string()).filter(|book| !book.is_empty()),
            status: optional::<AlertStatus>(&self.status, "status")?,
            reason: optional::<AlertReason>(&self.reason, "reason")?,
            programme: Some(self.programme.trim().to_string()).filter(|programme| !programme.is_empty()),
            min_score: score(&self.min_score, "minimum score")?,
            max_score: score(&self.max_score, "maximum score")?,
            assignee,
            created_from: day(&self.raised_from, "raised from")?,
            created_until: day(&self.raised_until, "raised until")?,
            sort: optional::<QueueSort>(&self.sort, "sort")?.unwrap_or_default(),
            limit: Some(QUEUE_PAGE),
            after: Some(self.after.clone()).filter(|after| !after.is_empty()),
        })
    }

    /// The URL of the page after this one.
    fn next(&self, cursor: &str) -> String {
        let params = [
            ("book", self.book.as_str()),
            ("status", &self.status),
            ("reason", &self.reason),
            ("programme", &self.programme),
            ("min_score", &self.min_score),
            ("max_score", &self.max_score),
            ("assignee", &self.assignee),
            ("raised_from", &self.raised_from),
            ("raised_until", &self.raised_until),
            ("sort", &self.sort),
            ("after", cursor),
        ];
        let query: Vec<String> = params
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(key, value)| format!("{key}={}", segment(value)))
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
    let query = match form.query(&signed.session.user) {
        Ok(query) => query,
        Err(message) => return problem(StatusCode::BAD_REQUEST, "Filter not understood", &message),
    };
    let read = desk
        .blocking(move |store| Ok((store.alert_queue(&query)?, store.books()?, store.alert_programmes()?)))
        .await;
    let (queue, books, programmes) = match read {
        Ok(read) => read,
        Err(response) => return response,
    };
    let sorts = [
        ("oldest", "oldest first"),
        ("newest", "newest first"),
        ("score-desc", "highest score first"),
        ("score-asc", "lowest score first"),
    ];
    page(
        "Alert queue",
        Some(&signed),
        html! {
            form.filters method="get" action={ (PREFIX) "/alerts" } aria-label="Filter the queue" {
                label { "Book" select name="book" {
                    option value="" { "any" }
                    @for book in &books { option value=(book.name) selected[form.book == book.name] { (book.name) } }
                    option value=(PAYMENTS_BOOK) selected[form.book == PAYMENTS_BOOK] { "payments (held payments)" }
                } }
                label { "Status" select name="status" {
                    option value="" { "any" }
                    @for status in AlertStatus::ALL { option value=(status.as_str()) selected[form.status == status.as_str()] { (status.as_str()) } }
                } }
                label { "Reason" select name="reason" {
                    option value="" { "any" }
                    @for reason in AlertReason::ALL { option value=(reason.as_str()) selected[form.reason == reason.as_str()] { (reason.as_str()) } }
                } }
                label { "Programme" select name="programme" {
                    option value="" { "any" }
                    @for programme in &programmes { option value=(programme) selected[form.programme == *programme] { (programme) } }
                } }
                label { "Minimum score" input name="min_score" inputmode="decimal" size="5" value=(form.min_score); }
                label { "Maximum score" input name="max_score" inputmode="decimal" size="5" value=(form.max_score); }
                label { "Assignee" select name="assignee" {
                    option value="" { "anyone" }
                    option value="me" selected[form.assignee == "me"] { "me" }
                    option value="unassigned" selected[form.assignee == "unassigned"] { "nobody" }
                } }
                label { "Raised from" input type="date" name="raised_from" value=(form.raised_from); }
                label { "Raised until" input type="date" name="raised_until" value=(form.raised_until); }
                label { "Sort" select name="sort" {
                    @for (value, text) in sorts { option value=(value) selected[form.sort == value] { (text) } }
                } }
                button type="submit" { "Filter" }
            }
            @if queue.items.is_empty() {
                p { "No alert passes these filters." }
            } @else {
                table {
                    caption { "Alerts " (queue.items.len()) " on this page" }
                    thead { tr {
                        th scope="col" { "Alert" } th scope="col" { "Book" } th scope="col" { "Customer" }
                        th scope="col" { "Listed subject" } th scope="col" { "Score" } th scope="col" { "Reason" }
                        th scope="col" { "Status" } th scope="col" { "Assignee" } th scope="col" { "Raised" }
                    } }
                    tbody { @for item in &queue.items { tr {
                        td { a href={ (PREFIX) "/alerts/" (item.alert.id) } { "#" (item.alert.id) } }
                        td { (item.alert.book) }
                        td { (item.alert.customer_name) br; span.muted { (item.alert.customer_id) } }
                        td { (item.alert.subject_id) }
                        td.score { (format!("{:.2}", item.alert.score)) }
                        td { (item.alert.reason) }
                        td { (item.alert.status) @if item.pending_decision.is_some() { br; span.muted { "decision pending" } } }
                        td { (item.assignee.as_deref().unwrap_or("")) }
                        td { (item.alert.created_at) }
                    } } }
                }
                @if let Some(next) = &queue.next {
                    p { a href=(form.next(next)) rel="next" { "Next page" } }
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
            let review = crate::decisions::review(store, &alert)?;
            let hold = if alert.book == PAYMENTS_BOOK { store.payment_hold(alert.id)? } else { None };
            Ok(Some((alert, customer, review, hold)))
        })
        .await;
    let (alert, customer, review, hold) = match read {
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
                @if let Some(hold) = &hold { (crate::payment::section(hold)) } @else {
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
            (crate::decisions::panel(&signed, &alert, &review))
        },
    )
}
