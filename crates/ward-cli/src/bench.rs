//! `ward bench`: speed figures on real lists, as medians over several runs, with a baseline
//! measured in the same run (timed unit tests would be noise on shared machines).

use crate::args::{BenchArgs, BenchTarget};
use crate::lists::parse_paths;
use anyhow::Context;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};
use ward_model::ParsedList;

/// The median of timed samples (the upper one of an even count).
pub(crate) fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The bundled snapshot, used when no paths are given.
pub(crate) fn default_paths() -> anyhow::Result<Vec<PathBuf>> {
    let dir = PathBuf::from("data/lists");
    anyhow::ensure!(
        dir.is_dir(),
        "{} not found: run from the repository root, or name the lists",
        dir.display()
    );
    Ok(vec![dir])
}

pub(crate) fn run(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    match args.what {
        BenchTarget::Import => match args.synthetic_mb {
            Some(megabytes) => crate::bench_import::run_synthetic(args, megabytes),
            None => import(args),
        },
        BenchTarget::Read => crate::bench_import::run_read(args),
        BenchTarget::Match => crate::bench_match::run_match(args).map(|()| ExitCode::SUCCESS),
        BenchTarget::Scale => crate::bench_match::run_scale(args).map(|()| ExitCode::SUCCESS),
        BenchTarget::Payments => crate::bench_payments::run(args).map(|()| ExitCode::SUCCESS),
        BenchTarget::Ownership => crate::ownership::bench(args),
        BenchTarget::Desk => crate::bench_desk::run(args).map(|()| ExitCode::SUCCESS),
        BenchTarget::Monitor => crate::bench_monitor::run(args).map(|()| ExitCode::SUCCESS),
        BenchTarget::Alerts => crate::bench_alerts::run(args).map(|()| ExitCode::SUCCESS),
    }
}

fn parse_all(paths: &[PathBuf]) -> anyhow::Result<Vec<ParsedList>> {
    let mut lists = Vec::new();
    for (path, result) in parse_paths(paths) {
        lists.push(result.with_context(|| format!("parsing {}", path.display()))?);
    }
    Ok(lists)
}

fn import(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let paths = if args.paths.is_empty() { default_paths()? } else { args.paths.clone() };
    let runs = args.runs.max(1);
    let bytes: u64 = paths.iter().map(|p| crate::lists::dir_size(p)).sum();
    out!(
        "import benchmark: {} paths, {:.1} MB on disk, {runs} runs, {} threads",
        paths.len(),
        bytes as f64 / 1e6,
        rayon::current_num_threads()
    )?;
    let (mut t_seq, mut t_parse, mut t_link, mut t_store, mut t_total) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut n_entities = 0;
    let mut n_subjects = 0;
    for _ in 0..runs {
        // Baseline: the same parse on one thread, one list after another.
        let start = Instant::now();
        let mut seq = 0;
        for p in &paths {
            for unit in ward_lists::list_units(p)? {
                ward_lists::read_unit(&unit).with_context(|| format!("parsing {}", unit.display()))?;
                seq += 1;
            }
        }
        t_seq.push(start.elapsed());
        assert!(seq > 0, "no list parsed");

        let dir = tempfile::tempdir()?;
        let start = Instant::now();
        let lists = parse_all(&paths)?;
        t_parse.push(start.elapsed());
        let t = Instant::now();
        let entities: Vec<_> = lists.iter().flat_map(|l| l.entities.iter().cloned()).collect();
        n_entities = entities.len();
        let subjects = ward_lists::link::link(entities);
        n_subjects = subjects.len();
        t_link.push(t.elapsed());
        let t = Instant::now();
        let store = ward_store::Store::open(dir.path())?;
        for list in &lists {
            store.import(list)?;
        }
        t_store.push(t.elapsed());
        t_total.push(start.elapsed());
    }
    let total = median(t_total);
    let seq = median(t_seq);
    let parse = median(t_parse);
    out!("entities: {n_entities}, subjects after linking: {n_subjects}")?;
    out!("median parse, sequential baseline: {}", ms(seq))?;
    out!(
        "median parse, parallel:            {}  ({:.2}x the baseline's speed)",
        ms(parse),
        seq.as_secs_f64() / parse.as_secs_f64()
    )?;
    out!("median link:                       {}", ms(median(t_link)))?;
    out!("median store (SQLite, one tx/list): {}", ms(median(t_store)))?;
    out!(
        "median import total (parse+link+store): {}  (target < 3000 ms: {})",
        ms(total),
        if total < Duration::from_secs(3) { "met" } else { "NOT met" }
    )?;
    out!(
        "throughput: parse {:.1} MB/s sequential, import total {:.1} MB/s",
        bytes as f64 / 1e6 / seq.as_secs_f64(),
        bytes as f64 / 1e6 / total.as_secs_f64()
    )?;
    Ok(ExitCode::SUCCESS)
}
