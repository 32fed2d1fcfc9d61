//! Monitored customer books and their alerts: what a book holds, what it was last screened
//! against, and the alerts its screenings raised, changed and closed.
//!
//! Alert changes are committed with the book's screening state and one outbox event per change
//! in one transaction, so a crash never leaves an alert without its event, nor a screening
//! half recorded.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// The outbox topic of a raised alert.
pub const TOPIC_ALERT_CREATED: &str = "ward.alerts.created";
/// The outbox topic of a changed alert (updated, closed, reviewed).
pub const TOPIC_ALERT_UPDATED: &str = "ward.alerts.updated";
/// The outbox topic of a list version that became current.
pub const TOPIC_LISTS_CHANGED: &str = "ward.lists.changed";

/// One customer of a book, as imported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    /// The customer's id in the book (the caller's own key).
    pub id: String,
    /// The customer's name.
    pub name: String,
    /// Date of birth (or incorporation) as written.
    pub birth_date: Option<String>,
    /// Nationality or country, as written.
    pub country: Option<String>,
    /// Entity kind (`person`, `organization`, `vessel`...), if known.
    pub kind: Option<String>,
    /// Passport, registration or other numbers.
    pub identifiers: Vec<String>,
}

impl Customer {
    /// A fingerprint of everything screening reads: equal fingerprints, equal screening.
    pub fn fingerprint(&self) -> String {
        let mut hasher = Sha256::new();
        // Serializing a struct of strings cannot fail.
        hasher.update(serde_json::to_vec(self).unwrap_or_default());
        hex::encode(hasher.finalize())
    }
}

/// A customer as stored, with its fingerprint and last change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCustomer {
    /// The customer.
    pub customer: Customer,
    /// [`Customer::fingerprint`] when it was stored.
    pub fingerprint: String,
    /// When it was inserted or last changed.
    pub updated_at: String,
}

/// A book and where its screening stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Book {
    /// The book's name.
    pub name: String,
    /// When it was created.
    pub created_at: String,
    /// The list versions (ids) the book's alerts reflect: the current versions at its last
    /// completed screening. Empty before its first screening.
    pub screened_versions: Vec<i64>,
    /// The engine settings the alerts were computed with (engine and threshold), to detect a
    /// change that calls for a full re-screen.
    pub engine: Option<String>,
    /// A full re-screen under way: the last customer id done (customers go in id order).
    pub full_progress: Option<String>,
}

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )*
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The value as stored and printed.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // By hand: utoipa's derive does not see a `serde(rename)` whose text is a macro argument.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some($name::ALL.iter().map(|value| value.as_str())))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl FromStr for $name {
            type Err = String;

            fn from_str(text: &str) -> std::result::Result<$name, String> {
                $name::ALL.iter().copied().find(|value| value.as_str() == text).ok_or_else(|| {
                    format!(
                        "{text:?} is not one of {}",
                        $name::ALL.iter().map(|value| value.as_str()).collect::<Vec<_>>().join(", ")
                    )
                })
            }
        }
    };
}
pub(crate) use text_enum;

text_enum! {
    /// Why an alert was raised (or last changed).
    AlertReason {
        /// A customer new to the book matches a listed subject.
        NewCustomer = "new-customer",
        /// A record added to a list matches a customer.
        NewDesignation = "new-designation",
        /// An amended list record matches a customer (raised or updated because of it).
        AmendedDesignation = "amended-designation",
        /// A customer's changed data now matches a listed subject.
        CustomerChanged = "customer-changed",
        /// A good-guy suppression of the pair expired while the pair still matches.
        SuppressionExpired = "suppression-expired",
        /// Payment screening held a message (book [`crate::PAYMENTS_BOOK`]).
        PaymentHeld = "payment-held",
    }
}

text_enum! {
    /// Where an alert stands.
    AlertStatus {
        /// Waiting for review.
        Open = "open",
        /// Reviewed: the customer is the listed party.
        Confirmed = "confirmed",
        /// Reviewed: the customer is not the listed party.
        Dismissed = "dismissed",
        /// Handed to a supervisor by an analyst, waiting for their decision.
        Escalated = "escalated",
        /// No longer applies (see [`CloseReason`]).
        Closed = "closed",
    }
}

text_enum! {
    /// Why an alert was closed without review.
    CloseReason {
        /// The listed subject was removed from its lists.
        Delisted = "delisted",
        /// The subject or the customer changed and the pair no longer matches.
        NoLongerMatches = "no-longer-matches",
        /// The customer was removed from the book.
        CustomerRemoved = "customer-removed",
    }
}

/// One alert: a customer of a book that matches a listed subject.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alert {
    /// The alert's id (0 before it is stored).
    pub id: i64,
    /// The book.
    pub book: String,
    /// The customer's id in the book.
    pub customer_id: String,
    /// The customer's name.
    pub customer_name: String,
    /// The listed subject's id.
    pub subject_id: String,
    /// The referents (`dataset:record-id`) of the subject's records.
    pub referents: Vec<String>,
    /// The match score in [0, 1].
    pub score: f64,
    /// The explanation of the score, one sentence each.
    pub explanations: Vec<String>,
    /// Why it was raised or last changed.
    pub reason: AlertReason,
    /// Where it stands.
    pub status: AlertStatus,
    /// Why it was closed, when it was closed without review.
    pub close_reason: Option<CloseReason>,
    /// The list versions (ids) it was raised or last changed against.
    pub list_versions: Vec<i64>,
    /// When it was raised.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

/// A change to a book's alerts.
#[derive(Debug, Clone, PartialEq)]
pub enum AlertChange {
    /// A new alert (its `id` is ignored and assigned by the store).
    Raise(Alert),
    /// New values for a stored alert, by its `id`.
    Update(Alert),
}

/// Which alerts to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertFilter {
    /// Only this book.
    pub book: Option<String>,
    /// Only with this status.
    pub status: Option<AlertStatus>,
    /// Only this alert.
    pub id: Option<i64>,
    /// Only alerts with a larger id (paging).
    pub after: Option<i64>,
    /// At most this many, by id.
    pub limit: Option<usize>,
}

/// One event waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    /// Its position in the outbox: events are delivered in this order.
    pub id: i64,
    /// When it was written.
    pub created_at: String,
    /// Its topic ([`TOPIC_ALERT_CREATED`], ...).
    pub topic: String,
    /// What orders it: events of one key are delivered in order (book and customer id).
    pub key: String,
    /// The event as JSON.
    pub payload: String,
}

/// The outbox event of an alert change: its topic, ordering key and payload.
pub(crate) fn event_of(change: &AlertChange, alert: &Alert) -> crate::Result<(&'static str, String, String)> {
    let topic = match change {
        AlertChange::Raise(_) => TOPIC_ALERT_CREATED,
        AlertChange::Update(_) => TOPIC_ALERT_UPDATED,
    };
    Ok((topic, format!("{}/{}", alert.book, alert.customer_id), serde_json::to_string(alert)?))
}

/// Reads a stored enum value; a value this build does not know is an internal error.
pub(crate) fn parse_stored<T: FromStr<Err = String>>(text: &str) -> crate::Result<T> {
    text.parse().map_err(|what: String| crate::Error::missing(format!("a known value in the store: {what}")))
}
