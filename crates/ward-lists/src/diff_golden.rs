//! Golden tests of `ward_model::diff_report` on consecutive real list files in ../shared (issue
//! 12 part 2): the counts of each change and of each amended field in `testdata/diff/*.txt`
//! (refreshed with `UPDATE_EXPECT=1`), and a few records checked by hand against the files.

use crate::testing::{golden, shared_list};
use ward_model::{diff_report, DiffReport, Entity, Field};

/// The records of the one list at `rel` under ../shared/data/lists, or `None` (with a printed
/// reason) when the shared data is absent.
fn records(rel: &str) -> Option<Vec<Entity>> {
    let path = shared_list(rel)?;
    let mut lists = crate::read_path(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(lists.len(), 1, "{rel} holds one list");
    Some(lists.remove(0).entities)
}

/// The report from `old` to `new`, checked against the golden summary `testdata/diff/<name>.txt`.
fn check(name: &str, old: &str, new: &str) -> Option<DiffReport> {
    let report = diff_report(&records(old)?, &records(new)?);
    let mut text = format!("{old} -> {new}\n");
    text += &format!(
        "{} added, {} removed, {} amended, {} unchanged\n",
        report.added.len(),
        report.removed.len(),
        report.amended.len(),
        report.unchanged
    );
    for field in Field::ALL {
        let n_amended =
            report.amended.iter().filter(|record| record.changes.iter().any(|c| c.field == field)).count();
        if n_amended > 0 {
            text += &format!("amended {}: {n_amended}\n", field.as_str());
        }
    }
    golden(&format!("diff/{name}.txt"), &text);
    Some(report)
}

fn added<'a>(report: &'a DiffReport, id: &str) -> &'a str {
    let record = report.added.iter().find(|record| record.id == id);
    record.unwrap_or_else(|| panic!("{id} is not among the added records")).caption.as_str()
}

fn removed<'a>(report: &'a DiffReport, id: &str) -> &'a str {
    let record = report.removed.iter().find(|record| record.id == id);
    record.unwrap_or_else(|| panic!("{id} is not among the removed records")).caption.as_str()
}

/// The changes of an amended record, as `field: -removed +added` lines.
fn amended(report: &DiffReport, id: &str) -> Vec<String> {
    let record = report.amended.iter().find(|record| record.id == id);
    let record = record.unwrap_or_else(|| panic!("{id} is not among the amended records"));
    record
        .changes
        .iter()
        .map(|change| {
            let items: Vec<String> = change
                .removed
                .iter()
                .map(|item| format!("-{item}"))
                .chain(change.added.iter().map(|item| format!("+{item}")))
                .collect();
            format!("{}: {}", change.field.as_str(), items.join(" | "))
        })
        .collect()
}

/// 2024-05-03's sdn.csv is 2024-05-02's less eight rows (checked with `diff` on the two files):
/// Emperor Aviation (38556) and seven of its aircraft, delisted.
#[test]
fn ofac_sdn_one_day() {
    let Some(report) =
        check("ofac-sdn-2024-05-02-to-03", "us-ofac/sdn-csv-2024-05-02", "us-ofac/sdn-csv-2024-05-03")
    else {
        return;
    };
    assert_eq!(removed(&report, "us_ofac_sdn:38556"), "EMPEROR AVIATION LTD");
    assert_eq!(removed(&report, "us_ofac_sdn:38557"), "9H-AMN");
}

/// The seed's designations of 2021 are added (`ent_nums` found with grep in 2021-07's sdn.csv,
/// absent from 2019-01's); IRGC (10391) gained the FTO and ELECTION-EO13848 programmes and
/// 10392 was renamed, as its sdn.csv rows and alt.csv rows (3, then 9) in both files show.
#[test]
fn ofac_sdn_two_years() {
    let Some(report) =
        check("ofac-sdn-2019-01-to-2021-07", "us-ofac/sdn-csv-2019-01", "us-ofac/sdn-csv-2021-07")
    else {
        return;
    };
    assert_eq!(added(&report, "us_ofac_sdn:31492"), "WANG, Junzheng");
    assert_eq!(added(&report, "us_ofac_sdn:31493"), "CHEN, Mingguo");
    assert_eq!(added(&report, "us_ofac_sdn:29219"), "ZHU, Hailun");
    assert_eq!(added(&report, "us_ofac_sdn:29162"), "WANG, Mingshan");
    assert_eq!(added(&report, "us_ofac_sdn:31126"), "BORTNIKOV, Aleksandr Vasilievich");
    assert!(
        amended(&report, "us_ofac_sdn:10391").contains(&"programmes: +FTO | +ELECTION-EO13848".to_string())
    );
    let renamed = amended(&report, "us_ofac_sdn:10392");
    assert!(renamed[0].starts_with("names: -MINISTRY OF DEFENSE FOR ARMED FORCES LOGISTICS | +MINISTRY OF DEFENSE AND ARMED FORCES LOGISTICS | "), "{renamed:?}");
    assert!(renamed.contains(&"programmes: +SDGT | +IRAN-CON-ARMS-EO".to_string()), "{renamed:?}");
}

/// Counted with grep: 703 + 390 records in 2018-10, 726 + 273 in 2026-01-28, 730 + 273 in
/// 2026-02-27; SDi.007 to SDi.010 first appear in 2026-02-27, CFe.001 and IQe.003 are gone
/// by 2026-01-28; QDi.120's review remarks and amendment date changed.
#[test]
fn un_consolidated_over_years_and_a_month() {
    let Some(years) = check(
        "un-2018-10-to-2026-01-28",
        "un-sc/un_consolidated_2018-10.xml",
        "un-sc/un_consolidated_2026-01-28.xml",
    ) else {
        return;
    };
    assert_eq!(years.added.len() + years.amended.len() + years.unchanged, 726 + 273);
    assert_eq!(years.removed.len() + years.amended.len() + years.unchanged, 703 + 390);
    assert_eq!(
        removed(&years, "un_sc_sanctions:CFe.001"),
        "BUREAU D'ACHAT DE DIAMANT EN CENTRAFRIQUE/KARDIAM"
    );
    assert_eq!(removed(&years, "un_sc_sanctions:IQe.003"), "RAFIDAIN BANK");
    let murad = amended(&years, "un_sc_sanctions:QDi.120");
    assert!(
        murad[0].starts_with("designations: -list UN List; listed 2003-09-09; amended 2011-05-16"),
        "{murad:?}"
    );
    assert!(murad[1].starts_with("remarks: "), "{murad:?}");

    let Some(month) = check(
        "un-2026-01-28-to-02-27",
        "un-sc/un_consolidated_2026-01-28.xml",
        "un-sc/un_consolidated_2026-02-27.xml",
    ) else {
        return;
    };
    let added_ids: Vec<&str> = month.added.iter().map(|record| record.id.as_str()).collect();
    assert_eq!(
        added_ids,
        [
            "un_sc_sanctions:SDi.007",
            "un_sc_sanctions:SDi.008",
            "un_sc_sanctions:SDi.009",
            "un_sc_sanctions:SDi.010"
        ]
    );
    assert_eq!(added(&month, "un_sc_sanctions:SDi.007"), "GEDO HAMDAN AHMED");
    assert!(month.removed.is_empty() && month.amended.is_empty());
}

/// Group IDs read from both workbooks' sheet XML: 3993 in 2023-06, 4688 in 2025-04; 15983 (Murad
/// FATHI) only in 2025-04, 10438 (MOHAMMAD ESLAMI) only in 2023-06; Bortnikov's two groups
/// (13037, 13972) have the same rows in both, so they are unchanged.
#[test]
fn uk_ofsi_two_years() {
    let Some(report) = check(
        "uk-ofsi-2023-06-to-2025-04",
        "uk-ofsi/ofsi_ConList_2023-06.xlsx",
        "uk-ofsi/ofsi_ConList_2025-04.xlsx",
    ) else {
        return;
    };
    assert_eq!(report.removed.len() + report.amended.len() + report.unchanged, 3993);
    assert_eq!(report.added.len() + report.amended.len() + report.unchanged, 4688);
    assert_eq!(added(&report, "gb_hmt_sanctions:15983"), "Murad FATHI");
    assert_eq!(removed(&report, "gb_hmt_sanctions:10438"), "MOHAMMAD ESLAMI");
    for id in ["gb_hmt_sanctions:13037", "gb_hmt_sanctions:13972"] {
        let touched = report.added.iter().chain(&report.removed).any(|record| record.id == id)
            || report.amended.iter().any(|record| record.id == id);
        assert!(!touched, "{id} changed");
    }
}

/// Canada's records have no ids of their own: Ward names them by regime, person or entity,
/// and primary name (`mm/entity/air-bagan`), which an entry keeps while its schedule item
/// moves. All read in the two XML files:
/// - The 2025-05 file renamed Burma "Myanmar (Burma)" and its schedule "1" became "Part 1":
///   Air Bagan (item 1 of both) is one record, amended in programme and legal basis.
/// - South Sudan's two entries swapped items (CHANUONG 1 -> 2, GADET 2 -> 1): amended in their
///   legal basis, not renamed into each other.
/// - Zimbabwe lost 100 of its 182 entries (Monica and Gamuchirai Chinamasa among them; Patrick
///   Chinamasa stays): they are removed.
/// - Every 2025 record has a `DateOfListing`, so no record is unchanged.
#[test]
fn canada_sema_five_years() {
    let Some(report) =
        check("ca-sema-2020-04-to-2025-05", "ca-sema/sema-lmes_2020-04.xml", "ca-sema/sema-lmes_2025-05.xml")
    else {
        return;
    };
    assert_eq!(report.removed.len() + report.amended.len(), 1369);
    assert_eq!(report.added.len() + report.amended.len(), 4759);
    assert_eq!(report.unchanged, 0);
    assert_eq!(
        amended(&report, "ca_dfatd_sema_sanctions:mm/entity/air-bagan"),
        [
            "programmes: -Burma | +Myanmar (Burma)",
            "designations: -legal basis Special Economic Measures Act, Schedule 1, Item 1 | +listed 2012-04-24; legal basis Special Economic Measures Act, Part 1, Item 1"
        ]
    );
    assert_eq!(
        amended(&report, "ca_dfatd_sema_sanctions:ss/person/marial-chanuong"),
        ["designations: -legal basis Special Economic Measures Act, Item 1 | +listed 2014-10-23; legal basis Special Economic Measures Act, Item 2"]
    );
    assert_eq!(removed(&report, "ca_dfatd_sema_sanctions:zw/person/monica-chinamasa"), "Monica Chinamasa");
    assert!(amended(&report, "ca_dfatd_sema_sanctions:zw/person/patrick-anthony-chinamasa").len() == 1);
}
