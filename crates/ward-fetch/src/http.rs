//! Downloads over HTTP: conditional GET with the validators of the last accepted download,
//! connect, read and overall timeouts, redirects followed by hand (to https only, or plain http
//! between loopback hosts), a size limit, and retries with exponential backoff for server errors
//! and broken or stalled connections.

use crate::error::{ConfigError, FetchError};
use reqwest::header::{HeaderMap, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, LOCATION};
use reqwest::{StatusCode, Url};
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

/// Default of [`FetchConfig::connect_timeout`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default of [`FetchConfig::read_timeout`].
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);
/// Default of [`FetchConfig::total_timeout`]: the largest lists (tens of MB) on a slow line.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Default of [`FetchConfig::max_bytes`]: the largest official list is well under it, and it
/// is the API's upload limit.
pub const DEFAULT_MAX_BYTES: u64 = 512 << 20;
/// Default of [`FetchConfig::retries`].
pub const DEFAULT_RETRIES: u32 = 3;
/// Default of [`FetchConfig::backoff`].
pub const DEFAULT_BACKOFF: Duration = Duration::from_secs(2);
/// The longest wait between two tries, however many retries are configured.
pub const MAX_BACKOFF: Duration = Duration::from_secs(5 * 60);
/// Default of [`FetchConfig::max_redirects`].
pub const DEFAULT_MAX_REDIRECTS: u32 = 5;

/// How many leading bytes of a download are looked at to tell an HTML page from a list.
const SNIFF_BYTES: usize = 1024;

/// How downloads are made.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchConfig {
    /// The `User-Agent` header: Ward and its version.
    pub user_agent: String,
    /// Longest wait for a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Longest wait for the next bytes of the answer: a stalled connection fails after it.
    pub read_timeout: Duration,
    /// Longest time for one try, from request to the last byte.
    pub total_timeout: Duration,
    /// Largest file accepted, in bytes.
    pub max_bytes: u64,
    /// Tries after the first, for transient failures (5xx, 408, 429, broken or stalled
    /// connections); never for a 404 or a wrong file.
    pub retries: u32,
    /// The wait before the first retry; it doubles for each next one, up to [`MAX_BACKOFF`].
    pub backoff: Duration,
    /// Most redirects followed in a row.
    pub max_redirects: u32,
}

impl Default for FetchConfig {
    fn default() -> FetchConfig {
        FetchConfig {
            user_agent: format!("Ward/{} (sanctions list updater)", env!("CARGO_PKG_VERSION")),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
            max_bytes: DEFAULT_MAX_BYTES,
            retries: DEFAULT_RETRIES,
            backoff: DEFAULT_BACKOFF,
            max_redirects: DEFAULT_MAX_REDIRECTS,
        }
    }
}

/// The validators of a download, sent back on the next request so that an unchanged file is
/// answered 304 Not Modified.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` header.
    pub etag: Option<String>,
    /// The `Last-Modified` header.
    pub last_modified: Option<String>,
}

impl Validators {
    fn from_headers(headers: &HeaderMap) -> Validators {
        let text = |name| {
            headers.get(name).and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok()).map(str::to_string)
        };
        Validators { etag: text(ETAG), last_modified: text(LAST_MODIFIED) }
    }

    /// These validators, each replaced by `newer`'s where `newer` has one (a 304 may repeat or
    /// renew them, or say nothing).
    pub fn updated_by(&self, newer: &Validators) -> Validators {
        Validators {
            etag: newer.etag.clone().or_else(|| self.etag.clone()),
            last_modified: newer.last_modified.clone().or_else(|| self.last_modified.clone()),
        }
    }
}

/// What a fetch brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// 304: the file has not changed since the download the validators came from.
    NotModified {
        /// The validators the 304 carried (often none).
        validators: Validators,
    },
    /// The file, written to the destination.
    Downloaded {
        /// Its size in bytes.
        size: u64,
        /// Its validators.
        validators: Validators,
    },
}

/// A failed fetch: the last error, and how many tries were made.
#[derive(Debug)]
pub struct Failure {
    /// The last try's error.
    pub error: FetchError,
    /// How many tries were made.
    pub attempts: u32,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.error)?;
        if self.attempts > 1 {
            write!(f, " (after {} tries)", self.attempts)?;
        }
        Ok(())
    }
}

/// One URL to fetch.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The URL, with any token in it.
    pub url: Url,
    /// The token to hide in messages (replaced by the placeholder).
    pub secret: Option<&'a str>,
    /// The validators of the last accepted download from this URL.
    pub validators: &'a Validators,
}

impl Request<'_> {
    /// A URL as messages show it: without the token.
    fn shown(&self, url: &Url) -> String {
        match self.secret {
            Some(secret) if !secret.is_empty() => {
                url.as_str().replace(secret, crate::source::TOKEN_PLACEHOLDER)
            }
            _ => url.to_string(),
        }
    }
}

/// Refuses a URL Ward does not fetch: only https, and plain http from a loopback host (local
/// mirrors and tests).
pub(crate) fn check_scheme(url: &Url) -> Result<(), FetchError> {
    let host = url.host_str().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(FetchError::Insecure { url: url.to_string() }),
    }
}

/// Whether the first bytes of a file are an HTML page (an XHTML one included).
pub(crate) fn looks_like_html(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = text.trim_start();
    // An XML declaration and comments may come first.
    loop {
        if let Some(after) = rest.strip_prefix("<?xml") {
            rest = after.split_once("?>").map_or("", |(_, r)| r).trim_start();
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.split_once("-->").map_or("", |(_, r)| r).trim_start();
        } else {
            break;
        }
    }
    rest.starts_with("<!doctype html") || rest.starts_with("<html")
}

/// Makes downloads; one per source, each retried on its own.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    config: FetchConfig,
}

impl Fetcher {
    /// A fetcher with these settings.
    pub fn new(config: FetchConfig) -> Result<Fetcher, ConfigError> {
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .timeout(config.total_timeout)
            // Redirects are followed by hand, each target checked.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ConfigError::Client(error_chain(&e)))?;
        Ok(Fetcher { client, config })
    }

    /// The settings.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Fetches `request` into the file `dest`, retrying transient failures with exponential
    /// backoff.
    pub async fn fetch(&self, request: &Request<'_>, dest: &Path) -> Result<Fetched, Failure> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            match self.fetch_once(request, dest).await {
                Ok(fetched) => return Ok(fetched),
                Err(error) if error.is_transient() && attempts <= self.config.retries => {
                    let delay = self.backoff(attempts);
                    tracing::warn!(%error, attempt = attempts, retry_in = ?delay, "Download failed; trying again");
                    tokio::time::sleep(delay).await;
                }
                Err(error) => return Err(Failure { error, attempts }),
            }
        }
    }

    /// The wait after the `attempt`th failed try.
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.config.backoff.saturating_mul(factor).min(MAX_BACKOFF)
    }

    async fn fetch_once(&self, request: &Request<'_>, dest: &Path) -> Result<Fetched, FetchError> {
        let mut url = request.url.clone();
        for _ in 0..=self.config.max_redirects {
            let shown = request.shown(&url);
            check_scheme(&url).map_err(|_| FetchError::Insecure { url: shown.clone() })?;
            let mut get = self.client.get(url.clone());
            if let Some(etag) = &request.validators.etag {
                get = get.header(IF_NONE_MATCH, etag);
            }
            if let Some(last_modified) = &request.validators.last_modified {
                get = get.header(IF_MODIFIED_SINCE, last_modified);
            }
            let started = Instant::now();
            let response = get.send().await.map_err(|e| self.transfer_error(&shown, &e, started))?;
            let status = response.status();
            if status == StatusCode::NOT_MODIFIED {
                return Ok(Fetched::NotModified { validators: Validators::from_headers(response.headers()) });
            }
            if status.is_redirection() {
                let target = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|location| location.to_str().ok())
                    .and_then(|location| url.join(location).ok())
                    .ok_or(FetchError::BadRedirect { url: shown.clone(), status: status.as_u16() })?;
                tracing::debug!(from = %shown, to = %request.shown(&target), "Following a redirect");
                url = target;
                continue;
            }
            if status != StatusCode::OK {
                let transient = status.is_server_error()
                    || status == StatusCode::REQUEST_TIMEOUT
                    || status == StatusCode::TOO_MANY_REQUESTS;
                return Err(FetchError::Status { url: shown, status: status.to_string(), transient });
            }
            return self.receive(response, &shown, dest, started).await;
        }
        Err(FetchError::TooManyRedirects {
            url: request.shown(&request.url),
            limit: self.config.max_redirects,
        })
    }

    /// Streams a 200 answer's body to `dest` under the size limit, refusing an HTML page.
    async fn receive(
        &self,
        mut response: reqwest::Response,
        shown: &str,
        dest: &Path,
        started: Instant,
    ) -> Result<Fetched, FetchError> {
        let limit = self.config.max_bytes;
        let too_large = || FetchError::TooLarge { url: shown.to_string(), limit };
        if response.content_length().is_some_and(|length| length > limit) {
            return Err(too_large());
        }
        let validators = Validators::from_headers(response.headers());
        let io = |source| FetchError::Io { path: dest.display().to_string(), source };
        let mut file = tokio::fs::File::create(dest).await.map_err(io)?;
        let mut head: Vec<u8> = Vec::with_capacity(SNIFF_BYTES);
        let mut size: u64 = 0;
        while let Some(chunk) = response.chunk().await.map_err(|e| self.transfer_error(shown, &e, started))? {
            size += chunk.len() as u64;
            if size > limit {
                return Err(too_large());
            }
            if head.len() < SNIFF_BYTES {
                let take = (SNIFF_BYTES - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
                if head.len() == SNIFF_BYTES && looks_like_html(&head) {
                    return Err(FetchError::Html { url: shown.to_string() });
                }
            }
            file.write_all(&chunk).await.map_err(io)?;
        }
        file.flush().await.map_err(io)?;
        if size == 0 {
            return Err(FetchError::Empty { url: shown.to_string() });
        }
        if looks_like_html(&head) {
            return Err(FetchError::Html { url: shown.to_string() });
        }
        Ok(Fetched::Downloaded { size, validators })
    }

    /// A failed transfer in words, without the URL (it may hold a token).
    fn transfer_error(&self, shown: &str, error: &reqwest::Error, started: Instant) -> FetchError {
        if error.is_timeout() && !error.is_connect() {
            let message = if started.elapsed() >= self.config.total_timeout {
                format!("timed out: the download took longer than {:?}", self.config.total_timeout)
            } else {
                format!("timed out: no data for {:?}", self.config.read_timeout)
            };
            return FetchError::Transfer { url: shown.to_string(), message };
        }
        let what = if error.is_connect() { "cannot connect" } else { "the transfer failed" };
        FetchError::Transfer { url: shown.to_string(), message: format!("{what}: {}", error_chain(error)) }
    }
}

/// An error and its causes in one line, without reqwest's URL.
fn error_chain(error: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(error);
    while let Some(inner) = cause {
        let text = inner.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        cause = inner.source();
    }
    if parts.is_empty() {
        parts.push(error.to_string());
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests;
