//! `ward bench match` and `ward bench scale`: snapshot build time, single-query latency,
//! per-core throughput and memory, with the brute-force scorer as the baseline in the same run.

use crate::args::BenchArgs;
use anyhow::Context;
use std::time::{Duration, Instant};
use ward_engine::{MatchOptions, Query, Screener};
use ward_model::{Entity, Name, NameKind, Schema, Subject};

/// A small deterministic generator (`SplitMix64`), so that runs are comparable.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A memory field of `/proc/self/status` (`VmRSS:`, `VmHWM:`) in MB; NaN where there is none.
pub(crate) fn memory_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).map(|l| l.to_string()))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Queries: listed names with one typo or swapped order (should hit) and recombined words
/// (mostly should not), as screening traffic mixes both.
fn queries(subjects: &[Subject], n: usize, seed: u64) -> Vec<Query> {
    let mut rng = Rng(seed);
    let names: Vec<&str> = subjects.iter().flat_map(|s| s.names()).map(|n| n.full.as_str()).collect();
    let words: Vec<&str> = names.iter().flat_map(|n| n.split_whitespace()).filter(|w| w.len() > 2).collect();
    (0..n)
        .map(|i| {
            let name = if i % 2 == 0 {
                let mut tokens: Vec<String> =
                    names[rng.below(names.len())].split_whitespace().map(str::to_string).collect();
                if tokens.len() > 1 && rng.below(2) == 0 {
                    tokens.rotate_left(1);
                }
                let t = rng.below(tokens.len());
                if tokens[t].chars().count() > 4 {
                    let chars: Vec<char> = tokens[t].chars().collect();
                    let at = 1 + rng.below(chars.len() - 2);
                    tokens[t] = chars[..at].iter().chain(&chars[at + 1..]).collect();
                }
                tokens.join(" ")
            } else {
                format!("{} {}", words[rng.below(words.len())], words[rng.below(words.len())])
            };
            Query::from_name(&name)
        })
        .collect()
}

struct Figures {
    median: Duration,
    p99: Duration,
    per_core_qps: f64,
    hits: usize,
}

/// Times queries one by one on this thread.
fn time_queries(screener: &Screener, queries: &[Query]) -> Figures {
    let options = MatchOptions::default();
    let mut samples = Vec::with_capacity(queries.len());
    let mut hits = 0;
    let start = Instant::now();
    for q in queries {
        let t = Instant::now();
        let result = screener.match_query(q, &options);
        samples.push(t.elapsed());
        hits += result.iter().filter(|h| h.is_match).count();
    }
    let total = start.elapsed();
    samples.sort();
    Figures {
        median: percentile(&samples, 0.5),
        p99: percentile(&samples, 0.99),
        per_core_qps: queries.len() as f64 / total.as_secs_f64(),
        hits,
    }
}

/// The run with the median `key`, and the lowest and highest `key` of all runs.
fn median_run<T>(mut runs: Vec<T>, key: impl Fn(&T) -> f64) -> (T, f64, f64) {
    runs.sort_by(|a, b| key(a).total_cmp(&key(b)));
    let (lowest, highest) = (key(&runs[0]), key(&runs[runs.len() - 1]));
    let median = runs.swap_remove(runs.len() / 2);
    (median, lowest, highest)
}

/// Prints the figures. Query timings are repeated `runs` times and the run with the median
/// throughput is reported, with the range: these machines are shared, and one run can be
/// slowed by a third by a neighbour.
fn report(
    screener: &Screener,
    queries: &[Query],
    build: Duration,
    baseline_queries: usize,
    runs: usize,
) -> std::io::Result<()> {
    out!(
        "snapshot: {} subjects, {} names ({} spellings, {} keys, {} postings, index {:.0} MB); build {:.0} ms",
        screener.len(),
        screener.n_names(),
        screener.index().n_lexemes(),
        screener.index().n_keys(),
        screener.index().n_postings(),
        screener.index().heap_bytes() as f64 / 1e6,
        build.as_secs_f64() * 1e3
    )?;
    // Warm up caches and lazily built tables before timing.
    let _ = time_queries(screener, &queries[..queries.len().min(200)]);
    let (f, slowest, fastest) =
        median_run((0..runs.max(1)).map(|_| time_queries(screener, queries)).collect(), |f| f.per_core_qps);
    out!(
        "indexed, one thread: median {:.3} ms, p99 {:.3} ms, {:.0} queries/s per core ({} matches in {} queries; \
         median of {} runs, {:.0}-{:.0} queries/s)",
        f.median.as_secs_f64() * 1e3,
        f.p99.as_secs_f64() * 1e3,
        f.per_core_qps,
        f.hits,
        queries.len(),
        runs.max(1),
        slowest,
        fastest,
    )?;
    assert!(f.hits > 0, "no query matched: the benchmark is not measuring matching");
    let sample = &queries[..baseline_queries.min(queries.len())];
    let options = MatchOptions::default();
    let mut samples = Vec::new();
    for q in sample {
        let t = Instant::now();
        let _ = screener.match_brute_force(q, &options);
        samples.push(t.elapsed());
    }
    samples.sort();
    let brute = percentile(&samples, 0.5);
    out!(
        "brute-force baseline (every subject scored), {} queries: median {:.3} ms; indexed is {:.0}x faster",
        sample.len(),
        brute.as_secs_f64() * 1e3,
        brute.as_secs_f64() / f.median.as_secs_f64().max(1e-9)
    )?;
    let threads = rayon::current_num_threads();
    let batches: Vec<(f64, usize)> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            let n: usize = {
                use rayon::prelude::*;
                queries.par_iter().map(|q| screener.match_query(q, &options).len()).sum()
            };
            (queries.len() as f64 / start.elapsed().as_secs_f64(), n)
        })
        .collect();
    let ((qps, n), slowest, fastest) = median_run(batches, |b| b.0);
    let per_core = |qps: f64| qps / threads as f64;
    out!(
        "batch on {threads} threads: {qps:.0} queries/s ({:.0} per core; {n} hits; median of {} runs, {:.0}-{:.0} per core)",
        per_core(qps),
        runs.max(1),
        per_core(slowest),
        per_core(fastest),
    )?;
    out!("memory: resident {:.0} MB, peak {:.0} MB", memory_mb("VmRSS:"), memory_mb("VmHWM:"))
}

pub(crate) fn run_match(args: &BenchArgs) -> anyhow::Result<()> {
    let paths = if args.paths.is_empty() { crate::bench::default_paths()? } else { args.paths.clone() };
    let mut entities = Vec::new();
    for (path, result) in crate::lists::parse_paths(&paths) {
        entities.extend(result.with_context(|| format!("parsing {}", path.display()))?.entities);
    }
    let mut subjects = ward_lists::link::link(entities);
    let mut builds = Vec::new();
    let mut screener: Option<Screener> = None;
    let runs = args.runs.max(1);
    for run in 0..runs {
        // The previous snapshot goes before the next is built, and the last build takes the
        // subjects themselves, so that the memory figures count one snapshot and one copy of
        // the subjects, as a server holds them.
        drop(screener.take());
        let subjects = if run + 1 == runs { std::mem::take(&mut subjects) } else { subjects.clone() };
        let t = Instant::now();
        screener = Some(Screener::build(subjects));
        builds.push(t.elapsed());
    }
    builds.sort();
    let screener = screener.expect("at least one run");
    let queries = queries(screener.subjects(), args.queries, 20261126);
    report(&screener, &queries, builds[builds.len() / 2], 50, runs)?;
    Ok(())
}

/// A synthetic corpus: names recombined from the words of real listed names, with the real
/// distribution of name lengths and kinds (seeded).
pub(crate) fn run_scale(args: &BenchArgs) -> anyhow::Result<()> {
    let paths = if args.paths.is_empty() { crate::bench::default_paths()? } else { args.paths.clone() };
    let mut entities = Vec::new();
    for (path, result) in crate::lists::parse_paths(&paths) {
        entities.extend(result.with_context(|| format!("parsing {}", path.display()))?.entities);
    }
    let real: Vec<(Schema, Vec<String>)> = entities
        .iter()
        .flat_map(|e| {
            e.names.iter().map(move |n| (e.schema, n.full.split_whitespace().map(str::to_string).collect()))
        })
        .collect();
    drop(entities);
    let mut rng = Rng(7);
    let mut subjects = Vec::with_capacity(args.subjects);
    for i in 0..args.subjects {
        let (schema, shape) = &real[rng.below(real.len())];
        let mut record = Entity::new("synthetic", &i.to_string(), *schema);
        for k in 0..1 + rng.below(3) {
            let words: Vec<&str> = (0..shape.len())
                .map(|_| {
                    let (_, other) = &real[rng.below(real.len())];
                    other[rng.below(other.len())].as_str()
                })
                .collect();
            record.add_name(Name::new(
                words.join(" "),
                if k == 0 { NameKind::Primary } else { NameKind::Alias },
            ));
        }
        subjects.push(Subject { id: record.id.clone(), records: vec![record] });
    }
    let t = Instant::now();
    let screener = Screener::build(subjects);
    let build = t.elapsed();
    let queries = queries(screener.subjects(), args.queries, 20261126);
    report(&screener, &queries, build, 5, args.runs)?;
    Ok(())
}
