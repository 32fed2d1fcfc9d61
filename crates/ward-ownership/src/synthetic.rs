//! A seeded synthetic registry for benchmarks: companies whose holders are drawn with a
//! power-law skew (a few groups hold many companies, most hold one), so that chains, fan-outs
//! and cycles occur as in real registries.

use crate::{GraphBuilder, OwnershipGraph, PartyId, Percent, Stake};
use ward_model::PartialDate;

/// The shape of a synthetic registry.
#[derive(Debug, Clone, Copy)]
pub struct RegistryShape {
    /// Parties (companies and persons).
    pub parties: u32,
    /// Holdings.
    pub holdings: u32,
    /// Listed parties: the first `seeds` parties, which are also the most connected.
    pub seeds: u32,
    /// The random seed.
    pub random_seed: u64,
}

/// `SplitMix64`: a small, seedable generator with good statistical quality for this use.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The exponent that skews holder choice: holder index = parties * u^SKEW, so low indices hold
/// many companies (a power law in the number of holdings).
const SKEW: i32 = 3;

/// Stakes drawn for synthetic holdings, in whole percent, with bands and unknowns among them.
const STAKES: &[(u32, u32)] = &[
    (100, 100),
    (51, 51),
    (50, 50),
    (49, 49),
    (30, 30),
    (25, 25),
    (20, 20),
    (10, 10),
    (5, 5),
    (25, 50),
    (0, 100),
];

/// Builds the registry: its graph (undated edges) and its seeds.
pub fn power_law_registry(shape: RegistryShape) -> (OwnershipGraph, Vec<PartyId>) {
    let mut random = SplitMix(shape.random_seed);
    let mut builder = GraphBuilder::new();
    for party in 0..shape.parties {
        builder.party(&party.to_string());
    }
    let parties = f64::from(shape.parties);
    for _ in 0..shape.holdings {
        let owner = ((parties * random.unit().powi(SKEW)) as u32).min(shape.parties - 1);
        let owned = (random.next() % u64::from(shape.parties)) as u32;
        let (low, high) = STAKES[(random.next() % STAKES.len() as u64) as usize];
        builder.add_holding(owner, owned, Stake::between(Percent::whole(low), Percent::whole(high)));
    }
    let as_of = PartialDate::new(2026, Some(1), Some(1)).expect("a valid date");
    (builder.build(as_of), (0..shape.seeds.min(shape.parties)).collect())
}
