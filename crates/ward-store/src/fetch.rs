//! What Ward remembers about fetching each list from its publisher: the validators of the last
//! download that was accepted (sent back as `If-None-Match` / `If-Modified-Since`), and when the
//! last attempt succeeded or failed and why. One row per source, in both backends.

use serde::Serialize;

/// How one attempt to bring a source's list up to date ended, as the store records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchResult {
    /// The list is current or unchanged. The validators are the ones to send next time (`None`
    /// where the publisher gave none): they are kept only for a download that was accepted, so
    /// that a refused file is downloaded again rather than answered 304.
    Success {
        /// The `ETag` of the accepted download.
        etag: Option<String>,
        /// The `Last-Modified` of the accepted download.
        last_modified: Option<String>,
    },
    /// The attempt failed; the validators and the last success are kept.
    Failure {
        /// Why, in words.
        error: String,
    },
    /// The source was not tried (no token configured, say); nothing else changes.
    Skipped,
}

/// One attempt, to record with [`crate::Store::record_fetch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchAttempt {
    /// The source's name.
    pub source: String,
    /// The URL fetched, without secrets (a token placeholder stays a placeholder). Validators
    /// belong to the URL they came from.
    pub url: String,
    /// The outcome in one line, as `ward lists update` prints it.
    pub outcome: String,
    /// What to record.
    pub result: FetchResult,
}

/// What the store remembers of a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetchState {
    /// The source's name.
    pub source: String,
    /// The URL of the last successful attempt (of the first attempt until one succeeds).
    pub url: String,
    /// The `ETag` of the last accepted download.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last accepted download.
    pub last_modified: Option<String>,
    /// When the source was last tried (RFC 3339, UTC).
    pub last_attempt_at: String,
    /// The outcome of that attempt, in one line.
    pub last_outcome: String,
    /// When an attempt last succeeded (updated or unchanged).
    pub last_success_at: Option<String>,
    /// When an attempt last failed.
    pub last_error_at: Option<String>,
    /// Why it failed.
    pub last_error: Option<String>,
}

/// Records a success: the URL and its validators replace the old ones. Parameters: source,
/// URL, `ETag`, Last-Modified, time, outcome. Written with `SQLite`'s `?N`; `PostgreSQL`'s `$N` by
/// [`postgres_sql`].
pub(crate) const RECORD_SUCCESS: &str = "INSERT INTO list_fetches
        (source, url, etag, last_modified, last_attempt_at, last_outcome, last_success_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)
    ON CONFLICT (source) DO UPDATE SET url = excluded.url, etag = excluded.etag,
        last_modified = excluded.last_modified, last_attempt_at = excluded.last_attempt_at,
        last_outcome = excluded.last_outcome, last_success_at = excluded.last_success_at";

/// Records a failure, keeping the URL and validators of the last success. Parameters: source,
/// URL, time, outcome, error.
pub(crate) const RECORD_FAILURE: &str = "INSERT INTO list_fetches
        (source, url, last_attempt_at, last_outcome, last_error_at, last_error)
    VALUES (?1, ?2, ?3, ?4, ?3, ?5)
    ON CONFLICT (source) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
        last_outcome = excluded.last_outcome, last_error_at = excluded.last_error_at,
        last_error = excluded.last_error";

/// Records a skipped source. Parameters: source, URL, time, outcome.
pub(crate) const RECORD_SKIPPED: &str =
    "INSERT INTO list_fetches (source, url, last_attempt_at, last_outcome)
    VALUES (?1, ?2, ?3, ?4)
    ON CONFLICT (source) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
        last_outcome = excluded.last_outcome";

/// Every source's state, in the order of [`FetchState`]'s fields.
pub(crate) const SELECT_STATES: &str =
    "SELECT source, url, etag, last_modified, last_attempt_at, last_outcome,
        last_success_at, last_error_at, last_error
    FROM list_fetches ORDER BY source";

/// A statement of this module with `PostgreSQL`'s `$N` placeholders (none of them holds a `?`
/// otherwise).
pub(crate) fn postgres_sql(sql: &str) -> String {
    sql.replace('?', "$")
}
