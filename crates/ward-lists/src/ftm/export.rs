//! Writing Ward subjects as `FtM` entities, one JSON object per line: what `OpenSanctions`, yente
//! and other `FtM` tools read.
//!
//! A subject's records are merged into one thing (Person, Organization, Company, `LegalEntity`,
//! Vessel, Airplane). `FtM` has no alias quality, no original-script flag and no designation
//! object, so those become what `OpenSanctions` writes: `alias` and `weakAlias`, plain names,
//! `program` values with the `sanction` topic, and a Sanction entity for each designation.
//!
//! Every property written is one that `FtM` has on that entity's schema, and none is a reverse
//! property: yente's indexer rejects both. A fact that `FtM` keeps on another entity gets that
//! entity, pointing at the thing (a `CryptoWallet` for a wallet address, an Identification for an
//! identifier the schema has no property for, a Sanction for a designation and the list's own
//! references to it, a `LegalEntity` for the owner or operator of a vehicle); a fact `FtM` has no
//! place for stays in `notes` as "property: value". Links are not written (`FtM` needs separate
//! relation entities for them).

use super::ID_PROPERTIES;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::io::{self, Write};
use ward_model::{DateSpec, Entity, IdKind, Identifier, NameKind, Schema, Subject};

/// Every schema of things Ward writes.
const EVERY_THING: &[Schema] = &[
    Schema::Person,
    Schema::Organization,
    Schema::Company,
    Schema::LegalEntity,
    Schema::Vessel,
    Schema::Airplane,
];
/// `FtM`'s `LegalEntity` and the schemata that extend it.
const LEGAL_ENTITIES: &[Schema] =
    &[Schema::Person, Schema::Organization, Schema::Company, Schema::LegalEntity];
/// `FtM`'s Vehicle schemata.
const VEHICLES: &[Schema] = &[Schema::Vessel, Schema::Airplane];

/// The `FtM` (4.9) value properties of the things Ward writes, by the schemata that have them.
/// Properties holding entity ids are not here: the owner and operator of a vehicle are written
/// as entities of their own, other references have no entity in the export to point at.
const THING_PROPERTIES: &[(&[Schema], &[&str])] = &[
    (
        EVERY_THING,
        &[
            "name",
            "alias",
            "weakAlias",
            "previousName",
            "country",
            "address",
            "notes",
            "summary",
            "description",
            "keywords",
            "program",
            "programId",
            "topics",
            "sourceUrl",
            "registrationNumber",
            "wikidataId",
            "wikipediaUrl",
            "publisher",
            "publisherUrl",
            "createdAt",
            "modifiedAt",
            "retrievedAt",
        ],
    ),
    (
        LEGAL_ENTITIES,
        &[
            "abbreviation",
            "brightQueryId",
            "brightQueryOrgId",
            "bvdId",
            "classification",
            "dissolutionDate",
            "dunsCode",
            "email",
            "icijId",
            "idNumber",
            "incorporationDate",
            "innCode",
            "jurisdiction",
            "legalForm",
            "leiCode",
            "licenseNumber",
            "mainCountry",
            "npiCode",
            "ogrnCode",
            "okpoCode",
            "okvedCode",
            "opencorporatesUrl",
            "phone",
            "sayariId",
            "sector",
            "status",
            "swiftBic",
            "taxNumber",
            "taxStatus",
            "uniqueEntityId",
            "uscCode",
            "vatCode",
            "website",
        ],
    ),
    (
        &[Schema::Person],
        &[
            "appearance",
            "biography",
            "birthCountry",
            "birthDate",
            "birthPlace",
            "citizenship",
            "deathDate",
            "education",
            "ethnicity",
            "eyeColor",
            "fatherName",
            "firstName",
            "gender",
            "hairColor",
            "height",
            "lastName",
            "middleName",
            "motherName",
            "nameSuffix",
            "nationality",
            "passportNumber",
            "political",
            "position",
            "profession",
            "religion",
            "secondName",
            "socialSecurityNumber",
            "spokenLanguage",
            "title",
            "weight",
        ],
    ),
    (&[Schema::Organization, Schema::Company], &["cageCode", "giiNumber", "permId"]),
    (&[Schema::Organization, Schema::Company, Schema::Vessel], &["imoNumber"]),
    (
        &[Schema::Company],
        &[
            "bikCode",
            "caemCode",
            "capital",
            "cikCode",
            "coatoCode",
            "fnsCode",
            "fssCode",
            "ipoCode",
            "irsCode",
            "isinCode",
            "jibCode",
            "kppCode",
            "mbsCode",
            "okopfCode",
            "oksmCode",
            "pfrNumber",
            "ricCode",
            "ticker",
            "voenCode",
        ],
    ),
    (&[Schema::Company, Schema::Vessel, Schema::Airplane], &["amount", "amountEur", "amountUsd", "currency"]),
    (VEHICLES, &["buildDate", "deregistrationDate", "model", "registrationDate", "type"]),
    (
        &[Schema::Vessel],
        &[
            "callSign",
            "crsNumber",
            "deadweightTonnage",
            "flag",
            "grossRegisteredTonnage",
            "mmsi",
            "nameChangeDate",
            "navigationArea",
            "pastFlags",
            "pastTypes",
            "registrationPort",
            "tonnage",
        ],
    ),
    (&[Schema::Airplane], &["icaoCode", "manufacturer", "serialNumber"]),
];

/// Properties of `FtM` date type: values are written as ISO dates, and a value that is not a date
/// goes to `notes`.
const DATE_PROPERTIES: &[&str] = &[
    "birthDate",
    "deathDate",
    "buildDate",
    "registrationDate",
    "deregistrationDate",
    "incorporationDate",
    "dissolutionDate",
    "nameChangeDate",
    "createdAt",
    "modifiedAt",
    "retrievedAt",
];

/// Properties `FtM` holds under another name on some schemata: `jurisdiction` is a legal
/// entity's, a vehicle's registration country is its `country`.
const ALTERNATIVES: &[(&str, &str)] = &[("jurisdiction", "country")];

/// Vehicle properties that name another party: `FtM` wants the id of a `LegalEntity`.
const PARTY_PROPERTIES: &[&str] = &["owner", "operator"];

/// Ward's own properties that are a list's reference to a designation (OFAC's entity number on
/// a CSL record, the UK Sanctions List reference, OFSI's group id on a UK Sanctions List
/// record): each is the `authorityId` of the record's Sanction entities.
const DESIGNATION_REFERENCES: &[&str] = &["ofacEntNum", "ukSanctionsListRef", "ofsiGroupId"];

/// The CSL's abbreviation of its source list ("SDN", "EL"): the whole name is the
/// designation's list, written on its Sanction entity, so the abbreviation is not written.
const LIST_ABBREVIATION: &str = "cslSource";

/// Whether `value` is already an `FtM` date: ISO 8601, to the year, month, day or second.
fn is_iso_date(value: &str) -> bool {
    value.len() >= 4
        && value.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && value.chars().all(|c| c.is_ascii_digit() || "-T:.Z+".contains(c))
}

/// Whether `FtM` has `property` as a value property of `schema`.
fn has_property(schema: Schema, property: &str) -> bool {
    THING_PROPERTIES
        .iter()
        .any(|(schemata, properties)| schemata.contains(&schema) && properties.contains(&property))
}

/// `FtM` property values, each property's values de-duplicated in first-seen order.
#[derive(Default)]
struct Properties(BTreeMap<String, Vec<String>>);

impl Properties {
    fn add(&mut self, property: &str, value: impl Into<String>) {
        let value = value.into();
        if value.trim().is_empty() {
            return;
        }
        let values = self.0.entry(property.to_string()).or_default();
        if !values.contains(&value) {
            values.push(value);
        }
    }

    fn into_json(self) -> Value {
        Value::Object(self.0.into_iter().map(|(k, v)| (k, json!(v))).collect::<Map<String, Value>>())
    }
}

/// The entities written for one subject: the thing, and those that describe it from the side.
struct Export<'a> {
    subject: &'a Subject,
    schema: Schema,
    thing: Properties,
    /// Sanction, `CryptoWallet`, Identification and `LegalEntity` entities, in the order made.
    beside: Vec<Value>,
    /// The (schema, key) of every entity in `beside`, so that a fact shared by two records makes
    /// one entity: the key is the wallet address, the document number, the party's name.
    made: Vec<(&'static str, String, String)>,
}

impl<'a> Export<'a> {
    fn new(subject: &'a Subject) -> Export<'a> {
        Export {
            subject,
            schema: subject.schema(),
            thing: Properties::default(),
            beside: Vec::new(),
            made: Vec::new(),
        }
    }

    fn is_legal_entity(&self) -> bool {
        LEGAL_ENTITIES.contains(&self.schema)
    }

    /// Adds an entity beside the thing (once per schema and key) and returns its id:
    /// `<subject id>-<kind>-<n>`.
    fn beside(&mut self, schema: &'static str, key: String, properties: Properties, dataset: &str) -> String {
        if let Some((_, _, id)) = self.made.iter().find(|(s, k, _)| *s == schema && *k == key) {
            return id.clone();
        }
        let n = self.made.iter().filter(|(s, _, _)| *s == schema).count() + 1;
        let id = format!("{}-{}-{n}", self.subject.id, schema.to_ascii_lowercase());
        self.beside.push(json!({
            "id": id,
            "schema": schema,
            "properties": properties.into_json(),
            "datasets": [dataset],
            "referents": [],
            "target": false,
        }));
        self.made.push((schema, key, id.clone()));
        id
    }

    /// A value of one of the thing's properties, where `FtM` has a place for it.
    fn property(&mut self, record: &Entity, property: &str, value: &str) {
        if property == LIST_ABBREVIATION && record.designations.iter().any(|d| d.list.is_some()) {
            return;
        }
        if DESIGNATION_REFERENCES.contains(&property) && !record.designations.is_empty() {
            // Written by `sanctions`.
            return;
        }
        if PARTY_PROPERTIES.contains(&property) && VEHICLES.contains(&self.schema) {
            let mut party = Properties::default();
            party.add("name", value);
            let id = self.beside("LegalEntity", value.to_string(), party, &record.dataset);
            self.thing.add(property, id);
            return;
        }
        let property = match ALTERNATIVES.iter().find(|(from, _)| *from == property) {
            Some((_, to)) if !has_property(self.schema, property) => to,
            _ => property,
        };
        if !has_property(self.schema, property) {
            self.thing.add("notes", format!("{property}: {value}"));
        } else if DATE_PROPERTIES.contains(&property) && !is_iso_date(value) {
            match DateSpec::parse(value) {
                Some(date) => date.ftm_values().into_iter().for_each(|v| self.thing.add(property, v)),
                None => self.thing.add("notes", format!("{property}: {value}")),
            }
        } else {
            self.thing.add(property, value);
        }
    }

    /// An identifier: under its `FtM` property where the schema has it, else as a `CryptoWallet` or
    /// an Identification of the holder, else in `notes` (vehicles hold no documents in `FtM`).
    fn identifier(&mut self, record: &Entity, identifier: &Identifier) {
        // An identifier read from FtM keeps its own property (innCode, ogrnCode...).
        let own = identifier.note.as_deref().and_then(|note| ID_PROPERTIES.iter().find(|(p, _)| *p == note));
        let property = own.map_or_else(|| identifier.kind.ftm_property(), |(p, _)| *p);
        // The list's label, where it is more than the property name.
        let label = identifier.note.as_deref().filter(|_| own.is_none());
        if identifier.kind == IdKind::CryptoWallet && self.is_legal_entity() {
            let mut wallet = Properties::default();
            wallet.add("holder", self.subject.id.clone());
            wallet.add("publicKey", identifier.value.clone());
            // "Digital Currency Address - XBT" (OFAC) or the currency itself (FtM).
            if let Some(label) = label {
                wallet
                    .add("currency", label.rsplit_once(" - ").map_or(label, |(_, currency)| currency).trim());
            }
            self.beside("CryptoWallet", identifier.value.clone(), wallet, &record.dataset);
        } else if identifier.kind != IdKind::CryptoWallet && has_property(self.schema, property) {
            self.thing.add(property, identifier.value.clone());
        } else if self.is_legal_entity() {
            let mut document = Properties::default();
            document.add("holder", self.subject.id.clone());
            document.add("number", identifier.value.clone());
            document.add("type", label.unwrap_or(property));
            if let Some(country) = &identifier.country {
                document.add("country", country.clone());
            }
            let key = format!("{property} {}", identifier.value);
            self.beside("Identification", key, document, &record.dataset);
        } else {
            self.thing.add("notes", format!("{}: {}", label.unwrap_or(property), identifier.value));
        }
    }

    /// A Sanction entity for each of the record's designations, with the list's own references
    /// to it.
    fn sanctions(&mut self, record: &Entity) {
        let references: Vec<&String> = DESIGNATION_REFERENCES
            .iter()
            .flat_map(|p| record.properties.get(*p).into_iter().flatten())
            .collect();
        for designation in &record.designations {
            let mut sanction = Properties::default();
            sanction.add("entity", self.subject.id.clone());
            sanction.add("authority", designation.authority.clone());
            for (property, value) in [
                ("description", &designation.list),
                ("listingDate", &designation.listed_on),
                ("modifiedAt", &designation.modified_on),
                ("endDate", &designation.end_date),
                ("reason", &designation.reason),
                ("summary", &designation.legal_basis),
                ("unscId", &designation.un_reference),
            ] {
                if let Some(value) = value {
                    sanction.add(property, value.clone());
                }
            }
            designation.programs.iter().for_each(|p| sanction.add("program", p.clone()));
            sanction.add("recordId", designation.record_id.clone());
            references.iter().for_each(|r| sanction.add("authorityId", (*r).clone()));
            let dataset = if designation.dataset.is_empty() { &record.dataset } else { &designation.dataset };
            let key = format!("{} {references:?}", serde_json::to_string(designation).unwrap_or_default());
            self.beside("Sanction", key, sanction, dataset);
        }
    }

    fn names(&mut self) {
        let subject = self.subject;
        let primary = subject
            .records
            .first()
            .and_then(|r| r.names.iter().find(|n| n.kind == NameKind::Primary).or(r.names.first()));
        let mut written: Vec<&str> = Vec::new();
        if let Some(primary) = primary {
            self.thing.add("name", primary.full.clone());
            written.push(&primary.full);
            if self.schema == Schema::Person {
                let parts = &primary.parts;
                for (property, part) in [
                    ("firstName", &parts.first),
                    ("middleName", &parts.middle),
                    ("lastName", &parts.last),
                    ("fatherName", &parts.patronymic),
                ] {
                    if let Some(part) = part {
                        self.thing.add(property, part.clone());
                    }
                }
            }
        }
        // Strongest kind first, so that a name that is strong in one record and weak in another
        // is written once, as strong.
        for kind in [NameKind::Primary, NameKind::Alias, NameKind::Weak, NameKind::Previous] {
            let property = if kind == NameKind::Primary { "alias" } else { kind.ftm_property() };
            for name in subject.names().filter(|n| n.kind == kind) {
                if !written.contains(&name.full.as_str()) {
                    written.push(&name.full);
                    self.thing.add(property, name.full.clone());
                }
            }
        }
    }

    fn record(&mut self, record: &Entity) {
        let person = self.schema == Schema::Person;
        let date_property = match self.schema {
            Schema::Person => "birthDate",
            Schema::Vessel | Schema::Airplane => "buildDate",
            _ => "incorporationDate",
        };
        for date in &record.birth_dates {
            for value in date.ftm_values() {
                self.thing.add(date_property, value);
            }
        }
        for code in &record.nationalities {
            self.thing.add(if person { "nationality" } else { "country" }, code.clone());
        }
        for code in &record.citizenships {
            self.thing.add(if person { "citizenship" } else { "country" }, code.clone());
        }
        for code in &record.countries {
            self.thing.add("country", code.clone());
        }
        if person {
            for place in &record.birth_places {
                self.thing.add("birthPlace", place.clone());
            }
            if let Some(gender) = record.gender {
                self.thing.add("gender", gender.as_str());
            }
            for title in &record.titles {
                self.thing.add("title", title.clone());
            }
            for position in &record.positions {
                self.thing.add("position", position.clone());
            }
        }
        for address in &record.addresses {
            self.thing.add("address", address.full.clone());
        }
        for identifier in &record.identifiers {
            self.identifier(record, identifier);
        }
        for note in &record.notes {
            self.thing.add("notes", note.clone());
        }
        for designation in &record.designations {
            for program in &designation.programs {
                self.thing.add("program", program.clone());
            }
            self.thing.add("topics", "sanction");
        }
        self.sanctions(record);
        for (property, values) in &record.properties {
            if property == "referents" || property == "datasets" {
                continue;
            }
            for value in values {
                self.property(record, property, value);
            }
        }
    }

    /// The thing as `FtM` JSON, and the entities beside it.
    fn finish(self) -> (Value, Vec<Value>) {
        let subject = self.subject;
        let mut datasets: Vec<String> = subject.datasets().into_iter().map(str::to_string).collect();
        let mut referents: Vec<String> = Vec::new();
        for record in &subject.records {
            for dataset in record.properties.get("datasets").into_iter().flatten() {
                if !datasets.contains(dataset) {
                    datasets.push(dataset.clone());
                }
            }
            // Every record's own `dataset:record-id` is a referent, the subject's first
            // included: clients look a designation up by any of them.
            for referent in std::iter::once(record.id.clone())
                .chain(record.properties.get("referents").into_iter().flatten().cloned())
            {
                if !referents.contains(&referent) {
                    referents.push(referent);
                }
            }
        }
        let thing = json!({
            "id": subject.id,
            "schema": self.schema.ftm_name(),
            "caption": subject.caption(),
            "properties": self.thing.into_json(),
            "datasets": datasets,
            "referents": referents,
            "target": true,
        });
        (thing, self.beside)
    }
}

fn export(subject: &Subject) -> (Value, Vec<Value>) {
    let mut export = Export::new(subject);
    export.names();
    for record in &subject.records {
        export.record(record);
    }
    export.finish()
}

/// The subject as one `FtM` thing: `{"id", "schema", "caption", "properties", "datasets",
/// "referents", "target": true}`, with the names, dates, countries, addresses, identifiers,
/// notes and programs of all its records (and their other `FtM` properties), without repeats.
/// Only properties `FtM` has on the schema are written; [`subject_to_ftm`] adds the entities
/// that hold the rest.
///
/// The primary name of the first record is the `name`; other records' primary names and strong
/// aliases are `alias`, weak aliases `weakAlias`, former names `previousName`. Person-only
/// properties (birth place, nationality, gender, title, position) are written for people only;
/// other schemata get nationalities as `country`.
pub fn entity_to_ftm(subject: &Subject) -> Value {
    export(subject).0
}

/// The subject as `FtM` entities: the thing ([`entity_to_ftm`]) first, then a Sanction for each
/// designation, a `CryptoWallet` for each wallet address, an Identification for each identifier
/// the thing's schema has no property for, and a `LegalEntity` for each owner or operator of a
/// vehicle, each pointing at the thing (or pointed at by it). Their ids are the subject's id,
/// the schema and a number (`us_ofac_sdn:25308-cryptowallet-1`).
pub fn subject_to_ftm(subject: &Subject) -> Vec<Value> {
    let (thing, beside) = export(subject);
    std::iter::once(thing).chain(beside).collect()
}

/// Writes each subject as `FtM` JSON lines ([`subject_to_ftm`]): its thing, then the entities
/// beside it.
pub fn write_ftm_lines<'a>(
    subjects: impl Iterator<Item = &'a Subject>,
    mut out: impl Write,
) -> io::Result<()> {
    for subject in subjects {
        for entity in subject_to_ftm(subject) {
            serde_json::to_writer(&mut out, &entity).map_err(io::Error::from)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests;
