//! `ward eval pairs`: the engine's pairwise score on labelled name pairs (ROC AUC, precision,
//! recall and F1 at the threshold, calibration), and `--generate`, which mines the pairs from
//! the bundled lists into `data/eval/`.

use crate::args::{EvalCalibrateArgs, EvalPairsArgs};
use anyhow::Context;
use rayon::prelude::*;
use std::path::Path;
use std::process::ExitCode;
use ward_engine::Query;
use ward_eval::{NamePair, PairReport};
use ward_model::{Entity, Name, NameKind, Schema};

/// The file names `--generate` writes under `--out-dir`.
pub(crate) const TRAIN_FILE: &str = "pairs-train.tsv";
/// See [`TRAIN_FILE`].
pub(crate) const HELDOUT_FILE: &str = "pairs-heldout.tsv";

pub(crate) fn run(args: &EvalPairsArgs) -> anyhow::Result<ExitCode> {
    if args.generate {
        return generate(args);
    }
    let pairs = read_pairs(&args.file)?;
    let scores = score_pairs(&pairs);
    let threshold = args.threshold.unwrap_or(ward_engine::DEFAULT_THRESHOLD);
    if args.errors {
        out!("{}", errors_tsv(&pairs, &scores, f64::from(threshold)))?;
        return Ok(ExitCode::SUCCESS);
    }
    let report = PairReport::compute(&pairs, &scores, f64::from(threshold));
    let calibration = ward_score::Calibration::embedded();
    let calibrated = args.calibrated.then(|| {
        let probabilities: Vec<f64> =
            scores.iter().map(|s| f64::from(calibration.probability(*s as f32))).collect();
        PairReport::compute(&pairs, &probabilities, f64::from(threshold))
    });
    if args.json {
        let value = serde_json::json!({ "raw": report, "calibrated": calibrated });
        out!("{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    out!("pairs {}: engine scores (raw)\n{}", args.file.display(), report.render())?;
    if let Some(calibrated) = calibrated {
        let raw_equivalent =
            calibration.raw_for(threshold).map_or_else(|| "none".to_string(), |raw| format!("{raw:.3}"));
        out!(
            "\npairs {}: probabilities through the compiled-in calibration (probability {threshold:.2} \
             is raw {raw_equivalent})\n{}",
            args.file.display(),
            calibrated.render()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The pairs on the wrong side of `threshold`, lowest-scored same pairs first, then the
/// highest-scored different ones: `score`, then the columns of the pairs file.
fn errors_tsv(pairs: &[NamePair], scores: &[f64], threshold: f64) -> String {
    let mut wrong: Vec<(f64, &NamePair)> = scores
        .iter()
        .zip(pairs)
        .filter(|(score, pair)| (**score >= threshold) != (pair.label == ward_eval::Label::Same))
        .map(|(score, pair)| (*score, pair))
        .collect();
    wrong.sort_by(|a, b| {
        let key = |(score, pair): &(f64, &NamePair)| {
            if pair.label == ward_eval::Label::Same {
                *score
            } else {
                2.0 - *score
            }
        };
        key(a).total_cmp(&key(b))
    });
    let rows: Vec<NamePair> = wrong.iter().map(|(_, pair)| (*pair).clone()).collect();
    let table = ward_eval::pairs_to_tsv(&rows);
    let mut lines = table.lines();
    let mut out = format!("score\t{}\n", lines.next().unwrap_or_default());
    for ((score, _), line) in wrong.iter().zip(lines) {
        out.push_str(&format!("{score:.3}\t{line}\n"));
    }
    out
}

/// Reads a pairs file; the error names the file and the line.
pub(crate) fn read_pairs(path: &Path) -> anyhow::Result<Vec<NamePair>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    ward_eval::pairs_from_tsv(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// The engine's score of each pair: the left name (with its schema) as the query, the right
/// name as the only name of a listed record.
pub(crate) fn score_pairs(pairs: &[NamePair]) -> Vec<f64> {
    pairs.par_iter().map(|pair| f64::from(score_pair(pair))).collect()
}

fn score_pair(pair: &NamePair) -> f32 {
    score_names(&pair.left, &pair.left_schema, &pair.right, &pair.right_schema)
}

/// The engine's score of the name `left` (a query of `left_schema`) against a record of
/// `right_schema` named `right`.
pub(crate) fn score_names(left: &str, left_schema: &str, right: &str, right_schema: &str) -> f32 {
    let query =
        Query { names: vec![left.to_string()], schema: Schema::from_name(left_schema), ..Query::default() };
    let mut record =
        Entity::new("pairs", "right", Schema::from_name(right_schema).unwrap_or(Schema::LegalEntity));
    record.add_name(Name::new(right, NameKind::Primary));
    ward_engine::compare_entity(&query, &record).score
}

/// Fits isotonic regression of the outcome on the engine's raw score over the training pairs
/// and writes the steps as the calibration table.
pub(crate) fn calibrate(args: &EvalCalibrateArgs) -> anyhow::Result<ExitCode> {
    let pairs = read_pairs(&args.file)?;
    let (table, n_steps) = calibration_table(&pairs);
    std::fs::write(&args.output, table).with_context(|| format!("writing {}", args.output.display()))?;
    out!(
        "{}: {n_steps} steps fitted on {} pairs of {}",
        args.output.display(),
        pairs.len(),
        args.file.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The calibration table fitted on `pairs`, as text, and its number of steps.
pub(crate) fn calibration_table(pairs: &[NamePair]) -> (String, usize) {
    let scores = score_pairs(pairs);
    let observations: Vec<(f64, f64)> = scores
        .iter()
        .zip(pairs)
        .map(|(score, pair)| (*score, if pair.label == ward_eval::Label::Same { 1.0 } else { 0.0 }))
        .collect();
    let steps = ward_eval::isotonic_fit(&observations);
    let mut table = format!("{}\n", ward_score::CALIBRATION_HEADER);
    for step in &steps {
        table.push_str(&format!("{:.6}\t{:.6}\t{}\n", step.mean_raw, step.probability, step.count));
    }
    (table, steps.len())
}

fn generate(args: &EvalPairsArgs) -> anyhow::Result<ExitCode> {
    let lists =
        ward_lists::read_path(&args.lists).with_context(|| format!("reading {}", args.lists.display()))?;
    let subjects = ward_lists::link::link(lists.into_iter().flat_map(|l| l.entities).collect());
    let mined = ward_eval::mine_pairs(&subjects, ward_eval::PAIRS_SEED);
    std::fs::create_dir_all(&args.out_dir).with_context(|| format!("creating {}", args.out_dir.display()))?;
    for (file, pairs) in [(TRAIN_FILE, &mined.train), (HELDOUT_FILE, &mined.heldout)] {
        let path = args.out_dir.join(file);
        std::fs::write(&path, ward_eval::pairs_to_tsv(pairs))
            .with_context(|| format!("writing {}", path.display()))?;
        out!("{}: {} pairs", path.display(), pairs.len())?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests;
