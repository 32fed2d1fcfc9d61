//! UK OFSI Consolidated List of Financial Sanctions Targets ("`ConList`"), xlsx or csv: one row
//! per name of a designated party, the rows of one party sharing a Group ID. Every row repeats
//! the party's details, crossed with each of its dates of birth and addresses, so the rows of a
//! group are merged into one entity with names and values de-duplicated.
//!
//! Row 1 of current files is "Last Updated, dd/mm/yyyy", row 2 the header. The "Other
//! Information" column carries tagged values ("(UN Ref):QDi.001", "(Gender):Male", "(UK
//! Statement of Reasons):...", ship details); older files (2020) write free text there instead,
//! and their header has an empty first cell that the data rows lack.

use crate::country;
use crate::tabular::{self, Columns, Diagnostics, Row};
use crate::un_ref;
use crate::{Error, Format, Input, Result};
use ward_model::{
    dataset_info, Address, DateSpec, Designation, Entity, Gender, IdKind, Identifier, Link, LinkKind, Name,
    NameKind, NameParts, ParsedList, Schema,
};

const DATASET: &str = "gb_hmt_sanctions";
const FORMAT: &str = "uk_ofsi";

pub(crate) fn parse(format: Format, input: &Input) -> Result<ParsedList> {
    let source = input.main();
    let (rows, unit) = match format {
        Format::UkOfsiXlsx => (tabular::read_xlsx(source, FORMAT)?, "row"),
        _ => (tabular::read_csv(source, FORMAT)?, "line"),
    };
    parse_rows(&source.name, rows, unit)
}

fn is_header(row: &Row) -> bool {
    let has = |name: &str| row.cells.iter().any(|c| c.trim().eq_ignore_ascii_case(name));
    has("Name 6") && (has("Group ID") || has("Group Type"))
}

fn parse_rows(file: &str, rows: Vec<Row>, unit: &'static str) -> Result<ParsedList> {
    let mut list = ParsedList::new(DATASET, "");
    let Some(h) = rows.iter().take(10).position(is_header) else {
        return Err(Error::malformed(
            file,
            FORMAT,
            "no header row naming \"Name 6\" and \"Group ID\" in the first 10 rows",
        ));
    };
    for row in &rows[..h] {
        if row.cells.first().is_some_and(|c| c.trim().eq_ignore_ascii_case("Last Updated")) {
            list.meta.published = row.cells.get(1).and_then(|d| tabular::iso_date(d));
        }
    }
    let mut header = rows[h].cells.clone();
    let data = &rows[h + 1..];
    // The 2020 export wrote an empty first header cell (a spreadsheet index column) that its
    // data rows do not have: drop it so that names line up with cells.
    if header.first().is_some_and(|c| c.trim().is_empty()) {
        if let Some(next) = data.iter().find(|r| !r.is_blank()) {
            if next.cells.len() + 1 == header.len() {
                header.remove(0);
            }
        }
    }
    // Rows of an xlsx sheet are as wide as its header; a CSV's last row is shorter when it is cut.
    tabular::check_last_row(file, FORMAT, data, header.len())?;
    let columns = Columns::new(&header);
    if !columns.has("Group ID") {
        return Err(Error::malformed(
            file,
            FORMAT,
            format!("{unit} {}: the header has no \"Group ID\" column", rows[h].number),
        ));
    }
    let mut diags = Diagnostics::new(file);
    let mut keyed = Vec::new();
    for row in data {
        if row.is_blank() {
            continue;
        }
        match columns.get(row, "Group ID") {
            Some(id) => keyed.push((id.to_string(), row)),
            None => diags.error(None, row.number, unit, "the row has no Group ID; it was skipped"),
        }
    }
    for (id, group) in tabular::group_by(keyed) {
        let entity = Group { columns: &columns, id: &id, unit, diags: &mut diags }.build(&group);
        list.entities.push(entity);
    }
    list.diagnostics = diags.list;
    Ok(list)
}

/// What one record's "Other Information" gives to its designations.
#[derive(Default)]
struct Designated {
    reason: Option<String>,
    un_reference: Option<String>,
}

struct Group<'a, 'd> {
    columns: &'a Columns,
    id: &'a str,
    unit: &'static str,
    diags: &'a mut Diagnostics<'d>,
}

impl Group<'_, '_> {
    fn warn(&mut self, row: &Row, message: impl Into<String>) {
        self.diags.warn(self.id, row.number, self.unit, message);
    }

    fn build(mut self, rows: &[&Row]) -> Entity {
        let columns = self.columns;
        let first = rows[0];
        let schema = match columns.get(first, "Group Type").map(str::to_ascii_lowercase).as_deref() {
            Some("individual") => Schema::Person,
            Some("entity") => Schema::Organization,
            Some("ship" | "vessel") => Schema::Vessel,
            other => {
                if let Some(other) = other {
                    self.warn(first, format!("unknown Group Type {other:?}; read as a legal entity"));
                }
                Schema::LegalEntity
            }
        };
        let mut entity = Entity::new(DATASET, self.id, schema);
        let mut other_seen: Vec<&str> = Vec::new();
        let mut designated = Designated::default();
        for row in rows {
            self.names(&mut entity, row);
            self.person_details(&mut entity, row);
            self.identifiers(&mut entity, row);
            self.address(&mut entity, row);
            self.designation(&mut entity, row);
            if let Some(other) = columns.get(row, "Other Information") {
                if !other_seen.contains(&other) {
                    other_seen.push(other);
                    self.other_information(&mut entity, &mut designated, row, other);
                }
            }
        }
        for text in &other_seen {
            un_ref::link_un_references(&mut entity, text, designated.un_reference.as_deref());
            link_ofsi_ids(&mut entity, text);
        }
        for designation in &mut entity.designations {
            designation.reason.clone_from(&designated.reason);
            designation.un_reference.clone_from(&designated.un_reference);
        }
        if entity.schema == Schema::Organization && is_company(&entity) {
            entity.schema = Schema::Company;
        }
        entity
    }

    fn names(&mut self, entity: &mut Entity, row: &Row) {
        let c = self.columns;
        let given: Vec<&str> =
            ["Name 1", "Name 2", "Name 3", "Name 4", "Name 5"].iter().filter_map(|n| c.get(row, n)).collect();
        let family = c.get(row, "Name 6");
        let kind = match name_kind(c.get(row, "Alias Type"), c.get(row, "Alias Quality")) {
            Ok(kind) => kind,
            Err(alias_type) => {
                self.warn(row, format!("unknown Alias Type {alias_type:?}; read as an alias"));
                NameKind::Alias
            }
        };
        let mut name = Name::from_parts(given.iter().copied().chain(family), kind);
        if entity.schema == Schema::Person {
            name.parts = NameParts {
                first: c.get(row, "Name 1").map(tabular::collapse),
                middle: Some(tabular::collapse(&given.get(1..).unwrap_or_default().join(" ")))
                    .filter(|m| !m.is_empty()),
                last: family.map(tabular::collapse),
                patronymic: None,
            };
        }
        if name.full.is_empty() {
            self.warn(row, "the row has no name in Name 1 to Name 6");
        } else {
            entity.add_name(name);
        }
        if let Some(script) = c.get(row, "Name Non-Latin Script") {
            // The original-script spelling is how the party writes its own name, not the name
            // the list files it under: a strong alias, unless the row itself is weak.
            let kind = if kind == NameKind::Primary { NameKind::Alias } else { kind };
            let mut name = Name::new(script, kind).in_original_script();
            name.lang =
                language_code(c.get(row, "Non-Latin Script Language"), c.get(row, "Non-Latin Script Type"));
            entity.add_name(name);
        }
        if let Some(title) = c.get(row, "Title") {
            for title in tabular::split_list(title) {
                Entity::push_unique(&mut entity.titles, title);
            }
        }
    }

    fn person_details(&mut self, entity: &mut Entity, row: &Row) {
        let c = self.columns;
        if let Some(raw) = c.get(row, "DOB") {
            match DateSpec::parse(raw) {
                Some(date) => {
                    if !entity.birth_dates.contains(&date) {
                        entity.birth_dates.push(date);
                    }
                }
                None => {
                    self.warn(row, format!("DOB {raw:?} is not a date; kept in notes"));
                    Entity::push_unique(&mut entity.notes, format!("Date of birth: {raw}"));
                }
            }
        }
        let towns = c.get(row, "Town of Birth").map(tabular::split_list).unwrap_or_default();
        let birth_countries = c.get(row, "Country of Birth").map(tabular::split_list).unwrap_or_default();
        for place in birth_places(&towns, &birth_countries) {
            Entity::push_unique(&mut entity.birth_places, place);
        }
        if let Some(text) = c.get(row, "Country of Birth") {
            let (codes, unknown) = country::countries(text);
            for code in codes {
                entity.add_property("birthCountry", code);
            }
            for item in unknown {
                self.warn(row, format!("Country of Birth {item:?} names no known country"));
            }
        }
        if let Some(nationality) = c.get(row, "Nationality") {
            let (codes, unknown) = country::countries(nationality);
            for code in codes {
                Entity::push_unique(&mut entity.nationalities, code);
            }
            for item in unknown {
                self.warn(row, format!("Nationality {item:?} names no known country"));
            }
        }
        if let Some(position) = c.get(row, "Position") {
            for position in tabular::split_list(position) {
                Entity::push_unique(&mut entity.positions, position);
            }
        }
    }

    fn identifiers(&mut self, entity: &mut Entity, row: &Row) {
        let c = self.columns;
        let passport_details = c.get(row, "Passport Details");
        match c.get(row, "Passport Number") {
            Some(numbers) => numbered_ids(entity, IdKind::Passport, numbers, passport_details),
            // Older files have no number column: the number is inside the details.
            None => {
                if let Some(details) = passport_details {
                    ids_in_details(entity, IdKind::Passport, details);
                }
            }
        }
        let id_details = c.get(row, "National Identification Details");
        match c.get(row, "National Identification Number") {
            Some(numbers) => numbered_ids(entity, IdKind::NationalId, numbers, id_details),
            None => {
                if let Some(details) = c.get(row, "NI Number") {
                    ids_in_details(entity, IdKind::NationalId, details);
                }
            }
        }
    }

    fn address(&mut self, entity: &mut Entity, row: &Row) {
        let c = self.columns;
        let lines: Vec<&str> =
            ["Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6", "Post/Zip Code"]
                .iter()
                .filter_map(|n| c.get(row, n))
                .collect();
        let country_text = c.get(row, "Country");
        let code = country_text.and_then(country::country);
        if let (Some(text), None, false) =
            (country_text, code, country_text.is_some_and(country::is_historical))
        {
            self.warn(row, format!("Country {text:?} names no known country"));
        }
        if lines.is_empty() {
            if let Some(code) = code {
                Entity::push_unique(&mut entity.countries, code);
            }
            return;
        }
        // Address 6 is often the town, but not always ("Korpus 5 Stroyeniye 1, the room 223"), so
        // no city is set.
        let address = Address::from_parts(lines.iter().copied().chain(country_text), None, code);
        if !entity.addresses.contains(&address) {
            entity.addresses.push(address);
        }
    }

    fn designation(&mut self, entity: &mut Entity, row: &Row) {
        let c = self.columns;
        let regime = c.get(row, "Regime").map(tabular::collapse);
        let listed_on = c.get(row, "Listed On").and_then(tabular::iso_date);
        let modified_on = c.get(row, "Last Updated").and_then(tabular::iso_date);
        if let Some(date) = c.get(row, "UK Sanctions List Date Designated").and_then(tabular::iso_date) {
            Entity::push_unique(&mut entity.notes, format!("UK Sanctions List date designated: {date}"));
        }
        let programs: Vec<String> = regime.into_iter().collect();
        // One designation per regime: a party can be listed under several, each on its own date.
        let designation = match entity.designations.iter_mut().find(|d| d.programs == programs) {
            Some(d) => d,
            None => {
                entity.designations.push(Designation {
                    authority: dataset_info(DATASET).map(|d| d.authority.to_string()).unwrap_or_default(),
                    dataset: DATASET.to_string(),
                    programs,
                    record_id: self.id.to_string(),
                    ..Designation::default()
                });
                let last = entity.designations.len() - 1;
                &mut entity.designations[last]
            }
        };
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

    fn other_information(&mut self, entity: &mut Entity, designated: &mut Designated, row: &Row, text: &str) {
        let tagged = tagged_values(text);
        if tagged.is_empty() {
            self.free_text(entity, designated, text);
            return;
        }
        for (tag, value) in tagged {
            let value = value.trim().trim_end_matches(['.', ',', ';']).trim();
            if value.is_empty() {
                continue;
            }
            match tag {
                Tag::Note => Entity::push_unique(&mut entity.notes, tabular::collapse(value)),
                Tag::UkRef | Tag::UnRef => {
                    // The reference is the first word; anything after it is a remark.
                    let (reference, rest) = value.split_once(char::is_whitespace).unwrap_or((value, ""));
                    let reference = reference.trim_end_matches(['.', ',', ';']);
                    if tag == Tag::UkRef {
                        entity.add_property("ukSanctionsListRef", reference);
                    } else {
                        designated.un_reference = Some(un_ref::normalize_un_reference(reference));
                    }
                    if !rest.trim().is_empty() {
                        Entity::push_unique(&mut entity.notes, tabular::collapse(rest));
                    }
                }
                Tag::Reasons => designated.reason = Some(tabular::collapse(value)),
                Tag::Gender => match Gender::parse(value) {
                    Some(gender) => entity.gender = Some(gender),
                    None => self.warn(row, format!("(Gender) {value:?} is not a gender")),
                },
                Tag::Phone => {
                    for phone in tabular::split_list(value) {
                        entity.add_property("phone", phone);
                    }
                }
                Tag::Fax => {
                    Entity::push_unique(&mut entity.notes, format!("Fax: {}", tabular::collapse(value)));
                }
                Tag::Email | Tag::Website => {
                    for item in tabular::split_list(value) {
                        let words: Vec<&str> = item
                            .split_whitespace()
                            .map(|w| w.trim_end_matches(['.', ',', ';']))
                            .filter(|w| w.contains('@') || w.contains('.'))
                            .collect();
                        if words.is_empty() {
                            entity.add_property(
                                if tag == Tag::Email { "email" } else { "website" },
                                item.as_str(),
                            );
                        }
                        for word in words {
                            entity.add_property(if word.contains('@') { "email" } else { "website" }, word);
                        }
                    }
                }
                Tag::EntityType => entity.add_property("legalForm", value),
                Tag::Parent | Tag::Subsidiaries => {
                    for name in tabular::split_list(value).iter().flat_map(|n| n.split(". ")) {
                        let name = name.trim().trim_end_matches('.');
                        if name.is_empty() {
                            continue;
                        }
                        let (kind, description) = if tag == Tag::Parent {
                            (LinkKind::OwnedBy, "Parent company")
                        } else {
                            (LinkKind::Other, "Subsidiary")
                        };
                        let link = Link {
                            kind,
                            target_id: None,
                            target_name: Some(name.to_string()),
                            description: Some(description.to_string()),
                        };
                        if !entity.links.contains(&link) {
                            entity.links.push(link);
                        }
                    }
                }
                Tag::RegNo => {
                    for item in tabular::split_list(value) {
                        entity.add_identifier(registration_number(&item));
                    }
                }
                Tag::Imo => {
                    let imo = value.trim_start_matches("IMO").trim();
                    entity.add_identifier(Identifier::from_label("IMO number", imo, None));
                }
                Tag::Owner => entity.add_property("owner", value),
                Tag::Flag => match country::country(value) {
                    Some(code) => entity.add_property("flag", code),
                    None => self.warn(row, format!("(Flag of ship) {value:?} names no known country")),
                },
                Tag::PastFlags => {
                    let (codes, unknown) = country::countries(&value.replace(". ", "; "));
                    for code in codes {
                        entity.add_property("pastFlags", code);
                    }
                    for item in unknown {
                        self.warn(row, format!("(Previous flags) {item:?} names no known country"));
                    }
                }
                Tag::ShipType => entity.add_property("type", value),
                Tag::Tonnage => entity.add_property("tonnage", value),
                Tag::Length => Entity::push_unique(&mut entity.notes, format!("Length of ship: {value}")),
                Tag::YearBuilt => entity.add_property("buildDate", value),
            }
        }
    }

    /// Older exports write Other Information as free text: keep it as a note and pick out the
    /// UN reference ("UN Ref QDe.004", "UN REF:QE.A.146.14"), IMO and MMSI numbers.
    fn free_text(&mut self, entity: &mut Entity, designated: &mut Designated, text: &str) {
        Entity::push_unique(&mut entity.notes, tabular::collapse(text));
        let lower = text.to_ascii_lowercase();
        if let Some(at) = lower.find("un ref") {
            let rest = text.get(at + "un ref".len()..).unwrap_or("");
            let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ':'));
            let token = rest.split_whitespace().next().unwrap_or("").trim_end_matches(['.', ',', ';']);
            if token.contains('.') && token.chars().any(|c| c.is_ascii_digit()) {
                designated.un_reference = Some(un_ref::normalize_un_reference(token));
            }
        }
        for imo in tabular::values_after(text, "IMO") {
            entity.add_identifier(Identifier::from_label("IMO number", &imo, None));
        }
        for mmsi in tabular::values_after(text, "MMSI") {
            entity.add_identifier(Identifier::from_label("MMSI", &mmsi, None));
        }
    }
}

/// Reads "Alias Type" and "Alias Quality". `Err` carries an alias type Ward does not know.
fn name_kind(alias_type: Option<&str>, quality: Option<&str>) -> Result<NameKind, String> {
    let low = quality.is_some_and(|q| q.to_ascii_lowercase().starts_with("low"));
    let alias = if low { NameKind::Weak } else { NameKind::Alias };
    let Some(alias_type) = alias_type else {
        return Ok(alias);
    };
    match alias_type.to_ascii_lowercase().as_str() {
        "primary name" | "prime alias" => Ok(NameKind::Primary),
        "primary name variation" | "aka" | "alias" => Ok(alias),
        "fka" | "formerly known as" => Ok(NameKind::Previous),
        _ => Err(alias_type.to_string()),
    }
}

/// ISO 639-3 code of the language (or, failing that, of the script) of an original-script name.
fn language_code(language: Option<&str>, script: Option<&str>) -> Option<String> {
    let code = |text: &str| -> Option<&'static str> {
        Some(match text.to_ascii_lowercase().as_str() {
            "russian" | "russia" => "rus",
            "persian" | "persian/farsi" | "farsi" => "fas",
            "arabic" => "ara",
            "belarusian" => "bel",
            "ukrainian" | "ukraine" => "ukr",
            "chinese" => "zho",
            "georgian" => "kat",
            "hebrew" => "heb",
            "korean" | "hangul" => "kor",
            "bulgarian" => "bul",
            "turkish" => "tur",
            "kazakh" => "kaz",
            "serbian" => "srp",
            "spanish" => "spa",
            "thai" => "tha",
            "greek" => "ell",
            "bosnian" => "bos",
            "japanese" => "jpn",
            "burmese" => "mya",
            "romanian" => "ron",
            _ => return None,
        })
    };
    // "Arabic" and "Cyrillic" as a script say nothing certain about the language.
    let script_code = |text: &str| match text.to_ascii_lowercase().as_str() {
        "arabic" | "cyrillic" | "cryillic" | "cyrilic" => None,
        _ => code(text),
    };
    language.and_then(code).or_else(|| script.and_then(script_code)).map(str::to_string)
}

/// Pairs towns of birth with countries of birth when the list gives as many of each (or one
/// country for all towns).
fn birth_places(towns: &[String], countries: &[String]) -> Vec<String> {
    match (towns.len(), countries.len()) {
        (0, _) => countries.to_vec(),
        (_, 0) => towns.to_vec(),
        (t, c) if t == c => towns.iter().zip(countries).map(|(t, c)| format!("{t}, {c}")).collect(),
        (_, 1) => towns.iter().map(|t| format!("{t}, {}", countries[0])).collect(),
        _ => towns.iter().chain(countries).cloned().collect(),
    }
}

/// Adds the numbers of a "(1) X (2) Y" column with their details, paired by position when the
/// details are numbered the same way.
fn numbered_ids(entity: &mut Entity, kind: IdKind, numbers: &str, details: Option<&str>) {
    let numbers = tabular::split_list(numbers);
    let details = details.map(tabular::split_list).unwrap_or_default();
    for (i, number) in numbers.iter().enumerate() {
        let detail = if details.len() == numbers.len() {
            details.get(i).cloned()
        } else {
            Some(details.join("; ")).filter(|d| !d.is_empty())
        };
        entity.add_identifier(identifier(kind.clone(), number, detail));
    }
}

/// Adds identifiers whose numbers are written inside their details (2020 exports:
/// "284158, expires 21 Aug 2005 (Iraq)"); details with no number become notes.
fn ids_in_details(entity: &mut Entity, kind: IdKind, details: &str) {
    for item in tabular::split_list(details) {
        match first_code(&item) {
            Some(number) => entity.add_identifier(identifier(kind.clone(), &number, Some(item.clone()))),
            None => {
                let label = if kind == IdKind::Passport { "Passport" } else { "National identification" };
                Entity::push_unique(&mut entity.notes, format!("{label}: {item}"));
            }
        }
    }
}

fn identifier(kind: IdKind, value: &str, detail: Option<String>) -> Identifier {
    // A detail such as "Tax Identification Number" is more precise than the column.
    let kind = match detail.as_deref().map(IdKind::classify) {
        Some(k) if kind == IdKind::NationalId && k != IdKind::Other => k,
        _ => kind,
    };
    let country = detail.as_deref().and_then(|d| {
        country::leading_country(d).or_else(|| {
            let inner = d.split_once('(')?.1.split(')').next()?;
            country::country(inner).or_else(|| country::leading_country(inner))
        })
    });
    Identifier { kind, value: tabular::collapse(value), country: country.map(str::to_string), note: detail }
}

/// The first code-like word (four or more letters and digits, with a digit) of a text.
fn first_code(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | ';' | '(' | ')'))
        .map(|w| w.trim_end_matches('.'))
        .find(|w| {
            w.len() >= 4
                && w.chars().any(|c| c.is_ascii_digit())
                && w.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.'))
        })
        .map(str::to_string)
}

/// One "(Business Reg No)" item: "TIN: 7804040302", "Russia INN – 6167128827",
/// "State Registration Number - 1117746641572", "(УНН/ИНН): 190950894 (Belarus)", "101544478".
fn registration_number(item: &str) -> Identifier {
    let split = [": ", " – ", " - ", ":"].iter().find_map(|sep| item.rsplit_once(sep));
    let (label, value) = match split {
        Some((label, value)) if value.chars().any(|c| c.is_ascii_digit()) => (label.trim(), value.trim()),
        _ => ("", item),
    };
    // A trailing "(Belarus)" names the issuing country.
    let (value, country) = match value.split_once(" (") {
        Some((v, rest)) => (v.trim(), country::country(rest.trim_end_matches(')'))),
        None => (value, None),
    };
    let label = label.trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace());
    let country = country.or_else(|| country::leading_country(label));
    // "Russia INN": classify the label without the country in front.
    let bare = label.split_whitespace().last().unwrap_or("");
    let kind = match (IdKind::classify(label), IdKind::classify(bare)) {
        (IdKind::Other, IdKind::Other) => IdKind::Registration,
        (IdKind::Other, kind) | (kind, _) => kind,
    };
    Identifier {
        kind,
        value: tabular::collapse(value),
        country: country.map(str::to_string),
        note: Some(if label.is_empty() { "Business Reg No".to_string() } else { label.to_string() }),
    }
}

/// Links to the other OFSI records a remark cites by Group ID: "Listed as asset of Korea
/// Samjong Shipping (OFSI ID: 13635, UN Reference Number: UN Ref KPe.064)".
fn link_ofsi_ids(entity: &mut Entity, text: &str) {
    for id in tabular::values_after(text, "OFSI ID") {
        if id == entity.record_id || !id.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        // For ships the cited party is the owner; otherwise the list just says they are linked.
        let (kind, description) = if entity.schema == Schema::Vessel {
            (LinkKind::OwnedBy, "Listed as asset of")
        } else {
            (LinkKind::Associate, "OFSI ID cited in Other Information")
        };
        let link = Link {
            kind,
            target_id: Some(format!("{DATASET}:{id}")),
            target_name: None,
            description: Some(description.to_string()),
        };
        if !entity.links.contains(&link) {
            entity.links.push(link);
        }
    }
}

fn is_company(entity: &Entity) -> bool {
    entity.properties.get("legalForm").is_some_and(|forms| {
        forms.iter().any(|f| {
            let f = f.to_ascii_lowercase();
            ["company", "corporation", "joint stock", "joint-stock", "jsc", "llc", "limited", "plc", "gmbh"]
                .iter()
                .any(|w| f.contains(w))
        })
    })
}

/// The tags of "Other Information" Ward reads; text before the first tag is a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Note,
    UkRef,
    UnRef,
    Reasons,
    Gender,
    Phone,
    Fax,
    Email,
    Website,
    EntityType,
    Parent,
    Subsidiaries,
    RegNo,
    Imo,
    Owner,
    Flag,
    PastFlags,
    ShipType,
    Tonnage,
    Length,
    YearBuilt,
}

const TAGS: &[(&str, Tag)] = &[
    ("UK Sanctions List Ref", Tag::UkRef),
    ("UN Ref", Tag::UnRef),
    ("UK Statement of Reasons", Tag::Reasons),
    ("Gender", Tag::Gender),
    ("Phone number", Tag::Phone),
    ("Tel", Tag::Phone),
    ("Fax", Tag::Fax),
    ("Email address", Tag::Email),
    ("Website", Tag::Website),
    ("Type of entity", Tag::EntityType),
    ("Parent company", Tag::Parent),
    ("Subsidiaries", Tag::Subsidiaries),
    ("Business Reg No", Tag::RegNo),
    ("IMO number", Tag::Imo),
    ("Current owners", Tag::Owner),
    ("Flag of ship", Tag::Flag),
    ("Previous flags", Tag::PastFlags),
    ("Type of ship", Tag::ShipType),
    ("Tonnage of ship", Tag::Tonnage),
    ("Length of ship", Tag::Length),
    ("Year built", Tag::YearBuilt),
];

/// Splits "Other Information" at its "(Tag):" markers. Empty when the text has none (older
/// exports). Unknown parenthesised words ("(2022):") stay inside the value they occur in.
fn tagged_values(text: &str) -> Vec<(Tag, &str)> {
    // ASCII lowercasing keeps byte offsets valid in `text`.
    let lower = text.to_ascii_lowercase();
    let mut marks: Vec<(usize, usize, Tag)> = Vec::new();
    for (name, tag) in TAGS {
        let marker = format!("({}):", name.to_ascii_lowercase());
        let mut from = 0;
        while let Some(at) = lower.get(from..).and_then(|rest| rest.find(&marker)) {
            marks.push((from + at, from + at + marker.len(), *tag));
            from += at + marker.len();
        }
    }
    if marks.is_empty() {
        return Vec::new();
    }
    marks.sort_by_key(|m| m.0);
    let mut out = Vec::new();
    let head = text.get(..marks[0].0).unwrap_or("");
    if !head.trim().is_empty() {
        out.push((Tag::Note, head));
    }
    for (k, (_, end, tag)) in marks.iter().enumerate() {
        let next = marks.get(k + 1).map_or(text.len(), |m| m.0);
        out.push((*tag, text.get(*end..next).unwrap_or("")));
    }
    out
}

#[cfg(test)]
mod tests;
