//! Store tests: versions, current selection, atomicity, re-opening, schema versions.

use super::*;
use ward_model::{Name, NameKind, Schema, SourceFile};

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

#[test]
fn newer_versions_become_current_and_history_is_kept() {
    let mut store = Store::open_in_memory().unwrap();
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
    check(&store, &[("un_sc_sanctions", "2026-02-27"), ("us_ofac_sdn", "2024-05-03")], 4);
    assert_eq!(store.current_entities().unwrap().len(), 4);
    assert_eq!(store.version_entities(a.version.id).unwrap().len(), 2);
    assert_eq!(b.version.counts.persons, 3);
}

#[test]
fn reopening_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(dir.path()).unwrap();
        store.import(&list("un_sc_sanctions", "2026-02-27", "h1", &["A"])).unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    check(&store, &[("un_sc_sanctions", "2026-02-27")], 1);
    assert_eq!(store.current_entities().unwrap()[0].caption(), "A");
}

#[test]
fn a_store_from_a_newer_ward_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = Connection::open(dir.path().join(DB_FILE)).unwrap();
        conn.execute_batch("PRAGMA user_version = 999").unwrap();
    }
    let err = Store::open(dir.path()).unwrap_err();
    assert!(err.to_string().contains("upgrade Ward"), "{err}");
}

#[test]
fn a_failed_import_leaves_the_last_good_version() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    store.import(&list("un_sc_sanctions", "2026-01-28", "h1", &["A"])).unwrap();
    // Make the next insert of entities fail half-way: a trigger rejects the second record.
    store
        .conn
        .execute_batch("CREATE TRIGGER boom BEFORE INSERT ON entities WHEN NEW.record_id = 'R1' BEGIN SELECT RAISE(ABORT, 'boom'); END;")
        .unwrap();
    assert!(store.import(&list("un_sc_sanctions", "2026-02-27", "h2", &["A", "B"])).is_err());
    check(&store, &[("un_sc_sanctions", "2026-01-28")], 1);
    assert_eq!(store.current_entities().unwrap().len(), 1);
}
