//! EU Financial Sanctions Files (FSF) XML v1.1: the European Commission's consolidated list of
//! persons, groups and entities under EU financial sanctions
//! (`<export xmlns="http://eu.europa.ec/fpi/fsd/export">`, one `<sanctionEntity>` per record).
//!
//! Every fact of a record hangs off its own element with a regulation summary: names
//! (`nameAlias`, one per language and spelling), citizenships, birth dates, identity documents,
//! addresses. The record id is the entity's `logicalId`, which `OpenSanctions` uses too.

use crate::text::{clean, iso_date, non_latin};
use crate::xml::{self, Element, RecordCtx};
use crate::{Input, Result};
use ward_model::{
    country_name, dataset_info, Address, DateSpec, Designation, Entity, Gender, IdKind, Identifier, Name,
    NameKind, NameParts, ParsedList, PartialDate, Schema,
};

const DATASET: &str = "eu_fsf";
const FORMAT: &str = "EU FSF XML";

#[cfg(test)]
pub(crate) mod tests;

pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    let source = input.main();
    crate::streaming::collect(|sink| parse_from(&source.bytes[..], &source.name, sink))
}

/// Reads an EU FSF file from `source`, handing each entity to `sink` once its record is read;
/// the list returned has no entities.
pub(crate) fn parse_from(
    source: impl std::io::BufRead,
    file: &str,
    sink: &mut dyn FnMut(Entity),
) -> Result<ParsedList> {
    let mut list = ParsedList::new(DATASET, crate::Format::EuFsfXml.name());
    let mut seen = std::collections::HashSet::new();
    let header = xml::stream(source, file, FORMAT, &["sanctionEntity"], |el| {
        let mut ctx = RecordCtx::new(file, el.offset, &mut list.diagnostics);
        if let Some(entity) = read_entity(&el, &mut ctx) {
            if seen.insert(entity.record_id.clone()) {
                sink(entity);
            } else {
                ctx.error("a second <sanctionEntity> with the same logicalId; expected unique ids, the first one is kept");
            }
        }
    })?;
    if header.root.name != "export" {
        return Err(crate::Error::malformed(
            file,
            FORMAT,
            format!("the root element is <{}>; expected <export>", header.root.name),
        ));
    }
    list.meta.published = header.root.attr("generationDate").and_then(iso_date);
    Ok(list)
}

/// ISO 639-2 code for the ISO 639-1 codes the EU writes in `nameLanguage` ("FR" -> "fra"), so
/// that name languages read the same across lists; unknown codes are kept in lower case.
pub(crate) fn iso639_3(code: &str) -> String {
    let code = code.trim().to_ascii_lowercase();
    let long = match code.as_str() {
        "bg" => "bul",
        "cs" => "ces",
        "da" => "dan",
        "de" => "deu",
        "el" => "ell",
        "en" => "eng",
        "es" => "spa",
        "et" => "est",
        "fi" => "fin",
        "fr" => "fra",
        "ga" => "gle",
        "hr" => "hrv",
        "hu" => "hun",
        "it" => "ita",
        "lt" => "lit",
        "lv" => "lav",
        "mt" => "mlt",
        "nl" => "nld",
        "pl" => "pol",
        "pt" => "por",
        "ro" => "ron",
        "sk" => "slk",
        "sl" => "slv",
        "sv" => "swe",
        "ar" => "ara",
        "fa" => "fas",
        "ru" => "rus",
        "uk" => "ukr",
        "be" => "bel",
        "zh" => "zho",
        "ko" => "kor",
        "ja" => "jpn",
        "he" => "heb",
        "ur" => "urd",
        "ps" => "pus",
        "tr" => "tur",
        "ka" => "kat",
        "hy" => "hye",
        "sr" => "srp",
        "mk" => "mkd",
        "sq" => "sqi",
        "az" => "aze",
        "kk" => "kaz",
        "ky" => "kir",
        "tg" => "tgk",
        "uz" => "uzb",
        "my" => "mya",
        "ku" => "kur",
        _ => return code,
    };
    long.to_string()
}

fn attr<'a>(el: &'a Element, name: &str) -> Option<&'a str> {
    el.attr(name).and_then(clean)
}

fn read_entity(el: &Element, ctx: &mut RecordCtx<'_>) -> Option<Entity> {
    let Some(id) = attr(el, "logicalId") else {
        ctx.error("<sanctionEntity> without a logicalId attribute; expected the EU logical id");
        return None;
    };
    ctx.record = Some(id.to_string());
    let Some(code) = el.child("subjectType").and_then(|s| attr(s, "code")) else {
        ctx.error("no <subjectType code>; expected person or enterprise, the record is skipped");
        return None;
    };
    let schema = match code.to_ascii_lowercase().as_str() {
        "person" => Schema::Person,
        "enterprise" => Schema::Organization,
        "vessel" => Schema::Vessel,
        "aircraft" | "airplane" => Schema::Airplane,
        other => {
            ctx.warn(format!("subjectType code {other:?}; expected person or enterprise"));
            Schema::LegalEntity
        }
    };
    let mut entity = Entity::new(DATASET, id, schema);
    read_names(el, &mut entity, ctx);
    if entity.names.is_empty() {
        ctx.error("no <nameAlias> with a name; expected at least one, the record is skipped");
        return None;
    }
    for remark in el.children("remark") {
        note(&mut entity, &remark.text);
    }
    if let Some(details) = attr(el, "designationDetails") {
        note(&mut entity, details);
    }
    if let Some(reference) = attr(el, "euReferenceNumber") {
        note(&mut entity, &format!("EU reference number: {reference}"));
    }
    for citizenship in el.children("citizenship") {
        if let Some(code) =
            ctx.country_by_code(citizenship.attr("countryIso2Code"), citizenship.attr("countryDescription"))
        {
            Entity::push_unique(&mut entity.citizenships, code);
        }
        for remark in citizenship.children("remark") {
            note(&mut entity, &remark.text);
        }
    }
    for birth in el.children("birthdate") {
        read_birth(birth, &mut entity, ctx);
    }
    for document in el.children("identification") {
        read_identification(document, &mut entity, ctx);
    }
    for address in el.children("address") {
        read_address(address, &mut entity, ctx);
    }
    add_designation(el, &mut entity);
    Some(entity)
}

fn note(entity: &mut Entity, text: &str) {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Entity::push_unique(&mut entity.notes, text);
}

/// Reads every `nameAlias`. The EU marks no name as the main one; the record's main entry is
/// the one that carries the function or title (or else name parts), which is how the Official
/// Journal prints it, so that one becomes the primary name.
fn read_names(el: &Element, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    let mut names: Vec<(Name, u8)> = Vec::new();
    for alias in el.children("nameAlias") {
        let first = attr(alias, "firstName");
        let middle = attr(alias, "middleName");
        let last = attr(alias, "lastName");
        let full = match attr(alias, "wholeName") {
            Some(whole) => Name::new(whole, NameKind::Alias),
            None => Name::from_parts([first, middle, last].into_iter().flatten(), NameKind::Alias),
        };
        if full.full.is_empty() {
            ctx.warn(format!(
                "<nameAlias logicalId={:?}> without wholeName or name parts; expected a name",
                alias.attr("logicalId").unwrap_or_default()
            ));
            continue;
        }
        let mut name = full;
        let mut weak = alias.attr("strong") == Some("false");
        for remark in alias.children("remark") {
            let lower = remark.text.to_lowercase();
            if lower.contains("low quality") {
                weak = true;
            } else if !lower.contains("good quality") {
                note(entity, &remark.text);
            }
        }
        if weak {
            name.kind = NameKind::Weak;
        }
        name.lang = attr(alias, "nameLanguage").map(iso639_3);
        name.original_script = non_latin(&name.full);
        name.parts = NameParts {
            first: first.map(str::to_string),
            middle: middle.map(str::to_string),
            last: last.map(str::to_string),
            patronymic: None,
        };
        if let Some(gender) = attr(alias, "gender") {
            match Gender::parse(gender) {
                Some(g) => entity.gender = Some(g),
                None if gender.eq_ignore_ascii_case("u") => {}
                None => ctx.warn(format!("gender {gender:?}; expected M or F")),
            }
        }
        let title = attr(alias, "title");
        let function = attr(alias, "function");
        if let Some(title) = title {
            Entity::push_unique(&mut entity.titles, title);
        }
        if let Some(function) = function {
            // For people the function is a position held; for entities it describes the entity.
            if entity.schema == Schema::Person {
                Entity::push_unique(&mut entity.positions, function);
            } else {
                note(entity, function);
            }
        }
        let rank = if weak || name.original_script {
            0
        } else if title.is_some() || function.is_some() {
            3
        } else if first.is_some() || last.is_some() {
            2
        } else {
            1
        };
        names.push((name, rank));
    }
    let best = names.iter().map(|(_, rank)| *rank).max().unwrap_or(0);
    if let Some(primary) = names.iter().position(|(_, rank)| *rank == best) {
        let (mut name, _) = names.remove(primary);
        name.kind = NameKind::Primary;
        entity.add_name(name);
    }
    for (name, _) in names {
        entity.add_name(name);
    }
}

fn read_birth(el: &Element, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    let circa = el.attr("circa") == Some("true");
    let gregorian = attr(el, "calendarType").is_none_or(|c| c.eq_ignore_ascii_case("gregorian"));
    let num = |name: &str| attr(el, name).and_then(|v| v.parse::<u16>().ok());
    let spec = if let Some(date) = attr(el, "birthdate") {
        // `birthdate` is always Gregorian, also where year/month/day are in another calendar.
        match PartialDate::parse_iso(date) {
            Some(d) => Some(DateSpec { from: d, to: None, circa, raw: date.to_string() }),
            None => {
                ctx.warn(format!("birthdate {date:?}; expected YYYY-MM-DD"));
                note(entity, &format!("Date of birth: {date}"));
                None
            }
        }
    } else if let (Some(from), Some(to)) = (num("yearRangeFrom"), num("yearRangeTo")) {
        let raw = format!("{from}-{to}");
        match (PartialDate::new(from.min(to), None, None), PartialDate::new(from.max(to), None, None)) {
            (Some(a), Some(b)) => Some(DateSpec { from: a, to: (a != b).then_some(b), circa, raw }),
            _ => {
                ctx.warn(format!("birth year range {raw:?}; expected two four-digit years"));
                note(entity, &format!("Date of birth: {raw}"));
                None
            }
        }
    } else if let Some(year) = num("year") {
        let month = num("monthOfYear").map(|m| m.min(255) as u8);
        let day = num("dayOfMonth").map(|d| d.min(255) as u8);
        let raw = [Some(year), month.map(u16::from), day.map(u16::from)]
            .into_iter()
            .flatten()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join("-");
        let calendar = attr(el, "calendarType").unwrap_or_default();
        match PartialDate::new(year, month, day).filter(|_| gregorian) {
            Some(d) => Some(DateSpec { from: d, to: None, circa, raw }),
            None => {
                ctx.warn(format!("birth date {raw:?} ({calendar}); expected a Gregorian year"));
                note(entity, &format!("Date of birth: {raw} {calendar}"));
                None
            }
        }
    } else {
        None
    };
    if let Some(spec) = spec {
        if !entity.birth_dates.iter().any(|d| d.from == spec.from && d.to == spec.to && d.circa == spec.circa)
        {
            entity.birth_dates.push(spec);
        }
    }
    let country = ctx.country_by_code(el.attr("countryIso2Code"), el.attr("countryDescription"));
    let parts = [attr(el, "place"), attr(el, "city"), attr(el, "region")];
    if parts.iter().any(Option::is_some) {
        let name = country.as_deref().and_then(country_name);
        let place = Address::from_parts(parts.into_iter().flatten().chain(name), None, None).full;
        Entity::push_unique(&mut entity.birth_places, place);
    }
    if let Some(country) = country {
        entity.add_property("birthCountry", country);
    }
    for remark in el.children("remark") {
        note(entity, &format!("Date of birth: {}", remark.text.trim()));
    }
}

fn read_identification(el: &Element, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    let number = attr(el, "number");
    let latin = attr(el, "latinNumber");
    let Some(value) = number.or(latin) else {
        ctx.warn("<identification> without number; expected a document number");
        return;
    };
    let code = attr(el, "identificationTypeCode").unwrap_or_default();
    let description = attr(el, "identificationTypeDescription").unwrap_or(code);
    let kind = match code.to_ascii_lowercase().as_str() {
        "passport" => IdKind::Passport,
        "id" | "ssn" => IdKind::NationalId,
        "regnumber" => IdKind::Registration,
        "fiscalcode" | "tin" | "taxid" => IdKind::TaxId,
        "swiftbic" => IdKind::Bic,
        "imo" => IdKind::Imo,
        _ => IdKind::classify(description),
    };
    let mut note_parts: Vec<String> = vec![description.to_string()];
    for (flag, words) in [
        ("diplomatic", "diplomatic"),
        ("knownExpired", "known expired"),
        ("knownFalse", "known false"),
        ("reportedLost", "reported lost"),
        ("revokedByIssuer", "revoked by issuer"),
    ] {
        if el.attr(flag) == Some("true") {
            note_parts.push(words.to_string());
        }
    }
    for (name, words) in [
        ("issueDate", "issued"),
        ("validFrom", "valid from"),
        ("validTo", "valid to"),
        ("issuedBy", "issued by"),
        ("region", "region"),
        ("nameOnDocument", "name on document"),
    ] {
        if let Some(value) = attr(el, name) {
            note_parts.push(format!("{words} {value}"));
        }
    }
    for remark in el.children("remark") {
        note_parts.push(remark.text.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    let country = ctx.country_by_code(el.attr("countryIso2Code"), el.attr("countryDescription"));
    let note_text = note_parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("; ");
    for value in [Some(value), latin.filter(|l| Some(*l) != number)].into_iter().flatten() {
        entity.add_identifier(Identifier {
            kind: kind.clone(),
            value: value.split_whitespace().collect::<Vec<_>>().join(" "),
            country: country.clone(),
            note: Some(note_text.clone()),
        });
    }
    if let Some(name) = attr(el, "nameOnDocument") {
        let mut name = Name::new(name, NameKind::Alias);
        name.original_script = non_latin(&name.full);
        entity.add_name(name);
    }
}

fn read_address(el: &Element, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    let country = ctx.country_by_code(el.attr("countryIso2Code"), el.attr("countryDescription"));
    let name = country.as_deref().and_then(country_name);
    let parts = ["street", "poBox", "place", "city", "zipCode", "region"].map(|a| attr(el, a));
    let address =
        Address::from_parts(parts.into_iter().flatten().chain(name), attr(el, "city"), country.as_deref());
    if !address.full.is_empty() && !entity.addresses.contains(&address) {
        entity.addresses.push(address);
    }
    if let Some(country) = country {
        Entity::push_unique(&mut entity.countries, country);
    }
    for remark in el.children("remark") {
        note(entity, &remark.text);
    }
    for contact in el.children("contactInfo") {
        let Some(value) = attr(contact, "value") else {
            continue;
        };
        let key = contact.attr("key").unwrap_or_default().to_ascii_uppercase();
        let property = match key.as_str() {
            "PHONE" | "FAX" | "TEL" | "MOBILE" => "phone",
            "EMAIL" => "email",
            "WEB" | "WEBSITE" => "website",
            _ => {
                note(entity, &format!("{key}: {value}"));
                continue;
            }
        };
        // "668 33 01; 0300- 820 91 99": several numbers in one value.
        for value in value.split(';') {
            entity.add_property(property, value);
        }
    }
}

/// The EU designation: programmes and legal acts from the `regulation` elements, the listing
/// date from `designationDate` (else the first regulation), the UN reference if any.
fn add_designation(el: &Element, entity: &mut Entity) {
    let mut programs: Vec<String> = Vec::new();
    let mut acts: Vec<String> = Vec::new();
    let mut dates: Vec<String> = Vec::new();
    let mut urls: Vec<String> = Vec::new();
    for regulation in el.children("regulation") {
        if let Some(programme) = attr(regulation, "programme") {
            Entity::push_unique(&mut programs, programme);
        }
        if let Some(title) = attr(regulation, "numberTitle") {
            Entity::push_unique(&mut acts, title);
        }
        if let Some(date) = regulation.attr("publicationDate").and_then(iso_date) {
            dates.push(date);
        }
        if let Some(url) = regulation.child_text("publicationUrl") {
            Entity::push_unique(&mut urls, url);
        }
    }
    dates.sort();
    let listed_on = el.attr("designationDate").and_then(iso_date).or_else(|| dates.first().cloned());
    let modified_on = dates.last().cloned().filter(|d| Some(d) != listed_on.as_ref());
    for url in urls {
        entity.add_property("sourceUrl", url);
    }
    entity.designations.push(Designation {
        authority: dataset_info(DATASET).map_or("European Union", |d| d.authority).to_string(),
        dataset: DATASET.to_string(),
        list: None,
        programs,
        listed_on,
        modified_on,
        end_date: None,
        reason: None,
        legal_basis: (!acts.is_empty()).then(|| acts.join("; ")),
        record_id: entity.record_id.clone(),
        un_reference: attr(el, "unitedNationId").map(str::to_string),
    });
}
