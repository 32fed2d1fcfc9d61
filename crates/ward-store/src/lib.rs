//! Ward's store: every version of every list with its entities, the audit trail of every
//! screening request, and the API keys; in one embedded SQLite database in the data directory,
//! or in a PostgreSQL database shared by several Ward replicas.
//!
//! Both backends sit behind the one [`Store`] API and behave the same (one test suite runs
//! against both). An import is one transaction: a version becomes visible whole or not at all,
//! so a crash or a failed parse never leaves half a list behind, and the last good version stays
//! current. Every version is kept (what was listed when); the newest by publication date is the
//! current one. Re-importing identical files creates no new version.
//!
//! The audit trail is written by an [`AuditLog`] with group commit: a request is answered once
//! its [`AuditTicket`] completes, which is after the record is durably committed.
//!
//! ```
//! let mut store = ward_store::Store::open_in_memory().unwrap();
//! let list = ward_model::ParsedList::new("un_sc_sanctions", "un_xml");
//! let outcome = store.import(&list).unwrap();
//! assert_eq!(store.versions().unwrap()[0].id, outcome.version.id);
//!
//! let (key, secret) = store.create_key("ci", &[ward_store::Scope::Screen]).unwrap();
//! assert_eq!(store.verify_key(&secret).unwrap().unwrap().id, key.id);
//! ```

mod audit;
mod error;
mod filter;
mod keys;
mod migrations;
mod pg;
mod sqlite;

pub use audit::{AuditFilter, AuditLog, AuditRecord, AuditTicket, MAX_BATCH};
pub use error::{Error, Result};
pub use keys::{KeyInfo, Scope, KEY_PREFIX};

use audit::{AuditSink, ResolvedFilter};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use ward_model::{Diagnostic, Entity, ListCounts, ListVersion, ParsedList};

/// The database file inside the data directory.
pub const DB_FILE: &str = "ward.db";

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    /// The version (new, or the existing identical one).
    pub version: ListVersion,
    /// What happened.
    pub status: ImportStatus,
}

/// Whether an import created a version, and whether screening uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    /// A new version, now current.
    Current,
    /// A new version kept as history: its publication date is older than the current one's.
    Historical,
    /// The same files were imported before; nothing changed.
    Unchanged,
}

/// Where a store lives.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite database ([`DB_FILE`]) in a data directory.
    Sqlite {
        /// The data directory.
        data_dir: PathBuf,
    },
    /// A PostgreSQL database.
    Postgres {
        /// A libpq-style URL (`postgres://user:password@host:5432/ward`) or key=value string.
        url: String,
        /// The schema to keep Ward's tables in, created if missing; `None` uses the
        /// connection's default (`public`). Lets several stores share one database (tests).
        schema: Option<String>,
    },
}

impl Location {
    /// Reads a `--database` value: a `postgres://` or `postgresql://` URL, or else a data
    /// directory for SQLite.
    pub fn parse(text: &str) -> Location {
        let lower = text.trim().to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Location::Postgres { url: text.trim().to_string(), schema: None }
        } else {
            Location::Sqlite { data_dir: PathBuf::from(text) }
        }
    }
}

/// Shows the location with any password removed, so it can be logged.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite { data_dir } => write!(f, "{}", data_dir.join(DB_FILE).display()),
            Location::Postgres { url, schema: None } => f.write_str(&redact(url)),
            Location::Postgres { url, schema: Some(schema) } => {
                write!(f, "{} (schema {schema})", redact(url))
            }
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({self})")
    }
}

/// A connection string without its password, for messages and logs.
pub(crate) fn redact(url: &str) -> String {
    if let Some(scheme_end) = url.find("://") {
        let rest = &url[scheme_end + 3..];
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            if let Some(colon) = rest[..at].find(':') {
                return format!("{}{}:***{}", &url[..scheme_end + 3], &rest[..colon], &rest[at..]);
            }
        }
        return url.to_string();
    }
    // key=value form.
    url.split_whitespace()
        .map(|part| if part.starts_with("password=") { "password=***" } else { part })
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) fn now() -> String {
    audit::format_time(chrono::Utc::now())
}

/// A fingerprint of a version's content: the hashes of its source files, in order.
fn content_hash(list: &ParsedList) -> String {
    list.sources.iter().map(|s| s.sha256.as_str()).collect::<Vec<_>>().join("+")
}

/// The entities to store: one per record id, the last one winning, as a list that repeats a
/// record id means its latest statement.
fn unique_entities(list: &ParsedList) -> Vec<&Entity> {
    let mut last: HashMap<&str, usize> = HashMap::with_capacity(list.entities.len());
    for (i, entity) in list.entities.iter().enumerate() {
        last.insert(entity.record_id.as_str(), i);
    }
    list.entities
        .iter()
        .enumerate()
        .filter(|(i, e)| last[e.record_id.as_str()] == *i)
        .map(|(_, e)| e)
        .collect()
}

/// Whether a new version becomes current: unless the current one states a later publication.
fn becomes_current(current_published: Option<Option<String>>, new: &Option<String>) -> bool {
    match (current_published, new) {
        (Some(Some(current)), Some(new)) => *new >= current,
        _ => true,
    }
}

/// What an import writes, prepared once for either backend.
pub(crate) struct NewVersion<'a> {
    list: &'a ParsedList,
    entities: Vec<&'a Entity>,
    counts: ListCounts,
    content_hash: String,
    imported_at: String,
}

pub(crate) enum Versions {
    All,
    Current,
    Id(i64),
}

pub(crate) enum Entities {
    Version(i64),
    Current,
}

pub(crate) enum KeyBy<'a> {
    All,
    Id(&'a str),
    Hash(&'a str),
}

/// One backend. Methods take `&self`: each backend serializes use of its connection, so that a
/// `Store` can be shared between threads.
pub(crate) trait Backend: Send + Sync {
    /// Stores a version in one transaction; returns its id and status.
    fn import(&self, new: &NewVersion<'_>) -> Result<(i64, ImportStatus)>;
    fn versions(&self, which: Versions) -> Result<Vec<ListVersion>>;
    fn diagnostics(&self, version_id: i64) -> Result<Vec<Diagnostic>>;
    fn entities(&self, which: Entities) -> Result<Vec<Entity>>;
    /// A new connection for the audit writer.
    fn audit_sink(&self) -> Result<Box<dyn AuditSink>>;
    fn audit(&self, filter: &ResolvedFilter) -> Result<Vec<AuditRecord>>;
    fn insert_key(&self, key: &KeyInfo, key_hash: &str) -> Result<()>;
    fn keys(&self, by: KeyBy<'_>) -> Result<Vec<KeyInfo>>;
    /// Marks a key revoked unless it already is.
    fn revoke_key(&self, id: &str, at: &str) -> Result<()>;
    /// Runs raw SQL, for tests that break the database on purpose.
    #[cfg(test)]
    fn execute(&self, sql: &str) -> Result<()>;
}

/// A handle on the store. `Send + Sync`: share it behind an `Arc`; calls on one handle are
/// serialized, so open more handles (or an [`AuditLog`]) where calls must run in parallel.
pub struct Store {
    backend: Box<dyn Backend>,
    location: Option<Location>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(location) => write!(f, "Store({location})"),
            None => f.write_str("Store(:memory:)"),
        }
    }
}

impl Store {
    /// Opens (creating if needed) the SQLite store in `data_dir`, upgrading its schema.
    pub fn open(data_dir: &Path) -> Result<Store> {
        Store::open_location(&Location::Sqlite { data_dir: data_dir.to_path_buf() })
    }

    /// Connects to the PostgreSQL store at `url`, creating or upgrading its schema.
    pub fn connect(url: &str) -> Result<Store> {
        Store::open_location(&Location::Postgres { url: url.to_string(), schema: None })
    }

    /// Opens the store at `location`, creating or upgrading its schema.
    pub fn open_location(location: &Location) -> Result<Store> {
        Store::open_at(location, migrations::LATEST)
    }

    /// Opens the store, migrating only up to schema version `target` (tests write old stores).
    pub(crate) fn open_at(location: &Location, target: usize) -> Result<Store> {
        let backend: Box<dyn Backend> = match location {
            Location::Sqlite { data_dir } => Box::new(sqlite::Sqlite::open(data_dir, target)?),
            Location::Postgres { url, schema } => {
                Box::new(pg::Postgres::connect(url, schema.as_deref(), target)?)
            }
        };
        Ok(Store { backend, location: Some(location.clone()) })
    }

    /// An SQLite store in memory, for tests; its audit log shares its one connection.
    pub fn open_in_memory() -> Result<Store> {
        Ok(Store { backend: Box::new(sqlite::Sqlite::open_in_memory()?), location: None })
    }

    /// Where the store lives (`None` in memory).
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// Stores a parsed list as a new version, in one transaction. The version becomes current
    /// unless the current version of the dataset states a later publication date.
    pub fn import(&mut self, list: &ParsedList) -> Result<ImportOutcome> {
        let new = NewVersion {
            list,
            entities: unique_entities(list),
            counts: ListCounts::of(list),
            content_hash: content_hash(list),
            imported_at: now(),
        };
        let (id, status) = self.backend.import(&new)?;
        let version = self.version(id)?.ok_or(Error::Missing { what: format!("list version {id}") })?;
        Ok(ImportOutcome { version, status })
    }

    fn version(&self, id: i64) -> Result<Option<ListVersion>> {
        Ok(self.backend.versions(Versions::Id(id))?.into_iter().next())
    }

    /// Every stored version of every list, by dataset then age.
    pub fn versions(&self) -> Result<Vec<ListVersion>> {
        self.backend.versions(Versions::All)
    }

    /// The current version of each dataset.
    pub fn current_versions(&self) -> Result<Vec<ListVersion>> {
        self.backend.versions(Versions::Current)
    }

    /// The diagnostics stored with a version.
    pub fn diagnostics(&self, version_id: i64) -> Result<Vec<Diagnostic>> {
        self.backend.diagnostics(version_id)
    }

    /// The entities of one version, by record id.
    pub fn version_entities(&self, version_id: i64) -> Result<Vec<Entity>> {
        self.backend.entities(Entities::Version(version_id))
    }

    /// The entities of the current version of every dataset.
    pub fn current_entities(&self) -> Result<Vec<Entity>> {
        self.backend.entities(Entities::Current)
    }

    /// Starts an audit writer with its own connection to this store.
    pub fn audit_log(&self) -> Result<AuditLog> {
        AuditLog::start(self.backend.audit_sink()?)
    }

    /// The audit records that pass `filter`, newest first.
    pub fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>> {
        self.backend.audit(&filter.resolve()?)
    }

    /// Creates an API key. Returns what is stored and the key itself, which is not stored and
    /// must be shown to the user now: it cannot be recovered.
    pub fn create_key(&self, name: &str, scopes: &[Scope]) -> Result<(KeyInfo, String)> {
        let info = KeyInfo {
            id: keys::new_id()?,
            name: name.to_string(),
            scopes: keys::normalize_scopes(scopes)?,
            created_at: now(),
            revoked_at: None,
        };
        let secret = keys::new_secret()?;
        self.backend.insert_key(&info, &keys::hash(&secret))?;
        Ok((info, secret))
    }

    /// Every API key, revoked ones included, oldest first.
    pub fn list_keys(&self) -> Result<Vec<KeyInfo>> {
        self.backend.keys(KeyBy::All)
    }

    /// Revokes a key by id; revoking twice keeps the first time. Returns the key as now stored.
    pub fn revoke_key(&self, id: &str) -> Result<KeyInfo> {
        self.backend.revoke_key(id, &now())?;
        self.backend
            .keys(KeyBy::Id(id))?
            .into_iter()
            .next()
            .ok_or_else(|| Error::UnknownKey { id: id.to_string() })
    }

    /// The key `secret` belongs to, if it exists and is not revoked.
    pub fn verify_key(&self, secret: &str) -> Result<Option<KeyInfo>> {
        if !secret.starts_with(KEY_PREFIX) {
            return Ok(None);
        }
        let found = self.backend.keys(KeyBy::Hash(&keys::hash(secret)))?;
        Ok(found.into_iter().find(|key| key.revoked_at.is_none()))
    }
}

#[cfg(test)]
mod tests;
