//! Store tests: one suite, run against `SQLite` (a temporary directory) and `PostgreSQL` (a fresh
//! schema per test, dropped after), plus a kill -9 crash test for `SQLite`.
//!
//! `PostgreSQL` comes from `WARD_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`).
//! When it is unreachable the `PostgreSQL` tests fail if `CI` is set, and are skipped with a
//! printed reason otherwise.

use super::*;
use crate::keys::random_suffix;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use ward_model::{ListCounts, Name, NameKind, Schema, SourceFile};

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A fresh, empty database location for one test.
trait Db {
    fn location(&self) -> Location;
    /// SQL that makes inserting the entity with record id `R1` fail.
    fn sabotage_sql(&self) -> &'static str;
    /// SQL that stamps the schema version as 999.
    fn too_new_sql(&self) -> &'static str;
    /// SQL that makes every insert into the outbox fail.
    fn refuse_outbox_sql(&self) -> &'static str;
    /// SQL that makes every insert into the audit trail fail.
    fn refuse_audit_sql(&self) -> &'static str;
}

struct SqliteDb {
    dir: tempfile::TempDir,
}

impl SqliteDb {
    fn new() -> SqliteDb {
        SqliteDb { dir: tempfile::tempdir().unwrap() }
    }
}

impl Db for SqliteDb {
    fn location(&self) -> Location {
        Location::Sqlite { data_dir: self.dir.path().to_path_buf() }
    }
    fn sabotage_sql(&self) -> &'static str {
        "CREATE TRIGGER boom BEFORE INSERT ON entities WHEN NEW.record_id = 'R1' BEGIN SELECT RAISE(ABORT, 'boom'); END;"
    }
    fn too_new_sql(&self) -> &'static str {
        "PRAGMA user_version = 999"
    }
    fn refuse_outbox_sql(&self) -> &'static str {
        "CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END;"
    }
    fn refuse_audit_sql(&self) -> &'static str {
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit refused'); END;"
    }
}

struct PgDb {
    url: String,
    schema: String,
}

impl PgDb {
    fn new() -> Option<PgDb> {
        static REACHABLE: OnceLock<std::result::Result<String, String>> = OnceLock::new();
        let reachable = REACHABLE.get_or_init(|| {
            let url = std::env::var("WARD_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_POSTGRES.to_string());
            match ::postgres::Client::connect(&url, ::postgres::NoTls) {
                Ok(_) => Ok(url),
                Err(cause) => {
                    Err(Error::from(InternalError::Connect { database: redact(&url), cause }).to_string())
                }
            }
        });
        match reachable {
            Ok(url) => Some(PgDb { url: url.clone(), schema: format!("ward_test_{}", random_suffix(12)) }),
            Err(reason) if std::env::var_os("CI").is_some() => {
                panic!(
                    "{reason}; CI is set, so PostgreSQL tests must run: start it or set WARD_TEST_POSTGRES"
                )
            }
            Err(reason) => {
                // Straight to stderr, past the harness's capture, so a skip is never silent.
                let _ = writeln!(
                    std::io::stderr(),
                    "skipping PostgreSQL test: {reason} (set WARD_TEST_POSTGRES, or CI to make this fail)"
                );
                None
            }
        }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut client) = ::postgres::Client::connect(&self.url, ::postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.schema));
        }
    }
}

impl Db for PgDb {
    fn location(&self) -> Location {
        Location::Postgres { url: self.url.clone(), schema: Some(self.schema.clone()) }
    }
    fn sabotage_sql(&self) -> &'static str {
        "CREATE FUNCTION boom() RETURNS trigger AS $$
         BEGIN IF NEW.record_id = 'R1' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
         CREATE TRIGGER boom BEFORE INSERT ON entities FOR EACH ROW EXECUTE FUNCTION boom();"
    }
    fn too_new_sql(&self) -> &'static str {
        "UPDATE ward_schema SET version = 999"
    }
    fn refuse_outbox_sql(&self) -> &'static str {
        "CREATE FUNCTION refuse_outbox() RETURNS trigger AS $$
         BEGIN RAISE EXCEPTION 'outbox refused'; END $$ LANGUAGE plpgsql;
         CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION refuse_outbox();"
    }
    fn refuse_audit_sql(&self) -> &'static str {
        "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$
         BEGIN RAISE EXCEPTION 'audit refused'; END $$ LANGUAGE plpgsql;
         CREATE TRIGGER refuse_audit BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION refuse_audit();"
    }
}

/// Runs each test against both backends.
macro_rules! suite {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $test() { super::$test(&super::SqliteDb::new()) } )*
        }
        mod postgres {
            $( #[test] fn $test() { if let Some(db) = super::PgDb::new() { super::$test(&db) } } )*
        }
    };
}

suite!(
    newer_versions_become_current_and_history_is_kept,
    reopening_keeps_everything,
    a_store_from_a_newer_ward_is_refused,
    a_failed_import_leaves_the_last_good_version,
    replicas_starting_at_once_migrate_once,
    a_v1_store_upgrades_cleanly,
    audit_group_commit_completes_every_ticket,
    audit_shutdown_flushes_the_queue,
    audit_batches_commit_whole,
    audit_filters,
    api_keys,
    guarded_imports_and_rollback,
    diffs_between_versions_and_rollbacks,
    deltas_add_modify_and_remove,
    snapshots_read_during_imports_are_whole,
    reads_go_on_during_an_import_on_the_same_handle,
    books_customers_and_alerts,
    fetch_states_keep_the_validators_of_the_last_success,
    ownership_versions_keep_edges_and_ties,
    a_list_change_event_is_committed_with_its_version,
    link_partitions_are_kept_for_screened_books,
);

fn open(db: &dyn Db) -> Store {
    Store::open_location(&db.location()).unwrap()
}

fn list(dataset: &str, published: &str, hash: &str, names: &[&str]) -> ParsedList {
    let mut list = ParsedList::new(dataset, "un_xml");
    list.meta.published = Some(published.to_string());
    list.sources.push(SourceFile { name: "f.xml".into(), sha256: hash.into(), size: 1 });
    for (i, n) in names.iter().enumerate() {
        let mut e = Entity::new(dataset, &format!("R{i}"), Schema::Person);
        e.add_name(Name::new(*n, NameKind::Primary));
        list.entities.push(e);
    }
    list
}

fn check(store: &Store, expect_current: &[(&str, &str)], expect_versions: usize) {
    let current: Vec<(String, String)> = store
        .current_versions()
        .unwrap()
        .into_iter()
        .map(|v| (v.dataset, v.published.unwrap_or_default()))
        .collect();
    let expect: Vec<(String, String)> =
        expect_current.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(current, expect);
    assert_eq!(store.versions().unwrap().len(), expect_versions);
}

fn newer_versions_become_current_and_history_is_kept(db: &dyn Db) {
    let store = open(db);
    let a = store.import(&list("un_sc_sanctions", "2026-01-28", "h1", &["A", "B"])).unwrap();
    assert_eq!(a.status, ImportStatus::Current);
    let b = store.import(&list("un_sc_sanctions", "2026-02-27", "h2", &["A", "B", "C"])).unwrap();
    assert_eq!(b.status, ImportStatus::Current);
    // An older file imported later is kept as history, not made current.
    let c = store.import(&list("un_sc_sanctions", "2018-10-29", "h3", &["Z"])).unwrap();
    assert_eq!(c.status, ImportStatus::Historical);
    // The same files again change nothing.
    let d = store.import(&list("un_sc_sanctions", "2026-02-27", "h2", &["A", "B", "C"])).unwrap();
    assert_eq!(d.status, ImportStatus::Unchanged);
    assert_eq!(d.version.id, b.version.id);
    store.import(&list("us_ofac_sdn", "2024-05-03", "h4", &["X"])).unwrap();
    // A list that repeats a record id keeps its last statement.
    let mut dup = list("eu_fsf", "2025-01-01", "h5", &["First", "Second"]);
    dup.entities[1].record_id = "R0".into();
    let e = store.import(&dup).unwrap();
    check(
        &store,
        &[("eu_fsf", "2025-01-01"), ("un_sc_sanctions", "2026-02-27"), ("us_ofac_sdn", "2024-05-03")],
        5,
    );
    assert_eq!(store.current_entities().unwrap().len(), 5);
    assert_eq!(store.version_entities(a.version.id).unwrap().len(), 2);
    let captions: Vec<String> =
        store.version_entities(b.version.id).unwrap().iter().map(|e| e.caption().to_string()).collect();
    assert_eq!(captions, ["A", "B", "C"]);
    assert_eq!(store.version_entities(e.version.id).unwrap()[0].caption(), "Second");
    assert_eq!(b.version.counts.persons, 3);
    assert_eq!(store.diagnostics(a.version.id).unwrap(), vec![]);
    assert!(matches!(store.diagnostics(9999), Err(Error::Internal(InternalError::Missing { .. }))));
}

fn reopening_keeps_everything(db: &dyn Db) {
    let imported = {
        let store = open(db);
        store.import(&list("un_sc_sanctions", "2026-02-27", "h1", &["A"])).unwrap().version
    };
    let store = open(db);
    check(&store, &[("un_sc_sanctions", "2026-02-27")], 1);
    assert_eq!(store.versions().unwrap()[0], imported);
    assert_eq!(store.current_entities().unwrap()[0].caption(), "A");
}

fn a_store_from_a_newer_ward_is_refused(db: &dyn Db) {
    open(db).backend.execute(db.too_new_sql()).unwrap();
    let err = Store::open_location(&db.location()).unwrap_err();
    assert!(matches!(err, Error::User(UserError::TooNew { found: 999, .. })), "{err}");
    assert!(err.to_string().contains("upgrade Ward"), "{err}");
}

fn a_failed_import_leaves_the_last_good_version(db: &dyn Db) {
    let store = open(db);
    store.import(&list("un_sc_sanctions", "2026-01-28", "h1", &["A"])).unwrap();
    // Make the next insert of entities fail half-way: a trigger rejects the second record.
    store.backend.execute(db.sabotage_sql()).unwrap();
    let err = store.import(&list("un_sc_sanctions", "2026-02-27", "h2", &["A", "B"])).unwrap_err();
    assert!(err.to_string().contains("boom"), "{err}");
    check(&store, &[("un_sc_sanctions", "2026-01-28")], 1);
    assert_eq!(store.current_entities().unwrap().len(), 1);
    // The handle is still usable, and so is the store after reopening.
    store.import(&list("us_ofac_sdn", "2024-05-03", "h3", &["X"])).unwrap();
    check(&open(db), &[("un_sc_sanctions", "2026-01-28"), ("us_ofac_sdn", "2024-05-03")], 2);
}

fn replicas_starting_at_once_migrate_once(db: &dyn Db) {
    let location = db.location();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(|| Store::open_location(&location))).collect();
        for handle in handles {
            handle.join().unwrap().unwrap();
        }
    });
    let store = open(db);
    store.import(&list("un_sc_sanctions", "2026-01-28", "h1", &["A"])).unwrap();
    check(&store, &[("un_sc_sanctions", "2026-01-28")], 1);
}

/// Snapshots read through one handle while another handle (another connection, as a CLI import
/// or a second replica) imports: each holds the current versions and their entities as of one
/// moment, so a version's record count is the number of entities read with it.
fn snapshots_read_during_imports_are_whole(db: &dyn Db) {
    const IMPORTS: usize = 40;
    const SMALL: usize = 50;
    const LARGE: usize = 100;
    let names = |n: usize| (0..n).map(|i| format!("Name {i}")).collect::<Vec<_>>();
    let as_str = |names: &[String]| -> ParsedList {
        list("alternating", "2026-01-01", "", &names.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let mut small = as_str(&names(SMALL));
    small.sources[0].sha256 = "small".into();
    let mut large = as_str(&names(LARGE));
    large.sources[0].sha256 = "large".into();
    let importer = open(db);
    let reader = open(db);
    importer.import(&small).unwrap();
    // Every other import removes half the records.
    let policy = ImportPolicy { allow_shrink: true, ..ImportPolicy::default() };
    let importing = std::sync::atomic::AtomicBool::new(true);
    let (mut snapshots, mut mixed) = (0, Vec::new());
    std::thread::scope(|s| {
        s.spawn(|| {
            for i in 0..IMPORTS {
                importer.import_with(if i % 2 == 0 { &large } else { &small }, &policy).unwrap();
            }
            importing.store(false, std::sync::atomic::Ordering::Release);
        });
        while importing.load(std::sync::atomic::Ordering::Acquire) {
            let lists = reader.current_lists().unwrap();
            let [version] = lists.versions.as_slice() else { panic!("one current version expected") };
            snapshots += 1;
            if version.counts.entities != lists.entities.len() as u64 {
                mixed.push((version.number, version.counts.entities, lists.entities.len()));
            }
        }
    });
    assert!(snapshots > 0);
    assert!(mixed.is_empty(), "{} of {snapshots} snapshots mixed two versions: {mixed:?}", mixed.len());
}

/// An import holds its connection while the list is read and staged; reads on the same handle
/// take another connection from the pool instead of waiting for it.
fn reads_go_on_during_an_import_on_the_same_handle(db: &dyn Db) {
    let store = open(db);
    store.import(&list("un_sc_sanctions", "2026-01-01", "h1", &["Anna"])).unwrap();
    let mut next = list("un_sc_sanctions", "2026-01-02", "h2", &["Anna", "Boris"]);
    let mut seen_during_import = Vec::new();
    let outcome = store
        .import_streaming(&ImportPolicy::default(), |sink| {
            for entity in std::mem::take(&mut next.entities) {
                sink(entity);
                seen_during_import.push(store.current_versions().map_err(|e| e.to_string())?.len());
            }
            Ok::<_, String>(next)
        })
        .unwrap();
    assert_eq!(seen_during_import, [1, 1]);
    assert_eq!((outcome.status, outcome.version.counts.entities), (ImportStatus::Current, 2));
}

/// A delta is applied to the current version inside the import, giving the complete next one.
fn deltas_add_modify_and_remove(db: &dyn Db) {
    let store = open(db);
    store.import(&list("opensanctions", "2024-05-27", "base", &["Anna", "Boris", "Chen"])).unwrap();
    let mut delta = list("opensanctions", "2024-05-28", "delta", &["Boris Ivanov", "Dmitri"]);
    delta.meta.delta = true;
    delta.meta.removed = vec!["R2".into()];
    delta.entities[0].record_id = "R1".into();
    delta.entities[1].record_id = "R3".into();
    // Removing one of three records is a third: the delta is refused like a full list would be.
    assert!(matches!(store.import(&delta), Err(Error::User(UserError::Shrink { removed: 1, .. }))));
    let policy = ImportPolicy { allow_shrink: true, ..ImportPolicy::default() };
    let applied = store.import_with(&delta, &policy).unwrap();
    assert_eq!((applied.status, applied.version.counts.entities), (ImportStatus::Current, 3));
    let got: Vec<(String, String)> = store
        .current_entities()
        .unwrap()
        .iter()
        .map(|e| (e.record_id.clone(), e.caption().to_string()))
        .collect();
    let expect = [("R0", "Anna"), ("R1", "Boris Ivanov"), ("R3", "Dmitri")];
    assert_eq!(got, expect.map(|(a, b)| (a.to_string(), b.to_string())));
}

fn guarded_imports_and_rollback(db: &dyn Db) {
    let store = open(db);
    let names: Vec<String> = (0..20).map(|i| format!("Name {i}")).collect();
    let all: Vec<&str> = names.iter().map(String::as_str).collect();
    let good = store.import(&list("us_ofac_sdn", "2024-05-03", "good", &all)).unwrap();
    assert_eq!((good.status, good.version.number), (ImportStatus::Current, 1));
    // A file cut at half the records is refused and names what it would remove.
    let err = store.import(&list("us_ofac_sdn", "2024-05-03", "cut", &all[..10])).unwrap_err();
    assert!(matches!(err, Error::User(UserError::Shrink { removed: 10, current_records: 20, .. })), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("remove 10 of the 20 records of version 1") && text.contains("--allow-shrink"),
        "{text}"
    );
    assert!(text.contains("R10 (Name 10)"), "{text}");
    // So is an empty one, even with no current version.
    let err = store.import(&list("un_sc_sanctions", "2026-01-28", "empty", &[])).unwrap_err();
    assert!(matches!(err, Error::User(UserError::EmptyList { current: None, .. })), "{err}");
    assert!(err.is_user_error());
    check(&store, &[("us_ofac_sdn", "2024-05-03")], 1);
    // Removing up to the share allowed passes (2 of 20 is 10%).
    let small = store.import(&list("us_ofac_sdn", "2024-05-04", "minus2", &all[..18])).unwrap();
    assert_eq!((small.status, small.removed, small.version.number), (ImportStatus::Current, 2, 2));
    // Forced, the cut file becomes current, and the version says so.
    let policy = ImportPolicy { allow_shrink: true, ..ImportPolicy::default() };
    let forced = store.import_with(&list("us_ofac_sdn", "2024-05-04", "cut", &all[..10]), &policy).unwrap();
    assert_eq!((forced.status, forced.removed, forced.version.number), (ImportStatus::Current, 8, 3));
    assert!(forced.version.note.as_deref().unwrap_or("").contains("allow_shrink"), "{:?}", forced.version);
    // Rollback makes the previous content current again as a new version pointing at it.
    let back = store.rollback("us_ofac_sdn", None).unwrap();
    assert_eq!(
        (back.status, back.version.number, back.version.restores),
        (ImportStatus::Restored, 4, Some(2))
    );
    assert_eq!(store.current_entities().unwrap().len(), 18);
    assert_eq!(store.version_entities(back.version.id).unwrap().len(), 18);
    let to_first = store.rollback("us_ofac_sdn", Some(1)).unwrap();
    assert_eq!((to_first.version.number, to_first.version.restores), (5, Some(1)));
    assert_eq!(store.current_entities().unwrap().len(), 20);
    assert!(matches!(
        store.rollback("us_ofac_sdn", Some(1)),
        Err(Error::User(UserError::AlreadyCurrent { .. }))
    ));
    assert!(matches!(store.rollback("us_ofac_sdn", Some(99)), Err(Error::User(UserError::NoVersion { .. }))));
    assert!(matches!(store.rollback("eu_fsf", None), Err(Error::User(UserError::NoList { .. }))));
    // Re-importing the files of an earlier version makes it current again, guarded.
    let again = store.import(&list("us_ofac_sdn", "2024-05-04", "minus2", &all[..18])).unwrap();
    assert_eq!((again.status, again.version.restores), (ImportStatus::Restored, Some(2)));
    assert_eq!(store.current_entities().unwrap().len(), 18);
    // The same files once more change nothing; an older publication stays history.
    let same = store.import(&list("us_ofac_sdn", "2024-05-04", "minus2", &all[..18])).unwrap();
    assert_eq!(same.status, ImportStatus::Unchanged);
    let numbers: Vec<i64> = store.dataset_versions("us_ofac_sdn").unwrap().iter().map(|v| v.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
}

/// `Store::diff` names versions by number, defaults to the current one against the one before,
/// and compares a rollback by the content it makes current.
fn diffs_between_versions_and_rollbacks(db: &dyn Db) {
    let store = open(db);
    let diff_counts = |from: Option<i64>, to: Option<i64>| {
        let diff = store.diff("us_ofac_sdn", from, to).unwrap();
        let counts = diff.counts;
        (diff.from.number, diff.to.number, counts.added, counts.removed, counts.amended, counts.unchanged)
    };
    store.import(&list("us_ofac_sdn", "2024-05-02", "v1", &["Anna", "Boris", "Chen"])).unwrap();
    assert!(matches!(
        store.diff("us_ofac_sdn", None, None),
        Err(Error::User(UserError::NoEarlierVersion { number: 1, .. }))
    ));
    // R1 renamed, R2 gone (a third of the list: allowed); then R4 and R3 new.
    let policy = ImportPolicy { allow_shrink: true, ..ImportPolicy::default() };
    store.import_with(&list("us_ofac_sdn", "2024-05-03", "v2", &["Anna", "Boris Ivanov"]), &policy).unwrap();
    let mut third = list("us_ofac_sdn", "2024-05-04", "v3", &["Anna", "Boris Ivanov", "Chen", "Dmitri"]);
    third.entities[2].record_id = "R4".into();
    third.entities[2].id = "us_ofac_sdn:R4".into();
    store.import(&third).unwrap();
    assert_eq!(diff_counts(Some(1), Some(2)), (1, 2, 0, 1, 1, 1));
    let diff = store.diff("us_ofac_sdn", Some(1), Some(2)).unwrap();
    assert_eq!(diff.report.removed[0].caption, "Chen");
    let change = &diff.report.amended[0].changes[0];
    assert_eq!(
        (change.removed.as_slice(), change.added.as_slice()),
        (&["Boris".to_string()][..], &["Boris Ivanov".to_string()][..])
    );
    // The default: the current version (3) against the one before (2).
    assert_eq!(diff_counts(None, None), (2, 3, 2, 0, 0, 2));
    assert_eq!(diff_counts(None, Some(2)), (1, 2, 0, 1, 1, 1));
    // A rollback to version 1 is version 4, holding version 1's records.
    store.rollback("us_ofac_sdn", Some(1)).unwrap();
    assert_eq!(diff_counts(None, None), (3, 4, 1, 2, 1, 1));
    assert_eq!(diff_counts(Some(1), Some(4)), (1, 4, 0, 0, 0, 3));
    assert!(matches!(
        store.diff("us_ofac_sdn", Some(9), None),
        Err(Error::User(UserError::NoVersion { number: 9, .. }))
    ));
    assert!(matches!(store.diff("eu_fsf", None, None), Err(Error::User(UserError::NoList { .. }))));
}

fn a_v1_store_upgrades_cleanly(db: &dyn Db) {
    // Schema version 1 is what the previous Ward wrote: list versions and entities only.
    let old = {
        let store = Store::open_at(&db.location(), 1).unwrap();
        assert!(store.backend.execute("SELECT * FROM audit").is_err(), "v1 has no audit table");
        // Rows as a v1 Ward wrote them.
        let counts =
            serde_json::to_string(&ListCounts { entities: 2, persons: 2, ..ListCounts::default() }).unwrap();
        let entity = |id: &str, name: &str| {
            let mut e = Entity::new("un_sc_sanctions", id, Schema::Person);
            e.add_name(Name::new(name, NameKind::Primary));
            serde_json::to_string(&e).unwrap().replace('\'', "''")
        };
        store
            .backend
            .execute(&format!(
                "INSERT INTO list_versions (dataset, format, imported_at, published, sources, counts, diagnostics, content_hash, current)
                 VALUES ('un_sc_sanctions', 'un_xml', '2026-01-29T00:00:00.000Z', '2026-01-28', '[]', '{counts}', '[]', 'h1', TRUE);
                 INSERT INTO entities (version_id, record_id, schema, caption, data) VALUES
                 (1, 'R0', 'Person', 'A', '{}'), (1, 'R1', 'Person', 'B', '{}');",
                entity("R0", "A"),
                entity("R1", "B")
            ))
            .unwrap();
        1i64
    };
    let store = open(db);
    let upgraded = store.versions().unwrap();
    assert_eq!(upgraded.len(), 1);
    assert_eq!((upgraded[0].id, upgraded[0].number, upgraded[0].current), (old, 1, true));
    assert_eq!(store.version_entities(old).unwrap().len(), 2);
    let policy = ImportPolicy { allow_shrink: true, ..ImportPolicy::default() };
    let b = store.import_with(&list("un_sc_sanctions", "2026-02-27", "h2", &["C"]), &policy).unwrap();
    assert_eq!(b.status, ImportStatus::Current);
    assert_eq!(b.version.number, 2);
    // The new tables work.
    let log = store.audit_log().unwrap();
    log.submit(record("r1", "2026-03-01T10:00:00Z", &["A"], None, true)).wait().unwrap();
    log.shutdown().unwrap();
    assert_eq!(store.audit(&AuditFilter::default()).unwrap().len(), 1);
    let (_, secret) = store.create_key("ci", &[Scope::Screen]).unwrap();
    assert!(store.verify_key(&secret).unwrap().is_some());
}

fn record(request_id: &str, time: &str, names: &[&str], key_id: Option<&str>, matched: bool) -> AuditRecord {
    AuditRecord {
        request_id: request_id.to_string(),
        key_id: key_id.map(String::from),
        time: time.to_string(),
        source: "http /match/default".to_string(),
        dataset: "default".to_string(),
        query: serde_json::json!({ "schema": "Person", "properties": { "name": names } }),
        query_names: names.iter().map(|n| n.to_string()).collect(),
        list_versions: vec![1, 7],
        results: serde_json::json!([{ "id": "un_sc_sanctions:R0", "score": 0.93, "match": matched }]),
        top_score: if matched { 0.93 } else { 0.41 },
        matched,
    }
}

fn audit_group_commit_completes_every_ticket(db: &dyn Db) {
    let store = open(db);
    let log = Arc::new(store.audit_log().unwrap());
    let mut expect = HashSet::new();
    std::thread::scope(|s| {
        // Eight threads that each wait for their ticket, as request handlers do...
        for t in 0..8 {
            let log = log.clone();
            s.spawn(move || {
                for i in 0..100 {
                    log.submit(record(&format!("w{t}-{i}"), "", &["Name"], None, false)).wait().unwrap();
                }
            });
        }
        // ...and one that queues many before waiting, so batches fill up.
        let log = log.clone();
        s.spawn(move || {
            let tickets: Vec<AuditTicket> =
                (0..1500).map(|i| log.submit(record(&format!("b{i}"), "", &["Name"], None, false))).collect();
            for ticket in tickets {
                ticket.wait().unwrap();
            }
        });
    });
    for t in 0..8 {
        expect.extend((0..100).map(|i| format!("w{t}-{i}")));
    }
    expect.extend((0..1500).map(|i| format!("b{i}")));
    let found: HashSet<String> =
        store.audit(&AuditFilter::default()).unwrap().into_iter().map(|r| r.request_id).collect();
    assert_eq!(found, expect);
    // The async wait, polled by hand: no runtime needed.
    let ticket = log.submit(record("async", "", &["Name"], None, false));
    block_on(ticket.wait_async()).unwrap();
    // A bad time reaches the waiter.
    let err = log.submit(record("bad", "yesterday", &["Name"], None, false)).wait().unwrap_err();
    assert!(err.to_string().contains("not a time"), "{err}");
}

/// Polls a future to completion on this thread.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Arc::new(Unpark(std::thread::current())).into();
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

fn audit_shutdown_flushes_the_queue(db: &dyn Db) {
    let store = open(db);
    let log = store.audit_log().unwrap();
    let tickets: Vec<AuditTicket> =
        (0..300).map(|i| log.submit(record(&format!("q{i}"), "", &["N"], None, false))).collect();
    log.shutdown().unwrap();
    for ticket in tickets {
        ticket.wait().unwrap();
    }
    assert_eq!(store.audit(&AuditFilter::default()).unwrap().len(), 300);
}

/// `submit_all` writes its records in one transaction: all of them, or (one bad) none.
fn audit_batches_commit_whole(db: &dyn Db) {
    let store = open(db);
    let log = store.audit_log().unwrap();
    let batch: Vec<AuditRecord> = (0..3).map(|i| record(&format!("a{i}"), "", &["N"], None, false)).collect();
    log.submit_all(batch).wait().unwrap();
    let spoiled = vec![record("s0", "", &["N"], None, false), record("s1", "yesterday", &["N"], None, false)];
    let err = log.submit_all(spoiled).wait().unwrap_err();
    assert!(err.to_string().contains("not a time"), "{err}");
    log.shutdown().unwrap();
    let mut found: Vec<String> =
        store.audit(&AuditFilter::default()).unwrap().into_iter().map(|r| r.request_id).collect();
    found.sort();
    assert_eq!(found, ["a0", "a1", "a2"]);
}

fn audit_filters(db: &dyn Db) {
    let store = open(db);
    let log = store.audit_log().unwrap();
    let r1 = record("r1", "2026-03-01T10:00:00Z", &["Vladimir PUTIN"], Some("k1"), true);
    let r2 = record("r2", "2026-03-02T10:00:00.5Z", &["Kim Jong Un", "KIM Jong-un"], Some("k2"), false);
    // 23:59:59.9991 at +02:00 is 21:59:59.999 UTC on the 3rd, once cut to milliseconds.
    let r3 = record("r3", "2026-03-03T23:59:59.9991+02:00", &["Ali Hassan", "Ëlşa Ünal"], None, true);
    for r in [&r1, &r2, &r3] {
        log.submit(r.clone()).wait().unwrap();
    }
    let check_audit = |filter: AuditFilter, expect: &[&str]| {
        let found: Vec<String> = store.audit(&filter).unwrap().into_iter().map(|r| r.request_id).collect();
        assert_eq!(found, expect, "{filter:?}");
    };
    check_audit(AuditFilter::default(), &["r3", "r2", "r1"]);
    check_audit(AuditFilter { name: Some("putin".into()), ..Default::default() }, &["r1"]);
    check_audit(AuditFilter { name: Some("JONG-UN".into()), ..Default::default() }, &["r2"]);
    check_audit(AuditFilter { name: Some("ëlşa ü".into()), ..Default::default() }, &["r3"]);
    check_audit(AuditFilter { name: Some("nobody".into()), ..Default::default() }, &[]);
    check_audit(AuditFilter { from: Some("2026-03-02".into()), ..Default::default() }, &["r3", "r2"]);
    check_audit(AuditFilter { to: Some("2026-03-02".into()), ..Default::default() }, &["r2", "r1"]);
    check_audit(
        AuditFilter {
            from: Some("2026-03-01T10:00:00Z".into()),
            to: Some("2026-03-02T10:00:00.500Z".into()),
            ..Default::default()
        },
        &["r2", "r1"],
    );
    check_audit(
        AuditFilter { to: Some("2026-03-03T21:59:59.998Z".into()), limit: Some(1), ..Default::default() },
        &["r2"],
    );
    check_audit(AuditFilter { key_id: Some("k1".into()), ..Default::default() }, &["r1"]);
    check_audit(AuditFilter { request_id: Some("r2".into()), ..Default::default() }, &["r2"]);
    check_audit(AuditFilter { matched_only: true, ..Default::default() }, &["r3", "r1"]);
    check_audit(
        AuditFilter { matched_only: true, name: Some("a".into()), limit: Some(1), ..Default::default() },
        &["r3"],
    );
    // Records come back as written, times in UTC.
    let found = store.audit(&AuditFilter::default()).unwrap();
    assert_eq!(found[2], AuditRecord { time: "2026-03-01T10:00:00.000Z".into(), ..r1 });
    assert_eq!(found[1].time, "2026-03-02T10:00:00.500Z");
    assert_eq!(found[0], AuditRecord { time: "2026-03-03T21:59:59.999Z".into(), ..r3 });
    let err = store.audit(&AuditFilter { from: Some("March".into()), ..Default::default() }).unwrap_err();
    assert!(matches!(err, Error::User(UserError::BadTime { .. })), "{err}");
}

fn api_keys(db: &dyn Db) {
    let store = open(db);
    let (admin, admin_secret) = store.create_key("ops", &[Scope::Admin]).unwrap();
    let (screen, screen_secret) = store.create_key("crm", &[Scope::Screen, Scope::Screen]).unwrap();
    for secret in [&admin_secret, &screen_secret] {
        assert!(secret.starts_with("ward_") && secret.len() == 37, "{secret}");
        assert!(secret[5..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{secret}");
    }
    assert_ne!(admin_secret, screen_secret);
    assert!(!admin_secret.contains(&admin.id) && admin.id.len() == 12);
    assert_eq!(screen.scopes, [Scope::Screen]);
    // Admin implies screen and review.
    let found = store.verify_key(&admin_secret).unwrap().unwrap();
    assert_eq!(found, admin);
    assert!(found.allows(Scope::Admin) && found.allows(Scope::Screen) && found.allows(Scope::Review));
    let found = store.verify_key(&screen_secret).unwrap().unwrap();
    assert!(found.allows(Scope::Screen) && !found.allows(Scope::Admin) && !found.allows(Scope::Review));
    assert_eq!(Scope::parse("review"), Some(Scope::Review));
    assert_eq!(store.verify_key("ward_notakey").unwrap(), None);
    assert_eq!(store.verify_key("").unwrap(), None);
    assert_eq!(store.list_keys().unwrap().len(), 2);
    // Only a hash is stored.
    assert!(store
        .backend
        .execute(&format!("SELECT 1 FROM api_keys WHERE key_hash = '{}'", keys::hash(&admin_secret)))
        .is_ok());
    let stored = serde_json::to_string(&store.list_keys().unwrap()).unwrap();
    assert!(!stored.contains(&admin_secret[5..]));
    // Revoking.
    let revoked = store.revoke_key(&screen.id).unwrap();
    let at = revoked.revoked_at.clone().unwrap();
    assert!(!revoked.allows(Scope::Screen));
    assert_eq!(store.verify_key(&screen_secret).unwrap(), None);
    assert_eq!(store.revoke_key(&screen.id).unwrap().revoked_at, Some(at));
    assert!(store.verify_key(&admin_secret).unwrap().is_some());
    let listed: Vec<(String, bool)> =
        store.list_keys().unwrap().into_iter().map(|k| (k.name, k.revoked_at.is_some())).collect();
    assert_eq!(listed, [("ops".to_string(), false), ("crm".to_string(), true)]);
    assert!(matches!(store.revoke_key("nope"), Err(Error::User(UserError::UnknownKey { .. }))));
    assert!(matches!(store.create_key("none", &[]), Err(Error::User(UserError::NoScope))));
}

fn fetch_states_keep_the_validators_of_the_last_success(db: &dyn Db) {
    let store = open(db);
    assert_eq!(store.fetch_state("un_sc_sanctions").unwrap(), None);
    let attempt = |url: &str, outcome: &str, result: FetchResult| FetchAttempt {
        source: "un_sc_sanctions".into(),
        url: url.into(),
        outcome: outcome.into(),
        result,
    };
    let success = |etag: &str| FetchResult::Success {
        etag: Some(etag.into()),
        last_modified: Some("Fri, 27 Feb 2026 10:00:00 GMT".into()),
    };
    store
        .record_fetch(&attempt("https://a.example/un.xml", "updated to version 1", success("\"v1\"")))
        .unwrap();
    let first = store.fetch_state("un_sc_sanctions").unwrap().unwrap();
    assert_eq!(first.etag.as_deref(), Some("\"v1\""));
    assert_eq!(first.last_success_at.as_deref(), Some(first.last_attempt_at.as_str()));
    assert_eq!((first.last_error_at, first.last_error), (None, None));
    // A failure keeps the URL, the validators and the last success, and says why.
    let failure = FetchResult::Failure { error: "HTTP 500".into() };
    store.record_fetch(&attempt("https://b.example/un.xml", "failed: HTTP 500", failure)).unwrap();
    let failed = store.fetch_state("un_sc_sanctions").unwrap().unwrap();
    assert_eq!(
        (failed.url.as_str(), failed.etag.as_deref(), failed.last_success_at.as_deref()),
        ("https://a.example/un.xml", Some("\"v1\""), first.last_success_at.as_deref())
    );
    assert_eq!(
        (failed.last_outcome.as_str(), failed.last_error.as_deref()),
        ("failed: HTTP 500", Some("HTTP 500"))
    );
    assert!(failed.last_error_at.is_some());
    // A skip changes only the last attempt.
    store
        .record_fetch(&attempt("https://b.example/un.xml", "skipped: no token", FetchResult::Skipped))
        .unwrap();
    let skipped = store.fetch_state("un_sc_sanctions").unwrap().unwrap();
    assert_eq!(
        (skipped.last_outcome.as_str(), skipped.etag.as_deref()),
        ("skipped: no token", Some("\"v1\""))
    );
    // A success replaces URL and validators, and a publisher that sends none clears them.
    let bare = FetchResult::Success { etag: None, last_modified: None };
    store.record_fetch(&attempt("https://b.example/un.xml", "unchanged", bare)).unwrap();
    let states = store.fetch_states().unwrap();
    let [state] = states.as_slice() else { panic!("one source expected: {states:?}") };
    assert_eq!(
        (state.url.as_str(), state.etag.as_deref(), state.last_modified.as_deref()),
        ("https://b.example/un.xml", None, None)
    );
    assert_eq!(state.last_error.as_deref(), Some("HTTP 500"));
    assert_eq!(state.last_success_at.as_deref(), Some(state.last_attempt_at.as_str()));
}

#[test]
fn locations_parse_and_hide_passwords() {
    let pg = Location::parse("postgres://ward:s3cret@db:5432/ward");
    assert_eq!(pg, Location::Postgres { url: "postgres://ward:s3cret@db:5432/ward".into(), schema: None });
    assert_eq!(pg.to_string(), "postgres://ward:***@db:5432/ward");
    assert_eq!(Location::parse("postgresql://db/ward").to_string(), "postgresql://db/ward");
    assert_eq!(Location::parse("/var/lib/ward"), Location::Sqlite { data_dir: "/var/lib/ward".into() });
    assert_eq!(redact("host=db password=s3cret user=ward"), "host=db password=*** user=ward");
    let err = Store::open_location(&Location::Postgres {
        url: DEFAULT_POSTGRES.into(),
        schema: Some("x; DROP".into()),
    })
    .unwrap_err();
    assert!(matches!(err, Error::User(UserError::BadSchemaName { .. })), "{err}");
}

#[test]
fn an_unreachable_postgres_names_the_fix() {
    // Port 1 on loopback: nothing listens there.
    let err = Store::connect("postgres://ward:s3cret@127.0.0.1:1/ward").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("check that PostgreSQL is running") && !text.contains("s3cret"), "{text}");
}

#[test]
fn the_in_memory_store_has_an_audit_log_too() {
    let store = Store::open_in_memory().unwrap();
    let log = store.audit_log().unwrap();
    log.submit(record("m1", "", &["N"], None, false)).wait().unwrap();
    assert_eq!(store.audit(&AuditFilter::default()).unwrap()[0].request_id, "m1");
}

const CRASH_CHILD: &str = "WARD_STORE_CRASH_CHILD";

/// The child of `sqlite_kill_9_loses_no_acknowledged_record`; does nothing when run as a test.
#[test]
fn sqlite_crash_child() {
    let Some(dir) = std::env::var_os(CRASH_CHILD) else { return };
    let store = Store::open(Path::new(&dir)).unwrap();
    let log = Arc::new(store.audit_log().unwrap());
    let say = |line: String| {
        // Straight to the process's stdout: the test harness captures only print! macros.
        let mut out = std::io::stdout().lock();
        writeln!(out, "{line}").unwrap();
        out.flush().unwrap();
    };
    for t in 0..4 {
        let log = log.clone();
        std::thread::spawn(move || {
            for i in 0.. {
                let id = format!("t{t}-{i}");
                log.submit(record(&id, "", &["Name"], None, false)).wait().unwrap();
                say(format!("ack {id}"));
            }
        });
    }
    for i in 0.. {
        let names: Vec<String> = (0..3000).map(|n| format!("Person {n}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let published = format!("2026-{:02}-01", 1 + i % 12);
        let outcome =
            store.import(&list("un_sc_sanctions", &published, &format!("crash{i}"), &names)).unwrap();
        say(format!("imported {}", outcome.version.id));
    }
}

#[test]
fn sqlite_kill_9_loses_no_acknowledged_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "tests::sqlite_crash_child", "--nocapture", "--test-threads=1"])
        .env(CRASH_CHILD, dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut acked, mut imported) = (Vec::new(), Vec::new());
    let read = |line: String, acked: &mut Vec<String>, imported: &mut Vec<i64>| {
        if let Some(id) = line.strip_prefix("ack ") {
            acked.push(id.to_string());
        } else if let Some(id) = line.strip_prefix("imported ") {
            imported.push(id.parse::<i64>().unwrap());
        }
    };
    let start = Instant::now();
    for line in lines.by_ref() {
        read(line.unwrap(), &mut acked, &mut imported);
        if (acked.len() >= 300 && imported.len() >= 3) || start.elapsed() > Duration::from_secs(4) {
            break;
        }
    }
    // SIGKILL: no destructor, no flush, no rollback runs in the child.
    child.kill().unwrap();
    // What it printed before it died was acknowledged too.
    for line in lines {
        read(line.unwrap(), &mut acked, &mut imported);
    }
    child.wait().unwrap();
    eprintln!("killed after {} acknowledged audit records and {} imports", acked.len(), imported.len());
    assert!(
        acked.len() >= 10 && !imported.is_empty(),
        "the child barely ran: {} acks, {} imports",
        acked.len(),
        imported.len()
    );

    let store = Store::open(dir.path()).unwrap();
    let written: HashSet<String> =
        store.audit(&AuditFilter::default()).unwrap().into_iter().map(|r| r.request_id).collect();
    let lost: Vec<&String> = acked.iter().filter(|id| !written.contains(*id)).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    let versions = store.versions().unwrap();
    let ids: HashSet<i64> = versions.iter().map(|v| v.id).collect();
    assert!(imported.iter().all(|id| ids.contains(id)), "imported {imported:?}, found {ids:?}");
    for version in &versions {
        // Visible means whole.
        assert_eq!(store.version_entities(version.id).unwrap().len() as u64, version.counts.entities);
    }
    assert_eq!(store.current_versions().unwrap().len(), 1);
    assert_eq!(store.current_entities().unwrap().len(), 3000);
}

fn alert(book: &str, customer: &str, subject: &str) -> Alert {
    Alert {
        id: 0,
        book: book.into(),
        customer_id: customer.into(),
        customer_name: format!("Customer {customer}"),
        subject_id: subject.into(),
        referents: vec![subject.into()],
        score: 0.91,
        explanations: vec!["names match".into()],
        reason: AlertReason::NewDesignation,
        status: AlertStatus::Open,
        close_reason: None,
        list_versions: vec![1],
        created_at: String::new(),
        updated_at: String::new(),
    }
}

fn books_customers_and_alerts(db: &dyn Db) {
    let store = open(db);
    let book = store.create_book("retail").unwrap();
    assert_eq!(store.create_book("retail").unwrap(), book, "creating twice keeps the first");
    assert!(book.screened_versions.is_empty() && book.full_progress.is_none());
    let wang = Customer {
        id: "c1".into(),
        name: "WANG Junzheng".into(),
        birth_date: Some("1963-05".into()),
        country: Some("CN".into()),
        kind: Some("person".into()),
        identifiers: vec![],
    };
    let chen = Customer {
        id: "c2".into(),
        name: "CHEN Mingguo".into(),
        identifiers: vec!["P123".into()],
        ..Customer::default()
    };
    store.write_customers("retail", &[wang.clone(), chen.clone()], &[]).unwrap();
    let mut renamed = chen.clone();
    renamed.name = "CHEN Ming-guo".into();
    store.write_customers("retail", &[renamed.clone()], &["c1".to_string()]).unwrap();
    let stored = store.customers("retail").unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].customer, renamed);
    assert_eq!(stored[0].fingerprint, renamed.fingerprint());
    assert_ne!(renamed.fingerprint(), chen.fingerprint());
    assert!(store.customers("other").unwrap().is_empty());

    // Raising alerts records the book's state and an outbox event each, in one transaction.
    let mut state = book.clone();
    state.screened_versions = vec![1, 2];
    state.engine = Some("threshold=0.73".into());
    let ids = store
        .commit_screening(
            &state,
            &[
                AlertChange::Raise(alert("retail", "c2", "S1")),
                AlertChange::Raise(alert("retail", "c2", "S2")),
            ],
        )
        .unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(store.book("retail").unwrap().unwrap(), state);
    // A second open alert for one customer and subject is refused, and nothing of that step is kept.
    assert!(store.commit_screening(&book, &[AlertChange::Raise(alert("retail", "c2", "S1"))]).is_err());
    assert_eq!(store.book("retail").unwrap().unwrap(), state);
    assert_eq!(store.alerts(&AlertFilter::default()).unwrap().len(), 2);

    let mut closed = store.alert(ids[0]).unwrap().unwrap();
    assert_eq!(closed.customer_name, "Customer c2");
    closed.status = AlertStatus::Closed;
    closed.close_reason = Some(CloseReason::Delisted);
    store.commit_screening(&state, &[AlertChange::Update(closed.clone())]).unwrap();
    // Once closed, the pair may alert again.
    store.commit_screening(&state, &[AlertChange::Raise(alert("retail", "c2", "S1"))]).unwrap();
    let read = store.alert(ids[0]).unwrap().unwrap();
    assert_eq!((read.status, read.close_reason), (AlertStatus::Closed, Some(CloseReason::Delisted)));
    assert_eq!(read.created_at, closed.created_at);
    let open =
        store.alerts(&AlertFilter { status: Some(AlertStatus::Open), ..AlertFilter::default() }).unwrap();
    assert_eq!(open.iter().map(|a| a.subject_id.as_str()).collect::<Vec<_>>(), ["S2", "S1"]);
    let page =
        store.alerts(&AlertFilter { after: Some(ids[0]), limit: Some(1), ..AlertFilter::default() }).unwrap();
    assert_eq!(page.iter().map(|a| a.id).collect::<Vec<_>>(), [ids[1]]);
    assert!(store
        .alerts(&AlertFilter { book: Some("other".into()), ..AlertFilter::default() })
        .unwrap()
        .is_empty());
    let missing = Alert { id: 9999, ..alert("retail", "c2", "S1") };
    assert!(store.commit_screening(&state, &[AlertChange::Update(missing)]).is_err());

    // Four committed changes, four events, in order, until delivered.
    let events = store.outbox(10).unwrap();
    let topics: Vec<&str> = events.iter().map(|e| e.topic.as_str()).collect();
    assert_eq!(topics, [TOPIC_ALERT_CREATED, TOPIC_ALERT_CREATED, TOPIC_ALERT_UPDATED, TOPIC_ALERT_CREATED]);
    assert!(events.iter().all(|e| e.key == "retail/c2"));
    let payload: serde_json::Value = serde_json::from_str(&events[2].payload).unwrap();
    assert_eq!(payload["status"], "closed");
    assert_eq!(payload["close_reason"], "delisted");
    assert_eq!(payload["reason"], "new-designation");
    store.delete_outbox(&[events[0].id, events[1].id]).unwrap();
    assert_eq!(store.outbox(10).unwrap(), events[2..]);
}

/// The list-change events in the outbox: (dataset, version id, removed).
fn list_changes(store: &Store) -> Vec<(String, i64, u64)> {
    store
        .outbox(100)
        .unwrap()
        .into_iter()
        .filter(|event| event.topic == TOPIC_LISTS_CHANGED)
        .map(|event| {
            let payload: serde_json::Value = serde_json::from_str(&event.payload).unwrap();
            assert_eq!(payload["dataset"].as_str(), Some(event.key.as_str()));
            (event.key, payload["version_id"].as_i64().unwrap(), payload["removed"].as_u64().unwrap())
        })
        .collect()
}

/// A version that becomes current and its `ward.lists.changed` event are one transaction: no
/// event for a version that is not current, and no current version when its event cannot be
/// written.
fn a_list_change_event_is_committed_with_its_version(db: &dyn Db) {
    let store = open(db);
    let first = store.import(&list("un_sc_sanctions", "2026-01-28", "h1", &["A", "B"])).unwrap();
    assert_eq!(list_changes(&store), [("un_sc_sanctions".to_string(), first.version.id, 0)]);
    // Files imported before, and a version published earlier than the current one: no event.
    assert_eq!(
        store.import(&list("un_sc_sanctions", "2026-01-28", "h1", &["A", "B"])).unwrap().status,
        ImportStatus::Unchanged
    );
    let older = store.import(&list("un_sc_sanctions", "2025-12-01", "h0", &["A"])).unwrap();
    assert_eq!(older.status, ImportStatus::Historical);
    assert_eq!(list_changes(&store).len(), 1);
    let second = store.import(&list("un_sc_sanctions", "2026-02-27", "h2", &["A", "B", "C"])).unwrap();
    // Back to the newest other content: the older file's.
    let rolled = store.rollback("un_sc_sanctions", None).unwrap();
    assert_eq!(rolled.version.restores, Some(older.version.number));
    assert_eq!(
        list_changes(&store),
        [
            ("un_sc_sanctions".to_string(), first.version.id, 0),
            ("un_sc_sanctions".to_string(), second.version.id, 0),
            ("un_sc_sanctions".to_string(), rolled.version.id, 2),
        ]
    );
    let last = store.outbox(100).unwrap().pop().unwrap();
    let payload: serde_json::Value = serde_json::from_str(&last.payload).unwrap();
    assert_eq!(payload["restores"].as_i64(), Some(older.version.number));
    // The event cannot be written: the version does not become current either.
    store.backend.execute(db.refuse_outbox_sql()).unwrap();
    let err = store.import(&list("un_sc_sanctions", "2026-03-30", "h3", &["A", "B", "D"])).unwrap_err();
    assert!(err.to_string().contains("outbox refused"), "{err}");
    let current = store.current_versions().unwrap();
    assert_eq!(current.iter().map(|v| v.id).collect::<Vec<_>>(), [rolled.version.id]);
    assert_eq!(store.dataset_versions("un_sc_sanctions").unwrap().len(), 4);
}

/// Linked subjects are kept for the version sets books were last screened against, and only
/// for those and the set saved last.
fn link_partitions_are_kept_for_screened_books(db: &dyn Db) {
    let store = open(db);
    store.create_book("retail").unwrap();
    assert_eq!(store.link_partition(&[1, 2]).unwrap(), None);
    store.save_link_partition(&[1, 2], "[\"first\"]").unwrap();
    store.save_link_partition(&[1, 2], "[\"again\"]").unwrap();
    assert_eq!(store.link_partition(&[1, 2]).unwrap().as_deref(), Some("[\"first\"]"));
    let mut book = store.book("retail").unwrap().unwrap();
    book.screened_versions = vec![1, 2];
    store.commit_screening(&book, &[]).unwrap();
    store.save_link_partition(&[1, 3], "[\"second\"]").unwrap();
    assert!(store.link_partition(&[1, 2]).unwrap().is_some(), "the book was screened against it");
    book.screened_versions = vec![1, 3];
    store.commit_screening(&book, &[]).unwrap();
    store.save_link_partition(&[4, 5], "[\"third\"]").unwrap();
    assert_eq!(store.link_partition(&[1, 2]).unwrap(), None, "no book was screened against it");
    assert!(store.link_partition(&[1, 3]).unwrap().is_some());
    assert!(store.link_partition(&[4, 5]).unwrap().is_some());
}

mod desk;
mod payment_holds;
mod review;
fn ownership_versions_keep_edges_and_ties(db: &dyn Db) {
    use ward_ownership::tie::{PartyRecord, PartyTie, TieMethod};
    use ward_ownership::{Edge, EdgeKind, Stake};
    let store = open(db);
    assert_eq!(store.ownership(None).unwrap(), None);
    let edge = |owner: &str, owned: &str, stake: &str| Edge {
        owner: owner.into(),
        owned: owned.into(),
        kind: EdgeKind::Ownership { stake: Stake::parse(stake).unwrap(), joint_arrangement: None },
        start: ward_model::PartialDate::parse_iso("2020-01"),
        end: None,
        source: "registry".into(),
    };
    let edges = vec![edge("Wang Junzheng", "GB-HOLD-1", "60"), edge("GB-HOLD-1", "GB-OPCO-2", "25-50")];
    let party = |key: &str, tie: Option<PartyTie>| PartyRecord {
        key: key.into(),
        name: Some(format!("{key} Ltd")),
        other_keys: Vec::new(),
        tie,
    };
    let matched =
        PartyTie { referent: "us_ofac_sdn:31492".into(), method: TieMethod::Matcher, score: Some(0.93) };
    let parties =
        vec![party("GB-HOLD-1", None), party("GB-OPCO-2", None), party("Wang Junzheng", Some(matched))];
    let (first, status) = store.import_ownership("edges.csv", &edges, &parties).unwrap();
    assert_eq!(status, OwnershipImportStatus::Current);
    assert_eq!((first.n_edges, first.n_parties, first.origin.as_str()), (2, 3, "edges.csv"));
    let (again, status) = store.import_ownership("edges.csv", &edges, &parties).unwrap();
    assert_eq!((again.id, status), (first.id, OwnershipImportStatus::Unchanged));
    let stored = store.ownership(None).unwrap().unwrap();
    assert_eq!(
        (stored.version, stored.edges, stored.parties),
        (first.clone(), edges.clone(), parties.clone())
    );

    // A divestment is a new version; the first stays readable.
    let (second, status) = store.import_ownership("edges-2.csv", &edges[1..], &parties[..2]).unwrap();
    assert_eq!(status, OwnershipImportStatus::Current);
    assert!(second.id > first.id);
    assert_eq!(store.ownership(None).unwrap().unwrap().edges, edges[1..].to_vec());
    assert_eq!(store.ownership(Some(first.id)).unwrap().unwrap().edges, edges);
    assert_eq!(store.ownership_versions().unwrap().len(), 2);
    assert_eq!(store.ownership(Some(second.id + 1)).unwrap(), None);
}
