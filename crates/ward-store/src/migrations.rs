//! Versioned schema migrations, applied in order and recorded in `PRAGMA user_version`.
//!
//! Never edit a migration that has shipped: add the next one. A store written by a newer Ward is
//! refused with an error rather than misread.

use crate::{Error, Result};
use rusqlite::Connection;
use std::path::Path;

/// The migrations; the schema version is the number applied.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: list versions and their entities.
    "CREATE TABLE list_versions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        dataset TEXT NOT NULL,
        format TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        published TEXT,
        sources TEXT NOT NULL,
        counts TEXT NOT NULL,
        diagnostics TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        current INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX list_versions_dataset ON list_versions (dataset, current);
    CREATE UNIQUE INDEX list_versions_one_current ON list_versions (dataset) WHERE current = 1;
    CREATE TABLE entities (
        version_id INTEGER NOT NULL REFERENCES list_versions (id),
        record_id TEXT NOT NULL,
        schema TEXT NOT NULL,
        caption TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (version_id, record_id)
    );",
];

pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let err = |e| Error::sqlite(path, e);
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(err)?;
    let supported = MIGRATIONS.len() as i64;
    if version > supported {
        return Err(Error::TooNew { path: path.to_path_buf(), found: version, supported });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction().map_err(err)?;
        tx.execute_batch(sql).map_err(err)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1)).map_err(err)?;
        tx.commit().map_err(err)?;
    }
    Ok(())
}
