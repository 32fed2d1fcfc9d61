//! Tying the parties of an edge file to listed subjects, and the graph whose listed parties are
//! the rule sets' seeds.
//!
//! A party is tied by referent (`dataset:record`, a subject id, an `FtM` referent), by
//! identifier, or by exact name (case, punctuation and spacing folded; a name or identifier
//! shared by two subjects ties to neither). A tie made earlier (by the matcher, say) is kept as
//! the referent of the subject's record, so it holds across list versions while that record is
//! listed.

use crate::read::EdgeFile;
use crate::{Edge, GraphBuilder, OwnershipGraph, PartyId, RuleSet};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use ward_model::{normalize_identifier, PartialDate, Subject};

/// How a party was tied to a listed subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieMethod {
    /// The party's key or another key of it is a referent of the subject.
    Referent,
    /// The party's key is an identifier of the subject and of no other.
    Identifier,
    /// The party's name, folded, is a name of the subject and of no other.
    ExactName,
    /// The screening matcher scored the party's name at or above the threshold against the
    /// subject, and against no other subject as high.
    Matcher,
}

impl TieMethod {
    /// In words.
    pub fn describe(self) -> &'static str {
        match self {
            TieMethod::Referent => "referent",
            TieMethod::Identifier => "identifier",
            TieMethod::ExactName => "exact name",
            TieMethod::Matcher => "matcher",
        }
    }
}

/// A tie recorded with a party: the referent of the subject's record it was tied to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartyTie {
    /// The record's `dataset:record` referent.
    pub referent: String,
    /// How the tie was made.
    pub method: TieMethod,
    /// The matcher's score, for a tie by the matcher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
}

/// A party as an edge file gives it: its key, name and other keys, and its tie once made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartyRecord {
    /// The key the edges use.
    pub key: String,
    /// The name the file gives, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Other keys of the same party (`FtM` referents).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_keys: Vec<String>,
    /// The subject it was tied to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tie: Option<PartyTie>,
}

/// Every party an edge file names, once, in key order, untied.
pub fn parties_of(file: &EdgeFile) -> Vec<PartyRecord> {
    let mut parties: BTreeMap<&str, PartyRecord> = BTreeMap::new();
    for edge in &file.edges {
        for key in [&edge.owner, &edge.owned] {
            parties.entry(key).or_insert_with(|| PartyRecord {
                key: key.clone(),
                name: None,
                other_keys: Vec::new(),
                tie: None,
            });
        }
    }
    for (key, name) in &file.names {
        if let Some(party) = parties.get_mut(key.as_str()) {
            party.name.get_or_insert_with(|| name.clone());
        }
    }
    for (key, other) in &file.other_keys {
        if let Some(party) = parties.get_mut(key.as_str()) {
            if !party.other_keys.contains(other) {
                party.other_keys.push(other.clone());
            }
        }
    }
    parties.into_values().collect()
}

/// Folds a name for the exact comparison: lower case, letters and digits, single spaces.
pub fn fold_name(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Ward referent of an `OpenSanctions` referent where the two name the same record:
/// `ofac-<ent_num>` is SDN entry `us_ofac_sdn:<ent_num>` (other `ofac-` referents, such as press
/// releases, are not).
pub fn opensanctions_referent(referent: &str) -> Option<String> {
    let number = referent.strip_prefix("ofac-")?;
    (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("us_ofac_sdn:{number}"))
}

/// Lookups from referents, identifiers and folded names to subjects (by index); a key shared by
/// two subjects maps to none.
pub struct Ties {
    referents: HashMap<String, usize>,
    identifiers: HashMap<String, Option<usize>>,
    names: HashMap<String, Option<usize>>,
}

impl Ties {
    /// The lookups over `subjects`.
    pub fn new(subjects: &[Subject]) -> Ties {
        let mut ties = Ties { referents: HashMap::new(), identifiers: HashMap::new(), names: HashMap::new() };
        let claim = |map: &mut HashMap<String, Option<usize>>, key: String, subject: usize| {
            if key.is_empty() {
                return;
            }
            let slot = map.entry(key).or_insert(Some(subject));
            if *slot != Some(subject) {
                *slot = None;
            }
        };
        for (index, subject) in subjects.iter().enumerate() {
            ties.referents.insert(subject.id.clone(), index);
            for record in &subject.records {
                ties.referents.insert(record.id.clone(), index);
                for referent in record.properties.get("referents").into_iter().flatten() {
                    ties.referents.insert(referent.clone(), index);
                }
                for identifier in &record.identifiers {
                    claim(&mut ties.identifiers, identifier.normalized(), index);
                }
            }
            for name in subject.names() {
                claim(&mut ties.names, fold_name(&name.full), index);
            }
        }
        ties
    }

    /// The subject with this referent or subject id.
    pub fn by_referent(&self, referent: &str) -> Option<usize> {
        self.referents.get(referent).copied()
    }

    /// The subject a party is by referent, identifier or exact name, from its key, its other
    /// keys and its name.
    pub fn tie(&self, party: &PartyRecord) -> Option<(usize, TieMethod)> {
        let mut keys: Vec<String> = vec![party.key.clone()];
        for other in &party.other_keys {
            keys.push(other.clone());
            keys.extend(opensanctions_referent(other));
        }
        if let Some(subject) = keys.iter().find_map(|k| self.by_referent(k)) {
            return Some((subject, TieMethod::Referent));
        }
        let by_identifier =
            keys.iter().find_map(|k| self.identifiers.get(&normalize_identifier(k)).copied().flatten());
        if let Some(subject) = by_identifier {
            return Some((subject, TieMethod::Identifier));
        }
        keys.iter()
            .map(String::as_str)
            .chain(party.name.as_deref())
            .find_map(|n| self.names.get(&fold_name(n)).copied().flatten())
            .map(|subject| (subject, TieMethod::ExactName))
    }

    /// The subject a party is: its recorded tie where that record is still listed, else
    /// [`Ties::tie`].
    pub fn resolve(&self, party: &PartyRecord) -> Option<(usize, TieMethod)> {
        if let Some(tie) = &party.tie {
            if let Some(subject) = self.by_referent(&tie.referent) {
                return Some((subject, tie.method));
            }
        }
        self.tie(party)
    }
}

/// The graph of an edge file with its parties tied to subjects: a tied party's key is its
/// subject's id.
pub struct TiedGraph {
    /// The graph on the as-of date.
    pub graph: OwnershipGraph,
    /// The subject (index into the subjects given) each tied party is.
    pub subject_of: HashMap<PartyId, usize>,
    /// How many parties were tied, by method.
    pub counts: BTreeMap<TieMethod, usize>,
    /// How many parties the edges name.
    pub n_file_parties: usize,
}

/// Ties `parties` to `subjects` ([`Ties::resolve`]) and builds the graph of `edges` on `as_of`.
/// Every key the edges use must be one of `parties`' keys.
pub fn tie_graph(
    edges: &[Edge],
    parties: &[PartyRecord],
    subjects: &[Subject],
    as_of: PartialDate,
) -> TiedGraph {
    let ties = Ties::new(subjects);
    let mut resolved: HashMap<&str, &str> = HashMap::new();
    let mut counts: BTreeMap<TieMethod, usize> = BTreeMap::new();
    let mut builder = GraphBuilder::new();
    for party in parties {
        match ties.resolve(party) {
            Some((subject, method)) => {
                let subject = &subjects[subject];
                *counts.entry(method).or_default() += 1;
                builder.name(&subject.id, subject.caption());
                resolved.insert(&party.key, &subject.id);
            }
            None => {
                if let Some(name) = &party.name {
                    builder.name(&party.key, name);
                }
                resolved.insert(&party.key, &party.key);
            }
        }
    }
    for edge in edges {
        let mut edge = edge.clone();
        let key = |key: &str| resolved.get(key).copied().unwrap_or(key).to_string();
        edge.owner = key(&edge.owner);
        edge.owned = key(&edge.owned);
        builder.add(&edge);
    }
    let subject_index: HashMap<&str, usize> =
        subjects.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let graph = builder.build(as_of);
    let subject_of = graph
        .parties()
        .iter()
        .enumerate()
        .filter_map(|(party, p)| subject_index.get(p.key.as_str()).map(|&s| (party as PartyId, s)))
        .collect();
    TiedGraph { graph, subject_of, counts, n_file_parties: parties.len() }
}

impl TiedGraph {
    /// The parties that are listed persons or entities of the rule set's lists.
    pub fn seeds(&self, subjects: &[Subject], rules: RuleSet) -> Vec<PartyId> {
        let datasets = rules.seed_datasets();
        let mut seeds: Vec<PartyId> = self
            .subject_of
            .iter()
            .filter(|&(_, &s)| {
                let subject = &subjects[s];
                matches!(subject.schema().kind(), "person" | "organization")
                    && subject.records.iter().any(|r| datasets.contains(&r.dataset.as_str()))
            })
            .map(|(&party, _)| party)
            .collect();
        seeds.sort_unstable();
        seeds
    }
}

/// Whether `subjects` hold a record of any of the rule set's lists: without one, nothing can be
/// derived, and "none blocked" would be a result that was never computed.
pub fn has_lists(subjects: &[Subject], rules: RuleSet) -> bool {
    let datasets = rules.seed_datasets();
    subjects.iter().flat_map(|s| &s.records).any(|r| datasets.contains(&r.dataset.as_str()))
}
