//! `ward-devset`: builds the dev set from a list snapshot and prints it as JSON lines.
//!
//! ```text
//! cargo run -p ward-eval --bin ward-devset -- data/lists > testdata/eval/dev.jsonl
//! cargo run -p ward-eval --bin ward-devset -- data/lists --show 5      # cases to check by eye
//! cargo run -p ward-eval --bin ward-devset -- data/lists --baseline    # a naive matcher's scores
//! ```

use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;
use ward_eval::{generate, name_tokens, run_all, threshold_sweep, DevCase, Hit, Report, Rng, DEV_SEED};
use ward_model::{NameKind, Subject};

fn main() -> ExitCode {
    let mut path = "data/lists".to_string();
    let mut seed = DEV_SEED;
    let mut show = None;
    let mut baseline = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seed" => seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(seed),
            "--show" => show = args.next().and_then(|s| s.parse::<usize>().ok()),
            "--baseline" => baseline = true,
            _ => path = arg,
        }
    }
    let lists = match ward_lists::read_path(path.as_ref()) {
        Ok(lists) => lists,
        Err(e) => {
            eprintln!("error: reading {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let subjects = ward_lists::link::link(lists.into_iter().flat_map(|l| l.entities).collect());
    let cases = generate(&subjects, seed);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for case in &cases {
        *counts.entry(&case.category).or_default() += 1;
    }
    eprintln!("{} subjects, {} cases", subjects.len(), cases.len());
    for (category, n) in &counts {
        eprintln!("  {category:<30} {n:>5}");
    }
    if let Some(n) = show {
        print_samples(&subjects, &cases, n);
    } else if baseline {
        run_baseline(&subjects, &cases);
    } else {
        print!("{}", ward_eval::to_jsonl(&cases));
    }
    ExitCode::SUCCESS
}

/// Prints `n` random cases of each category beside the subject they expect, to check by eye.
fn print_samples(subjects: &[Subject], cases: &[DevCase], n: usize) {
    let captions: HashMap<&str, &Subject> =
        subjects.iter().flat_map(|s| s.referents().map(move |r| (r, s))).collect();
    let mut by_category: BTreeMap<&str, Vec<&DevCase>> = BTreeMap::new();
    for case in cases {
        by_category.entry(&case.category).or_default().push(case);
    }
    let mut rng = Rng::new(1);
    for (category, mut group) in by_category {
        println!("== {category}");
        rng.shuffle(&mut group);
        for case in group.into_iter().take(n) {
            let q = &case.query;
            print!("  {:<45} [{} {} {:?} {:?}]", q.name, case.script, case.kind, q.birth_date, q.country);
            match case.expect.first().and_then(|r| captions.get(r.as_str())) {
                Some(s) => {
                    let names: Vec<&str> = s.names().map(|n| n.full.as_str()).take(6).collect();
                    println!("  -> {} {:?}", s.id, names);
                }
                None => println!("  -> (none)"),
            }
        }
    }
}

/// A naive matcher: the share of tokens a query has in common with a subject's best strong name
/// (Jaccard). It is the floor a real matcher must beat, and shows the metrics at work.
fn run_baseline(subjects: &[Subject], cases: &[DevCase]) {
    let mut postings: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    let mut names: Vec<Vec<String>> = Vec::new();
    for (idx, subject) in subjects.iter().enumerate() {
        for name in subject.names().filter(|n| n.kind != NameKind::Weak) {
            let tokens = name_tokens(&name.full);
            for t in &tokens {
                postings.entry(t.clone()).or_default().push((idx, names.len()));
            }
            names.push(tokens);
        }
    }
    let referents: Vec<Vec<String>> =
        subjects.iter().map(|s| s.referents().map(String::from).collect()).collect();
    let results = run_all(cases, |case| {
        let query = name_tokens(&case.query.name);
        let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
        for t in &query {
            for &p in postings.get(t).map_or(&[][..], Vec::as_slice) {
                *shared.entry(p).or_default() += 1;
            }
        }
        let mut best: HashMap<usize, f64> = HashMap::new();
        for ((subject, name), n) in shared {
            let score = n as f64 / (query.len() + names[name].len() - n) as f64;
            let entry = best.entry(subject).or_default();
            *entry = entry.max(score);
        }
        let mut hits: Vec<Hit> = best
            .into_iter()
            .map(|(s, score)| Hit { referents: referents[s].clone(), score, weak: false })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.referents.cmp(&b.referents)));
        hits.truncate(10);
        hits
    });
    let thresholds: Vec<f64> = (1..=20).map(|i| f64::from(i) * 0.05).collect();
    println!("{}", Report::sweep_header());
    for report in threshold_sweep(cases, &results, &thresholds) {
        println!("{}", report.sweep_line());
    }
    println!();
    print!("{}", Report::compute(cases, &results, 0.7).render());
}
