//! OFAC classic XML (`<sdnList>`): sdn.xml and consolidated.xml share the schema.
//!
//! Each `<sdnEntry>` has uid, firstName/lastName, title, sdnType, remarks, programList,
//! idList (OFAC's labelled facts: passports, websites, "Secondary sanctions risk:"...), akaList
//! (type a.k.a./f.k.a./n.k.a., category strong/weak), addressList, nationalityList,
//! citizenshipList, dateOfBirthList, placeOfBirthList and vesselInfo. The header
//! `publshInformation` gives `Publish_Date` (MM/DD/YYYY) and `Record_Count`.
//!
//! Nothing in the file says which list it is, so the programmes decide
//! ([`remarks::decide_dataset`]): `us_ofac_cons` when most entries carry non-SDN programme
//! tags (NS-PLC, UKRAINE-EO13662, CMIC-EO13959, ...), `us_ofac_sdn` otherwise; a file without
//! entries is named by its file name.

use crate::country;
use crate::ofac::remarks::{self, add_name, apply_fact, designation, push_note, SDN};
use crate::xml::{self, Element};
use crate::{Input, Result};
use ward_model::{DateSpec, Diagnostic, Entity, IdKind, Identifier, NameKind, ParsedList, Schema};

#[cfg(test)]
mod tests;

/// The format name in errors.
const FORMAT: &str = "OFAC sdnList XML";

/// Parses a classic OFAC XML file.
pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    let source = input.main();
    let file = source.name.as_str();
    let mut entities: Vec<Entity> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut entries_read: u64 = 0;
    let header = xml::stream(&source.bytes[..], file, FORMAT, &["sdnEntry"], |entry| {
        entries_read += 1;
        if let Some(entity) = read_entry(&entry, file, &mut diagnostics) {
            if !seen.insert(entity.record_id.clone()) {
                diagnostics.push(
                    Diagnostic::error(file, "duplicate uid; the first entry is kept")
                        .record(entity.record_id.clone())
                        .at(format!("byte {}", entry.offset)),
                );
            } else {
                entities.push(entity);
            }
        }
    })?;
    if header.root.name != "sdnList" {
        return Err(crate::Error::malformed(
            file,
            FORMAT,
            format!("the root element is <{}>, not <sdnList>", header.root.name),
        ));
    }
    let dataset = remarks::decide_dataset(
        entities.iter().map(|e| e.designations.first().map_or(&[][..], |d| d.programs.as_slice())),
        file,
    );
    remarks::set_dataset(&mut entities, dataset);
    remarks::resolve_links(&mut entities);

    let mut list = ParsedList::new(dataset, "ofac_xml");
    list.meta.published = header.field("Publish_Date").and_then(|d| {
        let iso = us_date(d);
        if iso.is_none() {
            diagnostics.push(Diagnostic::warning(file, format!("Publish_Date {d:?} is not MM/DD/YYYY")));
        }
        iso
    });
    if let Some(count) = header.field("Record_Count") {
        match count.trim().parse::<u64>() {
            // A file with fewer entries than its header counts was cut between two entries
            // (or is an excerpt): part of a list must not replace the whole.
            Ok(n) if n != entries_read => {
                return Err(crate::Error::malformed(
                    file,
                    FORMAT,
                    format!("publshInformation/Record_Count declares {n} records, the file holds {entries_read} <sdnEntry>: the file is cut or an excerpt"),
                ));
            }
            Ok(n) => list.meta.declared_count = Some(n),
            Err(_) => {
                diagnostics
                    .push(Diagnostic::warning(file, format!("Record_Count {count:?} is not a number")));
            }
        }
    }
    list.entities = entities;
    list.diagnostics = diagnostics;
    Ok(list)
}

/// "01/08/2026" (month first, as OFAC writes it) as 2026-01-08.
fn us_date(text: &str) -> Option<String> {
    let mut parts = text.trim().split('/');
    let (m, d, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let date = ward_model::PartialDate::new(y.parse().ok()?, Some(m.parse().ok()?), Some(d.parse().ok()?))?;
    (date.day.is_some()).then(|| date.to_iso())
}

/// One `<sdnEntry>`, or `None` (with an error diagnostic) when it has no uid or no name.
fn read_entry(entry: &Element, file: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Entity> {
    let at = format!("byte {}", entry.offset);
    let Some(uid) = entry.child_text("uid").filter(|u| u.bytes().all(|b| b.is_ascii_alphanumeric())) else {
        diagnostics.push(Diagnostic::error(file, "entry skipped: expected a <uid>").at(at));
        return None;
    };
    let mut warnings: Vec<String> = Vec::new();
    let schema = match entry.child_text("sdnType").map(str::to_ascii_lowercase).as_deref() {
        Some("individual") => Schema::Person,
        Some("entity") => Schema::Organization,
        Some("vessel") => Schema::Vessel,
        Some("aircraft") => Schema::Airplane,
        other => {
            warnings.push(format!("unknown sdnType {other:?}; read as a legal entity"));
            Schema::LegalEntity
        }
    };
    let mut entity = Entity::new(SDN, uid, schema);
    let Some(name) = full_name(entry) else {
        diagnostics.push(Diagnostic::error(file, "entry skipped: expected a <lastName>").record(uid).at(at));
        return None;
    };
    add_name(&mut entity, &name, NameKind::Primary);
    let programs: Vec<String> = entry
        .child("programList")
        .map(|l| l.children("program").filter_map(|p| clean_text(&p.text)).map(str::to_string).collect())
        .unwrap_or_default();
    entity.designations.push(designation(SDN, uid, programs));
    if let Some(title) = entry.child_text("title") {
        Entity::push_unique(&mut entity.titles, title);
    }
    for aka in entry.child("akaList").into_iter().flat_map(|l| l.children("aka")) {
        let Some(name) = full_name(aka) else {
            warnings.push("an <aka> without a name is ignored".to_string());
            continue;
        };
        let weak = aka.child_text("category").is_some_and(|c| c.eq_ignore_ascii_case("weak"));
        let kind = match aka.child_text("type") {
            _ if weak => NameKind::Weak,
            Some(t) if t.eq_ignore_ascii_case("f.k.a.") => NameKind::Previous,
            _ => NameKind::Alias,
        };
        add_name(&mut entity, &name, kind);
    }
    for item in entry.child("dateOfBirthList").into_iter().flat_map(|l| l.children("dateOfBirthItem")) {
        let Some(text) = item.child_text("dateOfBirth") else {
            continue;
        };
        match DateSpec::parse(text) {
            Some(date) if !entity.birth_dates.contains(&date) => entity.birth_dates.push(date),
            Some(_) => {}
            None => {
                warnings.push(format!("cannot read the date of birth {text:?}; kept in notes"));
                push_note(&mut entity, format!("DOB {text}"));
            }
        }
    }
    for item in entry.child("placeOfBirthList").into_iter().flat_map(|l| l.children("placeOfBirthItem")) {
        if let Some(place) = item.child_text("placeOfBirth") {
            Entity::push_unique(&mut entity.birth_places, place);
        }
    }
    for (list, item, label) in
        [("nationalityList", "nationality", "nationality"), ("citizenshipList", "citizenship", "citizen")]
    {
        for el in entry.child(list).into_iter().flat_map(|l| l.children(item)) {
            if let Some(country) = el.child_text("country") {
                apply_fact(&mut entity, label, country, None, None, &mut warnings);
            }
        }
    }
    for id in entry.child("idList").into_iter().flat_map(|l| l.children("id")) {
        let (Some(label), value) = (id.child_text("idType"), id.child_text("idNumber").unwrap_or("")) else {
            continue;
        };
        let detail: Vec<String> = [("issued", "issueDate"), ("expires", "expirationDate")]
            .iter()
            .filter_map(|(word, tag)| id.child_text(tag).map(|d| format!("{word} {d}")))
            .collect();
        let detail = (!detail.is_empty()).then(|| detail.join("; "));
        apply_fact(&mut entity, label, value, id.child_text("idCountry"), detail.as_deref(), &mut warnings);
    }
    for address in entry.child("addressList").into_iter().flat_map(|l| l.children("address")) {
        read_address(&mut entity, address, &mut warnings);
    }
    if let Some(vessel) = entry.child("vesselInfo") {
        read_vessel(&mut entity, vessel, &mut warnings);
    }
    if let Some(remarks) = entry.child_text("remarks") {
        warnings.extend(remarks::apply_remarks(&mut entity, remarks, false));
    }
    for message in warnings {
        diagnostics.push(Diagnostic::warning(file, message).record(uid).at(format!("byte {}", entry.offset)));
    }
    Some(entity)
}

fn clean_text(text: &str) -> Option<&str> {
    crate::text::clean(text)
}

/// "LAST, First" as the CSV files write it, so that both formats give the same names.
fn full_name(el: &Element) -> Option<String> {
    let last = el.child_text("lastName").and_then(clean_text);
    let first = el.child_text("firstName").and_then(clean_text);
    match (last, first) {
        (Some(last), Some(first)) => Some(format!("{last}, {first}")),
        (Some(name), None) | (None, Some(name)) => Some(name.to_string()),
        (None, None) => None,
    }
}

fn read_address(entity: &mut Entity, address: &Element, warnings: &mut Vec<String>) {
    let text = |tag: &str| address.child_text(tag).and_then(clean_text);
    let country = text("country");
    let code = country.and_then(|name| {
        let code = country::country(name);
        if code.is_none() && !country::is_no_country(name) {
            warnings.push(format!("unknown address country {name:?}; kept in the address text"));
        }
        code
    });
    let parts = remarks::AddressParts {
        street: ["address1", "address2", "address3"].iter().filter_map(|tag| text(tag)).collect(),
        city: text("city"),
        state: text("stateOrProvince"),
        postal: text("postalCode"),
        region: text("region"),
        country,
    };
    let address = parts.to_address(code);
    if !address.full.is_empty() && !entity.addresses.contains(&address) {
        entity.addresses.push(address);
    }
}

fn read_vessel(entity: &mut Entity, vessel: &Element, warnings: &mut Vec<String>) {
    let text = |tag: &str| vessel.child_text(tag).and_then(clean_text);
    if let Some(call_sign) = text("callSign") {
        let mut identifier = Identifier::from_label("Call Sign", call_sign, None);
        identifier.kind = IdKind::CallSign;
        entity.add_identifier(identifier);
    }
    for (tag, property) in [
        ("vesselType", "type"),
        ("tonnage", "tonnage"),
        ("grossRegisteredTonnage", "grossRegisteredTonnage"),
        ("vesselOwner", "owner"),
    ] {
        if let Some(value) = text(tag) {
            entity.add_property(property, value);
        }
    }
    if let Some(flag) = text("vesselFlag") {
        apply_fact(entity, "Vessel Flag", flag, None, None, warnings);
    }
}
