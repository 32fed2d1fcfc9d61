//! Tests of the EU FSF reader: the two published excerpts, a golden excerpt, broken input.

use super::*;
use crate::testing::{fixture, golden, shared_list, to_golden_json};
use crate::Source;
use ward_model::Severity;

fn read(name: &str, bytes: Vec<u8>) -> Result<ParsedList> {
    super::parse(&Input { files: vec![Source { name: name.to_string(), bytes }] })
}

fn shared(rel: &str) -> Option<ParsedList> {
    let path = shared_list(rel)?;
    let list = crate::read_path(&path).unwrap().remove(0);
    assert_eq!(list.format, "eu_fsf_xml");
    Some(list)
}

fn entity<'a>(list: &'a ParsedList, id: &str) -> &'a Entity {
    list.entities.iter().find(|e| e.record_id == id).unwrap_or_else(|| panic!("no record {id}"))
}

fn names(entity: &Entity, kind: NameKind) -> Vec<&str> {
    entity.names.iter().filter(|n| n.kind == kind).map(|n| n.full.as_str()).collect()
}

fn errors(list: &ParsedList) -> Vec<String> {
    list.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.to_string()).collect()
}

#[test]
fn jaggeman_sample() {
    let Some(list) = shared("samples/eu_sample.xml") else {
        return;
    };
    assert_eq!(list.dataset, "eu_fsf");
    assert_eq!(list.meta.published.as_deref(), Some("2026-08-05"));
    // Five records; the made-up 999999 has no name at all and is skipped with an error.
    assert_eq!(list.entities.len(), 4);
    let errors = errors(&list);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("record 999999") && errors[0].contains("no <nameAlias>"), "{errors:?}");
    assert!(list.diagnostics.iter().all(|d| d.severity == Severity::Error), "{:?}", list.diagnostics);

    let saddam = entity(&list, "13");
    assert_eq!(saddam.id, "eu_fsf:13");
    assert_eq!(saddam.schema, Schema::Person);
    assert_eq!(saddam.caption(), "Saddam Hussein Al-Tikriti");
    assert_eq!(saddam.names[0].parts.first.as_deref(), Some("Saddam"));
    assert_eq!(saddam.names[0].parts.last.as_deref(), Some("Hussein Al-Tikriti"));
    assert_eq!(names(saddam, NameKind::Alias), ["Abu Ali", "Abou Ali"]);
    assert_eq!(saddam.names[2].lang.as_deref(), Some("fra"));
    assert_eq!(saddam.gender, Some(Gender::Male));
    assert_eq!(saddam.citizenships, ["iq"]);
    assert_eq!(saddam.birth_dates[0].to_string(), "1937-04-28");
    assert_eq!(saddam.birth_places, ["al-Awja, near Tikrit, Iraq"]);
    let d = &saddam.designations[0];
    assert_eq!(d.authority, "European Commission");
    assert_eq!(d.programs, ["IRQ"]);
    assert_eq!(d.listed_on.as_deref(), Some("2003-07-08"));
    assert_eq!(d.legal_basis.as_deref(), Some("1210/2003 (OJ L169)"));
    assert_eq!(d.record_id, "13");
    assert!(saddam.notes.contains(&"UNSC RESOLUTION 1483".to_string()));

    let ksm = entity(&list, "191");
    assert_eq!(ksm.caption(), "Khalid Sheikh MOHAMMED");
    assert_eq!(ksm.names.len(), 7);
    assert_eq!(
        ksm.birth_dates.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        ["1965-04-14", "1964-03-01"]
    );
    assert!(ksm.birth_places.is_empty(), "city \"-\" is no place: {:?}", ksm.birth_places);
    assert_eq!(ksm.identifiers.len(), 1);
    assert_eq!(ksm.identifiers[0].kind, IdKind::Passport);
    assert_eq!(ksm.identifiers[0].value, "488555");
    assert_eq!(ksm.identifiers[0].country, None);
    assert_eq!(ksm.designations[0].programs, ["TERR"]);

    let grf = entity(&list, "980");
    assert_eq!(grf.schema, Schema::Organization);
    assert_eq!(
        grf.addresses[1].full,
        "9935 South 76th Avenue, Unit 1, Bridgeview, Illinois, 60455, United States"
    );
    assert_eq!(grf.addresses[1].city.as_deref(), Some("Bridgeview, Illinois"));
    assert_eq!(grf.addresses[1].country.as_deref(), Some("us"));
    assert_eq!(grf.countries, ["us"]);

    let trust = entity(&list, "330");
    assert_eq!(trust.designations[0].listed_on.as_deref(), Some("2001-10-06"));
    let bulgarian = trust.names.iter().find(|n| n.lang.as_deref() == Some("bul")).unwrap();
    assert!(bulgarian.original_script);
    assert_eq!(bulgarian.kind, NameKind::Alias);
    assert_eq!(trust.properties["phone"].len(), 7);
    assert!(trust.notes.iter().any(|n| n.starts_with("Banned in Pakistan since October 2001.")));
}

#[test]
fn gsmiguel_sample() {
    let Some(list) = shared("samples/gsmiguel-sample_eu_fsf.xml") else {
        return;
    };
    assert_eq!(list.entities.len(), 5);
    assert!(list.diagnostics.is_empty(), "{:?}", list.diagnostics);

    let wazir = entity(&list, "521");
    assert_eq!(wazir.caption(), "Ahmed Jan Akhundzada Wazir");
    assert_eq!(wazir.titles, ["Maulavi"]);
    assert_eq!(wazir.positions, ["Minister of Water and Electricity under the Taliban regime"]);
    assert_eq!(wazir.birth_dates.len(), 1, "the same range twice: {:?}", wazir.birth_dates);
    assert_eq!(wazir.birth_dates[0].to_string(), "circa 1953 to 1958");
    assert_eq!(
        wazir.birth_places,
        ["Tirin Kot District, Uruzgan Province, Afghanistan", "Kandahar province, Afghanistan"]
    );
    assert_eq!(wazir.designations[0].programs, ["AFG"]);
    assert_eq!(wazir.designations[0].listed_on.as_deref(), Some("2001-01-25"));
    assert_eq!(wazir.designations[0].modified_on.as_deref(), Some("2017-03-09"));

    let pci = entity(&list, "3822");
    assert_eq!(pci.caption(), "Parchin Chemical Industries (PCI)");
    assert_eq!(pci.identifiers[0].kind, IdKind::Registration);
    assert_eq!(pci.identifiers[0].value, "892");
    let farsi = pci.names.iter().find(|n| n.full == "صنایع شیمیایی پارچین").unwrap();
    assert!(farsi.original_script);
    assert_eq!(farsi.lang.as_deref(), Some("fas"));
    assert!(!pci.names.iter().find(|n| n.full == "Parcsini Vegyipari Vállalat").unwrap().original_script);
    assert!(pci.notes.contains(&"UN designation:24/03/2007 (no longer valid)".to_string()));
    assert_eq!(pci.properties["website"], ["http://icig.ir/"]);
    assert_eq!(pci.countries, ["ir"]);

    let dorda = entity(&list, "6106");
    assert_eq!(dorda.caption(), "Abu Zayd Umar DORDA");
    assert_eq!(dorda.designations[0].un_reference.as_deref(), Some("LYi.006"));
    assert_eq!(dorda.birth_places, ["Alrhaybat"]);
    let passport = &dorda.identifiers[0];
    assert_eq!(
        (passport.kind.clone(), passport.value.as_str(), passport.country.as_deref()),
        (IdKind::Passport, "FK117RK0", Some("ly"))
    );
    assert_eq!(
        passport.note.as_deref(),
        Some("National passport; issued 2018-11-25; valid to 2026-11-24; region Tripoli")
    );

    let asiri = entity(&list, "6177");
    assert_eq!(asiri.caption(), "Ibrahim Hassan Tali Al-Asiri");
    assert_eq!(names(asiri, NameKind::Weak), ["Abu-Salaah", "Abosslah", "Abu Saleh"]);
    let arabic: Vec<&str> =
        asiri.names.iter().filter(|n| n.original_script).map(|n| n.full.as_str()).collect();
    assert_eq!(arabic, ["إبراهيم حسن طالع عسيري", "إبراهيم حسن طالع العسيري"]);
    // The Hijri date carries its Gregorian equivalent in `birthdate`, equal to another one.
    assert_eq!(
        asiri.birth_dates.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        ["1982-04-18", "1982-04-19"]
    );
    assert_eq!(asiri.citizenships, ["sa"]);
    assert_eq!(
        asiri.identifiers.iter().map(|i| i.kind.clone()).collect::<Vec<_>>(),
        [IdKind::NationalId, IdKind::Passport]
    );
    assert!(asiri.identifiers[1].note.as_deref().unwrap().contains("known expired"));
}

#[test]
fn golden_excerpt() {
    let list = read("eu_excerpt.xml", fixture("eu-fsf/eu_excerpt.xml")).unwrap();
    assert_eq!(list.entities.len(), 6);
    golden("lists/eu-fsf/eu_excerpt.expected.json", &to_golden_json(&list));
}

#[test]
fn detection() {
    let list = crate::parse_bytes("eu.xml", fixture("eu-fsf/eu_excerpt.xml")).unwrap();
    assert_eq!(list.format, "eu_fsf_xml");
}

fn check_record(xml: &str, expect: &[&str]) {
    let doc = format!(
        r#"<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-01-02">{xml}</export>"#
    );
    let list = read("t.xml", doc.into_bytes()).unwrap();
    let got: Vec<String> = list.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(got.len(), expect.len(), "{got:?}");
    for (got, expect) in got.iter().zip(expect) {
        assert!(got.contains(expect), "{got:?} should contain {expect:?}");
    }
}

#[test]
fn record_problems() {
    check_record(r#"<sanctionEntity><nameAlias wholeName="A"/></sanctionEntity>"#, &["without a logicalId"]);
    check_record(
        r#"<sanctionEntity logicalId="3"><nameAlias wholeName="A"/></sanctionEntity>"#,
        &["record 3: no <subjectType code>"],
    );
    check_record(
        r#"<sanctionEntity logicalId="1"><subjectType code="person"/><nameAlias wholeName="A"/>
           <birthdate calendarType="ISLAMIC" year="1402" monthOfYear="6" dayOfMonth="24"/>
           <citizenship countryIso2Code="QQ" countryDescription="NARNIA"/></sanctionEntity>
           <sanctionEntity logicalId="1"><subjectType code="person"/><nameAlias wholeName="B"/></sanctionEntity>"#,
        &["record 1: unknown country \"QQ\"", "birth date \"1402-6-24\" (ISLAMIC)", "same logicalId"],
    );
    check_record(
        r#"<sanctionEntity logicalId="2"><subjectType code="blob"/><nameAlias wholeName="B"/></sanctionEntity>"#,
        &["subjectType code \"blob\""],
    );
}

#[test]
fn broken_files_are_errors() {
    let bytes = fixture("eu-fsf/eu_excerpt.xml");
    let err = read("eu.xml", bytes[..bytes.len() / 2].to_vec()).unwrap_err();
    assert!(err.to_string().starts_with("eu.xml: not a valid EU FSF XML file: at byte"), "{err}");
    let cut = bytes.len() - "</export>\n".len();
    let err = read("eu.xml", bytes[..cut].to_vec()).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
    let err = read("x.xml", b"<other/>".to_vec()).unwrap_err();
    assert!(err.to_string().contains("expected <export>"), "{err}");
}

#[test]
fn mutations_never_panic() {
    let bytes = fixture("eu-fsf/eu_excerpt.xml");
    mutate(&bytes, |b| {
        let _ = read("m.xml", b);
    });
}

#[test]
fn scripts() {
    assert!(!non_latin("Parcsini Vegyipari Vállalat – Ṭālib ʻAlī"));
    assert!(non_latin("Организация за подпомагане на Ulema"));
    assert!(non_latin("ジャナン・アガ"));
    assert_eq!(iso639_3("FR"), "fra");
    assert_eq!(iso639_3("xx"), "xx");
}

/// Calls `f` with many broken copies of `bytes`: truncated at ~200 points, with single bytes
/// replaced by XML/JSON metacharacters or high bytes, and with short runs cut out. Shared by the
/// robustness tests of the EU, SECO and `FtM` readers.
pub(crate) fn mutate(bytes: &[u8], mut f: impl FnMut(Vec<u8>)) {
    let len = bytes.len();
    let step = (len / 200).max(1);
    for cut in (0..len).step_by(step).chain(len.saturating_sub(40)..len) {
        f(bytes[..cut].to_vec());
    }
    // A fixed linear congruential sequence: reproducible positions without a dependency.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    let junk: &[u8] = b"<>&\"'/{}[]:,0-9\n\xff\xc3\x00";
    for _ in 0..600 {
        let mut copy = bytes.to_vec();
        if copy.is_empty() {
            break;
        }
        let at = next() % copy.len();
        copy[at] = junk[next() % junk.len()];
        f(copy);
    }
    for _ in 0..200 {
        let mut copy = bytes.to_vec();
        if copy.is_empty() {
            break;
        }
        let at = next() % copy.len();
        let end = (at + 1 + next() % 64).min(copy.len());
        copy.drain(at..end);
        f(copy);
    }
}
