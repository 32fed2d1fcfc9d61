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
//! The typed-model crates were tried on the 59 ISO 20022 and 9 MT sample files in
//! `shared/data/payments` (release build, 2026-12-05):
//! - `mx-message` 3.1.4 (Apache-2.0): 26 of 59 ISO files read (14-43 µs each). It models one
//!   version per type (pacs.008.001.08, pacs.009.001.08, pacs.004.001.09, pain.001.001.09,
//!   camt.056.001.08, camt.029.001.09), demands an `AppHdr` with `BizSvc` (refuses bare
//!   `Document`s, head.001.001.01 and .02 headers) and rejects code values it does not list
//!   (`CLRG`, `COVE`). It pulls in a rules engine and a test-data faker.
//! - `mx20022` 0.3.2 (Apache-2.0): 0 of 59 read: its models are pacs.008 .08/.10/.13,
//!   pacs.009.001.10, pain.001.001.11, camt.056.001.11, camt.029.001.12 only, and its type
//!   detection takes the header's namespace in enveloped files. Its MT parser read 6 of 9 MT
//!   files (not the RJE files, nor a block 1 one character short).
//! - `swift-mt-message` 3.1.5 (Apache-2.0): 6 of 9 MT files (11-41 µs each); it refuses
//!   messages that break the SR2025 rules (free-format option A lines, short blocks 1 and 2)
//!   and reads one message of an RJE file. A screening filter must read what was sent.
//! - Building the three took 19 minutes on this 2-core machine.
//!
//! Screening needs the parties, agents, places and texts, not every field of every version:
//! [`iso`] walks the XML once with quick-xml (already in the workspace) keyed on element names
//! that are stable across versions, and [`mt`] splits blocks 1-5 and the tagged fields of
//! block 4 itself. They read 58 of the 59 ISO files (the 59th is a pacs.002 status report,
//! refused as not screened) and all 9 MT files, 81 messages in all.

pub mod decision;
pub mod error;
pub mod geography;
pub mod iso;
pub mod model;
pub mod mt;
pub mod screen;
pub mod stripping;

pub use decision::MessageDecision;
pub use error::ReadError;
pub use geography::{Geography, GeographyError, Place, PlaceKind};
pub use model::{Field, Message, Party, PartyRole, PostalAddress, Syntax};
pub use screen::{Decision, HitKind, PaymentHit, PaymentScreener, Screening, DEFAULT_MATCH_CACHE_ENTRIES};
pub use stripping::{
    CustomerTransfers, DEFAULT_REMEMBERED_TRANSFERS, PLACEHOLDER_ADDRESSES, PLACEHOLDER_NAMES,
};

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
