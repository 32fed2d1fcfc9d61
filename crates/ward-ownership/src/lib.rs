//! Ownership and control: the parties that sanctions reach without naming them.
//!
//! A company owned 50% or more, in the aggregate, by blocked persons is itself blocked under the
//! OFAC 50% rule, listed or not; the EU adds up stakes the same way and adds control; the UK
//! counts more than 50% held by one designated person (added up only under a joint
//! arrangement), plus control. This crate computes the three tests over a graph of ownership and
//! control [`Edge`]s to a fixed point, cycles included, with the proof of each result.
//!
//! Main types: [`Edge`] (owner, owned, a [`Stake`] interval or a [`ControlKind`], dates,
//! source), [`GraphBuilder`] → [`OwnershipGraph`] (the edges in force on one date),
//! [`RuleSet`] (OFAC, EU, UK as a [`Rule`]), [`compute`] → [`Outcome`] (a [`Status`] per party,
//! a [`Finding`] and paths per derived result). Readers of a bank's CSV and of `FtM` `Ownership`
//! entities are in [`read`]; tying their parties to listed subjects in [`tie`]; derived results
//! as screening subjects in [`derived`].
//!
//! Stakes are intervals: an unknown stake is [0, 100], never a guess. Each rule set runs twice,
//! on the low and on the high ends; a party blocked on the low ends is blocked, one blocked only
//! on the high ends is for review ([`Status::Review`]).
//!
//! This crate does no I/O: readers take text.
//!
//! ```
//! use ward_ownership::{compute, Edge, EdgeKind, GraphBuilder, Percent, RuleSet, Stake, Status};
//! let holding = |owner: &str, owned: &str, percent| Edge {
//!     owner: owner.into(),
//!     owned: owned.into(),
//!     kind: EdgeKind::Ownership { stake: Stake::exactly(Percent::whole(percent)), joint_arrangement: None },
//!     start: None,
//!     end: None,
//!     source: "example".into(),
//! };
//! let mut builder = GraphBuilder::new();
//! builder.add(&holding("us_ofac_sdn:31492", "holding", 60));
//! builder.add(&holding("holding", "operating", 50));
//! let graph = builder.build(ward_model::PartialDate::parse_iso("2026-01-01").unwrap());
//! let seeds = [graph.find("us_ofac_sdn:31492").unwrap()];
//! let outcome = compute(&graph, &seeds, RuleSet::Ofac);
//! let operating = graph.find("operating").unwrap();
//! assert_eq!(outcome.status(operating), Status::Blocked);
//! assert_eq!(outcome.paths(operating)[0].len(), 3);
//! ```

mod attribution;
mod compute;
pub mod derived;
mod graph;
mod incremental;
mod model;
pub mod read;
mod rules;
pub mod synthetic;
pub mod tie;

pub use compute::{compute, Basis, Contribution, Finding, FixedPoint, Outcome, Status, Step, MAX_PATHS};
pub use graph::{
    Arrangement, ArrangementId, ControlId, ControlLink, EdgeId, GraphBuilder, Holding, HoldingId,
    OwnershipGraph, PartyId,
};
pub use incremental::StatusChange;
pub use model::{in_force, ControlKind, Edge, EdgeKind, Party, Percent, Rounding, Stake};
pub use rules::{Aggregation, Comparison, ControlEffect, Rule, RuleSet};

#[cfg(test)]
mod tests;
