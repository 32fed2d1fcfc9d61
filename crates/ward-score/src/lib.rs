//! Ward's pairwise scorer: how likely a query is a listed subject, in [0, 1], and why.
//!
//! - [`Weights`]: every number of the scorer, and the bounds the index derives from them.
//! - [`Rarity`]: token document frequencies, so rare words carry a match and common ones don't.
//! - [`PreparedName`], [`PreparedQuery`], [`PreparedSubject`]: inputs compiled for scoring.
//! - [`match_names`]: name against name, order-free, with joined words, synonyms, phonetic
//!   and spelling similarity, and penalties for unmatched words.
//! - [`compare`]: query against subject, adding identifiers, birth dates, countries, gender and
//!   entity kind, and the weak-alias cap; returns a [`Comparison`] with [`Explanation`]s.
//!
//! Nothing here does I/O or can fail.
#![warn(clippy::cast_possible_truncation)]

mod align;
mod calibration;
mod compare;
mod prepare;
mod rarity;
mod weights;

pub use align::{
    coverage_factor, match_names, name_score, stands_for_with_family, within_one_edit, How, Missing,
    NameMatch, Span, Unit,
};
pub use calibration::{Calibration, CALIBRATION_HEADER};
pub use compare::{
    compare, compare_ranked, max_bonus, rank_names, Comparison, Explanation, Factor, Ranking, ScoreConfig,
};
pub use prepare::{
    fold_identifier, hint_for, normalize_subject, Interner, PairFilter, PreparedName, PreparedPair,
    PreparedQuery, PreparedSubject, PreparedToken, Query, Spelling, SubjectName, Summary, MAX_TOKENS,
};
pub use rarity::Rarity;
pub use weights::Weights;
