//! The one error type of `ward-store`; each error names the database and, where there is one,
//! the fix.

use std::path::{Path, PathBuf};

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
    /// The database was written by a newer Ward.
    #[error("database {path} has schema version {found}, but this Ward knows versions up to {supported}: upgrade Ward, or use another --data-dir")]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build knows.
        supported: i64,
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
}

impl Error {
    pub(crate) fn sqlite(path: &Path, source: rusqlite::Error) -> Error {
        Error::Sqlite { path: path.to_path_buf(), source }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
