//! Ward's store: every version of every list with its entities, the audit trail of every
//! screening request, and the API keys; in one embedded `SQLite` database in the data directory,
//! or in a `PostgreSQL` database shared by several Ward replicas.
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
//! let store = ward_store::Store::open_in_memory().unwrap();
//! let mut list = ward_model::ParsedList::new("un_sc_sanctions", "un_xml");
//! list.entities.push(ward_model::Entity::new("un_sc_sanctions", "QDi.001", ward_model::Schema::Person));
//! let outcome = store.import(&list).unwrap();
//! assert_eq!(store.versions().unwrap()[0].id, outcome.version.id);
//!
//! let (key, secret) = store.create_key("ci", &[ward_store::Scope::Screen]).unwrap();
//! assert_eq!(store.verify_key(&secret).unwrap().unwrap().id, key.id);
//! ```

mod audit;
mod book;
mod desk;
mod diff;
mod error;
mod fetch;
mod filter;
mod import;
mod keys;
mod migrations;
mod ownership;
mod payment_holds;
mod pg;
mod queue;
mod review;
mod sql;
mod sqlite;

pub use audit::{AuditFilter, AuditLog, AuditRecord, AuditStats, AuditTicket, MAX_BATCH};
pub use book::{
    Alert, AlertChange, AlertFilter, AlertReason, AlertStatus, Book, CloseReason, Customer, OutboxEvent,
    StoredCustomer, TOPIC_ALERT_CREATED, TOPIC_ALERT_UPDATED, TOPIC_LISTS_CHANGED,
};
pub use desk::{
    hash_password, verify_password, NewSession, Session, SignIn, User, LOCKOUT_DURATION, MAX_FAILED_SIGN_INS,
    MIN_PASSWORD_CHARS, SESSION_LIFETIME,
};
pub use diff::{DiffCounts, VersionDiff};
pub use error::{Error, InternalError, Result, UserError, UserErrorKind};
pub use fetch::{FetchAttempt, FetchResult, FetchState};
pub use import::{ImportError, ImportOutcome, ImportPolicy, DEFAULT_MAX_SHRINK};
pub use keys::{KeyInfo, Scope, KEY_PREFIX};
pub use ownership::{OwnershipImportStatus, OwnershipVersion, StoredOwnership};
pub use payment_holds::{
    message_key, HoldHit, MessageSyntax, NewPaymentHold, PaymentHold, PaymentHoldStatus, RecordedHold,
    PAYMENTS_BOOK, TOPIC_PAYMENT_BLOCKED, TOPIC_PAYMENT_RELEASED,
};
pub use queue::{AssigneeFilter, QueueItem, QueuePage, QueueQuery, QueueSort, DEFAULT_PAGE, MAX_PAGE};
pub use review::{
    decisions_csv, describe_suppression, subject_fingerprint, today, Actor, AlertEvent, AlertEventKind,
    CustomerSuppression, Decision, DecisionKind, DecisionReason, DecisionRecord, DecisionRequest,
    DecisionStatus, Role, Suppression, SuppressionEnd, SuppressionKind, SuppressionLapse, SuppressionRequest,
    SuppressionStatus, EXPORT_COLUMNS,
};

use audit::{AuditSink, ResolvedFilter};
use import::{ImportTx, Staged, StagedRow, STAGE_BATCH};
use std::fmt;
use std::path::{Path, PathBuf};
use ward_model::{Diagnostic, Entity, ListCounts, ListVersion, ParsedList};

/// The database file inside the data directory.
pub const DB_FILE: &str = "ward.db";

/// Whether an import created a version, and whether screening uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    /// A new version, now current.
    Current,
    /// A new version kept as history: its publication date is older than the current one's.
    Historical,
    /// The same files were imported before; nothing changed.
    Unchanged,
    /// A new version that makes an earlier version's content current again: a rollback, or a
    /// re-import of files imported before after another version became current.
    Restored,
}

/// The current version of each dataset and their entities, as of one moment.
#[derive(Debug, Clone)]
pub struct CurrentLists {
    /// The current version of each dataset, by dataset.
    pub versions: Vec<ListVersion>,
    /// Their entities, by version and record id.
    pub entities: Vec<Entity>,
}

/// Where a store lives.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// An `SQLite` database ([`DB_FILE`]) in a data directory.
    Sqlite {
        /// The data directory.
        data_dir: PathBuf,
    },
    /// A `PostgreSQL` database.
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
    /// directory for `SQLite`.
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

/// One backend. Methods take `&self`: each call takes a connection from the backend's pool (in
/// memory, the one shared connection), so that a `Store` can be shared between threads.
pub(crate) trait Backend: Send + Sync + desk::DeskBackend {
    /// Starts an import on this connection: its staging table, emptied.
    fn begin_import(&self) -> Result<Box<dyn ImportSession + '_>>;
    fn versions(&self, which: Versions) -> Result<Vec<ListVersion>>;
    fn diagnostics(&self, version_id: i64) -> Result<Vec<Diagnostic>>;
    fn entities(&self, which: Entities) -> Result<Vec<Entity>>;
    /// The current versions and their entities, read in one read transaction.
    fn current_lists(&self) -> Result<CurrentLists>;
    /// A new connection for the audit writer.
    fn audit_sink(&self) -> Result<Box<dyn AuditSink>>;
    fn audit(&self, filter: &ResolvedFilter) -> Result<Vec<AuditRecord>>;
    fn insert_key(&self, key: &KeyInfo, key_hash: &str) -> Result<()>;
    fn keys(&self, by: KeyBy<'_>) -> Result<Vec<KeyInfo>>;
    /// Marks a key revoked unless it already is.
    fn revoke_key(&self, id: &str, at: &str) -> Result<()>;
    /// Creates a book unless it exists.
    fn create_book(&self, name: &str, at: &str) -> Result<()>;
    /// One book by name, or every book.
    fn books(&self, name: Option<&str>) -> Result<Vec<Book>>;
    /// A book's customers, by id.
    fn customers(&self, book: &str) -> Result<Vec<StoredCustomer>>;
    /// Inserts or replaces customers and removes others, in one transaction.
    fn write_customers(&self, book: &str, upsert: &[StoredCustomer], remove: &[String]) -> Result<()>;
    /// Applies alert changes, writes their outbox events and the book's new state, in one
    /// transaction. Returns the ids of the alerts, in the order of `changes`.
    /// Also writes the alerts' history events and ends the suppressions `ended`.
    fn commit_screening(
        &self,
        state: &Book,
        changes: &[AlertChange],
        ended: &[SuppressionEnd],
        at: &str,
    ) -> Result<Vec<i64>>;
    /// Runs `work` in one transaction, committed when it returns `Ok`.
    fn transact(
        &self,
        access: sql::Access,
        work: &mut dyn FnMut(&mut dyn sql::Sql) -> Result<()>,
    ) -> Result<()>;
    fn alerts(&self, filter: &AlertFilter) -> Result<Vec<Alert>>;
    /// The oldest outbox events, at most `limit`.
    fn outbox(&self, limit: usize) -> Result<Vec<OutboxEvent>>;
    /// Removes delivered outbox events.
    fn delete_outbox(&self, ids: &[i64]) -> Result<()>;
    /// Records one fetch attempt of a source, made at `at`.
    fn record_fetch(&self, attempt: &FetchAttempt, at: &str) -> Result<()>;
    /// What is remembered of every source fetched, by source name.
    fn fetch_states(&self) -> Result<Vec<FetchState>>;
    /// Writes one ownership version, its edges and parties, in one transaction; returns its id.
    fn insert_ownership(&self, new: &ownership::NewOwnership, at: &str) -> Result<i64>;
    /// Every ownership version, oldest first.
    fn ownership_versions(&self) -> Result<Vec<OwnershipVersion>>;
    /// One ownership version's edge rows (in order) and party rows (by key).
    fn ownership_rows(&self, version_id: i64) -> Result<(Vec<String>, Vec<String>)>;
    /// The linked subjects stored for a set of versions (its JSON key).
    fn link_partition(&self, versions: &str) -> Result<Option<String>>;
    /// Stores the linked subjects of a set of versions, and drops those of sets no book was
    /// last screened against.
    fn save_link_partition(&self, versions: &str, subjects: &str) -> Result<()>;
    /// Runs raw SQL, for tests that break the database on purpose.
    #[cfg(test)]
    fn execute(&self, sql: &str) -> Result<()>;
}

/// One import on one connection: entities staged outside the database's write lock, then one
/// deciding transaction.
pub(crate) trait ImportSession {
    /// Stages rows; a record id staged again replaces the earlier row.
    fn stage(&mut self, rows: &[StagedRow]) -> Result<()>;
    /// Opens the deciding transaction (taking the write lock, or the dataset's lock).
    fn transaction(&mut self) -> Result<Box<dyn ImportTx + '_>>;
    /// Empties the staging table.
    fn clear(&mut self) -> Result<()>;
}

/// Serializes entities into batches of staged rows, counting them, as a reader hands them over.
struct Stager<'a> {
    session: Box<dyn ImportSession + 'a>,
    batch: Vec<StagedRow>,
    counts: ListCounts,
    /// The first store error: later entities are dropped, and the import fails.
    failed: Option<Error>,
}

impl<'a> Stager<'a> {
    fn new(session: Box<dyn ImportSession + 'a>) -> Stager<'a> {
        Stager {
            session,
            batch: Vec::with_capacity(STAGE_BATCH),
            counts: ListCounts::default(),
            failed: None,
        }
    }

    fn push(&mut self, entity: &Entity) {
        if self.failed.is_some() {
            return;
        }
        self.counts.add_entity(entity);
        match StagedRow::of(entity) {
            Ok(row) => self.batch.push(row),
            Err(e) => self.failed = Some(e),
        }
        if self.batch.len() >= STAGE_BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.failed.is_none() && !self.batch.is_empty() {
            if let Err(e) = self.session.stage(&self.batch) {
                self.failed = Some(e);
            }
        }
        self.batch.clear();
    }

    /// Stages what is left and runs `decide` in the deciding transaction, committing what it
    /// wrote unless it found the files unchanged. A version that became current is committed
    /// with its [`TOPIC_LISTS_CHANGED`] outbox event. Returns the decision and the version as
    /// stored, when one was written.
    fn finish(
        mut self,
        decide: impl FnOnce(&mut dyn ImportTx, &Staged) -> Result<import::Decision>,
    ) -> Result<(import::Decision, Option<ListVersion>)> {
        self.flush();
        if let Some(e) = self.failed.take() {
            let _ = self.session.clear();
            return Err(e);
        }
        let staged = Staged { counts: self.counts };
        let decided = self.session.transaction().and_then(|mut tx| {
            let decision = decide(&mut *tx, &staged)?;
            if decision.status == ImportStatus::Unchanged {
                return Ok((decision, None));
            }
            let version = tx.version(decision.version_id)?;
            if matches!(decision.status, ImportStatus::Current | ImportStatus::Restored) {
                tx.insert_outbox(&list_change_event(&version, decision.removed))?;
            }
            tx.commit()?;
            Ok((decision, Some(version)))
        });
        // Staged rows take space in a temporary file (SQLite) or table: free it now, whether
        // the import was stored or refused.
        let cleared = self.session.clear();
        let decision = decided?;
        cleared?;
        Ok(decision)
    }
}

/// The outbox event of the list version `version` becoming current ([`TOPIC_LISTS_CHANGED`],
/// keyed by dataset), `removed` records of the version before no longer listed.
fn list_change_event(version: &ListVersion, removed: u64) -> OutboxEvent {
    let payload = serde_json::json!({
        "dataset": version.dataset,
        "version_id": version.id,
        "number": version.number,
        "restores": version.restores,
        "published": version.published,
        "records": version.counts.entities,
        "removed": removed,
    });
    OutboxEvent {
        id: 0,
        created_at: now(),
        topic: TOPIC_LISTS_CHANGED.to_string(),
        key: version.dataset.clone(),
        payload: payload.to_string(),
    }
}

/// A handle on the store. `Send + Sync`: share it behind an `Arc`. Each call takes its own
/// connection from a pool, so reads go on while an import reads and stages its list (a store in
/// memory has one connection, and serializes its calls).
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
    /// Opens (creating if needed) the `SQLite` store in `data_dir`, upgrading its schema.
    pub fn open(data_dir: &Path) -> Result<Store> {
        Store::open_location(&Location::Sqlite { data_dir: data_dir.to_path_buf() })
    }

    /// Connects to the `PostgreSQL` store at `url`, creating or upgrading its schema.
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

    /// An `SQLite` store in memory, for tests; its audit log shares its one connection.
    pub fn open_in_memory() -> Result<Store> {
        Ok(Store { backend: Box::new(sqlite::Sqlite::open_in_memory()?), location: None })
    }

    /// Where the store lives (`None` in memory).
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// Stores a parsed list as a new version, in one transaction, with the default
    /// [`ImportPolicy`]. See [`Store::import_with`].
    pub fn import(&self, list: &ParsedList) -> Result<ImportOutcome> {
        self.import_with(list, &ImportPolicy::default())
    }

    /// Stores a parsed list as a new version, in one transaction. The version becomes current
    /// unless the current version of the dataset states a later publication date; a delta list
    /// is applied to the current version and stored as the complete next one. A version that
    /// would become current while breaking `policy` (no records, or too many of the current
    /// version's records removed) is refused with [`UserError::EmptyList`] or [`UserError::Shrink`], and
    /// nothing is stored. Files imported before store nothing, unless their version is not
    /// current and would be by date: then it becomes current again ([`ImportStatus::Restored`]).
    pub fn import_with(&self, list: &ParsedList, policy: &ImportPolicy) -> Result<ImportOutcome> {
        let imported_at = now();
        let mut stager = Stager::new(self.backend.begin_import()?);
        for entity in &list.entities {
            stager.push(entity);
        }
        let decision = stager.finish(|tx, staged| import::decide(tx, list, staged, policy, &imported_at))?;
        self.outcome(decision)
    }

    /// Stores a list as [`Store::import_with`] does while `read` reads it: `read` hands each
    /// entity to its sink as soon as it is complete, and returns the list without them
    /// (sources, metadata, diagnostics; a delta may leave its entities in the list). Memory
    /// stays bounded whatever the size of the list: entities are staged on disk in batches.
    /// When `read` fails, nothing is stored.
    pub fn import_streaming<E>(
        &self,
        policy: &ImportPolicy,
        read: impl FnOnce(&mut dyn FnMut(Entity)) -> std::result::Result<ParsedList, E>,
    ) -> std::result::Result<ImportOutcome, ImportError<E>> {
        let imported_at = now();
        let mut stager = Stager::new(self.backend.begin_import()?);
        let list = match read(&mut |entity| stager.push(&entity)) {
            Ok(list) => list,
            Err(e) => {
                let _ = stager.session.clear();
                return Err(ImportError::Read(e));
            }
        };
        for entity in &list.entities {
            stager.push(entity);
        }
        let decision = stager.finish(|tx, staged| import::decide(tx, &list, staged, policy, &imported_at))?;
        Ok(self.outcome(decision)?)
    }

    /// Makes the content of an earlier version of `dataset` current again, as a new version
    /// pointing at it: version number `to`, or else the newest earlier version whose content
    /// differs from the current one's.
    pub fn rollback(&self, dataset: &str, to: Option<i64>) -> Result<ImportOutcome> {
        let imported_at = now();
        let stager = Stager::new(self.backend.begin_import()?);
        let decision = stager.finish(|tx, _| import::rollback(tx, dataset, to, &imported_at))?;
        self.outcome(decision)
    }

    fn outcome(&self, (decision, written): (import::Decision, Option<ListVersion>)) -> Result<ImportOutcome> {
        let id = decision.version_id;
        let version = match written {
            Some(version) => version,
            None => self.version(id)?.ok_or_else(|| Error::missing(format!("list version {id}")))?,
        };
        Ok(ImportOutcome {
            version,
            status: decision.status,
            removed: decision.removed,
            previous_records: decision.previous_records,
        })
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

    /// The versions of one dataset, oldest first.
    pub fn dataset_versions(&self, dataset: &str) -> Result<Vec<ListVersion>> {
        Ok(self.versions()?.into_iter().filter(|v| v.dataset == dataset).collect())
    }

    /// The entities of one version, by record id.
    pub fn version_entities(&self, version_id: i64) -> Result<Vec<Entity>> {
        self.backend.entities(Entities::Version(version_id))
    }

    /// The entities of the current version of every dataset.
    pub fn current_entities(&self) -> Result<Vec<Entity>> {
        self.backend.entities(Entities::Current)
    }

    /// The current version of each dataset and their entities, read in one read transaction:
    /// an import committed meanwhile (by this process, another, or another replica) is in both
    /// or in neither. What a screening snapshot is built from.
    pub fn current_lists(&self) -> Result<CurrentLists> {
        self.backend.current_lists()
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
            .ok_or_else(|| Error::from(UserError::UnknownKey { id: id.to_string() }))
    }

    /// The key `secret` belongs to, if it exists and is not revoked.
    pub fn verify_key(&self, secret: &str) -> Result<Option<KeyInfo>> {
        if !secret.starts_with(KEY_PREFIX) {
            return Ok(None);
        }
        let found = self.backend.keys(KeyBy::Hash(&keys::hash(secret)))?;
        Ok(found.into_iter().find(|key| key.revoked_at.is_none()))
    }

    /// Creates the customer book `name` unless it exists, and returns it. Refused for
    /// [`PAYMENTS_BOOK`], the book of held payments.
    pub fn create_book(&self, name: &str) -> Result<Book> {
        if name == PAYMENTS_BOOK {
            return Err(UserError::ReservedBook { name: name.to_string() }.into());
        }
        self.backend.create_book(name, &now())?;
        self.book(name)?.ok_or_else(|| Error::missing(format!("book {name}")))
    }

    /// The customer book `name`, if it exists; never [`PAYMENTS_BOOK`], which holds no
    /// customers and is not screened by the monitor.
    pub fn book(&self, name: &str) -> Result<Option<Book>> {
        if name == PAYMENTS_BOOK {
            return Ok(None);
        }
        Ok(self.backend.books(Some(name))?.into_iter().next())
    }

    /// Every customer book, by name (not [`PAYMENTS_BOOK`]).
    pub fn books(&self) -> Result<Vec<Book>> {
        let mut books = self.backend.books(None)?;
        books.retain(|book| book.name != PAYMENTS_BOOK);
        Ok(books)
    }

    /// Stores a held payment message as a case of the desk (its alert in [`PAYMENTS_BOOK`] and
    /// the alert's first history event), in one transaction, committed before it returns. A
    /// message whose key ([`NewPaymentHold::message_key`]) is stored already is not stored
    /// again: the earlier hold is returned with `created` false.
    pub fn record_payment_hold(&self, new: &NewPaymentHold) -> Result<RecordedHold> {
        let at = now();
        self.review(sql::Access::Write, |sql| payment_holds::record(sql, new, &at))
    }

    /// The held payment of alert `alert_id`, if that alert is one.
    pub fn payment_hold(&self, alert_id: i64) -> Result<Option<PaymentHold>> {
        self.review(sql::Access::Read, |sql| payment_holds::hold_of_alert(sql, alert_id))
    }

    /// The held payment stored under a message key, if any.
    pub fn payment_hold_by_key(&self, message_key: &str) -> Result<Option<PaymentHold>> {
        self.review(sql::Access::Read, |sql| payment_holds::hold_by_key(sql, message_key))
    }

    /// The customers of a book, by id.
    pub fn customers(&self, book: &str) -> Result<Vec<StoredCustomer>> {
        self.backend.customers(book)
    }

    /// Inserts or replaces the customers `upsert` (by id) and removes the customers `remove`
    /// from a book, in one transaction.
    pub fn write_customers(&self, book: &str, upsert: &[Customer], remove: &[String]) -> Result<()> {
        let at = now();
        let rows: Vec<StoredCustomer> = upsert
            .iter()
            .map(|customer| StoredCustomer {
                fingerprint: customer.fingerprint(),
                customer: customer.clone(),
                updated_at: at.clone(),
            })
            .collect();
        self.backend.write_customers(book, &rows, remove)
    }

    /// Records one step of a book's screening in one transaction: the alert changes, an outbox
    /// event for each, and the book's new state (`state.name` names the book). Returns the ids
    /// of the alerts in the order of `changes` (new ones assigned here).
    pub fn commit_screening(&self, state: &Book, changes: &[AlertChange]) -> Result<Vec<i64>> {
        self.backend.commit_screening(state, changes, &[], &now())
    }

    /// [`Store::commit_screening`], also ending the suppressions the screening found no longer
    /// holding, in the same transaction; the history of each alert records why.
    pub fn commit_screening_ending(
        &self,
        state: &Book,
        changes: &[AlertChange],
        ended: &[SuppressionEnd],
    ) -> Result<Vec<i64>> {
        self.backend.commit_screening(state, changes, ended, &now())
    }

    /// Runs `work` in one transaction of the review desk.
    fn review<T>(&self, access: sql::Access, work: impl FnOnce(&mut dyn sql::Sql) -> Result<T>) -> Result<T> {
        let mut work = Some(work);
        let mut out = None;
        self.backend.transact(access, &mut |sql| {
            if let Some(work) = work.take() {
                out = Some(work(sql)?);
            }
            Ok(())
        })?;
        out.ok_or_else(|| Error::missing("the result of a review transaction".to_string()))
    }

    /// Records `actor`'s decision on alert `alert_id`. A confirmation or a suppressing dismissal
    /// waits ([`DecisionStatus::Pending`]) for a second person's [`Store::approve_decision`];
    /// any other decision takes effect at once: the alert's status, its outbox event
    /// ([`TOPIC_ALERT_UPDATED`]) and its history event, in one transaction. Refused (user
    /// errors) for an unknown alert, one that is not open (or escalated), one with a decision
    /// pending, a suppression on a non-dismissal, a good-guy date not after today, or reason
    /// "other" without a remark.
    pub fn request_decision(
        &self,
        alert_id: i64,
        actor: &Actor,
        request: &DecisionRequest,
    ) -> Result<Decision> {
        let at = now();
        let today = review::today();
        self.review(sql::Access::Write, |sql| review::request(sql, alert_id, actor, request, &at, &today))
    }

    /// A second person approves pending decision `decision_id`, which takes effect (with its
    /// suppression, if it asks for one) in the same transaction. Refused unless `actor`'s role
    /// may approve ([`Role::can_approve`]), `actor` is not who requested it, and it is pending.
    pub fn approve_decision(&self, decision_id: i64, actor: &Actor, remark: &str) -> Result<Decision> {
        let at = now();
        let today = review::today();
        self.review(sql::Access::Write, |sql| review::approve(sql, decision_id, actor, remark, &at, &today))
    }

    /// A second person rejects pending decision `decision_id`; the alert stays as it is. The
    /// same rules as [`Store::approve_decision`].
    pub fn reject_decision(&self, decision_id: i64, actor: &Actor, remark: &str) -> Result<Decision> {
        let at = now();
        self.review(sql::Access::Write, |sql| review::reject(sql, decision_id, actor, remark, &at))
    }

    /// One decision.
    pub fn decision(&self, decision_id: i64) -> Result<Option<Decision>> {
        self.review(sql::Access::Read, |sql| match review::read_decision(sql, decision_id) {
            Ok(decision) => Ok(Some(decision)),
            Err(Error::User(UserError::UnknownDecision { .. })) => Ok(None),
            Err(e) => Err(e),
        })
    }

    /// The decisions on one alert, oldest first.
    pub fn alert_decisions(&self, alert_id: i64) -> Result<Vec<Decision>> {
        self.review(sql::Access::Read, |sql| {
            review::decisions_where(sql, "WHERE d.alert_id = $1", &[alert_id.into()])
        })
    }

    /// The decisions on every alert of one customer and subject in a book (earlier decisions
    /// on the same pair), oldest first.
    pub fn pair_decisions(&self, book: &str, customer_id: &str, subject_id: &str) -> Result<Vec<Decision>> {
        self.review(sql::Access::Read, |sql| {
            review::decisions_where(
                sql,
                "WHERE a.book = $1 AND a.customer_id = $2 AND a.subject_id = $3",
                &[book.into(), customer_id.into(), subject_id.into()],
            )
        })
    }

    /// The decisions waiting for approval, of one book or all, oldest first.
    pub fn pending_decisions(&self, book: Option<&str>) -> Result<Vec<Decision>> {
        self.review(sql::Access::Read, |sql| match book {
            Some(book) => {
                review::decisions_where(sql, "WHERE d.status = 'pending' AND a.book = $1", &[book.into()])
            }
            None => review::decisions_where(sql, "WHERE d.status = 'pending'", &[]),
        })
    }

    /// Gives alert `alert_id` to `assignee` (an analyst may take it for themselves; giving it
    /// to another needs a supervisor), or frees it with `None`. Recorded in its history.
    pub fn assign_alert(&self, alert_id: i64, actor: &Actor, assignee: Option<&str>) -> Result<()> {
        let at = now();
        self.review(sql::Access::Write, |sql| review::assign(sql, alert_id, actor, assignee, &at).map(|_| ()))
    }

    /// Who has alert `alert_id`, if anyone.
    pub fn alert_assignee(&self, alert_id: i64) -> Result<Option<String>> {
        self.review(sql::Access::Read, |sql| {
            review::read_alert(sql, alert_id)?;
            let rows = sql.query("SELECT assignee FROM alerts WHERE id = $1", &[alert_id.into()])?;
            rows.first().map(|row| row.opt_text(0)).transpose().map(Option::flatten)
        })
    }

    /// Everything that happened to alert `alert_id`, in order: raised, updated, decisions,
    /// approvals, suppressions, closes. [`UserError::UnknownAlert`] when there is no such alert.
    pub fn alert_history(&self, alert_id: i64) -> Result<Vec<AlertEvent>> {
        self.review(sql::Access::Read, |sql| review::history(sql, alert_id))
    }

    /// The suppressions of a book still holding by status ([`SuppressionStatus::Active`]),
    /// by id. A good-guy entry past its date is active until a screening ends it.
    pub fn active_suppressions(&self, book: &str) -> Result<Vec<Suppression>> {
        self.review(sql::Access::Read, |sql| {
            review::suppressions_where(sql, "WHERE book = $1 AND status = 'active'", &[book.into()])
        })
    }

    /// The active suppressions of the customers `customer_ids` of `book`, each with the
    /// customer's stored fingerprint, by id; customers not in the book have none. Judge each
    /// with [`Suppression::lapse`].
    pub fn customer_suppressions(
        &self,
        book: &str,
        customer_ids: &[&str],
    ) -> Result<Vec<CustomerSuppression>> {
        self.review(sql::Access::Read, |sql| review::customer_suppressions(sql, book, customer_ids))
    }

    /// Every suppression of a book (or all books), whatever its status, by id.
    pub fn suppressions(&self, book: Option<&str>) -> Result<Vec<Suppression>> {
        self.review(sql::Access::Read, |sql| match book {
            Some(book) => review::suppressions_where(sql, "WHERE book = $1", &[book.into()]),
            None => review::suppressions_where(sql, "", &[]),
        })
    }

    /// The decisions requested from `from` until `to` (each RFC 3339 or a date; a date `to`
    /// includes its whole day), as an examiner's records, oldest first.
    pub fn export_decisions(&self, from: &str, to: &str) -> Result<Vec<DecisionRecord>> {
        let from = audit::format_time(audit::time_bound(from, false)?);
        let until = audit::format_time(audit::time_bound(to, true)?);
        self.review(sql::Access::Read, |sql| review::export(sql, &from, &until))
    }

    /// The programmes of the listed subjects of every alert, by name: the choices of the
    /// queue's programme filter.
    pub fn alert_programmes(&self) -> Result<Vec<String>> {
        self.review(sql::Access::Read, review::alert_programmes)
    }

    /// The programmes of alert `alert_id`'s listed subject, by name, as screening last wrote
    /// them.
    pub fn programmes_of_alert(&self, alert_id: i64) -> Result<Vec<String>> {
        self.review(sql::Access::Read, |sql| review::programmes_of(sql, alert_id))
    }

    /// One page of the alert queue.
    pub fn alert_queue(&self, query: &QueueQuery) -> Result<QueuePage> {
        self.review(sql::Access::Read, |sql| queue::page(sql, query))
    }

    /// The alerts that pass `filter`, by id.
    pub fn alerts(&self, filter: &AlertFilter) -> Result<Vec<Alert>> {
        self.backend.alerts(filter)
    }

    /// One alert by id.
    pub fn alert(&self, id: i64) -> Result<Option<Alert>> {
        Ok(self.alerts(&AlertFilter { id: Some(id), ..AlertFilter::default() })?.into_iter().next())
    }

    /// The linked subjects stored for the list versions `versions` (ids, ascending), as the
    /// monitor wrote them with [`Store::save_link_partition`].
    pub fn link_partition(&self, versions: &[i64]) -> Result<Option<String>> {
        self.backend.link_partition(&serde_json::to_string(versions)?)
    }

    /// Keeps the linked subjects of the list versions `versions` (ids, ascending) for the books
    /// screened against them; the subjects of sets no book was last screened against are
    /// dropped. Call it after the screening that moved a book to `versions` is committed.
    pub fn save_link_partition(&self, versions: &[i64], subjects: &str) -> Result<()> {
        self.backend.save_link_partition(&serde_json::to_string(versions)?, subjects)
    }

    /// The oldest events waiting in the outbox, at most `limit`, in the order written.
    pub fn outbox(&self, limit: usize) -> Result<Vec<OutboxEvent>> {
        self.backend.outbox(limit)
    }

    /// Removes events from the outbox once they are delivered.
    pub fn delete_outbox(&self, ids: &[i64]) -> Result<()> {
        self.backend.delete_outbox(ids)
    }

    /// Records one attempt to fetch a source's list from its publisher, at the present time: on
    /// success the validators to send next time, on failure the error (validators and the last
    /// success are kept).
    pub fn record_fetch(&self, attempt: &FetchAttempt) -> Result<()> {
        self.backend.record_fetch(attempt, &now())
    }

    /// What is remembered of one source, if it was ever tried.
    pub fn fetch_state(&self, source: &str) -> Result<Option<FetchState>> {
        Ok(self.backend.fetch_states()?.into_iter().find(|state| state.source == source))
    }

    /// What is remembered of every source ever tried, by source name.
    pub fn fetch_states(&self) -> Result<Vec<FetchState>> {
        self.backend.fetch_states()
    }

    /// Stores ownership edges and their parties (with their ties) read from `origin` as a new
    /// version, now current, unless the current version holds the same.
    pub fn import_ownership(
        &self,
        origin: &str,
        edges: &[ward_ownership::Edge],
        parties: &[ward_ownership::tie::PartyRecord],
    ) -> Result<(OwnershipVersion, OwnershipImportStatus)> {
        let new = ownership::NewOwnership::new(origin, edges, parties)?;
        if let Some(current) = self.backend.ownership_versions()?.pop() {
            if current.content_hash == new.content_hash {
                return Ok((current, OwnershipImportStatus::Unchanged));
            }
        }
        let id = self.backend.insert_ownership(&new, &now())?;
        let version = self
            .backend
            .ownership_versions()?
            .into_iter()
            .find(|v| v.id == id)
            .ok_or_else(|| Error::missing(format!("ownership version {id}")))?;
        Ok((version, OwnershipImportStatus::Current))
    }

    /// Every ownership version, oldest first.
    pub fn ownership_versions(&self) -> Result<Vec<OwnershipVersion>> {
        self.backend.ownership_versions()
    }

    /// One ownership version with its edges and parties (`None`: the current one); `None` where
    /// there is no such version.
    pub fn ownership(&self, version_id: Option<i64>) -> Result<Option<StoredOwnership>> {
        let versions = self.backend.ownership_versions()?;
        let version = match version_id {
            Some(id) => versions.into_iter().find(|v| v.id == id),
            None => versions.into_iter().next_back(),
        };
        let Some(version) = version else { return Ok(None) };
        let (edges, parties) = self.backend.ownership_rows(version.id)?;
        ownership::decode(version, &edges, &parties).map(Some)
    }
}

#[cfg(test)]
mod tests;
