//! Canada's consolidated autonomous sanctions list (SEMA and JVCFOR), XML with root `data-set`:
//! one flat `record` per person, entity or ship. Two schema versions are read: the older one
//! (`Entity`, `DateOfBirth`, `Title`, no listing date) and the current one (`EntityOrShip`,
//! `DateOfBirthOrShipBuildDate`, `TitleOrShip`, `ShipIMONumber`, `DateOfListing`).
//!
//! The list has no record id, and its schedule item numbers are not stable: an entry keeps its
//! name but moves to another item or part when its regulations are amended. Ward builds the id
//! from what an entry keeps: the regime (its country code, or the acronym or name of a regime
//! that is not a country), person or entity, and the primary name (`ru/person/...`,
//! `jvcfor/person/...`), so that an unchanged entry keeps its id from one version to the next.
//! The schedule and item stay in the designation's legal basis.

use crate::country::country;
use crate::text::clean;
use crate::xml::{self, Element, RecordCtx};
use crate::{Error, Input, Result};
use std::collections::{BTreeMap, HashSet};
use ward_model::{
    dataset_info, DateSpec, Designation, Entity, IdKind, Identifier, Name, NameKind, NameParts, ParsedList,
    PartialDate, Schema,
};

const FORMAT: &str = "ca_sema_xml";
const DATASET: &str = "ca_dfatd_sema_sanctions";

/// The record fields Ward reads, in both schema versions.
const KNOWN_FIELDS: &[&str] = &[
    "Country",
    "LastName",
    "GivenName",
    "Entity",
    "EntityOrShip",
    "DateOfBirth",
    "DateOfBirthOrShipBuildDate",
    "Schedule",
    "Item",
    "DateOfListing",
    "Aliases",
    "Title",
    "TitleOrShip",
    "ShipIMONumber",
];

/// Parses a Canadian SEMA list file.
pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    let source = input.main();
    crate::streaming::collect(|sink| parse_from(&source.bytes[..], &source.name, sink))
}

/// Reads a Canadian SEMA list from `source`, handing each entity to `sink` once its record is
/// read; the list returned has no entities.
pub(crate) fn parse_from(
    source: impl std::io::BufRead,
    file: &str,
    sink: &mut dyn FnMut(Entity),
) -> Result<ParsedList> {
    let mut list = ParsedList::new(DATASET, FORMAT);
    let mut diagnostics = Vec::new();
    let mut ids: HashSet<String> = HashSet::new();
    // Fields of a newer schema that Ward does not read yet, with how often they occur.
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    let header = xml::stream(source, file, FORMAT, &["record"], |el| {
        for child in &el.children {
            if !KNOWN_FIELDS.contains(&child.name.as_str()) {
                *unknown.entry(child.name.clone()).or_default() += 1;
            }
        }
        let mut ctx = RecordCtx::new(file, el.offset, &mut diagnostics);
        if let Some(entity) = read_record(&el, &mut ids, &mut ctx) {
            sink(entity);
        }
    })?;
    if header.root.name != "data-set" {
        return Err(Error::malformed(
            file,
            FORMAT,
            format!("the root element is <{}>, expected <data-set>", header.root.name),
        ));
    }
    diagnostics.extend(xml::unknown_fields_warning(file, &unknown));
    list.diagnostics = diagnostics;
    Ok(list)
}

/// The text of the first child named one of `names` (old and new schema spellings), with white
/// space (non-breaking spaces and line breaks included) collapsed.
fn field(el: &Element, names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| el.child(name)).and_then(|c| clean(&c.text)).map(collapse)
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a name is written in a non-Latin script (Cyrillic, Arabic, Hebrew, Armenian...).
fn is_non_latin(text: &str) -> bool {
    text.chars().any(|c| c.is_alphabetic() && !(c < '\u{0250}' || ('\u{1E00}'..='\u{1EFF}').contains(&c)))
}

/// The English half of a bilingual value ("Russia / Russie", "Major General/major-général").
fn english(text: &str) -> &str {
    text.split('/').next().unwrap_or(text).trim()
}

/// A lower-case id segment: letters, digits and dots kept, anything else one dash.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '.' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The regime part of the record id: the country code of a country's regime (so that "Burma"
/// and "Myanmar (Burma)" are one regime), else the acronym a regime gives itself
/// ("... (JVCFOR)"), else its English name.
fn regime_slug(regime: &str) -> String {
    if let Some(code) = country(regime) {
        return code.to_ascii_lowercase();
    }
    let acronym = regime
        .rsplit_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .filter(|a| a.len() >= 2 && a.chars().all(|c| c.is_ascii_uppercase()));
    slug(acronym.unwrap_or(regime))
}

/// The id part naming a record's kind: a person, or an entity (ships included, which the older
/// schema lists as entities).
fn kind_slug(schema: Schema) -> &'static str {
    match schema {
        Schema::Person => "person",
        _ => "entity",
    }
}

/// "1,Part 3" and "1, Part 3" are the same schedule.
fn normalize_schedule(schedule: &str) -> String {
    schedule.split(',').map(str::trim).collect::<Vec<_>>().join(", ")
}

fn read_record(el: &Element, ids: &mut HashSet<String>, ctx: &mut RecordCtx<'_>) -> Option<Entity> {
    let country = field(el, &["Country"]);
    let item = field(el, &["Item"]);
    let (Some(country), Some(item)) = (country, item) else {
        ctx.error("record without Country or Item: it cannot be identified; record skipped");
        return None;
    };
    let regime = english(&country).to_string();
    let schedule = field(el, &["Schedule"]).map(|s| normalize_schedule(&s));
    let given = field(el, &["GivenName"]);
    let last = field(el, &["LastName"]);
    let organization = field(el, &["EntityOrShip", "Entity"]);
    let imo = field(el, &["ShipIMONumber"]);
    let schema = if given.is_some() || last.is_some() {
        Schema::Person
    } else if imo.is_some() {
        Schema::Vessel
    } else if organization.is_some() {
        Schema::Organization
    } else {
        ctx.record = Some(format!("{}/{}", regime_slug(&regime), slug(&item)));
        ctx.error("record without a name (GivenName, LastName or EntityOrShip); record skipped");
        return None;
    };
    let mut entity = Entity::new(DATASET, "", schema);
    match schema {
        Schema::Person => read_person_name(given, last, &mut entity),
        _ => read_organization_name(organization.as_deref().unwrap_or_default(), schema, &mut entity),
    }
    let primary = entity.names.first().map(|name| name.full.as_str()).unwrap_or_default();
    let mut record_id = format!("{}/{}/{}", regime_slug(&regime), kind_slug(schema), slug(primary));
    // Regime, kind and name are unique but for a person listed twice under one regime (two
    // parts of its schedule, as MENYAILO in 2025): the later entry's id adds its schedule and
    // item. That is no error, so it gets no diagnostic.
    if !ids.insert(record_id.clone()) {
        let base = record_id.clone();
        let place = match &schedule {
            Some(schedule) => format!("{}/{}", slug(schedule), slug(&item)),
            None => slug(&item),
        };
        record_id = format!("{base}~{place}");
        let mut n = 2;
        while !ids.insert(record_id.clone()) {
            record_id = format!("{base}~{place}~{n}");
            n += 1;
        }
    }
    ctx.record = Some(record_id.clone());
    entity.record_id.clone_from(&record_id);
    entity.id = format!("{DATASET}:{record_id}");
    if let Some(aliases) = field(el, &["Aliases"]) {
        for alias in split_aliases(&aliases, schema == Schema::Person) {
            let single_word = !alias.text.contains(' ');
            // A lone given name or nickname of a person ("Alexei", "Batya") cannot identify
            // anyone by itself.
            let kind = if schema == Schema::Person && single_word { NameKind::Weak } else { NameKind::Alias };
            let mut name = Name::new(alias.text.as_str(), kind);
            name.original_script = is_non_latin(&alias.text);
            name.lang = alias.lang.map(str::to_string);
            entity.add_name(name);
        }
    }
    if let Some(title) = field(el, &["TitleOrShip", "Title"]) {
        if schema == Schema::Vessel {
            entity.add_property("type", title);
        } else {
            Entity::push_unique(&mut entity.titles, english(&title).to_string());
        }
    }
    if let Some(dates) = field(el, &["DateOfBirthOrShipBuildDate", "DateOfBirth"]) {
        read_dates(&dates, &mut entity, ctx);
    }
    if let Some(imo) = imo {
        let number = imo.trim_start_matches("IMO").trim().to_string();
        entity.add_identifier(Identifier { kind: IdKind::Imo, value: number, country: None, note: None });
    }
    let mut designation = Designation {
        authority: dataset_info(DATASET).map(|d| d.authority.to_string()).unwrap_or_default(),
        dataset: DATASET.to_string(),
        programs: vec![regime.clone()],
        legal_basis: Some(legal_basis(&regime, schedule.as_deref(), &item)),
        record_id,
        ..Designation::default()
    };
    if let Some(listed) = field(el, &["DateOfListing"]) {
        match PartialDate::parse_iso(&listed) {
            Some(date) => designation.listed_on = Some(date.to_iso()),
            None => ctx.warn(format!("DateOfListing {listed:?} is not a date")),
        }
    }
    entity.designations.push(designation);
    Some(entity)
}

/// "Special Economic Measures Act, Schedule 1, Part 1, Item 12"; the JVCFOR list names its
/// own regulations.
fn legal_basis(regime: &str, schedule: Option<&str>, item: &str) -> String {
    let law = if regime.contains("JVCFOR") {
        "Justice for Victims of Corrupt Foreign Officials Regulations"
    } else {
        "Special Economic Measures Act"
    };
    match schedule {
        Some(s) if s.starts_with(|c: char| c.is_ascii_digit()) => format!("{law}, Schedule {s}, Item {item}"),
        Some(s) => format!("{law}, {s}, Item {item}"),
        None => format!("{law}, Item {item}"),
    }
}

fn read_person_name(given: Option<String>, last: Option<String>, entity: &mut Entity) {
    // "Adanov (Adnuf)", "DIKIY (DIKY)": the bracketed form is another spelling of the surname.
    let (last, variant) =
        match last.as_deref().and_then(|l| l.strip_suffix(')')).and_then(|l| l.split_once(" (")) {
            Some((surname, variant)) => (Some(surname.trim().to_string()), Some(variant.trim().to_string())),
            None => (last, None),
        };
    let mut primary =
        Name::from_parts([given.as_deref().unwrap_or(""), last.as_deref().unwrap_or("")], NameKind::Primary);
    primary.parts = NameParts { first: given.clone(), middle: None, last, patronymic: None };
    entity.add_name(primary);
    if let Some(variant) = variant {
        entity
            .add_name(Name::from_parts([given.as_deref().unwrap_or(""), variant.as_str()], NameKind::Alias));
    }
}

/// Entity names of the older Iran and Syria entries are bilingual, "English/French": the English
/// half is the primary name and the French half an alias. A slash inside brackets
/// ("MEC Steel Mills (Hmaw Bi/Pyi/Ywama)") or between single words is part of the name.
fn read_organization_name(full: &str, schema: Schema, entity: &mut Entity) {
    if schema == Schema::Organization {
        if let Some((en, fr)) = split_bilingual(full) {
            entity.add_name(Name::new(en, NameKind::Primary));
            let mut french = Name::new(fr, NameKind::Alias);
            french.lang = Some("fra".into());
            entity.add_name(french);
            return;
        }
    }
    entity.add_name(Name::new(full, NameKind::Primary));
}

fn split_bilingual(full: &str) -> Option<(&str, &str)> {
    let mut depth = 0i32;
    let mut slash = None;
    for (i, c) in full.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '/' if depth == 0 => {
                if slash.is_some() {
                    return None;
                }
                slash = Some(i);
            }
            _ => {}
        }
    }
    let (en, fr) = full.split_at(slash?);
    let (en, fr) = (en.trim(), fr.get(1..)?.trim());
    (en.contains(' ') && fr.contains(' ')).then_some((en, fr))
}

/// Reads "1965-04-29", "1972", "1963-1964", "1975 or 1976"; for ships the build year.
fn read_dates(text: &str, entity: &mut Entity, ctx: &mut RecordCtx<'_>) {
    // ASCII lower-casing keeps byte offsets: split the original text where the lower-case
    // one says " or ".
    let lower = text.to_ascii_lowercase();
    let mut parts = Vec::new();
    let mut at = 0;
    for (i, _) in lower.match_indices(" or ") {
        parts.push(text.get(at..i).unwrap_or(""));
        at = i + " or ".len();
    }
    parts.push(text.get(at..).unwrap_or(""));
    for part in parts {
        let part = part.trim();
        match DateSpec::parse(part) {
            Some(mut spec) => {
                if entity.schema == Schema::Vessel {
                    entity.add_property("buildDate", spec.from.to_iso());
                }
                spec.raw = part.to_string();
                if !entity.birth_dates.contains(&spec) {
                    entity.birth_dates.push(spec);
                }
            }
            None => {
                ctx.warn(format!("date of birth {part:?} not understood; kept in notes"));
                entity.notes.push(format!("Date of birth: {text}"));
            }
        }
    }
}

/// One alias out of the `Aliases` field, with the language its label gives.
#[derive(Debug, PartialEq)]
struct Alias {
    text: String,
    lang: Option<&'static str>,
}

/// Labels the list puts before original-script spellings ("Russian: Андрей ..."), and their
/// ISO 639-3 codes.
const LANGUAGE_LABELS: &[(&str, &str)] = &[
    ("belarusian", "bel"),
    ("belarussian", "bel"),
    ("russian", "rus"),
    ("ukrainian", "ukr"),
    ("arabic", "ara"),
    ("persian", "fas"),
    ("farsi", "fas"),
    ("hebrew", "heb"),
    ("chinese", "zho"),
    ("armenian", "hye"),
];

/// Legal forms that follow a name after a comma ("NGO Izhbs, LLC") rather than start a new one.
const LEGAL_FORMS: &[&str] = &[
    "llc", "jsc", "ojsc", "pjsc", "cjsc", "ltd", "ltd.", "inc", "inc.", "co.", "limited", "plc", "gmbh",
    "s.a.", "ао", "оао", "пао", "зао", "ооо",
];

/// Splits the free-text `Aliases` field. Aliases are separated by ";" and by "," (except inside
/// brackets and quotes), and alternatives inside one by " or " (and, for people, " and ":
/// company names contain "and", people's names do not). A comma is not a separator
/// before a legal form ("Trinity, JSC") or before a lower-case non-Latin word, which continues a
/// long Russian name ("Министерство образования, науки и молодежи ..."). A language label
/// ("Belarusian:") marks what follows as written in that language, up to the next Latin alias.
fn split_aliases(text: &str, person: bool) -> Vec<Alias> {
    let text = collapse(text);
    let mut out = Vec::new();
    let mut lang: Option<&'static str> = None;
    for part in text.split(';') {
        for segment in split_commas(part) {
            for (labelled, piece) in split_labels(&segment) {
                if labelled.is_some() {
                    lang = labelled;
                }
                let separators: &[&str] = if person { &[" or ", " and "] } else { &[" or "] };
                for alternative in split_all(&piece, separators) {
                    let mut alias = alternative.trim().trim_matches([',', ' ']);
                    for word in ["also ", "and ", "or "] {
                        alias = alias.strip_prefix(word).unwrap_or(alias);
                    }
                    // "LEVY, Yinon AKA": a stray "also known as".
                    let alias = alias.strip_suffix(" AKA").unwrap_or(alias).trim();
                    if alias.is_empty() || LANGUAGE_LABELS.iter().any(|(l, _)| alias.eq_ignore_ascii_case(l))
                    {
                        continue;
                    }
                    if !is_non_latin(alias) {
                        lang = None;
                    }
                    out.push(Alias {
                        text: alias.to_string(),
                        lang: if is_non_latin(alias) { lang } else { None },
                    });
                }
            }
        }
    }
    out
}

/// Splits `text` at every one of `separators`.
fn split_all<'a>(text: &'a str, separators: &[&str]) -> Vec<&'a str> {
    let mut pieces = vec![text];
    for separator in separators {
        pieces = pieces.into_iter().flat_map(|p| p.split(separator)).collect();
    }
    pieces
}

/// Splits at commas outside brackets and quotes, then joins back what is not a new name.
fn split_commas(text: &str) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    let (mut depth, mut straight_quote, mut guillemets) = (0i32, false, 0i32);
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '«' | '“' => guillemets += 1,
            '»' | '”' => guillemets -= 1,
            '"' => straight_quote = !straight_quote,
            _ => {}
        }
        if c == ',' && depth <= 0 && guillemets <= 0 && !straight_quote {
            pieces.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    pieces.push(current);
    let mut out: Vec<String> = Vec::new();
    for piece in pieces {
        let trimmed = piece.trim();
        let continues =
            trimmed.chars().next().is_some_and(|c| c.is_lowercase() && is_non_latin(&c.to_string()))
                || LEGAL_FORMS.contains(&trimmed.to_lowercase().as_str());
        match out.last_mut() {
            Some(last) if continues => {
                last.push(',');
                last.push_str(&piece);
            }
            _ => out.push(piece),
        }
    }
    out
}

/// Splits a segment at language labels ("... Mousa Arabic:عبدالرحيم دقلو"), returning each
/// piece with the language its label names.
fn split_labels(segment: &str) -> Vec<(Option<&'static str>, String)> {
    // ASCII lower-casing keeps byte offsets, so they index `segment` too.
    let lower = segment.to_ascii_lowercase();
    let mut cuts: Vec<(usize, usize, &'static str)> = Vec::new();
    for (label, code) in LANGUAGE_LABELS {
        let mut from = 0;
        while let Some(found) = lower.get(from..).and_then(|rest| rest.find(label)) {
            let start = from + found;
            let end = start + label.len();
            from = end;
            let word_start = start == 0 || lower.as_bytes().get(start - 1) == Some(&b' ');
            let rest = lower.get(end..).unwrap_or("");
            let colon = rest.trim_start().starts_with(':');
            if word_start && colon {
                let after = end + (rest.len() - rest.trim_start().len()) + 1;
                cuts.push((start, after, code));
            }
        }
    }
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut at = 0;
    let mut lang = None;
    for (start, after, code) in cuts {
        if start < at {
            continue;
        }
        out.push((lang, segment.get(at..start).unwrap_or("").to_string()));
        lang = Some(code);
        at = after;
    }
    out.push((lang, segment.get(at..).unwrap_or("").to_string()));
    out
}

#[cfg(test)]
mod tests;
