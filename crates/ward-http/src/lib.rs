//! Ward's HTTP service: a screening API that answers exactly like `OpenSanctions`' yente, so a
//! client written for yente works unchanged, plus catalog, health, metrics, audit and admin
//! routes.
//!
//! [`AppState`] holds the store, the audit writer and the current [`Snapshot`] (swapped whole
//! when lists change); [`app`] builds the axum `Router` over it and [`run`] serves it on a
//! listener until a shutdown signal, finishing requests in flight.
//!
//! ```no_run
//! # async fn serve() -> Result<(), Box<dyn std::error::Error>> {
//! let store = ward_store::Store::open(std::path::Path::new("ward-data"))?;
//! let state = ward_http::AppState::new(store, ward_http::Config::default())?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
//! ward_http::run(listener, state, async {
//!     let _ = tokio::signal::ctrl_c().await;
//! })
//! .await?;
//! # Ok(()) }
//! ```
//!
//! Only this crate knows HTTP; wire formats (yente JSON, `FtM`) are built here from the engine's
//! plain results.

#![deny(missing_docs)]

mod auth;
mod desk;
pub mod dto;
pub mod error;
mod extract;
mod lists;
mod metrics;
pub mod openapi;
mod payments;
pub mod response;
pub mod review;
mod routes;
mod server;
mod snapshot;
mod suppress;
mod updates;

pub use error::{Error, ErrorCode, Result};
pub use lists::{ChangeStatus, ListChange, SnapshotState};
pub use payments::payment_hold;
pub use routes::app;
pub use snapshot::Snapshot;
pub use updates::ListUpdates;

use arc_swap::ArcSwap;
use auth::{KeyCache, RateLimiter};
use metrics::Metrics;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use ward_store::{AuditLog, Store};

/// Default of [`Config::key_cache_ttl`]: the longest a key revoked elsewhere (the CLI, another
/// replica) keeps working on this server.
pub const DEFAULT_KEY_CACHE_TTL: Duration = Duration::from_secs(10);

/// Default of [`Config::max_connections`]: well below the usual limit of 1024 open files, so
/// the process never runs out of descriptors for the store and health checks.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// Default of [`Config::reserve_connections`].
pub const DEFAULT_RESERVE_CONNECTIONS: usize = 32;

/// Default of [`Config::header_timeout`].
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(5);

/// Default of [`Config::body_timeout`]: a full 1 MiB body at about 1 Mbit/s.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// Default of [`Config::rebuild_wait`]: the full lists build in a few seconds.
pub const DEFAULT_REBUILD_WAIT: Duration = Duration::from_secs(30);

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Whether requests need an API key. Off only for local development.
    pub auth: bool,
    /// Largest request body, in bytes (413 beyond).
    pub max_body: usize,
    /// Largest list file accepted by `POST /admin/lists`, in bytes.
    pub max_list_body: usize,
    /// Requests per second per key (token bucket with one second of burst).
    pub rate_limit: u32,
    /// How often the store is checked for list versions imported by others (the CLI).
    pub poll_interval: Duration,
    /// How long a verified key is trusted without asking the store again, so how long a key
    /// revoked elsewhere (the CLI, another replica) keeps working here. A key revoked through
    /// this server (`DELETE /admin/keys/{id}`) is refused at once.
    pub key_cache_ttl: Duration,
    /// Most connections served at once; past it a connection gets one of the reserve's.
    pub max_connections: usize,
    /// Connections beyond `max_connections` that serve only `/healthz` and `/readyz` (others
    /// answer 503 `overloaded`), with a header timeout of at most a second, so that slow
    /// clients filling the limit cannot crowd out health checks. Past these, connections are
    /// closed at once.
    pub reserve_connections: usize,
    /// Longest wait for a request's headers, idle keep-alive connections included.
    pub header_timeout: Duration,
    /// Longest wait for a request's whole body (408 `body_timeout` after it). List uploads
    /// (`POST /admin/lists`, hundreds of MB) are exempt.
    pub body_timeout: Duration,
    /// How long a list upload or rollback waits for the snapshot that includes it before it
    /// answers `"snapshot": "rebuilding"` (the rebuild goes on).
    pub rebuild_wait: Duration,
    /// The geography table `POST /screen/payment` screens places with (embargoed countries,
    /// cities and regions), each entry switched as the operator chose.
    pub geography: ward_payments::Geography,
    /// List updates from the publishers on a timer, with per-source metrics; `None`: none.
    pub updates: Option<ListUpdates>,
    /// Whether the review desk's session cookie is marked `Secure` (HTTPS only). On unless
    /// the server listens on a loopback address over plain HTTP.
    pub desk_secure_cookies: bool,
    /// The day `/match?book=` judges good-guy suppressions on (`YYYY-MM-DD`); `None`: today,
    /// in UTC. Another day only for tests, as the monitor's `judge_on`.
    pub suppressions_judged_on: Option<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            auth: true,
            max_body: 1 << 20,
            max_list_body: 512 << 20,
            rate_limit: 1000,
            poll_interval: Duration::from_secs(5),
            key_cache_ttl: DEFAULT_KEY_CACHE_TTL,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            reserve_connections: DEFAULT_RESERVE_CONNECTIONS,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            rebuild_wait: DEFAULT_REBUILD_WAIT,
            geography: ward_payments::Geography::embedded(),
            updates: None,
            desk_secure_cookies: true,
            suppressions_judged_on: None,
        }
    }
}

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    /// The store, shared by the handlers; every call runs on a blocking thread.
    store: Arc<Store>,
    audit: AuditLog,
    snapshot: ArcSwap<Snapshot>,
    keys: KeyCache,
    limiter: RateLimiter,
    metrics: Metrics,
    /// Serializes rebuilds, so the poller and an upload never build the same snapshot twice.
    rebuild: tokio::sync::Mutex<()>,
    /// Where list uploads are written while they are read.
    upload_dir: std::path::PathBuf,
    /// The customer credit transfers screened by `POST /screen/payment`, by UETR, for the
    /// stripping check of later covers; bounded, the oldest forgotten.
    transfers: std::sync::Mutex<ward_payments::CustomerTransfers>,
    /// The list updates' per-source metrics.
    updates: updates::UpdateMetrics,
}

impl AppState {
    /// Starts the audit writer and builds the first snapshot from the store's current lists.
    /// Blocks for the build (seconds on the full lists): call it before serving, or on a
    /// blocking thread.
    pub fn new(store: Store, config: Config) -> Result<AppState> {
        let audit = store.audit_log()?;
        let lists = store.current_lists()?;
        let ownership = store.ownership(None)?;
        let snapshot = Snapshot::build_with_ownership(
            lists.entities,
            lists.versions,
            ownership,
            None,
            config.geography.clone(),
        );
        tracing::info!(lists = snapshot.versions.len(), subjects = snapshot.screener.len(), "Snapshot built");
        let remembered = if config.updates.is_some() { store.fetch_states()? } else { Vec::new() };
        let updates = updates::UpdateMetrics::new(config.updates.as_ref(), &remembered);
        Ok(AppState {
            inner: Arc::new(Inner {
                upload_dir: lists::upload_dir(&store),
                keys: KeyCache::new(config.key_cache_ttl),
                limiter: RateLimiter::new(config.rate_limit),
                config,
                store: Arc::new(store),
                audit,
                snapshot: ArcSwap::from_pointee(snapshot),
                metrics: Metrics::default(),
                rebuild: tokio::sync::Mutex::new(()),
                transfers: std::sync::Mutex::new(ward_payments::CustomerTransfers::new(
                    ward_payments::DEFAULT_REMEMBERED_TRANSFERS,
                )),
                updates,
            }),
        })
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The store, shared with the handlers (tests create and revoke keys through it). Call it
    /// only on a blocking thread.
    pub fn store(&self) -> &Arc<Store> {
        &self.inner.store
    }

    /// The current snapshot. Hold the `Arc` for the whole request: it stays valid across swaps.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner.snapshot.load_full()
    }

    /// Rebuilds the snapshot if the store's current list versions or ownership version differ from
    /// the snapshot's.
    /// Returns whether it did. Requests in flight keep the snapshot they started with.
    pub async fn reload(&self) -> Result<bool> {
        let _guard = self.inner.rebuild.lock().await;
        let seen = self.snapshot().version_ids();
        let seen_ownership = self.snapshot().ownership_version;
        let previous = self.snapshot().ownership.clone();
        let store = Arc::clone(&self.inner.store);
        let geography = self.inner.config.geography.clone();
        let built = tokio::task::spawn_blocking(move || -> Result<Option<Snapshot>> {
            let mut ids: Vec<i64> = store.current_versions()?.iter().map(|v| v.id).collect();
            ids.sort_unstable();
            let ownership_version = store.ownership_versions()?.last().map(|v| v.id);
            if ids == seen && ownership_version == seen_ownership {
                return Ok(None);
            }
            // Versions and entities read in one transaction describe the same state, even when
            // another process or replica imports meanwhile.
            let lists = store.current_lists()?;
            let ownership = store.ownership(None)?;
            Ok(Some(Snapshot::build_with_ownership(
                lists.entities,
                lists.versions,
                ownership,
                previous.as_deref(),
                geography,
            )))
        })
        .await
        .map_err(Error::internal)??;
        let Some(snapshot) = built else { return Ok(false) };
        tracing::info!(
            lists = snapshot.versions.len(),
            subjects = snapshot.screener.len(),
            "Snapshot rebuilt and swapped in"
        );
        self.inner.snapshot.store(Arc::new(snapshot));
        self.inner.metrics.rebuilds.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }

    /// Revokes the key with public id `key_id` in the store and forgets it at once, so its next
    /// request is refused. Other servers on the same store notice within their key cache's
    /// lifetime ([`Config::key_cache_ttl`]).
    pub async fn revoke_key(&self, key_id: String) -> Result<ward_store::KeyInfo> {
        let store = Arc::clone(&self.inner.store);
        let lookup = key_id.clone();
        let key = tokio::task::spawn_blocking(move || store.revoke_key(&lookup))
            .await
            .map_err(Error::internal)?
            .map_err(|e| match e {
                ward_store::Error::User(ward_store::UserError::UnknownKey { .. }) => {
                    Error::new(ErrorCode::KeyNotFound, format!("no API key with id {key_id:?}"))
                }
                e => Error::from(e),
            })?;
        self.inner.keys.evict(&key.id);
        tracing::info!(key_id = %key.id, "API key revoked");
        Ok(key)
    }
}

/// Serves the API on `listener` until `shutdown` completes (within the connection limit and
/// header and body timeouts of [`Config`]), then finishes the requests in flight (each waits for its audit record to be durably written before it is answered) and
/// returns. Meanwhile the store is polled for lists imported by others, and the lists are
/// updated from their publishers where [`Config::updates`] says so.
pub async fn run(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let poller = {
        let state = state.clone();
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(state.config().poll_interval);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            interval.tick().await;
            loop {
                interval.tick().await;
                if let Err(e) = state.reload().await {
                    tracing::warn!(error = %e, "Checking the store for new list versions failed");
                }
            }
        })
    };
    let updater =
        state.config().updates.clone().map(|updates| tokio::spawn(updates::run(state.clone(), updates)));
    let result = server::serve(listener, &state, app(state.clone()), shutdown).await;
    poller.abort();
    if let Some(updater) = updater {
        updater.abort();
    }
    tracing::info!(
        audit_queue = state.inner.metrics.audit_pending.load(Ordering::Relaxed),
        "Server stopped; every answered request is in the audit trail"
    );
    result
}
