//! UN Security Council consolidated list (XML, root `CONSOLIDATED_LIST`): individuals and
//! entities with their aliases and the quality the UN gives each, original-script names, dates
//! of birth with their precision, documents, addresses and the sanctions regime.
//!
//! The UN reference number (`QDi.001`) is the record id: it is what every other list cites.

use crate::country::country_in_phrase;
use crate::text::clean;
use crate::xml::{self, Element, RecordCtx};
use crate::{Error, Input, Result};
use ward_model::{
    dataset_info, Address, DateSpec, Designation, Entity, Gender, IdKind, Identifier, Name, NameKind,
    NameParts, ParsedList, PartialDate, Schema,
};

const FORMAT: &str = "un_xml";
const DATASET: &str = "un_sc_sanctions";

/// Parses a UN consolidated list file.
pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    let source = input.main();
    crate::streaming::collect(|sink| parse_from(&source.bytes[..], &source.name, sink))
}

/// Reads a UN consolidated list from `source`, handing each entity to `sink` once its record
/// is read; the list returned has no entities.
pub(crate) fn parse_from(
    source: impl std::io::BufRead,
    file: &str,
    sink: &mut dyn FnMut(Entity),
) -> Result<ParsedList> {
    let mut list = ParsedList::new(DATASET, FORMAT);
    let mut diagnostics = Vec::new();
    let header = xml::stream(source, file, FORMAT, &["INDIVIDUAL", "ENTITY"], |el| {
        let mut ctx = RecordCtx {
            resolve_country: country_in_phrase,
            ..RecordCtx::new(file, el.offset, &mut diagnostics)
        };
        if let Some(entity) = read_record(&el, &mut ctx) {
            sink(entity);
        }
    })?;
    if header.root.name != "CONSOLIDATED_LIST" {
        return Err(Error::malformed(
            file,
            FORMAT,
            format!("the root element is <{}>, expected <CONSOLIDATED_LIST>", header.root.name),
        ));
    }
    list.meta.published =
        header.root.attr("dateGenerated").and_then(PartialDate::parse_iso).map(|d| d.to_iso());
    list.diagnostics = diagnostics;
    Ok(list)
}

/// The trimmed, space-collapsed text of an element, or `None` for the UN's empty placeholders.
fn value(el: &Element) -> Option<String> {
    clean(&el.text).map(collapse)
}

/// The value of the first child named `name`.
fn field(el: &Element, name: &str) -> Option<String> {
    el.child(name).and_then(value)
}

/// The `VALUE` children of every child named `name` (`<NATIONALITY><VALUE>..</VALUE></NATIONALITY>`).
fn values(el: &Element, name: &str) -> Vec<String> {
    el.children(name).flat_map(|c| c.children("VALUE")).filter_map(value).collect()
}

/// Parses an ISO date, dropping the time zone the UN sometimes appends (`2015-07-01-04:00`).
fn iso_date(text: &str) -> Option<PartialDate> {
    PartialDate::parse_iso(text).or_else(|| text.get(..10).and_then(PartialDate::parse_iso))
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a name is written in a non-Latin script (Arabic, Cyrillic, Chinese...).
fn is_non_latin(text: &str) -> bool {
    text.chars().any(|c| c.is_alphabetic() && !(c < '\u{0250}' || ('\u{1E00}'..='\u{1EFF}').contains(&c)))
}

fn read_record(el: &Element, ctx: &mut RecordCtx<'_>) -> Option<Entity> {
    let Some(reference) = field(el, "REFERENCE_NUMBER") else {
        let id = field(el, "DATAID").map_or_else(String::new, |id| format!(" (DATAID {id})"));
        ctx.error(format!("<{}>{id} has no REFERENCE_NUMBER; record skipped", el.name));
        return None;
    };
    ctx.record = Some(reference.clone());
    let person = el.name == "INDIVIDUAL";
    let schema = if person { Schema::Person } else { Schema::Organization };
    let mut entity = Entity::new(DATASET, &reference, schema);

    read_names(el, person, &mut entity, ctx);
    if entity.names.is_empty() {
        ctx.warn("the record gives no name".to_string());
    }
    entity.titles.extend(values(el, "TITLE"));
    entity.positions.extend(values(el, "DESIGNATION"));
    if let Some(gender) = field(el, "GENDER") {
        // "Unknown" says nothing; anything else that is not a gender is worth a look.
        match Gender::parse(&gender) {
            Some(g) => entity.gender = Some(g),
            None if gender.eq_ignore_ascii_case("unknown") => {}
            None => ctx.warn(format!("unknown gender {gender:?}")),
        }
    }
    for nationality in values(el, "NATIONALITY") {
        if let Some(code) = ctx.country(&nationality, "NATIONALITY") {
            Entity::push_unique(&mut entity.nationalities, code);
        }
    }
    for dob in el.children("INDIVIDUAL_DATE_OF_BIRTH") {
        read_birth_date(dob, &mut entity, ctx);
    }
    for pob in el.children("INDIVIDUAL_PLACE_OF_BIRTH") {
        let parts: Vec<String> = ["STREET", "CITY", "STATE_PROVINCE", "COUNTRY", "NOTE"]
            .iter()
            .filter_map(|name| field(pob, name))
            .collect();
        if !parts.is_empty() {
            Entity::push_unique(&mut entity.birth_places, parts.join(", "));
        }
    }
    for address in el.children("INDIVIDUAL_ADDRESS").chain(el.children("ENTITY_ADDRESS")) {
        read_address(address, &mut entity, ctx);
    }
    for document in el.children("INDIVIDUAL_DOCUMENT") {
        read_document(document, &mut entity, ctx);
    }
    if let Some(comments) = field(el, "COMMENTS1") {
        // A few comments start with a stray ": ".
        entity.notes.push(comments.trim_start_matches([':', ' ']).to_string());
    }
    entity.designations.push(read_designation(el, &reference, ctx));
    Some(entity)
}

fn read_names(el: &Element, person: bool, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    let parts: Vec<String> = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
        .iter()
        .filter_map(|name| field(el, name))
        .collect();
    let mut primary = Name::from_parts(parts.iter().map(String::as_str), NameKind::Primary);
    if person {
        // The UN fills the fields in the order the name is written, which for Korean and
        // Chinese names puts the family name first: the parts are positions, not roles.
        if let [first, rest @ ..] = parts.as_slice() {
            primary.parts = NameParts {
                first: Some(first.clone()),
                middle: match rest {
                    [middle @ .., _] if !middle.is_empty() => Some(middle.join(" ")),
                    _ => None,
                },
                last: rest.last().cloned(),
                patronymic: None,
            };
        }
    }
    entity.add_name(primary);
    if let Some(original) = field(el, "NAME_ORIGINAL_SCRIPT") {
        entity.add_name(Name::new(original, NameKind::Alias).in_original_script());
    }
    for alias in el.children("INDIVIDUAL_ALIAS").chain(el.children("ENTITY_ALIAS")) {
        let Some(full) = field(alias, "ALIAS_NAME") else { continue };
        let quality = field(alias, "QUALITY").unwrap_or_default();
        // Individuals' QUALITY is a reliability mark (Good/Low); entities' is the kind of
        // name (a.k.a./f.k.a.).
        let kind = match quality.to_ascii_lowercase().as_str() {
            "low" => NameKind::Weak,
            "f.k.a." | "fka" => NameKind::Previous,
            "good" | "a.k.a." | "aka" | "" => NameKind::Alias,
            other => {
                ctx.warn(format!("unknown alias QUALITY {other:?} for {full:?}; read as a.k.a."));
                NameKind::Alias
            }
        };
        let mut name = Name::new(full.clone(), kind);
        name.original_script = is_non_latin(&full);
        entity.add_name(name);
        // Some aliases carry their own date and place of birth: they belong to the subject.
        if let Some(date) = field(alias, "DATE_OF_BIRTH") {
            match parse_date_text(&date) {
                Some(spec) => push_date(&mut entity.birth_dates, spec),
                None => ctx.warn(format!("alias date of birth {date:?} not understood")),
            }
        }
        let place: Vec<String> =
            ["CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"].iter().filter_map(|n| field(alias, n)).collect();
        if !place.is_empty() {
            Entity::push_unique(&mut entity.birth_places, place.join(", "));
        }
        if let Some(note) = field(alias, "NOTE") {
            entity.notes.push(format!("{full}: {note}"));
        }
    }
}

fn push_date(dates: &mut Vec<DateSpec>, spec: DateSpec) {
    if !dates.iter().any(|d| d.from == spec.from && d.to == spec.to && d.circa == spec.circa) {
        dates.push(spec);
    }
}

/// Reads one `INDIVIDUAL_DATE_OF_BIRTH`: `DATE` (an `xs:date`, sometimes with a time zone),
/// `YEAR`, or `FROM_YEAR`/`TO_YEAR` for `BETWEEN`; `TYPE_OF_DATE` `APPROXIMATELY` (or a NOTE
/// saying so) makes it circa. Some records give the date only in `NOTE` ("Nov. 1973",
/// "24/06/1402 (Hijri Calendar)").
fn read_birth_date(el: &Element, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    let kind = field(el, "TYPE_OF_DATE").unwrap_or_default().to_ascii_uppercase();
    let note = field(el, "NOTE");
    let date = field(el, "DATE");
    let year = field(el, "YEAR");
    let range = (field(el, "FROM_YEAR"), field(el, "TO_YEAR"));
    let note_says_circa = note.as_deref().is_some_and(|n| n.eq_ignore_ascii_case("approximately"));
    let circa = kind == "APPROXIMATELY" || note_says_circa;

    let (spec, raw) = if let Some(date) = &date {
        // "1960-01-01-05:00": an xs:date with a time zone offset.
        let spec = iso_date(date).map(DateSpec::single);
        (spec, date.clone())
    } else if let (Some(from), Some(to)) = &range {
        let spec = match (PartialDate::parse_iso(from), PartialDate::parse_iso(to)) {
            (Some(a), Some(b)) => {
                Some(DateSpec { from: a.min(b), to: Some(a.max(b)), circa: false, raw: String::new() })
            }
            _ => None,
        };
        (spec, format!("{from} to {to}"))
    } else if let Some(year) = &year {
        // A NOTE of "Sep." beside YEAR 1958 is the month.
        let with_month = note.as_ref().and_then(|n| parse_date_text(&format!("{n} {year}")));
        match with_month {
            Some(spec) if !note_says_circa => {
                (Some(spec), format!("{} {year}", note.as_deref().unwrap_or("")))
            }
            _ => (PartialDate::parse_iso(year).map(DateSpec::single), year.clone()),
        }
    } else if let Some(note) = &note {
        (parse_date_text(note), note.clone())
    } else {
        if let (Some(one), None) | (None, Some(one)) = &range {
            ctx.warn(format!("date of birth range with only one end ({one}); kept in notes"));
            entity.notes.push(format!("Date of birth: {one}"));
        }
        return;
    };
    match spec {
        Some(mut spec) => {
            spec.circa |= circa;
            spec.raw = match &note {
                // The note is kept with the date when it says more than the date itself.
                Some(n) if !note_says_circa && !raw.contains(n.as_str()) => format!("{raw} ({n})"),
                _ => raw,
            };
            push_date(&mut entity.birth_dates, spec);
        }
        None => {
            ctx.warn(format!("date of birth {raw:?} not understood; kept in notes"));
            entity.notes.push(format!("Date of birth: {raw}"));
        }
    }
}

/// Parses a date written out in words, as UN notes do: what [`DateSpec::parse`] reads, plus
/// "Between Aug. and Sep. 1977" (one year for both months) and Hijri dates.
pub(crate) fn parse_date_text(text: &str) -> Option<DateSpec> {
    if let Some(spec) = iso_date(text).map(DateSpec::single) {
        return Some(DateSpec { raw: text.trim().to_string(), ..spec });
    }
    // "Nov. 1973": `DateSpec::parse` reads a dot as a date separator, so abbreviations lose it.
    let text = text.trim();
    let plain = text.replace(". ", " ");
    if let Some(spec) = DateSpec::parse(&plain) {
        return Some(DateSpec { raw: text.to_string(), ..spec });
    }
    let lower = plain.to_ascii_lowercase();
    if let Some((a, b)) = lower.strip_prefix("between ").and_then(|rest| rest.split_once(" and ")) {
        let year = b.split_whitespace().last().filter(|y| y.len() == 4)?;
        let spec = DateSpec::parse(&format!("between {a} {year} and {b}"))?;
        return Some(DateSpec { raw: text.to_string(), ..spec });
    }
    if lower.contains("hijri") {
        let date = text.split_whitespace().next()?;
        let mut parts = date.split('/').map(|p| p.parse::<i64>().ok());
        let (Some(Some(day)), Some(Some(month)), Some(Some(year)), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let (y, m, d) = hijri_to_gregorian(year, month, day)?;
        let date = PartialDate::new(u16::try_from(y).ok()?, Some(m), Some(d))?;
        return Some(DateSpec { from: date, to: None, circa: false, raw: text.to_string() });
    }
    None
}

/// Converts a date of the arithmetic (tabular) Islamic calendar to the Gregorian calendar, after
/// Reingold & Dershowitz, *Calendrical Calculations*. Observed calendars can differ by a day.
fn hijri_to_gregorian(year: i64, month: i64, day: i64) -> Option<(i64, u8, u8)> {
    if !(1..=2000).contains(&year) || !(1..=12).contains(&month) || !(1..=30).contains(&day) {
        return None;
    }
    // Rata Die of 1 Muharram 1 AH (16 July 622 Julian).
    const ISLAMIC_EPOCH: i64 = 227_015;
    let fixed = ISLAMIC_EPOCH - 1
        + (year - 1) * 354
        + (3 + 11 * year).div_euclid(30)
        + 29 * (month - 1)
        + month.div_euclid(2)
        + day;
    // Gregorian year, month and day from the Rata Die.
    let d0 = fixed - 1;
    let (n400, d1) = (d0.div_euclid(146_097), d0.rem_euclid(146_097));
    let (n100, d2) = (d1.div_euclid(36_524), d1.rem_euclid(36_524));
    let (n4, d3) = (d2.div_euclid(1_461), d2.rem_euclid(1_461));
    let n1 = d3.div_euclid(365);
    let mut g_year = 400 * n400 + 100 * n100 + 4 * n4 + n1;
    if !(n100 == 4 || n1 == 4) {
        g_year += 1;
    }
    let leap = (g_year % 4 == 0 && g_year % 100 != 0) || g_year % 400 == 0;
    let fixed_of = |y: i64, m: i64, d: i64| -> i64 {
        let py = y - 1;
        let correction = if m <= 2 {
            0
        } else if leap {
            -1
        } else {
            -2
        };
        365 * py + py.div_euclid(4) - py.div_euclid(100)
            + py.div_euclid(400)
            + (367 * m - 362).div_euclid(12)
            + correction
            + d
    };
    let prior_days = fixed - fixed_of(g_year, 1, 1);
    let correction = if fixed < fixed_of(g_year, 3, 1) {
        0
    } else if leap {
        1
    } else {
        2
    };
    let g_month = (12 * (prior_days + correction) + 373).div_euclid(367);
    let g_day = fixed - fixed_of(g_year, g_month, 1) + 1;
    Some((g_year, u8::try_from(g_month).ok()?, u8::try_from(g_day).ok()?))
}

fn read_address(el: &Element, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    let country_name = field(el, "COUNTRY");
    let city = field(el, "CITY");
    let parts: Vec<String> = ["STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE"]
        .iter()
        .filter_map(|name| field(el, name))
        .chain(country_name.clone())
        .collect();
    if parts.is_empty() {
        return;
    }
    let country = country_name.as_deref().and_then(|c| ctx.country(c, "address"));
    let address = Address::from_parts(parts.iter().map(String::as_str), city.as_deref(), country.as_deref());
    if let Some(note) = field(el, "NOTE").filter(|n| !address.full.contains(n.as_str())) {
        entity.notes.push(format!("Address {}: {note}", address.full));
    }
    if !entity.addresses.contains(&address) {
        entity.addresses.push(address);
    }
}

/// Reads an `INDIVIDUAL_DOCUMENT`. `TYPE_OF_DOCUMENT` is "Passport" or "National Identification
/// Number" (sometimes in French or Spanish); `TYPE_OF_DOCUMENT2` names the document more closely
/// ("Service passport", "Italian Fiscal Code:").
fn read_document(el: &Element, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    let kind_label = field(el, "TYPE_OF_DOCUMENT");
    let detail_label = field(el, "TYPE_OF_DOCUMENT2").map(|l| l.trim_end_matches(':').to_string());
    let number = field(el, "NUMBER");
    let note = field(el, "NOTE");
    let country_name = field(el, "ISSUING_COUNTRY").or_else(|| field(el, "COUNTRY_OF_ISSUE"));
    let label = match (&kind_label, &detail_label) {
        (Some(k), Some(d)) if !k.eq_ignore_ascii_case(d) => format!("{k} ({d})"),
        (Some(k), _) => k.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) => String::new(),
    };
    let Some(number) = number else {
        // The number, if any, is inside the free text: keep it readable rather than guess.
        if let Some(note) = note {
            let what = if label.is_empty() { "Document".to_string() } else { label };
            entity.notes.push(format!("{what}: {note}"));
        }
        return;
    };
    let classify = |label: &str| {
        let lower = label.to_lowercase();
        if lower.contains("pasaporte") || lower.contains("passeport") {
            IdKind::Passport
        } else {
            IdKind::classify(label)
        }
    };
    let kind = match detail_label.as_deref().map(classify) {
        Some(kind) if kind != IdKind::Other => kind,
        _ => match kind_label.as_deref().map(classify) {
            Some(IdKind::Other) | None => IdKind::Other,
            Some(kind) => kind,
        },
    };
    let country = country_name.as_deref().and_then(|c| ctx.country(c, "document"));
    let mut remarks = vec![label];
    if let Some(date) = field(el, "DATE_OF_ISSUE") {
        remarks.push(format!("issued {date}"));
    }
    if let Some(city) = field(el, "CITY_OF_ISSUE") {
        remarks.push(format!("in {city}"));
    }
    if country.is_none() {
        remarks.extend(country_name);
    }
    remarks.extend(note);
    remarks.retain(|r| !r.is_empty());
    entity.add_identifier(Identifier {
        kind,
        value: number,
        country,
        note: (!remarks.is_empty()).then(|| remarks.join("; ")),
    });
}

fn read_designation(el: &Element, reference: &str, ctx: &mut RecordCtx<'_>) -> Designation {
    let mut designation = Designation {
        authority: dataset_info(DATASET).map(|d| d.authority.to_string()).unwrap_or_default(),
        dataset: DATASET.to_string(),
        list: values(el, "LIST_TYPE").into_iter().next(),
        programs: field(el, "UN_LIST_TYPE").into_iter().collect(),
        record_id: reference.to_string(),
        un_reference: Some(reference.to_string()),
        ..Designation::default()
    };
    if let Some(listed) = field(el, "LISTED_ON") {
        match iso_date(&listed) {
            Some(date) => designation.listed_on = Some(date.to_iso()),
            None => ctx.warn(format!("LISTED_ON {listed:?} is not a date")),
        }
    }
    let mut updated: Vec<PartialDate> = Vec::new();
    for value in values(el, "LAST_DAY_UPDATED") {
        match iso_date(&value) {
            Some(date) => updated.push(date),
            None => ctx.warn(format!("LAST_DAY_UPDATED {value:?} is not a date")),
        }
    }
    designation.modified_on = updated.into_iter().max().map(|d| d.to_iso());
    designation
}

#[cfg(test)]
mod tests;
