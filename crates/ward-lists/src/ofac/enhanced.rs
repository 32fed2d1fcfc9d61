//! OFAC enhanced XML (`<sanctionsData>`): `SDN_ENHANCED.XML` and `CONS_ENHANCED.XML`.
//!
//! Before the entities the file holds `publicationInfo` (dataAsOf, and the list it was filtered
//! to: "SDN List" or "Consolidated List"), `referenceValues` (every id the entities cite:
//! countries with ISO codes, alias types, scripts, ...) and `featureTypes`. Each `<entity>` has
//! generalInfo (entityType, remarks), sanctionsLists (with datePublished), sanctionsPrograms,
//! sanctionsTypes, legalAuthorities, names (each with translations per script, name parts,
//! aliasType, isLowQuality), addresses (country and address parts per script), features
//! (birthdate, nationality, website, "Secondary sanctions risk:", ... with dates and reference
//! values), identityDocuments and relationships to other entities by id.
//!
//! Entities cite reference values by id and also repeat their text; the tables are read first
//! (the file puts them first) and used where the text is not enough: ISO codes of countries.
//!
//! The dataset is the list named in publicationInfo's filter; without one, the entities'
//! sanctions lists decide (mostly "SDN List": `us_ofac_sdn`), then the file name.

use crate::country;
use crate::ofac::remarks::{self, apply_fact, push_note, CONS, SDN};
use crate::xml::{self, Element};
use crate::{Input, Result};
use std::collections::HashMap;
use ward_model::{
    dataset_info, Address, DateSpec, Designation, Diagnostic, Entity, Link, LinkKind, Name, NameKind,
    NameParts, ParsedList, PartialDate, Schema,
};

#[cfg(test)]
mod tests;

const FORMAT: &str = "OFAC enhanced XML";

/// What the reader learns before the entities.
#[derive(Default)]
struct Tables {
    /// ISO alpha-2 (lower case) of COUNTRY reference values, by refId.
    countries: HashMap<String, String>,
    /// The lists the publication was filtered to.
    filter: Vec<String>,
}

/// Parses an enhanced XML file.
pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    let source = input.main();
    let file = source.name.as_str();
    let mut tables = Tables::default();
    let mut published = None;
    let mut entities: Vec<Entity> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    // Per entity: whether OFAC files it on the SDN list, for the dataset decision.
    let mut on_sdn: Vec<bool> = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let records = ["publicationInfo", "referenceValue", "entity"];
    let header = xml::stream(&source.bytes[..], file, FORMAT, &records, |el| match el.name.as_str() {
        "publicationInfo" => {
            published = el.child_text("dataAsOf").and_then(PartialDate::parse_iso).map(|d| d.to_iso());
            tables.filter =
                el.descendants("sanctionsList").iter().map(|l| l.text.trim().to_string()).collect();
        }
        "referenceValue" => {
            if let (Some(id), Some("COUNTRY"), Some(iso)) =
                (el.attr("refId"), el.child_text("type"), el.child_text("isoCode"))
            {
                tables.countries.insert(id.to_string(), iso.to_ascii_lowercase());
            }
        }
        _ => {
            if let Some((entity, sdn)) = read_entity(&el, &tables, file, &mut diagnostics) {
                if !seen.insert(entity.record_id.clone()) {
                    diagnostics.push(
                        Diagnostic::error(file, "duplicate entity id; the first entity is kept")
                            .record(entity.record_id.clone())
                            .at(format!("byte {}", el.offset)),
                    );
                } else {
                    entities.push(entity);
                    on_sdn.push(sdn);
                }
            }
        }
    })?;
    if header.root.name != "sanctionsData" {
        return Err(crate::Error::malformed(
            file,
            FORMAT,
            format!("the root element is <{}>, not <sanctionsData>", header.root.name),
        ));
    }
    let dataset = if tables.filter.iter().any(|l| l == "Consolidated List") {
        CONS
    } else if tables.filter.iter().any(|l| l == "SDN List") {
        SDN
    } else if !on_sdn.is_empty() {
        if on_sdn.iter().filter(|s| **s).count() * 2 > on_sdn.len() {
            SDN
        } else {
            CONS
        }
    } else {
        remarks::decide_dataset(std::iter::empty(), file)
    };
    remarks::set_dataset(&mut entities, dataset);
    retarget_links(&mut entities, dataset);
    let mut list = ParsedList::new(dataset, "ofac_enhanced_xml");
    list.meta.published = published;
    list.entities = entities;
    list.diagnostics = diagnostics;
    Ok(list)
}

/// Relationships cite OFAC entity ids, which the SDN and consolidated lists share: a target in
/// the file is a record of this dataset, one outside it is on the other OFAC list.
fn retarget_links(entities: &mut [Entity], dataset: &str) {
    let other = if dataset == SDN { CONS } else { SDN };
    let ids: std::collections::HashSet<String> = entities.iter().map(|e| e.record_id.clone()).collect();
    for entity in entities {
        for link in &mut entity.links {
            if let Some(target) = link.target_id.as_deref().and_then(|t| t.strip_prefix("ofac:")) {
                let ds = if ids.contains(target) { dataset } else { other };
                link.target_id = Some(format!("{ds}:{target}"));
            }
        }
    }
}

/// The ISO code of a country element (`refId` into the reference table), else its text.
fn country_of(el: &Element, tables: &Tables) -> Option<String> {
    if let Some(iso) = el.attr("refId").and_then(|id| tables.countries.get(id)) {
        return Some(iso.clone());
    }
    let text = el.text.trim();
    country::country(text).map(str::to_string)
}

/// One `<entity>`, and whether it is on the SDN list; `None` (with an error) without id or name.
fn read_entity(
    el: &Element,
    tables: &Tables,
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Entity, bool)> {
    let at = format!("byte {}", el.offset);
    let Some(id) = el
        .attr("id")
        .map(str::trim)
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()))
    else {
        diagnostics.push(Diagnostic::error(file, "entity skipped: expected an id attribute").at(at));
        return None;
    };
    let mut warnings: Vec<String> = Vec::new();
    let schema = match el.path_text("generalInfo/entityType").map(str::to_ascii_lowercase).as_deref() {
        Some("individual") => Schema::Person,
        Some("entity") => Schema::Organization,
        Some("vessel") => Schema::Vessel,
        Some("aircraft") => Schema::Airplane,
        other => {
            warnings.push(format!("unknown entityType {other:?}; read as a legal entity"));
            Schema::LegalEntity
        }
    };
    let mut entity = Entity::new(SDN, id, schema);
    read_names(&mut entity, el);
    if !entity.names.iter().any(|n| n.kind == NameKind::Primary) {
        diagnostics
            .push(Diagnostic::error(file, "entity skipped: expected a primary name").record(id).at(at));
        return None;
    }
    let designation = read_designation(&mut entity, el, id);
    let on_sdn = el.descendants("sanctionsList").iter().any(|l| l.text.trim() == "SDN List");
    entity.designations.push(designation);

    for address in el.child("addresses").into_iter().flat_map(|a| a.children("address")) {
        read_address(&mut entity, address, tables, &mut warnings);
    }
    for feature in el.child("features").into_iter().flat_map(|f| f.children("feature")) {
        read_feature(&mut entity, feature, tables, &mut warnings);
    }
    for doc in el.child("identityDocuments").into_iter().flat_map(|d| d.children("identityDocument")) {
        let (Some(label), Some(number)) = (doc.child_text("type"), doc.child_text("documentNumber")) else {
            continue;
        };
        let country = doc.child("issuingCountry").and_then(|c| country_of(c, tables));
        let mut detail: Vec<String> = Vec::new();
        if doc.child_text("isValid") == Some("false") {
            detail.push("not valid".to_string());
        }
        for (tag, word) in [("issuingAuthority", "issued by"), ("issuingLocation", "issued in")] {
            if let Some(text) = doc.child_text(tag) {
                detail.push(format!("{word} {text}"));
            }
        }
        let detail = (!detail.is_empty()).then(|| detail.join("; "));
        apply_fact(&mut entity, label, number, country.as_deref(), detail.as_deref(), &mut warnings);
    }
    for rel in el.child("relationships").into_iter().flat_map(|r| r.children("relationship")) {
        let Some(target) = rel.child("relatedEntity") else {
            continue;
        };
        let description = rel.child_text("type").unwrap_or("Related to");
        let lower = description.to_ascii_lowercase();
        let kind = if lower.contains("owned or controlled by") {
            LinkKind::OwnedBy
        } else if [
            "family",
            "relative",
            "spouse",
            "son of",
            "daughter of",
            "brother",
            "sister",
            "wife",
            "husband",
        ]
        .iter()
        .any(|w| lower.contains(w))
        {
            LinkKind::Family
        } else if lower.contains("associate") || lower.contains("linked") || lower.contains("acting for") {
            LinkKind::Associate
        } else {
            LinkKind::Other
        };
        let link = Link {
            kind,
            // Made a referent in `retarget_links`, once the dataset is known.
            target_id: target.attr("entityId").map(|t| format!("ofac:{}", t.trim())),
            target_name: Some(target.text.trim().to_string()).filter(|t| !t.is_empty()),
            description: Some(description.to_string()),
        };
        if !entity.links.contains(&link) {
            entity.links.push(link);
        }
    }
    if let Some(remarks) = el.path_text("generalInfo/remarks") {
        warnings.extend(remarks::apply_remarks(&mut entity, remarks, false));
    }
    for message in warnings {
        diagnostics.push(Diagnostic::warning(file, message).record(id).at(format!("byte {}", el.offset)));
    }
    Some((entity, on_sdn))
}

/// The designation: programmes, the lists (the most specific ones: "Consolidated List" only
/// gathers the others), the earliest listing date among them, legal authorities.
fn read_designation(entity: &mut Entity, el: &Element, id: &str) -> Designation {
    let texts = |list: &str, item: &str| -> Vec<String> {
        el.child(list)
            .into_iter()
            .flat_map(|l| l.children(item))
            .filter_map(|i| crate::text::clean(&i.text).map(str::to_string))
            .collect()
    };
    let mut programs: Vec<String> = Vec::new();
    for p in texts("sanctionsPrograms", "sanctionsProgram") {
        Entity::push_unique(&mut programs, p);
    }
    let lists: Vec<&Element> =
        el.child("sanctionsLists").into_iter().flat_map(|l| l.children("sanctionsList")).collect();
    let specific: Vec<&Element> =
        lists.iter().copied().filter(|l| l.text.trim() != "Consolidated List").collect();
    let chosen = if specific.is_empty() { &lists } else { &specific };
    let mut names: Vec<String> = Vec::new();
    for l in chosen {
        Entity::push_unique(&mut names, l.text.trim());
    }
    let listed_on = chosen
        .iter()
        .filter_map(|l| l.attr("datePublished").and_then(PartialDate::parse_iso))
        .min()
        .map(|d| d.to_iso());
    for t in texts("sanctionsTypes", "sanctionsType") {
        push_note(entity, format!("Sanctions type: {t}"));
    }
    let authorities = texts("legalAuthorities", "legalAuthority");
    Designation {
        authority: dataset_info(SDN).map(|d| d.authority.to_string()).unwrap_or_default(),
        dataset: SDN.to_string(),
        list: (!names.is_empty()).then(|| names.join("; ")),
        programs,
        listed_on,
        legal_basis: (!authorities.is_empty()).then(|| authorities.join("; ")),
        record_id: id.to_string(),
        ..Designation::default()
    }
}

/// ISO 15924 codes of the scripts OFAC names.
fn script_code(script: &str) -> Option<&'static str> {
    Some(match script.trim().to_ascii_lowercase().as_str() {
        "latin" => "Latn",
        "cyrillic" => "Cyrl",
        "arabic" | "persian" | "farsi" => "Arab",
        "chinese simplified" => "Hans",
        "chinese traditional" => "Hant",
        "korean" => "Kore",
        "hebrew" => "Hebr",
        "greek" => "Grek",
        "georgian" => "Geor",
        "armenian" => "Armn",
        "japanese" => "Jpan",
        "thai" => "Thai",
        "burmese" => "Mymr",
        _ => return None,
    })
}

/// Names: the primary translation of each name gets its kind (primary, alias, weak for
/// isLowQuality, previous for F.K.A.); translations into other scripts are aliases (weak if the
/// name is) marked `original_script`, with the ISO 15924 script code in `lang`.
fn read_names(entity: &mut Entity, el: &Element) {
    for name in el.child("names").into_iter().flat_map(|n| n.children("name")) {
        let primary = name.child_text("isPrimary") == Some("true");
        let weak = name.child_text("isLowQuality") == Some("true");
        let alias_type = name.child_text("aliasType").unwrap_or("").to_ascii_uppercase();
        let kind = if primary {
            NameKind::Primary
        } else if weak {
            NameKind::Weak
        } else if alias_type == "F.K.A." {
            NameKind::Previous
        } else {
            NameKind::Alias
        };
        for translation in name.child("translations").into_iter().flat_map(|t| t.children("translation")) {
            let main = translation.child_text("isPrimary") == Some("true");
            let script = translation.child_text("script").unwrap_or("");
            let latin = script.is_empty() || script.eq_ignore_ascii_case("latin");
            let full = translation.child_text("formattedFullName").map(str::to_string).or_else(|| {
                let last = translation.child_text("formattedLastName");
                let first = translation.child_text("formattedFirstName");
                match (last, first) {
                    (Some(l), Some(f)) => Some(format!("{l}, {f}")),
                    (l, f) => l.or(f).map(str::to_string),
                }
            });
            let Some(full) = full else { continue };
            let kind = match kind {
                NameKind::Primary if !(main && latin) => NameKind::Alias,
                k => k,
            };
            let mut out = Name::new(full, kind);
            out.parts = name_parts(translation);
            if out.parts.is_empty() {
                out.parts = remarks::comma_parts(&out.full, entity.schema);
            }
            if !latin {
                out.original_script = true;
                out.lang = script_code(script).map(str::to_string);
            }
            entity.add_name(out);
        }
    }
}

fn name_parts(translation: &Element) -> NameParts {
    let mut parts = NameParts::default();
    for part in translation.child("nameParts").into_iter().flat_map(|p| p.children("namePart")) {
        let (Some(kind), Some(value)) = (part.child_text("type"), part.child_text("value")) else {
            continue;
        };
        let slot = match kind.to_ascii_lowercase().as_str() {
            "last name" => &mut parts.last,
            "first name" => &mut parts.first,
            "middle name" => &mut parts.middle,
            "patronymic" => &mut parts.patronymic,
            _ => continue,
        };
        match slot {
            Some(existing) => {
                existing.push(' ');
                existing.push_str(value);
            }
            None => *slot = Some(value.to_string()),
        }
    }
    parts
}

fn read_address(entity: &mut Entity, address: &Element, tables: &Tables, warnings: &mut Vec<String>) {
    let country_el = address.child("country");
    let country_name = country_el.map(|c| c.text.trim()).filter(|c| !c.is_empty());
    let code = country_el.and_then(|c| country_of(c, tables));
    if let (Some(name), None) = (country_name.filter(|n| !country::is_no_country(n)), code.as_deref()) {
        warnings.push(format!("unknown address country {name:?}; kept in the address text"));
    }
    let translations: Vec<&Element> =
        address.child("translations").into_iter().flat_map(|t| t.children("translation")).collect();
    let mut added = false;
    for translation in &translations {
        let mut parts = remarks::AddressParts { country: country_name, ..Default::default() };
        let mut any = false;
        for part in translation.child("addressParts").into_iter().flat_map(|p| p.children("addressPart")) {
            let (Some(kind), Some(value)) = (part.child_text("type"), part.child_text("value")) else {
                continue;
            };
            any = true;
            match kind.to_ascii_uppercase().as_str() {
                "CITY" => parts.city = Some(value),
                "STATE/PROVINCE" => parts.state = Some(value),
                "POSTAL CODE" => parts.postal = Some(value),
                "REGION" => parts.region = Some(value),
                _ => parts.street.push(value),
            }
        }
        if !any {
            continue;
        }
        let out = parts.to_address(code.as_deref());
        if !entity.addresses.contains(&out) {
            entity.addresses.push(out);
        }
        added = true;
    }
    // An address that is only a country.
    if !added {
        if let Some(name) = country_name {
            let out = Address::from_parts([name], None, code.as_deref());
            if !entity.addresses.contains(&out) {
                entity.addresses.push(out);
            }
        }
    }
}

/// A feature: a birth date from its text (its parsed dates when the text is not a date), a
/// country from its reference value, anything else through OFAC's label table.
fn read_feature(entity: &mut Entity, feature: &Element, tables: &Tables, warnings: &mut Vec<String>) {
    let Some(label) = feature.child_text("type") else {
        return;
    };
    let value = feature.child_text("value").unwrap_or("");
    let lower = label.to_ascii_lowercase();
    if lower == "birthdate" {
        if let Some(date) = feature_date(feature, value) {
            if !entity.birth_dates.contains(&date) {
                entity.birth_dates.push(date);
            }
        } else if !value.is_empty() {
            warnings.push(format!("cannot read the birth date {value:?}; kept in notes"));
            push_note(entity, format!("DOB {value}"));
        }
        return;
    }
    // Country features cite the COUNTRY reference value, whose ISO code is surer than the text.
    let iso = feature.child_text("valueRefId").and_then(|id| tables.countries.get(id));
    let value = match iso {
        Some(code) if !value.is_empty() => code.as_str(),
        _ => value,
    };
    apply_fact(entity, label, value, None, None, warnings);
}

/// The date of a feature: its text ("12 Feb 1961", "circa 1955"), else its `valueDate`
/// (fromDateBegin .. toDateEnd, isApproximate).
fn feature_date(feature: &Element, value: &str) -> Option<DateSpec> {
    let approximate = feature.path_text("valueDate/isApproximate") == Some("true");
    if let Some(mut date) = DateSpec::parse(value) {
        date.circa |= approximate;
        return Some(date);
    }
    let from = feature.path_text("valueDate/fromDateBegin").and_then(PartialDate::parse_iso)?;
    let to = feature.path_text("valueDate/toDateEnd").and_then(PartialDate::parse_iso).filter(|t| *t != from);
    Some(DateSpec { from, to, circa: approximate, raw: value.to_string() })
}
