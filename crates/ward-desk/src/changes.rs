//! The list changes feed: every stored list version, newest first, and each version's diff
//! against the one before it.

use crate::layout::page;
use crate::session::Signed;
use crate::{segment, Desk, PREFIX};
use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;

/// Records shown per kind of change on a diff page.
const DIFF_ROWS: usize = 200;

/// `GET /changes`.
pub(crate) async fn feed(State(desk): State<Desk>, signed: Signed) -> Response {
    let mut versions = match desk.blocking(|store| store.versions()).await {
        Ok(versions) => versions,
        Err(response) => return response,
    };
    versions.sort_by(|a, b| b.imported_at.cmp(&a.imported_at).then(b.id.cmp(&a.id)));
    page(
        "List changes",
        Some(&signed),
        html! {
            table {
                thead { tr {
                    th scope="col" { "List" } th scope="col" { "Version" } th scope="col" { "Published" }
                    th scope="col" { "Imported" } th scope="col" { "Records" } th scope="col" { "Changes" }
                } }
                tbody { @for version in &versions { tr {
                    td { (version.dataset) @if version.current { " (current)" } }
                    td { (version.number) }
                    td { (version.published.as_deref().unwrap_or("")) }
                    td { (version.imported_at) }
                    td { (version.counts.entities) }
                    td { @if version.number > 1 {
                        a href={ (PREFIX) "/changes/" (segment(&version.dataset)) "/" (version.number) } { "diff against " (version.number - 1) }
                    } @else { "first version" } }
                } } }
            }
        },
    )
}

/// `GET /changes/{dataset}/{number}`: the version against the one before it.
pub(crate) async fn diff(
    State(desk): State<Desk>,
    signed: Signed,
    Path((dataset, number)): Path<(String, i64)>,
) -> Response {
    let lookup = dataset.clone();
    let diff = match desk.blocking(move |store| store.diff(&lookup, None, Some(number))).await {
        Ok(diff) => diff,
        Err(response) => return response,
    };
    let report = &diff.report;
    page(
        &format!("{dataset}: version {} against {}", diff.to.number, diff.from.number),
        Some(&signed),
        html! {
            p { (report.added.len()) " added, " (report.removed.len()) " delisted, " (report.amended.len()) " amended, " (report.unchanged) " unchanged." }
            h2 { "Added" }
            ul { @for record in report.added.iter().take(DIFF_ROWS) {
                li { a href={ (PREFIX) "/subjects/" (segment(&record.id)) } { (record.caption) } " " span.muted { (record.id) } }
            } }
            h2 { "Delisted" }
            ul { @for record in report.removed.iter().take(DIFF_ROWS) { li { (record.caption) " " span.muted { (record.id) } } } }
            h2 { "Amended" }
            ul { @for record in report.amended.iter().take(DIFF_ROWS) {
                li { a href={ (PREFIX) "/subjects/" (segment(&record.id)) } { (record.caption) } ": "
                    (record.changes.iter().map(|change| change.field.as_str()).collect::<Vec<_>>().join(", ")) }
            } }
            @if report.added.len().max(report.removed.len()).max(report.amended.len()) > DIFF_ROWS {
                p.muted { "Only the first " (DIFF_ROWS) " of each kind are shown; `ward lists diff` prints all." }
            }
        },
    )
}
