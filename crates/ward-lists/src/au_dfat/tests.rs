//! Tests of the Australia DFAT consolidated list reader: counts on the real file, real records
//! field by field, date-of-birth shapes, a golden excerpt, and robustness.

use super::*;
use crate::tabular::tests::never_panics;
use crate::testing;
use ward_model::{LinkKind, Severity};

const FILE: &str = "au-dfat/dfat_regulation8_consolidated_2024-12.xlsx";

fn read_shared() -> Option<ParsedList> {
    let path = testing::shared_list(FILE)?;
    Some(crate::read_path(&path).expect("the real file parses").remove(0))
}

fn entity<'a>(list: &'a ParsedList, record_id: &str) -> &'a Entity {
    list.entities
        .iter()
        .find(|e| e.record_id == record_id)
        .unwrap_or_else(|| panic!("record {record_id} is missing"))
}

/// The sheet has 9,553 name rows under 3,062 numeric References ("2", "2a", "2b1"...). Every
/// number has exactly one "Primary Name" row, written five ways ("Primary Name", "Primary Name ",
/// "Primary name", "primary Name", "primary name"): 2,925 + 99 + 33 + 4 + 1 = 3,062. The 2,925
/// of PROVENANCE.md counts only the first spelling, and its "~3163 distinct References" matches
/// neither the 9,553 distinct Reference strings nor the 3,062 numbers.
#[test]
fn consolidated_2024_12() {
    let Some(list) = read_shared() else { return };
    assert_eq!(list.dataset, "au_dfat_sanctions");
    assert_eq!(list.format, "au_dfat_xlsx");
    assert_eq!(list.entities.len(), 3062);
    let primaries =
        list.entities.iter().flat_map(|e| &e.names).filter(|n| n.kind == NameKind::Primary).count();
    assert_eq!(primaries, 3062);
    assert!(list
        .entities
        .iter()
        .all(|e| e.names.iter().filter(|n| n.kind == NameKind::Primary).count() == 1));
    let people = list.entities.iter().filter(|e| e.schema == Schema::Person).count();
    assert_eq!(people, 2316);
    assert!(list.diagnostics.iter().all(|d| d.severity == Severity::Warning));
    let mut messages: Vec<&str> = list.diagnostics.iter().map(|d| d.message.as_str()).collect();
    messages.sort_unstable();
    // Dates with two-digit years or typos, a bare day and month, an age, a range of months.
    assert_eq!(
        messages,
        [
            "Citizenship \"Kuwaiti citizenship withdrawn in 2002\" names no known country",
            "Date of Birth \"07/04/62\" is not a date; kept in notes",
            "Date of Birth \"10/061962\" is not a date; kept in notes",
            "Date of Birth \"23-Apr-68\" is not a date; kept in notes",
            "Date of Birth \"29 March\" is not a date; kept in notes",
            "Date of Birth \"29-Aprl-1967\" is not a date; kept in notes",
            "Date of Birth \"Approximately\" is not a date; kept in notes",
            "Date of Birth \"Between Aug. and Sep 1977\" is not a date; kept in notes",
        ]
    );
}

#[test]
fn taliban_deputy() {
    let Some(list) = read_shared() else { return };
    let e = entity(&list, "2");
    assert_eq!(e.id, "au_dfat_sanctions:2");
    assert_eq!(e.caption(), "MOHAMMAD HASSAN AKHUND");
    let script = &e.names[1];
    assert_eq!(
        (script.full.as_str(), script.kind, script.original_script),
        ("محمد حسن أخوند", NameKind::Alias, true)
    );
    let dates: Vec<String> = e.birth_dates.iter().map(|d| d.to_string()).collect();
    assert_eq!(dates, ["circa 1955 to 1958", "circa 1945 to 1950"]);
    assert_eq!(e.citizenships, ["af"]);
    assert_eq!(e.titles, ["Mullah", "Haji"]);
    assert_eq!(e.positions.len(), 4);
    let d = &e.designations[0];
    assert_eq!(d.programs, ["1988 (Taliban)"]);
    assert_eq!(d.listed_on.as_deref(), Some("2001-01-25"));
    assert_eq!(d.modified_on.as_deref(), Some("2014-12-15"));
}

#[test]
fn hijri_and_arrow_dates() {
    let Some(list) = read_shared() else { return };
    // "a) 19 Apr. 1982 b) 18 Apr. 1982 c) 24/06/1402 (Hijri Calendar)": the Hijri date is skipped.
    let e = entity(&list, "1254");
    let dates: Vec<String> = e.birth_dates.iter().map(|d| d.to_string()).collect();
    assert_eq!(dates, ["1982-04-19", "1982-04-18"]);
    // "14 Mar 1974 >> 13 Apr 1974 >> 14 Apr 1974 >> 1 Aug 1970".
    let e = entity(&list, "198");
    assert_eq!(e.birth_dates.len(), 4);
}

#[test]
fn dprk_shipping_company() {
    let Some(list) = read_shared() else { return };
    let e = entity(&list, "2947");
    assert_eq!(e.schema, Schema::Organization);
    assert_eq!(e.names.len(), 4);
    assert_eq!(e.identifiers[0].kind, IdKind::Imo);
    assert_eq!(e.identifiers[0].value, "1790183");
    assert_eq!(e.addresses[0].country.as_deref(), Some("kp"));
}

fn check_dates(text: &str, expect: &[&str]) {
    let got: Vec<String> = date_alternatives(text)
        .iter()
        .map(|p| parse_date(p).map_or_else(|| format!("? {p}"), |d| d.to_string()))
        .collect();
    assert_eq!(got, expect, "{text:?}");
}

#[test]
fn date_of_birth_shapes() {
    check_dates(
        "a) Approximately 1955- 1958 b) Approximately 1945-1950",
        &["circa 1955 to 1958", "circa 1945 to 1950"],
    );
    check_dates("15 Jan. 1970", &["1970-01-15"]);
    check_dates("12. Sep 1974", &["1974-09-12"]);
    check_dates("a) 5 Jan. 1974 b) 24 Jan.1973", &["1974-01-05", "1973-01-24"]);
    check_dates("09/05/1982; alt DOB: 09/05/1981", &["1982-05-09", "1981-05-09"]);
    check_dates("14 Mar 1974 >> 1 Aug 1970", &["1974-03-14", "1970-08-01"]);
    check_dates("1963 or 1964 or 1965", &["1963", "1964", "1965"]);
    check_dates("Approximately 1967, or approximately 1961", &["circa 1967", "circa 1961"]);
    check_dates("approximately 1977/1978", &["circa 1977", "circa 1978"]);
    check_dates("11/10/1953  10/11/1953", &["1953-10-11", "1953-11-10"]);
    check_dates("a) 19-Dec-1992; \nb) 12-Dec-1992", &["1992-12-19", "1992-12-12"]);
    check_dates("15 May 1968 (as Yasir Sabawi) 1970 (as Ali Thafir)", &["1968-05-15", "1970"]);
    check_dates("28 May 1984; 3 March 1979 (from\nfalse passport)", &["1984-05-28", "1979-03-03"]);
    check_dates("c. 1957 or 14 March 1942", &["circa 1957", "1942-03-14"]);
    check_dates("c) 24/06/1402 (Hijri Calendar)", &[]);
    check_dates("na", &[]);
    check_dates("23-Apr-68", &["? 23-Apr-68"]);
}

#[test]
fn listing_dates() {
    let check =
        |text: &str, expect: Option<&str>| assert_eq!(listing_date(text).as_deref(), expect, "{text}");
    check("Listed by UN 1267 Committee on 25 January 2001 (amended on 20 December 2005)", Some("2001-01-25"));
    check("Listed on: 14 Aug. 2019", Some("2019-08-14"));
    check(
        "Designated under the Autonomous Sanctions Regulations 2011 on 2 March 2012(F2012L00479).",
        Some("2012-03-02"),
    );
    check("Instrument of first listing: ... List 2001. Last listed on: 16/09/2022", Some("2022-09-16"));
    check("2013-03-07", Some("2013-03-07"));
    check("Autonomous Sanctions (Designated Persons and Entities) List 2014", None);
}

#[test]
fn additional_information_values() {
    let mut e = Entity::new(DATASET, "1", Schema::Person);
    additional_information(
        &mut e,
        "Title: Maulavi. Designation: a) Governor b) Minister. Passport No: 472120208 (Expires 22 Feb 2017). \
         Gender: male. Website: www.viam.ru Treasurer to Mullah Omar (TAi.004).",
    );
    assert_eq!(e.titles, ["Maulavi"]);
    assert_eq!(e.positions, ["Governor", "Minister"]);
    assert_eq!(e.gender, Some(Gender::Male));
    assert_eq!(e.identifiers[0].value, "472120208");
    assert_eq!(e.properties["website"], ["www.viam.ru"]);
    assert_eq!(e.links[0].kind, LinkKind::Associate);
    assert_eq!(e.links[0].target_id.as_deref(), Some("un_sc_sanctions:TAi.004"));
}

#[test]
fn golden_excerpt() {
    let list = crate::parse_bytes(
        "dfat_regulation8_consolidated_2024-12_excerpt.xlsx",
        testing::fixture("au-dfat/dfat_regulation8_consolidated_2024-12_excerpt.xlsx"),
    )
    .unwrap();
    assert_eq!(list.entities.len(), 7);
    testing::golden(
        "lists/au-dfat/dfat_regulation8_consolidated_2024-12_excerpt.expected.json",
        &testing::to_golden_json(&list),
    );
}

#[test]
fn broken_rows_and_files() {
    let header = |cells: &[&str]| Row { number: 1, cells: cells.iter().map(|c| c.to_string()).collect() };
    let rows = [
        header(&["Reference", NAME, "Type", "Name Type"]),
        Row { number: 2, cells: vec!["x1".into(), "NOBODY".into()] },
        Row {
            number: 3,
            cells: vec!["7".into(), "SOMEBODY".into(), "Individual".into(), "Primary Name".into()],
        },
        Row { number: 4, cells: vec!["7a".into(), "SOMEONE".into(), "Individual".into(), "Nickname".into()] },
    ];
    let list = parse_rows("t.xlsx", &rows).unwrap();
    assert_eq!(list.entities.len(), 1);
    assert_eq!(list.entities[0].names.len(), 2);
    let severities: Vec<(Severity, Option<&str>)> =
        list.diagnostics.iter().map(|d| (d.severity, d.location.as_deref())).collect();
    assert_eq!(severities, [(Severity::Error, Some("row 2")), (Severity::Warning, Some("row 4"))]);
    let err = parse_rows("t.xlsx", &rows[1..]).unwrap_err();
    assert!(err.to_string().contains("no header row"), "{err}");
}

#[test]
fn mangled_excerpt_never_panics() {
    never_panics(
        "excerpt.xlsx",
        &testing::fixture("au-dfat/dfat_regulation8_consolidated_2024-12_excerpt.xlsx"),
    );
}
