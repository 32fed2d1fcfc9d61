//! Tests of the US Consolidated Screening List reader: counts on the real file, real records
//! field by field, a golden excerpt, and robustness.

use super::*;
use crate::tabular::tests::{cuts_are_refused, never_panics};
use crate::testing;
use ward_model::Severity;

const FILE: &str = "us-csl/trade_gov_consolidated_screening_list_2025-01.csv.gz";
const EXCERPT: &str = "us-csl/trade_gov_consolidated_screening_list_2025-01_excerpt.csv";

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

/// 14,160 rows, 14,048 distinct `_id`s: 71 `_id`s have several rows (183 rows in all), 70 of
/// them because the party is on several sub-lists.
#[test]
fn screening_list_2025_01() {
    let Some(list) = read_shared() else { return };
    assert_eq!(list.dataset, "us_trade_csl");
    assert_eq!(list.format, "us_csl_csv");
    assert_eq!(list.entities.len(), 14_048);
    // One designation per row, but for Bank of Kunlun (15268), listed twice on the CAP list with
    // the same details.
    let designations: usize = list.entities.iter().map(|e| e.designations.len()).sum();
    assert_eq!(designations, 14_159);
    assert_eq!(entity(&list, "15268").designations.len(), 1);
    let merged = list.entities.iter().filter(|e| e.designations.len() > 1).count();
    assert_eq!(merged, 70);
    // Treasury rows carry OFAC's entity number: 10,535 rows, 10,423 distinct numbers.
    let ofac = list.entities.iter().filter(|e| e.properties.contains_key("ofacEntNum")).count();
    assert_eq!(ofac, 10_423);
    let count = |schema: Schema| list.entities.iter().filter(|e| e.schema == schema).count();
    assert_eq!(
        [
            count(Schema::Person),
            count(Schema::Organization),
            count(Schema::LegalEntity),
            count(Schema::Vessel),
            count(Schema::Airplane)
        ],
        [5284, 4423, 3625, 433, 283]
    );
    assert!(list.diagnostics.is_empty(), "{:#?}", list.diagnostics);
    assert!(list.entities.iter().all(|e| !e.notes.iter().any(|n| n.starts_with("Date of birth:"))));
}

#[test]
fn bank_on_three_sub_lists() {
    let Some(list) = read_shared() else { return };
    let e = entity(&list, "18725");
    assert_eq!(e.id, "us_trade_csl:18725");
    assert_eq!(e.schema, Schema::Organization);
    let lists: Vec<&str> = e.designations.iter().filter_map(|d| d.list.as_deref()).collect();
    assert_eq!(
        lists,
        [
            "Capta List (CAP) - Treasury Department",
            "Specially Designated Nationals (SDN) - Treasury Department",
            "Sectoral Sanctions Identifications List (SSI) - Treasury Department",
        ]
    );
    assert_eq!(e.properties["cslSource"], ["CAP", "SDN", "SSI"]);
    assert_eq!(e.properties["ofacEntNum"], ["18725"]);
    assert_eq!(e.designations[1].programs, ["UKRAINE-EO13662", "RUSSIA-EO14024"]);
    assert_eq!(e.identifiers[0].kind, IdKind::Bic);
    assert_eq!(e.identifiers[0].value, "VTBLAOLU");
    assert_eq!(e.addresses[0].country.as_deref(), Some("ao"));
    assert_eq!(e.links[0].target_name.as_deref(), Some("VTB BANK PUBLIC JOINT STOCK COMPANY"));
}

#[test]
fn person_with_passport_dates() {
    let Some(list) = read_shared() else { return };
    let e = entity(&list, "17291");
    assert_eq!(e.schema, Schema::Person);
    let passport = e.identifiers.iter().find(|i| i.kind == IdKind::Passport).expect("passport");
    assert_eq!(passport.value, "K475336");
    assert_eq!(passport.country.as_deref(), Some("jo"));
    assert_eq!(passport.note.as_deref(), Some("Passport (2014-08-30, 2009-08-31)"));
    let id = e.identifiers.iter().find(|i| i.kind == IdKind::NationalId).expect("national id");
    assert_eq!((id.value.as_str(), id.country.as_deref()), ("28940000602", Some("qa")));
}

#[test]
fn entity_list_row_without_type() {
    let Some(list) = read_shared() else { return };
    let e = entity(&list, "4398d33e9e93c7477af39f1e0bfffc13ddd47bcc");
    assert_eq!(e.schema, Schema::LegalEntity);
    assert_eq!(e.caption(), "140 Repair Plant JSC");
    let d = &e.designations[0];
    assert_eq!(d.list.as_deref(), Some("Entity List (EL) - Bureau of Industry and Security"));
    assert_eq!(d.listed_on.as_deref(), Some("2022-04-07"));
    assert_eq!(d.legal_basis.as_deref(), Some("87 FR 20299"));
    assert!(!e.properties.contains_key("ofacEntNum"));
    assert_eq!(e.addresses[0].country.as_deref(), Some("by"));
}

#[test]
fn ids_items() {
    let check = |item: &str, kind: IdKind, value: &str| {
        let columns = Columns::new(&[]);
        let mut diags = Diagnostics::new("t.csv");
        let row = Row { number: 2, cells: Vec::new() };
        let mut e = Entity::new(DATASET, "1", Schema::Organization);
        Group { columns: &columns, id: "1", diags: &mut diags }.id_item(&mut e, &row, item);
        assert_eq!((e.identifiers[0].kind.clone(), e.identifiers[0].value.as_str()), (kind, value), "{item}");
    };
    check("CY, C146742, Registration Number", IdKind::Registration, "C146742");
    check("IMO 8898831, Vessel Registration Identification", IdKind::Imo, "8898831");
    check("RU, 7702235133, Tax ID No.", IdKind::TaxId, "7702235133");
    check(
        "0x098B716B8Aaf21512996dC57EB0615e2383E2f96, Digital Currency Address - ETH",
        IdKind::CryptoWallet,
        "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
    );
    check("MX, ABCD123456, R.F.C.", IdKind::TaxId, "ABCD123456");
    assert!(is_remark("Secondary sanctions risk:"));
    assert!(is_remark("Listing Date (CMIC)"));
    assert!(!is_remark("Passport"));
    assert_eq!(
        source_code("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department").as_deref(),
        Some("NS-MBS")
    );
}

#[test]
fn golden_excerpt() {
    let list = crate::parse_bytes(
        "trade_gov_consolidated_screening_list_2025-01_excerpt.csv",
        testing::fixture(EXCERPT),
    )
    .unwrap();
    assert_eq!(list.entities.len(), 14);
    testing::golden(
        "lists/us-csl/trade_gov_consolidated_screening_list_2025-01_excerpt.expected.json",
        &testing::to_golden_json(&list),
    );
}

#[test]
fn broken_rows_and_files() {
    let err = crate::parse_bytes("x.csv", b"_id,source,alt_names\n1,SDN,\n".to_vec()).unwrap_err();
    assert!(err.to_string().contains("\"name\""), "{err}");
    let list =
        crate::parse_bytes("x.csv", b"_id,source,name,alt_names\n,SDN,NOBODY,\n7,SDN,SOMEBODY,\n".to_vec())
            .unwrap();
    assert_eq!(list.entities.len(), 1);
    assert_eq!(list.diagnostics[0].severity, Severity::Error);
    assert_eq!(list.diagnostics[0].location.as_deref(), Some("line 2"));
}

#[test]
fn mangled_excerpt_never_panics() {
    never_panics("excerpt.csv", &testing::fixture(EXCERPT));
}

#[test]
fn cut_files_are_refused() {
    let Some(path) = testing::shared_list(FILE) else { return };
    let mut bytes = Vec::new();
    let gzip = std::fs::read(path).unwrap();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gzip[..]), &mut bytes).unwrap();
    cuts_are_refused("trade_gov_consolidated_screening_list_2025-01.csv", &bytes);
}
