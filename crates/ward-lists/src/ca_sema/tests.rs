//! Tests of the Canada SEMA reader: both schema versions of the real list (counts, ids,
//! diagnostics, records field by field), the alias splitter, committed excerpts against their
//! golden files, and broken input.

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
    crate::parse_input(Format::CaSemaXml, &crate::Input { files: vec![source] })
}

fn entity<'a>(list: &'a ParsedList, record: &str) -> &'a Entity {
    list.entities.iter().find(|e| e.record_id == record).unwrap_or_else(|| panic!("no record {record}"))
}

/// (full, kind, lang, original script) of every name.
fn names(entity: &Entity) -> Vec<(&str, NameKind, Option<&str>, bool)> {
    entity.names.iter().map(|n| (n.full.as_str(), n.kind, n.lang.as_deref(), n.original_script)).collect()
}

fn check_list(
    rel: &str,
    persons: usize,
    organizations: usize,
    vessels: usize,
    diagnostics: &[&str],
    repeated_ids: &[&str],
) -> Option<ParsedList> {
    let list = parse_shared(rel)?;
    let count = |schema| list.entities.iter().filter(|e| e.schema == schema).count();
    assert_eq!(
        (count(Schema::Person), count(Schema::Organization), count(Schema::Vessel)),
        (persons, organizations, vessels),
        "{rel}"
    );
    assert_eq!(list.entities.len(), persons + organizations + vessels);
    let got: Vec<String> = list
        .diagnostics
        .iter()
        .map(|d| format!("{:?} {}: {}", d.severity, d.record.as_deref().unwrap_or("-"), d.message))
        .collect();
    assert_eq!(got, diagnostics, "{rel}");
    // Regime, kind and primary name identify every record but the persons listed twice under
    // one regime, whose later entry's id names its schedule and item.
    let mut ids: Vec<&str> = list.entities.iter().map(|e| e.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), list.entities.len(), "{rel}: record ids are unique");
    let repeated: Vec<&str> =
        list.entities.iter().map(|e| e.record_id.as_str()).filter(|id| id.contains('~')).collect();
    assert_eq!(repeated, repeated_ids, "{rel}");
    for e in &list.entities {
        let d = &e.designations[0];
        assert_eq!(d.programs.len(), 1, "{}", e.id);
        assert!(d.legal_basis.as_deref().is_some_and(|l| l.contains(", Item ")), "{}", e.id);
        let kind = if e.schema == Schema::Person { "/person/" } else { "/entity/" };
        assert!(e.record_id.contains(kind), "{}", e.id);
        assert!(!e.names.is_empty());
    }
    Some(list)
}

#[test]
fn list_of_2025_with_listing_dates_and_ships() {
    let Some(list) = check_list(
        "ca-sema/sema-lmes_2025-05.xml",
        3334,
        1316,
        109,
        &[
            "Warning ru/person/kirill-alekseevich-mordashov: date of birth \"Sep-99\" not understood; kept in notes",
            "Warning sd/person/abdelrahim-hamdan-dagalo: date of birth \"born in the early 1970s\" not understood; kept in notes",
        ],
        // MENYAILO is listed in Parts 1 and 1.1 of the Russia schedule (items 44 and 6).
        &["ru/person/sergey-ivanovich-menyailo~1-part-1.1/6"],
    ) else {
        return;
    };
    assert!(list.entities.iter().all(|e| e.designations[0].listed_on.is_some()));
    let latest = list.entities.iter().filter_map(|e| e.designations[0].listed_on.as_deref()).max();
    assert_eq!(latest, Some("2025-03-20"));
    let with_cyrillic = list.entities.iter().filter(|e| e.names.iter().any(|n| n.original_script)).count();
    assert!(with_cyrillic > 2000, "{with_cyrillic}");

    let bortnikov = entity(&list, "ru/person/denis-aleksandrovich-bortnikov");
    assert_eq!(bortnikov.id, "ca_dfatd_sema_sanctions:ru/person/denis-aleksandrovich-bortnikov");
    assert_eq!(bortnikov.schema, Schema::Person);
    assert_eq!(
        names(bortnikov),
        [
            ("Denis Aleksandrovich BORTNIKOV", NameKind::Primary, None, false),
            ("Денис Алекса́ндрoвич Бо́ртников", NameKind::Alias, None, true),
        ]
    );
    assert_eq!(bortnikov.names[0].parts.first.as_deref(), Some("Denis Aleksandrovich"));
    assert_eq!(bortnikov.names[0].parts.last.as_deref(), Some("BORTNIKOV"));
    assert_eq!(bortnikov.birth_dates.len(), 1);
    assert_eq!(bortnikov.birth_dates[0].to_string(), "1974");
    let d = &bortnikov.designations[0];
    assert_eq!(d.authority, "Global Affairs Canada");
    assert_eq!(d.dataset, "ca_dfatd_sema_sanctions");
    assert_eq!(d.programs, ["Russia"]);
    assert_eq!(d.listed_on.as_deref(), Some("2022-02-24"));
    assert_eq!(d.legal_basis.as_deref(), Some("Special Economic Measures Act, Schedule 1, Part 1, Item 485"));
    assert_eq!(d.record_id, "ru/person/denis-aleksandrovich-bortnikov");
    assert_eq!(d.un_reference, None);

    let mashadziyeu = entity(&list, "by/person/ruslan-khikmetavich-mashadziyeu");
    assert_eq!(
        names(mashadziyeu),
        [
            ("Ruslan Khikmetavich MASHADZIYEU", NameKind::Primary, None, false),
            ("Ruslan Khikmetavich MASHADZEOU", NameKind::Alias, None, false),
            ("Ruslan Chikmetovič MAŠADZEV", NameKind::Alias, None, false),
            ("Mashadiyev Ruslan Khikmetovich", NameKind::Alias, None, false),
            ("Ruslan Khikmetovich MASHADIYEV", NameKind::Alias, None, false),
            ("Руслан Хiкметовiч МАШАДЗЕЎ", NameKind::Alias, Some("bel"), true),
            ("Руслан Хикметович МАШАДИЕВ", NameKind::Alias, Some("rus"), true),
        ]
    );
    assert_eq!(mashadziyeu.designations[0].programs, ["Belarus"]);

    let shoigu = list.entities.iter().find(|e| e.caption() == "Sergei Kuzhugetovich SHOIGU").unwrap();
    assert_eq!(
        names(shoigu)[1..],
        [
            ("Сергей Кужугетович Шойгу", NameKind::Alias, None, true),
            ("Sergey Shoigu", NameKind::Alias, None, false),
            ("Sergey Shoygu", NameKind::Alias, None, false),
        ]
    );

    let ship = entity(&list, "ru/entity/balitiyskiy-iii");
    assert_eq!(ship.schema, Schema::Vessel);
    assert_eq!(ship.caption(), "Balitiyskiy III");
    assert_eq!(
        ship.identifiers,
        [Identifier { kind: IdKind::Imo, value: "7612448".into(), country: None, note: None }]
    );
    assert_eq!(ship.properties["type"], ["General Cargo / Multi Purpose"]);
    assert_eq!(ship.properties["buildDate"], ["1980"]);
    assert_eq!(
        ship.designations[0].legal_basis.as_deref(),
        Some("Special Economic Measures Act, Schedule 1.1, Item 1")
    );

    let maduro = list.entities.iter().find(|e| e.caption() == "Nicolás MADURO MOROS").unwrap();
    assert_eq!(maduro.record_id, "jvcfor/person/nicolás-maduro-moros");
    assert_eq!(
        maduro.designations[0].programs,
        ["Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)"]
    );
    assert_eq!(
        maduro.designations[0].legal_basis.as_deref(),
        Some("Justice for Victims of Corrupt Foreign Officials Regulations, Item 1")
    );
}

#[test]
fn list_of_2020_in_the_older_schema() {
    let Some(list) = check_list("ca-sema/sema-lmes_2020-04.xml", 985, 384, 0, &[], &[]) else { return };
    assert!(list.entities.iter().all(|e| e.designations[0].listed_on.is_none()));
    let irgc = entity(&list, "ir/entity/islamic-revolutionary-guard-corps");
    assert_eq!(irgc.caption(), "Islamic Revolutionary Guard Corps");
    assert_eq!(
        names(irgc)[1],
        ("Corps des Gardiens de la Révolution islamique", NameKind::Alias, Some("fra"), false)
    );
    assert!(irgc.names.iter().any(|n| n.full == "IRGC" && n.kind == NameKind::Alias));
    let dates: Vec<String> = list
        .entities
        .iter()
        .find(|e| e.caption() == "Mansour Othman ABAHUSSAIN")
        .unwrap()
        .birth_dates
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(dates, ["1972-08-10", "1972-08-11"]);
    let general = entity(&list, "sy/person/jumah-al-ahmad");
    assert_eq!(general.titles, ["Major General"]);
    let adanov = entity(&list, "sy/person/munir-adanov");
    assert_eq!(
        names(adanov)[..2],
        [("Munir Adanov", NameKind::Primary, None, false), ("Munir Adnuf", NameKind::Alias, None, false)]
    );
    assert_eq!(
        entity(&list, "ni/person/gustavo-eduardo-porras-cortes").caption(),
        "Gustavo Eduardo PORRAS Cortes"
    );
    // "Burma" here and "Myanmar (Burma)" in 2025 are one regime: the id holds its country code.
    assert_eq!(entity(&list, "mm/entity/air-bagan").designations[0].programs, ["Burma"]);
}

fn check_aliases(text: &str, person: bool, expect: &[(&str, Option<&str>)]) {
    let got: Vec<(String, Option<&str>)> =
        split_aliases(text, person).into_iter().map(|a| (a.text, a.lang)).collect();
    let expect: Vec<(String, Option<&str>)> = expect.iter().map(|(t, l)| (t.to_string(), *l)).collect();
    assert_eq!(got, expect, "{text:?}");
}

#[test]
fn aliases_as_the_list_writes_them() {
    check_aliases(
        "Air Bagan Holdings Pte. Ltd., Air Bagan Limited",
        false,
        &[("Air Bagan Holdings Pte. Ltd.", None), ("Air Bagan Limited", None)],
    );
    check_aliases(
        "Кирилл Мордашов; Kirill Mordashov,\nKirill  Mordashev",
        true,
        &[("Кирилл Мордашов", None), ("Kirill Mordashov", None), ("Kirill Mordashev", None)],
    );
    check_aliases(
        "Belarusian: Мікалай Лукашэнка; Russian\u{a0}: Николай Лукашенко, Коля Лукашенко, Kolya",
        true,
        &[
            ("Мікалай Лукашэнка", Some("bel")),
            ("Николай Лукашенко", Some("rus")),
            ("Коля Лукашенко", Some("rus")),
            ("Kolya", None),
        ],
    );
    // A comma inside a long Russian name, inside «quotes», and before a legal form.
    check_aliases(
        "Министерство образования, науки и молодежи Республики Крым",
        false,
        &[("Министерство образования, науки и молодежи Республики Крым", None)],
    );
    check_aliases(
        "«Добровольное общество содействия армии, авиации и флоту России», ДОСААФ",
        false,
        &[("«Добровольное общество содействия армии, авиации и флоту России»", None), ("ДОСААФ", None)],
    );
    check_aliases(
        "SSC RF Trinity, JSC; ГНЦ РФ Тринити, АО",
        false,
        &[("SSC RF Trinity, JSC", None), ("ГНЦ РФ Тринити, АО", None)],
    );
    // Alternatives, a label in mid-alias, "and" between people's names, a stray AKA.
    check_aliases(
        "Abdul Rahim Dagalo and Abdelrahim Mousa Arabic:عبدالرحيم دقلو",
        true,
        &[("Abdul Rahim Dagalo", None), ("Abdelrahim Mousa", None), ("عبدالرحيم دقلو", Some("ara"))],
    );
    check_aliases(
        "ЧБРР or Черноморский банк; also Andrey Ilnitsky",
        false,
        &[("ЧБРР", None), ("Черноморский банк", None), ("Andrey Ilnitsky", None)],
    );
    check_aliases("ינון לוי  LEVY, Yinon AKA", true, &[("ינון לוי LEVY", None), ("Yinon", None)]);
    check_aliases("Research and Production Company", false, &[("Research and Production Company", None)]);
    check_aliases(" , ;", false, &[]);
}

#[test]
fn record_ids() {
    assert_eq!(
        regime_slug("Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)"),
        "jvcfor"
    );
    assert_eq!(regime_slug("Myanmar (Burma)"), "mm");
    assert_eq!(regime_slug("Burma"), "mm");
    assert_eq!(regime_slug("Russia"), "ru");
    assert_eq!(regime_slug("Hamas Terrorist Attacks"), "hamas-terrorist-attacks");
    assert_eq!(slug(&normalize_schedule("1,Part 3")), "1-part-3");
    assert_eq!(slug(&normalize_schedule("1, Part 1.1")), "1-part-1.1");
    let list = parse_str(
        "<data-set><record><Country>Iran</Country><Entity>A Co</Entity><Schedule>1</Schedule><Item>7</Item></record>\
         <record><Country>Iran</Country><Entity>B Co</Entity><Schedule>1</Schedule><Item>7</Item></record>\
         <record><Country>Iran</Country><Entity>C Co</Entity></record>\
         <record><Country>Iran</Country><Item>8</Item></record>\
         <record><Country>Iran</Country><LastName>DOE</LastName><GivenName>John</GivenName><Schedule>1</Schedule><Item>10</Item></record>\
         <record><Country>Iran</Country><LastName>Doe</LastName><GivenName>John</GivenName><Schedule>1, Part 2</Schedule><Item>3</Item></record>\
         <record><Country>Iran</Country><Entity>D</Entity><Item>9</Item><Vessel>x</Vessel></record></data-set>",
    )
    .unwrap();
    let ids: Vec<&str> = list.entities.iter().map(|e| e.record_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "ir/entity/a-co",
            "ir/entity/b-co",
            "ir/person/john-doe",
            "ir/person/john-doe~1-part-2/3",
            "ir/entity/d"
        ]
    );
    let got: Vec<(Severity, Option<&str>, &str)> =
        list.diagnostics.iter().map(|d| (d.severity, d.record.as_deref(), d.message.as_str())).collect();
    assert_eq!(
        got,
        [
            (
                Severity::Error,
                None,
                "record without Country or Item: it cannot be identified; record skipped"
            ),
            (
                Severity::Error,
                Some("ir/8"),
                "record without a name (GivenName, LastName or EntityOrShip); record skipped"
            ),
            (Severity::Warning, None, "fields not read (a newer schema?): Vessel (1 records)"),
        ]
    );
}

#[test]
fn golden_excerpts() {
    for name in ["sema-lmes_2020-04_excerpt", "sema-lmes_2025-05_excerpt"] {
        let bytes = testing::fixture(&format!("ca-sema/{name}.xml"));
        let list = crate::parse_bytes(&format!("{name}.xml"), bytes).unwrap();
        assert_eq!(list.format, "ca_sema_xml");
        testing::golden(&format!("lists/ca-sema/{name}.expected.json"), &testing::to_golden_json(&list));
    }
}

#[test]
fn broken_files_are_errors() {
    let err = parse_str("<data-set><record><Country>Iran</Country>").unwrap_err();
    assert!(err.to_string().contains("test.xml"), "{err}");
    let err = parse_str("<export><record/></export>").unwrap_err();
    assert!(err.to_string().contains("expected <data-set>"), "{err}");
}

/// Truncates an excerpt at many points and flips bytes: the reader may fail, never panic.
#[test]
fn mutated_input_never_panics() {
    testing::cut_and_flip_never_panics(
        "ca-sema/sema-lmes_2025-05_excerpt.xml",
        Format::CaSemaXml,
        37,
        0xca5e,
    );
    // Splitters on arbitrary text, cut at every character.
    let aliases = "Belarusian: Мікалай, «Лукашэнка, or» \"x, y\" Russian:; Arabic :عبد and LLC, ,";
    for (i, _) in aliases.char_indices() {
        let _ = split_aliases(&aliases[..i], true);
        let _ = split_labels(&aliases[i..]);
    }
}
