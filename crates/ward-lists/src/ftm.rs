//! `FollowTheMoney` (`FtM`) JSON lines: reading `OpenSanctions` entity files and delta files, and
//! writing Ward subjects back out as `FtM` ([`entity_to_ftm`], [`write_ftm_lines`]).
//!
//! An `FtM` file holds "things" (Person, Organization, Company, Vessel...) and the entities that
//! describe them from the side: Sanction (a designation of its `entity`), Address (cited by
//! `addressEntity`), Ownership, Family, Directorship and other relations, Occupancy and Position
//! (the positions a person holds), Passport and Identification (documents of their `holder`).
//! Only things become [`Entity`] records; the others are folded into the things they point at
//! once the whole file has been read, since `FtM` files come in no particular order.
//!
//! Delta files (`entities.delta.json`) wrap each entity as `{"op": "ADD" | "MOD" | "DEL",
//! "entity": {...}}`; their list has `meta.delta` set and the deleted ids in `meta.removed`.

use crate::text::non_latin;
use crate::{Input, Result};
use serde_json::{Map, Value};
use std::collections::HashMap;
use ward_model::{
    country_code, dataset_info, Address, DateSpec, Designation, Diagnostic, Entity, Gender, IdKind,
    Identifier, Link, LinkKind, Name, NameKind, ParsedList, PartialDate, Schema,
};

mod export;
mod stream;
#[cfg(test)]
mod tests;

pub use export::{entity_to_ftm, subject_to_ftm, write_ftm_lines};
pub(crate) use stream::read_streaming;

const FORMAT: &str = "FtM JSON lines";

/// The list's dataset when its lines come from several `OpenSanctions` datasets.
const MIXED_DATASET: &str = "opensanctions";

/// `FtM` properties that hold identifiers, with their kind. The property name is kept as the
/// identifier's note, so that the export writes each back under its own property.
pub(crate) const ID_PROPERTIES: &[(&str, IdKind)] = &[
    ("passportNumber", IdKind::Passport),
    ("idNumber", IdKind::NationalId),
    ("socialSecurityNumber", IdKind::NationalId),
    ("taxNumber", IdKind::TaxId),
    ("innCode", IdKind::TaxId),
    ("vatCode", IdKind::TaxId),
    ("registrationNumber", IdKind::Registration),
    ("ogrnCode", IdKind::Registration),
    ("okpoCode", IdKind::Registration),
    ("uscCode", IdKind::Registration),
    ("dunsCode", IdKind::Registration),
    ("uniqueEntityId", IdKind::Registration),
    ("leiCode", IdKind::Lei),
    ("swiftBic", IdKind::Bic),
    ("bicCode", IdKind::Bic),
    ("imoNumber", IdKind::Imo),
    ("mmsi", IdKind::Mmsi),
    ("callSign", IdKind::CallSign),
    ("serialNumber", IdKind::AircraftId),
    ("cryptoWallets", IdKind::CryptoWallet),
];

/// Schemata that are not parties (documents, events, payments...) and are ignored without a
/// word. Any other schema Ward does not read, including things it does not screen (vehicles,
/// real estate, bank accounts), gets a warning.
const KNOWN_OTHER: &[&str] = &[
    "Article",
    "Assessment",
    "Audio",
    "Call",
    "Contract",
    "ContractAward",
    "CourtCase",
    "CourtCaseParty",
    "Debt",
    "Document",
    "Documentation",
    "Email",
    "Event",
    "Folder",
    "HyperText",
    "Image",
    "License",
    "Mention",
    "Message",
    "Note",
    "Package",
    "Page",
    "Pages",
    "Payment",
    "PlainText",
    "Project",
    "ProjectParticipant",
    "Table",
    "TaxRoll",
    "Trip",
    "UserAccount",
    "Video",
    "Workbook",
];

/// The `FtM` relation schemata: the two properties naming the parties, the property holding the
/// relation's own words, and the kind of link.
const RELATIONS: &[(&str, &str, &str, &str, LinkKind)] = &[
    ("Family", "person", "relative", "relationship", LinkKind::Family),
    ("Associate", "person", "associate", "relationship", LinkKind::Associate),
    ("Membership", "member", "organization", "role", LinkKind::Associate),
    ("Employment", "employee", "employer", "role", LinkKind::Associate),
    ("Directorship", "director", "organization", "role", LinkKind::Associate),
    ("Representation", "agent", "client", "role", LinkKind::Associate),
    ("UnknownLink", "subject", "object", "role", LinkKind::Other),
    ("Succession", "successor", "predecessor", "role", LinkKind::Other),
    // The asset is owned by the owner: the asset gets an owned-by link, the owner a plain one (see `finish`).
    ("Ownership", "asset", "owner", "role", LinkKind::OwnedBy),
];

/// A relation between two `FtM` ids, waiting for the end of the file.
struct Relation {
    a: Vec<String>,
    b: Vec<String>,
    a_role: &'static str,
    b_role: &'static str,
    text: Option<String>,
    kind: LinkKind,
}

/// A Sanction entity, waiting for the things it designates.
struct Sanction {
    entities: Vec<String>,
    designation: Designation,
    source_urls: Vec<String>,
}

/// An identity document of a holder.
struct Document {
    holders: Vec<String>,
    identifier: Identifier,
}

/// What the lines that are not things say about things (addresses, sanctions, positions,
/// relations, documents), to be folded into the things once every line has been read.
#[derive(Default)]
struct Facts {
    /// Address entities by id and by referent.
    addresses: HashMap<String, Address>,
    positions: HashMap<String, String>,
    occupancies: Vec<(Vec<String>, Vec<String>)>,
    relations: Vec<Relation>,
    sanctions: Vec<Sanction>,
    documents: Vec<Document>,
}

/// A thing as one line gives it, before the facts about it are folded in.
struct Thing {
    /// The entity; its `record_id` is still the `FtM` id and its dataset is not set.
    entity: Entity,
    /// The `addressEntity` ids it cites.
    address_refs: Vec<String>,
    /// Its `datasets`.
    datasets: Vec<String>,
}

/// The reader's state across lines.
#[derive(Default)]
struct Reader {
    entities: Vec<Entity>,
    /// `FtM` id -> index in `entities`.
    index: HashMap<String, usize>,
    /// The `addressEntity` ids each entity cites, by index.
    address_refs: Vec<Vec<String>>,
    /// The `datasets` of each entity, by index.
    entity_datasets: Vec<Vec<String>>,
    /// When set, thing lines are not read, only their ids noted (the first pass of
    /// [`stream::read_streaming`]).
    thing_ids: Option<stream::ThingIds>,
    facts: Facts,
    /// Every dataset named by any line.
    datasets: Vec<String>,
    removed: Vec<String>,
    delta: bool,
    lines_read: usize,
    diagnostics: Vec<Diagnostic>,
}

/// The schemata that become [`Entity`] records.
const THING_SCHEMATA: &[&str] =
    &["Person", "Organization", "Company", "LegalEntity", "PublicBody", "Vessel", "Airplane"];

/// Reads one line (trimmed, not empty) into `reader`. `last` says whether it is the last line of
/// the file (no line break after it), where an unfinished object means a truncated file.
fn read_line(reader: &mut Reader, line: &[u8], line_no: usize, last: bool, file: &str) -> Result<()> {
    match serde_json::from_slice::<Value>(line) {
        Ok(value) => reader.line(value, file, line_no),
        // The last line cut off in the middle of an object: the download was truncated,
        // and part of a list must not replace the whole.
        Err(e) if e.is_eof() && last => {
            return Err(crate::Error::malformed(
                file,
                FORMAT,
                format!("line {line_no} ends before its JSON object closes: truncated file"),
            ));
        }
        Err(e) => reader.diagnostics.push(
            Diagnostic::error(
                file,
                format!("not a JSON object ({e}); expected one FtM entity per line, the line is skipped"),
            )
            .at(format!("line {line_no}")),
        ),
    }
    Ok(())
}

/// The error of a file none of whose lines is an `FtM` entity.
fn no_entity(file: &str, non_empty: usize) -> crate::Error {
    crate::Error::malformed(file, FORMAT, format!("none of its {non_empty} non-empty lines is an FtM entity"))
}

pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    let source = input.main();
    let file = source.name.as_str();
    let bytes = source.bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&source.bytes);
    let mut reader = Reader::default();
    let mut non_empty = 0usize;
    let mut lines = bytes.split(|b| *b == b'\n').enumerate().peekable();
    while let Some((n, line)) = lines.next() {
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        non_empty += 1;
        read_line(&mut reader, line, n + 1, lines.peek().is_none(), file)?;
    }
    if reader.lines_read == 0 {
        return Err(no_entity(file, non_empty));
    }
    Ok(reader.finish(file))
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(scalar).collect(),
        Some(other) => scalar(other).into_iter().collect(),
        None => Vec::new(),
    }
}

fn scalar(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.split_whitespace().collect::<Vec<_>>().join(" "),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// An ISO date from an `FtM` date value, or the value as it is.
fn date(text: &str) -> String {
    PartialDate::parse_iso(text).map_or_else(|| text.to_string(), |d| d.to_iso())
}

impl Reader {
    fn line(&mut self, value: Value, file: &str, line_no: usize) {
        let at = format!("line {line_no}");
        let Value::Object(mut object) = value else {
            self.diagnostics.push(
                Diagnostic::error(file, "a JSON value that is not an object; expected an FtM entity").at(at),
            );
            return;
        };
        let entity = if let Some(op) = object.get("op") {
            self.delta = true;
            let op = op.as_str().unwrap_or_default().to_ascii_uppercase();
            let entity = object.remove("entity");
            match op.as_str() {
                "ADD" | "MOD" => {}
                "DEL" => {
                    let id = entity
                        .as_ref()
                        .and_then(|e| e.get("id"))
                        .or_else(|| object.get("id"))
                        .or_else(|| object.get("entity_id"))
                        .and_then(Value::as_str)
                        .map(str::trim)
                        .filter(|id| !id.is_empty());
                    match id {
                        Some(id) => {
                            self.lines_read += 1;
                            if !self.removed.iter().any(|r| r == id) {
                                self.removed.push(id.to_string());
                            }
                        }
                        None => self
                            .diagnostics
                            .push(Diagnostic::error(file, "a DEL line without an entity id").at(at)),
                    }
                    return;
                }
                other => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            file,
                            format!("delta op {other:?}; expected ADD, MOD or DEL, the line is skipped"),
                        )
                        .at(at),
                    );
                    return;
                }
            }
            match entity {
                Some(Value::Object(entity)) => entity,
                _ => {
                    self.diagnostics.push(
                        Diagnostic::error(file, format!("an {op} line without an entity object")).at(at),
                    );
                    return;
                }
            }
        } else {
            object
        };
        self.entity(entity, file, at);
    }

    fn entity(&mut self, object: Map<String, Value>, file: &str, at: String) {
        let id = object.get("id").and_then(Value::as_str).map(str::trim).unwrap_or_default().to_string();
        let schema = object.get("schema").and_then(Value::as_str).unwrap_or_default().to_string();
        if id.is_empty() || schema.is_empty() {
            self.diagnostics.push(
                Diagnostic::error(
                    file,
                    "an entity without \"id\" or \"schema\"; expected an FtM entity, the line is skipped",
                )
                .at(at),
            );
            return;
        }
        let datasets = strings(object.get("datasets"));
        self.count_line(&datasets);
        let empty = Map::new();
        let props = object.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let get = |name: &str| strings(props.get(name));
        match schema.as_str() {
            thing if THING_SCHEMATA.contains(&thing) => match &mut self.thing_ids {
                Some(thing_ids) => thing_ids.note(&id),
                None => {
                    let thing =
                        read_thing(&id, &schema, &object, props, datasets, file, &at, &mut self.diagnostics);
                    self.keep(thing, file, &at);
                }
            },
            "Address" => {
                let full = get("full").into_iter().next().unwrap_or_else(|| {
                    let parts = ["street", "postOfficeBox", "postalCode", "city", "region"]
                        .map(|p| get(p).into_iter().next());
                    Address::from_parts(parts.iter().flatten().map(String::as_str), None, None).full
                });
                let country = get("country").iter().find_map(|c| country_code(c)).map(str::to_string);
                let address = Address { full, city: get("city").into_iter().next(), country };
                for key in std::iter::once(id.clone()).chain(strings(object.get("referents"))) {
                    self.facts.addresses.insert(key, address.clone());
                }
            }
            "Sanction" => self.sanction(props, datasets, &id),
            "Occupancy" => self.facts.occupancies.push((get("holder"), get("post"))),
            "Position" => {
                if let Some(name) = get("name").into_iter().next() {
                    self.facts.positions.insert(id, name);
                }
            }
            "Passport" | "Identification" => {
                let number = get("number").into_iter().chain(get("passportNumber")).next();
                if let Some(number) = number {
                    let label = get("type").into_iter().next().unwrap_or_else(|| schema.clone());
                    let mut identifier = Identifier::from_label(&label, &number, None);
                    if schema == "Passport" {
                        identifier.kind = IdKind::Passport;
                    }
                    identifier.country =
                        get("country").iter().find_map(|c| country_code(c)).map(str::to_string);
                    self.facts.documents.push(Document { holders: get("holder"), identifier });
                }
            }
            "CryptoWallet" => {
                // A wallet names its holder: its address identifies the holder.
                for key in get("publicKey") {
                    let currency = get("currency").into_iter().next();
                    self.facts.documents.push(Document {
                        holders: get("holder"),
                        identifier: Identifier {
                            kind: IdKind::CryptoWallet,
                            value: key,
                            country: None,
                            note: currency,
                        },
                    });
                }
            }
            _ => {
                if let Some((_, a, b, text, kind)) = RELATIONS.iter().find(|r| r.0 == schema) {
                    self.facts.relations.push(Relation {
                        a: get(a),
                        b: get(b),
                        a_role: a,
                        b_role: b,
                        text: get(text)
                            .into_iter()
                            .chain(get("percentage").into_iter().map(|p| format!("{p}%")))
                            .reduce(|a, b| format!("{a} {b}")),
                        kind: *kind,
                    });
                } else if !KNOWN_OTHER.contains(&schema.as_str()) {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            file,
                            format!("schema {schema:?} is not one Ward screens; the entity is skipped"),
                        )
                        .record(id)
                        .at(at),
                    );
                }
            }
        }
    }

    fn sanction(&mut self, props: &Map<String, Value>, datasets: Vec<String>, id: &str) {
        let get = |name: &str| strings(props.get(name));
        let mut programs = get("programId");
        for program in get("program") {
            Entity::push_unique(&mut programs, program);
        }
        let mut listed: Vec<String> = get("listingDate").iter().map(|d| date(d)).collect();
        if listed.is_empty() {
            listed = get("startDate").iter().map(|d| date(d)).collect();
        }
        listed.sort();
        let latest = |name: &str| get(name).iter().map(|d| date(d)).max();
        let joined = |name: &str| Some(get(name).join("; ")).filter(|s| !s.is_empty());
        let dataset = datasets.into_iter().next().unwrap_or_default();
        let authority = get("authority")
            .into_iter()
            .next()
            .or_else(|| dataset_info(&dataset).map(|d| d.authority.to_string()))
            .unwrap_or_default();
        let record_id =
            get("authorityId").into_iter().chain(get("recordId")).next().unwrap_or_else(|| id.to_string());
        self.facts.sanctions.push(Sanction {
            entities: get("entity"),
            designation: Designation {
                authority,
                dataset,
                list: None,
                programs,
                listed_on: listed.into_iter().next(),
                modified_on: latest("modifiedAt"),
                end_date: latest("endDate"),
                reason: joined("reason"),
                legal_basis: joined("summary"),
                record_id,
                un_reference: get("unscId").into_iter().next(),
            },
            source_urls: get("sourceUrl"),
        });
    }

    /// Counts an entity line and the datasets it names.
    fn count_line(&mut self, datasets: &[String]) {
        self.lines_read += 1;
        for dataset in datasets {
            Entity::push_unique(&mut self.datasets, dataset.clone());
        }
    }

    /// Notes a thing line without reading it (the first pass of [`stream::read_streaming`]).
    fn note_thing(&mut self, id: &str, datasets: Vec<String>) {
        self.count_line(&datasets);
        self.thing_ids.get_or_insert_with(Default::default).note(id);
    }

    /// Keeps a thing read from the line `at`; a later line with the same id replaces it in place.
    fn keep(&mut self, thing: Thing, file: &str, at: &str) {
        let Thing { entity, address_refs, datasets } = thing;
        let id = entity.record_id.clone();
        match self.index.get(&id) {
            Some(&n) => {
                if !self.delta {
                    self.diagnostics.push(repeated_id(file, &id, at));
                }
                self.entities[n] = entity;
                self.address_refs[n] = address_refs;
                self.entity_datasets[n] = datasets;
            }
            None => {
                self.index.insert(id, self.entities.len());
                self.entities.push(entity);
                self.address_refs.push(address_refs);
                self.entity_datasets.push(datasets);
            }
        }
    }
}

/// The warning for a thing line whose id an earlier line already used.
fn repeated_id(file: &str, id: &str, at: &str) -> Diagnostic {
    Diagnostic::warning(file, "a second line with the same id; the later one replaces the earlier")
        .record(id.to_string())
        .at(at)
}

/// Reads a thing line into an entity; `datasets` are the line's own.
#[expect(
    clippy::too_many_arguments,
    reason = "the parts of one FtM line as the reader has split them; a struct would only rename them"
)]
fn read_thing(
    id: &str,
    schema_name: &str,
    object: &Map<String, Value>,
    props: &Map<String, Value>,
    datasets: Vec<String>,
    file: &str,
    at: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Thing {
    let schema = match schema_name {
        "PublicBody" => Schema::Organization,
        other => Schema::from_name(other).unwrap_or(Schema::LegalEntity),
    };
    // The dataset is known only at the end of the file; `finish` sets it.
    let mut entity = Entity::new("", id, schema);
    let warn = |diagnostics: &mut Vec<Diagnostic>, message: String| {
        diagnostics.push(Diagnostic::warning(file, message).record(id.to_string()).at(at));
    };
    let date_property = match schema {
        Schema::Person => "birthDate",
        Schema::Vessel | Schema::Airplane => "buildDate",
        _ => "incorporationDate",
    };
    let caption = object.get("caption").and_then(Value::as_str).unwrap_or_default().trim();
    // Names first, strongest kind first: the caption (or the first name) is the primary
    // name, other names and aliases are strong, abbreviations are weak like weak aliases.
    let mut names = strings(props.get("name"));
    let primary = names.iter().position(|v| v == caption).unwrap_or(0);
    if primary < names.len() {
        let first = names.remove(primary);
        names.insert(0, first);
    }
    let kinds = [
        ("name", NameKind::Alias),
        ("alias", NameKind::Alias),
        ("weakAlias", NameKind::Weak),
        ("abbreviation", NameKind::Weak),
        ("previousName", NameKind::Previous),
    ];
    for (property, kind) in kinds {
        let values =
            if property == "name" { std::mem::take(&mut names) } else { strings(props.get(property)) };
        for value in values {
            let kind = if entity.names.is_empty() && property == "name" { NameKind::Primary } else { kind };
            let mut name = Name::new(value.as_str(), kind);
            name.original_script = non_latin(&value);
            entity.add_name(name);
        }
    }
    let mut address_refs = Vec::new();
    for (property, value) in props {
        let values = strings(Some(value));
        match property.as_str() {
            "name" | "alias" | "weakAlias" | "previousName" | "abbreviation" => {}
            "firstName" | "middleName" | "lastName" | "fatherName" if values.len() == 1 => {}
            p if p == date_property => {
                for value in values {
                    match DateSpec::parse(&value) {
                        Some(spec) if !entity.birth_dates.contains(&spec) => entity.birth_dates.push(spec),
                        Some(_) => {}
                        None => {
                            warn(diagnostics, format!("{property} {value:?}; expected an ISO date"));
                            Entity::push_unique(&mut entity.notes, format!("{property}: {value}"));
                        }
                    }
                }
            }
            "birthPlace" => values.into_iter().for_each(|v| Entity::push_unique(&mut entity.birth_places, v)),
            "nationality" | "citizenship" | "country" | "jurisdiction" | "mainCountry" => {
                for value in values {
                    let Some(code) = country_code(&value) else {
                        warn(diagnostics, format!("{property} {value:?}; expected a country code"));
                        continue;
                    };
                    let list = match property.as_str() {
                        "nationality" => &mut entity.nationalities,
                        "citizenship" => &mut entity.citizenships,
                        _ => &mut entity.countries,
                    };
                    Entity::push_unique(list, code);
                }
            }
            "gender" => {
                for value in values {
                    match Gender::parse(&value) {
                        Some(g) => entity.gender = Some(g),
                        None => entity.add_property("gender", value),
                    }
                }
            }
            "title" => values.into_iter().for_each(|v| Entity::push_unique(&mut entity.titles, v)),
            "position" => values.into_iter().for_each(|v| Entity::push_unique(&mut entity.positions, v)),
            "notes" => values.into_iter().for_each(|v| Entity::push_unique(&mut entity.notes, v)),
            "address" => {
                for full in values {
                    let address = Address { full, city: None, country: None };
                    if !entity.addresses.contains(&address) {
                        entity.addresses.push(address);
                    }
                }
            }
            "addressEntity" => address_refs.extend(values),
            _ => {
                if let Some((_, kind)) = ID_PROPERTIES.iter().find(|(p, _)| p == property) {
                    for value in values {
                        entity.add_identifier(Identifier {
                            kind: kind.clone(),
                            value,
                            country: None,
                            note: Some(property.clone()),
                        });
                    }
                } else {
                    values.into_iter().for_each(|v| entity.add_property(property, v));
                }
            }
        }
    }
    // No usable `name` (yente's test data has `"name": [""]`): the caption is the primary
    // name, else the first alias.
    if !entity.names.iter().any(|n| n.kind == NameKind::Primary) {
        let caption = Name::new(caption, NameKind::Primary);
        let pick = if caption.full.is_empty() {
            entity.names.first().map(|n| n.full.clone())
        } else {
            Some(caption.full.clone())
        };
        if let Some(pick) = pick {
            let mut name = match entity.names.iter().position(|n| n.full == pick) {
                Some(n) => entity.names.remove(n),
                None => caption,
            };
            name.kind = NameKind::Primary;
            name.original_script = non_latin(&name.full);
            entity.names.insert(0, name);
        }
    }
    // Name parts, where FtM gives one value each: they belong to the primary name.
    if let Some(primary) = entity.names.iter_mut().find(|n| n.kind == NameKind::Primary) {
        let single = |name: &str| match strings(props.get(name)).as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        };
        primary.parts.first = single("firstName");
        primary.parts.middle = single("middleName");
        primary.parts.last = single("lastName");
        primary.parts.patronymic = single("fatherName");
    }
    if entity.names.is_empty() {
        warn(diagnostics, "no name and no caption; the entity is kept under its id".to_string());
    }
    let referents = strings(object.get("referents"));
    for referent in referents {
        entity.add_property("referents", referent);
    }
    Thing { entity, address_refs, datasets }
}

impl Reader {
    /// Folds everything that points at things into them, and names the dataset.
    fn finish(mut self, file: &str) -> ParsedList {
        let folder = Folder::new(&self.facts, list_dataset(&self.datasets), file);
        let mut list = ParsedList::new(folder.dataset.clone(), crate::Format::FtmJson.name());
        let ftm_ids: Vec<String> = self.entities.iter().map(|e| e.record_id.clone()).collect();
        let mut late = Vec::new();
        for (n, entity) in self.entities.iter_mut().enumerate() {
            folder.name(entity, &self.entity_datasets[n], &self.address_refs[n], &mut late);
        }
        self.diagnostics.append(&mut late);
        let captions: Vec<String> = self.entities.iter().map(|e| e.caption().to_string()).collect();
        let index = &self.index;
        let caption_of = |ftm_id: &str| index.get(ftm_id).map(|&t| captions[t].clone());
        for (n, entity) in self.entities.iter_mut().enumerate() {
            folder.fold(&ftm_ids[n], entity, &self.entity_datasets[n], &caption_of);
        }
        let removed: Vec<String> = self.removed.iter().map(|id| folder.record_id(id)).collect();
        if !removed.is_empty() {
            self.entities.retain(|e| !removed.contains(&e.record_id));
        }
        list.meta.delta = self.delta;
        list.meta.removed = removed;
        list.entities = self.entities;
        list.diagnostics = self.diagnostics;
        list
    }
}

/// The list's dataset: the one dataset its lines name, else [`MIXED_DATASET`].
fn list_dataset(datasets: &[String]) -> String {
    match datasets {
        [one] => one.clone(),
        _ => MIXED_DATASET.to_string(),
    }
}

/// Which facts point at each `FtM` id: indexes into [`Facts`]' lists, in the lists' order, once
/// per mention.
#[derive(Default)]
struct FactIndex {
    sanctions: HashMap<String, Vec<usize>>,
    /// Once per relation, however often the id is a party to it.
    relations: HashMap<String, Vec<usize>>,
    occupancies: HashMap<String, Vec<usize>>,
    documents: HashMap<String, Vec<usize>>,
}

/// Folds the facts of a file into its things, one thing at a time, so that a thing can leave
/// the reader as soon as it is complete.
struct Folder<'a> {
    facts: &'a Facts,
    by_target: FactIndex,
    dataset: String,
    /// `dataset:`, dropped from the front of `FtM` ids.
    prefix: String,
    file: &'a str,
}

impl<'a> Folder<'a> {
    fn new(facts: &'a Facts, dataset: String, file: &'a str) -> Folder<'a> {
        let mut by_target = FactIndex::default();
        let mention = |map: &mut HashMap<String, Vec<usize>>, id: &str, n: usize| {
            map.entry(id.to_string()).or_default().push(n);
        };
        for (n, sanction) in facts.sanctions.iter().enumerate() {
            sanction.entities.iter().for_each(|id| mention(&mut by_target.sanctions, id, n));
        }
        for (n, relation) in facts.relations.iter().enumerate() {
            for id in relation.a.iter().chain(&relation.b) {
                let mentions = by_target.relations.entry(id.clone()).or_default();
                if mentions.last() != Some(&n) {
                    mentions.push(n);
                }
            }
        }
        for (n, (holders, _)) in facts.occupancies.iter().enumerate() {
            holders.iter().for_each(|id| mention(&mut by_target.occupancies, id, n));
        }
        for (n, document) in facts.documents.iter().enumerate() {
            document.holders.iter().for_each(|id| mention(&mut by_target.documents, id, n));
        }
        let prefix = format!("{dataset}:");
        Folder { facts, by_target, dataset, prefix, file }
    }

    /// The record id of an `FtM` id: without a leading "dataset:" (how Ward's export writes ids),
    /// so that a written and re-read subject keeps its referent.
    fn record_id(&self, ftm_id: &str) -> String {
        ftm_id.strip_prefix(&self.prefix).unwrap_or(ftm_id).to_string()
    }

    fn referent(&self, ftm_id: &str) -> String {
        format!("{}:{}", self.dataset, self.record_id(ftm_id))
    }

    /// Gives a thing its dataset, ids and cited addresses: all its caption depends on. A cited
    /// address missing from the file is a warning in `late`.
    fn name(&self, entity: &mut Entity, own: &[String], address_refs: &[String], late: &mut Vec<Diagnostic>) {
        let ftm_id = entity.record_id.clone();
        entity.dataset = self.dataset.clone();
        entity.record_id = self.record_id(&ftm_id);
        entity.id = self.referent(&ftm_id);
        if own != [self.dataset.clone()] {
            for d in own {
                entity.add_property("datasets", d.clone());
            }
        }
        let mut missing = Vec::new();
        for reference in address_refs {
            match self.facts.addresses.get(reference) {
                Some(address) => {
                    if let Some(country) = &address.country {
                        Entity::push_unique(&mut entity.countries, country.clone());
                    }
                    if !entity.addresses.iter().any(|a| a.full == address.full) {
                        entity.addresses.push(address.clone());
                    }
                }
                None => missing.push(reference.as_str()),
            }
        }
        if !missing.is_empty() {
            late.push(
                Diagnostic::warning(
                    self.file,
                    format!(
                        "addressEntity {} is not in the file; the address is left out",
                        missing.join(", ")
                    ),
                )
                .record(ftm_id),
            );
        }
    }

    /// Folds sanctions, relations, positions and documents into a named thing. `caption_of`
    /// gives the caption of the thing with an `FtM` id, `None` for an id that is no thing.
    fn fold(
        &self,
        ftm_id: &str,
        entity: &mut Entity,
        own: &[String],
        caption_of: &dyn Fn(&str) -> Option<String>,
    ) {
        let dataset = &self.dataset;
        let mentions = |map: &HashMap<String, Vec<usize>>| map.get(ftm_id).cloned().unwrap_or_default();
        for n in mentions(&self.by_target.sanctions) {
            let sanction = &self.facts.sanctions[n];
            let mut designation = sanction.designation.clone();
            if designation.dataset.is_empty() {
                designation.dataset = dataset.clone();
            }
            entity.designations.push(designation);
            for url in &sanction.source_urls {
                entity.add_property("sourceUrl", url.clone());
            }
        }
        for n in mentions(&self.by_target.relations) {
            let relation = &self.facts.relations[n];
            let link = |kind: LinkKind, target: &str, role: &str| Link {
                kind,
                target_id: Some(self.referent(target)),
                target_name: caption_of(target),
                description: Some(match &relation.text {
                    Some(text) => format!("{role}: {text}"),
                    None => role.to_string(),
                }),
            };
            for a in &relation.a {
                for b in &relation.b {
                    if a == ftm_id {
                        let forward = link(relation.kind, b, relation.b_role);
                        if !entity.links.contains(&forward) {
                            entity.links.push(forward);
                        }
                    }
                    if b == ftm_id {
                        // The asset is owned by the owner: the owner gets a plain link back.
                        let back_kind =
                            if relation.kind == LinkKind::OwnedBy { LinkKind::Other } else { relation.kind };
                        let backward = link(back_kind, a, relation.a_role);
                        if !entity.links.contains(&backward) {
                            entity.links.push(backward);
                        }
                    }
                }
            }
        }
        for n in mentions(&self.by_target.occupancies) {
            for post in &self.facts.occupancies[n].1 {
                if let Some(position) = self.facts.positions.get(post) {
                    Entity::push_unique(&mut entity.positions, position.clone());
                }
            }
        }
        for n in mentions(&self.by_target.documents) {
            entity.add_identifier(self.facts.documents[n].identifier.clone());
        }
        // Things marked as sanctioned that no Sanction entity describes (the usual case in
        // OpenSanctions' per-dataset exports) still get a designation by their dataset.
        let sanctioned = entity.properties.get("topics").is_some_and(|t| t.iter().any(|t| t == "sanction"));
        if !sanctioned || !entity.designations.is_empty() {
            return;
        }
        // One designation per sanctions dataset Ward knows; else one by the first dataset
        // that names sanctions (an entity is also in PEP, debarment and registry datasets).
        let mut by: Vec<String> = own
            .iter()
            .filter(|d| d.as_str() != MIXED_DATASET && dataset_info(d).is_some())
            .cloned()
            .collect();
        if by.is_empty() {
            by.extend(
                own.iter()
                    .find(|d| d.contains("sanction"))
                    .or(own.first())
                    .cloned()
                    .or_else(|| Some(dataset.clone())),
            );
        }
        let mut programs: Vec<String> = entity.properties.get("programId").cloned().unwrap_or_default();
        for program in entity.properties.get("program").into_iter().flatten() {
            Entity::push_unique(&mut programs, program.clone());
        }
        // Which program belongs to which of several datasets is not said.
        let programs = if by.len() == 1 { programs } else { Vec::new() };
        for own in by {
            entity.designations.push(Designation {
                authority: dataset_info(&own).map(|d| d.authority.to_string()).unwrap_or_default(),
                dataset: own,
                programs: programs.clone(),
                record_id: entity.record_id.clone(),
                ..Designation::default()
            });
        }
    }
}
