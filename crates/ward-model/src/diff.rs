//! What changed between two versions of one list: records added, removed (delisted) and amended,
//! and for each amendment which fields.
//!
//! Records are matched by their referent (`dataset:record-id`). Fields are compared as multisets:
//! a publisher that reorders a record's aliases or addresses has not amended it.

use serde::{Deserialize, Serialize};

use crate::Entity;

/// A part of a record an amendment can touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The FtM schema: a person became an organisation, say.
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
    use std::collections::BTreeMap;
    let old: BTreeMap<&str, &Entity> = old.iter().map(|entity| (entity.id.as_str(), entity)).collect();
    let new: BTreeMap<&str, &Entity> = new.iter().map(|entity| (entity.id.as_str(), entity)).collect();
    let mut result = ListDiff::default();
    for (id, new_entity) in &new {
        match old.get(id) {
            None => result.added.push((*id).to_string()),
            Some(old_entity) => {
                let fields: Vec<Field> =
                    Field::ALL.into_iter().filter(|field| field.differs(old_entity, new_entity)).collect();
                if fields.is_empty() {
                    result.unchanged += 1;
                } else {
                    result.amended.push(Amendment { id: (*id).to_string(), fields });
                }
            }
        }
    }
    result.removed = old.keys().filter(|id| !new.contains_key(*id)).map(|id| (*id).to_string()).collect();
    result
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
    fn programme_and_other_designation_changes_are_told_apart() {
        let mut old = person("1", "Viktor Bout");
        old.designations.push(Designation { programs: vec!["SDGT".into()], ..Designation::default() });
        let mut new = old.clone();
        new.designations[0].reason = Some("arms".into());
        assert_eq!(diff(&[old], &[new]).amended[0].fields, [Field::Designations]);
    }
}
