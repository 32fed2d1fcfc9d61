//! Ward's evaluation: a labelled dev set drawn from the real lists, and the metrics that score a
//! matcher on it.
//!
//! The dev set ([`DevCase`], one JSON object per line in `testdata/eval/dev.jsonl`) is built by
//! [`generate`] from the linked subjects of a list snapshot with a fixed seed: aliases,
//! original-script names, the same party named differently by two lists, realistic perturbations
//! of primary names, plausible names that are not listed, and weak aliases (which must never
//! alert by themselves). [`evaluate`] runs a matcher over the cases in parallel and gives a
//! [`Report`]: recall at the threshold, recall@1, the alert rate on non-listed names, precision
//! and F1, broken down by category, script and entity kind. [`threshold_sweep`] scores one run
//! (made at threshold 0) at many thresholds, to choose a default.
//!
//! This crate knows nothing of the matching engine: a matcher is any `Fn(&DevCase) -> Vec<Hit>`.
//!
//! ```
//! use ward_eval::{evaluate, DevCase, DevQuery, Hit};
//! let case = DevCase {
//!     id: "alias/0".into(),
//!     query: DevQuery { name: "Osama bin Laden".into(), ..DevQuery::default() },
//!     expect: vec!["un_sc_sanctions:QDi.001".into()],
//!     category: "alias".into(),
//!     script: "latin".into(),
//!     kind: "person".into(),
//!     owner: Vec::new(),
//! };
//! let report = evaluate(&[case], 0.7, |_| {
//!     vec![Hit { referents: vec!["un_sc_sanctions:QDi.001".into()], score: 0.9, weak: false }]
//! });
//! assert_eq!(report.overall.recall(), Some(1.0));
//! ```

mod generate;
mod hard_cases;
mod isotonic;
mod metrics;
mod mine;
mod pairs;
mod pairwise;
mod rng;
mod script;

#[cfg(test)]
mod pairs_tests;
#[cfg(test)]
mod tests;

pub use generate::{generate, name_tokens, NameIndex};
pub use hard_cases::{
    hard_cases_from_tsv, hard_cases_to_tsv, CaseStatus, Expect, HardCase, HARD_CASES_HEADER,
};
pub use isotonic::{isotonic_fit, isotonic_value, IsotonicStep};
pub use metrics::{counts, evaluate, run_all, threshold_sweep, Hit, Metrics, Report};
pub use mine::{mine_pairs, MinedPairs, PAIRS_SEED};
pub use pairs::{pairs_from_tsv, pairs_to_tsv, Label, NamePair, PairCategory, PAIRS_HEADER};
pub use pairwise::{
    calibration_table, expected_calibration_error, roc_auc, CalibrationBin, PairMetrics, PairReport,
    CALIBRATION_BINS,
};
pub use rng::Rng;
pub use script::{detect_script, SCRIPTS};

use serde::{Deserialize, Serialize};

/// The seed the committed dev set was generated with.
pub const DEV_SEED: u64 = 20261126;

/// What a screening request would carry: a name and, sometimes, facts about the party.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevQuery {
    /// The name as a customer record would give it.
    pub name: String,
    /// `FtM` schema of the party screened (`Person`, `Company`, `Organization`, `Vessel`,
    /// `Airplane`, `LegalEntity`), if the query says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Date of birth (ISO 8601, here a year), if the query gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Nationality or country (alpha-2), if the query gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// One labelled case of the dev set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevCase {
    /// Stable id: `category/number`.
    pub id: String,
    /// The query.
    pub query: DevQuery,
    /// The referents (`dataset:record-id`) of the subject the matcher must find; a hit on any of
    /// them finds it. Empty: the query names no listed party and must not alert.
    pub expect: Vec<String>,
    /// How the case was made: `alias`, `original-script`, `cross-list`, `perturbation:<kind>`,
    /// `negative:<kind>`, `weak-alias`.
    pub category: String,
    /// The script of the query name, one of [`SCRIPTS`].
    pub script: String,
    /// The kind of party: person, organization, vessel, aircraft.
    pub kind: String,
    /// For a negative case made from a listed party's weak alias: that party's referents. An
    /// alert on it reached through its other, strong names is right (the query is also a
    /// fair spelling of one of them) and is not counted; one reached through the weak alias
    /// itself is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owner: Vec<String>,
}

impl DevCase {
    /// Whether the case expects a hit.
    pub fn is_positive(&self) -> bool {
        !self.expect.is_empty()
    }
}

/// Writes cases as JSON lines.
pub fn to_jsonl(cases: &[DevCase]) -> String {
    let mut out = String::new();
    for case in cases {
        // A DevCase is strings and options only; serialising it cannot fail.
        out.push_str(&serde_json::to_string(case).expect("a DevCase serialises"));
        out.push('\n');
    }
    out
}

/// Reads cases from JSON lines, skipping blank lines. The error names the line.
pub fn from_jsonl(text: &str) -> Result<Vec<DevCase>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| serde_json::from_str(line).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}
