//! Australia DFAT Consolidated List (xlsx, "`regulation8_consolidated.xlsx")`: one row per name.
//! The numeric part of the Reference groups the names of one party ("2" is the primary name,
//! "2a", "2b", "2b1" its aliases and original-script names), so the rows of one number are
//! merged into one entity whose record id is that number.
//!
//! The sheet is typed by hand and it shows: "Name Type" and "Type" come in several spellings,
//! dates of birth are Excel dates, bare years or free text listing alternatives ("a) 1955 b)
//! Approximately 1958", "14 Mar 1974 >> 13 Apr 1974", "09/05/1982; alt DOB: 09/05/1981").

use crate::country;
use crate::tabular::{self, Columns, Diagnostics, Row};
use crate::un_ref;
use crate::{Error, Input, Result};
use ward_model::{
    dataset_info, Address, DateSpec, Designation, Entity, Gender, IdKind, Identifier, Name, NameKind,
    ParsedList, Schema,
};

const DATASET: &str = "au_dfat_sanctions";
const FORMAT: &str = "au_dfat";
const NAME: &str = "Name of Individual or Entity";

pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    let source = input.main();
    let rows = tabular::read_xlsx(source, FORMAT)?;
    parse_rows(&source.name, &rows)
}

fn is_header(row: &Row) -> bool {
    let has = |name: &str| row.cells.iter().any(|c| c.trim().eq_ignore_ascii_case(name));
    has("Reference") && has(NAME)
}

fn parse_rows(file: &str, rows: &[Row]) -> Result<ParsedList> {
    let Some(h) = rows.iter().take(10).position(is_header) else {
        return Err(Error::malformed(
            file,
            FORMAT,
            format!("no header row naming \"Reference\" and \"{NAME}\" in the first 10 rows"),
        ));
    };
    let columns = Columns::new(&rows[h].cells);
    let mut diags = Diagnostics::new(file);
    let mut keyed = Vec::new();
    for row in &rows[h + 1..] {
        if row.is_blank() {
            continue;
        }
        let reference = columns.get(row, "Reference").unwrap_or("");
        let number: String = reference.chars().take_while(char::is_ascii_digit).collect();
        if number.is_empty() {
            diags.error(
                None,
                row.number,
                "row",
                format!("Reference {reference:?} does not start with a number; the row was skipped"),
            );
        } else {
            // "0042" and "42" are the same record.
            let number = number.trim_start_matches('0');
            keyed.push((if number.is_empty() { "0".to_string() } else { number.to_string() }, row));
        }
    }
    let mut list = ParsedList::new(DATASET, "");
    for (id, group) in tabular::group_by(keyed) {
        list.entities.push(Group { columns: &columns, id: &id, diags: &mut diags }.build(&group));
    }
    list.diagnostics = diags.list;
    Ok(list)
}

struct Group<'a, 'd> {
    columns: &'a Columns,
    id: &'a str,
    diags: &'a mut Diagnostics<'d>,
}

impl Group<'_, '_> {
    fn warn(&mut self, row: &Row, message: impl Into<String>) {
        self.diags.warn(self.id, row.number, "row", message);
    }

    fn build(mut self, rows: &[&Row]) -> Entity {
        let c = self.columns;
        let first = rows[0];
        let schema = match c.get(first, "Type").map(str::to_ascii_lowercase).as_deref() {
            Some("individual") => Schema::Person,
            Some("entity") => Schema::Organization,
            Some("vessel") => Schema::Vessel,
            Some("aircraft") => Schema::Airplane,
            other => {
                if let Some(other) = other {
                    self.warn(first, format!("unknown Type {other:?}; read as a legal entity"));
                }
                Schema::LegalEntity
            }
        };
        let mut entity = Entity::new(DATASET, self.id, schema);
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for row in rows {
            self.name(&mut entity, row);
            // Rows repeat the party's details; read each distinct value once.
            for column in
                ["Date of Birth", "Place of Birth", "Citizenship", "Address", "Additional Information"]
            {
                let Some(value) = c.get(row, column) else {
                    continue;
                };
                if seen.contains(&(column, value)) {
                    continue;
                }
                seen.push((column, value));
                match column {
                    "Date of Birth" => self.birth_dates(&mut entity, row, value),
                    "Place of Birth" => birth_places(&mut entity, value),
                    "Citizenship" => self.citizenships(&mut entity, row, value),
                    "Address" => addresses(&mut entity, value),
                    _ => additional_information(&mut entity, value),
                }
            }
            self.designation(&mut entity, row);
        }
        entity
    }

    fn name(&mut self, entity: &mut Entity, row: &Row) {
        let c = self.columns;
        let Some(full) = c.get(row, NAME) else {
            self.warn(row, format!("the row has no {NAME}"));
            return;
        };
        let name_type = c.get(row, "Name Type").map(|t| tabular::collapse(t).to_ascii_lowercase());
        let (kind, original) = match name_type.as_deref() {
            Some("primary name") => (NameKind::Primary, false),
            Some("aka") | None => (NameKind::Alias, false),
            Some("original script") => (NameKind::Alias, true),
            Some("formerly known as" | "previously listed as" | "fka") => (NameKind::Previous, false),
            Some(other) => {
                self.warn(row, format!("unknown Name Type {other:?}; read as an alias"));
                (NameKind::Alias, false)
            }
        };
        let mut name = Name::new(full, kind);
        // Some aliases are in Arabic script without being typed "Original Script".
        if original || is_non_latin(&name.full) {
            name = name.in_original_script();
        }
        entity.add_name(name);
    }

    fn birth_dates(&mut self, entity: &mut Entity, row: &Row, text: &str) {
        for piece in date_alternatives(text) {
            match parse_date(&piece) {
                Some(date) => {
                    if !entity
                        .birth_dates
                        .iter()
                        .any(|d| d.from == date.from && d.to == date.to && d.circa == date.circa)
                    {
                        entity.birth_dates.push(date);
                    }
                }
                None => {
                    self.warn(row, format!("Date of Birth {piece:?} is not a date; kept in notes"));
                    Entity::push_unique(&mut entity.notes, format!("Date of birth: {piece}"));
                }
            }
        }
    }

    fn citizenships(&mut self, entity: &mut Entity, row: &Row, text: &str) {
        let (codes, unknown) = country::countries(text);
        for code in codes {
            Entity::push_unique(&mut entity.citizenships, code);
        }
        for item in unknown {
            self.warn(row, format!("Citizenship {item:?} names no known country"));
        }
    }

    fn designation(&mut self, entity: &mut Entity, row: &Row) {
        let c = self.columns;
        let programs: Vec<String> = c.get(row, "Committees").map(tabular::collapse).into_iter().collect();
        let listing = c.get(row, "Listing Information");
        let listed_on = listing.and_then(listing_date);
        let modified_on = c.get(row, "Control Date").and_then(tabular::iso_date);
        // One designation per sanctions regime ("1988 (Taliban)", "Autonomous (Russia)").
        let index = match entity.designations.iter().position(|d| d.programs == programs) {
            Some(i) => i,
            None => {
                entity.designations.push(Designation {
                    authority: dataset_info(DATASET).map(|d| d.authority.to_string()).unwrap_or_default(),
                    dataset: DATASET.to_string(),
                    programs,
                    // A cell that is only a date says nothing about the legal basis.
                    legal_basis: listing.filter(|l| tabular::iso_date(l).is_none()).map(tabular::collapse),
                    record_id: self.id.to_string(),
                    ..Designation::default()
                });
                entity.designations.len() - 1
            }
        };
        let designation = &mut entity.designations[index];
        if let Some(date) = listed_on {
            if designation.listed_on.as_ref().is_none_or(|d| date < *d) {
                designation.listed_on = Some(date);
            }
        }
        if let Some(date) = modified_on {
            if designation.modified_on.as_ref().is_none_or(|d| date > *d) {
                designation.modified_on = Some(date);
            }
        }
    }
}

/// Whether a name is written mostly in a non-Latin script.
fn is_non_latin(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    let latin = letters.iter().filter(|c| (**c as u32) < 0x250).count();
    !letters.is_empty() && latin * 2 < letters.len()
}

fn birth_places(entity: &mut Entity, text: &str) {
    for place in tabular::split_list(text) {
        // The country is the last part: "Pashmul village, Panjwai District, Kandahar Province,
        // Afghanistan". Places that end otherwise are kept as written, without a warning.
        if let Some(code) = place.rsplit(',').next().and_then(country::country) {
            entity.add_property("birthCountry", code);
        }
        Entity::push_unique(&mut entity.birth_places, place);
    }
}

fn addresses(entity: &mut Entity, text: &str) {
    for line in tabular::split_list(text) {
        // "Vietnam", "North Korea, Malaysia, Indonesia, Singapore": countries, not an address.
        let codes: Vec<Option<&'static str>> = line.split(',').map(country::country).collect();
        if codes.iter().all(Option::is_some) {
            for code in codes.into_iter().flatten() {
                Entity::push_unique(&mut entity.countries, code);
            }
            continue;
        }
        let country = line.rsplit(',').next().and_then(country::country);
        let address = Address { full: line.clone(), city: None, country: country.map(str::to_string) };
        if !entity.addresses.contains(&address) {
            entity.addresses.push(address);
        }
    }
}

/// Reads what the free-text "Additional Information" states in a fixed form ("Title:",
/// "Designation:", "Gender:", "Passport No:", "IMO number:", "Website:", "Tax ID No.:",
/// "Registration ID:") and links to the UN records it cites; the whole text is kept as a note.
fn additional_information(entity: &mut Entity, text: &str) {
    Entity::push_unique(&mut entity.notes, tabular::collapse(text));
    for title in labelled_phrase(text, "Title:").iter().flat_map(|t| tabular::split_list(t)) {
        Entity::push_unique(&mut entity.titles, title);
    }
    for position in labelled_phrase(text, "Designation:").iter().flat_map(|t| tabular::split_list(t)) {
        Entity::push_unique(&mut entity.positions, position);
    }
    let lower = text.to_ascii_lowercase();
    if let Some(at) = lower.find("gender") {
        let rest = text.get(at + "gender".len()..).unwrap_or("");
        let word =
            rest.trim_start_matches([':', '[', ' ']).split(|c: char| !c.is_alphabetic()).next().unwrap_or("");
        if let Some(gender) = Gender::parse(word) {
            entity.gender = Some(gender);
        }
    }
    for (label, kind, note) in [
        ("passport no", IdKind::Passport, "Passport"),
        ("passport number", IdKind::Passport, "Passport"),
        ("(IMO) Number", IdKind::Imo, "IMO number"),
        ("IMO number", IdKind::Imo, "IMO number"),
        ("Tax ID No", IdKind::TaxId, "Tax ID No."),
        ("Registration ID", IdKind::Registration, "Registration ID"),
        ("national identification number", IdKind::NationalId, "National identification number"),
    ] {
        for value in tabular::values_after(text, label) {
            entity.add_identifier(Identifier {
                kind: kind.clone(),
                value,
                country: None,
                note: Some(note.to_string()),
            });
        }
    }
    for word in text.split_whitespace() {
        let word = word.trim_end_matches(['.', ',', ';', ')']).trim_start_matches('(');
        if word.contains('@') && word.contains('.') {
            entity.add_property("email", word);
        }
    }
    let mut from = 0;
    while let Some(at) = lower.get(from..).and_then(|rest| rest.find("website:")) {
        from += at + "website:".len();
        let url = text.get(from..).unwrap_or("").split_whitespace().next().unwrap_or("");
        let url = url.trim_end_matches(['.', ',', ';']);
        if !url.is_empty() {
            entity.add_property("website", url);
        }
    }
    un_ref::link_un_references(entity, text, None);
}

/// The phrase after `label` up to the end of its sentence: "Title: a) Mullah b) Haji." gives
/// "a) Mullah b) Haji".
fn labelled_phrase(text: &str, label: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let at = lower.find(&label.to_ascii_lowercase())?;
    let rest = text.get(at + label.len()..)?;
    let end = [". ", ".\n", "\n"].iter().filter_map(|sep| rest.find(sep)).min().unwrap_or(rest.len());
    let phrase = rest.get(..end)?.trim().trim_end_matches('.');
    (!phrase.is_empty()).then(|| phrase.to_string())
}

/// The listing date stated in "Listing Information": "Listed by UN 1267 Committee on 25 January
/// 2001 (amended ...)", "Listed on: 14 Aug. 2019", "Designated under ... 2011 on 2 March 2012".
/// A cell that is an Excel date is that date.
fn listing_date(text: &str) -> Option<String> {
    if let Some(date) = tabular::iso_date(&normalize_date(text)) {
        return Some(date);
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        if !word.eq_ignore_ascii_case("on") && !word.eq_ignore_ascii_case("on:") {
            continue;
        }
        for n in [3, 2, 1] {
            let Some(candidate) = words.get(i + 1..i + 1 + n) else {
                continue;
            };
            let candidate = candidate.join(" ");
            // "on 2 March 2012(F2012L00479)".
            let candidate = candidate.split('(').next().unwrap_or("");
            let candidate = candidate.trim_end_matches(['.', ',', ';', ')']);
            if let Some(date) =
                DateSpec::parse(&normalize_date(candidate)).filter(|d| d.to.is_none() && d.from.day.is_some())
            {
                return Some(date.from.to_iso());
            }
        }
    }
    None
}

/// Splits a date-of-birth cell into its alternatives. Parenthesised remarks ("(as Ali Thafir
/// Abdallah)", "(this aka only, alt DOB 1973)") are dropped; Hijri dates are skipped, as Ward's
/// dates are Gregorian.
fn date_alternatives(text: &str) -> Vec<String> {
    // Two or more spaces separate alternatives ("11/10/1953  10/11/1953"); split_list would
    // collapse them, so they become ";" first. Remarks in parentheses may span lines.
    let text = strip_parentheses(&text.replace('\u{a0}', " ")).replace(">>", ";").replace("  ", ";");
    let mut out = Vec::new();
    for item in tabular::split_list(&text) {
        if item.contains(HIJRI) {
            continue;
        }
        let lower = item.to_ascii_lowercase();
        // "Approximately 1955. For this aka only, alt DOB 01/01/1969".
        let item = match lower.find("for this aka only") {
            Some(at) => format!("{}{}", &item[..at], &item[at + "for this aka only".len()..]),
            None => item.clone(),
        };
        let lower = item.to_ascii_lowercase();
        // "09/05/1982; alt DOB: 09/05/1981" has already been split at ";".
        let item = match lower.find("alt dob") {
            Some(at) => format!("{} ; {}", &item[..at], &item[at + "alt dob".len()..]),
            None => item.clone(),
        };
        for part in item.split(';').flat_map(split_or).flat_map(|p| split_spaced(&p)) {
            let part = part.trim().trim_start_matches(':').trim().trim_end_matches(['.', ',', ';']).trim();
            // "30 December 1960  or 13 December 1960" was split at the spaces.
            let part = part.strip_prefix("or ").unwrap_or(part).trim();
            if !part.is_empty() && !part.eq_ignore_ascii_case("na") {
                out.push(part.to_string());
            }
        }
    }
    out
}

/// Stands in for a "(Hijri Calendar)" remark, whose date is skipped.
const HIJRI: &str = "\u{1}HIJRI\u{1}";

/// Drops parenthesised remarks, leaving [`HIJRI`] where one said the date is a Hijri one.
fn strip_parentheses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut remark = String::new();
    let mut depth = 0usize;
    for ch in text.chars() {
        match ch {
            '(' => depth += 1,
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 && remark.to_ascii_lowercase().contains("hijri") {
                    out.push_str(HIJRI);
                }
                if depth == 0 {
                    remark.clear();
                }
            }
            _ if depth == 0 => out.push(ch),
            _ => remark.push(ch),
        }
    }
    out
}

/// "1963 or 1964 or 1965", "Approximately 1967, or approximately 1961", "1938, 1940",
/// "approximately 1977/1978": alternatives joined by "or", by a comma after a year, or by "/"
/// between two years.
fn split_or(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in text.split(" or ") {
        let mut rest = part;
        while let Some(at) = rest.find(',') {
            let head = rest[..at].trim_end();
            let ends_in_year = head.len() >= 4 && head[head.len() - 4..].bytes().all(|b| b.is_ascii_digit());
            if !ends_in_year {
                break;
            }
            out.push(head.to_string());
            rest = &rest[at + 1..];
        }
        out.push(rest.to_string());
    }
    out.into_iter()
        .flat_map(|p| {
            let years: Vec<&str> = p.split('/').collect();
            let year_list = years.len() == 2
                && years.iter().all(|y| {
                    let y = y.trim();
                    let digits = y.rsplit(' ').next().unwrap_or("");
                    digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit())
                });
            if year_list {
                let circa = years[0].trim().rsplit_once(' ').map(|(c, _)| c.to_string());
                let second = match circa {
                    Some(c) => format!("{c} {}", years[1].trim()),
                    None => years[1].trim().to_string(),
                };
                vec![years[0].trim().to_string(), second]
            } else {
                vec![p]
            }
        })
        .collect()
}

/// Alternatives separated by a run of two or more spaces ("5/06/1953   15/06/1953",
/// "11/10/1953  10/11/1953").
fn split_spaced(text: &str) -> Vec<String> {
    text.split("  ").filter(|p| !p.trim().is_empty()).map(str::to_string).collect()
}

/// Reads one date alternative, tidying the typing: "12. Sep 1974", "24 Jan.1973",
/// "19-Dec-1992".
fn parse_date(piece: &str) -> Option<DateSpec> {
    let mut date = DateSpec::parse(&normalize_date(piece))?;
    date.raw = piece.to_string();
    Some(date)
}

/// How many letters run up to position `i` ("Jan." has 3, "c." has 1).
fn letters_before(chars: &[char], i: usize) -> usize {
    chars[..i].iter().rev().take_while(|c| c.is_alphabetic()).count()
}

fn normalize_date(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 2);
    for (i, &ch) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        match ch {
            // "12. Sep": a day number does not end a sentence.
            '.' if prev.is_some_and(|p| p.is_ascii_digit()) && next == Some(' ') => {}
            // "Jan.1973": a month abbreviation runs into the year.
            '.' if prev.is_some_and(char::is_alphabetic) && next.is_some_and(|n| n.is_ascii_digit()) => {
                out.push(' ');
            }
            // "1 Jan. 1964": `DateSpec::parse` reads a "." as a day.month.year separator, so the
            // abbreviation's dot goes.
            '.' if next == Some(' ') && letters_before(&chars, i) >= 3 => {}
            // "19-Dec-1992".
            '-' if prev.is_some_and(char::is_alphabetic) || next.is_some_and(char::is_alphabetic) => {
                out.push(' ');
            }
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests;
