//! The SQLite backend: one database file in the data directory, nothing to install.

use crate::audit::{names_lower, AuditSink, ResolvedFilter};
use crate::filter::Where;
use crate::{
    keys, migrations, AuditRecord, Backend, Entities, Error, ImportStatus, KeyBy, KeyInfo, NewVersion,
    Result, Versions, DB_FILE,
};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use ward_model::{Diagnostic, Entity, ListVersion};

const MEMORY: &str = ":memory:";

pub(crate) struct Sqlite {
    // Shared with the audit sink only in memory, where a second connection would see another
    // database.
    conn: Arc<Mutex<Connection>>,
    path: Option<PathBuf>,
}

fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic elsewhere mid-call rolled its transaction back when the guard dropped; the
    // connection is still good.
    conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Opens a connection with the settings every connection needs.
fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(|e| Error::sqlite(path, e))?;
    configure(&conn, path)?;
    Ok(conn)
}

fn configure(conn: &Connection, path: &Path) -> Result<()> {
    // WAL lets readers (the server) go on while an import or the audit writer writes; FULL sync
    // makes a commit survive a power cut, not only a crash of the process; the busy timeout
    // lets the import and the audit writer (two connections) wait for each other.
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;",
    )
    .map_err(|e| Error::sqlite(path, e))
}

impl Sqlite {
    pub(crate) fn open(data_dir: &Path, target: usize) -> Result<Sqlite> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| Error::Io { path: data_dir.to_path_buf(), source })?;
        let path = data_dir.join(DB_FILE);
        let mut conn = connect(&path)?;
        migrations::sqlite(&mut conn, &path, target)?;
        Ok(Sqlite { conn: Arc::new(Mutex::new(conn)), path: Some(path) })
    }

    pub(crate) fn open_in_memory() -> Result<Sqlite> {
        let path = Path::new(MEMORY);
        let mut conn = Connection::open_in_memory().map_err(|e| Error::sqlite(path, e))?;
        configure(&conn, path)?;
        migrations::sqlite(&mut conn, path, migrations::LATEST)?;
        Ok(Sqlite { conn: Arc::new(Mutex::new(conn)), path: None })
    }

    fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(MEMORY))
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> Error + '_ {
        move |e| Error::sqlite(self.path(), e)
    }
}

/// An SQL filter and its arguments, built up clause by clause.
impl Backend for Sqlite {
    fn import(&self, new: &NewVersion<'_>) -> Result<(i64, ImportStatus)> {
        let list = new.list;
        let err = self.err();
        let mut conn = lock(&self.conn);
        // IMMEDIATE takes the write lock first, so two processes importing the same dataset
        // cannot both decide that their version is new or current.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&err)?;
        if !list.sources.is_empty() {
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT id FROM list_versions WHERE dataset = ?1 AND content_hash = ?2 ORDER BY id DESC LIMIT 1",
                    params![list.dataset, new.content_hash],
                    |row| row.get(0),
                )
                .optional()
                .map_err(&err)?;
            if let Some(id) = existing {
                return Ok((id, ImportStatus::Unchanged));
            }
        }
        let current_published: Option<Option<String>> = tx
            .query_row(
                "SELECT published FROM list_versions WHERE dataset = ?1 AND current = 1",
                params![list.dataset],
                |row| row.get(0),
            )
            .optional()
            .map_err(&err)?;
        let becomes_current = crate::becomes_current(current_published, &list.meta.published);
        if becomes_current {
            tx.execute(
                "UPDATE list_versions SET current = 0 WHERE dataset = ?1 AND current = 1",
                params![list.dataset],
            )
            .map_err(&err)?;
        }
        tx.execute(
            "INSERT INTO list_versions (dataset, format, imported_at, published, sources, counts, diagnostics, content_hash, current)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                list.dataset,
                list.format,
                new.imported_at,
                list.meta.published,
                serde_json::to_string(&list.sources)?,
                serde_json::to_string(&new.counts)?,
                serde_json::to_string(&list.diagnostics)?,
                new.content_hash,
                becomes_current,
            ],
        )
        .map_err(&err)?;
        let version_id = tx.last_insert_rowid();
        {
            let mut insert = tx
                .prepare("INSERT INTO entities (version_id, record_id, schema, caption, data) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(&err)?;
            for entity in &new.entities {
                insert
                    .execute(params![
                        version_id,
                        entity.record_id,
                        entity.schema.ftm_name(),
                        entity.caption(),
                        serde_json::to_string(entity)?
                    ])
                    .map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)?;
        Ok((version_id, if becomes_current { ImportStatus::Current } else { ImportStatus::Historical }))
    }

    fn versions(&self, which: Versions) -> Result<Vec<ListVersion>> {
        let err = self.err();
        let (filter, args): (&str, Vec<i64>) = match which {
            Versions::All => ("", vec![]),
            Versions::Current => ("WHERE current = 1", vec![]),
            Versions::Id(id) => ("WHERE id = ?1", vec![id]),
        };
        let sql = format!(
            "SELECT id, dataset, format, imported_at, published, sources, counts, current FROM list_versions {filter} ORDER BY dataset, id"
        );
        let conn = lock(&self.conn);
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
                ))
            })
            .map_err(&err)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, dataset, format, imported_at, published, sources, counts, current) =
                row.map_err(&err)?;
            out.push(ListVersion {
                id,
                dataset,
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

    fn diagnostics(&self, version_id: i64) -> Result<Vec<Diagnostic>> {
        let json: String = lock(&self.conn)
            .query_row("SELECT diagnostics FROM list_versions WHERE id = ?1", params![version_id], |row| {
                row.get(0)
            })
            .optional()
            .map_err(self.err())?
            .ok_or(Error::Missing { what: format!("list version {version_id}") })?;
        Ok(serde_json::from_str(&json)?)
    }

    fn entities(&self, which: Entities) -> Result<Vec<Entity>> {
        let err = self.err();
        let (filter, args): (&str, Vec<i64>) = match which {
            Entities::Version(id) => ("WHERE version_id = ?1", vec![id]),
            Entities::Current => {
                ("WHERE version_id IN (SELECT id FROM list_versions WHERE current = 1)", vec![])
            }
        };
        let sql = format!("SELECT data FROM entities {filter} ORDER BY version_id, record_id");
        let conn = lock(&self.conn);
        let mut stmt = conn.prepare(&sql).map_err(&err)?;
        let rows = stmt.query_map(params_from_iter(args), |row| row.get::<_, String>(0)).map_err(&err)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row.map_err(&err)?)?);
        }
        Ok(out)
    }

    fn audit_sink(&self) -> Result<Box<dyn AuditSink>> {
        let conn = match &self.path {
            Some(path) => Arc::new(Mutex::new(connect(path)?)),
            None => self.conn.clone(),
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
        let conn = lock(&self.conn);
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
        lock(&self.conn)
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
        let conn = lock(&self.conn);
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
        lock(&self.conn)
            .execute(
                "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![id, at],
            )
            .map_err(self.err())?;
        Ok(())
    }

    #[cfg(test)]
    fn execute(&self, sql: &str) -> Result<()> {
        lock(&self.conn).execute_batch(sql).map_err(self.err())
    }
}

/// The audit writer's connection.
struct SqliteSink {
    conn: Arc<Mutex<Connection>>,
    path: PathBuf,
}

impl AuditSink for SqliteSink {
    fn write(&mut self, records: &[AuditRecord]) -> Result<()> {
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
            for r in records {
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
        // With WAL and synchronous=FULL the commit returns after the WAL is on disk.
        tx.commit().map_err(err)
    }
}
