//! Ward's review desk: the pages where people sign in, screen a name, read a listed subject
//! side by side across authorities, work the alert queue and follow list changes; served by
//! `ward serve` under [`PREFIX`].
//!
//! The desk is its own crate so that the HTML templates (maud) and the account rules stay out
//! of the API crate: `ward-http` depends on it and hands it a [`Host`] (the store, the current
//! screener, the audit writer), never the other way round.
//!
//! ```no_run
//! # fn wire(host: std::sync::Arc<dyn ward_desk::Host>) -> axum::Router {
//! axum::Router::new().nest_service(ward_desk::PREFIX, ward_desk::router(host, ward_desk::DeskConfig::default()))
//! # }
//! ```
//!
//! Every page needs a session (a cookie from signing in), and every form that changes state
//! carries the session's CSRF token; all text is HTML-escaped by the templates.

#![deny(missing_docs)]
// A refusal is the page that answers it: checks return `Result<_, Response>` so a handler can
// hand the refusal straight back, and a request makes a few of them at most.
#![allow(clippy::result_large_err)]

mod changes;
mod decisions;
mod layout;
mod payment;
mod queue;
mod search;
mod session;
mod subject;
mod users;

pub use queue::QUEUE_PAGE;
pub use session::SESSION_COOKIE;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use ward_engine::Screener;
use ward_model::ListVersion;
use ward_store::{AuditRecord, AuditTicket, Store};

/// Where `ward serve` mounts the desk.
pub const PREFIX: &str = "/desk";

/// The content security policy of every page: no script at all, styles only from the desk's
/// own stylesheet, no framing.
const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// What the desk needs from the server it runs in.
pub trait Host: Send + Sync + 'static {
    /// The store (call it only on a blocking thread).
    fn store(&self) -> Arc<Store>;
    /// The screener over the current lists.
    fn screener(&self) -> Arc<Screener>;
    /// The list versions the current screener was built from.
    fn versions(&self) -> Vec<ListVersion>;
    /// Queues an audit record; the ticket completes once it is durable.
    fn audit(&self, record: AuditRecord) -> AuditTicket;
}

/// Desk settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeskConfig {
    /// Whether the session cookie is marked `Secure` (sent over HTTPS only). On by default;
    /// `ward serve` turns it off only when it listens on a loopback address over plain HTTP,
    /// where browsers would otherwise refuse the cookie.
    pub secure_cookies: bool,
}

impl Default for DeskConfig {
    fn default() -> DeskConfig {
        DeskConfig { secure_cookies: true }
    }
}

/// The state every handler gets.
#[derive(Clone)]
pub(crate) struct Desk {
    pub(crate) host: Arc<dyn Host>,
    pub(crate) config: DeskConfig,
}

impl Desk {
    /// Runs a store call on a blocking thread.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Store) -> ward_store::Result<T> + Send + 'static,
    ) -> Result<T, Response> {
        let store = self.host.store();
        match tokio::task::spawn_blocking(move || call(&store)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(ward_store::Error::User(e))) => {
                Err(layout::problem(axum::http::StatusCode::BAD_REQUEST, "That did not work", &e.to_string()))
            }
            Ok(Err(e)) => Err(layout::internal(&e)),
            Err(e) => Err(layout::internal(&e)),
        }
    }
}

/// The desk's routes, to be mounted at [`PREFIX`].
pub fn router(host: Arc<dyn Host>, config: DeskConfig) -> Router {
    Router::new()
        .route("/", get(queue::home))
        .route("/sign-in", get(session::sign_in_page).post(session::sign_in))
        .route("/sign-out", axum::routing::post(session::sign_out))
        .route("/desk.css", get(layout::stylesheet))
        .route("/search", get(search::handler))
        .route("/subjects/{id}", get(subject::handler))
        .route("/alerts", get(queue::list))
        .route("/alerts/{id}", get(queue::alert_page))
        .route("/alerts/{id}/assign", axum::routing::post(decisions::assign))
        .route("/alerts/{id}/decide", axum::routing::post(decisions::decide))
        .route("/decisions/{id}/review", axum::routing::post(decisions::review_decision))
        .route("/approvals", get(decisions::approvals))
        .route("/export", get(decisions::export))
        .route("/changes", get(changes::feed))
        .route("/changes/{dataset}/{number}", get(changes::diff))
        .route("/users", get(users::list).post(users::create))
        .fallback(layout::not_found)
        .layer(axum::middleware::map_response(security_headers))
        .with_state(Desk { host, config })
}

/// Headers every desk answer carries: the content security policy, no framing, no sniffing,
/// no referrer outside the desk, and no caching of pages that show screening data.
async fn security_headers(response: Response) -> impl IntoResponse {
    let mut response = response;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}

/// A path segment percent-encoded (subject ids hold `:`, datasets `_`).
pub(crate) fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
