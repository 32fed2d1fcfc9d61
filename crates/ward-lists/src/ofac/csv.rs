//! OFAC CSV sets: the SDN list (sdn.csv + add.csv + alt.csv + `sdn_comments.csv`) and the
//! consolidated non-SDN list (`cons_prim.csv` + `cons_add.csv` + `cons_alt.csv` + `cons_comments.csv`).
//!
//! The files have no header. sdn.csv: `ent_num`, name, type ("individual", "vessel", "aircraft",
//! "-0-" for an entity), programs ("SDGT] [IRGC"), title, call sign, vessel type, tonnage, GRT,
//! vessel flag, vessel owner, remarks. add.csv: `ent_num`, `add_num`, address, city/state/postal
//! code, country, remarks. alt.csv: `ent_num`, `alt_num`, type (aka/fka/nka), name, remarks.
//! `sdn_comments.csv`: `ent_num`, the rest of a remarks field that was cut at 1000 characters.
//! "-0-" means empty; the files may be Windows-1252 and end with a DOS end-of-file byte (0x1A).
//!
//! Only sdn.csv is required (the 2024 snapshots have nothing else). alt.csv holds the strong
//! aliases (aka and nka -> Alias, fka -> Previous); the weak ones are in the remarks, see
//! [`crate::ofac::remarks::apply_remarks`].

use crate::country;
use crate::csv_end;
use crate::ofac::remarks::{self, add_name, designation, push_note, split_programs, CONS, SDN};
use crate::text::{clean, decode};
use crate::{Error, Format, Input, Result, Source};
use std::collections::HashMap;
use ward_model::{Address, Diagnostic, Entity, IdKind, Identifier, NameKind, ParsedList, Schema};

#[cfg(test)]
mod tests;

/// The format name in errors.
const FORMAT: &str = "OFAC CSV";

/// OFAC cuts the remarks column at this many characters and continues it in the comments file.
const REMARKS_LIMIT: usize = 1000;

/// One CSV row and the line it starts on.
struct Row {
    line: u64,
    fields: Vec<String>,
}

impl Row {
    fn get(&self, idx: usize) -> Option<&str> {
        self.fields.get(idx).and_then(|f| clean(f))
    }
}

/// The end-of-file byte (Ctrl-Z) OFAC writes after the last line of every CSV file.
const END_OF_FILE: char = '\u{1a}';

/// The fields of a row of sdn.csv and `cons_prim.csv`.
const PRIMARY_FIELDS: usize = 12;
/// The fields of a row of add.csv: `ent_num`, `add_num`, address, city, country, remarks.
const ADDRESS_FIELDS: usize = 6;
/// The fields of a row of alt.csv: `ent_num`, `alt_num`, type, name, remarks.
const ALIAS_FIELDS: usize = 5;
/// The fields of a row of `sdn_comments.csv`: `ent_num`, remarks.
const COMMENT_FIELDS: usize = 2;

/// Reads the rows of a headerless CSV file whose rows have `width` fields; rows the csv reader
/// rejects become error diagnostics with their line. A file cut inside its last row (an open
/// quote, a short last row) is an error; one without OFAC's end-of-file byte gets a warning,
/// since it may be cut after a whole line (older copies lack the byte).
fn read_rows(source: &Source, width: usize, diagnostics: &mut Vec<Diagnostic>) -> Result<Vec<Row>> {
    let text = decode(&source.bytes);
    let text = text.trim_end_matches(['\r', '\n', ' ']);
    let ends_with_marker = text.ends_with(END_OF_FILE);
    let text = text.trim_end_matches([END_OF_FILE, '\r', '\n', ' ']);
    csv_end::check_quotes_closed(&source.name, FORMAT, text)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    // The csv reader's own line numbers run one behind after a CRLF (a record starts at the
    // "\n"), so lines are counted here from byte offsets, which are exact.
    let mut lines = LineCounter::new(text);
    for result in reader.records() {
        match result {
            Ok(record) => {
                let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
                let fields: Vec<String> = record.iter().map(str::to_string).collect();
                if fields.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                rows.push(Row { line, fields });
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                diagnostics.push(
                    Diagnostic::error(&source.name, format!("unreadable CSV row: {e}"))
                        .at(format!("line {line}")),
                );
            }
        }
    }
    let last = rows.last().map(|row| (row.line, row.fields.len()));
    csv_end::check_last_row(&source.name, FORMAT, last, width)?;
    if !ends_with_marker && !rows.is_empty() {
        diagnostics.push(
            Diagnostic::warning(
                &source.name,
                "the file does not end with OFAC's end-of-file byte (0x1A): it may be cut after a whole line",
            )
            .at(format!("line {}", last.map_or(0, |(line, _)| line))),
        );
    }
    Ok(rows)
}

/// Turns byte offsets, met in increasing order, into 1-based line numbers.
struct LineCounter<'a> {
    text: &'a [u8],
    byte: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter { text: text.as_bytes(), byte: 0, line: 1 }
    }

    /// The line of the first character at or after `byte` that is not a line break.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut target = usize::try_from(byte).unwrap_or(usize::MAX).min(self.text.len());
        while self.text.get(target).is_some_and(|b| *b == b'\r' || *b == b'\n') {
            target += 1;
        }
        if target > self.byte {
            self.line += self.text[self.byte..target].iter().filter(|b| **b == b'\n').count() as u64;
            self.byte = target;
        }
        self.line
    }
}

/// The file names of a set: primary, addresses, aliases, comments.
fn set_names(format: Format) -> (&'static str, [&'static str; 3]) {
    match format {
        Format::OfacConsCsv => (CONS, ["cons_add.csv", "cons_alt.csv", "cons_comments.csv"]),
        _ => (SDN, ["add.csv", "alt.csv", "sdn_comments.csv"]),
    }
}

/// Parses an OFAC CSV set.
pub(crate) fn parse(format: Format, input: &Input) -> Result<ParsedList> {
    let (dataset, [add_name_, alt_name, comments_name]) = set_names(format);
    let main = input.main();
    let mut list = ParsedList::new(dataset, format.name());
    let mut diagnostics = Vec::new();
    let rows = read_rows(main, PRIMARY_FIELDS, &mut diagnostics)?;
    if rows.is_empty() {
        return Err(Error::malformed(&main.name, FORMAT, "no rows: the file is empty"));
    }

    // The continuation of long remarks, by ent_num.
    let mut comments: HashMap<String, String> = HashMap::new();
    let comments_file = input.sibling(comments_name);
    if let Some(source) = comments_file {
        for row in read_rows(source, COMMENT_FIELDS, &mut diagnostics)? {
            match (row.fields.first().map(|f| f.trim()), row.fields.get(1)) {
                (Some(id), Some(text)) if is_ent_num(id) => {
                    comments.entry(id.to_string()).or_default().push_str(text);
                }
                _ => diagnostics.push(bad_row(source, &row, "ent_num and remarks text")),
            }
        }
    }

    let mut entities: Vec<Entity> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in &rows {
        let Some(id) = row.fields.first().map(|f| f.trim()).filter(|id| is_ent_num(id)) else {
            diagnostics.push(bad_row(main, row, "a numeric ent_num in the first field"));
            continue;
        };
        if row.fields.len() < PRIMARY_FIELDS {
            diagnostics.push(bad_row(main, row, &format!("{PRIMARY_FIELDS} fields")).record(id).at(format!(
                "line {}: {} fields",
                row.line,
                row.fields.len()
            )));
            continue;
        }
        if index.contains_key(id) {
            diagnostics.push(
                Diagnostic::error(&main.name, "duplicate ent_num; the first row is kept")
                    .record(id)
                    .at(format!("line {}", row.line)),
            );
            continue;
        }
        let Some(name) = row.get(1) else {
            diagnostics.push(bad_row(main, row, "a name in the second field").record(id));
            continue;
        };
        let mut warnings: Vec<String> = Vec::new();
        if row.fields.len() > PRIMARY_FIELDS {
            warnings.push(format!(
                "{} fields where {PRIMARY_FIELDS} were expected; the extra ones are ignored",
                row.fields.len()
            ));
        }
        let schema = match row.get(2).map(str::to_ascii_lowercase).as_deref() {
            None => Schema::Organization,
            Some("individual") => Schema::Person,
            Some("vessel") => Schema::Vessel,
            Some("aircraft") => Schema::Airplane,
            Some(other) => {
                warnings.push(format!("unknown SDN type {other:?}; read as a legal entity"));
                Schema::LegalEntity
            }
        };
        let mut entity = Entity::new(dataset, id, schema);
        add_name(&mut entity, name, NameKind::Primary);
        let programs = row.get(3).map(split_programs).unwrap_or_default();
        entity.designations.push(designation(dataset, id, programs));
        if let Some(title) = row.get(4) {
            Entity::push_unique(&mut entity.titles, title);
        }
        read_vessel(&mut entity, row, &mut warnings);

        // The continuation is appended to the raw field: the cut can fall on a space.
        let raw = row.fields.get(11).map_or("", String::as_str);
        let cut = raw.chars().count() >= REMARKS_LIMIT;
        let continuation = comments.remove(id);
        let remarks = match &continuation {
            Some(more) => format!("{raw}{more}"),
            None => clean(raw).unwrap_or("").to_string(),
        };
        let truncated = cut && continuation.is_none();
        if truncated {
            warnings.push(match comments_file {
                Some(_) => format!("remarks end at {REMARKS_LIMIT} characters and {comments_name} has no continuation; the last part is kept in notes unread"),
                None => format!("remarks end at {REMARKS_LIMIT} characters and {comments_name}, which would hold the rest, is missing; the last part is kept in notes unread"),
            });
        }
        warnings.extend(remarks::apply_remarks(&mut entity, &remarks, truncated));
        for message in warnings {
            diagnostics
                .push(Diagnostic::warning(&main.name, message).record(id).at(format!("line {}", row.line)));
        }
        index.insert(id.to_string(), entities.len());
        entities.push(entity);
    }
    if entities.is_empty() {
        return Err(Error::malformed(
            &main.name,
            FORMAT,
            format!(
                "none of its {} rows is an OFAC record (ent_num, name, ... {PRIMARY_FIELDS} fields)",
                rows.len()
            ),
        ));
    }
    // Comments whose record is not in the primary file.
    let mut orphans: Vec<String> = comments.into_keys().collect();
    orphans.sort();
    for id in orphans {
        diagnostics.push(
            Diagnostic::warning(comments_name, "remarks continuation for a record that is not in the list")
                .record(id),
        );
    }

    if let Some(source) = input.sibling(add_name_) {
        for row in read_rows(source, ADDRESS_FIELDS, &mut diagnostics)? {
            let Some(entity) = side_entity(
                source,
                &row,
                5,
                "ent_num, add_num, address, city, country",
                &index,
                &mut entities,
                &mut diagnostics,
            ) else {
                continue;
            };
            read_address(entity, &row, source, &mut diagnostics);
        }
    }
    if let Some(source) = input.sibling(alt_name) {
        for row in read_rows(source, ALIAS_FIELDS, &mut diagnostics)? {
            let Some(entity) = side_entity(
                source,
                &row,
                4,
                "ent_num, alt_num, alt_type, alt_name",
                &index,
                &mut entities,
                &mut diagnostics,
            ) else {
                continue;
            };
            let kind = match row.get(2).map(str::to_ascii_lowercase).as_deref() {
                Some("aka" | "nka") => NameKind::Alias,
                Some("fka") => NameKind::Previous,
                other => {
                    diagnostics.push(
                        Diagnostic::warning(
                            &source.name,
                            format!("unknown alias type {other:?}; read as a.k.a."),
                        )
                        .record(entity.record_id.clone())
                        .at(format!("line {}", row.line)),
                    );
                    NameKind::Alias
                }
            };
            match row.get(3) {
                Some(name) => add_name(entity, name, kind),
                None => diagnostics.push(
                    bad_row(source, &row, "an alias name in the fourth field")
                        .record(entity.record_id.clone()),
                ),
            }
            if let Some(remark) = row.get(4) {
                push_note(entity, format!("Alias remark: {remark}"));
            }
        }
    }

    remarks::resolve_links(&mut entities);
    list.entities = entities;
    list.diagnostics = diagnostics;
    Ok(list)
}

/// Whether a field is an OFAC `ent_num`.
fn is_ent_num(text: &str) -> bool {
    !text.is_empty() && text.len() <= 12 && text.bytes().all(|b| b.is_ascii_digit())
}

fn bad_row(source: &Source, row: &Row, expected: &str) -> Diagnostic {
    let first: String = row.fields.first().map(|f| f.chars().take(40).collect()).unwrap_or_default();
    Diagnostic::error(&source.name, format!("row skipped: expected {expected}, found {first:?}..."))
        .at(format!("line {}", row.line))
}

/// The entity a side-file row (address or alias) belongs to, or `None` with a diagnostic.
fn side_entity<'a>(
    source: &Source,
    row: &Row,
    min_fields: usize,
    expected: &str,
    index: &HashMap<String, usize>,
    entities: &'a mut [Entity],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<&'a mut Entity> {
    let id = row.fields.first().map(|f| f.trim()).unwrap_or("");
    if !is_ent_num(id) || row.fields.len() < min_fields {
        diagnostics.push(bad_row(source, row, expected));
        return None;
    }
    match index.get(id).and_then(|&idx| entities.get_mut(idx)) {
        Some(entity) => Some(entity),
        None => {
            diagnostics.push(
                Diagnostic::warning(&source.name, "row for a record that is not in the list; skipped")
                    .record(id)
                    .at(format!("line {}", row.line)),
            );
            None
        }
    }
}

/// The vessel columns: call sign, type, tonnage, gross registered tonnage, flag, owner.
fn read_vessel(entity: &mut Entity, row: &Row, warnings: &mut Vec<String>) {
    if let Some(call_sign) = row.get(5) {
        let mut identifier = Identifier::from_label("Call Sign", call_sign, None);
        identifier.kind = IdKind::CallSign;
        entity.add_identifier(identifier);
    }
    for (idx, property) in [(6, "type"), (7, "tonnage"), (8, "grossRegisteredTonnage"), (10, "owner")] {
        if let Some(value) = row.get(idx) {
            entity.add_property(property, value);
        }
    }
    if let Some(flag) = row.get(9).filter(|f| !country::is_no_country(f)) {
        match country::country(flag) {
            Some(code) => {
                entity.add_property("flag", code);
                Entity::push_unique(&mut entity.countries, code);
            }
            None => {
                warnings.push(format!("unknown vessel flag {flag:?}; kept in notes"));
                push_note(entity, format!("Vessel flag {flag}"));
            }
        }
    }
}

/// An add.csv row: street, "City State Postal", country.
fn read_address(entity: &mut Entity, row: &Row, source: &Source, diagnostics: &mut Vec<Diagnostic>) {
    let street = row.get(2);
    let city = row.get(3);
    let country_name = row.get(4);
    let mut code = None;
    if let Some(name) = country_name {
        code = country::country(name);
        if code.is_none() && !country::is_no_country(name) {
            diagnostics.push(
                Diagnostic::warning(
                    &source.name,
                    format!("unknown address country {name:?}; kept in the address text"),
                )
                .record(entity.record_id.clone())
                .at(format!("line {}", row.line)),
            );
        }
    }
    if street.is_none() && city.is_none() && country_name.is_none() {
        return;
    }
    // The city column mixes city, state and postal code ("London EC3N 1DY"), so it is no city.
    let address = Address::from_parts([street, city, country_name].into_iter().flatten(), None, code);
    if !entity.addresses.contains(&address) {
        entity.addresses.push(address);
    }
    if let Some(remark) = row.get(5) {
        push_note(entity, format!("Address remark: {remark}"));
    }
}
