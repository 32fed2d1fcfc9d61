//! The `PostgreSQL` backend, for several Ward replicas sharing one database.
//!
//! Uses the synchronous `postgres` client without TLS (run it on a private network or a local
//! socket). The store's handle has a pool of connections, one per call or import; the audit
//! writer opens its own, so audit commits never wait for a pooled connection.

mod desk;

use crate::audit::{format_time, names_lower, parse_time, AuditSink, Batch, ResolvedFilter};
use crate::book::{event_of, parse_stored};
use crate::filter::Where;
use crate::import::{Content, ImportTx, StagedRow, VersionRef, VersionRow};
use crate::ownership::NewOwnership;
use crate::sql::{Access, PgSql, Sql};
use crate::{
    fetch, keys, migrations, redact, Alert, AlertChange, AlertFilter, AuditRecord, Backend, Book,
    CloseReason, CurrentLists, Customer, Entities, Error, ImportSession, InternalError, KeyBy, KeyInfo,
    OutboxEvent, Result, StoredCustomer, UserError, Versions,
};
use crate::{payment_holds, review, FetchAttempt, FetchResult, FetchState, OwnershipVersion, SuppressionEnd};
use chrono::{DateTime, Utc};
use postgres::types::ToSql;
use postgres::{Client, GenericClient, IsolationLevel, NoTls, Row};
use r2d2::{Pool, PooledConnection};
use r2d2_postgres::PostgresConnectionManager;
use std::fmt::Write as _;
use ward_model::{Diagnostic, Entity, ListVersion};

/// Rows per multi-row INSERT: big enough to amortize round trips, well under `PostgreSQL`'s
/// 65,535 parameters per statement.
const ENTITY_ROWS: usize = 1000;
const AUDIT_ROWS: usize = 256;

type Param = Box<dyn ToSql + Sync>;

pub(crate) struct Postgres {
    pool: Pool<Manager>,
    url: String,
    schema: Option<String>,
    /// The URL without password, and the schema: what errors name.
    database: String,
}

type Manager = PostgresConnectionManager<NoTls>;

/// The most connections a store's pool opens: reads and imports of other datasets run in
/// parallel.
const MAX_CONNECTIONS: u32 = 8;

/// Sets the schema of every connection the pool opens.
#[derive(Debug)]
struct SearchPath(String);

impl r2d2::CustomizeConnection<Client, postgres::Error> for SearchPath {
    fn on_acquire(&self, client: &mut Client) -> std::result::Result<(), postgres::Error> {
        client.batch_execute(&format!("SET search_path TO \"{}\"", self.0))
    }
}

fn check_schema_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let ok = name.len() <= 63
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(UserError::BadSchemaName { name: name.to_string() }.into())
    }
}

/// A stable 64-bit key for `pg_advisory_xact_lock` (FNV-1a; Rust's hasher is not stable across
/// builds, and replicas of different builds must agree).
fn lock_key(name: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash as i64
}

fn open_client(url: &str, schema: Option<&str>, database: &str) -> Result<Client> {
    let mut client = Client::connect(url, NoTls)
        .map_err(|cause| Error::from(InternalError::Connect { database: redact(url), cause }))?;
    if let Some(schema) = schema {
        // Allowed before the schema exists; the migration creates it.
        client
            .batch_execute(&format!("SET search_path TO \"{schema}\""))
            .map_err(|e| Error::postgres(database, e))?;
    }
    Ok(client)
}

fn migrate(client: &mut Client, schema: Option<&str>, database: &str, target: usize) -> Result<()> {
    let err = |e| Error::postgres(database, e);
    let mut tx = client.transaction().map_err(err)?;
    // Replicas starting at once: the first to take the lock migrates, the others wait and then
    // find nothing to do. A transaction lock is released by commit, rollback, or a dropped
    // connection, so a crashed replica cannot leave it held.
    let key = lock_key(&format!("ward-migrate:{}", schema.unwrap_or("")));
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&key]).map_err(err)?;
    if let Some(schema) = schema {
        tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"")).map_err(err)?;
    }
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS ward_schema (id INT PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL)",
    )
    .map_err(err)?;
    let found: i64 = tx
        .query_opt("SELECT version FROM ward_schema WHERE id = 1", &[])
        .map_err(err)?
        .map_or(0, |row| row.get(0));
    let supported = migrations::POSTGRES.len() as i64;
    if found > supported {
        return Err(UserError::TooNew { database: database.to_string(), found, supported }.into());
    }
    // DDL is transactional in PostgreSQL: all steps commit together or not at all.
    for sql in migrations::POSTGRES.iter().take(target).skip(found as usize) {
        tx.batch_execute(sql).map_err(err)?;
    }
    if target as i64 > found {
        tx.execute(
            "INSERT INTO ward_schema (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version",
            &[&(target as i64)],
        )
        .map_err(err)?;
    }
    tx.commit().map_err(err)
}

impl Postgres {
    pub(crate) fn connect(url: &str, schema: Option<&str>, target: usize) -> Result<Postgres> {
        if let Some(schema) = schema {
            check_schema_name(schema)?;
        }
        let database = match schema {
            Some(schema) => format!("{} (schema {schema})", redact(url)),
            None => redact(url),
        };
        let mut client = open_client(url, schema, &database)?;
        migrate(&mut client, schema, &database, target)?;
        let config: postgres::Config =
            url.parse().map_err(|cause| InternalError::Connect { database: redact(url), cause })?;
        let mut pool = Pool::builder().max_size(MAX_CONNECTIONS).min_idle(Some(1));
        if let Some(schema) = schema {
            pool = pool.connection_customizer(Box::new(SearchPath(schema.to_string())));
        }
        let pool = pool
            .build(PostgresConnectionManager::new(config, NoTls))
            .map_err(|source| InternalError::Pool { database: database.clone(), source })?;
        Ok(Postgres { pool, url: url.to_string(), schema: schema.map(String::from), database })
    }

    fn err(&self) -> impl Fn(postgres::Error) -> Error + '_ {
        move |e| Error::postgres(&self.database, e)
    }

    /// A connection for one call or one import.
    fn client(&self) -> Result<PooledConnection<Manager>> {
        self.pool
            .get()
            .map_err(|source| InternalError::Pool { database: self.database.clone(), source }.into())
    }

    fn query(&self, sql: &str, args: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        self.client()?.query(sql, args).map_err(self.err())
    }
}

impl Postgres {
    fn read_versions(&self, client: &mut impl GenericClient, which: Versions) -> Result<Vec<ListVersion>> {
        read_versions(client, &self.database, which)
    }

    fn read_entities(&self, client: &mut impl GenericClient, which: Entities) -> Result<Vec<Entity>> {
        let rows = match which {
            Entities::Version(id) => client.query(
                "SELECT data FROM entities
                 WHERE version_id = (SELECT COALESCE(content_version, id) FROM list_versions WHERE id = $1)
                 ORDER BY version_id, record_id",
                &[&id],
            ),
            Entities::Current => client.query(
                "SELECT data FROM entities
                 WHERE version_id IN (SELECT COALESCE(content_version, id) FROM list_versions WHERE current)
                 ORDER BY version_id, record_id",
                &[],
            ),
        }
        .map_err(self.err())?;
        rows.iter().map(|row| Ok(serde_json::from_str(row.get(0))?)).collect()
    }
}

/// Placeholders and arguments of a filter, built up clause by clause.
impl Where<Param> {
    fn args(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.args.iter().map(|arg| arg.as_ref()).collect()
    }
}

fn key_info(row: &Row) -> KeyInfo {
    KeyInfo {
        id: row.get(0),
        name: row.get(1),
        scopes: keys::scopes_from_text(row.get(2)),
        created_at: row.get(3),
        revoked_at: row.get(4),
    }
}

impl Backend for Postgres {
    fn begin_import(&self) -> Result<Box<dyn ImportSession + '_>> {
        let mut client = self.client()?;
        // A temporary table is private to the session: staging takes no lock other replicas
        // wait on, and holds the list on the server's disk, not in Ward's memory.
        client
            .batch_execute(
                "CREATE TEMP TABLE IF NOT EXISTS import_staging (
                     record_id TEXT COLLATE \"C\" PRIMARY KEY, schema TEXT NOT NULL, caption TEXT NOT NULL, data TEXT NOT NULL
                 );
                 TRUNCATE pg_temp.import_staging;",
            )
            .map_err(self.err())?;
        Ok(Box::new(PgImport { client, database: &self.database, schema: self.schema.as_deref() }))
    }

    fn versions(&self, which: Versions) -> Result<Vec<ListVersion>> {
        self.read_versions(&mut *self.client()?, which)
    }

    fn diagnostics(&self, version_id: i64) -> Result<Vec<Diagnostic>> {
        let rows = self.query("SELECT diagnostics FROM list_versions WHERE id = $1", &[&version_id])?;
        let row = rows.first().ok_or_else(|| Error::missing(format!("list version {version_id}")))?;
        Ok(serde_json::from_str(row.get(0))?)
    }

    fn entities(&self, which: Entities) -> Result<Vec<Entity>> {
        self.read_entities(&mut *self.client()?, which)
    }

    fn current_lists(&self) -> Result<CurrentLists> {
        let mut client = self.client()?;
        // REPEATABLE READ reads one snapshot, taken at the first query: an import committed
        // between the two reads, by this replica or another, is seen by neither.
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(self.err())?;
        let versions = self.read_versions(&mut tx, Versions::Current)?;
        let entities = self.read_entities(&mut tx, Entities::Current)?;
        tx.commit().map_err(self.err())?;
        Ok(CurrentLists { versions, entities })
    }

    fn audit_sink(&self) -> Result<Box<dyn AuditSink>> {
        let client = open_client(&self.url, self.schema.as_deref(), &self.database)?;
        Ok(Box::new(PgSink {
            client,
            url: self.url.clone(),
            schema: self.schema.clone(),
            database: self.database.clone(),
        }))
    }

    fn audit(&self, filter: &ResolvedFilter) -> Result<Vec<AuditRecord>> {
        let mut w: Where<Param> = Where::new('$');
        if let Some(name) = &filter.name {
            w.add("strpos(names_lower, ?) > 0", Some(Box::new(name.clone())));
        }
        if let Some(from) = filter.from {
            w.add("time >= ?", Some(Box::new(from)));
        }
        if let Some(until) = filter.until {
            w.add("time < ?", Some(Box::new(until)));
        }
        if let Some(key_id) = &filter.key_id {
            w.add("key_id = ?", Some(Box::new(key_id.clone())));
        }
        if let Some(request_id) = &filter.request_id {
            w.add("request_id = ?", Some(Box::new(request_id.clone())));
        }
        if filter.matched_only {
            w.add("matched", None);
        }
        let limit = filter.limit.map(|n| format!("LIMIT {n}")).unwrap_or_default();
        let sql = format!(
            "SELECT request_id, key_id, time, source, dataset, query, query_names, list_versions, results, top_score, matched
             FROM audit {} ORDER BY time DESC, id DESC {limit}",
            w.sql()
        );
        let rows = self.query(&sql, &w.args())?;
        Ok(rows
            .iter()
            .map(|row| AuditRecord {
                request_id: row.get(0),
                key_id: row.get(1),
                time: format_time(row.get::<_, DateTime<Utc>>(2)),
                source: row.get(3),
                dataset: row.get(4),
                query: row.get(5),
                query_names: row.get(6),
                list_versions: row.get(7),
                results: row.get(8),
                top_score: row.get(9),
                matched: row.get(10),
            })
            .collect())
    }

    fn insert_key(&self, key: &KeyInfo, key_hash: &str) -> Result<()> {
        let scopes = keys::scopes_to_text(&key.scopes);
        self.client()?
            .execute(
                "INSERT INTO api_keys (id, name, scopes, key_hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&key.id, &key.name, &scopes, &key_hash, &key.created_at, &key.revoked_at],
            )
            .map_err(self.err())?;
        Ok(())
    }

    fn keys(&self, by: KeyBy<'_>) -> Result<Vec<KeyInfo>> {
        const COLUMNS: &str = "SELECT id, name, scopes, created_at, revoked_at FROM api_keys";
        let rows = match by {
            KeyBy::All => self.query(&format!("{COLUMNS} ORDER BY seq"), &[])?,
            KeyBy::Id(id) => self.query(&format!("{COLUMNS} WHERE id = $1"), &[&id])?,
            KeyBy::Hash(hash) => self.query(&format!("{COLUMNS} WHERE key_hash = $1"), &[&hash])?,
        };
        Ok(rows.iter().map(key_info).collect())
    }

    fn revoke_key(&self, id: &str, at: &str) -> Result<()> {
        self.client()?
            .execute("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", &[&id, &at])
            .map_err(self.err())?;
        Ok(())
    }

    fn create_book(&self, name: &str, at: &str) -> Result<()> {
        self.client()?
            .execute(
                "INSERT INTO books (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                &[&name, &at],
            )
            .map_err(self.err())?;
        Ok(())
    }

    fn books(&self, name: Option<&str>) -> Result<Vec<Book>> {
        let rows = self.query(
            "SELECT name, created_at, screened_versions, engine, full_progress FROM books
             WHERE $1::TEXT IS NULL OR name = $1 ORDER BY name",
            &[&name],
        )?;
        rows.iter()
            .map(|row| {
                Ok(Book {
                    name: row.get(0),
                    created_at: row.get(1),
                    screened_versions: serde_json::from_str(row.get(2))?,
                    engine: row.get(3),
                    full_progress: row.get(4),
                })
            })
            .collect()
    }

    fn customers(&self, book: &str) -> Result<Vec<StoredCustomer>> {
        let rows = self.query(
            "SELECT id, name, birth_date, country, kind, identifiers, fingerprint, updated_at
             FROM customers WHERE book = $1 ORDER BY id",
            &[&book],
        )?;
        rows.iter()
            .map(|row| {
                Ok(StoredCustomer {
                    customer: Customer {
                        id: row.get(0),
                        name: row.get(1),
                        birth_date: row.get(2),
                        country: row.get(3),
                        kind: row.get(4),
                        identifiers: serde_json::from_str(row.get(5))?,
                    },
                    fingerprint: row.get(6),
                    updated_at: row.get(7),
                })
            })
            .collect()
    }

    fn write_customers(&self, book: &str, upsert: &[StoredCustomer], remove: &[String]) -> Result<()> {
        let err = self.err();
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(&err)?;
        let insert = tx
            .prepare(
                "INSERT INTO customers (book, id, name, birth_date, country, kind, identifiers, fingerprint, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (book, id) DO UPDATE SET name = EXCLUDED.name, birth_date = EXCLUDED.birth_date,
                     country = EXCLUDED.country, kind = EXCLUDED.kind, identifiers = EXCLUDED.identifiers,
                     fingerprint = EXCLUDED.fingerprint, updated_at = EXCLUDED.updated_at",
            )
            .map_err(&err)?;
        for row in upsert {
            let c = &row.customer;
            let identifiers = serde_json::to_string(&c.identifiers)?;
            tx.execute(
                &insert,
                &[
                    &book,
                    &c.id,
                    &c.name,
                    &c.birth_date,
                    &c.country,
                    &c.kind,
                    &identifiers,
                    &row.fingerprint,
                    &row.updated_at,
                ],
            )
            .map_err(&err)?;
        }
        if !remove.is_empty() {
            tx.execute("DELETE FROM customers WHERE book = $1 AND id = ANY($2)", &[&book, &remove])
                .map_err(&err)?;
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
        let mut stored = Vec::with_capacity(changes.len());
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(&err)?;
        let insert = tx
            .prepare(
                "INSERT INTO alerts (book, customer_id, customer_name, subject_id, referents, score, explanations,
                     reason, status, close_reason, list_versions, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
            )
            .map_err(&err)?;
        let update = tx
            .prepare(
                "UPDATE alerts SET customer_name = $2, referents = $3, score = $4, explanations = $5, reason = $6,
                     status = $7, close_reason = $8, list_versions = $9, updated_at = $10
                 WHERE id = $1 AND updated_at = $11 RETURNING created_at",
            )
            .map_err(&err)?;
        let outbox = tx
            .prepare("INSERT INTO outbox (created_at, topic, key, payload) VALUES ($1, $2, $3, $4)")
            .map_err(&err)?;
        let mut ids = Vec::with_capacity(changes.len());
        for change in changes {
            let mut alert = match change {
                AlertChange::Raise(alert) | AlertChange::Update(alert) => alert.clone(),
            };
            // An update writes only over the alert as the screening read it: under READ
            // COMMITTED the WHERE is checked again on the row a concurrent writer committed.
            let read_at = std::mem::replace(&mut alert.updated_at, at.to_string());
            let referents = serde_json::to_string(&alert.referents)?;
            let explanations = serde_json::to_string(&alert.explanations)?;
            let versions = serde_json::to_string(&alert.list_versions)?;
            let close_reason = alert.close_reason.map(CloseReason::as_str);
            match change {
                AlertChange::Raise(_) => {
                    let row = tx
                        .query_one(
                            &insert,
                            &[
                                &alert.book,
                                &alert.customer_id,
                                &alert.customer_name,
                                &alert.subject_id,
                                &referents,
                                &alert.score,
                                &explanations,
                                &alert.reason.as_str(),
                                &alert.status.as_str(),
                                &close_reason,
                                &versions,
                                &at,
                            ],
                        )
                        .map_err(&err)?;
                    alert.id = row.get(0);
                    alert.created_at = at.to_string();
                }
                AlertChange::Update(_) => {
                    let row = tx
                        .query_opt(
                            &update,
                            &[
                                &alert.id,
                                &alert.customer_name,
                                &referents,
                                &alert.score,
                                &explanations,
                                &alert.reason.as_str(),
                                &alert.status.as_str(),
                                &close_reason,
                                &versions,
                                &at,
                                &read_at,
                            ],
                        )
                        .map_err(&err)?
                        .ok_or_else(|| review::stale_or_missing(alert.id, read_at))?;
                    alert.created_at = row.get(0);
                }
            }
            let (topic, key, payload) = event_of(change, &alert)?;
            tx.execute(&outbox, &[&at, &topic, &key, &payload]).map_err(&err)?;
            ids.push(alert.id);
            stored.push(alert);
        }
        review::record_screening(
            &mut PgSql { tx: &mut tx, database: &self.database },
            changes,
            &stored,
            ended,
            at,
        )?;
        let screened = serde_json::to_string(&state.screened_versions)?;
        tx.execute(
            "UPDATE books SET screened_versions = $2, engine = $3, full_progress = $4 WHERE name = $1",
            &[&state.name, &screened, &state.engine, &state.full_progress],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(ids)
    }

    fn alerts(&self, filter: &AlertFilter) -> Result<Vec<Alert>> {
        let mut w: Where<Param> = Where::new('$');
        if let Some(book) = &filter.book {
            w.add("book = ?", Some(Box::new(book.clone())));
        }
        if let Some(status) = filter.status {
            w.add("status = ?", Some(Box::new(status.as_str().to_string())));
        }
        if let Some(id) = filter.id {
            w.add("id = ?", Some(Box::new(id)));
        }
        if let Some(after) = filter.after {
            w.add("id > ?", Some(Box::new(after)));
        }
        let limit = filter.limit.map(|n| format!("LIMIT {n}")).unwrap_or_default();
        let sql = format!("{} {} ORDER BY id {limit}", crate::sqlite::ALERT_COLUMNS, w.sql());
        let rows = self.query(&sql, &w.args())?;
        rows.iter()
            .map(|row| {
                Ok(Alert {
                    id: row.get(0),
                    book: row.get(1),
                    customer_id: row.get(2),
                    customer_name: row.get(3),
                    subject_id: row.get(4),
                    referents: serde_json::from_str(row.get(5))?,
                    score: row.get(6),
                    explanations: serde_json::from_str(row.get(7))?,
                    reason: parse_stored(row.get(8))?,
                    status: parse_stored(row.get(9))?,
                    close_reason: row.get::<_, Option<&str>>(10).map(parse_stored).transpose()?,
                    list_versions: serde_json::from_str(row.get(11))?,
                    created_at: row.get(12),
                    updated_at: row.get(13),
                })
            })
            .collect()
    }

    fn outbox(&self, limit: usize) -> Result<Vec<OutboxEvent>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.query(
            "SELECT id, created_at, topic, key, payload FROM outbox ORDER BY id LIMIT $1",
            &[&limit],
        )?;
        Ok(rows
            .iter()
            .map(|row| OutboxEvent {
                id: row.get(0),
                created_at: row.get(1),
                topic: row.get(2),
                key: row.get(3),
                payload: row.get(4),
            })
            .collect())
    }

    fn record_fetch(&self, attempt: &FetchAttempt, at: &str) -> Result<()> {
        let mut client = self.client()?;
        let FetchAttempt { source, url, outcome, result } = attempt;
        match result {
            FetchResult::Success { etag, last_modified } => client.execute(
                &fetch::postgres_sql(fetch::RECORD_SUCCESS),
                &[source, url, etag, last_modified, &at, outcome],
            ),
            FetchResult::Failure { error } => client
                .execute(&fetch::postgres_sql(fetch::RECORD_FAILURE), &[source, url, &at, outcome, error]),
            FetchResult::Skipped => {
                client.execute(&fetch::postgres_sql(fetch::RECORD_SKIPPED), &[source, url, &at, outcome])
            }
        }
        .map_err(self.err())?;
        Ok(())
    }

    fn fetch_states(&self) -> Result<Vec<FetchState>> {
        let rows = self.query(&fetch::postgres_sql(fetch::SELECT_STATES), &[])?;
        Ok(rows
            .iter()
            .map(|row| FetchState {
                source: row.get(0),
                url: row.get(1),
                etag: row.get(2),
                last_modified: row.get(3),
                last_attempt_at: row.get(4),
                last_outcome: row.get(5),
                last_success_at: row.get(6),
                last_error_at: row.get(7),
                last_error: row.get(8),
            })
            .collect())
    }

    fn delete_outbox(&self, ids: &[i64]) -> Result<()> {
        self.client()?.execute("DELETE FROM outbox WHERE id = ANY($1)", &[&ids]).map_err(self.err())?;
        Ok(())
    }

    fn insert_ownership(&self, new: &NewOwnership, at: &str) -> Result<i64> {
        let err = self.err();
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(&err)?;
        let row = tx
            .query_one(
                "INSERT INTO ownership_versions (imported_at, origin, content_hash, edges, parties)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[
                    &at,
                    &new.origin,
                    &new.content_hash,
                    &(new.edges.len() as i64),
                    &(new.parties.len() as i64),
                ],
            )
            .map_err(&err)?;
        let id: i64 = row.get(0);
        let seqs: Vec<i64> = (0..new.edges.len() as i64).collect();
        tx.execute(
            "INSERT INTO ownership_edges (version_id, seq, data)
             SELECT $1, seq, data FROM UNNEST($2::BIGINT[], $3::TEXT[]) AS rows (seq, data)",
            &[&id, &seqs, &new.edges],
        )
        .map_err(&err)?;
        let (keys, data): (Vec<&str>, Vec<&str>) =
            new.parties.iter().map(|(key, data)| (key.as_str(), data.as_str())).unzip();
        tx.execute(
            "INSERT INTO ownership_parties (version_id, key, data)
             SELECT $1, key, data FROM UNNEST($2::TEXT[], $3::TEXT[]) AS rows (key, data)",
            &[&id, &keys, &data],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(id)
    }

    fn ownership_versions(&self) -> Result<Vec<OwnershipVersion>> {
        let rows = self.query(
            "SELECT id, imported_at, origin, content_hash, edges, parties FROM ownership_versions ORDER BY id",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|row| OwnershipVersion {
                id: row.get(0),
                imported_at: row.get(1),
                origin: row.get(2),
                content_hash: row.get(3),
                n_edges: row.get::<_, i64>(4) as u64,
                n_parties: row.get::<_, i64>(5) as u64,
            })
            .collect())
    }

    fn ownership_rows(&self, version_id: i64) -> Result<(Vec<String>, Vec<String>)> {
        let err = self.err();
        let mut client = self.client()?;
        let mut tx = client.build_transaction().read_only(true).start().map_err(&err)?;
        let edges = tx
            .query("SELECT data FROM ownership_edges WHERE version_id = $1 ORDER BY seq", &[&version_id])
            .map_err(&err)?
            .iter()
            .map(|row| row.get(0))
            .collect();
        let parties = tx
            .query("SELECT data FROM ownership_parties WHERE version_id = $1 ORDER BY key", &[&version_id])
            .map_err(&err)?
            .iter()
            .map(|row| row.get(0))
            .collect();
        tx.commit().map_err(&err)?;
        Ok((edges, parties))
    }

    fn link_partition(&self, versions: &str) -> Result<Option<String>> {
        let row = self
            .client()?
            .query_opt("SELECT subjects FROM link_partitions WHERE versions = $1", &[&versions])
            .map_err(self.err())?;
        Ok(row.map(|row| row.get(0)))
    }

    fn save_link_partition(&self, versions: &str, subjects: &str) -> Result<()> {
        let err = self.err();
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(&err)?;
        tx.execute(
            "INSERT INTO link_partitions (versions, subjects) VALUES ($1, $2) ON CONFLICT (versions) DO NOTHING",
            &[&versions, &subjects],
        )
        .map_err(&err)?;
        tx.execute(
            "DELETE FROM link_partitions WHERE versions <> $1
             AND versions NOT IN (SELECT screened_versions FROM books)",
            &[&versions],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)
    }

    fn transact(&self, _access: Access, work: &mut dyn FnMut(&mut dyn Sql) -> Result<()>) -> Result<()> {
        let err = self.err();
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(&err)?;
        work(&mut PgSql { tx: &mut tx, database: &self.database })?;
        tx.commit().map_err(&err)
    }

    #[cfg(test)]
    fn execute(&self, sql: &str) -> Result<()> {
        self.client()?.batch_execute(sql).map_err(self.err())
    }
}

/// The audit writer's connection.
struct PgSink {
    client: Client,
    url: String,
    schema: Option<String>,
    database: String,
}

impl AuditSink for PgSink {
    fn write(&mut self, batch: &Batch, at: &str) -> Result<()> {
        if self.client.is_closed() {
            // The server restarted or dropped us; the batch can still be written.
            self.client = open_client(&self.url, self.schema.as_deref(), &self.database)?;
        }
        let database = &self.database;
        let err = |e| Error::postgres(database, e);
        let mut tx = self.client.transaction().map_err(err)?;
        for chunk in batch.records.chunks(AUDIT_ROWS) {
            let derived = chunk
                .iter()
                .map(|r| Ok((parse_time(&r.time)?, names_lower(r))))
                .collect::<Result<Vec<(DateTime<Utc>, String)>>>()?;
            let mut sql = String::from(
                "INSERT INTO audit (request_id, key_id, time, source, dataset, query, query_names, names_lower, list_versions, results, top_score, matched) VALUES ",
            );
            let mut args: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(chunk.len() * 12);
            for (i, (r, (time, names))) in chunk.iter().zip(&derived).enumerate() {
                let sep = if i == 0 { "" } else { ", " };
                let n = 12 * i;
                let placeholders = (1..=12).map(|k| format!("${}", n + k)).collect::<Vec<_>>().join(", ");
                let _ = write!(sql, "{sep}({placeholders})");
                args.extend([
                    &r.request_id as &(dyn ToSql + Sync),
                    &r.key_id,
                    time,
                    &r.source,
                    &r.dataset,
                    &r.query,
                    &r.query_names,
                    names,
                    &r.list_versions,
                    &r.results,
                    &r.top_score,
                    &r.matched,
                ]);
            }
            tx.execute(&sql, &args).map_err(err)?;
        }
        let mut sql = PgSql { tx: &mut tx, database };
        for hold in &batch.holds {
            payment_holds::insert(&mut sql, hold, at)?;
        }
        // The commit returns once the WAL record is flushed (synchronous_commit, on by default).
        tx.commit().map_err(err)
    }
}

/// An import on the store's connection.
struct PgImport<'a> {
    client: PooledConnection<Manager>,
    database: &'a str,
    schema: Option<&'a str>,
}

impl ImportSession for PgImport<'_> {
    fn stage(&mut self, rows: &[StagedRow]) -> Result<()> {
        let database = self.database;
        // One statement may not update a row twice: keep the last statement of a record id.
        let mut last = std::collections::HashMap::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            last.insert(row.record_id.as_str(), i);
        }
        let kept: Vec<&StagedRow> = rows
            .iter()
            .enumerate()
            .filter(|(i, row)| last[row.record_id.as_str()] == *i)
            .map(|(_, r)| r)
            .collect();
        for chunk in kept.chunks(ENTITY_ROWS) {
            let mut sql =
                String::from("INSERT INTO pg_temp.import_staging (record_id, schema, caption, data) VALUES ");
            let mut args: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(chunk.len() * 4);
            for (i, row) in chunk.iter().enumerate() {
                let n = 1 + 4 * i;
                let sep = if i == 0 { "" } else { ", " };
                let _ = write!(sql, "{sep}(${n}, ${}, ${}, ${})", n + 1, n + 2, n + 3);
                args.extend([&row.record_id as &(dyn ToSql + Sync), &row.schema, &row.caption, &row.data]);
            }
            sql.push_str(
                " ON CONFLICT (record_id) DO UPDATE SET schema = EXCLUDED.schema, caption = EXCLUDED.caption, data = EXCLUDED.data",
            );
            self.client.execute(&sql, &args).map_err(|e| Error::postgres(database, e))?;
        }
        Ok(())
    }

    fn transaction(&mut self) -> Result<Box<dyn ImportTx + '_>> {
        let database = self.database;
        let tx = self.client.transaction().map_err(|e| Error::postgres(database, e))?;
        Ok(Box::new(PgImportTx { tx, database, schema: self.schema }))
    }

    fn clear(&mut self) -> Result<()> {
        self.client
            .batch_execute("TRUNCATE pg_temp.import_staging")
            .map_err(|e| Error::postgres(self.database, e))
    }
}

/// The list versions `which` selects, read on `client` (a connection or a transaction).
fn read_versions(
    client: &mut impl GenericClient,
    database: &str,
    which: Versions,
) -> Result<Vec<ListVersion>> {
    let (filter, id) = match which {
        Versions::All => ("", None),
        Versions::Current => ("WHERE current", None),
        Versions::Id(id) => ("WHERE id = $1", Some(id)),
    };
    let sql = format!(
        "SELECT id, dataset, format, imported_at, published, sources, counts, current, number,
                (SELECT restored.number FROM list_versions AS restored WHERE restored.id = list_versions.content_version),
                note
         FROM list_versions {filter} ORDER BY dataset, id"
    );
    let rows = match &id {
        Some(id) => client.query(&sql, &[id]).map_err(|e| Error::postgres(database, e))?,
        None => client.query(&sql, &[]).map_err(|e| Error::postgres(database, e))?,
    };
    rows.iter()
        .map(|row| {
            Ok(ListVersion {
                id: row.get(0),
                dataset: row.get(1),
                number: row.get(8),
                restores: row.get(9),
                note: row.get(10),
                format: row.get(2),
                imported_at: row.get(3),
                published: row.get(4),
                sources: serde_json::from_str(row.get(5))?,
                counts: serde_json::from_str(row.get(6))?,
                current: row.get(7),
            })
        })
        .collect()
}

struct PgImportTx<'a> {
    tx: postgres::Transaction<'a>,
    database: &'a str,
    schema: Option<&'a str>,
}

/// The columns `version_ref` reads.
const VERSION_REF: &str =
    "SELECT id, number, COALESCE(content_version, id), published, counts FROM list_versions";

impl PgImportTx<'_> {
    fn version_ref(&mut self, filter: &str, args: &[&(dyn ToSql + Sync)]) -> Result<Option<VersionRef>> {
        let database = self.database;
        let row = self
            .tx
            .query_opt(&format!("{VERSION_REF} {filter}"), args)
            .map_err(|e| Error::postgres(database, e))?;
        row.map(|row| {
            let counts: ward_model::ListCounts = serde_json::from_str(row.get(4))?;
            Ok(VersionRef {
                id: row.get(0),
                number: row.get(1),
                content_id: row.get(2),
                published: row.get(3),
                entities: counts.entities,
            })
        })
        .transpose()
    }
}

impl ImportTx for PgImportTx<'_> {
    fn version(&mut self, id: i64) -> Result<ListVersion> {
        read_versions(&mut self.tx, self.database, Versions::Id(id))?
            .into_iter()
            .next()
            .ok_or_else(|| Error::missing(format!("list version {id}")))
    }

    fn insert_outbox(&mut self, event: &OutboxEvent) -> Result<()> {
        let database = self.database;
        self.tx
            .execute(
                "INSERT INTO outbox (created_at, topic, key, payload) VALUES ($1, $2, $3, $4)",
                &[&event.created_at, &event.topic, &event.key, &event.payload],
            )
            .map_err(|e| Error::postgres(database, e))?;
        Ok(())
    }

    fn lock_dataset(&mut self, dataset: &str) -> Result<()> {
        // Serializes imports of one dataset across replicas, as SQLite's write lock does, so
        // two cannot both decide that their version is new or current.
        let key = lock_key(&format!("ward-import:{}:{dataset}", self.schema.unwrap_or("")));
        let database = self.database;
        self.tx
            .execute("SELECT pg_advisory_xact_lock($1)", &[&key])
            .map_err(|e| Error::postgres(database, e))?;
        Ok(())
    }

    fn count_staged(&mut self) -> Result<u64> {
        let database = self.database;
        let n: i64 = self
            .tx
            .query_one("SELECT COUNT(*) FROM pg_temp.import_staging", &[])
            .map_err(|e| Error::postgres(database, e))?
            .get(0);
        Ok(n as u64)
    }

    fn current(&mut self, dataset: &str) -> Result<Option<VersionRef>> {
        self.version_ref("WHERE dataset = $1 AND current", &[&dataset])
    }

    fn with_hash(&mut self, dataset: &str, hash: &str) -> Result<Option<VersionRef>> {
        self.version_ref(
            "WHERE dataset = $1 AND content_hash = $2 ORDER BY id DESC LIMIT 1",
            &[&dataset, &hash],
        )
    }

    fn by_number(&mut self, dataset: &str, number: i64) -> Result<Option<VersionRef>> {
        self.version_ref("WHERE dataset = $1 AND number = $2", &[&dataset, &number])
    }

    fn previous_content(
        &mut self,
        dataset: &str,
        before_id: i64,
        content_id: i64,
    ) -> Result<Option<VersionRef>> {
        self.version_ref(
            "WHERE dataset = $1 AND id < $2 AND COALESCE(content_version, id) != $3 ORDER BY id DESC LIMIT 1",
            &[&dataset, &before_id, &content_id],
        )
    }

    fn next_number(&mut self, dataset: &str) -> Result<i64> {
        let database = self.database;
        Ok(self
            .tx
            .query_one(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM list_versions WHERE dataset = $1",
                &[&dataset],
            )
            .map_err(|e| Error::postgres(database, e))?
            .get(0))
    }

    fn removed(&mut self, from: i64, to: Content, examples: usize) -> Result<(u64, Vec<String>)> {
        let database = self.database;
        let err = |e| Error::postgres(database, e);
        let (missing, to_id) = match to {
            Content::Staged => {
                ("NOT EXISTS (SELECT 1 FROM pg_temp.import_staging AS n WHERE n.record_id = e.record_id)", None)
            }
            Content::Version(id) => (
                "NOT EXISTS (SELECT 1 FROM entities AS n WHERE n.version_id = $2 AND n.record_id = e.record_id)",
                Some(id),
            ),
        };
        let args: Vec<&(dyn ToSql + Sync)> = match &to_id {
            Some(id) => vec![&from, id],
            None => vec![&from],
        };
        let count: i64 = self
            .tx
            .query_one(
                &format!("SELECT COUNT(*) FROM entities AS e WHERE e.version_id = $1 AND {missing}"),
                &args,
            )
            .map_err(err)?
            .get(0);
        let names = self
            .tx
            .query(
                &format!(
                    "SELECT record_id, caption FROM entities AS e WHERE e.version_id = $1 AND {missing} ORDER BY record_id LIMIT {examples}"
                ),
                &args,
            )
            .map_err(err)?
            .iter()
            .map(|row| format!("{} ({})", row.get::<_, String>(0), row.get::<_, String>(1)))
            .collect();
        Ok((count as u64, names))
    }

    fn stage_base(&mut self, content_id: i64, except: &[String]) -> Result<()> {
        let database = self.database;
        self.tx
            .execute(
                "INSERT INTO pg_temp.import_staging (record_id, schema, caption, data)
                 SELECT record_id, schema, caption, data FROM entities
                 WHERE version_id = $1 AND NOT (record_id = ANY($2))
                 ON CONFLICT (record_id) DO NOTHING",
                &[&content_id, &except],
            )
            .map_err(|e| Error::postgres(database, e))?;
        Ok(())
    }

    fn for_each_staged(&mut self, each: &mut dyn FnMut(Entity)) -> Result<()> {
        let database = self.database;
        let err = |e| Error::postgres(database, e);
        let params: [&(dyn ToSql + Sync); 0] = [];
        let mut rows = self.tx.query_raw("SELECT data FROM pg_temp.import_staging", params).map_err(err)?;
        while let Some(row) = postgres::fallible_iterator::FallibleIterator::next(&mut rows).map_err(err)? {
            each(serde_json::from_str(row.get::<_, &str>(0))?);
        }
        Ok(())
    }

    fn insert_version(&mut self, row: &VersionRow<'_>) -> Result<i64> {
        let database = self.database;
        Ok(self
            .tx
            .query_one(
                "INSERT INTO list_versions (dataset, number, format, imported_at, published, sources, counts, diagnostics, content_hash, note, current)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                &[
                    &row.dataset,
                    &row.number,
                    &row.format,
                    &row.imported_at,
                    &row.published,
                    &row.sources,
                    &row.counts,
                    &row.diagnostics,
                    &row.content_hash,
                    &row.note,
                    &row.current,
                ],
            )
            .map_err(|e| Error::postgres(database, e))?
            .get(0))
    }

    fn insert_restoring(
        &mut self,
        from: i64,
        content_id: i64,
        number: i64,
        imported_at: &str,
        note: &str,
    ) -> Result<i64> {
        let database = self.database;
        Ok(self
            .tx
            .query_one(
                "INSERT INTO list_versions (dataset, number, format, imported_at, published, sources, counts, diagnostics, content_hash, content_version, note, current)
                 SELECT dataset, $2, format, $3, published, sources, counts, diagnostics, content_hash, $4, $5, TRUE
                 FROM list_versions WHERE id = $1 RETURNING id",
                &[&from, &number, &imported_at, &content_id, &note],
            )
            .map_err(|e| Error::postgres(database, e))?
            .get(0))
    }

    fn copy_staged(&mut self, version_id: i64) -> Result<()> {
        let database = self.database;
        self.tx
            .execute(
                "INSERT INTO entities (version_id, record_id, schema, caption, data)
                 SELECT $1, record_id, schema, caption, data FROM pg_temp.import_staging",
                &[&version_id],
            )
            .map_err(|e| Error::postgres(database, e))?;
        Ok(())
    }

    fn clear_current(&mut self, dataset: &str) -> Result<()> {
        let database = self.database;
        self.tx
            .execute("UPDATE list_versions SET current = FALSE WHERE dataset = $1 AND current", &[&dataset])
            .map_err(|e| Error::postgres(database, e))?;
        Ok(())
    }

    fn commit(self: Box<Self>) -> Result<()> {
        let database = self.database;
        self.tx.commit().map_err(|e| Error::postgres(database, e))
    }
}
