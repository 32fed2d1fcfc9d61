//! Derived designations as screening subjects: each party that a rule set blocks (or flags for
//! review) by ownership or control becomes one subject of its own dataset, [`DERIVED_DATASET`],
//! with the topic [`TOPIC_LINKED`] and its explanation and paths in `notes`. It carries no
//! designation, so it is never shown as an entry of an official list.

use crate::tie::{has_lists, TiedGraph};
use crate::{FixedPoint, PartyId, RuleSet, Status, StatusChange};
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
    Derivation::compute(tied, subjects).reasons(tied)
}

/// The fixed point of every rule set whose lists are among the subjects, kept between list or
/// ownership changes so that the next one is applied incrementally ([`Derivation::update`]).
#[derive(Debug, Clone)]
pub struct Derivation {
    fixed: Vec<FixedPoint>,
}

/// A derived result that appeared, changed or disappeared in an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedChange {
    /// The rule set.
    pub rules: RuleSet,
    /// The party and its status before and after.
    pub change: StatusChange,
}

impl Derivation {
    /// Computes every rule set from scratch over `tied`.
    pub fn compute(tied: &TiedGraph, subjects: &[Subject]) -> Derivation {
        let fixed = RuleSet::ALL
            .into_iter()
            .filter(|&rules| has_lists(subjects, rules))
            .map(|rules| FixedPoint::compute(&tied.graph, &tied.seeds(subjects, rules), rules))
            .collect();
        Derivation { fixed }
    }

    /// The derivation over `tied` (the ownership graph tied to the current `subjects`), from this
    /// one over `previous` (the graph it was computed on): each rule set is rebased
    /// incrementally ([`FixedPoint::rebase`]); a rule set whose lists appeared is computed from
    /// scratch. Returns the changes of derived results: parties listed before and after are
    /// not reported.
    pub fn update(
        &self,
        previous: &TiedGraph,
        tied: &TiedGraph,
        subjects: &[Subject],
    ) -> (Derivation, Vec<DerivedChange>) {
        let mut fixed = Vec::new();
        let mut changes = Vec::new();
        for rules in RuleSet::ALL {
            let earlier = self.fixed.iter().find(|f| f.rules() == rules);
            if !has_lists(subjects, rules) {
                if let Some(earlier) = earlier {
                    changes.extend(derived_of(earlier, &previous.graph).into_iter().map(
                        |(key, _, before)| {
                            let change = StatusChange { key, party: None, before, after: Status::NotBlocked };
                            DerivedChange { rules, change }
                        },
                    ));
                }
                continue;
            }
            let seeds = tied.seeds(subjects, rules);
            let (next, rule_changes) = match earlier {
                Some(earlier) => earlier.rebase(&previous.graph, &tied.graph, &seeds),
                None => {
                    let next = FixedPoint::compute(&tied.graph, &seeds, rules);
                    let appeared = derived_of(&next, &tied.graph)
                        .into_iter()
                        .map(|(key, party, after)| StatusChange {
                            key,
                            party,
                            before: Status::NotBlocked,
                            after,
                        })
                        .collect();
                    (next, appeared)
                }
            };
            let is_derived = |status: Status| matches!(status, Status::Blocked | Status::Review);
            changes.extend(
                rule_changes
                    .into_iter()
                    .filter(|change| is_derived(change.before) || is_derived(change.after))
                    .map(|change| DerivedChange { rules, change }),
            );
            fixed.push(next);
        }
        (Derivation { fixed }, changes)
    }

    /// The derived results, by party, of `tied`: the graph this derivation was computed on.
    pub fn reasons(&self, tied: &TiedGraph) -> BTreeMap<PartyId, Vec<DerivedReason>> {
        let mut reasons: BTreeMap<PartyId, Vec<DerivedReason>> = BTreeMap::new();
        for fixed in &self.fixed {
            let outcome = fixed.outcome(&tied.graph);
            for party in outcome.derived() {
                let Some(finding) = outcome.finding(party) else { continue };
                let paths = outcome.paths(party).iter().map(|path| outcome.describe_path(path)).collect();
                reasons.entry(party).or_default().push(DerivedReason {
                    rules: fixed.rules(),
                    status: finding.status,
                    explanation: finding.explanation,
                    paths,
                });
            }
        }
        reasons
    }

    /// The derived subjects of `tied` (the graph this derivation was computed on), as
    /// [`derived_subjects`] gives them.
    pub fn subjects(&self, tied: &TiedGraph, subjects: &[Subject]) -> Vec<Subject> {
        subjects_of(self.reasons(tied), tied, subjects)
    }
}

/// The parties a fixed point derives (blocked or for review), with their status.
fn derived_of(fixed: &FixedPoint, graph: &crate::OwnershipGraph) -> Vec<(String, Option<PartyId>, Status)> {
    (0..graph.parties().len() as PartyId)
        .filter_map(|party| {
            let status = fixed.status(party);
            matches!(status, Status::Blocked | Status::Review)
                .then(|| (graph.party(party).key.clone(), Some(party), status))
        })
        .collect()
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
    subjects_of(derived_reasons(tied, subjects), tied, subjects)
}

fn subjects_of(
    reasons: BTreeMap<PartyId, Vec<DerivedReason>>,
    tied: &TiedGraph,
    subjects: &[Subject],
) -> Vec<Subject> {
    let mut derived = Vec::new();
    for (party, reasons) in reasons {
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
