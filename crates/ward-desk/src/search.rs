//! The search page: screen a name (with birth date, country and kind) against the current
//! lists and see the ranked hits with the scorer's explanation of each.

use crate::layout::page;
use crate::session::{audit_record, request_id, Signed};
use crate::{segment, Desk, PREFIX};
use axum::extract::{Query as UrlQuery, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use ward_engine::{validate_query, Hit, MatchOptions, Query};
use ward_model::Schema;
use ward_store::AuditRecord;

/// Hits shown for one search.
const SEARCH_HITS: usize = 20;

/// The kinds offered in the form, as `FtM` schema names.
const KINDS: &[&str] = &["Person", "Organization", "Company", "Vessel", "Airplane"];

#[derive(Deserialize, Default)]
pub(crate) struct SearchForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    kind: String,
}

fn present(text: &str) -> Vec<String> {
    let text = text.trim();
    if text.is_empty() {
        Vec::new()
    } else {
        vec![text.to_string()]
    }
}

/// `GET /search`: the form, and the hits when a name was given.
async fn render(desk: &Desk, signed: &Signed, form: &SearchForm) -> Result<Response, Response> {
    let name = form.name.trim();
    let mut outcome = None;
    let mut refusal = None;
    if !name.is_empty() {
        let query = Query {
            names: vec![name.to_string()],
            schema: Schema::from_name(form.kind.trim()),
            birth_dates: present(&form.birth_date),
            countries: present(&form.country),
            ..Query::default()
        };
        match validate_query(&query) {
            Err(not_screened) => refusal = Some(not_screened.to_string()),
            Ok(()) => {
                let screener = desk.host.screener();
                let options = MatchOptions { limit: SEARCH_HITS, ..MatchOptions::default() };
                let searched = query.clone();
                let hits = tokio::task::spawn_blocking(move || {
                    let hits = screener.match_query(&searched, &options);
                    let captions: Vec<String> = hits
                        .iter()
                        .map(|hit| screener.subjects()[hit.subject].records[0].caption().to_string())
                        .collect();
                    (hits, captions)
                })
                .await
                .map_err(|e| crate::layout::internal(&e))?;
                let record = AuditRecord {
                    request_id: request_id(),
                    key_id: Some(format!("user:{}", signed.session.user)),
                    time: String::new(),
                    source: "desk search".to_string(),
                    dataset: "default".to_string(),
                    query: serde_json::json!({
                        "name": name, "birth_date": form.birth_date.trim(),
                        "country": form.country.trim(), "kind": form.kind.trim(),
                    }),
                    query_names: vec![name.to_string()],
                    list_versions: desk.host.versions().iter().map(|version| version.id).collect(),
                    results: serde_json::json!(hits
                        .0
                        .iter()
                        .map(|hit| serde_json::json!({ "id": hit.subject_id, "score": hit.score }))
                        .collect::<Vec<_>>()),
                    top_score: hits.0.first().map_or(0.0, |hit| f64::from(hit.score)),
                    matched: hits.0.iter().any(|hit| hit.is_match),
                };
                audit_record(desk, record).await?;
                outcome = Some(hits);
            }
        }
    }
    Ok(page(
        "Search",
        Some(signed),
        html! {
            form.search method="get" action={ (PREFIX) "/search" } role="search" {
                label { "Name" input name="name" value=(form.name) required; }
                label { "Birth date" input name="birth_date" value=(form.birth_date) placeholder="1970-01-31"; }
                label { "Country" input name="country" value=(form.country) placeholder="CN"; }
                label { "Kind"
                    select name="kind" {
                        option value="" { "any" }
                        @for kind in KINDS {
                            option value=(kind) selected[form.kind == *kind] { (kind) }
                        }
                    }
                }
                button type="submit" { "Screen" }
            }
            @if let Some(refusal) = refusal {
                p.error role="alert" { "Not screened: " (refusal) }
            }
            @if let Some((hits, captions)) = outcome {
                (hit_table(&hits, &captions))
            }
        },
    ))
}

fn hit_table(hits: &[Hit], captions: &[String]) -> maud::Markup {
    html! {
        @if hits.is_empty() {
            p { "No listed subject scores above the cut-off." }
        } @else {
            table {
                caption { (hits.len()) " hits, best first" }
                thead { tr { th scope="col" { "Score" } th scope="col" { "Subject" } th scope="col" { "Matched name" } th scope="col" { "Why" } } }
                tbody {
                    @for (hit, caption) in hits.iter().zip(captions) {
                        tr {
                            td.score { (format!("{:.2}", hit.score)) @if hit.is_match { " match" } }
                            td { a href={ (PREFIX) "/subjects/" (segment(&hit.subject_id)) } { (caption) } br; span.muted { (hit.subject_id) } }
                            td { (hit.comparison.matched_name) br; span.muted { (hit.comparison.matched_dataset) } }
                            td { ul.explanations { @for explanation in &hit.comparison.explanations { li { (explanation.text) } } } }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /search`.
pub(crate) async fn handler(
    State(desk): State<Desk>,
    signed: Signed,
    UrlQuery(form): UrlQuery<SearchForm>,
) -> Response {
    match render(&desk, &signed, &form).await {
        Ok(response) | Err(response) => response,
    }
}
