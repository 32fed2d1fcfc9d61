//! The accept loop: serves each connection with hyper under a header-read timeout and a
//! connection limit, so that slow or idle clients cannot take the server down, and keeps a
//! small reserve of connections beyond the limit for `/healthz` and `/readyz`.

use crate::error::Error;
use crate::AppState;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// Header-read timeout of a reserve connection: a health check sends its request at once, so
/// a reserve slot held longer is a slow client's.
pub(crate) const RESERVE_HEADER_TIMEOUT: Duration = Duration::from_secs(1);

/// Seconds an over-limit client is told to wait (`Retry-After`).
const OVERLOADED_RETRY_AFTER: u64 = 1;

/// Least time between two warnings that the connection limit is reached.
const LIMIT_WARNING_INTERVAL: Duration = Duration::from_secs(10);

/// Pause after a failed accept (out of file descriptors): short, so health checks are accepted
/// again as soon as a descriptor is free.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(10);

/// Warns that the connection limit is reached at most once per [`LIMIT_WARNING_INTERVAL`], with
/// the number of connections turned away since the last warning.
pub(crate) struct LimitWarning {
    last: Mutex<Option<Instant>>,
    refused: AtomicU64,
}

impl LimitWarning {
    pub(crate) fn new() -> LimitWarning {
        LimitWarning { last: Mutex::new(None), refused: AtomicU64::new(0) }
    }

    /// Counts one connection over the limit; returns the count to log when a warning is due.
    pub(crate) fn over_limit(&self, now: Instant) -> Option<u64> {
        self.refused.fetch_add(1, Ordering::Relaxed);
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_some_and(|at| now.duration_since(at) < LIMIT_WARNING_INTERVAL) {
            return None;
        }
        *last = Some(now);
        Some(self.refused.swap(0, Ordering::Relaxed))
    }
}

/// Serves `router` (and the health-only router on reserve connections) on `listener` until
/// `shutdown`, then lets every connection finish its request in flight.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    state: &AppState,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let config = state.config();
    let connections = Arc::new(Semaphore::new(config.max_connections));
    let reserve = Arc::new(Semaphore::new(config.reserve_connections));
    let health = health_app(state.clone());
    let warning = LimitWarning::new();
    let graceful = GracefulShutdown::new();
    let mut accept_errors = 0u64;
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_errors += 1;
                    if accept_errors.is_power_of_two() {
                        tracing::warn!(error = %e, accept_errors, "Accepting a connection failed");
                    }
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let (permit, service, header_timeout, keep_alive) = match Arc::clone(&connections).try_acquire_owned()
        {
            Ok(permit) => (permit, router.clone(), config.header_timeout, true),
            Err(_) => {
                let reserved = Arc::clone(&reserve).try_acquire_owned();
                if let Some(refused) = warning.over_limit(Instant::now()) {
                    tracing::warn!(
                        max_connections = config.max_connections,
                        reserve_connections = config.reserve_connections,
                        reserve_free = reserve.available_permits(),
                        refused_since_last_warning = refused,
                        "Connection limit reached: only /healthz and /readyz are served"
                    );
                }
                match reserved {
                    Ok(permit) => {
                        (permit, health.clone(), config.header_timeout.min(RESERVE_HEADER_TIMEOUT), false)
                    }
                    // The reserve is full too: closing at once is all that is left.
                    Err(_) => continue,
                }
            }
        };
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder.timer(TokioTimer::new()).header_read_timeout(header_timeout).keep_alive(keep_alive);
        let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "Connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// The router of reserve connections: health and readiness, and 503 for everything else.
fn health_app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(crate::routes::healthz))
        .route("/readyz", get(crate::routes::readyz))
        .fallback(overloaded)
        .with_state(state)
}

async fn overloaded(_request: Request) -> Response {
    Error::overloaded(OVERLOADED_RETRY_AFTER).into_response()
}

/// A request body that fails once its deadline has passed, and says so in `timed_out`.
pub(crate) struct DeadlineBody {
    body: axum::body::Body,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
    timed_out: Arc<std::sync::atomic::AtomicBool>,
}

impl DeadlineBody {
    pub(crate) fn new(
        body: axum::body::Body,
        deadline: tokio::time::Instant,
        timed_out: Arc<std::sync::atomic::AtomicBool>,
    ) -> DeadlineBody {
        DeadlineBody { body, deadline: Box::pin(tokio::time::sleep_until(deadline)), timed_out }
    }
}

/// The error a body past its deadline fails with.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive within the body timeout")]
struct BodyTimedOut;

impl hyper::body::Body for DeadlineBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        if let std::task::Poll::Ready(frame) = std::pin::Pin::new(&mut self.body).poll_frame(cx) {
            return std::task::Poll::Ready(frame);
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.timed_out.store(true, Ordering::Relaxed);
            return std::task::Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut))));
        }
        std::task::Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests;
