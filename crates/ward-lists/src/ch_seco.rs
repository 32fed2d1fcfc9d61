//! Swiss SECO sanctions list XML (`<swiss-sanctions-list>`): the whole list, or a daily
//! amendment (`list-type="amendment"`), read into `ch_seco_sanctions` records keyed by the
//! target's `ssid`.
//!
//! The file first describes its sanctions programs (each with the sanctions sets, i.e. annexes,
//! that targets cite by id) and places (that addresses and places of birth cite by id), then the
//! targets. Those references are resolved once the whole file is read, so the reader does not
//! depend on that order. A whole list keeps de-listed targets with their history; they are read
//! with the designation's `end_date` set, and an amendment's de-listings go to
//! `meta.removed`.

use crate::text::{clean, iso_date, non_latin};
use crate::xml::{self, Element, RecordCtx};
use crate::{Input, Result};
use std::collections::HashMap;
use ward_model::{
    country_code, country_name, dataset_info, Address, DateSpec, Designation, Diagnostic, Entity, Gender,
    IdKind, Identifier, Link, LinkKind, Name, NameKind, NameParts, ParsedList, PartialDate, Schema,
};

const DATASET: &str = "ch_seco_sanctions";
const FORMAT: &str = "Swiss SECO XML";

#[cfg(test)]
mod tests;

/// A place that addresses and places of birth cite by `place-id`.
#[derive(Debug, Default)]
struct Place {
    location: Option<String>,
    area: Option<String>,
    country: Option<String>,
}

/// A sanctions set (annex) and the program it belongs to.
#[derive(Debug)]
struct SanctionsSet {
    program: Option<String>,
    set: Option<String>,
}

/// What a target cites by id, resolved when the whole file has been read.
#[derive(Debug, Default)]
struct Pending {
    sets: Vec<String>,
    /// The address's own parts, the place it cites.
    addresses: Vec<(Vec<String>, Option<String>)>,
    /// Places of birth: inline text, and the place cited.
    birth_places: Vec<(Option<String>, Option<String>)>,
}

pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    let source = input.main();
    let file = source.name.as_str();
    let mut list = ParsedList::new(DATASET, crate::Format::ChSecoXml.name());
    let mut sets: HashMap<String, SanctionsSet> = HashMap::new();
    let mut places: HashMap<String, Place> = HashMap::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut delisted: Vec<String> = Vec::new();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let header = xml::stream(
        &source.bytes[..],
        file,
        FORMAT,
        &["sanctions-program", "place", "target"],
        |el| {
            let mut ctx = RecordCtx::new(file, el.offset, &mut diagnostics);
            match el.name.as_str() {
                "sanctions-program" => read_program(&el, &mut sets),
                "place" => {
                    if let Some(id) = el.attr("ssid").and_then(clean) {
                        let place = read_place(&el, &mut ctx);
                        places.insert(id.to_string(), place);
                    }
                }
                _ => {
                    if let Some((entity, refs, is_delisted)) = read_target(&el, &mut ctx) {
                        if list.entities.iter().any(|e| e.record_id == entity.record_id) {
                            ctx.error("a second <target> with the same ssid; expected unique ids, the first one is kept");
                        } else {
                            if is_delisted {
                                delisted.push(entity.record_id.clone());
                            }
                            list.entities.push(entity);
                            pending.push(refs);
                        }
                    }
                }
            }
        },
    )?;
    if header.root.name != "swiss-sanctions-list" {
        return Err(crate::Error::malformed(
            file,
            FORMAT,
            format!("the root element is <{}>; expected <swiss-sanctions-list>", header.root.name),
        ));
    }
    list.meta.published = header.root.attr("date").and_then(iso_date);
    let list_type = header.root.attr("list-type").unwrap_or("whole-list");
    if list_type == "amendment" {
        list.meta.delta = true;
        diagnostics.insert(
            0,
            Diagnostic::warning(
                file,
                format!(
                    "list-type=\"amendment\" of {}: this file holds the day's changes (listings, amendments, de-listings), not the whole list",
                    list.meta.published.as_deref().unwrap_or("unknown date")
                ),
            ),
        );
    }
    resolve(&mut list, pending, &sets, &places, &mut diagnostics, file);
    if list.meta.delta {
        // An amendment's de-listing removes the record; a whole list keeps it with its end date.
        list.entities.retain(|e| !delisted.contains(&e.record_id));
        list.meta.removed = delisted;
    }
    list.diagnostics = diagnostics;
    Ok(list)
}

fn eng_text<'a>(el: &'a Element, name: &'a str) -> Option<&'a str> {
    let mut all = el.children(name);
    let first = el.children(name).next();
    all.find(|c| c.attr("lang") == Some("eng")).or(first).and_then(|c| clean(&c.text))
}

fn read_program(el: &Element, sets: &mut HashMap<String, SanctionsSet>) {
    let program = eng_text(el, "program-name").or_else(|| eng_text(el, "program-key")).map(str::to_string);
    let mut ids: Vec<&str> = Vec::new();
    for set in el.children("sanctions-set") {
        if let Some(id) = set.attr("ssid").and_then(clean) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    for id in ids {
        let named: Vec<&Element> =
            el.children("sanctions-set").filter(|s| s.attr("ssid").map(str::trim) == Some(id)).collect();
        let set = named
            .iter()
            .find(|s| s.attr("lang") == Some("eng"))
            .or(named.first())
            .and_then(|s| clean(&s.text))
            .map(str::to_string);
        sets.insert(id.to_string(), SanctionsSet { program: program.clone(), set });
    }
}

fn read_place(el: &Element, ctx: &mut RecordCtx<'_>) -> Place {
    let country = el.child("country");
    Place {
        location: el.child_text("location").map(str::to_string),
        area: el.child_text("area").map(str::to_string),
        country: country.and_then(|c| ctx.country_by_code(c.attr("iso-code"), Some(&c.text))),
    }
}

/// Reads one target: the entity, what it cites, and whether its latest modification is a
/// de-listing.
fn read_target(el: &Element, ctx: &mut RecordCtx<'_>) -> Option<(Entity, Pending, bool)> {
    let Some(id) = el.attr("ssid").and_then(clean) else {
        ctx.error("<target> without an ssid attribute; expected the SECO id");
        return None;
    };
    ctx.record = Some(id.to_string());
    let subject = el.children.iter().find(|c| matches!(c.name.as_str(), "individual" | "entity" | "object"));
    let Some(subject) = subject else {
        ctx.error("<target> without <individual>, <entity> or <object>; the record is skipped");
        return None;
    };
    let schema = match subject.name.as_str() {
        "individual" => Schema::Person,
        "entity" => Schema::Organization,
        _ => match subject.attr("object-type").unwrap_or_default().to_ascii_lowercase().as_str() {
            "vessel" | "ship" => Schema::Vessel,
            "aircraft" | "airplane" => Schema::Airplane,
            _ => Schema::LegalEntity,
        },
    };
    let mut entity = Entity::new(DATASET, id, schema);
    if schema == Schema::LegalEntity {
        if let Some(kind) = subject.attr("object-type").and_then(clean) {
            entity.add_property("type", kind);
        }
    }
    let mut pending = Pending {
        sets: el.children("sanctions-set-id").filter_map(|s| clean(&s.text)).map(str::to_string).collect(),
        ..Pending::default()
    };
    if let Some(sex) = subject.attr("sex").and_then(clean) {
        match Gender::parse(sex) {
            Some(g) => entity.gender = Some(g),
            None => ctx.warn(format!("sex {sex:?}; expected male or female")),
        }
    }
    // The main identity first: its primary name is the record's primary name.
    let mut identities: Vec<&Element> = subject.children("identity").collect();
    identities.sort_by_key(|i| i.attr("main") != Some("true"));
    for (n, identity) in identities.into_iter().enumerate() {
        read_identity(identity, n == 0, &mut entity, &mut pending, ctx);
    }
    if entity.names.is_empty() {
        ctx.error("no <name> in the target's identities; expected at least one, the record is skipped");
        return None;
    }
    let mut designation = Designation {
        authority: dataset_info(DATASET).map_or("SECO", |d| d.authority).to_string(),
        dataset: DATASET.to_string(),
        record_id: entity.record_id.clone(),
        ..Designation::default()
    };
    let reasons: Vec<String> =
        subject.children("justification").filter_map(|j| clean(&j.text)).map(collapse).collect();
    if !reasons.is_empty() {
        designation.reason = Some(reasons.join(" "));
    }
    for relation in subject.children("relation") {
        read_relation(relation, &mut entity, ctx);
    }
    for info in subject.children("other-information") {
        if let Some(text) = clean(&info.text) {
            read_other_information(&collapse(text), &mut entity);
        }
    }
    for text in reasons.iter().chain(entity.notes.iter()) {
        if designation.un_reference.is_none() {
            designation.un_reference = un_reference(text);
        }
    }
    let delisted = read_modifications(el, &mut designation);
    entity.designations.push(designation);
    Some((entity, pending, delisted))
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Listing, amendment and de-listing dates. Returns whether the latest modification is a
/// de-listing (modifications are not in date order in every file; an undated one is the oldest).
fn read_modifications(el: &Element, designation: &mut Designation) -> bool {
    let mut latest: Option<(String, &str)> = None;
    let mut amended: Vec<String> = Vec::new();
    for modification in el.children("modification") {
        let kind = modification.attr("modification-type").unwrap_or_default();
        let published = modification.attr("publication-date").and_then(iso_date);
        let effective = modification.attr("effective-date").and_then(iso_date);
        let date = published.clone().or(effective.clone()).unwrap_or_default();
        match kind {
            "listed" => designation.listed_on = published.clone().or(effective.clone()),
            "amended" => amended.extend(published.clone()),
            "de-listed" => designation.end_date = effective.clone().or(published.clone()),
            _ => {}
        }
        if latest.as_ref().is_none_or(|(d, _)| date >= *d) {
            latest = Some((date, kind));
        }
    }
    amended.sort();
    designation.modified_on = amended.pop();
    matches!(latest, Some((_, "de-listed")))
}

fn read_identity(
    identity: &Element,
    main: bool,
    entity: &mut Entity,
    pending: &mut Pending,
    ctx: &mut RecordCtx<'_>,
) {
    for name in identity.children("name") {
        read_name(name, main, entity, ctx);
    }
    for date in identity.children("day-month-year") {
        read_date(date, entity, ctx);
    }
    for place in identity.children("place-of-birth") {
        let inline = [place.child_text("location"), place.child_text("area"), clean(&place.text)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        let cited = place.attr("place-id").and_then(clean).map(str::to_string);
        pending.birth_places.push(((!inline.is_empty()).then_some(inline), cited));
    }
    for nationality in identity.children("nationality") {
        let country = nationality.child("country");
        if let Some(code) = country.and_then(|c| ctx.country_by_code(c.attr("iso-code"), Some(&c.text))) {
            Entity::push_unique(&mut entity.nationalities, code);
        }
    }
    for document in identity.children("identification-document") {
        read_document(document, entity, ctx);
    }
    for address in identity.children("address") {
        let parts: Vec<String> = ["c-o", "address-details", "p-o-box", "zip-code"]
            .into_iter()
            .filter_map(|p| address.child_text(p))
            .map(collapse)
            .collect();
        pending.addresses.push((parts, address.attr("place-id").and_then(clean).map(str::to_string)));
        for remark in address.children("remark") {
            note(entity, &remark.text);
        }
    }
}

fn note(entity: &mut Entity, text: &str) {
    Entity::push_unique(&mut entity.notes, collapse(text));
}

/// One `<name>`: its parts in `order`, and one more name per spelling variant (language and
/// script), e.g. the Russian and Belarusian Cyrillic spellings of a Belarusian name.
fn read_name(el: &Element, main: bool, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    let quality_low = el.attr("quality") == Some("low");
    let kind = match el.attr("name-type").unwrap_or_default() {
        "primary-name" if main && !entity.names.iter().any(|n| n.kind == NameKind::Primary) => {
            NameKind::Primary
        }
        "formerly-known-as" => NameKind::Previous,
        _ if quality_low => NameKind::Weak,
        _ => NameKind::Alias,
    };
    let mut parts: Vec<(u32, &Element)> = el
        .children("name-part")
        .enumerate()
        .map(|(n, p)| (p.attr("order").and_then(|o| o.trim().parse().ok()).unwrap_or(1000 + n as u32), p))
        .collect();
    parts.sort_by_key(|(order, _)| *order);
    let kinds: Vec<&str> = parts.iter().map(|(_, p)| p.attr("name-part-type").unwrap_or_default()).collect();
    let values: Vec<Option<&str>> = parts.iter().map(|(_, p)| p.child_text("value")).collect();
    let mut name = name_from(&kinds, &values, kind);
    if name.full.is_empty() {
        ctx.warn(format!(
            "<name ssid={:?}> without a value; expected name parts",
            el.attr("ssid").unwrap_or_default()
        ));
        return;
    }
    name.lang = el.attr("lang").and_then(clean).map(str::to_ascii_lowercase);
    name.original_script = non_latin(&name.full);
    entity.add_name(name);
    // Spelling variants, grouped by language and script across the parts.
    let mut groups: Vec<(&str, &str)> = Vec::new();
    for (_, part) in &parts {
        for variant in part.children("spelling-variant") {
            let key = (variant.attr("lang").unwrap_or_default(), variant.attr("script").unwrap_or_default());
            if !groups.contains(&key) {
                groups.push(key);
            }
        }
    }
    let variant_kind = if kind == NameKind::Primary { NameKind::Alias } else { kind };
    for (lang, script) in groups {
        let latin = script.eq_ignore_ascii_case("latn");
        let values: Vec<Option<&str>> = parts
            .iter()
            .zip(&values)
            .map(|((_, part), value)| {
                let variant = part
                    .children("spelling-variant")
                    .find(|v| {
                        v.attr("lang").unwrap_or_default() == lang
                            && v.attr("script").unwrap_or_default() == script
                    })
                    .and_then(|v| clean(&v.text));
                // A part without a variant in a Latin group keeps its own spelling; in another
                // script it is left out rather than mixing scripts in one name.
                variant.or(if latin { *value } else { None })
            })
            .collect();
        let mut variant = name_from(&kinds, &values, variant_kind);
        variant.lang = clean(lang).map(str::to_ascii_lowercase);
        variant.original_script = !latin && (non_latin(&variant.full) || !script.is_empty());
        entity.add_name(variant);
    }
}

fn name_from(kinds: &[&str], values: &[Option<&str>], kind: NameKind) -> Name {
    let mut name = Name::from_parts(values.iter().flatten().copied(), kind);
    let mut parts = NameParts::default();
    for (part_kind, value) in kinds.iter().zip(values) {
        let Some(value) = value else { continue };
        let slot = match *part_kind {
            "given-name" => &mut parts.first,
            "further-given-name" => &mut parts.middle,
            "family-name" | "maiden-name" => &mut parts.last,
            "father-name" | "patronymic" => &mut parts.patronymic,
            _ => continue,
        };
        *slot = Some(match slot.take() {
            Some(before) => format!("{before} {value}"),
            None => value.to_string(),
        });
    }
    name.parts = parts;
    name
}

fn read_date(el: &Element, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    let num = |name: &str| el.attr(name).and_then(|v| v.trim().parse::<u16>().ok());
    let (year, month, day) = (num("year"), num("month"), num("day"));
    let raw = [day, month, year].into_iter().flatten().map(|n| n.to_string()).collect::<Vec<_>>().join(".");
    let calendar = el.attr("calendar").unwrap_or("Gregorian");
    let date = year
        .filter(|_| calendar.eq_ignore_ascii_case("gregorian"))
        .and_then(|y| PartialDate::new(y, month.map(|m| m.min(255) as u8), day.map(|d| d.min(255) as u8)));
    match date {
        Some(date) => {
            let spec = DateSpec { from: date, to: None, circa: false, raw };
            if !entity.birth_dates.iter().any(|d| d.from == spec.from && d.to.is_none()) {
                entity.birth_dates.push(spec);
            }
        }
        None => {
            ctx.warn(format!("<day-month-year> {raw:?} ({calendar}); expected a Gregorian year"));
            note(entity, &format!("Date of birth: {raw} ({calendar})"));
        }
    }
}

fn read_document(el: &Element, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    let Some(number) = el.child_text("number") else {
        ctx.warn("<identification-document> without <number>; expected a document number");
        return;
    };
    let label = el.attr("document-type").and_then(clean).unwrap_or("document");
    let kind = match label {
        "passport" | "diplomatic-passport" | "service-passport" => IdKind::Passport,
        "id-card" | "national-id" => IdKind::NationalId,
        other => IdKind::classify(&other.replace('-', " ")),
    };
    let issuer = el.child("issuer");
    let country = issuer.and_then(|i| ctx.country_by_code(i.attr("code"), Some(&i.text)));
    let mut note_parts = vec![label.to_string()];
    for (child, words) in
        [("date-of-issue", "issued"), ("expiry-date", "expires"), ("issue-place", "issued in")]
    {
        if let Some(value) = el.child_text(child) {
            note_parts.push(format!("{words} {value}"));
        }
    }
    note_parts.extend(el.children("remark").filter_map(|r| clean(&r.text)).map(collapse));
    entity.add_identifier(Identifier {
        kind,
        value: collapse(number),
        country,
        note: Some(note_parts.join("; ")),
    });
}

fn read_relation(el: &Element, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    let Some(target) = el.attr("target-id").and_then(clean) else {
        ctx.warn("<relation> without target-id; expected the related target's ssid");
        return;
    };
    let description = el.attr("relation-type").and_then(clean).unwrap_or("related-to");
    let lower = description.to_ascii_lowercase();
    let kind = if lower.contains("family") || lower.contains("relative") {
        LinkKind::Family
    } else if lower.contains("owned") || lower.contains("controlled") || lower.contains("subsidiary") {
        LinkKind::OwnedBy
    } else if lower.contains("related") || lower.contains("associate") {
        LinkKind::Associate
    } else {
        LinkKind::Other
    };
    let remark = el.children("remark").filter_map(|r| clean(&r.text)).map(collapse).collect::<Vec<_>>();
    let description = std::iter::once(description.to_string()).chain(remark).collect::<Vec<_>>().join(": ");
    entity.links.push(Link {
        kind,
        target_id: Some(format!("{DATASET}:{target}")),
        target_name: None,
        description: Some(description),
    });
}

/// `other-information` holds free text, often "Label: value" lines for contact details and
/// identifiers ("IMO Number: 8405270", "Phone: ...", "Registration number: ..."). Those go where
/// they belong; anything else is a note.
fn read_other_information(text: &str, entity: &mut Entity) {
    let (label, value) = match text.split_once(':') {
        Some((label, value)) if label.len() <= 40 && !value.trim().is_empty() => {
            (label.trim().to_ascii_lowercase(), value.trim())
        }
        _ => {
            note(entity, text);
            return;
        }
    };
    let split = |value: &str| {
        value.split(';').map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect::<Vec<_>>()
    };
    match label.as_str() {
        "phone" | "tel" | "telephone" | "fax" => {
            split(value).into_iter().for_each(|v| entity.add_property("phone", v));
        }
        "e-mail" | "email" => split(value).into_iter().for_each(|v| entity.add_property("email", v)),
        "website" | "web" | "web site" | "internet" => {
            split(value).into_iter().for_each(|v| entity.add_property("website", v));
        }
        "function" | "position" if entity.schema == Schema::Person => {
            Entity::push_unique(&mut entity.positions, value);
        }
        "title" if entity.schema == Schema::Person => Entity::push_unique(&mut entity.titles, value),
        "imo number" | "imo" | "imo no" | "imo no." => {
            entity.add_identifier(Identifier::from_label("IMO", value, None));
        }
        "mmsi" => entity.add_identifier(Identifier::from_label("MMSI", value, None)),
        "call sign" => entity.add_identifier(Identifier::from_label("Call Sign", value, None)),
        "flag" => match country_code(value) {
            Some(code) => entity.add_property("flag", code),
            None => entity.add_property("flag", value),
        },
        _ if label.contains("registration number")
            || label.contains("tax identification")
            || label.starts_with("inn")
            || label.starts_with("ogrn")
            || label.starts_with("swift")
            || label.starts_with("bic") =>
        {
            let label = text.split_once(':').map_or(text, |(l, _)| l).trim();
            for value in split(value) {
                entity.add_identifier(Identifier::from_label(label, &value, None));
            }
        }
        _ => {
            note(entity, text);
            if label.starts_with("associated individual") || label.starts_with("associated entit") {
                for name in split(value) {
                    entity.links.push(Link {
                        kind: LinkKind::Associate,
                        target_id: None,
                        target_name: Some(name),
                        description: Some(text.split_once(':').map_or(text, |(l, _)| l).trim().to_string()),
                    });
                }
            }
        }
    }
}

/// A UN reference number ("QDi.001", "KPe.012") cited in `text`.
fn un_reference(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | ':'))
        .map(|w| w.trim_end_matches('.'))
        .find(|w| {
            let b = w.as_bytes();
            b.len() == 7
                && b[..2].iter().all(u8::is_ascii_uppercase)
                && matches!(b[2], b'i' | b'e')
                && b[3] == b'.'
                && b[4..].iter().all(u8::is_ascii_digit)
        })
        .map(str::to_string)
}

/// Resolves what targets cite: sanctions sets to programs, places to addresses and places of
/// birth, relation targets to names.
fn resolve(
    list: &mut ParsedList,
    pending: Vec<Pending>,
    sets: &HashMap<String, SanctionsSet>,
    places: &HashMap<String, Place>,
    diagnostics: &mut Vec<Diagnostic>,
    file: &str,
) {
    let mut unknown_sets: Vec<String> = Vec::new();
    for (entity, refs) in list.entities.iter_mut().zip(pending) {
        let mut bases: Vec<String> = Vec::new();
        for id in &refs.sets {
            match sets.get(id) {
                Some(set) => {
                    if let (Some(program), Some(designation)) =
                        (&set.program, entity.designations.first_mut())
                    {
                        Entity::push_unique(&mut designation.programs, program.clone());
                    }
                    let basis = match (&set.program, &set.set) {
                        (Some(p), Some(s)) => format!("{p}: {s}"),
                        (None, Some(s)) => s.clone(),
                        _ => format!("sanctions set {id}"),
                    };
                    Entity::push_unique(&mut bases, basis);
                }
                None => {
                    Entity::push_unique(&mut bases, format!("sanctions set {id}"));
                    if !unknown_sets.contains(id) {
                        unknown_sets.push(id.clone());
                        diagnostics.push(
                            Diagnostic::warning(
                                file,
                                format!("sanctions-set-id {id} is described by no <sanctions-program>; expected the programs at the top of the file (an excerpt?), the program is left unnamed"),
                            )
                            .record(entity.record_id.clone()),
                        );
                    }
                }
            }
        }
        if let Some(designation) = entity.designations.first_mut() {
            if !bases.is_empty() {
                designation.legal_basis = Some(bases.join("; "));
            }
        }
        for (parts, place_id) in refs.addresses {
            let place = place_id.as_ref().and_then(|id| places.get(id));
            let country = place.and_then(|p| p.country.clone());
            let city = place.and_then(|p| p.location.as_deref());
            let tail =
                [city, place.and_then(|p| p.area.as_deref()), country.as_deref().and_then(country_name)];
            let address = Address::from_parts(
                parts.iter().map(String::as_str).chain(tail.into_iter().flatten()),
                city,
                country.as_deref(),
            );
            if let Some(country) = &country {
                Entity::push_unique(&mut entity.countries, country.clone());
            }
            if !address.full.is_empty() && !entity.addresses.contains(&address) {
                entity.addresses.push(address);
            }
        }
        for (inline, place_id) in refs.birth_places {
            let place = place_id.as_ref().and_then(|id| places.get(id));
            let name = place.and_then(|p| p.country.as_deref()).and_then(country_name);
            let text = [
                inline.as_deref(),
                place.and_then(|p| p.location.as_deref()),
                place.and_then(|p| p.area.as_deref()),
                name,
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            Entity::push_unique(&mut entity.birth_places, text);
            if let Some(country) = place.and_then(|p| p.country.clone()) {
                entity.add_property("birthCountry", country);
            }
        }
    }
    let captions: HashMap<String, String> =
        list.entities.iter().map(|e| (e.id.clone(), e.caption().to_string())).collect();
    for entity in &mut list.entities {
        for link in &mut entity.links {
            if let Some(name) = link.target_id.as_ref().and_then(|id| captions.get(id)) {
                link.target_name = Some(name.clone());
            }
        }
    }
}
