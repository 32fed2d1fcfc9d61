//! The one error type of `ward-lists`: a whole file could not be read as a list.
//!
//! Problems with single records are not errors: they become [`ward_model::Diagnostic`]s and the
//! rest of the list is kept. An `Error` means the file as a whole is unusable (unknown format,
//! truncated XML, broken zip), so that an import never replaces good data with part of a list.

use std::io;

/// Why a file could not be read as a list.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read from disk.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// No parser recognises the content.
    #[error("{file}: unknown list format: found {found}; expected one of: {expected}")]
    UnknownFormat {
        /// The file.
        file: String,
        /// What the file looks like.
        found: String,
        /// The formats Ward reads.
        expected: &'static str,
    },
    /// The file is of a known format but broken as a whole (truncated, not well-formed, missing
    /// its header or a required sibling file).
    #[error("{file}: not a valid {format} file: {message}")]
    Malformed {
        /// The file.
        file: String,
        /// The format it was read as.
        format: &'static str,
        /// What was wrong, and where.
        message: String,
    },
}

impl Error {
    /// A [`Error::Malformed`] for `file` read as `format`.
    pub fn malformed(file: &str, format: &'static str, message: impl Into<String>) -> Error {
        Error::Malformed { file: file.to_string(), format, message: message.into() }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
