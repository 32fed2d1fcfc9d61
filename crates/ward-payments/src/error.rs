//! Why a file could not be read as payment messages.

/// A file that is not a payment message Ward screens, or a message too broken to read. The
/// message says where (byte offset, message number, field) and what was expected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReadError {
    /// Neither ISO 20022 XML nor a SWIFT MT message.
    #[error("not a payment message: {0}")]
    NotAPayment(String),
    /// A payment message of a type Ward does not screen (a status report, a statement).
    #[error("{format} is not a screened message type (screened: {screened})")]
    Unsupported {
        /// The message's type as it names itself.
        format: String,
        /// The types Ward screens.
        screened: &'static str,
    },
    /// A message whose syntax is broken.
    #[error("malformed {syntax} message: {detail}")]
    Malformed {
        /// `ISO 20022` or `MT`.
        syntax: &'static str,
        /// Where and what.
        detail: String,
    },
}
