//! Ward's store: every version of every list, with its entities, in one embedded SQLite database
//! in the data directory.
//!
//! An import is one transaction: a version becomes visible whole or not at all, so a crash or a
//! failed parse never leaves half a list behind, and the last good version stays current. Every
//! version is kept (what was listed when); the newest by publication date is the current one.
//! Re-importing identical files creates no new version.
//!
//! ```
//! let mut store = ward_store::Store::open_in_memory().unwrap();
//! let list = ward_model::ParsedList::new("un_sc_sanctions", "un_xml");
//! let outcome = store.import(&list).unwrap();
//! assert_eq!(store.versions().unwrap()[0].id, outcome.version.id);
//! ```

mod error;
mod migrations;

pub use error::{Error, Result};

use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use ward_model::{Entity, ListCounts, ListVersion, ParsedList};

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

/// A handle on the store.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A fingerprint of a version's content: the hashes of its source files, in order.
fn content_hash(list: &ParsedList) -> String {
    list.sources.iter().map(|s| s.sha256.as_str()).collect::<Vec<_>>().join("+")
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir`, upgrading its schema.
    pub fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| Error::Io { path: data_dir.to_path_buf(), source })?;
        let path = data_dir.join(DB_FILE);
        let conn = Connection::open(&path).map_err(|e| Error::sqlite(&path, e))?;
        let mut store = Store { conn, path: Some(path) };
        store.setup()?;
        Ok(store)
    }

    /// A store in memory, for tests.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory().map_err(|e| Error::sqlite(Path::new(":memory:"), e))?;
        let mut store = Store { conn, path: None };
        store.setup()?;
        Ok(store)
    }

    fn where_(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(":memory:"))
    }

    fn setup(&mut self) -> Result<()> {
        // WAL lets readers (the server) go on while an import writes; FULL sync makes a committed
        // import survive a power cut, not only a crash of the process.
        self.conn
            .execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;")
            .map_err(|e| Error::sqlite(self.where_(), e))?;
        let path = self.where_().to_path_buf();
        migrations::migrate(&mut self.conn, &path)
    }

    /// Stores a parsed list as a new version, in one transaction. The version becomes current
    /// unless the current version of the dataset states a later publication date.
    pub fn import(&mut self, list: &ParsedList) -> Result<ImportOutcome> {
        let path = self.where_().to_path_buf();
        let err = |e| Error::sqlite(&path, e);
        let hash = content_hash(list);
        if !list.sources.is_empty() {
            let existing: Option<i64> = self
                .conn
                .query_row(
                    "SELECT id FROM list_versions WHERE dataset = ?1 AND content_hash = ?2 ORDER BY id DESC LIMIT 1",
                    params![list.dataset, hash],
                    |row| row.get(0),
                )
                .optional()
                .map_err(err)?;
            if let Some(id) = existing {
                let version =
                    self.version(id)?.ok_or(Error::Missing { what: format!("list version {id}") })?;
                return Ok(ImportOutcome { version, status: ImportStatus::Unchanged });
            }
        }
        let counts = ListCounts::of(list);
        let tx = self.conn.transaction().map_err(err)?;
        let current_published: Option<Option<String>> = tx
            .query_row(
                "SELECT published FROM list_versions WHERE dataset = ?1 AND current = 1",
                params![list.dataset],
                |row| row.get(0),
            )
            .optional()
            .map_err(err)?;
        let becomes_current = match (&current_published, &list.meta.published) {
            (Some(Some(current)), Some(new)) => new >= current,
            _ => true,
        };
        if becomes_current {
            tx.execute(
                "UPDATE list_versions SET current = 0 WHERE dataset = ?1 AND current = 1",
                params![list.dataset],
            )
            .map_err(err)?;
        }
        tx.execute(
            "INSERT INTO list_versions (dataset, format, imported_at, published, sources, counts, diagnostics, content_hash, current)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                list.dataset,
                list.format,
                now(),
                list.meta.published,
                serde_json::to_string(&list.sources)?,
                serde_json::to_string(&counts)?,
                serde_json::to_string(&list.diagnostics)?,
                hash,
                becomes_current,
            ],
        )
        .map_err(err)?;
        let version_id = tx.last_insert_rowid();
        {
            let mut insert = tx
                .prepare("INSERT OR REPLACE INTO entities (version_id, record_id, schema, caption, data) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(err)?;
            for entity in &list.entities {
                insert
                    .execute(params![
                        version_id,
                        entity.record_id,
                        entity.schema.ftm_name(),
                        entity.caption(),
                        serde_json::to_string(entity)?
                    ])
                    .map_err(err)?;
            }
        }
        tx.commit().map_err(err)?;
        let version =
            self.version(version_id)?.ok_or(Error::Missing { what: format!("list version {version_id}") })?;
        let status = if becomes_current { ImportStatus::Current } else { ImportStatus::Historical };
        Ok(ImportOutcome { version, status })
    }

    fn version(&self, id: i64) -> Result<Option<ListVersion>> {
        Ok(self.query_versions("WHERE id = ?1", params![id])?.into_iter().next())
    }

    fn query_versions(&self, filter: &str, args: impl rusqlite::Params) -> Result<Vec<ListVersion>> {
        let path = self.where_();
        let sql = format!(
            "SELECT id, dataset, format, imported_at, published, sources, counts, current FROM list_versions {filter} ORDER BY dataset, id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| Error::sqlite(path, e))?;
        let rows = stmt
            .query_map(args, |row| {
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
            .map_err(|e| Error::sqlite(path, e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, dataset, format, imported_at, published, sources, counts, current) =
                row.map_err(|e| Error::sqlite(path, e))?;
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

    /// Every stored version of every list, by dataset then age.
    pub fn versions(&self) -> Result<Vec<ListVersion>> {
        self.query_versions("", [])
    }

    /// The current version of each dataset.
    pub fn current_versions(&self) -> Result<Vec<ListVersion>> {
        self.query_versions("WHERE current = 1", [])
    }

    /// The diagnostics stored with a version.
    pub fn diagnostics(&self, version_id: i64) -> Result<Vec<ward_model::Diagnostic>> {
        let path = self.where_();
        let json: String = self
            .conn
            .query_row("SELECT diagnostics FROM list_versions WHERE id = ?1", params![version_id], |row| {
                row.get(0)
            })
            .map_err(|e| Error::sqlite(path, e))?;
        Ok(serde_json::from_str(&json)?)
    }

    /// The entities of one version.
    pub fn version_entities(&self, version_id: i64) -> Result<Vec<Entity>> {
        self.query_entities("WHERE version_id = ?1", params![version_id])
    }

    /// The entities of the current version of every dataset.
    pub fn current_entities(&self) -> Result<Vec<Entity>> {
        self.query_entities("WHERE version_id IN (SELECT id FROM list_versions WHERE current = 1)", [])
    }

    fn query_entities(&self, filter: &str, args: impl rusqlite::Params) -> Result<Vec<Entity>> {
        let path = self.where_();
        let sql = format!("SELECT data FROM entities {filter} ORDER BY version_id, record_id");
        let mut stmt = self.conn.prepare(&sql).map_err(|e| Error::sqlite(path, e))?;
        let rows = stmt.query_map(args, |row| row.get::<_, String>(0)).map_err(|e| Error::sqlite(path, e))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(serde_json::from_str(&row.map_err(|e| Error::sqlite(path, e))?)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
