//! Tests of the `FtM` writer: every exported entity is valid `FtM` (each property one that `FtM` has
//! on that schema, no reverse property, every reference to an exported entity), on the
//! excerpts, on crafted subjects with the facts `FtM` keeps elsewhere, and on the real OFAC lists.

use super::write_ftm_lines;
use crate::testing::{repo_root, shared_list};
use serde_json::{json, Value};
use ward_model::{Address, Designation, Entity, IdKind, Identifier, Name, NameKind, Schema, Subject};

/// The value properties `FtM` (followthemoney 4.9, which yente 5.5 installs) has on each schema
/// Ward writes: `Schema.properties` less the reverse (stub) ones. `scripts/validate_ftm.py`
/// checks the same against the installed followthemoney in CI.
#[rustfmt::skip]
const FTM_PROPERTIES: &[(&str, &str)] = &[
    (
        "Person",
        "abbreviation address addressEntity alephUrl alias appearance biography birthCountry birthDate \
         birthPlace brightQueryId brightQueryOrgId bvdId citizenship classification country createdAt \
         deathDate description dissolutionDate dunsCode education email ethnicity eyeColor fatherName \
         firstName gender hairColor height icijId idNumber incorporationDate indexText innCode \
         jurisdiction keywords lastName legalForm leiCode licenseNumber mainCountry middleName modifiedAt \
         motherName name nameSuffix nationality notes npiCode ogrnCode okpoCode okvedCode \
         opencorporatesUrl parent passportNumber phone political position previousName profession program \
         programId proof publisher publisherUrl registrationNumber religion retrievedAt riskSource \
         sayariId secondName sector socialSecurityNumber sourceUrl spokenLanguage status summary swiftBic \
         taxNumber taxStatus title topics uniqueEntityId uscCode vatCode weakAlias website weight \
         wikidataId wikipediaUrl",
    ),
    (
        "Organization",
        "abbreviation address addressEntity alephUrl alias brightQueryId brightQueryOrgId bvdId cageCode \
         classification country createdAt description dissolutionDate dunsCode email giiNumber icijId \
         idNumber imoNumber incorporationDate indexText innCode jurisdiction keywords legalForm leiCode \
         licenseNumber mainCountry modifiedAt name notes npiCode ogrnCode okpoCode okvedCode \
         opencorporatesUrl parent permId phone previousName program programId proof publisher \
         publisherUrl registrationNumber retrievedAt riskSource sayariId sector sourceUrl status summary \
         swiftBic taxNumber taxStatus topics uniqueEntityId uscCode vatCode weakAlias website wikidataId \
         wikipediaUrl",
    ),
    (
        "Company",
        "abbreviation address addressEntity alephUrl alias amount amountEur amountUsd bikCode \
         brightQueryId brightQueryOrgId bvdId caemCode cageCode capital cikCode classification coatoCode \
         country createdAt currency description dissolutionDate dunsCode email fnsCode fssCode giiNumber \
         icijId idNumber imoNumber incorporationDate indexText innCode ipoCode irsCode isinCode jibCode \
         jurisdiction keywords kppCode legalForm leiCode licenseNumber mainCountry mbsCode modifiedAt \
         name notes npiCode ogrnCode okopfCode okpoCode oksmCode okvedCode opencorporatesUrl parent \
         permId pfrNumber phone previousName program programId proof publisher publisherUrl \
         registrationNumber retrievedAt ricCode riskSource sayariId sector sourceUrl status summary \
         swiftBic taxNumber taxStatus ticker topics uniqueEntityId uscCode vatCode voenCode weakAlias \
         website wikidataId wikipediaUrl",
    ),
    (
        "LegalEntity",
        "abbreviation address addressEntity alephUrl alias brightQueryId brightQueryOrgId bvdId \
         classification country createdAt description dissolutionDate dunsCode email icijId idNumber \
         incorporationDate indexText innCode jurisdiction keywords legalForm leiCode licenseNumber \
         mainCountry modifiedAt name notes npiCode ogrnCode okpoCode okvedCode opencorporatesUrl parent \
         phone previousName program programId proof publisher publisherUrl registrationNumber retrievedAt \
         riskSource sayariId sector sourceUrl status summary swiftBic taxNumber taxStatus topics \
         uniqueEntityId uscCode vatCode weakAlias website wikidataId wikipediaUrl",
    ),
    (
        "Vessel",
        "address addressEntity alephUrl alias amount amountEur amountUsd buildDate callSign country \
         createdAt crsNumber currency deadweightTonnage deregistrationDate description flag \
         grossRegisteredTonnage imoNumber indexText keywords mmsi model modifiedAt name nameChangeDate \
         navigationArea notes operator owner pastFlags pastTypes previousName program programId proof \
         publisher publisherUrl registrationDate registrationNumber registrationPort retrievedAt \
         riskSource sourceUrl summary tonnage topics type weakAlias wikidataId wikipediaUrl",
    ),
    (
        "Airplane",
        "address addressEntity alephUrl alias amount amountEur amountUsd buildDate country createdAt \
         currency deregistrationDate description icaoCode indexText keywords manufacturer model \
         modifiedAt name notes operator owner previousName program programId proof publisher publisherUrl \
         registrationDate registrationNumber retrievedAt riskSource serialNumber sourceUrl summary topics \
         type weakAlias wikidataId wikipediaUrl",
    ),
    (
        "CryptoWallet",
        "accountId address addressEntity alephUrl alias amount amountEur amountUsd balance balanceDate \
         blockchain country createdAt creationDate cryptoAddress currency currencySymbol custodyType \
         description holder indexText keywords managingExchange modifiedAt name notes previousName \
         privateKey program programId proof publicKey publisher publisherUrl retrievedAt riskSource \
         sourceUrl summary topics weakAlias wikidataId wikipediaUrl",
    ),
    (
        "Identification",
        "alephUrl authority country date description endDate holder indexText modifiedAt namesMentioned \
         number proof publisher publisherUrl recordId retrievedAt sourceUrl startDate summary type",
    ),
    (
        "Sanction",
        "alephUrl authority authorityId country date description duration endDate entity indexText \
         listingDate modifiedAt namesMentioned program programId programUrl proof provisions publisher \
         publisherUrl reason recordId retrievedAt sourceUrl startDate status summary unscId",
    ),
];

/// Reverse properties of `FtM` on these schemata (a few): `FtM` derives them from the entity that
/// points the other way, and yente's indexer aborts on them.
const REVERSE: &[&str] = &[
    "cryptoWallets",
    "identification",
    "sanctions",
    "ownedVehicles",
    "operatedVehicles",
    "ownershipOwner",
    "ownershipAsset",
    "associates",
    "familyPerson",
    "directorshipDirector",
];

/// Properties that hold the id of another entity.
const REFERENCES: &[&str] = &["holder", "entity", "owner", "operator"];

/// Writes the subjects and checks every line; returns the entities written.
fn check_export(subjects: &[Subject]) -> Vec<Value> {
    let mut out = Vec::new();
    write_ftm_lines(subjects.iter(), &mut out).unwrap();
    let entities: Vec<Value> =
        String::from_utf8(out).unwrap().lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    let mut ids: Vec<&str> = entities.iter().map(|e| e["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "an id is written twice");
    for entity in &entities {
        let id = entity["id"].as_str().unwrap();
        let schema = entity["schema"].as_str().unwrap();
        let allowed = FTM_PROPERTIES
            .iter()
            .find(|(name, _)| *name == schema)
            .unwrap_or_else(|| panic!("{id}: schema {schema} is not in the table"))
            .1;
        for (property, values) in entity["properties"].as_object().unwrap() {
            assert!(!REVERSE.contains(&property.as_str()), "{id}: reverse property {property}");
            assert!(
                allowed.split_whitespace().any(|p| p == property),
                "{id}: {schema} has no property {property}"
            );
            let values = values.as_array().unwrap();
            assert!(
                !values.is_empty() && values.iter().all(Value::is_string),
                "{id}: {property}: {values:?}"
            );
            if REFERENCES.contains(&property.as_str()) {
                for target in values {
                    let target = target.as_str().unwrap();
                    assert!(ids.binary_search(&target).is_ok(), "{id}: {property} {target} is not written");
                }
            }
        }
    }
    entities
}

fn of_schema<'a>(entities: &'a [Value], schema: &str) -> Vec<&'a Value> {
    entities.iter().filter(|e| e["schema"] == schema).collect()
}

fn subject(records: Vec<Entity>) -> Subject {
    Subject { id: records[0].id.clone(), records }
}

#[test]
fn excerpts_export_valid_ftm() {
    let mut written = std::collections::BTreeMap::<String, usize>::new();
    for unit in crate::list_units(&repo_root().join("testdata/lists")).unwrap() {
        let name = unit.to_string_lossy();
        if name.ends_with(".expected.json") || name.contains("regressions") {
            continue;
        }
        let list = crate::read_unit(&unit).unwrap_or_else(|e| panic!("{name}: {e}"));
        for entity in check_export(&crate::link::link(list.entities)) {
            *written.entry(entity["schema"].as_str().unwrap().to_string()).or_default() += 1;
        }
    }
    // Every kind of entity the writer makes is met (the OFAC CSV excerpt has wallet addresses).
    for schema in ["Person", "Organization", "Vessel", "Airplane", "Sanction", "CryptoWallet"] {
        assert!(written.get(schema).is_some_and(|n| *n > 0), "no {schema} written: {written:?}");
    }
}

/// A record with one designation.
fn designated(dataset: &str, record_id: &str, schema: Schema) -> Entity {
    let mut entity = Entity::new(dataset, record_id, schema);
    entity.names.push(Name::new("Test Name", NameKind::Primary));
    entity.designations.push(Designation {
        authority: "Authority".into(),
        dataset: dataset.into(),
        programs: vec!["PROGRAM".into()],
        record_id: record_id.into(),
        ..Designation::default()
    });
    entity
}

#[test]
fn wallets_are_wallet_entities() {
    let mut person = designated("us_ofac_sdn", "25308", Schema::Person);
    for (label, value) in
        [("Digital Currency Address - XBT", "12QtD5BF"), ("Digital Currency Address - ETH", "0x7F36")]
    {
        person.add_identifier(Identifier::from_label(label, value, None));
    }
    let entities = check_export(&[subject(vec![person])]);
    assert!(entities[0]["properties"].get("cryptoWallets").is_none());
    let wallets: Vec<(&Value, &Value, &Value)> = of_schema(&entities, "CryptoWallet")
        .iter()
        .map(|w| {
            (&w["properties"]["holder"][0], &w["properties"]["publicKey"][0], &w["properties"]["currency"][0])
        })
        .collect();
    assert_eq!(
        wallets,
        [
            (&json!("us_ofac_sdn:25308"), &json!("12QtD5BF"), &json!("XBT")),
            (&json!("us_ofac_sdn:25308"), &json!("0x7F36"), &json!("ETH"))
        ]
    );
}

/// Where each of Ward's facts that `FtM` has no property for on the thing ends up.
#[test]
fn facts_without_a_property_go_beside() {
    let mut csl = designated("us_trade_csl", "6924", Schema::Person);
    csl.designations[0].list = Some("Specially Designated Nationals (SDN) - Treasury Department".into());
    csl.add_property("cslSource", "SDN");
    csl.add_property("ofacEntNum", "6924");
    csl.add_identifier(Identifier::from_label("Serial No.", "201735161", None));
    csl.add_identifier(Identifier {
        kind: IdKind::AircraftId,
        value: "201735161".into(),
        country: None,
        note: None,
    });
    csl.add_identifier(Identifier::from_label("Passport", "A123", Some("ke")));
    let mut uk = designated("uk_ofsi", "RUS1839", Schema::Company);
    uk.add_property("ukSanctionsListRef", "RUS1839");
    uk.add_property("fleetSize", "12");
    uk.addresses.push(Address { full: "Moscow".into(), city: None, country: Some("ru".into()) });
    let mut plane = designated("us_ofac_sdn", "27197", Schema::Airplane);
    plane.add_identifier(Identifier {
        kind: IdKind::Other,
        value: "140AE7".into(),
        country: None,
        note: Some("Aircraft Mode S Transponder Code".into()),
    });
    plane.add_property("jurisdiction", "ru");
    plane.add_property("operator", "Fly Baghdad");
    plane.add_property("buildDate", "31 Dec 1986");
    plane.add_property("registrationDate", "sometime");

    let entities = check_export(&[subject(vec![csl]), subject(vec![uk]), subject(vec![plane])]);
    let props = |id: &str| &entities.iter().find(|e| e["id"] == id).unwrap()["properties"];

    let person = props("us_trade_csl:6924");
    assert_eq!(person["passportNumber"], json!(["A123"]));
    assert!(person.get("serialNumber").is_none() && person.get("cslSource").is_none());
    let document = props("us_trade_csl:6924-identification-1");
    assert_eq!(document["holder"], json!(["us_trade_csl:6924"]));
    assert_eq!(document["number"], json!(["201735161"]));
    assert_eq!(document["type"], json!(["Serial No."]));
    let sanction = props("us_trade_csl:6924-sanction-1");
    assert_eq!(sanction["entity"], json!(["us_trade_csl:6924"]));
    assert_eq!(sanction["authorityId"], json!(["6924"]));
    assert_eq!(sanction["recordId"], json!(["6924"]));
    assert_eq!(
        sanction["description"],
        json!(["Specially Designated Nationals (SDN) - Treasury Department"])
    );
    assert_eq!(sanction["program"], json!(["PROGRAM"]));
    assert_eq!(sanction["authority"], json!(["Authority"]));

    let company = props("uk_ofsi:RUS1839");
    assert_eq!(company["notes"], json!(["fleetSize: 12"]));
    assert_eq!(props("uk_ofsi:RUS1839-sanction-1")["authorityId"], json!(["RUS1839"]));

    let plane = props("us_ofac_sdn:27197");
    assert_eq!(plane["country"], json!(["ru"]));
    assert_eq!(plane["buildDate"], json!(["1986-12-31"]));
    assert_eq!(
        plane["notes"],
        json!(["Aircraft Mode S Transponder Code: 140AE7", "registrationDate: sometime"])
    );
    assert_eq!(plane["operator"], json!(["us_ofac_sdn:27197-legalentity-1"]));
    assert_eq!(props("us_ofac_sdn:27197-legalentity-1")["name"], json!(["Fly Baghdad"]));
    assert_eq!(of_schema(&entities, "Sanction").len(), 3);
}

/// Every subject with wallet addresses in a real OFAC SDN list gets them as `CryptoWallet`
/// entities, and the whole export is valid; returns the count of records with wallets.
fn check_wallets(path: &std::path::Path) -> usize {
    let list = crate::read_unit(path).unwrap();
    let holders =
        list.entities.iter().filter(|e| e.identifiers.iter().any(|i| i.kind == IdKind::CryptoWallet)).count();
    let entities = check_export(&crate::link::link(list.entities));
    let mut wallet_holders: Vec<&Value> =
        of_schema(&entities, "CryptoWallet").iter().map(|w| &w["properties"]["holder"][0]).collect();
    wallet_holders.dedup();
    assert_eq!(wallet_holders.len(), holders, "{}", path.display());
    holders
}

#[test]
fn ofac_wallets() {
    for unit in crate::list_units(&repo_root().join("data/lists/us-ofac-sdn")).unwrap() {
        assert!(check_wallets(&unit) >= 24);
    }
    if let Some(path) = shared_list("us-ofac/sdn-csv-2024-05-03") {
        assert!(check_wallets(&path) >= 24);
    }
}
