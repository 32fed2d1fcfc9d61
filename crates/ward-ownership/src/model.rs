//! The typed model of ownership and control edges: who holds how much of whom, since and until
//! when, said by which source.

use serde::{Deserialize, Serialize};
use std::fmt;
use ward_model::PartialDate;

/// A share of an entity, in [`Percent::UNITS_PER_PERCENT`] units, so that sums of stakes are
/// exact (30% + 25% is 55%, never 54.999...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Percent(u32);

impl Percent {
    /// Units in one percent: four decimals of a percentage are kept.
    pub const UNITS_PER_PERCENT: u32 = 10_000;
    /// No share.
    pub const ZERO: Percent = Percent(0);
    /// The whole entity.
    pub const FULL: Percent = Percent(100 * Percent::UNITS_PER_PERCENT);

    /// A whole number of percent (clamped to 100).
    pub fn whole(percent: u32) -> Percent {
        Percent(percent.min(100) * Percent::UNITS_PER_PERCENT).min(Percent::FULL)
    }

    /// A share from its units.
    pub fn from_units(units: u32) -> Percent {
        Percent(units.min(Percent::FULL.0))
    }

    /// The share in units.
    pub fn units(self) -> u32 {
        self.0
    }

    /// Reads a number of percent ("30", "33.3333", "12.5%"): `None` unless it is a number from 0
    /// to 100. Decimals beyond the fourth round down for a lower bound and up for an upper one
    /// ([`Rounding`]).
    pub fn parse(text: &str, rounding: Rounding) -> Option<Percent> {
        let text = text.trim().trim_end_matches('%').trim();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        if !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
        let digits = Percent::UNITS_PER_PERCENT.ilog10() as usize;
        let mut units = whole.checked_mul(u64::from(Percent::UNITS_PER_PERCENT))?;
        let kept: String = fraction.chars().chain(std::iter::repeat('0')).take(digits).collect();
        units += kept.parse::<u64>().ok()?;
        let dropped = fraction.get(digits..).unwrap_or("");
        if rounding == Rounding::Up && dropped.bytes().any(|b| b != b'0') {
            units += 1;
        }
        (units <= u64::from(Percent::FULL.0)).then_some(Percent(units as u32))
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / Percent::UNITS_PER_PERCENT;
        let fraction = self.0 % Percent::UNITS_PER_PERCENT;
        if fraction == 0 {
            return write!(f, "{whole}");
        }
        let digits = Percent::UNITS_PER_PERCENT.ilog10() as usize;
        let fraction = format!("{fraction:0digits$}");
        write!(f, "{whole}.{}", fraction.trim_end_matches('0'))
    }
}

/// Which way a percentage with more decimals than [`Percent`] keeps is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Towards zero: for the low end of a stake.
    Down,
    /// Away from zero: for the high end of a stake.
    Up,
}

/// A stake as far as it is known: the interval [low, high] of percent. A stated percentage is a
/// point, a band ("25-50", "50 to 75%") its interval, an unknown stake [0, 100]: never a guess.
/// In JSON it is written as text: "30%", "25-50%".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Stake {
    /// The least the holding can be.
    pub low: Percent,
    /// The most the holding can be.
    pub high: Percent,
}

impl Stake {
    /// A stake known exactly.
    pub fn exactly(percent: Percent) -> Stake {
        Stake { low: percent, high: percent }
    }

    /// A band; the ends are put in order.
    pub fn between(low: Percent, high: Percent) -> Stake {
        Stake { low: low.min(high), high: low.max(high) }
    }

    /// A holding of unknown size: [0, 100].
    pub fn unknown() -> Stake {
        Stake { low: Percent::ZERO, high: Percent::FULL }
    }

    /// Whether the stake is one number.
    pub fn is_exact(self) -> bool {
        self.low == self.high
    }

    /// Reads a stake as a bank writes it: empty or "unknown" ([0, 100]), "30", "30%", "25-50",
    /// "25 - 50%", "25–50", "50 to 75%". `None` for anything else.
    pub fn parse(text: &str) -> Option<Stake> {
        let text = text.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("unknown") {
            return Some(Stake::unknown());
        }
        let lowered = text.to_ascii_lowercase();
        let band = [" to ", "–", "—", "-"].iter().find_map(|separator| lowered.split_once(separator));
        match band {
            Some((low, high)) => {
                let low = Percent::parse(low, Rounding::Down)?;
                let high = Percent::parse(high, Rounding::Up)?;
                (low <= high).then_some(Stake { low, high })
            }
            None => {
                let low = Percent::parse(text, Rounding::Down)?;
                let high = Percent::parse(text, Rounding::Up)?;
                Some(Stake { low, high })
            }
        }
    }
}

impl From<Stake> for String {
    fn from(stake: Stake) -> String {
        stake.to_string()
    }
}

impl TryFrom<String> for Stake {
    type Error = String;

    fn try_from(text: String) -> Result<Stake, String> {
        Stake::parse(&text).ok_or_else(|| format!("{text:?} is not a stake: write 30%, 25-50% or 0-100%"))
    }
}

impl fmt::Display for Stake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_exact() {
            write!(f, "{}%", self.low)
        } else {
            write!(f, "{}-{}%", self.low, self.high)
        }
    }
}

/// How one party controls another without (or beyond) a share of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlKind {
    /// The right to appoint or remove a majority of the board (EU best practices on control; UK
    /// regulation 7(2)(c) of the Russia regulations and the other regimes' equivalents).
    BoardAppointment,
    /// Any other control: agreements, voting rights, de facto influence.
    Other,
}

impl ControlKind {
    /// Reads the `control` column: "board", "board appointment", "`board_appointment`", "other",
    /// "yes", "control". `None` for anything else.
    pub fn parse(text: &str) -> Option<ControlKind> {
        let words: String = text.trim().to_ascii_lowercase().replace(['_', '-'], " ");
        match words.split_whitespace().collect::<Vec<_>>().join(" ").as_str() {
            "board" | "board appointment" | "appoints board" => Some(ControlKind::BoardAppointment),
            "other" | "yes" | "control" | "other control" | "de facto" => Some(ControlKind::Other),
            _ => None,
        }
    }

    /// In words.
    pub fn describe(self) -> &'static str {
        match self {
            ControlKind::BoardAppointment => "controlled (board appointment)",
            ControlKind::Other => "controlled (other control)",
        }
    }
}

/// What an edge says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// The owner holds `stake` of the owned. Holdings into one entity that carry the same
    /// `joint_arrangement` label are held under one arrangement: the UK test adds them up.
    Ownership {
        /// How much.
        stake: Stake,
        /// The arrangement's label, if the holding is held jointly with others.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        joint_arrangement: Option<String>,
    },
    /// The owner controls the owned.
    Control(ControlKind),
}

/// One statement of ownership or control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    /// The holder or controller: a party key (a referent `dataset:record`, an identifier or a
    /// name, as the source gives it).
    pub owner: String,
    /// The held or controlled party's key.
    pub owned: String,
    /// Ownership with a stake, or control.
    pub kind: EdgeKind,
    /// Since when, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    /// Until when, if known: an edge whose end is before the as-of date does not count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    /// Where the statement comes from (a registry, a file and line, an `FtM` entity id).
    pub source: String,
}

impl Edge {
    /// Whether the edge holds on `as_of` ([`in_force`]).
    pub fn in_force(&self, as_of: PartialDate) -> bool {
        in_force(self.start, self.end, as_of)
    }
}

/// Whether a statement dated `start`..`end` holds on `as_of`: it has not started after it nor
/// ended before it. A date known only to the month or year counts for the whole month or year.
pub fn in_force(start: Option<PartialDate>, end: Option<PartialDate>, as_of: PartialDate) -> bool {
    let as_of_day = (as_of.year, as_of.month.unwrap_or(1), as_of.day.unwrap_or(1));
    let started =
        start.is_none_or(|start| (start.year, start.month.unwrap_or(1), start.day.unwrap_or(1)) <= as_of_day);
    let not_ended =
        end.is_none_or(|end| (end.year, end.month.unwrap_or(12), end.day.unwrap_or(31)) >= as_of_day);
    started && not_ended
}

/// A party as an edge file names it, with the name to show for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// The key edges use.
    pub key: String,
    /// A name to show, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Party {
    /// "Name (key)", or the key alone.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) if name != &self.key => format!("{name} ({})", self.key),
            _ => self.key.clone(),
        }
    }
}
