//! The server's update timer against a local publisher: a round at start makes the list
//! current and the snapshot holds it, a failing source is counted and the server goes on, and
//! /metrics gives each source's times, outcome and the age of its current version.

use super::*;
use crate::{AppState, Config};
use axum::http::StatusCode;
use std::path::Path;
use ward_fetch::{FetchConfig, Fetcher, Source, UpdateOptions};
use ward_store::{ImportPolicy, Store};

/// A publisher on 127.0.0.1 serving the UN excerpt at `/un.xml` and a 500 everywhere else.
async fn publisher() -> String {
    let un = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/lists/un-sc/un_excerpt_2026-02-27.xml"),
    )
    .unwrap();
    let app = axum::Router::new()
        .route("/un.xml", axum::routing::get(move || async move { un.clone() }))
        .fallback(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "down") });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

fn source(name: &str, url: String, dataset: &str) -> Source {
    Source { name: name.into(), url, file: "list.xml".into(), dataset: Some(dataset.into()), token_env: None }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timer_updates_rebuilds_and_reports_per_source() {
    let base = publisher().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let fetch = FetchConfig { retries: 1, backoff: Duration::from_millis(10), ..FetchConfig::default() };
    let sources = vec![
        source("un_sc_sanctions", format!("{base}/un.xml"), "un_sc_sanctions"),
        source("down", format!("{base}/down.xml"), "eu_fsf"),
    ];
    let mut sources = sources;
    // Configured without its dataset: the metrics learn it from the update.
    sources[0].dataset = None;
    let options = UpdateOptions { policy: ImportPolicy::default(), work_dir: dir.path().to_path_buf() };
    let updater = Arc::new(Updater::new(Fetcher::new(fetch).unwrap(), sources, options));
    let updates = ListUpdates { every: Duration::from_millis(300), updater };
    let config = Config { auth: false, updates: Some(updates), ..Config::default() };
    let state = AppState::new(store, config).unwrap();
    assert!(state.snapshot().versions.is_empty());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(crate::run(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    // The first round runs at start; the snapshot is rebuilt with its list.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !state.snapshot().has_dataset("un_sc_sanctions") {
        assert!(std::time::Instant::now() < deadline, "the update never reached the snapshot");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Let the failing source fail in a second round too: the server goes on.
    let failures = || {
        let sources = state.inner.updates.sources.lock().unwrap();
        sources["down"].failures
    };
    while failures() < 2 {
        assert!(std::time::Instant::now() < deadline, "the second round never ran");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let snapshot = state.snapshot();
    let text = state.inner.updates.render(&snapshot.versions);
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    let line = |prefix: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
            .to_string()
    };
    assert!(line("ward_list_update_last_success_timestamp_seconds{source=\"un_sc_sanctions\"} ").len() > 60);
    assert!(!text.contains("ward_list_update_last_success_timestamp_seconds{source=\"down\"}"), "{text}");
    line("ward_list_update_last_error_timestamp_seconds{source=\"down\"} ");
    assert!(line("ward_list_update_failures_total{source=\"down\"} ").ends_with(&format!(" {}", failures())));
    // The UN source is unchanged after its first round (same content again).
    assert!(line("ward_list_update_last_outcome{source=\"un_sc_sanctions\",outcome=\"").len() > 10);
    assert_eq!(
        line("ward_list_update_last_outcome{source=\"down\",outcome=\"failed\"} "),
        "ward_list_update_last_outcome{source=\"down\",outcome=\"failed\"} 1"
    );
    let age = line(
        "ward_list_current_version_age_seconds{source=\"un_sc_sanctions\",dataset=\"un_sc_sanctions\"} ",
    );
    let age: f64 = age.rsplit(' ').next().unwrap().parse().unwrap();
    assert!((0.0..30.0).contains(&age), "{age}");
    // The store remembers the attempts; /metrics serves the same families.
    let remembered = state.store().fetch_states().unwrap();
    assert_eq!(remembered.len(), 2);
    let metrics = crate::app(state.clone());
    let request = axum::http::Request::get("/metrics").body(axum::body::Body::empty()).unwrap();
    let response = tower::ServiceExt::oneshot(metrics, request).await.unwrap();
    let body = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("ward_list_update_failures_total{source=\"down\"}"));
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server).await.unwrap().unwrap().unwrap();
}

#[test]
fn metrics_start_from_what_the_store_remembers() {
    let updater = Updater::new(
        Fetcher::new(FetchConfig::default()).unwrap(),
        vec![source("un_sc_sanctions", "https://scsanctions.un.org/x.xml".into(), "un_sc_sanctions")],
        UpdateOptions { policy: ImportPolicy::default(), work_dir: std::env::temp_dir() },
    );
    let updates = ListUpdates { every: Duration::from_secs(3600), updater: Arc::new(updater) };
    let remembered = FetchState {
        source: "un_sc_sanctions".into(),
        url: "https://scsanctions.un.org/x.xml".into(),
        etag: None,
        last_modified: None,
        last_attempt_at: "2026-03-01T10:00:00.000Z".into(),
        last_outcome: "failed: https://scsanctions.un.org/x.xml: HTTP 503 Service Unavailable".into(),
        last_success_at: Some("2026-02-28T10:00:00.000Z".into()),
        last_error_at: Some("2026-03-01T10:00:00.000Z".into()),
        last_error: Some("HTTP 503".into()),
    };
    let metrics = UpdateMetrics::new(Some(&updates), &[remembered]);
    let text = metrics.render(&[]);
    assert!(
        text.contains(
            "ward_list_update_last_success_timestamp_seconds{source=\"un_sc_sanctions\"} 1772272800.000\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "ward_list_update_last_error_timestamp_seconds{source=\"un_sc_sanctions\"} 1772359200.000\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("ward_list_update_last_outcome{source=\"un_sc_sanctions\",outcome=\"failed\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains("ward_list_update_last_outcome{source=\"un_sc_sanctions\",outcome=\"updated\"} 0\n"),
        "{text}"
    );
    // No current version in the snapshot: no age.
    assert!(!text.contains("ward_list_current_version_age_seconds{"), "{text}");
    assert_eq!(UpdateMetrics::new(None, &[]).render(&[]), "");
}
