//! The subject page: one listed party, each authority's designation side by side, its names
//! grouped by script, identifiers, addresses, linked records, and the history of its records
//! across list versions (added, amended, delisted) from the list diffs.

use crate::layout::{page, problem};
use crate::session::Signed;
use crate::{segment, Desk, PREFIX};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use std::collections::BTreeMap;
use ward_model::{Entity, Subject};

/// Versions per dataset whose diffs the history reads: each diff loads two versions, so the
/// page stays quick on lists with a long history.
const HISTORY_VERSIONS: usize = 12;

/// One event in a record's history.
struct Listing {
    dataset: String,
    number: i64,
    published: String,
    what: String,
}

/// `GET /subjects/{id}` (a subject id or any of its referents).
pub(crate) async fn handler(State(desk): State<Desk>, signed: Signed, Path(id): Path<String>) -> Response {
    let screener = desk.host.screener();
    let Some(subject) = screener
        .subjects()
        .iter()
        .find(|subject| subject.id == id || subject.referents().any(|referent| referent == id))
        .cloned()
    else {
        return problem(
            StatusCode::NOT_FOUND,
            "No such subject",
            &format!("No listed subject has the id {id}."),
        );
    };
    let referents: Vec<String> = subject.referents().map(str::to_string).collect();
    let datasets: Vec<String> = subject.datasets().iter().map(|dataset| dataset.to_string()).collect();
    let history = match desk.blocking(move |store| history(store, &datasets, &referents)).await {
        Ok(history) => history,
        Err(response) => return response,
    };
    page(subject.records[0].caption(), Some(&signed), subject_body(&subject, &history))
}

fn history(
    store: &ward_store::Store,
    datasets: &[String],
    referents: &[String],
) -> ward_store::Result<Vec<Listing>> {
    let mut out = Vec::new();
    for dataset in datasets {
        let versions = store.dataset_versions(dataset)?;
        let start = versions.len().saturating_sub(HISTORY_VERSIONS);
        for (index, version) in versions.iter().enumerate().skip(start) {
            let published = version.published.clone().unwrap_or_else(|| version.imported_at.clone());
            let what = if index == 0 {
                let entities = store.version_entities(version.id)?;
                entities.iter().any(|entity| referents.contains(&entity.id)).then(|| "listed".to_string())
            } else {
                let diff = store.diff(dataset, Some(versions[index - 1].number), Some(version.number))?;
                if diff.report.added.iter().any(|record| referents.contains(&record.id)) {
                    Some("added".to_string())
                } else if diff.report.removed.iter().any(|record| referents.contains(&record.id)) {
                    Some("delisted".to_string())
                } else {
                    diff.report.amended.iter().find(|record| referents.contains(&record.id)).map(|record| {
                        let fields: Vec<&str> =
                            record.changes.iter().map(|change| change.field.as_str()).collect();
                        format!("amended: {}", fields.join(", "))
                    })
                }
            };
            if let Some(what) = what {
                out.push(Listing { dataset: dataset.clone(), number: version.number, published, what });
            }
        }
    }
    Ok(out)
}

fn subject_body(subject: &Subject, history: &[Listing]) -> Markup {
    let mut by_script: BTreeMap<String, Vec<(&str, String, &str)>> = BTreeMap::new();
    for record in &subject.records {
        for name in &record.names {
            let script = format!("{:?}", ward_normalize::text_script(&name.full));
            let kind = format!("{:?}", name.kind);
            let names = by_script.entry(script).or_default();
            if !names.iter().any(|(full, _, _)| *full == name.full) {
                names.push((&name.full, kind, &record.dataset));
            }
        }
    }
    html! {
        p.muted { "Subject " (subject.id) " · " (format!("{:?}", subject.schema())) " · listed in " (subject.datasets().join(", ")) }
        h2 { "Designations" }
        table {
            thead { tr {
                th scope="col" { "Record" } th scope="col" { "Authority" } th scope="col" { "Programmes" }
                th scope="col" { "Listed" } th scope="col" { "Amended" } th scope="col" { "Reason and legal basis" }
            } }
            tbody {
                @for record in &subject.records {
                    @for designation in &record.designations {
                        tr {
                            td { (record.id) }
                            td { (designation.authority) @if let Some(list) = &designation.list { br; span.muted { (list) } } }
                            td { (designation.programs.join(", ")) }
                            td { (designation.listed_on.as_deref().unwrap_or("")) }
                            td { (designation.modified_on.as_deref().unwrap_or("")) }
                            td { (designation.reason.as_deref().unwrap_or("")) @if let Some(basis) = &designation.legal_basis { br; span.muted { (basis) } } }
                        }
                    }
                    @if record.designations.is_empty() {
                        tr { td { (record.id) } td colspan="5" { "No designation details in this record." } }
                    }
                }
            }
        }
        h2 { "Names by script" }
        @for (script, names) in &by_script {
            h3 { (script) }
            ul { @for (full, kind, dataset) in names { li { (full) " " span.muted { "(" (kind) ", " (dataset) ")" } } } }
        }
        (facts(subject))
        h2 { "Listing history" }
        @if history.is_empty() {
            p { "No stored list version mentions these records." }
        } @else {
            table {
                thead { tr { th scope="col" { "List" } th scope="col" { "Version" } th scope="col" { "Published" } th scope="col" { "What happened" } } }
                tbody { @for listing in history { tr {
                    td { (listing.dataset) }
                    td { @if listing.number > 1 {
                        a href={ (PREFIX) "/changes/" (segment(&listing.dataset)) "/" (listing.number) } { (listing.number) }
                    } @else { (listing.number) } }
                    td { (listing.published) }
                    td { (listing.what) }
                } } }
            }
        }
    }
}

fn facts(subject: &Subject) -> Markup {
    let records: Vec<&Entity> = subject.records.iter().collect();
    html! {
        h2 { "Identifiers" }
        ul { @for record in &records { @for identifier in &record.identifiers {
            li { (format!("{:?}", identifier.kind)) ": " (identifier.value)
                @if let Some(country) = &identifier.country { " (" (country) ")" }
                @if let Some(note) = &identifier.note { " " span.muted { (note) } }
                " " span.muted { "· " (record.dataset) } }
        } } }
        h2 { "Birth dates, nationalities, addresses" }
        ul {
            @for record in &records {
                @for date in &record.birth_dates { li { "Born " (date) " " span.muted { "· " (record.dataset) } } }
                @if !record.nationalities.is_empty() { li { "Nationality " (record.nationalities.join(", ")) " " span.muted { "· " (record.dataset) } } }
                @for address in &record.addresses { li { (address.full) " " span.muted { "· " (record.dataset) } } }
            }
        }
        h2 { "Linked records" }
        ul { @for record in &records { @for link in &record.links {
            li { (format!("{:?}", link.kind)) ": "
                @match (&link.target_id, &link.target_name) {
                    (Some(target), name) => { a href={ (PREFIX) "/subjects/" (segment(target)) } { (name.as_deref().unwrap_or(target)) } }
                    (None, Some(name)) => { (name) }
                    (None, None) => { "unnamed" }
                }
            }
        } } }
    }
}
