//! List updates against a local HTTP server that serves the real lists (`../shared/data/lists`,
//! or the bundled `data/lists` where the shared data is absent) and reproduces what publishers
//! do wrong: 500, 404, an HTML page with status 200, a truncated file, a stalled connection,
//! redirects, unchanged files (304 by `ETag` and by Last-Modified) and a much smaller file.
//! After every failure the store's current versions must be the ones before it.

use axum::body::Body;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use ward_fetch::{FetchConfig, Fetcher, Outcome, Source, SourceReport, Unchanged, UpdateOptions, Updater};
use ward_store::{ImportPolicy, Store};

/// The read timeout of the tests: a stalled connection fails after it.
const READ_TIMEOUT: Duration = Duration::from_millis(400);
/// Tries after the first, in the tests.
const RETRIES: u32 = 2;

/// What the server answers on one path.
#[derive(Clone)]
enum Route {
    /// The file, with its validators (answered 304 when the request's match).
    File { body: Arc<Vec<u8>>, etag: Option<String>, last_modified: Option<String> },
    /// This status and a short text.
    Status(StatusCode),
    /// An HTML error page, status 200.
    Html,
    /// Accepts the request and never answers.
    Stall,
    /// Sends the headers and the first bytes of the file, then nothing more.
    StallInBody(Arc<Vec<u8>>),
    /// 302 to this URL.
    Redirect(String),
}

/// The server's routes and what it saw.
#[derive(Default)]
struct Served {
    routes: HashMap<String, Route>,
    /// Requests per path.
    hits: HashMap<String, u32>,
    /// Requests per path that carried validators.
    conditional: HashMap<String, u32>,
    /// The query strings seen, per path.
    queries: HashMap<String, Vec<String>>,
}

/// A publisher on 127.0.0.1.
struct Publisher {
    base: String,
    served: Arc<Mutex<Served>>,
}

impl Publisher {
    async fn start() -> Publisher {
        let served = Arc::new(Mutex::new(Served::default()));
        let state = Arc::clone(&served);
        let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
            let state = Arc::clone(&state);
            async move { answer(&state, &uri, &headers).await }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Publisher { base, served }
    }

    fn route(&self, path: &str, route: Route) {
        self.served.lock().unwrap().routes.insert(path.to_string(), route);
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn hits(&self, path: &str) -> u32 {
        self.served.lock().unwrap().hits.get(path).copied().unwrap_or(0)
    }

    fn conditional(&self, path: &str) -> u32 {
        self.served.lock().unwrap().conditional.get(path).copied().unwrap_or(0)
    }
}

async fn answer(state: &Mutex<Served>, uri: &Uri, headers: &HeaderMap) -> Response {
    let path = uri.path().to_string();
    let route = {
        let mut served = state.lock().unwrap();
        *served.hits.entry(path.clone()).or_default() += 1;
        if headers.contains_key(header::IF_NONE_MATCH) || headers.contains_key(header::IF_MODIFIED_SINCE) {
            *served.conditional.entry(path.clone()).or_default() += 1;
        }
        served.queries.entry(path.clone()).or_default().push(uri.query().unwrap_or_default().to_string());
        served.routes.get(&path).cloned()
    };
    let header_text = |name| headers.get(name).and_then(|v: &header::HeaderValue| v.to_str().ok());
    match route {
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
        Some(Route::File { body, etag, last_modified }) => {
            let etag_matches = etag.is_some() && header_text(header::IF_NONE_MATCH) == etag.as_deref();
            let date_matches = etag.is_none()
                && last_modified.is_some()
                && header_text(header::IF_MODIFIED_SINCE) == last_modified.as_deref();
            let mut response = if etag_matches || date_matches {
                StatusCode::NOT_MODIFIED.into_response()
            } else {
                Response::new(Body::from(body.as_ref().clone()))
            };
            if let Some(etag) = etag {
                response.headers_mut().insert(header::ETAG, etag.parse().unwrap());
            }
            if let Some(last_modified) = last_modified {
                response.headers_mut().insert(header::LAST_MODIFIED, last_modified.parse().unwrap());
            }
            response
        }
        Some(Route::Status(status)) => (status, "error").into_response(),
        Some(Route::Html) => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html>\n<html><head><title>Site maintenance</title></head><body>Back soon.</body></html>",
        )
            .into_response(),
        Some(Route::Stall) => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::OK.into_response()
        }
        Some(Route::StallInBody(body)) => {
            let first = bytes_of(&body[..body.len().min(4096)]);
            let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) })
                .chain(futures_util::stream::pending());
            let mut response = Response::new(Body::from_stream(stream));
            response.headers_mut().insert(header::CONTENT_LENGTH, body.len().into());
            response
        }
        Some(Route::Redirect(to)) => (StatusCode::FOUND, [(header::LOCATION, to)]).into_response(),
    }
}

fn bytes_of(slice: &[u8]) -> axum::body::Bytes {
    axum::body::Bytes::copy_from_slice(slice)
}

use futures_util::StreamExt as _;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A real list: the file under the shared data (`$WARD_SHARED_DATA`, else `../shared/data`), or
/// else the bundled copy in `data/lists`, decompressed.
fn real_list(shared: &str, bundled: &str) -> Arc<Vec<u8>> {
    let base =
        std::env::var_os("WARD_SHARED_DATA").map_or_else(|| repo().join("../shared/data"), PathBuf::from);
    let path = base.join("lists").join(shared);
    if let Ok(bytes) = std::fs::read(&path) {
        return Arc::new(bytes);
    }
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(repo().join("data/lists").join(bundled)).unwrap())
        .read_to_end(&mut bytes)
        .unwrap();
    Arc::new(bytes)
}

fn un_list() -> Arc<Vec<u8>> {
    real_list("un-sc/un_consolidated_2026-02-27.xml", "un-sc/un_consolidated_2026-02-27.xml.gz")
}

fn sdn_list() -> Arc<Vec<u8>> {
    real_list("us-ofac/sdn-csv-2024-05-03/sdn.csv", "us-ofac-sdn/sdn.csv.gz")
}

fn file(body: Arc<Vec<u8>>) -> Route {
    Route::File { body, etag: None, last_modified: None }
}

/// A store and the settings of one test.
struct Bench {
    store: Arc<Store>,
    dir: tempfile::TempDir,
    publisher: Publisher,
}

impl Bench {
    async fn new() -> Bench {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(dir.path()).unwrap());
        Bench { store, dir, publisher: Publisher::start().await }
    }

    async fn on(store: Store) -> Bench {
        Bench {
            store: Arc::new(store),
            dir: tempfile::tempdir().unwrap(),
            publisher: Publisher::start().await,
        }
    }

    fn source(&self, name: &str, path: &str, file: &str, dataset: &str) -> Source {
        Source {
            name: name.into(),
            url: self.publisher.url(path),
            file: file.into(),
            dataset: Some(dataset.into()),
            token_env: None,
        }
    }

    fn updater(&self, sources: Vec<Source>, allow_shrink: bool) -> Updater {
        self.updater_with(sources, allow_shrink, test_config())
    }

    fn updater_with(&self, sources: Vec<Source>, allow_shrink: bool, config: FetchConfig) -> Updater {
        let options = UpdateOptions {
            policy: ImportPolicy { allow_shrink, ..ImportPolicy::default() },
            work_dir: self.dir.path().to_path_buf(),
        };
        Updater::new(Fetcher::new(config).unwrap(), sources, options)
    }

    /// Runs one round over `sources` and returns the reports.
    async fn run(&self, sources: Vec<Source>) -> Vec<SourceReport> {
        self.updater(sources, false).run(&self.store).await
    }

    /// The current version ids.
    fn current(&self) -> Vec<i64> {
        self.store.current_versions().unwrap().iter().map(|v| v.id).collect()
    }

    /// Runs `source`, expects it to fail with a reason holding `expect`, and the current
    /// versions to stay as they were. Returns the reason.
    async fn expect_failure(&self, source: Source, expect: &str) -> String {
        let before = self.current();
        let reports = self.run(vec![source]).await;
        let Outcome::Failed { reason } = &reports[0].outcome else {
            panic!("failure expected: {}", reports[0])
        };
        assert!(reason.contains(expect), "{reason:?} lacks {expect:?}");
        assert_eq!(self.current(), before, "a failed update changed the current versions");
        // Nothing of the download is left behind.
        let left: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(".ward-fetch-"))
            .collect();
        assert!(left.is_empty(), "download folders left: {left:?}");
        reason.clone()
    }

    /// Imports the real UN list through the updater, as the good version failures must keep.
    async fn with_un_version(&self) -> Source {
        self.publisher.route("/good/un.xml", file(un_list()));
        let source = self.source("un_sc_sanctions", "/good/un.xml", "un.xml", "un_sc_sanctions");
        let reports = self.run(vec![source.clone()]).await;
        assert!(matches!(reports[0].outcome, Outcome::Updated { number: 1, .. }), "{}", reports[0]);
        source
    }
}

/// The fetch settings of the tests: short timeouts and backoff.
fn test_config() -> FetchConfig {
    FetchConfig {
        connect_timeout: Duration::from_secs(2),
        read_timeout: READ_TIMEOUT,
        total_timeout: Duration::from_secs(20),
        retries: RETRIES,
        backoff: Duration::from_millis(10),
        ..FetchConfig::default()
    }
}

fn updated_number(report: &SourceReport) -> i64 {
    match &report.outcome {
        Outcome::Updated { number, .. } => *number,
        _ => panic!("update expected: {report}"),
    }
}

#[tokio::test]
async fn an_etag_makes_an_unchanged_list_a_304() {
    let bench = Bench::new().await;
    let publisher = &bench.publisher;
    let etag = "\"un-2026-02-27\"".to_string();
    publisher
        .route("/un.xml", Route::File { body: un_list(), etag: Some(etag.clone()), last_modified: None });
    let source = bench.source("un_sc_sanctions", "/un.xml", "consolidated.xml", "un_sc_sanctions");
    let first = bench.run(vec![source.clone()]).await;
    assert_eq!(updated_number(&first[0]), 1);
    assert!(first[0].to_string().starts_with("un_sc_sanctions: updated to version 1 ("), "{}", first[0]);
    let state = bench.store.fetch_state("un_sc_sanctions").unwrap().unwrap();
    assert_eq!(state.etag, Some(etag));
    // The version records where its file came from.
    let version = &bench.store.current_versions().unwrap()[0];
    assert_eq!(version.sources[0].name, source.url);
    assert_eq!(version.counts.entities, un_entities(&bench));
    let second = bench.run(vec![source]).await;
    assert_eq!(second[0].outcome, Outcome::Unchanged(Unchanged::NotModified));
    assert_eq!(second[0].to_string(), "un_sc_sanctions: unchanged (304 Not Modified)");
    assert_eq!((publisher.hits("/un.xml"), publisher.conditional("/un.xml")), (2, 1));
    assert_eq!(bench.store.versions().unwrap().len(), 1);
}

fn un_entities(bench: &Bench) -> u64 {
    bench.store.current_entities().unwrap().iter().filter(|e| e.dataset == "un_sc_sanctions").count() as u64
}

#[tokio::test]
async fn last_modified_makes_a_304_and_the_same_file_again_is_unchanged() {
    let bench = Bench::new().await;
    let publisher = &bench.publisher;
    let date = "Fri, 27 Feb 2026 18:00:00 GMT".to_string();
    publisher
        .route("/sdn.csv", Route::File { body: sdn_list(), etag: None, last_modified: Some(date.clone()) });
    let source = bench.source("us_ofac_sdn", "/sdn.csv", "sdn.csv", "us_ofac_sdn");
    assert_eq!(updated_number(&bench.run(vec![source.clone()]).await[0]), 1);
    let second = bench.run(vec![source.clone()]).await;
    assert_eq!(second[0].outcome, Outcome::Unchanged(Unchanged::NotModified));
    assert_eq!(publisher.conditional("/sdn.csv"), 1);
    // A publisher without validators sends the same file again: it is recognised by content.
    publisher.route("/sdn.csv", file(sdn_list()));
    let third = bench.run(vec![source]).await;
    assert_eq!(third[0].outcome, Outcome::Unchanged(Unchanged::SameContent { number: 1 }));
    assert_eq!(third[0].to_string(), "us_ofac_sdn: unchanged (same content as version 1)");
    let state = bench.store.fetch_state("us_ofac_sdn").unwrap().unwrap();
    assert_eq!((state.etag, state.last_modified), (None, None));
}

#[tokio::test]
async fn server_errors_are_retried_then_fail() {
    let bench = Bench::new().await;
    bench.with_un_version().await;
    bench.publisher.route("/un.xml", Route::Status(StatusCode::INTERNAL_SERVER_ERROR));
    let source = bench.source("un_sc_sanctions", "/un.xml", "un.xml", "un_sc_sanctions");
    let reason = bench.expect_failure(source, "HTTP 500 Internal Server Error").await;
    assert!(reason.ends_with(&format!("(after {} tries)", RETRIES + 1)), "{reason}");
    assert_eq!(bench.publisher.hits("/un.xml"), RETRIES + 1);
    // The failure is recorded; the last success is kept.
    let state = bench.store.fetch_state("un_sc_sanctions").unwrap().unwrap();
    assert!(state.last_outcome.starts_with("failed: "), "{}", state.last_outcome);
    assert!(state.last_success_at.is_some() && state.last_error_at.is_some());
}

#[tokio::test]
async fn not_found_is_not_retried() {
    let bench = Bench::new().await;
    bench.with_un_version().await;
    let source = bench.source("un_sc_sanctions", "/moved.xml", "un.xml", "un_sc_sanctions");
    let reason = bench.expect_failure(source, "HTTP 404 Not Found").await;
    assert!(!reason.contains("tries"), "{reason}");
    assert_eq!(bench.publisher.hits("/moved.xml"), 1);
}

#[tokio::test]
async fn an_html_page_with_status_200_is_refused() {
    let bench = Bench::new().await;
    bench.with_un_version().await;
    bench.publisher.route("/un.xml", Route::Html);
    let source = bench.source("un_sc_sanctions", "/un.xml", "un.xml", "un_sc_sanctions");
    bench.expect_failure(source, "sent an HTML page (status 200), not the list file").await;
    assert_eq!(bench.publisher.hits("/un.xml"), 1);
}

#[tokio::test]
async fn a_truncated_file_is_refused() {
    let bench = Bench::new().await;
    bench.with_un_version().await;
    let whole = un_list();
    bench.publisher.route("/un.xml", file(Arc::new(whole[..whole.len() / 2].to_vec())));
    let source = bench.source("un_sc_sanctions", "/un.xml", "un.xml", "un_sc_sanctions");
    let reason = bench.expect_failure(source.clone(), "not imported, the current version stays").await;
    assert!(reason.starts_with(&format!("un.xml from {}", source.url)), "{reason}");
    // A refused file leaves no validators behind: the next round downloads it again.
    assert_eq!(bench.store.fetch_state("un_sc_sanctions").unwrap().unwrap().etag, None);
}

#[tokio::test]
async fn a_stalled_connection_times_out() {
    let bench = Bench::new().await;
    bench.with_un_version().await;
    bench.publisher.route("/stall.xml", Route::Stall);
    bench.publisher.route("/stall-in-body.xml", Route::StallInBody(un_list()));
    for path in ["/stall.xml", "/stall-in-body.xml"] {
        let started = Instant::now();
        let source = bench.source("un_sc_sanctions", path, "un.xml", "un_sc_sanctions");
        let reason = bench.expect_failure(source, "timed out: no data for").await;
        assert!(reason.contains(&format!("(after {} tries)", RETRIES + 1)), "{reason}");
        assert_eq!(bench.publisher.hits(path), RETRIES + 1);
        // Each try gives up after the read timeout, not the hour the server would wait.
        assert!(started.elapsed() < READ_TIMEOUT * 10, "{path}: {:?}", started.elapsed());
    }
}

#[tokio::test]
async fn redirects_are_followed_only_to_https_or_between_loopback_hosts() {
    let bench = Bench::new().await;
    let publisher = &bench.publisher;
    publisher.route("/files/un.xml", file(un_list()));
    publisher.route("/latest", Route::Redirect(publisher.url("/files/un.xml")));
    let followed =
        bench.run(vec![bench.source("un_sc_sanctions", "/latest", "un.xml", "un_sc_sanctions")]).await;
    assert_eq!(updated_number(&followed[0]), 1);
    // A redirect to plain http elsewhere is refused before any connection.
    publisher.route("/insecure", Route::Redirect("http://192.0.2.1/un.xml".into()));
    let source = bench.source("un_sc_sanctions", "/insecure", "un.xml", "un_sc_sanctions");
    bench.expect_failure(source, "http://192.0.2.1/un.xml: refused: only https is fetched").await;
    // So is a source on plain http elsewhere, and a redirect loop ends.
    let mut direct = bench.source("un_sc_sanctions", "/", "un.xml", "un_sc_sanctions");
    direct.url = "http://192.0.2.1/un.xml".into();
    bench.expect_failure(direct, "refused: only https is fetched").await;
    publisher.route("/loop", Route::Redirect(publisher.url("/loop")));
    bench
        .expect_failure(
            bench.source("un_sc_sanctions", "/loop", "un.xml", "un_sc_sanctions"),
            "more than 5 redirects",
        )
        .await;
}

#[tokio::test]
async fn a_much_smaller_file_is_held_back_until_forced() {
    let bench = Bench::new().await;
    let publisher = &bench.publisher;
    publisher.route(
        "/sdn.csv",
        Route::File { body: sdn_list(), etag: Some("\"full\"".into()), last_modified: None },
    );
    let source = bench.source("us_ofac_sdn", "/sdn.csv", "sdn.csv", "us_ofac_sdn");
    assert_eq!(updated_number(&bench.run(vec![source.clone()]).await[0]), 1);
    // The publisher serves a fifth of the file, cut after a whole line: it parses, and only the
    // shrink guard can tell.
    let whole = sdn_list();
    let cut = whole[..whole.len() / 5].iter().rposition(|&b| b == b'\n').unwrap() + 1;
    publisher.route(
        "/sdn.csv",
        Route::File {
            body: Arc::new(whole[..cut].to_vec()),
            etag: Some("\"cut\"".into()),
            last_modified: None,
        },
    );
    let reason = bench.expect_failure(source.clone(), "the new version would remove").await;
    assert!(reason.contains("version 1 stays current"), "{reason}");
    // Held back again on the next round: the refused file's validators were not kept.
    bench.expect_failure(source.clone(), "the new version would remove").await;
    assert_eq!(bench.store.fetch_state("us_ofac_sdn").unwrap().unwrap().etag.as_deref(), Some("\"full\""));
    // Forced, it becomes current, with a note.
    let forced = bench.updater(vec![source], true).run(&bench.store).await;
    let Outcome::Updated { number: 2, removed, note: Some(note), .. } = &forced[0].outcome else {
        panic!("forced update expected: {}", forced[0])
    };
    assert!(*removed > 0 && note.contains("allow_shrink"), "{}", forced[0]);
    assert_eq!(bench.store.fetch_state("us_ofac_sdn").unwrap().unwrap().etag.as_deref(), Some("\"cut\""));
}

#[tokio::test]
async fn one_failing_source_does_not_stop_the_others() {
    let bench = Bench::new().await;
    bench.publisher.route("/un.xml", file(un_list()));
    bench.publisher.route("/sdn.csv", file(sdn_list()));
    let sources = vec![
        bench.source("broken", "/gone.xml", "gone.xml", "un_sc_sanctions"),
        bench.source("un_sc_sanctions", "/un.xml", "un.xml", "un_sc_sanctions"),
        // The wrong list at a source's URL is refused.
        bench.source("wrong", "/un.xml", "un.xml", "us_ofac_sdn"),
        bench.source("us_ofac_sdn", "/sdn.csv", "sdn.csv", "us_ofac_sdn"),
    ];
    let reports = bench.run(sources).await;
    let kinds: Vec<&str> = reports.iter().map(|r| r.outcome.kind().name()).collect();
    assert_eq!(kinds, ["failed", "updated", "failed", "updated"]);
    assert!(
        reports[2].to_string().contains("holds the list \"un_sc_sanctions\", not \"us_ofac_sdn\""),
        "{}",
        reports[2]
    );
    let states: Vec<String> = bench.store.fetch_states().unwrap().into_iter().map(|s| s.source).collect();
    assert_eq!(states, ["broken", "un_sc_sanctions", "us_ofac_sdn", "wrong"]);
}

#[tokio::test]
async fn a_token_goes_into_the_url_and_never_into_messages() {
    let bench = Bench::new().await;
    let variable = "WARD_FETCH_TEST_TOKEN_GIVEN";
    let mut source = bench.source("eu_test", "/eu", "eu.xml", "un_sc_sanctions");
    source.url = format!("{}?token={}", bench.publisher.url("/eu"), ward_fetch::TOKEN_PLACEHOLDER);
    source.token_env = Some("WARD_FETCH_TEST_TOKEN_MISSING".into());
    let skipped = bench.run(vec![source.clone()]).await;
    assert_eq!(
        skipped[0].to_string(),
        format!("eu_test: skipped: no token: set WARD_FETCH_TEST_TOKEN_MISSING to fetch {}", source.url)
    );
    assert_eq!(bench.publisher.hits("/eu"), 0);
    std::env::set_var(variable, "s3cret");
    source.token_env = Some(variable.into());
    let failed = bench.run(vec![source.clone()]).await;
    let line = failed[0].to_string();
    assert!(line.contains("?token={token}: HTTP 404") && !line.contains("s3cret"), "{line}");
    assert_eq!(bench.publisher.served.lock().unwrap().queries["/eu"], ["token=s3cret"]);
    bench.publisher.route("/eu", file(un_list()));
    let updated = bench.run(vec![source.clone()]).await;
    assert_eq!(updated_number(&updated[0]), 1);
    let state = bench.store.fetch_state("eu_test").unwrap().unwrap();
    assert_eq!(state.url, source.url);
    let version = &bench.store.current_versions().unwrap()[0];
    assert!(!version.sources[0].name.contains("s3cret"), "{}", version.sources[0].name);
}

#[tokio::test]
async fn a_file_over_the_size_limit_is_refused() {
    let bench = Bench::new().await;
    bench.with_un_version().await;
    let size = un_list().len() as u64;
    bench.publisher.route("/un.xml", file(un_list()));
    let source = bench.source("un_sc_sanctions", "/un.xml", "un.xml", "un_sc_sanctions");
    let before = bench.current();
    let limited = FetchConfig { max_bytes: size - 1, ..test_config() };
    let reports = bench.updater_with(vec![source], false, limited).run(&bench.store).await;
    let expect = format!("the file is larger than the limit of {} bytes", size - 1);
    assert!(
        matches!(&reports[0].outcome, Outcome::Failed { reason } if reason.ends_with(&expect)),
        "{}",
        reports[0]
    );
    assert_eq!(bench.publisher.hits("/un.xml"), 1);
    assert_eq!(bench.current(), before);
}

/// A `PostgreSQL` schema of its own, dropped afterwards; `None` with a printed reason when the
/// server is unreachable (a failure when `CI` is set).
struct PgSchema {
    url: String,
    schema: String,
}

impl PgSchema {
    fn new() -> Option<PgSchema> {
        let url = std::env::var("WARD_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        // The synchronous client starts a runtime of its own: not on the test's runtime thread.
        let probe = url.clone();
        let connected =
            std::thread::spawn(move || postgres::Client::connect(&probe, postgres::NoTls).map(drop))
                .join()
                .unwrap();
        if let Err(e) = connected {
            assert!(
                std::env::var_os("CI").is_none(),
                "PostgreSQL at {url} unreachable: {e}; CI is set, so it must run"
            );
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "skipping PostgreSQL test: {e} (set WARD_TEST_POSTGRES)");
            return None;
        }
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        Some(PgSchema { url, schema: format!("ward_fetch_test_{}_{nanos}", std::process::id()) })
    }

    fn location(&self) -> ward_store::Location {
        ward_store::Location::Postgres { url: self.url.clone(), schema: Some(self.schema.clone()) }
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let (url, schema) = (self.url.clone(), self.schema.clone());
        let _ = std::thread::spawn(move || {
            if let Ok(mut client) = postgres::Client::connect(&url, postgres::NoTls) {
                let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
            }
        })
        .join();
    }
}

/// The same round on a `PostgreSQL` store: updated, then 304 by the validators it remembers, and
/// a failure that keeps the current version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_on_postgresql() {
    let Some(schema) = PgSchema::new() else { return };
    let location = schema.location();
    let store = tokio::task::spawn_blocking(move || Store::open_location(&location).unwrap()).await.unwrap();
    let bench = Bench::on(store).await;
    bench
        .publisher
        .route("/un.xml", Route::File { body: un_list(), etag: Some("\"un\"".into()), last_modified: None });
    let source = bench.source("un_sc_sanctions", "/un.xml", "un.xml", "un_sc_sanctions");
    assert_eq!(updated_number(&bench.run(vec![source.clone()]).await[0]), 1);
    let second = bench.run(vec![source.clone()]).await;
    assert_eq!(second[0].outcome, Outcome::Unchanged(Unchanged::NotModified));
    bench.publisher.route("/un.xml", Route::Status(StatusCode::BAD_GATEWAY));
    let store = Arc::clone(&bench.store);
    let before = tokio::task::spawn_blocking(move || store.current_versions().unwrap()).await.unwrap();
    let third = bench.run(vec![source]).await;
    assert!(third[0].to_string().contains("HTTP 502 Bad Gateway"), "{}", third[0]);
    let store = Arc::clone(&bench.store);
    let (after, state) = tokio::task::spawn_blocking(move || {
        (store.current_versions().unwrap(), store.fetch_state("un_sc_sanctions").unwrap().unwrap())
    })
    .await
    .unwrap();
    assert_eq!(after, before);
    assert_eq!(state.etag.as_deref(), Some("\"un\""));
    assert!(state.last_outcome.starts_with("failed: "), "{}", state.last_outcome);
    // The synchronous PostgreSQL connections close on a blocking thread, off the runtime.
    let Bench { store, .. } = bench;
    tokio::task::spawn_blocking(move || drop(store)).await.unwrap();
}
