//! The one error type of `ward-store`; each error names the database and, where there is one,
//! the fix.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A store operation failed: because of what the caller asked ([`Error::User`]: the message
/// says what to change), or in the store itself ([`Error::Internal`]: the database, the disk,
/// the audit writer).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The caller's to fix.
    #[error(transparent)]
    User(#[from] UserError),
    /// A failure of the store.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

/// An error the caller caused and can fix: a guard refused an import, a version or key that does
/// not exist, a bad time, a database of a newer Ward. Every variant has a [`UserErrorKind`], so
/// that a server can answer each with a client error, never a server error.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
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
    /// A `PostgreSQL` schema name that is not a plain identifier.
    #[error("{name:?} is not usable as a PostgreSQL schema name: use lowercase letters, digits and '_', starting with a letter")]
    BadSchemaName {
        /// The name given.
        name: String,
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
    /// A diff without `from` of a version that has no earlier one.
    #[error("{dataset} has no version before version {number} to compare it with: name one with --from (API: from=N); `ward lists show {dataset}` lists its versions")]
    NoEarlierVersion {
        /// The dataset.
        dataset: String,
        /// The version to compare.
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
    /// No alert has this id.
    #[error("there is no alert {id}: `ward alerts list` shows the alerts")]
    UnknownAlert {
        /// The id given.
        id: i64,
    },
    /// No decision has this id.
    #[error("there is no decision {id}")]
    UnknownDecision {
        /// The id given.
        id: i64,
    },
    /// A screening that read an alert tried to write it back after someone else (a decision
    /// taking effect, another screening) changed it: its view is stale.
    #[error("alert {id} changed after this screening read it (read as of {read_at}): screen again to decide on its current state")]
    AlertChanged {
        /// The alert.
        id: i64,
        /// The alert's `updated_at` as the screening read it.
        read_at: String,
    },
    /// A decision on an alert that is not waiting for one.
    #[error("alert {id} is {status}: only an open alert can be decided or escalated, and an escalated one confirmed or dismissed")]
    AlertNotOpen {
        /// The alert.
        id: i64,
        /// Its status.
        status: String,
    },
    /// A second decision on an alert whose first waits for approval.
    #[error("alert {alert} has decision {decision} waiting for approval: approve or reject it first")]
    DecisionPending {
        /// The alert.
        alert: i64,
        /// The pending decision.
        decision: i64,
    },
    /// An approval, rejection or assignment that needs a supervisor.
    #[error("{actor} acts as {role}: approving, rejecting and assigning alerts to others needs the supervisor or admin role")]
    NotSupervisor {
        /// Who tried.
        actor: String,
        /// Their role.
        role: String,
    },
    /// Someone reviewing their own decision.
    #[error("{actor} requested decision {decision} and cannot approve or reject it: a second person must (four eyes)")]
    OwnDecision {
        /// The decision.
        decision: i64,
        /// Who tried.
        actor: String,
    },
    /// A review of a decision that is no longer pending.
    #[error("decision {decision} is {status}, not pending: there is nothing to approve or reject")]
    NotPending {
        /// The decision.
        decision: i64,
        /// Its status.
        status: String,
    },
    /// A decision that does not hold together.
    #[error("{message}")]
    BadDecision {
        /// What is wrong and what to do.
        message: String,
    },
    /// A queue cursor this store did not hand out.
    #[error("{cursor:?} is not a queue cursor: pass the `next` value of the previous page, or leave it out for the first page")]
    BadCursor {
        /// The text given.
        cursor: String,
    },
    /// A desk account name that is taken.
    #[error("there is already a user named {name:?}: `ward users list` shows them")]
    UserExists {
        /// The name given.
        name: String,
    },
    /// A desk account name with characters other than letters, digits and `._-@`.
    #[error("{name:?} is not usable as a user name: use 1 to 64 letters, digits, '.', '_', '-' or '@'")]
    BadUserName {
        /// The name given.
        name: String,
    },
    /// A payment hold that cannot be stored as given.
    #[error("{message}")]
    BadPaymentHold {
        /// What is wrong and what to do.
        message: String,
    },
    /// A customer book named as the book of held payments.
    #[error("{name:?} is the book of held payments: choose another name for a customer book")]
    ReservedBook {
        /// The name given.
        name: String,
    },
    /// A desk password shorter than the minimum.
    #[error("the password is too short: use at least {min} characters")]
    ShortPassword {
        /// The fewest characters accepted.
        min: usize,
    },
}

/// Declares [`UserErrorKind`] and its list of every kind from one list of names, so that the
/// list cannot miss a kind.
macro_rules! user_error_kinds {
    ($($kind:ident),* $(,)?) => {
        /// Which [`UserError`] an error is, without its details: what a server matches
        /// exhaustively to choose the answer's status, so that a new user error cannot fall
        /// through to a server error.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum UserErrorKind {
            $(
                #[doc = concat!("[`UserError::", stringify!($kind), "`].")]
                $kind,
            )*
        }

        impl UserErrorKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [UserErrorKind] = &[$(UserErrorKind::$kind),*];
        }
    };
}

user_error_kinds!(
    TooNew,
    BadSchemaName,
    BadTime,
    NoScope,
    UnknownKey,
    EmptyList,
    Shrink,
    NoList,
    NoVersion,
    NoEarlierVersion,
    NothingToRollBack,
    AlreadyCurrent,
    UnknownAlert,
    UnknownDecision,
    AlertChanged,
    AlertNotOpen,
    DecisionPending,
    NotSupervisor,
    OwnDecision,
    NotPending,
    BadDecision,
    BadCursor,
    UserExists,
    BadUserName,
    ShortPassword,
    BadPaymentHold,
    ReservedBook,
);

impl UserError {
    /// Which error this is.
    pub fn kind(&self) -> UserErrorKind {
        match self {
            UserError::TooNew { .. } => UserErrorKind::TooNew,
            UserError::BadSchemaName { .. } => UserErrorKind::BadSchemaName,
            UserError::BadTime { .. } => UserErrorKind::BadTime,
            UserError::NoScope => UserErrorKind::NoScope,
            UserError::UnknownKey { .. } => UserErrorKind::UnknownKey,
            UserError::EmptyList { .. } => UserErrorKind::EmptyList,
            UserError::Shrink { .. } => UserErrorKind::Shrink,
            UserError::NoList { .. } => UserErrorKind::NoList,
            UserError::NoVersion { .. } => UserErrorKind::NoVersion,
            UserError::NoEarlierVersion { .. } => UserErrorKind::NoEarlierVersion,
            UserError::NothingToRollBack { .. } => UserErrorKind::NothingToRollBack,
            UserError::AlreadyCurrent { .. } => UserErrorKind::AlreadyCurrent,
            UserError::UnknownAlert { .. } => UserErrorKind::UnknownAlert,
            UserError::UnknownDecision { .. } => UserErrorKind::UnknownDecision,
            UserError::AlertChanged { .. } => UserErrorKind::AlertChanged,
            UserError::AlertNotOpen { .. } => UserErrorKind::AlertNotOpen,
            UserError::DecisionPending { .. } => UserErrorKind::DecisionPending,
            UserError::NotSupervisor { .. } => UserErrorKind::NotSupervisor,
            UserError::OwnDecision { .. } => UserErrorKind::OwnDecision,
            UserError::NotPending { .. } => UserErrorKind::NotPending,
            UserError::BadDecision { .. } => UserErrorKind::BadDecision,
            UserError::BadCursor { .. } => UserErrorKind::BadCursor,
            UserError::UserExists { .. } => UserErrorKind::UserExists,
            UserError::BadUserName { .. } => UserErrorKind::BadUserName,
            UserError::ShortPassword { .. } => UserErrorKind::ShortPassword,
            UserError::BadPaymentHold { .. } => UserErrorKind::BadPaymentHold,
            UserError::ReservedBook { .. } => UserErrorKind::ReservedBook,
        }
    }
}

/// A failure of the store, not of the request: each names the database and, where there is one,
/// the fix.
#[derive(Debug, thiserror::Error)]
pub enum InternalError {
    /// The data directory could not be created or read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// `SQLite` failed.
    #[error("database {path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: rusqlite::Error,
    },
    /// `PostgreSQL` could not be reached.
    #[error("cannot connect to database {database}: {}: check that PostgreSQL is running and that the URL (user, host, port, database name) is right", describe(.cause))]
    Connect {
        /// The database URL, password removed.
        database: String,
        /// The cause. Not a `source`: the message already includes its chain, which the
        /// `postgres` crate keeps out of its own message ("db error").
        cause: postgres::Error,
    },
    /// `PostgreSQL` failed.
    #[error("database {database}: {}", describe(.cause))]
    Postgres {
        /// The database URL (password removed) and schema.
        database: String,
        /// The cause, whose chain the message includes.
        cause: postgres::Error,
    },
    /// No connection to the database could be had from the store's pool.
    #[error("database {database}: no connection: {source}")]
    Pool {
        /// The database file, or URL (password removed) and schema.
        database: String,
        /// The cause.
        #[source]
        source: r2d2::Error,
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
    /// The operating system's random source failed.
    #[error("cannot read random bytes from the operating system: {0}")]
    Random(String),
    /// The transaction holding an audit record could not be committed; the request it records
    /// (and every other request of that transaction) must not be answered as if it were.
    #[error(
        "the audit transaction was not committed, so this request's audit record and held payments \
         were not stored: {0}"
    )]
    AuditWrite(#[source] Arc<Error>),
    /// The audit writer has stopped (shut down, or its thread died).
    #[error("the audit log is closed: the audit writer has stopped; restart Ward")]
    AuditClosed,
}

impl Error {
    /// Whether the error is the user's to fix ([`Error::User`]), rather than a failure of the
    /// store.
    pub fn is_user_error(&self) -> bool {
        matches!(self, Error::User(_))
    }

    pub(crate) fn sqlite(path: &Path, source: rusqlite::Error) -> Error {
        InternalError::Sqlite { path: path.to_path_buf(), source }.into()
    }

    pub(crate) fn postgres(database: &str, cause: postgres::Error) -> Error {
        InternalError::Postgres { database: database.to_string(), cause }.into()
    }

    pub(crate) fn missing(what: String) -> Error {
        InternalError::Missing { what }.into()
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        InternalError::Json(e).into()
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
