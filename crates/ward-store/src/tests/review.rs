//! Review desk tests on both backends: four eyes, suppressions, history, export, the queue.

use super::{list, open, Db, PgDb, SqliteDb};
use crate::*;

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
    four_eyes_decisions,
    suppressions_end_with_the_screening,
    export_reproduces_the_decisions,
    queue_pages_by_keyset,
    customer_suppressions_are_judged_per_pair,
    queue_filters_by_programme,
    a_stale_screening_cannot_overwrite_a_decision,
);

/// A store with one list version of `n` records, book "retail" with customers c0..cn, and one
/// open alert per customer against record Rk (score rising with k). The alert ids, in order.
fn setup(db: &dyn Db, n: usize) -> (Store, Vec<i64>) {
    let store = open(db);
    let names: Vec<String> = (0..n).map(|k| format!("Listed Person {k}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let version = store.import(&list("un_sc_sanctions", "2026-01-28", "h1", &names)).unwrap().version;
    let book = store.create_book("retail").unwrap();
    let customers: Vec<Customer> = (0..n)
        .map(|k| Customer { id: format!("c{k}"), name: format!("Customer {k}"), ..Customer::default() })
        .collect();
    store.write_customers("retail", &customers, &[]).unwrap();
    let changes: Vec<AlertChange> = (0..n)
        .map(|k| {
            AlertChange::Raise(Alert {
                id: 0,
                book: "retail".into(),
                customer_id: format!("c{k}"),
                customer_name: format!("Customer {k}"),
                subject_id: format!("un_sc_sanctions:R{k}"),
                referents: vec![format!("un_sc_sanctions:R{k}")],
                score: 0.7 + (k % 10) as f64 * 0.01,
                explanations: vec!["names match".into()],
                reason: AlertReason::NewDesignation,
                status: AlertStatus::Open,
                close_reason: None,
                list_versions: vec![version.id],
                created_at: String::new(),
                updated_at: String::new(),
            })
        })
        .collect();
    let ids = store.commit_screening(&book, &changes).unwrap();
    (store, ids)
}

fn user_error(result: Result<impl std::fmt::Debug>) -> UserErrorKind {
    match result {
        Err(Error::User(e)) => e.kind(),
        other => panic!("expected a user error, got {other:?}"),
    }
}

fn kinds(store: &Store, alert: i64) -> Vec<AlertEventKind> {
    store.alert_history(alert).unwrap().into_iter().map(|e| e.kind).collect()
}

fn dismiss(suppress: Option<SuppressionRequest>) -> DecisionRequest {
    DecisionRequest {
        kind: DecisionKind::Dismiss,
        reason: DecisionReason::DifferentBirthDate,
        remark: "born 1971, the listed person 1963".into(),
        suppress,
    }
}

fn four_eyes_decisions(db: &dyn Db) {
    let (store, ids) = setup(db, 3);
    let ann = Actor::new("ann", Role::Analyst);
    let bob = Actor::new("bob", Role::Analyst);
    let sue = Actor::new("sue", Role::Supervisor);

    // A suppressing dismissal waits for a second person; the alert stays open meanwhile.
    let pending = store.request_decision(ids[0], &ann, &dismiss(Some(SuppressionRequest::Pinned))).unwrap();
    assert_eq!((pending.status, pending.needs_approval), (DecisionStatus::Pending, true));
    assert_eq!(store.alert(ids[0]).unwrap().unwrap().status, AlertStatus::Open);
    assert_eq!(
        user_error(store.request_decision(ids[0], &bob, &dismiss(None))),
        UserErrorKind::DecisionPending
    );
    // Nobody approves their own; an analyst approves nothing.
    assert_eq!(user_error(store.approve_decision(pending.id, &ann, "")), UserErrorKind::OwnDecision);
    let own_supervisor = Actor::new("ann", Role::Supervisor);
    assert_eq!(
        user_error(store.approve_decision(pending.id, &own_supervisor, "")),
        UserErrorKind::OwnDecision
    );
    assert_eq!(user_error(store.approve_decision(pending.id, &bob, "")), UserErrorKind::NotSupervisor);
    assert_eq!(user_error(store.reject_decision(pending.id, &bob, "")), UserErrorKind::NotSupervisor);
    assert!(store.active_suppressions("retail").unwrap().is_empty());

    let before = store.outbox(100).unwrap().len();
    let approved = store.approve_decision(pending.id, &sue, "checked the passport").unwrap();
    assert_eq!(approved.status, DecisionStatus::Effective);
    assert_eq!(approved.reviewed_by.as_deref(), Some("sue"));
    assert!(approved.effective_at.is_some());
    assert_eq!(store.alert(ids[0]).unwrap().unwrap().status, AlertStatus::Dismissed);
    let events = store.outbox(100).unwrap();
    assert_eq!(events.len(), before + 1);
    let last = events.last().unwrap();
    assert_eq!(last.topic, TOPIC_ALERT_UPDATED);
    let payload: serde_json::Value = serde_json::from_str(&last.payload).unwrap();
    assert_eq!(
        (payload["status"].as_str(), payload["decision"]["approved_by"].as_str()),
        (Some("dismissed"), Some("sue"))
    );
    assert_eq!(
        user_error(store.approve_decision(pending.id, &Actor::new("tom", Role::Admin), "")),
        UserErrorKind::NotPending
    );

    // The pinned suppression holds the customer's and the listed record's fingerprints.
    let suppressions = store.active_suppressions("retail").unwrap();
    assert_eq!(suppressions.len(), 1);
    let suppression = &suppressions[0];
    assert_eq!(
        (suppression.kind, suppression.decision_id, suppression.approved_by.as_str()),
        (SuppressionKind::Pinned, pending.id, "sue")
    );
    let customer = store.customers("retail").unwrap().into_iter().find(|c| c.customer.id == "c0").unwrap();
    assert_eq!(suppression.customer_fingerprint.as_deref(), Some(customer.fingerprint.as_str()));
    let record =
        store.current_entities().unwrap().into_iter().find(|e| e.id == "un_sc_sanctions:R0").unwrap();
    assert_eq!(suppression.subject_fingerprint, Some(subject_fingerprint(&[record])));

    let history = store.alert_history(ids[0]).unwrap();
    let expected = [
        AlertEventKind::Raised,
        AlertEventKind::DecisionRequested,
        AlertEventKind::DecisionApproved,
        AlertEventKind::SuppressionCreated,
    ];
    assert_eq!(history.iter().map(|e| e.kind).collect::<Vec<_>>(), expected);
    assert_eq!(history[1].actor.as_deref(), Some("ann"));
    assert_eq!(
        (history[2].actor.as_deref(), history[2].role, history[2].status),
        (Some("sue"), Some(Role::Supervisor), AlertStatus::Dismissed)
    );
    assert!(history.iter().all(|e| !e.list_versions.is_empty()));

    // A confirmation needs approval too; a rejection leaves the alert open.
    let confirm = DecisionRequest {
        kind: DecisionKind::Confirm,
        reason: DecisionReason::SameNameAndBirthDate,
        remark: String::new(),
        suppress: None,
    };
    let asked = store.request_decision(ids[1], &bob, &confirm).unwrap();
    let rejected = store.reject_decision(asked.id, &sue, "ask for the passport first").unwrap();
    assert_eq!(rejected.status, DecisionStatus::Rejected);
    assert_eq!(store.alert(ids[1]).unwrap().unwrap().status, AlertStatus::Open);
    assert_eq!(
        kinds(&store, ids[1]),
        [AlertEventKind::Raised, AlertEventKind::DecisionRequested, AlertEventKind::DecisionRejected]
    );

    // Escalation and a plain dismissal take effect at once.
    let escalated = store
        .request_decision(
            ids[1],
            &bob,
            &DecisionRequest {
                kind: DecisionKind::Escalate,
                reason: DecisionReason::NeedsInformation,
                remark: String::new(),
                suppress: None,
            },
        )
        .unwrap();
    assert_eq!(escalated.status, DecisionStatus::Effective);
    assert_eq!(store.alert(ids[1]).unwrap().unwrap().status, AlertStatus::Escalated);
    store.request_decision(ids[1], &sue, &dismiss(None)).unwrap();
    assert_eq!(store.alert(ids[1]).unwrap().unwrap().status, AlertStatus::Dismissed);
    assert_eq!(user_error(store.request_decision(ids[1], &sue, &dismiss(None))), UserErrorKind::AlertNotOpen);
    assert_eq!(store.alert_decisions(ids[1]).unwrap().len(), 3);
    assert_eq!(store.pair_decisions("retail", "c1", "un_sc_sanctions:R1").unwrap().len(), 3);

    // Requests that do not hold together.
    let other = DecisionRequest { reason: DecisionReason::Other, remark: " ".into(), ..dismiss(None) };
    assert_eq!(user_error(store.request_decision(ids[2], &ann, &other)), UserErrorKind::BadDecision);
    let suppressed_confirm =
        DecisionRequest { suppress: Some(SuppressionRequest::Pinned), ..confirm.clone() };
    assert_eq!(
        user_error(store.request_decision(ids[2], &ann, &suppressed_confirm)),
        UserErrorKind::BadDecision
    );
    let past = dismiss(Some(SuppressionRequest::GoodGuy { expires: "2020-01-01".into() }));
    assert_eq!(user_error(store.request_decision(ids[2], &ann, &past)), UserErrorKind::BadDecision);
    assert_eq!(user_error(store.request_decision(9999, &ann, &dismiss(None))), UserErrorKind::UnknownAlert);
    assert_eq!(user_error(store.approve_decision(9999, &sue, "")), UserErrorKind::UnknownDecision);
    assert_eq!(user_error(store.alert_history(9999)), UserErrorKind::UnknownAlert);

    // Assignment: anyone takes an alert, only a supervisor gives one to another.
    store.assign_alert(ids[2], &ann, Some("ann")).unwrap();
    assert_eq!(user_error(store.assign_alert(ids[2], &ann, Some("bob"))), UserErrorKind::NotSupervisor);
    store.assign_alert(ids[2], &sue, Some("bob")).unwrap();
    assert_eq!(store.alert_assignee(ids[2]).unwrap().as_deref(), Some("bob"));
    assert_eq!(
        kinds(&store, ids[2]),
        [AlertEventKind::Raised, AlertEventKind::Assigned, AlertEventKind::Assigned]
    );
    assert_eq!(store.pending_decisions(None).unwrap(), []);
}

fn suppressions_end_with_the_screening(db: &dyn Db) {
    let (store, ids) = setup(db, 1);
    let sue = Actor::new("sue", Role::Supervisor);
    let tom = Actor::new("tom", Role::Admin);
    let expires = (chrono::Utc::now().date_naive() + chrono::Days::new(30)).format("%Y-%m-%d").to_string();
    let asked = store
        .request_decision(
            ids[0],
            &sue,
            &dismiss(Some(SuppressionRequest::GoodGuy { expires: expires.clone() })),
        )
        .unwrap();
    store.approve_decision(asked.id, &tom, "").unwrap();
    let suppression = store.active_suppressions("retail").unwrap().remove(0);
    assert_eq!(
        (suppression.kind, suppression.expires.as_deref()),
        (SuppressionKind::GoodGuy, Some(expires.as_str()))
    );
    assert!(suppression.holds_on(&today()));
    assert!(!suppression.holds_on(&expires));

    // A screening re-opens the alert and ends the suppression in one transaction.
    let mut alert = store.alert(ids[0]).unwrap().unwrap();
    alert.status = AlertStatus::Open;
    alert.reason = AlertReason::SuppressionExpired;
    let book = store.book("retail").unwrap().unwrap();
    let end = SuppressionEnd {
        suppression_id: suppression.id,
        status: SuppressionStatus::Expired,
        reason: format!("the good-guy entry expired on {expires}"),
    };
    store.commit_screening_ending(&book, &[AlertChange::Update(alert)], &[end]).unwrap();
    assert!(store.active_suppressions("retail").unwrap().is_empty());
    let ended = store.suppressions(Some("retail")).unwrap().remove(0);
    assert_eq!(ended.status, SuppressionStatus::Expired);
    assert!(ended.end_reason.unwrap().contains(&expires));
    let history = store.alert_history(ids[0]).unwrap();
    let last_two: Vec<AlertEventKind> = history[history.len() - 2..].iter().map(|e| e.kind).collect();
    assert_eq!(last_two, [AlertEventKind::Reopened, AlertEventKind::SuppressionEnded]);
    assert_eq!(store.alert(ids[0]).unwrap().unwrap().status, AlertStatus::Open);
}

/// What the screening API judges: the active suppressions of the customers it is asked about,
/// with their stored fingerprints, and [`Suppression::lapse`] on each.
fn customer_suppressions_are_judged_per_pair(db: &dyn Db) {
    let (store, ids) = setup(db, 3);
    let ann = Actor::new("ann", Role::Analyst);
    let sue = Actor::new("sue", Role::Supervisor);
    let expires = (chrono::Utc::now().date_naive() + chrono::Days::new(30)).format("%Y-%m-%d").to_string();
    let pinned = store.request_decision(ids[0], &ann, &dismiss(Some(SuppressionRequest::Pinned))).unwrap();
    store.approve_decision(pinned.id, &sue, "").unwrap();
    let good_guy = store
        .request_decision(
            ids[1],
            &ann,
            &dismiss(Some(SuppressionRequest::GoodGuy { expires: expires.clone() })),
        )
        .unwrap();
    store.approve_decision(good_guy.id, &sue, "").unwrap();
    // A plain dismissal suppresses nothing.
    store.request_decision(ids[2], &ann, &dismiss(None)).unwrap();

    let found = store.customer_suppressions("retail", &["c0", "c1", "c2", "nobody"]).unwrap();
    let pairs: Vec<(&str, &str, i64)> = found
        .iter()
        .map(|f| {
            (f.suppression.customer_id.as_str(), f.suppression.subject_id.as_str(), f.suppression.decision_id)
        })
        .collect();
    assert_eq!(pairs, [("c0", "un_sc_sanctions:R0", pinned.id), ("c1", "un_sc_sanctions:R1", good_guy.id)]);
    let stored = store.customers("retail").unwrap();
    for f in &found {
        let customer = stored.iter().find(|c| c.customer.id == f.suppression.customer_id).unwrap();
        assert_eq!(f.customer_fingerprint, customer.fingerprint);
    }
    assert_eq!(store.customer_suppressions("retail", &["c2"]).unwrap(), []);
    assert_eq!(store.customer_suppressions("retail", &[]).unwrap(), []);
    assert_eq!(store.customer_suppressions("wholesale", &["c0"]).unwrap(), []);

    let records = store.current_entities().unwrap();
    let record = |id: &str| vec![records.iter().find(|e| e.id == id).unwrap().clone()];
    let (pinned_found, good_guy_found) = (&found[0], &found[1]);
    let today = today();
    // Pinned: holds while both records are unchanged.
    assert_eq!(
        pinned_found.suppression.lapse(
            &today,
            &pinned_found.customer_fingerprint,
            &record("un_sc_sanctions:R0")
        ),
        None
    );
    let mut amended = record("un_sc_sanctions:R0");
    amended[0].add_name(ward_model::Name::new("Listed Person Zero", ward_model::NameKind::Alias));
    assert_eq!(
        pinned_found.suppression.lapse(&today, &pinned_found.customer_fingerprint, &amended),
        Some(SuppressionLapse::ListedRecordChanged)
    );
    let changed = Customer { id: "c0".into(), name: "Customer Zero".into(), ..Customer::default() };
    store.write_customers("retail", &[changed], &[]).unwrap();
    let now = store.customer_suppressions("retail", &["c0"]).unwrap().remove(0);
    assert_ne!(now.customer_fingerprint, pinned_found.customer_fingerprint);
    assert_eq!(
        now.suppression.lapse(&today, &now.customer_fingerprint, &record("un_sc_sanctions:R0")),
        Some(SuppressionLapse::CustomerChanged)
    );
    // Good-guy: holds before its date whatever changes, not from it.
    let subject = record("un_sc_sanctions:R1");
    assert_eq!(good_guy_found.suppression.lapse(&today, "another customer", &amended), None);
    assert_eq!(
        good_guy_found.suppression.lapse(&expires, &good_guy_found.customer_fingerprint, &subject),
        Some(SuppressionLapse::Expired)
    );
    // A customer removed from the book has none.
    store.write_customers("retail", &[], &["c1".to_string()]).unwrap();
    assert_eq!(store.customer_suppressions("retail", &["c1"]).unwrap(), []);
}

fn export_reproduces_the_decisions(db: &dyn Db) {
    let (store, ids) = setup(db, 4);
    let ann = Actor::new("ann", Role::Analyst);
    let sue = Actor::new("sue", Role::Supervisor);
    let first = store.request_decision(ids[0], &ann, &dismiss(Some(SuppressionRequest::Pinned))).unwrap();
    store.approve_decision(first.id, &sue, "ok").unwrap();
    store.request_decision(ids[1], &ann, &dismiss(None)).unwrap();
    let confirm = DecisionRequest {
        kind: DecisionKind::Confirm,
        reason: DecisionReason::SameIdentifiers,
        remark: "passport, \"quoted\"; and, commas".into(),
        suppress: None,
    };
    let second = store.request_decision(ids[2], &ann, &confirm).unwrap();
    store.reject_decision(second.id, &sue, "no").unwrap();
    store.request_decision(ids[3], &ann, &confirm).unwrap();

    let today = today();
    let records = store.export_decisions(&today, &today).unwrap();
    assert_eq!(records.len(), 4);
    for record in &records {
        let decision = store.decision(record.decision_id).unwrap().unwrap();
        let alert = store.alert(decision.alert_id).unwrap().unwrap();
        assert_eq!(
            (
                record.kind,
                record.reason,
                &record.remark,
                record.status,
                &record.requested_by,
                &record.reviewed_by
            ),
            (
                decision.kind,
                decision.reason,
                &decision.remark,
                decision.status,
                &decision.requested_by,
                &decision.reviewed_by
            )
        );
        assert_eq!((&record.customer_name, &record.referents), (&alert.customer_name, &alert.referents));
        assert_eq!(record.list_versions, ["un_sc_sanctions#1 (2026-01-28)"]);
        assert_eq!(record.suppression, describe_suppression(decision.suppress.as_ref()));
        assert_eq!(record.csv_fields().len(), EXPORT_COLUMNS.len());
    }
    let json = serde_json::to_string(&records).unwrap();
    assert_eq!(serde_json::from_str::<Vec<DecisionRecord>>(&json).unwrap(), records);
    assert!(store.export_decisions("2020-01-01", "2020-12-31").unwrap().is_empty());
    assert_eq!(user_error(store.export_decisions("yesterday", &today)), UserErrorKind::BadTime);
}

fn queue_pages_by_keyset(db: &dyn Db) {
    let (store, ids) = setup(db, 23);
    let ann = Actor::new("ann", Role::Analyst);
    for id in &ids[..5] {
        store.assign_alert(*id, &ann, Some("ann")).unwrap();
    }
    let all = store.alerts(&AlertFilter::default()).unwrap();
    for sort in QueueSort::ALL.iter().copied() {
        let mut expected = all.clone();
        match sort {
            QueueSort::Newest => expected.sort_by(|a, b| (&b.created_at, b.id).cmp(&(&a.created_at, a.id))),
            QueueSort::Oldest => expected.sort_by(|a, b| (&a.created_at, a.id).cmp(&(&b.created_at, b.id))),
            QueueSort::ScoreDesc => {
                expected.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.id.cmp(&a.id)));
            }
            QueueSort::ScoreAsc => expected.sort_by(|a, b| a.score.total_cmp(&b.score).then(a.id.cmp(&b.id))),
        }
        let mut seen = Vec::new();
        let mut query = QueueQuery { sort, limit: Some(7), ..QueueQuery::default() };
        loop {
            let page = store.alert_queue(&query).unwrap();
            seen.extend(page.items.iter().map(|item| item.alert.id));
            match page.next {
                Some(next) => query.after = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, expected.iter().map(|a| a.id).collect::<Vec<_>>(), "{sort}");
    }
    let mine = store
        .alert_queue(&QueueQuery {
            assignee: Some(AssigneeFilter::Person("ann".into())),
            limit: Some(100),
            ..QueueQuery::default()
        })
        .unwrap();
    assert_eq!(mine.items.iter().map(|i| i.alert.id).collect::<Vec<_>>(), ids[..5]);
    assert!(mine.items.iter().all(|i| i.assignee.as_deref() == Some("ann")));
    let unassigned = store
        .alert_queue(&QueueQuery {
            assignee: Some(AssigneeFilter::Unassigned),
            limit: Some(100),
            ..QueueQuery::default()
        })
        .unwrap();
    assert_eq!(unassigned.items.len(), 18);
    let high = store
        .alert_queue(&QueueQuery {
            min_score: Some(0.785),
            status: Some(AlertStatus::Open),
            book: Some("retail".into()),
            limit: Some(100),
            ..QueueQuery::default()
        })
        .unwrap();
    assert_eq!(high.items.len(), all.iter().filter(|a| a.score >= 0.785).count());
    assert!(!high.items.is_empty());
    let asked = store.request_decision(ids[9], &ann, &dismiss(Some(SuppressionRequest::Pinned))).unwrap();
    let page = store.alert_queue(&QueueQuery { limit: Some(100), ..QueueQuery::default() }).unwrap();
    let item = page.items.iter().find(|i| i.alert.id == ids[9]).unwrap();
    assert_eq!(item.pending_decision, Some(asked.id));
    let today = today();
    assert_eq!(
        store
            .alert_queue(&QueueQuery { created_until: Some("2020-01-01".into()), ..QueueQuery::default() })
            .unwrap()
            .items,
        []
    );
    assert_eq!(
        store
            .alert_queue(&QueueQuery { created_from: Some(today), limit: Some(100), ..QueueQuery::default() })
            .unwrap()
            .items
            .len(),
        23
    );
    assert_eq!(
        user_error(
            store.alert_queue(&QueueQuery { after: Some("nonsense".into()), ..QueueQuery::default() })
        ),
        UserErrorKind::BadCursor
    );
}

/// Alerts know the programmes of their listed records (written with the screening that raises
/// or updates them), and the queue filters by one, paging by keyset.
fn queue_filters_by_programme(db: &dyn Db) {
    let store = open(db);
    let programmes: [&[&str]; 4] =
        [&["SDGT"], &["RUSSIA-EO14024", "UKRAINE-EO13660"], &["SDGT", "IRAN"], &[]];
    let designated = |dataset_programmes: &[&[&str]], published: &str, hash: &str| {
        let mut list =
            list("us_ofac_sdn", published, hash, &["A Person", "B Person", "C Person", "D Person"]);
        for (entity, programs) in list.entities.iter_mut().zip(dataset_programmes) {
            entity.designations.push(ward_model::Designation {
                programs: programs.iter().map(|p| p.to_string()).collect(),
                ..ward_model::Designation::default()
            });
        }
        list
    };
    let version = store.import(&designated(&programmes, "2026-01-28", "h1")).unwrap().version;
    let book = store.create_book("retail").unwrap();
    // Twelve alerts, three per record.
    let alert = |k: usize| Alert {
        id: 0,
        book: "retail".into(),
        customer_id: format!("c{k}"),
        customer_name: format!("Customer {k}"),
        subject_id: format!("us_ofac_sdn:R{}", k % 4),
        referents: vec![format!("us_ofac_sdn:R{}", k % 4)],
        score: 0.7 + k as f64 * 0.01,
        explanations: vec![],
        reason: AlertReason::NewCustomer,
        status: AlertStatus::Open,
        close_reason: None,
        list_versions: vec![version.id],
        created_at: String::new(),
        updated_at: String::new(),
    };
    let ids = store
        .commit_screening(&book, &(0..12).map(|k| AlertChange::Raise(alert(k))).collect::<Vec<_>>())
        .unwrap();
    assert_eq!(store.alert_programmes().unwrap(), ["IRAN", "RUSSIA-EO14024", "SDGT", "UKRAINE-EO13660"]);
    assert_eq!(store.programmes_of_alert(ids[1]).unwrap(), ["RUSSIA-EO14024", "UKRAINE-EO13660"]);
    assert_eq!(store.programmes_of_alert(ids[3]).unwrap(), Vec::<String>::new());

    let filtered = |programme: &str, sort: QueueSort| {
        let mut query = QueueQuery {
            programme: Some(programme.to_string()),
            sort,
            limit: Some(2),
            ..QueueQuery::default()
        };
        let mut seen = Vec::new();
        loop {
            let page = store.alert_queue(&query).unwrap();
            seen.extend(page.items.iter().map(|item| item.alert.id));
            match page.next {
                Some(next) => query.after = Some(next),
                None => return seen,
            }
        }
    };
    let sdgt: Vec<i64> = [0, 2, 4, 6, 8, 10].iter().map(|&k| ids[k]).collect();
    assert_eq!(filtered("SDGT", QueueSort::Oldest), sdgt);
    assert_eq!(filtered("SDGT", QueueSort::ScoreDesc), sdgt.iter().rev().copied().collect::<Vec<_>>());
    assert_eq!(filtered("IRAN", QueueSort::Oldest), [ids[2], ids[6], ids[10]]);
    assert_eq!(filtered("UNKNOWN", QueueSort::Oldest), Vec::<i64>::new());

    // An update on an amended designation replaces the alert's programmes.
    let amended = [&["SDGT"][..], &["RUSSIA-EO14024"], &["SDGT", "IRAN"], &["NPWMD"]];
    let second = store.import(&designated(&amended, "2026-02-27", "h2")).unwrap().version;
    let mut updated = store.alert(ids[3]).unwrap().unwrap();
    updated.list_versions = vec![second.id];
    store.commit_screening(&book, &[AlertChange::Update(updated)]).unwrap();
    assert_eq!(store.programmes_of_alert(ids[3]).unwrap(), ["NPWMD"]);
    assert_eq!(filtered("NPWMD", QueueSort::Newest), [ids[3]]);
}

/// The race: a screening reads an alert, a decision takes effect on another connection, then
/// the screening writes its (stale) view back. The write is refused, nothing of the screening
/// step is committed, and the decision stands; screening again from a fresh read succeeds.
fn a_stale_screening_cannot_overwrite_a_decision(db: &dyn Db) {
    let (store, ids) = setup(db, 2);
    let ann = Actor::new("ann", Role::Analyst);
    let sue = Actor::new("sue", Role::Supervisor);
    let book = store.book("retail").unwrap().unwrap();
    // The screening's read, as `ward-monitor` does before it reconciles.
    let read = store.alert(ids[0]).unwrap().unwrap();
    let other = store.alert(ids[1]).unwrap().unwrap();
    // Meanwhile a dismissal is requested and approved, each in its own transaction.
    let asked = store.request_decision(ids[0], &ann, &dismiss(Some(SuppressionRequest::Pinned))).unwrap();
    store.approve_decision(asked.id, &sue, "").unwrap();
    assert_eq!(store.alert(ids[0]).unwrap().unwrap().status, AlertStatus::Dismissed);
    let events_before = store.alert_history(ids[0]).unwrap().len();
    let outbox_before = store.outbox(1000).unwrap().len();

    // The screening writes back its view: the alert open with a new score.
    let mut stale = read.clone();
    stale.score = 0.99;
    let mut fresh_other = other.clone();
    fresh_other.score = 0.98;
    let refused = store
        .commit_screening(&book, &[AlertChange::Update(fresh_other.clone()), AlertChange::Update(stale)]);
    assert_eq!(user_error(refused), UserErrorKind::AlertChanged);
    let now = store.alert(ids[0]).unwrap().unwrap();
    assert_eq!((now.status, now.score), (AlertStatus::Dismissed, read.score));
    // The whole step was rolled back: the other alert's update too, and no event was written.
    assert_eq!(store.alert(ids[1]).unwrap().unwrap().score, other.score);
    assert_eq!(store.alert_history(ids[0]).unwrap().len(), events_before);
    assert_eq!(store.outbox(1000).unwrap().len(), outbox_before);
    assert_eq!(store.active_suppressions("retail").unwrap().len(), 1);

    // Screening again reads the decided alert and may update it.
    let mut reread = store.alert(ids[0]).unwrap().unwrap();
    reread.score = 0.99;
    store.commit_screening(&book, &[AlertChange::Update(fresh_other), AlertChange::Update(reread)]).unwrap();
    let now = store.alert(ids[0]).unwrap().unwrap();
    assert_eq!((now.status, now.score), (AlertStatus::Dismissed, 0.99));
}
