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
