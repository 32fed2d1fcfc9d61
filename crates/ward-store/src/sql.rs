//! One SQL dialect for both backends, for the review desk's queries: statements are written once
//! with `PostgreSQL`'s `$1` parameters (rewritten to `?1` for `SQLite`), take typed arguments and
//! return rows of plain cells. Used inside each backend's own transaction, so that review writes
//! commit together with the alert changes they go with.

use crate::{Error, Result};
use std::path::Path;

/// One statement argument. Nulls carry their type, which `PostgreSQL` checks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
}

impl From<i64> for Arg {
    fn from(value: i64) -> Arg {
        Arg::Int(Some(value))
    }
}

impl From<f64> for Arg {
    fn from(value: f64) -> Arg {
        Arg::Real(Some(value))
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Arg {
        Arg::Text(Some(value.to_string()))
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Arg {
        Arg::Text(Some(value))
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Arg {
        Arg::Text(Some(value.clone()))
    }
}

impl From<Option<String>> for Arg {
    fn from(value: Option<String>) -> Arg {
        Arg::Text(value)
    }
}

impl From<Option<&str>> for Arg {
    fn from(value: Option<&str>) -> Arg {
        Arg::Text(value.map(str::to_string))
    }
}

impl From<Option<i64>> for Arg {
    fn from(value: Option<i64>) -> Arg {
        Arg::Int(value)
    }
}

/// One value read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

/// One row read, with typed accessors that name the column on a mismatch.
pub(crate) struct SqlRow(pub(crate) Vec<Cell>);

impl SqlRow {
    fn cell(&self, index: usize) -> Result<&Cell> {
        self.0.get(index).ok_or_else(|| Error::missing(format!("column {index} of a review query")))
    }

    pub(crate) fn int(&self, index: usize) -> Result<i64> {
        match self.cell(index)? {
            Cell::Int(value) => Ok(*value),
            Cell::Real(value) => Ok(*value as i64),
            other => Err(Error::missing(format!("an integer in column {index}, found {other:?}"))),
        }
    }

    pub(crate) fn opt_int(&self, index: usize) -> Result<Option<i64>> {
        match self.cell(index)? {
            Cell::Null => Ok(None),
            _ => self.int(index).map(Some),
        }
    }

    pub(crate) fn real(&self, index: usize) -> Result<f64> {
        match self.cell(index)? {
            Cell::Real(value) => Ok(*value),
            Cell::Int(value) => Ok(*value as f64),
            other => Err(Error::missing(format!("a number in column {index}, found {other:?}"))),
        }
    }

    pub(crate) fn text(&self, index: usize) -> Result<String> {
        match self.cell(index)? {
            Cell::Text(value) => Ok(value.clone()),
            other => Err(Error::missing(format!("text in column {index}, found {other:?}"))),
        }
    }

    pub(crate) fn opt_text(&self, index: usize) -> Result<Option<String>> {
        match self.cell(index)? {
            Cell::Null => Ok(None),
            _ => self.text(index).map(Some),
        }
    }
}

/// Statements in one open transaction of either backend.
pub(crate) trait Sql {
    /// Runs a statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64>;
    /// Runs a query; its rows.
    fn query(&mut self, sql: &str, args: &[Arg]) -> Result<Vec<SqlRow>>;
}

/// Whether a transaction writes: `SQLite` takes its write lock at the start of a writing one, so
/// that two writers never deadlock upgrading their locks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    Write,
}

/// `$1` -> `?1`: `SQLite`'s numbered parameters. The review statements hold no `$` otherwise.
fn sqlite_markers(sql: &str) -> String {
    sql.replace('$', "?")
}

/// A `SQLite` connection (or transaction) as [`Sql`].
pub(crate) struct SqliteSql<'a> {
    pub(crate) conn: &'a rusqlite::Connection,
    pub(crate) path: &'a Path,
}

fn sqlite_value(arg: &Arg) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    match arg {
        Arg::Int(Some(value)) => Value::Integer(*value),
        Arg::Real(Some(value)) => Value::Real(*value),
        Arg::Text(Some(value)) => Value::Text(value.clone()),
        Arg::Int(None) | Arg::Real(None) | Arg::Text(None) => Value::Null,
    }
}

impl Sql for SqliteSql<'_> {
    fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64> {
        let err = |e| Error::sqlite(self.path, e);
        let mut stmt = self.conn.prepare_cached(&sqlite_markers(sql)).map_err(err)?;
        let changed = stmt.execute(rusqlite::params_from_iter(args.iter().map(sqlite_value))).map_err(err)?;
        Ok(changed as u64)
    }

    fn query(&mut self, sql: &str, args: &[Arg]) -> Result<Vec<SqlRow>> {
        use rusqlite::types::ValueRef;
        let err = |e| Error::sqlite(self.path, e);
        let mut stmt = self.conn.prepare_cached(&sqlite_markers(sql)).map_err(err)?;
        let columns = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(args.iter().map(sqlite_value))).map_err(err)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(err)? {
            let mut cells = Vec::with_capacity(columns);
            for index in 0..columns {
                cells.push(match row.get_ref(index).map_err(err)? {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(value) => Cell::Int(value),
                    ValueRef::Real(value) => Cell::Real(value),
                    ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
                        Cell::Text(String::from_utf8_lossy(bytes).into_owned())
                    }
                });
            }
            out.push(SqlRow(cells));
        }
        Ok(out)
    }
}

/// A `PostgreSQL` transaction as [`Sql`].
pub(crate) struct PgSql<'a, 'b> {
    pub(crate) tx: &'a mut postgres::Transaction<'b>,
    pub(crate) database: &'a str,
}

type PgParam = Box<dyn postgres::types::ToSql + Sync>;

fn pg_params(args: &[Arg]) -> Vec<PgParam> {
    args.iter()
        .map(|arg| -> PgParam {
            match arg {
                Arg::Int(value) => Box::new(*value),
                Arg::Real(value) => Box::new(*value),
                Arg::Text(value) => Box::new(value.clone()),
            }
        })
        .collect()
}

impl Sql for PgSql<'_, '_> {
    fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64> {
        let params = pg_params(args);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
        self.tx.execute(sql, &refs).map_err(|e| Error::postgres(self.database, e))
    }

    fn query(&mut self, sql: &str, args: &[Arg]) -> Result<Vec<SqlRow>> {
        use postgres::types::Type;
        let err = |e| Error::postgres(self.database, e);
        let params = pg_params(args);
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
        let rows = self.tx.query(sql, &refs).map_err(err)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut cells = Vec::with_capacity(row.len());
            for (index, column) in row.columns().iter().enumerate() {
                let ty = column.type_();
                let cell = if *ty == Type::INT8 {
                    row.try_get::<_, Option<i64>>(index).map_err(err)?.map(Cell::Int)
                } else if *ty == Type::INT4 {
                    row.try_get::<_, Option<i32>>(index).map_err(err)?.map(|v| Cell::Int(i64::from(v)))
                } else if *ty == Type::INT2 {
                    row.try_get::<_, Option<i16>>(index).map_err(err)?.map(|v| Cell::Int(i64::from(v)))
                } else if *ty == Type::FLOAT8 {
                    row.try_get::<_, Option<f64>>(index).map_err(err)?.map(Cell::Real)
                } else if *ty == Type::FLOAT4 {
                    row.try_get::<_, Option<f32>>(index).map_err(err)?.map(|v| Cell::Real(f64::from(v)))
                } else if *ty == Type::BOOL {
                    row.try_get::<_, Option<bool>>(index).map_err(err)?.map(|v| Cell::Int(i64::from(v)))
                } else {
                    row.try_get::<_, Option<String>>(index).map_err(err)?.map(Cell::Text)
                };
                cells.push(cell.unwrap_or(Cell::Null));
            }
            out.push(SqlRow(cells));
        }
        Ok(out)
    }
}
