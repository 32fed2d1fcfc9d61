//! Tests of cross-list linking on records shaped as the parsers produce them.

use super::*;
use ward_model::{DateSpec, Designation, Identifier, Name};

fn person(dataset: &str, id: &str, name: &str, dob: Option<&str>, nationality: Option<&str>) -> Entity {
    let mut e = Entity::new(dataset, id, Schema::Person);
    e.add_name(Name::new(name, NameKind::Primary));
    if let Some(dob) = dob {
        e.birth_dates.push(DateSpec::parse(dob).unwrap());
    }
    if let Some(n) = nationality {
        e.nationalities.push(n.to_string());
    }
    e
}

/// Links `entities` and returns the subjects as sorted lists of referents.
fn check(entities: Vec<Entity>, expect: &[&[&str]]) {
    let subjects = link(entities);
    let mut got: Vec<Vec<String>> = subjects
        .iter()
        .map(|s| {
            let mut r: Vec<String> = s.referents().map(str::to_string).collect();
            r.sort();
            r
        })
        .collect();
    got.sort();
    let mut expect: Vec<Vec<String>> =
        expect.iter().map(|g| g.iter().map(|s| s.to_string()).collect()).collect();
    expect.iter_mut().for_each(|g| g.sort());
    expect.sort();
    assert_eq!(got, expect);
}

#[test]
fn same_name_dob_and_nationality_link_across_lists() {
    // WANG Junzheng is on the US, UK and Canadian lists.
    check(
        vec![
            person("us_ofac_sdn", "27601", "WANG, Junzheng", Some("1963-05-01"), Some("cn")),
            person("gb_hmt_sanctions", "14038", "WANG Junzheng", Some("01/05/1963"), Some("cn")),
            person("ca_dfatd_sema_sanctions", "china-1-1", "Junzheng Wang", Some("1963"), None),
        ],
        &[&["ca_dfatd_sema_sanctions:china-1-1", "gb_hmt_sanctions:14038", "us_ofac_sdn:27601"]],
    );
}

#[test]
fn name_alone_never_links() {
    check(
        vec![
            person("us_ofac_sdn", "1", "WANG, Junzheng", None, Some("cn")),
            person("gb_hmt_sanctions", "2", "WANG Junzheng", Some("1963"), Some("cn")),
            person("eu_fsf", "3", "WANG Junzheng", Some("1970"), Some("cn")),
        ],
        &[&["us_ofac_sdn:1"], &["gb_hmt_sanctions:2"], &["eu_fsf:3"]],
    );
}

#[test]
fn different_nationality_blocks_a_name_link() {
    check(
        vec![
            person("us_ofac_sdn", "1", "ALI Hassan", Some("1970"), Some("iq")),
            person("gb_hmt_sanctions", "2", "Hassan ALI", Some("1970"), Some("sy")),
        ],
        &[&["us_ofac_sdn:1"], &["gb_hmt_sanctions:2"]],
    );
}

#[test]
fn un_reference_links_and_same_dataset_never_merges() {
    let mut uk = person("gb_hmt_sanctions", "7270", "MANSUR Abdul Latif", None, None);
    uk.designations.push(Designation { un_reference: Some("TAi.007".into()), ..Default::default() });
    let un = person("un_sc_sanctions", "TAi.007", "ABDUL LATIF MANSUR", None, None);
    // A second UK record citing the same UN number stays apart from the first.
    let mut uk2 = person("gb_hmt_sanctions", "9999", "Someone Else", None, None);
    uk2.designations.push(Designation { un_reference: Some("TAi.007".into()), ..Default::default() });
    check(
        vec![un, uk, uk2],
        &[&["un_sc_sanctions:TAi.007", "gb_hmt_sanctions:7270"], &["gb_hmt_sanctions:9999"]],
    );
}

#[test]
fn imo_links_vessels_and_subject_id_prefers_authority() {
    let vessel = |dataset: &str, id: &str, imo: &str| {
        let mut e = Entity::new(dataset, id, Schema::Vessel);
        e.add_name(Name::new("SEA STAR", NameKind::Primary));
        e.add_identifier(Identifier::from_label("IMO", imo, None));
        e
    };
    let subjects =
        link(vec![vessel("gb_hmt_sanctions", "1", "9187629"), vessel("us_ofac_sdn", "2", "IMO 9187629")]);
    assert_eq!(subjects.len(), 1);
    assert_eq!(subjects[0].id, "us_ofac_sdn:2");
}

#[test]
fn csl_rows_join_their_ofac_record() {
    let ofac = person("us_ofac_sdn", "21944", "'ABBAS, Rim", None, None);
    let mut csl = person("us_trade_csl", "abc", "'ABBAS, Rim", None, None);
    csl.add_property("ofacEntNum", "21944");
    check(vec![ofac, csl], &[&["us_ofac_sdn:21944", "us_trade_csl:abc"]]);
}

#[test]
fn coordinated_designations_link_on_name_country_and_date() {
    let listed = |mut e: Entity, program: &str, date: &str| {
        e.designations.push(Designation {
            programs: vec![program.into()],
            listed_on: Some(date.into()),
            ..Default::default()
        });
        e
    };
    let uk = listed(
        person("gb_hmt_sanctions", "14077", "JUNZHENG WANG", Some("1963-05"), Some("cn")),
        "Global Human Rights",
        "2021-03-22",
    );
    let ca = listed(
        person("ca_dfatd_sema_sanctions", "china/part-1/2", "Junzheng Wang", None, None),
        "China",
        "2021-03-21",
    );
    // The same name listed a year later, or under another country's regime, stays apart.
    let late = listed(person("eu_fsf", "1", "Junzheng Wang", None, None), "China", "2022-03-21");
    let elsewhere =
        listed(person("au_dfat_sanctions", "2", "Junzheng Wang", None, None), "Russia", "2021-03-22");
    check(
        vec![uk, ca, late, elsewhere],
        &[
            &["ca_dfatd_sema_sanctions:china/part-1/2", "gb_hmt_sanctions:14077"],
            &["eu_fsf:1"],
            &["au_dfat_sanctions:2"],
        ],
    );
}
