//! `ward bench alerts`: the review desk's alert queue with 100,000 alerts in a fresh `SQLite`
//! store: the median time of a queue page (first page, a deep page
//! by cursor, filtered by book, status and score, by assignee, by a common and a rare
//! programme), against a baseline measured in
//! the same run: the same page cut from every alert of the book read with `Store::alerts`.

use crate::bench::median;
use crate::bench_match::Rng;
use std::time::{Duration, Instant};
use ward_store::{
    Actor, Alert, AlertChange, AlertFilter, AlertReason, AlertStatus, AssigneeFilter, QueueQuery, QueueSort,
    Role, Store,
};

/// The page time the issue asks for.
const TARGET: Duration = Duration::from_millis(200);

/// The seed of the synthetic alerts.
const RANDOM_SEED: u64 = 14;

/// Alerts in the queue: the figure.
const ALERTS: usize = 100_000;

/// Alerts per committed screening step.
const CHUNK: usize = 5_000;

/// Alerts on a page.
const PAGE: usize = 50;

/// Pages walked by cursor before the deep page is timed.
const DEEP_PAGES: usize = 200;

/// Alerts taken by the bench's analyst.
const ASSIGNED: usize = 200;

/// Listed records the alerts point at.
const LISTED: usize = 20_000;

/// The programmes of the listed records, each drawn with the weight beside it: one common,
/// most middling, one rare (1 record in 400).
const PROGRAMMES: &[(&str, usize)] = &[
    ("SDGT", 120),
    ("RUSSIA-EO14024", 80),
    ("IRAN", 60),
    ("UKRAINE-EO13660", 50),
    ("CYBER2", 40),
    ("GLOMAG", 30),
    ("NPWMD", 19),
    ("CAATSA-RUSSIA", 1),
];

/// The common programme the bench filters by.
const COMMON_PROGRAMME: &str = "SDGT";
/// The rare programme the bench filters by.
const RARE_PROGRAMME: &str = "CAATSA-RUSSIA";

const BOOK: &str = "bench";
const OTHER_BOOK: &str = "other";

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// The listed records the alerts point at (`us_ofac_sdn:0` ...), each designated under one
/// programme drawn from [`PROGRAMMES`].
fn listed() -> ward_model::ParsedList {
    let mut rng = Rng(RANDOM_SEED + 1);
    let total: usize = PROGRAMMES.iter().map(|(_, weight)| weight).sum();
    let mut list = ward_model::ParsedList::new("us_ofac_sdn", "sdn_xml");
    list.meta.published = Some("2026-01-01".to_string());
    list.sources.push(ward_model::SourceFile { name: "bench.xml".into(), sha256: "bench".into(), size: 1 });
    for index in 0..LISTED {
        let mut draw = rng.below(total);
        let programme = PROGRAMMES
            .iter()
            .find(|(_, weight)| {
                let found = draw < *weight;
                draw = draw.saturating_sub(*weight);
                found
            })
            .map_or(COMMON_PROGRAMME, |(name, _)| name);
        let mut entity =
            ward_model::Entity::new("us_ofac_sdn", &index.to_string(), ward_model::Schema::Person);
        entity
            .add_name(ward_model::Name::new(format!("Listed Person {index}"), ward_model::NameKind::Primary));
        entity.designations.push(ward_model::Designation {
            programs: vec![programme.to_string()],
            ..ward_model::Designation::default()
        });
        list.entities.push(entity);
    }
    list
}

/// `count` alerts over two books, with seeded scores, reasons and statuses, on the listed
/// records of list version `version`.
fn alerts(count: usize, version: i64) -> Vec<Alert> {
    let mut rng = Rng(RANDOM_SEED);
    let statuses = [
        AlertStatus::Open,
        AlertStatus::Open,
        AlertStatus::Open,
        AlertStatus::Dismissed,
        AlertStatus::Closed,
    ];
    (0..count)
        .map(|index| {
            let book = if index % 4 == 3 { OTHER_BOOK } else { BOOK };
            let status = statuses[rng.below(statuses.len())];
            Alert {
                id: 0,
                book: book.to_string(),
                customer_id: format!("c{index}"),
                customer_name: format!("Customer {index}"),
                subject_id: format!("us_ofac_sdn:{}", rng.below(LISTED)),
                referents: vec![format!("us_ofac_sdn:{}", rng.below(LISTED))],
                score: 0.7 + rng.below(3_000) as f64 / 10_000.0,
                explanations: vec!["names match".to_string()],
                reason: AlertReason::ALL[rng.below(AlertReason::ALL.len())],
                status,
                close_reason: (status == AlertStatus::Closed).then_some(ward_store::CloseReason::Delisted),
                list_versions: vec![version],
                created_at: String::new(),
                updated_at: String::new(),
            }
        })
        .collect()
}

/// Times `work` `runs` times; the median.
fn time<T>(
    runs: usize,
    mut work: impl FnMut() -> anyhow::Result<T>,
    check: impl Fn(&T),
) -> anyhow::Result<Duration> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let out = work()?;
        samples.push(start.elapsed());
        check(&out);
    }
    Ok(median(samples))
}

/// The baseline: every alert of the book read, filtered, sorted and cut in memory.
fn naive_page(store: &Store, min_score: f64) -> anyhow::Result<Vec<Alert>> {
    let mut all = store.alerts(&AlertFilter {
        book: Some(BOOK.to_string()),
        status: Some(AlertStatus::Open),
        ..AlertFilter::default()
    })?;
    all.retain(|a| a.score >= min_score);
    all.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.id.cmp(&a.id)));
    all.truncate(PAGE);
    Ok(all)
}

pub(crate) fn run(args: &crate::args::BenchArgs) -> anyhow::Result<()> {
    let count = ALERTS;
    let runs = args.runs.max(5);
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let start = Instant::now();
    for book in [BOOK, OTHER_BOOK] {
        store.create_book(book)?;
    }
    let state = store.book(BOOK)?.ok_or_else(|| anyhow::anyhow!("the bench book is missing"))?;
    let version = store.import(&listed())?.version;
    let generated = alerts(count, version.id);
    for chunk in generated.chunks(CHUNK) {
        let changes: Vec<AlertChange> = chunk.iter().cloned().map(AlertChange::Raise).collect();
        store.commit_screening(&state, &changes)?;
    }
    let ann = Actor::new("ann", Role::Analyst);
    let first = store.alert_queue(&QueueQuery { limit: Some(ASSIGNED), ..QueueQuery::default() })?;
    for item in &first.items {
        store.assign_alert(item.alert.id, &ann, Some("ann"))?;
    }
    println!(
        "alerts: {count} in a fresh SQLite store ({} s to write, with their history)",
        start.elapsed().as_secs()
    );

    let min_score = 0.9;
    let filtered = QueueQuery {
        book: Some(BOOK.to_string()),
        status: Some(AlertStatus::Open),
        min_score: Some(min_score),
        sort: QueueSort::ScoreDesc,
        limit: Some(PAGE),
        ..QueueQuery::default()
    };
    let expected = naive_page(&store, min_score)?;
    let full_page = |page: &ward_store::QueuePage| assert_eq!(page.items.len(), PAGE, "a full page");
    let queue_filtered = time(
        runs,
        || Ok(store.alert_queue(&filtered)?),
        |page| {
            let ids: Vec<i64> = page.items.iter().map(|i| i.alert.id).collect();
            assert_eq!(
                ids,
                expected.iter().map(|a| a.id).collect::<Vec<_>>(),
                "the queue page equals the baseline's"
            );
        },
    )?;
    let oldest = QueueQuery { status: Some(AlertStatus::Open), limit: Some(PAGE), ..QueueQuery::default() };
    let queue_oldest = time(runs, || Ok(store.alert_queue(&oldest)?), full_page)?;
    let mut cursor = None;
    for _ in 0..DEEP_PAGES {
        cursor = store.alert_queue(&QueueQuery { after: cursor.clone(), ..oldest.clone() })?.next;
    }
    let deep = QueueQuery { after: cursor, ..oldest.clone() };
    let queue_deep = time(runs, || Ok(store.alert_queue(&deep)?), full_page)?;
    let mine = QueueQuery {
        assignee: Some(AssigneeFilter::Person("ann".to_string())),
        limit: Some(PAGE),
        ..QueueQuery::default()
    };
    let queue_mine = time(runs, || Ok(store.alert_queue(&mine)?), full_page)?;
    let newest = QueueQuery { sort: QueueSort::Newest, limit: Some(PAGE), ..QueueQuery::default() };
    let queue_newest = time(runs, || Ok(store.alert_queue(&newest)?), full_page)?;
    let common = QueueQuery { programme: Some(COMMON_PROGRAMME.to_string()), ..oldest.clone() };
    let queue_common = time(runs, || Ok(store.alert_queue(&common)?), full_page)?;
    let rare = QueueQuery {
        programme: Some(RARE_PROGRAMME.to_string()),
        sort: QueueSort::ScoreDesc,
        ..oldest.clone()
    };
    let queue_rare = time(
        runs,
        || Ok(store.alert_queue(&rare)?),
        |page| assert!(!page.items.is_empty(), "the rare programme has open alerts"),
    )?;
    let baseline = time(runs, || naive_page(&store, min_score), |page| assert_eq!(page.len(), PAGE))?;

    println!("queue page of {PAGE}, median of {runs} runs (target < {} ms):", TARGET.as_millis());
    for (what, took) in [
        ("book + open + score >= 0.9, by score", queue_filtered),
        ("open, oldest first, page 1", queue_oldest),
        (&format!("open, oldest first, page {}", DEEP_PAGES + 1) as &str, queue_deep),
        ("assigned to ann", queue_mine),
        ("all, newest first", queue_newest),
        (&format!("open, programme {COMMON_PROGRAMME}, oldest first") as &str, queue_common),
        (&format!("open, programme {RARE_PROGRAMME}, by score") as &str, queue_rare),
    ] {
        let verdict = if took < TARGET { "ok" } else { "OVER TARGET" };
        println!("  {what:<40} {:>10}  {verdict}", ms(took));
    }
    println!(
        "baseline (every open alert of the book read, sorted, cut): {} ({:.0}x the queue's filtered page)",
        ms(baseline),
        baseline.as_secs_f64() / queue_filtered.as_secs_f64().max(1e-9)
    );
    Ok(())
}
