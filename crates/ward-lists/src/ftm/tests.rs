//! Tests of the `FtM` reader and writer: OpenSanctions/yente files, deltas, the export round trip,
//! broken input.

use super::*;
use crate::eu_fsf::tests::mutate;
use crate::testing::{fixture, golden, shared_list, to_golden_json};
use crate::Source;
use serde_json::json;
use ward_model::{Severity, Subject};

fn read(name: &str, bytes: Vec<u8>) -> Result<ParsedList> {
    super::parse(&Input { files: vec![Source { name: name.to_string(), bytes }] })
}

fn shared(rel: &str) -> Option<ParsedList> {
    let path = shared_list(rel)?;
    let list = crate::read_path(&path).unwrap().remove(0);
    assert_eq!(list.format, "ftm_json");
    Some(list)
}

fn entity<'a>(list: &'a ParsedList, id: &str) -> &'a Entity {
    list.entities.iter().find(|e| e.record_id == id).unwrap_or_else(|| panic!("no record {id}"))
}

fn count_schema(list: &ParsedList, schema: Schema) -> usize {
    list.entities.iter().filter(|e| e.schema == schema).count()
}

fn messages(list: &ParsedList) -> Vec<String> {
    list.diagnostics.iter().map(|d| d.to_string()).collect()
}

#[test]
fn yente_t1() {
    let Some(list) = shared("opensanctions-ftm/yente_t1_entities.ftm.json") else {
        return;
    };
    assert_eq!(list.dataset, "eu_fsf");
    assert!(!list.meta.delta);
    assert_eq!(
        (count_schema(&list, Schema::Person), count_schema(&list, Schema::Organization), list.entities.len()),
        (4, 2, 6)
    );
    // The excerpt leaves out the addresses two organisations cite.
    let got = messages(&list);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got.iter().all(|m| m.contains("addressEntity addr-") && m.contains("not in the file")),
        "{got:?}"
    );

    let tobacco = entity(&list, "NK-2GdmHtZTeNXjNVrBGEXZNj");
    assert_eq!(tobacco.id, "eu_fsf:NK-2GdmHtZTeNXjNVrBGEXZNj");
    assert_eq!(tobacco.caption(), "RAB „Inter Tobacco“");
    assert_eq!(tobacco.names.len(), 12);
    assert!(tobacco.names.iter().skip(1).all(|n| n.kind == NameKind::Alias));
    let cyrillic: Vec<&str> =
        tobacco.names.iter().filter(|n| n.original_script).map(|n| n.full.as_str()).collect();
    assert_eq!(cyrillic.len(), 4, "{cyrillic:?}");
    assert_eq!(tobacco.countries, ["by"]);
    assert_eq!(tobacco.identifiers[0].kind, IdKind::Registration);
    assert_eq!(tobacco.identifiers[0].value, "808000714");
    assert_eq!(tobacco.properties["referents"].len(), 9);
    assert!(tobacco.properties["referents"].contains(&"eu-fsf-eu-8282-49".to_string()));
    assert_eq!(tobacco.designations[0].authority, "European Commission");
    assert_eq!(tobacco.designations[0].dataset, "eu_fsf");

    let kuzmenko = entity(&list, "NK-2Ka3UvopqbpZmVDFjWd4LA");
    assert_eq!(kuzmenko.caption(), "Vitaly Yurievich KUZMENKO");
    assert_eq!(kuzmenko.birth_dates[0].to_string(), "1971-01-22");
    assert_eq!(kuzmenko.gender, Some(Gender::Male));
    assert_eq!(kuzmenko.nationalities, ["ru"]);
    assert_eq!(kuzmenko.positions, ["General Director of JSC 163 Armor Repair Plant"]);
    assert_eq!(
        (kuzmenko.identifiers[0].kind.clone(), kuzmenko.identifiers[0].value.as_str()),
        (IdKind::TaxId, "366510784303")
    );
    // Several first and last names: no parts, the values stay as properties.
    assert!(kuzmenko.names[0].parts.is_empty());
    assert_eq!(kuzmenko.properties["lastName"].len(), 3);

    let soyko = entity(&list, "NK-2Myxbs6wX9xFKGoQn3sLaY");
    assert_eq!(soyko.titles, ["Colonel"]);
    assert_eq!(soyko.birth_places, ["BELARUS, Komsomolskaya"]);
}

#[test]
fn yente_zala() {
    let Some(list) = shared("opensanctions-ftm/yente_zala_entities.ftm.json") else {
        return;
    };
    assert_eq!(list.dataset, "opensanctions");
    assert_eq!(
        (count_schema(&list, Schema::Person), count_schema(&list, Schema::Company), list.entities.len()),
        (6, 11, 17)
    );
    assert!(list.diagnostics.iter().all(|d| d.severity == Severity::Warning), "{:?}", messages(&list));
    assert!(list.diagnostics.iter().all(|d| d.message.contains("addressEntity")), "{:?}", messages(&list));
    // All 41 Sanction entities designate a thing of the file; things with the sanction topic
    // whose Sanction entities the excerpt lacks get one per sanctions dataset Ward knows.
    let from_sanctions = |e: &Entity| e.designations.iter().filter(|d| d.record_id != e.record_id).count();
    assert_eq!(list.entities.iter().map(from_sanctions).sum::<usize>(), 41);
    let synthesized: Vec<&Entity> =
        list.entities.iter().filter(|e| from_sanctions(e) == 0 && !e.designations.is_empty()).collect();
    assert_eq!(synthesized.len(), 11);
    assert!(synthesized.iter().all(|e| e.properties["topics"].contains(&"sanction".to_string())));
    let kalashnikov = entity(&list, "NK-nR5AXM9AVPq4pQaSPSaVam");
    let by: Vec<&str> = kalashnikov.designations.iter().map(|d| d.dataset.as_str()).collect();
    assert_eq!(
        by,
        [
            "ca_dfatd_sema_sanctions",
            "au_dfat_sanctions",
            "us_trade_csl",
            "us_ofac_sdn",
            "gb_fcdo_sanctions",
            "eu_fsf",
            "ch_seco_sanctions"
        ]
    );
    assert_eq!(kalashnikov.designations[3].authority, "US Treasury Office of Foreign Assets Control");
    let ua = entity(&list, "NK-cPks3aTbes8k4aCerfBAzN");
    assert_eq!(ua.designations.len(), 1);
    assert_eq!(
        (ua.designations[0].dataset.as_str(), ua.designations[0].programs.len()),
        ("ua_nsdc_sanctions", 3)
    );

    let person =
        list.entities.iter().find(|e| e.identifiers.iter().any(|i| i.value == "183111242572")).unwrap();
    assert_eq!(person.caption(), "Svetlana Nikolaevna Zakharova");
    assert_eq!(person.birth_dates[0].to_string(), "1964-03-18");
    assert!(person
        .names
        .iter()
        .any(|n| n.full == "Svetlana Nikolayevna Moskvina" && n.kind == NameKind::Alias));
    assert_eq!(
        person.identifiers.iter().find(|i| i.value == "183111242572").unwrap().note.as_deref(),
        Some("innCode")
    );
    assert!(person.properties["datasets"].len() > 1);

    let designated = list
        .entities
        .iter()
        .find(|e| e.designations.iter().any(|d| d.authority == "Department of Foreign Affairs and Trade"))
        .unwrap();
    let dfat = designated.designations.iter().find(|d| d.dataset == "au_dfat_sanctions").unwrap();
    assert_eq!(dfat.programs, ["AU-RUSSIA", "Autonomous (Russia)"]);
    assert_eq!(dfat.listed_on.as_deref(), Some("2023-02-24"));
    assert!(dfat.legal_basis.as_deref().unwrap().starts_with("Autonomous Sanctions (Designated Persons"));
    let be = designated.designations.iter().find(|d| d.dataset == "be_fod_sanctions").unwrap();
    assert_eq!(be.listed_on.as_deref(), Some("2023-12-18"));
    assert_eq!(be.reason.as_deref(), Some("2023/2875 (OJ L18122023); 2025/527 (OJ L202500527)"));
    assert!(designated.properties["sourceUrl"].iter().any(|u| u.contains("dfat.gov.au")));
    assert!(designated
        .links
        .iter()
        .any(|l| l.kind == LinkKind::OwnedBy && l.description.as_deref() == Some("owner: subsidiary of")));

    // The Passport entity names only its holder (no number): nothing to add.
    // Family, Directorship and Ownership become links on both parties.
    let links: usize = list.entities.iter().map(|e| e.links.len()).sum();
    assert!(links >= 2 * 4 + 2 * 3, "{links}");
    let family = list.entities.iter().flat_map(|e| &e.links).filter(|l| l.kind == LinkKind::Family).count();
    assert!(family >= 4, "{family}");
}

#[test]
fn sa_wiki_peps() {
    let Some(list) = shared("opensanctions-ftm/sa_wiki_peps_2024-03-13_entities.ftm.json") else {
        return;
    };
    assert_eq!(list.dataset, "sa_wiki_peps_v2");
    assert_eq!(list.entities.len(), 615);
    assert_eq!(list.diagnostics.len(), 0, "{:?}", &messages(&list)[..messages(&list).len().min(5)]);
    // Each Family entity links both relatives.
    assert_eq!(list.entities.iter().map(|e| e.links.len()).sum::<usize>(), 2 * 764);
    let yusuf = entity(&list, "Q100158039");
    assert_eq!(yusuf.caption(), "Yusuf");
    assert_eq!(yusuf.names[1].full, "Yusuf ibn Rashed Al Sheikh Mubarak");
    assert_eq!(yusuf.names.iter().filter(|n| n.original_script).count(), 4);
    assert_eq!(yusuf.names[0].parts.first.as_deref(), Some("Yusuf"));
    assert_eq!(yusuf.birth_dates[0].to_string(), "1900-12-21");
    assert_eq!(yusuf.nationalities, ["sa"]);
    assert_eq!(yusuf.links[0].target_id.as_deref(), Some("sa_wiki_peps_v2:Q100165767"));
    assert_eq!(yusuf.links[0].description.as_deref(), Some("person: sibling"));
    assert!(yusuf.designations.is_empty());
    assert_eq!(yusuf.properties["wikidataId"], ["Q100158039"]);
}

#[test]
fn yente_deltas() {
    let Some(list) = shared("opensanctions-ftm/yente_t2_deltas/20240528014702-pfh.entities.delta.json")
    else {
        return;
    };
    assert!(list.meta.delta);
    assert!(list.meta.removed.is_empty());
    assert_eq!(list.dataset, "opensanctions");
    assert_eq!(list.entities.len(), 2);
    assert_eq!(list.diagnostics.len(), 1, "the cited address is not in the delta");
    assert_eq!(entity(&list, "NK-2T3S8Hu29ktYnKSTgQp2wL").caption(), "Foobar Foobargroup");
    // `"name": [""]`: the caption, also an alias, is the primary name.
    let poltergeist = entity(&list, "NK-500Poltergeist");
    assert_eq!(poltergeist.names[0].full, "AL-QAIDA IN IRAQ");
    assert_eq!(poltergeist.names[0].kind, NameKind::Primary);
    assert_eq!(poltergeist.names.iter().filter(|n| n.full == "AL-QAIDA IN IRAQ").count(), 1);
    let Some(list) = shared("opensanctions-ftm/yente_t2_deltas/20240527194702-wnk.entities.delta.json")
    else {
        return;
    };
    assert_eq!(list.entities.len(), 2);
    assert!(list.diagnostics.is_empty(), "{:?}", messages(&list));
    let agha = entity(&list, "NK-2sJaJRaPJcWUfMbHjTtWcL");
    assert_eq!(agha.caption(), "Janan Agha");
    assert!(agha.names.iter().any(|n| n.full == "ジャナン・アガ" && n.original_script));
    let Some(list) = shared("opensanctions-ftm/yente_t2_deltas/20240528134729-3iv.entities.delta.json")
    else {
        return;
    };
    assert_eq!(list.dataset, "eu_fsf");
    assert_eq!(list.entities[0].id, "eu_fsf:Q4365364");
    assert!(list.diagnostics.is_empty(), "{:?}", messages(&list));
}

#[test]
fn delete_lines() {
    let lines = concat!(
        r#"{"op": "ADD", "entity": {"id": "a", "schema": "Person", "properties": {"name": ["A"]}, "datasets": ["x"]}}"#,
        "\n",
        r#"{"op": "ADD", "entity": {"id": "b", "schema": "Person", "properties": {"name": ["B"]}, "datasets": ["x"]}}"#,
        "\n",
        r#"{"op": "DEL", "entity": {"id": "b"}}"#,
        "\n",
        r#"{"op": "DEL", "entity": {"id": "c"}}"#,
        "\n",
    );
    let list = read("d.delta.json", lines.as_bytes().to_vec()).unwrap();
    assert!(list.meta.delta);
    assert_eq!(list.meta.removed, ["b", "c"]);
    assert_eq!(list.entities.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["x:a"]);
}

#[test]
fn golden_excerpts() {
    let list = read("yente_t1_entities.ftm.json", fixture("ftm/yente_t1_entities.ftm.json")).unwrap();
    golden("lists/ftm/yente_t1_entities.expected.json", &to_golden_json(&list));
    let list =
        read("20240528014702-pfh.entities.delta.json", fixture("ftm/20240528014702-pfh.entities.delta.json"))
            .unwrap();
    golden("lists/ftm/20240528014702-pfh.expected.json", &to_golden_json(&list));
}

/// What must survive an export and a re-read: id, names with kinds, dates, countries.
type Summary = (String, Vec<(String, NameKind)>, Vec<String>, Vec<String>, Vec<String>);

fn summary(entity: &Entity) -> Summary {
    let mut names: Vec<(String, NameKind)> = entity.names.iter().map(|n| (n.full.clone(), n.kind)).collect();
    names.sort();
    (
        entity.id.clone(),
        names,
        entity.birth_dates.iter().map(|d| d.to_string()).collect(),
        entity.nationalities.iter().chain(&entity.citizenships).cloned().collect(),
        entity.countries.clone(),
    )
}

#[test]
fn export_round_trip() {
    let list = read("t1.json", fixture("ftm/yente_t1_entities.ftm.json")).unwrap();
    let subjects: Vec<Subject> =
        list.entities.iter().map(|e| Subject { id: e.id.clone(), records: vec![e.clone()] }).collect();
    let mut out = Vec::new();
    write_ftm_lines(subjects.iter(), &mut out).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    // Each of the 6 things is followed by the Sanction entity of its designation.
    assert_eq!(text.lines().count(), 12);
    let again = crate::parse_bytes("export.json", out).unwrap();
    assert_eq!(again.dataset, "eu_fsf");
    assert_eq!(
        again.entities.iter().map(summary).collect::<Vec<_>>(),
        list.entities.iter().map(summary).collect::<Vec<_>>()
    );
    for (a, b) in again.entities.iter().zip(&list.entities) {
        assert_eq!(a.caption(), b.caption());
        assert_eq!(a.identifiers, b.identifiers);
        assert_eq!(a.positions, b.positions);
        // The export lists every record's own id among the referents too.
        let own_dropped: Vec<&String> = a.properties["referents"].iter().filter(|r| **r != a.id).collect();
        assert_eq!(own_dropped, b.properties["referents"].iter().collect::<Vec<_>>());
    }

    let value = entity_to_ftm(&subjects[1]);
    assert_eq!(value["id"], "eu_fsf:NK-2Ka3UvopqbpZmVDFjWd4LA");
    assert_eq!(value["schema"], "Person");
    assert_eq!(value["caption"], "Vitaly Yurievich KUZMENKO");
    assert_eq!(value["properties"]["name"], json!(["Vitaly Yurievich KUZMENKO"]));
    assert_eq!(value["properties"]["alias"], json!(["Vitalij Kuzmenko", "Виталий Юрьевич КУЗЬМЕНКО"]));
    assert_eq!(value["properties"]["taxNumber"], json!(["366510784303"]));
    assert_eq!(value["properties"]["topics"], json!(["sanction"]));
    assert_eq!(value["datasets"], json!(["eu_fsf"]));
    assert_eq!(value["target"], true);
    assert!(value.get("first_seen").is_none());
}

#[test]
fn export_merges_records() {
    let mut un = Entity::new("un_sc_sanctions", "QDi.001", Schema::Person);
    un.names.push(Name::new("Ayman al-Zawahiri", NameKind::Primary));
    un.names.push(Name::new("Abu Muhammad", NameKind::Weak));
    un.birth_dates.push(DateSpec::parse("1951-06-19").unwrap());
    un.nationalities.push("eg".into());
    un.add_identifier(Identifier::from_label("Passport", "1084010", Some("eg")));
    un.designations.push(Designation { programs: vec!["1267".into()], ..Designation::default() });
    let mut ofac = Entity::new("us_ofac_sdn", "6366", Schema::Person);
    ofac.names.push(Name::new("AL-ZAWAHIRI, Ayman", NameKind::Primary));
    ofac.names.push(Name::new("Abu Muhammad", NameKind::Alias));
    ofac.names.push(Name::new("Ayman al-Zawahiri", NameKind::Alias));
    ofac.birth_dates.push(DateSpec::parse("1951-06-19").unwrap());
    ofac.birth_dates.push(DateSpec::parse("1950 to 1952").unwrap());
    ofac.addresses.push(Address { full: "Afghanistan".into(), city: None, country: Some("af".into()) });
    ofac.designations.push(Designation { programs: vec!["SDGT".into()], ..Designation::default() });
    ofac.add_property("website", "example.org");
    let subject = Subject { id: un.id.clone(), records: vec![un, ofac] };
    let value = entity_to_ftm(&subject);
    let props = &value["properties"];
    assert_eq!(props["name"], json!(["Ayman al-Zawahiri"]));
    assert_eq!(props["alias"], json!(["AL-ZAWAHIRI, Ayman", "Abu Muhammad"]));
    assert!(props.get("weakAlias").is_none(), "a weak alias that is strong elsewhere is strong");
    assert_eq!(props["birthDate"], json!(["1951-06-19", "1950", "1951", "1952"]));
    assert_eq!(props["nationality"], json!(["eg"]));
    assert_eq!(props["passportNumber"], json!(["1084010"]));
    assert_eq!(props["address"], json!(["Afghanistan"]));
    assert_eq!(props["program"], json!(["1267", "SDGT"]));
    assert_eq!(props["topics"], json!(["sanction"]));
    assert_eq!(props["website"], json!(["example.org"]));
    assert_eq!(value["datasets"], json!(["un_sc_sanctions", "us_ofac_sdn"]));
    assert_eq!(value["referents"], json!(["un_sc_sanctions:QDi.001", "us_ofac_sdn:6366"]));
}

#[test]
fn bad_lines() {
    let lines = concat!(
        r#"{"id": "a", "schema": "Person", "properties": {"name": ["A"], "birthDate": ["sometime"], "nationality": ["narnia"]}}"#,
        "\n",
        "{not json\n",
        "[1, 2]\n",
        r#"{"id": "b", "schema": "Spaceship", "properties": {}}"#,
        "\n",
        r#"{"id": "c", "schema": "Payment", "properties": {}}"#,
        "\n",
        r#"{"id": "w", "schema": "CryptoWallet", "properties": {"publicKey": ["bc1qxy2k"], "currency": ["XBT"], "holder": ["a"]}}"#,
        "\n",
        r#"{"schema": "Person"}"#,
        "\n",
        r#"{"op": "FOO", "entity": {}}"#,
        "\n",
    );
    let list = read("bad.json", lines.as_bytes().to_vec()).unwrap();
    assert_eq!(list.entities.len(), 1);
    assert_eq!(list.entities[0].notes, ["birthDate: sometime"]);
    let wallet = &list.entities[0].identifiers[0];
    assert_eq!(
        (wallet.kind.clone(), wallet.value.as_str(), wallet.note.as_deref()),
        (IdKind::CryptoWallet, "bc1qxy2k", Some("XBT"))
    );
    let got = messages(&list);
    let expect = [
        "warning: bad.json, line 1, record a: birthDate \"sometime\"",
        "warning: bad.json, line 1, record a: nationality \"narnia\"",
        "error: bad.json, line 2: not a JSON object",
        "error: bad.json, line 3: a JSON value that is not an object",
        "warning: bad.json, line 4, record b: schema \"Spaceship\"",
        "error: bad.json, line 7: an entity without \"id\"",
        "error: bad.json, line 8: delta op \"FOO\"",
    ];
    assert_eq!(got.len(), expect.len(), "{got:?}");
    for (got, expect) in got.iter().zip(expect) {
        assert!(got.starts_with(expect), "{got:?} should start with {expect:?}");
    }
}

#[test]
fn broken_files_are_errors() {
    let bytes = fixture("ftm/yente_t1_entities.ftm.json");
    let err = read("t1.json", bytes[..bytes.len() - 100].to_vec()).unwrap_err();
    assert!(err.to_string().contains("line 7 ends before its JSON object closes: truncated file"), "{err}");
    let err = read("x.json", b"{\"a\": 1}\n\n".to_vec()).unwrap_err();
    assert!(err.to_string().contains("none of its 1 non-empty lines is an FtM entity"), "{err}");
}

#[test]
fn mutations_never_panic() {
    for name in ["ftm/yente_t1_entities.ftm.json", "ftm/20240528014702-pfh.entities.delta.json"] {
        mutate(&fixture(name), |b| {
            let _ = read("m.json", b);
        });
    }
}
