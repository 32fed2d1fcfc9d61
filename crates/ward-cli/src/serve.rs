//! `ward serve`: the yente-compatible HTTP API over the store's current lists, until SIGTERM or
//! Ctrl-C.

use crate::args::{DatabaseArgs, ServeArgs};
use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;
use ward_store::{Location, Store};

/// Opens the store named by `--database`, else the one in the data directory.
pub(crate) fn open_store(data_dir: &Path, db: &DatabaseArgs) -> anyhow::Result<Store> {
    let location = match &db.database {
        Some(database) => Location::parse(database),
        None => Location::Sqlite { data_dir: data_dir.to_path_buf() },
    };
    Store::open_location(&location).with_context(|| format!("opening the store at {location}"))
}

pub(crate) fn run(data_dir: &Path, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    // Info by default; RUST_LOG=debug adds detail. Keys and queried names are never logged
    // above debug.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    if args.no_auth {
        tracing::warn!("Serving WITHOUT API keys (--no-auth): anyone who can reach the port may screen, read the audit trail and import lists. Use only for local development.");
    }
    // A bad table stops the server before it opens anything.
    let geography = args.geography.load()?;
    tracing::info!(
        geography = %geography.version(),
        places_on = geography.enabled_count(),
        places = geography.places().len(),
        "Geography table loaded"
    );
    let store = open_store(data_dir, &args.db)?;
    let updates = match args.update_every {
        Some(every) => {
            let table = crate::lists::source_table(args.update_sources.as_deref())?;
            let options = ward_fetch::UpdateOptions {
                policy: ward_store::ImportPolicy::default(),
                work_dir: crate::lists::download_dir(&store),
            };
            let fetcher = ward_fetch::Fetcher::new(table.fetch.clone())?;
            let updater = ward_fetch::Updater::new(fetcher, table.sources, options);
            tracing::info!(every = ?every, sources = updater.sources().len(), "Updating the lists from their publishers");
            Some(ward_http::ListUpdates { every, updater: std::sync::Arc::new(updater) })
        }
        None => None,
    };
    let config = ward_http::Config {
        auth: !args.no_auth,
        max_body: args.max_body,
        rate_limit: args.rate_limit,
        poll_interval: Duration::from_secs(args.poll_seconds.max(1)),
        key_cache_ttl: Duration::from_secs(args.key_cache_seconds),
        max_connections: args.max_connections.max(1),
        header_timeout: Duration::from_secs(args.header_timeout.max(1)),
        body_timeout: Duration::from_secs(args.body_timeout.max(1)),
        rebuild_wait: Duration::from_secs(args.rebuild_wait),
        updates,
        geography,
        desk_secure_cookies: !listens_on_loopback(&args.listen),
        ..ward_http::Config::default()
    };
    let state = ward_http::AppState::new(store, config).context("building the screening snapshot")?;
    if state.snapshot().versions.is_empty() {
        tracing::warn!(
            "The store holds no lists: import some with `ward lists import` (the server picks them up)"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("ward-http")
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        tracing::info!(address = %listener.local_addr()?, "Serving");
        start_dispatcher(data_dir, args).await?;
        ward_http::run(listener, state, shutdown_signal()).await.context("serving")
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Whether `listen` is a loopback address (`127.0.0.1:8000`, `[::1]:8000`, `localhost:8000`):
/// then the desk's session cookie goes without `Secure`, which browsers would refuse over the
/// plain HTTP that `ward serve` speaks. Any other address is expected behind a TLS proxy.
fn listens_on_loopback(listen: &str) -> bool {
    let host = listen.rsplit_once(':').map_or(listen, |(host, _)| host);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Starts delivering the outbox's events to the webhooks and NATS named, if any, on its own
/// store connection. Stopping the server stops it; an event cut off mid-delivery stays in the
/// outbox and is delivered again by the next start, with the same idempotency key.
async fn start_dispatcher(data_dir: &Path, args: &ServeArgs) -> anyhow::Result<()> {
    let mut sinks = Vec::new();
    if !args.webhook.is_empty() {
        let Some(secret) = &args.webhook_secret else {
            anyhow::bail!("--webhook needs a signing secret: --webhook-secret or WARD_WEBHOOK_SECRET");
        };
        for url in &args.webhook {
            sinks.push(ward_events::Sink::Webhook(ward_events::Webhook::new(url, secret.as_bytes())?));
        }
    }
    if let Some(url) = &args.nats {
        sinks.push(ward_events::Sink::Nats(ward_events::Nats::connect(url).await?));
    }
    if sinks.is_empty() {
        return Ok(());
    }
    let store = std::sync::Arc::new(open_store(data_dir, &args.db)?);
    tracing::info!(sinks = sinks.len(), "Delivering alert events");
    let dispatcher = ward_events::Dispatcher::new(store, sinks);
    tokio::spawn(async move { dispatcher.run(std::future::pending()).await });
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("Shutting down: finishing requests in flight");
}
