//! `ward bench desk`: the review desk's alert queue page over a book of 100,000 alerts, served
//! through the real router (session check, keyset query, HTML), against a baseline that reads
//! the filtered alerts and sorts and pages them in memory, measured in the same run.

use crate::args::BenchArgs;
use crate::bench_match::Rng;
use anyhow::Context;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use std::time::{Duration, Instant};
use tower::ServiceExt;
use ward_store::{Alert, AlertChange, AlertFilter, AlertReason, AlertStatus, Customer, Role, SignIn, Store};

/// Alerts in the benchmark's book.
const ALERTS: usize = 100_000;

/// Alerts written per transaction while seeding.
const SEED_BATCH: usize = 5_000;

/// The queue's page size, as the desk serves it.
const PAGE: usize = ward_desk::QUEUE_PAGE;

/// The target for one queue page.
const TARGET: Duration = Duration::from_millis(200);

const PASSWORD: &str = "bench desk password";

fn seed(store: &Store) -> anyhow::Result<i64> {
    let book = store.create_book("bench")?;
    let mut rng = Rng(0x5eed_de5c);
    let customers: Vec<Customer> = (0..ALERTS)
        .map(|i| Customer { id: format!("c{i:06}"), name: format!("Customer {i}"), ..Customer::default() })
        .collect();
    store.write_customers("bench", &customers, &[])?;
    let mut last = 0;
    for start in (0..ALERTS).step_by(SEED_BATCH) {
        let changes: Vec<AlertChange> = (start..(start + SEED_BATCH).min(ALERTS))
            .map(|i| {
                let open = rng.below(4) != 0;
                AlertChange::Raise(Alert {
                    id: 0,
                    book: "bench".into(),
                    customer_id: format!("c{i:06}"),
                    customer_name: format!("Customer {i}"),
                    subject_id: format!("us_ofac_sdn:{}", rng.below(20_000)),
                    referents: Vec::new(),
                    score: 0.7 + (rng.below(3000) as f64) / 10_000.0,
                    explanations: vec!["names match".into()],
                    reason: AlertReason::ALL[rng.below(AlertReason::ALL.len())],
                    status: if open { AlertStatus::Open } else { AlertStatus::Dismissed },
                    close_reason: None,
                    list_versions: vec![1],
                    created_at: String::new(),
                    updated_at: String::new(),
                })
            })
            .collect();
        last = *store.commit_screening(&book, &changes)?.last().unwrap_or(&last);
    }
    Ok(last)
}

/// The baseline: every alert of the filter read, sorted by score and paged by offset.
fn baseline(store: &Store, offset: usize) -> anyhow::Result<usize> {
    let mut alerts = store.alerts(&AlertFilter {
        book: Some("bench".into()),
        status: Some(AlertStatus::Open),
        ..AlertFilter::default()
    })?;
    alerts.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.id.cmp(&a.id)));
    Ok(alerts.into_iter().skip(offset).take(PAGE).count())
}

pub(crate) fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path()).context("opening the bench store")?;
    let started = Instant::now();
    let last_id = seed(&store)?;
    eprintln!("seeded {ALERTS} alerts in {:.1} s", started.elapsed().as_secs_f64());
    store.create_user("bench", Role::Analyst, PASSWORD)?;
    let SignIn::Accepted(session) = store.sign_in("bench", PASSWORD)? else {
        anyhow::bail!("the bench user could not sign in");
    };
    let cookie = format!("{}={}", ward_desk::SESSION_COOKIE, session.token);
    let state = ward_http::AppState::new(store, ward_http::Config::default())?;
    let app = ward_http::app(state.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let deep = last_id - (ALERTS as i64) / 10;
    let deep_created = state.store().alert(deep)?.map(|alert| alert.created_at).unwrap_or_default();
    let pages = [
        ("newest, first page", "/desk/alerts".to_string()),
        ("open, by score, first page", "/desk/alerts?book=bench&status=open&sort=score-desc".to_string()),
        (
            "open, by score, deep",
            format!("/desk/alerts?book=bench&status=open&sort=score-desc&after=0.75%7C{deep}"),
        ),
        (
            "oldest, 90% deep",
            format!("/desk/alerts?sort=oldest&after={}%7C{deep}", deep_created.replace(':', "%3A")),
        ),
        ("unassigned, open", "/desk/alerts?status=open&assignee=unassigned".to_string()),
        ("reason and min score", "/desk/alerts?reason=new-designation&min_score=0.95".to_string()),
    ];
    let runs = args.runs.max(1);
    let mut medians = Vec::new();
    for (what, uri) in &pages {
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            let request = Request::get(uri.as_str()).header("cookie", &cookie).body(Body::empty())?;
            let app = app.clone();
            let started = Instant::now();
            let body = runtime.block_on(async move {
                let response = app.oneshot(request).await?;
                anyhow::ensure!(response.status() == StatusCode::OK, "{uri}: {}", response.status());
                let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
                Ok(bytes)
            })?;
            samples.push(started.elapsed());
            anyhow::ensure!(
                body.windows(b"/desk/alerts/".len()).any(|window| window == b"/desk/alerts/"),
                "{what}: the page lists no alert"
            );
        }
        samples.sort();
        let median = samples[samples.len() / 2];
        println!("desk queue page, {what}: median {:.1} ms over {runs} runs", median.as_secs_f64() * 1000.0);
        medians.push(median);
    }
    let store = state.store();
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let shown = baseline(store, ALERTS * 9 / 10 * 3 / 4)?;
        samples.push(started.elapsed());
        anyhow::ensure!(shown <= PAGE, "the baseline paged wrong");
    }
    samples.sort();
    let base = samples[samples.len() / 2];
    let worst = medians.iter().max().copied().unwrap_or_default();
    println!(
        "baseline (read the open alerts, sort, skip): median {:.1} ms; slowest desk page {:.1} ms, {:.1}x faster; target {} ms: {}",
        base.as_secs_f64() * 1000.0,
        worst.as_secs_f64() * 1000.0,
        base.as_secs_f64() / worst.as_secs_f64().max(1e-9),
        TARGET.as_millis(),
        if worst < TARGET { "met" } else { "MISSED" }
    );
    Ok(())
}
