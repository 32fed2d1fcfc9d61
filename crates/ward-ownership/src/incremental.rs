//! Incremental recompute: after a change of the seeds (a list change) or of the edges (a new
//! ownership version), only the parties whose result can change are evaluated again.
//!
//! Each pass is a least fixed point, so a party marked through a seed that disappears, or
//! through a cycle that no seed feeds any more, must be unmarked: propagating additions alone
//! would be wrong. The update deletes, then derives again (the "delete and rederive" scheme of
//! incremental Datalog):
//!
//! 1. Delete: from the changed parties (seed added or removed, holdings or control links into
//!    them changed), follow holdings and control links into parties marked after the one
//!    followed from. Those are the only marks whose proof can involve a changed party, because a
//!    mark's proof uses parties of lower rank only ([`crate::compute`]'s invariant). Unmark them.
//!    Every mark left stands on an unchanged proof, so it belongs to the new fixed point too.
//! 2. Rederive: evaluate the unmarked changed and deleted parties from scratch against the marks
//!    left, then propagate new marks with the same worklist as the full pass. Starting from a
//!    subset of the new least fixed point, the monotone worklist reaches exactly it.
//!
//! New marks get ranks above every earlier one, so the invariant holds after the update. The
//! cost is that of the deleted parties and of what the new marks reach, with their edges; a
//! seed added to a graph where it reaches little costs little however large the graph.

use crate::attribution;
use crate::compute::{control_reaches, status_of, Bound, Cause, FixedPoint, Marks};
use crate::graph::{HoldingId, OwnershipGraph, PartyId};
use crate::rules::{Aggregation, Rule};
use crate::{ControlKind, Stake, Status};
use std::collections::{HashMap, HashSet};

/// A party whose result changed in an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    /// The party's key.
    pub key: String,
    /// Its id in the graph after the change; `None` where it left the graph.
    pub party: Option<PartyId>,
    /// Its status before.
    pub before: Status,
    /// Its status after.
    pub after: Status,
}

/// What one pass's update changed: the earlier cause of every party unmarked or marked by it.
type Before = HashMap<PartyId, Cause>;

impl FixedPoint {
    /// Updates the fixed point over the same `graph` for a new set of `seeds` (the listed
    /// parties after a list change), and returns the parties whose status changed.
    pub fn change_seeds(&mut self, graph: &OwnershipGraph, seeds: &[PartyId]) -> Vec<StatusChange> {
        assert_eq!(self.n_parties(), graph.parties().len(), "a fixed point is changed with its own graph");
        let is_seed = seed_flags(graph, seeds);
        let changed: Vec<PartyId> = (0..graph.parties().len() as PartyId)
            .filter(|&party| is_seed[party as usize] != (self.certain.cause[party as usize] == Cause::Seed))
            .collect();
        self.repair(graph, &is_seed, &changed)
            .into_iter()
            .filter(|(_, before, after)| before != after)
            .map(|(party, before, after)| StatusChange {
                key: graph.party(party).key.clone(),
                party: Some(party),
                before,
                after,
            })
            .collect()
    }

    /// The fixed point over `new_graph` (another ownership version, or the same edges on
    /// another date) for `seeds` of `new_graph`, from this one over `old_graph`, and the parties
    /// whose status changed. Parties are matched by key; a party whose holders, stakes or
    /// controllers differ between the graphs, or whose listing changed, is evaluated again with
    /// what its change can reach.
    pub fn rebase(
        &self,
        old_graph: &OwnershipGraph,
        new_graph: &OwnershipGraph,
        seeds: &[PartyId],
    ) -> (FixedPoint, Vec<StatusChange>) {
        assert_eq!(
            self.n_parties(),
            old_graph.parties().len(),
            "a fixed point is rebased from its own graph"
        );
        let n_parties = new_graph.parties().len();
        let old_of: Vec<Option<PartyId>> =
            new_graph.parties().iter().map(|party| old_graph.find(&party.key)).collect();
        let is_seed = seed_flags(new_graph, seeds);
        let mut certain = Marks::empty(n_parties, self.certain.next_rank);
        let mut possible = Marks::empty(n_parties, self.possible.next_rank);
        let mut changed = Vec::new();
        for party in 0..n_parties as PartyId {
            let Some(old) = old_of[party as usize] else {
                changed.push(party);
                continue;
            };
            let was_seed = self.certain.cause[old as usize] == Cause::Seed;
            let mut is_changed =
                was_seed != is_seed[party as usize] || incoming(old_graph, old) != incoming(new_graph, party);
            // Same holders, stakes and controllers: the proof carries over, with the new ids.
            for (from, to) in [(&self.certain, &mut certain), (&self.possible, &mut possible)] {
                if !carry(from, old_graph, old, to, new_graph, party) {
                    is_changed = true;
                }
            }
            if is_changed {
                changed.push(party);
            }
        }
        let mut fixed = FixedPoint { rules: self.rules, certain, possible };
        let touched = fixed.repair(new_graph, &is_seed, &changed);
        let mut changes: Vec<StatusChange> = Vec::new();
        for (party, _, after) in touched {
            let before = old_of[party as usize].map_or(Status::NotBlocked, |old| self.status(old));
            if before != after {
                changes.push(StatusChange {
                    key: new_graph.party(party).key.clone(),
                    party: Some(party),
                    before,
                    after,
                });
            }
        }
        // A party whose id changed but whose proof carried over keeps its status; one that left
        // the graph loses its result.
        for (old, party) in old_graph.parties().iter().enumerate() {
            let before = self.status(old as PartyId);
            if before != Status::NotBlocked && new_graph.find(&party.key).is_none() {
                changes.push(StatusChange {
                    key: party.key.clone(),
                    party: None,
                    before,
                    after: Status::NotBlocked,
                });
            }
        }
        (fixed, changes)
    }

    /// Deletes and rederives both passes from the `changed` parties; returns every party it
    /// unmarked or marked, with its status before and after (which may be equal).
    fn repair(
        &mut self,
        graph: &OwnershipGraph,
        is_seed: &[bool],
        changed: &[PartyId],
    ) -> Vec<(PartyId, Status, Status)> {
        let rule = self.rules.rule();
        let before_certain = repair_pass(graph, &rule, &mut self.certain, Bound::Low, is_seed, changed);
        let before_possible = repair_pass(graph, &rule, &mut self.possible, Bound::High, is_seed, changed);
        let mut touched: Vec<PartyId> =
            before_certain.keys().chain(before_possible.keys()).copied().collect();
        touched.sort_unstable();
        touched.dedup();
        touched
            .into_iter()
            .map(|party| {
                let certain =
                    before_certain.get(&party).copied().unwrap_or(self.certain.cause[party as usize]);
                let possibly = before_possible
                    .get(&party)
                    .map_or(self.possible.marked(party), |&cause| cause != Cause::Unmarked);
                (party, status_of(certain, possibly), self.status(party))
            })
            .collect()
    }
}

fn seed_flags(graph: &OwnershipGraph, seeds: &[PartyId]) -> Vec<bool> {
    let mut is_seed = vec![false; graph.parties().len()];
    for &seed in seeds {
        is_seed[seed as usize] = true;
    }
    is_seed
}

/// What flows into a party, by key, in a form two graphs can compare: its holdings (holder,
/// stake, joint arrangement) and control links (controller, kind), sorted.
#[derive(Debug, PartialEq, Eq)]
struct Incoming<'graph> {
    holdings: Vec<(&'graph str, Stake, Option<&'graph str>)>,
    controls: Vec<(&'graph str, ControlKind)>,
}

fn incoming(graph: &OwnershipGraph, party: PartyId) -> Incoming<'_> {
    let mut holdings: Vec<_> = graph
        .holdings_in(party)
        .iter()
        .map(|&h| {
            let holding = graph.holding(h);
            let label = holding.arrangement.map(|a| graph.arrangement(a).label.as_str());
            (graph.party(holding.owner).key.as_str(), holding.stake, label)
        })
        .collect();
    holdings.sort_unstable_by(|a, b| (a.0, a.1.low, a.1.high, a.2).cmp(&(b.0, b.1.low, b.1.high, b.2)));
    let mut controls: Vec<_> = graph
        .controls_in(party)
        .iter()
        .map(|&c| {
            let link = graph.control(c);
            (graph.party(link.controller).key.as_str(), link.kind)
        })
        .collect();
    controls.sort_unstable_by_key(|&(controller, kind)| (controller, kind == ControlKind::Other));
    Incoming { holdings, controls }
}

/// Carries one party's mark from the old graph's marks to the new graph's, translating the ids
/// its cause names. Returns false where the cause's holding or link cannot be found: the rank
/// is carried with a cause of the same status, and the party must be evaluated again.
fn carry(
    from: &Marks,
    old_graph: &OwnershipGraph,
    old: PartyId,
    to: &mut Marks,
    new_graph: &OwnershipGraph,
    party: PartyId,
) -> bool {
    let principals_complete = carry_principals(from, old_graph, old, to, new_graph, party);
    let cause = match from.cause[old as usize] {
        Cause::Holding(holding) => {
            let (owner, label) = (key_of_owner(old_graph, holding), label_of(old_graph, holding));
            let found = new_graph
                .holdings_in(party)
                .iter()
                .find(|&&h| key_of_owner(new_graph, h) == owner && label_of(new_graph, h) == label);
            match found {
                Some(&holding) => Cause::Holding(holding),
                None => return carry_rank_only(from, old, to, party),
            }
        }
        Cause::Arrangement(arrangement) => {
            let label = old_graph.arrangement(arrangement).label.as_str();
            let found = new_graph
                .holdings_in(party)
                .iter()
                .filter_map(|&h| new_graph.holding(h).arrangement)
                .find(|&a| new_graph.arrangement(a).label == label);
            match found {
                Some(arrangement) => Cause::Arrangement(arrangement),
                None => return carry_rank_only(from, old, to, party),
            }
        }
        Cause::Control(control) => {
            let link = old_graph.control(control);
            let controller = old_graph.party(link.controller).key.as_str();
            let found = new_graph.controls_in(party).iter().find(|&&c| {
                let new_link = new_graph.control(c);
                new_link.kind == link.kind && new_graph.party(new_link.controller).key == controller
            });
            match found {
                Some(&control) => Cause::Control(control),
                None => return carry_rank_only(from, old, to, party),
            }
        }
        Cause::Attributed(principal) => match new_graph.find(&old_graph.party(principal).key) {
            Some(principal) => Cause::Attributed(principal),
            None => return carry_rank_only(from, old, to, party),
        },
        cause @ (Cause::Seed | Cause::Aggregate | Cause::Unmarked) => cause,
    };
    to.rank[party as usize] = from.rank[old as usize];
    to.cause[party as usize] = cause;
    principals_complete
}

/// Carries the designated persons a party is attributed to (UK test) to the new graph's ids;
/// returns false where one left the graph: the party must be evaluated again.
fn carry_principals(
    from: &Marks,
    old_graph: &OwnershipGraph,
    old: PartyId,
    to: &mut Marks,
    new_graph: &OwnershipGraph,
    party: PartyId,
) -> bool {
    let Some(principals) = from.principals.get(&old) else { return true };
    let carried: Vec<PartyId> =
        principals.iter().filter_map(|&principal| new_graph.find(&old_graph.party(principal).key)).collect();
    let complete = carried.len() == principals.len();
    to.principals.insert(party, carried);
    complete
}

fn key_of_owner(graph: &OwnershipGraph, holding: HoldingId) -> &str {
    graph.party(graph.holding(holding).owner).key.as_str()
}

fn label_of(graph: &OwnershipGraph, holding: HoldingId) -> Option<&str> {
    graph.holding(holding).arrangement.map(|a| graph.arrangement(a).label.as_str())
}

/// Carries a derived mark's rank with a cause that gives the same status but names no id of
/// the old graph; returns false: the party must be evaluated again.
fn carry_rank_only(from: &Marks, old: PartyId, to: &mut Marks, party: PartyId) -> bool {
    to.rank[party as usize] = from.rank[old as usize];
    to.cause[party as usize] = Cause::Aggregate;
    false
}

/// The parties one party reaches by a holding or a control link.
fn successors(graph: &OwnershipGraph, party: PartyId) -> impl Iterator<Item = PartyId> + '_ {
    graph
        .holdings_of(party)
        .iter()
        .map(|h| h.owned)
        .chain(graph.controls_of(party).iter().map(|c| c.controlled))
}

/// Deletes and rederives one pass; returns the earlier cause of every party it unmarked or
/// marked.
fn repair_pass(
    graph: &OwnershipGraph,
    rule: &Rule,
    marks: &mut Marks,
    bound: Bound,
    is_seed: &[bool],
    changed: &[PartyId],
) -> Before {
    renumber_if_full(marks);
    // 1. Delete: the changed parties, and the marks whose proof may go through them. Under the
    // UK test a party attributed to a further designated person after its mark has proofs
    // through parties of higher rank, so every marked party downstream is deleted.
    let attributing = rule.aggregation == Aggregation::JointArrangementOnly;
    let mut deleted: HashSet<PartyId> = changed.iter().copied().collect();
    let mut stack: Vec<PartyId> = changed.iter().copied().filter(|&p| marks.marked(p)).collect();
    while let Some(party) = stack.pop() {
        for successor in successors(graph, party) {
            if marks.marked(successor)
                && (attributing || marks.before(party, successor))
                && deleted.insert(successor)
            {
                stack.push(successor);
            }
        }
    }
    let mut before: Before = HashMap::with_capacity(deleted.len());
    let mut candidates: Vec<PartyId> = deleted.into_iter().collect();
    candidates.sort_unstable();
    for &party in &candidates {
        before.insert(party, marks.cause[party as usize]);
        marks.unmark(party);
    }
    if attributing {
        rederive_attributions(graph, rule, marks, bound, is_seed, &candidates, &mut before);
        return before;
    }
    // 2. Rederive: each candidate from scratch against the marks left, then the worklist.
    let mut order: Vec<PartyId> = Vec::new();
    for &party in &candidates {
        if let Some(cause) = evaluate(graph, rule, marks, bound, is_seed, party) {
            marks.mark(party, cause);
            order.push(party);
        }
    }
    // Aggregates of parties reached, started on first reach from the holders processed then.
    let mut totals: HashMap<PartyId, u64> = HashMap::new();
    let mut next = 0;
    while next < order.len() {
        let party = order[next];
        next += 1;
        for holding in graph.holdings_of(party) {
            let owned = holding.owned;
            if marks.marked(owned) {
                continue;
            }
            let total = totals.entry(owned).or_insert_with(|| {
                // Holders processed before this one: every mark of lower rank.
                graph
                    .holdings_in(owned)
                    .iter()
                    .map(|&h| graph.holding(h))
                    .filter(|h| marks.before(h.owner, party))
                    .map(|h| bound.of(h.stake))
                    .sum()
            });
            *total += bound.of(holding.stake);
            if rule.meets(*total) {
                before.entry(owned).or_insert(Cause::Unmarked);
                marks.mark(owned, Cause::Aggregate);
                order.push(owned);
            }
        }
        let first_control = graph.first_control_of(party);
        for (offset, control) in graph.controls_of(party).iter().enumerate() {
            if !marks.marked(control.controlled) && control_reaches(rule, control.kind, bound) {
                before.entry(control.controlled).or_insert(Cause::Unmarked);
                marks.mark(control.controlled, Cause::Control(first_control + offset as u32));
                order.push(control.controlled);
            }
        }
    }
    before
}

/// Under the UK test, rederives the deleted `candidates`: the listed ones first, then each one
/// from scratch against the pairs left, then the pairs propagated (to parties already
/// marked too, which may be attributed to a further designated person).
fn rederive_attributions(
    graph: &OwnershipGraph,
    rule: &Rule,
    marks: &mut Marks,
    bound: Bound,
    is_seed: &[bool],
    candidates: &[PartyId],
    before: &mut Before,
) {
    let mut worklist: Vec<(PartyId, PartyId)> = Vec::new();
    let mut on_mark = |party: PartyId| {
        before.entry(party).or_insert(Cause::Unmarked);
    };
    for &party in candidates.iter().filter(|&&party| is_seed[party as usize]) {
        if attribution::attribute(marks, party, party, Cause::Seed, &mut on_mark) {
            worklist.push((party, party));
        }
    }
    // A listed party may be held by another designated person too.
    for &party in candidates {
        for (principal, cause) in attribution::evaluate_party(graph, rule, marks, bound, party) {
            if attribution::attribute(marks, principal, party, cause, &mut on_mark) {
                worklist.push((principal, party));
            }
        }
    }
    attribution::propagate(graph, rule, marks, bound, worklist, &mut on_mark);
}

/// Whether `party` is marked given the marks as they stand, and why: the rule (one that adds
/// up the holders) applied to it from scratch.
fn evaluate(
    graph: &OwnershipGraph,
    rule: &Rule,
    marks: &Marks,
    bound: Bound,
    is_seed: &[bool],
    party: PartyId,
) -> Option<Cause> {
    if is_seed[party as usize] {
        return Some(Cause::Seed);
    }
    let holdings = graph.holdings_in(party);
    let total: u64 = holdings
        .iter()
        .map(|&h| graph.holding(h))
        .filter(|h| marks.marked(h.owner))
        .map(|h| bound.of(h.stake))
        .sum();
    let by_ownership = rule.meets(total).then_some(Cause::Aggregate);
    by_ownership.or_else(|| {
        graph.controls_in(party).iter().find_map(|&c| {
            let link = graph.control(c);
            (marks.marked(link.controller) && control_reaches(rule, link.kind, bound))
                .then_some(Cause::Control(c))
        })
    })
}

/// Renumbers the marks in their order when the ranks given so far near the end of `u32`: each
/// update gives new marks ranks above all earlier ones.
fn renumber_if_full(marks: &mut Marks) {
    let n_parties = marks.rank.len() as u64;
    if u64::from(marks.next_rank) + 2 * n_parties < u64::from(crate::compute::UNMARKED) {
        return;
    }
    let mut marked: Vec<PartyId> =
        (0..marks.rank.len() as PartyId).filter(|&party| marks.marked(party)).collect();
    marked.sort_unstable_by_key(|&party| marks.rank[party as usize]);
    for (rank, &party) in marked.iter().enumerate() {
        marks.rank[party as usize] = rank as u32;
    }
    marks.next_rank = marked.len() as u32;
}
