//! US trade.gov Consolidated Screening List (CSL), CSV: the export-screening lists of Commerce,
//! State and Treasury in one file, one row per listing. A party on several sub-lists (SDN and
//! SSI, say) has one row per sub-list under the same `_id`; those rows are merged into one
//! entity with one designation per sub-list. Multi-valued cells are separated by "; ".
//!
//! For Treasury rows `entity_number` is OFAC's own record number: it is kept as the
//! `ofacEntNum` property so that linking can join CSL records to OFAC SDN records.

use crate::country;
use crate::tabular::{self, Columns, Diagnostics, Row};
use crate::{Error, Input, Result};
use ward_model::{
    dataset_info, is_country_code, Address, DateSpec, Designation, Entity, Gender, IdKind, Identifier, Link,
    LinkKind, Name, NameKind, NameParts, ParsedList, Schema,
};

const DATASET: &str = "us_trade_csl";
const FORMAT: &str = "us_csl";

pub(crate) fn parse(input: &Input) -> Result<ParsedList> {
    let source = input.main();
    let rows = tabular::read_csv(source, FORMAT)?;
    parse_rows(&source.name, &rows)
}

fn parse_rows(file: &str, rows: &[Row]) -> Result<ParsedList> {
    let Some(header) = rows.first() else {
        return Err(Error::malformed(file, FORMAT, "the file is empty"));
    };
    tabular::check_last_row(file, FORMAT, &rows[1..], header.cells.len())?;
    let columns = Columns::new(&header.cells);
    for required in ["_id", "source", "name"] {
        if !columns.has(required) {
            return Err(Error::malformed(
                file,
                FORMAT,
                format!("line 1: the header has no {required:?} column"),
            ));
        }
    }
    let mut diags = Diagnostics::new(file);
    let mut keyed = Vec::new();
    for row in &rows[1..] {
        if row.is_blank() {
            continue;
        }
        match columns.get(row, "_id") {
            Some(id) => keyed.push((id.to_string(), row)),
            None => diags.error(None, row.number, "line", "the row has no _id; it was skipped"),
        }
    }
    let mut list = ParsedList::new(DATASET, "");
    for (id, group) in tabular::group_by(keyed) {
        list.entities.push(Group { columns: &columns, id: &id, diags: &mut diags }.build(&group));
    }
    list.diagnostics = diags.list;
    Ok(list)
}

/// Splits a multi-valued cell ("a; b; c").
fn values(text: Option<&str>) -> impl Iterator<Item = &str> {
    text.unwrap_or("").split(';').map(str::trim).filter(|v| !v.is_empty())
}

/// The short code of a sub-list: "Specially Designated Nationals (SDN) - Treasury Department"
/// gives "SDN", "Non-SDN Menu-Based Sanctions List (NS-MBS List) - ..." gives "NS-MBS".
fn source_code(source: &str) -> Option<String> {
    let inner = source.split_once('(')?.1.split_once(')')?.0.trim();
    let inner = inner.strip_suffix(" List").unwrap_or(inner);
    (!inner.is_empty()).then(|| inner.to_string())
}

struct Group<'a, 'd> {
    columns: &'a Columns,
    id: &'a str,
    diags: &'a mut Diagnostics<'d>,
}

impl Group<'_, '_> {
    fn warn(&mut self, row: &Row, message: impl Into<String>) {
        self.diags.warn(self.id, row.number, "line", message);
    }

    fn build(mut self, rows: &[&Row]) -> Entity {
        let c = self.columns;
        let kind = rows.iter().find_map(|r| c.get(r, "type"));
        let schema = match kind.map(str::to_ascii_lowercase).as_deref() {
            Some("individual") => Schema::Person,
            Some("entity") => Schema::Organization,
            Some("vessel") => Schema::Vessel,
            Some("aircraft") => Schema::Airplane,
            // The BIS and State lists do not say what a party is.
            None => Schema::LegalEntity,
            Some(other) => {
                self.warn(rows[0], format!("unknown type {other:?}; read as a legal entity"));
                Schema::LegalEntity
            }
        };
        let mut entity = Entity::new(DATASET, self.id, schema);
        for (i, row) in rows.iter().enumerate() {
            self.names(&mut entity, row, i == 0);
            self.details(&mut entity, row);
            for item in values(c.get(row, "ids")) {
                self.id_item(&mut entity, row, item);
            }
            self.vessel(&mut entity, row);
            self.designation(&mut entity, row);
        }
        entity
    }

    fn names(&mut self, entity: &mut Entity, row: &Row, first: bool) {
        let c = self.columns;
        if let Some(name) = c.get(row, "name") {
            // Every row of an _id repeats the primary name; a different one is an alias.
            let kind = if first { NameKind::Primary } else { NameKind::Alias };
            entity.add_name(self.name(entity.schema, name, kind));
        } else {
            self.warn(row, "the row has no name");
        }
        for alias in values(c.get(row, "alt_names")) {
            // "Open Joint Stock Company 140 Repair Plant; and JSC 140 Repair Plant".
            let alias = alias.strip_prefix("and ").unwrap_or(alias);
            entity.add_name(self.name(entity.schema, alias, NameKind::Alias));
        }
    }

    /// OFAC writes people "FAMILY, Given": the parts are kept where that is unambiguous.
    fn name(&self, schema: Schema, full: &str, kind: NameKind) -> Name {
        let mut name = Name::new(full, kind);
        if schema == Schema::Person {
            if let [last, first] = name.full.split(", ").collect::<Vec<_>>().as_slice() {
                name.parts = NameParts {
                    first: Some(first.to_string()),
                    last: Some(last.to_string()),
                    ..NameParts::default()
                };
            }
        }
        name
    }

    fn details(&mut self, entity: &mut Entity, row: &Row) {
        let c = self.columns;
        for title in values(c.get(row, "title")) {
            Entity::push_unique(&mut entity.positions, tabular::collapse(title));
        }
        for address in values(c.get(row, "addresses")) {
            // Addresses end in an ISO code: "Neglinnaya St 12, Moscow, 107016, RU"; a bare
            // code is a country, not an address.
            let code = address.rsplit(", ").next().and_then(code_of);
            if code.is_some() && !address.contains(',') {
                Entity::push_unique(&mut entity.countries, code.unwrap_or_default());
                continue;
            }
            let address =
                Address { full: tabular::collapse(address), city: None, country: code.map(str::to_string) };
            if !entity.addresses.contains(&address) {
                entity.addresses.push(address);
            }
        }
        for raw in values(c.get(row, "dates_of_birth")) {
            match DateSpec::parse(raw) {
                Some(date) if !entity.birth_dates.contains(&date) => entity.birth_dates.push(date),
                Some(_) => {}
                None => {
                    self.warn(row, format!("dates_of_birth {raw:?} is not a date; kept in notes"));
                    Entity::push_unique(&mut entity.notes, format!("Date of birth: {raw}"));
                }
            }
        }
        for place in values(c.get(row, "places_of_birth")) {
            Entity::push_unique(&mut entity.birth_places, tabular::collapse(place));
        }
        for (column, citizenship) in [("citizenships", true), ("nationalities", false)] {
            for value in values(c.get(row, column)) {
                match code_of(value).or_else(|| country::country(value)) {
                    Some(code) if citizenship => Entity::push_unique(&mut entity.citizenships, code),
                    Some(code) => Entity::push_unique(&mut entity.nationalities, code),
                    None => self.warn(row, format!("{column} {value:?} names no known country")),
                }
            }
        }
        for remark in values(c.get(row, "remarks")) {
            match remark.strip_prefix("(Linked To:").and_then(|r| r.strip_suffix(')')) {
                Some(target) => {
                    let link = Link {
                        kind: LinkKind::Associate,
                        target_id: None,
                        target_name: Some(tabular::collapse(target)),
                        description: Some("Linked To".to_string()),
                    };
                    if !entity.links.contains(&link) {
                        entity.links.push(link);
                    }
                }
                None => Entity::push_unique(&mut entity.notes, tabular::collapse(remark)),
            }
        }
        for (column, label) in [
            ("license_requirement", "License requirement"),
            ("license_policy", "License policy"),
            ("standard_order", "Standard order"),
        ] {
            if let Some(value) = c.get(row, column) {
                Entity::push_unique(&mut entity.notes, format!("{label}: {}", tabular::collapse(value)));
            }
        }
        for column in ["source_list_url", "source_information_url"] {
            if let Some(url) = c.get(row, column) {
                entity.add_property("sourceUrl", url);
            }
        }
    }

    fn vessel(&mut self, entity: &mut Entity, row: &Row) {
        let c = self.columns;
        if let Some(call_sign) = c.get(row, "call_sign") {
            entity.add_identifier(Identifier::from_label("Call Sign", call_sign, None));
        }
        for (column, property) in [
            ("vessel_type", "type"),
            ("gross_tonnage", "tonnage"),
            ("gross_registered_tonnage", "grossRegisteredTonnage"),
            ("vessel_owner", "owner"),
        ] {
            if let Some(value) = c.get(row, column) {
                entity.add_property(property, value);
            }
        }
        if let Some(flag) = c.get(row, "vessel_flag").filter(|f| !is_none_identified(f)) {
            match country::country(flag) {
                Some(code) => entity.add_property("flag", code),
                None => self.warn(row, format!("vessel_flag {flag:?} names no known country")),
            }
        }
    }

    fn designation(&mut self, entity: &mut Entity, row: &Row) {
        let c = self.columns;
        let source = c.get(row, "source").map(tabular::collapse);
        if let Some(code) = source.as_deref().and_then(source_code) {
            entity.add_property("cslSource", code);
        }
        if let (Some(number), Some(source)) = (c.get(row, "entity_number"), source.as_deref()) {
            if source.ends_with("Treasury Department") {
                entity.add_property("ofacEntNum", number);
            }
        }
        let designation = Designation {
            authority: dataset_info(DATASET).map(|d| d.authority.to_string()).unwrap_or_default(),
            dataset: DATASET.to_string(),
            list: source,
            programs: values(c.get(row, "programs")).map(tabular::collapse).collect(),
            listed_on: c.get(row, "start_date").and_then(tabular::iso_date),
            end_date: c.get(row, "end_date").and_then(tabular::iso_date),
            legal_basis: c.get(row, "federal_register_notice").map(tabular::collapse),
            record_id: self.id.to_string(),
            ..Designation::default()
        };
        if !entity.designations.contains(&designation) {
            entity.designations.push(designation);
        }
    }

    /// One item of the `ids` cell: "[country, ][dates, ]value, label", e.g. "CY, C146742,
    /// Registration Number", "NI, 2014-06-02, 2009-06-03, A0008313, Passport", "Male, Gender",
    /// "Ukraine-/Russia-Related Sanctions Regulations, 31 CFR 589.201, Secondary sanctions risk:".
    fn id_item(&mut self, entity: &mut Entity, row: &Row, item: &str) {
        let Some((rest, label)) = item.rsplit_once(", ") else {
            Entity::push_unique(&mut entity.notes, tabular::collapse(item));
            return;
        };
        let label = label.trim();
        let mut parts: Vec<&str> = rest.split(", ").collect();
        let country = match parts.as_slice() {
            [first, _, ..] if first.len() == 2 => code_of(first),
            _ => None,
        };
        if country.is_some() {
            parts.remove(0);
        }
        let mut dates = Vec::new();
        while parts.len() > 1 && parts[0].len() == 10 && tabular::iso_date(parts[0]).is_some() {
            dates.push(parts.remove(0));
        }
        let value = tabular::collapse(&parts.join(", "));
        let lower = label.to_ascii_lowercase();
        if is_remark(label) {
            Entity::push_unique(&mut entity.notes, format!("{label} {value}"));
            return;
        }
        match lower.as_str() {
            "gender" => match Gender::parse(&value) {
                Some(gender) => entity.gender = Some(gender),
                None => self.warn(row, format!("ids: {value:?} is not a gender")),
            },
            "website" => entity.add_property("website", value),
            "email address" => entity.add_property("email", value),
            "phone number" => entity.add_property("phone", value),
            "organization established date" => match DateSpec::parse(&value) {
                Some(date) if !entity.birth_dates.contains(&date) => entity.birth_dates.push(date),
                Some(_) => {}
                None => Entity::push_unique(&mut entity.notes, format!("{label}: {value}")),
            },
            "aircraft manufacture date" => {
                let date = DateSpec::parse(&value).map_or(value.clone(), |d| d.from.to_iso());
                entity.add_property("buildDate", date);
            }
            "aircraft model" => entity.add_property("model", value),
            "aircraft operator" => entity.add_property("operator", value),
            "other vessel type" => entity.add_property("type", value),
            "former vessel flag" | "other vessel flag" if is_none_identified(&value) => {}
            "former vessel flag" | "other vessel flag" => {
                let property = if lower.starts_with("former") { "pastFlags" } else { "flag" };
                match country::country(&value) {
                    Some(code) => entity.add_property(property, code),
                    None => self.warn(row, format!("ids: {label} {value:?} names no known country")),
                }
            }
            "vessel registration identification" => {
                let imo = value.trim_start_matches("IMO").trim();
                entity.add_identifier(Identifier::from_label(label, imo, None));
            }
            _ => {
                let mut identifier = Identifier::from_label(label, &value, country);
                if let Some(kind) = label_kind(&lower) {
                    identifier.kind = kind;
                }
                if !dates.is_empty() {
                    // OFAC gives the expiry date first, then the issue date.
                    identifier.note = Some(format!("{label} ({})", dates.join(", ")));
                }
                entity.add_identifier(identifier);
            }
        }
    }
}

/// OFAC labels that `IdKind::classify` does not know, by their national names.
fn label_kind(label: &str) -> Option<IdKind> {
    Some(match label {
        "other vessel call sign" => IdKind::CallSign,
        "v.a.t. number"
        | "r.f.c."
        | "rfc"
        | "nit #"
        | "rif #"
        | "us fein"
        | "italian fiscal code"
        | "c.u.i.t."
        | "fiscal code" => IdKind::TaxId,
        "commercial registry number"
        | "folio mercantil no."
        | "matricula mercantil no"
        | "c.r. no."
        | "chamber of commerce number"
        | "trade license no."
        | "government gazette number" => IdKind::Registration,
        "legal entity number" => IdKind::Lei,
        "d.n.i."
        | "c.u.r.p."
        | "electoral registry no."
        | "credencial electoral"
        | "ssn"
        | "national foreign id number"
        | "c.u.i."
        | "personal id card" => IdKind::NationalId,
        _ => return None,
    })
}

/// Labels of `ids` items that are remarks about the sanctions, not identifiers.
fn is_remark(label: &str) -> bool {
    let lower = label.to_ascii_lowercase();
    label.ends_with(':')
        || label.ends_with(" -")
        || [
            "sanctions",
            "directive",
            "date (",
            "target type",
            "organization type",
            "prohibited",
            "information",
            "nationality of registration",
            "registration country",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// Whether a value says there is none ("None Identified" for a vessel's flag).
fn is_none_identified(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("none identified")
}

/// The lower-case code of an upper-case ISO alpha-2 code ("RU" -> "ru").
fn code_of(text: &str) -> Option<&'static str> {
    let text = text.trim();
    if text.len() != 2 || !text.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    is_country_code(&lower).then(|| ward_model::country_code(&lower)).flatten()
}

#[cfg(test)]
mod tests;
