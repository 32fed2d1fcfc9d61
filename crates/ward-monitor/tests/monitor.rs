//! Monitoring tests: alert life cycles, the delta re-screen against a full re-screen on random
//! books and list changes, and the seed case (OFAC SDN 2019-01 -> 2021-07) on `SQLite` and
//! `PostgreSQL`.

use proptest::prelude::*;
use std::io::Write as _;
use std::path::PathBuf;
use ward_model::{DateSpec, Entity, Name, NameKind, ParsedList, Schema, SourceFile};
use ward_monitor::{Lists, Monitor, MonitorConfig, Summary};
use ward_store::{
    Actor, Alert, AlertEventKind, AlertFilter, AlertReason, AlertStatus, CloseReason, Customer, DecisionKind,
    DecisionReason, DecisionRequest, DecisionStatus, ImportPolicy, Location, Role, Store, SuppressionRequest,
    SuppressionStatus,
};

const SDN: &str = "us_ofac_sdn";
const UN: &str = "un_sc_sanctions";

fn person(dataset: &str, record: &str, names: &[&str], born: Option<&str>) -> Entity {
    let mut entity = Entity::new(dataset, record, Schema::Person);
    for (i, name) in names.iter().enumerate() {
        entity.add_name(Name::new(*name, if i == 0 { NameKind::Primary } else { NameKind::Alias }));
    }
    if let Some(born) = born {
        entity.birth_dates.push(DateSpec::parse(born).unwrap());
    }
    entity
}

/// Imports `entities` as the version of `dataset` published on `published`.
fn import(store: &Store, dataset: &str, published: &str, entities: Vec<Entity>) {
    let mut list = ParsedList::new(dataset, "un_xml");
    list.meta.published = Some(published.to_string());
    let hash = format!("{dataset}-{published}-{}", entities.len());
    list.sources.push(SourceFile { name: "list.xml".into(), sha256: hash, size: 1 });
    list.entities = entities;
    let policy = ImportPolicy { allow_shrink: true, ..ImportPolicy::default() };
    store.import_with(&list, &policy).unwrap();
}

fn customer(id: &str, name: &str, born: Option<&str>) -> Customer {
    Customer { id: id.into(), name: name.into(), birth_date: born.map(String::from), ..Customer::default() }
}

fn alerts(store: &Store) -> Vec<Alert> {
    store.alerts(&AlertFilter::default()).unwrap()
}

/// (customer, subject, status, reason, close reason) of every alert.
fn states(store: &Store) -> Vec<(String, String, AlertStatus, AlertReason, Option<CloseReason>)> {
    alerts(store)
        .into_iter()
        .map(|a| (a.customer_id, a.subject_id, a.status, a.reason, a.close_reason))
        .collect()
}

#[test]
fn an_alert_is_raised_amended_and_closed_as_the_lists_change() {
    let store = Store::open_in_memory().unwrap();
    let monitor = Monitor::new(&store, MonitorConfig::default());
    import(&store, SDN, "2020-01-01", vec![person(SDN, "1", &["Kim Jong Un"], Some("1984-01-08"))]);
    let book = vec![customer("c1", "Viktor Bout", Some("1967-01-13")), customer("c2", "Jane Doe", None)];
    let summary = monitor.import_book("retail", book, false, &Lists::load(&store).unwrap()).unwrap();
    assert_eq!((summary.inserted, summary.changes.raised, summary.changes.screened), (2, 0, 2));

    let bout = person(SDN, "2", &["BOUT, Viktor Anatolyevich"], Some("1967-01-13"));
    import(
        &store,
        SDN,
        "2020-02-01",
        vec![person(SDN, "1", &["Kim Jong Un"], Some("1984-01-08")), bout.clone()],
    );
    let raised = monitor.rescreen("retail", &Lists::load(&store).unwrap()).unwrap();
    assert_eq!((raised.raised, raised.updated, raised.closed), (1, 0, 0));
    let alert = &alerts(&store)[0];
    assert_eq!((alert.customer_id.as_str(), alert.subject_id.as_str()), ("c1", "us_ofac_sdn:2"));
    assert_eq!(alert.reason, AlertReason::NewDesignation);
    assert_eq!(alert.customer_name, "Viktor Bout");
    assert!(!alert.explanations.is_empty() && alert.score >= f64::from(MonitorConfig::default().threshold));
    // The same lists again: nothing to do.
    assert!(monitor.rescreen("retail", &Lists::load(&store).unwrap()).unwrap().no_change());

    let mut amended = bout.clone();
    amended.add_name(Name::new("Victor But", NameKind::Alias));
    import(&store, SDN, "2020-03-01", vec![amended]);
    let updated = monitor.rescreen("retail", &Lists::load(&store).unwrap()).unwrap();
    assert_eq!((updated.raised, updated.updated, updated.closed), (0, 1, 0));
    assert_eq!(alerts(&store)[0].reason, AlertReason::AmendedDesignation);
    assert_eq!(alerts(&store)[0].id, alert.id, "the open alert is updated, not raised again");

    import(&store, SDN, "2020-04-01", vec![person(SDN, "1", &["Kim Jong Un"], Some("1984-01-08"))]);
    let closed = monitor.rescreen("retail", &Lists::load(&store).unwrap()).unwrap();
    assert_eq!((closed.raised, closed.updated, closed.closed), (0, 0, 1));
    assert_eq!(
        states(&store),
        [(
            "c1".into(),
            "us_ofac_sdn:2".into(),
            AlertStatus::Closed,
            AlertReason::AmendedDesignation,
            Some(CloseReason::Delisted)
        )]
    );
}

#[test]
fn new_changed_and_removed_customers_are_screened_at_import() {
    let store = Store::open_in_memory().unwrap();
    let monitor = Monitor::new(&store, MonitorConfig::default());
    import(
        &store,
        SDN,
        "2020-01-01",
        vec![person(SDN, "2", &["BOUT, Viktor Anatolyevich"], Some("1967-01-13"))],
    );
    let lists = Lists::load(&store).unwrap();
    let first = vec![customer("c1", "Viktor Bout", Some("1967-01-13")), customer("c2", "Jane Doe", None)];
    let summary = monitor.import_book("retail", first, false, &lists).unwrap();
    assert_eq!(summary.changes.raised, 1);
    assert_eq!(alerts(&store)[0].reason, AlertReason::NewCustomer);
    // c2 now writes Bout's name: an alert of its own; c1 unchanged.
    let second = vec![customer("c1", "Viktor Bout", Some("1967-01-13")), customer("c2", "Viktor Bout", None)];
    let summary = monitor.import_book("retail", second, false, &lists).unwrap();
    assert_eq!((summary.updated, summary.unchanged, summary.changes.raised), (1, 1, 1));
    assert_eq!(alerts(&store)[1].reason, AlertReason::CustomerChanged);
    // A replacing import without c1 removes it and closes its alert; a name that cannot be
    // screened is reported, not taken as clear.
    let third = vec![customer("c2", "Viktor Bout", None), customer("c3", "12345", None)];
    let summary = monitor.import_book("retail", third, true, &lists).unwrap();
    assert_eq!((summary.removed, summary.inserted, summary.changes.closed), (1, 1, 1));
    assert_eq!(summary.not_screened.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["c3"]);
    assert_eq!(alerts(&store)[0].close_reason, Some(CloseReason::CustomerRemoved));
    assert_eq!(store.customers("retail").unwrap().len(), 2);
    let twice = vec![customer("c9", "A", None), customer("c9", "B", None)];
    assert!(matches!(
        monitor.import_book("retail", twice, false, &lists),
        Err(ward_monitor::Error::DuplicateCustomer { .. })
    ));
}

#[test]
fn a_full_rescreen_resumes_where_it_stopped() {
    let store = Store::open_in_memory().unwrap();
    import(
        &store,
        SDN,
        "2020-01-01",
        vec![person(SDN, "2", &["BOUT, Viktor Anatolyevich"], Some("1967-01-13"))],
    );
    let lists = Lists::load(&store).unwrap();
    let small_chunks = MonitorConfig { chunk: 2, ..MonitorConfig::default() };
    let monitor = Monitor::new(&store, small_chunks);
    let book: Vec<Customer> = (0..5).map(|i| customer(&format!("c{i}"), "Viktor Bout", None)).collect();
    monitor.import_book("retail", book, false, &lists).unwrap();
    assert_eq!(alerts(&store).len(), 5);
    // Another threshold: the next re-screen is a full one. Stop it after its first chunk by
    // writing its progress as a crash would leave it, then resume.
    let stricter = Monitor::new(&store, MonitorConfig { threshold: 0.99, ..small_chunks });
    let mut state = store.book("retail").unwrap().unwrap();
    let progress = serde_json_progress(&lists, &stricter, "c1");
    state.full_progress = Some(progress);
    store.commit_screening(&state, &[]).unwrap();
    let resumed = stricter.rescreen("retail", &lists).unwrap();
    assert_eq!(resumed.screened, 3, "c0 and c1 were done before the stop");
    let state = store.book("retail").unwrap().unwrap();
    assert_eq!(state.full_progress, None);
    assert_eq!(state.engine.as_deref(), Some(stricter.config().engine_tag().as_str()));
}

fn serde_json_progress(lists: &Lists, monitor: &Monitor<'_>, after: &str) -> String {
    format!(
        "{{\"versions\":{:?},\"engine\":\"{}\",\"after\":\"{after}\"}}",
        lists.version_ids(),
        monitor.config().engine_tag()
    )
}

/// Name words of several origins, so that random names share words and sometimes match.
const WORDS: &[&str] = &[
    "Ivan",
    "Petrov",
    "Ali",
    "Hassan",
    "Maria",
    "Lopez",
    "Wang",
    "Junzheng",
    "Chen",
    "Mingguo",
    "Olga",
    "Sidorova",
    "Ahmed",
    "Karimi",
    "Juan",
    "Perez",
    "Kim",
    "Jong",
    "Park",
    "Bortnikov",
    "Aleksandr",
    "Viktor",
];

fn name_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 2..=3).prop_map(|words| words.join(" "))
}

fn born_strategy() -> impl Strategy<Value = Option<String>> {
    prop::option::of(
        prop::sample::select(&["1951", "1963-05", "1966-10-12", "1958-01-01"][..]).prop_map(String::from),
    )
}

/// One listed record: dataset, names, birth date.
type Record = (bool, Vec<String>, Option<String>);

fn record_strategy() -> impl Strategy<Value = Record> {
    (any::<bool>(), prop::collection::vec(name_strategy(), 1..=2), born_strategy())
}

/// What happens to a record in the next version.
#[derive(Debug, Clone)]
enum Fate {
    Kept,
    Delisted,
    Renamed(String),
    Aliased(String),
    Reborn(Option<String>),
}

fn fate_strategy() -> impl Strategy<Value = Fate> {
    prop_oneof![
        3 => Just(Fate::Kept),
        1 => Just(Fate::Delisted),
        1 => name_strategy().prop_map(Fate::Renamed),
        1 => name_strategy().prop_map(Fate::Aliased),
        1 => born_strategy().prop_map(Fate::Reborn),
    ]
}

fn entity_of(index: usize, (in_un, names, born): &Record) -> Entity {
    let dataset = if *in_un { UN } else { SDN };
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    person(dataset, &format!("R{index}"), &names, born.as_deref())
}

fn import_records(store: &Store, published: &str, entities: Vec<Entity>) {
    for dataset in [SDN, UN] {
        let part: Vec<Entity> = entities.iter().filter(|e| e.dataset == dataset).cloned().collect();
        import(store, dataset, published, part);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The delta re-screen leaves exactly the alerts a full re-screen would: a full re-screen
    /// run after it changes nothing.
    #[test]
    fn the_delta_rescreen_equals_a_full_rescreen(
        records in prop::collection::vec(record_strategy(), 1..8),
        fates in prop::collection::vec(fate_strategy(), 8),
        added in prop::collection::vec(record_strategy(), 0..4),
        book in prop::collection::vec((name_strategy(), born_strategy()), 1..10),
        copies in prop::collection::vec((any::<prop::sample::Index>(), born_strategy()), 0..4),
        verdicts in prop::collection::vec(0u8..4, 8),
    ) {
        let store = Store::open_in_memory().unwrap();
        let monitor = Monitor::new(&store, MonitorConfig::default());
        let before: Vec<Entity> = records.iter().enumerate().map(|(i, r)| entity_of(i, r)).collect();
        import_records(&store, "2020-01-01", before.clone());
        // Customers: random names, and copies of listed names (so that pairs match).
        let mut customers: Vec<Customer> = book
            .iter()
            .enumerate()
            .map(|(i, (name, born))| customer(&format!("c{i}"), name, born.as_deref()))
            .collect();
        let all_names: Vec<String> = records.iter().chain(&added).flat_map(|r| r.1.clone()).collect();
        for (i, (pick, born)) in copies.iter().enumerate() {
            customers.push(customer(&format!("k{i}"), pick.get(&all_names).as_str(), born.as_deref()));
        }
        monitor.import_book("b", customers, false, &Lists::load(&store).unwrap()).unwrap();
        // Reviewed alerts: left open, dismissed, dismissed with a pinned suppression, or with
        // a good-guy entry.
        let expires = (chrono::Utc::now().date_naive() + chrono::Days::new(10)).format("%Y-%m-%d").to_string();
        for (alert, verdict) in alerts(&store).iter().zip(verdicts.iter().cycle()) {
            match verdict {
                1 => dismiss_approved(&store, alert, None),
                2 => dismiss_approved(&store, alert, Some(SuppressionRequest::Pinned)),
                3 => dismiss_approved(&store, alert, Some(SuppressionRequest::GoodGuy { expires: expires.clone() })),
                _ => {}
            }
        }

        let mut after = Vec::new();
        for (i, (entity, fate)) in before.into_iter().zip(fates.iter().cycle()).enumerate() {
            let mut entity = entity;
            match fate {
                Fate::Kept => {}
                Fate::Delisted => continue,
                Fate::Renamed(name) => entity.names[0] = Name::new(name, NameKind::Primary),
                Fate::Aliased(name) => entity.add_name(Name::new(name, NameKind::Alias)),
                Fate::Reborn(born) => entity.birth_dates = born.iter().map(|b| DateSpec::parse(b).unwrap()).collect(),
            }
            let _ = i;
            after.push(entity);
        }
        after.extend(added.iter().enumerate().map(|(i, r)| entity_of(100 + i, r)));
        import_records(&store, "2021-01-01", after);
        let lists = Lists::load(&store).unwrap();
        let delta = monitor.rescreen("b", &lists).unwrap();
        let alerts_after_delta = states(&store);
        let full = monitor.rescreen_full("b", &lists).unwrap();
        prop_assert!(
            full.no_change(),
            "the full re-screen changed {full:?} after the delta {delta:?}; alerts after the delta: {alerts_after_delta:?}, after the full: {:?}",
            states(&store)
        );
    }
}

/// A directory under the shared data, or `None` with a printed reason.
fn shared(rel: &str) -> Option<PathBuf> {
    let base = std::env::var_os("WARD_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let path = base.join(rel);
    if path.exists() {
        Some(path)
    } else {
        let _ =
            writeln!(std::io::stderr(), "skipped: {} not found (the shared data is absent)", path.display());
        None
    }
}

fn import_dir(store: &Store, dir: &std::path::Path) {
    for list in ward_lists::read_path(dir).unwrap() {
        let policy = ImportPolicy { allow_shrink: true, ..ImportPolicy::default() };
        store.import_with(&list, &policy).unwrap();
    }
}

/// The seed's customers, with their expected OFAC subjects' names.
fn seed_customers() -> Vec<Customer> {
    let seed = |id: &str, name: &str, born: &str, country: Option<&str>| Customer {
        id: id.into(),
        name: name.into(),
        birth_date: Some(born.into()),
        country: country.map(String::from),
        kind: Some("person".into()),
        identifiers: vec![],
    };
    vec![
        seed("seed-1", "WANG Junzheng", "1963-05", Some("China")),
        seed("seed-2", "CHEN Mingguo", "1966-10", Some("China")),
        seed("seed-3", "ZHU Hailun", "1958-01", None),
        seed("seed-4", "WANG Mingshan", "1964-01", None),
        seed("seed-5", "Aleksandr BORTNIKOV", "1951-11-15", Some("Russia")),
    ]
}

/// Ordinary customers: a given name and a family name of different listed people from the
/// name corpus (seeded), with a birth date.
fn ordinary_customers(n: usize) -> Vec<Customer> {
    let corpus = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/names/corpus.tsv"),
    )
    .unwrap();
    let words: Vec<Vec<String>> = corpus
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            (fields.len() == 5 && fields[2] == "Person")
                .then(|| fields[4].split_whitespace().map(String::from).collect::<Vec<_>>())
        })
        .filter(|words| words.len() >= 2 && words.iter().all(|w| w.chars().all(char::is_alphabetic)))
        .collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |bound: usize| {
        // xorshift64*: a fixed sequence, the same on every run.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % bound
    };
    (0..n)
        .map(|i| {
            let given = &words[next(words.len())];
            let family = &words[next(words.len())];
            let name = format!("{} {}", given[0], family[family.len() - 1]);
            let born = format!("{}-{:02}-{:02}", 1940 + next(60), 1 + next(12), 1 + next(28));
            customer(&format!("o{i:05}"), &name, Some(&born))
        })
        .collect()
}

const ORDINARY: usize = 2_000;

fn seed_case(location: &Location) {
    let (Some(before), Some(after)) =
        (shared("lists/us-ofac/sdn-csv-2019-01"), shared("lists/us-ofac/sdn-csv-2021-07"))
    else {
        return;
    };
    let store = Store::open_location(location).unwrap();
    let monitor = Monitor::new(&store, MonitorConfig::default());
    import_dir(&store, &before);
    let mut book = ordinary_customers(ORDINARY);
    book.extend(seed_customers());
    let imported = monitor.import_book("seed", book, false, &Lists::load(&store).unwrap()).unwrap();
    assert_eq!(imported.inserted, ORDINARY + 5);
    let seed_alerts = |status: Option<AlertStatus>| -> Vec<Alert> {
        store
            .alerts(&AlertFilter { book: Some("seed".into()), status, ..AlertFilter::default() })
            .unwrap()
            .into_iter()
            .filter(|a| a.customer_id.starts_with("seed-"))
            .collect()
    };
    assert_eq!(seed_alerts(None), [], "no seed customer is listed in 2019-01");
    let ordinary_before = alerts(&store).len();

    import_dir(&store, &after);
    let lists = Lists::load(&store).unwrap();
    let delta = monitor.rescreen("seed", &lists).unwrap();
    let raised = seed_alerts(None);
    let mut who: Vec<(&str, AlertReason)> =
        raised.iter().map(|a| (a.customer_id.as_str(), a.reason)).collect();
    who.sort_unstable();
    let expect: Vec<(&str, AlertReason)> = (1..=5)
        .map(|i| (["seed-1", "seed-2", "seed-3", "seed-4", "seed-5"][i - 1], AlertReason::NewDesignation))
        .collect();
    assert_eq!(who, expect, "{raised:#?}");
    assert!(raised.iter().all(|a| a.status == AlertStatus::Open && a.subject_id.starts_with("us_ofac_sdn:")));
    let full = monitor.rescreen_full("seed", &lists).unwrap();
    assert!(full.no_change(), "a full re-screen after the delta changed {full:?}");
    let _ = writeln!(
        std::io::stderr(),
        "seed case: {ordinary_before} ordinary alerts before; delta {delta:?}; full re-screen {full:?}"
    );
}

#[test]
fn seed_case_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    seed_case(&Location::Sqlite { data_dir: dir.path().to_path_buf() });
}

#[test]
fn seed_case_on_postgres() {
    let url = std::env::var("WARD_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    if let Err(e) = postgres_check(&url) {
        let _ = writeln!(std::io::stderr(), "skipping PostgreSQL test: {e} (set WARD_TEST_POSTGRES)");
        return;
    }
    let schema = format!("ward_monitor_{}", std::process::id());
    seed_case(&Location::Postgres { url: url.clone(), schema: Some(schema.clone()) });
    drop_schema(&url, &schema);
}

fn postgres_check(url: &str) -> Result<(), String> {
    Store::open_location(&Location::Postgres {
        url: url.to_string(),
        schema: Some("ward_monitor_probe".into()),
    })
    .map(|_| drop_schema(url, "ward_monitor_probe"))
    .map_err(|e| e.to_string())
}

fn drop_schema(url: &str, schema: &str) {
    let _ = std::process::Command::new("psql")
        .arg(url)
        .arg("-c")
        .arg(format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        .output();
}

/// The delta re-screen equals a full one on the real OFAC 2019-01 -> 2021-07 change, for a
/// book of customers drawn from names listed in 2021-07 (so that many pairs match).
#[test]
fn the_delta_equals_a_full_rescreen_on_the_real_ofac_change() {
    if std::env::var_os("WARD_SLOW_TESTS").is_none() {
        let _ = writeln!(std::io::stderr(), "skipped: set WARD_SLOW_TESTS=1 to run the real OFAC change");
        return;
    }
    let (Some(before), Some(after)) =
        (shared("lists/us-ofac/sdn-csv-2019-01"), shared("lists/us-ofac/sdn-csv-2021-07"))
    else {
        return;
    };
    let store = Store::open_in_memory().unwrap();
    let monitor = Monitor::new(&store, MonitorConfig::default());
    import_dir(&store, &before);
    let newer: Vec<Entity> =
        ward_lists::read_path(&after).unwrap().into_iter().flat_map(|l| l.entities).collect();
    let mut book = ordinary_customers(ORDINARY);
    book.extend(seed_customers());
    book.extend(
        newer.iter().step_by(7).enumerate().map(|(i, e)| customer(&format!("l{i:05}"), e.caption(), None)),
    );
    // Names listed in 2019-01 too, so that delistings close alerts.
    let older: Vec<Entity> =
        ward_lists::read_path(&before).unwrap().into_iter().flat_map(|l| l.entities).collect();
    book.extend(
        older.iter().step_by(5).enumerate().map(|(i, e)| customer(&format!("p{i:05}"), e.caption(), None)),
    );
    monitor.import_book("ofac", book, false, &Lists::load(&store).unwrap()).unwrap();
    import_dir(&store, &after);
    let lists = Lists::load(&store).unwrap();
    let delta: Summary = monitor.rescreen("ofac", &lists).unwrap();
    let full = monitor.rescreen_full("ofac", &lists).unwrap();
    assert!(full.no_change(), "a full re-screen after the delta {delta:?} changed {full:?}");
    assert!(delta.raised > 0 && delta.closed > 0, "{delta:?}");
    let _ = writeln!(std::io::stderr(), "real OFAC change: delta {delta:?}");
}

/// The alert of a seed customer, by customer id.
fn seed_alert(store: &Store, customer_id: &str) -> Alert {
    let found: Vec<Alert> = alerts(store).into_iter().filter(|a| a.customer_id == customer_id).collect();
    assert_eq!(found.len(), 1, "{customer_id}: {found:#?}");
    found.into_iter().next().unwrap()
}

/// An analyst dismisses `alert` and a supervisor approves.
fn dismiss_approved(store: &Store, alert: &Alert, suppress: Option<SuppressionRequest>) {
    let request = DecisionRequest {
        kind: DecisionKind::Dismiss,
        reason: DecisionReason::DifferentBirthDate,
        remark: format!("{} is another person", alert.customer_name),
        suppress,
    };
    let ann = Actor::new("ann", Role::Analyst);
    let decision = store.request_decision(alert.id, &ann, &request).unwrap();
    if decision.status == DecisionStatus::Pending {
        let refused = store.approve_decision(decision.id, &Actor::new("bob", Role::Analyst), "");
        assert!(matches!(refused, Err(ward_store::Error::User(_))), "an analyst approved: {refused:?}");
        store.approve_decision(decision.id, &Actor::new("sue", Role::Supervisor), "agreed").unwrap();
    }
    assert_eq!(store.alert(alert.id).unwrap().unwrap().status, AlertStatus::Dismissed);
}

fn history_kinds(store: &Store, alert: i64) -> Vec<AlertEventKind> {
    store.alert_history(alert).unwrap().into_iter().map(|e| e.kind).collect()
}

/// On the real OFAC SDN of 2021-07 and the seed's customers: a pinned suppression holds on
/// re-screen and breaks when the listing is amended or the customer changes; a good-guy entry
/// holds through an amendment and ends on its date; a plain dismissal re-opens on an amendment.
fn suppression_case(location: &Location) {
    let Some(after) = shared("lists/us-ofac/sdn-csv-2021-07") else {
        return;
    };
    let store = Store::open_location(location).unwrap();
    let monitor = Monitor::new(&store, MonitorConfig::default());
    let lists_read = ward_lists::read_path(&after).unwrap();
    for list in &lists_read {
        store.import_with(list, &ImportPolicy { allow_shrink: true, ..ImportPolicy::default() }).unwrap();
    }
    let mut book = ordinary_customers(200);
    book.extend(seed_customers());
    monitor.import_book("seed", book.clone(), false, &Lists::load(&store).unwrap()).unwrap();
    let wang = seed_alert(&store, "seed-1");
    let chen = seed_alert(&store, "seed-2");
    let zhu = seed_alert(&store, "seed-3");
    let mingshan = seed_alert(&store, "seed-4");
    dismiss_approved(&store, &wang, Some(SuppressionRequest::Pinned));
    dismiss_approved(&store, &chen, None);
    let expires = (chrono::Utc::now().date_naive() + chrono::Days::new(10)).format("%Y-%m-%d").to_string();
    dismiss_approved(&store, &zhu, Some(SuppressionRequest::GoodGuy { expires: expires.clone() }));
    dismiss_approved(&store, &mingshan, Some(SuppressionRequest::Pinned));
    assert_eq!(store.active_suppressions("seed").unwrap().len(), 3);

    // Re-screening the same lists and customers keeps every decision.
    let lists = Lists::load(&store).unwrap();
    let full = monitor.rescreen_full("seed", &lists).unwrap();
    assert!(full.no_change(), "{full:?}");
    assert_eq!(store.active_suppressions("seed").unwrap().len(), 3);

    // OFAC amends the records of WANG Junzheng, CHEN Mingguo and ZHU Hailun.
    let amended: Vec<String> = [&wang, &chen, &zhu].iter().map(|a| a.referents[0].clone()).collect();
    let mut list = lists_read.into_iter().find(|l| l.dataset == SDN).unwrap();
    for entity in list.entities.iter_mut().filter(|e| amended.contains(&e.id)) {
        entity.add_name(Name::new(format!("{} (amended)", entity.caption()), NameKind::Alias));
    }
    list.meta.published = Some("2099-01-01".into());
    for source in &mut list.sources {
        source.sha256 = format!("{}-amended", source.sha256);
    }
    store.import_with(&list, &ImportPolicy { allow_shrink: true, ..ImportPolicy::default() }).unwrap();
    let lists = Lists::load(&store).unwrap();
    monitor.rescreen("seed", &lists).unwrap();
    let reopened = store.alert(wang.id).unwrap().unwrap();
    assert_eq!((reopened.status, reopened.reason), (AlertStatus::Open, AlertReason::AmendedDesignation));
    let broken =
        store.suppressions(Some("seed")).unwrap().into_iter().find(|s| s.alert_id == wang.id).unwrap();
    assert_eq!(broken.status, SuppressionStatus::Broken);
    assert!(broken.end_reason.as_deref().unwrap().contains("listed record changed"), "{broken:?}");
    let kinds = history_kinds(&store, wang.id);
    assert_eq!(kinds[kinds.len() - 2..], [AlertEventKind::Reopened, AlertEventKind::SuppressionEnded]);
    let chen_now = store.alert(chen.id).unwrap().unwrap();
    assert_eq!((chen_now.status, chen_now.reason), (AlertStatus::Open, AlertReason::AmendedDesignation));
    assert_eq!(
        store.alert(zhu.id).unwrap().unwrap().status,
        AlertStatus::Dismissed,
        "the good-guy entry holds"
    );
    assert!(monitor.rescreen_full("seed", &lists).unwrap().no_change());

    // WANG Mingshan's record changes at the bank: the pinned suppression breaks.
    let mut changed: Vec<Customer> = book.iter().filter(|c| c.id == "seed-4").cloned().collect();
    changed[0].name = "Wang Mingshan".into();
    monitor.import_book("seed", changed, false, &lists).unwrap();
    let mingshan_now = store.alert(mingshan.id).unwrap().unwrap();
    assert_eq!((mingshan_now.status, mingshan_now.reason), (AlertStatus::Open, AlertReason::CustomerChanged));

    // On its date the good-guy entry ends and the alert re-opens.
    let later = Monitor::new(&store, MonitorConfig::default()).with_today(&expires);
    let summary = later.rescreen("seed", &lists).unwrap();
    let zhu_now = store.alert(zhu.id).unwrap().unwrap();
    assert_eq!(
        (zhu_now.status, zhu_now.reason),
        (AlertStatus::Open, AlertReason::SuppressionExpired),
        "{summary:?}"
    );
    assert!(store.active_suppressions("seed").unwrap().is_empty());
    assert!(later.rescreen_full("seed", &lists).unwrap().no_change());
}

#[test]
fn suppression_case_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    suppression_case(&Location::Sqlite { data_dir: dir.path().to_path_buf() });
}

#[test]
fn suppression_case_on_postgres() {
    let url = std::env::var("WARD_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    if let Err(e) = postgres_check(&url) {
        let _ = writeln!(std::io::stderr(), "skipping PostgreSQL test: {e} (set WARD_TEST_POSTGRES)");
        return;
    }
    let schema = format!("ward_monitor_suppression_{}", std::process::id());
    suppression_case(&Location::Postgres { url: url.clone(), schema: Some(schema.clone()) });
    drop_schema(&url, &schema);
}

/// Issue 15's two-level chain as stored ownership: WANG Junzheng (SDN 31492) holds 60% of a
/// holding company, which holds `opco_stake` of an operating company.
fn import_chain(store: &Store, opco_stake: &str) {
    use ward_ownership::tie::{PartyRecord, PartyTie, TieMethod};
    use ward_ownership::{Edge, EdgeKind, Stake};
    let edge = |owner: &str, owned: &str, stake: &str| Edge {
        owner: owner.into(),
        owned: owned.into(),
        kind: EdgeKind::Ownership { stake: Stake::parse(stake).unwrap(), joint_arrangement: None },
        start: None,
        end: None,
        source: "registry".into(),
    };
    let edges = vec![edge("wang", "GB-HOLD-1", "60"), edge("GB-HOLD-1", "GB-OPCO-2", opco_stake)];
    let party = |key: &str, name: &str, tie: Option<PartyTie>| PartyRecord {
        key: key.into(),
        name: Some(name.into()),
        other_keys: Vec::new(),
        tie,
    };
    let wang = PartyTie { referent: "us_ofac_sdn:31492".into(), method: TieMethod::Referent, score: None };
    let parties = vec![
        party("GB-HOLD-1", "Kunlun Silk Road Holdings Ltd", None),
        party("GB-OPCO-2", "Tarim Basin Drilling Services Ltd", None),
        party("wang", "WANG, Junzheng", Some(wang)),
    ];
    store.import_ownership("edges.csv", &edges, &parties).unwrap();
}

/// The datasets of the outbox's list change events, oldest first.
fn list_change_events(store: &Store) -> Vec<String> {
    store
        .outbox(1000)
        .unwrap()
        .into_iter()
        .filter(|event| event.topic == ward_store::TOPIC_LISTS_CHANGED)
        .map(|event| event.payload)
        .collect()
}

#[test]
fn a_derived_designation_raises_an_alert_and_a_divestment_closes_it() {
    const DERIVED: &str = "ward_ownership";
    let store = Store::open_in_memory().unwrap();
    let monitor = Monitor::new(&store, MonitorConfig::default()).with_today("2026-06-01");
    import(&store, SDN, "2026-01-01", vec![person(SDN, "31492", &["WANG, Junzheng"], Some("1964-03-01"))]);
    let book = vec![
        Customer {
            kind: Some("company".into()),
            ..customer("c1", "Tarim Basin Drilling Services Ltd", None)
        },
        customer("c2", "Jane Doe", None),
    ];
    let summary = monitor.import_book("corporate", book, false, &Lists::load(&store).unwrap()).unwrap();
    assert_eq!(summary.changes.raised, 0);
    let events_before = list_change_events(&store).len();

    // The ownership makes the operating company derived-blocked: the customer named like it
    // gets an alert, and the derived version's list change event is in the outbox.
    import_chain(&store, "50");
    let summaries = monitor.rescreen_all().unwrap();
    assert_eq!(summaries.len(), 1);
    assert_eq!((summaries[0].1.raised, summaries[0].1.closed), (1, 0), "{summaries:?}");
    let alert = alerts(&store).into_iter().find(|a| a.customer_id == "c1").unwrap();
    assert_eq!(alert.subject_id, format!("{DERIVED}:GB-OPCO-2"));
    assert_eq!(alert.status, AlertStatus::Open);
    let events = list_change_events(&store);
    assert_eq!(events.len(), events_before + 1);
    assert!(events.last().unwrap().contains(DERIVED), "{}", events.last().unwrap());
    let derived = ward_monitor::derived_records(&store, "2026-06-01").unwrap().unwrap();
    let opco = derived.iter().find(|e| e.id == alert.subject_id).unwrap();
    assert_eq!(opco.properties["topics"], ["sanction.linked"]);
    assert!(opco.notes.iter().any(|n| n.contains("GB-HOLD-1")), "{:?}", opco.notes);

    // Nothing changed: no new version, no alert change.
    let again = monitor.rescreen_all().unwrap();
    assert!(again[0].1.no_change(), "{again:?}");
    assert_eq!(list_change_events(&store).len(), events_before + 1);

    // The holding sells down to 10%: the derived designation goes, and the alert is closed.
    import_chain(&store, "10");
    let summaries = monitor.rescreen_all().unwrap();
    assert_eq!((summaries[0].1.raised, summaries[0].1.closed), (0, 1), "{summaries:?}");
    assert_eq!(
        states(&store),
        [(
            "c1".into(),
            format!("{DERIVED}:GB-OPCO-2"),
            AlertStatus::Closed,
            AlertReason::NewDesignation,
            Some(CloseReason::Delisted)
        )]
    );
    assert_eq!(list_change_events(&store).len(), events_before + 2);
}
