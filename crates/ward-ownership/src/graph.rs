//! The ownership graph compiled for one as-of date: parties by id, in-force holdings (edges of
//! one owner into one entity merged) and control links, indexed both ways.

use crate::{ControlKind, Edge, EdgeKind, Party, Stake};
use std::collections::HashMap;
use ward_model::PartialDate;

/// A party's index in an [`OwnershipGraph`].
pub type PartyId = u32;
/// A holding's index in an [`OwnershipGraph`].
pub type HoldingId = u32;
/// A control link's index in an [`OwnershipGraph`].
pub type ControlId = u32;
/// A joint arrangement's index in an [`OwnershipGraph`].
pub type ArrangementId = u32;
/// An edge's index: the order in which it was added to the [`GraphBuilder`].
pub type EdgeId = u32;

/// Converts a count to a 32-bit id; graphs of more than 4 billion parties or edges are refused.
fn id(index: usize) -> u32 {
    u32::try_from(index).expect("an ownership graph holds fewer than 2^32 parties and edges")
}

/// What one owner holds of one entity on the as-of date, from one or more edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holding {
    /// The holder.
    pub owner: PartyId,
    /// The held entity.
    pub owned: PartyId,
    /// The stake. Several edges of one owner into one entity (two sources, or two tranches)
    /// give [the largest low, the sum of the highs]: both readings stay inside the interval.
    pub stake: Stake,
    /// The joint arrangement the holding is held under, if any.
    pub arrangement: Option<ArrangementId>,
    edges: (u32, u32),
}

/// A control link in force on the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlLink {
    /// Who controls.
    pub controller: PartyId,
    /// Who is controlled.
    pub controlled: PartyId,
    /// How.
    pub kind: ControlKind,
    /// The edge that says so.
    pub edge: EdgeId,
}

/// Holdings into one entity under one joint arrangement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrangement {
    /// The held entity.
    pub owned: PartyId,
    /// The arrangement's label.
    pub label: String,
    /// The holdings under it.
    pub holdings: Vec<HoldingId>,
    /// The sum of their low ends, in [`crate::Percent`] units.
    pub low_total: u64,
    /// The sum of their high ends, in [`crate::Percent`] units.
    pub high_total: u64,
}

#[derive(Debug, Clone, Copy)]
enum StoredKind {
    Ownership { stake: Stake, arrangement: Option<u32> },
    Control(ControlKind),
}

#[derive(Debug, Clone, Copy)]
struct StoredEdge {
    owner: PartyId,
    owned: PartyId,
    kind: StoredKind,
    start: Option<PartialDate>,
    end: Option<PartialDate>,
    source: u32,
}

/// Collects parties and edges, then compiles them for a date ([`GraphBuilder::build`]).
#[derive(Debug, Default)]
pub struct GraphBuilder {
    parties: Vec<Party>,
    index: HashMap<String, PartyId>,
    edges: Vec<StoredEdge>,
    sources: Vec<String>,
    source_index: HashMap<String, u32>,
    labels: Vec<String>,
    label_index: HashMap<String, u32>,
}

fn intern(values: &mut Vec<String>, index: &mut HashMap<String, u32>, value: &str) -> u32 {
    if let Some(&found) = index.get(value) {
        return found;
    }
    let new = id(values.len());
    values.push(value.to_string());
    index.insert(value.to_string(), new);
    new
}

impl GraphBuilder {
    /// An empty builder.
    pub fn new() -> GraphBuilder {
        GraphBuilder::default()
    }

    /// The party with this key, added if new.
    pub fn party(&mut self, key: &str) -> PartyId {
        if let Some(&found) = self.index.get(key) {
            return found;
        }
        let new = id(self.parties.len());
        self.parties.push(Party { key: key.to_string(), name: None });
        self.index.insert(key.to_string(), new);
        new
    }

    /// Gives the party with this key a name to show (the first name given stays).
    pub fn name(&mut self, key: &str, name: &str) {
        let party = self.party(key) as usize;
        if self.parties[party].name.is_none() && !name.trim().is_empty() {
            self.parties[party].name = Some(name.trim().to_string());
        }
    }

    /// Adds an edge; its parties are added if new.
    pub fn add(&mut self, edge: &Edge) -> EdgeId {
        let owner = self.party(&edge.owner);
        let owned = self.party(&edge.owned);
        let kind = match &edge.kind {
            EdgeKind::Ownership { stake, joint_arrangement } => StoredKind::Ownership {
                stake: *stake,
                arrangement: joint_arrangement
                    .as_deref()
                    .map(|label| intern(&mut self.labels, &mut self.label_index, label)),
            },
            EdgeKind::Control(kind) => StoredKind::Control(*kind),
        };
        let source = intern(&mut self.sources, &mut self.source_index, &edge.source);
        self.push(StoredEdge { owner, owned, kind, start: edge.start, end: edge.end, source })
    }

    /// Adds an undated holding between parties already added, with no source (synthetic graphs).
    pub fn add_holding(&mut self, owner: PartyId, owned: PartyId, stake: Stake) -> EdgeId {
        let source = intern(&mut self.sources, &mut self.source_index, "");
        let kind = StoredKind::Ownership { stake, arrangement: None };
        self.push(StoredEdge { owner, owned, kind, start: None, end: None, source })
    }

    fn push(&mut self, edge: StoredEdge) -> EdgeId {
        let new = id(self.edges.len());
        self.edges.push(edge);
        new
    }

    /// Compiles the edges in force on `as_of` ([`Edge::in_force`]).
    pub fn build(self, as_of: PartialDate) -> OwnershipGraph {
        let n_parties = self.parties.len();
        // Holdings: in-force ownership edges grouped by (owner, owned, arrangement).
        let mut ownership_edges: Vec<EdgeId> = Vec::new();
        let mut control_links: Vec<ControlLink> = Vec::new();
        for (index, edge) in self.edges.iter().enumerate() {
            if !crate::model::in_force(edge.start, edge.end, as_of) {
                continue;
            }
            match edge.kind {
                StoredKind::Ownership { .. } => ownership_edges.push(id(index)),
                StoredKind::Control(kind) => control_links.push(ControlLink {
                    controller: edge.owner,
                    controlled: edge.owned,
                    kind,
                    edge: id(index),
                }),
            }
        }
        let arrangement_of = |edge: &StoredEdge| match edge.kind {
            StoredKind::Ownership { arrangement, .. } => arrangement,
            StoredKind::Control(_) => None,
        };
        let stake_of = |edge: &StoredEdge| match edge.kind {
            StoredKind::Ownership { stake, .. } => stake,
            StoredKind::Control(_) => Stake::unknown(),
        };
        ownership_edges.sort_unstable_by_key(|&e| {
            let edge = &self.edges[e as usize];
            (edge.owner, edge.owned, arrangement_of(edge), e)
        });
        let mut holdings: Vec<Holding> = Vec::new();
        let mut label_arrangements: Vec<(u32, HoldingId)> = Vec::new();
        let mut start = 0;
        while start < ownership_edges.len() {
            let first = &self.edges[ownership_edges[start] as usize];
            let key = (first.owner, first.owned, arrangement_of(first));
            let mut end = start;
            let mut low = 0;
            let mut high: u64 = 0;
            while end < ownership_edges.len() {
                let edge = &self.edges[ownership_edges[end] as usize];
                if (edge.owner, edge.owned, arrangement_of(edge)) != key {
                    break;
                }
                let stake = stake_of(edge);
                low = low.max(stake.low.units());
                high += u64::from(stake.high.units());
                end += 1;
            }
            let high = crate::Percent::from_units(u32::try_from(high).unwrap_or(u32::MAX));
            let holding = id(holdings.len());
            if let Some(label) = key.2 {
                label_arrangements.push((label, holding));
            }
            holdings.push(Holding {
                owner: key.0,
                owned: key.1,
                stake: Stake::between(crate::Percent::from_units(low), high),
                arrangement: None,
                edges: (id(start), id(end)),
            });
            start = end;
        }
        // Arrangements: holdings into one entity under one label.
        label_arrangements
            .sort_unstable_by_key(|&(label, holding)| (holdings[holding as usize].owned, label));
        let mut arrangements: Vec<Arrangement> = Vec::new();
        let mut last: Option<(PartyId, u32)> = None;
        for (label, holding) in label_arrangements {
            let owned = holdings[holding as usize].owned;
            if last != Some((owned, label)) {
                arrangements.push(Arrangement {
                    owned,
                    label: self.labels[label as usize].clone(),
                    holdings: Vec::new(),
                    low_total: 0,
                    high_total: 0,
                });
                last = Some((owned, label));
            }
            let arrangement = arrangements.last_mut().expect("pushed above");
            let stake = holdings[holding as usize].stake;
            arrangement.holdings.push(holding);
            arrangement.low_total += u64::from(stake.low.units());
            arrangement.high_total += u64::from(stake.high.units());
            holdings[holding as usize].arrangement = Some(id(arrangements.len() - 1));
        }
        let holdings_in = invert(n_parties, &holdings, |h| h.owned);
        let holdings_out = offsets(n_parties, holdings.iter().map(|h| h.owner));
        control_links.sort_unstable_by_key(|c| (c.controller, c.edge));
        let controls_out = offsets(n_parties, control_links.iter().map(|c| c.controller));
        let controls_in = invert(n_parties, &control_links, |c| c.controlled);
        let edges = self
            .edges
            .iter()
            .map(|edge| EdgeFacts { start: edge.start, end: edge.end, source: edge.source })
            .collect();
        OwnershipGraph {
            as_of,
            parties: self.parties,
            index: self.index,
            edges,
            sources: self.sources,
            holding_edges: ownership_edges,
            holdings,
            holdings_out,
            holdings_in,
            controls: control_links,
            controls_out,
            controls_in,
            arrangements,
        }
    }
}

/// Offsets of runs in a sequence sorted by party: items of party `p` are
/// `offsets[p]..offsets[p + 1]`.
fn offsets(n_parties: usize, keys: impl Iterator<Item = PartyId>) -> Vec<u32> {
    let mut counts = vec![0u32; n_parties + 1];
    for key in keys {
        counts[key as usize + 1] += 1;
    }
    for index in 1..counts.len() {
        counts[index] += counts[index - 1];
    }
    counts
}

/// Item ids grouped by another party than the one they are sorted by: (offsets, ids).
fn invert<T>(n_parties: usize, items: &[T], key: impl Fn(&T) -> PartyId) -> (Vec<u32>, Vec<u32>) {
    let starts = offsets(n_parties, items.iter().map(&key));
    let mut next = starts.clone();
    let mut ids = vec![0u32; items.len()];
    for (index, item) in items.iter().enumerate() {
        let slot = &mut next[key(item) as usize];
        ids[*slot as usize] = id(index);
        *slot += 1;
    }
    (starts, ids)
}

#[derive(Debug, Clone, Copy)]
struct EdgeFacts {
    start: Option<PartialDate>,
    end: Option<PartialDate>,
    source: u32,
}

/// The compiled graph: what holds on one date.
#[derive(Debug)]
pub struct OwnershipGraph {
    as_of: PartialDate,
    parties: Vec<Party>,
    index: HashMap<String, PartyId>,
    edges: Vec<EdgeFacts>,
    sources: Vec<String>,
    holding_edges: Vec<EdgeId>,
    holdings: Vec<Holding>,
    holdings_out: Vec<u32>,
    holdings_in: (Vec<u32>, Vec<u32>),
    controls: Vec<ControlLink>,
    controls_out: Vec<u32>,
    controls_in: (Vec<u32>, Vec<u32>),
    arrangements: Vec<Arrangement>,
}

impl OwnershipGraph {
    /// The date the graph holds for.
    pub fn as_of(&self) -> PartialDate {
        self.as_of
    }

    /// Every party.
    pub fn parties(&self) -> &[Party] {
        &self.parties
    }

    /// One party.
    pub fn party(&self, party: PartyId) -> &Party {
        &self.parties[party as usize]
    }

    /// The party with this key.
    pub fn find(&self, key: &str) -> Option<PartyId> {
        self.index.get(key).copied()
    }

    /// Every holding in force.
    pub fn holdings(&self) -> &[Holding] {
        &self.holdings
    }

    /// One holding.
    pub fn holding(&self, holding: HoldingId) -> &Holding {
        &self.holdings[holding as usize]
    }

    /// The holdings of `owner`.
    pub fn holdings_of(&self, owner: PartyId) -> &[Holding] {
        let range =
            self.holdings_out[owner as usize] as usize..self.holdings_out[owner as usize + 1] as usize;
        &self.holdings[range]
    }

    /// The ids of the holdings in `owned`.
    pub fn holdings_in(&self, owned: PartyId) -> &[HoldingId] {
        let (starts, ids) = &self.holdings_in;
        &ids[starts[owned as usize] as usize..starts[owned as usize + 1] as usize]
    }

    /// The control links from `controller`.
    pub fn controls_of(&self, controller: PartyId) -> &[ControlLink] {
        let range = self.controls_out[controller as usize] as usize
            ..self.controls_out[controller as usize + 1] as usize;
        &self.controls[range]
    }

    /// The first control id of `controller` (its links are consecutive).
    pub(crate) fn first_control_of(&self, controller: PartyId) -> ControlId {
        self.controls_out[controller as usize]
    }

    /// One control link.
    pub fn control(&self, control: ControlId) -> &ControlLink {
        &self.controls[control as usize]
    }

    /// The ids of the control links into `controlled`.
    pub fn controls_in(&self, controlled: PartyId) -> &[ControlId] {
        let (starts, ids) = &self.controls_in;
        &ids[starts[controlled as usize] as usize..starts[controlled as usize + 1] as usize]
    }

    /// One joint arrangement.
    pub fn arrangement(&self, arrangement: ArrangementId) -> &Arrangement {
        &self.arrangements[arrangement as usize]
    }

    /// The edges a holding was merged from.
    pub fn holding_edges(&self, holding: &Holding) -> &[EdgeId] {
        &self.holding_edges[holding.edges.0 as usize..holding.edges.1 as usize]
    }

    /// Where an edge comes from.
    pub fn source(&self, edge: EdgeId) -> &str {
        &self.sources[self.edges[edge as usize].source as usize]
    }

    /// An edge's dates (start, end).
    pub fn dates(&self, edge: EdgeId) -> (Option<PartialDate>, Option<PartialDate>) {
        let facts = &self.edges[edge as usize];
        (facts.start, facts.end)
    }

    /// The number of edges added, in force or not.
    pub fn n_edges(&self) -> usize {
        self.edges.len()
    }
}
