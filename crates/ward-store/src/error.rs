//! The one error type of `ward-store`; each error names the database and, where there is one,
//! the fix.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The data directory could not be created or read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// SQLite failed.
    #[error("database {path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: rusqlite::Error,
    },
    /// PostgreSQL could not be reached.
    #[error("cannot connect to database {database}: {}: check that PostgreSQL is running and that the URL (user, host, port, database name) is right", describe(.cause))]
    Connect {
        /// The database URL, password removed.
        database: String,
        /// The cause. Not a `source`: the message already includes its chain, which the
        /// `postgres` crate keeps out of its own message ("db error").
        cause: postgres::Error,
    },
    /// PostgreSQL failed.
    #[error("database {database}: {}", describe(.cause))]
    Postgres {
        /// The database URL (password removed) and schema.
        database: String,
        /// The cause, whose chain the message includes.
        cause: postgres::Error,
    },
    /// The database was written by a newer Ward.
    #[error("database {database} has schema version {found}, but this Ward knows versions up to {supported}: upgrade Ward, or use another --data-dir or --database")]
    TooNew {
        /// The database file or URL.
        database: String,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        supported: i64,
    },
    /// A PostgreSQL schema name that is not a plain identifier.
    #[error("{name:?} is not usable as a PostgreSQL schema name: use lowercase letters, digits and '_', starting with a letter")]
    BadSchemaName {
        /// The name given.
        name: String,
    },
    /// A stored value could not be decoded.
    #[error("stored data is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Something the store should hold is not there.
    #[error("{what} is missing from the store")]
    Missing {
        /// What.
        what: String,
    },
    /// A time that is neither RFC 3339 nor a date.
    #[error("{value:?} is not a time: write RFC 3339 (2026-03-01T12:00:00Z) or a date (2026-03-01)")]
    BadTime {
        /// The text given.
        value: String,
    },
    /// An API key was asked for with no scope.
    #[error("an API key needs at least one scope (screen or admin)")]
    NoScope,
    /// No API key has this id.
    #[error("there is no API key with id {id:?}: `ward keys list` shows the ids")]
    UnknownKey {
        /// The id given.
        id: String,
    },
    /// The operating system's random source failed.
    #[error("cannot read random bytes from the operating system: {0}")]
    Random(String),
    /// An audit record could not be written; the request it records must not be answered as if
    /// it were.
    #[error("audit record not written: {0}")]
    AuditWrite(#[source] Arc<Error>),
    /// A new version that would become current holds no records.
    #[error("{dataset}: the file holds no records{}; it was not imported{}. If the publisher really emptied the list, import it again with --allow-shrink (API: allow_shrink=true)", empty_current(.current), kept(.current))]
    EmptyList {
        /// The dataset.
        dataset: String,
        /// The current version's number and record count, if there is one.
        current: Option<(i64, u64)>,
    },
    /// A new version would remove more of the current version's records than the policy allows.
    #[error("{dataset}: the new version would remove {removed} of the {current_records} records of version {number} ({:.1}%; it holds {new_records}), more than the {:.0}% allowed{}; it was not imported and version {number} stays current. A truncated or partial download looks like this; if the publisher really removed them, import again with --allow-shrink (API: allow_shrink=true), or raise --max-shrink", percent(*.removed, *.current_records), .max_shrink * 100.0, removed_examples(.examples))]
    Shrink {
        /// The dataset.
        dataset: String,
        /// The current version's number.
        number: i64,
        /// Records of the current version.
        current_records: u64,
        /// Records of the new version.
        new_records: u64,
        /// Records of the current version the new one does not hold.
        removed: u64,
        /// The largest share allowed.
        max_shrink: f64,
        /// A few removed records, as "record id (caption)".
        examples: Vec<String>,
    },
    /// A rollback of a list the store does not hold.
    #[error("the store holds no list {dataset:?}: `ward lists show` names the lists")]
    NoList {
        /// The dataset named.
        dataset: String,
    },
    /// A rollback to a version that does not exist.
    #[error("{dataset} has no version {number}: `ward lists show {dataset}` lists its versions")]
    NoVersion {
        /// The dataset.
        dataset: String,
        /// The version number named.
        number: i64,
    },
    /// A rollback without a target when no earlier content exists.
    #[error("{dataset} has no earlier version with other content to roll back to")]
    NothingToRollBack {
        /// The dataset.
        dataset: String,
    },
    /// A rollback to the content that is current already.
    #[error("{dataset}: the content of version {number} is current already")]
    AlreadyCurrent {
        /// The dataset.
        dataset: String,
        /// The version number named.
        number: i64,
    },
    /// The audit writer has stopped (shut down, or its thread died).
    #[error("the audit log is closed: the audit writer has stopped; restart Ward")]
    AuditClosed,
}

impl Error {
    /// Whether the error is the user's to fix (a guard refused an import, a version that does
    /// not exist, a bad time), rather than a failure of the store.
    pub fn is_user_error(&self) -> bool {
        match self {
            Error::EmptyList { .. }
            | Error::Shrink { .. }
            | Error::NoList { .. }
            | Error::NoVersion { .. }
            | Error::NothingToRollBack { .. }
            | Error::AlreadyCurrent { .. }
            | Error::BadTime { .. }
            | Error::NoScope
            | Error::UnknownKey { .. }
            | Error::BadSchemaName { .. }
            | Error::TooNew { .. } => true,
            Error::Io { .. }
            | Error::Sqlite { .. }
            | Error::Connect { .. }
            | Error::Postgres { .. }
            | Error::Json(_)
            | Error::Missing { .. }
            | Error::Random(_)
            | Error::AuditWrite(_)
            | Error::AuditClosed => false,
        }
    }

    pub(crate) fn sqlite(path: &Path, source: rusqlite::Error) -> Error {
        Error::Sqlite { path: path.to_path_buf(), source }
    }

    pub(crate) fn postgres(database: &str, cause: postgres::Error) -> Error {
        Error::Postgres { database: database.to_string(), cause }
    }
}

fn empty_current(current: &Option<(i64, u64)>) -> String {
    match current {
        Some((number, records)) => format!(" (version {number}, current, holds {records})"),
        None => String::new(),
    }
}

fn kept(current: &Option<(i64, u64)>) -> String {
    match current {
        Some((number, _)) => format!(" and version {number} stays current"),
        None => String::new(),
    }
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn removed_examples(examples: &[String]) -> String {
    if examples.is_empty() {
        String::new()
    } else {
        format!(" (among them {})", examples.join(", "))
    }
}

/// A `postgres` error with its causes: its own message is only the kind ("db error").
fn describe(error: &postgres::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
