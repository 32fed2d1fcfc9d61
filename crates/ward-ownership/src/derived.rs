//! Derived designations as screening subjects: each party that a rule set blocks (or flags for
//! review) by ownership or control becomes one subject of its own dataset, [`DERIVED_DATASET`],
//! with the topic [`TOPIC_LINKED`] and its explanation and paths in `notes`. It carries no
//! designation, so it is never shown as an entry of an official list.

use crate::tie::{has_lists, TiedGraph};
use crate::{compute, PartyId, RuleSet, Status};
use std::collections::BTreeMap;
use ward_model::{Entity, Name, NameKind, Schema, Subject};

/// The dataset of derived subjects: Ward's computation, not a publisher's list.
pub const DERIVED_DATASET: &str = "ward_ownership";

/// The `FtM` topic of a party sanctioned by its links to sanctioned parties (as `OpenSanctions`
/// writes it).
pub const TOPIC_LINKED: &str = "sanction.linked";

/// The `FtM` property that carries the topic.
const TOPICS_PROPERTY: &str = "topics";

/// One derived result of one rule set, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedReason {
    /// The rule set.
    pub rules: RuleSet,
    /// Blocked or for review.
    pub status: Status,
    /// The finding's explanation.
    pub explanation: String,
    /// Each path from a listed party, in words.
    pub paths: Vec<String>,
}

/// The derived results of every rule set whose lists are among `subjects`, by party. A party
/// that is itself listed under a rule set is not derived under it.
pub fn derived_reasons(tied: &TiedGraph, subjects: &[Subject]) -> BTreeMap<PartyId, Vec<DerivedReason>> {
    let mut reasons: BTreeMap<PartyId, Vec<DerivedReason>> = BTreeMap::new();
    for rules in RuleSet::ALL {
        if !has_lists(subjects, rules) {
            continue;
        }
        let seeds = tied.seeds(subjects, rules);
        let outcome = compute(&tied.graph, &seeds, rules);
        for party in outcome.derived() {
            let Some(finding) = outcome.finding(party) else { continue };
            let paths = outcome.paths(party).iter().map(|path| outcome.describe_path(path)).collect();
            reasons.entry(party).or_default().push(DerivedReason {
                rules,
                status: finding.status,
                explanation: finding.explanation,
                paths,
            });
        }
    }
    reasons
}

/// The word for a derived status in a note.
fn status_word(status: Status) -> &'static str {
    match status {
        Status::Blocked => "blocked",
        Status::Review => "for review",
        Status::Listed => "listed",
        Status::NotBlocked => "not blocked",
    }
}

/// The derived subjects of [`derived_reasons`]: one per party, of [`DERIVED_DATASET`], record
/// id the party's key (a subject id where the party is tied), named as the edges name it.
pub fn derived_subjects(tied: &TiedGraph, subjects: &[Subject]) -> Vec<Subject> {
    let mut derived = Vec::new();
    for (party, reasons) in derived_reasons(tied, subjects) {
        let key = &tied.graph.party(party).key;
        let (schema, name) = match tied.subject_of.get(&party) {
            Some(&subject) => (subjects[subject].schema(), subjects[subject].caption().to_string()),
            None => (Schema::Company, tied.graph.party(party).name.clone().unwrap_or_else(|| key.clone())),
        };
        let mut entity = Entity::new(DERIVED_DATASET, key, schema);
        entity.add_name(Name::new(&name, NameKind::Primary));
        entity.properties.insert(TOPICS_PROPERTY.to_string(), vec![TOPIC_LINKED.to_string()]);
        for reason in &reasons {
            entity.notes.push(format!(
                "Derived, not listed: {} under {}: {}",
                status_word(reason.status),
                reason.rules.title(),
                reason.explanation
            ));
            for path in &reason.paths {
                entity.notes.push(format!("Path under {}: {path}", reason.rules.title()));
            }
        }
        derived.push(Subject { id: entity.id.clone(), records: vec![entity] });
    }
    derived
}
