//! The UK test with indirect attribution: shares held by an entity that a designated person owns
//! (more than 50%) or controls count as held by that person (OFSI ownership and control
//! guidance), along chains of such entities; the holdings of different designated persons are
//! not added up unless a joint arrangement ties them.
//!
//! A pass marks pairs (principal, party): `party` is held or controlled by the designated
//! `principal`, directly or through entities attributed to it. The pair holds when:
//! - `party` is the listed `principal` itself;
//! - the holdings in `party` of holders attributed to `principal` add up to more than 50%;
//! - a holding in `party` of a holder attributed to `principal` is under a joint arrangement
//!   whose holdings together meet the threshold;
//! - a holder attributed to `principal` controls `party` (by a kind of control the rule counts).
//!
//! A party is marked when it is attributed to at least one principal. Its rank and cause are
//! those of its first pair; later principals only add to [`Marks::principals`].

use crate::compute::{control_reaches, Bound, Cause, Marks};
use crate::graph::{OwnershipGraph, PartyId};
use crate::rules::Rule;

/// Attributes `party` to `principal`, marking it with `cause` if it is not marked yet; returns
/// whether the pair is new. `on_mark` is called with each party marked for the first time.
pub(crate) fn attribute(
    marks: &mut Marks,
    principal: PartyId,
    party: PartyId,
    cause: Cause,
    on_mark: &mut impl FnMut(PartyId),
) -> bool {
    let principals = marks.principals.entry(party).or_default();
    if principals.contains(&principal) {
        return false;
    }
    principals.push(principal);
    if marks.mark(party, cause) {
        on_mark(party);
    }
    true
}

/// Whether `party` is attributed to `principal` in `marks`.
pub(crate) fn attributed(marks: &Marks, principal: PartyId, party: PartyId) -> bool {
    marks.principals.get(&party).is_some_and(|principals| principals.contains(&principal))
}

/// Whether `party` is attributed to `principal` given the pairs in `marks`, and by which cause:
/// one holding alone first, then a joint arrangement, then the holdings attributed to the
/// principal added up, then control.
pub(crate) fn evaluate_pair(
    graph: &OwnershipGraph,
    rule: &Rule,
    marks: &Marks,
    bound: Bound,
    principal: PartyId,
    party: PartyId,
) -> Option<Cause> {
    let mut total = 0u64;
    for &holding_id in graph.holdings_in(party) {
        let holding = graph.holding(holding_id);
        if !attributed(marks, principal, holding.owner) {
            continue;
        }
        let stake = bound.of(holding.stake);
        match holding.arrangement {
            Some(arrangement) => {
                let joint = graph.arrangement(arrangement);
                let joint_total = match bound {
                    Bound::Low => joint.low_total,
                    Bound::High => joint.high_total,
                };
                if rule.meets(joint_total) {
                    return Some(Cause::Arrangement(arrangement));
                }
            }
            None if rule.meets(stake) => return Some(Cause::Holding(holding_id)),
            None => {}
        }
        total += stake;
    }
    if rule.meets(total) {
        return Some(Cause::Attributed(principal));
    }
    graph.controls_in(party).iter().find_map(|&control| {
        let link = graph.control(control);
        (attributed(marks, principal, link.controller) && control_reaches(rule, link.kind, bound))
            .then_some(Cause::Control(control))
    })
}

/// The principals `party` can be attributed to given the pairs in `marks`, each with its cause,
/// in the order of the principals of its holders and controllers.
pub(crate) fn evaluate_party(
    graph: &OwnershipGraph,
    rule: &Rule,
    marks: &Marks,
    bound: Bound,
    party: PartyId,
) -> Vec<(PartyId, Cause)> {
    let mut candidates: Vec<PartyId> = Vec::new();
    let holders = graph.holdings_in(party).iter().map(|&h| graph.holding(h).owner);
    let controllers = graph.controls_in(party).iter().map(|&c| graph.control(c).controller);
    for upstream in holders.chain(controllers) {
        if let Some(principals) = marks.principals.get(&upstream) {
            for &principal in principals {
                if !candidates.contains(&principal) {
                    candidates.push(principal);
                }
            }
        }
    }
    candidates
        .into_iter()
        .filter_map(|principal| {
            evaluate_pair(graph, rule, marks, bound, principal, party).map(|cause| (principal, cause))
        })
        .collect()
}

/// Propagates the pairs of `worklist` (each already in `marks`) through holdings and control
/// links until no pair is added; `on_mark` is called with each party marked for the first time.
pub(crate) fn propagate(
    graph: &OwnershipGraph,
    rule: &Rule,
    marks: &mut Marks,
    bound: Bound,
    mut worklist: Vec<(PartyId, PartyId)>,
    on_mark: &mut impl FnMut(PartyId),
) {
    while let Some((principal, party)) = worklist.pop() {
        let holdings = graph.holdings_of(party).iter().map(|h| h.owned);
        let controlled = graph.controls_of(party).iter().map(|c| c.controlled);
        for successor in holdings.chain(controlled) {
            if attributed(marks, principal, successor) {
                continue;
            }
            if let Some(cause) = evaluate_pair(graph, rule, marks, bound, principal, successor) {
                attribute(marks, principal, successor, cause, on_mark);
                worklist.push((principal, successor));
            }
        }
    }
}

/// One full pass of the UK test from the listed `seeds`.
pub(crate) fn pass(graph: &OwnershipGraph, rule: &Rule, seeds: &[PartyId], bound: Bound, marks: &mut Marks) {
    let mut worklist = Vec::with_capacity(seeds.len());
    for &seed in seeds {
        if attribute(marks, seed, seed, Cause::Seed, &mut |_| {}) {
            worklist.push((seed, seed));
        }
    }
    propagate(graph, rule, marks, bound, worklist, &mut |_| {});
}
