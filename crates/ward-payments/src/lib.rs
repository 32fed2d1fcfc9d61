//! Ward's payment screening: ISO 20022 and SWIFT MT messages read into a typed model of the
//! screened fields ([`Message`]: parties and agents with names, postal addresses, BICs, LEIs,
//! other identifiers, birth dates and places, accounts; free text), each field with its path
//! (`CdtTrfTxInf[0]/Cdtr/Nm`, MT `59`).
//!
//! ```
//! let mt = "{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\n:20:REF1\n:23B:CRED\n\
//!           :59:/FR7630001007941234567890185\nMARIE DUPONT\nPARIS\n-}";
//! let messages = ward_payments::read_messages(mt.as_bytes()).unwrap();
//! assert_eq!(messages[0].format, "MT103");
//! assert_eq!(messages[0].parties.last().unwrap().names[0].value, "MARIE DUPONT");
//! ```
//!
//! # Why these readers
//! The typed-model crates were tried on the samples in `shared/data/payments` (figures in the
//! commit that added this crate):
//! - `mx-message` (Apache-2.0) and `mx20022` (Apache-2.0) deserialise one schema version per
//!   message type (mx-message: pacs.008.001.08, pacs.009.001.08, pacs.004.001.09, pain.001.001.09,
//!   camt.056.001.08, camt.029.001.09; mx20022: pacs.008 .08/.10/.13, pacs.009.001.10,
//!   pain.001.001.11, camt.056.001.11, camt.029.001.12), so the .001.07, .001.09, .001.11 and
//!   pain.001.001.03 samples are refused, and a version a bank adopts next year would be too.
//!   Both pull in large dependency trees (mx-message: a rules engine and a test-data faker).
//! - `swift-mt-message` (Apache-2.0) validates each message against the SR2025 network rules
//!   and refuses real-world messages that break them (free-format lines in option A fields,
//!   RJE files, ACK wrappers); a screening filter must read what was sent, not what should have
//!   been.
//!
//! Screening needs the parties, agents, places and texts, not every field of every version:
//! [`iso`] walks the XML once with quick-xml (already in the workspace) keyed on element names
//! that are stable across versions, and [`mt`] splits blocks 1-5 and the tagged fields of
//! block 4 itself.

pub mod error;
pub mod geography;
pub mod iso;
pub mod model;
pub mod mt;
pub mod screen;

pub use error::ReadError;
pub use geography::{Geography, GeographyError, Place, PlaceKind};
pub use model::{Field, Message, Party, PartyRole, PostalAddress, Syntax};
pub use screen::{Decision, HitKind, PaymentHit, PaymentScreener, Screening};

/// Reads the payment messages in a file: ISO 20022 XML (one or several documents, with or
/// without header envelope) or SWIFT MT (one message, an RJE file, ACK/NAK-wrapped messages).
pub fn read_messages(bytes: &[u8]) -> Result<Vec<Message>, ReadError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ReadError::NotAPayment(format!("not UTF-8 text (invalid byte at offset {})", e.valid_up_to()))
    })?;
    if iso::looks_like_xml(text) {
        iso::read(text)
    } else if mt::looks_like_mt(text) {
        mt::read(text)
    } else {
        Err(ReadError::NotAPayment(
            "neither XML (ISO 20022) nor a SWIFT MT message starting with a `{1:` basic header".to_string(),
        ))
    }
}

#[cfg(test)]
mod tests;
