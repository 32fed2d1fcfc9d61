//! The `SQLite` backend: one database file in the data directory, nothing to install.

mod desk;

use crate::audit::{names_lower, AuditSink, Batch, ResolvedFilter};
use crate::book::{event_of, parse_stored};
use crate::filter::Where;
use crate::import::{Content, ImportTx, StagedRow, VersionRef, VersionRow};
use crate::ownership::NewOwnership;
use crate::sql::{Access, Sql, SqliteSql};
use crate::{
    fetch, keys, migrations, Alert, AlertChange, AlertFilter, AuditRecord, Backend, Book, CloseReason,
    CurrentLists, Customer, Entities, Error, ImportSession, InternalError, KeyBy, KeyInfo, OutboxEvent,
    Result, StoredCustomer, Versions, DB_FILE,
};
use crate::{payment_holds, review, FetchAttempt, FetchResult, FetchState, OwnershipVersion, SuppressionEnd};
use r2d2::{Pool, PooledConnection};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use ward_model::{Diagnostic, Entity, ListVersion};

const MEMORY: &str = ":memory:";

/// The most connections a store's pool opens: reads run in parallel beside an import (WAL),
/// while `SQLite` lets one connection write at a time.
const MAX_CONNECTIONS: u32 = 8;

/// The settings every connection needs. WAL lets readers (the server) go on while an import or
/// the audit writer writes; FULL sync makes a commit survive a power cut, not only a crash of
/// the process; the busy timeout lets writers on several connections wait for each other.
const PRAGMAS: &str =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;";

pub(crate) struct Sqlite {
    connections: Connections,
    path: Option<PathBuf>,
}

/// Where a call gets its connection.
enum Connections {
    /// A database in memory exists only on its one connection: every call and the audit sink
    /// share it.
    Memory(Arc<Mutex<Connection>>),
    /// A database file: a pool of connections, one per call or import.
    File(Pool<SqliteConnectionManager>),
}

/// One call's connection.
enum Conn<'a> {
    Shared(MutexGuard<'a, Connection>),
    Pooled(PooledConnection<SqliteConnectionManager>),
}

impl std::ops::Deref for Conn<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self {
            Conn::Shared(conn) => conn,
            Conn::Pooled(conn) => conn,
        }
    }
}

impl std::ops::DerefMut for Conn<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        match self {
            Conn::Shared(conn) => conn,
            Conn::Pooled(conn) => conn,
        }
    }
}

fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic elsewhere mid-call rolled its transaction back when the guard dropped; the
    // connection is still good.
    conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Opens a connection with the settings every connection needs.
fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(|e| Error::sqlite(path, e))?;
    conn.execute_batch(PRAGMAS).map_err(|e| Error::sqlite(path, e))?;
    Ok(conn)
}

impl Sqlite {
    pub(crate) fn open(data_dir: &Path, target: usize) -> Result<Sqlite> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| Error::from(InternalError::Io { path: data_dir.to_path_buf(), source }))?;
        let path = data_dir.join(DB_FILE);
        let mut conn = connect(&path)?;
        migrations::sqlite(&mut conn, &path, target)?;
        let manager = SqliteConnectionManager::file(&path).with_init(|conn| conn.execute_batch(PRAGMAS));
        let pool = Pool::builder()
            .max_size(MAX_CONNECTIONS)
            .min_idle(Some(1))
            .build(manager)
            .map_err(|source| InternalError::Pool { database: path.display().to_string(), source })?;
        Ok(Sqlite { connections: Connections::File(pool), path: Some(path) })
    }

    pub(crate) fn open_in_memory() -> Result<Sqlite> {
        let path = Path::new(MEMORY);
        let mut conn = Connection::open_in_memory().map_err(|e| Error::sqlite(path, e))?;
        conn.execute_batch(PRAGMAS).map_err(|e| Error::sqlite(path, e))?;
        migrations::sqlite(&mut conn, path, migrations::LATEST)?;
        Ok(Sqlite { connections: Connections::Memory(Arc::new(Mutex::new(conn))), path: None })
    }

    /// A connection for one call or one import.
    fn conn(&self) -> Result<Conn<'_>> {
        match &self.connections {
            Connections::Memory(conn) => Ok(Conn::Shared(lock(conn))),
            Connections::File(pool) => pool.get().map(Conn::Pooled).map_err(|source| {
                InternalError::Pool { database: self.path().display().to_string(), source }.into()
            }),
        }
    }

    fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(MEMORY))
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> Error + '_ {
        move |e| Error::sqlite(self.path(), e)
    }

    fn read_versions(&self, conn: &Connection, which: Versions) -> Result<Vec<ListVersion>> {
        read_versions(conn, self.path(), which)
    }

    fn read_entities(&self, conn: &Connection, which: Entities) -> Result<Vec<Entity>> {
        let err = self.err();
        let (filter, args): (&str, Vec<i64>) = match which {
            Entities::Version(id) => (
                "WHERE version_id = (SELECT COALESCE(content_version, id) FROM list_versions WHERE id = ?1)",
                vec![id],
            ),
            Entities::Current => (
                "WHERE version_id IN (SELECT COALESCE(content_version, id) FROM list_versions WHERE current = 1)",
                vec![],
            ),
        };
        let sql = format!("SELECT data FROM entities {filter} ORDER BY version_id, record_id");
        let mut stmt = conn.prepare(&sql).map_err(&err)?;
        let rows = stmt.query_map(params_from_iter(args), |row| row.get::<_, String>(0)).map_err(&err)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row.map_err(&err)?)?);
        }
        Ok(out)
    }
}

/// An SQL filter and its arguments, built up clause by clause.
impl Backend for Sqlite {
    fn begin_import(&self) -> Result<Box<dyn ImportSession + '_>> {
        let conn = self.conn()?;
        // A temporary table is private to the connection and lives in a temporary file:
        // staging writes neither take the database's write lock nor hold the list in memory.
        conn.execute_batch(
            "PRAGMA temp_store = FILE;
             CREATE TEMP TABLE IF NOT EXISTS import_staging (
                 record_id TEXT PRIMARY KEY, schema TEXT NOT NULL, caption TEXT NOT NULL, data TEXT NOT NULL
             );
             DELETE FROM temp.import_staging;",
        )
        .map_err(self.err())?;
        Ok(Box::new(SqliteImport { conn, path: self.path() }))
    }

    fn versions(&self, which: Versions) -> Result<Vec<ListVersion>> {
        self.read_versions(&*self.conn()?, which)
    }

    fn diagnostics(&self, version_id: i64) -> Result<Vec<Diagnostic>> {
        let json: String = self
            .conn()?
            .query_row("SELECT diagnostics FROM list_versions WHERE id = ?1", params![version_id], |row| {
                row.get(0)
            })
            .optional()
            .map_err(self.err())?
            .ok_or_else(|| Error::missing(format!("list version {version_id}")))?;
        Ok(serde_json::from_str(&json)?)
    }

    fn entities(&self, which: Entities) -> Result<Vec<Entity>> {
        self.read_entities(&*self.conn()?, which)
    }

    fn current_lists(&self) -> Result<CurrentLists> {
        let mut conn = self.conn()?;
        // A deferred transaction reads one snapshot of the database (WAL), fixed at its first
        // read: an import committed by another connection between the two reads is seen by
        // neither, so the versions and the entities describe the same state.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred).map_err(self.err())?;
        let versions = self.read_versions(&tx, Versions::Current)?;
        let entities = self.read_entities(&tx, Entities::Current)?;
        tx.commit().map_err(self.err())?;
        Ok(CurrentLists { versions, entities })
    }

    fn audit_sink(&self) -> Result<Box<dyn AuditSink>> {
        let conn = match &self.connections {
            Connections::Memory(conn) => conn.clone(),
            Connections::File(_) => Arc::new(Mutex::new(connect(self.path())?)),
        };
        Ok(Box::new(SqliteSink { conn, path: self.path().to_path_buf() }))
    }

    fn audit(&self, filter: &ResolvedFilter) -> Result<Vec<AuditRecord>> {
        let err = self.err();
        let mut w = Where::new('?');
        if let Some(name) = &filter.name {
            w.add("instr(names_lower, ?) > 0", Some(Value::Text(name.clone())));
        }
        if let Some(from) = filter.from {
            w.add("time >= ?", Some(Value::Text(crate::audit::format_time(from))));
        }
        if let Some(until) = filter.until {
            w.add("time < ?", Some(Value::Text(crate::audit::format_time(until))));
        }
        if let Some(key_id) = &filter.key_id {
            w.add("key_id = ?", Some(Value::Text(key_id.clone())));
        }
        if let Some(request_id) = &filter.request_id {
            w.add("request_id = ?", Some(Value::Text(request_id.clone())));
        }
        if filter.matched_only {
            w.add("matched = 1", None);
        }
        let limit = filter.limit.map(|n| format!("LIMIT {n}")).unwrap_or_default();
        let sql = format!(
            "SELECT request_id, key_id, time, source, dataset, query, query_names, list_versions, results, top_score, matched
             FROM audit {} ORDER BY time DESC, id DESC {limit}",
            w.sql()
        );
        let conn = self.conn()?;
        let mut stmt = conn.prepare(&sql).map_err(&err)?;
        let mut rows = stmt.query(params_from_iter(w.args)).map_err(&err)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(&err)? {
            let text = |i: usize| row.get::<_, String>(i).map_err(&err);
            out.push(AuditRecord {
                request_id: text(0)?,
                key_id: row.get(1).map_err(&err)?,
                time: text(2)?,
                source: text(3)?,
                dataset: text(4)?,
                query: serde_json::from_str(&text(5)?)?,
                query_names: serde_json::from_str(&text(6)?)?,
                list_versions: serde_json::from_str(&text(7)?)?,
                results: serde_json::from_str(&text(8)?)?,
                top_score: row.get(9).map_err(&err)?,
                matched: row.get(10).map_err(&err)?,
            });
        }
        Ok(out)
    }

    fn insert_key(&self, key: &KeyInfo, key_hash: &str) -> Result<()> {
        self.conn()?
            .execute(
                "INSERT INTO api_keys (id, name, scopes, key_hash, created_at, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![key.id, key.name, keys::scopes_to_text(&key.scopes), key_hash, key.created_at, key.revoked_at],
            )
            .map_err(self.err())?;
        Ok(())
    }

    fn keys(&self, by: KeyBy<'_>) -> Result<Vec<KeyInfo>> {
        let err = self.err();
        let (filter, args) = match by {
            KeyBy::All => ("", vec![]),
            KeyBy::Id(id) => ("WHERE id = ?1", vec![id]),
            KeyBy::Hash(hash) => ("WHERE key_hash = ?1", vec![hash]),
        };
        let sql =
            format!("SELECT id, name, scopes, created_at, revoked_at FROM api_keys {filter} ORDER BY seq");
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(&sql).map_err(&err)?;
        let rows = stmt
            .query_map(params_from_iter(args), |row| {
                Ok(KeyInfo {
                    id: row.get(0)?,
                    name: row.get(1)?,
                    scopes: keys::scopes_from_text(&row.get::<_, String>(2)?),
                    created_at: row.get(3)?,
                    revoked_at: row.get(4)?,
                })
            })
            .map_err(&err)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(&err)
    }

    fn revoke_key(&self, id: &str, at: &str) -> Result<()> {
        self.conn()?
            .execute(
                "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id, at],
            )
            .map_err(self.err())?;
        Ok(())
    }

    fn create_book(&self, name: &str, at: &str) -> Result<()> {
        self.conn()?
            .execute(
                "INSERT INTO books (name, created_at) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
                params![name, at],
            )
            .map_err(self.err())?;
        Ok(())
    }

    fn books(&self, name: Option<&str>) -> Result<Vec<Book>> {
        let err = self.err();
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare(
                "SELECT name, created_at, screened_versions, engine, full_progress FROM books
                 WHERE ?1 IS NULL OR name = ?1 ORDER BY name",
            )
            .map_err(&err)?;
        let rows = stmt
            .query_map(params![name], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get::<_, String>(2)?, row.get(3)?, row.get(4)?))
            })
            .map_err(&err)?;
        let mut out = Vec::new();
        for row in rows {
            let (name, created_at, screened, engine, full_progress) = row.map_err(&err)?;
            out.push(Book {
                name,
                created_at,
                screened_versions: serde_json::from_str(&screened)?,
                engine,
                full_progress,
            });
        }
        Ok(out)
    }

    fn customers(&self, book: &str) -> Result<Vec<StoredCustomer>> {
        let err = self.err();
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare(
                "SELECT id, name, birth_date, country, kind, identifiers, fingerprint, updated_at
                 FROM customers WHERE book = ?1 ORDER BY id",
            )
            .map_err(&err)?;
        let rows = stmt
            .query_map(params![book], |row| {
                Ok((
                    Customer {
                        id: row.get(0)?,
                        name: row.get(1)?,
                        birth_date: row.get(2)?,
                        country: row.get(3)?,
                        kind: row.get(4)?,
                        identifiers: Vec::new(),
                    },
                    row.get::<_, String>(5)?,
                    row.get(6)?,
                    row.get(7)?,
                ))
            })
            .map_err(&err)?;
        let mut out = Vec::new();
        for row in rows {
            let (mut customer, identifiers, fingerprint, updated_at) = row.map_err(&err)?;
            customer.identifiers = serde_json::from_str(&identifiers)?;
            out.push(StoredCustomer { customer, fingerprint, updated_at });
        }
        Ok(out)
    }

    fn write_customers(&self, book: &str, upsert: &[StoredCustomer], remove: &[String]) -> Result<()> {
        let err = self.err();
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&err)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO customers (book, id, name, birth_date, country, kind, identifiers, fingerprint, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (book, id) DO UPDATE SET name = excluded.name, birth_date = excluded.birth_date,
                         country = excluded.country, kind = excluded.kind, identifiers = excluded.identifiers,
                         fingerprint = excluded.fingerprint, updated_at = excluded.updated_at",
                )
                .map_err(&err)?;
            for row in upsert {
                let c = &row.customer;
                insert
                    .execute(params![
                        book,
                        c.id,
                        c.name,
                        c.birth_date,
                        c.country,
                        c.kind,
                        serde_json::to_string(&c.identifiers)?,
                        row.fingerprint,
                        row.updated_at,
                    ])
                    .map_err(&err)?;
            }
            let mut delete =
                tx.prepare_cached("DELETE FROM customers WHERE book = ?1 AND id = ?2").map_err(&err)?;
            for id in remove {
                delete.execute(params![book, id]).map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)
    }

    fn commit_screening(
        &self,
        state: &Book,
        changes: &[AlertChange],
        ended: &[SuppressionEnd],
        at: &str,
    ) -> Result<Vec<i64>> {
        let err = self.err();
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&err)?;
        let mut ids = Vec::with_capacity(changes.len());
        let mut stored = Vec::with_capacity(changes.len());
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO alerts (book, customer_id, customer_name, subject_id, referents, score, explanations,
                         reason, status, close_reason, list_versions, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
                )
                .map_err(&err)?;
            let mut update = tx
                .prepare_cached(
                    "UPDATE alerts SET customer_name = ?2, referents = ?3, score = ?4, explanations = ?5, reason = ?6,
                         status = ?7, close_reason = ?8, list_versions = ?9, updated_at = ?10
                     WHERE id = ?1 AND updated_at = ?11 RETURNING created_at",
                )
                .map_err(&err)?;
            let mut outbox = tx
                .prepare_cached(
                    "INSERT INTO outbox (created_at, topic, key, payload) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(&err)?;
            for change in changes {
                let mut alert = match change {
                    AlertChange::Raise(alert) | AlertChange::Update(alert) => alert.clone(),
                };
                // An update writes only over the alert as the screening read it.
                let read_at = std::mem::replace(&mut alert.updated_at, at.to_string());
                let referents = serde_json::to_string(&alert.referents)?;
                let explanations = serde_json::to_string(&alert.explanations)?;
                let versions = serde_json::to_string(&alert.list_versions)?;
                let close_reason = alert.close_reason.map(CloseReason::as_str);
                match change {
                    AlertChange::Raise(_) => {
                        insert
                            .execute(params![
                                alert.book,
                                alert.customer_id,
                                alert.customer_name,
                                alert.subject_id,
                                referents,
                                alert.score,
                                explanations,
                                alert.reason.as_str(),
                                alert.status.as_str(),
                                close_reason,
                                versions,
                                at,
                            ])
                            .map_err(&err)?;
                        alert.id = tx.last_insert_rowid();
                        alert.created_at = at.to_string();
                    }
                    AlertChange::Update(_) => {
                        alert.created_at = update
                            .query_row(
                                params![
                                    alert.id,
                                    alert.customer_name,
                                    referents,
                                    alert.score,
                                    explanations,
                                    alert.reason.as_str(),
                                    alert.status.as_str(),
                                    close_reason,
                                    versions,
                                    at,
                                    read_at,
                                ],
                                |row| row.get(0),
                            )
                            .optional()
                            .map_err(&err)?
                            .ok_or_else(|| review::stale_or_missing(alert.id, read_at))?;
                    }
                }
                let (topic, key, payload) = event_of(change, &alert)?;
                outbox.execute(params![at, topic, key, payload]).map_err(&err)?;
                ids.push(alert.id);
                stored.push(alert);
            }
        }
        review::record_screening(
            &mut SqliteSql { conn: &tx, path: self.path() },
            changes,
            &stored,
            ended,
            at,
        )?;
        tx.execute(
            "UPDATE books SET screened_versions = ?2, engine = ?3, full_progress = ?4 WHERE name = ?1",
            params![
                state.name,
                serde_json::to_string(&state.screened_versions)?,
                state.engine,
                state.full_progress
            ],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(ids)
    }

    fn alerts(&self, filter: &AlertFilter) -> Result<Vec<Alert>> {
        let err = self.err();
        let mut w = Where::new('?');
        if let Some(book) = &filter.book {
            w.add("book = ?", Some(Value::Text(book.clone())));
        }
        if let Some(status) = filter.status {
            w.add("status = ?", Some(Value::Text(status.as_str().to_string())));
        }
        if let Some(id) = filter.id {
            w.add("id = ?", Some(Value::Integer(id)));
        }
        if let Some(after) = filter.after {
            w.add("id > ?", Some(Value::Integer(after)));
        }
        let limit = filter.limit.map(|n| format!("LIMIT {n}")).unwrap_or_default();
        let sql = format!("{ALERT_COLUMNS} {} ORDER BY id {limit}", w.sql());
        let conn = self.conn()?;
        let mut stmt = conn.prepare(&sql).map_err(&err)?;
        let mut rows = stmt.query(params_from_iter(w.args)).map_err(&err)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(&err)? {
            let text = |i: usize| row.get::<_, String>(i).map_err(&err);
            out.push(Alert {
                id: row.get(0).map_err(&err)?,
                book: text(1)?,
                customer_id: text(2)?,
                customer_name: text(3)?,
                subject_id: text(4)?,
                referents: serde_json::from_str(&text(5)?)?,
                score: row.get(6).map_err(&err)?,
                explanations: serde_json::from_str(&text(7)?)?,
                reason: parse_stored(&text(8)?)?,
                status: parse_stored(&text(9)?)?,
                close_reason: row
                    .get::<_, Option<String>>(10)
                    .map_err(&err)?
                    .map(|text| parse_stored(&text))
                    .transpose()?,
                list_versions: serde_json::from_str(&text(11)?)?,
                created_at: text(12)?,
                updated_at: text(13)?,
            });
        }
        Ok(out)
    }

    fn outbox(&self, limit: usize) -> Result<Vec<OutboxEvent>> {
        let err = self.err();
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare("SELECT id, created_at, topic, key, payload FROM outbox ORDER BY id LIMIT ?1")
            .map_err(&err)?;
        let rows = stmt
            .query_map(params![i64::try_from(limit).unwrap_or(i64::MAX)], |row| {
                Ok(OutboxEvent {
                    id: row.get(0)?,
                    created_at: row.get(1)?,
                    topic: row.get(2)?,
                    key: row.get(3)?,
                    payload: row.get(4)?,
                })
            })
            .map_err(&err)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(&err)
    }

    fn record_fetch(&self, attempt: &FetchAttempt, at: &str) -> Result<()> {
        let conn = self.conn()?;
        let FetchAttempt { source, url, outcome, result } = attempt;
        match result {
            FetchResult::Success { etag, last_modified } => {
                conn.execute(fetch::RECORD_SUCCESS, params![source, url, etag, last_modified, at, outcome])
            }
            FetchResult::Failure { error } => {
                conn.execute(fetch::RECORD_FAILURE, params![source, url, at, outcome, error])
            }
            FetchResult::Skipped => conn.execute(fetch::RECORD_SKIPPED, params![source, url, at, outcome]),
        }
        .map_err(self.err())?;
        Ok(())
    }

    fn fetch_states(&self) -> Result<Vec<FetchState>> {
        let err = self.err();
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(fetch::SELECT_STATES).map_err(&err)?;
        let rows = stmt
            .query_map([], |row| {
                Ok(FetchState {
                    source: row.get(0)?,
                    url: row.get(1)?,
                    etag: row.get(2)?,
                    last_modified: row.get(3)?,
                    last_attempt_at: row.get(4)?,
                    last_outcome: row.get(5)?,
                    last_success_at: row.get(6)?,
                    last_error_at: row.get(7)?,
                    last_error: row.get(8)?,
                })
            })
            .map_err(&err)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(&err)
    }

    fn delete_outbox(&self, ids: &[i64]) -> Result<()> {
        self.conn()?
            .execute(
                "DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?1))",
                params![serde_json::to_string(ids)?],
            )
            .map_err(self.err())?;
        Ok(())
    }

    fn link_partition(&self, versions: &str) -> Result<Option<String>> {
        self.conn()?
            .query_row("SELECT subjects FROM link_partitions WHERE versions = ?1", params![versions], |row| {
                row.get(0)
            })
            .optional()
            .map_err(self.err())
    }

    fn save_link_partition(&self, versions: &str, subjects: &str) -> Result<()> {
        let err = self.err();
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&err)?;
        tx.execute(
            "INSERT INTO link_partitions (versions, subjects) VALUES (?1, ?2) ON CONFLICT (versions) DO NOTHING",
            params![versions, subjects],
        )
        .map_err(&err)?;
        tx.execute(
            "DELETE FROM link_partitions WHERE versions <> ?1
             AND versions NOT IN (SELECT screened_versions FROM books)",
            params![versions],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)
    }

    fn transact(&self, access: Access, work: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()> {
        let err = self.err();
        let mut conn = self.conn()?;
        let behavior = match access {
            Access::Read => TransactionBehavior::Deferred,
            Access::Write => TransactionBehavior::Immediate,
        };
        let tx = conn.transaction_with_behavior(behavior).map_err(&err)?;
        work(&mut SqliteSql { conn: &tx, path: self.path() })?;
        tx.commit().map_err(&err)
    }

    fn insert_ownership(&self, new: &NewOwnership, at: &str) -> Result<i64> {
        let err = self.err();
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&err)?;
        tx.execute(
            "INSERT INTO ownership_versions (imported_at, origin, content_hash, edges, parties)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![at, new.origin, new.content_hash, new.edges.len() as i64, new.parties.len() as i64],
        )
        .map_err(&err)?;
        let id = tx.last_insert_rowid();
        {
            let mut edge = tx
                .prepare_cached("INSERT INTO ownership_edges (version_id, seq, data) VALUES (?1, ?2, ?3)")
                .map_err(&err)?;
            for (seq, data) in new.edges.iter().enumerate() {
                edge.execute(params![id, seq as i64, data]).map_err(&err)?;
            }
            let mut party = tx
                .prepare_cached("INSERT INTO ownership_parties (version_id, key, data) VALUES (?1, ?2, ?3)")
                .map_err(&err)?;
            for (key, data) in &new.parties {
                party.execute(params![id, key, data]).map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)?;
        Ok(id)
    }

    fn ownership_versions(&self) -> Result<Vec<OwnershipVersion>> {
        let err = self.err();
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, imported_at, origin, content_hash, edges, parties FROM ownership_versions ORDER BY id",
            )
            .map_err(&err)?;
        let rows = stmt
            .query_map([], |row| {
                Ok(OwnershipVersion {
                    id: row.get(0)?,
                    imported_at: row.get(1)?,
                    origin: row.get(2)?,
                    content_hash: row.get(3)?,
                    n_edges: row.get::<_, i64>(4)? as u64,
                    n_parties: row.get::<_, i64>(5)? as u64,
                })
            })
            .map_err(&err)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(&err)
    }

    fn ownership_rows(&self, version_id: i64) -> Result<(Vec<String>, Vec<String>)> {
        let err = self.err();
        let mut conn = self.conn()?;
        let tx = conn.transaction().map_err(&err)?;
        let read = |sql: &str| -> Result<Vec<String>> {
            let mut stmt = tx.prepare_cached(sql).map_err(&err)?;
            let rows = stmt.query_map(params![version_id], |row| row.get(0)).map_err(&err)?;
            rows.collect::<rusqlite::Result<Vec<String>>>().map_err(&err)
        };
        let edges = read("SELECT data FROM ownership_edges WHERE version_id = ?1 ORDER BY seq")?;
        let parties = read("SELECT data FROM ownership_parties WHERE version_id = ?1 ORDER BY key")?;
        Ok((edges, parties))
    }

    #[cfg(test)]
    fn execute(&self, sql: &str) -> Result<()> {
        self.conn()?.execute_batch(sql).map_err(self.err())
    }
}

/// The list versions `which` selects, read on `conn` (a connection or a transaction).
fn read_versions(conn: &Connection, path: &Path, which: Versions) -> Result<Vec<ListVersion>> {
    let err = |e| Error::sqlite(path, e);
    let (filter, args): (&str, Vec<i64>) = match which {
        Versions::All => ("", vec![]),
        Versions::Current => ("WHERE current = 1", vec![]),
        Versions::Id(id) => ("WHERE id = ?1", vec![id]),
    };
    let sql = format!(
        "SELECT id, dataset, format, imported_at, published, sources, counts, current, number,
                (SELECT restored.number FROM list_versions AS restored WHERE restored.id = list_versions.content_version),
                note
         FROM list_versions {filter} ORDER BY dataset, id"
    );
    let mut stmt = conn.prepare(&sql).map_err(&err)?;
    let rows = stmt
        .query_map(params_from_iter(args), |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, Option<String>>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, String>(6)?,
                row.get::<_, bool>(7)?,
                row.get::<_, i64>(8)?,
                row.get::<_, Option<i64>>(9)?,
                row.get::<_, Option<String>>(10)?,
            ))
        })
        .map_err(&err)?;
    let mut out = Vec::new();
    for row in rows {
        let (id, dataset, format, imported_at, published, sources, counts, current, number, restores, note) =
            row.map_err(&err)?;
        out.push(ListVersion {
            id,
            dataset,
            number,
            restores,
            note,
            format,
            imported_at,
            published,
            sources: serde_json::from_str(&sources)?,
            counts: serde_json::from_str(&counts)?,
            current,
        });
    }
    Ok(out)
}

/// The columns the alert readers read, in order.
pub(crate) const ALERT_COLUMNS: &str =
    "SELECT id, book, customer_id, customer_name, subject_id, referents, score,
    explanations, reason, status, close_reason, list_versions, created_at, updated_at FROM alerts";

/// An import on the store's connection.
struct SqliteImport<'a> {
    conn: Conn<'a>,
    path: &'a Path,
}

impl ImportSession for SqliteImport<'_> {
    fn stage(&mut self, rows: &[StagedRow]) -> Result<()> {
        let path = self.path;
        let err = |e| Error::sqlite(path, e);
        let tx = self.conn.transaction().map_err(err)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO temp.import_staging (record_id, schema, caption, data) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (record_id) DO UPDATE SET schema = excluded.schema, caption = excluded.caption, data = excluded.data",
                )
                .map_err(err)?;
            for row in rows {
                insert.execute(params![row.record_id, row.schema, row.caption, row.data]).map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    fn transaction(&mut self) -> Result<Box<dyn ImportTx + '_>> {
        let path = self.path;
        // IMMEDIATE takes the write lock first, so two processes importing the same dataset
        // cannot both decide that their version is new or current.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| Error::sqlite(path, e))?;
        Ok(Box::new(SqliteImportTx { tx, path }))
    }

    fn clear(&mut self) -> Result<()> {
        self.conn.execute_batch("DELETE FROM temp.import_staging").map_err(|e| Error::sqlite(self.path, e))
    }
}

struct SqliteImportTx<'a> {
    tx: rusqlite::Transaction<'a>,
    path: &'a Path,
}

/// The columns `version_ref` reads.
const VERSION_REF: &str =
    "SELECT id, number, COALESCE(content_version, id), published, counts FROM list_versions";

impl SqliteImportTx<'_> {
    fn err(&self) -> impl Fn(rusqlite::Error) -> Error + '_ {
        move |e| Error::sqlite(self.path, e)
    }

    fn version_ref(&self, filter: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Option<VersionRef>> {
        let row = self
            .tx
            .query_row(&format!("{VERSION_REF} {filter}"), args, |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get::<_, String>(4)?))
            })
            .optional()
            .map_err(self.err())?;
        row.map(|(id, number, content_id, published, counts)| {
            let counts: ward_model::ListCounts = serde_json::from_str(&counts)?;
            Ok(VersionRef { id, number, content_id, published, entities: counts.entities })
        })
        .transpose()
    }
}

impl ImportTx for SqliteImportTx<'_> {
    fn version(&mut self, id: i64) -> Result<ListVersion> {
        read_versions(&self.tx, self.path, Versions::Id(id))?
            .into_iter()
            .next()
            .ok_or_else(|| Error::missing(format!("list version {id}")))
    }

    fn insert_outbox(&mut self, event: &OutboxEvent) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO outbox (created_at, topic, key, payload) VALUES (?1, ?2, ?3, ?4)",
                params![event.created_at, event.topic, event.key, event.payload],
            )
            .map_err(self.err())?;
        Ok(())
    }

    fn lock_dataset(&mut self, _dataset: &str) -> Result<()> {
        Ok(())
    }

    fn count_staged(&mut self) -> Result<u64> {
        let n: i64 = self
            .tx
            .query_row("SELECT COUNT(*) FROM temp.import_staging", [], |row| row.get(0))
            .map_err(self.err())?;
        Ok(n as u64)
    }

    fn current(&mut self, dataset: &str) -> Result<Option<VersionRef>> {
        self.version_ref("WHERE dataset = ?1 AND current = 1", &[&dataset])
    }

    fn with_hash(&mut self, dataset: &str, hash: &str) -> Result<Option<VersionRef>> {
        self.version_ref(
            "WHERE dataset = ?1 AND content_hash = ?2 ORDER BY id DESC LIMIT 1",
            &[&dataset, &hash],
        )
    }

    fn by_number(&mut self, dataset: &str, number: i64) -> Result<Option<VersionRef>> {
        self.version_ref("WHERE dataset = ?1 AND number = ?2", &[&dataset, &number])
    }

    fn previous_content(
        &mut self,
        dataset: &str,
        before_id: i64,
        content_id: i64,
    ) -> Result<Option<VersionRef>> {
        self.version_ref(
            "WHERE dataset = ?1 AND id < ?2 AND COALESCE(content_version, id) != ?3 ORDER BY id DESC LIMIT 1",
            &[&dataset, &before_id, &content_id],
        )
    }

    fn next_number(&mut self, dataset: &str) -> Result<i64> {
        self.tx
            .query_row(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM list_versions WHERE dataset = ?1",
                params![dataset],
                |row| row.get(0),
            )
            .map_err(self.err())
    }

    fn removed(&mut self, from: i64, to: Content, examples: usize) -> Result<(u64, Vec<String>)> {
        let (missing, args): (&str, Vec<i64>) = match to {
            Content::Staged => {
                ("NOT EXISTS (SELECT 1 FROM temp.import_staging AS n WHERE n.record_id = e.record_id)", vec![from])
            }
            Content::Version(id) => (
                "NOT EXISTS (SELECT 1 FROM entities AS n WHERE n.version_id = ?2 AND n.record_id = e.record_id)",
                vec![from, id],
            ),
        };
        let err = self.err();
        let count: i64 = self
            .tx
            .query_row(
                &format!("SELECT COUNT(*) FROM entities AS e WHERE e.version_id = ?1 AND {missing}"),
                params_from_iter(&args),
                |row| row.get(0),
            )
            .map_err(&err)?;
        let mut stmt = self
            .tx
            .prepare(&format!(
                "SELECT record_id, caption FROM entities AS e WHERE e.version_id = ?1 AND {missing} ORDER BY record_id LIMIT {examples}"
            ))
            .map_err(&err)?;
        let names = stmt
            .query_map(params_from_iter(&args), |row| {
                Ok(format!("{} ({})", row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })
            .map_err(&err)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(&err)?;
        Ok((count as u64, names))
    }

    fn stage_base(&mut self, content_id: i64, except: &[String]) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO temp.import_staging (record_id, schema, caption, data)
                 SELECT record_id, schema, caption, data FROM entities
                 WHERE version_id = ?1 AND record_id NOT IN (SELECT value FROM json_each(?2))
                 ON CONFLICT (record_id) DO NOTHING",
                params![content_id, serde_json::to_string(except)?],
            )
            .map_err(self.err())?;
        Ok(())
    }

    fn for_each_staged(&mut self, each: &mut dyn FnMut(Entity)) -> Result<()> {
        let err = self.err();
        let mut stmt = self.tx.prepare("SELECT data FROM temp.import_staging").map_err(&err)?;
        let mut rows = stmt.query([]).map_err(&err)?;
        while let Some(row) = rows.next().map_err(&err)? {
            each(serde_json::from_str(&row.get::<_, String>(0).map_err(&err)?)?);
        }
        Ok(())
    }

    fn insert_version(&mut self, row: &VersionRow<'_>) -> Result<i64> {
        self.tx
            .execute(
                "INSERT INTO list_versions (dataset, number, format, imported_at, published, sources, counts, diagnostics, content_hash, note, current)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    row.dataset,
                    row.number,
                    row.format,
                    row.imported_at,
                    row.published,
                    row.sources,
                    row.counts,
                    row.diagnostics,
                    row.content_hash,
                    row.note,
                    row.current,
                ],
            )
            .map_err(self.err())?;
        Ok(self.tx.last_insert_rowid())
    }

    fn insert_restoring(
        &mut self,
        from: i64,
        content_id: i64,
        number: i64,
        imported_at: &str,
        note: &str,
    ) -> Result<i64> {
        self.tx
            .execute(
                "INSERT INTO list_versions (dataset, number, format, imported_at, published, sources, counts, diagnostics, content_hash, content_version, note, current)
                 SELECT dataset, ?2, format, ?3, published, sources, counts, diagnostics, content_hash, ?4, ?5, 1
                 FROM list_versions WHERE id = ?1",
                params![from, number, imported_at, content_id, note],
            )
            .map_err(self.err())?;
        Ok(self.tx.last_insert_rowid())
    }

    fn copy_staged(&mut self, version_id: i64) -> Result<()> {
        self.tx
            .execute(
                "INSERT INTO entities (version_id, record_id, schema, caption, data)
                 SELECT ?1, record_id, schema, caption, data FROM temp.import_staging",
                params![version_id],
            )
            .map_err(self.err())?;
        Ok(())
    }

    fn clear_current(&mut self, dataset: &str) -> Result<()> {
        self.tx
            .execute(
                "UPDATE list_versions SET current = 0 WHERE dataset = ?1 AND current = 1",
                params![dataset],
            )
            .map_err(self.err())?;
        Ok(())
    }

    fn commit(self: Box<Self>) -> Result<()> {
        let path = self.path;
        self.tx.commit().map_err(|e| Error::sqlite(path, e))
    }
}

/// The audit writer's connection.
struct SqliteSink {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
}

impl AuditSink for SqliteSink {
    fn write(&mut self, batch: &Batch, at: &str) -> Result<()> {
        let err = |e| Error::sqlite(&self.path, e);
        let mut conn = lock(&self.conn);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO audit (request_id, key_id, time, source, dataset, query, query_names, names_lower, list_versions, results, top_score, matched)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )
                .map_err(err)?;
            for r in &batch.records {
                insert
                    .execute(params![
                        r.request_id,
                        r.key_id,
                        r.time,
                        r.source,
                        r.dataset,
                        serde_json::to_string(&r.query)?,
                        serde_json::to_string(&r.query_names)?,
                        names_lower(r),
                        serde_json::to_string(&r.list_versions)?,
                        serde_json::to_string(&r.results)?,
                        r.top_score,
                        r.matched,
                    ])
                    .map_err(err)?;
            }
        }
        let mut sql = SqliteSql { conn: &tx, path: &self.path };
        for hold in &batch.holds {
            payment_holds::insert(&mut sql, hold, at)?;
        }
        // With WAL and synchronous=FULL the commit returns after the WAL is on disk.
        tx.commit().map_err(err)
    }
}
