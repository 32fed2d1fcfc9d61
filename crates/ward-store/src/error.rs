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
    /// The audit writer has stopped (shut down, or its thread died).
    #[error("the audit log is closed: the audit writer has stopped; restart Ward")]
    AuditClosed,
}

impl Error {
    pub(crate) fn sqlite(path: &Path, source: rusqlite::Error) -> Error {
        Error::Sqlite { path: path.to_path_buf(), source }
    }

    pub(crate) fn postgres(database: &str, cause: postgres::Error) -> Error {
        Error::Postgres { database: database.to_string(), cause }
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
