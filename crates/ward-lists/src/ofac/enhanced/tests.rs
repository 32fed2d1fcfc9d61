//! Tests of the OFAC enhanced XML reader: the real `CONS_ENHANCED.ZIP`, a golden excerpt with its
//! reference tables, broken entities and mutated input.

use crate::ofac::remarks::tests::{assert_lines, mutants, summary};
use crate::{testing, Input, Source};
use ward_model::{NameKind, ParsedList};

const EXCERPT: &str = "us-ofac/cons_enhanced_excerpt.xml";

fn parse(name: &str, bytes: Vec<u8>) -> crate::Result<ParsedList> {
    super::parse(&Input { files: vec![Source { name: name.to_string(), bytes }] })
}

fn entity<'a>(list: &'a ParsedList, record: &str) -> &'a ward_model::Entity {
    list.entities.iter().find(|e| e.record_id == record).unwrap_or_else(|| panic!("record {record}"))
}

#[test]
fn cons_enhanced_2025_01() {
    let Some(path) = testing::shared_list("us-ofac/consolidated-enhanced-2025-01") else {
        return;
    };
    let lists = crate::read_path(&path).unwrap();
    let [list] = lists.as_slice() else { panic!("one list") };
    assert_eq!(list.format, "ofac_enhanced_xml");
    assert_eq!(list.dataset, "us_ofac_cons");
    assert_eq!(list.entities.len(), 443);
    assert_eq!(list.meta.published.as_deref(), Some("2025-01-10"));
    assert!(list.diagnostics.is_empty(), "{:?}", list.diagnostics);
    let weak = list.entities.iter().flat_map(|e| &e.names).filter(|n| n.kind == NameKind::Weak).count();
    assert_eq!(weak, 71, "70 low-quality names and the Cyrillic translation of one");
    let scripts = list.entities.iter().flat_map(|e| &e.names).filter(|n| n.original_script).count();
    assert_eq!(scripts, 45);
    // Relationships cite entity ids: in the file, or on the SDN list.
    let links = list.entities.iter().flat_map(|e| &e.links).collect::<Vec<_>>();
    assert_eq!(links.len(), 283);
    assert!(links.iter().all(|l| l.target_id.is_some()));
    assert_lines(
        &summary(entity(list, "18715")),
        "Organization us_ofac_cons:18715
         name primary: JOINT STOCK COMPANY SBERBANK
         name alias: SUBSIDIARY BANK SBERBANK OF RUSSIA PUBLIC JOINT STOCK COMPANY
         name alias: SBERBANK OF RUSSIA SUBSIDIARY BANK PUBLIC JOINT STOCK COMPANY
         name alias: PUBLICHNE AKTSIONERNE TOVARYSTVO DOCHIRNII BANK SBERBANKU ROSII
         name alias: JSC SBERBANK OF RUSSIA
         name previous: SBERBANK OF RUSSIA SUBSIDIARY BANK PRIVATE JOINT STOCK COMPANY
         name alias: JSC SBERBANK
         name alias: AKTSIONERNE TOVARYSTVO SBERBANK
         address: 46 Volodymyrska street, Kyiv 01601, Ukraine [city Kyiv] (ua)
         address: 46 Vladimirskaya St, Kyiv 01601, Ukraine [city Kyiv] (ua)
         id Bic: SABRUAUK (-) \"SWIFT/BIC\"
         id Registration: 25959784 (ua) \"Registration ID\"
         id TaxId: 259597826652 (ua) \"Tax ID No.\"
         designation: us_ofac_cons \"Sectoral Sanctions Identifications List; SDN List\" [UKRAINE-EO13662, RUSSIA-EO14024] listed 2015-12-22 basis \"Executive Order 13662 (Ukraine); Executive Order 14024 (Russia)\"
         link OwnedBy: PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA -> us_ofac_cons:17018 \"Owned or Controlled By\"
         note: Sanctions type: 13662 Sectoral Directive 1
         note: Sanctions type: Executive Order 14024 Directive 2
         note: Sanctions type: Block
         note: Executive Order 13662 Directive Determination - Subject to Directive 1
         note: Executive Order 14024 Directive Information - For more information on directives, please visit the following link: https://home.treasury.gov/policy-issues/financial-sanctions/sanctions-programs-and-country-information/russian-harmful-foreign-activities-sanctions#directives
         note: Listing Date (EO 14024 Directive 2): 24 Feb 2022
         note: Effective Date (EO 14024 Directive 2): 26 Mar 2022
         note: Secondary sanctions risk: Ukraine-/Russia-Related Sanctions Regulations, 31 CFR 589.201 and/or 589.209
         note: Secondary sanctions risk: See Section 11 of Executive Order 14024
         note: For more information on directives, please visit the following link: http://www.treasury.gov/resource-center/sanctions/Programs/Pages/ukraine.aspx#directives
         prop website: www.sberbank.ua
         prop website: sbrf.com.ua",
    );
}

#[test]
fn golden_excerpt() {
    let path = testing::repo_root().join("testdata/lists").join(EXCERPT);
    let list = crate::read_path(&path).unwrap().pop().unwrap();
    assert_eq!((list.dataset.as_str(), list.entities.len()), ("us_ofac_cons", 5));
    assert!(list.diagnostics.is_empty(), "{:?}", list.diagnostics);
    testing::golden("lists/us-ofac/cons_enhanced_excerpt.expected.json", &testing::to_golden_json(&list));
}

#[test]
fn excerpt_entities() {
    let list = parse("CONS_ENHANCED.XML", testing::fixture(EXCERPT)).unwrap();
    assert_lines(
        &summary(entity(&list, "9647")),
        "Person us_ofac_cons:9647
         name primary: ZAHHAR, Mahmoud Khaled (first=Mahmoud Khaled last=ZAHHAR)
         name alias: AL ZAHAR, Mahmoud Khaled (first=Mahmoud Khaled last=AL ZAHAR)
         name weak: ZAHAR, Mahmoud (first=Mahmoud last=Zahar)
         name weak: AL-ZAHAR, Mahmoud (first=Mahmoud last=al-Zahar)
         dob: 1945 (1945)
         pob: Gaza Strip
         nationality: ps
         gender: male
         address: Gaza (ps)
         designation: us_ofac_cons \"Non-SDN Palestinian Legislative Council List; SDN List\" [NS-PLC, SDGT] listed 2006-04-12 basis \"General License 4 Under EO 13224 (Terrorism); Executive Order 13224 (Terrorism)\"
         link Associate: HAMAS -> us_ofac_sdn:4695 \"Acting for or on behalf of\"
         note: Sanctions type: Reject
         note: Sanctions type: Block
         note: Secondary sanctions risk: section 1(b) of Executive Order 13224, as amended by Executive Order 13886",
    );
    // Original-script translations: Chinese and Cyrillic, tagged with their ISO 15924 script.
    let megvii = entity(&list, "33091");
    assert!(megvii
        .names
        .iter()
        .any(|n| n.original_script && n.lang.as_deref() == Some("Hans") && n.kind == NameKind::Alias));
    let transneft = entity(&list, "17254");
    let cyrillic: Vec<&str> = transneft
        .names
        .iter()
        .filter(|n| n.lang.as_deref() == Some("Cyrl"))
        .map(|n| n.full.as_str())
        .collect();
    assert!(cyrillic.contains(&"ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО ТРАНСНЕФТЬ"), "{cyrillic:?}");
    // A byte order mark changes nothing.
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend(testing::fixture(EXCERPT));
    assert_eq!(parse("CONS_ENHANCED.XML", bom).unwrap().entities, list.entities);
    let person = entity(&list, "26182");
    assert!(person.identifiers.iter().any(|i| i.kind == ward_model::IdKind::Passport));
    assert!(!person.citizenships.is_empty());
}

#[test]
fn broken_entities_become_diagnostics() {
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<sanctionsData>
  <publicationInfo><dataAsOf>2025-01-10T00:00:00</dataAsOf></publicationInfo>
  <entities>
    <entity><generalInfo><entityType>Entity</entityType></generalInfo></entity>
    <entity id="2"><generalInfo><entityType>Entity</entityType></generalInfo></entity>
    <entity id="3"><generalInfo><entityType>Robot</entityType></generalInfo>
      <sanctionsLists><sanctionsList datePublished="2020-01-02">SDN List</sanctionsList></sanctionsLists>
      <names><name><isPrimary>true</isPrimary><translations><translation><isPrimary>true</isPrimary>
        <formattedFullName>ROBOT</formattedFullName></translation></translations></name></names>
      <features><feature><type>Birthdate</type><value>someday</value></feature></features>
    </entity>
  </entities>
</sanctionsData>"#;
    let list = parse("e.xml", xml.as_bytes().to_vec()).unwrap();
    // Without a list filter, the entities' own lists decide: SDN List.
    assert_eq!(list.dataset, "us_ofac_sdn");
    assert_eq!(list.entities.len(), 1);
    let lines: Vec<String> = list.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        lines,
        [
            "error: e.xml, byte 150: entity skipped: expected an id attribute",
            "error: e.xml, byte 230, record 2: entity skipped: expected a primary name",
            "warning: e.xml, byte 317, record 3: unknown entityType Some(\"robot\"); read as a legal entity",
            "warning: e.xml, byte 317, record 3: cannot read the birth date \"someday\"; kept in notes",
        ]
    );
}

#[test]
fn broken_files_are_errors() {
    let excerpt = testing::fixture(EXCERPT);
    let truncated = excerpt[..excerpt.len() * 2 / 3].to_vec();
    for (bytes, expect) in
        [(truncated, "at byte"), (b"<sdnList/>".to_vec(), "<sdnList>"), (b"  ".to_vec(), "no root element")]
    {
        let err = parse("CONS_ENHANCED.XML", bytes).unwrap_err().to_string();
        assert!(err.contains(expect) && err.contains("CONS_ENHANCED.XML"), "{err}");
    }
}

#[test]
fn mutated_excerpt_never_panics() {
    for mutant in mutants(&testing::fixture(EXCERPT)) {
        let _ = parse("CONS_ENHANCED.XML", mutant);
    }
}
