//! Writing Ward subjects as FtM entities, one JSON object per line: what OpenSanctions, yente
//! and other FtM tools read.
//!
//! A subject's records are merged into one entity. FtM has no alias quality, no original-script
//! flag and no designation object, so those become what OpenSanctions writes: `alias` and
//! `weakAlias`, plain names, and `program` values with the `sanction` topic. Links are not
//! written (FtM needs separate relation entities for them).

use super::ID_PROPERTIES;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::io::{self, Write};
use ward_model::{NameKind, Schema, Subject};

/// FtM property values, each property's values de-duplicated in first-seen order.
#[derive(Default)]
struct Properties(BTreeMap<String, Vec<String>>);

impl Properties {
    fn add(&mut self, property: &str, value: impl Into<String>) {
        let value = value.into();
        if value.trim().is_empty() {
            return;
        }
        let values = self.0.entry(property.to_string()).or_default();
        if !values.contains(&value) {
            values.push(value);
        }
    }
}

/// The subject as one FtM entity: `{"id", "schema", "caption", "properties", "datasets",
/// "referents", "target": true}`, with the names, dates, countries, addresses, identifiers,
/// notes and programs of all its records (and their other FtM properties), without repeats.
///
/// The primary name of the first record is the `name`; other records' primary names and strong
/// aliases are `alias`, weak aliases `weakAlias`, former names `previousName`. Person-only
/// properties (birth place, nationality, gender, title, position) are written for people only;
/// other schemata get nationalities as `country`.
pub fn entity_to_ftm(subject: &Subject) -> Value {
    let schema = subject.schema();
    let person = schema == Schema::Person;
    let mut props = Properties::default();

    let primary = subject
        .records
        .first()
        .and_then(|r| r.names.iter().find(|n| n.kind == NameKind::Primary).or(r.names.first()));
    let mut written: Vec<&str> = Vec::new();
    if let Some(primary) = primary {
        props.add("name", primary.full.clone());
        written.push(&primary.full);
        if person {
            let parts = &primary.parts;
            for (property, part) in [
                ("firstName", &parts.first),
                ("middleName", &parts.middle),
                ("lastName", &parts.last),
                ("fatherName", &parts.patronymic),
            ] {
                if let Some(part) = part {
                    props.add(property, part.clone());
                }
            }
        }
    }
    // Strongest kind first, so that a name that is strong in one record and weak in another is
    // written once, as strong.
    for kind in [NameKind::Primary, NameKind::Alias, NameKind::Weak, NameKind::Previous] {
        let property = if kind == NameKind::Primary { "alias" } else { kind.ftm_property() };
        for name in subject.names().filter(|n| n.kind == kind) {
            if !written.contains(&name.full.as_str()) {
                written.push(&name.full);
                props.add(property, name.full.clone());
            }
        }
    }

    let date_property = match schema {
        Schema::Person => "birthDate",
        Schema::Vessel | Schema::Airplane => "buildDate",
        _ => "incorporationDate",
    };
    for record in &subject.records {
        for date in &record.birth_dates {
            for value in date.ftm_values() {
                props.add(date_property, value);
            }
        }
        for code in &record.nationalities {
            props.add(if person { "nationality" } else { "country" }, code.clone());
        }
        for code in &record.citizenships {
            props.add(if person { "citizenship" } else { "country" }, code.clone());
        }
        for code in &record.countries {
            props.add("country", code.clone());
        }
        if person {
            for place in &record.birth_places {
                props.add("birthPlace", place.clone());
            }
            if let Some(gender) = record.gender {
                props.add("gender", gender.as_str());
            }
            for title in &record.titles {
                props.add("title", title.clone());
            }
            for position in &record.positions {
                props.add("position", position.clone());
            }
        }
        for address in &record.addresses {
            props.add("address", address.full.clone());
        }
        for identifier in &record.identifiers {
            // An identifier read from FtM keeps its own property (innCode, ogrnCode...).
            let property = identifier
                .note
                .as_deref()
                .and_then(|note| ID_PROPERTIES.iter().find(|(p, _)| *p == note))
                .map_or_else(|| identifier.kind.ftm_property(), |(p, _)| *p);
            props.add(property, identifier.value.clone());
        }
        for note in &record.notes {
            props.add("notes", note.clone());
        }
        for designation in &record.designations {
            for program in &designation.programs {
                props.add("program", program.clone());
            }
            props.add("topics", "sanction");
        }
        for (property, values) in &record.properties {
            if property == "referents" || property == "datasets" {
                continue;
            }
            for value in values {
                props.add(property, value.clone());
            }
        }
    }

    let mut datasets: Vec<String> = subject.datasets().into_iter().map(str::to_string).collect();
    let mut referents: Vec<String> = Vec::new();
    for record in &subject.records {
        for dataset in record.properties.get("datasets").into_iter().flatten() {
            if !datasets.contains(dataset) {
                datasets.push(dataset.clone());
            }
        }
        // Every record's own `dataset:record-id` is a referent, the subject's first included:
        // clients look a designation up by any of them.
        for referent in std::iter::once(record.id.clone())
            .chain(record.properties.get("referents").into_iter().flatten().cloned())
        {
            if !referents.contains(&referent) {
                referents.push(referent);
            }
        }
    }
    let properties: Map<String, Value> = props.0.into_iter().map(|(k, v)| (k, json!(v))).collect();
    json!({
        "id": subject.id,
        "schema": schema.ftm_name(),
        "caption": subject.caption(),
        "properties": properties,
        "datasets": datasets,
        "referents": referents,
        "target": true,
    })
}

/// Writes each subject as one line of FtM JSON ([`entity_to_ftm`]).
pub fn write_ftm_lines<'a>(
    subjects: impl Iterator<Item = &'a Subject>,
    mut out: impl Write,
) -> io::Result<()> {
    for subject in subjects {
        serde_json::to_writer(&mut out, &entity_to_ftm(subject)).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
