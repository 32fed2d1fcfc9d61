//! Metrics of a scorer on labelled name pairs: ROC AUC, precision, recall and F1 at a threshold,
//! and a calibration table with its expected calibration error, overall and by category and
//! script.

use crate::{Label, NamePair};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Equal-width score bins of the calibration table, over [0, 1].
pub const CALIBRATION_BINS: usize = 10;

/// The area under the ROC curve: the chance that a random `Same` pair scores above a random
/// `Different` pair, ties counting one half (the Mann-Whitney statistic from average ranks).
/// `None` unless both labels occur.
pub fn roc_auc(scored: &[(f64, Label)]) -> Option<f64> {
    let mut order: Vec<(f64, Label)> = scored.to_vec();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n_same = order.iter().filter(|(_, l)| *l == Label::Same).count();
    let n_different = order.len() - n_same;
    if n_same == 0 || n_different == 0 {
        return None;
    }
    // Ranks from 1; a run of tied scores shares the average of its ranks.
    let mut rank_sum_same = 0.0;
    let mut start = 0;
    while start < order.len() {
        let end =
            start + order[start..].iter().take_while(|(s, _)| s.total_cmp(&order[start].0).is_eq()).count();
        let average_rank = (start + 1 + end) as f64 / 2.0;
        let same_in_run = order[start..end].iter().filter(|(_, l)| *l == Label::Same).count();
        rank_sum_same += average_rank * same_in_run as f64;
        start = end;
    }
    let n_same = n_same as f64;
    Some((rank_sum_same - n_same * (n_same + 1.0) / 2.0) / (n_same * n_different as f64))
}

/// One bin of the calibration table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationBin {
    /// The lowest score of the bin.
    pub low: f64,
    /// The bin's upper end (excluded, except for the last bin).
    pub high: f64,
    /// Pairs scored within the bin.
    pub count: usize,
    /// Their mean score.
    pub mean_score: f64,
    /// The share of them that are `Same`.
    pub share_same: f64,
}

/// The non-empty bins of [`CALIBRATION_BINS`] equal-width bins.
pub fn calibration_table(scored: &[(f64, Label)]) -> Vec<CalibrationBin> {
    let mut sums = [(0usize, 0.0f64, 0usize); CALIBRATION_BINS];
    for &(score, label) in scored {
        let bin = ((score.clamp(0.0, 1.0) * CALIBRATION_BINS as f64) as usize).min(CALIBRATION_BINS - 1);
        sums[bin].0 += 1;
        sums[bin].1 += score;
        sums[bin].2 += usize::from(label == Label::Same);
    }
    let width = 1.0 / CALIBRATION_BINS as f64;
    sums.iter()
        .enumerate()
        .filter(|(_, (count, _, _))| *count > 0)
        .map(|(i, &(count, sum, same))| CalibrationBin {
            low: i as f64 * width,
            high: (i + 1) as f64 * width,
            count,
            mean_score: sum / count as f64,
            share_same: same as f64 / count as f64,
        })
        .collect()
}

/// The expected calibration error: the mean, weighted by count, of each bin's distance between
/// mean score and share of `Same` pairs.
pub fn expected_calibration_error(bins: &[CalibrationBin]) -> Option<f64> {
    let total: usize = bins.iter().map(|b| b.count).sum();
    (total > 0).then(|| {
        bins.iter().map(|b| b.count as f64 * (b.mean_score - b.share_same).abs()).sum::<f64>() / total as f64
    })
}

/// The metrics of one group of scored pairs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairMetrics {
    /// Pairs.
    pub n: usize,
    /// `Same` pairs.
    pub n_same: usize,
    /// `Same` pairs at or above the threshold.
    pub true_alerts: usize,
    /// `Different` pairs at or above the threshold.
    pub false_alerts: usize,
    /// ROC AUC (`None` unless both labels occur).
    pub auc: Option<f64>,
    /// Mean score.
    pub mean_score: f64,
    /// The calibration table.
    pub bins: Vec<CalibrationBin>,
    /// Expected calibration error of `bins`.
    pub ece: Option<f64>,
    /// Share of alerts that are `Same` pairs.
    pub precision: Option<f64>,
    /// Share of `Same` pairs that alert.
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall.
    pub f1: Option<f64>,
    /// Share of `Different` pairs that alert.
    pub false_alert_rate: Option<f64>,
}

fn ratio(numerator: usize, denominator: usize) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

impl PairMetrics {
    /// Metrics of `scored` pairs at `threshold`.
    pub fn compute(scored: &[(f64, Label)], threshold: f64) -> PairMetrics {
        let above = |label: Label| scored.iter().filter(|(s, l)| *l == label && *s >= threshold).count();
        let bins = calibration_table(scored);
        let n_same = scored.iter().filter(|(_, l)| *l == Label::Same).count();
        let (true_alerts, false_alerts) = (above(Label::Same), above(Label::Different));
        let precision = ratio(true_alerts, true_alerts + false_alerts);
        let recall = ratio(true_alerts, n_same);
        let f1 = precision.zip(recall).map(|(p, r)| if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 });
        PairMetrics {
            n: scored.len(),
            n_same,
            true_alerts,
            false_alerts,
            auc: roc_auc(scored),
            mean_score: scored.iter().map(|(s, _)| s).sum::<f64>() / scored.len().max(1) as f64,
            ece: expected_calibration_error(&bins),
            bins,
            precision,
            recall,
            f1,
            false_alert_rate: ratio(false_alerts, scored.len() - n_same),
        }
    }

    /// `Different` pairs.
    pub fn n_different(&self) -> usize {
        self.n - self.n_same
    }
}

/// The pairwise report: overall, by category and by script.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairReport {
    /// The threshold alerts are counted at.
    pub threshold: f64,
    /// All pairs.
    pub overall: PairMetrics,
    /// By [`NamePair::category`], in category order.
    pub by_category: BTreeMap<String, PairMetrics>,
    /// By [`NamePair::script`].
    pub by_script: BTreeMap<String, PairMetrics>,
}

impl PairReport {
    /// The report on `pairs` scored `scores` (one per pair, in order) at `threshold`.
    pub fn compute(pairs: &[NamePair], scores: &[f64], threshold: f64) -> PairReport {
        let scored: Vec<(f64, Label)> = scores.iter().zip(pairs).map(|(s, p)| (*s, p.label)).collect();
        let group = |key: &dyn Fn(&NamePair) -> String| {
            let mut groups: BTreeMap<String, Vec<(f64, Label)>> = BTreeMap::new();
            for (pair, scored) in pairs.iter().zip(&scored) {
                groups.entry(key(pair)).or_default().push(*scored);
            }
            groups.into_iter().map(|(k, v)| (k, PairMetrics::compute(&v, threshold))).collect()
        };
        PairReport {
            threshold,
            overall: PairMetrics::compute(&scored, threshold),
            by_category: group(&|p| p.category.as_str().to_string()),
            by_script: group(&|p| p.script.clone()),
        }
    }

    /// The report as text: a summary, the calibration table, then one line per category and
    /// per script.
    pub fn render(&self) -> String {
        let m = &self.overall;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} pairs ({} same, {} different); at threshold {:.2}: precision {}, recall {}, F1 {}, false alerts {}; \
             ROC AUC {}; ECE {}",
            m.n,
            m.n_same,
            m.n_different(),
            self.threshold,
            figure(m.precision),
            figure(m.recall),
            figure(m.f1),
            figure(m.false_alert_rate),
            figure(m.auc),
            figure(m.ece),
        );
        let _ = writeln!(
            out,
            "\ncalibration (score bins):\n{:<11} {:>6} {:>10} {:>10}",
            "bin", "pairs", "mean", "same"
        );
        for bin in &m.bins {
            let _ = writeln!(
                out,
                "{:<11} {:>6} {:>10.3} {:>10.3}",
                format!("{:.1}-{:.1}", bin.low, bin.high),
                bin.count,
                bin.mean_score,
                bin.share_same
            );
        }
        for (title, groups) in [("category", &self.by_category), ("script", &self.by_script)] {
            let _ = writeln!(
                out,
                "\nby {title}:\n{:<22} {:>5} {:>5} {:>5} {:>6} {:>6} {:>6} {:>6} {:>7} {:>6} {:>6}",
                title, "pairs", "same", "diff", "AUC", "prec", "recall", "F1", "f.alert", "ECE", "mean"
            );
            for (name, g) in groups {
                let _ = writeln!(
                    out,
                    "{name:<22} {:>5} {:>5} {:>5} {:>6} {:>6} {:>6} {:>6} {:>7} {:>6} {:>6.3}",
                    g.n,
                    g.n_same,
                    g.n_different(),
                    figure(g.auc),
                    figure(g.precision),
                    figure(g.recall),
                    figure(g.f1),
                    figure(g.false_alert_rate),
                    figure(g.ece),
                    g.mean_score
                );
            }
        }
        out
    }
}

fn figure(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"))
}
