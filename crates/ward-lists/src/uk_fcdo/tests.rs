//! Tests of the UK FCDO Sanctions List reader: the published sample record by record (the only
//! copy of the format Ward has), its golden file, fields of a newer schema, and broken input.

use super::*;
use crate::detect::Format;
use crate::{testing, Source};
use ward_model::Severity;

fn parse_fixture() -> ParsedList {
    crate::parse_bytes("uk_sample.xml", testing::fixture("uk-fcdo/uk_sample.xml")).unwrap()
}

fn parse_str(xml: &str) -> Result<ParsedList> {
    let source = Source { name: "test.xml".into(), bytes: xml.as_bytes().to_vec() };
    crate::parse_input(Format::UkFcdoXml, &crate::Input { files: vec![source] })
}

fn entity<'a>(list: &'a ParsedList, record: &str) -> &'a Entity {
    list.entities.iter().find(|e| e.record_id == record).unwrap_or_else(|| panic!("no record {record}"))
}

/// (full, kind, lang, original script) of every name.
fn names(entity: &Entity) -> Vec<(&str, NameKind, Option<&str>, bool)> {
    entity.names.iter().map(|n| (n.full.as_str(), n.kind, n.lang.as_deref(), n.original_script)).collect()
}

fn dates(entity: &Entity) -> Vec<String> {
    entity.birth_dates.iter().map(|d| d.to_string()).collect()
}

#[test]
fn sample_list() {
    let list = parse_fixture();
    assert_eq!(list.dataset, "gb_fcdo_sanctions");
    assert_eq!(list.format, "uk_fcdo_xml");
    assert_eq!(list.meta.published.as_deref(), Some("2026-08-14"));
    let schemas: Vec<(&str, Schema)> =
        list.entities.iter().map(|e| (e.record_id.as_str(), e.schema)).collect();
    assert_eq!(
        schemas,
        [
            ("AFG0011", Schema::Person),
            ("AQD0128", Schema::Person),
            ("AQD0377", Schema::Organization),
            ("DPR0075", Schema::Vessel)
        ]
    );
    let got: Vec<(Severity, Option<&str>, &str)> =
        list.diagnostics.iter().map(|d| (d.severity, d.record.as_deref(), d.message.as_str())).collect();
    assert_eq!(
        got,
        [(Severity::Error, None, "<Designation> without a UniqueID (\"No Unique Id\"); record skipped")]
    );
}

#[test]
fn individual_with_arabic_name() {
    let list = parse_fixture();
    let e = entity(&list, "AFG0011");
    assert_eq!(e.id, "gb_fcdo_sanctions:AFG0011");
    assert_eq!(
        names(e),
        [
            ("ABDUL LATIF MANSUR", NameKind::Primary, None, false),
            ("Abdul Latif MANSOOR", NameKind::Alias, None, false),
            ("Wali MOHAMMAD", NameKind::Alias, None, false),
            ("عبد اللطيف منصور", NameKind::Alias, None, true),
        ]
    );
    assert_eq!(e.names[0].parts.first.as_deref(), Some("ABDUL"));
    assert_eq!(e.names[0].parts.middle.as_deref(), Some("LATIF"));
    assert_eq!(e.names[0].parts.last.as_deref(), Some("MANSUR"));
    assert_eq!(e.titles, ["Maulavi"]);
    assert_eq!(dates(e), ["1968", "1967-11-12"]);
    assert_eq!(e.birth_dates[0].raw, "dd/mm/1968");
    assert_eq!(e.nationalities, ["af"]);
    assert_eq!(e.positions, ["Minister of Agriculture under the previous Taliban regime (1996-2001)"]);
    assert_eq!(
        e.birth_places,
        [
            "Zurmat District, Paktia Province, Afghanistan",
            "Garda Saray District, Paktia Province, Afghanistan",
            "Afghanistan"
        ]
    );
    assert_eq!(
        e.addresses,
        [Address { full: "Darul Aman, Kabul, Afghanistan".into(), city: None, country: Some("af".into()) }]
    );
    let passports: Vec<(&IdKind, &str)> = e.identifiers.iter().map(|i| (&i.kind, i.value.as_str())).collect();
    assert_eq!(passports, [(&IdKind::Passport, "D0009720"), (&IdKind::Passport, "D0010442")]);
    assert!(e.identifiers[0]
        .note
        .as_deref()
        .unwrap()
        .starts_with("Afghanistan diplomatic passport number D0009720"));
    assert_eq!(e.properties["ofsiGroupId"], ["7270"]);
    let d = &e.designations[0];
    assert_eq!(d.authority, "UK Foreign, Commonwealth and Development Office");
    assert_eq!(d.programs, ["The Afghanistan (Sanctions) (EU Exit) Regulations 2020"]);
    assert_eq!(d.legal_basis.as_deref(), Some("The Afghanistan (Sanctions) (EU Exit) Regulations 2020"));
    assert_eq!(d.listed_on.as_deref(), Some("2001-01-31"));
    assert_eq!(d.modified_on.as_deref(), Some("2026-04-29"));
    assert_eq!(d.reason, None, "an empty statement of reasons");
    assert_eq!(d.record_id, "AFG0011");
    assert_eq!(d.un_reference.as_deref(), Some("TAi.007"));
    assert!(e.notes[0].starts_with("Taliban Shadow Governor for Logar Province"));
    assert_eq!(e.notes[1..], ["Sanctions imposed: Asset freeze, Travel Ban", "Designation source: UN"]);
}

#[test]
fn weak_aliases_and_partial_dates() {
    let list = parse_fixture();
    let e = entity(&list, "AQD0128");
    assert_eq!(
        names(e),
        [
            ("AKRAM TURKI HISHAN AL-MAZIDIH", NameKind::Primary, None, false),
            ("Abu Akram", NameKind::Weak, None, false),
            ("Akram Turki Al-Hishan", NameKind::Alias, None, false),
            ("Abu Jarrah", NameKind::Weak, None, false),
            ("أكرم تركي هاشم المزيده", NameKind::Alias, None, true),
        ]
    );
    assert_eq!(e.names[0].parts.middle.as_deref(), Some("TURKI HISHAN"));
    assert_eq!(dates(e), ["1974", "1975", "1979", "1958-09", "1985"]);
    assert_eq!(
        e.identifiers,
        [Identifier {
            kind: IdKind::NationalId,
            value: "0075258".into(),
            country: None,
            note: Some("Ration card no.".into())
        }]
    );
    let countries: Vec<Option<&str>> = e.addresses.iter().map(|a| a.country.as_deref()).collect();
    assert_eq!(countries, [Some("iq"), Some("sy")]);
    assert_eq!(e.designations[0].un_reference.as_deref(), Some("QDi.276"));
}

#[test]
fn entity_and_ship() {
    let list = parse_fixture();
    let ktj = entity(&list, "AQD0377");
    assert_eq!(
        names(ktj),
        [
            ("Khatiba al-Tawhid wal-Jihad (KTJ)", NameKind::Primary, None, false),
            ("Jama'at al-Tawhid wal-Jihad", NameKind::Alias, None, false),
            ("Jannat Oshiklari", NameKind::Alias, None, false),
            ("Катиба ат-Таухид валь-Джихад", NameKind::Alias, None, true),
        ]
    );
    assert!(ktj.names.iter().all(|n| n.parts.is_empty()));
    assert!(ktj.notes.contains(&"Type of entity: Terrorist Group".to_string()));

    let ship = entity(&list, "DPR0075");
    assert_eq!(ship.caption(), "Petrel 8");
    assert_eq!(ship.names.len(), 4);
    assert_eq!(
        ship.identifiers,
        [Identifier { kind: IdKind::Imo, value: "9562233".into(), country: None, note: None }]
    );
    let property = |name: &str| ship.properties.get(name).cloned().unwrap_or_default();
    assert_eq!(property("owner"), ["Global United Shipping India"]);
    assert_eq!(property("flag"), ["km"]);
    assert_eq!(property("pastFlags"), ["in"]);
    assert_eq!(property("type"), ["Bulk Carrier"]);
    assert_eq!(property("tonnage"), ["7078"]);
    assert_eq!(property("buildDate"), ["2011"]);
    assert!(property("ofsiGroupId").is_empty());
    assert_eq!(ship.countries, ["km"]);
    assert_eq!(dates(ship), ["2011"]);
    assert!(ship.notes.contains(&"Length of ship: 134.5".to_string()));
    assert_eq!(ship.designations[0].un_reference, None);
}

#[test]
fn golden_sample() {
    testing::golden("lists/uk-fcdo/uk_sample.expected.json", &testing::to_golden_json(&parse_fixture()));
}

#[test]
fn newer_fields_and_other_roots() {
    let list = parse_str(
        "<Designations><DateGenerated>01/02/2027</DateGenerated><Designation><UniqueID>RUS1</UniqueID>\
         <IndividualEntityShip>Aircraft</IndividualEntityShip><Names><Name><Name6>X</Name6><NameType>Primary Name</NameType></Name></Names>\
         <ShipDetails><Ship><MMSINumbers><MMSINumber>1</MMSINumber></MMSINumbers></Ship></ShipDetails>\
         <DateDesignated>soon</DateDesignated></Designation></Designations>",
    )
    .unwrap();
    assert_eq!(list.meta.published.as_deref(), Some("2027-02-01"));
    assert_eq!(list.entities[0].schema, Schema::LegalEntity);
    let got: Vec<&str> = list.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        got,
        [
            "unknown IndividualEntityShip \"Aircraft\"; read as a legal entity",
            "DateDesignated \"soon\" is not a date",
            "fields not read (a newer schema?): MMSINumber (1 records)",
        ]
    );
    let err = parse_str(
        "<ArrayOfFinancialSanctionsTarget><FinancialSanctionsTarget/></ArrayOfFinancialSanctionsTarget>",
    )
    .unwrap_err();
    assert!(err.to_string().contains("OFSI consolidated list XML"), "{err}");
    let err = parse_str("<Designations><Designation><UniqueID>A").unwrap_err();
    assert!(err.to_string().contains("test.xml"), "{err}");
}

/// Truncates the sample at many points and flips bytes: the reader may fail, never panic.
#[test]
fn mutated_input_never_panics() {
    testing::cut_and_flip_never_panics("uk-fcdo/uk_sample.xml", Format::UkFcdoXml, 53, 0xfcd0);
}
