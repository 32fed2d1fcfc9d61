//! Tests of the UK OFSI `ConList` reader: counts on the real files, a few real records field by
//! field, golden excerpts, and robustness.

use super::*;
use crate::tabular::tests::never_panics;
use crate::testing;
use ward_model::{Diagnostic, Severity};

fn read_shared(rel: &str) -> Option<ParsedList> {
    let path = testing::shared_list(rel)?;
    Some(crate::read_path(&path).expect("the real file parses").remove(0))
}

fn entity<'a>(list: &'a ParsedList, record_id: &str) -> &'a Entity {
    list.entities
        .iter()
        .find(|e| e.record_id == record_id)
        .unwrap_or_else(|| panic!("record {record_id} is missing"))
}

fn names(entity: &Entity, kind: NameKind) -> Vec<&str> {
    entity.names.iter().filter(|n| n.kind == kind).map(|n| n.full.as_str()).collect()
}

/// Checks a whole real file: entity count, publication date, no record lost, every date of
/// birth understood, and the warnings it is known to give.
fn check_file(rel: &str, format: &str, entities: usize, published: Option<&str>, warnings: &[&str]) {
    let Some(list) = read_shared(rel) else { return };
    assert_eq!(list.dataset, "gb_hmt_sanctions");
    assert_eq!(list.format, format);
    assert_eq!(list.entities.len(), entities, "{rel}: entity count");
    assert_eq!(list.meta.published.as_deref(), published, "{rel}: published");
    let errors: Vec<&Diagnostic> =
        list.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{rel}: errors {errors:#?}");
    let mut messages: Vec<&str> = list.diagnostics.iter().map(|d| d.message.as_str()).collect();
    messages.sort_unstable();
    assert_eq!(messages, warnings, "{rel}: warnings");
    for e in &list.entities {
        assert!(!e.names.is_empty(), "{}: no name", e.id);
        assert!(e.id.starts_with("gb_hmt_sanctions:"));
        assert_eq!(
            e.designations.len(),
            e.designations.iter().filter(|d| d.record_id == e.record_id).count()
        );
        assert!(
            !e.notes.iter().any(|n| n.starts_with("Date of birth:")),
            "{}: a DOB was not understood",
            e.id
        );
    }
}

#[test]
fn conlist_2025_04() {
    check_file(
        "uk-ofsi/ofsi_ConList_2025-04.xlsx",
        "uk_ofsi_xlsx",
        4688,
        Some("2025-04-14"),
        &[
            "Country \"115088\" names no known country",
            "Country \"Moscow\" names no known country",
            "Country of Birth \"Crimea\" names no known country",
            "Country of Birth \"Yakut Autonomous SSR\" names no known country",
            "Nationality \"Repubic of Moldova\" names no known country",
        ],
    );
}

#[test]
fn conlist_2023_06() {
    check_file(
        "uk-ofsi/ofsi_ConList_2023-06.xlsx",
        "uk_ofsi_xlsx",
        3993,
        Some("2023-06-05"),
        &[
            "Country \"Moscow\" names no known country",
            "Country of Birth \"Crimea\" names no known country",
            "Country of Birth \"Yakut Autonomous SSR\" names no known country",
            "Nationality \"Repubic of Moldova\" names no known country",
        ],
    );
}

#[test]
fn conlist_2020_trimmed_csv() {
    // 77 name rows of 41 Group IDs; the trimmed file has no "Last Updated" row.
    check_file("uk-ofsi/ofsi_ConList_2020_TRIMMED.csv", "uk_ofsi_csv", 41, None, &[]);
}

#[test]
fn conlist_2025_names_and_scripts() {
    let Some(list) = read_shared("uk-ofsi/ofsi_ConList_2025-04.xlsx") else {
        return;
    };
    let rows_names: usize = list.entities.iter().map(|e| e.names.len()).sum();
    // 18,798 name rows repeat names once per date of birth and address: fewer distinct names.
    assert!(rows_names < 18_798 && rows_names > 12_000, "{rows_names} names");
    let scripts = list.entities.iter().filter(|e| e.names.iter().any(|n| n.original_script)).count();
    // The 3,990 rows with a non-Latin name belong to 2,795 Group IDs.
    assert_eq!(scripts, 2795);
    let un = list.entities.iter().filter(|e| e.un_references().next().is_some()).count();
    assert_eq!(un, 866);
}

#[test]
fn russian_duma_member() {
    let Some(list) = read_shared("uk-ofsi/ofsi_ConList_2025-04.xlsx") else {
        return;
    };
    let e = entity(&list, "14241");
    assert_eq!(e.schema, Schema::Person);
    assert_eq!(e.caption(), "Khizri Magomedovich ABAKAROV");
    let primary = &e.names[0];
    assert_eq!(primary.parts.first.as_deref(), Some("Khizri"));
    assert_eq!(primary.parts.middle.as_deref(), Some("Magomedovich"));
    assert_eq!(primary.parts.last.as_deref(), Some("ABAKAROV"));
    let script = e.names.iter().find(|n| n.original_script).expect("Cyrillic name");
    assert_eq!(script.full, "Хизри Магомедович Абакаров");
    assert_eq!(script.kind, NameKind::Alias);
    assert_eq!(e.birth_dates.len(), 1);
    assert_eq!(e.birth_dates[0].to_string(), "1960-06-28");
    assert_eq!(e.birth_places, ["Yuzhno Sakhalinsk, Russia"]);
    assert_eq!(e.nationalities, ["ru"]);
    assert_eq!(e.gender, Some(Gender::Male));
    assert_eq!(e.positions, ["Member of the State Duma of the Russian Federation"]);
    assert_eq!(e.addresses[0].full, "1 Okhotny Ryad str, 103265, Russia");
    assert_eq!(e.properties["ukSanctionsListRef"], ["RUS0296"]);
    let d = &e.designations[0];
    assert_eq!(d.programs, ["Russia"]);
    assert_eq!(d.listed_on.as_deref(), Some("2022-03-11"));
    assert_eq!(d.modified_on.as_deref(), Some("2023-03-21"));
    assert!(d.reason.as_deref().is_some_and(|r| r.starts_with("Member of the State Duma")));
}

#[test]
fn lra_deputy_with_weak_aliases_and_un_reference() {
    let Some(list) = read_shared("uk-ofsi/ofsi_ConList_2025-04.xlsx") else {
        return;
    };
    let e = entity(&list, "13378");
    assert_eq!(names(e, NameKind::Primary), ["ALI KONY"]);
    assert_eq!(names(e, NameKind::Weak), ["1-P", "BASHIR", "CAESAR", "Otim KAPERE", "ONE-P"]);
    assert!(names(e, NameKind::Alias).contains(&"Ali Mohammed KONY"));
    let years: Vec<String> = e.birth_dates.iter().map(|d| d.to_string()).collect();
    assert_eq!(years, ["1994", "1993", "1995", "1992"]);
    assert_eq!(e.designations[0].un_reference.as_deref(), Some("CFi.010"));
    assert_eq!(e.designations[0].programs, ["Central African Republic"]);
    // The remarks cite the LRA (CFe.002) and Joseph Kony (CFi.009).
    let cited: Vec<&str> = e.links.iter().filter_map(|l| l.target_id.as_deref()).collect();
    assert_eq!(cited, ["un_sc_sanctions:CFe.002", "un_sc_sanctions:CFi.009"]);
}

#[test]
fn dprk_tanker() {
    let Some(list) = read_shared("uk-ofsi/ofsi_ConList_2025-04.xlsx") else {
        return;
    };
    let e = entity(&list, "13651");
    assert_eq!(e.schema, Schema::Vessel);
    assert_eq!(e.caption(), "SAM JONG 2");
    assert_eq!(e.names.len(), 9);
    assert_eq!(e.identifiers[0].kind, IdKind::Imo);
    assert_eq!(e.identifiers[0].value, "7408873");
    assert_eq!(e.properties["flag"], ["kp"]);
    assert_eq!(e.properties["pastFlags"], ["ru"]);
    assert_eq!(e.properties["type"], ["Oil tanker"]);
    assert_eq!(e.properties["tonnage"], ["1676"]);
    assert_eq!(e.properties["buildDate"], ["1975"]);
    assert_eq!(e.properties["owner"], ["Korea Samjong Shipping"]);
    let owner = e.links.iter().find(|l| l.kind == LinkKind::OwnedBy).expect("owner link");
    assert_eq!(owner.target_id.as_deref(), Some("gb_hmt_sanctions:13635"));
    // The remark cites the owner's UN reference too.
    assert!(e.links.iter().any(|l| l.target_id.as_deref() == Some("un_sc_sanctions:KPe.064")));
}

#[test]
fn qahtani_in_the_2020_export() {
    let Some(list) = read_shared("uk-ofsi/ofsi_ConList_2020_TRIMMED.csv") else {
        return;
    };
    let e = entity(&list, "13349");
    assert_eq!(names(e, NameKind::Alias), ["Sheikh Farooq AL-QAHTANI"]);
    // "1) Saudi Arabia 2) Qatar".
    assert_eq!(e.nationalities, ["sa", "qa"]);
    assert_eq!(e.identifiers[0].value, "592667");
    assert_eq!(e.identifiers[0].country.as_deref(), Some("qa"));
    assert_eq!(e.designations[0].un_reference.as_deref(), Some("QDe.004"));
    let vessel = entity(&list, "13556");
    let ids: Vec<(&IdKind, &str)> = vessel.identifiers.iter().map(|i| (&i.kind, i.value.as_str())).collect();
    assert_eq!(ids, [(&IdKind::Imo, "8937675"), (&IdKind::Mmsi, "445539000")]);
}

fn check_kind(alias_type: Option<&str>, quality: Option<&str>, expect: Result<NameKind, String>) {
    assert_eq!(name_kind(alias_type, quality), expect, "{alias_type:?} {quality:?}");
}

#[test]
fn alias_types() {
    check_kind(Some("Primary name"), None, Ok(NameKind::Primary));
    check_kind(Some("Prime Alias"), None, Ok(NameKind::Primary));
    check_kind(Some("Primary name variation"), None, Ok(NameKind::Alias));
    check_kind(Some("AKA"), Some("Good quality"), Ok(NameKind::Alias));
    check_kind(Some("AKA"), Some("Low quality"), Ok(NameKind::Weak));
    check_kind(Some("FKA"), None, Ok(NameKind::Previous));
    check_kind(Some("Nickname"), None, Err("Nickname".into()));
}

fn check_reg(item: &str, kind: IdKind, value: &str, country: Option<&str>) {
    let id = registration_number(item);
    assert_eq!((id.kind, id.value.as_str(), id.country.as_deref()), (kind, value, country), "{item}");
}

#[test]
fn business_registration_numbers() {
    check_reg("TIN: 7804040302", IdKind::TaxId, "7804040302", None);
    check_reg("Russia INN – 6167128827", IdKind::TaxId, "6167128827", Some("ru"));
    check_reg("State Registration Number - 1117746641572", IdKind::Registration, "1117746641572", None);
    check_reg("(УНН/ИНН): 190950894 (Belarus)", IdKind::Registration, "190950894", Some("by"));
    check_reg("101544478", IdKind::Registration, "101544478", None);
}

#[test]
fn other_information_tags() {
    let text = "(UK Sanctions List Ref):SOM0027. (UN Ref):SOi.025. Listed pursuant to resolution 2662 (2022): (i) x (Gender):Male";
    let tags: Vec<(Tag, &str)> = tagged_values(text);
    assert_eq!(tags.len(), 3);
    assert_eq!(tags[1], (Tag::UnRef, "SOi.025. Listed pursuant to resolution 2662 (2022): (i) x "));
    assert!(tagged_values("UN Ref QDe.004. Emir for the eastern zone").is_empty());
}

#[test]
fn golden_2025_excerpt() {
    let list = crate::parse_bytes(
        "ofsi_ConList_2025-04_excerpt.csv",
        testing::fixture("uk-ofsi/ofsi_ConList_2025-04_excerpt.csv"),
    )
    .unwrap();
    assert_eq!(list.entities.len(), 9);
    testing::golden(
        "lists/uk-ofsi/ofsi_ConList_2025-04_excerpt.expected.json",
        &testing::to_golden_json(&list),
    );
}

#[test]
fn xlsx_and_csv_excerpts_agree() {
    let csv = crate::parse_bytes("excerpt.csv", testing::fixture("uk-ofsi/ofsi_ConList_2025-04_excerpt.csv"))
        .unwrap();
    let xlsx =
        crate::parse_bytes("excerpt.xlsx", testing::fixture("uk-ofsi/ofsi_ConList_2025-04_excerpt.xlsx"))
            .unwrap();
    assert_eq!(xlsx.format, "uk_ofsi_xlsx");
    assert_eq!(csv.meta, xlsx.meta);
    assert_eq!(csv.entities, xlsx.entities);
}

#[test]
fn golden_2020_excerpt() {
    let list = crate::parse_bytes(
        "ofsi_ConList_2020_excerpt.csv",
        testing::fixture("uk-ofsi/ofsi_ConList_2020_excerpt.csv"),
    )
    .unwrap();
    assert_eq!(list.entities.len(), 7);
    testing::golden("lists/uk-ofsi/ofsi_ConList_2020_excerpt.expected.json", &testing::to_golden_json(&list));
}

#[test]
fn broken_files() {
    let header_only = b"Last Updated,14/04/2025\nName 6,Name 1,Group Type\n".to_vec();
    let err = crate::parse_bytes("no-group-id.csv", header_only).unwrap_err();
    assert!(err.to_string().contains("Group ID"), "{err}");
    let list = crate::parse_bytes("x.csv", b"Name 6,Group ID\nSMITH,\nJONES,12\n".to_vec()).unwrap();
    assert_eq!(list.entities.len(), 1);
    assert_eq!(list.diagnostics[0].severity, Severity::Error);
    assert_eq!(list.diagnostics[0].location.as_deref(), Some("line 2"));
}

#[test]
fn mangled_excerpts_never_panic() {
    never_panics("excerpt.csv", &testing::fixture("uk-ofsi/ofsi_ConList_2025-04_excerpt.csv"));
    never_panics("excerpt-2020.csv", &testing::fixture("uk-ofsi/ofsi_ConList_2020_excerpt.csv"));
    never_panics("excerpt.xlsx", &testing::fixture("uk-ofsi/ofsi_ConList_2025-04_excerpt.xlsx"));
}

#[test]
fn cut_csv_files_are_refused() {
    let Some(path) = testing::shared_list("uk-ofsi/ofsi_ConList_2020_TRIMMED.csv") else { return };
    crate::tabular::tests::cuts_are_refused("ofsi_ConList_2020_TRIMMED.csv", &std::fs::read(path).unwrap());
}
