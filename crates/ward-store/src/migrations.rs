//! Versioned schema migrations for both backends, applied in order; the schema version is the
//! number applied (`SQLite`: `PRAGMA user_version`; `PostgreSQL`: the `ward_schema` table).
//!
//! Never edit a migration that has shipped: add the next one, to both lists, so a version number
//! means the same tables on either backend. A store written by a newer Ward is refused with an
//! error rather than misread.

use crate::{Error, Result, UserError};
use rusqlite::Connection;
use std::path::Path;

/// The `SQLite` migrations.
pub(crate) const SQLITE: &[&str] = &[
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
    // 2: the audit trail and API keys. Times are fixed-width UTC text, so text order is time
    // order; JSON columns are text.
    "CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,
        key_id TEXT,
        time TEXT NOT NULL,
        source TEXT NOT NULL,
        dataset TEXT NOT NULL,
        query TEXT NOT NULL,
        query_names TEXT NOT NULL,
        names_lower TEXT NOT NULL,
        list_versions TEXT NOT NULL,
        results TEXT NOT NULL,
        top_score REAL NOT NULL,
        matched INTEGER NOT NULL
    );
    CREATE INDEX audit_time ON audit (time);
    CREATE INDEX audit_key_time ON audit (key_id, time);
    CREATE INDEX audit_request ON audit (request_id);
    CREATE TABLE api_keys (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );",
    // 3: per-dataset version numbers, versions that point at an earlier version's content
    // (rollbacks, re-imports), and a note where an operator overrode a guard.
    "ALTER TABLE list_versions ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE list_versions ADD COLUMN content_version INTEGER REFERENCES list_versions (id);
    ALTER TABLE list_versions ADD COLUMN note TEXT;
    UPDATE list_versions SET number =
        (SELECT COUNT(*) FROM list_versions AS earlier
         WHERE earlier.dataset = list_versions.dataset AND earlier.id <= list_versions.id);
    CREATE UNIQUE INDEX list_versions_number ON list_versions (dataset, number);",
    // 4: monitored customer books, their alerts, and the outbox of events written in the same
    // transaction as the alerts they announce. At most one open alert per customer and subject.
    "CREATE TABLE books (
        name TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        screened_versions TEXT NOT NULL DEFAULT '[]',
        engine TEXT,
        full_progress TEXT
    );
    CREATE TABLE customers (
        book TEXT NOT NULL REFERENCES books (name),
        id TEXT NOT NULL,
        name TEXT NOT NULL,
        birth_date TEXT,
        country TEXT,
        kind TEXT,
        identifiers TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (book, id)
    );
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        book TEXT NOT NULL REFERENCES books (name),
        customer_id TEXT NOT NULL,
        customer_name TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        referents TEXT NOT NULL,
        score REAL NOT NULL,
        explanations TEXT NOT NULL,
        reason TEXT NOT NULL,
        status TEXT NOT NULL,
        close_reason TEXT,
        list_versions TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX alerts_one_open ON alerts (book, customer_id, subject_id) WHERE status = 'open';
    CREATE INDEX alerts_book_status ON alerts (book, status, id);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        topic TEXT NOT NULL,
        key TEXT NOT NULL,
        payload TEXT NOT NULL
    );",
    // 5: what was fetched from each publisher: the validators of the last accepted download
    // and the last attempt's outcome.
    "CREATE TABLE list_fetches (
        source TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_attempt_at TEXT NOT NULL,
        last_outcome TEXT NOT NULL,
        last_success_at TEXT,
        last_error_at TEXT,
        last_error TEXT
    );",
    // 6 (deskcore): the review desk. Decisions on alerts (four eyes: at most one pending per
    // alert), the suppressions approved dismissals create (at most one active per pair), the
    // append-only history of every alert event, alert assignment, and the queue's indexes
    // (status or book, then each sort column, then id, for keyset paging).
    "ALTER TABLE alerts ADD COLUMN assignee TEXT;
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        alert_id INTEGER NOT NULL REFERENCES alerts (id),
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        remark TEXT NOT NULL,
        suppress TEXT,
        status TEXT NOT NULL,
        needs_approval INTEGER NOT NULL,
        requested_by TEXT NOT NULL,
        requested_role TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        score REAL NOT NULL,
        list_versions TEXT NOT NULL,
        reviewed_by TEXT,
        reviewed_role TEXT,
        reviewed_at TEXT,
        review_remark TEXT,
        effective_at TEXT
    );
    CREATE INDEX decisions_alert ON decisions (alert_id, id);
    CREATE INDEX decisions_requested ON decisions (requested_at, id);
    CREATE UNIQUE INDEX decisions_one_pending ON decisions (alert_id) WHERE status = 'pending';
    CREATE TABLE suppressions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        book TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        expires TEXT,
        customer_fingerprint TEXT,
        subject_fingerprint TEXT,
        decision_id INTEGER NOT NULL REFERENCES decisions (id),
        alert_id INTEGER NOT NULL REFERENCES alerts (id),
        created_at TEXT NOT NULL,
        approved_by TEXT NOT NULL,
        status TEXT NOT NULL,
        ended_at TEXT,
        end_reason TEXT
    );
    CREATE UNIQUE INDEX suppressions_one_active ON suppressions (book, customer_id, subject_id) WHERE status = 'active';
    CREATE INDEX suppressions_book ON suppressions (book, status);
    CREATE TABLE alert_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        alert_id INTEGER NOT NULL REFERENCES alerts (id),
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        actor TEXT,
        role TEXT,
        status TEXT NOT NULL,
        list_versions TEXT NOT NULL,
        decision_id INTEGER,
        suppression_id INTEGER,
        detail TEXT NOT NULL
    );
    CREATE INDEX alert_events_alert ON alert_events (alert_id, id);
    INSERT INTO alert_events (alert_id, at, kind, status, list_versions, detail)
        SELECT id, created_at, 'raised', status, list_versions, '{}'
        FROM alerts ORDER BY id;
    CREATE INDEX alerts_queue_created ON alerts (status, created_at, id);
    CREATE INDEX alerts_queue_score ON alerts (status, score, id);
    CREATE INDEX alerts_book_created ON alerts (book, status, created_at, id);
    CREATE INDEX alerts_book_score ON alerts (book, status, score, id);
    CREATE INDEX alerts_assignee ON alerts (assignee, status, id);",
    // 7 (desk): review desk accounts and their sessions.
    "CREATE TABLE desk_users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        failed_sign_ins INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT
    );
    CREATE TABLE desk_sessions (
        token_hash TEXT PRIMARY KEY,
        user_name TEXT NOT NULL REFERENCES desk_users (name),
        csrf_token TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE INDEX desk_sessions_expires ON desk_sessions (expires_at);",
    // 8 (room ownership): versions of ownership and control edges, their edges as JSON and
    // their parties with the subject each was tied to.
    "CREATE TABLE ownership_versions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        imported_at TEXT NOT NULL,
        origin TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        edges INTEGER NOT NULL,
        parties INTEGER NOT NULL
    );
    CREATE TABLE ownership_edges (
        version_id INTEGER NOT NULL REFERENCES ownership_versions (id),
        seq INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (version_id, seq)
    );
    CREATE TABLE ownership_parties (
        version_id INTEGER NOT NULL REFERENCES ownership_versions (id),
        key TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (version_id, key)
    );",
    // 9 (monitor): the linked subjects of a set of current list versions, kept for as long as a
    // book was last screened against that set, so that a delta re-screen need not link the
    // old lists again.
    "CREATE TABLE link_partitions (
        versions TEXT PRIMARY KEY,
        subjects TEXT NOT NULL
    );",
    // 10 (deskcore): the queue without a status filter, by creation or score.
    "CREATE INDEX alerts_created ON alerts (created_at, id);
    CREATE INDEX alerts_score ON alerts (score, id);",
    // 11 (desk): the programmes of each alert's listed subject, written when screening raises
    // or updates it (no backfill: older alerts get theirs at their next update).
    "CREATE TABLE alert_programmes (
        alert_id INTEGER NOT NULL REFERENCES alerts (id),
        programme TEXT NOT NULL,
        PRIMARY KEY (alert_id, programme)
    );
    CREATE INDEX alert_programmes_programme ON alert_programmes (programme, alert_id);",
    // 12 (payhold): payments held by screening, one case per message, kept with the raw message
    // and its decision, at most one per message key (message id and UETR), each tied to the
    // alert the desk works (book `payments`). The book exists from this migration on.
    "CREATE TABLE payment_holds (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        message_key TEXT NOT NULL UNIQUE,
        message_id TEXT,
        uetr TEXT,
        format TEXT NOT NULL,
        syntax TEXT NOT NULL,
        raw TEXT NOT NULL,
        decision TEXT NOT NULL,
        list_versions TEXT NOT NULL,
        source TEXT NOT NULL,
        alert_id INTEGER REFERENCES alerts (id),
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX payment_holds_alert ON payment_holds (alert_id);
    CREATE INDEX payment_holds_status ON payment_holds (status, id);
    INSERT INTO books (name, created_at) VALUES ('payments', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        ON CONFLICT (name) DO NOTHING;",
];

/// The `PostgreSQL` migrations. Text columns that are sorted on use the "C" collation so that
/// order is byte order, as in `SQLite`, whatever the database's locale.
pub(crate) const POSTGRES: &[&str] = &[
    // 1: list versions and their entities.
    r#"CREATE TABLE list_versions (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        dataset TEXT COLLATE "C" NOT NULL,
        format TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        published TEXT,
        sources TEXT NOT NULL,
        counts TEXT NOT NULL,
        diagnostics TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        current BOOLEAN NOT NULL DEFAULT FALSE
    );
    CREATE INDEX list_versions_dataset ON list_versions (dataset, current);
    CREATE UNIQUE INDEX list_versions_one_current ON list_versions (dataset) WHERE current;
    CREATE TABLE entities (
        version_id BIGINT NOT NULL REFERENCES list_versions (id),
        record_id TEXT COLLATE "C" NOT NULL,
        schema TEXT NOT NULL,
        caption TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (version_id, record_id)
    );"#,
    // 2: the audit trail and API keys, with native types so the audit can also be queried
    // with SQL directly.
    "CREATE TABLE audit (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        request_id TEXT NOT NULL,
        key_id TEXT,
        time TIMESTAMPTZ NOT NULL,
        source TEXT NOT NULL,
        dataset TEXT NOT NULL,
        query JSONB NOT NULL,
        query_names TEXT[] NOT NULL,
        names_lower TEXT NOT NULL,
        list_versions BIGINT[] NOT NULL,
        results JSONB NOT NULL,
        top_score DOUBLE PRECISION NOT NULL,
        matched BOOLEAN NOT NULL
    );
    CREATE INDEX audit_time ON audit (time);
    CREATE INDEX audit_key_time ON audit (key_id, time);
    CREATE INDEX audit_request ON audit (request_id);
    CREATE TABLE api_keys (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );",
    // 3: per-dataset version numbers, versions that point at an earlier version's content
    // (rollbacks, re-imports), and a note where an operator overrode a guard.
    "ALTER TABLE list_versions ADD COLUMN number BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE list_versions ADD COLUMN content_version BIGINT REFERENCES list_versions (id);
    ALTER TABLE list_versions ADD COLUMN note TEXT;
    UPDATE list_versions SET number =
        (SELECT COUNT(*) FROM list_versions AS earlier
         WHERE earlier.dataset = list_versions.dataset AND earlier.id <= list_versions.id);
    CREATE UNIQUE INDEX list_versions_number ON list_versions (dataset, number);",
    // 4: monitored customer books, their alerts, and the outbox of events written in the same
    // transaction as the alerts they announce. At most one open alert per customer and subject.
    r#"CREATE TABLE books (
        name TEXT COLLATE "C" PRIMARY KEY,
        created_at TEXT NOT NULL,
        screened_versions TEXT NOT NULL DEFAULT '[]',
        engine TEXT,
        full_progress TEXT
    );
    CREATE TABLE customers (
        book TEXT COLLATE "C" NOT NULL REFERENCES books (name),
        id TEXT COLLATE "C" NOT NULL,
        name TEXT NOT NULL,
        birth_date TEXT,
        country TEXT,
        kind TEXT,
        identifiers TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (book, id)
    );
    CREATE TABLE alerts (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        book TEXT COLLATE "C" NOT NULL REFERENCES books (name),
        customer_id TEXT COLLATE "C" NOT NULL,
        customer_name TEXT NOT NULL,
        subject_id TEXT COLLATE "C" NOT NULL,
        referents TEXT NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        explanations TEXT NOT NULL,
        reason TEXT NOT NULL,
        status TEXT NOT NULL,
        close_reason TEXT,
        list_versions TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX alerts_one_open ON alerts (book, customer_id, subject_id) WHERE status = 'open';
    CREATE INDEX alerts_book_status ON alerts (book, status, id);
    CREATE TABLE outbox (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        created_at TEXT NOT NULL,
        topic TEXT NOT NULL,
        key TEXT NOT NULL,
        payload TEXT NOT NULL
    );"#,
    // 5: what was fetched from each publisher: the validators of the last accepted download
    // and the last attempt's outcome.
    r#"CREATE TABLE list_fetches (
        source TEXT COLLATE "C" PRIMARY KEY,
        url TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_attempt_at TEXT NOT NULL,
        last_outcome TEXT NOT NULL,
        last_success_at TEXT,
        last_error_at TEXT,
        last_error TEXT
    );"#,
    // 6 (deskcore): the review desk. Decisions on alerts (four eyes: at most one pending per
    // alert), the suppressions approved dismissals create (at most one active per pair), the
    // append-only history of every alert event, alert assignment, and the queue's indexes
    // (status or book, then each sort column, then id, for keyset paging).
    r#"ALTER TABLE alerts ADD COLUMN assignee TEXT COLLATE "C";
    CREATE TABLE decisions (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        alert_id BIGINT NOT NULL REFERENCES alerts (id),
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        remark TEXT NOT NULL,
        suppress TEXT,
        status TEXT NOT NULL,
        needs_approval BIGINT NOT NULL,
        requested_by TEXT NOT NULL,
        requested_role TEXT NOT NULL,
        requested_at TEXT COLLATE "C" NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        list_versions TEXT NOT NULL,
        reviewed_by TEXT,
        reviewed_role TEXT,
        reviewed_at TEXT,
        review_remark TEXT,
        effective_at TEXT
    );
    CREATE INDEX decisions_alert ON decisions (alert_id, id);
    CREATE INDEX decisions_requested ON decisions (requested_at, id);
    CREATE UNIQUE INDEX decisions_one_pending ON decisions (alert_id) WHERE status = 'pending';
    CREATE TABLE suppressions (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        book TEXT COLLATE "C" NOT NULL,
        customer_id TEXT COLLATE "C" NOT NULL,
        subject_id TEXT COLLATE "C" NOT NULL,
        kind TEXT NOT NULL,
        expires TEXT COLLATE "C",
        customer_fingerprint TEXT,
        subject_fingerprint TEXT,
        decision_id BIGINT NOT NULL REFERENCES decisions (id),
        alert_id BIGINT NOT NULL REFERENCES alerts (id),
        created_at TEXT NOT NULL,
        approved_by TEXT NOT NULL,
        status TEXT NOT NULL,
        ended_at TEXT,
        end_reason TEXT
    );
    CREATE UNIQUE INDEX suppressions_one_active ON suppressions (book, customer_id, subject_id) WHERE status = 'active';
    CREATE INDEX suppressions_book ON suppressions (book, status);
    CREATE TABLE alert_events (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        alert_id BIGINT NOT NULL REFERENCES alerts (id),
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        actor TEXT,
        role TEXT,
        status TEXT NOT NULL,
        list_versions TEXT NOT NULL,
        decision_id BIGINT,
        suppression_id BIGINT,
        detail TEXT NOT NULL
    );
    CREATE INDEX alert_events_alert ON alert_events (alert_id, id);
    INSERT INTO alert_events (alert_id, at, kind, status, list_versions, detail)
        SELECT id, created_at, 'raised', status, list_versions, '{}'
        FROM alerts ORDER BY id;
    CREATE INDEX alerts_queue_created ON alerts (status, created_at, id);
    CREATE INDEX alerts_queue_score ON alerts (status, score, id);
    CREATE INDEX alerts_book_created ON alerts (book, status, created_at, id);
    CREATE INDEX alerts_book_score ON alerts (book, status, score, id);
    CREATE INDEX alerts_assignee ON alerts (assignee, status, id);"#,
    // 7 (desk): review desk accounts and their sessions.
    r#"CREATE TABLE desk_users (
        name TEXT COLLATE "C" PRIMARY KEY,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        failed_sign_ins BIGINT NOT NULL DEFAULT 0,
        locked_until TEXT
    );
    CREATE TABLE desk_sessions (
        token_hash TEXT PRIMARY KEY,
        user_name TEXT COLLATE "C" NOT NULL REFERENCES desk_users (name),
        csrf_token TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE INDEX desk_sessions_expires ON desk_sessions (expires_at);"#,
    // 8 (room ownership): versions of ownership and control edges, their edges as JSON and
    // their parties with the subject each was tied to.
    r#"CREATE TABLE ownership_versions (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        imported_at TEXT NOT NULL,
        origin TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        edges BIGINT NOT NULL,
        parties BIGINT NOT NULL
    );
    CREATE TABLE ownership_edges (
        version_id BIGINT NOT NULL REFERENCES ownership_versions (id),
        seq BIGINT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (version_id, seq)
    );
    CREATE TABLE ownership_parties (
        version_id BIGINT NOT NULL REFERENCES ownership_versions (id),
        key TEXT COLLATE "C" NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (version_id, key)
    );"#,
    // 9 (monitor): the linked subjects of a set of current list versions, kept for as long as a
    // book was last screened against that set, so that a delta re-screen need not link the
    // old lists again.
    r#"CREATE TABLE link_partitions (
        versions TEXT COLLATE "C" PRIMARY KEY,
        subjects TEXT NOT NULL
    );"#,
    // 10 (deskcore): the queue without a status filter, by creation or score.
    "CREATE INDEX alerts_created ON alerts (created_at, id);
    CREATE INDEX alerts_score ON alerts (score, id);",
    // 11 (desk): the programmes of each alert's listed subject, written when screening raises
    // or updates it (no backfill: older alerts get theirs at their next update).
    r#"CREATE TABLE alert_programmes (
        alert_id BIGINT NOT NULL REFERENCES alerts (id),
        programme TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (alert_id, programme)
    );
    CREATE INDEX alert_programmes_programme ON alert_programmes (programme, alert_id);"#,
    // 12 (payhold): payments held by screening, one case per message, kept with the raw message
    // and its decision, at most one per message key (message id and UETR), each tied to the
    // alert the desk works (book `payments`). The book exists from this migration on.
    r#"CREATE TABLE payment_holds (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        message_key TEXT COLLATE "C" NOT NULL UNIQUE,
        message_id TEXT,
        uetr TEXT,
        format TEXT NOT NULL,
        syntax TEXT NOT NULL,
        raw TEXT NOT NULL,
        decision TEXT NOT NULL,
        list_versions TEXT NOT NULL,
        source TEXT NOT NULL,
        alert_id BIGINT REFERENCES alerts (id),
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX payment_holds_alert ON payment_holds (alert_id);
    CREATE INDEX payment_holds_status ON payment_holds (status, id);
    INSERT INTO books (name, created_at)
        VALUES ('payments', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        ON CONFLICT (name) DO NOTHING;"#,
];

/// Upgrades a `SQLite` database to schema version `target`, one transaction per step so a crash
/// leaves a consistent version.
pub(crate) fn sqlite(conn: &mut Connection, path: &Path, target: usize) -> Result<()> {
    let err = |e| Error::sqlite(path, e);
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(err)?;
    let supported = SQLITE.len() as i64;
    if version > supported {
        return Err(
            UserError::TooNew { database: path.display().to_string(), found: version, supported }.into()
        );
    }
    for (i, sql) in SQLITE.iter().enumerate().take(target).skip(version as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(err)?;
        // Another process may have migrated while this one waited for the write lock.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(err)?;
        if now > i as i64 {
            continue;
        }
        tx.execute_batch(sql).map_err(err)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1)).map_err(err)?;
        tx.commit().map_err(err)?;
    }
    Ok(())
}

/// The schema version this build writes; the same on both backends.
pub(crate) const LATEST: usize = SQLITE.len();

const _: () = assert!(SQLITE.len() == POSTGRES.len(), "add each migration to both backends");
