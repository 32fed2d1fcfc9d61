//! Scoring a matcher on the dev set: recall, recall@1, alert rate, precision, F1.
//!
//! All counts are per case, never per hit, because an analyst reviews a query's alerts as one
//! piece of work:
//! - a positive case (non-empty `expect`) is a **true positive** when some hit at or above the
//!   threshold shares a referent with `expect`; **recall** = true positives / positive cases;
//! - **recall@1**: the top hit, whatever its score, shares a referent with `expect`, over positive
//!   cases;
//! - a case **alerts** when it has any hit at or above the threshold, and **alerts falsely** when
//!   one of those hits shares no referent with `expect` (for a negative case, every alert is
//!   false);
//! - **alert rate** = negative cases that alert / negative cases; a weak-alias case's hit on the
//!   party it belongs to counts only when reached through the weak alias itself (`owner`);
//! - **precision** = cases whose alerts include the right subject (true positives) / cases that
//!   alert (positives and negatives together). A positive case that finds its subject and also
//!   raises a wrong one counts as correct here; the false alert shows in `false_alerts`;
//! - **F1** = 2PR / (P + R), and 0 when recall is 0 (even if nothing alerts).

use crate::DevCase;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write;

/// One result of a matcher: the referents of the subject it found, and its score.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The `dataset:record-id` of every record of the subject found.
    pub referents: Vec<String>,
    /// The score, higher is more alike.
    pub score: f64,
    /// Whether the best listed name it met is a weak alias.
    pub weak: bool,
}

/// Counts for a group of cases, and the rates derived from them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Metrics {
    /// Cases in the group.
    pub cases: usize,
    /// Cases that expect a hit.
    pub positives: usize,
    /// Cases that expect none.
    pub negatives: usize,
    /// Positive cases with the right subject at or above the threshold.
    pub true_positives: usize,
    /// Positive cases whose top hit is the right subject, whatever its score.
    pub top1: usize,
    /// Cases with any hit at or above the threshold.
    pub alerts: usize,
    /// Negative cases with any hit at or above the threshold.
    pub negative_alerts: usize,
    /// Cases with a hit at or above the threshold that is not the expected subject.
    pub false_alerts: usize,
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

impl Metrics {
    /// True positives / positive cases.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.true_positives, self.positives)
    }

    /// Positive cases whose top hit is right / positive cases.
    pub fn recall_at_1(&self) -> Option<f64> {
        ratio(self.top1, self.positives)
    }

    /// Negative cases that alert / negative cases.
    pub fn alert_rate(&self) -> Option<f64> {
        ratio(self.negative_alerts, self.negatives)
    }

    /// True positives / cases that alert.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.true_positives, self.alerts)
    }

    /// Harmonic mean of precision and recall; 0 where recall is 0 (also when nothing alerts, so
    /// that precision is undefined: a matcher that finds nothing scores 0, not "unknown"); none
    /// where the group has no positive case.
    pub fn f1(&self) -> Option<f64> {
        let r = self.recall()?;
        if r == 0.0 {
            return Some(0.0);
        }
        let p = self.precision()?;
        Some(if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) })
    }

    fn add(&mut self, outcome: &Outcome) {
        self.cases += 1;
        if outcome.positive {
            self.positives += 1;
        } else {
            self.negatives += 1;
        }
        self.true_positives += usize::from(outcome.found);
        self.top1 += usize::from(outcome.top1);
        self.alerts += usize::from(outcome.alert);
        self.negative_alerts += usize::from(!outcome.positive && outcome.alert);
        self.false_alerts += usize::from(outcome.false_alert);
    }
}

/// The metrics of one run at one threshold: overall and by category, script and kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The score at or above which a hit is an alert.
    pub threshold: f64,
    /// All cases.
    pub overall: Metrics,
    /// By case category (`alias`, `perturbation:typo`, ...).
    pub by_category: BTreeMap<String, Metrics>,
    /// By script of the query name.
    pub by_script: BTreeMap<String, Metrics>,
    /// By kind of party.
    pub by_kind: BTreeMap<String, Metrics>,
}

/// What happened on one case at one threshold.
struct Outcome {
    positive: bool,
    found: bool,
    top1: bool,
    alert: bool,
    false_alert: bool,
}

/// Whether a hit counts for a case at all: the owner of a weak alias (`DevCase::owner`), met
/// through its strong names, is neither right nor wrong.
pub fn counts(case: &DevCase, hit: &Hit) -> bool {
    hit.weak || !shares(hit, &case.owner)
}

fn shares(hit: &Hit, expect: &[String]) -> bool {
    hit.referents.iter().any(|r| expect.contains(r))
}

fn outcome(case: &DevCase, hits: &[Hit], threshold: f64) -> Outcome {
    // Callers promise hits sorted by score, but a maximum is cheap and makes the top hit right
    // even for a matcher that forgets.
    let top = hits.iter().max_by(|a, b| a.score.total_cmp(&b.score));
    let alerting = || hits.iter().filter(|h| counts(case, h)).filter(|h| h.score >= threshold);
    Outcome {
        positive: case.is_positive(),
        found: case.is_positive() && alerting().any(|h| shares(h, &case.expect)),
        top1: case.is_positive() && top.is_some_and(|h| shares(h, &case.expect)),
        alert: alerting().next().is_some(),
        false_alert: alerting().any(|h| !shares(h, &case.expect)),
    }
}

impl Report {
    /// Scores `results` (one list of hits per case, in the order of `cases`) at `threshold`.
    pub fn compute(cases: &[DevCase], results: &[Vec<Hit>], threshold: f64) -> Report {
        assert_eq!(cases.len(), results.len(), "one result per case");
        let mut report = Report {
            threshold,
            overall: Metrics::default(),
            by_category: BTreeMap::new(),
            by_script: BTreeMap::new(),
            by_kind: BTreeMap::new(),
        };
        for (case, hits) in cases.iter().zip(results) {
            let outcome = outcome(case, hits, threshold);
            report.overall.add(&outcome);
            report.by_category.entry(case.category.clone()).or_default().add(&outcome);
            report.by_script.entry(case.script.clone()).or_default().add(&outcome);
            report.by_kind.entry(case.kind.clone()).or_default().add(&outcome);
        }
        report
    }

    /// An aligned text table: the overall line, then one line per category, script and kind.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "threshold {:.3}", self.threshold);
        let _ = writeln!(
            out,
            "{:<38} {:>6} {:>6} {:>6} {:>7} {:>9} {:>10} {:>9} {:>6} {:>8}",
            "group", "cases", "pos", "neg", "recall", "recall@1", "alert-neg", "precision", "F1", "false-al"
        );
        let mut line = |label: &str, m: &Metrics| {
            let _ = writeln!(
                out,
                "{:<38} {:>6} {:>6} {:>6} {:>7} {:>9} {:>10} {:>9} {:>6} {:>8}",
                label,
                m.cases,
                m.positives,
                m.negatives,
                pct(m.recall()),
                pct(m.recall_at_1()),
                pct(m.alert_rate()),
                pct(m.precision()),
                pct(m.f1()),
                m.false_alerts
            );
        };
        line("all", &self.overall);
        for (title, groups) in
            [("category", &self.by_category), ("script", &self.by_script), ("kind", &self.by_kind)]
        {
            for (name, m) in groups {
                line(&format!("{title}: {name}"), m);
            }
        }
        out
    }
}

/// A rate as a percentage with one decimal, or `-` where it is undefined.
fn pct(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |v| format!("{:.1}", v * 100.0))
}

/// Runs `run` on every case, in parallel, and sorts each case's hits by score, highest first.
pub fn run_all(cases: &[DevCase], run: impl Fn(&DevCase) -> Vec<Hit> + Sync) -> Vec<Vec<Hit>> {
    cases
        .par_iter()
        .map(|case| {
            let mut hits = run(case);
            hits.sort_by(|a, b| b.score.total_cmp(&a.score));
            hits
        })
        .collect()
}

/// Runs a matcher over the cases (in parallel) and scores it at `threshold`. `run` should
/// return the hits for one case sorted by score, highest first; they are sorted again anyway.
pub fn evaluate(cases: &[DevCase], threshold: f64, run: impl Fn(&DevCase) -> Vec<Hit> + Sync) -> Report {
    Report::compute(cases, &run_all(cases, run), threshold)
}

/// Scores one run at many thresholds. Run the matcher once with its own cut-off at 0 (keeping
/// every score, with [`run_all`]), then choose the default threshold from the reports.
pub fn threshold_sweep(cases: &[DevCase], results: &[Vec<Hit>], thresholds: &[f64]) -> Vec<Report> {
    thresholds.iter().map(|&t| Report::compute(cases, results, t)).collect()
}

impl Report {
    /// One line of a sweep table: threshold, recall, alert rate on negatives, precision, F1.
    pub fn sweep_line(&self) -> String {
        let m = &self.overall;
        format!(
            "{:>9.3} {:>7} {:>9} {:>10} {:>9} {:>6}",
            self.threshold,
            pct(m.recall()),
            pct(m.recall_at_1()),
            pct(m.alert_rate()),
            pct(m.precision()),
            pct(m.f1())
        )
    }

    /// The header for [`Report::sweep_line`].
    pub fn sweep_header() -> String {
        format!(
            "{:>9} {:>7} {:>9} {:>10} {:>9} {:>6}",
            "threshold", "recall", "recall@1", "alert-neg", "precision", "F1"
        )
    }
}
