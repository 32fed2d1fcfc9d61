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

#[test]
fn one_authority_listing_one_party_twice_is_one_subject() {
    // The UK lists Alexander Bortnikov under Group IDs 13037 (Russia) and 13972 (Chemical
    // Weapons): same name, birth date and nationality.
    let uk = |id: &str| {
        person("gb_hmt_sanctions", id, "Aleksandr Vasilievich BORTNIKOV", Some("15/11/1951"), Some("ru"))
    };
    let ofac =
        person("us_ofac_sdn", "31126", "BORTNIKOV, Aleksandr Vasilievich", Some("15 Nov 1951"), Some("ru"));
    check(
        vec![uk("13037"), uk("13972"), ofac],
        &[&["gb_hmt_sanctions:13037", "gb_hmt_sanctions:13972", "us_ofac_sdn:31126"]],
    );
}

#[test]
fn one_dataset_stays_apart_without_every_fact() {
    let uk = |id: &str, dob: Option<&str>, nationality: Option<&str>| {
        person("gb_hmt_sanctions", id, "Aleksandr Vasilievich BORTNIKOV", dob, nationality)
    };
    let apart = |a: Entity, b: Entity| {
        let (ida, idb) = (a.id.clone(), b.id.clone());
        check(vec![a, b], &[&[ida.as_str()], &[idb.as_str()]]);
    };
    // A birth year, a birth month, no nationality, another nationality, another date.
    apart(uk("1", Some("1951"), Some("ru")), uk("2", Some("1951"), Some("ru")));
    apart(uk("1", Some("1951-11"), Some("ru")), uk("2", Some("1951-11"), Some("ru")));
    apart(uk("1", Some("1951-11-15"), None), uk("2", Some("1951-11-15"), None));
    apart(uk("1", Some("1951-11-15"), Some("ru")), uk("2", Some("1951-11-15"), Some("by")));
    apart(uk("1", Some("1951-11-15"), Some("ru")), uk("2", Some("1951-11-16"), Some("ru")));
    // Another primary name; one word only; another schema.
    apart(
        uk("1", Some("1951-11-15"), Some("ru")),
        person("gb_hmt_sanctions", "2", "Aleksandr BORTNIKOV", Some("1951-11-15"), Some("ru")),
    );
    apart(
        person("gb_hmt_sanctions", "1", "BORTNIKOV", Some("1951-11-15"), Some("ru")),
        person("gb_hmt_sanctions", "2", "BORTNIKOV", Some("1951-11-15"), Some("ru")),
    );
    let mut organisation = uk("2", Some("1951-11-15"), Some("ru"));
    organisation.schema = Schema::Organization;
    apart(uk("1", Some("1951-11-15"), Some("ru")), organisation);
}

#[test]
fn a_third_record_of_the_dataset_cannot_join_a_same_party_pair() {
    // 1 and 2 are one party; 3 shares a UN number with 1 but is a record of its own.
    let mut first = person("gb_hmt_sanctions", "1", "Abdul Hakim MURAD", Some("1968-04-11"), Some("pk"));
    first.designations.push(Designation { un_reference: Some("QDi.120".into()), ..Default::default() });
    let second = person("gb_hmt_sanctions", "2", "Abdul Hakim MURAD", Some("1968-04-11"), Some("pk"));
    let mut third = person("gb_hmt_sanctions", "3", "Someone Else", None, None);
    third.designations.push(Designation { un_reference: Some("QDi.120".into()), ..Default::default() });
    let un = person("un_sc_sanctions", "QDi.120", "ABDUL HAKIM MURAD", Some("1968-04-11"), Some("pk"));
    check(
        vec![first, second, third, un],
        &[&["gb_hmt_sanctions:1", "gb_hmt_sanctions:2", "un_sc_sanctions:QDi.120"], &["gb_hmt_sanctions:3"]],
    );
}

#[test]
fn full_name_and_the_same_full_date_link_across_nationalities() {
    check(
        vec![
            person("us_ofac_sdn", "1", "HASSAN, Ali Mohammed", Some("1970-03-04"), Some("iq")),
            person("gb_hmt_sanctions", "2", "Ali Mohammed HASSAN", Some("04/03/1970"), Some("sy")),
            // The same name and year, another day: apart; a one-word name: apart.
            person("eu_fsf", "3", "Ali Mohammed Hassan", Some("1970-03-05"), Some("sy")),
            person("au_dfat_sanctions", "4", "HASSAN", Some("1970-03-04"), Some("lb")),
            person("ca_dfatd_sema_sanctions", "5", "HASSAN", Some("1970-03-04"), Some("jo")),
        ],
        &[
            &["gb_hmt_sanctions:2", "us_ofac_sdn:1"],
            &["eu_fsf:3"],
            &["au_dfat_sanctions:4"],
            &["ca_dfatd_sema_sanctions:5"],
        ],
    );
}

/// UN QDi.120 and OFAC 7925 (through the CSL row that cites it): Abdul Hakim Murad, five names
/// in common, Pakistani, born in 1968 on days the two authorities give differently.
#[test]
fn several_shared_names_nationality_and_year_link() {
    let with_aliases = |mut e: Entity, aliases: &[&str]| {
        for alias in aliases {
            e.add_name(Name::new(*alias, NameKind::Alias));
        }
        e
    };
    let un = |dob: &str, nationality: Option<&str>, aliases: &[&str]| {
        with_aliases(
            person("un_sc_sanctions", "QDi.120", "ABDUL HAKIM MURAD", Some(dob), nationality),
            aliases,
        )
    };
    let mut csl = with_aliases(
        person("us_trade_csl", "7925", "MURAD, Abdul Hakim", Some("1968-01-04"), Some("pk")),
        &["AHMED, Saeed", "AKMAN, Saeed", "MURAD, Abdul Hakim Hasim"],
    );
    csl.add_property("ofacEntNum", "7925");
    let sdn = person("us_ofac_sdn", "7925", "MURAD, Abdul Hakim", Some("04 Jan 1968"), Some("pk"));
    let aliases = ["Saeed Akman", "Saeed Ahmed", "Murad, Abdul Hakim Hasim"];
    let joined: &[&[&str]] = &[&["un_sc_sanctions:QDi.120", "us_ofac_sdn:7925", "us_trade_csl:7925"]];
    check(vec![un("1968-04-11", Some("pk"), &aliases), csl.clone(), sdn.clone()], joined);
    let apart: &[&[&str]] = &[&["un_sc_sanctions:QDi.120"], &["us_ofac_sdn:7925", "us_trade_csl:7925"]];
    // Two shared names, another year, no nationality: apart.
    check(vec![un("1968-04-11", Some("pk"), &aliases[..1]), csl.clone(), sdn.clone()], apart);
    check(vec![un("1969-04-11", Some("pk"), &aliases), csl.clone(), sdn.clone()], apart);
    check(vec![un("1968-04-11", None, &aliases), csl, sdn], apart);
}

mod properties {
    //! Linking on random records shaped like the lists': a partition of the records, and every
    //! join explained by a rule that holds for its pair.
    use super::super::*;
    use proptest::prelude::*;
    use ward_model::{DateSpec, Name};

    const DATASETS: [&str; 4] = ["us_ofac_sdn", "gb_hmt_sanctions", "un_sc_sanctions", "au_dfat_sanctions"];
    const NAMES: [&str; 5] = ["Ali Hassan", "Hassan Ali", "Wang Junzheng", "BORTNIKOV", "Viktor Bout"];
    const DATES: [&str; 6] = ["1951-11-15", "1951-11-16", "1951-11", "1951", "circa 1951", "1963-05-01"];
    const COUNTRIES: [&str; 3] = ["ru", "cn", "iq"];

    /// A random record: indexes into the pools above of its dataset, name, birth dates and
    /// nationality, and whether it is a person (else an organisation).
    type RecordSpec = (usize, usize, Vec<usize>, Option<usize>, bool);

    fn record() -> impl Strategy<Value = RecordSpec> {
        (
            0..DATASETS.len(),
            0..NAMES.len(),
            proptest::collection::vec(0..DATES.len(), 0..3),
            proptest::option::of(0..COUNTRIES.len()),
            proptest::bool::weighted(0.85),
        )
    }

    fn entities(records: &[RecordSpec]) -> Vec<Entity> {
        records
            .iter()
            .enumerate()
            .map(|(i, (dataset, name, dates, country, is_person))| {
                let schema = if *is_person { Schema::Person } else { Schema::Organization };
                let mut entity = Entity::new(DATASETS[*dataset], &i.to_string(), schema);
                entity.add_name(Name::new(NAMES[*name], NameKind::Primary));
                entity.birth_dates.extend(dates.iter().map(|d| DateSpec::parse(DATES[*d]).unwrap()));
                entity.nationalities.extend(country.map(|c| COUNTRIES[c].to_string()));
                entity
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn links_partition_the_records_and_every_join_has_its_reason(
            records in proptest::collection::vec(record(), 1..24)
        ) {
            let input = entities(&records);
            let by_id: HashMap<String, Entity> = input.iter().map(|e| (e.id.clone(), e.clone())).collect();
            let (subjects, reasons) = link_with_reasons(input);
            // Each record in exactly one subject.
            let mut seen: Vec<&str> = subjects.iter().flat_map(|s| s.referents()).collect();
            seen.sort_unstable();
            let mut expected: Vec<&str> = by_id.keys().map(String::as_str).collect();
            expected.sort_unstable();
            prop_assert_eq!(seen, expected);
            // Two records of one dataset share a subject only as one party listed twice.
            for subject in &subjects {
                for (x, a) in subject.records.iter().enumerate() {
                    for b in &subject.records[x + 1..] {
                        if a.dataset == b.dataset {
                            prop_assert!(same_party(a, b), "{} and {} joined", a.id, b.id);
                        }
                    }
                }
            }
            // Every join: the rule it names holds, never on a name alone, a partial date alone,
            // or across schemas.
            for (a, b, reason) in reasons {
                let (a, b) = (&by_id[&a], &by_id[&b]);
                match reason {
                    LinkReason::SameParty => prop_assert!(same_party(a, b)),
                    LinkReason::NameAndFullDate => {
                        prop_assert!(a.schema == b.schema && share_full_date(a, b), "{} {}", a.id, b.id);
                        prop_assert!(name_key(a.caption()).split(' ').count() >= MIN_FULL_NAME_WORDS);
                    }
                    LinkReason::NameAndFacts => {
                        prop_assert!(facts_compatible(a, b));
                        prop_assert!(!a.birth_dates.is_empty() || a.schema != Schema::Person);
                    }
                    LinkReason::SharedNames => prop_assert!(names_and_birth_year(a, b)),
                    other => prop_assert!(false, "{other:?} joined records that carry no such evidence"),
                }
                prop_assert_eq!(name_key(a.caption()), name_key(b.caption()));
            }
        }

        #[test]
        fn records_without_facts_never_join(
            records in proptest::collection::vec((0..DATASETS.len(), 0..NAMES.len()), 1..24)
        ) {
            let bare: Vec<_> = records.iter().map(|(d, n)| (*d, *n, Vec::new(), None, true)).collect();
            let subjects = link(entities(&bare));
            prop_assert_eq!(subjects.len(), bare.len());
        }
    }
}
