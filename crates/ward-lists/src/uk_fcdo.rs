//! The UK Sanctions List of the FCDO (XML, root `Designations`, schema 4.x): one `Designation`
//! per individual, entity or ship, with names in six parts and their alias strength,
//! non-Latin names, dates of birth with "dd/mm" placeholders, documents, addresses, ship details
//! and the regime that designates it.
//!
//! The record id is the list's `UniqueID` (`AFG0011`); the OFSI group id is kept in
//! `properties["ofsiGroupId"]` so that records can be linked to the OFSI consolidated list.

use crate::text::clean;
use crate::xml::{self, Element, RecordCtx};
use crate::{Error, Input, Result};
use std::collections::BTreeMap;
use ward_model::{
    dataset_info, Address, DateSpec, Designation, Entity, Gender, IdKind, Identifier, Link, LinkKind, Name,
    NameKind, NameParts, ParsedList, PartialDate, Schema,
};

const FORMAT: &str = "uk_fcdo_xml";
const DATASET: &str = "gb_fcdo_sanctions";

/// The leaf elements Ward reads; any other is reported once per file, so that fields of a newer
/// schema do not go unnoticed. (`SanctionsImposedIndicators` repeats `SanctionsImposed` as
/// flags and is skipped on purpose.)
const KNOWN_FIELDS: &[&str] = &[
    "LastUpdated",
    "DateDesignated",
    "UniqueID",
    "OFSIGroupID",
    "UNReferenceNumber",
    "Name1",
    "Name2",
    "Name3",
    "Name4",
    "Name5",
    "Name6",
    "NameType",
    "AliasStrength",
    "NameNonLatinScript",
    "NonLatinScriptType",
    "NonLatinScriptLanguage",
    "Title",
    "RegimeName",
    "IndividualEntityShip",
    "DesignationSource",
    "SanctionsImposed",
    "OtherInformation",
    "UKStatementofReasons",
    "AddressLine1",
    "AddressLine2",
    "AddressLine3",
    "AddressLine4",
    "AddressLine5",
    "AddressLine6",
    "AddressPostalCode",
    "AddressCountry",
    "PhoneNumber",
    "EmailAddress",
    "Website",
    "DOB",
    "PassportNumber",
    "PassportAdditionalInformation",
    "NationalIdentifierNumber",
    "NationalIdentifierAdditionalInformation",
    "Nationality",
    "Position",
    "TownOfBirth",
    "CountryOfBirth",
    "Gender",
    "TypeOfEntity",
    "BusinessRegistrationNumber",
    "ParentCompany",
    "Subsidiary",
    "IMONumber",
    "CurrentOwnerOperator",
    "PreviousOwnerOperator",
    "CurrentBelievedFlagOfShip",
    "PreviousFlag",
    "TypeOfShip",
    "TonnageOfShip",
    "LengthOfShip",
    "YearBuilt",
    "HullIdentificationNumber",
];

/// Parses a UK Sanctions List XML file.
pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    let source = input.main();
    crate::streaming::collect(|sink| parse_from(&source.bytes[..], &source.name, sink))
}

/// Reads a UK Sanctions List XML file from `source`, handing each entity to `sink` once its
/// record is read; the list returned has no entities.
pub(crate) fn parse_from(
    source: impl std::io::BufRead,
    file: &str,
    sink: &mut dyn FnMut(Entity),
) -> Result<ParsedList> {
    let mut list = ParsedList::new(DATASET, FORMAT);
    let mut diagnostics = Vec::new();
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    let header = xml::stream(source, file, FORMAT, &["Designation"], |el| {
        collect_unknown(&el, &mut unknown);
        let mut ctx = RecordCtx::new(file, el.offset, &mut diagnostics);
        if let Some(entity) = read_record(&el, &mut ctx) {
            sink(entity);
        }
    })?;
    match header.root.name.as_str() {
        "Designations" => {}
        "ArrayOfFinancialSanctionsTarget" => {
            return Err(Error::malformed(
                file,
                FORMAT,
                "this is the OFSI consolidated list XML (ArrayOfFinancialSanctionsTarget), not the FCDO UK \
                 Sanctions List; Ward reads the OFSI list from its xlsx or csv export",
            ))
        }
        other => {
            return Err(Error::malformed(
                file,
                FORMAT,
                format!("the root element is <{other}>, expected <Designations>"),
            ))
        }
    }
    list.meta.published =
        header.field("DateGenerated").and_then(DateSpec::parse).map(|d| d.from.to_iso()).or_else(|| {
            header.root.attr("dateGenerated").and_then(PartialDate::parse_iso).map(|d| d.to_iso())
        });
    diagnostics.extend(xml::unknown_fields_warning(file, &unknown));
    list.diagnostics = diagnostics;
    Ok(list)
}

/// Counts, once per record, the leaf elements Ward does not read.
fn collect_unknown(el: &Element, unknown: &mut BTreeMap<String, usize>) {
    fn walk<'a>(el: &'a Element, found: &mut Vec<&'a str>) {
        for child in &el.children {
            if child.name == "SanctionsImposedIndicators" {
                continue;
            }
            if child.children.is_empty() {
                if !KNOWN_FIELDS.contains(&child.name.as_str()) && !found.contains(&child.name.as_str()) {
                    found.push(&child.name);
                }
            } else {
                walk(child, found);
            }
        }
    }
    let mut found = Vec::new();
    walk(el, &mut found);
    for name in found {
        *unknown.entry(name.to_string()).or_default() += 1;
    }
}

/// The trimmed, space-collapsed text of an element, or `None` when empty.
fn value(el: &Element) -> Option<String> {
    clean(&el.text).map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The value of the first child named `name`.
fn field(el: &Element, name: &str) -> Option<String> {
    el.child(name).and_then(value)
}

/// The values of every descendant named `name`, wherever the schema nests it.
fn all(el: &Element, name: &str) -> Vec<String> {
    el.descendants(name).into_iter().filter_map(value).collect()
}

/// Parses the list's dates: `31/01/2001`, and dates of birth with unknown parts written
/// `dd/mm/1968` or `dd/09/1958`.
fn parse_date(text: &str) -> Option<DateSpec> {
    let numeric = text.replace("dd", "00").replace("DD", "00").replace("mm", "00").replace("MM", "00");
    let mut spec = DateSpec::parse(&numeric)?;
    spec.raw = text.to_string();
    Some(spec)
}

fn read_record(el: &Element, ctx: &mut RecordCtx<'_>) -> Option<Entity> {
    let Some(unique_id) = field(el, "UniqueID") else {
        let name = el.descendants("Name6").into_iter().find_map(value).unwrap_or_default();
        ctx.error(format!("<Designation> without a UniqueID ({name:?}); record skipped"));
        return None;
    };
    ctx.record = Some(unique_id.clone());
    let kind = field(el, "IndividualEntityShip").unwrap_or_default();
    let schema = match kind.to_ascii_lowercase().as_str() {
        "individual" => Schema::Person,
        "entity" => Schema::Organization,
        "ship" => Schema::Vessel,
        _ => {
            ctx.warn(format!("unknown IndividualEntityShip {kind:?}; read as a legal entity"));
            Schema::LegalEntity
        }
    };
    let mut entity = Entity::new(DATASET, &unique_id, schema);
    read_names(el, &mut entity);
    if entity.names.is_empty() {
        ctx.warn("the record gives no name");
    }
    if let Some(group) = field(el, "OFSIGroupID") {
        entity.add_property("ofsiGroupId", group);
    }
    for title in all(el, "Title") {
        Entity::push_unique(&mut entity.titles, title);
    }
    read_addresses(el, &mut entity, ctx);
    for (tag, property) in [("PhoneNumber", "phone"), ("EmailAddress", "email"), ("Website", "website")] {
        for v in all(el, tag) {
            entity.add_property(property, v);
        }
    }
    read_individual(el, &mut entity, ctx);
    read_organization(el, &mut entity);
    read_ship(el, &mut entity, ctx);
    if let Some(other) = field(el, "OtherInformation") {
        entity.notes.push(other);
    }
    if let Some(sanctions) = field(el, "SanctionsImposed") {
        entity.notes.push(format!("Sanctions imposed: {}", sanctions.replace('|', ", ")));
    }
    if let Some(source) = field(el, "DesignationSource") {
        entity.notes.push(format!("Designation source: {source}"));
    }
    let regime = field(el, "RegimeName");
    let mut designation = Designation {
        authority: dataset_info(DATASET).map(|d| d.authority.to_string()).unwrap_or_default(),
        dataset: DATASET.to_string(),
        programs: regime.clone().into_iter().collect(),
        reason: field(el, "UKStatementofReasons"),
        // The regime is named by its regulations, which are the legal basis.
        legal_basis: regime,
        record_id: unique_id,
        un_reference: field(el, "UNReferenceNumber"),
        ..Designation::default()
    };
    for (tag, slot) in
        [("DateDesignated", &mut designation.listed_on), ("LastUpdated", &mut designation.modified_on)]
    {
        if let Some(text) = field(el, tag) {
            match parse_date(&text) {
                Some(spec) => *slot = Some(spec.from.to_iso()),
                None => ctx.warn(format!("{tag} {text:?} is not a date")),
            }
        }
    }
    entity.designations.push(designation);
    Some(entity)
}

/// ISO 639-3 codes of the languages `NonLatinScriptLanguage` names.
const LANGUAGES: &[(&str, &str)] = &[
    ("arabic", "ara"),
    ("armenian", "hye"),
    ("belarusian", "bel"),
    ("burmese", "mya"),
    ("chinese", "zho"),
    ("farsi", "fas"),
    ("georgian", "kat"),
    ("hebrew", "heb"),
    ("korean", "kor"),
    ("persian", "fas"),
    ("russian", "rus"),
    ("ukrainian", "ukr"),
];

fn read_names(el: &Element, entity: &mut Entity) {
    let person = entity.schema == Schema::Person;
    for name in el.descendants("Name") {
        let parts: Vec<Option<String>> =
            ["Name1", "Name2", "Name3", "Name4", "Name5", "Name6"].iter().map(|n| field(name, n)).collect();
        let full: Vec<&str> = parts.iter().flatten().map(String::as_str).collect();
        if full.is_empty() {
            continue;
        }
        // "Primary Name" and "Primary name" both occur; "Primary name variation" is an alias.
        let name_type = field(name, "NameType").unwrap_or_default().to_ascii_lowercase();
        let strength = field(name, "AliasStrength").unwrap_or_default().to_ascii_lowercase();
        let kind = if name_type.contains("primary") && !name_type.contains("variation") {
            NameKind::Primary
        } else if name_type.contains("previous") || name_type.contains("former") {
            NameKind::Previous
        } else if strength.contains("low") {
            NameKind::Weak
        } else {
            NameKind::Alias
        };
        let mut n = Name::from_parts(full, kind);
        if person {
            // Name1 is the given name, Name6 the family name, Name2-5 the names between.
            let middle: Vec<&str> =
                parts.get(1..5).unwrap_or_default().iter().flatten().map(String::as_str).collect();
            n.parts = NameParts {
                first: parts.first().cloned().flatten(),
                middle: (!middle.is_empty()).then(|| middle.join(" ")),
                last: parts.get(5).cloned().flatten(),
                patronymic: None,
            };
        }
        entity.add_name(n);
    }
    for non_latin in el.descendants("NonLatinName") {
        let Some(text) = field(non_latin, "NameNonLatinScript") else { continue };
        let mut name = Name::new(text, NameKind::Alias).in_original_script();
        let language = field(non_latin, "NonLatinScriptLanguage").unwrap_or_default().to_ascii_lowercase();
        name.lang = LANGUAGES.iter().find(|(l, _)| *l == language).map(|(_, code)| code.to_string());
        entity.add_name(name);
    }
}

fn read_addresses(el: &Element, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    for address in el.descendants("Address") {
        let country_name = field(address, "AddressCountry");
        let lines: Vec<String> = [
            "AddressLine1",
            "AddressLine2",
            "AddressLine3",
            "AddressLine4",
            "AddressLine5",
            "AddressLine6",
            "AddressPostalCode",
        ]
        .iter()
        .filter_map(|n| field(address, n))
        .chain(country_name.clone())
        .collect();
        if lines.is_empty() {
            continue;
        }
        let country = country_name.as_deref().and_then(|c| ctx.country(c, "address"));
        let address = Address::from_parts(lines.iter().map(String::as_str), None, country.as_deref());
        if !entity.addresses.contains(&address) {
            entity.addresses.push(address);
        }
    }
}

fn read_individual(el: &Element, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    for dob in all(el, "DOB") {
        match parse_date(&dob) {
            Some(spec) => {
                if !entity.birth_dates.iter().any(|d| d.from == spec.from && d.to == spec.to) {
                    entity.birth_dates.push(spec);
                }
            }
            None => {
                ctx.warn(format!("date of birth {dob:?} not understood; kept in notes"));
                entity.notes.push(format!("Date of birth: {dob}"));
            }
        }
    }
    for nationality in all(el, "Nationality") {
        if let Some(code) = ctx.country(&nationality, "Nationality") {
            Entity::push_unique(&mut entity.nationalities, code);
        }
    }
    for position in all(el, "Position") {
        Entity::push_unique(&mut entity.positions, position);
    }
    for gender in all(el, "Gender") {
        match Gender::parse(&gender) {
            Some(g) => entity.gender = Some(g),
            None => ctx.warn(format!("unknown gender {gender:?}")),
        }
    }
    for location in el.descendants("Location") {
        let place: Vec<String> = location.children.iter().filter_map(value).collect();
        if !place.is_empty() {
            Entity::push_unique(&mut entity.birth_places, place.join(", "));
        }
    }
    for passport in el.descendants("Passport") {
        if let Some(number) = field(passport, "PassportNumber") {
            entity.add_identifier(Identifier {
                kind: IdKind::Passport,
                value: number,
                country: None,
                note: field(passport, "PassportAdditionalInformation"),
            });
        }
    }
    for national in el.descendants("NationalIdentifier") {
        if let Some(number) = field(national, "NationalIdentifierNumber") {
            let note = field(national, "NationalIdentifierAdditionalInformation");
            // The remark often names the document ("Tax Identification Number"); a ration card
            // or an unnamed number is a national id.
            let kind = match note.as_deref().map(IdKind::classify) {
                Some(IdKind::Other) | None => IdKind::NationalId,
                Some(kind) => kind,
            };
            entity.add_identifier(Identifier { kind, value: number, country: None, note });
        }
    }
}

fn read_organization(el: &Element, entity: &mut Entity) {
    for kind in all(el, "TypeOfEntity") {
        entity.notes.push(format!("Type of entity: {kind}"));
    }
    for number in all(el, "BusinessRegistrationNumber") {
        entity.add_identifier(Identifier::from_label("Business Registration Number", &number, None));
    }
    for (tag, kind, description) in [
        ("ParentCompany", LinkKind::OwnedBy, "parent company"),
        ("Subsidiary", LinkKind::Other, "subsidiary"),
    ] {
        for name in all(el, tag) {
            entity.links.push(Link {
                kind,
                target_id: None,
                target_name: Some(name),
                description: Some(description.into()),
            });
        }
    }
}

fn read_ship(el: &Element, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    for imo in all(el, "IMONumber") {
        let number = imo.trim_start_matches("IMO").trim().to_string();
        entity.add_identifier(Identifier { kind: IdKind::Imo, value: number, country: None, note: None });
    }
    for hin in all(el, "HullIdentificationNumber") {
        entity.add_identifier(Identifier::from_label("Hull identification number (HIN)", &hin, None));
    }
    for owner in all(el, "CurrentOwnerOperator") {
        entity.add_property("owner", owner);
    }
    for owner in all(el, "PreviousOwnerOperator") {
        entity.notes.push(format!("Previous owner/operator: {owner}"));
    }
    for flag in all(el, "CurrentBelievedFlagOfShip") {
        if let Some(code) = ctx.country(&flag, "flag") {
            entity.add_property("flag", code.clone());
            Entity::push_unique(&mut entity.countries, code);
        }
    }
    for flag in all(el, "PreviousFlag") {
        if let Some(code) = ctx.country(&flag, "previous flag") {
            entity.add_property("pastFlags", code);
        }
    }
    for (tag, property) in [("TypeOfShip", "type"), ("TonnageOfShip", "tonnage")] {
        for v in all(el, tag) {
            entity.add_property(property, v);
        }
    }
    for length in all(el, "LengthOfShip") {
        entity.notes.push(format!("Length of ship: {length}"));
    }
    for year in all(el, "YearBuilt") {
        match DateSpec::parse(&year) {
            Some(spec) => {
                entity.add_property("buildDate", spec.from.to_iso());
                if !entity.birth_dates.contains(&spec) {
                    entity.birth_dates.push(spec);
                }
            }
            None => ctx.warn(format!("YearBuilt {year:?} is not a year")),
        }
    }
}

#[cfg(test)]
mod tests;
