//! `ward bench alerts`: the review desk's alert queue with 100,000 alerts in a fresh `SQLite`
//! store: the median time of a queue page (first page, a deep page
//! by cursor, filtered by book, status and score, by assignee), against a baseline measured in
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

const BOOK: &str = "bench";
const OTHER_BOOK: &str = "other";

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// `count` alerts over two books, with seeded scores, reasons and statuses.
fn alerts(count: usize) -> Vec<Alert> {
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
                subject_id: format!("us_ofac_sdn:{}", rng.below(20_000)),
                referents: vec![format!("us_ofac_sdn:{}", rng.below(20_000))],
                score: 0.7 + rng.below(3_000) as f64 / 10_000.0,
                explanations: vec!["names match".to_string()],
                reason: AlertReason::ALL[rng.below(AlertReason::ALL.len())],
                status,
                close_reason: (status == AlertStatus::Closed).then_some(ward_store::CloseReason::Delisted),
                list_versions: vec![1],
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
    let generated = alerts(count);
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
    let baseline = time(runs, || naive_page(&store, min_score), |page| assert_eq!(page.len(), PAGE))?;

    println!("queue page of {PAGE}, median of {runs} runs (target < {} ms):", TARGET.as_millis());
    for (what, took) in [
        ("book + open + score >= 0.9, by score", queue_filtered),
        ("open, oldest first, page 1", queue_oldest),
        (&format!("open, oldest first, page {}", DEEP_PAGES + 1) as &str, queue_deep),
        ("assigned to ann", queue_mine),
        ("all, newest first", queue_newest),
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
