//! Tests of the mined pairs, their files and the pairwise metrics.

use crate::*;
use proptest::prelude::*;
use std::io::Write as _;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pair(label: Label, category: PairCategory, left: &str, right: &str) -> NamePair {
    NamePair {
        label,
        category,
        script: "latin".into(),
        left: left.into(),
        right: right.into(),
        left_schema: "Person".into(),
        right_schema: "Person".into(),
    }
}

/// The AUC by its definition: over every (same, different) pair of pairs, 1 when the same pair
/// scores higher, one half on a tie.
fn brute_force_auc(scored: &[(f64, Label)]) -> Option<f64> {
    let same: Vec<f64> = scored.iter().filter(|(_, l)| *l == Label::Same).map(|(s, _)| *s).collect();
    let different: Vec<f64> =
        scored.iter().filter(|(_, l)| *l == Label::Different).map(|(s, _)| *s).collect();
    if same.is_empty() || different.is_empty() {
        return None;
    }
    let mut wins = 0.0;
    for s in &same {
        for d in &different {
            wins += if s > d {
                1.0
            } else if s == d {
                0.5
            } else {
                0.0
            };
        }
    }
    Some(wins / (same.len() * different.len()) as f64)
}

proptest! {
    #[test]
    fn auc_equals_the_brute_force_count(
        // Scores on a coarse grid, so that ties are common.
        scored in prop::collection::vec((0u8..=10, any::<bool>()), 0..60)
    ) {
        let scored: Vec<(f64, Label)> = scored
            .into_iter()
            .map(|(s, same)| (f64::from(s) / 10.0, if same { Label::Same } else { Label::Different }))
            .collect();
        let (fast, slow) = (roc_auc(&scored), brute_force_auc(&scored));
        match (fast, slow) {
            (Some(a), Some(b)) => prop_assert!((a - b).abs() < 1e-12, "{a} vs {b}"),
            (a, b) => prop_assert_eq!(a, b),
        }
    }
}

#[test]
fn metrics_on_a_toy_run() {
    let pairs = vec![
        pair(Label::Same, PairCategory::Typo, "a", "b"),
        pair(Label::Same, PairCategory::Typo, "c", "d"),
        pair(Label::Different, PairCategory::Relatives, "e", "f"),
        pair(Label::Different, PairCategory::Relatives, "g", "h"),
    ];
    let scores = [0.95, 0.5, 0.8, 0.05];
    let report = PairReport::compute(&pairs, &scores, 0.73);
    let m = &report.overall;
    assert_eq!((m.true_alerts, m.false_alerts), (1, 1));
    assert_eq!(
        (m.precision, m.recall, m.f1, m.false_alert_rate),
        (Some(0.5), Some(0.5), Some(0.5), Some(0.5))
    );
    // Same pairs beat different ones in 3 of 4 comparisons (0.95 beats both, 0.5 beats 0.05).
    assert_eq!(m.auc, Some(0.75));
    // Bins 0.0, 0.5, 0.8 and 0.9 hold one pair each: |0.05-0| + |0.5-1| + |0.8-0| + |0.95-1|.
    assert_eq!(m.bins.len(), 4);
    let ece = m.ece.expect("pairs were scored");
    assert!((ece - (0.05 + 0.5 + 0.8 + 0.05) / 4.0).abs() < 1e-12, "{ece}");
    assert_eq!(report.by_category["typo"].recall, Some(0.5));
    assert_eq!(report.by_category["relatives"].auc, None);
    assert!(report.render().contains("ROC AUC 0.750"), "{}", report.render());
}

#[test]
fn pair_files_round_trip_and_errors_name_the_line() {
    let pairs = vec![
        pair(Label::Same, PairCategory::Reorder, "SMITH, John", "John SMITH"),
        pair(Label::Different, PairCategory::ShortOneLetter, "PAPO", "NAPO\tX"),
    ];
    let text = pairs_to_tsv(&pairs);
    let back = pairs_from_tsv(&text).expect("written pairs read back");
    assert_eq!(back[0], pairs[0]);
    assert_eq!(back[1].right, "NAPO X");
    let check = |text: &str, expect: &str| {
        let err = pairs_from_tsv(text).expect_err(text);
        assert!(err.contains(expect), "{err}");
    };
    check("label\tcategory\n", "line 1: expected the header");
    check(&format!("{PAIRS_HEADER}\nsame\ttypo\tlatin\ta\n"), "line 2: 4 fields, expected 7");
    check(&format!("{PAIRS_HEADER}\nyes\ttypo\tlatin\ta\tb\tPerson\tPerson\n"), "line 2: label \"yes\"");
    check(&format!("{PAIRS_HEADER}\nsame\tnew\tlatin\ta\tb\tPerson\tPerson\n"), "unknown category \"new\"");
    check(&format!("{PAIRS_HEADER}\nsame\trelatives\tlatin\ta\tb\tPerson\tPerson\n"), "contradicts category");
    check(&format!("{PAIRS_HEADER}\nsame\ttypo\tlatin\t \tb\tPerson\tPerson\n"), "empty left name");
}

fn committed(file: &str) -> Vec<NamePair> {
    let path = root().join("data/eval").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    pairs_from_tsv(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn committed_pair_files_are_small_and_labelled_by_category() {
    for file in ["pairs-train.tsv", "pairs-heldout.tsv"] {
        let size = std::fs::metadata(root().join("data/eval").join(file)).map(|m| m.len()).unwrap_or(0);
        assert!(size > 0 && size < 1_000_000, "{file}: {size} bytes");
        let pairs = committed(file);
        for category in PairCategory::ALL {
            let n = pairs.iter().filter(|p| p.category == category).count();
            assert!(n >= 100, "{file}: {n} pairs of {category}");
        }
    }
}

#[test]
fn committed_pair_files_match_the_miner() {
    // Reading and linking the bundled lists takes about 25 s in a debug build.
    if std::env::var_os("WARD_SLOW_TESTS").is_none() {
        let _ = writeln!(
            std::io::stderr(),
            "skipped: set WARD_SLOW_TESTS=1 to compare data/eval/pairs-*.tsv with the miner"
        );
        return;
    }
    let lists = ward_lists::read_path(&root().join("data/lists")).expect("the bundled snapshot reads");
    let subjects = ward_lists::link::link(lists.into_iter().flat_map(|l| l.entities).collect());
    let mined = mine_pairs(&subjects, PAIRS_SEED);
    // No subject on both sides: the names of one side's positives are no names of the other's.
    let names = |pairs: &[NamePair]| -> std::collections::HashSet<String> {
        pairs
            .iter()
            .filter(|p| p.label == Label::Same)
            .flat_map(|p| [p.left.clone(), p.right.clone()])
            .collect()
    };
    let (train, heldout) = (names(&mined.train), names(&mined.heldout));
    let shared: Vec<&String> = train.intersection(&heldout).collect();
    // Distinct subjects may share a name, so a handful of shared names are allowed.
    assert!(
        shared.len() * 100 < train.len(),
        "{} shared names: {:?}",
        shared.len(),
        &shared[..shared.len().min(5)]
    );
    for (file, pairs) in [("pairs-train.tsv", &mined.train), ("pairs-heldout.tsv", &mined.heldout)] {
        assert!(
            committed(file) == *pairs,
            "data/eval/{file} is stale; regenerate: cargo run -p ward-cli -- eval pairs --generate"
        );
    }
}

/// Isotonic regression by its min-max formula: the fitted value at the i-th distinct score is the
/// max over j <= i of the min over k >= i of the mean outcome of the observations at distinct
/// scores j..=k.
fn brute_force_isotonic(observations: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut xs: Vec<f64> = observations.iter().map(|(x, _)| *x).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let mean = |j: usize, k: usize| {
        let within: Vec<f64> =
            observations.iter().filter(|(x, _)| *x >= xs[j] && *x <= xs[k]).map(|(_, y)| *y).collect();
        within.iter().sum::<f64>() / within.len() as f64
    };
    (0..xs.len())
        .map(|i| {
            let value = (0..=i)
                .map(|j| (i..xs.len()).map(|k| mean(j, k)).fold(f64::INFINITY, f64::min))
                .fold(f64::NEG_INFINITY, f64::max);
            (xs[i], value)
        })
        .collect()
}

proptest! {
    #[test]
    fn isotonic_fit_equals_the_min_max_formula(
        observations in prop::collection::vec((0u8..=12, any::<bool>()), 1..40)
    ) {
        let observations: Vec<(f64, f64)> =
            observations.into_iter().map(|(x, y)| (f64::from(x) / 12.0, f64::from(u8::from(y)))).collect();
        let steps = isotonic_fit(&observations);
        prop_assert!(steps.windows(2).all(|w| w[0].probability <= w[1].probability && w[0].high < w[1].low));
        prop_assert_eq!(steps.iter().map(|s| s.count).sum::<usize>(), observations.len());
        for (x, expected) in brute_force_isotonic(&observations) {
            let fitted = isotonic_value(&steps, x);
            prop_assert!(fitted.is_some_and(|f| (f - expected).abs() < 1e-9), "at {}: {:?} vs {}", x, fitted, expected);
        }
    }
}
