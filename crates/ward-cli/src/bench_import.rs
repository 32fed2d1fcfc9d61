//! `ward bench import --synthetic-mb N`: reading and importing a large list in bounded memory.
//! A seeded synthetic OpenSanctions-like `FtM` file of N MB is written to a temporary folder, then
//! child processes (this binary) read it whole, read it streaming, hash it (the I/O floor) and
//! import it; each reports its peak resident memory as it exits, and the medians over `--runs`
//! are printed with MB/s and ratios. Child processes, because peak memory is per process.

use crate::args::{BenchArgs, ReadMode};
use crate::bench_match::Rng;
use anyhow::Context;
use serde_json::json;
use std::ffi::OsString;
use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// The seed of the synthetic file, so that runs and machines compare.
const SEED: u64 = 7;

/// Bytes in a megabyte, as `--synthetic-mb` and the MB/s figures count them.
const MEGABYTE: u64 = 1_000_000;

/// The dataset every synthetic line names.
const DATASET: &str = "synthetic_sanctions";

/// Given names, family names and whole names per script, as lists spell them.
const GIVEN_LATIN: &[&str] = &[
    "Ivan", "Anna", "Mohammed", "Olga", "Ahmad", "Maria", "Sergei", "Fatima", "Wei", "Dmitri", "Elena",
    "Hassan", "Yusuf", "Irina", "Kim", "Jose", "Abdullah", "Natalia", "Reza", "Min-jun",
];
const FAMILY_LATIN: &[&str] = &[
    "Petrov",
    "Ivanova",
    "Al-Hashimi",
    "Wang",
    "Kuznetsov",
    "Rahimi",
    "Zhang",
    "Smirnov",
    "Haddad",
    "Liu",
    "Sokolov",
    "Karimi",
    "Park",
    "Novak",
    "Popescu",
    "bin Laden",
    "Garcia",
];
const GIVEN_CYRILLIC: &[&str] = &["Иван", "Анна", "Ольга", "Сергей", "Дмитрий", "Елена", "Наталья"];
const FAMILY_CYRILLIC: &[&str] = &["Петров", "Иванова", "Кузнецов", "Смирнов", "Соколов", "Попов"];
const GIVEN_ARABIC: &[&str] = &["محمد", "أحمد", "فاطمة", "حسن", "يوسف", "عبد الله"];
const FAMILY_ARABIC: &[&str] = &["الهاشمي", "رحيمي", "حداد", "كريمي", "العلي"];
const FULL_HAN: &[&str] = &["王伟", "李娜", "张敏", "刘洋", "陈杰", "金正恩", "朴敏俊"];
const COMPANY_WORDS: &[&str] = &[
    "Trading",
    "Holding",
    "Shipping",
    "Energy",
    "Invest",
    "Logistics",
    "Petro",
    "Aero",
    "Marine",
    "Technologies",
    "Industrial",
    "Capital",
    "Neftegaz",
    "Global",
    "Orient",
    "Baltic",
];
const COMPANY_FORMS: &[&str] = &["LLC", "Ltd", "JSC", "GmbH", "OOO", "FZE", "Co., Ltd.", "PJSC"];
const COUNTRIES: &[&str] = &["ru", "ir", "kp", "sy", "cn", "ae", "by", "ve", "tr", "de", "gb", "us"];
const CITIES: &[&str] = &["Moscow", "Tehran", "Pyongyang", "Damascus", "Dubai", "Minsk", "Caracas"];
const PROGRAMS: &[&str] = &["RUSSIA-EO14024", "IRAN", "DPRK3", "SYRIA", "UKRAINE-EO13662", "SDGT"];
const NOTE_WORDS: &[&str] = &[
    "director",
    "of",
    "the",
    "company",
    "involved",
    "in",
    "procurement",
    "for",
    "military",
    "programmes",
    "shareholder",
    "linked",
    "to",
    "sanctioned",
    "entities",
    "acting",
    "on",
    "behalf",
    "vessel",
    "operator",
    "financial",
    "services",
    "region",
];

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len())]
}

/// A person's name in one of the scripts lists use; the first is Latin, as the caption.
fn person_names(rng: &mut Rng) -> Vec<String> {
    let mut names = vec![format!("{} {}", pick(rng, GIVEN_LATIN), pick(rng, FAMILY_LATIN))];
    for _ in 0..rng.below(4) {
        names.push(match rng.below(4) {
            0 => format!("{} {}", pick(rng, GIVEN_CYRILLIC), pick(rng, FAMILY_CYRILLIC)),
            1 => format!("{} {}", pick(rng, GIVEN_ARABIC), pick(rng, FAMILY_ARABIC)),
            2 => pick(rng, FULL_HAN).to_string(),
            _ => format!("{} {}", pick(rng, FAMILY_LATIN).to_uppercase(), pick(rng, GIVEN_LATIN)),
        });
    }
    names
}

fn company_names(rng: &mut Rng) -> Vec<String> {
    let words = format!("{} {}", pick(rng, COMPANY_WORDS), pick(rng, COMPANY_WORDS));
    let mut names = vec![format!("{words} {}", pick(rng, COMPANY_FORMS))];
    if rng.below(2) == 0 {
        names.push(format!("ООО «{words}»"));
    }
    names
}

fn notes(rng: &mut Rng) -> String {
    let n_words = 10 + rng.below(40);
    (0..n_words).map(|_| pick(rng, NOTE_WORDS)).collect::<Vec<_>>().join(" ")
}

fn date(rng: &mut Rng, first_year: usize) -> String {
    format!("{}-{:02}-{:02}", first_year + rng.below(50), 1 + rng.below(12), 1 + rng.below(28))
}

/// The lines of one party: the thing, and (mostly) an Address and a Sanction pointing at it,
/// in a random order as in `OpenSanctions` exports sorted by id.
fn party_lines(rng: &mut Rng, n: usize) -> Vec<serde_json::Value> {
    let id = format!("NK-{n:08x}{:06x}", rng.next() & 0xff_ffff);
    let address_id = format!("addr-{n:08x}");
    let country = pick(rng, COUNTRIES);
    let person = rng.below(10) < 7;
    let names = if person { person_names(rng) } else { company_names(rng) };
    let mut properties = json!({
        "name": names[..1],
        "alias": names[1..],
        "topics": ["sanction"],
        "notes": [notes(rng)],
        "sourceUrl": [format!("https://example.org/list/{n}")],
        "addressEntity": [address_id],
    });
    let object = properties.as_object_mut().expect("a JSON object");
    if person {
        object.insert("birthDate".into(), json!([date(rng, 1940)]));
        object.insert("nationality".into(), json!([country]));
        object.insert("gender".into(), json!([if rng.below(2) == 0 { "male" } else { "female" }]));
        object.insert("passportNumber".into(), json!([format!("{:09}", rng.next() % 1_000_000_000)]));
    } else {
        object.insert("jurisdiction".into(), json!([country]));
        object
            .insert("registrationNumber".into(), json!([format!("{:013}", rng.next() % 10_000_000_000_000)]));
        object.insert("incorporationDate".into(), json!([date(rng, 1990)]));
    }
    let thing = json!({
        "id": id,
        "caption": names[0],
        "schema": if person { "Person" } else { "Company" },
        "properties": properties,
        "datasets": [DATASET],
        "referents": [format!("synthetic-{n}")],
        "first_seen": "2024-01-01T00:00:00",
        "last_seen": "2025-01-01T00:00:00",
        "target": true,
    });
    let mut lines = vec![thing];
    if rng.below(10) < 8 {
        lines.push(json!({
            "id": address_id,
            "schema": "Address",
            "properties": {
                "full": [format!("{} {}, {}", 1 + rng.below(200), pick(rng, NOTE_WORDS), pick(rng, CITIES))],
                "city": [pick(rng, CITIES)],
                "country": [country],
            },
            "datasets": [DATASET],
        }));
    }
    if rng.below(10) < 9 {
        lines.push(json!({
            "id": format!("sanction-{n:08x}"),
            "schema": "Sanction",
            "properties": {
                "entity": [id],
                "program": [pick(rng, PROGRAMS)],
                "authority": ["Synthetic Sanctions Office"],
                "listingDate": [date(rng, 2000)],
                "reason": [notes(rng)],
            },
            "datasets": [DATASET],
        }));
    }
    let turn = rng.below(lines.len());
    lines.rotate_left(turn);
    lines
}

/// What the synthetic file holds.
struct Synthetic {
    bytes: u64,
    lines: usize,
    parties: usize,
}

/// Writes party after party to `path` until it holds `target_bytes`.
fn write_synthetic(path: &Path, target_bytes: u64) -> anyhow::Result<Synthetic> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let mut rng = Rng(SEED);
    let mut synthetic = Synthetic { bytes: 0, lines: 0, parties: 0 };
    while synthetic.bytes < target_bytes {
        for line in party_lines(&mut rng, synthetic.parties) {
            let text = serde_json::to_string(&line)?;
            out.write_all(text.as_bytes())?;
            out.write_all(b"\n")?;
            synthetic.bytes += text.len() as u64 + 1;
            synthetic.lines += 1;
        }
        synthetic.parties += 1;
    }
    out.flush()?;
    Ok(synthetic)
}

/// One child process's run: its wall time, peak resident memory and standard output.
struct ChildRun {
    time: Duration,
    peak_kib: u64,
    stdout: String,
}

/// The prefix of the line in which a `read` child reports how many entities it read.
const ENTITIES_PREFIX: &str = "entities: ";

/// Runs this binary with `args` and [`crate::PEAK_MEMORY_ENV`] set; fails unless it succeeds
/// and reports its peak memory.
fn run_child(args: &[OsString]) -> anyhow::Result<ChildRun> {
    let exe = std::env::current_exe().context("finding the ward binary")?;
    let start = Instant::now();
    let output = Command::new(&exe)
        .args(args)
        .env(crate::PEAK_MEMORY_ENV, "1")
        .output()
        .with_context(|| format!("starting {}", exe.display()))?;
    let time = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    anyhow::ensure!(output.status.success(), "child {args:?} failed ({}): {stderr}", output.status);
    let peak_kib = stderr
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix(crate::PEAK_MEMORY_PREFIX))
        .and_then(|rest| rest.strip_suffix(" KiB"))
        .and_then(|kib| kib.parse().ok())
        .with_context(|| format!("child {args:?} reported no peak memory: {stderr}"))?;
    Ok(ChildRun { time, peak_kib, stdout: String::from_utf8_lossy(&output.stdout).into_owned() })
}

fn median<T: Copy + PartialOrd>(mut samples: Vec<T>) -> T {
    samples.sort_by(|a, b| a.partial_cmp(b).expect("comparable samples"));
    samples[samples.len() / 2]
}

/// `ward bench import --synthetic-mb N`.
pub(crate) fn run_synthetic(args: &BenchArgs, megabytes: u64) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(megabytes > 0, "--synthetic-mb must be at least 1");
    let runs = args.runs.max(1);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("synthetic.entities.ftm.json");
    let start = Instant::now();
    let synthetic = write_synthetic(&path, megabytes * MEGABYTE)?;
    let size_mb = synthetic.bytes as f64 / MEGABYTE as f64;
    out!(
        "synthetic FtM file: {size_mb:.1} MB, {} lines, {} parties (seed {SEED}), written in {:.1} s; {runs} runs",
        synthetic.lines,
        synthetic.parties,
        start.elapsed().as_secs_f64()
    )?;
    let read = |mode: &str| -> Vec<OsString> {
        vec!["bench".into(), "read".into(), "--read-mode".into(), mode.into(), path.clone().into()]
    };
    let children = [
        ("sha256 of the file (I/O floor)", Some(read("sha256"))),
        ("read streaming (read_unit_streaming)", Some(read("streaming"))),
        ("read whole (read_unit)", Some(read("whole"))),
        ("ward lists import", None),
    ];
    let mut results = Vec::new();
    for (label, child_args) in &children {
        let mut samples = Vec::new();
        for run in 0..runs {
            let store = dir.path().join(format!("store-{run}"));
            let import_args: Vec<OsString> = vec![
                "--data-dir".into(),
                store.clone().into(),
                "lists".into(),
                "import".into(),
                path.clone().into(),
            ];
            let child_args = child_args.as_ref().unwrap_or(&import_args);
            let child_run = run_child(child_args).with_context(|| format!("measuring {label}"))?;
            // A reader that lost or invented parties would be fast for the wrong reason.
            if let Some(count) = child_run.stdout.lines().find_map(|l| l.strip_prefix(ENTITIES_PREFIX)) {
                anyhow::ensure!(
                    count == synthetic.parties.to_string(),
                    "{label} read {count} entities, the file holds {} parties",
                    synthetic.parties
                );
            }
            samples.push(child_run);
            if store.exists() {
                std::fs::remove_dir_all(&store)?;
            }
        }
        let time = median(samples.iter().map(|s| s.time).collect());
        let peak_mb = median(samples.iter().map(|s| s.peak_kib).collect()) as f64 / 1024.0;
        results.push((label, time, peak_mb));
    }
    out!("{:<40} {:>12} {:>10} {:>14}", "child process (medians)", "time", "MB/s", "peak memory")?;
    for (label, time, peak_mb) in &results {
        out!(
            "{label:<40} {:>10.2} s {:>10.1} {:>11.0} MB",
            time.as_secs_f64(),
            size_mb / time.as_secs_f64(),
            peak_mb
        )?;
    }
    let (_, floor_time, _) = results[0];
    let (_, streaming_time, streaming_peak) = results[1];
    let (_, whole_time, whole_peak) = results[2];
    out!(
        "streaming vs whole: {:.2}x the peak memory, {:.2}x the time; streaming takes {:.1}x the I/O floor's time",
        streaming_peak / whole_peak,
        streaming_time.as_secs_f64() / whole_time.as_secs_f64(),
        streaming_time.as_secs_f64() / floor_time.as_secs_f64()
    )?;
    out!(
        "peak memory per MB of file: streaming {:.2} MB, whole {:.2} MB",
        streaming_peak / size_mb,
        whole_peak / size_mb
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `ward bench read --read-mode M FILE`: the child process [`run_synthetic`] measures.
pub(crate) fn run_read(args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let [path] = args.paths.as_slice() else {
        anyhow::bail!("bench read takes one list file");
    };
    match args.read_mode {
        ReadMode::Whole => {
            let list = ward_lists::read_unit(path)?;
            out!("{ENTITIES_PREFIX}{}", list.entities.len())?;
        }
        ReadMode::Streaming => {
            let mut n_entities = 0usize;
            let list = ward_lists::read_unit_streaming(path, &mut |_| n_entities += 1)?;
            out!("{ENTITIES_PREFIX}{}", n_entities + list.entities.len())?;
        }
        ReadMode::Sha256 => {
            let mut file = std::io::BufReader::new(std::fs::File::open(path)?);
            let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
            let mut buffer = vec![0u8; 1 << 16];
            loop {
                let n = file.read(&mut buffer)?;
                if n == 0 {
                    break;
                }
                sha2::Digest::update(&mut hasher, &buffer[..n]);
            }
            out!("sha256: {}", hex_digest(sha2::Digest::finalize(hasher).as_slice()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn hex_digest(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
