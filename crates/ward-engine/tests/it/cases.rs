//! The case table: queries against real listed names, each with the expected verdict, run
//! through one `check` on the indexed path and the brute-force path alike.

use serde::Deserialize;
use ward_engine::{MatchOptions, Query, Screener};
use ward_model::{DateSpec, Entity, Gender, Identifier, Name, NameKind, Schema, Subject};

use crate::corpus::{corpus_subjects, repo_root};

#[derive(Debug, Deserialize)]
struct Table {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    query: String,
    #[serde(default)]
    query_schema: Option<String>,
    #[serde(default)]
    query_dob: Vec<String>,
    #[serde(default)]
    query_countries: Vec<String>,
    #[serde(default)]
    query_gender: Option<String>,
    #[serde(default)]
    query_ids: Vec<String>,
    /// Listed names: the first is the primary name, the others aliases.
    names: Vec<String>,
    #[serde(default)]
    weak: Vec<String>,
    #[serde(default)]
    schema: Option<String>,
    #[serde(default)]
    dob: Vec<String>,
    #[serde(default)]
    countries: Vec<String>,
    #[serde(default)]
    gender: Option<String>,
    /// "Kind:value", kind as the lists label it ("Passport:1084010", "IMO:9187629").
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    dataset: Option<String>,
    /// "match" or "no-match".
    expect: String,
    note: String,
    /// Set while the engine gets the case wrong: the reason. The test then asserts the wrong
    /// verdict, so that a fix is noticed and the marker removed.
    #[serde(default)]
    fixme: Option<String>,
}

fn subject(n: usize, case: &Case) -> Subject {
    let schema = case.schema.as_deref().and_then(Schema::from_name).unwrap_or(Schema::Person);
    let dataset = case.dataset.as_deref().unwrap_or("us_ofac_sdn");
    let mut e = Entity::new(dataset, &format!("case{n}"), schema);
    for (i, name) in case.names.iter().enumerate() {
        e.add_name(Name::new(name, if i == 0 { NameKind::Primary } else { NameKind::Alias }));
    }
    for name in &case.weak {
        e.add_name(Name::new(name, NameKind::Weak));
    }
    e.birth_dates = case.dob.iter().filter_map(|d| DateSpec::parse(d)).collect();
    e.nationalities = case.countries.clone();
    e.gender = case.gender.as_deref().and_then(Gender::parse);
    for id in &case.ids {
        let (label, value) = id.split_once(':').expect("ids are Kind:value");
        e.add_identifier(Identifier::from_label(label, value, None));
    }
    Subject { id: format!("case:{n}"), records: vec![e] }
}

fn query(case: &Case) -> Query {
    Query {
        names: vec![case.query.clone()],
        schema: case.query_schema.as_deref().and_then(Schema::from_name),
        birth_dates: case.query_dob.clone(),
        countries: case.query_countries.clone(),
        gender: case.query_gender.as_deref().and_then(Gender::parse),
        identifiers: case.query_ids.clone(),
    }
}

/// Runs every case on both paths; returns (passed, total) and panics with a report on any
/// verdict that differs from the table (or a fixme case that now passes).
fn check(screener: &Screener, cases: &[Case], first_case: usize) -> (usize, usize) {
    let options = MatchOptions { limit: 1000, cutoff: 0.0, ..MatchOptions::default() };
    let mut report = Vec::new();
    let mut passed = 0;
    for (n, case) in cases.iter().enumerate() {
        let q = query(case);
        let idx = first_case + n;
        let score_of = |hits: &[ward_engine::Hit]| {
            hits.iter().find(|h| h.subject == idx).map(|h| {
                (
                    h.score,
                    h.comparison.explanations.iter().map(|e| e.text.clone()).collect::<Vec<_>>().join(" | "),
                )
            })
        };
        let indexed = score_of(&screener.match_query(&q, &options));
        let brute = score_of(&screener.match_brute_force(&q, &options));
        let want = case.expect == "match";
        let got = indexed.as_ref().is_some_and(|(s, _)| *s >= options.threshold);
        let got_brute = brute.as_ref().is_some_and(|(s, _)| *s >= options.threshold);
        let score = brute.as_ref().map_or(0.0, |(s, _)| *s);
        let why = brute.map(|(_, w)| w).unwrap_or_default();
        if got == want {
            passed += 1;
        }
        let line = format!(
            "{:.3} {} {:?} vs {:?}: {} // {}",
            score, case.expect, case.query, case.names[0], case.note, why
        );
        if got != got_brute {
            report.push(format!("INDEX DIFFERS FROM BRUTE FORCE: {line}"));
        } else if case.fixme.is_some() == (got == want) {
            report.push(if case.fixme.is_some() {
                format!("FIXED (remove fixme): {line}")
            } else {
                format!("WRONG: {line}")
            });
        }
        if std::env::var_os("WARD_CASES_VERBOSE").is_some() {
            eprintln!("{line}");
        }
    }
    assert!(
        report.is_empty(),
        "{} of {} cases differ from the table:\n{}",
        report.len(),
        cases.len(),
        report.join("\n")
    );
    (passed, cases.len())
}

#[test]
fn case_table() {
    let text = std::fs::read_to_string(repo_root().join("testdata/cases/names.toml")).expect("names.toml");
    let table: Table = toml::from_str(&text).expect("names.toml parses");
    let mut subjects = corpus_subjects();
    let first_case = subjects.len();
    subjects.extend(table.case.iter().enumerate().map(|(n, c)| subject(n, c)));
    let screener = Screener::build(subjects);
    let (passed, total) = check(&screener, &table.case, first_case);
    eprintln!("case table: {passed}/{total} verdicts as expected");
}
