//! Tests of the SECO reader: the whole-list excerpt, the amendment example, a golden excerpt,
//! broken input.

use super::*;
use crate::eu_fsf::tests::mutate;
use crate::testing::{fixture, golden, shared_list, to_golden_json};
use crate::Source;
use ward_model::Severity;

fn read(name: &str, bytes: Vec<u8>) -> Result<ParsedList> {
    super::parse(&Input { files: vec![Source { name: name.to_string(), bytes }] })
}

fn shared(rel: &str) -> Option<ParsedList> {
    let path = shared_list(rel)?;
    let list = crate::read_path(&path).unwrap().remove(0);
    assert_eq!(list.format, "ch_seco_xml");
    Some(list)
}

fn entity<'a>(list: &'a ParsedList, id: &str) -> &'a Entity {
    list.entities.iter().find(|e| e.record_id == id).unwrap_or_else(|| panic!("no record {id}"))
}

fn names(entity: &Entity) -> Vec<(&str, NameKind, bool, Option<&str>)> {
    entity.names.iter().map(|n| (n.full.as_str(), n.kind, n.original_script, n.lang.as_deref())).collect()
}

#[test]
fn whole_list_sample() {
    let Some(list) = shared("samples/ch_sample.xml") else {
        return;
    };
    assert_eq!(list.dataset, "ch_seco_sanctions");
    assert_eq!(list.meta.published.as_deref(), Some("2026-08-15"));
    assert!(!list.meta.delta);
    assert_eq!(list.entities.len(), 7);
    // The excerpt leaves out the <sanctions-program> elements: one warning per set id, nothing else.
    let got: Vec<String> = list.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(list.diagnostics.iter().all(
        |d| d.severity == Severity::Warning && d.message.contains("described by no <sanctions-program>")
    ));

    let lukashenka = entity(&list, "5142");
    assert_eq!(lukashenka.id, "ch_seco_sanctions:5142");
    assert_eq!(lukashenka.schema, Schema::Person);
    assert_eq!(
        names(lukashenka),
        [
            ("Lukashenka Dzmitry Aliaksandravich", NameKind::Primary, false, Some("eng")),
            ("Lukashenko Dmitri Aleksandrovich", NameKind::Alias, false, Some("rus")),
            ("ЛУКАШЭНКА Дзмітрый Аляксандравіч", NameKind::Alias, true, Some("bel")),
            ("ЛУКАШЕНКО Дмитрий Александрович", NameKind::Alias, true, Some("rus")),
        ]
    );
    let parts = &lukashenka.names[0].parts;
    assert_eq!(
        (parts.first.as_deref(), parts.last.as_deref(), parts.patronymic.as_deref()),
        (Some("Dzmitry"), Some("Lukashenka"), Some("Aliaksandravich"))
    );
    assert_eq!(lukashenka.names[3].parts.first.as_deref(), Some("Дмитрий"));
    assert_eq!(lukashenka.birth_dates[0].to_string(), "1980-03-23");
    assert_eq!(lukashenka.addresses[0].full, "President's Sports Club, ул. Старовиленская, 4, 220029");
    let d = &lukashenka.designations[0];
    // De-listed on 2016-03-01: kept with the end date of the designation.
    assert_eq!(d.end_date.as_deref(), Some("2016-03-01"));
    assert_eq!(d.modified_on.as_deref(), Some("2015-11-18"));
    assert_eq!(d.listed_on, None);
    assert_eq!(d.legal_basis.as_deref(), Some("sanctions set 4387"));
    assert!(d.reason.as_deref().unwrap().starts_with("Businessman, with active participation"));
    assert_eq!(lukashenka.notes.len(), 1);

    let peftiev_company = entity(&list, "5816");
    assert_eq!(peftiev_company.schema, Schema::Organization);
    assert_eq!(peftiev_company.links[0].target_id.as_deref(), Some("ch_seco_sanctions:5300"));
    assert_eq!(peftiev_company.links[0].kind, LinkKind::Associate);

    let judge = entity(&list, "5374");
    assert_eq!(judge.birth_dates[0].to_string(), "1978");

    let mzkt = entity(&list, "44348");
    assert_eq!(
        names(mzkt),
        [
            ("MZKT", NameKind::Primary, false, Some("eng")),
            ("МЗКТ - Минский завод колёсных тягачей", NameKind::Alias, true, Some("bel")),
            ("VOLAT", NameKind::Alias, false, Some("eng")),
        ]
    );
    assert_eq!(mzkt.properties["phone"], ["+375 (17) 330-17-09", "+375 (17) 291-31-92"]);
    assert_eq!(mzkt.properties["email"], ["link@mzkt.by"]);
    assert_eq!(mzkt.properties["website"], ["www.mzkt.by"]);
    assert_eq!(mzkt.identifiers[0].kind, IdKind::Registration);
    assert_eq!(mzkt.identifiers[0].value, "100534485");
    assert_eq!(mzkt.designations[0].listed_on.as_deref(), Some("2021-03-22"));
    assert_eq!(mzkt.designations[0].modified_on.as_deref(), Some("2026-05-22"));
    assert_eq!(mzkt.designations[0].end_date, None);
    assert_eq!(mzkt.designations[0].reason.as_deref().map(|r| r.matches(". ").count() >= 3), Some(true));

    let zamulevich = entity(&list, "85396");
    assert_eq!(zamulevich.gender, Some(Gender::Male));
    assert_eq!(zamulevich.nationalities, ["by"]);
    let ids: Vec<(IdKind, &str, Option<&str>)> = zamulevich
        .identifiers
        .iter()
        .map(|i| (i.kind.clone(), i.value.as_str(), i.country.as_deref()))
        .collect();
    assert_eq!(
        ids,
        [(IdKind::Passport, "BM2229283", Some("by")), (IdKind::NationalId, "3070574E057PB8", Some("by"))]
    );
    assert_eq!(zamulevich.notes, ["Part-owner of Vlate Logistik LLC"]);

    let vessel = entity(&list, "34461");
    assert_eq!(vessel.schema, Schema::Vessel);
    assert_eq!(vessel.identifiers[0].kind, IdKind::Imo);
    assert_eq!(vessel.identifiers[0].value, "8405270");

    let vorontsova = entity(&list, "52941");
    assert_eq!(vorontsova.gender, Some(Gender::Female));
    assert_eq!(vorontsova.nationalities, ["ru"]);
    assert_eq!(vorontsova.names.iter().filter(|n| n.kind == NameKind::Previous).count(), 1);
    assert!(vorontsova.positions[0].starts_with("Co-owner of 20 % of the company Nomenko"));
    assert_eq!(vorontsova.links[0].target_name.as_deref(), Some("President Vladimir Putin (father)"));
}

#[test]
fn amendment_example() {
    let Some(list) = shared("ch-seco/seco_amendment_EXAMPLE_2024-01-17.xml") else {
        return;
    };
    assert!(list.meta.delta);
    assert!(list.meta.removed.is_empty());
    assert_eq!(list.meta.published.as_deref(), Some("2024-01-17"));
    assert_eq!(list.entities.len(), 3);
    assert_eq!(list.diagnostics.len(), 1, "{:?}", list.diagnostics);
    assert!(list.diagnostics[0].message.starts_with("list-type=\"amendment\" of 2024-01-17"));
    let a = entity(&list, "64393");
    assert_eq!(a.caption(), "Test A");
    assert_eq!(a.nationalities, ["ch"]);
    assert_eq!(a.birth_dates[0].to_string(), "1900-01-01");
    assert_eq!(a.designations[0].programs, ["EXAMPLE"]);
    assert_eq!(
        a.designations[0].legal_basis.as_deref(),
        Some("EXAMPLE: Financial measures, annex 2; EXAMPLE: Travel ban, annex 1")
    );
    assert_eq!(entity(&list, "64398").gender, Some(Gender::Female));
}

#[test]
fn amendment_delisting_is_removed() {
    let xml = br#"<swiss-sanctions-list list-type="amendment" date="2024-01-18">
        <target ssid="7"><sanctions-set-id>1</sanctions-set-id><entity><identity main="true"><name name-type="primary-name"><name-part order="1" name-part-type="whole-name"><value>X</value></name-part></name></identity></entity>
        <modification modification-type="de-listed" publication-date="2024-01-18"/><modification modification-type="listed" publication-date="2020-01-01"/></target>
        </swiss-sanctions-list>"#;
    let list = read("a.xml", xml.to_vec()).unwrap();
    assert!(list.entities.is_empty());
    assert_eq!(list.meta.removed, ["7"]);
}

#[test]
fn golden_excerpt() {
    let list = read("ch_sample.xml", fixture("ch-seco/ch_sample.xml")).unwrap();
    golden("lists/ch-seco/ch_sample.expected.json", &to_golden_json(&list));
}

#[test]
fn places_and_programs_resolve_in_any_order() {
    let xml = r#"<swiss-sanctions-list list-type="whole-list" date="2026-01-01">
        <target ssid="9"><sanctions-set-id>11</sanctions-set-id><individual><identity main="true">
          <name name-type="primary-name"><name-part order="2" name-part-type="given-name"><value>Ivan</value></name-part><name-part order="1" name-part-type="family-name"><value>Petrov</value></name-part></name>
          <name name-type="alias" quality="low"><name-part order="1" name-part-type="whole-name"><value>Vanya</value></name-part></name>
          <place-of-birth place-id="3"/><address place-id="3"><address-details>Lenina 1</address-details></address>
          <day-month-year year="1400" calendar="Islamic"/></identity>
          <other-information>UN reference: QDi.042</other-information><relation target-id="10" relation-type="family-member"/></individual></target>
        <target ssid="10"><entity><identity main="true"><name name-type="primary-name"><name-part><value>Petrov Holdings</value></name-part></name></identity></entity></target>
        <place ssid="3"><location>Omsk</location><country iso-code="RU">Russia</country></place>
        <sanctions-program ssid="1"><program-name lang="ger">Russland</program-name><program-name lang="eng">Russia</program-name><sanctions-set ssid="11" lang="eng">Annex 8</sanctions-set></sanctions-program>
        </swiss-sanctions-list>"#;
    let list = read("t.xml", xml.as_bytes().to_vec()).unwrap();
    let got: Vec<String> = list.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("record 9: <day-month-year> \"1400\" (Islamic)"), "{got:?}");
    let ivan = &list.entities[0];
    assert_eq!(ivan.caption(), "Petrov Ivan");
    assert_eq!(ivan.names[1].kind, NameKind::Weak);
    assert_eq!(ivan.birth_places, ["Omsk, Russian Federation"]);
    assert_eq!(ivan.addresses[0].full, "Lenina 1, Omsk, Russian Federation");
    assert_eq!(ivan.countries, ["ru"]);
    assert_eq!(ivan.designations[0].programs, ["Russia"]);
    assert_eq!(ivan.designations[0].legal_basis.as_deref(), Some("Russia: Annex 8"));
    assert_eq!(ivan.designations[0].un_reference.as_deref(), Some("QDi.042"));
    assert_eq!(ivan.links[0].kind, LinkKind::Family);
    assert_eq!(ivan.links[0].target_name.as_deref(), Some("Petrov Holdings"));
    assert_eq!(list.entities[1].designations[0].programs, Vec::<String>::new());
}

#[test]
fn record_problems() {
    let xml = br#"<swiss-sanctions-list date="2026-01-01"><target><individual/></target><target ssid="2"/>
        <target ssid="3"><individual><identity main="true"/></individual></target></swiss-sanctions-list>"#;
    let list = read("t.xml", xml.to_vec()).unwrap();
    let got: Vec<String> = list.diagnostics.iter().map(|d| d.message.clone()).collect();
    assert_eq!(list.entities.len(), 0);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(
        got[0].contains("without an ssid")
            && got[1].contains("without <individual>")
            && got[2].contains("no <name>"),
        "{got:?}"
    );
}

#[test]
fn broken_files_are_errors() {
    let bytes = fixture("ch-seco/ch_sample.xml");
    let err = read("ch.xml", bytes[..bytes.len() - 30].to_vec()).unwrap_err();
    assert!(err.to_string().starts_with("ch.xml: not a valid Swiss SECO XML file"), "{err}");
    let err = read("x.xml", b"<export/>".to_vec()).unwrap_err();
    assert!(err.to_string().contains("expected <swiss-sanctions-list>"), "{err}");
}

#[test]
fn mutations_never_panic() {
    let bytes = fixture("ch-seco/ch_sample.xml");
    mutate(&bytes, |b| {
        let _ = read("m.xml", b);
    });
}
