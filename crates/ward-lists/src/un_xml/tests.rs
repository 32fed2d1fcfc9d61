//! Tests of the UN XML reader: the real lists (counts, diagnostics, records field by field), a
//! committed excerpt against its golden file, and broken input.

use super::*;
use crate::detect::Format;
use crate::{testing, Source};
use ward_model::Severity;

fn parse_shared(rel: &str) -> Option<ParsedList> {
    let path = testing::shared_list(rel)?;
    let bytes = std::fs::read(&path).unwrap();
    Some(crate::parse_bytes(&path.display().to_string(), bytes).unwrap())
}

fn parse_str(xml: &str) -> Result<ParsedList> {
    let source = Source { name: "test.xml".into(), bytes: xml.as_bytes().to_vec() };
    crate::parse_input(Format::UnXml, &crate::Input { files: vec![source] })
}

fn entity<'a>(list: &'a ParsedList, record: &str) -> &'a Entity {
    list.entities.iter().find(|e| e.record_id == record).unwrap_or_else(|| panic!("no record {record}"))
}

fn names(entity: &Entity, kind: NameKind) -> Vec<&str> {
    entity.names.iter().filter(|n| n.kind == kind).map(|n| n.full.as_str()).collect()
}

/// Counts persons and organisations, and the diagnostics as "severity record: message".
fn check_counts(rel: &str, persons: usize, organizations: usize, published: &str, diagnostics: &[&str]) {
    let Some(list) = parse_shared(rel) else { return };
    let count = |schema| list.entities.iter().filter(|e| e.schema == schema).count();
    assert_eq!((count(Schema::Person), count(Schema::Organization)), (persons, organizations), "{rel}");
    assert_eq!(list.entities.len(), persons + organizations, "{rel}");
    assert_eq!(list.meta.published.as_deref(), Some(published), "{rel}");
    assert_eq!(list.dataset, "un_sc_sanctions");
    assert_eq!(list.format, "un_xml");
    let got: Vec<String> = list
        .diagnostics
        .iter()
        .map(|d| format!("{:?} {}: {}", d.severity, d.record.as_deref().unwrap_or("-"), d.message))
        .collect();
    assert_eq!(got, diagnostics, "{rel}");
    let mut ids: Vec<&str> = list.entities.iter().map(|e| e.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), list.entities.len(), "{rel}: record ids are unique");
    for e in &list.entities {
        assert_eq!(e.designations.len(), 1);
        assert_eq!(e.designations[0].un_reference.as_deref(), Some(e.record_id.as_str()));
        assert!(!e.names.is_empty(), "{}", e.id);
    }
}

#[test]
fn real_lists_parse_whole() {
    check_counts(
        "un-sc/un_consolidated_2026-02-27.xml",
        730,
        273,
        "2026-02-27",
        &[
            "Warning LYi.022: date of birth \"30-35 years old\" not understood; kept in notes",
            "Warning QDi.290: unknown country \"former Soviet Union\" in NATIONALITY",
        ],
    );
    check_counts(
        "un-sc/un_consolidated_2026-01-28.xml",
        726,
        273,
        "2026-01-28",
        &[
            "Warning LYi.022: date of birth \"30-35 years old\" not understood; kept in notes",
            "Warning QDi.290: unknown country \"former Soviet Union\" in NATIONALITY",
        ],
    );
    check_counts(
        "un-sc/un_consolidated_2018-10.xml",
        703,
        390,
        "2018-10-29",
        &[
            "Warning QDi.154: unknown country \"Kuwaiti citizenship withdrawn in 2002\" in NATIONALITY",
            "Warning LYi.022: date of birth \"30-35 years old\" not understood; kept in notes",
            "Warning QDi.290: unknown country \"USSR (until 1991)\" in NATIONALITY",
            "Warning LYi.026: date of birth \"29 years old\" not understood; kept in notes",
        ],
    );
}

#[test]
fn person_with_arabic_name_and_low_quality_aliases() {
    let Some(list) = parse_shared("un-sc/un_consolidated_2026-02-27.xml") else { return };
    let e = entity(&list, "QDi.012");
    assert_eq!(e.id, "un_sc_sanctions:QDi.012");
    assert_eq!(e.schema, Schema::Person);
    assert_eq!(e.caption(), "NASHWAN ABD AL-RAZZAQ ABD AL-BAQI");
    let primary = &e.names[0];
    assert_eq!(primary.kind, NameKind::Primary);
    assert_eq!(primary.parts.first.as_deref(), Some("NASHWAN"));
    assert_eq!(primary.parts.middle.as_deref(), Some("ABD AL-RAZZAQ"));
    assert_eq!(primary.parts.last.as_deref(), Some("ABD AL-BAQI"));
    let arabic = e.names.iter().find(|n| n.original_script).unwrap();
    assert_eq!(arabic.full, "نشوان عبد الرزاق عبد الباقي");
    assert_eq!(arabic.kind, NameKind::Alias);
    assert_eq!(
        names(e, NameKind::Alias),
        [
            "نشوان عبد الرزاق عبد الباقي",
            "Abdal Al-Hadi Al-Iraqi",
            "Abd Al-Hadi Al-Iraqi",
            "Omar Uthman Mohammed",
            "Abdul Hadi Arif Ali"
        ]
    );
    assert_eq!(
        names(e, NameKind::Weak),
        ["Abu Abdallah", "Abdul Hadi al-Taweel", "Abd al-Hadi al-Ansari", "Abd al-Muhayman", "Abu Ayub"]
    );
    assert_eq!(e.gender, Some(Gender::Male));
    assert_eq!(e.birth_dates.len(), 1);
    assert_eq!(e.birth_dates[0].to_string(), "1961");
    assert_eq!(e.birth_places, ["Mosul, Iraq"]);
    assert_eq!(e.nationalities, ["iq"]);
    assert!(e.addresses.is_empty(), "an empty <COUNTRY/> is no address");
    assert_eq!(
        e.identifiers,
        [Identifier {
            kind: IdKind::NationalId,
            value: "0094195".into(),
            country: None,
            note: Some("National Identification Number (Ration Card no)".into()),
        }]
    );
    assert_eq!(e.notes.len(), 1);
    assert!(e.notes[0]
        .starts_with("Joined Al-Qaida in 1996 and was at that time an important liaison to the Taliban"));
    let d = &e.designations[0];
    assert_eq!(d.authority, "United Nations Security Council");
    assert_eq!(d.dataset, "un_sc_sanctions");
    assert_eq!(d.list.as_deref(), Some("UN List"));
    assert_eq!(d.programs, ["Al-Qaida"]);
    assert_eq!(d.listed_on.as_deref(), Some("2001-10-06"));
    assert_eq!(d.modified_on.as_deref(), Some("2020-11-24"));
    assert_eq!(d.record_id, "QDi.012");
    assert_eq!(d.un_reference.as_deref(), Some("QDi.012"));
}

#[test]
fn entity_with_cyrillic_name_and_odd_dates() {
    let Some(list) = parse_shared("un-sc/un_consolidated_2026-02-27.xml") else { return };
    let ktj = entity(&list, "QDe.168");
    assert_eq!(ktj.schema, Schema::Organization);
    assert_eq!(ktj.caption(), "KHATIBA AL-TAWHID WAL-JIHAD (KTJ)");
    let cyrillic = ktj.names.iter().find(|n| n.original_script).unwrap();
    assert_eq!(cyrillic.full, "Катиба ат-Таухид валь-Джихад");
    assert_eq!(
        names(ktj, NameKind::Alias),
        ["Катиба ат-Таухид валь-Джихад", "JANNAT OSHIKLARI", "Jama`at al-Tawhid wal-Jihad"]
    );
    assert!(ktj.names.iter().all(|n| n.parts.is_empty()), "entities have no name parts");

    // "Between Aug. and Sep. 1977", given only in the NOTE.
    let dates: Vec<String> = entity(&list, "QDi.306").birth_dates.iter().map(|d| d.to_string()).collect();
    assert!(dates.contains(&"1977-08 to 1977-09".to_string()), "{dates:?}");
    // "Nov. 1973", also only in the NOTE.
    let cdi004 = &entity(&list, "CDi.004").birth_dates;
    assert!(cdi004.iter().any(|d| d.to_string() == "1973-11" && d.raw == "Nov. 1973"), "{cdi004:?}");
    // BETWEEN 1966 and 1967 with NOTE "Approximately".
    let tai079 = &entity(&list, "TAi.079").birth_dates;
    assert!(tai079.iter().any(|d| d.to_string() == "circa 1966 to 1967"), "{tai079:?}");
    // The Hijri date 24/06/1402 is the same day as the UN's own first date, so it merges.
    let qdi291: Vec<String> = entity(&list, "QDi.291").birth_dates.iter().map(|d| d.to_string()).collect();
    assert_eq!(qdi291, ["1982-04-19", "1982-04-18"]);
}

#[test]
fn dates_in_words() {
    let check = |text: &str, expect: Option<&str>| {
        assert_eq!(parse_date_text(text).map(|d| d.to_string()).as_deref(), expect, "{text:?}");
    };
    check("1960-01-01-05:00", Some("1960-01-01"));
    check("Nov. 1973", Some("1973-11"));
    check("Sep. 1958", Some("1958-09"));
    check("Between Aug. and Sep. 1977", Some("1977-08 to 1977-09"));
    check("24/06/1402 (Hijri Calendar)", Some("1982-04-19"));
    check("01/01/1400 (Hijri Calendar)", Some("1979-11-21"));
    check("30-35 years old", None);
    check("99/99/1402 (Hijri)", None);
}

#[test]
fn sample_with_made_up_records() {
    let Some(list) = parse_shared("samples/un_sample.xml") else { return };
    assert_eq!(list.meta.published.as_deref(), Some("2026-08-14"));
    assert_eq!(list.entities.len(), 7);
    assert_eq!(list.diagnostics.len(), 1);
    let d = &list.diagnostics[0];
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.location.as_deref(), Some("byte 2243"));
    assert_eq!(d.message, "<INDIVIDUAL> has no REFERENCE_NUMBER; record skipped");
    let gaston = entity(&list, "CDi.003");
    assert_eq!(names(gaston, NameKind::Weak), ["Rumuli"]);
    assert_eq!(names(gaston, NameKind::Alias), ["Byiringiro Victor Rumuli"]);
    assert_eq!(names(entity(&list, "CDe.003"), NameKind::Alias), ["CAGL"]);
    assert_eq!(names(entity(&list, "IQe.200"), NameKind::Previous), ["LOGARCHEO AG"]);
    let maleki = entity(&list, "IRi.022");
    let ids: Vec<(&IdKind, &str, Option<&str>)> =
        maleki.identifiers.iter().map(|i| (&i.kind, i.value.as_str(), i.country.as_deref())).collect();
    assert_eq!(
        ids,
        [(&IdKind::Passport, "A0003039", Some("ir")), (&IdKind::NationalId, "0035011785", Some("ir"))]
    );
    assert_eq!(maleki.positions.len(), 2);
    let multi = entity(&list, "XXi.002");
    assert_eq!(multi.nationalities, ["se", "no"]);
    assert_eq!(names(multi, NameKind::Alias), ["Alias One", "Alias Two"]);
    assert!(multi.designations[0].programs.is_empty());
}

#[test]
fn golden_excerpt() {
    let bytes = testing::fixture("un-sc/un_excerpt_2026-02-27.xml");
    let list = crate::parse_bytes("un_excerpt_2026-02-27.xml", bytes).unwrap();
    assert_eq!(list.entities.len(), 8);
    testing::golden("lists/un-sc/un_excerpt_2026-02-27.expected.json", &testing::to_golden_json(&list));
}

#[test]
fn broken_files_are_errors() {
    let err = parse_str("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><REFERENCE_NUMBER>QDi.1").unwrap_err();
    assert!(err.to_string().contains("test.xml"), "{err}");
    let err = parse_str("<sdnList><INDIVIDUAL/></sdnList>").unwrap_err();
    assert!(err.to_string().contains("expected <CONSOLIDATED_LIST>"), "{err}");
    let list = parse_str("<CONSOLIDATED_LIST/>").unwrap();
    assert!(list.entities.is_empty() && list.diagnostics.is_empty());
}

/// Truncates the excerpt at many points and flips bytes: the reader may fail, never panic.
#[test]
fn mutated_input_never_panics() {
    testing::cut_and_flip_never_panics("un-sc/un_excerpt_2026-02-27.xml", Format::UnXml, 97, 0x5eed);
}
