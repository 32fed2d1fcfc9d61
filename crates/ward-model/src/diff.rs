//! What changed between two versions of one list: records added, removed (delisted) and amended,
//! and for each amendment which fields.
//!
//! Records are matched by their referent (`dataset:record-id`). Fields are compared as multisets:
//! a publisher that reorders a record's aliases or addresses has not amended it. [`diff`] says
//! which records and fields changed; [`diff_report`] also says what: the captions of the records
//! and, per amended field, the items (names, programmes, addresses...) removed and added.

use serde::{Deserialize, Serialize};

use crate::{Entity, NameKind};

/// A part of a record an amendment can touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The `FtM` schema: a person became an organisation, say.
    Schema,
    /// Names and aliases.
    Names,
    /// Titles and positions.
    Titles,
    /// Birth dates (build or incorporation dates) and places of birth.
    BirthDates,
    /// Gender, nationalities, citizenships and other countries.
    Countries,
    /// Postal addresses.
    Addresses,
    /// Identifiers (passports, registration numbers, IMO, BIC, wallets...).
    Identifiers,
    /// The programmes or regimes of the designations.
    Programmes,
    /// The rest of the designations: listing and amendment dates, reasons, legal basis.
    Designations,
    /// Links to other listed parties.
    Links,
    /// Free-text remarks.
    Remarks,
    /// Other properties (vessel flag and tonnage, emails, websites...).
    Other,
}

impl Field {
    /// Every field, in the order diffs report them.
    pub const ALL: [Field; 12] = [
        Field::Schema,
        Field::Names,
        Field::Titles,
        Field::BirthDates,
        Field::Countries,
        Field::Addresses,
        Field::Identifiers,
        Field::Programmes,
        Field::Designations,
        Field::Links,
        Field::Remarks,
        Field::Other,
    ];

    /// The field's name as diffs print it (`birth_dates`).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Schema => "schema",
            Field::Names => "names",
            Field::Titles => "titles",
            Field::BirthDates => "birth_dates",
            Field::Countries => "countries",
            Field::Addresses => "addresses",
            Field::Identifiers => "identifiers",
            Field::Programmes => "programmes",
            Field::Designations => "designations",
            Field::Links => "links",
            Field::Remarks => "remarks",
            Field::Other => "other",
        }
    }

    /// Whether `old` and `new` differ in this field.
    pub fn differs(self, old: &Entity, new: &Entity) -> bool {
        match self {
            Field::Schema => old.schema != new.schema,
            Field::Names => !same_items(&old.names, &new.names),
            Field::Titles => {
                !same_items(&old.titles, &new.titles) || !same_items(&old.positions, &new.positions)
            }
            Field::BirthDates => {
                !same_items(&old.birth_dates, &new.birth_dates)
                    || !same_items(&old.birth_places, &new.birth_places)
            }
            Field::Countries => {
                old.gender != new.gender
                    || !same_items(&old.nationalities, &new.nationalities)
                    || !same_items(&old.citizenships, &new.citizenships)
                    || !same_items(&old.countries, &new.countries)
            }
            Field::Addresses => !same_items(&old.addresses, &new.addresses),
            Field::Identifiers => !same_items(&old.identifiers, &new.identifiers),
            Field::Programmes => {
                let programmes = |entity: &Entity| -> Vec<String> {
                    entity.designations.iter().flat_map(|d| d.programs.iter().cloned()).collect()
                };
                !same_items(&programmes(old), &programmes(new))
            }
            Field::Designations => {
                let without_programmes = |entity: &Entity| -> Vec<crate::Designation> {
                    entity
                        .designations
                        .iter()
                        .map(|d| crate::Designation { programs: Vec::new(), ..d.clone() })
                        .collect()
                };
                !same_items(&without_programmes(old), &without_programmes(new))
            }
            Field::Links => !same_items(&old.links, &new.links),
            Field::Remarks => !same_items(&old.notes, &new.notes),
            Field::Other => old.properties != new.properties,
        }
    }

    /// The items of this field of `entity`, each written out as a diff shows it ("Ali Hasan
    /// (alias)", "SDGT", "passport 123456 (ru)"). Two records differ in a field when their
    /// items differ as multisets, except for details no item shows (a name's parts or language
    /// tag): [`Field::differs`] compares the records themselves.
    pub fn items(self, entity: &Entity) -> Vec<String> {
        match self {
            Field::Schema => vec![entity.schema.ftm_name().to_string()],
            Field::Names => entity.names.iter().map(name_item).collect(),
            Field::Titles => entity
                .titles
                .iter()
                .cloned()
                .chain(entity.positions.iter().map(|position| format!("position: {position}")))
                .collect(),
            Field::BirthDates => entity
                .birth_dates
                .iter()
                .map(ToString::to_string)
                .chain(entity.birth_places.iter().map(|place| format!("born in {place}")))
                .collect(),
            Field::Countries => entity
                .gender
                .iter()
                .map(|gender| format!("gender: {}", gender.as_str()))
                .chain(entity.nationalities.iter().map(|code| format!("nationality: {code}")))
                .chain(entity.citizenships.iter().map(|code| format!("citizenship: {code}")))
                .chain(entity.countries.iter().map(|code| format!("country: {code}")))
                .collect(),
            Field::Addresses => entity
                .addresses
                .iter()
                .map(|address| {
                    let mut text = address.full.clone();
                    for part in [&address.city, &address.country].into_iter().flatten() {
                        if !text.contains(part.as_str()) {
                            text = if text.is_empty() { part.clone() } else { format!("{text} ({part})") };
                        }
                    }
                    text
                })
                .collect(),
            Field::Identifiers => entity
                .identifiers
                .iter()
                .map(|identifier| {
                    let label = identifier.note.clone().unwrap_or_else(|| format!("{:?}", identifier.kind));
                    match &identifier.country {
                        Some(country) => format!("{label} {} ({country})", identifier.value),
                        None => format!("{label} {}", identifier.value),
                    }
                })
                .collect(),
            Field::Programmes => entity
                .designations
                .iter()
                .flat_map(|designation| designation.programs.iter().cloned())
                .collect(),
            Field::Designations => entity.designations.iter().map(designation_item).collect(),
            Field::Links => entity
                .links
                .iter()
                .map(|link| {
                    let target = [link.target_name.as_deref(), link.target_id.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ");
                    match &link.description {
                        Some(description) => format!("{description}: {target}"),
                        None => format!("{:?}: {target}", link.kind).to_lowercase(),
                    }
                })
                .collect(),
            Field::Remarks => entity.notes.clone(),
            Field::Other => entity
                .properties
                .iter()
                .flat_map(|(property, values)| values.iter().map(move |value| format!("{property}: {value}")))
                .collect(),
        }
    }
}

/// A name as a diff shows it: the text, with its kind unless primary, and its script.
fn name_item(name: &crate::Name) -> String {
    let mut notes = Vec::new();
    match name.kind {
        NameKind::Primary => {}
        NameKind::Alias => notes.push("alias"),
        NameKind::Weak => notes.push("weak alias"),
        NameKind::Previous => notes.push("former name"),
    }
    if name.original_script {
        notes.push("original script");
    }
    if notes.is_empty() {
        name.full.clone()
    } else {
        format!("{} ({})", name.full, notes.join(", "))
    }
}

/// A designation, less its programmes, as a diff shows it: its dates, legal basis and reason.
fn designation_item(designation: &crate::Designation) -> String {
    let parts = [
        ("list", &designation.list),
        ("listed", &designation.listed_on),
        ("amended", &designation.modified_on),
        ("ends", &designation.end_date),
        ("UN reference", &designation.un_reference),
        ("legal basis", &designation.legal_basis),
        ("reason", &designation.reason),
    ];
    let mut text: Vec<String> = parts
        .iter()
        .filter_map(|(label, value)| value.as_ref().map(|value| format!("{label} {value}")))
        .collect();
    if text.is_empty() {
        text.push(format!("record {}", designation.record_id));
    }
    text.join("; ")
}

/// One amended record: its referent and the fields that changed, in [`Field::ALL`] order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    /// The record's referent (`dataset:record-id`).
    pub id: String,
    /// The fields that differ; never empty.
    pub fields: Vec<Field>,
}

/// The records of a new version against an old one, each list sorted by referent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListDiff {
    /// Referents only in the new version.
    pub added: Vec<String>,
    /// Referents only in the old version: delisted.
    pub removed: Vec<String>,
    /// Records in both whose content differs.
    pub amended: Vec<Amendment>,
    /// How many records are in both and equal.
    pub unchanged: usize,
}

impl ListDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.amended.is_empty()
    }
}

/// Compares two versions of one list. A referent that occurs twice in one version counts once,
/// with its last record (readers never produce that; the store keeps one record per referent).
pub fn diff(old: &[Entity], new: &[Entity]) -> ListDiff {
    diff_report(old, new).to_list_diff()
}

/// One changed field of an amended record: the items only the old record holds and those only
/// the new one holds (each as often as it is missing from the other). Both are empty where the
/// records differ only in details no item shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    /// The field.
    pub field: Field,
    /// Items of the old record missing from the new one.
    pub removed: Vec<String>,
    /// Items of the new record missing from the old one.
    pub added: Vec<String>,
}

/// A record added or removed, as a diff report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordSummary {
    /// The record's referent (`dataset:record-id`).
    pub id: String,
    /// Its caption (primary name).
    pub caption: String,
    /// Its `FtM` schema.
    pub schema: String,
}

/// An amended record with what changed in each field, in [`Field::ALL`] order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AmendedRecord {
    /// The record's referent (`dataset:record-id`).
    pub id: String,
    /// Its caption in the new version.
    pub caption: String,
    /// The fields that differ; never empty.
    pub changes: Vec<FieldChange>,
}

/// [`ListDiff`] with captions and the items that changed: what `ward lists diff` prints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiffReport {
    /// Records only in the new version, by referent.
    pub added: Vec<RecordSummary>,
    /// Records only in the old version (delisted), by referent.
    pub removed: Vec<RecordSummary>,
    /// Records in both whose content differs, by referent.
    pub amended: Vec<AmendedRecord>,
    /// How many records are in both and equal.
    pub unchanged: usize,
}

impl DiffReport {
    /// The counts and referents alone.
    pub fn to_list_diff(&self) -> ListDiff {
        ListDiff {
            added: self.added.iter().map(|record| record.id.clone()).collect(),
            removed: self.removed.iter().map(|record| record.id.clone()).collect(),
            amended: self
                .amended
                .iter()
                .map(|record| Amendment {
                    id: record.id.clone(),
                    fields: record.changes.iter().map(|change| change.field).collect(),
                })
                .collect(),
            unchanged: self.unchanged,
        }
    }
}

impl RecordSummary {
    fn of(entity: &Entity) -> RecordSummary {
        RecordSummary {
            id: entity.id.clone(),
            caption: entity.caption().to_string(),
            schema: entity.schema.ftm_name().to_string(),
        }
    }
}

/// Compares two versions of one list as [`diff`] does, with captions and, for each amended
/// field, the items removed and added.
pub fn diff_report(old: &[Entity], new: &[Entity]) -> DiffReport {
    use std::collections::BTreeMap;
    let old: BTreeMap<&str, &Entity> = old.iter().map(|entity| (entity.id.as_str(), entity)).collect();
    let new: BTreeMap<&str, &Entity> = new.iter().map(|entity| (entity.id.as_str(), entity)).collect();
    let mut report = DiffReport::default();
    for (id, new_entity) in &new {
        match old.get(id) {
            None => report.added.push(RecordSummary::of(new_entity)),
            Some(old_entity) => {
                let changes: Vec<FieldChange> = Field::ALL
                    .into_iter()
                    .filter(|field| field.differs(old_entity, new_entity))
                    .map(|field| {
                        let (old_items, new_items) = (field.items(old_entity), field.items(new_entity));
                        FieldChange {
                            field,
                            removed: items_missing(&old_items, &new_items),
                            added: items_missing(&new_items, &old_items),
                        }
                    })
                    .collect();
                if changes.is_empty() {
                    report.unchanged += 1;
                } else {
                    report.amended.push(AmendedRecord {
                        id: (*id).to_string(),
                        caption: new_entity.caption().to_string(),
                        changes,
                    });
                }
            }
        }
    }
    report.removed = old
        .iter()
        .filter(|(id, _)| !new.contains_key(*id))
        .map(|(_, entity)| RecordSummary::of(entity))
        .collect();
    report
}

/// The items of `left` that `right` lacks, each as often as it is missing, in `left`'s order.
fn items_missing(left: &[String], right: &[String]) -> Vec<String> {
    let mut used = vec![false; right.len()];
    left.iter()
        .filter(|item| {
            let found = right.iter().enumerate().position(|(index, other)| !used[index] && other == *item);
            if let Some(index) = found {
                used[index] = true;
            }
            found.is_none()
        })
        .cloned()
        .collect()
}

/// Whether two slices hold the same items, each as often, in any order.
fn same_items<T: PartialEq>(left: &[T], right: &[T]) -> bool {
    if left.len() != right.len() {
        return false;
    }
    let mut used = vec![false; right.len()];
    left.iter().all(|item| {
        let found = right.iter().enumerate().position(|(index, other)| !used[index] && other == item);
        if let Some(index) = found {
            used[index] = true;
        }
        found.is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Address, Designation, Name, NameKind, Schema};

    fn person(record: &str, name: &str) -> Entity {
        let mut entity = Entity::new("us_ofac_sdn", record, Schema::Person);
        entity.names.push(Name::new(name, NameKind::Primary));
        entity
    }

    #[test]
    fn added_removed_amended_and_unchanged() {
        let old = vec![person("1", "Viktor Bout"), person("2", "Ali Hassan"), person("3", "Kim Jong Un")];
        let mut amended = person("2", "Ali Hassan");
        amended.names.push(Name::new("Ali Hasan", NameKind::Alias));
        amended.designations.push(Designation { programs: vec!["SDGT".into()], ..Designation::default() });
        let new = vec![amended, person("3", "Kim Jong Un"), person("4", "Wang Junzheng")];
        let result = diff(&old, &new);
        assert_eq!(result.added, ["us_ofac_sdn:4"]);
        assert_eq!(result.removed, ["us_ofac_sdn:1"]);
        assert_eq!(
            result.amended,
            [Amendment {
                id: "us_ofac_sdn:2".into(),
                fields: vec![Field::Names, Field::Programmes, Field::Designations]
            }]
        );
        assert_eq!(result.unchanged, 1);
        assert!(!result.is_empty());
    }

    #[test]
    fn reordered_items_are_not_an_amendment() {
        let mut old = person("1", "Viktor Bout");
        old.names.push(Name::new("Victor Butt", NameKind::Alias));
        old.addresses.push(Address { full: "Moscow".into(), ..Address::default() });
        old.addresses.push(Address { full: "Sharjah".into(), ..Address::default() });
        let mut new = old.clone();
        new.names.reverse();
        new.addresses.reverse();
        let result = diff(&[old], &[new]);
        assert!(result.is_empty());
        assert_eq!(result.unchanged, 1);
    }

    #[test]
    fn a_repeated_item_differs_from_a_single_one() {
        assert!(!same_items(&["a", "a", "b"], &["a", "b", "b"]));
        assert!(same_items(&["a", "b", "a"], &["a", "a", "b"]));
    }

    #[test]
    fn a_report_says_what_changed_in_each_field() {
        let mut old = person("2", "Ali Hassan");
        old.names.push(Name::new("Ali Hasan", NameKind::Alias));
        old.designations.push(Designation { programs: vec!["SDGT".into()], ..Designation::default() });
        let mut new = person("2", "Ali Hassan");
        new.names.push(Name::new("Ali Hasan", NameKind::Alias));
        new.names.push(Name::new("Ali al-Hassan", NameKind::Weak));
        new.designations.push(Designation { programs: vec!["IRAQ2".into()], ..Designation::default() });
        let report = diff_report(&[old, person("1", "Viktor Bout")], &[new, person("3", "Wang Junzheng")]);
        assert_eq!(
            report.added,
            [RecordSummary {
                id: "us_ofac_sdn:3".into(),
                caption: "Wang Junzheng".into(),
                schema: "Person".into()
            }]
        );
        assert_eq!(report.removed.len(), 1);
        assert_eq!(report.removed[0].caption, "Viktor Bout");
        assert_eq!(
            report.amended,
            [AmendedRecord {
                id: "us_ofac_sdn:2".into(),
                caption: "Ali Hassan".into(),
                changes: vec![
                    FieldChange {
                        field: Field::Names,
                        removed: vec![],
                        added: vec!["Ali al-Hassan (weak alias)".into()]
                    },
                    FieldChange {
                        field: Field::Programmes,
                        removed: vec!["SDGT".into()],
                        added: vec!["IRAQ2".into()]
                    },
                ],
            }]
        );
        assert_eq!(report.to_list_diff().amended[0].fields, [Field::Names, Field::Programmes]);
    }

    #[test]
    fn repeated_items_count_as_often_as_they_are_missing() {
        let items = |values: &[&str]| values.iter().map(|value| value.to_string()).collect::<Vec<_>>();
        assert_eq!(items_missing(&items(&["a", "a", "b"]), &items(&["a", "c"])), ["a", "b"]);
        assert!(items_missing(&items(&["b", "a"]), &items(&["a", "b"])).is_empty());
    }

    #[test]
    fn programme_and_other_designation_changes_are_told_apart() {
        let mut old = person("1", "Viktor Bout");
        old.designations.push(Designation { programs: vec!["SDGT".into()], ..Designation::default() });
        let mut new = old.clone();
        new.designations[0].reason = Some("arms".into());
        assert_eq!(diff(&[old], &[new]).amended[0].fields, [Field::Designations]);
    }
}
