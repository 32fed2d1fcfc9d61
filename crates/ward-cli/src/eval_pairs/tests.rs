//! The hard-case table on the engine: a `hold` case must land on its side of the threshold and
//! a `pending` case must not yet, so that the marks stay true. `UPDATE_EXPECT=1` rewrites the
//! marks from today's scores.

use super::score_names;
use ward_eval::{CaseStatus, HardCase};

fn table_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/hard-cases.tsv")
}

#[test]
fn hard_cases_keep_their_marks() {
    let path = table_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cases = ward_eval::hard_cases_from_tsv(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let threshold = f64::from(ward_engine::DEFAULT_THRESHOLD);
    let mut updated: Vec<HardCase> = Vec::new();
    let mut wrong = Vec::new();
    for case in &cases {
        let score = f64::from(score_names(&case.left, &case.left_schema, &case.right, &case.right_schema));
        let holds = case.expect.holds(score, threshold);
        let status = if holds { CaseStatus::Hold } else { CaseStatus::Pending };
        if status != case.status {
            wrong.push(format!(
                "{:?} vs {:?}: {score:.3}, expected {:?} {threshold}, marked {:?} ({})",
                case.left, case.right, case.expect, case.status, case.note
            ));
        }
        updated.push(HardCase { status, ..case.clone() });
    }
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, ward_eval::hard_cases_to_tsv(&updated)).expect("the table is writable");
        return;
    }
    assert!(
        wrong.is_empty(),
        "{} hard cases changed side (UPDATE_EXPECT=1 rewrites the marks):\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn committed_calibration_matches_the_scorer() {
    // The table follows every change of the scorer; CI and whoever changes the scorer set
    // WARD_SLOW_TESTS=1 and rerun `ward eval calibrate` when this fails.
    if std::env::var_os("WARD_SLOW_TESTS").is_none() {
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"skipped: set WARD_SLOW_TESTS=1 to compare calibration.tsv with a fit on today's scores\n",
        );
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let pairs = super::read_pairs(&root.join("data/eval/pairs-train.tsv")).expect("the training pairs read");
    let (fitted, _) = super::calibration_table(&pairs);
    let committed = std::fs::read_to_string(root.join("crates/ward-score/data/calibration.tsv"))
        .expect("calibration.tsv is committed");
    assert!(
        fitted == committed,
        "crates/ward-score/data/calibration.tsv is stale: run `ward eval calibrate`"
    );
}
