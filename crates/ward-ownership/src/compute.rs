//! The fixed point: from the listed seeds, every party blocked by ownership or control under
//! one rule set, computed twice (on the low and on the high ends of the stakes), and the proof
//! of each result.

use crate::attribution;
use crate::graph::{ArrangementId, ControlId, HoldingId, OwnershipGraph, PartyId};
use crate::rules::{Aggregation, ControlEffect, Rule, RuleSet};
use crate::{ControlKind, Percent, Stake};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;

/// What a rule set says of one party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Listed: one of the seeds.
    Listed,
    /// Blocked by ownership or control on the low ends of the stakes: certain.
    Blocked,
    /// Blocked on the high ends of the stakes (or by control that needs a judgment) but not
    /// on the low ends: for review.
    Review,
    /// Not blocked even on the high ends of the stakes.
    NotBlocked,
}

/// Why a party was marked in one pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cause {
    Unmarked,
    Seed,
    /// Holdings of marked owners added up to the threshold.
    Aggregate,
    /// One holding met the threshold by itself.
    Holding(HoldingId),
    /// The holdings of a joint arrangement with a marked holder met it together.
    Arrangement(ArrangementId),
    /// A marked party controls it.
    Control(ControlId),
    /// Under the UK test, the holdings of the designated person and of the entities attributed
    /// to it (those it owns or controls) met the threshold together.
    Attributed(PartyId),
}

/// Which end of the stakes a pass adds up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    Low,
    High,
}

impl Bound {
    pub(crate) fn of(self, stake: Stake) -> u64 {
        u64::from(match self {
            Bound::Low => stake.low.units(),
            Bound::High => stake.high.units(),
        })
    }
}

/// The parties one pass marked: the order in which they were marked (a rank per party) and
/// why.
///
/// Invariant: the holders and controllers that prove a party's mark were marked before it (have
/// a lower rank). The incremental update ([`crate::FixedPoint`]) relies on it to find what a
/// change can invalidate, and [`Outcome::paths`] to follow proofs without looping.
#[derive(Debug, Clone)]
pub(crate) struct Marks {
    pub(crate) rank: Vec<u32>,
    pub(crate) cause: Vec<Cause>,
    /// The rank the next marked party gets: above every rank given so far.
    pub(crate) next_rank: u32,
    /// Under the UK test, the designated persons each marked party is attributed to (see
    /// `attribution.rs`); empty under the other tests.
    pub(crate) principals: HashMap<PartyId, Vec<PartyId>>,
}

pub(crate) const UNMARKED: u32 = u32::MAX;

impl Marks {
    pub(crate) fn marked(&self, party: PartyId) -> bool {
        self.rank[party as usize] != UNMARKED
    }

    pub(crate) fn before(&self, first: PartyId, second: PartyId) -> bool {
        self.rank[first as usize] < self.rank[second as usize]
    }

    /// Marks `party` with the next rank, if it is not marked yet; returns whether it was new.
    pub(crate) fn mark(&mut self, party: PartyId, cause: Cause) -> bool {
        if self.marked(party) {
            return false;
        }
        assert!(self.next_rank < UNMARKED, "fewer than 2^32 - 1 marks between renumberings");
        self.rank[party as usize] = self.next_rank;
        self.cause[party as usize] = cause;
        self.next_rank += 1;
        true
    }

    pub(crate) fn unmark(&mut self, party: PartyId) {
        self.rank[party as usize] = UNMARKED;
        self.cause[party as usize] = Cause::Unmarked;
        self.principals.remove(&party);
    }

    /// No party marked.
    pub(crate) fn empty(n_parties: usize, next_rank: u32) -> Marks {
        Marks {
            rank: vec![UNMARKED; n_parties],
            cause: vec![Cause::Unmarked; n_parties],
            next_rank,
            principals: HashMap::new(),
        }
    }
}

/// Marks the seeds, then every party the rule reaches from them, each once (a worklist over
/// the holdings and control links of each newly marked party: linear in the graph's size). The
/// UK test, which attributes holdings to designated persons, is in `attribution.rs`.
fn pass(graph: &OwnershipGraph, rule: &Rule, seeds: &[PartyId], bound: Bound) -> Marks {
    let n_parties = graph.parties().len();
    let mut marks = Marks::empty(n_parties, 0);
    if rule.aggregation == Aggregation::JointArrangementOnly {
        attribution::pass(graph, rule, seeds, bound, &mut marks);
        return marks;
    }
    let mut totals: Vec<u64> = vec![0; n_parties];
    let mut order: Vec<PartyId> = Vec::new();
    let mark = |marks: &mut Marks, order: &mut Vec<PartyId>, party: PartyId, cause: Cause| {
        if marks.mark(party, cause) {
            order.push(party);
        }
    };
    for &seed in seeds {
        mark(&mut marks, &mut order, seed, Cause::Seed);
    }
    let mut next = 0;
    while next < order.len() {
        let party = order[next];
        next += 1;
        for holding in graph.holdings_of(party) {
            let owned = holding.owned;
            if marks.marked(owned) {
                continue;
            }
            totals[owned as usize] += bound.of(holding.stake);
            if rule.meets(totals[owned as usize]) {
                mark(&mut marks, &mut order, owned, Cause::Aggregate);
            }
        }
        let first_control = graph.first_control_of(party);
        for (offset, control) in graph.controls_of(party).iter().enumerate() {
            if control_reaches(rule, control.kind, bound) {
                mark(
                    &mut marks,
                    &mut order,
                    control.controlled,
                    Cause::Control(first_control + offset as u32),
                );
            }
        }
    }
    marks
}

pub(crate) fn control_effect(rule: &Rule, kind: ControlKind) -> ControlEffect {
    match kind {
        ControlKind::BoardAppointment => rule.board_appointment,
        ControlKind::Other => rule.other_control,
    }
}

/// Whether control of this kind marks the controlled party in a pass: control that blocks in
/// both, control for review only in the pass on the high ends.
pub(crate) fn control_reaches(rule: &Rule, kind: ControlKind, bound: Bound) -> bool {
    match control_effect(rule, kind) {
        ControlEffect::Ignored => false,
        ControlEffect::Blocks => true,
        ControlEffect::Review => bound == Bound::High,
    }
}

/// The fixed point of one rule set, without its graph: both passes' marks. Kept between
/// changes, it is updated in place by [`FixedPoint::change_seeds`] and carried to a new graph
/// by [`FixedPoint::rebase`] (see `incremental.rs`).
#[derive(Debug, Clone)]
pub struct FixedPoint {
    pub(crate) rules: RuleSet,
    /// The pass on the low ends of the stakes.
    pub(crate) certain: Marks,
    /// The pass on the high ends of the stakes.
    pub(crate) possible: Marks,
}

impl FixedPoint {
    /// Computes the fixed point of `rules` over `graph` from the listed `seeds`, every party
    /// from scratch.
    pub fn compute(graph: &OwnershipGraph, seeds: &[PartyId], rules: RuleSet) -> FixedPoint {
        let rule = rules.rule();
        FixedPoint {
            rules,
            certain: pass(graph, &rule, seeds, Bound::Low),
            possible: pass(graph, &rule, seeds, Bound::High),
        }
    }

    /// The rule set.
    pub fn rules(&self) -> RuleSet {
        self.rules
    }

    /// The number of parties it holds a result for: that of the graph it was computed on.
    pub fn n_parties(&self) -> usize {
        self.certain.rank.len()
    }

    /// Its results read with `graph`, which must be the graph it was computed on (or last
    /// changed or rebased on).
    pub fn outcome<'graph>(&'graph self, graph: &'graph OwnershipGraph) -> Outcome<'graph> {
        assert_eq!(self.n_parties(), graph.parties().len(), "a fixed point is read with its own graph");
        Outcome { graph, fixed: Cow::Borrowed(self) }
    }

    /// What the rule set says of `party`.
    pub fn status(&self, party: PartyId) -> Status {
        status_of(self.certain.cause[party as usize], self.possible.marked(party))
    }
}

/// A party's status from its cause in the pass on the low ends and whether the pass on the high
/// ends marked it.
pub(crate) fn status_of(certain: Cause, possibly_marked: bool) -> Status {
    match certain {
        Cause::Seed => Status::Listed,
        Cause::Unmarked if possibly_marked => Status::Review,
        Cause::Unmarked => Status::NotBlocked,
        _ => Status::Blocked,
    }
}

/// The result of one rule set over one graph.
#[derive(Debug)]
pub struct Outcome<'graph> {
    graph: &'graph OwnershipGraph,
    fixed: Cow<'graph, FixedPoint>,
}

/// Computes the fixed point of `rules` over `graph` from the listed `seeds`.
pub fn compute<'graph>(graph: &'graph OwnershipGraph, seeds: &[PartyId], rules: RuleSet) -> Outcome<'graph> {
    Outcome { graph, fixed: Cow::Owned(FixedPoint::compute(graph, seeds, rules)) }
}

/// One holder's part in a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contribution {
    /// The holder or controller.
    pub owner: PartyId,
    /// Its status under the rule set.
    pub owner_status: Status,
    /// The stake it holds; `None` for control.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stake: Option<Stake>,
    /// The control, for a control link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<ControlKind>,
    /// The sources of the edges.
    pub sources: Vec<String>,
}

/// How a derived result was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Basis {
    /// Stakes of blocked holders added up.
    Aggregate,
    /// One blocked holder's stake alone.
    SingleHolder,
    /// The holdings of a joint arrangement with a blocked holder.
    JointArrangement {
        /// The arrangement's label.
        label: String,
    },
    /// Control by a blocked party.
    Control,
    /// Under the UK test, the stakes held by one designated person directly and through the
    /// entities it owns or controls, added up.
    Attributed {
        /// The designated person the stakes are attributed to.
        principal: PartyId,
    },
}

/// A derived result and its proof, one step deep: the holders (or the controller) that make it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The party.
    pub party: PartyId,
    /// Blocked or for review.
    pub status: Status,
    /// How.
    pub basis: Basis,
    /// The holders that count, largest stake first.
    pub contributions: Vec<Contribution>,
    /// The stakes added up, as an interval; `None` for control.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<Stake>,
    /// In words.
    pub explanation: String,
}

/// One step of a path: a party and how it holds the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The party.
    pub party: PartyId,
    /// Its stake in the next party of the path (`None` for control or for the last party).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stake: Option<Stake>,
    /// Its control of the next party, for a control link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<ControlKind>,
}

/// The most paths [`Outcome::paths`] lists for one party: a dense graph has exponentially many.
pub const MAX_PATHS: usize = 64;

impl<'graph> Outcome<'graph> {
    /// The rule set.
    pub fn rules(&self) -> RuleSet {
        self.fixed.rules
    }

    /// The fixed point, to keep for incremental updates.
    pub fn into_fixed_point(self) -> FixedPoint {
        self.fixed.into_owned()
    }

    /// The graph.
    pub fn graph(&self) -> &'graph OwnershipGraph {
        self.graph
    }

    /// What the rule set says of `party`.
    pub fn status(&self, party: PartyId) -> Status {
        self.fixed.status(party)
    }

    /// The parties blocked or for review without being listed, in the order they were found.
    pub fn derived(&self) -> Vec<PartyId> {
        let mut derived: Vec<PartyId> = (0..self.graph.parties().len() as u32)
            .filter(|&p| matches!(self.status(p), Status::Blocked | Status::Review))
            .collect();
        derived.sort_by_key(|&p| (self.status(p) == Status::Review, self.marks_for(p).rank[p as usize]));
        derived
    }

    fn marks_for(&self, party: PartyId) -> &Marks {
        match self.status(party) {
            Status::Review => &self.fixed.possible,
            _ => &self.fixed.certain,
        }
    }

    /// The proof of a derived result, one step deep; `None` for a listed party or one that is
    /// not blocked.
    pub fn finding(&self, party: PartyId) -> Option<Finding> {
        let status = self.status(party);
        if !matches!(status, Status::Blocked | Status::Review) {
            return None;
        }
        let marks = self.marks_for(party);
        let graph = self.graph;
        let holding_contribution = |holding: HoldingId| {
            let holding = graph.holding(holding);
            Contribution {
                owner: holding.owner,
                owner_status: self.status(holding.owner),
                stake: Some(holding.stake),
                control: None,
                sources: graph.holding_edges(holding).iter().map(|&e| graph.source(e).to_string()).collect(),
            }
        };
        let (basis, mut contributions) = match marks.cause[party as usize] {
            Cause::Aggregate => (
                Basis::Aggregate,
                graph
                    .holdings_in(party)
                    .iter()
                    .filter(|&&h| marks.before(graph.holding(h).owner, party))
                    .map(|&h| holding_contribution(h))
                    .collect::<Vec<_>>(),
            ),
            Cause::Holding(holding) => (Basis::SingleHolder, vec![holding_contribution(holding)]),
            Cause::Attributed(principal) => (
                Basis::Attributed { principal },
                graph
                    .holdings_in(party)
                    .iter()
                    .filter(|&&h| attribution::attributed(marks, principal, graph.holding(h).owner))
                    .map(|&h| holding_contribution(h))
                    .collect(),
            ),
            Cause::Arrangement(arrangement) => {
                let joint = graph.arrangement(arrangement);
                (
                    Basis::JointArrangement { label: joint.label.clone() },
                    joint.holdings.iter().map(|&h| holding_contribution(h)).collect(),
                )
            }
            Cause::Control(control) => {
                let link = graph.control(control);
                let contribution = Contribution {
                    owner: link.controller,
                    owner_status: self.status(link.controller),
                    stake: None,
                    control: Some(link.kind),
                    sources: vec![graph.source(link.edge).to_string()],
                };
                (Basis::Control, vec![contribution])
            }
            Cause::Seed | Cause::Unmarked => unreachable!("a derived party was marked by a rule"),
        };
        contributions
            .sort_by(|a, b| b.stake.map(|s| s.low).cmp(&a.stake.map(|s| s.low)).then(a.owner.cmp(&b.owner)));
        let total = (basis != Basis::Control).then(|| {
            let (low, high) =
                contributions.iter().filter_map(|c| c.stake).fold((0u64, 0u64), |(low, high), s| {
                    (low + u64::from(s.low.units()), high + u64::from(s.high.units()))
                });
            let clamp = |units: u64| Percent::from_units(u32::try_from(units).unwrap_or(u32::MAX));
            Stake::between(clamp(low), clamp(high))
        });
        let explanation = self.explain(status, &basis, &contributions, total);
        Some(Finding { party, status, basis, contributions, total, explanation })
    }

    fn explain(
        &self,
        status: Status,
        basis: &Basis,
        contributions: &[Contribution],
        total: Option<Stake>,
    ) -> String {
        let graph = self.graph;
        let holder = |c: &Contribution| {
            let mut text = graph.party(c.owner).label();
            match c.owner_status {
                Status::Blocked => text.push_str(", itself blocked"),
                Status::Review => text.push_str(", itself for review"),
                Status::NotBlocked => text.push_str(", not blocked"),
                Status::Listed => {}
            }
            text
        };
        let parts: Vec<String> = contributions
            .iter()
            .map(|c| match (c.stake, c.control) {
                (_, Some(kind)) => format!("{} by {}", kind.describe(), holder(c)),
                (Some(stake), None) => format!("{stake} by {}", holder(c)),
                (None, None) => holder(c),
            })
            .collect();
        let listed = join_words(&parts);
        let rule = self.fixed.rules.title();
        let mut text = match basis {
            Basis::Aggregate => {
                format!(
                    "owned {listed}, {} in the aggregate under {rule}",
                    total.unwrap_or_else(Stake::unknown)
                )
            }
            Basis::SingleHolder => format!(
                "owned {listed}, more than {}% held by one designated person under {rule}",
                self.fixed.rules.rule().threshold
            ),
            Basis::JointArrangement { label } => format!(
                "owned {listed} under joint arrangement \"{label}\", {} held jointly under {rule}",
                total.unwrap_or_else(Stake::unknown)
            ),
            Basis::Control => format!("{listed} under {rule}"),
            Basis::Attributed { principal } => format!(
                "owned {listed}, {} held by {principal} directly or through entities it owns or controls, under {rule}",
                total.unwrap_or_else(Stake::unknown),
                principal = graph.party(*principal).label(),
            ),
        };
        if status == Status::Review {
            text.push_str(": for review (");
            text.push_str(match basis {
                Basis::Control => "control other than board appointment needs an assessment of the facts",
                _ => "the threshold is met only at the high ends of the stakes, or through a holder itself for review",
            });
            text.push(')');
        }
        text
    }

    /// The paths from listed parties to `party` that prove its result: each path starts at a
    /// listed party and ends at `party`; at most [`MAX_PATHS`].
    pub fn paths(&self, party: PartyId) -> Vec<Vec<Step>> {
        let mut paths = Vec::new();
        self.collect_paths(party, &mut Vec::new(), &mut paths);
        paths
    }

    fn collect_paths(&self, party: PartyId, suffix: &mut Vec<Step>, paths: &mut Vec<Vec<Step>>) {
        if paths.len() >= MAX_PATHS {
            return;
        }
        let step_here = |stake, control| Step { party, stake, control };
        match self.status(party) {
            Status::Listed => {
                let mut path = vec![step_here(None, None)];
                path.extend(suffix.iter().rev().cloned());
                // The first step's stake is its hold on the second party, carried on the suffix.
                paths.push(shift_stakes(path));
            }
            Status::Blocked | Status::Review => {
                let Some(finding) = self.finding(party) else { return };
                for contribution in &finding.contributions {
                    // Only holders marked before the party prove it: holders of a joint
                    // arrangement that are not blocked, or blocked only through the party
                    // itself, are not a path to it.
                    if !self.marks_for(party).before(contribution.owner, party) {
                        continue;
                    }
                    suffix.push(Step { party, stake: contribution.stake, control: contribution.control });
                    self.collect_paths(contribution.owner, suffix, paths);
                    suffix.pop();
                }
            }
            Status::NotBlocked => {}
        }
    }

    /// A path in words: "WANG, Junzheng (`us_ofac_sdn:31492`) -60%-> HOLDING (h) -50%-> OPCO (o)".
    pub fn describe_path(&self, path: &[Step]) -> String {
        let mut text = String::new();
        for step in path {
            text.push_str(&self.graph.party(step.party).label());
            match (step.stake, step.control) {
                (_, Some(kind)) => text.push_str(&format!(" -{}-> ", kind.describe())),
                (Some(stake), None) => text.push_str(&format!(" -{stake}-> ")),
                (None, None) => {}
            }
        }
        text
    }
}

/// Turns steps that carry the stake held *in* their party into steps that carry the stake their
/// party holds in the next one.
fn shift_stakes(path: Vec<Step>) -> Vec<Step> {
    let mut shifted: Vec<Step> = Vec::with_capacity(path.len());
    for (index, step) in path.iter().enumerate() {
        let next = path.get(index + 1);
        shifted.push(Step {
            party: step.party,
            stake: next.and_then(|n| n.stake),
            control: next.and_then(|n| n.control),
        });
    }
    shifted
}

/// "a", "a and b", "a, b and c".
fn join_words(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
