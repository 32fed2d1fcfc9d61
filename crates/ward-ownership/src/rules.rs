//! The three rule sets as data: the threshold, whether stakes of different holders add up, and
//! what control does.

use crate::Percent;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which authority's test of ownership and control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSet {
    /// US OFAC: 50% or more in the aggregate by blocked persons, directly or indirectly (the 2014
    /// revised guidance, FAQs 398-402); control alone does not block (FAQ 398).
    Ofac,
    /// EU: 50% or more in the aggregate (Commission best practices, July 2024), plus control.
    Eu,
    /// UK: more than 50% held by one designated person, added up only under a joint
    /// arrangement, plus control (OFSI ownership and control guidance).
    Uk,
}

/// Where a threshold lies against the stake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// The stake meets the threshold when it equals it or exceeds it.
    AtLeast,
    /// The stake meets the threshold only when it exceeds it.
    MoreThan,
}

/// Whether the stakes of different blocked holders add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    /// Stakes of all blocked holders add up (OFAC, EU).
    AllBlockedHolders,
    /// Each blocked holder alone, or the holders of one joint arrangement together (UK).
    JointArrangementOnly,
}

/// What a control edge from a blocked party does to the party it controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlEffect {
    /// Control is not part of the test.
    Ignored,
    /// The controlled party is blocked.
    Blocks,
    /// The controlled party is for review: the rule needs a judgment on the facts.
    Review,
}

/// One rule set as numbers and choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The threshold.
    pub threshold: Percent,
    /// Whether a stake equal to the threshold meets it.
    pub comparison: Comparison,
    /// Whether holders add up.
    pub aggregation: Aggregation,
    /// What a right to appoint the board does.
    pub board_appointment: ControlEffect,
    /// What other control does.
    pub other_control: ControlEffect,
}

/// The ownership threshold of all three rule sets: 50 percent.
const HALF: u32 = 50;

impl RuleSet {
    /// Every rule set.
    pub const ALL: [RuleSet; 3] = [RuleSet::Ofac, RuleSet::Eu, RuleSet::Uk];

    /// The rule set's numbers and choices.
    ///
    /// Control: the right to appoint or remove a majority of the board is named as control by
    /// itself in both the EU best practices and the UK regulations, so it blocks. Other control
    /// (agreements, de facto influence) is a case-by-case assessment under both, so it is flagged
    /// for review rather than decided here. OFAC does not block on control (FAQ 398).
    pub fn rule(self) -> Rule {
        match self {
            RuleSet::Ofac => Rule {
                threshold: Percent::whole(HALF),
                comparison: Comparison::AtLeast,
                aggregation: Aggregation::AllBlockedHolders,
                board_appointment: ControlEffect::Ignored,
                other_control: ControlEffect::Ignored,
            },
            RuleSet::Eu => Rule {
                threshold: Percent::whole(HALF),
                comparison: Comparison::AtLeast,
                aggregation: Aggregation::AllBlockedHolders,
                board_appointment: ControlEffect::Blocks,
                other_control: ControlEffect::Review,
            },
            RuleSet::Uk => Rule {
                threshold: Percent::whole(HALF),
                comparison: Comparison::MoreThan,
                aggregation: Aggregation::JointArrangementOnly,
                board_appointment: ControlEffect::Blocks,
                other_control: ControlEffect::Review,
            },
        }
    }

    /// Reads "ofac", "eu", "uk".
    pub fn parse(text: &str) -> Option<RuleSet> {
        match text.trim().to_ascii_lowercase().as_str() {
            "ofac" | "us" => Some(RuleSet::Ofac),
            "eu" => Some(RuleSet::Eu),
            "uk" | "gb" => Some(RuleSet::Uk),
            _ => None,
        }
    }

    /// The lists whose persons and entities are the rule set's seeds. OFAC's 50% rule extends
    /// blocking, so its seeds are the SDN list's; the non-SDN lists carry other restrictions.
    pub fn seed_datasets(self) -> &'static [&'static str] {
        match self {
            RuleSet::Ofac => &["us_ofac_sdn"],
            RuleSet::Eu => &["eu_fsf"],
            RuleSet::Uk => &["gb_hmt_sanctions", "gb_fcdo_sanctions"],
        }
    }

    /// The rule's name in explanations.
    pub fn title(self) -> &'static str {
        match self {
            RuleSet::Ofac => "the OFAC 50% rule",
            RuleSet::Eu => "the EU 50% rule",
            RuleSet::Uk => "the UK more-than-50% rule",
        }
    }
}

impl fmt::Display for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RuleSet::Ofac => "ofac",
            RuleSet::Eu => "eu",
            RuleSet::Uk => "uk",
        })
    }
}

impl Rule {
    /// Whether a total (in [`Percent`] units, possibly above 100% where sources overlap) meets the
    /// threshold.
    pub fn meets(&self, total_units: u64) -> bool {
        let threshold = u64::from(self.threshold.units());
        match self.comparison {
            Comparison::AtLeast => total_units >= threshold,
            Comparison::MoreThan => total_units > threshold,
        }
    }
}
